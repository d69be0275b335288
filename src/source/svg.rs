//! SVG images staff provide: refused when they could run script, load anything from outside
//! the file or exhaust a renderer (located problems); their size; and the one way this program
//! parses SVG with usvg ([`parse_svg`]), whose image resolver reads nothing.

use resvg::usvg;

/// usvg options whose image resolver reads nothing: an `<image href>` naming a file (absolute,
/// relative to the working directory, or a device) is dropped, and so is a `data:` image.
/// usvg's default options read such files from the disk.
pub(crate) fn options_reading_nothing() -> usvg::Options<'static> {
    usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// Parses SVG text: the one place usvg parses (clippy.toml bans `Tree::from_*` elsewhere); the
/// callers pass [`options_reading_nothing`] or options built on it (the renderer's fonts).
pub fn parse_svg(text: &str, options: &usvg::Options<'_>) -> Result<usvg::Tree, usvg::Error> {
    #[allow(clippy::disallowed_methods)]
    usvg::Tree::from_str(text, options)
}

/// An image format a sample may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageKind {
    Png,
    Jpeg,
    Svg,
}

impl ImageKind {
    pub(crate) fn from_path(path: &str) -> Option<ImageKind> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(ImageKind::Png),
            "jpg" | "jpeg" => Some(ImageKind::Jpeg),
            "svg" => Some(ImageKind::Svg),
            _ => None,
        }
    }

    /// The format's name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Svg => "SVG",
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Svg => "svg",
        }
    }
}

/// How deep elements of a staff SVG may nest. Drawings exported by Inkscape or Illustrator
/// nest a few groups; hostile files nest thousands to exhaust the stack of a renderer.
pub(crate) const SVG_MAX_DEPTH: usize = 64;
/// How many elements (nodes of any kind: also text and comments) a staff SVG may hold.
pub const SVG_MAX_NODES: usize = 100_000;

/// What is wrong with a staff SVG, at a byte offset of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SvgProblem {
    pub offset: usize,
    pub message: String,
    pub hint: &'static str,
}

const HINT_ACTIVE: &str = "export the drawing again as a plain, still image, without scripts, animation or links";
const HINT_EXTERNAL: &str =
    "a sample may refer only to parts of itself (`#id`) or embed PNG/JPEG images; export it again with images embedded";
const HINT_LIMIT: &str = "simplify the drawing (ungroup, fewer objects), or export it as PNG";
const HINT_DTD: &str = "remove the `<!DOCTYPE …>` block (a drawing does not need it), or export the drawing again";

/// Elements that run script, embed other documents or react to the reader.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
];
/// SMIL animation: `<set attributeName="href" to="javascript:…">` turns a harmless link into
/// script after the checks ran. A sample is a still image, so every animation is refused.
const ANIMATION_ELEMENTS: &[&str] = &[
    "animate",
    "set",
    "animatetransform",
    "animatemotion",
    "animatecolor",
    "discard",
];

/// A URL as a browser reads it: without whitespace and control characters, lower case.
fn normalised_url(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Why a reference (an `href`, or the inside of `url(…)`) may not stay in a sample, if it may not.
fn reference_problem(raw: &str) -> Option<String> {
    let url = normalised_url(raw);
    if url.is_empty() || url.starts_with('#') {
        return None;
    }
    for image in [
        "data:image/png",
        "data:image/jpeg",
        "data:image/jpg",
        "data:image/gif",
        "data:image/webp",
    ] {
        if url.starts_with(image) {
            return None;
        }
    }
    // Long `data:` URLs are cut short in the message; the place is underlined anyway.
    let trimmed = raw.trim();
    let mut shown: String = trimmed.chars().take(160).collect();
    if shown.len() < trimmed.len() {
        shown.push('…');
    }
    Some(if url.starts_with("javascript:") || url.starts_with("vbscript:") {
        format!("the SVG links to script (`{shown}`)")
    } else if url.starts_with("data:") {
        format!("the SVG embeds a `data:` URL that is not a PNG, JPEG, GIF or WebP image (`{shown}`)")
    } else {
        format!("the SVG refers to `{shown}`, outside the file")
    })
}

/// The targets of every `url(…)` in CSS or a presentation attribute.
fn css_urls(text: &str) -> impl Iterator<Item = &str> {
    let lower = text.to_ascii_lowercase();
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        starts.push(from + i + 4);
        from += i + 4;
    }
    starts.into_iter().map(move |start| {
        let end = text[start..].find(')').map_or(text.len(), |e| start + e);
        text[start..end].trim().trim_matches(['"', '\'']).trim()
    })
}

