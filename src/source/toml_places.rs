//! Places in a TOML file for diagnostics: the field path of a byte offset
//! (`materials[2].copies`) and where every key and table is defined (for the first place of a
//! duplicate, which the `toml` crate does not report).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml_parser::parser::{EventKind, RecursionGuard};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    /// Position in an array, counted from 0.
    Index(usize),
}

/// `materials[2].copies`
pub(crate) fn display(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(key);
                } else {
                    let _ = write!(out, "{key:?}");
                }
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// The path of the key or value whose span is exactly `span` (what `toml` reports for a
/// schema error: the value, the unknown key, or the table missing a field); the deepest one
/// when several share it. Empty for the document itself.
pub(crate) fn path_at(root: &DeTable<'_>, span: &Range<usize>) -> Vec<Segment> {
    let mut path = Vec::new();
    if in_table(root, span, &mut path) {
        path
    } else {
        Vec::new()
    }
}

fn in_table(table: &DeTable<'_>, span: &Range<usize>, path: &mut Vec<Segment>) -> bool {
    for (key, value) in table.iter() {
        path.push(Segment::Key(key.get_ref().to_string()));
        if key.span() == *span || in_value(value, span, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn in_value(value: &toml::Spanned<DeValue<'_>>, span: &Range<usize>, path: &mut Vec<Segment>) -> bool {
    match value.get_ref() {
        DeValue::Table(table) if in_table(table, span, path) => return true,
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                if in_value(item, span, path) {
                    return true;
                }
                path.pop();
            }
        }
        _ => {}
    }
    value.span() == *span
}

/// Sets aside the entry at `path` (the whole array when the path ends inside one, so that the
/// positions of later entries stay as written). Returns the table path and key removed.
pub(crate) fn remove(root: &mut DeTable<'_>, path: &[Segment]) -> Option<(String, String)> {
    let end = path.iter().rposition(|s| matches!(s, Segment::Key(_)))?;
    let Segment::Key(key) = &path[end] else { return None };
    let parent = &path[..end];
    let mut table = root;
    let mut i = 0;
    while i < parent.len() {
        let Segment::Key(k) = &parent[i] else { return None };
        let mut value = table.get_mut(k.as_str())?.get_mut();
        i += 1;
        while let Some(Segment::Index(n)) = parent.get(i) {
            let DeValue::Array(items) = value else { return None };
            value = items.get_mut(*n)?.get_mut();
            i += 1;
        }
        let DeValue::Table(t) = value else { return None };
        table = t;
    }
    table.remove(key.as_str())?;
    Some((display(parent), key.clone()))
}

/// Where a key or table is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Definition {
    /// Full path, with the position in each array of tables.
    pub path: Vec<Segment>,
    /// The last key of the definition (what `toml` points at for a duplicate).
    pub key_span: Range<usize>,
    /// `[table]` or `[[array]]` rather than `key = value`.
    pub header: bool,
}

/// Whether a definition at `earlier` clashes with one at `later`: the same path, or one
/// inside the other (a dotted key `a.b = 1` makes the table `a`).
pub(crate) fn conflicts(earlier: &[Segment], later: &[Segment]) -> bool {
    earlier.starts_with(later) || later.starts_with(earlier)
}

/// The first definition that clashes with the duplicate whose key starts at `start`.
pub(crate) fn first_definition(definitions: &[Definition], start: usize) -> Option<(&Definition, &Definition)> {
    let second = definitions.iter().find(|d| d.key_span.start == start)?;
    let earlier = || definitions.iter().filter(|d| d.key_span.start < start);
    let first = earlier()
        .find(|d| d.path == second.path)
        .or_else(|| earlier().find(|d| conflicts(&d.path, &second.path)))?;
    Some((first, second))
}

struct Frame {
    path: Vec<Segment>,
    /// Position of the next value, for an array.
    array: Option<usize>,
}

