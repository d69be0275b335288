//! The `permitroom` command line: a thin layer over the library's pipeline.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use permitroom::diagnostics;
use permitroom::render::RenderOptions;

/// Exit code: the command did what was asked.
const EXIT_OK: u8 = 0;
/// Exit code: the sources have errors (each one is printed).
const EXIT_CONTENT: u8 = 1;
/// Exit code: bad usage, or the disk could not be read or written.
const EXIT_USAGE_OR_IO: u8 = 2;

#[derive(Parser)]
#[command(
    name = "permitroom",
    version,
    about = "Builds a permit sample room (行政许可样板间): a static site and printable handouts from guide sources",
    after_help = "Exit codes: 0 success, 1 errors in the sources, 2 usage or I/O error.\nThe source format: docs/en/reference.md (中文：docs/zh/reference.md)."
)]
struct Cli {
    /// The site folder (holds site.toml); `init` creates it
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors (no warnings, no summary line)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: each stage's time (-v), and what the libraries log (-vv; RUST_LOG refines)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// How much the command prints besides errors.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Loudness {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds)
    Build {
        /// Where to write the site (default: <root>/output)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the PDF handouts (faster when only the web pages matter)
        #[arg(long)]
        no_pdf: bool,
        /// Publish under this address instead of site.toml's `base_url` (QR codes, page links)
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Check the sources and print every problem, without writing anything
    Check {
        /// `human`: the problems as text on stderr; `json`: one JSON array on stdout (for
        /// editors and CI), with one-based lines and columns
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Live preview: serve the site on 127.0.0.1, rebuild on save, reload open pages
    Serve {
        /// The port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Listen on every network interface, not just this machine (prints a warning)
        #[arg(long)]
        bind_all: bool,
        /// Do not rebuild the PDF handouts while previewing
        #[arg(long)]
        no_pdf: bool,
        /// Open the preview in the default web browser once it is served
        #[arg(long)]
        open: bool,
    },
    /// Write JSON Schemas of every source file kind (for editor completion) and .taplo.toml
    Schema {
        /// Where to write the schemas, relative to the site folder
        #[arg(long, default_value = "schemas")]
        out: String,
    },
    /// Create a new site in --root: site.toml and a first guide that build cleanly (TODOs show as warnings)
    Init {
        /// The first guide's id: lower-case ASCII letters, digits and `-`
        #[arg(long, default_value = "first-permit")]
        guide: String,
    },
    /// Create a new guide from a scaffold that builds cleanly (its TODOs show as warnings)
    New {
        /// The guide's id: lower-case ASCII letters, digits and `-` (e.g. `food-shop-licence`)
        guide_id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let loudness = match (cli.quiet, cli.verbose) {
        (true, _) => Loudness::Quiet,
        (false, 0) => Loudness::Normal,
        _ => Loudness::Verbose,
    };
    // What usvg, notify and Typst log: warnings always, everything with -vv; RUST_LOG refines.
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0 | 1) => "warn",
        _ => "debug",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level))
        .format_timestamp(None)
        .init();
    let root = cli.root;
    match cli.command {
        Command::Build { out, no_pdf, base_url } => {
            let out = out.unwrap_or_else(|| root.join("output"));
            build(&root, out, no_pdf, base_url.as_deref(), loudness)
        }
        Command::Check { format } => check(&root, loudness, format),
        Command::Init { guide } => init_site(&root, &guide, loudness),
        Command::New { guide_id } => new_guide(&root, &guide_id, loudness),
        Command::Schema { out } => {
            // The schemas live inside the site, where .taplo.toml can point at them.
            let inside = std::path::Path::new(&out)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
            if !inside || out.trim_matches(['.', '/']).is_empty() {
                eprintln!(
                    "error: --out {out:?} must be a folder inside the site folder, written relative to it (e.g. `schemas`)"
                );
                return ExitCode::from(EXIT_USAGE_OR_IO);
            }
            let out = out.trim_start_matches("./").trim_end_matches('/').to_string();
            let files = permitroom::schema_files(&root, &out);
            match permitroom::output::replace_files(&root, &files) {
                Ok(()) => {
                    for (path, _) in &files {
                        eprintln!("wrote {path}");
                    }
                    ExitCode::from(EXIT_OK)
                }
                Err(e) => {
                    eprintln!("error: cannot write the schemas: {e}");
                    ExitCode::from(EXIT_USAGE_OR_IO)
                }
            }
        }
        Command::Serve {
            port,
            bind_all,
            no_pdf,
            open,
        } => {
            let options = permitroom::serve::ServeOptions {
                root,
                port,
                bind_all,
                skip_pdfs: no_pdf,
                open_browser: open,
            };
            match permitroom::serve::serve(options) {
                Ok(()) => ExitCode::from(EXIT_OK),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(EXIT_USAGE_OR_IO)
                }
            }
        }
    }
}

