//! The command line: takes arguments, runs a command of `workflow`, prints what it gives, and gives the
//! exit code (0 ok, 1 the platform or `out/` fails the check, 2 usage or I/O error). One file per command.

mod budget;
mod build;
mod check;
mod diff;
mod explain;
mod graph;
mod init;
mod new_service;
mod promote;
mod schema;
mod set_image;

use std::ffi::OsString;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{self, Diagnostic, Format};
use crate::source::SourceFile;
use crate::workflow::{self, Project, plural};
use crate::{Compiled, model};

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
        /// Promote even when TO does not take images from FROM in `[platform] promotion`.
        #[arg(long)]
        force: bool,
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
    fn runtime(self) -> model::Runtime {
        match self {
            RuntimeArg::Node => model::Runtime::Node,
            RuntimeArg::Java => model::Runtime::Java,
            RuntimeArg::Python => model::Runtime::Python,
            RuntimeArg::Go => model::Runtime::Go,
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
    let context = Context {
        project: Project { platform: args.platform.clone(), out: args.out.clone(), schema: args.schema.clone() },
        format: args.format,
        deny_warnings: args.deny == Some(DenyArg::Warnings),
    };
    let context = &context;
    let printer = &mut printer;
    let status = match &args.command {
        Command::Check { diff } => check::run(context, *diff, printer),
        Command::Build => build::run(context, printer),
        Command::Diff { env, base, markdown, exit_code } => diff::run(
            context,
            &diff::Options { env: env.as_deref(), base: base.as_deref(), markdown: *markdown, exit_code: *exit_code },
            printer,
        ),
        Command::SetImage { service, tag, env } => set_image::run(context, service, tag, env.as_deref(), printer),
        Command::Promote { from, to, services, force } => promote::run(context, from, to, services, *force, printer),
        Command::New { what: NewCommand::Service { name, runtime, routes, uses } } => {
            let service = workflow::NewService {
                name: name.clone(),
                runtime: runtime.runtime(),
                routes: routes.clone(),
                uses: uses.clone(),
            };
            new_service::run(context, &service, printer)
        }
        Command::Graph { env } => graph::run(context, env.as_deref(), printer),
        Command::Init { dir } => init::run(context, dir.as_deref(), printer),
        Command::Schema => schema::run(context, printer),
        Command::Budget { env } => budget::run(context, env.as_deref(), printer),
        Command::Explain { code } => explain::run(code, printer),
    };
    status as i32
}

/// What every command reads from the command line besides its own arguments.
struct Context {
    project: Project,
    format: FormatArg,
    deny_warnings: bool,
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

    /// Prints why an operation of `workflow` did not happen, and gives its exit code.
    fn failed(&mut self, error: workflow::Error) -> ExitStatus {
        match error {
            workflow::Error::Usage(diagnostic) => {
                self.diagnostics(&[*diagnostic], None);
                ExitStatus::Error
            }
            workflow::Error::Io(message) => {
                print_error(&message);
                ExitStatus::Error
            }
            workflow::Error::Invalid { source, diagnostics } => {
                self.diagnostics(&diagnostics, Some(&source));
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                print_error(&format!("{} has {errors} error{}; nothing was rendered", source.path, plural(errors)));
                ExitStatus::Failure
            }
            workflow::Error::Edit(diagnostic) => {
                self.diagnostics(&[*diagnostic], None);
                ExitStatus::Failure
            }
            workflow::Error::Refused(diagnostics) => {
                self.diagnostics(&diagnostics, None);
                print_error("nothing was written");
                ExitStatus::Failure
            }
            workflow::Error::WouldBreak { source, diagnostics } => {
                self.diagnostics(&diagnostics, Some(&source));
                print_error(&format!(
                    "the change would make `{}` invalid (the lines shown are those of the changed file); nothing was written",
                    source.path
                ));
                ExitStatus::Failure
            }
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

/// Loads and compiles the platform (against `out/` when `against` is given: see
/// `workflow::Project::compile_against`), printing its diagnostics; `Err` carries the exit status.
fn compile(
    context: &Context,
    against: Option<&crate::emit::Against>,
    printer: &mut Printer,
) -> Result<(SourceFile, Compiled), ExitStatus> {
    let (source, compiled) = context.project.compile_against(against).map_err(|error| printer.failed(error))?;
    report(context, &source, &compiled, printer)?;
    Ok((source, compiled))
}

/// Prints the warnings of a compiled platform, and gives exit code 1 when `--deny warnings` denies them.
fn report(
    context: &Context,
    source: &SourceFile,
    compiled: &Compiled,
    printer: &mut Printer,
) -> Result<(), ExitStatus> {
    printer.diagnostics(&compiled.diagnostics, Some(source));
    let warnings = compiled.diagnostics.len();
    if warnings > 0 && context.deny_warnings {
        print_error(&format!(
            "{} has {warnings} warning{}, denied by `--deny warnings`",
            source.path,
            plural(warnings)
        ));
        return Err(ExitStatus::Failure);
    }
    Ok(())
}

/// Leaves a large value to the end of the process instead of freeing it piece by piece: the operating
/// system takes all the memory back at once, and tens of thousands of strings need not be freed one by
/// one first (rustc does the same).
fn release<T>(value: T) {
    std::mem::forget(value);
}
