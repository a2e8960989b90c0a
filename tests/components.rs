//! Components: one Application per typed kind (snapshotted), the values paths each kind writes resources
//! to, external components, sync waves from the dependency graph, the gateways and the mesh.

use serde_json::{Value, json};

use crate::support;

fn objects(fixture: &str) -> std::collections::BTreeMap<String, Value> {
    objects_of(&support::fixture(fixture))
}

fn objects_of(path: &std::path::Path) -> std::collections::BTreeMap<String, Value> {
    let source = support::source(path);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, diagnostics) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    envs.iter().flat_map(slipway::render::render).map(|manifest| (manifest.path.clone(), manifest.value())).collect()
}

#[test]
fn every_typed_kind_renders_a_pinned_helm_application() {
    let mut files = support::render(&support::fixture("valid/components.toml"));
    files.extend(support::render(&support::fixture("valid/gateway-traefik.toml")));
    files.extend(support::render(&support::fixture("valid/gateway-nginx.toml")));
    files.extend(support::render(&support::fixture("valid/gateway-alb.toml")));
    for kind in slipway::model::ComponentKind::ALL {
        if kind == slipway::model::ComponentKind::Helm {
            continue;
        }
        let path = format!("dev/apps/application-dev-{}.yaml", kind.as_str());
        let text = files.get(&path).unwrap_or_else(|| panic!("{path} is missing"));
        support::settings().bind(|| insta::assert_snapshot!(format!("component_{}", kind.as_str()), text));
    }
}

#[test]
fn resources_go_where_each_chart_reads_them() {
    // Independent of the catalog: the values paths the upstream charts document.
    let expected: &[(&str, &[&str])] = &[
        ("postgresql", &["primary", "resources"]),
        ("redis", &["master", "resources"]),
        ("rabbitmq", &["resources"]),
        ("keycloak", &["resources"]),
        ("kong", &["resources"]),
        ("minio", &["resources"]),
        ("mongodb", &["resources"]),
        ("kafka", &["controller", "resources"]),
        ("prometheus-stack", &["prometheus", "prometheusSpec", "resources"]),
        ("loki", &["singleBinary", "resources"]),
        ("linkerd", &["destinationResources"]),
        ("external-secrets", &["resources"]),
        ("sealed-secrets", &["resources"]),
        ("secrets-store-csi", &["linux", "driver", "resources"]),
        ("reloader", &["reloader", "deployment", "resources"]),
        ("metallb", &["controller", "resources"]),
        ("grafana", &["resources"]),
        ("memcached", &["resources"]),
    ];
    let objects = objects("valid/components.toml");
    let written =
        json!({ "requests": { "cpu": "100m", "memory": "256Mi" }, "limits": { "cpu": "500m", "memory": "512Mi" } });
    for (name, path) in expected {
        let application = &objects[&format!("dev/apps/application-dev-{name}.yaml")];
        let mut value = &application["spec"]["source"]["helm"]["valuesObject"];
        for key in *path {
            value = &value[*key];
        }
        if *name == "memcached" {
            // A `helm` chart is opaque: its resources are the user's to place, and only counted.
            assert_eq!(*value, Value::Null, "{name}");
        } else if *name == "linkerd" {
            // Linkerd's partials read `{cpu: {request, limit}, memory: {request, limit}}`.
            let linkerd = json!({ "cpu": { "request": "100m", "limit": "500m" }, "memory": { "request": "256Mi", "limit": "512Mi" } });
            assert_eq!(*value, linkerd, "{name}");
        } else {
            assert_eq!(*value, written, "{name}: resources not at {}", path.join("."));
        }
    }
}

