//! The site's own words: one labels file per edition, `templates/labels/<lang>.toml`, embedded
//! for `zh-CN` and `en` and overridden by a site file of the same name. Every word the site
//! itself shows comes from there: the templates read them as `t` (`{{ t.guide.materials }}`),
//! the Typst templates as `data.t`, the page scripts from a JSON element of the page, and the
//! words the model picks (a confidence tag's name, a document form, a day unit) through
//! [`Labels::get`]. Diagnostics are for authors and stay in English in the code.
//!
//! A file is a TOML table of tables of strings; a text with `{name}` places is filled by
//! [`Labels::fill`] (Rust) or the `fill` filter (templates). Every labels file has the keys of
//! the built-in Chinese one (tested for the built-in files; a site's file missing one is an
//! error naming it).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::load::SourceTree;

/// The built-in labels files: `(language, contents)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("zh-CN", include_str!("../../templates/labels/zh-CN.toml")),
    ("en", include_str!("../../templates/labels/en.toml")),
];

/// One edition's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    lang: String,
    /// `section.key` → text.
    flat: BTreeMap<String, String>,
    /// The file as JSON, for templates (`t`).
    json: serde_json::Value,
}

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

impl Labels {
    /// The words of `lang`: the site's `templates/labels/<lang>.toml`, else the built-in file.
    pub fn load(tree: &SourceTree, lang: &str) -> Result<Labels, Diagnostics> {
        let path = format!("templates/labels/{lang}.toml");
        let builtin = EMBEDDED.iter().find(|(l, _)| *l == lang).map(|(_, t)| *t);
        let (file, text) = match (tree.text(&path), builtin) {
            (Some(own), _) => (path, own),
            (None, Some(text)) => (path, text),
            (None, None) => {
                return Err(Diagnostics::from_iter([Diagnostic::error(
                    crate::source::load::SITE_CONFIG,
                    None,
                    format!("the edition `{lang}` has no labels file (the site's own words in that language)"),
                )
                .with_hint(format!(
                    "add `{path}` with the keys of the built-in `templates/labels/zh-CN.toml` of permitroom"
                ))]));
            }
        };
        let labels = Labels::parse(lang, &file, text)?;
        let reference = Labels::builtin("zh-CN");
        let missing: Vec<&str> = reference
            .flat
            .keys()
            .filter(|k| !labels.flat.contains_key(*k))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(8).copied().collect();
            return Err(Diagnostics::from_iter([Diagnostic::error(
                file,
                None,
                format!(
                    "the labels file lacks {} key(s): {}{}",
                    missing.len(),
                    shown.join(", "),
                    if missing.len() > shown.len() { ", …" } else { "" }
                ),
            )
            .with_hint("copy them from the built-in labels file of the same language")]));
        }
        Ok(labels)
    }

    /// A built-in labels file (`zh-CN` or `en`); panics on another language (a bug).
    pub(crate) fn builtin(lang: &str) -> Labels {
        let text = EMBEDDED
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, t)| *t)
            .expect("a built-in labels file");
        Labels::parse(lang, &format!("templates/labels/{lang}.toml"), text).expect("the built-in labels parse")
    }

    fn parse(lang: &str, file: &str, text: &str) -> Result<Labels, Diagnostics> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Diagnostics::from_iter([Diagnostic::error(file, e.span(), e.message().to_owned())])
        })?;
        let mut flat = BTreeMap::new();
        let mut problems = Diagnostics::default();
        for (section, value) in &table {
            match value {
                toml::Value::Table(entries) => {
                    for (key, text) in entries {
                        match text {
                            toml::Value::String(s) => {
                                flat.insert(format!("{section}.{key}"), s.clone());
                            }
                            _ => problems.push(Diagnostic::error(
                                file,
                                None,
                                format!("`{section}.{key}` is not a string: a label is a text"),
                            )),
                        }
                    }
                }
                toml::Value::String(s) => {
                    flat.insert(section.clone(), s.clone());
                }
                _ => problems.push(Diagnostic::error(
                    file,
                    None,
                    format!("`{section}` is neither a text nor a table of texts"),
                )),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let json = serde_json::to_value(&table).unwrap_or_default();
        Ok(Labels {
            lang: lang.to_owned(),
            flat,
            json,
        })
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The text of `key` (`"confidence.U"`). Every built-in key exists in every labels file
    /// (checked when loaded), so a missing one is a bug: its key is shown.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map_or(key, String::as_str)
    }

    /// The text of `section.<value's serde name>`, for the enums of the source format
    /// (`Form::OriginalAndCopy` → `form.original-and-copy`).
    pub fn of(&self, section: &str, value: &impl Serialize) -> String {
        let name = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        };
        self.get(&format!("{section}.{name}")).to_owned()
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub(crate) fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.flat.keys().map(String::as_str)
    }

    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }
}

/// `text` with each `{name}` replaced by its value.
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_labels_file_has_the_same_keys() {
        let zh = Labels::builtin("zh-CN");
        let en = Labels::builtin("en");
        let zh_keys: Vec<&str> = zh.keys().collect();
        let en_keys: Vec<&str> = en.keys().collect();
        assert_eq!(zh_keys, en_keys);
        assert!(zh_keys.len() > 200, "{}", zh_keys.len());
        assert_eq!(zh.get("confidence.U"), "待本地确认");
        assert_eq!(en.get("confidence.U"), "To be confirmed locally");
    }

    #[test]
    fn the_places_of_a_label_are_the_same_in_every_language() {
        let zh = Labels::builtin("zh-CN");
        let en = Labels::builtin("en");
        let places = |t: &str| -> Vec<String> {
            let mut p: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
                .collect();
            p.sort();
            p
        };
        for key in zh.keys() {
            assert_eq!(places(zh.get(key)), places(en.get(key)), "{key}");
        }
    }

    #[test]
    fn enums_find_their_words_by_their_source_names() {
        let en = Labels::builtin("en");
        assert_eq!(
            en.of("form", &crate::source::format::Form::OriginalAndCopy),
            "Original and copy"
        );
        assert_eq!(en.fill("guide.stage_number", &[("n", "3")]), "Stage 3");
    }
}
