//! The YAML writer (`emit::yaml`) against readers. Every written document parses back, with a YAML 1.2
//! parser (saphyr, core schema), to the value written, and every plain scalar in it means the same under
//! YAML 1.1's rules (PyYAML's resolvers and yaml.v2's), for generated values whose strings are drawn from
//! the classes YAML treats specially. Each class also has its exact bytes here, and a corpus of them,
//! `tests/fixtures/yaml/every-class.{json,yaml}`, is read back by `tests/yaml-readers.py` with PyYAML,
//! libyaml and ruamel.yaml (`UPDATE_GOLDEN=1 cargo test --test integration yaml` rewrites it).

use std::borrow::Cow;

use proptest::prelude::*;
use saphyr::{ScalarStyle, Yaml, YamlLoader};
use serde_json::{Map, Value, json};
use slipway::emit::yaml;

use crate::support;

/// Each class of string, as a value: its label, the string, and what is written after `key: `.
const CLASSES: &[(&str, &str, &str)] = &[
    ("ordinary word", "nginx", "nginx"),
    ("ordinary url", "http://host:80/path", "http://host:80/path"),
    ("ordinary words", "two words", "two words"),
    ("colon without space", "a:b", "a:b"),
    ("hash without space", "a#b", "a#b"),
    ("non-ASCII", "café 😀", "café 😀"),
    ("no-break space, not a YAML blank", "a\u{a0}", "a\u{a0}"),
    ("replacement character", "\u{fffd}", "\u{fffd}"),
    ("bool 1.1 y", "y", "\"y\""),
    ("bool 1.1 Y", "Y", "\"Y\""),
    ("bool 1.1 n", "n", "\"n\""),
    ("bool 1.1 N", "N", "\"N\""),
    ("bool 1.1 yes", "yes", "\"yes\""),
    ("bool 1.1 Yes", "Yes", "\"Yes\""),
    ("bool 1.1 YES", "YES", "\"YES\""),
    ("bool 1.1 no", "no", "\"no\""),
    ("bool 1.1 NO", "NO", "\"NO\""),
    ("bool 1.1 on", "on", "\"on\""),
    ("bool 1.1 On", "On", "\"On\""),
    ("bool 1.1 ON", "ON", "\"ON\""),
    ("bool 1.1 off", "off", "\"off\""),
    ("bool 1.1 Off", "Off", "\"Off\""),
    ("bool 1.1 OFF", "OFF", "\"OFF\""),
    ("bool true", "true", "\"true\""),
    ("bool True", "True", "\"True\""),
    ("bool FALSE", "FALSE", "\"FALSE\""),
    ("bool in odd case", "yEs", "\"yEs\""),
    ("null empty", "", "\"\""),
    ("null tilde", "~", "\"~\""),
    ("null word", "null", "\"null\""),
    ("null Null", "Null", "\"Null\""),
    ("null NULL", "NULL", "\"NULL\""),
    ("int", "42", "\"42\""),
    ("int negative", "-1", "\"-1\""),
    ("int signed", "+1", "\"+1\""),
    ("int 1.1 octal", "017", "\"017\""),
    ("int 1.2 octal", "0o17", "\"0o17\""),
    ("int hex", "0x1F", "\"0x1F\""),
    ("int 1.1 binary", "0b101", "\"0b101\""),
    ("int 1.1 underscores", "1_000", "\"1_000\""),
    ("int 1.1 sexagesimal", "1:30", "\"1:30\""),
    ("float", "1.5", "\"1.5\""),
    ("float version", "1.0", "\"1.0\""),
    ("float exponent", "1e5", "\"1e5\""),
    ("float leading dot", ".5", "\".5\""),
    ("float 1.1 sexagesimal", "190:20:30.15", "\"190:20:30.15\""),
    ("float inf", ".inf", "\".inf\""),
    ("float negative inf", "-.Inf", "\"-.Inf\""),
    ("float nan", ".NaN", "\".NaN\""),
    ("date", "2024-01-31", "\"2024-01-31\""),
    ("timestamp", "2001-12-14t21:59:43.10-05:00", "\"2001-12-14t21:59:43.10-05:00\""),
    ("timestamp spaced", "2001-12-14 21:59:43.10 -5", "\"2001-12-14 21:59:43.10 -5\""),
    ("merge key", "<<", "\"<<\""),
    ("value key", "=", "\"=\""),
    ("indicator colon", ":a", "\":a\""),
    ("indicator hash", "#a", "\"#a\""),
    ("indicator dash", "-a", "\"-a\""),
    ("indicator dash alone", "-", "\"-\""),
    ("document start", "---", "\"---\""),
    ("document end", "...", "\"...\""),
    ("indicator question", "?a", "\"?a\""),
    ("indicator open bracket", "[a", "\"[a\""),
    ("indicator close bracket", "]a", "\"]a\""),
    ("indicator open brace", "{a", "\"{a\""),
    ("indicator close brace", "}a", "\"}a\""),
    ("indicator comma", ",a", "\",a\""),
    ("indicator anchor", "&a", "\"&a\""),
    ("indicator alias", "*a", "\"*a\""),
    ("indicator tag", "!a", "\"!a\""),
    ("indicator literal", "|a", "\"|a\""),
    ("indicator folded", ">a", "\">a\""),
    ("indicator single quote", "'a", "\"'a\""),
    ("indicator double quote", "\"a", "\"\\\"a\""),
    ("indicator directive", "%a", "\"%a\""),
    ("indicator reserved at", "@a", "\"@a\""),
    ("indicator reserved backquote", "`a", "\"`a\""),
    ("colon space inside", "a: b", "\"a: b\""),
    ("space hash inside", "a #b", "\"a #b\""),
    ("colon at the end", "a:", "\"a:\""),
    ("backslash", "a\\b", "a\\b"),
    ("leading space", " a", "\" a\""),
    ("trailing space", "a ", "\"a \""),
    ("leading tab", "\ta", "\"\\ta\""),
    ("trailing tab", "a\t", "\"a\\t\""),
    ("only spaces", "  ", "\"  \""),
    ("multi-line", "one\ntwo", "|-\n  one\n  two"),
    ("multi-line with final newline", "one\ntwo\n", "|\n  one\n  two"),
    ("multi-line with a blank line", "one\n\ntwo", "|-\n  one\n\n  two"),
    ("multi-line indented later", "one\n  two", "|-\n  one\n    two"),
    ("multi-line with indicators", "# one\n- two: x", "|-\n  # one\n  - two: x"),
    ("multi-line with a tab inside", "one\n\ttwo", "|-\n  one\n  \ttwo"),
    ("multi-line starting with a tab", "\tone\ntwo", "\"\\tone\\ntwo\""),
    ("multi-line starting with a space", " one\ntwo", "\" one\\ntwo\""),
    ("multi-line starting with a newline", "\none", "\"\\none\""),
    ("multi-line with two final newlines", "one\n\n", "\"one\\n\\n\""),
    ("multi-line with a trailing blank", "one \ntwo", "\"one \\ntwo\""),
    ("newline alone", "\n", "\"\\n\""),
    ("carriage return line feed", "one\r\ntwo", "\"one\\r\\ntwo\""),
    ("C0 null", "\u{0}", "\"\\u0000\""),
    ("C0 bell", "a\u{7}", "\"a\\u0007\""),
    ("C0 backspace", "a\u{8}", "\"a\\b\""),
    ("C0 vertical tab", "a\u{b}", "\"a\\u000b\""),
    ("C0 form feed", "a\u{c}", "\"a\\f\""),
    ("C0 escape", "a\u{1b}[0m", "\"a\\u001b[0m\""),
    ("C0 unit separator", "a\u{1f}", "\"a\\u001f\""),
    ("DEL", "a\u{7f}", "\"a\\u007f\""),
    ("C1 first", "a\u{80}", "\"a\\u0080\""),
    ("C1 last", "a\u{9f}", "\"a\\u009f\""),
    ("NEL", "a\u{85}b", "\"a\\u0085b\""),
    ("NEL in multi-line text", "a\u{85}b\nc", "\"a\\u0085b\\nc\""),
    ("line separator", "a\u{2028}b", "\"a\\u2028b\""),
    ("paragraph separator", "a\u{2029}b", "\"a\\u2029b\""),
    ("line separator in multi-line text", "a\nb\u{2028}c", "\"a\\nb\\u2028c\""),
    ("BOM first", "\u{feff}a", "\"\\ufeffa\""),
    ("BOM inside", "a\u{feff}b", "\"a\\ufeffb\""),
    ("BOM in multi-line text", "a\n\u{feff}b", "\"a\\n\\ufeffb\""),
    ("non-character FFFE", "a\u{fffe}", "\"a\\ufffe\""),
    ("non-character FFFF", "a\u{ffff}", "\"a\\uffff\""),
    ("non-character FFFF in multi-line text", "a\n\u{ffff}", "\"a\\n\\uffff\""),
    ("astral non-character, printable in YAML", "a\u{1fffe}", "a\u{1fffe}"),
];

