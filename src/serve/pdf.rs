//! PDFs for the preview, on a worker thread after the pages, always for the newest build
//! (older queued jobs are dropped). A guide's handouts are remade only when what they are made
//! from changed: the guide's checked model (which holds its chain, materials and plans), or
//! anything site-wide (the site's configuration, materials, vocabularies, symbols, the
//! templates). Bundle and blank-form PDFs are always remade. A PDF error is shown on the
//! terminal and as the page overlay, like a build problem.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use super::Live;
use crate::diagnostics;
use crate::model::Site;
use crate::render::{self, Engines};
use crate::source::load::{FileContent, SourceTree};

/// One build's PDFs to make.
pub(super) struct Job {
    pub generation: u64,
    /// Every edition, the primary one first; each one's PDFs go under its folder.
    pub sites: Vec<Arc<Site>>,
    pub tree: Arc<SourceTree>,
    pub engines: Arc<Engines>,
    /// Changes with every new set of engines (templates changed).
    pub engines_generation: u64,
}

/// Runs until `jobs` is closed.
pub(super) fn worker(live: Arc<Live>, jobs: mpsc::Receiver<Job>) {
    // What the PDFs in the output were made from, by edition folder: the site-wide key and
    // each guide's.
    let mut made: BTreeMap<String, (u64, BTreeMap<String, u64>)> = BTreeMap::new();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let started = Instant::now();
        let mut pdfs = render::Output::default();
        let mut now_made = BTreeMap::new();
        let mut stale_guides = 0;
        let mut failed = None;
        for site in &job.sites {
            let prefix = site.edition.prefix.clone();
            let site_key = site_key(&job, site);
            let guide_keys: BTreeMap<String, u64> = site.guides.iter().map(|g| (g.id.clone(), hash_json(g))).collect();
            let before = made.get(&prefix);
            let stale: BTreeSet<&str> = guide_keys
                .iter()
                .filter(|(id, key)| before.is_none_or(|(s, guides)| *s != site_key || guides.get(*id) != Some(*key)))
                .map(|(id, _)| id.as_str())
                .collect();
            stale_guides += stale.len();
            match render::pdf::render_pdfs_except(site, &job.engines.pdf, &render::pdf::PdfOptions::default(), &|id| {
                stale.contains(id)
            }) {
                Ok(part) => pdfs.extend(part.prefixed(&prefix)),
                Err(d) => {
                    failed = Some(d);
                    break;
                }
            }
            now_made.insert(prefix, (site_key, guide_keys));
        }
        match failed {
            None => {
                let count = pdfs.files.len();
                if live.add_pdfs(job.generation, pdfs) {
                    eprintln!(
                        "rebuilt {count} PDF(s) ({stale_guides} guide(s) changed) in {:.0?}",
                        started.elapsed()
                    );
                    made = now_made;
                }
            }
            Some(d) => {
                let text = diagnostics::render_all(&d, &*job.tree);
                eprint!("{text}");
                eprintln!("the PDFs were not rebuilt; the pages are up to date");
                live.report(job.generation, text);
            }
        }
    }
}

/// What every guide's PDFs depend on besides the guide itself.
fn site_key(job: &Job, site: &Site) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    job.engines_generation.hash(&mut hasher);
    hash_json(&site.config).hash(&mut hasher);
    hash_json(&site.materials).hash(&mut hasher);
    hash_json(&site.vocabularies).hash(&mut hasher);
    // The symbol library is not serialised: its source files stand for it.
    for path in job.tree.files_under("symbols") {
        path.hash(&mut hasher);
        job.tree.get(path).map(content_bytes).hash(&mut hasher);
    }
    hasher.finish()
}

pub(super) fn content_bytes(content: &FileContent) -> &[u8] {
    match content {
        FileContent::Text(text) => text.as_bytes(),
        FileContent::Binary(bytes) => bytes,
        FileContent::Refused(why) => why.as_bytes(),
    }
}

fn hash_json<T: serde::Serialize>(value: &T) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    match serde_json::to_vec(value) {
        Ok(bytes) => bytes.hash(&mut hasher),
        // Unserialisable (never expected): a fresh key, so the PDFs are remade.
        Err(e) => format!("{e}{:?}", Instant::now()).hash(&mut hasher),
    }
    hasher.finish()
}
