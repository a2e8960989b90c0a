//! Resolve: takes the `model::Platform`, gives one `resolved::Env` per environment, with defaults, runtime
//! presets and the environment's overlay deep-merged and `${...}` references expanded; plus the
//! diagnostics found on the way (unknown overrides, missing images, references to nothing).

mod interpolate;
mod merge;
mod preset;

use std::collections::BTreeMap;

use merge::Merge;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model;
use crate::quantity::{Cpu, Memory};
use crate::resolved;
use crate::source::{SourceFile, Span, Spanned};

pub const DEFAULT_SERVER: &str = "https://kubernetes.default.svc";

/// Resolves every environment, sorted by name. Environments with errors are still returned, so that
/// `validate` can report everything in one run; the caller renders nothing if any error was found.
pub fn resolve(
    platform: &model::Platform,
    source: &SourceFile,
    attachments: &crate::load::Attachments,
) -> (Vec<resolved::Env>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if platform.environments.is_empty() {
        diagnostics.push(
            Diagnostic::error(Code::MissingKey, "the platform declares no environments")
                .with_label(platform.platform.name.span, "nothing to render for this platform")
                .with_help("add an environment, such as `[environments.dev]`"),
        );
    }
    let mut environments: Vec<_> = platform.environments.iter().collect();
    environments.sort_by(|a, b| a.0.cmp(b.0));
    let names: Vec<&str> = environments.iter().map(|(name, _)| name.value.as_str()).collect();
    let (plain, problems) = crate::manifests::read(&attachments.manifests, &names);
    diagnostics.extend(problems);
    // Each environment on a thread of its own; their diagnostics in the environments' order.
    let resolved = crate::parallel::map(&environments, |(name, overlay)| {
        let mut ctx = Ctx { platform, source, attachments, environment: name, diagnostics: Vec::new() };
        let mut env = ctx.resolve_env(overlay);
        env.manifests = plain
            .iter()
            .filter(|(directory, _)| directory == crate::manifests::ALL || *directory == name.value)
            .map(|(_, object)| object.clone())
            .collect();
        (env, ctx.diagnostics)
    });
    let mut envs = Vec::with_capacity(resolved.len());
    for (env, mut found) in resolved {
        diagnostics.append(&mut found);
        envs.push(env);
    }
    (envs, diagnostics)
}

/// The tree of each shared cluster (`[clusters.<name>]` with environments placed on it): an `Env` named
/// after the cluster that holds only the cluster-wide components of its environments, once each, for
/// `out/clusters/<name>/`; in the order `[clusters]` declares them. Its settings are those of the first
/// environment on the cluster in declaration order (the checks hold the others to the same components).
///
/// The plain manifests of `manifests/all/` that belong to the cluster rather than to an environment (a
/// cluster-scoped object, or one in the namespace of a cluster-wide component, such as Linkerd's trust
/// roots) move from every environment on it to the tree, once; the rest stay each environment's own.
pub fn clusters(platform: &model::Platform, envs: &mut [resolved::Env]) -> Vec<resolved::Env> {
    let trees = cluster_trees(platform, envs);
    for tree in &trees {
        let on_cluster = |env: &resolved::Env| env.cluster.name.as_ref().is_some_and(|it| it.value == tree.name.value);
        for env in envs.iter_mut().filter(|env| on_cluster(env)) {
            env.manifests.retain(|object| {
                !tree.manifests.iter().any(|it| it.relative == object.relative && it.line == object.line)
            });
        }
    }
    trees
}

/// Whether a plain manifest of `manifests/all/` is the cluster's: cluster-scoped, or in a namespace of
/// the tree's (cluster-wide) components.
fn cluster_manifest(tree: &resolved::Env, object: &resolved::PlainObject) -> bool {
    if !object.relative.starts_with(&format!("manifests/{}/", crate::manifests::ALL)) {
        return false;
    }
    let api_version = object.object["apiVersion"].as_str().unwrap_or_default();
    let kind = object.object["kind"].as_str().unwrap_or_default();
    let scoped = crate::validate::manifests::namespaced(crate::validate::manifests::group(api_version), kind);
    match object.object["metadata"]["namespace"].as_str() {
        None => scoped != Some(true),
        Some(namespace) => tree.components.values().any(|component| component.namespace.value == namespace),
    }
}

fn cluster_trees(platform: &model::Platform, envs: &[resolved::Env]) -> Vec<resolved::Env> {
    let mut trees = Vec::new();
    for name in platform.clusters.keys() {
        let on_cluster = |env: &&resolved::Env| env.cluster.name.as_ref().is_some_and(|it| it.value == name.value);
        // Declaration order: the first environment on the cluster gives the tree its settings.
        let members: Vec<&resolved::Env> = platform
            .environments
            .keys()
            .filter_map(|declared| envs.iter().find(|env| env.name.value == declared.value))
            .filter(on_cluster)
            .collect();
        let Some(first) = members.first() else { continue };
        let mut tree = (*first).clone();
        tree.name = name.clone();
        tree.cluster_tree = true;
        tree.services = BTreeMap::new();
        tree.identity = None;
        tree.incomplete = std::collections::BTreeSet::new();
        tree.disabled = std::collections::BTreeSet::new();
        tree.components = BTreeMap::new();
        // Plain manifests are each environment's own (in its namespaces), but those the cluster has once.
        let manifests = std::mem::take(&mut tree.manifests);
        for member in &members {
            for component in member.components.values().filter(|it| it.shared) {
                tree.components
                    .entry(component.name.value.clone())
                    .or_insert_with(|| resolved::Component { shared: false, ..component.clone() });
            }
        }
        tree.manifests = manifests.into_iter().filter(|object| cluster_manifest(&tree, object)).collect();
        // The gateway's settings reach its chart's values (NodePorts); its consumers are each environment's.
        if let Some(gateway) = &mut tree.gateway {
            gateway.jwt_consumers.clear();
            gateway.jwt_key_claim = None;
        }
        let info = &platform.platform;
        tree.platform.revision = info.revision.as_ref().map_or_else(|| "main".to_owned(), |it| it.value.clone());
        tree.platform.path = if tree.platform.path.is_empty() {
            "clusters".to_owned()
        } else {
            format!("{}/clusters", tree.platform.path)
        };
        tree.argocd.automated = platform.argocd.sync.as_ref().is_none_or(|it| it.value == model::SyncMode::Automated);
        trees.push(tree);
    }
    trees
}

