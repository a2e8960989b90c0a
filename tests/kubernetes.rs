//! What the API server would refuse is refused at compile time: the held-out mistakes of issue 14, each
//! with its K code and location, objects too large to sync, and values the rules must keep accepting.

use slipway::diagnostic::{self, Code, Format};
use slipway::source::SourceFile;

use crate::support;

const HEADER: &str = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[environments.dev]

[services.api]
runtime = "go"
"#;

/// Compiles a platform of one service `api` with `lines` added to it.
fn compile(lines: &str) -> (SourceFile, slipway::Compiled) {
    let source = SourceFile::new("platform.toml", format!("{HEADER}{lines}\n"));
    let compiled = slipway::compile(&source);
    (source, compiled)
}

/// The codes and the located text of every error, in order.
fn errors(lines: &str) -> Vec<(Code, String)> {
    let (source, compiled) = compile(lines);
    assert!(compiled.files.is_none() || !compiled.has_errors());
    compiled
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| {
            let span = diagnostic.primary.as_ref().expect("every K error is located").span;
            (diagnostic.code, source.text[span.start..span.end].to_owned())
        })
        .collect()
}

#[test]
fn the_held_out_mistakes_are_each_refused_where_they_are_written() {
    let image = "image = \"registry.example.com/shop/api:1.0.0\"\n";
    let cases: &[(&str, &[(Code, &str)])] = &[
        (
            "ports = [{ name = \"http\", port = 0 }]\nliveness = { enabled = false }\nreadiness = { enabled = false }",
            &[(Code::NumberOutOfRange, "0")],
        ),
        (
            &format!("pod_labels = {{ team = \"{}\" }}", "a".repeat(70)),
            &[(Code::InvalidLabel, &format!("\"{}\"", "a".repeat(70)))],
        ),
        ("pod_annotations = { \"bad key!\" = \"x\" }", &[(Code::InvalidAnnotation, "\"bad key!\"")]),
        (
            "node_selector = { \"disk type\" = \"fast ssd\" }",
            &[(Code::InvalidLabel, "\"disk type\""), (Code::InvalidLabel, "\"fast ssd\"")],
        ),
        ("env.\"BAD=NAME\" = \"x\"", &[(Code::InvalidEnvVarName, "\"BAD=NAME\"")]),
        ("config = { \"bad key/x\" = \"1\" }", &[(Code::InvalidDataKey, "\"bad key/x\"")]),
        (
            "tolerations = [{ key = \"k\", operator = \"Equalz\", value = \"v\", effect = \"NoSchedul\" }]",
            &[(Code::InvalidToleration, "\"Equalz\""), (Code::InvalidToleration, "\"NoSchedul\"")],
        ),
    ];
    for (lines, expected) in cases {
        let expected: Vec<(Code, String)> = expected.iter().map(|(code, text)| (*code, (*text).to_owned())).collect();
        assert_eq!(errors(&format!("{image}{lines}")), expected, "{lines}");
    }
    for image in ["registry.example.com/shop/api: 1.0.0", "registry.example.com/Shop/api:1.0.0", "api:1.0\n"] {
        let line = format!("image = {}", toml_string(image));
        assert_eq!(errors(&line), vec![(Code::InvalidImageReference, toml_string(image))], "{image:?}");
    }
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\n', "\\n"))
}

#[test]
fn valid_values_stay_accepted() {
    let lines = r#"image = "registry.example.com:5000/shop/api_v2:1.0.0-rc.1"
pod_labels = { "example.com/team" = "payments", empty = "", "a.b_c-D" = "X.y_z-1" }
pod_annotations = { "Example.COM/Owner" = "any text at all, even: this!" }
node_selector = { "kubernetes.io/arch" = "amd64" }
tolerations = [
    { key = "dedicated", operator = "Equal", value = "shop", effect = "NoSchedule" },
    { key = "spot", operator = "Exists" },
    { operator = "Exists" },
    { key = "node.kubernetes.io/unreachable", operator = "Exists", effect = "NoExecute", toleration_seconds = 30 },
]
env."my.dotted-name_1" = "x"
config = { "app.properties" = "a=b", LOG_LEVEL = "info" }
security = { run_as_user = 10001, run_as_group = 0, fs_group = 2147483647 }"#;
    let (_, compiled) = compile(lines);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
}

#[test]
fn a_mistake_in_an_environment_overlay_is_pointed_at_in_the_overlay() {
    let text = format!(
        "{HEADER}image = \"registry.example.com/shop/api:1.0.0\"\n\n[environments.production]\nservices.api = {{ node_selector = {{ pool = \"big one\" }} }}\n"
    );
    let source = SourceFile::new("platform.toml", text);
    let compiled = slipway::compile(&source);
    let found: Vec<_> = compiled.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, Code::InvalidLabel);
    assert_eq!(found[0].environments, vec!["production".to_owned()]);
    let span = found[0].primary.as_ref().unwrap().span;
    assert_eq!(&source.text[span.start..span.end], "\"big one\"");
}

