//! The Markdown of prose as the site renders it (`markdown::to_prose`: HTML, plain text and
//! the document tree the PDFs read), on a rayon-sized stack. Properties, whatever the input:
//! no raw HTML reaches the HTML; lists and quotes never nest deeper than
//! `markdown::MAX_NESTING`; when no error is reported, every link and image uses an allowed
//! scheme or none.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use permitroom::diagnostics::Diagnostics;
use permitroom::source::load::SourceTree;
use permitroom::source::markdown::{self, MarkdownSource, MAX_NESTING};

/// The elements pulldown-cmark writes for the options the site uses.
const TAGS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "del", "code",
    "pre", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "sup", "div", "section",
];
const CONTAINERS: &[&str] = &["ul", "ol", "blockquote"];

/// Undoes the HTML escaping of an attribute value.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn check_html(html: &str, errors: bool) {
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(TAGS.contains(&name.as_str()), "raw HTML in the output: <{}", &rest[..rest.len().min(40)]);
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        if CONTAINERS.contains(&name.as_str()) {
            if closing {
                depth -= 1;
            } else {
                depth += 1;
                assert!(depth <= MAX_NESTING, "lists and quotes nest {depth} deep in the HTML");
            }
        }
        for attr in ["href=\"", "src=\""] {
            let Some(at) = tag.find(attr) else { continue };
            let value = &tag[at + attr.len()..];
            let value = unescape(&value[..value.find('"').expect("a quoted value")]);
            let url: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            if let Some(scheme) = markdown::url_scheme(&url)
                && !errors
            {
                let scheme = scheme.to_ascii_lowercase();
                assert!(
                    ["http", "https", "mailto", "tel"].contains(&scheme.as_str()),
                    "a link with the scheme `{scheme}:` passed without an error: {value}"
                );
            }
        }
        rest = &rest[end..];
    }
    assert_eq!(depth, 0, "containers are closed");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = text.to_owned();
    common::on_worker_stack(move || {
        let mut d = Diagnostics::default();
        let source = MarkdownSource {
            file: "guides/g/overview.md",
            offset: Some(0),
            fallback: None,
        };
        let prose = markdown::to_prose(&text, source, 2, &mut d);
        check_html(&prose.html, d.has_errors());
        serde_json::to_string(&prose.doc).expect("the document tree serialises");
        let tree = SourceTree::from_files([("guides/g/overview.md", text.as_bytes())]);
        common::print_and_check_places(&d, &tree);
    });
});
