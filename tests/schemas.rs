//! Schema validation: every custom resource in `out/` (and in every valid fixture's output) against the
//! CRD schema of the version the platform's pinned operator serves (`catalog/crds/`, extracted by
//! `catalog/extract.sh`), strict as kubeconform's `-strict` is (unknown fields rejected); and platform
//! files against `schema/platform.schema.json`.

use std::path::PathBuf;

use serde_json::Value;
use slipway::model::ComponentKind;

use crate::support;

/// One CRD version in `catalog/crds/<dir>/index.json`.
struct CrdVersion {
    dir: String,
    group: String,
    kind: String,
    version: String,
    is_served: bool,
    file: String,
}

fn crds() -> Vec<CrdVersion> {
    let root = support::root().join("catalog/crds");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let index: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
        for item in index {
            all.push(CrdVersion {
                dir: dir.file_name().unwrap().to_string_lossy().into_owned(),
                group: item["group"].as_str().unwrap().to_owned(),
                kind: item["kind"].as_str().unwrap().to_owned(),
                version: item["version"].as_str().unwrap().to_owned(),
                is_served: item["served"].as_bool().unwrap(),
                file: item["file"].as_str().unwrap().to_owned(),
            });
        }
    }
    all
}

/// The component kind whose chart serves a CRD group, and the directory for when no such component is
/// declared (its operator is a prerequisite): external-secrets' 0.16.0, the oldest that serves v1.
fn provider(group: &str) -> Option<(ComponentKind, &'static str)> {
    Some(match group {
        "external-secrets.io" => (ComponentKind::ExternalSecrets, "external-secrets-v0.16.0"),
        "configuration.konghq.com" => (ComponentKind::Kong, "kong-"),
        "monitoring.coreos.com" => (ComponentKind::PrometheusStack, "kube-prometheus-stack-"),
        "traefik.io" => (ComponentKind::Traefik, "traefik-"),
        "metallb.io" => (ComponentKind::Metallb, "metallb-"),
        "secrets-store.csi.x-k8s.io" => (ComponentKind::SecretsStoreCsi, "secrets-store-csi-driver-"),
        "bitnami.com" => (ComponentKind::SealedSecrets, "sealed-secrets-"),
        "database.arangodb.com" => (ComponentKind::Arangodb, "kube-arangodb-"),
        _ => return None,
    })
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

/// The chart version of each component kind an environment declares.
type Pinned = Vec<(ComponentKind, String)>;

/// The rendered objects of a valid platform per environment, with the chart version of each component
/// kind it declares there. The YAML files themselves are parsed and validated by `tests/validate-out.py`.
fn objects(platform: &std::path::Path) -> Vec<(String, Value, Pinned)> {
    let source = support::source(platform);
    let model = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&model, &source, &support::attachments(platform, &model));
    let mut all = Vec::new();
    for env in &envs {
        let pinned: Pinned = env
            .components
            .values()
            .filter_map(|it| Some((it.kind.value, it.chart.version.as_ref()?.value.clone())))
            .collect();
        for manifest in slipway::render::render(env) {
            all.push((manifest.path.clone(), manifest.value(), pinned.clone()));
        }
    }
    // `[argocd] root = "all"`: the Application over every environment's root.
    if let Some(root) = slipway::render::root_of_roots(&envs, &[]) {
        all.push((root.path.clone(), root.value(), Vec::new()));
    }
    all
}

/// The strict validator of `group/version` `kind` as the pinned operator serves it: an error when that
/// operator does not serve the version at all.
fn validator(
    crds: &[CrdVersion],
    api_version: &str,
    kind: &str,
    pinned: &[(ComponentKind, String)],
) -> Result<jsonschema::Validator, String> {
    let (group, version) = api_version.split_once('/').unwrap();
    let dir: Option<String> = provider(group).map(|(component, prerequisite)| {
        match pinned.iter().find(|(declared, _)| *declared == component) {
            Some((_, chart_version)) => crds
                .iter()
                .find(|it| it.group == group && it.dir.ends_with(chart_version.as_str()))
                .map_or_else(|| format!("(no CRDs extracted for chart {chart_version})"), |it| it.dir.clone()),
            None => crds
                .iter()
                .find(|it| it.group == group && it.dir.starts_with(prerequisite))
                .map_or_else(|| prerequisite.to_owned(), |it| it.dir.clone()),
        }
    });
    let found = crds.iter().find(|it| {
        it.group == group && it.kind == kind && it.version == version && dir.as_ref().is_none_or(|dir| &it.dir == dir)
    });
    let Some(found) = found else {
        return Err(format!("no CRD of {api_version} {kind} in catalog/crds/{}", dir.unwrap_or_default()));
    };
    if !found.is_served {
        return Err(format!("{api_version} {kind} is not served by {}", found.dir));
    }
    let path: PathBuf = support::root().join("catalog/crds").join(&found.dir).join(&found.file);
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    strict(&mut schema);
    Ok(jsonschema::validator_for(&schema).expect("upstream schema compiles"))
}

