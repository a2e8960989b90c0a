//! Budget: every number is one a cluster can have, the environment's pods fit its nodes, requests stay
//! within limits, every container has requests, limits do not overcommit the nodes beyond the platform's
//! policy, and the policy's own factors are sane.

use crate::analysis::Facts;
use crate::budget::{self, human_cpu, human_memory};
use crate::diagnostic::{Code, Diagnostic};
use crate::quantity::{Cpu, Memory};
use crate::resolved;
use crate::source::{Span, Spanned};

use super::thousands;

/// The ceilings past which a number is a mistake rather than a plan. Kubernetes is designed for clusters of
/// at most 5,000 nodes, 150,000 pods and 110 pods per node ("Considerations for large clusters",
/// <https://kubernetes.io/docs/setup/best-practices/cluster-large/>); one environment is one cluster.
const MOST_NODES: u32 = 5_000;
const MOST_PODS: u64 = 150_000;
/// kubelet's default `maxPods` is 110, and managed clusters let it be raised to a few hundred at most.
const MOST_PODS_PER_NODE: u32 = 1_000;
/// One Deployment, component or autoscaler: a fifteenth of the pods a whole cluster is designed for.
const MOST_REPLICAS: u32 = 10_000;
/// One node or one container: 1Pi of memory (the largest machines have 32Ti) and 100,000 CPU cores
/// (the largest have under 2,000).
const MOST_MEMORY: Memory = Memory(1 << 50);
const MOST_CPU: Cpu = Cpu(100_000 * 1000);
/// `[platform] quota_headroom`, a fraction: up to ten times the budget again.
const HEADROOM: std::ops::RangeInclusive<f64> = 0.0..=10.0;
/// `[platform] overcommit`, a factor: limits at least up to the capacity, and at most 100 times it.
const OVERCOMMIT: std::ops::RangeInclusive<f64> = 1.0..=100.0;

const LIMITS_NOTE: &str = "Kubernetes is designed for at most 5,000 nodes, 150,000 pods and 110 pods per node \
    in one cluster (kubernetes.io: Considerations for large clusters); `slipway explain B005` lists Slipway's ceilings";

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    for service in env.services.values() {
        requests(&service.name, "service", &service.resources, diagnostics);
    }
    for component in env.components.values().filter(|component| component.external.is_none()) {
        requests(&component.name, "component", &component.resources, diagnostics);
    }
    factors(env, diagnostics);
    let before = diagnostics.len();
    ceilings(env, diagnostics);
    if diagnostics.len() > before {
        // A number past its ceiling makes every count and sum after it meaningless; it is the one thing
        // to fix first.
        return;
    }
    if env.cluster.name.is_some() {
        // On a shared cluster the pods, sums, placement and overcommit are the cluster's (`cluster`).
        return;
    }
    fits(env, &facts.budget, diagnostics);
}

/// The budget of a shared cluster, over every environment placed on it and its cluster-wide components
/// once: its pods, sums, placement and overcommit, reported at `[clusters.<name>]`.
pub(super) fn cluster(facts: &crate::analysis::ClusterFacts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let before = diagnostics.len();
    fits(facts.tree.env, &facts.budget, diagnostics);
    let members: Vec<String> = facts.members.iter().map(|it| it.name.value.clone()).collect();
    for diagnostic in &mut diagnostics[before..] {
        diagnostic.environments.clone_from(&members);
    }
}

/// Whether the pods fit: their number, the sums, their placement on the nodes, and limits against the
/// overcommit policy, of one environment's cluster or of a shared cluster (`env` is then its tree).
fn fits(env: &resolved::Env, budget: &budget::Budget, diagnostics: &mut Vec<Diagnostic>) {
    if pods(env, budget, diagnostics) {
        return;
    }
    // An invalid headroom is reported by itself (B006), not as the overflow it would cause.
    let headroom = Some(env.quota_headroom.value).filter(|it| HEADROOM.contains(it)).unwrap_or_default();
    if let Some(overflow) = budget.overflow(env, headroom) {
        sum_overflow(env, &overflow, diagnostics);
        return;
    }
    overflow(env, budget, diagnostics);
    if OVERCOMMIT.contains(&env.platform.overcommit.value) {
        overcommit(env, budget, diagnostics);
    }
}

/// A number past its ceiling: what it is, its value, what has no more of it (a cluster or a node), and the
/// ceiling.
fn too_large(span: Span, (what, value, beyond): (&str, &str, &str), most: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::UnreasonableQuantity, format!("{what} of {value} is more than any {beyond} has"))
        .with_label(span, format!("at most {most}"))
        .with_note(LIMITS_NOTE)
        .with_help(help.to_owned())
}

