#!/bin/bash
# IPv6 through extnet: the two-site scenario (topo.sh) with 2001:db8:1::/64
# hosts beside the IPv4 ones.
#
#   hA1 2001:db8:1::11 \                               / hB1 2001:db8:1::21
#   hA2 2001:db8:1::12  gA ext0 === underlay === gB ext0
#
# 1. IPv6 overlay over the IPv4 underlay: proxy NA, NS probes, learning,
#    ping -6 and iperf3 both ways, ND and link-local traffic kept local,
#    hostile Neighbour Solicitations.
# 2. IPv4 overlay over an IPv6 underlay (2001:db8:ff::/64 on the WAN link).
# 3. IPv6 overlay over the IPv6 underlay.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 52

UL6_A=2001:db8:ff::1
UL6_B=2001:db8:ff::2

two_sites
for h in hA1:11 hA2:12 hB1:21; do
	run ip -n "${h%:*}" addr add "2001:db8:1::${h#*:}/64" dev eth0 nodad
done
in_ns gA extnet map add 2001:db8:1::21 dev ext0 remote "$UL_B"
in_ns gB extnet map add 2001:db8:1::11 dev ext0 remote "$UL_A"
in_ns gB extnet map add 2001:db8:1::12 dev ext0 remote "$UL_A"

PCAP=$_LIB_TMP/wan.pcap
capture_start gA wan0 "$PCAP"

# ---- 1. IPv6 overlay, IPv4 underlay
check "first echo hA1 -> hB1 (ping -6)" in_ns hA1 ping -6 -c 1 -W 3 2001:db8:1::21
check "first echo hB1 -> hA2 (gA probes for hA2 with an NS)" \
	in_ns hB1 ping -6 -c 1 -W 3 2001:db8:1::12
check "first echo hB1 -> hA1" in_ns hB1 ping -6 -c 1 -W 3 2001:db8:1::11
check "iperf3 TCP over IPv6 hA1 -> hB1" iperf_pair hB1 2001:db8:1::21 hA1
check "iperf3 TCP over IPv6 hB1 -> hA1" iperf_pair hA1 2001:db8:1::11 hB1

ext_mac=$(mac_of gA ext0)
check "hA1 caches 2001:db8:1::21 at gA's ext0 MAC (proxy NA)" \
	bash -c "ip -n hA1 -6 neigh show 2001:db8:1::21 dev eth0 | grep -qi ' $ext_mac '"
check "gA sent proxy NAs (na_replies > 0)" test "$(counter gA ext0 na_replies)" -gt 0
check "gB probed for hB1 with NS (nd_probes > 0)" test "$(counter gB ext0 nd_probes)" -gt 0
check "gB learned hB1's IPv6 address and MAC" bash -c "extnet -n gB neigh show dev ext0 |
	grep '^2001:db8:1::21 ' | grep -qi $(mac_of hB1 eth0)"
check "map show: IPv6 entry, IPv4 VTEP, counters" bash -c \
	"extnet -n gA -s map show dev ext0 | grep '^2001:db8:1::21 ' |
	 grep 'remote $UL_B' | grep -Eq 'tx_packets [1-9]'"
check "JSON: neigh show gives the IPv6 address" bash -c \
	"extnet -n gB -j neigh show dev ext0 | grep -q '\"2001:db8:1::21\"'"

# An unmapped address: its NS is not answered, and counted.
before=$(counter gA ext0 tx_drop_nd_unmapped)
in_ns hA1 ping -6 -c 1 -W 1 2001:db8:1::99 || true
check "NS for unmapped 2001:db8:1::99 not answered" unanswered hA1 2001:db8:1::99
check "NS for unmapped address counted (tx_drop_nd_unmapped)" \
	test "$(counter gA ext0 tx_drop_nd_unmapped)" -gt "$before"

