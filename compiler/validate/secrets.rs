//! Secrets: every secret reference (env, env_from, image pull secrets) names a declared secret and key;
//! declared secrets and keys are used somewhere; and no literal looks like a credential.

use std::collections::BTreeSet;

use crate::analysis::Facts;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::resolved;
use crate::source::Spanned;

/// Names that say "this is a credential" in an environment variable or config key.
const CREDENTIAL_WORDS: [&str; 6] = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"];
/// Suffixes that name where a credential is, not the credential itself (`PASSWORD_FILE=/run/secrets/db`).
const LOCATION_SUFFIXES: [&str; 9] = ["_FILE", "_PATH", "_DIR", "_URL", "_URI", "_HOST", "_ENDPOINT", "_NAME", "_ID"];

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    backends(facts, diagnostics);
    for service in env.services.values() {
        for variable in &service.env {
            if let resolved::EnvSource::Literal(value) = &variable.value {
                credential(&variable.name.value, value, diagnostics);
            }
        }
        for (key, value) in &service.config {
            credential(key, value, diagnostics);
        }
        for variable in &service.env {
            if let resolved::EnvSource::Secret { secret, key } = &variable.value {
                reference(env, secret, Some(key), diagnostics);
            }
        }
        for source in &service.env_from {
            if let resolved::EnvFrom::Secret(secret) = &source.value {
                reference(env, secret, None, diagnostics);
            }
        }
        for secret in &service.image_pull_secrets {
            reference(env, secret, None, diagnostics);
        }
    }
    for component in env.components.values() {
        if let Some(credentials) = &component.credentials {
            reference(env, &credentials.value.secret, Some(&credentials.value.key), diagnostics);
        }
        for secret in &component.secrets {
            reference(env, secret, None, diagnostics);
        }
        literal_values(&component.name, &component.values, diagnostics);
    }
}

/// Chart values named like credentials must not hold literals either; they carry no spans of their
/// own, so the component's name is pointed at.
fn literal_values(
    component: &Spanned<String>,
    values: &serde_json::Map<String, serde_json::Value>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (key, value) in values {
        match value {
            serde_json::Value::Object(inner) => literal_values(component, inner, diagnostics),
            serde_json::Value::String(text) if names_a_credential_value(key) && !text.is_empty() => diagnostics.push(
                Diagnostic::error(
                    Code::CredentialLiteral,
                    format!("chart value `{key}` of `{}` holds a literal credential", component.value),
                )
                .with_label(component.span, "its `values` hold a credential in plain text")
                .with_help("give the component `credentials = { secret = \"...\", key = \"...\" }` instead"),
            ),
            _ => {}
        }
    }
}

fn reference(
    env: &resolved::Env,
    secret: &Spanned<String>,
    key: Option<&Spanned<String>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(declared) = env.secrets.get(secret.value.as_str()) else {
        let help = did_you_mean(secret, env.secrets.keys().map(String::as_str))
            .unwrap_or_else(|| format!("declare it: `[secrets.{}]` with its `keys`", secret.value));
        diagnostics.push(
            Diagnostic::error(Code::UndeclaredSecret, format!("secret `{}` is not declared", secret.value))
                .with_label(secret.span, "not declared in [secrets]")
                .with_help(help),
        );
        return;
    };
    let Some(key) = key else { return };
    if !declared.keys.iter().any(|declared| declared.value == key.value) {
        let help = did_you_mean(key, declared.keys.iter().map(|key| key.value.as_str()))
            .unwrap_or_else(|| format!("add `{}` to the `keys` of `[secrets.{}]`", key.value, secret.value));
        diagnostics.push(
            Diagnostic::error(
                Code::UndeclaredSecretKey,
                format!("secret `{}` has no key `{}`", secret.value, key.value),
            )
            .with_label(key.span, "not among the secret's keys")
            .with_secondary(declared.name.span, "secret declared here")
            .with_help(help),
        );
    }
}

fn credential(name: &str, value: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    let finding = if named_like_credential(name) && !value.is_empty() {
        Some(format!("`{name}` holds a literal credential"))
    } else if url_with_password(value) {
        Some(format!("`{name}` holds a URL with a password in it"))
    } else {
        None
    };
    if let Some(message) = finding {
        diagnostics.push(
            Diagnostic::error(Code::CredentialLiteral, message)
                .with_label(value.span, "committed in plain text, and rendered into out/")
                .with_help(format!(
                    "move it into `[secrets]` and reference it: `{name} = {{ secret = \"...\", key = \"...\" }}`"
                )),
        );
    }
}

