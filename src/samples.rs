//! Filled-in samples: forms described as data, drawn as an A4 SVG page; and the checks on
//! images staff provide (type, size, no script in an SVG). Pure functions; the resolve stage
//! calls them and reports what they find.

use std::fmt::Write as _;

use crate::floor_plan::svg::{FONT_FAMILY, escape, text_width};
use crate::schema::{FormToml, SignatureKind};

/// Page size of a drawn form, millimetres.
pub const PAGE_W: f64 = 210.0;
pub const PAGE_H: f64 = 297.0;
const LEFT: f64 = 15.0;
const RIGHT: f64 = 195.0;
const TOP: f64 = 40.0;
const ROW: f64 = 9.0;
const HEADING: f64 = 8.0;
const GAP: f64 = 4.0;
/// Content must end above the signature row.
pub const CONTENT_BOTTOM: f64 = 240.0;
const SIGN_TOP: f64 = 245.0;
const SIGN_BOTTOM: f64 = 280.0;

fn n(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// How filled-in values are drawn: blue, and marked as values (callout markers keep off them).
const VALUE_ATTRS: &str = r##" class="value" fill="#0b3d91""##;

/// A line of text that shrinks to fit `width` (down to `min` size). Returns where it ends
/// (for start-anchored text).
fn fitted_text(s: &mut String, x: f64, y: f64, text: &str, size: f64, width: f64, attrs: &str) -> f64 {
    let needed = text_width(text, size);
    let size = if needed > width {
        (size * width / needed).max(2.2)
    } else {
        size
    };
    let end = x + text_width(text, size);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{}"{attrs}>{}</text>"#,
        n(x),
        n(y),
        n(size),
        escape(text)
    );
    end
}

/// The drawn form and how far down its content reached (mm).
pub struct DrawnForm {
    pub svg: String,
    pub content_bottom: f64,
    /// Where its parts are, for placing callout markers.
    pub layout: FormLayout,
}

/// Radius of a callout marker on the page (mm): the web overlay draws 1.8 % of the page
/// width, the PDF 2.6 mm; placement uses the larger.
pub const MARKER_R: f64 = PAGE_W * 0.018;
/// Free space kept between a marker and text (mm).
const MARKER_GAP: f64 = 1.0;

/// One part of a drawn form a callout can point at: a field (label and value cells), a
/// table cell, a section heading or a signature box; with where its text ends.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// Where the text that must stay readable ends (mm from the left).
    text_end: f64,
    signature: bool,
}

/// The parts of a drawn form, in drawing order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormLayout {
    slots: Vec<Slot>,
}

impl FormLayout {
    /// Where to draw the marker of a callout its author put at `at`: beside the value of the
    /// field (or the text of the cell, heading or signature box) that `at` points into, never
    /// over it. Right after the text when the cell has room, otherwise in the page margin on
    /// the same row; apart from the markers already `placed`. A point outside every part
    /// stays where it is.
    pub fn marker_beside(&self, at: [f64; 2], placed: &[[f64; 2]]) -> [f64; 2] {
        let [x, y] = at;
        let Some(slot) = self
            .slots
            .iter()
            .find(|s| (s.x0..=s.x1).contains(&x) && (s.y0..=s.y1).contains(&y))
        else {
            return at;
        };
        let r = MARKER_R;
        let free = |p: [f64; 2]| placed.iter().all(|q| (p[0] - q[0]).hypot(p[1] - q[1]) >= 2.0 * r + 0.5);
        if slot.signature {
            // The top right corner, clear of the label (top left) and the seal (centre).
            let p = [slot.x1 - r - 1.5, slot.y0 + r + 1.5];
            if free(p) {
                return p;
            }
        }
        let cy = (slot.y0 + slot.y1) / 2.0;
        // After the text, inside the cell.
        let mut cx = slot.text_end + MARKER_GAP + r;
        while cx + r <= slot.x1 - 0.5 && !slot.signature {
            if free([cx, cy]) {
                return [cx, cy];
            }
            cx += 2.0 * r + 0.5;
        }
        // In the margin beside the row: the right one for a part that reaches the right edge
        // (it is next to the end of the text), otherwise the left one.
        let left = [LEFT / 2.0, cy];
        let right = [(RIGHT + PAGE_W) / 2.0, cy];
        let (near, far) = if slot.x1 >= RIGHT - 0.01 {
            (right, left)
        } else {
            (left, right)
        };
        if free(near) || !free(far) { near } else { far }
    }
}

