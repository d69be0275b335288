//! Part of the resolve stage: what ties guides and materials together. Filled-in samples of
//! a material, the chain of procedures (one issues a document, later ones reuse it), and
//! bundles of guides taken as one journey (一件事) with totals and one deduplicated checklist.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::load::SourceTree;
use crate::model::*;
use crate::parse::{ParsedSite, resolve_path};
use crate::samples::{self, ImageKind};
use crate::schema::{Confidence, MaterialToml};

/// A material's samples, the blank form's file name, the forms drawn empty, and files to
/// publish: `(name, bytes)`.
type MaterialSamples = (Vec<Sample>, Option<String>, Vec<BlankForm>, Vec<(String, Vec<u8>)>);

/// The samples and blank form of one material: the views, the blank's file name, and the
/// files to publish beside the material's page.
/// `file:line:col` of a byte offset, for naming a place in another diagnostic.
fn place(tree: &SourceTree, file: &str, offset: usize) -> String {
    match tree.text(file) {
        Some(text) => {
            let (line, col) = crate::diagnostics::line_col(text, offset);
            format!("{file}:{line}:{col}")
        }
        None => file.to_owned(),
    }
}

pub fn resolve_samples(
    tree: &SourceTree,
    parsed: &ParsedSite,
    file: &str,
    material: &MaterialToml,
    diagnostics: &mut Diagnostics,
) -> MaterialSamples {
    let mut views = Vec::new();
    let mut files = Vec::new();
    let mut blank_forms = Vec::new();
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
                        let problems = samples::svg_diagnostics(&path, &text);
                        if !problems.is_empty() {
                            // Each problem is located in the SVG; each also names the line
                            // that uses the file as a sample.
                            let used_at = place(tree, file, image.span().start);
                            for d in problems {
                                diagnostics.push(d.with_hint(format!("used as a sample image at {used_at}")));
                            }
                            continue;
                        }
                        samples::svg_size(&text)
                    }
                    _ => imagesize::blob_size(bytes)
                        .ok()
                        .map(|s| (s.width as f64, s.height as f64)),
                };
                let Some((w, h)) = size.filter(|(w, h)| *w > 0.0 && *h > 0.0) else {
                    diagnostics.push(
                        Diagnostic::error(
                            file,
                            Some(image.span()),
                            format!("cannot read the size of the image `{path}`: it is not a complete {} file", kind.name()),
                        )
                        .with_label("this image")
                        .with_hint("open the image to see that it is whole and of the kind its name says; save it again as PNG, JPEG or SVG"),
                    );
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
                // The same form empty; its PDF is made with the other PDFs (render::blank).
                let blank = BlankForm {
                    sample: number,
                    title: parsed_form.title.clone(),
                    svg: format!("blank-form-{number}.svg"),
                    pdf: format!("blank-form-{number}.pdf"),
                };
                files.push((blank.svg.clone(), samples::blank_form_svg(parsed_form).into_bytes()));
                blank_forms.push(blank);
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
    (views, blank, blank_forms, files)
}

/// A guide's id, title, department, material uses and the guides it covers, as link_chain
/// reads them while it changes the guides.
type GuideSnapshot = (String, String, String, Vec<MaterialUseView>, Vec<GuideLink>);

