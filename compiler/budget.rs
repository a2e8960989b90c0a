//! Budget: takes one `resolved::Env`, gives every pod Slipway will create at its highest replica count,
//! their placement onto the environment's nodes (first-fit decreasing), and the table people read.
//! `validate` reports what does not fit; `render` writes the table into `out/<env>/README.md`.

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
    pub replicas: u32,
    /// Per pod.
    pub requests: (Memory, Cpu),
    /// Per pod; a container without a limit counts its request.
    pub limits: (Memory, Cpu),
    /// Where the consumer is declared.
    pub span: Option<Span>,
}

impl Row {
    pub fn total_requests(&self) -> (Memory, Cpu) {
        (Memory(self.requests.0.0 * u64::from(self.replicas)), Cpu(self.requests.1.0 * u64::from(self.replicas)))
    }

    pub fn total_limits(&self) -> (Memory, Cpu) {
        (Memory(self.limits.0.0 * u64::from(self.replicas)), Cpu(self.limits.1.0 * u64::from(self.replicas)))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub rows: Vec<Row>,
    pub nodes: u32,
    /// Per node: memory and CPU minus what is reserved, and the most pods.
    pub allocatable: (Memory, Cpu, u32),
    /// Pods that fit on no node, by row name.
    pub unplaced: Vec<String>,
}

impl Budget {
    pub fn capacity(&self) -> (Memory, Cpu) {
        (Memory(self.allocatable.0.0 * u64::from(self.nodes)), Cpu(self.allocatable.1.0 * u64::from(self.nodes)))
    }

    pub fn requests(&self) -> (Memory, Cpu) {
        sum(self.rows.iter().map(Row::total_requests))
    }

    pub fn limits(&self) -> (Memory, Cpu) {
        sum(self.rows.iter().map(Row::total_limits))
    }

    pub fn pods(&self) -> u32 {
        self.rows.iter().map(|row| row.replicas).sum()
    }

    /// The rows with the largest total memory requests, largest first; rows that request nothing are left out.
    pub fn largest(&self, count: usize) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.iter().filter(|row| row.total_requests() != (Memory(0), Cpu(0))).collect();
        rows.sort_by(|a, b| b.total_requests().cmp(&a.total_requests()).then_with(|| a.name.cmp(&b.name)));
        rows.truncate(count);
        rows
    }
}

fn sum(amounts: impl Iterator<Item = (Memory, Cpu)>) -> (Memory, Cpu) {
    amounts.fold((Memory(0), Cpu(0)), |(memory, cpu), (m, c)| (Memory(memory.0 + m.0), Cpu(cpu.0 + c.0)))
}

/// Rolling updates start new pods before old ones stop: Kubernetes' default `maxSurge` is 25%, rounded up.
fn surge(replicas: u32) -> u32 {
    replicas.div_ceil(4)
}

pub fn compute(env: &resolved::Env) -> Budget {
    // A mesh adds its proxy to every service pod.
    let sidecar = |amounts: (Memory, Cpu), proxy: (Memory, Cpu)| match env.mesh {
        resolved::Mesh::Linkerd => (Memory(amounts.0.0 + proxy.0.0), Cpu(amounts.1.0 + proxy.1.0)),
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
            replicas: service.max_replicas(),
            requests: sidecar(amounts(&service.resources.requests, None), proxy_requests),
            limits: sidecar(amounts(&service.resources.limits, Some(&service.resources.requests)), proxy_limits),
            span: Some(service.name.span),
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
        });
    }
    let cluster = &env.cluster;
    let allocatable = (
        Memory(cluster.memory.0.saturating_sub(cluster.reserved.memory.as_ref().map_or(0, |it| it.value.0))),
        Cpu(cluster.cpu.0.saturating_sub(cluster.reserved.cpu.as_ref().map_or(0, |it| it.value.0))),
        cluster.max_pods,
    );
    let unplaced = place(&rows, cluster.nodes, allocatable);
    Budget { rows, nodes: cluster.nodes, allocatable, unplaced }
}

