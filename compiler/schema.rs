//! Schema: takes the model types, gives `schema/platform.schema.json` (JSON Schema draft-07, which
//! Taplo-based TOML editors read for completion and validation).

use crate::model;

/// The schema text, pretty-printed and ending in a newline.
pub fn generate() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<model::Platform>();
    schema.insert("title".to_owned(), "Slipway platform".into());
    schema.insert(
        "description".to_owned(),
        "A whole Kubernetes platform: services, secrets and environments, compiled by slipway into manifests and ArgoCD Applications."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}
