//! Stage 1, load: reads the site folder into memory. The only stage that reads the disk.
//!
//! The result, a [`SourceTree`], maps each file's path relative to the site root (always with
//! `/` separators) to its contents. Later stages resolve the paths authors write against this
//! map, so a path can never reach outside the site: `..` above the root is refused by
//! [`SourceTree::resolve`], and a symbolic link is followed only when its target lies inside
//! the root.

#![allow(clippy::disallowed_methods)] // The load stage is where the disk is read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The folders of a site that hold sources. Everything else (`output/`, `target/`, `.git/`)
/// is never read.
pub const SOURCE_DIRS: &[&str] = &[
    "guides",
    "materials",
    "forms",
    "samples",
    "media",
    "bundles",
    "symbols",
    "templates",
];
/// The site configuration file at the root.
pub const SITE_CONFIG: &str = "site.toml";
/// The optional questionnaire at the root.
pub const FINDER: &str = "finder.toml";

/// What one file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileContent {
    /// A text file (by extension), valid UTF-8.
    Text(String),
    /// Any other file, kept as bytes (images, videos, fonts).
    Binary(Vec<u8>),
    /// A symbolic link whose target lies outside the site; never read.
    LinkOutside(String),
}

/// The whole site folder, in memory.
#[derive(Debug, Clone, Default)]
pub struct SourceTree {
    pub root: PathBuf,
    files: BTreeMap<String, FileContent>,
}

/// Why a path an author wrote cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    Absolute,
    EscapesRoot,
    LinkOutside(String),
    Missing(String),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Absolute => write!(f, "absolute paths are not allowed"),
            PathError::EscapesRoot => write!(f, "the path leads outside the site folder"),
            PathError::LinkOutside(target) => {
                write!(f, "the path is a symbolic link to `{target}`, outside the site folder")
            }
            PathError::Missing(path) => write!(f, "file `{path}` does not exist"),
        }
    }
}

/// A load that could not even start: the root is missing or is not a site.
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn is_text_path(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "toml" | "md" | "html" | "svg" | "vtt" | "typ" | "txt" | "css" | "js"
    )
}

impl SourceTree {
    /// Builds a tree from files already in memory (tests, and the documentation examples).
    pub fn from_files<I, P, C>(files: I) -> Self
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<String>,
        C: Into<Vec<u8>>,
    {
        let files = files
            .into_iter()
            .map(|(p, c)| {
                let path = p.into();
                let bytes = c.into();
                let content = match (is_text_path(&path), String::from_utf8(bytes)) {
                    (true, Ok(text)) => FileContent::Text(text),
                    (_, Ok(text)) => FileContent::Binary(text.into_bytes()),
                    (_, Err(e)) => FileContent::Binary(e.into_bytes()),
                };
                (path, content)
            })
            .collect();
        SourceTree {
            root: PathBuf::new(),
            files,
        }
    }

