//! HTML pages with tera. The templates are embedded in the binary (from `templates/`) and a
//! site replaces one by putting a file of the same name in its own `templates/` folder.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;
use tera::{Context, Tera};

use super::{Output, RenderOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Fact, Guide, Material, Site};
use crate::source::load::SourceTree;

/// The embedded templates and static assets: `(name, contents)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("guide.html", include_str!("../../templates/guide.html")),
    ("material.html", include_str!("../../templates/material.html")),
    ("bundle.html", include_str!("../../templates/bundle.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("all-guides.html", include_str!("../../templates/all-guides.html")),
    ("finder.html", include_str!("../../templates/finder.html")),
    ("finder.js", include_str!("../../templates/finder.js")),
    ("site.js", include_str!("../../templates/site.js")),
    ("search.js", include_str!("../../templates/search.js")),
    ("checklist.js", include_str!("../../templates/checklist.js")),
    ("collapse.js", include_str!("../../templates/collapse.js")),
    ("selfcheck.html", include_str!("../../templates/selfcheck.html")),
    ("selfcheck.js", include_str!("../../templates/selfcheck.js")),
    ("selfcheck-eval.js", include_str!("../../templates/selfcheck-eval.js")),
    ("404.html", include_str!("../../templates/404.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("favicon.svg", include_str!("../../templates/favicon.svg")),
];

/// The template engine, with the site's overrides applied.
pub(crate) struct Templates {
    tera: Tera,
    /// Static assets by name (`style.css`), after overrides.
    assets: BTreeMap<String, String>,
    /// The names of the templates the site wrote itself, to tell its mistakes from ours.
    overrides: BTreeSet<String>,
}

impl Templates {
    pub(crate) fn new(tree: &SourceTree) -> Result<Templates, Diagnostics> {
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut assets = BTreeMap::new();
        let mut overrides = BTreeSet::new();
        for (name, embedded) in EMBEDDED {
            let path = format!("templates/{name}");
            let text = match tree.text(&path) {
                Some(own) => {
                    overrides.insert(name.to_string());
                    own
                }
                None => embedded,
            }
            .to_owned();
            if name.ends_with(".html") {
                sources.push((name.to_string(), text));
            } else {
                assets.insert(name.to_string(), text);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        // A number as the pages have always printed it: `210`, not tera 2's `210.0`.
        tera.register_filter("number", |n: tera::Number, _: tera::Kwargs, _: &tera::State| {
            n.to_string()
        });
        tera.register_filter("fill", fill_filter);
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n, t))) {
            let texts: BTreeMap<&str, &str> = sources.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            return Err(tera_errors("", &e, &texts, &overrides));
        }
        Ok(Templates {
            tera,
            assets,
            overrides,
        })
    }

    /// Renders the page `name` of `site`. On a page of an edition other than the primary one,
    /// text still in the original language is marked as such (`untranslated`).
    fn render(&self, name: &str, site: &Site, page: &PageContext) -> Result<String, Box<Diagnostic>> {
        let error = |e: tera::Error| {
            let d = tera_errors(name, &e, &BTreeMap::new(), &self.overrides);
            Box::new(d.into_iter().next().expect("one diagnostic per render error"))
        };
        let Some(values) = &page.marked else {
            return self.tera.render(name, &page.context).map_err(error);
        };
        let mut context = Context::new();
        for (key, value) in values {
            let mut value = value.clone();
            if !NOT_TEXT.contains(&key.as_str()) {
                super::untranslated::wrap(&mut value, &[]);
            }
            context.insert(key.clone(), &value);
        }
        let html = self.tera.render(name, &context).map_err(error)?;
        Ok(super::untranslated::finish(
            &html,
            site.edition.labels.get("edition.untranslated"),
        ))
    }
}

/// A page's template context. On a page of an edition other than the primary one it keeps the
/// values as JSON too, to mark the text still in the original language before rendering.
struct PageContext {
    context: Context,
    marked: Option<Vec<(String, serde_json::Value)>>,
}

impl PageContext {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match &mut self.marked {
            None => self.context.insert(key, value),
            Some(values) => {
                let json = serde_json::to_value(value).unwrap_or_default();
                values.retain(|(k, _)| k != key);
                values.push((key.to_owned(), json));
            }
        }
    }
}

/// `{{ t.guide.stage_number | fill(n=s.number) }}`: a label with each `{name}` replaced by the
/// argument of that name (text or a number). The result is escaped like any text.
fn fill_filter(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> String {
    let mut out = text.to_owned();
    for (name, value) in kwargs.iter() {
        let v = match value.as_str() {
            Some(s) => s.to_owned(),
            None => value.to_string(),
        };
        out = out.replace(&format!("{{{name}}}"), &v);
    }
    out
}

/// The HTML escaping of every `{{ … }}` in a `.html` template: `& < > " ' /`, as the pages
/// have always been escaped (tera 2's own escaper leaves `/` alone and writes `'` as `&#39;`).
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut plain = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#x27;",
            b'/' => b"&#x2F;",
            _ => continue,
        };
        out.write_all(&input.as_bytes()[plain..i])?;
        out.write_all(entity)?;
        plain = i + 1;
    }
    out.write_all(&input.as_bytes()[plain..])
}

