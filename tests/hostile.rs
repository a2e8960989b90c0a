//! The hostile corpus: every case of `tests/fixtures/hostile/expected.txt` (mistakes in the platform,
//! hostile bytes, big inputs, attacks through the state of `out/`, killed and concurrent builds, and
//! command lines that name nothing) runs through the real binary, and must end with the exit code listed,
//! a located error, no panic, bounded output, and nothing written or deleted in the project.

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support;

/// The most a failing command may print, stdout and stderr together.
const MAX_OUTPUT: usize = 64 * 1024;

/// How long a case may run before it counts as a hang (a FIFO opened, a loop).
const TIMEOUT: Duration = Duration::from_mins(1);

fn corpus() -> PathBuf {
    support::fixture("hostile")
}

/// One line of `expected.txt`.
#[derive(Debug)]
struct Case {
    name: String,
    exit: i32,
    args: Vec<String>,
}

/// The cases, and the tests elsewhere the corpus refers to (`see FILE TEST`).
fn manifest() -> (Vec<Case>, Vec<(String, String)>) {
    let text = std::fs::read_to_string(corpus().join("expected.txt")).unwrap();
    let mut cases = Vec::new();
    let mut references = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words[0] == "see" {
            references.push((words[1].to_owned(), words[2].to_owned()));
            continue;
        }
        let exit: i32 = words[1].parse().unwrap_or_else(|_| panic!("`{line}`: the exit code is not a number"));
        assert!(exit == 1 || exit == 2, "`{line}`: every hostile case fails, with 1 or 2");
        let args = words[2..].iter().map(|word| word.replace("\\s", " ").replace("\\n", "\n")).collect();
        cases.push(Case { name: words[0].to_owned(), exit, args });
    }
    (cases, references)
}

#[test]
fn the_corpus_is_large_listed_once_and_refers_to_tests_that_exist() {
    let (cases, references) = manifest();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|case| case.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "a case is listed twice");
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|it| it == "toml") {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert!(names.contains(&stem), "{stem}.toml is not listed in expected.txt");
        }
    }
    for (file, test) in references {
        let text = std::fs::read_to_string(support::root().join(&file)).unwrap();
        assert!(text.contains(&format!("fn {test}(")), "expected.txt refers to {file}: {test}, which does not exist");
    }
}

