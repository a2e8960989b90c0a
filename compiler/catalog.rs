//! The component catalog: takes a component kind, gives what Slipway knows about its upstream Helm
//! chart: where it lives, the port clients use, the Service name it creates, and the paths in its values
//! where resources, persistence, credentials, databases and NodePorts go.
//!
//! Slipway sets `fullnameOverride` to the component's name, so Service names are the name plus the chart's
//! fixed suffix (`redis-master`, `kong-proxy`), whatever each chart's own naming rules would make of it.

use crate::model::ComponentKind;

/// What a component is for; it orders the sync waves (data, then gateway and identity) and namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Data,
    Operator,
    Gateway,
    Identity,
}

/// A path of keys into chart values.
pub type ValuesPath = &'static [&'static str];

#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    pub chart_repo: &'static str,
    pub chart_name: &'static str,
    pub role: Role,
    /// The port clients connect to, and the URL scheme, when clients connect at all.
    pub port: Option<u16>,
    /// The port the pods listen on behind it, when the chart maps one to another (network policies
    /// select pod ports).
    pub pod_port: Option<u16>,
    pub scheme: Option<&'static str>,
    /// Appended to the release name to give the client-facing Service's name.
    pub service_suffix: &'static str,
    /// Where the pod resources go; several paths when the chart runs several controllers alike.
    pub resources: &'static [ValuesPath],
    /// Where the volume size goes; `enabled: true` is set beside it.
    pub storage: Option<ValuesPath>,
    /// Where the name of the credentials secret goes, and where the key inside it goes.
    pub credentials: Option<(ValuesPath, Option<ValuesPath>)>,
    /// Whether the kind creates databases, and how: see `render::components`.
    pub databases: bool,
    /// Where the proxy's NodePorts go: (service type path, http path, https path).
    pub node_ports: Option<(ValuesPath, ValuesPath, ValuesPath)>,
    /// Runs one pod per node (a DaemonSet) rather than `replicas` pods.
    pub per_node: bool,
    /// The Pod Security level its namespace needs.
    pub pod_security: &'static str,
}

const BITNAMI: &str = "https://charts.bitnami.com/bitnami";

const fn info(chart_repo: &'static str, chart_name: &'static str, role: Role) -> KindInfo {
    KindInfo {
        chart_repo,
        chart_name,
        role,
        port: None,
        pod_port: None,
        scheme: None,
        service_suffix: "",
        resources: &[&["resources"]],
        storage: None,
        credentials: None,
        databases: false,
        node_ports: None,
        per_node: false,
        pod_security: "baseline",
    }
}