/// A tera error as diagnostics in the template where tera places it (file, line, column): a
/// syntax error, a render error (an undefined variable or field, a filter given the wrong
/// type), or, when the templates are put together, each unknown filter, test, function,
/// component or block. `texts` are the templates' sources, needed only for the last kind,
/// which tera reports as text (`--> name:line:col`) rather than as a place.
fn tera_errors(
    rendering: &str,
    error: &tera::Error,
    texts: &BTreeMap<&str, &str>,
    overrides: &BTreeSet<String>,
) -> Diagnostics {
    let placed = |name: &str, span: Option<Range<usize>>, what: &str, message: &str| {
        let (why, hint) = explain(message);
        let mut d = Diagnostic::error(format!("templates/{name}"), span, format!("{what}: {why}"));
        if let Some(hint) = hint {
            d = d.with_hint(hint);
        }
        if overrides.contains(name) {
            d.with_hint("the site's own template: compare it with the built-in one of the same name in the `templates/` folder of the permitroom source (docs/templates.md lists what each template receives)")
        } else {
            d.with_hint("a built-in template: this is a bug in permitroom; please report it")
        }
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) => Diagnostics::from_iter([placed(
            report.filename(),
            Some(report.span().range.clone()),
            "template syntax error",
            report.message(),
        )]),
        tera::ErrorKind::RenderingError(report) => Diagnostics::from_iter([placed(
            report.filename(),
            Some(report.span().range.clone()),
            "template error",
            report.message(),
        )]),
        _ => {
            let text = error.to_string();
            let reports = reports_in(&text);
            if reports.is_empty() {
                return Diagnostics::from_iter([placed(rendering, None, "template error", &text)]);
            }
            reports
                .into_iter()
                .map(|(message, name, line, col, width)| {
                    let span = texts
                        .get(name)
                        .and_then(|t| offset_of(t, line, col))
                        .map(|start| start..start + width_in_bytes(texts[name], start, width));
                    placed(name, span, "template error", message)
                })
                .collect()
        }
    }
}

/// The reports in tera's text of several errors: `error: MESSAGE`, then ` --> NAME:LINE:COL`,
/// the line, and `^^^` under the place, as `(message, name, line, col, carets)`.
fn reports_in(text: &str) -> Vec<(&str, &str, usize, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some(place) = lines.get(i + 1).and_then(|l| l.trim_start().strip_prefix("--> ")) else {
            continue;
        };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(line_no), Ok(col)) = (line_no.parse::<usize>(), col.parse::<usize>()) else {
            continue;
        };
        let carets = lines
            .get(i + 4)
            .map_or(1, |l| l.chars().filter(|&c| c == '^').count().max(1));
        found.push((message, name, line_no, col, carets));
    }
    found
}

/// The byte length of `chars` characters of `text` from `start`.
fn width_in_bytes(text: &str, start: usize, chars: usize) -> usize {
    text[start..]
        .chars()
        .take(chars)
        .map(char::len_utf8)
        .sum::<usize>()
        .max(1)
}

/// Tera's message in a diagnostic's words: its first sentence, lower-cased at the start, and
/// a hint from the names tera lists as available (the nearest one when the name looks like a
/// typo of it).
fn explain(message: &str) -> (String, Option<String>) {
    let (first, available) = match message.split_once(" Available ") {
        Some((first, rest)) => (first, rest.split_once(": ").map(|(_, names)| names)),
        None => (message, None),
    };
    let first = first.trim_end_matches('.');
    let mut chars = first.chars();
    let why = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    let hint = available.map(|names| {
        let names: Vec<&str> = names.trim_end_matches('.').split(", ").collect();
        let unknown = first.split('`').nth(1).unwrap_or("");
        match crate::diagnostics::nearest(unknown, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("available here: {}", names.join(", ")),
        }
    });
    (why, hint)
}

/// The byte offset of one-based `line` and `col` (in characters) of `text`.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &text[start..];
    let within = rest
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// A guide as the index lists it.
#[derive(Serialize)]
struct GuideCard<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    stages: Vec<&'a str>,
    /// With its tag; a guide of several clocks shows each, never a sum.
    statutory: &'a Fact,
    /// The caveats a limit needs even on a card: the special steps whose time is not
    /// counted (行政许可法 §45), and whether the guide explains the limit further.
    outside_clock: Vec<&'a str>,
    has_note: bool,
    fees: &'a Fact,
    material_count: usize,
}

