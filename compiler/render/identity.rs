//! Identity: takes the environment's `[identity]`, gives the Keycloak realm import (realm, roles, clients,
//! protocol mappers) as a ConfigMap in the identity provider's namespace, which its chart loads.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use serde_json::{Map, Value, json};

use super::{Manifest, Out, labels};
use crate::resolved;

pub(super) fn config_map_name(identity: &resolved::Identity) -> String {
    format!("{}-realm", identity.realm.value)
}

/// A checksum of the realm import, for the importer's annotations: FNV-1a, which needs no dependency and
/// only has to change when the realm does.
pub(super) fn realm_checksum(identity: &resolved::Identity) -> String {
    let hash = realm_json(identity)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

fn realm_json(identity: &resolved::Identity) -> String {
    let mut realm = Map::new();
    realm.insert("realm".to_owned(), json!(identity.realm.value));
    realm.insert("enabled".to_owned(), json!(true));
    let roles: Vec<Value> = identity.roles.iter().map(|role| json!({ "name": role })).collect();
    realm.insert("roles".to_owned(), json!({ "realm": roles }));
    realm.insert("clients".to_owned(), Value::Array(identity.clients.iter().map(client).collect()));
    for (key, value) in &identity.settings {
        realm.insert(key.clone(), value.clone());
    }
    serde_json::to_string_pretty(&Value::Object(realm)).expect("JSON always serialises") + "\n"
}

pub(super) fn render(env: &resolved::Env, out: &mut Out<'_>) {
    let Some(identity) = &env.identity else { return };
    let Some(component) = identity.component.as_ref().and_then(|name| env.components.get(name.value.as_str())) else {
        return;
    };
    let text = realm_json(identity);
    let name = config_map_name(identity);
    let config_map = core::ConfigMap {
        metadata: meta::ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(component.namespace.value.clone()),
            labels: Some(labels::common(env, super::IDENTITY, None)),
            ..meta::ObjectMeta::default()
        },
        data: Some(BTreeMap::from([(format!("{}.json", identity.realm.value), text)])),
        ..core::ConfigMap::default()
    };
    out.push(Manifest::new(
        format!("{}/{}/configmap-{name}.yaml", env.name.value, super::IDENTITY),
        "identity".to_owned(),
        config_map,
    ));
}

fn client(client: &resolved::Client) -> Value {
    let uris = |uris: &[crate::source::Spanned<String>]| uris.iter().map(|uri| uri.value.clone()).collect::<Vec<_>>();
    let mut object = json!({
        "clientId": client.id.value,
        "enabled": true,
        "protocol": "openid-connect",
        "publicClient": client.public,
        "redirectUris": uris(&client.redirect_uris),
        "webOrigins": uris(&client.web_origins),
        "standardFlowEnabled": client.standard_flow,
        "directAccessGrantsEnabled": client.direct_access_grants,
        "serviceAccountsEnabled": client.service_accounts,
    });
    if !client.public {
        object["clientAuthenticatorType"] = json!("client-secret");
    }
    if !client.attributes.is_empty() {
        let attributes: BTreeMap<&str, &str> =
            client.attributes.iter().map(|(key, value)| (key.as_str(), value.value.as_str())).collect();
        object["attributes"] = json!(attributes);
    }
    if !client.mappers.is_empty() {
        let mappers: Vec<Value> = client
            .mappers
            .iter()
            .map(|mapper| {
                json!({
                    "name": mapper.name,
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-usermodel-attribute-mapper",
                    "config": {
                        "claim.name": mapper.claim,
                        "user.attribute": mapper.attribute,
                        "access.token.claim": "true",
                        "id.token.claim": "true",
                    }
                })
            })
            .collect();
        object["protocolMappers"] = Value::Array(mappers);
    }
    object
}
