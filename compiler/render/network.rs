//! Network policies: takes an environment, gives each namespace Slipway manages a default-deny policy for
//! ingress and egress, then allows exactly the declared traffic: DNS to kube-system; each service to what it
//! `uses`, on their ports; the gateway's namespace to the services it routes; the monitoring namespace to
//! metrics ports; and, for components, what their charts need (see `component_policy`).

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Manifest, Out, labels};
use crate::analysis::Facts;
use crate::catalog::{self, Role};
use crate::resolved;

/// The policies every managed namespace gets, named like services' and components' own policies, so
/// those names are reserved (`validate`, N006).
pub(crate) const DEFAULT_DENY: &str = "default-deny";
pub(crate) const ALLOW_DNS: &str = "allow-dns";

pub(super) fn render(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    if !env.network_policies {
        return;
    }
    for namespace in facts.namespaces.all.iter().copied() {
        let all_pods = meta::LabelSelector::default();
        push(env, out, namespace, DEFAULT_DENY, all_pods.clone(), None, None);
        let dns = networking::NetworkPolicyEgressRule {
            to: Some(vec![peer(Some("kube-system"), None)]),
            ports: Some(vec![port("UDP", 53), port("TCP", 53)]),
        };
        push(env, out, namespace, ALLOW_DNS, all_pods, None, Some(vec![dns]));
    }
    // Who uses whom, inverted once: looking clients up per target would be quadratic.
    let mut users: BTreeMap<&str, Clients<'_>> = BTreeMap::new();
    let mut seen: std::collections::BTreeSet<(&str, &str)> = std::collections::BTreeSet::new();
    for client in env.services.values() {
        for dependency in &client.uses {
            if seen.insert((dependency.target.value.as_str(), client.name.value.as_str())) {
                users
                    .entry(dependency.target.value.as_str())
                    .or_default()
                    .service(&client.namespace, labels::selector(env, &client.name));
            }
        }
    }
    for client in env.components.values() {
        for target in &client.uses {
            if seen.insert((target.value.as_str(), client.name.value.as_str())) {
                let peer = peer(Some(&client.namespace), Some(component_pods(client)));
                users.entry(target.value.as_str()).or_default().entries.push(Client::Peer(peer));
            }
        }
    }
    let clients: BTreeMap<&str, Vec<networking::NetworkPolicyPeer>> =
        users.into_iter().map(|(target, clients)| (target, clients.peers())).collect();
    for service in env.services.values() {
        service_policy(env, service, clients.get(service.name.value.as_str()), out);
    }
    // A shared cluster's components get their policies from the cluster's tree.
    for component in env.components.values().filter(|component| component.external.is_none() && !component.shared) {
        component_policy(env, component, clients.get(component.name.value.as_str()), out);
    }
}

/// The clients of one target, in the order they were found. A namespace's services become one peer that
/// selects them by their name and instance labels, so that a data store used by thousands of services
/// keeps a policy far below the API server's size limits (a peer per service made it 1 MB at 5,000);
/// components stay a peer each.
#[derive(Default)]
struct Clients<'a> {
    entries: Vec<Client<'a>>,
    /// Where each namespace's services are in `entries`.
    services: BTreeMap<&'a str, usize>,
}

enum Client<'a> {
    Services { namespace: &'a str, labels: Vec<BTreeMap<String, String>> },
    Peer(networking::NetworkPolicyPeer),
}

impl<'a> Clients<'a> {
    fn service(&mut self, namespace: &'a str, labels: BTreeMap<String, String>) {
        if let Some(&index) = self.services.get(namespace) {
            if let Client::Services { labels: all, .. } = &mut self.entries[index] {
                all.push(labels);
            }
        } else {
            self.services.insert(namespace, self.entries.len());
            self.entries.push(Client::Services { namespace, labels: vec![labels] });
        }
    }

