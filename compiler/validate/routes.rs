//! Routes: paths start with `/`, hosts are DNS names, and no two services claim the same host and path
//! in one environment.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::diagnostic::{Code, Diagnostic};
use crate::resolved;
use crate::source::Span;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    // The gateway's host is every route's host unless the route names its own.
    if let Some(host) = env.gateway.as_ref().and_then(|gateway| gateway.host.as_ref())
        && let Some(problem) = host_problem(host)
    {
        diagnostics.push(
            Diagnostic::error(Code::InvalidRouteHost, format!("gateway host `{}` is not a valid DNS name", host.value))
                .with_label(host.span, problem)
                .with_help("use lowercase labels separated by dots, such as `shop.example.com`"),
        );
    }
    for service in env.services.values() {
        egress(service, diagnostics);
        served(env, service, diagnostics);
    }
    let mut claimed: BTreeMap<(&str, &str), (&str, Span)> = BTreeMap::new();
    for service in env.services.values() {
        for route in &service.routes {
            let path = &route.path;
            if let Some(problem) = path_problem(path) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRoutePath,
                        format!("route path `{}` of `{}` is malformed", path.value, service.name.value),
                    )
                    .with_label(path.span, problem)
                    .with_help(format!(
                        "write it like `/{}`",
                        path.trim_start_matches('/').chars().filter(|c| path_char(*c)).collect::<String>()
                    )),
                );
                continue;
            }
            if let Some(host) = &route.host
                && let Some(problem) = host_problem(host)
            {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidRouteHost,
                        format!("route host `{}` of `{}` is not a valid DNS name", host.value, service.name.value),
                    )
                    .with_label(host.span, problem)
                    .with_help("use lowercase labels separated by dots, such as `shop.example.com`"),
                );
                continue;
            }
            // The host the route is rendered with: a route without one takes the gateway's default.
            let host = env.route_host(route).map_or("", |host| host.value.as_str());
            // `/orders` and `/orders/` reach the same service through a prefix match.
            let normalised = path.value.trim_end_matches('/');
            let key = (host, if normalised.is_empty() { "/" } else { normalised });
            match claimed.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert((&service.name, path.span));
                }
                Entry::Occupied(entry) => {
                    let (owner, span) = *entry.get();
                    let place = if host.is_empty() { String::new() } else { format!(" on `{host}`") };
                    diagnostics.push(
                        Diagnostic::error(
                            Code::RouteConflict,
                            format!("`{}` and `{owner}` both claim `{}`{place}", service.name.value, path.value),
                        )
                        .with_label(path.span, format!("claimed by `{}`", service.name.value))
                        .with_secondary(span, format!("already claimed by `{owner}`"))
                        .with_help("give each service its own path, or put one of them on another host"),
                    );
                }
            }
        }
    }
}

fn path_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        Some("a path must start with `/`")
    } else if path.contains([' ', '?', '#']) || path.chars().any(char::is_control) {
        Some("a path holds no spaces, `?` or `#`")
    } else if !path.chars().all(path_char) {
        // Traefik's rule quotes the path in backticks, Markdown tables in out/<env>/README.md split on `|`:
        // only what RFC 3986 allows in a path is written.
        Some("a path holds only letters, digits and `-._~!$&'()*+,;=:@/%` (no quotes, backticks or `|`)")
    } else if path
        .match_indices('%')
        .any(|(at, _)| !path.get(at + 1..at + 3).is_some_and(|hex| hex.bytes().all(|byte| byte.is_ascii_hexdigit())))
    {
        Some("a `%` starts an escape of two hex digits, such as `%20`")
    } else if path.contains("//") {
        Some("a path holds no empty segment (`//`)")
    } else {
        None
    }
}

/// A character RFC 3986 allows in a path: unreserved, sub-delims, `:`, `@`, `/` and `%` of an escape.
fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/%".contains(c)
}

/// An Ingress host: a DNS-1123 subdomain whose parts are labels, or `*.` and one (`IsWildcardDNS1123Subdomain`).
fn host_problem(host: &str) -> Option<&'static str> {
    let name = host.strip_prefix("*.").unwrap_or(host);
    if name.is_empty() || host.len() > crate::k8s_rules::SUBDOMAIN_MAX {
        Some("empty or longer than 253 characters")
    } else if name.split('.').any(|label| crate::k8s_rules::dns1123_label(label).is_err()) {
        Some("labels are lowercase letters, digits and `-`, separated by dots")
    } else {
        None
    }
}

/// Traffic to outside the cluster: an address block, and at least one port, none of them 0.
fn egress(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    for outside in &service.egress {
        if !super::components::is_cidr(&outside.cidr) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidEgress,
                    format!("egress `{}` of `{}` is not an address block", outside.cidr.value, service.name.value),
                )
                .with_label(outside.cidr.span, "expected a CIDR such as `0.0.0.0/0` or `52.0.0.0/8`")
                .with_help(
                    "NetworkPolicies allow addresses, not DNS names: give the provider's address block, or `0.0.0.0/0`",
                ),
            );
        }
        if outside.ports.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidEgress,
                    format!("egress `{}` of `{}` names no port", outside.cidr.value, service.name.value),
                )
                .with_label(outside.cidr.span, "every port would be allowed")
                .with_help("list the ports: `ports = [443]`"),
            );
        }
        for port in outside.ports.iter().filter(|it| crate::k8s_rules::port_number(it.value).is_err()) {
            diagnostics.push(
                Diagnostic::error(Code::InvalidEgress, "port 0 is not a port")
                    .with_label(port.span, "ports are 1 to 65535")
                    .with_help("give the port the service connects to, such as 443"),
            );
        }
    }
}

/// Routes a gateway would not serve are reported, not dropped: with no `[gateway]` (a warning, since an
/// environment may mean to have none), or on a service with no port (an error).
fn served(env: &resolved::Env, service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let Some(first) = service.routes.first() else { return };
    if env.gateway.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                Code::UnservedRoute,
                format!("the routes of `{}` are served by no gateway", service.name.value),
            )
            .with_label(first.path.span, "nothing is rendered for this route")
            .with_help("declare `[gateway]` (in this environment's overlay if only it has one), or remove the routes"),
        );
    } else if service.ports.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::UnservedRoute,
                format!("`{}` has routes but no port for the gateway to send them to", service.name.value),
            )
            .with_label(first.path.span, "this route would be dropped")
            .with_help("declare a port: `ports = [{ name = \"http\", port = 8080 }]`, or pick a `runtime` preset"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{host_problem, path_problem};

    #[test]
    fn paths_hold_only_what_a_url_path_may() {
        for path in ["/", "/api/v1/orders", "/a-b_c.d~e", "/%20x", "/users/@me", "/a;b=c"] {
            assert_eq!(path_problem(path), None, "{path}");
        }
        // A backtick would end the path inside Traefik's PathPrefix(`...`) and start a rule of its own.
        for path in ["/a`) || Host(`evil.example.com", "/a\"b", "/a|b", "/a\\b", "/{id}", "/a%2", "/a%zz", "/a b"] {
            assert!(path_problem(path).is_some(), "{path}");
        }
    }

    #[test]
    fn hosts_are_dns_names() {
        assert_eq!(host_problem("shop.example.com"), None);
        assert_eq!(host_problem("*.example.com"), None);
        for host in ["shop.example.com`) || Path(`/", "Shop.example.com", "a b.example.com", "a..b", ""] {
            assert!(host_problem(host).is_some(), "{host}");
        }
    }
}
