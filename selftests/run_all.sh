#!/bin/bash
# Every test of the project (make check): the tool's command-line tests on
# the host, then every selftest on two kernels at once:
#   - Debian's stock kernel, all of GUEST_TESTS in one guest;
#   - the debug kernel (KASAN, UBSAN, lockdep, kmemleak, KUnit; built once
#     into the cache by qemu/build-debug-kernel.sh, 9-14 min on 2 cores),
#     GUEST_TESTS less the benchmark smoke run, spread over
#     EXTNET_DEBUG_SHARDS guests (-smp 1 each) balanced by DEBUG_COST; the
#     first one also runs the KUnit suites of extnet_kunit.ko;
#   - the stock kernel under QEMU -icount (guest time counts instructions,
#     one vCPU): bench_smoke.sh's forwarding rounds and two set-ups of
#     bench_arp.sh, as make bench's second boot runs them.
# All guests run in parallel (the stock one starts while the debug kernel
# is still being built, on a cold cache). Each guest's output is shown once it
# is done, in a fixed order. Ends with the combined "N passed, N failed,
# N skipped" and exits non-zero on any failure.
#
# Environment:
#   EXTNET_DEBUG=0                 stock kernel only (quick run; default 1)
#   EXTNET_DEBUG_SHARDS            debug guests (default 2)
#   EXTNET_TEST_TIMEOUT            per test, stock kernel (default 300 s, or
#                                  the test's DEBUG_COST if more)
#   EXTNET_DEBUG_TEST_TIMEOUT      per test, debug kernel (default 900 s, or
#                                  3 times the test's DEBUG_COST if more)
#   EXTNET_OUT                     keep each guest's output directory here
#                                  (default: a temporary directory, removed
#                                  unless something failed)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

GUEST_TESTS=(
	smoke_vxlan.sh
	two_site.sh
	two_site6.sh
	netlink_errors.sh
	two_vni.sh
	interop_vxlan.sh
	teardown.sh
	hostile_packets.sh
	events.sh
	move.sh
	lifecycle.sh
	routed.sh
	bgp.sh
	batch.sh
	pmtu.sh
	bench_smoke.sh
)
# Not on the debug kernel: timing means nothing under KASAN and lockdep.
DEBUG_SKIP=(bench_smoke.sh)
# Seconds each test takes on the debug kernel (one guest, 2-core host with
# other guests beside it), to balance the debug guests. A test not listed
# counts DEBUG_COST_DEFAULT: add new tests here once measured (run.sh prints
# "---- NAME: exit status N, S s").
declare -A DEBUG_COST=(
	[smoke_vxlan.sh]=35
	[two_site.sh]=40
	[two_site6.sh]=135
	[netlink_errors.sh]=35
	[two_vni.sh]=45
	[interop_vxlan.sh]=30
	[teardown.sh]=60
	[hostile_packets.sh]=150
	[events.sh]=45
	[move.sh]=80
	[lifecycle.sh]=450
	[routed.sh]=90
	[bgp.sh]=45
	[batch.sh]=70
	[pmtu.sh]=160
)
DEBUG_COST_DEFAULT=150
# Boot, extnet_kunit.ko's suites, and the end of the run (kmemleak scans).
DEBUG_COST_BOOT=60
DEBUG_COST_KUNIT=150

debug=${EXTNET_DEBUG:-1}
dtimeout=${EXTNET_DEBUG_TEST_TIMEOUT:-900}
shards=${EXTNET_DEBUG_SHARDS:-2}
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "run_all: EXTNET_DEBUG_SHARDS must be a positive number" >&2; exit 2; }

if [[ -n ${EXTNET_OUT-} ]]; then
	out=$EXTNET_OUT
	mkdir -p "$out"
	keep_out=1
else
	out=$(mktemp -d /tmp/extnet-check.XXXXXX)
	keep_out=0
fi

