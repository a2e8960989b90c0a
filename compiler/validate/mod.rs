//! Validate: takes the `resolved::Env` of every environment, gives every problem found in them as
//! diagnostics. It never stops at the first problem; one file per family of checks.

mod alb;
mod autoscale;
mod budget;
mod clusters;
mod components;
mod credentials;
mod delivery;
mod kubernetes;
pub mod manifests;
mod names;
mod pods;
mod policy;
mod ports;
mod references;
mod routes;
mod secrets;
mod sync;

use crate::analysis::Facts;
pub(crate) use delivery::not_accepted as image_tag_not_accepted;
pub use kubernetes::{MEASURED_FROM, object_size};

use crate::diagnostic::Diagnostic;
use crate::resolved;

/// Runs every check on every environment, then the checks that look across environments.
pub fn validate(envs: &[resolved::Env]) -> Vec<Diagnostic> {
    let facts: Vec<Facts<'_>> = envs.iter().map(crate::analysis::analyse).collect();
    validate_facts(envs, &facts)
}

/// The same, over environments already analysed (`facts` in the order of `envs`).
pub fn validate_facts(envs: &[resolved::Env], facts: &[Facts<'_>]) -> Vec<Diagnostic> {
    let across = || {
        let mut diagnostics = Vec::new();
        secrets::unused(envs, &mut diagnostics);
        ports::registry(envs, facts, &mut diagnostics);
        routes::across_environments(facts, &mut diagnostics);
        delivery::platform(envs, &mut diagnostics);
        diagnostics
    };
    // Each environment's checks are its own (a thread each), and the checks across environments one more
    // piece beside them. The order of the diagnostics stays fixed.
    let pieces: Vec<Option<&Facts<'_>>> = facts.iter().map(Some).chain([None]).collect();
    let found = crate::parallel::map(&pieces, |piece| piece.map_or_else(across, validate_env));
    found.into_iter().flatten().collect()
}

/// The checks of the shared clusters (`[clusters]`): their names, the cluster-wide components of the
/// environments on each, and each cluster's budget over all of them.
pub fn validate_clusters(envs: &[resolved::Env], clusters: &[crate::analysis::ClusterFacts<'_>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    clusters::check(envs, clusters, &mut diagnostics);
    // The plain manifests a cluster's tree holds (see `resolve::clusters`) are checked there.
    for cluster in clusters {
        let mut found = Vec::new();
        manifests::check(&cluster.tree, &mut found);
        for diagnostic in &mut found {
            diagnostic.environments = vec![cluster.tree.env.name.value.clone()];
        }
        diagnostics.extend(found);
    }
    diagnostics
}

/// The checks of one environment; each diagnostic names the environment.
fn validate_env(facts: &Facts<'_>) -> Vec<Diagnostic> {
    let env = facts.env;
    let mut diagnostics = Vec::new();
    names::check(env, &mut diagnostics);
    references::check(facts, &mut diagnostics);
    secrets::check(facts, &mut diagnostics);
    ports::check(env, &mut diagnostics);
    routes::check(facts, &mut diagnostics);
    alb::check(env, &mut diagnostics);
    autoscale::check(env, &mut diagnostics);
    budget::check(facts, &mut diagnostics);
    components::check(env, &mut diagnostics);
    policy::check(env, &mut diagnostics);
    pods::check(env, &mut diagnostics);
    kubernetes::check(env, &mut diagnostics);
    delivery::check(env, &mut diagnostics);
    manifests::check(facts, &mut diagnostics);
    // The waves mean something only for an otherwise valid environment (a cycle has no order).
    if !diagnostics.iter().any(Diagnostic::is_error) {
        sync::check(facts, &mut diagnostics);
    }
    for diagnostic in &mut diagnostics {
        diagnostic.environments = vec![env.name.value.clone()];
    }
    diagnostics
}

/// A whole number with thousands separated by commas, for messages: `262,144`.
fn thousands(number: impl std::fmt::Display) -> String {
    let digits = number.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}
