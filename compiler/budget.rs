//! Budget: takes one `resolved::Env`, gives every pod Slipway will create at its highest replica count,
//! their placement onto the environment's nodes (first-fit decreasing), and the table people read.
//! `validate` reports what does not fit; `render` writes the table into `out/<env>/README.md`.
//!
//! Pods are counted, never listed one by one: placement works on rows of identical pods and runs of
//! identical nodes, so its time and memory depend on the number of rows, not on replicas or nodes.
//! Sums saturate rather than wrap; `Budget::overflow` names the first one that leaves the range Kubernetes
//! counts in (a signed 64-bit integer), and `validate` refuses such a platform.

use std::fmt::Write as _;

use crate::quantity::{Cpu, Memory};
use crate::resolve::DEFAULT_SERVER;
use crate::resolved;
use crate::source::Span;

/// One consumer of capacity: a service, ArgoCD, or the extra pods of a rolling update.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub kind: &'static str,
    /// Pods at the highest count this consumer can reach.
    pub replicas: u64,
    /// Per pod.
    pub requests: (Memory, Cpu),
    /// Per pod; a container without a limit counts its request.
    pub limits: (Memory, Cpu),
    /// Where the consumer is declared.
    pub span: Option<Span>,
    /// The service whose pods these are (its own rows and its rollout surge), for the namespace quotas.
    pub service: Option<String>,
    /// Counted once per shared cluster, not per environment on it: a cluster-wide component's pods, and
    /// ArgoCD's.
    pub shared: bool,
}

impl Row {
    /// Requests of all its pods; saturates (see `Budget::overflow`).
    pub fn total_requests(&self) -> (Memory, Cpu) {
        times(self.requests, self.replicas)
    }

    /// Limits of all its pods; saturates (see `Budget::overflow`).
    pub fn total_limits(&self) -> (Memory, Cpu) {
        times(self.limits, self.replicas)
    }
}

fn times((memory, cpu): (Memory, Cpu), count: u64) -> (Memory, Cpu) {
    (Memory(memory.0.saturating_mul(count)), Cpu(cpu.0.saturating_mul(count)))
}

fn plus(a: (Memory, Cpu), b: (Memory, Cpu)) -> (Memory, Cpu) {
    (Memory(a.0.0.saturating_add(b.0.0)), Cpu(a.1.0.saturating_add(b.1.0)))
}

/// The most a sum may reach: Kubernetes reads quantities as signed 64-bit integers (`Quantity.Value()`).
pub const MOST: u64 = i64::MAX.unsigned_abs();

/// A sum of the budget past `MOST`: what it adds up, and where the largest part of it is declared.
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    pub what: String,
    pub span: Option<Span>,
}

/// `value` grown by `headroom` (a fraction, such as 0.1), rounded up: what a ResourceQuota allows. `None`
/// past `MOST`; never less than `value`; a headroom that is not positive (or NaN) adds nothing.
pub fn with_headroom(value: u64, headroom: f64) -> Option<u64> {
    if value > MOST {
        return None;
    }
    if headroom.is_nan() || headroom <= 0.0 {
        return Some(value);
    }
    #[allow(clippy::cast_precision_loss)]
    let (grown, most) = ((value as f64 * (1.0 + headroom)).ceil(), MOST as f64);
    // `most` is 2^63 exactly, so anything below it converts to at most `MOST`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (grown < most).then(|| (grown as u64).max(value))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub rows: Vec<Row>,
    pub nodes: u32,
    /// Per node: memory and CPU minus what is reserved, and the most pods.
    pub allocatable: (Memory, Cpu, u32),
    /// Pods that fit on no node: the row's name and how many of its pods.
    pub unplaced: Vec<(String, u64)>,
}

impl Budget {
    /// Allocatable memory and CPU of all nodes; saturates (see `overflow`).
    pub fn capacity(&self) -> (Memory, Cpu) {
        times((self.allocatable.0, self.allocatable.1), u64::from(self.nodes))
    }

    pub fn requests(&self) -> (Memory, Cpu) {
        sum(self.rows.iter().map(Row::total_requests))
    }

    pub fn limits(&self) -> (Memory, Cpu) {
        sum(self.rows.iter().map(Row::total_limits))
    }

    pub fn pods(&self) -> u64 {
        self.rows.iter().fold(0, |pods, row| pods.saturating_add(row.replicas))
    }

