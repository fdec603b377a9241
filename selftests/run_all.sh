#!/bin/bash
# Every test of the project (make check): the tool's command-line tests on
# the host, then every selftest in one QEMU guest. Ends with the combined
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

GUEST_TESTS=(
	smoke_vxlan.sh
	two_site.sh
	netlink_errors.sh
	two_vni.sh
	interop_vxlan.sh
	teardown.sh
	hostile_packets.sh
	lifecycle.sh
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

echo "$pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]
