//! Stage 3, resolve: the parsed sources into the checked [`Site`] model. Resolves every
//! cross-reference (materials by id, files by path), renders prose Markdown, measures floor
//! plans and evaluates their rules, and reports every problem it finds with its place.
//! Guides are resolved in parallel; the result does not depend on the order.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::plan::vocabulary::{self, Vocabulary};
use crate::model::plan::{self, symbols::Symbol, symbols::SymbolLibrary};
use crate::model::*;
use crate::source::format::{Confidence, ContactKind, MaterialToml, StageLogic, Statement};
use crate::source::labels::Labels;
use crate::source::load::SourceTree;
use crate::source::markdown::{self, MarkdownSource};
use crate::source::parse::{ParsedGuide, ParsedSite, resolve_path};
use crate::source::prose::Prose;

/// Whether `url` can be the address a site is published under: absolute http(s), ending
/// with `/` (page links and QR codes append paths to it).
pub(crate) fn is_base_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.ends_with('/')
}

/// Resolves the whole site. Returns `None` only when there is no usable site config.
pub fn resolve_site(tree: &SourceTree, parsed: &ParsedSite, edition: SiteEdition) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let labels = &edition.labels;
    let config = parsed.config.as_ref().map(|c| {
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
    });

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

    // The material library: ids unique across all files.
    let mut library: BTreeMap<String, (&str, &MaterialToml)> = BTreeMap::new();
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

    for path in &parsed.unparsed_prose {
        if let Some(text) = tree.text(path) {
            let source = MarkdownSource {
                file: path,
                offset: Some(0),
                fallback: None,
            };
            markdown::to_prose(text, source, 3, &mut diagnostics);
        }
    }

    let results: Vec<(Option<Guide>, Diagnostics)> = parsed
        .guides
        .par_iter()
        .map(|guide| {
            let mut d = Diagnostics::default();
            let resolved = resolve_guide(
                tree,
                guide,
                &library,
                &symbols,
                &vocabularies,
                &parsed.unparsed_material_ids,
                labels,
                &mut d,
            );
            (resolved, d)
        })
        .collect();
    let mut guides = Vec::new();
    for (guide, d) in results {
        diagnostics.extend(d);
        guides.extend(guide);
    }
    guides.sort_by(|a, b| a.id.cmp(&b.id));

    let mut materials: Vec<Material> = library
        .iter()
        .map(|(id, (file, m))| {
            let description = m
                .description
                .as_ref()
                .map(|text| render_toml_markdown(tree, file, text, 3, &mut diagnostics));
            let (samples, blank, blank_forms, files) =
                crate::model::samples::resolve_samples(tree, parsed, file, m, labels, &mut diagnostics);
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

    let mut by_department: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for guide in &guides {
        by_department
            .entry(guide.department.clone())
            .or_default()
            .push(guide.id.clone());
    }
    let departments = by_department
        .into_iter()
        .map(|(name, guides)| Department { name, guides })
        .collect();

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

/// Markdown held in a TOML string of `file`. A problem in it is located where it is written,
/// also when the string has escapes (`\n`, `\u00e9`, a line-ending backslash).
fn render_toml_markdown(
    tree: &SourceTree,
    file: &str,
    text: &Spanned<String>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Prose {
    let file_text = tree.text(file);
    let offset = file_text.and_then(|t| markdown::toml_string_offset(t, &text.span()));
    let map = match offset {
        Some(_) => None,
        None => file_text.and_then(|t| crate::source::toml_places::string_map(t, &text.span(), text.get_ref())),
    };
    let Some(map) = map else {
        let source = MarkdownSource {
            file,
            offset,
            fallback: Some(text.span()),
        };
        return markdown::to_prose(text.get_ref(), source, heading_base, diagnostics);
    };
    // Located in the decoded text, then moved to the bytes that wrote it.
    let source = MarkdownSource {
        file,
        offset: Some(0),
        fallback: None,
    };
    let mut found = Diagnostics::default();
    let prose = markdown::to_prose(text.get_ref(), source, heading_base, &mut found);
    let place = |at: usize| map.get(at).or(map.last()).copied().unwrap_or(0);
    for mut diagnostic in found.into_iter() {
        if diagnostic.file == file
            && let Some(span) = &diagnostic.span
        {
            let start = place(span.start);
            diagnostic.span = Some(start..place(span.end).max(start));
        }
        diagnostics.push(diagnostic);
    }
    prose
}

/// Markdown in its own file, named from `from` at `written`.
fn render_markdown_file(
    tree: &SourceTree,
    from: &str,
    written: &Spanned<String>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Option<Prose> {
    let path = resolve_path(tree, from, written, diagnostics)?;
    if !path.ends_with(".md") {
        diagnostics.push(Diagnostic::error(
            from,
            Some(written.span()),
            "prose files are Markdown files ending in .md",
        ));
        return None;
    }
    let text = tree.text(&path)?;
    let source = MarkdownSource {
        file: &path,
        offset: Some(0),
        fallback: None,
    };
    Some(markdown::to_prose(text, source, heading_base, diagnostics))
}

/// A fact with an optional value and a confidence: `U` must not state a value, the others must.
#[allow(clippy::too_many_arguments)] // the edition's labels joined the seven inputs
fn fact<T: ToString>(
    file: &str,
    value: Option<&Spanned<T>>,
    confidence: Confidence,
    [field, confidence_field]: [&str; 2],
    anchor: Range<usize>,
    suffix: &str,
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Fact {
    match (value, confidence) {
        (Some(v), Confidence::U) => {
            diagnostics.push(
                Diagnostic::error(file, Some(v.span()), format!("`{field}` states a value but `{confidence_field}` is \"U\" (unconfirmed)"))
                    .with_hint("an unconfirmed fact must not state a number: remove the value (the page shows 待本地确认), or set the confidence to C, S or L"),
            );
            Fact::new(None, Confidence::U, labels)
        }
        (None, c) if c != Confidence::U => {
            diagnostics.push(
                Diagnostic::error(file, Some(anchor), format!("`{field}` is missing")).with_hint(format!(
                    "give the value, or set `{confidence_field} = \"U\"` if it is not confirmed"
                )),
            );
            Fact::new(None, Confidence::U, labels)
        }
        (v, c) => Fact::new(v.map(|v| format!("{}{suffix}", v.get_ref().to_string())), c, labels),
    }
}

fn statements(
    tree: &SourceTree,
    file: &str,
    items: &[Statement],
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Vec<StatementView> {
    items
        .iter()
        .map(|s| StatementView {
            prose: render_toml_markdown(tree, file, &s.text, 3, diagnostics),
            confidence: s.confidence,
            confidence_label: labels.of("confidence", &s.confidence),
        })
        .collect()
}

/// Where a top-level table of `guide.toml` is written: its `[name]` header line, or a
/// `name = { … }` line; for problems about a value missing from that table.
fn table_span(text: &str, name: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let header = format!("[{name}]");
        if trimmed.starts_with(&header)
            || trimmed
                .strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with('='))
        {
            let start = offset + (line.len() - line.trim_start().len());
            return Some(start..start + trimmed.len());
        }
        offset += line.len();
    }
    None
}

/// Whole-file span of the start of `guide.toml`, for problems with no better place.
fn start_span() -> Range<usize> {
    0..0
}

#[allow(clippy::too_many_arguments)] // the edition's labels joined the seven inputs
fn resolve_guide(
    tree: &SourceTree,
    guide: &ParsedGuide,
    library: &BTreeMap<String, (&str, &MaterialToml)>,
    symbols: &SymbolLibrary,
    vocabularies: &BTreeMap<String, Vocabulary>,
    unparsed_material_ids: &std::collections::BTreeSet<String>,
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Option<Guide> {
    let g = &guide.toml;
    let file = guide.file.as_str();
    let errors_before = diagnostics.error_count();

    let overview = g
        .overview
        .as_ref()
        .and_then(|o| render_markdown_file(tree, file, o, 3, diagnostics));

    // Materials.
    let mut seen_materials = BTreeMap::new();
    let mut materials = Vec::new();
    // (index in `materials`, the step it names), resolved once the steps are.
    let mut material_steps = Vec::new();
    for use_ in &g.materials {
        let id = use_.material.get_ref().as_str();
        let Some((_, material)) = library.get(id) else {
            if unparsed_material_ids.contains(id) {
                continue;
            }
            let d = Diagnostic::error(
                file,
                Some(use_.material.span()),
                format!("no material `{id}` in the material library"),
            )
            .with_label("unknown material");
            let d = match nearest(id, library.keys().map(String::as_str)) {
                Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                None => d.with_hint("materials are described once in materials/*.toml and referenced by id"),
            };
            diagnostics.push(d);
            continue;
        };
        if let Some(first) = seen_materials.get(id) {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(use_.material.span()),
                    format!("material `{id}` is listed twice in this guide"),
                )
                .with_label("listed again here")
                .with_note(file, Some(Range::clone(first)), "first listed here"),
            );
            continue;
        }
        seen_materials.insert(id.to_owned(), use_.material.span());
        let copies = fact(
            file,
            use_.copies.as_ref(),
            use_.copies_confidence,
            ["copies", "copies_confidence"],
            use_.material.span(),
            labels.get("unit.copies"),
            labels,
            diagnostics,
        );
        materials.push(MaterialUseView {
            number: materials.len() + 1,
            id: id.to_owned(),
            name: material.name.clone(),
            issuer: material.issuer.clone(),
            trust: material.trust,
            trust_label: labels.of("trust", &material.trust),
            form_label: labels.of("form", &use_.form),
            copies,
            required: use_.required,
            condition: use_.condition.clone(),
            note: use_
                .note
                .as_ref()
                .map(|n| render_toml_markdown(tree, file, n, 4, diagnostics)),
            reused: use_.reused,
            reuse_confirmed: false,
            sample_count: material.samples.len(),
            produced_by: None,
            one_of: use_.one_of.as_ref().map(|g| g.get_ref().to_string()),
            one_of_label: None,
            alternatives: Vec::new(),
            step: None,
        });
        if let Some(step) = &use_.step {
            material_steps.push((materials.len() - 1, step));
        }
    }
    either_or_groups(file, &g.materials, &mut materials, labels, diagnostics);

    // Stages and steps.
    let mut media: Vec<Asset> = Vec::new();
    // Stage and step ids share one name space (they are the page's anchors).
    let mut ids: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let mut duplicate = |id: &Spanned<crate::source::format::Slug>, diagnostics: &mut Diagnostics| {
        let name = id.get_ref().to_string();
        match ids.get(&name) {
            Some(first) => diagnostics.push(
                Diagnostic::error(file, Some(id.span()), format!("duplicate id `{name}` in this guide"))
                    .with_label("defined again here")
                    .with_hint("stages and steps share one set of ids: give each a name of its own")
                    .with_note(file, Some(first.clone()), "first defined here"),
            ),
            None => {
                ids.insert(name, id.span());
            }
        }
    };
    let mut stages = Vec::new();
    for (si, stage) in g.stages.iter().enumerate() {
        duplicate(&stage.id, diagnostics);
        if stage.steps.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(stage.id.span()),
                    format!("stage `{}` has no steps", stage.id.get_ref()),
                )
                .with_hint("add at least one [[stages.steps]]"),
            );
        }
        let mut steps = Vec::new();
        for (ti, step) in stage.steps.iter().enumerate() {
            duplicate(&step.id, diagnostics);
            let body = match (&step.text, &step.file) {
                (Some(text), None) => render_toml_markdown(tree, file, text, 5, diagnostics),
                (None, Some(path)) => render_markdown_file(tree, file, path, 5, diagnostics).unwrap_or_default(),
                (Some(_), Some(path)) => {
                    diagnostics.push(Diagnostic::error(
                        file,
                        Some(path.span()),
                        "a step has `text` or `file`, not both",
                    ));
                    Prose::default()
                }
                (None, None) => {
                    diagnostics.push(
                        Diagnostic::error(
                            file,
                            Some(step.id.span()),
                            format!("step `{}` has no body", step.id.get_ref()),
                        )
                        .with_hint("add `text = \"...\"` or `file = \"steps/....md\"`"),
                    );
                    Prose::default()
                }
            };
            let qualifier = match (stage.logic, step.optional) {
                (_, true) => labels.get("step.optional"),
                (StageLogic::Or, false) => labels.get("step.one_of"),
                (StageLogic::And, false) => "",
            };
            steps.push(Step {
                number: format!("{}.{}", si + 1, ti + 1),
                id: step.id.get_ref().to_string(),
                title: step.title.clone(),
                body,
                optional: step.optional,
                qualifier: qualifier.to_owned(),
                duration: step.duration.clone(),
                place: step.place.clone(),
                special: step.special,
                special_label: step.special.map(|s| labels.of("special", &s)),
                outside_clock: step.special.is_some_and(|s| s.outside_statutory_clock()),
                video: step
                    .video
                    .as_ref()
                    .and_then(|v| resolve_video(tree, file, v, &mut media, diagnostics)),
            });
        }
        stages.push(Stage {
            number: si + 1,
            id: stage.id.get_ref().to_string(),
            title: stage.title.clone(),
            summary: stage
                .summary
                .as_ref()
                .map(|s| render_toml_markdown(tree, file, s, 4, diagnostics)),
            logic: match stage.logic {
                StageLogic::And => "and",
                StageLogic::Or => "or",
            },
            logic_label: match (stage.logic, stage.steps.iter().any(|t| t.optional)) {
                (StageLogic::And, false) => labels.get("logic.and"),
                (StageLogic::And, true) => labels.get("logic.and_optional"),
                (StageLogic::Or, false) => labels.get("logic.or"),
                (StageLogic::Or, true) => labels.get("logic.or_optional"),
            }
            .to_owned(),
            steps,
        });
    }
    for (index, step) in material_steps {
        let id = step.get_ref().as_str();
        let found = stages.iter().flat_map(|s| &s.steps).find(|t| t.id == id);
        match found {
            Some(t) => {
                materials[index].step = Some(StepLink {
                    id: t.id.clone(),
                    number: t.number.clone(),
                    title: t.title.clone(),
                });
            }
            None => {
                let d = Diagnostic::error(file, Some(step.span()), format!("no step `{id}` in this guide"))
                    .with_label("unknown step");
                let steps = stages.iter().flat_map(|s| &s.steps).map(|t| t.id.as_str());
                diagnostics.push(match nearest(id, steps) {
                    Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                    None => d.with_hint("`step` names the `id` of one of this guide's [[stages.steps]]"),
                });
            }
        }
    }
    if stages.is_empty() {
        diagnostics.push(
            Diagnostic::error(file, Some(start_span()), "a guide needs at least one stage")
                .with_hint("add a [[stages]] table with [[stages.steps]]"),
        );
    }
    if g.legal_basis.is_empty() {
        diagnostics.push(
            Diagnostic::warning(file, Some(start_span()), "the guide names no legal basis (设定依据)")
                .with_hint("add a [[legal_basis]] table"),
        );
    }

    // Time limits, fees, visits.
    let t = &g.time_limit;
    // A missing value is reported at its table's header.
    let table = |name: &str| table_span(tree.text(file).unwrap_or_default(), name).unwrap_or_else(start_span);
    let clocks: Vec<ClockView> = t
        .clocks
        .iter()
        .map(|c| ClockView {
            label: c.label.get_ref().clone(),
            fact: fact(
                file,
                c.days.as_ref(),
                c.confidence,
                ["days", "confidence"],
                c.label.span(),
                &labels.of("unit", &c.unit),
                labels,
                diagnostics,
            ),
        })
        .collect();
    let statutory = if t.clocks.is_empty() {
        fact(
            file,
            t.statutory_days.as_ref(),
            t.statutory_confidence,
            ["statutory_days", "statutory_confidence"],
            table("time_limit"),
            &labels.of("unit", &t.statutory_unit),
            labels,
            diagnostics,
        )
    } else {
        if let Some(days) = &t.statutory_days {
            diagnostics.push(
                Diagnostic::error(file, Some(days.span()), "`statutory_days` and [[time_limit.clocks]] are both given")
                    .with_label("one number for several clocks")
                    .with_hint("a guide that covers several procedures gives one clock per procedure and no `statutory_days`: the clocks run one after the other and are not added up"),
            );
        }
        if let [only] = t.clocks.as_slice() {
            diagnostics.push(
                Diagnostic::error(file, Some(only.label.span()), "a single clock is `statutory_days`")
                    .with_hint("use [[time_limit.clocks]] only for a guide that covers two or more procedures; otherwise write `statutory_days` and `statutory_unit`"),
            );
        }
        ClockView::combined(&clocks, labels)
    };
    let promised = fact(
        file,
        t.promised_days.as_ref(),
        t.promised_confidence,
        ["promised_days", "promised_confidence"],
        table("time_limit"),
        &labels.of("unit", &t.promised_unit),
        labels,
        diagnostics,
    );
    let f = &g.fees;
    // The labels key of the fees' text.
    let fees_key = match (f.free.as_ref().map(|v| *v.get_ref()), f.confidence) {
        (Some(_), Confidence::U) => {
            let span = f.free.as_ref().map(|v| v.span());
            diagnostics.push(
                Diagnostic::error(file, span, "`free` states a value but the fees' `confidence` is \"U\"")
                    .with_hint("remove `free` to show 待本地确认, or set the confidence to C, S or L"),
            );
            "confidence.U"
        }
        (None, Confidence::U) => "confidence.U",
        (None, _) => {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(table("fees")),
                    "[fees] needs `free = true` (不收费) or `free = false` with items",
                )
                .with_hint("if the fees are not confirmed, set `confidence = \"U\"` in [fees]"),
            );
            "confidence.U"
        }
        (Some(true), _) if !f.items.is_empty() => {
            diagnostics.push(Diagnostic::error(
                file,
                f.free.as_ref().map(|v| v.span()),
                "`free = true` but fee items are listed",
            ));
            "fees.free"
        }
        (Some(true), _) => "fees.free",
        (Some(false), _) if f.items.is_empty() => {
            diagnostics.push(Diagnostic::error(
                file,
                f.free.as_ref().map(|v| v.span()),
                "`free = false` needs at least one [[fees.items]]",
            ));
            "fees.paid"
        }
        (Some(false), _) => "fees.paid",
    };
    let visits = fact(
        file,
        g.visits.as_ref(),
        g.visits_confidence,
        ["visits", "visits_confidence"],
        start_span(),
        labels.get("unit.visits"),
        labels,
        diagnostics,
    );

    // Floor plans and rules, in the guide's vocabulary.
    let file_text = tree.text(file).unwrap_or_default();
    let has_plans = !g.floor_plans.is_empty() || !g.rules.is_empty();
    let vocabulary = match &g.vocabulary {
        Some(name) => match vocabularies.get(name.get_ref().as_str()) {
            Some(v) => Some(v),
            None => {
                let d = Diagnostic::error(
                    file,
                    Some(name.span()),
                    format!("no vocabulary `{}` in vocabularies/", name.get_ref()),
                );
                diagnostics.push(d.with_hint(vocabulary::unknown_hint(
                    name.get_ref().as_str(),
                    vocabularies.keys().map(String::as_str),
                    "vocabularies",
                )));
                None
            }
        },
        None if has_plans => {
            let span = g
                .floor_plans
                .first()
                .map(|p| p.file.span())
                .or_else(|| g.rules.first().map(|r| r.id.span()));
            diagnostics.push(
                Diagnostic::error(file, span, "a guide with floor plans or rules names its vocabulary")
                    .with_hint(match vocabularies.keys().next() {
                        Some(first) => format!(
                            "add `vocabulary = \"{first}\"` at the top of the guide (vocabularies: {})",
                            vocabularies.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                        ),
                        None => "define the room kinds, zones and flows in vocabularies/<id>.toml and name it with `vocabulary = \"<id>\"`".into(),
                    }),
            );
            None
        }
        None => None,
    };
    let mut plans = Vec::new();
    let mut guide_rules = Vec::new();
    if let Some(vocabulary) = vocabulary {
        let rules = plan::parse_rules(guide, file_text, vocabulary, symbols, diagnostics);
        let mut plan_ids = BTreeMap::new();
        for parsed in &guide.plans {
            let stem = parsed
                .file
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".toml");
            let id = match crate::source::format::Slug::parse(stem) {
                Ok(id) => id.to_string(),
                Err(message) => {
                    diagnostics.push(Diagnostic::error(
                        file,
                        Some(parsed.reference.file.span()),
                        format!("the plan's file name is its id: {message}"),
                    ));
                    continue;
                }
            };
            if let Some(first) = plan_ids.get(&id) {
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(parsed.reference.file.span()),
                        format!("two plans named `{id}` in this guide"),
                    )
                    .with_label("named again here")
                    .with_note(file, Some(Range::clone(first)), "first named here"),
                );
                continue;
            }
            plan_ids.insert(id.clone(), parsed.reference.file.span());
            if let Some(measured) = plan::measure::measure_plan(
                &parsed.file,
                &id,
                parsed.reference.example,
                &parsed.toml,
                vocabulary,
                symbols,
                diagnostics,
            ) {
                plans.push(plan::check_plan(
                    guide,
                    measured,
                    &rules,
                    parsed.reference.file.span(),
                    vocabulary,
                    symbols,
                    labels,
                    diagnostics,
                ));
            }
        }
        if !rules.is_empty() && guide.toml.floor_plans.is_empty() {
            diagnostics.push(Diagnostic::warning(
                file,
                Some(guide.toml.rules[0].id.span()),
                "the guide has rules but no floor plan to check them on",
            ));
        }
        guide_rules = rules;
    }

    let mut produces = Vec::new();
    for id in &g.produces {
        match library.get(id.get_ref().as_str()) {
            Some((_, m)) => produces.push(GuideLink {
                id: id.get_ref().to_string(),
                title: m.name.clone(),
            }),
            None if unparsed_material_ids.contains(id.get_ref().as_str()) => {}
            None => {
                let d = Diagnostic::error(
                    file,
                    Some(id.span()),
                    format!("no material `{}` in the material library", id.get_ref()),
                )
                .with_hint("`produces` names the materials (certificates) this procedure issues");
                diagnostics.push(
                    match nearest(id.get_ref().as_str(), library.keys().map(String::as_str)) {
                        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                        None => d,
                    },
                );
            }
        }
    }

    // Rendered before giving up on the guide, so that a mistake elsewhere in it does not hide
    // one in these.
    let conditions = statements(tree, file, &g.conditions, labels, diagnostics);
    let prohibitions = statements(tree, file, &g.prohibitions, labels, diagnostics);
    let faq = g
        .faq
        .iter()
        .enumerate()
        .map(|(i, q)| FaqEntry {
            id: format!("faq-{}", i + 1),
            question: q.question.clone(),
            answer: render_toml_markdown(tree, file, &q.answer, 4, diagnostics),
        })
        .collect();
    if diagnostics.error_count() > errors_before {
        return None;
    }
    Some(Guide {
        id: guide.id.to_string(),
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
        legal_basis: g
            .legal_basis
            .iter()
            .map(|b| LegalBasisView {
                law: b.law.clone(),
                articles: b.articles.clone(),
                role: b.role,
                role_label: labels.of("basis_role", &b.role),
                confidence: b.confidence,
                confidence_label: labels.of("confidence", &b.confidence),
            })
            .collect(),
        conditions,
        prohibitions,
        materials,
        time_limit: TimeLimitView {
            statutory,
            promised,
            // Several clocks are no one number: nothing to add into a bundle.
            statutory_days: t
                .statutory_days
                .as_ref()
                .map(|d| *d.get_ref())
                .filter(|_| t.statutory_confidence != Confidence::U && t.clocks.is_empty()),
            clocks,
            statutory_working: t.statutory_unit == crate::source::format::DayUnit::Working,
            promised_days: t
                .promised_days
                .as_ref()
                .map(|d| *d.get_ref())
                .filter(|_| t.promised_confidence != Confidence::U),
            promised_working: t.promised_unit == crate::source::format::DayUnit::Working,
            kind_label: labels.of("limit_kind", &t.kind),
            note: t.note.clone(),
        },
        fees: FeesView {
            text: labels.get(fees_key).to_owned(),
            fact: match fees_key {
                "confidence.U" => Fact::new(None, Confidence::U, labels),
                key => Fact::new(Some(labels.get(key).to_owned()), f.confidence, labels),
            },
            free: f
                .free
                .as_ref()
                .map(|v| *v.get_ref())
                .filter(|_| f.confidence != Confidence::U),
            confidence: f.confidence,
            confidence_label: labels.of("confidence", &f.confidence),
            items: f.items.clone(),
            note: f.note.clone(),
        },
        result: g.result.clone(),
        consult: g
            .contacts
            .iter()
            .filter(|c| c.kind == ContactKind::Consult)
            .cloned()
            .collect(),
        complaint: g
            .contacts
            .iter()
            .filter(|c| c.kind == ContactKind::Complaint)
            .cloned()
            .collect(),
        step_count: stages.iter().map(|s: &Stage| s.steps.len()).sum(),
        stages,
        faq,
        plans,
        rules: guide_rules,
        vocabulary: vocabulary.map(|v| v.id.clone()),
        produces,
        needs: Vec::new(),
        feeds: Vec::new(),
        bundles: Vec::new(),
        covers: Vec::new(),
        file: file.to_owned(),
        assets: media,
    })
}

