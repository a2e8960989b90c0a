//! YAML writer: takes a JSON value (an object as rendered), gives block-style YAML text.
//!
//! Slipway writes YAML itself rather than through serde_yaml (archived upstream) or a fork: the output is
//! a small, fixed subset of YAML (block maps and sequences, plain or double-quoted scalars, literal blocks
//! for multi-line text), so writing it directly keeps the bytes under our control and the build lean.
//! Strings that a YAML 1.1 or 1.2 reader could take for anything but a string are double-quoted.

use serde_json::Value;

/// The YAML text of `value`, ending in a newline.
pub fn to_string(value: &Value) -> String {
    let mut out = String::with_capacity(1024);
    write(&mut out, value);
    out
}

/// Appends the YAML text of `value` to `out`.
pub fn write(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => entries(out, map, 0, false),
        Value::Array(items) if !items.is_empty() => sequence(out, items, 0),
        scalar => {
            write_scalar(out, scalar, 0);
            out.push('\n');
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Writes `key: value` lines at `indent`; with `inline_first`, the first line continues the current one
/// (after a sequence's `- `).
fn entries(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize, inline_first: bool) {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !inline_first {
            pad(out, indent);
        }
        write_string(out, key, indent, true);
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                entries(out, inner, indent + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, indent + 2);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn sequence(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        match item {
            Value::Object(inner) if !inner.is_empty() => {
                out.push(' ');
                entries(out, inner, indent + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                sequence(out, inner, indent + 2);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_string(out, text, indent, false),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// A string as a plain scalar when that is unambiguous, a literal block for multi-line text, or else
/// double-quoted (JSON escaping is valid YAML).
fn write_string(out: &mut String, text: &str, indent: usize, is_key: bool) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if !is_key && let Some(chomp) = literal_block_chomping(text) {
        out.push('|');
        out.push_str(chomp);
        for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                pad(out, indent);
                out.push_str(line);
            }
        }
    } else {
        out.push_str(&serde_json::to_string(text).expect("strings always serialise"));
    }
}

/// `Some("-")` or `Some("")` when `text` can be a literal block (`|-` or `|`) that reads back exactly.
fn literal_block_chomping(text: &str) -> Option<&'static str> {
    if !text.contains('\n') || text.starts_with([' ', '\n']) || text.ends_with("\n\n") {
        return None;
    }
    if text.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}') {
        return None;
    }
    if text.split('\n').any(|line| line.ends_with([' ', '\t'])) {
        return None;
    }
    Some(if text.ends_with('\n') { "" } else { "-" })
}

/// Plain scalars a YAML 1.1 reader takes for booleans or null.
const YAML_WORDS: [&str; 9] = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"];

fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
    if first == b' ' || last == b' ' || last == b':' {
        return false;
    }
    if b"-?:,[]{}#&*!|>'\"%@`<=~.+".contains(&first) || first.is_ascii_digit() {
        return false;
    }
    // One pass: no `: `, no ` #`, no control character (multi-byte UTF-8 is fine, but not a BOM).
    let mut previous = 0u8;
    for &byte in bytes {
        if byte < 0x20 || byte == 0x7f || (previous == b':' && byte == b' ') || (previous == b' ' && byte == b'#') {
            return false;
        }
        previous = byte;
    }
    if text.contains('\u{feff}') || text.chars().any(char::is_control) {
        return false;
    }
    !(text.len() <= 5 && YAML_WORDS.iter().any(|word| word.eq_ignore_ascii_case(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_style_with_quoting_where_needed() {
        let value = json!({
            "apiVersion": "v1",
            "metadata": { "labels": { "version": "1.0", "flag": "true", "empty": "" }, "name": "a" },
            "list": [ { "name": "x", "value": "-1" }, "plain", 3, ["nested"] ],
            "none": {},
            "text": "line one\nline two\n",
            "url": "http://host:80/path",
            "colon": "a: b",
        });
        assert_eq!(
            to_string(&value),
            "apiVersion: v1\n\
             colon: \"a: b\"\n\
             list:\n  \
               - name: x\n    value: \"-1\"\n  \
               - plain\n  \
               - 3\n  \
               -\n    - nested\n\
             metadata:\n  labels:\n    empty: \"\"\n    flag: \"true\"\n    version: \"1.0\"\n  name: a\n\
             none: {}\n\
             text: |\n  line one\n  line two\n\
             url: http://host:80/path\n"
        );
    }
}
