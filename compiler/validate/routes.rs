//! Routes: paths start with `/`, hosts are DNS names, no two services claim the same host and path in
//! one environment or in environments that share a cluster and a gateway controller, a route's port exists, a service's routes agree on how the gateway forwards them,
//! the gateway kind can say what they ask, and each host's TLS names one certificate source.
//! Every host here is the analysis' `RouteFact::host`, the one render writes.

use std::collections::hash_map::Entry;

use crate::analysis::{Facts, RouteFact};
use crate::diagnostic::{Code, Diagnostic};
use crate::fast_hash::{FastMap, FastSet};
use crate::resolved::{self, GatewayKind, RouteProtocol};
use crate::source::Span;

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
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
    tls(facts, diagnostics);
    options(facts, diagnostics);
    let mut claimed: FastMap<(&str, &str), (&str, Span)> = FastMap::default();
    claimed.reserve(facts.routes.len());
    {
        for fact in &facts.routes {
            let (service, route) = (fact.service, fact.route);
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
            let key = claim(fact);
            let host = key.0;
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

/// Environments on one cluster (one `server`) whose gateways are of one kind are served by one
/// controller, which answers a host and path for one of them only: two environments claiming the same
/// route there conflict as two services of one environment do (G001). Routes the per-environment check
/// refuses (a malformed path or host) are left to it.
pub(super) fn across_environments(facts: &[Facts<'_>], diagnostics: &mut Vec<Diagnostic>) {
    type Claim<'a> = (&'a str, &'a str, Span, Option<Span>);
    // Hashed, not ordered: thousands of routes share their server and controller, so ordered keys were
    // compared string by string; the diagnostics follow the order of the routes, not of the map. Sized
    // once, with the fast hash: a std map growing step by step made about 14,000 of the 105,000 page faults
    // of `check` at N=5000 x 3.
    let mut claimed: FastMap<(&str, &str, &str, &str), Claim<'_>> = FastMap::default();
    claimed.reserve(facts.iter().map(|facts| facts.routes.len()).sum());
    let controllers: Vec<Option<String>> =
        facts.iter().map(|facts| facts.env.gateway.as_ref().map(controller)).collect();
    for (facts, controller) in facts.iter().zip(&controllers) {
        let env = facts.env;
        let Some(controller) = controller else { continue };
        let mut own = FastSet::default();
        own.reserve(facts.routes.len());
        for fact in facts.served_routes() {
            let path = &fact.route.path;
            if path_problem(path).is_some() || fact.route.host.as_ref().is_some_and(|host| host_problem(host).is_some())
            {
                continue;
            }
            let (host, claimed_path) = claim(fact);
            let key = (env.cluster.server.as_str(), controller.as_str(), host, claimed_path);
            // Conflicts inside one environment are the per-environment check's.
            if !own.insert(key) {
                continue;
            }
            match claimed.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert((&env.name.value, &fact.service.name.value, path.span, fact.host.map(|it| it.span)));
                }
                Entry::Occupied(entry) => {
                    let (other_env, other_service, span, other_host) = *entry.get();
                    let place = if host.is_empty() { " on any host".to_owned() } else { format!(" on `{host}`") };
                    let mut diagnostic = Diagnostic::error(
                        Code::RouteConflict,
                        format!(
                            "`{}` of `{}` and `{other_service}` of `{other_env}` both claim `{}`{place} on one cluster",
                            fact.service.name.value, env.name.value, path.value
                        ),
                    )
                    .with_label(path.span, format!("claimed in `{}`", env.name.value))
                    .with_note(format!(
                        "`{other_env}` and `{}` run on `{}`, where one {} serves a host and path for one of them",
                        env.name.value, env.cluster.server, controller
                    ))
                    .with_help("give each environment its own host, such as `dev.shop.example.com`");
                    if span != path.span {
                        diagnostic = diagnostic.with_secondary(span, format!("already claimed in `{other_env}`"));
                    }
                    // The hosts, where each environment's comes from: usually the line to change.
                    let host_span = fact.host.map(|it| it.span);
                    for (at, whose) in [(other_host, other_env), (host_span, env.name.value.as_str())] {
                        if let Some(at) = at.filter(|at| *at != path.span && *at != span) {
                            diagnostic = diagnostic.with_secondary(at, format!("the host of `{whose}`"));
                        }
                    }
                    diagnostic.environments = vec![other_env.to_owned(), env.name.value.clone()];
                    diagnostics.push(diagnostic);
                }
            }
        }
    }
}

/// What a route claims of its gateway: the host it is rendered with (a route without one takes the
/// gateway's default; `""` for any host) and its path, where `/orders` and `/orders/` are one, since a
/// prefix match reaches the same service through both.
fn claim<'a>(fact: &RouteFact<'a>) -> (&'a str, &'a str) {
    let host = fact.host.map_or("", |host| host.value.as_str());
    let path = fact.route.path.value.trim_end_matches('/');
    (host, if path.is_empty() { "/" } else { path })
}

