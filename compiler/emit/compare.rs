//! Compare: takes `out/`, listed once on a thread of its own, and rendered files one at a time (on as
//! many threads as render), gives how `out/` differs from the render: a [`Comparison`]. Each file of
//! `out/` is read into a buffer its thread reuses, and only the texts that differ are kept, so neither
//! `out/` nor the render is ever held whole: at N=1000 x 3 each is about 30 MB, and touching them was
//! about 8% of a `check`.

use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use super::{Comparison, Files, JOURNAL, ancestors, inplace, is_generated};
use crate::fast_hash::{FastMap, FastSet, hash_of};

/// What an entry of `out/` is, read without following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Symlink,
    Special(&'static str),
}

/// Every entry below a directory, except directories themselves and hidden entries: its path relative to
/// the directory, and what it is; and the directories.
#[derive(Debug, Default)]
struct Listing {
    /// In the byte order of the paths, so that what is found below comes out sorted.
    entries: Vec<(String, Kind)>,
    directories: FastSet<String>,
}

/// `out/` as listed, with each entry's place by the hash of its path, and which entries the render has
/// given.
#[derive(Debug)]
struct Listed {
    listing: Listing,
    /// Hashes, not paths, so that no path is held twice; each entry found is checked against its path.
    index: FastMap<u64, usize>,
    /// The entries whose hash an earlier entry had (none, but for a 64-bit coincidence).
    collided: Vec<usize>,
    rendered: Vec<AtomicBool>,
}

impl Listed {
    fn of(directory: &Path) -> io::Result<Listed> {
        let listing = list_tree(directory)?;
        let mut index = FastMap::default();
        index.reserve(listing.entries.len());
        let mut collided = Vec::new();
        for (at, (relative, _)) in listing.entries.iter().enumerate() {
            if let Some(earlier) = index.insert(hash_of(&relative.as_str()), at) {
                // The later entry takes the slot; the earlier is looked for among the collided.
                collided.push(earlier);
            }
        }
        let rendered = listing.entries.iter().map(|_| AtomicBool::new(false)).collect();
        Ok(Listed { listing, index, collided, rendered })
    }

    /// The place of the entry at `relative`.
    fn find(&self, relative: &str) -> Option<usize> {
        let at = *self.index.get(&hash_of(&relative))?;
        let is_it = |at: &usize| self.listing.entries[*at].0 == relative;
        if is_it(&at) {
            return Some(at);
        }
        self.collided.iter().copied().find(is_it)
    }
}

/// `out/`, against which a render is compared file by file as it is made: listed on a thread of its own
/// from [`Against::begin`], while the platform compiles. Give each rendering thread a [`Comparer`], then
/// [`Against::finish`] with what they found, once.
#[derive(Debug)]
pub struct Against {
    directory: PathBuf,
    listed: OnceLock<io::Result<Listed>>,
    listing: Mutex<Option<JoinHandle<io::Result<Listed>>>>,
}

impl Against {
    /// Begins to list `directory` (which may not exist: then it holds nothing) on a thread of its own.
    pub fn begin(directory: &Path) -> Against {
        let path = directory.to_path_buf();
        let listing = std::thread::spawn(move || Listed::of(&path));
        Against { directory: directory.to_path_buf(), listed: OnceLock::new(), listing: Mutex::new(Some(listing)) }
    }

    /// Lists `directory` on this thread.
    pub fn now(directory: &Path) -> Against {
        Against {
            directory: directory.to_path_buf(),
            listed: OnceLock::from(Listed::of(directory)),
            listing: Mutex::new(None),
        }
    }

    pub(super) fn directory(&self) -> &Path {
        &self.directory
    }

    /// The listing, waited for by the first thread that needs it.
    fn listed(&self) -> &io::Result<Listed> {
        self.listed.get_or_init(|| {
            let listing = self.listing.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
            match listing {
                Some(listing) => listing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => Err(io::Error::other("the listing was abandoned")),
            }
        })
    }

