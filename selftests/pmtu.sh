#!/bin/bash
# Path MTU without touching the hosts: the two-site topology with a
# 1400-byte underlay (wan0 on both gateways) and hosts at 1500. Inner
# packets may then be at most 1400 - 50 = 1350 bytes (outer IPv4 20, UDP 8,
# VXLAN 8, inner Ethernet 14); the auto MSS is 1350 - 40 = 1310 for IPv4
# and 1350 - 60 = 1290 for IPv6 (2001:db8:1::/64 hosts beside the IPv4 ones).
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 51

# has VAR ERE: the text in variable VAR matches ERE (check runs commands
# with stdin closed).
has() {
	grep -Eq -- "$2" <<<"${!1}"
}

# no_pmtu NS ADDR: `ip route get ADDR` in NS works, answers for ADDR and
# gives no mtu (no path MTU cached).
no_pmtu() {
	local out
	out=$(ip -n "$1" route get "$2") || return 1
	echo "$out"
	[[ $out == "$2 "* && $out != *mtu* ]]
}

two_sites
run ip -n gA link set wan0 mtu 1400
run ip -n gB link set wan0 mtu 1400
for h in hA1:11 hA2:12 hB1:21; do
	run ip -n "${h%:*}" addr add "2001:db8:1::${h#*:}/64" dev eth0 nodad
done
in_ns gA extnet map add 2001:db8:1::21 dev ext0 remote "$UL_B"
in_ns gB extnet map add 2001:db8:1::11 dev ext0 remote "$UL_A"
in_ns gB extnet map add 2001:db8:1::12 dev ext0 remote "$UL_A"

check "hosts and ext0 keep MTU 1500" bash -c \
	"ip -n hA1 link show eth0 | grep -q 'mtu 1500' && ip -n gA link show ext0 | grep -q 'mtu 1500'"
check "mss-clamp is off by default" bash -c \
	"extnet -n gA link show ext0 | grep -q ' mss-clamp off'"
check "small echo crosses (hA1 -> hB1)" in_ns hA1 ping -c 1 -W 3 203.0.113.21

# ping -M do: DF set, 1500 bytes: gA answers "fragmentation needed"
# (RFC 1191) from the address hA1 was pinging.
too_big=$(counter gA ext0 tx_too_big)
out=$(nsexec hA1 ping -M "do" -s 1472 -c 1 -W 3 203.0.113.21 2>&1 || true)
diag "$out"
check "ping -M do -s 1472 gets frag needed with mtu 1350 from 203.0.113.21" \
	has out 'From 203.0.113.21 .*Frag needed and DF set \(mtu = 1350\)'
check "gA counted it (tx_too_big)" test "$(counter gA ext0 tx_too_big)" -gt "$too_big"
check "hA1's route cache has mtu 1350 for 203.0.113.21" bash -c \
	"ip -n hA1 route get 203.0.113.21 | grep -q 'mtu 1350'"
out=$(nsexec hA1 ping -M "do" -s 1472 -c 1 -W 3 203.0.113.21 2>&1 || true)
diag "$out"
check "the next ping -M do -s 1472 fails locally (message too long, mtu=1350)" \
	has out 'mtu ?= ?1350'
check "ping -M do -s 1322 (1350 bytes) fits" \
	in_ns hA1 ping -M "do" -s 1322 -c 1 -W 3 203.0.113.21

# The other direction, answered by gB.
too_big=$(counter gB ext0 tx_too_big)
out=$(nsexec hB1 ping -M "do" -s 1472 -c 1 -W 3 203.0.113.12 2>&1 || true)
diag "$out"
check "hB1 -> hA2: frag needed with mtu 1350 from 203.0.113.12" \
	has out 'From 203.0.113.12 .*mtu = 1350'
check "gB counted it (tx_too_big)" test "$(counter gB ext0 tx_too_big)" -gt "$too_big"

