//! PDF handouts, checked by structure rather than bytes: with poppler (pdfinfo, pdffonts,
//! pdftotext, pdftoppm), qpdf and zbarimg, installed by `.ci/run`.

use std::path::{Path, PathBuf};

use crate::common::*;

fn bundled_output() -> &'static Path {
    bundled_site()
}

fn page_count(pdf: &Path) -> usize {
    let run = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

fn text_of(pdf: &Path) -> String {
    let run = tool("pdftotext", &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // pdftotext breaks lines where the layout does; compare without white space.
    run.stdout.split_whitespace().collect()
}

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The guides of the bundled site, from the library itself.
fn guides() -> Vec<permitroom::model::Guide> {
    let checked = permitroom::check(&repo_root()).expect("the repo is a site");
    checked.site.expect("the bundled site has no errors").guides
}

#[test]
fn every_handout_embeds_its_fonts_and_has_extractable_chinese_text() {
    for guide in guides() {
        let pdf = bundled_output().join(format!("guides/{0}/{0}-handout.pdf", guide.id));
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        let font_lines: Vec<&str> = fonts.stdout.lines().skip(2).collect();
        assert!(!font_lines.is_empty(), "{}", fonts.stdout);
        for line in &font_lines {
            assert!(line.contains("PermitroomSansSC"), "unexpected font: {line}");
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name type... encoding emb sub uni object ID: emb is the fourth column from the end.
            assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {line}");
        }
        let text = text_of(&pdf);
        assert!(
            text.contains(&compact(&guide.title)),
            "title missing from {}",
            pdf.display()
        );
        for stage in &guide.stages {
            for step in &stage.steps {
                assert!(
                    text.contains(&compact(&step.title)),
                    "step title {:?} missing from {}",
                    step.title,
                    pdf.display()
                );
            }
        }
        for material in &guide.materials {
            assert!(
                text.contains(&compact(&material.name)),
                "material {:?} missing",
                material.name
            );
        }
        let pages = page_count(&pdf);
        assert!((2..=40).contains(&pages), "{pages} pages in {}", pdf.display());
        let qpdf = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        assert_eq!(qpdf.code, 0, "qpdf --check: {}{}", qpdf.stdout, qpdf.stderr);
    }
}

#[test]
fn the_dental_handout_has_page_numbers_plans_and_unconfirmed_marks() {
    let pdf = bundled_output().join("guides/dental-outpatient/dental-outpatient-handout.pdf");
    let text = text_of(&pdf);
    let pages = page_count(&pdf);
    assert!(text.contains(&format!("第1页共{pages}页")), "page numbers");
    assert!(text.contains(&format!("第{pages}页共{pages}页")));
    assert!(
        text.contains("正确示例") && text.contains("错误示例"),
        "both floor plans"
    );
    assert!(text.contains("不符合"), "the wrong plan's failures");
    assert!(text.contains("待本地确认"), "unconfirmed facts are marked");
    // Plan labels are vector text inside the drawing, so they can be extracted too.
    assert!(text.contains("消毒灭菌室"));
}

#[test]
fn short_versions_fit_on_one_page() {
    for guide in guides() {
        let pdf = bundled_output().join(format!("guides/{0}/{0}-short.pdf", guide.id));
        assert_eq!(page_count(&pdf), 1, "{}", pdf.display());
        let text = text_of(&pdf);
        for heading in ["带什么", "关键数字", "怎么办", "去哪里"] {
            assert!(text.contains(heading), "{heading} missing from {}", pdf.display());
        }
    }
}

/// The page size and the box around every word of a one-page PDF, in points.
fn word_boxes(pdf: &Path) -> ((f64, f64), Vec<[f64; 4]>) {
    let run = tool("pdftotext", &["-bbox", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag
            .find(&format!("{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {tag}"))
            + name.len()
            + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let page = run.stdout.split("<page ").nth(1).expect("a page");
    let size = (attr(page, "width"), attr(page, "height"));
    let words = run
        .stdout
        .split("<word ")
        .skip(1)
        .map(|w| [attr(w, "xMin"), attr(w, "yMin"), attr(w, "xMax"), attr(w, "yMax")])
        .collect();
    (size, words)
}

/// Every short version (简版) uses the whole A4 page: text from the top to the bottom, and in
/// both halves of the width.
#[test]
fn short_versions_use_the_whole_page() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    let mut pdfs: Vec<PathBuf> = site
        .guides
        .iter()
        .map(|g| bundled_output().join(format!("guides/{0}/{0}-short.pdf", g.id)))
        .collect();
    pdfs.extend(
        site.bundles
            .iter()
            .map(|b| bundled_output().join(format!("bundles/{0}/{0}-short.pdf", b.id))),
    );
    for pdf in pdfs {
        assert_eq!(page_count(&pdf), 1, "{}", pdf.display());
        let ((w, h), words) = word_boxes(&pdf);
        let top = words.iter().map(|b| b[1]).fold(f64::MAX, f64::min);
        let bottom = words.iter().map(|b| b[3]).fold(0.0, f64::max);
        assert!(
            top < 0.05 * h && bottom > 0.95 * h,
            "text spans {top:.0}–{bottom:.0} of {h:.0} pt: {}",
            pdf.display()
        );
        // The right half carries text below the title block, not only the QR code.
        let right = words.iter().filter(|b| b[0] > 0.55 * w && b[1] > 0.3 * h).count();
        assert!(
            right >= 10,
            "{right} words in the lower right half of {}",
            pdf.display()
        );
    }
}

/// The dental all-in-one guide's 简版 lists its 13 materials under the two procedures they go
/// to (setup approval, then practice registration), and shows the key numbers with their tags.
#[test]
fn the_dental_short_version_groups_materials_by_procedure_and_tags_key_numbers() {
    let guide = guides().into_iter().find(|g| g.id == "dental-outpatient").unwrap();
    let text = text_of(&bundled_output().join("guides/dental-outpatient/dental-outpatient-short.pdf"));
    let name = |id: &str| compact(&guide.materials.iter().find(|m| m.id == id).unwrap().name);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing from the 简版: {text}"))
    };
    let setup = at("步骤2.2申请设置审批");
    let registration = at("步骤5.1提交执业登记申请");
    let end = at("怎么办");
    assert!(setup < registration && registration < end);
    for id in [
        "setup-application",
        "feasibility-study",
        "site-selection-report",
        "building-floor-plan",
        "legal-rep-id",
    ] {
        let p = at(&name(id));
        assert!(setup < p && p < registration, "{id} is handed in at the setup approval");
    }
    for id in [
        "practice-registration-form",
        "setup-approval",
        "premises-proof",
        "capital-verification",
        "institution-rules",
        "head-credentials",
        "drug-list",
        "staff-roster",
    ] {
        // Names may also occur in step titles: the first occurrence after the group title.
        let p = registration + text[registration..].find(&name(id)).unwrap();
        assert!(
            registration < p && p < end,
            "{id} is handed in at the practice registration"
        );
    }
    assert!(text.contains("（5项）") && text.contains("（8项）"), "group sizes");
    // Key numbers, each followed by its confidence tag.
    for (fact, tag) in [
        ("牙科治疗椅不少于4台。", "二手来源"),
        ("建筑面积每台牙椅不少于30平方米", "二手来源"),
        ("每间诊室的使用面积每台牙椅不少于6平方米", "二手来源"),
        ("法定办结时限", "已核实原文"),
    ] {
        let p = at(fact);
        let rest = &text[p..];
        let next_tag = ["已核实原文", "二手来源", "地方规定"]
            .iter()
            .filter_map(|t| rest.find(t).map(|q| (q, *t)))
            .min()
            .map(|(_, t)| t);
        assert_eq!(next_tag, Some(tag), "{fact}");
    }
    assert!(text.contains("收费待本地确认"));
}

#[test]
fn every_guide_and_bundle_page_links_its_handout_and_short_version() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    let mut pages: Vec<(String, String, String)> = site
        .guides
        .iter()
        .map(|g| {
            (
                format!("guides/{}/", g.id),
                format!("{}-handout.pdf", g.id),
                format!("{}-short.pdf", g.id),
            )
        })
        .collect();
    pages.extend(site.bundles.iter().map(|b| {
        (
            format!("bundles/{}/", b.id),
            format!("{}.pdf", b.id),
            format!("{}-short.pdf", b.id),
        )
    }));
    for (dir, handout, short) in pages {
        let html = std::fs::read_to_string(bundled_output().join(&dir).join("index.html")).unwrap();
        for pdf in [&handout, &short] {
            assert!(html.contains(&format!("href=\"{pdf}\"")), "{dir} links {pdf}");
            let bytes = std::fs::read(bundled_output().join(&dir).join(pdf)).unwrap();
            assert!(bytes.starts_with(b"%PDF-"), "{dir}{pdf}");
        }
    }
}

#[test]
fn the_qr_code_on_the_cover_decodes_to_the_guide_url() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    for guide in &site.guides {
        for kind in ["handout", "short"] {
            let pdf = bundled_output().join(format!("guides/{0}/{0}-{kind}.pdf", guide.id));
            let prefix = temp_dir("qr").join("page");
            let run = tool(
                "pdftoppm",
                &[
                    "-r",
                    "150",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-png",
                    pdf.to_str().unwrap(),
                    prefix.to_str().unwrap(),
                ],
            );
            assert_eq!(run.code, 0, "{}", run.stderr);
            let png = std::fs::read_dir(prefix.parent().unwrap())
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            let decoded = tool(
                "zbarimg",
                &[
                    "--quiet",
                    "--raw",
                    "-Sdisable",
                    "-Sqrcode.enable",
                    png.to_str().unwrap(),
                ],
            );
            assert_eq!(
                decoded.stdout.trim(),
                format!("{}guides/{}/", site.config.base_url, guide.id),
                "{}",
                decoded.stderr
            );
        }
    }
}