struct Ctx<'a> {
    platform: &'a model::Platform,
    source: &'a SourceFile,
    attachments: &'a crate::load::Attachments,
    environment: &'a Spanned<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// A table of the platform lacks a key it cannot do without: reported at the table's header.
    fn missing_in_table(&mut self, table: &str, key: &str, example: &str) {
        let header = format!("[{table}]");
        let at = self.source.text.find(&header).map_or(Span::default(), |start| Span::new(start, start + header.len()));
        self.report(
            Diagnostic::error(Code::MissingKey, format!("`[{table}]` has no `{key}`"))
                .with_label(at, format!("without `{key}` nothing of `[{table}]` would be rendered"))
                .with_help(format!("add {example}")),
        );
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic.in_environment(self.environment));
    }

    /// An environment may only override what the base platform declares.
    fn unknown_overrides<'b, V>(
        &mut self,
        overrides: impl Iterator<Item = &'b Spanned<String>>,
        declared: &indexmap::IndexMap<Spanned<String>, V>,
        what: &str,
        table: &str,
    ) {
        for name in overrides {
            if !declared.contains_key(name) {
                let help = did_you_mean(name, declared.keys().map(|key| key.value.as_str()));
                self.report(
                    Diagnostic::error(
                        Code::UnknownService,
                        format!("environment overrides unknown {what} `{}`", name.value),
                    )
                    .with_label(name.span, format!("not declared in {table}"))
                    .with_help_opt(help),
                );
            }
        }
    }

    /// The environment's secrets: each declared secret with the environment's overlay of it, and the
    /// secrets the overlay alone declares.
    fn resolve_secrets(
        &mut self,
        overlay: &model::Environment,
        secret_stores: &BTreeMap<String, Spanned<model::StoreKind>>,
    ) -> BTreeMap<String, resolved::Secret> {
        let platform = self.platform;
        // An overlay of a secret the platform does not declare declares it, for this environment: it needs
        // `keys` or `objects`; without them it is taken for an override of a misspelled secret.
        let overrides = overlay
            .secrets
            .iter()
            .filter(|(_, secret)| secret.keys.is_none() && secret.objects.is_none())
            .map(|(name, _)| name);
        self.unknown_overrides(overrides, &platform.secrets, "secret", "[secrets]");
        let nothing = model::Secret::default();
        let only_here = overlay
            .secrets
            .iter()
            .filter(|(name, secret)| {
                !platform.secrets.contains_key(*name) && (secret.keys.is_some() || secret.objects.is_some())
            })
            .map(|(name, _)| (name, &nothing));
        let mut secrets = BTreeMap::new();
        for (name, base) in platform.secrets.iter().chain(only_here) {
            let mut secret = base.clone();
            if let Some(overlay) = overlay.secrets.get(name.value.as_str()) {
                secret.merge(overlay.clone());
            }
            let resolved = self.resolve_secret(name, secret, secret_stores);
            secrets.insert(name.value.clone(), resolved);
        }
        secrets
    }

    fn resolve_secret(
        &mut self,
        name: &Spanned<String>,
        secret: model::Secret,
        secret_stores: &BTreeMap<String, Spanned<model::StoreKind>>,
    ) -> resolved::Secret {
        let objects = match (secret.objects, secret.keys) {
            (Some(objects), keys) => {
                // `objects` stands for `keys`, `remote` and `properties`; written together, one is a mistake.
                let single = keys.as_ref().and_then(|it| it.first()).map(|it| (it.span, "keys"));
                let single = single.or(secret.remote.as_ref().map(|it| (it.span, "remote")));
                if let Some((span, key)) = single {
                    self.report(
                        Diagnostic::error(
                            Code::SecretObjects,
                            format!("secret `{}` has both `objects` and `{key}`", name.value),
                        )
                        .with_label(span, "`objects` takes the place of `keys`, `remote` and `properties`")
                        .with_help("write each key in the `keys` of the object it comes from, and remove this"),
                    );
                }
                if objects.is_empty() || objects.iter().any(|object| object.keys.is_empty()) {
                    self.report(
                        Diagnostic::error(
                            Code::SecretObjects,
                            format!("secret `{}` has an object with no keys", name.value),
                        )
                        .with_label(
                            objects.iter().find(|it| it.keys.is_empty()).map_or(name.span, |it| it.remote.span),
                            "gives no key",
                        )
                        .with_help(
                            "give each object its keys: `{ remote = \"...\", keys = { DB_PASSWORD = \"password\" } }`",
                        ),
                    );
                }
                objects
                    .into_iter()
                    .map(|object| resolved::RemoteObject {
                        remote: self.expand_remote(&object.remote),
                        span: Some(object.remote.span),
                        keys: object.keys.into_iter().map(|(key, property)| (key, property.value)).collect(),
                    })
                    .collect()
            }
            (None, Some(keys)) => {
                let properties = secret.properties.unwrap_or_default();
                let remote = secret.remote.as_ref().map_or_else(|| name.value.clone(), |it| self.expand_remote(it));
                let keys = keys
                    .into_iter()
                    .map(|key| {
                        let property = properties.get(&key.value).cloned().unwrap_or_else(|| key.value.clone());
                        (key, property)
                    })
                    .collect();
                vec![resolved::RemoteObject { remote, span: None, keys }]
            }
            (None, None) => {
                self.report(
                    Diagnostic::error(Code::MissingKey, format!("secret `{}` has no `keys`", name.value))
                        .with_label(name.span, "the keys it holds are not declared")
                        .with_help("add `keys = [\"...\"]` (or `objects`, for a secret made of several remote ones)"),
                );
                Vec::new()
            }
        };
        let backend = secret.backend.clone().unwrap_or_else(|| Spanned::new(model::Backend::Existing, name.span));
        let sealed = (backend.value == model::Backend::SealedSecrets)
            .then(|| self.attachments.sealed_secret(&self.environment.value, &name.value));
        let store_kind = secret
            .store
            .as_ref()
            .and_then(|store| secret_stores.get(&store.value))
            .map_or(model::StoreKind::ClusterSecretStore, |kind| kind.value);
        resolved::Secret {
            name: name.clone(),
            keys: objects.iter().flat_map(|object| object.keys.iter().map(|(key, _)| key.clone())).collect(),
            objects,
            backend,
            store: secret.store.clone(),
            store_kind,
            refresh: secret.refresh.as_ref().map_or(3600, |it| it.value.seconds()),
            region: secret.region.clone(),
            mount_path: secret.mount_path.clone().unwrap_or_else(|| format!("/mnt/secrets-store/{}", name.value)),
            role_arn: secret.role_arn.clone(),
            reload: secret.reload.unwrap_or(false),
            sealed,
        }
    }

    /// A remote key may name the environment and the platform: `flowmind/${environment.name}/api`.
    fn expand_remote(&mut self, remote: &Spanned<String>) -> String {
        if !remote.contains('$') {
            return remote.value.clone();
        }
        let raw = self.source.text.get(remote.span.start..remote.span.end).unwrap_or_default();
        let lookup = |name: &str| match name {
            "environment.name" => Some(self.environment.value.clone()),
            "platform.name" => Some(self.platform.platform.name.value.clone()),
            _ => None,
        };
        match interpolate::expand(remote, remote.span, raw, lookup) {
            Ok((expanded, _)) => expanded,
            Err(errors) => {
                for error in errors {
                    self.report(
                        Diagnostic::error(
                            Code::UnresolvedReference,
                            format!("`${{{}}}` does not resolve to anything", error.reference),
                        )
                        .with_label(error.span, "a secret's remote key may name only the environment and the platform")
                        .with_help("write `${environment.name}` or `${platform.name}`"),
                    );
                }
                remote.value.clone()
            }
        }
    }

    /// Applies one layer of service settings over what `base` inherited: first its `unset` (each must name
    /// something inherited), then its own settings, deep-merged.
    fn inherit(&mut self, base: &mut model::ServiceSpec, mut layer: model::ServiceSpec) {
        for path in layer.unset.take().unwrap_or_default() {
            if merge::unset(base, &path.value) {
                continue;
            }
            let inherited = merge::inherited(base);
            let help =
                did_you_mean(&path.value.to_string(), inherited.iter().map(String::as_str)).unwrap_or_else(|| {
                    if inherited.is_empty() {
                        "this table inherits nothing; remove the `unset` entry".to_owned()
                    } else {
                        let names: Vec<String> = inherited.iter().take(12).map(|it| format!("`{it}`")).collect();
                        format!("what this table inherits: {}", names.join(", "))
                    }
                });
            self.report(
                Diagnostic::error(
                    Code::UnsetNotInherited,
                    format!("`unset` names `{}`, which is not inherited here", path.value),
                )
                .with_label(path.span, "nothing inherited to unset")
                .with_help(help),
            );
        }
        base.merge(layer);
    }

    /// `group` is the service's to choose: in `[defaults.service]` or a group it would mean nothing.
    fn not_a_service_key(&mut self, layer: &model::ServiceSpec) {
        if let Some(group) = &layer.group {
            self.report(
                Diagnostic::error(Code::ServiceGroup, "`group` is chosen by each service, not by defaults")
                    .with_label(group.span, "defaults cannot name a group")
                    .with_help("write `group = \"...\"` in the services that belong to the group"),
            );
        }
    }

    fn unknown_group(&mut self, group: &Spanned<String>, groups: &BTreeMap<&str, model::ServiceSpec>) {
        let help = did_you_mean(group, groups.keys().copied()).unwrap_or_else(|| {
            format!("declare it: `[defaults.groups.{}]`, with the settings its services share", group.value)
        });
        self.report(
            Diagnostic::error(Code::ServiceGroup, format!("group `{}` is not declared", group.value))
                .with_label(group.span, "not declared in [defaults.groups]")
                .with_help(help),
        );
    }

    fn resolve_env(&mut self, overlay: &model::Environment) -> resolved::Env {
        let platform = self.platform;
        self.unknown_overrides(overlay.services.keys(), &platform.services, "service", "[services]");
        // An overlay component with a `kind` is declared there, for this environment alone.
        let overrides = overlay.components.iter().filter(|(_, spec)| spec.kind.is_none()).map(|(name, _)| name);
        self.unknown_overrides(overrides, &platform.components, "component", "[components]");

        let mut cluster = platform.cluster.clone();
        let base_cluster_span = cluster_span(&cluster);
        let mut cluster_name = None;
        let cluster_span = match overlay.cluster.as_ref().map(|it| &it.value) {
            Some(model::EnvCluster::Inline(own)) => {
                cluster.merge(own.clone());
                cluster_span(own).or(base_cluster_span)
            }
            Some(model::EnvCluster::Named(name)) => {
                // A bare string carries no span of its own: the whole value's.
                let at = overlay.cluster.as_ref().map_or(name.span, |it| it.span);
                if let Some((declared, shared)) = platform.clusters.get_key_value(name.value.as_str()) {
                    cluster.merge(shared.clone());
                    cluster_name = Some(declared.clone());
                    cluster_span(shared).or(Some(declared.span))
                } else {
                    let help = did_you_mean(&name.value, platform.clusters.keys().map(|key| key.value.as_str()));
                    self.report(
                        Diagnostic::error(Code::UnknownCluster, format!("cluster `{}` is not declared", name.value))
                            .with_label(at, "not declared in [clusters]")
                            .with_help(help.unwrap_or_else(|| {
                                format!("declare `[clusters.{}]` with its capacity and `server`", name.value)
                            })),
                    );
                    base_cluster_span
                }
            }
            None => base_cluster_span,
        };
        // Where a defaulted capacity points, should anything ever report it.
        let default_span = cluster_span.unwrap_or(platform.platform.name.span);
        let mut argocd = platform.argocd.clone();
        if let Some(overlay) = &overlay.argocd {
            if let Some(root) = &overlay.root {
                self.report(
                    Diagnostic::error(Code::InvalidRoot, "`root` is set in an environment's `argocd`")
                        .with_label(root.span, "one Application over every environment is not an environment's")
                        .with_help("set `root = \"all\"` in the base `[argocd]` table"),
                );
            }
            argocd.merge(overlay.clone());
        }
        // Defaults, then the environment's defaults; then each group's settings over them.
        let mut defaults = model::ServiceSpec::default();
        let env_defaults = overlay.defaults.clone().unwrap_or_default();
        for layer in [platform.defaults.service.clone(), env_defaults.service].into_iter().flatten() {
            self.not_a_service_key(&layer);
            self.inherit(&mut defaults, layer);
        }
        let mut groups: BTreeMap<&str, model::ServiceSpec> = BTreeMap::new();
        let group_layers = platform.defaults.groups.iter().flatten().chain(env_defaults.groups.iter().flatten());
        for (name, layer) in group_layers {
            self.not_a_service_key(layer);
            let group = groups.entry(name.value.as_str()).or_insert_with(|| defaults.clone());
            self.inherit(group, layer.clone());
        }

        let mut components = BTreeMap::new();
        let mut incomplete_components = std::collections::BTreeSet::new();
        let mut disabled = std::collections::BTreeSet::new();
        let nothing = model::Component::default();
        let only_here = overlay
            .components
            .iter()
            .filter(|(name, spec)| spec.kind.is_some() && !platform.components.contains_key(*name))
            .map(|(name, _)| (name, &nothing));
        for (name, spec) in platform.components.iter().chain(only_here) {
            let mut merged = spec.clone();
            let mut overridden_at = None;
            if let Some((key, overlay)) = overlay.components.get_key_value(name.value.as_str()) {
                merged.merge(overlay.clone());
                overridden_at = Some(key.span);
            }
            // Left out of this environment: what uses it is told so by the references check.
            if merged.enabled.as_ref().is_some_and(|it| !it.value) {
                disabled.insert(name.value.clone());
                continue;
            }
            match self.resolve_component(name, merged) {
                Some(component) => {
                    components.insert(name.value.clone(), resolved::Component { overridden_at, ..component });
                }
                None => {
                    incomplete_components.insert(name.value.clone());
                }
            }
        }
        let mut gateway = platform.gateway.clone();
        gateway.merge(overlay.gateway.clone());
        // An incomplete `[gateway]` or `[identity]` is an error, not a table silently skipped.
        let gateway = gateway.and_then(|gateway| {
            if gateway.kind.is_none() {
                self.missing_in_table("gateway", "kind", "`kind = \"kong\"` (or `traefik`, `nginx`, `alb`)");
            }
            let default_group = format!("{}-{}", platform.platform.name.value, self.environment.value);
            resolve_gateway(gateway, &components, default_group)
        });
        let mut identity = platform.identity.clone();
        identity.merge(overlay.identity.clone());
        let identity = identity.and_then(|identity| {
            if identity.kind.is_none() {
                self.missing_in_table("identity", "kind", "`kind = \"keycloak\"`");
            }
            if identity.realm.is_none() {
                self.missing_in_table("identity", "realm", "`realm = \"<name>\"`, the realm its clients live in");
            }
            resolve_identity(identity, &components)
        });

        let mut services = BTreeMap::new();
        let mut incomplete = std::collections::BTreeSet::new();
        for (name, spec) in &platform.services {
            let service_overlay = overlay.services.get(name.value.as_str());
            let group = service_overlay.and_then(|it| it.group.as_ref()).or(spec.group.as_ref());
            let settings = group.and_then(|group| {
                let settings = groups.get(group.value.as_str());
                if settings.is_none() {
                    self.unknown_group(group, &groups);
                }
                settings
            });
            let mut merged = settings.unwrap_or(&defaults).clone();
            self.inherit(&mut merged, spec.clone());
            if let Some(overlay) = service_overlay {
                self.inherit(&mut merged, overlay.clone());
            }
            match self.resolve_service(name, merged) {
                Some(service) => {
                    services.insert(name.value.clone(), service);
                }
                None => {
                    incomplete.insert(name.value.clone());
                }
            }
        }
        incomplete.extend(incomplete_components);
        self.expand_references(&mut services, &components, gateway.as_ref(), &incomplete);

        let secret_stores: BTreeMap<String, Spanned<model::StoreKind>> = platform
            .secret_stores
            .iter()
            .map(|(name, store)| {
                let kind =
                    store.kind.clone().unwrap_or_else(|| Spanned::new(model::StoreKind::ClusterSecretStore, name.span));
                (name.value.clone(), kind)
            })
            .collect();
        let secrets = self.resolve_secrets(overlay, &secret_stores);
        let namespaces = platform
            .namespaces
            .iter()
            .map(|(name, settings)| {
                let settings = resolved::NamespaceSettings {
                    pod_security: settings.pod_security.clone(),
                    reason: settings.reason.clone(),
                };
                (name.value.clone(), (name.clone(), settings))
            })
            .collect();

        // On a shared cluster, the cluster-wide components are the cluster's, rendered once.
        if cluster_name.is_some() {
            for component in components.values_mut() {
                component.shared =
                    component.external.is_none() && crate::catalog::kind_info(component.kind.value).cluster_wide;
            }
        }
        let info = &platform.platform;
        resolved::Env {
            incomplete,
            disabled,
            name: self.environment.clone(),
            tier: overlay.tier.as_ref().map_or_else(|| tier_from_name(self.environment), |tier| tier.value),
            platform: resolved::PlatformInfo {
                name: info.name.clone(),
                repo: info.repo.value.clone(),
                // The environment's own revision, else the platform's.
                revision: argocd
                    .revision
                    .as_ref()
                    .or(info.revision.as_ref())
                    .map_or_else(|| "main".to_owned(), |it| it.value.clone()),
                base_revision: info.revision.as_ref().map_or_else(|| "main".to_owned(), |it| it.value.clone()),
                path: info.path.as_ref().map_or_else(|| "out".to_owned(), |it| it.value.trim_matches('/').to_owned()),
                source_name: self.source.file_name().to_owned(),
                overcommit: info.overcommit.clone().unwrap_or_else(|| Spanned::new(2.0, info.name.span)),
                port_registry: info.port_registry.as_ref().is_some_and(|it| it.value),
                promotion: info.promotion.clone().unwrap_or_default(),
                root: platform.argocd.root.as_ref().map(|it| it.span),
            },
            cluster: resolved::Cluster {
                name: cluster_name,
                cpu_span: cluster.cpu.as_ref().map(|it| it.span),
                memory_span: cluster.memory.as_ref().map(|it| it.span),
                nodes: cluster.nodes.unwrap_or_else(|| Spanned::new(1, default_span)),
                memory: cluster.memory.unwrap_or_else(|| Spanned::new(Memory(16 << 30), default_span)),
                cpu: cluster.cpu.unwrap_or_else(|| Spanned::new(Cpu(8000), default_span)),
                reserved: amounts(cluster.reserved),
                max_pods: cluster.max_pods.unwrap_or_else(|| Spanned::new(110, default_span)),
                server: cluster.server.map_or_else(|| DEFAULT_SERVER.to_owned(), |it| it.value),
                span: cluster_span,
            },
            argocd: resolved::ArgoCd {
                namespace: argocd.namespace.unwrap_or_else(|| Spanned::from("argocd".to_owned())),
                resources: resources(argocd.resources),
                automated: argocd.sync.as_ref().is_none_or(|it| it.value == model::SyncMode::Automated),
                labels: argocd.labels.unwrap_or_default(),
                annotations: argocd.annotations.unwrap_or_default(),
                sync_windows: argocd.sync_windows.unwrap_or_default(),
            },
            image_tags: overlay.image_tags.clone(),
            services,
            components,
            secrets,
            gateway,
            identity,
            mesh: info.mesh.as_ref().map_or(model::Mesh::None, |it| it.value),
            mesh_cni: info.mesh_cni.as_ref().is_some_and(|it| it.value),
            mesh_span: info.mesh.as_ref().map(|it| it.span),
            secret_stores,
            namespaces,
            network_policies: overlay.network_policies.unwrap_or(true),
            quota_headroom: info.quota_headroom.clone().unwrap_or_else(|| Spanned::new(0.1, info.name.span)),
            cluster_tree: false,
            manifests: Vec::new(),
            mesh_proxy: {
                let mut proxy = resources(info.mesh_proxy.clone());
                let mi = |n: u64| Some(Spanned::new(Memory(n << 20), info.name.span));
                proxy.requests.memory = proxy.requests.memory.or_else(|| mi(20));
                proxy.requests.cpu = proxy.requests.cpu.or_else(|| Some(Spanned::new(Cpu(10), info.name.span)));
                proxy.limits.memory = proxy.limits.memory.or_else(|| mi(250));
                proxy.limits.cpu = proxy.limits.cpu.or_else(|| Some(Spanned::new(Cpu(1000), info.name.span)));
                proxy
            },
        }
    }

    fn resolve_component(&mut self, name: &Spanned<String>, spec: model::Component) -> Option<resolved::Component> {
        let Some(kind) = spec.kind else {
            self.report(
                Diagnostic::error(Code::MissingKey, format!("component `{}` has no `kind`", name.value))
                    .with_label(name.span, "declared here without a kind")
                    .with_help("add `kind = \"postgresql\"` (or another kind; `helm` takes any chart)"),
            );
            return None;
        };
        let info = crate::catalog::kind_info(kind.value);
        let chart = spec.chart.unwrap_or_default();
        let chart_span = chart.version.as_ref().or(chart.name.as_ref()).map_or(name.span, |it| it.span);
        let external = spec.external.and_then(|external| self.resolve_external(name, kind.value, external));
        if kind.value == model::ComponentKind::Helm
            && external.is_none()
            && (chart.repo.is_none() || chart.name.is_none())
        {
            self.report(
                Diagnostic::error(
                    Code::MissingKey,
                    format!("helm component `{}` needs its chart's `repo` and `name`", name.value),
                )
                .with_label(chart_span, "the chart is not fully named")
                .with_help("write `chart = { repo = \"https://...\", name = \"...\", version = \"1.2.3\" }`"),
            );
            return None;
        }
        let replicas = spec.replicas.as_ref().map_or(1, |it| it.value);
        Some(resolved::Component {
            namespace: spec
                .namespace
                .unwrap_or_else(|| Spanned::new(self.platform.platform.name.value.clone(), name.span)),
            chart: resolved::Chart {
                repo: chart.repo.map_or_else(|| info.chart_repo.to_owned(), |it| it.value),
                name: chart.name.map_or_else(|| info.chart_name.to_owned(), |it| it.value),
                version: chart.version,
                span: chart_span,
            },
            replicas,
            replicas_span: spec.replicas.as_ref().map(|it| it.span),
            addresses: spec.addresses.unwrap_or_default(),
            resources: resources(spec.resources),
            storage: spec.storage,
            databases: spec.databases.unwrap_or_default(),
            credentials: spec.credentials,
            uses: spec.uses.unwrap_or_default(),
            secrets: spec.secrets.unwrap_or_default(),
            port: spec
                .port
                .or_else(|| external.as_ref().map(|it| it.port.clone()))
                .or_else(|| info.port.map(Spanned::from)),
            values: spec.values.unwrap_or_default(),
            external,
            shared: false,
            overridden_at: None,
            node_port: spec.node_port,
            aws: spec.aws,
            kind,
            name: name.clone(),
        })
    }

    /// An external component's ports: its one `port` (named `main`), or its named `ports`, each with its URL
    /// scheme; the main port is the one on the kind's default port, else the first.
    fn resolve_external(
        &mut self,
        name: &Spanned<String>,
        kind: model::ComponentKind,
        external: model::External,
    ) -> Option<resolved::External> {
        let host = external.host?;
        let default_port = crate::catalog::kind_info(kind).port;
        let written = external.scheme.as_ref().map(|it| it.value.as_str());
        let named: Vec<_> = external
            .ports
            .unwrap_or_default()
            .into_iter()
            .map(|(port_name, port)| match port.value {
                model::ExternalPort::Number(number) => (port_name, Spanned::new(number, port.span), None),
                model::ExternalPort::Table { port, scheme } => (port_name, port, scheme),
            })
            .collect();
        if let (Some(port), Some((first, _, _))) = (&external.port, named.first()) {
            self.report(
                Diagnostic::error(
                    Code::InvalidExternalPorts,
                    format!("external component `{}` gives both `port` and `ports`", name.value),
                )
                .with_label(port.span, "one port here")
                .with_secondary(first.span, "named ports here")
                .with_help("keep `ports` and remove `port`: the main port is the one on the kind's default port, else the first"),
            );
        }
        if named.is_empty() {
            let port = external.port.or_else(|| default_port.map(Spanned::from)).unwrap_or_else(|| Spanned::from(80));
            let scheme = crate::catalog::port_scheme(kind, None, port.value, written);
            let span = external.scheme.as_ref().map(|it| it.span).unwrap_or_default();
            let scheme = scheme.map(|it| Spanned::new(it, span));
            return Some(resolved::External {
                host,
                port: port.clone(),
                ports: vec![resolved::ExternalPort { name: Spanned::new("main".to_owned(), name.span), port, scheme }],
                named: false,
            });
        }
        let main = named.iter().position(|(_, port, _)| Some(port.value) == default_port).unwrap_or(0);
        let ports: Vec<resolved::ExternalPort> = named
            .into_iter()
            .enumerate()
            .map(|(index, (port_name, port, scheme))| {
                // The component's `scheme` is the main port's, unless the port writes its own.
                let scheme = scheme.or_else(|| external.scheme.clone().filter(|_| index == main));
                let computed = crate::catalog::port_scheme(
                    kind,
                    Some(&port_name.value),
                    port.value,
                    scheme.as_ref().map(|it| it.value.as_str()),
                );
                let span = scheme.map(|it| it.span).unwrap_or_default();
                let scheme = computed.map(|it| Spanned::new(it, span));
                resolved::ExternalPort { name: port_name, port, scheme }
            })
            .collect();
        Some(resolved::External { host, port: ports[main].port.clone(), ports, named: true })
    }

    fn resolve_service(&mut self, name: &Spanned<String>, mut spec: model::ServiceSpec) -> Option<resolved::Service> {
        if let Some(runtime) = &spec.runtime {
            let mut with_preset = preset::spec(runtime.value, runtime.span);
            with_preset.merge(spec);
            spec = with_preset;
        }
        let Some(image) = spec.image else {
            self.report(
                Diagnostic::error(Code::MissingKey, format!("service `{}` has no `image`", name.value))
                    .with_label(name.span, "declared here without an image")
                    .with_help("add `image = \"registry/name:tag\"` to the service, or to this environment's override"),
            );
            return None;
        };
        let namespace = spec.namespace.unwrap_or_else(|| self.platform.platform.name.clone());
        let ports: Vec<resolved::Port> = spec
            .ports
            .unwrap_or_default()
            .into_iter()
            .map(|port| resolved::Port {
                service_port: port.service_port.unwrap_or_else(|| port.port.clone()),
                name: port.name,
                port: port.port,
                protocol: port.protocol,
                node_port: port.node_port,
            })
            .collect();
        let default_port = ports.first().map(|port| port.name.clone());
        let probe = |probe: Option<model::Probe>| resolve_probe(probe?, default_port.as_ref(), name.span);
        let security = spec.security.unwrap_or_default();
        let account = spec.service_account.unwrap_or_default();
        Some(resolved::Service {
            name: name.clone(),
            namespace,
            image,
            runtime: spec.runtime.map(|it| it.value),
            replicas: spec.replicas.unwrap_or_else(|| Spanned::new(1, name.span)),
            uses: spec.uses.unwrap_or_default().into_iter().map(|entry| dependency(entry, self.source)).collect(),
            references: Vec::new(),
            rate_limit: spec.rate_limit.and_then(|it| it.per_minute),
            reload_on_secret_change: spec.reload_on_secret_change.unwrap_or(false),
            metrics: spec.metrics.map(|metrics| resolved::Metrics {
                port: metrics.port.unwrap_or_else(|| {
                    default_port.clone().unwrap_or_else(|| Spanned::new("http".to_owned(), name.span))
                }),
                path: metrics.path.unwrap_or_else(|| "/metrics".to_owned()),
                interval: metrics.interval.map(|it| it.value.seconds()),
            }),
            routes: spec
                .routes
                .unwrap_or_default()
                .into_iter()
                .map(|route| {
                    // A route written as a bare string carries no span of its own; use the string's.
                    let span = route.span;
                    let route = route.value;
                    let mut path = route.path;
                    if path.span == Span::default() {
                        path.span = span;
                    }
                    resolved::Route {
                        strip_prefix: route.strip_prefix.unwrap_or_else(|| Spanned::new(false, path.span)),
                        protocol: route.protocol.unwrap_or_else(|| Spanned::new(model::RouteProtocol::Http, path.span)),
                        timeout: route.timeout.map(|it| Spanned::new(it.value.seconds(), it.span)),
                        port: route.port,
                        host: route.host,
                        path,
                    }
                })
                .fold(Vec::<resolved::Route>::new(), |mut routes, route| {
                    // The same route twice in one service is one route.
                    let same = |other: &resolved::Route| {
                        other.path.value == route.path.value
                            && other.host.as_ref().map(|it| &it.value) == route.host.as_ref().map(|it| &it.value)
                    };
                    if !routes.iter().any(same) {
                        routes.push(route);
                    }
                    routes
                }),
            command: spec.command.unwrap_or_default(),
            args: spec.args.unwrap_or_default(),
            env: spec
                .env
                .unwrap_or_default()
                .into_iter()
                .map(|(name, value)| resolved::EnvVar {
                    name,
                    value: match value.value {
                        model::EnvValue::Literal(text) => resolved::EnvSource::Literal(Spanned::new(text, value.span)),
                        model::EnvValue::Secret { secret, key } => resolved::EnvSource::Secret { secret, key },
                    },
                })
                .collect(),
            env_from: spec.env_from.unwrap_or_default(),
            config: spec.config.unwrap_or_default(),
            resources: resources(spec.resources),
            liveness: probe(spec.liveness),
            readiness: probe(spec.readiness),
            startup: probe(spec.startup),
            autoscale: spec.autoscale.map(|autoscale| {
                let span = autoscale.max.as_ref().or(autoscale.min.as_ref()).map_or(name.span, |it| it.span);
                let min = autoscale.min.unwrap_or_else(|| Spanned::new(1, span));
                resolved::Autoscale {
                    span,
                    max: autoscale.max.unwrap_or_else(|| min.clone()),
                    min,
                    cpu: autoscale.cpu,
                    memory: autoscale.memory,
                }
            }),
            security: resolved::Security {
                run_as_non_root: security.run_as_non_root.unwrap_or_else(|| Spanned::new(true, name.span)),
                run_as_user: security.run_as_user,
                run_as_group: security.run_as_group,
                fs_group: security.fs_group,
                read_only_root_filesystem: security.read_only_root_filesystem.unwrap_or(true),
                privileged: security.privileged.unwrap_or_else(|| Spanned::new(false, name.span)),
                exception: security.exception,
            },
            service_account: resolved::ServiceAccount {
                create: account.create.unwrap_or(true),
                annotations: account.annotations.unwrap_or_default(),
                automount_token: account.automount_token.unwrap_or(false),
            },
            ports,
            pod_annotations: spec.pod_annotations.unwrap_or_default(),
            pod_labels: spec.pod_labels.unwrap_or_default(),
            node_selector: spec.node_selector.unwrap_or_default(),
            tolerations: spec.tolerations.unwrap_or_default(),
            egress: spec.egress.unwrap_or_default(),
            image_pull_secrets: spec.image_pull_secrets.unwrap_or_default(),
        })
    }

    /// Expands `${...}` in env values and config, once every service's namespace and ports are known.
    fn expand_references(
        &mut self,
        services: &mut BTreeMap<String, resolved::Service>,
        components: &BTreeMap<String, resolved::Component>,
        gateway: Option<&resolved::Gateway>,
        incomplete: &std::collections::BTreeSet<String>,
    ) {
        let outputs = reference_outputs(self.platform, self.environment, services, components, gateway);
        let lookup = |name: &str| outputs.get(name).cloned();
        let mut unresolved = Vec::new();
        for service in services.values_mut() {
            let mut found = Vec::new();
            let texts = service
                .env
                .iter_mut()
                .filter_map(|variable| match &mut variable.value {
                    resolved::EnvSource::Literal(text) => Some(text),
                    resolved::EnvSource::Secret { .. } => None,
                })
                .chain(service.config.values_mut());
            for text in texts.filter(|text| text.contains('$')) {
                let raw = self.source.text.get(text.span.start..text.span.end).unwrap_or_default();
                match interpolate::expand(text, text.span, raw, lookup) {
                    Ok((expanded, references)) => {
                        text.value = expanded;
                        found.extend(references);
                    }
                    Err(errors) => unresolved.extend(errors),
                }
            }
            // `services.<name>.*` and `components.<name>.*` are edges of the dependency graph.
            service.references = found
                .into_iter()
                .filter_map(|reference| {
                    let (_, rest) = reference
                        .reference
                        .split_once('.')
                        .filter(|(kind, _)| *kind == "services" || *kind == "components")?;
                    // The name is the first part: `components.minio.ports.console.url` is `minio`.
                    let (target, _) = rest.split_once('.')?;
                    Some(Spanned::new(target.to_owned(), reference.span))
                })
                .collect();
        }
        // A reference to something left out for an error of its own would only repeat that error.
        let names_incomplete = |reference: &str| {
            reference.split('.').nth(1).is_some_and(|name| incomplete.contains(name))
                && (reference.starts_with("services.") || reference.starts_with("components."))
        };
        for error in unresolved.into_iter().filter(|error| !names_incomplete(&error.reference)) {
            let help = did_you_mean(&error.reference, outputs.keys().map(String::as_str))
                .unwrap_or_else(|| "references are `platform.name`, `environment.name`, `gateway.host`, `gateway.url`, `.url` or `.host` of `routes.<service>` (its first route with a host) or `routes.<service>.<index>`, and `.host`, `.port`, `.url` or `.namespace` of `services.<name>` or `components.<name>`, and `.port` or `.url` of `components.<name>.ports.<port>` (an external component's named ports)".to_owned());
            self.report(
                Diagnostic::error(
                    Code::UnresolvedReference,
                    format!("`${{{}}}` does not resolve to anything", error.reference),
                )
                .with_label(error.span, "unknown reference")
                .with_help(help),
            );
        }
    }
}

