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

replace!(bool, u32, i64, String, model::PortRef, model::Route, model::SecretKey);

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
    model::ArgoCd { namespace, resources, sync, revision }
    model::Defaults { service }
    model::Resources { requests, limits }
    model::Amounts { memory, cpu }
    model::ServiceSpec {
        image, runtime, namespace, replicas, uses, routes, rate_limit, reload_on_secret_change, metrics, ports, command, args, env, env_from, config, resources,
        liveness, readiness, startup, autoscale, security, service_account, pod_annotations, pod_labels,
        node_selector, tolerations, egress, image_pull_secrets,
    }
    model::Probe {
        enabled, path, port, tcp, exec, initial_delay, period, timeout, failure_threshold, success_threshold,
    }
    model::Autoscale { min, max, cpu, memory }
    model::Component {
        kind, chart, namespace, replicas, resources, storage, databases, credentials, uses, secrets, port, values, external, addresses, enabled,
    }
    model::Chart { repo, name, version }
    model::External { host, port }
    model::Gateway { kind, component, host, node_ports, cors, jwt, correlation_id, rate_limit, tls }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn spanned<T>(value: T) -> Spanned<T> {
        Spanned::new(value, Span::default())
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
