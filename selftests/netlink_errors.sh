#!/bin/bash
# Bad configuration input is rejected with a clear error: raw generic
# netlink requests (progs/nlcheck.c: errno and extack of each) and the
# extnet tool (exit status and a message naming the bad word).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

extnet_load
ns_add gA
in_ns gA ip link add ext0 type extnet
in_ns gA ip link add dummy0 type bridge
# An extnet device in another namespace, at an ifindex gA does not use:
# requests made in gA must not reach it.
ns_add gX
in_ns gX ip link add extother0 index 4242 type extnet

# Replays nlcheck's verdicts as ours, with its diagnostics.
out=$(nsexec gA nlcheck -n /run/netns/gX -f extother0 ext0 dummy0 2>&1) || true
while IFS= read -r line; do
	case $line in
	"ok "*) ok "netlink: ${line#* - }" ;;
	"not ok "*) not_ok "netlink: ${line#* - }" ;;
	*) echo "$line" ;;
	esac
done <<<"$out"
# (Its failures are counted above; this catches a crash or an early exit.)
[[ $out == *"# nlcheck: "*" passed, "*" failed"* ]] || not_ok "nlcheck ran to the end" "$out"

# tool_rejects NAME WORD ARGS...: the tool fails and its message has WORD.
tool_rejects() {
	local name=$1 word=$2 out rc=0
	shift 2
	out=$(extnet -n gA "$@" 2>&1) || rc=$?
	if [[ $rc -ne 0 && $out == *"$word"* ]]; then
		ok "tool: $name"
		diag "$out"
	else
		not_ok "tool: $name" "exit $rc: $out"
	fi
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
check "IPv6 probe source set and shown beside the IPv4 one" bash -c \
	"extnet -n gA link set ext0 probe-source fe80::1 probe-source 0.0.0.0 &&
	 extnet -n gA link show ext0 | grep -q 'probe-source 0.0.0.0 probe-source fe80::1 '"
check "JSON: probe_source6" bash -c \
	"extnet -n gA -j link show ext0 | grep -q '\"probe_source6\": *\"fe80::1\"'"
check "probe-source :: unsets the IPv6 one" bash -c \
	"extnet -n gA link set ext0 probe-source :: &&
	 ! extnet -n gA link show ext0 | grep -q 'probe-source fe80'"
tool_rejects "routes neither on nor off names the word" "maybe" link set ext0 routes maybe
tool_rejects "bad address names the word" "203.0.113.300" map add 203.0.113.300 dev ext0 remote 192.0.2.2
tool_rejects "missing remote" "remote" map add 203.0.113.5 dev ext0
tool_rejects "map move: remote without VTEP" "remote" map move 203.0.113.5 dev ext0 remote
tool_rejects "map move: announce out of range names the word" "11" \
	map move 203.0.113.5 dev ext0 remote 192.0.2.2 announce 11
tool_rejects "map move: unknown device" "nosuch0" map move 203.0.113.5 dev nosuch0 local
tool_rejects "map move: non-extnet device (kernel extack)" "not an extnet device" \
	map move 203.0.113.5 dev dummy0 remote 192.0.2.2
tool_rejects "duplicate entry (kernel extack)" "already mapped" -batch - <<<"map add 203.0.113.5 dev ext0 remote 192.0.2.2
map add 203.0.113.5 dev ext0 remote 192.0.2.2"
check "entries survive bad requests" bash -c \
	"extnet -n gA map show dev ext0 | grep -q '^203.0.113.5 '"
in_ns gA extnet map add 2001:db8:1::5 dev ext0 remote 2001:db8:ff::2 lladdr 02:00:00:00:00:05
check "IPv6 entry with an IPv6 VTEP is added and shown" bash -c \
	"extnet -n gA map show dev ext0 | grep -q '^2001:db8:1::5 dev ext0 remote 2001:db8:ff::2 lladdr 02:00:00:00:00:05'"
tool_rejects "duplicate IPv6 entry (kernel extack)" "already mapped" \
	map add 2001:db8:1::5 dev ext0 remote 192.0.2.2
in_ns gA extnet map del 2001:db8:1::5 dev ext0
tool_rejects "map del of an unmapped IPv6 address (kernel extack)" "not mapped" \
	map del 2001:db8:1::5 dev ext0

ktap_finish
