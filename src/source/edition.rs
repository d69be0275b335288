//! Editions: a site in its primary language and in the languages `site.toml` lists under
//! `[[editions]]`. A table of any source may hold a translation table named after an edition's
//! language (`[en]`, `en.title = "…"`) with some of the table's own text fields in that
//! language; a Markdown file `X.md` may have its translation `X.en.md` beside it.
//!
//! Reading a file for an edition is one step on the spanned TOML document, before it is
//! deserialised: for the primary edition every translation table is taken out; for an edition,
//! each translated field replaces its original (with the place it was written, so a mistake in
//! a translation is reported there) and a named `X.md` becomes `X.<lang>.md` when that file
//! exists. The typed source format is then the same for every edition, so a translation can
//! only hold what the original may hold. What a translation table may not do is an error at
//! its place: name a key its table does not have (with the nearest key that it has), translate
//! a value that is not text, or give an array of another length.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics, count, nearest};
use crate::source::toml_places::{Segment, display};

/// Which edition a file is read for, and the names of every edition's translation table.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// `None`: the primary edition.
    pub lang: Option<&'a str>,
    /// The languages of all editions besides the primary one: the keys of translation tables.
    pub translations: &'a [String],
}

impl Reading<'_> {
    pub const PRIMARY: Reading<'static> = Reading {
        lang: None,
        translations: &[],
    };
}

/// What reading one file for an edition found, besides its errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// Whether the file's top level has a translation table for the edition.
    pub top_level_translated: bool,
    /// The field paths of text (fields holding Chinese characters, and named Markdown files)
    /// left without a translation, in file order.
    pub untranslated: Vec<String>,
}

/// Whether `text` holds a CJK ideograph: text an edition must translate.
pub(crate) fn has_han(text: &str) -> bool {
    text.chars().any(is_ideograph)
}

/// A CJK ideograph: the unified blocks, their extensions and the compatibility block.
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Applies `reading` to the document `root` of `file`. `translated_file` answers whether a
/// Markdown file named in `file` (as written) has a translation for the edition, and with
/// which path (as written).
pub(crate) fn apply(
    root: &mut DeTable<'_>,
    reading: Reading<'_>,
    file: &str,
    translated_file: &dyn Fn(&str) -> Option<String>,
    diagnostics: &mut Diagnostics,
) -> Found {
    let mut found = Found::default();
    if let Some(lang) = reading.lang {
        found.top_level_translated = root.contains_key(lang);
    }
    let mut path = Vec::new();
    walk_table(root, reading, file, translated_file, &mut path, &mut found, diagnostics);
    found
}

fn walk_table<'i>(
    table: &mut DeTable<'i>,
    reading: Reading<'_>,
    file: &str,
    translated_file: &dyn Fn(&str) -> Option<String>,
    path: &mut Vec<Segment>,
    found: &mut Found,
    diagnostics: &mut Diagnostics,
) {
    let mut mine = None;
    for lang in reading.translations {
        if let Some(value) = table.remove(lang.as_str())
            && reading.lang == Some(lang.as_str())
        {
            mine = Some(value);
        }
    }
    let mut translated: Vec<String> = Vec::new();
    if let Some(translation) = mine {
        let span = translation.span();
        match translation.into_inner() {
            DeValue::Table(entries) => {
                for (key, value) in entries {
                    if let Some(name) = translate(table, &key, value, file, path, diagnostics) {
                        translated.push(name);
                    }
                }
            }
            _ => diagnostics.push(
                Diagnostic::error(file, Some(span), "a translation is a table of this table's text fields").with_hint(
                    format!(
                        "write `{0}.field = \"…\"` or a `[{0}]` table",
                        reading.lang.unwrap_or("en")
                    ),
                ),
            ),
        }
    }
    let keys: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
    for key in keys {
        let Some(value) = table.get_mut(key.as_str()) else {
            continue;
        };
        path.push(Segment::Key(key.clone()));
        let done = translated.contains(&key);
        walk_value(value, reading, file, translated_file, done, path, found, diagnostics);
        path.pop();
    }
}

