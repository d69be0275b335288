//! What the applicant reads is right (issue 11): the order of a chain with either-or
//! materials, which special steps fall outside the statutory clock, the confidence tag beside
//! every figure, and headline figures that never add what cannot be added. Each test reads
//! the built pages (or the checked model) for the meaning, not for the presence of a word.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;

fn site_output() -> &'static Path {
    bundled_site()
}

fn page(path: &str) -> String {
    std::fs::read_to_string(site_output().join(path)).unwrap()
}

fn site() -> permitroom::model::Site {
    bundled_model().clone()
}

/// The `<dd>` that follows `<dt>{term}</dt>` inside `within`, as HTML.
fn dd_after<'a>(within: &'a str, term: &str) -> &'a str {
    let dt = format!("<dt>{term}</dt><dd>");
    let start = within.find(&dt).unwrap_or_else(|| panic!("no <dt>{term}</dt>")) + dt.len();
    let end = start + within[start..].find("</dd>").unwrap();
    &within[start..end]
}

/// The part of a page between two markers.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from:?}"));
    let end = start
        + html[start..]
            .find(to)
            .unwrap_or_else(|| panic!("no {to:?} after {from:?}"));
    &html[start..end]
}

// ------------------------------------------------------------------------ 1. alternatives

/// No document is used by an item of a bundle before the item that issues it: the
/// deduplicated list never makes the practice licence an input of the radiology licence,
/// which comes earlier (it takes the setup approval instead, its alternative).
#[test]
fn a_bundle_never_uses_a_document_before_the_item_that_issues_it() {
    let site = site();
    assert!(!site.bundles.is_empty());
    for bundle in &site.bundles {
        let position: BTreeMap<&str, usize> = bundle
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        for item in &bundle.checklist {
            let Some(producer) = &item.produced_by else { continue };
            for use_ in &item.uses {
                assert!(
                    position[use_.usage.guide.as_str()] > position[producer.id.as_str()],
                    "{}: 《{}》 is issued by item {} ({}) but used by item {} ({})",
                    bundle.id,
                    item.name,
                    position[producer.id.as_str()] + 1,
                    producer.title,
                    position[use_.usage.guide.as_str()] + 1,
                    use_.usage.guide_title
                );
            }
        }
    }
}

/// The radiology licence takes the practice licence or the setup approval: its page names
/// both as one either-or need, the bundle says which one this order uses, and the table marks
/// both rows as 二选一.
#[test]
fn the_either_or_group_of_the_radiology_licence_is_shown_as_one() {
    let html = page("guides/radiology-licence/index.html");
    let chain = between(&html, "需要先办", "办结后取得");
    let needs: Vec<String> = chain
        .split("<li")
        .skip(1)
        .map(|li| html_text(&format!("<li{li}")))
        .collect();
    let need = needs
        .iter()
        .find(|l| l.contains("医疗机构执业登记"))
        .unwrap_or_else(|| panic!("{needs:?}"));
    assert!(need.starts_with("以下二选一："), "{need}");
    assert!(
        need.contains("医疗机构执业登记（口腔门诊部）（取得医疗机构执业许可证")
            && need.contains(" 或 医疗机构设置审批（口腔门诊部）（取得设置医疗机构批准书"),
        "both alternatives in one need: {need}"
    );
    for id in ["medical-licence", "setup-approval"] {
        let row = between(&html, &format!("data-check=\"m-{id}\""), "</tr>");
        assert!(row.contains("data-one-of=\"institution-licence\""), "{row}");
        assert!(html_text(row).contains("（二选一）"), "{}", html_text(row));
    }
    let bundle = page("bundles/open-dental-clinic/index.html");
    let step = html_text(between(&bundle, "第 4 项</span>", "</li>"));
    assert!(
        step.contains("医疗机构执业许可证要到第 5 项 医疗机构执业登记（口腔门诊部） 办结后才取得，本项用可替代的设置医疗机构批准书"),
        "{step}"
    );
    assert!(
        step.contains("设置医疗机构批准书（第 1 项"),
        "the setup approval is an input from item 1: {step}"
    );
}

