//! Validate: takes one `resolved::Env`, gives every problem found in it as diagnostics. It never stops at
//! the first problem; one file per family of checks.

mod names;
mod secrets;

use crate::diagnostic::Diagnostic;
use crate::resolved;

/// Runs every check on one environment; each diagnostic names the environment.
pub fn validate(env: &resolved::Env) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    names::check(env, &mut diagnostics);
    secrets::check(env, &mut diagnostics);
    for diagnostic in &mut diagnostics {
        diagnostic.environments = vec![env.name.value.clone()];
    }
    diagnostics
}
