//! The search index, built at build time for a static site. Chinese readers expect any
//! substring to match ("消毒" finds "器械清洗消毒室"), which word segmentation does not give,
//! so the index maps every character **bigram** of a document's text to the documents that
//! contain it, and every single character too (a one-character query, 药, is a real query).
//!
//! Design for size: a reader downloads only what one query needs.
//! - `search/meta.json`: shard and chunk counts (tiny).
//! - `search/shards/<n>.json`: postings of the bigrams whose hash falls in shard n, each as
//!   three lists: documents with it in the title, in a heading (both as `id, place` pairs),
//!   only in the text. A query of k distinct bigrams fetches at most k shards.
//! - `search/chars/<n>.json`: postings of single characters, sharded and split the same
//!   way; only a query without any bigram (one character, or characters apart) reads them.
//! - `search/heads/<n>.json`: per document its title, URL, kind, parent and headings, in
//!   chunks of `HEAD_CHUNK` ids.
//! - `search/docs/<n>.json`: the documents' text, in chunks of `TEXT_CHUNK` ids, fetched to
//!   verify a longer query in the text and to cut the snippets of the results shown.
//!
//! A query of one bigram (two letters, 食品) or one character (药) is answered exactly by its
//! postings, count and rank included, so beyond one shard it downloads only the heads and
//! text of the page of results shown; a longer query's
//! candidates are verified in their heads and text. Results rank title hits first, then
//! heading hits, then text hits; within each, procedures and bundles, then materials, steps
//! and questions ([`KINDS`], which is also the order of ids), an earlier match first, then
//! index order.
//!
//! Shards are sized to about `POSTINGS_PER_SHARD` postings, so one shard stays near the same
//! size however many guides the site has; the number of shards grows instead.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Output, json_file};
use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// Documents per heads chunk (titles and headings are short).
pub(crate) const HEAD_CHUNK: usize = 256;
/// Documents per text chunk.
pub(crate) const TEXT_CHUNK: usize = 32;
/// Target postings per shard (about 4 bytes each in JSON).
pub(crate) const POSTINGS_PER_SHARD: usize = 12_000;

/// One searchable thing: a guide, a step, a material, a FAQ entry, a bundle.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchDoc {
    pub title: String,
    /// Relative to the site root.
    pub url: String,
    /// What it is, in the edition's words (the labels' `kind.*`).
    pub kind: String,
    /// Its kind's place in [`KINDS`] (the order of the index).
    #[serde(skip)]
    pub rank: usize,
    /// The guide or bundle it belongs to (empty for guides and bundles themselves).
    pub parent: String,
    /// Headings inside the document (a guide's stages, a step's subheadings), which rank
    /// between title hits and text hits.
    pub headings: Vec<String>,
    #[serde(skip)]
    pub text: String,
}

#[derive(Serialize)]
struct Meta {
    /// The first id of each kind of [`KINDS`].
    kind_starts: Vec<usize>,
    shards: usize,
    char_shards: usize,
    head_chunk: usize,
    text_chunk: usize,
    docs: usize,
}

/// Lower-cased text as the index sees it: letters and digits and CJK, other characters
/// become spaces (so bigrams never span punctuation).
pub(crate) fn normalise(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for c in text.chars() {
        // Fast paths with the same result as the general one: ASCII, and the CJK ideographs
        // that are most of the text (alphanumeric, no case); Unicode's tables for the rest.
        if c.is_ascii() {
            out.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            });
        } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase().map(|c| if c.is_alphanumeric() { c } else { ' ' }));
        }
    }
    out
}

/// The distinct bigrams of a text.
#[cfg(test)]
pub(crate) fn bigrams(text: &str) -> std::collections::BTreeSet<String> {
    let chars = normalise(text);
    chars
        .windows(2)
        .filter(|w| w[0] != ' ' && w[1] != ' ')
        .map(|w| w.iter().collect())
        .collect()
}

/// FNV-1a over the gram's UTF-8 bytes: the same function runs in `search.js`.
pub fn shard_of(bigram: &str, shards: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bigram.bytes() {
        hash ^= byte as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash as usize) % shards
}

/// The kinds of documents (their labels' keys), in the order the index holds them (and
/// results rank them).
pub const KINDS: [&str; 5] = ["kind.permit", "kind.bundle", "kind.material", "kind.step", "kind.faq"];