/// Numbers: the value, and what is written after `key: `.
fn numbers() -> Vec<(Value, &'static str)> {
    vec![
        (json!(0), "0"),
        (json!(-7), "-7"),
        (json!(i64::MIN), "-9223372036854775808"),
        (json!(u64::MAX), "18446744073709551615"),
        (json!(0.5), "0.5"),
        (json!(100.0), "100.0"),
        (json!(-0.0), "-0.0"),
        (json!(1e15), "1000000000000000.0"),
        (json!(1e16), "1.0e+16"),
        (json!(1e20), "1.0e+20"),
        (json!(1.5e-7), "1.5e-7"),
        (json!(1e-7), "1.0e-7"),
        (json!(5e-324), "5.0e-324"),
        (json!(f64::MAX), "1.7976931348623157e+308"),
    ]
}

#[test]
fn every_class_of_string_is_written_as_expected() {
    let wrong: Vec<String> = CLASSES
        .iter()
        .filter_map(|(label, text, expected)| {
            let written = yaml::to_string(&json!({ "key": text }));
            let expected = format!("key: {expected}\n");
            (written != expected)
                .then(|| format!("{label}: {text:?}\n  written:  {written:?}\n  expected: {expected:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_class_of_string_is_written_as_a_key_as_expected() {
    // Keys are never literal blocks: multi-line keys are double-quoted.
    for (label, text, expected) in CLASSES {
        let written = yaml::to_string(&json!({ *text: 1 }));
        let key = if expected.starts_with('|') { quoted(text) } else { (*expected).to_owned() };
        assert_eq!(written, format!("{key}: 1\n"), "{label}");
    }
}

#[test]
fn numbers_are_written_as_every_reader_reads_them() {
    for (value, expected) in numbers() {
        assert_eq!(yaml::to_string(&json!({ "key": value })), format!("key: {expected}\n"), "{value}");
    }
}

#[test]
fn keys_longer_than_1024_characters_are_explicit() {
    let limit = "k".repeat(1024);
    assert_eq!(yaml::to_string(&json!({ &limit: 1 })), format!("{limit}: 1\n"));
    // 1024 characters in 2048 bytes: still implicit, since the limit counts characters.
    let wide = "é".repeat(1024);
    assert_eq!(yaml::to_string(&json!({ &wide: 1 })), format!("{wide}: 1\n"));
    let long = "k".repeat(1025);
    assert_eq!(yaml::to_string(&json!({ &long: 1 })), format!("? {long}\n: 1\n"));
    // Quoting makes a key of 1023 characters 1025 long as written.
    let quoted_long = format!("-{}", "k".repeat(1022));
    assert_eq!(
        yaml::to_string(&json!({ &quoted_long: { "a": [1] } })),
        format!("? \"{quoted_long}\"\n:\n  a:\n    - 1\n")
    );
    assert_eq!(
        yaml::to_string(&json!([{ &long: "one\ntwo", "z": 2 }])),
        format!("- ? {long}\n  : |-\n    one\n    two\n  z: 2\n")
    );
}

#[test]
fn a_top_level_string_is_written_as_a_document() {
    assert_eq!(yaml::to_string(&json!("one\ntwo")), "|-\n  one\n  two\n");
    assert_eq!(yaml::to_string(&json!("yes")), "\"yes\"\n");
    assert_eq!(yaml::to_string(&json!("plain")), "plain\n");
    assert_eq!(yaml::to_string(&json!({})), "{}\n");
    assert_eq!(yaml::to_string(&json!([])), "[]\n");
}

/// The corpus of every class, for the readers of `tests/yaml-readers.py`: each class as a value and as a
/// key, the numbers, and keys around the implicit key limit.
fn corpus() -> Value {
    let values: Map<String, Value> =
        CLASSES.iter().map(|(label, text, _)| ((*label).to_owned(), json!(text))).collect();
    let keys: Map<String, Value> = CLASSES.iter().map(|(label, text, _)| ((*text).to_owned(), json!(label))).collect();
    let numbers: Vec<Value> = numbers().into_iter().map(|(value, _)| value).collect();
    let long_keys: Map<String, Value> = [
        "k".repeat(1024),
        "k".repeat(1025),
        "é".repeat(1024),
        format!("-{}", "k".repeat(1022)),
        format!("multi\nline {}", "k".repeat(1100)),
    ]
    .into_iter()
    .enumerate()
    .map(|(index, key)| (key, json!(index)))
    .collect();
    json!({
        "values": values,
        "keys": keys,
        "numbers": numbers,
        "long keys": long_keys,
        "in a sequence": CLASSES.iter().map(|(_, text, _)| json!({ "value": text, *text: true })).collect::<Vec<_>>(),
    })
}

#[test]
fn the_corpus_of_every_class_is_current() {
    let value = corpus();
    let json_text = escape_restricted(&format!("{}\n", serde_json::to_string_pretty(&value).unwrap()));
    let yaml_text = yaml::to_string(&value);
    assert_eq!(parse(&yaml_text).as_ref(), Ok(&value));
    let directory = support::root().join("tests/fixtures/yaml");
    let files = [("every-class.json", json_text), ("every-class.yaml", yaml_text)];
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(&directory).unwrap();
        for (name, text) in &files {
            std::fs::write(directory.join(name), text).unwrap();
        }
    }
    for (name, text) in &files {
        let committed = std::fs::read_to_string(directory.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "tests/fixtures/yaml/{name} is stale; run `UPDATE_GOLDEN=1 cargo test --test integration yaml`"
        );
    }
}

#[test]
fn every_rendered_file_reads_back_as_its_object_with_strings_of_every_class() {
    // The whole pipeline, with environment variables of the nasty classes from the platform file: each
    // file reads back (after its header) as the object rendered.
    let nasty = r#"
env.NEL = "a\u0085b"
env.SEPARATORS = "a\u2028b\u2029c"
env.CONTROLS = "\u007f\u0080\u009f\u0007"
env.BOM = "\uFEFFa"
env.NONCHARACTERS = "\uFFFE\uFFFF"
env.BOOLEAN = "on"
env.OCTAL = "0o17"
env.TEXT = "line one\nline two\n"
env.INDICATOR = "- item"
"#;
    let fixture = std::fs::read_to_string(support::fixture("valid/small.toml")).unwrap();
    let platform = fixture.replacen("env.WORKERS = 4\n", &format!("env.WORKERS = 4{nasty}"), 1);
    assert_ne!(platform, fixture);
    let path = support::temp_dir("yaml-nasty").join("platform.toml");
    std::fs::write(&path, platform).unwrap();
    let files = support::render(&path);
    let source = support::source(&path);
    let model = slipway::load::parse(&source).unwrap();
    let (environments, _) = slipway::resolve::resolve(&model, &source, &support::attachments(&path, &model));
    let mut checked = 0;
    for manifest in environments.iter().flat_map(slipway::render::render) {
        let text = &files[&manifest.path];
        assert_eq!(parse(text).as_ref(), Ok(&manifest.value()), "{}:\n{text}", manifest.path);
        assert!(!text.chars().any(is_never_raw), "{}:\n{text}", manifest.path);
        checked += 1;
    }
    let deployment = files.iter().find(|(path, _)| path.ends_with("deployment-orders.yaml")).unwrap().1;
    assert!(deployment.contains("value: \"a\\u2028b\\u2029c\""), "{deployment}");
    assert!(checked > 10, "{checked}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_written_document_reads_back_as_the_value_written(value in json_value()) {
        let text = yaml::to_string(&value);
        let raw: Vec<char> = text.chars().filter(|c| is_never_raw(*c)).collect();
        prop_assert!(raw.is_empty(), "{raw:?} written raw in:\n{text}");
        // As emit writes a file: after the generated header.
        let file = format!("# Generated by slipway\n{text}");
        match parse(&file) {
            Ok(read) => prop_assert_eq!(&read, &value, "read back differently:\n{}", text),
            Err(error) => prop_assert!(false, "{error}; in:\n{text}"),
        }
    }
}

/// Characters that YAML 1.1 readers refuse raw or take for line breaks (and a BOM, on which libyaml trips
/// at the start of a line): C0 controls but tab and line feed, DEL, C1 controls, U+2028, U+2029, U+FEFF,
/// U+FFFE and U+FFFF.
fn is_never_raw(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// JSON text with every character of [`is_never_raw`] escaped, so that the committed corpus shows them.
fn escape_restricted(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if is_never_raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
        out
    })
}

/// A string as JSON writes it: what the writer writes for text with no restricted character but tab and
/// line feed.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// One YAML document as a JSON value, read by saphyr (YAML 1.2): scalars resolved with the core schema,
/// duplicate keys refused, and every plain scalar checked to mean the same under YAML 1.1's rules.
fn parse(text: &str) -> Result<Value, String> {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<Yaml> = YamlLoader::default();
    loader.early_parse(false);
    parser.load(&mut loader, true).map_err(|error| format!("YAML 1.2 parse error: {error}"))?;
    if let Some(error) = loader.error() {
        return Err(format!("YAML 1.2 load error: {error}"));
    }
    match loader.into_documents().as_slice() {
        [document] => to_json(document),
        documents => Err(format!("{} documents", documents.len())),
    }
}

fn to_json(node: &Yaml) -> Result<Value, String> {
    match node {
        Yaml::Representation(text, style, None) => scalar(text, *style),
        Yaml::Sequence(items) => items.iter().map(to_json).collect::<Result<_, _>>().map(Value::Array),
        Yaml::Mapping(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let Value::String(key) = to_json(key)? else {
                    return Err(format!("a key read as other than a string: {key:?}"));
                };
                if object.insert(key.clone(), to_json(value)?).is_some() {
                    return Err(format!("duplicate key {key:?}"));
                }
            }
            Ok(Value::Object(object))
        }
        other => Err(format!("a node the writer never writes: {other:?}")),
    }
}

fn scalar(text: &str, style: ScalarStyle) -> Result<Value, String> {
    let resolved = saphyr::Scalar::parse_from_cow_and_metadata(Cow::Borrowed(text), style, None)
        .ok_or_else(|| format!("{text:?} does not resolve"))?;
    let value = match resolved {
        saphyr::Scalar::Null => Value::Null,
        saphyr::Scalar::Boolean(flag) => Value::Bool(flag),
        saphyr::Scalar::Integer(integer) => Value::from(integer),
        // saphyr holds integers as i64: one beyond is read as a float, while the core schema has it an
        // integer.
        saphyr::Scalar::FloatingPoint(_) if text.parse::<u64>().is_ok() => Value::from(text.parse::<u64>().unwrap()),
        saphyr::Scalar::FloatingPoint(float) => {
            serde_json::Number::from_f64(float.0).map(Value::Number).ok_or_else(|| format!("{text:?} is not finite"))?
        }
        saphyr::Scalar::String(string) => Value::String(string.into_owned()),
    };
    match style {
        ScalarStyle::Plain => {
            let yaml_1_2 = kind(&value);
            for (reader, yaml_1_1) in [("PyYAML", pyyaml_kind(text)), ("yaml.v2", yaml_v2_kind(text))] {
                if yaml_1_1 != yaml_1_2 {
                    return Err(format!("plain {text:?} is a {yaml_1_2} in YAML 1.2 but a {yaml_1_1} in {reader}"));
                }
            }
        }
        ScalarStyle::DoubleQuoted | ScalarStyle::Literal => {}
        other => return Err(format!("{text:?} in a style the writer never writes: {other:?}")),
    }
    Ok(value)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(number) if number.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) | Value::Object(_) => "collection",
    }
}

