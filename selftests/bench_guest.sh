#!/bin/bash
# Benchmarks: extnet against the kernel's own vxlan and plain routing, in one
# boot, as ratios (absolute figures mean little under TCG). Run by
# selftests/bench/run_bench.sh (make bench) through qemu/run.sh; --smoke is
# the short run of make check (bench_smoke.sh). Method and latest results:
# Documentation/benchmarks.md.
#
# Three set-ups over identical veths (hosts MTU 1500, underlay 1600):
#
#   P  hA 198.51.100.11 -- gA ==routed== gB -- hB 203.0.113.21   (the limit)
#   V  hA 203.0.113.11 -- gA [br0: lan0 + vx0] == gB [br0: vx0 + lan0] -- hB .21
#        kernel vxlan: VNI 5001, dstport 4789, nolearning, proxy, noudpcsum,
#        static neigh + fdb (self and master) entries
#   X  the same with ext0 (extnet) instead of vx0
#
# Rounds P V X, X V P, ...: iperf3 TCP single stream, the same with GSO/TSO
# off on the hosts' veths, iperf3 UDP 64-byte pps, 64-byte UDP frames from
# udpblast counted at hB (the forwarding path without iperf3's receiver), ARP
# request -> reply latency (arplat). Then table size: udpblast writes 64-byte
# UDP frames on a sender's veth to random destinations among N entries (1,
# 1 000, 65 536, 1 000 000), the gateway tunnels them to a sink that drops
# them (wrong destination MAC) and its underlay veth counts them; each run
# with N entries follows one with 1 entry in a twin set-up. Last, insert rate
# (through extnet -batch, and over netlink alone with nlinsert, the median
# of three loads) and memory per entry, flush and rmmod with a million
# entries.
#
# Scale addresses: 198.18.0.0/15 (RFC 2544) then 100.64.0.0/10 (RFC 6598);
# a million /32s do not fit in the documentation ranges. The guest has no
# NIC: nothing leaves its namespaces.
#
# Parameters (defaults full / --smoke), overridable on the kernel command
# line (run_bench.sh sets them from its options): bench.rounds=6/1,
# bench.secs=5/1 (per iperf3 test), bench.bsecs=3/1 (per udpblast run),
# bench.arp=200/20 (requests per ARP test), bench.scale=1,1000,65536,1000000/
# 1,1000 (table sizes, X; the last is also the insert/flush/rmmod size),
# bench.vmax=65536/1000 (largest V table), bench.reps=6/1 (runs per table
# size), bench.settle=2/0.2 (seconds before reading /proc/meminfo),
# bench.part=all (or rounds: the forwarding rounds only); qemu.icount=N
# (set by run.sh under QEMU_ICOUNT: guest time counts instructions, 2^N ns
# each) changes the report's wording.
#
# Prints KTAP: a check per measurement that it produced a number, and the
# results as Markdown between "# BENCH-MD-BEGIN" and "# BENCH-MD-END".
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MODE=full
if [[ ${1-} == --smoke ]]; then
	MODE=smoke
fi
if [[ $MODE == smoke ]]; then
	ROUNDS=1 SECS=1 BSECS=1 ARPN=20 SCALE=1,1000 VMAX=1000 REPS=1 SETTLE=0.2
else
	ROUNDS=6 SECS=5 BSECS=3 ARPN=200 SCALE=1,1000,65536,1000000 VMAX=65536 REPS=6 SETTLE=2