fn load_and_check(root: &std::path::Path, loudness: Loudness) -> Result<permitroom::Checked, ExitCode> {
    let started = std::time::Instant::now();
    match permitroom::check(root) {
        Ok(checked) => {
            print_diagnostics(&checked.diagnostics, &checked.tree, loudness);
            if loudness == Loudness::Verbose {
                eprintln!("checked the sources in {:.2?}", started.elapsed());
            }
            Ok(checked)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(EXIT_USAGE_OR_IO))
        }
    }
}

/// Prints diagnostics, coloured on a terminal unless `NO_COLOR` (or `CLICOLOR=0`) says not;
/// `--quiet` keeps only the errors.
fn print_diagnostics(all: &diagnostics::Diagnostics, tree: &permitroom::source::load::SourceTree, loudness: Loudness) {
    let style = match anstream::AutoStream::choice(&std::io::stderr()) {
        anstream::ColorChoice::Never => diagnostics::Style::Plain,
        _ => diagnostics::Style::Coloured,
    };
    if loudness == Loudness::Quiet {
        let errors: diagnostics::Diagnostics = all
            .iter()
            .filter(|d| d.severity == diagnostics::Severity::Error)
            .cloned()
            .collect();
        eprint!("{}", diagnostics::render_all_styled(&errors, tree, style));
    } else {
        eprint!("{}", diagnostics::render_all_styled(all, tree, style));
    }
}

fn check(root: &std::path::Path, loudness: Loudness, format: Format) -> ExitCode {
    if format == Format::Json {
        return match permitroom::check(root) {
            Ok(checked) => {
                let json = diagnostics::to_json(&checked.diagnostics, &checked.tree);
                match serde_json::to_string_pretty(&json) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("error: cannot write the diagnostics as JSON: {e}");
                        return ExitCode::from(EXIT_USAGE_OR_IO);
                    }
                }
                ExitCode::from(if checked.diagnostics.has_errors() {
                    EXIT_CONTENT
                } else {
                    EXIT_OK
                })
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_USAGE_OR_IO)
            }
        };
    }
    let checked = match load_and_check(root, loudness) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.diagnostics.has_errors() {
        return ExitCode::from(EXIT_CONTENT);
    }
    let site = checked.site.as_ref().map_or(0, |s| s.guides.len());
    if loudness > Loudness::Quiet {
        eprintln!("checked {site} guide(s): no errors");
    }
    ExitCode::from(EXIT_OK)
}

