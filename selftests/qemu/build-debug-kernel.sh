#!/bin/bash
# Build (once) the debug test kernel: Debian's linux-source-6.1 configured with
# `allnoconfig` + qemu/debug.config (KASAN, UBSAN, lockdep, kmemleak, KUnit, ...).
#
# usage: build-debug-kernel.sh               build if needed; print the tree's path
#        build-debug-kernel.sh --print-dir   print the tree's path only (no build)
#        build-debug-kernel.sh --module DIR  build if needed, then build extnet.ko
#                                            against the tree in DIR (a copy of
#                                            Kbuild, kmod/ and uapi/); print its path
#
# The tree is $EXTNET_CACHE/debug-<hash>/ (default cache /var/cache/extnet), <hash>
# taken over the linux-source-6.1 package version, the settings of debug.config
# (comments and order do not count), the patches in debug-patches/ (applied
# after extraction) and this script's RECIPE number: a change to any of them builds a new tree (older ones stay until
# removed by hand, ~2 GiB each). A built tree has bzImage at
# arch/x86/boot/bzImage and Module.symvers (the modules target ran). A warm call
# does nothing. An interrupted build resumes where it stopped. The build log is
# <tree>.log. Only the path goes to standard output; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE=${EXTNET_CACHE:-/var/cache/extnet}
FRAGMENT=$here/debug.config
# Fixes of kernel bugs (not extnet's) that the debug checks would report.
PATCHES=("$here"/debug-patches/*.patch)
SRCPKG=linux-source-6.1
SRCTAR=/usr/src/$SRCPKG.tar.xz
# Bump when the build steps below change in a way that needs a new tree.
RECIPE=1
PACKAGES=("$SRCPKG" build-essential bc bison flex libelf-dev libssl-dev xz-utils patch)

die() { echo "build-debug-kernel.sh: $*" >&2; exit 1; }
say() { echo "build-debug-kernel.sh: $*" >&2; }

mode=build moddir=
case ${1-} in
'') ;;
--print-dir) mode=print ;;
--module)
	[[ $# -eq 2 ]] || die "--module wants a directory"
	mode=module moddir=$2
	;;
*) sed -n '4,10{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac

# One dpkg-query for all (a warm call must stay well under a second).
declare -A installed=()
while read -r st p; do
	[[ $st == ii ]] && installed[$p]=1
done < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null)
missing=()
for p in "${PACKAGES[@]}"; do
	[[ -n ${installed[$p]-} ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $mode != print ]] || die "not installed: ${missing[*]}"
	[[ $(id -u) -eq 0 ]] || die "must run as root to install ${missing[*]}"
	say "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

srcver=$(dpkg-query -W -f='${Version}' "$SRCPKG")
# Only the settings count, not comments or their order.
hash=$({
	echo "$SRCPKG $srcver recipe $RECIPE"
	grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$FRAGMENT" | LC_ALL=C sort
	for f in "${PATCHES[@]}"; do
		if [[ -f $f ]]; then sha256sum <"$f"; fi
	done
} | sha256sum | cut -c1-12)
tree=$CACHE/debug-$hash

# check_config: every line of the fragment must be in .config exactly as asked
# ("# CONFIG_X is not set": X must be neither y nor m).
check_config() {
	local line sym bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)= ]]; then
			grep -qxF -- "$line" "$tree/.config" && continue
			sym=${BASH_REMATCH[1]}
			say "debug.config asks for $line, .config has: $(grep -E "^(# )?${sym}[= ]" "$tree/.config" || echo "(nothing)")"
			bad=1
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			if grep -qE "^$sym=[ym]$" "$tree/.config"; then
				say "debug.config asks for '$line', .config has: $(grep -E "^$sym=" "$tree/.config")"
				bad=1
			fi
		fi
	done <"$FRAGMENT"
	[[ $bad -eq 0 ]] || die "options of $FRAGMENT missing from $tree/.config (unmet dependencies?)"
}

build_tree() {
	local tmp f t0=$SECONDS log=$tree.log
	mkdir -p "$CACHE"
	if [[ ! -e $tree/.extracted ]]; then
		say "extracting $SRCTAR into $tree"
		tmp=$(mktemp -d "$CACHE/.debug-extract.XXXXXX")
		tar -xJf "$SRCTAR" -C "$tmp"
		[[ -f $tmp/$SRCPKG/Makefile ]] || die "$SRCTAR has no $SRCPKG/Makefile"
		for f in "${PATCHES[@]}"; do
			[[ -f $f ]] || continue
			say "applying $(basename "$f")"
			patch -d "$tmp/$SRCPKG" -p1 -s --no-backup-if-mismatch <"$f" ||
				die "$(basename "$f") does not apply to $SRCPKG $srcver"
		done
		touch "$tmp/$SRCPKG/.extracted"
		rm -rf "$tree"
		mv "$tmp/$SRCPKG" "$tree"
		rmdir "$tmp"
	fi
	# The configuration is made again whenever the build did not finish; make
	# keeps what was already compiled for an unchanged .config.
	say "configuring (allnoconfig + $(basename "$FRAGMENT"))"
	cp "$FRAGMENT" "$tree/.debug.config"
	if [[ -f $tree/.config ]]; then
		cp -p "$tree/.config" "$tree/.config.prev"
	fi
	(cd "$tree" && scripts/kconfig/merge_config.sh -n .debug.config) >"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "merge_config.sh failed (log: $log)"; }
	if [[ -f $tree/.config.prev ]] && cmp -s "$tree/.config" "$tree/.config.prev"; then
		# Keep the old .config's timestamp so that nothing is rebuilt for it.
		mv "$tree/.config.prev" "$tree/.config"
	fi
	rm -f "$tree/.config.prev"
	check_config
	say "building bzImage and modules with -j$(nproc) (log: $log; 10-25 min on 2 cores)"
	if ! make -C "$tree" -j"$(nproc)" bzImage modules >>"$log" 2>&1; then
		grep -E 'error|Error' "$log" | tail -n 20 >&2
		die "kernel build failed (log: $log)"
	fi
	[[ -f $tree/arch/x86/boot/bzImage && -f $tree/Module.symvers ]] ||
		die "build finished without arch/x86/boot/bzImage and Module.symvers"
	touch "$tree/.built"
	say "built $(make -s -C "$tree" kernelrelease) in $((SECONDS - t0)) s"
}

build_module() {
	local f
	mkdir -p "$moddir"
	moddir=$(cd "$moddir" && pwd)
	[[ $moddir != "$root" && $moddir != "$root/kmod" ]] || die "--module wants a directory of its own"
	# Copy only sources; cp -p keeps timestamps so an unchanged file is not rebuilt.
	mkdir -p "$moddir/kmod" "$moddir/uapi"
	cp -p "$root/Kbuild" "$moddir/"
	for f in "$root"/kmod/*; do
		case $f in
		*/Kbuild | */Makefile | *.c | *.h) cp -p "$f" "$moddir/kmod/" ;;
		esac
	done
	# Sources that are gone from kmod/ go from the copy too.
	for f in "$moddir"/kmod/*.c "$moddir"/kmod/*.h; do
		if [[ -e $f && ! -e $root/kmod/${f##*/} ]]; then rm -f "$f" "${f%.*}.o"; fi
	done
	cp -pr "$root/uapi/." "$moddir/uapi/"
	make -C "$tree" M="$moddir" W=1 -j"$(nproc)" modules >&2 ||
		die "extnet.ko does not build against $tree"
	[[ -f $moddir/kmod/extnet.ko ]] || die "no $moddir/kmod/extnet.ko after the build"
	echo "$moddir/kmod/extnet.ko"
}

if [[ $mode == print ]]; then
	echo "$tree"
	exit 0
fi

if [[ ! -e $tree/.built ]]; then
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.debug-build.lock"
	if ! flock -n 9; then
		say "waiting for another build in $CACHE"
		flock 9
	fi
	if [[ ! -e $tree/.built ]]; then
		build_tree
	fi
	exec 9>&-
fi

if [[ $mode == module ]]; then
	build_module
else
	echo "$tree"
fi
