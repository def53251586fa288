#!/usr/bin/env bash
# Runs every libFuzzer binary BUILD_DIR/bin/fuzz_* for SECONDS each (`make
# fuzz`; docs/reliability.md FUZZ rows). Each target starts from a temporary copy
# of its committed seed corpus tests/fuzz/corpus/<name>/, so fuzzing never
# dirties the work tree. Stops at the first crash, leak, timeout or OOM,
# keeps the reproducer under BUILD_DIR/fuzz-crashes/<name>/ and prints how to
# replay it; exits non-zero if any target failed.
#
# Usage: scripts/run-fuzz.sh BUILD_DIR SECONDS [TARGET...]
#   TARGET: names like base58 or fuzz_base58 (default: all).
# Environment:
#   FUZZ_MERGE=1    afterwards, merge inputs that add coverage back into the
#                   committed corpus (libFuzzer -merge=1: only new-coverage
#                   inputs are added, which keeps it small). Review and commit.
#   FUZZ_MAX_LEN=N  override the per-target -max_len.
#   FUZZ_JOBS       not used: one target at a time (the machine has 2 cores).
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build_dir=$1
seconds=$2
shift 2
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -lt 1 ]]; then
    echo "run-fuzz: SECONDS must be a positive integer, got '$seconds'" >&2
    exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Inputs larger than any real value only slow the search down. Transactions
# are bounded by 65,536 Full bytes (docs/formats.md §T), JSON a bit above.
max_len_for() {
    case $1 in
        base58) echo 600 ;;     # kMaxBase58Chars = 512, plus room to cross it
        base64 | hex) echo 1024 ;;
        keys) echo 300 ;;       # 3 header bytes + <80 + <80 + message
        codec) echo 70000 ;;
        tx_json) echo 140000 ;;
        *) echo 4096 ;;
    esac
}

shopt -s nullglob
bins=()
if [[ $# -gt 0 ]]; then
    for t in "$@"; do
        t=${t#fuzz_}
        bins+=("$build_dir/bin/fuzz_$t")
    done
else
    for b in "$build_dir"/bin/fuzz_*; do
        [[ $b == *_replay ]] && continue
        bins+=("$b")
    done
fi
if [[ ${#bins[@]} -eq 0 ]]; then
    echo "run-fuzz: no fuzz_* binaries in $build_dir/bin (build target fuzz_all with -DIOST_FUZZ=ON)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/iost-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
printf '%-10s %8s %14s %10s %8s\n' target seconds execs exec/s corpus
for bin in "${bins[@]}"; do
    if [[ ! -x $bin ]]; then
        echo "run-fuzz: $bin is missing or not executable" >&2
        status=2
        break
    fi
    name=$(basename "$bin")
    name=${name#fuzz_}
    seed_dir=$root/tests/fuzz/corpus/$name
    corpus=$work/$name/corpus
    artifacts=$work/$name/artifacts
    mkdir -p "$corpus" "$artifacts"
    if [[ -d $seed_dir ]]; then
        cp -r "$seed_dir"/. "$corpus"/
    else
        echo "run-fuzz: warning: no seed corpus $seed_dir" >&2
    fi
    max_len=${FUZZ_MAX_LEN:-$(max_len_for "$name")}
    log=$work/$name/log
    rc=0
    "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=25 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    ncorpus=$(find "$corpus" -type f | wc -l)
    printf '%-10s %8s %14s %10s %8s\n' "$name" "$seconds" "${execs:-?}" "${rate:-?}" "$ncorpus"
    if [[ $rc -ne 0 ]]; then
        keep=$build_dir/fuzz-crashes/$name
        mkdir -p "$keep"
        cp "$log" "$keep/log"
        repro=""
        for f in "$artifacts"/*; do
            cp "$f" "$keep/"
            repro="$keep/$(basename "$f")"
        done
        echo "run-fuzz: fuzz_$name FAILED (exit $rc). Last lines of the log:" >&2
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | tail -15 >&2 || tail -30 "$log" >&2
        if [[ -n $repro ]]; then
            echo "run-fuzz: reproducer: $repro" >&2
            echo "run-fuzz: replay with: $bin $repro" >&2
        fi
        echo "run-fuzz: full log: $keep/log" >&2
        status=1
        break
    fi
    if [[ ${FUZZ_MERGE:-0} == 1 ]]; then
        mkdir -p "$seed_dir"
        before=$(find "$seed_dir" -type f | wc -l)
        "$bin" -merge=1 -max_len="$max_len" "$seed_dir" "$corpus" >"$work/$name/merge.log" 2>&1
        after=$(find "$seed_dir" -type f | wc -l)
        echo "run-fuzz: merged $((after - before)) new inputs into tests/fuzz/corpus/$name (now $after)"
    fi
done
exit $status
