#!/bin/bash
# Lifecycle under load, beyond teardown.sh: mapping entries churned by
# concurrent `extnet -batch` writers and dump readers while TCP and echo
# traffic flows (replacing a live entry must not lose a packet); device
# deletion on the receiving side, with packets held for an unresolved host
# and with a writer running; deletion of a namespace holding two devices on
# one socket; rmmod with all of that at once; and 20 cycles of load,
# configure, traffic, unload, each ending with no device, socket or entry
# cache left. The harness fails the run on any kernel splat (and on
# kmemleak reports where the kernel has it). Each action "under traffic"
# first proves it: the ext0 it acts on (or the one the module takes with
# it) passes packets both ways, and the background jobs it names still run.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

CYCLES=20
ktap_plan $((24 + CYCLES))

# batch_file FILE DEV FIRST N ROUNDS: ROUNDS rounds of add, replace and del
# of 198.51.100.FIRST.. (N addresses) on DEV, one command a line.
batch_file() {
	local file=$1 dev=$2 first=$3 n=$4 rounds=$5 r i
	for ((r = 0; r < rounds; r++)); do
		for ((i = first; i < first + n; i++)); do
			echo "map add 198.51.100.$i dev $dev remote 192.0.2.9"
		done
		for ((i = first; i < first + n; i++)); do
			printf 'map replace 198.51.100.%d dev %s remote 192.0.2.10 lladdr 02:00:00:00:01:%02x\n' \
				"$i" "$dev" "$i"
		done
		for ((i = first; i < first + n; i++)); do
			echo "map del 198.51.100.$i dev $dev"
		done
	done >"$file"
}

# writer NS FILE SECONDS OUT: run `extnet -batch FILE` in NS again and again
# for SECONDS (or until the file STOP appears); writes "runs failures" to
# OUT.
writer() {
	local ns=$1 file=$2 end=$((EPOCHSECONDS + $3)) out=$4 runs=0 fails=0
	while ((EPOCHSECONDS < end)) && [[ ! -e $_LIB_TMP/STOP ]]; do
		if extnet -n "$ns" -batch "$file" >/dev/null 2>"$out.err"; then
			runs=$((runs + 1))
		else
			fails=$((fails + 1))
		fi
	done
	echo "$runs $fails" >"$out"
}

# reader NS DEV SECONDS OUT: dump DEV's entries again and again.
reader() {
	local ns=$1 dev=$2 end=$((EPOCHSECONDS + $3)) out=$4 runs=0 fails=0
	while ((EPOCHSECONDS < end)) && [[ ! -e $_LIB_TMP/STOP ]]; do
		if extnet -n "$ns" -s map show dev "$dev" >/dev/null 2>&1; then
			runs=$((runs + 1))
		else
			fails=$((fails + 1))
		fi
	done
	echo "$runs $fails" >"$out"
}

# stop_jobs PID...: writer and reader loops run on for 0.5 s (against
# what has gone), then stop (the file STOP); waits for them.
stop_jobs() {
	sleep 0.5
	touch "$_LIB_TMP/STOP"
	wait "$@" || true
	rm -f "$_LIB_TMP/STOP"
}

# hold_packets: gB maps 203.0.113.13, which no host at site A has: hB1's
# echoes to it reach gA, which holds them and probes site A for it. It
# runs in check()'s subshell: the pinger's pid is in the file HOLD_PID.
HOLD_PID=$_LIB_TMP/hold.pid
hold_packets() {
	extnet -n gB map replace 203.0.113.13 dev ext0 remote "$UL_A"
	nsexec hB1 ping -q -i 0.1 -w 60 203.0.113.13 >/dev/null 2>&1 &
	echo $! >"$HOLD_PID"
	wait_for -t 5 bash -c "extnet -n gA neigh show dev ext0 | grep -q '^203.0.113.13 .*incomplete'"
}

# hold_pid: the pid of the pinger of hold_packets.
hold_pid() {
	cat "$HOLD_PID" 2>/dev/null || echo none
}

hold_stop() {
	kill "$(hold_pid)" 2>/dev/null || true
	rm -f "$HOLD_PID"
}

# site_a_ext0: (re)create gA's ext0 with its entry.
site_a_ext0() {
	gw_extnet gA "$UL_A"
	in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
}

# site_b_ext0: (re)create gB's ext0 with its entries.
site_b_ext0() {
	gw_extnet gB "$UL_B"
	in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
	in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"
}

# echo_ok: hA1 <-> hB1 answer (after a re-creation: resolution first).
echo_ok() {
	wait_for -t 10 nsexec hA1 ping -c 1 -W 1 203.0.113.21 &&
		nsexec hA1 ping -c 3 -i 0.2 -W 2 203.0.113.21 &&
		nsexec hB1 ping -c 3 -i 0.2 -W 2 203.0.113.11
}

