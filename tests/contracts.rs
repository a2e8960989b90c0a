//! Component contracts: `compiler/catalog.rs` against the facts extracted from each upstream chart at the
//! version the catalog pins (`catalog/charts/`, made by `catalog/extract.sh`). Every values path Slipway
//! writes exists in the chart's values with the same shape; every Bitnami image the chart pulls is
//! pointed at the legacy repository; the labels network policies select are on the chart's pods; the
//! chart versions the catalog lists all have their facts here.

use std::collections::BTreeMap;

use serde_json::Value;
use slipway::catalog::{self, LabelValue};
use slipway::model::ComponentKind;

use crate::support;

/// Paths the charts read but document only in comments of values.yaml, each checked in the chart's
/// templates at the pinned tag: (chart, path, where the template reads it).
const COMMENTED: &[(&str, &str, &str)] = &[
    ("kong", "fullnameOverride", "charts/kong/templates/_helpers.tpl, define \"kong.fullname\""),
    ("secrets-store-csi-driver", "fullnameOverride", "charts/secrets-store-csi-driver/templates/_helpers.tpl"),
    ("traefik", "fullnameOverride", "traefik/templates/_helpers.tpl"),
    ("ingress-nginx", "fullnameOverride", "charts/ingress-nginx/templates/_helpers.tpl"),
    ("kong", "env.plugins", "charts/kong/templates/_helpers.tpl:1155, `range $key, $val := .Values.env`"),
    ("kong", "ingressController.installCRDs", "charts/kong/templates/custom-resource-definitions.yaml"),
    ("kong", "proxy.http.nodePort", "charts/kong/templates/_helpers.tpl, define \"kong.service\""),
    ("kong", "proxy.tls.nodePort", "charts/kong/templates/_helpers.tpl, define \"kong.service\""),
    ("traefik", "ports.web.nodePort", "traefik/templates/_service.tpl"),
    ("traefik", "ports.websecure.nodePort", "traefik/templates/_service.tpl"),
    ("linkerd-control-plane", "destinationResources", "charts/linkerd-control-plane/templates/destination.yaml"),
    ("linkerd-control-plane", "identityResources", "charts/linkerd-control-plane/templates/identity.yaml"),
    ("linkerd-control-plane", "proxyInjectorResources", "charts/linkerd-control-plane/templates/proxy-injector.yaml"),
    ("linkerd-control-plane", "spValidatorResources", "charts/linkerd-control-plane/templates/destination.yaml"),
    ("grafana", "fullnameOverride", "charts/grafana/templates/_helpers.tpl, define \"grafana.fullname\""),
    ("grafana", "service.nodePort", "charts/grafana/templates/service.yaml, when service.type is NodePort"),
];

/// Images under `docker.io/bitnami` that are not Bitnami's catalog, so not moved to bitnamilegacy:
/// (chart, path, why).
const PUBLISHED_BY_THEIR_PROJECT: &[(&str, &str, &str)] = &[(
    "sealed-secrets",
    "image",
    "bitnami-labs/sealed-secrets builds and pushes it itself (commit 50e549bf, #1779); its main branch of \
     2026-04-22 still names docker.io/bitnami/sealed-secrets-controller",
)];

/// Subcharts whose values a parent passes through under their name: (parent, dependency, facts file).
const SUBCHARTS: &[(&str, &str, &str)] = &[
    ("kube-prometheus-stack", "grafana", "grafana-8.3.2"),
    ("kube-prometheus-stack", "kube-state-metrics", "kube-state-metrics-5.21.0"),
    ("kube-prometheus-stack", "prometheus-node-exporter", "prometheus-node-exporter-4.37.0"),
];

struct Chart {
    name: String,
    document: Value,
}

impl Chart {
    fn load(name: &str, version: &str) -> Chart {
        let path = support::root().join("catalog/charts").join(format!("{name}-{version}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}; run catalog/extract.sh for this version", path.display()));
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(document["chart"]["version"], version, "{} holds another version", path.display());
        Chart { name: name.to_owned(), document }
    }

    fn shape(&self, path: &str) -> Option<&str> {
        self.document["values"][path].as_str()
    }
}

/// The dotted path of keys, as extract.py writes it: a key with a dot in it is bracketed.
fn dotted(keys: &[&str]) -> String {
    let mut path = String::new();
    for key in keys {
        if key.contains('.') {
            path.push_str(&format!("[{key}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        }
    }
    path
}

/// Whether a value fits a shape of the chart's values (`null` there is a placeholder for a scalar).
fn fits(shape: &str, value: &Value) -> bool {
    match value {
        Value::Object(_) => shape.starts_with("object"),
        Value::Array(_) => shape == "array",
        Value::String(_) => matches!(shape, "string" | "null"),
        Value::Number(_) => matches!(shape, "number" | "null"),
        Value::Bool(_) => matches!(shape, "boolean" | "null"),
        Value::Null => true,
    }
}

/// Every leaf Slipway wrote, with its keys.
fn leaves<'a>(value: &'a Value, keys: &mut Vec<&'a str>, out: &mut Vec<(Vec<&'a str>, &'a Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                keys.push(key);
                leaves(child, keys, out);
                keys.pop();
            }
        }
        _ => out.push((keys.clone(), value)),
    }
}

