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
            ("web".to_owned(), Some("https://shop.example.com".to_owned()), 3000),
        ]
    );
    // The admin host's certificate is the declared Secret, read by the routed service's namespace.
    assert!(facts.secret_readers["admin-tls"].iter().any(|(reader, _)| *reader == "chat"));
    assert_eq!(facts.app_protocol("orders", "grpc"), Some("kubernetes.io/h2c"));
    assert_eq!(facts.app_protocol("orders", "http"), None);
    assert_eq!(facts.app_protocol("chat", "http"), Some("kubernetes.io/ws"));
}

#[test]
fn route_references_follow_the_host_and_tls_and_make_no_edge() {
    let (_, compiled) = support::compile(&support::fixture("valid/gateway-tls-kong.toml"));
    // No R006 (reference without `uses`) and no R008 (blocked edge): the traffic goes through the gateway.
    assert!(compiled.diagnostics.is_empty(), "{:#?}", compiled.diagnostics);
    let files = compiled.files.unwrap();
    let deployment = &files["dev/services/web/deployment-web.yaml"];
    for expected in [
        "value: https://shop.example.com\n",
        "value: https://shop.example.com/api\n",
        "value: https://admin.example.com/chat\n",
        "value: shop.example.com\n",
    ] {
        assert!(deployment.contains(expected), "{expected} in\n{deployment}");
    }
    // Without TLS the scheme is http; a route on any host has no URL to name.
    let platform = |tls: &str| {
        format!(
            "[platform]\nname = \"p\"\nrepo = \"https://git.example.com/p.git\"\n\
             [components.kong]\nkind = \"kong\"\nchart = {{ version = \"2.33.0\" }}\nnamespace = \"kong\"\nresources = {{ requests = {{ memory = \"256Mi\", cpu = \"100m\" }} }}\n\
             [gateway]\nkind = \"kong\"\nhost = \"p.example.com\"\n{tls}\n\
             [services.web]\nimage = \"r/web:1.0.0\"\nruntime = \"node\"\nroutes = [\"/app\"]\n\
             env = {{ URL = \"${{routes.web.url}}\", BASE = \"${{gateway.url}}\" }}\n[environments.dev]\n"
        )
    };
    let plain = support::compile_text(&platform(""));
    assert!(plain["dev/services/web/deployment-web.yaml"].contains("value: http://p.example.com/app\n"));
    assert!(plain["dev/services/web/deployment-web.yaml"].contains("value: http://p.example.com\n"));
    let secure = support::compile_text(&platform("[gateway.tls.\"*.example.com\"]\ncluster_issuer = \"le\"\n"));
    assert!(secure["dev/services/web/deployment-web.yaml"].contains("value: https://p.example.com/app\n"));
}