    /// One service is selected by its labels, as before; several by `In` on each label key. A pod matches
    /// only if each of its labels is one of theirs, and Slipway's pods carry their own name and instance
    /// together, so no other pod of the namespace is let in.
    fn peers(self) -> Vec<networking::NetworkPolicyPeer> {
        self.entries
            .into_iter()
            .map(|client| match client {
                Client::Peer(peer) => peer,
                Client::Services { namespace, mut labels } if labels.len() == 1 => {
                    peer(Some(namespace), Some(selector(labels.remove(0))))
                }
                Client::Services { namespace, labels } => {
                    let mut values: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
                    for (key, value) in labels.into_iter().flatten() {
                        values.entry(key).or_default().insert(value);
                    }
                    let expressions = values
                        .into_iter()
                        .map(|(key, values)| meta::LabelSelectorRequirement {
                            key,
                            operator: "In".to_owned(),
                            values: Some(values.into_iter().collect()),
                        })
                        .collect();
                    let pods = meta::LabelSelector { match_labels: None, match_expressions: Some(expressions) };
                    peer(Some(namespace), Some(pods))
                }
            })
            .collect()
    }
}

fn push(
    env: &resolved::Env,
    out: &mut Out<'_>,
    namespace: &str,
    name: &str,
    pod_selector: meta::LabelSelector,
    ingress: Option<Vec<networking::NetworkPolicyIngressRule>>,
    egress: Option<Vec<networking::NetworkPolicyEgressRule>>,
) {
    let mut types = Vec::new();
    // The default-deny policy names both types with no rules; the others name only what they allow.
    if ingress.is_some() || name == DEFAULT_DENY {
        types.push("Ingress".to_owned());
    }
    if egress.is_some() || name == DEFAULT_DENY {
        types.push("Egress".to_owned());
    }
    let policy = networking::NetworkPolicy {
        metadata: meta::ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels::common(env, super::PLATFORM, None)),
            ..meta::ObjectMeta::default()
        },
        spec: Some(networking::NetworkPolicySpec {
            pod_selector: Some(pod_selector),
            policy_types: Some(types),
            ingress,
            egress,
        }),
    };
    out.push(Manifest::new(
        format!("{}/{}/networkpolicy-{namespace}-{name}.yaml", env.name.value, super::PLATFORM),
        "network policies".to_owned(),
        policy,
    ));
}

fn selector(labels: BTreeMap<String, String>) -> meta::LabelSelector {
    meta::LabelSelector { match_labels: Some(labels), match_expressions: None }
}

/// Pods in `namespace` (any namespace when `None`) matching `pods` (any pod when `None`).
fn peer(namespace: Option<&str>, pods: Option<meta::LabelSelector>) -> networking::NetworkPolicyPeer {
    networking::NetworkPolicyPeer {
        namespace_selector: namespace.map(|namespace| {
            selector(BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), namespace.to_owned())]))
        }),
        pod_selector: pods,
        ip_block: None,
    }
}

fn port(protocol: &str, number: u16) -> networking::NetworkPolicyPort {
    networking::NetworkPolicyPort {
        protocol: Some(protocol.to_owned()),
        port: Some(IntOrString::Int(i32::from(number))),
        end_port: None,
    }
}

fn service_ports(service: &resolved::Service) -> Vec<networking::NetworkPolicyPort> {
    service.ports.iter().map(|it| port(it.protocol.as_str(), it.port.value)).collect()
}

/// The pods of a component, by the labels its chart really puts on them (see `catalog`).
fn component_pods(component: &resolved::Component) -> meta::LabelSelector {
    label_selector(catalog::pod_selector(component.kind.value, &component.name.value, &component.namespace.value))
}

fn label_selector(pods: catalog::PodSelector) -> meta::LabelSelector {
    let expressions: Vec<meta::LabelSelectorRequirement> = pods
        .any_of
        .into_iter()
        .map(|(key, values)| meta::LabelSelectorRequirement { key, operator: "In".to_owned(), values: Some(values) })
        .collect();
    meta::LabelSelector {
        match_labels: (!pods.labels.is_empty()).then(|| pods.labels.into_iter().collect()),
        match_expressions: (!expressions.is_empty()).then_some(expressions),
    }
}

