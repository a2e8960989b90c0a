//! Reachability: takes the objects rendered for one environment, gives who may talk to whom under their
//! NetworkPolicies, as the API's semantics say: a pod that no policy of a type selects is open for that
//! type; a selected pod accepts (or sends) only what one of its policies' rules allows, and a connection
//! needs both the client's egress and the server's ingress. Pods are given by the labels their
//! templates really carry (services' Deployments) or that their charts put on them (`catalog`).
//!
//! `ipBlock` peers are taken to match addresses outside the cluster only: the API leaves their effect on
//! pod addresses to the network plugin.

use std::collections::{BTreeMap, HashSet};

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use crate::fast_hash::{FastMap, hash_of};

/// A pod, as policies see it: its namespace and labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
}

struct Policy {
    namespace: String,
    selector: Selector,
    /// The rules of each type the policy has (`None`: it does not select pods for that type).
    ingress: Option<Vec<Rule>>,
    egress: Option<Vec<Rule>>,
}

/// One rule: its peers (`None`: any peer) and ports (`None`: any port). Peers that name one namespace by
/// its name label and pods by labels are indexed by (namespace, a label they require), so that a data
/// store's rule, which lists each of its thousand clients, is not scanned for every client.
struct Rule {
    peers: Option<Vec<Peer>>,
    ports: Option<Vec<Port>>,
    by_label: LabelIndex,
    others: Vec<usize>,
}

impl Rule {
    fn new(peers: Option<&Vec<NetworkPolicyPeer>>, ports: Option<&Vec<NetworkPolicyPort>>) -> Rule {
        // An empty list, like a missing one, matches every peer or port.
        let peers: Option<Vec<Peer>> = peers.filter(|it| !it.is_empty()).map(|it| it.iter().map(Peer::new).collect());
        let ports = ports.filter(|it| !it.is_empty()).map(|it| it.iter().map(Port::new).collect());
        let mut by_label = LabelIndex::default();
        let mut others = Vec::new();
        for (index, peer) in peers.iter().flatten().enumerate() {
            let namespace = peer
                .namespaces
                .as_ref()
                .filter(|selector| selector.labels.len() == 1 && selector.expressions.is_empty())
                .and_then(|selector| selector.labels.first())
                .filter(|(key, _)| key == "kubernetes.io/metadata.name")
                .map(|(_, value)| value.as_str());
            let pods = peer.pods.as_ref();
            let label = pods.and_then(|selector| selector.labels.first());
            // A peer of several clients (`In` on their names) is indexed under each name it lists.
            let listed = pods
                .and_then(|selector| selector.expressions.first())
                .filter(|(_, operator, _)| *operator == Operator::In);
            match (namespace, label, listed) {
                (Some(namespace), Some((key, value)), _) => by_label.insert(namespace, key, value, index),
                (Some(namespace), None, Some((key, _, values))) => {
                    for value in values {
                        by_label.insert(namespace, key, value, index);
                    }
                }
                _ => others.push(index),
            }
        }
        Rule { peers, ports, by_label, others }
    }

    /// The peers that could match `pod`: those not indexed, and those indexed under one of its labels (or
    /// under a hash alike). A peer may come twice only when hashes collide; callers ask whether any
    /// matches, which that does not change.
    fn candidates<'r>(&'r self, pod: &'r Pod) -> impl Iterator<Item = &'r Peer> {
        let peers = self.peers.as_deref().unwrap_or_default();
        let indexed = pod.labels.iter().flat_map(|(key, value)| self.by_label.get(&pod.namespace, key, value));
        self.others.iter().chain(indexed).filter_map(|index| peers.get(*index))
    }

    fn allows_port(&self, port: u16) -> bool {
        self.ports.as_ref().is_none_or(|ports| ports.iter().any(|it| it.allows(port)))
    }
}

/// Indices of policies or peers by a hash of (namespace, label key, label value): the check asks once per
/// label of each pod on each edge, tens of thousands of times on a large platform, and keeps no text. A
/// lookup may also give what only hashes alike; every caller checks each candidate in full.
#[derive(Default)]
struct LabelIndex(FastMap<u64, Vec<usize>>);

impl LabelIndex {
    fn insert(&mut self, namespace: &str, key: &str, value: &str, index: usize) {
        self.0.entry(hash_of(&(namespace, key, value))).or_default().push(index);
    }

    fn get(&self, namespace: &str, key: &str, value: &str) -> &[usize] {
        self.0.get(&hash_of(&(namespace, key, value))).map_or(&[], Vec::as_slice)
    }
}

/// A peer of a rule, read once: its address block, and its selectors.
struct Peer {
    /// `ipBlock`: the block and its exceptions.
    block: Option<(String, Vec<String>)>,
    namespaces: Option<Selector>,
    pods: Option<Selector>,
}

