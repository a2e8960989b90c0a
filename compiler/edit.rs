//! Edit: takes the text of `platform.toml`, gives it back with one change made through toml_edit, so that
//! comments, order and formatting survive: CI's image bumps, promotions between environments, new services.
//! It reads and writes no file; the CLI does, through `emit`.

use std::fmt::Write as _;

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::Span;

/// Why an edit could not be made (boxed: errors are rare and a diagnostic is large).
pub type EditError = Box<Diagnostic>;

fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|error| {
        Box::new(Diagnostic::error(Code::TomlSyntax, format!("invalid TOML: {}", error.message().trim())))
    })
}

fn unknown_service(document: &DocumentMut, service: &str) -> EditError {
    let names: Vec<String> = document
        .get("services")
        .and_then(Item::as_table_like)
        .map(|it| it.iter().map(|(key, _)| key.to_owned()).collect())
        .unwrap_or_default();
    Box::new(
        Diagnostic::error(Code::UnknownServiceArgument, format!("there is no service `{service}`"))
            .with_help_opt(did_you_mean(service, names.iter().map(String::as_str))),
    )
}

/// `registry/name:tag` with its tag replaced (or added).
pub fn with_tag(image: &str, tag: &str) -> String {
    let (name, _) = split_image(image);
    format!("{name}:{tag}")
}

/// (`registry/name`, tag) of an image reference; a registry port is not a tag.
pub fn split_image(image: &str) -> (&str, Option<&str>) {
    let image = image.split('@').next().unwrap_or(image);
    let slash = image.rfind('/').map_or(0, |index| index + 1);
    match image[slash..].rfind(':') {
        Some(colon) => (&image[..slash + colon], Some(&image[slash + colon + 1..])),
        None => (image, None),
    }
}

/// Replaces the value of `item` keeping the comments and spacing around it.
fn replace_string(item: &mut Item, text: &str) {
    match item.as_value_mut() {
        Some(value) => {
            let decor = value.decor().clone();
            *value = Value::from(text);
            *value.decor_mut() = decor;
        }
        None => *item = toml_edit::value(text),
    }
}

/// The table-like of `key` inside `parent`, made as a dotted table when missing (`services.api.image = ...`).
fn table_like<'a>(parent: &'a mut dyn toml_edit::TableLike, key: &str) -> &'a mut dyn toml_edit::TableLike {
    if parent.get(key).and_then(Item::as_table_like).is_none() {
        let mut table = Table::new();
        table.set_dotted(true);
        parent.insert(key, Item::Table(table));
    }
    parent.get_mut(key).and_then(Item::as_table_like_mut).expect("just made a table")
}

/// Replaces one string value in place: the text at `span` (a string value, quotes included, where the
/// loader found it) becomes `value` as toml_edit writes a new string, a basic string, when `value` is
/// printable ASCII with nothing to escape and the old value is a one-line string. Then the edit needs no
/// parse of the whole document (a large platform's took a tenth of `set-image`); otherwise `None`, and
/// the caller edits through toml_edit. The tests hold the two ways to the same text.
pub fn replace_string_at(text: &str, span: Span, value: &str) -> Option<String> {
    let old = text.get(span.start..span.end)?;
    let one_line = |quote: &str, triple: &str| {
        old.len() >= 2
            && old.starts_with(quote)
            && old.ends_with(quote)
            && !old.starts_with(triple)
            && !old.contains('\n')
    };
    let string = one_line("\"", "\"\"\"") || one_line("'", "'''");
    let plain = value.bytes().all(|byte| byte.is_ascii_graphic() && !matches!(byte, b'"' | b'\\' | b'\''));
    if !string || !plain {
        return None;
    }
    let mut edited = String::with_capacity(text.len() + value.len());
    edited.push_str(&text[..span.start]);
    edited.push('"');
    edited.push_str(value);
    edited.push('"');
    edited.push_str(&text[span.end..]);
    Some(edited)
}

/// Sets the image of `service`, in the base platform or in `environment`'s overlay.
pub fn set_image(text: &str, service: &str, image: &str, environment: Option<&str>) -> Result<String, EditError> {
    let mut document = parse(text)?;
    let exists = document.get("services").and_then(Item::as_table_like).is_some_and(|it| it.contains_key(service));
    if !exists {
        return Err(unknown_service(&document, service));
    }
    let target: &mut dyn toml_edit::TableLike = match environment {
        None => document["services"]
            .as_table_like_mut()
            .and_then(|it| it.get_mut(service))
            .and_then(Item::as_table_like_mut)
            .expect("checked above"),
        Some(environment) => {
            let environments = document.get_mut("environments").and_then(Item::as_table_like_mut);
            let Some(overlay) = environments.and_then(|it| it.get_mut(environment)).and_then(Item::as_table_like_mut)
            else {
                return Err(Box::new(
                    Diagnostic::error(Code::UnknownEnvironment, format!("there is no environment `{environment}`"))
                        .with_help("environments are the `[environments.<name>]` tables"),
                ));
            };
            let services = table_like(overlay, "services");
            table_like(services, service)
        }
    };
    match target.get_mut("image") {
        Some(item) => replace_string(item, image),
        None => {
            target.insert("image", toml_edit::value(image));
        }
    }
    Ok(document.to_string())
}

/// A new service table, appended after everything else.
pub fn new_service(
    text: &str,
    name: &str,
    image: &str,
    runtime: &str,
    routes: &[String],
    uses: &[String],
) -> Result<String, EditError> {
    let document = parse(text)?;
    if document.get("services").and_then(Item::as_table_like).is_some_and(|it| it.contains_key(name)) {
        return Err(Box::new(Diagnostic::error(Code::NameTaken, format!("service `{name}` already exists"))));
    }
    let quote = |items: &[String]| {
        items.iter().map(|it| Value::from(it.as_str()).to_string().trim().to_owned()).collect::<Vec<_>>().join(", ")
    };
    let mut table = format!(
        "\n[services.{name}]\nimage = {}\nruntime = {}\n",
        Value::from(image).to_string().trim(),
        Value::from(runtime).to_string().trim()
    );
    if !uses.is_empty() {
        let _ = writeln!(table, "uses = [{}]", quote(uses));
    }
    if !routes.is_empty() {
        let _ = writeln!(table, "routes = [{}]", quote(routes));
    }
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // A service appended after `[environments.*]` would still be a service: TOML tables are absolute.
    text.push_str(&table);
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_image("registry:5000/shop/api:1.2"), ("registry:5000/shop/api", Some("1.2")));
        assert_eq!(split_image("registry:5000/shop/api"), ("registry:5000/shop/api", None));
        assert_eq!(with_tag("ghcr.io/a/b@sha256:abc", "2.0"), "ghcr.io/a/b:2.0");
    }
}
