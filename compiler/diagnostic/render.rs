//! Diagnostic rendering: takes diagnostics and the source file, gives text for people (rustc style, via
//! annotate-snippets), JSON Lines for programs, or GitHub workflow commands for pull requests.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity, elide, sanitize};
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-like text; `color` adds ANSI colours.
    Human { color: bool },
    /// One JSON object per line.
    Json,
    /// `::error file=..,line=..,col=..::message` workflow commands.
    Github,
}

/// Renders every diagnostic in `format`; `source` is the file spans point into, if it was read.
///
/// The user text a diagnostic echoes is bounded and printable in every format (see `sanitize`): a name
/// of ten megabytes is shown by its first characters, and a terminal escape in it is shown escaped.
pub fn render(diagnostics: &[Diagnostic], source: Option<&SourceFile>, format: Format) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let diagnostic = &printable(diagnostic);
        match format {
            Format::Human { color } => human(&mut out, diagnostic, source, color),
            Format::Json => json(&mut out, diagnostic, source),
            Format::Github => github(&mut out, diagnostic, source),
        }
    }
    out
}

/// The diagnostic with every text sanitised; a copy, since diagnostics are few and their texts short.
fn printable(diagnostic: &Diagnostic) -> Diagnostic {
    let clean = |text: &str| sanitize(text).into_owned();
    let label = |label: &super::Label| super::Label::new(label.span, clean(&label.message));
    Diagnostic {
        code: diagnostic.code,
        severity: diagnostic.severity,
        message: clean(&diagnostic.message),
        primary: diagnostic.primary.as_ref().map(label),
        secondary: diagnostic.secondary.iter().map(label).collect(),
        help: diagnostic.help.as_deref().map(clean),
        notes: diagnostic.notes.iter().map(|note| clean(note)).collect(),
        environments: diagnostic.environments.iter().map(|name| elide(name).into_owned()).collect(),
        file: diagnostic.file.as_ref().map(|file| super::FileLabel {
            path: clean(&file.path),
            line: file.line,
            column: file.column,
            line_text: clean(&file.line_text),
            message: clean(&file.message),
        }),
    }
}