/// A component's pods as its chart runs them (see `catalog`): its main pods with their sidecars, and the
/// chart's other pods, each with the resources Slipway writes into the values.
fn component_rows(env: &resolved::Env, component: &resolved::Component, rows: &mut Vec<Row>) {
    let info = crate::catalog::kind_info(component.kind.value);
    let main_pods = if info.per_node {
        env.cluster.nodes
    } else if info.replicas.is_empty()
        && component.kind.value != resolved::ComponentKind::Redis
        && component.kind.value != resolved::ComponentKind::Helm
    {
        1
    } else {
        component.replicas
    };
    let count = |count: crate::catalog::Count| match count {
        crate::catalog::Count::Fixed(count) => count,
        crate::catalog::Count::PerNode => env.cluster.nodes,
        crate::catalog::Count::Replicas => main_pods,
    };
    let quantity = |(memory, cpu): (&str, &str)| {
        (Memory::parse(memory).expect("catalog quantities parse"), Cpu::parse(cpu).expect("catalog quantities parse"))
    };
    let add = |a: (Memory, Cpu), b: (Memory, Cpu)| (Memory(a.0.0 + b.0.0), Cpu(a.1.0 + b.1.0));
    // Charts that run several controllers alike give each the component's resources.
    let controllers = u32::try_from(info.resources.len()).unwrap_or(1).max(1);
    let mut requests = amounts(&component.resources.requests, None);
    let mut limits = amounts(&component.resources.limits, Some(&component.resources.requests));
    for pod in info.extra_pods.iter().filter(|pod| pod.runs == crate::catalog::Runs::InMainPods) {
        requests = add(requests, quantity(pod.requests));
        limits = add(limits, quantity(pod.limits));
    }
    rows.push(Row {
        name: component.name.value.clone(),
        kind: component.kind.value.as_str(),
        replicas: main_pods * controllers,
        requests,
        limits,
        span: Some(component.name.span),
    });
    for pod in info.extra_pods.iter().filter(|pod| pod.runs == crate::catalog::Runs::OwnPods) {
        let (mut requests, mut limits) = (quantity(pod.requests), quantity(pod.limits));
        for sidecar in info.extra_pods.iter().filter(|it| it.runs == crate::catalog::Runs::With(pod.name)) {
            requests = add(requests, quantity(sidecar.requests));
            limits = add(limits, quantity(sidecar.limits));
        }
        rows.push(Row {
            name: format!("{} ({})", component.name.value, pod.name),
            kind: component.kind.value.as_str(),
            replicas: count(pod.count),
            requests,
            limits,
            span: Some(component.name.span),
        });
    }
}

fn amounts(amounts: &resolved::Amounts, fallback: Option<&resolved::Amounts>) -> (Memory, Cpu) {
    let memory =
        amounts.memory.as_ref().or(fallback.and_then(|it| it.memory.as_ref())).map_or(Memory(0), |it| it.value);
    let cpu = amounts.cpu.as_ref().or(fallback.and_then(|it| it.cpu.as_ref())).map_or(Cpu(0), |it| it.value);
    (memory, cpu)
}

/// First-fit decreasing: the largest pods first, each onto the first node with room for its memory, its
/// CPU and one more pod. Gives the names of the pods that fit nowhere.
fn place(rows: &[Row], nodes: u32, allocatable: (Memory, Cpu, u32)) -> Vec<String> {
    let mut pods: Vec<(&Row, (Memory, Cpu))> =
        rows.iter().flat_map(|row| std::iter::repeat_n((row, row.requests), row.replicas as usize)).collect();
    pods.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    let mut free: Vec<(u64, u64, u32)> = vec![(allocatable.0.0, allocatable.1.0, allocatable.2); nodes as usize];
    let mut unplaced = Vec::new();
    for (row, (memory, cpu)) in pods {
        match free.iter_mut().find(|node| node.0 >= memory.0 && node.1 >= cpu.0 && node.2 > 0) {
            Some(node) => {
                node.0 -= memory.0;
                node.1 -= cpu.0;
                node.2 -= 1;
            }
            None => unplaced.push(row.name.clone()),
        }
    }
    unplaced
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
    let pods = u64::from(budget.pods());
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
        let _ = writeln!(text, "\n{} pod(s) fit on no node in `{}`.", budget.unplaced.len(), env.name.value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, replicas: u32, memory_gib: u64) -> Row {
        Row {
            name: name.to_owned(),
            kind: "service",
            replicas,
            requests: (Memory(memory_gib << 30), Cpu(100)),
            limits: (Memory(memory_gib << 30), Cpu(100)),
            span: None,
        }
    }

    #[test]
    fn a_pod_larger_than_any_node_does_not_fit_even_if_the_sum_does() {
        let unplaced = place(&[row("big", 1, 6)], 3, (Memory(4 << 30), Cpu(4000), 110));
        assert_eq!(unplaced, vec!["big".to_owned()]);
    }

    #[test]
    fn first_fit_decreasing_packs_large_pods_first() {
        // 3 + 3 + 2 + 2 + 1 + 1 GiB onto two 6 GiB nodes fits only if the large pods go first.
        let rows = [row("small", 2, 1), row("medium", 2, 2), row("large", 2, 3)];
        assert!(place(&rows, 2, (Memory(6 << 30), Cpu(4000), 110)).is_empty());
        assert_eq!(place(&rows, 2, (Memory(6 << 30), Cpu(4000), 2)).len(), 2, "pod slots are counted");
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
