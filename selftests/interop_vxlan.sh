#!/bin/bash
# Interoperability: site B's gateway is the kernel's own vxlan in a bridge
# (proxy ARP from static neighbour entries, static FDB, no learning, UDP
# 4789); site A runs extnet with lladdr entries. The same pings pass, and
# tcpdump decodes the underlay as VXLAN with our VNI.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 6

extnet_load
modprobe vxlan
sites
gw_extnet gA "$UL_A"

mac_a1=$(mac_of hA1 eth0)
mac_a2=$(mac_of hA2 eth0)
mac_b1=$(mac_of hB1 eth0)

# Site A: extnet. Its entry gives hB1's real MAC, so that frames reach hB1
# through gB's bridge unchanged.
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B" lladdr "$mac_b1"

# Site B: kernel vxlan, everything static.
in_ns gB ip link add vx0 type vxlan id "$VNI" dstport 4789 local "$UL_B" \
	nolearning proxy
in_ns gB ip link set vx0 master br0 up
for pair in "203.0.113.11 $mac_a1" "203.0.113.12 $mac_a2"; do
	# shellcheck disable=SC2086 # split into address and MAC
	set -- $pair
	in_ns gB ip neigh add "$1" lladdr "$2" dev vx0 nud permanent
	in_ns gB bridge fdb add "$2" dev vx0 dst "$UL_A" self permanent
	in_ns gB bridge fdb add "$2" dev vx0 master static
done

PCAP=$_LIB_TMP/wan.pcap
capture_start gA wan0 "$PCAP"
check "first echo hA1 -> hB1 (extnet -> vxlan)" in_ns hA1 ping -c 1 -W 3 203.0.113.21
check "first echo hB1 -> hA2 (vxlan -> extnet)" in_ns hB1 ping -c 1 -W 3 203.0.113.12
check "iperf3 TCP hA1 -> hB1" iperf_pair hB1 203.0.113.21 hA1
check "hA1 caches hB1 at the entry's lladdr" bash -c \
	"ip -n hA1 neigh show 203.0.113.21 | grep -qi ' $mac_b1 '"
capture_stop
diag "$(pcap_read "$PCAP" -c 4 udp port 4789)"
check "tcpdump decodes VXLAN vni $VNI both ways" bash -c \
	"tcpdump -Z root -n -r $PCAP 'udp port 4789 and src $UL_A' 2>/dev/null | grep -q 'VXLAN.*vni $VNI' &&
	 tcpdump -Z root -n -r $PCAP 'udp port 4789 and src $UL_B' 2>/dev/null | grep -q 'VXLAN.*vni $VNI'"
# The control: inner IPv4 (0x0800) at the EtherType's offset.
check "no ARP inside VXLAN" \
	pcap_none "$PCAP" 'udp port 4789' 'udp[28:2] = 0x0806' 'udp[28:2] = 0x0800'

ktap_finish
