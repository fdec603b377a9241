#!/bin/bash
# One site bridged, one site cloud-like: routed attachment and host routes.
#
#   hA1 203.0.113.11 --lan1-+                                gB (no bridge, ip_forward=1)
#   hA2 203.0.113.12 --lan2-+ gA [br0: lanN + ext0] wan0 === wan0  ext0 (routed, routes on)
#                               192.0.2.1/24  underlay  192.0.2.2/24  lan1 (proxy_arp=1) -- eth0 hB1
#                                                                     203.0.113.21/32 dev lan1  203.0.113.21/24
#
# Site B imitates a cloud: no layer 2 between hB1 and the tunnel. gB answers
# every ARP of hB1 for addresses it has a route to (kernel proxy ARP, like the
# cloud's router), routes packets for site A's addresses into ext0 through the
# host routes extnet keeps (protocol 245), and ext0 hands what it decapsulates
# to gB's own stack, which forwards it to hB1.
#
# A negative check states what the command's own exit status must be (ping:
# 1, no reply; ip, extnet: 0) before it looks at the output: a command that
# fails for another reason fails the check.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 46

# routes_are NS WANT [TABLE]: the destinations of NS's protocol 245 routes in
# TABLE (default main), sorted and space-separated, are exactly WANT.
routes_are() {
	local out got
	out=$(ip -4 -n "$1" route show table "${3:-main}" proto 245) ||
		{ echo "ip -4 route show failed"; return 1; }
	got=$(awk '{ print $1 }' <<<"$out" | sort | xargs)
	echo "routes: '$got', want '$2'"
	[[ $got == "$2" ]]
}

# routes6_are NS WANT: the same for IPv6 (/128s, every table).
routes6_are() {
	local out got
	out=$(ip -6 -n "$1" route show table all proto 245) ||
		{ echo "ip -6 route show failed"; return 1; }
	got=$(awk '{ print $1 }' <<<"$out" | sort | xargs)
	echo "IPv6 routes: '$got', want '$2'"
	[[ $got == "$2" ]]
}

# all_routes_are NS WANT4 WANT6: IPv4 (every table) and IPv6 routes of
# protocol 245 are exactly WANT4 and WANT6.
all_routes_are() {
	routes_are "$1" "$2" all && routes6_are "$1" "$3"
}

# via_ext0 NS: there are protocol 245 routes (any table), and every one goes
# via ext0, scope link.
via_ext0() {
	local out
	out=$(ip -n "$1" route show table all proto 245) || { echo "ip route show failed"; return 1; }
	echo "$out"
	[[ -n $out ]] && ! grep -qv 'dev ext0 .*scope link' <<<"$out"
}

# no_reply NS PING_ARGS...: ping in NS runs and gets no reply (exit status
# 1; 2 is an error, 125 and 127 nsexec's).
no_reply() {
	local rc=0
	nsexec "$1" ping "${@:2}" || rc=$?
	echo "ping exit status $rc, want 1 (no reply)"
	[[ $rc -eq 1 ]]
}

# no_neigh NS: extnet neigh show dev ext0 succeeds and lists nothing.
no_neigh() {
	local out
	out=$(extnet -n "$1" neigh show dev ext0) || { echo "extnet neigh show failed"; return 1; }
	echo "neighbours: '$out'"
	[[ -z $out ]]
}

# mode_is NS MODE: extnet link show reports MODE.
mode_is() {
	extnet -n "$1" link show ext0 | grep -q " mode $2 "
}

extnet_load
for ns in gA gB; do
	ns_add "$ns"
done
veth_pair gA wan0 gB wan0
gw_base gA "$UL_A"
run ip -n gB addr add "$UL_B/24" dev wan0
host hA1 203.0.113.11 gA lan1
host hA2 203.0.113.12 gA lan2
gw_extnet gA "$UL_A"
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"

# Site B: the cloud-like host link.
ns_add hB1
veth_pair hB1 eth0 gB lan1
run ip -n hB1 addr add 203.0.113.21/24 dev eth0
in_ns gB sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.lan1.proxy_arp=1 \
	net.ipv4.neigh.lan1.proxy_delay=0
