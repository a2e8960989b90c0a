//! Resolved types: one fully merged environment, with every default and preset applied and every
//! `${...}` expanded. `validate` checks these and `render` turns them into objects; neither sees the model.
//!
//! Spans stay on the values checks point at; values that came from a preset carry the span of `runtime`.

use std::collections::BTreeMap;

pub use crate::model::{EnvFrom, PortRef, Protocol, Runtime, Tier, Toleration};
use crate::quantity::{Cpu, Memory};
use crate::source::{Span, Spanned};

/// One environment, ready to check and render.
#[derive(Debug, Clone)]
pub struct Env {
    pub name: Spanned<String>,
    pub tier: Tier,
    pub platform: PlatformInfo,
    pub cluster: Cluster,
    pub argocd: ArgoCd,
    pub services: BTreeMap<String, Service>,
    pub secrets: BTreeMap<String, Secret>,
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
    /// Most the sum of limits may exceed allocatable capacity by.
    pub overcommit: f64,
    pub port_registry: bool,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub nodes: u32,
    pub memory: Memory,
    pub cpu: Cpu,
    pub reserved: Amounts,
    pub max_pods: u32,
    pub server: String,
    /// Where the capacity was written: the environment's `cluster` if it has one, else `[cluster]`.
    pub span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct ArgoCd {
    pub namespace: String,
    pub resources: Resources,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub name: Spanned<String>,
    pub keys: Vec<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: Spanned<String>,
    pub namespace: Spanned<String>,
    pub image: Spanned<String>,
    pub runtime: Option<Runtime>,
    /// Replicas when not autoscaled.
    pub replicas: Spanned<u32>,
    pub uses: Vec<Spanned<String>>,
    pub routes: Vec<Route>,
    pub ports: Vec<Port>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    /// In the user's order.
    pub env: Vec<EnvVar>,
    pub env_from: Vec<Spanned<EnvFrom>>,
    pub config: BTreeMap<String, Spanned<String>>,
    pub resources: Resources,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub autoscale: Option<Autoscale>,
    pub security: Security,
    pub service_account: ServiceAccount,
    pub pod_annotations: BTreeMap<String, String>,
    pub pod_labels: BTreeMap<String, String>,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    pub image_pull_secrets: Vec<Spanned<String>>,
}

impl Service {
    /// The most pods this service can run: the autoscaler's maximum, else its replicas.
    pub fn max_replicas(&self) -> u32 {
        self.autoscale.as_ref().map_or(self.replicas.value, |autoscale| autoscale.max)
    }

    /// The image tag, if the reference has one (`repo:tag`, not a registry port or a digest).
    pub fn image_tag(&self) -> Option<&str> {
        let reference = self.image.split('@').next().unwrap_or_default();
        let last_segment = reference.rsplit('/').next().unwrap_or(reference);
        last_segment.rsplit_once(':').map(|(_, tag)| tag)
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
    pub service_port: u16,
    pub protocol: Protocol,
    pub node_port: Option<Spanned<u16>>,
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
    pub min: u32,
    pub max: u32,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Security {
    pub run_as_non_root: Spanned<bool>,
    pub run_as_user: Option<Spanned<i64>>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    pub read_only_root_filesystem: bool,
    pub privileged: Spanned<bool>,
    /// Why the service may run as root or privileged.
    pub exception: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct ServiceAccount {
    pub create: bool,
    pub annotations: BTreeMap<String, String>,
    pub automount_token: bool,
}
