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
    envs.iter().flat_map(slipway::render::render).map(|manifest| (manifest.path.clone(), manifest.value())).collect()
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
            if object["kind"] == "SealedSecret" {
                let keys = |value: &Value| {
                    value.as_object().map(|it| it.keys().cloned().collect::<Vec<_>>()).unwrap_or_default()
                };
                assert_eq!(keys(&object), ["apiVersion", "kind", "metadata", "spec"], "{path}");
                assert!(keys(&object["spec"]).iter().all(|key| key == "encryptedData" || key == "template"), "{path}");
                assert!(
                    keys(&object["spec"]["template"]).iter().all(|key| key == "metadata" || key == "type"),
                    "{path}"
                );
                assert!(
                    object["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"].is_null()
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

/// Where a credential is, what references one, and what only looks like one are not reported (S005
/// has to be trusted to be believed).
#[test]
fn what_only_points_at_a_credential_is_accepted() {
    let text = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secrets.db]
keys = ["password"]

[secrets.broker]
keys = ["password", "erlang-cookie"]

[components.rabbitmq]
kind = "rabbitmq"
chart = { version = "14.6.6" }
namespace = "infra"
resources = { requests = { memory = "256Mi", cpu = "100m" }, limits = { memory = "512Mi", cpu = "500m" } }
credentials = { secret = "broker", key = "password" }
secrets = ["db"]
values = { auth = { existingPasswordSecret = "broker", passwordSecret = "broker" }, extraEnvVars = [
  { name = "RABBITMQ_DEFAULT_PASS", valueFrom = { secretKeyRef = { name = "broker", key = "password" } } },
  { name = "RABBITMQ_DEFAULT_PASS_FILE", value = "/run/secrets/pass" },
  { name = "RABBITMQ_PASSWORD", value = "" },
], tokenTTL = "3600", adminPasswordKey = "password" }

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
runtime = "java"
namespace = "shop"
command = ["sh", "-c", "PGPASSWORD=$DB_PASSWORD psql -h db -f /up.sql"]
args = ["--db-password=$(DB_PASSWORD)", "--password-file", "/run/secrets/db", "--token-ttl=3600", "--secure=true"]
env.DB_PASSWORD = { secret = "db", key = "password" }
env.PASSWORD_FILE = "/run/secrets/password"
env.TOKEN_URL = "https://auth.example.com/oauth/token"
env.DATABASE_URL = "postgres://orders@db.shop.svc:5432/orders"
env.SMTP_PASSWORD = ""
env.SESSION_TOKEN_TTL = "30m"
env.STRIPE_PUBLISHABLE_KEY = "pk_live_4eC39HqLyjWDarjtT1zdp7dc"
env.PWD = "/app"
env.BYPASS_CACHE = "yes please"

[services.orders.config]
"application.properties" = """
spring.datasource.url=jdbc:postgresql://db.shop.svc:5432/orders
spring.datasource.password=$${DB_PASSWORD}
spring.security.oauth2.client.provider.auth.token-uri=https://auth.example.com/token
server.ssl.key-store-password=
"""

[services.orders.pod_annotations]
"vault.hashicorp.com/agent-inject" = "true"
"vault.hashicorp.com/agent-inject-token" = "true"
"vault.hashicorp.com/agent-inject-secret-db" = "database/creds/orders"
"vault.hashicorp.com/role" = "orders"

[environments.dev]
"#;
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", text));
    let errors: Vec<_> = compiled.diagnostics.iter().filter(|it| it.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// What S005 and S010 say goes into CI logs and pull request comments: it names where the value is,
/// never the value.
#[test]
fn a_diagnostic_never_repeats_the_secret() {
    let values = [
        "hunter2",
        "tok-4f9a1c2e",
        "s.Xk3aZ9pQ2vR7tY1uW8eB4nM6",
        "hvs.CAESIJ",
        "guest-but-not-really",
        "plain-rabbit",
        "Tr0ub4dor",
        "correct horse",
        "sm7p-pa55word",
        "7f3c2a1b",
        "sk_live_4eC",
        "ghp_16C7",
        "AKIAIOSFODNN7EXAMPLE",
        "xoxb-1765",
        "eyJhbGci",
        "MIIEpAIBAAKCAQEA",
        "tok-plain",
        "bm90aWZpY2F0aW9ucw",
    ];
    for fixture in support::fixtures("invalid") {
        let stem = support::fixture_name(&fixture);
        if !(stem.starts_with("S005") || stem.starts_with("S010")) {
            continue;
        }
        let (_, compiled) = support::compile(&fixture);
        for diagnostic in &compiled.diagnostics {
            let labels = diagnostic.primary.iter().chain(&diagnostic.secondary).map(|label| label.message.as_str());
            let said: Vec<&str> = [diagnostic.message.as_str()]
                .into_iter()
                .chain(diagnostic.help.as_deref())
                .chain(diagnostic.notes.iter().map(String::as_str))
                .chain(labels)
                .collect();
            for value in values {
                assert!(!said.iter().any(|it| it.contains(value)), "{stem}: {said:?} repeats `{value}`");
            }
        }
    }
}

/// A SealedSecret is copied with its ciphertext and what identifies it; what else the file holds (a
/// creation timestamp, status, kubectl's record of what it applied) stays behind.
#[test]
fn a_sealed_secret_is_copied_with_its_ciphertext_and_metadata_only() {
    let text = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secrets.api-token]
backend = "sealed-secrets"
keys = ["token"]

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
runtime = "node"
namespace = "shop"
env_from = [{ secret = "api-token" }]

[environments.dev]
"#;
    let sealed = json!({
        "kind": "SealedSecret",
        "apiVersion": "bitnami.com/v1alpha1",
        "metadata": {
            "name": "api-token",
            "namespace": "shop",
            "creationTimestamp": null,
            "uid": "0b6a",
            "labels": { "team": "orders" },
            "annotations": {
                "sealedsecrets.bitnami.com/namespace-wide": "true",
                "kubectl.kubernetes.io/last-applied-configuration": "{\"kind\":\"SealedSecret\",\"spec\":{\"encryptedData\":{\"token\":\"AgA1\"}}}",
            },
        },
        "spec": {
            "encryptedData": { "token": "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq4dWxW5" },
            "template": { "metadata": { "name": "api-token", "creationTimestamp": null }, "type": "Opaque", "immutable": true },
        },
        "status": { "observedGeneration": 1 },
    });
    let attachments = slipway::load::Attachments {
        sealed_secrets: [("api-token".to_owned(), ("secrets/api-token.yaml".to_owned(), Ok(sealed.to_string())))]
            .into(),
        ..slipway::load::Attachments::default()
    };
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let compiled = slipway::compile_with(&source, &attachments);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &attachments);
    let object = envs
        .iter()
        .flat_map(slipway::render::render)
        .find(|manifest| manifest.path == "dev/secrets/sealedsecret-shop-api-token.yaml")
        .expect("the SealedSecret is rendered")
        .value();
    assert_eq!(
        object,
        json!({
            "apiVersion": "bitnami.com/v1alpha1",
            "kind": "SealedSecret",
            "metadata": {
                "name": "api-token",
                "namespace": "shop",
                "labels": { "team": "orders" },
                "annotations": { "sealedsecrets.bitnami.com/namespace-wide": "true" },
            },
            "spec": {
                "encryptedData": { "token": "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq4dWxW5" },
                "template": { "metadata": { "name": "api-token" }, "type": "Opaque" },
            },
        })
    );
}

#[test]
fn a_remote_key_names_the_environment_it_is_rendered_for() {
    let text = std::fs::read_to_string(support::fixture("invalid/R002-unresolved-in-secret-remote.toml"))
        .unwrap()
        .replace("${environment.nam}", "${environment.name}")
        .replace(
            "[environments.dev]",
            "[environments.dev]\n[environments.prod]\ncluster = { server = \"https://prod.example.com:6443\" }",
        );
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", text));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let files = compiled.files.unwrap();
    for environment in ["dev", "prod"] {
        let secret = &files[&format!("{environment}/secrets/externalsecret-shop-api-db.yaml")];
        assert!(secret.contains(&format!("key: shop/{environment}/api-db\n")), "{secret}");
    }
}

/// `env_from` of a whole synced secret: `envFrom.secretRef`, every key of the secret used, the reader
/// synced after the secret, and restarted by Reloader when the secret says so.
#[test]
fn env_from_a_whole_synced_secret() {
    let text = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secret_stores.vault]
provider = "vault"

[secrets.orders-db]
backend = "external-secrets"
store = "vault"
remote = "shop/orders/db"
keys = ["DATABASE_URL", "DATABASE_PASSWORD"]
reload = true

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
runtime = "node"
namespace = "shop"
env_from = [{ secret = "orders-db" }]

[environments.dev]
"#;
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let (compiled, observed) =
        slipway::compile_observed(&platform, &source, &slipway::load::Attachments::default(), |facts| {
            let readers = facts.secret_readers.get("orders-db").cloned().unwrap_or_default();
            let readers: Vec<String> = readers.iter().map(|(name, namespace)| format!("{name}@{namespace}")).collect();
            (readers, facts.waves.secrets, facts.waves.by_name["orders"])
        });
    assert!(compiled.diagnostics.is_empty(), "no key is unused: {:#?}", compiled.diagnostics);
    let (readers, secrets_wave, orders_wave) = &observed[0];
    assert_eq!(readers, &["orders@shop"]);
    assert!(secrets_wave.is_some_and(|wave| wave < *orders_wave), "{secrets_wave:?} before {orders_wave}");
    let files = compiled.files.unwrap();
    let deployment = &files["dev/services/orders/deployment-orders.yaml"];
    assert!(deployment.contains("reloader.stakater.com/auto: \"true\""), "{deployment}");
    let container = deployment.split("containers:").nth(1).unwrap();
    let env_from = container.split("image:").next().unwrap();
    support::settings().bind(|| insta::assert_snapshot!("env_from_secret_ref", env_from));
    assert!(files.contains_key("dev/secrets/externalsecret-shop-orders-db.yaml"));
}