run ip -n gB route add 203.0.113.21/32 dev lan1
in_ns gB ip link add ext0 type extnet
in_ns gB extnet link set ext0 vni "$VNI" local "$UL_B" routes on
in_ns gB ip link set ext0 up
in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"
diag "$(ip -n gB route show table all proto 245)"

check "gB's ext0 (no master) is routed" mode_is gB routed
check "gA's ext0 (bridge port) is bridged" mode_is gA bridged
check "link show: routes on table 254 metric 0" bash -c \
	"extnet -n gB link show ext0 | grep -q ' routes on table 254 metric 0'"
check "JSON: mode, routes, route_table, route_metric" bash -c \
	"extnet -n gB -j link show ext0 |
	 grep -Eq '\"mode\": ?\"routed\".*\"routes\": ?\"on\".*\"route_table\": ?254.*\"route_metric\": ?0'"
check "ip route show proto 245 == the entries" routes_are gB "203.0.113.11 203.0.113.12"
check "host routes go via ext0, scope link" via_ext0 gB

check "first echo hA1 -> hB1" in_ns hA1 ping -c 1 -W 3 203.0.113.21
check "first echo hB1 -> hA1" in_ns hB1 ping -c 1 -W 3 203.0.113.11
check "first echo hB1 -> hA2" in_ns hB1 ping -c 1 -W 3 203.0.113.12
check "iperf3 TCP hA1 -> hB1" iperf_pair hB1 203.0.113.21 hA1
check "iperf3 TCP hB1 -> hA1" iperf_pair hA1 203.0.113.11 hB1

ext_mac=$(mac_of gB ext0)
check "gB's own stack got ext0's proxy ARP reply (neigh .11 at ext0's MAC)" bash -c \
	"ip -n gB neigh show 203.0.113.11 dev ext0 | grep -qi ' $ext_mac '"
check "gB answered its own stack's ARP (arp_replies > 0)" \
	test "$(counter gB ext0 arp_replies)" -gt 0
# routed_learned_nothing: no probes sent, nothing learned, no neighbour.
routed_learned_nothing() {
	local out
	test "$(counter gB ext0 probes)" -eq 0
	test "$(counter gB ext0 neigh_learned)" -eq 0
	out=$(extnet -n gB link show ext0)
	echo "$out"
	[[ $out =~ \ neighbours\ 0([[:space:]]|$) ]]
	no_neigh gB
}
check "routed side: no probes, nothing learned" routed_learned_nothing
check "routed side: nothing dropped as malformed, oversize or unmapped" bash -c \
	"test $(counter gB ext0 rx_drop_oversize) -eq 0 && test $(counter gB ext0 tx_drop_unmapped) -eq 0 &&
	 test $(counter gB ext0 tx_drop_malformed) -eq 0"
check "bridged side still learns and probes (probes > 0)" test "$(counter gA ext0 probes)" -gt 0

# map move keeps the host routes too: a move to a VTEP adds the entry's
# route, a move back to the local segment removes it. Before the second
# move, map replace makes the entry and its route again, so that a move
# that left the route behind fails even if the first one added none.
in_ns gB extnet map move 203.0.113.14 dev ext0 remote "$UL_A" announce 0
check "map move to a VTEP adds its host route" \
	routes_are gB "203.0.113.11 203.0.113.12 203.0.113.14"
in_ns gB extnet map replace 203.0.113.14 dev ext0 remote "$UL_A"
in_ns gB extnet map move 203.0.113.14 dev ext0 local
check "map move local removes its host route" \
	routes_are gB "203.0.113.11 203.0.113.12"
check "map move local on the routed side sends no probe" \
	test "$(counter gB ext0 probes)" -eq 0

