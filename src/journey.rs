//! Part of the resolve stage: what ties guides and materials together. Filled-in samples of
//! a material, the chain of procedures (one issues a document, later ones reuse it), and
//! bundles of guides taken as one journey (一件事) with totals and one deduplicated checklist.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::load::SourceTree;
use crate::model::*;
use crate::parse::{ParsedSite, resolve_path};
use crate::samples::{self, ImageKind};
use crate::schema::MaterialToml;

/// A material's samples, the blank form's file name, and files to publish: `(name, bytes)`.
type MaterialSamples = (Vec<Sample>, Option<String>, Vec<(String, Vec<u8>)>);

/// A guide's id, title and `(material id, material name)` uses.
type GuideUses = (String, String, Vec<(String, String)>);

/// The samples and blank form of one material: the views, the blank's file name, and the
/// files to publish beside the material's page.
pub fn resolve_samples(
    tree: &SourceTree,
    parsed: &ParsedSite,
    file: &str,
    material: &MaterialToml,
    diagnostics: &mut Diagnostics,
) -> MaterialSamples {
    let mut views = Vec::new();
    let mut files = Vec::new();
    for (i, sample) in material.samples.iter().enumerate() {
        let number = i + 1;
        let (name, bytes, width, height, kind, alt) = match (&sample.image, &sample.form) {
            (Some(image), None) => {
                let Some(path) = resolve_path(tree, file, image, diagnostics) else {
                    continue;
                };
                let Some(kind) = ImageKind::from_path(&path) else {
                    diagnostics.push(
                        Diagnostic::error(file, Some(image.span()), "a sample image is a PNG, JPEG or SVG file")
                            .with_hint("convert scans to PNG or JPEG"),
                    );
                    continue;
                };
                let Some(bytes) = tree.bytes(&path) else { continue };
                let size = match kind {
                    ImageKind::Svg => {
                        let text = String::from_utf8_lossy(bytes);
                        if let Some((offset, problem)) = samples::svg_active_content(&text) {
                            diagnostics.push(
                                Diagnostic::error(
                                    &path,
                                    Some(offset..offset + 1),
                                    format!("{problem}; samples must not carry script"),
                                )
                                .with_label("here")
                                .with_hint("export the drawing again without scripts or interactive parts"),
                            );
                            continue;
                        }
                        samples::svg_size(&text)
                    }
                    _ => imagesize::blob_size(bytes)
                        .ok()
                        .map(|s| (s.width as f64, s.height as f64)),
                };
                let Some((w, h)) = size.filter(|(w, h)| *w > 0.0 && *h > 0.0) else {
                    diagnostics.push(Diagnostic::error(
                        &path,
                        None,
                        "cannot read the size of this image; is the file complete?",
                    ));
                    continue;
                };
                let Some(alt) = sample.alt.clone() else {
                    diagnostics.push(
                        Diagnostic::error(
                            file,
                            Some(image.span()),
                            "a sample image needs `alt`: what it shows, for readers who cannot see it",
                        )
                        .with_hint("e.g. alt = \"填写完整的申请书第一页，已加盖公章\""),
                    );
                    continue;
                };
                (
                    format!("sample-{number}.{}", kind.extension()),
                    bytes.to_vec(),
                    w,
                    h,
                    "image",
                    alt,
                )
            }
            (None, Some(form)) => {
                let Ok(path) = tree.resolve(file, form.get_ref()) else {
                    continue;
                };
                let Some(parsed_form) = parsed.forms.get(&path) else {
                    continue;
                };
                let drawn = samples::form_svg(parsed_form);
                if drawn.content_bottom > samples::CONTENT_BOTTOM {
                    diagnostics.push(
                        Diagnostic::error(&path, Some(0..0), format!(
                            "the form does not fit on one page: its content ends at {:.0} mm, the signatures start at {:.0} mm",
                            drawn.content_bottom,
                            samples::CONTENT_BOTTOM
                        ))
                        .with_hint("shorten tables or pair short fields (fields without `wide` share a row)"),
                    );
                    continue;
                }
                let alt = sample
                    .alt
                    .clone()
                    .unwrap_or_else(|| format!("{}（填写示例）", parsed_form.title));
                (
                    format!("sample-{number}.svg"),
                    drawn.svg.into_bytes(),
                    samples::PAGE_W,
                    samples::PAGE_H,
                    "form",
                    alt,
                )
            }
            (Some(image), Some(_)) => {
                diagnostics.push(Diagnostic::error(
                    file,
                    Some(image.span()),
                    "a sample has `image` or `form`, not both",
                ));
                continue;
            }
            (None, None) => {
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(material.id.span()),
                        format!("a sample of `{}` has neither `image` nor `form`", material.id.get_ref()),
                    )
                    .with_hint("add `form = \"../forms/….toml\"` or `image = \"….png\"`"),
                );
                continue;
            }
        };
        // On a drawn form, a marker goes beside the value its callout points at, not over it.
        let layout = sample
            .form
            .as_ref()
            .and_then(|f| tree.resolve(file, f.get_ref()).ok())
            .and_then(|path| parsed.forms.get(&path))
            .map(|form| samples::form_svg(form).layout);
        let mut placed = Vec::new();
        let mut callouts = Vec::new();
        for (j, callout) in sample.callouts.iter().enumerate() {
            let [x, y] = *callout.at.get_ref();
            if !(0.0..=width).contains(&x) || !(0.0..=height).contains(&y) {
                let unit = if kind == "form" { "mm" } else { "px" };
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(callout.at.span()),
                        format!("this callout is off the page ({} × {} {unit})", width, height),
                    )
                    .with_label("outside the sample")
                    .with_hint(if kind == "form" {
                        "forms are A4 pages: x from 0 to 210, y from 0 to 297 millimetres, from the top left"
                    } else {
                        "image callouts are in pixels of the image, from the top left"
                    }),
                );
                continue;
            }
            let [x, y] = layout.as_ref().map_or([x, y], |l| l.marker_beside([x, y], &placed));
            placed.push([x, y]);
            callouts.push(Callout {
                number: j + 1,
                text: callout.text.clone(),
                mistake: callout.mistake,
                left: format!("{:.2}%", x / width * 100.0),
                top: format!("{:.2}%", y / height * 100.0),
                x_ratio: (x / width * 10_000.0).round() / 10_000.0,
                y_ratio: (y / height * 10_000.0).round() / 10_000.0,
            });
        }
        if sample.callouts.is_empty() {
            diagnostics.push(
                Diagnostic::warning(
                    file,
                    Some(material.id.span()),
                    format!("sample {number} of `{}` has no callouts", material.id.get_ref()),
                )
                .with_hint("point out where applicants go wrong with [[material.samples.callouts]]"),
            );
        }
        // Display at most 720 px wide, keeping the aspect ratio.
        let scale = (720.0 / width).min(if kind == "form" { 720.0 / width } else { 1.0 });
        views.push(Sample {
            number,
            title: sample.title.clone(),
            file: name.clone(),
            kind,
            alt,
            width,
            height,
            width_px: (width * scale).round() as u32,
            height_px: (height * scale).round() as u32,
            callouts,
        });
        files.push((name, bytes));
    }
    let blank = material.blank.as_ref().and_then(|b| {
        let path = resolve_path(tree, file, b, diagnostics)?;
        let name = path.rsplit('/').next().unwrap_or("blank").to_owned();
        let bytes = tree.bytes(&path)?.to_vec();
        files.push((format!("blank-{name}"), bytes));
        Some(format!("blank-{name}"))
    });
    (views, blank, files)
}

