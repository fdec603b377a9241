#!/bin/bash
# A routing daemon redistributes extnet's host routes by BGP, as Azure Stack
# advertises the /32s of an extended network.
#
#   hB1 eth0 ---- lan1  gB  bgp0 198.51.100.1/24 ==== bgp0 198.51.100.2/24  rr
#        203.0.113.21/32 dev lan1      bird, AS 65001         bird, AS 65002
#   ext0 (routed, routes on): entries 203.0.113.11, .12 -> proto 245 routes
#
# gB's bird learns the kernel routes of protocol 245 only (krt_source = 245)
# and exports them to its eBGP peer rr, whose bird installs what it learns
# into rr's kernel (protocol bird, 12): rr's table must list exactly the
# mapped /32s, via gB, and follow map add/del, routes off/on and the device.
# A control route (protocol 245 via lan1, not extnet's) stays advertised
# throughout: where rr must learn none of ext0's routes, it shows that the
# path from gB's kernel to rr's still works.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
	skip_all "bird2 is not installed (selftests/qemu/setup.sh installs it)"
fi

ktap_plan 10

# A control route: protocol 245 but not extnet's (a /24, via lan1, which
# extnet's route upkeep leaves alone). gB's bird learns and advertises it
# throughout, so "rr learns none of ext0's routes" is told apart from a
# broken path (bird dead, session down, kernel protocol down, ip failing).
CONTROL=198.18.0.0/24

# bird_up: both birds answer, the session is Established on both sides and
# both kernel protocols are up.
bird_up() {
	local g r
	g=$(birdc -s "$_LIB_TMP/bird-gB.ctl" show protocols) || { echo "gB's bird does not answer"; return 1; }
	r=$(birdc -s "$_LIB_TMP/bird-rr.ctl" show protocols) || { echo "rr's bird does not answer"; return 1; }
	if ! grep -Eq '^to_rr +BGP .* up .*Established' <<<"$g" ||
		! grep -Eq '^extnet_routes +Kernel .* up ' <<<"$g" ||
		! grep -Eq '^to_gb +BGP .* up .*Established' <<<"$r" ||
		! grep -Eq '^rr_kernel +Kernel .* up ' <<<"$r"; then
		printf 'gB:\n%s\nrr:\n%s\n' "$g" "$r"
		return 1
	fi
}