fn human(out: &mut String, diagnostic: &Diagnostic, source: Option<&SourceFile>, color: bool) {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(diagnostic.message.as_str()).id(diagnostic.code.as_str());
    let mut group = Group::with_title(title);
    let excerpt = source.zip(diagnostic.primary.as_ref()).map(|(source, primary)| {
        let spans: Vec<std::ops::Range<usize>> =
            std::iter::once(primary).chain(&diagnostic.secondary).map(|label| clamp(source, label.span)).collect();
        Excerpt::new(&source.text, &spans)
    });
    if let (Some(source), Some(primary), Some(excerpt)) = (source, &diagnostic.primary, &excerpt) {
        let mut snippet =
            Snippet::source(excerpt.text.as_str()).path(source.path.as_str()).line_start(excerpt.line_start).fold(true);
        snippet = snippet.annotation(AnnotationKind::Primary.span(excerpt.spans[0].clone()).label(&primary.message));
        for (label, span) in diagnostic.secondary.iter().zip(&excerpt.spans[1..]) {
            snippet = snippet.annotation(AnnotationKind::Context.span(span.clone()).label(&label.message));
        }
        group = group.element(snippet);
    } else if let Some(file) = &diagnostic.file {
        // The one line, with the column marked (a column past the line's end marks its end).
        let at =
            file.line_text.char_indices().nth(file.column.saturating_sub(1)).map_or(file.line_text.len(), |it| it.0);
        let end = file.line_text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        let snippet = Snippet::source(file.line_text.as_str())
            .path(file.path.as_str())
            .line_start(file.line)
            .annotation(AnnotationKind::Primary.span(at..end).label(&file.message));
        group = group.element(snippet);
    }
    for note in &diagnostic.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    let environments = format!("in {}", environment_list(&diagnostic.environments));
    if !diagnostic.environments.is_empty() {
        group = group.element(Level::NOTE.message(environments.as_str()));
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let report = [group];
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    out.push_str(&renderer.term_width(100).render(&report));
    out.push_str("\n\n");
}

fn environment_list(environments: &[String]) -> String {
    let noun = if environments.len() == 1 { "environment" } else { "environments" };
    let names: Vec<String> = environments.iter().map(|name| format!("`{name}`")).collect();
    format!("{noun} {}", names.join(", "))
}

/// The lines a diagnostic shows, cut down to what is drawn: only the lines from the first label to the last,
/// and in a line longer than `MAX_LINE` bytes only its start, its end and the text around each label's
/// ends, joined by `…`. The renderer's work grows with the length of the lines it is given, and a line of
/// ten megabytes would take a minute to draw, only to be cut to the terminal's width.
struct Excerpt {
    text: String,
    /// The 1-based number of the excerpt's first line in the file.
    line_start: usize,
    /// The labels' spans, in the excerpt.
    spans: Vec<std::ops::Range<usize>>,
}

/// Lines longer than this are cut in an excerpt.
const MAX_LINE: usize = 400;

/// Bytes kept around each label's ends, and at the start and end of a cut line.
const CONTEXT: usize = 60;

impl Excerpt {
    fn new(text: &str, spans: &[std::ops::Range<usize>]) -> Excerpt {
        let first = spans.iter().map(|span| span.start).min().unwrap_or(0);
        let last = spans.iter().map(|span| span.end).max().unwrap_or(0);
        let region_start = text[..first].rfind('\n').map_or(0, |index| index + 1);
        let region_end = text[last..].find('\n').map_or(text.len(), |index| last + index + 1);
        let line_start = text[..region_start].bytes().filter(|byte| *byte == b'\n').count() + 1;
        // The byte ranges of the file that are kept, in order.
        let mut kept: Vec<std::ops::Range<usize>> = Vec::new();
        let mut line_begin = region_start;
        while line_begin < region_end {
            let line_end = text[line_begin..region_end].find('\n').map_or(region_end, |index| line_begin + index + 1);
            if line_end - line_begin <= MAX_LINE {
                kept.push(line_begin..line_end);
            } else {
                let around = |point: usize| {
                    text.floor_char_boundary(point.saturating_sub(CONTEXT).max(line_begin))
                        ..text.ceil_char_boundary((point + CONTEXT).min(line_end))
                };
                let head = line_begin..text.ceil_char_boundary((line_begin + CONTEXT).min(line_end));
                let mut ranges = Vec::new();
                ranges.push(head);
                for span in spans {
                    for point in [span.start, span.end] {
                        if (line_begin..=line_end).contains(&point) {
                            ranges.push(around(point));
                        }
                    }
                }
                ranges.push(text.floor_char_boundary(line_end.saturating_sub(CONTEXT).max(line_begin))..line_end);
                ranges.sort_by_key(|range| range.start);
                for range in ranges {
                    match kept.last_mut() {
                        Some(previous) if previous.end >= range.start && previous.start >= line_begin => {
                            previous.end = previous.end.max(range.end);
                        }
                        _ => kept.push(range),
                    }
                }
            }
            line_begin = line_end;
        }
        // Adjacent ranges (whole lines) join; a gap between two becomes `…`.
        let mut excerpt = String::new();
        let mut placed: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
        for range in kept {
            if let Some((previous, _)) = placed.last()
                && previous.end != range.start
            {
                excerpt.push('…');
            }
            placed.push((range.clone(), excerpt.len()));
            excerpt.push_str(&text[range]);
        }
        let map = |offset: usize| {
            for (range, at) in &placed {
                if offset < range.start {
                    // In a gap: at the `…` before this range.
                    return at.saturating_sub('…'.len_utf8());
                }
                if offset <= range.end {
                    return at + (offset - range.start);
                }
            }
            excerpt.len()
        };
        let spans = spans.iter().map(|span| map(span.start)..map(span.end).max(map(span.start))).collect();
        Excerpt { text: excerpt, line_start, spans }
    }
}

/// Spans from the TOML parser may end one past the text (an error at end of file); keep them inside.
fn clamp(source: &SourceFile, span: crate::source::Span) -> std::ops::Range<usize> {
    let end = span.end.min(source.text.len());
    let start = span.start.min(end);
    start..end
}

fn json(out: &mut String, diagnostic: &Diagnostic, source: Option<&SourceFile>) {
    let mut object = serde_json::Map::new();
    object.insert("code".into(), diagnostic.code.as_str().into());
    object.insert("name".into(), diagnostic.code.name().into());
    object.insert("severity".into(), diagnostic.severity.as_str().into());
    object.insert("message".into(), diagnostic.message.clone().into());
    if let Some(file) = &diagnostic.file {
        object.insert("file".into(), file.path.clone().into());
    } else if let Some(source) = source {
        object.insert("file".into(), source.path.clone().into());
    }
    let location = |label: &super::Label| {
        let mut location = serde_json::Map::new();
        if let Some(source) = source {
            let (line, column) = source.line_col(label.span.start);
            let (end_line, end_column) = source.line_col(label.span.end);
            location.insert("line".into(), line.into());
            location.insert("column".into(), column.into());
            location.insert("end_line".into(), end_line.into());
            location.insert("end_column".into(), end_column.into());
        }
        location.insert("label".into(), label.message.clone().into());
        serde_json::Value::Object(location)
    };
    let in_file = diagnostic.file.as_ref().map(|file| {
        serde_json::json!({
            "line": file.line, "column": file.column, "end_line": file.line, "end_column": file.column + 1,
            "label": file.message,
        })
    });
    object.insert(
        "primary".into(),
        diagnostic.primary.as_ref().map(location).or(in_file).unwrap_or(serde_json::Value::Null),
    );
    object.insert("secondary".into(), diagnostic.secondary.iter().map(location).collect());
    object.insert("help".into(), diagnostic.help.clone().map_or(serde_json::Value::Null, Into::into));
    object.insert("notes".into(), diagnostic.notes.clone().into());
    object.insert("environments".into(), diagnostic.environments.clone().into());
    out.push_str(&serde_json::Value::Object(object).to_string());
    out.push('\n');
}

fn github(out: &mut String, diagnostic: &Diagnostic, source: Option<&SourceFile>) {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let (Some(source), Some(primary)) = (source, &diagnostic.primary) {
        let (line, column) = source.line_col(primary.span.start);
        let (end_line, end_column) = source.line_col(primary.span.end);
        properties.push(format!("file={}", escape_property(&source.path)));
        properties.push(format!("line={line}"));
        properties.push(format!("col={column}"));
        if end_line == line {
            properties.push(format!("endColumn={end_column}"));
        } else {
            properties.push(format!("endLine={end_line}"));
        }
    } else if let Some(file) = &diagnostic.file {
        properties.push(format!("file={}", escape_property(&file.path)));
        properties.push(format!("line={}", file.line));
        properties.push(format!("col={}", file.column));
    }
    properties.push(format!("title={}", escape_property(&format!("{} {}", diagnostic.code, diagnostic.code.name()))));
    let mut message = diagnostic.message.clone();
    if !diagnostic.environments.is_empty() {
        let _ = write!(message, " ({})", environment_list(&diagnostic.environments));
    }
    for note in &diagnostic.notes {
        let _ = write!(message, "\nnote: {note}");
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    let _ = writeln!(out, "::{command} {}::{}", properties.join(","), escape_data(&message));
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
