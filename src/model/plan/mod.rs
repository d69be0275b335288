//! Floor plans: the formats ([`schema`]), the vocabulary in force ([`vocabulary`]), the
//! geometry ([`geometry`]), measurement and checks ([`measure`]), the rule language
//! ([`rules`]) and the drawing ([`svg`]). The resolve stage calls [`parse_rules`] and
//! [`check_plan`], which return data; the render stage draws with [`svg::plan_svg`].
//! Everything here is pure.

pub mod geometry;
pub mod measure;
pub mod rules;
pub mod selfcheck;
pub mod symbols;
pub mod vocabulary;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::format::{Confidence, ExampleKind};
use crate::source::markdown::toml_string_offset;
use crate::source::parse::ParsedGuide;
use geometry::Point;
use measure::MeasuredPlan;
use rules::{Check, Dim};
use symbols::SymbolLibrary;
use vocabulary::Vocabulary;

/// A rule as written, parsed and unit-checked.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub statement: String,
    pub check_text: String,
    pub source: String,
    pub confidence: Confidence,
    /// Shown as a reference value only: evaluated and shown, never enforced.
    pub reference: bool,
    pub check: Check,
}

/// One room's (or the whole plan's) result for a rule, formatted for people.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    pub room: Option<String>,
    pub room_label: Option<String>,
    pub measured: String,
    pub required: String,
    /// The same figures as numbers, in `RuleResult::unit` (the open data publishes them).
    pub measured_value: f64,
    pub required_value: f64,
    pub pass: bool,
}

/// A rule's result on one plan.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub id: String,
    pub statement: String,
    pub check: String,
    pub source: String,
    pub confidence: Confidence,
    pub confidence_label: String,
    /// A reference value, not a requirement: a correct plan may fall short of it and a wrong
    /// one gets no marker for it.
    pub reference: bool,
    pub pass: bool,
    /// `each` rules on a plan without such a room.
    pub not_applicable: bool,
    pub comparison: &'static str,
    /// The unit of the outcomes' numbers: "m2", "m", or "" for a count.
    pub unit: &'static str,
    pub outcomes: Vec<OutcomeView>,
    /// The number the failure carries on the drawing (wrong examples only).
    pub number: Option<usize>,
    /// Why a failing rule about flows fails (which step runs back, which door is shared), as
    /// data: the templates word it in the page's language.
    pub reasons: Vec<Reason>,
}

/// Why a rule about flows fails, for the applicant: what the sentence speaks of, by the labels
/// of the vocabulary and the plan; the templates word it (`t.plan_reason`). Serialised with the
/// same fields for every kind ([`ReasonData`]), so a template reads each the same way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "ReasonData")]
pub enum Reason {
    /// A step of `flow` goes from a cleaner zone back to a less clean one.
    Backflow { flow: String, from: RoomRef, to: RoomRef },
    /// Two flows go through the same door, window or opening.
    SharedPassage {
        first: String,
        second: String,
        passage: PassageRef,
    },
    /// Two flows cross on the drawing, `count` times.
    Crossings {
        first: String,
        second: String,
        count: usize,
    },
}

/// A room as a reason names it: its label, and its zone's label when it has a zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoomRef {
    pub label: String,
    pub zone: Option<String>,
}

/// A way between rooms as a reason names it, by the labels of the rooms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "PassageData")]
pub enum PassageRef {
    /// The door of `room` (the room it is drawn on).
    Door { room: String },
    /// A window of `room`, with its own label if the plan gives one.
    Window { room: String, label: Option<String> },
    /// The open connection (no wall) between two rooms.
    Open { first: String, second: String },
}

/// [`Reason`] as templates and `/data.json` see it (docs/templates.md, `Reason`).
#[derive(Serialize)]
pub struct ReasonData {
    /// `backflow`, `shared-passage` or `crossings`.
    kind: &'static str,
    /// The flow that runs back, or the two flows.
    flows: Vec<String>,
    from: Option<RoomRef>,
    to: Option<RoomRef>,
    passage: Option<PassageRef>,
    count: Option<usize>,
}