/// Every searchable document of the site, in a fixed order: by kind (as [`KINDS`]), then
/// in site order. Because ids follow kind, results of the same rank sort by id alone.
pub fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut docs = unsorted_documents(site);
    docs.sort_by_key(|d| d.rank);
    docs
}

fn unsorted_documents(site: &Site) -> Vec<SearchDoc> {
    let labels = &site.edition.labels;
    let kind = |rank: usize| labels.get(KINDS[rank]).to_owned();
    let mut docs = Vec::new();
    for guide in &site.guides {
        let base = format!("guides/{}/index.html", guide.id);
        let mut text = vec![guide.summary.clone(), guide.department.clone(), guide.kind.clone()];
        text.extend(guide.code.clone());
        text.extend(guide.overview.as_ref().map(|o| o.text.clone()));
        let mut headings: Vec<String> = guide.stages.iter().map(|s| s.title.clone()).collect();
        headings.extend(guide.overview.iter().flat_map(|o| o.headings()));
        docs.push(SearchDoc {
            title: guide.title.clone(),
            url: base.clone(),
            kind: kind(0),
            rank: 0,
            parent: String::new(),
            headings,
            text: text.join(" "),
        });
        for stage in &guide.stages {
            for step in &stage.steps {
                let mut headings = step.body.headings();
                headings.extend(step.video.iter().map(|v| v.title.clone()));
                docs.push(SearchDoc {
                    title: format!("{} · {}", stage.title, step.title),
                    url: format!("{base}#step-{}", step.id),
                    kind: kind(3),
                    rank: 3,
                    parent: guide.title.clone(),
                    headings,
                    text: step.body.text.clone(),
                });
            }
        }
        for (i, faq) in guide.faq.iter().enumerate() {
            docs.push(SearchDoc {
                title: faq.question.clone(),
                url: format!("{base}#faq-{}", i + 1),
                kind: kind(4),
                rank: 4,
                parent: guide.title.clone(),
                headings: faq.answer.headings(),
                text: faq.answer.text.clone(),
            });
        }
    }
    for material in &site.materials {
        let mut text = vec![material.issuer.clone()];
        text.extend(material.description.as_ref().map(|d| d.text.clone()));
        text.extend(material.requirements.iter().cloned());
        text.extend(material.common_mistakes.iter().cloned());
        let mut headings: Vec<String> = material.samples.iter().map(|s| s.title.clone()).collect();
        headings.extend(material.description.iter().flat_map(|d| d.headings()));
        docs.push(SearchDoc {
            title: material.name.clone(),
            url: format!("materials/{}/index.html", material.id),
            kind: kind(2),
            rank: 2,
            parent: String::new(),
            headings,
            text: text.join(" "),
        });
    }
    for bundle in &site.bundles {
        docs.push(SearchDoc {
            title: bundle.title.clone(),
            url: format!("bundles/{}/index.html", bundle.id),
            kind: kind(1),
            rank: 1,
            parent: String::new(),
            headings: bundle.steps.iter().map(|s| s.title.clone()).collect(),
            text: bundle.summary.clone(),
        });
    }
    docs
}

/// The documents holding each gram, in three lists: those with it in the title, those with
/// it in a heading (not the title), those with it only in the text. The first two hold pairs
/// `id, place`: where the gram first occurs in the lower-cased title or heading, in UTF-16
/// units as JavaScript counts, so a one-gram query ranks without downloading any title.
type Postings = BTreeMap<String, [Vec<usize>; 3]>;

/// Where `gram` first occurs in `text` (lower-cased), in UTF-16 units.
fn place(text: &str, gram: &str) -> Option<usize> {
    let lower = text.to_lowercase();
    let at = lower.find(gram)?;
    Some(lower[..at].encode_utf16().count())
}

/// A gram as an integer: one character, or two as `first << 21 | second` (a `char` has 21
/// bits). Integers order as the grams' UTF-8 strings do (code point order, first character
/// first), so the shards come out exactly as with string keys, without a `String` per gram.
type Gram = u64;

fn gram_text(gram: Gram, pairs: bool) -> String {
    let c = |bits: u64| char::from_u32(bits as u32).unwrap_or(' ');
    if pairs {
        [c(gram >> 21), c(gram & 0x1f_ffff)].iter().collect()
    } else {
        c(gram).to_string()
    }
}

