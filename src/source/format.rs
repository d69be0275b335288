//! The source format as Rust types: what `site.toml`, `materials/*.toml`, `guide.toml` and
//! floor-plan files may contain. Deserialising into these types *is* the first check: unknown
//! fields, wrong types and malformed ids fail inside serde, so the TOML parser reports them at
//! their line and column (uv's habit). `docs/en/reference.md` is the prose version of this file.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

/// An id: lower-case ASCII letters, digits and `-`, starting with a letter, at most 64 chars.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s.to_owned()))
        } else {
            Err(format!(
                "`{s}` is not a valid id: use lower-case ASCII letters, digits and single `-`, starting with a letter (e.g. `food-licence`)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Slug {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
            "maxLength": 64,
            "description": "An id: lower-case ASCII letters, digits and single `-`, starting with a letter."
        })
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Slug::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IsoDate(String);

impl IsoDate {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// (year, month, day)
    pub fn parts(&self) -> (i32, u32, u32) {
        let mut it = self.0.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
        let (y, m, d) = (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0));
        (y as i32, m as u32, d as u32)
    }
}

impl JsonSchema for IsoDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A date written YYYY-MM-DD."
        })
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        let date = IsoDate(s.clone());
        let (_, m, d) = date.parts();
        if shape && (1..=12).contains(&m) && (1..=31).contains(&d) {
            Ok(date)
        } else {
            Err(serde::de::Error::custom(format!(
                "`{s}` is not a date written YYYY-MM-DD"
            )))
        }
    }
}

/// How sure we are of a fact (see `../shared/domain`): shown to applicants beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize, Default)]
pub enum Confidence {
    /// Read in the rule's own text.
    #[default]
    C,
    /// Quoted by third parties.
    S,
    /// One locality's rule.
    L,
    /// Unconfirmed: the value is not shown, "待本地确认" is.
    U,
}

/// Trust level of a submitted document (State Council 2016 technical guide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, Serialize)]
pub enum Trust {
    A,
    B,
    C,
    D,
}

// ---------------------------------------------------------------------------------------------
// site.toml

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteToml {
    pub title: String,
    #[schemars(with = "String")]
    pub base_url: Spanned<String>,
    #[serde(default = "default_language")]
    pub language: String,
    pub centre: Centre,
    /// The site in other languages besides `language` (docs/en/reference.md#editions).
    #[serde(default)]
    pub editions: Vec<EditionToml>,
}

/// One more edition of the site: its language and the name its language switch shows.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditionToml {
    /// A BCP 47 language tag (`en`), also the folder of the edition in the output.
    #[schemars(with = "String")]
    pub lang: Spanned<String>,
    /// The language's own name, e.g. "English".
    pub name: String,
}

fn default_language() -> String {
    "zh-CN".into()
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
}

