//! Render: takes one valid `resolved::Env`, gives every object of its `out/<env>/` tree as a `Manifest`.
//! It cannot fail: anything that could go wrong is a `validate` check that ran before.

mod argocd;
mod components;
mod gateway;
mod identity;
mod labels;
mod manifests;
pub mod names;
mod network;
mod platform;
mod secrets;
mod summary;
mod workload;

pub(crate) use argocd::SYNC_WAVE;

/// Directories of an environment's tree that each become one ArgoCD Application of the same name (and
/// `root`, the Application over them): a service or component of one of these names would replace it,
/// which the name check refuses (N006).
pub(crate) const PLATFORM: &str = "platform";
pub(crate) const SECRETS: &str = "secrets";
pub(crate) const GATEWAY: &str = "gateway";
pub(crate) const IDENTITY: &str = "identity";
pub(crate) const ROOT: &str = "root";
pub use argocd::root_of_roots;
pub(crate) use labels::RECOMMENDED as RECOMMENDED_LABELS;
pub(crate) use manifests::MANIFESTS;
pub(crate) use network::{ALLOW_DNS, DEFAULT_DENY};
pub(crate) use secrets::CONSUMERS;
pub use summary::{cluster_summary, dot, mermaid, summary};
pub(crate) use workload::{MESH_INJECT, MESH_PROXY_RESOURCES, ROLE_ARN};

use crate::resolved;

/// The Helm values Slipway writes for a component in `env`: what a shared cluster's one copy of a
/// cluster-wide component is compared by.
pub(crate) fn chart_values(env: &resolved::Env, component: &resolved::Component) -> serde_json::Value {
    components::values(env, component)
}

/// One object and the file it goes to.
pub struct Manifest {
    /// Relative to `out/`, with `/` separators: `dev/services/api/deployment-api.yaml`.
    pub path: String,
    /// The part of the platform file it comes from, for the generated header: `services.api`.
    pub origin: String,
    /// Its `apiVersion`, `kind`, namespace and name, as written.
    pub identity: crate::emit::yaml::Identity,
    /// Its YAML text (without the generated header), written once, straight from its typed form.
    pub yaml: String,
    /// The typed object, for the few checks that read objects (the rendered network policies).
    object: Box<dyn Object>,
}

/// A rendered object of any type: its YAML is written from it, and its JSON value made on demand.
trait Object: std::any::Any {
    fn to_value(&self) -> serde_json::Value;
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<T: serde::Serialize + 'static> Object for T {
    fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("rendered objects always serialise to JSON")
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Manifest {
    /// The manifest of `object`, written to YAML at once.
    pub(crate) fn new(path: String, origin: String, object: impl serde::Serialize + 'static) -> Manifest {
        let mut yaml = String::with_capacity(2048);
        let identity =
            crate::emit::yaml::write_object(&mut yaml, &object).expect("rendered objects always serialise to YAML");
        Manifest { path, origin, identity, yaml, object: Box::new(object) }
    }

    /// The object as a JSON value (made from the typed object; what its YAML reads back as).
    pub fn value(&self) -> serde_json::Value {
        self.object.to_value()
    }

    /// The object, when it is a `T`.
    pub fn typed<T: 'static>(&self) -> Option<&T> {
        self.object.as_any().downcast_ref()
    }
}

impl std::fmt::Debug for Manifest {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Manifest")
            .field("path", &self.path)
            .field("origin", &self.origin)
            .field("yaml", &self.yaml)
            .finish_non_exhaustive()
    }
}

/// Where rendered objects go: each is handed on as soon as it is made (so the caller can write it out and
/// drop it), while what the ArgoCD objects need to know of the rest is kept: the kinds rendered, which
/// the projects allow, and the directories that hold anything, which get Applications.
pub struct Out<'a> {
    sink: &'a mut dyn FnMut(Manifest),
    /// (API group, kind, namespaced).
    kinds: std::collections::BTreeSet<(String, String, bool)>,
    /// First directory under `<env>/`: `services`, `gateway`, `secrets`, ...
    directories: std::collections::BTreeSet<String>,
    /// The plain manifests' (API group, kind, namespaced), which their own project allows, and their
    /// namespaces.
    plain_kinds: std::collections::BTreeSet<(String, String, bool)>,
    plain_namespaces: std::collections::BTreeSet<String>,
}

impl Out<'_> {
    fn push(&mut self, manifest: Manifest) {
        let identity = &manifest.identity;
        let group = identity.api_version.rsplit_once('/').map_or("", |(group, _)| group);
        let namespaced = identity.namespace.is_some();
        // A few kinds, seen thousands of times: scanned without making a key.
        if !self.kinds.iter().any(|(g, k, n)| g == group && *k == identity.kind && *n == namespaced) {
            self.kinds.insert((group.to_owned(), identity.kind.clone(), namespaced));
        }
        if let Some(directory) = manifest.path.split('/').nth(1).filter(|_| manifest.path.matches('/').count() > 1)
            && !self.directories.contains(directory)
        {
            self.directories.insert(directory.to_owned());
        }
        (self.sink)(manifest);
    }

    /// A plain manifest: its kind goes to the manifests' project, not the services'.
    fn push_plain(&mut self, manifest: Manifest, group: &str, kind: &str) {
        let namespace = manifest.identity.namespace.clone();
        self.plain_kinds.insert((group.to_owned(), kind.to_owned(), namespace.is_some()));
        if let Some(namespace) = namespace {
            self.plain_namespaces.insert(namespace);
        }
        self.directories.insert(MANIFESTS.to_owned());
        (self.sink)(manifest);
    }
}

/// Renders one environment into a list (for tests and tools), sorted by path.
pub fn render(env: &resolved::Env) -> Vec<Manifest> {
    let mut manifests = Vec::new();
    render_into(env, &mut |manifest| manifests.push(manifest));
    manifests.sort_by(|a, b| a.path.cmp(&b.path));
    manifests
}

/// Renders one environment, handing each object to `sink` as soon as it is made.
pub fn render_into(env: &resolved::Env, sink: &mut dyn FnMut(Manifest)) {
    render_facts(&crate::analysis::analyse(env), sink);
}

/// Renders one analysed environment, handing each object to `sink` as soon as it is made.
pub fn render_facts(facts: &crate::analysis::Facts<'_>, sink: &mut dyn FnMut(Manifest)) {
    let env = facts.env;
    let mut out = Out {
        sink,
        kinds: std::collections::BTreeSet::new(),
        directories: std::collections::BTreeSet::new(),
        plain_kinds: std::collections::BTreeSet::new(),
        plain_namespaces: std::collections::BTreeSet::new(),
    };
    let manifests = &mut out;
    platform::render(facts, manifests);
    platform::render_limits(facts, manifests);
    for service in env.services.values() {
        workload::render(facts, service, manifests);
        gateway::render_service(facts, service, manifests);
    }
    for component in env.components.values().filter(|it| !it.shared) {
        components::render_external(env, component, manifests);
        components::render_pools(env, component, manifests);
        components::render_arangodb(env, component, manifests);
    }
    gateway::render_shared(facts, manifests);
    secrets::render(facts, manifests);
    network::render(facts, manifests);
    identity::render(env, manifests);
    manifests::render(env, manifests);
    argocd::render(facts, manifests);
}