/// Everything in a staff SVG that could run code, load something from outside the file, or
/// exhaust a renderer: script and embedding elements, animation, event attributes,
/// `javascript:` and non-image `data:` URLs, references to other files (in `href`, CSS
/// `url()`, `@import` and `<?xml-stylesheet?>`), and more than [`SVG_MAX_DEPTH`] levels or
/// [`SVG_MAX_NODES`] nodes. Every problem is reported, each at its place.
pub(crate) fn svg_problems(text: &str) -> Vec<SvgProblem> {
    let mut problems = Vec::new();
    let mut problem = |offset: usize, message: String, hint: &'static str| {
        problems.push(SvgProblem { offset, message, hint });
    };
    let doc = match roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            nodes_limit: SVG_MAX_NODES as u32,
            ..roxmltree::ParsingOptions::default()
        },
    ) {
        Ok(doc) => doc,
        Err(roxmltree::Error::NodesLimitReached) => {
            problem(
                0,
                format!("the SVG has more than {SVG_MAX_NODES} nodes, the limit for a sample"),
                HINT_LIMIT,
            );
            return problems;
        }
        Err(e) => {
            let pos = e.pos();
            problem(
                offset_of(text, pos.row as usize, pos.col as usize),
                format!("the SVG is not well-formed XML: {e}"),
                "open the file in a drawing program and save it again as SVG",
            );
            return problems;
        }
    };
    // The document type may add attributes that the tree below does not show: browsers apply
    // `<!ATTLIST svg onload CDATA "…">` defaults, and a parameter entity can hide such a
    // declaration (`<!ENTITY % d "&#60;!ATTLIST …">`). Neither is needed by a drawing.
    let prolog = &text[..doc.root_element().range().start];
    if let Some(doctype) = prolog.find("<!DOCTYPE") {
        let declarations = &prolog[doctype..];
        if let Some(at) = declarations.find("<!ATTLIST") {
            problem(
                doctype + at,
                "the SVG's document type gives elements default attributes (`<!ATTLIST`), which a browser adds after the check".into(),
                HINT_DTD,
            );
        }
        if let Some(at) = declarations
            .find('[')
            .and_then(|open| Some(open + declarations[open..].find('%')?))
        {
            problem(
                doctype + at,
                "the SVG's document type uses parameter entities (`%`), which can declare default attributes".into(),
                HINT_DTD,
            );
        }
    }
    // Element depth by node id; a parent comes before its children in document order.
    let mut depths = vec![0usize; doc.descendants().count() + 1];
    for node in doc.descendants() {
        let parent_depth = node.parent().map_or(0, |p| depths[p.id().get_usize()]);
        let depth = parent_depth + usize::from(node.is_element());
        depths[node.id().get_usize()] = depth;
        let at = node.range().start;
        if node.is_pi() {
            if node
                .pi()
                .is_some_and(|pi| pi.target.eq_ignore_ascii_case("xml-stylesheet"))
            {
                problem(
                    at,
                    "the SVG loads a style sheet from outside the file (`<?xml-stylesheet?>`)".into(),
                    HINT_EXTERNAL,
                );
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        if depth == SVG_MAX_DEPTH + 1 {
            problem(
                at,
                format!("the SVG nests elements more than {SVG_MAX_DEPTH} levels deep, the limit for a sample"),
                HINT_LIMIT,
            );
        }
        let name = node.tag_name().name();
        let lower = name.to_ascii_lowercase();
        if ACTIVE_ELEMENTS.contains(&lower.as_str()) {
            problem(at, format!("the SVG contains a <{name}> element"), HINT_ACTIVE);
        } else if ANIMATION_ELEMENTS.contains(&lower.as_str()) {
            problem(
                at,
                format!("the SVG contains an animation element <{name}>; a sample is a still image"),
                HINT_ACTIVE,
            );
        }
        if lower == "style" {
            let css: String = node.children().filter_map(|c| c.text()).collect();
            if css.to_ascii_lowercase().contains("@import") {
                problem(
                    at,
                    "the SVG's style sheet imports another (`@import`)".into(),
                    HINT_EXTERNAL,
                );
            }
            for url in css_urls(&css) {
                if let Some(message) = reference_problem(url) {
                    problem(at, message, HINT_EXTERNAL);
                }
            }
        }
        for attr in node.attributes() {
            let attr_name = attr.name().to_ascii_lowercase();
            let at = attr.range().start;
            if attr_name.starts_with("on") {
                problem(
                    at,
                    format!("the SVG has an event attribute `{}`", attr.name()),
                    HINT_ACTIVE,
                );
                continue;
            }
            if attr_name == "href" || attr_name == "src" {
                if let Some(message) = reference_problem(attr.value()) {
                    problem(at, message, HINT_EXTERNAL);
                }
                continue;
            }
            let value = normalised_url(attr.value());
            if value.contains("javascript:") || value.contains("vbscript:") || value.contains("data:text") {
                problem(
                    at,
                    format!("the SVG has script in the attribute `{}`", attr.name()),
                    HINT_ACTIVE,
                );
                continue;
            }
            for url in css_urls(attr.value()) {
                if let Some(message) = reference_problem(url) {
                    problem(at, message, HINT_EXTERNAL);
                }
            }
        }
    }
    problems
}

/// Byte offset of 1-based `row` and `col` (in characters) in `text`.
fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line.len().min(line.find('\n').unwrap_or(line.len())), |(i, _)| i)
}

