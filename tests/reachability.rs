//! Reachability: the rendered NetworkPolicies, simulated with the labels the pods really carry, allow
//! every declared edge and nothing else; and every rendered object has an identity of its own.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::Value;
use slipway::reachability::{self, Network, Pod};

use crate::support;

/// Services `svc-<i>`, each using some declared before it (no cycles), some routed, in one or two
/// namespaces.
fn platforms() -> impl Strategy<Value = (Vec<Vec<usize>>, Vec<bool>, Vec<bool>)> {
    (2usize..7).prop_flat_map(|count| {
        (
            prop::collection::vec(prop::collection::vec(0usize..7, 0..3), count),
            prop::collection::vec(any::<bool>(), count),
            prop::collection::vec(any::<bool>(), count),
        )
    })
}

fn platform(uses: &[Vec<usize>], routed: &[bool], other_namespace: &[bool]) -> String {
    let mut text = String::from("[platform]\nname = \"net\"\nrepo = \"https://git.example.com/net.git\"\n\n");
    text.push_str("[components.kong]\nkind = \"kong\"\nchart = { version = \"2.33.0\" }\nnamespace = \"edge\"\n");
    text.push_str(
        "resources = { requests = { memory = \"256Mi\", cpu = \"100m\" } }\n\n[gateway]\nkind = \"kong\"\n\n",
    );
    for (index, targets) in uses.iter().enumerate() {
        let targets: BTreeSet<usize> = targets.iter().copied().filter(|target| *target < index).collect();
        let names: Vec<String> = targets.iter().map(|target| format!("\"svc-{target}\"")).collect();
        text.push_str(&format!(
            "[services.svc-{index}]\nimage = \"registry.example.com/svc-{index}:1.0.0\"\nruntime = \"go\"\nuses = [{}]\n",
            names.join(", ")
        ));
        if other_namespace[index] {
            text.push_str("namespace = \"second\"\n");
        }
        if routed[index] {
            text.push_str(&format!("routes = [\"/svc-{index}\"]\n"));
        }
        text.push('\n');
    }
    text.push_str("[environments.dev]\n");
    text
}

fn rendered(text: &str) -> Vec<Value> {
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, diagnostics) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    slipway::render::render(&envs[0]).into_iter().map(|manifest| manifest.value()).collect()
}

/// A fixture's environments, and the objects of its first one.
fn fixture_objects(relative: &str) -> (Vec<slipway::resolved::Env>, Vec<Value>) {
    let path = support::fixture(relative);
    let source = support::source(&path);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &support::attachments(&path, &platform));
    let objects = slipway::render::render(&envs[0]).into_iter().map(|it| it.value()).collect();
    (envs, objects)
}

fn network_and_pods(objects: &[Value]) -> (Network, BTreeMap<String, Pod>) {
    let mut network = Network::default();
    let mut pods = BTreeMap::new();
    for object in objects {
        network.add(object.clone());
        if let Some(pod) = reachability::deployment_pod(object) {
            pods.insert(object["metadata"]["name"].as_str().unwrap().to_owned(), pod);
        }
    }
    (network, pods)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn declared_edges_are_allowed_and_nothing_else((uses, routed, other) in platforms()) {
        let count = uses.len();
        let (network, pods) = network_and_pods(&rendered(&platform(&uses, &routed, &other)));
        let gateway = Pod {
            namespace: "edge".to_owned(),
            labels: BTreeMap::from([("app.kubernetes.io/instance".to_owned(), "kong".to_owned())]),
        };
        let outsider = Pod { namespace: "elsewhere".to_owned(), labels: BTreeMap::new() };
        let dns = Pod { namespace: "kube-system".to_owned(), labels: BTreeMap::new() };
        // The go preset listens on 8080.
        for client in 0..count {
            let from = &pods[&format!("svc-{client}")];
            prop_assert!(network.allows(from, &dns, 53), "svc-{client} cannot resolve names");
            for server in 0..count {
                if client == server {
                    continue;
                }
                let declared = uses[client].contains(&server) && server < client;
                let allowed = network.allows(from, &pods[&format!("svc-{server}")], 8080);
                prop_assert_eq!(allowed, declared, "svc-{} -> svc-{}", client, server);
            }
            let to = &pods[&format!("svc-{client}")];
            prop_assert_eq!(network.allows(&gateway, to, 8080), routed[client], "gateway -> svc-{}", client);
            prop_assert!(!network.allows(&outsider, to, 8080), "an undeclared namespace reaches svc-{}", client);
        }
    }

    #[test]
    fn every_rendered_object_has_an_identity_of_its_own((uses, routed, other) in platforms()) {
        let objects = rendered(&platform(&uses, &routed, &other));
        let mut seen = BTreeSet::new();
        for object in &objects {
            let identity = (
                object["apiVersion"].to_string(),
                object["kind"].to_string(),
                object["metadata"]["namespace"].to_string(),
                object["metadata"]["name"].to_string(),
            );
            prop_assert!(seen.insert(identity.clone()), "{:?} twice", identity);
        }
    }
}

