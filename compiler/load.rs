//! Load: takes the path of `platform.toml`, reads it (the only stage besides `emit` that touches the file
//! system) and gives the `SourceFile` and the deserialised `model::Platform`, or located parse diagnostics.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model;
use crate::quantity::HELP_SEPARATOR;
use crate::source::{SourceFile, Span};

/// Why the platform file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// An I/O message for the CLI (exit code 2).
    Io(String),
    /// The file was read but is not UTF-8: its text (with the bad bytes replaced) and a diagnostic that
    /// points at the first bad byte (exit code 1, like any other mistake in the file).
    NotUtf8(SourceFile, Box<Diagnostic>),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(message) => f.write_str(message),
            ReadError::NotUtf8(source, diagnostic) => {
                let (line, column) =
                    diagnostic.primary.as_ref().map_or((1, 1), |label| source.line_col(label.span.start));
                write!(f, "{}:{line}:{column}: {}", source.path, diagnostic.message)
            }
        }
    }
}

/// Reads the platform file. Only a regular file is opened (through a symbolic link if need be): a FIFO or
/// a device would block or never end.
pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
    if let Ok(metadata) = std::fs::metadata(path)
        && !metadata.is_file()
    {
        return Err(ReadError::Io(format!("cannot read `{}`: it is not a regular file", path.display())));
    }
    let bytes =
        std::fs::read(path).map_err(|error| ReadError::Io(format!("cannot read `{}`: {error}", path.display())))?;
    from_bytes(path.display().to_string(), bytes)
}

/// The source file of `bytes`, or a diagnostic at the first byte that is not UTF-8.
fn from_bytes(path: String, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            let bad: Vec<String> = bytes[valid_up_to..]
                .iter()
                .take(error.utf8_error().error_len().unwrap_or(bytes.len() - valid_up_to).min(4))
                .map(|byte| format!("0x{byte:02X}"))
                .collect();
            // The text up to the first bad byte is kept as it is, so the offset is the same in both.
            let source = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
            let end = valid_up_to + source.text[valid_up_to..].chars().next().map_or(0, char::len_utf8);
            let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
            let help = if utf16 {
                "the file is UTF-16 (it starts with a UTF-16 byte-order mark), and TOML files are UTF-8: save it \
                 as UTF-8 (`iconv -f utf-16 -t utf-8`)"
            } else {
                "TOML files are UTF-8: save the file as UTF-8 (from Latin-1: `iconv -f latin1 -t utf-8`), or \
                 write the character as an escape such as `\\u00e9` inside a string"
            };
            let diagnostic = Diagnostic::error(Code::TomlSyntax, "the platform file is not valid UTF-8")
                .with_label(Span::new(valid_up_to, end), format!("byte {} is not UTF-8", bad.join(" ")))
                .with_help(help);
            Err(ReadError::NotUtf8(source, Box::new(diagnostic)))
        }
    }
}

/// A SealedSecret file: its path as shown to the user, and its text or why it could not be read.
pub type SealedFile = (String, Result<String, String>);

/// Files the platform refers to besides itself: the encrypted SealedSecrets in `secrets/` beside it, and
/// the plain manifests in `manifests/`.
#[derive(Debug, Clone, Default)]
pub struct Attachments {
    /// By secret name, the file every environment shares (`secrets/<name>.yaml`): the file's path as shown
    /// to the user, and its text or why it could not be read (`NO_FILE` when there is none).
    pub sealed_secrets: BTreeMap<String, (String, Result<String, String>)>,
    /// By environment, then secret name, the environment's own file (`secrets/<env>/<name>.yaml`), which
    /// takes the place of the shared one there.
    pub sealed_by_environment: BTreeMap<String, BTreeMap<String, SealedFile>>,
    /// Every entry of `manifests/<dir>/`, sorted by path; an entry that is not read says why.
    pub manifests: Vec<ManifestFile>,
}

/// One entry of `manifests/`: a file of plain manifests, or something Slipway does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// The directory under `manifests/` it is in (`all` or an environment's name); empty for an entry
    /// directly in `manifests/`.
    pub directory: String,
    /// The path as shown to the user.
    pub path: String,
    /// Its text, or why it is not read.
    pub text: Result<String, String>,
}

