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
    /// How many files the render has.
    pub rendered: usize,
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

/// Compiles the platform and writes `out/` and the schema, as `slipway build` does; `out/` is listed
/// while the platform compiles, and each rendered file compared with it as it is made (so `compiled`
/// holds only the files that changed: see [`Compiled::compared`]).
pub fn build(project: &Project) -> Result<Built, Error> {
    let writer = begin_write(project)?;
    let (_, mut compiled) = project.compile_against(Some(writer.against()))?;
    let written = finish_write(project, writer, &mut compiled)?;
    let schema_changed = write_schema(project)?;
    Ok(Built { compiled, written, schema_changed })
}

/// Begins the write of `out/` before the platform is compiled: refuses an output directory or a schema
/// path that is not Slipway's to write (as [`Project::guard_writes`]), then takes the lock of `out/` and
/// lists it meanwhile (see `emit::Writer`); [`finish_write`] completes it.
pub fn begin_write(project: &Project) -> Result<emit::Writer, Error> {
    let writer =
        emit::begin(&project.out, Some(&project.platform)).map_err(|error| write_error(&project.out, error))?;
    emit::check_schema_path(&project.schema).map_err(Error::Io)?;
    Ok(writer)
}

/// Makes `out/` hold exactly the files of `compiled` (a platform without errors), through a write begun
/// by [`begin_write`]: compiled against its `against` (and its comparison taken from it), or not.
pub fn finish_write(project: &Project, writer: emit::Writer, compiled: &mut Compiled) -> Result<Written, Error> {
    let out = &project.out;
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let (finished, rendered) = match compiled.compared.take() {
        Some(compared) => {
            let rendered = compared.as_ref().map_or(files.len(), |it| it.rendered);
            (writer.finish_compared(files, compared), rendered)
        }
        None => (writer.finish(files), files.len()),
    };
    let comparison = finished.map_err(|error| write_error(out, error))?;
    let warnings = output::build_warnings(out, &comparison);
    Ok(Written { comparison, warnings, rendered })
}

/// What a failed write of `out/` tells the user.
fn write_error(out: &std::path::Path, error: WriteError) -> Error {
    match error {
        WriteError::Conflicts(comparison) => Error::Refused(output::conflict_diagnostics(out, &comparison)),
        WriteError::Refused(message) => Error::Io(message),
        WriteError::Io(message) => Error::Io(format!("{message}; `{}` was left as it was", out.display())),
        WriteError::Interrupted(message) => Error::Io(format!(
            "{message}; the build of `{}` stopped part-way: each file is either old or new, and `{}` records the \
             rest: fix the cause and run `slipway build` to complete it",
            out.display(),
            display(out, emit::JOURNAL)
        )),
    }
}

/// Writes the platform's JSON Schema; `true` when the file changed.
pub fn write_schema(project: &Project) -> Result<bool, Error> {
    emit::write_schema(&project.schema, &schema::generate()).map_err(Error::Io)
}
