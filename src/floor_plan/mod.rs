//! Floor plans: the format ([`schema`]), the geometry ([`geometry`]), measurement and checks
//! ([`measure`]), the rule language ([`rules`]) and the drawing ([`svg`]). The resolve stage
//! calls [`parse_rules`] and [`check_plan`]; everything here is pure.

pub mod geometry;
pub mod measure;
pub mod rules;
pub mod schema;
pub mod svg;
pub mod symbols;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::toml_string_offset;
use crate::parse::ParsedGuide;
use crate::schema::{Confidence, ExampleKind};
use measure::MeasuredPlan;
use rules::{Check, Dim, Quantity};
use symbols::SymbolLibrary;

/// A rule as written, parsed and unit-checked.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub statement: String,
    pub check_text: String,
    pub source: String,
    pub confidence: Confidence,
    pub check: Check,
}

/// One room's (or the whole plan's) result for a rule, formatted for people.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    pub room: Option<String>,
    pub room_label: Option<String>,
    pub measured: String,
    pub required: String,
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
    pub confidence_label: &'static str,
    pub pass: bool,
    /// `each` rules on a plan without such a room.
    pub not_applicable: bool,
    pub comparison: &'static str,
    pub outcomes: Vec<OutcomeView>,
    /// The number the failure carries on the drawing (wrong examples only).
    pub number: Option<usize>,
}

/// A checked, measured and drawn plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    #[serde(flatten)]
    pub plan: MeasuredPlan,
    pub gross_area: String,
    pub net_area: String,
    pub results: Vec<RuleResult>,
    pub failures: usize,
    pub room_rows: Vec<RoomRow>,
    pub equipment_rows: Vec<(String, String, u32)>,
    #[serde(skip)]
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoomRow {
    pub id: String,
    pub label: String,
    pub kind_label: &'static str,
    pub zone_label: Option<&'static str>,
    pub area: String,
    pub shortest_side: String,
    pub chairs: u32,
    pub equipment: String,
}

pub fn format_value(value: f64, dim: Dim) -> String {
    match dim.0 {
        2 => format!("{} m²", svg::format_area(value)),
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
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for rule in &guide.toml.rules {
        if !seen.insert(rule.id.get_ref().as_str().to_owned()) {
            diagnostics.push(Diagnostic::error(
                &guide.file,
                Some(rule.id.span()),
                format!("duplicate rule id `{}`", rule.id.get_ref()),
            ));
            continue;
        }
        let text = rule.check.get_ref();
        match rules::parse_check(text, symbols) {
            Ok(check) => rules.push(Rule {
                id: rule.id.get_ref().to_string(),
                statement: rule.statement.clone(),
                check_text: text.clone(),
                source: rule.source.clone(),
                confidence: rule.confidence,
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

/// Evaluates every rule on a plan and draws it; a correct or reference plan that fails a rule
/// is an error, a wrong example that passes everything a warning.
pub fn check_plan(
    guide: &ParsedGuide,
    plan: MeasuredPlan,
    rules: &[Rule],
    reference_span: std::ops::Range<usize>,
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> PlanReport {
    let mut results = Vec::new();
    let mut highlights = Vec::new();
    let mut number = 0;
    for rule in rules {
        let outcomes = rules::evaluate(&rule.check, &plan);
        let pass = outcomes.iter().all(|o| o.pass);
        let mut failure_number = None;
        if !pass && plan.example == ExampleKind::Wrong {
            number += 1;
            failure_number = Some(number);
            for o in outcomes.iter().filter(|o| !o.pass) {
                if let Some(room) = &o.room {
                    highlights.push(svg::Highlight {
                        room: room.clone(),
                        number,
                    });
                }
            }
            if let Expr::Quantity(Quantity::Openings(a, b)) = &rule.check.left {
                for (p, q, ra, rb) in &plan.open_walls {
                    let _ = (p, q);
                    let kinds = (plan.room(ra).map(|r| r.kind), plan.room(rb).map(|r| r.kind));
                    if kinds == (Some(*a), Some(*b)) || kinds == (Some(*b), Some(*a)) {
                        for room in [ra, rb] {
                            if !highlights
                                .iter()
                                .any(|h: &svg::Highlight| &h.room == room && h.number == number)
                            {
                                highlights.push(svg::Highlight {
                                    room: room.clone(),
                                    number,
                                });
                            }
                        }
                    }
                }
            }
        }
        if !pass && plan.example != ExampleKind::Wrong {
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
            diagnostics.push(
                Diagnostic::error(
                    &guide.file,
                    Some(reference_span.clone()),
                    format!(
                        "the plan `{}` is shown as compliant but fails rule `{}` ({})",
                        plan.file,
                        rule.id,
                        failing.join("; ")
                    ),
                )
                .with_hint("fix the plan, or mark it `example = \"wrong\"` to show it as a counter-example"),
            );
        }
        results.push(RuleResult {
            id: rule.id.clone(),
            statement: rule.statement.clone(),
            check: rule.check_text.clone(),
            source: rule.source.clone(),
            confidence: rule.confidence,
            confidence_label: rule.confidence.label(),
            pass,
            not_applicable: outcomes.is_empty(),
            comparison: rule.check.cmp.symbol(),
            outcomes: outcomes
                .iter()
                .map(|o| OutcomeView {
                    room: o.room.clone(),
                    room_label: o.room.as_ref().and_then(|r| plan.room(r)).map(|r| r.label.clone()),
                    measured: format_value(o.measured, rule.check.dim),
                    required: format_value(o.required, rule.check.dim),
                    pass: o.pass,
                })
                .collect(),
            number: failure_number,
        });
    }
    if plan.example == ExampleKind::Wrong && number == 0 && !rules.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                &guide.file,
                Some(reference_span),
                format!("the wrong example `{}` passes every rule", plan.file),
            )
            .with_hint("a wrong example should show at least one typical mistake"),
        );
    }
    let drawing = svg::plan_svg(&plan, symbols, &highlights);
    let room_rows = plan
        .rooms
        .iter()
        .map(|r| RoomRow {
            id: r.id.clone(),
            label: r.label.clone(),
            kind_label: r.kind_label,
            zone_label: r.zone.map(|z| z.label()),
            area: svg::format_area(r.area_m2),
            shortest_side: format!("{:.2}", (r.shortest_side_m * 100.0).round() / 100.0),
            chairs: r.chairs,
            equipment: r
                .equipment
                .iter()
                .map(|(s, c)| format!("{}×{c}", symbols.get(s).map_or(s.as_str(), |x| x.label.as_str())))
                .collect::<Vec<_>>()
                .join("、"),
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
    PlanReport {
        gross_area: svg::format_area(plan.gross_area_m2),
        net_area: svg::format_area(plan.net_area_m2),
        failures: results.iter().filter(|r| !r.pass).count(),
        results,
        room_rows,
        equipment_rows,
        svg: drawing.svg,
        width: drawing.width,
        height: drawing.height,
        plan,
    }
}

use rules::Expr;
