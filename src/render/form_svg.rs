//! A laid-out form ([`crate::model::form_layout::FormPage`]) drawn as an A4 SVG page: the
//! filled-in sample and the same form blank. Colours, weights and anchors are chosen here;
//! every place and size comes from the layout.

use std::fmt::Write as _;

use super::plan_svg::{FONT_FAMILY, escape};
use crate::model::form_layout::{BoxKind, FormPage, Mark, PAGE_H, PAGE_W, TextKind};

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

/// How each kind of text is drawn; filled-in values are blue and marked as values.
fn text_attrs(kind: TextKind) -> &'static str {
    match kind {
        TextKind::Title => r##" font-weight="bold" text-anchor="middle" fill="#111""##,
        TextKind::Subtitle => r##" text-anchor="middle" fill="#555""##,
        TextKind::Heading => r##" font-weight="bold" fill="#111""##,
        TextKind::Label => r##" fill="#333""##,
        TextKind::ColumnHeader => r##" font-weight="bold" fill="#333""##,
        TextKind::Value => r##" class="value" fill="#0b3d91""##,
        TextKind::SealValue => r##" class="value" fill="#c8102e" text-anchor="middle" opacity="0.85""##,
        TextKind::SignatureValue => r##" class="value" fill="#0b3d91" text-anchor="middle" font-style="italic""##,
        TextKind::DateValue => r##" class="value" fill="#0b3d91" text-anchor="middle""##,
        TextKind::Footer => r##" fill="#666" text-anchor="middle""##,
    }
}

fn box_fill(kind: BoxKind) -> &'static str {
    match kind {
        BoxKind::Heading => "#e8ecf1",
        BoxKind::Label => "#f6f7f9",
        BoxKind::Plain => "#ffffff",
    }
}

/// The page as SVG (3 px a millimetre).
pub(crate) fn svg(page: &FormPage) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAGE_W} {PAGE_H}" width="{}" height="{}" role="img" aria-label="{}" font-family="{}">"#,
        n(PAGE_W * 3.0),
        n(PAGE_H * 3.0),
        escape(&page.label),
        FONT_FAMILY.replace('\'', "&#39;")
    );
    s.push_str("<rect width=\"210\" height=\"297\" fill=\"#ffffff\"/>\n");
    for mark in &page.marks {
        let _ = match mark {
            Mark::Box { x, y, w, h, kind } => writeln!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#333" stroke-width="0.25"/>"##,
                n(*x),
                n(*y),
                n(*w),
                n(*h),
                box_fill(*kind)
            ),
            Mark::Text { x, y, size, text, kind } => writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="{}"{}>{}</text>"#,
                n(*x),
                n(*y),
                n(*size),
                text_attrs(*kind),
                escape(text)
            ),
            Mark::SignLine { x1, x2, y } => writeln!(
                s,
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="0.2"/>"##,
                n(*x1),
                n(*y),
                n(*x2),
                n(*y)
            ),
            Mark::Seal { cx, cy, r } => writeln!(
                s,
                r##"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="#c8102e" stroke-width="0.9" opacity="0.85"/>
<path d="M{},{} l1.2,3.6 h3.8 l-3.1,2.2 1.2,3.6 -3.1,-2.2 -3.1,2.2 1.2,-3.6 -3.1,-2.2 h3.8 z" fill="#c8102e" opacity="0.85"/>"##,
                n(*cx),
                n(*cy),
                n(*r),
                n(*cx),
                n(*cy - 6.0)
            ),
        };
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::form_layout::{lay_out, lay_out_blank};
    use crate::source::format::FormToml;

    fn form() -> FormToml {
        toml::from_str(
            r#"
title = "申请书"
subtitle = "（示例）"
[[sections]]
heading = "一"
[[sections.fields]]
label = "名称"
value = "示例 & <公司>"
[[signatures]]
kind = "seal"
label = "盖章"
value = "示例公司"
"#,
        )
        .unwrap()
    }

    #[test]
    fn every_mark_is_drawn_in_order_with_its_place() {
        let page = lay_out(&form());
        let svg = svg(&page);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 210 297\" width=\"630\" height=\"891\" role=\"img\" aria-label=\"申请书\""));
        let title = svg.find(">申请书</text>").unwrap();
        let value = svg.find(">示例 &amp; &lt;公司&gt;</text>").expect("values are escaped");
        let seal = svg.find("<circle").unwrap();
        assert!(title < value && value < seal, "drawing order is the layout's");
        assert!(svg.contains(r##"<text x="51.5" y="54" font-size="3.4" class="value" fill="#0b3d91">"##));
        assert!(svg.ends_with("</svg>\n"));
    }

    #[test]
    fn a_blank_page_draws_no_values() {
        let svg = svg(&lay_out_blank(
            &form(),
            crate::model::form_layout::BlankWords::of(&crate::source::labels::Labels::builtin("zh-CN")),
        ));
        assert!(!svg.contains("class=\"value\""));
        assert!(!svg.contains("<circle"), "no seal on a blank form");
        assert!(svg.contains(">名称</text>"));
    }
}