#[test]
fn storage_credentials_and_databases_reach_the_values() {
    let objects = objects("valid/components.toml");
    let values = |name: &str| {
        objects[&format!("dev/apps/application-dev-{name}.yaml")]["spec"]["source"]["helm"]["valuesObject"].clone()
    };
    let postgresql = values("postgresql");
    assert_eq!(postgresql["primary"]["persistence"], json!({ "enabled": true, "size": "10Gi" }));
    assert_eq!(
        postgresql["auth"],
        json!({ "existingSecret": "db-admin", "secretKeys": { "adminPasswordKey": "password" } })
    );
    assert_eq!(
        postgresql["primary"]["initdb"]["scripts"]["init-databases.sql"],
        "CREATE DATABASE \"orders\";\nCREATE DATABASE \"catalog\";\n"
    );
    assert_eq!(values("mongodb")["auth"]["databases"], json!(["events"]));
    // The chart refuses databases without a user each; their passwords are the secret's `mongodb-passwords`.
    assert_eq!(values("mongodb")["auth"]["usernames"], json!(["events"]));
    assert_eq!(values("mongodb")["auth"]["existingSecret"], "mongodb-root");
    assert_eq!(
        values("rabbitmq")["auth"],
        json!({
            "existingPasswordSecret": "broker", "existingSecretPasswordKey": "password",
            "existingErlangSecret": "broker", "existingSecretErlangKey": "erlang-cookie",
        })
    );
    assert_eq!(values("kafka")["kraft"], json!({ "existingClusterIdSecret": "kafka-sasl" }));
    assert_eq!(values("kafka")["sasl"], json!({ "existingSecret": "kafka-sasl" }));
    assert_eq!(
        values("kong")["proxy"],
        json!({ "type": "NodePort", "http": { "nodePort": 30080 }, "tls": { "nodePort": 30443 } })
    );
    let config_cli = values("keycloak")["keycloakConfigCli"].clone();
    assert_eq!(config_cli["existingConfigmap"], "lab-realm");
    assert_eq!(config_cli["enabled"], true);
    // The realm's checksum makes a realm change re-run the import hook.
    assert_eq!(config_cli["podAnnotations"]["checksum/realm"].as_str().map(str::len), Some(16));
    let memcached = values("memcached");
    assert_eq!(memcached, json!({ "architecture": "high-availability", "replicaCount": 2 }));
    let application = &objects["dev/apps/application-dev-memcached.yaml"]["spec"]["source"];
    assert_eq!(application["repoURL"], "https://charts.example.com/stable");
    assert_eq!(application["chart"], "memcached");
    assert_eq!(application["targetRevision"], "7.4.1");
}

#[test]
fn component_outputs_are_computed_not_typed() {
    let objects = objects("valid/components.toml");
    let deployment = &objects["dev/services/orders/deployment-orders.yaml"];
    let env = &deployment["spec"]["template"]["spec"]["containers"][0]["env"];
    let value = |name: &str| env.as_array().unwrap().iter().find(|it| it["name"] == name).unwrap()["value"].clone();
    assert_eq!(value("REDIS_URL"), "redis://redis-master.infra.svc.cluster.local:6379");
    assert_eq!(value("KAFKA_BROKERS"), "kafka.infra.svc.cluster.local:9092");
    assert_eq!(value("LEGACY_DB"), "postgresql://legacy-db.infra.svc.cluster.local:5432");
    assert_eq!(value("FILES_URL"), "http://files.infra.svc.cluster.local:9000");
}

#[test]
fn external_components_are_services_pointing_outside() {
    let objects = objects("valid/components.toml");
    let by_name = &objects["dev/components/files/service-files.yaml"];
    assert_eq!(by_name["spec"]["type"], "ExternalName");
    assert_eq!(by_name["spec"]["externalName"], "files.example.com");
    let by_ip = &objects["dev/components/legacy-db/service-legacy-db.yaml"];
    assert_eq!(by_ip["spec"]["type"], "ClusterIP");
    let slice = &objects["dev/components/legacy-db/endpointslice-legacy-db.yaml"];
    assert_eq!(slice["endpoints"][0]["addresses"], json!(["10.20.30.40"]));
    assert_eq!(slice["metadata"]["labels"]["kubernetes.io/service-name"], "legacy-db");
}