/// Draws a form on an A4 page, following the layout documented in
/// docs/en/reference.md, "forms" (authors place callouts by it).
pub fn form_svg(form: &FormToml) -> DrawnForm {
    draw_form(form, true)
}

/// The subtitle and footer of a blank form (the sample's own speak of the sample).
pub const BLANK_SUBTITLE: &str = "（空白表格）";
pub const BLANK_FOOTER: &str = "本表按填写示例的版式绘制，仅供参考；正式提交请使用受理窗口提供的现行格式文本。";

/// The same form drawn empty, for applicants to print: every label, heading, column and box
/// where it is on the sample, and none of the sample's values, seals or signatures.
pub fn blank_form_svg(form: &FormToml) -> String {
    draw_form(form, false).svg
}

fn draw_form(form: &FormToml, filled: bool) -> DrawnForm {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAGE_W} {PAGE_H}" width="{}" height="{}" role="img" aria-label="{}" font-family="{}">"#,
        n(PAGE_W * 3.0),
        n(PAGE_H * 3.0),
        escape(&if filled {
            form.title.clone()
        } else {
            format!("{}{BLANK_SUBTITLE}", form.title)
        }),
        FONT_FAMILY.replace('\'', "&#39;")
    );
    s.push_str("<rect width=\"210\" height=\"297\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        s,
        r##"<text x="105" y="22" font-size="7" font-weight="bold" text-anchor="middle" fill="#111">{}</text>"##,
        escape(&form.title)
    );
    let subtitle = if filled {
        form.subtitle.as_deref()
    } else {
        Some(BLANK_SUBTITLE)
    };
    if let Some(sub) = subtitle {
        let _ = writeln!(
            s,
            r##"<text x="105" y="30" font-size="3.6" text-anchor="middle" fill="#555">{}</text>"##,
            escape(sub)
        );
    }
    let mut layout = FormLayout::default();
    let mut y = TOP;
    let cell = |s: &mut String, x: f64, y: f64, w: f64, fill: &str| {
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#333" stroke-width="0.25"/>"##,
            n(x),
            n(y),
            n(w),
            n(ROW)
        );
    };
    for section in &form.sections {
        let _ = writeln!(
            s,
            r##"<rect x="{LEFT}" y="{}" width="{}" height="{HEADING}" fill="#e8ecf1" stroke="#333" stroke-width="0.25"/>"##,
            n(y),
            n(RIGHT - LEFT)
        );
        let end = fitted_text(
            &mut s,
            LEFT + 2.0,
            y + 5.6,
            &section.heading,
            3.8,
            RIGHT - LEFT - 4.0,
            r##" font-weight="bold" fill="#111""##,
        );
        layout.slots.push(Slot {
            x0: LEFT,
            y0: y,
            x1: RIGHT,
            y1: y + HEADING,
            text_end: end,
            signature: false,
        });
        y += HEADING;
        // Label/value fields: a wide field takes a row, two others share one.
        let mut i = 0;
        while i < section.fields.len() {
            let f = &section.fields[i];
            let pair = !f.wide && section.fields.get(i + 1).is_some_and(|g| !g.wide);
            let halves: Vec<(&crate::schema::FormField, f64, f64)> = if f.wide {
                vec![(f, LEFT, RIGHT)]
            } else if pair {
                vec![(f, LEFT, 105.0), (&section.fields[i + 1], 105.0, RIGHT)]
            } else {
                vec![(f, LEFT, RIGHT)]
            };
            for (field, x0, x1) in &halves {
                let label_w = if x1 - x0 > 100.0 { 35.0 } else { 28.0 };
                cell(&mut s, *x0, y, label_w, "#f6f7f9");
                cell(&mut s, x0 + label_w, y, x1 - x0 - label_w, "#ffffff");
                fitted_text(
                    &mut s,
                    x0 + 1.5,
                    y + 6.0,
                    &field.label,
                    3.2,
                    label_w - 3.0,
                    r##" fill="#333""##,
                );
                let end = if filled {
                    fitted_text(
                        &mut s,
                        x0 + label_w + 1.5,
                        y + 6.0,
                        &field.value,
                        3.4,
                        x1 - x0 - label_w - 3.0,
                        VALUE_ATTRS,
                    )
                } else {
                    x0 + label_w
                };
                layout.slots.push(Slot {
                    x0: *x0,
                    y0: y,
                    x1: *x1,
                    y1: y + ROW,
                    text_end: end,
                    signature: false,
                });
            }
            i += if pair { 2 } else { 1 };
            y += ROW;
        }
        // A table section.
        if !section.columns.is_empty() {
            let cols = section.columns.len() as f64;
            let w = (RIGHT - LEFT) / cols;
            for (c, heading) in section.columns.iter().enumerate() {
                let x = LEFT + w * c as f64;
                cell(&mut s, x, y, w, "#f6f7f9");
                let end = fitted_text(
                    &mut s,
                    x + 1.2,
                    y + 6.0,
                    heading,
                    3.2,
                    w - 2.4,
                    r##" font-weight="bold" fill="#333""##,
                );
                layout.slots.push(Slot {
                    x0: x,
                    y0: y,
                    x1: x + w,
                    y1: y + ROW,
                    text_end: end,
                    signature: false,
                });
            }
            y += ROW;
            for row in &section.rows {
                for c in 0..section.columns.len() {
                    let x = LEFT + w * c as f64;
                    cell(&mut s, x, y, w, "#ffffff");
                    let end = match row.get(c).filter(|_| filled) {
                        Some(value) => fitted_text(&mut s, x + 1.2, y + 6.0, value, 3.2, w - 2.4, VALUE_ATTRS),
                        None => x,
                    };
                    layout.slots.push(Slot {
                        x0: x,
                        y0: y,
                        x1: x + w,
                        y1: y + ROW,
                        text_end: end,
                        signature: false,
                    });
                }
                y += ROW;
            }
        }
        y += GAP;
    }
    let content_bottom = y - GAP;
    // Signatures: one row of boxes.
    if !form.signatures.is_empty() {
        let w = (RIGHT - LEFT) / form.signatures.len() as f64;
        for (i, sign) in form.signatures.iter().enumerate() {
            let x = LEFT + w * i as f64;
            let _ = writeln!(
                s,
                r##"<rect x="{}" y="{SIGN_TOP}" width="{}" height="{}" fill="#ffffff" stroke="#333" stroke-width="0.25"/>"##,
                n(x),
                n(w),
                n(SIGN_BOTTOM - SIGN_TOP)
            );
            fitted_text(
                &mut s,
                x + 2.0,
                SIGN_TOP + 5.0,
                &sign.label,
                3.0,
                w - 4.0,
                r##" fill="#333""##,
            );
            layout.slots.push(Slot {
                x0: x,
                y0: SIGN_TOP,
                x1: x + w,
                y1: SIGN_BOTTOM,
                text_end: x + w,
                signature: true,
            });
            let cx = x + w / 2.0;
            let cy = (SIGN_TOP + SIGN_BOTTOM) / 2.0 + 2.5;
            match sign.kind {
                // A blank form keeps the line to sign on and nothing of the sample's seal,
                // signature or date.
                SignatureKind::Signature if !filled => {
                    let _ = writeln!(
                        s,
                        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="0.2"/>"##,
                        n(x + 4.0),
                        n(cy + 4.0),
                        n(x + w - 4.0),
                        n(cy + 4.0)
                    );
                }
                _ if !filled => {}
                SignatureKind::Seal => {
                    let r = (w / 2.0 - 3.0).min(12.5);
                    let _ = writeln!(
                        s,
                        r##"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="#c8102e" stroke-width="0.9" opacity="0.85"/>"##,
                        n(cx),
                        n(cy),
                        n(r)
                    );
                    let _ = writeln!(
                        s,
                        r##"<path d="M{},{} l1.2,3.6 h3.8 l-3.1,2.2 1.2,3.6 -3.1,-2.2 -3.1,2.2 1.2,-3.6 -3.1,-2.2 h3.8 z" fill="#c8102e" opacity="0.85"/>"##,
                        n(cx),
                        n(cy - 6.0)
                    );
                    fitted_text(
                        &mut s,
                        cx,
                        cy + 7.0,
                        &sign.value,
                        2.6,
                        r * 1.7,
                        r##" class="value" fill="#c8102e" text-anchor="middle" opacity="0.85""##,
                    );
                }
                SignatureKind::Signature => {
                    fitted_text(
                        &mut s,
                        cx,
                        cy + 2.0,
                        &sign.value,
                        6.0,
                        w - 6.0,
                        r##" class="value" fill="#0b3d91" text-anchor="middle" font-style="italic""##,
                    );
                    let _ = writeln!(
                        s,
                        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="0.2"/>"##,
                        n(x + 4.0),
                        n(cy + 4.0),
                        n(x + w - 4.0),
                        n(cy + 4.0)
                    );
                }
                SignatureKind::Date => {
                    fitted_text(
                        &mut s,
                        cx,
                        cy + 2.0,
                        &sign.value,
                        3.6,
                        w - 6.0,
                        r##" class="value" fill="#0b3d91" text-anchor="middle""##,
                    );
                }
            }
        }
    }
    let footer = if filled {
        form.footer.as_deref()
    } else {
        Some(BLANK_FOOTER)
    };
    if let Some(footer) = footer {
        fitted_text(
            &mut s,
            105.0,
            289.0,
            footer,
            2.8,
            180.0,
            r##" fill="#666" text-anchor="middle""##,
        );
    }
    s.push_str("</svg>\n");
    DrawnForm {
        svg: s,
        content_bottom,
        layout,
    }
}

