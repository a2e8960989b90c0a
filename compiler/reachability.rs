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
    ingress: Option<Vec<Rule>>,
    egress: Option<Vec<Rule>>,
}

/// One rule: its peers (`None`: any peer) and ports. Peers that name one namespace by its name label
/// and pods by labels are indexed by (namespace, a label they require), so that a data store's rule,
/// which lists each of its thousand clients, is not scanned for every client.
struct Rule {
    peers: Option<Vec<Value>>,
    ports: Value,
    by_label: std::collections::HashMap<(String, String, String), Vec<usize>>,
    others: Vec<usize>,
}

impl Rule {
    fn new(rule: &Value, field: &str) -> Rule {
        let peers = rule[field].as_array().cloned();
        let mut by_label: std::collections::HashMap<(String, String, String), Vec<usize>> =
            std::collections::HashMap::new();
        let mut others = Vec::new();
        for (index, peer) in peers.iter().flatten().enumerate() {
            let namespace = peer["namespaceSelector"]["matchLabels"]
                .as_object()
                .filter(|labels| labels.len() == 1 && peer["namespaceSelector"].get("matchExpressions").is_none())
                .and_then(|labels| labels.get("kubernetes.io/metadata.name"))
                .and_then(Value::as_str);
            let label = peer["podSelector"]["matchLabels"].as_object().and_then(|labels| labels.iter().next());
            // A peer of several clients (`In` on their names) is indexed under each name it lists.
            let listed = peer["podSelector"]["matchExpressions"]
                .as_array()
                .and_then(|expressions| expressions.first())
                .filter(|expression| expression["operator"] == "In");
            match (namespace, label, listed) {
                (Some(namespace), Some((key, value)), _) => by_label
                    .entry((namespace.to_owned(), key.clone(), value.as_str().unwrap_or_default().to_owned()))
                    .or_default()
                    .push(index),
                (Some(namespace), None, Some(expression)) => {
                    let key = expression["key"].as_str().unwrap_or_default();
                    for value in expression["values"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                        by_label
                            .entry((namespace.to_owned(), key.to_owned(), value.to_owned()))
                            .or_default()
                            .push(index);
                    }
                }
                _ => others.push(index),
            }
        }
        Rule { peers, ports: rule["ports"].clone(), by_label, others }
    }

    /// The peers that could match `pod`: those not indexed, and those indexed under one of its labels.
    fn candidates(&self, pod: &Pod) -> Vec<&Value> {
        let Some(peers) = &self.peers else { return Vec::new() };
        let mut found: Vec<usize> = self.others.clone();
        for (key, value) in &pod.labels {
            if let Some(indexed) = self.by_label.get(&(pod.namespace.clone(), key.clone(), value.clone())) {
                found.extend(indexed);
            }
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|index| &peers[index]).collect()
    }
}

/// The rendered NetworkPolicies of an environment, and the labels of its namespaces.
#[derive(Default)]
pub struct Network {
    policies: Vec<Policy>,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Policies by (namespace, one label their selector requires), and those whose selector requires no
    /// label, by namespace: a pod is only matched against the policies that could select it, so the
    /// check stays linear in the platform's size (one policy per service in a namespace of thousands).
    by_label: std::collections::HashMap<(String, String, String), Vec<usize>>,
    any_pod: std::collections::HashMap<String, Vec<usize>>,
}

impl Network {
    /// Whether [`Network::add`] reads objects of this kind.
    pub fn reads(kind: &str) -> bool {
        matches!(kind, "NetworkPolicy" | "Namespace")
    }