/// Everything `${...}` can name in one environment.
fn reference_outputs(
    platform: &model::Platform,
    environment: &str,
    services: &BTreeMap<String, resolved::Service>,
    components: &BTreeMap<String, resolved::Component>,
    gateway: Option<&resolved::Gateway>,
) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    outputs.insert("platform.name".to_owned(), platform.platform.name.value.clone());
    outputs.insert("environment.name".to_owned(), environment.to_owned());
    // What clients outside call, through the gateway: no edge of the graph (the traffic leaves the
    // cluster's network policies to the gateway), so not among a service's `references`.
    if let Some(gateway) = gateway {
        if let Some(host) = &gateway.host {
            outputs.insert("gateway.host".to_owned(), host.value.clone());
            let url = resolved::route_url(&host.value, "/", gateway.tls_for(&host.value).is_some());
            outputs.insert("gateway.url".to_owned(), url);
        }
        for service in services.values() {
            let prefix = format!("routes.{}", service.name.value);
            let mut first = true;
            for (index, route) in service.routes.iter().enumerate() {
                let Some(host) = resolved::route_host(Some(gateway), route) else { continue };
                let url = resolved::route_url(&host.value, &route.path.value, gateway.tls_for(&host.value).is_some());
                if first {
                    outputs.insert(format!("{prefix}.url"), url.clone());
                    outputs.insert(format!("{prefix}.host"), host.value.clone());
                    first = false;
                }
                outputs.insert(format!("{prefix}.{index}.url"), url);
                outputs.insert(format!("{prefix}.{index}.host"), host.value.clone());
            }
        }
    }
    for service in services.values() {
        let host = format!("{}.{}.svc.cluster.local", service.name.value, service.namespace.value);
        let prefix = format!("services.{}", service.name.value);
        if let Some(port) = service.ports.first() {
            outputs.insert(format!("{prefix}.port"), port.service_port.value.to_string());
            outputs.insert(format!("{prefix}.url"), format!("http://{host}:{}", port.service_port.value));
        }
        outputs.insert(format!("{prefix}.namespace"), service.namespace.value.clone());
        outputs.insert(format!("{prefix}.host"), host);
    }
    for component in components.values() {
        let prefix = format!("components.{}", component.name.value);
        if let (Some(port), Some(url)) = (&component.port, component.url()) {
            outputs.insert(format!("{prefix}.port"), port.value.to_string());
            outputs.insert(format!("{prefix}.url"), url);
        }
        // Named ports of an external component: `components.<name>.ports.<port>.url` and `.port`.
        for port in component.external.iter().filter(|it| it.named).flat_map(|it| &it.ports) {
            let scheme = port.scheme.as_ref().map(|it| it.value.as_str());
            let url = resolved::url_of(scheme, &component.host(), port.port.value);
            outputs.insert(format!("{prefix}.ports.{}.port", port.name.value), port.port.value.to_string());
            outputs.insert(format!("{prefix}.ports.{}.url", port.name.value), url);
        }
        outputs.insert(format!("{prefix}.namespace"), component.namespace.value.clone());
        outputs.insert(format!("{prefix}.host"), component.host());
    }
    outputs
}

