//! The checked model: what the resolve stage produces and every renderer reads. All cross-
//! references are resolved (a guide's materials carry the material's name and trust level),
//! Markdown is already HTML, plans are measured and their rules evaluated. Serialisable, so
//! templates and the PDF engine see exactly these fields (documented in docs/templates.md).

pub mod bundles;
pub mod chain;
pub(crate) mod facts;
pub mod finder;
pub(crate) mod form_layout;
pub(crate) mod guide;
pub mod plan;
pub(crate) mod prose;
pub mod resolve;
pub mod samples;
pub mod text;
pub(crate) mod video;

use serde::Serialize;

use crate::source::labels::Labels;

use crate::model::plan::PlanReport;
use crate::model::plan::symbols::SymbolLibrary;
use crate::model::plan::vocabulary::Vocabulary;
use crate::source::format::{Authority, BasisRole, Centre, Confidence, Contact, FeeItem, ResultToml, Trust};
use crate::source::prose::Prose;

#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub config: SiteConfig,
    /// Sorted by id.
    pub materials: Vec<Material>,
    /// Sorted by id.
    pub guides: Vec<Guide>,
    /// Sorted by name; guides inside sorted by id.
    pub departments: Vec<Department>,
    /// Sorted by id.
    pub bundles: Vec<Bundle>,
    pub finder: Option<Finder>,
    #[serde(skip)]
    pub symbols: SymbolLibrary,
    /// The site's vocabularies, by id.
    pub vocabularies: std::collections::BTreeMap<String, Vocabulary>,
    /// Which edition of the site this is, and its words.
    #[serde(skip)]
    pub edition: SiteEdition,
}

/// One edition of the site as a model: the primary one, or one resolved from the sources with
/// their translations put in (`source::edition`).
#[derive(Debug, Clone)]
pub struct SiteEdition {
    /// Its language (`zh-CN`, `en`).
    pub lang: String,
    /// Its folder in the output with a trailing `/` (`en/`); empty for the primary edition.
    pub prefix: String,
    /// Every edition of the site, the primary one first.
    pub all: Vec<EditionLink>,
    /// The edition's words (`templates/labels/<lang>.toml`).
    pub labels: Labels,
}

impl SiteEdition {
    pub(crate) fn is_primary(&self) -> bool {
        self.prefix.is_empty()
    }
}

/// An edition as the language switch names it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EditionLink {
    pub lang: String,
    /// The language's own name ("English", "中文").
    pub name: String,
    /// Its folder in the output (`en/`; empty for the primary edition).
    pub prefix: String,
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

/// A fact that may be unconfirmed: `text` is the value, or the labels' `confidence.U`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    pub text: String,
    pub confidence: Confidence,
    pub confidence_label: String,
    pub unconfirmed: bool,
}

