//! The in-place, crash-safe write of `out/`.
//!
//! Only files whose bytes change are written, each into a temporary file beside it (`.NAME.slipway-tmp`),
//! flushed to disk and renamed over the old one, so that each file is always either old or new. Only files
//! Slipway generated and no longer renders are deleted. Nothing else in `out/` is touched: hand-written
//! files and hidden entries (`.gitkeep`, `.git`, ArgoCD Image Updater's `.argocd-source-*.yaml`) stay as
//! they are, inode and all; symbolic links below `out/` are never followed (`out/` itself may be one, and
//! is written through).
//!
//! Before the first change a journal, `out/.slipway-build`, records what the build is about to write and
//! delete; it is removed when the build is done. A build killed at any point leaves the journal: `check`
//! then says the build was interrupted, and the next `build` removes the temporary files the journal
//! names and completes the work. A failure while the temporary files are written (a full disk) removes
//! them again, and `out/` is as it was.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Comparison, Files, compare, guard, is_inside};

/// The journal of a build in progress, inside the output directory.
pub const JOURNAL: &str = ".slipway-build";
/// The journal while it is being written.
const JOURNAL_TEMPORARY: &str = ".slipway-build.tmp";
/// Test hook: `SLIPWAY_TEST_PAUSE_AFTER=N` makes `build` stop for good after N steps of its write (the
/// journal, each temporary file, each rename, each deletion, the final flush), print
/// `slipway: paused after N steps` to stderr, and wait to be killed. Tests use it to kill a build at a
/// chosen point; nothing else should set it.
pub const PAUSE_VARIABLE: &str = "SLIPWAY_TEST_PAUSE_AFTER";

/// Why a write did not happen, or did not finish.
#[derive(Debug)]
pub enum WriteError {
    /// Hand-written files, symbolic links or special files sit where generated ones (or their
    /// directories) must go (the comparison's `conflicts`), or there are FIFOs, devices or sockets in
    /// `out/` (its `special`), which Slipway never opens; nothing was written.
    Conflicts(Box<Comparison>),
    /// The output directory is not one Slipway may write into; nothing was read or written.
    Refused(String),
    /// An I/O error before any file of `out/` changed; `out/` is as it was.
    Io(String),
    /// An I/O error after some files were replaced: each file is old or new, the journal remains, and
    /// the next `build` completes the work.
    Interrupted(String),
}