/// Problems with one written path: it must be in the chart's values with the value's shape, or lie
/// inside a free-form map of them (`{}` in values.yaml), or be a documented commented-out setting.
fn check_path(chart: &Chart, keys: &[&str], value: &Value) -> Option<String> {
    if let Some((_, _, file)) = SUBCHARTS.iter().find(|(parent, name, _)| *parent == chart.name && keys[0] == *name)
        && chart.shape(&dotted(keys)).is_none()
    {
        let (name, version) = file.rsplit_once('-').unwrap();
        return check_path(&Chart::load(name, version), &keys[1..], value)
            .map(|problem| format!("in subchart {file}: {problem}"));
    }
    for end in 1..=keys.len() {
        let path = dotted(&keys[..end]);
        match chart.shape(&path) {
            Some("object{}") if end < keys.len() => return None,
            Some(shape) if end == keys.len() => {
                return (!fits(shape, value))
                    .then(|| format!("`{path}` is {shape} in the chart, Slipway writes {value}"));
            }
            Some(_) => {}
            None => {
                let documented = COMMENTED.iter().any(|(name, commented, _)| *name == chart.name && *commented == path);
                return (!documented).then(|| format!("`{path}` is not in the chart's values"));
            }
        }
    }
    None
}

/// The objects one environment of a platform renders, by path.
fn rendered(path: &std::path::Path, environment: &str) -> BTreeMap<String, Value> {
    let source = support::source(path);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, diagnostics) = slipway::resolve::resolve(&platform, &source, &support::attachments(path, &platform));
    assert!(diagnostics.iter().all(|it| it.severity != slipway::diagnostic::Severity::Error), "{diagnostics:#?}");
    let env = envs.iter().find(|env| env.name.value == environment).expect("the environment exists");
    slipway::render::render(env).into_iter().map(|manifest| (manifest.path.clone(), manifest.value())).collect()
}

fn applications() -> BTreeMap<String, Value> {
    let mut objects = BTreeMap::new();
    for fixture in
        ["valid/components.toml", "valid/gateway-traefik.toml", "valid/gateway-nginx.toml", "valid/gateway-alb.toml"]
    {
        objects.extend(rendered(&support::fixture(fixture), "dev"));
    }
    objects
}

fn typed_kinds() -> impl Iterator<Item = ComponentKind> {
    ComponentKind::ALL.into_iter().filter(|kind| *kind != ComponentKind::Helm)
}

#[test]
fn every_pinned_version_has_its_extracted_facts() {
    for kind in typed_kinds() {
        let info = catalog::kind_info(kind);
        assert!(!info.versions.is_empty(), "{kind:?} lists no chart version");
        for version in info.versions {
            let chart = Chart::load(info.chart_name, version);
            assert!(chart.document["source"]["commit"].as_str().is_some_and(|it| it.len() == 40));
            assert!(chart.document["facts"]["workloads"].is_array(), "{} has no hand-read facts", info.chart_name);
        }
    }
}

#[test]
fn every_values_path_slipway_writes_is_in_the_pinned_chart() {
    let objects = applications();
    let mut problems = Vec::new();
    let mut checked = 0;
    for kind in typed_kinds() {
        let info = catalog::kind_info(kind);
        let chart = Chart::load(info.chart_name, info.versions[0]);
        let path = format!("dev/apps/application-dev-{}.yaml", kind.as_str());
        let application = objects.get(&path).unwrap_or_else(|| panic!("{path} is not rendered by the fixtures"));
        let values = &application["spec"]["source"]["helm"]["valuesObject"];
        let mut written = Vec::new();
        leaves(values, &mut Vec::new(), &mut written);
        for (keys, value) in written {
            checked += 1;
            if let Some(problem) = check_path(&chart, &keys, value) {
                problems.push(format!("{} {}: {problem}", info.chart_name, info.versions[0]));
            }
        }
    }
    assert!(checked > 200, "only {checked} paths checked");
    assert!(problems.is_empty(), "values Slipway writes that the pinned charts do not read:\n{}", problems.join("\n"));
}