/// Either-or groups (`one_of`): each needs two members or more, agreeing on `required`. Fills
/// in each member's label and the other members.
fn either_or_groups(
    file: &str,
    uses: &[crate::source::format::MaterialUse],
    materials: &mut [MaterialUseView],
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) {
    let mut groups: BTreeMap<&str, Vec<&crate::source::format::MaterialUse>> = BTreeMap::new();
    for use_ in uses {
        if let Some(group) = &use_.one_of {
            groups.entry(group.get_ref().as_str()).or_default().push(use_);
        }
    }
    for (name, members) in &groups {
        if let [only] = members.as_slice() {
            let span = only.one_of.as_ref().map(|g| g.span());
            diagnostics.push(
                Diagnostic::error(file, span, format!("only one material has `one_of = \"{name}\"`"))
                    .with_label("an either-or group of one")
                    .with_hint(
                        "give the same `one_of` to each alternative; a material without alternatives needs no `one_of`",
                    ),
            );
        }
        if let Some(odd) = members.iter().find(|m| m.required != members[0].required) {
            diagnostics.push(
                Diagnostic::error(file, odd.one_of.as_ref().map(|g| g.span()), format!("the materials of `one_of = \"{name}\"` disagree on `required`"))
                    .with_hint("`required = false` on every member makes the whole group optional; leave it out on every member when one of them must be provided"),
            );
        }
    }
    let snapshot: Vec<(usize, String, String, Option<String>)> = materials
        .iter()
        .map(|m| (m.number, m.id.clone(), m.name.clone(), m.one_of.clone()))
        .collect();
    for material in materials.iter_mut() {
        let Some(group) = &material.one_of else { continue };
        material.alternatives = snapshot
            .iter()
            .filter(|(_, id, _, g)| g.as_ref() == Some(group) && *id != material.id)
            .map(|(number, id, name, _)| AlternativeRef {
                number: *number,
                id: id.clone(),
                name: name.clone(),
            })
            .collect();
        material.one_of_label = one_of_label(material.alternatives.len() + 1, labels);
    }
}

