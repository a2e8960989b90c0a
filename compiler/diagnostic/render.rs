//! Diagnostic rendering: takes diagnostics and the source file, gives text for people (rustc style, via
//! annotate-snippets), JSON Lines for programs, or GitHub workflow commands for pull requests.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity};
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
pub fn render(diagnostics: &[Diagnostic], source: Option<&SourceFile>, format: Format) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        match format {
            Format::Human { color } => human(&mut out, diagnostic, source, color),
            Format::Json => json(&mut out, diagnostic, source),
            Format::Github => github(&mut out, diagnostic, source),
        }
    }
    out
}

fn human(out: &mut String, diagnostic: &Diagnostic, source: Option<&SourceFile>, color: bool) {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(diagnostic.message.as_str()).id(diagnostic.code.as_str());
    let mut group = Group::with_title(title);
    if let (Some(source), Some(primary)) = (source, &diagnostic.primary) {
        let mut snippet = Snippet::source(source.text.as_str()).path(source.path.as_str()).line_start(1).fold(true);
        snippet = snippet.annotation(AnnotationKind::Primary.span(clamp(source, primary.span)).label(&primary.message));
        for label in &diagnostic.secondary {
            snippet = snippet.annotation(AnnotationKind::Context.span(clamp(source, label.span)).label(&label.message));
        }
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
    if let Some(source) = source {
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
    object.insert("primary".into(), diagnostic.primary.as_ref().map_or(serde_json::Value::Null, location));
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
