//! A guide's plans checked against its rules: the vocabulary the guide names, its rules
//! parsed and unit-checked, each plan measured ([`measure`](super::measure)) and every rule
//! evaluated on it. A plan shown as compliant that fails an enforced rule is an error; a wrong
//! example gets numbered markers where it fails.

use std::collections::BTreeMap;
use std::ops::Range;

use super::measure::{self, MeasuredPlan};
use super::rules::{self, Outcome};
use super::symbols::SymbolLibrary;
use super::vocabulary::{self, Vocabulary};
use super::{
    Highlight, Marker, OutcomeView, PlanReport, QuantityView, RoomRow, Rule, RuleResult, format_area, format_value,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::guide::GuideContext;
use crate::source::format::{Confidence, ExampleKind};
use crate::source::labels::Labels;
use crate::source::markdown::toml_string_offset;
use crate::source::parse::{ParsedGuide, ParsedPlan};

/// What a guide's plans are checked in: the guide's file (a problem of a plan as a whole is
/// reported where the guide names it), the guide's vocabulary, the site's symbols and the
/// edition's labels.
pub struct PlanContext<'a> {
    pub guide_file: &'a str,
    pub vocabulary: &'a Vocabulary,
    pub symbols: &'a SymbolLibrary,
    pub labels: &'a Labels,
}

/// A guide's checked plans and its rules, and the vocabulary they are written in.
pub(crate) struct GuidePlans {
    pub vocabulary: Option<String>,
    pub plans: Vec<PlanReport>,
    pub rules: Vec<Rule>,
}

/// The guide's plans, each measured and checked against the guide's rules, in the vocabulary
/// the guide names (none: no plans, and an error if the guide has plans or rules).
pub(crate) fn guide_plans(ctx: &mut GuideContext) -> GuidePlans {
    let (guide, file, symbols) = (ctx.guide, ctx.file, ctx.symbols);
    let Some(vocabulary) = guide_vocabulary(ctx) else {
        return GuidePlans {
            vocabulary: None,
            plans: Vec::new(),
            rules: Vec::new(),
        };
    };
    let file_text = ctx.tree.text(file).unwrap_or_default();
    let rules = parse_rules(guide, file_text, vocabulary, symbols, ctx.diagnostics);
    let in_guide = PlanContext {
        guide_file: file,
        vocabulary,
        symbols,
        labels: ctx.labels,
    };
    let mut plan_ids = BTreeMap::new();
    let mut plans = Vec::new();
    for parsed in &guide.plans {
        let Some(id) = plan_id(ctx, parsed, &mut plan_ids) else {
            continue;
        };
        if let Some(measured) = measure::measure_plan(
            &parsed.file,
            &id,
            parsed.reference.example,
            &parsed.toml,
            vocabulary,
            symbols,
            ctx.diagnostics,
        ) {
            plans.push(check_plan(
                &in_guide,
                measured,
                &rules,
                parsed.reference.file.span(),
                ctx.diagnostics,
            ));
        }
    }
    if !rules.is_empty() && guide.toml.floor_plans.is_empty() {
        ctx.diagnostics.push(Diagnostic::warning(
            file,
            Some(guide.toml.rules[0].id.span()),
            "the guide has rules but no floor plan to check them on",
        ));
    }
    GuidePlans {
        vocabulary: Some(vocabulary.id.clone()),
        plans,
        rules,
    }
}

