//! The ALB gateway: takes an environment whose `[gateway]` is `kind = "alb"`, gives what an Application
//! Load Balancer cannot do that the platform asks of its gateway (CORS, JWT, correlation IDs, rate limits,
//! NodePorts, TLS per host) or what Slipway does not render for it (route options) as G015, settings of
//! the `alb` table the controller would refuse (G016), and the `alb` table on another kind of gateway,
//! which nothing would read (G015).

use crate::diagnostic::{Code, Diagnostic};
use crate::resolved::{self, GatewayKind};

pub(super) fn check(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let Some(gateway) = &env.gateway else { return };
    if gateway.kind.value != GatewayKind::Alb {
        if let Some(span) = gateway.alb.written {
            diagnostics.push(
                Diagnostic::error(Code::GatewayFeatureUnsupported, "`alb` configures the ALB gateway only")
                    .with_label(span, "nothing would read this")
                    .with_secondary(gateway.kind.span, "this gateway is not `alb`")
                    .with_help("remove the `alb` table, or set `kind = \"alb\"`"),
            );
        }
        return;
    }
    let unsupported = |what: &str, help: &str| {
        Diagnostic::error(Code::GatewayFeatureUnsupported, format!("an ALB gateway cannot {what}"))
            .with_label(
                gateway.kind.span,
                format!("`kind = \"alb\"`: the AWS Load Balancer Controller has no annotation to {what}"),
            )
            .with_help(help.to_owned())
    };
    if gateway.cors.is_some() {
        diagnostics.push(unsupported(
            "answer CORS preflights (`cors`)",
            "remove `cors` and answer CORS in the services, or use `kind = \"kong\"`",
        ));
    }
    if gateway.jwt_key_claim.is_some() {
        diagnostics.push(unsupported(
            "verify JWTs (`jwt`)",
            "remove `jwt` and verify tokens in the services (an ALB authenticates only through Cognito or OIDC logins), or use `kind = \"kong\"`",
        ));
    }
    if gateway.correlation_id {
        diagnostics.push(unsupported(
            "add a correlation ID (`correlation_id = true`)",
            "remove `correlation_id`: the ALB adds its own trace header, `X-Amzn-Trace-Id`",
        ));
    }
    for node_port in [&gateway.node_ports.0, &gateway.node_ports.1].into_iter().flatten() {
        diagnostics.push(
            Diagnostic::error(Code::GatewayFeatureUnsupported, "an ALB gateway has no NodePorts")
                .with_label(
                    node_port.span,
                    "the ALB sends to the pods' addresses (`target-type: ip`), not to a NodePort",
                )
                .with_secondary(gateway.kind.span, "`kind = \"alb\"`")
                .with_help("remove `node_ports`"),
        );
    }
    let rate_limits = gateway.rate_limit.iter().map(|limit| ("routes (`rate_limit`)".to_owned(), limit)).chain(
        env.services.values().filter(|service| !service.routes.is_empty()).filter_map(|service| {
            service.rate_limit.as_ref().map(|limit| (format!("`{}`'s routes", service.name.value), limit))
        }),
    );
    for (what, limit) in rate_limits {
        diagnostics.push(
            Diagnostic::error(Code::GatewayFeatureUnsupported, format!("an ALB gateway cannot limit the rate of {what}"))
                .with_label(limit.span, "the ALB has no per-route rate limit")
                .with_secondary(gateway.kind.span, "`kind = \"alb\"`")
                .with_help("remove `rate_limit`; an AWS WAF web ACL with a rate-based rule (`alb.ingress.kubernetes.io/wafv2-acl-arn`) limits per client address"),
        );
    }
    for tls in &gateway.tls {
        diagnostics.push(
            Diagnostic::error(Code::GatewayFeatureUnsupported, format!("an ALB gateway takes no TLS per host (`{}`)", tls.host.value))
                .with_label(tls.host.span, "the ALB terminates TLS with ACM certificates, not with a Secret or cert-manager")
                .with_secondary(gateway.kind.span, "`kind = \"alb\"`")
                .with_help("remove `[gateway.tls]` and give the certificates' ARNs: `alb = { certificate_arn = [\"arn:aws:acm:...\"] }`"),
        );
    }
    for service in env.services.values() {
        for route in &service.routes {
            let options = [
                (route.strip_prefix.value, route.strip_prefix.span, "strip the path prefix (`strip_prefix`)"),
                (
                    route.protocol.value != resolved::RouteProtocol::Http,
                    route.protocol.span,
                    "choose the backend protocol per route (`protocol`)",
                ),
                (
                    route.timeout.is_some(),
                    route.timeout.as_ref().map_or(route.path.span, |it| it.span),
                    "set a route's timeout (`timeout`)",
                ),
            ];
            for (_, span, what) in options.into_iter().filter(|(asked, _, _)| *asked) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::GatewayFeatureUnsupported,
                        format!("Slipway's ALB gateway does not {what} for `{}`", service.name.value),
                    )
                    .with_label(span, "no ALB annotation is rendered for this")
                    .with_secondary(gateway.kind.span, "`kind = \"alb\"`")
                    .with_help("remove it, or use `kind = \"kong\"`, `\"nginx\"` or `\"traefik\"`"),
                );
            }
        }
    }
    group(gateway, diagnostics);
    for arn in &gateway.alb.certificate_arns {
        let acm =
            arn.value.starts_with("arn:aws") && arn.value.contains(":acm:") && arn.value.contains(":certificate/");
        let iam = arn.value.starts_with("arn:aws")
            && arn.value.contains(":iam::")
            && arn.value.contains(":server-certificate/");
        if !(acm || iam) || arn.value.contains([',', ' ']) {
            diagnostics.push(
                Diagnostic::error(Code::InvalidAlbSetting, format!("`{}` is not a certificate's ARN", arn.value))
                    .with_label(arn.span, "expected an ACM certificate (or IAM server certificate) ARN")
                    .with_help("write `arn:aws:acm:<region>:<account>:certificate/<id>`, one per entry"),
            );
        }
    }
}

/// The IngressGroup's name: lowercase letters, digits, `-` and `.`, starting and ending with a letter or
/// digit, at most 63 characters (the controller's docs/guide/ingress/annotations.md, `group.name`).
fn group(gateway: &resolved::Gateway, diagnostics: &mut Vec<Diagnostic>) {
    let name = &gateway.alb.group.value;
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let problem = if name.len() > 63 {
        Some("longer than 63 characters")
    } else if !name.chars().all(|c| alphanumeric(c) || c == '-' || c == '.') {
        Some("only lowercase letters, digits, `-` and `.`")
    } else if !name.starts_with(alphanumeric) || !name.ends_with(alphanumeric) {
        Some("it must start and end with a letter or digit")
    } else {
        None
    };
    let Some(problem) = problem else { return };
    let derived = gateway.alb.group.span == crate::source::Span::default();
    let diagnostic = Diagnostic::error(
        Code::InvalidAlbSetting,
        format!("the ALB's IngressGroup `{name}` is not a valid group name"),
    );
    diagnostics.push(if derived {
        diagnostic
            .with_label(gateway.kind.span, format!("the group is `<platform>-<environment>`: {problem}"))
            .with_help("name the group: `alb = { group = \"...\" }`")
    } else {
        diagnostic
            .with_label(gateway.alb.group.span, problem)
            .with_help("use at most 63 lowercase letters, digits, `-` and `.`")
    });
}
