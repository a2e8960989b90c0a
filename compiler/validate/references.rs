//! References: every service or component that `uses` names exists (and the database it names, too), the
//! gateway and identity provider run on declared components, and `uses` has no cycle.

use std::collections::BTreeMap;

use crate::analysis::Facts;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::resolved;
use crate::source::Spanned;

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let names = || env.services.keys().chain(env.components.keys()).map(String::as_str);
    let unknown = |who: &str, target: &Spanned<String>| {
        let help = did_you_mean(target, names()).unwrap_or_else(|| "`uses` names services and components".to_owned());
        Diagnostic::error(
            Code::UnknownDependency,
            format!("{who} uses unknown service or component `{}`", target.value),
        )
        .with_label(target.span, "not declared in [services] or [components]")
        .with_help(help)
    };
    let disabled = |who: &str, target: &Spanned<String>| {
        Diagnostic::error(
            Code::UnknownDependency,
            format!("{who} uses `{}`, which is turned off in this environment", target.value),
        )
        .with_label(target.span, "`enabled = false` in this environment's overlay")
        .with_help("turn it on here, or override `uses` in this environment's overlay")
    };
    for service in env.services.values() {
        for dependency in &service.uses {
            let who = format!("service `{}`", service.name.value);
            if env.disabled.contains(&dependency.target.value) {
                diagnostics.push(disabled(&who, &dependency.target));
            } else if !env.services.contains_key(dependency.target.value.as_str())
                && !env.components.contains_key(dependency.target.value.as_str())
                && !env.incomplete.contains(&dependency.target.value)
            {
                diagnostics.push(unknown(&who, &dependency.target));
            } else if let Some(database) = &dependency.database {
                check_database(env, &who, &dependency.target, database, diagnostics);
            }
        }
    }
    for service in env.services.values() {
        references_without_uses(service, diagnostics);
    }
    for component in env.components.values() {
        for target in &component.uses {
            if env.disabled.contains(&target.value) {
                diagnostics.push(disabled(&format!("component `{}`", component.name.value), target));
            } else if !env.components.contains_key(target.value.as_str())
                && !env.services.contains_key(target.value.as_str())
                && !env.incomplete.contains(&target.value)
            {
                diagnostics.push(unknown(&format!("component `{}`", component.name.value), target));
            }
        }
    }
    let providers = [
        env.gateway.as_ref().and_then(|it| it.component.as_ref()).map(|it| (it, "gateway")),
        env.identity.as_ref().and_then(|it| it.component.as_ref()).map(|it| (it, "identity provider")),
    ];
    for (component, what) in providers.into_iter().flatten() {
        if !env.components.contains_key(component.value.as_str()) {
            let help = did_you_mean(component, env.components.keys().map(String::as_str))
                .unwrap_or_else(|| "declare the component in [components]".to_owned());
            diagnostics.push(
                Diagnostic::error(
                    Code::UnknownDependency,
                    format!("the {what} runs on unknown component `{}`", component.value),
                )
                .with_label(component.span, "not declared in [components]")
                .with_help(help),
            );
        }
    }
    cycles(&facts.graph, diagnostics);
}

/// Every service or component a service reads through `${...}` is in its `uses`: the edge orders the
/// waves and opens the network policies. Reported once per target, at its first reference.
fn references_without_uses(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let mut reported = std::collections::BTreeSet::new();
    for reference in &service.references {
        let declared = service.uses.iter().any(|dependency| dependency.target.value == reference.value);
        if declared || reference.value == service.name.value || !reported.insert(reference.value.as_str()) {
            continue;
        }
        let fix = match service.uses.last() {
            Some(_) => format!("add `\"{}\"` to `uses` of `[services.{}]`", reference.value, service.name.value),
            None => format!("add `uses = [\"{}\"]` to `[services.{}]`", reference.value, service.name.value),
        };
        diagnostics.push(
            Diagnostic::error(
                Code::ReferenceWithoutUses,
                format!("service `{}` reads `{}` but does not `use` it", service.name.value, reference.value),
            )
            .with_label(reference.span, "this reference is traffic the network policies would block")
            .with_help(fix),
        );
    }
}

fn check_database(
    env: &resolved::Env,
    who: &str,
    target: &Spanned<String>,
    database: &Spanned<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let component = env.components.get(target.value.as_str());
    let declared = component.map(|component| &component.databases);
    match declared {
        Some(databases) if databases.iter().any(|declared| declared.value == database.value) => {}
        Some(databases) if component.is_some_and(|it| crate::catalog::kind_info(it.kind.value).databases) => {
            let help = did_you_mean(database, databases.iter().map(|it| it.value.as_str())).unwrap_or_else(|| {
                format!("add `{}` to the `databases` of `[components.{}]`", database.value, target.value)
            });
            let mut diagnostic = Diagnostic::error(
                Code::UndeclaredDatabase,
                format!("{who} uses database `{}` that `{}` does not declare", database.value, target.value),
            )
            .with_label(database.span, "not in the component's `databases`")
            .with_help(help);
            if let Some(component) = component {
                diagnostic = diagnostic.with_secondary(component.name.span, "component declared here");
            }
            diagnostics.push(diagnostic);
        }
        _ => diagnostics.push(
            Diagnostic::error(
                Code::UndeclaredDatabase,
                format!("`{}` has no databases, but {who} uses `{}` of it", target.value, database.value),
            )
            .with_label(database.span, "only postgresql and mongodb components declare databases")
            .with_help(format!("write `\"{}\"` without a database", target.value)),
        ),
    }
}

/// Reports each cycle once, with the span of the `uses` entry that closes it.
fn cycles(graph: &BTreeMap<&str, Vec<&Spanned<String>>>, diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unvisited,
        OnPath,
        Done,
    }
    let mut state: BTreeMap<&str, State> = graph.keys().map(|name| (*name, State::Unvisited)).collect();
    for start in graph.keys() {
        if state[start] != State::Unvisited {
            continue;
        }
        // Iterative depth-first search: (node, index of the next dependency to follow).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, State::OnPath);
        while let Some((name, next)) = path.last_mut() {
            let Some(dependency) = graph[*name].get(*next) else {
                state.insert(name, State::Done);
                path.pop();
                continue;
            };
            *next += 1;
            let target = dependency.value.as_str();
            match state.get(target) {
                Some(State::Unvisited) => {
                    state.insert(target, State::OnPath);
                    let target = graph.get_key_value(target).expect("state holds only graph nodes").0;
                    path.push((target, 0));
                }
                Some(State::OnPath) => {
                    let from = path.iter().position(|(name, _)| *name == target).expect("on the path");
                    let mut cycle: Vec<String> = path[from..].iter().map(|(name, _)| format!("`{name}`")).collect();
                    cycle.push(format!("`{target}`"));
                    diagnostics.push(
                        Diagnostic::error(
                            Code::DependencyCycle,
                            format!("dependencies form a cycle: {}", cycle.join(" -> ")),
                        )
                        .with_label(dependency.span, "this dependency closes the cycle")
                        .with_help("remove one of the dependencies in the cycle"),
                    );
                }
                Some(State::Done) | None => {}
            }
        }
    }
}