/// A cycle through an either-or group that has another way out is no cycle; the same chain
/// without the alternative still is one.
#[test]
fn a_satisfiable_alternative_breaks_a_cycle_and_is_shown() {
    let site = base_site("one-of-cycle");
    // beta issues the floor plan alpha reuses, while beta needs alpha's approval: a cycle…
    edit(
        &site,
        "guides/beta/guide.toml",
        "visits = 1",
        "visits = 1\nproduces = [\"floor-plan-drawing\"]",
    );
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("a cycle in what the procedures issue and need: alpha → beta → alpha"),
        "{}",
        run.stderr
    );
    // …unless alpha may give its own application form instead of the floor plan.
    edit(
        &site,
        "guides/alpha/guide.toml",
        "material = \"application-form\"\nform = \"original\"",
        "material = \"application-form\"\nform = \"original\"\none_of = \"drawing-or-form\"",
    );
    edit(
        &site,
        "guides/alpha/guide.toml",
        "material = \"floor-plan-drawing\"\nform = \"copy\"",
        "material = \"floor-plan-drawing\"\nform = \"copy\"\none_of = \"drawing-or-form\"",
    );
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.join("output");
    build(&site, &out);
    let alpha = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    let chain = html_text(between(&alpha, "需要先办", "</ul>"));
    assert!(
        chain.contains("以下二选一：示例登记（取得建筑设计平面图） 或 自行提供申请书"),
        "{chain}"
    );
}

// ------------------------------------------------------------------------ 3. §45

/// 行政许可法 §45 takes expert review out of the clock, not site inspection: the fixture's
/// bundle lists alpha's expert review apart and never beta's site inspection, and beta's step
/// says its time counts.
#[test]
fn site_inspection_is_never_outside_the_statutory_clock() {
    let out = temp_dir("clock").join("out");
    build(&fixtures().join("base"), &out);
    let bundle = std::fs::read_to_string(out.join("bundles/start/index.html")).unwrap();
    let outside = html_text(dd_after(&bundle, "不计入法定时限"));
    assert!(outside.contains("示例事项审批：专家评审（专家评审）"), "{outside}");
    assert!(!outside.contains("现场核查"), "{outside}");
    let beta = std::fs::read_to_string(out.join("guides/beta/index.html")).unwrap();
    let special = html_text(dd_after(between(&beta, "step-inspect", "</li>"), "特殊环节"));
    assert!(special.starts_with("现场核查：所需时间计入法定办结时限"), "{special}");
    assert!(!special.contains("所需时间不计入"), "{special}");
    let alpha = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    let special = html_text(dd_after(between(&alpha, "step-review", "</li>"), "特殊环节"));
    assert!(special.starts_with("专家评审：所需时间不计入法定办结时限"), "{special}");
}

/// No guide of the sample room says a site inspection does not count.
#[test]
fn no_site_inspection_step_of_the_sample_room_claims_to_stop_the_clock() {
    let mut seen = 0;
    for guide in site().guides {
        for step in guide.stages.iter().flat_map(|s| &s.steps) {
            if step.special_label.as_deref() == Some("现场核查") {
                seen += 1;
                let said = format!("{} {}", step.body.text, step.duration.clone().unwrap_or_default());
                for sentence in said.split(['。', '；']) {
                    assert!(
                        !sentence.contains("不计入") || sentence.contains("不包括"),
                        "{} step {}: {sentence}",
                        guide.id,
                        step.id
                    );
                }
            }
        }
    }
    assert!(seen >= 3, "the sample room has site inspections: {seen}");
}

// ------------------------------------------------------------------------ 4. tags

