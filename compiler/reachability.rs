//! Reachability: takes the objects rendered for one environment, gives who may talk to whom under their
//! NetworkPolicies, as the API's semantics say: a pod that no policy of a type selects is open for that
//! type; a selected pod accepts (or sends) only what one of its policies' rules allows, and a connection
//! needs both the client's egress and the server's ingress. Pods are given by the labels their
//! templates really carry (services' Deployments) or that their charts put on them (`catalog`).
//!
//! `ipBlock` peers are taken to match addresses outside the cluster only: the API leaves their effect on
//! pod addresses to the network plugin.

use std::collections::BTreeMap;

use serde_json::Value;

/// A pod, as policies see it: its namespace and labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
}

struct Policy {
    namespace: String,
    selector: Value,
    ingress: Option<Vec<Value>>,
    egress: Option<Vec<Value>>,
}

/// The rendered NetworkPolicies of an environment, and the labels of its namespaces.
#[derive(Default)]
pub struct Network {
    policies: Vec<Policy>,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
}

impl Network {
    /// Takes in every rendered object; keeps the NetworkPolicies and Namespaces.
    pub fn add(&mut self, object: &Value) {
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        match object["kind"].as_str() {
            Some("NetworkPolicy") => {
                let spec = &object["spec"];
                let types: Vec<&str> =
                    spec["policyTypes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let rules = |name: &str| {
                    types
                        .contains(&if name == "ingress" { "Ingress" } else { "Egress" })
                        .then(|| spec[name].as_array().cloned().unwrap_or_default())
                };
                self.policies.push(Policy {
                    namespace,
                    selector: spec["podSelector"].clone(),
                    ingress: rules("ingress"),
                    egress: rules("egress"),
                });
            }
            Some("Namespace") => {
                let name = object["metadata"]["name"].as_str().unwrap_or_default().to_owned();
                let mut labels: BTreeMap<String, String> = labels_of(&object["metadata"]["labels"]);
                // The API server sets this label on every namespace.
                labels.insert("kubernetes.io/metadata.name".to_owned(), name.clone());
                self.namespace_labels.insert(name, labels);
            }
            _ => {}
        }
    }

    /// Whether `client` may open a TCP connection to `server` on `port`.
    pub fn allows(&self, client: &Pod, server: &Pod, port: u16) -> bool {
        self.direction_allows(client, server, port, false) && self.direction_allows(server, client, port, true)
    }

    /// `subject`'s policies of one direction allow traffic with `peer`: egress of a client, or ingress of
    /// a server (`ingress`).
    fn direction_allows(&self, subject: &Pod, peer: &Pod, port: u16, ingress: bool) -> bool {
        let mut selected = false;
        for policy in self.policies.iter().filter(|it| it.namespace == subject.namespace) {
            let rules = if ingress { &policy.ingress } else { &policy.egress };
            let Some(rules) = rules else { continue };
            if !selects(&policy.selector, &subject.labels) {
                continue;
            }
            selected = true;
            let field = if ingress { "from" } else { "to" };
            if rules
                .iter()
                .any(|rule| self.peer_matches(&rule[field], policy, peer) && port_matches(&rule["ports"], port))
            {
                return true;
            }
        }
        !selected
    }

    fn peer_matches(&self, peers: &Value, policy: &Policy, peer: &Pod) -> bool {
        let Some(peers) = peers.as_array() else { return true };
        // A namespace Slipway does not render (kube-system) still carries the label the API server sets.
        let unrendered = BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), peer.namespace.clone())]);
        peers.iter().any(|it| {
            if it.get("ipBlock").is_some() {
                return false;
            }
            let namespace_ok = match it.get("namespaceSelector") {
                Some(selector) => selects(selector, self.namespace_labels.get(&peer.namespace).unwrap_or(&unrendered)),
                None => peer.namespace == policy.namespace,
            };
            let pods_ok = it.get("podSelector").is_none_or(|selector| selects(selector, &peer.labels));
            namespace_ok && pods_ok
        })
    }
}

