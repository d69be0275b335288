//! The self-check (issue 14, part 1): the Rust evaluator of an applicant's figures
//! (`model::plan::selfcheck::evaluate_figures`, built on the rule language's own evaluator) and
//! the page's evaluator (`selfcheck-eval.js`, as the build emits it, run by Node) give identical
//! results — status, and measured and required numbers bit for bit — on the figures of the
//! bundled plans, on the rules of the test fixtures (the base site's and every rule an invalid
//! case writes that parses), on rules written here to reach every quantity the figures give,
//! and on 600 seeded random figure sets.

use std::collections::BTreeMap;
use std::process::Command;

use permitroom::model::Site;
use permitroom::model::plan::Rule;
use permitroom::model::plan::rules::parse_check;
use permitroom::model::plan::selfcheck::{
    DoorFigures, FigureResult, Figures, RoomFigures, Status, count_mismatches, evaluate_figures, guide_json,
    plan_figures,
};
use permitroom::model::plan::vocabulary::Vocabulary;
use permitroom::source::format::Confidence;
use serde_json::{Value, json};

use crate::common::*;

/// A small deterministic generator (xorshift64*), so the random cases are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Random figures in a vocabulary: some blanks, areas with centimetre decimals, equipment of
/// the symbols the rules count (and one they do not), doors to rooms and outside.
fn random_figures(rng: &mut Rng, vocabulary: &Vocabulary, data: &Value) -> Figures {
    let kinds: Vec<&String> = vocabulary.kinds.keys().collect();
    let mut symbols: Vec<String> = data["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    for q in &vocabulary.quantities {
        symbols.extend(q.counts.iter().cloned());
    }
    symbols.push("not-counted".into());
    let n = rng.below(9) as usize;
    let metres = |rng: &mut Rng| (50 + rng.below(800)) as f64 / 100.0;
    let rooms: Vec<RoomFigures> = (0..n)
        .map(|i| {
            let mut equipment = BTreeMap::new();
            for s in &symbols {
                if rng.chance(40) {
                    equipment.insert(s.clone(), rng.below(4) as u32);
                }
            }
            RoomFigures {
                kind: kinds[rng.below(kinds.len() as u64) as usize].clone(),
                name: format!("room {i}"),
                length: (!rng.chance(10)).then(|| metres(rng)),
                width: (!rng.chance(10)).then(|| metres(rng)),
                area: rng.chance(20).then(|| (100 + rng.below(3000)) as f64 / 100.0),
                equipment,
            }
        })
        .collect();
    let doors = if n == 0 {
        Vec::new()
    } else {
        (0..rng.below(2 * n as u64 + 1))
            .map(|_| DoorFigures {
                from: rng.below(n as u64) as usize,
                to: (!rng.chance(25)).then(|| rng.below(n as u64) as usize),
            })
            .collect()
    };
    let mut quantities = BTreeMap::new();
    for q in &vocabulary.quantities {
        if !rng.chance(15) {
            quantities.insert(q.id.clone(), rng.below(10) as u32);
        }
    }
    Figures {
        gross_area: (!rng.chance(15)).then(|| (2000 + rng.below(30000)) as f64 / 100.0),
        quantities,
        rooms,
        doors,
    }
}

/// A number as both sides encode it: JSON has no infinity.
fn number(v: Option<f64>) -> Value {
    match v {
        None => Value::Null,
        Some(x) if x.is_finite() => json!(x),
        Some(x) if x.is_nan() => json!("NaN"),
        Some(x) => json!(if x > 0.0 { "Infinity" } else { "-Infinity" }),
    }
}

