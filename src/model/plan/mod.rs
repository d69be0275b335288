//! Floor plans: the vocabulary in force ([`vocabulary`]), the geometry ([`geometry`]),
//! measurement ([`measure`]), the rule language ([`rules`]), the site's equipment symbols
//! ([`symbols`]), an applicant's self-check ([`selfcheck`]) and a guide's plans checked
//! against its rules ([`check`]). The resolve stage calls [`check::guide_plans`], which returns
//! data (this module's types); the render stage draws with `render::plan_svg`. Everything here
//! is pure.

pub mod check;
pub mod geometry;
pub mod measure;
pub mod rules;
pub mod selfcheck;
pub mod symbols;
pub mod vocabulary;

use serde::Serialize;

use crate::source::format::Confidence;
use geometry::Point;
use measure::MeasuredPlan;
use rules::{Check, Dim};

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

/// Areas as applicants see them: m² with one decimal.
pub(crate) fn format_area(m2: f64) -> String {
    format!("{:.1}", (m2 * 10.0).round() / 10.0)
}
