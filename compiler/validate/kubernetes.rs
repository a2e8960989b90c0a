//! Kubernetes: every value the platform writes into an object passes the API server's own validation, so a
//! sync never fails on something `check` accepted. The rules live in `crate::k8s_rules`; this file finds
//! the values they apply to and says where each one is.
//!
//! Labels and node selectors (K001), annotation keys (K002), environment variable names (K003), ConfigMap
//! and Secret keys (K004), port numbers and user IDs (K005), tolerations (K006), image references (K007),
//! and annotations too large (K008). How large a whole object may be is known only once it is rendered:
//! [`object_size`] measures each object as `compile` renders it.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::k8s_rules::{self, TolerationField, shown};
use crate::render::Manifest;

use super::thousands;
use crate::resolved;
use crate::source::{Span, Spanned};

type Map = BTreeMap<Spanned<String>, Spanned<String>>;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
        let name = service.name.value.as_str();
        image(service, diagnostics);
        for (key, value) in &service.pod_labels {
            label_pair(Some(key), Some(value), "pod label", name, diagnostics);
        }
        for (key, value) in &service.node_selector {
            label_pair(Some(key), Some(value), "node selector", name, diagnostics);
        }
        annotations(&service.pod_annotations, "pod annotation", name, diagnostics);
        annotations(&service.service_account.annotations, "service account annotation", name, diagnostics);
        tolerations(service, diagnostics);
        variables(service, diagnostics);
        numbers(service, diagnostics);
    }
    for secret in env.secrets.values() {
        for key in &secret.keys {
            if let Err(problem) = k8s_rules::config_map_key(key) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidDataKey,
                        format!("key `{}` of secret `{}` is not a valid Secret key", shown(key), secret.name.value),
                    )
                    .with_label(key.span, problem)
                    .with_help(format!("use letters, digits, `-`, `_` and `.`, such as `{}`", data_key_fix(key))),
                );
            }
        }
    }
    for component in env.components.values() {
        let external = component.external.iter().flat_map(|external| external.ports.iter().map(|it| &it.port));
        let mut seen = Vec::new();
        for port in component.port.iter().chain(external) {
            // The main external port is also the component's `port` when it gives none of its own.
            if !seen.contains(&port.span) {
                seen.push(port.span);
                port_number(port, &format!("port of `{}`", component.name.value), diagnostics);
            }
        }
    }
}

fn image(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let Err(problem) = k8s_rules::image_reference(&service.image) else { return };
    let fixed = image_fix(&service.image);
    let help = match &fixed {
        Some(fixed) => format!("write `{fixed}`"),
        None => "write `[registry/]path[:tag]`, such as `ghcr.io/flowmind/api:1.4.2`".to_owned(),
    };
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidImageReference,
            format!("image of `{}` is not a valid image reference", service.name.value),
        )
        .with_label(service.image.span, problem)
        .with_note("the Deployment would be accepted, and every pod would fail with `InvalidImageName`")
        .with_help(help),
    );
}

/// The reference without surrounding whitespace and with a lowercase path, if that is valid.
fn image_fix(image: &str) -> Option<String> {
    let joined: String = image.split_whitespace().collect();
    let candidates = [image.trim().to_owned(), joined.clone(), lowercase_path(&joined)];
    candidates.into_iter().find(|candidate| candidate != image && k8s_rules::image_reference(candidate).is_ok())
}

/// `Registry.io/Team/App:V1` -> `Registry.io/team/app:V1`: the path lowercased, the registry and tag kept.
fn lowercase_path(image: &str) -> String {
    // The tag and any `@digest` are kept as written; the name is split as `set-image` splits it.
    let (name, _) = crate::edit::split_image(image);
    let (name, suffix) = image.split_at(name.len());
    match k8s_rules::split_registry(name) {
        (Some(registry), path) => format!("{registry}/{}{suffix}", path.to_lowercase()),
        (None, path) => format!("{}{suffix}", path.to_lowercase()),
    }
}

