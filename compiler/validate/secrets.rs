//! Secrets: every secret reference (env, env_from, image pull secrets) names a declared secret and key.

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::resolved;
use crate::source::Spanned;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
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
