//! `permitroom serve`: live preview. Builds the site into memory, serves it on 127.0.0.1,
//! watches the sources, rebuilds what changed and tells open pages to reload through
//! server-sent events. A broken edit is shown in the terminal and as an overlay in the page,
//! and the last good pages keep being served. PDFs are rebuilt after the pages, in the
//! background, so the web preview never waits for them.
//!
//! Requests are answered from the in-memory output only: no request path ever reaches the
//! file system, so `..`, encoded `..` and links cannot read anything else. Host and Origin
//! are checked so that another web page (DNS rebinding, cross-site fetches) cannot read the
//! preview.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{EventKind, Watcher as _};
use tiny_http::{Header, Request, Response, Server, StatusCode};

use crate::diagnostics::{self, Diagnostics};
use crate::load::{self, SourceTree};
use crate::render::{self, Engines, Output, RenderOptions};
use crate::{Checked, check_tree};

/// Where the live-reload client lives; injected into pages only when serving.
pub const LIVE_SCRIPT: &str = "/__permitroom/live.js";
const EVENTS: &str = "/__permitroom/events";

const LIVE_JS: &str = r#"// permitroom live preview: reload on rebuild, show build problems as an overlay.
(function () {
  'use strict';
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(text) {
    hide();
    overlay = document.createElement('div');
    overlay.id = 'permitroom-problems';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = '';
    var title = document.createElement('strong');
    title.textContent = '构建失败：仍显示上次成功的页面。修改后保存即可重新构建。';
    var pre = document.createElement('pre');
    pre.textContent = text;
    overlay.appendChild(title);
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
  }
  var source = new EventSource('/__permitroom/events');
  source.addEventListener('reload', function () { window.location.reload(); });
  source.addEventListener('problem', function (e) { show(JSON.parse(e.data)); });
  source.addEventListener('ok', hide);
})();
"#;

/// The overlay's look, served as a stylesheet (inline styles are blocked by the pages' CSP).
const LIVE_CSS: &str = "#permitroom-problems{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:9999;background:#2b0b0c;color:#fff;padding:1rem;border-top:4px solid #e5484d;font:14px/1.5 monospace}#permitroom-problems pre{white-space:pre-wrap;margin:.5rem 0 0}";

/// What `serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Listen on every interface (0.0.0.0) instead of 127.0.0.1 only.
    pub bind_all: bool,
    /// Skip PDFs (faster; the tests use it).
    pub skip_pdfs: bool,
    /// Open the preview in the default browser once it is served.
    pub open_browser: bool,
}

/// The state shared by the server threads.
struct Live {
    output: Output,
    /// The last build problems, rendered, while the sources are broken.
    problem: Option<String>,
    generation: u64,
    clients: Vec<mpsc::Sender<String>>,
}

impl Live {
    fn broadcast(&mut self, event: &str, data: &str) {
        let data = serde_json::to_string(data).unwrap_or_default();
        let message = format!("event: {event}\ndata: {data}\n\n");
        self.clients.retain(|c| c.send(message.clone()).is_ok());
    }
}

/// A build for the preview: the checked site and its pages (without PDFs).
struct Built {
    checked: Checked,
    output: Output,
}

fn render_options() -> RenderOptions {
    RenderOptions {
        live_reload_script: Some(LIVE_SCRIPT.to_owned()),
    }
}

/// Loads, checks and renders the pages; `only` limits re-rendering to some guides, whose
/// other files are taken from `previous`.
fn build_pages(
    root: &Path,
    engines: &mut Option<Engines>,
    only: Option<&BTreeSet<String>>,
    previous: &Output,
) -> Result<Built, (SourceTree, Diagnostics)> {
    let (tree, load_diagnostics) = load::load_site(root).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(crate::diagnostics::Diagnostic::error(
            load::SITE_CONFIG,
            None,
            e.to_string(),
        ));
        (SourceTree::default(), d)
    })?;
    let checked = check_tree(tree, load_diagnostics);
    let Some(site) = checked.site.as_ref() else {
        return Err((checked.tree.clone(), checked.diagnostics.clone()));
    };
    if engines.is_none() {
        *engines = Some(Engines::new(&checked.tree).map_err(|d| (checked.tree.clone(), d))?);
    }
    let Some(engines) = engines.as_ref() else {
        unreachable!("set above")
    };
    let output = match only {
        Some(ids) => {
            let mut output =
                render::render_site_except(site, engines, &render_options(), &|id| ids.contains(id), Some(previous))
                    .map_err(|d| (checked.tree.clone(), d))?;
            for (path, bytes) in &previous.files {
                let guide = path
                    .strip_prefix("guides/")
                    .and_then(|p| p.split_once('/'))
                    .map(|(id, _)| id);
                let keep = match guide {
                    Some(id) => !ids.contains(id) && site.guides.iter().any(|g| g.id == id),
                    None => path.ends_with(".pdf"),
                };
                if keep && !output.files.contains_key(path) {
                    output.files.insert(path.clone(), bytes.clone());
                }
            }
            output
        }
        None => {
            let mut output = render::render_site_except(site, engines, &render_options(), &|_| true, Some(previous))
                .map_err(|d| (checked.tree.clone(), d))?;
            // Keep the previous PDFs until the new ones are ready.
            for (path, bytes) in previous.files.iter().filter(|(p, _)| p.ends_with(".pdf")) {
                output.files.entry(path.clone()).or_insert_with(|| bytes.clone());
            }
            output
        }
    };
    Ok(Built { checked, output })
}

