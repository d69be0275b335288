//! Floor plans: the SVG text as a snapshot, the PNG against a committed reference image.

use crate::common::*;
use resvg::tiny_skia::Pixmap;

#[test]
fn fixture_plan_svg_snapshot() {
    let out = temp_dir("plan-svg").join("out");
    build(&fixtures().join("base"), &out);
    let good = std::fs::read_to_string(out.join("guides/alpha/plans/good.svg")).unwrap();
    insta::assert_snapshot!("fixture_plan_good_svg", good);
    let bad = std::fs::read_to_string(out.join("guides/alpha/plans/bad.svg")).unwrap();
    insta::assert_snapshot!("fixture_plan_bad_svg", bad);
}

/// Compares a PNG with its reference: at most 0.5 % of pixels may differ, none by more than
/// a small amount per channel. On failure a diff image is written beside the test output.
/// `MAKE_REF=1` rewrites the reference.
fn assert_png_matches(actual_png: &[u8], reference: &str) {
    let reference_path = fixtures().join("reference").join(reference);
    if std::env::var_os("MAKE_REF").is_some() {
        std::fs::create_dir_all(reference_path.parent().unwrap()).unwrap();
        std::fs::write(&reference_path, actual_png).unwrap();
        return;
    }
    let actual = Pixmap::decode_png(actual_png).unwrap();
    let expected =
        Pixmap::decode_png(&std::fs::read(&reference_path).expect("reference PNG (MAKE_REF=1 makes it)")).unwrap();
    assert_eq!(
        (actual.width(), actual.height()),
        (expected.width(), expected.height()),
        "image size"
    );
    let mut diff = Pixmap::new(actual.width(), actual.height()).unwrap();
    let mut differing = 0usize;
    for (i, (a, e)) in actual.pixels().iter().zip(expected.pixels()).enumerate() {
        let d = [
            a.red().abs_diff(e.red()),
            a.green().abs_diff(e.green()),
            a.blue().abs_diff(e.blue()),
            a.alpha().abs_diff(e.alpha()),
        ];
        let max = d.into_iter().max().unwrap();
        if max > 8 {
            differing += 1;
            diff.pixels_mut()[i] = resvg::tiny_skia::PremultipliedColorU8::from_rgba(255, 0, 0, 255).unwrap();
        }
    }
    let total = actual.pixels().len();
    if differing * 200 > total {
        let diff_path = temp_dir("png-diff").join(format!("diff-{reference}"));
        diff.save_png(&diff_path).unwrap();
        panic!(
            "{differing} of {total} pixels differ from {}; diff image: {}",
            reference_path.display(),
            diff_path.display()
        );
    }
}

#[test]
fn fixture_plan_png_matches_reference() {
    let out = temp_dir("plan-png").join("out");
    build(&fixtures().join("base"), &out);
    let png = std::fs::read(out.join("guides/alpha/plans/good.png")).unwrap();
    assert_png_matches(&png, "alpha-good.png");
    // The bundled font was used: Chinese labels are drawn, so the label area is not blank.
    let pixmap = Pixmap::decode_png(&png).unwrap();
    assert!(pixmap.width() > 600 && pixmap.height() > 400);
}

#[test]
fn wrong_example_outlines_failing_rooms() {
    let out = temp_dir("plan-wrong").join("out");
    build(&fixtures().join("base"), &out);
    let svg = std::fs::read_to_string(out.join("guides/alpha/plans/bad.svg")).unwrap();
    assert!(svg.contains("<g id=\"failures\">"), "failing rooms are outlined");
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(html.contains("这个方案的问题（共 2 处）"), "the failures are explained");
    let good = std::fs::read_to_string(out.join("guides/alpha/plans/good.svg")).unwrap();
    assert!(!good.contains("id=\"failures\""));
}

#[test]
fn a_site_can_add_equipment_symbols() {
    let site = base_site("symbols");
    std::fs::create_dir_all(site.join("symbols")).unwrap();
    std::fs::write(
        site.join("symbols/extra.toml"),
        "[[symbol]]\nid = \"water-purifier\"\nlabel = \"纯水机\"\nwidth = 500\ndepth = 400\n",
    )
    .unwrap();
    edit(
        &site,
        "guides/alpha/plans/good.toml",
        "symbol = \"autoclave\"",
        "symbol = \"water-purifier\"",
    );
    edit(
        &site,
        "guides/alpha/guide.toml",
        "check = \"rooms(sterilising) >= 1\"",
        "check = \"count(water-purifier) >= 1\"",
    );
    let out = site.join("output");
    build(&site, &out);
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(
        html.contains("纯水机 × 1"),
        "the site's own symbol is measured and counted"
    );
    let svg = std::fs::read_to_string(out.join("guides/alpha/plans/good.svg")).unwrap();
    assert!(svg.contains(">纯水机</text>"), "and shown in the legend");
}

#[test]
fn equipment_is_counted_by_kind() {
    let out = temp_dir("equipment").join("out");
    build(&fixtures().join("base"), &out);
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(
        html.contains("<strong>设备合计：</strong>高压蒸汽灭菌器 × 1；牙科治疗椅 × 2"),
        "{}",
        main_part(&html)
    );
}

