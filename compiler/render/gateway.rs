//! Gateway: takes the environment's `[gateway]` and the services' `routes`, gives what routes traffic:
//! for Kong an Ingress and a rate-limiting KongPlugin per routed service plus the gateway-wide plugins
//! (CORS, correlation ID, JWT) in each namespace with routes; for Traefik an IngressRoute per service;
//! for nginx a plain Ingress per service.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde_json::{Value, json};

use super::{Manifest, Out, labels, workload::to_value};
use crate::analysis::{Facts, RouteFact};
use crate::resolved::{self, GatewayKind, RouteProtocol, TlsSource};

const KONG_API: &str = "configuration.konghq.com/v1";
const TRAEFIK_API: &str = "traefik.io/v1alpha1";
const CERT_MANAGER_API: &str = "cert-manager.io/v1";
const GLOBAL_CORS: &str = "global-cors";
const GLOBAL_CORRELATION_ID: &str = "global-correlation-id";
const JWT_AUTH: &str = "jwt-auth";

/// Annotation names, each read at the controller's pinned version (`catalog/gateways/annotations.json`
/// records the file and line; a test below holds these to it).
pub(crate) mod annotation {
    pub(crate) const KONG_STRIP_PATH: &str = "konghq.com/strip-path";
    pub(crate) const KONG_PLUGINS: &str = "konghq.com/plugins";
    /// On the Kubernetes Service: KIC reads a Kong service's protocol and timeouts from it.
    pub(crate) const KONG_PROTOCOL: &str = "konghq.com/protocol";
    pub(crate) const KONG_READ_TIMEOUT: &str = "konghq.com/read-timeout";
    pub(crate) const KONG_WRITE_TIMEOUT: &str = "konghq.com/write-timeout";
    pub(crate) const KONG_PROTOCOLS: &str = "konghq.com/protocols";
    pub(crate) const KONG_HTTPS_REDIRECT: &str = "konghq.com/https-redirect-status-code";
    pub(crate) const NGINX_SSL_REDIRECT: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
    pub(crate) const NGINX_REWRITE_TARGET: &str = "nginx.ingress.kubernetes.io/rewrite-target";
    pub(crate) const NGINX_USE_REGEX: &str = "nginx.ingress.kubernetes.io/use-regex";
    pub(crate) const NGINX_BACKEND_PROTOCOL: &str = "nginx.ingress.kubernetes.io/backend-protocol";
    pub(crate) const NGINX_READ_TIMEOUT: &str = "nginx.ingress.kubernetes.io/proxy-read-timeout";
    pub(crate) const NGINX_SEND_TIMEOUT: &str = "nginx.ingress.kubernetes.io/proxy-send-timeout";
    pub(crate) const CERT_MANAGER_ISSUER: &str = "cert-manager.io/issuer";
    pub(crate) const CERT_MANAGER_CLUSTER_ISSUER: &str = "cert-manager.io/cluster-issuer";
}

/// The annotations Kong reads from the Kubernetes Service of a routed service (its protocol and read
/// and write timeouts, in milliseconds), for the workload's Service.
pub(super) fn service_annotations(facts: &Facts<'_>, service: &resolved::Service) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    let Some(gateway) = &facts.env.gateway else { return annotations };
    let Some((protocol, timeout)) = facts.backend(&service.name.value) else { return annotations };
    if gateway.kind.value != GatewayKind::Kong {
        return annotations;
    }
    if protocol == RouteProtocol::Grpc {
        annotations.insert(annotation::KONG_PROTOCOL.to_owned(), "grpc".to_owned());
    }
    if let Some(seconds) = timeout {
        let millis = (u64::from(seconds) * 1000).to_string();
        annotations.insert(annotation::KONG_READ_TIMEOUT.to_owned(), millis.clone());
        annotations.insert(annotation::KONG_WRITE_TIMEOUT.to_owned(), millis);
    }
    annotations
}

/// The name of the Secret holding a routed service's certificate: the declared one, or the one
/// cert-manager writes for this service (one per service, so no two Ingresses own one certificate).
fn tls_secret(service: &resolved::Service, tls: &resolved::Tls) -> String {
    match &tls.secret {
        Some(secret) => secret.value.clone(),
        None => format!("{}-tls", service.name.value),
    }
}