# Link-local traffic stays on its segment: hA2 is reachable from hA1, hB1
# is not (even if hA1 is told ext0's MAC for it), and nothing crosses.
ll_of() {
	ip -n "$1" -6 addr show dev eth0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }'
}
wait_for bash -c "ip -n hA2 -6 addr show dev eth0 scope link | grep -v tentative | grep -q fe80"
wait_for bash -c "ip -n hB1 -6 addr show dev eth0 scope link | grep -v tentative | grep -q fe80"
LL_A2=$(ll_of hA2)
LL_B1=$(ll_of hB1)
check "link-local echo hA1 -> hA2 stays local and works" \
	in_ns hA1 ping -6 -c 1 -W 3 "$LL_A2%eth0"
run ip -n hA1 -6 neigh replace "$LL_B1" lladdr "$ext_mac" dev eth0
before=$(counter gA ext0 tx_drop_unmapped)
check "link-local echo hA1 -> hB1 does not cross" ping_lost hA1 "$LL_B1%eth0"
check "link-local unicast to ext0 dropped and counted" \
	test "$(counter gA ext0 tx_drop_unmapped)" -ge $((before + 2))

# Probing a host that is still verifying its address (DAD, RFC 4862 §5.4):
# hA2 adds 2001:db8:1::13 with a DAD of 3 NS 2 s apart, and hB1 sends it an
# echo at once, so gA probes for it while it is tentative. The default
# probe, an NS from :: like DAD's own, makes hA2 give the address up
# (§5.4.3); one from ext0's link-local address is ignored by a tentative
# host and answered once the address is valid.
in_ns gB extnet map add 2001:db8:1::13 dev ext0 remote "$UL_A"
in_ns hA2 sh -c "echo 3 >/proc/sys/net/ipv6/conf/eth0/dad_transmits &&
	echo 2000 >/proc/sys/net/ipv6/neigh/eth0/retrans_time_ms"
addr13() {
	ip -n hA2 -6 addr show dev eth0 | grep -q "2001:db8:1::13/.* $1"
}
addr13_valid() {
	ip -n hA2 -6 addr show dev eth0 | grep "2001:db8:1::13/" | grep -qv tentative
}
dad_and_echo() {
	run ip -n hA2 addr add 2001:db8:1::13/64 dev eth0
	nsexec hB1 ping -6 -c 1 -W 1 2001:db8:1::13 >/dev/null 2>&1 || true
}
# gave_up13: gA's probes for 2001:db8:1::13 failed: the echo it held for it
# was dropped (rx_drop_probe_failed moved), and `extnet neigh show`, which
# must work, lists no entry for it any more.
gave_up13() {
	local out
	[[ $(counter gA ext0 rx_drop_probe_failed) -gt $probe_failed0 ]] || return 1
	out=$(extnet -n gA neigh show dev ext0) || return 1
	echo "$out"
	! grep -q '^2001:db8:1::13 ' <<<"$out"
}
nd_probes0=$(counter gA ext0 nd_probes)
probe_failed0=$(counter gA ext0 rx_drop_probe_failed)
dad_and_echo
check "NS probe from :: makes tentative hA2 fail DAD for 2001:db8:1::13" \
	wait_for addr13 dadfailed
check "gA sent that probe (nd_probes)" test "$(counter gA ext0 nd_probes)" -gt "$nd_probes0"
check "gA gives up the unanswered 2001:db8:1::13 (held echo: rx_drop_probe_failed)" \
	wait_for gave_up13
run ip -n hA2 addr del 2001:db8:1::13/64 dev eth0
wait_for bash -c "ip -n gA -6 addr show dev ext0 scope link | grep -v tentative | grep -q fe80"
LL_EXT=$(ip -n gA -6 addr show dev ext0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }')
in_ns gA extnet link set ext0 probe-source "$LL_EXT"
check "link show gives ext0's link-local as IPv6 probe source" bash -c \
	"extnet -n gA link show ext0 | grep -q 'probe-source $LL_EXT '"
nd_probes0=$(counter gA ext0 nd_probes)
dad_and_echo
check "NS probe from $LL_EXT: tentative hA2 keeps 2001:db8:1::13" \
	wait_for -t 30 addr13_valid