/// K001 for a label key or value (either may be absent: a toleration's key and value are optional) of
/// what `service` writes.
pub(super) fn label_pair(
    key: Option<&Spanned<String>>,
    value: Option<&Spanned<String>>,
    what: &str,
    service: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(key) = key
        && let Err(problem) = k8s_rules::label_key(key)
    {
        diagnostics.push(
            Diagnostic::error(Code::InvalidLabel, format!("{what} key `{}` of `{service}` is not one Kubernetes accepts", shown(key)))
                .with_label(key.span, problem)
                .with_help("a key is letters, digits, `-`, `_` and `.` (at most 63), after an optional DNS prefix and `/`: `example.com/team`"),
        );
    }
    if let Some(value) = value
        && let Err(problem) = k8s_rules::label_value(value)
    {
        let key = key.map(|key| format!(" `{}`", shown(key))).unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(Code::InvalidLabel, format!("{what}{key} of `{service}` has a value Kubernetes refuses"))
                .with_label(value.span, problem)
                .with_help(
                    "a value is at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; put longer text in an annotation",
                ),
        );
    }
}

pub(super) fn annotations(annotations: &Map, what: &str, service: &str, diagnostics: &mut Vec<Diagnostic>) {
    for key in annotations.keys() {
        if let Err(problem) = k8s_rules::annotation_key(key) {
            diagnostics.push(
                Diagnostic::error(Code::InvalidAnnotation, format!("{what} key `{}` of `{service}` is not one Kubernetes accepts", shown(key)))
                    .with_label(key.span, problem)
                    .with_help(format!(
                        "a key is letters, digits, `-`, `_` and `.` (at most 63), after an optional DNS prefix and `/`, such as `{}`",
                        qualified_name_fix(key)
                    )),
            );
        }
    }
    let size = k8s_rules::annotations_size(annotations.iter().map(|(key, value)| (key.as_str(), value.as_str())));
    if size > k8s_rules::ANNOTATIONS_MAX {
        let (key, value) = annotations
            .iter()
            .max_by_key(|(key, value)| key.len() + value.len())
            .expect("annotations over the limit are not empty");
        diagnostics.push(
            Diagnostic::error(
                Code::ObjectTooLarge,
                format!(
                    "the {what}s of `{service}` are {} bytes; an object's annotations hold at most {}",
                    thousands(size),
                    thousands(k8s_rules::ANNOTATIONS_MAX)
                ),
            )
            .with_label(key.span, format!("{} bytes here", thousands(key.len() + value.len())))
            .with_help("keep large data out of annotations: build it into the image, or mount it from a volume"),
        );
    }
}

fn tolerations(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let name = service.name.value.as_str();
    for spanned in &service.tolerations {
        let toleration = &spanned.value;
        let (operator, effect) = (text(toleration.operator.as_ref()), text(toleration.effect.as_ref()));
        // An `Exists` toleration's value is reported below; only `Equal` compares it as a label value.
        let value = toleration.value.as_ref().filter(|_| operator != "Exists");
        label_pair(toleration.key.as_ref(), value, "toleration", name, diagnostics);
        let enumerations = [
            (
                &toleration.operator,
                k8s_rules::toleration_operator(operator),
                "operator",
                k8s_rules::TOLERATION_OPERATORS,
            ),
            (&toleration.effect, k8s_rules::taint_effect(effect), "effect", k8s_rules::TAINT_EFFECTS),
        ];
        let mut valid = true;
        for (field, rule, field_name, choices) in enumerations {
            if let (Some(field), Err(problem)) = (field, rule) {
                valid = false;
                let help = did_you_mean(field, choices.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "the {field_name} is one of {}",
                        choices.iter().map(|it| format!("`{it}`")).collect::<Vec<_>>().join(", ")
                    )
                });
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidToleration,
                        format!("a toleration of `{name}` has the {field_name} `{}`", shown(field)),
                    )
                    .with_label(field.span, problem)
                    .with_help(help),
                );
            }
        }
        if !valid {
            continue;
        }
        let problems = k8s_rules::toleration_combination(
            text(toleration.key.as_ref()),
            operator,
            text(toleration.value.as_ref()),
            effect,
            toleration.toleration_seconds.is_some(),
        );
        for (field, problem) in problems {
            let span = match field {
                TolerationField::Operator => toleration.operator.as_ref().map(|it| it.span),
                TolerationField::Value => toleration.value.as_ref().map(|it| it.span),
                TolerationField::Effect => toleration
                    .effect
                    .as_ref()
                    .map(|it| it.span)
                    .or(toleration.toleration_seconds.as_ref().map(|it| it.span)),
            };
            diagnostics.push(
                Diagnostic::error(Code::InvalidToleration, format!("a toleration of `{name}` is not one Kubernetes accepts"))
                    .with_label(span.unwrap_or(spanned.span), problem)
                    .with_help("a toleration is `{ key, operator = \"Equal\", value, effect }`, or `{ key, operator = \"Exists\" }`"),
            );
        }
    }
}

