//! HTML pages with tera. The templates are embedded in the binary (from `templates/`) and a
//! site replaces one by putting a file of the same name in its own `templates/` folder.

use std::collections::BTreeMap;

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
pub struct Templates {
    tera: Tera,
    /// Static assets by name (`style.css`), after overrides.
    assets: BTreeMap<String, String>,
    /// The site's own templates by name, to place an error in them.
    overrides: BTreeMap<String, String>,
}

impl Templates {
    pub fn new(tree: &SourceTree) -> Result<Templates, Diagnostics> {
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut assets = BTreeMap::new();
        let mut overrides = BTreeMap::new();
        for (name, embedded) in EMBEDDED {
            let path = format!("templates/{name}");
            let text = match tree.text(&path) {
                Some(own) => {
                    overrides.insert(name.to_string(), own.to_owned());
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
        tera.register_filter("fill", fill_filter);
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(Diagnostics::from_iter([tera_error("", &e, &overrides)]));
        }
        Ok(Templates {
            tera,
            assets,
            overrides,
        })
    }

    /// Renders the page `name` of `site`. On a page of an edition other than the primary one,
    /// text still in the original language is marked as such (`untranslated`).
    fn render(&self, name: &str, site: &Site, context: &Context) -> Result<String, Box<Diagnostic>> {
        let error = |e: tera::Error| Box::new(tera_error(name, &e, &self.overrides));
        if site.edition.is_primary() {
            return self.tera.render(name, context).map_err(error);
        }
        let mut value = context.clone().into_json();
        super::untranslated::wrap(&mut value, NOT_TEXT);
        let context = Context::from_value(value).map_err(error)?;
        let html = self.tera.render(name, &context).map_err(error)?;
        Ok(super::untranslated::finish(
            &html,
            site.edition.labels.get("edition.untranslated"),
        ))
    }
}

/// `{{ t.guide.stage_number | fill(n=s.number) }}`: a label with each `{name}` replaced by the
/// argument of that name (text or a number). The result is autoescaped like any text.
fn fill_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("`fill` is for a label (a text)"))?;
    let mut names: Vec<&String> = args.keys().collect();
    names.sort();
    let mut out = text.to_owned();
    for name in names {
        let v = match &args[name] {
            tera::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{name}}}"), &v);
    }
    Ok(tera::Value::String(out))
}

/// A tera error as a diagnostic in the template it comes from, at its line and column when
/// the site wrote that template: a syntax error where tera points, an unknown variable,
/// filter, function or test at its first use. (tera 1 reports no place for render errors.)
fn tera_error(rendering: &str, error: &tera::Error, overrides: &BTreeMap<String, String>) -> Diagnostic {
    use std::error::Error as _;
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let quoted = |text: &str, open: char, close: char| -> Option<String> {
        let start = text.find(open)? + open.len_utf8();
        let end = text[start..].find(close)? + start;
        Some(text[start..end].to_owned())
    };
    // The template named by "Failed to parse 'x'" / "Failed to render 'x'", else the page's.
    let name = chain
        .iter()
        .find(|m| m.starts_with("Failed to parse '") || m.starts_with("Failed to render '"))
        .and_then(|m| quoted(m, '\'', '\''))
        .unwrap_or_else(|| rendering.to_owned());
    let mut file = format!("templates/{name}");
    let joined = chain.join(": ");
    let mut span = None;
    let mut message = format!("template error: {joined}");
    if let Some(at) = joined.find(" --> ") {
        // A syntax error: ` --> line:col`, then pest's picture, then `= expected …`.
        let place = joined[at + 5..].split_whitespace().next().unwrap_or("");
        let mut numbers = place.split(':').map(|n| n.parse::<usize>().ok());
        if let (Some(Some(line)), Some(Some(col)), Some(text)) = (numbers.next(), numbers.next(), overrides.get(&name))
        {
            span = offset_of(text, line, col).map(|o| o..o + 1);
        }
        let why = joined
            .lines()
            .find_map(|l| l.trim().strip_prefix("= "))
            .unwrap_or("a syntax error");
        message = format!("template syntax error: {why}");
    } else {
        let unknown = [
            ("Variable `", '`', "variable"),
            ("Filter '", '\'', "filter"),
            ("Function '", '\'', "function"),
            ("Test '", '\'', "test"),
        ]
        .into_iter()
        .find_map(|(lead, close, what)| {
            let at = joined.find(lead)?;
            let token = quoted(&joined[at + lead.len() - 1..], lead.chars().last()?, close)?;
            Some((token, what))
        });
        if let Some((token, what)) = unknown {
            // First in the template named, then in any other template the site wrote
            // (an `{% extends %}` parent or an include).
            let found = overrides
                .get(&name)
                .and_then(|t| t.find(&token).map(|o| (name.clone(), o)))
                .or_else(|| {
                    overrides
                        .iter()
                        .find_map(|(n, t)| t.find(&token).map(|o| (n.clone(), o)))
                });
            message = match found {
                // Placed: the same mistake met on every page is then one diagnostic.
                Some((in_name, offset)) => {
                    file = format!("templates/{in_name}");
                    span = Some(offset..offset + token.len());
                    format!("template error: unknown {what} `{token}`")
                }
                None => format!("template error: unknown {what} `{token}` (while rendering `{rendering}`)"),
            };
        }
    }
    let own = file
        .strip_prefix("templates/")
        .is_some_and(|n| overrides.contains_key(n));
    let diagnostic = Diagnostic::error(file, span, message);
    if own {
        diagnostic.with_hint("the site's own template: compare it with the built-in one of the same name in the `templates/` folder of the permitroom source (docs/en/reference.md#templates)")
    } else {
        diagnostic.with_hint("a built-in template: this is a bug in permitroom; please report it")
    }
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
fn base_context(site: &Site, path: &str, options: &RenderOptions) -> Context {
    let root = "../".repeat(path.matches('/').count());
    let labels = &site.edition.labels;
    let mut c = Context::new();
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

/// The page at `path` in every edition of the site, the primary one first.
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
pub fn site_pages(site: &Site, templates: &Templates, options: &RenderOptions) -> Result<Output, Diagnostics> {
    site_pages_with(site, templates, options, true)
}

/// [`site_pages`] without the search index, which no page links to: what the link check
/// needs (at 1,000 guides the index was 84 % of `check`).
pub fn site_pages_for_links(
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
    // Open data is published once, in the primary edition's language.
    if site.edition.is_primary() {
        out.extend(super::api::api_files(site));
    }
    for material in &site.materials {
        match material_page(site, material, templates, options) {
            Ok(html) => out.insert(format!("materials/{}/index.html", material.id), html),
            Err(d) => diagnostics.push(*d),
        }
        for (name, bytes) in &material.files {
            out.insert(format!("materials/{}/{name}", material.id), bytes.clone());
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
pub fn guide_pages(
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
    for (name, bytes) in &guide.files {
        out.insert(format!("guides/{}/media/{name}", guide.id), bytes.clone());
    }
    Ok(out)
}