# Anti-spoofing still applies: an unmapped source of site A is not delivered.
run ip -n hA1 addr add 203.0.113.13/24 dev eth0
before=$(counter gB ext0 rx_drop_spoofed)
check "unmapped source 203.0.113.13 does not reach hB1" \
	no_reply hA1 -c 2 -i 0.2 -W 1 -I 203.0.113.13 203.0.113.21
check "... and is counted as spoofed on gB" \
	test "$(counter gB ext0 rx_drop_spoofed)" -gt "$before"

# Path MTU, routed: gB's path to gA's VTEP carries 1400 bytes (a route MTU),
# ext0's MTU follows wan0's (1450). A 1450-byte packet with DF from hB1 is
# sent (the underlay fragments the outer packet) and lowers the PMTU of gB's
# route to hA1 to 1350: gB's own packets then fit (forwarding keeps using
# the device MTU unless ip_forward_use_pmtu is set).
run ip -n gB route add "$UL_A/32" dev wan0 mtu 1400
nsexec hB1 ping -M "do" -s 1422 -c 1 -W 3 203.0.113.11 >/dev/null 2>&1 || true
check "routed: an oversized packet lowers the PMTU of gB's route to 1350" \
	bash -c "ip -n gB route get 203.0.113.11 | grep -q 'mtu 1350'"
check "routed: gB's own 1450-byte DF packet is then refused, mtu 1350" bash -c \
	"nsexec gB ping -M do -s 1422 -c 1 -W 3 203.0.113.11 2>&1 | grep -q 'mtu=1350'"
check "routed: packets that fit still cross" in_ns hB1 ping -s 1322 -c 1 -W 3 203.0.113.11
run ip -n gB route del "$UL_A/32" dev wan0 mtu 1400
run ip -n gB route flush cache
run ip -n hB1 route flush cache

# ---- IPv6: the same over 2001:db8:1::/64 (proxy NDP on gB's host link).
for h in hA1:11 hA2:12 hB1:21; do
	run ip -n "${h%:*}" addr add "2001:db8:1::${h#*:}/64" dev eth0 nodad
done
in_ns gA extnet map add 2001:db8:1::21 dev ext0 remote "$UL_B"
in_ns gB sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.lan1.proxy_ndp=1 \
	net.ipv6.neigh.lan1.proxy_delay=0
for a in 11 12; do
	in_ns gB extnet map add "2001:db8:1::$a" dev ext0 remote "$UL_A"
	# Linux answers NS by proxy only for the addresses it is told.
	run ip -n gB -6 neigh add proxy "2001:db8:1::$a" dev lan1
done
run ip -n gB -6 route add 2001:db8:1::21/128 dev lan1
before=$(counter gB ext0 na_replies)
check "IPv6: ip -6 route show proto 245 == the entries (/128)" \
	routes6_are gB "2001:db8:1::11 2001:db8:1::12"
check "IPv6: first echo hA1 -> hB1" in_ns hA1 ping -6 -c 1 -W 3 2001:db8:1::21
check "IPv6: first echo hB1 -> hA1" in_ns hB1 ping -6 -c 1 -W 3 2001:db8:1::11
check "IPv6: iperf3 TCP hB1 -> hA2" iperf_pair hA2 2001:db8:1::12 hB1
check "IPv6: gB's own stack got ext0's proxy NA (neigh ::11 at ext0's MAC)" bash -c \
	"ip -n gB -6 neigh show 2001:db8:1::11 dev ext0 | grep -qi ' $ext_mac ' &&
	 test $(counter gB ext0 na_replies) -gt $before"
# routed_learned_nothing6: no NS probes sent, nothing learned.
routed_learned_nothing6() {
	test "$(counter gB ext0 nd_probes)" -eq 0
	test "$(counter gB ext0 neigh_learned)" -eq 0
	no_neigh gB
}
check "IPv6: routed side sent no NS probes, learned nothing" routed_learned_nothing6
in_ns gB extnet map del 2001:db8:1::11 dev ext0
# del6_stops: the /128 is gone and hB1 gets no reply from ::11.
del6_stops() {
	routes6_are gB 2001:db8:1::12
	no_reply hB1 -6 -c 2 -i 0.2 -W 1 2001:db8:1::11
}
check "IPv6: map del removes the /128 and stops forwarding" del6_stops
in_ns gB extnet map add 2001:db8:1::11 dev ext0 remote "$UL_A"
check "IPv6: map add restores the route and the traffic" bash -c \
	"test \"\$(ip -6 -n gB route show proto 245 | awk '{ print \$1 }' | sort | xargs)\" = '2001:db8:1::11 2001:db8:1::12' &&
	 nsexec hB1 ping -6 -c 1 -W 3 2001:db8:1::11"