/// The distinct grams of a text, sorted: pairs of neighbouring letters/digits/CJK, or single ones.
fn gram_keys(text: &str, pairs: bool) -> Vec<Gram> {
    let chars = normalise(text);
    let mut keys: Vec<Gram> = if pairs {
        chars
            .windows(2)
            .filter(|w| w[0] != ' ' && w[1] != ' ')
            .map(|w| (w[0] as u64) << 21 | w[1] as u64)
            .collect()
    } else {
        chars.into_iter().filter(|c| *c != ' ').map(|c| c as u64).collect()
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Postings of the grams (pairs or single characters) over `docs`, split into shards of
/// about `POSTINGS_PER_SHARD`. Each document's grams are found in parallel; the postings are
/// then joined in id order.
fn sharded(docs: &[SearchDoc], pairs: bool) -> Vec<Postings> {
    use rayon::prelude::*;
    // Per document: (gram, list, place) — list 0 title, 1 a heading, 2 only the text.
    let per_doc: Vec<Vec<(Gram, usize, usize)>> = docs
        .par_iter()
        .map(|doc| {
            let title = gram_keys(&doc.title, pairs);
            let headings: Vec<Vec<Gram>> = doc.headings.iter().map(|h| gram_keys(h, pairs)).collect();
            let text = gram_keys(&doc.text, pairs);
            let mut all: Vec<Gram> = title
                .iter()
                .chain(headings.iter().flatten())
                .chain(&text)
                .copied()
                .collect();
            all.sort_unstable();
            all.dedup();
            all.into_iter()
                .map(|gram| {
                    if title.binary_search(&gram).is_ok() {
                        (gram, 0, place(&doc.title, &gram_text(gram, pairs)).unwrap_or(0))
                    } else if let Some(h) = headings.iter().position(|h| h.binary_search(&gram).is_ok()) {
                        (gram, 1, place(&doc.headings[h], &gram_text(gram, pairs)).unwrap_or(0))
                    } else {
                        (gram, 2, 0)
                    }
                })
                .collect()
        })
        .collect();
    let mut postings: BTreeMap<Gram, [Vec<usize>; 3]> = BTreeMap::new();
    for (id, grams) in per_doc.into_iter().enumerate() {
        for (gram, list, at) in grams {
            let lists = postings.entry(gram).or_default();
            match list {
                2 => lists[2].push(id),
                _ => lists[list].extend([id, at]),
            }
        }
    }
    let total: usize = postings.values().flatten().map(Vec::len).sum();
    let shards = total.div_ceil(POSTINGS_PER_SHARD).max(1).next_power_of_two();
    let mut maps = vec![BTreeMap::new(); shards];
    for (gram, ids) in postings {
        let text = gram_text(gram, pairs);
        maps[shard_of(&text, shards)].insert(text, ids);
    }
    maps
}

/// The index files for `docs`.
pub(crate) fn index_files(docs: &[SearchDoc]) -> Result<Output, Box<Diagnostic>> {
    let bigram_shards = sharded(docs, true);
    let char_shards = sharded(docs, false);
    let mut out = Output::default();
    // Documents come sorted by kind: kind k starts after all documents of earlier kinds.
    let rank = |d: &SearchDoc| d.rank;
    let kind_starts = (0..KINDS.len())
        .map(|k| docs.iter().filter(|d| rank(d) < k).count())
        .collect();
    let meta = Meta {
        kind_starts,
        shards: bigram_shards.len(),
        char_shards: char_shards.len(),
        head_chunk: HEAD_CHUNK,
        text_chunk: TEXT_CHUNK,
        docs: docs.len(),
    };
    out.insert("search/meta.json", json_file("search/meta.json", &meta)?);
    for (dir, maps) in [("shards", &bigram_shards), ("chars", &char_shards)] {
        for (n, map) in maps.iter().enumerate() {
            let path = format!("search/{dir}/{n}.json");
            let bytes = json_file(&path, map)?;
            out.insert(path, bytes);
        }
    }
    for (n, chunk) in docs.chunks(HEAD_CHUNK).enumerate() {
        let path = format!("search/heads/{n}.json");
        let bytes = json_file(&path, &chunk)?;
        out.insert(path, bytes);
    }
    for (n, chunk) in docs.chunks(TEXT_CHUNK).enumerate() {
        let texts: Vec<&str> = chunk.iter().map(|d| d.text.as_str()).collect();
        let path = format!("search/docs/{n}.json");
        let bytes = json_file(&path, &texts)?;
        out.insert(path, bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_paths_of_normalise_agree_with_unicode() {
        let general = |t: &str| -> Vec<char> {
            t.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect()
        };
        let text = "申请 ABC-xyz_09，《条例》第十二条 İ Ǆ ½ ①\u{3007}\u{9fff}\u{4e00}é\t";
        assert_eq!(normalise(text), general(text));
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(normalise(&s), general(&s), "{c:?}");
        }
    }

    fn doc(title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            title: title.into(),
            url: "x.html".into(),
            kind: "事项".into(),
            rank: 0,
            parent: String::new(),
            headings: Vec::new(),
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
        let out = index_files(&docs).unwrap();
        let meta: serde_json::Value = serde_json::from_slice(&out.files["search/meta.json"]).unwrap();
        let shards = meta["shards"].as_u64().unwrap() as usize;
        // "段简" sits inside "一段简单": segmentation would miss it, bigrams do not.
        for (query, expected) in [("消毒", 0), ("段简", 0), ("诊疗", 1)] {
            let shard: serde_json::Value =
                serde_json::from_slice(&out.files[&format!("search/shards/{}.json", shard_of(query, shards))]).unwrap();
            // Title hits are `id, place` pairs; text hits ids.
            let lists = shard[query].as_array().unwrap();
            let id = lists[0].get(0).or(lists[2].get(0)).and_then(|v| v.as_u64());
            assert_eq!(id, Some(expected), "{query}");
        }
    }

    #[test]
    fn single_characters_have_their_own_postings_and_texts_are_apart_from_heads() {
        let mut docs = vec![doc("候诊区", "与诊疗区分隔"), doc("灶台", "每个灶台；X 光")];
        docs[1].kind = "材料".into();
        docs[1].rank = 2;
        docs[1].headings = vec!["厨具清洁".into()];
        let out = index_files(&docs).unwrap();
        let meta: serde_json::Value = serde_json::from_slice(&out.files["search/meta.json"]).unwrap();
        let shards = meta["char_shards"].as_u64().unwrap() as usize;
        let chars = |c: &str| -> serde_json::Value {
            let shard: serde_json::Value =
                serde_json::from_slice(&out.files[&format!("search/chars/{}.json", shard_of(c, shards))]).unwrap();
            shard[c].clone()
        };
        // [title hits as id, place; heading hits as id, place; text hits].
        assert_eq!(chars("灶"), serde_json::json!([[1, 0], [], []]));
        assert_eq!(chars("台"), serde_json::json!([[1, 1], [], []]));
        assert_eq!(
            chars("区"),
            serde_json::json!([[0, 2], [], []]),
            "a title hit is listed once"
        );
        // A character standing alone ("X") is indexed although it starts no bigram.
        assert_eq!(chars("x"), serde_json::json!([[], [], [1]]));
        assert_eq!(chars("具"), serde_json::json!([[], [1, 1], []]), "headings are indexed");
        // No bundle: the materials start where the bundles would.
        assert_eq!(meta["kind_starts"], serde_json::json!([0, 1, 1, 2, 2]));
        let heads: serde_json::Value = serde_json::from_slice(&out.files["search/heads/0.json"]).unwrap();
        assert_eq!(heads[1]["headings"][0], "厨具清洁");
        assert!(heads[1].get("text").is_none(), "heads carry no text");
        let texts: serde_json::Value = serde_json::from_slice(&out.files["search/docs/0.json"]).unwrap();
        assert_eq!(texts, serde_json::json!(["与诊疗区分隔", "每个灶台；X 光"]));
    }

    #[test]
    fn shard_hash_is_fnv1a_as_in_search_js() {
        // FNV-1a of "a" is 0xe40c292c; search.js computes the same numbers.
        assert_eq!(shard_of("a", 1 << 31), 0xe40c_292c % (1 << 31));
        assert_eq!(shard_of("消毒", usize::MAX), 2_185_876_410);
        assert_eq!(shard_of("消毒", 16), 10);
    }
}
