//! Open data: every guide, material, bundle and floor plan as JSON under `api/v1/`, a
//! catalogue `api/v1/index.json`, and a JSON Schema of each document kind beside them
//! (`api/v1/schema/*.schema.json`), generated from the structs below.
//!
//! The documents are a deliberate, versioned public shape: their own types, not the internal
//! model, so the model can change without breaking a consumer. Within `v1` fields are only
//! ever added; a field that changes meaning or goes away means `v2` beside it
//! (docs/zh/api.md, docs/en/api.md). Every fact keeps its confidence tag; an unconfirmed
//! (U) fact has `value: null` and no number anywhere in it. Areas and lengths are numbers
//! rounded to 0.01 (m², m), so the text is the same from build to build. Pure: returns files.

use schemars::{JsonSchema, Schema};
use serde::{Serialize, Serializer};

use super::Output;
use crate::model::plan::{PassageRef, PlanReport, Reason, RoomRef, RuleResult, geometry};
use crate::model::{Bundle, Fact, Guide, Material, Site};
use crate::source::format::{BasisRole, Confidence, ExampleKind, Trust};
use crate::source::labels::Labels;
use crate::source::prose::Prose;

/// The version in every URL and document.
pub(crate) const VERSION: &str = "v1";

/// A confidence tag (领域简报的 C/S/L/U).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub(crate) enum Tag {
    /// Read in the rule's own text (已核实原文).
    C,
    /// Quoted by third parties (二手来源).
    S,
    /// One locality's rule (地方规定).
    L,
    /// Unconfirmed (待本地确认): never published with a value.
    U,
}

impl From<Confidence> for Tag {
    fn from(c: Confidence) -> Tag {
        match c {
            Confidence::C => Tag::C,
            Confidence::S => Tag::S,
            Confidence::L => Tag::L,
            Confidence::U => Tag::U,
        }
    }
}

/// A fact as the pages state it, with its tag. Unconfirmed: `value` is null, `text` is
/// "待本地确认".
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(extend(
    "if" = { "properties": { "confidence": { "const": "U" } } },
    "then" = { "properties": { "value": { "type": "null" } } }
))]
pub(crate) struct FactDoc {
    /// The value, as the pages print it; null when it is not confirmed.
    pub value: Option<String>,
    /// What the pages show: the value, or "待本地确认".
    pub text: String,
    pub confidence: Tag,
    pub confidence_label: String,
}

impl From<&Fact> for FactDoc {
    fn from(f: &Fact) -> FactDoc {
        FactDoc {
            value: (!f.unconfirmed).then(|| f.text.clone()),
            text: f.text.clone(),
            confidence: f.confidence.into(),
            confidence_label: f.confidence_label.clone(),
        }
    }
}

/// A statement (a condition, a prohibition) with its tag.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct StatementDoc {
    pub text: String,
    pub confidence: Tag,
    pub confidence_label: String,
}

/// Author prose: plain text, and the site's own HTML (Markdown rendered, no raw HTML).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ProseDoc {
    pub text: String,
    pub html: String,
}

impl From<&Prose> for ProseDoc {
    fn from(p: &Prose) -> ProseDoc {
        ProseDoc {
            text: p.text.clone(),
            html: p.html.clone(),
        }
    }
}

/// A link to another document of the API.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Ref {
    pub id: String,
    pub title: String,
    /// The JSON document.
    pub url: String,
    /// The web page.
    pub page: String,
}

/// The trust level of a document (国务院 2016 技术指南: A–D).
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub(crate) enum TrustLevel {
    A,
    B,
    C,
    D,
}