#[test]
fn every_hostile_case_ends_in_a_located_error_and_touches_nothing() {
    let (cases, _) = manifest();
    let mut failures = Vec::new();
    for case in &cases {
        let started = Instant::now();
        match run_case(case) {
            Ok(Outcome::Passed) => {}
            Ok(Outcome::Skipped(why)) => eprintln!("skipped hostile case {}: {why}", case.name),
            Err(message) => failures.push(format!("{} ({:?}): {message}", case.name, case.args)),
        }
        let elapsed = started.elapsed();
        if elapsed > Duration::from_secs(20) {
            failures.push(format!("{}: took {elapsed:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

enum Outcome {
    Passed,
    Skipped(String),
}

/// What a case's setup gives: the argument `{big}` stands for, if any.
#[derive(Default)]
struct Setup {
    big: Option<String>,
}

fn run_case(case: &Case) -> Result<Outcome, String> {
    let dir = support::temp_dir(&format!("hostile-{}", case.name));
    let setup = match prepare(&case.name, &dir)? {
        Prepared::Ready(setup) => setup,
        Prepared::Skip(why) => return Ok(Outcome::Skipped(why)),
    };
    let args: Vec<String> = case
        .args
        .iter()
        .map(|arg| if arg == "{big}" { setup.big.clone().expect("the case makes `{big}`") } else { arg.clone() })
        .collect();
    let before = tree(&dir);
    let output = run(&dir, &args)?;
    let github = args.windows(2).any(|pair| pair[0] == "--format" && pair[1] == "github");
    check_output(case, &output, if github { "github" } else { "human" })?;
    if github && !annotated(&output.stdout) {
        return Err(format!("--format github gives no located annotation:\n{}", output.stdout));
    }
    if has_position(&output.stderr) && !args.iter().any(|arg| arg == "--format") {
        // The same mistake, as annotations in a pull request.
        let mut github = args.clone();
        github.extend(["--format".to_owned(), "github".to_owned()]);
        let annotated = run(&dir, &github)?;
        check_output(case, &annotated, "github")?;
        if !self::annotated(&annotated.stdout) {
            return Err(format!("--format github gives no located annotation:\n{}", annotated.stdout));
        }
    }
    let after = tree(&dir);
    if before != after {
        return Err(format!("the project changed: {}", differences(&before, &after)));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Outcome::Passed)
}

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    bytes: usize,
}

/// Runs slipway in `dir` with colour off, killing it (and failing the case) after `TIMEOUT`.
fn run(dir: &Path, args: &[String]) -> Result<Output, String> {
    let run = support::slipway_bounded(dir, args, &[], TIMEOUT)?;
    Ok(Output {
        code: run.code,
        bytes: run.stdout.len() + run.stderr.len(),
        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
    })
}

/// The exit code, no panic, bounded output, no raw escape, and a located error.
fn check_output(case: &Case, output: &Output, format: &str) -> Result<(), String> {
    let shown = || {
        let cut = |text: &str| text.chars().take(3000).collect::<String>();
        format!("--- stdout ({format})\n{}--- stderr\n{}", cut(&output.stdout), cut(&output.stderr))
    };
    if output.stderr.contains("panicked") || output.code == Some(101) {
        return Err(format!("a panic\n{}", shown()));
    }
    if output.code != Some(case.exit) {
        return Err(format!("exit code {:?}, expected {}\n{}", output.code, case.exit, shown()));
    }
    if output.bytes > MAX_OUTPUT {
        return Err(format!("{} bytes of output, more than {MAX_OUTPUT}\n{}", output.bytes, shown()));
    }
    if output.stdout.contains('\u{1b}') || output.stderr.contains('\u{1b}') {
        return Err(format!("a raw escape character reached the terminal\n{}", shown()));
    }
    let located = match format {
        "github" => true, // checked by the caller
        _ => located(&output.stderr),
    };
    if !located {
        return Err(format!("no located error\n{}", shown()));
    }
    Ok(())
}

/// A GitHub annotation with a file, line and column.
fn annotated(stdout: &str) -> bool {
    stdout.lines().any(|line| line.starts_with("::error file=") && line.contains(",line=") && line.contains(",col="))
}

/// A located error: `--> FILE:LINE:COLUMN`, or an error that names what it is about (a file of `out/`, a
/// path, an argument) in backticks or quotes. A coded diagnostic about the platform file (any family but
/// output, O, and usage, U) must have the position.
fn located(stderr: &str) -> bool {
    let position = has_position(stderr);
    let about_the_platform = stderr
        .lines()
        .any(|line| line.strip_prefix("error[").is_some_and(|rest| !rest.starts_with('O') && !rest.starts_with('U')));
    if about_the_platform && !position {
        return false;
    }
    position
        || stderr.lines().any(|line| {
            line.starts_with("error") && (line.matches('`').count() >= 2 || line.matches('\'').count() >= 2)
        })
}

fn has_position(stderr: &str) -> bool {
    stderr.lines().any(|line| {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else { return false };
        let mut parts = rest.rsplitn(3, ':');
        let number =
            |part: Option<&str>| part.is_some_and(|it| !it.is_empty() && it.bytes().all(|b| b.is_ascii_digit()));
        number(parts.next()) && number(parts.next()) && parts.next().is_some_and(|file| !file.is_empty())
    })
}

// ---------------------------------------------------------------------------------------------------------
// The tree of a project: every entry, its kind and contents (a digest), never following a link or
// opening anything but a regular file.

#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File { len: u64, digest: u64, mode: u32 },
    Directory { mode: u32 },
    Link(PathBuf),
    Other(String),
}

fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(listing) = std::fs::read_dir(&current) else { continue };
        for entry in listing {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            let kind = metadata.file_type();
            let value = if kind.is_symlink() {
                Entry::Link(std::fs::read_link(&path).unwrap())
            } else if kind.is_dir() {
                pending.push(path.clone());
                Entry::Directory { mode: mode(&metadata) }
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                Entry::File { len: metadata.len(), digest: digest(&bytes), mode: mode(&metadata) }
            } else {
                Entry::Other(format!("{kind:?}"))
            };
            entries.insert(relative, value);
        }
    }
    entries
}

#[cfg(unix)]
fn mode(metadata: &std::fs::Metadata) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&metadata.permissions())
}

#[cfg(not(unix))]
fn mode(metadata: &std::fs::Metadata) -> u32 {
    u32::from(metadata.permissions().readonly())
}

/// FNV-1a: enough to tell contents apart in a test.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

