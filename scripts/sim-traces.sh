#!/usr/bin/env bash
# The simulator trace fixture (tests/sim/fixtures/traces.txt, docs/pob.md §10):
# the trace hash of every run of the CI seed batch and of
# `iost-sim --seeds 1:1000 --mix all`, recorded on the engine before a
# behaviour-preserving change, so the change can be proven not to alter one
# event of any run.
#
#   sim-traces.sh generate IOST_SIM FIXTURE          write the fixture (both sets)
#   sim-traces.sh check IOST_SIM FIXTURE [A:B] [JOBS] compare the sweep set, seeds A..B
#                                                    (default: all), over JOBS processes
#
# `check` exits 1 and lists every seed whose trace differs or is missing.
# The batch set is compared by sim_tests (SeedBatch) in `make test`.
set -euo pipefail

mode=${1:?mode}
sim=${2:?iost-sim binary}
fixture=${3:?fixture file}
sweep_first=1
sweep_last=1000

# JSON lines on stdin -> "seed trace" lines.
pairs() { sed -n 's/^{"seed":\([0-9]*\),.*"trace":"\([0-9a-f]*\)"}$/\1 \2/p'; }

case "$mode" in
generate)
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    {
        echo "# Simulator trace hashes (first 16 hex digits), recorded by scripts/sim-traces.sh generate."
        echo "# batch: $sim --ci-batch   (= tests/sim/sim_test.cpp SeedBatch: sim::CiBatchConfig, every mix x 18 seeds)"
        echo "# sweep: $sim --seeds $sweep_first:$sweep_last --mix all   (default SimConfig, mix = seed mod the number of mixes)"
        echo "# <set> <seed> <trace>"
    } >"$tmp"
    "$sim" --ci-batch | pairs | sed 's/^/batch /' >>"$tmp"
    "$sim" --seeds "$sweep_first:$sweep_last" --mix all | pairs | sed 's/^/sweep /' >>"$tmp"
    n=$(grep -c '^[bs]' "$tmp")
    batch=$(grep -c '^batch ' "$tmp" || true)
    sweep=$(grep -c '^sweep ' "$tmp" || true)
    if [ "$batch" -eq 0 ] || [ $((batch % 18)) -ne 0 ] || [ "$sweep" -ne $((sweep_last - sweep_first + 1)) ]; then
        echo "sim-traces: expected 18 batch runs per mix and $((sweep_last - sweep_first + 1)) sweep runs, got $batch and $sweep" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$fixture")"
    mv "$tmp" "$fixture"
    trap - EXIT
    echo "sim-traces: wrote $n traces to $fixture"
    ;;
check)
    range=${4:-$sweep_first:$sweep_last}
    jobs=${5:-1}
    first=${range%%:*}
    last=${range##*:}
    want=$(mktemp)
    got=$(mktemp)
    trap 'rm -f "$want" "$got" "$got".*' EXIT
    awk -v a="$first" -v b="$last" '$1 == "sweep" && $2 >= a && $2 <= b { print $2, $3 }' \
        "$fixture" | sort -n >"$want"
    if [ ! -s "$want" ]; then
        echo "sim-traces: the fixture has no sweep seed in $range" >&2
        exit 1
    fi
    # Split the range over JOBS processes (each run is independent).
    span=$(((last - first + jobs) / jobs))
    pids=()
    for ((j = 0; j < jobs; ++j)); do
        a=$((first + j * span))
        b=$((a + span - 1))
        [ "$b" -gt "$last" ] && b=$last
        [ "$a" -gt "$last" ] && break
        ("$sim" --seeds "$a:$b" --mix all | pairs >"$got.$j") &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    cat "$got".* | sort -n >"$got"
    if ! diff -u "$want" "$got" >"$got.diff"; then
        echo "sim-traces: traces differ from $fixture (- fixture, + now):" >&2
        grep '^[-+][0-9]' "$got.diff" >&2 || true
        exit 1
    fi
    echo "sim-traces: $(wc -l <"$got") sweep seeds in $range identical to the fixture"
    ;;
*)
    echo "usage: sim-traces.sh generate|check IOST_SIM FIXTURE [A:B] [JOBS]" >&2
    exit 2
    ;;
esac