# all_netns: set NETNS to the initial namespace ("") and every named one.
all_netns() {
	# (No process substitution: the guest has no /dev/fd.)
	read -r -d '' -a NETNS <<<"$(ip netns list | awk '{ print $1 }')" || true
	NETNS=("" "${NETNS[@]}")
}

# extnet_devices: "NS/DEV ..." for every extnet device in every namespace
# ("-" for the initial one), sorted. (With the module gone, no device has
# the kind any more: after rmmod, devices_gone looks for them by name.)
extnet_devices() {
	local ns d NETNS out=''
	all_netns
	for ns in "${NETNS[@]}"; do
		for d in $(ip ${ns:+-n "$ns"} -br link show type extnet | awk '{ sub(/@.*/, "", $1); print $1 }'); do
			out+="${ns:--}/$d"$'\n'
		done
	done
	sort <<<"$out" | xargs
}

# devices_gone EXPECTED: DEVICES_BEFORE (extnet_devices before rmmod) is
# EXPECTED, and none of them exists any more, of any kind, in its
# namespace's /proc/net/dev.
devices_gone() {
	local nd left=''
	echo "extnet devices before rmmod: ${DEVICES_BEFORE:-none}"
	if [[ $DEVICES_BEFORE != "$1" ]]; then
		echo "expected: $1"
		return 1
	fi
	# (EXPECTED names no device of the initial namespace.)
	for nd in $DEVICES_BEFORE; do
		[[ -z $(pkts "${nd%%/*}" "${nd#*/}") ]] || left+=" $nd"
	done
	if [[ -n $left ]]; then
		echo "still there after rmmod:$left"
		return 1
	fi
}

# no_entry_cache: after rmmod, the module's entry cache is gone
# (kmem_cache_destroy() warns, a splat, if entries were still allocated;
# without SLUB merging, i.e. on the debug kernel, the cache must be gone
# from /proc/slabinfo).
no_entry_cache() {
	if grep '^extnet_entry ' /proc/slabinfo; then
		echo "the extnet_entry cache outlived the module"
		return 1
	fi
}

# no_extnet_objects: after rmmod, none of the module's objects is left:
# its entry cache, its UDP tunnel sockets in any namespace.
no_extnet_objects() {
	local ns out='' NETNS
	no_entry_cache
	all_netns
	for ns in "${NETNS[@]}"; do
		out+=$(ss ${ns:+-N "$ns"} -Huan 'sport = :4789')
	done
	if [[ -n $out ]]; then
		echo "UDP sockets left on port 4789: $out"
		return 1
	fi
}

two_sites
check "traffic flows before" echo_ok

diag "---- entries churned under traffic"
batch_file "$_LIB_TMP/w1" ext0 0 100 4
batch_file "$_LIB_TMP/w2" ext0 100 100 4
# The live entry, replaced over and over (same VTEP, new entry each time).
for ((i = 0; i < 400; i++)); do
	echo "map replace 203.0.113.21 dev ext0 remote $UL_B"
done >"$_LIB_TMP/w3"
diag "two writers of $(wc -l <"$_LIB_TMP/w1") lines a run each, a reader, TCP hA1 -> hB1"
rm -f "$_LIB_TMP/STOP"
writer gA "$_LIB_TMP/w1" 6 "$_LIB_TMP/w1.out" &
w1=$!
writer gA "$_LIB_TMP/w2" 6 "$_LIB_TMP/w2.out" &
w2=$!
reader gA ext0 6 "$_LIB_TMP/r1.out" &
r1=$!
check "iperf3 TCP hA1 -> hB1 while entries churn" iperf_pair hB1 203.0.113.21 hA1
wait "$w1" "$w2" "$r1"
check "every batch run of both writers succeeded" bash -c \
	"cat $_LIB_TMP/w1.out $_LIB_TMP/w2.out $_LIB_TMP/w1.out.err $_LIB_TMP/w2.out.err;
	 read -r a b <$_LIB_TMP/w1.out && read -r c d <$_LIB_TMP/w2.out &&
	 [[ \$a -gt 0 && \$c -gt 0 && \$b -eq 0 && \$d -eq 0 ]]"
diag "writer runs/failures: $(cat "$_LIB_TMP/w1.out") and $(cat "$_LIB_TMP/w2.out")"
check "every concurrent dump succeeded" bash -c \
	"read -r a b <$_LIB_TMP/r1.out && echo \$a \$b && [[ \$a -gt 0 && \$b -eq 0 ]]"
