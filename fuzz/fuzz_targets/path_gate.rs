//! The path gate: every path an author writes goes through `SourceTree::resolve` (which joins
//! it with `load::join_inside`) against a tree that `load::load_site` read.
//!
//! The input describes a small site folder, one entry a line, built on disk for the run:
//! `f NAME` a file, `d NAME` a folder, `l NAME TARGET` a symbolic link (the target is any
//! text: `/etc/hostname`, `../../outside/secret.toml`, a loop…), `p NAME` a FIFO; names are
//! below `guides/` (only `[a-z0-9._-]` and `/`). Every other line is a path written in
//! `guides/g/guide.toml`. Properties:
//! - the load never keeps the contents of a file that lies outside the site folder (or that is
//!   not a regular file), and never hangs on a FIFO;
//! - a path the gate accepts is a site path (no `.`, `..` or empty part, not absolute) of a
//!   regular file inside the site folder, and the tree holds that file's bytes;
//! - independently of the disk: whatever `join_inside` accepts stays below the root when
//!   folded lexically by `std::path`.

#![no_main]

#[path = "common.rs"]
mod common;

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use permitroom::source::load::{self, FileContent, PathError};

const FROM: &str = "guides/g/guide.toml";

/// The scratch folder of this process: `site/` (the site) and `outside/` beside it.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("permitroom-fuzz-path-gate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        std::fs::write(dir.join("outside/secret.toml"), "secret = true\n").unwrap();
        std::fs::write(dir.join("outside/secret.md"), "secret\n").unwrap();
        dir.canonicalize().unwrap()
    })
}

/// A name below `guides/` made only of safe characters and with no `.`/`..` part, or `None`.
fn safe_name(raw: &str) -> Option<PathBuf> {
    let ok = !raw.is_empty()
        && raw.len() <= 40
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
        && raw.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
    ok.then(|| Path::new("guides").join(raw))
}

/// `root/dir_of_from/written`, folded without the disk; `None` if it climbs above `root`.
fn lexical(written: &str) -> Option<PathBuf> {
    let root = Path::new("/root-of-site");
    let mut out = root.join("guides/g");
    for c in Path::new(&written.replace('\\', "/")).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::ParentDir => {
                if !out.pop() || !out.starts_with(root) {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    out.starts_with(root).then_some(out)
}

fn build_site(site: &Path, lines: &[&str]) {
    let _ = std::fs::remove_dir_all(site);
    std::fs::create_dir_all(site.join("guides/g")).unwrap();
    std::fs::write(site.join("site.toml"), "").unwrap();
    std::fs::write(site.join(FROM), "").unwrap();
    for line in lines.iter().take(12) {
        let (kind, rest) = line.split_at(2);
        let (name, target) = rest.split_once(' ').unwrap_or((rest, ""));
        let Some(name) = safe_name(name) else { continue };
        let path = site.join(&name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = match kind {
            "f " => std::fs::write(&path, format!("{}\n", name.display())),
            "d " => std::fs::create_dir_all(&path),
            "l " if !target.is_empty() && target.len() <= 80 && !target.contains('\0') => {
                std::os::unix::fs::symlink(target, &path)
            }
            "p " => rustix::fs::mknodat(
                rustix::fs::CWD,
                &path,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o644),
                0,
            )
            .map_err(std::io::Error::from),
            _ => Ok(()),
        };
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines: Vec<&str> = text.lines().collect();
    let (entries, written): (Vec<&str>, Vec<&str>) = lines
        .iter()
        .partition(|l| l.get(..2).is_some_and(|k| ["f ", "d ", "l ", "p "].contains(&k)));

    // Lexical: whatever join_inside accepts is below the root.
    for w in &written {
        if let Ok(p) = load::join_inside(FROM, w) {
            let folded = lexical(w).unwrap_or_else(|| panic!("join_inside accepted `{w}` as `{p}`, which climbs out"));
            assert_eq!(Path::new("/root-of-site").join(&p), folded, "`{w}`");
        }
    }

    let site = scratch().join("site");
    build_site(&site, &entries);
    let root = site.canonicalize().unwrap();
    let (tree, _diagnostics) = load::load_site(&site).expect("the site loads");

    // The load keeps nothing from outside the folder and nothing that is not a regular file.
    for path in tree.paths() {
        let Some(bytes) = tree.bytes(path) else {
            assert!(matches!(tree.get(path), Some(FileContent::Refused(_))));
            continue;
        };
        let real = site.join(path).canonicalize().unwrap_or_else(|e| panic!("`{path}` was read but is not there: {e}"));
        assert!(real.starts_with(&root), "`{path}` was read from `{}`, outside the site", real.display());
        assert!(real.metadata().unwrap().is_file(), "`{path}` is not a regular file");
        assert_eq!(std::fs::read(&real).unwrap(), bytes, "`{path}`");
    }

    // What the gate accepts is a regular file inside, and the tree holds it.
    for w in &written {
        match tree.resolve(FROM, w) {
            Ok(p) => {
                assert!(
                    !p.starts_with('/') && p.split('/').all(|c| !c.is_empty() && c != "." && c != ".."),
                    "`{w}` resolved to `{p}`, not a site path"
                );
                let real = site.join(&p).canonicalize().expect("an accepted path exists");
                assert!(real.starts_with(&root), "`{w}` resolved to `{}`, outside", real.display());
                assert!(real.metadata().unwrap().is_file(), "`{w}` resolved to a non-file");
                assert!(tree.bytes(&p).is_some(), "`{w}` accepted but not read");
            }
            Err(PathError::Absolute | PathError::EscapesRoot | PathError::Missing(_) | PathError::Refused { .. }) => {}
        }
    }
});