#[test]
fn a_policy_that_blocks_a_declared_edge_is_found() {
    let text = std::fs::read_to_string(support::root().join("platform/platform.toml")).unwrap();
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let attachments = support::attachments(&support::root().join("platform/platform.toml"), &platform);
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &attachments);
    let objects: Vec<Value> = slipway::render::render(&envs[0]).into_iter().map(|it| it.value()).collect();
    let (network, pods) = network_and_pods(&objects);
    assert_eq!(reachability::blocked_edges(&envs[0], &network, &pods), Vec::<String>::new());
    // Without the account service's own policy, its egress to PostgreSQL and Redis is denied by default.
    let without: Vec<Value> = objects
        .into_iter()
        .filter(|it| !(it["kind"] == "NetworkPolicy" && it["metadata"]["name"] == "account-service"))
        .collect();
    let (network, pods) = network_and_pods(&without);
    let blocked = reachability::blocked_edges(&envs[0], &network, &pods);
    assert!(blocked.contains(&"`account-service` to `postgresql` on port 5432".to_owned()), "{blocked:?}");
    assert!(blocked.contains(&"the gateway to `account-service` on port 3000".to_owned()), "{blocked:?}");
}

#[test]
fn prometheus_reaches_metrics_ports_and_loses_them_with_the_policy() {
    let (envs, objects) = fixture_objects("valid/components.toml");
    let (network, pods) = network_and_pods(&objects);
    assert_eq!(reachability::blocked_edges(&envs[0], &network, &pods), Vec::<String>::new());
    let without: Vec<Value> = objects
        .into_iter()
        .filter(|it| !(it["kind"] == "NetworkPolicy" && it["metadata"]["name"] == "orders"))
        .collect();
    let (network, pods) = network_and_pods(&without);
    let blocked = reachability::blocked_edges(&envs[0], &network, &pods);
    assert!(blocked.contains(&"Prometheus to the metrics of `orders` on port 8000".to_owned()), "{blocked:?}");
}

#[test]
fn compile_reads_the_same_pods_and_policies_from_the_typed_objects() {
    // `compile` reads a Deployment's pod from the typed object and gives the network only the kinds it
    // reads: the same as reading every object's JSON value, as the property tests above do.
    let text = platform(&[vec![1], vec![]], &[true, false], &[false, true]);
    let source = slipway::source::SourceFile::new("platform.toml", text.as_str());
    let model = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&model, &source, &slipway::load::Attachments::default());
    let manifests = slipway::render::render(&envs[0]);
    let mut pods = Vec::new();
    let (mut every, mut read, mut typed_network) = (Network::default(), Network::default(), Network::default());
    for manifest in &manifests {
        let value = manifest.value();
        let typed = manifest.typed::<k8s_openapi::api::apps::v1::Deployment>().map(reachability::pod_of);
        assert_eq!(typed, reachability::deployment_pod(&value), "{}", manifest.path);
        pods.extend(typed);
        every.add(value.clone());
        if Network::reads(&manifest.identity.kind) {
            read.add(value.clone());
        }
        if let Some(policy) = manifest.typed::<k8s_openapi::api::networking::v1::NetworkPolicy>() {
            typed_network.add_policy(policy);
        }
        if let Some(namespace) = manifest.typed::<k8s_openapi::api::core::v1::Namespace>() {
            typed_network.add_namespace(namespace);
        }
    }
    assert_eq!(pods.len(), 2);
    let gateway = Pod {
        namespace: "edge".to_owned(),
        labels: BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), "kong".to_owned()),
            ("app.kubernetes.io/instance".to_owned(), "kong".to_owned()),
        ]),
    };
    let mut verdicts = BTreeSet::new();
    for client in pods.iter().chain([&gateway]) {
        for server in &pods {
            for port in [53, 80, 8080] {
                let allowed = every.allows(client, server, port);
                assert_eq!(allowed, read.allows(client, server, port));
                assert_eq!(allowed, typed_network.allows(client, server, port), "{client:?} to {server:?} on {port}");
                verdicts.insert(allowed);
            }
        }
    }
    assert_eq!(verdicts.len(), 2, "some connections are allowed and some are not");
}

