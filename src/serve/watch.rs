//! Watching the sources (notify-debouncer-full). Only the site's source folders
//! (`load::SOURCE_DIRS`) are watched, recursively, and the root itself without recursion (for
//! `site.toml`, `finder.toml` and source folders created later): `output/`, `target/`,
//! `.git/` or anything else in the site folder never triggers a rebuild. Reads are ignored
//! (building reads every source; a watcher that reacted to reads would rebuild for ever).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::ServeError;
use crate::source::load;

/// How long the watcher waits after the last event of a path before it reports it: an
/// editor's save is often several events within a few milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// The watcher; dropping it stops watching.
pub(super) struct Sources {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl Sources {
    /// Starts watching the site at `root` (canonical); each batch of changed source paths,
    /// relative to the root and `/`-separated, is sent to `changes`.
    pub(super) fn watch(root: &Path, changes: mpsc::Sender<Vec<String>>) -> Result<Sources, ServeError> {
        let filter_root = root.to_path_buf();
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| match result {
            Ok(events) => {
                let mut paths: Vec<String> = events
                    .iter()
                    .filter(|e| {
                        matches!(
                            e.kind,
                            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
                        )
                    })
                    .flat_map(|e| e.paths.iter())
                    .filter_map(|p| source_path(&filter_root, p))
                    .collect();
                paths.sort();
                paths.dedup();
                if !paths.is_empty() {
                    let _ = changes.send(paths);
                }
            }
            Err(errors) => {
                for error in errors {
                    eprintln!("warning: watching the sources: {error}");
                }
            }
        })
        .map_err(|source| ServeError::Watch {
            path: root.to_path_buf(),
            source,
        })?;
        let mut sources = Sources {
            root: root.to_path_buf(),
            debouncer,
        };
        sources.add(root, RecursiveMode::NonRecursive)?;
        for dir in load::SOURCE_DIRS {
            sources.add(&root.join(dir), RecursiveMode::Recursive)?;
        }
        Ok(sources)
    }

    /// Watches source folders that were created since the watch began (`changed` as sent).
    pub(super) fn follow_new_folders(&mut self, changed: &[String]) {
        for dir in changed.iter().filter(|p| load::SOURCE_DIRS.contains(&p.as_str())) {
            let path = self.root.join(dir);
            if let Err(e) = self.add(&path, RecursiveMode::Recursive) {
                eprintln!("warning: {e}");
            }
        }
    }

    /// Adds a watch; a folder that is not there is not an error (most sites have no
    /// `templates/`).
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), ServeError> {
        match self.debouncer.watch(path, mode) {
            Ok(()) => Ok(()),
            Err(e) if matches!(&e.kind, notify::ErrorKind::PathNotFound) => Ok(()),
            Err(e) if matches!(&e.kind, notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound) => {
                Ok(())
            }
            Err(source) => Err(ServeError::Watch {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

/// The site path of a changed file when it is a source: inside a source folder or the site
/// configuration or the finder at the root; never a hidden file or an editor's backup.
pub(super) fn source_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (first, name) = (parts.first()?, parts.last()?);
    let source = load::SOURCE_DIRS.contains(&first.as_str()) || first == load::SITE_CONFIG || first == load::FINDER;
    (source && !name.starts_with('.') && !name.ends_with('~')).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_as_changes() {
        let root = Path::new("/site");
        let of = |p: &str| source_path(root, &root.join(p));
        assert_eq!(of("guides/a/overview.md").as_deref(), Some("guides/a/overview.md"));
        assert_eq!(of("templates/handout.typ").as_deref(), Some("templates/handout.typ"));
        assert_eq!(of("templates").as_deref(), Some("templates"));
        assert_eq!(of("site.toml").as_deref(), Some("site.toml"));
        for not_a_source in [
            "output/index.html",
            "target/debug/x",
            ".git/index",
            "README.md",
            "guides/a/.overview.md.swp",
            "guides/a/overview.md~",
        ] {
            assert_eq!(of(not_a_source), None, "{not_a_source}");
        }
        assert_eq!(source_path(root, Path::new("/elsewhere/guides/a.md")), None);
    }
}
