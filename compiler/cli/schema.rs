//! `slipway schema`.

use super::{Context, ExitStatus, Printer};
use crate::workflow;

pub(super) fn run(context: &Context, printer: &mut Printer) -> ExitStatus {
    match workflow::write_schema(&context.project) {
        Ok(changed) => {
            let verb = if changed { "wrote" } else { "unchanged:" };
            printer.out(&format!("{verb} `{}`\n", context.project.schema.display()));
            ExitStatus::Success
        }
        Err(error) => printer.failed(error),
    }
}
