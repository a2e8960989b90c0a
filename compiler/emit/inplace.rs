//! The in-place, crash-safe write of `out/`.
//!
//! Only files whose bytes change are written. A file of a directory that exists goes into a temporary file
//! beside it (`.NAME.slipway-tmp`) renamed over the old one; a directory that does not exist yet (a new
//! environment or service) is built whole under a hidden name (`.DIR.slipway-tmp`) and renamed into place
//! once. Either way each file is always old or new, never partly written. Only files Slipway generated and
//! no longer renders are deleted. Nothing else in `out/` is touched: hand-written files and hidden entries
//! (`.gitkeep`, `.git`, ArgoCD Image Updater's `.argocd-source-*.yaml`) stay as they are, inode and all;
//! symbolic links below `out/` are never followed (`out/` itself may be one, and is written through).
//!
//! Before the first change a journal, `out/.slipway-build`, records what the build is about to write,
//! delete and build hidden; it is flushed to disk, and removed when the build is done. A build killed at
//! any point leaves the journal: `check` then says the build was interrupted, and the next `build` removes
//! the temporary files and hidden directories the journal names and completes the work. A failure while
//! the files are written (a full disk) removes them again, and `out/` is as it was.
//!
//! The generated files themselves are not flushed one by one (an `fsync` each made an empty build on disk
//! several times slower than writing the files): a kill cannot tear them, since the kernel keeps what was
//! written, and what a power cut may lose is found by `check`, which compares every byte of `out/` with a
//! fresh render (the journal, if the cut came mid-build, or a stale file), and is rewritten by `build`.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Against, Compared, Comparison, Files, guard, is_inside};

/// The journal of a build in progress, inside the output directory.
pub const JOURNAL: &str = ".slipway-build";
/// The journal while it is being written.
const JOURNAL_TEMPORARY: &str = ".slipway-build.tmp";
/// Test hook: `SLIPWAY_TEST_PAUSE_AFTER=N` makes `build` stop for good after N steps of its write (the
/// journal, each file written, each rename, each deletion, the end), print
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

impl WriteError {
    /// ``cannot WHAT `PATH`: ERROR``, before any file of `out/` changed.
    fn io(what: &str, path: &Path, error: impl std::fmt::Display) -> WriteError {
        WriteError::Io(format!("cannot {what} `{}`: {error}", path.display()))
    }

    /// ``cannot WHAT `PATH`: ERROR``, once files were replaced: the journal stays for the next build.
    fn interrupted(what: &str, path: &Path, error: impl std::fmt::Display) -> WriteError {
        WriteError::Interrupted(format!("cannot {what} `{}`: {error}", path.display()))
    }
}

/// Makes `directory` hold exactly `files`, plus anything already there that Slipway did not generate.
/// Nothing is touched when nothing changed. See the module documentation for how it stays safe.
pub fn write(directory: &Path, files: &Files) -> Result<Comparison, WriteError> {
    begin(directory, None)?.finish(files)
}

/// A write of `out/` begun before the platform is compiled: the output directory is checked, its lock
/// taken, and it is listed on a thread of its own while the caller compiles (and compares the render
/// with it, file by file: [`Writer::against`]); [`Writer::finish_compared`] then writes what differs.
/// Dropped unfinished, it releases the lock and writes nothing.
pub struct Writer {
    against: Against,
    /// When `out/` exists at `begin`; else the lock waits for `finish`, so that a platform that does not
    /// compile leaves no directory behind.
    lock: Option<Lock>,
}

/// Begins a write of `directory`: see [`Writer`]. The directory is refused first if it is not Slipway's
/// to write (`check_output_directory`, told of the platform file when there is one).
pub fn begin(directory: &Path, platform: Option<&Path>) -> Result<Writer, WriteError> {
    guard::check_output_directory(directory, platform).map_err(WriteError::Refused)?;
    if fs::symlink_metadata(directory).is_err() {
        return Ok(Writer { against: Against::now(directory), lock: None });
    }
    let lock = Lock::acquire(directory)?;
    Ok(Writer { against: Against::begin(directory), lock: Some(lock) })
}

impl Writer {
    /// `out/` as it was when the write began, for a render to be compared with as it is made.
    pub fn against(&self) -> &Against {
        &self.against
    }

    /// Makes the directory hold exactly `files` (a whole render), plus anything already there that
    /// Slipway did not generate: see [`write`].
    pub fn finish(self, files: &Files) -> Result<Comparison, WriteError> {
        let compared = self.against.compare_files(files);
        self.finish_compared(files, compared)
    }

