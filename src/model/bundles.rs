//! Part of the resolve stage: bundles of guides taken as one journey (一件事): each item's
//! limits in order, never added up; one deduplicated checklist.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::*;
use crate::source::format::Confidence;
use crate::source::labels::Labels;
use crate::source::parse::ParsedSite;

/// Resolves every bundle against the guides; records on each guide which bundles hold it.
pub(crate) fn resolve_bundles(
    parsed: &ParsedSite,
    guides: &mut [Guide],
    materials: &[Material],
    labels: &Labels,
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
        bundles.push(bundle(
            id.as_str(),
            file,
            toml,
            &members,
            materials,
            labels,
            diagnostics,
        ));
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

/// One bundle: the guides in their order, what each takes from an earlier one, and one
/// deduplicated checklist. An order in which a guide needs a document that only a later guide
/// issues is an error; of an either-or group, the members this order cannot use yet are left
/// out of the checklist, and the page says which one is used instead.
fn bundle(
    id: &str,
    file: &str,
    toml: &crate::source::format::BundleToml,
    members: &[&Guide],
    materials: &[Material],
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Bundle {
    // material id -> (position, guide) of the members that issue it
    let mut issued: BTreeMap<&str, Vec<(usize, &Guide)>> = BTreeMap::new();
    for (i, guide) in members.iter().enumerate() {
        for product in &guide.produces {
            issued.entry(product.id.as_str()).or_default().push((i, guide));
        }
    }
    let tagged = |text: String, confidence: Confidence| TaggedText {
        text,
        confidence,
        confidence_label: labels.of("confidence", &confidence),
    };
    let mut outside_clock = Vec::new();
    let (mut fees_free, mut fees_charged, mut fees_unconfirmed) = (Vec::new(), Vec::new(), Vec::new());
    let mut checklist: Vec<ChecklistItem> = Vec::new();
    let mut material_entries = 0;
    let mut steps = Vec::new();
    for (position, guide) in members.iter().enumerate() {
        for stage in &guide.stages {
            for step in stage.steps.iter().filter(|s| s.outside_clock) {
                outside_clock.push(OutsideClockStep {
                    guide: guide.id.clone(),
                    guide_title: guide.title.clone(),
                    step_title: step.title.clone(),
                    special_label: step.special_label.clone().unwrap_or_default(),
                });
            }
        }
        match guide.fees.fact.unconfirmed {
            true => fees_unconfirmed.push(guide.title.clone()),
            false if guide.fees.free == Some(true) => {
                fees_free.push(tagged(guide.title.clone(), guide.fees.confidence));
            }
            false => fees_charged.push(ChargedFees {
                guide: guide.id.clone(),
                guide_title: guide.title.clone(),
                items: guide.fees.items.clone(),
                confidence: guide.fees.confidence,
                confidence_label: labels.of("confidence", &guide.fees.confidence),
            }),
        }
        // Which uses this order can meet: a document is there when no member issues it (the
        // applicant brings it) or an earlier member does.
        let earlier = |material: &str| -> Option<(usize, &Guide)> {
            issued
                .get(material)
                .and_then(|by| by.iter().find(|(i, g)| *i < position && g.id != guide.id))
                .copied()
        };
        let later = |material: &str| -> Option<(usize, &Guide)> {
            let by = issued.get(material)?;
            if by.iter().any(|(i, g)| *i < position || g.id == guide.id) {
                return None;
            }
            by.first().copied()
        };
        let mut inputs = Vec::new();
        let mut not_yet = Vec::new();
        let mut kept: Vec<(&MaterialUseView, Vec<String>)> = Vec::new();
        for usage in &guide.materials {
            let group: Vec<&MaterialUseView> = match &usage.one_of {
                Some(name) => guide
                    .materials
                    .iter()
                    .filter(|m| m.one_of.as_ref() == Some(name))
                    .collect(),
                None => vec![usage],
            };
            if group[0].id != usage.id && group.len() > 1 {
                continue; // the group was handled at its first member
            }
            let usable: Vec<&&MaterialUseView> = group.iter().filter(|m| later(&m.id).is_none()).collect();
            let unusable: Vec<(&&MaterialUseView, (usize, &Guide))> =
                group.iter().filter_map(|m| later(&m.id).map(|l| (m, l))).collect();
            if usable.is_empty() && usage.required {
                let names: Vec<String> = group.iter().map(|m| format!("`{}`", m.name)).collect();
                let by: Vec<String> = unusable
                    .iter()
                    .map(|(_, (i, g))| format!("`{}` (item {})", g.id, i + 1))
                    .collect();
                let span = toml.guides.get_ref().get(position).map(|g| g.span());
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        span,
                        format!(
                            "`{}` (item {}) needs {}, issued only later in this bundle by {}",
                            guide.id,
                            position + 1,
                            names.join(" or "),
                            by.join(", ")
                        ),
                    )
                    .with_label("needed before it is issued")
                    .with_hint("list the guide that issues it before this one, or, if another document will do, give both the same `one_of` in the guide"),
                );
            }
            let instead: Vec<String> = usable.iter().map(|m| m.name.clone()).collect();
            for (m, (i, g)) in &unusable {
                not_yet.push(BundleNotYet {
                    material: m.id.clone(),
                    material_name: m.name.clone(),
                    from_number: i + 1,
                    from_title: g.title.clone(),
                    instead: instead.clone(),
                });
            }
            let left_out: Vec<String> = unusable.iter().map(|(m, _)| m.name.clone()).collect();
            for m in usable {
                if let Some((i, g)) = earlier(&m.id) {
                    inputs.push(BundleInput {
                        material: m.id.clone(),
                        material_name: m.name.clone(),
                        from_number: i + 1,
                        from_title: g.title.clone(),
                        one_of_label: m.one_of_label.clone(),
                    });
                }
                kept.push((*m, left_out.clone()));
            }
        }
        // The checklist in the guide's own order of materials.
        kept.sort_by_key(|(m, _)| m.number);
        for (usage, instead_of) in kept {
            material_entries += 1;
            let use_ = ChecklistUse {
                usage: MaterialUsage::of(guide, usage),
                instead_of,
            };
            match checklist.iter_mut().find(|c| c.id == usage.id) {
                Some(item) => item.uses.push(use_),
                None => {
                    let material = materials.iter().find(|m| m.id == usage.id);
                    let produced_by = issued
                        .get(usage.id.as_str())
                        .and_then(|by| by.first())
                        .map(|(_, g)| GuideLink {
                            id: g.id.clone(),
                            title: g.title.clone(),
                        });
                    checklist.push(ChecklistItem {
                        number: 0,
                        id: usage.id.clone(),
                        name: material.map_or_else(|| usage.name.clone(), |m| m.name.clone()),
                        issuer: usage.issuer.clone(),
                        trust: usage.trust,
                        trust_label: usage.trust_label.clone(),
                        submit_once: produced_by.is_none(),
                        produced_by,
                        uses: vec![use_],
                    });
                }
            }
        }
        steps.push(BundleStep {
            number: position + 1,
            id: guide.id.clone(),
            title: guide.title.clone(),
            department: guide.department.clone(),
            summary: guide.summary.clone(),
            statutory: guide.time_limit.statutory.clone(),
            promised: guide.time_limit.promised.clone(),
            fees: guide.fees.fact.clone(),
            stages: guide.stages.iter().map(|s| s.title.clone()).collect(),
            produces: guide.produces.clone(),
            inputs,
            not_yet,
        });
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
        steps,
        outside_clock,
        fees_free,
        fees_charged,
        fees_unconfirmed,
        checklist,
        material_entries,
        file: file.to_owned(),
    }
}
