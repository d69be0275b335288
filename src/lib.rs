//! permitroom turns structured descriptions of complex permits into a visual "permit sample
//! room" (行政许可样板间): a static illustrated website and printable handouts.
//!
//! The build is a pipeline of stages, each a function with named input and output types
//! (see ARCHITECTURE.md):
//!
//! 1. [`load::load_site`]: the site folder → [`load::SourceTree`] (the only disk reads)
//! 2. [`parse::parse_site`]: source text → [`parse::ParsedSite`] (typed, located)
//! 3. [`resolve::resolve_site`]: → [`model::Site`] (cross-references, plans, rules checked)
//! 4. [`render_in_parts`]: → [`render::Output`] (HTML, SVG, PNG; pure); [`links`] checks every
//!    internal link and anchor of the pages (in `check` too)
//! 5. [`write::Staging`]: → the output folder, swapped in atomically (the only writes)

#![forbid(unsafe_code)]

pub mod diagnostics;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod source;

use model::resolve;
use render::links;
use source::{load, parse};

use std::path::Path;

use diagnostics::Diagnostics;
use load::SourceTree;
use model::Site;
use render::{Engines, Output, RenderOptions};

/// The outcome of checking a site: the model when there were no errors, and every
/// diagnostic (warnings included) either way.
pub struct Checked {
    pub tree: SourceTree,
    /// The primary edition.
    pub site: Option<Site>,
    /// The other editions `site.toml` lists (`[[editions]]`), each resolved from the sources
    /// with their translations put in; empty when there were errors.
    pub editions: Vec<Site>,
    pub diagnostics: Diagnostics,
}

impl Checked {
    /// Every edition's model, the primary one first.
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        self.site.iter().chain(&self.editions)
    }

    /// Sets the address the site is published under, in every edition (`build --base-url`).
    pub(crate) fn set_base_url(&mut self, url: &str) {
        for site in self.site.iter_mut().chain(&mut self.editions) {
            site.config.base_url = format!("{url}{}", site.edition.prefix);
        }
    }
}

/// Stages 2 and 3 on a tree already loaded.
pub fn check_tree(tree: SourceTree, mut diagnostics: Diagnostics) -> Checked {
    let translations = parse::edition_langs(&tree);
    let primary = source::edition::Reading {
        lang: None,
        translations: &translations,
    };
    let (parsed, parse_diagnostics) = parse::parse_site_for(&tree, primary);
    diagnostics.extend(parse_diagnostics);
    let lang = parsed.config.as_ref().map_or("zh-CN", |c| c.language.as_str());
    let labels = source::labels::Labels::load(&tree, lang).unwrap_or_else(|d| {
        diagnostics.extend(d);
        source::labels::Labels::builtin("zh-CN")
    });
    let all = edition_links(&parsed, &labels, &mut diagnostics);
    let primary_edition = model::SiteEdition {
        lang: lang.to_owned(),
        prefix: String::new(),
        all: all.clone(),
        labels,
    };
    let (site, resolve_diagnostics) = resolve::resolve_site(&tree, &parsed, primary_edition);
    diagnostics.extend(resolve_diagnostics);
    diagnostics.extend(resolve::todo_warnings(&tree));
    let mut editions = Vec::new();
    for link in all.iter().skip(1) {
        let reading = source::edition::Reading {
            lang: Some(&link.lang),
            translations: &translations,
        };
        let (parsed, mut found) = parse::parse_site_for(&tree, reading);
        found.extend(untranslated_warnings(&parsed, &link.lang));
        let labels = match source::labels::Labels::load(&tree, &link.lang) {
            Ok(labels) => labels,
            Err(d) => {
                found.extend(d);
                continue;
            }
        };
        let edition = model::SiteEdition {
            lang: link.lang.clone(),
            prefix: link.prefix.clone(),
            all: all.clone(),
            labels,
        };
        let (resolved, resolve_diagnostics) = resolve::resolve_site(&tree, &parsed, edition);
        found.extend(resolve_diagnostics);
        add_new(&mut diagnostics, found);
        if let Some(mut resolved) = resolved {
            resolved.config.base_url = format!("{}{}", resolved.config.base_url, link.prefix);
            resolved.config.language = link.lang.clone();
            editions.push(resolved);
        }
    }
    if let Some(site) = &site {
        let fonts = render::pdf::bundled_fonts();
        for edition in std::iter::once(site).chain(&editions) {
            let glyphs = render::pdf::glyph_warnings(edition, &tree, &fonts);
            add_new(&mut diagnostics, glyphs);
        }
        // Links are checked on the rendered pages, so only once the site itself is sound.
        if !diagnostics.has_errors() {
            let sites: Vec<&Site> = std::iter::once(site).chain(&editions).collect();
            diagnostics.extend(links::check_site(&sites, &tree));
        }
    }
    let failed = diagnostics.has_errors();
    Checked {
        tree,
        site: if failed { None } else { site },
        editions: if failed { Vec::new() } else { editions },
        diagnostics: diagnostics.sorted(),
    }
}

