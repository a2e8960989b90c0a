//! Pods: takes an environment, gives what would make the API server refuse a service's pods, or make
//! Slipway silently replace what the user wrote: pod labels and annotations Slipway sets itself, two
//! volumes mounted on one path, and a metrics port that names no port.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::render::{MESH_INJECT, MESH_PROXY_RESOURCES, RECOMMENDED_LABELS, ROLE_ARN};
use crate::resolved;

/// The mesh's annotations Slipway sets (render's own list), and where the user says what they say.
fn mesh_annotations() -> impl Iterator<Item = (&'static str, &'static str)> {
    std::iter::once((MESH_INJECT, "`[platform] mesh`"))
        .chain(MESH_PROXY_RESOURCES.into_iter().map(|key| (key, "`[platform] mesh_proxy`")))
}

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
        let used = service.secrets_used();
        overridden(env, service, &used, diagnostics);
        mounts(env, service, &used, diagnostics);
        metrics_port(service, diagnostics);
    }
}

fn overridden(env: &resolved::Env, service: &resolved::Service, used: &[&str], diagnostics: &mut Vec<Diagnostic>) {
    let mut refuse = |what: String, why: String, help: String| {
        diagnostics.push(
            Diagnostic::error(
                Code::OverriddenSetting,
                format!("{what} of `{}` is Slipway's to set", service.name.value),
            )
            .with_label(service.name.span, why)
            .with_help(help),
        );
    };
    for key in RECOMMENDED_LABELS.iter().filter(|key| service.pod_labels.contains_key(**key)) {
        refuse(
            format!("the pod label `{key}`"),
            "Slipway labels every pod with it, and the service's selector reads it".to_owned(),
            format!("remove `{key}` from `pod_labels`"),
        );
    }
    if env.mesh == resolved::Mesh::Linkerd {
        for (key, instead) in mesh_annotations().filter(|(key, _)| service.pod_annotations.contains_key(*key)) {
            refuse(
                format!("the pod annotation `{key}`"),
                "the mesh sets it on every pod, so the budget counts what runs".to_owned(),
                format!("remove it from `pod_annotations`; set it with {instead}"),
            );
        }
    }
    // The role of AWS secrets must agree with one the user gives the service account.
    let roles: Vec<&str> =
        used.iter().filter_map(|name| env.secrets.get(*name)).filter_map(|secret| secret.role_arn.as_deref()).collect();
    let given = service
        .service_account
        .annotations
        .iter()
        .find(|(key, _)| key.value == ROLE_ARN)
        .map(|(_, value)| value.value.as_str());
    if let Some(role) =
        roles.iter().copied().find(|role| given.is_some_and(|given| given != *role) || roles[0] != *role)
    {
        refuse(
            format!("the service account's `{ROLE_ARN}`"),
            format!("it reads AWS secrets of the role `{role}`, but its service account would assume another"),
            "give every AWS secret it reads one `role_arn`, and leave the annotation to Slipway".to_owned(),
        );
    }
}

/// Every volume a pod mounts needs a path of its own: `/tmp` for the read-only root filesystem, and one
/// per AWS secret it reads.
fn mounts(env: &resolved::Env, service: &resolved::Service, used: &[&str], diagnostics: &mut Vec<Diagnostic>) {
    let mut paths: BTreeMap<&str, String> = BTreeMap::from([("/tmp", "the writable `/tmp`".to_owned())]);
    for &name in used {
        let Some(secret) = env.secrets.get(name).filter(|it| it.backend.value == resolved::Backend::AwsSecretsManager)
        else {
            continue;
        };
        let path = secret.mount_path.trim_end_matches('/');
        if let Some(first) = paths.insert(path, format!("secret `{name}`")) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateMountPath,
                    format!("`{}` would mount {first} and secret `{name}` both on `{path}`", service.name.value),
                )
                .with_label(secret.name.span, "the API server refuses two volumes on one path")
                .with_help(format!("give `[secrets.{name}]` a `mount_path` of its own")),
            );
        }
    }
}

fn metrics_port(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let Some(metrics) = &service.metrics else { return };
    if service.ports.iter().any(|port| port.name.value == metrics.port.value) {
        return;
    }
    let names: Vec<String> = service.ports.iter().map(|port| format!("`{}`", port.name.value)).collect();
    diagnostics.push(
        Diagnostic::error(
            Code::UndeclaredMetricsPort,
            format!(
                "the metrics of `{}` name the port `{}`, which it does not declare",
                service.name.value, metrics.port.value
            ),
        )
        .with_label(metrics.port.span, "no ServiceMonitor endpoint would match it, and nothing would be scraped")
        .with_help(if names.is_empty() {
            "declare the port in `ports`".to_owned()
        } else {
            format!("name one of its ports: {}", names.join(", "))
        }),
    );
}