/// Secrets per environment: an overlay changes the backend (dev reads the AWS secret's objects from
/// Vault) or the keys (production adds one), production alone has `pager`, a secret made of several
/// remote secrets renders one SecretProviderClass object (or ExternalSecret remote key) per remote
/// secret, and production takes its own SealedSecret file.
#[test]
fn secrets_differ_per_environment() {
    let files = support::render(&support::fixture("valid/secrets-per-environment.toml"));
    let mut text = String::new();
    for (path, contents) in files.iter().filter(|(path, _)| path.contains("/secrets/")) {
        let _ = write!(text, "--- {path}\n{contents}");
    }
    support::settings().bind(|| insta::assert_snapshot!("secrets_per_environment", text));
    assert!(!files.contains_key("dev/secrets/externalsecret-shop-pager.yaml"), "pager is production's alone");
    assert!(files["production/secrets/sealedsecret-shop-signing-key.yaml"].contains("AgCProductionOnly"));
    assert!(!files["dev/secrets/sealedsecret-shop-signing-key.yaml"].contains("AgCProductionOnly"));
}

/// An overlay of a secret the platform does not declare, without `keys`, is taken for a misspelling; a
/// secret with neither `keys` nor `objects` is located at its name; and a key the environment's overlay
/// drops is an error where it is still referenced there.
#[test]
fn secret_overlays_are_checked_where_they_are_written() {
    let base = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secrets.orders-db]
