#!/bin/bash
# Tearing extnet down while traffic flows: ip link del, netns deletion and
# rmmod must work at any moment and leave nothing behind (the harness fails
# the run on any kernel warning, and kmemleak where the kernel has it).
# Each teardown action first proves its traffic: the ext0 it acts on (or
# the one the module takes with it) passes packets both ways, and the
# UDP sender is still running.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 8

# site_b_again: site B rebuilt after `ip netns del gB`, which took the veth
# pairs with an end in gB (gA's wan0, hB1's eth0) with it. hB1 gets its old
# MAC back: hA2 and gA still know it.
site_b_again() {
	run ip netns del hB1
	ip_batch "" <<-EOF
		netns add gB
		netns add hB1
		link add wan0 netns gA type veth peer name wan0 netns gB
		link add eth0 netns hB1 address $HB1_MAC type veth peer name lan1 netns gB
	EOF
	ip_batch gA <<-EOF
		link set wan0 up
		addr add $UL_A/24 dev wan0
	EOF
	ip_batch gB <<-EOF
		link set lo up
		link set wan0 up
		addr add $UL_B/24 dev wan0
		link add br0 address 02:00:00:00:b0:0B type bridge
		link set br0 up
		link set lan1 master br0 up
	EOF
	host_batch hB1 203.0.113.21
	gw_extnet gB "$UL_B"
	in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
	in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"
}

two_sites
HB1_MAC=$(mac_of hB1 eth0)
check "traffic flows before" in_ns hA1 ping -c 2 -i 0.2 -W 3 203.0.113.21
# 5 Mbit/s: more keeps the debug kernel's one CPU busy and slows every step.
traffic_start 5M 0.01
check "ip link del ext0 under traffic" under_traffic gA -- in_ns gA ip link del ext0
traffic_diag
gw_extnet gA "$UL_A"
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
check "traffic flows again after re-creating ext0" \
	in_ns hA1 ping -c 2 -i 0.2 -W 3 203.0.113.21
down_up() {
	in_ns gB ip link set ext0 down && sleep 0.5 && in_ns gB ip link set ext0 up
}
check "ip link set down/up under traffic" under_traffic gB -- down_up
traffic_diag
check "map flush under traffic" under_traffic gB -- in_ns gB extnet map flush dev ext0
traffic_diag
# The entries back, so that traffic flows through gB again.
in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"
check "ip netns del of a gateway under traffic" under_traffic gB -- ip netns del gB
traffic_diag
traffic_stop
# The namespace goes in the background; with it, gA's underlay link.
wait_for -t 10 bash -c "! ip -n gA link show wan0" || true
site_b_again
traffic_start 5M 0.01
# gA and gB keep their devices (with entries, neighbours and a socket)
# while the module goes.
check "rmmod extnet under traffic" under_traffic gA -- rmmod extnet
traffic_diag
check "module loads again" modprobe extnet
traffic_stop

ktap_finish