    /// Pods that fit on no node.
    pub fn unplaced_pods(&self) -> u64 {
        self.unplaced.iter().fold(0, |pods, (_, count)| pods.saturating_add(*count))
    }

    /// The first sum past `MOST`: a row's requests or limits, the environment's, its capacity, or the same
    /// grown by the quota headroom. Every other method saturates, so a budget with an overflow is refused.
    /// `headroom` is the quota headroom the quotas will be grown by.
    pub fn overflow(&self, env: &resolved::Env, headroom: f64) -> Option<Overflow> {
        let fits = |value: Option<u64>| value.and_then(|it| with_headroom(it, headroom)).is_some();
        let amounts = |(memory, cpu): (Memory, Cpu)| [("memory", memory.0), ("CPU", cpu.0)];
        for row in &self.rows {
            for (what, per_pod) in [("requests", row.requests), ("limits", row.limits)] {
                for (resource, amount) in amounts(per_pod) {
                    if !fits(amount.checked_mul(row.replicas)) {
                        return Some(Overflow {
                            what: format!("the {resource} {what} of `{}` ({} pods)", row.name, row.replicas),
                            span: row.span,
                        });
                    }
                }
            }
        }
        let largest = self.rows.iter().max_by_key(|row| row.total_limits()).and_then(|row| row.span);
        for (what, total) in [("requests", Row::total_requests as fn(&Row) -> _), ("limits", Row::total_limits)] {
            for resource in ["memory", "CPU"] {
                let sum = self.rows.iter().try_fold(0u64, |sum, row| {
                    let (memory, cpu) = total(row);
                    sum.checked_add(if resource == "memory" { memory.0 } else { cpu.0 })
                });
                if !fits(sum) {
                    let whose = if env.cluster_tree { "cluster" } else { "environment" };
                    return Some(Overflow {
                        what: format!("the {resource} {what} of {whose} `{}`", env.name.value),
                        span: largest,
                    });
                }
            }
        }
        for (resource, amount) in amounts((self.allocatable.0, self.allocatable.1)) {
            if !fits(amount.checked_mul(u64::from(self.nodes))) {
                return Some(Overflow {
                    what: format!("the allocatable {resource} of {} nodes", self.nodes),
                    span: env.cluster.span,
                });
            }
        }
        None
    }

    /// The rows with the largest total memory requests, largest first; rows that request nothing are left out.
    pub fn largest(&self, count: usize) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.iter().filter(|row| row.total_requests() != (Memory(0), Cpu(0))).collect();
        rows.sort_by(|a, b| b.total_requests().cmp(&a.total_requests()).then_with(|| a.name.cmp(&b.name)));
        rows.truncate(count);
        rows
    }
}

/// The saturating sum of `amounts`.
pub fn sum(amounts: impl Iterator<Item = (Memory, Cpu)>) -> (Memory, Cpu) {
    amounts.fold((Memory(0), Cpu(0)), plus)
}

/// Rolling updates start new pods before old ones stop: Kubernetes' default `maxSurge` is 25%, rounded up.
fn surge(replicas: u64) -> u64 {
    replicas.div_ceil(4)
}

