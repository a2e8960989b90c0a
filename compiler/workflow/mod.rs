//! Workflow: the commands of a pull request as a library, over the same pipeline as `compile`: check and
//! build a project, edit its platform (set an image, promote tags, add a service), review a change, draw
//! the graph, read the budget, start a new platform. Each operation returns values and diagnostics and
//! never prints; `cli` prints them and gives the exit code.
//!
//! Like `cli`, it composes the stages: it reads through `load` and writes through `emit`, and an edit is
//! made on the text by `edit`, compiled, and written only if the result has no error.

mod budget;
mod build;
mod check;
mod diff;
mod graph;
mod init;
mod new_service;
mod output;
mod promote;
mod set_image;

use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Code, Diagnostic, quoted_list};
use crate::source::SourceFile;
use crate::{Compiled, emit, load, model, resolve, resolved};

pub use budget::{Budgets, budget};
pub use build::{Built, Written, begin_write, build, finish_write, write_schema};
pub use check::{Checked, checked, compare, stale_diffs};
pub use diff::{Base, Review, Working, review, working};
pub use graph::{Graph, GraphFormat, graph};
pub use init::init;
pub use new_service::{NewService, new_service};
pub use output::MAX_LISTED_FILES;
pub use promote::{promote, promote_with};
pub use set_image::set_image;

/// Where a project's platform file, output directory and schema are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The platform file, `platform/platform.toml` by default.
    pub platform: PathBuf,
    /// Where rendered manifests go, `out` by default.
    pub out: PathBuf,
    /// The platform's JSON Schema, `schema/platform.schema.json` by default.
    pub schema: PathBuf,
}

/// Why an operation did not happen. `cli` gives exit code 2 for `Usage` and `Io`, 1 for the others.
#[derive(Debug)]
pub enum Error {
    /// The request names what the platform does not have, or a tag no image can hold.
    Usage(Box<Diagnostic>),
    /// A file could not be read or written, or a path is not Slipway's to write.
    Io(String),
    /// The platform has errors (or is not UTF-8); the diagnostics point into `source`.
    Invalid { source: SourceFile, diagnostics: Vec<Diagnostic> },
    /// The edit cannot be made: what it changes is missing from the platform.
    Edit(Box<Diagnostic>),
    /// Refused, and nothing was written: a policy forbids the change, or files stand in the way.
    Refused(Vec<Diagnostic>),
    /// The edited platform would have errors; the diagnostics point into the edited text, `source`.
    WouldBreak { source: SourceFile, diagnostics: Vec<Diagnostic> },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = |diagnostics: &[Diagnostic]| diagnostics.iter().filter(|d| d.is_error()).count();
        match self {
            Error::Usage(diagnostic) | Error::Edit(diagnostic) => f.write_str(&diagnostic.message),
            Error::Io(message) => f.write_str(message),
            Error::Invalid { source, diagnostics } => {
                let count = errors(diagnostics);
                write!(f, "{} has {count} error{}", source.path, plural(count))
            }
            Error::Refused(diagnostics) => {
                let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                write!(f, "{}; nothing was written", messages.join("; "))
            }
            Error::WouldBreak { source, diagnostics } => {
                let count = errors(diagnostics);
                write!(f, "the change would give `{}` {count} error{}", source.path, plural(count))
            }
        }
    }
}

impl std::error::Error for Error {}

impl Project {
    /// The layout `slipway` uses by default, under `root`.
    pub fn at(root: impl AsRef<Path>) -> Project {
        let root = root.as_ref();
        Project {
            platform: root.join("platform/platform.toml"),
            out: root.join("out"),
            schema: root.join("schema/platform.schema.json"),
        }
    }

    /// Reads the platform file: a file that is not UTF-8 is a located mistake in it.
    pub fn read(&self) -> Result<SourceFile, Error> {
        match load::read(&self.platform) {
            Ok(source) => Ok(source),
            Err(load::ReadError::Io(message)) => Err(Error::Io(message)),
            Err(load::ReadError::NotUtf8(source, diagnostic)) => {
                Err(Error::Invalid { source, diagnostics: vec![*diagnostic] })
            }
        }
    }

    /// Reads and parses the platform file.
    pub fn load(&self) -> Result<(SourceFile, model::Platform), Error> {
        let source = self.read()?;
        match load::parse(&source) {
            Ok(platform) => Ok((source, platform)),
            Err(diagnostics) => Err(Error::Invalid { source, diagnostics }),
        }
    }

    /// The files the platform refers to (its SealedSecrets), read as `check` reads them.
    pub fn attachments(&self, platform: &model::Platform) -> load::Attachments {
        load::read_attachments(&self.platform, platform)
    }

    /// The platform's environments, resolved with the files it refers to.
    pub fn resolve(&self, source: &SourceFile, platform: &model::Platform) -> (Vec<resolved::Env>, Vec<Diagnostic>) {
        resolve::resolve(platform, source, &self.attachments(platform))
    }

    /// Reads and compiles the platform; `Err` when it has an error. The compiled platform carries its warnings.
    pub fn compile(&self) -> Result<(SourceFile, Compiled), Error> {
        self.compile_against(None)
    }

