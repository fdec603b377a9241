#!/bin/bash
# Bad configuration input is rejected with a clear error: raw generic
# netlink requests (progs/nlcheck.c: errno and extack of each) and the
# extnet tool (exit status and a message naming the bad word).
# Functions run through check() look unreachable to shellcheck:
# shellcheck disable=SC2317
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

nlcheck_args=(-n /run/netns/gX -f extother0 ext0 dummy0)
# The plan: nlcheck's results (nlcheck -c counts them), one check that it ran
# to the end, and the tool checks below, counted here: each is a line that
# starts with "tool_rejects ", "tool_says " or "check " (a check that does
# not run, or one more that does, fails the plan).
ncases=$(nlcheck -c "${nlcheck_args[@]}")
ntool=$(grep -cE '^(tool_rejects|tool_says|check) ' "${BASH_SOURCE[0]}")
ktap_plan $((ncases + 1 + ntool))

extnet_load
ns_add gA
in_ns gA ip link add ext0 type extnet
in_ns gA ip link add dummy0 type bridge
# An extnet device in another namespace, at an ifindex gA does not use:
# requests made in gA must not reach it.
ns_add gX
in_ns gX ip link add extother0 index 4242 type extnet

# Replays nlcheck's verdicts as ours, with its diagnostics; its KTAP header
# and whatever else it (or ip(8) under it) prints become diagnostics too.
nl_rc=0
out=$(nsexec gA nlcheck "${nlcheck_args[@]}" 2>&1) || nl_rc=$?
nl_ok=0 nl_notok=0 nl_skip=0 nl_plan='' nl_sum=''
while IFS= read -r line; do
	case $line in
	"ok "*" # SKIP"*)
		nl_skip=$((nl_skip + 1))
		name=${line#* - }
		skip "netlink: ${name%% # SKIP*}" "${name#* # SKIP }"
		;;
	"ok "*)
		nl_ok=$((nl_ok + 1))
		ok "netlink: ${line#* - }"
		;;
	"not ok "*)
		nl_notok=$((nl_notok + 1))
		not_ok "netlink: ${line#* - }"
		;;
	"KTAP version "*) diag "nlcheck: $line" ;;
	"1.."*)
		nl_plan=${line#1..}
		diag "nlcheck: $line"
		;;
	"# nlcheck: "*)
		nl_sum=${line#\# nlcheck: }
		echo "$line"
		;;
	"# "*) echo "$line" ;;
	*) diag "$line" ;;
	esac
done <<<"$out"
# Its failures are counted above; this catches a crash, an early exit, and
# results, a summary or an exit status that disagree.
want_sum="$nl_ok passed, $nl_notok failed, $nl_skip skipped"
if [[ $nl_plan == "$ncases" && $nl_sum == "$want_sum" &&
	$((nl_ok + nl_notok + nl_skip)) -eq $ncases &&
	$nl_rc -eq $((nl_notok > 0)) ]]; then
	ok "nlcheck ran to the end; its summary and exit status agree"
else
	not_ok "nlcheck ran to the end; its summary and exit status agree" \
		"exit status $nl_rc; plan \"$nl_plan\" of $ncases; summary \"$nl_sum\"; replayed: $want_sum"
fi

# tool_rejects NAME WORD ARGS...: the tool fails (exit status 1) and its
# message has WORD.
tool_rejects() {
	local name=$1 word=$2 out rc=0
	shift 2
	out=$(extnet -n gA "$@" 2>&1) || rc=$?
	if [[ $rc -eq 1 && $out == *"$word"* ]]; then
		ok "tool: $name"
		diag "$out"
	else
		not_ok "tool: $name" "exit $rc: $out"
	fi
}

# tool_says NAME TEXT ARGS...: the tool fails (exit status 1) and prints
# exactly TEXT (its lines, nothing else: no usage text).
tool_says() {
	local name=$1 text=$2 out rc=0
	shift 2
	out=$(extnet -n gA "$@" 2>&1) || rc=$?
	if [[ $rc -eq 1 && $out == "$text" ]]; then
		ok "tool: $name"
		diag "$out"
	else
		not_ok "tool: $name" "exit $rc (want 1), output:
$out
want:
$text"
	fi
}

# link_show_has TEXT: `extnet link show ext0` in gA works and prints TEXT.
link_show_has() {
	local out
	out=$(extnet -n gA link show ext0)
	echo "$out"
	[[ $out == *"$1"* ]]
}

