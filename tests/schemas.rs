//! Schema validation: ArgoCD objects in `out/` (and in every valid fixture's output) against the upstream
//! CRD schemas in `../shared/schemas/`, strict as kubeconform's `-strict` is (unknown fields rejected);
//! and platform files against `schema/platform.schema.json`.

use std::path::PathBuf;

use serde_json::Value;

use crate::support;

fn shared_schemas() -> PathBuf {
    let dir = support::root().join("../shared/schemas");
    assert!(
        dir.is_dir(),
        "the CRD schemas are expected at {}; CI checks out shared/ beside the project",
        dir.display()
    );
    dir
}

/// Adds `additionalProperties: false` to every object schema that lists `properties` and says nothing
/// about extra fields, as kubeconform's strict mode and the API server's strict field validation do.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !map.contains_key("x-kubernetes-preserve-unknown-fields")
            {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            for value in map.values_mut() {
                strict(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The rendered objects of a valid platform, before they are written as YAML. The YAML files themselves
/// are parsed and validated by `tests/validate-out.py`, which CI runs.
fn objects(platform: &std::path::Path) -> Vec<(String, Value)> {
    let source = support::source(platform);
    let model = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&model, &source, &support::attachments(platform, &model));
    envs.iter().flat_map(slipway::render::render).map(|manifest| (manifest.path, manifest.object)).collect()
}

fn validator(group: &str, kind: &str) -> Option<jsonschema::Validator> {
    let path = shared_schemas().join(group).join(format!("{}.json", kind.to_ascii_lowercase()));
    let text = std::fs::read_to_string(path).ok()?;
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    strict(&mut schema);
    Some(jsonschema::validator_for(&schema).expect("upstream schema compiles"))
}

fn check_custom_resources(platform: &std::path::Path) -> usize {
    let mut checked = 0;
    for (path, object) in objects(platform) {
        let api_version = object["apiVersion"].as_str().unwrap();
        // Built-in groups are `*.k8s.io` (but not the `*.x-k8s.io` of SIG projects, which are CRDs).
        let custom = |group: &str| group.contains('.') && (!group.ends_with(".k8s.io") || group.ends_with(".x-k8s.io"));
        let Some((group, _)) = api_version.split_once('/').filter(|(group, _)| custom(group)) else { continue };
        let kind = object["kind"].as_str().unwrap();
        // A SealedSecret is the user's sealed file passed through; the S007 check validates it, and
        // no upstream schema for it is in ../shared/schemas/.
        if kind == "SealedSecret" {
            continue;
        }
        let validator = validator(group, kind).unwrap_or_else(|| panic!("{path}: no schema for {api_version} {kind}"));
        let errors: Vec<String> =
            validator.iter_errors(&object).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        assert!(errors.is_empty(), "{path} fails the {kind} schema:\n{}", errors.join("\n"));
        checked += 1;
    }
    checked
}

#[test]
fn argocd_objects_of_the_shipped_platform_match_the_crd_schemas() {
    let checked = check_custom_resources(&support::root().join("platform/platform.toml"));
    assert!(checked >= 3 * 16, "expected every environment's Applications and AppProject, checked {checked}");
}

#[test]
fn argocd_objects_of_valid_fixtures_match_the_crd_schemas() {
    for path in support::fixtures("valid") {
        assert!(check_custom_resources(&path) > 0, "{} rendered no ArgoCD objects", path.display());
    }
}

#[test]
fn strictness_rejects_an_unknown_field() {
    let validator = validator("argoproj.io", "Application").unwrap();
    let object = serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": { "name": "x" },
        "spec": { "project": "default", "destination": {}, "source": { "repoURL": "r", "colour": "blue" } }
    });
    assert!(!validator.is_valid(&object));
}

#[test]
fn platform_files_match_the_generated_schema() {
    let schema: Value = serde_json::from_str(&slipway::schema::generate()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut platforms = vec![support::root().join("platform/platform.toml")];
    platforms.extend(support::fixtures("valid"));
    for path in platforms {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_json::to_value(toml::from_str::<toml::Table>(&text).unwrap()).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&value).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        assert!(errors.is_empty(), "{} fails the schema:\n{}", path.display(), errors.join("\n"));
    }
}
