//! Plain manifests (`platform/manifests/<all or env>/*.yaml`): placed one object per file with their own
//! Application and project, SealedSecrets as kubeseal's YAML, stale `out/` noticed, hostile YAML refused.

use crate::support;

fn fixture() -> std::path::PathBuf {
    support::fixture("valid/plain-manifests/platform.toml")
}

#[test]
fn manifests_are_placed_one_object_per_file_with_their_application_and_project() {
    let files = support::render(&fixture());
    let placed: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|path| path.contains("/manifests/") || path.contains("manifests.yaml"))
        .collect();
    assert_eq!(
        placed,
        vec![
            "dev/apps/application-dev-manifests.yaml",
            "dev/apps/appproject-shop-dev-manifests.yaml",
            "dev/manifests/clusterrole-shop-auditor.yaml",
            "dev/manifests/ingress-argocd-argocd-server.yaml",
            "dev/manifests/ipaddresspool-metallb-system-default.yaml",
            "dev/manifests/l2advertisement-metallb-system-default.yaml",
            "dev/manifests/role-pay-payments-reader.yaml",
            "production/apps/application-production-manifests.yaml",
            "production/apps/appproject-shop-production-manifests.yaml",
            "production/manifests/clusterrole-shop-auditor.yaml",
            "production/manifests/ipaddresspool-metallb-system-default.yaml",
            "production/manifests/l2advertisement-metallb-system-default.yaml",
            "production/manifests/role-pay-payments-reader.yaml",
        ]
    );
    let mut shown = String::new();
    for path in placed.iter().filter(|path| path.starts_with("dev/")) {
        shown += &["=== ", path, "\n", &files[*path]].concat();
    }
    support::settings().bind(|| insta::assert_snapshot!("manifests-dev", shown));
}

#[test]
fn the_manifests_sync_after_the_components_and_before_the_services() {
    let files = support::render(&fixture());
    let wave = |path: &str| -> i32 {
        let text = &files[path];
        let line = text.lines().find(|line| line.contains("sync-wave")).unwrap();
        line.rsplit('"').nth(1).unwrap().parse().unwrap()
    };
    let manifests = wave("dev/apps/application-dev-manifests.yaml");
    assert!(manifests > wave("dev/apps/application-dev-metallb.yaml"));
    assert!(manifests > wave("dev/apps/application-dev-sealed-secrets.yaml"));
    assert!(manifests < wave("dev/apps/application-dev-payments.yaml"));
    // The services' project lists only what Slipway renders for them: none of the manifests' kinds.
    let services_project = &files["dev/apps/appproject-shop-dev.yaml"];
    assert!(!services_project.contains("IPAddressPool") && !services_project.contains("ClusterRole"));
}

#[test]
fn a_sealed_secret_may_be_kubeseals_yaml() {
    let files = support::render(&fixture());
    let yaml = &files["dev/secrets/sealedsecret-pay-payments-key.yaml"];
    // The same object as from the JSON file of tests/fixtures/valid/secrets/, which holds the same secret.
    let json = support::render(&support::fixture("valid/secrets.toml"));
    let from_json = json.iter().find(|(path, _)| path.ends_with("sealedsecret-pay-payments-key.yaml")).unwrap().1;
    let body = |text: &str| text.split_once('\n').unwrap().1.to_owned();
    assert_eq!(body(yaml), body(from_json));
}

#[test]
fn a_sealed_secret_in_yaml_gets_the_same_checks() {
    let dir = support::temp_dir("sealed-yaml");
    support::copy_dir(fixture().parent().unwrap(), &dir);
    let sealed = dir.join("secrets/payments-key.yaml");
    let text = std::fs::read_to_string(&sealed).unwrap();
    std::fs::write(
        &sealed,
        text.replace("  encryptedData:\n", "  template:\n    data: { private-key: aGk= }\n  encryptedData:\n")
            .replacen("  template:\n    metadata:", "    metadata:", 1),
    )
    .unwrap();
    let (_, compiled) = support::compile(&dir.join("platform.toml"));
    assert!(compiled.diagnostics.iter().any(|it| it.code.as_str() == "S010"), "{:#?}", compiled.diagnostics);
    std::fs::write(&sealed, text.replace("name: payments-key\n  namespace", "name: other\n  namespace")).unwrap();
    let (_, compiled) = support::compile(&dir.join("platform.toml"));
    assert!(compiled.diagnostics.iter().any(|it| it.code.as_str() == "S007"), "{:#?}", compiled.diagnostics);
}

/// A project directory with the fixture as `platform/`, built once.
fn built_project(name: &str) -> std::path::PathBuf {
    let dir = support::temp_dir(name);
    support::copy_dir(fixture().parent().unwrap(), &dir.join("platform"));
    let built = support::slipway(&dir, &["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    dir
}

#[test]
fn check_notices_a_changed_manifest_and_build_keeps_out_current() {
    let dir = built_project("manifests-stale");
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
    let rbac = dir.join("platform/manifests/all/rbac.yaml");
    let text = std::fs::read_to_string(&rbac).unwrap();
    std::fs::write(&rbac, text.replace("\"watch\"", "\"watch\", \"update\"")).unwrap();
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("role-pay-payments-reader.yaml"), "{}", check.stderr);
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
    // A manifest removed: its file in out/ is Slipway's, and goes.
    std::fs::remove_file(&rbac).unwrap();
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!dir.join("out/dev/manifests/role-pay-payments-reader.yaml").exists());
    assert!(dir.join("platform/manifests/all/metallb.yaml").exists(), "build never touches platform/");
}

