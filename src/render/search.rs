//! The search index, built at build time for a static site. Chinese readers expect any
//! substring to match ("消毒" finds "器械清洗消毒室"), which word segmentation does not give,
//! so the index maps every character **bigram** of a document's text to the documents that
//! contain it.
//!
//! Design for size: a reader downloads only what one query needs.
//! - `search/meta.json`: shard and chunk counts (tiny).
//! - `search/shards/<n>.json`: postings of the bigrams whose hash falls in shard n. A query
//!   of k distinct bigrams fetches at most k shards.
//! - `search/docs/<n>.json`: documents (title, URL, kind, text) in chunks of `CHUNK` ids; only
//!   the chunks holding candidates are fetched, to verify the substring and cut the snippet.
//!
//! Shards are sized to about `POSTINGS_PER_SHARD` postings, so one shard stays near the same
//! size however many guides the site has; the number of shards grows instead.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Output;
use crate::model::Site;

/// Documents per chunk file.
pub const CHUNK: usize = 64;
/// Target postings per shard (about 4 bytes each in JSON).
pub const POSTINGS_PER_SHARD: usize = 12_000;

/// One searchable thing: a guide, a step, a material, a FAQ entry, a bundle.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchDoc {
    pub title: String,
    /// Relative to the site root.
    pub url: String,
    /// "事项", "步骤", "材料", "常见问题", "一件事".
    pub kind: &'static str,
    /// The guide or bundle it belongs to (empty for guides and bundles themselves).
    pub parent: String,
    pub text: String,
}

#[derive(Serialize)]
struct Meta {
    shards: usize,
    chunk: usize,
    docs: usize,
}

/// Lower-cased text as the index sees it: letters and digits and CJK, other characters
/// become spaces (so bigrams never span punctuation).
pub fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

/// The distinct bigrams of a text.
pub fn bigrams(text: &str) -> BTreeSet<String> {
    let chars = normalise(text);
    chars
        .windows(2)
        .filter(|w| w[0] != ' ' && w[1] != ' ')
        .map(|w| w.iter().collect())
        .collect()
}

/// FNV-1a over the bigram's UTF-8 bytes: the same function runs in `search.js`.
pub fn shard_of(bigram: &str, shards: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bigram.bytes() {
        hash ^= byte as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash as usize) % shards
}

/// Every searchable document of the site, in a fixed order.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for guide in &site.guides {
        let base = format!("guides/{}/index.html", guide.id);
        let mut text = vec![guide.summary.clone(), guide.department.clone(), guide.kind.clone()];
        text.extend(guide.code.clone());
        text.extend(guide.overview.as_ref().map(|o| o.text.clone()));
        docs.push(SearchDoc {
            title: guide.title.clone(),
            url: base.clone(),
            kind: "事项",
            parent: String::new(),
            text: text.join(" "),
        });
        for stage in &guide.stages {
            for step in &stage.steps {
                docs.push(SearchDoc {
                    title: format!("{} · {}", stage.title, step.title),
                    url: format!("{base}#step-{}", step.id),
                    kind: "步骤",
                    parent: guide.title.clone(),
                    text: step.body.text.clone(),
                });
            }
        }
        for (i, faq) in guide.faq.iter().enumerate() {
            docs.push(SearchDoc {
                title: faq.question.clone(),
                url: format!("{base}#faq-{}", i + 1),
                kind: "常见问题",
                parent: guide.title.clone(),
                text: faq.answer.text.clone(),
            });
        }
    }
    for material in &site.materials {
        let mut text = vec![material.issuer.clone()];
        text.extend(material.description.as_ref().map(|d| d.text.clone()));
        text.extend(material.requirements.iter().cloned());
        text.extend(material.common_mistakes.iter().cloned());
        docs.push(SearchDoc {
            title: material.name.clone(),
            url: format!("materials/{}/index.html", material.id),
            kind: "材料",
            parent: String::new(),
            text: text.join(" "),
        });
    }
    for bundle in &site.bundles {
        docs.push(SearchDoc {
            title: bundle.title.clone(),
            url: format!("bundles/{}/index.html", bundle.id),
            kind: "一件事",
            parent: String::new(),
            text: bundle.summary.clone(),
        });
    }
    docs
}

/// The index files for `docs`.
pub fn index_files(docs: &[SearchDoc]) -> Output {
    // bigram -> ids of the documents (title and text) containing it
    let mut postings: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (id, doc) in docs.iter().enumerate() {
        for bigram in bigrams(&format!("{} {}", doc.title, doc.text)) {
            postings.entry(bigram).or_default().push(id);
        }
    }
    let total: usize = postings.values().map(Vec::len).sum();
    let shards = total.div_ceil(POSTINGS_PER_SHARD).max(1).next_power_of_two();
    let mut shard_maps: Vec<BTreeMap<&str, &Vec<usize>>> = vec![BTreeMap::new(); shards];
    for (bigram, ids) in &postings {
        shard_maps[shard_of(bigram, shards)].insert(bigram, ids);
    }
    let mut out = Output::default();
    let meta = Meta {
        shards,
        chunk: CHUNK,
        docs: docs.len(),
    };
    out.insert("search/meta.json", serde_json::to_vec(&meta).unwrap_or_default());
    for (n, map) in shard_maps.iter().enumerate() {
        out.insert(
            format!("search/shards/{n}.json"),
            serde_json::to_vec(map).unwrap_or_default(),
        );
    }
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        out.insert(
            format!("search/docs/{n}.json"),
            serde_json::to_vec(chunk).unwrap_or_default(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            title: title.into(),
            url: "x.html".into(),
            kind: "事项",
            parent: String::new(),
            text: text.into(),
        }
    }

    #[test]
    fn bigrams_cover_every_substring_of_two_characters() {
        let b = bigrams("器械清洗消毒室");
        assert!(b.contains("消毒"));
        assert!(b.contains("清洗"));
        assert!(!b.contains("室器"));
        let b = bigrams("WS 506-2016");
        assert!(b.contains("ws") && b.contains("50") && b.contains("06") && !b.contains("6-"));
    }

    #[test]
    fn a_query_finds_its_substring_through_the_shards() {
        let docs = vec![doc("器械清洗消毒室", "一段简单的说明"), doc("候诊区", "与诊疗区分隔")];
        let out = index_files(&docs);
        let meta: serde_json::Value = serde_json::from_slice(&out.files["search/meta.json"]).unwrap();
        let shards = meta["shards"].as_u64().unwrap() as usize;
        // "段简" sits inside "一段简单": segmentation would miss it, bigrams do not.
        for (query, expected) in [("消毒", 0), ("段简", 0), ("诊疗", 1)] {
            let shard: serde_json::Value =
                serde_json::from_slice(&out.files[&format!("search/shards/{}.json", shard_of(query, shards))]).unwrap();
            assert_eq!(shard[query][0].as_u64(), Some(expected), "{query}");
        }
    }

    #[test]
    fn shard_hash_is_fnv1a_as_in_search_js() {
        // FNV-1a of "a" is 0xe40c292c; search.js computes the same numbers.
        assert_eq!(shard_of("a", 1 << 31), 0xe40c_292c % (1 << 31));
        assert_eq!(shard_of("消毒", usize::MAX), 2_185_876_410);
        assert_eq!(shard_of("消毒", 16), 10);
    }
}
