//! `check`: whether `out/` and the schema are what a fresh render gives.

use std::io;
use std::path::Path;

use super::{Error, Project, display, output};
use crate::diagnostic::{Code, Diagnostic};
use crate::emit::{self, Comparison};
use crate::schema;

/// How `out/` and the schema on disk compare with a fresh render.
#[derive(Debug)]
pub struct Checked {
    pub comparison: Comparison,
    /// What is wrong with `out/` and the schema: stale, hand-written, linked or special files.
    pub problems: Vec<Diagnostic>,
    /// The schema on disk, if there is one.
    pub schema_on_disk: Option<String>,
    /// The schema a fresh render writes.
    pub fresh_schema: String,
}

impl Checked {
    /// Whether the schema on disk is there and differs from a fresh one.
    pub fn schema_differs(&self) -> bool {
        self.schema_on_disk.as_ref().is_some_and(|old| *old != self.fresh_schema)
    }
}

/// Compares `out/` with `files` (a fresh render of the project's platform) and the schema on disk with a
/// fresh one.
pub fn compare(project: &Project, files: &emit::Files) -> Result<Checked, Error> {
    checked(project, emit::Against::now(&project.out).compare_files(files))
}

/// [`compare`], for a render compared with `out/` as it was made (`check` compiles against `out/`).
pub fn checked(project: &Project, compared: io::Result<emit::Compared>) -> Result<Checked, Error> {
    let out = &project.out;
    let comparison =
        compared.map_err(|error| Error::Io(format!("cannot read `{}`: {error}", out.display())))?.comparison;
    let mut problems = output::check_diagnostics(&project.out, &comparison);
    let fresh_schema = schema::generate();
    let schema_on_disk = emit::read_schema(&project.schema).map_err(Error::Io)?;
    if schema_on_disk.as_deref() != Some(fresh_schema.as_str()) {
        let state = if schema_on_disk.is_some() { "out of date" } else { "missing" };
        problems.push(
            Diagnostic::error(Code::StaleSchema, format!("`{}` is {state}", project.schema.display()))
                .with_help("run `slipway build` (or `slipway schema`) and commit the result"),
        );
    }
    Ok(Checked { comparison, problems, schema_on_disk, fresh_schema })
}

/// The unified diffs that turn the stale files of `out/` into `files`.
pub fn stale_diffs(out: &Path, comparison: &Comparison, files: &emit::Files) -> String {
    let mut text = String::new();
    for path in &comparison.added {
        text.push_str(&emit::unified_diff(&display(out, path), "", &files[path]));
    }
    for (path, old) in &comparison.changed {
        text.push_str(&emit::unified_diff(&display(out, path), old, &files[path]));
    }
    for (path, old) in &comparison.removed {
        text.push_str(&emit::unified_diff(&display(out, path), old, ""));
    }
    text
}
