//! Resolved types: one fully merged environment, with every default and preset applied and every
//! `${...}` expanded. `validate` checks these and `render` turns them into objects; neither sees the model.
//!
//! Spans stay on the values checks point at; values that came from a preset carry the span of `runtime`.

use std::collections::BTreeMap;

pub use crate::model::{
    Backend, ComponentKind, Cors, Egress, EnvFrom, GatewayKind, Mapper, Mesh, PodSecurity, PortRef, Protocol, Runtime,
    SecretKey, StoreKind, Tier, Toleration,
};
use crate::quantity::{Cpu, Memory};
use crate::source::{Span, Spanned};

/// One environment, ready to check and render.
#[derive(Debug, Clone)]
pub struct Env {
    /// Services and components declared but left out for an error of their own (a service without an
    /// image): checks that would name them as unknown stay silent.
    pub incomplete: std::collections::BTreeSet<String>,
    /// Components declared but turned off in this environment (`enabled = false`).
    pub disabled: std::collections::BTreeSet<String>,
    pub name: Spanned<String>,
    pub tier: Tier,
    pub platform: PlatformInfo,
    pub cluster: Cluster,
    pub argocd: ArgoCd,
    pub services: BTreeMap<String, Service>,
    pub components: BTreeMap<String, Component>,
    pub secrets: BTreeMap<String, Secret>,
    pub gateway: Option<Gateway>,
    pub identity: Option<Identity>,
    pub mesh: Mesh,
    /// linkerd-cni is installed, so meshed pods need no extra capabilities.
    pub mesh_cni: bool,
    /// Where `mesh` was set.
    pub mesh_span: Option<Span>,
    /// The mesh proxy's resources, added to every service pod when a mesh is on.
    pub mesh_proxy: Resources,
    pub secret_stores: BTreeMap<String, Spanned<StoreKind>>,
    pub namespaces: BTreeMap<String, (Spanned<String>, NamespaceSettings)>,
    pub network_policies: bool,
    /// Room a ResourceQuota leaves above the namespace's budget, as a fraction.
    pub quota_headroom: Spanned<f64>,
    /// The plain manifests of `manifests/all/` and `manifests/<env>/`, in the order of their files.
    pub manifests: Vec<PlainObject>,
}

/// One object of a plain manifest, as written, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainObject {
    /// The file's path as shown to the user.
    pub path: String,
    /// Its path from the platform's directory, `manifests/<dir>/<file>`, the same on every machine.
    pub relative: String,
    /// The document's 1-based line and column in it.
    pub line: usize,
    pub column: usize,
    /// The file's text, for excerpts in diagnostics.
    pub text: std::sync::Arc<str>,
    pub object: serde_json::Value,
}

impl Env {
    /// Who reads each secret, and in which namespace: every service (by env, `env_from` and image pull
    /// secrets), every component (by credentials and `secrets`), and the gateway's component (by its JWT
    /// consumers' credentials), by name.
    pub fn secret_readers(&self) -> BTreeMap<&str, std::collections::BTreeSet<(&str, &str)>> {
        let mut readers: BTreeMap<&str, std::collections::BTreeSet<(&str, &str)>> = BTreeMap::new();
        for service in self.services.values() {
            for secret in service.secrets_used() {
                readers.entry(secret).or_default().insert((&service.name.value, &service.namespace.value));
            }
        }
        for component in self.components.values() {
            let credentials = component.credentials.iter().map(|it| it.value.secret.value.as_str());
            for secret in credentials.chain(component.secrets.iter().map(|it| it.value.as_str())) {
                readers.entry(secret).or_default().insert((&component.name.value, &component.namespace.value));
            }
        }
        if let Some(gateway) = &self.gateway
            && let Some(component) = gateway.component.as_ref().and_then(|it| self.components.get(it.value.as_str()))
        {
            for (_, secret) in &gateway.jwt_consumers {
                readers
                    .entry(secret.value.as_str())
                    .or_default()
                    .insert((&component.name.value, &component.namespace.value));
            }
        }
        readers
    }