/// "不收费" is a fact with a tag (二手来源 for the radiation safety licence) wherever it is
/// shown: the guide's summary box, its time-and-fees section, the index card, the bundle's
/// summary and its step.
#[test]
fn a_fee_carries_its_tag_wherever_it_is_shown() {
    let site = site();
    let guide = site
        .guides
        .iter()
        .find(|g| g.fees.free == Some(true) && g.fees.confidence_label != "已核实原文")
        .expect("a free procedure with a tag other than C");
    let label = &guide.fees.confidence_label;
    let page_html = page(&format!("guides/{}/index.html", guide.id));
    let summary = between(&page_html, "class=\"summary-box\"", "</section>");
    let times = between(&page_html, "id=\"time-and-fees\"", "</section>");
    let index = page("index.html");
    let card = between(&index, &format!("guides/{}/index.html\">", guide.id), "</dl>");
    let bundle = page("bundles/open-dental-clinic/index.html");
    let bundle_summary = between(&bundle, "class=\"summary-box\"", "</section>");
    let bundle_step = between(&bundle, &format!("guides/{}/index.html\">", guide.id), "</dl>");
    for (place, html) in [
        ("summary box", summary),
        ("time and fees", times),
        ("index card", card),
        ("bundle summary", bundle_summary),
        ("bundle step", bundle_step),
    ] {
        let fee = html_text(dd_after(html, "收费"));
        assert!(fee.contains("不收费"), "{place}: {fee}");
        assert!(
            fee.contains(label.as_str()),
            "{place}: 不收费 without its tag {label}: {fee}"
        );
    }
}

/// The index card shows a limit with its tag and its caveat: 20 working days of the radiation
/// licence are not shown bare, and the registration's 45 days say that expert review is not
/// counted in them.
#[test]
fn an_index_card_shows_a_limit_with_its_tag_and_caveat() {
    let site = site();
    let index = page("index.html");
    for guide in &site.guides {
        let card = between(&index, &format!("guides/{}/index.html\">", guide.id), "</dl>");
        let limit = html_text(dd_after(card, "法定时限"));
        let fact = &guide.time_limit.statutory;
        if !fact.unconfirmed && fact.confidence_label != "已核实原文" {
            assert!(limit.contains(fact.confidence_label.as_str()), "{}: {limit}", guide.id);
        }
        let expert_review = guide
            .stages
            .iter()
            .flat_map(|s| &s.steps)
            .any(|s| s.special_label.as_deref() == Some("专家评审"));
        if expert_review && !fact.unconfirmed {
            assert!(limit.contains("不含专家评审的时间"), "{}: {limit}", guide.id);
        }
    }
}

// ------------------------------------------------------------------------ 5. headlines

/// The all-in-one guide has two clocks run one after the other: both are shown, neither
/// alone as "the" limit, and they are not added.
#[test]
fn the_all_in_one_guide_shows_both_clocks() {
    let html = page("guides/dental-outpatient/index.html");
    let summary = between(&html, "class=\"summary-box\"", "</section>");
    let limit = html_text(dd_after(summary, "法定办结时限"));
    assert!(limit.contains("设置审批：30 日"), "{limit}");
    assert!(limit.contains("执业登记：45 日"), "{limit}");
    assert!(limit.contains("不能相加"), "{limit}");
    assert!(!limit.contains("75"), "{limit}");
    let index = page("index.html");
    let card = between(&index, "guides/dental-outpatient/index.html\">", "</dl>");
    let limit = html_text(dd_after(card, "法定时限"));
    assert!(limit.starts_with("设置审批 30 日；执业登记 45 日"), "{limit}");
}

/// The bundle's note says the limits cannot be added: the page adds none. It shows each
/// item's limit in order instead.
#[test]
fn the_bundle_adds_no_limits() {
    let site = site();
    let bundle = &site.bundles[0];
    let html = page(&format!("bundles/{}/index.html", bundle.id));
    let summary = between(&html, "class=\"summary-box\"", "</section>");
    assert!(!html_text(summary).contains("时限合计"), "{}", html_text(summary));
    let calendar_sum: u32 = site
        .guides
        .iter()
        .filter(|g| bundle.steps.iter().any(|s| s.id == g.id))
        .filter(|g| !g.time_limit.statutory_working)
        .filter_map(|g| g.time_limit.statutory_days)
        .sum();
    assert!(calendar_sum >= 75, "30 + 45 calendar days at least");
    assert!(
        !html_text(&html).contains(&format!("{calendar_sum} 日")),
        "the sum {calendar_sum} 日 appears on the page"
    );
    let limits = html_text(dd_after(summary, "法定时限"));
    let mut at = 0;
    for step in &bundle.steps {
        let line = format!("第 {} 项 {}：{}", step.number, step.title, step.statutory.text);
        let found = limits[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("{line} not in order in {limits}"));
        at += found + line.len();
    }
    assert!(limits.contains("不能相加"), "{limits}");
}

