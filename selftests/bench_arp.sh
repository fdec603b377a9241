#!/bin/bash
# ARP request -> reply latency of X (extnet) against V (kernel vxlan) over
# fresh set-ups: the V and X set-ups of bench_guest.sh, built anew
# bench.arpsetups=N times (kernel command line, default 10) in one boot,
# each measured in bench.arprounds=N rounds (default 2) of V X X V with
# arplat (300 requests each, median), then torn down. The first round
# warms the set-up up; the set-up's figures are the medians of the rounds
# after it.
#
# Meant for instruction time, where one set-up gives the same figure to
# the nanosecond round after round. make bench runs it in its second boot
# (under -icount), after bench_guest.sh's rounds; make check runs two
# set-ups in its -icount guest so that it cannot rot. Alone:
#   QEMU_ICOUNT=0 bash selftests/qemu/run.sh -t 900 selftests/bench_arp.sh
# Each new set-up draws new hash seeds for the bridges' FDBs, the hosts'
# neighbour tables and extnet's tables, and with them new chains: X - V
# moved from -63 to +107 instructions from set-up to set-up over 15
# set-ups (Documentation/benchmarks-history.md, "ARP over fresh
# set-ups"), more than the difference between the two. The median over
# set-ups is the figure; bench_guest.sh's rounds measure one set-up per
# boot. Ten set-ups take about 21 s of guest time, 2 minutes of wall time
# under -icount.
#
# Prints KTAP: one check per set-up that it was built and both latencies
# were measured; per round "# arp K round R: V US X US X US V US", per
# set-up "# arp K median V US X US X-V NS ns"; last "# arp median NS ns
# over N set-ups: NS..."; and a Markdown table between "# BENCH-MD-BEGIN"
# and "# BENCH-MD-END", which run_bench.sh adds to results.md.
# shellcheck disable=SC2317 # bench_guest.sh returns early when sourced so
# (BENCH_DEFS_ONLY), which shellcheck takes for the end of this script.
set -euo pipefail
# shellcheck disable=SC2034 # read by bench_guest.sh
BENCH_DEFS_ONLY=1
# shellcheck source-path=SCRIPTDIR source=bench_guest.sh
. "$(dirname "$0")/bench_guest.sh"

NSETUPS=10 ROUNDS_PER=2
for arg in "${cmdline[@]}"; do
	case $arg in
	bench.arpsetups=*) NSETUPS=${arg#*=} ;;
	bench.arprounds=*) ROUNDS_PER=${arg#*=} ;;
	esac
done
ARPN=300

ktap_plan "$NSETUPS"
grep -q '^extnet ' /proc/modules || modprobe extnet
modprobe vxlan
gaps=()
for k in $(seq 1 "$NSETUPS"); do
	v=() x=() gap=
	if setup_v >/dev/null && setup_x >/dev/null &&
		in_ns v_hA ping -c 2 -i 0.2 -W 3 203.0.113.21 >/dev/null &&
		in_ns x_hA ping -c 2 -i 0.2 -W 3 203.0.113.21 >/dev/null; then
		for r in $(seq 1 "$ROUNDS_PER"); do
			v1=$(arp v) x1=$(arp x) x2=$(arp x) v2=$(arp v)
			diag "arp $k round $r: V $v1 X $x1 X $x2 V $v2"
			if [[ $r -gt 1 || $ROUNDS_PER -eq 1 ]]; then
				v+=("$v1" "$v2") x+=("$x1" "$x2")
			fi
		done
		vm=$(median "${v[@]}") xm=$(median "${x[@]}")
		gap=$(awk -v a="$xm" -v b="$vm" 'BEGIN { if (a != "" && b != "") printf "%.0f", (a - b) * 1000 }')
		diag "arp $k median V $vm X $xm X-V ${gap:-?} ns"
	fi
	check "set-up $k: built, ARP latency of V and X measured" is_num "$gap"
	[[ -z $gap ]] || gaps+=("$gap")
	# The set-up's namespaces, as lib.sh's exit cleanup would.
	for n in "${_LIB_NS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	_LIB_NS=()
	sleep 1
done
read -r gm gmin gmax <<<"$(stats "${gaps[@]}")"
diag "arp median ${gm:-?} ns over ${#gaps[@]} set-ups: ${gaps[*]}"
if [[ -n $ICOUNT ]]; then
	clock="instruction time (QEMU -icount shift=$ICOUNT, one vCPU): 1 ns of guest time is $((1 << ICOUNT)) instruction(s)"
else
	clock="wall-clock guest time (TCG): a spread of tens of per cent, not instructions"
fi
echo "# BENCH-MD-BEGIN"
{
	echo
	echo "#### ARP over fresh set-ups"
	echo
	echo "$NSETUPS set-ups of V and X built anew in one boot (new hash seeds for the bridges'"
	echo "FDBs, the hosts' neighbour tables and extnet's tables each time), $ROUNDS_PER round(s) of"
	echo "V X X V each, arplat $ARPN requests per test; a set-up's figures are the medians of the"
	echo "rounds after the first. X - V per set-up, in ns of $clock."
	echo
	echo "| X - V per set-up (ns) | median (min–max) | target | verdict |"
	echo "|---|---|---|---|"
	if [[ -n $gm ]]; then
		arp_verdict=met
		if awk -v m="$gm" 'BEGIN { exit !(m > 0) }'; then
			arp_verdict='**missed**'
		fi
		list=$(printf '%s, ' "${gaps[@]}")
		echo "| ${list%, } | $gm ($gmin–$gmax) | X - V ≤ 0 | $arp_verdict |"
	else
		echo "| none measured | n/a | X - V ≤ 0 | n/a |"
	fi
} | sed 's/^/# /'
echo "# BENCH-MD-END"
ktap_finish
