//! Budget: the environment's pods fit its nodes, requests stay within limits, every container has
//! requests, and limits do not overcommit the nodes beyond the platform's policy.

use crate::analysis::Facts;
use crate::budget::{self, human_cpu, human_memory};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolved;
use crate::source::Spanned;

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    for service in env.services.values() {
        requests(&service.name, "service", &service.resources, diagnostics);
    }
    for component in env.components.values().filter(|component| component.external.is_none()) {
        requests(&component.name, "component", &component.resources, diagnostics);
    }
    overflow(env, &facts.budget, diagnostics);
    overcommit(env, &facts.budget, diagnostics);
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
    let mut diagnostic = Diagnostic::error(
        Code::BudgetOverflow,
        format!(
            "environment `{}` does not fit its cluster: {} of {} pods fit on no node",
            env.name.value,
            budget.unplaced.len(),
            budget.pods()
        ),
    );
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
        .with_help(format!(
            "add nodes or memory to `[environments.{}] cluster`, or lower replicas or requests; `slipway budget` shows every consumer",
            env.name.value
        )),
    );
}

fn overcommit(env: &resolved::Env, budget: &budget::Budget, diagnostics: &mut Vec<Diagnostic>) {
    let (memory, cpu) = budget.capacity();
    let (limit_memory, limit_cpu) = budget.limits();
    let policy = env.platform.overcommit;
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
