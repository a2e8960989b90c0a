//! ArgoCD: takes an environment and the objects rendered for it, gives the app of apps: the root
//! Application, the environment's AppProject, and one child Application per directory of `out/<env>/`.
//! ArgoCD's types are our own (k8s-openapi has none), checked against the upstream CRD schemas in tests.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde::Serialize;

use super::{Manifest, Out, labels, names};
use crate::resolved;

const API_VERSION: &str = "argoproj.io/v1alpha1";
const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";
const IN_CLUSTER: &str = "https://kubernetes.default.svc";
/// The annotation that orders an Application or AppProject in its parent's sync; `validate` refuses it in
/// `[argocd] annotations`.
pub(crate) const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

use crate::analysis::{Facts, WAVE_PLATFORM, WAVE_PROJECT};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Application {
    api_version: &'static str,
    kind: &'static str,
    metadata: meta::ObjectMeta,
    spec: ApplicationSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationSpec {
    project: String,
    source: Source,
    destination: Destination,
    sync_policy: SyncPolicy,
    /// Fields the chart's controllers write after the sync, which ArgoCD must not call drift.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ignore_differences: Vec<IgnoreDifference>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IgnoreDifference {
    group: &'static str,
    kind: &'static str,
    jq_path_expressions: &'static [&'static str],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    #[serde(rename = "repoURL")]
    repo_url: String,
    target_revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chart: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    helm: Option<Helm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directory: Option<Directory>,
}

