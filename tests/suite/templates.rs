//! docs/templates.md is the data contract of the page templates a site may override. These
//! tests hold it to what the renderer passes: the bundled site is built with an override of
//! each documented template that prints every variable the docs list for it (tera 2 fails the
//! build on an undefined one), and the field names of each documented type (its `keys`), which
//! must be exactly the fields the docs list, neither more nor fewer.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{build_run, read_tree, repo_root, temp_dir};

/// A documented type: its name, the template and path where the bundled site has one (none
/// when it has no such value), and its documented fields.
#[derive(Debug)]
struct TypeDoc {
    name: String,
    checked: Option<(String, String)>,
    fields: BTreeSet<String>,
}

/// Types of which the bundled site has no value: their fields are listed from the source and
/// only the path to them is checked.
const UNSEEN: &[&str] = &["FeeItem", "Video", "ChargedFees"];

#[derive(Debug, Default)]
struct Contract {
    /// Variables every page template receives.
    common: BTreeSet<String>,
    /// The page templates and their own variables.
    templates: BTreeMap<String, BTreeSet<String>>,
    types: Vec<TypeDoc>,
}

/// The backticked words of a line, in order.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

fn contract() -> Contract {
    let text = std::fs::read_to_string(repo_root().join("docs/templates.md")).unwrap();
    let mut contract = Contract::default();
    enum Section {
        None,
        Common,
        Template(String),
        Type(usize),
    }
    let mut section = Section::None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            section = match code_spans(heading).first() {
                Some(name) if name.ends_with(".html") => {
                    contract.templates.insert(name.to_string(), BTreeSet::new());
                    Section::Template(name.to_string())
                }
                _ if heading.trim() == "Every page" => Section::Common,
                _ => {
                    contract.types.push(TypeDoc {
                        name: heading.trim().to_owned(),
                        checked: None,
                        fields: BTreeSet::new(),
                    });
                    Section::Type(contract.types.len() - 1)
                }
            };
            continue;
        }
        if line.starts_with("## ") {
            section = Section::None;
            continue;
        }
        if let (Section::Type(i), Some(at)) = (&section, line.find("Checked in `")) {
            if let [template, path] = code_spans(&line[at..])[..] {
                contract.types[*i].checked = Some((template.to_owned(), path.to_owned()));
            }
            continue;
        }
        let Some(first) = line.strip_prefix("| `").and_then(|r| r.split('`').next()) else {
            continue;
        };
        match &section {
            Section::Common => {
                contract.common.insert(first.to_owned());
            }
            Section::Template(name) => {
                contract.templates.get_mut(name).unwrap().insert(first.to_owned());
            }
            Section::Type(i) => {
                contract.types[*i].fields.insert(first.to_owned());
            }
            Section::None => {}
        }
    }
    contract
}

/// A copy of the bundled site without its `templates/` folder (so the built-in templates are
/// used), with `overrides` in it.
fn site_with(name: &str, overrides: &BTreeMap<String, String>) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let root = repo_root();
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name();
        let file = file.to_str().unwrap();
        if matches!(
            file,
            "target" | "templates" | "src" | "tests" | "docs" | "fuzz" | "scripts" | "schemas"
        ) || file.starts_with('.')
        {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            crate::common::copy_dir(&entry.path(), &dir.join(file));
        } else {
            std::fs::copy(entry.path(), dir.join(file)).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    for (name, text) in overrides {
        std::fs::write(dir.join("templates").join(name), text).unwrap();
    }
    dir
}

/// Template text that prints `@@KEYS name=field,field@@` for every value at `path`: `[]` is
/// every element of a list, `[N]` one element; a value that is none is skipped.
fn probe(name: &str, path: &str) -> String {
    let mut text = String::new();
    let mut current = String::new();
    let mut loops = 0;
    for (i, segment) in path.split('.').enumerate() {
        let (base, mut brackets) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        if !base.is_empty() {
            current = if current.is_empty() {
                base.to_owned()
            } else {
                format!("{current}.{base}")
            };
        }
        let mut j = 0;
        while let Some(rest) = brackets.strip_prefix('[') {
            let (inside, after) = rest.split_once(']').expect("a closed bracket");
            if inside.is_empty() {
                text.push_str(&format!("{{% for v{i}_{j} in {current} %}}"));
                current = format!("v{i}_{j}");
                loops += 1;
            } else {
                current = format!("{current}[{inside}]");
            }
            brackets = after;
            j += 1;
        }
    }
    text.push_str(&format!(
        "{{% if {current} is not none %}}@@KEYS {name}={{{{ {current} | keys | join(sep=\",\") }}}}@@{{% endif %}}"
    ));
    text.push_str(&"{% endfor %}".repeat(loops));
    text.push('\n');
    text
}

