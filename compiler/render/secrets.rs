//! Secrets: takes the environment's declared secrets and where they are used, gives the objects that
//! deliver them without holding a value: an ExternalSecret (external-secrets) or a SecretProviderClass
//! (AWS Secrets Manager through the secrets-store CSI driver) in each namespace that uses the secret,
//! or the SealedSecret file as sealed. `existing` secrets render nothing.

use std::fmt::Write as _;

use serde_json::{Value, json};

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::{Manifest, Out, labels, workload::to_value};
use crate::resolved::{self, Backend};

pub(super) const CSI_DRIVER: &str = "secrets-store.csi.k8s.io";

pub(super) fn render(env: &resolved::Env, out: &mut Out<'_>) {
    let used_in = env.secret_namespaces();
    for secret in env.secrets.values() {
        let Some(namespaces) = used_in.get(secret.name.value.as_str()) else { continue };
        for namespace in namespaces {
            let metadata = meta::ObjectMeta {
                name: Some(secret.name.value.clone()),
                namespace: Some((*namespace).to_owned()),
                labels: Some(labels::common(env, "secrets", None)),
                annotations: Some(labels::custom_resource_annotations()),
                ..meta::ObjectMeta::default()
            };
            let (kind, object) = match secret.backend.value {
                Backend::ExternalSecrets => ("ExternalSecret", external_secret(secret, &metadata)),
                Backend::AwsSecretsManager => ("SecretProviderClass", provider_class(secret, &metadata)),
                Backend::SealedSecrets => match sealed(secret) {
                    Some(object) => ("SealedSecret", object),
                    None => continue,
                },
                Backend::Existing => continue,
            };
            out.push(Manifest {
                path: format!(
                    "{}/secrets/{}-{namespace}-{}.yaml",
                    env.name.value,
                    kind.to_ascii_lowercase(),
                    secret.name.value
                ),
                origin: format!("secrets.{}", secret.name.value),
                object,
            });
        }
    }
}

fn property<'a>(secret: &'a resolved::Secret, key: &'a str) -> &'a str {
    secret.properties.get(key).map_or(key, String::as_str)
}

fn external_secret(secret: &resolved::Secret, metadata: &meta::ObjectMeta) -> Value {
    let store_kind = match secret.store_kind {
        resolved::StoreKind::ClusterSecretStore => "ClusterSecretStore",
        resolved::StoreKind::SecretStore => "SecretStore",
    };
    let data: Vec<Value> = secret
        .keys
        .iter()
        .map(|key| json!({ "secretKey": key.value, "remoteRef": { "key": secret.remote, "property": property(secret, &key.value) } }))
        .collect();
    json!({
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": to_value(metadata),
        "spec": {
            "refreshInterval": format!("{}s", secret.refresh),
            "secretStoreRef": { "name": secret.store.as_ref().map(|it| it.value.clone()), "kind": store_kind },
            "target": { "name": secret.name.value, "creationPolicy": "Owner" },
            "data": data,
        },
    })
}

/// One AWS secret, each declared key a JMESPath alias, synced into a Kubernetes Secret of the same name
/// so that `secretKeyRef` works as with any other backend.
fn provider_class(secret: &resolved::Secret, metadata: &meta::ObjectMeta) -> Value {
    let mut objects = format!("- objectName: \"{}\"\n  objectType: \"secretsmanager\"\n  jmesPath:\n", secret.remote);
    for key in &secret.keys {
        let _ =
            write!(objects, "    - path: \"{}\"\n      objectAlias: \"{}\"\n", property(secret, &key.value), key.value);
    }
    let data: Vec<Value> = secret.keys.iter().map(|key| json!({ "objectName": key.value, "key": key.value })).collect();
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": to_value(metadata),
        "spec": {
            "provider": "aws",
            "parameters": {
                "region": secret.region.as_ref().map(|it| it.value.clone()),
                "objects": objects,
            },
            "secretObjects": [{ "secretName": secret.name.value, "type": "Opaque", "data": data }],
        },
    })
}

/// The SealedSecret as sealed; `validate` has checked its kind, name, namespace and keys.
fn sealed(secret: &resolved::Secret) -> Option<Value> {
    let (_, Ok(text)) = secret.sealed.as_ref()? else { return None };
    serde_json::from_str(text).ok()
}
