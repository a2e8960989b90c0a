//! Diagnostics: the one type every stage reports problems with, its stable codes, "did you mean"
//! suggestions, and the renderers (human, JSON, GitHub annotations) the CLI prints them with.

mod code;
mod render;
mod suggest;
mod text;

pub use code::Code;
pub use render::{Format, render};
pub use suggest::{did_you_mean, suggest};
pub use text::{describe, elide, non_ascii, quoted_list, sanitize, sanitize_quoted};

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a short note printed under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label { span, message: message.into() }
    }
}

/// A place in a file other than the platform file (a plain manifest): its path, 1-based line and column
/// (in characters), the text of that line, and a short note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileLabel {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    pub message: String,
}

/// One problem: what, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, identifiers in backticks, no trailing period; makes sense on its own.
    pub message: String,
    /// Where in the platform file; `None` for problems outside it (a stale file in `out/`).
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Facts that explain the problem, printed as `= note:` lines.
    pub notes: Vec<String>,
    /// The environments the problem shows up in; empty when it does not depend on one.
    pub environments: Vec<String>,
    /// Where in another file, when the problem is there and not in the platform file (`primary` is then
    /// `None`).
    pub file: Option<FileLabel>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            environments: Vec::new(),
            file: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label::new(span, message));
        self
    }

    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, message));
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Locates the problem in another file: `line_text` is that file's line (cut to 400 bytes).
    #[must_use]
    pub fn with_file(
        mut self,
        path: &str,
        line: usize,
        column: usize,
        text: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
        let end = line_text.floor_char_boundary(400);
        self.file = Some(FileLabel {
            path: path.to_owned(),
            line,
            column,
            line_text: line_text[..end].to_owned(),
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn in_environment(mut self, environment: &str) -> Diagnostic {
        self.environments = vec![environment.to_owned()];
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Merges diagnostics that differ only in their environment, then sorts them by position in the file.
///
/// Every environment is checked on its own, so a mistake in the base platform is found once per
/// environment; the user should read it once, with the list of environments it affects.
pub fn consolidate(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut index: std::collections::HashMap<Diagnostic, usize> = std::collections::HashMap::new();
    for mut diagnostic in diagnostics {
        let environments = std::mem::take(&mut diagnostic.environments);
        if let Some(&position) = index.get(&diagnostic) {
            let existing = &mut merged[position].environments;
            for environment in environments {
                if !existing.contains(&environment) {
                    existing.push(environment);
                }
            }
        } else {
            index.insert(diagnostic.clone(), merged.len());
            diagnostic.environments = environments;
            merged.push(diagnostic);
        }
    }
    merged.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.primary.as_ref().map_or(usize::MAX, |label| label.span.start), d.code);
        key(a).cmp(&key(b))
    });
    merged
}
