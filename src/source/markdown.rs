//! Markdown to HTML for prose (overviews, step bodies, notes, FAQ answers): the one place
//! where Markdown options are chosen. Used by the resolve stage; pure.
//!
//! Authors' Markdown is not trusted to carry markup: raw HTML is refused, and links may only
//! use `http`, `https`, `mailto`, `tel` or a relative path. Headings are shifted down so that
//! an author's `#` sits below the heading of the section it is shown in.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::prose::SourceLink;

/// Where a piece of Markdown came from, so problems can be located.
#[derive(Debug, Clone)]
pub struct MarkdownSource<'a> {
    pub file: &'a str,
    /// Byte offset of the Markdown text inside the file, when the text is a verbatim slice of
    /// it (a `.md` file, or a TOML string without escapes). `None` points at `fallback`.
    pub offset: Option<usize>,
    /// Span to report when the exact place is unknown (the TOML string as a whole).
    pub fallback: Option<Range<usize>>,
}

const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// How deep lists and block quotes may nest. Deeper text is an error and is dropped before it
/// reaches the renderers: the PDF templates fail from about 30 nested lists, the JSON they
/// read from about 60, and thousands of levels overflow the stack.
pub const MAX_NESTING: usize = 16;
/// How many elements of any kind may be open at once (lists, items, quotes, emphasis, links…).
const MAX_OPEN: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to HTML. `heading_base` is the level an author's `#` becomes (2–6).
#[cfg(test)]
pub(crate) fn to_html(
    text: &str,
    source: MarkdownSource<'_>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> String {
    let events = checked_events(text, source, heading_base, diagnostics);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Markdown as HTML, document tree and plain text at once.
pub fn to_prose(
    text: &str,
    source: MarkdownSource<'_>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> crate::source::prose::Prose {
    let mut links = Vec::new();
    let events = events_and_links(text, source, heading_base, diagnostics, &mut links);
    let doc = crate::source::prose::tree(&events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    crate::source::prose::Prose {
        html,
        text: to_plain_text(text),
        doc,
        links,
    }
}

/// The plain text of a piece of Markdown (for search snippets and PDF fallbacks).
pub(crate) fn to_plain_text(text: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shift(level: HeadingLevel, base: u8) -> HeadingLevel {
    let n = (level as u8) + base.saturating_sub(1);
    match n.min(6) {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The parser's events with problems reported and headings shifted. Raw HTML is dropped
/// after being reported, so even a build that ignored errors could not emit it.
#[cfg(test)]
pub(crate) fn checked_events<'t>(
    text: &'t str,
    source: MarkdownSource<'_>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Vec<Event<'t>> {
    events_and_links(text, source, heading_base, diagnostics, &mut Vec::new())
}

/// [`checked_events`], also recording every link and image destination with its place.
fn events_and_links<'t>(
    text: &'t str,
    source: MarkdownSource<'_>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
    links: &mut Vec<SourceLink>,
) -> Vec<Event<'t>> {
    let locate = |range: Range<usize>| match source.offset {
        Some(offset) => Some(offset + range.start..offset + range.end),
        None => source.fallback.clone(),
    };
    let mut events = Vec::new();
    // Per open element: is it a list or a quote. While `skip_from` is set, the events of the
    // element opened at that depth (too deep) are dropped.
    let mut open: Vec<bool> = Vec::new();
    let mut containers = 0usize;
    let mut skip_from: Option<usize> = None;
    let mut reported = false;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match &event {
            Event::Start(tag) => {
                let container = matches!(tag, Tag::List(_) | Tag::BlockQuote(_));
                open.push(container);
                containers += usize::from(container);
                if skip_from.is_none() && (containers > MAX_NESTING || open.len() > MAX_OPEN) {
                    skip_from = Some(open.len());
                    if !reported {
                        reported = true;
                        diagnostics.push(
                            Diagnostic::error(
                                source.file,
                                locate(range.start..range.start + 1),
                                format!("lists and quotes nest more than {MAX_NESTING} levels deep here, the limit"),
                            )
                            .with_label("too deep")
                            .with_hint("flatten the text: a heading, a table or a numbered step reads better than deep nesting"),
                        );
                    }
                }
                if skip_from.is_some() {
                    continue;
                }
            }
            Event::End(_) => {
                let closes_skipped = skip_from == Some(open.len());
                if open.pop() == Some(true) {
                    containers -= 1;
                }
                if skip_from.is_some() {
                    if closes_skipped {
                        skip_from = None;
                    }
                    continue;
                }
            }
            _ if skip_from.is_some() => continue,
            _ => {}
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                diagnostics.push(
                    Diagnostic::error(source.file, locate(range), "raw HTML is not allowed in Markdown")
                        .with_label("raw HTML")
                        .with_hint("write it in Markdown instead (e.g. **bold**, lists, tables); HTML in prose could carry scripts"),
                );
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
                check_url(dest_url, source.file, locate(range.clone()), diagnostics);
                links.push(SourceLink {
                    url: dest_url.to_string(),
                    file: source.file.to_owned(),
                    span: locate(destination_range(text, range.clone(), dest_url)),
                    image: matches!(event, Event::Start(Tag::Image { .. })),
                });
                events.push(event);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                events.push(Event::Start(Tag::Heading {
                    level: shift(level, heading_base),
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                events.push(Event::End(TagEnd::Heading(shift(level, heading_base))));
            }
            other => events.push(other),
        }
    }
    events
}

/// Where the destination of the link at `range` is written (`url` in `[text](url "title")`),
/// or the whole link when it is not written there verbatim (a reference link, escapes).
fn destination_range(text: &str, range: Range<usize>, url: &str) -> Range<usize> {
    let link = &text[range.clone()];
    link.find("](")
        .map(|open| open + 2)
        .and_then(|from| {
            let rest = &link[from..];
            let skip = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '<']).len();
            rest[skip..]
                .starts_with(url)
                .then(|| range.start + from + skip..range.start + from + skip + url.len())
        })
        .filter(|_| !url.is_empty())
        .unwrap_or(range)
}

/// The scheme of a URL (`https` in `https://…`), if it has one.
pub fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

fn check_url(url: &CowStr<'_>, file: &str, span: Option<Range<usize>>, diagnostics: &mut Diagnostics) {
    // Browsers ignore leading spaces and control characters; so must we.
    let trimmed: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    if let Some(scheme) = url_scheme(&trimmed) {
        let lower = scheme.to_ascii_lowercase();
        if !ALLOWED_SCHEMES.contains(&lower.as_str()) {
            diagnostics.push(
                Diagnostic::error(file, span, format!("links with the scheme `{scheme}:` are not allowed"))
                    .with_label("this link")
                    .with_hint("use an http, https, mailto or tel link, or a relative path"),
            );
        }
    }
}

/// For a TOML string value at `span` in `file_text`, the offset of its content when the
/// content is a verbatim copy of the file's bytes (no escapes), so Markdown problems can be
/// pointed at exactly.
pub(crate) fn toml_string_offset(file_text: &str, span: &Range<usize>) -> Option<usize> {
    let raw = file_text.get(span.clone())?;
    let (delimiter, verbatim) = if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with("\"\"\"") {
        ("\"\"\"", !raw.contains('\\'))
    } else if raw.starts_with('\'') {
        ("'", true)
    } else {
        ("\"", !raw.contains('\\'))
    };
    if !verbatim {
        return None;
    }
    let mut offset = span.start + delimiter.len();
    if delimiter.len() == 3 {
        if file_text[offset..].starts_with("\r\n") {
            offset += 2;
        } else if file_text[offset..].starts_with('\n') {
            offset += 1;
        }
    }
    Some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> (String, Diagnostics) {
        let mut d = Diagnostics::default();
        let src = MarkdownSource {
            file: "x.md",
            offset: Some(0),
            fallback: None,
        };
        (to_html(text, src, 3, &mut d), d)
    }

    #[test]
    fn raw_html_is_refused_and_dropped() {
        let (html, d) = render("hello <script>alert(1)</script>\n");
        assert!(!html.contains("<script"), "{html}");
        assert_eq!(d.error_count(), 2);
        assert_eq!(d.iter().next().unwrap().span, Some(6..14));
    }

    #[test]
    fn javascript_links_are_refused_but_https_is_fine() {
        let (_, d) = render("[a](javascript:alert(1)) [b](https://x.cn) [c](../x.md) [d](tel:110)");
        assert_eq!(d.error_count(), 1);
        let (_, d) = render("[a]( JavaScript:alert(1))");
        assert_eq!(d.error_count(), 1);
    }

    #[test]
    fn nesting_beyond_the_limit_is_one_located_error_and_is_dropped() {
        let ok: String = (0..MAX_NESTING)
            .map(|i| format!("{}- 第{i}层\n", "  ".repeat(i)))
            .collect();
        let (_, d) = render(&ok);
        assert!(d.is_empty(), "{d:?}");
        let deep: String = (0..MAX_NESTING + 3)
            .map(|i| format!("{}- 第{i}层\n", "  ".repeat(i)))
            .collect();
        let (html, d) = render(&deep);
        assert_eq!(d.error_count(), 1);
        let at = d.iter().next().unwrap().span.clone().unwrap().start;
        // The list that is one too deep starts at the 17th line's dash.
        let line_17 = deep.match_indices('\n').nth(MAX_NESTING - 1).unwrap().0 + 1;
        assert_eq!(at, line_17 + 2 * MAX_NESTING, "{}", &deep[at..]);
        assert!(html.contains("第15层") && !html.contains("第16层"), "{html}");
        assert_eq!(html.matches("<ul>").count(), html.matches("</ul>").count());
    }

    /// 10,000 nested quotes and lists, in a thread with a normal (2 MiB) stack: one error, no
    /// overflow, in every form the prose takes.
    #[test]
    fn ten_thousand_levels_do_not_overflow_the_stack() {
        for text in [
            format!("{} 深\n", ">".repeat(10_000)),
            (0..10_000)
                .map(|i| format!("{}- 深\n", "  ".repeat(i)))
                .collect::<String>(),
            format!("{}深\n", "- ".repeat(10_000)),
        ] {
            let errors = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || {
                    let mut d = Diagnostics::default();
                    let src = MarkdownSource {
                        file: "x.md",
                        offset: Some(0),
                        fallback: None,
                    };
                    let prose = to_prose(&text, src, 3, &mut d);
                    let json = serde_json::to_string(&prose.doc).unwrap();
                    drop(prose);
                    assert!(json.len() < 10_000, "the deep part was kept: {} bytes", json.len());
                    d.error_count()
                })
                .unwrap()
                .join()
                .expect("no stack overflow");
            assert_eq!(errors, 1);
        }
    }

    #[test]
    fn headings_shift_below_their_section() {
        let (html, _) = render("# 标题\n");
        assert_eq!(html, "<h3>标题</h3>\n");
    }

    #[test]
    fn toml_string_offsets() {
        let file = "a = '''\nhi'''\nb = \"x\\ny\"\n";
        let span = 4..13;
        assert_eq!(toml_string_offset(file, &span), Some(8));
        let span = 18..24;
        assert_eq!(toml_string_offset(file, &span), None);
    }
}