impl From<Reason> for ReasonData {
    fn from(r: Reason) -> ReasonData {
        let (kind, flows, from, to, passage, count) = match r {
            Reason::Backflow { flow, from, to } => ("backflow", vec![flow], Some(from), Some(to), None, None),
            Reason::SharedPassage { first, second, passage } => {
                ("shared-passage", vec![first, second], None, None, Some(passage), None)
            }
            Reason::Crossings { first, second, count } => {
                ("crossings", vec![first, second], None, None, None, Some(count))
            }
        };
        ReasonData {
            kind,
            flows,
            from,
            to,
            passage,
            count,
        }
    }
}

/// [`PassageRef`] as templates see it (docs/templates.md, `PassageRef`).
#[derive(Serialize)]
pub struct PassageData {
    /// `door`, `window` or `opening`.
    kind: &'static str,
    /// The room a door or window is drawn on, or the two rooms of an opening.
    rooms: Vec<String>,
    /// A window's own label.
    label: Option<String>,
}

impl From<PassageRef> for PassageData {
    fn from(p: PassageRef) -> PassageData {
        match p {
            PassageRef::Door { room } => PassageData {
                kind: "door",
                rooms: vec![room],
                label: None,
            },
            PassageRef::Window { room, label } => PassageData {
                kind: "window",
                rooms: vec![room],
                label,
            },
            PassageRef::Open { first, second } => PassageData {
                kind: "opening",
                rooms: vec![first, second],
                label: None,
            },
        }
    }
}

/// Where a failure shows on the drawing: a numbered marker in a room, or at a point (where
/// two flows cross, a shared door), or beside the plan when the rule is about the whole plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Marker {
    Room(String),
    Point(Point),
    Plan,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub at: Marker,
    pub number: usize,
}

/// A counted quantity of the whole plan, with its words.
#[derive(Debug, Clone, Serialize)]
pub struct QuantityView {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub value: u32,
}

/// A checked and measured plan: data only; the render stage draws it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    #[serde(flatten)]
    pub plan: MeasuredPlan,
    pub gross_area: String,
    pub net_area: String,
    pub results: Vec<RuleResult>,
    /// Enforced rules the plan fails.
    pub failures: usize,
    pub quantities: Vec<QuantityView>,
    pub room_rows: Vec<RoomRow>,
    pub equipment_rows: Vec<(String, String, u32)>,
    #[serde(skip)]
    pub highlights: Vec<Highlight>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoomRow {
    pub id: String,
    pub label: String,
    pub kind_label: String,
    pub zone_label: Option<String>,
    pub area: String,
    pub shortest_side: String,
    /// The room's counted quantities, in the vocabulary's order.
    pub counts: Vec<u32>,
    /// The room's equipment: symbol, label, count, by symbol (the template lists them).
    pub equipment: Vec<(String, String, u32)>,
}

pub(crate) fn format_value(value: f64, dim: Dim) -> String {
    match dim.0 {
        2 => format!("{} m²", format_area(value)),
        1 => format!("{:.2} m", (value * 100.0).round() / 100.0),
        _ if value.is_infinite() => "∞".into(),
        _ if (value - value.round()).abs() < 1e-9 => format!("{}", value.round() as i64),
        _ => format!("{:.2}", (value * 100.0).round() / 100.0),
    }
}

