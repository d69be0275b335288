//! A guide's `guide.toml`, from arbitrary bytes, checked as `permitroom check` checks it
//! (`check_tree`: parse, schema, resolve against the bundled materials, forms, vocabularies
//! and symbols) and its diagnostics printed. Never a panic; every diagnostic's place lies in
//! its file.

#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use permitroom::diagnostics::Diagnostics;
use permitroom::source::load::SourceTree;

const GUIDE: &str = "guides/dental-outpatient/guide.toml";

fn surroundings() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        common::files(|p| {
            p == "site.toml"
                || ["materials/", "forms/", "samples/", "vocabularies/", "symbols/"]
                    .iter()
                    .any(|d| p.starts_with(d))
                || (p.starts_with("guides/dental-outpatient/") && p != GUIDE)
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut files = surroundings().clone();
    files.push((GUIDE.to_owned(), data.to_vec()));
    let checked = common::on_worker_stack(move || {
        let tree = SourceTree::from_files(files);
        permitroom::check_tree(tree, Diagnostics::default())
    });
    common::print_and_check_places(&checked.diagnostics, &checked.tree);
});
