//! Workloads: takes one `resolved::Service`, gives its ServiceAccount, ConfigMap, Deployment, Service and
//! HorizontalPodAutoscaler as k8s-openapi objects. Containers meet Pod Security "restricted" by default.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::v2 as autoscaling;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Manifest, Out, labels, names};
use crate::resolved;
use crate::source::Spanned;

pub(super) fn render(facts: &crate::analysis::Facts<'_>, service: &resolved::Service, out: &mut Out<'_>) {
    let env = facts.env;
    let directory = format!("{}/services/{}", env.name.value, service.name.value);
    let origin = format!("services.{}", service.name.value);
    let labels = labels::common(env, &service.name, service.image_tag());
    let metadata = |name: &str| meta::ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(service.namespace.value.clone()),
        labels: Some(labels.clone()),
        ..meta::ObjectMeta::default()
    };
    let path = |kind: &str, name: &str| format!("{directory}/{}-{name}.yaml", kind.to_ascii_lowercase());

    // An AWS secret's IAM role is assumed through the service account (IRSA), unless the service says otherwise.
    let mut account_annotations = plain(&service.service_account.annotations);
    for secret in csi_secrets(env, service) {
        if let Some(role) = &secret.role_arn {
            account_annotations.entry(ROLE_ARN.to_owned()).or_insert_with(|| role.clone());
        }
    }
    if service.service_account.create {
        let account = core::ServiceAccount {
            metadata: meta::ObjectMeta { annotations: non_empty(&account_annotations), ..metadata(&service.name) },
            automount_service_account_token: Some(service.service_account.automount_token),
            ..core::ServiceAccount::default()
        };
        out.push(Manifest::new(path("ServiceAccount", &service.name), origin.clone(), account));
    }

    if !service.config.is_empty() {
        let name = names::config_map(&service.name);
        let config = core::ConfigMap {
            metadata: metadata(&name),
            data: Some(plain(&service.config)),
            ..core::ConfigMap::default()
        };
        out.push(Manifest::new(path("ConfigMap", &name), origin.clone(), config));
    }

    let selector = labels::selector(env, &service.name);
    let mut pod_labels = plain(&service.pod_labels);
    pod_labels.extend(labels.clone());
    let mut pod_annotations = plain(&service.pod_annotations);
    for (key, value) in mesh_annotations(env, service) {
        // The user's own skipped ports are kept beside the database ports (the pods check refuses the
        // other mesh annotations).
        let value = match pod_annotations.get(&key).filter(|_| key == SKIP_OUTBOUND_PORTS) {
            Some(theirs) => merge_ports(theirs, &value),
            None => value,
        };
        pod_annotations.insert(key, value);
    }
    let mut deployment_annotations = BTreeMap::new();
    let csi_secrets = csi_secrets(env, service);
    let reload = service.reload_on_secret_change
        || service.secrets_used().iter().filter_map(|name| env.secrets.get(*name)).any(|secret| secret.reload);
    if reload {
        deployment_annotations.insert("reloader.stakater.com/auto".to_owned(), "true".to_owned());
    }
    let deployment = apps::Deployment {
        metadata: meta::ObjectMeta { annotations: non_empty(&deployment_annotations), ..metadata(&service.name) },
        spec: Some(apps::DeploymentSpec {
            // Under an autoscaler the HPA owns the replica count; a fixed one would make ArgoCD fight it.
            replicas: if service.autoscale.is_some() { None } else { Some(to_i32(service.replicas.value)) },
            revision_history_limit: Some(5),
            selector: meta::LabelSelector { match_labels: Some(selector.clone()), ..meta::LabelSelector::default() },
            template: core::PodTemplateSpec {
                metadata: Some(meta::ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: non_empty(&pod_annotations),
                    ..meta::ObjectMeta::default()
                }),
                spec: Some(pod_spec(service, &csi_secrets)),
            },
            ..apps::DeploymentSpec::default()
        }),
        ..apps::Deployment::default()
    };
    out.push(Manifest::new(path("Deployment", &service.name), origin.clone(), deployment));

    if !service.ports.is_empty() {
        let node_port = service.ports.iter().any(|port| port.node_port.is_some());
        let annotations = super::gateway::service_annotations(facts, service);
        let kubernetes_service = core::Service {
            metadata: meta::ObjectMeta { annotations: non_empty(&annotations), ..metadata(&service.name) },
            spec: Some(core::ServiceSpec {
                type_: Some(if node_port { "NodePort" } else { "ClusterIP" }.to_owned()),
                selector: Some(selector.clone()),
                ports: Some(
                    service
                        .ports
                        .iter()
                        .map(|port| core::ServicePort {
                            name: Some(port.name.value.clone()),
                            port: i32::from(port.service_port.value),
                            target_port: Some(IntOrString::String(port.name.value.clone())),
                            protocol: Some(port.protocol.as_str().to_owned()),
                            node_port: port.node_port.as_ref().map(|it| i32::from(it.value)),
                            // HTTP is the default and stays unwritten; gRPC and WebSocket say so.
                            app_protocol: facts
                                .app_protocol(&service.name.value, &port.name.value)
                                .filter(|it| *it != "http")
                                .map(str::to_owned),
                        })
                        .collect(),
                ),
                ..core::ServiceSpec::default()
            }),
            ..core::Service::default()
        };
        out.push(Manifest::new(path("Service", &service.name), origin.clone(), kubernetes_service));
    }

    if let Some(metrics) = &service.metrics {
        let mut endpoint = serde_json::json!({ "port": metrics.port.value, "path": metrics.path });
        if let Some(interval) = metrics.interval {
            endpoint["interval"] = serde_json::json!(format!("{interval}s"));
        }
        let monitor = serde_json::json!({
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "ServiceMonitor",
            "metadata": to_value(&meta::ObjectMeta { annotations: Some(labels::custom_resource_annotations()), ..metadata(&service.name) }),
            "spec": {
                "selector": { "matchLabels": selector },
                "endpoints": [endpoint],
            },
        });
        out.push(Manifest::new(path("ServiceMonitor", &service.name), origin.clone(), monitor));
    }

    if let Some(autoscale) = &service.autoscale {
        let metric = |resource: &str, target: u32| autoscaling::MetricSpec {
            type_: "Resource".to_owned(),
            resource: Some(autoscaling::ResourceMetricSource {
                name: resource.to_owned(),
                target: autoscaling::MetricTarget {
                    type_: "Utilization".to_owned(),
                    average_utilization: Some(to_i32(target)),
                    ..autoscaling::MetricTarget::default()
                },
            }),
            ..autoscaling::MetricSpec::default()
        };
        let mut metrics = Vec::new();
        // An autoscaler needs a metric; CPU at 80% is what Kubernetes itself assumes without one.
        let cpu =
            autoscale.cpu.as_ref().map(|it| it.value).or(if autoscale.memory.is_none() { Some(80) } else { None });
        if let Some(target) = cpu {
            metrics.push(metric("cpu", target));
        }
        if let Some(target) = autoscale.memory.as_ref().map(|it| it.value) {
            metrics.push(metric("memory", target));
        }
        let hpa = autoscaling::HorizontalPodAutoscaler {
            metadata: metadata(&service.name),
            spec: Some(autoscaling::HorizontalPodAutoscalerSpec {
                scale_target_ref: autoscaling::CrossVersionObjectReference {
                    api_version: Some("apps/v1".to_owned()),
                    kind: "Deployment".to_owned(),
                    name: service.name.value.clone(),
                },
                min_replicas: Some(to_i32(autoscale.min.value)),
                max_replicas: to_i32(autoscale.max.value),
                metrics: Some(metrics),
                ..autoscaling::HorizontalPodAutoscalerSpec::default()
            }),
            ..autoscaling::HorizontalPodAutoscaler::default()
        };
        out.push(Manifest::new(path("HorizontalPodAutoscaler", &service.name), origin.clone(), hpa));
    }
}