    /// [`Writer::finish`] for a render compared with [`Writer::against`] as it was made: `stale` holds
    /// the texts of the files that differ from `out/` (added or changed), the only ones written.
    pub fn finish_compared(self, stale: &Files, compared: io::Result<Compared>) -> Result<Comparison, WriteError> {
        let directory = self.against.directory();
        // The names check already refuses names that could escape; this is the last line of defence (a
        // path outside `out/` is never found there, so it is among the files that differ).
        if let Some(path) = stale.keys().find(|path| !is_inside(path)) {
            return Err(WriteError::Io(format!(
                "refusing to write `{path}`, which is not inside `{}`",
                directory.display()
            )));
        }
        let (_lock, comparison) = if let Some(lock) = self.lock {
            (lock, compared.map_err(|error| WriteError::io("read", directory, error))?.comparison)
        } else {
            // `out/` did not exist when the write began, so every file was new and `stale` is the whole
            // render; the directory may have been made since, so it is checked, and compared again if so.
            guard::check_output_directory(directory, None).map_err(WriteError::Refused)?;
            let lock = Lock::acquire(directory)?;
            let compared = if fs::symlink_metadata(directory).is_ok() {
                Against::now(directory).compare_files(stale)
            } else {
                compared
            };
            (lock, compared.map_err(|error| WriteError::io("read", directory, error))?.comparison)
        };
        write_compared(directory, stale, comparison)
    }
}

/// The write itself, under the lock, once `out/` is compared with `files`.
fn write_compared(directory: &Path, files: &Files, comparison: Comparison) -> Result<Comparison, WriteError> {
    if !comparison.special.is_empty() || !comparison.conflicts.is_empty() {
        return Err(WriteError::Conflicts(Box::new(comparison)));
    }
    if comparison.is_current() && !comparison.interrupted {
        return Ok(comparison);
    }
    let hook = Hook::from_environment();
    hook.check(0);
    fs::create_dir_all(directory).map_err(|error| WriteError::io("create", directory, error))?;
    if comparison.interrupted {
        clean_interrupted(directory)?;
    }
    let mut writes: Vec<&str> = comparison.added.iter().map(String::as_str).collect();
    writes.extend(comparison.changed.iter().map(|(relative, _)| relative.as_str()));
    writes.sort_unstable();
    let removals: Vec<&str> = comparison.removed.iter().map(|(relative, _)| relative.as_str()).collect();

    // Which directories are new: the topmost of each missing branch is built hidden, then renamed into place.
    let roots = new_roots(directory, &writes)?;
    let staged: Vec<Staged<'_>> = writes.iter().map(|relative| Staged::of(directory, &roots, relative)).collect();

    write_journal(directory, &writes, &removals, &roots)?;
    hook.step();

    // The hidden roots of the new directories; then every file, into its temporary sibling or its new
    // directory. A failure here undoes everything.
    let hidden = match make_roots(directory, &roots) {
        Ok(hidden) => hidden,
        Err((error, made)) => {
            undo(directory, &[], &made);
            return Err(error);
        }
    };
    if let Err((error, written)) = write_files(files, &staged, &hook) {
        undo(directory, &written, &hidden);
        return Err(error);
    }

    // Then the renames, each atomic: from here on a failure leaves the journal for the next build.
    let renames: Vec<(PathBuf, PathBuf)> = roots
        .iter()
        .map(|root| {
            let target = directory.join(root);
            (temporary_path(&target), target)
        })
        .chain(staged.iter().filter(|it| !it.in_new_directory).map(|it| (it.written.clone(), it.target.clone())))
        .collect();
    rename_all(&renames, &hook)?;

    // Then the generated files no longer rendered; a directory they leave empty goes too.
    let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
    for relative in &removals {
        let path = directory.join(relative);
        // Still a regular file (the comparison read it as generated, under the lock).
        if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
            fs::remove_file(&path).map_err(|error| WriteError::interrupted("remove", &path, error))?;
        }
        for ancestor in super::ancestors(relative) {
            emptied.insert(directory.join(ancestor));
        }
        hook.step();
    }
    // Deepest first; `remove_dir` removes only an empty directory, so a hidden or hand-written file keeps it.
    for path in emptied.iter().rev() {
        let _ = fs::remove_dir(path);
    }
    hook.step();

    let journal = directory.join(JOURNAL);
    fs::remove_file(&journal).map_err(|error| WriteError::interrupted("remove", &journal, error))?;
    Ok(comparison)
}

