//! The model: the typed shape of `platform.toml`, as deserialised by `load` and described by the JSON Schema.
//!
//! These are the only types that derive `Deserialize` and `JsonSchema`. Every table rejects unknown keys.
//! Service settings are all optional because the same `ServiceSpec` is used for `[defaults.service]`,
//! `[services.<name>]` and environment overlays; `resolve` merges them and fills in presets.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::quantity::{Cpu, Duration, Memory};
use crate::source::Spanned;

/// A whole platform: services, secrets and the environments they run in.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub platform: PlatformInfo,
    /// Default capacity of every environment's cluster; each environment may override it.
    #[serde(default)]
    pub cluster: Cluster,
    /// Clusters that environments share (`cluster = "<name>"` in an environment), each with its capacity
    /// and server. Their cluster-wide components are rendered once, into `out/clusters/<name>/`, and
    /// their budget counts every environment placed on them.
    #[serde(default)]
    pub clusters: IndexMap<Spanned<String>, Cluster>,
    #[serde(default)]
    pub argocd: ArgoCd,
    #[serde(default)]
    pub defaults: Defaults,
    /// Secrets the services may reference. Slipway never holds their values.
    #[serde(default)]
    pub secrets: IndexMap<Spanned<String>, Secret>,
    /// Stores external-secrets reads from.
    #[serde(default)]
    pub secret_stores: IndexMap<Spanned<String>, SecretStore>,
    /// Settings of the namespaces Slipway manages, by name.
    #[serde(default)]
    pub namespaces: IndexMap<Spanned<String>, NamespaceSettings>,
    #[serde(default)]
    pub services: IndexMap<Spanned<String>, ServiceSpec>,
    /// Third-party infrastructure, deployed from Helm charts by ArgoCD.
    #[serde(default)]
    pub components: IndexMap<Spanned<String>, Component>,
    /// How traffic from outside reaches the services' `routes`.
    pub gateway: Option<Gateway>,
    /// The identity provider's realm, roles and clients.
    pub identity: Option<Identity>,
    /// Environments, each an overlay deep-merged onto the base platform and compiled to `out/<env>/`.
    #[serde(default)]
    pub environments: IndexMap<Spanned<String>, Environment>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformInfo {
    /// A DNS-1123 label; prefixes the ArgoCD project names.
    pub name: Spanned<String>,
    /// The Git repository ArgoCD syncs `out/` from.
    pub repo: Spanned<String>,
    /// The branch, tag or commit ArgoCD follows (default `main`).
    pub revision: Option<Spanned<String>>,
    /// Where the rendered output lives inside `repo` (default `out`).
    pub path: Option<Spanned<String>>,
    /// The most that the sum of limits may exceed allocatable capacity by, as a factor (default 2.0).
    pub overcommit: Option<Spanned<f64>>,
    /// Make every service's container ports unique across the whole platform (seed 004's port registry).
    pub port_registry: Option<Spanned<bool>>,
    /// The order images travel through the environments, such as `["dev", "staging", "production"]`:
    /// `slipway promote` into a listed environment takes only from the one listed before it (unless
    /// `--force`).
    pub promotion: Option<Vec<Spanned<String>>>,
    /// A service mesh to inject into every service's pods: `none` (default) or `linkerd`.
    pub mesh: Option<Spanned<Mesh>>,
    /// Room a namespace's ResourceQuota leaves above its budget, as a fraction (default 0.1).
    pub quota_headroom: Option<Spanned<f64>>,
    /// The mesh proxy's resources per pod (default: requests 20Mi and 10m, limits 250Mi and 1 CPU).
    pub mesh_proxy: Option<Resources>,
    /// linkerd-cni is installed on the clusters (a prerequisite), so meshed pods need no NET_ADMIN and
    /// NET_RAW and their namespaces can stay Pod Security "restricted" (default `false`).
    pub mesh_cni: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mesh {
    None,
    Linkerd,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub nodes: Option<Spanned<u32>>,
    /// Memory of each node.
    pub memory: Option<Spanned<Memory>>,
    /// CPU of each node.
    pub cpu: Option<Spanned<Cpu>>,
    /// What the OS and Kubernetes keep for themselves on each node.
    pub reserved: Option<Amounts>,
    /// Most pods a node runs (default 110).
    pub max_pods: Option<Spanned<u32>>,
    /// The Kubernetes API server ArgoCD deploys to (default `https://kubernetes.default.svc`).
    pub server: Option<Spanned<String>>,
}

/// Where an environment runs: a declared `[clusters.<name>]`, or a cluster of its own.
#[derive(Debug, Clone)]
pub enum EnvCluster {
    /// `cluster = "main"`: a cluster declared in `[clusters]`, shared with other environments.
    Named(Spanned<String>),
    /// `cluster = { nodes = 3 }`: the environment's own cluster, merged over `[cluster]`.
    Inline(Cluster),
}

impl<'de> Deserialize<'de> for EnvCluster {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = EnvCluster;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the name of a `[clusters.<name>]` or a table such as `{ nodes = 3, memory = \"32Gi\" }`")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<EnvCluster, E> {
                // A bare string has no span of its own here; `resolve` gives it the span of the whole value.
                Ok(EnvCluster::Named(Spanned::new(value.to_owned(), crate::source::Span::default())))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<EnvCluster, A::Error> {
                Cluster::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(EnvCluster::Inline)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for EnvCluster {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EnvCluster".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let table = generator.subschema_for::<Cluster>();
        schemars::json_schema!({
            "description": "The name of a cluster declared in `[clusters]`, or the capacity of the environment's own cluster.",
            "anyOf": [{ "type": "string" }, table]
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArgoCd {
    /// The namespace ArgoCD runs in, where Applications are created (default `argocd`).
    pub namespace: Option<Spanned<String>>,
    /// ArgoCD's own footprint, counted against the budget.
    pub resources: Option<Resources>,
    /// How the environment's Applications sync: `automated` (default: with prune and self-heal) or
    /// `manual` (someone presses sync, as production often wants).
    pub sync: Option<Spanned<SyncMode>>,
    /// The Git revision ArgoCD follows for this environment (default `[platform] revision`), such as a
    /// release branch for production.
    pub revision: Option<Spanned<String>>,
    /// Labels on every Application and AppProject of the environment (merged over the base's).
    pub labels: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Annotations on every Application and AppProject of the environment (merged over the base's).
    pub annotations: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// When ArgoCD may sync the environment's Applications: the AppProjects' `syncWindows`.
    pub sync_windows: Option<Vec<SyncWindow>>,
    /// `all`: also render `out/root.yaml`, one Application over every environment's root (in `[argocd]`
    /// only, not in an environment's overlay).
    pub root: Option<Spanned<RootScope>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RootScope {
    /// One Application over every environment's root Application.
    All,
}

/// A time when ArgoCD allows or denies syncs of the environment's Applications (ArgoCD's `SyncWindow`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncWindow {
    /// `allow`: syncs only inside the window; `deny`: no syncs inside it.
    pub kind: Spanned<WindowKind>,
    /// When the window opens: a cron schedule of five fields (minute, hour, day of month, month, day of
    /// week), such as `0 22 * * 1-5`.
    pub schedule: Spanned<String>,
    /// How long it stays open, as Go writes durations: `1h`, `30m`, `1h30m`.
    pub duration: Spanned<String>,
    /// Application names (globs) it applies to; without any of `applications`, `namespaces` and
    /// `clusters`, it applies to every Application of the environment (`["*"]`).
    pub applications: Option<Vec<Spanned<String>>>,
    /// Destination namespaces (globs) it applies to.
    pub namespaces: Option<Vec<Spanned<String>>>,
    /// Destination clusters (server URLs or names, globs) it applies to.
    pub clusters: Option<Vec<Spanned<String>>>,
    /// Let people sync by hand when the window would block them (default `false`).
    pub manual_sync: Option<bool>,
    /// The IANA time zone of `schedule`, such as `Europe/Paris` (default `UTC`).
    pub time_zone: Option<Spanned<String>>,
    /// Why the window exists (at most 255 characters), shown by ArgoCD.
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    Allow,
    Deny,
}

impl WindowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowKind::Allow => "allow",
            WindowKind::Deny => "deny",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    Automated,
    Manual,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Settings every service inherits unless it says otherwise.
    pub service: Option<ServiceSpec>,
    /// Settings of a group of services (`[defaults.groups.frontend]`), inherited after `[defaults.service]`
    /// by every service whose `group` names it, and before the service's own.
    pub groups: Option<IndexMap<Spanned<String>, ServiceSpec>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// The keys the secret holds; references to other keys are errors. Required, unless `objects` gives them.
    pub keys: Option<Vec<Spanned<String>>>,
    /// external-secrets and aws-secrets-manager: a secret made of several remote secrets, each with the
    /// Kubernetes keys it gives. Takes the place of `keys`, `remote` and `properties` (in an environment's
    /// overlay too: setting one side drops the other).
    pub objects: Option<Vec<RemoteObject>>,
    pub description: Option<String>,
    /// How the secret reaches the cluster (default `existing`: created outside Slipway).
    pub backend: Option<Spanned<Backend>>,
    /// external-secrets: the declared `[secret_stores]` entry to read from.
    pub store: Option<Spanned<String>>,
    /// external-secrets: the remote key (a path in the store, such as `flowmind/account-service`);
    /// aws-secrets-manager: the secret's name in AWS. Default: the secret's name. `${environment.name}`
    /// and `${platform.name}` are expanded, so one declaration serves every environment.
    pub remote: Option<Spanned<String>>,
    /// external-secrets: how often to refresh (default `1h`).
    pub refresh: Option<Spanned<Duration>>,
    /// The property of the remote secret each key comes from (external-secrets) or its JMESPath
    /// (aws-secrets-manager); default: the key itself.
    pub properties: Option<BTreeMap<String, String>>,
    /// aws-secrets-manager: the AWS region.
    pub region: Option<Spanned<String>>,
    /// aws-secrets-manager: where the CSI volume is mounted (default `/mnt/secrets-store/<name>`).
    pub mount_path: Option<String>,
    /// aws-secrets-manager: the IAM role the service accounts of its users assume (IRSA).
    pub role_arn: Option<String>,
    /// Restart the pods that use the secret when it changes (the Reloader annotation).
    pub reload: Option<bool>,
}

/// One remote secret of those a secret is made of.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteObject {
    /// The remote key (external-secrets) or the AWS secret's name (aws-secrets-manager);
    /// `${environment.name}` and `${platform.name}` are expanded.
    pub remote: Spanned<String>,
    /// Each Kubernetes key this remote secret gives, and the property of the remote secret (its JSON field,
    /// for AWS) it comes from: `{ DB_PASSWORD = "password" }`.
    pub keys: IndexMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    ExternalSecrets,
    AwsSecretsManager,
    SealedSecrets,
    Existing,
}

/// A store external-secrets reads from; created outside Slipway, with the provider's credentials.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretStore {
    /// `ClusterSecretStore` (default) or `SecretStore`.
    pub kind: Option<Spanned<StoreKind>>,
    /// The provider, such as `vault` or `aws`; listed as a prerequisite.
    pub provider: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum StoreKind {
    ClusterSecretStore,
    SecretStore,
}

/// Settings of one namespace Slipway manages.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamespaceSettings {
    /// The Pod Security level to enforce: `restricted` (default), `baseline` or `privileged`.
    pub pod_security: Option<Spanned<PodSecurity>>,
    /// Why the namespace needs less than `restricted`; required with `pod_security`.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodSecurity {
    Restricted,
    Baseline,
    Privileged,
}

impl PodSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            PodSecurity::Restricted => "restricted",
            PodSecurity::Baseline => "baseline",
            PodSecurity::Privileged => "privileged",
        }
    }
}

/// One overlay: any of these replaces or deep-merges into the base for this environment only.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// How strict the policy checks are; inferred from the name when absent (`dev*`, `local*`, `test*`
    /// are development, `prod*` is production, anything else staging).
    pub tier: Option<Spanned<Tier>>,
    /// Default-deny NetworkPolicies with exactly the declared traffic allowed (default `true`).
    pub network_policies: Option<bool>,
    /// The cluster the environment runs on: the name of a `[clusters.<name>]` it shares with others, or a
    /// table of its own cluster's capacity (over `[cluster]`).
    pub cluster: Option<Spanned<EnvCluster>>,
    pub argocd: Option<ArgoCd>,
    /// The image tags this environment accepts, as a glob: `*` any characters, `?` one, `[0-9]` one of a
    /// class (`[!...]` not of it), such as `v[0-9]*.[0-9]*.[0-9]*`. `check`, `set-image` and `promote`
    /// refuse any other tag; an image pinned by digest alone is accepted.
    pub image_tags: Option<Spanned<String>>,
    pub defaults: Option<Defaults>,
    /// The environment's own settings of declared secrets (each replaces the base's: `backend`, `store`,
    /// `remote`, `keys`, `objects`...), or a secret this environment alone has, with its `keys` or `objects`.
    #[serde(default)]
    pub secrets: IndexMap<Spanned<String>, Secret>,
    #[serde(default)]
    pub services: IndexMap<Spanned<String>, ServiceSpec>,
    #[serde(default)]
    pub components: IndexMap<Spanned<String>, Component>,
    pub gateway: Option<Gateway>,
    pub identity: Option<Identity>,
}