# map_show_has LINE: `extnet map show dev ext0` in gA works and prints a
# line that starts with LINE.
map_show_has() {
	local out
	out=$(extnet -n gA map show dev ext0)
	echo "$out"
	[[ $'\n'$out == *$'\n'"$1"* ]]
}

tool_rejects "unknown device" "nosuch0" link set nosuch0 vni 1
tool_rejects "non-extnet device" "not an extnet device" map add 203.0.113.5 dev dummy0 remote 192.0.2.2
tool_rejects "link-local IPv6 overlay address (kernel extack)" "unicast host" \
	map add fe80::5 dev ext0 remote 192.0.2.2
tool_rejects "multicast IPv6 VTEP (kernel extack)" "Remote VTEP must be a unicast" \
	map add 2001:db8:1::5 dev ext0 remote ff05::1
tool_rejects "bad IPv6 address names the word" "2001:db8:1::zz" \
	map add 2001:db8:1::zz dev ext0 remote 192.0.2.2
tool_rejects "bad VNI names the word" "16777216" link set ext0 vni 16777216
tool_rejects "multicast IPv6 probe source (kernel extack)" "IPv6 probe source must be" \
	link set ext0 probe-source ff02::1
probe_source6_set() {
	run extnet -n gA link set ext0 probe-source fe80::1 probe-source 0.0.0.0
	link_show_has " probe-source 0.0.0.0 probe-source fe80::1 "
}
check "IPv6 probe source set and shown beside the IPv4 one" probe_source6_set
probe_source6_json() {
	local out
	out=$(extnet -n gA -j link show ext0)
	echo "$out"
	[[ $out =~ \"probe_source6\":\ *\"fe80::1\" ]]
}
check "JSON: probe_source6" probe_source6_json
# The IPv4 one is still shown, the IPv6 one no more: "probe-source" once.
probe_source6_unset() {
	local out
	run extnet -n gA link set ext0 probe-source ::
	out=$(extnet -n gA link show ext0)
	echo "$out"
	[[ $out == *" probe-source 0.0.0.0"* ]]
	[[ ${out/ probe-source 0.0.0.0/} != *probe-source* ]]
}
check "probe-source :: unsets the IPv6 one" probe_source6_unset
tool_rejects "routes neither on nor off names the word" "maybe" link set ext0 routes maybe
tool_rejects "bad address names the word" "203.0.113.300" map add 203.0.113.300 dev ext0 remote 192.0.2.2
tool_says "missing remote" $'Error: "remote VTEP" is required\nTry "extnet help".' \
	map add 203.0.113.5 dev ext0
tool_says "map move: remote without VTEP" $'Error: "remote" needs a value\nTry "extnet help".' \
	map move 203.0.113.5 dev ext0 remote
tool_says "map move: announce out of range names the word" \
	'Error: argument "11" is wrong: announce must be 0..10' \
	map move 203.0.113.5 dev ext0 remote 192.0.2.2 announce 11
tool_rejects "map move: unknown device" "nosuch0" map move 203.0.113.5 dev nosuch0 local
tool_rejects "map move: non-extnet device (kernel extack)" "not an extnet device" \
	map move 203.0.113.5 dev dummy0 remote 192.0.2.2
tool_rejects "duplicate entry (kernel extack)" "already mapped" -batch - <<<"map add 203.0.113.5 dev ext0 remote 192.0.2.2
map add 203.0.113.5 dev ext0 remote 192.0.2.2"
check "entries survive bad requests" map_show_has "203.0.113.5 "
in_ns gA extnet map add 2001:db8:1::5 dev ext0 remote 2001:db8:ff::2 lladdr 02:00:00:00:00:05
check "IPv6 entry with an IPv6 VTEP is added and shown" map_show_has \
	"2001:db8:1::5 dev ext0 remote 2001:db8:ff::2 lladdr 02:00:00:00:00:05"
tool_rejects "duplicate IPv6 entry (kernel extack)" "already mapped" \
	map add 2001:db8:1::5 dev ext0 remote 192.0.2.2
in_ns gA extnet map del 2001:db8:1::5 dev ext0
tool_rejects "map del of an unmapped IPv6 address (kernel extack)" "not mapped" \
	map del 2001:db8:1::5 dev ext0

ktap_finish
