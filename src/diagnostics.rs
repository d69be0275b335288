//! Diagnostics: every problem found in the sources, with its file, place and a way out.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the first problem
//! (rust-analyzer's "parsing never fails" habit). Locations are byte spans into the source
//! text held by [`crate::load::SourceTree`]; they are turned into `line:column` (columns count
//! characters, as editors do) only when printed.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::load::SourceTree;

/// How bad a problem is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path of the file relative to the site root, with `/` separators.
    pub file: String,
    /// Byte range in the file's text; `None` for whole-file problems (a missing file).
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Short text shown under the offending code.
    pub label: Option<String>,
    /// Ways out, each printed as a `hint:` line.
    pub hints: Vec<String>,
    /// Other places that belong to the problem (the first definition of a duplicate), each
    /// printed as its own `file:line:col: note: …` with its line underlined.
    pub notes: Vec<Note>,
}

/// A second place a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub file: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            span,
            message: message.into(),
            label: None,
            hints: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn warning(file: impl Into<String>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds another place, e.g. `"first defined here"` for a duplicate.
    pub fn with_note(
        mut self,
        file: impl Into<String>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        self.notes.push(Note {
            file: file.into(),
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// The problems found so far, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// The diagnostic pushed last, to add hints to it.
    ///
    /// # Panics
    /// Never after a `push`; callers only use it right after one.
    pub fn last_mut(&mut self) -> &mut Diagnostic {
        self.items.last_mut().expect("last_mut is called right after push")
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, so output does not depend on thread scheduling.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (&a.file, a.span.as_ref().map(|s| s.start), a.severity, &a.message).cmp(&(
                &b.file,
                b.span.as_ref().map(|s| s.start),
                b.severity,
                &b.message,
            ))
        });
        self.items.dedup();
        self
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// One-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `file:line:col: severity: message`, the first line of a printed diagnostic; what editors
/// and `grep` understand.
pub fn headline(diagnostic: &Diagnostic, sources: &SourceTree) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{}: {severity}: {}",
        place(&diagnostic.file, diagnostic.span.as_ref(), sources),
        diagnostic.message
    )
}

/// `file:line:col` of a span, or the bare file for a whole-file problem.
pub fn place(file: &str, span: Option<&Range<usize>>, sources: &SourceTree) -> String {
    match (span, sources.display_text(file)) {
        (Some(span), Some(text)) => {
            let (line, col) = line_col(&text, span.start);
            format!("{file}:{line}:{col}")
        }
        _ => file.to_owned(),
    }
}

/// The full text of a diagnostic: the headline, the offending line with the span underlined,
/// and one `hint:` line per hint.
pub fn render(diagnostic: &Diagnostic, sources: &SourceTree) -> String {
    let mut out = headline(diagnostic, sources);
    out.push('\n');
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let label = diagnostic.label.as_deref().unwrap_or("");
    snippet(
        &mut out,
        &diagnostic.file,
        diagnostic.span.as_ref(),
        level,
        label,
        sources,
    );
    for note in &diagnostic.notes {
        let _ = writeln!(
            out,
            "{}: note: {}",
            place(&note.file, note.span.as_ref(), sources),
            note.message
        );
        snippet(
            &mut out,
            &note.file,
            note.span.as_ref(),
            Level::NOTE,
            &note.message,
            sources,
        );
    }
    for hint in &diagnostic.hints {
        let _ = writeln!(out, "  = hint: {hint}");
    }
    out
}

/// The line(s) of `span` in `file` with the span underlined and labelled.
fn snippet(
    out: &mut String,
    file: &str,
    span: Option<&Range<usize>>,
    level: Level<'_>,
    label: &str,
    sources: &SourceTree,
) {
    let (Some(span), Some(text)) = (span, sources.display_text(file)) else {
        return;
    };
    let text = text.as_ref();
    let span = clamp_span(text, span.clone());
    let group = Group::with_level(level)
        .element(Snippet::source(text).annotation(AnnotationKind::Primary.span(span).label(label)));
    let rendered = Renderer::plain().render(&[group]);
    for line in rendered.lines() {
        if line.trim().is_empty() && out.ends_with("|\n") {
            continue;
        }
        let _ = writeln!(out, "{line}");
    }
}

fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

/// All diagnostics, rendered, followed by a one-line summary.
pub fn render_all(diagnostics: &Diagnostics, sources: &SourceTree) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        out.push_str(&render(diagnostic, sources));
        out.push('\n');
    }
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    if errors + warnings > 0 {
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    }
    out
}

/// The nearest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "a = 1\n名称 = \"药店\"\n";
        let offset = text.find('=').unwrap();
        assert_eq!(line_col(text, offset), (1, 3));
        let offset = text.rfind('=').unwrap();
        assert_eq!(line_col(text, offset), (2, 4));
    }

    #[test]
    fn nearest_finds_a_typo() {
        assert_eq!(nearest("titel", ["title", "summary", "code"]), Some("title"));
        assert_eq!(nearest("zzz", ["title", "summary"]), None);
    }
}
