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

/// A line of text that shrinks to fit `width` (down to `min` size).
fn fitted_text(s: &mut String, x: f64, y: f64, text: &str, size: f64, width: f64, attrs: &str) {
    let needed = text_width(text, size);
    let size = if needed > width {
        (size * width / needed).max(2.2)
    } else {
        size
    };
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{}"{attrs}>{}</text>"#,
        n(x),
        n(y),
        n(size),
        escape(text)
    );
}

/// The drawn form and how far down its content reached (mm).
pub struct DrawnForm {
    pub svg: String,
    pub content_bottom: f64,
}

/// Draws a form on an A4 page, following the layout documented in
/// docs/en/reference.md, "forms" (authors place callouts by it).
pub fn form_svg(form: &FormToml) -> DrawnForm {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAGE_W} {PAGE_H}" width="{}" height="{}" role="img" aria-label="{}" font-family="{}">"#,
        n(PAGE_W * 3.0),
        n(PAGE_H * 3.0),
        escape(&form.title),
        FONT_FAMILY.replace('\'', "&#39;")
    );
    s.push_str("<rect width=\"210\" height=\"297\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        s,
        r##"<text x="105" y="22" font-size="7" font-weight="bold" text-anchor="middle" fill="#111">{}</text>"##,
        escape(&form.title)
    );
    if let Some(sub) = &form.subtitle {
        let _ = writeln!(
            s,
            r##"<text x="105" y="30" font-size="3.6" text-anchor="middle" fill="#555">{}</text>"##,
            escape(sub)
        );
    }
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
        fitted_text(
            &mut s,
            LEFT + 2.0,
            y + 5.6,
            &section.heading,
            3.8,
            RIGHT - LEFT - 4.0,
            r##" font-weight="bold" fill="#111""##,
        );
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
                fitted_text(
                    &mut s,
                    x0 + label_w + 1.5,
                    y + 6.0,
                    &field.value,
                    3.4,
                    x1 - x0 - label_w - 3.0,
                    r##" fill="#0b3d91""##,
                );
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
                fitted_text(
                    &mut s,
                    x + 1.2,
                    y + 6.0,
                    heading,
                    3.2,
                    w - 2.4,
                    r##" font-weight="bold" fill="#333""##,
                );
            }
            y += ROW;
            for row in &section.rows {
                for c in 0..section.columns.len() {
                    let x = LEFT + w * c as f64;
                    cell(&mut s, x, y, w, "#ffffff");
                    if let Some(value) = row.get(c) {
                        fitted_text(&mut s, x + 1.2, y + 6.0, value, 3.2, w - 2.4, r##" fill="#0b3d91""##);
                    }
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
            let cx = x + w / 2.0;
            let cy = (SIGN_TOP + SIGN_BOTTOM) / 2.0 + 2.5;
            match sign.kind {
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
                        r##" fill="#c8102e" text-anchor="middle" opacity="0.85""##,
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
                        r##" fill="#0b3d91" text-anchor="middle" font-style="italic""##,
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
                        r##" fill="#0b3d91" text-anchor="middle""##,
                    );
                }
            }
        }
    }
    if let Some(footer) = &form.footer {
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
    DrawnForm { svg: s, content_bottom }
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

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Svg => "svg",
        }
    }
}

/// Something in an SVG that could run or load code, with its byte offset.
pub fn svg_active_content(text: &str) -> Option<(usize, String)> {
    let doc = match roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    ) {
        Ok(doc) => doc,
        Err(e) => return Some((0, format!("the SVG is not well-formed XML: {e}"))),
    };
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("foreignObject") {
            return Some((node.range().start, format!("the SVG contains a <{name}> element")));
        }
        for attr in node.attributes() {
            let attr_name = attr.name().to_ascii_lowercase();
            let value: String = attr
                .value()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            if attr_name.starts_with("on") {
                return Some((
                    attr.range().start,
                    format!("the SVG has an event attribute `{}`", attr.name()),
                ));
            }
            if (attr_name == "href") && (value.starts_with("javascript:") || value.starts_with("data:text/html")) {
                return Some((attr.range().start, "the SVG links to script (`javascript:`)".into()));
            }
        }
    }
    None
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

    #[test]
    fn scripts_in_svg_are_found() {
        assert!(
            svg_active_content(r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#).is_some()
        );
        assert!(svg_active_content(r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#).is_some());
        let (at, _) = svg_active_content(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<a href=\" javascript:x\"><rect/></a></svg>",
        )
        .unwrap();
        assert!(at > 0);
        assert!(
            svg_active_content(r#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"#)
                .is_none()
        );
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