keys = ["url", "password"]

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
runtime = "node"
namespace = "shop"
env.DATABASE_URL = { secret = "orders-db", key = "url" }
env.DATABASE_PASSWORD = { secret = "orders-db", key = "password" }

[environments.dev]
"#;
    let errors = |text: &str| -> Vec<(slipway::diagnostic::Code, String, String)> {
        let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", text));
        compiled
            .diagnostics
            .iter()
            .filter(|it| it.is_error())
            .map(|it| {
                let span = it.primary.as_ref().unwrap().span;
                (it.code, it.message.clone(), text[span.start..span.end].to_owned())
            })
            .collect()
    };
    let misspelled = errors(&format!("{base}secrets.order-db = {{ backend = \"existing\" }}\n"));
    assert_eq!(misspelled.len(), 1, "{misspelled:?}");
    assert_eq!(misspelled[0].0, slipway::diagnostic::Code::UnknownService);
    assert_eq!(misspelled[0].2, "order-db");
    let keyless = errors(&base.replace("keys = [\"url\", \"password\"]", "backend = \"existing\""));
    assert!(
        keyless.iter().any(|it| it.0 == slipway::diagnostic::Code::MissingKey && it.2 == "orders-db"),
        "{keyless:?}"
    );
    let dropped = errors(&format!("{base}secrets.orders-db = {{ keys = [\"url\"] }}\n"));
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!((dropped[0].0, dropped[0].2.as_str()), (slipway::diagnostic::Code::UndeclaredSecretKey, "\"password\""));
}

