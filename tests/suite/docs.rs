//! Every example in the author's manual is built, so the docs cannot go stale.
//!
//! Convention (see docs/README.md): in a page under `docs/`, a fenced block whose info string
//! has `path=FILE` (e.g. ```` ```toml path=guides/food-shop/guide.toml ````) is a complete file
//! of that page's example site; a later block with the same path replaces the earlier one (a
//! tutorial grows a file step by step). After the page, the site must pass `permitroom check`
//! with no errors, and build.
//!
//! A block marked `path=FILE error` is a broken variant: the test copies the site as it stands
//! at that point, puts this block in FILE, runs `check`, and expects the ```` ```text ````
//! block right after it to appear, line for line, in what `check` prints (and exit code 1).
//! Blocks without `path=` are illustrations and are not built; they must not be TOML or
//! Markdown source (the test refuses ```` ```toml ```` blocks without a path).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

#[derive(Debug)]
struct Block {
    info: String,
    text: String,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let fence = if trimmed.starts_with("```") {
            "```"
        } else if trimmed.starts_with("~~~") {
            "~~~"
        } else {
            continue;
        };
        let info = trimmed.trim_start_matches(fence).trim().to_owned();
        let mut text = String::new();
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with(fence) {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        out.push(Block {
            info,
            text,
            line: n + 1,
        });
    }
    out
}

fn path_of(info: &str) -> Option<&str> {
    info.split_whitespace().find_map(|w| w.strip_prefix("path="))
}

fn write_site(dir: &Path, files: &BTreeMap<String, String>) {
    let _ = std::fs::remove_dir_all(dir);
    for (path, text) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}

fn check_page(page: &Path) -> Vec<String> {
    let markdown = std::fs::read_to_string(page).unwrap();
    let name = page.strip_prefix(repo_root()).unwrap().display().to_string();
    let all = blocks(&markdown);
    let mut problems = Vec::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (i, block) in all.iter().enumerate() {
        let language = block.info.split_whitespace().next().unwrap_or("");
        let Some(path) = path_of(&block.info) else {
            if matches!(language, "toml" | "markdown" | "md") {
                problems.push(format!(
                    "{name}:{}: a ```{language} example needs path=FILE so it is built",
                    block.line
                ));
            }
            continue;
        };
        if block.info.split_whitespace().any(|w| w == "error") {
            let Some(expected) = all.get(i + 1).filter(|b| b.info.starts_with("text")) else {
                problems.push(format!(
                    "{name}:{}: an `error` example must be followed by a ```text block",
                    block.line
                ));
                continue;
            };
            let mut broken = files.clone();
            broken.insert(path.to_owned(), block.text.clone());
            let dir = temp_dir("docs-error");
            write_site(&dir, &broken);
            let run = permitroom(&["check", "--root", dir.to_str().unwrap()]);
            if run.code != 1 {
                problems.push(format!(
                    "{name}:{}: expected exit 1, got {}:\n{}",
                    block.line, run.code, run.stderr
                ));
            }
            for line in expected.text.lines().filter(|l| !l.trim().is_empty()) {
                if !run.stderr.lines().any(|l| l.trim_end() == line.trim_end()) {
                    problems.push(format!(
                        "{name}:{}: `check` did not print {line:?}; it printed:\n{}",
                        expected.line, run.stderr
                    ));
                }
            }
        } else {
            files.insert(path.to_owned(), block.text.clone());
        }
    }
    if !files.is_empty() {
        let dir = temp_dir("docs-site");
        write_site(&dir, &files);
        let run = permitroom(&["check", "--root", dir.to_str().unwrap()]);
        if run.code != 0 {
            problems.push(format!(
                "{name}: the page's example site does not check:\n{}",
                run.stderr
            ));
        } else {
            let out = dir.join("output");
            let run = build_run(&dir, &out, &["--no-pdf"]);
            if run.code != 0 {
                problems.push(format!(
                    "{name}: the page's example site does not build:\n{}",
                    run.stderr
                ));
            }
        }
    }
    problems
}

#[test]
fn every_example_in_the_docs_builds() {
    let mut pages: Vec<_> = walkdir::WalkDir::new(repo_root().join("docs"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty());
    let problems: Vec<String> = pages.iter().flat_map(|p| check_page(p)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
