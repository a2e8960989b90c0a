//! References: every service a service `uses` exists, and `uses` has no cycle.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::resolved;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
        for dependency in &service.uses {
            if !env.services.contains_key(dependency.value.as_str()) {
                let help = did_you_mean(dependency, env.services.keys().map(String::as_str))
                    .unwrap_or_else(|| "`uses` names services declared in [services]".to_owned());
                diagnostics.push(
                    Diagnostic::error(
                        Code::UnknownDependency,
                        format!("service `{}` uses unknown service `{}`", service.name.value, dependency.value),
                    )
                    .with_label(dependency.span, "not declared in [services]")
                    .with_help(help),
                );
            }
        }
    }
    cycles(env, diagnostics);
}

/// Reports each cycle once, from its smallest name, with the span of the `uses` entry that closes it.
fn cycles(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unvisited,
        OnPath,
        Done,
    }
    let mut state: BTreeMap<&str, State> = env.services.keys().map(|name| (name.as_str(), State::Unvisited)).collect();
    for start in env.services.keys() {
        if state[start.as_str()] != State::Unvisited {
            continue;
        }
        // Iterative depth-first search: (service, index of the next dependency to follow).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, State::OnPath);
        while let Some((name, next)) = path.last_mut() {
            let service = &env.services[*name];
            let Some(dependency) = service.uses.get(*next) else {
                state.insert(name, State::Done);
                path.pop();
                continue;
            };
            *next += 1;
            let target = dependency.value.as_str();
            match state.get(target) {
                Some(State::Unvisited) => {
                    state.insert(target, State::OnPath);
                    let target = env.services.get_key_value(target).expect("state has only declared services").0;
                    path.push((target, 0));
                }
                Some(State::OnPath) => {
                    let from = path.iter().position(|(name, _)| *name == target).expect("on the path");
                    let mut cycle: Vec<&str> = path[from..].iter().map(|(name, _)| *name).collect();
                    cycle.push(target);
                    diagnostics.push(
                        Diagnostic::error(
                            Code::DependencyCycle,
                            format!(
                                "services depend on each other in a cycle: {}",
                                cycle.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" -> ")
                            ),
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
