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
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(Diagnostics::from_iter([tera_error("", &e, &overrides)]));
        }
        Ok(Templates {
            tera,
            assets,
            overrides,
        })
    }

    fn render(&self, name: &str, context: &Context) -> Result<String, Box<Diagnostic>> {
        self.tera
            .render(name, context)
            .map_err(|e| Box::new(tera_error(name, &e, &self.overrides)))
    }
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
    outside_clock: Vec<&'static str>,
    has_note: bool,
    fees: &'a Fact,
    material_count: usize,
}

fn base_context(site: &Site, root: &str, options: &RenderOptions) -> Context {
    let mut c = Context::new();
    c.insert("site", &site.config);
    c.insert("root", root);
    c.insert("live_reload_script", &options.live_reload_script);
    c
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
                        let mut labels: Vec<&'static str> = Vec::new();
                        let steps = g.stages.iter().flat_map(|s| &s.steps);
                        for label in steps.filter(|t| t.outside_clock).filter_map(|t| t.special_label) {
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
    let mut c = base_context(site, "", options);
    c.insert("departments", &departments);
    c.insert("guide_count", &site.guides.len());
    c.insert("materials", &site.materials);
    c.insert("bundles", &site.bundles);
    let mut diagnostics = Diagnostics::default();
    match templates.render("index.html", &c) {
        Ok(html) => out.insert("index.html", html),
        Err(d) => diagnostics.push(*d),
    }
    let c = base_context(site, "", options);
    match templates.render("404.html", &c) {
        Ok(html) => out.insert("404.html", html),
        Err(d) => diagnostics.push(*d),
    }
    match templates.render("search.html", &c) {
        Ok(html) => out.insert("search.html", html),
        Err(d) => diagnostics.push(*d),
    }
    let mut c = base_context(site, "", options);
    c.insert("finder", &site.finder);
    match templates.render("finder.html", &c) {
        Ok(html) => out.insert("finder.html", html),
        Err(d) => diagnostics.push(*d),
    }
    if let Some(finder) = &site.finder {
        match super::json_file("finder.json", finder) {
            Ok(bytes) => out.insert("finder.json", bytes),
            Err(d) => diagnostics.push(*d),
        }
    }
    let mut c = base_context(site, "../", options);
    c.insert("departments", &departments);
    c.insert("guides", &site.guides.iter().map(|g| &g.id).collect::<Vec<_>>());
    c.insert("bundles", &site.bundles);
    match templates.render("all-guides.html", &c) {
        Ok(html) => out.insert("guides/index.html", html),
        Err(d) => diagnostics.push(*d),
    }
    if with_search_index {
        match super::search::index_files(&super::search::documents(site)) {
            Ok(index) => out.extend(index),
            Err(d) => diagnostics.push(*d),
        }
    }
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
        let mut c = base_context(site, "../../", options);
        c.insert("bundle", bundle);
        match templates.render("bundle.html", &c) {
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
    let mut c = base_context(site, "../../", options);
    c.insert("material", material);
    templates.render("material.html", &c)
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
    let mut c = base_context(site, "../../", options);
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
        .render("guide.html", &c)
        .map_err(|d| Diagnostics::from_iter([*d]))?;
    out.insert(format!("guides/{}/index.html", guide.id), html);
    if let (Some(path), Some((rules, data))) = (
        super::selfcheck::page_path(guide),
        super::selfcheck::page_data(site, guide),
    ) {
        let mut c = base_context(site, "../../", options);
        c.insert("guide", guide);
        c.insert("rules", &rules);
        c.insert("selfcheck_data", &data);
        let html = templates
            .render("selfcheck.html", &c)
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
