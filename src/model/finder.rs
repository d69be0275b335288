//! Part of the resolve stage: the "which permits do I need" questionnaire.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::*;
use crate::source::labels::Labels;
use crate::source::parse::ParsedSite;

/// The questionnaire: every id an answer adds must be a guide or a bundle.
pub(crate) fn resolve_finder(
    parsed: &ParsedSite,
    guides: &[Guide],
    bundles: &[Bundle],
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> Option<Finder> {
    let toml = parsed.finder.as_ref()?;
    let file = crate::source::load::FINDER;
    let item = |id: &str| -> Option<FinderItem> {
        if let Some(g) = guides.iter().find(|g| g.id == id) {
            return Some(FinderItem {
                id: g.id.clone(),
                permit: g.covers.is_empty(),
                kind: labels
                    .get(if g.covers.is_empty() {
                        "kind.permit"
                    } else {
                        "kind.collection"
                    })
                    .to_owned(),
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
                        confidence_label: c.confidence_label.clone(),
                    })
                    .collect(),
            });
        }
        bundles.iter().find(|b| b.id == id).map(|b| FinderItem {
            id: b.id.clone(),
            permit: false,
            kind: labels.get("kind.bundle").to_owned(),
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
    let check = |id: &toml::Spanned<crate::source::format::Slug>, diagnostics: &mut Diagnostics| {
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