/// Splits `postgresql:flowmind_accounts` into the component and the database, each with its own span
/// when the entry is written plainly.
fn dependency(entry: Spanned<String>, source: &SourceFile) -> resolved::Dependency {
    let Some((target, database)) = entry.value.split_once(':') else {
        return resolved::Dependency { target: entry, database: None };
    };
    let raw = source.text.get(entry.span.start..entry.span.end).unwrap_or_default();
    let plain = raw.len() == entry.value.len() + 2 && raw[1..raw.len() - 1] == entry.value;
    let (target_span, database_span) = if plain {
        let start = entry.span.start + 1;
        (Span::new(start, start + target.len()), Span::new(start + target.len() + 1, entry.span.end - 1))
    } else {
        (entry.span, entry.span)
    };
    resolved::Dependency {
        target: Spanned::new(target.to_owned(), target_span),
        database: Some(Spanned::new(database.to_owned(), database_span)),
    }
}

/// The component of `kind` that runs a gateway or identity provider: the one named, or the only one.
fn provider(
    named: Option<Spanned<String>>,
    components: &BTreeMap<String, resolved::Component>,
    kinds: &[model::ComponentKind],
) -> Option<Spanned<String>> {
    if named.is_some() {
        return named;
    }
    components.values().find(|component| kinds.contains(&component.kind.value)).map(|component| component.name.clone())
}