/// Makes `directory` hold exactly `files`, plus anything already there that Slipway did not generate.
/// Nothing is touched when nothing changed. See the module documentation for how it stays safe.
pub fn write(directory: &Path, files: &Files) -> Result<Comparison, WriteError> {
    let io_error = |what: &str, path: &Path, error: io::Error| {
        WriteError::Io(format!("cannot {what} `{}`: {error}", path.display()))
    };
    // The names check already refuses names that could escape; this is the last line of defence.
    if let Some(path) = files.keys().find(|path| !is_inside(path)) {
        return Err(WriteError::Io(format!(
            "refusing to write `{path}`, which is not inside `{}`",
            directory.display()
        )));
    }
    guard::check_output_directory(directory, None).map_err(WriteError::Refused)?;
    let _lock = Lock::acquire(directory)?;
    let comparison = compare(directory, files).map_err(|error| io_error("read", directory, error))?;
    if !comparison.special.is_empty() || !comparison.conflicts.is_empty() {
        return Err(WriteError::Conflicts(Box::new(comparison)));
    }
    if comparison.is_current() && !comparison.interrupted {
        return Ok(comparison);
    }
    let hook = Hook::from_environment();
    hook.check(0);
    fs::create_dir_all(directory).map_err(|error| io_error("create", directory, error))?;
    if comparison.interrupted {
        clean_interrupted(directory)?;
    }
    let mut writes: Vec<&str> = comparison.added.iter().map(String::as_str).collect();
    writes.extend(comparison.changed.iter().map(|(relative, _)| relative.as_str()));
    writes.sort_unstable();
    let removals: Vec<&str> = comparison.removed.iter().map(|(relative, _)| relative.as_str()).collect();

    write_journal(directory, &writes, &removals)?;
    hook.step();

    // Directories first, each once, never through a symbolic link (`compare` has refused those).
    let mut created = Vec::new();
    let needed: BTreeSet<&str> = writes.iter().flat_map(|relative| super::ancestors(relative)).collect();
    for relative in needed {
        let path = directory.join(relative);
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_dir() => {}
            Ok(_) => {
                undo(directory, &[], &created);
                let conflicts = vec![relative.to_owned()];
                return Err(WriteError::Conflicts(Box::new(Comparison { conflicts, ..Comparison::default() })));
            }
            Err(_) => match fs::create_dir(&path) {
                Ok(()) => created.push(path),
                Err(error) => {
                    undo(directory, &[], &created);
                    return Err(io_error("create", &path, error));
                }
            },
        }
    }

    // Every new file into its temporary sibling, flushed; a failure here undoes everything.
    let temporaries = write_temporaries(directory, files, &writes, &hook);
    if let Err((error, written)) = temporaries {
        undo(directory, &written, &created);
        return Err(error);
    }

    // Then the renames, each atomic: from here on a failure leaves the journal for the next build.
    let interrupted = |what: &str, path: &Path, error: io::Error| {
        WriteError::Interrupted(format!("cannot {what} `{}`: {error}", path.display()))
    };
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    touched.insert(directory.to_path_buf());
    for relative in &writes {
        let target = directory.join(relative);
        fs::rename(temporary_path(&target), &target).map_err(|error| interrupted("replace", &target, error))?;
        if let Some(parent) = target.parent() {
            touched.insert(parent.to_path_buf());
        }
        hook.step();
    }
    for created in &created {
        if let Some(parent) = created.parent() {
            touched.insert(parent.to_path_buf());
        }
    }

    // Then the generated files no longer rendered; a directory they leave empty goes too.
    let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
    for relative in &removals {
        let path = directory.join(relative);
        // Still a regular file (the comparison read it as generated, under the lock).
        if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
            fs::remove_file(&path).map_err(|error| interrupted("remove", &path, error))?;
        }
        for ancestor in super::ancestors(relative) {
            emptied.insert(directory.join(ancestor));
        }
        hook.step();
    }
    // Deepest first; `remove_dir` removes only an empty directory, so a hidden or hand-written file keeps it.
    for path in emptied.iter().rev() {
        if fs::remove_dir(path).is_ok()
            && let Some(parent) = path.parent()
        {
            touched.insert(parent.to_path_buf());
        }
    }
    for path in &touched {
        if path.exists() {
            sync_directory(path).map_err(|error| interrupted("flush", path, error))?;
        }
    }
    hook.step();

    let journal = directory.join(JOURNAL);
    fs::remove_file(&journal).map_err(|error| interrupted("remove", &journal, error))?;
    sync_directory(directory).map_err(|error| interrupted("flush", directory, error))?;
    Ok(comparison)
}

/// Writes the temporary sibling of each file to write and flushes it; by several threads when there
/// are many (each flush waits on the disk). On failure, gives the temporary files that were made.
fn write_temporaries(
    directory: &Path,
    files: &Files,
    writes: &[&str],
    hook: &Hook,
) -> Result<(), (WriteError, Vec<PathBuf>)> {
    let write_chunk = |chunk: &[&str]| -> Result<(), (WriteError, Vec<PathBuf>)> {
        let mut made = Vec::with_capacity(chunk.len());
        for relative in chunk {
            let target = directory.join(relative);
            let temporary = temporary_path(&target);
            match write_new(&temporary, files[*relative].as_bytes()) {
                Ok(()) => made.push(temporary),
                Err(error) => {
                    let error = WriteError::Io(format!("cannot write `{}`: {error}", temporary.display()));
                    return Err((error, made));
                }
            }
            hook.step();
        }
        Ok(())
    };
    let threads = if hook.after.is_some() || writes.len() < 64 {
        1
    } else {
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(2, 8)
    };
    if threads == 1 {
        return write_chunk(writes);
    }
    let size = writes.len().div_ceil(threads);
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = writes.chunks(size).map(|chunk| scope.spawn(move || write_chunk(chunk))).collect();
        handles.into_iter().map(|handle| handle.join().expect("writing files does not panic")).collect()
    });
    if results.iter().all(Result::is_ok) {
        return Ok(());
    }
    // A failed chunk stopped; the others finished: every temporary file that exists was made by us.
    let made: Vec<PathBuf> = writes
        .iter()
        .map(|relative| temporary_path(&directory.join(relative)))
        .filter(|path| fs::symlink_metadata(path).is_ok())
        .collect();
    let error = results.into_iter().find_map(Result::err).map(|(error, _)| error).expect("one failed");
    Err((error, made))
}

