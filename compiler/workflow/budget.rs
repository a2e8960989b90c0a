//! `budget`: each environment's capacity table, with what the budget checks say of it.

use super::{Error, Project, known_environment};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::source::SourceFile;
use crate::{analysis, budget as tables, validate};

/// The budget tables, and the budget's diagnostics.
#[derive(Debug)]
pub struct Budgets {
    pub source: SourceFile,
    /// (environment, its table), in the order of the environments; an environment on a shared cluster
    /// gives its cluster's table (`cluster <name> (<environments>)`), once.
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
    let (mut envs, mut diagnostics) = project.resolve(&source, &platform);
    // A shared cluster's budget is over all its environments, so every environment is analysed.
    let trees = crate::resolve::clusters(&platform, &mut envs);
    let facts: Vec<analysis::Facts<'_>> = envs.iter().map(analysis::analyse).collect();
    let clusters: Vec<analysis::ClusterFacts<'_>> =
        trees.iter().map(|tree| analysis::analyse_cluster(tree, &facts)).collect();
    diagnostics.extend(validate::validate_facts(&envs, &facts));
    diagnostics.extend(validate::validate_clusters(&envs, &clusters));
    let shown = |name: &str| environment.is_none_or(|it| it == name);
    let mut tables = Vec::new();
    for facts in facts.iter().filter(|it| shown(&it.env.name.value)) {
        match &facts.env.cluster.name {
            // An environment on a shared cluster is shown in its cluster's table, once.
            Some(name) => {
                let Some(cluster) = clusters.iter().find(|it| it.tree.env.name.value == name.value) else { continue };
                let title = format!(
                    "cluster {} ({})",
                    name.value,
                    cluster.members.iter().map(|it| it.name.value.as_str()).collect::<Vec<_>>().join(", ")
                );
                if !tables.iter().any(|(it, _)| *it == title) {
                    tables.push((title, tables::table(cluster.tree.env, &cluster.budget)));
                }
            }
            None => tables.push((facts.env.name.value.clone(), tables::table(facts.env, &facts.budget))),
        }
    }
    let diagnostics = diagnostic::consolidate(diagnostics)
        .into_iter()
        .filter(|d| d.code.as_str().starts_with('B') || d.code == Code::MissingKey)
        .filter(|d| {
            environment.is_none_or(|name| d.environments.is_empty() || d.environments.iter().any(|it| it == name))
        })
        .collect();
    Ok(Budgets { source, tables, diagnostics })
}