/// Which guides a set of changed source paths touches: `Some(ids)` when every change is inside
/// guide folders, `None` when the whole site must be rebuilt (site config, materials,
/// templates…).
fn affected_guides(root: &Path, changed: &[PathBuf]) -> Option<BTreeSet<String>> {
    let root = load::canonical(root)?;
    let mut ids = BTreeSet::new();
    for path in changed {
        let path = load::canonical(path).unwrap_or_else(|| path.clone());
        let rel = path.strip_prefix(&root).ok()?;
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
        match (parts.next().as_deref(), parts.next()) {
            (Some("guides"), Some(id)) if parts.next().is_some() => {
                ids.insert(id);
            }
            _ => return None,
        }
    }
    Some(ids)
}

fn is_source(root: &Path, path: &Path) -> bool {
    let Some(root) = load::canonical(root) else {
        return false;
    };
    let path = load::canonical(path).unwrap_or_else(|| path.to_path_buf());
    let Ok(rel) = path.strip_prefix(&root) else {
        return false;
    };
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (load::SOURCE_DIRS.contains(&first.as_str()) || first == load::SITE_CONFIG || first == load::FINDER)
        && !name.starts_with('.')
        && !name.ends_with('~')
}

/// Runs the preview until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), String> {
    let host = if options.bind_all { "0.0.0.0" } else { "127.0.0.1" };
    let server =
        Server::http((host, options.port)).map_err(|e| format!("cannot listen on {host}:{}: {e}", options.port))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(options.port);
    if options.bind_all {
        eprintln!(
            "warning: listening on every network interface: anyone who can reach this machine can read the preview"
        );
    }

    let mut engines: Option<Engines> = None;
    let started = Instant::now();
    let live = Arc::new(Mutex::new(Live {
        output: Output::default(),
        problem: None,
        generation: 0,
        clients: Vec::new(),
    }));
    let first = build_pages(&options.root, &mut engines, None, &Output::default());
    let mut last_site = None;
    match first {
        Ok(built) => {
            eprint!(
                "{}",
                diagnostics::render_all(&built.checked.diagnostics, &built.checked.tree)
            );
            eprintln!("built the pages in {:.0?}", started.elapsed());
            last_site = built.checked.site.clone();
            live.lock().map_err(|_| "poisoned")?.output = built.output;
        }
        Err((tree, d)) => {
            let text = diagnostics::render_all(&d, &tree);
            eprint!("{text}");
            live.lock().map_err(|_| "poisoned")?.problem = Some(text);
        }
    }
    eprintln!("serving http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    if options.open_browser
        && let Err(e) = open::that_detached(format!("http://127.0.0.1:{port}/"))
    {
        eprintln!("warning: cannot open a web browser: {e}");
    }

    // PDFs after the pages, on a worker thread that always renders the newest site.
    let (pdf_tx, pdf_rx) = mpsc::channel::<(u64, crate::model::Site, Option<BTreeSet<String>>)>();
    if !options.skip_pdfs {
        let live = live.clone();
        let root = options.root.clone();
        std::thread::spawn(move || {
            let Ok((tree, _)) = load::load_site(&root) else { return };
            let engine = render::pdf::PdfEngine::new(&tree);
            while let Ok(mut job) = pdf_rx.recv() {
                while let Ok(newer) = pdf_rx.try_recv() {
                    job = newer;
                }
                let (generation, site, only) = job;
                let started = Instant::now();
                let pdfs =
                    render::pdf::render_pdfs_except(&site, &engine, &render::pdf::PdfOptions::default(), &|id| {
                        only.as_ref().is_none_or(|ids| ids.contains(id))
                    });
                if let (Ok(pdfs), Ok(mut state)) = (pdfs, live.lock())
                    && state.generation == generation
                {
                    let count = pdfs.files.len();
                    state.output.extend(pdfs);
                    eprintln!("rebuilt {count} PDF(s) in {:.0?}", started.elapsed());
                }
            }
        });
        if let Some(site) = last_site.clone() {
            let _ = pdf_tx.send((0, site, None));
        }
    }

    // Watch the sources. Reads (access events) are ignored: building reads every source, and a
    // watcher that reacted to reads would rebuild for ever.
    let (change_tx, change_rx) = mpsc::channel::<Vec<PathBuf>>();
    let root = options.root.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        if let Ok(event) = result
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let paths: Vec<PathBuf> = event.paths.into_iter().filter(|p| is_source(&root, p)).collect();
            if !paths.is_empty() {
                let _ = change_tx.send(paths);
            }
        }
    })
    .map_err(|e| format!("cannot watch the sources: {e}"))?;
    watcher
        .watch(&options.root, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", options.root.display()))?;

    {
        let live = live.clone();
        let root = options.root.clone();
        std::thread::spawn(move || {
            let mut engines = engines;
            while let Ok(mut changed) = change_rx.recv() {
                // Debounce: an editor's save is often several events in a few milliseconds.
                while let Ok(more) = change_rx.recv_timeout(Duration::from_millis(40)) {
                    changed.extend(more);
                }
                let started = Instant::now();
                let templates_changed = changed
                    .iter()
                    .any(|p| p.components().any(|c| c.as_os_str() == "templates"));
                if templates_changed {
                    engines = None;
                }
                let only = affected_guides(&root, &changed);
                let previous = live.lock().map(|s| s.output.clone()).unwrap_or_default();
                match build_pages(&root, &mut engines, only.as_ref(), &previous) {
                    Ok(built) => {
                        eprint!(
                            "{}",
                            diagnostics::render_all(&built.checked.diagnostics, &built.checked.tree)
                        );
                        let scope = match &only {
                            Some(ids) => format!("guide(s) {}", ids.iter().cloned().collect::<Vec<_>>().join(", ")),
                            None => "the whole site".into(),
                        };
                        eprintln!("rebuilt {scope} in {:.0?}", started.elapsed());
                        if let Ok(mut state) = live.lock() {
                            state.output = built.output;
                            state.generation += 1;
                            let generation = state.generation;
                            if state.problem.take().is_some() {
                                state.broadcast("ok", "");
                            }
                            state.broadcast("reload", &generation.to_string());
                            if let Some(site) = built.checked.site.clone() {
                                let _ = pdf_tx.send((generation, site, only));
                            }
                        }
                    }
                    Err((tree, d)) => {
                        let text = diagnostics::render_all(&d, &tree);
                        eprint!("{text}");
                        eprintln!("the last good pages are still served");
                        if let Ok(mut state) = live.lock() {
                            state.broadcast("problem", &text);
                            state.problem = Some(text);
                        }
                    }
                }
            }
        });
    }

    let allowed_hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect();
    for request in server.incoming_requests() {
        let live = live.clone();
        let allowed_hosts = allowed_hosts.clone();
        let bind_all = options.bind_all;
        std::thread::spawn(move || {
            let _ = handle(request, &live, &allowed_hosts, bind_all);
        });
    }
    Ok(())
}

