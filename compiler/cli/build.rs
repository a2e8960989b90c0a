//! `slipway build`.

use super::{Context, ExitStatus, Printer, compile, release, report};
use crate::Compiled;
use crate::emit;
use crate::source::SourceFile;
use crate::workflow;

pub(super) fn run(context: &Context, printer: &mut Printer) -> ExitStatus {
    let writer = match begin(context, printer) {
        Ok(writer) => writer,
        Err(status) => return status,
    };
    let (_, compiled) = match compile(context, Some(writer.against()), printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    write(context, compiled, writer, printer)
}

/// Begins the write of `out/` before the platform (or an edit of it) is compiled, so that `out/` is listed
/// meanwhile and each rendered file compared with it as it is made; the output directory and the schema
/// path are refused here if they are not Slipway's to write (`workflow::begin_write`).
pub(super) fn begin(context: &Context, printer: &mut Printer) -> Result<emit::Writer, ExitStatus> {
    workflow::begin_write(&context.project).map_err(|error| printer.failed(error))
}

/// After an edit: the platform as the edit wrote and compiled it (and checked the paths), its warnings
/// reported here, then written out through the write begun before the edit.
pub(super) fn edited(
    context: &Context,
    source: &SourceFile,
    compiled: Compiled,
    writer: emit::Writer,
    printer: &mut Printer,
) -> ExitStatus {
    if let Err(status) = report(context, source, &compiled, printer) {
        return status;
    }
    write(context, compiled, writer, printer)
}

/// Writes a compiled platform's `out/` and schema, and says what changed.
fn write(context: &Context, mut compiled: Compiled, writer: emit::Writer, printer: &mut Printer) -> ExitStatus {
    let project = &context.project;
    let written = match workflow::finish_write(project, writer, &mut compiled) {
        Ok(written) => written,
        Err(error) => return printer.failed(error),
    };
    printer.diagnostics(&written.warnings, None);
    let comparison = &written.comparison;
    if comparison.interrupted {
        printer.out(&format!("completed the interrupted build of `{}`\n", project.out.display()));
    }
    let schema_changed = match workflow::write_schema(project) {
        Ok(changed) => changed,
        Err(error) => return printer.failed(error),
    };
    printer.out(&format!(
        "built `{}`: {} added, {} changed, {} removed, {} unchanged{}\n",
        project.out.display(),
        comparison.added.len(),
        comparison.changed.len(),
        comparison.removed.len(),
        written.rendered - comparison.added.len() - comparison.changed.len(),
        if schema_changed { format!("; wrote `{}`", project.schema.display()) } else { String::new() }
    ));
    release(compiled);
    ExitStatus::Success
}
