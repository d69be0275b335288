//! Samples with callouts, the chain of procedures, and bundles with their checklist.

use std::collections::BTreeSet;

use crate::common::*;

fn fixture_output() -> std::path::PathBuf {
    let out = temp_dir("samples").join("out");
    build(&fixtures().join("base"), &out);
    out
}

#[test]
fn material_page_with_a_sample_snapshot() {
    let out = fixture_output();
    let html = std::fs::read_to_string(out.join("materials/application-form/index.html")).unwrap();
    insta::assert_snapshot!("material_with_sample_main", main_part(&html));
}

#[test]
fn drawn_form_svg_snapshot() {
    let out = fixture_output();
    let svg = std::fs::read_to_string(out.join("materials/application-form/sample-1.svg")).unwrap();
    insta::assert_snapshot!("sample_form_svg", svg);
}

#[test]
fn blank_form_svg_snapshot() {
    let out = fixture_output();
    let svg = std::fs::read_to_string(out.join("materials/application-form/blank-form-1.svg")).unwrap();
    insta::assert_snapshot!("blank_form_svg", svg);
}

#[test]
fn bundle_page_snapshot() {
    let out = fixture_output();
    let html = std::fs::read_to_string(out.join("bundles/start/index.html")).unwrap();
    insta::assert_snapshot!("bundle_main", main_part(&html));
}