/// Links procedures through the documents they issue and reuse, and refuses cycles.
pub fn link_chain(
    parsed: &ParsedSite,
    guides: &mut [Guide],
    materials: &mut [Material],
    diagnostics: &mut Diagnostics,
) {
    // material id -> the guides that issue it
    let mut producers: BTreeMap<String, Vec<GuideLink>> = BTreeMap::new();
    for guide in guides.iter() {
        for product in &guide.produces {
            producers.entry(product.id.clone()).or_default().push(GuideLink {
                id: guide.id.clone(),
                title: guide.title.clone(),
            });
        }
    }
    for material in materials.iter_mut() {
        material.produced_by = producers.get(&material.id).cloned().unwrap_or_default();
    }
    // Edges: producer -> consumer, through a material.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let snapshot: Vec<GuideUses> = guides
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                g.title.clone(),
                g.materials.iter().map(|m| (m.id.clone(), m.name.clone())).collect(),
            )
        })
        .collect();
    for guide in guides.iter_mut() {
        for usage in guide.materials.iter_mut() {
            if let Some(producer) = producers
                .get(&usage.id)
                .and_then(|p| p.iter().find(|p| p.id != guide.id))
            {
                usage.produced_by = Some(producer.clone());
                guide.needs.push(ChainLink {
                    guide: producer.id.clone(),
                    guide_title: producer.title.clone(),
                    material: usage.id.clone(),
                    material_name: usage.name.clone(),
                });
                edges.entry(producer.id.clone()).or_default().insert(guide.id.clone());
            }
        }
    }
    for guide in guides.iter_mut() {
        for (consumer, title, uses) in &snapshot {
            for (material, name) in uses {
                if consumer != &guide.id && guide.produces.iter().any(|p| &p.id == material) {
                    guide.feeds.push(ChainLink {
                        guide: consumer.clone(),
                        guide_title: title.clone(),
                        material: material.clone(),
                        material_name: name.clone(),
                    });
                }
            }
        }
    }
    // Cycles: depth-first search, reported once at the `produces` of a guide on the cycle.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on the stack, 2 = done
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        state.insert(node, 1);
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[start..].iter().map(|s| s.to_string()).collect();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node, 2);
        None
    }
    let nodes: Vec<&String> = edges.keys().collect();
    for node in nodes {
        if state.contains_key(node.as_str()) {
            continue;
        }
        if let Some(cycle) = visit(node, &edges, &mut state, &mut Vec::new()) {
            let first = &cycle[0];
            let parsed_guide = parsed.guides.iter().find(|g| g.id.as_str() == first);
            let (file, span) = match parsed_guide {
                Some(g) => (g.file.clone(), g.toml.produces.first().map(|p| p.span())),
                None => (String::new(), None),
            };
            diagnostics.push(
                Diagnostic::error(file, span, format!("a cycle in what the procedures issue and need: {}", cycle.join(" → ")))
                    .with_hint("each procedure may only reuse documents issued by procedures before it; check `produces` and the materials lists"),
            );
            break;
        }
    }
}