/// Every key and table definition of a TOML text, in the order written. Works on text with
/// syntax errors (the parser recovers), so it can be asked about a duplicate.
pub(crate) fn definitions(text: &str) -> Vec<Definition> {
    let source = toml_parser::Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events: Vec<toml_parser::parser::Event> = Vec::new();
    {
        let mut guard = RecursionGuard::new(&mut events, 80);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut ());
    }

    let mut definitions = Vec::new();
    let mut arrays: BTreeMap<String, usize> = BTreeMap::new();
    let mut frames = vec![Frame {
        path: Vec::new(),
        array: None,
    }];
    let mut keys: Vec<(String, Range<usize>)> = Vec::new();
    let mut pending: Option<Vec<Segment>> = None;
    let mut header: Option<bool> = None;
    for event in &events {
        let span = event.span().start()..event.span().end();
        match event.kind() {
            EventKind::StdTableOpen => {
                header = Some(false);
                keys.clear();
            }
            EventKind::ArrayTableOpen => {
                header = Some(true);
                keys.clear();
            }
            EventKind::StdTableClose | EventKind::ArrayTableClose => {
                let is_array = header.take().unwrap_or(false);
                let Some((_, last_span)) = keys.last().cloned() else {
                    continue;
                };
                let mut path = Vec::new();
                let count = keys.len();
                for (n, (key, _)) in keys.drain(..).enumerate() {
                    path.push(Segment::Key(key));
                    let name = display(&path);
                    if n + 1 == count && is_array {
                        let next = arrays.entry(name).or_insert(0);
                        *next += 1;
                        definitions.push(Definition {
                            path: path.clone(),
                            key_span: last_span.clone(),
                            header: true,
                        });
                        path.push(Segment::Index(*next - 1));
                    } else if let Some(next) = arrays.get(&name) {
                        path.push(Segment::Index(next.saturating_sub(1)));
                    }
                }
                if !is_array {
                    definitions.push(Definition {
                        path: path.clone(),
                        key_span: last_span,
                        header: true,
                    });
                }
                frames = vec![Frame { path, array: None }];
                pending = None;
            }
            EventKind::SimpleKey => {
                let Some(written) = text.get(span.clone()) else {
                    continue;
                };
                let raw = toml_parser::Raw::new_unchecked(written, event.encoding(), event.span());
                let mut key = String::new();
                raw.decode_key(&mut key, &mut ());
                keys.push((key, span));
            }
            EventKind::KeyValSep => {
                let Some(top) = frames.last() else { continue };
                let mut path = top.path.clone();
                let Some((_, last_span)) = keys.last().cloned() else {
                    continue;
                };
                path.extend(keys.drain(..).map(|(k, _)| Segment::Key(k)));
                definitions.push(Definition {
                    path: path.clone(),
                    key_span: last_span,
                    header: false,
                });
                pending = Some(path);
            }
            EventKind::InlineTableOpen | EventKind::ArrayOpen => {
                let Some(top) = frames.last() else { continue };
                let path = match top.array {
                    Some(i) => {
                        let mut p = top.path.clone();
                        p.push(Segment::Index(i));
                        p
                    }
                    None => pending.take().unwrap_or_else(|| top.path.clone()),
                };
                let array = (event.kind() == EventKind::ArrayOpen).then_some(0);
                frames.push(Frame { path, array });
                keys.clear();
            }
            EventKind::InlineTableClose | EventKind::ArrayClose if frames.len() > 1 => {
                frames.pop();
            }
            EventKind::ValueSep => {
                if let Some(Frame { array: Some(i), .. }) = frames.last_mut() {
                    *i += 1;
                }
                keys.clear();
            }
            EventKind::Scalar => pending = None,
            EventKind::Newline if header.is_none() => keys.clear(),
            _ => {}
        }
    }
    definitions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn paths_count_arrays_of_tables_and_inline_arrays() {
        let text = "title = 1\n[[materials]]\nid = \"a\"\n[[materials]]\nid = \"b\"\ncopies = \"两\"\n[fees]\nitems = [{ name = \"x\" }, { name = \"y\", amount = true }]\n";
        let (root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty());
        let copies = text.find("\"两\"").unwrap();
        assert_eq!(
            display(&path_at(root.get_ref(), &(copies..copies + "\"两\"".len()))),
            "materials[1].copies"
        );
        let amount = text.find("true").unwrap();
        assert_eq!(
            display(&path_at(root.get_ref(), &(amount..amount + 4))),
            "fees.items[1].amount"
        );
        assert_eq!(path_at(root.get_ref(), &(0..text.len())), Vec::<Segment>::new());
    }

    #[test]
    fn definitions_know_tables_keys_and_inline_tables() {
        let text = "[a]\nx = 1\n\"q k\".y = { z = 2, z = 3 }\n[[b]]\nv = 1\n[[b]]\nv = 2\n[b.c]\nw = 1\n[a]\n";
        let defs = definitions(text);
        let paths: Vec<String> = defs.iter().map(|d| display(&d.path)).collect();
        assert_eq!(
            paths,
            [
                "a",
                "a.x",
                "a.\"q k\".y",
                "a.\"q k\".y.z",
                "a.\"q k\".y.z",
                "b",
                "b[0].v",
                "b",
                "b[1].v",
                "b[1].c",
                "b[1].c.w",
                "a"
            ]
        );
        let second_a = text.rfind("[a]").unwrap() + 1;
        let (first, second) = first_definition(&defs, second_a).unwrap();
        assert_eq!(first.key_span, 1..2);
        assert_eq!(second.path, vec![key("a")]);
        let second_z = text.rfind("z = 3").unwrap();
        let (first, _) = first_definition(&defs, second_z).unwrap();
        assert_eq!(first.key_span.start, text.find("z = 2").unwrap());
    }

    #[test]
    fn removing_keeps_the_other_entries() {
        let text = "[[m]]\na = 1\nb = 2\n[[m]]\na = 3\n";
        let (mut root, _) = DeTable::parse_recoverable(text);
        let removed = remove(root.get_mut(), &[key("m"), Segment::Index(1), key("a")]);
        assert_eq!(removed, Some(("m[1]".into(), "a".into())));
        let DeValue::Array(items) = root.get_ref().get("m").unwrap().get_ref() else {
            panic!()
        };
        let DeValue::Table(first) = items[0].get_ref() else {
            panic!()
        };
        assert_eq!(first.len(), 2);
        let DeValue::Table(second) = items[1].get_ref() else {
            panic!()
        };
        assert!(second.is_empty());
    }
}

