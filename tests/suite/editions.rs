//! The English edition of the bundled site, checked against its sources: the words a reader
//! relies on (title, stage order, the "not yet translated" note exactly where a text has no
//! translation), the hreflang pairs and language switch of every page of both editions, and
//! the English handout PDF.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::common::*;

const GUIDE: &str = "dental-outpatient";

fn toml_file(rel: &str) -> toml::Table {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap();
    text.parse().unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn guide_toml(id: &str) -> toml::Table {
    toml_file(&format!("guides/{id}/guide.toml"))
}

fn labels(lang: &str) -> toml::Table {
    toml_file(&format!("templates/labels/{lang}.toml"))
}

fn label(labels: &toml::Table, section: &str, key: &str) -> String {
    labels[section][key].as_str().unwrap().to_owned()
}

fn str_at<'a>(table: &'a toml::Table, path: &[&str]) -> Option<&'a str> {
    let mut value = table.get(path[0])?;
    for key in &path[1..] {
        value = value.get(key)?;
    }
    value.as_str()
}

/// What a page shows for `text`: HTML-escaped as the templates escape text.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `rel` resolved against the folder of `page`, both relative to the output root.
fn resolve(page: &str, rel: &str) -> String {
    let mut parts: Vec<String> = Path::new(page)
        .parent()
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel = rel.split('#').next().unwrap();
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => {
                assert!(parts.pop().is_some(), "{rel} climbs out of the output from {page}");
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Every `<link rel="alternate" hreflang=…>` of a page: (hreflang, href).
fn alternates(html: &str) -> Vec<(String, String)> {
    html.match_indices("<link rel=\"alternate\"")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .map(|tag| {
            (
                attr(tag, "hreflang")
                    .expect("an alternate names its language")
                    .to_owned(),
                attr(tag, "href").expect("an alternate has an address").to_owned(),
            )
        })
        .collect()
}

/// The language switch's links: `<a … hreflang=…>` in the body (hreflang, href).
fn switch_links(html: &str) -> Vec<(String, String)> {
    let body = &html[html.find("<body").expect("a body")..];
    body.match_indices("<a ")
        .map(|(i, _)| &body[i..i + body[i..].find('>').unwrap()])
        .filter_map(|tag| Some((attr(tag, "hreflang")?.to_owned(), attr(tag, "href")?.to_owned())))
        .collect()
}

fn html_lang(html: &str) -> String {
    let tag = &html[html.find("<html").unwrap()..];
    attr(&tag[..tag.find('>').unwrap()], "lang")
        .expect("<html lang>")
        .to_owned()
}

/// The text of the page's first `<h1>`, tags dropped.
fn h1(html: &str) -> String {
    let start = html.find("<h1").expect("an h1");
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</h1>").unwrap();
    crate::common::html_text(&html[start..end]).trim().to_owned()
}

/// Every string leaf of `value` with its path.
fn leaves(value: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(s) => out.push((path, s.clone())),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(v, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn english_site() -> &'static permitroom::model::Site {
    static SITE: std::sync::OnceLock<permitroom::model::Site> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let checked = permitroom::check(&repo_root()).expect("the repo is a site");
        checked
            .editions
            .into_iter()
            .find(|s| s.edition.lang == "en")
            .expect("the bundled site has an English edition")
    })
}

#[test]
fn the_english_guide_page_states_its_english_title_and_stages_in_order() {
    let toml = guide_toml(GUIDE);
    let html = read(&bundled_site().join(format!("en/guides/{GUIDE}/index.html")));
    assert_eq!(html_lang(&html), "en");
    let title = str_at(&toml, &["en", "title"]).expect("the guide has an English title");
    assert_eq!(h1(&html), title);
    assert!(!has_han(title));

    // The stage headings, in page order: each names its stage's English title.
    let main = main_part(&html);
    let headings: Vec<(String, String)> = main
        .match_indices("<h3 id=\"stage-")
        .map(|(i, _)| {
            let tag = &main[i..i + main[i..].find('>').unwrap()];
            let end = i + main[i..].find("</h3>").unwrap();
            let text = crate::common::html_text(&main[i + tag.len() + 1..end]);
            (attr(tag, "id").unwrap().to_owned(), text)
        })
        .collect();
    let stages = toml["stages"].as_array().unwrap();
    assert!(stages.len() >= 2);
    assert_eq!(headings.len(), stages.len(), "{headings:?}");
    for (n, (stage, (id, heading))) in stages.iter().zip(&headings).enumerate() {
        let stage = stage.as_table().unwrap();
        let english = str_at(stage, &["en", "title"]).expect("every stage has an English title");
        assert_eq!(
            id,
            &format!("stage-{}", str_at(stage, &["id"]).unwrap()),
            "stage {n} out of order"
        );
        assert!(
            heading.ends_with(&format!(": {english}")),
            "{heading:?} is not {english:?}"
        );
        assert!(
            heading.contains(&format!("{}", n + 1)),
            "{heading:?} does not number stage {}",
            n + 1
        );
        assert!(!has_han(heading), "{heading:?} holds Chinese");
    }
}

#[test]
fn the_untranslated_note_marks_exactly_the_texts_without_translation() {
    let html = read(&bundled_site().join(format!("en/guides/{GUIDE}/index.html")));
    let zh_html = read(&bundled_site().join(format!("guides/{GUIDE}/index.html")));
    let note = label(&labels("en"), "edition", "untranslated");

    // Expected: (1) guides linked from the page whose guide.toml has no English title.
    let mut expected: Vec<String> = Vec::new();
    for (i, _) in html.match_indices("<a href=\"../../guides/") {
        let href = attr(&html[i..i + html[i..].find('>').unwrap()], "href").unwrap();
        let id = href.trim_start_matches("../../guides/").split('/').next().unwrap();
        let toml = guide_toml(id);
        if str_at(&toml, &["en", "title"]).is_none() {
            expected.push(toml["title"].as_str().unwrap().to_owned());
        }
    }
    // (2) texts of this guide in the English model that are the Chinese model's text at the
    // same place and that the Chinese page shows.
    let zh = bundled_model().guides.iter().find(|g| g.id == GUIDE).unwrap();
    let en = english_site().guides.iter().find(|g| g.id == GUIDE).unwrap();
    let (mut zh_leaves, mut en_leaves) = (Vec::new(), Vec::new());
    leaves(&serde_json::to_value(zh).unwrap(), String::new(), &mut zh_leaves);
    leaves(&serde_json::to_value(en).unwrap(), String::new(), &mut en_leaves);
    let zh_at: std::collections::BTreeMap<_, _> = zh_leaves.into_iter().collect();
    let mut kept = BTreeSet::new();
    for (path, text) in &en_leaves {
        if has_han(text) && zh_at.get(path) == Some(text) && zh_html.contains(&escaped(text)) {
            kept.insert(text.clone());
        }
    }
    expected.extend(kept.iter().cloned());
    assert!(
        !expected.is_empty(),
        "the bundled page links a guide without an English title; the test needs such a case"
    );

    // Actual: every span or block marked Chinese in the body, with the note after it.
    let body = &html[html.find("<body").unwrap()..];
    let inline_note = format!("</span> <small class=\"untranslated-note\">{}</small>", escaped(&note));
    let notes = body.matches("class=\"untranslated-note\"").count();
    let mut marked = Vec::new();
    for (i, _) in body.match_indices("<span lang=\"zh-CN\">") {
        let rest = &body[i + "<span lang=\"zh-CN\">".len()..];
        let end = rest.find("</span>").unwrap();
        assert!(
            rest[end..].starts_with(&inline_note),
            "a Chinese text without the note: {}",
            &rest[..end]
        );
        marked.push(rest[..end].to_owned());
    }
    // Block content (rendered Markdown) is marked by a <div> with the note as its last paragraph.
    let block_open = "<div lang=\"zh-CN\" class=\"untranslated\">";
    let block_note = format!("<p class=\"untranslated-note\">{}</p></div>", escaped(&note));
    let mut blocks = Vec::new();
    for (i, _) in body.match_indices(block_open) {
        let rest = &body[i + block_open.len()..];
        let end = rest.find(&block_note).expect("a marked block ends with the note");
        blocks.push(rest[..end].to_owned());
    }
    assert_eq!(
        notes,
        marked.len() + blocks.len(),
        "every note follows a marked text, no note stands alone"
    );
    // Texts as the page shows them: inline text escaped, rendered Markdown as it is.
    let expected_shown: BTreeSet<String> = expected
        .iter()
        .map(|t| if t.starts_with('<') { t.clone() } else { escaped(t) })
        .collect();
    let shown: BTreeSet<String> = marked.iter().chain(&blocks).cloned().collect();
    assert_eq!(
        shown, expected_shown,
        "the texts marked untranslated are not the texts the sources leave untranslated"
    );
    // The note is not in the Chinese edition at all.
    assert!(!zh_html.contains("untranslated-note"));
}

#[test]
fn every_page_of_both_editions_has_hreflang_pairs_and_a_switch_to_its_counterpart() {
    let out = bundled_site();
    let pages: Vec<String> = read_tree(out).into_keys().filter(|p| p.ends_with(".html")).collect();
    let english = pages.iter().filter(|p| p.starts_with("en/")).count();
    assert!(english > 10, "{english} English pages");
    assert_eq!(
        english * 2,
        pages.len(),
        "each Chinese page has one English counterpart"
    );
    for page in &pages {
        let html = read(&out.join(page));
        let own = if page.starts_with("en/") { "en" } else { "zh-CN" };
        let other = if own == "en" { "zh-CN" } else { "en" };
        assert_eq!(html_lang(&html), own, "{page}");
        let alts = alternates(&html);
        let langs: Vec<&str> = alts.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(langs, ["zh-CN", "en", "x-default"], "{page}");
        let target = |lang: &str| {
            let (_, href) = alts.iter().find(|(l, _)| l == lang).unwrap();
            resolve(page, href)
        };
        assert_eq!(&target(own), page, "{page}: its own alternate");
        assert_eq!(target("x-default"), target("zh-CN"), "{page}");
        let counterpart = target(other);
        assert!(out.join(&counterpart).is_file(), "{page}: {counterpart} does not exist");
        let expected = if own == "en" {
            page.trim_start_matches("en/").to_owned()
        } else {
            format!("en/{page}")
        };
        assert_eq!(counterpart, expected, "same relative layout");
        let back = alternates(&read(&out.join(&counterpart)));
        let (_, href) = back.iter().find(|(l, _)| l == own).unwrap();
        assert_eq!(&resolve(&counterpart, href), page, "{counterpart} does not point back");

        let switch: Vec<_> = switch_links(&html).into_iter().filter(|(l, _)| l == other).collect();
        assert_eq!(switch.len(), 1, "{page}: one switch link to {other}");
        assert_eq!(resolve(page, &switch[0].1), counterpart, "{page}: the switch");
    }
}

fn pdf_text(pdf: &Path) -> String {
    let run = tool("pdftotext", &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.split_whitespace().collect()
}

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn the_english_handout_is_in_english_and_the_chinese_one_stays_chinese() {
    let toml = guide_toml(GUIDE);
    let path = |prefix: &str| -> PathBuf { bundled_site().join(format!("{prefix}guides/{GUIDE}/{GUIDE}-handout.pdf")) };
    let (en_text, zh_text) = (pdf_text(&path("en/")), pdf_text(&path("")));
    let (en_labels, zh_labels) = (labels("en"), labels("zh-CN"));
    for key in ["guide", "facts", "materials", "samples"] {
        let (en, zh) = (label(&en_labels, "pdf", key), label(&zh_labels, "pdf", key));
        assert!(en_text.contains(&compact(&en)), "English handout lacks heading {en:?}");
        assert!(zh_text.contains(&compact(&zh)), "Chinese handout lacks heading {zh:?}");
        assert!(
            !zh_text.contains(&compact(&en)),
            "Chinese handout has English heading {en:?}"
        );
    }
    let en_title = str_at(&toml, &["en", "title"]).unwrap();
    let zh_title = str_at(&toml, &["title"]).unwrap();
    assert!(en_text.contains(&compact(en_title)), "English handout lacks its title");
    assert!(zh_text.contains(&compact(zh_title)), "Chinese handout lacks its title");
    assert!(
        !zh_text.contains(&compact(en_title)),
        "Chinese handout has the English title"
    );
    for stage in toml["stages"].as_array().unwrap() {
        let en = str_at(stage.as_table().unwrap(), &["en", "title"]).unwrap();
        let zh = str_at(stage.as_table().unwrap(), &["title"]).unwrap();
        assert!(en_text.contains(&compact(en)), "English handout lacks stage {en:?}");
        assert!(zh_text.contains(&compact(zh)), "Chinese handout lacks stage {zh:?}");
    }
    // The Chinese handout reads as Chinese: most letters are ideographs.
    let han = zh_text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    let latin = zh_text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    assert!(han > latin, "Chinese handout: {han} ideographs, {latin} Latin letters");
    let han = en_text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    let latin = en_text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    assert!(latin > han, "English handout: {han} ideographs, {latin} Latin letters");
}

/// A translated bundle: its English title is the page's heading, its English note is the
/// text under it (the order of the five procedures, the 45-day limit), with no untranslated
/// marker on either; the Chinese page keeps its own.
#[test]
fn the_english_bundle_page_has_the_bundles_english_title_and_note() {
    let toml = toml_file("bundles/open-dental-clinic.toml");
    let title = str_at(&toml, &["en", "title"]).expect("the dental bundle has an English title");
    let html = read(&bundled_site().join("en/bundles/open-dental-clinic/index.html"));
    assert_eq!(h1(&html), title);
    let main = main_part(&html);
    let text = crate::common::html_text(main);
    assert!(
        text.contains("Practice registration comes last"),
        "the English note is shown"
    );
    assert!(text.contains("within 45 days of accepting the application"));
    assert!(!text.contains("为什么是这个顺序"), "the Chinese note is not shown");
    let zh = read(&bundled_site().join("bundles/open-dental-clinic/index.html"));
    assert_eq!(h1(&zh), str_at(&toml, &["title"]).unwrap());
    assert!(crate::common::html_text(main_part(&zh)).contains("为什么是这个顺序"));
    // The bundle's own texts carry no untranslated marker (its member guides' may).
    let heading_end = main.find("</h1>").unwrap();
    assert!(
        !main[..heading_end].contains("untranslated"),
        "the heading is translated"
    );
    let bundle = english_site()
        .bundles
        .iter()
        .find(|b| b.id == "open-dental-clinic")
        .unwrap();
    assert_eq!(bundle.title, title, "the English model holds the English title");
}

/// `html` without the "not yet translated" notes after texts left in Chinese (the marked
/// text itself stays).
fn without_notes(html: &str) -> String {
    let mut out = String::new();
    let mut text = html;
    while let Some(i) = text.find(" <small class=\"untranslated-note\">") {
        out.push_str(&text[..i]);
        text = &text[i + text[i..].find("</small>").unwrap() + "</small>".len()..];
    }
    out.push_str(text);
    out
}

/// The lines of the wrong-example failure box of `plan` on a guide page, as the reader reads
/// them: each `<br>`-separated line's text, with the "not yet translated" notes left out.
fn failure_lines(html: &str, plan: &str) -> Vec<String> {
    let start = html
        .find(&format!("<h3 id=\"plan-{plan}\""))
        .expect("the plan's heading");
    let rest = &html[start..];
    let rest = &rest[rest.find("<div class=\"failure-box\">").expect("a failure box")..];
    without_notes(&rest[..rest.find("</div>").unwrap()])
        .split("<br>")
        .map(|l| crate::common::html_text(l).trim().to_owned())
        .collect()
}

/// The running text of a PDF, whitespace removed, without the page numbers and running
/// headers (a page's footer and the next one's header may fall inside a sentence).
fn running_text(pdf: &Path, site_title: &str) -> String {
    let run = tool("pdftotext", &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page_number = |l: &str| {
        (l.starts_with("Page ") || l.starts_with("第 ")) && l.chars().any(|c| c.is_ascii_digit()) && l.len() < 40
    };
    run.stdout
        .lines()
        .map(|l| l.trim_start_matches('\u{c}'))
        .filter(|l| !page_number(l) && !l.starts_with(site_title))
        .collect::<String>()
        .split_whitespace()
        .collect()
}

/// `(rule, reasons)` of the plan `plan` of `guide` in the open data.
fn api_reasons(out: &Path, guide: &str, plan: &str) -> Vec<(String, Vec<String>)> {
    let path = out.join(format!("api/v1/guides/{guide}/plans/{plan}.json"));
    let doc: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
    doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let reasons = r["reasons"].as_array().unwrap();
            (
                r["id"].as_str().unwrap().to_owned(),
                reasons.iter().map(|s| s.as_str().unwrap().to_owned()).collect(),
            )
        })
        .filter(|(_, reasons): &(String, Vec<String>)| !reasons.is_empty())
        .collect()
}

/// The sentences the bundled food-service wrong example gives for its two failing flow rules:
/// two steps that run back, and a hatch that two flows share.
const ZH_FLOW_REASONS: [&str; 3] = [
    "凉菜流线（经传递窗）从凉菜专间（清洁操作区（专间））回到切配烹饪间（准清洁操作区）",
    "餐具回收流线从切配烹饪间（准清洁操作区）回到洗消角（一般操作区）",
    "原料流线（生进熟出）和餐具回收流线都经过切配烹饪间的出餐窗",
];

#[test]
fn a_failing_flow_rule_says_why_in_the_words_of_each_edition() {
    let out = bundled_site();
    let guide = "food-service-licence";
    let zh = failure_lines(&read(&out.join(format!("guides/{guide}/index.html"))), "wrong");
    let en_html = read(&out.join(format!("en/guides/{guide}/index.html")));
    let en = failure_lines(&en_html, "wrong");
    let at = |lines: &[String], s: &str| lines.iter().position(|l| l == s);

    // Chinese: the sentences as they always read, in order.
    let zh_at: Vec<Option<usize>> = ZH_FLOW_REASONS.iter().map(|s| at(&zh, s)).collect();
    assert!(zh_at.iter().all(Option::is_some), "{zh:#?}");
    assert!(zh_at.windows(2).all(|w| w[0] < w[1]), "{zh_at:?}");
    // The open data (in the primary language) says the same, rule by rule.
    assert_eq!(
        api_reasons(out, guide, "wrong"),
        vec![
            (
                "no-way-back".to_owned(),
                vec![ZH_FLOW_REASONS[0].to_owned(), ZH_FLOW_REASONS[1].to_owned()]
            ),
            ("separate-doors".to_owned(), vec![ZH_FLOW_REASONS[2].to_owned()]),
        ]
    );

    // English: the sentence is English; the food-service vocabulary and plan are not
    // translated, so each of their labels stays Chinese, marked as such.
    let expected = [
        "凉菜流线（经传递窗） goes back from 凉菜专间 (清洁操作区（专间）) to 切配烹饪间 (准清洁操作区)",
        "餐具回收流线 goes back from 切配烹饪间 (准清洁操作区) to 洗消角 (一般操作区)",
        "原料流线（生进熟出） and 餐具回收流线 both pass through the 出餐窗 of 切配烹饪间",
    ];
    let en_at: Vec<Option<usize>> = expected.iter().map(|s| at(&en, s)).collect();
    assert!(en_at.iter().all(Option::is_some), "{en:#?}");
    assert!(en_at.windows(2).all(|w| w[0] < w[1]), "{en_at:?}");
    for label in ["凉菜流线（经传递窗）", "凉菜专间", "清洁操作区（专间）", "出餐窗"] {
        assert!(
            en_html.contains(&format!(
                "<span lang=\"zh-CN\">{label}</span> <small class=\"untranslated-note\">"
            )),
            "{label} is not marked as untranslated"
        );
    }
    // The handouts say the same, each sentence closed by its edition's full stop.
    let handout = |prefix: &str, site_title: &str| {
        running_text(
            &out.join(format!("{prefix}guides/{guide}/{guide}-handout.pdf")),
            site_title,
        )
    };
    let (zh_pdf, en_pdf) = (
        handout("", &bundled_model().config.title),
        handout("en/", &english_site().config.title),
    );
    for (zh_sentence, en_sentence) in ZH_FLOW_REASONS.iter().zip(expected) {
        assert!(
            zh_pdf.contains(&compact(&format!("{zh_sentence}。"))),
            "{zh_sentence:?} not in the handout"
        );
        assert!(
            en_pdf.contains(&compact(&format!("{en_sentence}."))),
            "{en_sentence:?} not in the English handout"
        );
    }
    // And no line reads as the Chinese sentence did.
    for zh_sentence in ZH_FLOW_REASONS {
        assert!(
            !en.iter().any(|l| l == zh_sentence),
            "{zh_sentence:?} on the English page"
        );
    }
}

#[test]
fn a_failing_flow_rule_reads_all_in_english_once_its_labels_are_translated() {
    // The bundled site, with the labels the food-service reasons name translated.
    let dir = temp_dir("flow-reasons-en");
    for part in [
        "site.toml",
        "finder.toml",
        "guides",
        "materials",
        "bundles",
        "forms",
        "vocabularies",
        "symbols",
    ] {
        let from = repo_root().join(part);
        if from.is_dir() {
            copy_dir(&from, &dir.join(part));
        } else {
            std::fs::copy(&from, dir.join(part)).unwrap();
        }
    }
    let translate = |file: &str, label: &str, english: &str| {
        let line = format!("label = \"{label}\"");
        edit(&dir, file, &line, &format!("{line}\nen.label = \"{english}\""));
    };
    let vocabulary = "vocabularies/food-service.toml";
    translate(vocabulary, "凉菜流线（经传递窗）", "Cold dish route (via hatch)");
    translate(vocabulary, "原料流线（生进熟出）", "Goods route (raw in, cooked out)");
    translate(vocabulary, "餐具回收流线", "Used tableware route");
    translate(vocabulary, "清洁操作区（专间）", "Clean zone");
    translate(vocabulary, "准清洁操作区", "Semi-clean zone");
    translate(vocabulary, "一般操作区", "General zone");
    let plan = "guides/food-service-licence/plans/wrong.toml";
    translate(plan, "凉菜专间", "Cold dish room");
    translate(plan, "切配烹饪间", "Kitchen");
    translate(plan, "洗消角", "Washing corner");
    translate(plan, "出餐窗", "serving hatch");
    let out = dir.join("out");
    let run = build_run(&dir, &out, &["--no-pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let en = failure_lines(&read(&out.join("en/guides/food-service-licence/index.html")), "wrong");
    for sentence in [
        "Cold dish route (via hatch) goes back from Cold dish room (Clean zone) to Kitchen (Semi-clean zone)",
        "Used tableware route goes back from Kitchen (Semi-clean zone) to Washing corner (General zone)",
        "Goods route (raw in, cooked out) and Used tableware route both pass through the serving hatch of Kitchen",
    ] {
        assert!(en.iter().any(|l| l == sentence), "{sentence:?} not in {en:#?}");
    }
    // The Chinese page of the same site is unchanged by the translations.
    let zh = failure_lines(&read(&out.join("guides/food-service-licence/index.html")), "wrong");
    for sentence in ZH_FLOW_REASONS {
        assert!(zh.iter().any(|l| l == sentence), "{sentence:?} not in {zh:#?}");
    }
}

#[test]
fn a_bundles_step_outside_the_clock_reads_in_the_words_of_each_edition() {
    // The entry after the "not counted in the statutory limit" term, as the reader reads it.
    let entry = |page: &str, lang: &str| -> Vec<String> {
        let html = read(&bundled_site().join(page));
        let term = format!("<dt>{}</dt>", escaped(&label(&labels(lang), "bundle", "outside")));
        let rest = &html[html.find(&term).expect("the entry")..];
        let dd = &rest[..rest.find("</dd>").unwrap()];
        dd.split("<li>")
            .skip(1)
            .map(|li| crate::common::html_text(&without_notes(li)))
            .collect()
    };
    let bundle = "open-dental-clinic";
    let zh = bundled_model().bundles.iter().find(|b| b.id == bundle).unwrap();
    let en = english_site().bundles.iter().find(|b| b.id == bundle).unwrap();
    assert_eq!(zh.outside_clock.len(), 1, "the bundled case: one expert review");
    let (zh_step, en_step) = (&zh.outside_clock[0], &en.outside_clock[0]);
    assert_eq!(
        entry(&format!("bundles/{bundle}/index.html"), "zh-CN"),
        [format!("{}：{}（专家评审）", zh_step.guide_title, zh_step.step_title)]
    );
    assert_eq!(
        entry(&format!("en/bundles/{bundle}/index.html"), "en"),
        [format!(
            "{}: {} (Expert review)",
            en_step.guide_title, en_step.step_title
        )]
    );
}

/// Appends `text` to a file of a site.
fn append(site: &Path, file: &str, text: &str) {
    let path = site.join(file);
    let mut all = read(&path);
    all.push_str(text);
    std::fs::write(&path, all).unwrap();
}

#[test]
fn every_kind_of_passage_and_a_crossing_read_in_both_editions() {
    // The base site's wrong example, with two flows through a door, a window without a label
    // and an opening, and a third that crosses one of them; in two editions.
    let site = base_site("flow-reasons-kinds");
    edit(
        &site,
        "site.toml",
        "base_url = \"https://example.cn/room/\"",
        "base_url = \"https://example.cn/room/\"\n\n[[editions]]\nlang = \"en\"\nname = \"English\"",
    );
    let plan = "guides/alpha/plans/bad.toml";
    append(
        &site,
        plan,
        r#"
[[doors]]
room = "t1"
at = [1500, 3000]
width = 900

[[windows]]
room = "wait"
at = [4500, 3000]
width = 1200

[[flows]]
kind = "patient"
through = ["hall", "t1", "wait", "hall"]

[[flows]]
kind = "staff"
through = ["hall", "t1", "wait", "hall"]

[[flows]]
kind = "instrument"
through = ["hall", "wait"]
"#,
    );
    append(
        &site,
        "guides/alpha/guide.toml",
        r#"
[[rules]]
id = "shared"
statement = "患者与医护不共用通道。"
check = "shared_passages(patient, staff) == 0"
source = "示例标准"
confidence = "S"

[[rules]]
id = "crossing"
statement = "患者与器械流线不交叉。"
check = "crossings(patient, instrument) == 0"
source = "示例标准"
confidence = "S"
"#,
    );
    for (file, label, english) in [
        ("vocabularies/dental.toml", "患者流线", "Patient route"),
        ("vocabularies/dental.toml", "医护流线", "Staff route"),
        ("vocabularies/dental.toml", "器械流线（污→清→无菌）", "Instrument route"),
        (plan, "诊室1", "Treatment room 1"),
        (plan, "候诊区", "Waiting area"),
    ] {
        let line = format!("label = \"{label}\"");
        edit(&site, file, &line, &format!("{line}\nen.label = \"{english}\""));
    }
    let out = site.join("out");
    build(&site, &out);

    let zh = [
        "患者流线和医护流线都经过诊室1的门",
        "患者流线和医护流线都经过候诊区的窗",
        "患者流线和医护流线都经过诊室1与候诊区之间的开敞处",
        "患者流线和器械流线（污→清→无菌）在图上交叉 1 处",
    ];
    let en = [
        "Patient route and Staff route both pass through the door of Treatment room 1",
        "Patient route and Staff route both pass through the window of Waiting area",
        "Patient route and Staff route both pass through the opening between Treatment room 1 and Waiting area",
        "Patient route and Instrument route cross at 1 point on the drawing",
    ];
    for (page, expected) in [("guides/alpha/index.html", zh), ("en/guides/alpha/index.html", en)] {
        let lines = failure_lines(&read(&out.join(page)), "bad");
        let at: Vec<Option<usize>> = expected.iter().map(|s| lines.iter().position(|l| l == s)).collect();
        assert!(at.iter().all(Option::is_some), "{page}: {lines:#?}");
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{page}: {at:?}");
    }
    // The handouts: each sentence closed by its edition's full stop.
    for (prefix, expected, stop, title) in [("", zh, "。", "测试样板间"), ("en/", en, ".", "测试样板间")] {
        let text = running_text(&out.join(format!("{prefix}guides/alpha/alpha-handout.pdf")), title);
        for sentence in expected {
            assert!(
                text.contains(&compact(&format!("{sentence}{stop}"))),
                "{prefix}: {sentence:?} not in {text}"
            );
        }
    }
    assert_eq!(
        api_reasons(&out, "alpha", "bad"),
        vec![
            ("shared".to_owned(), zh[..3].iter().map(|s| s.to_string()).collect()),
            ("crossing".to_owned(), vec![zh[3].to_owned()]),
        ]
    );
}

#[test]
fn a_rooms_equipment_is_listed_with_the_separator_of_each_edition() {
    let out = bundled_site();
    let zh = read(&out.join(format!("guides/{GUIDE}/index.html")));
    let en = read(&out.join(format!("en/guides/{GUIDE}/index.html")));
    // The toilet of the compliant plan: a hand-wash sink and a toilet.
    assert!(zh.contains("<th scope=\"row\">卫生间</th><td>卫生间</td><td>公共区</td><td class=\"num\">7.3</td><td class=\"num\">2.00</td><td class=\"num\">0</td><td>洗手池×1、坐便器×1</td></tr>"));
    assert!(en.contains("<th scope=\"row\">Toilet</th><td>Toilet</td><td>Public zone</td><td class=\"num\">7.3</td><td class=\"num\">2.00</td><td class=\"num\">0</td><td>Hand-wash sink×1, Toilet×1</td></tr>"));
    // No English page lists equipment with the Chinese enumeration comma.
    for (page, bytes) in read_tree(out) {
        if page.starts_with("en/") && page.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            let listed = html.match_indices('×').any(|(i, _)| {
                let after = &html[i + '×'.len_utf8()..];
                let digits = after.chars().take_while(char::is_ascii_digit).count();
                digits > 0 && after[digits..].starts_with('、')
            });
            assert!(!listed, "{page} lists equipment with 、");
        }
    }
}