# learned WANT: the routes rr's kernel got from bird (protocol 12), sorted
# and space-separated, are exactly WANT and the control route, each via
# 198.51.100.1; and then bird_up (asked last: birdc is slow to start on the
# debug kernel, and a poll whose routes differ needs no answer from it).
learned() {
	local out got want
	local -a w
	out=$(ip -n rr route show proto 12) || { echo "ip -n rr route show failed"; return 1; }
	got=$(awk '$2 == "via" && $3 == "198.51.100.1" { print $1 }' <<<"$out" | sort | xargs)
	read -r -a w <<<"$CONTROL $1"
	want=$(printf '%s\n' "${w[@]}" | sort | xargs)
	echo "rr learned: '$got', want '$want'"
	[[ $got == "$want" ]] && [[ $(grep -c . <<<"$out") -eq ${#w[@]} ]] && bird_up
}

# bird_start NS ROUTER_ID CONFIG: bird in NS, its control socket in _LIB_TMP.
bird_start() {
	local conf=$_LIB_TMP/bird-$1.conf
	printf 'router id %s;\nlog "%s" all;\n%s\n' "$2" "$_LIB_TMP/bird-$1.log" "$3" >"$conf"
	in_ns "$1" bird -c "$conf" -s "$_LIB_TMP/bird-$1.ctl" -P "$_LIB_TMP/bird-$1.pid"
}

birdc_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" birdc -s "$_LIB_TMP/bird-$ns.ctl" "$@"
}

# rr_has WANT: learned WANT within 30 s (the state is shown if not).
rr_has() {
	wait_for -t 30 learned "$1" || {
		learned "$1" || bird_up
		return 1
	}
}

extnet_load
ns_add gB
ns_add rr
ns_add hB1
veth_pair gB bgp0 rr bgp0
veth_pair hB1 eth0 gB lan1
run ip -n gB addr add 198.51.100.1/24 dev bgp0
run ip -n rr addr add 198.51.100.2/24 dev bgp0
run ip -n hB1 addr add 203.0.113.21/24 dev eth0
# A route of another protocol that must not be advertised.
run ip -n gB route add 203.0.113.21/32 dev lan1
run ip -n gB route add "$CONTROL" dev lan1 proto 245
in_ns gB ip link add ext0 type extnet
in_ns gB extnet link set ext0 vni "$VNI" local "$UL_B" routes on
in_ns gB ip link set ext0 up
in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"

# Timers short enough for a test; everything else is bird's default.
BGP_TIMERS='connect delay time 1; connect retry time 2; error wait time 1, 2;'
bird_start gB 198.51.100.1 "
protocol device { scan time 1; }
protocol kernel extnet_routes {
	learn;
	scan time 1;
	ipv4 { import where krt_source = 245; export none; };
}
protocol bgp to_rr {
	local 198.51.100.1 as 65001;
	neighbor 198.51.100.2 as 65002;
	$BGP_TIMERS
	ipv4 { import none; export where proto = \"extnet_routes\"; };
}"
bird_start rr 198.51.100.2 "
protocol device { scan time 1; }
protocol kernel rr_kernel {
	scan time 1;
	ipv4 { import none; export all; };
}
protocol bgp to_gb {
	local 198.51.100.2 as 65002;
	neighbor 198.51.100.1 as 65001;
	$BGP_TIMERS
	ipv4 { import all; export none; };
}"

check "BGP session gB <-> rr established" wait_for -t 60 bird_up
diag "$(birdc_ns gB show route all 2>&1 | head -n 20)"
# gb_learned WANT: the routes of gB's kernel protocol in bird, sorted.
gb_learned() {
	local out got
	out=$(birdc -s "$_LIB_TMP/bird-gB.ctl" show route protocol extnet_routes)
	got=$(grep -oE '^[0-9.]+/[0-9]+' <<<"$out" | sort | xargs)
	echo "gB's bird learned: '$got', want '$1'"
	[[ $got == "$1" ]]
}
check "gB's bird learned exactly the protocol 245 routes" \
	gb_learned "$CONTROL 203.0.113.11/32 203.0.113.12/32"
check "rr learns exactly the mapped /32s, via gB" rr_has "203.0.113.11 203.0.113.12"
diag "$(ip -n rr route show)"

in_ns gB extnet map add 203.0.113.13 dev ext0 remote "$UL_A"
check "map add: rr learns 203.0.113.13" rr_has "203.0.113.11 203.0.113.12 203.0.113.13"
in_ns gB extnet map del 203.0.113.11 dev ext0
check "map del: rr forgets 203.0.113.11" rr_has "203.0.113.12 203.0.113.13"

# map replace keeps the route: rr's kernel must not lose it even for a
# moment (a withdraw and a new announcement). `ip monitor` on rr watches
# for 3 s after the replace (gB's bird scans the kernel every second). It
# is listening once it reports the removal of a route of rr's own, added
# and removed until it does.
MON=$_LIB_TMP/rr-routes.mon
printf '# [rr] ip monitor route >%s\n' "$MON"
ip -n rr monitor route >"$MON" 2>&1 &
MON_PID=$!
mon_listening() {
	ip -n rr route replace 198.51.100.99/32 dev bgp0 &&
		ip -n rr route del 198.51.100.99/32 dev bgp0 &&
		grep -q '^Deleted 198\.51\.100\.99 ' "$MON"
}
wait_for mon_listening || true
in_ns gB extnet map replace 203.0.113.12 dev ext0 remote 198.51.100.77
# kept_through_replace: no deletion of 203.0.113.12 in rr in 3 s, by a
# monitor that was listening throughout; then the routes are as before.
kept_through_replace() {
	sleep 3
	kill -0 "$MON_PID" || { echo "ip monitor died"; return 1; }
	grep -q '^Deleted 198\.51\.100\.99 ' "$MON" || { echo "ip monitor was not listening"; return 1; }
	cat "$MON"
	! grep -Eq '^Deleted 203\.0\.113\.12(/32)? ' "$MON" || return 1
	learned "203.0.113.12 203.0.113.13"
}
check "map replace: rr keeps the route (never deleted, ip monitor)" kept_through_replace
kill "$MON_PID"
wait "$MON_PID" || true

in_ns gB extnet link set ext0 routes off
check "routes off: rr learns none of ext0's routes (session up, control route kept)" rr_has ""
in_ns gB extnet link set ext0 routes on
check "routes on: rr learns the entries again" rr_has "203.0.113.12 203.0.113.13"
# not_advertised: rr's table lacks 203.0.113.21 (and has the control route,
# advertised by the same bird).
not_advertised() {
	local out
	out=$(ip -n rr route show) || { echo "ip -n rr route show failed"; return 1; }
	echo "$out"
	[[ $out == *"$CONTROL via 198.51.100.1 "* && $out != *203.0.113.21* ]]
}
check "the other route of gB (203.0.113.21) was never advertised" not_advertised
run ip -n gB link del ext0
check "ip link del ext0: rr learns none of ext0's routes (session up, control route kept)" rr_has ""

ktap_finish
