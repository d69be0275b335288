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
