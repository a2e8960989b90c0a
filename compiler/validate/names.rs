//! Names: every name that becomes a Kubernetes name is a DNS-1123 label, and every name Slipway derives
//! from it (`<env>-<service>`, `<service>-config`) fits in 63 characters.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::render::names as derived;
use crate::resolved;
use crate::source::{Span, Spanned};

const MAX_LABEL: usize = 63;

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    label(&env.platform.name, "platform", diagnostics);
    label(&env.name, "environment", diagnostics);
    if let Some(identity) = &env.identity {
        label(&identity.realm, "realm", diagnostics);
    }
    let mut namespaces = BTreeSet::new();
    for service in env.services.values() {
        label(&service.name, "service", diagnostics);
        if namespaces.insert(service.namespace.value.as_str()) {
            namespace(&service.namespace, diagnostics);
        }
        for port in &service.ports {
            port_name(&port.name, diagnostics);
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

fn label(name: &Spanned<String>, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(problem) = label_problem(name) {
        diagnostics.push(
            Diagnostic::error(Code::InvalidName, format!("{what} name `{}` is not a valid DNS-1123 label", name.value))
                .with_label(name.span, problem)
                .with_help(format!("use lowercase letters, digits and `-`, such as `{}`", fix_label(name))),
        );
    }
}

/// Why `name` is not a DNS-1123 label, if it is not.
pub(crate) fn label_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("empty")
    } else if name.len() > MAX_LABEL {
        Some("longer than 63 characters")
    } else if !name.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-') {
        Some("only lowercase letters, digits and `-` are allowed")
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("must start and end with a letter or digit")
    } else {
        None
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

/// Port names are IANA service names: at most 15 characters, lowercase letters, digits and `-`,
/// with at least one letter.
fn port_name(name: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    let valid = name.len() <= 15
        && label_problem(name).is_none()
        && name.bytes().any(|byte| byte.is_ascii_lowercase())
        && !name.contains("--");
    if !valid {
        diagnostics.push(
            Diagnostic::error(
                Code::InvalidName,
                format!("port name `{}` is not a valid IANA service name", name.value),
            )
            .with_label(name.span, "at most 15 lowercase letters, digits and `-`, with a letter")
            .with_help("name ports like `http`, `grpc` or `metrics`"),
        );
    }
}
