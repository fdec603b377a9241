# shellcheck shell=bash
# Helpers for extnet selftests. Source it from a test script that runs in the QEMU
# guest (selftests/qemu/run.sh), or on any disposable machine as root:
#
#	. "$(dirname "$0")/lib.sh"
#	ktap_plan 2
#	ns_add a; ns_add b
#	veth_pair a eth0 b eth0
#	...
#	check "ping a -> b" in_ns a ping -c 1 192.0.2.2
#	ktap_finish
#
# Output is KTAP: "ok N - name", "not ok N - name", "ok N - name # SKIP why"; every
# other line starts with "# ". Network commands issued through the helpers are echoed
# as "# [ns] command" so the log shows what ran.
#
# On exit, processes in the namespaces made with ns_add are killed and the
# namespaces deleted.

KTAP_N=0
KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_PLAN=
_LIB_NS=()
_LIB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/selftest.XXXXXX")

# diag TEXT...: print TEXT as KTAP diagnostic lines (each line gets "# ").
diag() {
	local line
	[[ -n $* ]] || return 0
	printf '%s\n' "$*" | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

# ktap_plan N: announce N results.
ktap_plan() {
	KTAP_PLAN=$1
	echo "KTAP version 1"
	echo "1..$1"
}

# ok NAME: record a pass.
ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N - $*"
}

# not_ok NAME [REASON]: record a failure.
not_ok() {
	local name=$1
	shift
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N - $name"
	[[ $# -eq 0 ]] || diag "$*"
}

# skip NAME REASON: record a skipped check.
skip() {
	local name=$1
	shift
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N - $name # SKIP $*"
}

# skip_all REASON: the whole script cannot run here (kselftest exit code 4).
skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit 4
}

# check NAME CMD...: run CMD, record ok or not ok. CMD's output is shown only when
# it fails. CMD runs in a subshell (variables it sets are lost) where the caller's
# `set -e` still applies, so a shell function stops at its first failing command.
# CMD's stdin is /dev/null.
check() {
	local name=$1 rc=0 t0=${EPOCHREALTIME/./} ms
	shift
	printf '# $ %s\n' "$*"
	("$@") >"$_LIB_TMP/check.out" 2>&1 &
	wait "$!" || rc=$?
	if [[ $rc -eq 0 ]]; then
		ok "$name"
	else
		not_ok "$name" "exit status $rc"
		diag "$(tail -n 30 "$_LIB_TMP/check.out")"
	fi
	# Where a test's time goes (the debug kernel is slow): checks of 2 s
	# or more say how long they took.
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	((ms < 2000)) || printf '# (%d.%d s)\n' $((ms / 1000)) $((ms % 1000 / 100))
	return 0
}

# ktap_finish: print the totals; exit status 1 if anything failed or the plan was
# not met.
ktap_finish() {
	local rc=0
	if [[ -n $KTAP_PLAN && $KTAP_PLAN -ne $KTAP_N ]]; then
		diag "planned $KTAP_PLAN results, got $KTAP_N"
		rc=1
	fi
	[[ $KTAP_FAIL -eq 0 ]] || rc=1
	echo "# $KTAP_PASS passed, $KTAP_FAIL failed, $KTAP_SKIP skipped"
	exit "$rc"
}

# run CMD...: echo CMD as a diagnostic, then run it.
run() {
	printf '# [-] %s\n' "$*"
	"$@"
}

# in_ns NS CMD...: run CMD (a program, not a shell function) inside namespace NS.
# ip, bridge, tc and extnet get their own -n option; anything else starts
# under progs/nsexec, which changes the network namespace only (no /sys of
# NS: read NS's /sys with `ip netns exec NS cat ...`). On the debug kernel
# a dynamically linked program costs 0.1-0.4 s to start (ip: 0.4 s), so
# `ip netns exec NS CMD` costs a program more than these.
in_ns() {
	local ns=$1
	shift
	printf '# [%s] %s\n' "$ns" "$*"
	case $1 in
	ip | bridge | tc | extnet) "$1" -n "$ns" "${@:2}" ;;
	*) nsexec "$ns" "$@" ;;
	esac
}

# ns_add NAME: create a network namespace with lo up; deleted on exit.
ns_add() {
	printf '# [+] ip netns add %s\n' "$1"
	ip netns add "$1"
	_LIB_NS+=("$1")
	ip -n "$1" link set lo up
}

# veth_pair NS1 IF1 NS2 IF2: a veth pair from NS1/IF1 to NS2/IF2, both ends up.
veth_pair() {
	printf '# [+] veth %s/%s <-> %s/%s\n' "$1" "$2" "$3" "$4"
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# ip_batch NS: the ip commands on stdin (one a line, without "ip") in
# namespace NS ("": the initial one) by one `ip -batch`; each is echoed as
# "# [NS] ip ...". Stops at the first that fails (status 1).
ip_batch() {
	local cmds line
	cmds=$(cat)
	while IFS= read -r line; do
		[[ -z $line ]] || printf '# [%s] ip %s\n' "${1:--}" "$line"
	done <<<"$cmds"
	ip ${1:+-n "$1"} -batch - <<<"$cmds"
}

# wait_for [-t SECONDS] CMD...: retry CMD every 0.1 s until it succeeds (status 0)
# or SECONDS (default 10) pass (status 1).
wait_for() {
	local limit=10 deadline
	if [[ ${1-} == -t ]]; then
		limit=$2
		shift 2
	fi
	deadline=$((EPOCHSECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		if [[ $EPOCHSECONDS -ge $deadline ]]; then
			diag "wait_for: gave up after ${limit}s: $*"
			return 1
		fi
		sleep 0.1
	done
}

_lib_cleanup() {
	local rc=$? ns pid i
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	for ((i = ${#_LIB_NS[@]} - 1; i >= 0; i--)); do
		ns=${_LIB_NS[i]}
		# A test may have deleted it already: that is no failure.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$_LIB_TMP"
	exit "$rc"
}
trap _lib_cleanup EXIT
