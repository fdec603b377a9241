#!/bin/bash
# Smoke run of the benchmarks for make check: one round, 1 s per test, 1 000
# entries, so that bench_guest.sh cannot rot. KTAP checks that every
# measurement produced a number; the figures themselves are not judged.
# run_all.sh runs it twice: in the stock guest, and with bench.part=rounds
# in a guest under QEMU -icount (make bench's second boot).
set -euo pipefail
exec bash "$(dirname "$0")/bench_guest.sh" --smoke