/// The diagnostics of `more` that `diagnostics` does not hold yet: an edition is read from the
/// same sources, so most of what it finds the primary edition found already.
fn add_new(diagnostics: &mut Diagnostics, more: Diagnostics) {
    let fresh: Vec<diagnostics::Diagnostic> = more
        .iter()
        .filter(|d| !diagnostics.iter().any(|o| o == *d))
        .cloned()
        .collect();
    for d in fresh {
        diagnostics.push(d);
    }
}

/// The editions of the site, the primary one first, each checked: a language tag, not the
/// primary language, listed once.
fn edition_links(
    parsed: &parse::ParsedSite,
    labels: &source::labels::Labels,
    diagnostics: &mut Diagnostics,
) -> Vec<model::EditionLink> {
    let mut all = vec![model::EditionLink {
        lang: labels.lang().to_owned(),
        name: labels.get("edition.name").to_owned(),
        prefix: String::new(),
    }];
    let Some(config) = &parsed.config else { return all };
    for e in &config.editions {
        let lang = e.lang.get_ref();
        let tag = !lang.is_empty()
            && lang
                .split('-')
                .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
            && lang
                .split('-')
                .next()
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_lowercase()));
        let problem = if !tag {
            Some(format!("`{lang}` is not a language tag (BCP 47, e.g. `en`, `en-GB`)"))
        } else if all.iter().any(|a| a.lang == *lang) {
            Some(format!("the edition `{lang}` is the site's language or listed twice"))
        } else {
            None
        };
        match problem {
            Some(message) => diagnostics.push(
                diagnostics::Diagnostic::error(load::SITE_CONFIG, Some(e.lang.span()), message)
                    .with_hint("each edition is another language than `language`, listed once"),
            ),
            None => all.push(model::EditionLink {
                lang: lang.clone(),
                name: e.name.clone(),
                prefix: format!("{lang}/"),
            }),
        }
    }
    all
}

/// One warning per guide that has a translation table and text left untranslated: how many
/// fields, and the first few.
fn untranslated_warnings(parsed: &parse::ParsedSite, lang: &str) -> Diagnostics {
    let mut out = Diagnostics::default();
    for (file, fields) in &parsed.untranslated {
        let shown: Vec<String> = fields.iter().take(5).map(|f| format!("`{f}`")).collect();
        let more = if fields.len() > shown.len() { ", …" } else { "" };
        out.push(
            diagnostics::Diagnostic::warning(
                file,
                None,
                format!(
                    "{} no `{lang}` translation: {}{more}",
                    diagnostics::count(fields.len(), "text field has", "text fields have"),
                    shown.join(", ")
                ),
            )
            .with_hint(format!(
                "the `{lang}` edition shows them in the original language, marked as not yet translated; add `{lang}.<field> = \"…\"` beside each (or an `X.{lang}.md` beside a Markdown file)"
            )),
        );
    }
    out
}

/// Loads and checks the site at `root` (`permitroom check`).
pub fn check(root: &Path) -> Result<Checked, load::LoadError> {
    let (tree, diagnostics) = load::load_site(root)?;
    Ok(check_tree(tree, diagnostics))
}

/// What a build makes.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub render: RenderOptions,
    pub pdf: render::pdf::PdfOptions,
    /// Skip the PDF handouts (faster previews).
    pub skip_pdfs: bool,
}

/// Renders a checked site (stage 4): pages and images, then PDFs, all in memory.
pub fn render(checked: &Checked, options: &BuildOptions) -> Result<Output, BuildError> {
    let mut output = Output::default();
    render_in_parts(checked, options, &mut |part| {
        output.extend(part);
        Ok(())
    })?;
    Ok(output)
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the sources or templates.
    Content(Diagnostics),
    /// The output could not be written.
    Io(std::io::Error),
}

