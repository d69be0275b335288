//! Diagnostics: every problem found in the sources, with its file, place and a way out.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the first problem
//! (rust-analyzer's "parsing never fails" habit). Locations are byte spans into the source
//! text held by a [`SourceText`] (the load stage's `SourceTree`); they are turned into `line:column` (columns count
//! characters, as editors do) only when printed.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a problem is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where diagnostics find the text their spans point into: the load stage's `SourceTree`
/// implements it, so this module depends on no stage.
pub trait SourceText {
    /// The text of a file for showing a diagnostic's line, if the file is text.
    fn display_text(&self, path: &str) -> Option<std::borrow::Cow<'_, str>>;
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

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds another place, e.g. `"first defined here"` for a duplicate.
    pub(crate) fn with_note(
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

    pub(crate) fn with_label(mut self, label: impl Into<String>) -> Self {
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
    pub(crate) fn last_mut(&mut self) -> &mut Diagnostic {
        self.items.last_mut().expect("last_mut is called right after push")
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub(crate) fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub(crate) fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, so output does not depend on thread scheduling.
    pub(crate) fn sorted(mut self) -> Self {
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
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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
pub fn headline(diagnostic: &Diagnostic, sources: &dyn SourceText) -> String {
    styled_headline(diagnostic, sources, Style::Plain)
}

/// Plain text, or with the terminal colours of rustc and cargo (bold place, red `error`,
/// yellow `warning`, blue notes and hints). Whether a terminal gets colours is the command
/// line's choice (it honours `NO_COLOR`); files, the preview overlay and tests get plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    #[default]
    Plain,
    Coloured,
}

impl Style {
    fn paint(self, style: anstyle::Style, text: &str) -> String {
        match self {
            Style::Plain => text.to_owned(),
            Style::Coloured => format!("{style}{text}{style:#}"),
        }
    }
}

const BOLD: anstyle::Style = anstyle::Style::new().bold();
const RED: anstyle::Style = anstyle::AnsiColor::BrightRed.on_default().bold();
const YELLOW: anstyle::Style = anstyle::AnsiColor::BrightYellow.on_default().bold();
const BLUE: anstyle::Style = anstyle::AnsiColor::BrightBlue.on_default().bold();

fn styled_headline(diagnostic: &Diagnostic, sources: &dyn SourceText, style: Style) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => style.paint(RED, "error"),
        Severity::Warning => style.paint(YELLOW, "warning"),
    };
    format!(
        "{}: {severity}: {}",
        style.paint(BOLD, &place(&diagnostic.file, diagnostic.span.as_ref(), sources)),
        style.paint(BOLD, &diagnostic.message)
    )
}

/// `file:line:col` of a span, or the bare file for a whole-file problem.
pub fn place(file: &str, span: Option<&Range<usize>>, sources: &dyn SourceText) -> String {
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
pub fn render(diagnostic: &Diagnostic, sources: &dyn SourceText) -> String {
    render_styled(diagnostic, sources, Style::Plain)
}

/// [`render`] in a [`Style`].
pub(crate) fn render_styled(diagnostic: &Diagnostic, sources: &dyn SourceText, style: Style) -> String {
    let mut out = styled_headline(diagnostic, sources, style);
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
        style,
    );
    for note in &diagnostic.notes {
        let _ = writeln!(
            out,
            "{}: {}: {}",
            style.paint(BOLD, &place(&note.file, note.span.as_ref(), sources)),
            style.paint(BLUE, "note"),
            note.message
        );
        snippet(
            &mut out,
            &note.file,
            note.span.as_ref(),
            Level::NOTE,
            &note.message,
            sources,
            style,
        );
    }
    for hint in &diagnostic.hints {
        let _ = writeln!(out, "  = {}: {hint}", style.paint(BLUE, "hint"));
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
    sources: &dyn SourceText,
    style: Style,
) {
    let (Some(span), Some(text)) = (span, sources.display_text(file)) else {
        return;
    };
    let text = text.as_ref();
    let span = clamp_span(text, span.clone());
    let group = Group::with_level(level)
        .element(Snippet::source(text).annotation(AnnotationKind::Primary.span(span).label(label)));
    let renderer = match style {
        Style::Plain => Renderer::plain(),
        Style::Coloured => Renderer::styled(),
    };
    let rendered = renderer.render(&[group]);
    for line in rendered.lines() {
        if anstream::adapter::strip_str(line).to_string().trim().is_empty() && out.ends_with("|\n") {
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
pub fn render_all(diagnostics: &Diagnostics, sources: &dyn SourceText) -> String {
    render_all_styled(diagnostics, sources, Style::Plain)
}

/// [`render_all`] in a [`Style`].
pub fn render_all_styled(diagnostics: &Diagnostics, sources: &dyn SourceText, style: Style) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics.iter() {
        out.push_str(&render_styled(diagnostic, sources, style));
        out.push('\n');
    }
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    if errors + warnings > 0 {
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    }
    out
}

/// A place in a file as editors count it: one-based line and column (in characters).
#[derive(Debug, Clone, Serialize)]
pub struct JsonPlace {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
}

/// One diagnostic as `check --format json` prints it (a stable shape for editors and CI).
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    pub severity: Severity,
    #[serde(flatten)]
    pub place: JsonPlace,
    pub message: String,
    pub label: Option<String>,
    pub hints: Vec<String>,
    pub notes: Vec<JsonNote>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonNote {
    #[serde(flatten)]
    pub place: JsonPlace,
    pub message: String,
}

fn json_place(file: &str, span: Option<&Range<usize>>, sources: &dyn SourceText) -> JsonPlace {
    let at = span.zip(sources.display_text(file)).map(|(span, text)| {
        let span = clamp_span(&text, span.clone());
        (line_col(&text, span.start), line_col(&text, span.end))
    });
    JsonPlace {
        file: file.to_owned(),
        line: at.map(|a| a.0.0),
        column: at.map(|a| a.0.1),
        end_line: at.map(|a| a.1.0),
        end_column: at.map(|a| a.1.1),
    }
}

/// Every diagnostic with one-based lines and columns, in the order they are printed.
pub fn to_json(diagnostics: &Diagnostics, sources: &dyn SourceText) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            place: json_place(&d.file, d.span.as_ref(), sources),
            message: d.message.clone(),
            label: d.label.clone(),
            hints: d.hints.clone(),
            notes: d
                .notes
                .iter()
                .map(|n| JsonNote {
                    place: json_place(&n.file, n.span.as_ref(), sources),
                    message: n.message.clone(),
                })
                .collect(),
        })
        .collect()
}

/// `n` and the noun for it, singular for one: `count(1, "entry", "entries")` is "1 entry".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The nearest of `candidates` to `word`, if it is close enough to be a likely typo.
pub(crate) fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
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
    fn a_count_of_one_takes_the_singular() {
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(0, "entry", "entries"), "0 entries");
        assert_eq!(count(2, "text field has", "text fields have"), "2 text fields have");
    }

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
