//! Shared clusters: the names of `[clusters]` leave room for the environments' trees, the environments
//! on one cluster declare its cluster-wide components alike (one per kind), and the cluster's budget over
//! all of them fits (see `budget::cluster`).

use std::collections::BTreeMap;

use crate::analysis::ClusterFacts;
use crate::diagnostic::{Code, Diagnostic};
use crate::resolved;

pub(super) fn check(envs: &[resolved::Env], clusters: &[ClusterFacts<'_>], diagnostics: &mut Vec<Diagnostic>) {
    for cluster in clusters {
        let tree = cluster.tree.env;
        super::names::label(&tree.name, "cluster", diagnostics);
        if let Some(env) = envs.iter().find(|env| env.name.value == tree.name.value) {
            diagnostics.push(
                Diagnostic::error(
                    Code::ClusterNameTaken,
                    format!("cluster `{}` has the name of an environment", tree.name.value),
                )
                .with_label(tree.name.span, "its objects would share `out/` and ArgoCD names with the environment's")
                .with_secondary(env.name.span, "the environment")
                .with_help(format!("rename the cluster, such as `[clusters.{}-cluster]`", tree.name.value)),
            );
        }
        conflicts(cluster, diagnostics);
        super::budget::cluster(cluster, diagnostics);
    }
    if let (Some(env), Some(cluster)) =
        (envs.iter().find(|env| env.name.value == "clusters"), clusters.first().map(|it| it.tree.env))
    {
        diagnostics.push(
            Diagnostic::error(Code::ClusterNameTaken, "an environment is named `clusters`, where shared clusters go")
                .with_label(env.name.span, "`out/clusters/` holds the trees of `[clusters]`")
                .with_secondary(cluster.name.span, "a shared cluster")
                .with_help("rename the environment"),
        );
    }
}

/// What of a cluster-wide component the cluster's one copy is made of: its chart, namespace and the
/// values rendered for it (resources, replicas, `values`, the gateway's NodePorts), and MetalLB's pools.
fn fingerprint(env: &resolved::Env, component: &resolved::Component) -> serde_json::Value {
    let addresses: Vec<&str> = component.addresses.iter().map(|it| it.value.as_str()).collect();
    serde_json::json!({
        "kind": component.kind.value.as_str(),
        "repo": component.chart.repo,
        "chart": component.chart.name,
        "version": component.chart.version.as_ref().map(|it| &it.value),
        "namespace": component.namespace.value,
        "values": crate::render::chart_values(env, component),
        "addresses": addresses,
    })
}

/// Each environment's cluster-wide components against the cluster's copy (the first environment's): the
/// same settings, and one component of each cluster-wide kind.
fn conflicts(cluster: &ClusterFacts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let tree = cluster.tree.env;
    let Some(first) = cluster.members.first() else { return };
    // Declaration order is the tree's: its copy comes from the first environment that declares it.
    for member in &cluster.members {
        let mut kinds: BTreeMap<resolved::ComponentKind, &resolved::Component> = BTreeMap::new();
        for component in member.components.values().filter(|it| it.shared) {
            if let Some(other) = kinds.insert(component.kind.value, component) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::SharedComponentConflict,
                        format!(
                            "`{}` and `{}` are both {} on cluster `{}`, which holds one",
                            other.name.value,
                            component.name.value,
                            component.kind.value.as_str(),
                            tree.name.value
                        ),
                    )
                    .with_label(component.name.span, "a second component of a cluster-wide kind")
                    .with_secondary(other.name.span, "the first")
                    .with_help("keep one; the environments on a cluster share its cluster-wide components")
                    .in_environment(&member.name),
                );
                continue;
            }
            let Some(copy) = tree.components.get(&component.name.value) else { continue };
            // The cluster's copy is the first declaring environment's, rendered with the first
            // environment's settings.
            let owner = cluster
                .members
                .iter()
                .find(|it| it.components.get(&component.name.value).is_some_and(|it| it.shared))
                .unwrap_or(first);
            let other = if owner.name.value == member.name.value { first } else { owner };
            if fingerprint(member, component) != fingerprint(tree, copy) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::SharedComponentConflict,
                        format!(
                            "environments `{}` and `{}` declare the cluster-wide component `{}` differently on cluster `{}`",
                            other.name.value, member.name.value, component.name.value, tree.name.value
                        ),
                    )
                    .with_label(
                        component
                            .overridden_at
                            .or(component.chart.version.as_ref().map(|it| it.span))
                            .unwrap_or(component.name.span),
                        "rendered once for the whole cluster, so its chart, namespace and values must be one",
                    )
                    .with_secondary(copy.name.span, format!("as `{}` declares it", other.name.value))
                    .with_help(
                        "declare it alike for every environment on the cluster (in the base platform, not in an overlay), or place the environments on clusters of their own",
                    )
                    .in_environment(&member.name),
                );
            }
        }
    }
    // Kinds the tree holds twice: two environments each with a component of the kind under its own name.
    let mut kinds: BTreeMap<resolved::ComponentKind, &resolved::Component> = BTreeMap::new();
    for component in tree.components.values() {
        if let Some(other) = kinds.insert(component.kind.value, component)
            && cluster.members.iter().all(|member| {
                !(member.components.get(&component.name.value).is_some_and(|it| it.shared)
                    && member.components.get(&other.name.value).is_some_and(|it| it.shared))
            })
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::SharedComponentConflict,
                    format!(
                        "environments on cluster `{}` declare its {} under two names, `{}` and `{}`",
                        tree.name.value,
                        component.kind.value.as_str(),
                        other.name.value,
                        component.name.value
                    ),
                )
                .with_label(component.name.span, "a second component of a cluster-wide kind on the cluster")
                .with_secondary(other.name.span, "the first")
                .with_help("give the component one name in every environment on the cluster"),
            );
        }
    }
}
