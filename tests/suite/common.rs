//! Helpers shared by the suite: temporary sites, running the binary, external tools.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled site, built once (pages and PDFs) for every test of the binary that only reads it.
pub(crate) fn bundled_site() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = temp_dir("bundled-site").join("out");
        build(&repo_root(), &out);
        out
    })
}

/// The bundled site's checked model, made once.
pub(crate) fn bundled_model() -> &'static permitroom::model::Site {
    bundled_checked().site.as_ref().expect("the bundled site has no errors")
}

/// The bundled site checked once per test binary, every edition resolved (`editions[0]` is
/// the English one).
pub(crate) fn bundled_checked() -> &'static permitroom::Checked {
    static CHECKED: OnceLock<permitroom::Checked> = OnceLock::new();
    CHECKED.get_or_init(|| permitroom::check(&repo_root()).expect("the repo is a site"))
}

pub(crate) fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// A fresh, empty folder under cargo's temporary directory for tests.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the base fixture site, to be changed by a test.
pub(crate) fn base_site(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_dir(&fixtures().join("base"), &dir);
    dir
}

/// Replaces the first occurrence of `old` in a file of a site.
pub(crate) fn edit(site: &Path, file: &str, old: &str, new: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{file} does not contain {old:?}");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the permitroom binary.
pub(crate) fn permitroom(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the permitroom binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Builds a site into `out`, asserting success.
pub(crate) fn build(root: &Path, out: &Path) {
    let run = build_run(root, out, &[]);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
}

/// Runs `permitroom build --root ROOT --out OUT EXTRA…` and returns what it did.
pub(crate) fn build_run(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    permitroom(&args)
}

/// Every file under `dir` with its bytes, by relative path.
pub(crate) fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Runs an external tool that the suite needs (installed by `.ci/run`); fails clearly when
/// it is missing rather than skipping.
pub(crate) fn tool(program: &str, args: &[&str]) -> Run {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("`{program}` is needed by this test ({e}); install it as .ci/run does (see CONTRIBUTING.md)")
    });
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The part of a page inside `<main …>…</main>`.
pub(crate) fn main_part(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main> tag") + "</main>".len();
    &html[start..end]
}

/// The text of an HTML fragment: tags removed, entities of the escaper decoded.
pub(crate) fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