/// Counts and sizes each past the ceiling Kubernetes' own limits suggest.
fn ceilings(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let cluster = &env.cluster;
    let capacity_help = "write what one node of the environment's cluster really has";
    if cluster.nodes.value > MOST_NODES {
        diagnostics.push(too_large(
            cluster.nodes.span,
            ("`nodes`", &thousands(u64::from(cluster.nodes.value)), "cluster"),
            "5,000 nodes",
            "write the number of nodes the cluster really has; a larger fleet is several clusters, each an environment",
        ));
    }
    if cluster.max_pods.value > MOST_PODS_PER_NODE {
        diagnostics.push(too_large(
            cluster.max_pods.span,
            ("`max_pods`", &thousands(u64::from(cluster.max_pods.value)), "node"),
            "1,000 pods per node",
            "write kubelet's `maxPods` (110 unless the cluster sets it)",
        ));
    }
    if cluster.memory.value > MOST_MEMORY {
        let value = cluster.memory.value.to_string();
        diagnostics.push(too_large(cluster.memory.span, ("node memory", &value, "node"), "1Pi", capacity_help));
    }
    if cluster.cpu.value > MOST_CPU {
        let value = cluster.cpu.value.to_string();
        diagnostics.push(too_large(cluster.cpu.span, ("node CPU", &value, "node"), "100000 cores", capacity_help));
    }
    let replicas_help = "a Deployment this large is a mistake; lower it, or split the service";
    for service in env.services.values() {
        if service.replicas.value > MOST_REPLICAS {
            let value = thousands(u64::from(service.replicas.value));
            let what = ("`replicas`", value.as_str(), "cluster");
            diagnostics.push(too_large(service.replicas.span, what, "10,000 per service", replicas_help));
        }
        if let Some(max) = service.autoscale.as_ref().map(|it| &it.max).filter(|max| max.value > MOST_REPLICAS) {
            let value = thousands(u64::from(max.value));
            let what = ("autoscale `max`", value.as_str(), "cluster");
            diagnostics.push(too_large(max.span, what, "10,000 per service", replicas_help));
        }
        resources(&service.resources, diagnostics);
    }
    for component in env.components.values().filter(|component| component.external.is_none()) {
        if let Some(span) = component.replicas_span.filter(|_| component.replicas > MOST_REPLICAS) {
            let value = thousands(u64::from(component.replicas));
            diagnostics.push(too_large(span, ("`replicas`", &value, "cluster"), "10,000 per component", replicas_help));
        }
        resources(&component.resources, diagnostics);
    }
    resources(&env.argocd.resources, diagnostics);
    if env.mesh == resolved::Mesh::Linkerd {
        resources(&env.mesh_proxy, diagnostics);
    }
}

/// A container's requests and limits, each within what one node can have.
fn resources(resources: &resolved::Resources, diagnostics: &mut Vec<Diagnostic>) {
    let help = "a container gets at most what one node has; write what it really needs";
    for (what, amounts) in [("request", &resources.requests), ("limit", &resources.limits)] {
        if let Some(memory) = amounts.memory.as_ref().filter(|it| it.value > MOST_MEMORY) {
            let what = format!("a memory {what}");
            diagnostics.push(too_large(memory.span, (&what, &memory.value.to_string(), "node"), "1Pi", help));
        }
        if let Some(cpu) = amounts.cpu.as_ref().filter(|it| it.value > MOST_CPU) {
            let what = format!("a CPU {what}");
            diagnostics.push(too_large(cpu.span, (&what, &cpu.value.to_string(), "node"), "100000 cores", help));
        }
    }
}

/// All the environment's pods at their highest count, within what one cluster is designed for; whether
/// they are not.
fn pods(env: &resolved::Env, budget: &budget::Budget, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let pods = budget.pods();
    if pods <= MOST_PODS {
        return false;
    }
    let largest = budget.rows.iter().max_by(|a, b| a.replicas.cmp(&b.replicas).then_with(|| b.name.cmp(&a.name)));
    let mut diagnostic = Diagnostic::error(
        Code::UnreasonableQuantity,
        format!("{} runs up to {} pods, more than one cluster is designed for", subject(env), thousands(pods)),
    );
    if let Some((span, row)) = largest.and_then(|row| row.span.map(|span| (span, row))) {
        diagnostic = diagnostic.with_label(span, format!("{} pods of `{}`", thousands(row.replicas), row.name));
    }
    diagnostics.push(
        diagnostic
            .with_note(LIMITS_NOTE)
            .with_help("lower replicas or autoscale `max`; a larger fleet is several clusters, each an environment"),
    );
    true
}

