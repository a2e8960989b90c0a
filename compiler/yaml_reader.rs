//! YAML reader: takes the text of a YAML stream (plain manifests, a SealedSecret as kubeseal writes it),
//! gives each document as a JSON value with the line and column it starts at, or the first problem, located.
//!
//! The events come from saphyr-parser, a YAML 1.2 parser that passes the YAML test suite; turning them into
//! values is ours, so that only what means the same to every reader gets through:
//! - scalars are read with YAML 1.2's core schema (`null`, `true`, decimal, `0o` and `0x` integers, floats);
//! - a plain scalar YAML 1.1 reads otherwise (Kubernetes, kubectl, Helm and ArgoCD read YAML 1.1 through
//!   Go's yaml packages) is refused, to be quoted: `yes`, `no`, `on`, `off`, `y`, `n`, `012`, `0o12`,
//!   `0b1`, `1_000`, `1:30`;
//! - anchors, aliases (so no billion laughs), merge keys (`<<`) and tags other than `!!str`, `!!map` and
//!   `!!seq` are refused;
//! - keys are strings (a plain `1`, `true` or `null` key must be quoted), and a key appears once per mapping;
//! - integers fit in 64 bits, floats are finite (`.inf` and `.nan` have no JSON form);
//! - nesting is at most `MAX_DEPTH` deep, and values are built without recursion.

use serde_json::{Map, Value};

use saphyr_parser::{Event, Parser, ScalarStyle};

/// How deep collections may nest. Kubernetes objects rarely pass 15.
pub const MAX_DEPTH: usize = 64;

/// A problem, at a 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Whether the text is not YAML at all, rather than YAML this reader does not take.
    pub syntax: bool,
}

/// One document of the stream, and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub line: usize,
    pub column: usize,
    pub value: Value,
}

/// The one object of a file that is JSON (`kubeseal --format json`, its default) or YAML
/// (`kubeseal --format yaml`): JSON is read by serde_json as before, anything else by `documents`.
pub fn one_object(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|error| format!("it is not valid JSON: {error}"));
    }
    let documents = documents(text).map_err(|error| {
        format!("it is not YAML Slipway reads: {} at line {}, column {}", error.message, error.line, error.column)
    })?;
    match <[Document; 1]>::try_from(documents) {
        Ok([document]) => Ok(document.value),
        Err(documents) => Err(format!("it holds {} documents instead of one", documents.len())),
    }
}

enum Frame {
    Sequence(Vec<Value>),
    /// The mapping so far, and the key waiting for its value.
    Mapping(Map<String, Value>, Option<String>),
}