fi
# Loads of the table by nlinsert: the insert rate over netlink alone.
NL_LOADS=3
# What to run: all, or only the forwarding rounds (run_bench.sh's boot under
# QEMU -icount, where guest time counts instructions); ICOUNT is the
# -icount shift run.sh booted the guest with, if any.
PART=all ICOUNT=
read -r -a cmdline </proc/cmdline
for arg in "${cmdline[@]}"; do
	case $arg in
	bench.rounds=*) ROUNDS=${arg#*=} ;;
	bench.secs=*) SECS=${arg#*=} ;;
	bench.bsecs=*) BSECS=${arg#*=} ;;
	bench.arp=*) ARPN=${arg#*=} ;;
	bench.scale=*) SCALE=${arg#*=} ;;
	bench.vmax=*) VMAX=${arg#*=} ;;
	bench.reps=*) REPS=${arg#*=} ;;
	bench.settle=*) SETTLE=${arg#*=} ;;
	bench.part=*) PART=${arg#*=} ;;
	qemu.icount=*) ICOUNT=${arg#*=} ;;
	esac
done
IFS=, read -r -a XS <<<"$SCALE"
VS=()
for n in "${XS[@]}"; do
	if [[ $n -le $VMAX ]]; then
		VS+=("$n")
	fi
done
BIG=${XS[-1]}

VNI=5001
UL_A=192.0.2.1
UL_B=192.0.2.2
SINK_MAC=02:00:00:00:00:99
SETUPS=(p v x)
METRICS=(tcp tcp_nogso pps fwd arp)
declare -A LABEL=(
	[tcp]="TCP, 1 stream, GSO on"
	[tcp_nogso]="TCP, 1 stream, GSO/TSO off"
	[pps]="UDP 64 B, iperf3, packets/s"
	[fwd]="UDP 64 B, udpblast, packets/s"
	[arp]="ARP request -> reply latency"
	[p]=P [v]=V [x]=X
)
declare -A UNIT=([tcp]=Mbit/s [tcp_nogso]=Mbit/s [pps]=pps [fwd]=pps [arp]=us)
declare -A R=()		# R[metric,setup,round]
declare -A S=()		# scale and table figures
MD=$_LIB_TMP/results.md

# ------------------------------------------------------------------ helpers

# now: seconds since boot with microseconds (EPOCHREALTIME is the guest clock).
now() { echo "$EPOCHREALTIME"; }
# since T0: seconds elapsed since T0 (a now value), 3 decimals.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
is_num() { [[ ${1-} =~ ^-?[0-9]+([.][0-9]+)?(e[-+]?[0-9]+)?$ ]]; }
# div A B [FMT]: A / B, empty if either is no number or B is 0.
div() {
	is_num "${1-}" && is_num "${2-}" || return 0
	awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { if (b != 0) printf f, a / b }'
}
# stats VALUE...: "median min max" of the numbers among VALUEs, empty if none.
stats() {
	local v
	for v in "$@"; do
		if is_num "$v"; then
			echo "$v"
		fi
	done | sort -g | awk '{ v[NR] = $1 }
		END { if (!NR) exit
		      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.6g %.6g %.6g\n", m, v[1], v[NR] }'
}
median() { local s; s=$(stats "$@"); echo "${s%% *}"; }
md() { printf '%s\n' "$*" >>"$MD"; }
# fmt N: a figure with 3 significant digits, "n/a" for no number.
fmt() {
	if is_num "${1-}"; then
		awk -v v="$1" 'BEGIN { a = v < 0 ? -v : v
			printf (a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f"), v }'
	else
		echo n/a
	fi
}
# meminfo: "Slab Percpu VmallocUsed" in kB.
meminfo() {
	awk '/^Slab:/ { s = $2 } /^Percpu:/ { p = $2 } /^VmallocUsed:/ { v = $2 }
	     END { print s, p, v }' /proc/meminfo
}
# settle: let RCU callbacks and the hash tables' deferred resizes finish.
settle() { sleep "$SETTLE"; }
# entries NS: the number of mapping entries of NS's ext0.
entries() {
	extnet -n "$1" link show ext0 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "entries") print $(i + 1) }'
}
stat_of() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
# lockups: kernel reports of soft lockups, RCU stalls and hung tasks so far.
lockups() {
	dmesg | grep -cE 'soft lockup|rcu_.*stall|detected stall|blocked for more than' || true
}

# -------------------------------------------------------------- the set-ups

# path S: the four namespaces and three veths every set-up has.
path() {
	local s=$1 ns
	for ns in hA gA gB hB; do
		ns_add "${s}_$ns"
	done
	veth_pair "${s}_hA" eth0 "${s}_gA" lan0
	veth_pair "${s}_gA" wan0 "${s}_gB" wan0
	veth_pair "${s}_gB" lan0 "${s}_hB" eth0
	run ip -n "${s}_gA" link set wan0 mtu 1600
	run ip -n "${s}_gB" link set wan0 mtu 1600
	run ip -n "${s}_gA" addr add "$UL_A/24" dev wan0
	run ip -n "${s}_gB" addr add "$UL_B/24" dev wan0
}

setup_p() {
	path p
	run ip -n p_hA addr add 198.51.100.11/24 dev eth0
	run ip -n p_hA route add default via 198.51.100.1
	run ip -n p_gA addr add 198.51.100.1/24 dev lan0
	run ip -n p_gA route add 203.0.113.0/24 via "$UL_B"
	run ip -n p_gB addr add 203.0.113.1/24 dev lan0
	run ip -n p_gB route add 198.51.100.0/24 via "$UL_A"
	run ip -n p_hB addr add 203.0.113.21/24 dev eth0
	run ip -n p_hB route add default via 203.0.113.1
	in_ns p_gA sysctl -qw net.ipv4.ip_forward=1
	in_ns p_gB sysctl -qw net.ipv4.ip_forward=1
}

# br_mac GATEWAY: the bridge's own MAC. Left to itself a bridge takes its
# ports' lowest MAC, which is ext0's one time in about 32 (ext0's random MAC
# starts with 0xf_, a veth's is anything): frames for ext0 would then stop at
# the bridge (extnet warns "br0 uses this device's MAC").
br_mac() {
	case $1 in
	gA) echo 02:be:00:00:00:0a ;;
	gB) echo 02:be:00:00:00:0b ;;
	*) echo 02:be:00:00:00:0c ;;
	esac
}

# bridged S: hosts on one /24, each gateway's lan0 in br0.
bridged() {
	local s=$1 g
	path "$s"
	run ip -n "${s}_hA" addr add 203.0.113.11/24 dev eth0
	run ip -n "${s}_hB" addr add 203.0.113.21/24 dev eth0
	for g in gA gB; do
		run ip -n "${s}_$g" link add br0 address "$(br_mac "$g")" type bridge
		run ip -n "${s}_$g" link set lan0 master br0
		run ip -n "${s}_$g" link set br0 up
	done
}

# vxlan_gw NS LOCAL: vx0 as the brief of the kernel-vxlan set-up says.
vxlan_gw() {
	run ip -n "$1" link add vx0 type vxlan id "$VNI" dstport 4789 local "$2" \
		nolearning proxy noudpcsum
	run ip -n "$1" link set vx0 master br0
	run ip -n "$1" link set vx0 up
}

