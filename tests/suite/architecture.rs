//! The architecture's invariants that the compiler does not check: the module tree is the
//! pipeline, and a stage uses only the stages before it (ARCHITECTURE.md, "Architecture
//! invariants").

use std::path::Path;

/// The layers, lowest first: a module may use its own layer and the ones below it.
const LAYERS: &[(&str, usize)] = &[
    ("diagnostics", 0),
    ("source", 1),
    ("model", 2),
    ("render", 3),
    ("output", 4),
    ("scaffold", 5),
    ("serve", 5),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The first names of the `crate::` paths in a line of code (what follows `//` is a comment).
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // `crate::{a, b}` names several modules.
        if name.is_empty() && after.starts_with('{') {
            let inside = &after[1..after.find('}').unwrap_or(after.len())];
            for part in inside.split(',') {
                let m: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !m.is_empty() {
                    out.push(m);
                }
            }
        } else if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_of_src_sits_in_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unplaced = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        if layer(top).is_none() {
            unplaced.push(rel);
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules outside the pipeline's layers: {unplaced:?}"
    );
    assert!(files.len() > 40, "the walk found the source files");
}

#[test]
fn no_stage_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    let mut seen = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        let Some(own) = layer(top) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for module in crate_paths(line) {
                seen += 1;
                // `crate::Checked`, `crate::check_tree`: the crate root is above every stage.
                let Some(target) = layer(&module) else {
                    if top != "serve" {
                        upward.push(format!("src/{rel}:{}: crate::{module} (the crate root)", n + 1));
                    }
                    continue;
                };
                if target > own {
                    upward.push(format!("src/{rel}:{}: {top} uses crate::{module}", n + 1));
                }
            }
        }
    }
    assert!(seen > 100, "the scan found the crate's paths ({seen})");
    assert!(upward.is_empty(), "uses of a later stage:\n{}", upward.join("\n"));
}

#[test]
fn the_path_scan_reads_what_rust_means() {
    assert_eq!(crate_paths("use crate::model::plan::{self, geometry};"), ["model"]);
    assert_eq!(
        crate_paths("use crate::{Checked, check_tree};"),
        ["Checked", "check_tree"]
    );
    assert_eq!(
        crate_paths("let x = crate::render::png::parse_svg(t); // crate::serve"),
        ["render"]
    );
}