/// What PyYAML (YAML 1.1) takes a plain scalar for: its implicit resolvers, the regular expressions of
/// its `resolver.py` transcribed, except that any text that starts like a timestamp counts as one.
fn pyyaml_kind(text: &str) -> &'static str {
    const BOOLEANS: [&str; 18] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
        "off", "Off", "OFF",
    ];
    if BOOLEANS.contains(&text) {
        "bool"
    } else if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        "null"
    } else if text == "<<" {
        "merge"
    } else if text == "=" {
        "value"
    } else if is_pyyaml_int(text) {
        "int"
    } else if is_pyyaml_float(text) {
        "float"
    } else if starts_like_a_timestamp(text) {
        "timestamp"
    } else {
        "str"
    }
}

/// What Go's yaml.v2 (YAML 1.1) takes a plain scalar for (its `resolve.go`): more booleans than PyYAML,
/// Go's integer syntax (`0o17`, `017`, `0x1F`, `0b1`) once `_` are removed, and floats that need no `.`
/// or exponent sign; no sexagesimal numbers. Any text that starts like a timestamp counts as one.
fn yaml_v2_kind(text: &str) -> &'static str {
    const BOOLEANS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE", "n", "N", "no", "No", "NO", "off",
        "Off", "OFF", "false", "False", "FALSE",
    ];
    if BOOLEANS.contains(&text) {
        return "bool";
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return "null";
    }
    if matches!(
        text,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN"
    ) {
        return "float";
    }
    if text == "<<" {
        return "merge";
    }
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return "str";
    }
    if starts_like_a_timestamp(text) {
        return "timestamp";
    }
    let plain = text.replace('_', "");
    let unsigned = plain.strip_prefix(['-', '+']).unwrap_or(&plain);
    let radix = [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)]
        .into_iter()
        .find_map(|(prefix, radix)| unsigned.strip_prefix(prefix).map(|digits| (digits, radix)));
    let is_int = match radix {
        Some((digits, radix)) => !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)),
        None if unsigned.starts_with('0') => unsigned.chars().all(|c| c.is_digit(8)),
        None => all_of(unsigned, is_digit),
    };
    if is_int {
        "int"
    } else if is_go_float(unsigned) {
        "float"
    } else {
        "str"
    }
}