/// A label selector (`matchLabels` and `matchExpressions`) against labels; an empty one selects all.
pub fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = selector["matchLabels"]
        .as_object()
        .is_none_or(|wanted| wanted.iter().all(|(key, value)| labels.get(key).map(String::as_str) == value.as_str()));
    let expressions_ok = selector["matchExpressions"].as_array().is_none_or(|expressions| {
        expressions.iter().all(|expression| {
            let value = labels.get(expression["key"].as_str().unwrap_or_default());
            let values: Vec<&str> =
                expression["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            match expression["operator"].as_str() {
                Some("In") => value.is_some_and(|value| values.contains(&value.as_str())),
                Some("NotIn") => value.is_none_or(|value| !values.contains(&value.as_str())),
                Some("Exists") => value.is_some(),
                Some("DoesNotExist") => value.is_none(),
                _ => false,
            }
        })
    });
    labels_ok && expressions_ok
}

fn port_matches(ports: &Value, port: u16) -> bool {
    let Some(ports) = ports.as_array() else { return true };
    ports.iter().any(|it| {
        it["protocol"].as_str().is_none_or(|protocol| protocol == "TCP")
            && match it["port"].as_u64() {
                None => true,
                Some(first) => {
                    let last = it["endPort"].as_u64().unwrap_or(first);
                    (first..=last).contains(&u64::from(port))
                }
            }
    })
}

fn labels_of(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
        .collect()
}

/// The pods of a rendered Deployment, as its template labels them.
pub fn deployment_pod(object: &Value) -> Option<Pod> {
    (object["kind"] == "Deployment").then(|| Pod {
        namespace: object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned(),
        labels: labels_of(&object["spec"]["template"]["metadata"]["labels"]),
    })
}

/// Every declared edge of an environment that its rendered policies would block (R008): each service
/// to what it `uses`, the gateway to the services it routes, and every pod to DNS. The pods of
/// components are given the labels their charts put on them.
pub fn blocked_edges(env: &crate::resolved::Env, network: &Network, services: &BTreeMap<String, Pod>) -> Vec<String> {
    if !env.network_policies {
        return Vec::new();
    }
    let component_pod = |component: &crate::resolved::Component| {
        let selector =
            crate::catalog::pod_selector(component.kind.value, &component.name.value, &component.namespace.value);
        let mut labels: BTreeMap<String, String> = selector.labels.into_iter().collect();
        for (key, values) in selector.any_of {
            labels.insert(key, values.into_iter().next().unwrap_or_default());
        }
        Pod { namespace: component.namespace.value.clone(), labels }
    };
    let dns = Pod { namespace: "kube-system".to_owned(), labels: BTreeMap::new() };
    let mut blocked = Vec::new();
    for service in env.services.values() {
        let Some(client) = services.get(&service.name.value) else { continue };
        if !network.allows(client, &dns, 53) {
            blocked.push(format!("`{}` to DNS in `kube-system` on port 53", service.name.value));
        }
        for dependency in &service.uses {
            let target = &dependency.target.value;
            let (server, port) = if let Some(other) = env.services.get(target) {
                let Some(port) = other.ports.first() else { continue };
                (services.get(target).cloned(), port.port.value)
            } else if let Some(component) = env.components.get(target).filter(|it| it.external.is_none()) {
                let info = crate::catalog::kind_info(component.kind.value);
                let Some(port) = info.pod_port.or(component.port.as_ref().map(|it| it.value)) else { continue };
                (Some(component_pod(component)), port)
            } else {
                continue;
            };
            if let Some(server) = server
                && !network.allows(client, &server, port)
            {
                blocked.push(format!("`{}` to `{target}` on port {port}", service.name.value));
            }
        }
        let gateway =
            env.gateway.as_ref().and_then(|it| it.component.as_ref()).and_then(|it| env.components.get(&it.value));
        if let (Some(gateway), Some(port), false) = (gateway, service.ports.first(), service.routes.is_empty())
            && !network.allows(&component_pod(gateway), client, port.port.value)
        {
            blocked.push(format!("the gateway to `{}` on port {}", service.name.value, port.port.value));
        }
    }
    blocked
}
