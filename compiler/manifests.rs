//! Plain manifests: takes the files of `platform/manifests/<all or environment>/` as `load` read them,
//! gives their objects by directory, or the problems that keep them from being read: a file that cannot
//! be read or is not YAML (M001), YAML that readers would not all read alike (M002), a directory that is
//! no environment's or an entry that is not read (M007). No I/O: `load` read the files.
//!
//! What each object may be (its kind, name, namespace, content) is checked per environment, in
//! `validate::manifests`; where it goes in `out/` is `render::manifests`.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::load::ManifestFile;
use crate::resolved::PlainObject;
use crate::yaml_reader;

/// The directory whose manifests go to every environment.
pub const ALL: &str = "all";

/// The objects of every file, each with its directory (`all` or an environment), in file order, and the
/// problems found.
pub fn read(files: &[ManifestFile], environments: &[&str]) -> (Vec<(String, PlainObject)>, Vec<Diagnostic>) {
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    let mut unknown_reported = std::collections::BTreeSet::new();
    for file in files {
        if !file.directory.is_empty() && file.directory != ALL && !environments.contains(&file.directory.as_str()) {
            if unknown_reported.insert(file.directory.clone()) {
                // `prod` for `production`: a prefix is as good a hint as a typo.
                let prefix = environments
                    .iter()
                    .find(|name| name.starts_with(file.directory.as_str()))
                    .map(|name| format!("did you mean `{name}`?"));
                let help = did_you_mean(&file.directory, environments.iter().copied().chain([ALL]))
                    .or(prefix)
                    .unwrap_or_else(|| {
                        format!(
                            "name it `{ALL}` (every environment) or after an environment: {}",
                            environments.join(", ")
                        )
                    });
                problems.push(
                    Diagnostic::error(
                        Code::ManifestDirectory,
                        format!(
                            "`manifests/{}/` is not an environment's directory: `{}` is not read",
                            file.directory, file.path
                        ),
                    )
                    .with_help(help),
                );
            }
            continue;
        }
        let text = match &file.text {
            Ok(text) => text,
            Err(why) if why == crate::load::MISPLACED_MANIFEST || why == crate::load::NOT_YAML => {
                problems.push(
                    Diagnostic::error(Code::ManifestDirectory, format!("`{}` is not read: {why}", file.path))
                        .with_help("move it, or remove it: nothing in `manifests/` is silently left out"),
                );
                continue;
            }
            Err(why) => {
                problems.push(
                    Diagnostic::error(Code::ManifestSyntax, format!("cannot read `{}`: {why}", file.path))
                        .with_help("commit the manifest itself, as a UTF-8 YAML file of at most 2 MiB"),
                );
                continue;
            }
        };
        match yaml_reader::documents(text) {
            Ok(documents) => {
                let shared: Arc<str> = Arc::from(text.as_str());
                let file_name = file.path.rsplit(['/', '\\']).next().unwrap_or_default();
                let relative = format!("{}/{}/{file_name}", crate::load::MANIFESTS_DIR, file.directory);
                for document in documents {
                    objects.push((
                        file.directory.clone(),
                        PlainObject {
                            path: file.path.clone(),
                            relative: relative.clone(),
                            line: document.line,
                            column: document.column,
                            text: shared.clone(),
                            object: document.value,
                        },
                    ));
                }
            }
            Err(error) => {
                let (code, what, help) = if error.syntax {
                    (Code::ManifestSyntax, "invalid YAML", "correct the YAML at the position shown")
                } else {
                    (
                        Code::ManifestYaml,
                        "YAML that Slipway does not read",
                        "write it in plain YAML: `slipway explain M002` lists what is refused, and why",
                    )
                };
                problems.push(
                    Diagnostic::error(code, format!("{what} in `{}`: {}", file.path, error.message))
                        .with_file(&file.path, error.line, error.column, text, "here")
                        .with_help(help),
                );
            }
        }
    }
    (objects, problems)
}
