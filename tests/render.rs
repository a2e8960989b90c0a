//! Snapshots of the rendered objects of a small fixture platform: what a reviewer reads in `out/`.

use std::fmt::Write as _;

use crate::support;

#[test]
fn small_platform_renders_every_object() {
    let files = support::render(&support::fixture("valid/small.toml"));
    let mut text = String::new();
    for (path, contents) in &files {
        let _ = write!(text, "--- {path}\n{contents}");
    }
    support::settings().bind(|| insta::assert_snapshot!("render_small", text));
}

#[test]
fn autoscaled_deployment_has_no_replicas_and_fixed_one_has() {
    let files = support::render(&support::fixture("valid/small.toml"));
    let prod_orders = &files["prod/services/orders/deployment-orders.yaml"];
    assert!(!prod_orders.contains("replicas:"), "{prod_orders}");
    assert!(files.contains_key("prod/services/orders/horizontalpodautoscaler-orders.yaml"));
    let prod_catalog = &files["prod/services/catalog/deployment-catalog.yaml"];
    assert!(prod_catalog.contains("\n  replicas: 3\n"), "{prod_catalog}");
    assert!(!files.contains_key("dev/services/orders/horizontalpodautoscaler-orders.yaml"));
}

#[test]
fn every_container_meets_pod_security_restricted() {
    let files = support::render(&support::fixture("valid/small.toml"));
    let deployments: Vec<_> = files.iter().filter(|(path, _)| path.contains("/deployment-")).collect();
    assert_eq!(deployments.len(), 4);
    for (path, contents) in deployments {
        for expected in [
            "allowPrivilegeEscalation: false",
            "runAsNonRoot: true",
            "drop:\n                - ALL",
            "seccompProfile:\n          type: RuntimeDefault",
        ] {
            assert!(contents.contains(expected), "{path} lacks `{expected}`:\n{contents}");
        }
    }
}

#[test]
fn applications_point_at_the_output_path_inside_the_repository() {
    let files = support::render(&support::fixture("valid/small.toml"));
    let root = &files["prod/root.yaml"];
    assert!(root.contains("path: deploy/out/prod/apps\n"), "{root}");
    let orders = &files["prod/apps/application-prod-orders.yaml"];
    assert!(orders.contains("path: deploy/out/prod/services/orders\n"), "{orders}");
    assert!(orders.contains("server: https://prod.example.com:6443\n"), "{orders}");
    let dev_orders = &files["dev/apps/application-dev-orders.yaml"];
    assert!(dev_orders.contains("server: https://kubernetes.default.svc\n"), "{dev_orders}");
}

#[test]
fn a_stated_exception_relaxes_only_its_namespace() {
    let text = r#"
[platform]
name = "ops"
repo = "https://git.example.com/ops.git"

[services.agent]
image = "registry.example.com/ops/agent:1.0.0"
runtime = "go"
namespace = "monitoring"
security = { run_as_user = 0, exception = "reads host metrics; reviewed in SEC-142" }

[services.web]
image = "registry.example.com/ops/web:1.0.0"
runtime = "go"
namespace = "web"

[environments.dev]
"#;
    let files = support::compile_text(text);
    assert!(files["dev/platform/namespace-monitoring.yaml"].contains("pod-security.kubernetes.io/enforce: baseline\n"));
    assert!(files["dev/platform/namespace-web.yaml"].contains("pod-security.kubernetes.io/enforce: restricted\n"));
    assert!(files["dev/services/agent/deployment-agent.yaml"].contains("runAsUser: 0\n"));
}

#[test]
fn delivery_policy_renders_sync_windows_labels_and_one_root_over_every_environment() {
    let files = support::render(&support::fixture("valid/delivery.toml"));
    support::settings().bind(|| {
        insta::assert_snapshot!("delivery_appproject", files["production/apps/appproject-shop-production.yaml"]);
        insta::assert_snapshot!("delivery_root_of_roots", files["root.yaml"]);
    });
    let staging = &files["staging/apps/application-staging-api.yaml"];
    assert!(staging.contains("    team: platform\n    tier: staging\n"), "{staging}");
    assert!(staging.contains("shop.example.com/owner: platform@shop.example.com"), "{staging}");
    assert!(staging.contains("automated:"), "{staging}");
    let production = &files["production/apps/application-production-api.yaml"];
    assert!(!production.contains("automated:"), "production syncs by hand: {production}");
    assert!(production.contains("targetRevision: release"), "{production}");
    let dev_project = &files["dev/apps/appproject-shop-dev.yaml"];
    assert!(!dev_project.contains("syncWindows"), "{dev_project}");
}
