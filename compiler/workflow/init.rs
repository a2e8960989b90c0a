//! `init`: a new platform that passes `check` at once.

use std::path::Path;

use super::{Error, Project};
use crate::emit;

/// The platform `init` starts from: one service, one environment, and nothing to fix.
const INIT_PLATFORM: &str = include_str!("../init.toml");

/// Writes a new platform in `dir` (named after the directory), refusing to overwrite one; gives the
/// project, ready for `build`.
pub fn init(dir: &Path) -> Result<Project, Error> {
    let project = Project::at(dir);
    if project.platform.exists() {
        return Err(Error::Io(format!("`{}` already exists", project.platform.display())));
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
    emit::write_file(&project.platform, &text).map_err(Error::Io)?;
    Ok(project)
}
