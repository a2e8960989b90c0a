//! Never lose data, never touch what is not Slipway's: which directories and schema paths Slipway refuses,
//! the in-place write that leaves hand-written files, hidden files and symbolic links as they are, builds
//! killed at every step, FIFOs that are never opened, and what reaches git and the SealedSecret reader.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, Output};

const SMALL: &str = "valid/small.toml";

fn built(name: &str) -> PathBuf {
    let dir = support::project(name, &support::fixture(SMALL));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    dir
}

/// An edit of the small platform that changes, adds and removes generated files: `dev` becomes `qa`, and
/// the catalog runs 4 replicas in prod.
fn edit(dir: &Path) {
    let platform = dir.join("platform/platform.toml");
    let text = std::fs::read_to_string(&platform).unwrap();
    let edited = text.replace("[environments.dev]\n", "[environments.qa]\n").replace("replicas = 3", "replicas = 4");
    assert_ne!(text, edited);
    std::fs::write(&platform, edited).unwrap();
}

/// Every regular file below `dir`, hidden ones included, by relative path; symbolic links are not followed.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let file_type = entry.file_type().unwrap();
            let relative = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            if file_type.is_dir() {
                pending.push(entry.path());
            } else if file_type.is_file() {
                files.insert(relative, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

/// Compares two snapshots by path, and names the paths that differ (rather than printing every byte).
#[track_caller]
fn assert_same(actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>, context: &str) {
    let differing: Vec<&String> = actual
        .keys()
        .chain(expected.keys())
        .filter(|path| actual.get(*path) != expected.get(*path))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(differing.is_empty(), "{context}: these paths differ: {differing:?}");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs slipway with extra environment variables, and fails the test (instead of hanging it) if it has not
/// ended within a minute: for the cases where a hang is the bug.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
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
        .expect("run slipway");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_mins(1);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("slipway {args:?} did not end within a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        code: status.code().expect("exited normally"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Which output directories and schema paths are refused

#[test]
fn build_refuses_output_directories_that_are_not_its_own() {
    let dir = support::project("unsafe-out", &support::fixture(SMALL));
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "target/\n").unwrap();
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/notes.md"), "mine\n").unwrap();
    std::fs::write(dir.join("file.txt"), "mine\n").unwrap();
    let before = snapshot(&dir);
    let parent = dir.parent().unwrap().to_str().unwrap().to_owned();
    let cases: [(&str, &str); 6] = [
        (".", "it is the project root"),
        ("platform", "it is the platform file's own directory"),
        (&parent, "it contains the platform file"),
        ("/", "it is the root of the file system"),
        ("docs", "it holds files and none of them was generated by slipway"),
        ("file.txt", "it exists and is not a directory"),
    ];
    for (out, why) in cases {
        for command in ["build", "check", "diff"] {
            let output = run(&dir, &[command, "--out", out], &[]);
            assert_eq!(output.code, 2, "{command} --out {out}: {}", output.stderr);
            assert!(
                output.stderr.contains(&format!("refusing to use `{out}` as the output directory: {why}")),
                "{command} --out {out}: {}",
                output.stderr
            );
        }
        // The commands that edit the platform refuse before they write it.
        let output = run(&dir, &["set-image", "orders", "9.9.9", "--out", out], &[]);
        assert_eq!(output.code, 2, "set-image --out {out}: {}", output.stderr);
    }
    assert_same(&snapshot(&dir), &before, "nothing was written or deleted");
    assert!(!dir.join("schema").exists() && !dir.join("dev").exists() && !dir.join("platform/dev").exists());
}

#[test]
fn a_git_checkout_root_without_slipway_output_is_refused() {
    let platform_dir = support::project("checkout-platform", &support::fixture(SMALL));
    let platform = platform_dir.join("platform/platform.toml");
    let checkout = support::temp_dir("checkout-root");
    std::fs::create_dir_all(checkout.join(".git")).unwrap();
    std::fs::write(checkout.join("README.md"), "mine\n").unwrap();
    // An earlier build's output one level deeper (`out/dev/...`) is not output of this directory.
    let built = built("checkout-built");
    copy_tree(&built.join("out"), &checkout.join("out"));
    let before = snapshot(&checkout);
    let output = run(&checkout, &["build", "--platform", platform.to_str().unwrap(), "--out", "."], &[]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(output.stderr.contains("and it is the root of a Git checkout"), "{}", output.stderr);
    assert_same(&snapshot(&checkout), &before, "the tree");
}

#[test]
fn new_empty_hidden_only_and_earlier_output_directories_are_accepted() {
    let dir = support::project("safe-out", &support::fixture(SMALL));
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::create_dir_all(dir.join("hidden/.git")).unwrap();
    std::fs::write(dir.join("hidden/.gitkeep"), "").unwrap();
    std::fs::write(dir.join("hidden/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    for out in ["new/out", "empty", "hidden"] {
        let build = run(&dir, &["build", "--out", out], &[]);
        assert_eq!(build.code, 0, "--out {out}: {}", build.stderr);
        assert!(dir.join(out).join("prod/root.yaml").exists());
        // And again, now that it holds Slipway's output and a hand-written file.
        std::fs::write(dir.join(out).join("mine.txt"), "mine\n").unwrap();
        let again = run(&dir, &["build", "--out", out], &[]);
        assert_eq!(again.code, 0, "--out {out}: {}", again.stderr);
    }
    assert_eq!(std::fs::read(dir.join("hidden/.git/HEAD")).unwrap(), b"ref: refs/heads/main\n");
    assert!(dir.join("hidden/.gitkeep").exists());
}

#[test]
fn the_library_write_refuses_the_root_and_a_foreign_directory() {
    let files = support::render(&support::fixture(SMALL));
    let result = slipway::emit::write(Path::new("/"), &files);
    assert!(matches!(result, Err(slipway::emit::WriteError::Refused(_))), "{result:?}");
    let foreign = support::temp_dir("foreign");
    std::fs::create_dir_all(foreign.join("src")).unwrap();
    std::fs::write(foreign.join("src/main.rs"), "fn main() {}\n").unwrap();
    let result = slipway::emit::write(&foreign, &files);
    assert!(matches!(result, Err(slipway::emit::WriteError::Refused(_))), "{result:?}");
    assert_eq!(snapshot(&foreign).len(), 1);
}

#[test]
fn the_schema_never_overwrites_a_file_it_did_not_generate() {
    assert!(slipway::emit::is_generated_schema(&slipway::schema::generate()), "the generated schema is recognised");
    let dir = support::project("schema-paths", &support::fixture(SMALL));
    std::fs::write(dir.join("README.md"), "# mine\n").unwrap();
    std::fs::write(dir.join("other.json"), "{\"title\": \"mine\"}\n").unwrap();
    let before = snapshot(&dir);
    for path in ["platform/platform.toml", "README.md", "other.json", "platform"] {
        let schema = run(&dir, &["schema", "--schema", path], &[]);
        assert_eq!(schema.code, 2, "--schema {path}: {}", schema.stderr);
        assert!(schema.stderr.contains("refusing"), "--schema {path}: {}", schema.stderr);
        let build = run(&dir, &["build", "--schema", path], &[]);
        assert_eq!(build.code, 2, "--schema {path}: {}", build.stderr);
        assert!(!dir.join("out").exists(), "build refuses the schema path before writing out/");
    }
    assert_same(&snapshot(&dir), &before, "the tree");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("README.md"), dir.join("link.json")).unwrap();
        let schema = run(&dir, &["schema", "--schema", "link.json"], &[]);
        assert_eq!(schema.code, 2, "{}", schema.stderr);
        assert!(schema.stderr.contains("it is a symbolic link"), "{}", schema.stderr);
        assert_eq!(std::fs::read_to_string(dir.join("README.md")).unwrap(), "# mine\n");
    }
    // A stale schema Slipway generated, and an empty file, are written.
    std::fs::write(
        dir.join("old.json"),
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"Slipway platform\"}\n",
    )
    .unwrap();
    std::fs::write(dir.join("empty.json"), "").unwrap();
    for path in ["old.json", "empty.json", "new/schema.json"] {
        let schema = run(&dir, &["schema", "--schema", path], &[]);
        assert_eq!(schema.code, 0, "--schema {path}: {}", schema.stderr);
        assert_eq!(std::fs::read_to_string(dir.join(path)).unwrap(), slipway::schema::generate());
    }
}

// ---------------------------------------------------------------------------------------------------------
// The in-place write

#[cfg(unix)]
#[test]
fn a_build_touches_only_the_generated_files_that_change() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = built("in-place");
    let out = dir.join("out");
    let mine: [(&str, &str); 6] = [
        (".gitkeep", ""),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".argocd-source-orders.yaml", "helm:\n  parameters: []\n"),
        ("dev/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n"),
        ("dev/services/orders/.notes", "mine\n"),
        ("prod/notes.txt", "mine\n"),
    ];
    for (relative, text) in mine {
        std::fs::create_dir_all(out.join(relative).parent().unwrap()).unwrap();
        std::fs::write(out.join(relative), text).unwrap();
    }
    std::fs::hard_link(out.join("prod/notes.txt"), dir.join("notes-link.txt")).unwrap();
    let identity = |relative: &str| {
        let metadata = std::fs::symlink_metadata(out.join(relative)).unwrap();
        (metadata.ino(), metadata.mtime(), metadata.mtime_nsec(), metadata.nlink())
    };
    let before: Vec<_> = mine.iter().map(|(relative, _)| identity(relative)).collect();
    let unchanged = "prod/services/orders/deployment-orders.yaml";
    let unchanged_before = identity(unchanged);
    let changed = "prod/services/catalog/deployment-catalog.yaml";
    let changed_before = std::fs::read(out.join(changed)).unwrap();

    edit(&dir);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let after: Vec<_> = mine.iter().map(|(relative, _)| identity(relative)).collect();
    assert_eq!(before, after, "hand-written and hidden files keep their inode, times and links");
    for (relative, text) in mine {
        assert_eq!(std::fs::read_to_string(out.join(relative)).unwrap(), text, "{relative}");
    }
    assert_eq!(identity(unchanged), unchanged_before, "a file whose bytes do not change is not written");
    assert_ne!(std::fs::read(out.join(changed)).unwrap(), changed_before);
    assert!(out.join("qa/root.yaml").exists());
    assert!(!out.join("dev/root.yaml").exists(), "generated files no longer rendered are deleted");
    assert!(out.join("dev/services/orders").is_dir(), "a directory holding a hidden file stays");
    assert!(!out.join("dev/services/catalog").exists(), "a directory left empty goes");
    let leftovers: Vec<String> = snapshot(&out).into_keys().filter(|path| path.contains("slipway")).collect::<Vec<_>>();
    assert!(leftovers.is_empty(), "no journal or temporary file remains: {leftovers:?}");
    assert_eq!(support::slipway(&dir, &["check"]).code, 1, "the hand-written files fail check (O002)");
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_out_are_reported_never_followed() {
    let dir = built("symlinks");
    let out = dir.join("out");
    let outside = support::temp_dir("symlinks-outside");
    std::fs::write(outside.join("secret.txt"), "outside\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), out.join("dev/link.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("prod/linked-dir")).unwrap();
    edit(&dir);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        build.stderr.contains("warning[O002]: `out/dev/link.yaml` is a symbolic link; slipway never follows it"),
        "{}",
        build.stderr
    );
    assert!(std::fs::symlink_metadata(out.join("dev/link.yaml")).unwrap().file_type().is_symlink());
    assert!(std::fs::symlink_metadata(out.join("prod/linked-dir")).unwrap().file_type().is_symlink());
    assert_eq!(snapshot(&outside).len(), 1);
    assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "outside\n");
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("error[O002]: `out/prod/linked-dir` is a symbolic link"), "{}", check.stderr);

    // A link where a generated file goes, or where a generated directory goes, stops the build.
    std::fs::remove_file(out.join("qa/root.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), out.join("qa/root.yaml")).unwrap();
    std::fs::remove_dir_all(out.join("prod/services")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("prod/services")).unwrap();
    let before = snapshot(&out);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(
        build.stderr.contains("`out/qa/root.yaml` is a symbolic link where slipway must write"),
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.contains("`out/prod/services` is a symbolic link where slipway must write"),
        "{}",
        build.stderr
    );
    assert_same(&snapshot(&out), &before, "nothing was written");
    assert_eq!(snapshot(&outside).len(), 1);
    assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "outside\n");
}

