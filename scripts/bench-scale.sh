#!/usr/bin/env bash
# Scale benchmark: builds a site with N copies of every bundled guide and prints build time,
# peak memory and the search-index sizes a reader downloads.
# Usage: scripts/bench-scale.sh N [--no-pdf]     (e.g. 10 with PDFs, 334 ≈ 2,000 guides without)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?copies}
shift
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/site/guides"
cp -r site.toml materials forms vocabularies symbols "$work/site/"
for g in guides/*/; do
  id=$(basename "$g")
  for i in $(seq "$n"); do cp -r "$g" "$work/site/guides/$id-$i"; done
done
guides=$(ls "$work/site/guides" | wc -l)
/usr/bin/time -f "check: %e s wall, %U s user, %M KiB peak RSS" ./target/debug/permitroom check --root "$work/site" 2>&1 | grep -E '^check|error' | tail -3
/usr/bin/time -f "build: %e s wall, %M KiB peak RSS" ./target/debug/permitroom build --root "$work/site" --out "$work/out" "$@" 2>&1 | grep -E '^build|error' | tail -3
idx="$work/out/search"
shards=$(ls "$idx/shards" | wc -l)
echo "guides: $guides; pdfs: $(find "$work/out" -name '*.pdf' | wc -l)"
echo "search: $(jq .docs "$idx/meta.json" 2>/dev/null || python3 -c "import json;print(json.load(open('$idx/meta.json'))['docs'])") documents, $shards bigram shards, $(ls "$idx/chars" | wc -l) character shards, $(ls "$idx/heads" | wc -l) head chunks, $(ls "$idx/docs" | wc -l) text chunks"
python3 - "$idx" <<'PY'
import os, sys, json, statistics
idx = sys.argv[1]
def sizes(d): return [os.path.getsize(os.path.join(idx, d, f)) for f in os.listdir(os.path.join(idx, d))]
s, u, h, c = sizes('shards'), sizes('chars'), sizes('heads'), sizes('docs')
total = sum(s) + sum(u) + sum(h) + sum(c) + os.path.getsize(os.path.join(idx, 'meta.json'))
print(f"index total {total/1024:.0f} KiB; bigram shard median {statistics.median(s)/1024:.1f} KiB, max {max(s)/1024:.1f} KiB; "
      f"character shard max {max(u)/1024:.1f} KiB; head chunk max {max(h)/1024:.1f} KiB; "
      f"text chunk median {statistics.median(c)/1024:.1f} KiB, max {max(c)/1024:.1f} KiB")
print(f"a 2-character query downloads 1 bigram shard, the head chunks of its hits and the text chunks "
      f"of the 20 results shown: ~{max(s)/1024:.0f} KiB + {max(h)/1024:.0f} KiB per head chunk + "
      f"{statistics.median(c)/1024:.0f} KiB per text chunk; a 1-character query reads a character shard instead")
PY
