//! Large, negative and absurd numbers: a located error, never a panic, an allocation per pod or a sum
//! that wraps; the budget counts pods rather than listing them; quotas never overflow to zero.

use slipway::diagnostic::{Code, Diagnostic};
use slipway::source::SourceFile;

const BASE: &str = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop.git"

[cluster]
nodes = 3
memory = "16Gi"
cpu = "8"

[services.api]
image = "registry.example.com/shop/api:1.0.0"
runtime = "go"
namespace = "shop"

[components.csi]
kind = "secrets-store-csi"
chart = { version = "1.4.4" }
namespace = "csi"
resources = { requests = { memory = "64Mi", cpu = "10m" } }

[environments.dev]
"#;

/// `BASE` with `line` added after the line that starts with `after`.
fn with(after: &str, line: &str) -> String {
    let mut text = String::new();
    for existing in BASE.lines() {
        text.push_str(existing);
        text.push('\n');
        if existing.starts_with(after) {
            text.push_str(line);
            text.push('\n');
        }
    }
    assert!(text.len() > BASE.len(), "no line starts with {after}");
    text
}

fn compile(text: &str) -> (SourceFile, slipway::Compiled) {
    let source = SourceFile::new("platform.toml", text);
    let compiled = slipway::compile(&source);
    (source, compiled)
}

/// The diagnostics with `code`, each with the text its primary label points at.
fn found(text: &str, code: Code) -> Vec<(Diagnostic, String)> {
    let (source, compiled) = compile(text);
    if compiled.diagnostics.iter().any(|d| d.code == code) {
        assert!(compiled.files.is_none(), "an error renders nothing");
    }
    compiled
        .diagnostics
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let span = d.primary.as_ref().expect("located").span;
            let text = source.text[span.start..span.end].to_owned();
            (d, text)
        })
        .collect()
}

#[test]
fn the_base_platform_and_the_numbers_recipe_render() {
    let (_, compiled) = compile(BASE);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let (_, compiled) = compile(&slipway::fuzz_numbers(&[]));
    assert!(!compiled.has_errors(), "the recipe must start from a valid platform: {:#?}", compiled.diagnostics);
}

#[test]
fn four_billion_nodes_or_replicas_are_refused_at_the_value() {
    let text = BASE.replace("nodes = 3", "nodes = 4294967295");
    let found_nodes = found(&text, Code::UnreasonableQuantity);
    assert_eq!(found_nodes.len(), 1, "{found_nodes:#?}");
    assert_eq!(found_nodes[0].0.message, "`nodes` of 4,294,967,295 is more than any cluster has");
    assert_eq!(found_nodes[0].1, "4294967295");
    let cases = [
        ("runtime", "replicas = 4294967295", "`replicas` of 4,294,967,295 is more than any cluster has"),
        (
            "runtime",
            "autoscale = { max = 4294967295 }",
            "autoscale `max` of 4,294,967,295 is more than any cluster has",
        ),
        ("namespace = \"csi\"", "replicas = 4294967295", "`replicas` of 4,294,967,295 is more than any cluster has"),
        ("cpu", "max_pods = 4294967295", "`max_pods` of 4,294,967,295 is more than any node has"),
    ];
    for (after, line, message) in cases {
        let text = with(after, line);
        let found = found(&text, Code::UnreasonableQuantity);
        assert!(found.iter().any(|(d, at)| d.message == message && at == "4294967295"), "{line}: {found:#?}");
    }
}

#[test]
fn numbers_at_the_ceilings_are_accepted() {
    for (after, line) in [
        ("nodes = 3", "max_pods = 1000"),
        ("runtime", "replicas = 10000"),
        ("runtime", "autoscale = { min = 2, max = 10000 }"),
    ] {
        let text = with(after, line).replace("nodes = 3", "nodes = 5000").replace("\"16Gi\"", "\"1Pi\"");
        let (_, compiled) = compile(&text);
        assert!(!compiled.has_errors(), "{line}: {:#?}", compiled.diagnostics);
    }
}

