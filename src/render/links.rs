//! The link check: every internal link and `#anchor` of the rendered pages must lead somewhere.
//!
//! A pure pass over what the render stage makes. Each HTML page is scanned for the ids it
//! defines and the `href`, `src` and `poster` values it holds ([`scan`]); each such link is then
//! resolved against the set of output files, as a browser would, relative to its page. Links
//! with a scheme (`https:`, `mailto:`, `tel:`) and protocol-relative ones (`//host/…`) are
//! external and left alone.
//!
//! A broken link an author wrote is reported where it is written (the Markdown's file, line and
//! column: [`crate::source::prose::SourceLink`], recorded by [`crate::source::markdown`]), with the nearest page,
//! file or anchor that exists. A broken link no author wrote comes from a template, and is
//! reported against the page that holds it.
//!
//! `check` renders the HTML pages in memory for this pass (no PNG, no PDF); the files that
//! only the image and PDF stages make are taken from [`crate::render::planned_files`], so a link
//! to a handout is checked without making it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::Site;
use crate::render::{self, Output, RenderOptions};
use crate::source::load::SourceTree;
use crate::source::markdown::url_scheme;
use crate::source::prose::{Prose, SourceLink};

/// What one HTML page holds: the ids it defines and the link values it contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub ids: BTreeSet<String>,
    /// `href`, `src` and `poster` values, entities decoded, in page order.
    pub links: Vec<String>,
}

/// Every output file by path, and for each HTML page what [`scan`] found in it.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    pages: BTreeMap<String, Page>,
    files: BTreeSet<String>,
}

impl LinkIndex {
    /// Adds every file of `output`, scanning its HTML pages.
    pub fn add(&mut self, output: &Output) {
        for (path, bytes) in &output.files {
            if path.ends_with(".html") {
                self.pages.insert(path.clone(), scan(&String::from_utf8_lossy(bytes)));
            }
            self.files.insert(path.clone());
        }
    }

    /// The pages scanned so far, by path.
    pub fn pages(&self) -> &BTreeMap<String, Page> {
        &self.pages
    }

    /// Adds a file that will be in the output without its bytes (a PDF `check` does not make).
    pub(crate) fn add_file(&mut self, path: impl Into<String>) {
        self.files.insert(path.into());
    }

    /// Every broken link: those in `authored` at the place they were written, the others
    /// against the page that holds them.
    pub fn check(&self, authored: &[&SourceLink]) -> Diagnostics {
        let mut by_url: BTreeMap<String, Vec<&SourceLink>> = BTreeMap::new();
        for link in authored {
            by_url.entry(normalise(&link.url)).or_default().push(link);
        }
        // One diagnostic per place and problem, however many pages show the link.
        let mut found: BTreeMap<(String, Option<usize>, String), Diagnostic> = BTreeMap::new();
        for (page_path, page) in &self.pages {
            for href in &page.links {
                let Err(broken) = self.resolve(page_path, href) else {
                    continue;
                };
                match by_url.get(&normalise(href)) {
                    Some(links) => {
                        for link in links {
                            let what = if link.image { "image" } else { "link" };
                            let message = format!("{what} `{}`: {}", link.url, broken.problem);
                            let key = (link.file.clone(), link.span.as_ref().map(|s| s.start), message.clone());
                            found.entry(key).or_insert_with(|| {
                                let mut d =
                                    Diagnostic::error(&link.file, link.span.clone(), message).with_label(broken.label);
                                if let Some(better) = &broken.suggestion {
                                    d = d.with_hint(format!("did you mean `{better}`?"));
                                }
                                d.hints.extend(broken.hints.iter().cloned());
                                d
                            });
                        }
                    }
                    None => {
                        let message = format!("the generated page `{page_path}` links to `{href}`: {}", broken.problem);
                        let key = (page_path.clone(), None, message.clone());
                        found.entry(key).or_insert_with(|| {
                            let mut d = Diagnostic::error(page_path, None, message);
                            if let Some(better) = &broken.suggestion {
                                d = d.with_hint(format!("did you mean `{better}`?"));
                            }
                            d.with_hint(
                                "this link comes from a template: check the site's own `templates/`; \
                                 with the built-in templates it is a bug in permitroom",
                            )
                        });
                    }
                }
            }
        }
        found.into_values().collect()
    }