/// What a budget is of: `environment `dev`` or, for a shared cluster's tree, `cluster `main``.
fn subject(env: &resolved::Env) -> String {
    let what = if env.cluster_tree { "cluster" } else { "environment" };
    format!("{what} `{}`", env.name.value)
}

/// A sum of the budget past what Kubernetes counts in: only reachable when values are near their ceilings.
fn sum_overflow(env: &resolved::Env, overflow: &budget::Overflow, diagnostics: &mut Vec<Diagnostic>) {
    let mut diagnostic = Diagnostic::error(
        Code::UnreasonableQuantity,
        format!("{} add up to more than Kubernetes can count", overflow.what),
    )
    .with_note(format!(
        "Kubernetes reads quantities as signed 64-bit integers: at most {} bytes (8Ei) or millicores, \
         the quotas' `[platform] quota_headroom` included",
        budget::MOST,
    ))
    .with_help("lower replicas, requests or limits to what the environment really needs");
    if let Some(span) = overflow.span.or(env.cluster.span) {
        diagnostic = diagnostic.with_label(span, "the largest part of the sum");
    }
    diagnostics.push(diagnostic);
}

/// `[platform] quota_headroom` and `overcommit`: fractions and factors within a sane range.
fn factors(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let headroom = &env.quota_headroom;
    if !HEADROOM.contains(&headroom.value) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidHeadroom,
                format!("`quota_headroom` of {} is outside 0 to 10", factor(headroom.value)),
            )
            .with_label(headroom.span, "a fraction of the budget, from 0 (none) to 10 (ten times again)")
            .with_note("each namespace's ResourceQuota allows its budget times (1 + quota_headroom)")
            .with_help("`quota_headroom = 0.1` leaves 10% room above the budget"),
        );
    }
    let overcommit = &env.platform.overcommit;
    if !OVERCOMMIT.contains(&overcommit.value) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidHeadroom,
                format!("`overcommit` of {} is outside 1 to 100", factor(overcommit.value)),
            )
            .with_label(overcommit.span, "a factor of allocatable capacity, from 1 (none) to 100")
            .with_note("B004 warns when the sum of limits exceeds the allocatable capacity times `overcommit`")
            .with_help("`overcommit = 2.0` lets limits reach twice the capacity"),
        );
    }
}

/// A factor as people write it, short even when huge: `0.5`, `1e10`, `1e308`, `NaN`.
fn factor(value: f64) -> String {
    if value != 0.0 && !(1e-3..1e6).contains(&value.abs()) && value.is_finite() {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

fn requests(name: &Spanned<String>, what: &str, resources: &resolved::Resources, diagnostics: &mut Vec<Diagnostic>) {
    let mut missing = Vec::new();
    if resources.requests.memory.is_none() {
        missing.push("memory");
    }
    if resources.requests.cpu.is_none() {
        missing.push("CPU");
    }
    if !missing.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::MissingRequests,
                format!("{what} `{}` has no {} request", name.value, missing.join(" or ")),
            )
            .with_label(name.span, "no requests after presets and defaults")
            .with_help(
                "set `resources = { requests = { memory = \"256Mi\", cpu = \"100m\" } }`, or pick a `runtime` preset",
            ),
        );
    }
    let name_and_what = (name, what);
    request_over_limit(
        name_and_what,
        "memory",
        resources.requests.memory.as_ref(),
        resources.limits.memory.as_ref(),
        diagnostics,
    );
    request_over_limit(
        name_and_what,
        "CPU",
        resources.requests.cpu.as_ref(),
        resources.limits.cpu.as_ref(),
        diagnostics,
    );
}

fn request_over_limit<T: PartialOrd + std::fmt::Display>(
    (name, what): (&Spanned<String>, &str),
    resource: &str,
    request: Option<&Spanned<T>>,
    limit: Option<&Spanned<T>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (Some(request), Some(limit)) = (request, limit) else { return };
    if request.value > limit.value {
        diagnostics.push(
            Diagnostic::error(
                Code::RequestsExceedLimits,
                format!("{what} `{}` requests more {resource} than its limit", name.value),
            )
            .with_label(limit.span, format!("limit {}", limit.value))
            .with_secondary(request.span, format!("request {}", request.value))
            .with_help(format!("raise the limit to at least {} or lower the request", request.value)),
        );
    }
}

