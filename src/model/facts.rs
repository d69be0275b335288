//! A guide's tagged facts: every figure a reader relies on (time limits, fees, visits, copies)
//! with its confidence tag, the legal basis and the tagged statements (conditions,
//! prohibitions). A fact tagged `U` (unconfirmed) must not state a value, and the page shows
//! 待本地确认 (`confidence.U`) in its place; a fact with any other tag must give its value.

use std::ops::Range;

use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::guide::{GuideContext, start_span};
use crate::model::{ClockView, Fact, FeesView, LegalBasisView, StatementView, TimeLimitView};
use crate::source::format::{Confidence, DayUnit, Statement};

/// Where a fact is written: the field of its value, the field of its confidence, and the place
/// a missing value is reported at.
pub(crate) struct FactField<'s> {
    field: &'s str,
    confidence_field: &'s str,
    anchor: Range<usize>,
}

impl<'s> FactField<'s> {
    pub(crate) fn new([field, confidence_field]: [&'s str; 2], anchor: Range<usize>) -> Self {
        FactField {
            field,
            confidence_field,
            anchor,
        }
    }
}

/// A fact with an optional value and a confidence: `U` must not state a value, the others must.
/// The value is shown followed by `suffix` (its unit).
pub(crate) fn fact<T: ToString>(
    ctx: &mut GuideContext,
    value: Option<&Spanned<T>>,
    confidence: Confidence,
    at: FactField,
    suffix: &str,
) -> Fact {
    let (file, labels) = (ctx.file, ctx.labels);
    let FactField {
        field,
        confidence_field,
        anchor,
    } = at;
    match (value, confidence) {
        (Some(v), Confidence::U) => {
            ctx.diagnostics.push(
                Diagnostic::error(file, Some(v.span()), format!("`{field}` states a value but `{confidence_field}` is \"U\" (unconfirmed)"))
                    .with_hint("an unconfirmed fact must not state a number: remove the value (the page shows 待本地确认), or set the confidence to C, S or L"),
            );
            Fact::new(None, Confidence::U, labels)
        }
        (None, c) if c != Confidence::U => {
            ctx.diagnostics.push(
                Diagnostic::error(file, Some(anchor), format!("`{field}` is missing")).with_hint(format!(
                    "give the value, or set `{confidence_field} = \"U\"` if it is not confirmed"
                )),
            );
            Fact::new(None, Confidence::U, labels)
        }
        (v, c) => Fact::new(v.map(|v| format!("{}{suffix}", v.get_ref().to_string())), c, labels),
    }
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

/// Where a value missing from the table `name` is reported: at the table's header.
fn table(ctx: &GuideContext, name: &str) -> Range<usize> {
    table_span(ctx.tree.text(ctx.file).unwrap_or_default(), name).unwrap_or_else(start_span)
}

/// The legal basis (设定依据) as the pages show it; a guide that names none is warned about.
pub(crate) fn legal_basis(ctx: &mut GuideContext) -> Vec<LegalBasisView> {
    let (g, labels) = (&ctx.guide.toml, ctx.labels);
    if g.legal_basis.is_empty() {
        ctx.diagnostics.push(
            Diagnostic::warning(
                ctx.file,
                Some(start_span()),
                "the guide names no legal basis (设定依据)",
            )
            .with_hint("add a [[legal_basis]] table"),
        );
    }
    g.legal_basis
        .iter()
        .map(|b| LegalBasisView {
            law: b.law.clone(),
            articles: b.articles.clone(),
            role: b.role,
            role_label: labels.of("basis_role", &b.role),
            confidence: b.confidence,
            confidence_label: labels.of("confidence", &b.confidence),
        })
        .collect()
}

/// The time limits: the statutory one (one figure, or one clock per procedure, never added
/// up) and the promised one, with the numbers a bundle can add (none when unconfirmed).
pub(crate) fn time_limit(ctx: &mut GuideContext) -> TimeLimitView {
    let (t, labels) = (&ctx.guide.toml.time_limit, ctx.labels);
    // A missing value is reported at its table's header.
    let header = table(ctx, "time_limit");
    let clocks: Vec<ClockView> = t
        .clocks
        .iter()
        .map(|c| ClockView {
            label: c.label.get_ref().clone(),
            fact: fact(
                ctx,
                c.days.as_ref(),
                c.confidence,
                FactField::new(["days", "confidence"], c.label.span()),
                &labels.of("unit", &c.unit),
            ),
        })
        .collect();
    let statutory = if t.clocks.is_empty() {
        fact(
            ctx,
            t.statutory_days.as_ref(),
            t.statutory_confidence,
            FactField::new(["statutory_days", "statutory_confidence"], header.clone()),
            &labels.of("unit", &t.statutory_unit),
        )
    } else {
        clock_problems(ctx);
        ClockView::combined(&clocks, labels)
    };
    let promised = fact(
        ctx,
        t.promised_days.as_ref(),
        t.promised_confidence,
        FactField::new(["promised_days", "promised_confidence"], header),
        &labels.of("unit", &t.promised_unit),
    );
    TimeLimitView {
        statutory,
        promised,
        // Several clocks are no one number: nothing to add into a bundle.
        statutory_days: t
            .statutory_days
            .as_ref()
            .map(|d| *d.get_ref())
            .filter(|_| t.statutory_confidence != Confidence::U && t.clocks.is_empty()),
        clocks,
        statutory_working: t.statutory_unit == DayUnit::Working,
        promised_days: t
            .promised_days
            .as_ref()
            .map(|d| *d.get_ref())
            .filter(|_| t.promised_confidence != Confidence::U),
        promised_working: t.promised_unit == DayUnit::Working,
        kind_label: labels.of("limit_kind", &t.kind),
        note: t.note.clone(),
    }
}

/// Clocks are for two procedures or more, and replace `statutory_days`.
fn clock_problems(ctx: &mut GuideContext) {
    let (file, t) = (ctx.file, &ctx.guide.toml.time_limit);
    if let Some(days) = &t.statutory_days {
        ctx.diagnostics.push(
            Diagnostic::error(file, Some(days.span()), "`statutory_days` and [[time_limit.clocks]] are both given")
                .with_label("one number for several clocks")
                .with_hint("a guide that covers several procedures gives one clock per procedure and no `statutory_days`: the clocks run one after the other and are not added up"),
        );
    }
    if let [only] = t.clocks.as_slice() {
        ctx.diagnostics.push(
            Diagnostic::error(file, Some(only.label.span()), "a single clock is `statutory_days`")
                .with_hint("use [[time_limit.clocks]] only for a guide that covers two or more procedures; otherwise write `statutory_days` and `statutory_unit`"),
        );
    }
}

/// The fees: free (不收费), paid with their items, or unconfirmed.
pub(crate) fn fees(ctx: &mut GuideContext) -> FeesView {
    let (f, labels) = (&ctx.guide.toml.fees, ctx.labels);
    let fees_key = fees_key(ctx);
    FeesView {
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
    }
}

/// The labels key of the fees' text; `free` and the items must agree with each other and with
/// the confidence.
fn fees_key(ctx: &mut GuideContext) -> &'static str {
    let (file, f) = (ctx.file, &ctx.guide.toml.fees);
    match (f.free.as_ref().map(|v| *v.get_ref()), f.confidence) {
        (Some(_), Confidence::U) => {
            let span = f.free.as_ref().map(|v| v.span());
            ctx.diagnostics.push(
                Diagnostic::error(file, span, "`free` states a value but the fees' `confidence` is \"U\"")
                    .with_hint("remove `free` to show 待本地确认, or set the confidence to C, S or L"),
            );
            "confidence.U"
        }
        (None, Confidence::U) => "confidence.U",
        (None, _) => {
            let header = table(ctx, "fees");
            ctx.diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(header),
                    "[fees] needs `free = true` (不收费) or `free = false` with items",
                )
                .with_hint("if the fees are not confirmed, set `confidence = \"U\"` in [fees]"),
            );
            "confidence.U"
        }
        (Some(true), _) if !f.items.is_empty() => {
            ctx.diagnostics.push(Diagnostic::error(
                file,
                f.free.as_ref().map(|v| v.span()),
                "`free = true` but fee items are listed",
            ));
            "fees.free"
        }
        (Some(true), _) => "fees.free",
        (Some(false), _) if f.items.is_empty() => {
            ctx.diagnostics.push(Diagnostic::error(
                file,
                f.free.as_ref().map(|v| v.span()),
                "`free = false` needs at least one [[fees.items]]",
            ));
            "fees.paid"
        }
        (Some(false), _) => "fees.paid",
    }
}

/// How many times the applicant goes to the window.
pub(crate) fn visits(ctx: &mut GuideContext) -> Fact {
    let (g, labels) = (&ctx.guide.toml, ctx.labels);
    fact(
        ctx,
        g.visits.as_ref(),
        g.visits_confidence,
        FactField::new(["visits", "visits_confidence"], start_span()),
        labels.get("unit.visits"),
    )
}

/// Statements with their confidence tags (conditions, prohibitions), their Markdown rendered.
pub(crate) fn statements(ctx: &mut GuideContext, items: &[Statement]) -> Vec<StatementView> {
    let labels = ctx.labels;
    items
        .iter()
        .map(|s| StatementView {
            prose: ctx.toml_markdown(&s.text, 3),
            confidence: s.confidence,
            confidence_label: labels.of("confidence", &s.confidence),
        })
        .collect()
}
