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
pub(crate) const SOURCE_DIRS: &[&str] = &[
    "guides",
    "materials",
    "forms",
    "samples",
    "media",
    "bundles",
    "symbols",
    "vocabularies",
    "templates",
];
/// The site configuration file at the root.
pub(crate) const SITE_CONFIG: &str = "site.toml";
/// The optional questionnaire at the root.
pub(crate) const FINDER: &str = "finder.toml";

/// What one file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileContent {
    /// A text file (by extension), valid UTF-8, without a byte-order mark.
    Text(String),
    /// Any other file, kept as bytes (images, videos, fonts); also a text file that is not
    /// valid UTF-8 (reported when loaded).
    Binary(std::sync::Arc<[u8]>),
    /// A path that is there but was not read, and why (a symbolic link leaving the site, a
    /// FIFO or device, a file over its size limit…). Reported when the site is loaded, and
    /// again where a source refers to it.
    Refused(String),
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
    /// The path exists but was not read, and why (e.g. "a symbolic link to `…`, outside the
    /// site folder").
    Refused {
        path: String,
        why: String,
    },
    Missing(String),
}

impl PathError {
    /// A way out, for the diagnostic at the place the path was written.
    pub(crate) fn hint(&self) -> &'static str {
        match self {
            PathError::Refused { .. } => "the file itself is reported too; fix it there, or refer to another file",
            _ => "paths are relative to this file and must stay inside the site folder",
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Absolute => write!(f, "absolute paths are not allowed"),
            PathError::EscapesRoot => write!(f, "the path leads outside the site folder"),
            PathError::Refused { path, why } => write!(f, "`{path}` is {why}"),
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

/// Size limits of source files, in bytes: a larger file is an error and is not read.
pub const MAX_TOML_BYTES: u64 = 1024 * 1024;
pub const MAX_MARKDOWN_BYTES: u64 = 1024 * 1024;
/// Images (PNG, JPEG, GIF, WebP, SVG).
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Anything else (videos, captions, templates, fonts).
pub(crate) const MAX_OTHER_BYTES: u64 = 200 * 1024 * 1024;
/// Raster images are checked from their header, before anything decodes them: no side longer
/// than this many pixels…
pub(crate) const MAX_IMAGE_SIDE: u64 = 20_000;
/// …and no more pixels than this (decoded, 4 bytes each: 200 MB).
pub(crate) const MAX_IMAGE_PIXELS: u64 = 50_000_000;

fn extension(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_raster_image(path: &str) -> bool {
    matches!(extension(path).as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp")
}

/// The size limit of a file, and the name of its kind for messages.
fn size_limit(path: &str) -> (u64, &'static str) {
    match extension(path).as_str() {
        "toml" => (MAX_TOML_BYTES, "TOML"),
        "md" => (MAX_MARKDOWN_BYTES, "Markdown"),
        "svg" => (MAX_IMAGE_BYTES, "image"),
        _ if is_raster_image(path) => (MAX_IMAGE_BYTES, "image"),
        _ => (MAX_OTHER_BYTES, "source"),
    }
}

/// `1.5 MiB`, `12 KiB`, `300 bytes`.
pub(crate) fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if bytes >= 1024 {
        format!("{} KiB", (bytes + 512) / 1024)
    } else {
        crate::diagnostics::count(bytes as usize, "byte", "bytes")
    }
}

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
                    (true, Ok(text)) => FileContent::Text(without_bom(text)),
                    (_, Ok(text)) => FileContent::Binary(text.into_bytes().into()),
                    (_, Err(e)) => FileContent::Binary(e.into_bytes().into()),
                };
                (path, content)
            })
            .collect();
        SourceTree {
            root: PathBuf::new(),
            files,
        }
    }

    /// The text of a file for showing a diagnostic's line: the text itself, or for a text
    /// file that is not valid UTF-8, its bytes with invalid sequences replaced (the offsets
    /// before the first invalid byte, where that error points, are unchanged).
    pub fn display_text(&self, path: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.files.get(path) {
            Some(FileContent::Text(t)) => Some(std::borrow::Cow::Borrowed(t)),
            Some(FileContent::Binary(b)) if is_text_path(path) => Some(String::from_utf8_lossy(b)),
            _ => None,
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

    /// A binary file's bytes, shared rather than copied (for publishing it as it is).
    pub(crate) fn shared_bytes(&self, path: &str) -> Option<std::sync::Arc<[u8]>> {
        match self.files.get(path) {
            Some(FileContent::Text(t)) => Some(t.as_bytes().into()),
            Some(FileContent::Binary(b)) => Some(b.clone()),
            _ => None,
        }
    }

    /// Paths of the files below `dir` (no trailing `/`), in sorted order.
    pub(crate) fn files_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .map(|(p, _)| p.as_str())
            .take_while(move |p| p.starts_with(&prefix))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Resolves `written`, a path an author wrote in the file `from`, to a site path, and
    /// checks that the file exists and may be read.
    pub fn resolve(&self, from: &str, written: &str) -> Result<String, PathError> {
        let path = join_inside(from, written)?;
        match self.files.get(&path) {
            Some(FileContent::Refused(why)) => Err(PathError::Refused { path, why: why.clone() }),
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
///
/// Only regular files are opened: a FIFO, socket or device is reported and never opened (so
/// it cannot hang the build). Symbolic links are followed inside the site folder; one that
/// leaves it, is broken, or loops is an error (never a silent skip). Names starting with `.`
/// or ending with `~` (editor and system files, hidden folders) are skipped. Every file is
/// read up to its size limit ([`MAX_TOML_BYTES`] …); raster images are checked from their
/// header against [`MAX_IMAGE_SIDE`] and [`MAX_IMAGE_PIXELS`] before anything decodes them.
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
    let mut loader = Loader {
        root: canonical_root.clone(),
        tree: SourceTree {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        },
        diagnostics: Diagnostics::default(),
    };
    for file in [SITE_CONFIG, FINDER] {
        let path = canonical_root.join(file);
        if path.symlink_metadata().is_ok() {
            loader.visit_file(&path);
        }
    }
    let mut deferred: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in SOURCE_DIRS {
        let dir = canonical_root.join(dir);
        if dir.symlink_metadata().is_err() {
            continue;
        }
        let mut walk = WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    loader.walk_error(&e);
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy();
            let hidden = entry.depth() > 0 && (name.starts_with('.') || name.ends_with('~'));
            let refused = !hidden && entry.path_is_symlink() && !loader.link_inside(entry.path());
            if hidden || refused {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_dir() {
                let rel = relative(&loader.root, entry.path());
                if read_always(&rel) {
                    loader.visit_file(entry.path());
                } else {
                    deferred.insert(rel, entry.into_path());
                }
            }
        }
    }
    // The other files are read only when a source names them: an unreadable file, a FIFO or a
    // huge binary that nothing uses is never opened.
    let mut referenced = std::collections::BTreeSet::new();
    let mut all_parsed = true;
    for (file, content) in &loader.tree.files {
        if file.ends_with(".toml") {
            all_parsed &= match content {
                FileContent::Text(text) => toml_paths(file, text, &deferred, &mut referenced),
                _ => false,
            };
        }
    }
    // A named `X.md` declares its translations `X.<lang>.md`, one per edition of site.toml.
    let langs = match loader.tree.files.get(SITE_CONFIG) {
        Some(FileContent::Text(text)) => edition_langs(text),
        _ => Vec::new(),
    };
    let translations: Vec<String> = referenced
        .iter()
        .filter_map(|path| path.strip_suffix(".md"))
        .flat_map(|stem| langs.iter().map(move |lang| format!("{stem}.{lang}.md")))
        .filter(|twin| deferred.contains_key(twin))
        .collect();
    referenced.extend(translations);
    for (rel, path) in deferred {
        if referenced.contains(&rel) {
            loader.visit_file(&path);
        } else {
            // Only worth saying when every source could be read: a broken one may be the user.
            if all_parsed {
                loader.diagnostics.push(
                    Diagnostic::warning(
                        &rel,
                        None,
                        format!("`{rel}` is not referenced by any source; it is not read"),
                    )
                    .with_hint("remove it from the site folder, or refer to it where it belongs"),
                );
            }
            loader
                .tree
                .files
                .insert(rel, FileContent::Refused("a file that no TOML source refers to".into()));
        }
    }
    Ok((loader.tree, loader.diagnostics))
}

/// The languages `[[editions]]` of a `site.toml` text lists.
pub(crate) fn edition_langs(site_toml: &str) -> Vec<String> {
    let Ok(table) = site_toml.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(toml::Value::Array(editions)) = table.get("editions") else {
        return Vec::new();
    };
    editions
        .iter()
        .filter_map(|e| e.get("lang")?.as_str().map(str::to_owned))
        .collect()
}

/// Files read by the walk itself: every TOML source (they are what refers to the rest) and the
/// site's templates, which are used by name. The others wait for a reference.
fn read_always(rel: &str) -> bool {
    rel.ends_with(".toml") || rel.starts_with("templates/")
}

/// Every string value of the TOML `text` (in `file`) that names one of the `deferred` files,
/// as a path relative to `file`. A file that does not parse names nothing (its errors are
/// reported by the parse stage); returns whether it parsed.
fn toml_paths(
    file: &str,
    text: &str,
    deferred: &BTreeMap<String, PathBuf>,
    out: &mut std::collections::BTreeSet<String>,
) -> bool {
    fn walk(
        value: &toml::Value,
        file: &str,
        deferred: &BTreeMap<String, PathBuf>,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        match value {
            toml::Value::String(s) => {
                if let Ok(path) = join_inside(file, s)
                    && deferred.contains_key(&path)
                {
                    out.insert(path);
                }
            }
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, file, deferred, out)),
            toml::Value::Table(table) => table.values().for_each(|v| walk(v, file, deferred, out)),
            _ => {}
        }
    }
    match text.parse::<toml::Table>() {
        Ok(table) => {
            table.values().for_each(|v| walk(v, file, deferred, out));
            true
        }
        Err(_) => {
            // A file with a syntax error still names its files, and the stages after load
            // report what else is wrong with it: every quoted run on a line is a candidate.
            for line in text.lines() {
                for quote in ['"', '\''] {
                    for candidate in line.split(quote).skip(1).step_by(2) {
                        if let Ok(path) = join_inside(file, candidate)
                            && deferred.contains_key(&path)
                        {
                            out.insert(path);
                        }
                    }
                }
            }
            false
        }
    }
}

/// `path` with symbolic links resolved, or `None` when it cannot be (for `serve`, which compares
/// the paths its watcher reports with the site folder).
pub(crate) fn canonical(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

struct Loader {
    /// The site folder, canonical.
    root: PathBuf,
    tree: SourceTree,
    diagnostics: Diagnostics,
}

impl Loader {
    /// Records `rel` as not read, with an error.
    fn refuse(&mut self, rel: String, why: String, hint: &str) {
        self.diagnostics
            .push(Diagnostic::error(&rel, None, format!("`{rel}` is {why}; it is not read")).with_hint(hint));
        self.tree.files.insert(rel, FileContent::Refused(why));
    }

    /// Whether the symbolic link at `path` resolves inside the site folder; reports it when not.
    fn link_inside(&mut self, path: &Path) -> bool {
        let rel = relative(&self.root, path);
        match path.canonicalize() {
            Ok(target) if target.starts_with(&self.root) => true,
            Ok(target) => {
                self.refuse(
                    rel,
                    format!("a symbolic link to `{}`, outside the site folder", target.display()),
                    "copy the file into the site folder instead of linking to it",
                );
                false
            }
            Err(e) => {
                self.refuse(
                    rel,
                    format!("a symbolic link that cannot be followed ({e})"),
                    "remove or repair the link",
                );
                false
            }
        }
    }

    fn walk_error(&mut self, e: &walkdir::Error) {
        let Some(path) = e.path() else {
            self.diagnostics.push(Diagnostic::error(
                String::new(),
                None,
                format!("cannot read the site folder: {e}"),
            ));
            return;
        };
        let rel = relative(&self.root, path);
        if let Some(ancestor) = e.loop_ancestor() {
            let ancestor = relative(&self.root, ancestor);
            self.refuse(
                rel,
                format!("a symbolic link that loops back to its own folder `{ancestor}`"),
                "remove the link; a folder cannot contain itself",
            );
        } else if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            self.refuse(
                rel,
                "a symbolic link to a file that does not exist".into(),
                "remove or repair the link",
            );
        } else {
            self.diagnostics
                .push(Diagnostic::error(rel, None, format!("cannot read: {e}")));
        }
    }

    /// Reads one file found by the walk (or named at the root), if it may be read.
    fn visit_file(&mut self, path: &Path) {
        let rel = relative(&self.root, path);
        let Ok(link) = path.symlink_metadata() else {
            return self.refuse(rel, "a file that cannot be examined".into(), "check its permissions");
        };
        if link.file_type().is_symlink() && !self.link_inside(path) {
            return;
        }
        // Following the link (already known to stay inside): is it a regular file?
        let meta = match path.metadata() {
            Ok(meta) => meta,
            Err(e) => {
                return self
                    .diagnostics
                    .push(Diagnostic::error(rel, None, format!("cannot read: {e}")));
            }
        };
        if !meta.is_file() {
            // Never opened (a FIFO would block the build). Only a warning here: nothing may
            // refer to it; a source that does gets an error at that place.
            let why = format!("{}, not a regular file", special_kind(&meta));
            self.diagnostics.push(
                Diagnostic::warning(&rel, None, format!("`{rel}` is {why}; it is not read"))
                    .with_hint("sources are regular files; remove it from the site folder"),
            );
            self.tree.files.insert(rel, FileContent::Refused(why));
            return;
        }
        let (limit, kind) = size_limit(&rel);
        if meta.len() > limit {
            return self.too_large(rel, meta.len(), limit, kind);
        }
        let bytes = match read_at_most(path, limit) {
            Ok(Some(bytes)) => bytes,
            // It grew while being read.
            Ok(None) => return self.too_large(rel, limit + 1, limit, kind),
            Err(e) => {
                return self
                    .diagnostics
                    .push(Diagnostic::error(rel, None, format!("cannot read: {e}")));
            }
        };
        if is_raster_image(&rel)
            && let Some(why) = image_size_problem(&bytes)
        {
            return self.refuse(
                rel,
                why,
                "scale the image down (a scanned A4 page needs about 2500 × 3500 pixels)",
            );
        }
        if !is_text_path(&rel) {
            self.tree.files.insert(rel, FileContent::Binary(bytes.into()));
            return;
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                let text = without_bom(text);
                if rel.ends_with(".md") && text.trim().is_empty() {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            &rel,
                            None,
                            "the Markdown file is empty; where it is used, nothing is shown",
                        )
                        .with_hint("write its text, or remove the file and what refers to it"),
                    );
                }
                self.tree.files.insert(rel, FileContent::Text(text));
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                self.diagnostics.push(
                    Diagnostic::error(
                        &rel,
                        Some(at..at + 1),
                        format!("the file is not valid UTF-8 (byte 0x{byte:02X})"),
                    )
                    .with_label("not UTF-8")
                    .with_hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\"; GBK is not)"),
                );
                self.tree.files.insert(rel, FileContent::Binary(e.into_bytes().into()));
            }
        }
    }

    fn too_large(&mut self, rel: String, size: u64, limit: u64, kind: &str) {
        let shown = if human_size(size) == human_size(limit) {
            format!("over {}", human_size(limit))
        } else {
            human_size(size)
        };
        self.refuse(
            rel,
            format!(
                "{shown}, larger than the limit of {} for {kind} files",
                human_size(limit)
            ),
            match kind {
                "image" => "make the image smaller: a lower resolution or stronger compression",
                "TOML" | "Markdown" => "split the text into several files",
                _ => "make the file smaller",
            },
        );
    }
}

/// The contents of the file at `path`, or `None` when it holds more than `limit` bytes; never
/// more than `limit + 1` bytes are read.
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Why a raster image may not be decoded, judged from its header alone.
fn image_size_problem(bytes: &[u8]) -> Option<String> {
    let size = imagesize::blob_size(bytes).ok()?;
    let (w, h) = (size.width as u64, size.height as u64);
    let pixels = w.saturating_mul(h);
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        Some(format!(
            "an image of {w} × {h} pixels, larger than the limit of {MAX_IMAGE_SIDE} pixels a side"
        ))
    } else if pixels > MAX_IMAGE_PIXELS {
        Some(format!(
            "an image of {w} × {h} = {pixels} pixels, more than the limit of {MAX_IMAGE_PIXELS} pixels"
        ))
    } else {
        None
    }
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &std::fs::Metadata) -> &'static str {
    "a special file"
}

impl crate::diagnostics::SourceText for SourceTree {
    fn display_text(&self, path: &str) -> Option<std::borrow::Cow<'_, str>> {
        SourceTree::display_text(self, path)
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
