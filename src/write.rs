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

/// Writes `output` to `out`, replacing what was there.
pub fn write_output(out: &Path, output: &Output) -> io::Result<()> {
    let staging = sibling(out, "new");
    let previous = sibling(out, "old");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let result = write_tree(&staging, output);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        if previous.exists() {
            fs::remove_dir_all(&previous)?;
        }
        fs::rename(out, &previous)?;
        if let Err(e) = fs::rename(&staging, out) {
            // Put the previous output back before reporting.
            let _ = fs::rename(&previous, out);
            return Err(e);
        }
        fs::remove_dir_all(&previous)?;
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        fs::rename(&staging, out)?;
    }
    Ok(())
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
    fs::create_dir_all(dir)?;
    for (path, bytes) in &output.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&target, bytes)?;
    }
    Ok(())
}