#[test]
fn memory_and_cpu_past_any_node_are_refused() {
    for (after, line, at) in [
        ("nodes = 3", "reserved = { memory = \"1Gi\" }", None),
        ("runtime", "resources = { requests = { memory = \"1Ei\" } }", Some("\"1Ei\"")),
        ("runtime", "resources = { limits = { cpu = \"100001\" } }", Some("\"100001\"")),
        (
            "[platform]",
            "mesh = \"linkerd\"\nmesh_cni = true\nmesh_proxy = { limits = { memory = \"2Pi\" } }",
            Some("\"2Pi\""),
        ),
    ] {
        let found = found(&with(after, line), Code::UnreasonableQuantity);
        match at {
            None => assert!(found.is_empty(), "{found:#?}"),
            Some(at) => assert!(found.iter().any(|(_, text)| text == at), "{line}: {found:#?}"),
        }
    }
    let text = BASE.replace("memory = \"16Gi\"", "memory = \"2Pi\"").replace("cpu = \"8\"", "cpu = \"1000000\"");
    let node = found(&text, Code::UnreasonableQuantity);
    let at: Vec<&str> = node.iter().map(|(_, at)| at.as_str()).collect();
    assert_eq!(at, ["\"2Pi\"", "\"1000000\""], "{node:#?}");
}

#[test]
fn one_exbibyte_times_sixteen_replicas_is_an_error_not_a_wrapped_sum() {
    // 16 × 1Ei is 2^64: it used to wrap to 0 and fit. Each value alone is refused at its place.
    let text = with("runtime", "replicas = 16\nresources = { requests = { memory = \"1Ei\" } }");
    let exbibyte = found(&text, Code::UnreasonableQuantity);
    assert!(exbibyte.iter().any(|(_, at)| at == "\"1Ei\""), "{exbibyte:#?}");
    // Values each within their ceiling whose sum is not: 10,000 × 1Pi is past 2^63 - 1.
    let text = with("runtime", "replicas = 10000\nresources = { limits = { memory = \"1Pi\" } }")
        .replace("\"16Gi\"", "\"1Pi\"")
        .replace("nodes = 3", "nodes = 5000");
    let found = found(&text, Code::UnreasonableQuantity);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0.message, "the memory limits of `api` (10000 pods) add up to more than Kubernetes can count");
    assert_eq!(found[0].1, "api");
}

#[test]
fn more_pods_than_a_cluster_is_designed_for_are_refused() {
    let mut text = BASE.replace("nodes = 3", "nodes = 5000");
    for index in 0..16 {
        text.push_str(&format!(
            "[services.worker-{index}]\nimage = \"registry.example.com/shop/worker:1.0.0\"\nruntime = \"go\"\nnamespace = \"shop\"\nreplicas = 10000\n"
        ));
    }
    let found = found(&text, Code::UnreasonableQuantity);
    assert_eq!(found.len(), 1, "{found:#?}");
    // 16 × 10,000 workers, the api, 2,500 surge pods of the largest and one CSI driver on each of 5,000 nodes.
    assert_eq!(found[0].0.message, "environment `dev` runs up to 167,501 pods, more than one cluster is designed for");
    assert_eq!(found[0].1, "worker-0", "the consumer with the most pods");
}