fn init_site(root: &std::path::Path, guide: &str, loudness: Loudness) -> ExitCode {
    let id = match permitroom::source::format::Slug::parse(guide) {
        Ok(id) => id,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    };
    let files = permitroom::scaffold::new_site_files(&id);
    if let Err(e) = permitroom::output::create_files(root, &files) {
        eprintln!("error: cannot create the site: {e}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    if loudness == Loudness::Quiet {
        return ExitCode::from(EXIT_OK);
    }
    for (path, _) in &files {
        eprintln!("created {}", root.join(path).display());
    }
    eprintln!(
        "next: `permitroom serve --root {0}` to preview, `permitroom check --root {0}` to list what is left TODO",
        root.display()
    );
    ExitCode::from(EXIT_OK)
}

fn new_guide(root: &std::path::Path, id: &str, loudness: Loudness) -> ExitCode {
    let id = match permitroom::source::format::Slug::parse(id) {
        Ok(id) => id,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    };
    let files = permitroom::scaffold::new_guide_files(&id);
    if let Err(e) = permitroom::output::create_files(root, &files) {
        eprintln!("error: cannot create the guide: {e}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    if loudness == Loudness::Quiet {
        return ExitCode::from(EXIT_OK);
    }
    for (path, _) in &files {
        eprintln!("created {path}");
    }
    eprintln!("next: edit guides/{id}/guide.toml, then run `permitroom check` to see what is left TODO");
    ExitCode::from(EXIT_OK)
}

fn build(
    root: &std::path::Path,
    out: PathBuf,
    skip_pdfs: bool,
    base_url: Option<&str>,
    loudness: Loudness,
) -> ExitCode {
    let started = std::time::Instant::now();
    let request = permitroom::BuildRequest {
        root,
        out: &out,
        base_url,
        options: permitroom::BuildOptions {
            render: RenderOptions::default(),
            pdf: permitroom::render::pdf::PdfOptions {
                source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.parse().ok()),
            },
            skip_pdfs,
        },
    };
    let mut reporter = Reporter::new(loudness);
    let built = permitroom::build(
        &request,
        &mut |checked| {
            print_diagnostics(&checked.diagnostics, &checked.tree, loudness);
            if loudness == Loudness::Verbose {
                eprintln!("checked the sources in {:.2?}", started.elapsed());
            }
        },
        &mut |progress| reporter.report(progress),
    );
    reporter.finish();
    match built {
        Ok(built) => {
            if loudness > Loudness::Quiet {
                eprintln!(
                    "built {} file(s) into {} in {:.2?}",
                    built.files,
                    out.display(),
                    started.elapsed()
                );
            }
            ExitCode::from(EXIT_OK)
        }
        Err(permitroom::BuildFailure::Content { diagnostics, tree }) => {
            print_diagnostics(&diagnostics, &tree, loudness);
            eprintln!("build failed: {} was left as it was", out.display());
            ExitCode::from(EXIT_CONTENT)
        }
        Err(permitroom::BuildFailure::Load(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
        Err(permitroom::BuildFailure::Refused(e) | permitroom::BuildFailure::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE_OR_IO)
        }
    }
}

/// Shows how far a build has come: a progress bar on a terminal, a line per finished stage
/// otherwise, nothing with `--quiet`.
struct Reporter {
    loudness: Loudness,
    bar: Option<indicatif::ProgressBar>,
    stage_started: std::time::Instant,
}

impl Reporter {
    fn new(loudness: Loudness) -> Self {
        Reporter {
            loudness,
            bar: None,
            stage_started: std::time::Instant::now(),
        }
    }

    fn report(&mut self, progress: permitroom::Progress) {
        use std::io::IsTerminal as _;
        if self.loudness == Loudness::Quiet {
            return;
        }
        let (what, done, total) = match progress {
            permitroom::Progress::Pages { done, total } => ("pages", done, total),
            permitroom::Progress::Pdfs { done, total } => ("PDFs", done, total),
        };
        if done == 0 {
            // A new stage.
            self.finish();
            self.stage_started = std::time::Instant::now();
            if std::io::stderr().is_terminal() {
                let style = indicatif::ProgressStyle::with_template("{prefix:>6} [{bar:30}] {pos}/{len} {elapsed}")
                    .map(|s| s.progress_chars("=> "))
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                let bar = indicatif::ProgressBar::new(total as u64)
                    .with_style(style)
                    .with_prefix(what);
                self.bar = Some(bar);
            }
            return;
        }
        match &self.bar {
            Some(bar) => bar.set_position(done as u64),
            None if done == total => {
                let what = if what == "pages" {
                    format!("the pages of {total} guide(s)")
                } else {
                    format!("{total} batch(es) of PDFs")
                };
                eprintln!("rendered {what} in {:.2?}", self.stage_started.elapsed());
            }
            None => {}
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
