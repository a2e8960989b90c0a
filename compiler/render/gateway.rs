//! Gateway: takes the environment's `[gateway]` and the services' `routes`, gives what routes traffic:
//! for Kong an Ingress and a rate-limiting KongPlugin per routed service plus the gateway-wide plugins
//! (CORS, correlation ID, JWT) in each namespace with routes; for Traefik an IngressRoute per service;
//! for nginx a plain Ingress per service.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde_json::{Value, json};

use super::{Manifest, Out, labels, workload::to_value};
use crate::resolved::{self, GatewayKind};

const KONG_API: &str = "configuration.konghq.com/v1";
const TRAEFIK_API: &str = "traefik.io/v1alpha1";
const GLOBAL_CORS: &str = "global-cors";
const GLOBAL_CORRELATION_ID: &str = "global-correlation-id";
const JWT_AUTH: &str = "jwt-auth";

/// The objects of one routed service, into its own directory.
pub(super) fn render_service(env: &resolved::Env, service: &resolved::Service, out: &mut Out<'_>) {
    let Some(gateway) = &env.gateway else { return };
    if service.routes.is_empty() {
        return;
    }
    let Some(port) = service.ports.first() else { return };
    let directory = format!("{}/services/{}", env.name.value, service.name.value);
    let origin = format!("services.{}", service.name.value);
    let labels = labels::common(env, &service.name, service.image_tag());
    let rate_limit = service.rate_limit.or(gateway.rate_limit);
    let metadata = |name: String, annotations: BTreeMap<String, String>| meta::ObjectMeta {
        name: Some(name),
        namespace: Some(service.namespace.value.clone()),
        labels: Some(labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        ..meta::ObjectMeta::default()
    };
    let path = |kind: &str, name: &str| format!("{directory}/{}-{name}.yaml", kind.to_ascii_lowercase());
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
            let mut annotations = BTreeMap::from([("konghq.com/strip-path".to_owned(), "false".to_owned())]);
            if !plugins.is_empty() {
                annotations.insert("konghq.com/plugins".to_owned(), plugins.join(","));
            }
            let ingress = ingress(
                env,
                service,
                port.service_port.value,
                "kong",
                metadata(service.name.value.clone(), annotations),
            );
            out.push(Manifest::new(path("Ingress", &service.name), origin.clone(), ingress));
        }
        GatewayKind::Nginx => {
            let mut annotations = BTreeMap::new();
            if let Some(per_minute) = rate_limit {
                annotations.insert("nginx.ingress.kubernetes.io/limit-rpm".to_owned(), per_minute.to_string());
            }
            let ingress = ingress(
                env,
                service,
                port.service_port.value,
                "nginx",
                metadata(service.name.value.clone(), annotations),
            );
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
            let mut by_host: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for route in &service.routes {
                let host = env.route_host(route).map_or("", |host| host.value.as_str());
                by_host.entry(host).or_default().push(&route.path.value);
            }
            let routes: Vec<Value> = by_host
                .into_iter()
                .map(|(host, paths)| {
                    let paths: Vec<String> = paths.iter().map(|path| format!("PathPrefix(`{path}`)")).collect();
                    let mut rule = paths.join(" || ");
                    if !host.is_empty() {
                        rule = format!("Host(`{host}`) && ({rule})");
                    }
                    let mut route = json!({
                        "kind": "Rule",
                        "match": rule,
                        "services": [{ "name": service.name.value, "port": port.service_port.value }],
                    });
                    if !middlewares.is_empty() {
                        route["middlewares"] = json!(middlewares);
                    }
                    route
                })
                .collect();
            let route = json!({
                "apiVersion": TRAEFIK_API,
                "kind": "IngressRoute",
                "metadata": to_value(&metadata(service.name.value.clone(), labels::custom_resource_annotations())),
                "spec": { "entryPoints": ["web", "websecure"], "routes": routes },
            });
            out.push(Manifest::new(path("IngressRoute", &service.name), origin.clone(), route));
        }
    }
}

fn ingress(
    env: &resolved::Env,
    service: &resolved::Service,
    port: u16,
    class: &str,
    metadata: meta::ObjectMeta,
) -> networking::Ingress {
    let mut by_host: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
    for route in &service.routes {
        let host = env.route_host(route).map(|host| host.value.as_str());
        by_host.entry(host).or_default().push(&route.path.value);
    }
    let backend = networking::IngressBackend {
        service: Some(networking::IngressServiceBackend {
            name: service.name.value.clone(),
            port: Some(networking::ServiceBackendPort { number: Some(i32::from(port)), name: None }),
        }),
        resource: None,
    };
    networking::Ingress {
        metadata,
        spec: Some(networking::IngressSpec {
            ingress_class_name: Some(class.to_owned()),
            rules: Some(
                by_host
                    .into_iter()
                    .map(|(host, paths)| networking::IngressRule {
                        host: host.map(str::to_owned),
                        http: Some(networking::HTTPIngressRuleValue {
                            paths: paths
                                .into_iter()
                                .map(|path| networking::HTTPIngressPath {
                                    path: Some(path.to_owned()),
                                    path_type: "Prefix".to_owned(),
                                    backend: backend.clone(),
                                })
                                .collect(),
                        }),
                    })
                    .collect(),
            ),
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
pub(super) fn render_shared(env: &resolved::Env, out: &mut Out<'_>) {
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
                labels: Some(labels::common(env, "gateway", None)),
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
    let namespaces: BTreeSet<&str> = env
        .services
        .values()
        .filter(|service| !service.routes.is_empty())
        .map(|service| service.namespace.value.as_str())
        .collect();
    for (name, plugin, config) in global_plugins(gateway) {
        for namespace in &namespaces {
            let metadata = meta::ObjectMeta {
                name: Some(name.to_owned()),
                namespace: Some((*namespace).to_owned()),
                labels: Some(labels::common(env, "gateway", None)),
                annotations: Some(labels::custom_resource_annotations()),
                ..meta::ObjectMeta::default()
            };
            out.push(Manifest::new(format!("{}/gateway/kongplugin-{namespace}-{name}.yaml", env.name.value), "gateway".to_owned(), json!({ "apiVersion": KONG_API, "kind": "KongPlugin", "metadata": to_value(&metadata), "plugin": plugin, "config": config })));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{kong_origin, kong_origins};

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
