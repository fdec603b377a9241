#!/bin/bash
# Loading and emptying large tables: "extnet -batch" (stops at the first
# failure), "extnet -force -batch" (pipelined: every line runs, each failure
# reported with its line), and map flush (swaps in an empty hash table and
# frees the old one after a grace period) while traffic looks entries up.
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

ktap_plan 23

N=3000
B=$_LIB_TMP/batch

# gen FIRST COUNT: "map add" lines for 10.x.y.z, one per entry.
gen() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		echo "map add 10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255)) dev ext0 remote $UL_B"
	done
}
entries() {
	extnet -n "$1" link show ext0 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "entries") print $(i + 1) }'
}

two_sites

# -s and -j given on a line apply to that line only.
printf 'link show -s ext0\nlink show ext0\nlink show -j ext0\nlink show ext0\n' >"$B.opts"
out=$(extnet -n gA -batch "$B.opts" 2>&1) || true
diag "$out"
# opts_once: in $out, the counters once, JSON once, three plain lines.
opts_once() {
	[[ $(grep -c arp_replies <<<"$out") -eq 1 && $(grep -c '"ifname"' <<<"$out") -eq 1 &&
		$(grep -c '^ext0:' <<<"$out") -eq 3 ]]
}
check "-batch: -s and -j on a line apply to that line only" opts_once

# JSON stays valid for any device name: UTF-8 goes out as it is, a byte
# that is not UTF-8 as the code point of its value.
run ip -n gA link add $'x\xc3\xa9' type extnet
run ip -n gA link add $'x\xff' type extnet
out=$(extnet -n gA -j link show)
diag "$out"
json_names() {
	grep -qF '"ifname":"x\u00ff"' <<<"$out" &&
		grep -qF $'"ifname":"x\xc3\xa9"' <<<"$out"
}
check "-j: a device name that is not UTF-8 is escaped, UTF-8 is not" json_names
run ip -n gA link del $'x\xc3\xa9'
run ip -n gA link del $'x\xff'

# Without -force: the first failure stops the batch.
{
	gen 1 10
	echo "map add 10.0.0.5 dev ext0 remote $UL_B"
	gen 11 10
} >"$B.stop"
rc=0
out=$(extnet -n gA -batch "$B.stop" 2>&1) || rc=$?
diag "$out"
check "-batch stops at the first failure (exit 1, line 11 named)" \
	bash -c "[[ $rc -eq 1 ]] && grep -q 'Command failed $B.stop:11\$' <<<'$out'"
# gA's one entry of the scenario, plus the ten before the failure.
check "-batch: the lines before the failure applied, none after" \
	test "$(entries gA)" -eq 11
in_ns gA extnet map flush dev ext0

# -force: the 65th line of requests that cannot be packed (link set) is
# queued after a full window (64) is flushed, and reporting the acks of
# that window must not take the notes of line 65 with it: the kernel's
# refusal of it still names its word, or its device.
# window_batch LAST: 64 lines that succeed, then LAST.
window_batch() {
	local i

	for ((i = 0; i < 64; i++)); do
		echo "link set ext0 ttl 64"
	done
	echo "$1"
}
# window_failed TEXT: $out has TEXT, and line 65 is the one that failed.
window_failed() {
	grep -qF -- "$1" <<<"$out" && grep -q "^Command failed $B.window:65\$" <<<"$out" &&
		[[ $(grep -c '^Command failed' <<<"$out") -eq 1 ]]
}
window_batch "link set ext0 local 127.0.0.1" >"$B.window"
out=$(extnet -n gA -force -batch "$B.window" 2>&1) || true
diag "$out"
check "-force: line 65, after a full window, names its bad word" \
	window_failed "Offending argument: local 127.0.0.1"
window_batch "link set nosuch0 ttl 64" >"$B.window"
out=$(extnet -n gA -force -batch "$B.window" 2>&1) || true
diag "$out"
check "-force: line 65, after a full window, names its unknown device" \
	window_failed 'device "nosuch0" does not exist'

# -force: every line runs; each failure is reported with its line (a usage
# error at once, a refusal of the kernel when its ack arrives), and show
# commands see what the lines before them did.
{
	gen 1 1000
	echo "map add 10.0.0.5 dev ext0 remote $UL_B"		# 1001: duplicate
	echo "map add 10.0.300.1 dev ext0 remote $UL_B"		# 1002: bad address
	echo "link show ext0"					# 1003
	echo "map add 10.0.0.7 dev nosuch0 remote $UL_B"	# 1004: no device
	gen 1001 $((N - 1000))
	echo "map del 10.0.0.9 dev ext0"			# deleted again
	echo "map replace 10.0.0.10 dev ext0 remote 192.0.2.77"
} >"$B.force"
rc=0
out=$(extnet -n gA -force -batch "$B.force" 2>&1) || rc=$?
diag "$(grep -v '^ext0' <<<"$out")"
check "-force -batch exits 1 after failures" test "$rc" -eq 1
check "-force: the duplicate is reported with its line and message" bash -c \
	"grep -q 'Error: Address is already mapped' <<<'$out' &&
	 grep -q 'Command failed $B.force:1001\$' <<<'$out'"
check "-force: the bad word is named with its line" bash -c \
	"grep -q '10.0.300.1' <<<'$out' && grep -q 'Command failed $B.force:1002\$' <<<'$out'"
check "-force: the unknown device is named with its line" bash -c \
	"grep -q 'nosuch0' <<<'$out' && grep -q 'Command failed $B.force:1004\$' <<<'$out'"
