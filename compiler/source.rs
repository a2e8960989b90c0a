//! Source text and positions: takes the platform file's text, gives byte spans, `Spanned<T>` values and
//! line/column lookups that every later stage uses to point at what the user wrote.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One input file, as read by `load`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it; shown in diagnostics.
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { path: path.into(), text: text.into() }
    }

    /// 1-based line and column (in characters) of a byte offset. A byte-order mark at the start of the
    /// file is not a column: editors do not show it.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or_else(|| before.strip_prefix('\u{FEFF}').map_or(0, |_| 3), |i| i + 1);
        let column = before.get(line_start..).map_or(0, |it| it.chars().count()) + 1;
        (line, column)
    }

    /// The file name alone, used in generated headers so they do not depend on where the tool ran.
    pub fn file_name(&self) -> &str {
        self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path)
    }
}

/// A byte range in the platform file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Span {
        Span { start: range.start, end: range.end }
    }
}

/// A value with the span of the text it came from.
///
/// Equality, ordering and hashing look at the value only, so spanned names work as map keys.
/// This is the one type outside `model` that implements `Deserialize` and `JsonSchema`: it reads through
/// `toml::Spanned` and describes itself as the bare value, so the schema never mentions spans.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned { value: f(self.value), span: self.span }
    }

    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned { value: &self.value, span: self.span }
    }
}

impl<T: Default> Default for Spanned<T> {
    fn default() -> Spanned<T> {
        Spanned { value: T::default(), span: Span::default() }
    }
}

/// A value written in Rust rather than read from a file has no span.
impl<T> From<T> for Spanned<T> {
    fn from(value: T) -> Spanned<T> {
        Spanned { value, span: Span::default() }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Hash> Hash for Spanned<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl Borrow<str> for Spanned<String> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<T>::deserialize(deserializer)?;
        let span = Span::from(spanned.span());
        Ok(Spanned { value: spanned.into_inner(), span })
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new("p.toml", "a = 1\nbé = 2\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        assert_eq!(file.line_col(9), (2, 3));
        let with_mark = SourceFile::new("p.toml", "\u{FEFF}ab = 1\n");
        assert_eq!(with_mark.line_col(3), (1, 1));
        assert_eq!(with_mark.line_col(4), (1, 2));
        assert_eq!(with_mark.line_col(0), (1, 1));
    }
}
