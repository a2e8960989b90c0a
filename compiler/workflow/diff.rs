//! `diff`: what a change does to the rendered platform, compared with `out/` or with the platform at a
//! Git revision, summarised by `review`.

use super::{Error, Project, known_environment};
use crate::source::SourceFile;
use crate::{Compiled, emit, load, review};

/// The working platform, compiled, ready to be compared.
#[derive(Debug)]
pub struct Working {
    pub source: SourceFile,
    /// The compiled platform, with its warnings.
    pub compiled: Compiled,
    environment: Option<String>,
}

/// What the working platform is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base<'a> {
    /// The files in `out/`.
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
    let compiled = crate::compile_platform(&platform, &source, &project.attachments(&platform));
    if compiled.has_errors() {
        return Err(Error::Invalid { source, diagnostics: compiled.diagnostics });
    }
    Ok(Working { source, compiled, environment: environment.map(str::to_owned) })
}

/// Compiles the working platform and compares it with `base`.
pub fn review(project: &Project, environment: Option<&str>, base: Base<'_>) -> Result<Review, Error> {
    working(project, environment)?.review(project, base)
}

impl Working {
    /// Compares the working platform with `base`.
    pub fn review(self, project: &Project, base: Base<'_>) -> Result<Review, Error> {
        let after = self.compiled.files.expect("a platform without errors has files");
        let before = match base {
            Base::Revision(revision) => {
                let source = load::read_at_revision(&project.platform, revision).map_err(Error::Io)?;
                // The base is compiled with its own SealedSecret files, as they were at the revision.
                let compiled = match load::parse(&source) {
                    Ok(base) => crate::compile_platform(
                        &base,
                        &source,
                        &load::read_attachments_at(&project.platform, revision, &base),
                    ),
                    Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new() },
                };
                // A base that does not compile is shown as empty, so the whole render reads as added.
                compiled.files.unwrap_or_default()
            }
            Base::Out => {
                project.guard_out()?;
                emit::generated_files(&project.out)
                    .map_err(|error| Error::Io(format!("cannot read `{}`: {error}", project.out.display())))?
            }
        };
        let keep = |path: &String| self.environment.as_ref().is_none_or(|env| path.starts_with(&format!("{env}/")));
        let before: emit::Files = before.into_iter().filter(|(path, _)| keep(path)).collect();
        let after: emit::Files = after.into_iter().filter(|(path, _)| keep(path)).collect();
        let changes = review::changes(&before, &after);
        let summaries = review::summarize(&changes);
        Ok(Review { changes, summaries })
    }
}