/// Resolves each guide's `covers`: the ids of other guides it walks through together.
pub fn link_covers(parsed: &ParsedSite, guides: &mut [Guide], diagnostics: &mut Diagnostics) {
    let titles: BTreeMap<String, String> = guides.iter().map(|g| (g.id.clone(), g.title.clone())).collect();
    for parsed_guide in &parsed.guides {
        let Some(guide) = guides.iter_mut().find(|g| g.id == parsed_guide.id.as_str()) else {
            continue;
        };
        for id in &parsed_guide.toml.covers {
            let wanted = id.get_ref().as_str();
            if wanted == guide.id {
                diagnostics.push(
                    Diagnostic::error(&parsed_guide.file, Some(id.span()), "a guide cannot cover itself")
                        .with_hint("`covers` lists the other guides this one walks through together"),
                );
                continue;
            }
            match titles.get(wanted) {
                Some(title) => guide.covers.push(GuideLink {
                    id: wanted.to_owned(),
                    title: title.clone(),
                }),
                None => {
                    // A guide that exists but has errors was reported already.
                    let exists = parsed.guides.iter().any(|g| g.id.as_str() == wanted) || !parsed.all_guides_parsed;
                    if !exists {
                        let d = Diagnostic::error(&parsed_guide.file, Some(id.span()), format!("no guide `{wanted}`"))
                            .with_label("unknown guide");
                        diagnostics.push(match nearest(wanted, parsed.guides.iter().map(|g| g.id.as_str())) {
                            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                            None => d.with_hint("`covers` lists guide folder names under guides/"),
                        });
                    }
                }
            }
        }
    }
}

/// Links procedures through the documents they issue and reuse, and refuses orders that
/// cannot be met. An either-or group (`one_of`) is met by any one of its members, and a
/// material needed only in some cases (`required = false`) imposes no order.
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
    let department: BTreeMap<String, String> = guides.iter().map(|g| (g.id.clone(), g.department.clone())).collect();
    // material id -> guides that collect it from the applicant (not reused)
    let mut collectors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for guide in guides.iter() {
        for usage in guide.materials.iter().filter(|u| !u.reused) {
            collectors.entry(usage.id.clone()).or_default().push(guide.id.clone());
        }
    }
    let snapshot: Vec<GuideSnapshot> = guides
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                g.title.clone(),
                g.department.clone(),
                g.materials.clone(),
                g.covers.clone(),
            )
        })
        .collect();
    // guide id -> for each need that must be met, the guides any one of which meets it
    let mut hard_needs: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for guide in guides.iter_mut() {
        let here = guide.department.clone();
        let same = |other: &str| department.get(other).is_some_and(|d| *d == here);
        for usage in guide.materials.iter_mut() {
            let issued_by: Vec<&GuideLink> = producers
                .get(&usage.id)
                .into_iter()
                .flatten()
                .filter(|p| p.id != guide.id)
                .collect();
            usage.produced_by = issued_by.first().map(|p| (*p).clone());
            if usage.reused {
                // Reuse is confirmed only within one department; the sources are the procedures
                // that issue the document or collect it first.
                let collected = collectors
                    .get(&usage.id)
                    .into_iter()
                    .flatten()
                    .filter(|g| **g != guide.id);
                usage.reuse_confirmed = issued_by
                    .iter()
                    .map(|p| p.id.as_str())
                    .chain(collected.map(String::as_str))
                    .any(same);
            }
        }
        // Groups in the order of their first member; a material without `one_of` is a group of one.
        let mut groups: Vec<Vec<&MaterialUseView>> = Vec::new();
        for usage in &guide.materials {
            match groups
                .iter_mut()
                .find(|g| usage.one_of.is_some() && g[0].one_of == usage.one_of)
            {
                Some(group) => group.push(usage),
                None => groups.push(vec![usage]),
            }
        }
        let mut needs = Vec::new();
        for group in groups {
            let mut links = Vec::new();
            let mut or_provide = Vec::new();
            for usage in &group {
                // A procedure this guide covers is part of it, not a procedure before it.
                let issued_by: Vec<&GuideLink> = producers
                    .get(&usage.id)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.id != guide.id && !guide.covers.iter().any(|c| c.id == p.id))
                    .collect();
                if issued_by.is_empty() {
                    or_provide.push(usage.name.clone());
                }
                for producer in issued_by {
                    links.push(ChainLink {
                        guide: producer.id.clone(),
                        guide_title: producer.title.clone(),
                        material: usage.id.clone(),
                        material_name: usage.name.clone(),
                        condition: usage.condition.clone(),
                        one_of_label: usage.one_of_label,
                        alternatives: usage.alternatives.iter().map(|a| a.name.clone()).collect(),
                        same_authority: same(&producer.id),
                    });
                }
            }
            if links.is_empty() {
                continue;
            }
            let required = group.iter().all(|u| u.required);
            if required && or_provide.is_empty() {
                hard_needs
                    .entry(guide.id.clone())
                    .or_default()
                    .push(links.iter().map(|l| l.guide.clone()).collect());
            }
            needs.push(ChainNeed {
                links,
                or_provide,
                one_of_label: group[0].one_of_label,
                required,
            });
        }
        guide.needs = needs;
    }
    for guide in guides.iter_mut() {
        for (consumer, title, consumer_department, uses, covers) in &snapshot {
            if covers.iter().any(|c| c.id == guide.id) {
                continue; // a guide that covers this one is no later procedure
            }
            for usage in uses {
                if consumer != &guide.id && guide.produces.iter().any(|p| p.id == usage.id) {
                    guide.feeds.push(ChainLink {
                        guide: consumer.clone(),
                        guide_title: title.clone(),
                        material: usage.id.clone(),
                        material_name: usage.name.clone(),
                        condition: usage.condition.clone(),
                        one_of_label: usage.one_of_label,
                        alternatives: usage.alternatives.iter().map(|a| a.name.clone()).collect(),
                        same_authority: *consumer_department == guide.department,
                    });
                }
            }
        }
    }
    if let Some(cycle) = dead_end(&hard_needs) {
        let first = &cycle[0];
        let parsed_guide = parsed.guides.iter().find(|g| g.id.as_str() == first);
        let (file, span) = match parsed_guide {
            Some(g) => (g.file.clone(), g.toml.produces.first().map(|p| p.span())),
            None => (String::new(), None),
        };
        diagnostics.push(
            Diagnostic::error(file, span, format!("a cycle in what the procedures issue and need: {}", cycle.join(" → ")))
                .with_hint("each procedure may only reuse documents issued by procedures before it; check `produces` and the materials lists (alternatives of which one is enough share a `one_of`)"),
        );
    }
}