/// A piece of third-party infrastructure. Typed kinds know their chart, ports, and where resources,
/// persistence and credentials go in the chart's values; `helm` takes any chart.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub kind: Option<Spanned<ComponentKind>>,
    /// The Helm chart: typed kinds know `repo` and `name`; `version` is always required and pinned.
    pub chart: Option<Chart>,
    pub namespace: Option<Spanned<String>>,
    /// Pods the component runs, for the budget (default 1).
    pub replicas: Option<Spanned<u32>>,
    /// Written into the chart's values where the kind keeps them, and counted in the budget.
    pub resources: Option<Resources>,
    /// Size of the persistent volume, for kinds that keep data.
    pub storage: Option<Spanned<Memory>>,
    /// Databases to create (postgresql, mongodb); services name them in `uses = ["postgresql:<db>"]`.
    pub databases: Option<Vec<Spanned<String>>>,
    /// The admin credentials: a key of a declared secret, never a literal.
    pub credentials: Option<Spanned<SecretKey>>,
    /// Components this one depends on (Keycloak on PostgreSQL, say).
    pub uses: Option<Vec<Spanned<String>>>,
    /// Declared secrets that the chart `values` name (an `existingSecret`), so they are checked and counted
    /// as used.
    pub secrets: Option<Vec<Spanned<String>>>,
    /// The port services connect to, when it differs from the kind's default.
    pub port: Option<Spanned<u16>>,
    /// Free-form chart values, merged over the typed ones.
    pub values: Option<serde_json::Map<String, serde_json::Value>>,
    /// Runs outside the cluster: no chart, a Service pointing at `host` instead.
    pub external: Option<External>,
    /// Whether the environment runs it (default `true`): `enabled = false` in an environment's overlay
    /// leaves it out there (MetalLB on a laptop cluster, not on EKS). A component declared in one
    /// environment's overlay alone (with its `kind`) exists in that environment only.
    pub enabled: Option<Spanned<bool>>,
    /// The addresses a `metallb` component hands out and announces (layer 2): ranges such as
    /// `192.168.1.240-192.168.1.250` or CIDRs such as `10.0.0.0/28`.
    pub addresses: Option<Vec<Spanned<String>>>,
    /// The NodePort of the component's Service (kinds whose chart takes one: `grafana`); checked against
    /// the range and every other NodePort of the environment.
    pub node_port: Option<Spanned<u16>>,
    /// The EKS cluster an `aws-load-balancer-controller` manages, and its IAM role (IRSA).
    pub aws: Option<Aws>,
}

