//! A guide's structure: the materials it asks for (from the library, numbered, either-or
//! groups, the step each is handed in at), its stages and steps (ids unique, bodies, videos),
//! what it produces and its FAQ. [`GuideContext`] is what every part of a guide is resolved
//! with: the guide, the site's parts it refers to, the edition's labels and the diagnostics.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::plan::symbols::SymbolLibrary;
use crate::model::plan::vocabulary::Vocabulary;
use crate::model::prose::{render_markdown_file, render_toml_markdown};
use crate::model::*;
use crate::source::format::{MaterialToml, MaterialUse, Slug, StageLogic, StageToml, StepToml};
use crate::source::labels::Labels;
use crate::source::load::SourceTree;
use crate::source::parse::ParsedGuide;
use crate::source::prose::Prose;

/// The material library: each material by id, with the file that describes it.
pub(crate) type MaterialLibrary<'a> = BTreeMap<String, (&'a str, &'a MaterialToml)>;

/// What one guide is resolved with: the guide, the site's parts it refers to, the edition's
/// words and where its problems go. Guides resolve in parallel, each with a context (and a
/// diagnostics sink) of its own.
pub(crate) struct GuideContext<'a> {
    pub tree: &'a SourceTree,
    pub guide: &'a ParsedGuide,
    /// `guides/<id>/guide.toml`, where the guide's problems are reported.
    pub file: &'a str,
    pub library: &'a MaterialLibrary<'a>,
    /// Ids of materials in files that did not parse: a guide naming one is not told it is unknown.
    pub unparsed_material_ids: &'a BTreeSet<String>,
    pub symbols: &'a SymbolLibrary,
    pub vocabularies: &'a BTreeMap<String, Vocabulary>,
    pub labels: &'a Labels,
    pub diagnostics: &'a mut Diagnostics,
}

impl GuideContext<'_> {
    /// Markdown in a TOML string of the guide.
    pub(crate) fn toml_markdown(&mut self, text: &Spanned<String>, heading_base: u8) -> Prose {
        render_toml_markdown(self.tree, self.file, text, heading_base, self.diagnostics)
    }

    /// Markdown in a file the guide names.
    pub(crate) fn markdown_file(&mut self, written: &Spanned<String>, heading_base: u8) -> Option<Prose> {
        render_markdown_file(self.tree, self.file, written, heading_base, self.diagnostics)
    }
}

/// Whole-file span of the start of `guide.toml`, for problems with no better place.
pub(crate) fn start_span() -> Range<usize> {
    0..0
}