fn component_port(component: &resolved::Component) -> Option<networking::NetworkPolicyPort> {
    let info = catalog::kind_info(component.kind.value);
    let port_of = component.port.as_ref().map(|it| it.value);
    let number = if component.external.is_some() { port_of } else { info.pod_port.or(port_of) };
    number.map(|number| port("TCP", number))
}

fn gateway_namespace(env: &resolved::Env) -> Option<&str> {
    let gateway = env.gateway.as_ref()?.component.as_ref()?;
    env.components.get(gateway.value.as_str()).map(|component| component.namespace.value.as_str())
}

fn monitoring_namespace(env: &resolved::Env) -> Option<&str> {
    env.components
        .values()
        .find(|component| component.kind.value == resolved::ComponentKind::PrometheusStack)
        .map(|component| component.namespace.value.as_str())
}

fn service_policy(
    env: &resolved::Env,
    service: &resolved::Service,
    clients: Option<&Vec<networking::NetworkPolicyPeer>>,
    out: &mut Out<'_>,
) {
    let own_pods = selector(labels::selector(env, &service.name));
    let mut ingress = Vec::new();
    if !service.ports.is_empty() {
        let alb = env.gateway.as_ref().is_some_and(|gateway| gateway.kind.value == resolved::GatewayKind::Alb);
        if alb && !service.routes.is_empty() {
            // An ALB sends to the pods' addresses (`target-type: ip`) from its own addresses in the VPC,
            // outside the cluster: only an address block can allow it.
            ingress.push(networking::NetworkPolicyIngressRule {
                from: Some(vec![networking::NetworkPolicyPeer {
                    ip_block: Some(networking::IPBlock { cidr: "0.0.0.0/0".to_owned(), except: None }),
                    ..networking::NetworkPolicyPeer::default()
                }]),
                ports: Some(service_ports(service)),
            });
        } else if let Some(gateway) = gateway_namespace(env).filter(|_| !service.routes.is_empty()) {
            ingress.push(networking::NetworkPolicyIngressRule {
                from: Some(vec![peer(Some(gateway), None)]),
                ports: Some(service_ports(service)),
            });
        }
        if let Some(clients) = clients {
            ingress.push(networking::NetworkPolicyIngressRule {
                from: Some(clients.clone()),
                ports: Some(service_ports(service)),
            });
        }
    }
    if let (Some(metrics), Some(monitoring)) = (&service.metrics, monitoring_namespace(env))
        && let Some(metrics_port) = service.ports.iter().find(|port| port.name.value == metrics.port.value)
    {
        ingress.push(networking::NetworkPolicyIngressRule {
            from: Some(vec![peer(Some(monitoring), None)]),
            ports: Some(vec![port(metrics_port.protocol.as_str(), metrics_port.port.value)]),
        });
    }
    let mut egress = Vec::new();
    for dependency in &service.uses {
        if let Some(target) = env.services.get(dependency.target.value.as_str()) {
            egress.push(networking::NetworkPolicyEgressRule {
                to: Some(vec![peer(Some(&target.namespace), Some(selector(labels::selector(env, &target.name))))]),
                ports: Some(service_ports(target)),
            });
        } else if let Some(component) = env.components.get(dependency.target.value.as_str()) {
            egress.push(component_egress(component));
        }
    }
    for outside in &service.egress {
        egress.push(networking::NetworkPolicyEgressRule {
            to: Some(vec![networking::NetworkPolicyPeer {
                ip_block: Some(networking::IPBlock { cidr: outside.cidr.value.clone(), except: None }),
                ..networking::NetworkPolicyPeer::default()
            }]),
            ports: Some(outside.ports.iter().map(|it| port("TCP", it.value)).collect()),
        });
    }
    if env.mesh == resolved::Mesh::Linkerd
        && let Some(linkerd) = env.components.values().find(|it| it.kind.value == resolved::ComponentKind::Linkerd)
    {
        egress.push(networking::NetworkPolicyEgressRule {
            to: Some(vec![peer(Some(&linkerd.namespace), None)]),
            ports: None,
        });
    }
    let ingress = (!ingress.is_empty()).then_some(ingress);
    let egress = (!egress.is_empty()).then_some(egress);
    if ingress.is_some() || egress.is_some() {
        push(env, out, &service.namespace, &service.name, own_pods, ingress, egress);
    }
}