    /// Takes in every rendered object; keeps the NetworkPolicies and Namespaces.
    pub fn add(&mut self, object: &Value) {
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        match object["kind"].as_str() {
            Some("NetworkPolicy") => {
                let spec = &object["spec"];
                let types: Vec<&str> =
                    spec["policyTypes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let rules = |name: &str| {
                    let field = if name == "ingress" { "from" } else { "to" };
                    types.contains(&if name == "ingress" { "Ingress" } else { "Egress" }).then(|| {
                        spec[name].as_array().into_iter().flatten().map(|rule| Rule::new(rule, field)).collect()
                    })
                };
                let selector = spec["podSelector"].clone();
                let index = self.policies.len();
                match selector["matchLabels"].as_object().and_then(|labels| labels.iter().next()) {
                    Some((key, value)) => self
                        .by_label
                        .entry((namespace.clone(), key.clone(), value.as_str().unwrap_or_default().to_owned()))
                        .or_default()
                        .push(index),
                    None => self.any_pod.entry(namespace.clone()).or_default().push(index),
                }
                self.policies.push(Policy { namespace, selector, ingress: rules("ingress"), egress: rules("egress") });
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

    /// Whether `client` may open a TCP connection on `port` to an address outside the cluster: `ip` when it
    /// is known; a DNS name could resolve anywhere, so then only a rule open to every address counts.
    pub fn allows_outside(&self, client: &Pod, ip: Option<std::net::IpAddr>, port: u16) -> bool {
        self.subject_allows(client, port, false, &|rule, _| {
            rule.peers.as_ref().is_none_or(|peers| {
                peers.iter().any(|peer| {
                    let block = &peer["ipBlock"];
                    let cidr = block["cidr"].as_str().unwrap_or_default();
                    let excepted = block["except"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .any(|except| ip.is_none_or(|ip| cidr_contains(except, ip)));
                    match ip {
                        Some(ip) => cidr_contains(cidr, ip) && !excepted,
                        None => cidr.ends_with("/0") && !excepted,
                    }
                })
            })
        })
    }

    /// `subject`'s policies of one direction allow traffic with `peer`: egress of a client, or ingress of
    /// a server (`ingress`).
    fn direction_allows(&self, subject: &Pod, peer: &Pod, port: u16, ingress: bool) -> bool {
        self.subject_allows(subject, port, ingress, &|rule, policy| self.peer_matches(rule, policy, peer))
    }

    /// `subject`'s policies of one direction allow traffic on `port` by a rule whose peers `matches`.
    fn subject_allows(
        &self,
        subject: &Pod,
        port: u16,
        ingress: bool,
        matches: &dyn Fn(&Rule, &Policy) -> bool,
    ) -> bool {
        let mut selected = false;
        let mut candidates: Vec<usize> = self.any_pod.get(&subject.namespace).cloned().unwrap_or_default();
        for (key, value) in &subject.labels {
            if let Some(found) = self.by_label.get(&(subject.namespace.clone(), key.clone(), value.clone())) {
                candidates.extend(found);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for policy in candidates.into_iter().map(|index| &self.policies[index]) {
            let rules = if ingress { &policy.ingress } else { &policy.egress };
            let Some(rules) = rules else { continue };
            if !selects(&policy.selector, &subject.labels) {
                continue;
            }
            selected = true;
            if rules.iter().any(|rule| matches(rule, policy) && port_matches(&rule.ports, port)) {
                return true;
            }
        }
        !selected
    }

    fn peer_matches(&self, rule: &Rule, policy: &Policy, peer: &Pod) -> bool {
        if rule.peers.is_none() {
            return true;
        }
        // A namespace Slipway does not render (kube-system) still carries the label the API server sets.
        let unrendered = BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), peer.namespace.clone())]);
        rule.candidates(peer).into_iter().any(|it| {
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
            // Scanned, not collected: a namespace's clients are one `In` of thousands of names.
            let listed = |value: &String| {
                expression["values"].as_array().is_some_and(|values| values.iter().any(|it| it == value.as_str()))
            };
            match expression["operator"].as_str() {
                Some("In") => value.is_some_and(listed),
                Some("NotIn") => value.is_none_or(|value| !listed(value)),
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

/// Whether the address block `cidr` (`10.0.0.0/8`, `fd00::/64`) holds `ip`; an unreadable block holds nothing.
fn cidr_contains(cidr: &str, ip: std::net::IpAddr) -> bool {
    let Some((network, length)) = cidr.split_once('/') else { return false };
    let (Ok(network), Ok(length)) = (network.parse::<std::net::IpAddr>(), length.parse::<u32>()) else { return false };
    let (network, ip, bits) = match (network, ip) {
        (std::net::IpAddr::V4(network), std::net::IpAddr::V4(ip)) => {
            (u128::from(network.to_bits()), u128::from(ip.to_bits()), 32)
        }
        (std::net::IpAddr::V6(network), std::net::IpAddr::V6(ip)) => (network.to_bits(), ip.to_bits(), 128),
        _ => return false,
    };
    if length > bits {
        return false;
    }
    let mask = if length == 0 { 0 } else { (u128::MAX << (bits - length)) & (u128::MAX >> (128 - bits)) };
    network & mask == ip & mask
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
pub fn pod_of(deployment: &k8s_openapi::api::apps::v1::Deployment) -> Pod {
    let template = deployment.spec.as_ref().and_then(|spec| spec.template.metadata.as_ref());
    Pod {
        namespace: deployment.metadata.namespace.clone().unwrap_or_default(),
        labels: template.and_then(|metadata| metadata.labels.clone()).unwrap_or_default(),
    }
}

/// The pods of a rendered Deployment, as its template labels them, read from its JSON value.
pub fn deployment_pod(object: &Value) -> Option<Pod> {
    (object["kind"] == "Deployment").then(|| Pod {
        namespace: object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned(),
        labels: labels_of(&object["spec"]["template"]["metadata"]["labels"]),
    })
}

/// Every declared edge of an environment that its rendered policies would block (R008): each service
/// to what it `uses` (an external component on each of its ports), the gateway to the services it routes, Prometheus to metrics ports, and every pod
/// to DNS. The pods of
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
    let monitoring = env
        .components
        .values()
        .find(|it| it.kind.value == crate::resolved::ComponentKind::PrometheusStack && it.external.is_none());
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
            } else if let Some(external) = env.components.get(target).and_then(|it| it.external.as_ref()) {
                // Outside the cluster: the client's egress must allow every port of it.
                let ip = external.host.value.parse::<std::net::IpAddr>().ok();
                for port in &external.ports {
                    if !network.allows_outside(client, ip, port.port.value) {
                        blocked.push(format!(
                            "`{}` to `{target}` outside the cluster on port {}",
                            service.name.value, port.port.value
                        ));
                    }
                }
                continue;
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
        // The monitoring stack scrapes the metrics port (its Prometheus pods carry `<release>-prometheus`).
        if let (Some(metrics), Some(stack)) = (&service.metrics, monitoring)
            && let Some(port) = service.ports.iter().find(|port| port.name.value == metrics.port.value)
        {
            let mut prometheus = component_pod(stack);
            prometheus
                .labels
                .insert("app.kubernetes.io/instance".to_owned(), format!("{}-prometheus", stack.name.value));
            if !network.allows(&prometheus, client, port.port.value) {
                blocked
                    .push(format!("Prometheus to the metrics of `{}` on port {}", service.name.value, port.port.value));
            }
        }
        // An ALB is outside the cluster (its policy rule is an address block), not the controller's pods.
        let gateway = env
            .gateway
            .as_ref()
            .filter(|it| it.kind.value != crate::resolved::GatewayKind::Alb)
            .and_then(|it| it.component.as_ref())
            .and_then(|it| env.components.get(&it.value));
        if let (Some(gateway), Some(port), false) = (gateway, service.ports.first(), service.routes.is_empty())
            && !network.allows(&component_pod(gateway), client, port.port.value)
        {
            blocked.push(format!("the gateway to `{}` on port {}", service.name.value, port.port.value));
        }
    }
    blocked
}
