//! Components against their charts: takes an environment, gives what its components ask of their pinned
//! charts that the charts would not do: a chart version whose contract is unknown, values the chart would
//! generate on every render, replicas of a fixed-size chart, a MetalLB without addresses, a mesh whose
//! init container the namespaces refuse, and a JWT gateway nobody can pass.

use crate::catalog::{self, KindInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolved::{self, ComponentKind};

/// Keys a Kong JWT credential needs (KIC 3.0 reads these; `secret` is for HMAC algorithms only).
const JWT_CREDENTIAL_KEYS: [&str; 3] = ["key", "algorithm", "rsa_public_key"];

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for component in env.components.values().filter(|it| it.external.is_none()) {
        let info = catalog::kind_info(component.kind.value);
        version(component, &info, diagnostics);
        generated(env, component, &info, diagnostics);
        replicas(component, &info, diagnostics);
        incomplete(env, component, diagnostics);
        arangodb(env, component, diagnostics);
    }
    for component in env.components.values() {
        not_read(component, diagnostics);
    }
    mesh(env, diagnostics);
    jwt(env, diagnostics);
}

fn version(component: &resolved::Component, info: &KindInfo, diagnostics: &mut Vec<Diagnostic>) {
    let Some(version) = &component.chart.version else { return };
    if component.kind.value == ComponentKind::Helm
        || !super::policy::is_exact_version(version)
        || info.versions.contains(&version.value.as_str())
    {
        return;
    }
    let known: Vec<String> = info.versions.iter().map(|it| format!("`{it}`")).collect();
    diagnostics.push(
        Diagnostic::error(
            Code::UnknownChartVersion,
            format!(
                "chart `{}` {} of component `{}` is not one Slipway has read",
                info.chart_name, version.value, component.name.value
            ),
        )
        .with_label(version.span, "where its values go, its pods and its images are unknown for this version")
        .with_secondary(component.kind.span, format!("kind `{}`", component.kind.value.as_str()))
        .with_help(format!(
            "pin {} {}, or use `kind = \"helm\"` with the whole chart and write its values yourself",
            if known.len() == 1 { "the version the catalog knows," } else { "a version the catalog knows:" },
            known.join(", ")
        )),
    );
}

/// Every value the chart would generate is read from the credentials secret: the credentials themselves,
/// and the chart's other generated values, each from a key of its own.
fn generated(env: &resolved::Env, component: &resolved::Component, info: &KindInfo, diagnostics: &mut Vec<Diagnostic>) {
    if info.credentials.is_none() || component.kind.value == ComponentKind::Helm {
        return;
    }
    let Some(credentials) = &component.credentials else {
        let mut needed = vec!["a password".to_owned()];
        needed.extend(info.generated.iter().map(|it| it.what.to_owned()));
        diagnostics.push(
            Diagnostic::error(
                Code::UnpinnedGeneratedValue,
                format!("component `{}` has no `credentials`", component.name.value),
            )
            .with_label(component.name.span, format!("its chart would generate {} on every render", needed.join(" and ")))
            .with_note("ArgoCD renders the chart on every refresh: the Application would never be in sync, and its pods would restart")
            .with_help(help_keys(component, info)),
        );
        return;
    };
    if let Some(fixed) = info.credentials_key
        && credentials.value.key.value != fixed
    {
        diagnostics.push(
            Diagnostic::error(
                Code::UnpinnedGeneratedValue,
                format!("the {} chart reads its credentials from the key `{fixed}`", info.chart_name),
            )
            .with_label(
                credentials.value.key.span,
                format!("the chart cannot be told to read `{}`", credentials.value.key.value),
            )
            .with_help(format!("name the key `{fixed}` in the secret and here")),
        );
    }
    let Some(secret) = env.secrets.get(credentials.value.secret.value.as_str()) else { return };
    let mut missing = catalog::credential_keys(component);
    missing.retain(|(key, _)| !secret.keys.iter().any(|declared| declared.value == *key));
    if !missing.is_empty() {
        let keys: Vec<String> = missing.iter().map(|(key, _)| format!("\"{key}\"")).collect();
        let what: Vec<String> = missing.into_iter().map(|(_, what)| what).collect();
        diagnostics.push(
            Diagnostic::error(
                Code::UnpinnedGeneratedValue,
                format!("component `{}` needs {} from its credentials secret", component.name.value, what.join(", ")),
            )
            .with_label(credentials.value.secret.span, "this secret does not declare them")
            .with_secondary(secret.name.span, "secret declared here")
            .with_note(
                "without them the chart generates them on every render: the Application never syncs, its pods restart",
            )
            .with_help(format!(
                "add {} to the `keys` of `[secrets.{}]`",
                keys.join(", "),
                secret.name.value
            )),
        );
    }
}