impl Peer {
    fn new(peer: &NetworkPolicyPeer) -> Peer {
        Peer {
            block: peer.ip_block.as_ref().map(|block| (block.cidr.clone(), block.except.clone().unwrap_or_default())),
            namespaces: peer.namespace_selector.as_ref().map(Selector::new),
            pods: peer.pod_selector.as_ref().map(Selector::new),
        }
    }
}

/// A port of a rule: TCP (or no protocol given) on a port number or range; a named port is taken to match
/// any port, since the simulator does not know containers' port names.
struct Port {
    tcp: bool,
    range: Option<(u16, u16)>,
}

impl Port {
    fn new(port: &NetworkPolicyPort) -> Port {
        let first = match &port.port {
            Some(IntOrString::Int(number)) => u16::try_from(*number).ok(),
            Some(IntOrString::String(_)) | None => None,
        };
        let range = first.map(|first| (first, port.end_port.and_then(|end| u16::try_from(end).ok()).unwrap_or(first)));
        Port { tcp: port.protocol.as_deref().is_none_or(|protocol| protocol == "TCP"), range }
    }

    fn allows(&self, port: u16) -> bool {
        self.tcp && self.range.is_none_or(|(first, last)| (first..=last).contains(&port))
    }
}

/// A label selector (`matchLabels` and `matchExpressions`), read once, with each expression's values in a
/// set: a namespace's clients are one `In` of thousands of names, which would otherwise be scanned for each
/// client.
#[derive(Default)]
struct Selector {
    labels: Vec<(String, String)>,
    expressions: Vec<(String, Operator, HashSet<String>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    /// Any other operator, which the API refuses: it selects nothing.
    Unknown,
}

impl Selector {
    fn new(selector: &LabelSelector) -> Selector {
        let labels = selector.match_labels.iter().flatten().map(|(key, value)| (key.clone(), value.clone())).collect();
        let expressions = selector
            .match_expressions
            .iter()
            .flatten()
            .map(|expression| {
                let operator = match expression.operator.as_str() {
                    "In" => Operator::In,
                    "NotIn" => Operator::NotIn,
                    "Exists" => Operator::Exists,
                    "DoesNotExist" => Operator::DoesNotExist,
                    _ => Operator::Unknown,
                };
                (expression.key.clone(), operator, expression.values.iter().flatten().cloned().collect())
            })
            .collect();
        Selector { labels, expressions }
    }

    fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(key, value)| labels.get(key) == Some(value))
            && self.expressions.iter().all(|(key, operator, values)| {
                let value = labels.get(key);
                match operator {
                    Operator::In => value.is_some_and(|value| values.contains(value)),
                    Operator::NotIn => value.is_none_or(|value| !values.contains(value)),
                    Operator::Exists => value.is_some(),
                    Operator::DoesNotExist => value.is_none(),
                    Operator::Unknown => false,
                }
            })
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
    by_label: LabelIndex,
    any_pod: FastMap<String, Vec<usize>>,
}

impl Network {
    /// Whether [`Network::add`] reads objects of this kind.
    pub fn reads(kind: &str) -> bool {
        matches!(kind, "NetworkPolicy" | "Namespace")
    }

    /// Takes in any object as JSON (a plain manifest, or a test's); keeps the NetworkPolicies and
    /// Namespaces, as the API server would read them (one it would refuse is left out).
    pub fn add(&mut self, object: Value) {
        match object["kind"].as_str() {
            Some("NetworkPolicy") => {
                if let Ok(policy) = serde_json::from_value::<NetworkPolicy>(object) {
                    self.add_policy(&policy);
                }
            }
            Some("Namespace") => {
                if let Ok(namespace) = serde_json::from_value::<Namespace>(object) {
                    self.add_namespace(&namespace);
                }
            }
            _ => {}
        }
    }

    /// Takes in a NetworkPolicy. Without `policyTypes`, the API gives it Ingress, and Egress if it has
    /// egress rules.
    pub fn add_policy(&mut self, policy: &NetworkPolicy) {
        let namespace = policy.metadata.namespace.clone().unwrap_or_default();
        let Some(spec) = &policy.spec else { return };
        let has = |kind: &str, default: bool| {
            spec.policy_types.as_ref().map_or(default, |types| types.iter().any(|it| it == kind))
        };
        let ingress = has("Ingress", true).then(|| {
            spec.ingress.iter().flatten().map(|rule| Rule::new(rule.from.as_ref(), rule.ports.as_ref())).collect()
        });
        let egress = has("Egress", spec.egress.is_some()).then(|| {
            spec.egress.iter().flatten().map(|rule| Rule::new(rule.to.as_ref(), rule.ports.as_ref())).collect()
        });
        let selector = spec.pod_selector.as_ref().map_or_else(Selector::default, Selector::new);
        let index = self.policies.len();
        match selector.labels.first() {
            Some((key, value)) => self.by_label.insert(&namespace, key, value, index),
            None => self.any_pod.entry(namespace.clone()).or_default().push(index),
        }
        self.policies.push(Policy { namespace, selector, ingress, egress });
    }

