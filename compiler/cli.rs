//! The command line: takes arguments, runs a command, prints, and gives the exit code
//! (0 ok, 1 the platform or `out/` fails the check, 2 usage or I/O error).

use std::ffi::OsString;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{self, Code, Diagnostic, Format};
use crate::emit::{self, Comparison, WriteError};
use crate::source::SourceFile;
use crate::{Compiled, load, schema};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Failure = 1,
    Error = 2,
}

#[derive(Parser, Debug)]
#[command(name = "slipway", about = "Compiles a whole Kubernetes platform from one typed file", version)]
struct Args {
    /// The platform file.
    #[arg(long, global = true, default_value = "platform/platform.toml")]
    platform: PathBuf,
    /// Where rendered manifests go.
    #[arg(long, global = true, default_value = "out")]
    out: PathBuf,
    /// Where the platform's JSON Schema goes.
    #[arg(long, global = true, default_value = "schema/platform.schema.json")]
    schema: PathBuf,
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Turn warnings into failure: `--deny warnings`.
    #[arg(long, global = true, value_enum)]
    deny: Option<DenyArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate every environment and check that `out/` and `schema/` match a fresh render.
    Check,
    /// Write `out/` and `schema/`.
    Build,
    /// Show what `build` would change in `out/`.
    Diff,
    /// Write `schema/platform.schema.json` only.
    Schema,
    /// Print each environment's capacity table: every consumer, and the totals against allocatable.
    Budget,
    /// Explain a diagnostic code, such as `S001`.
    Explain { code: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DenyArg {
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitStatus::Error as i32 } else { ExitStatus::Success as i32 };
        }
    };
    let mut printer = Printer::new(&args);
    let status = match &args.command {
        Command::Check => check(&args, &mut printer),
        Command::Build => build(&args, &mut printer),
        Command::Diff => diff(&args, &mut printer),
        Command::Schema => write_schema(&args, &mut printer),
        Command::Budget => budget(&args, &mut printer),
        Command::Explain { code } => explain(code, &mut printer),
    };
    status as i32
}

/// Owns stdout and stderr: diagnostics in the chosen format, results as text.
struct Printer {
    format: Format,
}

impl Printer {
    fn new(args: &Args) -> Printer {
        let color = match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        let format = match args.format {
            FormatArg::Human => Format::Human { color },
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        };
        Printer { format }
    }

