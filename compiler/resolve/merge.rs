//! Deep merge of model values: takes a base and an overlay of the same type, gives the base with the
//! overlay applied. Tables merge key by key; arrays and scalars replace.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::model;
use crate::source::Spanned;

pub(crate) trait Merge {
    fn merge(&mut self, overlay: Self);
}

impl<T> Merge for Spanned<T> {
    fn merge(&mut self, overlay: Self) {
        *self = overlay;
    }
}

impl<T> Merge for Vec<T> {
    fn merge(&mut self, overlay: Self) {
        *self = overlay;
    }
}

macro_rules! replace {
    ($($type:ty),*) => {
        $(impl Merge for $type {
            fn merge(&mut self, overlay: Self) {
                *self = overlay;
            }
        })*
    };
}

replace!(bool, u32, i64, String, model::PortRef, model::Route, model::SecretKey, model::RemoteObject);

/// A secret's overlay replaces each setting it writes; `objects` and the settings of one remote secret
/// (`keys`, `remote`, `properties`) stand for each other, so writing one side drops the other.
impl Merge for model::Secret {
    fn merge(&mut self, overlay: Self) {
        if overlay.objects.is_some() {
            self.keys = None;
            self.remote = None;
            self.properties = None;
        }
        if overlay.keys.is_some() || overlay.remote.is_some() || overlay.properties.is_some() {
            self.objects = None;
        }
        let model::Secret {
            keys,
            objects,
            description,
            backend,
            store,
            remote,
            refresh,
            properties,
            region,
            mount_path,
            role_arn,
            reload,
        } = overlay;
        self.keys.merge(keys);
        self.objects.merge(objects);
        self.description.merge(description);
        self.backend.merge(backend);
        self.store.merge(store);
        self.remote.merge(remote);
        self.refresh.merge(refresh);
        self.properties.merge(properties);
        self.region.merge(region);
        self.mount_path.merge(mount_path);
        self.role_arn.merge(role_arn);
        self.reload.merge(reload);
    }
}

/// Free-form chart values and realm settings merge like the rest of the file: tables by key.
impl Merge for serde_json::Map<String, serde_json::Value> {
    fn merge(&mut self, overlay: Self) {
        for (key, value) in overlay {
            match (self.get_mut(&key), value) {
                (Some(serde_json::Value::Object(base)), serde_json::Value::Object(overlay)) => base.merge(overlay),
                (_, value) => {
                    self.insert(key, value);
                }
            }
        }
    }
}

impl<T: Merge> Merge for Option<T> {
    fn merge(&mut self, overlay: Self) {
        match (self.as_mut(), overlay) {
            (_, None) => {}
            (Some(base), Some(overlay)) => base.merge(overlay),
            (None, Some(overlay)) => *self = Some(overlay),
        }
    }
}

impl<K: Ord, V: Merge> Merge for BTreeMap<K, V> {
    fn merge(&mut self, overlay: Self) {
        for (key, value) in overlay {
            match self.get_mut(&key) {
                Some(base) => base.merge(value),
                None => {
                    self.insert(key, value);
                }
            }
        }
    }
}

/// Keys already present keep their position (env var order is the user's); new keys are appended.
impl<K: std::hash::Hash + Eq, V: Merge> Merge for IndexMap<K, V> {
    fn merge(&mut self, overlay: Self) {
        for (key, value) in overlay {
            match self.get_mut(&key) {
                Some(base) => base.merge(value),
                None => {
                    self.insert(key, value);
                }
            }
        }
    }
}

macro_rules! merge_fields {
    ($($type:ty { $($field:ident),* $(,)? })*) => {
        $(impl Merge for $type {
            fn merge(&mut self, overlay: Self) {
                $(self.$field.merge(overlay.$field);)*
            }
        })*
    };
}

merge_fields! {
    model::Cluster { nodes, memory, cpu, reserved, max_pods, server }
    model::ArgoCd { namespace, resources, sync, revision, labels, annotations, sync_windows, root }
    model::Defaults { service, groups }
    model::Resources { requests, limits }
    model::Amounts { memory, cpu }
    model::ServiceSpec {
        group, unset, image, runtime, namespace, replicas, uses, routes, rate_limit, reload_on_secret_change, metrics, ports, command, args, env, env_from, config, resources,
        liveness, readiness, startup, autoscale, security, service_account, pod_annotations, pod_labels,
        node_selector, tolerations, egress, image_pull_secrets,
    }
    model::Probe {
        enabled, path, port, tcp, exec, initial_delay, period, timeout, failure_threshold, success_threshold,
    }
    model::Autoscale { min, max, cpu, memory }
    model::Component {
        kind, chart, namespace, replicas, resources, storage, databases, credentials, uses, secrets, port, values, external, addresses, enabled, node_port, aws,
    }
    model::Chart { repo, name, version }
    model::External { host, port, ports, scheme }
    model::Gateway { kind, component, host, node_ports, cors, jwt, correlation_id, rate_limit, alb, tls }
    model::Alb { scheme, group, certificate_arn }
    model::Aws { cluster_name, region, vpc_id, role_arn }
    model::Tls { cluster_issuer, issuer, secret, redirect }
    model::NodePorts { http, https }
    model::Cors { origins, methods, headers, exposed_headers, credentials, max_age }
    model::Jwt { key_claim, consumers }
    model::RateLimit { per_minute }
    model::Metrics { port, path, interval }
    model::Identity { kind, component, realm, roles, clients, settings }
    model::Client {
        public, redirect_uris, web_origins, standard_flow, direct_access_grants, service_accounts, attributes, mappers,
    }
    model::Security {
        run_as_non_root, run_as_user, run_as_group, fs_group, read_only_root_filesystem, privileged, exception,
    }
    model::ServiceAccount { create, annotations, automount_token }
}