pub fn compute(env: &resolved::Env) -> Budget {
    // A mesh adds its proxy to every service pod.
    let sidecar = |amounts: (Memory, Cpu), proxy: (Memory, Cpu)| match env.mesh {
        resolved::Mesh::Linkerd => plus(amounts, proxy),
        resolved::Mesh::None => amounts,
    };
    let proxy_requests = amounts(&env.mesh_proxy.requests, None);
    let proxy_limits = amounts(&env.mesh_proxy.limits, Some(&env.mesh_proxy.requests));
    let mut rows: Vec<Row> = env
        .services
        .values()
        .map(|service| Row {
            name: service.name.value.clone(),
            kind: "service",
            replicas: u64::from(service.max_replicas()),
            requests: sidecar(amounts(&service.resources.requests, None), proxy_requests),
            limits: sidecar(amounts(&service.resources.limits, Some(&service.resources.requests)), proxy_limits),
            span: Some(service.name.span),
            service: Some(service.name.value.clone()),
            shared: false,
        })
        .collect();
    // Only a rollout of one Deployment at a time is assumed: the largest one's surge is the headroom needed.
    if let Some(largest) =
        rows.iter().max_by(|a, b| a.total_requests().cmp(&b.total_requests()).then_with(|| b.name.cmp(&a.name)))
    {
        let extra = surge(largest.replicas);
        if extra > 0 {
            rows.push(Row {
                name: format!("{} (rollout surge)", largest.name),
                kind: "surge",
                replicas: extra,
                requests: largest.requests,
                limits: largest.limits,
                span: largest.span,
                service: largest.service.clone(),
                shared: false,
            });
        }
    }
    for component in env.components.values().filter(|component| component.external.is_none()) {
        component_rows(env, component, &mut rows);
    }
    // ArgoCD runs in the cluster it is installed in, which Slipway knows as the in-cluster server; its
    // footprint is what `[argocd] resources` declares.
    let resources = &env.argocd.resources;
    if env.cluster.server == DEFAULT_SERVER && (resources.requests.memory.is_some() || resources.requests.cpu.is_some())
    {
        rows.push(Row {
            name: "argocd".to_owned(),
            kind: "argocd",
            replicas: 1,
            requests: amounts(&resources.requests, None),
            limits: amounts(&resources.limits, Some(&resources.requests)),
            span: None,
            service: None,
            // ArgoCD runs once on a shared cluster, whichever environments it syncs.
            shared: env.cluster.name.is_some(),
        });
    }
    let cluster = &env.cluster;
    let allocatable = (
        Memory(cluster.memory.value.0.saturating_sub(cluster.reserved.memory.as_ref().map_or(0, |it| it.value.0))),
        Cpu(cluster.cpu.value.0.saturating_sub(cluster.reserved.cpu.as_ref().map_or(0, |it| it.value.0))),
        cluster.max_pods.value,
    );
    let unplaced = place(&rows, cluster.nodes.value, allocatable);
    Budget { rows, nodes: cluster.nodes.value, allocatable, unplaced }
}

/// A component's pods as its chart runs them (see `catalog`): its main pods with their sidecars, and the
/// chart's other pods, each with the resources Slipway writes into the values.
fn component_rows(env: &resolved::Env, component: &resolved::Component, rows: &mut Vec<Row>) {
    let info = crate::catalog::kind_info(component.kind.value);
    let nodes = u64::from(env.cluster.nodes.value);
    let main_pods = if info.per_node {
        nodes
    } else if info.takes_replicas(component.kind.value) {
        u64::from(component.replicas)
    } else {
        1
    };
    let count = |count: crate::catalog::Count| match count {
        crate::catalog::Count::Fixed(count) => u64::from(count),
        crate::catalog::Count::PerNode => nodes,
        crate::catalog::Count::Replicas => main_pods,
    };
    let quantity = |(memory, cpu): (&str, &str)| {
        (Memory::parse(memory).expect("catalog quantities parse"), Cpu::parse(cpu).expect("catalog quantities parse"))
    };
    // Charts that run several controllers alike give each the component's resources.
    let controllers = u64::try_from(info.resources.len()).unwrap_or(1).max(1);
    let mut requests = amounts(&component.resources.requests, None);
    let mut limits = amounts(&component.resources.limits, Some(&component.resources.requests));
    for pod in info
        .extra_pods
        .iter()
        .filter(|pod| pod.runs == crate::catalog::Runs::InMainPods && crate::catalog::runs(pod, component, env))
    {
        requests = plus(requests, quantity(pod.requests));
        limits = plus(limits, quantity(pod.limits));
    }
    rows.push(Row {
        name: component.name.value.clone(),
        kind: component.kind.value.as_str(),
        replicas: main_pods.saturating_mul(controllers),
        requests,
        limits,
        span: Some(component.name.span),
        service: None,
        shared: component.shared,
    });
    let running = |pod: &&crate::catalog::ExtraPod| crate::catalog::runs(pod, component, env);
    for pod in info.extra_pods.iter().filter(running).filter(|pod| pod.runs == crate::catalog::Runs::OwnPods) {
        let (mut requests, mut limits) = (quantity(pod.requests), quantity(pod.limits));
        for sidecar in
            info.extra_pods.iter().filter(running).filter(|it| it.runs == crate::catalog::Runs::With(pod.name))
        {
            requests = plus(requests, quantity(sidecar.requests));
            limits = plus(limits, quantity(sidecar.limits));
        }
        rows.push(Row {
            name: format!("{} ({})", component.name.value, pod.name),
            kind: component.kind.value.as_str(),
            replicas: count(pod.count),
            requests,
            limits,
            span: Some(component.name.span),
            service: None,
            shared: component.shared,
        });
    }
}