/// The objects of one routed service, into its own directory.
pub(super) fn render_service(facts: &Facts<'_>, service: &resolved::Service, out: &mut Out<'_>) {
    let env = facts.env;
    let Some(gateway) = &env.gateway else { return };
    let routes: Vec<&RouteFact<'_>> = facts.routes_of(&service.name.value).filter(|it| it.port.is_some()).collect();
    let Some(first) = routes.first().copied() else { return };
    let directory = format!("{}/services/{}", env.name.value, service.name.value);
    let origin = format!("services.{}", service.name.value);
    let labels = labels::common(env, &service.name, service.image_tag());
    let rate_limit = service.rate_limit.as_ref().or(gateway.rate_limit.as_ref()).map(|it| it.value);
    // The routes check holds that a service's routes agree on these and on their hosts' TLS.
    let strip = first.route.strip_prefix.value;
    let protocol = first.route.protocol.value;
    let tls = first.tls;
    let metadata = |name: String, annotations: BTreeMap<String, String>| meta::ObjectMeta {
        name: Some(name),
        namespace: Some(service.namespace.value.clone()),
        labels: Some(labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..meta::ObjectMeta::default()
    };
    let path = |kind: &str, name: &str| format!("{directory}/{}-{name}.yaml", kind.to_ascii_lowercase());
    // cert-manager's ingress-shim issues the certificate of an Ingress that names an issuer.
    let mut certificate_annotations = BTreeMap::new();
    match tls.and_then(resolved::Tls::source) {
        Some(TlsSource::ClusterIssuer(issuer)) => {
            certificate_annotations.insert(annotation::CERT_MANAGER_CLUSTER_ISSUER.to_owned(), issuer.value.clone());
        }
        Some(TlsSource::Issuer(issuer)) => {
            certificate_annotations.insert(annotation::CERT_MANAGER_ISSUER.to_owned(), issuer.value.clone());
        }
        Some(TlsSource::Secret(_)) | None => {}
    }
    match gateway.kind.value {
        GatewayKind::Kong => {
            let mut plugins = Vec::new();
            if let Some(per_minute) = rate_limit {
                let name = format!("{}-rate-limit", service.name.value);
                let plugin = json!({
                    "apiVersion": KONG_API,
                    "kind": "KongPlugin",
                    "metadata": to_value(&metadata(name.clone(), labels::custom_resource_annotations())),
                    "plugin": "rate-limiting",
                    "config": { "minute": per_minute, "policy": "local" },
                });
                out.push(Manifest::new(path("KongPlugin", &name), origin.clone(), plugin));
                plugins.push(name);
            }
            plugins.extend(global_plugins(gateway).into_iter().map(|(name, _, _)| name.to_owned()));
            let mut annotations = certificate_annotations;
            // Kong refuses `strip_path` on a gRPC route (the routes check reports asking for it).
            if protocol != RouteProtocol::Grpc {
                annotations.insert(annotation::KONG_STRIP_PATH.to_owned(), strip.to_string());
            }
            if !plugins.is_empty() {
                annotations.insert(annotation::KONG_PLUGINS.to_owned(), plugins.join(","));
            }
            // Only HTTPS (or gRPC over TLS) is routed; Kong answers plain requests with a redirect.
            let protocols = match (protocol, tls.is_some_and(|it| it.redirect)) {
                (RouteProtocol::Grpc, true) => Some("grpcs"),
                (RouteProtocol::Grpc, false) => Some("grpc,grpcs"),
                (_, true) => Some("https"),
                (_, false) => None,
            };
            if let Some(protocols) = protocols {
                annotations.insert(annotation::KONG_PROTOCOLS.to_owned(), protocols.to_owned());
            }
            if tls.is_some_and(|it| it.redirect) {
                annotations.insert(annotation::KONG_HTTPS_REDIRECT.to_owned(), "301".to_owned());
            }
            let ingress = ingress(service, &routes, false, "kong", metadata(service.name.value.clone(), annotations));
            out.push(Manifest::new(path("Ingress", &service.name), origin.clone(), ingress));
        }
        GatewayKind::Nginx => {
            let mut annotations = certificate_annotations;
            if let Some(per_minute) = rate_limit {
                annotations.insert("nginx.ingress.kubernetes.io/limit-rpm".to_owned(), per_minute.to_string());
            }
            if let Some(tls) = tls {
                annotations.insert(annotation::NGINX_SSL_REDIRECT.to_owned(), tls.redirect.to_string());
            }
            if protocol == RouteProtocol::Grpc {
                annotations.insert(annotation::NGINX_BACKEND_PROTOCOL.to_owned(), "GRPC".to_owned());
            }
            if let Some(timeout) = &first.route.timeout {
                annotations.insert(annotation::NGINX_READ_TIMEOUT.to_owned(), timeout.value.to_string());
                annotations.insert(annotation::NGINX_SEND_TIMEOUT.to_owned(), timeout.value.to_string());
            }
            // Stripping rewrites to what the path's second capture group took: `/api(/|$)(.*)` -> `/$2`.
            if strip {
                annotations.insert(annotation::NGINX_USE_REGEX.to_owned(), "true".to_owned());
                annotations.insert(annotation::NGINX_REWRITE_TARGET.to_owned(), "/$2".to_owned());
            }
            let ingress = ingress(service, &routes, strip, "nginx", metadata(service.name.value.clone(), annotations));
            out.push(Manifest::new(path("Ingress", &service.name), origin.clone(), ingress));
        }
        GatewayKind::Alb => {
            // Rate limits, CORS and JWT are refused by `validate` (G015, G016): an ALB does none of them.
            // TLS per host, stripping, gRPC and timeouts are refused too (G015): ACM certificates are the
            // ALB's own (`alb.certificate_arn`).
            let Some(port) = first.port else { return };
            let annotations = alb_annotations(&gateway.alb, service, port);
            let ingress =
                ingress(service, &routes, false, ALB_CLASS, metadata(service.name.value.clone(), annotations));
            out.push(Manifest::new(path("Ingress", &service.name), origin.clone(), ingress));
        }
        GatewayKind::Traefik => {
            // Traefik limits rates with a Middleware that the routes name; `average` per `period`, with a
            // burst of the same size, is the per-minute budget of the other gateways.
            let mut middlewares = Vec::new();
            if let Some(per_minute) = rate_limit {
                let name = format!("{}-rate-limit", service.name.value);
                let middleware = json!({
                    "apiVersion": TRAEFIK_API,
                    "kind": "Middleware",
                    "metadata": to_value(&metadata(name.clone(), labels::custom_resource_annotations())),
                    "spec": { "rateLimit": { "average": per_minute, "period": "1m", "burst": per_minute } },
                });
                out.push(Manifest::new(path("Middleware", &name), origin.clone(), middleware));
                middlewares.push(json!({ "name": name }));
            }
            if strip {
                let name = format!("{}-strip-prefix", service.name.value);
                let mut prefixes: Vec<&str> = routes.iter().map(|route| route.path()).collect();
                prefixes.dedup();
                let middleware = json!({
                    "apiVersion": TRAEFIK_API,
                    "kind": "Middleware",
                    "metadata": to_value(&metadata(name.clone(), labels::custom_resource_annotations())),
                    "spec": { "stripPrefix": { "prefixes": prefixes } },
                });
                out.push(Manifest::new(path("Middleware", &name), origin.clone(), middleware));
                middlewares.push(json!({ "name": name }));
            }
            let mut by_host: BTreeMap<(&str, u16), Vec<&str>> = BTreeMap::new();
            for route in &routes {
                let host = route.host.map_or("", |host| host.value.as_str());
                let port = route.port.map_or(0, |port| port.service_port.value);
                by_host.entry((host, port)).or_default().push(route.path());
            }
            let rules = |middlewares: &[Value]| -> Vec<Value> {
                by_host
                    .iter()
                    .map(|((host, port), paths)| {
                        let paths: Vec<String> = paths.iter().map(|path| format!("PathPrefix(`{path}`)")).collect();
                        let mut rule = paths.join(" || ");
                        if !host.is_empty() {
                            rule = format!("Host(`{host}`) && ({rule})");
                        }
                        let mut backend = json!({ "name": service.name.value, "port": port });
                        if protocol == RouteProtocol::Grpc {
                            // HTTP/2 in cleartext to the service (Traefik's `h2c` scheme).
                            backend["scheme"] = json!("h2c");
                        }
                        let mut route = json!({ "kind": "Rule", "match": rule, "services": [backend] });
                        if !middlewares.is_empty() {
                            route["middlewares"] = json!(middlewares);
                        }
                        route
                    })
                    .collect()
            };
            let custom = labels::custom_resource_annotations;
            let Some(tls) = tls else {
                let route = json!({
                    "apiVersion": TRAEFIK_API,
                    "kind": "IngressRoute",
                    "metadata": to_value(&metadata(service.name.value.clone(), custom())),
                    "spec": { "entryPoints": ["web", "websecure"], "routes": rules(&middlewares) },
                });
                out.push(Manifest::new(path("IngressRoute", &service.name), origin.clone(), route));
                return;
            };
            // With TLS: the routes on `websecure` with the certificate, and on `web` either a redirect to
            // HTTPS or the same routes in plain HTTP.
            let secret = tls_secret(service, tls);
            if let Some(issuer) = match tls.source() {
                Some(TlsSource::ClusterIssuer(issuer)) => Some((issuer, "ClusterIssuer")),
                Some(TlsSource::Issuer(issuer)) => Some((issuer, "Issuer")),
                _ => None,
            } {
                // cert-manager does not watch IngressRoutes: the certificate is asked for explicitly.
                let mut hosts: Vec<&str> = routes.iter().filter_map(|route| Some(route.host?.value.as_str())).collect();
                hosts.sort_unstable();
                hosts.dedup();
                let certificate = json!({
                    "apiVersion": CERT_MANAGER_API,
                    "kind": "Certificate",
                    "metadata": to_value(&metadata(secret.clone(), custom())),
                    "spec": {
                        "secretName": secret,
                        "dnsNames": hosts,
                        "issuerRef": { "name": issuer.0.value, "kind": issuer.1, "group": "cert-manager.io" },
                    },
                });
                out.push(Manifest::new(path("Certificate", &secret), origin.clone(), certificate));
            }
            let route = json!({
                "apiVersion": TRAEFIK_API,
                "kind": "IngressRoute",
                "metadata": to_value(&metadata(service.name.value.clone(), custom())),
                "spec": { "entryPoints": ["websecure"], "routes": rules(&middlewares), "tls": { "secretName": secret } },
            });
            out.push(Manifest::new(path("IngressRoute", &service.name), origin.clone(), route));
            let plain = if tls.redirect {
                let name = format!("{}-redirect-https", service.name.value);
                let middleware = json!({
                    "apiVersion": TRAEFIK_API,
                    "kind": "Middleware",
                    "metadata": to_value(&metadata(name.clone(), custom())),
                    "spec": { "redirectScheme": { "scheme": "https", "permanent": true } },
                });
                out.push(Manifest::new(path("Middleware", &name), origin.clone(), middleware));
                rules(&[json!({ "name": name })])
            } else {
                rules(&middlewares)
            };
            let name = format!("{}-http", service.name.value);
            let route = json!({
                "apiVersion": TRAEFIK_API,
                "kind": "IngressRoute",
                "metadata": to_value(&metadata(name.clone(), custom())),
                "spec": { "entryPoints": ["web"], "routes": plain },
            });
            out.push(Manifest::new(path("IngressRoute", &name), origin.clone(), route));
        }
    }
}

/// The IngressClass the AWS Load Balancer Controller's chart creates (`ingressClass` in its values).
const ALB_CLASS: &str = "alb";
const ALB: &str = "alb.ingress.kubernetes.io";

/// The controller's annotations (docs/guide/ingress/annotations.md at v3.5.0, kept in
/// `catalog/charts/aws-load-balancer-controller-3.5.0.json`): the scheme; `ip` targets, so the ALB sends
/// to the pods themselves and a ClusterIP Service is enough; one IngressGroup, so every routed service
/// shares one ALB, longer paths first; HTTPS with the certificates, HTTP redirected to it; and the readiness path as the
/// health check (the ALB's default, `/`, is not a health endpoint of the presets).
fn alb_annotations(
    alb: &resolved::Alb,
    service: &resolved::Service,
    port: &resolved::Port,
) -> BTreeMap<String, String> {
    let scheme = match alb.scheme {
        resolved::AlbScheme::InternetFacing => "internet-facing",
        resolved::AlbScheme::Internal => "internal",
    };
    let mut annotations = BTreeMap::from([
        (format!("{ALB}/scheme"), scheme.to_owned()),
        (format!("{ALB}/target-type"), "ip".to_owned()),
        (format!("{ALB}/group.name"), alb.group.value.clone()),
    ]);
    // One ALB evaluates every Ingress of the group, lowest order first, then by namespace and name: an
    // Ingress whose paths are all longer goes first, so `/api` is not taken by another service's `/`.
    let shortest = service.routes.iter().map(|route| route.path.value.len()).min().unwrap_or(1).min(1000);
    annotations.insert(format!("{ALB}/group.order"), format!("-{shortest}"));
    if alb.certificate_arns.is_empty() {
        annotations.insert(format!("{ALB}/listen-ports"), r#"[{"HTTP": 80}]"#.to_owned());
    } else {
        annotations.insert(format!("{ALB}/listen-ports"), r#"[{"HTTP": 80}, {"HTTPS": 443}]"#.to_owned());
        let arns: Vec<&str> = alb.certificate_arns.iter().map(|it| it.value.as_str()).collect();
        annotations.insert(format!("{ALB}/certificate-arn"), arns.join(","));
        annotations.insert(format!("{ALB}/ssl-redirect"), "443".to_owned());
    }
    if let Some(resolved::Probe { action: resolved::ProbeAction::Http { path, port: probed }, .. }) = &service.readiness
        && match &probed.value {
            resolved::PortRef::Name(name) => *name == port.name.value,
            resolved::PortRef::Number(number) => *number == port.port.value,
        }
    {
        annotations.insert(format!("{ALB}/healthcheck-path"), path.clone());
    }
    annotations
}

/// An Ingress of one service's routes, grouped by host. With `regex` (nginx stripping the prefix), each
/// path is written as the expression `<prefix>(/|$)(.*)` whose second group the rewrite keeps.
fn ingress(
    service: &resolved::Service,
    routes: &[&RouteFact<'_>],
    regex: bool,
    class: &str,
    metadata: meta::ObjectMeta,
) -> networking::Ingress {
    let mut by_host: BTreeMap<Option<&str>, Vec<&RouteFact<'_>>> = BTreeMap::new();
    for route in routes {
        by_host.entry(route.host.map(|host| host.value.as_str())).or_default().push(route);
    }
    let backend = |route: &RouteFact<'_>| networking::IngressBackend {
        service: Some(networking::IngressServiceBackend {
            name: service.name.value.clone(),
            port: Some(networking::ServiceBackendPort {
                number: route.port.map(|port| i32::from(port.service_port.value)),
                name: None,
            }),
        }),
        resource: None,
    };
    let path = |route: &RouteFact<'_>| {
        if regex {
            (format!("{}(/|$)(.*)", route.path().trim_end_matches('/')), "ImplementationSpecific")
        } else {
            (route.path().to_owned(), "Prefix")
        }
    };
    let mut tls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for route in routes {
        if let (Some(config), Some(host)) = (route.tls, route.host) {
            let hosts = tls.entry(tls_secret(service, config)).or_default();
            if !hosts.contains(&host.value) {
                hosts.push(host.value.clone());
            }
        }
    }
    networking::Ingress {
        metadata,
        spec: Some(networking::IngressSpec {
            ingress_class_name: Some(class.to_owned()),
            rules: Some(
                by_host
                    .into_iter()
                    .map(|(host, routes)| networking::IngressRule {
                        host: host.map(str::to_owned),
                        http: Some(networking::HTTPIngressRuleValue {
                            paths: routes
                                .into_iter()
                                .map(|route| {
                                    let (path, path_type) = path(route);
                                    networking::HTTPIngressPath {
                                        path: Some(path),
                                        path_type: path_type.to_owned(),
                                        backend: backend(route),
                                    }
                                })
                                .collect(),
                        }),
                    })
                    .collect(),
            ),
            tls: (!tls.is_empty()).then(|| {
                tls.into_iter()
                    .map(|(secret, hosts)| networking::IngressTLS { hosts: Some(hosts), secret_name: Some(secret) })
                    .collect()
            }),
            ..networking::IngressSpec::default()
        }),
        ..networking::Ingress::default()
    }
}

/// The Kong plugins every route gets: (name, plugin, config).
fn global_plugins(gateway: &resolved::Gateway) -> Vec<(&'static str, &'static str, Value)> {
    if gateway.kind.value != GatewayKind::Kong {
        return Vec::new();
    }
    let mut plugins = Vec::new();
    if let Some(cors) = &gateway.cors {
        let list = |items: &Option<Vec<String>>| items.clone().unwrap_or_default();
        let mut config = json!({
            "origins": kong_origins(cors.origins.as_deref()),
            "credentials": cors.credentials.unwrap_or(false),
        });
        if cors.methods.is_some() {
            config["methods"] = json!(list(&cors.methods));
        }
        if cors.headers.is_some() {
            config["headers"] = json!(list(&cors.headers));
        }
        if cors.exposed_headers.is_some() {
            config["exposed_headers"] = json!(list(&cors.exposed_headers));
        }
        if let Some(max_age) = cors.max_age {
            config["max_age"] = json!(max_age);
        }
        plugins.push((GLOBAL_CORS, "cors", config));
    }
    if gateway.correlation_id {
        plugins.push((
            GLOBAL_CORRELATION_ID,
            "correlation-id",
            json!({ "header_name": "X-Request-ID", "generator": "uuid", "echo_downstream": true }),
        ));
    }
    if let Some(claim) = &gateway.jwt_key_claim {
        // Kong checks a token's signature, and its expiry only when told to.
        plugins.push((JWT_AUTH, "jwt", json!({ "key_claim_name": claim, "claims_to_verify": ["exp"] })));
    }
    plugins
}

/// CORS origins as Kong's plugin reads them: all (`*`, also when `*` is one of several, which Kong
/// would take for a broken expression), or each origin matching exactly itself.
fn kong_origins(origins: Option<&[String]>) -> Vec<String> {
    match origins {
        Some(origins) if !origins.iter().any(|origin| origin == "*") => {
            origins.iter().map(|it| kong_origin(it)).collect()
        }
        _ => vec!["*".to_owned()],
    }
}

/// Kong reads an origin holding anything but letters, digits and `.:/-` as a regular expression
/// (kong/plugins/cors/handler.lua), so such an origin is written as an anchored expression that matches
/// exactly it: every other character escaped, and a `*` standing for one DNS label, as in
/// `https://*.example.com`.
fn kong_origin(origin: &str) -> String {
    if origin.chars().all(|c| c.is_ascii_alphanumeric() || ".:/-".contains(c)) {
        return origin.to_owned();
    }
    let mut pattern = String::from("^");
    for c in origin.chars() {
        match c {
            '*' => pattern.push_str("[A-Za-z0-9-]+"),
            c if "\\^$.|?+()[]{}".contains(c) => {
                pattern.push('\\');
                pattern.push(c);
            }
            c => pattern.push(c),
        }
    }
    pattern.push('$');
    pattern
}

/// The gateway-wide Kong plugins, in every namespace that has routed services (a KongPlugin is found
/// only in the namespace of the Ingress that names it), and the KongConsumers whose JWT credentials the
/// jwt plugin accepts.
pub(super) fn render_shared(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    let Some(gateway) = &env.gateway else { return };
    if gateway.kind.value == GatewayKind::Kong
        && gateway.jwt_key_claim.is_some()
        && let Some(namespace) = env.gateway_namespace()
    {
        for (consumer, secret) in &gateway.jwt_consumers {
            let mut annotations = labels::custom_resource_annotations();
            // KIC takes a consumer without a class only when `kong` is the cluster's default class, which
            // the chart does not make it.
            annotations.insert("kubernetes.io/ingress.class".to_owned(), "kong".to_owned());
            let metadata = meta::ObjectMeta {
                name: Some(consumer.value.clone()),
                namespace: Some(namespace.to_owned()),
                labels: Some(labels::common(env, super::GATEWAY, None)),
                annotations: Some(annotations),
                ..meta::ObjectMeta::default()
            };
            out.push(Manifest::new(
                format!(
                    "{}/{}/kongconsumer-{namespace}-{}.yaml",
                    env.name.value,
                    super::secrets::CONSUMERS,
                    consumer.value
                ),
                "gateway".to_owned(),
                json!({
                    "apiVersion": KONG_API,
                    "kind": "KongConsumer",
                    "metadata": to_value(&metadata),
                    "username": consumer.value,
                    "credentials": [secret.value],
                }),
            ));
        }
    }
    let namespaces: BTreeSet<&str> =
        facts.served_routes().map(|route| route.service.namespace.value.as_str()).collect();
    for (name, plugin, config) in global_plugins(gateway) {
        for namespace in &namespaces {
            let metadata = meta::ObjectMeta {
                name: Some(name.to_owned()),
                namespace: Some((*namespace).to_owned()),
                labels: Some(labels::common(env, super::GATEWAY, None)),
                annotations: Some(labels::custom_resource_annotations()),
                ..meta::ObjectMeta::default()
            };
            out.push(Manifest::new(
                format!("{}/{}/kongplugin-{namespace}-{name}.yaml", env.name.value, super::GATEWAY),
                "gateway".to_owned(),
                json!({ "apiVersion": KONG_API, "kind": "KongPlugin", "metadata": to_value(&metadata), "plugin": plugin, "config": config }),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{annotation, kong_origin, kong_origins};

    /// Every annotation name written is the one upstream defines at the pinned version, as extracted
    /// into the catalog with its file and line.
    #[test]
    fn annotation_names_are_the_ones_upstream_defines() {
        let catalog: serde_json::Value =
            serde_json::from_str(include_str!("../../catalog/gateways/annotations.json")).unwrap();
        let name = |project: &str, key: &str| {
            catalog[project]["names"][key]["value"].as_str().unwrap_or_else(|| panic!("{project} {key}")).to_owned()
        };
        let kong = |key: &str| {
            format!(
                "{}{}",
                name("Kong/kubernetes-ingress-controller", "prefix"),
                name("Kong/kubernetes-ingress-controller", key)
            )
        };
        let nginx = |key: &str| {
            format!("{}/{}", name("kubernetes/ingress-nginx", "prefix"), name("kubernetes/ingress-nginx", key))
        };
        assert_eq!(annotation::KONG_STRIP_PATH, kong("strip-path"));
        assert_eq!(annotation::KONG_PROTOCOL, kong("protocol"));
        assert_eq!(annotation::KONG_PROTOCOLS, kong("protocols"));
        assert_eq!(annotation::KONG_READ_TIMEOUT, kong("read-timeout"));
        assert_eq!(annotation::KONG_WRITE_TIMEOUT, kong("write-timeout"));
        assert_eq!(annotation::KONG_HTTPS_REDIRECT, kong("https-redirect-status-code"));
        assert_eq!(annotation::NGINX_SSL_REDIRECT, nginx("ssl-redirect"));
        assert_eq!(annotation::NGINX_REWRITE_TARGET, nginx("rewrite-target"));
        assert_eq!(annotation::NGINX_USE_REGEX, nginx("use-regex"));
        assert_eq!(annotation::NGINX_BACKEND_PROTOCOL, nginx("backend-protocol"));
        assert_eq!(annotation::NGINX_READ_TIMEOUT, nginx("proxy-read-timeout"));
        assert_eq!(annotation::NGINX_SEND_TIMEOUT, nginx("proxy-send-timeout"));
        assert_eq!(annotation::CERT_MANAGER_ISSUER, name("cert-manager/cert-manager", "issuer"));
        assert_eq!(annotation::CERT_MANAGER_CLUSTER_ISSUER, name("cert-manager/cert-manager", "cluster-issuer"));
    }

    #[test]
    fn cors_origins_match_only_what_they_say() {
        assert_eq!(kong_origin("https://app.example.com"), "https://app.example.com");
        assert_eq!(kong_origin("http://localhost:3000"), "http://localhost:3000");
        // Kong would read these as regular expressions: `.` any character, `|` an alternative.
        assert_eq!(kong_origin("https://app_1.example.com"), "^https://app_1\\.example\\.com$");
        assert_eq!(kong_origin("https://a.com|https://evil.com"), "^https://a\\.com\\|https://evil\\.com$");
        assert_eq!(kong_origin("https://*.example.com"), "^https://[A-Za-z0-9-]+\\.example\\.com$");
        let origins = |list: &[&str]| list.iter().map(|it| (*it).to_owned()).collect::<Vec<_>>();
        assert_eq!(kong_origins(None), ["*"]);
        assert_eq!(kong_origins(Some(&origins(&["https://a.com", "*"]))), ["*"]);
    }
}