/// The diagnostics of a staff SVG at `path` (see [`svg_problems`]).
pub fn svg_diagnostics(path: &str, text: &str) -> Vec<crate::diagnostics::Diagnostic> {
    svg_problems(text)
        .into_iter()
        .map(|p| {
            crate::diagnostics::Diagnostic::error(path, Some(p.offset..p.offset + 1), p.message)
                .with_label("here")
                .with_hint(p.hint)
        })
        .collect()
}

/// Width and height of an SVG in its own units (viewBox, else width/height). Parsed with
/// options that read nothing the SVG names.
pub fn svg_size(text: &str) -> Option<(f64, f64)> {
    let tree = parse_svg(text, &options_reading_nothing()).ok()?;
    let size = tree.size();
    Some((size.width() as f64, size.height() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems of `<svg …>{body}</svg>`, as (offset into `body`, message).
    fn problems(body: &str) -> Vec<(usize, String)> {
        let head = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">"#;
        svg_problems(&format!("{head}{body}</svg>"))
            .into_iter()
            .map(|p| (p.offset.wrapping_sub(head.len()), p.message))
            .collect()
    }

    #[test]
    fn scripts_in_svg_are_found() {
        assert_eq!(
            problems("<script>alert(1)</script>"),
            [(0, "the SVG contains a <script> element".into())]
        );
        let onload = svg_problems(r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#);
        assert_eq!(onload[0].message, "the SVG has an event attribute `onload`");
        assert_eq!(
            problems("\n<a href=\" javascript:x\"><rect/></a>"),
            [(4, "the SVG links to script (`javascript:x`)".into())]
        );
        assert_eq!(
            problems(r##"<rect width="1" height="1" fill="url(#g)"/><use href="#a"/>"##),
            []
        );
    }

    /// Found by the `svg_sanitiser` fuzz target's oracle: Chromium adds DTD default attributes,
    /// so `<!ATTLIST svg onload …>` ran script in a sample the check had accepted.
    #[test]
    fn default_attributes_from_the_document_type_are_refused() {
        let body = r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"#;
        let attlist =
            format!("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]>\n{body}");
        let found = svg_problems(&attlist);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&attlist[found[0].offset..found[0].offset + 9], "<!ATTLIST");
        assert!(found[0].message.contains("default attributes"), "{}", found[0].message);
        let hidden = format!("<!DOCTYPE svg [<!ENTITY % d \"&#60;!ATTLIST svg onload CDATA 'alert(1)'>\"> %d;]>{body}");
        // (roxmltree already refuses the reference `%d;`; the `%` of the declaration is refused
        // by the check itself.)
        let found = svg_problems(&hidden);
        assert!(!found.is_empty(), "{found:?}");
        let declared_only = "<!DOCTYPE svg [<!ENTITY % d \"&#60;!ATTLIST svg onload CDATA 'alert(1)'>\">]>";
        let found = svg_problems(&format!("{declared_only}{body}"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&declared_only[found[0].offset..found[0].offset + 3], "% d");
        // The entity declarations drawing programs write stay allowed.
        let illustrator = format!(
            "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [<!ENTITY ns_svg \"http://www.w3.org/2000/svg\">]>{body}"
        );
        assert_eq!(svg_problems(&illustrator), []);
    }

    #[test]
    fn animation_that_turns_a_link_into_script_is_refused() {
        for animation in [
            r#"<set attributeName="href" to="javascript:alert(1)"/>"#,
            r#"<animate attributeName="xlink:href" values="javascript:alert(1)"/>"#,
            r#"<animateTransform attributeName="transform" type="rotate" from="0" to="90"/>"#,
            r#"<animateMotion path="M0 0 L1 1"/>"#,
        ] {
            let found = problems(&format!(r##"<a href="#x">{animation}<text>点我</text></a>"##));
            assert!(
                found.iter().any(|(at, m)| *at == 13 && m.contains("animation element")),
                "{animation}: {found:?}"
            );
        }
    }

    #[test]
    fn references_outside_the_file_are_refused() {
        let cases = [
            (
                r#"<image href="/etc/passwd"/>"#,
                "the SVG refers to `/etc/passwd`, outside the file",
            ),
            (
                r#"<image xlink:href="scan.png"/>"#,
                "the SVG refers to `scan.png`, outside the file",
            ),
            (
                r#"<use href="other.svg#a"/>"#,
                "the SVG refers to `other.svg#a`, outside the file",
            ),
            (
                r#"<a href="https://example.cn/"><rect/></a>"#,
                "the SVG refers to `https://example.cn/`, outside the file",
            ),
            (
                r#"<rect fill="url(http://x.cn/p.svg#g)"/>"#,
                "the SVG refers to `http://x.cn/p.svg#g`, outside the file",
            ),
            (
                r#"<rect style="fill: url( 'a.svg#g' )"/>"#,
                "the SVG refers to `a.svg#g`, outside the file",
            ),
            (
                r#"<style>rect { fill: url(x.svg#g) }</style>"#,
                "the SVG refers to `x.svg#g`, outside the file",
            ),
            (
                r#"<style>@import 'x.css';</style>"#,
                "the SVG's style sheet imports another (`@import`)",
            ),
            (
                r#"<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>"#,
                "the SVG embeds a `data:` URL that is not a PNG, JPEG, GIF or WebP image (`data:text/html,<script>alert(1)</script>`)",
            ),
            (
                r#"<image href="data:image/svg+xml;base64,PHN2Zy8+"/>"#,
                "the SVG embeds a `data:` URL that is not a PNG, JPEG, GIF or WebP image (`data:image/svg+xml;base64,PHN2Zy8+`)",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(
                problems(body).iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>(),
                [message],
                "{body}"
            );
        }
        assert_eq!(problems(r#"<image href="data:image/png;base64,iVBORw0KGgo="/>"#), []);
        let long = format!(r#"<image href="data:text/html,{}"/>"#, "x".repeat(300));
        let message = &problems(&long)[0].1;
        assert!(message.ends_with(&format!("{}…`)", "x".repeat(160 - 15))), "{message}");
        let pi = svg_problems("<?xml-stylesheet href=\"x.css\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        assert_eq!(pi.len(), 1, "{pi:?}");
        assert_eq!(pi[0].offset, 0);
    }

    #[test]
    fn script_hidden_in_other_attributes_is_refused() {
        let found = problems(r#"<rect style="background: url(javascript:alert(1))"/>"#);
        assert!(found.iter().any(|(_, m)| m.contains("script")), "{found:?}");
        let found = problems(r#"<rect ONCLICK="x()"/>"#);
        assert_eq!(found, [(6, "the SVG has an event attribute `ONCLICK`".into())]);
    }

    #[test]
    fn depth_and_size_limits_are_errors_not_crashes() {
        // In a thread with a small stack: the check itself must not recurse per level.
        let deep = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let n = 50_000;
                problems(&format!("{}{}", "<g>".repeat(n), "</g>".repeat(n)))
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(deep.len(), 1, "{deep:?}");
        // The 65th element: the root <svg> is level 1, so 63 <g> fit.
        assert_eq!(deep[0].0, 63 * 3);
        assert_eq!(
            deep[0].1,
            "the SVG nests elements more than 64 levels deep, the limit for a sample"
        );
        let flat = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg">{}</svg>"#,
            "<rect/>".repeat(SVG_MAX_NODES)
        );
        let found = svg_problems(&flat);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].offset, found[0].message.as_str()),
            (0, "the SVG has more than 100000 nodes, the limit for a sample")
        );
        let fits = "<g>".repeat(63) + &"</g>".repeat(63);
        assert_eq!(problems(&fits), []);
    }

    #[test]
    fn broken_xml_is_located() {
        let found = problems("\n<rect></g>");
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("the SVG is not well-formed XML"), "{found:?}");
        assert!(found[0].0 > 0 && found[0].0 < 12, "{found:?}");
    }
}
