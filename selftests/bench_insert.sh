#!/bin/bash
# Control-plane insert rate, one boot, the forms of "extnet -batch" side by
# side (Documentation/benchmarks-history.md, "Insert rate: entries per request"):
#   batch  - extnet -batch: one request, one ack awaited, per line;
#   pack1  - extnet -force -pack 1 -batch: pipelined, one entry per request
#            (what -force did before requests of several entries);
#   packed - extnet -force -batch: pipelined, up to 256 entries per request;
#   netlink - the same requests of 256 entries, built beforehand by
#            nlinsert (selftests/progs): the kernel's side alone, without
#            the tool's text parsing; its time is nlinsert's own.
# Each run loads COUNT entries into an empty table; the memory per entry is
# the Slab + Percpu growth of the packed load. Not in run_all.sh: it takes
# minutes under TCG. BENCH_INSERT_SIZES overrides "200000 1000000".
# Then the same packed load of BENCH_INSERT_VTEPS (20000) IPv6 entries,
# once to one VTEP and once each to a VTEP of its own (a cloud where every
# host is a VTEP), and a quarter of them each to its own VTEP: the VTEPs
# are found by hash, so four times the VTEPs take about four times as long
# (a walk over the VTEPs, as before, took sixteen times as long).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=topo.sh
. "$(dirname "$0")/topo.sh"

SIZES=${BENCH_INSERT_SIZES:-200000 1000000}
B=$_LIB_TMP/ins
UL=192.0.2.2

now() { echo "$EPOCHREALTIME"; }
entries() {
	ip netns exec gA extnet link show ext0 |
		awk '{ for (i = 1; i < NF; i++) if ($i == "entries") print $(i + 1) }'
}
# Slab + Percpu, kB.
meminfo() { awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }

NV=${BENCH_INSERT_VTEPS:-20000}
n_sizes=$(wc -w <<<"$SIZES")
ktap_plan $((n_sizes * 4 + 3))
extnet_load
ns_add gA
in_ns gA ip link add ext0 type extnet

declare -A T=() MEM=() CPU=()
TIMEFORMAT='%U+%S'
# load FORM N: time loading the N entries of $B.N with FORM.
load() {
	local form=$1 n=$2 t0 m0 rc=0
	local -a opt
	case $form in
	batch) opt=(-batch) ;;
	pack1) opt=(-force -pack 1 -batch) ;;
	packed) opt=(-force -batch) ;;
	esac
	in_ns gA extnet map flush dev ext0
	# The flushed table is freed after a grace period, from a work item.
	[[ $form == packed ]] && sleep 3
	m0=$(meminfo)
	if [[ $form == netlink ]]; then
		# "N entries in S s, R entries/s, user U s, system Y s"
		ip netns exec gA nlinsert ext0 "$UL" 0 "$n" >"$B.out" 2>"$B.err" || rc=$?
		T[$form,$n]="${T[$form,$n]:-} $(awk '{ print $4 }' "$B.out")"
		CPU[$form,$n]=$(awk -F', ' '{ print $3 ", " $4 }' "$B.out")
		[[ $rc -eq 0 ]] || cat "$B.err"
		[[ $rc -eq 0 && $(entries) -eq $n ]]
		return
	fi
	t0=$(now)
	# User and system CPU time of the tool (the kernel's work runs in
	# its system time): where the time goes.
	{ time ip netns exec gA extnet "${opt[@]}" "$B.$n" 2>"$B.err" || rc=$?; } 2>"$B.time"
	T[$form,$n]="${T[$form,$n]:-} $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')"
	CPU[$form,$n]="user+sys $(cat "$B.time") s"
	[[ $rc -eq 0 ]] || cat "$B.err"
	if [[ $form == packed ]]; then
		sleep 3
		MEM[$n]=$(( ($(meminfo) - m0) * 1024 / n ))
	fi
	[[ $rc -eq 0 && $(entries) -eq $n ]]
}

# best FORM N: the shortest of its times.
best() { tr ' ' '\n' <<<"${T[$1,$2]:-}" | awk 'NF && (!m || $1 < m) { m = $1 } END { print m }'; }

