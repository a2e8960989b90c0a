//! The component catalog: takes a component kind, gives its contract with the pinned upstream chart: where
//! the chart lives, the chart versions whose contract has been read at their tag, the port clients use,
//! the Service it creates, the values paths (and their shapes) where resources, replicas, persistence,
//! credentials, databases and NodePorts go, the labels its pods really carry, the images it pulls, the
//! pods it runs besides the main one, the values it would otherwise generate on every render, the values
//! that must be pinned for it to run, and what the cluster needs before it.
//!
//! Every fact here was read in the upstream chart at the versions in `versions`; `catalog/charts/` keeps
//! what was extracted (with project, tag, commit and path), and `tests/contracts.rs` checks this file
//! against it, so a fact that drifts from the chart fails `cargo test`.
//!
//! Slipway sets `fullnameOverride` and the Helm release name to the component's name, so Service names are
//! the name plus the chart's fixed suffix (`redis-master`, `kong-proxy`).

use serde_json::{Value, json};

use crate::model::ComponentKind;

/// What a component is for; it orders the sync waves (secret operators, then data, then gateway and
/// identity) and namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Delivers secrets (external-secrets, sealed-secrets, the CSI driver): synced before the secrets.
    SecretOperator,
    Data,
    Operator,
    Gateway,
    Identity,
}

/// A path of keys into chart values.
pub type ValuesPath = &'static [&'static str];

/// How a chart reads container resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcesShape {
    /// `{requests: {cpu, memory}, limits: {cpu, memory}}`, as in a pod spec.
    Kubernetes,
    /// Linkerd's partials: `{cpu: {request, limit}, memory: {request, limit}}`.
    Linkerd,
}

/// The value of a label the chart puts on its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelValue {
    /// The Helm release name (the component's name).
    Release,
    /// `<release>-<namespace>` (Traefik's instance label).
    ReleaseNamespace,
    /// The release's namespace (Linkerd's `linkerd.io/control-plane-ns`).
    Namespace,
    /// The release, or the release with one of these suffixes (pods that an operator names after it).
    ReleaseAnyOf(&'static [&'static str]),
    Fixed(&'static str),
}

/// A pod the chart runs besides the component's main pods, with the resources Slipway writes for it so
/// that the budget counts what runs.
#[derive(Debug, Clone, Copy)]
pub struct ExtraPod {
    pub name: &'static str,
    /// Where its resources go in the values; none when the chart's defaults are `requests` and `limits`.
    pub resources: ValuesPath,
    /// Pods of it: a fixed count, or one per node (a DaemonSet).
    pub count: Count,
    /// Memory and CPU requested; the limits are written as `limits`.
    pub requests: (&'static str, &'static str),
    pub limits: (&'static str, &'static str),
    /// Which pods the container runs in.
    pub runs: Runs,
}

/// Where an extra container runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// Pods of its own.
    OwnPods,
    /// Each of the component's main pods (a sidecar).
    InMainPods,
    /// The pods of the extra pod of this name (a sidecar of it).
    With(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Fixed(u32),
    PerNode,
    /// As many as the component's `replicas`.
    Replicas,
}

/// A value the chart generates at random on each render unless an existing Secret pins it: it must come
/// from a key of the component's credentials secret, or every sync changes it (OutOfSync, restarts).
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    /// For people: `the Erlang cookie`.
    pub what: &'static str,
    /// The key the credentials secret must declare.
    pub key: &'static str,
    /// Where the secret's name goes, and where the key goes (when the chart lets it be named).
    pub secret_path: ValuesPath,
    pub key_path: Option<ValuesPath>,
}

/// An image the chart pulls from Bitnami's registry, which now keeps versioned tags only under
/// `docker.io/bitnamilegacy`: Slipway points the chart there.
#[derive(Debug, Clone, Copy)]
pub struct BitnamiImage {
    /// The image's table in the values (`image`, `metrics.image`).
    pub path: ValuesPath,
    /// The repository's name, without `bitnami/`.
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // Facts of the chart, one for one.
pub struct KindInfo {
    pub chart_repo: &'static str,
    pub chart_name: &'static str,
    /// Chart versions whose contract was read at their tag (see `catalog/charts/`); others are refused.
    pub versions: &'static [&'static str],
    pub role: Role,
    /// The port clients connect to, and the URL scheme, when clients connect at all.
    pub port: Option<u16>,
    /// The port the pods listen on behind it, when the chart maps one to another (network policies
    /// select pod ports).
    pub pod_port: Option<u16>,
    pub scheme: Option<&'static str>,
    /// Appended to the release name to give the client-facing Service's name.
    pub service_suffix: &'static str,
    /// Where the main pods' resources go; several paths when the chart runs several controllers alike.
    pub resources: &'static [ValuesPath],
    pub resources_shape: ResourcesShape,
    /// Where the component's `replicas` go (none for a DaemonSet or a chart without the setting).
    pub replicas: &'static [ValuesPath],
    /// Where the volume size goes; `enabled: true` is set beside it.
    pub storage: Option<ValuesPath>,
    /// Where the name of the credentials secret goes, and where the key inside it goes.
    pub credentials: Option<(ValuesPath, Option<ValuesPath>)>,
    /// The key the chart reads the credentials from, when it cannot be told (`credentials` has no key path).
    pub credentials_key: Option<&'static str>,
    /// Values the chart would generate on each render besides the credentials; each needs a key in the
    /// credentials secret.
    pub generated: &'static [Generated],
    /// Whether the kind creates databases, and how: see `render::components`.
    pub databases: bool,
    /// Where the proxy's NodePorts go: (service type path, http path, https path).
    pub node_ports: Option<(ValuesPath, ValuesPath, ValuesPath)>,
    /// The chart documents its NodePorts as strings (`""` in values.yaml).
    pub node_ports_as_strings: bool,
    /// Where a component's own `node_port` goes: (service type path, nodePort path).
    pub service_node_port: Option<(ValuesPath, ValuesPath)>,
    /// Runs one pod per node (a DaemonSet) rather than `replicas` pods.
    pub per_node: bool,
    /// Labels every pod of the chart carries (with the release named after the component), which network
    /// policies select.
    pub pod_labels: &'static [(&'static str, LabelValue)],
    /// Pods and sidecars besides the main pods.
    pub extra_pods: &'static [ExtraPod],
    /// Bitnami images the chart pulls by default.
    pub bitnami_images: &'static [BitnamiImage],
    /// Its CRDs are too large for client-side apply's last-applied annotation.
    pub server_side_apply: bool,
    /// Namespaces besides its own that the chart writes objects into (its AppProject must allow them).
    pub extra_namespaces: &'static [&'static str],
    /// Fields its controllers or hook Jobs write after the sync (webhook and conversion CA bundles): ArgoCD
    /// must ignore them, or the Application is never in sync and self-heal fights the controller.
    pub ignore_differences: &'static [IgnoreDifference],
    /// The Pod Security level its namespace needs.
    pub pod_security: &'static str,
    /// The chart installs what a cluster holds once: CRDs, cluster roles, an IngressClass, webhooks, a
    /// controller that watches every namespace, or a DaemonSet on every node. On a cluster shared by
    /// several environments (`[clusters]`) it is rendered once, into `out/clusters/<name>/`, not once per
    /// environment; the environments on the cluster must declare it alike.
    pub cluster_wide: bool,
}

