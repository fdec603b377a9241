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
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

command -v bird >/dev/null && command -v birdc >/dev/null ||
	skip_all "bird2 is not installed (selftests/qemu/setup.sh installs it)"

ktap_plan 10

# learned WANT: the /32s rr's kernel got from bird (protocol 12), sorted and
# space-separated, are exactly WANT, each via 198.51.100.1.
learned() {
	local got
	got=$(ip -n rr route show proto 12 | awk '$2 == "via" && $3 == "198.51.100.1" { print $1 }' |
		sort | xargs)
	[[ $got == "$1" ]] && [[ $(ip -n rr route show proto 12 | wc -l) -eq $(wc -w <<<"$1") ]]
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
protocol kernel {
	scan time 1;
	ipv4 { import none; export all; };
}
protocol bgp to_gb {
	local 198.51.100.2 as 65002;
	neighbor 198.51.100.1 as 65001;
	$BGP_TIMERS
	ipv4 { import all; export none; };
}"

check "BGP session gB <-> rr established" wait_for -t 60 \
	bash -c "ip netns exec gB birdc -s $_LIB_TMP/bird-gB.ctl show protocols to_rr | grep -q Established"
diag "$(birdc_ns gB show route all 2>&1 | head -n 20)"
check "gB's bird learned exactly the protocol 245 routes" bash -c \
	"ip netns exec gB birdc -s $_LIB_TMP/bird-gB.ctl show route protocol extnet_routes |
	 grep -oE '^203\.0\.113\.[0-9]+/32' | sort | xargs | grep -qx '203.0.113.11/32 203.0.113.12/32'"
check "rr learns exactly the mapped /32s, via gB" wait_for -t 30 learned "203.0.113.11 203.0.113.12"
diag "$(ip -n rr route show)"

in_ns gB extnet map add 203.0.113.13 dev ext0 remote "$UL_A"
check "map add: rr learns 203.0.113.13" wait_for -t 30 learned "203.0.113.11 203.0.113.12 203.0.113.13"
in_ns gB extnet map del 203.0.113.11 dev ext0
check "map del: rr forgets 203.0.113.11" wait_for -t 30 learned "203.0.113.12 203.0.113.13"
in_ns gB extnet map replace 203.0.113.12 dev ext0 remote 198.51.100.77
check "map replace: rr keeps the route" wait_for -t 30 learned "203.0.113.12 203.0.113.13"
in_ns gB extnet link set ext0 routes off
check "routes off: rr learns nothing" wait_for -t 30 learned ""
in_ns gB extnet link set ext0 routes on
check "routes on: rr learns the entries again" wait_for -t 30 learned "203.0.113.12 203.0.113.13"
check "the other route of gB (203.0.113.21) was never advertised" bash -c \
	"! ip -n rr route show | grep -q 203.0.113.21"
run ip -n gB link del ext0
check "ip link del ext0: rr learns nothing" wait_for -t 30 learned ""

ktap_finish
