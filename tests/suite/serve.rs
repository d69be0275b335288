//! `permitroom serve`: live reload, the error overlay with the last good pages still served,
//! no path outside the output, and Host/Origin checks. Save-to-reload times are printed
//! (`cargo test --test suite serve -- --nocapture`); they are figures, not assertions.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::*;

struct Preview {
    child: Child,
    port: u16,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Path) -> Preview {
    start_with(site, &["--no-pdf"])
}

fn start_with(site: &Path, extra: &[&str]) -> Preview {
    let mut child = Command::new(env!("CARGO_BIN_EXE_permitroom"))
        .args(["serve", "--root", site.to_str().unwrap(), "--port", "0"])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                let _ = tx.send(rest.split('/').next().unwrap().parse::<u16>().unwrap());
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve starts and prints its address");
    Preview { child, port }
}

/// A raw HTTP/1.1 GET (the path is sent exactly as given, no normalisation).
fn get(port: u16, path: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let (status, body) = get_bytes(port, path, extra);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// [`get`], the body as bytes.
fn get_bytes(port: u16, path: &str, extra: &[(&str, &str)]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    if !extra.iter().any(|(k, _)| *k == "Host") {
        request.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in extra {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0);
    (status, response[end + 4..].to_vec())
}

/// Server-sent events, one `(event, data)` per message.
fn events(port: u16) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /__permitroom/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut event, mut data) = (String::new(), String::new());
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if line.starts_with("retry: ") {
                // The server registers a client before it answers, so from here on every
                // change reaches this stream.
                if tx.send(("connected".to_owned(), String::new())).is_err() {
                    return;
                }
            } else if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_owned();
            } else if line.is_empty()
                && !event.is_empty()
                && tx
                    .send((std::mem::take(&mut event), std::mem::take(&mut data)))
                    .is_err()
            {
                return;
            }
        }
    });
    wait_for(&rx, "connected");
    rx
}

fn wait_for(rx: &mpsc::Receiver<(String, String)>, wanted: &str) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (event, data) = rx.recv_timeout(left).unwrap_or_else(|_| panic!("no `{wanted}` event"));
        if event == wanted {
            return (event, data);
        }
    }
}

/// Saves a new site stylesheet three times; the time from each save to the reload event.
/// Three edits of the site's stylesheet: each reloads the pages and the new one is served.
fn each_template_edit_is_served(site: &Path, rx: &mpsc::Receiver<(String, String)>, port: u16) {
    let css = site.join("templates/style.css");
    std::fs::create_dir_all(css.parent().unwrap()).unwrap();
    for i in 0..3 {
        std::fs::write(&css, format!("body {{ margin: {i}px; }}\n")).unwrap();
        wait_for(rx, "reload");
        assert!(
            get(port, "/assets/style.css", &[])
                .1
                .contains(&format!("margin: {i}px")),
            "the new stylesheet is served"
        );
    }
}

#[test]
fn an_edit_reloads_the_page_with_the_change() {
    let site = base_site("serve-edit");
    let preview = start(&site);
    let rx = events(preview.port);
    let (status, body) = get(preview.port, "/guides/alpha/index.html", &[]);
    assert_eq!(status, 200);
    assert!(
        body.contains("/__permitroom/live.js"),
        "the reload script is injected while serving"
    );
    for i in 0..5 {
        let old = if i == 0 {
            "这是**示例**概述。".to_owned()
        } else {
            format!("第 {} 次修改。", i - 1)
        };
        edit(&site, "guides/alpha/overview.md", &old, &format!("第 {i} 次修改。"));
        wait_for(&rx, "reload");
        let (_, body) = get(preview.port, "/guides/alpha/index.html", &[]);
        assert!(body.contains(&format!("第 {i} 次修改。")), "the changed page is served");
    }
    each_template_edit_is_served(&site, &rx, preview.port);
}

#[test]
fn a_broken_edit_shows_the_problem_and_keeps_the_last_good_page() {
    let site = base_site("serve-broken");
    let preview = start(&site);
    let rx = events(preview.port);
    let (_, before) = get(preview.port, "/guides/alpha/index.html", &[]);
    edit(&site, "guides/alpha/guide.toml", "department = ", "departmnet = ");
    let (_, data) = wait_for(&rx, "problem");
    assert!(
        data.contains("guides/alpha/guide.toml:4:1: error: unknown field `departmnet`"),
        "{data}"
    );
    let (status, after) = get(preview.port, "/guides/alpha/index.html", &[]);
    assert_eq!(status, 200);
    assert_eq!(after, before, "the last good page is still served");
    // A page opened while the sources are broken is told at once.
    let late = events(preview.port);
    wait_for(&late, "problem");
    edit(&site, "guides/alpha/guide.toml", "departmnet = ", "department = ");
    wait_for(&rx, "ok");
    wait_for(&rx, "reload");
}

