//! Ports: container ports unique per pod by number and name, probes on declared ports, Service ports
//! unique, NodePorts in range and unique per environment, and the optional platform-wide port registry.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::diagnostic::{Code, Diagnostic};
use crate::resolved;
use crate::source::{Span, Spanned};

const NODE_PORTS: std::ops::RangeInclusive<u16> = 30000..=32767;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let mut node_ports: BTreeMap<u16, (&str, Span)> = BTreeMap::new();
    let gateway_ports = env.gateway.iter().flat_map(|gateway| [&gateway.node_ports.0, &gateway.node_ports.1]).flatten();
    let service_ports = env.services.values().flat_map(|service| {
        service.ports.iter().filter_map(|port| port.node_port.as_ref()).map(|port| (service.name.value.as_str(), port))
    });
    for service in env.services.values() {
        container_ports(service, diagnostics);
        probes(service, diagnostics);
    }
    for component in env.components.values() {
        if let Some(external) = &component.external {
            external_ports(&component.name, external, diagnostics);
        }
    }
    // A component's own NodePort (Grafana's), when its chart takes one (`validate::components` reports it
    // on any other kind).
    let component_ports =
        env.components.values().filter(|component| component.external.is_none()).filter_map(|component| {
            crate::catalog::kind_info(component.kind.value).service_node_port?;
            component.node_port.as_ref().map(|port| (component.name.value.as_str(), port))
        });
    for (owner, node_port) in
        gateway_ports.map(|port| ("the gateway", port)).chain(service_ports).chain(component_ports)
    {
        {
            if !NODE_PORTS.contains(&node_port.value) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::NodePortOutOfRange,
                        format!("NodePort {} is outside 30000-32767", node_port.value),
                    )
                    .with_label(node_port.span, "outside the NodePort range")
                    .with_help("pick a port from 30000 to 32767"),
                );
                continue;
            }
            match node_ports.entry(node_port.value) {
                Entry::Vacant(entry) => {
                    entry.insert((owner, node_port.span));
                }
                Entry::Occupied(entry) => {
                    let (first_owner, span) = *entry.get();
                    diagnostics.push(
                        Diagnostic::error(
                            Code::DuplicateNodePort,
                            format!("NodePort {} is claimed twice", node_port.value),
                        )
                        .with_label(node_port.span, format!("claimed by `{owner}`"))
                        .with_secondary(span, format!("already claimed by `{first_owner}`"))
                        .with_help("give each NodePort its own number"),
                    );
                }
            }
        }
    }
}

fn container_ports(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let mut numbers: BTreeMap<(u16, &str), Span> = BTreeMap::new();
    let mut names: BTreeMap<&str, Span> = BTreeMap::new();
    let mut service_ports: BTreeMap<u16, (u16, Span)> = BTreeMap::new();
    for port in &service.ports {
        if let Some(first) = numbers.insert((port.port.value, port.protocol.as_str()), port.port.span) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateContainerPort,
                    format!("service `{}` declares port {} twice", service.name.value, port.port.value),
                )
                .with_label(port.port.span, "declared again here")
                .with_secondary(first, "first declared here")
                .with_help("give each port its own number"),
            );
        }
        if let Some(first) = names.insert(&port.name, port.name.span) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicatePortName,
                    format!("service `{}` has two ports named `{}`", service.name.value, port.name.value),
                )
                .with_label(port.name.span, "named again here")
                .with_secondary(first, "first named here")
                .with_help("rename one of the ports"),
            );
        }
        // Two ports on one container port are X001 already; X004 is two container ports on one Service port.
        if let Some((container_port, first)) =
            service_ports.insert(port.service_port.value, (port.port.value, port.port.span))
            && container_port != port.port.value
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateServicePort,
                    format!("service `{}` exposes Service port {} twice", service.name.value, port.service_port.value),
                )
                .with_label(port.port.span, "exposed again here")
                .with_secondary(first, "first exposed here")
                .with_help("give each port a distinct `service_port`"),
            );
        }
    }
}

