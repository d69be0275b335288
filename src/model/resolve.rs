//! Stage 3, resolve: the parsed sources into the checked [`Site`] model. Resolves every
//! cross-reference (materials by id, files by path), renders prose Markdown, measures floor
//! plans and evaluates their rules, and reports every problem it finds with its place.
//! Guides are resolved in parallel; the result does not depend on the order. This module is
//! the orchestration: each guide is resolved with a `GuideContext`, its structure in
//! `model::guide`, its tagged facts in `model::facts`, its plans and rules in
//! `model::plan::check`; samples, the chain, bundles and the finder in their own modules.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::guide::{GuideContext, MaterialLibrary};
use crate::model::plan::vocabulary::{self, Vocabulary};
use crate::model::plan::{self, symbols::Symbol, symbols::SymbolLibrary};
use crate::model::prose::{render_toml_markdown, render_whole_file};
use crate::model::*;
use crate::source::format::ContactKind;
use crate::source::labels::Labels;
use crate::source::load::SourceTree;
use crate::source::parse::ParsedSite;

/// Whether `url` can be the address a site is published under: absolute http(s), ending
/// with `/` (page links and QR codes append paths to it).
pub(crate) fn is_base_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.ends_with('/')
}

/// Resolves the whole site. Returns `None` only when there is no usable site config.
pub fn resolve_site(tree: &SourceTree, parsed: &ParsedSite, edition: SiteEdition) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let labels = &edition.labels;
    let config = site_config(parsed, &mut diagnostics);
    let symbols = resolve_symbols(parsed, &mut diagnostics);
    let vocabularies: BTreeMap<String, Vocabulary> = parsed
        .vocabularies
        .iter()
        .map(|(id, file, toml)| {
            (
                id.to_string(),
                vocabulary::resolve_vocabulary(id.as_str(), file, toml, &symbols, &mut diagnostics),
            )
        })
        .collect();
    let library = material_library(parsed, &mut diagnostics);
    // Markdown files named by a `guide.toml` that did not parse are still checked.
    for path in &parsed.unparsed_prose {
        render_whole_file(tree, path, 3, &mut diagnostics);
    }

    let mut guides = resolve_guides(
        tree,
        parsed,
        &library,
        &symbols,
        &vocabularies,
        labels,
        &mut diagnostics,
    );
    let mut materials = resolve_materials(tree, parsed, &library, labels, &mut diagnostics);
    let departments = departments(&guides);

    crate::model::chain::link_covers(parsed, &mut guides, &mut diagnostics);
    crate::model::chain::link_chain(parsed, &mut guides, &mut materials, &mut diagnostics);
    for guide in &guides {
        for usage in &guide.materials {
            if let Some(material) = materials.iter_mut().find(|m| m.id == usage.id) {
                material.used_by.push(MaterialUsage::of(guide, usage));
            }
        }
    }
    let bundles = crate::model::bundles::resolve_bundles(parsed, &mut guides, &materials, labels, &mut diagnostics);
    // Unused materials are only worth a warning when every guide resolved: a guide with errors
    // may be the one that uses them.
    let all_guides_resolved = parsed.all_guides_parsed && guides.len() == parsed.guides.len();
    for material in materials.iter().filter(|_| all_guides_resolved) {
        if material.used_by.is_empty() && material.produced_by.is_empty() {
            diagnostics.push(Diagnostic::warning(
                &material.file,
                None,
                format!("material `{}` is not used by any guide", material.id),
            ));
        }
    }
    let finder = crate::model::finder::resolve_finder(parsed, &guides, &bundles, labels, &mut diagnostics);
    let site = config.map(|config| Site {
        finder,
        bundles,
        config,
        materials,
        guides,
        departments,
        symbols,
        vocabularies,
        edition,
    });
    (site, diagnostics)
}

/// `site.toml` as the model holds it; a `base_url` pages cannot be published under is an error.
fn site_config(parsed: &ParsedSite, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    parsed.config.as_ref().map(|c| {
        let url = c.base_url.get_ref();
        if !is_base_url(url) {
            diagnostics.push(
                Diagnostic::error(
                    crate::source::load::SITE_CONFIG,
                    Some(c.base_url.span()),
                    "`base_url` must be an absolute http(s) URL ending with `/`",
                )
                .with_hint("e.g. base_url = \"https://example.gov.cn/permitroom/\""),
            );
        }
        SiteConfig {
            title: c.title.clone(),
            base_url: url.clone(),
            language: c.language.clone(),
            centre: c.centre.clone(),
        }
    })
}