impl Fact {
    pub fn new(value: Option<String>, confidence: Confidence, labels: &Labels) -> Fact {
        let unconfirmed = confidence == Confidence::U || value.is_none();
        Fact {
            text: if unconfirmed {
                labels.get("confidence.U").to_owned()
            } else {
                value.unwrap_or_default()
            },
            confidence,
            confidence_label: labels.of("confidence", &confidence),
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
    pub trust_label: String,
    pub description: Option<Prose>,
    pub basis: Option<String>,
    pub requirements: Vec<String>,
    pub common_mistakes: Vec<String>,
    /// The guides that ask for it, in guide order.
    pub used_by: Vec<MaterialUsage>,
    /// The guides whose result this document is.
    pub produced_by: Vec<GuideLink>,
    pub samples: Vec<Sample>,
    /// File name of the blank form, beside the material's page.
    pub blank: Option<String>,
    /// Every sample drawn from data, drawn again empty (SVG now, PDF at render).
    pub blank_forms: Vec<BlankForm>,
    pub file: String,
    /// Files published beside the material's page (sample images and forms, blank forms).
    #[serde(skip)]
    pub assets: Vec<Asset>,
}

/// A file published beside a page, by name; the render stage makes its bytes.
#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    pub content: AssetContent,
}

/// What an asset's bytes come from.
#[derive(Debug, Clone)]
pub enum AssetContent {
    /// A source file published as it is (shared with the source tree, not copied).
    Source(std::sync::Arc<[u8]>),
    /// A form laid out from data, drawn as SVG when rendered.
    Form(std::sync::Arc<form_layout::FormPage>),
}

impl Asset {
    /// The asset called `name` among `assets`.
    pub fn find<'a>(assets: &'a [Asset], name: &str) -> Option<&'a Asset> {
        assets.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GuideLink {
    pub id: String,
    pub title: String,
}

/// A form drawn empty: the twin of a sample drawn from data, offered for download as SVG and
/// as a one-page PDF (both beside the material's page).
#[derive(Debug, Clone, Serialize)]
pub struct BlankForm {
    /// The number of the sample it is the empty twin of.
    pub sample: usize,
    /// The form's title.
    pub title: String,
    pub svg: String,
    pub pdf: String,
}

/// A filled-in sample page with its numbered callouts.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub number: usize,
    pub title: String,
    /// File name beside the material's page.
    pub file: String,
    /// "form" (drawn from data) or "image" (provided by staff).
    pub kind: &'static str,
    pub alt: String,
    /// Page size in callout units.
    pub width: f64,
    pub height: f64,
    /// Display size in CSS pixels.
    pub width_px: u32,
    pub height_px: u32,
    pub callouts: Vec<Callout>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Callout {
    pub number: usize,
    pub text: String,
    pub mistake: bool,
    /// Position as a percentage of the page, for overlays.
    pub left: String,
    pub top: String,
    pub x_ratio: f64,
    pub y_ratio: f64,
}

/// One procedure's place in a chain: what it needs from another, or gives to another.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChainLink {
    pub guide: String,
    pub guide_title: String,
    pub material: String,
    pub material_name: String,
    /// When this document is the one to provide (`condition` of the material use).
    pub condition: Option<String>,
    /// "二选一" … when the document is one of several alternatives.
    pub one_of_label: Option<String>,
    /// The other alternatives of its either-or group (material names).
    pub alternatives: Vec<String>,
    /// Both procedures are handled by the same department: reuse is confirmed (医疗机构管理条例
    /// §17 for the same authority). Across departments it is only a goal (只提交一次), to be
    /// confirmed locally.
    pub same_authority: bool,
}

/// Something a procedure needs that an earlier procedure issues: one document, or one of
/// several alternatives (an either-or group), possibly only in some cases.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChainNeed {
    /// The procedures that issue it; more than one: any one of them is enough.
    pub links: Vec<ChainLink>,
    /// Alternatives the applicant provides without another procedure (material names).
    pub or_provide: Vec<String>,
    /// "二选一" … for an either-or group.
    pub one_of_label: Option<String>,
    /// False for a material provided only in some cases (`required = false`): no order follows.
    pub required: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialUsage {
    pub guide: String,
    pub guide_title: String,
    pub form_label: String,
    pub copies: Fact,
    pub reused: bool,
    pub reuse_confirmed: bool,
    pub required: bool,
    pub condition: Option<String>,
    pub one_of_label: Option<String>,
}