/// The service account annotation that says which role it assumes on AWS (IRSA).
pub(crate) const ROLE_ARN: &str = "eks.amazonaws.com/role-arn";

/// The mesh's annotations Slipway sets on every pod when the mesh is on (`validate` refuses them in a
/// service's own `pod_annotations`): injection, and the proxy's resources, which the budget counts.
pub(crate) const MESH_INJECT: &str = "linkerd.io/inject";
pub(crate) const MESH_PROXY_RESOURCES: [&str; 4] = [
    "config.linkerd.io/proxy-cpu-request",
    "config.linkerd.io/proxy-memory-request",
    "config.linkerd.io/proxy-cpu-limit",
    "config.linkerd.io/proxy-memory-limit",
];

const SKIP_OUTBOUND_PORTS: &str = "config.linkerd.io/skip-outbound-ports";

/// Two comma-separated lists of ports (or ranges) as one, each once, in order of first appearance.
fn merge_ports(theirs: &str, ours: &str) -> String {
    let mut ports: Vec<&str> = Vec::new();
    for port in theirs.split(',').chain(ours.split(',')).map(str::trim).filter(|it| !it.is_empty()) {
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    ports.join(",")
}

/// Linkerd's injection, its proxy's resources (so the budget counts what runs), and the database ports
/// the proxy must not intercept (seed 001, section 3: server-speaks-first protocols bypass the mesh).
fn mesh_annotations(env: &resolved::Env, service: &resolved::Service) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    if env.mesh != resolved::Mesh::Linkerd {
        return annotations;
    }
    annotations.insert(MESH_INJECT.to_owned(), "enabled".to_owned());
    let proxy = &env.mesh_proxy;
    for (key, value) in [
        (MESH_PROXY_RESOURCES[0], proxy.requests.cpu.as_ref().map(|it| it.value.to_string())),
        (MESH_PROXY_RESOURCES[1], proxy.requests.memory.as_ref().map(|it| it.value.to_string())),
        (MESH_PROXY_RESOURCES[2], proxy.limits.cpu.as_ref().map(|it| it.value.to_string())),
        (MESH_PROXY_RESOURCES[3], proxy.limits.memory.as_ref().map(|it| it.value.to_string())),
    ] {
        if let Some(value) = value {
            annotations.insert(key.to_owned(), value);
        }
    }
    let mut skipped: Vec<u16> = service
        .uses
        .iter()
        .filter_map(|dependency| env.components.get(dependency.target.value.as_str()))
        .filter(|component| {
            matches!(
                component.kind.value,
                resolved::ComponentKind::Postgresql | resolved::ComponentKind::Mongodb | resolved::ComponentKind::Redis
            )
        })
        .filter_map(|component| component.port.as_ref().map(|it| it.value))
        .collect();
    skipped.sort_unstable();
    skipped.dedup();
    if !skipped.is_empty() {
        let ports: Vec<String> = skipped.iter().map(u16::to_string).collect();
        annotations.insert(SKIP_OUTBOUND_PORTS.to_owned(), ports.join(","));
    }
    annotations
}

