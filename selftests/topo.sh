# shellcheck shell=bash
# The two-site topology of the extnet selftests, sourced after lib.sh.
#
#   hA1 203.0.113.11 --lan1-+                                   +-lan1-- hB1 203.0.113.21
#   hA2 203.0.113.12 --lan2-+ gA [br0: lanN + ext0] wan0 === wan0 [br0: lan1 + ext0] gB
#                               192.0.2.1/24  underlay  192.0.2.2/24
#
# ext0 on each gateway: VNI 5001, UDP 4789, local = its underlay address.

VNI=5001
UL_A=192.0.2.1
UL_B=192.0.2.2

# extnet_load: make sure the module is loaded (a test may have removed it).
extnet_load() {
	grep -q '^extnet ' /proc/modules || modprobe extnet
}

# gw_base NS UNDERLAY: namespace with br0 and the underlay address on wan0.
gw_base() {
	ip_batch "$1" <<-EOF
		addr add $2/24 dev wan0
		link add br0 address 02:00:00:00:b0:0${1: -1} type bridge
		link set br0 up
	EOF
}

# host NS ADDR GW LANIF: a host namespace whose eth0 is a port of GW's br0.
host() {
	ip_batch "" <<-EOF
		netns add $1
		link add eth0 netns $1 type veth peer name $4 netns $3
	EOF
	_LIB_NS+=("$1")
	ip_batch "$3" <<<"link set $4 master br0 up"
	host_batch "$1" "$2"
}

# gw_extnet NS LOCAL: ext0 with the scenario's parameters, in br0, up.
gw_extnet() {
	in_ns "$1" ip link add ext0 type extnet
	in_ns "$1" extnet link set ext0 vni "$VNI" local "$2"
	in_ns "$1" ip link set ext0 master br0 up
}

# two_sites: the whole scenario, mapping entries included.
# sites: both sites' hosts, bridges and the underlay, no tunnel yet. Each
# bridge has an address of its own, as on a real gateway: otherwise it
# takes its lowest port's MAC, which could be ext0's. Six `ip -batch` runs
# (one for the namespaces and veths, one per namespace), not forty ip
# commands: ip costs 0.4 s to start on the debug kernel.
sites() {
	local gw ul
	ip_batch "" <<-EOF
		netns add gA
		netns add gB
		netns add hA1
		netns add hA2
		netns add hB1
		link add wan0 netns gA type veth peer name wan0 netns gB
		link add eth0 netns hA1 type veth peer name lan1 netns gA
		link add eth0 netns hA2 type veth peer name lan2 netns gA
		link add eth0 netns hB1 type veth peer name lan1 netns gB
	EOF
	_LIB_NS+=(gA gB hA1 hA2 hB1)
	for gw in A B; do
		ul=UL_$gw
		ip_batch "g$gw" <<-EOF
			link set lo up
			link set wan0 up
			addr add ${!ul}/24 dev wan0
			link add br0 address 02:00:00:00:b0:0$gw type bridge
			link set br0 up
			link set lan1 master br0 up
			$([[ $gw == B ]] || echo "link set lan2 master br0 up")
		EOF
	done
	host_batch hA1 203.0.113.11
	host_batch hA2 203.0.113.12
	host_batch hB1 203.0.113.21
}

# host_batch NS ADDR: lo and eth0 up, ADDR/24 on eth0.
host_batch() {
	ip_batch "$1" <<-EOF
		link set lo up
		link set eth0 up
		addr add $2/24 dev eth0
	EOF
}

two_sites() {
	extnet_load
	sites
	gw_extnet gA "$UL_A"
	gw_extnet gB "$UL_B"
	in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
	in_ns gB extnet map add 203.0.113.11 dev ext0 remote "$UL_A"
	in_ns gB extnet map add 203.0.113.12 dev ext0 remote "$UL_A"
}