/// The finder counts procedures only: not the bundle, not the guide that covers two of them.
/// Checked on finder.json, which the script counts with `item.permit`.
#[test]
fn the_finder_counts_procedures_only() {
    let finder: serde_json::Value = serde_json::from_str(&page("finder.json")).expect("finder.json is JSON");
    let answers: BTreeMap<&str, Vec<&str>> = finder["questions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["answers"].as_array().unwrap())
        .map(|a| {
            let adds = a["adds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            (a["id"].as_str().unwrap(), adds)
        })
        .collect();
    let wanted: Vec<&str> = answers["kind-1"].iter().chain(&answers["xray-1"]).copied().collect();
    let items: Vec<&serde_json::Value> = finder["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| wanted.contains(&i["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        items.len(),
        7,
        "the answers select the bundle, the overview and 5 procedures"
    );
    let permits: Vec<&str> = items
        .iter()
        .filter(|i| i["permit"] == serde_json::Value::Bool(true))
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        permits,
        [
            "dental-setup-approval",
            "business-licence",
            "radiation-safety-licence",
            "radiology-licence",
            "dental-practice-registration"
        ]
    );
    let script = page("assets/finder.js");
    assert!(script.contains("item.permit"), "the script counts permits");
}

// ------------------------------------------------------------------------ facts

/// The sample forms describe the room the compliant plan draws: the same gross area and a
/// panoramic X-ray room (a callout warns that these must agree).
#[test]
fn the_sample_forms_agree_with_the_compliant_plan() {
    let site = site();
    let guide = site.guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    let plan = guide
        .plans
        .iter()
        .find(|p| p.plan.example == permitroom::source::format::ExampleKind::Correct)
        .unwrap();
    let area = format!("{}", plan.plan.gross_area_m2.round());
    // The compliant plan's 6 chairs (领域简报 §3 worked example); the plan's own count is checked
    // against its rules by the plans module.
    let chairs = 6;
    for material in ["setup-application", "practice-registration-form"] {
        let svg = page(&format!("materials/{material}/sample-1.svg"));
        assert!(
            svg.contains(&format!(">{area} m²<")),
            "{material}: gross area {area} m²"
        );
        assert!(svg.contains(&format!(">{chairs} 台<")), "{material}: {chairs} chairs");
        assert!(svg.contains("全景"), "{material}: the plan's X-ray room is panoramic");
        assert!(!svg.contains("口内牙片机"), "{material}: not the intraoral unit");
    }
}

/// A dental clinic is another kind of institution (≥ 1 chair, filed), not "1–3 chairs", and
/// the finder does not send it to the business licence first.
#[test]
fn the_finder_does_not_bound_a_clinic_or_send_it_to_the_business_licence() {
    let site = site();
    let finder = site.finder.unwrap();
    let kind = finder.questions.iter().find(|q| q.id == "kind").unwrap();
    let clinic = kind.answers.iter().find(|a| a.label.contains("口腔诊所")).unwrap();
    assert!(!clinic.label.contains('3'), "{}", clinic.label);
    assert!(clinic.adds.is_empty(), "{:?}", clinic.adds);
}

/// The search index says which documents hold each pair of characters; the browser trusts
/// it for the count it shows. Recomputed here from the published documents (heads and text),
/// with the browser's shard function: every pair sits in the shard the browser will fetch,
/// and lists exactly the documents that hold it, in the right list (title, heading, text).
#[test]
fn every_search_posting_lists_exactly_the_documents_that_hold_it() {
    let out = site_output().join("search");
    let json =
        |path: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(out.join(path)).unwrap()).unwrap() };
    let meta = json("meta.json");
    let (docs, shards) = (
        meta["docs"].as_u64().unwrap() as usize,
        meta["shards"].as_u64().unwrap() as usize,
    );
    assert!(shards >= 2, "the bundled site is big enough for two shards: {shards}");
    let chunked = |dir: &str, size: &str| -> Vec<serde_json::Value> {
        let size = meta[size].as_u64().unwrap() as usize;
        (0..docs.div_ceil(size))
            .flat_map(|n| json(&format!("{dir}/{n}.json")).as_array().unwrap().clone())
            .collect()
    };
    let (heads, texts) = (chunked("heads", "head_chunk"), chunked("docs", "text_chunk"));
    // Pairs of letters, digits or CJK characters, lower-cased, never across other characters.
    let pairs = |text: &str| -> BTreeSet<String> {
        let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        chars
            .windows(2)
            .filter(|w| w.iter().all(|c| c.is_alphanumeric()))
            .map(|w| w.iter().collect())
            .collect()
    };
    // Where each document holds each pair: 0 title, 1 a heading, 2 only the text.
    let mut expected: BTreeMap<String, [BTreeSet<usize>; 3]> = BTreeMap::new();
    for (id, (head, text)) in heads.iter().zip(&texts).enumerate() {
        let title = pairs(head["title"].as_str().unwrap());
        let headings: BTreeSet<String> = head["headings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|h| pairs(h.as_str().unwrap()))
            .collect();
        let body = pairs(text.as_str().unwrap());
        for pair in title.iter().chain(&headings).chain(&body) {
            let list = if title.contains(pair) {
                0
            } else if headings.contains(pair) {
                1
            } else {
                2
            };
            expected.entry(pair.clone()).or_default()[list].insert(id);
        }
    }
    let mut indexed: BTreeMap<String, [BTreeSet<usize>; 3]> = BTreeMap::new();
    for n in 0..shards {
        for (pair, lists) in json(&format!("shards/{n}.json")).as_object().unwrap() {
            assert_eq!(
                permitroom::render::search::shard_of(pair, shards),
                n,
                "`{pair}` is in shard {n}, where the browser does not look"
            );
            let ids = |i: usize, step: usize| -> BTreeSet<usize> {
                lists[i]
                    .as_array()
                    .unwrap()
                    .iter()
                    .step_by(step)
                    .map(|v| v.as_u64().unwrap() as usize)
                    .collect()
            };
            indexed.insert(pair.clone(), [ids(0, 2), ids(1, 2), ids(2, 1)]);
        }
    }
    assert_eq!(
        indexed.len(),
        expected.len(),
        "as many pairs indexed as the documents hold"
    );
    for (pair, lists) in &expected {
        assert_eq!(indexed.get(pair), Some(lists), "postings of `{pair}`");
    }
}

