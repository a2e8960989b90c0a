//! `slipway diff [--env E] [--base REV] [--markdown] [--exit-code]`.

use super::{Context, ExitStatus, Printer, report};
use crate::workflow::{self, Base};

/// What `diff` compares and how it reports.
pub(super) struct Options<'a> {
    pub(super) env: Option<&'a str>,
    pub(super) base: Option<&'a str>,
    pub(super) markdown: bool,
    pub(super) exit_code: bool,
}

pub(super) fn run(context: &Context, options: &Options<'_>, printer: &mut Printer) -> ExitStatus {
    let project = &context.project;
    let working = match workflow::working(project, options.env) {
        Ok(working) => working,
        Err(error) => return printer.failed(error),
    };
    if let Err(status) = report(context, &working.source, &working.compiled, printer) {
        return status;
    }
    let base = options.base.map_or(Base::Out, Base::Revision);
    let review = match working.review(project, base) {
        Ok(review) => review,
        Err(error) => return printer.failed(error),
    };
    printer.out(&if options.markdown { review.markdown() } else { review.text() });
    if options.exit_code && !review.changes.is_empty() { ExitStatus::Failure } else { ExitStatus::Success }
}
