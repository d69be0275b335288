//! Whole-site builds: the bundled guides, snapshots of pages, determinism, atomic output.

use crate::common::*;

#[test]
fn the_bundled_guides_check_without_errors_or_warnings() {
    let run = permitroom(&["check", "--root", repo_root().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn two_builds_of_the_bundled_site_are_byte_identical() {
    let (a, b) = (temp_dir("det-a"), temp_dir("det-b"));
    build(&repo_root(), &a.join("out"));
    build(&repo_root(), &b.join("out"));
    let (ta, tb) = (read_tree(&a.join("out")), read_tree(&b.join("out")));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between two builds");
    }
    assert!(ta.keys().any(|p| p.ends_with(".pdf")), "PDFs are part of the build");
}

#[test]
fn file_list_of_the_fixture_site() {
    let out = temp_dir("files").join("out");
    build(&fixtures().join("base"), &out);
    let list: Vec<String> = read_tree(&out).into_keys().collect();
    insta::assert_snapshot!("fixture_file_list", list.join("\n"));
}

#[test]
fn guide_page_main_snapshot() {
    let out = temp_dir("guide-page").join("out");
    build(&fixtures().join("base"), &out);
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    insta::assert_snapshot!("fixture_guide_main", main_part(&html));
}

#[test]
fn material_and_index_main_snapshots() {
    let out = temp_dir("pages").join("out");
    build(&fixtures().join("base"), &out);
    let html = std::fs::read_to_string(out.join("materials/floor-plan-drawing/index.html")).unwrap();
    insta::assert_snapshot!("fixture_material_main", main_part(&html));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    insta::assert_snapshot!("fixture_index_main", main_part(&html));
}

#[test]
fn pages_make_no_request_to_another_host_and_carry_a_csp() {
    let out = temp_dir("hosts").join("out");
    build(&repo_root(), &out);
    for (path, bytes) in read_tree(&out).iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(html.contains("Content-Security-Policy"), "{path} has no CSP");
        for attr in ["src=\"http", "href=\"//", "src=\"//", "url(http"] {
            assert!(
                !html.contains(attr),
                "{path} loads something from another host ({attr})"
            );
        }
        for (i, _) in html.match_indices("<link ") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(!tag.contains("http"), "{path}: {tag}");
        }
        // Scripts only from the site itself, never inline (the CSP would block them anyway).
        // A JSON-LD data block is not a script (never run) and must parse as JSON.
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find("</script>").unwrap()];
            if let Some(data) = tag.strip_prefix("<script type=\"application/ld+json\">") {
                serde_json::from_str::<serde_json::Value>(data).unwrap_or_else(|e| panic!("{path}: {e}"));
                continue;
            }
            assert!(
                tag.starts_with("<script src=\"") && tag.ends_with("\">"),
                "{path}: {tag}"
            );
            assert!(tag.contains("assets/"), "{path}: {tag}");
        }
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = base_site("atomic");
    let out = site.join("output");
    build(&site, &out);
    let before = read_tree(&out);
    edit(
        &site,
        "guides/alpha/guide.toml",
        "material = \"application-form\"",
        "material = \"no-such-material\"",
    );
    let run = permitroom(&["build", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("was left as it was"), "{}", run.stderr);
    assert_eq!(read_tree(&out), before, "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output.new-") || n.starts_with(".output.old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn new_scaffold_builds_and_lists_its_todos_as_warnings() {
    let site = temp_dir("scaffold");
    std::fs::copy(fixtures().join("base/site.toml"), site.join("site.toml")).unwrap();
    let run = permitroom(&["new", "food-shop", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guides/food-shop/guide.toml:3:10: warning: TODO left in the guide"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.matches("warning: TODO").count() >= 10, "{}", run.stderr);
    build(&site, &site.join("output"));
    assert!(site.join("output/guides/food-shop/index.html").is_file());
    let again = permitroom(&["new", "food-shop", "--root", site.to_str().unwrap()]);
    assert_eq!(again.code, 2, "new never overwrites: {}", again.stderr);
    let bad = permitroom(&["new", "Food Shop", "--root", site.to_str().unwrap()]);
    assert_eq!(bad.code, 2);
}

#[test]
fn site_templates_override_the_embedded_ones_by_name() {
    let site = base_site("override");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>找不到了</h1>{% endblock main %}",
    )
    .unwrap();
    let out = site.join("output");
    build(&site, &out);
    let html = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(html.contains("<h1>找不到了</h1>"), "{html}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("测试样板间"), "other templates stay embedded");
}

#[test]
fn help_names_the_commands_and_exit_codes() {
    let run = permitroom(&["--help"]);
    assert_eq!(run.code, 0);
    for word in [
        "build",
        "check",
        "new",
        "Exit codes: 0 success, 1 errors in the sources, 2 usage or I/O error",
    ] {
        assert!(run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    assert_eq!(permitroom(&["frobnicate"]).code, 2);
}

/// "以下步骤均需完成" over a stage with an optional step would tell the applicant to do it too.
#[test]
fn a_stage_with_an_optional_step_says_it_is_not_needed() {
    let site = permitroom::check(&repo_root()).unwrap().site.unwrap();
    let guide = site.guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    let stage = |id: &str| guide.stages.iter().find(|s| s.id == id).unwrap();
    // 选址: 参观样板间 (optional) and two needed steps.
    assert!(stage("site-selection").steps.iter().any(|t| t.optional));
    assert_eq!(
        stage("site-selection").logic_label,
        "以下步骤均需完成（标明“可选”的除外）"
    );
    assert!(stage("design").steps.iter().all(|t| !t.optional));
    assert_eq!(stage("design").logic_label, "以下步骤均需完成");
    assert_eq!(stage("fit-out").logic_label, "以下步骤任选其一即可");
}
