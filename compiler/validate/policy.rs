//! Policy: pinned image tags outside development, more than one replica in production, and no root or
//! privileged container without a stated exception.

use crate::diagnostic::{Code, Diagnostic};
use crate::resolved::{self, Tier};

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    for service in env.services.values() {
        image(env, service, diagnostics);
        if env.tier == Tier::Production && service.autoscale.is_none() && service.replicas.value == 1 {
            diagnostics.push(
                Diagnostic::warning(
                    Code::SingleReplicaProduction,
                    format!("service `{}` runs a single replica in production", service.name.value),
                )
                .with_label(service.replicas.span, "one replica, no autoscaler")
                .with_help("run `replicas = 2` or more, or add `autoscale = { min = 2, max = ... }`"),
            );
        }
        root(service, diagnostics);
    }
    for component in env.components.values() {
        chart(component, diagnostics);
    }
    for (name, settings) in env.namespaces.values() {
        if let Some(level) = &settings.pod_security
            && level.value != resolved::PodSecurity::Restricted
            && settings.reason.as_deref().is_none_or(str::is_empty)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::PodSecurityWithoutReason,
                    format!("namespace `{}` relaxes Pod Security without a `reason`", name.value),
                )
                .with_label(level.span, format!("`{}` needs a reason", level.value.as_str()))
                .with_help("add `reason = \"...\"`; reviewers read it in the Namespace's annotations"),
            );
        }
    }
    if let Some(identity) = &env.identity {
        for client in &identity.clients {
            for uri in client.redirect_uris.iter().chain(&client.web_origins) {
                if uri.value == "*" {
                    let message = format!("client `{}` accepts `*` as a redirect URI or web origin", client.id.value);
                    let diagnostic = if env.tier == Tier::Production {
                        Diagnostic::error(Code::WildcardRedirect, message)
                    } else {
                        Diagnostic::warning(Code::WildcardRedirect, message)
                    };
                    diagnostics.push(diagnostic.with_label(uri.span, "tokens may be sent anywhere").with_help(
                        "list the exact URIs, such as `https://app.example.com/*`, in an environment overlay",
                    ));
                }
            }
        }
    }
}

fn chart(component: &resolved::Component, diagnostics: &mut Vec<Diagnostic>) {
    if component.external.is_some() {
        return;
    }
    let problem = match &component.chart.version {
        None => Some("has no chart version"),
        Some(version) if !is_exact_version(version) => Some("has a chart version range"),
        Some(_) => None,
    };
    if let Some(problem) = problem {
        let span = component.chart.version.as_ref().map_or(component.chart.span, |it| it.span);
        diagnostics.push(
            Diagnostic::error(Code::UnpinnedChart, format!("component `{}` {problem}", component.name.value))
                .with_label(span, "what ArgoCD installs could change without a change here")
                .with_help("pin an exact version: `chart = { version = \"1.2.3\" }`"),
        );
    }
}

/// `15.5.20`, `v1.2.3`, `1.0.0-rc.1`: digits and dots, an optional `v` and pre-release; no ranges.
pub(super) fn is_exact_version(version: &str) -> bool {
    let version = version.strip_prefix('v').unwrap_or(version);
    let (core, pre) = version.split_once(['-', '+']).unwrap_or((version, ""));
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts.iter().all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
        && pre.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-')
}

fn image(env: &resolved::Env, service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    // A reference that does not parse is K007's to report; one with a digest is pinned whatever its tag.
    let Ok(reference) = crate::k8s_rules::image_reference(&service.image) else { return };
    if reference.digest.is_some() {
        return;
    }
    let problem = match reference.tag {
        None => "has no tag",
        Some("latest") => "uses the tag `latest`",
        Some(_) => return,
    };
    let message = format!("image of `{}` {problem}", service.name.value);
    let diagnostic = if env.tier == Tier::Development {
        Diagnostic::warning(Code::MutableImageTag, message)
    } else {
        Diagnostic::error(Code::MutableImageTag, message)
    };
    diagnostics.push(
        diagnostic
            .with_label(service.image.span, "what runs can change without a change here")
            .with_help("pin a version, such as `registry/name:1.4.2`; `latest` is tolerated only in development"),
    );
}

fn root(service: &resolved::Service, diagnostics: &mut Vec<Diagnostic>) {
    if service.security.exception.is_some() {
        return;
    }
    let security = &service.security;
    let finding = if security.privileged.value {
        Some((security.privileged.span, "runs privileged"))
    } else if !security.run_as_non_root.value {
        Some((security.run_as_non_root.span, "may run as root"))
    } else {
        security.run_as_user.as_ref().filter(|user| user.value == 0).map(|user| (user.span, "runs as root (user 0)"))
    };
    if let Some((span, what)) = finding {
        diagnostics.push(
            Diagnostic::error(Code::RootContainer, format!("service `{}` {what}", service.name.value))
                .with_label(span, "forbidden by Pod Security \"restricted\"")
                .with_help("run as a non-root user, or say why in `security.exception = \"...\"`"),
        );
    }
}