fn check_custom_resources(platform: &std::path::Path) -> usize {
    let crds = crds();
    let mut checked = 0;
    for (path, object, pinned) in objects(platform) {
        let api_version = object["apiVersion"].as_str().unwrap();
        // Built-in groups are `*.k8s.io` (but not the `*.x-k8s.io` of SIG projects, which are CRDs).
        let custom = |group: &str| group.contains('.') && (!group.ends_with(".k8s.io") || group.ends_with(".x-k8s.io"));
        if !api_version.split_once('/').is_some_and(|(group, _)| custom(group)) {
            continue;
        }
        let kind = object["kind"].as_str().unwrap();
        let validator = validator(&crds, api_version, kind, &pinned).unwrap_or_else(|error| panic!("{path}: {error}"));
        let errors: Vec<String> =
            validator.iter_errors(&object).map(|error| format!("{} at {}", error, error.instance_path())).collect();
        assert!(errors.is_empty(), "{path} fails the {kind} schema:\n{}", errors.join("\n"));
        checked += 1;
    }
    checked
}

#[test]
fn an_external_secret_api_the_pinned_operator_does_not_serve_is_refused() {
    let crds = crds();
    let pinned = [(ComponentKind::ExternalSecrets, "0.9.20".to_owned())];
    let error = validator(&crds, "external-secrets.io/v1", "ExternalSecret", &pinned).err().unwrap();
    assert!(error.contains("external-secrets-v0.9.20"), "{error}");
    assert!(validator(&crds, "external-secrets.io/v1beta1", "ExternalSecret", &pinned).is_ok());
    // With the operator a prerequisite, the oldest version serving v1.
    assert!(validator(&crds, "external-secrets.io/v1", "ExternalSecret", &[]).is_ok());
}

#[test]
fn custom_resources_of_the_shipped_platform_match_the_pinned_crd_schemas() {
    let checked = check_custom_resources(&support::root().join("platform/platform.toml"));
    assert!(checked >= 3 * 16, "expected every environment's Applications and AppProject, checked {checked}");
}

#[test]
fn custom_resources_of_valid_fixtures_match_the_pinned_crd_schemas() {
    for path in support::fixtures("valid") {
        assert!(check_custom_resources(&path) > 0, "{} rendered no custom resources", path.display());
    }
}

/// A secret made of several remote secrets: one ExternalSecret `data` entry per key, each with its own
/// `remoteRef.key` (external-secrets 0.9.20, `v1beta1`), and one `objects` entry per AWS secret in the
/// SecretProviderClass (secrets-store CSI driver 1.4.4, `v1`), both valid against the pinned CRDs.
#[test]
fn secrets_of_several_remote_objects_match_the_pinned_crd_schemas() {
    let platform = support::fixture("valid/secrets-per-environment.toml");
    assert!(check_custom_resources(&platform) > 0);
    let all = objects(&platform);
    let find = |path: &str| &all.iter().find(|(it, _, _)| it == path).unwrap_or_else(|| panic!("{path}")).1;
    let external = find("dev/secrets/externalsecret-shop-orders-aws.yaml");
    assert_eq!(external["apiVersion"], "external-secrets.io/v1beta1");
    let remote_keys: std::collections::BTreeSet<&str> = external["spec"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["remoteRef"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(remote_keys.len(), 2, "{external}");
    let class = find("production/secrets/secretproviderclass-shop-orders-aws.yaml");
    let objects = class["spec"]["parameters"]["objects"].as_str().unwrap();
    assert_eq!(objects.matches("objectName:").count(), 2, "{objects}");
    assert_eq!(class["spec"]["secretObjects"][0]["data"].as_array().unwrap().len(), 4);
}

#[test]
fn the_root_over_every_environment_and_sync_windows_match_the_crd_schemas() {
    let platform = support::fixture("valid/delivery.toml");
    let objects = objects(&platform);
    assert!(objects.iter().any(|(path, _, _)| path == "root.yaml"), "no root over every environment");
    assert!(
        objects.iter().any(|(_, object, _)| object["spec"]["syncWindows"].as_array().is_some_and(|it| it.len() == 2)),
        "no AppProject with sync windows"
    );
    assert!(check_custom_resources(&platform) > 0);
}

#[test]
fn strictness_rejects_an_unknown_field() {
    let validator = validator(&crds(), "argoproj.io/v1alpha1", "Application", &[]).unwrap();
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

/// kube-arangodb's chart ships its CRD without a schema; the ArangoDeployment is checked against the
/// schema the operator generates (catalog/crds/kube-arangodb-1.4.4), strictly.
#[test]
fn the_arangodeployment_matches_the_operators_generated_schema() {
    let platform = support::fixture("valid/arangodb.toml");
    let all = objects(&platform);
    let (_, deployment, pinned) =
        all.iter().find(|(path, _, _)| path == "dev/components/arangodb/arangodeployment-arangodb.yaml").unwrap();
    assert!(check_custom_resources(&platform) > 0);
    let validator = validator(&crds(), "database.arangodb.com/v1", "ArangoDeployment", pinned).unwrap();
    assert!(validator.is_valid(deployment));
    let mut wrong = deployment.clone();
    wrong["spec"]["single"]["resource"] = serde_json::json!({});
    assert!(!validator.is_valid(&wrong), "an unknown field passes");
    let mut wrong = deployment.clone();
    wrong["spec"]["tls"]["caSecretName"] = serde_json::json!(false);
    assert!(!validator.is_valid(&wrong), "a field of the wrong type passes");
}
