//! The output folder: only a permitroom output (or an empty or new folder) is ever replaced,
//! one build at a time, and a build killed at any moment leaves the old or the new site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// Every entry under `dir` (folders too, so an added empty folder shows) with the bytes of
/// files, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let bytes = e.file_type().is_file().then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

fn build_into(root: &Path, out: &Path) -> Run {
    permitroom(&[
        "build",
        "--no-pdf",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn out_pointed_at_a_folder_of_other_files_changes_nothing() {
    let site = base_site("out-foreign");
    let parent = temp_dir("out-foreign-parent");
    let mine = parent.join("mine");
    std::fs::create_dir_all(mine.join("sub/empty")).unwrap();
    std::fs::write(mine.join("notes.txt"), "我的笔记").unwrap();
    std::fs::write(mine.join("sub/a.txt"), "a").unwrap();
    // An index.html does not make a folder an output: only the marker does.
    std::fs::write(mine.join("index.html"), "<p>mine</p>").unwrap();
    let before = snapshot(&parent);
    let run = build_into(&site, &mine);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("refusing to write the site into `{}`", mine.display()))
            && run
                .stderr
                .contains("was not made by permitroom (it has no `.permitroom-output` file)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("built "), "{}", run.stderr);
    assert_eq!(
        snapshot(&parent),
        before,
        "a refused build changed the folder or its parent"
    );
}

#[test]
fn the_site_folder_its_parent_and_its_source_folders_are_never_outputs() {
    // The site sits in a folder of its own, so that a regression could delete only that.
    let holder = temp_dir("out-root-holder");
    let site = holder.join("site");
    copy_dir(&fixtures().join("base"), &site);
    // The site folder, spelt two ways, its parent, a source folder and a new folder inside one.
    let cases: [(PathBuf, &str); 6] = [
        (site.clone(), "it is the site folder itself"),
        (site.join("guides/.."), "it is the site folder itself"),
        (holder.clone(), "it holds the site folder"),
        (site.join("guides"), "`guides/` is a source folder of the site"),
        (
            site.join("materials/out"),
            "`materials/` is a source folder of the site",
        ),
        (site.join("site.toml"), "it is the site's configuration file"),
    ];
    let before = snapshot(&site);
    for (out, why) in &cases {
        // A marker does not make the site folder an output either.
        let run = build_into(&site, out);
        assert_eq!(run.code, 2, "{}: {}", out.display(), run.stderr);
        assert!(
            run.stderr.contains(why),
            "{}: expected {why:?} in\n{}",
            out.display(),
            run.stderr
        );
        assert_eq!(snapshot(&site), before, "{}: the site changed", out.display());
    }
    // Even with a marker planted in it, the site folder stays refused.
    std::fs::write(site.join(".permitroom-output"), permitroom::output::MARKER_TEXT).unwrap();
    let run = build_into(&site, &site);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(site.join("guides/alpha/guide.toml").is_file());
}

#[test]
fn a_file_or_a_symbolic_link_is_not_an_output_folder() {
    let site = base_site("out-file");
    let parent = temp_dir("out-file-parent");
    std::fs::write(parent.join("file"), "keep").unwrap();
    let run = build_into(&site, &parent.join("file"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("it is a file, not a folder"), "{}", run.stderr);
    #[cfg(unix)]
    {
        std::fs::create_dir(parent.join("real")).unwrap();
        std::os::unix::fs::symlink(parent.join("real"), parent.join("link")).unwrap();
        let run = build_into(&site, &parent.join("link"));
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("it is a symbolic link"), "{}", run.stderr);
        assert!(parent.join("link").is_symlink());
    }
    assert_eq!(std::fs::read_to_string(parent.join("file")).unwrap(), "keep");
}

#[test]
fn a_previous_output_and_an_empty_folder_are_replaced() {
    let site = base_site("out-replace");
    let out = temp_dir("out-replace-parent").join("out");
    std::fs::create_dir(&out).unwrap();
    let run = build_into(&site, &out);
    assert_eq!(run.code, 0, "an empty folder is taken: {}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join(".permitroom-output")).unwrap(),
        permitroom::output::MARKER_TEXT
    );
    assert!(out.join("guides/beta/index.html").is_file());
    // The second build replaces the first whole: a file only the old output had is gone.
    std::fs::write(out.join("guides/stray.html"), "old").unwrap();
    edit(&site, "guides/alpha/guide.toml", "测试用的事项。", "改过的事项。");
    let run = build_into(&site, &out);
    assert_eq!(run.code, 0, "a previous output is replaced: {}", run.stderr);
    assert!(
        std::fs::read_to_string(out.join("guides/alpha/index.html"))
            .unwrap()
            .contains("改过的事项")
    );
    assert!(
        !out.join("guides/stray.html").exists(),
        "the old output was merged, not replaced"
    );
}

/// Takes the lock a build takes, as another build would hold it.
#[test]
fn a_second_build_of_the_same_output_fails_at_once_and_changes_nothing() {
    let site = base_site("out-lock");
    let parent = temp_dir("out-lock-parent");
    let out = parent.join("out");
    assert_eq!(build_into(&site, &out).code, 0);
    let before = snapshot(&out);
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(parent.join(".out.lock"))
        .expect("a build leaves its lock file beside the output");
    lock.lock().unwrap();
    edit(&site, "guides/alpha/guide.toml", "测试用的事项。", "改过的事项。");
    let started = Instant::now();
    let run = build_into(&site, &out);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("another permitroom build is writing") && run.stderr.contains(".out.lock"),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(60), "the second build waited");
    assert_eq!(snapshot(&out), before);
    drop(lock);
    assert_eq!(build_into(&site, &out).code, 0);
    assert!(
        std::fs::read_to_string(out.join("guides/alpha/index.html"))
            .unwrap()
            .contains("改过的事项")
    );
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let site = base_site("out-stale");
    let parent = temp_dir("out-stale-parent");
    let out = parent.join("out");
    for stale in [".out.new-4000001", ".out.old-4000002"] {
        std::fs::create_dir_all(parent.join(stale).join("guides")).unwrap();
        std::fs::write(
            parent.join(stale).join(".permitroom-output"),
            permitroom::output::MARKER_TEXT,
        )
        .unwrap();
        std::fs::write(parent.join(stale).join("guides/x.html"), "half").unwrap();
    }
    // Same pattern, not made by permitroom: left alone.
    std::fs::create_dir(parent.join(".out.new-4000003")).unwrap();
    std::fs::write(parent.join(".out.new-4000003/mine.txt"), "mine").unwrap();
    // Another output's staging folder: not this build's business.
    std::fs::create_dir(parent.join(".other.new-4000004")).unwrap();
    assert_eq!(build_into(&site, &out).code, 0);
    let mut names: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".other.new-4000004", ".out.lock", ".out.new-4000003", "out"]);
}