    pub fn get(&self, path: &str) -> Option<&FileContent> {
        self.files.get(path)
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path) {
            Some(FileContent::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn bytes(&self, path: &str) -> Option<&[u8]> {
        match self.files.get(path) {
            Some(FileContent::Text(t)) => Some(t.as_bytes()),
            Some(FileContent::Binary(b)) => Some(b),
            _ => None,
        }
    }

    /// Paths of the files below `dir` (no trailing `/`), in sorted order.
    pub fn files_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{dir}/");
        self.files
            .keys()
            .filter(move |p| p.starts_with(&prefix))
            .map(String::as_str)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Resolves `written`, a path an author wrote in the file `from`, to a site path, and
    /// checks that the file exists and may be read.
    pub fn resolve(&self, from: &str, written: &str) -> Result<String, PathError> {
        let path = join_inside(from, written)?;
        match self.files.get(&path) {
            Some(FileContent::LinkOutside(target)) => Err(PathError::LinkOutside(target.clone())),
            Some(_) => Ok(path),
            None => Err(PathError::Missing(path)),
        }
    }
}

/// Joins a relative path to the folder of `from`, folding `.` and `..`, refusing to climb
/// above the root.
pub fn join_inside(from: &str, written: &str) -> Result<String, PathError> {
    if written.starts_with('/') || written.starts_with('\\') || written.contains(':') {
        return Err(PathError::Absolute);
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in written.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PathError::EscapesRoot);
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

/// Reads the site at `root`. Problems with single files become diagnostics; a root that is
/// not a site at all is a [`LoadError`].
pub fn load_site(root: &Path) -> Result<(SourceTree, Diagnostics), LoadError> {
    let canonical_root = root
        .canonicalize()
        .map_err(|e| LoadError(format!("cannot open site folder `{}`: {e}", root.display())))?;
    let config = canonical_root.join(SITE_CONFIG);
    if !config.is_file() {
        return Err(LoadError(format!(
            "`{}` is not a permitroom site: it has no {SITE_CONFIG}\n  = hint: run permitroom in the site folder, or pass --root DIR",
            root.display()
        )));
    }
    let mut tree = SourceTree {
        root: root.to_path_buf(),
        files: BTreeMap::new(),
    };
    let mut diagnostics = Diagnostics::default();
    read_one(&canonical_root, &config, &mut tree, &mut diagnostics);
    let finder = canonical_root.join(FINDER);
    if finder.is_file() {
        read_one(&canonical_root, &finder, &mut tree, &mut diagnostics);
    }
    for dir in SOURCE_DIRS {
        let dir = canonical_root.join(dir);
        if !dir.is_dir() {
            continue;
        }
        for entry in WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => {
                    let name = entry.file_name().to_string_lossy();
                    if name.starts_with('.') || name.ends_with('~') {
                        continue;
                    }
                    read_one(&canonical_root, entry.path(), &mut tree, &mut diagnostics);
                }
                Err(e) => {
                    let path = e.path().map(|p| relative(&canonical_root, p)).unwrap_or_default();
                    diagnostics.push(Diagnostic::error(path, None, format!("cannot read: {e}")));
                }
            }
        }
    }
    Ok((tree, diagnostics))
}

/// `path` with symbolic links resolved, or `None` when it cannot be (for `serve`, which compares
/// the paths its watcher reports with the site folder).
pub fn canonical(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_one(root: &Path, path: &Path, tree: &mut SourceTree, diagnostics: &mut Diagnostics) {
    let rel = relative(root, path);
    let is_link = path
        .symlink_metadata()
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    if is_link {
        match path.canonicalize() {
            Ok(target) if target.starts_with(root) && target.is_file() => {}
            Ok(target) => {
                tree.files
                    .insert(rel, FileContent::LinkOutside(target.display().to_string()));
                return;
            }
            Err(_) => {
                tree.files
                    .insert(rel, FileContent::LinkOutside("a missing file".into()));
                return;
            }
        }
    }
    match std::fs::read(path) {
        Ok(bytes) if is_text_path(&rel) => match String::from_utf8(bytes) {
            Ok(text) => {
                tree.files.insert(rel, FileContent::Text(text));
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                diagnostics.push(
                    Diagnostic::error(&rel, None, format!("the file is not valid UTF-8 (byte {at})"))
                        .with_hint("save the file as UTF-8"),
                );
                tree.files.insert(rel, FileContent::Binary(e.into_bytes()));
            }
        },
        Ok(bytes) => {
            tree.files.insert(rel, FileContent::Binary(bytes));
        }
        Err(e) => diagnostics.push(Diagnostic::error(rel, None, format!("cannot read: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_inside_folds_dots_and_refuses_escape() {
        assert_eq!(
            join_inside("guides/a/guide.toml", "plans/p.toml").unwrap(),
            "guides/a/plans/p.toml"
        );
        assert_eq!(
            join_inside("guides/a/guide.toml", "../b/x.md").unwrap(),
            "guides/b/x.md"
        );
        assert_eq!(
            join_inside("guides/a/guide.toml", "../../../x"),
            Err(PathError::EscapesRoot)
        );
        assert_eq!(
            join_inside("guides/a/guide.toml", "/etc/passwd"),
            Err(PathError::Absolute)
        );
        assert_eq!(join_inside("guides/a/guide.toml", "C:/x"), Err(PathError::Absolute));
    }
}