# Without DF the 1500-byte packet is tunnelled and the underlay fragments
# the outer packet; hA2 has no cached path MTU for hB1.
PCAP=$_LIB_TMP/wan.pcap
capture_start gA wan0 "$PCAP"
too_big=$(counter gA ext0 tx_too_big)
check "ping -M dont -s 1472 hA2 -> hB1 arrives" \
	in_ns hA2 ping -M dont -s 1472 -c 2 -i 0.3 -W 3 203.0.113.21
check "no ICMP for packets without DF" \
	test "$(counter gA ext0 tx_too_big)" -eq "$too_big"
capture_stop
check "the outer packets were fragmented on the underlay" \
	test "$(capture_count "$PCAP" 'ip[6:2] & 0x3fff != 0')" -gt 0
check "hA2 still has no path MTU for hB1" no_pmtu hA2 203.0.113.21

# TCP with PMTUD alone: the hosts' 1460-byte MSS is too big for the path.
# Forget the path MTUs learned so far first.
for ns in hA1 hA2 hB1; do
	run ip -n "$ns" route flush cache
done
check "route flush cache forgot hA1's path MTU" no_pmtu hA1 203.0.113.21
too_big_a=$(counter gA ext0 tx_too_big)
too_big_b=$(counter gB ext0 tx_too_big)
check "iperf3 TCP hA1 -> hB1, clamping off (PMTUD)" iperf_pair hB1 203.0.113.21 hA1
check "iperf3 TCP hB1 -> hA2, clamping off (PMTUD)" iperf_pair hA2 203.0.113.12 hB1
check "TCP learned the path MTU from gA's ICMP (hA1: mtu 1350)" bash -c \
	"ip -n hA1 route get 203.0.113.21 | grep -q 'mtu 1350'"
check "gA answered TCP with ICMP (tx_too_big moved)" \
	test "$(counter gA ext0 tx_too_big)" -gt "$too_big_a"
check "and hB1 from gB's (tx_too_big moved on gB)" \
	test "$(counter gB ext0 tx_too_big)" -gt "$too_big_b"

# IPv6: no fragmentation on the way, so ICMPv6 Packet Too Big (RFC 8201).
check "small echo crosses over IPv6 (hA1 -> hB1)" \
	in_ns hA1 ping -6 -c 1 -W 3 2001:db8:1::21
too_big=$(counter gA ext0 tx_too_big)
out=$(nsexec hA1 ping -6 -M "do" -s 1452 -c 1 -W 3 2001:db8:1::21 2>&1 || true)
diag "$out"
check "ping -6 -s 1452 gets Packet too big with mtu 1350 from 2001:db8:1::21" \
	has out 'From 2001:db8:1::21 .*Packet too big: mtu=1350'
check "gA counted it (tx_too_big)" test "$(counter gA ext0 tx_too_big)" -gt "$too_big"
check "hA1's IPv6 route cache has mtu 1350 for 2001:db8:1::21" bash -c \
	"ip -n hA1 -6 route get 2001:db8:1::21 | grep -q 'mtu 1350'"
out=$(nsexec hB1 ping -6 -M "do" -s 1452 -c 1 -W 3 2001:db8:1::12 2>&1 || true)
diag "$out"
check "hB1 -> hA2 over IPv6: Packet too big with mtu 1350 from 2001:db8:1::12" \
	has out 'From 2001:db8:1::12 .*Packet too big: mtu=1350'
for ns in hA1 hA2 hB1; do
	run ip -n "$ns" -6 route flush cache
done
check "iperf3 TCP over IPv6 hA1 -> hB1, clamping off (PMTUD)" \
	iperf_pair hB1 2001:db8:1::21 hA1
check "iperf3 TCP over IPv6 hB1 -> hA1, clamping off (PMTUD)" \
	iperf_pair hA1 2001:db8:1::11 hB1