#[test]
fn the_docs_list_every_page_template_and_type() {
    let contract = contract();
    let templates: Vec<&str> = contract.templates.keys().map(String::as_str).collect();
    let pages = permitroom::render::html::EMBEDDED
        .iter()
        .map(|(name, _)| *name)
        .filter(|n| n.ends_with(".html") && !matches!(*n, "base.html" | "macros.html"))
        .collect::<BTreeSet<_>>();
    assert_eq!(
        templates
            .iter()
            .copied()
            .filter(|t| pages.contains(t))
            .collect::<Vec<_>>(),
        pages.iter().copied().collect::<Vec<_>>(),
        "every page template has a section in docs/templates.md"
    );
    assert!(
        ["site", "root", "live_reload_script"]
            .iter()
            .all(|v| contract.common.contains(*v))
    );
    assert!(contract.templates["guide.html"].contains("guide"));
    assert!(
        contract
            .types
            .iter()
            .any(|t| t.name == "Guide" && t.fields.contains("time_limit"))
    );
}

#[test]
fn every_documented_variable_and_field_is_what_the_renderer_passes() {
    let contract = contract();
    let mut overrides = BTreeMap::new();
    for (template, own) in &contract.templates {
        if matches!(template.as_str(), "base.html" | "macros.html") {
            continue;
        }
        let mut text = format!("@@PAGE {template}@@\n");
        for variable in contract.common.iter().chain(own) {
            // Strict: an undefined variable fails the build.
            text.push_str(&format!("<!-- {variable} -->{{{{ {variable} }}}}\n"));
        }
        for t in &contract.types {
            if let Some((in_template, path)) = &t.checked
                && in_template == template
            {
                text.push_str(&probe(&t.name, path));
            }
        }
        overrides.insert(template.clone(), text);
    }
    let site = site_with("template-contract", &overrides);
    let out = site.join("out");
    let run = build_run(&site, &out, &["--no-pdf"]);
    assert_eq!(run.code, 0, "a documented variable is missing:\n{}", run.stderr);
    let mut seen_pages = BTreeSet::new();
    let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for piece in html.split("@@").skip(1).step_by(2) {
            if let Some(page) = piece.strip_prefix("PAGE ") {
                seen_pages.insert(page.to_owned());
            } else if let Some((name, fields)) = piece.strip_prefix("KEYS ").and_then(|k| k.split_once('=')) {
                let fields: BTreeSet<String> = fields.split(',').map(str::to_owned).collect();
                if let Some(before) = keys.insert(name.to_owned(), fields.clone()) {
                    assert_eq!(before, fields, "every value of {name} has the same fields");
                }
            }
        }
    }
    let expected_pages: BTreeSet<String> = overrides.keys().cloned().collect();
    assert_eq!(
        seen_pages, expected_pages,
        "each overridden template renders at least one page"
    );
    let mut unseen = Vec::new();
    for t in &contract.types {
        assert!(t.checked.is_some(), "type {} says where it is checked", t.name);
        let Some(actual) = keys.get(&t.name) else {
            unseen.push(t.name.as_str());
            continue;
        };
        let missing: Vec<_> = actual.difference(&t.fields).collect();
        let stale: Vec<_> = t.fields.difference(actual).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "type {}: fields the renderer passes but the docs do not list: {missing:?}; \
             fields the docs list but the renderer does not pass: {stale:?}",
            t.name
        );
    }
    // The bundled site has a value of every type but these; the docs say so of each.
    assert_eq!(unseen, UNSEEN, "types of which the bundled site has no value");
}