/// Sums days by unit: "75 日 + 20 个工作日".
fn total_days(parts: &[(u32, bool)]) -> String {
    let calendar: u32 = parts.iter().filter(|p| !p.1).map(|p| p.0).sum();
    let working: u32 = parts.iter().filter(|p| p.1).map(|p| p.0).sum();
    match (calendar, working) {
        (0, 0) => "待本地确认".into(),
        (c, 0) => format!("{c} 日"),
        (0, w) => format!("{w} 个工作日"),
        (c, w) => format!("{c} 日 + {w} 个工作日"),
    }
}

/// Resolves every bundle against the guides; records on each guide which bundles hold it.
pub fn resolve_bundles(
    parsed: &ParsedSite,
    guides: &mut [Guide],
    materials: &[Material],
    diagnostics: &mut Diagnostics,
) -> Vec<Bundle> {
    let mut bundles = Vec::new();
    for (id, file, toml) in &parsed.bundles {
        let mut members: Vec<&Guide> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut ok = true;
        for guide_id in toml.guides.get_ref() {
            let wanted = guide_id.get_ref().as_str();
            match guides.iter().find(|g| g.id == wanted) {
                Some(_) if !seen.insert(wanted) => {
                    diagnostics.push(Diagnostic::error(
                        file,
                        Some(guide_id.span()),
                        format!("guide `{wanted}` is listed twice"),
                    ));
                    ok = false;
                }
                Some(g) => members.push(g),
                None => {
                    // A guide that exists but has errors was reported already.
                    let exists = parsed.guides.iter().any(|g| g.id.as_str() == wanted) || !parsed.all_guides_parsed;
                    if !exists {
                        let d = Diagnostic::error(file, Some(guide_id.span()), format!("no guide `{wanted}`"))
                            .with_label("unknown guide");
                        diagnostics.push(match nearest(wanted, parsed.guides.iter().map(|g| g.id.as_str())) {
                            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                            None => d.with_hint("a bundle lists guide folder names under guides/"),
                        });
                    }
                    ok = false;
                }
            }
        }
        if members.len() < 2 && ok {
            diagnostics.push(Diagnostic::error(
                file,
                Some(toml.guides.span()),
                "a bundle takes at least two guides",
            ));
            ok = false;
        }
        if !ok {
            continue;
        }
        bundles.push(bundle(id.as_str(), file, toml, &members, materials));
    }
    for b in &bundles {
        for step in &b.steps {
            if let Some(g) = guides.iter_mut().find(|g| g.id == step.id) {
                g.bundles.push(GuideLink {
                    id: b.id.clone(),
                    title: b.title.clone(),
                });
            }
        }
    }
    bundles.sort_by(|a, b| a.id.cmp(&b.id));
    bundles
}