diag "dumps/failures: $(cat "$_LIB_TMP/r1.out")"
check "after the churn only the live entry is left" bash -c \
	"extnet -n gA link show ext0 | grep -q ' entries 1 '"

# replace_no_loss: 100 echoes while the live entry is replaced 400 times
# a run: readers see the old or the new entry, never neither.
replace_no_loss() {
	local out
	writer gA "$_LIB_TMP/w3" 30 "$_LIB_TMP/w3.out" &
	out=$(nsexec hA1 ping -q -c 100 -i 0.05 -W 2 203.0.113.21) || true
	touch "$_LIB_TMP/STOP"
	wait
	rm -f "$_LIB_TMP/STOP"
	echo "$out"
	echo "replace runs/failures: $(cat "$_LIB_TMP/w3.out")"
	grep -q ' 100 received' <<<"$out" && read -r a b <"$_LIB_TMP/w3.out" &&
		[[ $a -gt 0 && $b -eq 0 ]]
}
check "live entry replaced in a loop: not one echo of 100 lost" replace_no_loss
diag "$(grep -E 'received|replace runs' "$_LIB_TMP/check.out")"

# echoes_stop: 3 echoes, none answered: ping itself says so (status 1,
# "0 received"; 2 would be an error of its own).
echoes_stop() {
	local out rc=0
	out=$(nsexec hA1 ping -c 3 -i 0.2 -W 1 203.0.113.21 2>&1) || rc=$?
	echo "$out"
	echo "ping: exit status $rc"
	[[ $rc -eq 1 ]] && grep -q ' 0 received' <<<"$out"
}
in_ns gA extnet map del 203.0.113.21 dev ext0
check "live entry deleted: echoes stop" echoes_stop
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
check "live entry added again: echoes resume" \
	wait_for -t 5 nsexec hA1 ping -c 1 -W 1 203.0.113.21

diag "---- device deletion"
traffic_start 50M 0.005
check "ip link del of gB's ext0 while VXLAN flows into it" \
	under_traffic gB -- in_ns gB ip link del ext0
traffic_diag
traffic_stop
site_b_ext0
check "gB's ext0 re-created: traffic recovers" echo_ok

check "gA holds packets for an unresolved host (203.0.113.13)" hold_packets
traffic_start 50M 0.005
check "ip link del of gA's ext0 with packets held and traffic" \
	under_traffic gA "$(hold_pid)" -- in_ns gA ip link del ext0
traffic_diag
traffic_stop
hold_stop
site_a_ext0
check "gA's ext0 re-created: traffic recovers" echo_ok

# A writer loop and a reader loop on gA's ext0, then the device goes.
batch_file "$_LIB_TMP/w4" ext0 0 200 3
rm -f "$_LIB_TMP/w4.out"
writer gA "$_LIB_TMP/w4" 30 "$_LIB_TMP/w4.out" &
w4=$!
reader gA ext0 30 "$_LIB_TMP/r4.out" &
r4=$!
traffic_start 50M 0.005
check "ip link del of gA's ext0 while a writer and a reader work on it" \
	under_traffic gA "$w4" "$r4" -- in_ns gA ip link del ext0
traffic_diag
stop_jobs "$w4" "$r4"
traffic_stop
diag "writer runs/failures: $(cat "$_LIB_TMP/w4.out") (failures expected once the device is gone)"
site_a_ext0
check "gA's ext0 re-created again: traffic recovers" echo_ok

diag "---- namespace deletion"
# A second device on gA's socket (VNI 5002), packets held, a writer and
# traffic both ways, then gA goes.
in_ns gA ip link add ext1 type extnet
in_ns gA extnet link set ext1 vni 5002 local "$UL_A"
in_ns gA ip link set ext1 up
in_ns gA extnet map add 203.0.113.40 dev ext1 remote "$UL_B"
check "gA holds packets again" hold_packets
writer gA "$_LIB_TMP/w4" 30 "$_LIB_TMP/w5.out" &
w5=$!
traffic_start 50M 0.005
before=$(counter gB ext0 tx_drop_no_route)
check "ip netns del gA (two devices on one socket, held packets, a writer, traffic)" \
	under_traffic gA "$(hold_pid)" "$w5" -- ip netns del gA
traffic_diag
stop_jobs "$w5"
traffic_stop
hold_stop
# The namespace goes in the background; with it, gB's underlay link.
wait_for -t 10 bash -c "! ip -n gB link show wan0"
in_ns hB1 ping -c 3 -i 0.2 -W 1 203.0.113.11 || true
check "gB counts traffic to the vanished site as tx_drop_no_route" \
	test "$(counter gB ext0 tx_drop_no_route)" -gt "$before"