/// Every non-empty document of `text`.
pub fn documents(text: &str) -> Result<Vec<Document>, Error> {
    let mut documents = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut start = (1, 1);
    let mut current: Option<Value> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| Error {
            line: error.marker().line(),
            column: error.marker().col() + 1,
            message: error.info().to_owned(),
            syntax: true,
        })?;
        let at = (span.start.line(), span.start.col() + 1);
        let unsupported = |message: String| Error { line: at.0, column: at.1, message, syntax: false };
        let is_mapping = matches!(event, Event::MappingStart(..));
        // A document starts where its first node does, after any `---`.
        if stack.is_empty() && matches!(event, Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)) {
            start = at;
        }
        let value = match event {
            Event::DocumentStart(_) => {
                start = at;
                continue;
            }

            Event::DocumentEnd => {
                if let Some(value) = current.take().filter(|value| !value.is_null()) {
                    documents.push(Document { line: start.0, column: start.1, value });
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(unsupported(
                    "an alias (`*name`): Slipway does not expand anchors; write the value out".to_owned(),
                ));
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return Err(unsupported(anchor_message()));
                }
                let is_key = matches!(stack.last(), Some(Frame::Mapping(_, None)));
                let text = text.into_owned();
                let value = match tag {
                    Some(tag) if tag.is_yaml_core_schema() && tag.suffix == "str" => Value::String(text.clone()),
                    Some(tag) if tag.handle == "!" && tag.suffix.is_empty() => Value::String(text.clone()),
                    Some(tag) => return Err(unsupported(tag_message(&tag.to_string()))),
                    None if style == ScalarStyle::Plain => plain(&text).map_err(unsupported)?,
                    None => Value::String(text.clone()),
                };
                if is_key {
                    let Value::String(key) = value else {
                        return Err(unsupported(format!(
                            "the key `{}` is not a string: quote it (`\"{}\"`)",
                            shown(&text),
                            shown(&text)
                        )));
                    };
                    if key == "<<" && style == ScalarStyle::Plain {
                        return Err(unsupported(
                            "a merge key (`<<`): Slipway does not merge mappings; write the keys out".to_owned(),
                        ));
                    }
                    if let Some(Frame::Mapping(map, pending)) = stack.last_mut() {
                        if map.contains_key(&key) {
                            return Err(unsupported(format!(
                                "the key `{}` appears twice in this mapping",
                                shown(&key)
                            )));
                        }
                        *pending = Some(key);
                    }
                    continue;
                }
                value
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if anchor != 0 {
                    return Err(unsupported(anchor_message()));
                }
                if let Some(tag) = tag {
                    let expected = if is_mapping { "map" } else { "seq" };
                    if !(tag.is_yaml_core_schema() && tag.suffix == expected) {
                        return Err(unsupported(tag_message(&tag.to_string())));
                    }
                }
                if matches!(stack.last(), Some(Frame::Mapping(_, None))) {
                    return Err(unsupported("a key that is a mapping or a sequence: keys are strings".to_owned()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(unsupported(format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(if is_mapping { Frame::Mapping(Map::new(), None) } else { Frame::Sequence(Vec::new()) });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Sequence(items)) => Value::Array(items),
                Some(Frame::Mapping(map, _)) => Value::Object(map),
                None => continue,
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
        };
        match stack.last_mut() {
            Some(Frame::Sequence(items)) => items.push(value),
            Some(Frame::Mapping(map, pending)) => {
                if let Some(key) = pending.take() {
                    map.insert(key, value);
                }
            }
            None => current = Some(value),
        }
    }
    Ok(documents)
}

fn anchor_message() -> String {
    "an anchor (`&name`): Slipway does not expand anchors and aliases; write the value out".to_owned()
}

fn tag_message(tag: &str) -> String {
    format!(
        "the tag `{}`: Slipway reads only `!!str`, `!!map` and `!!seq` tags; write the value without it",
        shown(tag)
    )
}

/// Text shown in a message: at most 40 characters, control characters escaped.
fn shown(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect::<String>().escape_debug().to_string();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    shown
}

/// A plain scalar under YAML 1.2's core schema, or why it is refused.
fn plain(text: &str) -> Result<Value, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if let Some(reading) = yaml11_reading(text) {
        return Err(format!(
            "`{}` is a string in YAML 1.2 but {reading} in YAML 1.1, which Kubernetes reads: quote it (`\"{}\"`), \
             or write what you mean in YAML 1.2",
            shown(text),
            shown(text)
        ));
    }
    let too_large = || format!("the number `{}` does not fit in 64 bits: quote it if it is text", shown(text));
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if is_digits(unsigned.strip_prefix('-').unwrap_or(unsigned)) {
        if let Ok(number) = unsigned.parse::<i64>() {
            return Ok(Value::from(number));
        }
        return unsigned.parse::<u64>().map(Value::from).map_err(|_| too_large());
    }
    if let Some(hex) = text.strip_prefix("0x").filter(|it| !it.is_empty() && it.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return u64::from_str_radix(hex, 16).map(Value::from).map_err(|_| too_large());
    }
    if is_float(text) {
        let number: f64 = text.parse().map_err(|_| too_large())?;
        return serde_json::Number::from_f64(number)
            .filter(|_| number.is_finite())
            .map(Value::Number)
            .ok_or_else(|| format!("the number `{}` is too large for a float: quote it if it is text", shown(text)));
    }
    let lower = text.to_ascii_lowercase();
    if matches!(lower.trim_start_matches(['+', '-']), ".inf" | ".nan") {
        return Err(format!("`{}` has no JSON form, and Kubernetes objects are JSON: quote it", shown(text)));
    }
    Ok(Value::String(text.to_owned()))
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// YAML 1.2's float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(text: &str) -> bool {
    let text = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(index) => (&text[..index], Some(&text[index + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() && is_digits(fraction))
                || (is_digits(whole) && (fraction.is_empty() || is_digits(fraction)))
        }
        None => is_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|exponent| is_digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent)));
    mantissa_ok && exponent_ok
}

