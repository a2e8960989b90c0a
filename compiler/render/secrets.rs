//! Secrets: takes the environment's declared secrets and where they are used, gives the objects that
//! deliver them without holding a value: an ExternalSecret (external-secrets) or a SecretProviderClass
//! (AWS Secrets Manager through the secrets-store CSI driver) in each namespace that uses the secret,
//! or the SealedSecret file as sealed. `existing` secrets render nothing.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::{Manifest, Out, labels, workload::to_value};
use crate::analysis::Facts;
use crate::resolved::{self, Backend};

pub(super) const CSI_DRIVER: &str = "secrets-store.csi.k8s.io";
/// The directory, and Application, of the gateway's consumers and their credentials.
pub(crate) const CONSUMERS: &str = "consumers";

use crate::k8s_rules::LAST_APPLIED;

pub(super) fn render(facts: &Facts<'_>, out: &mut Out<'_>) {
    let env = facts.env;
    let used_in = &facts.secret_namespaces;
    for secret in env.secrets.values() {
        let Some(namespaces) = used_in.get(secret.name.value.as_str()) else { continue };
        for namespace in namespaces {
            let metadata = meta::ObjectMeta {
                name: Some(secret.name.value.clone()),
                namespace: Some((*namespace).to_owned()),
                labels: Some(labels::common(env, super::SECRETS, None)),
                annotations: Some(labels::custom_resource_annotations()),
                ..meta::ObjectMeta::default()
            };
            // Kong's JWT credentials may hold keys the identity provider has only once it runs: they come
            // with the consumers, in the Application synced last, so that waiting for them blocks nothing
            // (and routes refuse every token until they arrive).
            let directory = if !secret_labels(env, secret).is_empty() && Some(*namespace) == env.gateway_namespace() {
                CONSUMERS
            } else {
                super::SECRETS
            };
            let path = |kind: &str| {
                format!(
                    "{}/{directory}/{}-{namespace}-{}.yaml",
                    env.name.value,
                    kind.to_ascii_lowercase(),
                    secret.name.value
                )
            };
            let origin = format!("secrets.{}", secret.name.value);
            out.push(match secret.backend.value {
                Backend::ExternalSecrets => {
                    Manifest::new(path("ExternalSecret"), origin, external_secret(env, secret, metadata))
                }
                Backend::AwsSecretsManager => {
                    Manifest::new(path("SecretProviderClass"), origin, provider_class(env, secret, &metadata))
                }
                Backend::SealedSecrets => match sealed(secret) {
                    Some(object) => Manifest::new(path("SealedSecret"), origin, object),
                    None => continue,
                },
                Backend::Existing => continue,
            });
        }
    }
}

/// An ExternalSecret as external-secrets reads it, with its fields in the order they are written (the
/// YAML writer puts keys in byte order, and finds them so here).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSecret {
    api_version: String,
    kind: &'static str,
    metadata: meta::ObjectMeta,
    spec: ExternalSecretSpec,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSecretSpec {
    data: Vec<ExternalSecretData>,
    refresh_interval: String,
    secret_store_ref: SecretStoreRef,
    target: ExternalSecretTarget,
}