#[test]
fn sync_waves_put_data_first_then_gateway_and_identity_then_services() {
    let objects = objects("valid/components.toml");
    let wave = |name: &str| -> i32 {
        objects[&format!("dev/apps/application-dev-{name}.yaml")]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(wave("postgresql") < wave("kong"));
    assert!(wave("postgresql") < wave("keycloak"), "keycloak uses postgresql");
    assert!(wave("kong") < wave("orders"));
    assert!(wave("keycloak") < wave("orders"));
    assert!(wave("identity") < wave("keycloak"), "the realm exists before Keycloak imports it");
    assert!(wave("platform") < wave("postgresql"));
}

#[test]
fn the_mesh_injects_and_skips_database_ports_and_counts_its_proxy() {
    let objects = objects("valid/components.toml");
    let annotations =
        &objects["dev/services/orders/deployment-orders.yaml"]["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["linkerd.io/inject"], "enabled");
    assert_eq!(annotations["config.linkerd.io/skip-outbound-ports"], "4222,5432,6379");
    assert_eq!(annotations["config.linkerd.io/proxy-memory-request"], "20Mi");
    let deployment = &objects["dev/services/orders/deployment-orders.yaml"];
    assert_eq!(deployment["metadata"]["annotations"]["reloader.stakater.com/auto"], "true");
    let summary = &support::render(&support::fixture("valid/components.toml"))["dev/README.md"];
    // The python preset requests 256Mi and 150m; the proxy adds 20Mi and 10m to each pod, and its limits.
    assert!(summary.contains("| orders | service | 1 | 160m | 1.75 | 276Mi | 1018Mi |"), "{summary}");
}

#[test]
fn a_service_without_postgresql_gets_no_skip_for_it() {
    let objects = objects("valid/components.toml");
    assert!(objects.contains_key("dev/services/orders/servicemonitor-orders.yaml"));
    let monitor = &objects["dev/services/orders/servicemonitor-orders.yaml"];
    assert_eq!(monitor["spec"]["endpoints"], json!([{ "port": "http", "path": "/metrics", "interval": "30s" }]));
}

#[test]
fn gateways_render_their_own_objects() {
    let traefik = objects("valid/gateway-traefik.toml");
    assert_eq!(traefik["dev/services/api/ingressroute-api.yaml"]["spec"]["routes"][0]["match"], "PathPrefix(`/api`)");
    let nginx = objects("valid/gateway-nginx.toml");
    let ingress = &nginx["dev/services/web/ingress-web.yaml"];
    assert_eq!(ingress["spec"]["ingressClassName"], "nginx");
    assert_eq!(ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/limit-rpm"], "100");
    assert_eq!(ingress["spec"]["rules"][1]["host"], "admin.example.com");
    let values = &nginx["dev/apps/application-dev-ingress-nginx.yaml"]["spec"]["source"]["helm"]["valuesObject"];
    // The chart documents its NodePorts as strings.
    assert_eq!(values["controller"]["service"], json!({ "type": "NodePort", "nodePorts": { "http": "30080" } }));
}

#[test]
fn the_shipped_platform_routes_through_kong_with_the_seed_rate_limits() {
    let files = support::render(&support::root().join("platform/platform.toml"));
    let plugin = &files["dev/services/metering-service/kongplugin-metering-service-rate-limit.yaml"];
    assert!(plugin.contains("  minute: 500\n"), "{plugin}");
    let ingress = &files["dev/services/iam-service/ingress-iam-service.yaml"];
    assert!(
        ingress.contains("konghq.com/plugins: iam-service-rate-limit,global-cors,global-correlation-id,jwt-auth\n"),
        "{ingress}"
    );
    assert!(
        !files.keys().any(|path| path.starts_with("dev/services/settings-service/ingress")),
        "settings-service has no routes"
    );
    let realm = &files["dev/identity/configmap-flowmind-realm.yaml"];
    assert!(realm.contains("\"tenant_id\""), "{realm}");
    let readme = &files["dev/README.md"];
    assert!(readme.contains("  account_service --> postgresql\n"), "{readme}");
}

#[test]
fn jwt_consumers_and_their_credentials_sync_last_and_retry_until_seeded() {
    let objects = objects_of(&support::root().join("platform/platform.toml"));
    let consumer = &objects["dev/consumers/kongconsumer-kong-keycloak.yaml"];
    assert_eq!(consumer["credentials"], json!(["kong-jwt-keycloak"]));
    assert_eq!(consumer["metadata"]["annotations"]["kubernetes.io/ingress.class"], "kong");
    let credential = &objects["dev/consumers/externalsecret-kong-kong-jwt-keycloak.yaml"];
    assert_eq!(credential["spec"]["target"]["template"]["metadata"]["labels"]["konghq.com/credential"], "jwt");
    let wave = |name: &str| {
        objects[&format!("dev/apps/application-dev-{name}.yaml")]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
            .as_str()
            .unwrap()
            .parse::<i32>()
            .unwrap()
    };
    let last = objects
        .iter()
        .filter(|(path, _)| path.starts_with("dev/apps/application-") && !path.ends_with("-consumers.yaml"))
        .map(|(path, _)| wave(path.trim_start_matches("dev/apps/application-dev-").trim_end_matches(".yaml")))
        .max()
        .unwrap();
    assert_eq!(wave("consumers"), last + 1);
    // The operators that deliver secrets, then the secrets, then what reads them.
    assert!(wave("external-secrets") < wave("secrets"));
    assert!(wave("secrets") < wave("postgresql") && wave("secrets") < wave("keycloak"));
    let retries = |name: &str| {
        objects[&format!("dev/apps/application-dev-{name}.yaml")]["spec"]["syncPolicy"]["retry"]["limit"].clone()
    };
    assert_eq!(retries("secrets"), json!(-1));
    assert_eq!(retries("consumers"), json!(-1));
    assert_eq!(retries("postgresql"), json!(5));
    let plugin = &objects["dev/gateway/kongplugin-flowmind-services-jwt-auth.yaml"];
    assert_eq!(plugin["config"]["claims_to_verify"], json!(["exp"]));
}

#[test]
fn charts_that_write_elsewhere_or_inject_ca_bundles_are_allowed_to() {
    let objects = objects("valid/components.toml");
    let project = &objects["dev/apps/appproject-lab-dev-infra.yaml"];
    let destinations: Vec<&str> = project["spec"]["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| it["namespace"].as_str().unwrap())
        .collect();
    assert!(destinations.contains(&"kube-system"), "{destinations:?}");
    let metallb = &objects["dev/apps/application-dev-metallb.yaml"]["spec"];
    assert!(metallb["syncPolicy"]["syncOptions"].as_array().unwrap().contains(&json!("RespectIgnoreDifferences=true")));
    assert_eq!(metallb["ignoreDifferences"][2]["kind"], "CustomResourceDefinition");
    assert!(objects["dev/apps/application-dev-redis.yaml"]["spec"].get("ignoreDifferences").is_none());
}

#[test]
fn the_monitoring_stack_policy_selects_its_own_pods_only() {
    let objects = objects("valid/components.toml");
    let policy = &objects["dev/platform/networkpolicy-monitoring-prometheus-stack.yaml"];
    assert_eq!(
        policy["spec"]["podSelector"],
        json!({ "matchExpressions": [{
            "key": "app.kubernetes.io/instance",
            "operator": "In",
            "values": ["prometheus-stack", "prometheus-stack-prometheus", "prometheus-stack-alertmanager"],
        }] })
    );
}

#[test]
fn declared_egress_outside_the_cluster_is_allowed_and_nothing_else() {
    let objects = objects_of(&support::root().join("platform/platform.toml"));
    let outside = |service: &str| -> Vec<Value> {
        let policy = &objects[&format!("dev/platform/networkpolicy-flowmind-services-{service}.yaml")];
        policy["spec"]["egress"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|rule| rule["to"][0].get("ipBlock").is_some())
            .cloned()
            .collect()
    };
    assert_eq!(
        outside("subscription-service"),
        vec![json!({ "to": [{ "ipBlock": { "cidr": "0.0.0.0/0" } }], "ports": [{ "port": 443, "protocol": "TCP" }] })]
    );
    assert!(outside("account-service").is_empty());
}

#[test]
fn components_can_be_off_in_one_environment_or_declared_in_one_alone() {
    let text = r#"
[platform]
name = "edge"
repo = "https://git.example.com/edge/gitops.git"

[components.metallb]
kind = "metallb"
chart = { version = "0.14.5" }
namespace = "metallb-system"
addresses = ["192.168.1.240-192.168.1.250"]
resources = { requests = { memory = "64Mi", cpu = "50m" } }

[environments.local]
components.reloader = { kind = "reloader", chart = { version = "1.0.115" }, namespace = "reloader", resources = { requests = { memory = "64Mi", cpu = "50m" } } }

[environments.production]
cluster = { server = "https://eks.example.com:6443" }
components.metallb = { enabled = false }
"#;
    let files = support::compile_text(text);
    assert!(files.contains_key("local/apps/application-local-metallb.yaml"));
    assert!(files.contains_key("local/apps/application-local-reloader.yaml"));
    assert!(!files.keys().any(|path| path.starts_with("production/") && path.contains("metallb")));
    assert!(!files.keys().any(|path| path.starts_with("production/") && path.contains("reloader")));
}

#[test]
fn an_environment_can_sync_by_hand_and_follow_a_revision_of_its_own() {
    let text = r#"
[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[services.api]
image = "registry.example.com/shop/api:1.0.0"
runtime = "go"
replicas = 2

[environments.dev]

[environments.production]
cluster = { server = "https://production.example.com:6443" }
argocd = { sync = "manual", revision = "release" }
"#;
    let files = support::compile_text(text);
    let dev = &files["dev/apps/application-dev-api.yaml"];
    assert!(dev.contains("    automated:\n") && dev.contains("targetRevision: main\n"), "{dev}");
    for path in ["production/apps/application-production-api.yaml", "production/root.yaml"] {
        let production = &files[path];
        assert!(!production.contains("automated:"), "{production}");
        assert!(production.contains("targetRevision: release\n"), "{production}");
    }
}

#[test]
fn grafana_opens_its_node_port_reads_its_admin_secret_and_its_data_sources() {
    let objects = objects("valid/components.toml");
    let values = &objects["dev/apps/application-dev-grafana.yaml"]["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(values["service"], json!({ "type": "NodePort", "nodePort": 30300 }));
    assert_eq!(
        values["admin"],
        json!({ "existingSecret": "grafana-admin", "passwordKey": "admin-password", "userKey": "admin-user" })
    );
    assert_eq!(values["persistence"], json!({ "enabled": true, "size": "5Gi" }));
    assert_eq!(values["testFramework"]["enabled"], false, "a Helm test pod nothing counts");
    let sources = &values["datasources"]["datasources.yaml"]["datasources"];
    assert_eq!(sources[0]["url"], "http://prometheus-stack-prometheus.monitoring.svc.cluster.local:9090");
    assert_eq!(sources[0]["isDefault"], true);
    assert_eq!(sources[1]["url"], "http://loki.monitoring.svc.cluster.local:3100");
    // Grafana is Loki's client: Loki's policy lets its pods in.
    let loki = &objects["dev/platform/networkpolicy-monitoring-loki.yaml"];
    let from = loki["spec"]["ingress"][1]["from"].as_array().unwrap();
    assert!(
        from.iter().any(|peer| peer["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] == "grafana"),
        "{loki}"
    );
    let summary = &support::render(&support::fixture("valid/components.toml"))["dev/README.md"];
    assert!(summary.contains("| grafana | grafana | 1 | 100m | 500m | 256Mi | 512Mi |"), "{summary}");
    // One Grafana, not two: the stack's own is off and not counted.
    let stack = &objects["dev/apps/application-dev-prometheus-stack.yaml"]["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(stack["grafana"], json!({ "enabled": false }));
    assert!(!summary.contains("prometheus-stack (grafana"), "{summary}");
    // Without a `grafana` component, the stack runs and counts its own.
    let text = std::fs::read_to_string(support::fixture("valid/components.toml")).unwrap();
    let start = text.find("[components.grafana]").unwrap();
    let end = text[start + 1..].find("\n[").map_or(text.len(), |at| start + 1 + at);
    let without = format!("{}{}", &text[..start], &text[end + 1..]);
    let dir = support::temp_dir("stack-grafana");
    std::fs::write(dir.join("platform.toml"), without).unwrap();
    let (_, compiled) = support::compile(&dir.join("platform.toml"));
    let files = compiled.files.unwrap_or_else(|| panic!("{:#?}", compiled.diagnostics));
    assert!(files["dev/README.md"].contains("prometheus-stack (grafana)"), "{}", files["dev/README.md"]);
    assert!(files["dev/apps/application-dev-prometheus-stack.yaml"].contains("sidecar:"));
}

#[test]
fn the_alb_gateway_renders_ingresses_the_controller_reads() {
    let objects = objects("valid/gateway-alb.toml");
    let ingress = &objects["dev/services/web/ingress-web.yaml"];
    assert_eq!(ingress["spec"]["ingressClassName"], "alb");
    let annotations = &ingress["metadata"]["annotations"];
    assert_eq!(annotations["alb.ingress.kubernetes.io/scheme"], "internet-facing");
    assert_eq!(annotations["alb.ingress.kubernetes.io/target-type"], "ip");
    assert_eq!(annotations["alb.ingress.kubernetes.io/group.name"], "comind-ops");
    assert_eq!(annotations["alb.ingress.kubernetes.io/listen-ports"], r#"[{"HTTP": 80}, {"HTTPS": 443}]"#);
    assert_eq!(annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443");
    assert!(annotations["alb.ingress.kubernetes.io/certificate-arn"].as_str().unwrap().starts_with("arn:aws:acm:"));
    // The node preset's readiness path, not the ALB's default `/`.
    assert_eq!(annotations["alb.ingress.kubernetes.io/healthcheck-path"], "/health/ready");
    // `/api` is evaluated before another Ingress's `/`.
    let api = &objects["dev/services/api/ingress-api.yaml"]["metadata"]["annotations"];
    assert_eq!(api["alb.ingress.kubernetes.io/group.order"], "-4");
    assert_eq!(annotations["alb.ingress.kubernetes.io/group.order"], "-1");
    // The ALB reaches the pods from the VPC, outside the cluster.
    let policy = &objects["dev/platform/networkpolicy-comind-ops-web.yaml"];
    assert_eq!(policy["spec"]["ingress"][0]["from"], json!([{ "ipBlock": { "cidr": "0.0.0.0/0" } }]));
    let values = &objects["dev/apps/application-dev-aws-load-balancer-controller.yaml"]["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(values["clusterName"], "comind-ops-production");
    assert_eq!(values["enableCertManager"], true, "its webhook certificate would change on every render");
    assert_eq!(
        values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123456789012:role/comind-ops-alb-controller"
    );
    let summary = &support::render(&support::fixture("valid/gateway-alb.toml"))["dev/README.md"];
    assert!(
        summary.contains(
            "| aws-load-balancer-controller | aws-load-balancer-controller | 2 | 200m | 400m | 256Mi | 512Mi |"
        ),
        "{summary}"
    );
    assert!(summary.contains("cert-manager"), "a prerequisite: {summary}");
}

#[test]
fn arangodb_renders_the_operator_chart_and_a_single_deployment_after_it() {
    let files = support::render(&support::fixture("valid/arangodb.toml"));
    let paths = [
        "dev/apps/application-dev-arangodb.yaml",
        "dev/apps/application-dev-arangodb-deployment.yaml",
        "dev/components/arangodb/arangodeployment-arangodb.yaml",
        "dev/platform/networkpolicy-arangodb-arangodb.yaml",
        "dev/platform/networkpolicy-arangodb-arangodb-operator.yaml",
    ];
    let mut text = String::new();
    for path in paths {
        text.push_str(&format!("--- {path}\n{}", files.get(path).unwrap_or_else(|| panic!("{path}"))));
    }
    support::settings().bind(|| insta::assert_snapshot!("arangodb", text));

    let objects = objects("valid/arangodb.toml");
    let wave = |path: &str| -> i32 {
        objects[path]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"].as_str().unwrap().parse().unwrap()
    };
    // The ArangoDeployment's CRD comes with the operator's chart: its Application syncs a wave later, and
    // the resource itself skips the dry run that would fail before the CRD exists.
    assert_eq!(
        wave("dev/apps/application-dev-arangodb-deployment.yaml"),
        wave("dev/apps/application-dev-arangodb.yaml") + 1
    );
    let deployment = &objects["dev/components/arangodb/arangodeployment-arangodb.yaml"];
    assert_eq!(
        deployment["metadata"]["annotations"]["argocd.argoproj.io/sync-options"],
        "SkipDryRunOnMissingResource=true"
    );
    let spec = &deployment["spec"];
    assert_eq!(spec["mode"], "Single");
    assert_eq!(spec["tls"]["caSecretName"], "None");
    assert_eq!(spec["externalAccess"]["type"], "None");
    assert_eq!(spec["bootstrap"]["passwordSecretNames"]["root"], "arangodb-root");
    assert_eq!(
        spec["single"]["resources"],
        json!({ "requests": { "memory": "1Gi", "cpu": "500m", "storage": "10Gi" }, "limits": { "memory": "2Gi", "cpu": "1" } })
    );
    // The operator's chart keeps its own names and resources.
    let values = &objects["dev/apps/application-dev-arangodb.yaml"]["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(values, &json!({}));
    // The client Service is the deployment's name on 8529.
    let api = &objects["dev/services/api/deployment-api.yaml"];
    let env = &api["spec"]["template"]["spec"]["containers"][0]["env"];
    assert!(
        env.as_array()
            .unwrap()
            .iter()
            .any(|it| it["name"] == "ARANGO_URL" && it["value"] == "http://arangodb.arangodb.svc.cluster.local:8529"),
        "{env}"
    );
}

#[test]
fn arangodb_counts_its_database_pod_and_its_operator() {
    let summary = &support::render(&support::fixture("valid/arangodb.toml"))["dev/README.md"];
    assert!(summary.contains("| arangodb | arangodb | 1 | 500m | 1 | 1Gi | 2Gi |"), "{summary}");
    assert!(summary.contains("| arangodb (operator) | arangodb | 1 | 250m | 1 | 256Mi | 512Mi |"), "{summary}");
}

/// The operator reads `username` from the root secret, which C008 requires: it is used, not an unused key.
#[test]
fn the_arangodb_root_users_name_counts_as_used() {
    // components.toml declares the key and no service reads it.
    let (_, compiled) = support::compile(&support::fixture("valid/components.toml"));
    assert!(compiled.files.is_some(), "{:#?}", compiled.diagnostics);
    let unused =
        |it: &&slipway::diagnostic::Diagnostic| it.code.as_str() == "S004" && it.message.contains("arangodb-root");
    assert_eq!(compiled.diagnostics.iter().filter(unused).count(), 0, "{:#?}", compiled.diagnostics);
}

/// A service that queries Prometheus reads the stack's URL: the Service `<name>-prometheus` on 9090.
#[test]
fn the_prometheus_stack_has_a_url() {
    let text = std::fs::read_to_string(support::fixture("valid/components.toml")).unwrap().replace(
        "[environments.dev]",
        "[services.reports]\nimage = \"registry.example.com/shop/reports:1.0.0\"\nruntime = \"go\"\n\
         uses = [\"prometheus-stack\"]\nenv.PROMETHEUS_URL = \"${components.prometheus-stack.url}\"\n\n[environments.dev]",
    );
    let files = support::compile_text(&text);
    let deployment = &files["dev/services/reports/deployment-reports.yaml"];
    assert!(
        deployment.contains("value: http://prometheus-stack-prometheus.monitoring.svc.cluster.local:9090\n"),
        "{deployment}"
    );
}
