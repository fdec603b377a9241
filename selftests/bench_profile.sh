#!/bin/bash
# Where the forwarding time goes: the same V and X set-ups as
# bench_guest.sh (kernel vxlan and extnet in a bridge), one measurement at a
# time under the ftrace function tracer restricted to a list of data-path
# functions, and how often each was called. Comparing X with V at about the
# same throughput shows work one of them does and the other does not
# (lookups, GRO rounds, unclones, software checksums, out-of-order queueing).
# Tracing slows everything; read the counts, not the figures.
#
# Then, if perf is in the guest, where the CPU time goes: each of P, V and
# X under perf's cpu-clock sampling (a timer, so it works without a PMU,
# as under TCG), per symbol, and how much of the busy time was the
# set-up's own module: extnet for X, vxlan for V.
#
# Not part of make check; "make profile" runs it with perf:
#   EXTNET_PROFILE=1 bash selftests/qemu/setup.sh   # installs linux-perf
#   EXTNET_GUEST_TOOLS=perf QEMU_MEM=2G bash selftests/qemu/run.sh -t 900 \
#       selftests/bench_profile.sh
# Documentation/benchmarks-history.md, "Fast-path changes", says what the counts
# and samples of 2026-11-21/22 showed. Prints KTAP: one check per traced
# run that it counted the set-up's own transmit and receive functions, one
# per sampled run that it sampled the set-up's own module (skipped without
# perf); the counts as "# count METRIC SETUP FUNCTION N" lines, the
# samples as "# share METRIC SETUP DSO SYMBOL PERCENT" and
# "# own METRIC SETUP MODULE PERCENT-OF-BUSY IDLE-PERCENT" lines.
# shellcheck disable=SC2317 # bench_guest.sh returns early when sourced so
# (BENCH_DEFS_ONLY), which shellcheck takes for the end of this script.
set -euo pipefail
BENCH_DEFS_ONLY=1
# shellcheck source-path=SCRIPTDIR source=bench_guest.sh
. "$(dirname "$0")/bench_guest.sh"
SECS=3 BSECS=3

T=/sys/kernel/tracing
FUNCS=(
	extnet_xmit extnet_udp_encap_recv vxlan_xmit vxlan_rcv
	gro_cells_receive napi_gro_receive skb_gro_receive netif_receive_skb
	netif_rx pskb_expand_head skb_segment __skb_gso_segment
	skb_checksum_help __skb_checksum_complete
	tcp_v4_rcv tcp_v4_send_check tcp_data_queue_ofo tcp_retransmit_skb
	skb_copy_datagram_iter br_handle_frame
)
RUNS=(fwd tcp tcp_nogso)
SAMPLED=(tcp tcp_nogso)
# Symbols of an idle CPU, left out of the busy time.
IDLE_RE='^(native_safe_halt|default_idle|default_idle_call|cpuidle_idle_call|do_idle|acpi_idle_do_entry|mwait_idle)$'

# counted METRIC S: run the measurement with the function tracer on FUNCS;
# print its figure and the calls per function.
counted() {
	local m=$1 s=$2 f figure
	echo 0 >"$T/tracing_on"
	echo nop >"$T/current_tracer"
	echo 32768 >"$T/buffer_size_kb"
	echo >"$T/trace"
	: >"$T/set_ftrace_filter"
	for f in "${FUNCS[@]}"; do
		echo "$f" >>"$T/set_ftrace_filter" 2>/dev/null ||
			diag "not traceable here: $f"
	done
	echo function >"$T/current_tracer"
	echo 1 >"$T/tracing_on"
	figure=$("$m" "$s")
	echo 0 >"$T/tracing_on"
	diag "$m ${LABEL[$s]}: ${figure:-no figure} ${UNIT[$m]} (traced)"
	awk -v m="$m" -v s="${LABEL[$s]}" '
		!/^#/ { for (i = 2; i <= NF; i++) if ($i ~ /^<-/) { n[$(i - 1)]++; break } }
		END { for (f in n) printf "# count %s %s %s %d\n", m, s, f, n[f] }' \
		"$T/trace" | sort -k5,5
	if grep -q 'overrun: [1-9]' "$T/per_cpu/cpu0/stats" "$T/per_cpu/cpu1/stats" 2>/dev/null; then
		diag "the trace buffer overran: counts are low"
	fi
	echo nop >"$T/current_tracer"
}