    /// A comparer for one thread's rendered files.
    pub fn comparer(&self) -> Comparer<'_> {
        Comparer {
            directory: &self.directory,
            listed: self.listed().as_ref().ok(),
            buffer: Vec::new(),
            path: PathBuf::new(),
            parent: None,
            found: Found::default(),
        }
    }

    /// Compares every file of `files` on two threads: for a render already held whole (no text is kept).
    pub fn compare_files(&self, files: &Files) -> io::Result<Compared> {
        let files: Vec<(&String, &String)> = files.iter().collect();
        let found = crate::parallel::chunks(&files, 2, |chunk| {
            let mut comparer = self.comparer();
            for (path, text) in chunk {
                comparer.compare(path, &[text]);
            }
            comparer.found()
        });
        Ok(self.finish(found)?.0)
    }

    /// The comparison, from what the comparers found, and the texts of the files that differ: the
    /// entries of `out/` that were not rendered are read here, to tell the files of an earlier render from
    /// hand-written ones. Call it once.
    pub fn finish(&self, found: impl IntoIterator<Item = Found>) -> io::Result<(Compared, Files)> {
        let listed = self.listed().as_ref().map_err(|error| io::Error::new(error.kind(), error.to_string()))?;
        let mut comparison = Comparison::default();
        let mut rendered = 0;
        let mut files = Files::new();
        for found in found {
            if let Some(error) = found.error {
                return Err(error);
            }
            files.extend(found.files);
            comparison.added.extend(found.added);
            comparison.changed.extend(found.changed);
            comparison.conflicts.extend(found.conflicts);
            rendered += found.rendered;
        }
        comparison.added.sort_unstable();
        comparison.changed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        comparison.conflicts.sort_unstable();
        comparison.conflicts.dedup();
        let mut buffer = Vec::new();
        let mut path = PathBuf::new();
        for ((relative, kind), was_rendered) in listed.listing.entries.iter().zip(&listed.rendered) {
            match kind {
                Kind::Symlink => comparison.symlinks.push(relative.clone()),
                Kind::Special(what) => comparison.special.push((relative.clone(), what)),
                Kind::File if was_rendered.load(Ordering::Relaxed) => {}
                Kind::File => {
                    let actual = read_whole(&mut path, &self.directory, relative, &mut buffer)?;
                    if is_generated(actual) {
                        comparison.removed.push((relative.clone(), text(actual)));
                    } else {
                        comparison.unmanaged.push(relative.clone());
                    }
                }
            }
        }
        comparison.interrupted = fs::symlink_metadata(self.directory.join(JOURNAL)).is_ok();
        comparison.leftovers = inplace::leftovers(&self.directory);
        Ok((Compared { comparison, rendered }, files))
    }
}

/// A render compared with `out/`: how they differ, and how many files the render has.
#[derive(Debug)]
pub struct Compared {
    pub comparison: Comparison,
    pub rendered: usize,
}

/// What one [`Comparer`] found, for [`Against::finish`], and the texts of the files that differ.
#[derive(Debug, Default)]
pub struct Found {
    /// The files given that are missing from `out/` or differ from it: their paths and texts.
    files: Files,
    added: Vec<String>,
    changed: Vec<(String, String)>,
    conflicts: Vec<String>,
    rendered: usize,
    /// The first file that could not be read.
    error: Option<io::Error>,
}

/// Compares one thread's rendered files with `out/`, each as it comes, and keeps the texts of those that
/// differ.
#[derive(Debug)]
pub struct Comparer<'a> {
    directory: &'a Path,
    /// `None` when `out/` could not be listed: [`Against::finish`] says why.
    listed: Option<&'a Listed>,
    /// Holds each file read, whole; it grows to the largest.
    buffer: Vec<u8>,
    /// One path, rebuilt in place for each file.
    path: PathBuf,
    /// The directory of the last file compared: the files of a directory come together, and its
    /// ancestors need looking at once.
    parent: Option<String>,
    found: Found,
}