/// `[0-9]{4}-`: every YAML 1.1 timestamp starts so (PyYAML's and yaml.v2's alike).
fn starts_like_a_timestamp(text: &str) -> bool {
    text.len() >= 5 && text.as_bytes()[..4].iter().all(u8::is_ascii_digit) && text.as_bytes()[4] == b'-'
}

fn all_of(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    !text.is_empty() && text.bytes().all(allowed)
}

fn is_digit(byte: u8) -> bool {
    byte.is_ascii_digit()
}

fn is_digit_or_underscore(byte: u8) -> bool {
    byte.is_ascii_digit() || byte == b'_'
}

/// `[0-5]?[0-9]`
fn is_sexagesimal(part: &str) -> bool {
    match part.as_bytes() {
        [digit] => digit.is_ascii_digit(),
        [tens, digit] => (b'0'..=b'5').contains(tens) && digit.is_ascii_digit(),
        _ => false,
    }
}

/// `[-+]?(0b[0-1_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)`
fn is_pyyaml_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(rest) = digits.strip_prefix("0b") {
        return all_of(rest, |byte| matches!(byte, b'0' | b'1' | b'_'));
    }
    if let Some(rest) = digits.strip_prefix("0x") {
        return all_of(rest, |byte| byte.is_ascii_hexdigit() || byte == b'_');
    }
    if let Some(rest) = digits.strip_prefix('0') {
        return rest.bytes().all(|byte| matches!(byte, b'0'..=b'7' | b'_'));
    }
    let mut parts = digits.split(':');
    let head = parts.next().unwrap_or_default();
    head.starts_with(|c: char| c.is_ascii_digit()) && all_of(head, is_digit_or_underscore) && parts.all(is_sexagesimal)
}

