//! Stage 5, write: puts the rendered [`Output`] on disk. The only stage that writes.
//!
//! The new site is written to a fresh folder beside the output folder and swapped in with two
//! renames only when every file was written, so a build that fails at any point leaves the
//! previous output exactly as it was.

#![allow(clippy::disallowed_methods)] // The write stage is where the disk is written.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Output;

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// A new output folder being filled beside the old one. Rendered files are added as they
/// come (so a large site never has to sit in memory whole); [`Staging::commit`] swaps the new
/// folder in. Dropped without a commit, it removes itself and the old output stays as it was.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    files: usize,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path) -> io::Result<Staging> {
        let dir = sibling(target, "new");
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            files: 0,
            committed: false,
        })
    }

    /// Writes more rendered files into the new folder.
    pub fn add(&mut self, output: &Output) -> io::Result<()> {
        write_tree(&self.dir, output)?;
        self.files += output.files.len();
        Ok(())
    }

    pub fn file_count(&self) -> usize {
        self.files
    }

    /// Replaces the target folder with the new one (two renames).
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.target.clone();
        let previous = sibling(&out, "old");
        if out.exists() {
            if previous.exists() {
                fs::remove_dir_all(&previous)?;
            }
            fs::rename(&out, &previous)?;
            if let Err(e) = fs::rename(&self.dir, &out) {
                // Put the previous output back before reporting.
                let _ = fs::rename(&previous, &out);
                return Err(e);
            }
            self.committed = true;
            fs::remove_dir_all(&previous)?;
        } else {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)?;
            }
            fs::rename(&self.dir, &out)?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `output` to `out`, replacing what was there.
pub fn write_output(out: &Path, output: &Output) -> io::Result<()> {
    let mut staging = Staging::new(out)?;
    staging.add(output)?;
    staging.commit()
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
            fs::create_dir_all(parent)?;
        }
        fs::write(target, text)?;
    }
    Ok(())
}

fn write_tree(dir: &Path, output: &Output) -> io::Result<()> {
    for (path, bytes) in &output.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&target, bytes)?;
    }
    Ok(())
}
