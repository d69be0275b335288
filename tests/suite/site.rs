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
    // The second build on one thread: the order work finishes in must not show in the bytes.
    let one_thread = std::process::Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args(["build", "--root", repo_root().to_str().unwrap(), "--out"])
        .arg(b.join("out"))
        .env_remove("SOURCE_DATE_EPOCH")
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(
        one_thread.status.success(),
        "{}",
        String::from_utf8_lossy(&one_thread.stderr)
    );
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
            // So is the self-check's rules block, which its script reads as text.
            if let Some(data) = tag
                .strip_prefix("<script type=\"application/ld+json\">")
                .or_else(|| tag.strip_prefix("<script type=\"application/json\" id=\"selfcheck-data\">"))
                // And the words of the page's scripts (templates/labels/<lang>.toml).
                .or_else(|| tag.strip_prefix("<script type=\"application/json\" id=\"page-labels\">"))
            {
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
    // Each warning names the kind of file it sits in.
    for line in run.stderr.lines().filter(|l| l.contains("warning: TODO")) {
        let expected = if line.starts_with("materials/") {
            "TODO left in the material"
        } else if line.starts_with("vocabularies/") {
            "TODO left in the vocabulary"
        } else {
            "TODO left in the guide"
        };
        assert!(line.ends_with(expected), "{line}");
    }
    assert!(run.stderr.contains("TODO left in the material"), "{}", run.stderr);
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
        "init",
        "--quiet",
        "--verbose",
        "Exit codes: 0 success, 1 errors in the sources, 2 usage or I/O error",
    ] {
        assert!(run.stdout.contains(word), "{word}: {}", run.stdout);
    }
    assert_eq!(permitroom(&["frobnicate"]).code, 2);
}