/// `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`, `\.[0-9][0-9_]*([eE][-+][0-9]+)?`,
/// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`
fn is_pyyaml_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if let Some(fraction) = text.strip_prefix('.') {
        return fraction.starts_with(|c: char| c.is_ascii_digit()) && is_fraction_and_exponent(fraction);
    }
    let Some((whole, fraction)) = unsigned.split_once('.') else { return false };
    if !whole.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    match whole.split_once(':') {
        Some((head, minutes)) => {
            all_of(head, is_digit_or_underscore)
                && minutes.split(':').all(is_sexagesimal)
                && fraction.bytes().all(is_digit_or_underscore)
        }
        None => all_of(whole, is_digit_or_underscore) && is_fraction_and_exponent(fraction),
    }
}

/// `[0-9_]*([eE][-+][0-9]+)?`
fn is_fraction_and_exponent(text: &str) -> bool {
    let end = text.bytes().position(|byte| !is_digit_or_underscore(byte)).unwrap_or(text.len());
    let exponent = &text[end..];
    exponent.is_empty()
        || (exponent.starts_with(['e', 'E'])
            && exponent[1..].starts_with(['-', '+'])
            && all_of(&exponent[2..], is_digit))
}

/// yaml.v2's float, unsigned: `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_go_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent.strip_prefix(['-', '+']).unwrap_or(exponent))),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => all_of(fraction, is_digit),
        Some((whole, fraction)) => all_of(whole, is_digit) && fraction.bytes().all(|byte| byte.is_ascii_digit()),
        None => all_of(mantissa, is_digit),
    };
    mantissa_ok && exponent.is_none_or(|exponent| all_of(exponent, is_digit))
}