check "TCP over IPv6 learned the path MTU (hA1: mtu 1350)" bash -c \
	"ip -n hA1 -6 route get 2001:db8:1::21 | grep -q 'mtu 1350'"

# MSS clamping on gA only: SYNs leaving site A are clamped by gA's transmit
# path, SYN-ACKs coming in by its receive path.
check "extnet link set ext0 mss-clamp auto" in_ns gA extnet link set ext0 mss-clamp auto
check "link show prints mss-clamp auto" bash -c \
	"extnet -n gA link show ext0 | grep -q ' mss-clamp auto'"
clamped=$(counter gA ext0 tx_mss_clamped)
for ns in hA1 hA2 hB1; do
	run ip -n "$ns" route flush cache
	run ip -n "$ns" -6 route flush cache
done
capture_start gA wan0 "$PCAP"
HPCAP=$_LIB_TMP/hA1.pcap
printf '# [hA1] tcpdump -i eth0 -w %s tcp\n' "$HPCAP"
nsexec hA1 tcpdump -Z root -n -U -s 300 -i eth0 -w "$HPCAP" tcp >/dev/null 2>"$HPCAP.err" &
hpid=$!
wait_for grep -q "listening on" "$HPCAP.err"
check "iperf3 TCP hA2 -> hB1, clamping auto" iperf_pair hB1 203.0.113.21 hA2
check "iperf3 TCP hB1 -> hA1, clamping auto" iperf_pair hA1 203.0.113.11 hB1
check "iperf3 TCP over IPv6 hA2 -> hB1, clamping auto" \
	iperf_pair hB1 2001:db8:1::21 hA2
capture_stop
kill -INT "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null || true
diag "$(pcap_read "$PCAP" 'udp port 4789' | grep -F 'Flags [S' | head -n 4)"
check "the SYN from hA2 crosses the underlay with mss 1310" bash -c \
	"tcpdump -Z root -n -r $PCAP 'udp port 4789' 2>/dev/null |
	 grep -F '203.0.113.12.' | grep -F 'Flags [S]' | grep -q 'mss 1310,'"
check "the IPv6 SYN from hA2 crosses the underlay with mss 1290" bash -c \
	"tcpdump -Z root -n -r $PCAP 'udp port 4789' 2>/dev/null |
	 grep -F '2001:db8:1::12.' | grep -F 'Flags [S]' | grep -q 'mss 1290,'"
check "hA1 receives hB1's SYN with mss 1310 (gA's receive path)" bash -c \
	"tcpdump -Z root -n -r $HPCAP 2>/dev/null | grep -F '> 203.0.113.11.5201' |
	 grep -F 'Flags [S]' | grep -q 'mss 1310,'"
check "gA counted the clamped SYN and SYN-ACKs (tx_mss_clamped >= 4)" \
	test "$(counter gA ext0 tx_mss_clamped)" -ge "$((clamped + 4))"

# A fixed MSS, and the tool's checks.
in_ns gA extnet link set ext0 mss-clamp 1200
check "mss-clamp 1200 is shown" bash -c \
	"extnet -n gA link show ext0 | grep -q ' mss-clamp 1200'"
out=$(extnet -n gA link set ext0 mss-clamp 100 2>&1 || true)
check "mss-clamp 100 is refused, naming the word" \
	has out 'argument "100" is wrong: mss-clamp'

# An IPv6 underlay adds 70 bytes: 1400 - 70 = 1330.
run ip -n gA addr add 2001:db8:ff::1/64 dev wan0 nodad
run ip -n gB addr add 2001:db8:ff::2/64 dev wan0 nodad
in_ns gA extnet link set ext0 local 2001:db8:ff::1
in_ns gB extnet link set ext0 local 2001:db8:ff::2
in_ns gA extnet map replace 203.0.113.21 dev ext0 remote 2001:db8:ff::2
in_ns gB extnet map replace 203.0.113.11 dev ext0 remote 2001:db8:ff::1
run ip -n hA1 route flush cache
check "echo hA1 -> hB1 over the IPv6 underlay" in_ns hA1 ping -c 1 -W 3 203.0.113.21
out=$(nsexec hA1 ping -M "do" -s 1472 -c 1 -W 3 203.0.113.21 2>&1 || true)
diag "$out"
check "IPv6 underlay: frag needed with mtu 1330" \
	has out 'From 203.0.113.21 .*Frag needed and DF set \(mtu = 1330\)'
