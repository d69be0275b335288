//! The floor-plan source format (`docs/en/reference.md`) as Rust types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::schema::Slug;

/// A point in millimetres; `y` grows downwards.
pub type PointMm = [i64; 2];

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanToml {
    pub title: String,
    pub description: String,
    #[schemars(with = "Vec<PointMm>")]
    pub outline: Spanned<Vec<PointMm>>,
    #[serde(default = "default_wall")]
    pub wall: u32,
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

fn default_wall() -> u32 {
    200
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoomKind {
    Waiting,
    Reception,
    Treatment,
    Xray,
    Cleaning,
    Sterilising,
    Storage,
    Pharmacy,
    Office,
    Staff,
    Toilet,
    Corridor,
    MedicalWaste,
    Utility,
    Other,
}

impl RoomKind {
    pub const ALL: &[RoomKind] = &[
        RoomKind::Waiting,
        RoomKind::Reception,
        RoomKind::Treatment,
        RoomKind::Xray,
        RoomKind::Cleaning,
        RoomKind::Sterilising,
        RoomKind::Storage,
        RoomKind::Pharmacy,
        RoomKind::Office,
        RoomKind::Staff,
        RoomKind::Toilet,
        RoomKind::Corridor,
        RoomKind::MedicalWaste,
        RoomKind::Utility,
        RoomKind::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RoomKind::Waiting => "waiting",
            RoomKind::Reception => "reception",
            RoomKind::Treatment => "treatment",
            RoomKind::Xray => "xray",
            RoomKind::Cleaning => "cleaning",
            RoomKind::Sterilising => "sterilising",
            RoomKind::Storage => "storage",
            RoomKind::Pharmacy => "pharmacy",
            RoomKind::Office => "office",
            RoomKind::Staff => "staff",
            RoomKind::Toilet => "toilet",
            RoomKind::Corridor => "corridor",
            RoomKind::MedicalWaste => "medical-waste",
            RoomKind::Utility => "utility",
            RoomKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoomKind::Waiting => "候诊区",
            RoomKind::Reception => "接诊/挂号",
            RoomKind::Treatment => "诊室",
            RoomKind::Xray => "放射（X 线）室",
            RoomKind::Cleaning => "器械清洗室",
            RoomKind::Sterilising => "消毒灭菌室",
            RoomKind::Storage => "库房",
            RoomKind::Pharmacy => "药房",
            RoomKind::Office => "办公室",
            RoomKind::Staff => "医护休息/更衣",
            RoomKind::Toilet => "卫生间",
            RoomKind::Corridor => "走廊",
            RoomKind::MedicalWaste => "医疗废物暂存",
            RoomKind::Utility => "设备间",
            RoomKind::Other => "其他",
        }
    }

    pub fn from_id(id: &str) -> Option<RoomKind> {
        RoomKind::ALL.iter().copied().find(|k| k.id() == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Zone {
    Public,
    Clean,
    Dirty,
    Sterile,
    Radiation,
    Staff,
}

impl Zone {
    pub fn label(self) -> &'static str {
        match self {
            Zone::Public => "公共区",
            Zone::Clean => "清洁区",
            Zone::Dirty => "污染区",
            Zone::Sterile => "无菌区",
            Zone::Radiation => "放射区",
            Zone::Staff => "工作人员区",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Zone::Public => "public",
            Zone::Clean => "clean",
            Zone::Dirty => "dirty",
            Zone::Sterile => "sterile",
            Zone::Radiation => "radiation",
            Zone::Staff => "staff",
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub kind: RoomKind,
    pub label: String,
    #[schemars(with = "Option<[i64; 4]>")]
    pub rect: Option<Spanned<[i64; 4]>>,
    #[schemars(with = "Option<Vec<PointMm>>")]
    pub polygon: Option<Spanned<Vec<PointMm>>>,
    pub zone: Option<Zone>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowKind {
    Patient,
    Instrument,
    Staff,
}

impl FlowKind {
    pub fn label(self) -> &'static str {
        match self {
            FlowKind::Patient => "患者流线",
            FlowKind::Instrument => "器械流线（污→清→无菌）",
            FlowKind::Staff => "医护流线",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            FlowKind::Patient => "patient",
            FlowKind::Instrument => "instrument",
            FlowKind::Staff => "staff",
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowToml {
    pub kind: FlowKind,
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

/// `symbols/*.toml`: a site's own equipment symbols.
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
}