fn overflow(env: &resolved::Env, budget: &budget::Budget, diagnostics: &mut Vec<Diagnostic>) {
    if budget.unplaced.is_empty() {
        return;
    }
    let (memory, cpu) = budget.capacity();
    let (request_memory, request_cpu) = budget.requests();
    let largest = budget.largest(5);
    let consumers: Vec<String> = largest
        .iter()
        .map(|row| {
            let (total_memory, total_cpu) = row.total_requests();
            format!(
                "`{}` {} × {} = {} and {} CPU",
                row.name,
                row.replicas,
                row.requests.0,
                human_memory(total_memory),
                human_cpu(total_cpu)
            )
        })
        .collect();
    let capacity = format!(
        "{} node{} × {} memory, {} CPU, {} pods allocatable",
        budget.nodes,
        if budget.nodes == 1 { "" } else { "s" },
        human_memory(budget.allocatable.0),
        human_cpu(budget.allocatable.1),
        budget.allocatable.2
    );
    let message = if env.cluster_tree {
        format!(
            "the environments on cluster `{}` do not fit it together: {} of {} pods fit on no node",
            env.name.value,
            budget.unplaced_pods(),
            budget.pods()
        )
    } else {
        format!(
            "environment `{}` does not fit its cluster: {} of {} pods fit on no node",
            env.name.value,
            budget.unplaced_pods(),
            budget.pods()
        )
    };
    let mut diagnostic = Diagnostic::error(Code::BudgetOverflow, message);
    let largest_span = largest.first().and_then(|row| row.span);
    match (env.cluster.span, largest_span) {
        (Some(cluster), Some(consumer)) => {
            diagnostic = diagnostic.with_label(cluster, capacity).with_secondary(consumer, "the largest consumer");
        }
        (Some(cluster), None) => diagnostic = diagnostic.with_label(cluster, capacity),
        (None, Some(consumer)) => {
            diagnostic =
                diagnostic.with_label(consumer, "the largest consumer").with_note(format!("capacity: {capacity}"));
        }
        (None, None) => diagnostic = diagnostic.with_note(format!("capacity: {capacity}")),
    }
    diagnostics.push(
        diagnostic
        .with_note(format!(
            "demand: {} memory of {} and {} CPU of {} requested, {} pods",
            human_memory(request_memory),
            human_memory(memory),
            human_cpu(request_cpu),
            human_cpu(cpu),
            budget.pods()
        ))
        .with_note(format!("largest consumers: {}", consumers.join("; ")))
        .with_help(if env.cluster_tree {
            format!(
                "add nodes or memory to `[clusters.{}]`, place an environment on a cluster of its own, or lower replicas or requests; `slipway budget` shows every consumer",
                env.name.value
            )
        } else {
            format!(
                "add nodes or memory to `[environments.{}] cluster`, or lower replicas or requests; `slipway budget` shows every consumer",
                env.name.value
            )
        }),
    );
}

fn overcommit(env: &resolved::Env, budget: &budget::Budget, diagnostics: &mut Vec<Diagnostic>) {
    let (memory, cpu) = budget.capacity();
    let (limit_memory, limit_cpu) = budget.limits();
    let policy = env.platform.overcommit.value;
    #[allow(clippy::cast_precision_loss)]
    let ratio = |part: u64, whole: u64| if whole == 0 { f64::INFINITY } else { part as f64 / whole as f64 };
    let cluster = &env.cluster;
    for (what, share, used, total, span) in [
        (
            "memory",
            ratio(limit_memory.0, memory.0),
            human_memory(limit_memory),
            human_memory(memory),
            cluster.memory_span.or(cluster.span),
        ),
        (
            "CPU",
            ratio(limit_cpu.0, cpu.0),
            format!("{} CPU", human_cpu(limit_cpu)),
            format!("{} CPU", human_cpu(cpu)),
            cluster.cpu_span.or(cluster.span),
        ),
    ] {
        if share > policy {
            // The environment is in the note, not the message, so that environments in the same state
            // are reported once.
            let mut diagnostic = Diagnostic::warning(
                Code::LimitOvercommit,
                format!("{what} limits are {share:.1}× the allocatable {what}, over the policy of {policy}"),
            )
            .with_note(format!("{used} of limits on {total} allocatable"))
            .with_help("lower limits, add capacity, or raise `[platform] overcommit`");
            if let Some(span) = span {
                diagnostic = diagnostic.with_label(span, format!("the {what} of each node"));
            }
            diagnostics.push(diagnostic);
        }
    }
}