fn bundle(
    id: &str,
    file: &str,
    toml: &crate::schema::BundleToml,
    members: &[&Guide],
    materials: &[Material],
) -> Bundle {
    let in_bundle: BTreeSet<&str> = members.iter().map(|g| g.id.as_str()).collect();
    let mut statutory = Vec::new();
    let mut promised = Vec::new();
    let (mut statutory_unconfirmed, mut promised_unconfirmed) = (Vec::new(), Vec::new());
    let mut outside_clock = Vec::new();
    let (mut fees_free, mut fees_charged, mut fees_unconfirmed) = (Vec::new(), Vec::new(), Vec::new());
    let mut checklist: Vec<ChecklistItem> = Vec::new();
    let mut material_entries = 0;
    for guide in members {
        let t = &guide.time_limit;
        // Another locality's number (L) is no total for this one: list it as unconfirmed.
        let local = |fact: &Fact| fact.confidence != crate::schema::Confidence::L;
        match t.statutory_days.filter(|_| local(&t.statutory)) {
            Some(d) => statutory.push((d, t.statutory_working)),
            None => statutory_unconfirmed.push(guide.title.clone()),
        }
        match t.promised_days.filter(|_| local(&t.promised)) {
            Some(d) => promised.push((d, t.promised_working)),
            None => promised_unconfirmed.push(guide.title.clone()),
        }
        for stage in &guide.stages {
            for step in stage.steps.iter().filter(|s| s.special_label.is_some()) {
                outside_clock.push(format!(
                    "{}：{}（{}）",
                    guide.title,
                    step.title,
                    step.special_label.unwrap_or_default()
                ));
            }
        }
        match guide.fees.free {
            Some(true) => fees_free.push(guide.title.clone()),
            Some(false) => fees_charged.push(format!(
                "{}：{}",
                guide.title,
                guide
                    .fees
                    .items
                    .iter()
                    .map(|i| format!("{} {}", i.item, i.amount))
                    .collect::<Vec<_>>()
                    .join("；")
            )),
            None => fees_unconfirmed.push(guide.title.clone()),
        }
        for usage in &guide.materials {
            material_entries += 1;
            let use_ = ChecklistUse {
                guide: guide.id.clone(),
                guide_title: guide.title.clone(),
                form_label: usage.form_label,
                copies: usage.copies.clone(),
                reused: usage.reused,
            };
            match checklist.iter_mut().find(|c| c.id == usage.id) {
                Some(item) => item.uses.push(use_),
                None => {
                    let material = materials.iter().find(|m| m.id == usage.id);
                    let produced_by = material
                        .and_then(|m| m.produced_by.iter().find(|p| in_bundle.contains(p.id.as_str())))
                        .cloned();
                    checklist.push(ChecklistItem {
                        number: 0,
                        id: usage.id.clone(),
                        name: usage.name.clone(),
                        issuer: usage.issuer.clone(),
                        trust: usage.trust,
                        trust_label: usage.trust_label,
                        submit_once: produced_by.is_none(),
                        produced_by,
                        uses: vec![use_],
                    });
                }
            }
        }
    }
    // Documents the applicant brings first, then those issued along the way.
    checklist.sort_by_key(|c| c.produced_by.is_some());
    for (i, item) in checklist.iter_mut().enumerate() {
        item.number = i + 1;
    }
    Bundle {
        id: id.to_owned(),
        title: toml.title.clone(),
        summary: toml.summary.clone(),
        note: toml.note.clone(),
        steps: members
            .iter()
            .enumerate()
            .map(|(i, g)| BundleStep {
                number: i + 1,
                id: g.id.clone(),
                title: g.title.clone(),
                department: g.department.clone(),
                summary: g.summary.clone(),
                statutory: g.time_limit.statutory.clone(),
                promised: g.time_limit.promised.clone(),
                fees: g.fees.text.clone(),
                stages: g.stages.iter().map(|s| s.title.clone()).collect(),
                produces: g.produces.clone(),
            })
            .collect(),
        statutory_total: total_days(&statutory),
        promised_total: total_days(&promised),
        statutory_unconfirmed,
        promised_unconfirmed,
        outside_clock,
        fees_free,
        fees_charged,
        fees_unconfirmed,
        checklist,
        material_entries,
        file: file.to_owned(),
    }
}