/// How a rendered file compares with `out/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// As in `out/` (or in the way of something there: a conflict, recorded).
    Same,
    /// Missing from `out/`, or different there.
    Stale,
    /// A file was given at that path before.
    Again,
}

impl Comparer<'_> {
    /// Compares the rendered file `relative`, whose text is `parts` one after the other, with `out/`, and
    /// keeps its text if it is missing there or differs (only then is it put together); `false` when a
    /// file was given at that path before (this one is dropped).
    pub fn add(&mut self, relative: &str, parts: &[&str]) -> bool {
        match self.compare(relative, parts) {
            Verdict::Again => return false,
            Verdict::Same => {}
            Verdict::Stale => {
                self.found.files.insert(relative.to_owned(), parts.concat());
            }
        }
        true
    }

    /// Compares the rendered file `relative` with `out/`, keeping no text: a path given again is told
    /// only if `add` kept it before, or if it is in `out/`.
    fn compare(&mut self, relative: &str, parts: &[&str]) -> Verdict {
        let Some(listed) = self.listed else {
            // Kept, for the listing's error that `finish` gives.
            return if self.found.files.contains_key(relative) { Verdict::Again } else { Verdict::Stale };
        };
        let directories = &listed.listing.directories;
        // Anything but a directory where the file needs one stands in its way.
        let parent = relative.rsplit_once('/').map(|(parent, _)| parent);
        if parent != self.parent.as_deref() {
            self.parent = parent.map(str::to_owned);
            for ancestor in ancestors(relative) {
                if !directories.contains(ancestor) && listed.find(ancestor).is_some() {
                    self.found.conflicts.push(ancestor.to_owned());
                }
            }
        }
        let Some(at) = listed.find(relative) else {
            if self.found.files.contains_key(relative) {
                return Verdict::Again;
            }
            self.found.rendered += 1;
            // So does a directory where the file goes (only a path that is not a file can be one).
            if directories.contains(relative) {
                self.found.conflicts.push(relative.to_owned());
            }
            self.found.added.push(relative.to_owned());
            return Verdict::Stale;
        };
        if listed.rendered[at].swap(true, Ordering::Relaxed) {
            return Verdict::Again;
        }
        self.found.rendered += 1;
        if listed.listing.entries[at].1 != Kind::File {
            self.found.conflicts.push(relative.to_owned());
            return Verdict::Same;
        }
        let actual = match read_whole(&mut self.path, self.directory, relative, &mut self.buffer) {
            Ok(actual) => actual,
            Err(error) => {
                self.found.error.get_or_insert(error);
                return Verdict::Same;
            }
        };
        if !is_generated(actual) {
            self.found.conflicts.push(relative.to_owned());
            Verdict::Same
        } else if !is_joined(actual, parts) {
            self.found.changed.push((relative.to_owned(), self::text(actual)));
            Verdict::Stale
        } else {
            Verdict::Same
        }
    }

    /// What this comparer found.
    pub fn found(self) -> Found {
        self.found
    }
}