/// Parses the guide's rules, reporting each that cannot be evaluated at its place.
pub fn parse_rules(
    guide: &ParsedGuide,
    file_text: &str,
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for rule in &guide.toml.rules {
        if let Some(first) = seen.get(rule.id.get_ref().as_str()).cloned() {
            diagnostics.push(
                Diagnostic::error(
                    &guide.file,
                    Some(rule.id.span()),
                    format!("duplicate rule id `{}`", rule.id.get_ref()),
                )
                .with_label("defined again here")
                .with_note(&guide.file, Some(first), "first defined here"),
            );
            continue;
        }
        seen.insert(rule.id.get_ref().as_str().to_owned(), rule.id.span());
        let text = rule.check.get_ref();
        let reference = rule.reference.as_ref().is_some_and(|r| *r.get_ref());
        if rule.confidence == Confidence::U && !reference {
            diagnostics.push(
                Diagnostic::error(
                    &guide.file,
                    Some(rule.id.span()),
                    format!("rule `{}` is tagged U (unconfirmed) but enforced", rule.id.get_ref()),
                )
                .with_hint("an unconfirmed number cannot decide whether a plan passes: add `reference = true` to show it as a reference value"),
            );
        }
        match rules::parse_check(text, vocabulary, symbols) {
            Ok(check) => rules.push(Rule {
                id: rule.id.get_ref().to_string(),
                statement: rule.statement.clone(),
                check_text: text.clone(),
                source: rule.source.clone(),
                confidence: rule.confidence,
                reference,
                check,
            }),
            Err(e) => {
                let span = match toml_string_offset(file_text, &rule.check.span()) {
                    Some(offset) => offset + e.span.start..offset + e.span.end.max(e.span.start + 1),
                    None => rule.check.span(),
                };
                let mut d = Diagnostic::error(
                    &guide.file,
                    Some(span),
                    format!("cannot evaluate rule `{}`: {}", rule.id.get_ref(), e.message),
                );
                if let Some(hint) = e.hint {
                    d = d.with_hint(hint);
                }
                diagnostics.push(d);
            }
        }
    }
    rules
}