/// The questionnaire: every id an answer adds must be a guide or a bundle.
pub fn resolve_finder(
    parsed: &ParsedSite,
    guides: &[Guide],
    bundles: &[Bundle],
    diagnostics: &mut Diagnostics,
) -> Option<Finder> {
    let toml = parsed.finder.as_ref()?;
    let file = crate::load::FINDER;
    let item = |id: &str| -> Option<FinderItem> {
        if let Some(g) = guides.iter().find(|g| g.id == id) {
            return Some(FinderItem {
                id: g.id.clone(),
                kind: "事项",
                title: g.title.clone(),
                url: format!("guides/{}/index.html", g.id),
                summary: g.summary.clone(),
                department: g.department.clone(),
                conditions: g.conditions.iter().map(|c| c.prose.text.clone()).collect(),
            });
        }
        bundles.iter().find(|b| b.id == id).map(|b| FinderItem {
            id: b.id.clone(),
            kind: "一件事",
            title: b.title.clone(),
            url: format!("bundles/{}/index.html", b.id),
            summary: b.summary.clone(),
            department: String::new(),
            conditions: Vec::new(),
        })
    };
    // Ids of guides and bundles that exist, even if they have errors of their own (reported
    // already): only names that exist nowhere are this file's mistake.
    let known: Vec<&str> = parsed
        .guides
        .iter()
        .map(|g| g.id.as_str())
        .chain(parsed.bundles.iter().map(|b| b.0.as_str()))
        .chain(guides.iter().map(|g| g.id.as_str()))
        .chain(bundles.iter().map(|b| b.id.as_str()))
        .collect();
    let errors_before = diagnostics.error_count();
    let check = |id: &toml::Spanned<crate::schema::Slug>, diagnostics: &mut Diagnostics| {
        let wanted = id.get_ref().as_str();
        if !known.contains(&wanted) && parsed.all_guides_parsed {
            let d = Diagnostic::error(file, Some(id.span()), format!("no guide or bundle `{wanted}`"))
                .with_label("unknown id");
            diagnostics.push(match nearest(wanted, known.iter().copied()) {
                Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                None => d,
            });
        }
    };
    let mut questions = Vec::new();
    let mut seen = BTreeSet::new();
    for q in &toml.questions {
        if !seen.insert(q.id.get_ref().as_str()) {
            diagnostics.push(Diagnostic::error(
                file,
                Some(q.id.span()),
                format!("duplicate question id `{}`", q.id.get_ref()),
            ));
        }
        let mut answers = Vec::new();
        for (i, a) in q.answers.iter().enumerate() {
            for id in &a.adds {
                check(id, diagnostics);
            }
            answers.push(Answer {
                id: format!("{}-{}", q.id.get_ref(), i + 1),
                label: a.label.clone(),
                adds: a.adds.iter().map(|id| id.get_ref().to_string()).collect(),
                note: a.note.clone(),
            });
        }
        questions.push(Question {
            id: q.id.get_ref().to_string(),
            text: q.text.clone(),
            hint: q.hint.clone(),
            multiple: q.multiple,
            answers,
        });
    }
    for id in &toml.order {
        check(id, diagnostics);
    }
    if diagnostics.error_count() > errors_before {
        return None;
    }
    // Result order: `order` first, then the rest of what answers can add, as first named.
    let mut ids: Vec<String> = toml.order.iter().map(|id| id.get_ref().to_string()).collect();
    for a in questions.iter().flat_map(|q| &q.answers) {
        for id in &a.adds {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    for g in guides {
        if !ids.contains(&g.id) {
            ids.push(g.id.clone());
        }
    }
    Some(Finder {
        title: toml.title.clone(),
        intro: toml.intro.clone(),
        questions,
        items: ids.iter().filter_map(|id| item(id)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_added_by_unit() {
        assert_eq!(total_days(&[(30, false), (45, false)]), "75 日");
        assert_eq!(total_days(&[(30, false), (20, true)]), "30 日 + 20 个工作日");
        assert_eq!(total_days(&[]), "待本地确认");
    }
}
