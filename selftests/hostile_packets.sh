#!/bin/bash
# Hostile packets on both sides of a gateway (progs/badpkt.c, raw frames):
# VXLAN crafted in gB and sent out of its wan0 to gA's tunnel socket, and
# frames sent by host hA1 into gA's bridge. Each kind must be dropped by
# gA's ext0 and counted under the reason Documentation/extnet.rst gives
# (and under no other drop counter); valid controls must get through.
# Afterwards the sites must still talk. See topo.sh for the picture.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 65

two_sites
# 203.0.113.31 lives behind another VTEP: gB must not speak for it.
in_ns gA extnet map add 203.0.113.31 dev ext0 remote 198.51.100.3
# No IPv6 chatter (router solicitations, MLD): it would count as
# tx_drop_multicast at random moments.
for ns in gA gB hA1 hA2 hB1; do
	nsexec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
# Both gateways learn their hosts.
in_ns hA1 ping -c 1 -W 3 203.0.113.21
in_ns hA2 ping -c 1 -W 3 203.0.113.21
sleep 1

WAN_MAC=$(mac_of gA wan0)
EXT_MAC=$(mac_of gA ext0)
# VXLAN from gB's VTEP to gA's, valid unless a kind says otherwise: inner
# 203.0.113.21 (mapped to gB at gA) -> hA1.
VX=(-i wan0 -x -m "$WAN_MAC" -S "$UL_B" -D "$UL_A" -V "$VNI")
INNER=(-s 203.0.113.21 -d 203.0.113.11)
# Frames from hA1 to ext0's MAC (ARP and broadcast kinds pick their own).
LAN=(-i eth0 -m "$EXT_MAC")

BEFORE=$_LIB_TMP/before
AFTER=$_LIB_TMP/after