/// "二选一" (`one_of.two`) for a group of two, and so on.
pub(crate) fn one_of_label(members: usize, labels: &Labels) -> Option<String> {
    let key = match members {
        0 | 1 => return None,
        2 => "one_of.two",
        3 => "one_of.three",
        4 => "one_of.four",
        _ => "one_of.many",
    };
    Some(labels.get(key).to_owned())
}

/// A step's video: the files exist and are of the right kinds, the captions are WebVTT.
fn resolve_video(
    tree: &SourceTree,
    file: &str,
    video: &crate::source::format::VideoToml,
    media: &mut Vec<Asset>,
    diagnostics: &mut Diagnostics,
) -> Option<Video> {
    let errors_before = diagnostics.error_count();
    let mut publish = |path: &str| -> String {
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        if Asset::find(media, &name).is_none() {
            media.push(Asset {
                name: name.clone(),
                content: AssetContent::Source(tree.shared_bytes(path).unwrap_or_else(|| Vec::new().into())),
            });
        }
        name
    };
    let mut check = |written: &Spanned<String>, allowed: &[&str], what: &str| -> Option<String> {
        let path = resolve_path(tree, file, written, diagnostics)?;
        let ext = path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !allowed.contains(&ext.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(written.span()),
                    format!("{what} must be a {} file", allowed.join(" or ")),
                )
                .with_label("wrong kind of file"),
            );
            return None;
        }
        Some(path)
    };
    let video_path = check(&video.file, &["mp4", "webm"], "a step video");
    let poster_path = video
        .poster
        .as_ref()
        .and_then(|p| check(p, &["png", "jpg", "jpeg", "webp"], "a video poster"));
    let captions_path = check(&video.captions, &["vtt"], "captions");
    let transcript_path = check(&video.transcript, &["md"], "a transcript");
    if let Some(path) = &captions_path
        && !tree
            .text(path)
            .is_some_and(|t| t.trim_start_matches('\u{feff}').starts_with("WEBVTT"))
    {
        diagnostics.push(
            Diagnostic::error(
                path.as_str(),
                Some(0..0),
                "captions must be a WebVTT file starting with `WEBVTT`",
            )
            .with_hint("export the subtitles as .vtt (WebVTT); .srt files need converting"),
        );
    }
    // The transcript is checked even when another file of the video is wrong.
    let transcript = transcript_path.as_deref().and_then(|path| {
        let text = tree.text(path)?;
        let source = MarkdownSource {
            file: path,
            offset: Some(0),
            fallback: None,
        };
        Some(markdown::to_prose(text, source, 5, diagnostics))
    });
    if diagnostics.error_count() > errors_before {
        return None;
    }
    let (video_path, captions_path, transcript) = (video_path?, captions_path?, transcript?);
    Some(Video {
        title: video.title.clone(),
        mime: if video_path.ends_with(".webm") {
            "video/webm"
        } else {
            "video/mp4"
        },
        src: publish(&video_path),
        poster: poster_path.map(|p| publish(&p)),
        captions: publish(&captions_path),
        transcript,
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