/// What the AWS Load Balancer Controller's chart needs to know of its cluster.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    /// The EKS cluster's name (the chart refuses to render without it).
    pub cluster_name: Option<Spanned<String>>,
    /// The AWS region; read from the instance metadata when not given.
    pub region: Option<Spanned<String>>,
    /// The VPC's ID; read from the instance metadata when not given.
    pub vpc_id: Option<Spanned<String>>,
    /// The IAM role the controller's service account assumes (IRSA), with the controller's IAM policy.
    pub role_arn: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    Postgresql,
    Redis,
    Rabbitmq,
    Keycloak,
    Kong,
    Minio,
    Mongodb,
    Kafka,
    PrometheusStack,
    Loki,
    Linkerd,
    ExternalSecrets,
    SealedSecrets,
    SecretsStoreCsi,
    Reloader,
    Traefik,
    IngressNginx,
    Metallb,
    Grafana,
    AwsLoadBalancerController,
    Arangodb,
    Helm,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// The chart repository URL (typed kinds know it).
    pub repo: Option<Spanned<String>>,
    /// The chart's name in the repository (typed kinds know it).
    pub name: Option<Spanned<String>>,
    /// An exact chart version such as `15.5.20`; ranges are refused.
    pub version: Option<Spanned<String>>,
}

