//! The applicant's self-check: the guide's rules as data (a JSON syntax tree the page's
//! evaluator, `templates/selfcheck-eval.js`, reads) and the same rules evaluated in Rust over
//! an applicant's own figures: rooms with a kind, a clear length × width or an area, equipment
//! counts and doors, and the counted quantities of the plan.
//!
//! Rust is the source of truth: [`evaluate_figures`] builds a synthetic measured plan from the
//! figures and runs the rule language's own evaluator ([`rules::evaluate`]) on it. A rule
//! that needs geometry the figures do not hold (flows, open connections without a door,
//! windows) is never guessed: it is [`Status::Drawing`]. A figure left blank makes the sides
//! that need it unknown ([`Status::Unknown`]). The differential test
//! (`tests/suite/selfcheck.rs`) requires both evaluators to agree on every case.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Rule;
use super::geometry::Point;
use super::measure::{MeasuredPlan, MeasuredRoom, Opening};
use super::rules::{self, BinOp, Cmp, Expr, Func, Quantity};
use super::symbols::SymbolLibrary;
use super::vocabulary::{KindSet, Vocabulary};
use crate::source::format::{Confidence, ExampleKind};

/// An applicant's figures, as the page keeps them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Building (gross) area in m²; blank when not known.
    #[serde(default)]
    pub gross_area: Option<f64>,
    /// The counted quantities of the whole plan, by id; a missing one is blank.
    #[serde(default)]
    pub quantities: BTreeMap<String, u32>,
    #[serde(default)]
    pub rooms: Vec<RoomFigures>,
    /// Doors: from a room (index into `rooms`) to another room or, `None`, to the outside.
    #[serde(default)]
    pub doors: Vec<DoorFigures>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomFigures {
    pub kind: String,
    /// The applicant's name for the room (else the page numbers rooms per kind).
    #[serde(default)]
    pub name: String,
    /// Clear length and width in m: together they give the area and the shortest side.
    #[serde(default)]
    pub length: Option<f64>,
    #[serde(default)]
    pub width: Option<f64>,
    /// Clear (net) area in m², for rooms that are not rectangles; wins over length × width.
    #[serde(default)]
    pub area: Option<f64>,
    /// Equipment in the room: symbol id → count.
    #[serde(default)]
    pub equipment: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoorFigures {
    pub from: usize,
    /// `None` is the outside.
    pub to: Option<usize>,
}

impl RoomFigures {
    pub fn net_area(&self) -> Option<f64> {
        self.area.or(match (self.length, self.width) {
            (Some(l), Some(w)) => Some(l * w),
            _ => None,
        })
    }

    pub fn shortest_side(&self) -> Option<f64> {
        match (self.length, self.width) {
            (Some(l), Some(w)) => Some(l.min(w)),
            _ => None,
        }
    }
}

/// A rule's (or one room's) verdict on the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// A figure the rule needs is blank.
    Unknown,
    /// The rule needs geometry the figures do not hold: check it on the drawing.
    Drawing,
    /// An `each` rule and no room of its kind.
    NotApplicable,
    /// A reference value: evaluated and shown, never decides.
    Reference,
    /// Its number is unconfirmed (U): not evaluated, no number shown.
    Unconfirmed,
}

/// One room's (or the whole plan's) outcome. A side that needs a blank figure is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureOutcome {
    /// Index into `Figures::rooms`, for `each` rules.
    pub room: Option<usize>,
    pub status: Status,
    pub measured: Option<f64>,
    pub required: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureResult {
    pub id: String,
    pub status: Status,
    pub outcomes: Vec<FigureOutcome>,
}

/// Quantities the figures cannot give: they need the drawing.
fn needs_drawing(q: &Quantity) -> bool {
    matches!(
        q,
        Quantity::Openings(..)
            | Quantity::WindowsTo(_)
            | Quantity::Backflows(_)
            | Quantity::OrderBreaks(..)
            | Quantity::Crossings(..)
            | Quantity::SharedPassages(..)
    )
}

/// Whether a rule needs geometry the figures do not hold.
pub(crate) fn needs_drawing_rule(rule: &Rule) -> bool {
    let mut qs = Vec::new();
    quantities_of(&rule.check.left, &mut qs);
    quantities_of(&rule.check.right, &mut qs);
    qs.iter().any(|q| needs_drawing(q))
}