check "gA probed meanwhile (nd_probes)" test "$(counter gA ext0 nd_probes)" -gt "$nd_probes0"
# no_dadfailed: hA2's addresses, 2001:db8:1::13 among them, none dadfailed.
no_dadfailed() {
	local out
	out=$(ip -n hA2 -6 addr show dev eth0) || return 1
	echo "$out"
	grep -q '2001:db8:1::13/' <<<"$out" && ! grep -q dadfailed <<<"$out"
}
check "no dadfailed on hA2" no_dadfailed
check "echo hB1 -> 2001:db8:1::13 once its DAD is done" \
	in_ns hB1 ping -6 -c 1 -W 5 2001:db8:1::13
check "gA learned 2001:db8:1::13 from the answer to its probe" bash -c \
	"extnet -n gA neigh show dev ext0 | grep '^2001:db8:1::13 ' | grep -qi $(mac_of hA2 eth0)"
in_ns gA extnet link set ext0 probe-source ::

# Hostile Neighbour Solicitations from hA1 for 2001:db8:1::21 (mapped):
# the valid control is answered, the others counted as malformed.
# hostile_ns NAME KIND COUNTER: badpkt KIND from hA1 counts one COUNTER at
# gA and sends no NA. It waits (up to 5 s) for COUNTER to move, then 0.5 s
# more for anything that must not.
counter_reaches() {
	[[ $(counter gA ext0 "$1") -ge $2 ]]
}
hostile_ns() {
	local c0 c1 na0 na1
	c0=$(counter gA ext0 "$3")
	na0=$(counter gA ext0 na_replies)
	nsexec hA1 badpkt -i eth0 -m "$ext_mac" -s 203.0.113.11 -d 203.0.113.21 "$2"
	wait_for -t 5 counter_reaches "$3" $((c0 + 1)) || true
	sleep 0.5
	c1=$(counter gA ext0 "$3")
	na1=$(counter gA ext0 na_replies)
	echo "$3: $c0 -> $c1, na_replies: $na0 -> $na1"
	if [[ $2 == ns ]]; then
		test "$na1" -eq $((na0 + 1))
	else
		test "$c1" -eq $((c0 + 1)) && test "$na1" -eq "$na0"
	fi
}
# The hosts' own NUD for 2001:db8:1::21 (hA1 sent it echoes, hA2 answered
# hB1's) would be answered too and move na_replies: their entries are held
# permanent (at ext0's MAC, what the proxy NA gave) while the hostile
# frames are sent.
for h in hA1 hA2; do
	run ip -n "$h" -6 neigh replace 2001:db8:1::21 lladdr "$ext_mac" dev eth0 nud permanent
done
check "valid NS (control) answered" hostile_ns control ns na_replies
for kind in ns-hoplimit ns-csum ns-short ns-code ns-target-mcast ns-opt-len0 ns-dad-sllao; do
	check "hostile $kind dropped as tx_drop_malformed" hostile_ns "$kind" "$kind" tx_drop_malformed
done
for h in hA1 hA2; do
	run ip -n "$h" -6 neigh del 2001:db8:1::21 dev eth0
done
check "sites still talk after the hostile NS" in_ns hA1 ping -6 -c 1 -W 3 2001:db8:1::21

capture_stop
# Inner EtherType at UDP offset 8 + 8 + 12 = 28; inner IPv6 header at 30, its
# next header at 36, the ICMPv6 type at 70, its source at 38.
check "IPv6 crossed inside VXLAN over IPv4" \
	test "$(capture_count "$PCAP" 'udp port 4789 and udp[28:2] = 0x86dd')" -gt 10
# The controls: ICMPv6 echo requests (128) at the type's offset, sources in
# 2001:db8::/32 at the source's.
check "no Neighbour Discovery (ICMPv6 133-137) inside VXLAN" \
	pcap_none "$PCAP" 'udp port 4789 and udp[28:2] = 0x86dd and udp[36] = 58' \
	'udp[70] >= 133 and udp[70] <= 137' 'udp[70] = 128'
check "no link-local source inside VXLAN" \
	pcap_none "$PCAP" 'udp port 4789 and udp[28:2] = 0x86dd' \
	'(udp[38:2] & 0xffc0) = 0xfe80' 'udp[38:4] = 0x20010db8'

