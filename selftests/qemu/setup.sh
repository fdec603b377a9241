#!/bin/bash
# Prepare a machine to run the extnet selftests under QEMU.
#
# Idempotent: installs the Debian packages the harness uses (only when one is
# missing), then fetches Debian's stock kernel package once and unpacks it into
# the cache directory. Prints nothing when there is nothing to do.
#
# Environment:
#   KVER          kernel ABI to boot (default 6.1.0-56-amd64)
#   EXTNET_CACHE  cache directory, outside the git clone (default /var/cache/extnet)
#   EXTNET_PROFILE=1  also install perf (linux-perf), for bench_profile.sh's
#                 sampling part (make profile); not needed otherwise
set -euo pipefail

KVER=${KVER:-6.1.0-56-amd64}
CACHE=${EXTNET_CACHE:-/var/cache/extnet}

# binutils: objcopy reads and strips modules; iputils-ping: busybox's ping lacks
# options (-M do, -6) tests want; xz-utils/zstd: compressed modules of newer kernels.
# kmod is not needed: busybox depmod writes the guest's modules.dep.
PACKAGES=(
	qemu-system-x86 busybox-static cpio gzip xz-utils zstd binutils bash coreutils
	iproute2 tcpdump iperf3 iputils-ping libmnl0
	# bgp.sh: a BGP speaker redistributing extnet's host routes, and its peer.
	bird2
	"linux-headers-$KVER"
	# Building extnet.ko, the tool and the test programs.
	gcc make libc6-dev libmnl-dev pkg-config
)
if [[ ${EXTNET_PROFILE-} == 1 ]]; then
	PACKAGES+=(linux-perf)
fi

die() { echo "setup.sh: $*" >&2; exit 1; }

need_root() {
	[[ $(id -u) -eq 0 ]] || die "must run as root to $*"
}

apt_updated=0
apt_update() {
	if [[ $apt_updated -eq 0 ]]; then
		apt-get update -qq
		apt_updated=1
	fi
}

missing=()
for p in "${PACKAGES[@]}"; do
	if [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) != "ii " ]]; then
		missing+=("$p")
	fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
	need_root "install ${missing[*]}"
	echo "setup.sh: installing ${missing[*]}" >&2
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

kdir="$CACHE/linux-image-$KVER"
if [[ ! -e "$kdir/.extracted" ]]; then
	need_root "fetch linux-image-$KVER into $CACHE"
	mkdir -p "$CACHE/debs"
	deb=$(find "$CACHE/debs" -maxdepth 1 -name "linux-image-${KVER}_*.deb" -print -quit)
	if [[ -z "$deb" ]]; then
		echo "setup.sh: downloading linux-image-$KVER" >&2
		# Run as root on purpose: the _apt sandbox user cannot write to the cache.
		dl() { (cd "$CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "linux-image-$KVER"); }
		if ! dl; then
			apt_update
			dl
		fi
		deb=$(find "$CACHE/debs" -maxdepth 1 -name "linux-image-${KVER}_*.deb" -print -quit)
		[[ -n "$deb" ]] || die "apt-get download linux-image-$KVER produced no .deb"
	fi
	echo "setup.sh: unpacking $(basename "$deb")" >&2
	# Unpack beside the final place and rename, so an interrupted run is never reused.
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	[[ -f "$tmp/boot/vmlinuz-$KVER" ]] || die "$deb has no boot/vmlinuz-$KVER"
	rm -rf "$kdir"
	touch "$tmp/.extracted"
	mv "$tmp" "$kdir"
fi
