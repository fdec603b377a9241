#!/bin/bash
# The acceptance scenario: two sites share 203.0.113.0/24 through extnet.
# See topo.sh for the picture.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 17

two_sites
PCAP=$_LIB_TMP/wan.pcap
capture_start gA wan0 "$PCAP"

check "first echo hA1 -> hB1" in_ns hA1 ping -c 1 -W 3 203.0.113.21
check "first echo hB1 -> hA2 (gA probes for hA2)" in_ns hB1 ping -c 1 -W 3 203.0.113.12
check "first echo hB1 -> hA1" in_ns hB1 ping -c 1 -W 3 203.0.113.11
check "iperf3 TCP hA1 -> hB1" iperf_pair hB1 203.0.113.21 hA1
check "iperf3 TCP hB1 -> hA1" iperf_pair hA1 203.0.113.11 hB1

ext_mac=$(mac_of gA ext0)
check "hA1 caches 203.0.113.21 at gA's ext0 MAC" \
	bash -c "ip -n hA1 neigh show 203.0.113.21 dev eth0 | grep -qi ' $ext_mac '"
check "extnet link show -s ext0: gA answered ARP (arp_replies > 0)" bash -c \
	"extnet -n gA link show -s ext0 | grep -Eq 'arp_replies [1-9]'"
check "gB probed for hB1 (probes > 0)" test "$(counter gB ext0 probes)" -gt 0
check "gB learned hB1's MAC" bash -c "extnet -n gB neigh show dev ext0 |
	grep 203.0.113.21 | grep -qi $(mac_of hB1 eth0)"
check "per-entry counters count the traffic" bash -c \
	"extnet -n gA -s map show dev ext0 | grep 203.0.113.21 | grep -Eq 'tx_packets [1-9]'"

# An unmapped address: not answered, and not tunnelled even if a host
# knows a MAC for it.
before=$(counter gA ext0 tx_drop_arp_unmapped)
in_ns hA1 ping -c 1 -W 1 203.0.113.99 || true
check "ARP for unmapped 203.0.113.99 not answered" unanswered hA1 203.0.113.99
check "ARP for unmapped address counted" \
	test "$(counter gA ext0 tx_drop_arp_unmapped)" -gt "$before"
run ip -n hA1 neigh replace 203.0.113.99 lladdr "$ext_mac" dev eth0
before=$(counter gA ext0 tx_drop_unmapped)
in_ns hA1 ping -c 2 -i 0.2 -W 1 203.0.113.99 || true
check "unicast to unmapped address dropped and counted" \
	test "$(counter gA ext0 tx_drop_unmapped)" -ge $((before + 2))

# map del: hB1 is gone from site A, and the drop is counted.
in_ns gA extnet map del 203.0.113.21 dev ext0
before=$(counter gA ext0 tx_drop_unmapped)
check "after map del hB1 is unreachable" ping_lost hA1 203.0.113.21
check "after map del the drop is counted" \
	test "$(counter gA ext0 tx_drop_unmapped)" -gt "$before"

capture_stop
diag "$(pcap_read "$PCAP" -c 4 udp port 4789)"
check "underlay carries VXLAN with VNI $VNI (tcpdump decodes it)" \
	bash -c "tcpdump -Z root -n -r $PCAP udp port 4789 2>/dev/null | grep -q 'VXLAN.*vni $VNI'"
# Inner EtherType at UDP offset 8 (UDP) + 8 (VXLAN) + 12 (MACs).
# The controls: inner IPv4 (0x0800) and inner IPv4 to 203.0.113.21
# (0xcb007115) at the same offsets.
check "no ARP frame inside VXLAN on the underlay, no packet for 203.0.113.99" \
	pcap_none "$PCAP" 'udp port 4789' 'udp[28:2] = 0x0806 or udp[46:4] = 0xcb007163' \
	'udp[28:2] = 0x0800' 'udp[28:2] = 0x0800 and udp[46:4] = 0xcb007115'

ktap_finish
