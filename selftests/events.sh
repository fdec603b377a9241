#!/bin/bash
# Events: `extnet -j monitor` in each gateway catches mapping changes
# (add, remove, move both ways, one event for a flush), neighbours learned
# and expired, a failed probe and conflicts from both sides, which are
# also counted per entry and rate-limited (events_suppressed). Events
# stay in the device's namespace. See topo.sh for the picture.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 24

two_sites
# No IPv6 chatter: only the traffic of the test.
for ns in gA gB hA1 hA2 hB1; do
	nsexec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
# Neighbours age out after 10 s (the minimum) at gA.
in_ns gA extnet link set ext0 ageing 10

LOG_A=$_LIB_TMP/monitor-gA.json
LOG_B=$_LIB_TMP/monitor-gB.txt
extnet -n gA -j monitor >"$LOG_A" 2>&1 &
extnet -n gB monitor dev ext0 >"$LOG_B" 2>&1 &

# subscribed NS LOG: the monitor of NS has joined the group: an entry
# added meanwhile shows up in its LOG.
subscribed() {
	extnet -n "$1" map replace 203.0.113.250 dev ext0 remote 198.51.100.250
	grep -q 203.0.113.250 "$2"
}
check "monitor of gA is listening" wait_for -t 20 subscribed gA "$LOG_A"
check "monitor of gB (text, dev ext0) is listening" wait_for -t 20 subscribed gB "$LOG_B"
in_ns gA extnet map del 203.0.113.250 dev ext0
in_ns gB extnet map del 203.0.113.250 dev ext0

# has LOG PATTERN...: LOG has a line matching every PATTERN (grep -E).
has() {
	local log=$1 line
	shift
	while IFS= read -r line; do
		local p all=1
		for p in "$@"; do
			[[ $line =~ $p ]] || { all=0; break; }
		done
		[[ $all -eq 0 ]] || return 0
	done <"$log"
	return 1
}
# seen LOG PATTERN...: wait up to 30 s for such a line.
seen() {
	wait_for -t 30 has "$@"
}
Q='"'

# Mapping changes at gA.
in_ns gA extnet map add 203.0.113.50 dev ext0 remote "$UL_B" lladdr 02:00:00:00:00:50
in_ns gA extnet map del 203.0.113.50 dev ext0
in_ns gA extnet map move 203.0.113.51 dev ext0 remote "$UL_B" announce 0
in_ns gA extnet map move 203.0.113.51 dev ext0 local
check "map add: event with address, device, VTEP and lladdr" seen "$LOG_A" \
	"${Q}event${Q}:${Q}map_added${Q}" "${Q}addr${Q}:${Q}203.0.113.50${Q}" \
	"${Q}ifname${Q}:${Q}ext0${Q}" "${Q}remote${Q}:${Q}$UL_B${Q}" \
	"${Q}lladdr${Q}:${Q}02:00:00:00:00:50${Q}"
check "map del: event" seen "$LOG_A" "map_removed" "203.0.113.50"
check "map move remote: event with the new VTEP" seen "$LOG_A" \
	"map_moved" "203.0.113.51" "${Q}remote${Q}:${Q}$UL_B${Q}"
check "map move local: event without VTEP" seen "$LOG_A" \
	"map_moved" "203.0.113.51" "${Q}where${Q}:${Q}local${Q}"
# moved_back: `extnet map show`, which must work and list the entries of
# two_sites (203.0.113.21), has none for 203.0.113.51 any more.
moved_back() {
	local out
	out=$(extnet -n gA map show dev ext0) || return 1
	echo "$out"
	grep -q '^203\.0\.113\.21 ' <<<"$out" && ! grep -q '^203\.0\.113\.51 ' <<<"$out"
}
check "the move back removed the entry" moved_back

# Neighbours: gA probes for hA2 and learns it; hA2 then stays silent and
# ages out.
in_ns hB1 ping -c 1 -W 3 203.0.113.12
check "neighbour learned: event with its MAC" seen "$LOG_A" \
	"neigh_learned" "${Q}203.0.113.12${Q}" "$(mac_of hA2 eth0)"
# Nothing answers for 203.0.113.13 at site A: gA's probes fail.
in_ns gB extnet map add 203.0.113.13 dev ext0 remote "$UL_A"
in_ns hB1 ping -c 1 -W 2 203.0.113.13 || true
check "probe failed: event" seen "$LOG_A" "probe_failed" "${Q}203.0.113.13${Q}"
check "neighbour expired after the ageing time: event" seen "$LOG_A" \
	"neigh_expired" "${Q}203.0.113.12${Q}"