#[derive(serde::Serialize)]
struct SecretStoreRef {
    kind: &'static str,
    name: Option<String>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSecretTarget {
    creation_policy: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<TargetTemplate>,
}

#[derive(serde::Serialize)]
struct TargetTemplate {
    metadata: TemplateMetadata,
}

#[derive(serde::Serialize)]
struct TemplateMetadata {
    labels: BTreeMap<&'static str, &'static str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalSecretData {
    remote_ref: RemoteRef,
    secret_key: String,
}

#[derive(serde::Serialize)]
struct RemoteRef {
    key: String,
    property: String,
}

fn external_secret(env: &resolved::Env, secret: &resolved::Secret, metadata: meta::ObjectMeta) -> ExternalSecret {
    let store_kind = match secret.store_kind {
        resolved::StoreKind::ClusterSecretStore => "ClusterSecretStore",
        resolved::StoreKind::SecretStore => "SecretStore",
    };
    // One entry per key, each with the remote key of the object it comes from.
    let data = secret
        .objects
        .iter()
        .flat_map(|object| {
            object.keys.iter().map(|(key, property)| ExternalSecretData {
                remote_ref: RemoteRef { key: object.remote.clone(), property: property.clone() },
                secret_key: key.value.clone(),
            })
        })
        .collect();
    // The API version the operator serves: the declared external-secrets component's pinned chart, or
    // the newest when the operator is a prerequisite.
    let operator = env.components.values().find(|it| it.kind.value == resolved::ComponentKind::ExternalSecrets);
    let version = crate::catalog::external_secrets_api(
        operator.and_then(|it| it.chart.version.as_ref()).map(|it| it.value.as_str()),
    );
    let labels = secret_labels(env, secret);
    let template = (!labels.is_empty()).then_some(TargetTemplate { metadata: TemplateMetadata { labels } });
    ExternalSecret {
        api_version: format!("external-secrets.io/{version}"),
        kind: "ExternalSecret",
        metadata,
        spec: ExternalSecretSpec {
            data,
            refresh_interval: format!("{}s", secret.refresh),
            secret_store_ref: SecretStoreRef {
                kind: store_kind,
                name: secret.store.as_ref().map(|it| it.value.clone()),
            },
            target: ExternalSecretTarget { creation_policy: "Owner", name: secret.name.value.clone(), template },
        },
    }
}

/// Labels the synced Secret must carry for its readers: Kong finds JWT credentials by label.
pub(super) fn secret_labels(env: &resolved::Env, secret: &resolved::Secret) -> BTreeMap<&'static str, &'static str> {
    let mut labels = BTreeMap::new();
    let is_credential =
        env.gateway.iter().flat_map(|gateway| &gateway.jwt_consumers).any(|(_, used)| used.value == secret.name.value);
    if is_credential {
        labels.insert("konghq.com/credential", "jwt");
    }
    labels
}

/// The AWS secrets it is made of (one object each), each key a JMESPath alias, synced into a Kubernetes
/// Secret of the same name so that `secretKeyRef` and `envFrom` work as with any other backend. The
/// provider reads `objects` as YAML text (`SecretDescriptor`, provider 3.1.1), so it is built as an
/// object and written by the same YAML writer as everything else.
fn provider_class(env: &resolved::Env, secret: &resolved::Secret, metadata: &meta::ObjectMeta) -> Value {
    let objects: Vec<Value> = secret
        .objects
        .iter()
        .map(|object| {
            let jmes_path: Vec<Value> = object
                .keys
                .iter()
                .map(|(key, property)| json!({ "path": jmes_path_field(property), "objectAlias": key.value }))
                .collect();
            json!({ "objectName": object.remote, "objectType": "secretsmanager", "jmesPath": jmes_path })
        })
        .collect();
    let objects = Value::Array(objects);
    let data: Vec<Value> = secret.keys.iter().map(|key| json!({ "objectName": key.value, "key": key.value })).collect();
    let mut secret_object = json!({ "secretName": secret.name.value, "type": "Opaque", "data": data });
    let labels = secret_labels(env, secret);
    if !labels.is_empty() {
        secret_object["labels"] = json!(labels);
    }
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": to_value(metadata),
        "spec": {
            "provider": "aws",
            "parameters": {
                "region": secret.region.as_ref().map(|it| it.value.clone()),
                "objects": crate::emit::yaml::to_string(&objects),
            },
            "secretObjects": [secret_object],
        },
    })
}

/// A JMESPath expression selecting one field of the secret's JSON. A bare identifier is only letters,
/// digits and `_` not starting with a digit; anything else (`api-token`) must be a quoted identifier,
/// with `"` and `\\` escaped, as the AWS provider's documentation says.
fn jmes_path_field(field: &str) -> String {
    let bare = field.chars().next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && field.chars().all(|it| it.is_ascii_alphanumeric() || it == '_');
    if bare { field.to_owned() } else { format!("\"{}\"", field.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// The SealedSecret with its ciphertext and what identifies it, nothing else: `apiVersion`, `kind`,
/// `metadata` (see `sealed_metadata`), `spec.encryptedData`, and the template's metadata and `type`.
/// `validate` has checked its kind, name, namespace and keys, and refused plain text in it (S010); what
/// is not listed here (a template's `data`, kubectl's last-applied annotation) is never copied.
fn sealed(secret: &resolved::Secret) -> Option<Value> {
    let (_, Ok(text)) = secret.sealed.as_ref()? else { return None };
    let object: Value = crate::yaml_reader::one_object(text).ok()?;
    let mut spec = Map::new();
    spec.insert("encryptedData".to_owned(), object["spec"]["encryptedData"].clone());
    let template = &object["spec"]["template"];
    let mut kept = Map::new();
    if template["metadata"].is_object() {
        kept.insert("metadata".to_owned(), sealed_metadata(&template["metadata"]));
    }
    if template["type"].is_string() {
        kept.insert("type".to_owned(), template["type"].clone());
    }
    if !kept.is_empty() {
        spec.insert("template".to_owned(), Value::Object(kept));
    }
    Some(json!({
        "apiVersion": object["apiVersion"],
        "kind": object["kind"],
        "metadata": sealed_metadata(&object["metadata"]),
        "spec": spec,
    }))
}

/// `name`, `namespace`, `labels` and `annotations`, without kubectl's last-applied configuration (which
/// records the object applied before, possibly the plain Secret).
fn sealed_metadata(metadata: &Value) -> Value {
    let mut kept = Map::new();
    for field in ["name", "namespace", "labels"] {
        if !metadata[field].is_null() {
            kept.insert(field.to_owned(), metadata[field].clone());
        }
    }
    if let Some(annotations) = metadata["annotations"].as_object() {
        let mut annotations = annotations.clone();
        annotations.remove(LAST_APPLIED);
        if !annotations.is_empty() {
            kept.insert("annotations".to_owned(), Value::Object(annotations));
        }
    }
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::jmes_path_field;

    #[test]
    fn jmes_path_fields_are_quoted_unless_bare_identifiers() {
        assert_eq!(jmes_path_field("password"), "password");
        assert_eq!(jmes_path_field("db_url2"), "db_url2");
        assert_eq!(jmes_path_field("api-token"), "\"api-token\"");
        assert_eq!(jmes_path_field("2fa"), "\"2fa\"");
        assert_eq!(jmes_path_field("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