pub fn kind_info(kind: ComponentKind) -> KindInfo {
    match kind {
        ComponentKind::Postgresql => KindInfo {
            port: Some(5432),
            scheme: Some("postgresql"),
            resources: &[&["primary", "resources"]],
            storage: Some(&["primary", "persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "secretKeys", "adminPasswordKey"]))),
            databases: true,
            ..info(BITNAMI, "postgresql", Role::Data)
        },
        ComponentKind::Redis => KindInfo {
            port: Some(6379),
            scheme: Some("redis"),
            service_suffix: "-master",
            resources: &[&["master", "resources"]],
            storage: Some(&["master", "persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "existingSecretPasswordKey"]))),
            ..info(BITNAMI, "redis", Role::Data)
        },
        ComponentKind::Rabbitmq => KindInfo {
            port: Some(5672),
            scheme: Some("amqp"),
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingPasswordSecret"], Some(&["auth", "existingSecretPasswordKey"]))),
            ..info(BITNAMI, "rabbitmq", Role::Data)
        },
        ComponentKind::Keycloak => KindInfo {
            port: Some(80),
            pod_port: Some(8080),
            scheme: Some("http"),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "passwordSecretKey"]))),
            ..info(BITNAMI, "keycloak", Role::Identity)
        },
        ComponentKind::Kong => KindInfo {
            port: Some(80),
            pod_port: Some(8000),
            scheme: Some("http"),
            service_suffix: "-proxy",
            node_ports: Some((&["proxy", "type"], &["proxy", "http", "nodePort"], &["proxy", "tls", "nodePort"])),
            ..info("https://charts.konghq.com", "kong", Role::Gateway)
        },
        ComponentKind::Minio => KindInfo {
            port: Some(9000),
            scheme: Some("http"),
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], None)),
            ..info(BITNAMI, "minio", Role::Data)
        },
        ComponentKind::Mongodb => KindInfo {
            port: Some(27017),
            scheme: Some("mongodb"),
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], None)),
            databases: true,
            ..info(BITNAMI, "mongodb", Role::Data)
        },
        ComponentKind::Kafka => KindInfo {
            port: Some(9092),
            resources: &[&["controller", "resources"]],
            storage: Some(&["controller", "persistence", "size"]),
            ..info(BITNAMI, "kafka", Role::Data)
        },
        ComponentKind::PrometheusStack => KindInfo {
            resources: &[&["prometheus", "prometheusSpec", "resources"]],
            storage: Some(&[
                "prometheus",
                "prometheusSpec",
                "storageSpec",
                "volumeClaimTemplate",
                "spec",
                "resources",
                "requests",
                "storage",
            ]),
            pod_security: "privileged",
            ..info("https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack", Role::Operator)
        },
        ComponentKind::Loki => KindInfo {
            port: Some(3100),
            scheme: Some("http"),
            resources: &[&["singleBinary", "resources"]],
            storage: Some(&["singleBinary", "persistence", "size"]),
            ..info("https://grafana.github.io/helm-charts", "loki", Role::Data)
        },
        ComponentKind::Linkerd => KindInfo {
            resources: &[&["destinationResources"], &["identityResources"], &["proxyInjectorResources"]],
            pod_security: "privileged",
            ..info("https://helm.linkerd.io/stable", "linkerd-control-plane", Role::Operator)
        },
        ComponentKind::ExternalSecrets => KindInfo {
            resources: &[&["resources"], &["webhook", "resources"], &["certController", "resources"]],
            ..info("https://charts.external-secrets.io", "external-secrets", Role::Operator)
        },
        ComponentKind::SealedSecrets => {
            info("https://bitnami-labs.github.io/sealed-secrets", "sealed-secrets", Role::Operator)
        }
        ComponentKind::SecretsStoreCsi => KindInfo {
            resources: &[&["linux", "driver", "resources"]],
            per_node: true,
            pod_security: "privileged",
            ..info(
                "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
                "secrets-store-csi-driver",
                Role::Operator,
            )
        },
        ComponentKind::Reloader => KindInfo {
            resources: &[&["reloader", "deployment", "resources"]],
            ..info("https://stakater.github.io/stakater-charts", "reloader", Role::Operator)
        },
        ComponentKind::Traefik => KindInfo {
            port: Some(80),
            pod_port: Some(8000),
            scheme: Some("http"),
            node_ports: Some((
                &["service", "type"],
                &["ports", "web", "nodePort"],
                &["ports", "websecure", "nodePort"],
            )),
            ..info("https://traefik.github.io/charts", "traefik", Role::Gateway)
        },
        ComponentKind::IngressNginx => KindInfo {
            port: Some(80),
            scheme: Some("http"),
            service_suffix: "-controller",
            resources: &[&["controller", "resources"]],
            node_ports: Some((
                &["controller", "service", "type"],
                &["controller", "service", "nodePorts", "http"],
                &["controller", "service", "nodePorts", "https"],
            )),
            ..info("https://kubernetes.github.io/ingress-nginx", "ingress-nginx", Role::Gateway)
        },
        ComponentKind::Metallb => KindInfo {
            resources: &[&["controller", "resources"]],
            pod_security: "privileged",
            ..info("https://metallb.github.io/metallb", "metallb", Role::Operator)
        },
        ComponentKind::Helm => KindInfo { resources: &[], ..info("", "", Role::Operator) },
    }
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Postgresql => "postgresql",
            ComponentKind::Redis => "redis",
            ComponentKind::Rabbitmq => "rabbitmq",
            ComponentKind::Keycloak => "keycloak",
            ComponentKind::Kong => "kong",
            ComponentKind::Minio => "minio",
            ComponentKind::Mongodb => "mongodb",
            ComponentKind::Kafka => "kafka",
            ComponentKind::PrometheusStack => "prometheus-stack",
            ComponentKind::Loki => "loki",
            ComponentKind::Linkerd => "linkerd",
            ComponentKind::ExternalSecrets => "external-secrets",
            ComponentKind::SealedSecrets => "sealed-secrets",
            ComponentKind::SecretsStoreCsi => "secrets-store-csi",
            ComponentKind::Reloader => "reloader",
            ComponentKind::Traefik => "traefik",
            ComponentKind::IngressNginx => "ingress-nginx",
            ComponentKind::Metallb => "metallb",
            ComponentKind::Helm => "helm",
        }
    }

    pub const ALL: [ComponentKind; 19] = [
        ComponentKind::Postgresql,
        ComponentKind::Redis,
        ComponentKind::Rabbitmq,
        ComponentKind::Keycloak,
        ComponentKind::Kong,
        ComponentKind::Minio,
        ComponentKind::Mongodb,
        ComponentKind::Kafka,
        ComponentKind::PrometheusStack,
        ComponentKind::Loki,
        ComponentKind::Linkerd,
        ComponentKind::ExternalSecrets,
        ComponentKind::SealedSecrets,
        ComponentKind::SecretsStoreCsi,
        ComponentKind::Reloader,
        ComponentKind::Traefik,
        ComponentKind::IngressNginx,
        ComponentKind::Metallb,
        ComponentKind::Helm,
    ];
}