# vxlan_entry NS ADDR MAC VTEP: what one extnet mapping entry is in kernel vxlan.
vxlan_entry() {
	run ip -n "$1" neigh add "$2" lladdr "$3" dev vx0 nud permanent
	run bridge -n "$1" fdb add "$3" dev vx0 dst "$4" self permanent
	run bridge -n "$1" fdb add "$3" dev vx0 master static
}

setup_v() {
	bridged v
	vxlan_gw v_gA "$UL_A"
	vxlan_gw v_gB "$UL_B"
	vxlan_entry v_gA 203.0.113.21 "$(mac_of v_hB eth0)" "$UL_B"
	vxlan_entry v_gB 203.0.113.11 "$(mac_of v_hA eth0)" "$UL_A"
}

extnet_gw() {
	in_ns "$1" ip link add ext0 type extnet
	in_ns "$1" extnet link set ext0 vni "$VNI" local "$2"
	in_ns "$1" ip link set ext0 master br0 up
}

setup_x() {
	bridged x
	extnet_gw x_gA "$UL_A"
	extnet_gw x_gB "$UL_B"
	in_ns x_gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
	in_ns x_gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
}

mac_of() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# iperf_server S: a persistent iperf3 server on hB.
iperf_server() {
	ip netns exec "$1_hB" iperf3 -s -B 203.0.113.21 >"$_LIB_TMP/iperf-$1.log" 2>&1 &
	wait_for -t 20 bash -c "ss -N $1_hB -Hltn 'sport = :5201' | grep -q LISTEN"
}

# Scale set-ups: sender h, gateway g (br0: lan0 + vx0/ext0), sink s. The
# gateway's neighbour entry for the VTEP is a MAC nobody has: the sink's
# veth receives every tunnelled frame and drops it at once (PACKET_OTHERHOST),
# and the gateway's wan0 counts what it forwarded. sxN and svN grow to each
# table size; sx1 and sv1 keep one entry and are measured right before them,
# so that each ratio N : 1 comes from adjacent runs.
scale_path() {
	local k=$1 ns
	for ns in h g s; do
		ns_add "${k}_$ns"
	done
	veth_pair "${k}_h" eth0 "${k}_g" lan0
	veth_pair "${k}_g" wan0 "${k}_s" wan0
	run ip -n "${k}_g" link set wan0 mtu 1600
	run ip -n "${k}_s" link set wan0 mtu 1600
	run ip -n "${k}_g" addr add "$UL_A/24" dev wan0
	run ip -n "${k}_g" neigh replace "$UL_B" lladdr "$SINK_MAC" dev wan0 nud permanent
	run ip -n "${k}_h" addr add 203.0.113.11/24 dev eth0
	run ip -n "${k}_g" link add br0 address "$(br_mac g)" type bridge
	run ip -n "${k}_g" link set lan0 master br0
	run ip -n "${k}_g" link set br0 up
}

setup_scale() {
	local k
	for k in sx1 sxN; do
		scale_path "$k"
		extnet_gw "${k}_g" "$UL_A"
	done
	for k in sv1 svN; do
		scale_path "$k"
		vxlan_gw "${k}_g" "$UL_A"
	done
}

# ------------------------------------------------------------ measurements

# All print one number, or nothing if the measurement failed. The rounds
# call them by name ("$m" "$s").

# tcp S [METRIC]: iperf3 TCP hA -> hB, receiver Mbit/s. The sender's
# retransmissions go to $_LIB_TMP/retr.METRIC.S, one line per test. In the
# guest they are fast retransmissions after reordering (veths queue to the
# backlog of the CPU that sends, and ACK-clocked sends run on either vCPU),
# seen in every set-up: a round with many of them is a slow round.
# shellcheck disable=SC2317
tcp() {
	ip netns exec "$1_hA" timeout $((SECS + 30)) iperf3 -c 203.0.113.21 -t "$SECS" -f m 2>&1 |
		awk -v retr="$_LIB_TMP/retr.${2:-tcp}.$1" '
		     / sender$/ { print $(NF - 1) >>retr }
		     /receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		     END { if (v != "") print v }' || true
}

# tcp_nogso S: the same with GSO and TSO off on both hosts' veths.
# shellcheck disable=SC2317
tcp_nogso() {
	local ok=1
	ip netns exec "$1_hA" ethfeat eth0 gso off tso off || ok=0
	ip netns exec "$1_hB" ethfeat eth0 gso off tso off || ok=0
	if [[ $ok -eq 1 ]]; then
		tcp "$1" tcp_nogso
	fi
	ip netns exec "$1_hA" ethfeat eth0 gso on tso on || true
	ip netns exec "$1_hB" ethfeat eth0 gso on tso on || true
}

# pps S: iperf3 UDP, 64-byte payload, unlimited rate; datagrams the receiver
# got per second.
# shellcheck disable=SC2317
pps() {
	ip netns exec "$1_hA" timeout $((SECS + 30)) \
		iperf3 -c 203.0.113.21 -u -l 64 -b 0 -t "$SECS" 2>&1 |
		awk '/receiver/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[0-9.]+-[0-9.]+$/) { split($i, t, "-"); d = t[2] - t[1] }
				if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, p, "/"); n = p[2] - p[1] }
			}
		     }
		     END { if (d > 0 && n != "") printf "%.0f\n", n / d }' || true
}