/// Where one file of a build goes: written at `written`, then in place at `target` by a rename of its own
/// (a file of an existing directory) or of the new directory it lies in (`in_new_directory`).
struct Staged<'a> {
    relative: &'a str,
    in_new_directory: bool,
    written: PathBuf,
    target: PathBuf,
}

impl<'a> Staged<'a> {
    fn of(directory: &Path, roots: &'a BTreeSet<String>, relative: &'a str) -> Staged<'a> {
        let target = directory.join(relative);
        match super::ancestors(relative).find(|ancestor| roots.contains(*ancestor)) {
            Some(root) => {
                let written = temporary_path(&directory.join(root)).join(&relative[root.len() + 1..]);
                Staged { relative, in_new_directory: true, written, target }
            }
            None => Staged { relative, in_new_directory: false, written: temporary_path(&target), target },
        }
    }
}

/// The topmost missing directory of each branch the files need: `qa` when `qa/services/api/x.yaml` is
/// written and `qa` does not exist. Refused: anything but a directory where a needed directory must be
/// (never followed), and anything where a new directory is to be built hidden (`.qa.slipway-tmp`), which
/// this build would otherwise name in its journal as its own.
fn new_roots(directory: &Path, writes: &[&str]) -> Result<BTreeSet<String>, WriteError> {
    let needed = super::directories_of(writes.iter().copied());
    let mut roots = BTreeSet::new();
    // Parents sort before their children, so a directory's new root, if any, is already known.
    for relative in needed {
        if super::ancestors(relative).any(|ancestor| roots.contains(ancestor)) {
            continue;
        }
        let path = directory.join(relative);
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_dir() => {}
            Ok(_) => {
                let conflicts = vec![relative.to_owned()];
                return Err(WriteError::Conflicts(Box::new(Comparison { conflicts, ..Comparison::default() })));
            }
            Err(_) => {
                let hidden = temporary_path(&path);
                if fs::symlink_metadata(&hidden).is_ok() {
                    return Err(WriteError::Io(format!(
                        "cannot create `{}`: something is in the way; move it away",
                        hidden.display()
                    )));
                }
                roots.insert(relative.to_owned());
            }
        }
    }
    Ok(roots)
}

/// Makes each new root's hidden directory (the directories below it are made as their files are
/// written); gives the hidden roots, which are this build's alone (also on failure, for the undo).
fn make_roots(directory: &Path, roots: &BTreeSet<String>) -> Result<Vec<PathBuf>, (WriteError, Vec<PathBuf>)> {
    let mut made = Vec::with_capacity(roots.len());
    for root in roots {
        let hidden = temporary_path(&directory.join(root));
        if let Err(error) = fs::create_dir(&hidden) {
            return Err((WriteError::io("create", &hidden, error), made));
        }
        made.push(hidden);
    }
    Ok(made)
}

/// Writes every file where it is staged; by several threads when there are many. On failure, gives the
/// temporary files beside existing ones that were made (the hidden roots go as a whole).
fn write_files(files: &Files, staged: &[Staged<'_>], hook: &Hook) -> Result<(), (WriteError, Vec<PathBuf>)> {
    let write_chunk = |chunk: &[Staged<'_>]| -> Result<(), (WriteError, Vec<PathBuf>)> {
        let mut made = Vec::with_capacity(chunk.len());
        let mut directory: Option<&Path> = None;
        for it in chunk {
            // A new directory's subdirectories are made with its first file (the files come sorted, so
            // each directory's are together; two threads may both make one, which `create_dir_all` allows).
            if it.in_new_directory && it.written.parent() != directory {
                directory = it.written.parent();
                if let Some(parent) = directory
                    && let Err(error) = fs::create_dir_all(parent)
                {
                    return Err((WriteError::io("create", parent, error), made));
                }
            }
            match write_new(&it.written, files[it.relative].as_bytes(), false) {
                Ok(()) => {
                    if !it.in_new_directory {
                        made.push(it.written.clone());
                    }
                }
                Err(error) => {
                    return Err((WriteError::io("write", &it.written, error), made));
                }
            }
            hook.step();
        }
        Ok(())
    };
    let results = in_parallel(staged, hook, write_chunk);
    if results.iter().all(Result::is_ok) {
        return Ok(());
    }
    // A failed chunk stopped; the others finished: every temporary file that exists was made by us.
    let made: Vec<PathBuf> = staged
        .iter()
        .filter(|it| !it.in_new_directory)
        .map(|it| it.written.clone())
        .filter(|path| fs::symlink_metadata(path).is_ok())
        .collect();
    let error = results.into_iter().find_map(Result::err).map(|(error, _)| error).expect("one failed");
    Err((error, made))
}

/// Renames each written file or hidden root over its target; by several threads when there are many.
fn rename_all(renames: &[(PathBuf, PathBuf)], hook: &Hook) -> Result<(), WriteError> {
    let results = in_parallel(renames, hook, |chunk| {
        for (from, to) in chunk {
            fs::rename(from, to).map_err(|error| WriteError::interrupted("replace", to, error))?;
            hook.step();
        }
        Ok(())
    });
    results.into_iter().collect()
}

/// Runs `work` over chunks of `items`: on one thread when there are few, or when the test hook counts
/// steps (which must then come in order); else on each core, since each file operation waits on the
/// kernel.
fn in_parallel<T: Sync, R: Send>(items: &[T], hook: &Hook, work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = if hook.after.is_some() {
        1
    } else {
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get).clamp(2, 8)
    };
    crate::parallel::chunks(items, threads, work)
}