#[test]
fn yaml_1_1_rules_are_transcribed_faithfully() {
    // What PyYAML 6 and yaml.v2 resolve these to.
    let cases = [
        ("yes", "bool", "bool"),
        ("Off", "bool", "bool"),
        ("y", "str", "bool"),
        ("yEs", "str", "str"),
        ("~", "null", "null"),
        ("", "null", "null"),
        ("<<", "merge", "merge"),
        ("=", "value", "str"),
        ("0", "int", "int"),
        ("-17", "int", "int"),
        ("017", "int", "int"),
        ("018", "str", "float"),
        ("0o17", "str", "int"),
        ("0b101", "int", "int"),
        ("0x1F", "int", "int"),
        ("1_000", "int", "int"),
        ("1:30", "int", "str"),
        ("1:60", "str", "str"),
        ("1.0e+20", "float", "float"),
        ("1.5e-7", "float", "float"),
        ("1e20", "str", "float"),
        ("1.", "float", "float"),
        (".5", "float", "float"),
        ("-.inf", "float", "float"),
        (".NaN", "float", "float"),
        ("-.nan", "str", "str"),
        ("190:20:30.15", "float", "str"),
        ("1.2.3", "str", "str"),
        ("2024-01-31", "timestamp", "timestamp"),
        ("nginx", "str", "str"),
        ("1a", "str", "str"),
    ];
    for (text, pyyaml, yaml_v2) in cases {
        assert_eq!((pyyaml_kind(text), yaml_v2_kind(text)), (pyyaml, yaml_v2), "{text:?}");
    }
}