/// A guide's later procedures ("后续…要用…") list every other guide that uses what it issues,
/// in the order of the guides and, within one, of its materials (not in the order of
/// `produces`); the guide itself and a guide that covers it are no later procedures.
#[test]
fn later_procedures_follow_the_guides_and_their_materials_and_skip_self_and_coverers() {
    let site = base_site("feeds-order");
    // alpha issues both documents beta uses, named in the other order; alpha reuses one itself.
    edit(
        &site,
        "guides/alpha/guide.toml",
        "produces = [\"approval\"]",
        "produces = [\"floor-plan-drawing\", \"approval\"]",
    );
    // delta is another later procedure; gamma walks through alpha together (covers it).
    for (id, title, extra) in [
        ("delta", "示例备案", ""),
        ("gamma", "示例变更", "covers = [\"alpha\"]\n"),
    ] {
        copy_dir(&site.join("guides/beta"), &site.join("guides").join(id));
        let file = format!("guides/{id}/guide.toml");
        edit(
            &site,
            &file,
            "title = \"示例登记\"",
            &format!("{extra}title = \"{title}\""),
        );
    }
    let out = site.join("output");
    build(&site, &out);
    let alpha = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    let list = between(&alpha, "<ul class=\"chain-feeds\">", "</ul>");
    let items: Vec<String> = list.split("<li>").skip(1).map(html_text).collect();
    let who_what: Vec<(&str, &str)> = items
        .iter()
        .map(|item| {
            let who = ["示例登记", "示例备案", "示例变更", "示例事项审批"]
                .into_iter()
                .find(|t| item.contains(t))
                .unwrap_or("?");
            let what = ["示例批准书", "建筑设计平面图"]
                .into_iter()
                .find(|m| item.contains(&format!("要用{m}")))
                .unwrap_or("?");
            (who, what)
        })
        .collect();
    assert_eq!(
        who_what,
        [
            ("示例登记", "示例批准书"),
            ("示例登记", "建筑设计平面图"),
            ("示例备案", "示例批准书"),
            ("示例备案", "建筑设计平面图"),
        ],
        "{items:?}"
    );
}