#[test]
fn the_budget_counts_four_billion_pods_without_listing_them() {
    // What `slipway budget` prints even with errors: counted in a moment, not one entry per pod.
    let text = with("runtime", "replicas = 4294967295").replace("nodes = 3", "nodes = 4294967295");
    let source = SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    let started = std::time::Instant::now();
    let budget = slipway::budget::compute(&envs[0]);
    // The api's pods, a quarter more of them for the rollout surge, and a CSI driver on every node: all fit.
    let nodes = u64::from(u32::MAX);
    assert_eq!(budget.pods(), nodes + nodes.div_ceil(4) + nodes);
    assert_eq!(budget.unplaced_pods(), 0);
    let table = slipway::budget::table(&envs[0], &budget);
    assert!(table.contains("4294967295 nodes"), "{table}");
    // On three nodes of 110 pods, nearly all of them fit nowhere, and are counted, not listed.
    let text = with("runtime", "replicas = 4294967295");
    let source = SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    let budget = slipway::budget::compute(&envs[0]);
    assert!(budget.unplaced_pods() >= budget.pods() - 330, "{:?}", budget.unplaced);
    assert_eq!(budget.unplaced.len(), 2, "the api and its surge: {:?}", budget.unplaced);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn quota_headroom_and_overcommit_outside_their_range_are_refused() {
    for (line, at) in [
        ("quota_headroom = 1e10", "1e10"),
        ("quota_headroom = -0.5", "-0.5"),
        ("quota_headroom = nan", "nan"),
        ("quota_headroom = inf", "inf"),
        ("overcommit = 0.5", "0.5"),
        ("overcommit = 0.0001", "0.0001"),
        ("overcommit = 1e308", "1e308"),
        ("overcommit = -inf", "-inf"),
    ] {
        let found = found(&with("repo", line), Code::InvalidHeadroom);
        assert_eq!(found.len(), 1, "{line}: {found:#?}");
        assert_eq!(found[0].1, at);
        // Reported by itself, not as the overflow or the overcommit warning it would cause.
        let (_, compiled) = compile(&with("repo", line));
        let codes: Vec<Code> = compiled.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::InvalidHeadroom], "{line}");
    }
    for line in ["quota_headroom = 0.0", "quota_headroom = 10.0", "overcommit = 1.0", "overcommit = 100.0"] {
        let (_, compiled) = compile(&with("repo", line));
        assert!(!compiled.has_errors(), "{line}: {:#?}", compiled.diagnostics);
    }
}

#[test]
fn a_large_headroom_grows_the_quota_and_never_wraps_it() {
    let (_, compiled) = compile(&with("repo", "quota_headroom = 10.0"));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let files = compiled.files.unwrap();
    let quota = files.iter().find(|(path, _)| path.ends_with("resourcequota-shop-budget.yaml")).expect("a quota").1;
    // One api pod and one surge pod of 64Mi and 50m requests (the go preset), times eleven.
    assert!(quota.contains("requests.memory: \"1408Mi\""), "{quota}");
    assert!(quota.contains("requests.cpu: \"1100m\""), "{quota}");
    assert!(quota.contains("pods: \"22\""), "{quota}");
}

#[test]
fn autoscalers_the_api_server_refuses_are_refused() {
    let found_with = |line: &str| found(&with("runtime", line), Code::InvalidAutoscale);
    let zero = found_with("autoscale = { min = 0, max = 0, cpu = 0 }");
    let at: Vec<&str> = zero.iter().map(|(_, at)| at.as_str()).collect();
    assert_eq!(at, ["0", "0"], "min and the cpu target: {zero:#?}");
    assert!(zero[0].0.message.contains("`min = 0`"), "{zero:#?}");
    let inverted = found_with("autoscale = { min = 5, max = 1 }");
    assert_eq!(inverted.len(), 1, "{inverted:#?}");
    assert_eq!(inverted[0].0.message, "the autoscaler of `api` has `max = 1` below `min = 5`");
    assert_eq!(found_with("autoscale = { max = 0 }").len(), 1, "min defaults to 1");
    assert_eq!(found_with("autoscale = { min = 2, max = 4, memory = 101 }")[0].1, "101");
    let (_, compiled) = compile(&with("runtime", "autoscale = { min = 1, max = 1, cpu = 1, memory = 100 }"));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
}

#[test]
fn slipway_budget_prints_the_table_of_absurd_numbers_and_refuses_them() {
    let dir = crate::support::temp_dir("numbers-budget");
    let platform = dir.join("absurd.toml");
    std::fs::write(&platform, with("runtime", "replicas = 4294967295").replace("nodes = 3", "nodes = 4294967295"))
        .unwrap();
    let project = crate::support::project("numbers-budget-project", &platform);
    let budget = crate::support::slipway(&project, &["budget"]);
    assert_eq!(budget.code, 1, "{}", budget.stderr);
    assert!(budget.stdout.contains("4294967295 nodes"), "{}", budget.stdout);
    assert!(budget.stdout.contains("| api | service | 4294967295 |"), "{}", budget.stdout);
    assert!(budget.stderr.contains("error[B005]: `nodes` of 4,294,967,295"), "{}", budget.stderr);
    assert!(budget.stderr.contains("error[B005]: `replicas` of 4,294,967,295"), "{}", budget.stderr);
}