#[test]
fn callouts_are_a_list_linked_to_markers_and_images_have_sizes() {
    let out = fixture_output();
    let html = std::fs::read_to_string(out.join("materials/floor-plan-drawing/index.html")).unwrap();
    assert!(
        html.contains(r#"<img src="sample-1.svg" width="200" height="120" alt="标注了尺寸的示例平面图">"#),
        "{html}"
    );
    for n in 1..=2 {
        assert!(
            html.contains(&format!(r##"href="#sample-1-note-{n}""##)),
            "marker {n} links to its note"
        );
        assert!(
            html.contains(&format!(r#"<li id="sample-1-note-{n}""#)),
            "note {n} is a list item"
        );
    }
    assert!(
        html.contains("blank-blank.txt"),
        "the blank form is offered for download"
    );
    // A staff SVG is never inlined: only referenced by <img>.
    assert!(!html.contains("<line x1=\"100\""));
}

#[test]
fn the_chain_of_procedures_is_shown() {
    let out = fixture_output();
    let beta = std::fs::read_to_string(out.join("guides/beta/index.html")).unwrap();
    assert!(beta.contains("需要先办"), "beta needs what alpha issues");
    assert!(
        beta.contains("示例事项审批</a>（取得示例批准书）"),
        "{}",
        main_part(&beta)
    );
    let alpha = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(alpha.contains("办结后取得"));
    let approval = std::fs::read_to_string(out.join("materials/approval/index.html")).unwrap();
    assert!(approval.contains("的办理结果"));
}

/// The bundled site's bundles: each material once, as the order of the bundle uses it.
#[test]
fn bundle_checklists_list_each_material_once_as_the_order_uses_it() {
    let site = permitroom::check(&repo_root())
        .unwrap()
        .site
        .expect("the bundled site has no errors");
    assert!(!site.bundles.is_empty(), "the flagship content has a bundle");
    for bundle in &site.bundles {
        let members: Vec<&permitroom::model::Guide> = bundle
            .steps
            .iter()
            .map(|s| site.guides.iter().find(|g| g.id == s.id).unwrap())
            .collect();
        // What each guide uses in this order: its materials, less the alternatives that only a
        // later guide issues (the page says which one is used instead).
        let used = |g: &permitroom::model::Guide| -> Vec<String> {
            let step = bundle.steps.iter().find(|s| s.id == g.id).unwrap();
            g.materials
                .iter()
                .filter(|m| !step.not_yet.iter().any(|n| n.material == m.id))
                .map(|m| m.id.clone())
                .collect()
        };
        let ids: Vec<&str> = bundle.checklist.iter().map(|c| c.id.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "a material is listed twice in {}", bundle.id);
        let wanted: BTreeSet<String> = members.iter().flat_map(|g| used(g)).collect();
        assert_eq!(
            unique,
            wanted.iter().map(String::as_str).collect(),
            "the checklist is exactly the union of what the guides use in this order"
        );
        let entries: usize = members.iter().map(|g| used(g).len()).sum();
        assert_eq!(bundle.material_entries, entries);
        assert!(
            bundle.checklist.len() < entries,
            "deduplication removed something in {}",
            bundle.id
        );
        for item in &bundle.checklist {
            let users: Vec<&str> = members
                .iter()
                .filter(|g| used(g).contains(&item.id))
                .map(|g| g.id.as_str())
                .collect();
            assert_eq!(
                item.uses.iter().map(|u| u.usage.guide.as_str()).collect::<Vec<_>>(),
                users,
                "{}",
                item.id
            );
        }
        // A use left out is an alternative of a use kept, or a material needed only in some cases.
        for step in &bundle.steps {
            let guide = members.iter().find(|g| g.id == step.id).unwrap();
            for left_out in &step.not_yet {
                let m = guide.materials.iter().find(|m| m.id == left_out.material).unwrap();
                assert!(m.one_of.is_some() || !m.required, "{}: {}", step.id, m.id);
                assert!(
                    left_out.from_number > step.number,
                    "issued later: {}",
                    left_out.material_name
                );
            }
        }
    }
}

#[test]
fn the_flagship_samples_have_at_least_three_callouts() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    for id in ["setup-application", "practice-registration-form", "staff-roster"] {
        let material = site
            .materials
            .iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(!material.samples.is_empty(), "{id} has a sample");
        for sample in &material.samples {
            assert!(sample.callouts.len() >= 3, "{id}: {} callouts", sample.callouts.len());
        }
    }
}

#[test]
fn a_step_video_has_captions_a_transcript_and_a_qr_code_in_the_pdf() {
    let out = fixture_output();
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(
        html.contains(r#"<source src="media/submit.webm" type="video/webm">"#),
        "{}",
        main_part(&html)
    );
    assert!(html.contains(r#"<track kind="captions" src="media/submit.vtt" srclang="zh" label="中文字幕" default>"#));
    assert!(html.contains(r#"poster="media/submit-poster.png""#));
    assert!(
        html.contains("视频文字稿") && html.contains("<strong>受理通知书</strong>"),
        "transcript beside the video"
    );
    for file in ["submit.webm", "submit.vtt", "submit-poster.png"] {
        assert!(
            out.join("guides/alpha/media").join(file).is_file(),
            "{file} is published"
        );
    }
    let text = tool(
        "pdftotext",
        &[
            "-raw",
            out.join("guides/alpha/alpha-handout.pdf").to_str().unwrap(),
            "-",
        ],
    );
    assert!(text.stdout.contains("扫码观看视频：如何提交材料"), "{}", text.stdout);
}

#[test]
fn captions_must_be_webvtt() {
    let site = base_site("vtt");
    std::fs::write(
        site.join("media/submit.vtt"),
        "1\n00:00:00,000 --> 00:00:02,000\n字幕\n",
    )
    .unwrap();
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("media/submit.vtt:1:1: error: captions must be a WebVTT file"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_finder_without_javascript_lists_every_item_with_its_conditions() {
    let out = fixture_output();
    let html = std::fs::read_to_string(out.join("finder.html")).unwrap();
    assert!(
        html.contains(r#"<form id="finder-form" class="finder-form" hidden>"#),
        "the questions need JavaScript"
    );
    for title in ["示例一件事", "示例事项审批", "示例登记"] {
        assert!(html.contains(title), "{title} listed for readers without JavaScript");
    }
    assert!(html.contains("符合设置规划。"), "with their conditions");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("finder.json")).unwrap()).unwrap();
    assert_eq!(json["questions"][0]["answers"][1]["adds"], serde_json::json!(["beta"]));
}

#[test]
fn the_search_page_degrades_to_the_list_of_guides_without_javascript() {
    // What the index holds is checked against the documents in
    // `meaning::every_search_posting_lists_exactly_the_documents_that_hold_it`.
    let out = fixture_output();
    let search = std::fs::read_to_string(out.join("search.html")).unwrap();
    assert!(
        search.contains("<noscript>") && search.contains("guides/index.html"),
        "degrades to the all-guides page"
    );
}