fn header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("pdf") => "application/pdf",
        Some("webm") => "video/webm",
        Some("mp4") => "video/mp4",
        Some("vtt") => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(request: Request, status: u16, kind: &str, body: Vec<u8>) -> std::io::Result<()> {
    let headers = vec![
        Header::from_bytes("Content-Type", kind)
            .unwrap_or_else(|_| Header::from_bytes("Content-Type", "text/plain").expect("valid header")),
        Header::from_bytes("Cache-Control", "no-store").expect("valid header"),
        Header::from_bytes("X-Content-Type-Options", "nosniff").expect("valid header"),
    ];
    let length = body.len();
    request.respond(Response::new(
        StatusCode(status),
        headers,
        std::io::Cursor::new(body),
        Some(length),
        None,
    ))
}

/// The site path a request asks for, or `None` when it tries to leave the site.
pub fn request_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            other => parts.push(other),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    Some(path)
}

fn handle(request: Request, live: &Arc<Mutex<Live>>, allowed_hosts: &[String], bind_all: bool) -> std::io::Result<()> {
    let host_ok = bind_all || header(&request, "Host").is_some_and(|h| allowed_hosts.iter().any(|a| a == h));
    let origin_ok = match header(&request, "Origin") {
        None => true,
        Some(origin) => {
            allowed_hosts.iter().any(|h| origin == format!("http://{h}"))
                || (bind_all && header(&request, "Host").is_some_and(|h| origin == format!("http://{h}")))
        }
    };
    if !host_ok || !origin_ok {
        return respond(
            request,
            403,
            "text/plain; charset=utf-8",
            b"forbidden: the preview answers only pages of its own address\n".to_vec(),
        );
    }
    if !matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        );
    }
    let url = request.url().to_owned();
    let path_only = url.split('?').next().unwrap_or("");
    if path_only == LIVE_SCRIPT {
        return respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
    }
    if path_only == "/__permitroom/live.css" {
        return respond(request, 200, "text/css; charset=utf-8", LIVE_CSS.as_bytes().to_vec());
    }
    if path_only == EVENTS {
        let (tx, rx) = mpsc::channel::<String>();
        let problem = live.lock().ok().and_then(|mut s| {
            s.clients.push(tx);
            s.problem.clone()
        });
        let mut writer = request.into_writer();
        write!(
            writer,
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n"
        )?;
        write!(writer, "retry: 500\n\n")?;
        if let Some(problem) = problem {
            write!(
                writer,
                "event: problem\ndata: {}\n\n",
                serde_json::to_string(&problem).unwrap_or_default()
            )?;
        }
        writer.flush()?;
        loop {
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(message) => write!(writer, "{message}")?,
                Err(mpsc::RecvTimeoutError::Timeout) => write!(writer, ": keep-alive\n\n")?,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
            writer.flush()?;
        }
    }
    let Some(path) = request_path(&url) else {
        return not_found(request, live);
    };
    let found = live.lock().ok().and_then(|s| {
        s.output
            .files
            .get(&path)
            .cloned()
            .map(|b| (path.clone(), b))
            .or_else(|| {
                s.output
                    .files
                    .get(&format!("{path}/index.html"))
                    .cloned()
                    .map(|b| (format!("{path}/index.html"), b))
            })
    });
    match found {
        Some((path, body)) => respond(request, 200, content_type(&path), with_live_css(&path, body)),
        None => not_found(request, live),
    }
}