fn quantities_of<'e>(e: &'e Expr, out: &mut Vec<&'e Quantity>) {
    match e {
        Expr::Quantity(q) => out.push(q),
        Expr::Call(_, args) => args.iter().for_each(|a| quantities_of(a, out)),
        Expr::Binary(_, a, b) => {
            quantities_of(a, out);
            quantities_of(b, out);
        }
        Expr::Number(_) => {}
    }
}

/// Whether a side of a rule needs a figure that is blank (for the room `room` in `each` rules).
fn side_unknown(e: &Expr, figures: &Figures, room: Option<&RoomFigures>) -> bool {
    let mut qs = Vec::new();
    quantities_of(e, &mut qs);
    let area_blank = |r: &RoomFigures| r.net_area().is_none();
    qs.iter().any(|q| match (q, room) {
        (Quantity::Counted(id), None) => !figures.quantities.contains_key(id),
        (Quantity::GrossArea, _) => figures.gross_area.is_none(),
        (Quantity::NetArea, None) => figures.rooms.iter().any(area_blank),
        (Quantity::NetArea, Some(r)) => area_blank(r),
        (Quantity::ShortestSide, Some(r)) => r.shortest_side().is_none(),
        (Quantity::Area(sets), _) => figures
            .rooms
            .iter()
            .any(|r| sets.iter().any(|s| s.contains(&r.kind)) && area_blank(r)),
        _ => false,
    })
}

fn opening(room: String, other: Option<String>) -> Opening {
    let o = Point::new(0.0, 0.0);
    Opening {
        room,
        other,
        at: o,
        width: 0.0,
        a: o,
        b: o,
        inward: o,
        wall: 0.0,
        faces: (0.0, 0.0),
        swing: None,
        label: None,
    }
}

/// The measured plan the figures describe: what the rule evaluator reads. Blank figures are 0
/// here; [`evaluate_figures`] never reports a side that needs one.
pub(crate) fn figures_plan(figures: &Figures, vocabulary: &Vocabulary) -> MeasuredPlan {
    let room_id = |i: usize| format!("r{i}");
    let rooms: Vec<MeasuredRoom> = figures
        .rooms
        .iter()
        .enumerate()
        .map(|(i, r)| MeasuredRoom {
            id: room_id(i),
            kind: r.kind.clone(),
            label: r.name.clone(),
            zone: None,
            points: Vec::new(),
            inner: Vec::new(),
            area_m2: r.net_area().unwrap_or(0.0),
            shortest_side_m: r.shortest_side().unwrap_or(0.0),
            counts: vocabulary
                .quantities
                .iter()
                .map(|q| (q.id.clone(), q.counts.iter().filter_map(|s| r.equipment.get(s)).sum()))
                .collect(),
            equipment: r
                .equipment
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| (s.clone(), *n))
                .collect(),
            label_at: Point::new(0.0, 0.0),
        })
        .collect();
    let mut equipment: BTreeMap<String, u32> = BTreeMap::new();
    for r in &rooms {
        for (s, n) in &r.equipment {
            *equipment.entry(s.clone()).or_default() += n;
        }
    }
    let n = rooms.len();
    let doors = figures
        .doors
        .iter()
        .filter(|d| d.from < n && d.to.is_none_or(|t| t < n))
        .map(|d| opening(room_id(d.from), d.to.map(room_id)))
        .collect();
    MeasuredPlan {
        id: "figures".into(),
        file: String::new(),
        title: String::new(),
        description: String::new(),
        example: ExampleKind::Reference,
        vocabulary: vocabulary.id.clone(),
        outline: Vec::new(),
        wall_mm: 0,
        outer_wall_mm: 0,
        north: 0,
        gross_area_m2: figures.gross_area.unwrap_or(0.0),
        net_area_m2: (rooms.iter().map(|r| r.area_m2).sum::<f64>() * 1e6).round() / 1e6,
        counts: figures.quantities.clone(),
        equipment,
        placed: Vec::new(),
        doors,
        windows: Vec::new(),
        open_walls: Vec::new(),
        flows: Vec::new(),
        rooms,
        annotations: Vec::new(),
    }
}

