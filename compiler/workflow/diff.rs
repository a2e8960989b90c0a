//! `diff`: what a change does to the rendered platform, compared with `out/` or with the platform at a
//! Git revision, summarised by `review` from the files and from both platforms' facts.

use std::collections::BTreeSet;

use super::{Error, Project, display, known_environment};
use crate::review::{self, EnvFacts, Side};
use crate::source::SourceFile;
use crate::{Compiled, emit, load, model};

/// The working platform, compiled, ready to be compared.
#[derive(Debug)]
pub struct Working {
    pub source: SourceFile,
    /// The compiled platform, with its warnings.
    pub compiled: Compiled,
    /// What the review reads of each environment.
    facts: Side,
    environment: Option<String>,
}

/// What the working platform is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base<'a> {
    /// The files in `out/`. Their facts are those of the platform committed at `HEAD` when `out/` is its
    /// render; otherwise only the files are summarised.
    Out,
    /// The platform as it was at a Git revision, rendered.
    Revision(&'a str),
}

/// A change: every file that differs, and a summary per environment.
#[derive(Debug)]
pub struct Review {
    pub changes: Vec<review::Change>,
    pub summaries: Vec<review::Summary>,
}

impl Review {
    pub fn text(&self) -> String {
        review::text(&self.summaries, &self.changes)
    }

    pub fn markdown(&self) -> String {
        review::markdown(&self.summaries, &self.changes)
    }
}

/// Compiles the working platform, for `environment` only when one is named.
pub fn working(project: &Project, environment: Option<&str>) -> Result<Working, Error> {
    let (source, platform) = project.load()?;
    if let Some(environment) = environment {
        known_environment(&platform, environment)?;
    }
    let (compiled, facts) = compile(&platform, &source, &project.attachments(&platform));
    if compiled.has_errors() {
        return Err(Error::Invalid { source, diagnostics: compiled.diagnostics });
    }
    Ok(Working { source, compiled, facts, environment: environment.map(str::to_owned) })
}

/// Compiles the working platform and compares it with `base`.
pub fn review(project: &Project, environment: Option<&str>, base: Base<'_>) -> Result<Review, Error> {
    working(project, environment)?.review(project, base)
}

impl Working {
    /// Compares the working platform with `base`.
    pub fn review(self, project: &Project, base: Base<'_>) -> Result<Review, Error> {
        let keep = |path: &String| self.environment.as_ref().is_none_or(|env| path.starts_with(&format!("{env}/")));
        let only = |files: emit::Files| -> emit::Files { files.into_iter().filter(|(path, _)| keep(path)).collect() };
        let after = only(self.compiled.files.expect("a platform without errors has files"));
        let (before, facts) = match base {
            Base::Revision(revision) => {
                let source = load::read_at_revision(&project.platform, revision)
                    .map_err(|error| Error::Io(error.to_string()))?;
                let (files, facts) = at_revision(project, &source, revision);
                // A base that does not compile is shown as empty, so the whole render reads as added.
                (only(files.unwrap_or_default()), Some(facts))
            }
            Base::Out => {
                project.guard_out()?;
                let files = emit::generated_files(&project.out)
                    .map_err(|error| Error::Io(format!("cannot read `{}`: {error}", project.out.display())))?;
                (only(files), None)
            }
        };
        let changes = review::changes(&before, &after);
        // The platform `out/` was built from is looked for only when there is a change to summarise.
        let facts = match facts {
            Some(facts) => facts,
            None if changes.is_empty() => Side::default(),
            None => facts_of_out(project, &before, &after),
        };
        let summaries = review::summarize(&changes, &facts, &self.facts);
        Ok(Review { changes, summaries })
    }
}

/// Compiles a platform, with the review's facts of each environment.
fn compile(platform: &model::Platform, source: &SourceFile, attachments: &load::Attachments) -> (Compiled, Side) {
    let (compiled, facts) = crate::compile_observed(platform, source, attachments, EnvFacts::of);
    let environments = compiled.environments.iter().cloned().zip(facts).collect();
    (compiled, Side { environments, unknown: std::collections::BTreeMap::new() })
}

/// The files and facts of the platform at `revision`, compiled with its own SealedSecret files as they were
/// then; no files and no environments when it does not compile.
fn at_revision(project: &Project, source: &SourceFile, revision: &str) -> (Option<emit::Files>, Side) {
    let Ok(platform) = load::parse(source) else { return (None, Side::default()) };
    let (compiled, facts) =
        compile(&platform, source, &load::read_attachments_at(&project.platform, revision, &platform));
    if compiled.has_errors() { (None, Side::default()) } else { (compiled.files, facts) }
}

/// What the review knows of the platform `out/` was rendered from: `out/` holds files, not the platform, so
/// the facts are those of the platform committed at `HEAD`, for each environment whose files in `out/` are
/// exactly that platform's render. Other environments are summarised by their files only, and say why.
fn facts_of_out(project: &Project, out: &emit::Files, working: &emit::Files) -> Side {
    let environments: BTreeSet<&str> =
        out.keys().chain(working.keys()).filter_map(|path| path.split_once('/')).map(|(env, _)| env).collect();
    let platform = project.platform.display();
    let head = load::read_at_revision(&project.platform, "HEAD")
        .map_err(|error| {
            let why = match error {
                load::RevisionError::NoGit(_) => "Git, which reads it, cannot run".to_owned(),
                load::RevisionError::Unreadable(_) => {
                    format!("`{platform}` is not committed at `HEAD` in a Git checkout")
                }
            };
            format!("the platform `{}` was built from is not at hand: {why}", project.out.display())
        })
        .and_then(|source| match at_revision(project, &source, "HEAD") {
            (Some(files), facts) => Ok((files, facts)),
            (None, _) => Err(format!("`{platform}` as committed at `HEAD` has errors")),
        });
    let mut side = Side::default();
    for environment in environments {
        let (files, facts) = match &head {
            Ok(head) => head,
            Err(why) => {
                side.unknown.insert(environment.to_owned(), why.clone());
                continue;
            }
        };
        let prefix = format!("{environment}/");
        let inside = |(path, _): &(&String, &String)| path.starts_with(&prefix);
        if files.iter().filter(inside).eq(out.iter().filter(inside)) {
            if let Some(facts) = facts.environments.get(environment) {
                side.environments.insert(environment.to_owned(), facts.clone());
            }
        } else {
            side.unknown.insert(
                environment.to_owned(),
                format!(
                    "`{}` is not the render of `{platform}` as committed at `HEAD`",
                    display(&project.out, environment)
                ),
            );
        }
    }
    side
}
