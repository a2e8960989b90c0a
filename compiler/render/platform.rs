//! Platform objects: takes an environment, gives the Namespaces its services run in, labelled for
//! Pod Security "restricted".

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::{Manifest, labels, workload::to_value};
use crate::resolved;

/// The namespaces Slipway manages in `env`, sorted: those of services and of components.
pub(super) fn namespaces(env: &resolved::Env) -> BTreeSet<&str> {
    service_namespaces(env).into_iter().chain(component_namespaces(env)).collect()
}

pub(super) fn service_namespaces(env: &resolved::Env) -> BTreeSet<&str> {
    env.services.values().map(|service| service.namespace.value.as_str()).collect()
}

pub(super) fn component_namespaces(env: &resolved::Env) -> BTreeSet<&str> {
    env.components.values().map(|component| component.namespace.value.as_str()).collect()
}

/// "restricted", unless a service in the namespace has a stated exception: running as root needs
/// "baseline", running privileged needs "privileged". `warn` stays "restricted" so the exception shows.
fn pod_security_level(env: &resolved::Env, namespace: &str) -> &'static str {
    // Charts are written by others: a component's namespace gets what its kind is known to need.
    let rank = |level: &str| ["restricted", "baseline", "privileged"].iter().position(|it| *it == level).unwrap_or(0);
    let component_level = env
        .components
        .values()
        .filter(|component| component.namespace.value == namespace && component.external.is_none())
        .map(|component| crate::catalog::kind_info(component.kind.value).pod_security)
        .max_by_key(|level| rank(level));
    let service_level = service_pod_security_level(env, namespace);
    match component_level {
        Some(level) if rank(level) > rank(service_level) => level,
        _ => service_level,
    }
}

fn service_pod_security_level(env: &resolved::Env, namespace: &str) -> &'static str {
    let excepted = env
        .services
        .values()
        .filter(|service| service.namespace.value == namespace && service.security.exception.is_some());
    let mut level = "restricted";
    for service in excepted {
        if service.security.privileged.value {
            return "privileged";
        }
        let root = !service.security.run_as_non_root.value
            || service.security.run_as_user.as_ref().is_some_and(|user| user.value == 0);
        if root {
            level = "baseline";
        }
    }
    level
}

pub(super) fn render(env: &resolved::Env, out: &mut Vec<Manifest>) {
    for namespace in namespaces(env) {
        let mut labels = labels::common(env, "platform", None);
        labels.insert("kubernetes.io/metadata.name".to_owned(), namespace.to_owned());
        labels.insert("pod-security.kubernetes.io/enforce".to_owned(), pod_security_level(env, namespace).to_owned());
        labels.insert("pod-security.kubernetes.io/enforce-version".to_owned(), "v1.33".to_owned());
        labels.insert("pod-security.kubernetes.io/warn".to_owned(), "restricted".to_owned());
        let object = core::Namespace {
            metadata: meta::ObjectMeta {
                name: Some(namespace.to_owned()),
                labels: Some(labels),
                ..meta::ObjectMeta::default()
            },
            ..core::Namespace::default()
        };
        out.push(Manifest {
            path: format!("{}/platform/namespace-{namespace}.yaml", env.name.value),
            origin: "namespaces of [services] and [components]".to_owned(),
            object: to_value(&object),
        });
    }
}
