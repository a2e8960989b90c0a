//! `slipway explain CODE`.

use super::{ExitStatus, Printer, print_error};
use crate::diagnostic::{self, Code};

pub(super) fn run(code: &str, printer: &mut Printer) -> ExitStatus {
    let Some(code) = Code::parse(code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        let help = diagnostic::did_you_mean(&code.to_ascii_uppercase(), known.iter().copied())
            .unwrap_or_else(|| format!("known codes: {}", known.join(", ")));
        print_error(&format!("unknown diagnostic code `{code}`; {help}"));
        return ExitStatus::Error;
    };
    printer.out(&format!("{} ({})\n\n{}\n", code.as_str(), code.name(), code.explanation()));
    ExitStatus::Success
}