// ---------------------------------------------------------------------------------------------
// materials/*.toml

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsToml {
    #[serde(default)]
    pub material: Vec<MaterialToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub name: String,
    pub issuer: String,
    pub trust: Trust,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    pub basis: Option<String>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub common_mistakes: Vec<String>,
    /// A blank form to download (any file in the site).
    #[schemars(with = "Option<String>")]
    pub blank: Option<Spanned<String>>,
    /// Filled-in samples (示范文本), each an image or a form described as data.
    #[serde(default)]
    pub samples: Vec<SampleToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleToml {
    pub title: String,
    /// A PNG, JPEG or SVG file the staff provide (e.g. a scanned filled-in form).
    #[schemars(with = "Option<String>")]
    pub image: Option<Spanned<String>>,
    /// A form described as data (`forms/*.toml`), drawn by permitroom.
    #[schemars(with = "Option<String>")]
    pub form: Option<Spanned<String>>,
    /// What the image shows, for readers who cannot see it.
    pub alt: Option<String>,
    #[serde(default)]
    pub callouts: Vec<CalloutToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalloutToml {
    /// Position on the page: pixels of an image, millimetres of a drawn form (A4, 210 × 297).
    #[schemars(with = "[f64; 2]")]
    pub at: Spanned<[f64; 2]>,
    pub text: String,
    /// A place where applicants often go wrong.
    #[serde(default)]
    pub mistake: bool,
}

/// `forms/*.toml`: a filled-in form described as data, drawn as an A4 page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormToml {
    pub title: String,
    pub subtitle: Option<String>,
    #[serde(default)]
    pub sections: Vec<FormSection>,
    #[serde(default)]
    pub signatures: Vec<FormSignature>,
    pub footer: Option<String>,
    /// Printed at the foot of the blank form, before the blank form's own note: what the blank
    /// must say too (what to attach), since `footer` speaks of the sample.
    pub blank_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    pub heading: String,
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// Column headings: when given, `rows` is a table instead of label/value fields.
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub label: String,
    pub value: String,
    /// Takes the full width of the form (long values); otherwise two fields share a row.
    #[serde(default)]
    pub wide: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    Seal,
    Signature,
    Date,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSignature {
    pub kind: SignatureKind,
    pub label: String,
    pub value: String,
}

/// `bundles/<id>.toml`: several guides taken as one journey (一件事).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleToml {
    pub title: String,
    pub summary: String,
    /// The guides in the order an applicant goes through them.
    #[schemars(with = "Vec<Slug>")]
    pub guides: Spanned<Vec<Spanned<Slug>>>,
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// guides/<id>/guide.toml

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideToml {
    pub title: String,
    pub code: Option<String>,
    pub kind: String,
    pub department: String,
    pub summary: String,
    pub audience: Option<String>,
    pub quantity_limit: Option<String>,
    pub updated: IsoDate,
    #[schemars(with = "Option<String>")]
    pub overview: Option<Spanned<String>>,
    #[schemars(with = "Option<u32>")]
    pub visits: Option<Spanned<u32>>,
    #[serde(default)]
    pub visits_confidence: Confidence,
    pub online: Option<String>,
    pub window: Option<String>,
    pub authority: Authority,
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    #[serde(default)]
    pub conditions: Vec<Statement>,
    #[serde(default)]
    pub prohibitions: Vec<Statement>,
    #[serde(default)]
    pub materials: Vec<MaterialUse>,
    /// Materials this procedure issues (its certificate), which later procedures reuse.
    #[serde(default)]
    #[schemars(with = "Vec<Slug>")]
    pub produces: Vec<Spanned<Slug>>,
    /// The guides (procedures) this guide walks through together, e.g. an all-in-one guide of
    /// a setup approval and a practice registration. Such a guide is an overview, not a
    /// procedure of its own: the finder does not count it among the procedures to apply for.
    #[serde(default)]
    #[schemars(with = "Vec<Slug>")]
    pub covers: Vec<Spanned<Slug>>,
    pub time_limit: TimeLimitToml,
    pub fees: FeesToml,
    pub result: ResultToml,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub stages: Vec<StageToml>,
    #[serde(default)]
    pub faq: Vec<FaqToml>,
    /// The vocabulary (`vocabularies/<id>.toml`) the guide's plans and rules are written in.
    #[schemars(with = "Option<Slug>")]
    pub vocabulary: Option<Spanned<Slug>>,
    #[serde(default)]
    pub floor_plans: Vec<PlanRef>,
    #[serde(default)]
    pub rules: Vec<RuleToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub accepting: String,
    pub deciding: String,
    #[serde(default)]
    pub co_handling: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BasisRole {
    Setting,
    Implementing,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub law: String,
    pub articles: Option<String>,
    pub role: BasisRole,
    #[serde(default)]
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    #[serde(default)]
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    Original,
    Copy,
    OriginalAndCopy,
    Electronic,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialUse {
    #[schemars(with = "Slug")]
    pub material: Spanned<Slug>,
    pub form: Form,
    #[schemars(with = "Option<u32>")]
    pub copies: Option<Spanned<u32>>,
    #[serde(default)]
    pub copies_confidence: Confidence,
    /// Whether it must be provided; `false` for a material needed only in some cases (say
    /// which in `condition`). For an either-or group: whether one of the group must be.
    #[serde(default = "yes")]
    pub required: bool,
    /// When this material is the one to provide.
    pub condition: Option<String>,
    /// The name of an either-or group: the materials of one guide with the same `one_of` are
    /// alternatives, and the applicant provides one of them (e.g. the practice licence or,
    /// before it is issued, the setup approval). Chains and bundles need only one of them.
    #[schemars(with = "Option<Slug>")]
    pub one_of: Option<Spanned<Slug>>,
    #[schemars(with = "Option<String>")]
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub reused: bool,
    /// The step of this guide at which the material is handed in (a step `id`), when the
    /// guide covers several procedures; the one-page short version groups materials by it.
    #[schemars(with = "Option<Slug>")]
    pub step: Option<Spanned<Slug>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayUnit {
    Calendar,
    Working,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitKind {
    OnTheSpot,
    Promised,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitToml {
    #[schemars(with = "Option<u32>")]
    pub statutory_days: Option<Spanned<u32>>,
    #[serde(default = "calendar")]
    pub statutory_unit: DayUnit,
    #[serde(default)]
    pub statutory_confidence: Confidence,
    #[schemars(with = "Option<u32>")]
    pub promised_days: Option<Spanned<u32>>,
    #[serde(default = "working")]
    pub promised_unit: DayUnit,
    #[serde(default)]
    pub promised_confidence: Confidence,
    pub kind: LimitKind,
    pub note: Option<String>,
    /// A guide that walks through several procedures has one statutory clock per procedure,
    /// each running from its own acceptance: list them here instead of `statutory_days`.
    /// They are shown one by one and never added up.
    #[serde(default)]
    pub clocks: Vec<ClockToml>,
}

/// One statutory clock of a guide that covers several procedures.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockToml {
    /// The procedure the clock belongs to, e.g. "设置审批".
    #[schemars(with = "String")]
    pub label: Spanned<String>,
    #[schemars(with = "Option<u32>")]
    pub days: Option<Spanned<u32>>,
    #[serde(default = "calendar")]
    pub unit: DayUnit,
    #[serde(default)]
    pub confidence: Confidence,
}

fn calendar() -> DayUnit {
    DayUnit::Calendar
}

fn working() -> DayUnit {
    DayUnit::Working
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeesToml {
    #[schemars(with = "Option<bool>")]
    pub free: Option<Spanned<bool>>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub items: Vec<FeeItem>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeeItem {
    pub item: String,
    pub amount: String,
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResultToml {
    pub certificate: String,
    pub validity: Option<String>,
    pub delivery: String,
    pub sample_note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContactKind {
    Consult,
    Complaint,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub kind: ContactKind,
    pub name: String,
    pub phone: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageLogic {
    And,
    Or,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub title: String,
    #[schemars(with = "Option<String>")]
    pub summary: Option<Spanned<String>>,
    #[serde(default = "and")]
    pub logic: StageLogic,
    #[serde(default)]
    pub steps: Vec<StepToml>,
}

fn and() -> StageLogic {
    StageLogic::And
}

/// A special step (特殊环节) of a procedure. 行政许可法 §45 names the steps whose time does
/// not count toward the statutory limit: 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审.
/// Site inspection (现场核查) is not among them: its time counts, so it can never be listed
/// outside the clock (see [`Special::outside_statutory_clock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Special {
    /// 现场核查 / 现场检查: its time counts toward the statutory limit.
    SiteInspection,
    /// 专家评审 (§45).
    ExpertReview,
    /// 检验、检测 (§45).
    Testing,
    /// 检疫 (§45).
    Quarantine,
    /// 鉴定 (§45).
    Appraisal,
    /// 听证 (§45).
    Hearing,
    /// 招标 (§45).
    Tendering,
    /// 拍卖 (§45).
    Auction,
}

impl Special {
    /// Every kind, in the order the law lists them (site inspection first: not in the list).
    #[cfg(test)]
    pub(crate) const ALL: [Special; 8] = [
        Special::SiteInspection,
        Special::Hearing,
        Special::Tendering,
        Special::Auction,
        Special::Testing,
        Special::Quarantine,
        Special::Appraisal,
        Special::ExpertReview,
    ];

    /// Whether 行政许可法 §45 takes this step's time out of the statutory limit. Written as
    /// a full match so that a new kind must be decided against the law's list.
    pub(crate) fn outside_statutory_clock(self) -> bool {
        match self {
            Special::Hearing
            | Special::Tendering
            | Special::Auction
            | Special::Testing
            | Special::Quarantine
            | Special::Appraisal
            | Special::ExpertReview => true,
            Special::SiteInspection => false,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub title: String,
    #[schemars(with = "Option<String>")]
    pub text: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    #[serde(default)]
    pub optional: bool,
    pub duration: Option<String>,
    #[serde(rename = "where")]
    pub place: Option<String>,
    pub special: Option<Special>,
    /// A short video of the step, shown with captions and a transcript.
    pub video: Option<VideoToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoToml {
    /// An MP4 or WebM file in the site.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// An image shown before the video plays.
    #[schemars(with = "Option<String>")]
    pub poster: Option<Spanned<String>>,
    /// WebVTT captions (required: a video without captions shuts out deaf applicants).
    #[schemars(with = "String")]
    pub captions: Spanned<String>,
    /// A Markdown transcript shown beside the video.
    #[schemars(with = "String")]
    pub transcript: Spanned<String>,
    pub title: String,
}

/// `finder.toml`: the "which permits do I need" questionnaire.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinderToml {
    pub title: String,
    pub intro: Option<String>,
    /// The order results are listed in (guide and bundle ids); others follow.
    #[serde(default)]
    #[schemars(with = "Vec<Slug>")]
    pub order: Vec<Spanned<Slug>>,
    #[serde(default)]
    pub questions: Vec<QuestionToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub text: String,
    pub hint: Option<String>,
    /// Several answers may be chosen (checkboxes) instead of one (radio buttons).
    #[serde(default)]
    pub multiple: bool,
    pub answers: Vec<AnswerToml>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerToml {
    pub label: String,
    /// Guide or bundle ids this answer makes necessary.
    #[serde(default)]
    #[schemars(with = "Vec<Slug>")]
    pub adds: Vec<Spanned<Slug>>,
    /// Shown in the result when this answer is chosen.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqToml {
    pub question: String,
    #[schemars(with = "String")]
    pub answer: Spanned<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExampleKind {
    Correct,
    Wrong,
    Reference,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRef {
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    pub example: ExampleKind,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleToml {
    #[schemars(with = "Slug")]
    pub id: Spanned<Slug>,
    pub statement: String,
    #[schemars(with = "String")]
    pub check: Spanned<String>,
    pub source: String,
    #[serde(default)]
    pub confidence: Confidence,
    /// Show the rule's number as a reference value (e.g. a legacy ratio, one filing's example)
    /// instead of enforcing it. Required for rules tagged U.
    #[schemars(with = "Option<bool>")]
    pub reference: Option<Spanned<bool>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 行政许可法 §45: 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审 — and nothing else.
    #[test]
    fn only_the_kinds_the_law_lists_are_outside_the_statutory_clock() {
        let zh = crate::source::labels::Labels::builtin("zh-CN");
        let outside: Vec<String> = Special::ALL
            .iter()
            .filter(|s| s.outside_statutory_clock())
            .map(|s| zh.of("special", s))
            .collect();
        assert_eq!(
            outside,
            ["听证", "招标", "拍卖", "检验检测", "检疫", "鉴定", "专家评审"]
        );
        assert!(!Special::SiteInspection.outside_statutory_clock());
    }

    #[test]
    fn the_existing_special_ids_stay_valid() {
        for (id, kind) in [
            ("site-inspection", Special::SiteInspection),
            ("expert-review", Special::ExpertReview),
            ("testing", Special::Testing),
            ("hearing", Special::Hearing),
            ("quarantine", Special::Quarantine),
            ("appraisal", Special::Appraisal),
            ("tendering", Special::Tendering),
            ("auction", Special::Auction),
        ] {
            #[derive(Deserialize)]
            struct T {
                special: Special,
            }
            let t: T = toml::from_str(&format!("special = \"{id}\"")).unwrap();
            assert_eq!(t.special, kind, "{id}");
        }
    }
}
