#!/bin/bash
# Two extnet devices with different VNIs share UDP port 4789 on each gateway
# and keep their traffic apart: two stretched subnets, one socket.
#
#   hA1 203.0.113.11 -- gA [br0: ext0 vni 5001] == [br0: ext0 vni 5001] gB -- hB1 203.0.113.21
#   hA3 198.51.100.11 - gA [br1: ext1 vni 5002] == [br1: ext1 vni 5002] gB -- hB3 198.51.100.21
#
# The second overlay reuses 198.51.100.0/24 (a documentation range) and the
# same underlay.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 9

two_sites
for gw in gA gB; do
	run ip -n $gw link add br1 address "02:00:00:00:b1:0${gw: -1}" type bridge
	run ip -n $gw link set br1 up
done
ns_add hA3
veth_pair hA3 eth0 gA lan3
run ip -n gA link set lan3 master br1
run ip -n hA3 addr add 198.51.100.11/24 dev eth0
ns_add hB3
veth_pair hB3 eth0 gB lan3
run ip -n gB link set lan3 master br1
run ip -n hB3 addr add 198.51.100.21/24 dev eth0
for gw in gA gB; do
	in_ns $gw ip link add ext1 type extnet
	local_ul=$UL_A; [[ $gw == gB ]] && local_ul=$UL_B
	in_ns $gw extnet link set ext1 vni 5002 local "$local_ul"
	in_ns $gw ip link set ext1 master br1 up
done
in_ns gA extnet map add 198.51.100.21 dev ext1 remote "$UL_B"
in_ns gB extnet map add 198.51.100.11 dev ext1 remote "$UL_A"

# One IPv4 and one IPv6 socket, shared by both devices.
check "one UDP socket per address family on port 4789 in gA" \
	test "$(ss -N gA -Hlun -4 'sport = :4789' | wc -l)" -eq 1 -a \
	"$(ss -N gA -Hlun -6 'sport = :4789' | wc -l)" -eq 1
check "VNI 5001: hA1 -> hB1" in_ns hA1 ping -c 2 -i 0.3 -W 3 203.0.113.21
check "VNI 5002: hA3 -> hB3" in_ns hA3 ping -c 2 -i 0.3 -W 3 198.51.100.21
check "VNI 5002: hB3 -> hA3" in_ns hB3 ping -c 2 -i 0.3 -W 3 198.51.100.11

# Cross-VNI leak: map hB3's address on ext0 (VNI 5001) of gA only. gB's
# ext0 does not know 198.51.100.11, so VNI 5001 must not deliver it into
# br1, and hB3 must see nothing.
in_ns gA extnet map add 198.51.100.21 dev ext0 remote "$UL_B"
run ip -n hA1 addr add 198.51.100.11/32 dev eth0
run ip -n hA1 route add 198.51.100.21/32 dev eth0
# leak_snap: what would move if the frame got into VNI 5002 at gB, "name
# value" a line: ext1's rx_packets (every frame it hands to br1), its
# extnet rx_* counters and hB3's IPv4 datagrams received (Ip InReceives:
# the IPv6 chatter of br1 does not move it). Fails unless all were read.
leak_snap() {
	local v raw pk
	read -r -a pk <<<"$(pkts gB ext1)"
	((${#pk[@]} == 2)) || return 1
	echo "ext1_rx_packets ${pk[0]}"
	raw=$(extnet -n gB -s link show ext1) || return 1
	# shellcheck disable=SC2016 # awk's $ signs
	awk '$1 ~ /^rx_/ { print "ext1_" $1, $2 }' <<<"$raw"
	# shellcheck disable=SC2016 # awk's $ signs
	v=$(nsexec hB3 awk '$1 == "Ip:" && !hdr { for (i = 2; i <= NF; i++) if ($i == "InReceives") col = i; hdr = 1; next }
		$1 == "Ip:" && hdr { print $col; exit }' /proc/net/snmp) || return 1
	[[ $v =~ ^[0-9]+$ ]] || return 1
	echo "hB3_Ip_InReceives $v"
}
# no_leak: leak_snap is what it was in $leak0 (and has the counters).
no_leak() {
	local after
	after=$(leak_snap) || return 1
	echo "before: ${leak0//$'\n'/ }"
	echo "after:  ${after//$'\n'/ }"
	grep -q '^ext1_rx_drop_spoofed [0-9]' <<<"$after" &&
		[[ $after == "$leak0" ]]
}
before=$(counter gB ext0 rx_drop_spoofed)
leak0=$(leak_snap) || leak0="leak_snap failed"
in_ns hA1 ping -c 2 -i 0.3 -W 1 -I 198.51.100.11 198.51.100.21 || true
check "VNI 5001 frame for the other subnet dropped as spoofed at gB" \
	test "$(counter gB ext0 rx_drop_spoofed)" -gt "$before"
check "VNI 5002 saw nothing of it (gB ext1 rx_packets and rx_* counters, hB3 IPv4 in: no change)" \
	no_leak

# Refused when set, whether the device holding the VNI is up (ext0) or
# down (ext2 before it comes up); the same VNI on another port is not.
check "the same VNI twice on one port is refused" bash -c \
	"ip -n gA link add ext2 type extnet &&
	 ip -n gA link add ext3 type extnet &&
	 ! extnet -n gA link set ext2 vni 5001 &&
	 extnet -n gA link set ext2 vni 5009 &&
	 ! extnet -n gA link set ext3 vni 5009 &&
	 extnet -n gA link set ext3 vni 5009 port 4790 &&
	 ! extnet -n gA link set ext3 port 4789 &&
	 ip -n gA link set ext2 up &&
	 ! extnet -n gA link set ext2 vni 5001 &&
	 extnet -n gA link show ext2 | grep -q 'vni 5009'"
# refused_naming: the refused request fails (status 1) and says why.
refused_naming() {
	local out rc=0
	out=$(extnet -n gA link set ext3 vni 5001 port 4789 2>&1) || rc=$?
	echo "exit status $rc: $out"
	[[ $rc -eq 1 ]] && grep -q 'already uses this VNI' <<<"$out"
}
check "the refusal names the conflict" refused_naming
in_ns gA ip link del ext2 || true
in_ns gA ip link del ext3 || true

before=$(counter gA ext0 rx_drop_unknown_vni)
in_ns gB extnet link set ext1 vni 5003
in_ns hB3 ping -c 2 -i 0.3 -W 1 198.51.100.11 || true
check "a VNI nobody serves is dropped and counted" \
	test "$(counter gA ext0 rx_drop_unknown_vni)" -gt "$before"

ktap_finish