/// Renders a checked site part by part (site pages, then a few guides at a time, then each
/// guide's PDFs), handing each part to `sink` as soon as it is ready, so memory holds one part
/// rather than the whole site. `build` passes a [`write::Staging`] folder as the sink.
pub(crate) fn render_in_parts(
    checked: &Checked,
    options: &BuildOptions,
    sink: &mut dyn FnMut(Output) -> std::io::Result<()>,
) -> Result<(), BuildError> {
    render_in_parts_with_progress(checked, options, sink, &mut |_| {})
}

/// How far a build has come: reported after each part, so a long build is never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The site-wide pages and `done` of `total` guides' pages are rendered.
    Pages { done: usize, total: usize },
    /// `done` of `total` PDF batches (a guide's handouts, a bundle's, the blank forms).
    Pdfs { done: usize, total: usize },
}

/// [`render_in_parts`], telling `progress` after each part. Every edition is rendered the
/// same way, the primary one at the output's root, each other under its folder (`en/`).
pub(crate) fn render_in_parts_with_progress(
    checked: &Checked,
    options: &BuildOptions,
    sink: &mut dyn FnMut(Output) -> std::io::Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), BuildError> {
    if checked.site.is_none() {
        return Err(BuildError::Content(checked.diagnostics.clone()));
    }
    let engines = Engines::new(&checked.tree).map_err(BuildError::Content)?;
    let sites: Vec<&Site> = checked.sites().collect();
    let guides: usize = sites.iter().map(|s| s.guides.len()).sum();
    let batches: usize = sites.iter().map(|s| s.guides.len() + s.bundles.len() + 1).sum();
    let (mut pages_done, mut pdfs_done) = (0, 0);
    for site in &sites {
        let prefix = site.edition.prefix.clone();
        let mut sink = |part: Output| sink(part.prefixed(&prefix));
        render_pages(site, &engines, options, &mut sink, &mut |n| {
            pages_done += n;
            progress(Progress::Pages {
                done: pages_done,
                total: guides,
            });
        })?;
    }
    if !options.skip_pdfs {
        progress(Progress::Pdfs {
            done: 0,
            total: batches,
        });
        for site in &sites {
            let prefix = site.edition.prefix.clone();
            let mut sink = |part: Output| sink(part.prefixed(&prefix));
            render_pdfs(site, &engines, options, &mut sink, &mut || {
                pdfs_done += 1;
                progress(Progress::Pdfs {
                    done: pdfs_done,
                    total: batches,
                });
            })?;
        }
    }
    Ok(())
}

/// One edition's pages: the site-wide pages, then its guides in groups that rayon renders in
/// parallel; `done(n)` after each group of `n` guides (and `done(0)` after the site pages).
fn render_pages(
    site: &Site,
    engines: &Engines,
    options: &BuildOptions,
    sink: &mut dyn FnMut(Output) -> std::io::Result<()>,
    done: &mut dyn FnMut(usize),
) -> Result<(), BuildError> {
    let pages = render::html::site_pages(site, &engines.templates, &options.render).map_err(BuildError::Content)?;
    sink(pages).map_err(BuildError::Io)?;
    done(0);
    const GROUP: usize = 8;
    for group in site.guides.chunks(GROUP) {
        let group: Vec<&model::Guide> = group.iter().collect();
        let part = render::render_guides(site, &group, engines, &options.render, None).map_err(BuildError::Content)?;
        sink(part).map_err(BuildError::Io)?;
        done(group.len());
    }
    Ok(())
}