# A fresh topology for what follows.
for ns in hA1 hA2 hB1 gB; do
	ip netns del "$ns"
done
sleep 1
two_sites
check "two sites rebuilt: traffic flows" echo_ok

diag "---- rmmod with everything going on"
# A third namespace with two devices sharing a socket, packets held at gA,
# a writer on gA, traffic both ways.
ns_add gC
in_ns gC ip link add ext0 type extnet
in_ns gC ip link add ext1 type extnet
in_ns gC extnet link set ext0 vni 7 local 198.51.100.1
in_ns gC extnet link set ext1 vni 8 local 198.51.100.1
in_ns gC ip link set ext0 up
in_ns gC ip link set ext1 up
check "gA holds packets before rmmod" hold_packets
DEVICES_BEFORE=$(extnet_devices)
# The writer's next request for the family would load the module again
# (MODULE_ALIAS_GENL_FAMILY): no module loading until it has stopped.
modprobe_path=$(cat /proc/sys/kernel/modprobe)
writer gA "$_LIB_TMP/w4" 30 "$_LIB_TMP/w6.out" &
w6=$!
traffic_start 50M 0.005
echo /bin/true >/proc/sys/kernel/modprobe
check "rmmod extnet with devices in 3 namespaces, held packets, a writer, traffic" \
	under_traffic gA "$(hold_pid)" "$w6" -- rmmod extnet
traffic_diag
stop_jobs "$w6"
traffic_stop
hold_stop
# (rmmod's success is the module's absence: delete_module() returns 0 only
# once the module has left the module list, so /proc/modules is not read.)
check "the 4 extnet devices of gA, gB, gC (listed before rmmod) are gone" \
	devices_gone "gA/ext0 gB/ext0 gC/ext0 gC/ext1"
check "no entry cache, no UDP socket left in any namespace after rmmod" no_extnet_objects
echo "$modprobe_path" >/proc/sys/kernel/modprobe

diag "---- $CYCLES cycles of load, configure, traffic, unload"
# no_extnet_objects_quick NS: after rmmod, NS (where the cycle made them)
# has no ext0 and no UDP socket on port 4789 (0x12B5) any more, read from
# its /proc/net by one static program and cat instead of ip and ss, which
# cost 0.9 s a namespace on the debug kernel. The thorough checks of the
# devices listed by type and of every namespace's sockets ran once, after
# the rmmod above.
no_extnet_objects_quick() {
	local line
	while IFS= read -r line; do
		if [[ $line == *' ext0: '* || $line =~ ^\ *[0-9]+:\ [0-9A-F]+:12B5\  ]]; then
			echo "left in $1: $line"
			return 1
		fi
	done <<<"$(nsexec "$1" cat /proc/net/dev /proc/net/udp /proc/net/udp6)"
	no_entry_cache
}

# cycle_gw NS LOCAL REMOTE ADDR...: ext0 in NS's bridge and up first, then
# its VNI and VTEP (which binds the socket) and ADDR... mapped to REMOTE:
# two programs, the other order from gw_extnet's.
cycle_gw() {
	local ns=$1 local=$2 remote=$3 a
	shift 3
	printf 'link add ext0 type extnet\nlink set ext0 master br0 up\n' |
		ip -n "$ns" -batch -
	{
		echo "link set ext0 vni $VNI local $local"
		for a in "$@"; do
			echo "map add $a dev ext0 remote $remote"
		done
	} | extnet -n "$ns" -batch -
}

# cycle: the module in, both gateways configured, 3 echoes each way, out.
cycle() {
	local out
	modprobe extnet
	cycle_gw gA "$UL_A" "$UL_B" 203.0.113.21 "203.0.113.22 lladdr 02:00:00:00:00:22"
	cycle_gw gB "$UL_B" "$UL_A" 203.0.113.11 203.0.113.12
	out=$(nsexec hA1 ping -c 3 -i 0.2 -W 3 203.0.113.21)
	grep -q ' 3 received' <<<"$out"
	out=$(nsexec hB1 ping -c 3 -i 0.2 -W 3 203.0.113.12)
	grep -q ' 3 received' <<<"$out"
	rmmod extnet
	if grep -q '^extnet ' /proc/modules; then
		echo "extnet still loaded"
		return 1
	fi
	no_extnet_objects_quick gA
	no_extnet_objects_quick gB
}
for ((i = 1; i <= CYCLES; i++)); do
	t0=$EPOCHREALTIME
	check "cycle $i: modprobe, configure, 3 echoes each way, rmmod, nothing left in gA, gB" cycle
	diag "cycle $i: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	if grep -q '^extnet ' /proc/modules; then
		rmmod extnet
	fi
done

check "module loads again for the next tests" extnet_load

ktap_finish