pass=0 fail=0 skip=0
# tally OUTPUT: add the closing "N passed, N failed[, N skipped]" of OUTPUT.
tally() {
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$1" | tail -n1)
	if [[ -z $line ]]; then
		echo "run_all: a suite printed no totals: counted as one failure"
		fail=$((fail + 1))
		return
	fi
	[[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]
	pass=$((pass + BASH_REMATCH[1]))
	fail=$((fail + BASH_REMATCH[2]))
	skip=$((skip + ${BASH_REMATCH[4]:-0}))
}

# report NAME: show the output of job NAME, add its totals; a job that
# fails without counting a failure counts one.
report() {
	local o rc before=$fail
	o=$(cat "$out/$1.log")
	rc=$(cat "$out/$1.rc" 2>/dev/null || echo 255)
	echo "$o"
	tally "$o"
	if [[ $rc -ne 0 && $fail -eq $before ]]; then
		echo "run_all: $1 exited $rc"
		fail=$((fail + 1))
	fi
}

# start NAME CMD...: run CMD in the background; output in $out/NAME.log,
# exit status in $out/NAME.rc.
jobs_started=()
start() {
	local name=$1
	shift
	jobs_started+=("$name")
	(
		t0=$SECONDS
		"$@" >"$out/$name.log" 2>&1
		rc=$?
		echo "# run_all: $name took $((SECONDS - t0)) s" >>"$out/$name.log"
		echo "$rc" >"$out/$name.rc"
	) &
}

t_start=$SECONDS
echo "# ==== host: tools/test-cli.sh"
bash "$root/tools/test-cli.sh" >"$out/host.log" 2>&1
echo $? >"$out/host.rc"
report host

tests=()
for t in "${GUEST_TESTS[@]}"; do
	tests+=("$here/$t")
done
# Setup (stock kernel in the cache) once, before guests start in parallel.
bash "$here/qemu/setup.sh" >/dev/null || { echo "run_all: qemu/setup.sh failed"; fail=$((fail + 1)); }
export EXTNET_SKIP_SETUP=1

# On the stock kernel a test takes a quarter to a half of its debug cost
# on a quiet host, but 2-3 times more on a busy one (lifecycle.sh once took
# over 300 s at a load average of 14 on 2 cores): its timeout is twice its
# debug cost when that exceeds the default.
stimeout=${EXTNET_TEST_TIMEOUT:-300}
tmos=
for t in "${GUEST_TESTS[@]}"; do
	c=$((2 * ${DEBUG_COST[$t]:-0}))
	((c > stimeout)) && tmos+=" $t=$c"
done
echo "# ==== guest: stock Debian kernel, ${#tests[@]} tests (in the background)"
EXTNET_TEST_TIMEOUTS=$tmos start stock \
	bash "$here/qemu/run.sh" -o "$out/stock" -t "$stimeout" "${tests[@]}"

# make bench's second boot, in instruction time (QEMU -icount, one vCPU):
# the benchmark's smoke rounds there, and ARP over two fresh set-ups, so
# that this mode cannot rot either.
echo "# ==== guest: stock Debian kernel under QEMU -icount, bench_smoke.sh's rounds, bench_arp.sh (in the background)"
EXTNET_CMDLINE="${EXTNET_CMDLINE-} bench.part=rounds bench.arpsetups=2" QEMU_ICOUNT=0 start icount \
	bash "$here/qemu/run.sh" -o "$out/icount" -t 900 "$here/bench_smoke.sh" "$here/bench_arp.sh"

debug_jobs=()
if [[ $debug == 1 ]]; then
	# Longest first onto the least loaded guest; the first guest also
	# runs the KUnit suites.
	declare -a load=() shard_tests=()
	for ((i = 0; i < shards; i++)); do
		load[i]=$DEBUG_COST_BOOT
		shard_tests[i]=
	done
	load[0]=$((load[0] + DEBUG_COST_KUNIT))
	while read -r cost t; do
		best=0
		for ((i = 1; i < shards; i++)); do
			((load[i] < load[best])) && best=$i
		done
		load[best]=$((load[best] + cost))
		shard_tests[best]+=" $here/$t"
	done < <(for t in "${GUEST_TESTS[@]}"; do
			[[ " ${DEBUG_SKIP[*]} " == *" $t "* ]] && continue
			echo "${DEBUG_COST[$t]:-$DEBUG_COST_DEFAULT} $t"
		done | sort -k1,1nr -k2)

	echo "# ==== debug kernel: building it if needed (log: $(bash "$here/qemu/build-debug-kernel.sh" --print-dir 2>/dev/null).log)"
	t0=$SECONDS
	if ! bash "$here/qemu/build-debug-kernel.sh" >/dev/null; then
		echo "run_all: the debug kernel does not build: counted as one failure"
		fail=$((fail + 1))
	elif ! ko=$(bash "$here/qemu/build-debug-kernel.sh" --module "$out/debug-build" 2>"$out/debug-build.log"); then
		cat "$out/debug-build.log"
		echo "run_all: extnet.ko does not build against the debug kernel: counted as one failure"
		fail=$((fail + 1))
	else
		echo "# ==== debug kernel and modules ready after $((SECONDS - t0)) s"
		kunit_ko=$(dirname "$ko")/extnet_kunit.ko
		kunit=$kunit_ko
		for ((i = 0; i < shards; i++)); do
			[[ -n ${shard_tests[i]} ]] || continue
			# shellcheck disable=SC2206 # word splitting wanted
			st=(${shard_tests[i]})
			name=debug$((i + 1))
			echo "# ==== guest: debug kernel #$((i + 1)), estimated ${load[i]} s:" \
				"${st[*]##*/}${kunit:+ + KUnit} (in the background)"
			debug_jobs+=("$name")
			# A test's timeout: 3 times its cost, at least the default.
			tmos=
			for t in "${st[@]}"; do
				t=${t##*/}
				c=${DEBUG_COST[$t]:-$DEBUG_COST_DEFAULT}
				((3 * c > dtimeout)) && tmos+=" $t=$((3 * c))"
			done
			EXTNET_KO=$ko EXTNET_KUNIT_KO=$kunit EXTNET_TEST_TIMEOUTS=$tmos start "$name" \
				bash "$here/qemu/run.sh" -k debug -o "$out/$name" \
				-t "$dtimeout" "${st[@]}"
			kunit=
		done
		if [[ -n $kunit ]]; then
			echo "run_all: no debug test, hence no guest for the KUnit suites: counted as one failure"
			fail=$((fail + 1))
		fi
	fi
fi

wait
echo "# ==== guest: stock Debian kernel"
report stock
echo "# ==== guest: stock Debian kernel under QEMU -icount"
report icount
for name in "${debug_jobs[@]}"; do
	echo "# ==== guest: $name (debug kernel)"
	report "$name"
done

echo "# run_all: $((SECONDS - t_start)) s in all"
if [[ $fail -eq 0 && $keep_out -eq 0 ]]; then
	rm -rf "$out"
else
	echo "# run_all: guest output kept in $out"
fi
echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