/// The budget of a shared cluster: its tree's rows (the cluster-wide components and ArgoCD, each once)
/// and every other row of each environment placed on it, named `<environment>/<row>`, placed together
/// onto the cluster's nodes. Each environment keeps the rollout surge of its own largest Deployment.
pub fn cluster(tree: &Budget, members: &[(&str, &Budget)]) -> Budget {
    let mut rows = tree.rows.clone();
    for (environment, budget) in members {
        rows.extend(
            budget
                .rows
                .iter()
                .filter(|row| !row.shared)
                .map(|row| Row { name: format!("{environment}/{}", row.name), ..row.clone() }),
        );
    }
    let unplaced = place(&rows, tree.nodes, tree.allocatable);
    Budget { rows, nodes: tree.nodes, allocatable: tree.allocatable, unplaced }
}

fn amounts(amounts: &resolved::Amounts, fallback: Option<&resolved::Amounts>) -> (Memory, Cpu) {
    let memory =
        amounts.memory.as_ref().or(fallback.and_then(|it| it.memory.as_ref())).map_or(Memory(0), |it| it.value);
    let cpu = amounts.cpu.as_ref().or(fallback.and_then(|it| it.cpu.as_ref())).map_or(Cpu(0), |it| it.value);
    (memory, cpu)
}

/// First-fit decreasing: the largest pods first, each onto the first node with room for its memory, its
/// CPU and one more pod. Gives the rows whose pods fit nowhere, with how many of their pods.
///
/// Pods are placed a row at a time: first-fit puts identical pods onto the first node with room until it
/// is full, then onto the next, so a row fills whole nodes at once. Nodes are kept in order as runs of
/// consecutive nodes with the same room left; each row splits at most one run, so the runs stay fewer than
/// twice the rows, whatever the number of nodes or pods.
fn place(rows: &[Row], nodes: u32, allocatable: (Memory, Cpu, u32)) -> Vec<(String, u64)> {
    let mut order: Vec<&Row> = rows.iter().filter(|row| row.replicas > 0).collect();
    order.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.name.cmp(&b.name)));
    let mut runs =
        vec![Run { free: (allocatable.0.0, allocatable.1.0, u64::from(allocatable.2)), nodes: u64::from(nodes) }];
    let mut unplaced = Vec::new();
    for row in order {
        let (memory, cpu) = (row.requests.0.0, row.requests.1.0);
        let mut left = row.replicas;
        let mut next = Vec::with_capacity(runs.len() + 2);
        for run in runs {
            // How many of these pods one node of the run takes.
            let per_node = [(run.free.0, memory), (run.free.1, cpu)]
                .into_iter()
                .filter(|(_, each)| *each > 0)
                .fold(run.free.2, |most, (free, each)| most.min(free / each));
            if left == 0 || per_node == 0 {
                next.push(run);
                continue;
            }
            let take = |pods: u64| (run.free.0 - memory * pods, run.free.1 - cpu * pods, run.free.2 - pods);
            if left >= per_node.saturating_mul(run.nodes) {
                next.push(Run { free: take(per_node), nodes: run.nodes });
                left -= per_node.saturating_mul(run.nodes);
                continue;
            }
            let (full, rest) = (left / per_node, left % per_node);
            let used = full + u64::from(rest > 0);
            next.extend([
                Run { free: take(per_node), nodes: full },
                Run { free: take(rest), nodes: u64::from(rest > 0) },
                Run { free: run.free, nodes: run.nodes - used },
            ]);
            left = 0;
        }
        runs = Vec::with_capacity(next.len());
        for run in next.into_iter().filter(|run| run.nodes > 0) {
            match runs.last_mut() {
                Some(last) if last.free == run.free => last.nodes += run.nodes,
                _ => runs.push(run),
            }
        }
        if left > 0 {
            unplaced.push((row.name.clone(), left));
        }
    }
    unplaced
}

/// Consecutive nodes with the same room left: memory, CPU and pod slots per node.
#[derive(Debug, Clone, Copy)]
struct Run {
    free: (u64, u64, u64),
    nodes: u64,
}