# arp S: median ARP request -> reply latency of hA asking for hB (P: for
# its gateway), microseconds.
# shellcheck disable=SC2317
arp() {
	local sip=203.0.113.11 tip=203.0.113.21
	if [[ $1 == p ]]; then
		sip=198.51.100.11 tip=198.51.100.1
	fi
	ip netns exec "$1_hA" arplat -i eth0 -s "$sip" -t "$tip" -c "$ARPN" 2>&1 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }' || true
}

# fwd S: udpblast from hA to hB (one destination) for BSECS, frames hB's veth
# received per second: the forwarding path of both gateways without
# iperf3's receiver.
# shellcheck disable=SC2317
fwd() {
	local s=$1 mac sip=203.0.113.11 before after out secs
	case $s in
	p) mac=$(mac_of p_gA lan0) sip=198.51.100.11 ;;
	v) mac=$(mac_of v_hB eth0) ;;
	x) mac=$(mac_of x_gA ext0) ;;
	esac
	before=$(stat_of "${s}_hB" eth0 rx_packets)
	out=$(ip netns exec "${s}_hA" timeout $((BSECS + 30)) \
		udpblast -i eth0 -s "$sip" -m "$mac" -d 203.0.113.21 -t "$BSECS" 2>&1) || true
	after=$(stat_of "${s}_hB" eth0 rx_packets)
	secs=$(awk '/^sent/ { print $5 }' <<<"$out")
	diag "$s: $out; hB received $((after - before))" >&2
	# Nothing through is a broken set-up, not a figure.
	if [[ $after -gt $before ]]; then
		div "$((after - before))" "$secs" %.0f
	fi
}

# blast K N: udpblast from K's sender to N entries for BSECS; frames the
# gateway forwarded to the underlay per second.
blast() {
	local k=$1 n=$2 mac=(-M) before after out secs
	if [[ $k == sx* ]]; then
		mac=(-m "$(mac_of "${k}_g" ext0)")
	fi
	before=$(stat_of "${k}_g" wan0 tx_packets)
	out=$(ip netns exec "${k}_h" timeout $((BSECS + 30)) \
		udpblast -i eth0 -s 203.0.113.11 "${mac[@]}" -n "$n" -t "$BSECS" 2>&1) || true
	after=$(stat_of "${k}_g" wan0 tx_packets)
	secs=$(awk '/^sent/ { print $5 }' <<<"$out")
	diag "$k $n entries: $out; forwarded $((after - before))" >&2
	if [[ $after -gt $before ]]; then
		div "$((after - before))" "$secs" %.0f
	fi
}

# grow K N: add entries to K's gateway up to N (entries HAVE[K]..N-1 of the
# benchmark sequence), timed. Sets S[ins,K,N] (seconds) and S[mem,K,N]
# ("kB of Slab + Percpu, kB of Slab + Percpu + Vmalloc" added); for kernel
# vxlan also S[ins_neigh|ins_fdb|ins_brfdb,K,N].
declare -A HAVE=()
grow() {
	local k=$1 n=$2 first=${HAVE[$1]:-0} t0 t1 m0 m1 fail=0 b=$_LIB_TMP/batch
	if [[ $k == sx* ]]; then
		addrgen "$first" $((n - first)) "map add %a dev ext0 remote $UL_B" >"$b.map"
	else
		addrgen "$first" $((n - first)) "neigh add %a lladdr %m dev vx0 nud permanent" \
			>"$b.neigh"
		addrgen "$first" $((n - first)) "fdb add %m dev vx0 dst $UL_B self permanent" \
			>"$b.fdb"
		addrgen "$first" $((n - first)) "fdb add %m dev vx0 master static" >"$b.brfdb"
	fi
	settle
	m0=$(meminfo)
	t0=$(now)
	if [[ $k == sx* ]]; then
		# -force: pipelined, many requests per sendmsg (extnet(8)).
		extnet -n "${k}_g" -force -batch "$b.map" || fail=1
	else
		ip -n "${k}_g" -batch "$b.neigh" || fail=1
		S[ins_neigh,$k,$n]=$(since "$t0")
		t1=$(now)
		bridge -n "${k}_g" -batch "$b.fdb" || fail=1
		S[ins_fdb,$k,$n]=$(since "$t1")
		t1=$(now)
		bridge -n "${k}_g" -batch "$b.brfdb" || fail=1
		S[ins_brfdb,$k,$n]=$(since "$t1")
	fi
	if [[ $fail -eq 0 ]]; then
		S[ins,$k,$n]=$(since "$t0")
	fi
	settle
	m1=$(meminfo)
	# Only a complete load has a memory figure.
	[[ $fail -ne 0 ]] ||
		S[mem,$k,$n]=$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x); split(b, y)
			printf "%d %d\n", (y[1] - x[1]) + (y[2] - x[2]),
				(y[1] - x[1]) + (y[2] - x[2]) + (y[3] - x[3]) }')
	HAVE[$k]=$n
	rm -f "$b".*
}

# --------------------------------------------------------------- the run

# bench_profile.sh sources the set-ups and measurements above, no more.
if [[ -n ${BENCH_DEFS_ONLY-} ]]; then
	return 0
fi