fn help_keys(component: &resolved::Component, info: &KindInfo) -> String {
    let mut keys: Vec<String> = info.credentials_key.map(|it| format!("\"{it}\"")).into_iter().collect();
    keys.extend(info.generated.iter().map(|it| format!("\"{}\"", it.key)));
    let key = info.credentials_key.unwrap_or("password");
    let mut help = format!(
        "add `credentials = {{ secret = \"{name}-secret\", key = \"{key}\" }}` and declare that secret",
        name = component.name.value
    );
    if !keys.is_empty() {
        help = format!("{help} with the keys {}", keys.join(", "));
    }
    help
}

fn replicas(component: &resolved::Component, info: &KindInfo, diagnostics: &mut Vec<Diagnostic>) {
    let Some(span) = component.replicas_span else { return };
    if info.takes_replicas(component.kind.value) || component.replicas == 1 {
        return;
    }
    let runs = if info.per_node { "one pod per node" } else { "one pod" };
    diagnostics.push(
        Diagnostic::error(
            Code::FixedPodCount,
            format!("the {} chart runs {runs}, whatever `replicas` says", info.chart_name),
        )
        .with_label(span, "these pods would be counted in the budget but never run")
        .with_help("remove `replicas`"),
    );
}

fn incomplete(env: &resolved::Env, component: &resolved::Component, diagnostics: &mut Vec<Diagnostic>) {
    if component.kind.value == ComponentKind::Keycloak && catalog::database_of(component, env).is_none() {
        diagnostics.push(
            Diagnostic::error(
                Code::IncompleteComponent,
                format!("Keycloak component `{}` uses no PostgreSQL component", component.name.value),
            )
            .with_label(component.name.span, "its chart would run a PostgreSQL of its own, which the budget does not count")
            .with_help("declare a `postgresql` component and add it to `uses`; set the database, user and password secret in `values.externalDatabase`"),
        );
    }
    // A plain manifest may hold the pool instead (`manifests/<dir>/*.yaml`), in MetalLB's namespace.
    let plain_pool = env.manifests.iter().any(|plain| {
        plain.object["kind"] == "IPAddressPool"
            && plain.object["apiVersion"].as_str().is_some_and(|it| it.starts_with("metallb.io/"))
            && plain.object["metadata"]["namespace"] == component.namespace.value.as_str()
    });
    if component.kind.value == ComponentKind::Metallb && component.addresses.is_empty() && !plain_pool {
        diagnostics.push(
            Diagnostic::error(
                Code::IncompleteComponent,
                format!("MetalLB component `{}` has no addresses to hand out", component.name.value),
            )
            .with_label(component.name.span, "without an IPAddressPool, MetalLB announces nothing")
            .with_help("add `addresses = [\"192.168.1.240-192.168.1.250\"]` (ranges or CIDRs of your network), or an IPAddressPool in its namespace as a plain manifest"),
        );
    }
    for address in &component.addresses {
        if !is_address_range(&address.value) {
            diagnostics.push(
                Diagnostic::error(Code::IncompleteComponent, format!("`{}` is not an address range", address.value))
                    .with_label(address.span, "expected a CIDR or a range `first-last`")
                    .with_help("write `10.0.0.0/28` or `192.168.1.240-192.168.1.250`"),
            );
        }
    }
    if component.kind.value != ComponentKind::Metallb && !component.addresses.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::IncompleteComponent,
                format!(
                    "`addresses` is for MetalLB; component `{}` is a {}",
                    component.name.value,
                    component.kind.value.as_str()
                ),
            )
            .with_label(component.addresses[0].span, "nothing would use these")
            .with_help("remove `addresses`"),
        );
    }
}

