//! Part of the resolve stage: a form described as data (`forms/*.toml`) laid out on an A4 page,
//! following the layout documented in docs/en/reference.md, "forms" (authors place callouts by
//! it). The layout is data: every box, line and line of text with its place and size, where
//! the content ends (a form must end above its signatures) and where each part is (callout
//! markers go beside the values they point at). `render::form_svg` draws it.

use super::text::text_width;
use crate::source::format::{FormField, FormSignature, FormToml, SignatureKind};

/// Page size of a laid-out form, millimetres.
pub(crate) const PAGE_W: f64 = 210.0;
pub(crate) const PAGE_H: f64 = 297.0;
const LEFT: f64 = 15.0;
const RIGHT: f64 = 195.0;
const TOP: f64 = 40.0;
const ROW: f64 = 9.0;
const HEADING: f64 = 8.0;
const GAP: f64 = 4.0;
/// Content must end above the signature row.
pub(crate) const CONTENT_BOTTOM: f64 = 240.0;
const SIGN_TOP: f64 = 245.0;
const SIGN_BOTTOM: f64 = 280.0;

/// What a blank form says in place of the sample's subtitle and footer (which speak of the
/// sample): the labels' `document.blank_subtitle` and `document.blank_footer`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlankWords<'a> {
    pub subtitle: &'a str,
    pub footer: &'a str,
}

impl<'a> BlankWords<'a> {
    pub(crate) fn of(labels: &'a crate::source::labels::Labels) -> BlankWords<'a> {
        BlankWords {
            subtitle: labels.get("document.blank_subtitle"),
            footer: labels.get("document.blank_footer"),
        }
    }
}

/// What a box on the page is (the renderer chooses its colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// A section's heading band.
    Heading,
    /// A field's label cell or a table's column header.
    Label,
    /// A value cell, a table cell or a signature box.
    Plain,
}

/// What a line of text is (the renderer chooses its weight, colour and anchor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Title,
    Subtitle,
    Heading,
    Label,
    ColumnHeader,
    /// A filled-in value (marked as such: callout markers keep off it).
    Value,
    /// The text of a seal, centred.
    SealValue,
    /// A handwritten signature, centred.
    SignatureValue,
    /// A filled-in date, centred.
    DateValue,
    Footer,
}

/// One thing on the page, placed (millimetres from the top left).
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Box {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        kind: BoxKind,
    },
    /// A line of text at its fitted size; `x` is its start, or its centre when centred.
    Text {
        x: f64,
        y: f64,
        size: f64,
        text: String,
        kind: TextKind,
    },
    /// The line to sign on.
    SignLine { x1: f64, x2: f64, y: f64 },
    /// An official seal: a ring with a star, centred on (`cx`, `cy`).
    Seal { cx: f64, cy: f64, r: f64 },
}

/// A form laid out on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPage {
    /// What the page shows, for screen readers.
    pub label: String,
    /// Everything on the page, in drawing order.
    pub marks: Vec<Mark>,
    /// How far down the content (above the signatures) reaches, mm.
    pub content_bottom: f64,
    /// Where its parts are, for placing callout markers.
    pub layout: FormLayout,
}

/// Radius of a callout marker on the page (mm): the web overlay draws 1.8 % of the page
/// width, the PDF 2.6 mm; placement uses the larger.
pub(crate) const MARKER_R: f64 = PAGE_W * 0.018;
/// Free space kept between a marker and text (mm).
const MARKER_GAP: f64 = 1.0;

/// One part of a drawn form a callout can point at: a field (label and value cells), a
/// table cell, a section heading or a signature box; with where its text ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slot {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// Where the text that must stay readable ends (mm from the left).
    text_end: f64,
    signature: bool,
}

