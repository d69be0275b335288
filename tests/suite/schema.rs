//! JSON Schemas for editors: generated from the parsing types, committed, and proven to
//! accept every bundled source file and to reject a misspelt field.

use crate::common::*;
use permitroom::source::json_schema::KINDS;

/// `*` matches within one path segment, `**/` any number of folders.
fn glob_match(pattern: &str, path: &str) -> bool {
    fn go(p: &[&str], s: &[&str]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(&"**"), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some(pp), Some(ss)) => segment(pp, ss) && go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    fn segment(p: &str, s: &str) -> bool {
        match p.split_once('*') {
            None => p == s,
            Some((pre, post)) => s.len() >= pre.len() + post.len() && s.starts_with(pre) && s.ends_with(post),
        }
    }
    go(
        &pattern.split('/').collect::<Vec<_>>(),
        &path.split('/').collect::<Vec<_>>(),
    )
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("schemas").join(name)).expect("committed schema");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn errors(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let value: serde_json::Value = toml::from_str(toml_text).unwrap();
    validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn committed_schemas_are_what_the_types_generate() {
    // The bundled site's words (vocabularies, symbols, which guide uses which) shape the plan
    // schemas, so generate from a copy of its sources.
    let dir = temp_dir("schemas");
    for part in ["site.toml", "guides", "vocabularies", "symbols"] {
        let from = repo_root().join(part);
        if from.is_dir() {
            copy_dir(&from, &dir.join(part));
        } else {
            std::fs::copy(&from, dir.join(part)).unwrap();
        }
    }
    let run = permitroom(&["schema", "--root", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fresh: Vec<String> = std::fs::read_dir(dir.join("schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(fresh.len() > KINDS.len(), "a plan schema per vocabulary: {fresh:?}");
    for name in &fresh {
        let fresh = std::fs::read_to_string(dir.join("schemas").join(name)).unwrap();
        let committed = std::fs::read_to_string(repo_root().join("schemas").join(name)).unwrap_or_default();
        assert!(fresh == committed, "schemas/{name} is stale: run `permitroom schema`");
    }
    let taplo = std::fs::read_to_string(dir.join(".taplo.toml")).unwrap();
    assert_eq!(
        taplo,
        std::fs::read_to_string(repo_root().join(".taplo.toml")).unwrap(),
        ".taplo.toml is stale"
    );
}

#[test]
fn schema_out_outside_the_site_is_refused_and_writes_nothing() {
    let dir = temp_dir("schemas-out");
    let elsewhere = temp_dir("schemas-elsewhere");
    for out in [elsewhere.to_str().unwrap(), "../escaped", ".", "a/../../b"] {
        let run = permitroom(&["schema", "--root", dir.to_str().unwrap(), "--out", out]);
        assert_eq!(run.code, 2, "--out {out}: {}", run.stderr);
        assert!(
            run.stderr.contains("must be a folder inside the site folder"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written into the site"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written elsewhere"
    );
    // A relative folder is fine and .taplo.toml points into it without a doubled `./`.
    let run = permitroom(&["schema", "--root", dir.to_str().unwrap(), "--out", "./editor/schemas/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let taplo = std::fs::read_to_string(dir.join(".taplo.toml")).unwrap();
    assert!(
        taplo.contains("path = \"./editor/schemas/guide.schema.json\""),
        "{taplo}"
    );
    assert!(dir.join("editor/schemas/guide.schema.json").is_file());
}

#[test]
fn the_schemas_accept_every_bundled_source_file() {
    let root = repo_root();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&root).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        !(name.starts_with('.') && e.depth() > 0)
            && name != "target"
            && name != "tests"
            && name != "output"
            && name != "node_modules"
    }) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some((name, _, _)) = KINDS.iter().find(|(_, glob, _)| glob_match(glob, &rel)) else {
            continue;
        };
        let problems = errors(&validator(name), &std::fs::read_to_string(entry.path()).unwrap());
        assert!(problems.is_empty(), "{rel} against {name}: {problems:?}");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} files checked");
    // The fixture site too (video, finder, symbols-free).
    let fixture = fixtures().join("base");
    for (rel, name) in [
        ("guides/alpha/guide.toml", "guide.schema.json"),
        ("finder.toml", "finder.schema.json"),
        ("bundles/start.toml", "bundle.schema.json"),
    ] {
        let problems = errors(&validator(name), &std::fs::read_to_string(fixture.join(rel)).unwrap());
        assert!(problems.is_empty(), "{rel}: {problems:?}");
    }
}

#[test]
fn the_guide_schema_rejects_a_misspelt_field() {
    let text = std::fs::read_to_string(fixtures().join("base/guides/alpha/guide.toml")).unwrap();
    let misspelt = text.replacen("department = ", "departmnet = ", 1);
    let problems = errors(&validator("guide.schema.json"), &misspelt);
    assert!(problems.iter().any(|p| p.contains("departmnet")), "{problems:?}");
    let bad_enum = text.replacen("form = \"copy\"", "form = \"copie\"", 1);
    assert!(!errors(&validator("guide.schema.json"), &bad_enum).is_empty());
}

#[test]
fn a_plan_schema_offers_its_vocabularys_words_only() {
    let validator = validator("plan.dental.schema.json");
    let text = std::fs::read_to_string(repo_root().join("guides/dental-outpatient/plans/compliant.toml")).unwrap();
    assert!(errors(&validator, &text).is_empty());
    let foreign = text.replacen("kind = \"waiting\"", "kind = \"dining\"", 1);
    let problems = errors(&validator, &foreign);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("dining") && p.contains("/rooms/0/kind")),
        "{problems:?}"
    );
    let taplo = std::fs::read_to_string(repo_root().join(".taplo.toml")).unwrap();
    let specific = taplo
        .find("guides/dental-outpatient/plans/*.toml")
        .expect("the guide's plans are mapped");
    assert!(
        specific < taplo.find("guides/*/plans/*.toml").unwrap(),
        "before the generic rule"
    );
}

#[test]
fn globs() {
    assert!(glob_match("materials/**/*.toml", "materials/a.toml"));
    assert!(glob_match("materials/**/*.toml", "materials/x/a.toml"));
    assert!(glob_match("guides/*/plans/*.toml", "guides/a/plans/p.toml"));
    assert!(!glob_match("guides/*/guide.toml", "guides/a/plans/guide.toml"));
}