/// Memory for people: `3.3Gi`, `512Mi`.
pub fn human_memory(memory: Memory) -> String {
    const GI: u64 = 1 << 30;
    if memory.0 >= GI {
        #[allow(clippy::cast_precision_loss)]
        let gibibytes = memory.0 as f64 / GI as f64;
        let text = format!("{gibibytes:.2}");
        format!("{}Gi", text.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{}Mi", memory.0.div_ceil(1 << 20))
    }
}

/// CPU for people: `1.65`, `250m`.
pub fn human_cpu(cpu: Cpu) -> String {
    if cpu.0 >= 1000 {
        let text = format!("{}.{:03}", cpu.0 / 1000, cpu.0 % 1000);
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        format!("{}m", cpu.0)
    }
}

/// `part` as a percentage of `whole` (infinite when there is no whole).
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return if part == 0 { 0.0 } else { f64::INFINITY };
    }
    #[allow(clippy::cast_precision_loss)]
    let share = part as f64 * 100.0 / whole as f64;
    share
}

fn bar(part: u64, whole: u64) -> String {
    const WIDTH: usize = 30;
    let share = percent(part, whole);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let filled = ((share / 100.0 * 30.0).round() as usize).min(WIDTH);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(WIDTH - filled))
}

/// The budget of one environment as a Markdown table followed by the totals with text bars.
pub fn table(env: &resolved::Env, budget: &Budget) -> String {
    let (memory, cpu) = budget.capacity();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} node{} with {} memory and {} CPU allocatable each ({} in all, {} CPU); at most {} pods per node.\n",
        budget.nodes,
        if budget.nodes == 1 { "" } else { "s" },
        human_memory(budget.allocatable.0),
        human_cpu(budget.allocatable.1),
        human_memory(memory),
        human_cpu(cpu),
        budget.allocatable.2,
    );
    text.push_str("| name | kind | replicas (max) | CPU requests | CPU limits | memory requests | memory limits | share of memory | share of CPU |\n");
    text.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in &budget.rows {
        let (request_memory, request_cpu) = row.total_requests();
        let (limit_memory, limit_cpu) = row.total_limits();
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {:.1}% | {:.1}% |",
            row.name,
            row.kind,
            row.replicas,
            human_cpu(request_cpu),
            human_cpu(limit_cpu),
            human_memory(request_memory),
            human_memory(limit_memory),
            percent(request_memory.0, memory.0),
            percent(request_cpu.0, cpu.0),
        );
    }
    let (request_memory, request_cpu) = budget.requests();
    let (limit_memory, limit_cpu) = budget.limits();
    let pods = budget.pods();
    let pod_capacity = u64::from(budget.allocatable.2) * u64::from(budget.nodes);
    text.push_str("\n```\n");
    let lines = [
        ("memory requests", request_memory.0, memory.0, human_memory(request_memory), human_memory(memory)),
        ("CPU requests", request_cpu.0, cpu.0, human_cpu(request_cpu), human_cpu(cpu)),
        ("memory limits", limit_memory.0, memory.0, human_memory(limit_memory), human_memory(memory)),
        ("CPU limits", limit_cpu.0, cpu.0, human_cpu(limit_cpu), human_cpu(cpu)),
        ("pods", pods, pod_capacity, pods.to_string(), pod_capacity.to_string()),
    ];
    for (what, used, total, used_text, total_text) in lines {
        let _ = writeln!(
            text,
            "{what:<15} {} {used_text:>8} of {total_text:<8} {:>5.1}%",
            bar(used, total),
            percent(used, total)
        );
    }
    text.push_str("```\n");
    if !budget.unplaced.is_empty() {
        let _ = writeln!(text, "\n{} pod(s) fit on no node in `{}`.", budget.unplaced_pods(), env.name.value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, replicas: u64, memory_gib: u64) -> Row {
        Row {
            name: name.to_owned(),
            kind: "service",
            replicas,
            requests: (Memory(memory_gib << 30), Cpu(100)),
            limits: (Memory(memory_gib << 30), Cpu(100)),
            span: None,
            service: None,
            shared: false,
        }
    }

    #[test]
    fn a_pod_larger_than_any_node_does_not_fit_even_if_the_sum_does() {
        let unplaced = place(&[row("big", 1, 6)], 3, (Memory(4 << 30), Cpu(4000), 110));
        assert_eq!(unplaced, vec![("big".to_owned(), 1)]);
    }

    #[test]
    fn first_fit_decreasing_packs_large_pods_first() {
        // 3 + 3 + 2 + 2 + 1 + 1 GiB onto two 6 GiB nodes fits only if the large pods go first.
        let rows = [row("small", 2, 1), row("medium", 2, 2), row("large", 2, 3)];
        assert!(place(&rows, 2, (Memory(6 << 30), Cpu(4000), 110)).is_empty());
        assert_eq!(
            place(&rows, 2, (Memory(6 << 30), Cpu(4000), 2)),
            vec![("small".to_owned(), 2)],
            "pod slots are counted"
        );
    }

    /// First-fit decreasing one pod at a time, as Slipway placed pods before it counted them.
    fn place_one_by_one(rows: &[Row], nodes: u32, allocatable: (Memory, Cpu, u32)) -> Vec<(String, u64)> {
        let mut pods: Vec<&Row> =
            rows.iter().flat_map(|row| std::iter::repeat_n(row, usize::try_from(row.replicas).unwrap())).collect();
        pods.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.name.cmp(&b.name)));
        let mut free = vec![(allocatable.0.0, allocatable.1.0, allocatable.2); nodes as usize];
        let mut unplaced: Vec<(String, u64)> = Vec::new();
        for row in pods {
            let (memory, cpu) = (row.requests.0.0, row.requests.1.0);
            match free.iter_mut().find(|node| node.0 >= memory && node.1 >= cpu && node.2 > 0) {
                Some(node) => *node = (node.0 - memory, node.1 - cpu, node.2 - 1),
                None => match unplaced.last_mut() {
                    Some((name, count)) if *name == row.name => *count += 1,
                    _ => unplaced.push((row.name.clone(), 1)),
                },
            }
        }
        unplaced
    }

    proptest::proptest! {
        #[test]
        fn placing_by_count_is_placing_one_by_one(
            shapes in proptest::collection::vec((0u64..6, 0u64..5, 0u64..4), 0..7),
            nodes in 0u32..6,
            node in (1u64..12, 0u64..8, 0u32..9),
        ) {
            let rows: Vec<Row> = shapes
                .iter()
                .enumerate()
                .map(|(index, (replicas, memory, cpu))| Row {
                    // Names are unique in a budget: services, components and their pods share one namespace.
                    name: format!("r{index}"),
                    kind: "service",
                    replicas: *replicas,
                    requests: (Memory(memory << 30), Cpu(cpu * 500)),
                    limits: (Memory(memory << 30), Cpu(cpu * 500)),
                    span: None,
                    service: None,
                    shared: false,
                })
                .collect();
            let allocatable = (Memory(node.0 << 30), Cpu(node.1 * 500), node.2);
            proptest::prop_assert_eq!(place(&rows, nodes, allocatable), place_one_by_one(&rows, nodes, allocatable));
        }
    }

    #[test]
    fn billions_of_pods_on_billions_of_nodes_are_counted() {
        let nodes = u64::from(u32::MAX);
        // Four big pods fill a 16 GiB node: all but the last of them full, the last with three (4 GiB free),
        // the others empty. The small pods then take four on that one and sixteen on each empty one.
        let empty = nodes - nodes / 4 - 1;
        let room_for_small = 4 + 16 * empty;
        let rows = [row("big", nodes, 4), row("small", room_for_small + 5, 1)];
        let unplaced = place(&rows, u32::MAX, (Memory(16 << 30), Cpu(u64::MAX), u32::MAX));
        assert_eq!(unplaced, vec![("small".to_owned(), 5)]);
    }

    #[test]
    fn headroom_grows_up_to_what_kubernetes_counts() {
        assert_eq!(with_headroom(100, 0.5), Some(150));
        assert_eq!(with_headroom(100, 10.0), Some(1100));
        assert_eq!(with_headroom(MOST, 0.0), Some(MOST));
        assert_eq!(with_headroom(MOST, 0.1), None);
        assert_eq!(with_headroom(u64::MAX, 0.0), None);
        assert_eq!(with_headroom(7, -0.5), Some(7), "a negative headroom never shrinks a quota");
        assert_eq!(with_headroom(7, f64::NAN), Some(7));
        assert_eq!(with_headroom(7, f64::INFINITY), None);
        assert_eq!(with_headroom((1 << 53) + 1, 0.0), Some((1 << 53) + 1), "never below the value");
    }

    #[test]
    fn surge_is_a_quarter_rounded_up() {
        assert_eq!((surge(1), surge(4), surge(5), surge(10)), (1, 1, 2, 3));
    }

    #[test]
    fn human_units() {
        assert_eq!(human_memory(Memory(3328 << 20)), "3.25Gi");
        assert_eq!(human_memory(Memory(512 << 20)), "512Mi");
        assert_eq!(human_cpu(Cpu(1650)), "1.65");
        assert_eq!(human_cpu(Cpu(250)), "250m");
    }
}