/// SealedSecret files: an environment's own `secrets/<env>/<name>.yaml` first, then the shared
/// `secrets/<name>.yaml`; with neither, the error names both, in that environment alone.
#[test]
fn sealed_files_are_looked_up_per_environment_then_shared() {
    let dir = support::temp_dir("sealed-per-env");
    std::fs::create_dir_all(dir.join("platform/secrets/dev")).unwrap();
    let sealed = std::fs::read_to_string(support::fixture("valid/secrets/signing-key.yaml")).unwrap();
    std::fs::write(dir.join("platform/secrets/dev/signing-key.yaml"), &sealed).unwrap();
    let text = "[platform]\nname = \"shop\"\nrepo = \"https://git.example.com/shop.git\"\n\n\
                [secrets.signing-key]\nbackend = \"sealed-secrets\"\nkeys = [\"private-key\"]\n\n\
                [services.orders]\nimage = \"registry.example.com/shop/orders:1.0.0\"\nruntime = \"node\"\n\
                namespace = \"shop\"\nreplicas = 2\nenv_from = [{ secret = \"signing-key\" }]\n\n\
                [environments.dev]\n[environments.production]\n\
                cluster = { server = \"https://production.example.com:6443\" }\n";
    std::fs::write(dir.join("platform/platform.toml"), text).unwrap();
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains(
            "the SealedSecret of `signing-key` has no file for environment `production`: neither \
             `platform/secrets/production/signing-key.yaml` nor `platform/secrets/signing-key.yaml` exists"
        ),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("in environment `production`"), "dev has its file: {}", check.stderr);
    std::fs::write(dir.join("platform/secrets/signing-key.yaml"), &sealed).unwrap();
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    if !support::git_available() {
        eprintln!("skipped the rest of sealed_files_are_looked_up_per_environment_then_shared: no git");
        return;
    }
    // At a revision that has no file for dev, dev falls back to the shared file there too (git is asked
    // whether the file exists, not its error's wording), so the base compiles and nothing differs.
    std::fs::remove_file(dir.join("platform/secrets/dev/signing-key.yaml")).unwrap();
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    support::git(&dir, &["init", "-q"]);
    support::git(&dir, &["add", "-A"]);
    support::git(&dir, &["commit", "-q", "-m", "platform"]);
    let diff = support::slipway(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(diff.stdout, "no changes\n");
}