case $PART in
all) ktap_plan $((4 + ${#SETUPS[@]} * ${#METRICS[@]} + ${#XS[@]} + ${#VS[@]} + 12)) ;;
rounds) ktap_plan $((6 + ${#SETUPS[@]} * ${#METRICS[@]})) ;;
*)
	echo "bench_guest.sh: bench.part must be all or rounds, not '$PART'" >&2
	exit 2
	;;
esac
diag "mode $MODE: rounds $ROUNDS, ${SECS}s per test, $ARPN ARP requests," \
	"X table sizes ${XS[*]}, V up to $VMAX, $REPS pps runs per size"

t_start=$(now)
# An unseeded kernel RNG makes every get_random_u32() (a new slab's
# freelist shuffle, for one) thousands of instructions longer than on a
# real machine: run.sh gives the guest RDRAND and trusts it. Seeded, the
# input pool counts its full 256 bits.
check "the guest's random number generator is seeded" \
	test "$(cat /proc/sys/kernel/random/entropy_avail)" -ge 256
grep -q '^extnet ' /proc/modules || modprobe extnet
modprobe vxlan
lockups_before=$(lockups)

setup_p
setup_v
setup_x
for s in "${SETUPS[@]}"; do
	iperf_server "$s"
done
check "P: hA reaches hB (routed)" in_ns p_hA ping -c 2 -i 0.2 -W 3 203.0.113.21
check "V: hA reaches hB (kernel vxlan)" in_ns v_hA ping -c 2 -i 0.2 -W 3 203.0.113.21
check "X: hA reaches hB (extnet)" in_ns x_hA ping -c 2 -i 0.2 -W 3 203.0.113.21
diag "set-ups ready after $(since "$t_start") s"

# Odd rounds P V X, even rounds X V P: a drift of the host's speed during a
# round does not favour one set-up.
for ((r = 1; r <= ROUNDS; r++)); do
	order=("${SETUPS[@]}")
	if ((r % 2 == 0)); then
		order=("${SETUPS[2]}" "${SETUPS[1]}" "${SETUPS[0]}")
	fi
	for m in "${METRICS[@]}"; do
		for s in "${order[@]}"; do
			R[$m,$s,$r]=$($m "$s")
			retr=
			if [[ $m == tcp* && -f $_LIB_TMP/retr.$m.$s ]]; then
				retr=", retransmissions $(tail -n 1 "$_LIB_TMP/retr.$m.$s")"
			fi
			diag "round $r ${LABEL[$m]} ${LABEL[$s]}: ${R[$m,$s,$r]:-no number} ${UNIT[$m]}$retr"
		done
	done
done
diag "rounds done after $(since "$t_start") s"
diag "$(extnet -n x_gA link show -s ext0 2>&1)"
diag "$(extnet -n x_gB link show -s ext0 2>&1)"

for m in "${METRICS[@]}"; do
	for s in "${SETUPS[@]}"; do
		got=0
		for ((r = 1; r <= ROUNDS; r++)); do
			if is_num "${R[$m,$s,$r]-}"; then
				got=$((got + 1))
			fi
		done
		check "${LABEL[$s]} ${LABEL[$m]}: $got of $ROUNDS rounds gave a number" \
			test "$got" -eq "$ROUNDS"
	done
done

# nl_loads NS: NL_LOADS loads of the BIG entries into NS's ext0 over netlink
# alone (nlinsert: the same requests of 256 as the tool's, built before the
# clock starts), each into an empty table; S[ins_nl] gets their rates'
# "median min max". Several loads: under TCG one load can differ from
# another in the same boot by more than a third.
nl_loads() {
	local i out rate nl_rates=()

	for ((i = 0; i < NL_LOADS; i++)); do
		in_ns "$1" extnet map flush dev ext0
		settle
		if out=$(ip netns exec "$1" nlinsert ext0 "$UL_B" 0 "$BIG"); then
			diag "nlinsert: $out"
			# "N entries in S s, R entries/s, ...": R, unlike S, is not
			# rounded.
			rate=$(awk '{ print $6 }' <<<"$out")
			if is_num "$rate"; then
				nl_rates+=("$rate")
			fi
		fi
	done
	S[ins_nl]=$(stats "${nl_rates[@]}")
	check "insert of $BIG entries over netlink (prebuilt requests), $NL_LOADS times: rates" \
		test "${#nl_rates[@]}" -eq "$NL_LOADS"
}

if [[ $PART == rounds ]]; then
	# In instruction time too: the kernel's side of an insert is a
	# sequence of instructions like the forwarding paths, and its rate
	# repeats from load to load where the wall clock's does not.
	ns_add si_g
	in_ns si_g ip link add ext0 type extnet
	nl_loads si_g
	check "$BIG entries in the table" test "$(entries si_g)" -eq "$BIG"
	in_ns si_g extnet map flush dev ext0
fi

if [[ $PART == all ]]; then
	# Table size: at each size, REPS times X with 1 entry, X with N, V with 1,
	# V with N; every other time in the reverse order.
	setup_scale
	grow sx1 1
	grow sv1 1
	for n in "${XS[@]}"; do
		grow sxN "$n"
		if [[ $n -le $VMAX ]]; then
			grow svN "$n"
		fi
		runs=(sx1 sxN)
		if [[ $n -le $VMAX ]]; then
			runs+=(sv1 svN)
		fi
		for ((i = 1; i <= REPS; i++)); do
			for ((j = 0; j < ${#runs[@]}; j++)); do
				k=${runs[j]}
				if ((i % 2 == 0)); then
					k=${runs[${#runs[@]} - 1 - j]}
				fi
				if [[ $k == *1 ]]; then
					S[pps,$k,$n,$i]=$(blast "$k" 1)
				else
					S[pps,$k,$n,$i]=$(blast "$k" "$n")
				fi
			done
		done
	done
	diag "scale runs done after $(since "$t_start") s"

	# pps_of K N: the REPS figures of K at size N.
	pps_of() {
		local i
		for ((i = 1; i <= REPS; i++)); do
			echo "${S[pps,$1,$2,$i]-}"
		done
	}
	# pair_ratios A B N: the REPS ratios A/B of adjacent runs at size N.
	pair_ratios() {
		local i
		for ((i = 1; i <= REPS; i++)); do
			div "${S[pps,$1,$3,$i]-}" "${S[pps,$2,$3,$i]-}" "%.4f\n"
		done
	}
	for n in "${XS[@]}"; do
		mapfile -t vals <<<"$(pps_of sxN "$n")"
		check "X pps with $n entries: a number" is_num "$(median "${vals[@]}")"
	done
	for n in "${VS[@]}"; do
		mapfile -t vals <<<"$(pps_of svN "$n")"
		check "V pps with $n entries: a number" is_num "$(median "${vals[@]}")"
	done

	# Flush the largest table (timed); then the same number of entries into an
	# empty table (insert rate, memory per entry), and rmmod with them loaded.
	# The entries leave the table when the command returns; their memory comes
	# back after an RCU grace period, from a work item: timed too, until 80 %
	# of their slab (at least 88 bytes each) is free again; only for tables
	# big enough (4 MiB) to stand out of the slab's own ups and downs.
	slab0=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	freed_kb=$((BIG * 88 * 8 / 10 / 1024))
	t0=$(now)
	if in_ns sxN_g extnet map flush dev ext0; then
		S[flush]=$(since "$t0")
		want=$((slab0 - freed_kb))
		for ((i = 0; freed_kb >= 4096 && i < 1200; i++)); do
			if [[ $(awk '/^Slab:/ { print $2 }' /proc/meminfo) -le $want ]]; then
				S[flush_freed]=$(since "$t0")
				break
			fi
			sleep 0.05
		done
	fi
	check "flush of $BIG entries: a time" is_num "${S[flush]-}"
	check "flush left an empty table" test "$(entries sxN_g)" -eq 0
	if [[ $freed_kb -ge 4096 ]]; then
		check "flushed entries' memory freed within 60 s" is_num "${S[flush_freed]-}"
	else
		skip "flushed entries' memory freed within 60 s" "$BIG entries are too few to see in the slab"
	fi
	HAVE[sxN]=0
	grow sxN "$BIG"
	check "insert of $BIG entries (extnet -batch): a time" is_num "${S[ins,sxN,$BIG]-}"
	# Tens of MiB for 65 536 entries and more; a small table's hundred
	# KiB may drown in what else the guest allocates meanwhile.
	xmem=${S[mem,sxN,$BIG]-}
	if [[ $BIG -ge 65536 ]]; then
		check "memory of $BIG entries: more than 0" \
			test "$(div "${xmem#* }" 1 %.0f)" -gt 0
	else
		check "memory of $BIG entries: a number" is_num "$(div "${xmem#* }" 1)"
	fi
	check "$BIG entries in the table" test "$(entries sxN_g)" -eq "$BIG"
	check "V: insert of ${VS[-1]} entries (ip/bridge -batch): a time" \
		is_num "${S[ins,svN,${VS[-1]}]-}"
	# The kernel's side alone: the same entries again, in the same requests
	# of 256, built beforehand by nlinsert (no text parsing); its own time.
	nl_loads sxN_g
	check "$BIG entries in the table again" test "$(entries sxN_g)" -eq "$BIG"
	t0=$(now)
	if rmmod extnet; then
		S[rmmod]=$(since "$t0")
	fi
	check "rmmod with $BIG entries loaded: a time" is_num "${S[rmmod]-}"
	check "modprobe extnet again" modprobe extnet
	S[lockups]=$(($(lockups) - lockups_before))
	check "no soft lockup, RCU stall or hung task reported" test "${S[lockups]}" -eq 0
fi
diag "benchmark ran $(since "$t_start") s"

# ------------------------------------------------------------------ report

# ratio_stats M A B: "median min max" of the per-round ratios A/B of metric M.
ratio_stats() {
	local r v=()
	for ((r = 1; r <= ROUNDS; r++)); do
		v+=("$(div "${R[$1,$2,$r]-}" "${R[$1,$3,$r]-}" %.4f)")
	done
	stats "${v[@]}"
}
# range "MED MIN MAX": "MED (MIN–MAX)"
range() {
	local a
	read -r -a a <<<"${1-}"
	if [[ ${#a[@]} -eq 3 ]]; then
		echo "$(fmt "${a[0]}") ($(fmt "${a[1]}")–$(fmt "${a[2]}"))"
	else
		echo n/a
	fi
}
# verdict FIGURE OP LIMIT: "met" or "missed" (OP: ge or le).
verdict() {
	if ! is_num "${1-}"; then
		echo "no figure"
	elif awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN { exit !(op == "ge" ? a >= b : a <= b) }'; then
		echo met
	else
		echo "**missed**"
	fi
}

: >"$MD"
if [[ -n $ICOUNT ]]; then
	md "### Forwarding in instruction time: $ROUNDS interleaved rounds (P V X, X V P, ...)"
	md ""
	md "A second boot, under QEMU -icount shift=$ICOUNT with one vCPU: guest time counts"
	md "instructions ($((1 << ICOUNT)) ns each), so each figure is what the whole path (hosts, both"
	md "gateways, iperf3) executes per byte, packet or ARP exchange, and repeats from one"
	md "round to the next. It is blind to what an instruction costs on hardware: cache"
	md "misses, atomics and locks cost nothing extra, and nothing crosses between CPUs."
	md ""
else
	md "### Forwarding: $ROUNDS interleaved rounds (P V X, X V P, ...)"
	md ""
fi
md "iperf3 runs ${SECS} s, udpblast ${BSECS} s, arplat $ARPN requests. Ratios per round,"
md "then median (min–max) over the rounds. Throughput: higher is better for X;"
md "ARP latency: lower is better for X."
md ""
md "| measurement | X/V | X/P | target | verdict |"
md "|---|---|---|---|---|"
declare -A TARGET=(
	[tcp]="X/V ≥ 1.05, X/P ≥ 0.85"
	[tcp_nogso]="X/V ≥ 1.05"
	[pps]="X/V ≥ 1.05"
	[fwd]="(X/V ≥ 1.05)"
	[arp]="X/V ≤ 1.00"
)
for m in "${METRICS[@]}"; do
	xv=$(ratio_stats "$m" x v)
	xp=$(ratio_stats "$m" x p)
	case $m in
	tcp) verd="$(verdict "${xv%% *}" ge 1.05) / $(verdict "${xp%% *}" ge 0.85)" ;;
	arp) verd=$(verdict "${xv%% *}" le 1.00) ;;
	*) verd=$(verdict "${xv%% *}" ge 1.05) ;;
	esac
	md "| ${LABEL[$m]} | $(range "$xv") | $(range "$xp") | ${TARGET[$m]} | $verd |"
done
md ""
md "Absolute medians (TCG: for orientation only):"
md ""
md "| measurement | P | V | X |"
md "|---|---|---|---|"
for m in "${METRICS[@]}"; do
	row="| ${LABEL[$m]} (${UNIT[$m]})"
	for s in "${SETUPS[@]}"; do
		vals=()
		for ((r = 1; r <= ROUNDS; r++)); do
			vals+=("${R[$m,$s,$r]-}")
		done
		row+=" | $(fmt "$(median "${vals[@]}")")"
	done
	md "$row |"
done

md ""
if [[ $(nproc) -gt 1 ]]; then
	md "TCP retransmissions per iperf3 test (the sender's count), median (min–max): fast"
	md "retransmissions after reordering between the vCPUs, in every set-up; rounds with"
	md "many are slow rounds."
else
	md "TCP retransmissions per iperf3 test (the sender's count), median (min–max); with"
	md "one vCPU nothing is reordered between CPUs."
fi
md ""
md "| measurement | P | V | X |"
md "|---|---|---|---|"
for m in tcp tcp_nogso; do
	row="| ${LABEL[$m]}"
	for s in "${SETUPS[@]}"; do
		vals=()
		if [[ -f $_LIB_TMP/retr.$m.$s ]]; then
			mapfile -t vals <"$_LIB_TMP/retr.$m.$s"
		fi
		read -r med lo hi <<<"$(stats "${vals[@]}")"
		row+=" | ${med:-n/a}${med:+ ($lo–$hi)}"
	done
	md "$row |"
done

if [[ $PART == rounds ]]; then
	if [[ -n $ICOUNT ]]; then
		clock="instruction time: guest seconds of $((1 << ICOUNT)) ns per instruction"
	else
		clock="guest seconds"
	fi
	md ""
	md "#### Insert over netlink alone"
	md ""
	md "$BIG entries loaded by nlinsert into an empty table, $NL_LOADS times, in requests of"
	md "256 built before the clock starts; $clock. With one vCPU the"
	md "rate includes rhashtable's resizes, which run in a worker on the same CPU."
	md ""
	md "| measurement | figure | target | verdict |"
	md "|---|---|---|---|"
	md "| entries/s over netlink alone, median (min–max) of $NL_LOADS loads | $(range "${S[ins_nl]-}") | ≥ 500 000 | $(verdict "${S[ins_nl]%% *}" ge 500000) |"
fi

if [[ $PART == all ]]; then
	md ""
	md "### Table size: 64-byte UDP to random destinations among N entries"
	md ""
	md "udpblast writes frames on the sender's veth, the gateway tunnels them, its underlay"
	md "veth counts them (the receiver drops them unseen). At each size, $REPS times ${BSECS} s:"
	md "X with 1 entry, X with N, V with 1, V with N (every other time in reverse order);"
	md "ratios of adjacent runs, median (min–max)."
	md ""
	md "| entries | X: N / 1 entry | V: N / 1 entry | X/V with N entries | X pps | V pps |"
	md "|---|---|---|---|---|---|"
	for n in "${XS[@]}"; do
		mapfile -t vals <<<"$(pair_ratios sxN sx1 "$n")"
		xr=$(range "$(stats "${vals[@]}")")
		mapfile -t vals <<<"$(pps_of sxN "$n")"
		xa=$(fmt "$(median "${vals[@]}")")
		if [[ $n -le $VMAX ]]; then
			mapfile -t vals <<<"$(pair_ratios svN sv1 "$n")"
			vr=$(range "$(stats "${vals[@]}")")
			mapfile -t vals <<<"$(pair_ratios sxN svN "$n")"
			xv=$(range "$(stats "${vals[@]}")")
			mapfile -t vals <<<"$(pps_of svN "$n")"
			va=$(fmt "$(median "${vals[@]}")")
		else
			vr="not run" xv="–" va="–"
		fi
		md "| $n | $xr | $vr | $xv | $xa | $va |"
	done
	mapfile -t vals <<<"$(pair_ratios sxN sx1 "$BIG")"
	xbig=$(median "${vals[@]}")
	md ""
	md "Target: X at $BIG entries within 10 % of 1 entry: $(verdict "$xbig" ge 0.90)."

	# Control plane and memory.
	vn=${VS[-1]}
	vfirst=0
	for n in "${VS[@]}"; do
		if [[ $n -lt $vn ]]; then
			vfirst=$n
		fi
	done
	vcount=$((vn - vfirst))
	per_entry() { div "$(awk -v k="$1" 'BEGIN { print k * 1024 }')" "$2" %.1f; }
	xmem=${S[mem,sxN,$BIG]-}
	xmem_same=${S[mem,sxN,$vn]-}
	vmem=${S[mem,svN,$vn]-}
	xrate=$(div "$BIG" "${S[ins,sxN,$BIG]-}" %.0f)
	nlrate=${S[ins_nl]%% *}
	xrate_same=$(div "$vcount" "${S[ins,sxN,$vn]-}" %.0f)
	vrate=$(div "$vcount" "${S[ins,svN,$vn]-}" %.0f)
	md ""
	md "### Entries: insert, memory, flush, unload"
	md ""
	md "X: \`extnet -force -batch\` of $BIG \`map add\` lines into an empty table (and, while growing,"
	md "of entries $vfirst..$vn). V: entries $vfirst..$vn, each three objects, through \`ip -batch\`"
	md "(neigh: $(fmt "${S[ins_neigh,svN,$vn]-}") s) and \`bridge -batch\` (fdb self:"
	md "$(fmt "${S[ins_fdb,svN,$vn]-}") s, fdb master: $(fmt "${S[ins_brfdb,svN,$vn]-}") s). Over netlink"
	md "alone: the same entries flushed and loaded again by nlinsert, in the tool's requests of 256"
	md "entries built beforehand, one in flight; the difference is the tool's text parsing. Memory:"
	md "/proc/meminfo deltas around the insert, Slab + Percpu, and with VmallocUsed (hash bucket"
	md "arrays). Times are guest seconds under TCG."
	md ""
	md "| | X | V | target | verdict |"
	md "|---|---|---|---|---|"
	md "| entries/s, $BIG into an empty table | $(fmt "$xrate") | | ≥ 500 000 | $(verdict "$xrate" ge 500000) |"
	md "| entries/s, the same over netlink alone (nlinsert: prebuilt requests of 256), median (min–max) of $NL_LOADS loads | $(range "${S[ins_nl]-}") | | ≥ 500 000 | $(verdict "$nlrate" ge 500000) |"
	md "| entries/s, $vfirst→$vn | $(fmt "$xrate_same") | $(fmt "$vrate") | X/V $(fmt "$(div "$xrate_same" "$vrate")") | |"
	md "| bytes/entry, Slab + Percpu, $BIG | $(fmt "$(per_entry "${xmem%% *}" "$BIG")") | | | |"
	md "| bytes/entry, + Vmalloc, $BIG | $(fmt "$(per_entry "${xmem#* }" "$BIG")") | | ≤ 128 | $(verdict "$(per_entry "${xmem#* }" "$BIG")" le 128) |"
	md "| bytes/entry, Slab + Percpu, $vfirst→$vn | $(fmt "$(per_entry "${xmem_same%% *}" "$vcount")") | $(fmt "$(per_entry "${vmem%% *}" "$vcount")") | | |"
	md "| bytes/entry, + Vmalloc, $vfirst→$vn | $(fmt "$(per_entry "${xmem_same#* }" "$vcount")") | $(fmt "$(per_entry "${vmem#* }" "$vcount")") | | |"
	md "| flush $BIG entries, s | $(fmt "${S[flush]-}") | | < 2 | $(verdict "${S[flush]-}" le 2) |"
	md "| flush $BIG entries until their memory is freed, s | $(fmt "${S[flush_freed]-}") | | < 2 | $(verdict "${S[flush_freed]-}" le 2) |"
	md "| rmmod with $BIG entries, s | $(fmt "${S[rmmod]-}") | | | |"
	md "| soft lockups, RCU stalls, hung tasks | ${S[lockups]} | | 0 | $(verdict "${S[lockups]}" le 0) |"
fi

echo "# BENCH-MD-BEGIN"
diag "$(cat "$MD")"
echo "# BENCH-MD-END"
# For run_bench.sh's TCG calibration: the same batch is timed on the host.
if [[ $PART == all ]]; then
	echo "# BENCH-CALIB neigh $vfirst $vcount ${S[ins_neigh,svN,$vn]-}"
	echo "# BENCH-CALIB xrate $xrate"
	echo "# BENCH-CALIB flush $BIG ${S[flush]-}"
fi
ktap_finish
