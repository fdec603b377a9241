#!/bin/bash
# Run extnet selftests in a throw-away QEMU guest (TCG, no KVM needed).
#
# usage: run.sh [-k stock|debug|BZIMAGE] [-o OUTDIR] [-t TIMEOUT_S] [-v] TEST.sh...
#
#   -k  kernel: "stock" (Debian's linux-image-$KVER, default), "debug" (the debug
#       kernel of build-debug-kernel.sh: KASAN, UBSAN, lockdep, kmemleak, KUnit;
#       built first if it is not in the cache; veth, bridge and vxlan are built in;
#       extnet.ko and extnet_kunit.ko are built against it in OUTDIR/debug-build
#       unless EXTNET_KO is set)
#       or a bzImage path (modules then come from $KMODDIR/lib/modules/<release>,
#       if set)
#   -o  output directory (default: a new /tmp/extnet-selftest.XXXXXX); gets
#       initramfs.cpio.gz and console.log
#   -t  per-test timeout inside the guest, seconds (default 300)
#   -v  show the guest console live on stderr
#
# Environment: KVER, EXTNET_CACHE (see setup.sh), EXTNET_KO (default kmod/extnet.ko),
# EXTNET_TOOL (default tools/extnet), EXTNET_MODULES (extra kernel modules to load),
# EXTNET_KUNIT_KO (KUnit module, loaded and unloaded once before extnet.ko; default
# with -k debug: extnet_kunit.ko beside extnet.ko; "" = none),
# QEMU_SMP (default 2; 1 with -k debug or QEMU_ICOUNT), QEMU_MEM (default 1G), EXTNET_CMDLINE (extra kernel arguments),
# QEMU_ICOUNT (N: -icount shift=N, guest time counts instructions, 2^N ns each;
# one vCPU only: a second one never comes up under -icount here; the guest's
# command line then says qemu.icount=N, and the default of EXTNET_HOST_TIMEOUT
# is 8 times longer),
# EXTNET_HOST_TIMEOUT (seconds before QEMU is killed; default 90 + tests * (TIMEOUT_S + 15)),
# EXTNET_SKIP_SETUP=1 (do not run setup.sh), EXTNET_GUEST_TOOLS (extra programs for
# the guest, e.g. "perf"), EXTNET_TEST_TIMEOUTS ("NAME=SECONDS ...":
# per-test timeouts instead of -t's, e.g. "lifecycle.sh=1800").
#
# Prints each test's KTAP output (and that of the KUnit suites of extnet_kunit.ko,
# as "# kunit: " lines), then "N passed, N failed, N skipped"; exits 0 only
# when nothing failed. See selftests/README for what counts as a failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

KVER=${KVER:-6.1.0-56-amd64}
CACHE=${EXTNET_CACHE:-/var/cache/extnet}
# Set to "" to leave the module or the tool out.
EXTNET_TOOL=${EXTNET_TOOL-$root/tools/extnet}
MEM=${QEMU_MEM:-1G}
smp_default=2
if [[ -n ${QEMU_ICOUNT-} ]]; then
	smp_default=1
fi

# Modules the tests rely on; their dependencies are added from .modinfo.
BASE_MODULES=(veth bridge vxlan)
# Real programs that must win over busybox applets of the same name (busybox's ip
# has no netns or vxlan, and `ip netns exec` searches PATH, not shell functions).
# bird and birdc: the BGP speakers of bgp.sh (Debian's bird2).
REAL_TOOLS=(bash ip bridge ss tc tcpdump iperf3 ping bird birdc)
# EXTNET_GUEST_TOOLS: more host programs for the guest, with their libraries
# (bench_profile.sh wants perf; setup.sh installs it with EXTNET_PROFILE=1).
# shellcheck disable=SC2206 # word splitting wanted
REAL_TOOLS+=(${EXTNET_GUEST_TOOLS-})
# Kernel messages that fail a run wherever they appear on the console.
# ("BUG kmalloc-64 (Not tainted): Redzone overwritten" is SLUB's debug report.)
SPLAT_RE='BUG:|WARNING:|Kernel panic|Oops|KASAN|UBSAN|possible circular locking|suspicious RCU usage|kmemleak|general protection fault|Call Trace:|kernel BUG at|ODEBUG:|detected stalls? on CPU|^BUG [^ ]+ \((Not t|T)ainted'
# KTAP lines of KUnit on the console (after the printk time stamp is removed).
KUNIT_RESULT_RE='^( *)(not ok|ok) ([0-9]+) (.*)$'
KUNIT_OTHER_RE='^ *(KTAP version [0-9]+|TAP version [0-9]+|# Subtest: .*|1\.\.[0-9]+|# .*)$'

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}
die() { echo "run.sh: $*" >&2; exit 2; }
[[ -z ${QEMU_ICOUNT-} || $QEMU_ICOUNT =~ ^[0-9]$ ]] ||
	die "QEMU_ICOUNT must be a shift of 0-9, not '$QEMU_ICOUNT'"

