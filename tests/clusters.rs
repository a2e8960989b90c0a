//! Shared clusters (`[clusters.<name>]`): environments placed on one cluster render its cluster-wide
//! components once, into `out/clusters/<name>/`, create no object twice, and are budgeted together.

use std::collections::BTreeMap;

use slipway::diagnostic::Code;
use slipway::quantity::{Cpu, Memory};

use crate::support;

const SHARED: &str = "valid/shared-cluster.toml";

/// Every object of every environment and of every shared cluster's tree, by the tree it goes to.
fn trees(path: &std::path::Path) -> Vec<(String, Vec<slipway::render::Manifest>)> {
    let source = support::source(path);
    let platform = slipway::load::parse(&source).unwrap();
    let (mut envs, diagnostics) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let clusters = slipway::resolve::clusters(&platform, &mut envs);
    envs.iter()
        .chain(&clusters)
        .map(|env| {
            let name = if env.cluster_tree { format!("clusters/{}", env.name.value) } else { env.name.value.clone() };
            (name, slipway::render::render(env))
        })
        .collect()
}

#[test]
fn three_environments_on_one_cluster_pass_check() {
    let (_, compiled) = support::compile(&support::fixture(SHARED));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let files = compiled.files.unwrap();
    assert!(files.contains_key("clusters/main/root.yaml"));
    assert!(files.contains_key("clusters/main/README.md"));
}

#[test]
fn cluster_wide_components_are_rendered_once_per_cluster() {
    let trees = trees(&support::fixture(SHARED));
    let names: Vec<&str> = trees.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["dev", "production", "staging", "clusters/main"]);
    for (tree, manifests) in &trees {
        let applications: Vec<&str> = manifests
            .iter()
            .filter(|it| it.identity.kind == "Application")
            .map(|it| it.identity.name.as_str())
            .collect();
        let shared = ["external-secrets", "ingress-nginx"].map(|it| format!("main-{it}"));
        if tree == "clusters/main" {
            for name in &shared {
                assert!(applications.contains(&name.as_str()), "{tree}: {applications:?}");
            }
            assert!(
                !applications.iter().any(|it| it.ends_with("postgresql") || it.ends_with("api")),
                "{applications:?}"
            );
        } else {
            // Each environment keeps its own PostgreSQL and services, and none of the cluster's components.
            assert!(applications.contains(&format!("{tree}-postgresql").as_str()), "{tree}: {applications:?}");
            assert!(applications.contains(&format!("{tree}-api").as_str()), "{tree}: {applications:?}");
            for kind in ["external-secrets", "ingress-nginx"] {
                assert!(!applications.iter().any(|it| it.ends_with(kind)), "{tree}: {applications:?}");
            }
            let namespaces: Vec<&str> = manifests
                .iter()
                .filter(|it| it.identity.kind == "Namespace")
                .map(|it| it.identity.name.as_str())
                .collect();
            assert_eq!(namespaces, [format!("data-{tree}"), format!("shop-{tree}")], "{tree}");
        }
    }
}

#[test]
fn no_two_trees_on_one_cluster_create_the_same_object() {
    let mut seen: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for (tree, manifests) in trees(&support::fixture(SHARED)) {
        for manifest in manifests {
            let object = &manifest.value();
            let api_version = object["apiVersion"].as_str().unwrap().to_owned();
            // ArgoCD's own objects are named per environment and live where ArgoCD runs.
            if api_version.starts_with("argoproj.io/") {
                continue;
            }
            let identity = (
                format!("{api_version}/{}", object["kind"].as_str().unwrap()),
                object["metadata"]["namespace"].as_str().unwrap_or_default().to_owned(),
                object["metadata"]["name"].as_str().unwrap().to_owned(),
            );
            if let Some(first) = seen.insert(identity.clone(), tree.clone()) {
                panic!("{identity:?} is rendered by both {first} and {tree}");
            }
        }
    }
    assert!(seen.len() > 40, "{}", seen.len());
}

#[test]
fn the_budget_of_a_shared_cluster_is_one_sum() {
    let source = support::source(&support::fixture(SHARED));
    let platform = slipway::load::parse(&source).unwrap();
    let (mut envs, _) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    let trees = slipway::resolve::clusters(&platform, &mut envs);
    let facts: Vec<_> = envs.iter().map(slipway::analysis::analyse).collect();
    assert_eq!(trees.len(), 1);
    let cluster = slipway::analysis::analyse_cluster(&trees[0], &facts);
    let budget = &cluster.budget;
    // external-secrets (3 controllers × 128Mi, 50m) and ingress-nginx (256Mi, 100m) once; per environment
    // its api (2, 2 and 3 × 64Mi, 50m), the surge of one api pod, and its PostgreSQL (512Mi, 250m).
    assert_eq!(budget.requests(), (Memory(2816 << 20), Cpu(1500)));
    assert_eq!(budget.limits(), (Memory(5632 << 20), Cpu(6600)));
    assert_eq!(budget.pods(), 17);
    assert_eq!(budget.capacity(), (Memory(42 << 30), Cpu(10_500)));
    assert!(budget.unplaced.is_empty());
    let once: Vec<&str> =
        budget.rows.iter().filter(|it| it.kind == "ingress-nginx").map(|it| it.name.as_str()).collect();
    assert_eq!(once, ["ingress-nginx"]);
    assert!(budget.rows.iter().any(|it| it.name == "production/postgresql"));
}

#[test]
fn environments_that_each_fit_alone_overflow_their_cluster_together() {
    let path = support::fixture("invalid/B001-cluster-budget-overflow.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let alone = text.split("[environments.staging]").next().unwrap().to_owned();
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", alone));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);

    let source = support::source(&path);
    let compiled = slipway::compile(&source);
    let overflow: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::BudgetOverflow).collect();
    assert_eq!(overflow.len(), 1, "{:#?}", compiled.diagnostics);
    assert!(overflow[0].message.contains("cluster `main`"), "{}", overflow[0].message);
    assert_eq!(overflow[0].environments, ["dev", "production", "staging"]);
    // It points at the cluster's capacity, in `[clusters.main]`.
    let at = overflow[0].primary.as_ref().unwrap().span.start;
    let table = text.find("[clusters.main]").unwrap();
    assert!(at > table && at < text.find("[services.api]").unwrap(), "{at}");
}

#[test]
fn budget_shows_the_cluster_of_an_environment() {
    let dir = support::project("budget-cluster", &support::fixture(SHARED));
    let output = support::slipway(&dir, &["budget", "--env", "staging"]);
    let stdout = output.stdout;
    assert_eq!(output.code, 0, "{stdout}");
    assert!(stdout.starts_with("cluster main (dev, production, staging)\n"), "{stdout}");
    assert!(stdout.contains("| production/api | service | 3 |"), "{stdout}");
}

#[test]
fn an_inline_cluster_table_is_still_an_environments_own_cluster() {
    let files = support::compile_text(
        "[platform]\nname = \"shop\"\nrepo = \"https://git.example.com/shop.git\"\n\
         [components.ingress]\nkind = \"ingress-nginx\"\nchart = { version = \"4.10.1\" }\nnamespace = \"ingress\"\n\
         resources = { requests = { memory = \"128Mi\", cpu = \"100m\" } }\n\
         [environments.dev]\ncluster = { nodes = 2, server = \"https://dev.example.com:6443\" }\n",
    );
    assert!(files.contains_key("dev/apps/application-dev-ingress.yaml"));
    assert!(!files.keys().any(|it| it.starts_with("clusters/")));
}
