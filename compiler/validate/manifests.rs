//! Plain manifests: each object of `manifests/all/` and `manifests/<env>/` is one Slipway can place and
//! account for: an object with `apiVersion`, `kind` and a valid `metadata.name` (M003), in a namespace the
//! environment manages, or ArgoCD's, when its kind is namespaced, and in none when it is cluster-scoped
//! (M004), holding no secret value (M005, and S005 on every string), and no ArgoCD Application or project
//! beside the app of apps (M006). Duplicates of rendered objects are found on the rendered objects (N007).
//!
//! A kind's scope comes from `SCOPES`: Kubernetes' own kinds (checked against k8s-openapi's `Resource`
//! scopes in tests) and the custom resources of `catalog/crd-scopes.json` (read from the pinned CRDs); any
//! other kind is namespaced exactly when the object names a namespace.

use serde_json::Value;

use crate::analysis::Facts;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::k8s_rules;
use crate::resolved::PlainObject;

/// (API group, kind, namespaced): Kubernetes' own kinds that plain manifests are likely to hold, and the
/// custom resources of Slipway's catalog.
pub const SCOPES: &[(&str, &str, bool)] = &[
    ("", "ConfigMap", true),
    ("", "Endpoints", true),
    ("", "LimitRange", true),
    ("", "Namespace", false),
    ("", "PersistentVolume", false),
    ("", "PersistentVolumeClaim", true),
    ("", "Pod", true),
    ("", "ResourceQuota", true),
    ("", "Secret", true),
    ("", "Service", true),
    ("", "ServiceAccount", true),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration", false),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", false),
    ("apiextensions.k8s.io", "CustomResourceDefinition", false),
    ("apps", "DaemonSet", true),
    ("apps", "Deployment", true),
    ("apps", "StatefulSet", true),
    ("autoscaling", "HorizontalPodAutoscaler", true),
    ("batch", "CronJob", true),
    ("batch", "Job", true),
    ("networking.k8s.io", "Ingress", true),
    ("networking.k8s.io", "IngressClass", false),
    ("networking.k8s.io", "NetworkPolicy", true),
    ("policy", "PodDisruptionBudget", true),
    ("rbac.authorization.k8s.io", "ClusterRole", false),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding", false),
    ("rbac.authorization.k8s.io", "Role", true),
    ("rbac.authorization.k8s.io", "RoleBinding", true),
    ("scheduling.k8s.io", "PriorityClass", false),
    ("storage.k8s.io", "StorageClass", false),
    // catalog/crd-scopes.json
    ("argoproj.io", "AppProject", true),
    ("argoproj.io", "Application", true),
    ("bitnami.com", "SealedSecret", true),
    ("configuration.konghq.com", "KongClusterPlugin", false),
    ("configuration.konghq.com", "KongConsumer", true),
    ("configuration.konghq.com", "KongPlugin", true),
    ("external-secrets.io", "ClusterSecretStore", false),
    ("external-secrets.io", "ExternalSecret", true),
    ("external-secrets.io", "SecretStore", true),
    ("metallb.io", "IPAddressPool", true),
    ("metallb.io", "L2Advertisement", true),
    ("monitoring.coreos.com", "PodMonitor", true),
    ("monitoring.coreos.com", "ServiceMonitor", true),
    ("secrets-store.csi.x-k8s.io", "SecretProviderClass", true),
    ("traefik.io", "IngressRoute", true),
    ("traefik.io", "Middleware", true),
];

/// The ArgoCD kinds a plain manifest may not be.
const ARGOCD_KINDS: &[&str] = &["Application", "ApplicationSet", "AppProject"];

/// The API group of an `apiVersion`: `apps/v1` -> `apps`, `v1` -> the core group, ``.
pub fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Whether a kind is namespaced, when Slipway knows.
pub fn namespaced(group: &str, kind: &str) -> Option<bool> {
    SCOPES.iter().find(|(g, k, _)| *g == group && *k == kind).map(|(_, _, namespaced)| *namespaced)
}

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let argocd = env.argocd.namespace.value.as_str();
    for plain in &env.manifests {
        let report = |code: Code, message: String, help: String| {
            Diagnostic::error(code, format!("{message}, in `{}`", plain.path))
                .with_file(&plain.path, plain.line, plain.column, &plain.text, "this object")
                .with_help(help)
        };
        let Some((kind, name)) = identity(plain, diagnostics, &report) else { continue };
        let api_version = plain.object["apiVersion"].as_str().unwrap_or_default();
        let group = group(api_version);
        let what = format!("the {kind} `{name}`");
        if group == "argoproj.io" && ARGOCD_KINDS.contains(&kind) {
            diagnostics.push(report(
                Code::ManifestArgoCd,
                format!("{what} is an ArgoCD {kind}, which would sync outside Slipway's app of apps"),
                "declare a chart as a component (`kind = \"helm\"`), or its objects as plain manifests".to_owned(),
            ));
            continue;
        }
        let namespace = plain.object["metadata"]["namespace"].as_str();
        match (namespaced(group, kind), namespace) {
            (Some(true), None) => diagnostics.push(report(
                Code::ManifestNamespace,
                format!("{what} has no `metadata.namespace`, and {kind} is namespaced"),
                format!(
                    "name its namespace, one of {}",
                    crate::diagnostic::quoted_list(facts.namespaces.all.iter().copied().chain([argocd]))
                ),
            )),
            (Some(false), Some(namespace)) => diagnostics.push(report(
                Code::ManifestNamespace,
                format!("{what} is cluster-scoped, but names the namespace `{namespace}`"),
                "remove `metadata.namespace`".to_owned(),
            )),
            (_, Some(namespace)) if !facts.namespaces.all.contains(namespace) && namespace != argocd => {
                let managed = facts.namespaces.all.iter().copied().chain([argocd]);
                let help = did_you_mean(namespace, managed.clone()).unwrap_or_else(|| {
                    format!("use a namespace of a service or component: {}", crate::diagnostic::quoted_list(managed))
                });
                diagnostics.push(report(
                    Code::ManifestNamespace,
                    format!("{what} is in the namespace `{namespace}`, which the platform does not manage"),
                    help,
                ));
            }
            _ => {}
        }
        secrets(plain, kind, group, &what, diagnostics, &report);
    }
}