# Conflict on the local side: hA1 sends from 203.0.113.21, which lives
# at site B, 40 times in 0.4 s. Every frame is dropped and counted, at
# most 5 events a second are sent.
run ip -n hA1 addr add 203.0.113.21/32 dev eth0
run ip -n hA1 neigh replace 203.0.113.99 lladdr "$(mac_of gA ext0)" dev eth0
before=$(counter gA ext0 tx_drop_conflict)
start=$EPOCHSECONDS
in_ns hA1 ping -q -c 40 -i 0.01 -W 1 -I 203.0.113.21 203.0.113.99 || true
took=$((EPOCHSECONDS - start))
check "local conflict: event (side local, the host's MAC)" seen "$LOG_A" \
	"${Q}event${Q}:${Q}conflict${Q}" "${Q}addr${Q}:${Q}203.0.113.21${Q}" \
	"${Q}side${Q}:${Q}local${Q}" "$(mac_of hA1 eth0)"
check "local conflict: the drops are counted per device" \
	test "$(($(counter gA ext0 tx_drop_conflict) - before))" -ge 40
check "local conflict: and per entry (map show -s: conflicts)" bash -c \
	"extnet -n gA -s map show dev ext0 | grep '^203.0.113.21 ' |
	 grep -Eq 'conflicts ([4-9][0-9]|[1-9][0-9][0-9]+)'"
check "rate limit: events_suppressed counts the events not sent" \
	test "$(counter gA ext0 events_suppressed)" -gt 0
# Every conflict while the monitor listened is an event or suppressed.
# (2 s, at most 5 a second: the 40 frames take less than that.)
conflicts() {
	extnet -n gA -s map show dev ext0 | awk '$1 == "203.0.113.21" {
		for (i = 2; i < NF; i++) if ($i == "conflicts") print $(i + 1) }'
}
accounted() {
	local sent
	sent=$(grep -c '"event":"conflict"' "$LOG_A" || true)
	test "$((sent + $(counter gA ext0 events_suppressed)))" -eq "$(conflicts)"
}
check "rate limit: events sent + events_suppressed = conflicts" wait_for accounted
n=$(grep -c '"event":"conflict"' "$LOG_A" || true)
diag "conflict events sent: $n of $(conflicts), ping took ${took}s"
check "rate limit: at most 5 conflict events a second" \
	test "$n" -ge 1 -a "$n" -le "$((5 * (took + 2)))"
run ip -n hA1 addr del 203.0.113.21/32 dev eth0

# Conflict on the tunnel side: gB now says 203.0.113.11 lives behind
# 198.51.100.9, yet it arrives from gA.
in_ns gB extnet map replace 203.0.113.11 dev ext0 remote 198.51.100.9
in_ns hA1 ping -c 2 -i 0.2 -W 1 203.0.113.21 || true
check "tunnel conflict: event (side tunnel, the VTEP it came from)" seen "$LOG_B" \
	"^conflict 203.0.113.11 dev ext0 " "remote $UL_A" "side tunnel"
check "tunnel conflict: counted per entry, counters kept by replace" bash -c \
	"extnet -n gB -s map show dev ext0 | grep '^203.0.113.11 ' |
	 grep -Eq 'conflicts [1-9]'"
check "text monitor: map added line" has "$LOG_B" \
	"^map added 203.0.113.11 dev ext0 remote 198.51.100.9$"
# not_in LOG ERE: grep finds no line of LOG (which has lines) matching ERE
# (status 1, not 2: a grep that failed proves nothing).
not_in() {
	local rc=0
	[[ -s $1 ]] || return 1
	grep -E -- "$2" "$1" || rc=$?
	[[ $rc -eq 1 ]]
}
check "events stay in their namespace (gA saw nothing of gB's)" not_in "$LOG_A" '198\.51\.100\.9\b'

# Requests of several entries (-force packs them) report each entry.
for i in $(seq 100 199); do
	echo "map add 203.0.113.$i dev ext0 remote 198.51.100.7"
done | extnet -n gA -force -batch -
# added_events: the map_added events of 203.0.113.100-199 in gA's log.
added_events() {
	grep map_added "$LOG_A" | grep -cE '"addr":"203\.0\.113\.1[0-9][0-9]"'
}
all_added() { [[ $(added_events) -eq 100 ]]; }
check "a request of several entries: one event per entry" wait_for all_added

# A flush is one event, however many entries go.
in_ns gA extnet map flush dev ext0
check "map flush: one event" seen "$LOG_A" "map_flushed" "${Q}ifname${Q}:${Q}ext0${Q}"
check "map flush: no per-entry events" test "$(grep -c map_removed "$LOG_A")" -eq 2
# every_json: every line of LOG_A is one JSON object with an event (grep
# -v finds none that is not, with status 1).
every_json() {
	local rc=0
	[[ -s $LOG_A ]] || return 1
	grep -Ev '^\{"event":"[a-z_]+".*\}$' "$LOG_A" || rc=$?
	[[ $rc -eq 1 ]]
}
check "every monitor line is one JSON object" every_json

diag "$(cat "$LOG_A")"
diag "$(cat "$LOG_B")"
ktap_finish
