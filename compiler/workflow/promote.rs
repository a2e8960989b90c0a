//! `promote`: image tags copied from one environment to another; `latest` or a branch into production is
//! refused.

use super::{Change, Edit, Error, Project, images_of, known_environment, known_service};
use crate::diagnostic::{Code, Diagnostic};
use crate::{edit, resolved};

/// The edit that gives `to` the image tags `from` runs, for `services` (all when empty); `None` when `to`
/// runs them already.
pub fn promote(project: &Project, from: &str, to: &str, services: &[String]) -> Result<Option<Edit>, Error> {
    let (source, platform) = project.load()?;
    for environment in [from, to] {
        known_environment(&platform, environment)?;
    }
    for service in services {
        known_service(&platform, service)?;
    }
    let envs = project.resolve(&source, &platform).0;
    let images = images_of(&envs);
    let to_production = envs.iter().any(|env| env.name.value == to && env.tier == resolved::Tier::Production);
    let mut text = source.text.clone();
    let mut changed = Vec::new();
    for ((_, service), image) in images.iter().filter(|((environment, _), _)| environment == from) {
        if !services.is_empty() && !services.contains(service) {
            continue;
        }
        let Some(target) = images.get(&(to.to_owned(), service.clone())) else { continue };
        let (_, tag) = edit::split_image(image);
        let (_, target_tag) = edit::split_image(target);
        if tag == target_tag {
            continue;
        }
        if to_production && is_mutable_tag(tag) {
            return Err(Error::Refused(vec![
                Diagnostic::error(
                    Code::MutableImageTag,
                    format!(
                        "refusing to promote `{image}` of `{service}` into production: `{}` is not a version",
                        tag.unwrap_or("(no tag)")
                    ),
                )
                .with_help(format!("tag a release in `{from}` first, such as `1.4.3`, then promote it")),
            ]));
        }
        let new_image = edit::with_tag(target, tag.unwrap_or("latest"));
        text = edit::set_image(&text, service, &new_image, Some(to)).map_err(Error::Edit)?;
        changed.push((service.clone(), target.clone(), new_image));
    }
    if changed.is_empty() {
        return Ok(None);
    }
    Ok(Some(Edit { text, change: Change::Promoted { from: from.to_owned(), to: to.to_owned(), images: changed } }))
}

/// A tag that names a moving target: `latest`, or a branch such as `main` (no digit in it).
fn is_mutable_tag(tag: Option<&str>) -> bool {
    tag.is_none_or(|tag| tag == "latest" || !tag.bytes().any(|byte| byte.is_ascii_digit()))
}