#[test]
fn nothing_outside_the_output_can_be_read() {
    let site = base_site("serve-paths");
    let preview = start(&site);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.toml",
        "/guides/..%5c..%5csite.toml",
        "/site.toml",
        "/guides/alpha/guide.toml",
    ] {
        let (status, body) = get(preview.port, path, &[]);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("base_url"), "{path} leaked a source file");
    }
    assert_eq!(get(preview.port, "/", &[]).0, 200);
}

#[test]
fn another_web_page_cannot_read_the_preview() {
    let site = base_site("serve-origin");
    let preview = start(&site);
    let foreign_origin = get(preview.port, "/index.html", &[("Origin", "http://evil.example")]);
    assert_eq!(foreign_origin.0, 403);
    let rebinding = get(
        preview.port,
        "/index.html",
        &[("Host", &format!("evil.example:{}", preview.port))],
    );
    assert_eq!(rebinding.0, 403);
    let own = get(
        preview.port,
        "/index.html",
        &[("Origin", &format!("http://127.0.0.1:{}", preview.port))],
    );
    assert_eq!(own.0, 200);
    let localhost = get(
        preview.port,
        "/index.html",
        &[("Host", &format!("localhost:{}", preview.port))],
    );
    assert_eq!(localhost.0, 200);
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let out = temp_dir("no-live").join("out");
    build(&fixtures().join("base"), &out);
    for (path, bytes) in read_tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__permitroom"), "{path}");
    }
}

/// The `reload` event's data: the build's generation and the source paths that caused it.
fn reload_of(data: &str) -> (u64, Vec<String>) {
    let value: serde_json::Value = serde_json::from_str(data).unwrap();
    let generation = value["generation"].as_u64().unwrap();
    let changed = value["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    (generation, changed)
}

#[test]
fn a_changed_title_reaches_every_page_that_shows_it() {
    let site = base_site("serve-title");
    let preview = start(&site);
    let rx = events(preview.port);
    // Pages other than alpha's own that show its title.
    let pages = [
        "/index.html",
        "/bundles/start/index.html",
        "/guides/beta/index.html",
        "/materials/approval/index.html",
    ];
    for page in pages {
        let (status, body) = get(preview.port, page, &[]);
        assert_eq!(status, 200, "{page}");
        assert!(
            body.contains("示例事项审批"),
            "{page} shows alpha's title before the edit"
        );
    }
    edit(
        &site,
        "guides/alpha/guide.toml",
        "title = \"示例事项审批\"",
        "title = \"改名后的审批\"",
    );
    wait_for(&rx, "reload");
    for page in pages {
        let (_, body) = get(preview.port, page, &[]);
        assert!(body.contains("改名后的审批"), "{page} shows the new title");
        assert!(!body.contains("示例事项审批"), "{page} still shows the old title");
    }
    let search: String = ["heads", "docs"]
        .iter()
        .flat_map(|dir| {
            (0..).map_while(move |i| {
                let (status, body) = get(preview.port, &format!("/search/{dir}/{i}.json"), &[]);
                (status == 200).then_some(body)
            })
        })
        .collect();
    assert!(search.contains("示例登记"), "the search index is read");
    assert!(search.contains("改名后的审批"), "the search index has the new title");
    assert!(!search.contains("示例事项审批"), "the search index has no old title");
}

#[test]
fn writing_into_output_or_target_triggers_no_rebuild() {
    let site = base_site("serve-ignored");
    let preview = start(&site);
    let rx = events(preview.port);
    for (i, file) in [
        "output/index.html",
        "target/debug/x.rs",
        "output/guides/alpha/index.html",
    ]
    .iter()
    .enumerate()
    {
        let path = site.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{i}")).unwrap();
    }
    // The first build is generation 1, so the next rebuild (generation 2) is the one this
    // source edit causes, and it names only that file; a rebuild for the writes above would
    // have come first (taking generation 2) or named them.
    edit(&site, "guides/alpha/overview.md", "这是**示例**概述。", "改了一次。");
    let (_, data) = wait_for(&rx, "reload");
    assert_eq!(reload_of(&data), (2, vec!["guides/alpha/overview.md".to_owned()]));
    std::fs::write(site.join("output/index.html"), "again").unwrap();
    edit(&site, "guides/alpha/overview.md", "改了一次。", "改了两次。");
    let (_, data) = wait_for(&rx, "reload");
    assert_eq!(reload_of(&data), (3, vec!["guides/alpha/overview.md".to_owned()]));
    assert!(
        get(preview.port, "/guides/alpha/index.html", &[])
            .1
            .contains("改了两次。")
    );
}

#[test]
fn an_edited_typst_template_makes_the_next_pdf_and_its_errors_are_shown() {
    let site = base_site("serve-typst");
    let preview = start_with(&site, &[]);
    let rx = events(preview.port);
    let handout = "/guides/alpha/alpha-handout.pdf";
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/handout.typ"), "#let broken = (\n").unwrap();
    let (_, data) = wait_for(&rx, "problem");
    let problem: String = serde_json::from_str(&data).unwrap();
    assert!(
        problem.contains("templates/handout.typ:1:15: error: in the site's PDF template: unclosed delimiter")
            && problem.contains("met while making the PDF handout of `guides/alpha/guide.toml`"),
        "{problem}"
    );
    std::fs::write(
        site.join("templates/handout.typ"),
        "#set document(title: \"permitroom-override-mark\")\n#set page(width: 50mm, height: 50mm)\nOverride\n",
    )
    .unwrap();
    wait_for(&rx, "ok");
    let (_, data) = wait_for(&rx, "reload");
    let (generation, changed) = reload_of(&data);
    assert_eq!(changed, vec!["templates/handout.typ".to_owned()]);
    loop {
        let (_, data) = wait_for(&rx, "pdfs");
        if data.parse::<u64>().unwrap() >= generation {
            break;
        }
    }
    let (status, pdf) = get_bytes(preview.port, handout, &[]);
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    let marker = b"permitroom-override-mark";
    assert!(
        pdf.windows(marker.len()).any(|w| w == marker),
        "the handout is made from the edited template"
    );
    let (_, short) = get_bytes(preview.port, "/guides/alpha/alpha-short.pdf", &[]);
    assert!(
        !short.windows(marker.len()).any(|w| w == marker),
        "the short version keeps its own template"
    );
}

/// The inodes the preview's inotify watches are on, read from `/proc/<pid>/fdinfo` (one
/// `inotify wd:… ino:<hex> …` line per watch).
#[cfg(target_os = "linux")]
fn watched_inodes(pid: u32) -> std::collections::BTreeSet<u64> {
    let mut inodes = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fdinfo")).unwrap() {
        let Ok(info) = std::fs::read_to_string(entry.unwrap().path()) else {
            continue;
        };
        for line in info.lines().filter(|l| l.starts_with("inotify ")) {
            let ino = line
                .split_whitespace()
                .find_map(|field| field.strip_prefix("ino:"))
                .expect("an inotify line names its inode");
            inodes.insert(u64::from_str_radix(ino, 16).unwrap());
        }
    }
    inodes
}

