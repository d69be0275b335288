#!/usr/bin/env python3
"""Generates N synthetic guides deterministically, for the catalog benchmarks
(scripts/bench-catalog.sh, scripts/bench-serve.py): WORK/site is a permitroom site (a
guide.toml with the minimum fields and a ~13.6 KB Chinese Markdown overview each: lists, a
table, links to other guides, no plan), WORK/hugo the same Markdown as a Hugo site.
Usage: scripts/gen-catalog.py WORK N"""
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