#[cfg(unix)]
#[test]
fn out_itself_may_be_a_symbolic_link_to_a_directory() {
    let dir = support::project("out-link", &support::fixture(SMALL));
    std::fs::create_dir_all(dir.join("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.join("out")).unwrap();
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(std::fs::symlink_metadata(dir.join("out")).unwrap().file_type().is_symlink(), "out stays a link");
    assert!(dir.join("real/prod/root.yaml").exists());
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
    // A link to nothing is refused.
    std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
    let build = support::slipway(&dir, &["build", "--out", "dangling"]);
    assert_eq!(build.code, 2);
    assert!(build.stderr.contains("it is a symbolic link to nothing"), "{}", build.stderr);
}

#[cfg(unix)]
#[test]
fn fifos_and_sockets_are_reported_never_opened() {
    if Command::new("mkfifo").arg("--version").output().is_err() {
        eprintln!("skipped fifos_and_sockets_are_reported_never_opened: `mkfifo` is not available");
        return;
    }
    let dir = built("fifo");
    let out = dir.join("out");
    let status = Command::new("mkfifo").arg(out.join("dev/pipe.yaml")).status().unwrap();
    assert!(status.success());
    let _socket = std::os::unix::net::UnixListener::bind(out.join("prod/socket")).unwrap();
    let before = snapshot(&out);
    let check = run(&dir, &["check"], &[]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("`out/dev/pipe.yaml` is a FIFO, not a file"), "{}", check.stderr);
    assert!(check.stderr.contains("`out/prod/socket` is a socket, not a file"), "{}", check.stderr);
    edit(&dir);
    let build = run(&dir, &["build"], &[]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(build.stderr.contains("is a FIFO"), "{}", build.stderr);
    assert!(build.stderr.contains("nothing was written"), "{}", build.stderr);
    assert_same(&snapshot(&out), &before, "the tree");
    assert_eq!(run(&dir, &["diff"], &[]).code, 0);
    // A FIFO where the platform or the schema is read is an error too, not a hang.
    let status = Command::new("mkfifo").arg(dir.join("fifo")).status().unwrap();
    assert!(status.success());
    let check = run(&dir, &["check", "--platform", "fifo"], &[]);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stderr.contains("it is not a regular file"), "{}", check.stderr);
    std::fs::remove_file(out.join("dev/pipe.yaml")).unwrap();
    std::fs::remove_file(out.join("prod/socket")).unwrap();
    let check = run(&dir, &["check", "--schema", "fifo"], &[]);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stderr.contains("is not a regular file"), "{}", check.stderr);
}

#[test]
fn a_failed_write_removes_what_it_wrote_and_leaves_out_as_it_was() {
    let dir = built("failed-write");
    let out = dir.join("out");
    let before = snapshot(&out);
    // Where the new version of a changed file is written first, a directory stands in the way.
    let obstacle = out.join("prod/services/catalog/.deployment-catalog.yaml.slipway-tmp");
    std::fs::create_dir_all(&obstacle).unwrap();
    edit(&dir);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 2, "{}", build.stderr);
    assert!(build.stderr.contains("is in the way"), "{}", build.stderr);
    assert!(build.stderr.contains("`out` was left as it was"), "{}", build.stderr);
    assert_same(&snapshot(&out), &before, "no file changed, and no temporary file or journal remains");
    assert!(!out.join("qa").exists(), "the directories it made are gone");
    assert!(obstacle.is_dir(), "what was in the way is not Slipway's to remove");
    assert!(!dir.join(".out.slipway-lock").exists(), "the lock is released");
    std::fs::remove_dir(&obstacle).unwrap();
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

#[test]
fn what_an_older_slipway_left_beside_out_is_reported_not_deleted() {
    let dir = built("old-leftover");
    let previous = dir.join(".out.slipway-previous/dev/mine.yaml");
    std::fs::create_dir_all(previous.parent().unwrap()).unwrap();
    std::fs::write(&previous, "mine\n").unwrap();
    edit(&dir);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.stderr.contains("was left by an interrupted build of an older slipway"), "{}", build.stderr);
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 0, "a warning: {}", check.stderr);
    assert!(check.stderr.contains(".out.slipway-previous"), "{}", check.stderr);
    assert_eq!(std::fs::read_to_string(&previous).unwrap(), "mine\n");
}

