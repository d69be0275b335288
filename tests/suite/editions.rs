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