#[test]
fn init_makes_a_site_that_checks_builds_and_lists_its_todos() {
    let site = temp_dir("init").join("new-room");
    let root = site.to_str().unwrap();
    let run = permitroom(&["init", "--root", root, "--guide", "shop-licence"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "site.toml",
        ".gitignore",
        "guides/shop-licence/guide.toml",
        "vocabularies/shop-licence.toml",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    // The global --root may come before the command, too.
    let run = permitroom(&["--root", root, "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("site.toml:4:10: warning: TODO left in the site settings"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("warning: TODO left in the guide"), "{}", run.stderr);
    build(&site, &site.join("output"));
    assert!(site.join("output/guides/shop-licence/index.html").is_file());
    // Never over an existing site: nothing changes.
    let before = read_tree(&site.join("guides"));
    let again = permitroom(&["init", "--root", root]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("site.toml already exists"), "{}", again.stderr);
    assert_eq!(read_tree(&site.join("guides")), before);
}

#[test]
fn quiet_prints_only_errors_and_verbose_prints_the_stage_times() {
    let site = temp_dir("loudness");
    std::fs::copy(fixtures().join("base/site.toml"), site.join("site.toml")).unwrap();
    let root = site.to_str().unwrap();
    assert_eq!(permitroom(&["new", "shop", "--root", root]).code, 0);
    let normal = permitroom(&["check", "--root", root]);
    assert!(
        normal.stderr.contains("warning: TODO") && normal.stderr.contains("no errors"),
        "{}",
        normal.stderr
    );
    let quiet = permitroom(&["-q", "check", "--root", root]);
    assert_eq!(
        (quiet.code, quiet.stderr.as_str()),
        (0, ""),
        "warnings and the summary are left out"
    );
    let verbose = permitroom(&["check", "--root", root, "-v"]);
    assert!(verbose.stderr.contains("checked the sources in"), "{}", verbose.stderr);
    // Errors still show when quiet.
    edit(
        &site,
        "guides/shop/guide.toml",
        "[[stages]]",
        "[[stages]]\nnot_a_field = 1",
    );
    let quiet = permitroom(&["check", "-q", "--root", root]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stderr.contains("error:") && !quiet.stderr.contains("warning:"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn base_url_on_the_command_line_is_where_the_handouts_point() {
    let out = temp_dir("base-url").join("out");
    let run = permitroom(&[
        "build",
        "--root",
        fixtures().join("base").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "https://staging.example.org/room/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("guides/alpha/alpha-handout.pdf");
    let text = tool("pdftotext", &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).stdout;
    let text: String = text.split_whitespace().collect();
    assert!(
        text.contains("https://staging.example.org/room/guides/alpha/"),
        "{text}"
    );
    assert!(
        !text.contains("https://example.cn/room/"),
        "site.toml's address is replaced"
    );
    let bad = permitroom(&[
        "build",
        "--root",
        fixtures().join("base").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "staging.example.org",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("must be an absolute http(s) URL"), "{}", bad.stderr);
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

/// A site whose check finds one error (a misspelt field) and TODO warnings.
fn site_with_an_error(name: &str) -> std::path::PathBuf {
    let site = temp_dir(name);
    std::fs::copy(fixtures().join("base/site.toml"), site.join("site.toml")).unwrap();
    assert_eq!(permitroom(&["new", "shop", "--root", site.to_str().unwrap()]).code, 0);
    edit(&site, "guides/shop/guide.toml", "[[stages]]", "[[stages]]\ntitel = 1");
    site
}

#[test]
fn diagnostics_are_coloured_only_where_asked_and_never_with_no_color() {
    let site = site_with_an_error("colour");
    let run = |env: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_permitroom"));
        command.args(["check", "--root", site.to_str().unwrap()]);
        for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
            command.env_remove(var);
        }
        command.envs(env.iter().copied());
        String::from_utf8(command.output().unwrap().stderr).unwrap()
    };
    // Not a terminal: plain, as every other test here sees it.
    let plain = run(&[]);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let coloured = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(coloured.contains("\u{1b}["), "colours when forced: {coloured}");
    // The same words, only painted.
    let stripped = anstream::adapter::strip_str(&coloured).to_string();
    assert_eq!(stripped, plain);
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'),
        "NO_COLOR wins"
    );
}

#[test]
fn check_as_json_gives_each_problem_with_the_place_the_text_shows() {
    let site = site_with_an_error("json");
    let human = permitroom(&["check", "--root", site.to_str().unwrap()]);
    let run = permitroom(&["check", "--root", site.to_str().unwrap(), "--format", "json"]);
    assert_eq!((run.code, human.code), (1, 1), "{}", run.stderr);
    assert_eq!(run.stderr, "", "JSON goes to stdout, nothing else is printed");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let items = json.as_array().unwrap();
    let errors: Vec<_> = items.iter().filter(|d| d["severity"] == "error").collect();
    let warnings = items.iter().filter(|d| d["severity"] == "warning").count();
    assert_eq!(errors.len(), 1, "{json:#}");
    assert!(warnings >= 10, "the scaffold's TODOs: {warnings}");
    assert!(
        human.stderr.contains(&format!("1 error(s), {warnings} warning(s)")),
        "{}",
        human.stderr
    );
    let e = errors[0];
    // Each problem's place is the one the text headline gives.
    let headline = format!(
        "{}:{}:{}: error: {}",
        e["file"].as_str().unwrap(),
        e["line"],
        e["column"],
        e["message"].as_str().unwrap()
    );
    assert!(human.stderr.contains(&headline), "{headline}\n{}", human.stderr);
    assert!(e["message"].as_str().unwrap().contains("titel"), "{e}");
    assert!(e["end_column"].as_u64() > e["column"].as_u64(), "{e}");
    let clean = permitroom(&[
        "check",
        "--root",
        fixtures().join("base").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!((clean.code, clean.stdout.trim()), (0, "[]"));
}

#[test]
fn a_build_says_how_far_it_has_come() {
    let site = fixtures().join("base");
    let out = temp_dir("progress").join("out");
    let args = [
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    // Not a terminal: one line per finished stage, with the counts.
    let run = permitroom(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("rendered the pages of 2 guide(s) in "),
        "{}",
        run.stderr
    );
    // Two guides' handouts, the bundle's, the blank forms.
    assert!(
        lines[1].starts_with("rendered 4 batch(es) of PDFs in "),
        "{}",
        run.stderr
    );
    assert!(lines[2].starts_with("built "), "{}", run.stderr);
    let quiet = permitroom(&[&["-q"], &args[..]].concat());
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    // On a terminal (`script` gives the command one): a bar per stage, counting up to its total.
    let command = format!("{} {} --no-pdf", env!("CARGO_BIN_EXE_permitroom"), args.join(" "));
    let shown = std::process::Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .output()
        .expect("`script` (bsdutils) runs");
    let shown = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(shown.contains("pages [") && shown.contains("] 2/2"), "{shown:?}");
    assert!(
        !shown.contains("rendered the pages"),
        "a bar instead of the line: {shown:?}"
    );
}

#[test]
fn an_error_in_a_site_pdf_template_is_shown_at_its_line() {
    let site = base_site("typst-template-error");
    let out = site.join("output");
    build(&site, &out);
    let before = read_tree(&out);
    let built_in = std::fs::read_to_string(repo_root().join("templates/short.typ")).unwrap();
    let line = built_in.lines().position(|l| l.starts_with("#let data")).unwrap() + 1;
    let broken: String = built_in
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                format!("{l} #let x = (\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/short.typ"), broken).unwrap();
    let run = permitroom(&["build", "--root", site.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let col = built_in.lines().nth(line - 1).unwrap().chars().count() + 2;
    let place = format!(
        "templates/short.typ:{line}:{col}: error: in the site's PDF template: the character `#` is not valid in code"
    );
    assert!(run.stderr.contains(&place), "{place}\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("met while making the PDF handout of `guides/alpha/guide.toml`"),
        "{}",
        run.stderr
    );
    assert_eq!(read_tree(&out), before, "the last good output stays");
}
