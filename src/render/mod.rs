//! Stage 4, render: the checked [`Site`] into output files, in memory. Pure: nothing here
//! touches the disk. Heavy set-up (the template engine, the font database) happens once in
//! [`Engines::new`]; pages of different guides are rendered in parallel.

pub mod api;
pub mod blank;
pub(crate) mod form_svg;
pub mod html;
pub(crate) mod jsonld;
pub mod links;
pub mod pdf;
pub mod plan_svg;
pub mod png;
pub mod search;
pub mod selfcheck;
pub(crate) mod untranslated;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::plan::PlanReport;
use crate::model::plan::vocabulary::Vocabulary;
use crate::model::{Guide, Site};
use crate::render::plan_svg::{Drawing, plan_svg};
use crate::source::load::SourceTree;

/// The generated site: output path (relative, `/`-separated) to bytes. Sorted, so writing and
/// listing are deterministic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn extend(&mut self, other: Output) {
        self.files.extend(other.files);
    }

    /// The same files under `prefix` (`en/`; nothing changes for an empty prefix).
    pub(crate) fn prefixed(self, prefix: &str) -> Output {
        if prefix.is_empty() {
            return self;
        }
        Output {
            files: self
                .files
                .into_iter()
                .map(|(path, bytes)| (format!("{prefix}{path}"), bytes))
                .collect(),
        }
    }
}

/// Everything that is expensive to set up, built once per process.
pub(crate) struct Engines {
    pub templates: html::Templates,
    pub fonts: png::Fonts,
    pub pdf: pdf::PdfEngine,
}

impl Engines {
    /// Builds the engines, with the site's template overrides from `tree`.
    pub(crate) fn new(tree: &SourceTree) -> Result<Engines, Diagnostics> {
        let templates = html::Templates::new(tree)?;
        Ok(Engines {
            templates,
            fonts: png::Fonts::bundled(),
            pdf: pdf::PdfEngine::new(tree),
        })
    }
}

/// What the site renders into, and the options that change it.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Extra `<script>` injected in every page (the live-preview reload client); never set by
    /// `build`.
    pub live_reload_script: Option<String>,
}

/// Renders the site-wide pages and the guides for which `wanted` is true (live preview
/// re-renders only the guides that changed and keeps the others' files).
pub(crate) fn render_site_except(
    site: &Site,
    engines: &Engines,
    options: &RenderOptions,
    wanted: &(dyn Fn(&str) -> bool + Sync),
    previous: Option<&Output>,
) -> Result<Output, Diagnostics> {
    let mut output = html::site_pages(site, &engines.templates, options)?;
    let guides: Vec<&Guide> = site.guides.iter().filter(|g| wanted(&g.id)).collect();
    output.extend(render_guides(site, &guides, engines, options, previous)?);
    Ok(output)
}

/// The pages, plan drawings and media of `guides` (a build's group of guides, or the guides a
/// save touched in the live preview).
pub(crate) fn render_guides(
    site: &Site,
    guides: &[&Guide],
    engines: &Engines,
    options: &RenderOptions,
    previous: Option<&Output>,
) -> Result<Output, Diagnostics> {
    let per_guide: Vec<Result<Output, Diagnostics>> = guides
        .par_iter()
        .map(|guide| {
            let drawings: Vec<Drawing> = guide.plans.iter().map(|plan| plan_drawing(site, plan)).collect();
            let mut out = html::guide_pages(site, guide, &drawings, &engines.templates, options)?;
            for (plan, drawing) in guide.plans.iter().zip(&drawings) {
                let base = plan_base(&guide.id, plan);
                // A plan drawn exactly as before keeps its PNG (live preview).
                // `previous` is the whole site as served, every edition under its folder.
                let served = format!("{}{base}", site.edition.prefix);
                let unchanged = previous.and_then(|p| {
                    (p.files.get(&format!("{served}.svg"))? == drawing.svg.as_bytes())
                        .then(|| p.files.get(&format!("{served}.png")).cloned())?
                });
                if let Some(png) = unchanged {
                    out.insert(format!("{base}.png"), png);
                    out.insert(format!("{base}.svg"), drawing.svg.clone());
                    continue;
                }
                match png::svg_to_png(&drawing.svg, &engines.fonts, 1.5) {
                    Ok(png) => out.insert(format!("{base}.png"), png),
                    Err(e) => {
                        return Err(Diagnostics::from_iter([Diagnostic::error(
                            &plan.plan.file,
                            None,
                            format!("cannot render the plan to PNG: {e}"),
                        )]));
                    }
                }
                out.insert(format!("{base}.svg"), drawing.svg.clone());
            }
            Ok(out)
        })
        .collect();
    merge(per_guide)
}

