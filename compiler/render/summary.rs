//! The environment summary: takes a `resolved::Env`, gives `out/<env>/README.md`, which GitHub renders
//! for reviewers: the budget table and, when the platform keeps one, the port registry.

use std::fmt::Write as _;

use crate::budget;
use crate::resolved;

/// The Markdown text of the summary, without its generated header.
pub fn summary(env: &resolved::Env) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# `{}` environment of `{}`\n", env.name.value, env.platform.name.value);
    let _ = writeln!(
        text,
        "Bootstrap it once with `kubectl apply -n {} -f {}{}/root.yaml`; ArgoCD syncs the rest from `{}`.\n",
        env.argocd.namespace,
        if env.platform.path.is_empty() { String::new() } else { format!("{}/", env.platform.path) },
        env.name.value,
        env.platform.repo
    );
    text.push_str("## Budget\n\n");
    text.push_str("Every pod at its highest replica count, the surge of a rolling update of the largest Deployment, and ArgoCD where it runs in this cluster.\n\n");
    text.push_str(&budget::table(env, &budget::compute(env)));
    if env.platform.port_registry {
        text.push_str("\n## Port registry\n\n| port | service | name |\n|---:|---|---|\n");
        for (port, service, name) in registry(env) {
            let _ = writeln!(text, "| {port} | {service} | {name} |");
        }
    }
    text
}

/// Port number, service and port name of every container port, sorted by number.
fn registry(env: &resolved::Env) -> Vec<(u16, String, String)> {
    let mut rows: Vec<(u16, String, String)> = env
        .services
        .values()
        .flat_map(|service| {
            service.ports.iter().map(|port| (port.port.value, service.name.value.clone(), port.name.value.clone()))
        })
        .collect();
    rows.sort();
    rows
}
