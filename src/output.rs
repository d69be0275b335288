//! Stage 5, write: puts the rendered [`Output`] on disk. The only stage that writes.
//!
//! Three promises, each tested in `tests/suite/output.rs`:
//!
//! - **Nothing lost.** An output folder is replaced only when it carries permitroom's marker
//!   file ([`MARKER_FILE`], written into every output), is empty or does not exist yet. Any
//!   other folder, the site folder itself, a parent of it and its source folders are refused
//!   before a byte changes ([`check_target`]).
//! - **One build at a time.** A build holds an exclusive lock on `.<name>.lock` beside the
//!   output folder for as long as it writes; a second build of the same output fails at once
//!   with a message saying so, rather than waiting ([`OutputError::Locked`]). The operating
//!   system drops the lock when a build dies, however it dies.
//! - **Old or new, never a mix.** The new site is written into `.<name>.new-<pid>` beside the
//!   output folder and swapped in only when every file was written, with one atomic exchange
//!   of the two folders (Linux `renameat2(RENAME_EXCHANGE)`); a build killed at any moment
//!   leaves the complete old or the complete new output. Staging folders left by killed builds
//!   are removed at the start of the next build of the same output.

#![allow(clippy::disallowed_methods)] // The write stage is where the disk is written.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::Output;
use crate::source::load::{SITE_CONFIG, SOURCE_DIRS};

/// The file that marks a folder as a permitroom output, written into every output.
pub(crate) const MARKER_FILE: &str = ".permitroom-output";
/// The marker's fixed content (the same in every build, so output stays deterministic).
pub const MARKER_TEXT: &str = "This folder is a site built by permitroom. `permitroom build` deletes and replaces it \
whole, so keep nothing else in it.\n";

/// Why the output folder cannot be written.
#[derive(Debug)]
pub(crate) enum OutputError {
    /// The folder is not one permitroom may replace; nothing was changed.
    Refused { path: PathBuf, why: String },
    /// Another build is writing the same output folder.
    Locked { path: PathBuf, lock: PathBuf },
    /// A read or write failed; `path` is the file or folder it was about.
    Io { path: PathBuf, source: io::Error },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Refused { path, why } => write!(
                f,
                "refusing to write the site into `{}`: {why}; nothing was changed\n  = hint: pass --out with a new \
                 folder, an empty one, or one an earlier `permitroom build` made",
                path.display()
            ),
            OutputError::Locked { path, lock } => write!(
                f,
                "another permitroom build is writing `{}` (it holds `{}`); wait for it to finish, then build again",
                path.display(),
                lock.display()
            ),
            OutputError::Io { path, source } => write!(f, "`{}`: {source}", path.display()),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Attaches the path an I/O call was about to its error.
fn at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Attaches the path to a plain [`io::Error`], for callers that keep `io::Result`.
fn io_at(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("`{}`: {e}", path.display()))
}

fn refused(path: &Path, why: impl Into<String>) -> OutputError {
    OutputError::Refused {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// `path` made absolute, with symbolic links of the part that exists resolved and `.`/`..`
/// of the rest folded, so that two spellings of one folder compare equal.
fn normalised(path: &Path) -> io::Result<PathBuf> {
    let mut result = PathBuf::new();
    for component in std::path::absolute(path)?.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => result.push(component),
            Component::CurDir => {}
            // `result` is canonical as far as it exists, so `..` of it is its parent.
            Component::ParentDir => {
                result.pop();
            }
            Component::Normal(name) => {
                result.push(name);
                if let Ok(canonical) = result.canonicalize() {
                    result = canonical;
                }
            }
        }
    }
    Ok(result)
}