    /// [`Project::compile`], against `out/` when `against` is given: each rendered file is compared with
    /// it as it is made, and only those that differ are kept (see [`Compiled::compared`]).
    pub fn compile_against(&self, against: Option<&emit::Against>) -> Result<(SourceFile, Compiled), Error> {
        let source = self.read()?;
        let compiled = self.compile_source(&source, against);
        if compiled.has_errors() {
            return Err(Error::Invalid { source, diagnostics: compiled.diagnostics });
        }
        Ok((source, compiled))
    }

    /// Compiles a text of the platform with the files it refers to, against `out/` when `against` is
    /// given (see [`Project::compile_against`]). Parsed here, because the SealedSecret files to read depend
    /// on what the platform declares.
    pub fn compile_source(&self, source: &SourceFile, against: Option<&emit::Against>) -> Compiled {
        match load::parse(source) {
            Ok(platform) => {
                let attachments = self.attachments(&platform);
                let compiled = crate::compile_against(&platform, source, &attachments, against);
                crate::parallel::drop_later((platform, attachments));
                compiled
            }
            Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new(), compared: None },
        }
    }

    /// Refuses an output directory that is not Slipway's to write or walk (see `emit::check_output_directory`).
    pub fn guard_out(&self) -> Result<(), Error> {
        emit::check_output_directory(&self.out, Some(&self.platform)).map_err(Error::Io)
    }

    /// Refuses the output directory or the schema path before anything is written.
    pub fn guard_writes(&self) -> Result<(), Error> {
        self.guard_out()?;
        emit::check_schema_path(&self.schema).map_err(Error::Io)
    }
}

/// An edit of the platform file, made on its text but not yet written: `apply` writes it if it is valid.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The platform file's new text.
    pub text: String,
    /// What the edit changes.
    pub change: Change,
}

/// What an edit changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A service's image, in the base platform or in one environment's overlay.
    Image { service: String, environment: Option<String>, before: String, after: String },
    /// Image tags copied from one environment to another: (service, image before, image after).
    Promoted { from: String, to: String, images: Vec<(String, String, String)> },
    /// A new service, with the image it was given.
    Service { name: String, image: String },
}

impl Edit {
    /// Writes the edited platform if it compiles (with the files it refers to, as `check` reads them);
    /// otherwise writes nothing. Gives the platform as written and compiled (against `out/` when `against`
    /// is given, as [`Project::compile_against`]), which a build then writes out without compiling it again.
    pub fn apply(&self, project: &Project, against: Option<&emit::Against>) -> Result<(SourceFile, Compiled), Error> {
        project.guard_writes()?;
        let source = SourceFile::new(project.platform.display().to_string(), self.text.as_str());
        let compiled = project.compile_source(&source, against);
        if compiled.has_errors() {
            return Err(Error::WouldBreak { source, diagnostics: compiled.diagnostics });
        }
        emit::write_file(&project.platform, &self.text).map_err(Error::Io)?;
        Ok((source, compiled))
    }
}

/// `Err` with a usage error when `name` is not one of the platform's environments.
pub fn known_environment(platform: &model::Platform, name: &str) -> Result<(), Error> {
    let names: Vec<&str> = platform.environments.keys().map(|key| key.value.as_str()).collect();
    if names.contains(&name) {
        return Ok(());
    }
    let help = diagnostic::did_you_mean(name, names.iter().copied()).unwrap_or_else(|| {
        if names.is_empty() {
            "the platform declares no environment: add `[environments.<name>]`".to_owned()
        } else {
            format!("the environments are {}", quoted_list(&names))
        }
    });
    Err(Error::Usage(Box::new(
        Diagnostic::error(Code::UnknownEnvironment, format!("there is no environment `{name}`")).with_help(help),
    )))
}

/// `Err` with a usage error when `name` is not one of the platform's services.
pub fn known_service(platform: &model::Platform, name: &str) -> Result<(), Error> {
    let names: Vec<&str> = platform.services.keys().map(|key| key.value.as_str()).collect();
    if names.contains(&name) {
        return Ok(());
    }
    let help = diagnostic::did_you_mean(name, names.iter().copied()).unwrap_or_else(|| {
        if names.len() > 10 {
            "the services are the `[services.<name>]` tables".to_owned()
        } else {
            format!("the services are {}", quoted_list(&names))
        }
    });
    Err(Error::Usage(Box::new(
        Diagnostic::error(Code::UnknownServiceArgument, format!("there is no service `{name}`")).with_help(help),
    )))
}

/// (environment, service) -> image, after merging.
fn images_of(envs: &[resolved::Env]) -> std::collections::BTreeMap<(String, String), String> {
    envs.iter()
        .flat_map(|env| {
            env.services
                .values()
                .map(move |service| ((env.name.value.clone(), service.name.value.clone()), service.image.value.clone()))
        })
        .collect()
}

/// `out/<relative>` as shown to people.
pub(crate) fn display(out: &Path, relative: &str) -> String {
    out.join(relative).display().to_string()
}

pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