/// The parts of a laid-out form a callout can point at, in drawing order.
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
    pub(crate) fn marker_beside(&self, at: [f64; 2], placed: &[[f64; 2]]) -> [f64; 2] {
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

/// A line of text that shrinks to fit `width` (down to 2.2 mm); with where it ends (for
/// start-anchored text).
fn fitted(x: f64, y: f64, text: &str, size: f64, width: f64, kind: TextKind) -> (Mark, f64) {
    let needed = text_width(text, size);
    let size = if needed > width {
        (size * width / needed).max(2.2)
    } else {
        size
    };
    let end = x + text_width(text, size);
    (
        Mark::Text {
            x,
            y,
            size,
            text: text.to_owned(),
            kind,
        },
        end,
    )
}

/// The filled-in sample: labels, headings and the sample's values, seals and signatures.
pub(crate) fn lay_out(form: &FormToml) -> FormPage {
    lay_out_page(form, None)
}

/// The same form empty, for applicants to print: every label, heading, column and box where
/// it is on the sample, and none of the sample's values, seals or signatures.
pub(crate) fn lay_out_blank(form: &FormToml, words: BlankWords<'_>) -> FormPage {
    lay_out_page(form, Some(words))
}

/// A form filled in (`blank` is `None`) or laid out empty with the blank form's words.
fn lay_out_page(form: &FormToml, blank: Option<BlankWords<'_>>) -> FormPage {
    let mut page = Page {
        marks: Vec::new(),
        layout: FormLayout::default(),
        filled: blank.is_none(),
    };
    let label = if page.filled {
        form.title.clone()
    } else {
        format!("{}{}", form.title, blank.map_or("", |w| w.subtitle))
    };
    page.title(form, blank);
    let mut y = TOP;
    for section in &form.sections {
        y = page.heading(&section.heading, y);
        y = page.fields(&section.fields, y);
        if !section.columns.is_empty() {
            y = page.table(&section.columns, &section.rows, y);
        }
        y += GAP;
    }
    let content_bottom = y - GAP;
    page.signatures(&form.signatures);
    let blank_footer;
    let footer = match blank {
        None => form.footer.as_deref(),
        Some(words) => {
            blank_footer = format!("{}{}", form.blank_note.as_deref().unwrap_or_default(), words.footer);
            Some(blank_footer.as_str())
        }
    };
    if let Some(footer) = footer {
        page.text(105.0, 289.0, footer, 2.8, 180.0, TextKind::Footer);
    }
    FormPage {
        label,
        marks: page.marks,
        content_bottom,
        layout: page.layout,
    }
}

/// A page being laid out: its marks so far, in drawing order, and the parts a callout can
/// point at.
struct Page {
    marks: Vec<Mark>,
    layout: FormLayout,
    /// Whether the sample's values, seals and signatures are written (not on a blank form).
    filled: bool,
}

impl Page {
    /// A line of text fitted to `width`; where it ends.
    fn text(&mut self, x: f64, y: f64, text: &str, size: f64, width: f64, kind: TextKind) -> f64 {
        let (mark, end) = fitted(x, y, text, size, width, kind);
        self.marks.push(mark);
        end
    }

    /// A box one row high.
    fn cell(&mut self, x: f64, y: f64, w: f64, kind: BoxKind) {
        self.marks.push(Mark::Box { x, y, w, h: ROW, kind });
    }

    /// A part a callout can point at: its box and where its text ends.
    fn slot(&mut self, [x0, y0, x1, y1]: [f64; 4], text_end: f64, signature: bool) {
        self.layout.slots.push(Slot {
            x0,
            y0,
            x1,
            y1,
            text_end,
            signature,
        });
    }

    /// The title, and the subtitle (the blank form's own on a blank form).
    fn title(&mut self, form: &FormToml, blank: Option<BlankWords<'_>>) {
        self.marks.push(Mark::Text {
            x: 105.0,
            y: 22.0,
            size: 7.0,
            text: form.title.clone(),
            kind: TextKind::Title,
        });
        let subtitle = match blank {
            None => form.subtitle.as_deref(),
            Some(words) => Some(words.subtitle),
        };
        if let Some(sub) = subtitle {
            self.marks.push(Mark::Text {
                x: 105.0,
                y: 30.0,
                size: 3.6,
                text: sub.to_owned(),
                kind: TextKind::Subtitle,
            });
        }
    }

    /// A section's heading band at `y`; where the section goes on.
    fn heading(&mut self, heading: &str, y: f64) -> f64 {
        self.marks.push(Mark::Box {
            x: LEFT,
            y,
            w: RIGHT - LEFT,
            h: HEADING,
            kind: BoxKind::Heading,
        });
        let end = self.text(LEFT + 2.0, y + 5.6, heading, 3.8, RIGHT - LEFT - 4.0, TextKind::Heading);
        self.slot([LEFT, y, RIGHT, y + HEADING], end, false);
        y + HEADING
    }

    /// Label/value fields from `y`: a wide field takes a row, two others share one. Where the
    /// section goes on.
    fn fields(&mut self, fields: &[FormField], mut y: f64) -> f64 {
        let mut i = 0;
        while i < fields.len() {
            let f = &fields[i];
            let pair = !f.wide && fields.get(i + 1).is_some_and(|g| !g.wide);
            let halves: Vec<(&FormField, f64, f64)> = if pair {
                vec![(f, LEFT, 105.0), (&fields[i + 1], 105.0, RIGHT)]
            } else {
                vec![(f, LEFT, RIGHT)]
            };
            for (field, x0, x1) in &halves {
                self.field(field, *x0, *x1, y);
            }
            i += if pair { 2 } else { 1 };
            y += ROW;
        }
        y
    }

    /// One field from `x0` to `x1` in the row at `y`: its label cell and its value cell.
    fn field(&mut self, field: &FormField, x0: f64, x1: f64, y: f64) {
        let label_w = if x1 - x0 > 100.0 { 35.0 } else { 28.0 };
        self.cell(x0, y, label_w, BoxKind::Label);
        self.cell(x0 + label_w, y, x1 - x0 - label_w, BoxKind::Plain);
        self.text(x0 + 1.5, y + 6.0, &field.label, 3.2, label_w - 3.0, TextKind::Label);
        let end = if self.filled {
            self.text(
                x0 + label_w + 1.5,
                y + 6.0,
                &field.value,
                3.4,
                x1 - x0 - label_w - 3.0,
                TextKind::Value,
            )
        } else {
            x0 + label_w
        };
        self.slot([x0, y, x1, y + ROW], end, false);
    }

    /// A table from `y`: a row of column headers, then the rows (empty on a blank form). Where
    /// the section goes on.
    fn table(&mut self, columns: &[String], rows: &[Vec<String>], mut y: f64) -> f64 {
        let cols = columns.len() as f64;
        let w = (RIGHT - LEFT) / cols;
        for (c, heading) in columns.iter().enumerate() {
            let x = LEFT + w * c as f64;
            self.cell(x, y, w, BoxKind::Label);
            let end = self.text(x + 1.2, y + 6.0, heading, 3.2, w - 2.4, TextKind::ColumnHeader);
            self.slot([x, y, x + w, y + ROW], end, false);
        }
        y += ROW;
        for row in rows {
            for c in 0..columns.len() {
                let x = LEFT + w * c as f64;
                self.cell(x, y, w, BoxKind::Plain);
                let end = match row.get(c).filter(|_| self.filled) {
                    Some(value) => self.text(x + 1.2, y + 6.0, value, 3.2, w - 2.4, TextKind::Value),
                    None => x,
                };
                self.slot([x, y, x + w, y + ROW], end, false);
            }
            y += ROW;
        }
        y
    }

    /// The signatures: one row of boxes at the foot of the page, each with its label and (on a
    /// sample) its seal, signature or date; a blank form keeps only the line to sign on.
    fn signatures(&mut self, signatures: &[FormSignature]) {
        if signatures.is_empty() {
            return;
        }
        let w = (RIGHT - LEFT) / signatures.len() as f64;
        for (i, sign) in signatures.iter().enumerate() {
            let x = LEFT + w * i as f64;
            self.marks.push(Mark::Box {
                x,
                y: SIGN_TOP,
                w,
                h: SIGN_BOTTOM - SIGN_TOP,
                kind: BoxKind::Plain,
            });
            self.text(x + 2.0, SIGN_TOP + 5.0, &sign.label, 3.0, w - 4.0, TextKind::Label);
            self.slot([x, SIGN_TOP, x + w, SIGN_BOTTOM], x + w, true);
            let cx = x + w / 2.0;
            let cy = (SIGN_TOP + SIGN_BOTTOM) / 2.0 + 2.5;
            let sign_line = Mark::SignLine {
                x1: x + 4.0,
                x2: x + w - 4.0,
                y: cy + 4.0,
            };
            match sign.kind {
                // A blank form keeps the line to sign on and nothing of the sample's seal,
                // signature or date.
                SignatureKind::Signature if !self.filled => self.marks.push(sign_line),
                _ if !self.filled => {}
                SignatureKind::Seal => {
                    let r = (w / 2.0 - 3.0).min(12.5);
                    self.marks.push(Mark::Seal { cx, cy, r });
                    self.text(cx, cy + 7.0, &sign.value, 2.6, r * 1.7, TextKind::SealValue);
                }
                SignatureKind::Signature => {
                    self.text(cx, cy + 2.0, &sign.value, 6.0, w - 6.0, TextKind::SignatureValue);
                    self.marks.push(sign_line);
                }
                SignatureKind::Date => {
                    self.text(cx, cy + 2.0, &sign.value, 3.6, w - 6.0, TextKind::DateValue);
                }
            }
        }
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
        let layout = lay_out(&form).layout;
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
        let page = lay_out(&form);
        // heading 8 + one shared row + one wide row = 40 + 8 + 9 + 9.
        assert_eq!(page.content_bottom, 66.0);
        // 甲 and 乙 share the row below the heading (y 48), each half with its label cell.
        let value_at = |value: &str| {
            page.marks.iter().find_map(|m| match m {
                Mark::Text {
                    x,
                    y,
                    text,
                    kind: TextKind::Value,
                    ..
                } if text == value => Some((*x, *y)),
                _ => None,
            })
        };
        assert_eq!(value_at("1"), Some((LEFT + 28.0 + 1.5, 54.0)));
        assert_eq!(value_at("2"), Some((105.0 + 28.0 + 1.5, 54.0)));
        // 丙 is wide: its own row, with the wider label cell.
        assert_eq!(value_at("3"), Some((LEFT + 35.0 + 1.5, 63.0)));
        assert!(
            lay_out_blank(&form, BlankWords::of(&crate::source::labels::Labels::builtin("zh-CN")))
                .marks
                .iter()
                .all(|m| !matches!(
                    m,
                    Mark::Text {
                        kind: TextKind::Value,
                        ..
                    }
                ))
        );
    }
}