fn kill_after(root: &Path, out: &Path, delay: Duration) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args([
            "build",
            "--no-pdf",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL: no destructor, no clean-up runs
    child.wait().unwrap();
}

/// Builds of two versions of a site into one folder, each killed after a different delay
/// spread over (and a little past) the length of a whole build: after every kill the folder
/// holds one complete version, byte for byte, never a mix and never nothing.
#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_output() {
    let site_a = base_site("kill-a");
    let site_b = base_site("kill-b");
    edit(&site_b, "guides/alpha/guide.toml", "测试用的事项。", "第二版的事项。");
    edit(&site_b, "guides/beta/guide.toml", "title = \"", "title = \"新");
    let references = temp_dir("kill-ref");
    let started = Instant::now();
    assert_eq!(build_into(&site_b, &references.join("b")).code, 0);
    let whole = started.elapsed();
    assert_eq!(build_into(&site_a, &references.join("a")).code, 0);
    let version_a = read_tree(&references.join("a"));
    let version_b = read_tree(&references.join("b"));
    assert_ne!(version_a, version_b);

    let parent = temp_dir("kill-out");
    let out = parent.join("out");
    assert_eq!(build_into(&site_a, &out).code, 0);
    const STEPS: u32 = 30;
    let (mut saw_a, mut saw_b) = (0, 0);
    for step in 1..=STEPS + 4 {
        let now_a = read_tree(&out) == version_a;
        let other = if now_a { &site_b } else { &site_a };
        kill_after(other, &out, whole * step / STEPS);
        assert!(out.is_dir(), "after a kill at step {step} the output folder is missing");
        let tree = read_tree(&out);
        if tree == version_a {
            saw_a += 1;
        } else if tree == version_b {
            saw_b += 1;
        } else {
            let mixed: Vec<_> = tree
                .iter()
                .filter(|(p, bytes)| version_a.get(*p) != Some(bytes) && version_b.get(*p) != Some(bytes))
                .map(|(p, _)| p.clone())
                .collect();
            panic!("after a kill at step {step} the output is neither version; e.g. {mixed:?}");
        }
    }
    // The last build completes: it removes what the killed ones left beside the output.
    assert_eq!(build_into(&site_b, &out).code, 0);
    assert_eq!(read_tree(&out), version_b);
    let leftovers: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "out" && n != ".out.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    eprintln!("one build {whole:.2?}; after kills: {saw_a} × version a, {saw_b} × version b");
}
