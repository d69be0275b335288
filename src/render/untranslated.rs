//! Text shown in Chinese on a page of another edition: a field or file without its
//! translation falls back to the Chinese original, which the page marks `lang="zh-CN"` (so a
//! screen reader reads it as Chinese) with a visible note from the labels file.
//!
//! The English model is resolved from the sources with their translations put in, so a text
//! without one is still the Chinese original. Before an English page is rendered, every text of
//! its template context that is Chinese ([`is_chinese`]: more CJK ideographs than Latin
//! letters, outside markup) is wrapped in two private-use characters; after rendering,
//! [`finish`] turns each wrapped text into a `<span lang="zh-CN">` (or a `<div>` around block
//! content such as rendered Markdown) followed by the note, and drops the two characters where
//! markup cannot go (inside a tag, `<title>`, `<script>`, `<style>`, `<textarea>`).

/// Opens a text in Chinese (Unicode private use area).
pub(crate) const OPEN: char = '\u{E000}';
/// Closes it.
pub(crate) const CLOSE: char = '\u{E001}';

/// Whether `text` reads as Chinese: it has more CJK ideographs than Latin letters, counting
/// only text outside `<…>` (rendered Markdown is marked by its words, not its tags).
pub(crate) fn is_chinese(text: &str) -> bool {
    let (mut han, mut latin, mut in_tag) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if in_tag => {}
            c if crate::source::edition::is_ideograph(c) => han += 1,
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    han > 0 && han >= latin
}

/// Wraps every Chinese string of `value` (except under the keys in `skip`) in [`OPEN`] and
/// [`CLOSE`].
pub(crate) fn wrap(value: &mut serde_json::Value, skip: &[&str]) {
    match value {
        serde_json::Value::String(s) if is_chinese(s) => *s = format!("{OPEN}{s}{CLOSE}"),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| wrap(v, skip)),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if !skip.contains(&key.as_str()) {
                    wrap(v, skip);
                }
            }
        }
        _ => {}
    }
}

/// Block-level elements: wrapped content holding one of them is marked with a `<div>`.
const BLOCKS: &[&str] = &[
    "p",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "table",
    "blockquote",
    "pre",
    "section",
    "figure",
    "dl",
    "hr",
];

/// Elements whose content is text only: a wrapped text there loses its two characters.
const RAW: &[&str] = &["title", "script", "style", "textarea"];

/// The rendered page `html` with every wrapped text marked (see the module docs); `note` is
/// the edition's "not yet translated" words.
pub(crate) fn finish(html: &str, note: &str) -> String {
    if !html.contains(OPEN) {
        return html.to_owned();
    }
    let note = escape(note);
    let mut out = String::with_capacity(html.len() + 256);
    let mut open: Vec<bool> = Vec::new(); // block or not, per open mark
    let mut rest = html;
    // Inside a raw element: its name, until its end tag.
    let mut raw: Option<&str> = None;
    while let Some(c) = rest.chars().next() {
        if let Some(name) = raw {
            // Copy up to the end tag, without the marks.
            let end = find_end_tag(rest, name).unwrap_or(rest.len());
            out.extend(rest[..end].chars().filter(|&c| c != OPEN && c != CLOSE));
            rest = &rest[end..];
            raw = None;
            continue;
        }
        match c {
            '<' => {
                let end = tag_end(rest);
                let tag = &rest[..end];
                out.extend(tag.chars().filter(|&c| c != OPEN && c != CLOSE));
                let name = tag_name(tag);
                if !tag.starts_with("</") && RAW.contains(&name.as_str()) {
                    raw = RAW.iter().copied().find(|r| *r == name);
                }
                rest = &rest[end..];
            }
            OPEN => {
                let inner_end = rest.find(CLOSE).unwrap_or(rest.len());
                let inner = &rest[OPEN.len_utf8()..inner_end];
                let block = inner_has_block(inner);
                out.push_str(if block {
                    "<div lang=\"zh-CN\" class=\"untranslated\">"
                } else {
                    "<span lang=\"zh-CN\">"
                });
                open.push(block);
                rest = &rest[OPEN.len_utf8()..];
            }
            CLOSE => {
                match open.pop() {
                    Some(true) => {
                        out.push_str("<p class=\"untranslated-note\">");
                        out.push_str(&note);
                        out.push_str("</p></div>");
                    }
                    Some(false) => {
                        out.push_str("</span> <small class=\"untranslated-note\">");
                        out.push_str(&note);
                        out.push_str("</small>");
                    }
                    None => {}
                }
                rest = &rest[CLOSE.len_utf8()..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// The length of the tag at the start of `text` (through its `>`, quotes respected).
fn tag_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn find_end_tag(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.find(&format!("</{name}"))
}

fn inner_has_block(inner: &str) -> bool {
    inner.match_indices('<').any(|(i, _)| {
        let name = tag_name(&inner[i..]);
        !inner[i..].starts_with("</") && BLOCKS.contains(&name.as_str())
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_told_from_english_that_names_a_chinese_title() {
        assert!(is_chinese("设置审批"));
        assert!(is_chinese("GB 50016-2014 建筑设计防火规范"));
        assert!(is_chinese("<p>先取得《设置医疗机构批准书》，再申请执业登记。</p>"));
        assert!(!is_chinese(
            "Approval Certificate for Setting Up a Medical Institution (设置医疗机构批准书)"
        ));
        assert!(!is_chinese("<p class=\"x\">Setup approval</p>"));
        assert!(!is_chinese("022-0000-0000"));
    }

    #[test]
    fn a_wrapped_text_becomes_a_marked_span_or_div_and_loses_its_marks_where_markup_cannot_go() {
        let page = format!(
            "<html><head><title>{o}设置{c} · Site</title><script>var x = \"{o}甲{c}\";</script></head><body><h1>{o}设置审批{c}</h1><img alt=\"{o}平面图{c}\"><div class=\"prose\">{o}<p>第一段</p><p>第二段</p>{c}</div><p>English</p></body></html>",
            o = OPEN,
            c = CLOSE
        );
        let html = finish(&page, "(not yet translated)");
        assert_eq!(
            html,
            "<html><head><title>设置 · Site</title><script>var x = \"甲\";</script></head><body><h1><span lang=\"zh-CN\">设置审批</span> <small class=\"untranslated-note\">(not yet translated)</small></h1><img alt=\"平面图\"><div class=\"prose\"><div lang=\"zh-CN\" class=\"untranslated\"><p>第一段</p><p>第二段</p><p class=\"untranslated-note\">(not yet translated)</p></div></div><p>English</p></body></html>"
        );
    }

    #[test]
    fn only_chinese_strings_are_wrapped_and_skipped_keys_are_left_alone() {
        let mut v = serde_json::json!({"a": "设置", "b": ["Setup", "登记"], "t": {"x": "中文"}, "n": 3});
        wrap(&mut v, &["t"]);
        assert_eq!(
            v,
            serde_json::json!({"a": format!("{OPEN}设置{CLOSE}"), "b": ["Setup", format!("{OPEN}登记{CLOSE}")], "t": {"x": "中文"}, "n": 3})
        );
    }
}