/// A cycle that no order of the procedures can break, or `None`. `needs[g]` lists, for each
/// need of `g` that must be met, the procedures any one of which meets it (an either-or
/// group has several). Procedures whose needs can all be met, in some order, are taken out
/// one by one; if some remain, each of them waits for another one that remains, and the walk
/// along those waits closes a cycle. Returned in issuing order, first guide repeated at the
/// end: `a → b → a`.
fn dead_end(needs: &BTreeMap<String, Vec<Vec<String>>>) -> Option<Vec<String>> {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let met = |option: &str, done: &BTreeSet<&str>| done.contains(option) || !needs.contains_key(option);
    loop {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(g, _)| !done.contains(g.as_str()))
            .filter(|(_, ns)| ns.iter().all(|options| options.iter().any(|o| met(o, &done))))
            .map(|(g, _)| g.as_str())
            .collect();
        if ready.is_empty() {
            break;
        }
        done.extend(ready);
    }
    let start = needs.keys().find(|g| !done.contains(g.as_str()))?;
    let mut path: Vec<&str> = vec![start];
    loop {
        let current = *path.last()?;
        let blocked = needs[current]
            .iter()
            .find(|options| !options.iter().any(|o| met(o, &done)))?;
        let next = blocked.first()?.as_str();
        if let Some(at) = path.iter().position(|p| *p == next) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(next.to_owned());
            cycle.reverse();
            return Some(cycle);
        }
        path.push(next);
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
        bundles.push(bundle(id.as_str(), file, toml, &members, materials, diagnostics));
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
    toml: &crate::schema::BundleToml,
    members: &[&Guide],
    materials: &[Material],
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
        confidence_label: confidence.label(),
    };
    let mut outside_clock = Vec::new();
    let (mut fees_free, mut fees_charged, mut fees_unconfirmed) = (Vec::new(), Vec::new(), Vec::new());
    let mut checklist: Vec<ChecklistItem> = Vec::new();
    let mut material_entries = 0;
    let mut steps = Vec::new();
    for (position, guide) in members.iter().enumerate() {
        for stage in &guide.stages {
            for step in stage.steps.iter().filter(|s| s.outside_clock) {
                outside_clock.push(format!(
                    "{}：{}（{}）",
                    guide.title,
                    step.title,
                    step.special_label.unwrap_or_default()
                ));
            }
        }
        match guide.fees.fact.unconfirmed {
            true => fees_unconfirmed.push(guide.title.clone()),
            false if guide.fees.free == Some(true) => {
                fees_free.push(tagged(guide.title.clone(), guide.fees.confidence));
            }
            false => fees_charged.push(tagged(
                format!(
                    "{}：{}",
                    guide.title,
                    guide
                        .fees
                        .items
                        .iter()
                        .map(|i| format!("{} {}", i.item, i.amount))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                guide.fees.confidence,
            )),
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
                let names: Vec<String> = group.iter().map(|m| format!("《{}》", m.name)).collect();
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
                        one_of_label: m.one_of_label,
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
                        trust_label: usage.trust_label,
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
                permit: g.covers.is_empty(),
                kind: if g.covers.is_empty() { "事项" } else { "合集指南" },
                title: g.title.clone(),
                url: format!("guides/{}/index.html", g.id),
                summary: g.summary.clone(),
                department: g.department.clone(),
                conditions: g
                    .conditions
                    .iter()
                    .map(|c| ConditionText {
                        text: c.prose.text.clone(),
                        confidence: c.confidence,
                        confidence_label: c.confidence_label,
                    })
                    .collect(),
            });
        }
        bundles.iter().find(|b| b.id == id).map(|b| FinderItem {
            id: b.id.clone(),
            permit: false,
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
    let mut seen = BTreeMap::new();
    for q in &toml.questions {
        if let Some(first) = seen.get(q.id.get_ref().as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(q.id.span()),
                    format!("duplicate question id `{}`", q.id.get_ref()),
                )
                .with_label("defined again here")
                .with_note(file, Some(std::ops::Range::clone(first)), "first defined here"),
            );
        } else {
            seen.insert(q.id.get_ref().as_str(), q.id.span());
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

    fn needs(list: &[(&str, &[&[&str]])]) -> BTreeMap<String, Vec<Vec<String>>> {
        list.iter()
            .map(|(g, ns)| {
                let ns = ns
                    .iter()
                    .map(|options| options.iter().map(|o| o.to_string()).collect())
                    .collect();
                (g.to_string(), ns)
            })
            .collect()
    }

    /// The radiology licence takes the practice licence *or* the setup approval; even if the
    /// registration needed the radiology licence, setup → radiology → registration works.
    #[test]
    fn a_satisfiable_alternative_is_no_cycle() {
        let n = needs(&[
            ("radiology", &[&["registration", "setup"]]),
            ("registration", &[&["setup"], &["radiology"]]),
        ]);
        assert_eq!(dead_end(&n), None);
    }

    #[test]
    fn a_real_cycle_is_reported_in_issuing_order() {
        // a needs b's document, b needs c's, c needs a's: a issues for c, c for b, b for a.
        let n = needs(&[("a", &[&["b"]]), ("b", &[&["c"]]), ("c", &[&["a"]])]);
        assert_eq!(dead_end(&n).unwrap(), ["a", "c", "b", "a"]);
    }

    #[test]
    fn alternatives_that_all_wait_on_the_guide_are_still_a_cycle() {
        let n = needs(&[("a", &[&["b", "c"]]), ("b", &[&["a"]]), ("c", &[&["a"]])]);
        assert_eq!(dead_end(&n).unwrap(), ["a", "b", "a"]);
    }

    #[test]
    fn a_need_met_outside_the_graph_waits_for_nothing() {
        // `x` has no needs of its own, so it is not in the map: it can always go first.
        let n = needs(&[("a", &[&["x"]]), ("b", &[&["a"]])]);
        assert_eq!(dead_end(&n), None);
    }
}