/// The AWS Secrets Manager secrets a service reads: the CSI driver syncs them into Kubernetes Secrets
/// only while a pod mounts them, so every user mounts each one.
fn csi_secrets<'a>(env: &'a resolved::Env, service: &resolved::Service) -> Vec<&'a resolved::Secret> {
    service
        .secrets_used()
        .iter()
        .filter_map(|name| env.secrets.get(*name))
        .filter(|secret| secret.backend.value == resolved::Backend::AwsSecretsManager)
        .collect()
}

fn pod_spec(service: &resolved::Service, csi_secrets: &[&resolved::Secret]) -> core::PodSpec {
    let security = &service.security;
    core::PodSpec {
        service_account_name: Some(service.service_account_name().to_owned()),
        automount_service_account_token: Some(service.service_account.automount_token),
        security_context: Some(core::PodSecurityContext {
            run_as_non_root: Some(security.run_as_non_root.value),
            run_as_user: security.run_as_user.as_ref().map(|it| it.value),
            run_as_group: security.run_as_group.as_ref().map(|it| it.value),
            fs_group: security.fs_group.as_ref().map(|it| it.value),
            seccomp_profile: Some(core::SeccompProfile {
                type_: "RuntimeDefault".to_owned(),
                ..core::SeccompProfile::default()
            }),
            ..core::PodSecurityContext::default()
        }),
        containers: vec![container(service, csi_secrets)],
        // A read-only root filesystem still needs somewhere to write temporary files.
        volumes: Some(
            std::iter::once(core::Volume {
                name: "tmp".to_owned(),
                empty_dir: Some(core::EmptyDirVolumeSource::default()),
                ..core::Volume::default()
            })
            .chain(csi_secrets.iter().map(|secret| core::Volume {
                name: format!("secret-{}", secret.name.value),
                csi: Some(core::CSIVolumeSource {
                    driver: super::secrets::CSI_DRIVER.to_owned(),
                    read_only: Some(true),
                    volume_attributes: Some(BTreeMap::from([(
                        "secretProviderClass".to_owned(),
                        secret.name.value.clone(),
                    )])),
                    ..core::CSIVolumeSource::default()
                }),
                ..core::Volume::default()
            }))
            .collect(),
        ),
        image_pull_secrets: (!service.image_pull_secrets.is_empty()).then(|| {
            service
                .image_pull_secrets
                .iter()
                .map(|secret| core::LocalObjectReference { name: secret.value.clone() })
                .collect()
        }),
        node_selector: non_empty(&plain(&service.node_selector)),
        tolerations: (!service.tolerations.is_empty()).then(|| {
            service
                .tolerations
                .iter()
                .map(|toleration| {
                    let toleration = &toleration.value;
                    let text = |field: &Option<Spanned<String>>| field.as_ref().map(|it| it.value.clone());
                    core::Toleration {
                        key: text(&toleration.key),
                        operator: text(&toleration.operator),
                        value: text(&toleration.value),
                        effect: text(&toleration.effect),
                        toleration_seconds: toleration.toleration_seconds.as_ref().map(|it| it.value),
                    }
                })
                .collect()
        }),
        ..core::PodSpec::default()
    }
}

