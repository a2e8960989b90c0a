//! Render: takes one valid `resolved::Env`, gives every object of its `out/<env>/` tree as a `Manifest`.
//! It cannot fail: anything that could go wrong is a `validate` check that ran before.

mod argocd;
mod components;
mod gateway;
mod identity;
mod labels;
pub mod names;
mod network;
mod platform;
mod secrets;
mod summary;
mod workload;

pub use summary::{dot, mermaid, summary};

use crate::resolved;

/// One object and the file it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Relative to `out/`, with `/` separators: `dev/services/api/deployment-api.yaml`.
    pub path: String,
    /// The part of the platform file it comes from, for the generated header: `services.api`.
    pub origin: String,
    /// The object, serialised once from its typed form.
    pub object: serde_json::Value,
}

/// Renders one environment, objects sorted by path.
pub fn render(env: &resolved::Env) -> Vec<Manifest> {
    let mut manifests = Vec::new();
    platform::render(env, &mut manifests);
    platform::render_limits(env, &mut manifests);
    for service in env.services.values() {
        workload::render(env, service, &mut manifests);
        gateway::render_service(env, service, &mut manifests);
    }
    for component in env.components.values() {
        components::render_external(env, component, &mut manifests);
    }
    gateway::render_shared(env, &mut manifests);
    secrets::render(env, &mut manifests);
    network::render(env, &mut manifests);
    identity::render(env, &mut manifests);
    argocd::render(env, &mut manifests);
    manifests.sort_by(|a, b| a.path.cmp(&b.path));
    manifests
}
