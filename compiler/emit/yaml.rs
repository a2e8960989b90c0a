//! YAML writer: takes a JSON value (an object as rendered), gives block-style YAML text.
//!
//! Slipway writes YAML itself rather than through serde_yaml (archived upstream) or a fork: the output is
//! a small, fixed subset of YAML (block maps and sequences, plain or double-quoted scalars, literal blocks
//! for multi-line text), so writing it directly keeps the bytes under our control and the build lean.
//!
//! Every file must read back as the same value in YAML 1.2 readers and in the YAML 1.1 readers most of the
//! Kubernetes world runs: PyYAML, and Go's yaml.v2 and yaml.v3 (ports of libyaml) in Kubernetes, kubectl,
//! Helm and ArgoCD. YAML 1.1 differs from 1.2 where a writer can go wrong:
//! - more plain words are booleans (`y`, `n`, `yes`, `no`, `on`, `off` in three casings; yaml.v2 takes
//!   `y` and `n` too) or null (`~`, `null`, empty);
//! - more plain text is a number: octal `012`, binary `0b1`, sexagesimal `1:30`, `_` separators, `.inf`,
//!   `.nan`; a timestamp (`2024-01-31`); a merge key `<<` or a value key `=`;
//! - a float needs a `.` and a signed exponent (`1e20` is a string there, `1.0e+20` a float everywhere);
//! - NEL (U+0085), U+2028 and U+2029 are line breaks, which fold or end any scalar they appear in raw;
//! - only printable characters may appear raw: not C0 controls other than tab and line feed, DEL, C1
//!   controls, U+FFFE or U+FFFF; libyaml also trips on a BOM (U+FEFF) at the start of a line;
//! - libyaml refuses a literal block whose first line starts with a tab, and every reader refuses an
//!   implicit key longer than 1024 characters.
//!
//! So a string is plain only when no reader of either version can take it for anything else; multi-line
//! text is a literal block when it reads back exactly; everything else is double-quoted with JSON's escapes
//! (valid YAML), and every restricted character above is written as a `\uXXXX` escape.
//! `tests/yaml_roundtrip.rs` checks this with a YAML 1.2 parser and YAML 1.1's rules, and
//! `tests/yaml-readers.py` with PyYAML, libyaml and ruamel.yaml.

use std::fmt::Write as _;

use serde_json::Value;

/// The longest implicit key, in characters, that YAML 1.2 and libyaml or PyYAML read; longer keys are
/// written as explicit keys (`? key`).
const IMPLICIT_KEY_LIMIT: usize = 1024;

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
            // A literal block at the top level is indented like a nested one: YAML 1.1 readers refuse one
            // at column 0.
            write_scalar(out, scalar, 2);
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
        write_key(out, key, indent);
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

/// A key as an implicit key, or as an explicit one (`? key`, then `:` on the next line at `indent`) when
/// it is too long to be implicit.
fn write_key(out: &mut String, key: &str, indent: usize) {
    let start = out.len();
    write_string(out, key, indent, true);
    let written = &out[start..];
    if written.len() > IMPLICIT_KEY_LIMIT && written.chars().count() > IMPLICIT_KEY_LIMIT {
        out.truncate(start);
        out.push_str("? ");
        write_string(out, key, indent, true);
        out.push('\n');
        pad(out, indent);
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
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text, indent, false),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// Integers as serde_json writes them; floats with a `.` in the mantissa and a sign in the exponent
/// (`1.0e+20`, not `1e20`), which YAML 1.1 needs to read a float.
fn write_number(out: &mut String, number: &serde_json::Number) {
    let text = number.to_string();
    if !number.is_f64() {
        out.push_str(&text);
        return;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text.as_str(), None),
    };
    out.push_str(mantissa);
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(exponent) = exponent {
        out.push('e');
        if !exponent.starts_with(['-', '+']) {
            out.push('+');
        }
        out.push_str(exponent);
    }
}

/// A string as a plain scalar when that is unambiguous, a literal block for multi-line text, or else
/// double-quoted.
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
        write_quoted(out, text);
    }
}

/// Characters that are never written raw: YAML 1.1 readers refuse them or take them for line breaks, and
/// libyaml trips on a BOM at the start of a line. Control characters are C0 (tab and line feed included),
/// DEL and C1 (NEL included).
fn is_restricted(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// `text` double-quoted with JSON's escapes, which YAML's double-quoted style shares: what serde_json
/// writes (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, `\u00XX` for other C0 controls), and `\uXXXX` for
/// every other restricted character, which serde_json leaves raw.
fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (index, c) in text.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            c if is_restricted(c) => "",
            _ => continue,
        };
        out.push_str(&text[start..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        start = index + c.len_utf8();
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// `Some("-")` or `Some("")` when `text` can be a literal block (`|-` or `|`) that reads back exactly in
/// every reader: no leading blank or tab, no trailing blank line, no trailing blank on a line, no
/// restricted character but tab and line feed.
fn literal_block_chomping(text: &str) -> Option<&'static str> {
    if !text.contains('\n') || text.starts_with([' ', '\t', '\n']) || text.ends_with("\n\n") {
        return None;
    }
    if text.chars().any(|c| c != '\n' && c != '\t' && is_restricted(c)) {
        return None;
    }
    if text.split('\n').any(|line| line.ends_with([' ', '\t'])) {
        return None;
    }
    Some(if text.ends_with('\n') { "" } else { "-" })
}

/// Plain scalars a YAML 1.1 reader takes for booleans or null.
const YAML_WORDS: [&str; 9] = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"];

/// Whether `text` reads back as this string, plain, in YAML 1.1 and 1.2: it does not start with an
/// indicator, a digit, a sign, `.`, `~` or `<`/`=` (which covers every number, timestamp, `.inf`, `<<`
/// and `=`), is not a boolean or null word, has no `: ` or ` #`, no leading or trailing blank, no
/// trailing `:` and no restricted character.
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
    if first == b' ' || last == b' ' || last == b':' {
        return false;
    }
    if b"-?:,[]{}#&*!|>'\"%@`<=~.+".contains(&first) || first.is_ascii_digit() {
        return false;
    }
    // One pass over the bytes: no `: `, no ` #`, no ASCII control character; past ASCII, the restricted
    // characters are looked for once.
    let mut previous = 0u8;
    let mut ascii = true;
    for &byte in bytes {
        if byte < 0x20 || byte == 0x7f || (previous == b':' && byte == b' ') || (previous == b' ' && byte == b'#') {
            return false;
        }
        ascii &= byte.is_ascii();
        previous = byte;
    }
    if !ascii && text.chars().any(is_restricted) {
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