/// One edition's PDFs, one guide's at a time (Typst's cache is evicted after each document),
/// then the bundles' and the blank forms'; `step()` after each batch.
fn render_pdfs(
    site: &Site,
    engines: &Engines,
    options: &BuildOptions,
    sink: &mut dyn FnMut(Output) -> std::io::Result<()>,
    step: &mut dyn FnMut(),
) -> Result<(), BuildError> {
    for guide in &site.guides {
        let pdfs = render::pdf::guide_pdfs(site, guide, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
        sink(pdfs).map_err(BuildError::Io)?;
        step();
    }
    for bundle in &site.bundles {
        let pdf = render::pdf::bundle_pdf(site, bundle, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
        sink(pdf).map_err(BuildError::Io)?;
        step();
    }
    let blanks = render::blank::blank_pdfs(site, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
    sink(blanks).map_err(BuildError::Io)?;
    step();
    Ok(())
}

/// What `permitroom build` is asked for.
#[derive(Debug, Clone)]
pub struct BuildRequest<'a> {
    /// The site folder.
    pub root: &'a Path,
    /// The output folder, replaced only when the build succeeds.
    pub out: &'a Path,
    /// Publish under this address instead of `site.toml`'s `base_url` (QR codes, page links).
    pub base_url: Option<&'a str>,
    pub options: BuildOptions,
}

/// Why `build` made nothing; in every case the output folder is as it was.
#[derive(Debug)]
pub enum BuildFailure {
    /// Refused before anything was read: the output folder or the base URL.
    Refused(String),
    /// The site folder could not be read.
    Load(load::LoadError),
    /// Errors in the sources (already handed to `on_checked`) or in rendering (these
    /// diagnostics, to be shown against `tree`).
    Content {
        diagnostics: Diagnostics,
        tree: Box<SourceTree>,
    },
    /// The output folder could not be written.
    Io(String),
}

/// What a successful build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Built {
    pub files: usize,
}

/// The whole build (stages 1–5): refuses a wrong output folder or base URL before reading
/// anything, checks the site (handing the result to `on_checked`, warnings included, so they
/// are shown before the long part), renders it part by part into a staging folder beside the
/// output (`progress` after each part) and swaps that in only when everything is written.
pub fn build(
    request: &BuildRequest<'_>,
    on_checked: &mut dyn FnMut(&Checked),
    progress: &mut dyn FnMut(Progress),
) -> Result<Built, BuildFailure> {
    // Refused before anything is read or written: a mistyped --out must not cost a build.
    output::check_target(request.out, request.root).map_err(|e| BuildFailure::Refused(e.to_string()))?;
    if let Some(url) = request.base_url
        && !resolve::is_base_url(url)
    {
        return Err(BuildFailure::Refused(format!(
            "--base-url {url:?} must be an absolute http(s) URL ending with `/`"
        )));
    }
    let mut checked = check(request.root).map_err(BuildFailure::Load)?;
    on_checked(&checked);
    if checked.diagnostics.has_errors() {
        return Err(BuildFailure::Content {
            diagnostics: Diagnostics::default(),
            tree: Box::new(checked.tree),
        });
    }
    if let Some(url) = request.base_url {
        checked.set_base_url(url);
    }
    let mut staging = output::Staging::new(request.out, request.root).map_err(|e| BuildFailure::Io(e.to_string()))?;
    // Parts are written as they are rendered; the new folder replaces the old only at the end.
    match render_in_parts_with_progress(&checked, &request.options, &mut |part| staging.add(&part), progress) {
        Ok(()) => {}
        Err(BuildError::Content(diagnostics)) => {
            return Err(BuildFailure::Content {
                diagnostics,
                tree: Box::new(checked.tree),
            });
        }
        Err(BuildError::Io(e)) => {
            return Err(BuildFailure::Io(format!("cannot write {}: {e}", request.out.display())));
        }
    }
    let files = staging.file_count();
    staging.commit().map_err(|e| BuildFailure::Io(e.to_string()))?;
    Ok(Built { files })
}

/// The files `permitroom schema` writes, by path relative to the site folder: the JSON Schemas
/// of every source kind in `out` (the site's vocabularies and symbols become the plan schemas'
/// enums; a folder that is no site yet gets the generic schemas), the open data's documents
/// beside them (so a change of the public shape shows in review), and the `.taplo.toml`.
pub fn schema_files(root: &Path, out: &str) -> Vec<(String, String)> {
    let words = match load::load_site(root) {
        Ok((tree, _)) => source::json_schema::site_words(&parse::parse_site(&tree).0),
        Err(_) => source::json_schema::SiteWords::default(),
    };
    let api = render::api::schemas()
        .into_iter()
        .map(|(kind, text)| (format!("api-v1-{kind}.schema.json"), text));
    let mut files: Vec<(String, String)> = source::json_schema::schemas(&words)
        .into_iter()
        .chain(api)
        .map(|(name, text)| (format!("{out}/{name}"), text))
        .collect();
    files.push((".taplo.toml".into(), source::json_schema::taplo_config(out, &words)));
    files
}