fn encode(results: &[FigureResult]) -> Value {
    results
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "status": r.status,
                "outcomes": r.outcomes.iter().map(|o| json!({
                    "room": o.room,
                    "status": o.status,
                    "measured": number(o.measured),
                    "required": number(o.required),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn rule(id: &str, text: &str, confidence: Confidence, reference: bool, site: &Site, vocabulary: &str) -> Option<Rule> {
    let check = parse_check(text, &site.vocabularies[vocabulary], &site.symbols).ok()?;
    Some(Rule {
        id: id.into(),
        statement: text.into(),
        check_text: text.into(),
        source: "test".into(),
        confidence,
        reference,
        check,
    })
}

/// Rules that reach every quantity the figures give, and the corners: division by zero,
/// every comparison, a group, the outside, a reference and an unconfirmed rule.
const EXTRA_RULES: &[&str] = &[
    "each treatment: doors == 1",
    "each treatment: doors_to(outside) == 0",
    "each waiting: doors_to(treatment) >= 1",
    "each sterilising: doors <= doors_to(instrument-processing)",
    "each xray: shortest_side >= 2200 mm",
    "each xray: shortest_side * 2 > net_area / 3 m",
    "net_area >= 0.8 * gross_area",
    "area(instrument-processing, toilet) < 0.25 * net_area",
    "area(treatment) >= 6 m2 * chairs",
    "count(sink) >= floor(chairs / 3) + 1",
    "count(sink, instrument-processing) == min(rooms(cleaning), 2)",
    "max(count(autoclave), 1) <= chairs / rooms(staff)",
    "rooms(treatment) * 2 >= ceil(chairs * 1.03)",
    "each treatment: chairs / count(sink) <= 2",
    "each treatment: net_area - 6 m2 * chairs > -0.5 m2",
    "openings(waiting, treatment) == 0",
    "doors_between(waiting, treatment) <= 1",
    "doors_between(treatment, toilet) + doors_between(cleaning, sterilising) == 0",
    "doors_between(waiting, sterilising) < rooms(treatment)",
];

#[test]
fn the_rust_and_the_browser_evaluators_agree_on_every_case() {
    let bundled = permitroom::check(&repo_root())
        .unwrap()
        .site
        .expect("the bundled site checks");
    let base = permitroom::check(&fixtures().join("base"))
        .unwrap()
        .site
        .expect("the base fixture checks");
    // Each entry: the page's data, the rules, the vocabulary and the figures to run.
    let mut suites: Vec<(String, Vec<Rule>, Vocabulary, Vec<Figures>)> = Vec::new();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let add_site = |site: &Site, name: &str, suites: &mut Vec<_>, rng: &mut Rng, extra: Vec<Rule>| {
        for guide in site.guides.iter().filter(|g| !g.rules.is_empty()) {
            let vocabulary = site.vocabularies[guide.vocabulary.as_deref().unwrap()].clone();
            let mut rules = guide.rules.clone();
            rules.extend(extra.iter().cloned());
            let data = guide_json(&rules, &vocabulary, &site.symbols, &site.edition.labels);
            let mut figures: Vec<Figures> = guide.plans.iter().map(|p| plan_figures(&p.plan)).collect();
            assert!(!figures.is_empty(), "{name}/{}: a guide with rules and plans", guide.id);
            figures.push(Figures::default());
            for _ in 0..150 {
                figures.push(random_figures(rng, &vocabulary, &data));
            }
            suites.push((format!("{name}/{}", guide.id), rules, vocabulary, figures));
        }
    };
    add_site(&bundled, "bundled", &mut suites, &mut rng, Vec::new());
    // The base fixture's rules, every rule an invalid case writes that parses, and the rules
    // above, with a reference and an unconfirmed one, on the base fixture's vocabulary.
    let mut extra = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases {
        let Ok(edits) = std::fs::read_to_string(case.join("edits.txt")) else {
            continue;
        };
        for line in edits.lines() {
            if let Some(text) = line.strip_prefix(">>> check = \"").and_then(|t| t.strip_suffix('"')) {
                let id = format!("{}", case.file_name().unwrap().to_string_lossy());
                extra.extend(rule(&id, text, Confidence::S, false, &base, "dental"));
            }
        }
    }
    let from_invalid = extra.len();
    assert!(from_invalid >= 2, "rules from the invalid cases: {from_invalid}");
    for (i, text) in EXTRA_RULES.iter().enumerate() {
        let r = rule(&format!("extra-{i}"), text, Confidence::S, false, &bundled, "dental");
        extra.push(r.unwrap_or_else(|| panic!("{text} parses")));
    }
    extra.extend(rule(
        "reference",
        "each treatment: net_area >= 9 m2 * chairs",
        Confidence::S,
        true,
        &bundled,
        "dental",
    ));
    extra.extend(rule(
        "unconfirmed",
        "gross_area >= 400 m2",
        Confidence::U,
        true,
        &bundled,
        "dental",
    ));
    add_site(&base, "fixture", &mut suites, &mut rng, extra.clone());
    // The same extra rules on the bundled dental guide's plans (its vocabulary has the group).
    let dental = bundled.guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    let mut figures: Vec<Figures> = dental.plans.iter().map(|p| plan_figures(&p.plan)).collect();
    let vocabulary = bundled.vocabularies["dental"].clone();
    let extra_bundled: Vec<Rule> = extra[from_invalid..].to_vec();
    let data = guide_json(&extra_bundled, &vocabulary, &bundled.symbols, &bundled.edition.labels);
    for _ in 0..300 {
        figures.push(random_figures(&mut rng, &vocabulary, &data));
    }
    suites.push(("extra/dental".into(), extra_bundled, vocabulary, figures));

    let mut payload = Vec::new();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for (name, rules, vocabulary, figures) in &suites {
        let data = guide_json(rules, vocabulary, &bundled.symbols, &bundled.edition.labels);
        let cases: Vec<Value> = figures
            .iter()
            .map(|f| {
                let results: Vec<FigureResult> = rules.iter().map(|r| evaluate_figures(r, f, vocabulary)).collect();
                for r in &results {
                    *statuses.entry(format!("{:?}", r.status)).or_default() += 1;
                    for o in &r.outcomes {
                        *statuses.entry(format!("outcome {:?}", o.status)).or_default() += 1;
                    }
                }
                total += 1;
                let mismatches = count_mismatches(f, vocabulary);
                *statuses
                    .entry(format!("mismatch {}", !mismatches.is_empty()))
                    .or_default() += 1;
                json!({ "figures": f, "expected": encode(&results), "mismatches": mismatches })
            })
            .collect();
        payload.push(json!({ "name": name, "data": data, "cases": cases }));
    }
    // Every verdict occurs, so no branch of either evaluator goes untested.
    for s in [
        "Pass",
        "Fail",
        "Unknown",
        "Drawing",
        "NotApplicable",
        "Reference",
        "Unconfirmed",
        "outcome Pass",
        "outcome Fail",
        "outcome Unknown",
        "mismatch true",
        "mismatch false",
    ] {
        assert!(statuses.get(s).copied().unwrap_or(0) > 0, "no {s} among {statuses:?}");
    }
    assert!(total >= 600, "{total} figure sets");
    println!("{total} figure sets; verdicts: {statuses:?}");

    let dir = temp_dir("selfcheck-diff");
    let evaluator = permitroom::render::html::EMBEDDED
        .iter()
        .find(|(name, _)| *name == "selfcheck-eval.js")
        .unwrap()
        .1;
    std::fs::write(dir.join("selfcheck-eval.js"), evaluator).unwrap();
    std::fs::write(dir.join("cases.json"), serde_json::to_vec(&payload).unwrap()).unwrap();
    let run = Command::new("node")
        .arg(repo_root().join("tests/suite/selfcheck_diff.js"))
        .arg(dir.join("selfcheck-eval.js"))
        .arg(dir.join("cases.json"))
        .output()
        .expect("node runs (Node.js is needed by the suite)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the evaluators differ:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains(&format!("{total} figure sets agree")), "{stdout}");
}

/// The figures of a bundled plan give the plan's own results: for every rule the figures can
/// check, the same verdict and the same measured and required numbers as the drawing.
#[test]
fn a_plans_own_figures_give_the_plans_results() {
    let site = permitroom::check(&repo_root())
        .unwrap()
        .site
        .expect("the bundled site checks");
    let mut compared = 0;
    let mut failing = 0;
    for guide in site.guides.iter().filter(|g| !g.rules.is_empty()) {
        let vocabulary = &site.vocabularies[guide.vocabulary.as_deref().unwrap()];
        for plan in &guide.plans {
            let figures = plan_figures(&plan.plan);
            for (rule, shown) in guide.rules.iter().zip(&plan.results) {
                assert_eq!(rule.id, shown.id);
                let got = evaluate_figures(rule, &figures, vocabulary);
                if got.status == Status::Drawing || got.status == Status::Unconfirmed {
                    continue;
                }
                let numbers: Vec<(f64, f64, bool)> = got
                    .outcomes
                    .iter()
                    .map(|o| (o.measured.unwrap(), o.required.unwrap(), o.status == Status::Pass))
                    .collect();
                let want: Vec<(f64, f64, bool)> = shown
                    .outcomes
                    .iter()
                    .map(|o| (o.measured_value, o.required_value, o.pass))
                    .collect();
                assert_eq!(numbers, want, "{}/{} rule {}", guide.id, plan.plan.id, rule.id);
                if !rule.reference {
                    let expected = if shown.not_applicable {
                        Status::NotApplicable
                    } else if shown.pass {
                        Status::Pass
                    } else {
                        failing += 1;
                        Status::Fail
                    };
                    assert_eq!(got.status, expected, "{}/{} rule {}", guide.id, plan.plan.id, rule.id);
                }
                compared += 1;
            }
        }
    }
    // Both guides' correct and wrong plans; the wrong ones fail some checkable rules.
    assert!(compared >= 30, "{compared} rule results compared");
    assert!(failing >= 2, "{failing} failing results among them");
    println!("{compared} rule results compared, {failing} failing");
}
