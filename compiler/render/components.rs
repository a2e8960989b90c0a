//! Components: takes the components of an environment, gives the Helm values Slipway writes for each
//! (resources, persistence, credentials, databases, NodePorts, then the user's own `values` over them),
//! and the Service objects that stand for external ones.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::discovery::v1 as discovery;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde_json::{Map, Value, json};

use super::{Manifest, Out, labels};
use crate::catalog;
use crate::resolved;

/// The chart values of a component, as `valuesObject` of its Application: what its kind's contract with
/// the pinned chart says (see `catalog`), then the user's own `values` over them.
pub(super) fn values(env: &resolved::Env, component: &resolved::Component) -> Value {
    let info = catalog::kind_info(component.kind.value);
    let mut values = Map::new();
    if catalog::takes_fullname(component.kind.value) {
        set(&mut values, &["fullnameOverride"], json!(component.name.value));
    }
    let resources = resources_json(&component.resources, info.resources_shape);
    if !resources.as_object().is_some_and(Map::is_empty) {
        for path in info.resources {
            set(&mut values, path, resources.clone());
        }
    }
    if !info.per_node {
        for path in info.replicas {
            set(&mut values, path, json!(component.replicas));
        }
    }
    // A pod whose resources the chart's defaults give (no path) keeps them; a pod the platform turns off
    // gets none.
    for pod in info.extra_pods.iter().filter(|pod| !pod.resources.is_empty() && catalog::runs(pod, component, env)) {
        set(&mut values, pod.resources, extra_pod_resources(pod, info.resources_shape));
    }
    // The pinned charts name Bitnami images by version tags, which Bitnami now serves only from its
    // legacy repository.
    for image in info.bitnami_images {
        let mut path = image.path.to_vec();
        path.push("repository");
        set(&mut values, &path, json!(format!("{}/{}", catalog::BITNAMI_LEGACY, image.name)));
    }
    if let (Some(path), Some(storage)) = (info.storage, &component.storage) {
        set(&mut values, path, json!(storage.value.to_string()));
        if path.last() == Some(&"size") {
            let mut enabled = path[..path.len() - 1].to_vec();
            enabled.push("enabled");
            set(&mut values, &enabled, json!(true));
        }
    }
    if let (Some((secret_path, key_path)), Some(credentials)) = (info.credentials, &component.credentials) {
        set(&mut values, secret_path, json!(credentials.value.secret.value));
        if let Some(key_path) = key_path {
            set(&mut values, key_path, json!(credentials.value.key.value));
        }
        for generated in info.generated {
            set(&mut values, generated.secret_path, json!(credentials.value.secret.value));
            if let Some(key_path) = generated.key_path {
                set(&mut values, key_path, json!(generated.key));
            }
        }
    }
    if info.databases && !component.databases.is_empty() {
        databases(component, &mut values);
    }
    if let Some(gateway) = env
        .gateway
        .as_ref()
        .filter(|gateway| gateway.component.as_ref().is_some_and(|it| it.value == component.name.value))
        && let Some((type_path, http_path, https_path)) = info.node_ports
        && (gateway.node_ports.0.is_some() || gateway.node_ports.1.is_some())
    {
        set(&mut values, type_path, json!("NodePort"));
        let port = |port: u16| if info.node_ports_as_strings { json!(port.to_string()) } else { json!(port) };
        if let Some(node_port) = &gateway.node_ports.0 {
            set(&mut values, http_path, port(node_port.value));
        }
        if let Some(node_port) = &gateway.node_ports.1 {
            set(&mut values, https_path, port(node_port.value));
        }
    }
    if let (Some((type_path, port_path)), Some(node_port)) = (info.service_node_port, &component.node_port) {
        set(&mut values, type_path, json!("NodePort"));
        set(&mut values, port_path, json!(node_port.value));
    }
    if let Some(identity) = env
        .identity
        .as_ref()
        .filter(|identity| identity.component.as_ref().is_some_and(|it| it.value == component.name.value))
    {
        // The Bitnami chart's keycloak-config-cli imports the realm from the ConfigMap Slipway renders. It
        // runs as a Helm hook, which ArgoCD runs on a sync of this Application only: the realm's checksum
        // in the Job's annotations makes a realm change a change of this Application.
        set(&mut values, &["keycloakConfigCli", "enabled"], json!(true));
        set(
            &mut values,
            &["keycloakConfigCli", "existingConfigmap"],
            json!(super::identity::config_map_name(identity)),
        );
        set(
            &mut values,
            &["keycloakConfigCli", "podAnnotations", "checksum/realm"],
            json!(super::identity::realm_checksum(identity)),
        );
    }
    for (path, value) in catalog::pinned_values(component, env) {
        set(&mut values, path, value);
    }
    merge(&mut values, component.values.clone());
    Value::Object(values)
}

