//! `set-image`: a service's image re-tagged, in the base platform or in one environment's overlay.

use super::{Change, Edit, Error, Project, known_environment, known_service};
use crate::diagnostic::{self, Code, Diagnostic};
use crate::edit;

/// The edit that gives `service` the image tag `tag`, in `environment`'s overlay or in the base platform.
/// The tag is held to the rule the image references check (K007) applies to what this writes.
pub fn set_image(project: &Project, service: &str, tag: &str, environment: Option<&str>) -> Result<Edit, Error> {
    if crate::k8s_rules::image_tag(tag).is_err() {
        let mut error = Diagnostic::error(Code::InvalidImageTag, format!("`{tag}` is not an image tag")).with_help(
            "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`, such as `1.4.3`",
        );
        if let Some(which) = diagnostic::non_ascii(tag) {
            error = error.with_note(which);
        }
        return Err(Error::Usage(Box::new(error)));
    }
    let (source, platform) = project.load()?;
    known_service(&platform, service)?;
    if let Some(environment) = environment {
        known_environment(&platform, environment)?;
    }
    // The base's image as written (the loaded platform holds the file's text, not yet resolved).
    let base_spec = platform.services.iter().find(|(name, _)| name.value == service).map(|(_, spec)| spec);
    let base = base_spec.and_then(|spec| spec.image.as_ref()).map(|image| image.value.clone());
    // The image to re-tag: the environment's, resolved (it may come from the base, a group or a default),
    // else the base's. The environments the new image reaches hold it to their image tags (D005) when the
    // edited platform compiles, before anything is written.
    let image = match environment {
        Some(environment) => {
            let envs = project.resolve(&source, &platform).0;
            let resolved = envs.iter().find(|env| env.name.value == environment);
            resolved.and_then(|env| env.services.get(service)).map(|it| it.image.value.clone()).or_else(|| base.clone())
        }
        None => base.clone(),
    };
    let Some(image) = image else {
        return Err(Error::Edit(Box::new(
            Diagnostic::error(Code::MissingKey, format!("service `{service}` has no image to re-tag"))
                .with_help("give it `image = \"registry/name:tag\"` first; `set-image` changes only the tag"),
        )));
    };
    let new_image = edit::with_tag(&image, tag);
    // Where the image being replaced is written, when it is written in the table the edit changes.
    let written = match environment {
        None => base_spec.and_then(|spec| spec.image.as_ref()),
        Some(environment) => platform
            .environments
            .iter()
            .find(|(name, _)| name.value == environment)
            .and_then(|(_, overlay)| overlay.services.iter().find(|(name, _)| name.value == service))
            .and_then(|(_, spec)| spec.image.as_ref()),
    };
    let text = match written.and_then(|image| edit::replace_string_at(&source.text, image.span, &new_image)) {
        Some(text) => text,
        None => edit::set_image(&source.text, service, &new_image, environment).map_err(Error::Edit)?,
    };
    Ok(Edit {
        text,
        change: Change::Image {
            service: service.to_owned(),
            environment: environment.map(str::to_owned),
            before: image,
            after: new_image,
        },
    })
}