/// Net (usable) area is measured inside the walls, so on every bundled plan it is less than the
/// gross area, and a room drawn on wall axes loses exactly its share of the walls.
#[test]
fn net_area_is_the_clear_inside_on_every_bundled_plan() {
    let checked = permitroom::check(&repo_root()).expect("the bundled site loads");
    let site = checked.site.expect("the bundled site checks");
    let mut plans = 0;
    for guide in &site.guides {
        for p in &guide.plans {
            let (net, gross) = (p.plan.net_area_m2, p.plan.gross_area_m2);
            eprintln!(
                "{}/{}: gross {gross:.1} m², net {net:.1} m² ({:.1} %), walls {} / {} mm",
                guide.id,
                p.plan.id,
                100.0 * net / gross,
                p.plan.wall_mm,
                p.plan.outer_wall_mm
            );
            assert!(net < gross, "{}: net {net} is not less than gross {gross}", p.plan.file);
            for room in &p.plan.rooms {
                assert!(room.area_m2 > 0.0, "{}: {} has no inside", p.plan.file, room.id);
            }
            plans += 1;
        }
    }
    assert!(plans >= 2, "only {plans} plans");
    // 诊室 1 of the compliant dental plan: 3000 × 4200 mm on the axes, an outer wall of 240 mm on
    // the north side, interior walls of 200 mm on the other three: 2.8 m × 3.86 m inside.
    let dental = site.guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    let plan = &dental.plans.iter().find(|p| p.plan.id == "compliant").unwrap().plan;
    let room = plan.room("treat-1").unwrap();
    assert!((room.area_m2 - 2.8 * 3.86).abs() < 1e-6, "{}", room.area_m2);
    assert!((room.shortest_side_m - 2.8).abs() < 1e-9);
    let xray = plan.room("xray").unwrap();
    assert!(
        (xray.shortest_side_m - 2.2).abs() < 1e-9,
        "the X-ray room's clear width"
    );
}

/// The plan code speaks no permit's words: they live in the site's vocabularies and symbols.
#[test]
fn no_permit_words_in_the_code() {
    let words = [
        "牙椅",
        "口腔",
        "dental",
        "chair",
        "treatment",
        "xray",
        "x-ray",
        "厨房",
        "kitchen",
    ];
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(repo_root().join("src")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap().to_lowercase();
        for (n, line) in text.lines().enumerate() {
            for w in words {
                if line.contains(w) {
                    found.push(format!("{}:{}: {w}", entry.path().display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "permit words in src/: {found:#?}");
}

/// Every bundled plan, checked and drawn by the library itself.
fn bundled_drawings() -> Vec<(String, permitroom::model::plan::PlanReport, String)> {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    let mut out = Vec::new();
    for guide in &site.guides {
        for plan in &guide.plans {
            let svg = permitroom::render::plan_drawing(&site, plan).svg;
            out.push((format!("{}/{}", guide.id, plan.plan.id), plan.clone(), svg));
        }
    }
    out
}

/// Flows pass from room to room only through doors, windows and open connections: no leg of a
/// drawn route crosses a wall line anywhere (a leg ends exactly on the wall where it passes a
/// door, which is not a crossing).
#[test]
fn flow_routes_never_cross_a_wall() {
    use permitroom::model::plan::geometry::{edges, segments_cross};
    let mut legs = 0;
    for (name, report, _) in bundled_drawings() {
        let plan = &report.plan;
        for flow in &plan.flows {
            for leg in flow.route.windows(2) {
                for room in &plan.rooms {
                    for (a, b) in edges(&room.points) {
                        assert!(
                            !segments_cross(leg[0], leg[1], a, b),
                            "{name}: the `{}` flow crosses a wall of `{}` between {:?} and {:?}",
                            flow.kind,
                            room.id,
                            leg[0],
                            leg[1]
                        );
                    }
                }
                legs += 1;
            }
        }
    }
    assert!(legs > 40, "only {legs} legs checked");
}

/// The numbers a reader looks for: every failing rule of a wrong plan has its numbered marker
/// on the drawing, and no room label sits under an arrowhead (a flow's turn or end).
#[test]
fn markers_are_all_drawn_and_labels_stay_off_arrowheads() {
    for (name, report, svg) in bundled_drawings() {
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let numbers: Vec<String> = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("failures"))
            .map(|g| {
                g.descendants()
                    .filter(|n| n.has_tag_name("text"))
                    .filter_map(|t| t.text().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for r in report.results.iter().filter(|r| !r.pass && !r.reference) {
            if let Some(number) = r.number {
                assert!(
                    numbers.contains(&number.to_string()),
                    "{name}: rule {} ({number}) has no marker; markers: {numbers:?}",
                    r.id
                );
            }
        }
        // Room labels: the bold name and the area line below it.
        let labels = doc.descendants().find(|n| n.attribute("id") == Some("labels")).unwrap();
        let boxes: Vec<(String, f64, f64, f64, f64)> = labels
            .children()
            .filter(|n| n.has_tag_name("text") && n.attribute("font-weight") == Some("bold"))
            .map(|t| {
                let (x, y) = (
                    t.attribute("x").unwrap().parse::<f64>().unwrap(),
                    t.attribute("y").unwrap().parse::<f64>().unwrap(),
                );
                let size: f64 = t.attribute("font-size").unwrap().parse().unwrap();
                let text = t.text().unwrap_or_default().to_owned();
                let w = permitroom::render::plan_svg::text_width(&text, size);
                (text, x - w / 2.0, x + w / 2.0, y - size, y + size * 1.1)
            })
            .collect();
        for flow in &report.plan.flows {
            for p in flow.route.iter().skip(1) {
                for (text, x0, x1, y0, y1) in &boxes {
                    assert!(
                        !(p.x > *x0 && p.x < *x1 && p.y > *y0 && p.y < *y1),
                        "{name}: the label {text} sits under an arrowhead of the `{}` flow at {p:?}",
                        flow.kind
                    );
                }
            }
        }
    }
}