    /// Resolves `href` on the page `page` as a browser would.
    fn resolve(&self, page: &str, href: &str) -> Result<(), Broken> {
        if url_scheme(href).is_some() || href.starts_with("//") {
            return Ok(());
        }
        let (path, fragment) = match href.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (href, None),
        };
        let path = percent_decode(path.split_once('?').map_or(path, |(p, _)| p));
        let start = match folder(page) {
            "" => format!("relative links start from the site's top folder (the link is on the page `{page}`)"),
            dir => format!(
                "relative links start from the folder of the page that shows them: `{dir}/` (the page `{page}`)"
            ),
        };
        if path.starts_with('/') || path.starts_with('\\') {
            return Err(Broken {
                problem: "a link that starts with `/` leaves the site when it is published in a sub-folder".into(),
                label: "starts with `/`",
                suggestion: self.relative_suggestion(page, path.trim_start_matches(['/', '\\']), href),
                hints: vec![start, "write the link relative to the page".into()],
            });
        }
        let target = if path.is_empty() {
            page.to_owned()
        } else {
            join(folder(page), &path).ok_or_else(|| Broken {
                problem: "the link leads above the site's top folder".into(),
                label: "outside the site",
                suggestion: None,
                hints: vec![start.clone()],
            })?
        };
        if !self.files.contains(&target) {
            if self.files.contains(&format!("{target}/index.html")) {
                return Err(Broken {
                    problem: format!("`{target}` is a folder: the link needs a `/` at the end"),
                    label: "no `/` at the end",
                    suggestion: Some(with_fragment(&format!("{}/", href_path(href)), fragment)),
                    hints: vec!["a link to a folder without `/` fails when the site is opened from disk".into()],
                });
            }
            return Err(Broken {
                problem: format!("there is no page or file `{target}` in the built site"),
                label: "no such page or file",
                suggestion: self
                    .nearest_file(page, &target)
                    .map(|f| with_fragment(&relative_href(page, f, href_path(href).ends_with('/')), fragment)),
                hints: vec![
                    start,
                    if images_hint(href) {
                        "Markdown does not copy images into the site: only files the site publishes (samples, blank forms, step videos and posters) can be shown".into()
                    } else {
                        "links go to the pages and files of the built site (a guide is `../<guide-id>/index.html` from another guide), not to source files".into()
                    },
                ],
            });
        }
        let Some(fragment) = fragment.map(percent_decode) else {
            return Ok(());
        };
        let Some(target_page) = self.pages.get(&target) else {
            // A fragment of a PDF or an image (`#page=2`) is not an id.
            return Ok(());
        };
        if fragment.is_empty() || fragment == "top" || target_page.ids.contains(&fragment) {
            return Ok(());
        }
        let suggestion = nearest(&fragment, target_page.ids.iter().map(String::as_str))
            .map(|id| format!("{}#{id}", href_path(href)));
        let mut hints = vec![format!("an anchor is the id of a part of the page `{target}`")];
        if suggestion.is_none() {
            let ids: Vec<&str> = target_page.ids.iter().map(String::as_str).take(12).collect();
            if !ids.is_empty() {
                hints.push(format!("its ids include: {}", ids.join(", ")));
            }
        }
        Err(Broken {
            problem: if target == page {
                format!("the page `{target}` that shows it has no anchor `#{fragment}`")
            } else {
                format!("the page `{target}` has no anchor `#{fragment}`")
            },
            label: "no such anchor",
            suggestion,
            hints,
        })
    }

    /// The file nearest to `target`, a path that is not in the output: the same path with one
    /// part spelt differently (`guides/some-gude/index.html`), else the page of the
    /// nearest folder above it that has one.
    fn nearest_file(&self, page: &str, target: &str) -> Option<&str> {
        let parts: Vec<&str> = target.split('/').collect();
        let mut best: Option<(f64, &str)> = None;
        for file in &self.files {
            let other: Vec<&str> = file.split('/').collect();
            if other.len() != parts.len() {
                continue;
            }
            let differing: Vec<(&str, &str)> = parts
                .iter()
                .zip(&other)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (*a, *b))
                .collect();
            if let [(a, b)] = differing[..] {
                let score = strsim::jaro_winkler(a, b);
                if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, file.as_str()));
                }
            }
        }
        if let Some((_, file)) = best {
            return Some(file);
        }
        let mut folder = target;
        while let Some((up, _)) = folder.rsplit_once('/') {
            folder = up;
            if let Some(file) = self.files.get(&format!("{folder}/index.html")) {
                // The page the link is on is no better a guess.
                return (file != page).then_some(file.as_str());
            }
        }
        None
    }

    /// For a link starting with `/`: the same target written relative to `page`, if it exists.
    fn relative_suggestion(&self, page: &str, from_root: &str, href: &str) -> Option<String> {
        let fragment = href.split_once('#').map(|(_, f)| f);
        let path = percent_decode(from_root.split(['#', '?']).next().unwrap_or(""));
        let target = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        self.files.contains(&target).then(|| {
            with_fragment(
                &relative_href(page, &target, path.is_empty() || path.ends_with('/')),
                fragment,
            )
        })
    }
}