fn variables(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let name = &service.name.value;
    for variable in &service.env {
        if let Err(problem) = k8s_rules::env_var_name(&variable.name) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidEnvVarName,
                    format!(
                        "environment variable `{}` of `{name}` has a name Kubernetes refuses",
                        shown(&variable.name)
                    ),
                )
                .with_label(variable.name.span, problem)
                .with_help(format!("use letters, digits and `_`, such as `{}`", env_var_fix(&variable.name))),
            );
        }
    }
    for key in service.config.keys() {
        if let Err(problem) = k8s_rules::config_map_key(key) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidDataKey,
                    format!("config key `{}` of `{name}` is not a valid ConfigMap key", shown(key)),
                )
                .with_label(key.span, problem)
                .with_help(format!("use letters, digits and `_`, such as `{}`", env_var_fix(key))),
            );
        } else if let Err(problem) = k8s_rules::env_var_name(key) {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidEnvVarName,
                    format!("config key `{}` of `{name}` is not an environment variable name", shown(key)),
                )
                .with_label(key.span, problem)
                .with_note("the ConfigMap reaches the container through `envFrom`, which skips keys that are not variable names")
                .with_help(format!("use letters, digits and `_`, such as `{}`", env_var_fix(key))),
            );
        }
    }
}

fn numbers(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    let name = &service.name.value;
    for port in &service.ports {
        port_number(&port.port, &format!("container port `{}` of `{name}`", port.name.value), diagnostics);
        // Without `service_port`, it is the container port, already checked.
        if port.service_port.span != port.port.span {
            port_number(&port.service_port, &format!("Service port `{}` of `{name}`", port.name.value), diagnostics);
        }
    }
    let security = &service.security;
    for (field, id) in [
        ("run_as_user", &security.run_as_user),
        ("run_as_group", &security.run_as_group),
        ("fs_group", &security.fs_group),
    ] {
        if let Some(id) = id
            && let Err(problem) = k8s_rules::user_or_group_id(id.value)
        {
            diagnostics.push(
                Diagnostic::error(Code::NumberOutOfRange, format!("`{field}` of `{name}` is {}", id.value))
                    .with_label(id.span, problem)
                    .with_help("use the ID the image's user has, such as 1001"),
            );
        }
    }
}

fn port_number(port: &Spanned<u16>, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    if let Err(problem) = k8s_rules::port_number(port.value) {
        diagnostics.push(
            Diagnostic::error(Code::NumberOutOfRange, format!("{what} is {}", port.value))
                .with_label(port.span, problem)
                .with_help("use the port the container listens on, such as 8080"),
        );
    }
}

