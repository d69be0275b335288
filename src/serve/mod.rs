//! `permitroom serve`: live preview. Builds the site into memory, serves it on 127.0.0.1
//! (axum, [`http`]), watches the source folders ([`watch`]), rebuilds every page after a
//! change and tells open pages to reload through server-sent events fed by a
//! `tokio::sync::broadcast` channel. A broken edit is shown in the terminal and as an overlay
//! in the page, and the last good pages keep being served. PDFs are rebuilt after the pages,
//! on a worker thread ([`pdf`]), so the web preview never waits for them.
//!
//! Every page is rebuilt on every change: a guide's title or what it produces shows on the
//! index, on other guides' pages (the chain), on bundles, on material pages and in the search
//! index, so re-rendering only the changed guide would serve stale pages. Rendering all pages
//! of the bundled site takes well under a second; plan PNGs drawn exactly as before are
//! reused. Templates (HTML and Typst) are reloaded whenever a file under `templates/` changed.

mod http;
mod pdf;
mod watch;

use std::fmt;
use std::hash::{Hash as _, Hasher as _};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Instant;

use tokio::sync::broadcast;

use http::LIVE_SCRIPT;

use crate::diagnostics::{self, Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::{self, Engines, Output, RenderOptions};
use crate::source::load::{self, SourceTree};
use crate::{Checked, check_tree};

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

/// Why the preview could not start or stopped.
#[derive(Debug)]
pub enum ServeError {
    /// The site folder cannot be found.
    Root(PathBuf),
    /// The address cannot be listened on (in use, not allowed).
    Listen { address: String, source: std::io::Error },
    /// The async runtime could not be set up.
    Runtime(std::io::Error),
    /// The sources cannot be watched.
    Watch { path: PathBuf, source: notify::Error },
    /// The server stopped on an error.
    Server(std::io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Root(path) => write!(f, "cannot find the site folder {}", path.display()),
            ServeError::Listen { address, source } => write!(f, "cannot listen on {address}: {source}"),
            ServeError::Runtime(e) => write!(f, "cannot start the server: {e}"),
            ServeError::Watch { path, source } => write!(f, "cannot watch {}: {source}", path.display()),
            ServeError::Server(e) => write!(f, "the server stopped: {e}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Root(_) => None,
            ServeError::Listen { source, .. } => Some(source),
            ServeError::Runtime(e) | ServeError::Server(e) => Some(e),
            ServeError::Watch { source, .. } => Some(source),
        }
    }
}

/// What open pages are told, as server-sent events.
#[derive(Debug, Clone)]
enum Message {
    /// A new build is served: reload. `changed` are the source paths that caused it.
    Reload { generation: u64, changed: Vec<String> },
    /// The build (or the PDFs) failed: the rendered diagnostics, for the overlay.
    Problem(Arc<str>),
    /// The problem is gone.
    Ok,
    /// The PDFs of build `generation` are served (the page need not reload for that).
    Pdfs { generation: u64 },
}

impl Message {
    /// The message as one server-sent event (`data` is one line of JSON).
    fn sse(&self) -> String {
        let (event, data) = match self {
            Message::Reload { generation, changed } => (
                "reload",
                serde_json::json!({ "generation": generation, "changed": changed }).to_string(),
            ),
            Message::Problem(text) => ("problem", serde_json::Value::from(&**text).to_string()),
            Message::Ok => ("ok", "\"\"".to_owned()),
            Message::Pdfs { generation } => ("pdfs", generation.to_string()),
        };
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// What is served now.
struct State {
    output: Arc<Output>,
    /// The last problem, rendered, while the sources (or PDFs) are broken.
    problem: Option<Arc<str>>,
    generation: u64,
}

/// The served state and the channel to open pages. A message is sent while the state lock
/// is held, so a page that subscribes (under the same lock) sees either the state before a
/// change and then its message, or the state after it.
struct Live {
    state: Mutex<State>,
    events: broadcast::Sender<Message>,
}

impl Live {
    fn new() -> Live {
        Live {
            state: Mutex::new(State {
                output: Arc::new(Output::default()),
                problem: None,
                generation: 0,
            }),
            events: broadcast::channel(64).0,
        }
    }

    /// The state; `None` only if a thread panicked while holding it.
    fn state(&self) -> Option<MutexGuard<'_, State>> {
        self.state.lock().ok()
    }

    fn subscribe(&self) -> Option<(broadcast::Receiver<Message>, Option<Arc<str>>)> {
        let state = self.state()?;
        Some((self.events.subscribe(), state.problem.clone()))
    }

    fn send(&self, message: Message) {
        // An error only means that no page is open.
        let _ = self.events.send(message);
    }

    /// Serves a new build and tells open pages; returns its generation.
    fn publish(&self, output: Output, changed: Vec<String>) -> u64 {
        let Some(mut state) = self.state() else { return 0 };
        state.output = Arc::new(output);
        state.generation += 1;
        if state.problem.take().is_some() {
            self.send(Message::Ok);
        }
        self.send(Message::Reload {
            generation: state.generation,
            changed,
        });
        state.generation
    }

    /// Shows a build problem; the last good pages stay.
    fn fail(&self, text: String) {
        let Some(mut state) = self.state() else { return };
        let text: Arc<str> = text.into();
        state.problem = Some(text.clone());
        self.send(Message::Problem(text));
    }

    /// Adds the PDFs of build `generation`, unless a newer build is served; true when added.
    fn add_pdfs(&self, generation: u64, pdfs: Output) -> bool {
        let Some(mut state) = self.state() else { return false };
        if state.generation != generation {
            return false;
        }
        Arc::make_mut(&mut state.output).extend(pdfs);
        self.send(Message::Pdfs { generation });
        true
    }

    /// Shows a PDF problem of build `generation`, unless a newer build is served.
    fn report(&self, generation: u64, text: String) {
        let current = self.state().is_some_and(|s| s.generation == generation);
        if current {
            self.fail(text);
        }
    }
}

fn render_options() -> RenderOptions {
    RenderOptions {
        live_reload_script: Some(LIVE_SCRIPT.to_owned()),
    }
}

/// Builds the pages after each change and hands the PDFs to the worker.
struct Builder {
    root: PathBuf,
    live: Arc<Live>,
    /// The engines and the fingerprint of the `templates/` files they were made from.
    engines: Option<(u64, Arc<Engines>)>,
    engines_generation: u64,
    pdf_jobs: Option<mpsc::Sender<pdf::Job>>,
}

impl Builder {
    /// Loads, checks and renders every page; on success the new pages are served (with the
    /// previous PDFs until the new ones are made), on failure the problem is shown.
    fn build(&mut self, changed: Vec<String>) {
        let started = Instant::now();
        let checked = match load::load_site(&self.root) {
            Ok((tree, diagnostics)) => check_tree(tree, diagnostics),
            Err(e) => {
                let d = Diagnostics::from_iter([Diagnostic::error(load::SITE_CONFIG, None, e.to_string())]);
                return self.fail(&d, &SourceTree::default());
            }
        };
        // Every edition, as a build makes them: the primary one at the root, each other under
        // its folder (`en/`).
        let Checked {
            tree,
            site,
            diagnostics: found,
            editions,
        } = checked;
        let Some(site) = site else {
            return self.fail(&found, &tree);
        };
        let sites: Vec<Arc<Site>> = std::iter::once(site).chain(editions).map(Arc::new).collect();
        let engines = match self.engines(&tree) {
            Ok(engines) => engines,
            Err(d) => return self.fail(&d, &tree),
        };
        let previous = self.live.state().map(|s| s.output.clone()).unwrap_or_default();
        let mut output = Output::default();
        for site in &sites {
            match render::render_site_except(site, &engines, &render_options(), &|_| true, Some(&*previous)) {
                Ok(part) => output.extend(part.prefixed(&site.edition.prefix)),
                Err(d) => return self.fail(&d, &tree),
            }
        }
        // The previous PDFs are served until the new ones are ready (not those of a guide or
        // bundle that is gone).
        let planned: std::collections::BTreeSet<String> =
            sites.iter().flat_map(|site| render::planned_files(site)).collect();
        for (path, bytes) in previous.files.iter().filter(|(p, _)| p.ends_with(".pdf")) {
            if planned.contains(path) {
                output.files.entry(path.clone()).or_insert_with(|| bytes.clone());
            }
        }
        eprint!("{}", diagnostics::render_all(&found, &tree));
        let scope = if changed.is_empty() {
            "built the pages".to_owned()
        } else {
            format!("rebuilt the pages ({})", changed.join(", "))
        };
        eprintln!("{scope} in {:.0?}", started.elapsed());
        let generation = self.live.publish(output, changed);
        if let Some(jobs) = &self.pdf_jobs {
            let _ = jobs.send(pdf::Job {
                generation,
                sites,
                tree: Arc::new(tree),
                engines,
                engines_generation: self.engines_generation,
            });
        }
    }

    fn fail(&self, d: &Diagnostics, tree: &SourceTree) {
        let text = diagnostics::render_all(d, tree);
        eprint!("{text}");
        eprintln!("the last good pages are still served");
        self.live.fail(text);
    }

    /// The engines for the templates in `tree`, made anew when a template changed.
    fn engines(&mut self, tree: &SourceTree) -> Result<Arc<Engines>, Diagnostics> {
        let fingerprint = templates_fingerprint(tree);
        if let Some((made_from, engines)) = &self.engines
            && *made_from == fingerprint
        {
            return Ok(engines.clone());
        }
        let engines = Arc::new(Engines::new(tree)?);
        self.engines = Some((fingerprint, engines.clone()));
        self.engines_generation += 1;
        Ok(engines)
    }
}

/// A fingerprint of the site's template overrides (HTML, CSS, JS and Typst).
fn templates_fingerprint(tree: &SourceTree) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    for path in tree.files_under("templates") {
        path.hash(&mut hasher);
        tree.get(path).map(pdf::content_bytes).hash(&mut hasher);
    }
    hasher.finish()
}

/// Runs the preview until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let root = load::canonical(&options.root).ok_or_else(|| ServeError::Root(options.root.clone()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let host = if options.bind_all { "0.0.0.0" } else { "127.0.0.1" };
    let address = format!("{host}:{}", options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((host, options.port)))
        .map_err(|source| ServeError::Listen {
            address: address.clone(),
            source,
        })?;
    let port = listener
        .local_addr()
        .map_err(|source| ServeError::Listen { address, source })?
        .port();
    if options.bind_all {
        eprintln!(
            "warning: listening on every network interface: anyone who can reach this machine can read the preview"
        );
    }

    let live = Arc::new(Live::new());
    let (pdf_tx, pdf_rx) = mpsc::channel();
    let mut builder = Builder {
        root: root.clone(),
        live: live.clone(),
        engines: None,
        engines_generation: 0,
        pdf_jobs: (!options.skip_pdfs).then_some(pdf_tx),
    };
    if !options.skip_pdfs {
        let live = live.clone();
        std::thread::spawn(move || pdf::worker(live, pdf_rx));
    }
    // The watch starts before the first build, so an edit made while it runs is not lost.
    let (change_tx, change_rx) = mpsc::channel::<Vec<String>>();
    let mut sources = watch::Sources::watch(&root, change_tx)?;
    builder.build(Vec::new());
    std::thread::spawn(move || {
        while let Ok(mut changed) = change_rx.recv() {
            while let Ok(more) = change_rx.try_recv() {
                changed.extend(more);
            }
            changed.sort();
            changed.dedup();
            sources.follow_new_folders(&changed);
            builder.build(changed);
        }
    });

    eprintln!("serving http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    if options.open_browser
        && let Err(e) = open::that_detached(format!("http://127.0.0.1:{port}/"))
    {
        eprintln!("warning: cannot open a web browser: {e}");
    }
    let app = Arc::new(http::App {
        live,
        allowed_hosts: ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect(),
        bind_all: options.bind_all,
    });
    runtime
        .block_on(async move { axum::serve(listener, http::router(app)).await })
        .map_err(ServeError::Server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_one_line_of_json_each() {
        let reload = Message::Reload {
            generation: 3,
            changed: vec!["guides/a/guide.toml".into()],
        };
        let sse = reload.sse();
        let data = sse
            .strip_prefix("event: reload\ndata: ")
            .and_then(|d| d.strip_suffix("\n\n"))
            .unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(data).unwrap(),
            serde_json::json!({ "generation": 3, "changed": ["guides/a/guide.toml"] })
        );
        let problem = Message::Problem("a:1:1: error: x\n  | y\n".into());
        assert_eq!(
            problem.sse(),
            "event: problem\ndata: \"a:1:1: error: x\\n  | y\\n\"\n\n"
        );
    }

    #[test]
    fn a_page_that_subscribes_while_broken_is_told_the_problem() {
        let live = Live::new();
        live.fail("broken".into());
        let (mut rx, problem) = live.subscribe().unwrap();
        assert_eq!(problem.as_deref(), Some("broken"));
        live.publish(Output::default(), vec!["site.toml".into()]);
        assert!(matches!(rx.try_recv(), Ok(Message::Ok)));
        assert!(matches!(rx.try_recv(), Ok(Message::Reload { generation: 1, .. })));
    }

    #[test]
    fn pdfs_of_an_older_build_are_not_served() {
        let live = Live::new();
        let first = live.publish(Output::default(), Vec::new());
        let second = live.publish(Output::default(), Vec::new());
        let mut pdfs = Output::default();
        pdfs.insert("a.pdf", b"%PDF".to_vec());
        assert!(!live.add_pdfs(first, pdfs.clone()));
        assert!(live.state().unwrap().output.files.is_empty());
        assert!(live.add_pdfs(second, pdfs));
        assert!(live.state().unwrap().output.files.contains_key("a.pdf"));
    }
}
