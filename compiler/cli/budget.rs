//! `slipway budget [--env E]`.

use super::{Context, ExitStatus, Printer};
use crate::diagnostic::Diagnostic;
use crate::workflow;

pub(super) fn run(context: &Context, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    let budgets = match workflow::budget(&context.project, env) {
        Ok(budgets) => budgets,
        Err(error) => return printer.failed(error),
    };
    let mut text = String::new();
    for (name, table) in &budgets.tables {
        text.push_str(name);
        text.push_str("\n\n");
        text.push_str(table);
        text.push('\n');
    }
    printer.out(&text);
    printer.diagnostics(&budgets.diagnostics, Some(&budgets.source));
    if budgets.diagnostics.iter().any(Diagnostic::is_error) { ExitStatus::Failure } else { ExitStatus::Success }
}
