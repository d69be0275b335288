//! Forms described as data (`forms/*.toml`), drawn as an A4 SVG page: the filled-in sample
//! and the same form blank; and where each part of the page is, for placing callout markers.

use std::fmt::Write as _;

use super::plan_svg::{FONT_FAMILY, escape, text_width};
use crate::source::format::{FormToml, SignatureKind};

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
    draw_form(form, None)
}

/// What a blank form says in place of the sample's subtitle and footer (which speak of the
/// sample): the labels' `document.blank_subtitle` and `document.blank_footer`.
#[derive(Debug, Clone, Copy)]
pub struct BlankWords<'a> {
    pub subtitle: &'a str,
    pub footer: &'a str,
}

/// The same form drawn empty, for applicants to print: every label, heading, column and box
/// where it is on the sample, and none of the sample's values, seals or signatures.
pub fn blank_form_svg(form: &FormToml, words: BlankWords<'_>) -> String {
    draw_form(form, Some(words)).svg
}

/// A form filled in (`blank` is `None`) or drawn empty with the blank form's words.
fn draw_form(form: &FormToml, blank: Option<BlankWords<'_>>) -> DrawnForm {
    let filled = blank.is_none();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAGE_W} {PAGE_H}" width="{}" height="{}" role="img" aria-label="{}" font-family="{}">"#,
        n(PAGE_W * 3.0),
        n(PAGE_H * 3.0),
        escape(&if filled {
            form.title.clone()
        } else {
            format!("{}{}", form.title, blank.map_or("", |w| w.subtitle))
        }),
        FONT_FAMILY.replace('\'', "&#39;")
    );
    s.push_str("<rect width=\"210\" height=\"297\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        s,
        r##"<text x="105" y="22" font-size="7" font-weight="bold" text-anchor="middle" fill="#111">{}</text>"##,
        escape(&form.title)
    );
    let subtitle = match blank {
        None => form.subtitle.as_deref(),
        Some(words) => Some(words.subtitle),
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
            let halves: Vec<(&crate::source::format::FormField, f64, f64)> = if f.wide {
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
    let footer = match blank {
        None => form.footer.as_deref(),
        Some(words) => Some(words.footer),
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

#[cfg(test)]
mod tests {
    use super::*;
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