/// The material library: ids unique across all files.
fn material_library<'a>(parsed: &'a ParsedSite, diagnostics: &mut Diagnostics) -> MaterialLibrary<'a> {
    let mut library: MaterialLibrary = BTreeMap::new();
    for (file, materials) in &parsed.materials {
        for material in &materials.material {
            let id = material.id.get_ref().as_str();
            if let Some((first_file, first)) = library.get(id) {
                diagnostics.push(
                    Diagnostic::error(file, Some(material.id.span()), format!("duplicate material id `{id}`"))
                        .with_label("defined again here")
                        .with_hint("describe a material once and reference it from every guide")
                        .with_note(*first_file, Some(first.id.span()), "first defined here"),
                );
            } else {
                library.insert(id.to_owned(), (file, material));
            }
        }
    }
    library
}

/// Every guide, in parallel, each with a context and diagnostics of its own; sorted by id.
fn resolve_guides(
    tree: &SourceTree,
    parsed: &ParsedSite,
    library: &MaterialLibrary,
    symbols: &SymbolLibrary,
    vocabularies: &BTreeMap<String, Vocabulary>,
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Vec<Guide> {
    let results: Vec<(Option<Guide>, Diagnostics)> = parsed
        .guides
        .par_iter()
        .map(|guide| {
            let mut d = Diagnostics::default();
            let mut ctx = GuideContext {
                tree,
                guide,
                file: guide.file.as_str(),
                library,
                unparsed_material_ids: &parsed.unparsed_material_ids,
                symbols,
                vocabularies,
                labels,
                diagnostics: &mut d,
            };
            let resolved = resolve_guide(&mut ctx);
            (resolved, d)
        })
        .collect();
    let mut guides = Vec::new();
    for (guide, d) in results {
        diagnostics.extend(d);
        guides.extend(guide);
    }
    guides.sort_by(|a, b| a.id.cmp(&b.id));
    guides
}

/// The library's materials with their samples; who uses and produces each is linked later.
fn resolve_materials(
    tree: &SourceTree,
    parsed: &ParsedSite,
    library: &MaterialLibrary,
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Vec<Material> {
    let mut materials: Vec<Material> = library
        .iter()
        .map(|(id, (file, m))| {
            let description = m
                .description
                .as_ref()
                .map(|text| render_toml_markdown(tree, file, text, 3, diagnostics));
            let (samples, blank, blank_forms, files) =
                crate::model::samples::resolve_samples(tree, parsed, file, m, labels, diagnostics);
            Material {
                id: id.clone(),
                name: m.name.clone(),
                issuer: m.issuer.clone(),
                trust: m.trust,
                trust_label: labels.of("trust", &m.trust),
                description,
                basis: m.basis.clone(),
                requirements: m.requirements.clone(),
                common_mistakes: m.common_mistakes.clone(),
                used_by: Vec::new(),
                produced_by: Vec::new(),
                samples,
                blank,
                blank_forms,
                file: (*file).to_owned(),
                assets: files,
            }
        })
        .collect();
    materials.sort_by(|a, b| a.id.cmp(&b.id));
    materials
}

/// The guides of each department, departments by name.
fn departments(guides: &[Guide]) -> Vec<Department> {
    let mut by_department: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for guide in guides {
        by_department
            .entry(guide.department.clone())
            .or_default()
            .push(guide.id.clone());
    }
    by_department
        .into_iter()
        .map(|(name, guides)| Department { name, guides })
        .collect()
}

fn resolve_symbols(parsed: &ParsedSite, diagnostics: &mut Diagnostics) -> SymbolLibrary {
    let mut library = SymbolLibrary::default();
    for (file, symbols) in &parsed.symbols {
        for s in &symbols.symbol {
            let id = s.id.get_ref().to_string();
            if let Some(first) = library.symbols.get(&id) {
                let first_span = parsed
                    .symbols
                    .iter()
                    .filter(|(f, _)| *f == first.file)
                    .flat_map(|(_, t)| &t.symbol)
                    .find(|t| t.id.get_ref().to_string() == id)
                    .map(|t| t.id.span());
                diagnostics.push(
                    Diagnostic::error(file, Some(s.id.span()), format!("duplicate symbol id `{id}`"))
                        .with_label("defined again here")
                        .with_note(&first.file, first_span, "first defined here"),
                );
                continue;
            }
            library.symbols.insert(
                id.clone(),
                Symbol {
                    id,
                    label: s.label.clone(),
                    width: s.width,
                    depth: s.depth,
                    shape: s.shape,
                    file: file.clone(),
                },
            );
        }
    }
    library
}

/// One guide: its structure, its facts, its plans; `None` when it has an error (every problem
/// of it reported first, so a mistake in one part does not hide one in another).
fn resolve_guide(ctx: &mut GuideContext) -> Option<Guide> {
    use crate::model::{facts, guide};
    let g = &ctx.guide.toml;
    let errors_before = ctx.diagnostics.error_count();

    let overview = g.overview.as_ref().and_then(|o| ctx.markdown_file(o, 3));
    let (mut materials, material_steps) = guide::materials(ctx);
    let (stages, media) = guide::stages(ctx);
    guide::link_material_steps(ctx, &mut materials, material_steps, &stages);
    if stages.is_empty() {
        ctx.diagnostics.push(
            Diagnostic::error(ctx.file, Some(guide::start_span()), "a guide needs at least one stage")
                .with_hint("add a [[stages]] table with [[stages.steps]]"),
        );
    }
    let legal_basis = facts::legal_basis(ctx);
    let time_limit = facts::time_limit(ctx);
    let fees = facts::fees(ctx);
    let visits = facts::visits(ctx);
    let plans = plan::check::guide_plans(ctx);
    let produces = guide::produces(ctx);
    // Rendered before giving up on the guide, so that a mistake elsewhere in it does not hide
    // one in these.
    let conditions = facts::statements(ctx, &g.conditions);
    let prohibitions = facts::statements(ctx, &g.prohibitions);
    let faq = guide::faq(ctx);
    if ctx.diagnostics.error_count() > errors_before {
        return None;
    }
    let contacts = |kind: ContactKind| g.contacts.iter().filter(|c| c.kind == kind).cloned().collect();
    Some(Guide {
        id: ctx.guide.id.to_string(),
        title: g.title.clone(),
        code: g.code.clone(),
        kind: g.kind.clone(),
        department: g.department.clone(),
        summary: g.summary.clone(),
        audience: g.audience.clone(),
        quantity_limit: g.quantity_limit.clone(),
        updated: g.updated.as_str().to_owned(),
        overview,
        visits,
        online: g.online.clone(),
        window: g.window.clone(),
        authority: g.authority.clone(),
        legal_basis,
        conditions,
        prohibitions,
        materials,
        time_limit,
        fees,
        result: g.result.clone(),
        consult: contacts(ContactKind::Consult),
        complaint: contacts(ContactKind::Complaint),
        step_count: stages.iter().map(|s: &Stage| s.steps.len()).sum(),
        stages,
        faq,
        plans: plans.plans,
        rules: plans.rules,
        vocabulary: plans.vocabulary,
        produces,
        needs: Vec::new(),
        feeds: Vec::new(),
        bundles: Vec::new(),
        covers: Vec::new(),
        file: ctx.file.to_owned(),
        assets: media,
    })
}

/// Warnings for `TODO` markers left in guide sources (the `new` scaffold is full of them).
pub(crate) fn todo_warnings(tree: &SourceTree) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for path in tree
        .files_under("guides")
        .chain(tree.files_under("materials"))
        .chain(tree.files_under("vocabularies"))
        .chain(std::iter::once(crate::source::load::SITE_CONFIG))
    {
        let Some(text) = tree.text(path) else { continue };
        let what = match path.split('/').next() {
            Some("materials") => "TODO left in the material",
            Some("vocabularies") => "TODO left in the vocabulary",
            _ if path == crate::source::load::SITE_CONFIG => "TODO left in the site settings",
            _ => "TODO left in the guide",
        };
        for (offset, _) in text.match_indices("TODO") {
            let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
            diagnostics.push(
                Diagnostic::warning(path, Some(offset..line_end), what)
                    .with_hint("replace the placeholder with the real content before publishing"),
            );
        }
    }
    diagnostics
}