#[test]
fn pdfs_honour_source_date_epoch() {
    let out = temp_dir("epoch").join("out");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args([
            "build",
            "--root",
            fixtures().join("base").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(output.status.success());
    let info = tool(
        "pdfinfo",
        &[out.join("guides/alpha/alpha-handout.pdf").to_str().unwrap()],
    );
    assert!(info.stdout.contains("Nov 14 00:00:00 2023"), "{}", info.stdout);
    let out2 = temp_dir("epoch-default").join("out");
    build(&fixtures().join("base"), &out2);
    let info = tool(
        "pdfinfo",
        &[out2.join("guides/alpha/alpha-handout.pdf").to_str().unwrap()],
    );
    assert!(
        info.stdout.contains("Nov 20 00:00:00 2026"),
        "the guide's own date: {}",
        info.stdout
    );
}

#[test]
fn author_text_is_never_run_as_typst_markup() {
    let site = base_site("typst-injection");
    edit(
        &site,
        "guides/alpha/guide.toml",
        "summary = \"测试用的事项。\"",
        "summary = \"#panic(\\\"boom\\\") *x* $x^2$ @ref\"",
    );
    edit(
        &site,
        "guides/alpha/overview.md",
        "这是**示例**概述。",
        "这是 #panic(\"boom\") `#x` 概述。",
    );
    let out = site.join("output");
    build(&site, &out);
    let text = text_of(&out.join("guides/alpha/alpha-handout.pdf"));
    assert!(text.contains("#panic(\"boom\")*x*$x^2$@ref"), "literal text expected");
}

/// The second sample room speaks its own vocabulary everywhere it is shown, and its wrong plan
/// fails exactly the rules of its three typical mistakes, each with a numbered marker.
#[test]
fn the_kitchen_sample_room_uses_its_own_words_and_fails_for_its_mistakes() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    let guide = site.guides.iter().find(|g| g.id == "food-service-licence").unwrap();
    let plan = |id: &str| guide.plans.iter().find(|p| p.plan.id == id).unwrap();
    let enforced_failures = |id: &str| -> Vec<String> {
        plan(id)
            .results
            .iter()
            .filter(|r| !r.pass && !r.reference)
            .map(|r| r.id.clone())
            .collect()
    };
    assert!(
        enforced_failures("correct").is_empty(),
        "{:?}",
        enforced_failures("correct")
    );
    assert_eq!(
        enforced_failures("wrong"),
        [
            "no-way-back",
            "separate-doors",
            "cold-room-via-anteroom",
            "cold-room-hatch",
            "dish-sinks",
            "toilet-door"
        ]
    );
    let wrong = plan("wrong");
    for r in wrong.results.iter().filter(|r| !r.pass && !r.reference) {
        let number = r.number.expect("a failing rule of a wrong plan is numbered");
        assert!(
            wrong.highlights.iter().any(|h| h.number == number),
            "rule {} has no marker on the drawing",
            r.id
        );
    }
    // Reference values are shown, never enforced: the legacy ratios pass on the correct plan.
    let correct = plan("correct");
    let ratio = correct.results.iter().find(|r| r.id == "ratio-dining").unwrap();
    assert!(ratio.reference && ratio.pass);

    let out = bundled_output();
    let page = std::fs::read_to_string(out.join("guides/food-service-licence/index.html")).unwrap();
    for words in ["切配烹饪间", "准清洁操作区", "清洁操作区（专间）", "餐用具清洗池"] {
        assert!(page.contains(words), "the page shows {words}");
    }
    assert!(!page.contains("牙椅"), "no dental words on the kitchen page");
    // The reader is told which step runs back and which window two flows share.
    assert!(page.contains("餐具回收流线从切配烹饪间（准清洁操作区）回到洗消角（一般操作区）"));
    assert!(page.contains("原料流线（生进熟出）和餐具回收流线都经过切配烹饪间的出餐窗"));
    let svg = std::fs::read_to_string(out.join("guides/food-service-licence/plans/correct.svg")).unwrap();
    for words in [
        "原料流线（生进熟出）",
        "餐具回收流线",
        "一般操作区",
        ">切配烹饪间</text>",
        ">传递窗</text>",
    ] {
        assert!(svg.contains(words), "the drawing shows {words}");
    }
    let png = std::fs::read(out.join("guides/food-service-licence/plans/correct.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the PNG is drawn from the same SVG");
    let pdf = out.join("guides/food-service-licence/food-service-licence-handout.pdf");
    let text = text_of(&pdf);
    for words in ["切配烹饪间", "准清洁操作区", "原料流线（生进熟出）"] {
        assert!(text.contains(&compact(words)), "the handout shows {words}");
    }
}

/// What the applicant reads on paper is right too (issue 11): the fee with its tag, both
/// clocks of the all-in-one guide, the either-or group, site inspection inside the clock, and
/// a bundle that adds no limits.
#[test]
fn printed_figures_keep_their_tags_clocks_and_alternatives() {
    let handout = |id: &str| text_of(&bundled_output().join(format!("guides/{id}/{id}-handout.pdf")));
    let radiation = handout("radiation-safety-licence");
    assert!(
        radiation.contains("收费不收费（二手来源）到现场次数"),
        "the summary table tags the fee"
    );
    assert!(
        radiation.contains("特殊环节：现场核查（计入法定时限"),
        "site inspection counts"
    );
    let dental = handout("dental-outpatient");
    assert!(
        dental.contains("法定时限设置审批：30日执业登记：45日各自从受理之日起分别计时，不能相加"),
        "both clocks, not one number"
    );
    let radiology = handout("radiology-licence");
    assert!(
        radiology.contains("需要先办：•以下二选一：医疗机构执业登记（口腔门诊部）（取得医疗机构执业许可证"),
        "the either-or need"
    );
    assert!(
        radiology.contains("医疗机构执业许可证（二选一：与第3项任选其一）"),
        "the materials table"
    );
    let bundle = text_of(&bundled_output().join("bundles/open-dental-clinic/open-dental-clinic.pdf"));
    assert!(
        !bundle.contains("合计法定") && !bundle.contains("时限合计"),
        "no total of the limits"
    );
    assert!(bundle.contains("不能相加成一个总时限"));
    assert!(bundle.contains("收费不收费：辐射安全许可证核发（使用口腔X射线装置）（二手来源）"));
    assert!(
        bundle.contains("本顺序下不用：医疗机构执业许可证要到第5项办结后才取得，本项用可替代的设置医疗机构批准书"),
        "the bundle says which alternative its order uses"
    );
}
