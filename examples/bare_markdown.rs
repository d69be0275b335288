//! The floor of the catalog benchmark (scripts/bench-catalog.sh): the least a static-site
//! generator must do with the same guides — read each guide's Markdown, render it with
//! pulldown-cmark, write one HTML file — in a plain loop on one thread, nothing else.
//! Usage: cargo run --example bare_markdown -- <site folder> <output folder>

#![allow(clippy::disallowed_methods)] // A benchmark's own reads and writes, outside the pipeline.

use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(site), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_markdown <site folder> <output folder>");
        std::process::exit(2);
    };
    let guides = Path::new(&site).join("guides");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&guides).sort_by_file_name() {
        let entry = entry.expect("readable guides folder");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("UTF-8 Markdown");
        let mut html = String::with_capacity(text.len() * 2);
        let parser = pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES);
        pulldown_cmark::html::push_html(&mut html, parser);
        let rel = path.strip_prefix(&guides).expect("inside the guides folder");
        let target = Path::new(&out).join(rel).with_extension("html");
        std::fs::create_dir_all(target.parent().expect("a parent folder")).expect("writable output");
        std::fs::write(&target, html).expect("writable output");
        pages += 1;
    }
    eprintln!("bare_markdown: {pages} page(s)");
}
