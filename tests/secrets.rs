//! Secrets and networking: each backend's objects, the CSI wiring of AWS secrets, the guarantee that
//! `out/` never holds a secret value, and network policies that allow exactly the declared traffic.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::support;

fn objects(fixture: &std::path::Path) -> std::collections::BTreeMap<String, Value> {
    let source = support::source(fixture);
    let platform = slipway::load::parse(&source).unwrap();
    let attachments = support::attachments(fixture, &platform);
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &attachments);
    envs.iter().flat_map(slipway::render::render).map(|manifest| (manifest.path, manifest.object)).collect()
}

#[test]
fn each_backend_renders_its_objects() {
    let files = support::render(&support::fixture("valid/secrets.toml"));
    let mut text = String::new();
    for (path, contents) in files
        .iter()
        .filter(|(path, _)| path.starts_with("dev/secrets/") || path.starts_with("dev/platform/networkpolicy-"))
    {
        let _ = write!(text, "--- {path}\n{contents}");
    }
    support::settings().bind(|| insta::assert_snapshot!("secrets_and_network_policies", text));
    assert!(!files.keys().any(|path| path.contains("registry")), "an existing secret renders nothing");
    assert!(!files.keys().any(|path| path.starts_with("staging/platform/networkpolicy-")), "staging turns them off");
}

#[test]
fn aws_secrets_are_mounted_and_assume_their_role() {
    let objects = objects(&support::fixture("valid/secrets.toml"));
    let deployment = &objects["dev/services/ledger/deployment-ledger.yaml"];
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(
        pod["volumes"][1],
        json!({ "name": "secret-ledger-aws", "csi": { "driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": { "secretProviderClass": "ledger-aws" } } })
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"][1],
        json!({ "name": "secret-ledger-aws", "mountPath": "/mnt/secrets-store/ledger-aws", "readOnly": true })
    );
    assert_eq!(deployment["metadata"]["annotations"]["reloader.stakater.com/auto"], "true");
    let account = &objects["dev/services/ledger/serviceaccount-ledger.yaml"];
    assert_eq!(
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123456789012:role/ledger"
    );
    let checkout = &objects["dev/services/checkout/deployment-checkout.yaml"]["spec"]["template"]["spec"];
    assert_eq!(checkout["volumes"].as_array().unwrap().len(), 1, "checkout reads no AWS secret");
}

#[test]
fn a_service_that_does_not_use_postgresql_gets_no_egress_to_it() {
    let objects = objects(&support::fixture("valid/secrets.toml"));
    let egress_namespaces = |name: &str| -> Vec<Value> {
        let policy = &objects[&format!("dev/platform/networkpolicy-pay-{name}.yaml")];
        policy["spec"]["egress"]
            .as_array()
            .map(|rules| rules.iter().flat_map(|rule| rule["to"].as_array().cloned().unwrap_or_default()).collect())
            .unwrap_or_default()
    };
    let to_postgresql = json!({
        "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "data" } },
        "podSelector": { "matchLabels": { "app.kubernetes.io/instance": "postgresql" } },
    });
    assert!(egress_namespaces("checkout").contains(&to_postgresql));
    let ledger = &objects["dev/platform/networkpolicy-pay-ledger.yaml"];
    assert!(ledger["spec"]["egress"].is_null(), "ledger uses nothing: {ledger}");
    assert_eq!(ledger["spec"]["policyTypes"], json!(["Ingress"]), "its egress stays under the default deny");
    let deny = &objects["dev/platform/networkpolicy-pay-default-deny.yaml"]["spec"];
    assert_eq!(*deny, json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }));
}

#[test]
fn namespaces_defend_themselves() {
    let objects = objects(&support::fixture("valid/secrets.toml"));
    let data = &objects["dev/platform/namespace-data.yaml"]["metadata"];
    assert_eq!(data["labels"]["pod-security.kubernetes.io/enforce"], "baseline");
    assert!(data["annotations"]["slipway.dev/pod-security-reason"].as_str().unwrap().contains("init containers"));
    assert_eq!(
        objects["dev/platform/namespace-pay.yaml"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    // checkout (node: 256Mi, 100m) + ledger (go: 64Mi, 50m) + one surge pod of checkout, plus 10%.
    let quota = &objects["dev/platform/resourcequota-pay-budget.yaml"]["spec"]["hard"];
    assert_eq!(
        *quota,
        json!({ "requests.memory": "634Mi", "requests.cpu": "275m", "limits.memory": "1268Mi", "limits.cpu": "1375m", "pods": "4" })
    );
    assert!(objects.contains_key("dev/platform/limitrange-data-defaults.yaml"));
    assert!(!objects.contains_key("dev/platform/resourcequota-data-budget.yaml"), "charts run pods Slipway cannot see");
}

/// The guarantee: no rendered output of any fixture or of the shipped platform holds a secret value.
#[test]
fn out_never_holds_a_secret_value() {
    let mut platforms = support::fixtures("valid");
    platforms.push(support::root().join("platform/platform.toml"));
    let credential = |name: &str| {
        let upper = name.to_ascii_uppercase();
        ["PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"].iter().any(|word| upper.contains(word))
    };
    for platform in platforms {
        for (path, object) in objects(&platform) {
            if object["kind"] == "Secret" {
                assert!(
                    object["data"].is_null() && object["stringData"].is_null(),
                    "{}: {path} holds a Secret with data",
                    platform.display()
                );
            }
            let containers = object["spec"]["template"]["spec"]["containers"].as_array().cloned().unwrap_or_default();
            for variable in containers.iter().flat_map(|it| it["env"].as_array().cloned().unwrap_or_default()) {
                let name = variable["name"].as_str().unwrap();
                assert!(
                    !(credential(name) && variable["value"].is_string()),
                    "{}: {path} sets {name} to a literal",
                    platform.display()
                );
            }
        }
    }
}
