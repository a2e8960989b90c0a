//! `budget`: each environment's capacity table, with what the budget checks say of it.

use super::{Error, Project, known_environment};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::source::SourceFile;
use crate::{analysis, budget as tables, validate};

/// The budget tables, and the budget's diagnostics.
#[derive(Debug)]
pub struct Budgets {
    pub source: SourceFile,
    /// (environment, its table), in the order of the environments.
    pub tables: Vec<(String, String)>,
    /// The budget checks' findings (and missing keys), for the environments shown.
    pub diagnostics: Vec<Diagnostic>,
}

/// The budget of every environment, or of `environment`. The tables are given even when the platform has
/// errors: they are most useful when the budget does not fit.
pub fn budget(project: &Project, environment: Option<&str>) -> Result<Budgets, Error> {
    let (source, platform) = project.load()?;
    if let Some(environment) = environment {
        known_environment(&platform, environment)?;
    }
    let (envs, mut diagnostics) = project.resolve(&source, &platform);
    let envs: Vec<crate::resolved::Env> =
        envs.into_iter().filter(|it| environment.is_none_or(|name| it.name.value == name)).collect();
    let facts: Vec<analysis::Facts<'_>> = envs.iter().map(analysis::analyse).collect();
    diagnostics.extend(validate::validate_facts(&envs, &facts));
    let tables =
        facts.iter().map(|facts| (facts.env.name.value.clone(), tables::table(facts.env, &facts.budget))).collect();
    let diagnostics = diagnostic::consolidate(diagnostics)
        .into_iter()
        .filter(|d| d.code.as_str().starts_with('B') || d.code == Code::MissingKey)
        .filter(|d| {
            environment.is_none_or(|name| d.environments.is_empty() || d.environments.iter().any(|it| it == name))
        })
        .collect();
    Ok(Budgets { source, tables, diagnostics })
}
