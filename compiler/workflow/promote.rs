//! `promote`: image tags copied from one environment to another; `latest` or a branch into production is
//! refused, and so is a tag the receiving environment's `image_tags` does not match, or a step that does
//! not follow `[platform] promotion` (unless forced).

use super::{Change, Edit, Error, Project, images_of, known_environment, known_service};
use crate::delivery::TagPattern;
use crate::diagnostic::{Code, Diagnostic};
use crate::{edit, model, resolved};

/// The edit that gives `to` the image tags `from` runs, for `services` (all when empty); `None` when `to`
/// runs them already. The order of `[platform] promotion` holds.
pub fn promote(project: &Project, from: &str, to: &str, services: &[String]) -> Result<Option<Edit>, Error> {
    promote_with(project, from, to, services, false)
}

/// `promote`, with `force` skipping the order of `[platform] promotion` (the tag rules still hold).
pub fn promote_with(
    project: &Project,
    from: &str,
    to: &str,
    services: &[String],
    force: bool,
) -> Result<Option<Edit>, Error> {
    let (source, platform) = project.load()?;
    for environment in [from, to] {
        known_environment(&platform, environment)?;
    }
    if !force {
        follows_order(&platform, from, to)?;
    }
    for service in services {
        known_service(&platform, service)?;
    }
    let envs = project.resolve(&source, &platform).0;
    let images = images_of(&envs);
    let to_production = envs.iter().any(|env| env.name.value == to && env.tier == resolved::Tier::Production);
    let accepted = envs.iter().find(|env| env.name.value == to).and_then(|env| env.image_tags.as_ref());
    let accepted = accepted.and_then(|pattern| Some((pattern, TagPattern::parse(pattern).ok()?)));
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
        if let Some((pattern, glob)) = &accepted
            && !crate::delivery::image_accepted(glob, &new_image)
        {
            return Err(Error::Refused(vec![crate::validate::image_tag_not_accepted(
                to, service, &new_image, pattern,
            )]));
        }
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

/// `Err` with a usage error when `to` is in `[platform] promotion` and `from` is not the environment just
/// before it.
fn follows_order(platform: &model::Platform, from: &str, to: &str) -> Result<(), Error> {
    let order: Vec<&str> = platform.platform.promotion.iter().flatten().map(|it| it.value.as_str()).collect();
    let Some(index) = order.iter().position(|it| *it == to) else { return Ok(()) };
    let before = index.checked_sub(1).map(|index| order[index]);
    if before == Some(from) {
        return Ok(());
    }
    let chain = order.iter().map(|it| format!("`{it}`")).collect::<Vec<_>>().join(" -> ");
    let message = match before {
        Some(before) => {
            format!("`{to}` takes images from `{before}`, not from `{from}`: the promotion order is {chain}")
        }
        None => format!("`{to}` is first in the promotion order ({chain}): it takes images from no environment"),
    };
    let steps = match (order.iter().position(|it| *it == from), before) {
        (Some(start), _) if start < index => {
            let steps: Vec<String> = order[start..=index]
                .windows(2)
                .map(|pair| format!("`slipway promote {} {}`", pair[0], pair[1]))
                .collect();
            format!("promote one step at a time: {}; or pass `--force` to skip the order", steps.join(", then "))
        }
        (_, Some(before)) => format!("promote from `{before}`: `slipway promote {before} {to}`; or pass `--force`"),
        (_, None) => "pass `--force` to promote into it anyway".to_owned(),
    };
    Err(Error::Usage(Box::new(Diagnostic::error(Code::PromotionOrder, message).with_help(steps))))
}