/// Policies as the API reads them when fields are left out or empty: without `policyTypes` a policy is
/// of type Ingress, and of type Egress too if it has egress rules; an empty list of peers or ports, like
/// a missing one, matches all.
#[test]
fn missing_or_empty_policy_fields_mean_what_the_api_says() {
    let pod = |name: &str| Pod {
        namespace: "shop".to_owned(),
        labels: BTreeMap::from([("app".to_owned(), name.to_owned())]),
    };
    let (api, db) = (pod("api"), pod("db"));
    let network_of = |policies: &[Value]| {
        let mut network = Network::default();
        for policy in policies {
            network.add(policy.clone());
        }
        network
    };
    let policy = |name: &str, spec: Value| {
        serde_json::json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": "shop" },
            "spec": spec,
        })
    };
    // No types, no rules: Ingress only, which denies every connection to the selected pod.
    let deny_db = network_of(&[policy("db", serde_json::json!({ "podSelector": { "matchLabels": { "app": "db" } } }))]);
    assert!(!deny_db.allows(&api, &db, 5432));
    assert!(deny_db.allows(&db, &api, 8080), "the db's egress is not restricted");
    // No types, with egress rules: Egress too.
    let egress_only_dns = network_of(&[policy(
        "api",
        serde_json::json!({
            "podSelector": { "matchLabels": { "app": "api" } },
            "ingress": [{}],
            "egress": [{ "ports": [{ "protocol": "UDP", "port": 53 }] }],
        }),
    )]);
    assert!(!egress_only_dns.allows(&api, &db, 5432), "the api's egress allows DNS only");
    assert!(egress_only_dns.allows(&db, &api, 8080), "an ingress rule with no peers and no ports allows all");
    // Empty lists of peers and ports match all.
    let empty_lists = network_of(&[policy(
        "db",
        serde_json::json!({
            "podSelector": { "matchLabels": { "app": "db" } },
            "policyTypes": ["Ingress"],
            "ingress": [{ "from": [], "ports": [] }],
        }),
    )]);
    assert!(empty_lists.allows(&api, &db, 5432));
    // A port of another protocol, or a range that does not hold the port, does not allow it.
    let udp_and_range = network_of(&[policy(
        "db",
        serde_json::json!({
            "podSelector": { "matchLabels": { "app": "db" } },
            "policyTypes": ["Ingress"],
            "ingress": [{ "ports": [{ "protocol": "UDP", "port": 5432 }, { "port": 6000, "endPort": 6010 }] }],
        }),
    )]);
    assert!(!udp_and_range.allows(&api, &db, 5432));
    assert!(udp_and_range.allows(&api, &db, 6005));
    assert!(!udp_and_range.allows(&api, &db, 6011));
}

/// A service used by 1,500 others in one namespace: their peer is one selector on their names and
/// instances, so its policy stays far below the API server's limits (a peer per client made it about
/// 290 kB as JSON, over the 256 KiB of client-side apply's annotation, K008), and the verify step still
/// proves every declared edge allowed.
#[test]
fn many_clients_in_one_namespace_are_one_peer() {
    let clients = 1500;
    let uses: Vec<Vec<usize>> = (0..=clients).map(|index| if index == 0 { Vec::new() } else { vec![0] }).collect();
    let text = platform(&uses, &vec![false; clients + 1], &vec![false; clients + 1])
        .replace("[environments.dev]", "[cluster]\nnodes = 40\nmemory = \"64Gi\"\ncpu = \"32\"\n\n[environments.dev]");
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", text.clone()));
    assert!(compiled.files.is_some(), "{:#?}", compiled.diagnostics);
    let objects = rendered(&text);
    let policy = objects
        .iter()
        .find(|it| it["kind"] == "NetworkPolicy" && it["metadata"]["name"] == "svc-0")
        .expect("the policy of svc-0");
    let peers = policy["spec"]["ingress"][0]["from"].as_array().unwrap();
    assert_eq!(peers.len(), 1, "{peers:#?}");
    let expressions = peers[0]["podSelector"]["matchExpressions"].as_array().unwrap();
    let keys: Vec<&str> = expressions.iter().map(|it| it["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["app.kubernetes.io/instance", "app.kubernetes.io/name"]);
    for expression in expressions {
        assert_eq!(expression["operator"], "In");
        assert_eq!(expression["values"].as_array().unwrap().len(), clients);
    }
    assert!(serde_json::to_string(policy).unwrap().len() < 100_000);
}

#[test]
fn a_service_reaches_arangodb_through_the_labels_its_operator_puts_on_the_pods() {
    let (envs, objects) = fixture_objects("valid/arangodb.toml");
    let (network, pods) = network_and_pods(&objects);
    assert_eq!(reachability::blocked_edges(&envs[0], &network, &pods), Vec::<String>::new());
    // The database's policy selects `arango_deployment` and `app` (kube-arangodb's labels) and admits the API.
    let policy = objects
        .iter()
        .find(|it| it["kind"] == "NetworkPolicy" && it["metadata"]["name"] == "arangodb")
        .expect("the database's policy");
    assert_eq!(
        policy["spec"]["podSelector"]["matchLabels"],
        serde_json::json!({ "arango_deployment": "arangodb", "app": "arangodb" })
    );
    let without: Vec<Value> = objects
        .into_iter()
        .filter(|it| !(it["kind"] == "NetworkPolicy" && it["metadata"]["name"] == "arangodb"))
        .collect();
    let (network, pods) = network_and_pods(&without);
    let blocked = reachability::blocked_edges(&envs[0], &network, &pods);
    assert!(blocked.contains(&"`api` to `arangodb` on port 8529".to_owned()), "{blocked:?}");
}
