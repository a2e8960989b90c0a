//! `slipway graph [--env E] [--format mermaid|dot]`.

use std::io::Write as _;

use super::{Context, ExitStatus, FormatArg, Printer, print_error};
use crate::diagnostic;
use crate::workflow::{self, GraphFormat};

pub(super) fn run(context: &Context, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    let format = match context.format {
        FormatArg::Json | FormatArg::Github => {
            print_error("`graph` takes `--format mermaid` or `--format dot`");
            return ExitStatus::Error;
        }
        FormatArg::Dot => GraphFormat::Dot,
        FormatArg::Human | FormatArg::Mermaid => GraphFormat::Mermaid,
    };
    let graph = match workflow::graph(&context.project, env, format) {
        Ok(graph) => graph,
        Err(error) => return printer.failed(error),
    };
    if env.is_none() {
        let names: Vec<&str> = graph.environments.iter().map(String::as_str).collect();
        let others = if names.len() > 1 {
            format!(" (the first by name of {}; choose one with `--env`)", crate::diagnostic::quoted_list(&names))
        } else {
            String::new()
        };
        let _ = writeln!(std::io::stderr(), "drew environment `{}`{others}", diagnostic::elide(&graph.environment));
    }
    printer.out(&graph.text);
    ExitStatus::Success
}