fn container(service: &resolved::Service, csi_secrets: &[&resolved::Secret]) -> core::Container {
    let mut env_from: Vec<core::EnvFromSource> = Vec::new();
    if !service.config.is_empty() {
        env_from.push(core::EnvFromSource {
            config_map_ref: Some(core::ConfigMapEnvSource { name: names::config_map(&service.name), optional: None }),
            ..core::EnvFromSource::default()
        });
    }
    for source in &service.env_from {
        env_from.push(match &source.value {
            resolved::EnvFrom::Secret(name) => core::EnvFromSource {
                secret_ref: Some(core::SecretEnvSource { name: name.value.clone(), optional: None }),
                ..core::EnvFromSource::default()
            },
            resolved::EnvFrom::ConfigMap(name) => core::EnvFromSource {
                config_map_ref: Some(core::ConfigMapEnvSource { name: name.value.clone(), optional: None }),
                ..core::EnvFromSource::default()
            },
        });
    }
    core::Container {
        name: service.name.value.clone(),
        image: Some(service.image.value.clone()),
        image_pull_policy: Some("IfNotPresent".to_owned()),
        command: (!service.command.is_empty()).then(|| service.command.iter().map(|it| it.value.clone()).collect()),
        args: (!service.args.is_empty()).then(|| service.args.iter().map(|it| it.value.clone()).collect()),
        ports: (!service.ports.is_empty()).then(|| {
            service
                .ports
                .iter()
                .map(|port| core::ContainerPort {
                    name: Some(port.name.value.clone()),
                    container_port: i32::from(port.port.value),
                    protocol: Some(port.protocol.as_str().to_owned()),
                    ..core::ContainerPort::default()
                })
                .collect()
        }),
        env: (!service.env.is_empty()).then(|| service.env.iter().map(env_var).collect()),
        env_from: (!env_from.is_empty()).then_some(env_from),
        resources: Some(resources(&service.resources)),
        liveness_probe: service.liveness.as_ref().map(probe),
        readiness_probe: service.readiness.as_ref().map(probe),
        startup_probe: service.startup.as_ref().map(probe),
        security_context: Some(core::SecurityContext {
            allow_privilege_escalation: Some(service.security.privileged.value),
            privileged: Some(service.security.privileged.value),
            read_only_root_filesystem: Some(service.security.read_only_root_filesystem),
            run_as_non_root: Some(service.security.run_as_non_root.value),
            capabilities: Some(core::Capabilities { drop: Some(vec!["ALL".to_owned()]), add: None }),
            ..core::SecurityContext::default()
        }),
        volume_mounts: Some(
            std::iter::once(core::VolumeMount {
                name: "tmp".to_owned(),
                mount_path: "/tmp".to_owned(),
                ..core::VolumeMount::default()
            })
            .chain(csi_secrets.iter().map(|secret| core::VolumeMount {
                name: format!("secret-{}", secret.name.value),
                mount_path: secret.mount_path.clone(),
                read_only: Some(true),
                ..core::VolumeMount::default()
            }))
            .collect(),
        ),
        ..core::Container::default()
    }
}

