#!/usr/bin/env bash
# Wall time and peak memory of building the bundled site (pages, plans, PDFs), N times.
# Usage: scripts/bench-build.sh [N] [--no-pdf]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
shift || true
cargo build --quiet
out=$(mktemp -d)
for i in $(seq "$n"); do
  /usr/bin/time -f "run $i: %e s wall, %M KiB peak RSS" ./target/debug/permitroom build --out "$out/site" "$@" 2>&1 | grep '^run'
done
rm -rf "$out"
