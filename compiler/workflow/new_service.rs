//! `new service`: a service table appended to the platform, its image beside the others'.

use super::{Change, Edit, Error, Project};
use crate::diagnostic::{Code, Diagnostic};
use crate::edit;
use crate::model::Runtime;

/// A service to add: its name, runtime preset, routes through the gateway and what it uses.
#[derive(Debug, Clone)]
pub struct NewService {
    pub name: String,
    pub runtime: Runtime,
    /// Such as `/api/v1/billing`.
    pub routes: Vec<String>,
    /// Services and components, such as `postgresql` or `postgresql:billing`.
    pub uses: Vec<String>,
}

/// The edit that appends `service`, with the image `<registry>/<name>:0.1.0` (the registry of the first
/// service that has an image, or `registry.example.com`).
pub fn new_service(project: &Project, service: &NewService) -> Result<Edit, Error> {
    let (source, platform) = project.load()?;
    let name = service.name.as_str();
    if platform.services.keys().any(|key| key.value == name) {
        return Err(Error::Usage(Box::new(
            Diagnostic::error(Code::NameTaken, format!("service `{name}` already exists"))
                .with_help("choose another name, or edit its `[services.<name>]` table"),
        )));
    }
    // The new service's image lives beside the others': the registry of the first service, or a placeholder.
    let registry = platform.services.values().find_map(|spec| spec.image.as_ref()).map_or_else(
        || "registry.example.com".to_owned(),
        |image| {
            let (name, _) = edit::split_image(image);
            name.rsplit_once('/').map_or_else(|| name.to_owned(), |(registry, _)| registry.to_owned())
        },
    );
    let image = format!("{registry}/{name}:0.1.0");
    let runtime = service.runtime.to_string();
    let text =
        edit::new_service(&source.text, name, &image, &runtime, &service.routes, &service.uses).map_err(Error::Edit)?;
    Ok(Edit { text, change: Change::Service { name: name.to_owned(), image } })
}
