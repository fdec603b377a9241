#!/bin/bash
# Tearing extnet down while traffic flows: ip link del, netns deletion and
# rmmod must work at any moment and leave nothing behind (the harness fails
# the run on any kernel warning, and kmemleak where the kernel has it).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 8

# traffic SECONDS: UDP both ways and a fast ping, in the background.
traffic() {
	nsexec hB1 iperf3 -s -D -B 203.0.113.21 >/dev/null 2>&1 || true
	sleep 0.5
	# The client waits for the server's report, over a path we break.
	timeout "$(($1 + 3))" nsexec hA1 iperf3 -c 203.0.113.21 -u -b 20M \
		-t "$1" >/dev/null 2>&1 &
	timeout "$(($1 + 3))" nsexec hB1 ping -q -i 0.01 -w "$1" \
		203.0.113.12 >/dev/null 2>&1 &
}

two_sites
check "traffic flows before" in_ns hA1 ping -c 2 -i 0.2 -W 3 203.0.113.21
traffic 6
sleep 1
check "ip link del ext0 under traffic" in_ns gA ip link del ext0
sleep 1
gw_extnet gA "$UL_A"
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
check "traffic flows again after re-creating ext0" \
	in_ns hA1 ping -c 2 -i 0.2 -W 3 203.0.113.21
check "ip link set down/up under traffic" bash -c \
	"ip -n gB link set ext0 down && sleep 0.5 &&
	 ip -n gB link set ext0 up"
check "map flush under traffic" in_ns gB extnet map flush dev ext0
sleep 1
check "ip netns del of a gateway under traffic" ip netns del gB
sleep 1
traffic 6
# gA keeps its device (with entries and a socket) while the module goes.
sleep 1
check "rmmod extnet under traffic" rmmod extnet
check "module loads again" modprobe extnet
wait || true

ktap_finish