/// A plan's drawing in the output, without its extension (`.svg` and `.png` are written).
fn plan_base(guide: &str, plan: &PlanReport) -> String {
    format!("guides/{guide}/plans/{}", plan.plan.id)
}

/// The files that the image and PDF stages make, by path as served (another edition's under its
/// folder), without making them: what the link check of `check` counts on besides the HTML
/// pages (and their media), which it renders, and what `serve` keeps while new PDFs are made.
pub fn planned_files(site: &Site) -> Vec<String> {
    let mut files = Vec::new();
    for guide in &site.guides {
        for plan in &guide.plans {
            let base = plan_base(&guide.id, plan);
            files.push(format!("{base}.svg"));
            files.push(format!("{base}.png"));
        }
        files.extend(pdf::guide_pdf_paths(guide));
    }
    for bundle in &site.bundles {
        files.extend(pdf::bundle_pdf_paths(bundle));
    }
    for material in &site.materials {
        files.extend(blank::blank_pdf_paths(material));
    }
    // As served: another edition's files are under its folder (`en/`).
    files
        .into_iter()
        .map(|path| format!("{}{path}", site.edition.prefix))
        .collect()
}

/// The drawing of a checked plan, in the vocabulary it was checked in.
pub fn plan_drawing(site: &Site, plan: &PlanReport) -> Drawing {
    match site.vocabularies.get(&plan.plan.vocabulary) {
        Some(vocabulary) => plan_svg(plan, vocabulary, &site.symbols, &site.edition.labels),
        // Resolve checks every plan against a vocabulary of the site, so this is not reached.
        None => plan_svg(plan, &Vocabulary::default(), &site.symbols, &site.edition.labels),
    }
}

/// `value` as the JSON bytes of the output file `path`. Every type written is a tree of
/// strings, numbers and string-keyed maps, so a failure is a bug in permitroom; it is still an
/// error naming the file, never an empty file.
pub(crate) fn json_file(path: &str, value: &impl serde::Serialize) -> Result<Vec<u8>, Box<Diagnostic>> {
    serde_json::to_vec(value).map_err(|e| {
        Box::new(
            Diagnostic::error(path, None, format!("cannot write `{path}` as JSON: {e}"))
                .with_hint("this is a bug in permitroom; please report it with the sources that cause it"),
        )
    })
}

/// Joins the outputs of independent parts, or all of their diagnostics if any part failed.
pub(crate) fn merge(parts: impl IntoIterator<Item = Result<Output, Diagnostics>>) -> Result<Output, Diagnostics> {
    let mut output = Output::default();
    let mut diagnostics = Diagnostics::default();
    for part in parts {
        match part {
            Ok(out) => output.extend(out),
            Err(d) => diagnostics.extend(d),
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(output)
    }
}

/// The bytes of a file published beside a page: a source file as it is, a form drawn.
pub(crate) fn asset_bytes(asset: &crate::model::Asset) -> Vec<u8> {
    match &asset.content {
        crate::model::AssetContent::Source(bytes) => bytes.to_vec(),
        crate::model::AssetContent::Form(page) => form_svg::svg(page).into_bytes(),
    }
}