#[allow(clippy::too_many_arguments)]
fn walk_value(
    value: &mut Spanned<DeValue<'_>>,
    reading: Reading<'_>,
    file: &str,
    translated_file: &dyn Fn(&str) -> Option<String>,
    done: bool,
    path: &mut Vec<Segment>,
    found: &mut Found,
    diagnostics: &mut Diagnostics,
) {
    let span = value.span();
    match value.get_mut() {
        DeValue::Table(t) => walk_table(t, reading, file, translated_file, path, found, diagnostics),
        DeValue::Array(items) => {
            let text = !items.is_empty() && items.iter().all(|i| matches!(i.get_ref(), DeValue::String(_)));
            if text {
                if reading.lang.is_some()
                    && !done
                    && items
                        .iter()
                        .any(|i| matches!(i.get_ref(), DeValue::String(s) if has_han(s)))
                {
                    found.untranslated.push(display(path));
                }
                return;
            }
            for (n, item) in items.iter_mut().enumerate() {
                path.push(Segment::Index(n));
                walk_value(item, reading, file, translated_file, done, path, found, diagnostics);
                path.pop();
            }
        }
        DeValue::String(s) => {
            if reading.lang.is_none() || done {
                return;
            }
            if s.ends_with(".md") {
                match translated_file(s) {
                    Some(twin) => *value = Spanned::new(span, DeValue::String(twin.into())),
                    None => found.untranslated.push(display(path)),
                }
            } else if has_han(s) {
                found.untranslated.push(display(path));
            }
        }
        _ => {}
    }
}

/// Puts the translation `value` of `key` in place of the original in `table`; the key's name
/// when it did.
fn translate<'i>(
    table: &mut DeTable<'i>,
    key: &Spanned<std::borrow::Cow<'i, str>>,
    value: Spanned<DeValue<'i>>,
    file: &str,
    path: &[Segment],
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let name = key.get_ref().to_string();
    let at: Range<usize> = key.span();
    let mut full = path.to_vec();
    full.push(Segment::Key(name.clone()));
    let Some(original) = table.get_mut(name.as_str()) else {
        let texts: Vec<&str> = table
            .iter()
            .filter(|(_, v)| is_text(v.get_ref()))
            .map(|(k, _)| k.get_ref().as_ref())
            .collect();
        let mut d = Diagnostic::error(
            file,
            Some(at),
            format!("the translation names `{name}`, which this table does not have"),
        )
        .with_label("not a field of the original");
        d = match nearest(&name, texts.iter().copied()) {
            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
            None if texts.is_empty() => d.with_hint("this table has no text to translate"),
            None => d.with_hint(format!("the text fields here: {}", texts.join(", "))),
        };
        diagnostics.push(d);
        return None;
    };
    let problem = match (original.get_ref(), value.get_ref()) {
        (DeValue::String(o), DeValue::String(_)) if has_han(o) || o.is_empty() => None,
        (DeValue::String(_), DeValue::String(_)) => Some(format!(
            "`{}` holds no Chinese text: ids, paths, numbers and tags are written once, in the original",
            display(&full)
        )),
        (DeValue::Array(o), DeValue::Array(t)) if is_text(original.get_ref()) && is_text(value.get_ref()) => {
            (o.len() != t.len()).then(|| {
                format!(
                    "the translation of `{}` has {}; the original has {}",
                    display(&full),
                    count(t.len(), "entry", "entries"),
                    o.len()
                )
            })
        }
        (o, _) if !is_text(o) => Some(format!(
            "`{}` is not text: only strings and arrays of strings are translated",
            display(&full)
        )),
        _ => Some(format!(
            "the translation of `{}` must be of the original's kind ({})",
            display(&full),
            if matches!(original.get_ref(), DeValue::Array(_)) {
                "an array of strings of the same length"
            } else {
                "a string"
            }
        )),
    };
    if let Some(message) = problem {
        diagnostics.push(Diagnostic::error(file, Some(value.span()), message).with_label("this translation"));
        return None;
    }
    *original = value;
    Some(name)
}