/// `unset` on a service: takes a whole key, or one entry of a table, out of what a service inherited.
macro_rules! service_keys {
    ($($field:ident),* $(,)?) => {
        fn take_key(spec: &mut model::ServiceSpec, key: &str) -> bool {
            match key {
                $(stringify!($field) => spec.$field.take().is_some(),)*
                _ => false,
            }
        }

        fn present_keys(spec: &model::ServiceSpec) -> Vec<String> {
            let mut keys = Vec::new();
            $(if spec.$field.is_some() {
                keys.push(stringify!($field).to_owned());
            })*
            keys
        }

        #[cfg(test)]
        const KEYS: &[&str] = &[$(stringify!($field)),*];
    };
}

service_keys! {
    image, runtime, namespace, replicas, uses, routes, rate_limit, reload_on_secret_change, metrics, ports, command, args,
    env, env_from, config, resources, liveness, readiness, startup, autoscale, security, service_account,
    pod_annotations, pod_labels, node_selector, tolerations, egress, image_pull_secrets,
}

/// Drops what `path` names from `spec`, which holds what a table inherits; `false` when `spec` has nothing
/// there, so there was nothing to unset.
pub(crate) fn unset(spec: &mut model::ServiceSpec, path: &model::Unset) -> bool {
    fn remove<V>(table: Option<&mut BTreeMap<Spanned<String>, V>>, entry: &str) -> bool {
        table.is_some_and(|table| table.remove(entry).is_some())
    }
    let Some(entry) = &path.entry else { return take_key(spec, path.key) };
    match path.key {
        "env" => spec.env.as_mut().is_some_and(|env| env.shift_remove(entry.as_str()).is_some()),
        "config" => remove(spec.config.as_mut(), entry),
        "pod_annotations" => remove(spec.pod_annotations.as_mut(), entry),
        "pod_labels" => remove(spec.pod_labels.as_mut(), entry),
        "node_selector" => remove(spec.node_selector.as_mut(), entry),
        _ => false,
    }
}

/// Everything `unset` could name in `spec`: its keys, and the entries of its tables (`env.DB_PASSWORD`).
pub(crate) fn inherited(spec: &model::ServiceSpec) -> Vec<String> {
    fn entries<'a>(table: &str, keys: impl Iterator<Item = &'a Spanned<String>>) -> Vec<String> {
        keys.map(|key| format!("{table}.{}", key.value)).collect()
    }
    let mut names = present_keys(spec);
    names.extend(entries("env", spec.env.iter().flat_map(|it| it.keys())));
    names.extend(entries("config", spec.config.iter().flat_map(|it| it.keys())));
    names.extend(entries("pod_annotations", spec.pod_annotations.iter().flat_map(|it| it.keys())));
    names.extend(entries("pod_labels", spec.pod_labels.iter().flat_map(|it| it.keys())));
    names.extend(entries("node_selector", spec.node_selector.iter().flat_map(|it| it.keys())));
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn spanned<T>(value: T) -> Spanned<T> {
        Spanned::new(value, Span::default())
    }

    #[test]
    fn unset_knows_every_key_of_a_service() {
        assert_eq!(KEYS, model::SERVICE_KEYS);
    }

    #[test]
    fn unset_takes_a_key_or_one_entry_and_says_whether_it_was_there() {
        let mut spec = model::ServiceSpec {
            uses: Some(vec![spanned("db".to_owned())]),
            env: Some(indexmap::IndexMap::from([
                (spanned("DB_PASSWORD".to_owned()), spanned(model::EnvValue::Literal("x".to_owned()))),
                (spanned("LOG".to_owned()), spanned(model::EnvValue::Literal("info".to_owned()))),
            ])),
            ..model::ServiceSpec::default()
        };
        assert_eq!(inherited(&spec), ["uses", "env", "env.DB_PASSWORD", "env.LOG"]);
        let entry = model::Unset { key: "env", entry: Some("DB_PASSWORD".to_owned()) };
        assert!(unset(&mut spec, &entry));
        assert!(!unset(&mut spec, &entry), "gone once unset");
        assert_eq!(spec.env.as_ref().unwrap().len(), 1);
        assert!(unset(&mut spec, &model::Unset { key: "uses", entry: None }));
        assert!(spec.uses.is_none());
        assert!(!unset(&mut spec, &model::Unset { key: "config", entry: Some("A".to_owned()) }));
    }

    #[test]
    fn tables_merge_and_scalars_and_arrays_replace() {
        let mut base = model::ServiceSpec {
            image: Some(spanned("a:1".to_owned())),
            command: Some(vec![spanned("node".to_owned()), spanned("main.js".to_owned())]),
            pod_labels: Some(BTreeMap::from([(spanned("team".to_owned()), spanned("core".to_owned()))])),
            ..model::ServiceSpec::default()
        };
        let overlay = model::ServiceSpec {
            image: Some(spanned("a:2".to_owned())),
            command: Some(vec![spanned("bun".to_owned())]),
            pod_labels: Some(BTreeMap::from([(spanned("tier".to_owned()), spanned("api".to_owned()))])),
            ..model::ServiceSpec::default()
        };
        base.merge(overlay);
        assert_eq!(base.image.unwrap().value, "a:2");
        assert_eq!(base.command.unwrap(), vec![spanned("bun".to_owned())]);
        assert_eq!(
            base.pod_labels.unwrap(),
            BTreeMap::from([
                (spanned("team".to_owned()), spanned("core".to_owned())),
                (spanned("tier".to_owned()), spanned("api".to_owned()))
            ])
        );
    }
}
