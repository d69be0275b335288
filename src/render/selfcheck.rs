//! The self-check page of a guide with plan rules (`guides/<id>/selfcheck.html`): the rules as
//! data in the page (`model::plan::selfcheck::guide_json`), evaluated in the browser by
//! `selfcheck-eval.js` over the figures the applicant enters (`selfcheck.js`). Without
//! JavaScript the page lists the rules and says which can be checked from figures.

use serde::Serialize;

use crate::model::plan::selfcheck;
use crate::model::{Guide, Site};
use crate::source::format::Confidence;

/// A rule as the page lists it before any figure is entered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RuleRow {
    pub id: String,
    pub statement: String,
    pub source: String,
    pub confidence: Confidence,
    pub confidence_label: String,
    pub reference: bool,
    /// "form" (checked from the figures), "drawing" (check it on the drawing) or
    /// "unconfirmed" (U: not checked, no number).
    pub checked_by: &'static str,
}

/// The page's path, for guides that have plan rules.
pub(crate) fn page_path(guide: &Guide) -> Option<String> {
    (!guide.rules.is_empty() && guide.vocabulary.is_some()).then(|| format!("guides/{}/selfcheck.html", guide.id))
}

/// What the template needs: the rule rows and the data script's text.
pub(crate) fn page_data(site: &Site, guide: &Guide) -> Option<(Vec<RuleRow>, String)> {
    page_path(guide)?;
    let vocabulary = site.vocabularies.get(guide.vocabulary.as_deref()?)?;
    let json = selfcheck::guide_json(&guide.rules, vocabulary, &site.symbols, &site.edition.labels);
    let rows = guide
        .rules
        .iter()
        .map(|r| RuleRow {
            id: r.id.clone(),
            statement: r.statement.clone(),
            source: r.source.clone(),
            confidence: r.confidence,
            confidence_label: site.edition.labels.of("confidence", &r.confidence),
            reference: r.reference,
            checked_by: if r.confidence == Confidence::U {
                "unconfirmed"
            } else if selfcheck::needs_drawing_rule(r) {
                "drawing"
            } else {
                "form"
            },
        })
        .collect();
    Some((rows, super::jsonld::script_text(&json)))
}