/// JSON values of up to four levels, whose strings (and keys) come from [`text`].
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        8 => text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn number() -> impl Strategy<Value = Value> {
    let special =
        prop::sample::select(vec![1e20, 1e-7, 1.5e-7, 5e-324, -0.0, 0.1, 1e15, 1e16, 100.0, f64::MAX, f64::MIN]);
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        special.prop_map(Value::from),
        (prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO).prop_map(Value::from),
    ]
}

/// Keys: strings as for values, now and then around the implicit key limit of 1024 characters.
fn key() -> impl Strategy<Value = String> {
    let long = (1020usize..1030, prop::sample::select(vec!["k", "é", "😀", "-", "\u{85}"]))
        .prop_map(|(length, piece)| piece.repeat(length));
    prop_oneof![12 => text(), 1 => long]
}

/// Strings of every class YAML treats specially, weighted towards the nasty ones.
fn text() -> impl Strategy<Value = String> {
    let words =
        vec!["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "", "<<", "=", ".inf", "-.inf", ".nan"];
    let word = (prop::sample::select(words), any::<u8>()).prop_map(|(word, mask)| {
        word.chars()
            .enumerate()
            .map(|(index, c)| if mask >> (index % 8) & 1 == 1 { c.to_ascii_uppercase() } else { c })
            .collect::<String>()
    });
    let indicator = (prop::sample::select(":#-?[]{},&*!|>'\"%@`".chars().collect::<Vec<_>>()), "[a-z :#-]{0,6}")
        .prop_map(|(first, rest)| format!("{first}{rest}"));
    let lines = (prop::collection::vec("[ \t]{0,2}[a-z#:\\- ]{0,6}[ \t]{0,1}", 1..5), "\n{0,2}")
        .prop_map(|(lines, end)| lines.join("\n") + &end);
    let mixed = prop::collection::vec(prop_oneof![3 => "[a-z]{1,3}", 2 => nasty_char().prop_map(String::from)], 1..6)
        .prop_map(|pieces| pieces.concat());
    prop_oneof![
        3 => "[a-zA-Z][a-zA-Z0-9 ./_-]{0,10}",
        2 => word,
        2 => "[-+.]?[0-9][0-9_:.eExob+-]{0,8}",
        1 => "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2})?",
        2 => indicator,
        1 => "[a-z]{0,3}(: | #|:|#|\\\\|\")[a-z ]{0,3}",
        1 => "[ \t]{0,2}[a-z]{1,4}[ \t]{0,2}",
        3 => lines,
        3 => mixed,
        1 => any::<String>(),
    ]
}

/// Characters YAML restricts or takes as breaks, and a few harmless non-ASCII ones beside them.
fn nasty_char() -> impl Strategy<Value = char> {
    let special = vec![
        '\u{85}',
        '\u{2028}',
        '\u{2029}',
        '\u{feff}',
        '\u{fffe}',
        '\u{ffff}',
        '\u{7f}',
        '\t',
        '\n',
        '\r',
        '\u{a0}',
        '\u{fffd}',
        '\u{1fffe}',
        '\u{301}',
        'é',
        '😀',
        '"',
        '\\',
    ];
    prop_oneof![
        (0u32..0x20).prop_map(|code| char::from_u32(code).unwrap()),
        (0x80u32..0xa0).prop_map(|code| char::from_u32(code).unwrap()),
        prop::sample::select(special),
        any::<char>(),
    ]
}

/// An object as render makes them: a typed struct whose fields are declared out of the order they are
/// written in, with absent fields, maps whose keys come in any order, and sequences of structs.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Object {
    spec: Vec<Part>,
    metadata: Metadata,
    api_version: String,
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Value>,
    #[serde(flatten)]
    extra: indexmap::IndexMap<String, Value>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct Metadata {
    name: String,
    labels: indexmap::IndexMap<String, String>,
    namespace: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Part {
    value: Value,
    container_port: Option<u16>,
    args: Vec<String>,
    env: std::collections::BTreeMap<String, String>,
    ratio: f64,
}

fn object() -> impl Strategy<Value = Object> {
    let labels = prop::collection::vec((key(), text()), 0..4).prop_map(|it| it.into_iter().collect());
    let metadata = (text(), labels, prop::option::of(text())).prop_map(|(name, labels, namespace)| Metadata {
        name,
        labels,
        namespace,
    });
    let part = (
        json_value(),
        prop::option::of(any::<u16>()),
        prop::collection::vec(text(), 0..3),
        prop::collection::btree_map(key(), text(), 0..3),
        prop::num::f64::ANY,
    )
        .prop_map(|(value, container_port, args, env, ratio)| Part { value, container_port, args, env, ratio });
    (
        prop::collection::vec(part, 0..3),
        metadata,
        text(),
        prop::option::of(text()),
        prop::option::of(json_value()),
        prop::collection::vec((key(), json_value()), 0..3),
    )
        .prop_map(|(spec, metadata, api_version, kind, status, extra)| Object {
            spec,
            metadata,
            api_version,
            kind,
            status,
            extra: extra.into_iter().collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The writer that render uses, straight from the typed object: the same bytes as its JSON value
    /// written (keys in the same order), reading back as that value, with the identity of what is written.
    #[test]
    fn a_typed_object_is_written_as_its_value_and_reads_back(object in object()) {
        let value = serde_json::to_value(&object).unwrap();
        let mut text = String::new();
        let identity = yaml::write_object(&mut text, &object).unwrap();
        prop_assert_eq!(&text, &yaml::to_string(&value));
        let raw: Vec<char> = text.chars().filter(|c| is_never_raw(*c)).collect();
        prop_assert!(raw.is_empty(), "{raw:?} written raw in:\n{text}");
        match parse(&format!("# Generated by slipway\n{text}")) {
            Ok(read) => prop_assert_eq!(&read, &value, "read back differently:\n{}", text),
            Err(error) => prop_assert!(false, "{error}; in:\n{text}"),
        }
        let text_of = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        prop_assert_eq!(identity.api_version, text_of(&value["apiVersion"]));
        prop_assert_eq!(identity.kind, text_of(&value["kind"]));
        prop_assert_eq!(identity.name, text_of(&value["metadata"]["name"]));
        prop_assert_eq!(identity.namespace, value["metadata"]["namespace"].as_str().map(str::to_owned));
    }
}