#[test]
fn a_ten_megabyte_env_value_is_refused_without_being_echoed() {
    let lines = format!(
        "image = \"registry.example.com/shop/api:1.0.0\"\nenv.SMALL = \"x\"\nenv.HUGE = \"{}\"",
        "x".repeat(10_000_000)
    );
    let (source, compiled) = compile(&lines);
    assert!(compiled.files.is_none(), "an object too large renders nothing");
    let too_large: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::ObjectTooLarge).collect();
    assert_eq!(too_large.len(), 1, "{:#?}", compiled.diagnostics);
    assert!(too_large[0].message.starts_with("the Deployment `api` is too large"), "{}", too_large[0].message);
    let span = too_large[0].primary.as_ref().unwrap().span;
    assert_eq!(&source.text[span.start..span.end], "HUGE");
    let rendered = diagnostic::render(&compiled.diagnostics, Some(&source), Format::Human { color: false });
    assert!(rendered.len() < 4000, "the value is not echoed: {} bytes", rendered.len());
}

/// The Deployment of service `api` with `lines`, as rendered.
fn deployment(lines: &str) -> serde_json::Value {
    let source = SourceFile::new("platform.toml", format!("{HEADER}{lines}\n"));
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    let manifests = slipway::render::render(&envs[0]);
    manifests.into_iter().find(|manifest| manifest.path.ends_with("deployment-api.yaml")).unwrap().value()
}

#[test]
fn the_limit_is_the_last_applied_annotation_to_the_byte() {
    // ArgoCD applies client-side: the Deployment's JSON is copied into its last-applied annotation, which
    // with the other annotations must fit 262,144 bytes. The largest env value that passes, and one more.
    let lines =
        |bytes: usize| format!("image = \"registry.example.com/shop/api:1.0.0\"\nenv.BLOB = \"{}\"", "x".repeat(bytes));
    let (mut low, mut high) = (1, 300_000);
    while high - low > 1 {
        let middle = usize::midpoint(low, high);
        if compile(&lines(middle)).1.has_errors() {
            high = middle;
        } else {
            low = middle;
        }
    }
    let accepted = slipway::k8s_rules::AppliedSize::of(&deployment(&lines(low)));
    assert_eq!(accepted.annotations, 262_144, "{accepted:?}");
    let refused = compile(&lines(high)).1;
    assert_eq!(refused.diagnostics.iter().filter(|d| d.code == Code::ObjectTooLarge).count(), 1);
}

#[test]
fn a_component_with_huge_chart_values_is_refused_at_the_component() {
    let text = format!(
        r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[components.cache]
kind = "helm"
chart = {{ repo = "https://charts.example.com", name = "cache", version = "1.0.0" }}
namespace = "cache"
resources = {{ requests = {{ memory = "64Mi", cpu = "50m" }}, limits = {{ memory = "128Mi", cpu = "100m" }} }}
values = {{ blob = "{}" }}

[environments.dev]
"#,
        "x".repeat(300_000)
    );
    let source = SourceFile::new("platform.toml", text);
    let compiled = slipway::compile(&source);
    let too_large: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::ObjectTooLarge).collect();
    assert_eq!(too_large.len(), 1, "{:#?}", compiled.diagnostics);
    assert!(too_large[0].message.starts_with("the Application `dev-cache`"), "{}", too_large[0].message);
    let span = too_large[0].primary.as_ref().unwrap().span;
    assert_eq!(&source.text[span.start..span.end], "cache");
}

#[test]
fn set_image_refuses_a_tag_with_a_space_and_writes_nothing() {
    let dir = support::project("set-image-space", &support::fixture("edit/commented.toml"));
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    let before = std::fs::read_to_string(dir.join("platform/platform.toml")).unwrap();
    let output = support::slipway(&dir, &["set-image", "web", "1.4.1 beta"]);
    // A tag on the command line is a usage error (exit 2), refused before anything is printed or written.
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(output.stderr.contains("error[U003]"), "{}", output.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("platform/platform.toml")).unwrap(), before);
}

#[test]
fn names_of_config_maps_and_of_argocd_namespace_are_kubernetes_names() {
    let image = "image = \"registry.example.com/shop/api:1.0.0\"\n";
    assert_eq!(
        errors(&format!("{image}env_from = [{{ config_map = \"Shared Config\" }}]")),
        vec![(Code::InvalidName, "\"Shared Config\"".to_owned())]
    );
    assert_eq!(errors(&format!("{image}env_from = [{{ config_map = \"shared.config-1\" }}]")), vec![]);
    assert_eq!(
        errors(&format!("{image}\n[argocd]\nnamespace = \"Argo CD\"")),
        vec![(Code::InvalidName, "\"Argo CD\"".to_owned())]
    );
}

#[test]
fn annotations_over_256_kib_are_refused_at_the_largest() {
    let lines = format!(
        "image = \"registry.example.com/shop/api:1.0.0\"\npod_annotations = {{ small = \"x\", \"example.com/blob\" = \"{}\" }}",
        "x".repeat(270_000)
    );
    assert_eq!(errors(&lines), vec![(Code::ObjectTooLarge, "\"example.com/blob\"".to_owned())]);
}
