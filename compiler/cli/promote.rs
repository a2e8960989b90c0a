//! `slipway promote FROM TO [--service S ...] [--force]`.

use super::{Context, ExitStatus, Printer, build};
use crate::workflow::{self, Change};

pub(super) fn run(
    context: &Context,
    from: &str,
    to: &str,
    services: &[String],
    force: bool,
    printer: &mut Printer,
) -> ExitStatus {
    let edit = match workflow::promote_with(&context.project, from, to, services, force) {
        Ok(Some(edit)) => edit,
        Ok(None) => {
            printer.out(&format!("nothing to promote: `{to}` already runs the tags of `{from}`\n"));
            return ExitStatus::Success;
        }
        Err(error) => return printer.failed(error),
    };
    // `out/` is listed while the edited platform compiles.
    let writer = match build::begin(context, printer) {
        Ok(writer) => writer,
        Err(status) => return status,
    };
    let (source, compiled) = match edit.apply(&context.project, Some(writer.against())) {
        Ok(it) => it,
        Err(error) => return printer.failed(error),
    };
    if let Change::Promoted { from, to, images } = &edit.change {
        let lines: Vec<String> =
            images.iter().map(|(service, before, after)| format!("{service}: {before} -> {after}")).collect();
        printer.out(&format!("promoted {from} -> {to}:\n  {}\n", lines.join("\n  ")));
    }
    build::edited(context, &source, compiled, writer, printer)
}
