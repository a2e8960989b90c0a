//! `${...}` references: takes a string and a lookup of what can be referenced, gives the expanded string
//! and every reference in it (name and span, so that the analysis can draw the edges they make), or the
//! span and name of every reference that resolves to nothing. `$${` writes a literal `${`.

use crate::source::Span;

/// A reference: its name (`services.api.url`) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub(crate) reference: String,
    pub(crate) span: Span,
}

/// A reference that resolved to nothing.
pub(crate) type Unresolved = Reference;

/// Expands every `${name}` in `text` with `lookup(name)`; gives the text and the references it held.
///
/// `raw` is the source text the value was written as (with its quotes), used to point inside the string;
/// when the string has escapes and offsets cannot be mapped, errors point at the whole value.
pub(crate) fn expand(
    text: &str,
    span: Span,
    raw: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(String, Vec<Reference>), Vec<Unresolved>> {
    let inner_offset = inner_offset(text, raw);
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    let mut found = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(unescaped) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = unescaped;
            consumed += start + 3;
            continue;
        }
        if !after.starts_with("${") {
            out.push('$');
            rest = &after[1..];
            consumed += start + 1;
            continue;
        }
        let Some(end) = after.find('}') else {
            let at = consumed + start;
            errors.push(Unresolved { reference: after.to_owned(), span: sub_span(span, inner_offset, at, text.len()) });
            rest = "";
            break;
        };
        let name = after[2..end].trim();
        let at = consumed + start;
        let reference = Reference { reference: name.to_owned(), span: sub_span(span, inner_offset, at, at + end + 1) };
        match lookup(name) {
            Some(value) => {
                out.push_str(&value);
                found.push(reference);
            }
            None => errors.push(reference),
        }
        rest = &after[end + 1..];
        consumed += start + end + 1;
    }
    out.push_str(rest);
    if errors.is_empty() { Ok((out, found)) } else { Err(errors) }
}

/// Where the value's characters start inside its source text, if the text is the value written plainly.
fn inner_offset(text: &str, raw: &str) -> Option<usize> {
    for quote in ["\"", "'"] {
        if raw.len() == text.len() + 2
            && raw.starts_with(quote)
            && raw.ends_with(quote)
            && &raw[1..raw.len() - 1] == text
        {
            return Some(1);
        }
    }
    None
}

fn sub_span(span: Span, inner_offset: Option<usize>, start: usize, end: usize) -> Span {
    match inner_offset {
        Some(offset) => Span::new(span.start + offset + start, span.start + offset + end),
        None => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        (name == "platform.name").then(|| "flowmind".to_owned())
    }

    #[test]
    fn expands_known_references_and_escapes() {
        let text = "${platform.name}-db $${literal} $5";
        let raw = format!("\"{text}\"");
        let (expanded, references) = expand(text, Span::new(10, 10 + raw.len()), &raw, lookup).unwrap();
        assert_eq!(expanded, "flowmind-db ${literal} $5");
        assert_eq!(references, vec![Reference { reference: "platform.name".to_owned(), span: Span::new(11, 27) }]);
    }

    #[test]
    fn reports_each_unknown_reference_with_its_span() {
        let text = "a ${nope} ${platform.name} ${also.nope}";
        let raw = format!("\"{text}\"");
        let errors = expand(text, Span::new(100, 100 + raw.len()), &raw, lookup).unwrap_err();
        assert_eq!(
            errors,
            vec![
                Unresolved { reference: "nope".to_owned(), span: Span::new(103, 110) },
                Unresolved { reference: "also.nope".to_owned(), span: Span::new(128, 140) },
            ]
        );
    }
}