/// A `node_port` on a kind whose chart's Service takes none, and `aws` on any kind but the AWS Load
/// Balancer Controller: settings nothing would read (C006). The controller without its cluster's name
/// is a chart that refuses to render (C004).
fn not_read(component: &resolved::Component, diagnostics: &mut Vec<Diagnostic>) {
    let kind = component.kind.value;
    let external = component.external.is_some();
    if let Some(node_port) = &component.node_port
        && (external || catalog::kind_info(kind).service_node_port.is_none())
    {
        let why = if external {
            "an external component has no Service of its own to open".to_owned()
        } else {
            format!("the {} chart's Service takes no NodePort from Slipway", kind.as_str())
        };
        diagnostics.push(
            Diagnostic::error(
                Code::ComponentSettingNotRead,
                format!("`node_port` of component `{}` would open nothing", component.name.value),
            )
            .with_label(node_port.span, why)
            .with_secondary(component.kind.span, format!("kind `{}`", kind.as_str()))
            .with_help("remove `node_port` (only `grafana` takes one), or set the chart's Service in `values`"),
        );
    }
    let is_controller = kind == ComponentKind::AwsLoadBalancerController && !external;
    let aws_span = component.aws.as_ref().and_then(|aws| {
        [&aws.cluster_name, &aws.region, &aws.vpc_id, &aws.role_arn].into_iter().flatten().next().map(|it| it.span)
    });
    if let Some(span) = aws_span.filter(|_| !is_controller) {
        diagnostics.push(
            Diagnostic::error(
                Code::ComponentSettingNotRead,
                format!("`aws` of component `{}` would configure nothing", component.name.value),
            )
            .with_label(span, "only the `aws-load-balancer-controller` kind reads `aws`")
            .with_secondary(component.kind.span, format!("kind `{}`", kind.as_str()))
            .with_help("remove `aws`"),
        );
    }
    if is_controller && component.aws.as_ref().and_then(|aws| aws.cluster_name.as_ref()).is_none() {
        diagnostics.push(
            Diagnostic::error(
                Code::IncompleteComponent,
                format!("AWS Load Balancer Controller `{}` does not name its cluster", component.name.value),
            )
            .with_label(component.name.span, "its chart refuses to render without `clusterName`")
            .with_help("add `aws = { cluster_name = \"...\" }`, with `region`, `vpc_id` and `role_arn` (IRSA)"),
        );
    }
}

/// `10.0.0.0/28`, `fc00::/120`: an address block.
pub(super) fn is_cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else { return false };
    match address.parse::<std::net::IpAddr>() {
        Ok(ip) => bits.parse::<u8>().is_ok_and(|bits| bits <= if ip.is_ipv4() { 32 } else { 128 }),
        Err(_) => false,
    }
}

/// `10.0.0.0/28`, `192.168.1.240-192.168.1.250`, `fc00::/120`: what an IPAddressPool takes.
fn is_address_range(text: &str) -> bool {
    if text.contains('/') {
        return is_cidr(text);
    }
    let Some((first, last)) = text.split_once('-') else { return false };
    match (first.trim().parse::<std::net::IpAddr>(), last.trim().parse::<std::net::IpAddr>()) {
        (Ok(first), Ok(last)) => first.is_ipv4() == last.is_ipv4() && first <= last,
        _ => false,
    }
}

/// linkerd-init needs NET_ADMIN and NET_RAW, which "restricted" and "baseline" refuse, unless linkerd-cni
/// does its work.
fn mesh(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    if env.mesh != resolved::Mesh::Linkerd || env.mesh_cni {
        return;
    }
    let mut refused: Vec<&str> = env
        .services
        .values()
        .map(|service| service.namespace.value.as_str())
        .filter(|namespace| {
            env.namespaces
                .get(*namespace)
                .and_then(|(_, settings)| settings.pod_security.as_ref())
                .is_none_or(|level| level.value != crate::model::PodSecurity::Privileged)
        })
        .collect();
    refused.sort_unstable();
    refused.dedup();
    if refused.is_empty() {
        return;
    }
    let namespaces: Vec<String> = refused.iter().map(|it| format!("`{it}`")).collect();
    let span = env.mesh_span.unwrap_or(env.platform.name.span);
    diagnostics.push(
        Diagnostic::error(
            Code::MeshNeedsCapabilities,
            format!("Pod Security would reject every meshed pod in {}", namespaces.join(", ")),
        )
        .with_label(span, "linkerd-init needs NET_ADMIN and NET_RAW, which \"restricted\" refuses")
        .with_help("install linkerd-cni and set `[platform] mesh_cni = true`, or give these namespaces `pod_security = \"privileged\"` with a `reason`"),
    );
}