/// Chart values name secrets and their keys all the time (`existingSecret`, `adminPasswordKey`); only a
/// key whose last word is the credential itself (`adminPassword`, `apiToken`, `privateKey`) holds one.
fn names_a_credential_value(key: &str) -> bool {
    let upper = screaming_snake(key);
    let last_words = ["PASSWORD", "PASSWD", "TOKEN", "API_KEY", "PRIVATE_KEY"];
    last_words.iter().any(|word| upper == *word || upper.ends_with(&format!("_{word}")))
}

fn named_like_credential(name: &str) -> bool {
    let upper = screaming_snake(name);
    CREDENTIAL_WORDS.iter().any(|word| upper.contains(word))
        && !LOCATION_SUFFIXES.iter().any(|suffix| upper.ends_with(suffix))
}

/// `adminPassword` and `admin-password` alike become `ADMIN_PASSWORD`.
fn screaming_snake(name: &str) -> String {
    let mut upper = String::with_capacity(name.len() + 4);
    for (index, c) in name.char_indices() {
        if c.is_ascii_uppercase() && index > 0 && !name[..index].ends_with(|p: char| p.is_ascii_uppercase() || p == '_')
        {
            upper.push('_');
        }
        upper.push(if c == '-' || c == '.' { '_' } else { c.to_ascii_uppercase() });
    }
    upper
}

/// `scheme://user:password@host`: a password in the authority part of a URL.
fn url_with_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, password)| !password.is_empty()))
}

/// Declared secrets and keys that nothing in any environment uses; warnings, reported once.
pub(super) fn unused(envs: &[resolved::Env], diagnostics: &mut Vec<Diagnostic>) {
    let Some(first) = envs.first() else { return };
    let mut whole: BTreeSet<&str> = BTreeSet::new();
    let mut keys: BTreeSet<(&str, &str)> = BTreeSet::new();
    for service in envs.iter().flat_map(|env| env.services.values()) {
        for variable in &service.env {
            if let resolved::EnvSource::Secret { secret, key } = &variable.value {
                keys.insert((secret, key));
            }
        }
        for source in &service.env_from {
            if let resolved::EnvFrom::Secret(secret) = &source.value {
                whole.insert(secret);
            }
        }
        whole.extend(service.image_pull_secrets.iter().map(|secret| secret.value.as_str()));
    }
    for component in envs.iter().flat_map(|env| env.components.values()) {
        if let Some(credentials) = &component.credentials {
            keys.insert((&credentials.value.secret, &credentials.value.key));
            // The chart reads its other generated values from the same secret (see `catalog`).
            for generated in crate::catalog::kind_info(component.kind.value).generated {
                keys.insert((&credentials.value.secret, generated.key));
            }
            if component.kind.value == resolved::ComponentKind::Mongodb && !component.databases.is_empty() {
                keys.insert((&credentials.value.secret, "mongodb-passwords"));
            }
        }
        whole.extend(component.secrets.iter().map(|secret| secret.value.as_str()));
    }
    for (_, secret) in envs.iter().flat_map(|env| env.gateway.iter()).flat_map(|gateway| &gateway.jwt_consumers) {
        whole.insert(&secret.value);
    }
    for secret in first.secrets.values() {
        let name = secret.name.value.as_str();
        if whole.contains(name) {
            continue;
        }
        if !keys.iter().any(|(used, _)| *used == name) {
            diagnostics.push(
                Diagnostic::warning(Code::UnusedSecret, format!("secret `{name}` is used by no service"))
                    .with_label(secret.name.span, "declared but never referenced")
                    .with_help("remove it, or reference it where it is needed"),
            );
            continue;
        }
        for key in &secret.keys {
            if !keys.contains(&(name, key.value.as_str())) {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::UnusedSecretKey,
                        format!("key `{}` of secret `{name}` is used by no service", key.value),
                    )
                    .with_label(key.span, "declared but never referenced")
                    .with_help("remove the key, or reference it"),
                );
            }
        }
    }
}

