//! `slipway init [DIR]`.

use std::path::Path;

use super::{Context, ExitStatus, Printer, build};
use crate::workflow;

pub(super) fn run(context: &Context, dir: Option<&Path>, printer: &mut Printer) -> ExitStatus {
    let project = match workflow::init(dir.unwrap_or(Path::new("."))) {
        Ok(project) => project,
        Err(error) => return printer.failed(error),
    };
    printer.out(&format!("wrote `{}`\n", project.platform.display()));
    let context = Context { project, format: context.format, deny_warnings: context.deny_warnings };
    build::run(&context, printer)
}
