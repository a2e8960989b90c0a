//! A platform built in Rust instead of TOML: two services and a secret, compiled with the same checks and
//! written as `slipway build` would write `tests/fixtures/valid/rust-platform.toml`.
//!
//! Run it with `cargo run --example rust_platform -- OUT_DIR`.

use slipway::model::{EnvValue, Environment, Platform, PlatformInfo, Runtime, Secret, ServiceSpec};
use slipway::source::Spanned;

/// The platform, as `tests/fixtures/valid/rust-platform.toml` writes it.
pub(crate) fn platform() -> Platform {
    let mut platform = Platform {
        platform: PlatformInfo {
            name: "shop".to_owned().into(),
            repo: "https://git.example.com/shop/gitops.git".to_owned().into(),
            ..PlatformInfo::default()
        },
        ..Platform::default()
    };
    platform.secrets.insert(
        "orders-db".to_owned().into(),
        Secret { keys: Some(vec!["url".to_owned().into()]), ..Secret::default() },
    );
    let mut env = indexmap::IndexMap::new();
    env.insert(
        Spanned::from("DATABASE_URL".to_owned()),
        Spanned::from(EnvValue::Secret { secret: "orders-db".to_owned().into(), key: "url".to_owned().into() }),
    );
    env.insert(
        Spanned::from("CATALOG_URL".to_owned()),
        Spanned::from(EnvValue::Literal("${services.catalog.url}".to_owned())),
    );
    platform.services.insert(
        "orders".to_owned().into(),
        ServiceSpec {
            image: Some("registry.example.com/shop/orders:1.0.0".to_owned().into()),
            runtime: Some(Runtime::Java.into()),
            uses: Some(vec!["catalog".to_owned().into()]),
            env: Some(env),
            ..ServiceSpec::default()
        },
    );
    platform.services.insert(
        "catalog".to_owned().into(),
        ServiceSpec {
            image: Some("registry.example.com/shop/catalog:1.0.0".to_owned().into()),
            runtime: Some(Runtime::Go.into()),
            replicas: Some(2.into()),
            ..ServiceSpec::default()
        },
    );
    platform.environments.insert("dev".to_owned().into(), Environment::default());
    platform
}

#[allow(dead_code)] // The integration tests include this file for `platform()` alone.
fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: rust_platform OUT_DIR");
        std::process::exit(2);
    };
    let compiled = slipway::compile_model(&platform(), "platform.toml");
    let rendered =
        slipway::diagnostic::render(&compiled.diagnostics, None, slipway::diagnostic::Format::Human { color: false });
    eprint!("{rendered}");
    let Some(files) = compiled.files else { std::process::exit(1) };
    if let Err(error) = slipway::emit::write(std::path::Path::new(&out), &files) {
        eprintln!("error: {error:?}");
        std::process::exit(2);
    }
    println!("wrote {} files to {out}", files.len());
}
