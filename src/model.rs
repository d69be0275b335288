//! The checked model: what the resolve stage produces and every renderer reads. All cross-
//! references are resolved (a guide's materials carry the material's name and trust level),
//! Markdown is already HTML, plans are measured and their rules evaluated. Serialisable, so
//! templates and the PDF engine see exactly these fields (documented in docs/templates.md).

use serde::Serialize;

use crate::floor_plan::PlanReport;
use crate::floor_plan::symbols::SymbolLibrary;
use crate::prose::Prose;
use crate::schema::{Authority, Centre, Confidence, Contact, FeeItem, ResultToml, Trust};

#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by id.
    pub materials: Vec<Material>,
    /// Sorted by id.
    pub guides: Vec<Guide>,
    /// Sorted by name; guides inside sorted by id.
    pub departments: Vec<Department>,
    #[serde(skip)]
    pub symbols: SymbolLibrary,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub language: String,
    pub centre: Centre,
}

#[derive(Debug, Clone, Serialize)]
pub struct Department {
    pub name: String,
    pub guides: Vec<String>,
}

/// A fact that may be unconfirmed: `text` is the value, or "待本地确认".
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    pub text: String,
    pub confidence: Confidence,
    pub confidence_label: &'static str,
    pub unconfirmed: bool,
}

impl Fact {
    pub fn new(value: Option<String>, confidence: Confidence) -> Fact {
        let unconfirmed = confidence == Confidence::U || value.is_none();
        Fact {
            text: if unconfirmed {
                "待本地确认".into()
            } else {
                value.unwrap_or_default()
            },
            confidence,
            confidence_label: confidence.label(),
            unconfirmed,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Material {
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub trust: Trust,
    pub trust_label: &'static str,
    pub description: Option<Prose>,
    pub basis: Option<String>,
    pub requirements: Vec<String>,
    pub common_mistakes: Vec<String>,
    /// The guides that ask for it, in guide order.
    pub used_by: Vec<MaterialUsage>,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialUsage {
    pub guide: String,
    pub guide_title: String,
    pub form_label: &'static str,
    pub copies: Fact,
    pub reused: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    pub id: String,
    pub title: String,
    pub code: Option<String>,
    pub kind: String,
    pub department: String,
    pub summary: String,
    pub audience: Option<String>,
    pub quantity_limit: Option<String>,
    pub updated: String,
    pub overview: Option<Prose>,
    pub visits: Fact,
    pub online: Option<String>,
    pub window: Option<String>,
    pub authority: Authority,
    pub legal_basis: Vec<LegalBasisView>,
    pub conditions: Vec<StatementView>,
    pub prohibitions: Vec<StatementView>,
    pub materials: Vec<MaterialUseView>,
    pub time_limit: TimeLimitView,
    pub fees: FeesView,
    pub result: ResultToml,
    pub consult: Vec<Contact>,
    pub complaint: Vec<Contact>,
    pub stages: Vec<Stage>,
    pub step_count: usize,
    pub faq: Vec<FaqEntry>,
    pub plans: Vec<PlanReport>,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegalBasisView {
    pub law: String,
    pub articles: Option<String>,
    pub role_label: &'static str,
    pub confidence: Confidence,
    pub confidence_label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementView {
    pub prose: Prose,
    pub confidence: Confidence,
    pub confidence_label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialUseView {
    pub number: usize,
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub trust: Trust,
    pub trust_label: &'static str,
    pub form_label: &'static str,
    pub copies: Fact,
    pub required: bool,
    pub condition: Option<String>,
    pub note: Option<Prose>,
    pub reused: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeLimitView {
    pub statutory: Fact,
    pub promised: Fact,
    pub kind_label: &'static str,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeesView {
    /// "不收费", "收费" or "待本地确认".
    pub text: String,
    pub free: Option<bool>,
    pub confidence: Confidence,
    pub confidence_label: &'static str,
    pub items: Vec<FeeItem>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub number: usize,
    pub id: String,
    pub title: String,
    pub summary: Option<Prose>,
    /// "and" or "or".
    pub logic: &'static str,
    /// How the steps combine, in words.
    pub logic_label: &'static str,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// "2.1": stage number and step number.
    pub number: String,
    pub id: String,
    pub title: String,
    pub body: Prose,
    pub optional: bool,
    /// Words put into the accessible heading: "（可选）", "（任选其一）" or "".
    pub qualifier: &'static str,
    pub duration: Option<String>,
    pub place: Option<String>,
    pub special_label: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaqEntry {
    pub id: String,
    pub question: String,
    pub answer: Prose,
}
