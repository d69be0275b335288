//! Invalid sources: one folder per case under `tests/fixtures/invalid/`, each an edit of the
//! base fixture site (`edits.txt`) and the exact diagnostics expected (`expected.txt`: the
//! exit code, then what `permitroom check` prints). `UPDATE_EXPECT=1` rewrites the expected
//! files; review the diff before committing.

use std::path::Path;

use crate::common::*;

/// Applies `edits.txt`: blocks of `@@ FILE`, then `<<< OLD` / `>>> NEW` line pairs (`\n` in
/// either stands for a line break), or `+++ FILE` followed by the whole text of a new file
/// up to `+++ end`.
fn apply_edits(site: &Path, edits: &str) {
    let mut file = String::new();
    let mut old: Option<String> = None;
    let mut lines = edits.lines();
    while let Some(line) = lines.next() {
        if let Some(f) = line.strip_prefix("@@ ") {
            file = f.trim().to_owned();
        } else if let Some(o) = line.strip_prefix("<<< ") {
            old = Some(o.replace("\\n", "\n"));
        } else if let Some(n) = line.strip_prefix(">>>") {
            let new = n.strip_prefix(' ').unwrap_or(n).replace("\\n", "\n");
            edit(site, &file, &old.take().expect("<<< before >>>"), &new);
        } else if let Some(f) = line.strip_prefix("+++ ") {
            let mut text = String::new();
            for l in lines.by_ref() {
                if l == "+++ end" {
                    break;
                }
                text.push_str(l);
                text.push('\n');
            }
            let path = site.join(f.trim());
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
}

fn run_case(name: &str) {
    let case = fixtures().join("invalid").join(name);
    let site = base_site(&format!("invalid-{name}"));
    apply_edits(&site, &std::fs::read_to_string(case.join("edits.txt")).unwrap());
    // A file outside the site, made by the test (not one of this machine's own files), and
    // named `<outside>` in the expected diagnostics.
    let outside = temp_dir(&format!("outside-{name}"));
    if name == "symlink-outside" {
        #[cfg(unix)]
        {
            std::fs::write(outside.join("secret.md"), "not part of the site\n").unwrap();
            std::fs::remove_file(site.join("guides/alpha/steps/ask.md")).unwrap();
            std::os::unix::fs::symlink(outside.join("secret.md"), site.join("guides/alpha/steps/ask.md")).unwrap();
        }
    }
    if name == "invalid-utf8" {
        // Text saved as GBK by mistake: 申请 in the sixth line.
        let path = site.join("guides/alpha/overview.md");
        let mut bytes = std::fs::read(&path).unwrap();
        let line = "- 第二点".as_bytes();
        let at = bytes.windows(line.len()).position(|w| w == line).unwrap() + 2;
        bytes.splice(at..at, [0xC9, 0xEA, 0xC7, 0xEB]);
        std::fs::write(&path, bytes).unwrap();
    }
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    let outside = outside.canonicalize().unwrap();
    let actual = format!("exit: {}\n{}", run.code, run.stderr).replace(outside.to_str().unwrap(), "<outside>");
    let expected_path = case.join("expected.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "diagnostics of case `{name}` differ (UPDATE_EXPECT=1 rewrites them)"
    );
    assert_eq!(run.code, 1, "a content error exits with 1");
}

macro_rules! cases {
    ($($name:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run_case($dir);
            }
        )*

        #[test]
        fn every_fixture_folder_has_a_test() {
            let mut dirs: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            dirs.sort();
            let mut listed = vec![$($dir.to_owned()),*];
            listed.sort();
            assert_eq!(dirs, listed);
        }
    };
}

cases! {
    toml_syntax_error => "toml-syntax",
    wrong_type => "wrong-type",
    unknown_field => "unknown-field",
    unknown_enum_value => "unknown-value",
    missing_material => "missing-material",
    duplicate_material_id => "duplicate-id",
    path_escaping_the_site => "path-escape",
    symlink_outside_the_site => "symlink-outside",
    raw_html_in_markdown => "raw-html",
    javascript_link => "javascript-link",
    unconfirmed_fact_with_a_value => "unconfirmed-with-value",
    invalid_id => "invalid-id",
    plan_rooms_overlap => "plan-overlap",
    plan_equipment_outside_room => "plan-equipment-outside",
    plan_door_not_on_wall => "plan-door-off-wall",
    plan_unknown_room_kind => "plan-unknown-kind",
    plan_unknown_symbol => "plan-unknown-symbol",
    rule_unknown_quantity => "rule-unknown-quantity",
    rule_wrong_units => "rule-wrong-units",
    correct_plan_failing_a_rule => "plan-correct-fails",
    plan_flow_running_back => "plan-flow-backwards",
    plan_walls_leave_no_inside => "plan-walls-no-inside",
    rule_quantity_not_in_the_vocabulary => "rule-quantity-not-in-vocabulary",
    sample_callout_off_the_page => "callout-off-page",
    bundle_with_unknown_guide => "bundle-unknown-guide",
    cycle_in_outputs_and_inputs => "produce-cycle",
    svg_sample_with_script => "svg-script",
    svg_doctype_default_attribute => "svg-doctype-attlist",
    svg_sample_animating_a_link_into_script => "svg-animate-href",
    svg_sample_with_an_event_attribute => "svg-event-attribute",
    svg_sample_with_external_references => "svg-external-reference",
    svg_sample_linking_a_data_text_url => "svg-data-text",
    svg_sample_nested_too_deep => "svg-too-deep",
    text_that_is_not_utf8 => "invalid-utf8",
    missing_value_without_u => "missing-value",
    either_or_group_of_one => "one-of-alone",
    clocks_and_a_single_statutory_limit => "clocks-and-days",
    covers_an_unknown_guide => "covers-unknown",
    material_at_an_unknown_step => "material-unknown-step",
    link_to_a_missing_page => "link-missing-page",
    link_to_a_missing_anchor => "link-missing-anchor",
    link_to_a_missing_file => "link-missing-file",
    sample_image_with_a_bad_header => "sample-image-bad-header",
    sample_image_missing => "sample-image-missing",
    every_file_reported_at_once => "every-file-at-once",
    template_syntax_error_at_its_place => "template-syntax",
    template_unknown_variable_at_its_use => "template-unknown-variable",
    template_unknown_filter_in_a_parent_template => "template-unknown-filter-in-parent",
    template_undefined_field_inside_an_if => "template-undefined-in-if",
    a_broken_guide_toml_hides_nothing => "broken-guide-hides-nothing",
    duplicate_key_and_table_name_both_places => "duplicate-key",
    type_errors_name_the_field_path => "type-paths",
    html_in_an_escaped_toml_string_located => "html-in-escaped-string",
    duplicate_symbol_names_both_files => "duplicate-symbol",
    duplicate_step_and_room_ids_name_both_places => "duplicate-step-id",
    bundle_with_the_id_of_a_guide_names_both_files => "bundle-guide-same-id",
    vocabulary_duplicates_name_both_places => "vocabulary-duplicates",
    translation_of_a_key_the_chinese_table_lacks => "en-unknown-key",
    translation_without_an_edition_in_site_toml => "en-without-edition",
    translated_array_of_another_length => "en-array-length",
    translation_that_is_not_text => "en-not-text",
}

#[test]
fn the_base_fixture_is_valid() {
    let run = permitroom(&["check", "--root", fixtures().join("base").to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn a_character_outside_the_font_is_a_warning_naming_file_and_character() {
    let site = base_site("glyph");
    edit(
        &site,
        "guides/alpha/guide.toml",
        "summary = \"测试用的事项。\"",
        "summary = \"测试用的事项𠀾。\"",
    );
    let run = permitroom(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(
        run.code, 0,
        "a missing glyph is a warning, not an error:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("guides/alpha/guide.toml:5:18: warning: the bundled font has no glyph for `𠀾` (U+2003E)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_that_is_not_a_site_is_a_usage_error() {
    let dir = temp_dir("not-a-site");
    let run = permitroom(&["check", "--root", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has no site.toml"), "{}", run.stderr);
}
