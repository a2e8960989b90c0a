//! The environment summary: takes a `resolved::Env`, gives `out/<env>/README.md`, which GitHub renders
//! for reviewers: the budget table and, when the platform keeps one, the port registry.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analysis::Facts;
use crate::budget;
use crate::resolved;
use crate::source::Spanned;

/// ArgoCD has had no health check for Applications since 1.8, so sync waves order the creation of child
/// Applications but do not wait for them to be healthy. This restores it (CHECKLIST section 4).
const HEALTH_CHECK: &str = r#"Sync waves order the child Applications: namespaces, then the operators that deliver secrets, then
the secrets, then the other components (data stores before the gateway and identity provider), then
services. ArgoCD waits for a wave to be healthy only if it can judge an
Application's health, which it cannot by default since 1.8. Add this to `argocd-cm` once per ArgoCD:

```sh
kubectl -n argocd patch configmap argocd-cm --type merge -p "$(cat <<'EOF'
data:
  resource.customizations.health.argoproj.io_Application: |
    hs = {}
    hs.status = "Progressing"
    hs.message = ""
    if obj.status ~= nil and obj.status.health ~= nil then
      hs.status = obj.status.health.status
      if obj.status.health.message ~= nil then
        hs.message = obj.status.health.message
      end
    end
    return hs
EOF
)"
```