    /// The host a route answers on: its own, or the gateway's default; `None` for any host. Checks,
    /// render and the summary all read it here, so the conflict check sees the host that is rendered.
    pub fn route_host<'a>(&'a self, route: &'a Route) -> Option<&'a Spanned<String>> {
        route.host.as_ref().or(self.gateway.as_ref().and_then(|gateway| gateway.host.as_ref()))
    }

    /// Where the gateway's own objects live (its KongConsumers): the gateway component's namespace.
    pub fn gateway_namespace(&self) -> Option<&str> {
        let component = self.gateway.as_ref()?.component.as_ref()?;
        self.components.get(component.value.as_str()).map(|component| component.namespace.value.as_str())
    }

    /// Who depends on whom, by name: services and components alike, in the order `uses` lists them.
    /// Names that are not declared are left out; the references check reports them.
    pub fn dependencies(&self) -> BTreeMap<&str, Vec<&Spanned<String>>> {
        let known = |name: &str| self.services.contains_key(name) || self.components.contains_key(name);
        let mut graph = BTreeMap::new();
        for service in self.services.values() {
            let targets = service.uses.iter().map(|dependency| &dependency.target).filter(|target| known(target));
            graph.insert(service.name.value.as_str(), targets.collect());
        }
        for component in self.components.values() {
            let targets = component.uses.iter().filter(|target| known(target));
            graph.insert(component.name.value.as_str(), targets.collect());
        }
        graph
    }
}

/// A piece of infrastructure, with its chart (absent for an external one).
#[derive(Debug, Clone)]
pub struct Component {
    pub name: Spanned<String>,
    pub kind: Spanned<ComponentKind>,
    pub namespace: Spanned<String>,
    pub chart: Chart,
    /// Pods, for the budget.
    pub replicas: u32,
    /// Where `replicas` was set, if it was.
    pub replicas_span: Option<Span>,
    /// MetalLB's address pool.
    pub addresses: Vec<Spanned<String>>,
    pub resources: Resources,
    pub storage: Option<Spanned<Memory>>,
    pub databases: Vec<Spanned<String>>,
    pub credentials: Option<Spanned<SecretKey>>,
    pub uses: Vec<Spanned<String>>,
    /// Declared secrets its chart values name.
    pub secrets: Vec<Spanned<String>>,
    /// The port clients connect to, if clients connect to it; a kind's default carries no span.
    pub port: Option<Spanned<u16>>,
    pub values: serde_json::Map<String, serde_json::Value>,
    pub external: Option<External>,
}

impl Component {
    /// The DNS name clients use inside the cluster.
    pub fn host(&self) -> String {
        let suffix =
            if self.external.is_some() { "" } else { crate::catalog::kind_info(self.kind.value).service_suffix };
        format!("{}{suffix}.{}.svc.cluster.local", self.name.value, self.namespace.value)
    }