/// The guide's materials, numbered in order, and for each that names the step it is handed in
/// at, its index with that step (linked by [`link_material_steps`] once the steps are known).
pub(crate) fn materials<'a>(ctx: &mut GuideContext<'a>) -> (Vec<MaterialUseView>, Vec<(usize, &'a Spanned<Slug>)>) {
    let (file, library, uses) = (ctx.file, ctx.library, &ctx.guide.toml.materials);
    let mut seen_materials = BTreeMap::new();
    let mut materials = Vec::new();
    // (index in `materials`, the step it names), resolved once the steps are.
    let mut material_steps = Vec::new();
    for use_ in uses {
        let id = use_.material.get_ref().as_str();
        let Some((_, material)) = library.get(id) else {
            if !ctx.unparsed_material_ids.contains(id) {
                unknown_material(ctx, use_);
            }
            continue;
        };
        if let Some(first) = seen_materials.get(id) {
            ctx.diagnostics.push(
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
        materials.push(material_use(ctx, use_, material, materials.len() + 1));
        if let Some(step) = &use_.step {
            material_steps.push((materials.len() - 1, step));
        }
    }
    either_or_groups(ctx, &mut materials);
    (materials, material_steps)
}

fn unknown_material(ctx: &mut GuideContext, use_: &MaterialUse) {
    let id = use_.material.get_ref().as_str();
    let d = Diagnostic::error(
        ctx.file,
        Some(use_.material.span()),
        format!("no material `{id}` in the material library"),
    )
    .with_label("unknown material");
    let d = match nearest(id, ctx.library.keys().map(String::as_str)) {
        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
        None => d.with_hint("materials are described once in materials/*.toml and referenced by id"),
    };
    ctx.diagnostics.push(d);
}

/// One material of the guide, `number` in its list.
fn material_use(ctx: &mut GuideContext, use_: &MaterialUse, material: &MaterialToml, number: usize) -> MaterialUseView {
    let labels = ctx.labels;
    let copies = crate::model::facts::fact(
        ctx,
        use_.copies.as_ref(),
        use_.copies_confidence,
        crate::model::facts::FactField::new(["copies", "copies_confidence"], use_.material.span()),
        labels.get("unit.copies"),
    );
    MaterialUseView {
        number,
        id: use_.material.get_ref().as_str().to_owned(),
        name: material.name.clone(),
        issuer: material.issuer.clone(),
        trust: material.trust,
        trust_label: labels.of("trust", &material.trust),
        form_label: labels.of("form", &use_.form),
        copies,
        required: use_.required,
        condition: use_.condition.clone(),
        note: use_.note.as_ref().map(|n| ctx.toml_markdown(n, 4)),
        reused: use_.reused,
        reuse_confirmed: false,
        sample_count: material.samples.len(),
        produced_by: None,
        one_of: use_.one_of.as_ref().map(|g| g.get_ref().to_string()),
        one_of_label: None,
        alternatives: Vec::new(),
        step: None,
    }
}

/// Either-or groups (`one_of`): each needs two members or more, agreeing on `required`. Fills
/// in each member's label and the other members.
fn either_or_groups(ctx: &mut GuideContext, materials: &mut [MaterialUseView]) {
    let (file, labels, uses) = (ctx.file, ctx.labels, &ctx.guide.toml.materials);
    let mut groups: BTreeMap<&str, Vec<&MaterialUse>> = BTreeMap::new();
    for use_ in uses {
        if let Some(group) = &use_.one_of {
            groups.entry(group.get_ref().as_str()).or_default().push(use_);
        }
    }
    for (name, members) in &groups {
        if let [only] = members.as_slice() {
            let span = only.one_of.as_ref().map(|g| g.span());
            ctx.diagnostics.push(
                Diagnostic::error(file, span, format!("only one material has `one_of = \"{name}\"`"))
                    .with_label("an either-or group of one")
                    .with_hint(
                        "give the same `one_of` to each alternative; a material without alternatives needs no `one_of`",
                    ),
            );
        }
        if let Some(odd) = members.iter().find(|m| m.required != members[0].required) {
            ctx.diagnostics.push(
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

/// Links each material that names a step to that step; an unknown step is an error.
pub(crate) fn link_material_steps(
    ctx: &mut GuideContext,
    materials: &mut [MaterialUseView],
    material_steps: Vec<(usize, &Spanned<Slug>)>,
    stages: &[Stage],
) {
    let file = ctx.file;
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
                ctx.diagnostics.push(match nearest(id, steps) {
                    Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                    None => d.with_hint("`step` names the `id` of one of this guide's [[stages.steps]]"),
                });
            }
        }
    }
}

/// The guide's stages and their steps, numbered, with the files their videos publish.
pub(crate) fn stages(ctx: &mut GuideContext) -> (Vec<Stage>, Vec<Asset>) {
    let guide = ctx.guide;
    let mut walk = StageWalk {
        ctx,
        ids: BTreeMap::new(),
        media: Vec::new(),
    };
    let stages = guide
        .toml
        .stages
        .iter()
        .enumerate()
        .map(|(si, stage)| walk.stage(si, stage))
        .collect();
    (stages, walk.media)
}

/// The stages as they are resolved: the ids taken so far and the files published.
struct StageWalk<'c, 'a> {
    ctx: &'c mut GuideContext<'a>,
    /// Stage and step ids share one name space (they are the page's anchors): where each was
    /// first defined.
    ids: BTreeMap<String, Range<usize>>,
    media: Vec<Asset>,
}

impl StageWalk<'_, '_> {
    /// Takes a stage's or step's id; a second definition is an error.
    fn claim(&mut self, id: &Spanned<Slug>) {
        let file = self.ctx.file;
        let name = id.get_ref().to_string();
        match self.ids.get(&name) {
            Some(first) => self.ctx.diagnostics.push(
                Diagnostic::error(file, Some(id.span()), format!("duplicate id `{name}` in this guide"))
                    .with_label("defined again here")
                    .with_hint("stages and steps share one set of ids: give each a name of its own")
                    .with_note(file, Some(first.clone()), "first defined here"),
            ),
            None => {
                self.ids.insert(name, id.span());
            }
        }
    }

    /// The stage `si` (counted from 0).
    fn stage(&mut self, si: usize, stage: &StageToml) -> Stage {
        self.claim(&stage.id);
        if stage.steps.is_empty() {
            self.ctx.diagnostics.push(
                Diagnostic::error(
                    self.ctx.file,
                    Some(stage.id.span()),
                    format!("stage `{}` has no steps", stage.id.get_ref()),
                )
                .with_hint("add at least one [[stages.steps]]"),
            );
        }
        let steps = stage
            .steps
            .iter()
            .enumerate()
            .map(|(ti, step)| self.step(stage, format!("{}.{}", si + 1, ti + 1), step))
            .collect();
        let labels = self.ctx.labels;
        Stage {
            number: si + 1,
            id: stage.id.get_ref().to_string(),
            title: stage.title.clone(),
            summary: stage.summary.as_ref().map(|s| self.ctx.toml_markdown(s, 4)),
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
        }
    }

    /// A step of `stage`, numbered `number` ("2.1").
    fn step(&mut self, stage: &StageToml, number: String, step: &StepToml) -> Step {
        self.claim(&step.id);
        let body = self.body(step);
        let labels = self.ctx.labels;
        let qualifier = match (stage.logic, step.optional) {
            (_, true) => labels.get("step.optional"),
            (StageLogic::Or, false) => labels.get("step.one_of"),
            (StageLogic::And, false) => "",
        };
        Step {
            number,
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
                .and_then(|v| crate::model::video::resolve_video(self.ctx, v, &mut self.media)),
        }
    }

    /// A step's text: written in the guide or in a file of its own, one of the two.
    fn body(&mut self, step: &StepToml) -> Prose {
        let file = self.ctx.file;
        match (&step.text, &step.file) {
            (Some(text), None) => self.ctx.toml_markdown(text, 5),
            (None, Some(path)) => self.ctx.markdown_file(path, 5).unwrap_or_default(),
            (Some(_), Some(path)) => {
                self.ctx.diagnostics.push(Diagnostic::error(
                    file,
                    Some(path.span()),
                    "a step has `text` or `file`, not both",
                ));
                Prose::default()
            }
            (None, None) => {
                self.ctx.diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(step.id.span()),
                        format!("step `{}` has no body", step.id.get_ref()),
                    )
                    .with_hint("add `text = \"...\"` or `file = \"steps/....md\"`"),
                );
                Prose::default()
            }
        }
    }
}

/// The materials (certificates) the procedure issues, from the library.
pub(crate) fn produces(ctx: &mut GuideContext) -> Vec<GuideLink> {
    let (file, library) = (ctx.file, ctx.library);
    let mut produces = Vec::new();
    for id in &ctx.guide.toml.produces {
        match library.get(id.get_ref().as_str()) {
            Some((_, m)) => produces.push(GuideLink {
                id: id.get_ref().to_string(),
                title: m.name.clone(),
            }),
            None if ctx.unparsed_material_ids.contains(id.get_ref().as_str()) => {}
            None => {
                let d = Diagnostic::error(
                    file,
                    Some(id.span()),
                    format!("no material `{}` in the material library", id.get_ref()),
                )
                .with_hint("`produces` names the materials (certificates) this procedure issues");
                ctx.diagnostics.push(
                    match nearest(id.get_ref().as_str(), library.keys().map(String::as_str)) {
                        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                        None => d,
                    },
                );
            }
        }
    }
    produces
}

/// The questions and answers, with their anchors (`faq-1`, …).
pub(crate) fn faq(ctx: &mut GuideContext) -> Vec<FaqEntry> {
    let guide = ctx.guide;
    guide
        .toml
        .faq
        .iter()
        .enumerate()
        .map(|(i, q)| FaqEntry {
            id: format!("faq-{}", i + 1),
            question: q.question.clone(),
            answer: ctx.toml_markdown(&q.answer, 4),
        })
        .collect()
}