/// PostgreSQL creates databases from an initdb script; MongoDB from `auth.databases`, which its chart
/// accepts only with one user per database (`auth.usernames`), whose passwords are the credentials
/// secret's `mongodb-passwords` key.
fn databases(component: &resolved::Component, values: &mut Map<String, Value>) {
    if component.kind.value == resolved::ComponentKind::Mongodb {
        let names: Vec<&str> = component.databases.iter().map(|it| it.value.as_str()).collect();
        set(values, &["auth", "databases"], json!(names));
        set(values, &["auth", "usernames"], json!(names));
    } else {
        let mut script = String::new();
        for database in &component.databases {
            // Names are plain identifiers (checked by `validate`); quoting keeps them case-exact.
            let _ = writeln!(script, "CREATE DATABASE \"{}\";", database.value.replace('"', "\"\""));
        }
        set(values, &["primary", "initdb", "scripts", "init-databases.sql"], json!(script));
    }
}

fn resources_json(resources: &resolved::Resources, shape: catalog::ResourcesShape) -> Value {
    let memory = |amounts: &resolved::Amounts| amounts.memory.as_ref().map(|it| it.value.to_string());
    let cpu = |amounts: &resolved::Amounts| amounts.cpu.as_ref().map(|it| it.value.to_string());
    resources_value(
        shape,
        (memory(&resources.requests), cpu(&resources.requests)),
        (memory(&resources.limits), cpu(&resources.limits)),
    )
}

fn extra_pod_resources(pod: &catalog::ExtraPod, shape: catalog::ResourcesShape) -> Value {
    let owned = |(memory, cpu): (&str, &str)| (Some(memory.to_owned()), Some(cpu.to_owned()));
    resources_value(shape, owned(pod.requests), owned(pod.limits))
}

/// Requests and limits (memory, CPU) in the shape the chart reads.
fn resources_value(
    shape: catalog::ResourcesShape,
    requests: (Option<String>, Option<String>),
    limits: (Option<String>, Option<String>),
) -> Value {
    let mut map = Map::new();
    let mut put = |outer: &str, inner: &str, value: Option<String>| {
        if let Some(value) = value {
            let entry = map.entry(outer.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            entry.as_object_mut().expect("made as an object").insert(inner.to_owned(), json!(value));
        }
    };
    match shape {
        catalog::ResourcesShape::Kubernetes => {
            put("requests", "memory", requests.0);
            put("requests", "cpu", requests.1);
            put("limits", "memory", limits.0);
            put("limits", "cpu", limits.1);
        }
        catalog::ResourcesShape::Linkerd => {
            put("memory", "request", requests.0);
            put("cpu", "request", requests.1);
            put("memory", "limit", limits.0);
            put("cpu", "limit", limits.1);
        }
    }
    Value::Object(map)
}

/// Sets `path` in `values`, making the tables on the way.
fn set(values: &mut Map<String, Value>, path: &[&str], value: Value) {
    let (last, parents) = path.split_last().expect("values paths are never empty");
    let mut table = values;
    for key in parents {
        let entry = table.entry((*key).to_owned()).or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        table = entry.as_object_mut().expect("just made an object");
    }
    table.insert((*last).to_owned(), value);
}

/// The user's values win over the typed ones, table by table.
fn merge(base: &mut Map<String, Value>, overlay: Map<String, Value>) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(base)), Value::Object(overlay)) => merge(base, overlay),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// An external component is a Service in the cluster that points outside it: an ExternalName for a DNS
/// name, or a Service without a selector plus an EndpointSlice for an IP address.
pub(super) fn render_external(env: &resolved::Env, component: &resolved::Component, out: &mut Out<'_>) {
    let Some(external) = &component.external else { return };
    let directory = format!("{}/components/{}", env.name.value, component.name.value);
    let origin = format!("components.{}", component.name.value);
    let labels = labels::common(env, &component.name, None);
    // The main port keeps the component's `port` when it gives one; every other port is its own number.
    let service_port = |port: &resolved::ExternalPort| {
        if port.port.value == external.port.value {
            component.port.as_ref().unwrap_or(&external.port).value
        } else {
            port.port.value
        }
    };
    let is_ip = external.host.value.parse::<std::net::IpAddr>().is_ok();
    let service = core::Service {
        metadata: meta::ObjectMeta {
            name: Some(component.name.value.clone()),
            namespace: Some(component.namespace.value.clone()),
            labels: Some(labels.clone()),
            ..meta::ObjectMeta::default()
        },
        spec: Some(core::ServiceSpec {
            type_: Some(if is_ip { "ClusterIP" } else { "ExternalName" }.to_owned()),
            external_name: (!is_ip).then(|| external.host.value.clone()),
            ports: Some(
                external
                    .ports
                    .iter()
                    .map(|port| core::ServicePort {
                        name: Some(port.name.value.clone()),
                        port: i32::from(service_port(port)),
                        target_port: Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i32::from(
                            port.port.value,
                        ))),
                        protocol: Some("TCP".to_owned()),
                        ..core::ServicePort::default()
                    })
                    .collect(),
            ),
            ..core::ServiceSpec::default()
        }),
        ..core::Service::default()
    };
    out.push(Manifest::new(format!("{directory}/service-{}.yaml", component.name.value), origin.clone(), service));
    if is_ip {
        let mut slice_labels: BTreeMap<String, String> = labels;
        slice_labels.insert("kubernetes.io/service-name".to_owned(), component.name.value.clone());
        let slice = discovery::EndpointSlice {
            metadata: meta::ObjectMeta {
                name: Some(component.name.value.clone()),
                namespace: Some(component.namespace.value.clone()),
                labels: Some(slice_labels),
                ..meta::ObjectMeta::default()
            },
            address_type: if external.host.value.contains(':') { "IPv6" } else { "IPv4" }.to_owned(),
            endpoints: vec![discovery::Endpoint {
                addresses: vec![external.host.value.clone()],
                ..discovery::Endpoint::default()
            }],
            ports: Some(
                external
                    .ports
                    .iter()
                    .map(|port| discovery::EndpointPort {
                        name: Some(port.name.value.clone()),
                        port: Some(i32::from(port.port.value)),
                        protocol: Some("TCP".to_owned()),
                        ..discovery::EndpointPort::default()
                    })
                    .collect(),
            ),
        };
        out.push(Manifest::new(format!("{directory}/endpointslice-{}.yaml", component.name.value), origin, slice));
    }
}