/// What YAML 1.1 (Go's yaml.v2 and yaml.v3 in Kubernetes) reads a plain scalar as, when that differs
/// from YAML 1.2's reading.
fn yaml11_reading(text: &str) -> Option<&'static str> {
    const BOOLEANS: &[&str] =
        &["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"];
    if BOOLEANS.contains(&text) {
        return Some("a boolean");
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned.len() > 1 && unsigned.starts_with('0') && is_digits(unsigned) {
        return Some("an octal number");
    }
    if let Some(rest) = unsigned.strip_prefix("0o").filter(|it| !it.is_empty()) {
        return rest.chars().all(|c| ('0'..='7').contains(&c)).then_some("a string");
    }
    if let Some(rest) = unsigned.strip_prefix("0b").filter(|it| !it.is_empty()) {
        return rest.chars().all(|c| matches!(c, '0' | '1' | '_')).then_some("a binary number");
    }
    let digits_and = |extra: char| unsigned.chars().all(|c| c.is_ascii_digit() || c == extra || c == '.');
    if unsigned.starts_with(|c: char| c.is_ascii_digit()) && unsigned.contains('_') && digits_and('_') {
        return Some("a number");
    }
    if unsigned.starts_with(|c: char| c.is_ascii_digit())
        && unsigned.contains(':')
        && unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | '_' | '.'))
        && unsigned.split(':').skip(1).all(|part| {
            let whole = part.split('.').next().unwrap_or_default();
            !whole.is_empty() && whole.len() <= 2 && is_digits(whole)
        })
    {
        return Some("a sexagesimal number");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fmt::Write as _;

    fn one(text: &str) -> Value {
        let documents = documents(text).unwrap();
        assert_eq!(documents.len(), 1, "{documents:?}");
        documents.into_iter().next().unwrap().value
    }

    fn error(text: &str) -> (usize, usize, String) {
        let error = documents(text).unwrap_err();
        (error.line, error.column, error.message)
    }

    #[test]
    fn the_core_schema_is_read() {
        let value = one(
            "a: 1\nb: -2\nc: 0x1F\nd: 1.5\ne: true\nf: ~\ng: text\nh: '1'\ni: !!str 2\nj: [1, x]\nk: 18446744073709551615\n",
        );
        assert_eq!(
            value,
            json!({"a": 1, "b": -2, "c": 31, "d": 1.5, "e": true, "f": null, "g": "text", "h": "1", "i": "2", "j": [1, "x"], "k": 18_446_744_073_709_551_615_u64})
        );
    }

    #[test]
    fn several_documents_are_read_with_their_lines() {
        let documents = documents("---\na: 1\n---\n# only a comment\n---\nb: 2\n").unwrap();
        let found: Vec<(usize, Value)> = documents.into_iter().map(|it| (it.line, it.value)).collect();
        assert_eq!(found, vec![(2, json!({"a": 1})), (6, json!({"b": 2}))]);
    }

    #[test]
    fn what_readers_would_disagree_on_is_refused_where_it_is() {
        assert_eq!(error("a: 1\nb: &x 2\n").0, 2);
        assert!(error("a: &x [1]\nb: *x\n").2.contains("anchor"));
        assert!(error("a: 1\na: 2\n").2.contains("twice"));
        assert!(error("<<: {a: 1}\n").2.contains("merge key"));
        assert!(error("1: a\n").2.contains("not a string"));
        assert!(error("? [a]\n: b\n").2.contains("keys are strings"));
        assert!(error("a: !custom x\n").2.contains("tag"));
        assert!(error("a: yes\n").2.contains("a boolean in YAML 1.1"));
        assert!(error("a: 0777\n").2.contains("octal"));
        assert!(error("a: 1_000\n").2.contains("a number"));
        assert!(error("a: 1:30\n").2.contains("sexagesimal"));
        assert!(error("a: 99999999999999999999\n").2.contains("64 bits"));
        assert!(error("a: 1e999\n").2.contains("too large"));
        assert!(error("a: .inf\n").2.contains("no JSON form"));
        assert_eq!(error("a: 1\n b: [\n").0, 2);
        assert_eq!(one("a: 'yes'\nb: \"0777\"\n"), json!({"a": "yes", "b": "0777"}));
    }

    #[test]
    fn deep_nesting_and_many_aliases_end_in_an_error() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(documents(&deep).is_err());
        let mut laughs = String::from("a: &a [\"lol\",\"lol\"]\n");
        for index in 1..30 {
            let previous = index - 1;
            let _ = writeln!(laughs, "a{index}: &a{index} [*a{previous},*a{previous}]");
        }
        assert!(error(&laughs).2.contains("anchor"));
    }
}
