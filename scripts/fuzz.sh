#!/usr/bin/env bash
# Runs every fuzz target for the given time (default 240 s) and prints a one-line summary of
# each: executions, coverage, corpus size, and what it found (inputs in fuzz/artifacts/<target>).
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
#   scripts/fuzz.sh [seconds] [target…]
#
# The corpus of each target (fuzz/corpus/<target>, not committed) is seeded on first use from
# the bundled site and the test fixtures, plus the hand-written seeds in fuzz/seeds/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-240}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(guide_toml markdown path_gate svg_sanitiser plan)

seed() {
    local target=$1 dir=fuzz/corpus/$1 i=0 f
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || return 0
    case $target in
        guide_toml) set -- guides/*/guide.toml tests/fixtures/base/guides/*/guide.toml ;;
        markdown) set -- $(find guides tests/fixtures/base -name '*.md' | sort) ;;
        plan) set -- guides/*/plans/*.toml tests/fixtures/base/guides/*/plans/*.toml ;;
        svg_sanitiser) set -- $(find templates tests/fixtures/base -name '*.svg' | sort) ;;
        *) set -- ;;
    esac
    for f in "$@"; do
        i=$((i + 1))
        cp "$f" "$dir/seed-$i"
    done
}

# Sanitiser `none`: the crate forbids unsafe code, and without AddressSanitizer the targets run
# about twice as fast; panics, overflows (debug assertions are on), stack overflows, hangs
# (-timeout) and memory blow-ups (-rss_limit_mb) are still caught.
flags=(--sanitizer none)
cargo +nightly fuzz build "${flags[@]}" >/dev/null
for target in "${targets[@]}"; do
    seed "$target"
    seeds=()
    [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
    log=fuzz/artifacts/$target.log
    mkdir -p "fuzz/artifacts/$target"
    status=ok
    cargo +nightly fuzz run "${flags[@]}" "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"$log" 2>&1 || status="FOUND SOMETHING (see $log)"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | tail -1 || true)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | tail -1 || true)
    corpus=$(ls "fuzz/corpus/$target" | wc -l)
    echo "$target: ${seconds}s, ${execs:-?} execs, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $corpus, $status"
done
