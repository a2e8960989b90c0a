//! `build`: `out/` and the schema written from the platform.

use super::{Error, Project, display, output};
use crate::diagnostic::Diagnostic;
use crate::emit::{self, Comparison, WriteError};
use crate::{Compiled, schema};

/// What writing `out/` did.
#[derive(Debug)]
pub struct Written {
    /// What changed: files added, changed and removed, and what was left alone.
    pub comparison: Comparison,
    /// Files in `out/` Slipway did not generate, links, and what an older build left.
    pub warnings: Vec<Diagnostic>,
}

/// What `build` did.
#[derive(Debug)]
pub struct Built {
    /// The compiled platform, with its warnings.
    pub compiled: Compiled,
    pub written: Written,
    /// Whether the schema file changed.
    pub schema_changed: bool,
}

/// Compiles the platform and writes `out/` and the schema, as `slipway build` does.
pub fn build(project: &Project) -> Result<Built, Error> {
    project.guard_writes()?;
    let (_, compiled) = project.compile()?;
    let written = write_out(project, compiled.files.as_ref().expect("a platform without errors has files"))?;
    let schema_changed = write_schema(project)?;
    Ok(Built { compiled, written, schema_changed })
}

/// Makes `out/` hold exactly `files` (and whatever Slipway did not generate there).
pub fn write_out(project: &Project, files: &emit::Files) -> Result<Written, Error> {
    let out = &project.out;
    let comparison = match emit::write(out, files) {
        Ok(comparison) => comparison,
        Err(WriteError::Conflicts(comparison)) => {
            return Err(Error::Refused(output::conflict_diagnostics(out, &comparison)));
        }
        Err(WriteError::Refused(message)) => return Err(Error::Io(message)),
        Err(WriteError::Io(message)) => {
            return Err(Error::Io(format!("{message}; `{}` was left as it was", out.display())));
        }
        Err(WriteError::Interrupted(message)) => {
            return Err(Error::Io(format!(
                "{message}; the build of `{}` stopped part-way: each file is either old or new, and `{}` \
                 records the rest: fix the cause and run `slipway build` to complete it",
                out.display(),
                display(out, emit::JOURNAL)
            )));
        }
    };
    let warnings = output::build_warnings(out, &comparison);
    Ok(Written { comparison, warnings })
}

/// Writes the platform's JSON Schema; `true` when the file changed.
pub fn write_schema(project: &Project) -> Result<bool, Error> {
    emit::write_schema(&project.schema, &schema::generate()).map_err(Error::Io)
}
