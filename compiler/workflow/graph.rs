//! `graph`: one environment's dependency graph, drawn.

use super::{Error, Project, known_environment};
use crate::render;

/// How the graph is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// A Mermaid flowchart in a Markdown code block, which GitHub draws.
    Mermaid,
    /// Graphviz.
    Dot,
}

/// A drawn graph.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The environment drawn.
    pub environment: String,
    /// Every environment of the platform, sorted by name.
    pub environments: Vec<String>,
    pub text: String,
}

/// The dependency graph of `environment` (default: the first by name): services, components and routes.
pub fn graph(project: &Project, environment: Option<&str>, format: GraphFormat) -> Result<Graph, Error> {
    let (source, platform) = project.load()?;
    if let Some(environment) = environment {
        known_environment(&platform, environment)?;
    }
    let (envs, _) = project.resolve(&source, &platform);
    let chosen = match environment {
        Some(name) => envs.iter().find(|it| it.name.value == name),
        None => envs.first(),
    };
    let Some(chosen) = chosen else {
        // No environment at all: compiling says so, located.
        return Err(match project.compile() {
            Err(error) => error,
            Ok((source, compiled)) => Error::Invalid { source, diagnostics: compiled.diagnostics },
        });
    };
    let text = match format {
        GraphFormat::Dot => render::dot(chosen),
        GraphFormat::Mermaid => render::mermaid(chosen),
    };
    Ok(Graph {
        environment: chosen.name.value.clone(),
        environments: envs.iter().map(|env| env.name.value.clone()).collect(),
        text,
    })
}
