//! Prose after the resolve stage: the same Markdown as HTML (for pages), as a small document
//! tree (for the PDF templates, which must never evaluate author text as markup) and as plain
//! text (for search and summaries).

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

/// A block of the document tree handed to PDF templates as JSON (`t` names the kind).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Block {
    Par {
        c: Vec<Inline>,
    },
    Heading {
        level: u8,
        c: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Quote {
        c: Vec<Block>,
    },
    Code {
        v: String,
    },
    Table {
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Inline {
    Text { v: String },
    Strong { c: Vec<Inline> },
    Emph { c: Vec<Inline> },
    Strike { c: Vec<Inline> },
    Code { v: String },
    Link { url: String, c: Vec<Inline> },
    Break,
}

/// Prose in its three forms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Prose {
    pub html: String,
    pub text: String,
    pub doc: Vec<Block>,
    /// Every link and image the author wrote, with its place, for the link check
    /// ([`crate::render::links`]); not part of what templates see.
    #[serde(skip)]
    pub links: Vec<SourceLink>,
}

/// A link or image destination as an author wrote it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLink {
    /// The destination, as the Markdown parser read it (entities and escapes decoded).
    pub url: String,
    pub file: String,
    /// The destination's place in `file` (the whole link when the exact place is unknown).
    pub span: Option<std::ops::Range<usize>>,
    /// An image (`![…](…)`) rather than a link.
    pub image: bool,
}