fn resolve_gateway(
    gateway: model::Gateway,
    components: &BTreeMap<String, resolved::Component>,
    default_group: String,
) -> Option<resolved::Gateway> {
    let kind = gateway.kind?;
    let provider_kind = match kind.value {
        model::GatewayKind::Kong => model::ComponentKind::Kong,
        model::GatewayKind::Traefik => model::ComponentKind::Traefik,
        model::GatewayKind::Nginx => model::ComponentKind::IngressNginx,
        model::GatewayKind::Alb => model::ComponentKind::AwsLoadBalancerController,
    };
    let alb = gateway.alb.unwrap_or_default();
    let node_ports = gateway.node_ports.unwrap_or_default();
    Some(resolved::Gateway {
        component: provider(gateway.component, components, &[provider_kind]),
        host: gateway.host,
        node_ports: (node_ports.http, node_ports.https),
        cors: gateway.cors,
        jwt_consumers: gateway
            .jwt
            .iter()
            .flat_map(|jwt| jwt.consumers.iter().flatten())
            .map(|consumer| (consumer.name.clone(), consumer.secret.clone()))
            .collect(),
        jwt_key_claim: gateway.jwt.map(|jwt| jwt.key_claim.unwrap_or_else(|| "kid".to_owned())),
        // An ALB adds its own trace header (`X-Amzn-Trace-Id`) and cannot add another.
        correlation_id: gateway.correlation_id.unwrap_or(kind.value != model::GatewayKind::Alb),
        rate_limit: gateway.rate_limit.and_then(|it| it.per_minute),
        alb: resolved::Alb {
            written: alb.scheme.as_ref().map(|it| it.span).or(alb.group.as_ref().map(|it| it.span)).or(alb
                .certificate_arn
                .iter()
                .flatten()
                .next()
                .map(|it| it.span)),
            scheme: alb.scheme.map_or(model::AlbScheme::InternetFacing, |it| it.value),
            group: alb.group.unwrap_or_else(|| Spanned::from(default_group)),
            certificate_arns: alb.certificate_arn.unwrap_or_default(),
        },
        tls: gateway
            .tls
            .unwrap_or_default()
            .into_iter()
            .map(|(host, tls)| resolved::Tls {
                host,
                cluster_issuer: tls.cluster_issuer,
                issuer: tls.issuer,
                secret: tls.secret,
                redirect: tls.redirect.unwrap_or(true),
            })
            .collect(),
        kind,
    })
}

