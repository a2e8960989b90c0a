//! Validate: takes the `resolved::Env` of every environment, gives every problem found in them as
//! diagnostics. It never stops at the first problem; one file per family of checks.

mod autoscale;
mod budget;
mod components;
mod names;
mod policy;
mod ports;
mod references;
mod routes;
mod secrets;

use crate::diagnostic::Diagnostic;
use crate::resolved;

/// Runs every check on every environment, then the checks that look across environments.
pub fn validate(envs: &[resolved::Env]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for env in envs {
        diagnostics.extend(validate_env(env));
    }
    secrets::unused(envs, &mut diagnostics);
    ports::registry(envs, &mut diagnostics);
    diagnostics
}

/// The checks of one environment; each diagnostic names the environment.
fn validate_env(env: &resolved::Env) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    names::check(env, &mut diagnostics);
    references::check(env, &mut diagnostics);
    secrets::check(env, &mut diagnostics);
    ports::check(env, &mut diagnostics);
    routes::check(env, &mut diagnostics);
    autoscale::check(env, &mut diagnostics);
    budget::check(env, &mut diagnostics);
    components::check(env, &mut diagnostics);
    policy::check(env, &mut diagnostics);
    for diagnostic in &mut diagnostics {
        diagnostic.environments = vec![env.name.value.clone()];
    }
    diagnostics
}
