//! The gateway's routes, per gateway kind: TLS from cert-manager or a declared Secret, HTTPS redirects,
//! stripped prefixes, gRPC and WebSocket backends, as rendered (snapshotted YAML), and the route facts
//! the checks, render and review share.

use crate::support;

/// Every object the gateway renders for the services of `fixture`, and the Services it annotates, as
/// one YAML text in path order.
fn gateway_objects(fixture: &str) -> String {
    let files = support::render(&support::fixture(fixture));
    let kinds = ["ingress-", "ingressroute-", "middleware-", "certificate-", "service-"];
    let mut text = String::new();
    for (path, body) in &files {
        let name = path.rsplit('/').next().unwrap_or_default();
        if path.starts_with("dev/services/") && kinds.iter().any(|kind| name.starts_with(kind)) {
            text.push_str(&format!(
                "# {path}\n{}\n",
                body.lines().filter(|line| !line.starts_with('#')).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    text
}

#[test]
fn kong_routes_with_tls_redirect_strip_and_grpc() {
    let text = gateway_objects("valid/gateway-tls-kong.toml");
    support::settings().bind(|| insta::assert_snapshot!("gateway_tls_kong", text));
}

#[test]
fn nginx_routes_with_tls_redirect_strip_and_grpc() {
    let text = gateway_objects("valid/gateway-tls-nginx.toml");
    support::settings().bind(|| insta::assert_snapshot!("gateway_tls_nginx", text));
}

#[test]
fn traefik_routes_with_tls_redirect_strip_and_grpc() {
    let text = gateway_objects("valid/gateway-tls-traefik.toml");
    support::settings().bind(|| insta::assert_snapshot!("gateway_tls_traefik", text));
}

#[test]
fn route_facts_carry_the_effective_host_port_and_tls() {
    let source = support::source(&support::fixture("valid/gateway-tls-kong.toml"));
    let model = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&model, &source, &slipway::load::Attachments::default());
    let facts = slipway::analysis::analyse(&envs[0]);
    let urls: Vec<(String, Option<String>, u16)> = facts
        .served_routes()
        .map(|route| (route.service.name.value.clone(), route.url(), route.port.unwrap().service_port.value))
        .collect();
    assert_eq!(
        urls,
        [
            ("api".to_owned(), Some("https://shop.example.com/api".to_owned()), 8080),
            ("chat".to_owned(), Some("https://admin.example.com/chat".to_owned()), 3000),
            ("orders".to_owned(), Some("https://shop.example.com/orders.v1.Orders".to_owned()), 9090),
            ("web".to_owned(), Some("https://shop.example.com/".to_owned()), 3000),
        ]
    );
    // The admin host's certificate is the declared Secret, read by the routed service's namespace.
    assert!(facts.secret_readers["admin-tls"].iter().any(|(reader, _)| *reader == "chat"));
    assert_eq!(facts.app_protocol("orders", "grpc"), Some("kubernetes.io/h2c"));
    assert_eq!(facts.app_protocol("orders", "http"), None);
    assert_eq!(facts.app_protocol("chat", "http"), Some("kubernetes.io/ws"));
}
