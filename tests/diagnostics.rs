//! Diagnostics: every fixture in `tests/fixtures/invalid/` fails with its code, and its rendered
//! diagnostics are snapshotted; every code has a fixture and an explanation.

use slipway::diagnostic::{self, Code, Format};

use crate::support;

fn fixtures() -> Vec<std::path::PathBuf> {
    support::fixtures("invalid")
}

#[test]
fn every_invalid_fixture_reports_its_code() {
    for path in fixtures() {
        let stem = support::fixture_name(&path);
        let code = Code::parse(&stem[..4]).unwrap_or_else(|| panic!("{stem} does not start with a code"));
        let (source, compiled) = support::compile(&path);
        let found = compiled.diagnostics.iter().find(|d| d.code == code);
        let found = found.unwrap_or_else(|| panic!("{stem}: no {code} in {:#?}", compiled.diagnostics));
        if found.is_error() {
            assert!(compiled.files.is_none(), "{stem}: an invalid platform must render nothing");
        }
        let rendered = diagnostic::render(&compiled.diagnostics, Some(&source), Format::Human { color: false });
        support::settings().bind(|| insta::assert_snapshot!(stem, rendered));
    }
}

#[test]
fn every_code_has_a_fixture_or_a_cli_test_and_an_explanation() {
    let stems: Vec<String> = fixtures().iter().map(|path| support::fixture_name(path)).collect();
    for code in Code::ALL {
        assert!(code.explanation().lines().count() >= 3, "{code} needs an explanation with an example and a fix");
        // Output codes are about files on disk and usage codes about the command line, so `tests/cli.rs`
        // covers them instead of a platform fixture.
        if code.as_str().starts_with(['O', 'U']) {
            continue;
        }
        // The sync-order and blocked-edge checks hold Slipway's own waves and policies to the platform: no
        // platform breaks them, so their tests (compiler/validate/sync.rs, tests/reachability.rs) feed them
        // broken waves and policies instead.
        if *code == Code::SyncOrder || *code == Code::BlockedEdge {
            continue;
        }
        assert!(
            stems.iter().any(|stem| stem.starts_with(code.as_str())),
            "{code} has no fixture in tests/fixtures/invalid/"
        );
    }
}

#[test]
fn the_same_mistake_in_several_environments_is_reported_once() {
    let source = support::source(&support::fixture("invalid/P004-missing-image.toml"));
    let compiled = slipway::compile(&source);
    let missing: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::MissingKey).collect();
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0].environments, vec!["dev".to_owned(), "prod".to_owned()]);
}

#[test]
fn all_problems_are_reported_in_one_run_in_source_order() {
    let source = support::source(&support::fixture("invalid/S001-undeclared-secret.toml"));
    let compiled = slipway::compile(&source);
    let codes: Vec<(Code, usize)> = compiled
        .diagnostics
        .iter()
        .map(|d| (d.code, source.line_col(d.primary.as_ref().unwrap().span.start).0))
        .collect();
    assert_eq!(codes, vec![(Code::UndeclaredSecret, 12), (Code::UndeclaredSecret, 13)]);
}

#[test]
fn five_mistakes_are_all_reported_in_one_run_in_source_order() {
    let source = support::source(&support::fixture("multiple/five-mistakes.toml"));
    let compiled = slipway::compile(&source);
    let found: Vec<(String, usize)> = compiled
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_owned(), source.line_col(d.primary.as_ref().unwrap().span.start).0))
        .collect();
    let expected = [("S005", 9), ("X003", 11), ("S001", 12), ("G001", 17), ("R001", 23)];
    assert_eq!(found, expected.map(|(code, line)| (code.to_owned(), line)));
    let rendered = diagnostic::render(&compiled.diagnostics, Some(&source), Format::Human { color: false });
    support::settings().bind(|| insta::assert_snapshot!("five-mistakes", rendered));
}

#[test]
fn warnings_alone_still_render() {
    let source = support::source(&support::fixture("invalid/S003-unused-secret.toml"));
    let compiled = slipway::compile(&source);
    assert!(!compiled.has_errors());
    assert!(compiled.files.is_some());
}

#[test]
fn a_value_from_an_environment_overlay_is_pointed_at_in_the_overlay() {
    let text = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[services.web]
image = "registry.example.com/shop/web:1.0.0"
runtime = "node"
replicas = 2

[environments.dev]
[environments.production]
services.web = { image = "registry.example.com/shop/web:latest" }
"#;
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let compiled = slipway::compile(&source);
    let mutable: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::MutableImageTag).collect();
    assert_eq!(mutable.len(), 1, "{:#?}", compiled.diagnostics);
    assert_eq!(mutable[0].environments, vec!["production".to_owned()]);
    assert_eq!(source.line_col(mutable[0].primary.as_ref().unwrap().span.start), (12, 26));
}

#[test]
fn the_port_registry_is_listed_in_the_environment_summary() {
    let text = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"
port_registry = true

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
runtime = "java"

[services.catalog]
image = "registry.example.com/shop/catalog:1.0.0"
runtime = "go"
ports = [{ name = "http", port = 8081 }, { name = "grpc", port = 9090 }]

[environments.dev]
"#;
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", text));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let summary = &compiled.files.unwrap()["dev/README.md"];
    assert!(
        summary.contains("## Port registry\n\n| port | service | name | protocol |\n|---:|---|---|---|\n| 8080 | orders | http | TCP |\n| 8081 | catalog | http | TCP |\n| 9090 | catalog | grpc | TCP |\n"),
        "{summary}"
    );
}
