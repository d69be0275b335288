//! A floor plan, from arbitrary bytes, as the build takes it: parsed (`parse::parse_toml`
//! into `PlanToml`), measured in the bundled dental vocabulary with the site's symbols
//! (`measure::measure_plan`), checked against the dental guide's rules
//! (`model::plan::check::check_plan`) and drawn (`render::plan_svg::plan_svg`, then parsed by usvg as the PNG render
//! does). Properties: never a panic; every diagnostic lies in the plan's text; the drawing is
//! well-formed XML with a positive size and no `NaN` or infinite number in it.

#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use permitroom::diagnostics::Diagnostics;
use permitroom::source::plan_format::PlanToml;
use permitroom::model::plan::{Rule, check, measure};
use permitroom::render::plan_svg as svg;
use permitroom::source::load::SourceTree;
use permitroom::model::Site;
use permitroom::source::parse::{self, ParsedGuide};
use permitroom::source::format::ExampleKind;

const GUIDE: &str = "dental-outpatient";
const FILE: &str = "guides/dental-outpatient/plans/fuzzed.toml";

/// Attributes that hold only numbers (author text is elsewhere).
const NUMERIC: &[&str] = &[
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d", "points", "transform",
    "viewBox", "stroke-width", "font-size", "dx", "dy",
];

struct Fixed {
    site: Site,
    guide: ParsedGuide,
    rules: Vec<Rule>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let tree = common::bundled();
        let (parsed, _) = parse::parse_site(tree);
        let checked = permitroom::check_tree(tree.clone(), Diagnostics::default());
        assert!(!checked.diagnostics.has_errors(), "the bundled site resolves");
        let site = checked.site.expect("the bundled site");
        let guide = parsed.guides.into_iter().find(|g| g.id.as_str() == GUIDE).expect("the dental guide");
        let vocabulary = &site.vocabularies["dental"];
        let mut d = Diagnostics::default();
        let rules = check::parse_rules(&guide, tree.text(&guide.file).unwrap(), vocabulary, &site.symbols, &mut d);
        assert!(!d.has_errors() && !rules.is_empty(), "the dental rules parse");
        Fixed { site, guide, rules }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixed = fixed();
    let tree = SourceTree::from_files([(FILE, data)]);
    let mut d = Diagnostics::default();
    let Some(plan) = parse::parse_toml::<PlanToml>(&tree, FILE, permitroom::source::edition::Reading::PRIMARY, &mut d) else {
        common::print_and_check_places(&d, &tree);
        return;
    };
    let example = [ExampleKind::Correct, ExampleKind::Wrong, ExampleKind::Reference][data.len() % 3];
    let vocabulary = &fixed.site.vocabularies["dental"];
    let symbols = &fixed.site.symbols;
    if let Some(measured) = measure::measure_plan(FILE, "fuzzed", example, &plan, vocabulary, symbols, &mut d) {
        let labels = &fixed.site.edition.labels;
        let context = check::PlanContext { guide_file: &fixed.guide.file, vocabulary, symbols, labels };
        let report = check::check_plan(&context, measured, &fixed.rules, 0..0, &mut d);
        let drawing = svg::plan_svg(&report, vocabulary, symbols, labels);
        assert!(drawing.width > 0 && drawing.height > 0, "a drawing of {}×{}", drawing.width, drawing.height);
        let doc = roxmltree::Document::parse(&drawing.svg).unwrap_or_else(|e| panic!("the drawing is not XML: {e}"));
        for attr in doc.descendants().flat_map(|n| n.attributes()) {
            if NUMERIC.contains(&attr.name()) {
                let v = attr.value();
                assert!(!v.contains("NaN") && !v.contains("inf"), "{}=\"{v}\" in the drawing", attr.name());
            }
        }
        permitroom::render::png::parse_svg(&drawing.svg, None).expect("usvg reads the drawing");
        serde_json::to_string(&report).expect("the report serialises");
    }
    common::print_and_check_places(&d, &tree);
});