/// The largest manifest file read: the API server takes objects of at most 1.5 MiB.
pub const MANIFEST_FILE_MAX: u64 = 2 * 1024 * 1024;

/// The directory of plain manifests, beside the platform file.
pub const MANIFESTS_DIR: &str = "manifests";
/// Why a file in `manifests/` is not read: it is not in `all/` or an environment's directory, or it is not
/// YAML. The manifests check tells these from a file that could not be read (M007, not M001).
pub const MISPLACED_MANIFEST: &str = "plain manifests go in `manifests/all/` or `manifests/<environment>/`";
pub const NOT_YAML: &str = "only `*.yaml` and `*.yml` files are read here";

/// Reads `<platform dir>/manifests/<dir>/*.yaml` (and `*.yml`). Hidden entries are skipped; anything else
/// that is not such a file (a file directly in `manifests/`, a subdirectory, a symbolic link, another
/// extension, a file over `MANIFEST_FILE_MAX`) is listed with why, so that nothing is silently left out.
fn read_manifests(platform_path: &Path) -> Vec<ManifestFile> {
    let root = platform_path.parent().unwrap_or(Path::new("")).join(MANIFESTS_DIR);
    let mut files = Vec::new();
    let Ok(entries) = sorted_entries(&root) else { return files };
    for (name, path, file_type) in entries {
        let shown = path.display().to_string();
        if !file_type.is_dir() {
            files.push(ManifestFile {
                directory: String::new(),
                path: shown,
                text: Err(MISPLACED_MANIFEST.to_owned()),
            });
            continue;
        }
        let Ok(inner) = sorted_entries(&path) else { continue };
        for (file_name, file_path, _) in inner {
            let shown = file_path.display().to_string();
            let yaml = is_yaml_name(&file_name);
            let text = if yaml { read_manifest(&file_path) } else { Err(NOT_YAML.to_owned()) };
            files.push(ManifestFile { directory: name.clone(), path: shown, text });
        }
    }
    files
}

/// `*.yaml` or `*.yml`, as written: `x.YAML` is not read (and says so), as on a case-sensitive system.
fn is_yaml_name(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|it| it == "yaml" || it == "yml")
}