/// Evaluates one rule over an applicant's figures, with the rule language's evaluator.
pub fn evaluate_figures(rule: &Rule, figures: &Figures, vocabulary: &Vocabulary) -> FigureResult {
    let result = |status, outcomes| FigureResult {
        id: rule.id.clone(),
        status,
        outcomes,
    };
    if rule.confidence == Confidence::U {
        return result(Status::Unconfirmed, Vec::new());
    }
    let check = &rule.check;
    if needs_drawing_rule(rule) {
        return result(Status::Drawing, Vec::new());
    }
    let plan = figures_plan(figures, vocabulary);
    let evaluated = rules::evaluate(check, &plan, vocabulary);
    let outcomes: Vec<FigureOutcome> = evaluated
        .into_iter()
        .map(|o| {
            let index = o
                .room
                .as_ref()
                .and_then(|id| plan.rooms.iter().position(|r| &r.id == id));
            let room = index.map(|i| &figures.rooms[i]);
            let measured = (!side_unknown(&check.left, figures, room)).then_some(o.measured);
            let required = (!side_unknown(&check.right, figures, room)).then_some(o.required);
            let status = match (measured, required) {
                (Some(_), Some(_)) if o.pass => Status::Pass,
                (Some(_), Some(_)) => Status::Fail,
                _ => Status::Unknown,
            };
            FigureOutcome {
                room: index,
                status,
                measured,
                required,
            }
        })
        .collect();
    let status = if rule.reference {
        Status::Reference
    } else if outcomes.is_empty() {
        Status::NotApplicable
    } else if outcomes.iter().any(|o| o.status == Status::Fail) {
        Status::Fail
    } else if outcomes.iter().any(|o| o.status == Status::Unknown) {
        Status::Unknown
    } else {
        Status::Pass
    };
    result(status, outcomes)
}

/// A counted quantity the applicant entered for the whole plan that their rooms' equipment
/// adds up to differently (say 3 entered for the plan, 4 listed in its rooms). Whole-plan rules read
/// the entered figure and room rules the rooms' equipment, so the two must agree for the
/// results to mean anything; the page asks the applicant to check them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountMismatch {
    /// The quantity's id in the vocabulary.
    pub quantity: String,
    pub entered: u32,
    /// The sum over the rooms of the equipment the quantity counts.
    pub in_rooms: u32,
}

