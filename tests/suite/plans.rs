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