#[cfg(target_os = "linux")]
#[test]
fn output_and_target_folders_are_not_watched() {
    use std::os::unix::fs::MetadataExt as _;
    let site = base_site("serve-unwatched");
    let unwatched = ["output", "output/guides", "target", "target/debug", "target/debug/deps"];
    for dir in unwatched {
        std::fs::create_dir_all(site.join(dir)).unwrap();
    }
    let preview = start(&site);
    let inode = |dir: &str| std::fs::metadata(site.join(dir)).unwrap().ino();
    let watched = watched_inodes(preview.child.id());
    // The source folders are watched: the listing is read correctly.
    for dir in ["guides", "guides/alpha", "materials"] {
        assert!(watched.contains(&inode(dir)), "{dir} is watched");
    }
    for dir in unwatched {
        assert!(!watched.contains(&inode(dir)), "{dir} is watched");
    }
}

#[test]
fn the_preview_serves_every_edition_and_an_english_edit_reloads_it() {
    let site = base_site("serve-editions");
    edit(
        &site,
        "site.toml",
        "[centre]",
        "[[editions]]\nlang = \"en\"\nname = \"English\"\n\n[centre]",
    );
    std::fs::write(site.join("guides/alpha/overview.en.md"), "An *example* overview.\n").unwrap();
    let preview = start(&site);
    let rx = events(preview.port);
    let (status, zh) = get(preview.port, "/guides/alpha/index.html", &[]);
    assert_eq!(status, 200);
    assert!(
        html_text(&zh).contains("这是示例概述。"),
        "the Chinese page at the root"
    );
    let (status, en) = get(preview.port, "/en/guides/alpha/index.html", &[]);
    assert_eq!(status, 200, "the English edition is served under en/");
    assert!(html_text(&en).contains("An example overview."), "{}", main_part(&en));
    assert!(en.contains("/__permitroom/live.js"), "the English page reloads too");
    edit(
        &site,
        "guides/alpha/overview.en.md",
        "An *example* overview.",
        "A changed overview.",
    );
    wait_for(&rx, "reload");
    let (_, en) = get(preview.port, "/en/guides/alpha/index.html", &[]);
    assert!(
        html_text(&en).contains("A changed overview."),
        "the edit reaches the English page"
    );
    let (_, zh) = get(preview.port, "/guides/alpha/index.html", &[]);
    assert!(
        html_text(&zh).contains("这是示例概述。"),
        "the Chinese page keeps its text"
    );
    // The English plan drawings are the English edition's own, not the Chinese ones.
    let (status, svg) = get(preview.port, "/en/guides/alpha/plans/good.svg", &[]);
    assert_eq!(status, 200);
    let (_, zh_svg) = get(preview.port, "/guides/alpha/plans/good.svg", &[]);
    assert!(svg.contains(">Legend<"), "the English drawing's legend is in English");
    assert!(
        !zh_svg.contains(">Legend<") && zh_svg.contains(">图例<"),
        "the Chinese one keeps 图例"
    );
}