#[test]
fn hostile_manifests_end_in_a_located_error() {
    let dir = built_project("manifests-hostile");
    let file = dir.join("platform/manifests/all/hostile.yaml");
    let mut laughs = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol, namespace: pay }\ndata:\n  a: &a [\"lol\",\"lol\"]\n",
    );
    for index in 1..40 {
        laughs.push_str(&format!("  a{index}: &a{index} [*a{},*a{}]\n", index - 1, index - 1));
    }
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let huge = format!("a: \"{}\"\n", "x".repeat(3 * 1024 * 1024));
    let mut many_keys = String::from("a:\n");
    for index in 0..200_000 {
        many_keys.push_str(&format!("  k{index}: v\n"));
    }
    let cases: [(&str, &[u8], &str); 6] = [
        ("billion laughs", laughs.as_bytes(), "M002"),
        ("deep nesting", deep.as_bytes(), "M00"),
        ("huge file", huge.as_bytes(), "M001"),
        ("not UTF-8", b"a: \xff\n", "M001"),
        ("a tab", b"a:\n\t- b\n", "M001"),
        ("many keys", many_keys.as_bytes(), "M00"),
    ];
    for (what, bytes, code) in cases {
        std::fs::write(&file, bytes).unwrap();
        let check = support::slipway(&dir, &["check"]);
        assert_eq!(check.code, 1, "{what}: {}", check.stderr);
        assert!(check.stderr.contains(&format!("error[{code}")), "{what}: {}", check.stderr);
        assert!(!check.stderr.contains("panicked"), "{what}: {}", check.stderr);
        assert!(check.stderr.len() < 64 * 1024, "{what}: {} bytes of output", check.stderr.len());
    }
}

#[test]
fn every_kind_slipway_knows_has_the_scope_upstream_says() {
    use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope, Resource};
    use slipway::validate::manifests::namespaced;
    fn scope<T: Resource>() -> (&'static str, &'static str, bool) {
        let namespaced = std::any::type_name::<T::Scope>() == std::any::type_name::<NamespaceResourceScope>();
        assert!(namespaced || std::any::type_name::<T::Scope>() == std::any::type_name::<ClusterResourceScope>());
        (T::GROUP, T::KIND, namespaced)
    }
    use k8s_openapi::api::{
        admissionregistration::v1 as admission, apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch,
        core::v1 as core, networking::v1 as networking, policy::v1 as policy, rbac::v1 as rbac,
        scheduling::v1 as scheduling, storage::v1 as storage,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    let upstream = [
        scope::<core::ConfigMap>(),
        scope::<core::Endpoints>(),
        scope::<core::LimitRange>(),
        scope::<core::Namespace>(),
        scope::<core::PersistentVolume>(),
        scope::<core::PersistentVolumeClaim>(),
        scope::<core::Pod>(),
        scope::<core::ResourceQuota>(),
        scope::<core::Secret>(),
        scope::<core::Service>(),
        scope::<core::ServiceAccount>(),
        scope::<admission::MutatingWebhookConfiguration>(),
        scope::<admission::ValidatingWebhookConfiguration>(),
        scope::<apiextensions::CustomResourceDefinition>(),
        scope::<apps::DaemonSet>(),
        scope::<apps::Deployment>(),
        scope::<apps::StatefulSet>(),
        scope::<autoscaling::HorizontalPodAutoscaler>(),
        scope::<batch::CronJob>(),
        scope::<batch::Job>(),
        scope::<networking::Ingress>(),
        scope::<networking::IngressClass>(),
        scope::<networking::NetworkPolicy>(),
        scope::<policy::PodDisruptionBudget>(),
        scope::<rbac::ClusterRole>(),
        scope::<rbac::ClusterRoleBinding>(),
        scope::<rbac::Role>(),
        scope::<rbac::RoleBinding>(),
        scope::<scheduling::PriorityClass>(),
        scope::<storage::StorageClass>(),
    ];
    for (group, kind, is_namespaced) in upstream {
        assert_eq!(namespaced(group, kind), Some(is_namespaced), "{group}/{kind}");
    }
    let catalog: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(support::root().join("catalog/crd-scopes.json")).unwrap())
            .unwrap();
    for row in catalog {
        let (group, kind) = (row["group"].as_str().unwrap(), row["kind"].as_str().unwrap());
        assert_eq!(namespaced(group, kind), Some(row["scope"] == "Namespaced"), "{group}/{kind}");
    }
    assert_eq!(slipway::validate::manifests::SCOPES.len(), upstream.len() + 16, "a kind without its upstream check");
}

/// On a shared cluster, an environment's plain manifests are its own: the cluster's tree, made from the
/// first environment on it, does not render them a second time.
#[test]
fn a_shared_clusters_tree_does_not_repeat_an_environments_manifests() {
    let dir = support::temp_dir("shared-cluster-manifests");
    std::fs::copy(support::fixture("valid/shared-cluster.toml"), dir.join("platform.toml")).unwrap();
    std::fs::create_dir_all(dir.join("manifests/dev")).unwrap();
    std::fs::write(
        dir.join("manifests/dev/settings.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-dev\ndata:\n  mode: dev\n",
    )
    .unwrap();
    let (_, compiled) = support::compile(&dir.join("platform.toml"));
    let files = compiled.files.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    let placed: Vec<&String> = files.keys().filter(|path| path.contains("settings")).collect();
    assert_eq!(placed, ["dev/manifests/configmap-shop-dev-settings.yaml"]);
}
