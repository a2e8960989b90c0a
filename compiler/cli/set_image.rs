//! `slipway set-image SERVICE TAG [--env E]`.

use super::{Context, ExitStatus, Printer, build};
use crate::workflow::{self, Change};

pub(super) fn run(context: &Context, service: &str, tag: &str, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    // `out/` is listed while the platform is read, edited and compiled.
    let writer = match build::begin(context, printer) {
        Ok(writer) => writer,
        Err(status) => return status,
    };
    let edit = match workflow::set_image(&context.project, service, tag, env) {
        Ok(edit) => edit,
        Err(error) => return printer.failed(error),
    };
    let (source, compiled) = match edit.apply(&context.project, Some(writer.against())) {
        Ok(it) => it,
        Err(error) => return printer.failed(error),
    };
    if let Change::Image { service, environment, before, after } = &edit.change {
        let place = environment.as_ref().map(|env| format!(" in {env}")).unwrap_or_default();
        printer.out(&format!("{service}{place}: {before} -> {after}\n"));
    }
    build::edited(context, &source, compiled, writer, printer)
}