# sampled METRIC S: the measurement under perf's cpu-clock sampling of
# both CPUs; the figure, the symbols over 0.2 % of the samples, and the
# share of the busy (not idle) samples that fell in the set-up's module.
sampled() {
	local m=$1 s=$2 data=$_LIB_TMP/perf.data figure
	figure=$(perf record -q -a -e cpu-clock -F 1999 -o "$data" -- \
		bash -c "$(declare -f "$m" tcp); SECS=$SECS; $m $s" 2>/dev/null) || true
	diag "$m ${LABEL[$s]}: ${figure:-no figure} ${UNIT[$m]} (sampled)"
	# perf names kernel modules' symbols [kernel.kallsyms] too: the
	# module's own are those /proc/kallsyms lists with [MODULE].
	awk -v m="[${OWN[$s]}]" '$4 == m { print $3 }' /proc/kallsyms >"$_LIB_TMP/own.syms"
	perf report -i "$data" --stdio --sort dso,sym 2>/dev/null |
		awk -v m="$m" -v s="${LABEL[$s]}" -v mod="${OWN[$s]}" -v idle="$IDLE_RE" '
		FILENAME != "-" { own_sym[$1] = 1; next }
		$1 ~ /%$/ && ($3 == "[k]" || $3 == "[.]") {
			p = $1; sub(/%/, "", p); sym = $4
			if (sym ~ idle) { idl += p; next }
			if (sym in own_sym) own += p
			if (p >= 0.2 || sym in own_sym)
				printf "# share %s %s %s %s %.2f\n", m, s,
					sym in own_sym ? "[" mod "]" : $2, sym, p
		}
		END { printf "# own %s %s %s %.1f %.1f\n", m, s, mod ? mod : "-",
			idl < 100 ? own * 100 / (100 - idl) : 0, idl }' "$_LIB_TMP/own.syms" -
}

[[ -d $T/instances ]] || mount -t tracefs nodev "$T"
ktap_plan $((2 + 2 * ${#RUNS[@]} + 3 * ${#SAMPLED[@]}))
grep -q '^extnet ' /proc/modules || modprobe extnet
modprobe vxlan
setup_v
setup_x
check "V: hA reaches hB (kernel vxlan)" in_ns v_hA ping -c 2 -i 0.2 -W 3 203.0.113.21
check "X: hA reaches hB (extnet)" in_ns x_hA ping -c 2 -i 0.2 -W 3 203.0.113.21
iperf_server v
iperf_server x
for m in "${RUNS[@]}"; do
	for s in v x; do
		out=$(counted "$m" "$s")
		printf '%s\n' "$out"
		if [[ $s == v ]]; then
			want=(vxlan_xmit vxlan_rcv)
		else
			want=(extnet_xmit extnet_udp_encap_recv)
		fi
		n1=$(awk -v f="${want[0]}" '$5 == f { print $6 }' <<<"$out")
		n2=$(awk -v f="${want[1]}" '$5 == f { print $6 }' <<<"$out")
		check "${LABEL[$s]} ${LABEL[$m]}: ${want[*]} counted (${n1:-0}, ${n2:-0})" \
			test "${n1:-0}" -gt 0 -a "${n2:-0}" -gt 0
	done
done

# shellcheck disable=SC2034 # read through ${OWN[$s]} in sampled()
declare -A OWN=([p]="" [v]=vxlan [x]=extnet)
if ! command -v perf >/dev/null; then
	for m in "${SAMPLED[@]}"; do
		for s in p v x; do
			skip "${LABEL[$s]} ${LABEL[$m]}: sampled" "no perf in the guest (make profile)"
		done
	done
	ktap_finish
	exit 0
fi
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
setup_p
iperf_server p
for m in "${SAMPLED[@]}"; do
	for s in p v x; do
		out=$(sampled "$m" "$s")
		printf '%s\n' "$out"
		own=$(awk '$2 == "own" { print $6 }' <<<"$out")
		if [[ $s == p ]]; then
			check "${LABEL[$s]} ${LABEL[$m]}: sampled" \
				test "$(grep -c '^# share' <<<"$out")" -gt 0
		else
			check "${LABEL[$s]} ${LABEL[$m]}: ${OWN[$s]} sampled (${own:-0} % of busy time)" \
				awk -v o="${own:-0}" 'BEGIN { exit !(o > 0) }'
		fi
	done
done
ktap_finish