/// A toleration's field, or `""` when it is absent.
fn text(field: Option<&Spanned<String>>) -> &str {
    field.map_or("", |it| it.value.as_str())
}

/// `bad key!` -> `bad-key`: a qualified name with what is not allowed replaced.
fn qualified_name_fix(key: &str) -> String {
    let (prefix, name) = key.rsplit_once('/').map_or(("", key), |(prefix, name)| (prefix, name));
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    let name = name.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let name = if name.is_empty() { "key" } else { &name[..name.len().min(k8s_rules::LABEL_MAX)] };
    let prefix = prefix.to_lowercase();
    if prefix.is_empty() || k8s_rules::dns1123_subdomain(&prefix).is_err() {
        format!("example.com/{name}")
    } else {
        format!("{prefix}/{name}")
    }
}

/// `BAD=NAME` -> `BAD_NAME`, `1ST` -> `_1ST`.
fn env_var_fix(name: &str) -> String {
    let fixed: String =
        name.chars().take(64).map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if !fixed.chars().any(|c| c.is_ascii_alphanumeric()) {
        "NAME".to_owned()
    } else if fixed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{fixed}")
    } else {
        fixed
    }
}

/// `bad key/x` -> `bad_key_x`.
fn data_key_fix(key: &str) -> String {
    let fixed: String =
        key.chars().take(64).map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let fixed = fixed.trim_start_matches('.');
    if fixed.is_empty() { "key".to_owned() } else { fixed.to_owned() }
}

/// The length of YAML text from which an object could be too large, so is measured; smaller ones are not
/// (a walk of every object would cost a third of writing its YAML).
///
/// Go's JSON of a value is at most 8 times its YAML as `emit::yaml` writes it: a string's escapes (`<` is
/// `\u003c`) grow it at most 6 times, and JSON's punctuation is never more than YAML's indentation and
/// separators. The annotations once applied are the JSON, the object's own annotations (part of the JSON,
/// so at most as large) and the annotation's key: under 16 KiB of YAML, at most 16 times that, the limit
/// cannot be reached.
pub const MEASURED_FROM: usize = (k8s_rules::ANNOTATIONS_MAX - k8s_rules::LAST_APPLIED.len() - 1) / 16;

/// An object too large for the API server, as `compile` renders it (only a rendered object has a size).
/// Located at what it comes from: for a service, its largest value; otherwise the component, secret,
/// realm or environment it belongs to.
pub fn object_size(env: &resolved::Env, manifest: &Manifest) -> Option<Diagnostic> {
    let size = k8s_rules::AppliedSize::of(&manifest.value());
    let (actual, limit) = size.problem()?;
    let kind = if manifest.identity.kind.is_empty() { "object" } else { manifest.identity.kind.as_str() };
    let name = manifest.identity.name.as_str();
    let (origin_kind, origin_name) = manifest.origin.split_once('.').unwrap_or((manifest.origin.as_str(), ""));
    let service = (origin_kind == "services").then(|| env.services.get(origin_name)).flatten();
    let span = match origin_kind {
        "services" => service.map(|service| service.name.span),
        "components" => env.components.get(origin_name).map(|component| component.name.span),
        "secrets" => env.secrets.get(origin_name).map(|secret| secret.name.span),
        "identity" => env.identity.as_ref().map(|identity| identity.realm.span),
        _ => None,
    }
    .unwrap_or(env.name.span);
    let why = if limit == k8s_rules::ANNOTATIONS_MAX {
        format!(
            "ArgoCD applies it client-side, which copies the whole object into its `{}` annotation, and an object's annotations hold at most {} bytes: this one's would be {}",
            k8s_rules::LAST_APPLIED,
            thousands(limit),
            thousands(actual)
        )
    } else {
        format!(
            "the API server stores objects of at most {} bytes (etcd's limit): this one is {}",
            thousands(limit),
            thousands(actual)
        )
    };
    let mut diagnostic = Diagnostic::error(
        Code::ObjectTooLarge,
        format!("the {kind} `{name}` is too large for the API server ({} bytes as JSON)", thousands(size.object)),
    )
    .with_note(why)
    .with_help("keep large data out of the platform file: build it into the image, or mount it from a ConfigMap or volume managed outside Slipway");
    match service.and_then(largest_value) {
        Some((key, bytes)) => {
            diagnostic = diagnostic
                .with_label(key, format!("{} bytes of it come from this value", thousands(bytes)))
                .with_secondary(span, "in this service");
        }
        None => diagnostic = diagnostic.with_label(span, format!("its {kind} is too large")),
    }
    Some(diagnostic.in_environment(&env.name.value))
}

