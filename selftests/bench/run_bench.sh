#!/bin/bash
# make bench: run selftests/bench_guest.sh in one QEMU guest (Debian's stock
# kernel, through qemu/run.sh) and write its results as Markdown.
#
# usage: run_bench.sh [--smoke] [--rounds N] [--secs S] [--bsecs S] [--arp N]
#                     [--scale N,N,...] [--vmax N] [--reps N] [--no-calibrate]
#                     [--icount-rounds N] [--report-only] [-o OUTDIR] [-v]
#
#   --smoke    the short run of make check (1 round, 1 s, 1 000 entries)
#   --rounds   interleaved rounds P V X, X V P, ... (default 6)
#   --secs     seconds per iperf3 test (default 5)
#   --bsecs    seconds per udpblast run (default 3)
#   --arp      ARP requests per latency test (default 200)
#   --scale    table sizes of the pps-versus-entries runs; the last one is also
#              the insert / flush / rmmod size (default 1,1000,65536,1000000)
#   --vmax     largest table for kernel vxlan (default 65536: its FDB has 256
#              hash buckets and each insert walks a chain)
#   --reps     runs per table size (default 6)
#   --no-calibrate  do not time the guest's `ip -batch` of neighbour entries
#              on the host (a TCG slowdown estimate; needs root, netns, vxlan)
#   --icount-rounds  forwarding rounds of the second boot, under QEMU -icount
#              shift=0 with one vCPU, where guest time counts instructions
#              (2 s per iperf3 and udpblast test, 100 ARP requests; default 3,
#              0: no second boot; about 3 minutes of wall time per round)
#   --report-only  no new run: write results.md from OUTDIR's console.log
#   -o         output directory (default build/bench): console.log, results.md
#   -v         show the guest console live
#
# Environment: QEMU_MEM (default here 2G), QEMU_SMP, EXTNET_CMDLINE and the
# rest of qemu/run.sh's. Exits with run.sh's status.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

test=bench_guest.sh outdir=$root/build/bench verbose=() params=() calibrate=1 report_only=0
icount_rounds=3
while [[ $# -gt 0 ]]; do
	case $1 in
	--smoke) test=bench_smoke.sh ;;
	--rounds | --secs | --bsecs | --arp | --scale | --vmax | --reps)
		[[ $# -ge 2 && $2 =~ ^[0-9][0-9,.]*$ ]] || usage
		params+=("bench.${1#--}=$2")
		shift
		;;
	-o)
		[[ $# -ge 2 ]] || usage
		outdir=$2
		shift
		;;
	--no-calibrate) calibrate=0 ;;
	--icount-rounds)
		[[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage
		icount_rounds=$2
		shift
		;;
	--report-only) report_only=1 ;;
	-v) verbose=(-v) ;;
	*) usage ;;
	esac
	shift
done

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
results=$outdir/results.md
rm -f "$results"

export QEMU_MEM=${QEMU_MEM:-2G}
export EXTNET_CMDLINE="${EXTNET_CMDLINE-} ${params[*]}"

load() { cut -d' ' -f1-3 /proc/loadavg; }
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load0=$(load)
t0=$SECONDS
rc=0
icount_dir=$outdir/icount
if [[ $report_only -eq 0 ]]; then
	rm -rf "$icount_dir"
	"$root/selftests/qemu/run.sh" "${verbose[@]}" -o "$outdir" -t 5400 "$root/selftests/$test" |
		tee "$outdir/run.log" || rc=$?
	# The forwarding rounds again, in instruction time: the same figures
	# from one round to the next, where wall-clock TCG rounds spread by
	# tens of per cent. Then ARP over fresh set-ups (bench_arp.sh): one
	# set-up's ARP figure depends on its hash seeds.
	if [[ $icount_rounds -gt 0 && $test == bench_guest.sh ]]; then
		mkdir -p "$icount_dir"
		# Later parameters win over the ones given for the first boot.
		icmd="$EXTNET_CMDLINE bench.part=rounds bench.rounds=$icount_rounds"
		icmd+=" bench.secs=2 bench.bsecs=2 bench.arp=100"
		EXTNET_CMDLINE=$icmd QEMU_ICOUNT=0 QEMU_SMP=1 "$root/selftests/qemu/run.sh" "${verbose[@]}" \
			-o "$icount_dir" -t 5400 "$root/selftests/$test" "$root/selftests/bench_arp.sh" |
			tee "$icount_dir/run.log" || rc=$?
	fi
fi
wall=$((SECONDS - t0))

# bench_md CONSOLE: the Markdown the guest printed as KTAP diagnostics
# between two markers.
bench_md() {
	sed -n 's/^@@ [^|]*| //p' "$1" |
		awk '/^# BENCH-MD-END$/ { on = 0 } on { print } /^# BENCH-MD-BEGIN$/ { on = 1 }' |
		sed 's/^# \{0,1\}//'
}
md=$(bench_md "$outdir/console.log")
if [[ -z $md ]]; then
	echo "run_bench.sh: no results in $outdir/console.log" >&2
	exit $((rc ? rc : 1))