/// The non-hidden entries of a directory, sorted by name, with their types (links not followed).
fn sorted_entries(directory: &Path) -> std::io::Result<Vec<(String, std::path::PathBuf, std::fs::FileType)>> {
    if std::fs::symlink_metadata(directory)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        entries.push((name, entry.path(), entry.file_type()?));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// A manifest file's text: a regular file (never through a link) of at most `MANIFEST_FILE_MAX` bytes.
fn read_manifest(path: &Path) -> Result<String, String> {
    let metadata = std::fs::symlink_metadata(path).map_err(|error| error.to_string())?;
    if metadata.is_file() && metadata.len() > MANIFEST_FILE_MAX {
        return Err(format!("it is {} bytes, more than the {MANIFEST_FILE_MAX} slipway reads", metadata.len()));
    }
    read_regular(path).map_err(|error| match error.as_str() {
        "stream did not contain valid UTF-8" => "it is not UTF-8".to_owned(),
        _ => error,
    })
}

/// The manifests as they were at a Git revision (`git ls-tree`, then `git show` of each), for
/// `diff --base`. `revision` must have passed `is_safe_revision`.
fn read_manifests_at(platform_path: &Path, revision: &str) -> Vec<ManifestFile> {
    let directory = platform_path.parent().filter(|it| !it.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(output) = std::process::Command::new("git")
        .arg("-C")
        .arg(directory)
        .args(["ls-tree", "-r", "--name-only", "--end-of-options", revision, "--", MANIFESTS_DIR])
        .output()
    else {
        return Vec::new();
    };
    let listing = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut files = Vec::new();
    for relative in listing.lines() {
        let parts: Vec<&str> = relative.split('/').collect();
        let shown = directory.join(relative).display().to_string();
        let hidden = parts.iter().any(|part| part.starts_with('.'));
        match parts.as_slice() {
            _ if hidden => {}
            [_, name, file] if is_yaml_name(file) => {
                // From the platform's directory, which exists: a manifests directory removed since may not.
                let text = git_show_in(directory, relative, revision).map_err(|error| error.to_string());
                let text = text.and_then(|text| {
                    if text.len() as u64 > MANIFEST_FILE_MAX {
                        Err(format!("it is {} bytes, more than the {MANIFEST_FILE_MAX} slipway reads", text.len()))
                    } else {
                        Ok(text)
                    }
                });
                files.push(ManifestFile { directory: (*name).to_owned(), path: shown, text });
            }
            [_, _] => files.push(ManifestFile {
                directory: String::new(),
                path: shown,
                text: Err(MISPLACED_MANIFEST.to_owned()),
            }),
            [_, name, ..] => {
                files.push(ManifestFile { directory: (*name).to_owned(), path: shown, text: Err(NOT_YAML.to_owned()) });
            }
            _ => {}
        }
    }
    files
}

/// Why a SealedSecret file was not read when there is no such file.
pub const NO_FILE: &str = "there is no such file";

/// How `Attachments::sealed_secret` begins why an environment has no SealedSecret file, so that the
/// check shows it as it is rather than as a file that could not be read.
pub const NO_FILE_FOR_ENVIRONMENT: &str = "has no file for environment";

impl Attachments {
    /// The SealedSecret file of secret `name` in `environment`, looked up in this order: the environment's
    /// own `secrets/<env>/<name>.yaml`, then the shared `secrets/<name>.yaml`. Neither is an error that
    /// names both.
    pub fn sealed_secret(&self, environment: &str, name: &str) -> (String, Result<String, String>) {
        let own = self.sealed_by_environment.get(environment).and_then(|files| files.get(name));
        let shared = self.sealed_secrets.get(name);
        let exists = |file: &&(String, Result<String, String>)| file.1.as_ref().err().is_none_or(|why| why != NO_FILE);
        if let Some(file) = own.filter(exists).or(shared.filter(exists)) {
            return file.clone();
        }
        let paths: Vec<String> = own.into_iter().chain(shared).map(|(path, _)| format!("`{path}`")).collect();
        let path = shared.or(own).map_or_else(|| format!("secrets/{name}.yaml"), |(path, _)| path.clone());
        let why = match paths.as_slice() {
            [own, shared] => format!("{NO_FILE_FOR_ENVIRONMENT} `{environment}`: neither {own} nor {shared} exists"),
            _ => format!("{NO_FILE_FOR_ENVIRONMENT} `{environment}`"),
        };
        (path, Err(why))
    }
}

/// Reads the SealedSecret files of every secret that is `sealed-secrets` in some environment: the shared
/// `<platform dir>/secrets/<name>.yaml`, and each such environment's own `secrets/<env>/<name>.yaml`.
///
/// Nothing outside `secrets/` is ever read: a secret or environment whose name is not a DNS-1123 label
/// (such as `../../x`, which the names check reports) gets no file at all, and a file that is a symbolic
/// link, a FIFO or anything but a regular file is not opened.
pub fn read_attachments(platform_path: &Path, platform: &model::Platform) -> Attachments {
    let mut attachments = attachments_with(platform_path, platform, read_regular);
    attachments.manifests = read_manifests(platform_path);
    attachments
}

/// The attachments of the platform as it was at a Git revision (for `diff --base`): each SealedSecret
/// file read with `git show REV:path`, as the platform file itself is. `revision` must have passed
/// `is_safe_revision`.
pub fn read_attachments_at(platform_path: &Path, revision: &str, platform: &model::Platform) -> Attachments {
    let safe = is_safe_revision(revision);
    // Read from the platform's directory, which exists: an environment's directory of files may not.
    let directory = platform_path.parent().filter(|it| !it.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut attachments = attachments_with(platform_path, platform, |path| {
        if !safe {
            return Err(format!("`{}` is not a revision slipway reads", revision.escape_debug()));
        }
        let relative = path.strip_prefix(directory).unwrap_or(path).to_string_lossy().replace('\\', "/");
        // Whether the file is there is asked of git by exit code (`cat-file -e`), not read from the
        // wording of `git show`'s error.
        if exists_at(directory, &relative, revision) == Some(false) {
            return Err(NO_FILE.to_owned());
        }
        git_show_in(directory, &relative, revision).map_err(|error| error.to_string())
    });
    attachments.manifests = if safe { read_manifests_at(platform_path, revision) } else { Vec::new() };
    attachments
}

/// The SealedSecret files of `platform`, each read with `read` (which gives `NO_FILE` for a file that is
/// not there).
fn attachments_with(
    platform_path: &Path,
    platform: &model::Platform,
    read: impl Fn(&Path) -> Result<String, String>,
) -> Attachments {
    let directory = platform_path.parent().unwrap_or(Path::new("")).join("secrets");
    let sealed = |secret: Option<&model::Secret>| {
        secret.and_then(|it| it.backend.as_ref()).map(|it| it.value == model::Backend::SealedSecrets)
    };
    let mut attachments = Attachments::default();
    for (environment, overlay) in &platform.environments {
        let names =
            platform.secrets.keys().chain(overlay.secrets.keys().filter(|it| !platform.secrets.contains_key(*it)));
        for name in names {
            let here = sealed(overlay.secrets.get(name.value.as_str()))
                .or(sealed(platform.secrets.get(name.value.as_str())))
                .unwrap_or(false);
            if !here {
                continue;
            }
            // The shared file is the same for every environment: read once.
            attachments
                .sealed_secrets
                .entry(name.value.clone())
                .or_insert_with(|| sealed_file(&directory, None, &name.value, &read));
            if is_dns_label(&environment.value) && is_dns_label(&name.value) {
                let own = sealed_file(&directory, Some(&environment.value), &name.value, &read);
                attachments
                    .sealed_by_environment
                    .entry(environment.value.clone())
                    .or_default()
                    .insert(name.value.clone(), own);
            }
        }
    }
    attachments
}

/// Reads one SealedSecret file: `secrets/<env>/<name>.yaml` for an environment's own, or
/// `secrets/<name>.yaml`. The one place that knows where the files are and how they are named.
fn sealed_file(
    directory: &Path,
    environment: Option<&str>,
    name: &str,
    read: &impl Fn(&Path) -> Result<String, String>,
) -> (String, Result<String, String>) {
    if !is_dns_label(name) {
        let why = "its name is not a DNS-1123 label, so no file is read for it".to_owned();
        return (directory.display().to_string(), Err(why));
    }
    let path = match environment {
        Some(environment) => directory.join(environment).join(format!("{name}.yaml")),
        None => directory.join(format!("{name}.yaml")),
    };
    let text = read(&path);
    (path.display().to_string(), text)
}

/// A DNS-1123 label: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit.
fn is_dns_label(name: &str) -> bool {
    crate::k8s_rules::dns1123_label(name).is_ok()
}

/// The text of a regular file, never through a symbolic link (it could point anywhere).
fn read_regular(path: &Path) -> Result<String, String> {
    let metadata = std::fs::symlink_metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => NO_FILE.to_owned(),
        _ => error.to_string(),
    })?;
    if metadata.file_type().is_symlink() {
        return Err("it is a symbolic link, which slipway does not follow: commit the file itself".to_owned());
    }
    if !metadata.is_file() {
        return Err("it is not a regular file".to_owned());
    }
    std::fs::read_to_string(path).map_err(|error| error.to_string())
}

/// Parses and deserialises the platform. serde stops at the first type error, so at most one
/// diagnostic comes back; semantic problems are all reported later by `resolve` and `validate`.
pub fn parse(source: &SourceFile) -> Result<model::Platform, Vec<Diagnostic>> {
    let deserializer =
        toml::de::Deserializer::parse(&source.text).map_err(|error| vec![syntax_error(&error, source)])?;
    model::Platform::deserialize(deserializer).map_err(|error| vec![classify(&error, source)])
}

fn span_of(error: &toml::de::Error, source: &SourceFile) -> Span {
    let end = Span::new(source.text.len(), source.text.len());
    match error.span() {
        Some(span) => Span::from(span),
        None if error.message().trim() == "recursion limit" => deep_key(&source.text).unwrap_or(end),
        None => end,
    }
}

/// How many parts a dotted key may have: the TOML parser's own recursion limit, which it reports
/// without a position.
const MAX_KEY_PARTS: usize = 80;

/// The first key, in a `key = value` line or a `[table]` header, with more parts than the parser takes.
fn deep_key(text: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start().trim_start_matches('[').trim_start();
        let key_start = start + line.len() - trimmed.len();
        let mut dots = 0;
        let mut quote: Option<char> = None;
        let mut key_end = key_start;
        for (index, character) in trimmed.char_indices() {
            match (quote, character) {
                (Some(open), c) if c == open => quote = None,
                (None, '"' | '\'') => quote = Some(character),
                (None, '.') => dots += 1,
                (None, '=' | ']' | '#' | '\n') => break,
                _ => {}
            }
            if !character.is_whitespace() {
                key_end = key_start + index + character.len_utf8();
            }
        }
        if dots >= MAX_KEY_PARTS {
            return Some(Span::new(key_start, key_end));
        }
    }
    None
}