/// What serves an environment's routes on its cluster: the gateway kind's one controller, or for an ALB
/// gateway its IngressGroup's one load balancer.
fn controller(gateway: &resolved::Gateway) -> String {
    match gateway.kind.value {
        GatewayKind::Kong => "Kong controller".to_owned(),
        GatewayKind::Traefik => "Traefik controller".to_owned(),
        GatewayKind::Nginx => "ingress-nginx controller".to_owned(),
        GatewayKind::Alb => format!("ALB of the group `{}`", gateway.alb.group.value),
    }
}

/// Each host's TLS: a valid host, exactly one certificate source, a declared secret holding `tls.crt`
/// and `tls.key`, and some route on the host.
fn tls(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let Some(gateway) = &env.gateway else { return };
    for tls in &gateway.tls {
        if let Some(problem) = host_problem(&tls.host) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidRouteHost,
                    format!("TLS host `{}` is not a valid DNS name", tls.host.value),
                )
                .with_label(tls.host.span, problem)
                .with_help("use lowercase labels separated by dots, such as `shop.example.com`"),
            );
            continue;
        }
        let sources: Vec<(&str, Span)> = [
            ("cluster_issuer", tls.cluster_issuer.as_ref()),
            ("issuer", tls.issuer.as_ref()),
            ("secret", tls.secret.as_ref()),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?.span)))
        .collect();
        match sources.as_slice() {
            [] => diagnostics.push(
                Diagnostic::error(Code::InvalidTls, format!("TLS of `{}` names no certificate", tls.host.value))
                    .with_label(tls.host.span, "no `cluster_issuer`, `issuer` or `secret`")
                    .with_help(
                        "add `cluster_issuer = \"letsencrypt\"` (cert-manager) or `secret = \"<declared secret>\"`",
                    ),
            ),
            [_] => {}
            [(first, _), (second, span), ..] => diagnostics.push(
                Diagnostic::error(
                    Code::InvalidTls,
                    format!("TLS of `{}` names both `{first}` and `{second}`", tls.host.value),
                )
                .with_label(*span, "a second certificate source")
                .with_help("keep one: cert-manager issues the certificate, or a declared secret holds it"),
            ),
        }
        if let Some(secret) = &tls.secret {
            match env.secrets.get(secret.value.as_str()) {
                None => diagnostics.push(
                    Diagnostic::error(Code::UndeclaredSecret, format!("secret `{}` is not declared", secret.value))
                        .with_label(secret.span, "not declared in [secrets]")
                        .with_help(format!(
                            "declare it: `[secrets.{}]` with `keys = [\"tls.crt\", \"tls.key\"]`",
                            secret.value
                        )),
                ),
                Some(declared) => {
                    let missing = declared.lacks(["tls.crt", "tls.key"]);
                    if !missing.is_empty() {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::TlsSecretKeys,
                                format!("secret `{}` holds no `{}`", secret.value, missing.join("` or `")),
                            )
                            .with_label(secret.span, "the gateway reads the certificate from `tls.crt` and `tls.key`")
                            .with_help(format!(
                                "declare `keys = [\"tls.crt\", \"tls.key\"]` in `[secrets.{}]`",
                                secret.value
                            )),
                        );
                    }
                }
            }
        }
        if !facts.routes.iter().any(|route| route.tls.is_some_and(|it| std::ptr::eq(it, tls))) {
            diagnostics.push(
                Diagnostic::warning(Code::UnusedTls, format!("no route answers on TLS host `{}`", tls.host.value))
                    .with_label(tls.host.span, "nothing is rendered for this certificate")
                    .with_help("give a route this `host` (or make it the gateway's `host`), or remove the entry"),
            );
        }
    }
}

