#!/usr/bin/env bash
# Plots an iost-bench run (docs/benchmarks.md) with gnuplot:
#   scripts/bench-plot.sh [RESULTS_DIR [OUT_DIR]]
# reads RESULTS_DIR/pob.dat and fallback.dat (written by iost-bench; columns:
# offered finalized_tps packed_p50 packed_p99 final_p50 final_p99 path) and
# writes OUT_DIR/bench-throughput.svg and OUT_DIR/bench-latency.svg
# (P2P steps only: the same load offered to both protocols).
set -euo pipefail
res=${1:-bench-results}
out=${2:-$res}
for f in "$res/pob.dat" "$res/fallback.dat"; do
  [[ -s "$f" ]] || { echo "bench-plot: $f missing or empty (run iost-bench first)" >&2; exit 1; }
done
command -v gnuplot >/dev/null || { echo "bench-plot: gnuplot not installed" >&2; exit 1; }
mkdir -p "$out"
# The ceiling search (docs/benchmarks.md) writes its steps in the order it ran them (up, then
# bisecting down): sort each file's rows by offered load so the lines do not zigzag.
sorted=$(mktemp -d)
trap 'rm -rf "$sorted"' EXIT
for f in pob fallback; do
  { grep '^#' "$res/$f.dat" || true; grep -v '^#' "$res/$f.dat" | sort -n -k1,1; } >"$sorted/$f.dat"
done
data=$res
res=$sorted
gnuplot <<GP
set terminal svg size 760,440 dynamic enhanced font "sans,12" background "white"
set datafile commentschars "#"
p2p(v) = strcol(7) eq "p2p" ? v : 1/0
set grid
set key left top

set output "$out/bench-throughput.svg"
set title "Finalized throughput against offered load (P2P path)"
set xlabel "offered load (tx/s)"
set ylabel "finalized (tx/s)"
set xrange [0:*]
set yrange [0:*]
plot x title "offered = finalized" dt 2 lc rgb "#888888", \
     "$res/pob.dat" using 1:(p2p(\$2)) with linespoints lw 2 pt 7 title "PoB 4+4, p=0.1", \
     "$res/fallback.dat" using 1:(p2p(\$2)) with linespoints lw 2 pt 5 title "PBFT fallback, 8 validators"

set output "$out/bench-latency.svg"
set title "Latency percentiles against offered load (P2P path)"
set ylabel "latency (ms, log scale)"
set logscale y
set yrange [*:*]
plot "$res/pob.dat" using 1:(p2p(\$5)) with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "PoB IRREVERSIBLE p50", \
     "$res/pob.dat" using 1:(p2p(\$6)) with linespoints lw 2 pt 7 dt 2 lc rgb "#1f77b4" title "PoB IRREVERSIBLE p99", \
     "$res/pob.dat" using 1:(p2p(\$3)) with linespoints lw 1 pt 6 lc rgb "#2ca02c" title "PoB PACKED p50", \
     "$res/pob.dat" using 1:(p2p(\$4)) with linespoints lw 1 pt 6 dt 2 lc rgb "#2ca02c" title "PoB PACKED p99", \
     "$res/fallback.dat" using 1:(p2p(\$5)) with linespoints lw 2 pt 5 lc rgb "#d62728" title "fallback IRREVERSIBLE p50", \
     "$res/fallback.dat" using 1:(p2p(\$6)) with linespoints lw 2 pt 5 dt 2 lc rgb "#d62728" title "fallback IRREVERSIBLE p99"
GP
echo "bench-plot: wrote $out/bench-throughput.svg and $out/bench-latency.svg (from $data)"