/// A string, or a non-empty array of strings.
fn is_text(value: &DeValue<'_>) -> bool {
    match value {
        DeValue::String(_) => true,
        DeValue::Array(items) => !items.is_empty() && items.iter().all(|i| matches!(i.get_ref(), DeValue::String(_))),
        _ => false,
    }
}

/// The path of the translation of the Markdown file `written` (`steps/a.md` → `steps/a.en.md`).
pub(crate) fn translated_path(written: &str, lang: &str) -> Option<String> {
    let stem = written.strip_suffix(".md")?;
    Some(format!("{stem}.{lang}.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, lang: Option<&str>) -> (serde_json::Value, Found, Vec<String>) {
        let translations = vec!["en".to_owned()];
        let (mut root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty());
        let mut diagnostics = Diagnostics::default();
        let found = apply(
            root.get_mut(),
            Reading {
                lang,
                translations: &translations,
            },
            "f.toml",
            &|w| (w == "a.md").then(|| "a.en.md".to_owned()),
            &mut diagnostics,
        );
        let value: serde_json::Value = serde::Deserialize::deserialize(toml::de::Deserializer::from(root)).unwrap();
        let messages = diagnostics
            .iter()
            .map(|d| format!("{}@{:?} {:?}", d.message, d.span, d.hints))
            .collect();
        (value, found, messages)
    }

    #[test]
    fn the_primary_edition_drops_every_translation_and_the_edition_takes_them() {
        let text = "title = \"标题\"\nfile = \"a.md\"\nother = \"b.md\"\n[en]\ntitle = \"Title\"\n[[s]]\ntext = \"文字\"\nlist = [\"甲\", \"乙\"]\nen.list = [\"A\", \"B\"]\n";
        let (zh, found, errors) = read(text, None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(found, Found::default());
        assert_eq!(zh["title"], "标题");
        assert!(zh.get("en").is_none() && zh["s"][0].get("en").is_none(), "{zh}");
        let (en, found, errors) = read(text, Some("en"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(en["title"], "Title");
        assert_eq!(en["file"], "a.en.md");
        assert_eq!(en["other"], "b.md");
        assert_eq!(en["s"][0]["list"], serde_json::json!(["A", "B"]));
        assert_eq!(en["s"][0]["text"], "文字");
        assert!(en.get("en").is_none());
        assert!(found.top_level_translated);
        // `other.md` has no translation, `s[0].text` none either; `title`, `list` are done.
        assert_eq!(found.untranslated, ["other", "s[0].text"]);
    }

    #[test]
    fn a_translation_of_a_missing_key_of_a_non_text_or_of_another_length_is_an_error_at_its_place() {
        let text = "title = \"标题\"\nid = \"a-b\"\nn = 3\nlist = [\"甲\", \"乙\"]\nen.titel = \"T\"\nen.id = \"x\"\nen.n = \"three\"\nen.list = [\"A\"]\n";
        let (_, _, errors) = read(text, Some("en"));
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(errors.len(), 4, "{errors:?}");
        let titel = at("titel");
        assert!(
            errors.iter().any(
                |e| e.starts_with("the translation names `titel`, which this table does not have@Some(")
                    && e.contains(&format!("{titel}..{}", titel + 5))
                    && e.contains("did you mean `title`?")
            ),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("`id` holds no Chinese text")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.starts_with("`n` is not text")), "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("the translation of `list` has 1 entry; the original has 2")),
            "{errors:?}"
        );
    }

    #[test]
    fn an_empty_translation_is_a_translation() {
        let (en, found, errors) = read("unit = \"台\"\nen.unit = \"\"\n", Some("en"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(en["unit"], "");
        assert!(found.untranslated.is_empty());
    }
}