# ---- 2. IPv4 overlay over an IPv6 underlay
run ip -n gA addr add "$UL6_A/64" dev wan0 nodad
run ip -n gB addr add "$UL6_B/64" dev wan0 nodad
in_ns gA extnet link set ext0 local "$UL6_A"
in_ns gB extnet link set ext0 local "$UL6_B"
check "link show gives both local addresses" bash -c \
	"extnet -n gA link show ext0 | grep -q 'local $UL_A local $UL6_A'"
PCAP6=$_LIB_TMP/wan6.pcap
capture_start gA wan0 "$PCAP6"

# gA moves hB1 to gB's IPv6 VTEP first: gB still expects hA1 from its IPv4
# VTEP, so the anti-spoofing rule drops hA1's echo at gB.
in_ns gA extnet map replace 203.0.113.21 dev ext0 remote "$UL6_B"
before=$(counter gB ext0 rx_drop_spoofed)
in_ns hA1 ping -c 2 -i 0.2 -W 1 203.0.113.21 || true
check "IPv6 outer source not the mapped VTEP: dropped as spoofed" \
	test "$(counter gB ext0 rx_drop_spoofed)" -ge $((before + 2))
in_ns gB extnet map replace 203.0.113.11 dev ext0 remote "$UL6_A"
in_ns gB extnet map replace 203.0.113.12 dev ext0 remote "$UL6_A"
check "IPv4 over IPv6: echo hA1 -> hB1" in_ns hA1 ping -c 1 -W 3 203.0.113.21
check "IPv4 over IPv6: echo hB1 -> hA2" in_ns hB1 ping -c 1 -W 3 203.0.113.12
check "IPv4 over IPv6: iperf3 TCP hA1 -> hB1" iperf_pair hB1 203.0.113.21 hA1
check "IPv4 over IPv6: iperf3 TCP hB1 -> hA1" iperf_pair hA1 203.0.113.11 hB1
check "map show: IPv4 entry, IPv6 VTEP" bash -c \
	"extnet -n gB map show dev ext0 | grep -q '^203.0.113.11 dev ext0 remote $UL6_A'"

# ---- 3. IPv6 overlay over the IPv6 underlay
in_ns gA extnet map replace 2001:db8:1::21 dev ext0 remote "$UL6_B"
in_ns gB extnet map replace 2001:db8:1::11 dev ext0 remote "$UL6_A"
in_ns gB extnet map replace 2001:db8:1::12 dev ext0 remote "$UL6_A"
check "IPv6 over IPv6: echo hA1 -> hB1" in_ns hA1 ping -6 -c 1 -W 3 2001:db8:1::21
check "IPv6 over IPv6: echo hB1 -> hA2" in_ns hB1 ping -6 -c 1 -W 3 2001:db8:1::12
check "IPv6 over IPv6: iperf3 TCP hB1 -> hA1" iperf_pair hA1 2001:db8:1::11 hB1
check "IPv6 over IPv6: iperf3 TCP hA1 -> hB1" iperf_pair hB1 2001:db8:1::21 hA1

capture_stop
diag "$(pcap_read "$PCAP6" -c 4 ip6 and udp port 4789)"
# Outer IPv6 header of 40 bytes: inner EtherType at ip6[68], inner IP at 70.
check "underlay carries VXLAN over IPv6 with VNI $VNI (tcpdump decodes it)" \
	bash -c "tcpdump -Z root -n -r $PCAP6 ip6 and udp port 4789 2>/dev/null | grep -q 'VXLAN.*vni $VNI'"
check "IPv4 crossed inside VXLAN over IPv6" \
	test "$(capture_count "$PCAP6" 'ip6 and udp port 4789 and ip6[68:2] = 0x0800')" -gt 10
check "IPv6 crossed inside VXLAN over IPv6" \
	test "$(capture_count "$PCAP6" 'ip6 and udp port 4789 and ip6[68:2] = 0x86dd')" -gt 10
check "no Neighbour Discovery inside VXLAN over IPv6" \
	pcap_none "$PCAP6" 'ip6 and udp port 4789 and ip6[68:2] = 0x86dd and ip6[76] = 58' \
	'ip6[110] >= 133 and ip6[110] <= 137' 'ip6[110] = 128'

ktap_finish
