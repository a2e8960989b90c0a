//! Platform objects: takes an environment, gives the Namespaces its services and components run in,
//! labelled for Pod Security, with a LimitRange each and a ResourceQuota computed from the budget.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::{Manifest, Out, labels};
use crate::analysis::Facts;
use crate::budget;
use crate::quantity::{Cpu, Memory};
use crate::resolved;

/// "restricted", unless a service in the namespace has a stated exception: running as root needs
/// "baseline", running privileged needs "privileged". `warn` stays "restricted" so the exception shows.
fn pod_security_level(env: &resolved::Env, namespace: &str) -> &'static str {
    if let Some(level) = env.namespaces.get(namespace).and_then(|(_, settings)| settings.pod_security.as_ref()) {
        return level.value.as_str();
    }
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

pub(super) fn render(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    for namespace in facts.namespaces.all.iter().copied() {
        let mut labels = labels::common(env, super::PLATFORM, None);
        labels.insert("kubernetes.io/metadata.name".to_owned(), namespace.to_owned());
        labels.insert("pod-security.kubernetes.io/enforce".to_owned(), pod_security_level(env, namespace).to_owned());
        labels.insert("pod-security.kubernetes.io/enforce-version".to_owned(), "v1.33".to_owned());
        labels.insert("pod-security.kubernetes.io/warn".to_owned(), "restricted".to_owned());
        let reason = env.namespaces.get(namespace).and_then(|(_, settings)| settings.reason.clone());
        let object = core::Namespace {
            metadata: meta::ObjectMeta {
                name: Some(namespace.to_owned()),
                labels: Some(labels),
                annotations: reason
                    .map(|reason| BTreeMap::from([("slipway.dev/pod-security-reason".to_owned(), reason)])),
                ..meta::ObjectMeta::default()
            },
            ..core::Namespace::default()
        };
        out.push(Manifest::new(
            format!("{}/{}/namespace-{namespace}.yaml", env.name.value, super::PLATFORM),
            "namespaces of [services] and [components]".to_owned(),
            object,
        ));
    }
}

/// A LimitRange per namespace, so a container added by hand gets requests and limits and cannot escape
/// the budget; and, where Slipway knows every pod (namespaces of services only), a ResourceQuota of the
/// namespace's budget at maximum replicas, rollout surge included, plus the platform's headroom.
/// Component namespaces get no quota: their charts run pods (jobs, exporters, operators) that Slipway
/// cannot see, and a quota would block them.
pub(super) fn render_limits(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    let defaults = DEFAULT_CONTAINER;
    let budget = &facts.budget;
    for namespace in facts.namespaces.all.iter().copied() {
        let metadata = |name: &str| meta::ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels::common(env, super::PLATFORM, None)),
            ..meta::ObjectMeta::default()
        };
        let limit_range = core::LimitRange {
            metadata: metadata("defaults"),
            spec: Some(core::LimitRangeSpec {
                limits: vec![core::LimitRangeItem {
                    type_: "Container".to_owned(),
                    default_request: Some(quantities(defaults.0)),
                    default: Some(quantities(defaults.1)),
                    ..core::LimitRangeItem::default()
                }],
            }),
        };
        out.push(Manifest::new(
            format!("{}/{}/limitrange-{namespace}-defaults.yaml", env.name.value, super::PLATFORM),
            "namespaces of [services] and [components]".to_owned(),
            limit_range,
        ));
        if facts.namespaces.components.contains(namespace) {
            continue;
        }
        let Some((requests, limits, pods)) = namespace_budget(env, budget, namespace) else { continue };
        // `validate` refuses a budget whose sums grown by the headroom would pass `budget::MOST`
        // (`Budget::overflow`), so this never saturates in a platform that renders.
        let grow = |value: u64| budget::with_headroom(value, env.quota_headroom.value).unwrap_or(budget::MOST);
        let mut hard = BTreeMap::new();
        hard.insert("requests.cpu".to_owned(), Quantity(Cpu(grow(requests.1.0)).to_string()));
        hard.insert("requests.memory".to_owned(), Quantity(round_memory(grow(requests.0.0)).to_string()));
        hard.insert("limits.cpu".to_owned(), Quantity(Cpu(grow(limits.1.0)).to_string()));
        hard.insert("limits.memory".to_owned(), Quantity(round_memory(grow(limits.0.0)).to_string()));
        hard.insert("pods".to_owned(), Quantity(grow(pods).to_string()));
        let quota = core::ResourceQuota {
            metadata: metadata("budget"),
            spec: Some(core::ResourceQuotaSpec { hard: Some(hard), ..core::ResourceQuotaSpec::default() }),
            ..core::ResourceQuota::default()
        };
        out.push(Manifest::new(
            format!("{}/{}/resourcequota-{namespace}-budget.yaml", env.name.value, super::PLATFORM),
            "namespaces of [services] and [components]".to_owned(),
            quota,
        ));
    }
}

/// Requests, limits and pods.
type NamespaceBudget = ((Memory, Cpu), (Memory, Cpu), u64);

/// Requests, limits and pods of the services in `namespace`, with the rollout surge of its largest.
fn namespace_budget(env: &resolved::Env, budget: &budget::Budget, namespace: &str) -> Option<NamespaceBudget> {
    let in_namespace = |name: &str| env.services.get(name).is_some_and(|service| service.namespace.value == namespace);
    let rows: Vec<&budget::Row> =
        budget.rows.iter().filter(|row| row.service.as_deref().is_some_and(in_namespace)).collect();
    if rows.is_empty() {
        return None;
    }
    let requests = budget::sum(rows.iter().map(|row| row.total_requests()));
    let limits = budget::sum(rows.iter().map(|row| row.total_limits()));
    Some((requests, limits, rows.iter().fold(0, |pods, row| pods.saturating_add(row.replicas))))
}

/// Requests and limits a container added by hand gets when it declares none.
const DEFAULT_CONTAINER: ((Memory, Cpu), (Memory, Cpu)) =
    ((Memory(128 << 20), Cpu(100)), (Memory(512 << 20), Cpu(500)));

fn quantities((memory, cpu): (Memory, Cpu)) -> BTreeMap<String, Quantity> {
    BTreeMap::from([("cpu".to_owned(), Quantity(cpu.to_string())), ("memory".to_owned(), Quantity(memory.to_string()))])
}

/// Quotas read better in whole Mi; a value within `budget::MOST` always rounds up without overflow.
fn round_memory(bytes: u64) -> Memory {
    const MI: u64 = 1 << 20;
    Memory(bytes.div_ceil(MI).saturating_mul(MI))
}