/// Whether `bytes` are `parts` one after the other.
fn is_joined(bytes: &[u8], parts: &[&str]) -> bool {
    let mut rest = bytes;
    for part in parts {
        match rest.split_at_checked(part.len()) {
            Some((head, tail)) if head == part.as_bytes() => rest = tail,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// Reads `directory/relative` whole into `buffer` (kept at its full length and zero-filled as it grows,
/// so files are read straight into it), and gives its bytes: one read, and the read that finds the end
/// (`fs::read` also asks for the file's size first, a fifth more system calls for small files).
fn read_whole<'b>(
    path: &mut PathBuf,
    directory: &Path,
    relative: &str,
    buffer: &'b mut Vec<u8>,
) -> io::Result<&'b [u8]> {
    path.as_mut_os_string().clear();
    path.push(directory);
    path.push(relative);
    let with_path = |error: io::Error| io::Error::new(error.kind(), format!("`{}`: {error}", path.display()));
    let mut file = fs::File::open(&*path).map_err(with_path)?;
    let mut length = 0;
    loop {
        if length == buffer.len() {
            buffer.resize((2 * length).max(64 << 10), 0);
        }
        match file.read(&mut buffer[length..]) {
            Ok(0) => return Ok(&buffer[..length]),
            Ok(read) => length += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(with_path(error)),
        }
    }
}

/// A file's bytes as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Compares `files` with what is in `directory` (which may not exist yet), read on two threads.
pub fn compare(directory: &Path, files: &Files) -> io::Result<Comparison> {
    Ok(Against::now(directory).compare_files(files)?.comparison)
}

/// The files below `directory` that Slipway generated, as text: what `out/` held before a change.
pub fn generated_files(directory: &Path) -> io::Result<Files> {
    // Against an empty render, every generated file is one no longer rendered.
    let (compared, _) = Against::now(directory).finish([])?;
    Ok(compared.comparison.removed.into_iter().collect())
}

/// Every entry below `directory` by relative path, and what it is. Hidden entries (`.git`, `.gitkeep`,
/// editor files, Slipway's own journal and temporary files) are skipped; symbolic links are listed, never
/// followed (only `directory` itself may be one).
fn list_tree(directory: &Path) -> io::Result<Listing> {
    let mut listing = Listing::default();
    match fs::metadata(directory) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(listing),
        Err(error) => return Err(error),
        Ok(_) => {}
    }
    let mut pending = vec![(directory.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            // `join` sizes the path once; `format!` costs several times as much, for every entry.
            let relative = if prefix.is_empty() { name.into_owned() } else { [prefix.as_str(), &name].join("/") };
            // `DirEntry::file_type` does not follow symbolic links.
            let file_type = entry.file_type()?;
            if file_type.is_dir() {
                listing.directories.insert(relative.clone());
                pending.push((entry.path(), relative));
            } else {
                listing.entries.push((relative, kind_of(file_type)));
            }
        }
    }
    listing.entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(listing)
}

fn kind_of(file_type: fs::FileType) -> Kind {
    if file_type.is_file() {
        return Kind::File;
    }
    if file_type.is_symlink() {
        return Kind::Symlink;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return Kind::Special("a FIFO");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Kind::Special("a device file");
        }
        if file_type.is_socket() {
            return Kind::Special("a socket");
        }
    }
    Kind::Special("not a regular file")
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::{FastMap, FastSet, Kind, Listed, Listing, hash_of};

    fn listed(paths: &[&str]) -> Listed {
        let listing = Listing {
            entries: paths.iter().map(|path| ((*path).to_owned(), Kind::File)).collect(),
            directories: FastSet::default(),
        };
        let rendered = paths.iter().map(|_| AtomicBool::default()).collect();
        Listed { listing, index: FastMap::default(), collided: Vec::new(), rendered }
    }

    #[test]
    fn entries_are_found_by_path_even_when_their_hashes_collide() {
        let directory = std::env::temp_dir().join(format!("slipway-listed-{}", std::process::id()));
        for path in ["a.yaml", "b/c.yaml", "b/d.yaml"] {
            std::fs::create_dir_all(directory.join(path).parent().unwrap()).unwrap();
            std::fs::write(directory.join(path), "x").unwrap();
        }
        let found = Listed::of(&directory).unwrap();
        let _ = std::fs::remove_dir_all(&directory);
        let places: Vec<Option<usize>> =
            ["a.yaml", "b/c.yaml", "b/d.yaml", "b", "b/e.yaml"].iter().map(|path| found.find(path)).collect();
        assert_eq!(places, [Some(0), Some(1), Some(2), None, None]);

        // Two paths with one hash, as `Listed::of` keeps them: the later in the slot, the earlier among
        // the collided.
        let mut collided = listed(&["first.yaml", "second.yaml"]);
        collided.index.insert(hash_of(&"first.yaml"), 1);
        collided.collided.push(0);
        assert_eq!(collided.find("first.yaml"), Some(0));
        assert_eq!(collided.find("third.yaml"), None);
    }
}