for n in $SIZES; do
	addrgen 0 "$n" "map add %a dev ext0 remote $UL" >"$B.$n"
	ok=1
	# Alternated, the slower forms fewer times at the large size.
	if [[ $n -le 200000 ]]; then
		load batch "$n" || ok=0
	fi
	load pack1 "$n" || ok=0
	load packed "$n" || ok=0
	load netlink "$n" || ok=0
	if [[ $n -le 200000 ]]; then
		load packed "$n" || ok=0
		load pack1 "$n" || ok=0
		load netlink "$n" || ok=0
	fi
	check "$n entries: every form loads them all" test "$ok" -eq 1
	p1=$(best pack1 "$n") pk=$(best packed "$n") bt=$(best batch "$n")
	nl=$(best netlink "$n")
	diag "$n entries: batch ${bt:--} s, -force -pack 1 ${T[pack1,$n]} s, -force (packed) ${T[packed,$n]} s, netlink ${T[netlink,$n]} s"
	diag "$n entries: $(awk -v n="$n" -v a="$p1" -v b="$pk" -v c="$bt" -v d="$nl" 'BEGIN {
		printf "entries/s: batch %s, pack1 %.0f, packed %.0f, netlink %.0f; packed/pack1 %.1f",
			c ? sprintf("%.0f", n / c) : "-", n / a, n / b, n / d, a / b }')"
	diag "$n entries: last run's CPU: batch ${CPU[batch,$n]:--}, pack1 ${CPU[pack1,$n]}, packed ${CPU[packed,$n]}, netlink ${CPU[netlink,$n]}"
	diag "$n entries: Slab + Percpu per entry (packed load): ${MEM[$n]} bytes"
	echo "# BENCH-INSERT $n ${bt:--} $p1 $pk ${MEM[$n]} $nl"
	check "$n entries: packed faster than one entry per request" \
		awk -v a="$p1" -v b="$pk" 'BEGIN { exit !(b < a) }'
	# The tool only adds its parsing to the same requests.
	check "$n entries: the prebuilt requests no slower than the tool's" \
		awk -v a="$pk" -v b="$nl" 'BEGIN { exit !(b <= a) }'
	check "$n entries: at most 128 bytes of Slab + Percpu per entry" \
		test "${MEM[$n]}" -le 128
	rm -f "$B.$n"
done
# vteps K FILE N: time the packed load of FILE (N entries) into an empty
# table.
vteps() {
	local t0 rc=0
	in_ns gA extnet map flush dev ext0
	sleep 1
	t0=$(now)
	ip netns exec gA extnet -force -batch "$2" 2>"$B.err" || rc=$?
	T[vteps,$1]=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
	[[ $rc -eq 0 ]] || cat "$B.err"
	[[ $rc -eq 0 && $(entries) -eq $3 ]]
}
NQ=$((NV / 4))
awk -v n="$NV" 'BEGIN { for (i = 1; i <= n; i++)
	printf "map add 2001:db8:1::%x dev ext0 remote 2001:db8:ff::1\n", i }' >"$B.v1"
awk -v n="$NV" 'BEGIN { for (i = 1; i <= n; i++)
	printf "map add 2001:db8:1::%x dev ext0 remote 2001:db8:ff::%x\n", i, i }' >"$B.vn"
head -n "$NQ" "$B.vn" >"$B.vq"
ok=1
vteps one "$B.v1" "$NV" || ok=0
vteps quarter "$B.vq" "$NQ" || ok=0
vteps many "$B.vn" "$NV" || ok=0
check "$NV entries to one VTEP, to $NQ and to $NV VTEPs: all loaded" test "$ok" -eq 1
diag "$NV entries: one VTEP ${T[vteps,one]} s, $NV VTEPs ${T[vteps,many]} s; $NQ entries and VTEPs ${T[vteps,quarter]} s"
echo "# BENCH-INSERT-VTEPS $NV ${T[vteps,one]} ${T[vteps,many]} ${T[vteps,quarter]}"
# Linear: about 4x; a walk over the VTEPs on every insert: about 16x.
check "$NV VTEPs: at most 8x the time of $NQ VTEPs" \
	awk -v a="${T[vteps,quarter]}" -v b="${T[vteps,many]}" 'BEGIN { exit !(b <= 8 * a) }'
rm -f "$B.v1" "$B.vn" "$B.vq"

in_ns gA extnet map flush dev ext0
check "table empty after the last flush" test "$(entries)" -eq 0
ktap_finish