/// Why a link does not resolve, in the words of a diagnostic.
struct Broken {
    problem: String,
    label: &'static str,
    suggestion: Option<String>,
    hints: Vec<String>,
}

/// The folder of a site path (`guides/a` for `guides/a/index.html`, `` for `index.html`).
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(f, _)| f)
}

/// Whether `href` names an image file (by its extension).
fn images_hint(href: &str) -> bool {
    let path = href_path(href).to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// `path` of an `href`, without its query and fragment.
fn href_path(href: &str) -> &str {
    href.split(['#', '?']).next().unwrap_or("")
}

fn with_fragment(path: &str, fragment: Option<&str>) -> String {
    match fragment {
        Some(f) => format!("{path}#{f}"),
        None => path.to_owned(),
    }
}

/// Joins a relative link to a folder, folding `.` and `..`; a link ending in `/` (or naming a
/// folder by `.`/`..`) means that folder's `index.html`. `None` above the top folder.
fn join(folder: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let segments: Vec<&str> = link.split('/').collect();
    let names_folder = matches!(segments.last(), Some(&"" | &"." | &".."));
    for segment in segments {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    if names_folder {
        parts.push("index.html");
    }
    Some(parts.join("/"))
}

/// `target` (a site path) as a link from the page `page`; `folder_style` writes a folder's
/// `index.html` as `…/`.
fn relative_href(page: &str, target: &str, folder_style: bool) -> String {
    let from: Vec<&str> = folder(page).split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut href = "../".repeat(from.len() - common);
    href.push_str(&to[common..].join("/"));
    if folder_style && let Some(dir) = href.strip_suffix("index.html") {
        let dir = dir.to_owned();
        return if dir.is_empty() { "./".into() } else { dir };
    }
    href
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A link as compared between what an author wrote and what a page holds: percent-decoded.
fn normalise(url: &str) -> String {
    percent_decode(url)
}

/// The ids and link values of an HTML page. A small tokenizer for the HTML this tool writes
/// (templates and Markdown output): tags and their attributes, comments, and the raw text of
/// `<script>` and `<style>` skipped.
pub fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at;
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(html.len(), |end| i + end + 3);
            continue;
        }
        let name_start = i + 1;
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = name_start;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'-' | b':')) {
            j += 1;
        }
        let tag = html[name_start..j].to_ascii_lowercase();
        // Attributes up to the closing `>`.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                j += 1;
                break;
            }
            let attr_start = j;
            while j < bytes.len() && !(bytes[j].is_ascii_whitespace() || matches!(bytes[j], b'=' | b'>' | b'/')) {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = None;
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let (start, end) = match bytes.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let start = j + 1;
                        let end = html[start..].find(q as char).map_or(html.len(), |e| start + e);
                        j = (end + 1).min(html.len());
                        (start, end)
                    }
                    _ => {
                        let start = j;
                        while j < bytes.len() && !(bytes[j].is_ascii_whitespace() || bytes[j] == b'>') {
                            j += 1;
                        }
                        (start, j)
                    }
                };
                value = Some(decode_entities(&html[start..end]));
            }
            match (attr.as_str(), value) {
                ("id", Some(v)) => {
                    page.ids.insert(v);
                }
                ("href" | "xlink:href" | "src" | "poster", Some(v)) => page.links.push(v),
                _ => {}
            }
        }
        i = j.min(html.len());
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |end| i + end);
        }
    }
    page
}

