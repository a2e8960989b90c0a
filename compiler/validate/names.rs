//! Names: every name that becomes a Kubernetes name is a DNS-1123 label, and every name Slipway derives
//! from it (`<env>-<service>`, `<service>-config`) fits in 63 characters.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::k8s_rules;
use crate::render::names as derived;
use crate::resolved;
use crate::source::{Span, Spanned};

const MAX_LABEL: usize = k8s_rules::LABEL_MAX;

/// Names Slipway gives to objects of its own, and what each is: a service or component of that name
/// would replace it (N006).
const RESERVED: [(&str, &str); 9] = [
    (crate::render::PLATFORM, "the Application of the environment's namespaces"),
    (crate::render::SECRETS, "the Application of the environment's secrets"),
    (crate::render::GATEWAY, "the Application of the gateway's objects"),
    (crate::render::IDENTITY, "the Application of the identity realm"),
    (crate::render::CONSUMERS, "the Application of the gateway's consumers"),
    (crate::render::ROOT, "the environment's root Application"),
    (crate::render::MANIFESTS, "the Application of the plain manifests"),
    (crate::render::DEFAULT_DENY, "the NetworkPolicy that denies all traffic in every namespace"),
    (crate::render::ALLOW_DNS, "the NetworkPolicy that allows DNS in every namespace"),
];

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    label(&env.platform.name, "platform", diagnostics);
    label(&env.name, "environment", diagnostics);
    label(&env.argocd.namespace, "ArgoCD namespace", diagnostics);
    if let Some(identity) = &env.identity {
        label(&identity.realm, "realm", diagnostics);
    }
    let mut namespaces = BTreeSet::new();
    for name in env.services.values().map(|it| &it.name).chain(env.components.values().map(|it| &it.name)) {
        reserved(name, diagnostics);
    }
    for service in env.services.values() {
        label(&service.name, "service", diagnostics);
        if namespaces.insert(service.namespace.value.as_str()) {
            namespace(&service.namespace, diagnostics);
        }
        for port in &service.ports {
            port_name(&port.name, diagnostics);
        }
        for source in &service.env_from {
            if let resolved::EnvFrom::ConfigMap(config_map) = &source.value {
                config_map_name(config_map, diagnostics);
            }
        }
        too_long(
            &derived::application(env, &service.name),
            |name| format!("the name of its ArgoCD Application, `{name}`, is longer than 63 characters"),
            service.name.span,
            "shorten the service name",
            diagnostics,
        );
        too_long(
            &derived::config_map(&service.name),
            |name| format!("the name of its ConfigMap, `{name}`, is longer than 63 characters"),
            service.name.span,
            "shorten the service name",
            diagnostics,
        );
    }
    too_long(
        &derived::project(env),
        |name| format!("the ArgoCD project name `{name}` is longer than 63 characters"),
        env.name.span,
        "shorten the platform or environment name",
        diagnostics,
    );
    for secret in env.secrets.values() {
        label(&secret.name, "secret", diagnostics);
    }
    for (consumer, _) in env.gateway.iter().flat_map(|gateway| &gateway.jwt_consumers) {
        label(consumer, "consumer", diagnostics);
    }
    for component in env.components.values() {
        label(&component.name, "component", diagnostics);
        for database in &component.databases {
            database_name(database, &component.name, diagnostics);
        }
        if namespaces.insert(component.namespace.value.as_str()) {
            namespace(&component.namespace, diagnostics);
        }
        too_long(
            &derived::application(env, &component.name),
            |name| format!("the name of its ArgoCD Application, `{name}`, is longer than 63 characters"),
            component.name.span,
            "shorten the component name",
            diagnostics,
        );
        if let Some(service) = env.services.get(component.name.value.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("`{}` is both a service and a component", component.name.value),
                )
                .with_label(component.name.span, "declared as a component here")
                .with_secondary(service.name.span, "and as a service here")
                .with_help("rename one of them"),
            );
        }
    }
}