fn differences(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>) -> String {
    let mut lines = Vec::new();
    for (path, entry) in before {
        match after.get(path) {
            None => lines.push(format!("deleted `{path}`")),
            Some(now) if now != entry => lines.push(format!("changed `{path}`: {entry:?} -> {now:?}")),
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|path| !before.contains_key(*path)) {
        lines.push(format!("created `{path}`"));
    }
    lines.truncate(20);
    lines.join(", ")
}

// ---------------------------------------------------------------------------------------------------------
// Building the cases

enum Prepared {
    Ready(Setup),
    Skip(String),
}

/// The small platform most generated cases start from: services `orders` and `catalog`, environments
/// `dev` and `prod`.
fn small() -> String {
    std::fs::read_to_string(support::fixture("valid/small.toml")).unwrap()
}

fn write_platform(dir: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(dir.join("platform")).unwrap();
    std::fs::write(dir.join("platform/platform.toml"), bytes).unwrap();
}

/// The small platform with `extra` added at the end of `[services.catalog]`.
fn small_with(extra: &str) -> String {
    small().replace("[environments.dev]", &format!("{extra}\n\n[environments.dev]"))
}

/// The small platform, built: `out/` and `schema/` are current.
fn built(dir: &Path) -> Result<(), String> {
    write_platform(dir, small());
    let output = run(dir, &["build".to_owned()])?;
    if output.code != Some(0) {
        return Err(format!("the setup's build failed: {}", output.stderr));
    }
    Ok(())
}

/// An edit of the small platform that changes generated files: the catalog runs 4 replicas in prod.
fn edit(dir: &Path) {
    let path = dir.join("platform/platform.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("replicas = 3", "replicas = 4");
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> Result<(), String> {
    let status = Command::new("mkfifo").arg(path).status().map_err(|error| format!("cannot run mkfifo: {error}"))?;
    if status.success() { Ok(()) } else { Err("mkfifo failed".to_owned()) }
}

fn prepare(name: &str, dir: &Path) -> Result<Prepared, String> {
    let file = corpus().join(format!("{name}.toml"));
    if file.exists() {
        write_platform(dir, std::fs::read(&file).unwrap());
        return Ok(Prepared::Ready(Setup::default()));
    }
    #[cfg(not(unix))]
    {
        if name.starts_with("out-") || name.starts_with("platform-is-a-") || name.contains("killed") {
            return Ok(Prepared::Skip("it needs symbolic links, FIFOs or signals (Unix)".to_owned()));
        }
    }
    let mut setup = Setup::default();
    match name {
        // Hostile bytes.
        "nul-in-string" => write_platform(dir, small().replace("name = \"shop\"", "name = \"sh\0op\"")),
        "nul-in-comment" => write_platform(dir, small().replace("# A small platform", "# A small\0platform")),
        "invalid-utf8-in-string" => {
            let mut bytes = small().replace("name = \"shop\"", "name = \"sh\u{7f}op\"").into_bytes();
            let at = bytes.iter().position(|byte| *byte == 0x7f).unwrap();
            bytes[at] = 0xFF;
            write_platform(dir, bytes);
        }
        "invalid-utf8-first-byte" => {
            let mut bytes = vec![0xC3, 0x28];
            bytes.extend(small().bytes());
            write_platform(dir, bytes);
        }
        "latin1-accent-in-comment" => {
            let mut bytes = b"# caf\xE9 platform\n".to_vec();
            bytes.extend(small().bytes());
            write_platform(dir, bytes);
        }
        "utf16-with-byte-order-mark" => {
            let mut bytes = vec![0xFF, 0xFE];
            for unit in small().encode_utf16() {
                bytes.extend(unit.to_le_bytes());
            }
            write_platform(dir, bytes);
        }
        "utf8-byte-order-mark-then-mistake" => write_platform(dir, format!("\u{FEFF}imgae = 1\n{}", small())),
        "crlf-line-endings-with-mistake" => {
            write_platform(dir, small().replace("runtime = \"go\"", "runtme = \"go\"").replace('\n', "\r\n"));
        }
        "lone-carriage-return" => write_platform(dir, small().replace("nodes = 1\n", "nodes = 1\r")),
        "escape-character-in-string" => {
            write_platform(dir, small().replace("name = \"shop\"", "name = \"\u{1b}[31mshop\u{1b}[0m\""));
        }
        "escaped-escape-in-quoted-name" => {
            // A TOML escape: the name holds a real escape character, which the messages echo.
            write_platform(dir, small().replace("[services.catalog]", "[services.\"\\u001b[2Jcatalog\"]"));
        }
        "backspace-in-comment" => write_platform(dir, small().replace("# A small platform", "# A small\u{8}platform")),
        "binary-garbage" => {
            let mut state: u32 = 0x1234_5678;
            let bytes: Vec<u8> = (0..4096)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state.to_le_bytes()[0]
                })
                .collect();
            write_platform(dir, bytes);
        }
        // Big inputs, made here rather than committed.
        "five-megabyte-comment-then-mistake" => {
            write_platform(
                dir,
                format!("# {}\n{}", "x".repeat(5 << 20), small().replace("runtime = \"go\"", "runtme = \"go\"")),
            );
        }
        "three-megabyte-service-name" => {
            write_platform(dir, small().replace("[services.catalog]", &format!("[services.{}]", "c".repeat(3 << 20))));
        }
        "megabyte-unknown-key" => {
            write_platform(
                dir,
                small().replace("runtime = \"go\"", &format!("runtime = \"go\"\n{} = 1", "k".repeat(1 << 20))),
            );
        }
        "megabyte-reference" => {
            write_platform(dir, small_with(&format!("env.HUGE = \"${{services.{}.url}}\"", "s".repeat(1 << 20))));
        }
        "ten-thousand-nested-arrays" => {
            write_platform(dir, small_with(&format!("env.DEEP = {}{}", "[".repeat(10_000), "]".repeat(10_000))));
        }
        "ten-thousand-nested-inline-tables" => {
            write_platform(dir, small_with(&format!("config = {}{}", "{ a = ".repeat(10_000), "}".repeat(10_000))));
        }
        "hundred-part-dotted-key" => {
            let key: Vec<String> = (0..100).map(|index| format!("k{index}")).collect();
            write_platform(dir, small_with(&format!("{} = 1", key.join("."))));
        }
        "hundred-part-table-header" => {
            let key = vec!["k"; 100].join(".");
            write_platform(dir, small().replace("[environments.dev]", &format!("[{key}]\n[environments.dev]")));
        }
        "three-thousand-mistakes" | "three-thousand-mistakes-github" => {
            let mut text = small();
            for index in 0..3000 {
                text.push_str(&format!("services.Bad_{index} = {{ replicas = 1 }}\n"));
            }
            write_platform(dir, text);
        }
        // The platform file itself.
        "platform-is-a-directory" => std::fs::create_dir_all(dir.join("platform/platform.toml")).unwrap(),
        #[cfg(unix)]
        "platform-is-a-fifo" => {
            std::fs::create_dir_all(dir.join("platform")).unwrap();
            mkfifo(&dir.join("platform/platform.toml"))?;
        }
        "platform-is-missing" => std::fs::create_dir_all(dir.join("platform")).unwrap(),
        #[cfg(unix)]
        "platform-is-a-symlink-loop" => {
            std::fs::create_dir_all(dir.join("platform")).unwrap();
            symlink("other.toml", dir.join("platform/platform.toml"));
            symlink("platform.toml", dir.join("platform/other.toml"));
        }
        #[cfg(unix)]
        "platform-is-a-symlink-to-a-device" => {
            std::fs::create_dir_all(dir.join("platform")).unwrap();
            symlink("/dev/zero", dir.join("platform/platform.toml"));
        }
        // States of out/.
        #[cfg(unix)]
        "out-symlink-to-outside" => {
            built(dir)?;
            std::fs::create_dir_all(dir.join("notes")).unwrap();
            std::fs::write(dir.join("notes/secret.yaml"), "password: hunter2\n").unwrap();
            symlink("../../notes/secret.yaml", dir.join("out/dev/secret.yaml"));
        }
        #[cfg(unix)]
        "out-symlink-where-a-generated-file-goes" => {
            built(dir)?;
            std::fs::write(dir.join("notes.yaml"), "mine\n").unwrap();
            let target = dir.join("out/prod/services/catalog/deployment-catalog.yaml");
            std::fs::remove_file(&target).unwrap();
            symlink("../../../../notes.yaml", &target);
            edit(dir);
        }
        #[cfg(unix)]
        "out-fifo" => {
            built(dir)?;
            mkfifo(&dir.join("out/dev/pipe.yaml"))?;
        }
        #[cfg(unix)]
        "out-fifo-where-a-generated-file-goes" => {
            built(dir)?;
            let target = dir.join("out/prod/services/catalog/deployment-catalog.yaml");
            std::fs::remove_file(&target).unwrap();
            mkfifo(&target)?;
            edit(dir);
        }
        #[cfg(unix)]
        "out-socket" => {
            built(dir)?;
            let socket = std::os::unix::net::UnixListener::bind(dir.join("out/dev/socket.yaml"))
                .map_err(|error| format!("cannot bind a socket: {error}"))?;
            // The socket file stays when the listener is dropped.
            drop(socket);
        }
        "out-file-where-a-directory-goes" => {
            built(dir)?;
            std::fs::remove_dir_all(dir.join("out/prod/services/catalog")).unwrap();
            std::fs::write(dir.join("out/prod/services/catalog"), "mine\n").unwrap();
            edit(dir);
        }
        "out-hand-written-file-at-generated-path" => {
            built(dir)?;
            std::fs::write(dir.join("out/prod/services/catalog/deployment-catalog.yaml"), "# mine\n").unwrap();
            edit(dir);
        }
        "out-dot-files-and-stale-output" => {
            built(dir)?;
            std::fs::create_dir_all(dir.join("out/.git")).unwrap();
            std::fs::write(dir.join("out/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
            std::fs::write(dir.join("out/.gitkeep"), "").unwrap();
            std::fs::write(dir.join("out/dev/.argocd-source-orders.yaml"), "helm: {}\n").unwrap();
            edit(dir);
        }
        "out-is-a-file" => {
            write_platform(dir, small());
            std::fs::write(dir.join("out"), "not a directory\n").unwrap();
        }
        #[cfg(unix)]
        "out-is-a-dangling-symlink" => {
            write_platform(dir, small());
            symlink("nowhere", dir.join("out"));
        }
        #[cfg(unix)]
        "out-read-only" => {
            use std::os::unix::fs::PermissionsExt as _;
            built(dir)?;
            edit(dir);
            let catalog = dir.join("out/prod/services/catalog");
            std::fs::set_permissions(&catalog, std::fs::Permissions::from_mode(0o555)).unwrap();
            if std::fs::write(catalog.join("probe"), "").is_ok() {
                std::fs::remove_file(catalog.join("probe")).unwrap();
                std::fs::set_permissions(&catalog, std::fs::Permissions::from_mode(0o755)).unwrap();
                return Ok(Prepared::Skip("running as root, a read-only directory is writable".to_owned()));
            }
        }
        #[cfg(unix)]
        "killed-build-then-check" => {
            built(dir)?;
            edit(dir);
            kill_build(dir, 3)?;
            // A lock left by a killed process is taken over only where /proc tells it is gone.
            let _ = std::fs::remove_file(dir.join(".out.slipway-lock"));
        }
        "lock-held-by-a-live-build" => {
            built(dir)?;
            edit(dir);
            std::fs::write(dir.join(".out.slipway-lock"), std::process::id().to_string()).unwrap();
        }
        "build-into-the-project-root" => {
            write_platform(dir, small());
            std::fs::create_dir_all(dir.join(".git")).unwrap();
            std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
            std::fs::write(dir.join(".gitignore"), "target/\n").unwrap();
        }
        "build-into-the-platform-directory" | "build-into-the-platform-file" | "build-into-the-file-system-root" => {
            write_platform(dir, small());
        }
        "build-into-a-foreign-directory" => {
            write_platform(dir, small());
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
        }
        "schema-over-the-platform-file" => write_platform(dir, small()),
        "schema-over-a-readme" => {
            write_platform(dir, small());
            std::fs::write(dir.join("README.md"), "# Shop\n").unwrap();
        }
        // The command line.
        "set-image-tag-with-an-escape" => {
            built(dir)?;
            setup.big = Some("1.0\u{1b}[2J".to_owned());
        }
        "unknown-format-with-an-escape" => {
            built(dir)?;
            setup.big = Some("human\u{1b}]0;owned\u{7}".to_owned());
        }
        "unknown-subcommand-of-100-kilobytes" => {
            built(dir)?;
            setup.big = Some("x".repeat(100_000));
        }
        "set-image-huge-tag" => {
            built(dir)?;
            setup.big = Some("1".repeat(100_000));
        }
        "promote-huge-environment-name" => {
            built(dir)?;
            setup.big = Some("p".repeat(100_000));
        }
        _ if is_usage_case(name) => built(dir)?,
        _ => return Err(format!("no `{name}.toml` in the corpus, and tests/hostile.rs does not build it")),
    }
    Ok(Prepared::Ready(setup))
}

/// The cases about the command line, run in a built project.
fn is_usage_case(name: &str) -> bool {
    ["unknown-", "promote-", "graph-", "budget-", "diff-", "set-image-", "new-service-", "explain-"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Runs `build` with the test hook that pauses after `steps` steps, and kills it there with SIGKILL.
#[cfg(unix)]
fn kill_build(dir: &Path, steps: usize) -> Result<(), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["build", "--color=never"])
        .current_dir(dir)
        .env(slipway::emit::PAUSE_VARIABLE, steps.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run slipway: {error}"))?;
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    for line in stderr.lines() {
        if line.unwrap_or_default().starts_with("slipway: paused after") {
            child.kill().unwrap();
            child.wait().unwrap();
            return Ok(());
        }
    }
    let _ = child.wait();
    Err(format!("the build ended before step {steps}"))
}