    /// Takes in a Namespace: its labels, and the one the API server sets on every namespace.
    pub fn add_namespace(&mut self, namespace: &Namespace) {
        let name = namespace.metadata.name.clone().unwrap_or_default();
        let mut labels = namespace.metadata.labels.clone().unwrap_or_default();
        labels.insert("kubernetes.io/metadata.name".to_owned(), name.clone());
        self.namespace_labels.insert(name, labels);
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
                    let Some((cidr, except)) = &peer.block else { return false };
                    let excepted = except.iter().any(|except| ip.is_none_or(|ip| cidr_contains(except, ip)));
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
        // A policy is indexed under one label of its selector, or under none (`any_pod`). One found by a
        // hash alike is of another namespace or does not select the subject, and is passed over; one found
        // twice (hashes alike again) changes neither what is selected nor what is allowed.
        let unlabelled = self.any_pod.get(&subject.namespace).map_or(&[][..], Vec::as_slice);
        let labelled = subject.labels.iter().flat_map(|(key, value)| self.by_label.get(&subject.namespace, key, value));
        for policy in unlabelled.iter().chain(labelled).map(|index| &self.policies[*index]) {
            let rules = if ingress { &policy.ingress } else { &policy.egress };
            let Some(rules) = rules else { continue };
            if policy.namespace != subject.namespace || !policy.selector.selects(&subject.labels) {
                continue;
            }
            selected = true;
            if rules.iter().any(|rule| rule.allows_port(port) && matches(rule, policy)) {
                return true;
            }
        }
        !selected
    }

    fn peer_matches(&self, rule: &Rule, policy: &Policy, peer: &Pod) -> bool {
        if rule.peers.is_none() {
            return true;
        }
        rule.candidates(peer).any(|it| {
            if it.block.is_some() {
                return false;
            }
            let namespace_ok = match (&it.namespaces, self.namespace_labels.get(&peer.namespace)) {
                (Some(selector), Some(labels)) => selector.selects(labels),
                // A namespace Slipway does not render (kube-system) still carries the label the API server
                // sets.
                (Some(selector), None) => selector
                    .selects(&BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), peer.namespace.clone())])),
                (None, _) => peer.namespace == policy.namespace,
            };
            namespace_ok && it.pods.as_ref().is_none_or(|selector| selector.selects(&peer.labels))
        })
    }
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
    // Each component's pod and the Prometheus pod, made once rather than for each service.
    let component_pods: BTreeMap<&str, Pod> =
        env.components.values().map(|component| (component.name.value.as_str(), component_pod(component))).collect();
    let prometheus = env
        .components
        .values()
        .find(|it| it.kind.value == crate::resolved::ComponentKind::PrometheusStack && it.external.is_none())
        .map(|stack| {
            let mut prometheus = component_pod(stack);
            prometheus
                .labels
                .insert("app.kubernetes.io/instance".to_owned(), format!("{}-prometheus", stack.name.value));
            prometheus
        });
    // An ALB is outside the cluster (its policy rule is an address block), not the controller's pods.
    let gateway = env
        .gateway
        .as_ref()
        .filter(|it| it.kind.value != crate::resolved::GatewayKind::Alb)
        .and_then(|it| it.component.as_ref())
        .and_then(|it| component_pods.get(it.value.as_str()));
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
                (services.get(target), port.port.value)
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
                (component_pods.get(target.as_str()), port)
            } else {
                continue;
            };
            if let Some(server) = server
                && !network.allows(client, server, port)
            {
                blocked.push(format!("`{}` to `{target}` on port {port}", service.name.value));
            }
        }
        // The monitoring stack scrapes the metrics port (its Prometheus pods carry `<release>-prometheus`).
        if let (Some(metrics), Some(prometheus)) = (&service.metrics, &prometheus)
            && let Some(port) = service.ports.iter().find(|port| port.name.value == metrics.port.value)
            && !network.allows(prometheus, client, port.port.value)
        {
            blocked.push(format!("Prometheus to the metrics of `{}` on port {}", service.name.value, port.port.value));
        }
        if let (Some(gateway), Some(port), false) = (gateway, service.ports.first(), service.routes.is_empty())
            && !network.allows(gateway, client, port.port.value)
        {
            blocked.push(format!("the gateway to `{}` on port {}", service.name.value, port.port.value));
        }
    }
    blocked
}