/// A name Slipway derives must fit a label; `span` is the user's name that makes it long.
/// `message` says what the derived name is, given the name.
fn too_long(derived: &str, message: fn(&str) -> String, span: Span, help: &str, diagnostics: &mut Vec<Diagnostic>) {
    if derived.len() > MAX_LABEL {
        diagnostics.push(
            Diagnostic::error(Code::NameTooLong, message(derived))
                .with_label(span, format!("makes a name of {} characters", derived.len()))
                .with_help(help),
        );
    }
}

fn namespace(name: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    label(name, "namespace", diagnostics);
    if name.value == "default" || name.value.starts_with("kube-") {
        diagnostics.push(
            Diagnostic::error(
                Code::ReservedNamespace,
                format!("namespace `{}` is not Slipway's to manage", name.value),
            )
            .with_label(name.span, "a namespace of Kubernetes itself")
            .with_help("give the service or component a namespace of its own"),
        );
    }
}

fn reserved(name: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    if let Some((_, what)) = RESERVED.iter().find(|(reserved, _)| *reserved == name.value) {
        diagnostics.push(
            Diagnostic::error(Code::ReservedName, format!("`{}` is a name Slipway uses for {what}", name.value))
                .with_label(name.span, "the two objects would have one name, and one would replace the other")
                .with_help(format!("rename it, such as `{}-service`", name.value)),
        );
    }
}

pub(super) fn label(name: &Spanned<String>, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    if let Err(problem) = k8s_rules::dns1123_label(name) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidName,
                format!("{what} name `{}` is not a valid DNS-1123 label", k8s_rules::shown(name)),
            )
            .with_label(name.span, problem)
            .with_help(format!("use lowercase letters, digits and `-`, such as `{}`", fix_label(name))),
        );
    }
}

fn fix_label(name: &str) -> String {
    let fixed: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let fixed = fixed.trim_matches('-');
    let fixed = &fixed[..fixed.len().min(MAX_LABEL)];
    if fixed.is_empty() { "my-name".to_owned() } else { fixed.trim_end_matches('-').to_owned() }
}

/// A database is written into the chart's scripts (PostgreSQL's initdb SQL, MongoDB's setup), so it is a
/// plain identifier: a letter or `_`, then letters, digits and `_`, at most 63 bytes (PostgreSQL's limit).
fn database_name(name: &Spanned<String>, component: &str, diagnostics: &mut Vec<Diagnostic>) {
    let problem = if name.is_empty() {
        Some("empty")
    } else if name.len() > MAX_LABEL {
        Some("longer than 63 characters")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("must start with a letter or `_`")
    } else if !name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_') {
        Some("only letters, digits and `_` are allowed")
    } else {
        None
    };
    let Some(problem) = problem else { return };
    let mut fixed = String::new();
    for c in name.chars().take(MAX_LABEL - 1) {
        if c.is_ascii_alphanumeric() {
            fixed.push(c);
        } else if !fixed.ends_with('_') {
            fixed.push('_');
        }
    }
    let trimmed = fixed.trim_matches('_');
    fixed = if trimmed.is_empty() { "my_database".to_owned() } else { trimmed.to_owned() };
    if fixed.starts_with(|c: char| c.is_ascii_digit()) {
        fixed.insert(0, '_');
    }
    diagnostics.push(
        Diagnostic::error(Code::InvalidDatabaseName, format!("a database of `{component}` is not a plain identifier"))
            .with_label(name.span, problem)
            .with_help(format!("databases are written into the chart's scripts: name it like `{fixed}`")),
    );
}

/// A ConfigMap created outside Slipway, named in `env_from`: a DNS-1123 subdomain.
fn config_map_name(name: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    if let Err(problem) = k8s_rules::dns1123_subdomain(name) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidName,
                format!("ConfigMap name `{}` is not a valid DNS-1123 subdomain", k8s_rules::shown(name)),
            )
            .with_label(name.span, problem)
            .with_help("a ConfigMap's name is lowercase letters, digits, `-` and `.`"),
        );
    }
}

/// Port names are IANA service names.
fn port_name(name: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    if let Err(problem) = k8s_rules::port_name(name) {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidName,
                format!("port name `{}` is not a valid IANA service name", k8s_rules::shown(name)),
            )
            .with_label(name.span, problem)
            .with_help("name ports like `http`, `grpc` or `metrics`"),
        );
    }
}
