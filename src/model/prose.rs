//! Prose an author wrote, Markdown in a TOML string or in a file of its own, rendered to
//! [`Prose`] with every problem reported where it is written.

use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::load::SourceTree;
use crate::source::markdown::{self, MarkdownSource};
use crate::source::parse::resolve_path;
use crate::source::prose::Prose;

/// Markdown held in a TOML string of `file`. A problem in it is located where it is written,
/// also when the string has escapes (`\n`, `\u00e9`, a line-ending backslash).
pub(crate) fn render_toml_markdown(
    tree: &SourceTree,
    file: &str,
    text: &Spanned<String>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Prose {
    let file_text = tree.text(file);
    let offset = file_text.and_then(|t| markdown::toml_string_offset(t, &text.span()));
    let map = match offset {
        Some(_) => None,
        None => file_text.and_then(|t| crate::source::toml_places::string_map(t, &text.span(), text.get_ref())),
    };
    let Some(map) = map else {
        let source = MarkdownSource {
            file,
            offset,
            fallback: Some(text.span()),
        };
        return markdown::to_prose(text.get_ref(), source, heading_base, diagnostics);
    };
    // Located in the decoded text, then moved to the bytes that wrote it.
    let source = MarkdownSource {
        file,
        offset: Some(0),
        fallback: None,
    };
    let mut found = Diagnostics::default();
    let prose = markdown::to_prose(text.get_ref(), source, heading_base, &mut found);
    let place = |at: usize| map.get(at).or(map.last()).copied().unwrap_or(0);
    for mut diagnostic in found.into_iter() {
        if diagnostic.file == file
            && let Some(span) = &diagnostic.span
        {
            let start = place(span.start);
            diagnostic.span = Some(start..place(span.end).max(start));
        }
        diagnostics.push(diagnostic);
    }
    prose
}

/// Markdown in its own file, named from `from` at `written`.
pub(crate) fn render_markdown_file(
    tree: &SourceTree,
    from: &str,
    written: &Spanned<String>,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Option<Prose> {
    let path = resolve_path(tree, from, written, diagnostics)?;
    if !path.ends_with(".md") {
        diagnostics.push(Diagnostic::error(
            from,
            Some(written.span()),
            "prose files are Markdown files ending in .md",
        ));
        return None;
    }
    render_whole_file(tree, &path, heading_base, diagnostics)
}

/// A Markdown file read whole, with no TOML around it (a transcript, a prose file no source
/// names any more).
pub(crate) fn render_whole_file(
    tree: &SourceTree,
    path: &str,
    heading_base: u8,
    diagnostics: &mut Diagnostics,
) -> Option<Prose> {
    let text = tree.text(path)?;
    let source = MarkdownSource {
        file: path,
        offset: Some(0),
        fallback: None,
    };
    Some(markdown::to_prose(text, source, heading_base, diagnostics))
}
