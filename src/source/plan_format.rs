//! The floor-plan source formats (`docs/en/reference.md`) as Rust types: a plan
//! (`guides/*/plans/*.toml`), a vocabulary (`vocabularies/*.toml`: the room kinds, zones, flow
//! kinds and counted quantities a kind of permit speaks of) and equipment symbols
//! (`symbols/*.toml`). The words are the site's, never this crate's: a room kind is any id the
//! vocabulary in force defines, checked when the plan is measured.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::source::format::Slug;

/// A point in millimetres; `y` grows downwards.
pub(crate) type PointMm = [i64; 2];

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanToml {
    pub title: String,
    pub description: String,
    /// The outer face of the outer walls; its area is the gross (building) area.
    #[schemars(with = "Vec<PointMm>")]
    pub outline: Spanned<Vec<PointMm>>,
    /// Thickness of interior walls, mm. Room edges inside the outline lie on wall axes, so a
    /// room loses half of this on each interior side.
    #[serde(default = "default_wall")]
    #[schemars(with = "u32")]
    pub wall: Spanned<u32>,
    /// Thickness of the outer walls, mm (default: `wall`). Room edges on the outline lose all of
    /// it, since the outline is the walls' outer face.
    #[schemars(with = "Option<u32>")]
    pub outer_wall: Option<Spanned<u32>>,
    /// Walls whose thickness differs from the plan's default.
    #[serde(default)]
    pub walls: Vec<WallToml>,
    #[serde(default)]
    pub north: i32,
    #[serde(default)]
    pub rooms: Vec<RoomToml>,
    #[serde(default)]
    pub doors: Vec<DoorToml>,
    #[serde(default)]
    pub windows: Vec<WindowToml>,
    #[serde(default)]
    pub openings: Vec<OpeningToml>,
    #[serde(default)]
    pub equipment: Vec<EquipmentToml>,
    #[serde(default)]
    pub flows: Vec<FlowToml>,
    #[serde(default)]
    pub annotations: Vec<AnnotationToml>,
}

fn default_wall() -> Spanned<u32> {
    Spanned::new(0..0, 200)
}

/// One wall of its own thickness: the wall between two rooms, or between a room and
/// `"outside"`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WallToml {
    #[schemars(with = "[Slug; 2]")]
    pub between: Spanned<[Slug; 2]>,
    #[schemars(with = "u32")]
    pub thickness: Spanned<u32>,
}

/// The room id that stands for the outside of the building in `[[walls]]` and flows.
pub(crate) const OUTSIDE: &str = "outside";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    /// A room kind of the vocabulary in force.
    #[schemars(with = "Slug")]
    pub kind: Spanned<Slug>,
    pub label: String,
    #[schemars(with = "Option<[i64; 4]>")]
    pub rect: Option<Spanned<[i64; 4]>>,
    #[schemars(with = "Option<Vec<PointMm>>")]
    pub polygon: Option<Spanned<Vec<PointMm>>>,
    /// A zone of the vocabulary in force.
    #[schemars(with = "Option<Slug>")]
    pub zone: Option<Spanned<Slug>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Swing {
    #[default]
    In,
    Out,
    Sliding,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoorToml {
    #[schemars(with = "Slug")]
    pub room: Spanned<Slug>,
    #[schemars(with = "PointMm")]
    pub at: Spanned<PointMm>,
    pub width: u32,
    #[serde(default)]
    pub swing: Swing,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowToml {
    #[schemars(with = "Slug")]
    pub room: Spanned<Slug>,
    #[schemars(with = "PointMm")]
    pub at: Spanned<PointMm>,
    pub width: u32,
    /// What the window is for, shown on the drawing (e.g. 传递窗 for a hatch between rooms).
    pub label: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningToml {
    #[schemars(with = "[Slug; 2]")]
    pub rooms: Spanned<[Slug; 2]>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EquipmentToml {
    #[schemars(with = "String")]
    pub symbol: Spanned<String>,
    #[schemars(with = "Slug")]
    pub room: Spanned<Slug>,
    #[schemars(with = "PointMm")]
    pub at: Spanned<PointMm>,
    #[schemars(with = "Option<i32>")]
    pub rotate: Option<Spanned<i32>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowToml {
    /// A flow kind of the vocabulary in force.
    #[schemars(with = "Slug")]
    pub kind: Spanned<Slug>,
    #[schemars(with = "Vec<Slug>")]
    pub through: Spanned<Vec<Spanned<Slug>>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationToml {
    #[schemars(with = "PointMm")]
    pub at: Spanned<PointMm>,
    pub text: String,
}

/// `symbols/*.toml`: the site's equipment symbols.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SymbolsToml {
    #[serde(default)]
    pub symbol: Vec<SymbolToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SymbolToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
    pub width: u32,
    pub depth: u32,
    /// How the symbol is drawn inside its footprint.
    #[serde(default)]
    pub shape: Shape,
}

/// The drawings a symbol can have: generic shapes, so a new kind of room needs no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A frame with one diagonal.
    #[default]
    Box,
    /// A frame with two diagonals (a cabinet, a store).
    Crossed,
    /// A head circle and two bars (a reclining seat).
    Seat,
    /// A basin with its drain.
    Basin,
    /// A cistern and a bowl.
    Bowl,
    /// Slats across (a bench).
    Slats,
    /// A work top line (a desk, a counter).
    Counter,
    /// A circle inside the frame (a machine).
    Round,
    /// A smaller frame inside the frame (an appliance).
    Inset,
    /// A circle with a cross (an emitter, a lamp).
    Target,
    /// A small dot (an indicator).
    Dot,
    /// Burners: four circles (a stove).
    Burners,
}

/// `vocabularies/*.toml`: the words one kind of sample room speaks: room kinds, groups of
/// kinds, zones, flow kinds and counted quantities. A guide names the vocabulary its plans use.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VocabularyToml {
    pub title: String,
    #[serde(default)]
    pub room_kinds: Vec<TermToml>,
    /// Named sets of room kinds (e.g. 食品处理区), usable wherever a rule takes a room kind.
    #[serde(default)]
    pub groups: Vec<GroupToml>,
    #[serde(default)]
    pub zones: Vec<ZoneToml>,
    #[serde(default)]
    pub flows: Vec<FlowKindToml>,
    /// Quantities counted from equipment (e.g. seats from one symbol), usable in rules.
    #[serde(default)]
    pub quantities: Vec<QuantityToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
    #[schemars(with = "Vec<Slug>")]
    pub kinds: Vec<Spanned<Slug>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
    /// The hatch the zone's floors are filled with: readable in black and white.
    pub pattern: Pattern,
    /// Ink of the hatch, `#rrggbb`.
    #[schemars(with = "String")]
    pub color: Spanned<String>,
    /// Rank on the dirty → clean scale (higher is cleaner). Flows of a kind that may not run
    /// back (`backflows(KIND)`) must never step from a higher rank to a lower one.
    pub cleanliness: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    Dots,
    LargeDots,
    Diagonal,
    Crosshatch,
    Horizontal,
    Vertical,
    Grid,
    Plain,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowKindToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
    pub line: LineStyle,
    #[schemars(with = "String")]
    pub color: Spanned<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
    DashDot,
    LongDash,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuantityToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub label: String,
    /// The measure word shown after the number (台, 个).
    pub unit: String,
    /// The equipment symbols each of which counts one.
    #[schemars(with = "Vec<String>")]
    pub counts: Vec<Spanned<String>>,
}