/// Puts `out/` back as it was after a failure before any rename: the temporary files, the directories
/// this build made (if still empty), and the journal.
fn undo(directory: &Path, temporaries: &[PathBuf], created: &[PathBuf]) {
    for path in temporaries {
        let _ = fs::remove_file(path);
    }
    for path in created.iter().rev() {
        let _ = fs::remove_dir(path);
    }
    let _ = fs::remove_file(directory.join(JOURNAL));
    let _ = sync_directory(directory);
}

/// `dir/name` -> `dir/.name.slipway-tmp`: hidden, so no walk ever takes it for output.
fn temporary_path(target: &Path) -> PathBuf {
    let name = target.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.slipway-tmp"))
}

/// Creates `path` (never through a symbolic link: `create_new` refuses an existing entry of any kind),
/// writes `contents` and flushes them to disk. A regular file left there by a killed build is replaced.
fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    let open = || fs::OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match open() {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            if !fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file()) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "something that is not a regular file is in the way; move it away",
                ));
            }
            fs::remove_file(path)?;
            open()?
        }
        other => other?,
    };
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes the entries of a directory (renames, creations, deletions) durable.
fn sync_directory(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(path)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Writes the journal: the files this build is about to write and delete, one per line.
fn write_journal(directory: &Path, writes: &[&str], removals: &[&str]) -> Result<(), WriteError> {
    let mut text = String::from(
        "# slipway: a build of this directory is in progress, or was interrupted; `slipway build` completes it.\n",
    );
    for relative in writes {
        text.push_str("write ");
        text.push_str(relative);
        text.push('\n');
    }
    for relative in removals {
        text.push_str("remove ");
        text.push_str(relative);
        text.push('\n');
    }
    let temporary = directory.join(JOURNAL_TEMPORARY);
    let journal = directory.join(JOURNAL);
    let io_error =
        |path: &Path, error: io::Error| WriteError::Io(format!("cannot write `{}`: {error}", path.display()));
    write_new(&temporary, text.as_bytes()).map_err(|error| io_error(&temporary, error))?;
    fs::rename(&temporary, &journal).map_err(|error| io_error(&journal, error))?;
    sync_directory(directory).map_err(|error| io_error(directory, error))
}

/// Removes what an interrupted build left: the temporary files its journal names (regular files only),
/// and the journal's own temporary file. The journal itself is replaced by this build's.
fn clean_interrupted(directory: &Path) -> Result<(), WriteError> {
    let journal = directory.join(JOURNAL);
    let metadata = fs::symlink_metadata(&journal)
        .map_err(|error| WriteError::Io(format!("cannot read `{}`: {error}", journal.display())))?;
    if !metadata.is_file() {
        return Err(WriteError::Io(format!(
            "`{}` is not a regular file; slipway does not open it: move it away",
            journal.display()
        )));
    }
    let text = fs::read_to_string(&journal)
        .map_err(|error| WriteError::Io(format!("cannot read `{}`: {error}", journal.display())))?;
    let mut parents = BTreeSet::new();
    for relative in text.lines().filter_map(|line| line.strip_prefix("write ")) {
        if !is_inside(relative) {
            continue;
        }
        let temporary = temporary_path(&directory.join(relative));
        if fs::symlink_metadata(&temporary).is_ok_and(|metadata| metadata.is_file()) {
            let _ = fs::remove_file(&temporary);
        }
        parents.extend(super::ancestors(relative).map(|parent| directory.join(parent)));
    }
    // The directories it made and left empty; `remove_dir` removes nothing else.
    for parent in parents.iter().rev() {
        let _ = fs::remove_dir(parent);
    }
    let temporary = directory.join(JOURNAL_TEMPORARY);
    if fs::symlink_metadata(&temporary).is_ok_and(|metadata| metadata.is_file()) {
        let _ = fs::remove_file(&temporary);
    }
    Ok(())
}

/// What older versions of Slipway left beside `out/` when a build was killed between two renames:
/// `.out.slipway-previous` (the old tree, hand-written files included) and `.out.slipway-staging`.
pub(super) fn leftovers(directory: &Path) -> Vec<PathBuf> {
    ["previous", "staging"]
        .into_iter()
        .map(|suffix| sibling(directory, suffix))
        .filter(|path| fs::symlink_metadata(path).is_ok())
        .collect()
}

/// `out` -> `.out.slipway-<suffix>`, beside it.
fn sibling(directory: &Path, suffix: &str) -> PathBuf {
    let name = directory.file_name().map_or_else(|| "out".into(), |name| name.to_string_lossy().into_owned());
    let parent = directory.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{name}.slipway-{suffix}"))
}

/// The test hook of [`PAUSE_VARIABLE`]: counts steps and stops for good at the chosen one.
struct Hook {
    after: Option<usize>,
    done: AtomicUsize,
}

impl Hook {
    fn from_environment() -> Hook {
        let after = std::env::var(PAUSE_VARIABLE).ok().and_then(|value| value.trim().parse().ok());
        Hook { after, done: AtomicUsize::new(0) }
    }

    fn step(&self) {
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        self.check(done);
    }

    fn check(&self, done: usize) {
        if self.after == Some(done) {
            let _ = writeln!(io::stderr(), "slipway: paused after {done} steps ({PAUSE_VARIABLE})");
            loop {
                std::thread::sleep(std::time::Duration::from_hours(1));
            }
        }
    }
}

/// A lock file beside `out/`, so that two builds never interleave. It holds the builder's process ID; a
/// lock whose process is gone (a build that was killed) is taken over where `/proc` tells which
/// processes live (Linux); elsewhere it must be removed by hand.
struct Lock {
    path: PathBuf,
}

impl Lock {
    fn acquire(directory: &Path) -> Result<Lock, WriteError> {
        let path = sibling(directory, "lock");
        let parent = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .map_err(|error| WriteError::Io(format!("cannot create `{}`: {error}", parent.display())))?;
        for _ in 0..2 {
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    let holder = if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
                        fs::read_to_string(&path).unwrap_or_default()
                    } else {
                        String::new()
                    };
                    let alive =
                        holder.trim().parse::<u32>().is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
                    if alive || !Path::new("/proc/self").exists() {
                        return Err(WriteError::Io(format!(
                            "another build (process {}) is writing `{}`; wait for it, or remove `{}` if none is running",
                            holder.trim(),
                            directory.display(),
                            path.display()
                        )));
                    }
                    let _ = fs::remove_file(&path);
                }
                Err(error) => return Err(WriteError::Io(format!("cannot create `{}`: {error}", path.display()))),
            }
        }
        Err(WriteError::Io(format!("cannot take the lock `{}`", path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes one file (the platform, a schema) through a flushed temporary sibling renamed over it. A
/// symbolic link is written through to its target; anything else that is not a regular file is refused.
/// Gives whether the file changed; the error is a message for the CLI.
pub fn write_file(path: &Path, contents: &str) -> Result<bool, String> {
    let io_error = |error: io::Error| format!("cannot write `{}`: {error}", path.display());
    let target = match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => fs::canonicalize(path).map_err(io_error)?,
        _ => path.to_path_buf(),
    };
    match fs::symlink_metadata(&target) {
        Ok(metadata) if !metadata.is_file() => {
            return Err(format!("cannot write `{}`: it is not a regular file", path.display()));
        }
        Ok(_) if fs::read(&target).is_ok_and(|existing| existing == contents.as_bytes()) => return Ok(false),
        _ => {}
    }
    let parent = target.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_error)?;
    let temporary = temporary_path(&target);
    write_new(&temporary, contents.as_bytes()).map_err(io_error)?;
    if let Err(error) = fs::rename(&temporary, &target) {
        let _ = fs::remove_file(&temporary);
        return Err(io_error(error));
    }
    let _ = sync_directory(parent);
    Ok(true)
}
