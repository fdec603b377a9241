#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of extnet's command line: usage, parse errors, -batch
# line reporting. All of them are decided before any netlink traffic, so no
# extnet module is needed; the checks that do reach the kernel expect the
# family to be absent and are skipped where the module is loaded.
#
# Prints KTAP ("KTAP version 1", "1..N", one result per check), then
# "N passed, N failed" (", N skipped" if any); exit status 1 if any failed.
# The plan is counted by a first pass over the checks that runs nothing.
#
# Usage: test-cli.sh [PATH-TO-EXTNET]

EXTNET=${1:-$(dirname "$0")/extnet}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
passed=0
failed=0
skipped=0
stdin=/dev/null
# Set for the first pass, which counts the checks: then run() runs nothing
# and report() and skip() only count.
counting=

report() {
	n=$((n + 1))
	[ -z "$counting" ] || return 0
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		echo "#   command: extnet $3"
		echo "#   exit code: $rc"
		sed 's/^/#   stdout: /' "$tmp/out"
		sed 's/^/#   stderr: /' "$tmp/err"
	fi
}

run() {
	if [ -n "$counting" ]; then
		rc=0
		: >"$tmp/out"
		: >"$tmp/err"
		return
	fi
	"$EXTNET" "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# check NAME RC STREAM TEXT ARGS...: exit code RC and fixed TEXT on STREAM
# (out or err).
check() {
	name=$1 want_rc=$2 stream=$3 text=$4
	shift 4
	run "$@"
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$text" "$tmp/$stream"; then
		report ok "$name"
	else
		report fail "$name" "$*"
	fi
}

# A usage error: exit code 1, TEXT on stderr, nothing on stdout.
check_err() {
	name=$1 text=$2
	shift 2
	run "$@"
	if [ "$rc" = 1 ] && grep -qF -- "$text" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		report ok "$name"
	else
		report fail "$name" "$*"
	fi
}

# skip NAME REASON: a check that cannot run here.
skip() {
	n=$((n + 1))
	[ -z "$counting" ] || return 0
	skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}

# The checks, run twice: once to count them (counting set), then for real.
checks() {
# Usage and version.
check "no arguments prints usage" 1 err "Usage: extnet"
check "help" 0 out "extnet map flush dev DEV" help
check "-h" 0 out "Usage: extnet" -h
check "--help" 0 out "Usage: extnet" --help
check "-V" 0 out "extnet " -V
# Output that cannot be written is a failure, for -V and -h too.
for opt in -V -h help; do
	rc=0
	: >"$tmp/err"
	[ -n "$counting" ] || "$EXTNET" $opt >/dev/full 2>"$tmp/err" || rc=$?
	if [ "$rc" = 1 ] && grep -qF "cannot write the output" "$tmp/err"; then
		report ok "$opt to a full disk fails"
	else
		: >"$tmp/out"
		report fail "$opt to a full disk fails" "$opt >/dev/full"
	fi
done
check "link help" 0 out "extnet link set DEV" link help
check "map help" 0 out "extnet map del ADDR dev DEV" map help
check "neigh help" 0 out "extnet neigh show [dev DEV]" neigh help
check "route help" 0 out "extnet route sync dev DEV" route help
check "help lists route sync" 0 out "extnet route sync dev DEV" help
check "map help shows move" 0 out "extnet map move ADDR dev DEV { local | remote VTEP" map help
check "monitor help" 0 out "extnet monitor [dev DEV]" monitor help
check "help shows monitor" 0 out "extnet monitor [dev DEV]" help

# Options, objects and commands.
check_err "unknown option" 'Error: unknown option "-x"' -x link show
check_err "unknown network namespace" \
	'Error: cannot open network namespace "no-such-netns-x": No such file or directory.' \
	-n no-such-netns-x link show
check_err "empty network namespace name" 'Error: "" is not a network namespace name' \
	-netns "" link show
check_err "-n without a name" 'Error: "-n" needs a value' -n
check_err "unknown object" 'Error: unknown command "bogus"' bogus
check_err "unknown object hint" 'Try "extnet help".' bogus
check_err "unknown map command" 'Error: unknown command "frob"' map frob
check_err "unknown link command" 'Error: unknown command "frob"' link frob

# link set
check_err "unknown keyword" 'Error: unknown keyword "foo"' link set ext0 foo 1
check_err "unknown keyword hint" 'Try "extnet help".' link set ext0 foo 1
check_err "vni too big" 'Error: argument "99999999" is wrong: vni must be 0..16777215' \
	link set ext0 vni 99999999
check_err "vni 2^24" 'argument "16777216" is wrong' link set ext0 vni 16777216
check_err "vni hex too big" 'argument "0x1000000" is wrong' link set ext0 vni 0x1000000
check_err "vni with two 0x" 'argument "0x0x10" is wrong' link set ext0 vni 0x0x10
check_err "mss-clamp names auto and off" \
	'argument "AUTO" is wrong: mss-clamp must be auto, off or 536..65495' \
	link set ext0 mss-clamp AUTO
check_err "vni negative" 'argument "-1" is wrong' link set ext0 vni -1
check_err "vni trailing junk" 'argument "12x" is wrong' link set ext0 vni 12x
check_err "vni empty" 'argument "" is wrong' link set ext0 vni ""
check_err "vni overflow" 'argument "99999999999999999999" is wrong' \
	link set ext0 vni 99999999999999999999
check_err "port 0" 'Error: argument "0" is wrong: port must be 1..65535' link set ext0 port 0
check_err "port 65536" 'argument "65536" is wrong: port' link set ext0 port 65536
check_err "ttl 0" 'Error: argument "0" is wrong: ttl must be 1..255' link set ext0 ttl 0
check_err "ttl 256" 'argument "256" is wrong: ttl' link set ext0 ttl 256
check_err "ageing 9" 'Error: argument "9" is wrong: ageing must be 10..1000000' \
	link set ext0 ageing 9
check_err "ageing 1000001" 'argument "1000001" is wrong: ageing' link set ext0 ageing 1000001
check_err "local not an address" 'Error: argument "192.0.2" is wrong: local' \
	link set ext0 local 192.0.2
check_err "local twice, both IPv6" 'Error: duplicate "local": "2001:db8::2" is the second value' \
	link set ext0 local 2001:db8::1 local 2001:db8::2
check_err "local twice, both IPv4" 'Error: duplicate "local": "192.0.2.2" is the second value' \
	link set ext0 local 192.0.2.1 local 192.0.2.2
check_err "probe-source twice, both IPv6" 'Error: duplicate "probe-source": "fe80::2" is the second value' \
	link set ext0 probe-source fe80::1 probe-source fe80::2
check_err "probe-source not an address" 'Error: argument "fe80:::1" is wrong: probe-source' \
	link set ext0 probe-source fe80:::1
check_err "prefix p means port" 'argument "0" is wrong: port' link set ext0 p 0
check_err "duplicate vni" 'Error: duplicate "vni": "6" is the second value' \
	link set ext0 vni 5 vni 6
check_err "missing value" 'Error: "vni" needs a value' link set ext0 vni
check_err "missing device" 'Error: "DEV" is required' link set
check_err "missing device after dev" 'Error: "dev" needs a value' link set dev
check_err "device name too long" 'Error: argument "abcdefghijklmnop" is wrong: not a valid device name' \
	link set abcdefghijklmnop vni 1
check_err "device name with slash" 'argument "a/b" is wrong' link set a/b vni 1
check_err "routes neither on nor off" 'Error: argument "yes" is wrong: routes must be "on" or "off"' \
	link set ext0 routes yes
check_err "route table 0" 'Error: argument "0" is wrong: table must be 1..4294967295' \
	link set ext0 routes on table 0
check_err "metric too big" 'argument "4294967296" is wrong: metric' link set ext0 metric 4294967296
check_err "duplicate routes" 'Error: duplicate "routes": "off" is the second value' \
	link set ext0 routes on routes off
check_err "prefix t means ttl" 'argument "0" is wrong: ttl' link set ext0 t 0

# route
check_err "route sync without dev" 'Error: "dev DEV" is required' route sync
check_err "route sync junk" 'Error: unknown keyword "ext0"' route sync ext0
check_err "unknown route command" 'Error: unknown command "add"' route add

# link show
check_err "link show two devices" 'Error: unknown keyword "ext1"' link show ext0 ext1
check_err "link show dev without name" 'Error: "dev" needs a value' link show dev

# map
check_err "map add without remote" 'Error: "remote VTEP" is required' \
	map add 203.0.113.1 dev ext0
check_err "map add without dev" 'Error: "dev DEV" is required' \
	map add 203.0.113.1 remote 192.0.2.2
check_err "map add without address" 'Error: "ADDR" is required' map add
check_err "map add bad address" 'Error: argument "203.0.113" is wrong: address' \
	map add 203.0.113 dev ext0 remote 192.0.2.2
check_err "map add address with prefix" 'argument "203.0.113.1/32" is wrong' \
	map add 203.0.113.1/32 dev ext0 remote 192.0.2.2
check_err "map add bad remote" 'Error: argument "vtep" is wrong: remote' \
	map add 203.0.113.1 dev ext0 remote vtep
check_err "map add short MAC" 'Error: argument "02:00:00:00:00" is wrong: lladdr' \
	map add 203.0.113.1 dev ext0 remote 192.0.2.2 lladdr 02:00:00:00:00
check_err "map add long MAC" 'argument "02:00:00:00:00:00:01" is wrong' \
	map add 203.0.113.1 dev ext0 remote 192.0.2.2 lladdr 02:00:00:00:00:00:01
check_err "map add MAC octet too long" 'argument "002:00:00:00:00:01" is wrong' \
	map add 203.0.113.1 dev ext0 remote 192.0.2.2 lladdr 002:00:00:00:00:01
check_err "map add MAC not hex" 'argument "0g:00:00:00:00:01" is wrong' \
	map add 203.0.113.1 dev ext0 remote 192.0.2.2 lladdr 0g:00:00:00:00:01
check_err "map add duplicate remote" 'Error: duplicate "remote"' \
	map add 203.0.113.1 dev ext0 remote 192.0.2.2 remote 192.0.2.3
check_err "map replace unknown keyword" 'Error: unknown keyword "via"' \
	map replace 203.0.113.1 dev ext0 via 192.0.2.2
check_err "map del takes no remote" 'Error: unknown keyword "remote"' \
	map del 203.0.113.1 dev ext0 remote 192.0.2.2
check_err "map del without dev" 'Error: "dev DEV" is required' map del 203.0.113.1
check_err "map flush without dev" 'Error: "dev DEV" is required' map flush
check_err "map show junk" 'Error: unknown keyword "ext0"' map show ext0
check_err "neigh show junk" 'Error: unknown keyword "all"' neigh show all

# map move
check_err "map move without local or remote" 'Error: "local or remote VTEP" is required' \
	map move 203.0.113.1 dev ext0
check_err "map move remote without VTEP" 'Error: "remote" needs a value' \
	map move 203.0.113.1 dev ext0 remote
check_err "map move local and remote" 'Error: argument "remote" is wrong: give one of local and remote' \
	map move 203.0.113.1 dev ext0 local remote 192.0.2.2
check_err "map move twice local" 'argument "local" is wrong: give one of local and remote' \
	map move 203.0.113.1 dev ext0 local local
check_err "map move announce 11" 'Error: argument "11" is wrong: announce must be 0..10' \
	map move 203.0.113.1 dev ext0 remote 192.0.2.2 announce 11
check_err "map move announce junk" 'argument "x" is wrong: announce' \
	map move 203.0.113.1 dev ext0 remote 192.0.2.2 announce x
check_err "map move local with announce" 'Error: argument "3" is wrong: announce needs remote VTEP' \
	map move 203.0.113.1 dev ext0 local announce 3
check_err "map move local with lladdr" 'argument "02:00:00:00:00:01" is wrong: lladdr needs remote VTEP' \
	map move 203.0.113.1 dev ext0 local lladdr 02:00:00:00:00:01
check_err "map move bad VTEP" 'Error: argument "gB" is wrong: remote' \
	map move 203.0.113.1 dev ext0 remote gB
check_err "map move without dev" 'Error: "dev DEV" is required' map move 203.0.113.1 local
check_err "map move without address" 'Error: "ADDR" is required' map move

# monitor
check_err "monitor junk" 'Error: unknown keyword "all"' monitor all
check_err "monitor dev without name" 'Error: "dev" needs a value' monitor dev
check_err "monitor unknown device" 'Error: device "nosuch0" does not exist.' monitor dev nosuch0

# -batch
check_err "-batch without file" 'Error: "-batch" needs a value' -batch
check_err "-batch missing file" "Error: cannot open \"$tmp/none\"" -batch "$tmp/none"
check_err "-batch with a command" 'Error: -batch takes no command' -batch - link show
check_err "-batch twice" 'Error: duplicate "-batch": "b" is the second value' -batch a -batch b
check_err "-pack twice" 'Error: duplicate "-pack": "9" is the second value' \
	-force -pack 8 -pack 9 -batch -

printf '# comment\n\n   \t\n  # indented comment\n' >"$tmp/empty"
run -batch "$tmp/empty"
if [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
	report ok "-batch of comments only"
else
	report fail "-batch of comments only" "-batch $tmp/empty"
fi

printf '# setup\n\nlink set ext0 ttl 0\nlink set ext0 vni -1\n' >"$tmp/bad"
check_err "-batch reports the failing line" "Command failed $tmp/bad:3" -batch "$tmp/bad"
check_err "-batch prints the line's error" 'Error: argument "0" is wrong: ttl' -batch "$tmp/bad"
run -batch "$tmp/bad"
if [ "$(grep -c 'Command failed' "$tmp/err")" = 1 ] && ! grep -qF '"-1"' "$tmp/err"; then
	report ok "-batch stops at the first failing line"
else
	report fail "-batch stops at the first failing line" "-batch $tmp/bad"
fi

check_err "-force without -batch" 'Error: -force goes with -batch only' -force link show
# Usage errors need no kernel: with -force every line is still parsed.
run -force -batch "$tmp/bad"
if [ "$rc" = 1 ] && [ "$(grep -c 'Command failed' "$tmp/err")" = 2 ] &&
   grep -qF "Command failed $tmp/bad:4" "$tmp/err"; then
	report ok "-force -batch goes on after a failing line"
else
	report fail "-force -batch goes on after a failing line" "-force -batch $tmp/bad"
fi

printf '\n# x\nmap add 203.0.113.1 dev ext0 remote 192.0.2.2 lladdr zz\n' >"$tmp/stdin"
stdin=$tmp/stdin
check_err "-batch - reads standard input" 'Command failed -:3' -batch -
printf 'link set "ext0 vni 1\n' >"$tmp/stdin"
check_err "-batch unterminated quote" 'Command failed -:1' -batch -
printf 'link set "ext 0" ttl 0\n' >"$tmp/stdin"
check_err "-batch quoted word" 'Error: argument "ext 0" is wrong: not a valid device name' -batch -
printf 'link set ext0 ttl 0 # a comment\n' >"$tmp/stdin"
check_err "-batch trailing comment" 'Error: argument "0" is wrong: ttl' -batch -
printf 'link set "ext0"vni 5\n' >"$tmp/stdin"
check_err "-batch word after a closing quote" \
	'Error: "ext0" must be followed by a blank' -batch -
printf 'link set ext0\000 ttl 0\n' >"$tmp/stdin"
check_err "-batch line with a NUL byte" 'Error: NUL byte at column 14' -batch -
printf 'link set ext0 "ttl 0\n' >"$tmp/stdin"
check_err "-batch unterminated quote names the word" \
	'Error: unterminated " quote in "ttl 0' -batch -
printf -- '-s link set ext0 ttl 0\n' >"$tmp/stdin"
check_err "-batch line starting with an option" \
	'Error: argument "0" is wrong: ttl' -batch -
stdin=/dev/null

# Without the module: the first command that needs the kernel says so.
run link show
if [ "$rc" = 0 ]; then
	skip "missing family is reported" "extnet module is loaded"
	skip "missing family in -batch" "extnet module is loaded"
else
	check_err "missing family is reported" \
		'Error: generic netlink family "extnet" not found (is the extnet module loaded?)' \
		link show
	printf '# x\nneigh show\nlink set ext0 ttl 0\n' >"$tmp/stdin"
	stdin=$tmp/stdin
	check_err "missing family in -batch" 'Command failed -:2' -batch -
	stdin=/dev/null
fi
}

counting=1
checks
plan=$n
n=0
counting=
echo "KTAP version 1"
echo "1..$plan"
checks
# The two passes must agree (a check that runs in one only, e.g. one in a
# branch that the count cannot take).
if [ "$n" != "$plan" ]; then
	echo "# planned $plan results, got $n"
	failed=$((failed + 1))
fi
if [ "$skipped" = 0 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
[ "$failed" = 0 ]