#[test]
fn the_shipped_platforms_own_values_are_read_by_its_charts() {
    // The user's `values` are merged over Slipway's: FlowMind's must be settings its charts know too.
    let objects = rendered(&support::root().join("platform/platform.toml"), "production");
    let mut problems = Vec::new();
    let mut charts = 0;
    for (path, object) in &objects {
        let source = &object["spec"]["source"];
        let Some(chart_name) = source["chart"].as_str() else { continue };
        let chart = Chart::load(chart_name, source["targetRevision"].as_str().unwrap());
        charts += 1;
        let mut written = Vec::new();
        leaves(&source["helm"]["valuesObject"], &mut Vec::new(), &mut written);
        for (keys, value) in written {
            if let Some(problem) = check_path(&chart, &keys, value) {
                problems.push(format!("{path}: {problem}"));
            }
        }
    }
    assert_eq!(charts, 6, "FlowMind's six charts");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_commented_paths_are_read_by_the_templates_named() {
    // The exceptions are facts too: each names a template file of the chart at its tag.
    for (chart, path, template) in COMMENTED {
        assert!(template.contains('/'), "{chart} {path}: name the template file");
        let kind = typed_kinds().find(|kind| catalog::kind_info(*kind).chart_name == *chart).unwrap();
        let values = Chart::load(chart, catalog::kind_info(kind).versions[0]);
        assert!(values.shape(path).is_none(), "{chart} {path} is in values.yaml now: drop the exception");
    }
}

#[test]
fn every_bitnami_image_is_pointed_at_the_legacy_repository() {
    let objects = applications();
    for kind in typed_kinds() {
        let info = catalog::kind_info(kind);
        let chart = Chart::load(info.chart_name, info.versions[0]);
        let images = chart.document["images"].as_array().unwrap();
        let values = &objects[&format!("dev/apps/application-dev-{}.yaml", kind.as_str())]["spec"]["source"]["helm"]["valuesObject"];
        for image in images {
            let repository = image["repository"].as_str().unwrap();
            let Some(name) = repository.strip_prefix("bitnami/") else { continue };
            if image["registry"].as_str().is_some_and(|registry| registry != "docker.io") {
                continue;
            }
            let path = image["path"].as_str().unwrap();
            if PUBLISHED_BY_THEIR_PROJECT.iter().any(|(chart, at, _)| *chart == info.chart_name && *at == path) {
                continue;
            }
            let declared = info.bitnami_images.iter().find(|it| dotted(it.path) == path);
            assert!(
                declared.is_some_and(|it| it.name == name),
                "{} pulls docker.io/{repository} at `{path}`; the catalog does not move it to bitnamilegacy",
                info.chart_name
            );
            let mut written = values;
            for key in path.split('.') {
                written = &written[key];
            }
            assert_eq!(written["repository"], format!("bitnamilegacy/{name}"), "{} `{path}`", info.chart_name);
        }
        for image in info.bitnami_images {
            let path = dotted(image.path);
            assert!(
                images.iter().any(|it| it["path"] == path.as_str()),
                "{}: the catalog names an image at `{path}` that the chart does not have",
                info.chart_name
            );
        }
    }
}

#[test]
fn network_policies_select_labels_the_charts_put_on_their_pods() {
    for kind in typed_kinds() {
        let info = catalog::kind_info(kind);
        let chart = Chart::load(info.chart_name, info.versions[0]);
        // The chart's main workload, which the facts list first.
        let workloads = chart.document["facts"]["workloads"].as_array().unwrap();
        let labels =
            workloads[0]["pod_labels"].as_object().unwrap_or_else(|| panic!("{}: no pod labels", info.chart_name));
        for (key, value) in info.pod_labels {
            let expected = match value {
                LabelValue::Release => "{release}",
                LabelValue::ReleaseNamespace => "{release}-{namespace}",
                LabelValue::Namespace => "{namespace}",
                LabelValue::Fixed(value) => value,
                LabelValue::ReleaseAnyOf(suffixes) => {
                    // Every workload the chart runs by default carries one of the values.
                    for workload in workloads
                        .iter()
                        .filter(|it| !it["pod_labels"].as_object().is_none_or(serde_json::Map::is_empty))
                    {
                        let actual = workload["pod_labels"][*key].as_str().unwrap_or_default();
                        let fullname = actual.replace("{fullname}", "{release}");
                        assert!(
                            suffixes.iter().any(|suffix| fullname == format!("{{release}}{suffix}")),
                            "{}: workload {} carries {key}={actual}, which the selector misses",
                            info.chart_name,
                            workload["name"]
                        );
                    }
                    continue;
                }
            };
            assert_eq!(
                labels.get(*key).and_then(Value::as_str),
                Some(expected),
                "{}: its pods carry {key}={:?}, the catalog selects {expected}",
                info.chart_name,
                labels.get(*key)
            );
        }
    }
}

#[test]
fn generated_values_are_pinned_where_the_chart_reads_them() {
    for kind in typed_kinds() {
        let info = catalog::kind_info(kind);
        let chart = Chart::load(info.chart_name, info.versions[0]);
        for generated in info.generated {
            let path = dotted(generated.secret_path);
            assert_eq!(chart.shape(&path), Some("string"), "{}: `{path}` names no existing secret", info.chart_name);
        }
    }
}