kernel=stock outdir='' timeout_s=300 verbose=0
while getopts k:o:t:vh opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	o) outdir=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || usage
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "-t wants a positive number of seconds"

declare -A test_timeout=()
for kv in ${EXTNET_TEST_TIMEOUTS-}; do
	[[ $kv =~ ^([^=]+)=([1-9][0-9]*)$ ]] || die "EXTNET_TEST_TIMEOUTS: not NAME=SECONDS: $kv"
	test_timeout[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
done

tests=()
declare -A test_seen=()
for t in "$@"; do
	[[ -f $t ]] || die "no such test: $t"
	b=$(basename "$t")
	[[ $b != lib.sh && $b != *'|'* && $b != *' '* ]] || die "bad test name: $b"
	[[ -z ${test_seen[$b]-} ]] || die "two tests named $b"
	test_seen[$b]=1
	tests+=("$t")
done

if [[ ${EXTNET_SKIP_SETUP:-0} != 1 ]]; then
	KVER=$KVER EXTNET_CACHE=$CACHE "$here/setup.sh"
fi

if [[ $kernel == stock ]]; then
	vmlinuz=$CACHE/linux-image-$KVER/boot/vmlinuz-$KVER
	moddir=$CACHE/linux-image-$KVER/lib/modules/$KVER
	EXTNET_KO=${EXTNET_KO-$root/kmod/extnet.ko}
	SMP=${QEMU_SMP:-$smp_default}
else
	if [[ $kernel == debug ]]; then
		debug_tree=$(EXTNET_CACHE=$CACHE "$here/build-debug-kernel.sh") ||
			die "no debug kernel (build-debug-kernel.sh failed)"
		kernel=$debug_tree/arch/x86/boot/bzImage
		# Everything else is built in (modules.builtin tells modprobe so).
		builtin_list=$debug_tree/modules.builtin
		# Without ACPI the kernel brings up one CPU whatever -smp says.
		SMP=${QEMU_SMP:-1}
	else
		EXTNET_KO=${EXTNET_KO-$root/kmod/extnet.ko}
		SMP=${QEMU_SMP:-$smp_default}
	fi
	vmlinuz=$kernel
	# The release string sits at 0x200 + the 16-bit pointer at offset 0x20e.
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$vmlinuz" | tr -d ' ')
	KVER=$(dd if="$vmlinuz" bs=1 skip=$((0x200 + off)) count=128 status=none | tr '\0' '\n' | head -n1)
	KVER=${KVER%% *}
	moddir=${KMODDIR:+$KMODDIR/lib/modules/$KVER}
fi
[[ -f $vmlinuz ]] || die "no kernel at $vmlinuz"

if [[ -z $outdir ]]; then
	outdir=$(mktemp -d /tmp/extnet-selftest.XXXXXX)
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
if [[ -n ${debug_tree-} && -z ${EXTNET_KO+set} ]]; then
	EXTNET_KO=$(EXTNET_CACHE=$CACHE "$here/build-debug-kernel.sh" --module "$outdir/debug-build") ||
		die "extnet.ko does not build against the debug kernel"
fi
# The KUnit module is built beside extnet.ko when the tree has KUnit.
if [[ -n ${debug_tree-} && -z ${EXTNET_KUNIT_KO+set} && -n $EXTNET_KO ]]; then
	EXTNET_KUNIT_KO=$(dirname "$EXTNET_KO")/extnet_kunit.ko
	[[ -f $EXTNET_KUNIT_KO ]] || die "no $EXTNET_KUNIT_KO beside $EXTNET_KO (a tree without KUnit?)"
fi
EXTNET_KUNIT_KO=${EXTNET_KUNIT_KO-}
stage=$outdir/stage
initrd=$outdir/initramfs.cpio.gz
log=$outdir/console.log

# ---------------------------------------------------------------- initramfs

# copy_file SRC [DEST]: copy SRC (symlinks followed) to DEST (default: same path) in
# the stage.
copy_file() {
	local dest=$stage${2:-$1}
	mkdir -p "$(dirname "$dest")"
	cp -L "$1" "$dest"
}

# copy_prog PATH [DEST]: a program with the shared libraries and loader it needs.
copy_prog() {
	local lib
	copy_file "$@"
	# ldd prints "name => /path (addr)" and "/path/to/loader (addr)".
	while read -r lib; do
		[[ -e $stage$lib ]] || copy_file "$lib"
	done < <(ldd "$1" 2>/dev/null | sed -nE 's/.*=> (\/[^ ]+) .*/\1/p; s/^[[:space:]]*(\/[^ ]+) \(.*/\1/p')
}

declare -A mod_path=() mod_done=()

# modinfo_field KO FIELD: a field of the module's .modinfo section.
modinfo_field() {
	objcopy -O binary --only-section=.modinfo "$1" /dev/stdout | tr '\0' '\n' |
		sed -n "s/^$2=//p"
}

index_modules() {
	local f n
	[[ -n $moddir && -d $moddir ]] || return 0
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		mod_path[${n//-/_}]=$f
	done < <(find "$moddir" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
}

# add_module NAME|FILE [DEST]: copy a module (decompressed) and, first, its
# dependencies into the stage.
add_module() {
	local src dest name dep
	if [[ $1 == *.ko* ]]; then
		src=$1
		name=$(basename "$1")
		name=${name%%.ko*}
	else
		name=${1//-/_}
		[[ -z ${mod_done[$name]-} ]] || return 0
		src=${mod_path[$name]-}
		[[ -n $src ]] || die "kernel module $name not found under ${moddir:-(no module directory)}"
	fi
	name=${name//-/_}
	mod_done[$name]=1
	dest=${2:-$stage/lib/modules/$KVER/${src#"$moddir"/}}
	dest=${dest%.xz}
	dest=${dest%.zst}
	dest=${dest%.gz}
	mkdir -p "$(dirname "$dest")"
	case $src in
	*.xz) xz -dc "$src" >"$dest" ;;
	*.zst) zstd -qdc "$src" >"$dest" ;;
	*.gz) gzip -dc "$src" >"$dest" ;;
	*) cp "$src" "$dest" ;;
	esac
	# Debug info is of no use in the guest and makes an out-of-tree module 10x larger.
	objcopy --strip-debug "$dest"
	for dep in $(modinfo_field "$dest" depends | tr ',' ' '); do
		add_module "$dep"
	done
}

build_initramfs() {
	local d a name t vermagic
	rm -rf "$stage"
	mkdir -p "$stage"
	for d in usr/bin usr/sbin usr/lib usr/lib64 proc sys dev tmp run root etc/extnet selftests; do
		mkdir -p "$stage/$d"
	done
	# Merged /usr, as on the host, so library paths printed by ldd work unchanged.
	for d in bin sbin lib lib64; do
		ln -s "usr/$d" "$stage/$d"
	done
	# No device nodes (building needs no root): the kernel's built-in initramfs
	# has /dev/console, and init mounts devtmpfs before anything else.

	for t in "${REAL_TOOLS[@]}"; do
		copy_prog "$(command -v "$t")"
	done
	ln -s ping "$stage/usr/bin/ping6"
	copy_file /bin/busybox /usr/bin/busybox
	while read -r a; do
		name=${a##*/}
		[[ -e $stage/$a || -L $stage/$a ]] && continue
		[[ " ${REAL_TOOLS[*]} ping6 " == *" $name "* ]] && continue
		ln -s /usr/bin/busybox "$stage/$a"
	done < <(/bin/busybox --list-full)

	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$stage/etc/passwd"
	printf 'root:x:0:\n' >"$stage/etc/group"
	printf 'hosts: files\npasswd: files\ngroup: files\n' >"$stage/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$stage/etc/hosts"

	index_modules
	: >"$stage/etc/extnet/modules"
	if [[ -n $moddir ]]; then
		# shellcheck disable=SC2206 # word splitting wanted
		for name in "${BASE_MODULES[@]}" ${EXTNET_MODULES-}; do
			add_module "$name"
			echo "$name" >>"$stage/etc/extnet/modules"
		done
	elif [[ -n ${builtin_list-} ]]; then
		# A kernel with everything built in: `modprobe NAME` (in /init and in tests)
		# succeeds for the modules listed in modules.builtin.
		mkdir -p "$stage/lib/modules/$KVER"
		cp "$builtin_list" "$stage/lib/modules/$KVER/modules.builtin"
		# shellcheck disable=SC2206 # word splitting wanted
		for name in "${BASE_MODULES[@]}" ${EXTNET_MODULES-}; do
			grep -qE "/${name//[-_]/[-_]}\.ko\$" "$builtin_list" ||
				die "module $name is not built into $vmlinuz (add it to debug.config)"
		done
	fi
	if [[ -n $EXTNET_KO && -f $EXTNET_KO ]]; then
		vermagic=$(modinfo_field "$EXTNET_KO" vermagic)
		[[ ${vermagic%% *} == "$KVER" ]] ||
			die "$EXTNET_KO is built for '${vermagic%% *}', the guest runs $KVER"
		name=$(basename "$EXTNET_KO")
		add_module "$EXTNET_KO" "$stage/lib/modules/$KVER/extra/$name"
		echo "${name%%.ko*}" >>"$stage/etc/extnet/modules"
	else
		echo "run.sh: no module ${EXTNET_KO:-(EXTNET_KO empty)}, guest without extnet.ko" >&2
	fi
	if [[ -n $EXTNET_KUNIT_KO ]]; then
		[[ -f $EXTNET_KUNIT_KO ]] || die "no KUnit module $EXTNET_KUNIT_KO"
		vermagic=$(modinfo_field "$EXTNET_KUNIT_KO" vermagic)
		[[ ${vermagic%% *} == "$KVER" ]] ||
			die "$EXTNET_KUNIT_KO is built for '${vermagic%% *}', the guest runs $KVER"
		# Out of modprobe's reach: it has extnet.ko's aliases (kmod/Kbuild).
		add_module "$EXTNET_KUNIT_KO" "$stage/usr/lib/extnet/extnet_kunit.ko"
	fi
	if [[ -d $stage/lib/modules/$KVER ]]; then
		/bin/busybox depmod -b "$stage" "$KVER"
	fi

	if [[ -n $EXTNET_TOOL && -x $EXTNET_TOOL ]]; then
		copy_prog "$EXTNET_TOOL" /usr/sbin/extnet
	else
		echo "run.sh: no tool ${EXTNET_TOOL:-(EXTNET_TOOL empty)}, guest without extnet" >&2
	fi

	cp "$here/init" "$stage/init"
	chmod 755 "$stage/init"
	# Every script of selftests/ (lib.sh and helpers that tests source); only the
	# tests named on the command line are run.
	cp "$root"/selftests/*.sh "$stage/selftests/"
	# Helper programs built in selftests/progs/ are on the guest's PATH.
	for t in "$root"/selftests/progs/*; do
		if [[ -f $t && -x $t ]]; then
			copy_prog "$t" "/usr/local/bin/${t##*/}"
		fi
	done
	: >"$stage/etc/extnet/tests"
	for t in "${tests[@]}"; do
		cp "$t" "$stage/selftests/"
		t=$(basename "$t")
		echo "$t ${test_timeout[$t]:-$timeout_s}" >>"$stage/etc/extnet/tests"
	done
	echo "$timeout_s" >"$stage/etc/extnet/timeout"

	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$initrd"
	rm -rf "$stage"
}

# elapsed T0: seconds since T0 (an $EPOCHREALTIME value), one decimal.
elapsed() {
	local us=$((${EPOCHREALTIME/./} - ${1/./}))
	printf '%d.%d' $((us / 1000000)) $((us / 100000 % 10))
}

t0=$EPOCHREALTIME
build_initramfs
echo "# initramfs $initrd ($(($(stat -c %s "$initrd") / 1024)) KiB) built in $(elapsed "$t0") s"

# ---------------------------------------------------------------------- boot

# Console log level 5 (not `quiet`'s 4): lockdep's and WARN()'s reports are
# KERN_WARNING and would not reach the console otherwise.
# The guest's CPU (QEMU's default model, qemu64) gets RDRAND, which the
# kernel trusts to seed its random number generator at boot, as on any
# server. Unseeded (no RDRAND, no entropy device, nothing blocking in
# getrandom()), each get_random_u32() extracts from the input pool:
# thousands of instructions for every new slab's freelist shuffle, 11 % of
# a million-entry insert (Documentation/benchmarks.md, "The guest's random
# number generator").
cmdline="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 quiet loglevel=5 rdinit=/init random.trust_cpu=on ${EXTNET_CMDLINE-}"
# Tests that report figures learn from this what their clock counts.
[[ -z ${QEMU_ICOUNT-} ]] || cmdline+=" qemu.icount=$QEMU_ICOUNT"
# Boot + module loading take ~10 s; leave each test its own timeout plus slack.
host_timeout=90
for t in "${tests[@]}"; do
	t=$(basename "$t")
	host_timeout=$((host_timeout + ${test_timeout[$t]:-$timeout_s} + 15))
done
# The KUnit suites: 50-160 s on the debug kernel, depending on the host's load.
[[ -z $EXTNET_KUNIT_KO ]] || host_timeout=$((host_timeout + 600))
# Under -icount the guest's seconds (and so its tests' timeouts) are
# instructions: about 6 wall seconds each at shift 0 on this host's QEMU.
[[ -z ${QEMU_ICOUNT-} ]] || host_timeout=$((host_timeout * 8))
host_timeout=${EXTNET_HOST_TIMEOUT:-$host_timeout}

icount=()
if [[ -n ${QEMU_ICOUNT-} ]]; then
	[[ $SMP -eq 1 ]] || die "QEMU_ICOUNT needs QEMU_SMP=1 (a second vCPU hangs at boot under -icount)"
	icount=(-icount "shift=$QEMU_ICOUNT")
fi
raw=$outdir/console.raw
qemu=(qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand "${icount[@]}" -m "$MEM" -smp "$SMP" -nographic -no-reboot
	-nic none -kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline")
echo "# ${qemu[*]}"
qrc=0
t0=$EPOCHREALTIME
if [[ $verbose -eq 1 ]]; then
	timeout -k 10 "$host_timeout" "${qemu[@]}" </dev/null 2>&1 | tee "$raw" |
		sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[c78]//g' >&2 || qrc=$?
else
	timeout -k 10 "$host_timeout" "${qemu[@]}" </dev/null >"$raw" 2>&1 || qrc=$?
fi
echo "# guest ran $(elapsed "$t0") s (-smp $SMP${icount[*]:+ ${icount[*]}})"

# Serial output has \r\n line ends and SeaBIOS's terminal escape codes.
sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[c78]//g' "$raw" >"$log"
rm -f "$raw"

# -------------------------------------------------------------------- verdict

pass=0 fail=0 skipped=0 done=0
problems=()
splats=() splat_text=() splat_ctx=0
declare -A t_rc=() t_results=() t_notok=() t_plan=() t_state=()
cur=
# KUnit: each test case counts once. A result line is a leaf (a test case, or one
# parameter of a parameterised case) unless results one level deeper (4 more
# spaces) came right before it: then it closes their block (a suite's "ok 1
# extnet_table", a parameterised case's own line) and only summarises them. Such
# a summary counts only when it says "not ok" and none of its children did (a
# failing suite_init or suite_exit).
declare -A ku_child=() ku_child_fail=()
kunit_pass=0 kunit_fail=0 kunit_skip=0

# kunit_result INDENT STATUS TEXT: count one KTAP result line of the kernel.
kunit_result() {
	local d=$1 status=$2 text=$3 c=$(($1 + 4))
	if [[ -n ${ku_child[$c]-} ]]; then
		if [[ $status == "not ok" && -z ${ku_child_fail[$c]-} ]]; then
			kunit_fail=$((kunit_fail + 1))
		fi
		unset "ku_child[$c]" "ku_child_fail[$c]"
	elif [[ $status == "not ok" ]]; then
		kunit_fail=$((kunit_fail + 1))
	elif [[ $text =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
		kunit_skip=$((kunit_skip + 1))
	else
		kunit_pass=$((kunit_pass + 1))
	fi
	ku_child[$d]=1
	if [[ $status == "not ok" ]]; then
		ku_child_fail[$d]=1
	fi
}
while IFS= read -r line; do
	case $line in
	"@@@ BEGIN "*)
		cur=${line#@@@ BEGIN }
		t_state[$cur]=running
		t_results[$cur]=0
		t_notok[$cur]=0
		echo "# ---- $cur"
		;;
	"@@@ END "*)
		[[ $line =~ ^@@@\ END\ (.+)\ rc=([0-9]+)\ secs=([0-9.]+)$ ]] || continue
		name=${BASH_REMATCH[1]}
		t_rc[$name]=${BASH_REMATCH[2]}
		t_state[$name]=ended
		echo "# ---- $name: exit status ${BASH_REMATCH[2]}, ${BASH_REMATCH[3]} s"
		;;
	"@@@ START "*)
		echo "# guest: ${line#@@@ START }"
		;;
	"@@@ TIMEOUT "*)
		name=${line#@@@ TIMEOUT }
		name=${name% *}
		t_state[$name]=timeout
		;;
	"@@@ NOTE "*)
		echo "# guest: ${line#@@@ NOTE }"
		;;
	"@@@ ERROR "*)
		problems+=("guest: ${line#@@@ ERROR }")
		;;
	"@@@ DONE")
		done=1
		;;
	"@@ "*"| "* | "@@ "*"|")
		name=${line#@@ }
		name=${name%%|*}
		text=${line#@@ "$name"|}
		text=${text# }
		echo "$text"
		if [[ $text =~ ^not\ ok\ [0-9]+ ]]; then
			fail=$((fail + 1))
			t_notok[$name]=$((t_notok[$name] + 1))
			t_results[$name]=$((t_results[$name] + 1))
		elif [[ $text =~ ^ok\ [0-9]+ ]]; then
			if [[ $text =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
				skipped=$((skipped + 1))
			else
				pass=$((pass + 1))
			fi
			t_results[$name]=$((t_results[$name] + 1))
		elif [[ $text =~ ^1\.\.([0-9]+) ]]; then
			t_plan[$name]=${BASH_REMATCH[1]}
		fi
		;;
	*)
		# A kernel line: without its printk time stamp, if any.
		kline=$line
		if [[ $line =~ ^\[\ *[0-9]+\.[0-9]+\]\ ?(.*)$ ]]; then
			kline=${BASH_REMATCH[1]}
		fi
		if [[ $kline =~ $SPLAT_RE ]]; then
			splats+=("$kline")
			splat_text+=("$kline")
			# Keep the lines that follow (the report, its trace) for the summary.
			splat_ctx=60
		elif [[ $splat_ctx -gt 0 ]]; then
			splat_text+=("$kline")
			splat_ctx=$((splat_ctx - 1))
		fi
		if [[ $kline =~ $KUNIT_RESULT_RE ]]; then
			echo "# kunit: $kline"
			kunit_result "${#BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}"
		elif [[ $kline =~ $KUNIT_OTHER_RE ]]; then
			echo "# kunit: $kline"
		fi
		;;
	esac
done <"$log"

for t in "${tests[@]}"; do
	t=$(basename "$t")
	case ${t_state[$t]-never} in
	never) problems+=("$t: never started") ;;
	running) problems+=("$t: did not finish (guest died?)") ;;
	timeout) problems+=("$t: killed after ${test_timeout[$t]:-$timeout_s}s") ;;
	ended)
		rc=${t_rc[$t]}
		if [[ $rc -eq 4 && ${t_results[$t]} -eq 0 ]]; then
			skipped=$((skipped + 1))
			continue
		fi
		# One failure per script, whatever the number of reasons.
		why=()
		if [[ $rc -ne 0 && ${t_notok[$t]} -eq 0 ]]; then
			why+=("exited with status $rc without a 'not ok'")
		elif [[ ${t_results[$t]} -eq 0 ]]; then
			why+=("printed no KTAP result")
		fi
		if [[ -n ${t_plan[$t]-} && ${t_plan[$t]} -ne ${t_results[$t]} ]]; then
			why+=("planned ${t_plan[$t]} results, printed ${t_results[$t]}")
		fi
		if [[ ${#why[@]} -gt 0 ]]; then
			reasons=$(IFS=';'; echo "${why[*]}")
			problems+=("$t: ${reasons//;/; }")
		fi
		;;
	esac
done
if [[ $done -eq 0 ]]; then
	if [[ $qrc -eq 124 || $qrc -eq 137 ]]; then
		problems+=("guest killed by the host timeout (${host_timeout}s)")
	else
		problems+=("guest stopped before its final marker (qemu status $qrc)")
	fi
fi
if [[ ${#splats[@]} -gt 0 ]]; then
	problems+=("kernel splat on the console (${#splats[@]} lines)")
fi

echo "# ----"
echo "# console log: $log"
if [[ $((kunit_pass + kunit_fail + kunit_skip)) -gt 0 ]]; then
	echo "# kunit: $kunit_pass passed, $kunit_fail failed, $kunit_skip skipped"
fi
pass=$((pass + kunit_pass))
fail=$((fail + kunit_fail))
skipped=$((skipped + kunit_skip))
for line in "${splat_text[@]:0:400}"; do
	echo "# kernel: $line"
done
for p in "${problems[@]}"; do
	echo "# FAIL: $p"
done
fail=$((fail + ${#problems[@]}))
echo "$pass passed, $fail failed, $skipped skipped"
[[ $fail -eq 0 ]]