/// The vocabulary the guide names; naming an unknown one is an error, and so is naming none in
/// a guide with floor plans or rules.
fn guide_vocabulary<'a>(ctx: &mut GuideContext<'a>) -> Option<&'a Vocabulary> {
    let (g, file, vocabularies) = (&ctx.guide.toml, ctx.file, ctx.vocabularies);
    let has_plans = !g.floor_plans.is_empty() || !g.rules.is_empty();
    match &g.vocabulary {
        Some(name) => match vocabularies.get(name.get_ref().as_str()) {
            Some(v) => Some(v),
            None => {
                let d = Diagnostic::error(
                    file,
                    Some(name.span()),
                    format!("no vocabulary `{}` in vocabularies/", name.get_ref()),
                );
                ctx.diagnostics.push(d.with_hint(vocabulary::unknown_hint(
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
            ctx.diagnostics.push(
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
    }
}

/// A plan's id, its file name; `None` (and an error) when the name is no id or a second plan
/// of the guide has it. `plan_ids` holds where each id was first named.
fn plan_id(
    ctx: &mut GuideContext,
    parsed: &ParsedPlan,
    plan_ids: &mut BTreeMap<String, Range<usize>>,
) -> Option<String> {
    let file = ctx.file;
    let stem = parsed
        .file
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".toml");
    let id = match crate::source::format::Slug::parse(stem) {
        Ok(id) => id.to_string(),
        Err(message) => {
            ctx.diagnostics.push(Diagnostic::error(
                file,
                Some(parsed.reference.file.span()),
                format!("the plan's file name is its id: {message}"),
            ));
            return None;
        }
    };
    if let Some(first) = plan_ids.get(&id) {
        ctx.diagnostics.push(
            Diagnostic::error(
                file,
                Some(parsed.reference.file.span()),
                format!("two plans named `{id}` in this guide"),
            )
            .with_label("named again here")
            .with_note(file, Some(Range::clone(first)), "first named here"),
        );
        return None;
    }
    plan_ids.insert(id.clone(), parsed.reference.file.span());
    Some(id)
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
pub fn check_plan(
    in_guide: &PlanContext,
    plan: MeasuredPlan,
    rules: &[Rule],
    reference_span: Range<usize>,
    diagnostics: &mut Diagnostics,
) -> PlanReport {
    let vocabulary = in_guide.vocabulary;
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
            mark_failure(&plan, rule, &outcomes, number, vocabulary, &mut highlights);
        }
        if !pass && !rule.reference && plan.example != ExampleKind::Wrong {
            diagnostics.push(shown_compliant_but_fails(
                in_guide,
                &plan,
                rule,
                &outcomes,
                reference_span.clone(),
            ));
        }
        results.push(rule_result(in_guide, &plan, rule, &outcomes, failure_number));
    }
    if plan.example == ExampleKind::Wrong && number == 0 && rules.iter().any(|r| !r.reference) {
        diagnostics.push(
            Diagnostic::warning(
                in_guide.guide_file,
                Some(reference_span),
                format!("the wrong example `{}` passes every rule", plan.file),
            )
            .with_hint("a wrong example should show at least one typical mistake"),
        );
    }
    let room_rows = room_rows(&plan, vocabulary, in_guide.symbols);
    let equipment_rows = equipment_rows(&plan, in_guide.symbols);
    let quantities = quantities(&plan, vocabulary);
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

/// Marks where a wrong example fails a rule, numbered `number`: each failing room, and for a
/// rule about the whole plan the rooms and points it involves; beside the plan when none.
fn mark_failure(
    plan: &MeasuredPlan,
    rule: &Rule,
    outcomes: &[Outcome],
    number: usize,
    vocabulary: &Vocabulary,
    highlights: &mut Vec<Highlight>,
) {
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
        let (rooms, points) = rules::involved(&rule.check, plan, vocabulary);
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

/// The error for a plan shown as compliant that fails an enforced rule: what was measured and
/// what is required, and why.
fn shown_compliant_but_fails(
    in_guide: &PlanContext,
    plan: &MeasuredPlan,
    rule: &Rule,
    outcomes: &[Outcome],
    reference_span: Range<usize>,
) -> Diagnostic {
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
        in_guide.guide_file,
        Some(reference_span),
        format!(
            "the plan `{}` is shown as compliant but fails rule `{}` ({})",
            plan.file,
            rule.id,
            failing.join("; ")
        ),
    );
    for why in rules::explain(&rule.check, plan, in_guide.vocabulary) {
        d = d.with_hint(why);
    }
    d.with_hint("fix the plan, or mark it `example = \"wrong\"` to show it as a counter-example")
}

/// A rule's result on the plan, as the pages and the open data show it.
fn rule_result(
    in_guide: &PlanContext,
    plan: &MeasuredPlan,
    rule: &Rule,
    outcomes: &[Outcome],
    number: Option<usize>,
) -> RuleResult {
    let pass = outcomes.iter().all(|o| o.pass);
    RuleResult {
        id: rule.id.clone(),
        statement: rule.statement.clone(),
        check: rule.check_text.clone(),
        source: rule.source.clone(),
        confidence: rule.confidence,
        confidence_label: in_guide.labels.of("confidence", &rule.confidence),
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
        number,
        reasons: if pass {
            Vec::new()
        } else {
            rules::explain_for_readers(&rule.check, plan, in_guide.vocabulary)
        },
    }
}

/// The rooms' table: kind, zone, net area, shortest side, counts, equipment.
fn room_rows(plan: &MeasuredPlan, vocabulary: &Vocabulary, symbols: &SymbolLibrary) -> Vec<RoomRow> {
    plan.rooms
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
        .collect()
}

/// The plan's equipment: symbol id, its label, how many.
fn equipment_rows(plan: &MeasuredPlan, symbols: &SymbolLibrary) -> Vec<(String, String, u32)> {
    plan.equipment
        .iter()
        .map(|(s, c)| {
            (
                s.clone(),
                symbols.get(s).map_or_else(|| s.clone(), |x| x.label.clone()),
                *c,
            )
        })
        .collect()
}

/// The vocabulary's counted quantities over the whole plan.
fn quantities(plan: &MeasuredPlan, vocabulary: &Vocabulary) -> Vec<QuantityView> {
    vocabulary
        .quantities
        .iter()
        .map(|q| QuantityView {
            id: q.id.clone(),
            label: q.label.clone(),
            unit: q.unit.clone(),
            value: plan.counts.get(&q.id).copied().unwrap_or(0),
        })
        .collect()
}