    /// `scheme://host:port`, or `host:port` for kinds without a URL scheme.
    pub fn url(&self) -> Option<String> {
        let port = self.port.as_ref()?.value;
        Some(match crate::catalog::kind_info(self.kind.value).scheme {
            Some(scheme) => format!("{scheme}://{}:{port}", self.host()),
            None => format!("{}:{port}", self.host()),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub repo: String,
    pub name: String,
    pub version: Option<Spanned<String>>,
    /// Where the chart was declared (or the component's name when it was not).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct External {
    pub host: Spanned<String>,
    pub port: Spanned<u16>,
}

#[derive(Debug, Clone)]
pub struct Gateway {
    pub kind: Spanned<GatewayKind>,
    /// The component that runs it, if one is declared.
    pub component: Option<Spanned<String>>,
    pub host: Option<Spanned<String>>,
    pub node_ports: (Option<Spanned<u16>>, Option<Spanned<u16>>),
    pub cors: Option<Cors>,
    pub jwt_key_claim: Option<String>,
    /// The JWT credentials' consumers: (name, secret).
    pub jwt_consumers: Vec<(Spanned<String>, Spanned<String>)>,
    pub correlation_id: bool,
    /// Requests per minute per route when a service does not say.
    pub rate_limit: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub component: Option<Spanned<String>>,
    pub realm: Spanned<String>,
    pub roles: Vec<String>,
    pub clients: Vec<Client>,
    pub settings: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // Keycloak's client flags, one for one.
pub struct Client {
    pub id: Spanned<String>,
    pub public: bool,
    pub redirect_uris: Vec<Spanned<String>>,
    pub web_origins: Vec<Spanned<String>>,
    pub standard_flow: bool,
    pub direct_access_grants: bool,
    pub service_accounts: bool,
    pub attributes: BTreeMap<String, Spanned<String>>,
    pub mappers: Vec<Mapper>,
}

#[derive(Debug, Clone)]
pub struct PlatformInfo {
    pub name: Spanned<String>,
    pub repo: String,
    pub revision: String,
    /// Where `out/` lives inside the repository.
    pub path: String,
    /// The platform file's name, for generated headers.
    pub source_name: String,
    /// Most the sum of limits may exceed allocatable capacity by, as a factor.
    pub overcommit: Spanned<f64>,
    pub port_registry: bool,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    /// Each value carries where it was written; a default carries the span of the cluster or the platform.
    pub nodes: Spanned<u32>,
    pub memory: Spanned<Memory>,
    pub cpu: Spanned<Cpu>,
    pub reserved: Amounts,
    pub max_pods: Spanned<u32>,
    pub server: String,
    /// Where the capacity was written: the environment's `cluster` if it has one, else `[cluster]`.
    pub span: Option<Span>,
    /// Where the CPU and the memory of a node were written, as merged (the overlay's if it sets them).
    pub cpu_span: Option<Span>,
    pub memory_span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct ArgoCd {
    pub namespace: Spanned<String>,
    pub resources: Resources,
    /// Applications sync automatically (with prune and self-heal), or only when someone syncs them.
    pub automated: bool,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub name: Spanned<String>,
    pub keys: Vec<Spanned<String>>,
    pub backend: Spanned<Backend>,
    /// external-secrets: the store, and its kind once resolved.
    pub store: Option<Spanned<String>>,
    pub store_kind: StoreKind,
    /// The remote key or AWS secret name.
    pub remote: String,
    pub refresh: u32,
    /// Per key: the remote property or JMESPath.
    pub properties: BTreeMap<String, String>,
    pub region: Option<Spanned<String>>,
    pub mount_path: String,
    pub role_arn: Option<String>,
    pub reload: bool,
    /// sealed-secrets: the file's path and text, or why it could not be read.
    pub sealed: Option<(String, Result<String, String>)>,
}

/// Settings of a namespace Slipway manages.
#[derive(Debug, Clone)]
pub struct NamespaceSettings {
    pub pod_security: Option<Spanned<PodSecurity>>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: Spanned<String>,
    pub namespace: Spanned<String>,
    pub image: Spanned<String>,
    pub runtime: Option<Runtime>,
    /// Replicas when not autoscaled.
    pub replicas: Spanned<u32>,
    /// Services and components this one depends on.
    pub uses: Vec<Dependency>,
    /// Services and components its env and config name in `${...}`, where they are named.
    pub references: Vec<Spanned<String>>,
    pub routes: Vec<Route>,
    /// Requests per minute through the gateway.
    pub rate_limit: Option<u32>,
    pub reload_on_secret_change: bool,
    pub metrics: Option<Metrics>,
    pub ports: Vec<Port>,
    pub command: Vec<Spanned<String>>,
    pub args: Vec<Spanned<String>>,
    /// In the user's order.
    pub env: Vec<EnvVar>,
    pub env_from: Vec<Spanned<EnvFrom>>,
    pub config: BTreeMap<Spanned<String>, Spanned<String>>,
    pub resources: Resources,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub autoscale: Option<Autoscale>,
    pub security: Security,
    pub service_account: ServiceAccount,
    pub pod_annotations: BTreeMap<Spanned<String>, Spanned<String>>,
    pub pod_labels: BTreeMap<Spanned<String>, Spanned<String>>,
    pub node_selector: BTreeMap<Spanned<String>, Spanned<String>>,
    pub tolerations: Vec<Spanned<Toleration>>,
    /// Address blocks outside the cluster it may reach, and on which ports.
    pub egress: Vec<Egress>,
    pub image_pull_secrets: Vec<Spanned<String>>,
}

impl Service {
    /// The most pods this service can run: the autoscaler's maximum, else its replicas.
    pub fn max_replicas(&self) -> u32 {
        self.autoscale.as_ref().map_or(self.replicas.value, |autoscale| autoscale.max.value)
    }

    /// The image tag, if the reference is valid and has one (`repo:tag`, not a registry port or a digest).
    pub fn image_tag(&self) -> Option<&str> {
        crate::k8s_rules::image_reference(&self.image).ok()?.tag
    }

    /// The names of the secrets this service's pods read, each once, in order of first use.
    pub fn secrets_used(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        let env = self.env.iter().filter_map(|variable| match &variable.value {
            EnvSource::Secret { secret, .. } => Some(secret.value.as_str()),
            EnvSource::Literal(_) => None,
        });
        let env_from = self.env_from.iter().filter_map(|source| match &source.value {
            EnvFrom::Secret(secret) => Some(secret.value.as_str()),
            EnvFrom::ConfigMap(_) => None,
        });
        let pull = self.image_pull_secrets.iter().map(|secret| secret.value.as_str());
        for name in env.chain(env_from).chain(pull) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The name of the ServiceAccount pods run as.
    pub fn service_account_name(&self) -> &str {
        if self.service_account.create { &self.name } else { "default" }
    }
}

#[derive(Debug, Clone)]
pub struct Port {
    pub name: Spanned<String>,
    pub port: Spanned<u16>,
    /// The Service's port; its span is the container port's when `service_port` was not written.
    pub service_port: Spanned<u16>,
    pub protocol: Protocol,
    pub node_port: Option<Spanned<u16>>,
}

/// `postgresql:flowmind_accounts`: a service or component, and a database of it.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub target: Spanned<String>,
    pub database: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Metrics {
    pub port: Spanned<String>,
    pub path: String,
    pub interval: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub path: Spanned<String>,
    pub host: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: Spanned<String>,
    pub value: EnvSource,
}

#[derive(Debug, Clone)]
pub enum EnvSource {
    Literal(Spanned<String>),
    Secret { secret: Spanned<String>, key: Spanned<String> },
}

#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub requests: Amounts,
    pub limits: Amounts,
}

#[derive(Debug, Clone, Default)]
pub struct Amounts {
    pub memory: Option<Spanned<Memory>>,
    pub cpu: Option<Spanned<Cpu>>,
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay: Option<u32>,
    pub period: Option<u32>,
    pub timeout: Option<u32>,
    pub failure_threshold: Option<u32>,
    pub success_threshold: Option<u32>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ProbeAction {
    Http { path: String, port: Spanned<PortRef> },
    Tcp { port: Spanned<PortRef> },
    Exec { command: Vec<String> },
}

#[derive(Debug, Clone)]
pub struct Autoscale {
    /// Defaults to 1, with the span of `autoscale`.
    pub min: Spanned<u32>,
    /// Defaults to `min`.
    pub max: Spanned<u32>,
    /// Target average utilisation, in percent of requests.
    pub cpu: Option<Spanned<u32>>,
    pub memory: Option<Spanned<u32>>,
    /// `max`, else `min`, else the service's name.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Security {
    pub run_as_non_root: Spanned<bool>,
    pub run_as_user: Option<Spanned<i64>>,
    pub run_as_group: Option<Spanned<i64>>,
    pub fs_group: Option<Spanned<i64>>,
    pub read_only_root_filesystem: bool,
    pub privileged: Spanned<bool>,
    /// Why the service may run as root or privileged.
    pub exception: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct ServiceAccount {
    pub create: bool,
    pub annotations: BTreeMap<Spanned<String>, Spanned<String>>,
    pub automount_token: bool,
}