/// A key of a declared secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretKey {
    pub secret: Spanned<String>,
    pub key: Spanned<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct External {
    /// A DNS name (rendered as an ExternalName Service) or an IP address (a Service with its own endpoints).
    pub host: Option<Spanned<String>>,
    /// The one port clients connect to (default: the kind's port, else 80). Not with `ports`.
    pub port: Option<Spanned<u16>>,
    /// Several named ports, in order: `{ api = 9000, console = 9001 }`, a port given as
    /// `{ port = 9325, scheme = "https" }` to name its URL scheme. The main port (the one `port`, `url` of
    /// `${components.<name>.*}` mean) is the one on the kind's default port, else the first. Not with `port`.
    pub ports: Option<IndexMap<Spanned<String>, Spanned<ExternalPort>>>,
    /// The URL scheme of the main port (`https`, `amqps`), when the port or the kind does not tell it: a
    /// `helm` component has none.
    pub scheme: Option<Spanned<String>>,
}

/// One named port of an external component: a number, or `{ port = 9325, scheme = "https" }`.
#[derive(Debug, Clone)]
pub enum ExternalPort {
    Number(u16),
    Table { port: Spanned<u16>, scheme: Option<Spanned<String>> },
}

impl<'de> Deserialize<'de> for ExternalPort {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ExternalPort;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port number or `{ port = 9325, scheme = \"https\" }`")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<ExternalPort, E> {
                u16::try_from(value).map(ExternalPort::Number).map_err(|_| {
                    E::invalid_value(serde::de::Unexpected::Signed(value), &"a port number from 1 to 65535")
                })
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<ExternalPort, E> {
                u16::try_from(value).map(ExternalPort::Number).map_err(|_| {
                    E::invalid_value(serde::de::Unexpected::Unsigned(value), &"a port number from 1 to 65535")
                })
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ExternalPort, A::Error> {
                let table = ExternalPortTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(ExternalPort::Table { port: table.port, scheme: table.scheme })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ExternalPortTable {
    /// The port number.
    port: Spanned<u16>,
    /// Its URL scheme, such as `https`.
    scheme: Option<Spanned<String>>,
}

impl JsonSchema for ExternalPort {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExternalPort".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let table = generator.subschema_for::<ExternalPortTable>();
        schemars::json_schema!({
            "description": "A port number, or a table with the port and its URL scheme.",
            "anyOf": [
                { "type": "integer", "format": "uint16", "minimum": 0, "maximum": 65535 },
                table
            ]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GatewayKind {
    Kong,
    Traefik,
    Nginx,
    /// AWS Application Load Balancers, made by the AWS Load Balancer Controller from Ingresses.
    Alb,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub kind: Option<Spanned<GatewayKind>>,
    /// The component that runs the gateway (default: the one whose kind matches).
    pub component: Option<Spanned<String>>,
    /// The host routes answer on when they do not name one.
    pub host: Option<Spanned<String>>,
    /// NodePorts of the gateway's proxy, written into its chart values.
    pub node_ports: Option<NodePorts>,
    pub cors: Option<Cors>,
    /// Require a JWT on every route, verified by this claim (Kong).
    pub jwt: Option<Jwt>,
    /// Correlation IDs on every request (Kong; default on).
    pub correlation_id: Option<bool>,
    /// The default rate limit of a route.
    pub rate_limit: Option<RateLimit>,
    /// How the ALB gateway's load balancer is made (`kind = "alb"` only).
    pub alb: Option<Alb>,
    /// TLS per host, by host name: a certificate from cert-manager or an existing Secret, and whether plain
    /// HTTP is redirected to HTTPS (not `kind = "alb"`, whose certificates are ACM's: `alb.certificate_arn`).
    pub tls: Option<BTreeMap<Spanned<String>, Tls>>,
}

/// The ALB that serves the routes: one per group, shared by every routed service's Ingress.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alb {
    /// `internet-facing` (the default here) or `internal`.
    pub scheme: Option<Spanned<AlbScheme>>,
    /// The IngressGroup, whose Ingresses share one ALB (default `<platform>-<environment>`).
    pub group: Option<Spanned<String>>,
    /// ACM certificates for HTTPS on 443 (HTTP then redirects to HTTPS).
    pub certificate_arn: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AlbScheme {
    InternetFacing,
    Internal,
}

/// TLS on one host: exactly one of `cluster_issuer`, `issuer` (cert-manager issues the certificate) or
/// `secret` (a declared Secret of type `kubernetes.io/tls` holds it).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// A cert-manager ClusterIssuer (a prerequisite).
    pub cluster_issuer: Option<Spanned<String>>,
    /// A cert-manager Issuer in the namespace of each routed service (a prerequisite).
    pub issuer: Option<Spanned<String>>,
    /// A declared secret holding `tls.crt` and `tls.key`.
    pub secret: Option<Spanned<String>>,
    /// Redirect plain HTTP to HTTPS on this host (default true).
    pub redirect: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodePorts {
    pub http: Option<Spanned<u16>>,
    pub https: Option<Spanned<u16>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    pub origins: Option<Vec<String>>,
    pub methods: Option<Vec<String>>,
    pub headers: Option<Vec<String>>,
    pub exposed_headers: Option<Vec<String>>,
    pub credentials: Option<bool>,
    pub max_age: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Jwt {
    pub key_claim: Option<String>,
    /// Who may call: each a KongConsumer with the JWT credential in a declared secret (keys `key`,
    /// `algorithm` and `rsa_public_key`, and `secret` for HMAC). Kong refuses every token without one.
    pub consumers: Option<Vec<JwtConsumer>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwtConsumer {
    /// The KongConsumer's name and username, a DNS-1123 label.
    pub name: Spanned<String>,
    /// The declared secret that holds the credential; Slipway labels it `konghq.com/credential: jwt`.
    pub secret: Spanned<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_minute: Option<Spanned<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    Keycloak,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub kind: Option<Spanned<IdentityKind>>,
    /// The component that runs the identity provider (default: the one whose kind matches).
    pub component: Option<Spanned<String>>,
    pub realm: Option<Spanned<String>>,
    /// Realm roles.
    pub roles: Option<Vec<String>>,
    pub clients: Option<IndexMap<Spanned<String>, Client>>,
    /// Further realm settings, written into the realm import as they are.
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// A public client (a browser app) has no secret; a confidential one does.
    pub public: Option<bool>,
    pub redirect_uris: Option<Vec<Spanned<String>>>,
    pub web_origins: Option<Vec<Spanned<String>>>,
    pub standard_flow: Option<bool>,
    pub direct_access_grants: Option<bool>,
    pub service_accounts: Option<bool>,
    pub attributes: Option<BTreeMap<String, Spanned<String>>>,
    /// Claims copied from user attributes into tokens.
    pub mappers: Option<Vec<Mapper>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mapper {
    pub name: String,
    /// The token claim.
    pub claim: String,
    /// The user attribute it comes from.
    pub attribute: String,
}

/// A service a team builds. Every field is optional here; after merging, `image` is required.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// The group of `[defaults.groups]` whose settings the service inherits, after `[defaults.service]` and
    /// before its own (a service's or its environment overlay's key only).
    pub group: Option<Spanned<String>>,
    /// Inherited settings this table drops before its own apply: a key (`"uses"`) or one entry of `env`,
    /// `config`, `pod_annotations`, `pod_labels` or `node_selector` (`"env.DB_PASSWORD"`). Naming what
    /// is not inherited is an error.
    pub unset: Option<Vec<Spanned<Unset>>>,
    /// The container image with a tag, such as `ghcr.io/flowmind/account-service:1.4.2`.
    pub image: Option<Spanned<String>>,
    /// A preset of port, probes and resources: `node`, `java`, `python` or `go`.
    pub runtime: Option<Spanned<Runtime>>,
    pub namespace: Option<Spanned<String>>,
    /// Replicas when not autoscaled (default 1).
    pub replicas: Option<Spanned<u32>>,
    /// Services this one depends on; they must exist and must not depend back on it.
    pub uses: Option<Vec<Spanned<String>>>,
    /// Paths the gateway routes to this service: `"/api/v1/accounts"` or `{ path, host }`.
    pub routes: Option<Vec<Spanned<Route>>>,
    /// Requests per minute the gateway lets through to this service (default: the gateway's).
    pub rate_limit: Option<RateLimit>,
    /// Restart pods when a secret they use changes (the Reloader annotation).
    pub reload_on_secret_change: Option<bool>,
    /// Prometheus metrics to scrape, rendered as a ServiceMonitor.
    pub metrics: Option<Metrics>,
    pub ports: Option<Vec<Port>>,
    pub command: Option<Vec<Spanned<String>>>,
    pub args: Option<Vec<Spanned<String>>>,
    /// Environment variables in order: a literal, `{ secret, key }`, or a string with `${...}` references.
    pub env: Option<IndexMap<Spanned<String>, Spanned<EnvValue>>>,
    /// Whole secrets or config maps exposed as environment variables.
    pub env_from: Option<Vec<Spanned<EnvFrom>>>,
    /// Plain configuration, rendered as a ConfigMap exposed as environment variables.
    pub config: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub resources: Option<Resources>,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub autoscale: Option<Autoscale>,
    pub security: Option<Security>,
    pub service_account: Option<ServiceAccount>,
    pub pod_annotations: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub pod_labels: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub node_selector: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub tolerations: Option<Vec<Spanned<Toleration>>>,
    /// Traffic to outside the cluster that the network policies allow (third-party APIs such as Stripe):
    /// each an address block and the ports on it. Everything else outside stays refused.
    pub egress: Option<Vec<Egress>>,
    /// Declared secrets of type `kubernetes.io/dockerconfigjson` used to pull the image.
    pub image_pull_secrets: Option<Vec<Spanned<String>>>,
}

/// What `unset` accepts: every key of `ServiceSpec` but `group` and `unset`, then `<table>.<entry>` for
/// each table one entry of which may be dropped.
const UNSET_PATTERNS: &[&str] = &[
    "image",
    "runtime",
    "namespace",
    "replicas",
    "uses",
    "routes",
    "rate_limit",
    "reload_on_secret_change",
    "metrics",
    "ports",
    "command",
    "args",
    "env",
    "env_from",
    "config",
    "resources",
    "liveness",
    "readiness",
    "startup",
    "autoscale",
    "security",
    "service_account",
    "pod_annotations",
    "pod_labels",
    "node_selector",
    "tolerations",
    "egress",
    "image_pull_secrets",
    "env.<NAME>",
    "config.<KEY>",
    "pod_annotations.<KEY>",
    "pod_labels.<KEY>",
    "node_selector.<KEY>",
];

/// The keys of a service that `unset` may name.
pub const SERVICE_KEYS: &[&str] = UNSET_PATTERNS.split_at(UNSET_PATTERNS.len() - UNSET_TABLES.len()).0;

/// The tables of a service one entry of which `unset` may name (`"env.DB_PASSWORD"`).
pub const UNSET_TABLES: &[&str] = &["env", "config", "pod_annotations", "pod_labels", "node_selector"];

/// An inherited setting to drop: a whole key of the service, or one entry of one of its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unset {
    /// One of `SERVICE_KEYS`.
    pub key: &'static str,
    /// The entry of the table `key` (one of `UNSET_TABLES`), when only one entry is dropped.
    pub entry: Option<String>,
}

impl fmt::Display for Unset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "{}.{entry}", self.key),
            None => f.write_str(self.key),
        }
    }
}

impl<'de> Deserialize<'de> for Unset {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let (key, entry) = match text.split_once('.') {
            Some((table, entry)) if !entry.is_empty() => match UNSET_TABLES.iter().find(|it| **it == table) {
                Some(key) => (*key, Some(entry.to_owned())),
                None => return Err(serde::de::Error::unknown_variant(&text, UNSET_PATTERNS)),
            },
            _ => match SERVICE_KEYS.iter().find(|it| **it == text) {
                Some(key) => (*key, None),
                None => return Err(serde::de::Error::unknown_variant(&text, UNSET_PATTERNS)),
            },
        };
        Ok(Unset { key, entry })
    }
}

impl JsonSchema for Unset {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Unset".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let pattern = format!("^(({})|(({})\\..+))$", SERVICE_KEYS.join("|"), UNSET_TABLES.join("|"));
        schemars::json_schema!({
            "description": "An inherited key of the service (`uses`), or one entry of its `env`, `config`, `pod_annotations`, `pod_labels` or `node_selector` (`env.DB_PASSWORD`).",
            "type": "string",
            "pattern": pattern
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Development,
    Staging,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    Node,
    Java,
    Python,
    Go,
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Runtime::Node => "node",
            Runtime::Java => "java",
            Runtime::Python => "python",
            Runtime::Go => "go",
        })
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Port {
    /// An IANA service name: lowercase letters, digits and `-`, at most 15 characters.
    pub name: Spanned<String>,
    /// The container port.
    pub port: Spanned<u16>,
    /// The port the Kubernetes Service exposes (default: the container port).
    pub service_port: Option<Spanned<u16>>,
    #[serde(default)]
    pub protocol: Protocol,
    /// Expose the port on every node (Service type NodePort), in 30000-32767.
    pub node_port: Option<Spanned<u16>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// A declared port by name (default: the first port).
    pub port: Option<Spanned<String>>,
    /// Default `/metrics`.
    pub path: Option<String>,
    pub interval: Option<Spanned<Duration>>,
}

/// A gateway route: a path, optionally on one host, with how the gateway forwards it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub path: Spanned<String>,
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<String>>,
    pub strip_prefix: Option<Spanned<bool>>,
    pub protocol: Option<Spanned<RouteProtocol>>,
    pub timeout: Option<Spanned<Duration>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RouteTable {
    /// The path prefix, starting with `/`.
    path: Spanned<String>,
    /// The host name; any host when absent.
    host: Option<Spanned<String>>,
    /// The service's port the gateway sends to, by name (default: the first port).
    port: Option<Spanned<String>>,
    /// Remove the path prefix before forwarding: `/api/orders/1` reaches the service as `/orders/1`
    /// for the route `/api` (default false).
    strip_prefix: Option<Spanned<bool>>,
    /// How the gateway speaks to the service: `http` (default), `grpc` (HTTP/2 in cleartext) or `websocket`.
    protocol: Option<Spanned<RouteProtocol>>,
    /// The longest the gateway waits between two reads from the service, such as `"3600s"` for a
    /// WebSocket (default: the gateway's own, 60 seconds for Kong and nginx).
    timeout: Option<Spanned<Duration>>,
}

/// The protocol between the gateway and a routed service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteProtocol {
    #[default]
    Http,
    Grpc,
    Websocket,
}

impl fmt::Display for RouteProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteProtocol::Http => "http",
            RouteProtocol::Grpc => "grpc",
            RouteProtocol::Websocket => "websocket",
        })
    }
}

