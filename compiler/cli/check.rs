//! `slipway check [--diff]`.

use super::{Context, ExitStatus, Printer, compile, plural, print_error, release};
use crate::diagnostic::Diagnostic;
use crate::emit;
use crate::workflow::{self, MAX_LISTED_FILES};

/// How many lines of diff `check` prints without `--diff`.
const MAX_DIFF_LINES: usize = 200;

pub(super) fn run(context: &Context, show_diff: bool, printer: &mut Printer) -> ExitStatus {
    let project = &context.project;
    if let Err(error) = project.guard_out() {
        return printer.failed(error);
    }
    // `out/` is listed on a thread of its own while the platform compiles, and each rendered file is
    // compared with it as it is made; if the platform does not compile, the listing is abandoned.
    let against = emit::Against::begin(&project.out);
    let (_, mut compiled) = match compile(context, Some(&against), printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let compared = compiled.compared.take().expect("a platform compiled against `out/` without errors is compared");
    let checked = match workflow::checked(project, compared) {
        Ok(checked) => checked,
        Err(error) => return printer.failed(error),
    };
    // Only the files that differ from `out/`, for their diffs.
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let problems = &checked.problems;
    printer.diagnostics(problems, None);
    if problems.iter().any(Diagnostic::is_error) {
        let comparison = &checked.comparison;
        let stale = comparison.stale_count();
        // A first check, or a renamed environment, would print the whole render as a diff: only a short
        // diff is printed unless `--diff` asks for all of it.
        let mut text = if show_diff || stale <= MAX_LISTED_FILES {
            workflow::stale_diffs(&project.out, comparison, files)
        } else {
            String::new()
        };
        if let Some(old) = checked.schema_on_disk.as_ref().filter(|_| checked.schema_differs()) {
            text.push_str(&emit::unified_diff(&project.schema.display().to_string(), old, &checked.fresh_schema));
        }
        let lines = text.lines().count();
        let differing = stale + usize::from(checked.schema_differs());
        if show_diff || (stale <= MAX_LISTED_FILES && lines <= MAX_DIFF_LINES) {
            printer.out(&text);
        } else {
            printer.out(&format!(
                "(the diff of {differing} file{} is not shown: `slipway check --diff` prints it, `slipway diff` summarises it)\n",
                plural(differing)
            ));
        }
        print_error(&format!("check failed: {} problem{}", problems.len(), plural(problems.len())));
        return ExitStatus::Failure;
    }
    printer.out(&format!(
        "checked {} environment{} ({}): `{}` and `{}` are up to date\n",
        compiled.environments.len(),
        plural(compiled.environments.len()),
        compiled.environments.join(", "),
        project.out.display(),
        project.schema.display()
    ));
    release(compiled);
    ExitStatus::Success
}
