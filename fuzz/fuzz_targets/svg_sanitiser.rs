//! The staff SVG check (`samples::svg_diagnostics`, then `samples::svg_size` on an accepted
//! file, as `journey::resolve_samples` does), on the text the build reads (`from_utf8_lossy`).
//!
//! Property: an SVG the check accepts holds nothing active, as seen by two parsers (roxmltree,
//! which the check uses, with entities expanded; and quick-xml, which reads the text as
//! written): no script, embedding or animation element, no `on…` attribute, no `href`/`src`
//! other than `#…` or an embedded raster image, no `javascript:`/`vbscript:`/`data:text` in any
//! attribute, no `@import` or outside `url()` in a style sheet, no `<?xml-stylesheet?>`, and
//! none of these as a default attribute declared by the document type (which browsers add).

#![no_main]

use libfuzzer_sys::fuzz_target;
use permitroom::source::svg as samples;

const ACTIVE: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "animate",
    "set",
    "animatetransform",
    "animatemotion",
    "animatecolor",
    "discard",
];

fn normalised(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase()
}

/// A reference that may stay in a sample: to a part of itself, or an embedded raster image.
fn harmless_reference(value: &str) -> bool {
    let v = normalised(value);
    v.is_empty()
        || v.starts_with('#')
        || ["data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif", "data:image/webp"]
            .iter()
            .any(|p| v.starts_with(p))
}

fn check_attribute(element: &str, name: &str, value: &str) {
    let name = local(name);
    assert!(!name.starts_with("on"), "<{element}> keeps the event attribute `{name}`");
    if name == "href" || name == "src" {
        assert!(harmless_reference(value), "<{element} {name}=\"{value}\"> was accepted");
        return;
    }
    let v = normalised(value);
    for bad in ["javascript:", "vbscript:", "data:text"] {
        assert!(!v.contains(bad), "<{element} {name}=\"{value}\"> was accepted");
    }
    check_urls(element, value);
}

/// A style sheet (`<style>`): no `@import`, no outside `url()`. (In an attribute, `@import`
/// is not CSS and does nothing.)
fn check_css(element: &str, css: &str) {
    assert!(!css.to_ascii_lowercase().contains("@import"), "<{element}> keeps an @import");
    check_urls(element, css);
}

fn check_urls(element: &str, css: &str) {
    let lower = css.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        let start = from + i + 4;
        let end = css[start..].find(')').map_or(css.len(), |e| start + e);
        let url = css[start..end].trim().trim_matches(['"', '\'']).trim();
        assert!(harmless_reference(url), "<{element}> keeps `url({url})`");
        from = start;
    }
}

/// The document as roxmltree reads it (entities expanded), with the check's options.
fn check_roxmltree(text: &str) {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            nodes_limit: samples::SVG_MAX_NODES as u32,
            ..Default::default()
        },
    )
    .expect("an accepted SVG parses");
    for node in doc.descendants() {
        if let Some(pi) = node.pi() {
            assert!(!pi.target.eq_ignore_ascii_case("xml-stylesheet"), "a style sheet PI was accepted");
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name().to_ascii_lowercase();
        assert!(!ACTIVE.contains(&name.as_str()), "<{name}> was accepted");
        if name == "style" {
            let css: String = node.children().filter_map(|c| c.text()).collect();
            check_css(&name, &css);
        }
        for attr in node.attributes() {
            check_attribute(&name, attr.name(), attr.value());
        }
    }
}

/// Browsers (Chromium at least) add the default attributes a document type declares:
/// `<!ATTLIST svg onload CDATA "…">` is an event attribute of every `<svg>`. Each declared
/// default is checked as if written on its element; a parameter entity, which can hide a
/// declaration from this reading, must not occur at all.
fn check_doctype(doctype: &str) {
    let Some(open) = doctype.find('[') else { return };
    let subset = &doctype[open..];
    assert!(!subset.contains('%'), "a parameter entity in the document type was accepted");
    for decl in subset.split("<!ATTLIST").skip(1) {
        let mut words = decl.split_whitespace();
        let element = words.next().unwrap_or_default().to_owned();
        let rest: Vec<&str> = words.collect();
        let rest = rest.join(" ");
        // `name TYPE "default"` (or `#FIXED "default"`), repeated.
        let mut parts = rest.split(['"', '\'']);
        while let (Some(head), Some(value)) = (parts.next(), parts.next()) {
            if let Some(name) = head.split_whitespace().next() {
                check_attribute(&element, name, value);
            }
        }
    }
}

/// The text as written, tag by tag (quick-xml expands only the predefined entities).
fn check_quick_xml(text: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut in_style = false;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = local(&String::from_utf8_lossy(e.name().as_ref()));
                assert!(!ACTIVE.contains(&name.as_str()), "<{name}> was accepted (as written)");
                in_style = name == "style";
                for attr in e.html_attributes().flatten() {
                    let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                    // A namespace declaration names a namespace; nothing fetches or runs it.
                    // So is an attribute named `xmlns` under some prefix (`a:xmlns`): a
                    // browser refuses the undeclared prefix, and the name itself is inert.
                    if key == "xmlns" || key.starts_with("xmlns:") || local(&key) == "xmlns" {
                        continue;
                    }
                    let value = match attr.unescape_value() {
                        Ok(v) => v.into_owned(),
                        Err(_) => String::from_utf8_lossy(&attr.value).into_owned(),
                    };
                    check_attribute(&name, &key, &value);
                }
            }
            Event::Text(t) if in_style => check_css("style", &String::from_utf8_lossy(&t)),
            Event::CData(t) if in_style => check_css("style", &String::from_utf8_lossy(&t)),
            Event::End(_) => in_style = false,
            Event::DocType(t) => check_doctype(&String::from_utf8_lossy(&t)),
            Event::PI(pi) => {
                let pi = String::from_utf8_lossy(&pi).to_ascii_lowercase();
                assert!(!pi.trim_start().starts_with("xml-stylesheet"), "a style sheet PI was accepted (as written)");
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let problems = samples::svg_diagnostics("samples/s.svg", &text);
    for p in &problems {
        let span = p.span.clone().expect("an SVG problem has a place");
        assert!(span.start <= text.len(), "problem `{}` at {span:?}, past the end", p.message);
    }
    if problems.is_empty() {
        check_roxmltree(&text);
        check_quick_xml(&text);
        let _ = samples::svg_size(&text);
    }
});