impl Prose {
    /// The plain text of every heading, in order (nested in lists and quotes too).
    pub fn headings(&self) -> Vec<String> {
        fn inline_text(xs: &[Inline], out: &mut String) {
            for x in xs {
                match x {
                    Inline::Text { v } | Inline::Code { v } => out.push_str(v),
                    Inline::Strong { c } | Inline::Emph { c } | Inline::Strike { c } | Inline::Link { c, .. } => {
                        inline_text(c, out)
                    }
                    Inline::Break => out.push(' '),
                }
            }
        }
        fn walk(blocks: &[Block], out: &mut Vec<String>) {
            for b in blocks {
                match b {
                    Block::Heading { c, .. } => {
                        let mut text = String::new();
                        inline_text(c, &mut text);
                        out.push(text);
                    }
                    Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                    Block::Quote { c } => walk(c, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.doc, &mut out);
        out
    }
}

enum Frame {
    Blocks(Vec<Block>),
    Inlines(Vec<Inline>),
}

/// Builds the document tree from (already checked) parser events.
pub fn tree(events: &[Event<'_>]) -> Vec<Block> {
    // A stack of open containers; each holds blocks or inlines.
    let mut stack: Vec<(Option<Tag<'_>>, Frame)> = vec![(None, Frame::Blocks(Vec::new()))];
    let mut table_head: Vec<Vec<Inline>> = Vec::new();
    let mut table_rows: Vec<Vec<Vec<Inline>>> = Vec::new();
    let mut row: Vec<Vec<Inline>> = Vec::new();
    let mut in_head = false;

    fn push_inline(stack: &mut Vec<(Option<Tag<'_>>, Frame)>, inline: Inline) {
        if let Some((_, Frame::Blocks(_))) = stack.last() {
            // Text directly in a tight list item: open an implicit paragraph.
            stack.push((Some(Tag::Paragraph), Frame::Inlines(Vec::new())));
        }
        if let Some((_, Frame::Inlines(v))) = stack.last_mut() {
            v.push(inline);
        }
    }
    fn close_implicit(stack: &mut Vec<(Option<Tag<'_>>, Frame)>) {
        // An implicit paragraph sits on a Blocks frame of an item; close it before the item's
        // own nested blocks or end.
        if let Some((Some(Tag::Paragraph), Frame::Inlines(_))) = stack.last()
            && stack.len() >= 2
            && matches!(stack[stack.len() - 2].1, Frame::Blocks(_))
            && matches!(stack[stack.len() - 2].0, Some(Tag::Item))
            && let Some((_, Frame::Inlines(c))) = stack.pop()
            && let Some((_, Frame::Blocks(b))) = stack.last_mut()
        {
            b.push(Block::Par { c });
        }
    }

    for event in events {
        match event {
            Event::Start(tag) => {
                let frame = match tag {
                    Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
                    | Tag::TableCell
                    | Tag::Image { .. } => Frame::Inlines(Vec::new()),
                    _ => Frame::Blocks(Vec::new()),
                };
                if matches!(
                    tag,
                    Tag::List(_) | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::Table(_)
                ) {
                    close_implicit(&mut stack);
                }
                if matches!(tag, Tag::TableHead) {
                    in_head = true;
                }
                if matches!(tag, Tag::Table(_)) {
                    table_head.clear();
                    table_rows.clear();
                }
                stack.push((Some(tag.clone()), frame));
            }
            Event::End(end) => {
                if matches!(end, TagEnd::Item) {
                    close_implicit(&mut stack);
                }
                let Some((Some(tag), frame)) = stack.pop() else {
                    continue;
                };
                match (tag, frame) {
                    (Tag::Paragraph, Frame::Inlines(c)) => push_block(&mut stack, Block::Par { c }),
                    (Tag::Heading { level, .. }, Frame::Inlines(c)) => {
                        push_block(&mut stack, Block::Heading { level: level as u8, c })
                    }
                    (Tag::Emphasis, Frame::Inlines(c)) => push_inline(&mut stack, Inline::Emph { c }),
                    (Tag::Strong, Frame::Inlines(c)) => push_inline(&mut stack, Inline::Strong { c }),
                    (Tag::Strikethrough, Frame::Inlines(c)) => push_inline(&mut stack, Inline::Strike { c }),
                    (Tag::Link { dest_url, .. }, Frame::Inlines(c)) => push_inline(
                        &mut stack,
                        Inline::Link {
                            url: dest_url.to_string(),
                            c,
                        },
                    ),
                    (Tag::Image { .. }, Frame::Inlines(c)) => push_inline(&mut stack, Inline::Emph { c }),
                    (Tag::Item, Frame::Blocks(b)) => {
                        if let Some((_, Frame::Blocks(items))) = stack.last_mut() {
                            // Items are collected as a List placeholder holding one Quote per item.
                            items.push(Block::Quote { c: b });
                        }
                    }
                    (Tag::List(start), Frame::Blocks(items)) => {
                        let items = items
                            .into_iter()
                            .map(|b| if let Block::Quote { c } = b { c } else { vec![b] })
                            .collect();
                        push_block(
                            &mut stack,
                            Block::List {
                                ordered: start.is_some(),
                                start: start.unwrap_or(1),
                                items,
                            },
                        );
                    }
                    (Tag::BlockQuote(_), Frame::Blocks(c)) => push_block(&mut stack, Block::Quote { c }),
                    (Tag::CodeBlock(_), Frame::Blocks(c)) => {
                        let v = c
                            .into_iter()
                            .filter_map(|b| if let Block::Code { v } = b { Some(v) } else { None })
                            .collect();
                        push_block(&mut stack, Block::Code { v });
                    }
                    (Tag::TableCell, Frame::Inlines(c)) => row.push(c),
                    (Tag::TableHead, _) => {
                        table_head = std::mem::take(&mut row);
                        in_head = false;
                    }
                    (Tag::TableRow, _) => table_rows.push(std::mem::take(&mut row)),
                    (Tag::Table(_), _) => push_block(
                        &mut stack,
                        Block::Table {
                            head: std::mem::take(&mut table_head),
                            rows: std::mem::take(&mut table_rows),
                        },
                    ),
                    (_, Frame::Blocks(c)) => {
                        for b in c {
                            push_block(&mut stack, b);
                        }
                    }
                    (_, Frame::Inlines(c)) => {
                        for i in c {
                            push_inline(&mut stack, i);
                        }
                    }
                }
            }
            Event::Text(t) => {
                if let Some((Some(Tag::CodeBlock(_)), Frame::Blocks(b))) = stack.last_mut() {
                    b.push(Block::Code { v: t.to_string() });
                } else {
                    push_inline(&mut stack, Inline::Text { v: t.to_string() });
                }
            }
            Event::Code(t) => push_inline(&mut stack, Inline::Code { v: t.to_string() }),
            Event::SoftBreak => push_inline(&mut stack, Inline::Text { v: " ".into() }),
            Event::HardBreak => push_inline(&mut stack, Inline::Break),
            Event::Rule => push_block(&mut stack, Block::Rule),
            _ => {}
        }
    }
    let _ = in_head;
    match stack.into_iter().next() {
        Some((_, Frame::Blocks(b))) => b,
        _ => Vec::new(),
    }
}

fn push_block(stack: &mut [(Option<Tag<'_>>, Frame)], block: Block) {
    if let Some((_, Frame::Blocks(b))) = stack.last_mut() {
        b.push(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use crate::source::markdown::{MarkdownSource, checked_events};

    fn doc(text: &str) -> Vec<Block> {
        let mut d = Diagnostics::default();
        let events = checked_events(
            text,
            MarkdownSource {
                file: "x.md",
                offset: Some(0),
                fallback: None,
            },
            3,
            &mut d,
        );
        tree(&events)
    }

    fn text(v: &str) -> Inline {
        Inline::Text { v: v.into() }
    }

    #[test]
    fn paragraphs_and_inline_styles() {
        assert_eq!(
            doc("一段 **加粗** 文字"),
            vec![Block::Par {
                c: vec![
                    text("一段 "),
                    Inline::Strong {
                        c: vec![text("加粗")]
                    },
                    text(" 文字")
                ]
            }]
        );
    }

    #[test]
    fn tight_lists_get_paragraphs() {
        assert_eq!(
            doc("- 甲\n- 乙\n"),
            vec![Block::List {
                ordered: false,
                start: 1,
                items: vec![
                    vec![Block::Par { c: vec![text("甲")] }],
                    vec![Block::Par { c: vec![text("乙")] }]
                ]
            }]
        );
    }

    #[test]
    fn nested_list_and_heading() {
        let d = doc("# 标题\n\n1. 一\n   - 子\n2. 二\n");
        assert_eq!(
            d[0],
            Block::Heading {
                level: 3,
                c: vec![text("标题")]
            }
        );
        let Block::List {
            ordered: true, items, ..
        } = &d[1]
        else {
            panic!("{d:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].len(), 2, "{items:?}");
    }

    #[test]
    fn markup_like_text_stays_text() {
        assert_eq!(
            doc("#panic(\"x\") $x$"),
            vec![Block::Par {
                c: vec![text("#panic(\"x\") $x$")]
            }]
        );
    }

    #[test]
    fn tables() {
        let d = doc("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(
            d,
            vec![Block::Table {
                head: vec![vec![text("a")], vec![text("b")]],
                rows: vec![vec![vec![text("1")], vec![text("2")]]]
            }]
        );
    }
}
