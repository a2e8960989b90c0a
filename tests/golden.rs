//! Golden files: a fresh render of the shipped `platform/platform.toml` equals the committed `out/`, and
//! the generated schema equals `schema/platform.schema.json`. On a mismatch, run `cargo run -- build`.

use crate::support;

#[test]
fn shipped_out_matches_a_fresh_render() {
    let files = support::render(&support::root().join("platform/platform.toml"));
    let committed = support::read_tree(&support::root().join("out"));
    let missing: Vec<_> = files.keys().filter(|path| !committed.contains_key(*path)).collect();
    let extra: Vec<_> = committed.keys().filter(|path| !files.contains_key(*path)).collect();
    let changed: Vec<_> = files
        .iter()
        .filter(|(path, text)| committed.get(*path).is_some_and(|it| it != *text))
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "out/ is stale; run `cargo run -- build`\nmissing: {missing:?}\nextra: {extra:?}\nchanged: {changed:?}"
    );
}

#[test]
fn committed_schema_matches_the_model() {
    let committed = std::fs::read_to_string(support::root().join("schema/platform.schema.json")).unwrap();
    assert!(committed == slipway::schema::generate(), "schema/platform.schema.json is stale; run `cargo run -- build`");
}

#[test]
fn schema_is_draft_07() {
    let schema: serde_json::Value = serde_json::from_str(&slipway::schema::generate()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
}