/// Bitnami's charts, as its documentation gives them: an OCI registry, which ArgoCD reads as a Helm
/// repository without the `oci://` scheme (and with OCI enabled on the repository).
pub const BITNAMI: &str = "registry-1.docker.io/bitnamicharts";
/// Where Bitnami keeps the versioned images the pinned charts name.
pub const BITNAMI_LEGACY: &str = "bitnamilegacy";

const fn info(chart_repo: &'static str, chart_name: &'static str, role: Role) -> KindInfo {
    KindInfo {
        chart_repo,
        chart_name,
        versions: &[],
        role,
        port: None,
        pod_port: None,
        scheme: None,
        service_suffix: "",
        resources: &[&["resources"]],
        resources_shape: ResourcesShape::Kubernetes,
        replicas: &[&["replicaCount"]],
        storage: None,
        credentials: None,
        credentials_key: None,
        generated: &[],
        databases: false,
        node_ports: None,
        node_ports_as_strings: false,
        service_node_port: None,
        per_node: false,
        pod_labels: &[("app.kubernetes.io/instance", LabelValue::Release)],
        extra_pods: &[],
        bitnami_images: &[],
        server_side_apply: false,
        extra_namespaces: &[],
        ignore_differences: &[],
        pod_security: "baseline",
        cluster_wide: false,
    }
}

/// A field ArgoCD ignores on every object of a kind: (API group, kind, jq path expressions).
#[derive(Debug, Clone, Copy)]
pub struct IgnoreDifference {
    pub group: &'static str,
    pub kind: &'static str,
    pub jq_path_expressions: &'static [&'static str],
}

/// The CA bundles that controllers inject into their webhook configurations and CRD conversion webhooks.
const INJECTED_CA_BUNDLES: &[IgnoreDifference] = &[
    IgnoreDifference {
        group: "admissionregistration.k8s.io",
        kind: "ValidatingWebhookConfiguration",
        jq_path_expressions: &[".webhooks[]?.clientConfig.caBundle"],
    },
    IgnoreDifference {
        group: "admissionregistration.k8s.io",
        kind: "MutatingWebhookConfiguration",
        jq_path_expressions: &[".webhooks[]?.clientConfig.caBundle"],
    },
    IgnoreDifference {
        group: "apiextensions.k8s.io",
        kind: "CustomResourceDefinition",
        jq_path_expressions: &[".spec.conversion.webhook.clientConfig.caBundle"],
    },
];

/// The labels kube-arangodb puts on an ArangoDeployment's pods (`LabelKeyArangoDeployment`, `LabelKeyApp`
/// and `AppName` in pkg/util/k8sutil/util.go at 1.4.4).
const ARANGODB_LABELS: &[(&str, LabelValue)] =
    &[("arango_deployment", LabelValue::Release), ("app", LabelValue::Fixed("arangodb"))];

/// The labels of the kube-arangodb operator's own pod (the chart's templates/deployment.yaml at 1.4.4).
pub const ARANGODB_OPERATOR_LABELS: &[(&str, LabelValue)] = &[
    ("app.kubernetes.io/name", LabelValue::Fixed("kube-arangodb")),
    ("app.kubernetes.io/instance", LabelValue::Release),
];

/// Bitnami's common labels (`common.labels.matchLabels`).
const BITNAMI_LABELS: &[(&str, LabelValue)] = &[("app.kubernetes.io/instance", LabelValue::Release)];

impl KindInfo {
    /// Whether the chart runs as many main pods as the component's `replicas`: it has a place for them
    /// in its values, or (Redis) Slipway turns them into its architecture (see `pinned_values`). `helm`
    /// charts are the user's: their `replicas` are taken as said.
    pub fn takes_replicas(&self, kind: ComponentKind) -> bool {
        !self.per_node && (!self.replicas.is_empty() || matches!(kind, ComponentKind::Redis | ComponentKind::Helm))
    }
}

/// The keys the chart reads from a component's credentials secret besides the credentials themselves,
/// and what each holds: the values it would otherwise generate, and MongoDB's users' passwords when it
/// creates databases.
pub fn credential_keys(component: &crate::resolved::Component) -> Vec<(&'static str, String)> {
    let info = kind_info(component.kind.value);
    let mut keys: Vec<(&'static str, String)> =
        info.generated.iter().map(|it| (it.key, format!("{} (`{}`)", it.what, it.key))).collect();
    if component.kind.value == ComponentKind::Mongodb && !component.databases.is_empty() {
        keys.push(("mongodb-passwords", "the passwords of the databases' users (`mongodb-passwords`)".to_owned()));
    }
    keys
}

/// Keys of the credentials secret that the chart or its operator reads besides `key` and
/// `credential_keys` (which it would otherwise generate): kube-arangodb reads the root user's `username`
/// and `password` (C008).
pub fn fixed_credential_keys(kind: ComponentKind) -> &'static [&'static str] {
    match kind {
        ComponentKind::Arangodb => &["username", "password"],
        _ => &[],
    }
}