/// An image format a sample may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Svg,
}

impl ImageKind {
    pub fn from_path(path: &str) -> Option<ImageKind> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(ImageKind::Png),
            "jpg" | "jpeg" => Some(ImageKind::Jpeg),
            "svg" => Some(ImageKind::Svg),
            _ => None,
        }
    }

    /// The format's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Svg => "SVG",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Svg => "svg",
        }
    }
}

/// How deep elements of a staff SVG may nest. Drawings exported by Inkscape or Illustrator
/// nest a few groups; hostile files nest thousands to exhaust the stack of a renderer.
pub const SVG_MAX_DEPTH: usize = 64;
/// How many elements (nodes of any kind: also text and comments) a staff SVG may hold.
pub const SVG_MAX_NODES: usize = 100_000;

/// What is wrong with a staff SVG, at a byte offset of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgProblem {
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
pub fn svg_problems(text: &str) -> Vec<SvgProblem> {
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
    let tree = crate::render::png::parse_svg(text, None).ok()?;
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

    #[test]
    fn markers_sit_beside_the_values_they_point_at() {
        let form: FormToml = toml::from_str(
            r#"
title = "申请书"
[[sections]]
heading = "一"
[[sections.fields]]
label = "名称"
value = "短"
wide = true
[[sections.fields]]
label = "地址"
value = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四"
wide = true
"#,
        )
        .unwrap();
        let layout = form_svg(&form).layout;
        // Row 1 (y 48–57): the value "短" starts at 51.5 and is 3.4 mm wide.
        let [x, y] = layout.marker_beside([52.0, 52.0], &[]);
        assert!(x - MARKER_R >= 51.5 + 3.4, "beside the value, not on it: {x}");
        assert_eq!(y, 52.5, "on the row's middle");
        // Row 2 (y 57–66): the value fills its cell, so the marker goes to the right margin.
        let [x, y] = layout.marker_beside([60.0, 60.0], &[]);
        assert!(x - MARKER_R >= RIGHT && x + MARKER_R <= PAGE_W, "{x}");
        assert_eq!(y, 61.5);
        // A second callout at the same place keeps clear of the first.
        let first = layout.marker_beside([60.0, 60.0], &[]);
        let [x2, y2] = layout.marker_beside([60.0, 60.0], &[first]);
        assert!((x2 - first[0]).hypot(y2 - first[1]) >= 2.0 * MARKER_R, "{x2},{y2}");
        // Outside every part of the form, a marker stays where it was put.
        assert_eq!(layout.marker_beside([100.0, 200.0], &[]), [100.0, 200.0]);
    }

    #[test]
    fn a_form_lays_out_rows_as_documented() {
        let form: FormToml = toml::from_str(
            r#"
title = "申请书"
[[sections]]
heading = "一"
[[sections.fields]]
label = "甲"
value = "1"
[[sections.fields]]
label = "乙"
value = "2"
[[sections.fields]]
label = "丙"
value = "3"
wide = true
"#,
        )
        .unwrap();
        let drawn = form_svg(&form);
        // heading 8 + one shared row + one wide row = 40 + 8 + 9 + 9.
        assert_eq!(drawn.content_bottom, 66.0);
        assert!(drawn.svg.contains(">申请书</text>"));
    }
}
