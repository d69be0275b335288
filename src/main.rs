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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds)
    Build {
        /// The site folder (holds site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/output)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the PDF handouts (faster when only the web pages matter)
        #[arg(long)]
        no_pdf: bool,
    },
    /// Check the sources and print every problem, without writing anything
    Check {
        /// The site folder (holds site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Live preview: serve the site on 127.0.0.1, rebuild on save, reload open pages
    Serve {
        /// The site folder (holds site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Listen on every network interface, not just this machine (prints a warning)
        #[arg(long)]
        bind_all: bool,
        /// Do not rebuild the PDF handouts while previewing
        #[arg(long)]
        no_pdf: bool,
    },
    /// Write JSON Schemas of every source file kind (for editor completion) and .taplo.toml
    Schema {
        /// The site folder: .taplo.toml is written here
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the schemas, relative to the site folder
        #[arg(long, default_value = "schemas")]
        out: String,
    },
    /// Create a new guide from a scaffold that builds cleanly (its TODOs show as warnings)
    New {
        /// The guide's id: lower-case ASCII letters, digits and `-` (e.g. `food-shop-licence`)
        guide_id: String,
        /// The site folder (holds site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, no_pdf } => build(&root, out.unwrap_or_else(|| root.join("output")), no_pdf),
        Command::Check { root } => check(&root),
        Command::New { guide_id, root } => new_guide(&root, &guide_id),
        Command::Schema { root, out } => {
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
            // The site's vocabularies and symbols become the plan schemas' enums; a folder that
            // is no site yet gets the generic schemas.
            let words = match permitroom::load::load_site(&root) {
                Ok((tree, _)) => permitroom::schemas::site_words(&permitroom::parse::parse_site(&tree).0),
                Err(_) => permitroom::schemas::SiteWords::default(),
            };
            let mut files: Vec<(String, String)> = permitroom::schemas::schemas(&words)
                .into_iter()
                .map(|(name, text)| (format!("{out}/{name}"), text))
                .collect();
            files.push((".taplo.toml".into(), permitroom::schemas::taplo_config(&out, &words)));
            match permitroom::write::replace_files(&root, &files) {
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
            root,
            port,
            bind_all,
            no_pdf,
        } => {
            let options = permitroom::serve::ServeOptions {
                root,
                port,
                bind_all,
                skip_pdfs: no_pdf,
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

fn load_and_check(root: &std::path::Path) -> Result<permitroom::Checked, ExitCode> {
    match permitroom::check(root) {
        Ok(checked) => {
            eprint!("{}", diagnostics::render_all(&checked.diagnostics, &checked.tree));
            Ok(checked)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(EXIT_USAGE_OR_IO))
        }
    }
}

fn check(root: &std::path::Path) -> ExitCode {
    let checked = match load_and_check(root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.diagnostics.has_errors() {
        return ExitCode::from(EXIT_CONTENT);
    }
    let site = checked.site.as_ref().map_or(0, |s| s.guides.len());
    eprintln!("checked {site} guide(s): no errors");
    ExitCode::from(EXIT_OK)
}

fn new_guide(root: &std::path::Path, id: &str) -> ExitCode {
    let id = match permitroom::schema::Slug::parse(id) {
        Ok(id) => id,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    };
    let files = permitroom::scaffold::new_guide_files(&id);
    if let Err(e) = permitroom::write::create_files(root, &files) {
        eprintln!("error: cannot create the guide: {e}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    for (path, _) in &files {
        eprintln!("created {path}");
    }
    eprintln!("next: edit guides/{id}/guide.toml, then run `permitroom check` to see what is left TODO");
    ExitCode::from(EXIT_OK)
}

fn build(root: &std::path::Path, out: PathBuf, skip_pdfs: bool) -> ExitCode {
    let started = std::time::Instant::now();
    // Refused before anything is read or written: a mistyped --out must not cost a build.
    if let Err(e) = permitroom::write::check_target(&out, root) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    let checked = match load_and_check(root) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.diagnostics.has_errors() {
        eprintln!("build failed: {} was left as it was", out.display());
        return ExitCode::from(EXIT_CONTENT);
    }
    let options = permitroom::BuildOptions {
        render: RenderOptions::default(),
        pdf: permitroom::render::pdf::PdfOptions {
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.parse().ok()),
        },
        skip_pdfs,
    };
    let mut staging = match permitroom::write::Staging::new(&out, root) {
        Ok(staging) => staging,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    };
    // Parts are written as they are rendered; the new folder replaces the old only at the end.
    match permitroom::render_in_parts(&checked, &options, &mut |part| staging.add(&part)) {
        Ok(()) => {}
        Err(permitroom::BuildError::Content(d)) => {
            eprint!("{}", diagnostics::render_all(&d, &checked.tree));
            eprintln!("build failed: {} was left as it was", out.display());
            return ExitCode::from(EXIT_CONTENT);
        }
        Err(permitroom::BuildError::Io(e)) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            return ExitCode::from(EXIT_USAGE_OR_IO);
        }
    }
    let files = staging.file_count();
    if let Err(e) = staging.commit() {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_USAGE_OR_IO);
    }
    eprintln!(
        "built {files} file(s) into {} in {:.2?}",
        out.display(),
        started.elapsed()
    );
    ExitCode::from(EXIT_OK)
}