check "IPv6 underlay: ping -M do -s 1302 (1330 bytes) fits" \
	in_ns hA1 ping -M "do" -s 1302 -c 1 -W 3 203.0.113.21

# Not a bridge port: the device is the host's own interface and its MTU
# follows the underlay device of its local address.
in_ns gA ip link add ext1 type extnet
in_ns gA extnet link set ext1 vni 5002 local "$UL_A"
check "ext1 (not a bridge port) gets MTU 1400 - 50 = 1350" bash -c \
	"ip -n gA link show ext1 | grep -q ' mtu 1350 '"
run ip -n gA link set wan0 mtu 1300
check "wan0 at 1300: ext1 follows (1250), bridged ext0 stays at 1500" bash -c \
	"ip -n gA link show ext1 | grep -q ' mtu 1250 ' && ip -n gA link show ext0 | grep -q ' mtu 1500 '"
in_ns gA ip link set ext1 master br0
check "ext1 joining br0 gets MTU 1500 back; br0 stays at 1500" bash -c \
	"ip -n gA link show ext1 | grep -q ' mtu 1500 ' && ip -n gA link show br0 | grep -q ' mtu 1500 '"

# mtu_is DEV MTU: gA's DEV has that MTU.
mtu_is() {
	ip -n gA link show "$1" | grep -q " mtu $2 "
}

# With only an IPv6 local address the encapsulation takes 70 bytes.
in_ns gA ip link add ext2 type extnet
in_ns gA extnet link set ext2 vni 5003 local 2001:db8:ff::1
check "ext2 (IPv6 local address) gets MTU 1300 - 70 = 1230" mtu_is ext2 1230

# A local address no device holds yet is followed once it is added: IPv4
# (told under RTNL) and IPv6 while still tentative (told in atomic context).
in_ns gA ip link add ext3 type extnet
in_ns gA extnet link set ext3 vni 5004 local 192.0.2.77
in_ns gA ip link add ext4 type extnet
in_ns gA extnet link set ext4 vni 5005 local 2001:db8:ff::77
check "ext3 and ext4 (local address on no device) keep MTU 1500" bash -c \
	"ip -n gA link show ext3 | grep -q ' mtu 1500 ' && ip -n gA link show ext4 | grep -q ' mtu 1500 '"
run ip -n gA addr add 192.0.2.77/32 dev wan0
check "192.0.2.77 added to wan0: ext3 follows (1250)" mtu_is ext3 1250
in_ns gA sysctl -qw net.ipv6.conf.wan0.dad_transmits=10
run ip -n gA addr add 2001:db8:ff::77/64 dev wan0
check "2001:db8:ff::77 added to wan0: ext4 follows (1230)" wait_for -t 5 mtu_is ext4 1230
check "... while the address is still tentative" bash -c \
	"ip -n gA -6 addr show dev wan0 | grep -F 2001:db8:ff::77 | grep -q tentative"
run ip -n gA link set wan0 mtu 1280
check "wan0 at 1280: ext2, ext3, ext4 follow (1210, 1230, 1210)" bash -c \
	"ip -n gA link show ext2 | grep -q ' mtu 1210 ' && ip -n gA link show ext3 | grep -q ' mtu 1230 ' &&
	 ip -n gA link show ext4 | grep -q ' mtu 1210 '"

diag "$(extnet -n gA -s link show ext0)"
ktap_finish