/// Evaluates every rule on a plan; a correct or reference plan that fails an enforced rule is
/// an error, a wrong example that passes every enforced rule a warning.
#[allow(clippy::too_many_arguments)] // the edition's labels joined the seven inputs
pub fn check_plan(
    guide: &ParsedGuide,
    plan: MeasuredPlan,
    rules: &[Rule],
    reference_span: std::ops::Range<usize>,
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
    labels: &crate::source::labels::Labels,
    diagnostics: &mut Diagnostics,
) -> PlanReport {
    let mut results = Vec::new();
    let mut highlights = Vec::new();
    let mut number = 0;
    for rule in rules {
        let outcomes = rules::evaluate(&rule.check, &plan, vocabulary);
        let pass = outcomes.iter().all(|o| o.pass);
        let mut failure_number = None;
        if !pass && !rule.reference && plan.example == ExampleKind::Wrong {
            number += 1;
            failure_number = Some(number);
            let before = highlights.len();
            let mut mark = |at: Marker| {
                let h = Highlight { at, number };
                if !highlights.contains(&h) {
                    highlights.push(h);
                }
            };
            for o in outcomes.iter().filter(|o| !o.pass) {
                if let Some(room) = &o.room {
                    mark(Marker::Room(room.clone()));
                }
            }
            if rule.check.each.is_none() {
                let (rooms, points) = rules::involved(&rule.check, &plan, vocabulary);
                for p in points {
                    mark(Marker::Point(p));
                }
                for i in rooms {
                    mark(Marker::Room(plan.rooms[i].id.clone()));
                }
            }
            if highlights.len() == before {
                highlights.push(Highlight {
                    at: Marker::Plan,
                    number,
                });
            }
        }
        if !pass && !rule.reference && plan.example != ExampleKind::Wrong {
            let failing: Vec<String> = outcomes
                .iter()
                .filter(|o| !o.pass)
                .map(|o| {
                    let who = o.room.as_deref().map(|r| format!("room `{r}`: ")).unwrap_or_default();
                    format!(
                        "{who}measured {}, required {} {}",
                        format_value(o.measured, rule.check.dim),
                        rule.check.cmp.symbol(),
                        format_value(o.required, rule.check.dim)
                    )
                })
                .collect();
            let mut d = Diagnostic::error(
                &guide.file,
                Some(reference_span.clone()),
                format!(
                    "the plan `{}` is shown as compliant but fails rule `{}` ({})",
                    plan.file,
                    rule.id,
                    failing.join("; ")
                ),
            );
            for why in rules::explain(&rule.check, &plan, vocabulary) {
                d = d.with_hint(why);
            }
            diagnostics
                .push(d.with_hint("fix the plan, or mark it `example = \"wrong\"` to show it as a counter-example"));
        }
        results.push(RuleResult {
            id: rule.id.clone(),
            statement: rule.statement.clone(),
            check: rule.check_text.clone(),
            source: rule.source.clone(),
            confidence: rule.confidence,
            confidence_label: labels.of("confidence", &rule.confidence),
            reference: rule.reference,
            pass,
            not_applicable: outcomes.is_empty(),
            comparison: rule.check.cmp.symbol(),
            unit: match rule.check.dim.0 {
                2 => "m2",
                1 => "m",
                _ => "",
            },
            outcomes: outcomes
                .iter()
                .map(|o| OutcomeView {
                    room: o.room.clone(),
                    room_label: o.room.as_ref().and_then(|r| plan.room(r)).map(|r| r.label.clone()),
                    measured: format_value(o.measured, rule.check.dim),
                    required: format_value(o.required, rule.check.dim),
                    measured_value: o.measured,
                    required_value: o.required,
                    pass: o.pass,
                })
                .collect(),
            number: failure_number,
            reasons: if pass {
                Vec::new()
            } else {
                rules::explain_for_readers(&rule.check, &plan, vocabulary)
            },
        });
    }
    if plan.example == ExampleKind::Wrong && number == 0 && rules.iter().any(|r| !r.reference) {
        diagnostics.push(
            Diagnostic::warning(
                &guide.file,
                Some(reference_span),
                format!("the wrong example `{}` passes every rule", plan.file),
            )
            .with_hint("a wrong example should show at least one typical mistake"),
        );
    }
    let room_rows = plan
        .rooms
        .iter()
        .map(|r| RoomRow {
            id: r.id.clone(),
            label: r.label.clone(),
            kind_label: vocabulary.kind_label(&r.kind).to_owned(),
            zone_label: r
                .zone
                .as_ref()
                .and_then(|z| vocabulary.zones.get(z))
                .map(|z| z.label.clone()),
            area: format_area(r.area_m2),
            shortest_side: format!("{:.2}", (r.shortest_side_m * 100.0).round() / 100.0),
            counts: vocabulary
                .quantities
                .iter()
                .map(|q| r.counts.get(&q.id).copied().unwrap_or(0))
                .collect(),
            equipment: r
                .equipment
                .iter()
                .map(|(s, c)| {
                    (
                        s.clone(),
                        symbols.get(s).map_or_else(|| s.clone(), |x| x.label.clone()),
                        *c,
                    )
                })
                .collect(),
        })
        .collect();
    let equipment_rows = plan
        .equipment
        .iter()
        .map(|(s, c)| {
            (
                s.clone(),
                symbols.get(s).map_or_else(|| s.clone(), |x| x.label.clone()),
                *c,
            )
        })
        .collect();
    let quantities = vocabulary
        .quantities
        .iter()
        .map(|q| QuantityView {
            id: q.id.clone(),
            label: q.label.clone(),
            unit: q.unit.clone(),
            value: plan.counts.get(&q.id).copied().unwrap_or(0),
        })
        .collect();
    PlanReport {
        gross_area: format_area(plan.gross_area_m2),
        net_area: format_area(plan.net_area_m2),
        failures: results.iter().filter(|r| !r.pass && !r.reference).count(),
        results,
        quantities,
        room_rows,
        equipment_rows,
        highlights,
        plan,
    }
}

/// Areas as applicants see them: m² with one decimal.
pub(crate) fn format_area(m2: f64) -> String {
    format!("{:.1}", (m2 * 10.0).round() / 10.0)
}
