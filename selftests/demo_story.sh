#!/bin/bash
# make demo: the two-site story, told in the QEMU guest. Not a test of its
# own (two_site.sh is), but it checks what it shows.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

say() { printf '\n=== %s\n' "$*"; }
show() { printf '%s# %s\n' "${NS:+$NS}" "$*"; ip netns exec "$NS" "$@" 2>&1 | sed 's/^/    /'; }

say "Site A: hA1 203.0.113.11, hA2 203.0.113.12 behind gA (underlay 192.0.2.1)"
say "Site B: hB1 203.0.113.21 behind gB (underlay 192.0.2.2); all hosts use 203.0.113.0/24"
two_sites >/dev/null
say "What the gateways were told (on gA; gB is the mirror image):"
cat <<'CMDS'
    gA# ip link add ext0 type extnet
    gA# extnet link set ext0 vni 5001 local 192.0.2.1
    gA# ip link set ext0 master br0 up
    gA# extnet map add 203.0.113.21 dev ext0 remote 192.0.2.2
CMDS
NS=gA show extnet link show ext0
NS=gA show extnet map show

PCAP=$_LIB_TMP/wan.pcap
capture_start gA wan0 "$PCAP" >/dev/null

say "hA1 pings hB1 at the other site: the very first echo comes back"
NS=hA1 show ping -c 3 -i 0.3 203.0.113.21
say "hA1 got its ARP answer from gA's ext0, locally (ext0's MAC is $(mac_of gA ext0)):"
NS=hA1 show ip neigh show 203.0.113.21
say "hB1 pings hA2, a host gA has not heard from yet: gA probes for it, holds the packet, delivers it"
NS=hB1 show ping -c 3 -i 0.3 203.0.113.12
say "TCP from site B to site A"
ip netns exec hA1 iperf3 -s -1 -B 203.0.113.11 >/dev/null 2>&1 &
sleep 1
NS=hB1 show iperf3 -c 203.0.113.11 -t 2 -f m
capture_stop

say "On the underlay: standard VXLAN (RFC 7348), VNI 5001; tcpdump decodes it"
pcap_read "$PCAP" -c 4 'udp port 4789' | sed 's/^/    /'
narp=$(capture_count "$PCAP" 'udp port 4789 and udp[28:2] = 0x0806')
nvx=$(capture_count "$PCAP" 'udp port 4789')
say "VXLAN packets on the underlay: $nvx; ARP frames among them: $narp (ARP never crosses)"

say "203.0.113.99 is not mapped: nobody answers for it, nothing is tunnelled"
NS=hA1 show ping -c 1 -W 1 203.0.113.99

say "Counters on gA (-s): ARP answered, probes sent, drops by reason"
NS=gA show extnet -s link show ext0
NS=gA show extnet -s map show dev ext0
say "gB learned its local hosts by snooping and probing"
NS=gB show extnet neigh show dev ext0

say "extnet map del 203.0.113.21 on gA: hB1 disappears from site A, and the drops are counted"
extnet -n gA map del 203.0.113.21 dev ext0
NS=hA1 show ping -c 2 -i 0.3 -W 1 203.0.113.21
NS=gA show extnet -s link show ext0

say "Verdicts"
check "ARP answered locally with ext0's MAC" bash -c \
	"ip -n hA1 neigh show 203.0.113.21 | grep -qi $(mac_of gA ext0)"
check "VXLAN on the underlay carried no ARP" test "$narp" -eq 0
check "traffic was tunnelled" test "$nvx" -gt 0
check "drops after map del are counted" test "$(counter gA ext0 tx_drop_unmapped)" -gt 0
ktap_finish