/// The overlay's stylesheet goes into every page served by the preview.
fn with_live_css(path: &str, body: Vec<u8>) -> Vec<u8> {
    if !path.ends_with(".html") {
        return body;
    }
    let html = String::from_utf8_lossy(&body);
    html.replacen(
        "</head>",
        "<link rel=\"stylesheet\" href=\"/__permitroom/live.css\">\n</head>",
        1,
    )
    .into_bytes()
}

/// Shown while no build has succeeded yet: the overlay explains why, and the page reloads
/// by itself once the sources are fixed.
const NOTHING_BUILT: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>permitroom</title><link rel=\"stylesheet\" href=\"/__permitroom/live.css\"></head><body><h1>还没有成功构建的页面</h1><p>请根据下方的错误修改源文件并保存。</p><script src=\"/__permitroom/live.js\"></script></body></html>";

fn not_found(request: Request, live: &Arc<Mutex<Live>>) -> std::io::Result<()> {
    let page = live
        .lock()
        .ok()
        .map(|s| (s.output.files.is_empty(), s.output.files.get("404.html").cloned()));
    match page {
        Some((true, _)) => respond(
            request,
            503,
            "text/html; charset=utf-8",
            NOTHING_BUILT.as_bytes().to_vec(),
        ),
        Some((false, Some(body))) => respond(
            request,
            404,
            "text/html; charset=utf-8",
            with_live_css("404.html", body),
        ),
        _ => respond(request, 404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_site() {
        assert_eq!(request_path("/").as_deref(), Some("index.html"));
        assert_eq!(request_path("/guides/a/").as_deref(), Some("guides/a/index.html"));
        assert_eq!(request_path("/search.html?q=%E6%B6%88").as_deref(), Some("search.html"));
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/guides/%2E%2E/%2E%2E/Cargo.toml",
            "/..%2fCargo.toml",
            "/a/..%5c..%5cx",
            "/%00",
        ] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
    }
}