# map del takes the route with it; map add brings both back.
in_ns gB extnet map del 203.0.113.11 dev ext0
check "map del removes the host route" routes_are gB "203.0.113.12"
check "after map del hB1 cannot reach hA1" no_reply hB1 -c 2 -i 0.2 -W 1 203.0.113.11
in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
check "map add restores the host route" routes_are gB "203.0.113.11 203.0.113.12"
check "after map add hB1 reaches hA1 again" in_ns hB1 ping -c 1 -W 3 203.0.113.11

# Table and metric: the routes move; routes off removes them, on restores.
in_ns gB extnet link set ext0 table 100 metric 50
# Without CONFIG_IP_MULTIPLE_TABLES (the debug kernel) every table is main
# and there are no rules.
if ip -4 -n gB rule show >/dev/null 2>&1; then
	check "table 100: routes moved out of main" routes_are gB ""
	check "table 100: routes there, metric 50" bash -c \
		"routes() { ip -n gB route show table 100 proto 245 metric 50 | awk '{ print \$1 }' | sort | xargs; };
		 test \"\$(routes)\" = '203.0.113.11 203.0.113.12'"
else
	skip "table 100: routes moved out of main" "no multiple routing tables in this kernel"
	skip "table 100: routes there, metric 50" "no multiple routing tables in this kernel"
fi
in_ns gB extnet link set ext0 table 254 metric 0
in_ns gB extnet link set ext0 routes off
check "routes off: no protocol 245 route left" all_routes_are gB '' ''
in_ns gB extnet link set ext0 routes on
# A stray route of ours and the routes IPv4 drops when ext0 goes down:
# "route sync" repairs both.
run ip -n gB link set ext0 down
# add_while_down: map add succeeds (exit status 0) and warns about route
# sync; the entry is there.
add_while_down() {
	local out rc=0
	out=$(extnet -n gB map add 203.0.113.14 dev ext0 remote "$UL_A" 2>&1) || rc=$?
	printf '%s\nexit status %d\n' "$out" "$rc"
	[[ $rc -eq 0 && $out == *"route sync"* ]]
	out=$(extnet -n gB map show dev ext0)
	echo "$out"
	grep -q '^203\.0\.113\.14 ' <<<"$out"
}
check "map add while ext0 is down: entry added, route deferred with a warning" add_while_down
run ip -n gB link set ext0 up
run ip -n gB route add 203.0.113.99/32 dev ext0 proto 245
in_ns gB extnet route sync dev ext0
check "routes on + route sync after down/up: exactly the entries" all_routes_are gB \
	'203.0.113.11 203.0.113.12 203.0.113.14' '2001:db8:1::11 2001:db8:1::12'
in_ns gB extnet map flush dev ext0
check "map flush removes every host route" all_routes_are gB '' ''
in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
check "after flush and add: one route, traffic flows" bash -c \
	"test \"\$(ip -n gB route show proto 245 | awk '{ print \$1 }')\" = 203.0.113.11 &&
	 nsexec hB1 ping -c 1 -W 3 203.0.113.11"

# The mode follows enslaving and releasing, live.
run ip -n gB link add brx type bridge
run ip -n gB link set ext0 master brx
check "enslaved to a bridge: bridged" mode_is gB bridged
run ip -n gB link set ext0 nomaster
check "released: routed again" mode_is gB routed

run ip -n gB link del ext0
check "ip link del ext0 leaves no route behind" all_routes_are gB '' ''

ktap_finish