# counter NS DEV NAME: print one counter of `extnet -s link show DEV` (one
# program: the words are searched by the shell).
counter() {
	local -a w
	local i
	read -r -d '' -a w <<<"$(extnet -n "$1" -s link show "$2")" || true
	for ((i = 0; i < ${#w[@]} - 1; i++)); do
		if [[ ${w[i]} == "$3" || ${w[i]} == "$3:" ]]; then
			echo "${w[i + 1]}"
			return 0
		fi
	done
}

# mac_of NS DEV: the MAC address of DEV.
mac_of() {
	ip netns exec "$1" cat "/sys/class/net/$2/address"
}

# capture_start NS IF FILE: tcpdump to FILE (pcap) in the background until
# capture_stop; waits until the capture is live.
capture_start() {
	printf '# [%s] tcpdump -i %s -w %s\n' "$1" "$2" "$3"
	# nsexec execs tcpdump: $! is tcpdump itself. Headers only
	# (-s 300: outer IPv6 + UDP + VXLAN + inner Ethernet, IPv6 and TCP
	# with options): a veth passes GSO packets of up to 64 KiB, and whole
	# ones from an iperf3 run would fill the guest's RAM-backed /tmp.
	nsexec "$1" tcpdump -Z root -n -U -s 300 -i "$2" -w "$3" udp >/dev/null 2>"$3.err" &
	_CAPTURE_PID=$!
	wait_for grep -q "listening on" "$3.err"
}

capture_stop() {
	sleep 1
	kill -INT "$_CAPTURE_PID" 2>/dev/null
	wait "$_CAPTURE_PID" 2>/dev/null || true
}

# pcap_read FILE [FILTER]: decode FILE (tcpdump would drop root and then
# fail to find its own user in the guest).
pcap_read() {
	tcpdump -Z root -n -r "$@" 2>/dev/null
}

# pcap_n FILE FILTER: the number of packets of FILE that match FILTER;
# fails, with tcpdump's message, when tcpdump does (a bad filter or file
# must not pass for "0 packets").
pcap_n() {
	local out
	if ! out=$(tcpdump -Z root -n --count -r "$1" "$2" 2>"$_LIB_TMP/pcap_n.err"); then
		echo "tcpdump -r $1 '$2' failed: $(cat "$_LIB_TMP/pcap_n.err")"
		return 1
	fi
	[[ $out =~ ^([0-9]+)\ packets?$ ]] || { echo "tcpdump -r $1 '$2' said: $out"; return 1; }
	echo "${BASH_REMATCH[1]}"
}
# pcap_none FILE BASE FORBIDDEN CONTROL...: no packet of FILE matches BASE
# and FORBIDDEN, while BASE alone and BASE and each CONTROL match some: the
# capture saw the traffic and the offsets read the bytes they mean to.
pcap_none() {
	local pcap=$1 base=$2 bad=$3 c f n
	shift 3
	for c in "" "$@"; do
		f=$base${c:+ and ($c)}
		n=$(pcap_n "$pcap" "$f") || { echo "$n"; return 1; }
		echo "$n packets: $f"
		[[ $n -gt 0 ]] || return 1
	done
	n=$(pcap_n "$pcap" "$base and ($bad)") || { echo "$n"; return 1; }
	echo "$n packets: $base and ($bad)"
	[[ $n -eq 0 ]]
}

# capture_count FILE FILTER: packets of FILE matching the tcpdump FILTER
# (pcap_n: a tcpdump error is no count).
capture_count() {
	pcap_n "$@"
}

# unanswered NS ADDR: NS has a neighbour entry for ADDR (its ARP request or
# NS went out) without a link-layer address (nobody answered); `ip neigh`
# must work.
unanswered() {
	local out
	out=$(ip -n "$1" neigh show "$2" dev eth0) || return 1
	echo "$out"
	[[ $out == "$2 "* && $out != *lladdr* ]]
}

# ping_lost NS ADDR: 2 echoes from NS to ADDR (IPv4 or IPv6) go out and none
# comes back (ping's status 1 means exactly that; 2 is any other error).
ping_lost() {
	local out rc=0 six=()

	[[ $2 != *:* ]] || six=(-6)
	out=$(nsexec "$1" ping "${six[@]}" -c 2 -i 0.2 -W 1 "$2" 2>&1) || rc=$?
	echo "exit status $rc: $out"
	[[ $rc -eq 1 ]] && grep -q '2 packets transmitted, 0 received' <<<"$out"
}

# iperf_pair SERVER_NS SERVER_ADDR CLIENT_NS [ARGS]: a 1 s iperf3 TCP run
# (whether TCP gets through, not how fast: benchmarks are make bench's).
iperf_pair() {
	local log=$_LIB_TMP/iperf-$1.log
	nsexec "$1" iperf3 -s -1 -B "$2" >"$log" 2>&1 &
	wait_for -t 10 bash -c "ss -N $1 -Hltn 'sport = :5201' | grep -q LISTEN"
	in_ns "$3" iperf3 -c "$2" -t 1 -f m "${@:4}"
}

# pkts NS DEV: "RX TX", DEV's packet counts in NS, from NS's /proc/net/dev
# (nsexec and cat: ip costs 0.4 s on the debug kernel); nothing if DEV is
# not there.
pkts() {
	local line f
	while IFS= read -r line; do
		if [[ $line =~ ^\ *$2:(.*)$ ]]; then
			read -r -a f <<<"${BASH_REMATCH[1]}"
			echo "${f[1]} ${f[9]}"
		fi
	done <<<"$(nsexec "$1" cat /proc/net/dev 2>/dev/null)"
}

# flowing NS DEV: DEV's rx and tx packet counts both grow within 0.5 s
# (measured again and again for up to 10 s: traffic may be starting or
# resuming).
flowing() {
	local ns=$1 dev=$2 i a=() b=()
	for ((i = 0; i < 20; i++)); do
		read -r -a a <<<"$(pkts "$ns" "$dev")"
		sleep 0.5
		read -r -a b <<<"$(pkts "$ns" "$dev")"
		if ((${#a[@]} == 2 && ${#b[@]} == 2 && b[0] > a[0] && b[1] > a[1])); then
			echo "traffic: $ns/$dev in 0.5 s: rx +$((b[0] - a[0])) tx +$((b[1] - a[1])) packets (try $((i + 1)))"
			return 0
		fi
	done
	echo "no traffic: $ns/$dev did not pass packets both ways in 0.5 s (rx tx: ${a[*]:-none} -> ${b[*]:-none})"
	return 1
}

# traffic_start RATE INTERVAL: in the background until traffic_stop (120 s
# at most), UDP hA1 -> hB1 by iperf3 at RATE, and echoes every INTERVAL
# seconds hA1 -> hB1 and hB1 -> hA2: both ways through both ext0 of
# two_sites. Datagrams of 1400 bytes: iperf3 sizes them by the TCP MSS
# (1448), too big for the tunnel's 50 bytes, and the client would quit at
# the first EMSGSIZE after gA's ICMP "fragmentation needed".
TRAFFIC_PIDS=()
TRAFFIC_UDP=
traffic_start() {
	nsexec hA1 ping -q -i "$2" -w 120 203.0.113.21 >/dev/null 2>&1 &
	TRAFFIC_PIDS+=($!)
	nsexec hB1 ping -q -i "$2" -w 120 203.0.113.12 >/dev/null 2>&1 &
	TRAFFIC_PIDS+=($!)
	nsexec hB1 iperf3 -s -1 -B 203.0.113.21 >/dev/null 2>&1 &
	TRAFFIC_PIDS+=($!)
	# Not fatal here: under_traffic finds a UDP client that could not
	# connect (it is gone).
	wait_for -t 10 bash -c "ss -N hB1 -Hltn 'sport = :5201' | grep -q LISTEN" || true
	nsexec hA1 iperf3 -c 203.0.113.21 -u -b "$1" -l 1400 -t 120 \
		>"$_LIB_TMP/traffic-udp.log" 2>&1 &
	TRAFFIC_UDP=$!
	TRAFFIC_PIDS+=($!)
}

traffic_stop() {
	local pid
	for pid in "${TRAFFIC_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${TRAFFIC_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	TRAFFIC_PIDS=()
	# iperf3 -s -1 is exec'd by nsexec; a server that never saw its
	# client is still there.
	ip netns pids hB1 2>/dev/null | xargs -r kill 2>/dev/null || true
}

# under_traffic NS [PID...] -- CMD...: NS's ext0 passes packets both ways,
# the UDP client of traffic_start and every PID (a writer, a reader) still
# run; then CMD, which runs whatever that found and must succeed too.
under_traffic() {
	local ns=$1 rc=0
	shift
	flowing "$ns" ext0 || rc=1
	if ! kill -0 "$TRAFFIC_UDP" 2>/dev/null; then
		echo "the iperf3 UDP client of traffic_start is not running:"
		tail -n 5 "$_LIB_TMP/traffic-udp.log"
		rc=1
	fi
	while [[ $1 != -- ]]; do
		if ! kill -0 "$1" 2>/dev/null; then
			echo "background job $1 is no longer running"
			rc=1
		fi
		shift
	done
	shift
	"$@" || rc=1
	return "$rc"
}

# traffic_diag: the measurement of the last under_traffic check.
traffic_diag() {
	diag "$(grep -E '^(no )?traffic:' "$_LIB_TMP/check.out" || true)"
}