/// Puts `out/` back as it was after a failure before any rename: the temporary files, the hidden roots
/// of the new directories (all this build's), and the journal.
fn undo(directory: &Path, temporaries: &[PathBuf], hidden_roots: &[PathBuf]) {
    for path in temporaries {
        let _ = fs::remove_file(path);
    }
    for path in hidden_roots {
        remove_hidden_root(path);
    }
    let _ = fs::remove_file(directory.join(JOURNAL));
}

/// Removes a hidden root this build (or an interrupted one, by its journal) made: a real directory only,
/// never through a symbolic link.
fn remove_hidden_root(path: &Path) {
    if fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir()) {
        let _ = fs::remove_dir_all(path);
    }
}

/// `dir/name` -> `dir/.name.slipway-tmp`: hidden, so no walk ever takes it for output.
fn temporary_path(target: &Path) -> PathBuf {
    let name = target.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.slipway-tmp"))
}

/// Creates `path` (never through a symbolic link: `create_new` refuses an existing entry of any kind) and
/// writes `contents`, flushed to disk when `flush`. A regular file left there by a killed build is replaced.
fn write_new(path: &Path, contents: &[u8], flush: bool) -> io::Result<()> {
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
    if flush { file.sync_all() } else { Ok(()) }
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

/// Writes the journal, flushed to disk: the files this build is about to write and delete, and the new
/// directories it builds hidden, one per line.
fn write_journal(
    directory: &Path,
    writes: &[&str],
    removals: &[&str],
    roots: &BTreeSet<String>,
) -> Result<(), WriteError> {
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
    for relative in roots {
        text.push_str("stage ");
        text.push_str(relative);
        text.push('\n');
    }
    let temporary = directory.join(JOURNAL_TEMPORARY);
    let journal = directory.join(JOURNAL);
    write_new(&temporary, text.as_bytes(), true).map_err(|error| WriteError::io("write", &temporary, error))?;
    fs::rename(&temporary, &journal).map_err(|error| WriteError::io("write", &journal, error))?;
    sync_directory(directory).map_err(|error| WriteError::io("write", directory, error))
}

/// Removes what an interrupted build left: the temporary files its journal names (regular files only),
/// and the journal's own temporary file. The journal itself is replaced by this build's.
fn clean_interrupted(directory: &Path) -> Result<(), WriteError> {
    let journal = directory.join(JOURNAL);
    let metadata = fs::symlink_metadata(&journal).map_err(|error| WriteError::io("read", &journal, error))?;
    if !metadata.is_file() {
        return Err(WriteError::Io(format!(
            "`{}` is not a regular file; slipway does not open it: move it away",
            journal.display()
        )));
    }
    let text = fs::read_to_string(&journal).map_err(|error| WriteError::io("read", &journal, error))?;
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
    // The new directories it was building hidden and had not yet renamed into place.
    for relative in text.lines().filter_map(|line| line.strip_prefix("stage ")).filter(|it| is_inside(it)) {
        remove_hidden_root(&temporary_path(&directory.join(relative)));
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
        fs::create_dir_all(parent).map_err(|error| WriteError::io("create", parent, error))?;
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
                Err(error) => return Err(WriteError::io("create", &path, error)),
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
    write_new(&temporary, contents.as_bytes(), true).map_err(io_error)?;
    if let Err(error) = fs::rename(&temporary, &target) {
        let _ = fs::remove_file(&temporary);
        return Err(io_error(error));
    }
    let _ = sync_directory(parent);
    Ok(true)
}
