//! `slipway new service NAME [--runtime R] [--route PATH ...] [--uses NAME ...]`.

use super::{Context, ExitStatus, Printer, build};
use crate::workflow::{self, Change, NewService};

pub(super) fn run(context: &Context, service: &NewService, printer: &mut Printer) -> ExitStatus {
    // `out/` is listed while the platform is read, edited and compiled.
    let writer = match build::begin(context, printer) {
        Ok(writer) => writer,
        Err(status) => return status,
    };
    let edit = match workflow::new_service(&context.project, service) {
        Ok(edit) => edit,
        Err(error) => return printer.failed(error),
    };
    let (source, compiled) = match edit.apply(&context.project, Some(writer.against())) {
        Ok(it) => it,
        Err(error) => return printer.failed(error),
    };
    if let Change::Service { name, image } = &edit.change {
        printer.out(&format!("added service `{name}` ({image})\n"));
    }
    build::edited(context, &source, compiled, writer, printer)
}