/// A TOML syntax error, located; with a word about the character when it is not ASCII (a Cyrillic
/// letter in a bare key looks like a Latin one), and about the key when it has too many parts.
fn syntax_error(error: &toml::de::Error, source: &SourceFile) -> Diagnostic {
    let span = span_of(error, source);
    let message = error.message().trim();
    let mut diagnostic =
        Diagnostic::error(Code::TomlSyntax, format!("invalid TOML: {message}")).with_label(span, "here");
    let at = source.text.get(span.start..).and_then(|rest| rest.chars().next());
    if let Some(character) = at.filter(|c| !c.is_ascii()) {
        diagnostic = diagnostic.with_help(format!(
            "{} is not ASCII: bare keys take ASCII letters, digits, `-` and `_`; put other names in quotes",
            crate::diagnostic::describe(character)
        ));
    } else if message == "recursion limit" && error.span().is_none() {
        diagnostic = Diagnostic::error(
            Code::TomlSyntax,
            format!("invalid TOML: a dotted key of more than {MAX_KEY_PARTS} parts"),
        )
        .with_label(span, "too many parts")
        .with_help("no key of a platform is this deep: write the nested tables the key stands for");
    }
    diagnostic
}

/// Turns serde's one-line messages into coded diagnostics with a label and help.
fn classify(error: &toml::de::Error, source: &SourceFile) -> Diagnostic {
    let span = span_of(error, source);
    let message = error.message().trim();
    if let Some((message, help)) = message.split_once(HELP_SEPARATOR) {
        return Diagnostic::error(Code::InvalidQuantity, message).with_label(span, "malformed").with_help(help);
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, expected) = split_expected(rest);
        let help = did_you_mean(&key, expected.iter().map(String::as_str))
            .unwrap_or_else(|| expected_help("the keys allowed here are", &expected));
        return Diagnostic::error(Code::UnknownKey, format!("unknown key `{key}`"))
            .with_label(span, "not a key of this table")
            .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        let help = did_you_mean(&value, expected.iter().map(String::as_str))
            .unwrap_or_else(|| expected_help("the allowed values are", &expected));
        return Diagnostic::error(Code::WrongType, format!("unknown value `{value}`"))
            .with_label(span, "not an allowed value")
            .with_help(help);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        return Diagnostic::error(Code::MissingKey, format!("missing required key `{key}`"))
            .with_label(span, format!("this table needs `{key}`"))
            .with_help(format!("add `{key} = ...` to this table"));
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        let (found, expected) = message.split_once(", expected ").unwrap_or((message, ""));
        let expected = match expected {
            "u32" | "u64" => "a whole number, 0 or more",
            "u16" => "a port number",
            "u8" => "a whole number from 0 to 255",
            "i64" | "i32" => "a whole number",
            other => other,
        };
        let found = found.trim_start_matches("invalid type: ").trim_start_matches("invalid value: ");
        let diagnostic = Diagnostic::error(Code::WrongType, format!("wrong type: found {found}"))
            .with_label(span, format!("expected {expected}"));
        return diagnostic;
    }
    Diagnostic::error(Code::WrongType, message.to_owned()).with_label(span, "here")
}