/// The kind and name of a well-formed object, or the M003 that says what is missing or invalid.
fn identity<'a>(
    plain: &'a PlainObject,
    diagnostics: &mut Vec<Diagnostic>,
    report: &dyn Fn(Code, String, String) -> Diagnostic,
) -> Option<(&'a str, &'a str)> {
    let object = &plain.object;
    let mut problem = |message: String, help: &str| {
        diagnostics.push(report(Code::ManifestObject, message, help.to_owned()));
        None
    };
    if !object.is_object() {
        return problem("a document is not an object".to_owned(), "each document is one Kubernetes object, a mapping");
    }
    let field = |value: &'a Value| value.as_str().filter(|it| !it.is_empty());
    let (Some(_), Some(kind)) = (field(&object["apiVersion"]), field(&object["kind"])) else {
        return problem(
            "an object has no `apiVersion` or no `kind`".to_owned(),
            "give it both, as `kubectl explain` shows: `apiVersion: v1`, `kind: ConfigMap`",
        );
    };
    if kind.ends_with("List") {
        return problem(
            format!("a {kind} holds objects, which Slipway places one by one"),
            "write each object as its own document, separated by `---`",
        );
    }
    let Some(name) = field(&object["metadata"]["name"]) else {
        return problem(
            format!("a {kind} has no `metadata.name`"),
            "name it (`generateName` is not supported: the name is its identity in out/ and in ArgoCD)",
        );
    };
    let rule = if kind == "Namespace" { k8s_rules::dns1123_label(name) } else { k8s_rules::dns1123_subdomain(name) };
    if let Err(why) = rule {
        let shown = crate::diagnostic::elide(name);
        return problem(
            format!(
                "the {kind} name `{shown}` is not a DNS-1123 {}: {why}",
                if kind == "Namespace" { "label" } else { "subdomain" }
            ),
            "use lowercase letters, digits and `-` (and `.` between parts), such as `trust-roots`",
        );
    }
    if let Some(namespace) = object["metadata"].get("namespace").filter(|it| !it.is_null()) {
        let valid = namespace.as_str().is_some_and(|it| k8s_rules::dns1123_label(it).is_ok());
        if !valid {
            return problem(
                format!("the {kind} `{name}` has a `metadata.namespace` that is not a DNS-1123 label"),
                "name a namespace of the platform, such as `shop`",
            );
        }
    }
    Some((kind, name))
}

/// No secret value: a Secret (or SealedSecret) with data, and no credential in any string (S005).
fn secrets(
    plain: &PlainObject,
    kind: &str,
    group: &str,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
    report: &dyn Fn(Code, String, String) -> Diagnostic,
) {
    let holds = |value: &Value| match value {
        Value::Null => false,
        Value::Object(map) => !map.is_empty(),
        Value::String(text) => !text.is_empty(),
        _ => true,
    };
    let fields: Vec<String> = match (group, kind) {
        ("", "Secret") => ["data", "stringData"]
            .into_iter()
            .filter(|field| holds(&plain.object[*field]))
            .map(|field| format!("`{field}`"))
            .collect(),
        ("bitnami.com", "SealedSecret") => super::secrets::plaintext_fields(&plain.object),
        _ => Vec::new(),
    };
    if !fields.is_empty() {
        diagnostics.push(report(
            Code::ManifestSecret,
            format!("{what} carries a secret in plain text: {}", fields.join(", ")),
            "declare it in `[secrets]` with a backend that delivers it (external-secrets, aws-secrets-manager, or sealed-secrets with `kubeseal`'s output), and rotate it: it has been committed".to_owned(),
        ));
        return;
    }
    if let Value::Object(object) = &plain.object {
        let path = &plain.path;
        for mut diagnostic in super::secrets::object_leaks(object, &|inner| format!("`{inner}` of {what} (`{path}`)")) {
            diagnostic = diagnostic.with_file(&plain.path, plain.line, plain.column, &plain.text, "in this object");
            diagnostics.push(diagnostic);
        }
    }
}
