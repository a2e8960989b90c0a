//! The command line: takes arguments, runs a command, prints, and gives the exit code
//! (0 ok, 1 the platform or `out/` fails the check, 2 usage or I/O error).

use std::ffi::OsString;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{self, Code, Diagnostic, Format};
use crate::emit::{self, Comparison, WriteError};
use crate::source::SourceFile;
use crate::{Compiled, edit, load, review, schema};

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
    Check {
        /// Print the unified diff of every stale file, however many (by default only a short diff is printed).
        #[arg(long)]
        diff: bool,
    },
    /// Write `out/` and `schema/`.
    Build,
    /// Show what a change does to the rendered platform: a summary, then the diffs.
    Diff {
        /// Only this environment.
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
        /// Compare with the platform as it was at this Git revision, instead of with `out/`.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Write a pull-request comment in Markdown.
        #[arg(long)]
        markdown: bool,
        /// Exit with 1 when there are changes, 0 when there are none (as `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
    },
    /// Set a service's image tag (in the base, or in one environment), then build.
    SetImage {
        /// The service whose image to re-tag, as named in `[services.<name>]`.
        service: String,
        /// The new tag, such as `1.4.3`: letters, digits, `_`, `.` and `-`, at most 128.
        tag: String,
        /// Set the tag in this environment's overlay instead of in the base platform.
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Copy image tags from one environment to another, then build.
    Promote {
        /// The environment whose image tags are copied.
        from: String,
        /// The environment that receives them.
        to: String,
        /// Only these services (default: all).
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
    },
    /// Add something to the platform.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Print the dependency graph: services, components and gateway routes (`--format mermaid` or `dot`).
    Graph {
        /// The environment to draw (default: the first by name, named on stderr).
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Start a new platform in DIR (default: the current directory), ready for `check`.
    Init {
        /// The directory to start the platform in; `platform/platform.toml` must not exist there yet.
        dir: Option<PathBuf>,
    },
    /// Write `schema/platform.schema.json` only.
    Schema,
    /// Print each environment's capacity table: every consumer, and the totals against allocatable.
    Budget {
        /// Only this environment.
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
    },
    /// Explain a diagnostic code, such as `S001`.
    Explain {
        /// A code such as `S001`, or its name such as `undeclared-secret`.
        code: String,
    },
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// Append a service with sensible defaults, then build.
    Service {
        /// The service's name: a DNS-1123 label (lowercase letters, digits and `-`).
        name: String,
        /// The runtime preset, which gives the port, probes and resources.
        #[arg(long, value_enum, default_value_t = RuntimeArg::Node)]
        runtime: RuntimeArg,
        /// A route to the service through the gateway, such as `/api/v1/billing` (repeatable).
        #[arg(long = "route", value_name = "PATH")]
        routes: Vec<String>,
        /// A service or component the new service uses, such as `postgresql` or `postgresql:billing`
        /// (repeatable).
        #[arg(long = "uses", value_name = "NAME")]
        uses: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RuntimeArg {
    /// Node.js: port 3000, 256Mi and 0.1 CPU requested.
    Node,
    /// The JVM: port 8080, Spring Boot's actuator probes, 512Mi and 0.25 CPU requested.
    Java,
    /// Python: port 8000, 256Mi and 0.15 CPU requested.
    Python,
    /// Go: port 8080, 64Mi and 0.05 CPU requested.
    Go,
}

impl RuntimeArg {
    fn as_str(self) -> &'static str {
        match self {
            RuntimeArg::Node => "node",
            RuntimeArg::Java => "java",
            RuntimeArg::Python => "python",
            RuntimeArg::Go => "go",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// Diagnostics as rustc prints them, on stderr.
    Human,
    /// One JSON object per diagnostic and line, on stdout.
    Json,
    /// GitHub workflow commands (`::error file=...`), on stdout.
    Github,
    /// For `graph`.
    Mermaid,
    /// For `graph`.
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DenyArg {
    /// Warnings make the command fail.
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The command line's definition, for tests that walk it (every argument has help text).
#[doc(hidden)]
pub fn command() -> clap::Command {
    <Args as clap::CommandFactory>::command()
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(error) if error.use_stderr() => {
            // clap's message quotes the arguments as given: bounded and printable, as in diagnostics.
            let text = error.render().to_string();
            let lines: Vec<_> = text.trim_end().lines().map(|line| diagnostic::sanitize_quoted(line, '\'')).collect();
            let _ = writeln!(std::io::stderr(), "{}", lines.join("\n"));
            return ExitStatus::Error as i32;
        }
        Err(error) => {
            // `--help` and `--version`.
            let _ = error.print();
            return ExitStatus::Success as i32;
        }
    };
    let mut printer = Printer::new(&args);
    let status = match &args.command {
        Command::Check { diff } => check(&args, *diff, &mut printer),
        Command::Build => build(&args, &mut printer),
        Command::Diff { env, base, markdown, exit_code } => diff(
            &args,
            &DiffOptions { env: env.as_deref(), base: base.as_deref(), markdown: *markdown, exit_code: *exit_code },
            &mut printer,
        ),
        Command::SetImage { service, tag, env } => set_image(&args, service, tag, env.as_deref(), &mut printer),
        Command::Promote { from, to, services } => promote(&args, from, to, services, &mut printer),
        Command::New { what: NewCommand::Service { name, runtime, routes, uses } } => {
            new_service(&args, name, runtime.as_str(), routes, uses, &mut printer)
        }
        Command::Graph { env } => graph(&args, env.as_deref(), &mut printer),
        Command::Init { dir } => init(&args, dir.as_deref(), &mut printer),
        Command::Schema => write_schema(&args, &mut printer),
        Command::Budget { env } => budget(&args, env.as_deref(), &mut printer),
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
            FormatArg::Human | FormatArg::Mermaid | FormatArg::Dot => Format::Human { color },
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        };
        Printer { format }
    }

    fn diagnostics(&mut self, diagnostics: &[Diagnostic], source: Option<&SourceFile>) {
        if diagnostics.is_empty() {
            return;
        }
        // A platform with thousands of mistakes (generated, or hostile) would print megabytes: people and
        // pull requests see the first ones, and JSON, for programs, has them all.
        let shown = if self.format == Format::Json { diagnostics.len() } else { diagnostics.len().min(MAX_PRINTED) };
        let text = diagnostic::render(&diagnostics[..shown], source, self.format);
        // People read diagnostics on stderr; programs and GitHub read them on stdout.
        if matches!(self.format, Format::Human { .. }) {
            let _ = std::io::stderr().write_all(text.as_bytes());
        } else {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        if shown < diagnostics.len() {
            let rest = diagnostics.len() - shown;
            let _ = writeln!(
                std::io::stderr(),
                "note: {rest} more diagnostic{} not shown; `--format json` prints them all",
                plural(rest)
            );
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
}

/// How many diagnostics are printed for people (`--format human` and `github`).
const MAX_PRINTED: usize = 50;

/// Errors of the command itself go to stderr in every format: they are for whoever runs it. The user
/// text in them is bounded and printable, as in diagnostics.
fn print_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {}", diagnostic::sanitize(message));
}

/// Prints a usage error (a command line that names nothing in the platform) and gives exit code 2.
fn usage_error(diagnostic: impl Into<Box<Diagnostic>>, printer: &mut Printer) -> ExitStatus {
    printer.diagnostics(&[*diagnostic.into()], None);
    ExitStatus::Error
}

/// Reads the platform file: an I/O error is exit code 2; a file that is not UTF-8 is a located mistake in
/// the file, exit code 1.
fn read_platform(args: &Args, printer: &mut Printer) -> Result<SourceFile, ExitStatus> {
    match load::read(&args.platform) {
        Ok(source) => Ok(source),
        Err(load::ReadError::Io(message)) => {
            print_error(&message);
            Err(ExitStatus::Error)
        }
        Err(load::ReadError::NotUtf8(source, diagnostic)) => {
            printer.diagnostics(std::slice::from_ref(&*diagnostic), Some(&source));
            print_error(&format!("{} has 1 error; nothing was rendered", source.path));
            Err(ExitStatus::Failure)
        }
    }
}

/// Reads and parses the platform, printing parse errors (exit code 1).
fn parse_platform(args: &Args, printer: &mut Printer) -> Result<(SourceFile, crate::model::Platform), ExitStatus> {
    let source = read_platform(args, printer)?;
    match load::parse(&source) {
        Ok(platform) => Ok((source, platform)),
        Err(diagnostics) => {
            printer.diagnostics(&diagnostics, Some(&source));
            print_error(&format!(
                "{} has {} error{}; nothing was rendered",
                source.path,
                diagnostics.len(),
                plural(diagnostics.len())
            ));
            Err(ExitStatus::Failure)
        }
    }
}

/// `Err` with a usage error when `name` is not one of the platform's environments.
fn known_environment(platform: &crate::model::Platform, name: &str) -> Result<(), Box<Diagnostic>> {
    let names: Vec<&str> = platform.environments.keys().map(|key| key.value.as_str()).collect();
    if names.contains(&name) {
        return Ok(());
    }
    let help = diagnostic::did_you_mean(name, names.iter().copied()).unwrap_or_else(|| {
        if names.is_empty() {
            "the platform declares no environment: add `[environments.<name>]`".to_owned()
        } else {
            format!("the environments are {}", quoted_list(&names))
        }
    });
    Err(Box::new(
        Diagnostic::error(Code::UnknownEnvironment, format!("there is no environment `{name}`")).with_help(help),
    ))
}

/// `Err` with a usage error when `name` is not one of the platform's services.
fn known_service(platform: &crate::model::Platform, name: &str) -> Result<(), Box<Diagnostic>> {
    let names: Vec<&str> = platform.services.keys().map(|key| key.value.as_str()).collect();
    if names.contains(&name) {
        return Ok(());
    }
    let help = diagnostic::did_you_mean(name, names.iter().copied()).unwrap_or_else(|| {
        if names.len() > 10 {
            "the services are the `[services.<name>]` tables".to_owned()
        } else {
            format!("the services are {}", quoted_list(&names))
        }
    });
    Err(Box::new(
        Diagnostic::error(Code::UnknownServiceArgument, format!("there is no service `{name}`")).with_help(help),
    ))
}

fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// Loads and compiles the platform, printing its diagnostics; `Err` carries the exit status.
fn compile(args: &Args, printer: &mut Printer) -> Result<(SourceFile, Compiled), ExitStatus> {
    let source = read_platform(args, printer)?;
    // Parsed once here, because the SealedSecret files to read depend on what the platform declares.
    let compiled = match load::parse(&source) {
        Ok(platform) => crate::compile_platform(&platform, &source, &load::read_attachments(&args.platform, &platform)),
        Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new() },
    };
    report(args, &source, &compiled, printer)?;
    Ok((source, compiled))
}

/// Prints the diagnostics of a compiled platform, and gives exit code 1 when it has errors (or warnings
/// under `--deny warnings`).
fn report(args: &Args, source: &SourceFile, compiled: &Compiled, printer: &mut Printer) -> Result<(), ExitStatus> {
    printer.diagnostics(&compiled.diagnostics, Some(source));
    if compiled.has_errors() {
        let errors = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
        print_error(&format!("{} has {errors} error{}; nothing was rendered", source.path, plural(errors)));
        return Err(ExitStatus::Failure);
    }
    let warnings = compiled.diagnostics.len();
    if warnings > 0 && args.deny == Some(DenyArg::Warnings) {
        print_error(&format!(
            "{} has {warnings} warning{}, denied by `--deny warnings`",
            source.path,
            plural(warnings)
        ));
        return Err(ExitStatus::Failure);
    }
    Ok(())
}

/// Refuses an output directory that is not Slipway's to write or walk (see `emit::check_output_directory`).
fn guard_out(args: &Args) -> Result<(), ExitStatus> {
    emit::check_output_directory(&args.out, Some(&args.platform)).map_err(|message| {
        print_error(&message);
        ExitStatus::Error
    })
}

/// Refuses the output directory or the schema path before anything is written.
fn guard_writes(args: &Args) -> Result<(), ExitStatus> {
    guard_out(args)?;
    emit::check_schema_path(&args.schema).map_err(|message| {
        print_error(&message);
        ExitStatus::Error
    })
}

fn check(args: &Args, show_diff: bool, printer: &mut Printer) -> ExitStatus {
    if let Err(status) = guard_out(args) {
        return status;
    }
    let (_, compiled) = match compile(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let comparison = match emit::compare(&args.out, files) {
        Ok(comparison) => comparison,
        Err(error) => {
            print_error(&format!("cannot read `{}`: {error}", args.out.display()));
            return ExitStatus::Error;
        }
    };
    let mut problems = output_diagnostics(&args.out, &comparison);
    let fresh_schema = schema::generate();
    let schema_on_disk = match emit::read_schema(&args.schema) {
        Ok(text) => text,
        Err(message) => {
            print_error(&message);
            return ExitStatus::Error;
        }
    };
    if schema_on_disk.as_deref() != Some(fresh_schema.as_str()) {
        let state = if schema_on_disk.is_some() { "out of date" } else { "missing" };
        problems.push(
            Diagnostic::error(Code::StaleSchema, format!("`{}` is {state}", args.schema.display()))
                .with_help("run `slipway build` (or `slipway schema`) and commit the result"),
        );
    }
    printer.diagnostics(&problems, None);
    if problems.iter().any(Diagnostic::is_error) {
        let stale = comparison.added.len() + comparison.changed.len() + comparison.removed.len();
        // A first check, or a renamed environment, would print the whole render as a diff: only a short
        // diff is printed unless `--diff` asks for all of it.
        let mut text =
            if show_diff || stale <= MAX_LISTED_FILES { diffs(&args.out, &comparison, files) } else { String::new() };
        if let Some(old) = schema_on_disk.as_ref().filter(|old| **old != fresh_schema) {
            text.push_str(&emit::unified_diff(&args.schema.display().to_string(), old, &fresh_schema));
        }
        let lines = text.lines().count();
        let differing = stale + usize::from(schema_on_disk.as_ref().is_some_and(|old| *old != fresh_schema));
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
        args.out.display(),
        args.schema.display()
    ));
    release(compiled);
    ExitStatus::Success
}

/// How many lines of diff `check` prints without `--diff`.
const MAX_DIFF_LINES: usize = 200;

/// Leaves a large value to the end of the process instead of freeing it piece by piece: the operating
/// system takes all the memory back at once, and tens of thousands of strings need not be freed one by
/// one first (rustc does the same).
fn release<T>(value: T) {
    std::mem::forget(value);
}

fn build(args: &Args, printer: &mut Printer) -> ExitStatus {
    if let Err(status) = guard_writes(args) {
        return status;
    }
    let (_, compiled) = match compile(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    let files = compiled.files.as_ref().expect("a platform without errors has files");
    let comparison = match emit::write(&args.out, files) {
        Ok(comparison) => comparison,
        Err(WriteError::Conflicts(comparison)) => {
            let conflicts = comparison.conflicts.iter().map(|path| conflict(&args.out, path, &comparison)).collect();
            let mut problems = bounded(conflicts, "files in the way of generated ones");
            problems.extend(bounded(special_files(&args.out, &comparison).collect(), "FIFOs, devices or sockets"));
            printer.diagnostics(&problems, None);
            print_error("nothing was written");
            return ExitStatus::Failure;
        }
        Err(WriteError::Refused(message)) => {
            print_error(&message);
            return ExitStatus::Error;
        }
        Err(WriteError::Io(message)) => {
            print_error(&format!("{message}; `{}` was left as it was", args.out.display()));
            return ExitStatus::Error;
        }
        Err(WriteError::Interrupted(message)) => {
            print_error(&format!(
                "{message}; the build of `{}` stopped part-way: each file is either old or new, and `{}` \
                 records the rest: fix the cause and run `slipway build` to complete it",
                args.out.display(),
                display(&args.out, emit::JOURNAL)
            ));
            return ExitStatus::Error;
        }
    };
    let unmanaged = comparison.unmanaged.iter().map(|path| unmanaged(&args.out, path, false)).collect();
    let mut warnings = bounded(unmanaged, "files not generated by slipway");
    let symlinks = comparison.symlinks.iter().map(|path| symlink(&args.out, path, false)).collect();
    warnings.extend(bounded(symlinks, "symbolic links"));
    warnings.extend(leftovers(&args.out, &comparison));
    printer.diagnostics(&warnings, None);
    if comparison.interrupted {
        printer.out(&format!("completed the interrupted build of `{}`\n", args.out.display()));
    }
    let schema_changed = match emit::write_schema(&args.schema, &schema::generate()) {
        Ok(changed) => changed,
        Err(message) => {
            print_error(&message);
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
    release(compiled);
    ExitStatus::Success
}

/// What `diff` compares and how it reports.
struct DiffOptions<'a> {
    env: Option<&'a str>,
    base: Option<&'a str>,
    markdown: bool,
    exit_code: bool,
}

fn diff(args: &Args, options: &DiffOptions<'_>, printer: &mut Printer) -> ExitStatus {
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    if let Some(env) = options.env
        && let Err(error) = known_environment(&platform, env)
    {
        return usage_error(error, printer);
    }
    let compiled = crate::compile_platform(&platform, &source, &load::read_attachments(&args.platform, &platform));
    if let Err(status) = report(args, &source, &compiled, printer) {
        return status;
    }
    let after = compiled.files.expect("a platform without errors has files");
    let before = match options.base {
        Some(revision) => {
            let source = match load::read_at_revision(&args.platform, revision) {
                Ok(source) => source,
                Err(message) => {
                    print_error(&message);
                    return ExitStatus::Error;
                }
            };
            // The base is compiled with its own SealedSecret files, as they were at the revision.
            let base_compiled = match load::parse(&source) {
                Ok(base) => {
                    crate::compile_platform(&base, &source, &load::read_attachments_at(&args.platform, revision, &base))
                }
                Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new() },
            };
            // A base that does not compile is shown as empty, so the whole render reads as added.
            base_compiled.files.unwrap_or_default()
        }
        None => match guard_out(args).map(|()| emit::generated_files(&args.out)) {
            Err(status) => return status,
            Ok(Ok(files)) => files,
            Ok(Err(error)) => {
                print_error(&format!("cannot read `{}`: {error}", args.out.display()));
                return ExitStatus::Error;
            }
        },
    };
    let keep = |path: &String| options.env.is_none_or(|env| path.starts_with(&format!("{env}/")));
    let before: emit::Files = before.into_iter().filter(|(path, _)| keep(path)).collect();
    let after: emit::Files = after.into_iter().filter(|(path, _)| keep(path)).collect();
    let changes = review::changes(&before, &after);
    let summaries = review::summarize(&changes);
    let text =
        if options.markdown { review::markdown(&summaries, &changes) } else { review::text(&summaries, &changes) };
    printer.out(&text);
    if options.exit_code && !changes.is_empty() { ExitStatus::Failure } else { ExitStatus::Success }
}

/// Writes an edited platform if it compiles (with the files it refers to, as `check` reads them), says
/// what changed, then builds; otherwise reports and writes nothing.
fn write_edit(args: &Args, edited: &str, done: &str, printer: &mut Printer) -> ExitStatus {
    if let Err(status) = guard_writes(args) {
        return status;
    }
    let source = SourceFile::new(args.platform.display().to_string(), edited);
    let compiled = match load::parse(&source) {
        Ok(platform) => crate::compile_platform(&platform, &source, &load::read_attachments(&args.platform, &platform)),
        Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new() },
    };
    if compiled.has_errors() {
        printer.diagnostics(&compiled.diagnostics, Some(&source));
        print_error(&format!(
            "the change would make `{}` invalid (the lines shown are those of the changed file); nothing was written",
            args.platform.display()
        ));
        return ExitStatus::Failure;
    }
    if let Err(message) = emit::write_file(&args.platform, edited) {
        print_error(&message);
        return ExitStatus::Error;
    }
    printer.out(done);
    build(args, printer)
}

fn edit_failed(error: &Diagnostic, printer: &mut Printer) -> ExitStatus {
    printer.diagnostics(std::slice::from_ref(error), None);
    ExitStatus::Failure
}

fn set_image(args: &Args, service: &str, tag: &str, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    // The same rule the image references check (K007) applies to what this writes.
    if crate::k8s_rules::image_tag(tag).is_err() {
        let mut error = Diagnostic::error(Code::InvalidImageTag, format!("`{tag}` is not an image tag")).with_help(
            "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`, such as `1.4.3`",
        );
        if let Some(which) = diagnostic::non_ascii(tag) {
            error = error.with_note(which);
        }
        return usage_error(error, printer);
    }
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    if let Err(error) = known_service(&platform, service) {
        return usage_error(error, printer);
    }
    if let Some(env) = env
        && let Err(error) = known_environment(&platform, env)
    {
        return usage_error(error, printer);
    }
    let current = images_of(&resolve_envs(args, &source, &platform));
    // The image to re-tag: the environment's, else the base's.
    let image = env
        .and_then(|env| current.get(&(env.to_owned(), service.to_owned())))
        .cloned()
        .or_else(|| edit::base_image(&source.text, service).ok().flatten());
    let Some(image) = image else {
        return edit_failed(
            &Diagnostic::error(Code::MissingKey, format!("service `{service}` has no image to re-tag"))
                .with_help("give it `image = \"registry/name:tag\"` first; `set-image` changes only the tag"),
            printer,
        );
    };
    let new_image = edit::with_tag(&image, tag);
    match edit::set_image(&source.text, service, &new_image, env) {
        Ok(edited) => {
            let done = format!(
                "{service}{}: {image} -> {new_image}\n",
                env.map(|env| format!(" in {env}")).unwrap_or_default()
            );
            write_edit(args, &edited, &done, printer)
        }
        Err(error) => edit_failed(&error, printer),
    }
}

/// The environments of a platform, resolved with the files it refers to, for commands that edit it.
fn resolve_envs(args: &Args, source: &SourceFile, platform: &crate::model::Platform) -> Vec<crate::resolved::Env> {
    crate::resolve::resolve(platform, source, &load::read_attachments(&args.platform, platform)).0
}

/// (environment, service) -> image, after merging.
fn images_of(envs: &[crate::resolved::Env]) -> std::collections::BTreeMap<(String, String), String> {
    envs.iter()
        .flat_map(|env| {
            env.services
                .values()
                .map(move |service| ((env.name.value.clone(), service.name.value.clone()), service.image.value.clone()))
        })
        .collect()
}

/// A tag that names a moving target: `latest`, or a branch such as `main` (no digit in it).
fn is_mutable_tag(tag: Option<&str>) -> bool {
    tag.is_none_or(|tag| tag == "latest" || !tag.bytes().any(|byte| byte.is_ascii_digit()))
}

fn promote(args: &Args, from: &str, to: &str, services: &[String], printer: &mut Printer) -> ExitStatus {
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    for env in [from, to] {
        if let Err(error) = known_environment(&platform, env) {
            return usage_error(error, printer);
        }
    }
    for service in services {
        if let Err(error) = known_service(&platform, service) {
            return usage_error(error, printer);
        }
    }
    let envs = resolve_envs(args, &source, &platform);
    let images = images_of(&envs);
    let to_production = envs.iter().any(|env| env.name.value == to && env.tier == crate::resolved::Tier::Production);
    let mut edited = source.text.clone();
    let mut changed = Vec::new();
    for ((_, service), image) in images.iter().filter(|((env, _), _)| env == from) {
        if !services.is_empty() && !services.contains(service) {
            continue;
        }
        let Some(target) = images.get(&(to.to_owned(), service.clone())) else { continue };
        let (_, tag) = edit::split_image(image);
        let (_, target_tag) = edit::split_image(target);
        if tag == target_tag {
            continue;
        }
        if to_production && is_mutable_tag(tag) {
            printer.diagnostics(
                &[Diagnostic::error(
                    Code::MutableImageTag,
                    format!(
                        "refusing to promote `{image}` of `{service}` into production: `{}` is not a version",
                        tag.unwrap_or("(no tag)")
                    ),
                )
                .with_help(format!("tag a release in `{from}` first, such as `1.4.3`, then promote it"))],
                None,
            );
            print_error("nothing was written");
            return ExitStatus::Failure;
        }
        let new_image = edit::with_tag(target, tag.unwrap_or("latest"));
        edited = match edit::set_image(&edited, service, &new_image, Some(to)) {
            Ok(text) => text,
            Err(error) => return edit_failed(&error, printer),
        };
        changed.push(format!("{service}: {target} -> {new_image}"));
    }
    if changed.is_empty() {
        printer.out(&format!("nothing to promote: `{to}` already runs the tags of `{from}`\n"));
        return ExitStatus::Success;
    }
    write_edit(args, &edited, &format!("promoted {from} -> {to}:\n  {}\n", changed.join("\n  ")), printer)
}

fn new_service(
    args: &Args,
    name: &str,
    runtime: &str,
    routes: &[String],
    uses: &[String],
    printer: &mut Printer,
) -> ExitStatus {
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    if platform.services.keys().any(|key| key.value == name) {
        return usage_error(
            Diagnostic::error(Code::NameTaken, format!("service `{name}` already exists"))
                .with_help("choose another name, or edit its `[services.<name>]` table"),
            printer,
        );
    }
    // The new service's image lives beside the others': the registry of the first service, or a placeholder.
    let registry = platform.services.values().find_map(|spec| spec.image.as_ref()).map_or_else(
        || "registry.example.com".to_owned(),
        |image| {
            let (name, _) = edit::split_image(image);
            name.rsplit_once('/').map_or_else(|| name.to_owned(), |(registry, _)| registry.to_owned())
        },
    );
    let image = format!("{registry}/{name}:0.1.0");
    match edit::new_service(&source.text, name, &image, runtime, routes, uses) {
        Ok(edited) => write_edit(args, &edited, &format!("added service `{name}` ({image})\n"), printer),
        Err(error) => edit_failed(&error, printer),
    }
}

fn graph(args: &Args, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    if matches!(args.format, FormatArg::Json | FormatArg::Github) {
        print_error("`graph` takes `--format mermaid` or `--format dot`");
        return ExitStatus::Error;
    }
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    if let Some(env) = env
        && let Err(error) = known_environment(&platform, env)
    {
        return usage_error(error, printer);
    }
    let (envs, _) = crate::resolve::resolve(&platform, &source, &load::read_attachments(&args.platform, &platform));
    let chosen = match env {
        Some(name) => envs.iter().find(|it| it.name.value == name),
        None => envs.first(),
    };
    let Some(chosen) = chosen else {
        // No environment at all: `check` says so, located.
        return compile(args, printer).err().unwrap_or(ExitStatus::Failure);
    };
    if env.is_none() {
        let names: Vec<&str> = envs.iter().map(|env| env.name.value.as_str()).collect();
        let others = if names.len() > 1 {
            format!(" (the first by name of {}; choose one with `--env`)", quoted_list(&names))
        } else {
            String::new()
        };
        let _ = writeln!(std::io::stderr(), "drew environment `{}`{others}", diagnostic::elide(&chosen.name.value));
    }
    let text = match args.format {
        FormatArg::Dot => crate::render::dot(chosen),
        _ => crate::render::mermaid(chosen),
    };
    printer.out(&text);
    ExitStatus::Success
}

/// The platform `init` starts from: one service, one environment, and nothing to fix.
const INIT_PLATFORM: &str = include_str!("init.toml");

fn init(args: &Args, dir: Option<&Path>, printer: &mut Printer) -> ExitStatus {
    let dir = dir.unwrap_or(Path::new("."));
    let platform = dir.join("platform/platform.toml");
    if platform.exists() {
        print_error(&format!("`{}` already exists", platform.display()));
        return ExitStatus::Error;
    }
    let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name: String = absolute
        .file_name()
        .map(|it| it.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name.trim_matches('-');
    let name = if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) { "platform" } else { name };
    let text = INIT_PLATFORM.replace("NAME", &name[..name.len().min(40)]);
    if let Err(message) = emit::write_file(&platform, &text) {
        print_error(&message);
        return ExitStatus::Error;
    }
    printer.out(&format!("wrote `{}`\n", platform.display()));
    let args = Args {
        platform,
        out: dir.join("out"),
        schema: dir.join("schema/platform.schema.json"),
        format: args.format,
        color: args.color,
        deny: args.deny,
        command: Command::Build,
    };
    build(&args, printer)
}

fn write_schema(args: &Args, printer: &mut Printer) -> ExitStatus {
    match emit::write_schema(&args.schema, &schema::generate()) {
        Ok(changed) => {
            let verb = if changed { "wrote" } else { "unchanged:" };
            printer.out(&format!("{verb} `{}`\n", args.schema.display()));
            ExitStatus::Success
        }
        Err(message) => {
            print_error(&message);
            ExitStatus::Error
        }
    }
}

fn budget(args: &Args, env: Option<&str>, printer: &mut Printer) -> ExitStatus {
    let (source, platform) = match parse_platform(args, printer) {
        Ok(it) => it,
        Err(status) => return status,
    };
    if let Some(env) = env
        && let Err(error) = known_environment(&platform, env)
    {
        return usage_error(error, printer);
    }
    // The table is most useful when the budget does not fit, so it is printed even with errors.
    let attachments = load::read_attachments(&args.platform, &platform);
    let (envs, diagnostics) = crate::resolve::resolve(&platform, &source, &attachments);
    let envs: Vec<crate::resolved::Env> =
        envs.into_iter().filter(|it| env.is_none_or(|env| it.name.value == env)).collect();
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
    let budget_errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.code.as_str().starts_with('B') || d.code == Code::MissingKey)
        .filter(|d| env.is_none_or(|env| d.environments.is_empty() || d.environments.iter().any(|it| it == env)))
        .collect();
    printer.diagnostics(&budget_errors, Some(&source));
    if budget_errors.iter().any(Diagnostic::is_error) { ExitStatus::Failure } else { ExitStatus::Success }
}

fn explain(code: &str, printer: &mut Printer) -> ExitStatus {
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

fn display(out: &Path, relative: &str) -> String {
    out.join(relative).display().to_string()
}

fn output_diagnostics(out: &Path, comparison: &Comparison) -> Vec<Diagnostic> {
    let stale = |relative: &str, state: &str| {
        Diagnostic::error(Code::StaleOutput, format!("`{}` {state}", display(out, relative)))
            .with_help("run `slipway build` and commit the result")
    };
    let mut problems = Vec::new();
    if comparison.interrupted {
        problems.push(
            Diagnostic::error(
                Code::StaleOutput,
                format!(
                    "a build of `{}` was interrupted (`{}` remains): its files may be part old, part new",
                    out.display(),
                    display(out, emit::JOURNAL)
                ),
            )
            .with_help("run `slipway build` to complete it"),
        );
    }
    let n_stale = comparison.added.len() + comparison.changed.len() + comparison.removed.len();
    if n_stale <= MAX_LISTED_FILES {
        problems.extend(comparison.added.iter().map(|path| stale(path, "is missing")));
        problems.extend(comparison.changed.iter().map(|(path, _)| stale(path, "differs from a fresh render")));
        problems.extend(comparison.removed.iter().map(|(path, _)| stale(path, "is no longer generated")));
    } else {
        // A first build, or a renamed environment, makes every file stale: count them, name a few.
        problems.push(stale_summary(out, comparison));
    }
    let conflicts = comparison.conflicts.iter().map(|path| conflict(out, path, comparison)).collect();
    problems.extend(bounded(conflicts, "files in the way of generated ones"));
    let unmanaged = comparison.unmanaged.iter().map(|path| unmanaged(out, path, true)).collect();
    problems.extend(bounded(unmanaged, "files not generated by slipway"));
    problems
        .extend(bounded(comparison.symlinks.iter().map(|path| symlink(out, path, true)).collect(), "symbolic links"));
    problems.extend(bounded(special_files(out, comparison).collect(), "FIFOs, devices or sockets"));
    problems.extend(leftovers(out, comparison));
    problems
}

/// One diagnostic for many stale files: how many are missing, differ, or are no longer generated, and
/// the first few of each by name.
fn stale_summary(out: &Path, comparison: &Comparison) -> Diagnostic {
    let groups: [(Vec<&String>, &str); 3] = [
        (comparison.added.iter().collect(), "missing"),
        (comparison.changed.iter().map(|(path, _)| path).collect(), "different from a fresh render"),
        (comparison.removed.iter().map(|(path, _)| path).collect(), "no longer generated"),
    ];
    let mut counts = Vec::new();
    let mut diagnostic = Diagnostic::error(Code::StaleOutput, String::new());
    for (paths, state) in &groups {
        if paths.is_empty() {
            continue;
        }
        let noun = if counts.is_empty() { format!(" file{}", plural(paths.len())) } else { String::new() };
        counts.push(format!("{}{noun} {state}", paths.len()));
        let mut names: Vec<String> =
            paths.iter().take(NAMED_PER_GROUP).map(|path| format!("`{}`", display(out, path))).collect();
        if paths.len() > NAMED_PER_GROUP {
            names.push(format!("and {} more", paths.len() - NAMED_PER_GROUP));
        }
        diagnostic = diagnostic.with_note(format!("{state}: {}", names.join(", ")));
    }
    diagnostic.message = format!("`{}` is stale: {}", out.display(), counts.join(", "));
    diagnostic.with_help(
        "run `slipway build` and commit the result; `slipway diff` summarises the changes, and \
         `slipway check --diff` prints all of them",
    )
}

/// How many files of each state (missing, different, removed) a stale summary names.
const NAMED_PER_GROUP: usize = 3;

/// The first `MAX_LISTED_FILES` diagnostics of one kind, and one that counts the rest.
fn bounded(mut diagnostics: Vec<Diagnostic>, what: &str) -> Vec<Diagnostic> {
    if diagnostics.len() > MAX_LISTED_FILES {
        let rest = diagnostics.len() - MAX_LISTED_FILES;
        let summary =
            Diagnostic { message: format!("and {rest} more {what}"), notes: Vec::new(), ..diagnostics[0].clone() };
        diagnostics.truncate(MAX_LISTED_FILES);
        diagnostics.push(summary);
    }
    diagnostics
}

/// How many files `check` names one by one, for each kind of problem.
const MAX_LISTED_FILES: usize = 5;

fn conflict(out: &Path, relative: &str, comparison: &Comparison) -> Diagnostic {
    let shown = display(out, relative);
    if comparison.symlinks.iter().any(|path| path == relative) {
        return Diagnostic::error(
            Code::UnmanagedFile,
            format!("`{shown}` is a symbolic link where slipway must write"),
        )
        .with_help("remove or move the link; slipway never writes through one");
    }
    if let Some((_, what)) = comparison.special.iter().find(|(path, _)| path == relative) {
        return Diagnostic::error(Code::UnmanagedFile, format!("`{shown}` is {what} where slipway must write"))
            .with_help("move it away; slipway never opens it");
    }
    Diagnostic::error(Code::UnmanagedFile, format!("`{shown}` was not generated by slipway, but slipway must write it"))
        .with_help("move the hand-written file away; slipway never overwrites it")
}

fn symlink(out: &Path, relative: &str, is_error: bool) -> Diagnostic {
    let message = format!("`{}` is a symbolic link; slipway never follows it", display(out, relative));
    let diagnostic = if is_error {
        Diagnostic::error(Code::UnmanagedFile, message)
    } else {
        Diagnostic::warning(Code::UnmanagedFile, message)
    };
    diagnostic.with_help(
        "ArgoCD would sync what it points to; replace it with a file, or move it out of the output directory",
    )
}

/// FIFOs, devices and sockets in `out/`: errors, never opened.
fn special_files<'a>(out: &'a Path, comparison: &'a Comparison) -> impl Iterator<Item = Diagnostic> + 'a {
    comparison.special.iter().filter(|(path, _)| !comparison.conflicts.contains(path)).map(move |(path, what)| {
        Diagnostic::error(Code::UnmanagedFile, format!("`{}` is {what}, not a file", display(out, path)))
            .with_help("move it out of the output directory; slipway never opens it")
    })
}

/// Directories an older slipway left beside `out/` when a build was killed: reported, never deleted.
fn leftovers<'a>(out: &'a Path, comparison: &'a Comparison) -> impl Iterator<Item = Diagnostic> + 'a {
    comparison.leftovers.iter().map(move |path| {
        Diagnostic::warning(
            Code::UnmanagedFile,
            format!(
                "`{}` was left by an interrupted build of an older slipway, and may hold the only copy of hand-written files of `{}`",
                path.display(),
                out.display()
            ),
        )
        .with_help("move what you need back into the output directory, then remove it; slipway never deletes it")
    })
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
