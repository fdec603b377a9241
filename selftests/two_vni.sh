#!/bin/bash
# Two extnet devices with different VNIs share UDP port 4789 on each gateway
# and keep their traffic apart: two stretched subnets, one socket.
#
#   hA1 203.0.113.11 -- gA [br0: ext0 vni 5001] == [br0: ext0 vni 5001] gB -- hB1 203.0.113.21
#   hA3 198.51.100.11 - gA [br1: ext1 vni 5002] == [br1: ext1 vni 5002] gB -- hB3 198.51.100.21
#
# The second overlay reuses 198.51.100.0/24 (a documentation range) and the
# same underlay.
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
before=$(counter gB ext0 rx_drop_spoofed)
in_ns hA1 ping -c 2 -i 0.3 -W 1 -I 198.51.100.11 198.51.100.21 || true
check "VNI 5001 frame for the other subnet dropped as spoofed at gB" \
	test "$(counter gB ext0 rx_drop_spoofed)" -gt "$before"
check "VNI 5002 device saw nothing of it" \
	test "$(counter gB ext1 rx_drop_spoofed)" -eq 0

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
check "the refusal names the conflict" bash -c \
	"extnet -n gA link set ext3 vni 5001 port 4789 2>&1 |
	 grep -q 'already uses this VNI'"
in_ns gA ip link del ext2 || true
in_ns gA ip link del ext3 || true

before=$(counter gA ext0 rx_drop_unknown_vni)
in_ns gB extnet link set ext1 vni 5003
in_ns hB3 ping -c 2 -i 0.3 -W 1 198.51.100.11 || true
check "a VNI nobody serves is dropped and counted" \
	test "$(counter gA ext0 rx_drop_unknown_vni)" -gt "$before"

ktap_finish