Even then, ArgoCD may act on a stale status right after an update (argo-cd issues #4577, #6411); the
services must tolerate a dependency that is not ready yet, and retry.

"#;

/// The Markdown text of the summary, without its generated header.
pub fn summary(facts: &Facts<'_>) -> String {
    let env = facts.env;
    let mut text = String::new();
    let _ = writeln!(text, "# `{}` environment of `{}`\n", env.name.value, env.platform.name.value);
    let _ = writeln!(
        text,
        "Bootstrap it once with `kubectl apply -n {} -f {}{}/root.yaml`; ArgoCD syncs the rest from `{}`.\n",
        env.argocd.namespace.value,
        if env.platform.path.is_empty() { String::new() } else { format!("{}/", env.platform.path) },
        env.name.value,
        env.platform.repo
    );
    text.push_str(HEALTH_CHECK);
    if let Some(cluster) = &env.cluster.name {
        let _ = writeln!(
            text,
            "This environment runs on the shared cluster `{0}`. Its cluster-wide components ({1}) are rendered \
             once for the cluster, into `clusters/{0}/`, and the budget that the checks hold to the nodes is the \
             cluster's, over every environment on it: see `clusters/{0}/README.md`. The table below is this \
             environment's share, with the cluster-wide components as it declares them.\n",
            cluster.value,
            {
                let shared: Vec<String> =
                    env.components.values().filter(|it| it.shared).map(|it| format!("`{}`", it.name.value)).collect();
                if shared.is_empty() { "none".to_owned() } else { shared.join(", ") }
            }
        );
    }
    text.push_str("## Budget\n\n");
    text.push_str("Every pod at its highest replica count, the surge of a rolling update of the largest Deployment, and ArgoCD where it runs in this cluster.\n\n");
    text.push_str(&budget::table(env, &facts.budget));
    text.push_str(&routes(facts));
    text.push_str(&prerequisites(facts));
    text.push_str("\n## Dependencies\n\n");
    text.push_str(&mermaid_of(env, &facts.graph));
    if env.platform.port_registry {
        text.push_str("\n## Port registry\n\n| port | service | name | protocol |\n|---:|---|---|---|\n");
        for (port, service, name, protocol) in registry(facts) {
            let _ = writeln!(text, "| {port} | {service} | {name} | {protocol} |");
        }
    }
    text
}

/// The Markdown text of a shared cluster's summary (`clusters/<name>/README.md`): what it holds, how to
/// bootstrap it, and its budget over every environment placed on it.
pub fn cluster_summary(cluster: &crate::analysis::ClusterFacts<'_>) -> String {
    let tree = cluster.tree.env;
    let mut text = String::new();
    let _ = writeln!(text, "# Shared cluster `{}` of `{}`\n", tree.name.value, tree.platform.name.value);
    let members: Vec<String> = cluster.members.iter().map(|it| format!("`{}`", it.name.value)).collect();
    let components: Vec<String> = tree.components.keys().map(|it| format!("`{it}`")).collect();
    let _ = writeln!(
        text,
        "Environments on it: {}. Its cluster-wide components, rendered here once for all of them: {}.\n",
        members.join(", "),
        if components.is_empty() { "none".to_owned() } else { components.join(", ") }
    );
    let _ = writeln!(
        text,
        "Bootstrap it once, before its environments, with `kubectl apply -n {} -f {}/{}/root.yaml`.\n",
        tree.argocd.namespace.value, tree.platform.path, tree.name.value,
    );
    text.push_str("## Budget\n\n");
    text.push_str(
        "Every pod of every environment on the cluster at its highest replica count (`<environment>/<name>`), \
         the surge of a rolling update of each environment's largest Deployment, the cluster-wide components \
         once, and ArgoCD where it runs in this cluster.\n\n",
    );
    text.push_str(&budget::table(tree, &cluster.budget));
    text
}

/// Secrets by backend, and what the cluster must have before ArgoCD syncs: existing secrets, secret
/// stores, and the custom resource definitions the output uses that no declared component installs.
fn prerequisites(facts: &Facts<'_>) -> String {
    let env = facts.env;
    let used_in = &facts.secret_namespaces;
    let mut text = String::from("\n## Secrets\n\n| secret | backend | keys | namespaces |\n|---|---|---|---|\n");
    for secret in env.secrets.values() {
        let backend = match secret.backend.value {
            resolved::Backend::ExternalSecrets => {
                format!("external-secrets (`{}`)", secret.store.as_ref().map_or("", |it| it.value.as_str()))
            }
            resolved::Backend::AwsSecretsManager => "aws-secrets-manager".to_owned(),
            resolved::Backend::SealedSecrets => "sealed-secrets".to_owned(),
            resolved::Backend::Existing => "existing (a prerequisite)".to_owned(),
        };
        let keys: Vec<String> = secret.keys.iter().map(|key| format!("`{}`", key.value)).collect();
        let namespaces: Vec<String> = used_in
            .get(secret.name.value.as_str())
            .map(|namespaces| namespaces.iter().map(|it| format!("`{it}`")).collect())
            .unwrap_or_default();
        let _ =
            writeln!(text, "| `{}` | {backend} | {} | {} |", secret.name.value, keys.join(", "), namespaces.join(", "));
    }
    let mut needs: Vec<String> = Vec::new();
    for secret in env.secrets.values().filter(|it| it.backend.value == resolved::Backend::Existing) {
        if let Some(namespaces) = used_in.get(secret.name.value.as_str()) {
            for namespace in namespaces {
                needs.push(format!("the Secret `{}` in `{namespace}`", secret.name.value));
            }
        }
    }
    if env.cluster.server != crate::resolve::DEFAULT_SERVER {
        needs.push(format!(
            "the cluster `{}` registered in ArgoCD (a Secret labelled `argocd.argoproj.io/secret-type: cluster`)",
            env.cluster.server
        ));
    }
    for component in env.components.values() {
        if let Some(external) = &component.external {
            let at = if external.named {
                let ports: Vec<String> =
                    external.ports.iter().map(|it| format!("{} ({})", it.port.value, it.name.value)).collect();
                format!("`{}` on ports {}", external.host.value, ports.join(", "))
            } else {
                format!("`{}:{}`", external.host.value, external.port.value)
            };
            needs.push(format!("`{}` outside the cluster, at {at}, reachable from it", component.name.value));
        }
    }
    for (name, kind) in &env.secret_stores {
        // Its CRD comes with the external-secrets operator: when that is a component here, the store is
        // created between the operator's wave and the secrets' (the `secrets` Application retries).
        let when = if env.components.values().any(|it| it.kind.value == resolved::ComponentKind::ExternalSecrets) {
            ", once the `external-secrets` Application is healthy (the `secrets` Application retries until it exists)"
        } else {
            ""
        };
        needs.push(format!("the {:?} `{name}` (external-secrets){when}", kind.value));
    }
    let remote_values: Vec<String> = env
        .secrets
        .values()
        .filter(|it| {
            matches!(it.backend.value, resolved::Backend::ExternalSecrets | resolved::Backend::AwsSecretsManager)
        })
        .filter(|it| used_in.contains_key(it.name.value.as_str()))
        .flat_map(|it| &it.objects)
        .map(|it| format!("`{}`", it.remote))
        .collect();
    if !remote_values.is_empty() {
        needs.push(format!(
            "the remote secrets, with every declared key, in the secret stores: {}",
            remote_values.join(", ")
        ));
    }
    let kinds = [
        (
            resolved::Backend::ExternalSecrets,
            resolved::ComponentKind::ExternalSecrets,
            "the external-secrets operator, 0.16.0 or later (it must serve `external-secrets.io/v1`), and its CRDs",
        ),
        (
            resolved::Backend::AwsSecretsManager,
            resolved::ComponentKind::SecretsStoreCsi,
            "the secrets-store CSI driver, with `syncSecret.enabled=true`, and its AWS provider",
        ),
        (
            resolved::Backend::SealedSecrets,
            resolved::ComponentKind::SealedSecrets,
            "the sealed-secrets controller and its CRD",
        ),
    ];
    for (backend, kind, what) in kinds {
        let used = env
            .secrets
            .values()
            .any(|secret| secret.backend.value == backend && used_in.contains_key(secret.name.value.as_str()));
        let installed = env.components.values().any(|component| component.kind.value == kind);
        if used && !installed {
            needs.push(what.to_owned());
        }
    }
    let labelled_by_slipway = [resolved::Backend::ExternalSecrets, resolved::Backend::AwsSecretsManager];
    for secret in env.secrets.values().filter(|it| !labelled_by_slipway.contains(&it.backend.value)) {
        if !super::secrets::secret_labels(env, secret).is_empty() {
            needs.push(format!(
                "the Secret `{}` labelled `konghq.com/credential: jwt` (Kong finds JWT credentials by this label)",
                secret.name.value
            ));
        }
    }
    for component in env.components.values().filter(|it| it.external.is_none()) {
        needs.extend(crate::catalog::prerequisites(component, env));
    }
    // cert-manager issues the certificates of hosts with an issuer; it is not a component kind.
    let mut issuers = std::collections::BTreeSet::new();
    for route in facts.served_routes() {
        match route.tls.and_then(resolved::Tls::source) {
            Some(resolved::TlsSource::ClusterIssuer(issuer)) => {
                issuers.insert(format!("cert-manager (v1.14 or later), with the ClusterIssuer `{}`", issuer.value));
            }
            Some(resolved::TlsSource::Issuer(issuer)) => {
                issuers.insert(format!(
                    "cert-manager (v1.14 or later), with the Issuer `{}` in `{}`",
                    issuer.value, route.service.namespace.value
                ));
            }
            Some(resolved::TlsSource::Secret(_)) | None => {}
        }
    }
    needs.extend(issuers);
    if env.services.values().any(|service| service.metrics.is_some())
        && !env.components.values().any(|it| it.kind.value == resolved::ComponentKind::PrometheusStack)
    {
        needs.push("the Prometheus operator's ServiceMonitor CRD".to_owned());
    }
    text.push_str("\n## Prerequisites\n\n");
    if needs.is_empty() {
        text.push_str("None: everything this environment needs is in `out/`.\n");
    } else {
        text.push_str("Created outside Slipway, before the first sync:\n\n");
        for need in needs {
            let _ = writeln!(text, "- {need}");
        }
    }
    text
}

/// The dependency graph as a Mermaid flowchart: the gateway to the services it routes, services and
/// components to what they use. Components are drawn as cylinders.
pub fn mermaid(env: &resolved::Env) -> String {
    mermaid_of(env, &env.dependencies())
}

fn mermaid_of(env: &resolved::Env, graph: &BTreeMap<&str, Vec<&Spanned<String>>>) -> String {
    let id = |name: &str| name.replace('-', "_");
    let mut text = String::from("```mermaid\nflowchart LR\n");
    if env.gateway.is_some() {
        text.push_str("  gateway{{gateway}}\n");
    }
    for component in env.components.values() {
        let _ = writeln!(text, "  {}[(\"{}\")]", id(&component.name), component.name.value);
    }
    for service in env.services.values() {
        let _ = writeln!(text, "  {}[\"{}\"]", id(&service.name), service.name.value);
    }
    if env.gateway.is_some() {
        for service in env.services.values().filter(|service| !service.routes.is_empty()) {
            let _ = writeln!(text, "  gateway --> {}", id(&service.name));
        }
    }
    for (name, targets) in graph {
        for target in targets {
            let _ = writeln!(text, "  {} --> {}", id(name), id(target));
        }
    }
    text.push_str("```\n");
    text
}

/// The dependency graph in Graphviz's language, for `slipway graph --format dot`.
pub fn dot(env: &resolved::Env) -> String {
    let mut text = format!("digraph \"{}\" {{\n  rankdir=LR;\n", env.name.value);
    if env.gateway.is_some() {
        text.push_str("  \"gateway\" [shape=diamond];\n");
    }
    for component in env.components.values() {
        let _ = writeln!(text, "  \"{}\" [shape=cylinder];", component.name.value);
    }
    for service in env.services.values() {
        let _ = writeln!(text, "  \"{}\" [shape=box];", service.name.value);
    }
    if env.gateway.is_some() {
        for service in env.services.values().filter(|service| !service.routes.is_empty()) {
            let _ = writeln!(text, "  \"gateway\" -> \"{}\";", service.name.value);
        }
    }
    for (name, targets) in env.dependencies() {
        for target in targets {
            let _ = writeln!(text, "  \"{name}\" -> \"{}\";", target.value);
        }
    }
    text.push_str("}\n");
    text
}

/// The routes table: host (with its scheme when it has TLS), path, service, rate limit.
fn routes(facts: &Facts<'_>) -> String {
    let Some(gateway) = &facts.env.gateway else { return String::new() };
    let mut rows = Vec::new();
    for route in facts.served_routes() {
        let service = route.service;
        let host = match (route.host, route.tls) {
            (Some(host), Some(_)) => format!("https://{}", host.value),
            (Some(host), None) => host.value.clone(),
            (None, _) => "*".to_owned(),
        };
        let limit = service
            .rate_limit
            .as_ref()
            .or(gateway.rate_limit.as_ref())
            .map_or_else(|| "-".to_owned(), |it| format!("{}/min", it.value));
        rows.push(format!("| {host} | `{}` | {} | {limit} |", route.path(), service.name.value));
    }
    if rows.is_empty() {
        return String::new();
    }
    rows.sort();
    format!("\n## Routes\n\n| host | path | service | rate limit |\n|---|---|---|---|\n{}\n", rows.join("\n"))
}

/// Port number, service, port name and protocol (transport, and the routes' protocol where a route
/// reaches the port) of every container port, sorted by number.
fn registry(facts: &crate::analysis::Facts<'_>) -> Vec<(u16, String, String, String)> {
    let mut rows: Vec<(u16, String, String, String)> = facts
        .env
        .services
        .values()
        .flat_map(|service| {
            service.ports.iter().map(|port| {
                let protocol = facts.port_protocol(&service.name.value, port).to_string();
                (port.port.value, service.name.value.clone(), port.name.value.clone(), protocol)
            })
        })
        .collect();
    rows.sort();
    rows
}