// ---------------------------------------------------------------------------------------------------------
// Builds killed at every step

/// Runs `build` in `dir` with the test hook set to stop after `steps` steps. If the build reaches that
/// step, it is killed with SIGKILL there and this gives true; if it ends first, false.
fn build_killed_after(dir: &Path, steps: usize) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["build", "--color=never"])
        .current_dir(dir)
        .env(slipway::emit::PAUSE_VARIABLE, steps.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run slipway");
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.starts_with("slipway: paused after") {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        text.push_str(&line);
        text.push('\n');
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "build with the pause at {steps}: {text}");
    false
}

#[test]
fn a_build_killed_at_any_step_loses_nothing_and_the_next_build_completes_it() {
    let base = built("killed-base");
    let old: BTreeMap<String, Vec<u8>> = snapshot(&base.join("out"));
    let reference = built("killed-reference");
    edit(&reference);
    assert_eq!(support::slipway(&reference, &["build"]).code, 0);
    let new = snapshot(&reference.join("out"));
    let mine: BTreeMap<String, Vec<u8>> = [
        (".gitkeep", ""),
        (".argocd-source-orders.yaml", "helm: {}\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("dev/extra.yaml", "kind: ConfigMap\n"),
        ("dev/services/orders/.keep", ""),
        ("prod/notes.txt", "mine\n"),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_owned(), text.as_bytes().to_vec()))
    .collect();
    for (relative, bytes) in &mine {
        let path = base.join("out").join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    edit(&base);
    let mut expected = new.clone();
    expected.extend(mine.clone());

    let mut steps = 0;
    loop {
        let dir = support::temp_dir("killed");
        copy_tree(&base, &dir);
        if !build_killed_after(&dir, steps) {
            // The build ended before the chosen step: every step has been tried.
            assert_same(&snapshot(&dir.join("out")), &expected, "a build without a pause");
            break;
        }
        let out = snapshot(&dir.join("out"));
        for path in old.keys().chain(new.keys()) {
            let now = out.get(path);
            assert!(now == old.get(path) || now == new.get(path), "step {steps}: `{path}` is neither old nor new");
        }
        for (path, bytes) in &mine {
            assert!(out.get(path) == Some(bytes), "step {steps}: the hand-written `{path}` is intact");
        }
        let check = support::slipway(&dir, &["check"]);
        assert_eq!(check.code, 1, "step {steps}");
        assert_eq!(
            check.stderr.contains("error[O001]: a build of `out` was interrupted (`out/.slipway-build` remains)"),
            steps > 0,
            "step {steps}: {}",
            check.stderr
        );
        if !Path::new("/proc/self").exists() {
            // Without /proc a lock cannot be told stale: remove the killed build's by hand.
            std::fs::remove_file(dir.join(".out.slipway-lock")).unwrap();
        }
        let build = support::slipway(&dir, &["build"]);
        assert_eq!(build.code, 0, "step {steps}: {}", build.stderr);
        assert_eq!(build.stdout.contains("completed the interrupted build of `out`"), steps > 0, "step {steps}");
        assert_same(
            &snapshot(&dir.join("out")),
            &expected,
            &format!("step {steps}: the next build completes the work"),
        );
        assert_eq!(support::slipway(&dir, &["check"]).code, 1, "step {steps}: only the hand-written files (O002)");
        let _ = std::fs::remove_dir_all(&dir);
        steps += 1;
    }
    let written = new.keys().filter(|path| old.get(*path) != new.get(*path)).count();
    let removed = old.keys().filter(|path| !new.contains_key(*path)).count();
    assert!(written > 10 && removed > 10, "the edit adds, changes and removes files");
    assert_eq!(steps, 1 + 2 * written + removed + 1 + 1, "every step was a kill point");
}

#[test]
fn an_interrupted_build_undone_by_an_edit_leaves_no_temporary_file() {
    let dir = built("killed-then-reverted");
    let old = snapshot(&dir.join("out"));
    let platform = std::fs::read(dir.join("platform/platform.toml")).unwrap();
    edit(&dir);
    // Killed once the journal and a few temporary files are written.
    assert!(build_killed_after(&dir, 5));
    let temporaries = snapshot(&dir.join("out")).into_keys().filter(|path| path.ends_with(".slipway-tmp")).count();
    assert_eq!(temporaries, 4, "the killed build left its temporary files");
    // The platform goes back to what `out/` holds: nothing to write, but the journal's files to clean.
    std::fs::write(dir.join("platform/platform.toml"), platform).unwrap();
    if !Path::new("/proc/self").exists() {
        std::fs::remove_file(dir.join(".out.slipway-lock")).unwrap();
    }
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.stdout.contains("completed the interrupted build of `out`"), "{}", build.stdout);
    assert_same(&snapshot(&dir.join("out")), &old, "no temporary file and no journal remain");
    assert!(!dir.join("out/qa").exists(), "nor the directories the killed build made");
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

// ---------------------------------------------------------------------------------------------------------
// git and the SealedSecret files

#[test]
fn diff_base_refuses_options_and_odd_revisions() {
    for revision in ["HEAD", "HEAD~1", "origin/main", "main@{1}", "v1.2.3", "0123abc", "HEAD^2", "feature/a_b+c"] {
        assert!(slipway::load::is_safe_revision(revision), "{revision}");
    }
    for revision in ["", "-x", "--output=x", "a b", "a:b", "a;b", "$(x)", "a\nb", "`x`", "a\\b"] {
        assert!(!slipway::load::is_safe_revision(revision), "{revision:?}");
    }
    let dir = support::project("diff-base-option", &support::fixture(SMALL));
    let before = snapshot(&dir);
    for base in ["--base=--output=written.txt", "--base=HEAD;touch x"] {
        let output = run(&dir, &["diff", base], &[]);
        assert_eq!(output.code, 2, "{base}: {}", output.stderr);
        assert!(output.stderr.contains("error: refusing the revision"), "{base}: {}", output.stderr);
    }
    assert_same(&snapshot(&dir), &before, "git wrote nothing");
}

#[test]
fn diff_base_says_when_git_cannot_run() {
    let dir = support::project("diff-base-no-git", &support::fixture(SMALL));
    let empty = support::temp_dir("no-path");
    let output = run(&dir, &["diff", "--base", "HEAD"], &[("PATH", empty.to_str().unwrap())]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("cannot run `git`, which `diff --base` needs: it is not installed, or not on PATH"),
        "{}",
        output.stderr
    );
    if !support::git_available() {
        eprintln!("skipped the rest of diff_base_says_when_git_cannot_run: `git` is not on PATH");
        return;
    }
    let git = |args: &[&str]| support::git(&dir, args);
    git(&["init", "-q"]);
    git(&["add", "platform/platform.toml"]);
    git(&["commit", "-q", "-m", "base"]);
    let output = run(&dir, &["diff", "--base=HEAD"], &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
}

#[test]
fn a_sealed_secret_whose_name_is_a_path_is_never_read() {
    let dir = support::temp_dir("sealed-escape");
    std::fs::create_dir_all(dir.join("project/platform/secrets")).unwrap();
    std::fs::write(dir.join("x.yaml"), "TOPSECRET-OUTSIDE\n").unwrap();
    std::fs::write(dir.join("project/x.yaml"), "TOPSECRET-PROJECT\n").unwrap();
    let text = "[platform]\nname = \"shop\"\nrepo = \"https://git.example.com/shop.git\"\n\n\
                [secrets.\"../../x\"]\nbackend = \"sealed-secrets\"\nkeys = [\"token\"]\n\n\
                [secrets.\"../../../x\"]\nbackend = \"sealed-secrets\"\nkeys = [\"token\"]\n\n\
                [secrets.linked]\nbackend = \"sealed-secrets\"\nkeys = [\"token\"]\n\n\
                [environments.dev]\n";
    let platform_path = dir.join("project/platform/platform.toml");
    std::fs::write(&platform_path, text).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("x.yaml"), dir.join("project/platform/secrets/linked.yaml")).unwrap();
    let source = slipway::load::read(&platform_path).unwrap();
    let platform = slipway::load::parse(&source).unwrap();
    let attachments = slipway::load::read_attachments(&platform_path, &platform);
    for name in ["../../x", "../../../x"] {
        let (_, text) = &attachments.sealed_secrets[name];
        assert_eq!(text.as_ref().unwrap_err(), "its name is not a DNS-1123 label, so no file is read for it");
    }
    #[cfg(unix)]
    assert!(attachments.sealed_secrets["linked"].1.as_ref().unwrap_err().contains("symbolic link"));
    let check = run(&dir.join("project"), &["check"], &[]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("N001"), "the names check reports it: {}", check.stderr);
    assert!(!check.stderr.contains("TOPSECRET") && !check.stdout.contains("TOPSECRET"), "{}", check.stderr);
}
