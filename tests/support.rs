//! Shared helpers: insta settings, fixture paths, temporary directories and running the binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use slipway::source::SourceFile;

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
}

/// Snapshots live in the top-level `snapshots/`, named after the test case only.
pub(crate) fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

pub(crate) fn source(path: &Path) -> SourceFile {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let relative = path.strip_prefix(root()).unwrap_or(path);
    SourceFile::new(relative.display().to_string(), text)
}

/// Compiles a platform with the files it refers to (SealedSecrets beside it), as the CLI does.
pub(crate) fn compile(path: &Path) -> (SourceFile, slipway::Compiled) {
    let source = source(path);
    let compiled = match slipway::load::parse(&source) {
        Ok(platform) => slipway::compile_platform(&platform, &source, &attachments(path, &platform)),
        Err(_) => slipway::compile(&source),
    };
    (source, compiled)
}

/// The files `platform` refers to, read through a path relative to the package (tests run there), so
/// that diagnostics name them the same on every machine.
pub(crate) fn attachments(path: &Path, platform: &slipway::model::Platform) -> slipway::load::Attachments {
    slipway::load::read_attachments(path.strip_prefix(root()).unwrap_or(path), platform)
}

/// The platform files in a fixture directory, sorted: `<name>.toml`, and `<name>/platform.toml` for a
/// platform that comes with files of its own (plain manifests).
pub(crate) fn fixtures(directory: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture(directory))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            if path.extension().is_some_and(|it| it == "toml") {
                Some(path)
            } else {
                Some(path.join("platform.toml")).filter(|platform| platform.is_file())
            }
        })
        .collect();
    paths.sort();
    paths
}

/// A fixture's name: its file's stem, or its directory's name for `<name>/platform.toml`.
pub(crate) fn fixture_name(path: &Path) -> String {
    let named = if path.file_name().is_some_and(|it| it == "platform.toml") { path.parent().unwrap() } else { path };
    named.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Compiles a platform that must be valid, and gives its files.
pub(crate) fn render(path: &Path) -> slipway::emit::Files {
    let (_, compiled) = compile(path);
    assert!(!compiled.has_errors(), "{} has errors: {:#?}", path.display(), compiled.diagnostics);
    compiled.files.expect("a valid platform renders")
}

/// A fresh, empty directory under the target directory, removed and made anew on each call.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = root().join("target/test-tmp").join(format!("{name}-{}-{unique}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A project directory holding `platform/platform.toml` copied from `platform`; for a directory fixture
/// (`<name>/platform.toml`), the whole directory, its manifests and sealed secrets with it.
pub(crate) fn project(name: &str, platform: &Path) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("platform")).unwrap();
    if platform.file_name().is_some_and(|it| it == "platform.toml") {
        copy_dir(platform.parent().unwrap(), &dir.join("platform"));
    } else {
        std::fs::copy(platform, dir.join("platform/platform.toml")).unwrap();
    }
    dir
}

/// Copies the tree `from` to `to`, creating directories as needed (links are not followed into).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub(crate) struct Output {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// What a bounded run of the binary gave: its exit code (`None` when a signal ended it) and both streams.
pub(crate) struct Bounded {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
}

/// Runs the `slipway` binary in `dir` with colour off and extra environment variables, and kills it after
/// `timeout` (an `Err`): for the cases where a hang is the bug. Both pipes are read while it runs, so a
/// command printing a lot cannot block on a full pipe.
pub(crate) fn slipway_bounded<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: &[S],
    env: &[(&str, &str)],
    timeout: std::time::Duration,
) -> Result<Bounded, String> {
    use std::io::Read as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(args)
        .arg("--color=never")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run slipway: {error}"))?;
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {timeout:?}: a hang"));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    Ok(Bounded { code: status.code(), stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() })
}

/// Runs the `slipway` binary in `dir` with colour off.
pub(crate) fn slipway(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(args)
        .arg("--color=never")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run slipway");
    Output {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// Every file under `dir`, by relative path, for comparing trees.
pub(crate) fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// Whether `git` runs here; tests that need it say so and skip when it does not.
pub(crate) fn git_available() -> bool {
    std::process::Command::new("git").arg("--version").output().is_ok_and(|output| output.status.success())
}

/// Runs `git` in `dir` as a fixed author, and fails the test if it fails.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// The files of a platform given as text, which must compile without an error.
pub(crate) fn compile_text(text: &str) -> slipway::emit::Files {
    let compiled = slipway::compile(&SourceFile::new("platform.toml", text));
    assert!(!compiled.has_errors(), "{text}\n{:#?}", compiled.diagnostics);
    compiled.files.expect("a platform without errors has files")
}