impl From<Trust> for TrustLevel {
    fn from(t: Trust) -> TrustLevel {
        match t {
            Trust::A => TrustLevel::A,
            Trust::B => TrustLevel::B,
            Trust::C => TrustLevel::C,
            Trust::D => TrustLevel::D,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guides

/// `api/v1/guides/<id>.json`: one procedure (or a guide that walks through several).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GuideDoc {
    /// Always "v1".
    pub api_version: String,
    pub id: String,
    pub url: String,
    pub page: String,
    pub title: String,
    /// The procedure's code in the catalogue of the authority, when there is one.
    pub code: Option<String>,
    /// 行政许可, 行政确认 …
    pub kind: String,
    pub department: String,
    pub summary: String,
    pub audience: Option<String>,
    pub quantity_limit: Option<String>,
    /// YYYY-MM-DD: when its data last changed.
    pub updated: String,
    pub overview: Option<ProseDoc>,
    pub authority: AuthorityDoc,
    /// The legal basis: where the facts of this guide come from.
    pub legal_basis: Vec<LegalBasisDoc>,
    pub conditions: Vec<StatementDoc>,
    pub prohibitions: Vec<StatementDoc>,
    /// How many times the applicant has to come in.
    pub visits: FactDoc,
    pub online: Option<String>,
    pub window: Option<String>,
    pub time_limit: TimeLimitDoc,
    pub fees: FeesDoc,
    pub materials: Vec<GuideMaterialDoc>,
    pub stages: Vec<StageDoc>,
    pub result: ResultDoc,
    pub contacts: Vec<ContactDoc>,
    pub plans: Vec<PlanRefDoc>,
    /// Documents this procedure issues.
    pub produces: Vec<Ref>,
    /// Procedures this guide walks through together.
    pub covers: Vec<Ref>,
    pub bundles: Vec<Ref>,
    /// The PDF handout and its one-page short version.
    pub handout_pdf: String,
    pub short_pdf: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct AuthorityDoc {
    pub accepting: String,
    pub deciding: String,
    pub co_handling: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LegalBasisDoc {
    pub law: String,
    pub articles: Option<String>,
    /// "setting" (设定依据) or "implementing" (实施依据).
    pub role: String,
    pub role_label: String,
    pub confidence: Tag,
    pub confidence_label: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct TimeLimitDoc {
    /// The statutory limit as the pages state it (several clocks: each, never added up).
    pub statutory: FactDoc,
    /// The statutory limit in days; null when unconfirmed or when there are several clocks.
    pub statutory_days: Option<u32>,
    /// "calendar" or "working" days, with `statutory_days`.
    pub statutory_unit: Option<String>,
    /// A guide that covers several procedures: one clock per procedure.
    pub clocks: Vec<ClockDoc>,
    /// The limit the centre promises.
    pub promised: FactDoc,
    pub promised_days: Option<u32>,
    pub promised_unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ClockDoc {
    pub label: String,
    pub limit: FactDoc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct FeesDoc {
    /// "不收费", "收费" or "待本地确认", with its tag.
    pub fees: FactDoc,
    /// True: free of charge; null: not confirmed.
    pub free: Option<bool>,
    pub items: Vec<FeeItemDoc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct FeeItemDoc {
    pub item: String,
    pub amount: String,
    pub basis: Option<String>,
}

/// A material as one guide asks for it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GuideMaterialDoc {
    /// Its number in the guide's list.
    pub number: usize,
    pub id: String,
    pub name: String,
    pub url: String,
    pub page: String,
    pub issuer: String,
    pub trust: TrustLevel,
    /// 原件, 复印件 …
    pub form: String,
    pub copies: FactDoc,
    pub required: bool,
    pub condition: Option<String>,
    /// The either-or group it belongs to (the applicant provides one of its members).
    pub one_of: Option<String>,
    pub alternatives: Vec<String>,
    pub reused: bool,
    /// Reuse confirmed (same department); otherwise only asked for, to be confirmed locally.
    pub reuse_confirmed: bool,
    /// The guide whose result this document is.
    pub produced_by: Option<Ref>,
    pub note: Option<ProseDoc>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct StageDoc {
    pub number: usize,
    pub id: String,
    pub title: String,
    /// "and": every step; "or": any one of them.
    pub logic: String,
    pub steps: Vec<StepDoc>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct StepDoc {
    /// "2.1": stage and step number.
    pub number: String,
    pub id: String,
    pub title: String,
    pub text: ProseDoc,
    pub optional: bool,
    pub duration: Option<String>,
    pub place: Option<String>,
    /// A special procedure (expert review, testing …) with its label.
    pub special: Option<String>,
    /// Its time does not count toward the statutory limit (行政许可法 第四十五条).
    pub outside_statutory_clock: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ResultDoc {
    pub certificate: String,
    pub validity: Option<String>,
    pub delivery: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ContactDoc {
    /// "consult" or "complaint".
    pub kind: String,
    pub name: String,
    pub phone: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct PlanRefDoc {
    pub id: String,
    pub title: String,
    pub example: Example,
    pub url: String,
}

/// What a sample plan shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Example {
    /// A layout that meets every enforced rule.
    Correct,
    /// A counter-example: it fails at least one rule on purpose.
    Wrong,
    /// A layout shown for reference.
    Reference,
}

impl From<ExampleKind> for Example {
    fn from(e: ExampleKind) -> Example {
        match e {
            ExampleKind::Correct => Example::Correct,
            ExampleKind::Wrong => Example::Wrong,
            ExampleKind::Reference => Example::Reference,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plans

/// `api/v1/guides/<guide>/plans/<plan>.json`: a sample floor plan, measured, with every rule's
/// result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct PlanDoc {
    pub api_version: String,
    pub guide: Ref,
    pub id: String,
    pub url: String,
    /// The plan's section on the guide page.
    pub page: String,
    pub title: String,
    pub description: String,
    pub example: Example,
    /// The vocabulary its room kinds and zones come from.
    pub vocabulary: String,
    pub drawing_svg: String,
    pub drawing_png: String,
    pub wall_mm: u32,
    pub outer_wall_mm: u32,
    /// The outline's area, to the outer face of the outer walls, m².
    #[serde(serialize_with = "number")]
    pub gross_area_m2: f64,
    /// The rooms' clear insides added up, m².
    #[serde(serialize_with = "number")]
    pub net_area_m2: f64,
    /// Counted quantities of the whole plan, in the words of its vocabulary.
    pub quantities: Vec<QuantityDoc>,
    pub rooms: Vec<RoomDoc>,
    pub equipment: Vec<EquipmentDoc>,
    pub rules: Vec<RuleDoc>,
    /// Enforced rules the plan fails.
    pub failures: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct QuantityDoc {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub value: u32,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct RoomDoc {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub kind_label: String,
    pub zone: Option<String>,
    pub zone_label: Option<String>,
    /// The room's outline on the wall axes, m².
    #[serde(serialize_with = "number")]
    pub gross_area_m2: f64,
    /// The clear inside (walls taken off), m².
    #[serde(serialize_with = "number")]
    pub net_area_m2: f64,
    /// The shortest side of the clear inside, m.
    #[serde(serialize_with = "number")]
    pub shortest_side_m: f64,
    /// The room's counted quantities, in the vocabulary's order.
    pub quantities: Vec<QuantityDoc>,
    pub equipment: Vec<EquipmentDoc>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct EquipmentDoc {
    pub symbol: String,
    pub label: String,
    pub count: u32,
}

/// A rule's result on the plan.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct RuleDoc {
    pub id: String,
    pub statement: String,
    /// The rule in the rule language (docs/en/reference.md).
    pub check: String,
    pub source: String,
    pub confidence: Tag,
    pub confidence_label: String,
    /// False for a reference value: shown, never decides.
    pub enforced: bool,
    pub status: RuleStatus,
    /// The number the failure carries on the drawing (wrong examples).
    pub failure_number: Option<usize>,
    /// "≥", "≤" …
    pub comparison: String,
    /// "m2", "m", or "" for a count.
    pub unit: String,
    pub outcomes: Vec<OutcomeDoc>,
    /// Why it fails, in words (flows, doors).
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RuleStatus {
    Passed,
    Failed,
    /// An `each` rule on a plan without such a room.
    NotApplicable,
    /// The required value is unconfirmed (U): measured, not judged.
    Unconfirmed,
}

/// One room's (or the whole plan's) outcome. The required value is null when the rule's
/// number is unconfirmed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct OutcomeDoc {
    pub room: Option<String>,
    pub room_label: Option<String>,
    #[serde(serialize_with = "opt_number")]
    pub measured: Option<f64>,
    pub measured_text: String,
    #[serde(serialize_with = "opt_number")]
    pub required: Option<f64>,
    pub required_text: Option<String>,
    pub pass: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// Materials

/// `api/v1/materials/<id>.json`: a document applicants hand in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct MaterialDoc {
    pub api_version: String,
    pub id: String,
    pub url: String,
    pub page: String,
    pub name: String,
    pub issuer: String,
    pub trust: TrustLevel,
    pub trust_label: String,
    pub description: Option<ProseDoc>,
    pub basis: Option<String>,
    pub requirements: Vec<String>,
    pub common_mistakes: Vec<String>,
    /// The guides that ask for it, with how.
    pub used_by: Vec<MaterialUseDoc>,
    /// The guides whose result it is.
    pub produced_by: Vec<Ref>,
    pub samples: Vec<SampleDoc>,
    /// The form drawn empty, for every sample drawn from data.
    pub blank_forms: Vec<BlankFormDoc>,
    /// A blank form provided by staff, when there is one.
    pub blank_file: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct MaterialUseDoc {
    pub guide: Ref,
    pub form: String,
    pub copies: FactDoc,
    pub required: bool,
    pub condition: Option<String>,
    pub reused: bool,
    pub reuse_confirmed: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SampleDoc {
    pub number: usize,
    pub title: String,
    /// "form": drawn from data (its contents are fictional); "image": provided by staff.
    pub kind: String,
    pub image: String,
    pub alt: String,
    pub callouts: Vec<CalloutDoc>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct CalloutDoc {
    pub number: usize,
    pub text: String,
    /// A common mistake.
    pub mistake: bool,
    /// Where its marker sits, as fractions of the page width and height from the top left.
    #[serde(serialize_with = "number")]
    pub x: f64,
    #[serde(serialize_with = "number")]
    pub y: f64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BlankFormDoc {
    /// The sample it is the empty twin of.
    pub sample: usize,
    pub title: String,
    pub svg: String,
    pub pdf: String,
}

// ---------------------------------------------------------------------------------------------
// Bundles

/// `api/v1/bundles/<id>.json`: several procedures taken as one journey (一件事).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BundleDoc {
    pub api_version: String,
    pub id: String,
    pub url: String,
    pub page: String,
    pub title: String,
    pub summary: String,
    pub note: Option<String>,
    /// In the order an applicant goes through them. Each statutory limit runs from its own
    /// acceptance: they are never added up.
    pub steps: Vec<BundleStepDoc>,
    /// Each material once, as this order uses it.
    pub checklist: Vec<ChecklistDoc>,
    pub pdf: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BundleStepDoc {
    pub number: usize,
    pub guide: Ref,
    pub department: String,
    pub statutory: FactDoc,
    pub promised: FactDoc,
    pub fees: FactDoc,
    /// Documents an earlier step of the bundle issues and this one uses (material ids).
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ChecklistDoc {
    pub number: usize,
    pub material: Ref,
    pub issuer: String,
    pub trust: TrustLevel,
    /// The step of this bundle that issues it.
    pub produced_by: Option<String>,
    /// Submitted by the applicant once.
    pub submit_once: bool,
    pub uses: Vec<ChecklistUseDoc>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ChecklistUseDoc {
    pub guide: String,
    pub form: String,
    pub copies: FactDoc,
    pub required: bool,
    pub condition: Option<String>,
    pub reused: bool,
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/// `api/v1/index.json`: every document of the API.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct IndexDoc {
    pub api_version: String,
    pub site: SiteDoc,
    pub guides: Vec<Ref>,
    pub plans: Vec<IndexPlan>,
    pub materials: Vec<Ref>,
    pub bundles: Vec<Ref>,
    /// The JSON Schema of each document kind, by kind.
    pub schemas: Vec<SchemaRef>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SiteDoc {
    pub title: String,
    pub base_url: String,
    pub language: String,
    pub centre: CentreDoc,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct CentreDoc {
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct IndexPlan {
    pub guide: String,
    pub id: String,
    pub title: String,
    pub example: Example,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SchemaRef {
    pub kind: String,
    pub url: String,
}

// ---------------------------------------------------------------------------------------------

/// The document kinds, with the schema file each is published under.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn one<T: JsonSchema>(title: &str) -> String {
        let mut schema: Schema = schemars::schema_for!(T);
        schema.insert("title".into(), title.into());
        let mut schema = serde_json::Value::from(schema);
        every_field_required(&mut schema);
        let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serialises");
        text.push('\n');
        text
    }
    vec![
        ("index", one::<IndexDoc>("permitroom open data v1: catalogue")),
        ("guide", one::<GuideDoc>("permitroom open data v1: guide")),
        ("plan", one::<PlanDoc>("permitroom open data v1: floor plan")),
        ("material", one::<MaterialDoc>("permitroom open data v1: material")),
        ("bundle", one::<BundleDoc>("permitroom open data v1: bundle")),
    ]
}

/// Every document always has every field (null when there is nothing to say), so the schema
/// requires each; optional only in Rust's sense. New fields may appear within v1, so
/// unknown fields stay allowed.
fn every_field_required(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                let names: Vec<serde_json::Value> = properties.keys().map(|k| k.as_str().into()).collect();
                map.insert("required".into(), names.into());
            }
            map.values_mut().for_each(every_field_required);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(every_field_required),
        _ => {}
    }
}

/// A number as JSON: a whole number without a fraction ("6", not "6.0"), others as the
/// shortest text that reads back the same (after [`r2`], at most two decimals).
fn number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn opt_number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

/// Rounded to 0.01, for areas (m²) and lengths (m).
fn r2(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

struct Urls<'a> {
    base: &'a str,
    /// guide id -> title, looked up once per reference (a catalog has thousands of guides)
    titles: std::collections::HashMap<&'a str, &'a str>,
    /// material id -> name
    names: std::collections::HashMap<&'a str, &'a str>,
}

impl<'a> Urls<'a> {
    fn of(site: &'a Site) -> Urls<'a> {
        Urls {
            base: &site.config.base_url,
            titles: site.guides.iter().map(|g| (g.id.as_str(), g.title.as_str())).collect(),
            names: site
                .materials
                .iter()
                .map(|m| (m.id.as_str(), m.name.as_str()))
                .collect(),
        }
    }
    fn material_name(&self, id: &str) -> &'a str {
        self.names.get(id).copied().unwrap_or_default()
    }
    fn api(&self, path: &str) -> String {
        format!("{}api/{VERSION}/{path}", self.base)
    }
    fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    fn guide(&self, id: &str) -> Ref {
        Ref {
            id: id.into(),
            title: self.titles.get(id).map(|t| t.to_string()).unwrap_or_default(),
            url: self.api(&format!("guides/{id}.json")),
            page: self.page(&format!("guides/{id}/")),
        }
    }
    fn material(&self, id: &str, name: &str) -> Ref {
        Ref {
            id: id.into(),
            title: name.into(),
            url: self.api(&format!("materials/{id}.json")),
            page: self.page(&format!("materials/{id}/")),
        }
    }
    fn bundle(&self, id: &str, title: &str) -> Ref {
        Ref {
            id: id.into(),
            title: title.into(),
            url: self.api(&format!("bundles/{id}.json")),
            page: self.page(&format!("bundles/{id}/")),
        }
    }
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("API documents serialise");
    bytes.push(b'\n');
    bytes
}

fn unit_name(working: bool) -> String {
    if working { "working" } else { "calendar" }.into()
}

fn guide_doc(guide: &Guide, urls: &Urls) -> GuideDoc {
    let t = &guide.time_limit;
    GuideDoc {
        api_version: VERSION.into(),
        id: guide.id.clone(),
        url: urls.api(&format!("guides/{}.json", guide.id)),
        page: urls.page(&format!("guides/{}/", guide.id)),
        title: guide.title.clone(),
        code: guide.code.clone(),
        kind: guide.kind.clone(),
        department: guide.department.clone(),
        summary: guide.summary.clone(),
        audience: guide.audience.clone(),
        quantity_limit: guide.quantity_limit.clone(),
        updated: guide.updated.clone(),
        overview: guide.overview.as_ref().map(ProseDoc::from),
        authority: AuthorityDoc {
            accepting: guide.authority.accepting.clone(),
            deciding: guide.authority.deciding.clone(),
            co_handling: guide.authority.co_handling.clone(),
        },
        legal_basis: guide
            .legal_basis
            .iter()
            .map(|b| LegalBasisDoc {
                law: b.law.clone(),
                articles: b.articles.clone(),
                role: match b.role {
                    BasisRole::Setting => "setting",
                    BasisRole::Implementing => "implementing",
                }
                .into(),
                role_label: b.role_label.clone(),
                confidence: b.confidence.into(),
                confidence_label: b.confidence_label.clone(),
            })
            .collect(),
        conditions: guide.conditions.iter().map(statement).collect(),
        prohibitions: guide.prohibitions.iter().map(statement).collect(),
        visits: (&guide.visits).into(),
        online: guide.online.clone(),
        window: guide.window.clone(),
        time_limit: TimeLimitDoc {
            statutory: (&t.statutory).into(),
            statutory_days: t
                .statutory_days
                .filter(|_| !t.statutory.unconfirmed && t.clocks.is_empty()),
            statutory_unit: (t.statutory_days.is_some() && !t.statutory.unconfirmed && t.clocks.is_empty())
                .then(|| unit_name(t.statutory_working)),
            clocks: t
                .clocks
                .iter()
                .map(|c| ClockDoc {
                    label: c.label.clone(),
                    limit: (&c.fact).into(),
                })
                .collect(),
            promised: (&t.promised).into(),
            promised_days: t.promised_days.filter(|_| !t.promised.unconfirmed),
            promised_unit: (t.promised_days.is_some() && !t.promised.unconfirmed)
                .then(|| unit_name(t.promised_working)),
            note: t.note.clone(),
        },
        fees: FeesDoc {
            fees: (&guide.fees.fact).into(),
            free: guide.fees.free.filter(|_| !guide.fees.fact.unconfirmed),
            items: guide
                .fees
                .items
                .iter()
                .map(|i| FeeItemDoc {
                    item: i.item.clone(),
                    amount: i.amount.clone(),
                    basis: i.basis.clone(),
                })
                .collect(),
            note: guide.fees.note.clone(),
        },
        materials: guide
            .materials
            .iter()
            .map(|m| {
                let r = urls.material(&m.id, &m.name);
                GuideMaterialDoc {
                    number: m.number,
                    id: m.id.clone(),
                    name: m.name.clone(),
                    url: r.url,
                    page: r.page,
                    issuer: m.issuer.clone(),
                    trust: m.trust.into(),
                    form: m.form_label.clone(),
                    copies: (&m.copies).into(),
                    required: m.required,
                    condition: m.condition.clone(),
                    one_of: m.one_of.clone(),
                    alternatives: m.alternatives.iter().map(|a| a.id.clone()).collect(),
                    reused: m.reused,
                    reuse_confirmed: m.reuse_confirmed,
                    produced_by: m.produced_by.as_ref().map(|p| urls.guide(&p.id)),
                    note: m.note.as_ref().map(ProseDoc::from),
                }
            })
            .collect(),
        stages: guide
            .stages
            .iter()
            .map(|s| StageDoc {
                number: s.number,
                id: s.id.clone(),
                title: s.title.clone(),
                logic: s.logic.into(),
                steps: s
                    .steps
                    .iter()
                    .map(|t| StepDoc {
                        number: t.number.clone(),
                        id: t.id.clone(),
                        title: t.title.clone(),
                        text: (&t.body).into(),
                        optional: t.optional,
                        duration: t.duration.clone(),
                        place: t.place.clone(),
                        special: t.special_label.clone(),
                        outside_statutory_clock: t.outside_clock,
                    })
                    .collect(),
            })
            .collect(),
        result: ResultDoc {
            certificate: guide.result.certificate.clone(),
            validity: guide.result.validity.clone(),
            delivery: guide.result.delivery.clone(),
        },
        contacts: guide
            .consult
            .iter()
            .map(|c| ("consult", c))
            .chain(guide.complaint.iter().map(|c| ("complaint", c)))
            .map(|(kind, c)| ContactDoc {
                kind: kind.into(),
                name: c.name.clone(),
                phone: c.phone.clone(),
                address: c.address.clone(),
            })
            .collect(),
        plans: guide
            .plans
            .iter()
            .map(|p| PlanRefDoc {
                id: p.plan.id.clone(),
                title: p.plan.title.clone(),
                example: p.plan.example.into(),
                url: urls.api(&format!("guides/{}/plans/{}.json", guide.id, p.plan.id)),
            })
            .collect(),
        produces: guide
            .produces
            .iter()
            .map(|p| urls.material(&p.id, urls.material_name(&p.id)))
            .collect(),
        covers: guide.covers.iter().map(|c| urls.guide(&c.id)).collect(),
        bundles: guide.bundles.iter().map(|b| urls.bundle(&b.id, &b.title)).collect(),
        handout_pdf: urls.page(&format!("guides/{0}/{0}-handout.pdf", guide.id)),
        short_pdf: urls.page(&format!("guides/{0}/{0}-short.pdf", guide.id)),
    }
}

fn statement(s: &crate::model::StatementView) -> StatementDoc {
    StatementDoc {
        text: s.prose.text.trim().to_owned(),
        confidence: s.confidence.into(),
        confidence_label: s.confidence_label.clone(),
    }
}

fn rule_doc(r: &RuleResult, labels: &Labels) -> RuleDoc {
    // An unconfirmed number decides nothing and is not published.
    let unconfirmed = r.confidence == Confidence::U;
    let status = if r.outcomes.is_empty() {
        RuleStatus::NotApplicable
    } else if unconfirmed {
        RuleStatus::Unconfirmed
    } else if r.pass {
        RuleStatus::Passed
    } else {
        RuleStatus::Failed
    };
    let finite = |v: f64| v.is_finite().then(|| if r.unit.is_empty() { v } else { r2(v) });
    RuleDoc {
        id: r.id.clone(),
        statement: r.statement.clone(),
        check: r.check.clone(),
        source: r.source.clone(),
        confidence: r.confidence.into(),
        confidence_label: r.confidence_label.clone(),
        enforced: !r.reference,
        status,
        failure_number: r.number,
        comparison: r.comparison.into(),
        unit: r.unit.into(),
        outcomes: r
            .outcomes
            .iter()
            .map(|o| OutcomeDoc {
                room: o.room.clone(),
                room_label: o.room_label.clone(),
                measured: finite(o.measured_value),
                measured_text: o.measured.clone(),
                required: if unconfirmed { None } else { finite(o.required_value) },
                required_text: (!unconfirmed).then(|| o.required.clone()),
                pass: (!unconfirmed).then_some(o.pass),
            })
            .collect(),
        reasons: r.reasons.iter().map(|why| reason_text(why, labels)).collect(),
    }
}

/// Why a rule fails, as a sentence in the words of `labels` (section `plan_reason`): the same
/// sentence the templates make for the pages (`guide.html`, `handout.typ`).
fn reason_text(why: &Reason, labels: &Labels) -> String {
    let room = |r: &RoomRef| match &r.zone {
        Some(zone) => labels.fill("plan_reason.in_zone", &[("room", &r.label), ("zone", zone)]),
        None => r.label.clone(),
    };
    match why {
        Reason::Backflow { flow, from, to } => labels.fill(
            "plan_reason.backflow",
            &[("flow", flow), ("from", &room(from)), ("to", &room(to))],
        ),
        Reason::SharedPassage { first, second, passage } => {
            let passage = match passage {
                PassageRef::Door { room } => labels.fill("plan_reason.door", &[("room", room)]),
                PassageRef::Window { room, label } => labels.fill(
                    "plan_reason.window",
                    &[
                        ("room", room),
                        ("window", label.as_deref().unwrap_or(labels.get("plan_reason.a_window"))),
                    ],
                ),
                PassageRef::Open { first, second } => {
                    labels.fill("plan_reason.open", &[("first", first), ("second", second)])
                }
            };
            labels.fill(
                "plan_reason.shared",
                &[("first", first), ("second", second), ("passage", &passage)],
            )
        }
        Reason::Crossings { first, second, count } => labels.fill(
            if *count == 1 {
                "plan_reason.crossing_one"
            } else {
                "plan_reason.crossings"
            },
            &[("first", first), ("second", second), ("n", &count.to_string())],
        ),
    }
}

fn plan_doc(site: &Site, guide: &Guide, plan: &PlanReport, urls: &Urls) -> PlanDoc {
    let vocabulary = site.vocabularies.get(&plan.plan.vocabulary);
    let quantity = |id: &str, value: u32| {
        let q = vocabulary.and_then(|v| v.quantities.iter().find(|q| q.id == id));
        QuantityDoc {
            id: id.into(),
            label: q.map(|q| q.label.clone()).unwrap_or_default(),
            unit: q.map(|q| q.unit.clone()).unwrap_or_default(),
            value,
        }
    };
    let symbol_label = |s: &str| site.symbols.get(s).map_or_else(|| s.to_owned(), |x| x.label.clone());
    let base = format!("guides/{}/plans/{}", guide.id, plan.plan.id);
    PlanDoc {
        api_version: VERSION.into(),
        guide: urls.guide(&guide.id),
        id: plan.plan.id.clone(),
        url: urls.api(&format!("{base}.json")),
        page: urls.page(&format!("guides/{}/#plan-{}", guide.id, plan.plan.id)),
        title: plan.plan.title.clone(),
        description: plan.plan.description.clone(),
        example: plan.plan.example.into(),
        vocabulary: plan.plan.vocabulary.clone(),
        drawing_svg: urls.page(&format!("{base}.svg")),
        drawing_png: urls.page(&format!("{base}.png")),
        wall_mm: plan.plan.wall_mm,
        outer_wall_mm: plan.plan.outer_wall_mm,
        gross_area_m2: r2(plan.plan.gross_area_m2),
        net_area_m2: r2(plan.plan.net_area_m2),
        quantities: plan
            .quantities
            .iter()
            .map(|q| QuantityDoc {
                id: q.id.clone(),
                label: q.label.clone(),
                unit: q.unit.clone(),
                value: q.value,
            })
            .collect(),
        rooms: plan
            .plan
            .rooms
            .iter()
            .map(|room| RoomDoc {
                id: room.id.clone(),
                label: room.label.clone(),
                kind: room.kind.clone(),
                kind_label: vocabulary
                    .map(|v| v.kind_label(&room.kind).to_owned())
                    .unwrap_or_default(),
                zone: room.zone.clone(),
                zone_label: room
                    .zone
                    .as_ref()
                    .and_then(|z| vocabulary?.zones.get(z))
                    .map(|z| z.label.clone()),
                gross_area_m2: r2(geometry::area_m2_of(&room.points)),
                net_area_m2: r2(room.area_m2),
                shortest_side_m: r2(room.shortest_side_m),
                quantities: vocabulary
                    .map(|v| {
                        v.quantities
                            .iter()
                            .map(|q| quantity(&q.id, room.counts.get(&q.id).copied().unwrap_or(0)))
                            .collect()
                    })
                    .unwrap_or_default(),
                equipment: room
                    .equipment
                    .iter()
                    .map(|(s, c)| EquipmentDoc {
                        symbol: s.clone(),
                        label: symbol_label(s),
                        count: *c,
                    })
                    .collect(),
            })
            .collect(),
        equipment: plan
            .equipment_rows
            .iter()
            .map(|(s, label, c)| EquipmentDoc {
                symbol: s.clone(),
                label: label.clone(),
                count: *c,
            })
            .collect(),
        rules: plan.results.iter().map(|r| rule_doc(r, &site.edition.labels)).collect(),
        failures: plan.failures,
    }
}

fn material_doc(material: &Material, urls: &Urls) -> MaterialDoc {
    let dir = format!("materials/{}/", material.id);
    MaterialDoc {
        api_version: VERSION.into(),
        id: material.id.clone(),
        url: urls.api(&format!("materials/{}.json", material.id)),
        page: urls.page(&dir),
        name: material.name.clone(),
        issuer: material.issuer.clone(),
        trust: material.trust.into(),
        trust_label: material.trust_label.clone(),
        description: material.description.as_ref().map(ProseDoc::from),
        basis: material.basis.clone(),
        requirements: material.requirements.clone(),
        common_mistakes: material.common_mistakes.clone(),
        used_by: material
            .used_by
            .iter()
            .map(|u| MaterialUseDoc {
                guide: urls.guide(&u.guide),
                form: u.form_label.clone(),
                copies: (&u.copies).into(),
                required: u.required,
                condition: u.condition.clone(),
                reused: u.reused,
                reuse_confirmed: u.reuse_confirmed,
            })
            .collect(),
        produced_by: material.produced_by.iter().map(|p| urls.guide(&p.id)).collect(),
        samples: material
            .samples
            .iter()
            .map(|s| SampleDoc {
                number: s.number,
                title: s.title.clone(),
                kind: s.kind.into(),
                image: urls.page(&format!("{dir}{}", s.file)),
                alt: s.alt.clone(),
                callouts: s
                    .callouts
                    .iter()
                    .map(|c| CalloutDoc {
                        number: c.number,
                        text: c.text.clone(),
                        mistake: c.mistake,
                        x: c.x_ratio,
                        y: c.y_ratio,
                    })
                    .collect(),
            })
            .collect(),
        blank_forms: material
            .blank_forms
            .iter()
            .map(|b| BlankFormDoc {
                sample: b.sample,
                title: b.title.clone(),
                svg: urls.page(&format!("{dir}{}", b.svg)),
                pdf: urls.page(&format!("{dir}{}", b.pdf)),
            })
            .collect(),
        blank_file: material.blank.as_ref().map(|b| urls.page(&format!("{dir}{b}"))),
    }
}

fn bundle_doc(bundle: &Bundle, urls: &Urls) -> BundleDoc {
    let r = urls.bundle(&bundle.id, &bundle.title);
    BundleDoc {
        api_version: VERSION.into(),
        id: bundle.id.clone(),
        url: r.url,
        page: r.page,
        title: bundle.title.clone(),
        summary: bundle.summary.clone(),
        note: bundle.note.clone(),
        steps: bundle
            .steps
            .iter()
            .map(|s| BundleStepDoc {
                number: s.number,
                guide: urls.guide(&s.id),
                department: s.department.clone(),
                statutory: (&s.statutory).into(),
                promised: (&s.promised).into(),
                fees: (&s.fees).into(),
                inputs: s.inputs.iter().map(|i| i.material.clone()).collect(),
            })
            .collect(),
        checklist: bundle
            .checklist
            .iter()
            .map(|c| ChecklistDoc {
                number: c.number,
                material: urls.material(&c.id, &c.name),
                issuer: c.issuer.clone(),
                trust: c.trust.into(),
                produced_by: c.produced_by.as_ref().map(|p| p.id.clone()),
                submit_once: c.submit_once,
                uses: c
                    .uses
                    .iter()
                    .map(|u| &u.usage)
                    .map(|u| ChecklistUseDoc {
                        guide: u.guide.clone(),
                        form: u.form_label.clone(),
                        copies: (&u.copies).into(),
                        required: u.required,
                        condition: u.condition.clone(),
                        reused: u.reused,
                    })
                    .collect(),
            })
            .collect(),
        pdf: urls.page(&format!("bundles/{0}/{0}.pdf", bundle.id)),
    }
}

/// Every document of the API, the catalogue and the schemas.
pub(crate) fn api_files(site: &Site) -> Output {
    let urls = Urls::of(site);
    let mut out = Output::default();
    let mut index = IndexDoc {
        api_version: VERSION.into(),
        site: SiteDoc {
            title: site.config.title.clone(),
            base_url: site.config.base_url.clone(),
            language: site.config.language.clone(),
            centre: CentreDoc {
                name: site.config.centre.name.clone(),
                address: site.config.centre.address.clone(),
                hours: site.config.centre.hours.clone(),
                phone: site.config.centre.phone.clone(),
            },
        },
        guides: Vec::new(),
        plans: Vec::new(),
        materials: Vec::new(),
        bundles: Vec::new(),
        schemas: Vec::new(),
    };
    let prefix = format!("api/{VERSION}/");
    for guide in &site.guides {
        out.insert(
            format!("{prefix}guides/{}.json", guide.id),
            json(&guide_doc(guide, &urls)),
        );
        index.guides.push(urls.guide(&guide.id));
        for plan in &guide.plans {
            let doc = plan_doc(site, guide, plan, &urls);
            index.plans.push(IndexPlan {
                guide: guide.id.clone(),
                id: doc.id.clone(),
                title: doc.title.clone(),
                example: doc.example,
                url: doc.url.clone(),
            });
            out.insert(
                format!("{prefix}guides/{}/plans/{}.json", guide.id, plan.plan.id),
                json(&doc),
            );
        }
    }
    for material in &site.materials {
        out.insert(
            format!("{prefix}materials/{}.json", material.id),
            json(&material_doc(material, &urls)),
        );
        index.materials.push(urls.material(&material.id, &material.name));
    }
    for bundle in &site.bundles {
        out.insert(
            format!("{prefix}bundles/{}.json", bundle.id),
            json(&bundle_doc(bundle, &urls)),
        );
        index.bundles.push(urls.bundle(&bundle.id, &bundle.title));
    }
    for (kind, text) in schemas() {
        let path = format!("schema/{kind}.schema.json");
        index.schemas.push(SchemaRef {
            kind: kind.into(),
            url: urls.api(&path),
        });
        out.insert(format!("{prefix}{path}"), text);
    }
    out.insert(format!("{prefix}index.json"), json(&index));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unconfirmed_fact_has_no_value() {
        let fact = Fact::new(
            Some("30 日".into()),
            Confidence::U,
            &crate::source::labels::Labels::builtin("zh-CN"),
        );
        let doc = FactDoc::from(&fact);
        assert_eq!(doc.value, None);
        assert_eq!(doc.text, "待本地确认");
        assert_eq!(doc.confidence, Tag::U);
        let fact = Fact::new(
            Some("30 日".into()),
            Confidence::C,
            &crate::source::labels::Labels::builtin("zh-CN"),
        );
        assert_eq!(FactDoc::from(&fact).value.as_deref(), Some("30 日"));
    }

    #[test]
    fn areas_are_rounded_to_hundredths() {
        assert_eq!(r2(12.3456), 12.35);
        assert_eq!(r2(-0.001), 0.0);
        assert_eq!(serde_json::to_string(&r2(7.0 / 3.0)).unwrap(), "2.33");
    }
}