impl<'de> Deserialize<'de> for Route {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Route;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a path such as \"/api/v1/orders\" or `{ path = \"...\", host = \"...\" }`")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Route, E> {
                // A bare string has no span of its own here; `resolve` gives it the span of the whole value.
                Ok(Route {
                    path: Spanned::new(value.to_owned(), crate::source::Span::default()),
                    host: None,
                    port: None,
                    strip_prefix: None,
                    protocol: None,
                    timeout: None,
                })
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Route, A::Error> {
                let table = RouteTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Route {
                    path: table.path,
                    host: table.host,
                    port: table.port,
                    strip_prefix: table.strip_prefix,
                    protocol: table.protocol,
                    timeout: table.timeout,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for Route {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Route".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let table = generator.subschema_for::<RouteTable>();
        schemars::json_schema!({
            "description": "A path the gateway routes to the service, or a path on one host.",
            "anyOf": [{ "type": "string" }, table]
        })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Protocol {
    #[default]
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// The value of one environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A literal; `${...}` references in it are expanded by `resolve`. Numbers and booleans become strings.
    Literal(String),
    /// A key of a declared secret.
    Secret { secret: Spanned<String>, key: Spanned<String> },
}

impl<'de> Deserialize<'de> for EnvValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = EnvValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number, a boolean or `{ secret = \"...\", key = \"...\" }`")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(value.to_owned()))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(value.to_string()))
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(value.to_string()))
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<EnvValue, E> {
                Ok(EnvValue::Literal(value.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<EnvValue, A::Error> {
                let reference = SecretKeyRef::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(EnvValue::Secret { secret: reference.secret, key: reference.key })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SecretKeyRef {
    /// A secret declared in `[secrets]`.
    secret: Spanned<String>,
    /// One of that secret's `keys`.
    key: Spanned<String>,
}

impl JsonSchema for EnvValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EnvValue".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let reference = generator.subschema_for::<SecretKeyRef>();
        schemars::json_schema!({
            "description": "A literal (strings may hold `${...}` references) or a secret key reference.",
            "anyOf": [
                { "type": "string" },
                { "type": "number" },
                { "type": "boolean" },
                reference
            ]
        })
    }
}

/// A whole secret or config map exposed as environment variables.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum EnvFrom {
    /// A secret declared in `[secrets]`.
    Secret(Spanned<String>),
    /// A ConfigMap created outside Slipway.
    ConfigMap(Spanned<String>),
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    pub requests: Option<Amounts>,
    pub limits: Option<Amounts>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amounts {
    pub memory: Option<Spanned<Memory>>,
    pub cpu: Option<Spanned<Cpu>>,
}

/// A health probe: `path` for HTTP, `tcp = true` for a TCP connect, or `exec` for a command.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// `false` removes the probe, including one a runtime preset would add.
    pub enabled: Option<bool>,
    /// HTTP GET path.
    pub path: Option<Spanned<String>>,
    /// A declared port, by name or number (default: the first port).
    pub port: Option<Spanned<PortRef>>,
    /// Probe by opening a TCP connection to `port`.
    pub tcp: Option<bool>,
    /// Probe by running a command in the container.
    pub exec: Option<Vec<String>>,
    pub initial_delay: Option<Spanned<Duration>>,
    pub period: Option<Spanned<Duration>>,
    pub timeout: Option<Spanned<Duration>>,
    pub failure_threshold: Option<Spanned<u32>>,
    pub success_threshold: Option<Spanned<u32>>,
}

/// A port by its name (`"http"`) or number (`8080`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortRef {
    Name(String),
    Number(u16),
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Name(name) => f.write_str(name),
            PortRef::Number(number) => write!(f, "{number}"),
        }
    }
}

impl<'de> Deserialize<'de> for PortRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PortRef;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port name or a number from 1 to 65535")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<PortRef, E> {
                Ok(PortRef::Name(value.to_owned()))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<PortRef, E> {
                match u16::try_from(value) {
                    Ok(number) if number > 0 => Ok(PortRef::Number(number)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Signed(value), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for PortRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PortRef".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A declared port, by name or number.",
            "anyOf": [
                { "type": "string" },
                { "type": "integer", "minimum": 1, "maximum": 65535 }
            ]
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    pub min: Option<Spanned<u32>>,
    pub max: Option<Spanned<u32>>,
    /// Target average CPU utilisation, in percent of requests.
    pub cpu: Option<Spanned<u32>>,
    /// Target average memory utilisation, in percent of requests.
    pub memory: Option<Spanned<u32>>,
}

/// The container's security settings. Slipway meets Pod Security "restricted" unless told otherwise.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    pub run_as_non_root: Option<Spanned<bool>>,
    pub run_as_user: Option<Spanned<i64>>,
    pub run_as_group: Option<Spanned<i64>>,
    pub fs_group: Option<Spanned<i64>>,
    /// Default `true`; `/tmp` is an emptyDir either way.
    pub read_only_root_filesystem: Option<bool>,
    /// Run the container privileged (default `false`); needs `exception`.
    pub privileged: Option<Spanned<bool>>,
    /// Why this service may run as root or privileged; without it, either is an error.
    pub exception: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    /// Create a ServiceAccount named after the service (default `true`); otherwise `default` is used.
    pub create: Option<bool>,
    /// For example `eks.amazonaws.com/role-arn` for an IAM role.
    pub annotations: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Mount the API token into pods (default `false`).
    pub automount_token: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Egress {
    /// An address block in CIDR form, `0.0.0.0/0` for anywhere (NetworkPolicies cannot name DNS names).
    pub cidr: Spanned<String>,
    /// The TCP ports allowed on it.
    pub ports: Vec<Spanned<u16>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    pub key: Option<Spanned<String>>,
    /// `Exists` or `Equal`.
    pub operator: Option<Spanned<String>>,
    pub value: Option<Spanned<String>>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: Option<Spanned<String>>,
    pub toleration_seconds: Option<Spanned<i64>>,
}
