//! The Rust API: a platform built in Rust compiles to exactly the files `build` writes for the same
//! platform in TOML.

#[path = "../examples/rust_platform.rs"]
mod rust_platform;

use crate::support;

#[test]
fn a_platform_built_in_rust_renders_like_its_toml() {
    let from_rust = slipway::compile_model(&rust_platform::platform(), "platform.toml");
    assert!(!from_rust.has_errors(), "{:#?}", from_rust.diagnostics);
    let toml = std::fs::read_to_string(support::fixture("valid/rust-platform.toml")).unwrap();
    let from_toml = slipway::compile(&slipway::source::SourceFile::new("platform/platform.toml", toml));
    assert_eq!(from_rust.files, from_toml.files);
}

#[test]
fn the_example_writes_the_files() {
    let dir = support::temp_dir("rust-example");
    let compiled = slipway::compile_model(&rust_platform::platform(), "platform.toml");
    let files = compiled.files.unwrap();
    slipway::emit::write(&dir, &files).unwrap();
    assert_eq!(support::read_tree(&dir), files);
}