/// The keys of a page's context that hold no text of the sources: never marked as untranslated.
const NOT_TEXT: &[&str] = &["t", "page_labels", "editions", "root", "live_reload_script", "page_url"];

/// The sections of the labels the page scripts read (from the page's `page-labels` element).
const SCRIPT_LABELS: &[&str] = &["search", "checklist", "collapse", "finder", "selfcheck_js"];

/// What every page's template gets: the site, the way to the output's root, the edition's
/// words (`t`), the words of the page scripts as JSON, and the page in every edition (the
/// language switch and the `hreflang` alternates). `path` is the page's place in its edition.
fn base_context(site: &Site, path: &str, options: &RenderOptions) -> PageContext {
    let root = "../".repeat(path.matches('/').count());
    let labels = &site.edition.labels;
    let mut c = PageContext {
        context: Context::new(),
        marked: (!site.edition.is_primary()).then(Vec::new),
    };
    c.insert("site", &site.config);
    c.insert("root", &root);
    c.insert("live_reload_script", &options.live_reload_script);
    c.insert("t", labels);
    let scripts: serde_json::Map<String, serde_json::Value> = SCRIPT_LABELS
        .iter()
        .filter_map(|k| Some((k.to_string(), labels.json().get(*k)?.clone())))
        .collect();
    // Inside <script>: `</` could end the element.
    let json = serde_json::Value::Object(scripts).to_string().replace("</", "<\\/");
    c.insert("page_labels", &json);
    c.insert("editions", &edition_links(site, path, &root));
    c
}

/// A page in one edition, as the language switch and the alternates name it.
#[derive(Serialize)]
struct PageEdition<'a> {
    lang: &'a str,
    name: &'a str,
    /// Relative to the page.
    href: String,
    current: bool,
}

/// The page at `path` in every edition of the site, the primary one first (none when the
/// site has one edition).
fn edition_links<'a>(site: &'a Site, path: &str, root: &str) -> Vec<PageEdition<'a>> {
    if site.edition.all.len() < 2 {
        return Vec::new();
    }
    // From this page to the output's root: to its edition's root, then out of its folder.
    let out_of_edition = "../".repeat(site.edition.prefix.matches('/').count());
    site.edition
        .all
        .iter()
        .map(|e| PageEdition {
            lang: &e.lang,
            name: &e.name,
            href: format!("{root}{out_of_edition}{}{path}", e.prefix),
            current: e.prefix == site.edition.prefix,
        })
        .collect()
}

/// The pages that list the whole site: index, 404 and the stylesheet.
pub(crate) fn site_pages(site: &Site, templates: &Templates, options: &RenderOptions) -> Result<Output, Diagnostics> {
    site_pages_with(site, templates, options, true)
}