/// The strings at `pattern` (keys, and `*` for every element of an array), with their spans:
/// what a file that did not match its schema still says about the files it names.
pub(crate) fn strings_at(root: &DeTable<'_>, pattern: &[&str]) -> Vec<toml::Spanned<String>> {
    let mut out = Vec::new();
    let Some((first, rest)) = pattern.split_first() else {
        return out;
    };
    if let Some(value) = root.get(*first) {
        collect_strings(value, rest, &mut out);
    }
    out
}

fn collect_strings(value: &toml::Spanned<DeValue<'_>>, pattern: &[&str], out: &mut Vec<toml::Spanned<String>>) {
    match (pattern.split_first(), value.get_ref()) {
        (None, DeValue::String(s)) => out.push(toml::Spanned::new(value.span(), s.to_string())),
        (Some((&"*", rest)), DeValue::Array(items)) => {
            for item in items.iter() {
                collect_strings(item, rest, out);
            }
        }
        (Some((key, rest)), DeValue::Table(table)) => {
            if let Some(value) = table.get(*key) {
                collect_strings(value, rest, out);
            }
        }
        _ => {}
    }
}

/// For a TOML string value at `span` in `file_text`, where each byte of its decoded content
/// was written: `map[i]` is the file offset of the text that produced content byte `i` (an
/// escape such as `\n` produces its bytes from the backslash), and `map[len]` the offset of
/// the closing quotes. `None` when the span is not a string, or the decoding does not give
/// `value` (then nothing better than the string's start is known).
pub(crate) fn string_map(file_text: &str, span: &Range<usize>, value: &str) -> Option<Vec<usize>> {
    let raw = file_text.get(span.clone())?;
    let (quote, basic) = if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with("'''") {
        ("'''", false)
    } else if raw.starts_with('"') {
        ("\"", true)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else {
        return None;
    };
    let body_end = raw.len().checked_sub(quote.len()).filter(|&e| e >= quote.len())?;
    let mut i = quote.len();
    if quote.len() == 3 {
        // A newline right after the opening quotes is not part of the string.
        if raw[i..].starts_with("\r\n") {
            i += 2;
        } else if raw[i..].starts_with('\n') {
            i += 1;
        }
    }
    let mut decoded = String::with_capacity(value.len());
    let mut map = Vec::with_capacity(value.len() + 1);
    let push = |decoded: &mut String, map: &mut Vec<usize>, c: char, at: usize| {
        decoded.push(c);
        map.extend(std::iter::repeat_n(span.start + at, c.len_utf8()));
    };
    while i < body_end {
        let c = raw[i..].chars().next()?;
        if c != '\\' || !basic {
            push(&mut decoded, &mut map, c, i);
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let next = raw[i + 1..].chars().next()?;
        let simple = match next {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(c) = simple {
            push(&mut decoded, &mut map, c, start);
            i += 2;
            continue;
        }
        let digits = match next {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if digits > 0 {
            let hex = raw.get(i + 2..i + 2 + digits)?;
            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            push(&mut decoded, &mut map, c, start);
            i += 2 + digits;
            continue;
        }
        // A line-ending backslash (multi-line strings): it and all white space and newlines
        // after it are dropped.
        let rest = &raw[i + 1..body_end];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
        if quote.len() != 3 || !rest[..skipped].contains('\n') {
            return None;
        }
        i += 1 + skipped;
    }
    map.push(span.start + body_end);
    (decoded == value).then_some(map)
}

#[cfg(test)]
mod string_map_tests {
    use super::*;

    fn place_of(file: &str, value: &str, needle: &str) -> usize {
        let span = file.find('"').unwrap()..file.trim_end().len();
        let map = string_map(file, &span, value).expect("decodes");
        map[value.find(needle).unwrap()]
    }

    #[test]
    fn escapes_and_line_continuations_keep_their_places() {
        let file = "a = \"x\\n\\u00e9<b>\"\n";
        assert_eq!(place_of(file, "x\né<b>", "<b>"), file.find("<b>").unwrap());
        let file = "a = \"\"\"\nfirst \\\n    second\\t<i>\"\"\"\n";
        assert_eq!(place_of(file, "first second\t<i>", "<i>"), file.find("<i>").unwrap());
        assert_eq!(
            place_of(file, "first second\t<i>", "second"),
            file.find("second").unwrap()
        );
    }

    #[test]
    fn a_value_that_does_not_match_is_not_mapped() {
        let file = "a = \"x\\ty\"\n";
        assert_eq!(string_map(file, &(4..file.len() - 1), "something else"), None);
    }
}

#[cfg(test)]
mod robustness_tests {
    use super::*;

    fn strings<'a>(value: &'a toml::Spanned<DeValue<'a>>, out: &mut Vec<(Range<usize>, String)>) {
        match value.get_ref() {
            DeValue::String(s) => out.push((value.span(), s.to_string())),
            DeValue::Array(items) => items.iter().for_each(|i| strings(i, out)),
            DeValue::Table(t) => t.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }

    /// Every prefix of a file with escapes, inline tables and duplicates: nothing panics, and
    /// every string that decodes maps each content byte inside its own span.
    #[test]
    fn any_prefix_of_a_file_is_handled() {
        let text = concat!(
            include_str!("../../tests/fixtures/base/guides/alpha/guide.toml"),
            "\n[extra]\na = \"\"\"\n拍摄\\\"门头\\\"\\u5185景，\\n\\\n    <b>x</b>\"\"\"\nb = 'lit\\n'\n",
            "c = { d = [1, { e = \"\\t\" }], d = 2 }\n[extra]\n\"q\\u00e9\".z = '''\nraw'''\n",
        );
        let mut checked = 0;
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let prefix = &text[..end];
            let definitions = definitions(prefix);
            let (root, errors) = DeTable::parse_recoverable(prefix);
            for error in &errors {
                if let Some(span) = error.span() {
                    let _ = first_definition(&definitions, span.start);
                    let _ = path_at(root.get_ref(), &span);
                }
            }
            let mut found = Vec::new();
            for value in root.get_ref().values() {
                strings(value, &mut found);
            }
            for (span, value) in found {
                if let Some(map) = string_map(prefix, &span, &value) {
                    assert_eq!(map.len(), value.len() + 1);
                    assert!(map.iter().all(|&at| span.contains(&at)), "{span:?} {map:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "only {checked} strings mapped");
    }
}