fn resolve_identity(
    identity: model::Identity,
    components: &BTreeMap<String, resolved::Component>,
) -> Option<resolved::Identity> {
    identity.kind.as_ref()?;
    let realm = identity.realm?;
    Some(resolved::Identity {
        component: provider(identity.component, components, &[model::ComponentKind::Keycloak]),
        realm,
        roles: identity.roles.unwrap_or_default(),
        clients: identity
            .clients
            .unwrap_or_default()
            .into_iter()
            .map(|(id, client)| {
                let public = client.public.unwrap_or(false);
                resolved::Client {
                    id,
                    public,
                    redirect_uris: client.redirect_uris.unwrap_or_default(),
                    web_origins: client.web_origins.unwrap_or_default(),
                    standard_flow: client.standard_flow.unwrap_or(true),
                    direct_access_grants: client.direct_access_grants.unwrap_or(false),
                    service_accounts: client.service_accounts.unwrap_or(!public),
                    attributes: client.attributes.unwrap_or_default(),
                    mappers: client.mappers.unwrap_or_default(),
                }
            })
            .collect(),
        settings: identity.settings.unwrap_or_default(),
    })
}

fn resolve_probe(
    probe: model::Probe,
    default_port: Option<&Spanned<String>>,
    fallback: Span,
) -> Option<resolved::Probe> {
    if probe.enabled == Some(false) {
        return None;
    }
    let span = probe.path.as_ref().map(|it| it.span).or(probe.port.as_ref().map(|it| it.span)).unwrap_or(fallback);
    let port = probe.port.clone().or_else(|| default_port.map(|name| name.clone().map(model::PortRef::Name)));
    let action = if let Some(command) = probe.exec {
        resolved::ProbeAction::Exec { command }
    } else if probe.tcp == Some(true) {
        resolved::ProbeAction::Tcp {
            port: port.unwrap_or_else(|| Spanned::new(model::PortRef::Name("http".to_owned()), span)),
        }
    } else if let Some(path) = probe.path {
        resolved::ProbeAction::Http {
            path: path.value,
            port: port.unwrap_or_else(|| Spanned::new(model::PortRef::Name("http".to_owned()), span)),
        }
    } else {
        return None;
    };
    Some(resolved::Probe {
        action,
        initial_delay: probe.initial_delay.map(|it| it.value.seconds()),
        period: probe.period.map(|it| it.value.seconds()),
        timeout: probe.timeout.map(|it| it.value.seconds()),
        failure_threshold: probe.failure_threshold.map(|it| it.value),
        success_threshold: probe.success_threshold.map(|it| it.value),
        span,
    })
}

/// The tier an environment's name suggests, when it does not say.
fn tier_from_name(name: &str) -> model::Tier {
    if ["dev", "local", "test", "sandbox"].iter().any(|prefix| name.starts_with(prefix)) {
        model::Tier::Development
    } else if name.starts_with("prod") {
        model::Tier::Production
    } else {
        model::Tier::Staging
    }
}

/// The span budget errors point at: the node memory, else the node count, else any capacity key.
fn cluster_span(cluster: &model::Cluster) -> Option<Span> {
    cluster
        .memory
        .as_ref()
        .map(|it| it.span)
        .or(cluster.nodes.as_ref().map(|it| it.span))
        .or(cluster.cpu.as_ref().map(|it| it.span))
}

fn amounts(amounts: Option<model::Amounts>) -> resolved::Amounts {
    let amounts = amounts.unwrap_or_default();
    resolved::Amounts { memory: amounts.memory, cpu: amounts.cpu }
}

fn resources(resources: Option<model::Resources>) -> resolved::Resources {
    let resources = resources.unwrap_or_default();
    resolved::Resources { requests: amounts(resources.requests), limits: amounts(resources.limits) }
}