/// Decodes the character references HTML writers produce (`&amp;`, `&quot;`, `&#39;`, `&#x2F;`…).
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every piece of prose of the site, where authors write links.
pub(crate) fn site_prose(site: &Site) -> Vec<&Prose> {
    let mut prose: Vec<&Prose> = site.materials.iter().filter_map(|m| m.description.as_ref()).collect();
    for guide in &site.guides {
        prose.extend(guide.overview.as_ref());
        prose.extend(guide.conditions.iter().chain(&guide.prohibitions).map(|s| &s.prose));
        prose.extend(guide.materials.iter().filter_map(|m| m.note.as_ref()));
        for stage in &guide.stages {
            prose.extend(stage.summary.as_ref());
            for step in &stage.steps {
                prose.push(&step.body);
                prose.extend(step.video.as_ref().map(|v| &v.transcript));
            }
        }
        prose.extend(guide.faq.iter().map(|f| &f.answer));
    }
    prose
}

/// The link check of a checked site (`permitroom check` and `build`): renders the HTML pages
/// of every edition (`sites`, the primary one first, each under its folder) in memory and
/// checks every link on them, the language switch between editions included.
pub(crate) fn check_site(sites: &[&Site], tree: &SourceTree) -> Diagnostics {
    let templates = match render::html::Templates::new(tree) {
        Ok(t) => t,
        Err(d) => return d,
    };
    let options = RenderOptions::default();
    let mut index = LinkIndex::default();
    let mut diagnostics = Diagnostics::default();
    for site in sites {
        let prefix = site.edition.prefix.as_str();
        match render::html::site_pages_for_links(site, &templates, &options) {
            Ok(pages) => index.add(&pages.prefixed(prefix)),
            Err(d) => diagnostics.extend(d),
        }
        let guides: Vec<Result<LinkIndex, Diagnostics>> = site
            .guides
            .par_iter()
            .map(|guide| {
                let drawings: Vec<_> = guide.plans.iter().map(|p| render::plan_drawing(site, p)).collect();
                let pages = render::html::guide_pages(site, guide, &drawings, &templates, &options)?;
                let mut index = LinkIndex::default();
                index.add(&pages.prefixed(prefix));
                Ok(index)
            })
            .collect();
        for part in guides {
            match part {
                Ok(part) => {
                    index.pages.extend(part.pages);
                    index.files.extend(part.files);
                }
                Err(d) => diagnostics.extend(d),
            }
        }
        for file in render::planned_files(site) {
            index.add_file(file);
        }
    }
    if diagnostics.has_errors() {
        return diagnostics;
    }
    let prose: Vec<&Prose> = sites.iter().flat_map(|site| site_prose(site)).collect();
    let authored: Vec<&SourceLink> = prose.iter().flat_map(|p| &p.links).collect();
    index.check(&authored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(pages: &[(&str, &str)], files: &[&str]) -> LinkIndex {
        let mut output = Output::default();
        for (path, html) in pages {
            output.insert(*path, html.as_bytes());
        }
        let mut index = LinkIndex::default();
        index.add(&output);
        for f in files {
            index.add_file(*f);
        }
        index
    }

    #[test]
    fn scan_reads_ids_and_links_but_not_scripts_or_comments() {
        let page = scan(concat!(
            "<!DOCTYPE html><a href=\"a.html?x=1&amp;y=2#s\" id=top-link>x</a>",
            "<!-- <a href=\"commented.html\"> --><h2 id='第一步'>一</h2>",
            "<script>var s = '<a href=\"in-script.html\">';</script>",
            "<img src=img.png alt=\"a > b\"><video poster=\"p.png\"></video>",
            "<svg><use xlink:href=\"#sym\"/></svg><br/><p class=\"x\">a &lt; b</p>",
        ));
        assert_eq!(page.links, ["a.html?x=1&y=2#s", "img.png", "p.png", "#sym"]);
        assert_eq!(page.ids.iter().collect::<Vec<_>>(), ["top-link", "第一步"]);
    }

    #[test]
    fn entities_decode_as_browsers_do() {
        assert_eq!(decode_entities("a&amp;b&#x27;c&#39;d&quot;&nbsp;&"), "a&b'c'd\"&nbsp;&");
    }

    #[test]
    fn relative_links_resolve_from_the_page_folder() {
        assert_eq!(join("guides/a", "../b/").as_deref(), Some("guides/b/index.html"));
        assert_eq!(join("guides/a", "media/x.png").as_deref(), Some("guides/a/media/x.png"));
        assert_eq!(join("guides/a", "..").as_deref(), Some("guides/index.html"));
        assert_eq!(join("", "../x"), None);
        assert_eq!(
            relative_href("guides/a/index.html", "guides/b/index.html", true),
            "../b/"
        );
        assert_eq!(
            relative_href("guides/a/index.html", "guides/b/index.html", false),
            "../b/index.html"
        );
        assert_eq!(
            relative_href("index.html", "materials/m/index.html", false),
            "materials/m/index.html"
        );
        assert_eq!(
            relative_href("materials/m/index.html", "index.html", false),
            "../../index.html"
        );
    }

    #[test]
    fn each_kind_of_broken_link_and_what_is_left_alone() {
        let guide_a = concat!(
            "<h2 id=\"steps\">步骤</h2><h3 id=\"第一步\">一</h3>",
            "<a href=\"https://example.cn/x#nope\">外部</a><a href=\"mailto:a@b.cn\">邮件</a>",
            "<a href=\"//cdn.example.cn/x\">协议相对</a>",
            "<a href=\"#steps\">ok</a><a href=\"#top\">ok</a><a href=\"#%E7%AC%AC%E4%B8%80%E6%AD%A5\">ok</a>",
            "<a href=\"../b/index.html#steps\">ok</a><a href=\"../b/\">ok</a><a href=\"a-handout.pdf#page=2\">ok</a>",
            "<a href=\"#step\">1</a><a href=\"../b\">2</a><a href=\"../bb/index.html\">3</a>",
            "<a href=\"/guides/b/index.html\">4</a><a href=\"../../../x\">5</a><a href=\"../b/#nothing-like-it\">6</a>",
        );
        let index = index(
            &[
                ("guides/a/index.html", guide_a),
                ("guides/b/index.html", "<h2 id=\"steps\">步骤</h2>"),
            ],
            &["guides/a/a-handout.pdf"],
        );
        let broken: Vec<(String, Result<(), Option<String>>)> = scan(guide_a)
            .links
            .iter()
            .map(|href| {
                (
                    href.clone(),
                    index.resolve("guides/a/index.html", href).map_err(|b| b.suggestion),
                )
            })
            .filter(|(_, r)| r.is_err())
            .collect();
        let expect = |href: &str, suggestion: Option<&str>| (href.to_owned(), Err(suggestion.map(str::to_owned)));
        assert_eq!(
            broken,
            [
                expect("#step", Some("#steps")),
                expect("../b", Some("../b/")),
                expect("../bb/index.html", Some("../b/index.html")),
                expect("/guides/b/index.html", Some("../b/index.html")),
                expect("../../../x", None),
                expect("../b/#nothing-like-it", None),
            ]
        );
    }

    #[test]
    fn a_broken_link_is_located_where_the_author_wrote_it_else_on_its_page() {
        let index = index(
            &[(
                "guides/a/index.html",
                "<a href=\"#faq\">模板</a><a href=\"#stepz\">作者</a><h2 id=\"steps\">x</h2>",
            )],
            &[],
        );
        let written = SourceLink {
            url: "#stepz".into(),
            file: "guides/a/overview.md".into(),
            span: Some(10..16),
            image: false,
        };
        let d: Vec<Diagnostic> = index.check(&[&written]).iter().cloned().collect();
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].file, "guides/a/index.html");
        assert!(d[0].message.contains("links to `#faq`"), "{}", d[0].message);
        assert_eq!(
            (d[1].file.as_str(), d[1].span.clone()),
            ("guides/a/overview.md", Some(10..16))
        );
        assert_eq!(d[1].hints[0], "did you mean `#steps`?");
    }
}
