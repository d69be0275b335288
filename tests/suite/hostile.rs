//! Hostile and broken inputs that must neither hang, crash nor read outside the site: each
//! test runs the real binary with a time limit.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `permitroom check` on `site`, failing the test if it has not finished within a minute.
fn check_within_a_minute(site: &Path) -> Run {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args(["check", "--root", site.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`permitroom check` did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let run = tool("mkfifo", &[path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "mkfifo: {}", run.stderr);
}

/// usvg's default image resolver opens any file an `<image href>` names; a FIFO (or a device)
/// then blocks `check` for ever. The SVG is parsed with a resolver that reads nothing.
#[cfg(unix)]
#[test]
fn an_svg_naming_a_fifo_outside_the_site_does_not_hang_check() {
    let site = base_site("svg-fifo");
    let fifo = temp_dir("svg-fifo-outside").join("pipe.png");
    mkfifo(&fifo);
    edit(
        &site,
        "samples/plan.svg",
        "<line ",
        &format!(
            "<image href=\"{}\" width=\"10\" height=\"10\"/>\n  <line ",
            fifo.display()
        ),
    );
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: the SVG refers to `{}`, outside the file",
            fifo.display()
        )),
        "{}",
        run.stderr
    );
}

/// A FIFO no source refers to is never opened: before, reading it blocked `check` for ever.
/// One that a source does refer to is an error at that place.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_source_tree_does_not_hang_and_is_refused_where_used() {
    let site = base_site("tree-fifo");
    mkfifo(&site.join("guides/alpha/notes.md"));
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "guides/alpha/notes.md: warning: `guides/alpha/notes.md` is not referenced by any source; it is not read"
        ),
        "{}",
        run.stderr
    );
    std::fs::remove_file(site.join("guides/alpha/steps/ask.md")).unwrap();
    mkfifo(&site.join("guides/alpha/steps/ask.md"));
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guides/alpha/guide.toml:71:8: error: `guides/alpha/steps/ask.md` is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );
}

/// Files that no source names are never opened: an unreadable file, a FIFO and a 300 MiB
/// binary in a guide's folder and in `samples/`. Before, the unreadable file failed the build
/// ("cannot read"), the binary was an error over its size limit, and one just under the limit
/// was read whole. Each is a warning now; the same file named by a source is read (an error
/// where it cannot be).
#[cfg(unix)]
#[test]
fn files_no_source_refers_to_are_never_opened() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = base_site("unreferenced");
    let unreadable = site.join("guides/alpha/draft.md");
    std::fs::write(&unreadable, "草稿").unwrap();
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads whatever the mode says; the file is only unreadable for other users.
    let really_unreadable = std::fs::read(&unreadable).is_err();
    mkfifo(&site.join("samples/pipe.png"));
    for huge in ["guides/alpha/scan.bin", "samples/archive.zip"] {
        std::fs::File::create(site.join(huge))
            .unwrap()
            .set_len(300 * 1024 * 1024)
            .unwrap();
    }
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for path in [
        "guides/alpha/draft.md",
        "guides/alpha/scan.bin",
        "samples/archive.zip",
        "samples/pipe.png",
    ] {
        let expected = format!("{path}: warning: `{path}` is not referenced by any source; it is not read");
        assert!(
            run.stderr.contains(&expected),
            "expected {expected:?} in\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("0 error(s), 4 warning(s)"), "{}", run.stderr);
    // Named by a source, the unreadable file is read, and is an error at that file.
    edit(
        &site,
        "guides/alpha/guide.toml",
        "overview = \"overview.md\"",
        "overview = \"draft.md\"",
    );
    let run = check_within_a_minute(&site);
    if really_unreadable {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("guides/alpha/draft.md: error: cannot read"),
            "{}",
            run.stderr
        );
    } else {
        assert!(
            !run.stderr.contains("`guides/alpha/draft.md` is not referenced"),
            "{}",
            run.stderr
        );
    }
}

/// A guide folder linked from outside the site, and a link that loops, were skipped without a
/// word; both are errors now. A link that stays inside the site is followed.
#[cfg(unix)]
#[test]
fn symbolic_links_leaving_the_site_or_looping_are_errors() {
    let site = base_site("link-guide");
    let outside = temp_dir("link-guide-outside");
    copy_dir(&site.join("guides/beta"), &outside.join("gamma"));
    std::os::unix::fs::symlink(outside.join("gamma"), site.join("guides/gamma")).unwrap();
    std::os::unix::fs::symlink("..", site.join("guides/alpha/plans/up")).unwrap();
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let outside_gamma = outside.join("gamma").canonicalize().unwrap();
    for expected in [
        format!(
            "guides/gamma: error: `guides/gamma` is a symbolic link to `{}`, outside the site folder; it is not read",
            outside_gamma.display()
        ),
        "guides/alpha/plans/up: error: `guides/alpha/plans/up` is a symbolic link that loops back to its own folder `guides/alpha`; it is not read".into(),
    ] {
        assert!(run.stderr.contains(&expected), "expected {expected:?} in\n{}", run.stderr);
    }
    assert!(run.stderr.contains("2 error(s)"), "{}", run.stderr);

    let site = base_site("link-inside");
    std::fs::remove_file(site.join("guides/alpha/steps/ask.md")).unwrap();
    std::os::unix::fs::symlink("../overview.md", site.join("guides/alpha/steps/ask.md")).unwrap();
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 0, "a link inside the site is followed: {}", run.stderr);
}