/// Splits "`imgae`, expected one of `image`, `runtime`" into the name and the expected names.
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
    let expected =
        expected.split('`').enumerate().filter(|(index, _)| index % 2 == 1).map(|(_, name)| name.to_owned()).collect();
    (name.trim().trim_matches('`').to_owned(), expected)
}

fn expected_help(lead: &str, expected: &[String]) -> String {
    if expected.is_empty() {
        return "this table takes no keys".to_owned();
    }
    let names: Vec<String> = expected.iter().map(|name| format!("`{name}`")).collect();
    format!("{lead} {}", names.join(", "))
}

/// Whether `revision` may be handed to git: a branch, tag, commit or an expression such as `HEAD~1`,
/// `origin/main` or `main@{1}`; never an option (`-...`), and nothing outside a small set of characters.
pub fn is_safe_revision(revision: &str) -> bool {
    (1..=256).contains(&revision.len())
        && !revision.starts_with('-')
        && revision.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"._/-~^@{}+".contains(&byte))
}

/// Why a file could not be read at a Git revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionError {
    /// `git` itself could not be started (not installed, or not on PATH).
    NoGit(String),
    /// The revision was refused, or git could not show the file at it.
    Unreadable(String),
}

impl std::fmt::Display for RevisionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RevisionError::NoGit(message) | RevisionError::Unreadable(message) => f.write_str(message),
        }
    }
}

