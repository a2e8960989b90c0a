//! Derived names: takes resolved names, gives the names of the objects Slipway creates from them.
//! `validate` checks their length with the same functions, so what is checked is what is rendered.

use crate::resolved;

/// The ArgoCD Application of a service or of the platform objects: `<env>-<name>`.
pub fn application(env: &resolved::Env, name: &str) -> String {
    // Made for every object: `join` sizes it once, where `format!` costs several times as much.
    [env.name.value.as_str(), name].join("-")
}

/// The AppProject of an environment: `<platform>-<env>`.
pub fn project(env: &resolved::Env) -> String {
    format!("{}-{}", env.platform.name.value, env.name.value)
}

/// The root Application of an environment: `<env>-root`.
pub fn root(env: &resolved::Env) -> String {
    format!("{}-root", env.name.value)
}

/// The Application over every environment's root (`[argocd] root = "all"`): `<platform>-root`.
pub fn root_of_roots(platform: &str) -> String {
    format!("{platform}-root")
}

/// The ConfigMap holding a service's `config`.
pub fn config_map(service: &str) -> String {
    format!("{service}-config")
}

/// The AppProject of an environment's components: `<platform>-<env>-infra`.
pub fn infra_project(env: &resolved::Env) -> String {
    format!("{}-{}-infra", env.platform.name.value, env.name.value)
}
