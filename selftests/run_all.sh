#!/bin/bash
# Every test of the project (make check): the tool's command-line tests on
# the host, then every selftest in one QEMU guest on Debian's stock kernel.
# With EXTNET_DEBUG=1 (make check-debug) also the same selftests (less the
# benchmark smoke run) and extnet.ko's KUnit suites in one guest on the debug
# kernel (KASAN, UBSAN, lockdep, kmemleak; qemu/build-debug-kernel.sh builds
# it once into the cache, 15-25 min on 2 cores; the pass itself takes about
# 25 min). Ends with the combined "N passed, N failed" and exits non-zero on
# any failure.
#
# Environment: EXTNET_TEST_TIMEOUT (per test, stock kernel, default 300 s),
# EXTNET_DEBUG=1 (add the debug kernel pass),
# EXTNET_DEBUG_TEST_TIMEOUT (per test, debug kernel, default 900 s),
# EXTNET_DEBUG_HOST_TIMEOUT (whole debug guest, default 3000 s).
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

# suite CMD...: run a suite, show its output, add its totals; a suite that
# fails without counting a failure counts one.
suite() {
	local out rc before=$fail
	out=$(bash "$@" 2>&1)
	rc=$?
	echo "$out"
	tally "$out"
	if [[ $rc -ne 0 && $fail -eq $before ]]; then
		echo "run_all: $1 exited $rc"
		fail=$((fail + 1))
	fi
}

echo "# ==== host: tools/test-cli.sh"
suite "$root/tools/test-cli.sh"

echo "# ==== guest: stock Debian kernel"
tests=()
for t in "${GUEST_TESTS[@]}"; do
	tests+=("$here/$t")
done
suite "$here/qemu/run.sh" -t "${EXTNET_TEST_TIMEOUT:-300}" "${tests[@]}"

if [[ ${EXTNET_DEBUG:-0} == 1 ]]; then
	echo "# ==== guest: debug kernel"
	dtests=()
	for t in "${tests[@]}"; do
		# Timing means nothing under KASAN and lockdep.
		[[ $t == */bench_smoke.sh ]] || dtests+=("$t")
	done
	if ! bash "$here/qemu/build-debug-kernel.sh" >/dev/null; then
		echo "run_all: the debug kernel does not build: counted as one failure"
		fail=$((fail + 1))
	else
		# run.sh builds extnet.ko against the debug tree in its output
		# directory.
		export EXTNET_HOST_TIMEOUT=${EXTNET_DEBUG_HOST_TIMEOUT:-3000}
		suite "$here/qemu/run.sh" -k debug \
			-t "${EXTNET_DEBUG_TEST_TIMEOUT:-900}" "${dtests[@]}"
	fi
fi

echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
