//! The preview's web server (axum on a current-thread tokio runtime). Requests are answered
//! from the in-memory output only: no request path ever reaches the file system, so `..`,
//! encoded `..` and links cannot read anything else. Host and Origin are checked so that
//! another web page (DNS rebinding, cross-site fetches) cannot read the preview.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use tokio::sync::broadcast;

use super::{Live, Message};

/// Where the live-reload client lives; injected into pages only when serving.
pub(crate) const LIVE_SCRIPT: &str = "/__permitroom/live.js";
const LIVE_STYLE: &str = "/__permitroom/live.css";
const EVENTS: &str = "/__permitroom/events";
/// A comment line sent on an idle event stream, so proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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

/// Shown while no build has succeeded yet: the overlay explains why, and the page reloads
/// by itself once the sources are fixed.
const NOTHING_BUILT: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>permitroom</title><link rel=\"stylesheet\" href=\"/__permitroom/live.css\"></head><body><h1>还没有成功构建的页面</h1><p>请根据下方的错误修改源文件并保存。</p><script src=\"/__permitroom/live.js\"></script></body></html>";

/// What every request handler shares.
pub(super) struct App {
    pub live: Arc<Live>,
    /// `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`.
    pub allowed_hosts: Vec<String>,
    pub bind_all: bool,
}

/// The router: one handler for every path, so nothing is matched before the checks.
pub(super) fn router(app: Arc<App>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

async fn handle(State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = value(header::HOST);
    let host_ok = app.bind_all || host.is_some_and(|h| app.allowed_hosts.iter().any(|a| a == h));
    let origin_ok = match value(header::ORIGIN) {
        None => true,
        Some(origin) => {
            app.allowed_hosts.iter().any(|h| origin == format!("http://{h}"))
                || (app.bind_all && host.is_some_and(|h| origin == format!("http://{h}")))
        }
    };
    if !host_ok || !origin_ok {
        return text(
            StatusCode::FORBIDDEN,
            "forbidden: the preview answers only pages of its own address\n",
        );
    }
    if method != Method::GET && method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    match uri.path() {
        LIVE_SCRIPT => return respond(StatusCode::OK, "text/javascript; charset=utf-8", LIVE_JS),
        LIVE_STYLE => return respond(StatusCode::OK, "text/css; charset=utf-8", LIVE_CSS),
        EVENTS => return events(&app.live),
        _ => {}
    }
    let Some(path) = request_path(uri.path()) else {
        return not_found(&app.live);
    };
    let found = app.live.state().and_then(|s| {
        let files = &s.output.files;
        let folder = format!("{path}/index.html");
        files
            .get(&path)
            .map(|b| (path.clone(), b.clone()))
            .or_else(|| files.get(&folder).map(|b| (folder, b.clone())))
    });
    match found {
        Some((path, body)) => respond(StatusCode::OK, content_type(&path), with_live_css(&path, body)),
        None => not_found(&app.live),
    }
}

/// The event stream of one open page. The client is registered (subscribed to the
/// broadcast) before anything is answered, and the first line sent is `retry:`, so a page
/// that has read it gets every later change. A page opened while the sources are broken is
/// told the problem at once.
fn events(live: &Live) -> Response {
    let Some((receiver, problem)) = live.subscribe() else {
        return text(StatusCode::SERVICE_UNAVAILABLE, "the preview is stopping\n");
    };
    let mut first = String::from("retry: 500\n\n");
    if let Some(problem) = problem {
        first.push_str(&Message::Problem(problem).sse());
    }
    let stream = futures_util::stream::unfold((Some(first), receiver), |(first, mut receiver)| async move {
        if let Some(first) = first {
            return Some((Ok::<_, Infallible>(Bytes::from(first)), (None, receiver)));
        }
        let chunk = match tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await {
            Ok(Ok(message)) => message.sse(),
            // Too slow to keep up: whatever was missed, the page is out of date.
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => Message::Reload {
                generation: 0,
                changed: Vec::new(),
            }
            .sse(),
            Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            Err(_) => ": keep-alive\n\n".to_owned(),
        };
        Some((Ok(Bytes::from(chunk)), (None, receiver)))
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn text(status: StatusCode, body: &'static str) -> Response {
    respond(status, "text/plain; charset=utf-8", body)
}

fn respond(status: StatusCode, kind: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
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

/// The site path a request asks for, or `None` when it tries to leave the site.
pub(crate) fn request_path(url: &str) -> Option<String> {
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

/// The overlay's stylesheet goes into every page served by the preview.
fn with_live_css(path: &str, body: Vec<u8>) -> Vec<u8> {
    if !path.ends_with(".html") {
        return body;
    }
    let html = String::from_utf8_lossy(&body);
    html.replacen(
        "</head>",
        &format!("<link rel=\"stylesheet\" href=\"{LIVE_STYLE}\">\n</head>"),
        1,
    )
    .into_bytes()
}

fn not_found(live: &Live) -> Response {
    let page = live
        .state()
        .map(|s| (s.output.files.is_empty(), s.output.files.get("404.html").cloned()));
    match page {
        Some((true, _)) => respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            NOTHING_BUILT,
        ),
        Some((false, Some(body))) => respond(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            with_live_css("404.html", body),
        ),
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
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