fn jwt(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let Some(gateway) = &env.gateway else { return };
    if gateway.jwt_key_claim.is_none() {
        return;
    }
    if gateway.jwt_consumers.is_empty() {
        diagnostics.push(
            Diagnostic::error(Code::JwtWithoutConsumer, "the gateway requires a JWT on every route, but no consumer can present one")
                .with_label(gateway.kind.span, "Kong's jwt plugin accepts only tokens of a KongConsumer's credential: every call would get 401")
                .with_help("add `consumers = [{ name = \"...\", secret = \"...\" }]` to `jwt`, the secret declaring `key`, `algorithm` and `rsa_public_key`"),
        );
    }
    for (consumer, secret) in &gateway.jwt_consumers {
        let Some(declared) = env.secrets.get(secret.value.as_str()) else {
            diagnostics.push(
                Diagnostic::error(Code::UndeclaredSecret, format!("secret `{}` is not declared", secret.value))
                    .with_label(secret.span, "not declared in [secrets]")
                    .with_help(format!(
                        "declare it: `[secrets.{}]` with the keys `key`, `algorithm` and `rsa_public_key`",
                        secret.value
                    )),
            );
            continue;
        };
        let missing = declared.lacks(JWT_CREDENTIAL_KEYS);
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|it| format!("\"{it}\"")).collect();
            diagnostics.push(
                Diagnostic::error(
                    Code::JwtWithoutConsumer,
                    format!("the JWT credential of consumer `{}` lacks {}", consumer.value, list.join(", ")),
                )
                .with_label(secret.span, "Kong cannot verify tokens without them")
                .with_secondary(declared.name.span, "secret declared here")
                .with_help(format!(
                    "add {} to the `keys` of `[secrets.{}]`",
                    list.join(", "),
                    declared.name.value
                )),
            );
        }
    }
}

/// ArangoDB's root password comes from its credentials secret, which the operator reads by the keys
/// `username` and `password`.
fn arangodb(env: &resolved::Env, component: &resolved::Component, diagnostics: &mut Vec<Diagnostic>) {
    if component.kind.value != ComponentKind::Arangodb {
        return;
    }
    let password = catalog::kind_info(component.kind.value).credentials_key.unwrap_or_default();
    let Some(credentials) = &component.credentials else {
        diagnostics.push(
            Diagnostic::error(
                Code::ArangodbWithoutRootPassword,
                format!("ArangoDB component `{}` has no `credentials`", component.name.value),
            )
            .with_label(component.name.span, "its root user would have an empty password (the operator's default `None`)")
            .with_help(format!(
                "add `credentials = {{ secret = \"{}-root\", key = \"password\" }}` and declare that secret with the keys \"username\", \"password\"",
                component.name.value
            )),
        );
        return;
    };
    if credentials.value.key.value != password {
        diagnostics.push(
            Diagnostic::error(
                Code::ArangodbRootSecretKeys,
                format!("kube-arangodb reads the root password from the key `{password}`"),
            )
            .with_label(
                credentials.value.key.span,
                format!("the operator cannot be told to read `{}`", credentials.value.key.value),
            )
            .with_help(format!("name the key `{password}` in the secret and here")),
        );
    }
    let Some(secret) = env.secrets.get(credentials.value.secret.value.as_str()) else { return };
    let missing: Vec<String> = secret
        .lacks(catalog::fixed_credential_keys(component.kind.value).iter().copied())
        .into_iter()
        .map(|key| format!("\"{key}\""))
        .collect();
    if !missing.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::ArangodbRootSecretKeys,
                format!(
                    "the root secret of ArangoDB component `{}` lacks {}",
                    component.name.value,
                    missing.join(" and ")
                ),
            )
            .with_label(credentials.value.secret.span, "the operator reads `username` and `password` from this secret")
            .with_secondary(secret.name.span, "secret declared here")
            .with_help(format!(
                "add {} to the `keys` of `[secrets.{}]`",
                missing.join(", "),
                secret.name.value
            )),
        );
    }
}