fn env_var(variable: &resolved::EnvVar) -> core::EnvVar {
    match &variable.value {
        resolved::EnvSource::Literal(value) => {
            core::EnvVar { name: variable.name.value.clone(), value: Some(value.value.clone()), value_from: None }
        }
        resolved::EnvSource::Secret { secret, key } => core::EnvVar {
            name: variable.name.value.clone(),
            value: None,
            value_from: Some(core::EnvVarSource {
                secret_key_ref: Some(core::SecretKeySelector {
                    name: secret.value.clone(),
                    key: key.value.clone(),
                    optional: None,
                }),
                ..core::EnvVarSource::default()
            }),
        },
    }
}

fn resources(resources: &resolved::Resources) -> core::ResourceRequirements {
    let amounts = |amounts: &resolved::Amounts| {
        let mut map = BTreeMap::new();
        if let Some(cpu) = &amounts.cpu {
            map.insert("cpu".to_owned(), Quantity(cpu.value.to_string()));
        }
        if let Some(memory) = &amounts.memory {
            map.insert("memory".to_owned(), Quantity(memory.value.to_string()));
        }
        (!map.is_empty()).then_some(map)
    };
    core::ResourceRequirements {
        requests: amounts(&resources.requests),
        limits: amounts(&resources.limits),
        ..core::ResourceRequirements::default()
    }
}

fn probe(probe: &resolved::Probe) -> core::Probe {
    let port = |port: &resolved::PortRef| match port {
        resolved::PortRef::Name(name) => IntOrString::String(name.clone()),
        resolved::PortRef::Number(number) => IntOrString::Int(i32::from(*number)),
    };
    let mut result = core::Probe {
        initial_delay_seconds: probe.initial_delay.map(to_i32),
        period_seconds: probe.period.map(to_i32),
        timeout_seconds: probe.timeout.map(to_i32),
        failure_threshold: probe.failure_threshold.map(to_i32),
        success_threshold: probe.success_threshold.map(to_i32),
        ..core::Probe::default()
    };
    match &probe.action {
        resolved::ProbeAction::Http { path, port: probe_port } => {
            result.http_get = Some(core::HTTPGetAction {
                path: Some(path.clone()),
                port: port(probe_port),
                ..core::HTTPGetAction::default()
            });
        }
        resolved::ProbeAction::Tcp { port: probe_port } => {
            result.tcp_socket = Some(core::TCPSocketAction { port: port(probe_port), host: None });
        }
        resolved::ProbeAction::Exec { command } => {
            result.exec = Some(core::ExecAction { command: Some(command.clone()) });
        }
    }
    result
}

/// A map of the platform file's spanned strings as the plain strings an object holds.
pub(super) fn plain(map: &BTreeMap<Spanned<String>, Spanned<String>>) -> BTreeMap<String, String> {
    map.iter().map(|(key, value)| (key.value.clone(), value.value.clone())).collect()
}

fn non_empty(map: &BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!map.is_empty()).then(|| map.clone())
}

/// Counts in the model are `u32`; Kubernetes wants `i32`. Values past `i32::MAX` are clamped, since
/// no replica count, port or delay is that large in practice.
fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

pub(super) fn to_value(object: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(object).expect("k8s-openapi objects always serialise to JSON")
}
