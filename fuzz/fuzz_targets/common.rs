//! Shared set-up of the fuzz targets: the bundled site, loaded once.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use permitroom::diagnostics::{self, Diagnostics};
use permitroom::source::load::SourceTree;

/// The repository root: the bundled site the targets draw their surroundings from.
pub fn site_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bundled site as loaded by the build (`load::load_site`).
pub fn bundled() -> &'static SourceTree {
    static TREE: OnceLock<SourceTree> = OnceLock::new();
    TREE.get_or_init(|| {
        let (tree, d) = permitroom::source::load::load_site(&site_root()).expect("the bundled site loads");
        assert!(!d.has_errors(), "the bundled site loads without errors");
        tree
    })
}

/// The files of the bundled site whose paths satisfy `keep`, as `(path, bytes)`.
pub fn files(keep: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    let tree = bundled();
    tree.paths()
        .filter(|p| keep(p))
        .filter_map(|p| Some((p.to_owned(), tree.bytes(p)?.to_vec())))
        .collect()
}

/// Prints every diagnostic as `permitroom check` does, and checks that each one that has a
/// place points inside its file's text.
pub fn print_and_check_places(d: &Diagnostics, tree: &SourceTree) -> String {
    for diagnostic in d.iter() {
        let (Some(span), Some(text)) = (&diagnostic.span, tree.display_text(&diagnostic.file)) else {
            continue;
        };
        assert!(
            span.start <= span.end && span.end <= text.len().max(1),
            "diagnostic `{}` in {} has span {:?} outside the file's {} bytes",
            diagnostic.message,
            diagnostic.file,
            span,
            text.len()
        );
    }
    diagnostics::render_all(d, tree)
}

/// Runs `f` in a thread with the stack of a rayon worker (2 MiB), as the build does; a panic
/// there is a panic here.
pub fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(f).unwrap().join() {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e),
    }
}
