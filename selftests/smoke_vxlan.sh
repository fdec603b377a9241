#!/bin/bash
# Harness smoke test: two sites joined by the kernel's own vxlan (no extnet).
#
#   hA 203.0.113.11            gA                          gB            hB 203.0.113.21
#   eth0 ---- lan0 [br0: lan0 + vxlan0] wan0 ======= wan0 [br0: vxlan0 + lan0] ---- eth0
#                           192.0.2.1/24    underlay    192.0.2.2/24
#
# vxlan0: VNI 5001, UDP 4789. The overlay also carries 2001:db8:1::/64.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VNI=5001

ktap_plan 4

for ns in hA gA gB hB; do
	ns_add "$ns"
done
veth_pair hA eth0 gA lan0
veth_pair gA wan0 gB wan0
veth_pair gB lan0 hB eth0

# gateway NS LOCAL REMOTE
gateway() {
	run ip -n "$1" link set wan0 mtu 1600
	run ip -n "$1" addr add "$2/24" dev wan0
	run ip -n "$1" link add br0 type bridge
	run ip -n "$1" link add vxlan0 type vxlan id "$VNI" dstport 4789 local "$2" remote "$3"
	run ip -n "$1" link set lan0 master br0
	run ip -n "$1" link set vxlan0 master br0
	run ip -n "$1" link set vxlan0 up
	run ip -n "$1" link set br0 up
}
gateway gA 192.0.2.1 192.0.2.2
gateway gB 192.0.2.2 192.0.2.1

run ip -n hA addr add 203.0.113.11/24 dev eth0
run ip -n hA addr add 2001:db8:1::11/64 dev eth0 nodad
run ip -n hB addr add 203.0.113.21/24 dev eth0
run ip -n hB addr add 2001:db8:1::21/64 dev eth0 nodad

check "ping hA -> hB over vxlan" in_ns hA ping -c 3 -i 0.2 -W 5 203.0.113.21
check "ping IPv6 hA -> hB over vxlan" in_ns hA ping -6 -c 3 -i 0.2 -W 5 2001:db8:1::21

# shellcheck disable=SC2317 # called through wait_for
iperf_listening() {
	ss -N hB -Hltn 'sport = :5201' | grep -q LISTEN
}
in_ns hB iperf3 -s -1 -B 203.0.113.21 >"$_LIB_TMP/iperf-s.out" 2>&1 &
if ! wait_for iperf_listening; then
	not_ok "iperf3 TCP 2 s hA -> hB" "iperf3 server did not start"
	diag "$(cat "$_LIB_TMP/iperf-s.out")"
elif out=$(in_ns hA iperf3 -c 203.0.113.21 -t 2 -f m 2>&1); then
	ok "iperf3 TCP 2 s hA -> hB"
	diag "$(grep -E 'sender|receiver' <<<"$out")"
else
	not_ok "iperf3 TCP 2 s hA -> hB"
	diag "$out"
fi

# tcpdump prints "listening on" once the capture is live.
td_out=$_LIB_TMP/tcpdump.out
td_err=$_LIB_TMP/tcpdump.err
in_ns gA tcpdump -Z root -n -l -i wan0 -c 2 udp port 4789 >"$td_out" 2>"$td_err" &
td=$!
# shellcheck disable=SC2317 # called through wait_for
tcpdump_done() { ! kill -0 "$td" 2>/dev/null; }
wait_for grep -q "listening on" "$td_err" || true
in_ns hA ping -c 2 -i 0.2 -W 5 203.0.113.21 >/dev/null || true
wait_for tcpdump_done || kill "$td" 2>/dev/null || true
check "tcpdump on gA/wan0 decodes VXLAN vni $VNI" grep -q "VXLAN.*vni $VNI" "$td_out"
diag "$(grep -v "^# " "$td_out")"

ktap_finish