/// What each route asks of the gateway: a port the service has, options its routes agree on (Kong and
/// nginx apply them to a whole Ingress or Service), and options the gateway kind can render.
fn options(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let Some(gateway) = &facts.env.gateway else { return };
    for fact in &facts.routes {
        if let (Some(name), None) = (&fact.route.port, fact.port) {
            let names: Vec<String> = fact.service.ports.iter().map(|it| format!("`{}`", it.name.value)).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownRoutePort,
                    format!(
                        "route `{}` of `{}` goes to undeclared port `{}`",
                        fact.path(),
                        fact.service.name.value,
                        name.value
                    ),
                )
                .with_label(name.span, "not a port of the service")
                .with_help(if names.is_empty() {
                    "the service declares no ports".to_owned()
                } else {
                    format!("declared ports: {}", names.join(", "))
                }),
            );
        }
        unsupported(gateway.kind.value, fact, diagnostics);
    }
    for service in facts.env.services.values() {
        let mut routes = facts.routes_of(&service.name.value);
        let Some(first) = routes.next() else { continue };
        for other in routes {
            let (a, b) = (first.route, other.route);
            let differs = [
                ("strip_prefix", a.strip_prefix.value != b.strip_prefix.value, b.strip_prefix.span),
                ("protocol", a.protocol.value != b.protocol.value, b.protocol.span),
                (
                    "timeout",
                    a.timeout.as_ref().map(|it| it.value) != b.timeout.as_ref().map(|it| it.value),
                    b.timeout.as_ref().map_or(b.path.span, |it| it.span),
                ),
                ("TLS", !same_tls(first, other), b.host.as_ref().map_or(b.path.span, |it| it.span)),
            ];
            for (what, _, span) in differs.into_iter().filter(|(_, differs, _)| *differs) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::RouteOptionsDisagree,
                        format!("routes `{}` and `{}` of `{}` differ in {what}", first.path(), other.path(), service.name.value),
                    )
                    .with_label(span, format!("not the {what} of `{}`", first.path()))
                    .with_secondary(first.route.path.span, "the service's first route")
                    .with_help("the gateway applies these to the whole service (one Ingress, one Service): give its routes the same, or split the service"),
                );
            }
        }
    }
}

fn same_tls(a: &RouteFact<'_>, b: &RouteFact<'_>) -> bool {
    match (a.tls, b.tls) {
        (None, None) => true,
        (Some(x), Some(y)) => x.source() == y.source() && x.redirect == y.redirect,
        _ => false,
    }
}

/// Options a gateway kind has no way to say: a read timeout on Traefik (its IngressRoute has none; a
/// ServersTransport would apply to every route of the gateway), stripping a gRPC route's prefix on Kong
/// (KIC drops `strip_path` from gRPC routes, `kongstate/route.go`).
fn unsupported(kind: GatewayKind, fact: &RouteFact<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let route = fact.route;
    let problem = match kind {
        GatewayKind::Traefik => route.timeout.as_ref().map(|it| {
            (
                it.span,
                "Traefik's IngressRoute has no per-route read timeout",
                "remove `timeout`, or set the entry point's `respondingTimeouts` in the Traefik component's `values`",
            )
        }),
        GatewayKind::Kong if route.protocol.value == RouteProtocol::Grpc && route.strip_prefix.value => Some((
            route.strip_prefix.span,
            "Kong does not strip the path of a gRPC route",
            "remove `strip_prefix`: a gRPC path names the method (`/package.Service/Method`)",
        )),
        _ => None,
    };
    if let Some((span, why, help)) = problem {
        diagnostics.push(
            Diagnostic::error(
                Code::UnsupportedRouteOption,
                format!("route `{}` of `{}` asks what the gateway cannot do", fact.path(), fact.service.name.value),
            )
            .with_label(span, why)
            .with_help(help),
        );
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
