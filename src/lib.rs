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
    pub site: Option<Site>,
    pub diagnostics: Diagnostics,
}

/// Stages 2 and 3 on a tree already loaded.
pub fn check_tree(tree: SourceTree, mut diagnostics: Diagnostics) -> Checked {
    let (parsed, parse_diagnostics) = parse::parse_site(&tree);
    diagnostics.extend(parse_diagnostics);
    let (site, resolve_diagnostics) = resolve::resolve_site(&tree, &parsed);
    diagnostics.extend(resolve_diagnostics);
    diagnostics.extend(resolve::todo_warnings(&tree));
    if let Some(site) = &site {
        diagnostics.extend(render::pdf::glyph_warnings(site, &tree, &render::pdf::bundled_fonts()));
        // Links are checked on the rendered pages, so only once the site itself is sound.
        if !diagnostics.has_errors() {
            diagnostics.extend(links::check_site(site, &tree));
        }
    }
    let site = if diagnostics.has_errors() { None } else { site };
    Checked {
        tree,
        site,
        diagnostics: diagnostics.sorted(),
    }
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
pub fn render_in_parts(
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

/// [`render_in_parts`], telling `progress` after each part.
pub fn render_in_parts_with_progress(
    checked: &Checked,
    options: &BuildOptions,
    sink: &mut dyn FnMut(Output) -> std::io::Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), BuildError> {
    let site = checked
        .site
        .as_ref()
        .ok_or_else(|| BuildError::Content(checked.diagnostics.clone()))?;
    let engines = Engines::new(&checked.tree).map_err(BuildError::Content)?;
    // Site-wide pages first, then guides in groups that rayon renders in parallel.
    let pages = render::html::site_pages(site, &engines.templates, &options.render).map_err(BuildError::Content)?;
    sink(pages).map_err(BuildError::Io)?;
    let total = site.guides.len();
    progress(Progress::Pages { done: 0, total });
    const GROUP: usize = 8;
    for (n, group) in site.guides.chunks(GROUP).enumerate() {
        let ids: Vec<&str> = group.iter().map(|g| g.id.as_str()).collect();
        let part = render::render_guides(site, &engines, &options.render, &|id| ids.contains(&id), None)
            .map_err(BuildError::Content)?;
        sink(part).map_err(BuildError::Io)?;
        progress(Progress::Pages {
            done: (n * GROUP + group.len()).min(total),
            total,
        });
    }
    if !options.skip_pdfs {
        let total = site.guides.len() + site.bundles.len() + 1;
        let mut done = 0;
        progress(Progress::Pdfs { done, total });
        let mut step = |done: &mut usize| {
            *done += 1;
            progress(Progress::Pdfs { done: *done, total });
        };
        // One guide's PDFs at a time: Typst's cache is evicted after each document.
        for guide in &site.guides {
            let pdfs = render::pdf::guide_pdfs(site, guide, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
            sink(pdfs).map_err(BuildError::Io)?;
            step(&mut done);
        }
        for bundle in &site.bundles {
            let pdf = render::pdf::bundle_pdf(site, bundle, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
            sink(pdf).map_err(BuildError::Io)?;
            step(&mut done);
        }
        let blanks = render::blank::blank_pdfs(site, &engines.pdf, &options.pdf).map_err(BuildError::Content)?;
        sink(blanks).map_err(BuildError::Io)?;
        step(&mut done);
    }
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
    if let (Some(url), Some(site)) = (request.base_url, checked.site.as_mut()) {
        site.config.base_url = url.to_string();
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