check "-force: exactly those three lines failed" bash -c \
	"grep -o 'force:[0-9]*' <<<'$out' | sort | tr '\n' ' ' | grep -qx 'force:1001 force:1002 force:1004 '"
check "-force: a show line sees the 1000 lines before it" \
	bash -c "grep -q '^ext0.* entries 1000\( \|\$\)' <<<'$out'"
check "-force: every good line applied ($N - 1 entries)" \
	test "$(entries gA)" -eq $((N - 1))
check "-force: map del and replace after the adds applied in order" bash -c \
	"[[ \$(extnet -n gA map show dev ext0 | grep -c '^10.0.0.9 ') -eq 0 ]] &&
	 extnet -n gA map show dev ext0 | grep -q '^10.0.0.10 .*192.0.2.77'"

# Packed map changes (-force packs consecutive map add/replace/del lines of
# a device into requests of several entries): failures in the middle of a
# pack are reported with their own line, every other line still lands, in
# order; one entry per request (-pack 1) ends with the same table.
{
	gen 1 100
	echo "map add 10.0.0.50 dev ext0 remote $UL_B"		# 101: duplicate
	echo "map add 224.0.0.9 dev ext0 remote $UL_B"		# 102: kernel refuses
	gen 101 100						# 103-202
	echo "map del 10.0.0.1 dev ext0"
	echo "map del 10.9.9.9 dev ext0"			# 204: not mapped
	echo "map del 10.0.0.2 dev ext0"
	echo "map replace 10.0.0.3 dev ext0 remote 192.0.2.77"
} >"$B.pack"
in_ns gA extnet map flush dev ext0
rc=0
out=$(extnet -n gA -force -batch "$B.pack" 2>&1) || rc=$?
diag "$out"
check "packed: exactly the three bad lines failed (exit 1)" bash -c \
	"[[ $rc -eq 1 ]] && grep -o 'pack:[0-9]*' <<<'$out' | sort | tr '\n' ' ' | grep -qx 'pack:101 pack:102 pack:204 '"
check "packed: each failure has its own message and word" bash -c \
	"grep -q 'Error: Address is already mapped' <<<'$out' &&
	 grep -q 'Offending argument: 224.0.0.9' <<<'$out' &&
	 grep -q 'Error: Address is not mapped' <<<'$out'"
check "packed: every good line applied (198 entries)" test "$(entries gA)" -eq 198
packed=$(extnet -n gA map show dev ext0 | sort)
check "packed: the replace after the dels applied" \
	bash -c "grep -q '^10.0.0.3 .*192.0.2.77' <<<'$packed'"
in_ns gA extnet map flush dev ext0
extnet -n gA -force -pack 1 -batch "$B.pack" >/dev/null 2>&1 || true
check "-pack 1 (one entry per request) gives the same table" \
	bash -c "[[ \"\$(extnet -n gA map show dev ext0 | sort)\" == '$packed' ]]"

# Flush while traffic looks entries up, over and over: the table is
# swapped for an empty one each time, the old one freed after a grace
# period (the harness fails the run on any KASAN or RCU report). The
# pinger runs from just before the first round to just after the last
# (SIGINT: it prints its count); "under traffic" holds if echoes were
# answered meanwhile and gA's ext0 passed packets both ways. hA1 resolves
# 203.0.113.21 first, while gA maps it: gA answers for it only while the
# entry is there, and with the table flushed every few hundred ms, hA1's
# ARP requests could all go unanswered (a fast run then has no echo at all).
in_ns gA extnet map add 203.0.113.21 dev ext0 remote "$UL_B"
wait_for -t 10 nsexec hA1 ping -c 1 -W 1 203.0.113.21 || true
nsexec hA1 ping -q -i 0.002 -w 120 203.0.113.21 >"$_LIB_TMP/pinger.out" 2>&1 &
pinger=$!
read -r -a pk0 <<<"$(pkts gA ext0)"
flushes=0
for ((r = 0; r < 20; r++)); do
	extnet -n gA map flush dev ext0 || break
	extnet -n gA -force -batch - <<-EOF || break
	map add 203.0.113.21 dev ext0 remote $UL_B
	$(gen $((r * 500)) 500)
	EOF
	flushes=$((flushes + 1))
done
read -r -a pk1 <<<"$(pkts gA ext0)"
kill -INT "$pinger" 2>/dev/null || true
wait "$pinger" || true
diag "$(cat "$_LIB_TMP/pinger.out")"
diag "gA/ext0 during the rounds: rx ${pk0[0]-?} -> ${pk1[0]-?}, tx ${pk0[1]-?} -> ${pk1[1]-?} packets"
# flushed_under_traffic: all 20 rounds ran, echoes were answered during
# them, gA's ext0 counted packets both ways.
flushed_under_traffic() {
	[[ $flushes -eq 20 ]] &&
		grep -Eq ' [1-9][0-9]* (packets )?received' "$_LIB_TMP/pinger.out" &&
		((${#pk0[@]} == 2 && ${#pk1[@]} == 2 && pk1[0] > pk0[0] && pk1[1] > pk0[1]))
}
check "20 flush + reload rounds under traffic" flushed_under_traffic
check "table after the last round: 501 entries" test "$(entries gA)" -eq 501
check "traffic flows after the flushes" in_ns hA1 ping -c 2 -i 0.2 -W 3 203.0.113.21
check "flush leaves an empty table" bash -c \
	"extnet -n gA map flush dev ext0 && [[ \$(extnet -n gA map show dev ext0 | wc -l) -eq 0 ]]"

ktap_finish