fn component_egress(component: &resolved::Component) -> networking::NetworkPolicyEgressRule {
    let to = match &component.external {
        // Outside the cluster: an IP address is one block; a DNS name could resolve anywhere.
        Some(external) => match external.host.value.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                let cidr = if ip.is_ipv4() { format!("{ip}/32") } else { format!("{ip}/128") };
                vec![networking::NetworkPolicyPeer {
                    ip_block: Some(networking::IPBlock { cidr, except: None }),
                    ..networking::NetworkPolicyPeer::default()
                }]
            }
            Err(_) => vec![networking::NetworkPolicyPeer {
                ip_block: Some(networking::IPBlock { cidr: "0.0.0.0/0".to_owned(), except: None }),
                ..networking::NetworkPolicyPeer::default()
            }],
        },
        None => vec![peer(Some(&component.namespace), Some(component_pods(component)))],
    };
    // An external component is reached on every one of its ports.
    let ports = match &component.external {
        Some(external) => Some(external.ports.iter().map(|it| port("TCP", it.port.value)).collect()),
        None => component_port(component).map(|port| vec![port]),
    };
    networking::NetworkPolicyEgressRule { to: Some(to), ports }
}

/// Charts are others' code: within its namespace a component may talk to itself; data stores take
/// traffic only from their users; gateways take traffic from anywhere (it comes from outside); and
/// gateways, identity providers and operators may reach anything, because they call the Kubernetes API,
/// webhooks and upstream services Slipway cannot enumerate.
fn component_policy(
    env: &resolved::Env,
    component: &resolved::Component,
    clients: Option<&Vec<networking::NetworkPolicyPeer>>,
    out: &mut Out<'_>,
) {
    let role = catalog::kind_info(component.kind.value).role;
    let pods = component_pods(component);
    let same_namespace = peer(Some(&component.namespace), None);
    let mut ingress =
        vec![networking::NetworkPolicyIngressRule { from: Some(vec![same_namespace.clone()]), ports: None }];
    match role {
        Role::Gateway | Role::Operator | Role::SecretOperator => {
            ingress.push(networking::NetworkPolicyIngressRule { from: None, ports: None });
        }
        Role::Data | Role::Identity => {
            let mut clients: Vec<networking::NetworkPolicyPeer> = clients.cloned().unwrap_or_default();
            if role == Role::Identity
                && let Some(gateway) = gateway_namespace(env)
            {
                clients.push(peer(Some(gateway), None));
            }
            if !clients.is_empty() {
                ingress.push(networking::NetworkPolicyIngressRule {
                    from: Some(clients),
                    ports: component_port(component).map(|port| vec![port]),
                });
            }
        }
    }
    let mut egress = vec![networking::NetworkPolicyEgressRule { to: Some(vec![same_namespace]), ports: None }];
    if role == Role::Data {
        egress.extend(
            component.uses.iter().filter_map(|target| env.components.get(target.value.as_str())).map(component_egress),
        );
    } else {
        egress.push(networking::NetworkPolicyEgressRule { to: None, ports: None });
    }
    push(env, out, &component.namespace, &component.name, pods, Some(ingress), Some(egress));
    // ArangoDB's operator is a pod of its own beside the database's: it calls the Kubernetes API and the
    // database's members, and takes traffic from its namespace only.
    if component.kind.value == resolved::ComponentKind::Arangodb {
        let operator = label_selector(catalog::labels_selector(
            catalog::ARANGODB_OPERATOR_LABELS,
            &component.name.value,
            &component.namespace.value,
        ));
        let same_namespace = peer(Some(&component.namespace), None);
        push(
            env,
            out,
            &component.namespace,
            &format!("{}-operator", component.name.value),
            operator,
            Some(vec![networking::NetworkPolicyIngressRule { from: Some(vec![same_namespace]), ports: None }]),
            Some(vec![networking::NetworkPolicyEgressRule { to: None, ports: None }]),
        );
    }
}
