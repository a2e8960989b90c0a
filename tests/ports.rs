//! External components with several named ports (their Service, EndpointSlice, egress, references and
//! reachability), and the port registry's protocol.

use std::collections::BTreeMap;

use serde_json::Value;
use slipway::reachability::{self, Network, Pod};

use crate::support;

fn envs() -> Vec<slipway::resolved::Env> {
    let path = support::fixture("valid/external-ports.toml");
    let source = support::source(&path);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, diagnostics) = slipway::resolve::resolve(&platform, &source, &support::attachments(&path, &platform));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    envs
}

#[test]
fn a_multi_port_external_component_renders_every_port() {
    let files = support::render(&support::fixture("valid/external-ports.toml"));
    support::settings().bind(|| {
        insta::assert_snapshot!("external_ports_service_dns", files["dev/components/minio/service-minio.yaml"]);
        insta::assert_snapshot!("external_ports_service_ip", files["dev/components/elasticmq/service-elasticmq.yaml"]);
        insta::assert_snapshot!(
            "external_ports_endpointslice",
            files["dev/components/elasticmq/endpointslice-elasticmq.yaml"]
        );
        insta::assert_snapshot!("external_ports_egress", files["dev/platform/networkpolicy-shop-orders.yaml"]);
    });
}

#[test]
fn multi_port_objects_are_what_the_api_server_takes() {
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::discovery::v1 as discovery;
    let objects: BTreeMap<String, Value> =
        slipway::render::render(&envs()[0]).into_iter().map(|it| (it.path.clone(), it.value())).collect();
    for path in ["dev/components/minio/service-minio.yaml", "dev/components/elasticmq/service-elasticmq.yaml"] {
        let service: core::Service = serde_json::from_value(objects[path].clone()).unwrap();
        let ports = service.spec.unwrap().ports.unwrap();
        // A Service with several ports names each, uniquely, with an IANA service name, on distinct numbers.
        let names: std::collections::BTreeSet<String> = ports.iter().map(|it| it.name.clone().unwrap()).collect();
        let numbers: std::collections::BTreeSet<i32> = ports.iter().map(|it| it.port).collect();
        assert_eq!((names.len(), numbers.len()), (2, 2), "{path}");
        assert!(names.iter().all(|it| slipway::k8s_rules::port_name(it).is_ok()), "{path}");
    }
    let slice: discovery::EndpointSlice =
        serde_json::from_value(objects["dev/components/elasticmq/endpointslice-elasticmq.yaml"].clone()).unwrap();
    let service: core::Service =
        serde_json::from_value(objects["dev/components/elasticmq/service-elasticmq.yaml"].clone()).unwrap();
    // The slice's ports are matched to the Service's by name.
    let slice_names: Vec<String> = slice.ports.unwrap().into_iter().map(|it| it.name.unwrap()).collect();
    let service_names: Vec<String> =
        service.spec.unwrap().ports.unwrap().into_iter().map(|it| it.name.unwrap()).collect();
    assert_eq!(slice_names, service_names);
}

#[test]
fn named_ports_are_referenced_with_the_scheme_of_each_port() {
    let envs = envs();
    let env = &envs[0].services["orders"].env;
    let value = |name: &str| match &env.iter().find(|it| it.name.value == name).unwrap().value {
        slipway::resolved::EnvSource::Literal(text) => text.value.clone(),
        slipway::resolved::EnvSource::Secret { .. } => panic!("{name} is a secret"),
    };
    // The main port of MinIO is its kind's 9000, though `console` is written first.
    assert_eq!(value("S3_ENDPOINT"), "http://minio.infra.svc.cluster.local:9000");
    assert_eq!(value("S3_CONSOLE"), "http://minio.infra.svc.cluster.local:9001");
    assert_eq!(value("S3_CONSOLE_PORT"), "9001");
    // A `helm` kind knows no port: the first is the main one; `https` by its name.
    assert_eq!(value("SQS_ENDPOINT"), "http://elasticmq.infra.svc.cluster.local:9324");
    assert_eq!(value("SQS_TLS_ENDPOINT"), "https://elasticmq.infra.svc.cluster.local:9325");
    // A written `scheme` on a one-port external component.
    assert_eq!(value("QUEUE_ADMIN"), "https://queue-admin.infra.svc.cluster.local:8080");
    // The reference is an edge to `minio`, not to `minio.ports.console`.
    assert!(
        envs[0].services["orders"]
            .references
            .iter()
            .all(|it| ["minio", "elasticmq", "queue-admin"].contains(&it.value.as_str()))
    );
}

#[test]
fn egress_to_an_external_component_is_checked_on_every_port() {
    let envs = envs();
    let objects: Vec<Value> = slipway::render::render(&envs[0]).into_iter().map(|it| it.value()).collect();
    let network_of = |objects: &[Value]| {
        let mut network = Network::default();
        let mut pods: BTreeMap<String, Pod> = BTreeMap::new();
        for object in objects {
            network.add(object.clone());
            if let Some(pod) = reachability::deployment_pod(object) {
                pods.insert(object["metadata"]["name"].as_str().unwrap().to_owned(), pod);
            }
        }
        (network, pods)
    };
    let (network, pods) = network_of(&objects);
    assert_eq!(reachability::blocked_edges(&envs[0], &network, &pods), Vec::<String>::new());
    // Without the HTTPS port in the egress rule to ElasticMQ's address, that port alone is blocked.
    let trimmed: Vec<Value> = objects
        .into_iter()
        .map(|mut object| {
            if object["kind"] == "NetworkPolicy" && object["metadata"]["name"] == "orders" {
                for rule in object["spec"]["egress"].as_array_mut().unwrap() {
                    if let Some(ports) = rule["ports"].as_array_mut() {
                        ports.retain(|it| it["port"] != 9325);
                    }
                }
            }
            object
        })
        .collect();
    let (network, pods) = network_of(&trimmed);
    assert_eq!(
        reachability::blocked_edges(&envs[0], &network, &pods),
        vec!["`orders` to `elasticmq` outside the cluster on port 9325".to_owned()]
    );
}

#[test]
fn the_port_registry_shows_each_port_protocol() {
    let files = support::render(&support::fixture("valid/seed-004-flowmaster.toml"));
    let summary =
        files.iter().find(|(path, _)| path.ends_with("/README.md") && !path.starts_with("clusters/")).unwrap().1;
    assert!(summary.contains("| port | service | name | protocol |"), "{summary}");
    assert!(summary.lines().any(|line| line.starts_with("| 9000 |") && line.ends_with("| TCP/http |")), "{summary}");
}