# snap FILE: gA's ext0 counters, "name value" a line, and the packet
# counters of the mapping entry of 203.0.113.21 as entry_rx and entry_tx.
# One program (extnet), parsed by the shell: on the debug kernel every
# program started costs about 0.4 s, and a check makes three snapshots.
snap() {
	local f i
	printf 'link show -s ext0\nmap show -s dev ext0\n' |
		extnet -n gA -batch - >"$1.raw"
	while read -ra f; do
		if ((${#f[@]} == 2)) && [[ ${f[1]} =~ ^[0-9]+$ ]]; then
			echo "${f[0]} ${f[1]}"
		elif [[ ${f[0]-} == 203.0.113.21 ]]; then
			for ((i = 1; i < ${#f[@]} - 1; i++)); do
				case ${f[i]} in
				rx_packets | tx_packets) echo "entry_${f[i]:0:2} ${f[i + 1]}" ;;
				esac
			done
		fi
	done <"$1.raw" >"$1"
}

# value FILE NAME: one counter of a snapshot.
value() {
	local k v
	while read -r k v; do
		if [[ $k == "$2" ]]; then
			echo "$v"
			return 0
		fi
	done <"$1"
}

# deltas: "name +N" for every counter that moved between the snapshots.
deltas() {
	local -A b
	local k v
	while read -r k v; do
		b[$k]=$v
	done <"$BEFORE"
	while read -r k v; do
		if [[ -n ${b[$k]+set} && $v != "${b[$k]}" ]]; then
			printf '%s +%d\n' "$k" $((v - b[$k]))
		fi
	done <"$AFTER"
}

# matching PATTERN TEXT: the lines of TEXT that match the shell PATTERN.
matching() {
	local l
	while read -r l; do
		# shellcheck disable=SC2053 # $1 is a pattern
		if [[ -n $l && $l == $1 ]]; then
			echo "$l"
		fi
	done <<<"$2"
}

# snap_until NAME N: snapshot into $AFTER until counter NAME reaches N
# (at most 3 s; usually the first snapshot has it).
snap_until() {
	local i
	for ((i = 0; i < 30; i++)); do
		snap "$AFTER"
		[[ $(value "$AFTER" "$1") -lt $2 ]] || return 0
		sleep 0.1
	done
}

# snmp NS PROTO FIELD: a counter of /proc/net/snmp in NS (e.g. Udp NoPorts).
snmp() {
	# shellcheck disable=SC2016 # awk's $ signs
	nsexec "$1" awk -v p="$2:" -v f="$3" '
		$1 == p && !hdr { for (i = 2; i <= NF; i++) if ($i == f) col = i; hdr = 1; next }
		$1 == p && hdr { print $col; exit }' /proc/net/snmp
}

# send NS BADPKT_ARGS...: run badpkt in NS; its output is kept for diag.
send() {
	local ns=$1
	shift
	printf '# [%s] badpkt %s\n' "$ns" "$*"
	nsexec "$ns" badpkt "$@" >"$_LIB_TMP/badpkt.out" 2>&1
}

# drop NAME COUNTER N NS BADPKT_ARGS...: badpkt in NS sends N packets; gA's
# ext0 must count exactly N under COUNTER and nothing under any other drop
# counter, and the entry of 203.0.113.21 must not have passed anything.
drop() {
	local name=$1 want=$2 n=$3 ns=$4 d
	shift 4
	snap "$BEFORE"
	if ! send "$ns" "$@"; then
		not_ok "$name" "badpkt failed: $(cat "$_LIB_TMP/badpkt.out")"
		return 0
	fi
	snap_until "$want" $(($(value "$BEFORE" "$want") + n))
	d=$(deltas)
	if [[ $(matching '@(*_drop_*|entry_*)' "$d") == "$want +$n" ]]; then
		ok "$name: $want +$n"
	else
		not_ok "$name" "want only $want +$n; moved: ${d//$'\n'/ }"
	fi
}

# deliver NAME NS PROTO FIELD N BADPKT_ARGS...: a valid VXLAN packet (or
# fragments of one): no drop counted, the entry of 203.0.113.21 received
# N frames and hA1's /proc/net/snmp PROTO FIELD grew.
deliver() {
	local name=$1 ns=$2 proto=$3 field=$4 n=$5 s0 s1 d i
	shift 5
	snap "$BEFORE"
	s0=$(snmp hA1 "$proto" "$field")
	if ! send "$ns" "$@"; then
		not_ok "$name" "badpkt failed: $(cat "$_LIB_TMP/badpkt.out")"
		return 0
	fi
	snap_until entry_rx $(($(value "$BEFORE" entry_rx) + n))
	# hA1 gets it a moment after extnet has counted it.
	for ((i = 0; i < 20; i++)); do
		s1=$(snmp hA1 "$proto" "$field")
		[[ $s1 -le $s0 ]] || break
		sleep 0.1
	done
	d=$(deltas)
	# (entry_tx may move too: hA1 answers port 9 with ICMP unreachable.)
	if [[ -z $(matching '*_drop_*' "$d") && $(matching 'entry_rx*' "$d") == "entry_rx +$n" &&
		$s1 -gt $s0 ]]; then
		ok "$name: delivered (entry rx +$n, hA1 $proto $field +$((s1 - s0)))"
	else
		not_ok "$name" "moved: ${d//$'\n'/ }; hA1 $proto $field $s0 -> $s1"
	fi
}

diag "---- the underlay side: VXLAN from gB to gA's tunnel socket"
deliver "control: valid VXLAN, inner UDP to hA1" gB Udp NoPorts 1 "${VX[@]}" "${INNER[@]}" udp
drop "UDP datagram without VXLAN header (zero-length payload)" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" vx-udp-empty
drop "truncated VXLAN header (4 of 8 bytes)" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" vx-short
drop "VXLAN I flag missing" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" vx-no-iflag
drop "VXLAN reserved flag bit set" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" vx-flags-rsvd
drop "VXLAN reserved 24 bits after the flags set" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" vx-flags-rsvd24
drop "VXLAN reserved bits of the VNI word set" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" vx-vni-rsvd
drop "unknown VNI" rx_drop_unknown_vni 1 gB "${VX[@]}" -V $((VNI + 1)) "${INNER[@]}" udp
drop "zero-length inner frame" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" empty
drop "inner frame shorter than an Ethernet header (13 bytes)" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" eth-short
drop "inner EtherType ARP" rx_drop_proto 1 gB "${VX[@]}" "${INNER[@]}" arp
drop "inner IPv6 from an unmapped source" rx_drop_spoofed 1 gB "${VX[@]}" "${INNER[@]}" ipv6
drop "inner 802.1Q-tagged IPv4 (0x8100)" rx_drop_proto 1 gB "${VX[@]}" "${INNER[@]}" vlan
drop "inner unknown EtherType 0x88b5" rx_drop_proto 1 gB "${VX[@]}" "${INNER[@]}" ethertype
drop "inner IPv4 header truncated (12 bytes)" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" ip-short
drop "inner IPv4 IHL 4 (< 5)" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" ip-ihl4
drop "inner IPv4 IHL 15, beyond the packet" rx_drop_malformed 1 gB "${VX[@]}" "${INNER[@]}" ip-ihl15
drop "inner IPv4 total length beyond the frame" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" ip-totlen-big
drop "inner IPv4 total length below IHL" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" ip-totlen-small
drop "inner version 6 under EtherType IPv4" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" ip-version6
drop "inner source not mapped (203.0.113.22)" rx_drop_spoofed 1 gB \
	"${VX[@]}" -s 203.0.113.22 -d 203.0.113.11 udp
drop "inner source mapped to another VTEP (spoofing 203.0.113.31)" rx_drop_spoofed 1 gB \
	"${VX[@]}" -s 203.0.113.31 -d 203.0.113.11 udp
drop "outer source is not the inner source's VTEP (192.0.2.99)" rx_drop_spoofed 1 gB \
	"${VX[@]}" -S 192.0.2.99 "${INNER[@]}" udp
drop "inner destination mapped remote (loop)" rx_drop_loop 1 gB \
	"${VX[@]}" -s 203.0.113.21 -d 203.0.113.31 udp
drop "outer ECN CE over Not-ECT inner (RFC 6040 drop)" rx_drop_malformed 1 gB \
	"${VX[@]}" "${INNER[@]}" vx-ecn-ce
drop "20 malformed packets in a row are all counted" rx_drop_malformed 20 gB -n 20 \
	"${VX[@]}" "${INNER[@]}" ip-ihl4

# Inner fragments: well-formed IPv4 for a mapped source. The documentation
# does not mention them; extnet carries them and the host reassembles.
deliver "inner IPv4 fragments (MF, then offset != 0): host reassembles" gB Ip ReasmOKs 2 \
	"${VX[@]}" "${INNER[@]}" -l 200 frags
# The same two fragments in packets of their own (one IPv4 ID: a lone first
# fragment would make hA1 send "reassembly time exceeded" 30 s later).
deliver "inner first fragment (MF set, offset 0) in a packet of its own" gB Ip ReasmReqds 1 \
	"${VX[@]}" "${INNER[@]}" -l 200 -I 4242 frag-first
deliver "inner last fragment (offset != 0) in a packet of its own" gB Ip ReasmOKs 1 \
	"${VX[@]}" "${INNER[@]}" -l 200 -I 4242 frag-last
deliver "1514-byte inner frame in a fragmented outer packet" gB Udp NoPorts 1 \
	"${VX[@]}" "${INNER[@]}" -l 1514 udp

# A 9000-byte inner frame (outer: 7 fragments): more than ext0's and the
# hosts' MTU: dropped and counted by extnet (the bridge would drop it
# silently), not delivered to hA1.
jumbo() {
	local b0 b1 d
	b0=$(ip netns exec hA1 cat /sys/class/net/eth0/statistics/rx_bytes)
	snap "$BEFORE"
	send gB "${VX[@]}" "${INNER[@]}" -l 9000 udp
	snap_until rx_drop_oversize $(($(value "$BEFORE" rx_drop_oversize) + 1))
	b1=$(ip netns exec hA1 cat /sys/class/net/eth0/statistics/rx_bytes)
	d=$(deltas)
	echo "gA's ext0 counters moved: $(tr '\n' ' ' <<<"$d")"
	echo "hA1 eth0 rx_bytes $b0 -> $b1"
	[[ $((b1 - b0)) -lt 9000 ]] && grep -q '^rx_drop_oversize +1$' <<<"$d"
}
check "jumbo inner frame (9000 bytes, fragmented outer): rx_drop_oversize +1, not delivered" jumbo

# Non-unicast inner destinations from a mapped source: there is no local
# host to deliver them to. extnet must drop them at once and not probe the
# segment with ARP for a broadcast or multicast address (README: broadcasts
# are dropped and counted). Once the drop is counted, a probe has 1 s more
# to show up (it would be sent at once).
no_probe() {
	local d
	snap "$BEFORE"
	send gB "${VX[@]}" -s 203.0.113.21 -d "$1" udp || return 1
	snap_until rx_drop_multicast $(($(value "$BEFORE" rx_drop_multicast) + 1))
	sleep 1
	snap "$AFTER"
	d=$(deltas)
	echo "gA's ext0 counters moved: $(tr '\n' ' ' <<<"$d")"
	extnet -n gA neigh show dev ext0
	[[ $(matching '@(*_drop_*|entry_*|probes *)' "$d") == "rx_drop_multicast +1" ]]
}
check "inner destination 255.255.255.255: rx_drop_multicast +1, no ARP probe" no_probe 255.255.255.255
check "inner destination 224.0.0.1: rx_drop_multicast +1, no ARP probe" no_probe 224.0.0.1
check "inner destination 0.0.0.0: rx_drop_multicast +1, no ARP probe" no_probe 0.0.0.0
# Whatever the outcome, let held packets and probes run out before the
# counters are compared again.
wait_for -t 8 bash -c "! extnet -n gA neigh show dev ext0 | grep -q incomplete" || true

# Five frames for a local address nobody answers for (203.0.113.19): gA
# holds three (EXTNET_NEIGH_QLEN) while it probes and drops two as
# rx_drop_queue_full; only the held ones count on the sender's entry. When
# the probes fail (3 s), the three are dropped as rx_drop_probe_failed.
held() {
	local d
	snap "$BEFORE"
	send gB "${VX[@]}" -n 5 -s 203.0.113.21 -d 203.0.113.19 udp
	snap_until rx_drop_queue_full $(($(value "$BEFORE" rx_drop_queue_full) + 2))
	d=$(deltas)
	echo "gA's ext0 counters moved: $(tr '\n' ' ' <<<"$d")"
	[[ $(matching 'entry_rx *' "$d") == "entry_rx +3" &&
		$(matching 'rx_drop_queue_full *' "$d") == "rx_drop_queue_full +2" ]] || return 1
	wait_for -t 8 bash -c "! extnet -n gA neigh show dev ext0 | grep -q incomplete" || return 1
	snap "$AFTER"
	d=$(deltas)
	echo "... and after the probes: $(tr '\n' ' ' <<<"$d")"
	[[ $(matching 'rx_drop_probe_failed *' "$d") == "rx_drop_probe_failed +3" &&
		$(matching 'entry_rx *' "$d") == "entry_rx +3" ]]
}
check "5 frames for a silent local host: 3 held (entry rx +3), 2 rx_drop_queue_full, then 3 rx_drop_probe_failed" held

# Frames held for a local address that is then mapped remote would go back
# into the tunnel: the map add drops them as rx_drop_loop, at once.
held_then_mapped() {
	local d
	snap "$BEFORE"
	send gB "${VX[@]}" -n 2 -s 203.0.113.21 -d 203.0.113.18 udp
	snap_until entry_rx $(($(value "$BEFORE" entry_rx) + 2))
	in_ns gA extnet map add 203.0.113.18 dev ext0 remote "$UL_B" || return 1
	snap "$AFTER"
	in_ns gA extnet map del 203.0.113.18 dev ext0 || return 1
	d=$(deltas)
	echo "gA's ext0 counters moved: $(tr '\n' ' ' <<<"$d")"
	[[ $(matching 'entry_rx *' "$d") == "entry_rx +2" &&
		$(matching 'rx_drop_loop *' "$d") == "rx_drop_loop +2" &&
		-z $(matching 'rx_drop_probe_failed *' "$d") ]]
}
check "2 frames held for 203.0.113.18, then map add 203.0.113.18: 2 rx_drop_loop" held_then_mapped

diag "---- the local side: frames from hA1 into gA's bridge"
tx_control() {
	snap "$BEFORE"
	send hA1 "${LAN[@]}" -s 203.0.113.11 -d 203.0.113.21 udp
	snap_until entry_tx $(($(value "$BEFORE" entry_tx) + 1))
	deltas
	[[ $(grep -E '_drop_|^entry_tx' <<<"$(deltas)") == "entry_tx +1" ]]
}
check "control: valid IPv4 from hA1 to 203.0.113.21 is tunnelled" tx_control
drop "truncated ARP (20 bytes)" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-short
drop "ARP hardware address length 8" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-hlen8
drop "ARP protocol address length 16" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-plen16
drop "ARP hardware type 6" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-hrd6
drop "ARP from a multicast sender MAC" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-sha-mcast
drop "ARP opcode 3" tx_drop_arp_other 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 arp-op3
# Unicast to ext0: broadcast, it would also poison hA2's ARP cache entry
# for 203.0.113.21 (ARP between hosts is none of extnet's business).
drop "ARP request from a sender claiming a remote address (conflict)" tx_drop_conflict 1 hA1 \
	"${LAN[@]}" -u -s 203.0.113.21 -d 203.0.113.99 arp
drop "gratuitous ARP request" tx_drop_arp_other 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.11 arp-gratuitous
drop "gratuitous ARP reply" tx_drop_arp_other 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.11 arp-gratuitous-reply
drop "IPv4 header truncated (12 bytes)" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ip-short
drop "IPv4 IHL 4" tx_drop_malformed 1 hA1 "${LAN[@]}" -s 203.0.113.11 -d 203.0.113.21 ip-ihl4
drop "IPv4 IHL 15, beyond the packet" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ip-ihl15
drop "IPv4 total length beyond the frame" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ip-totlen-big
drop "IPv4 total length below IHL" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ip-totlen-small
drop "version 6 under EtherType IPv4" tx_drop_malformed 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ip-version6
drop "IPv4 from a host whose source is mapped remote (conflict)" tx_drop_conflict 1 hA1 \
	"${LAN[@]}" -s 203.0.113.21 -d 203.0.113.21 udp
drop "broadcast IPv4 (ff:ff:ff:ff:ff:ff, 203.0.113.255)" tx_drop_multicast 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.255 ip-bcast
drop "multicast IPv4 (01:00:5e:00:00:01, 224.0.0.1)" tx_drop_multicast 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 224.0.0.1 ip-mcast
drop "IPv4 to 255.255.255.255 in a frame unicast to ext0" tx_drop_unmapped 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 255.255.255.255 udp
drop "802.1Q-tagged IPv4 to ext0's MAC" tx_drop_proto 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 vlan
drop "802.1Q-tagged ARP request, broadcast" tx_drop_multicast 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 vlan-arp
drop "IPv6 to an unmapped address at ext0's MAC" tx_drop_unmapped 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ipv6
drop "unknown EtherType 0x88b5 to ext0's MAC" tx_drop_proto 1 hA1 "${LAN[@]}" \
	-s 203.0.113.11 -d 203.0.113.21 ethertype

# ARP storm: 5000 requests for 100 unmapped addresses in one burst.
drop "ARP storm: 5000 requests for unmapped addresses, all counted" tx_drop_arp_unmapped 5000 \
	hA1 "${LAN[@]}" -s 203.0.113.11 -d 203.0.113.128 -r 100 -n 5000 arp
diag "$(cat "$_LIB_TMP/badpkt.out")"
prompt() {
	local t0=$EPOCHREALTIME t1
	nsexec hA1 ping -c 3 -i 0.2 -W 1 203.0.113.21
	t1=$EPOCHREALTIME
	echo "3 echoes in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 3) }'
}
check "after the storm hA1 -> hB1 answers at once (3 echoes < 3 s)" prompt
diag "$(grep -E 'rtt|echoes' "$_LIB_TMP/check.out")"

diag "---- afterwards"
check "ping hA1 -> hB1 still works" in_ns hA1 ping -c 2 -i 0.2 -W 2 203.0.113.21
check "ping hB1 -> hA2 still works" in_ns hB1 ping -c 2 -i 0.2 -W 2 203.0.113.12
# no_bad_neigh: gA's neighbour table, which `extnet neigh show` must list
# with the hosts just pinged (203.0.113.11, .12), has no remote or
# non-unicast address.
no_bad_neigh() {
	local out
	out=$(extnet -n gA neigh show dev ext0) || return 1
	echo "$out"
	grep -q '^203\.0\.113\.11 ' <<<"$out" && grep -q '^203\.0\.113\.12 ' <<<"$out" &&
		! grep -E '^(203\.0\.113\.(21|22|31)|255\.|224\.|0\.0\.0\.0) ' <<<"$out"
}
check "gA learned no neighbour for a remote or non-unicast address" no_bad_neigh
diag "$(extnet -n gA -s link show ext0)"

ktap_finish