/// Every entered quantity that differs from its rooms' total, by id. A quantity no room lists
/// equipment for (total 0) is not compared: the applicant may have entered only the total.
/// `templates/selfcheck-eval.js` (`countMismatches`) computes the same; the differential test
/// compares them.
pub fn count_mismatches(figures: &Figures, vocabulary: &Vocabulary) -> Vec<CountMismatch> {
    figures
        .quantities
        .iter()
        .filter_map(|(id, &entered)| {
            let counts = &vocabulary.quantity(id)?.counts;
            let in_rooms: u32 = figures
                .rooms
                .iter()
                .flat_map(|r| counts.iter().filter_map(|s| r.equipment.get(s)))
                .fold(0, |sum, n| sum.saturating_add(*n));
            (in_rooms > 0 && in_rooms != entered).then(|| CountMismatch {
                quantity: id.clone(),
                entered,
                in_rooms,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The rules as data

fn kinds(set: &KindSet) -> Value {
    json!(set.kinds.iter().collect::<Vec<_>>())
}

/// A rule's expression as a JSON syntax tree (docs/en/reference.md, "The applicant's self-check").
pub(crate) fn expr_json(e: &Expr) -> Value {
    match e {
        Expr::Number(n) => json!({ "n": n }),
        Expr::Call(f, args) => json!({
            "f": match f { Func::Ceil => "ceil", Func::Floor => "floor", Func::Min => "min", Func::Max => "max" },
            "args": args.iter().map(expr_json).collect::<Vec<_>>(),
        }),
        Expr::Binary(op, a, b) => json!({
            "op": match op { BinOp::Add => "+", BinOp::Sub => "-", BinOp::Mul => "*", BinOp::Div => "/" },
            "a": expr_json(a),
            "b": expr_json(b),
        }),
        Expr::Quantity(q) => match q {
            Quantity::Counted(id) => json!({ "q": "counted", "id": id }),
            Quantity::GrossArea => json!({ "q": "gross_area" }),
            Quantity::NetArea => json!({ "q": "net_area" }),
            Quantity::ShortestSide => json!({ "q": "shortest_side" }),
            Quantity::Count(symbol, set) => json!({ "q": "count", "symbol": symbol, "in": set.as_ref().map(kinds) }),
            Quantity::Rooms(set) => json!({ "q": "rooms", "kinds": kinds(set) }),
            Quantity::Area(sets) => {
                let all: BTreeSet<&String> = sets.iter().flat_map(|s| &s.kinds).collect();
                json!({ "q": "area", "kinds": all })
            }
            Quantity::Doors => json!({ "q": "doors" }),
            Quantity::DoorsTo(set) => json!({ "q": "doors_to", "kinds": kinds(set) }),
            Quantity::DoorsBetween(a, b) => json!({ "q": "doors_between", "a": kinds(a), "b": kinds(b) }),
            // Geometry the figures do not hold: named, never evaluated.
            Quantity::Openings(..) => json!({ "q": "openings" }),
            Quantity::WindowsTo(_) => json!({ "q": "windows_to" }),
            Quantity::Backflows(_) => json!({ "q": "backflows" }),
            Quantity::OrderBreaks(..) => json!({ "q": "order_breaks" }),
            Quantity::Crossings(..) => json!({ "q": "crossings" }),
            Quantity::SharedPassages(..) => json!({ "q": "shared_passages" }),
        },
    }
}

/// One rule as data. An unconfirmed (U) rule carries no expression: its number is not shown.
pub(crate) fn rule_json(rule: &Rule, vocabulary: &Vocabulary, labels: &crate::source::labels::Labels) -> Value {
    let unconfirmed = rule.confidence == Confidence::U;
    let cmp = match rule.check.cmp {
        Cmp::Ge => ">=",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Lt => "<",
        Cmp::Eq => "==",
    };
    json!({
        "id": rule.id,
        "statement": rule.statement,
        "source": rule.source,
        "confidence": format!("{:?}", rule.confidence),
        "confidence_label": labels.of("confidence", &rule.confidence),
        "reference": rule.reference,
        "each": rule.check.each.as_ref().map(|s| json!({
            "name": s.name, "label": vocabulary.set_label(&s.name), "kinds": kinds(s),
        })),
        "cmp": if unconfirmed { Value::Null } else { json!(cmp) },
        "symbol": rule.check.cmp.symbol(),
        "dim": rule.check.dim.0,
        "left": if unconfirmed { Value::Null } else { expr_json(&rule.check.left) },
        "right": if unconfirmed { Value::Null } else { expr_json(&rule.check.right) },
    })
}

/// Equipment symbols the rules count, each with the room kinds where a count of it can change
/// a result (all kinds when a rule counts it in the whole plan).
fn counted_symbols(rules: &[Rule], vocabulary: &Vocabulary) -> BTreeMap<String, BTreeSet<String>> {
    let all: BTreeSet<String> = vocabulary.kinds.keys().cloned().collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in rules
        .iter()
        .filter(|r| r.confidence != Confidence::U && !needs_drawing_rule(r))
    {
        let mut qs = Vec::new();
        quantities_of(&rule.check.left, &mut qs);
        quantities_of(&rule.check.right, &mut qs);
        let here = rule.check.each.as_ref().map_or(&all, |s| &s.kinds);
        for q in qs {
            let (symbols, kinds): (Vec<String>, &BTreeSet<String>) = match q {
                Quantity::Count(s, None) => (vec![s.clone()], here),
                Quantity::Count(s, Some(set)) => (vec![s.clone()], &set.kinds),
                // A room's counted quantity comes from its equipment; the plan's is entered.
                Quantity::Counted(id) if rule.check.each.is_some() => (
                    vocabulary.quantity(id).map(|d| d.counts.clone()).unwrap_or_default(),
                    here,
                ),
                _ => continue,
            };
            for s in symbols {
                out.entry(s).or_default().extend(kinds.iter().cloned());
            }
        }
    }
    out
}

/// What the self-check page reads: the vocabulary's words the form offers and the rules.
pub fn guide_json(
    rules: &[Rule],
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
    labels: &crate::source::labels::Labels,
) -> Value {
    let used: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.confidence != Confidence::U)
        .flat_map(|r| {
            let mut qs = Vec::new();
            quantities_of(&r.check.left, &mut qs);
            quantities_of(&r.check.right, &mut qs);
            qs.into_iter()
                .filter_map(|q| match q {
                    Quantity::Counted(id) if r.check.each.is_none() => Some(id.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let needs_gross = rules.iter().any(|r| {
        let mut qs = Vec::new();
        quantities_of(&r.check.left, &mut qs);
        quantities_of(&r.check.right, &mut qs);
        r.confidence != Confidence::U && qs.contains(&&Quantity::GrossArea)
    });
    json!({
        "vocabulary": vocabulary.id,
        "kinds": vocabulary.kinds.iter().map(|(id, label)| json!({ "id": id, "label": label })).collect::<Vec<_>>(),
        "quantities": vocabulary.quantities.iter().filter(|q| used.contains(q.id.as_str())).map(|q| json!({
            "id": q.id, "label": q.label, "unit": q.unit,
        })).collect::<Vec<_>>(),
        "gross_area": needs_gross,
        // Every counted quantity with the symbols it counts: a room's comes from its equipment.
        "counted": vocabulary.quantities.iter().map(|q| (q.id.clone(), json!(q.counts))).collect::<serde_json::Map<_, _>>(),
        "symbols": counted_symbols(rules, vocabulary).into_iter().map(|(id, kinds)| json!({
            "id": id,
            "label": symbols.get(&id).map_or(id.as_str(), |s| s.label.as_str()),
            "kinds": kinds,
        })).collect::<Vec<_>>(),
        "rules": rules.iter().map(|r| rule_json(r, vocabulary, labels)).collect::<Vec<_>>(),
    })
}

/// The figures a measured plan gives: its rooms' net areas, shortest sides as length and
/// width of a room of the same area and shortest side, equipment and doors. The applicant's
/// own model of a plan, for tests that compare the evaluators on the bundled plans.
pub fn plan_figures(plan: &MeasuredPlan) -> Figures {
    let index = |id: &str| plan.rooms.iter().position(|r| r.id == id);
    Figures {
        gross_area: Some(plan.gross_area_m2),
        quantities: plan.counts.clone(),
        rooms: plan
            .rooms
            .iter()
            .map(|r| RoomFigures {
                kind: r.kind.clone(),
                name: r.label.clone(),
                length: Some((r.area_m2 / r.shortest_side_m.max(1e-9)).max(r.shortest_side_m)),
                width: Some(r.shortest_side_m),
                area: Some(r.area_m2),
                equipment: r.equipment.clone(),
            })
            .collect(),
        doors: plan
            .doors
            .iter()
            .filter_map(|d| {
                Some(DoorFigures {
                    from: index(&d.room)?,
                    to: match &d.other {
                        Some(o) => Some(index(o)?),
                        None => None,
                    },
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::symbols::Symbol;
    use crate::model::plan::vocabulary::QuantityDef;
    use crate::source::plan_format::Shape;

    // A made-up vocabulary: `bay` rooms hold `seat`s, counted as `seats`.
    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary {
            id: "test".into(),
            ..Vocabulary::default()
        };
        for k in ["bay", "lobby"] {
            v.kinds.insert(k.into(), k.to_uppercase());
        }
        v.quantities.push(QuantityDef {
            id: "seats".into(),
            label: "SEATS".into(),
            unit: "".into(),
            counts: vec!["seat".into()],
        });
        v
    }

    fn rule(text: &str, confidence: Confidence, reference: bool) -> Rule {
        let mut symbols = SymbolLibrary::default();
        for id in ["seat", "sink"] {
            symbols.symbols.insert(
                id.into(),
                Symbol {
                    id: id.into(),
                    label: id.into(),
                    width: 500,
                    depth: 500,
                    shape: Shape::Box,
                    file: String::new(),
                },
            );
        }
        Rule {
            id: "r".into(),
            statement: String::new(),
            check_text: text.into(),
            source: String::new(),
            confidence,
            reference,
            check: rules::parse_check(text, &vocabulary(), &symbols).unwrap(),
        }
    }

    fn bay(length: Option<f64>, width: Option<f64>, seats: u32) -> RoomFigures {
        RoomFigures {
            kind: "bay".into(),
            length,
            width,
            equipment: [("seat".to_owned(), seats)].into(),
            ..RoomFigures::default()
        }
    }

    #[test]
    fn a_small_room_fails_with_both_numbers() {
        let figures = Figures {
            rooms: vec![bay(Some(4.0), Some(3.0), 2), bay(Some(3.6), Some(3.0), 2)],
            ..Figures::default()
        };
        let r = evaluate_figures(
            &rule("each bay: net_area >= 6 m2 * seats", Confidence::S, false),
            &figures,
            &vocabulary(),
        );
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.outcomes[0].status, Status::Pass);
        assert_eq!(r.outcomes[1].room, Some(1));
        assert_eq!(
            (r.outcomes[1].measured, r.outcomes[1].required),
            (Some(3.6 * 3.0), Some(12.0))
        );
    }

    #[test]
    fn an_entered_total_that_the_rooms_do_not_add_up_to_is_reported() {
        let entered = |seats: u32, rooms: Vec<RoomFigures>| Figures {
            quantities: [("seats".to_owned(), seats)].into(),
            rooms,
            ..Figures::default()
        };
        // 6 entered, 4 + 3 in the rooms.
        let figures = entered(6, vec![bay(None, None, 4), bay(None, None, 3)]);
        assert_eq!(
            count_mismatches(&figures, &vocabulary()),
            vec![CountMismatch {
                quantity: "seats".into(),
                entered: 6,
                in_rooms: 7
            }]
        );
        // The rooms agree with the total; no room lists a seat; no total entered.
        assert!(count_mismatches(&entered(7, vec![bay(None, None, 4), bay(None, None, 3)]), &vocabulary()).is_empty());
        assert!(count_mismatches(&entered(6, vec![bay(None, None, 0)]), &vocabulary()).is_empty());
        let blank = Figures {
            rooms: vec![bay(None, None, 2)],
            ..Figures::default()
        };
        assert!(count_mismatches(&blank, &vocabulary()).is_empty());
    }

    #[test]
    fn a_blank_figure_leaves_only_its_side_unknown() {
        let figures = Figures {
            quantities: [("seats".to_owned(), 6)].into(),
            ..Figures::default()
        };
        let r = evaluate_figures(
            &rule("gross_area >= 30 m2 * seats", Confidence::S, false),
            &figures,
            &vocabulary(),
        );
        assert_eq!(r.status, Status::Unknown);
        assert_eq!((r.outcomes[0].measured, r.outcomes[0].required), (None, Some(180.0)));
        // A room given only by its area has no shortest side.
        let figures = Figures {
            rooms: vec![RoomFigures {
                area: Some(9.0),
                ..bay(None, None, 1)
            }],
            ..Figures::default()
        };
        let r = evaluate_figures(
            &rule("each bay: shortest_side >= 2.2 m", Confidence::S, false),
            &figures,
            &vocabulary(),
        );
        assert_eq!(r.outcomes[0].status, Status::Unknown);
        let r = evaluate_figures(
            &rule("each bay: net_area >= 6 m2", Confidence::S, false),
            &figures,
            &vocabulary(),
        );
        assert_eq!(r.status, Status::Pass);
    }

    #[test]
    fn doors_count_from_either_side_and_to_the_outside() {
        let mut lobby = bay(Some(5.0), Some(5.0), 0);
        lobby.kind = "lobby".into();
        let figures = Figures {
            rooms: vec![bay(Some(4.0), Some(3.0), 1), lobby],
            doors: vec![DoorFigures { from: 1, to: Some(0) }, DoorFigures { from: 1, to: None }],
            ..Figures::default()
        };
        let v = vocabulary();
        let r = evaluate_figures(
            &rule("each bay: doors == doors_to(lobby)", Confidence::S, false),
            &figures,
            &v,
        );
        assert_eq!((r.status, r.outcomes[0].measured), (Status::Pass, Some(1.0)));
        let r = evaluate_figures(
            &rule("each lobby: doors_to(outside) >= 1", Confidence::S, false),
            &figures,
            &v,
        );
        assert_eq!((r.status, r.outcomes[0].measured), (Status::Pass, Some(1.0)));
        // Doors between two kinds come from the listed doors too: one bay–lobby door.
        let r = evaluate_figures(
            &rule("doors_between(bay, lobby) == 0", Confidence::S, false),
            &figures,
            &v,
        );
        assert_eq!((r.status, r.outcomes[0].measured), (Status::Fail, Some(1.0)));
        // Geometry the figures do not hold (an opening without a door) is never guessed.
        let r = evaluate_figures(&rule("openings(bay, lobby) == 0", Confidence::S, false), &figures, &v);
        assert_eq!((r.status, r.outcomes.len()), (Status::Drawing, 0));
    }

    #[test]
    fn an_unconfirmed_rule_carries_no_number_and_a_reference_never_decides() {
        let v = vocabulary();
        let u = rule("each bay: net_area >= 5 m2", Confidence::U, true);
        let json = rule_json(&u, &v, &crate::source::labels::Labels::builtin("zh-CN"));
        assert_eq!(
            (&json["left"], &json["right"], &json["cmp"]),
            (&Value::Null, &Value::Null, &Value::Null)
        );
        assert!(!json.to_string().contains('5'), "{json}");
        let figures = Figures {
            rooms: vec![bay(Some(1.0), Some(1.0), 0)],
            ..Figures::default()
        };
        assert_eq!(evaluate_figures(&u, &figures, &v).status, Status::Unconfirmed);
        let r = evaluate_figures(&rule("each bay: net_area >= 5 m2", Confidence::S, true), &figures, &v);
        assert_eq!((r.status, r.outcomes[0].status), (Status::Reference, Status::Fail));
    }
}