/// An external component's named ports: IANA service names, URL schemes, one name per number.
fn external_ports(component: &str, external: &resolved::External, diagnostics: &mut Vec<Diagnostic>) {
    let mut numbers: BTreeMap<u16, &Spanned<String>> = BTreeMap::new();
    for port in &external.ports {
        if external.named
            && let Err(problem) = crate::k8s_rules::port_name(&port.name)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidExternalPorts,
                    format!(
                        "port name `{}` of `{component}` is not a valid IANA service name",
                        crate::k8s_rules::shown(&port.name)
                    ),
                )
                .with_label(port.name.span, problem)
                .with_help("name ports like `api`, `console` or `https`"),
            );
        }
        if let Some(scheme) = &port.scheme
            && !is_url_scheme(scheme)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidExternalPorts,
                    format!("`{}` is not a URL scheme", crate::k8s_rules::shown(scheme)),
                )
                .with_label(scheme.span, "a letter, then letters, digits, `+`, `-` or `.`")
                .with_help("write the scheme alone, such as `https` or `amqps`, without `://`"),
            );
        }
        if let Some(first) = numbers.insert(port.port.value, &port.name) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateExternalPort,
                    format!("`{component}` names port {} twice", port.port.value),
                )
                .with_label(port.port.span, format!("`{}` is this number again", port.name.value))
                .with_secondary(first.span, format!("already named `{}`", first.value))
                .with_help("give each port its own number, or keep one name for it"),
            );
        }
    }
}

/// RFC 3986: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_url_scheme(scheme: &str) -> bool {
    scheme.chars().next().is_some_and(|first| first.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn probes(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    for (kind, probe) in
        [("liveness", &service.liveness), ("readiness", &service.readiness), ("startup", &service.startup)]
    {
        let Some(probe) = probe else { continue };
        let port = match &probe.action {
            resolved::ProbeAction::Http { port, .. } | resolved::ProbeAction::Tcp { port } => port,
            resolved::ProbeAction::Exec { .. } => continue,
        };
        let declared = service.ports.iter().any(|declared| match &port.value {
            resolved::PortRef::Name(name) => declared.name.value == *name,
            resolved::PortRef::Number(number) => declared.port.value == *number,
        });
        if !declared {
            let names: Vec<String> =
                service.ports.iter().map(|port| format!("`{}` ({})", port.name.value, port.port.value)).collect();
            let help = if names.is_empty() {
                "the service declares no ports: add `ports = [{ name = \"http\", port = 8080 }]`".to_owned()
            } else {
                format!("declared ports: {}", names.join(", "))
            };
            diagnostics.push(
                Diagnostic::error(
                    Code::UndeclaredProbePort,
                    format!("{kind} probe of `{}` checks undeclared port `{}`", service.name.value, port.value),
                )
                .with_label(port.span, "not a declared port")
                .with_help(help),
            );
        }
    }
}

/// With the port registry on, no two services share a container port number anywhere in the platform,
/// and each number keeps one protocol (`analysis::PortProtocol`) in every environment.
pub(super) fn registry(
    envs: &[resolved::Env],
    facts: &[crate::analysis::Facts<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(first_env) = envs.first() else { return };
    if !first_env.platform.port_registry {
        return;
    }
    let mut owners: BTreeMap<u16, (&str, Span, crate::analysis::PortProtocol)> = BTreeMap::new();
    // Each environment sees the same base port: one error per pair of places, not per environment.
    let mut reported: std::collections::BTreeSet<(Span, Span)> = std::collections::BTreeSet::new();
    for facts in facts {
        for service in facts.env.services.values() {
            for port in &service.ports {
                let protocol = facts.port_protocol(&service.name.value, port);
                match owners.entry(port.port.value) {
                    Entry::Vacant(entry) => {
                        entry.insert((&service.name, port.port.span, protocol));
                    }
                    Entry::Occupied(entry) if entry.get().0 != service.name.value => {
                        let (owner, span, _) = *entry.get();
                        diagnostics.push(
                            Diagnostic::error(
                                Code::PortRegistryConflict,
                                format!(
                                    "port {} of `{}` is registered to `{owner}`",
                                    port.port.value, service.name.value
                                ),
                            )
                            .with_label(port.port.span, "already in the port registry")
                            .with_secondary(span, format!("registered to `{owner}` here"))
                            .with_help("give the service a port of its own; `out/<env>/README.md` lists the registry"),
                        );
                    }
                    Entry::Occupied(mut entry) => {
                        let (owner, _, registered) = *entry.get();
                        if !registered.agrees(protocol) && reported.insert((protocol.span, registered.span)) {
                            diagnostics.push(
                                Diagnostic::error(
                                    Code::PortProtocolConflict,
                                    format!(
                                        "port {} is registered as {registered} and used as {protocol} in `{}`",
                                        port.port.value, facts.env.name.value
                                    ),
                                )
                                .with_label(protocol.span, format!("{protocol} here"))
                                .with_secondary(
                                    registered.span,
                                    format!("registered as {registered} to `{owner}` here"),
                                )
                                .with_help(
                                    "keep one protocol per port number: give the other protocol a port of its own",
                                ),
                            );
                        } else if registered.route.is_none() {
                            // A route's protocol, once seen, is what the number is held to.
                            entry.get_mut().2 = protocol;
                        }
                    }
                }
            }
        }
    }
}
