//! Resolved types: one fully merged environment, with every default and preset applied and every
//! `${...}` expanded. `validate` checks these and `render` turns them into objects; neither sees the model.
//!
//! Spans stay on the values checks point at; values that came from a preset carry the span of `runtime`.

use std::collections::BTreeMap;

pub use crate::model::{
    AlbScheme, Aws, Backend, ComponentKind, Cors, Egress, EnvFrom, GatewayKind, Mapper, Mesh, PodSecurity, PortRef,
    Protocol, RouteProtocol, Runtime, SecretKey, StoreKind, SyncWindow, Tier, Toleration, WindowKind,
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
    /// The glob of image tags the environment accepts (`image_tags`).
    pub image_tags: Option<Spanned<String>>,
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
    /// This is no environment but a shared cluster's tree (`out/clusters/<name>/`): its cluster-wide
    /// components, rendered once for every environment placed on the cluster.
    pub cluster_tree: bool,
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

    /// The host a route answers on: its own, or the gateway's default; `None` for any host. Only the
    /// analysis calls it (`Facts::routes`); checks, render and the summary read the fact.
    pub(crate) fn route_host<'a>(&'a self, route: &'a Route) -> Option<&'a Spanned<String>> {
        route_host(self.gateway.as_ref(), route)
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

/// The host a route answers on: its own, or the gateway's default. The one rule, read by the analysis
/// (`Facts::routes`) and by `${routes.<service>.url}` before there is an environment to analyse.
pub(crate) fn route_host<'a>(gateway: Option<&'a Gateway>, route: &'a Route) -> Option<&'a Spanned<String>> {
    route.host.as_ref().or(gateway.and_then(|gateway| gateway.host.as_ref()))
}

/// What a client outside calls for a route: `https://shop.example.com/api` (`https` when its host has
/// TLS), without the trailing `/` of a path, so `/` gives `https://shop.example.com`.
pub fn route_url(host: &str, path: &str, tls: bool) -> String {
    format!("{}://{host}{}", if tls { "https" } else { "http" }, path.trim_end_matches('/'))
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
    /// Cluster-wide (see `catalog::KindInfo::cluster_wide`) on a shared cluster: rendered by the cluster's
    /// tree, once, and only referred to by the environment.
    pub shared: bool,
    /// Where the environment's overlay names the component, if it does.
    pub overridden_at: Option<Span>,
    /// The NodePort of its Service, for kinds whose chart takes one.
    pub node_port: Option<Spanned<u16>>,
    /// The AWS Load Balancer Controller's cluster, region, VPC and IAM role.
    pub aws: Option<Aws>,
}

impl Component {
    /// The DNS name clients use inside the cluster.
    pub fn host(&self) -> String {
        let suffix =
            if self.external.is_some() { "" } else { crate::catalog::kind_info(self.kind.value).service_suffix };
        format!("{}{suffix}.{}.svc.cluster.local", self.name.value, self.namespace.value)
    }

    /// `scheme://host:port` of the main port, or `host:port` when no scheme is known (see
    /// `catalog::port_scheme`).
    pub fn url(&self) -> Option<String> {
        let port = self.port.as_ref()?.value;
        let scheme = match &self.external {
            Some(external) => external
                .ports
                .iter()
                .find(|it| it.port.value == external.port.value)
                .and_then(|it| it.scheme.as_ref())
                .map(|it| it.value.clone()),
            None => crate::catalog::port_scheme(self.kind.value, None, port, None),
        };
        Some(url_of(scheme.as_deref(), &self.host(), port))
    }
}

/// `scheme://host:port`, or `host:port` without a scheme.
pub fn url_of(scheme: Option<&str>, host: &str, port: u16) -> String {
    match scheme {
        Some(scheme) => format!("{scheme}://{host}:{port}"),
        None => format!("{host}:{port}"),
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
    /// The main port: the one `${components.<name>.port}` and `.url` mean.
    pub port: Spanned<u16>,
    /// Every port, in the order written; one named `main` when the component gives a single `port`.
    pub ports: Vec<ExternalPort>,
    /// Whether the ports were named (`ports = { ... }`): only then are they referenced by name.
    pub named: bool,
}

/// One port of an external component, with its URL scheme (`None`: clients get `host:port`).
#[derive(Debug, Clone)]
pub struct ExternalPort {
    pub name: Spanned<String>,
    pub port: Spanned<u16>,
    /// Located where it was written; a scheme told by the name, the number or the kind has no span.
    pub scheme: Option<Spanned<String>>,
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
    pub rate_limit: Option<Spanned<u32>>,
    /// The ALB's scheme, IngressGroup and certificates (`kind = "alb"`).
    pub alb: Alb,
    /// TLS per host, sorted by host.
    pub tls: Vec<Tls>,
}

/// TLS on one host. Validation holds that exactly one of the three sources is set.
#[derive(Debug, Clone)]
pub struct Tls {
    pub host: Spanned<String>,
    pub cluster_issuer: Option<Spanned<String>>,
    pub issuer: Option<Spanned<String>>,
    pub secret: Option<Spanned<String>>,
    pub redirect: bool,
}

/// Where a host's certificate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsSource<'a> {
    ClusterIssuer(&'a Spanned<String>),
    Issuer(&'a Spanned<String>),
    Secret(&'a Spanned<String>),
}

impl Gateway {
    /// The TLS of a host: its own entry, else a `*.` entry one label up.
    pub fn tls_for(&self, host: &str) -> Option<&Tls> {
        self.tls.iter().find(|tls| tls.host.value == host).or_else(|| {
            let (_, parent) = host.split_once('.')?;
            self.tls.iter().find(|tls| tls.host.value.strip_prefix("*.") == Some(parent))
        })
    }
}

impl Tls {
    /// The certificate's source: the first one set (validation refuses none or several).
    pub fn source(&self) -> Option<TlsSource<'_>> {
        (self.cluster_issuer.as_ref().map(TlsSource::ClusterIssuer))
            .or_else(|| self.issuer.as_ref().map(TlsSource::Issuer))
            .or_else(|| self.secret.as_ref().map(TlsSource::Secret))
    }
}

/// The load balancer of an ALB gateway.
#[derive(Debug, Clone)]
pub struct Alb {
    pub scheme: AlbScheme,
    /// The IngressGroup's name, and where it was written (none when derived).
    pub group: Spanned<String>,
    pub certificate_arns: Vec<Spanned<String>>,
    /// Where the `alb` table says something, if it does (another kind of gateway would not read it).
    pub written: Option<Span>,
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
    /// The revision the environment follows: its `argocd.revision`, else `base_revision`.
    pub revision: String,
    /// `[platform] revision` (default `main`).
    pub base_revision: String,
    /// Where `out/` lives inside the repository.
    pub path: String,
    /// The platform file's name, for generated headers.
    pub source_name: String,
    /// Most the sum of limits may exceed allocatable capacity by, as a factor.
    pub overcommit: Spanned<f64>,
    pub port_registry: bool,
    /// The order of promotion (`[platform] promotion`).
    pub promotion: Vec<Spanned<String>>,
    /// Where `[argocd] root = "all"` was written, when it was: one Application over every root.
    pub root: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    /// The `[clusters.<name>]` the environment is placed on; `None` for a cluster of its own.
    pub name: Option<Spanned<String>>,
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
    /// On every Application and AppProject of the environment.
    pub labels: BTreeMap<Spanned<String>, Spanned<String>>,
    pub annotations: BTreeMap<Spanned<String>, Spanned<String>>,
    /// The AppProjects' sync windows.
    pub sync_windows: Vec<SyncWindow>,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub name: Spanned<String>,
    pub keys: Vec<Spanned<String>>,
    pub backend: Spanned<Backend>,
    /// external-secrets: the store, and its kind once resolved.
    pub store: Option<Spanned<String>>,
    pub store_kind: StoreKind,
    /// The remote secrets it is made of, each with the keys it gives: one for `remote` and `keys`, or
    /// those of `objects`.
    pub objects: Vec<RemoteObject>,
    pub refresh: u32,
    pub region: Option<Spanned<String>>,
    pub mount_path: String,
    pub role_arn: Option<String>,
    pub reload: bool,
    /// sealed-secrets: the file's path and text, or why it could not be read.
    pub sealed: Option<(String, Result<String, String>)>,
}

impl Secret {
    /// Those of `keys` the secret does not declare, in their order.
    pub fn lacks<'k>(&self, keys: impl IntoIterator<Item = &'k str>) -> Vec<&'k str> {
        keys.into_iter().filter(|key| !self.keys.iter().any(|declared| declared.value == *key)).collect()
    }
}

/// One remote secret a secret is made of.
#[derive(Debug, Clone)]
pub struct RemoteObject {
    /// The remote key or AWS secret name, expanded.
    pub remote: String,
    /// Where `objects` declared it; `None` for the one remote of `remote` and `keys`.
    pub span: Option<Span>,
    /// Each Kubernetes key it gives, and the remote property (its JSON field, for AWS) it comes from.
    pub keys: Vec<(Spanned<String>, String)>,
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
    pub rate_limit: Option<Spanned<u32>>,
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
    /// The service port it goes to, by name; the first port when absent.
    pub port: Option<Spanned<String>>,
    /// Defaults carry the path's span.
    pub strip_prefix: Spanned<bool>,
    pub protocol: Spanned<RouteProtocol>,
    /// Read timeout, in seconds.
    pub timeout: Option<Spanned<u32>>,
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