impl MaterialUsage {
    /// How `guide` uses a material of its list.
    pub fn of(guide: &Guide, usage: &MaterialUseView) -> MaterialUsage {
        MaterialUsage {
            guide: guide.id.clone(),
            guide_title: guide.title.clone(),
            form_label: usage.form_label.clone(),
            copies: usage.copies.clone(),
            reused: usage.reused,
            reuse_confirmed: usage.reuse_confirmed,
            required: usage.required,
            condition: usage.condition.clone(),
            one_of_label: usage.one_of_label.clone(),
        }
    }
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
    /// The guide's plan rules, parsed (the self-check page evaluates them on an applicant's
    /// figures), and the vocabulary they speak.
    #[serde(skip)]
    pub rules: Vec<crate::model::plan::Rule>,
    #[serde(skip)]
    pub vocabulary: Option<String>,
    /// Materials this procedure issues.
    pub produces: Vec<GuideLink>,
    /// What earlier procedures issue that this one needs, either-or groups kept together.
    pub needs: Vec<ChainNeed>,
    /// Later procedures that reuse what this one issues.
    pub feeds: Vec<ChainLink>,
    /// Bundles this guide is part of.
    pub bundles: Vec<GuideLink>,
    /// The procedures this guide walks through together (an overview, not a procedure itself).
    pub covers: Vec<GuideLink>,
    pub file: String,
    /// Media files published under `guides/<id>/media/`.
    #[serde(skip)]
    pub assets: Vec<Asset>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegalBasisView {
    pub law: String,
    pub articles: Option<String>,
    /// What the law does for this procedure: it sets the permit, or it implements it.
    pub role: BasisRole,
    pub role_label: String,
    pub confidence: Confidence,
    pub confidence_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementView {
    pub prose: Prose,
    pub confidence: Confidence,
    pub confidence_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaterialUseView {
    pub number: usize,
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub trust: Trust,
    pub trust_label: String,
    pub form_label: String,
    pub copies: Fact,
    pub required: bool,
    pub condition: Option<String>,
    pub note: Option<Prose>,
    pub reused: bool,
    /// A reused document comes from the same department: reuse is confirmed. Otherwise the
    /// page says only that the applicant may ask not to submit it again (待本地确认).
    pub reuse_confirmed: bool,
    pub sample_count: usize,
    /// The procedure that issues this document, if any.
    pub produced_by: Option<GuideLink>,
    /// The name of this material's either-or group (`one_of`), if any.
    pub one_of: Option<String>,
    /// "二选一", "三选一" …
    pub one_of_label: Option<String>,
    /// The other members of its either-or group.
    pub alternatives: Vec<AlternativeRef>,
    /// The step at which it is handed in, when the guide says so.
    pub step: Option<StepLink>,
}

/// Another material of the same either-or group, by its number in the guide's list.
#[derive(Debug, Clone, Serialize)]
pub struct AlternativeRef {
    pub number: usize,
    pub id: String,
    pub name: String,
}

/// A step of the same guide, as a material's place of submission.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepLink {
    pub id: String,
    /// "2.2": stage and step number.
    pub number: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeLimitView {
    /// One fact, also for a guide with several clocks: "设置审批 30 日；执业登记 45 日（分别计时，
    /// 不能相加）", tagged with the weakest of their tags.
    pub statutory: Fact,
    /// The statutory clocks of a guide that covers several procedures, one by one.
    pub clocks: Vec<ClockView>,
    pub promised: Fact,
    /// The numbers behind the facts (None when unconfirmed), for totals.
    pub statutory_days: Option<u32>,
    pub statutory_working: bool,
    pub promised_days: Option<u32>,
    pub promised_working: bool,
    pub kind_label: String,
    pub note: Option<String>,
}

/// One statutory clock of a guide that covers several procedures.
#[derive(Debug, Clone, Serialize)]
pub struct ClockView {
    pub label: String,
    pub fact: Fact,
}

impl ClockView {
    /// The clocks as one fact, never added up: each with its own figure, the tag the weakest of
    /// theirs (a figure is never shown more firmly than its own tag).
    pub(crate) fn combined(clocks: &[ClockView], labels: &Labels) -> Fact {
        let weakest = clocks
            .iter()
            .filter(|c| !c.fact.unconfirmed)
            .map(|c| c.fact.confidence)
            .max();
        let Some(weakest) = weakest else {
            return Fact::new(None, Confidence::U, labels);
        };
        let each: Vec<String> = clocks.iter().map(|c| format!("{} {}", c.label, c.fact.text)).collect();
        let text = labels.fill(
            "clocks.combined",
            &[("clocks", &each.join(labels.get("clocks.separator")))],
        );
        Fact::new(Some(text), weakest, labels)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FeesView {
    /// "不收费", "收费" or "待本地确认".
    pub text: String,
    /// The same as a fact with its confidence tag: what every page prints.
    pub fact: Fact,
    pub free: Option<bool>,
    pub confidence: Confidence,
    pub confidence_label: String,
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
    pub logic_label: String,
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
    pub qualifier: String,
    pub duration: Option<String>,
    pub place: Option<String>,
    pub special: Option<crate::source::format::Special>,
    pub special_label: Option<String>,
    /// A special step whose time 行政许可法 §45 takes out of the statutory limit (never a
    /// site inspection).
    pub outside_clock: bool,
    pub video: Option<Video>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Video {
    pub title: String,
    /// File names under the guide's `media/` folder.
    pub src: String,
    pub mime: &'static str,
    pub poster: Option<String>,
    pub captions: String,
    pub transcript: Prose,
}

/// The "which permits do I need" questionnaire, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Finder {
    pub title: String,
    pub intro: Option<String>,
    pub questions: Vec<Question>,
    /// Everything an answer can add, in result order.
    pub items: Vec<FinderItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub hint: Option<String>,
    pub multiple: bool,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub id: String,
    pub label: String,
    pub adds: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FinderItem {
    pub id: String,
    /// A procedure to apply for: not a bundle, not a guide that covers other guides. The
    /// finder counts only these.
    pub permit: bool,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub department: String,
    pub conditions: Vec<ConditionText>,
}

/// A condition as plain text, with its confidence tag.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionText {
    pub text: String,
    pub confidence: Confidence,
    pub confidence_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaqEntry {
    pub id: String,
    pub question: String,
    pub answer: Prose,
}

/// Several guides taken as one journey (一件事).
#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub note: Option<String>,
    /// In the order an applicant goes through them. Their statutory limits each run from
    /// their own acceptance and are never added up.
    pub steps: Vec<BundleStep>,
    /// Steps whose time does not count toward the statutory limit (行政许可法 §45).
    pub outside_clock: Vec<OutsideClockStep>,
    pub fees_free: Vec<TaggedText>,
    pub fees_charged: Vec<ChargedFees>,
    pub fees_unconfirmed: Vec<String>,
    /// Each material once, as this order uses it.
    pub checklist: Vec<ChecklistItem>,
    /// Number of material entries across the guides in this order, before removing duplicates.
    pub material_entries: usize,
    pub file: String,
}

/// A text with the confidence of what it states.
#[derive(Debug, Clone, Serialize)]
pub struct TaggedText {
    pub text: String,
    pub confidence: Confidence,
    pub confidence_label: String,
}

/// A step of a bundle's procedure whose time the statutory limit does not count.
#[derive(Debug, Clone, Serialize)]
pub struct OutsideClockStep {
    /// The procedure's guide id and title.
    pub guide: String,
    pub guide_title: String,
    pub step_title: String,
    /// The kind of special step, in words (专家评审 …).
    pub special_label: String,
}

/// What one procedure of a bundle charges: its fee items, with the confidence of the fees.
#[derive(Debug, Clone, Serialize)]
pub struct ChargedFees {
    pub guide: String,
    pub guide_title: String,
    pub items: Vec<FeeItem>,
    pub confidence: Confidence,
    pub confidence_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleStep {
    pub number: usize,
    pub id: String,
    pub title: String,
    pub department: String,
    pub summary: String,
    pub statutory: Fact,
    pub promised: Fact,
    pub fees: Fact,
    pub stages: Vec<String>,
    pub produces: Vec<GuideLink>,
    /// Documents an earlier item of this bundle issues and this one uses.
    pub inputs: Vec<BundleInput>,
    /// Alternatives this order cannot use (issued only by a later item), with what is used
    /// instead.
    pub not_yet: Vec<BundleNotYet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleInput {
    pub material: String,
    pub material_name: String,
    /// The item of the bundle that issues it.
    pub from_number: usize,
    pub from_title: String,
    pub one_of_label: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleNotYet {
    pub material: String,
    pub material_name: String,
    pub from_number: usize,
    pub from_title: String,
    /// The alternatives used instead (names); empty for a conditional material left out.
    pub instead: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub number: usize,
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub trust: Trust,
    pub trust_label: String,
    /// The procedure in this bundle that issues it, if any.
    pub produced_by: Option<GuideLink>,
    pub uses: Vec<ChecklistUse>,
    /// Submitted by the applicant once (not issued inside the bundle).
    pub submit_once: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistUse {
    #[serde(flatten)]
    pub usage: MaterialUsage,
    /// Alternatives of the same group that this order cannot use yet.
    pub instead_of: Vec<String>,
}