/// Whether `dir` (a folder) may be replaced: it carries the marker or is empty.
fn replaceable(dir: &Path) -> Result<bool, OutputError> {
    let marker = dir.join(MARKER_FILE);
    match fs::symlink_metadata(&marker) {
        Ok(meta) if meta.is_file() => {
            let text = fs::read(&marker).map_err(at(&marker))?;
            if text == MARKER_TEXT.as_bytes() {
                return Ok(true);
            }
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(at(&marker)(e)),
    }
    let mut entries = fs::read_dir(dir).map_err(at(dir))?;
    Ok(entries.next().is_none())
}

/// Checks that the site may be written into `out` for the site at `root`, without changing
/// anything. `out` must not be the site folder, a parent of it, or a source folder (or inside
/// one); if it exists it must be a real folder (not a file or a symbolic link) that is empty
/// or carries [`MARKER_FILE`] with [`MARKER_TEXT`].
pub(crate) fn check_target(out: &Path, root: &Path) -> Result<(), OutputError> {
    let out_abs = normalised(out).map_err(at(out))?;
    let root_abs = normalised(root).map_err(at(root))?;
    if out_abs == root_abs {
        return Err(refused(out, "it is the site folder itself"));
    }
    if root_abs.starts_with(&out_abs) {
        return Err(refused(out, format!("it holds the site folder `{}`", root.display())));
    }
    for dir in SOURCE_DIRS {
        let source = root_abs.join(dir);
        if out_abs.starts_with(&source) {
            return Err(refused(
                out,
                format!("`{dir}/` is a source folder of the site; the output never goes there"),
            ));
        }
    }
    if out_abs == root_abs.join(SITE_CONFIG) {
        return Err(refused(out, "it is the site's configuration file"));
    }
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(at(out)(e)),
        Ok(meta) if meta.file_type().is_symlink() => Err(refused(
            out,
            "it is a symbolic link; give the folder it points to, or a new folder",
        )),
        Ok(meta) if !meta.is_dir() => Err(refused(out, "it is a file, not a folder")),
        Ok(_) => {
            if replaceable(out)? {
                Ok(())
            } else {
                Err(refused(
                    out,
                    format!(
                        "the folder is not empty and was not made by permitroom (it has no `{MARKER_FILE}` file), so \
                         replacing it could delete your files"
                    ),
                ))
            }
        }
    }
}

/// `.<name>.<tag>` beside `out`.
fn sibling(out: &Path, tag: &str) -> PathBuf {
    out.with_file_name(format!(".{}.{tag}", folder_name(out)))
}

fn folder_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into())
}