/// [`site_pages`] without the search index, which no page links to: what the link check
/// needs (at 1,000 guides the index was 84 % of `check`).
pub(crate) fn site_pages_for_links(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Output, Diagnostics> {
    site_pages_with(site, templates, options, false)
}

fn site_pages_with(
    site: &Site,
    templates: &Templates,
    options: &RenderOptions,
    with_search_index: bool,
) -> Result<Output, Diagnostics> {
    let mut out = Output::default();
    let by_id: BTreeMap<&str, &Guide> = site.guides.iter().map(|g| (g.id.as_str(), g)).collect();
    let departments: Vec<(String, Vec<GuideCard>)> = site
        .departments
        .iter()
        .map(|d| {
            let cards = d
                .guides
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .map(|g| GuideCard {
                    id: &g.id,
                    title: &g.title,
                    summary: &g.summary,
                    stages: g.stages.iter().map(|s| s.title.as_str()).collect(),
                    statutory: &g.time_limit.statutory,
                    outside_clock: {
                        let mut labels: Vec<&str> = Vec::new();
                        let steps = g.stages.iter().flat_map(|s| &s.steps);
                        for label in steps
                            .filter(|t| t.outside_clock)
                            .filter_map(|t| t.special_label.as_deref())
                        {
                            if !labels.contains(&label) {
                                labels.push(label);
                            }
                        }
                        labels
                    },
                    has_note: g.time_limit.note.is_some(),
                    fees: &g.fees.fact,
                    // Documents to bring: an either-or group is one of them.
                    material_count: g
                        .materials
                        .iter()
                        .filter(|m| m.alternatives.iter().all(|a| a.number > m.number))
                        .count(),
                })
                .collect();
            (d.name.clone(), cards)
        })
        .collect();
    let mut c = base_context(site, "index.html", options);
    c.insert("departments", &departments);
    c.insert("guide_count", &site.guides.len());
    c.insert("materials", &site.materials);
    c.insert("bundles", &site.bundles);
    let mut diagnostics = Diagnostics::default();
    match templates.render("index.html", site, &c) {
        Ok(html) => out.insert("index.html", html),
        Err(d) => diagnostics.push(*d),
    }
    let c = base_context(site, "404.html", options);
    match templates.render("404.html", site, &c) {
        Ok(html) => out.insert("404.html", html),
        Err(d) => diagnostics.push(*d),
    }
    let c = base_context(site, "search.html", options);
    match templates.render("search.html", site, &c) {
        Ok(html) => out.insert("search.html", html),
        Err(d) => diagnostics.push(*d),
    }
    let mut c = base_context(site, "finder.html", options);
    c.insert("finder", &site.finder);
    match templates.render("finder.html", site, &c) {
        Ok(html) => out.insert("finder.html", html),
        Err(d) => diagnostics.push(*d),
    }
    if let Some(finder) = &site.finder {
        match super::json_file("finder.json", finder) {
            Ok(bytes) => out.insert("finder.json", bytes),
            Err(d) => diagnostics.push(*d),
        }
    }
    let mut c = base_context(site, "guides/index.html", options);
    c.insert("departments", &departments);
    c.insert("guides", &site.guides.iter().map(|g| &g.id).collect::<Vec<_>>());
    c.insert("bundles", &site.bundles);
    match templates.render("all-guides.html", site, &c) {
        Ok(html) => out.insert("guides/index.html", html),
        Err(d) => diagnostics.push(*d),
    }
    if with_search_index {
        match super::search::index_files(&super::search::documents(site)) {
            Ok(index) => out.extend(index),
            Err(d) => diagnostics.push(*d),
        }
    }
    // Open data in each edition's language (`api/v1/`, `en/api/v1/`): the same documents,
    // ids, numbers and tags; only the words differ.
    out.extend(super::api::api_files(site));
    for material in &site.materials {
        match material_page(site, material, templates, options) {
            Ok(html) => out.insert(format!("materials/{}/index.html", material.id), html),
            Err(d) => diagnostics.push(*d),
        }
        for asset in &material.assets {
            out.insert(
                format!("materials/{}/{}", material.id, asset.name),
                super::asset_bytes(asset),
            );
        }
    }
    for bundle in &site.bundles {
        let mut c = base_context(site, &format!("bundles/{}/index.html", bundle.id), options);
        c.insert("bundle", bundle);
        match templates.render("bundle.html", site, &c) {
            Ok(html) => out.insert(format!("bundles/{}/index.html", bundle.id), html),
            Err(d) => diagnostics.push(*d),
        }
    }
    for (name, text) in &templates.assets {
        out.insert(format!("assets/{name}"), text.clone());
    }
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(diagnostics)
    }
}

fn material_page(
    site: &Site,
    material: &Material,
    templates: &Templates,
    options: &RenderOptions,
) -> Result<String, Box<Diagnostic>> {
    let mut c = base_context(site, &format!("materials/{}/index.html", material.id), options);
    c.insert("material", material);
    templates.render("material.html", site, &c)
}

/// The page of one guide.
pub(crate) fn guide_pages(
    site: &Site,
    guide: &Guide,
    drawings: &[crate::render::plan_svg::Drawing],
    templates: &Templates,
    options: &RenderOptions,
) -> Result<Output, Diagnostics> {
    let mut out = Output::default();
    let mut c = base_context(site, &format!("guides/{}/index.html", guide.id), options);
    c.insert("guide", guide);
    // Each plan's drawing size, in the order of `guide.plans`.
    let sizes: Vec<[u32; 2]> = drawings.iter().map(|d| [d.width, d.height]).collect();
    c.insert("plan_sizes", &sizes);
    c.insert("selfcheck_page", &super::selfcheck::page_path(guide).is_some());
    c.insert("page_url", &format!("{}guides/{}/", site.config.base_url, guide.id));
    c.insert(
        "json_ld",
        &super::jsonld::script_text(&super::jsonld::government_service(site, guide)),
    );
    let html = templates
        .render("guide.html", site, &c)
        .map_err(|d| Diagnostics::from_iter([*d]))?;
    out.insert(format!("guides/{}/index.html", guide.id), html);
    if let (Some(path), Some((rules, data))) = (
        super::selfcheck::page_path(guide),
        super::selfcheck::page_data(site, guide),
    ) {
        let mut c = base_context(site, &path, options);
        c.insert("guide", guide);
        c.insert("rules", &rules);
        c.insert("selfcheck_data", &data);
        let html = templates
            .render("selfcheck.html", site, &c)
            .map_err(|d| Diagnostics::from_iter([*d]))?;
        out.insert(path, html);
    }
    for asset in &guide.assets {
        out.insert(
            format!("guides/{}/media/{}", guide.id, asset.name),
            super::asset_bytes(asset),
        );
    }
    Ok(out)
}