/// Each backend has what it needs, and can deliver the secret where it is used.
fn backends(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let used_in = &facts.secret_namespaces;
    for secret in env.secrets.values() {
        match secret.backend.value {
            resolved::Backend::ExternalSecrets => match &secret.store {
                Some(store) if env.secret_stores.contains_key(&store.value) => {}
                Some(store) => diagnostics.push(
                    Diagnostic::error(
                        Code::UndeclaredSecretStore,
                        format!("secret store `{}` is not declared", store.value),
                    )
                    .with_label(store.span, "not declared in [secret_stores]")
                    .with_help(
                        did_you_mean(store, env.secret_stores.keys().map(String::as_str)).unwrap_or_else(|| {
                            format!("declare it: `[secret_stores.{}]` with its `kind` and `provider`", store.value)
                        }),
                    ),
                ),
                None => diagnostics.push(
                    Diagnostic::error(
                        Code::UndeclaredSecretStore,
                        format!("secret `{}` names no store", secret.name.value),
                    )
                    .with_label(secret.backend.span, "external-secrets needs a store to read from")
                    .with_help("add `store = \"...\"`, naming a `[secret_stores]` entry"),
                ),
            },
            resolved::Backend::AwsSecretsManager if secret.region.is_none() => diagnostics.push(
                Diagnostic::error(
                    Code::IncompleteSecretBackend,
                    format!("secret `{}` has no AWS `region`", secret.name.value),
                )
                .with_label(secret.backend.span, "aws-secrets-manager needs a region")
                .with_help("add `region = \"us-east-1\"` (or the secret's region)"),
            ),
            resolved::Backend::SealedSecrets => {
                let namespaces = used_in.get(secret.name.value.as_str()).cloned().unwrap_or_default();
                sealed(secret, &namespaces, diagnostics);
            }
            _ => {}
        }
    }
}

/// A SealedSecret file is Slipway's to check, never to read the values of: the right kind, name,
/// namespace and keys.
fn sealed(secret: &resolved::Secret, namespaces: &BTreeSet<&str>, diagnostics: &mut Vec<Diagnostic>) {
    let Some((path, text)) = &secret.sealed else { return };
    let mismatch = |problem: String| {
        Diagnostic::error(Code::SealedSecretMismatch, format!("the SealedSecret of `{}` {problem}", secret.name.value))
            .with_label(secret.name.span, format!("sealed in `{path}`"))
            .with_help("seal it again with `kubeseal --format json`, for this name, namespace and keys")
    };
    let object: serde_json::Value = match text.as_ref().map(|text| serde_json::from_str(text)) {
        Err(error) => return diagnostics.push(mismatch(format!("cannot be read: {error}"))),
        Ok(Err(_)) => {
            return diagnostics.push(mismatch("is not JSON, as `kubeseal --format json` writes it".to_owned()));
        }
        Ok(Ok(object)) => object,
    };
    if object["kind"] != "SealedSecret"
        || !object["apiVersion"].as_str().is_some_and(|it| it.starts_with("bitnami.com/"))
    {
        return diagnostics.push(mismatch("is not a bitnami.com SealedSecret".to_owned()));
    }
    if object["metadata"]["name"] != secret.name.value.as_str() {
        diagnostics.push(mismatch(format!("is named `{}`", object["metadata"]["name"].as_str().unwrap_or_default())));
    }
    let sealed_keys: BTreeSet<&str> = object["spec"]["encryptedData"]
        .as_object()
        .map(|data| data.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let declared: BTreeSet<&str> = secret.keys.iter().map(|key| key.value.as_str()).collect();
    if sealed_keys != declared {
        let list = |keys: &BTreeSet<&str>| keys.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ");
        diagnostics.push(mismatch(format!("carries the keys {} instead of {}", list(&sealed_keys), list(&declared))));
    }
    let sealed_for = object["metadata"]["namespace"].as_str().unwrap_or_default();
    for namespace in namespaces.iter().filter(|namespace| **namespace != sealed_for) {
        diagnostics.push(
            Diagnostic::error(
                Code::SecretNotDeliverable,
                format!("secret `{}` is used in `{namespace}`, but it is sealed for `{sealed_for}`", secret.name.value),
            )
            .with_label(secret.name.span, format!("a SealedSecret decrypts only in `{sealed_for}`"))
            .with_help("use it only in the namespace it was sealed for, or seal one per namespace"),
        );
    }
}