    fn diagnostics(&mut self, diagnostics: &[Diagnostic], source: Option<&SourceFile>) {
        if diagnostics.is_empty() {
            return;
        }
        let text = diagnostic::render(diagnostics, source, self.format);
        // People read diagnostics on stderr; programs and GitHub read them on stdout.
        if matches!(self.format, Format::Human { .. }) {
            let _ = std::io::stderr().write_all(text.as_bytes());
        } else {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }

    /// Results for people; kept off stdout in machine formats so that stdout stays parseable.
    fn out(&mut self, text: &str) {
        if matches!(self.format, Format::Human { .. }) {
            let _ = std::io::stdout().write_all(text.as_bytes());
        } else {
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }

    fn error(&mut self, message: &str) {
        let _ = self;
        let _ = writeln!(std::io::stderr(), "error: {message}");
    }
}

/// Loads and compiles the platform, printing its diagnostics; `Err` carries the exit status.
fn compile(args: &Args, printer: &mut Printer) -> Result<(SourceFile, Compiled), ExitStatus> {
    let source = load::read(&args.platform).map_err(|message| {
        printer.error(&message);
        ExitStatus::Error
    })?;
    // Parsed once here, because the SealedSecret files to read depend on what the platform declares.
    let compiled = match load::parse(&source) {
        Ok(platform) => crate::compile_platform(&platform, &source, &load::read_attachments(&args.platform, &platform)),
        Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new() },
    };
    printer.diagnostics(&compiled.diagnostics, Some(&source));
    if compiled.has_errors() {
        let errors = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
        printer.error(&format!("{} has {errors} error{}; nothing was rendered", source.path, plural(errors)));
        return Err(ExitStatus::Failure);
    }
    let warnings = compiled.diagnostics.len();
    if warnings > 0 && args.deny == Some(DenyArg::Warnings) {
        printer.error(&format!(
            "{} has {warnings} warning{}, denied by `--deny warnings`",
            source.path,
            plural(warnings)
        ));
        return Err(ExitStatus::Failure);
    }
    Ok((source, compiled))
}

fn check(args: &Args, printer: &mut Printer) -> ExitStatus {
    let (_, compiled) = match compile(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let comparison = match emit::compare(&args.out, files) {
        Ok(comparison) => comparison,
        Err(error) => {
            printer.error(&format!("cannot read `{}`: {error}", args.out.display()));
            return ExitStatus::Error;
        }
    };
    let mut problems = output_diagnostics(&args.out, &comparison, files);
    let fresh_schema = schema::generate();
    let schema_on_disk = std::fs::read_to_string(&args.schema).ok();
    if schema_on_disk.as_deref() != Some(fresh_schema.as_str()) {
        let state = if schema_on_disk.is_some() { "out of date" } else { "missing" };
        problems.push(
            Diagnostic::error(Code::StaleSchema, format!("`{}` is {state}", args.schema.display()))
                .with_help("run `slipway build` (or `slipway schema`) and commit the result"),
        );
    }
    printer.diagnostics(&problems, None);
    if problems.iter().any(Diagnostic::is_error) {
        printer.out(&diffs(&args.out, &comparison, files));
        if let Some(old) = schema_on_disk.filter(|old| old != &fresh_schema) {
            printer.out(&emit::unified_diff(&args.schema.display().to_string(), &old, &fresh_schema));
        }
        printer.error(&format!("check failed: {} problem{}", problems.len(), plural(problems.len())));
        return ExitStatus::Failure;
    }
    printer.out(&format!(
        "checked {} environment{} ({}): `{}` and `{}` are up to date\n",
        compiled.environments.len(),
        plural(compiled.environments.len()),
        compiled.environments.join(", "),
        args.out.display(),
        args.schema.display()
    ));
    ExitStatus::Success
}

fn build(args: &Args, printer: &mut Printer) -> ExitStatus {
    let (_, compiled) = match compile(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let comparison = match emit::write(&args.out, files) {
        Ok(comparison) => comparison,
        Err(WriteError::Conflicts(paths)) => {
            let problems: Vec<Diagnostic> = paths.iter().map(|path| conflict(&args.out, path)).collect();
            printer.diagnostics(&problems, None);
            printer.error("nothing was written");
            return ExitStatus::Failure;
        }
        Err(WriteError::Io(message)) => {
            printer.error(&format!("{message}; `{}` was left as it was", args.out.display()));
            return ExitStatus::Error;
        }
    };
    let unmanaged: Vec<Diagnostic> =
        comparison.unmanaged.iter().map(|path| unmanaged(&args.out, path, false)).collect();
    printer.diagnostics(&unmanaged, None);
    let schema_changed = match emit::write_file(&args.schema, &schema::generate()) {
        Ok(changed) => changed,
        Err(message) => {
            printer.error(&message);
            return ExitStatus::Error;
        }
    };
    printer.out(&format!(
        "built `{}`: {} added, {} changed, {} removed, {} unchanged{}\n",
        args.out.display(),
        comparison.added.len(),
        comparison.changed.len(),
        comparison.removed.len(),
        files.len() - comparison.added.len() - comparison.changed.len(),
        if schema_changed { format!("; wrote `{}`", args.schema.display()) } else { String::new() }
    ));
    ExitStatus::Success
}

fn diff(args: &Args, printer: &mut Printer) -> ExitStatus {
    let (_, compiled) = match compile(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    match emit::compare(&args.out, files) {
        Ok(comparison) if comparison.is_current() => {
            printer.out(&format!("`{}` is up to date\n", args.out.display()));
        }
        Ok(comparison) => {
            printer.out(&format!(
                "{} added, {} changed, {} removed\n\n{}",
                comparison.added.len(),
                comparison.changed.len(),
                comparison.removed.len(),
                diffs(&args.out, &comparison, files)
            ));
        }
        Err(error) => {
            printer.error(&format!("cannot read `{}`: {error}", args.out.display()));
            return ExitStatus::Error;
        }
    }
    ExitStatus::Success
}

fn write_schema(args: &Args, printer: &mut Printer) -> ExitStatus {
    match emit::write_file(&args.schema, &schema::generate()) {
        Ok(changed) => {
            let verb = if changed { "wrote" } else { "unchanged:" };
            printer.out(&format!("{verb} `{}`\n", args.schema.display()));
            ExitStatus::Success
        }
        Err(message) => {
            printer.error(&message);
            ExitStatus::Error
        }
    }
}

fn budget(args: &Args, printer: &mut Printer) -> ExitStatus {
    let source = match load::read(&args.platform) {
        Ok(source) => source,
        Err(message) => {
            printer.error(&message);
            return ExitStatus::Error;
        }
    };
    let platform = match load::parse(&source) {
        Ok(platform) => platform,
        Err(diagnostics) => {
            printer.diagnostics(&diagnostics, Some(&source));
            return ExitStatus::Failure;
        }
    };
    // The table is most useful when the budget does not fit, so it is printed even with errors.
    let attachments = load::read_attachments(&args.platform, &platform);
    let (envs, diagnostics) = crate::resolve::resolve(&platform, &source, &attachments);
    let mut diagnostics = diagnostics;
    diagnostics.extend(crate::validate::validate(&envs));
    let diagnostics = diagnostic::consolidate(diagnostics);
    let mut text = String::new();
    for env in &envs {
        text.push_str(&env.name.value);
        text.push_str("\n\n");
        text.push_str(&crate::budget::table(env, &crate::budget::compute(env)));
        text.push('\n');
    }
    printer.out(&text);
    let budget_errors: Vec<Diagnostic> =
        diagnostics.into_iter().filter(|d| d.code.as_str().starts_with('B') || d.code == Code::MissingKey).collect();
    printer.diagnostics(&budget_errors, Some(&source));
    if budget_errors.iter().any(Diagnostic::is_error) { ExitStatus::Failure } else { ExitStatus::Success }
}

fn explain(code: &str, printer: &mut Printer) -> ExitStatus {
    let Some(code) = Code::parse(code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        let help = diagnostic::did_you_mean(&code.to_ascii_uppercase(), known.iter().copied())
            .unwrap_or_else(|| format!("known codes: {}", known.join(", ")));
        printer.error(&format!("unknown diagnostic code `{code}`; {help}"));
        return ExitStatus::Error;
    };
    printer.out(&format!("{} ({})\n\n{}\n", code.as_str(), code.name(), code.explanation()));
    ExitStatus::Success
}

fn display(out: &Path, relative: &str) -> String {
    out.join(relative).display().to_string()
}

fn output_diagnostics(out: &Path, comparison: &Comparison, _files: &emit::Files) -> Vec<Diagnostic> {
    let stale = |relative: &str, state: &str| {
        Diagnostic::error(Code::StaleOutput, format!("`{}` {state}", display(out, relative)))
            .with_help("run `slipway build` and commit the result")
    };
    let mut problems = Vec::new();
    problems.extend(comparison.added.iter().map(|path| stale(path, "is missing")));
    problems.extend(comparison.changed.iter().map(|(path, _)| stale(path, "differs from a fresh render")));
    problems.extend(comparison.removed.iter().map(|(path, _)| stale(path, "is no longer generated")));
    // A first build, or a renamed environment, makes every file stale: name a few, count the rest.
    if problems.len() > MAX_LISTED_FILES {
        let rest = problems.len() - MAX_LISTED_FILES;
        problems.truncate(MAX_LISTED_FILES);
        problems.push(
            Diagnostic::error(
                Code::StaleOutput,
                format!("{rest} more file{} in `{}` are stale", plural(rest), out.display()),
            )
            .with_help("run `slipway diff` to see them all, and `slipway build` to bring them up to date"),
        );
    }
    problems.extend(comparison.conflicts.iter().map(|path| conflict(out, path)));
    problems.extend(comparison.unmanaged.iter().map(|path| unmanaged(out, path, true)));
    problems
}

/// How many stale files `check` names one by one.
const MAX_LISTED_FILES: usize = 20;

fn conflict(out: &Path, relative: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnmanagedFile,
        format!("`{}` was not generated by slipway, but slipway must write it", display(out, relative)),
    )
    .with_help("move the hand-written file away; slipway never overwrites it")
}

fn unmanaged(out: &Path, relative: &str, is_error: bool) -> Diagnostic {
    let message = format!("`{}` was not generated by slipway", display(out, relative));
    let diagnostic = if is_error {
        Diagnostic::error(Code::UnmanagedFile, message)
    } else {
        Diagnostic::warning(Code::UnmanagedFile, message)
    };
    diagnostic.with_help("ArgoCD would sync it with the generated files; move it out of the output directory, or describe it in the platform")
}

fn diffs(out: &Path, comparison: &Comparison, files: &emit::Files) -> String {
    let mut text = String::new();
    for path in &comparison.added {
        text.push_str(&emit::unified_diff(&display(out, path), "", &files[path]));
    }
    for (path, old) in &comparison.changed {
        text.push_str(&emit::unified_diff(&display(out, path), old, &files[path]));
    }
    for (path, old) in &comparison.removed {
        text.push_str(&emit::unified_diff(&display(out, path), old, ""));
    }
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