fi
icount_md=
if [[ -f $icount_dir/console.log ]]; then
	icount_md=$(bench_md "$icount_dir/console.log")
	if [[ -z $icount_md ]]; then
		echo "run_bench.sh: no results in $icount_dir/console.log" >&2
		[[ $rc -ne 0 ]] || rc=1
	fi
fi
verdict=$(grep -sE '^[0-9]+ passed, [0-9]+ failed' "$outdir/run.log" | tail -n1) || true
guest=$(sed -n 's/^# guest ran \(.*\)$/\1/p' "$outdir/run.log" 2>/dev/null | tail -n1) || true
calib_field() {
	sed -n "s/^@@ [^|]*| # BENCH-CALIB $1 //p" "$outdir/console.log" | tail -n1
}

# calibrate FIRST COUNT: the fastest of three runs, in seconds, of the batch
# of COUNT neighbour entries that the guest timed, on this host.
calibrate_host() {
	local ns=extnet-bench-$$ batch=$outdir/calib.batch best="" t0 t
	"$root/selftests/progs/addrgen" "$1" "$2" \
		"neigh add %a lladdr %m dev vx0 nud permanent" >"$batch" || return 1
	for _ in 1 2 3; do
		ip netns add "$ns" 2>/dev/null || return 1
		if ip -n "$ns" link add vx0 type vxlan id 5001 dstport 4789 local 192.0.2.1 \
			nolearning proxy noudpcsum 2>/dev/null && ip -n "$ns" link set vx0 up; then
			if [[ $1 -gt 0 ]]; then
				"$root/selftests/progs/addrgen" 0 "$1" \
					"neigh add %a lladdr %m dev vx0 nud permanent" |
					ip -n "$ns" -batch -
			fi
			t0=$EPOCHREALTIME
			ip -n "$ns" -batch "$batch" || { ip netns del "$ns"; return 1; }
			t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
			if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
				best=$t
			fi
		fi
		ip netns del "$ns"
	done
	rm -f "$batch"
	[[ -n $best ]] && echo "$best"
}

calib=''
read -r cfirst ccount csecs <<<"$(calib_field neigh)" || true
if [[ $calibrate -eq 1 && -n ${csecs-} && $(id -u) -eq 0 ]]; then
	if hsecs=$(calibrate_host "$cfirst" "$ccount"); then
		factor=$(awk -v g="$csecs" -v h="$hsecs" 'BEGIN { printf "%.1f", g / h }')
		xrate=$(calib_field xrate)
		read -r fcount flush <<<"$(calib_field flush)" || true
		calib=$(
			echo "### TCG calibration (an estimate, not a measurement)"
			echo
			echo "The guest's \`ip -batch\` of $ccount permanent neighbour entries (after $cfirst) took"
			echo "$csecs s; the same batch on this host (Linux $(uname -r), native, fastest of 3)"
			echo "took $hsecs s: the guest is about ${factor}x slower at this kind of netlink work."
			echo "Scaled by that factor, X would insert about" \
				"$(awk -v r="$xrate" -v f="$factor" 'BEGIN { printf "%.0f", r * f }') entries/s and"
			echo "flush $fcount entries in about" \
				"$(awk -v s="$flush" -v f="$factor" 'BEGIN { printf "%.3f", s / f }') s natively (host kernel, CPU"
			echo "and load differ from the guest's; flushing is kernel work only, so its factor may differ)."
		)
	else
		calib="(TCG calibration skipped: could not run ip -batch in a network namespace here)"
	fi
fi

{
	echo "## extnet benchmark, $started"
	echo
	echo "- guest: Debian ${KVER:-6.1.0-56-amd64}, QEMU TCG, -smp ${QEMU_SMP:-2}, -m $QEMU_MEM;" \
		"host: $(nproc) CPUs, load average $load0 at start, $(load) at the end"
	echo "- tree: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown);" \
		"parameters: ${params[*]:-defaults} ($test)"
	if [[ $report_only -eq 0 ]]; then
		echo "- make bench wall time $wall s (guest $guest); run.sh: $verdict"
	else
		echo "- written afterwards (--report-only); the guest's own verdict:" \
			"$(sed -n 's/^@@ bench_[a-z]*\.sh| # \([0-9]* passed, .*\)$/\1/p' \
				"$outdir/console.log" | tail -n1)"
	fi
	echo "- console: $outdir/console.log"
	if [[ -f $icount_dir/console.log ]]; then
		echo "- instruction-time boot: guest $(sed -n 's/^# guest ran \(.*\)$/\1/p' \
			"$icount_dir/run.log" 2>/dev/null | tail -n1); run.sh:" \
			"$(grep -sE '^[0-9]+ passed, [0-9]+ failed' "$icount_dir/run.log" | tail -n1);" \
			"console: $icount_dir/console.log"
	fi
	echo
	echo "$md"
	if [[ -n $icount_md ]]; then
		echo
		echo "$icount_md"
	fi
	if [[ -n $calib ]]; then
		echo
		echo "$calib"
	fi
} >"$results"
echo "# results: $results"
exit "$rc"