/// The span of the name of a service's largest literal (an env value, a config value or an annotation),
/// and its size; the name, because the value itself may run over thousands of lines.
fn largest_value(service: &resolved::Service) -> Option<(Span, usize)> {
    let env = service.env.iter().filter_map(|variable| match &variable.value {
        resolved::EnvSource::Literal(value) => Some((variable.name.span, value.len())),
        resolved::EnvSource::Secret { .. } => None,
    });
    let maps = [&service.config, &service.pod_annotations, &service.service_account.annotations, &service.pod_labels];
    let entries = maps.into_iter().flatten().map(|(key, value)| (key.span, value.len()));
    env.chain(entries).max_by_key(|(_, bytes)| *bytes).filter(|(_, bytes)| *bytes > 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_at_most_eight_times_the_yaml() {
        let worst = [
            serde_json::json!({ "a": "<".repeat(100), "b": ["<", ">", "&"], "<": "\u{1}\u{2}", "k": [[[]], {}] }),
            serde_json::json!([[1], [[2]], {"a": {"b": {"c": ""}}}, "", "\u{2028}", "\\\\\\"]),
            serde_json::json!({ "a": "x\n<<<<\n&&&&&\n", "": "", "e": [{}, [], null, true, 1.5] }),
        ];
        for value in worst {
            let yaml = crate::emit::yaml::to_string(&value);
            assert!(
                k8s_rules::json_size(&value) <= 8 * yaml.len(),
                "{value}: {} vs {}",
                k8s_rules::json_size(&value),
                yaml.len()
            );
        }
        assert!(16 * MEASURED_FROM + k8s_rules::LAST_APPLIED.len() < k8s_rules::ANNOTATIONS_MAX);
    }

    #[test]
    fn fixes_are_valid() {
        assert_eq!(env_var_fix("BAD=NAME"), "BAD_NAME");
        assert_eq!(env_var_fix("1ST"), "_1ST");
        assert_eq!(env_var_fix(".."), "NAME");
        assert_eq!(data_key_fix("bad key/x"), "bad_key_x");
        assert_eq!(qualified_name_fix("bad key!"), "example.com/bad-key");
        assert_eq!(qualified_name_fix("Team.io/a b"), "team.io/a-b");
        assert_eq!(image_fix("ghcr.io/FlowMind/api:1.0 ").as_deref(), Some("ghcr.io/flowmind/api:1.0"));
        assert_eq!(image_fix("ghcr.io/flowmind/api: 1.0").as_deref(), Some("ghcr.io/flowmind/api:1.0"));
        assert_eq!(image_fix("ghcr.io/flowmind/api:1.0+build"), None);
        // The registry is kept as written: an uppercase first component is a registry, as the runtime reads it.
        assert_eq!(image_fix("MyRegistry/Team/App:V1").as_deref(), Some("MyRegistry/team/app:V1"));
        assert_eq!(image_fix("localhost:5000/App:V1").as_deref(), Some("localhost:5000/app:V1"));
        assert_eq!(
            image_fix("ghcr.io/App:V1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
                .as_deref(),
            Some("ghcr.io/app:V1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        );
        assert_eq!(thousands(262_144), "262,144");
        assert_eq!(thousands(999), "999");
    }
}