/// Removes staging folders (`.<name>.new-<pid>`, `.<name>.old-<pid>`) that builds of `out`
/// killed before they finished left behind. Called with the lock held, so no live build owns
/// them; a folder of that name that is not a permitroom staging folder is left alone.
fn remove_stale_staging(out: &Path) -> Result<(), OutputError> {
    let parent = parent_of(out);
    let name = folder_name(out);
    let entries = match fs::read_dir(&parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(at(&parent)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(at(&parent))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let rest = rest.strip_suffix(".swap").unwrap_or(rest);
        let is_staging = ["new-", "old-"].iter().any(|tag| {
            rest.strip_prefix(tag)
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        let path = entry.path();
        let is_dir = entry.file_type().map_err(at(&path))?.is_dir();
        if is_staging && is_dir && replaceable(&path)? {
            remove_output_dir(&path).map_err(at(&path))?;
        }
    }
    Ok(())
}

/// Deletes a folder that carries the marker, the marker last: a build killed while deleting
/// leaves a folder the next build still recognises as its own and removes.
fn remove_output_dir(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER_FILE {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(dir.join(MARKER_FILE)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(dir)
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new output folder being filled beside the old one, with the output's lock held.
/// Rendered files are added as they come (so a large site never has to sit in memory whole);
/// [`Staging::commit`] swaps the new folder in. Dropped without a commit, it removes itself
/// and the old output stays as it was.
pub(crate) struct Staging {
    target: PathBuf,
    dir: PathBuf,
    files: usize,
    committed: bool,
    /// Held until the staging is committed or dropped; the OS releases it if the process dies.
    /// (Declared last: dropped after the staging folder is removed.)
    _lock: fs::File,
}

impl Staging {
    /// Checks `target` ([`check_target`]), takes its lock, removes staging folders of killed
    /// builds and creates the new folder with the marker file in it. Nothing is created when
    /// `target` is refused.
    pub(crate) fn new(target: &Path, root: &Path) -> Result<Staging, OutputError> {
        check_target(target, root)?;
        // From here on the folder is named by its absolute path, which always has a last name.
        let target = &normalised(target).map_err(at(target))?;
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(at(&parent))?;
        let lock_path = sibling(target, "lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(at(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(OutputError::Locked {
                    path: target.to_path_buf(),
                    lock: lock_path,
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(at(&lock_path)(e)),
        }
        // Again under the lock: a build that finished meanwhile may have changed the folder.
        check_target(target, root)?;
        remove_stale_staging(target)?;
        let dir = sibling(target, &format!("new-{}", std::process::id()));
        fs::create_dir(&dir).map_err(at(&dir))?;
        let marker = dir.join(MARKER_FILE);
        let staging = Staging {
            target: target.to_path_buf(),
            dir,
            files: 0,
            committed: false,
            _lock: lock,
        };
        fs::write(&marker, MARKER_TEXT).map_err(at(&marker))?;
        Ok(staging)
    }

    /// Writes more rendered files into the new folder.
    pub(crate) fn add(&mut self, output: &Output) -> io::Result<()> {
        write_tree(&self.dir, output)?;
        self.files += output.files.len();
        Ok(())
    }

    /// How many rendered files were added (the marker file not counted).
    pub(crate) fn file_count(&self) -> usize {
        self.files
    }

    /// Replaces the target folder with the new one in one atomic step.
    pub(crate) fn commit(mut self) -> Result<(), OutputError> {
        let out = self.target.clone();
        match fs::symlink_metadata(&out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::rename(&self.dir, &out).map_err(at(&out))?;
                self.committed = true;
            }
            Err(e) => return Err(at(&out)(e)),
            Ok(_) => {
                // Checked again: the lock keeps other builds out, not other programs.
                if !out.is_dir() || !replaceable(&out)? {
                    return Err(refused(
                        &out,
                        "files not made by permitroom appeared in it during the build",
                    ));
                }
                exchange(&self.dir, &out).map_err(at(&out))?;
                self.committed = true;
                // `self.dir` now holds the previous output. Should removing it fail, the next
                // build removes it as a stale staging folder.
                let _ = remove_output_dir(&self.dir);
            }
        }
        Ok(())
    }
}

/// Swaps two folders so that `b` holds what `a` held. Atomic where the system can (Linux
/// `renameat2` with `RENAME_EXCHANGE`); elsewhere two renames, with `b` briefly absent.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Filesystems without the flag answer EINVAL; old kernels ENOSYS.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = a.with_file_name(format!(
        "{}.swap",
        a.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_output_dir(&self.dir);
        }
    }
}

/// Creates new source files (`permitroom new`), refusing to overwrite any that exist.
pub fn create_files(root: &Path, files: &[(String, String)]) -> io::Result<()> {
    if let Some((path, _)) = files.iter().find(|(p, _)| root.join(p).exists()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{path} already exists"),
        ));
    }
    replace_files(root, files)
}

/// Writes generated files (`permitroom schema`), replacing earlier versions.
pub fn replace_files(root: &Path, files: &[(String, String)]) -> io::Result<()> {
    for (path, text) in files {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        fs::write(&target, text).map_err(io_at(&target))?;
    }
    Ok(())
}

fn write_tree(dir: &Path, output: &Output) -> io::Result<()> {
    for (path, bytes) in &output.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        fs::write(&target, bytes).map_err(io_at(&target))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_folds_the_part_that_does_not_exist() {
        let here = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(
            normalised(Path::new("no-such-a/../no-such-b")).unwrap(),
            here.join("no-such-b")
        );
        assert_eq!(normalised(Path::new(".")).unwrap(), here);
        assert_eq!(normalised(Path::new("src/..")).unwrap(), here);
    }
}