/// Whether the chart names its objects after `fullnameOverride` (Linkerd's names are fixed; kube-arangodb's
/// are `arango-<release>-operator`, and the database's Service is the ArangoDeployment's name).
pub fn takes_fullname(kind: ComponentKind) -> bool {
    !matches!(kind, ComponentKind::Helm | ComponentKind::Linkerd | ComponentKind::Arangodb)
}

pub fn kind_info(kind: ComponentKind) -> KindInfo {
    match kind {
        ComponentKind::Postgresql => KindInfo {
            versions: &["15.5.20"],
            port: Some(5432),
            scheme: Some("postgresql"),
            resources: &[&["primary", "resources"]],
            // The primary is one StatefulSet pod; read replicas are another architecture.
            replicas: &[],
            storage: Some(&["primary", "persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "secretKeys", "adminPasswordKey"]))),
            databases: true,
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "postgresql" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
                BitnamiImage { path: &["metrics", "image"], name: "postgres-exporter" },
            ],
            ..info(BITNAMI, "postgresql", Role::Data)
        },
        ComponentKind::Redis => KindInfo {
            versions: &["19.6.4"],
            port: Some(6379),
            scheme: Some("redis"),
            service_suffix: "-master",
            resources: &[&["master", "resources"]],
            // One master; `render::components` sets the architecture from `replicas`.
            replicas: &[],
            storage: Some(&["master", "persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "existingSecretPasswordKey"]))),
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "redis" },
                BitnamiImage { path: &["sentinel", "image"], name: "redis-sentinel" },
                BitnamiImage { path: &["metrics", "image"], name: "redis-exporter" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
                BitnamiImage { path: &["kubectl", "image"], name: "kubectl" },
                BitnamiImage { path: &["sysctl", "image"], name: "os-shell" },
            ],
            ..info(BITNAMI, "redis", Role::Data)
        },
        ComponentKind::Rabbitmq => KindInfo {
            versions: &["14.6.6"],
            port: Some(5672),
            scheme: Some("amqp"),
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingPasswordSecret"], Some(&["auth", "existingSecretPasswordKey"]))),
            generated: &[Generated {
                what: "the Erlang cookie",
                key: "erlang-cookie",
                secret_path: &["auth", "existingErlangSecret"],
                key_path: Some(&["auth", "existingSecretErlangKey"]),
            }],
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "rabbitmq" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
            ],
            ..info(BITNAMI, "rabbitmq", Role::Data)
        },
        ComponentKind::Keycloak => KindInfo {
            versions: &["21.8.0"],
            port: Some(80),
            pod_port: Some(8080),
            scheme: Some("http"),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "passwordSecretKey"]))),
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "keycloak" },
                BitnamiImage { path: &["keycloakConfigCli", "image"], name: "keycloak-config-cli" },
            ],
            ..info(BITNAMI, "keycloak", Role::Identity)
        },
        ComponentKind::Kong => KindInfo {
            versions: &["2.33.0"],
            port: Some(80),
            pod_port: Some(8000),
            scheme: Some("http"),
            service_suffix: "-proxy",
            node_ports: Some((&["proxy", "type"], &["proxy", "http", "nodePort"], &["proxy", "tls", "nodePort"])),
            pod_labels: &[("app.kubernetes.io/instance", LabelValue::Release)],
            extra_pods: &[ExtraPod {
                name: "ingress controller",
                resources: &["ingressController", "resources"],
                count: Count::Replicas,
                requests: ("128Mi", "50m"),
                limits: ("256Mi", "500m"),
                runs: Runs::InMainPods,
            }],
            cluster_wide: true,
            ..info("https://charts.konghq.com", "kong", Role::Gateway)
        },
        ComponentKind::Minio => KindInfo {
            versions: &["14.6.0"],
            port: Some(9000),
            scheme: Some("http"),
            replicas: &[],
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], Some(&["auth", "rootPasswordSecretKey"]))),
            generated: &[Generated {
                what: "the root user",
                key: "root-user",
                secret_path: &["auth", "existingSecret"],
                key_path: Some(&["auth", "rootUserSecretKey"]),
            }],
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "minio" },
                BitnamiImage { path: &["clientImage"], name: "minio-client" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
            ],
            ..info(BITNAMI, "minio", Role::Data)
        },
        ComponentKind::Mongodb => KindInfo {
            versions: &["15.6.0"],
            port: Some(27017),
            scheme: Some("mongodb"),
            replicas: &[],
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["auth", "existingSecret"], None)),
            credentials_key: Some("mongodb-root-password"),
            databases: true,
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "mongodb" },
                BitnamiImage { path: &["metrics", "image"], name: "mongodb-exporter" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
                BitnamiImage { path: &["tls", "image"], name: "nginx" },
                BitnamiImage { path: &["externalAccess", "autoDiscovery", "image"], name: "kubectl" },
                BitnamiImage { path: &["externalAccess", "dnsCheck", "image"], name: "os-shell" },
            ],
            ..info(BITNAMI, "mongodb", Role::Data)
        },
        ComponentKind::Kafka => KindInfo {
            versions: &["29.3.0"],
            port: Some(9092),
            resources: &[&["controller", "resources"]],
            replicas: &[&["controller", "replicaCount"]],
            storage: Some(&["controller", "persistence", "size"]),
            // Clients authenticate with SASL (the chart's default listener); the passwords of its users.
            credentials: Some((&["sasl", "existingSecret"], None)),
            credentials_key: Some("client-passwords"),
            generated: &[
                Generated {
                    what: "the KRaft cluster ID",
                    key: "kraft-cluster-id",
                    secret_path: &["kraft", "existingClusterIdSecret"],
                    key_path: None,
                },
                Generated {
                    what: "the inter-broker password",
                    key: "inter-broker-password",
                    secret_path: &["sasl", "existingSecret"],
                    key_path: None,
                },
                Generated {
                    what: "the controller password",
                    key: "controller-password",
                    secret_path: &["sasl", "existingSecret"],
                    key_path: None,
                },
            ],
            pod_labels: BITNAMI_LABELS,
            bitnami_images: &[
                BitnamiImage { path: &["image"], name: "kafka" },
                BitnamiImage { path: &["volumePermissions", "image"], name: "os-shell" },
                BitnamiImage { path: &["metrics", "jmx", "image"], name: "jmx-exporter" },
                BitnamiImage { path: &["externalAccess", "autoDiscovery", "image"], name: "kubectl" },
            ],
            ..info(BITNAMI, "kafka", Role::Data)
        },
        ComponentKind::PrometheusStack => KindInfo {
            versions: &["61.3.0"],
            // Clients query Prometheus: the Service `<fullname>-prometheus` on `prometheus.service.port`
            // 9090, to the pods' 9090 (templates/prometheus/service.yaml and values.yaml at 61.3.0).
            port: Some(9090),
            scheme: Some("http"),
            service_suffix: "-prometheus",
            resources: &[&["prometheus", "prometheusSpec", "resources"]],
            replicas: &[&["prometheus", "prometheusSpec", "replicas"]],
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
            extra_pods: &[
                ExtraPod {
                    name: "operator",
                    resources: &["prometheusOperator", "resources"],
                    count: Count::Fixed(1),
                    requests: ("128Mi", "100m"),
                    limits: ("256Mi", "500m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "alertmanager",
                    resources: &["alertmanager", "alertmanagerSpec", "resources"],
                    count: Count::Fixed(1),
                    requests: ("64Mi", "50m"),
                    limits: ("128Mi", "200m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "config reloader",
                    resources: &["prometheusOperator", "prometheusConfigReloader", "resources"],
                    count: Count::Replicas,
                    requests: ("32Mi", "10m"),
                    limits: ("64Mi", "100m"),
                    runs: Runs::InMainPods,
                },
                ExtraPod {
                    name: "grafana",
                    resources: &["grafana", "resources"],
                    count: Count::Fixed(1),
                    requests: ("256Mi", "100m"),
                    limits: ("512Mi", "500m"),
                    runs: Runs::OwnPods,
                },
                // Its two dashboard and datasource sidecars share one setting.
                ExtraPod {
                    name: "grafana sidecars",
                    resources: &["grafana", "sidecar", "resources"],
                    count: Count::Fixed(2),
                    requests: ("64Mi", "20m"),
                    limits: ("128Mi", "100m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "kube-state-metrics",
                    resources: &["kube-state-metrics", "resources"],
                    count: Count::Fixed(1),
                    requests: ("64Mi", "50m"),
                    limits: ("128Mi", "200m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "node-exporter",
                    resources: &["prometheus-node-exporter", "resources"],
                    count: Count::PerNode,
                    requests: ("32Mi", "20m"),
                    limits: ("64Mi", "200m"),
                    runs: Runs::OwnPods,
                },
            ],
            // Its own pods carry the release as their instance; Prometheus and Alertmanager pods, made by the
            // operator from the `<fullname>-prometheus` and `-alertmanager` resources, carry those names.
            pod_labels: &[(
                "app.kubernetes.io/instance",
                LabelValue::ReleaseAnyOf(&["", "-prometheus", "-alertmanager"]),
            )],
            server_side_apply: true,
            // Services and Endpoints of the control-plane exporters (templates/exporters/*/service.yaml).
            extra_namespaces: &["kube-system"],
            // Its admission webhooks' CA bundle is patched in by a hook Job.
            ignore_differences: INJECTED_CA_BUNDLES,
            pod_security: "privileged",
            cluster_wide: true,
            ..info("https://prometheus-community.github.io/helm-charts", "kube-prometheus-stack", Role::Operator)
        },
        ComponentKind::Loki => KindInfo {
            versions: &["6.6.0"],
            port: Some(3100),
            scheme: Some("http"),
            resources: &[&["singleBinary", "resources"]],
            // One binary: more would need object storage, which the chart's validation demands.
            replicas: &[],
            storage: Some(&["singleBinary", "persistence", "size"]),
            pod_labels: &[
                ("app.kubernetes.io/instance", LabelValue::Release),
                ("app.kubernetes.io/component", LabelValue::Fixed("single-binary")),
            ],
            bitnami_images: &[BitnamiImage { path: &["kubectlImage"], name: "kubectl" }],
            ..info("https://grafana.github.io/helm-charts", "loki", Role::Data)
        },
        ComponentKind::Linkerd => KindInfo {
            versions: &["1.16.11"],
            resources: &[&["destinationResources"], &["identityResources"], &["proxyInjectorResources"]],
            resources_shape: ResourcesShape::Linkerd,
            replicas: &[&["controllerReplicas"]],
            extra_pods: &[
                // Each control-plane pod is meshed itself.
                ExtraPod {
                    name: "proxy",
                    resources: &["proxy", "resources"],
                    count: Count::Replicas,
                    requests: ("20Mi", "10m"),
                    limits: ("250Mi", "1"),
                    runs: Runs::InMainPods,
                },
                // Containers of the destination pods only; the budget counts them as pods of their own
                // (one per replica), as its main row does not tell the three controllers apart.
                ExtraPod {
                    name: "policy controller",
                    resources: &["policyController", "resources"],
                    count: Count::Replicas,
                    requests: ("64Mi", "50m"),
                    limits: ("256Mi", "500m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "service profile validator",
                    resources: &["spValidatorResources"],
                    count: Count::Replicas,
                    requests: ("32Mi", "10m"),
                    limits: ("128Mi", "200m"),
                    runs: Runs::With("policy controller"),
                },
            ],
            pod_labels: &[("linkerd.io/control-plane-ns", LabelValue::Namespace)],
            pod_security: "privileged",
            cluster_wide: true,
            ..info("https://helm.linkerd.io/stable", "linkerd-control-plane", Role::Operator)
        },
        ComponentKind::ExternalSecrets => KindInfo {
            versions: &["0.9.20"],
            resources: &[&["resources"], &["webhook", "resources"], &["certController", "resources"]],
            replicas: &[&["replicaCount"], &["webhook", "replicaCount"], &["certController", "replicaCount"]],
            // Its cert controller writes the CA bundle into its webhooks and CRDs at run time.
            ignore_differences: INJECTED_CA_BUNDLES,
            cluster_wide: true,
            ..info("https://charts.external-secrets.io", "external-secrets", Role::SecretOperator)
        },
        ComponentKind::SealedSecrets => KindInfo {
            versions: &["2.16.0"],
            replicas: &[],
            cluster_wide: true,
            ..info("https://bitnami-labs.github.io/sealed-secrets", "sealed-secrets", Role::SecretOperator)
        },
        ComponentKind::SecretsStoreCsi => KindInfo {
            versions: &["1.4.4"],
            resources: &[&["linux", "driver", "resources"]],
            replicas: &[],
            per_node: true,
            extra_pods: &[
                ExtraPod {
                    name: "node-driver-registrar",
                    resources: &["linux", "registrar", "resources"],
                    count: Count::PerNode,
                    requests: ("20Mi", "10m"),
                    limits: ("100Mi", "100m"),
                    runs: Runs::InMainPods,
                },
                ExtraPod {
                    name: "liveness-probe",
                    resources: &["linux", "livenessProbe", "resources"],
                    count: Count::PerNode,
                    requests: ("20Mi", "10m"),
                    limits: ("100Mi", "100m"),
                    runs: Runs::InMainPods,
                },
            ],
            pod_security: "privileged",
            cluster_wide: true,
            ..info(
                "https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts",
                "secrets-store-csi-driver",
                Role::SecretOperator,
            )
        },
        ComponentKind::Reloader => KindInfo {
            versions: &["1.0.115"],
            resources: &[&["reloader", "deployment", "resources"]],
            // One pod unless `reloader.enableHA`.
            replicas: &[],
            pod_labels: &[("release", LabelValue::Release)],
            cluster_wide: true,
            ..info("https://stakater.github.io/stakater-charts", "reloader", Role::Operator)
        },
        ComponentKind::Traefik => KindInfo {
            versions: &["28.3.0"],
            port: Some(80),
            pod_port: Some(8000),
            scheme: Some("http"),
            replicas: &[&["deployment", "replicas"]],
            node_ports: Some((
                &["service", "type"],
                &["ports", "web", "nodePort"],
                &["ports", "websecure", "nodePort"],
            )),
            pod_labels: &[("app.kubernetes.io/instance", LabelValue::ReleaseNamespace)],
            cluster_wide: true,
            ..info("https://traefik.github.io/charts", "traefik", Role::Gateway)
        },
        ComponentKind::IngressNginx => KindInfo {
            versions: &["4.10.1"],
            port: Some(80),
            scheme: Some("http"),
            service_suffix: "-controller",
            resources: &[&["controller", "resources"]],
            replicas: &[&["controller", "replicaCount"]],
            node_ports: Some((
                &["controller", "service", "type"],
                &["controller", "service", "nodePorts", "http"],
                &["controller", "service", "nodePorts", "https"],
            )),
            node_ports_as_strings: true,
            // Its admission webhook's CA bundle is patched in by a hook Job.
            ignore_differences: INJECTED_CA_BUNDLES,
            cluster_wide: true,
            ..info("https://kubernetes.github.io/ingress-nginx", "ingress-nginx", Role::Gateway)
        },
        ComponentKind::Metallb => KindInfo {
            versions: &["0.14.5"],
            resources: &[&["controller", "resources"]],
            replicas: &[],
            extra_pods: &[
                ExtraPod {
                    name: "speaker",
                    resources: &["speaker", "resources"],
                    count: Count::PerNode,
                    requests: ("64Mi", "50m"),
                    limits: ("128Mi", "200m"),
                    runs: Runs::OwnPods,
                },
                ExtraPod {
                    name: "speaker frr",
                    resources: &["speaker", "frr", "resources"],
                    count: Count::PerNode,
                    requests: ("64Mi", "50m"),
                    limits: ("256Mi", "200m"),
                    runs: Runs::With("speaker"),
                },
                ExtraPod {
                    name: "speaker frr reloader",
                    resources: &["speaker", "reloader", "resources"],
                    count: Count::PerNode,
                    requests: ("16Mi", "10m"),
                    limits: ("64Mi", "100m"),
                    runs: Runs::With("speaker"),
                },
                ExtraPod {
                    name: "speaker frr metrics",
                    resources: &["speaker", "frrMetrics", "resources"],
                    count: Count::PerNode,
                    requests: ("16Mi", "10m"),
                    limits: ("64Mi", "100m"),
                    runs: Runs::With("speaker"),
                },
            ],
            // Its controller rewrites the placeholder CA bundle of its CRDs and webhooks (metallb#1681).
            ignore_differences: INJECTED_CA_BUNDLES,
            pod_security: "privileged",
            cluster_wide: true,
            ..info("https://metallb.github.io/metallb", "metallb", Role::Operator)
        },
        // A UI people reach from outside the cluster (its NodePort), which reads whatever data sources it
        // is given: a front, like a gateway, for the network policies and the waves.
        ComponentKind::Grafana => KindInfo {
            versions: &["10.5.15"],
            port: Some(80),
            pod_port: Some(3000),
            scheme: Some("http"),
            replicas: &[&["replicas"]],
            storage: Some(&["persistence", "size"]),
            credentials: Some((&["admin", "existingSecret"], Some(&["admin", "passwordKey"]))),
            // With `admin.existingSecret` the pod reads the admin user from the same Secret.
            generated: &[Generated {
                what: "the admin user",
                key: "admin-user",
                secret_path: &["admin", "existingSecret"],
                key_path: Some(&["admin", "userKey"]),
            }],
            service_node_port: Some((&["service", "type"], &["service", "nodePort"])),
            ..info("https://grafana.github.io/helm-charts", "grafana", Role::Gateway)
        },
        ComponentKind::AwsLoadBalancerController => KindInfo {
            versions: &["3.5.0"],
            // Its webhooks' certificate comes from cert-manager (see `pinned_values`), whose CA injector
            // writes their CA bundle.
            ignore_differences: INJECTED_CA_BUNDLES,
            // An IngressClass, CRDs and webhooks: one controller per cluster.
            cluster_wide: true,
            ..info("https://aws.github.io/eks-charts", "aws-load-balancer-controller", Role::Gateway)
        },
        // The kube-arangodb operator's chart, and an ArangoDeployment of mode Single that Slipway renders
        // beside it (`render::components::render_arangodb`): the component's `resources`, `storage` and
        // `credentials` go to the custom resource, not the chart. The database pod is the main pod; the
        // operator's is an extra one. Its Service is named after the deployment (`CreateDatabaseClientServiceName`,
        // pkg/util/k8sutil/services.go), on `ArangoPort` 8529 (pkg/apis/shared/constants.go).
        ComponentKind::Arangodb => KindInfo {
            versions: &["1.4.4"],
            // The operator reads the root password from this key (`SecretPassword`, pkg/util/constants).
            credentials_key: Some("password"),
            port: Some(8529),
            scheme: Some("http"),
            resources: &[],
            // Mode Single runs one database pod.
            replicas: &[],
            extra_pods: &[ExtraPod {
                name: "operator",
                // The chart's defaults (values.yaml `operator.resources`, where `limits.cpu` is the
                // number 1), kept as they are.
                resources: &[],
                count: Count::Fixed(1),
                requests: ("256Mi", "250m"),
                limits: ("512Mi", "1"),
                runs: Runs::OwnPods,
            }],
            // The operator labels the database pods (`LabelsForDeployment`, pkg/util/k8sutil/util.go); the
            // deployment is named after the component.
            pod_labels: ARANGODB_LABELS,
            ..info("https://arangodb.github.io/kube-arangodb", "kube-arangodb", Role::Data)
        },
        ComponentKind::Helm => KindInfo { resources: &[], replicas: &[], ..info("", "", Role::Operator) },
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
            ComponentKind::Grafana => "grafana",
            ComponentKind::AwsLoadBalancerController => "aws-load-balancer-controller",
            ComponentKind::Arangodb => "arangodb",
            ComponentKind::Helm => "helm",
        }
    }

    pub const ALL: [ComponentKind; 22] = [
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
        ComponentKind::Grafana,
        ComponentKind::AwsLoadBalancerController,
        ComponentKind::Arangodb,
        ComponentKind::Helm,
    ];
}

/// Port numbers that mean HTTPS for a kind that speaks HTTP (or says nothing of its protocol).
const HTTPS_PORTS: [u16; 2] = [443, 8443];

/// The URL scheme of a component's port, first found of: the `scheme` written for it; its name (`https`
/// or `https-*` is `https`, `http` or `http-*` is `http`); 443 and 8443 are `https` when the kind's scheme is
/// `http` or unknown; the kind's scheme. `None` (clients get `host:port`) when none of these tells.
pub fn port_scheme(kind: ComponentKind, name: Option<&str>, port: u16, explicit: Option<&str>) -> Option<String> {
    if let Some(scheme) = explicit {
        return Some(scheme.to_owned());
    }
    let named = |prefix: &str| name.is_some_and(|name| name == prefix || name.starts_with(&format!("{prefix}-")));
    if named("https") {
        return Some("https".to_owned());
    }
    if named("http") {
        return Some("http".to_owned());
    }
    let kind_scheme = kind_info(kind).scheme;
    if matches!(kind_scheme, None | Some("http")) && HTTPS_PORTS.contains(&port) {
        return Some("https".to_owned());
    }
    kind_scheme.map(str::to_owned)
}

/// How network policies select a component's pods, with its release named after the component: labels
/// every pod carries, and labels whose value is one of several.
pub fn pod_selector(kind: ComponentKind, release: &str, namespace: &str) -> PodSelector {
    labels_selector(kind_info(kind).pod_labels, release, namespace)
}

/// The selector of pods carrying `labels`, with the release named `release`.
pub fn labels_selector(labels: &[(&'static str, LabelValue)], release: &str, namespace: &str) -> PodSelector {
    let mut selector = PodSelector::default();
    for (key, value) in labels {
        let value = match value {
            LabelValue::Release => release.to_owned(),
            LabelValue::ReleaseNamespace => format!("{release}-{namespace}"),
            LabelValue::Namespace => namespace.to_owned(),
            LabelValue::Fixed(value) => (*value).to_owned(),
            LabelValue::ReleaseAnyOf(suffixes) => {
                let values = suffixes.iter().map(|suffix| format!("{release}{suffix}")).collect();
                selector.any_of.push(((*key).to_owned(), values));
                continue;
            }
        };
        selector.labels.push(((*key).to_owned(), value));
    }
    selector
}

#[derive(Debug, Default)]
pub struct PodSelector {
    pub labels: Vec<(String, String)>,
    /// (label, values): the label has one of the values.
    pub any_of: Vec<(String, Vec<String>)>,
}

/// Values a kind needs at a fixed setting to run as Slipway describes it (and as the budget counts it),
/// and to render the same on every ArgoCD refresh, whatever the chart's defaults.
/// The chart's extra pods that the platform turns off, by name: the stack's own Grafana (and its
/// sidecars) when the environment declares a `grafana` component, so that one Grafana runs, not two.
pub fn turned_off_pods(component: &crate::resolved::Component, env: &crate::resolved::Env) -> &'static [&'static str] {
    let grafana = env.components.values().any(|it| it.kind.value == ComponentKind::Grafana);
    match component.kind.value {
        ComponentKind::PrometheusStack if grafana => &["grafana", "grafana sidecars"],
        _ => &[],
    }
}

/// Whether an extra pod of `component`'s chart runs in `env` (see `turned_off_pods`).
pub fn runs(pod: &ExtraPod, component: &crate::resolved::Component, env: &crate::resolved::Env) -> bool {
    !turned_off_pods(component, env).contains(&pod.name)
}

pub fn pinned_values(component: &crate::resolved::Component, env: &crate::resolved::Env) -> Vec<(ValuesPath, Value)> {
    match component.kind.value {
        // One master, or a master and `replicas - 1` replicas.
        ComponentKind::Redis if component.replicas > 1 => vec![
            (&["architecture"], json!("replication")),
            (&["replica", "replicaCount"], json!(component.replicas - 1)),
        ],
        ComponentKind::Redis => vec![(&["architecture"], json!("standalone"))],
        // Every ServiceMonitor and PodMonitor of the cluster, not only those labelled with the release.
        // Its own Grafana is off when the platform runs one of its own (`grafana.enabled`, values.yaml at
        // kube-prometheus-stack-61.3.0).
        ComponentKind::PrometheusStack => {
            let mut values: Vec<(ValuesPath, Value)> = vec![
                (&["prometheus", "prometheusSpec", "serviceMonitorSelectorNilUsesHelmValues"], json!(false)),
                (&["prometheus", "prometheusSpec", "podMonitorSelectorNilUsesHelmValues"], json!(false)),
            ];
            if turned_off_pods(component, env).contains(&"grafana") {
                values.push((&["grafana", "enabled"], json!(false)));
            }
            values
        }
        // Synced Kubernetes Secrets are how services read AWS secrets (`secretKeyRef`).
        ComponentKind::SecretsStoreCsi => vec![(&["syncSecret", "enabled"], json!(true))],
        // The admission webhook's certificate is generated on every render (`genCA`; `lookup` finds
        // nothing under ArgoCD), so the Application would never be in sync; the manager UI would take a
        // random NodePort. Routes and plugins are Slipway's own objects, checked before they are written.
        // Without an explicit `installCRDs` the chart decides by `lookup`, which finds nothing under ArgoCD;
        // its CRDs come from the chart's crds/ directory either way.
        ComponentKind::Kong => vec![
            (&["ingressController", "admissionWebhook", "enabled"], json!(false)),
            (&["ingressController", "installCRDs"], json!(false)),
            (&["manager", "enabled"], json!(false)),
        ],
        // One process with its index and chunks on its volume: the chart's default (SimpleScalable, three
        // of each target, object storage) fails without a schema and object storage. Its caches, canary,
        // gateway and test pod are off, so the pods are the budget's; `nameOverride` keeps the objects the
        // chart names after `loki.name` consistent with the fullname.
        ComponentKind::Loki => vec![
            (&["nameOverride"], json!(component.name.value)),
            (&["deploymentMode"], json!("SingleBinary")),
            (&["singleBinary", "replicas"], json!(1)),
            (&["read", "replicas"], json!(0)),
            (&["write", "replicas"], json!(0)),
            (&["backend", "replicas"], json!(0)),
            (&["loki", "auth_enabled"], json!(false)),
            (&["loki", "commonConfig", "replication_factor"], json!(1)),
            (&["loki", "storage", "type"], json!("filesystem")),
            (
                &["loki", "schemaConfig", "configs"],
                json!([{
                    "from": "2024-04-01",
                    "store": "tsdb",
                    "object_store": "filesystem",
                    "schema": "v13",
                    "index": { "prefix": "loki_index_", "period": "24h" },
                }]),
            ),
            (&["gateway", "enabled"], json!(false)),
            (&["lokiCanary", "enabled"], json!(false)),
            (&["test", "enabled"], json!(false)),
            (&["chunksCache", "enabled"], json!(false)),
            (&["resultsCache", "enabled"], json!(false)),
        ],
        // The issuer certificate and trust roots come from outside (cert-manager, trust-manager): the chart
        // `required`s them inline otherwise. The webhooks' certificates would be generated on every
        // render, and the heartbeat's schedule is taken from the clock: both are pinned.
        ComponentKind::Linkerd => {
            let namespace = &component.namespace.value;
            vec![
                (&["identity", "externalCA"], json!(true)),
                (&["identity", "issuer", "scheme"], json!("kubernetes.io/tls")),
                (&["cniEnabled"], json!(env.mesh_cni)),
                (&["disableHeartBeat"], json!(true)),
                (&["proxyInjector", "externalSecret"], json!(true)),
                (&["proxyInjector", "injectCaFrom"], json!(format!("{namespace}/linkerd-proxy-injector"))),
                (&["profileValidator", "externalSecret"], json!(true)),
                (&["profileValidator", "injectCaFrom"], json!(format!("{namespace}/linkerd-sp-validator"))),
                (&["policyValidator", "externalSecret"], json!(true)),
                (&["policyValidator", "injectCaFrom"], json!(format!("{namespace}/linkerd-policy-validator"))),
            ]
        }
        // Keycloak's chart would run a PostgreSQL of its own, which nothing counts: it uses the declared one
        // (`validate` requires it).
        ComponentKind::Keycloak => database_of(component, env)
            .map(|database| {
                vec![
                    (&["postgresql", "enabled"] as ValuesPath, json!(false)),
                    (&["externalDatabase", "host"], json!(database.host())),
                    (&["externalDatabase", "port"], json!(database.port.as_ref().map_or(5432, |it| it.value))),
                ]
            })
            .unwrap_or_default(),
        // Its test pod is a Helm hook nothing counts; the data sources are the components it `uses`.
        ComponentKind::Grafana => {
            let mut pinned: Vec<(ValuesPath, Value)> = vec![(&["testFramework", "enabled"], json!(false))];
            let sources = grafana_datasources(component, env);
            if !sources.is_empty() {
                pinned.push((&["datasources", "datasources.yaml"], json!({ "apiVersion": 1, "datasources": sources })));
            }
            pinned
        }
        // The webhooks' certificate would be generated on every render (`genCA` in the chart's helpers):
        // cert-manager issues it instead. The cluster, region, VPC and IAM role are the component's.
        ComponentKind::AwsLoadBalancerController => {
            let mut pinned: Vec<(ValuesPath, Value)> = vec![(&["enableCertManager"], json!(true))];
            if let Some(aws) = &component.aws {
                let mut put = |path: ValuesPath, value: &Option<crate::source::Spanned<String>>| {
                    if let Some(value) = value {
                        pinned.push((path, json!(value.value)));
                    }
                };
                put(&["clusterName"], &aws.cluster_name);
                put(&["region"], &aws.region);
                put(&["vpcId"], &aws.vpc_id);
                if let Some(role) = &aws.role_arn {
                    let annotations: Value = json!({ crate::render::ROLE_ARN: role.value });
                    pinned.push((&["serviceAccount", "annotations"], annotations));
                }
            }
            pinned
        }
        _ => Vec::new(),
    }
}

/// Grafana's data sources: the Prometheus of a `prometheus-stack` and the Loki it `uses`, the first one
/// the default.
fn grafana_datasources(component: &crate::resolved::Component, env: &crate::resolved::Env) -> Vec<Value> {
    let mut sources = Vec::new();
    for used in component.uses.iter().filter_map(|name| env.components.get(name.value.as_str())) {
        let (name, kind, url) = match used.kind.value {
            // The stack's Prometheus Service is `<fullname>-prometheus` on 9090 (its contract's `port`).
            ComponentKind::PrometheusStack => match used.url() {
                Some(url) => ("Prometheus", "prometheus", url),
                None => continue,
            },
            ComponentKind::Loki => match used.url() {
                Some(url) => ("Loki", "loki", url),
                None => continue,
            },
            _ => continue,
        };
        sources.push(json!({
            "name": name,
            "type": kind,
            "url": url,
            "access": "proxy",
            "isDefault": sources.is_empty(),
        }));
    }
    sources
}

/// The PostgreSQL component a component `uses`, if any.
pub fn database_of<'a>(
    component: &crate::resolved::Component,
    env: &'a crate::resolved::Env,
) -> Option<&'a crate::resolved::Component> {
    component
        .uses
        .iter()
        .filter_map(|name| env.components.get(name.value.as_str()))
        .find(|used| used.kind.value == ComponentKind::Postgresql)
}

/// What the cluster needs before a component syncs, which Slipway cannot render (keys of certificates,
/// providers installed by other means); listed in `out/<env>/README.md`.
pub fn prerequisites(component: &crate::resolved::Component, env: &crate::resolved::Env) -> Vec<String> {
    let namespace = &component.namespace.value;
    let name = &component.name.value;
    match component.kind.value {
        ComponentKind::Linkerd => {
            let mut needs = vec![
                format!("the ConfigMap `linkerd-identity-trust-roots` (key `ca-bundle.crt`) in `{namespace}`, with the mesh's trust anchor (trust-manager, or by hand)"),
                format!("the Secret `linkerd-identity-issuer` (type kubernetes.io/tls, with `ca.crt`) in `{namespace}`, signed by the trust anchor (a cert-manager Certificate)"),
                format!("cert-manager, with Certificates `linkerd-proxy-injector`, `linkerd-sp-validator` and `linkerd-policy-validator` in `{namespace}`, whose Secrets are `<name>-k8s-tls`, for the webhooks' `injectCaFrom`"),
            ];
            if env.mesh_cni {
                needs.push("linkerd-cni on every node (`mesh_cni = true`)".to_owned());
            }
            needs
        }
        ComponentKind::Postgresql if !component.databases.is_empty() => vec![format!(
            "the PostgreSQL roles that services log in as (their connection secrets name them): `{name}` creates the databases, not the roles"
        )],
        ComponentKind::SealedSecrets => vec![format!(
            "to seal for this controller: `kubeseal --controller-name {name} --controller-namespace {namespace}`"
        )],
        ComponentKind::AwsLoadBalancerController => vec![
            format!("cert-manager, which issues the certificate of `{name}`'s webhooks (`enableCertManager`) and injects its CA"),
            format!("the IAM policy of the controller (its project's docs/install/iam_policy.json) on the role its service account assumes{}", component.aws.as_ref().and_then(|aws| aws.role_arn.as_ref()).map_or_else(|| " (an EKS Pod Identity association, or the node's role: no `aws.role_arn` is given)".to_owned(), |role| format!(" (`{}`)", role.value))),
            "public subnets tagged `kubernetes.io/role/elb = 1` (internal: `kubernetes.io/role/internal-elb = 1`), where the ALB is placed".to_owned(),
        ],
        ComponentKind::SecretsStoreCsi => vec![
            "the AWS provider for the secrets-store CSI driver (chart `secrets-store-csi-driver-provider-aws` from https://aws.github.io/secrets-store-csi-driver-provider-aws, with `secrets-store-csi-driver.install=false`)".to_owned(),
        ],
        _ => Vec::new(),
    }
}

/// A chart that must be installed before a component's chart: its CRDs, in a chart of their own.
pub fn crds_chart(kind: ComponentKind, version: &str) -> Option<(&'static str, &'static str)> {
    match (kind, version) {
        // Both charts come from linkerd2's tag stable-2.14.10.
        (ComponentKind::Linkerd, "1.16.11") => Some(("linkerd-crds", "1.8.0")),
        _ => None,
    }
}

/// The `external-secrets.io` version an operator serves: v1beta1 up to chart 0.16 (which adds v1; 0.17
/// stops serving v1beta1), v1 from then on, and v1 when the operator is a prerequisite of unknown version.
pub fn external_secrets_api(chart_version: Option<&str>) -> &'static str {
    let minor = |version: &str| -> Option<(u32, u32)> {
        let mut parts = version.trim_start_matches('v').split('.');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    };
    match chart_version.and_then(minor) {
        Some((0, minor)) if minor < 16 => "v1beta1",
        _ => "v1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_scheme_follows_the_written_scheme_then_the_name_then_the_number_then_the_kind() {
        use ComponentKind::{Helm, Kafka, Minio, Postgresql};
        let scheme = |kind, name, port, explicit| port_scheme(kind, name, port, explicit);
        // Written: wins over everything.
        assert_eq!(scheme(Helm, Some("api"), 9325, Some("https")).as_deref(), Some("https"));
        assert_eq!(scheme(Minio, Some("https"), 443, Some("http")).as_deref(), Some("http"));
        // By name: `https`, `https-*`, `http`, `http-*`, on any kind.
        assert_eq!(scheme(Helm, Some("https"), 9325, None).as_deref(), Some("https"));
        assert_eq!(scheme(Helm, Some("https-console"), 9001, None).as_deref(), Some("https"));
        assert_eq!(scheme(Helm, Some("http"), 9324, None).as_deref(), Some("http"));
        assert_eq!(scheme(Postgresql, Some("http-metrics"), 9187, None).as_deref(), Some("http"));
        assert_eq!(scheme(Helm, Some("httpx"), 9324, None), None);
        // By number: 443 and 8443 on a kind that speaks HTTP or says nothing.
        assert_eq!(scheme(Minio, Some("console"), 443, None).as_deref(), Some("https"));
        assert_eq!(scheme(Helm, None, 8443, None).as_deref(), Some("https"));
        assert_eq!(scheme(Postgresql, None, 443, None).as_deref(), Some("postgresql"));
        // Else the kind's scheme, else none.
        assert_eq!(scheme(Minio, Some("console"), 9001, None).as_deref(), Some("http"));
        assert_eq!(scheme(Postgresql, None, 5432, None).as_deref(), Some("postgresql"));
        assert_eq!(scheme(Kafka, None, 9092, None), None);
        assert_eq!(scheme(Helm, Some("api"), 8080, None), None);
    }
}