/// The platform file as it was at a Git revision (`git show REV:path`), for `diff --base`.
pub fn read_at_revision(path: &Path, revision: &str) -> Result<SourceFile, RevisionError> {
    if !is_safe_revision(revision) {
        return Err(RevisionError::Unreadable(format!(
            "refusing the revision `{}`: a revision is a branch, tag or commit (letters, digits and `._/-~^@{{}}+`), \
             and does not start with `-`",
            crate::diagnostic::elide(revision).escape_debug()
        )));
    }
    let text = git_show(path, revision).map_err(|error| match error {
        RevisionError::NoGit(message) => RevisionError::NoGit(message),
        RevisionError::Unreadable(message) => {
            RevisionError::Unreadable(format!("cannot read `{}` at `{revision}`: {message}", path.display()))
        }
    })?;
    // The same path as the working file, so that generated headers match and only real changes show.
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// The text of `path` at `revision`, which the caller has checked with `is_safe_revision`.
fn git_show(path: &Path, revision: &str) -> Result<String, RevisionError> {
    let directory = path.parent().filter(|it| !it.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().map(|it| it.to_string_lossy().into_owned()).unwrap_or_default();
    git_show_in(directory, &file_name, revision)
}

/// Whether `relative` (a path below `directory`) exists at `revision`, which the caller has checked
/// with `is_safe_revision`; `None` when git cannot run (reading the file then says so).
fn exists_at(directory: &Path, relative: &str, revision: &str) -> Option<bool> {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(directory)
        .args(["cat-file", "-e", "--end-of-options"])
        .arg(format!("{revision}:./{relative}"))
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    Some(status.success())
}

/// The text of `relative` (a path below `directory`) at `revision`.
fn git_show_in(directory: &Path, file_name: &str, revision: &str) -> Result<String, RevisionError> {
    // `./` makes the path relative to the working directory rather than to the repository's top;
    // `--end-of-options` makes git read what follows as a revision even if it looked like an option.
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(directory)
        .arg("show")
        .arg("--no-textconv")
        .arg("--end-of-options")
        .arg(format!("{revision}:./{file_name}"))
        .output()
        .map_err(|error| {
            RevisionError::NoGit(match error.kind() {
                std::io::ErrorKind::NotFound => {
                    "cannot run `git`, which `diff --base` needs: it is not installed, or not on PATH".to_owned()
                }
                _ => format!("cannot run `git`, which `diff --base` needs: {error}"),
            })
        })?;
    if !output.status.success() {
        return Err(RevisionError::Unreadable(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
    }
    String::from_utf8(output.stdout).map_err(|_| RevisionError::Unreadable("it is not UTF-8".to_owned()))
}