/// A byte-order mark at the start of a text file is dropped when the file is read: it reaches
/// neither the pages nor the PDFs (as U+FEFF, an invisible character).
#[test]
fn a_byte_order_mark_reaches_neither_pages_nor_pdfs() {
    let site = base_site("bom");
    for file in [
        "guides/alpha/guide.toml",
        "guides/alpha/overview.md",
        "guides/alpha/steps/ask.md",
        "site.toml",
    ] {
        let path = site.join(file);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(std::fs::read(&path).unwrap());
        std::fs::write(&path, bytes).unwrap();
    }
    let out = temp_dir("bom-out").join("out");
    build(&site, &out);
    let text_files = [".html", ".json", ".js", ".css", ".svg", ".txt", ".xml", ".vtt"];
    for (path, bytes) in read_tree(&out) {
        if text_files.iter().any(|ext| path.ends_with(ext)) {
            assert!(!bytes.windows(3).any(|w| w == b"\xEF\xBB\xBF"), "{path} holds a U+FEFF");
        }
    }
    let pdf = out.join("guides/alpha/alpha.pdf");
    let pdfs: Vec<_> = read_tree(&out).into_keys().filter(|p| p.ends_with(".pdf")).collect();
    assert!(!pdfs.is_empty());
    for path in pdfs {
        let run = tool("pdftotext", &[out.join(&path).to_str().unwrap(), "-"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains('\u{feff}'), "{path}: {}", run.stdout);
        if out.join(&path) == pdf {
            assert!(run.stdout.contains("示例"), "{}", run.stdout);
        }
    }
    let html = std::fs::read_to_string(out.join("guides/alpha/index.html")).unwrap();
    assert!(
        html.contains("这是<strong>示例</strong>概述"),
        "the overview is rendered"
    );
}

#[test]
fn an_empty_markdown_file_is_a_warning() {
    let site = base_site("empty-md");
    std::fs::write(site.join("guides/alpha/overview.md"), "").unwrap();
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "guides/alpha/overview.md: warning: the Markdown file is empty; where it is used, nothing is shown"
        ),
        "{}",
        run.stderr
    );
}

/// Each kind of file has a size limit; a larger file is an error naming the limit, at the
/// file and where a source refers to it, and is never read whole.
#[test]
fn files_over_their_size_limit_are_errors_naming_the_limit() {
    let site = base_site("too-large");
    let limit = permitroom::source::load::MAX_MARKDOWN_BYTES as usize;
    std::fs::write(site.join("guides/alpha/overview.md"), "字".repeat(limit / 3 + 1)).unwrap();
    let mut toml = std::fs::read_to_string(site.join("guides/beta/guide.toml")).unwrap();
    toml.push_str(&"# 注释\n".repeat(permitroom::source::load::MAX_TOML_BYTES as usize / 9 + 1));
    std::fs::write(site.join("guides/beta/guide.toml"), toml).unwrap();
    std::fs::write(
        site.join("media/submit-poster.png"),
        vec![0u8; permitroom::source::load::MAX_IMAGE_BYTES as usize + 1],
    )
    .unwrap();
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "guides/alpha/overview.md: error: `guides/alpha/overview.md` is over 1 MiB, larger than the limit of 1 MiB for Markdown files; it is not read",
        "guides/alpha/guide.toml:9:12: error: `guides/alpha/overview.md` is over 1 MiB, larger than the limit of 1 MiB for Markdown files",
        "guides/beta/guide.toml: error: `guides/beta/guide.toml` is over 1 MiB, larger than the limit of 1 MiB for TOML files; it is not read",
        "media/submit-poster.png: error: `media/submit-poster.png` is over 20 MiB, larger than the limit of 20 MiB for image files; it is not read",
    ] {
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?} in\n{}",
            run.stderr
        );
    }
}

/// A PNG of a few bytes whose header declares 100000 × 100000 pixels: decoding it would ask for
/// 40 GB. Its size is checked from the header, before anything decodes it.
#[test]
fn an_image_declaring_a_huge_size_is_an_error_not_an_abort() {
    let site = base_site("huge-png");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(100_000u32.to_be_bytes());
    png.extend(100_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
    std::fs::write(site.join("samples/huge.png"), &png).unwrap();
    edit(
        &site,
        "materials/base.toml",
        "image = \"../samples/plan.svg\"",
        "image = \"../samples/huge.png\"",
    );
    let out = temp_dir("huge-png-out").join("out");
    let run = permitroom(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "samples/huge.png: error: `samples/huge.png` is an image of 100000 × 100000 pixels, larger than the limit of 20000 pixels a side; it is not read"
        ),
        "{}",
        run.stderr
    );
    // And where a source refers to it: the `image = "…"` line of the material.
    assert!(
        run.stderr.contains(
            "materials/base.toml:36:9: error: `samples/huge.png` is an image of 100000 × 100000 pixels, larger than the limit of 20000 pixels a side"
        ),
        "{}",
        run.stderr
    );
}

/// 10,000 nested quotes overflowed the stack (abort); 32 nested lists made the PDF template
/// fail with a message about `common.typ`. Both are one error at the place the text goes too deep.
#[test]
fn deeply_nested_markdown_is_an_error_at_its_place() {
    let site = base_site("deep-md");
    std::fs::write(
        site.join("guides/alpha/overview.md"),
        format!("{} 深\n", ">".repeat(10_000)),
    )
    .unwrap();
    let run = check_within_a_minute(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "guides/alpha/overview.md:1:17: error: lists and quotes nest more than 16 levels deep here, the limit"
        ),
        "{}",
        run.stderr
    );
    let lists: String = (0..32).map(|i| format!("{}- 第{i}层\n", "  ".repeat(i))).collect();
    std::fs::write(site.join("guides/alpha/overview.md"), lists).unwrap();
    let out = temp_dir("deep-md-out").join("out");
    let run = permitroom(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guides/alpha/overview.md:17:33: error: lists and quotes nest more than 16 levels deep"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".typ"), "{}", run.stderr);
}