/// MetalLB's address pool and its layer-2 announcement, in MetalLB's namespace. Its webhook refuses them
/// until the controller runs, so they are an Application of their own, synced after the chart's.
pub(super) fn render_pools(env: &resolved::Env, component: &resolved::Component, out: &mut Out<'_>) {
    if component.kind.value != resolved::ComponentKind::Metallb || component.addresses.is_empty() {
        return;
    }
    let directory = format!("{}/components/{}", env.name.value, component.name.value);
    let metadata = json!({
        "name": component.name.value,
        "namespace": component.namespace.value,
        "labels": labels::common(env, &component.name, None),
        "annotations": labels::custom_resource_annotations(),
    });
    let addresses: Vec<&str> = component.addresses.iter().map(|it| it.value.as_str()).collect();
    for (kind, spec) in [
        ("IPAddressPool", json!({ "addresses": addresses })),
        ("L2Advertisement", json!({ "ipAddressPools": [component.name.value] })),
    ] {
        out.push(Manifest::new(
            format!("{directory}/{}-{}.yaml", kind.to_ascii_lowercase(), component.name.value),
            format!("components.{}", component.name.value),
            json!({ "apiVersion": METALLB_API, "kind": kind, "metadata": metadata, "spec": spec }),
        ));
    }
}

const METALLB_API: &str = "metallb.io/v1beta1";

/// ArangoDB's database: an ArangoDeployment of mode Single named after the component, in its namespace,
/// which the kube-arangodb operator turns into one pod and the Service `<name>` on 8529. Every field was
/// read at kube-arangodb 1.4.4 (pkg/apis/deployment/v1): `mode` (default `Cluster`, nine pods), `tls`
/// (`caSecretName: None` serves plain HTTP), `externalAccess` (default `Auto`, a LoadBalancer `<name>-ea`),
/// `single.resources` (`requests.storage` sizes its volume, 8Gi without it) and
/// `bootstrap.passwordSecretNames.root` (a Secret with `username` and `password`). Its CRD exists once the
/// operator's chart has synced, so it is an Application of its own, synced after the chart's.
pub(super) fn render_arangodb(env: &resolved::Env, component: &resolved::Component, out: &mut Out<'_>) {
    if component.kind.value != resolved::ComponentKind::Arangodb || component.external.is_some() {
        return;
    }
    let directory = format!("{}/components/{}", env.name.value, component.name.value);
    let mut resources = resources_json(&component.resources, catalog::ResourcesShape::Kubernetes);
    if let Some(storage) = &component.storage {
        let map = resources.as_object_mut().expect("made as an object");
        let requests = map.entry("requests").or_insert_with(|| Value::Object(Map::new()));
        requests
            .as_object_mut()
            .expect("made as an object")
            .insert("storage".to_owned(), json!(storage.value.to_string()));
    }
    let mut spec = json!({
        "mode": "Single",
        "tls": { "caSecretName": "None" },
        "externalAccess": { "type": "None" },
        "single": { "resources": resources },
    });
    if let Some(credentials) = &component.credentials {
        spec["bootstrap"] = json!({ "passwordSecretNames": { "root": credentials.value.secret.value } });
    }
    out.push(Manifest::new(
        format!("{directory}/arangodeployment-{}.yaml", component.name.value),
        format!("components.{}", component.name.value),
        json!({
            "apiVersion": ARANGODB_API,
            "kind": "ArangoDeployment",
            "metadata": {
                "name": component.name.value,
                "namespace": component.namespace.value,
                "labels": labels::common(env, &component.name, None),
                "annotations": labels::custom_resource_annotations(),
            },
            "spec": spec,
        }),
    ));
}

const ARANGODB_API: &str = "database.arangodb.com/v1";