/// Which files of a directory source ArgoCD reads.
#[derive(Serialize)]
struct Directory {
    recurse: bool,
    include: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Helm {
    release_name: String,
    values_object: serde_json::Value,
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Destination {
    server: String,
    namespace: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    automated: Option<Automated>,
    sync_options: Vec<&'static str>,
    retry: Retry,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Automated {
    prune: bool,
    self_heal: bool,
}

#[derive(Serialize)]
struct Retry {
    limit: i64,
    backoff: Backoff,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Backoff {
    duration: &'static str,
    factor: i64,
    max_duration: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AppProject {
    api_version: &'static str,
    kind: &'static str,
    metadata: meta::ObjectMeta,
    spec: AppProjectSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AppProjectSpec {
    description: String,
    source_repos: Vec<String>,
    destinations: Vec<Destination>,
    cluster_resource_whitelist: Vec<GroupKind>,
    namespace_resource_whitelist: Vec<GroupKind>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sync_windows: Vec<SyncWindow>,
}

/// ArgoCD's `SyncWindow` (argo-cd v3.5.1, the AppProject CRD's `spec.syncWindows`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncWindow {
    kind: &'static str,
    schedule: String,
    duration: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    applications: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    namespaces: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    clusters: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    manual_sync: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

fn sync_windows(env: &resolved::Env) -> Vec<SyncWindow> {
    env.argocd
        .sync_windows
        .iter()
        .map(|window| {
            let (applications, namespaces, clusters) = crate::delivery::window_selectors(window);
            SyncWindow {
                kind: window.kind.value.as_str(),
                schedule: window.schedule.value.clone(),
                duration: window.duration.value.clone(),
                applications,
                namespaces,
                clusters,
                manual_sync: window.manual_sync.unwrap_or(false),
                time_zone: window.time_zone.as_ref().map(|it| it.value.clone()),
                description: window.description.as_ref().map(|it| it.value.clone()),
            }
        })
        .collect()
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKind {
    group: String,
    kind: String,
}

/// Adds the ArgoCD objects for `env`, given every object already rendered for it.
pub(super) fn render(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    let project = names::project(env);
    let has_directory = |directory: &str| out.directories.contains(directory);
    let waves = &facts.waves.by_name;
    let (cluster_kinds, namespaced_kinds) = kinds(&out.kinds);
    let has_gateway = has_directory(super::GATEWAY);
    let has_identity = has_directory(super::IDENTITY);
    let has_secrets = has_directory(super::SECRETS);
    let has_consumers = has_directory(crate::render::secrets::CONSUMERS);
    let has_manifests = has_directory(crate::render::MANIFESTS);

    let service_namespaces = &facts.namespaces.services;
    // The services' project also reaches the components' namespaces, for their network policies, quotas
    // and limit ranges (kinds it allows are only those Slipway renders).
    out.push(app_project(
        env,
        &project,
        vec![env.platform.repo.clone()],
        &facts.namespaces.all,
        cluster_kinds,
        namespaced_kinds,
        "services",
    ));
    let infra_project = names::infra_project(env);
    // A shared cluster's components are the cluster tree's: its Applications and project hold them.
    let components = || env.components.values().filter(|it| !it.shared);
    if components().next().is_some() {
        let mut repos: BTreeSet<String> =
            components().filter(|it| it.external.is_none()).map(|it| it.chart.repo.clone()).collect();
        repos.insert(env.platform.repo.clone());
        // Charts bring their own kinds (CRDs, RBAC, webhooks), which Slipway cannot list: the components
        // get a project of their own, limited to their chart repositories and namespaces.
        let everything = || vec![GroupKind { group: "*".to_owned(), kind: "*".to_owned() }];
        // Some charts also write into namespaces that are not theirs (the stack's exporters, kube-system).
        let mut destinations = facts.namespaces.components.clone();
        for component in components().filter(|it| it.external.is_none()) {
            destinations.extend(crate::catalog::kind_info(component.kind.value).extra_namespaces.iter().copied());
        }
        out.push(app_project(
            env,
            &infra_project,
            repos.into_iter().collect(),
            &destinations,
            everything(),
            everything(),
            "components",
        ));
    }

    if let Some(first_namespace) = facts.namespaces.all.first() {
        out.push(directory_app(
            env,
            super::PLATFORM,
            super::PLATFORM,
            &project,
            first_namespace,
            WAVE_PLATFORM,
            "namespaces of [services] and [components]".to_owned(),
        ));
    }
    for component in components() {
        let wave = waves[component.name.value.as_str()];
        let origin = format!("components.{}", component.name.value);
        if component.external.is_some() {
            let directory = format!("components/{}", component.name.value);
            out.push(directory_app(
                env,
                &component.name,
                &directory,
                &infra_project,
                &component.namespace,
                wave,
                origin,
            ));
        } else {
            if let Some(version) = &component.chart.version
                && let Some((crds, crds_version)) = crate::catalog::crds_chart(component.kind.value, &version.value)
            {
                out.push(crds_app(env, component, crds, crds_version, &infra_project, wave - 1));
            }
            // Custom resources of the chart's CRDs (MetalLB's pools, the ArangoDeployment) are an
            // Application of their own, a wave after the chart's.
            let custom_resources = match component.kind.value {
                resolved::ComponentKind::Metallb if !component.addresses.is_empty() => Some("pools"),
                resolved::ComponentKind::Arangodb => Some("deployment"),
                _ => None,
            };
            if let Some(suffix) = custom_resources {
                let directory = format!("components/{}", component.name.value);
                let name = format!("{}-{suffix}", component.name.value);
                out.push(directory_app(
                    env,
                    &name,
                    &directory,
                    &infra_project,
                    &component.namespace,
                    wave + 1,
                    origin.clone(),
                ));
            }
            out.push(chart_app(env, component, &infra_project, wave, origin));
        }
    }
    // Secrets are delivered after the operators that deliver them, and before the data stores, gateways,
    // identity providers and services that read them: a data store waiting for a Secret of a later wave
    // would never become healthy, and the sync would stop there.
    let first_service_wave = facts.waves.after_components(env);
    if let Some(secrets_wave) = facts.waves.secrets
        && has_secrets
        && let Some(first_namespace) = service_namespaces.first()
    {
        out.push(directory_app(
            env,
            super::SECRETS,
            super::SECRETS,
            &project,
            first_namespace,
            secrets_wave,
            super::SECRETS.to_owned(),
        ));
    }
    if has_gateway && let Some(first_namespace) = service_namespaces.first() {
        let gateway_wave = env
            .gateway
            .as_ref()
            .and_then(|it| it.component.as_ref())
            .and_then(|it| waves.get(it.value.as_str()).copied())
            .map(|wave| wave + 1);
        out.push(directory_app(
            env,
            super::GATEWAY,
            super::GATEWAY,
            &project,
            first_namespace,
            gateway_wave.unwrap_or(first_service_wave),
            super::GATEWAY.to_owned(),
        ));
    }
    if has_identity && let Some(identity) = &env.identity {
        let component = identity.component.as_ref().and_then(|it| env.components.get(it.value.as_str()));
        if let Some(component) = component {
            // The realm must exist before the identity provider starts and imports it.
            let wave = waves[component.name.value.as_str()] - 1;
            out.push(directory_app(
                env,
                super::IDENTITY,
                super::IDENTITY,
                &infra_project,
                &component.namespace,
                wave,
                super::IDENTITY.to_owned(),
            ));
        }
    }
    // Synced last: its credentials may wait for the identity provider, and nothing waits for them.
    if has_consumers && let Some(namespace) = env.gateway_namespace() {
        let last = waves.values().copied().max().unwrap_or(0) + 1;
        out.push(directory_app(
            env,
            crate::render::secrets::CONSUMERS,
            crate::render::secrets::CONSUMERS,
            &project,
            namespace,
            last,
            super::GATEWAY.to_owned(),
        ));
    }
    if let Some(wave) = facts.waves.manifests
        && has_manifests
    {
        for app in manifests_apps(facts, out, wave) {
            out.push(app);
        }
    }
    for service in env.services.values() {
        let directory = format!("services/{}", service.name.value);
        let wave = waves[service.name.value.as_str()];
        out.push(directory_app(
            env,
            &service.name,
            &directory,
            &project,
            &service.namespace,
            wave,
            format!("services.{}", service.name.value),
        ));
    }

    let root = Application {
        api_version: API_VERSION,
        kind: "Application",
        metadata: metadata(env, &names::root(env), 0, true),
        spec: ApplicationSpec {
            // The root creates the AppProjects, so it cannot belong to one of them.
            project: "default".to_owned(),
            source: directory_source(env, "apps"),
            destination: Destination { server: IN_CLUSTER.to_owned(), namespace: env.argocd.namespace.value.clone() },
            sync_policy: sync_policy(env, false, false),
            ignore_differences: Vec::new(),
        },
    };
    out.push(Manifest::new(
        format!("{}/{}.yaml", env.name.value, super::ROOT),
        format!("environments.{}", env.name.value),
        root,
    ));
}

/// The plain manifests' project and Application. The project allows the platform's repository, the
/// namespaces the manifests are in (and the Application's own), and exactly their kinds; the Application
/// skips the dry run of custom resources whose definitions a component installs in the same sync.
fn manifests_apps(facts: &Facts<'_>, out: &Out<'_>, wave: i32) -> Vec<Manifest> {
    let env = facts.env;
    let name = format!("{}-{}-{}", env.platform.name.value, env.name.value, crate::render::MANIFESTS);
    let destination = out
        .plain_namespaces
        .iter()
        .map(String::as_str)
        .chain(facts.namespaces.all.iter().copied())
        .next()
        .unwrap_or(env.argocd.namespace.value.as_str())
        .to_owned();
    let mut namespaces: BTreeSet<&str> = out.plain_namespaces.iter().map(String::as_str).collect();
    namespaces.insert(&destination);
    let (cluster_kinds, namespaced_kinds) = kinds(&out.plain_kinds);
    let project = app_project(
        env,
        &name,
        vec![env.platform.repo.clone()],
        &namespaces,
        cluster_kinds,
        namespaced_kinds,
        "plain manifests",
    );
    let directory = crate::render::MANIFESTS;
    let mut app = application(env, directory, &name, directory_source(env, directory), &destination, wave);
    app.spec.sync_policy.sync_options.push("SkipDryRunOnMissingResource=true");
    vec![project, manifest(env, app, crate::render::MANIFESTS.to_owned())]
}

fn app_project(
    env: &resolved::Env,
    name: &str,
    source_repos: Vec<String>,
    namespaces: &BTreeSet<&str>,
    cluster_resource_whitelist: Vec<GroupKind>,
    namespace_resource_whitelist: Vec<GroupKind>,
    what: &str,
) -> Manifest {
    let project = AppProject {
        api_version: API_VERSION,
        kind: "AppProject",
        metadata: metadata(env, name, WAVE_PROJECT, false),
        spec: AppProjectSpec {
            description: format!(
                "{} platform, {} environment, {what} (generated by slipway)",
                env.platform.name.value, env.name.value
            ),
            source_repos,
            destinations: namespaces
                .iter()
                .map(|namespace| Destination { server: env.cluster.server.clone(), namespace: (*namespace).to_owned() })
                .collect(),
            cluster_resource_whitelist,
            namespace_resource_whitelist,
            sync_windows: sync_windows(env),
        },
    };
    Manifest::new(
        format!("{}/apps/appproject-{name}.yaml", env.name.value),
        format!("environments.{}", env.name.value),
        project,
    )
}

fn directory_app(
    env: &resolved::Env,
    name: &str,
    directory: &str,
    project: &str,
    namespace: &str,
    wave: i32,
    origin: String,
) -> Manifest {
    manifest(env, application(env, name, project, directory_source(env, directory), namespace, wave), origin)
}

fn chart_app(
    env: &resolved::Env,
    component: &resolved::Component,
    project: &str,
    wave: i32,
    origin: String,
) -> Manifest {
    let source = Source {
        repo_url: component.chart.repo.clone(),
        target_revision: component.chart.version.as_ref().map(|it| it.value.clone()).unwrap_or_default(),
        path: None,
        chart: Some(component.chart.name.clone()),
        directory: None,
        helm: Some(Helm {
            release_name: component.name.value.clone(),
            values_object: super::components::values(env, component),
        }),
    };
    let mut app = application(env, &component.name, project, source, &component.namespace, wave);
    let info = crate::catalog::kind_info(component.kind.value);
    // CRDs over the 262,144 bytes of client-side apply's last-applied annotation fail to sync without it.
    if info.server_side_apply {
        app.spec.sync_policy.sync_options.push("ServerSideApply=true");
    }
    if !info.ignore_differences.is_empty() {
        // Self-heal would otherwise undo what the chart's controllers write.
        app.spec.sync_policy.sync_options.push("RespectIgnoreDifferences=true");
        app.spec.ignore_differences = info
            .ignore_differences
            .iter()
            .map(|it| IgnoreDifference { group: it.group, kind: it.kind, jq_path_expressions: it.jq_path_expressions })
            .collect();
    }
    manifest(env, app, origin)
}

/// The chart of a component's CRDs, installed a wave before the component's own chart.
fn crds_app(
    env: &resolved::Env,
    component: &resolved::Component,
    chart: &str,
    version: &str,
    project: &str,
    wave: i32,
) -> Manifest {
    let name = format!("{}-crds", component.name.value);
    let source = Source {
        repo_url: component.chart.repo.clone(),
        target_revision: version.to_owned(),
        path: None,
        chart: Some(chart.to_owned()),
        directory: None,
        helm: Some(Helm { release_name: name.clone(), values_object: serde_json::json!({}) }),
    };
    let app = application(env, &name, project, source, &component.namespace, wave);
    manifest(env, app, format!("components.{}", component.name.value))
}

fn application(
    env: &resolved::Env,
    name: &str,
    project: &str,
    source: Source,
    namespace: &str,
    wave: i32,
) -> Application {
    Application {
        api_version: API_VERSION,
        kind: "Application",
        metadata: metadata(env, &names::application(env, name), wave, true),
        spec: ApplicationSpec {
            project: project.to_owned(),
            source,
            destination: Destination { server: env.cluster.server.clone(), namespace: namespace.to_owned() },
            sync_policy: sync_policy(env, name != super::PLATFORM, waits_outside(name)),
            ignore_differences: Vec::new(),
        },
    }
}

/// A child Application as the file `apps/` holds it.
fn manifest(env: &resolved::Env, application: Application, origin: String) -> Manifest {
    let name = application.metadata.name.as_deref().unwrap_or_default();
    Manifest::new(format!("{}/apps/application-{name}.yaml", env.name.value), origin, application)
}

/// Metadata of an ArgoCD object. Its instance label names the root Application, which owns it under
/// ArgoCD's label tracking. Applications carry the resources finalizer, so that deleting one deletes
/// what it deployed at every level of the app of apps; the AppProject carries none, since a foreign
/// finalizer would block its deletion.
/// `[argocd] labels` and `annotations` come first, so Slipway's own win (validate refuses those anyway).
fn metadata(env: &resolved::Env, name: &str, wave: i32, finalizer: bool) -> meta::ObjectMeta {
    let mut labels = super::workload::plain(&env.argocd.labels);
    labels.extend(labels::common(env, super::ROOT, None));
    let mut annotations = super::workload::plain(&env.argocd.annotations);
    annotations.insert(SYNC_WAVE.to_owned(), wave.to_string());
    meta::ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(env.argocd.namespace.value.clone()),
        labels: Some(labels),
        annotations: Some(annotations),
        finalizers: finalizer.then(|| vec![FINALIZER.to_owned()]),
        ..meta::ObjectMeta::default()
    }
}

fn directory_source(env: &resolved::Env, directory: &str) -> Source {
    let prefix = if env.platform.path.is_empty() { String::new() } else { format!("{}/", env.platform.path) };
    Source {
        repo_url: env.platform.repo.clone(),
        target_revision: env.platform.revision.clone(),
        path: Some(format!("{prefix}{}/{directory}", env.name.value)),
        chart: None,
        helm: None,
        directory: None,
    }
}

/// The Applications whose objects wait for something made outside Slipway (a secret store, the values
/// in it): they retry without a limit, since ArgoCD does not retry a failed automated sync of the same
/// revision by itself (a negative limit is unlimited: argo-cd v3.5.1 controller/appcontroller.go:1620).
fn waits_outside(name: &str) -> bool {
    name == super::SECRETS || name == super::secrets::CONSUMERS
}

fn sync_policy(env: &resolved::Env, create_namespace: bool, unlimited_retries: bool) -> SyncPolicy {
    let mut sync_options = vec!["PruneLast=true"];
    if create_namespace {
        sync_options.insert(0, "CreateNamespace=true");
    }
    SyncPolicy {
        // A manual environment syncs when someone says so: no automated policy at any level.
        automated: env.argocd.automated.then_some(Automated { prune: true, self_heal: true }),
        sync_options,
        retry: Retry {
            limit: if unlimited_retries { -1 } else { 5 },
            backoff: Backoff { duration: "5s", factor: 2, max_duration: "3m" },
        },
    }
}

/// The (group, kind) pairs rendered, cluster-scoped and namespaced: the project allows exactly these.
fn kinds(kinds: &BTreeSet<(String, String, bool)>) -> (Vec<GroupKind>, Vec<GroupKind>) {
    // The set is ordered by group and kind, so each list comes out sorted and without repeats.
    let (mut cluster, mut namespaced) = (Vec::new(), Vec::new());
    for (group, kind, is_namespaced) in kinds {
        let kind = GroupKind { group: group.clone(), kind: kind.clone() };
        if *is_namespaced { namespaced.push(kind) } else { cluster.push(kind) }
    }
    (cluster, namespaced)
}

/// With `[argocd] root = "all"`: one Application over every environment's root, `out/root.yaml`, to be
/// applied once where ArgoCD runs. It reads only the shared clusters' and the environments' `root.yaml` files (a directory source
/// with `recurse` and an `include` glob, matched by ArgoCD against paths below `path`), at the platform's
/// own revision; each environment's root then follows its own. It syncs automatically only when every
/// environment does, and carries the labels and annotations every environment's `[argocd]` shares.
pub fn root_of_roots(envs: &[resolved::Env], clusters: &[resolved::Env]) -> Option<Manifest> {
    let first = envs.first()?;
    first.platform.root?;
    let platform = &first.platform;
    // The shared clusters' roots too (`out/clusters/<name>/root.yaml`): one root is the whole platform.
    let roots: Vec<String> = clusters
        .iter()
        .map(|tree| format!("clusters/{}/root.yaml", tree.name.value))
        .chain(envs.iter().map(|env| format!("{}/root.yaml", env.name.value)))
        .collect();
    let include = if roots.len() == 1 { roots[0].clone() } else { format!("{{{}}}", roots.join(",")) };
    let shared =
        |pick: fn(&resolved::Env) -> &BTreeMap<crate::source::Spanned<String>, crate::source::Spanned<String>>| {
            pick(first)
                .iter()
                .filter(|(key, value)| {
                    envs.iter().all(|env| pick(env).get(*key).is_some_and(|it| it.value == value.value))
                })
                .map(|(key, value)| (key.value.clone(), value.value.clone()))
                .collect::<BTreeMap<_, _>>()
        };
    let mut labels = shared(|env| &env.argocd.labels);
    labels.extend(labels::platform_root(&platform.name.value, &names::root_of_roots(&platform.name.value)));
    let annotations = shared(|env| &env.argocd.annotations);
    let automated = envs.iter().all(|env| env.argocd.automated);
    let root = Application {
        api_version: API_VERSION,
        kind: "Application",
        metadata: meta::ObjectMeta {
            name: Some(names::root_of_roots(&platform.name.value)),
            namespace: Some(first.argocd.namespace.value.clone()),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            finalizers: Some(vec![FINALIZER.to_owned()]),
            ..meta::ObjectMeta::default()
        },
        spec: ApplicationSpec {
            project: "default".to_owned(),
            source: Source {
                repo_url: platform.repo.clone(),
                target_revision: platform.base_revision.clone(),
                path: Some(if platform.path.is_empty() { ".".to_owned() } else { platform.path.clone() }),
                chart: None,
                helm: None,
                directory: Some(Directory { recurse: true, include }),
            },
            destination: Destination { server: IN_CLUSTER.to_owned(), namespace: first.argocd.namespace.value.clone() },
            // An environment's policy, automated only when every environment is.
            sync_policy: SyncPolicy {
                automated: automated.then_some(Automated { prune: true, self_heal: true }),
                ..sync_policy(first, false, false)
            },
            ignore_differences: Vec::new(),
        },
    };
    Some(Manifest::new(format!("{}.yaml", super::ROOT), "argocd".to_owned(), root))
}
