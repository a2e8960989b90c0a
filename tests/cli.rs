//! The command line end to end: exit codes and messages of `check`, `build`, `diff`, `schema` and `explain`.

use std::path::Path;

use crate::support::{self, Output};

fn built_project(name: &str) -> std::path::PathBuf {
    let dir = support::project(name, &support::fixture("valid/small.toml"));
    let output = support::slipway(&dir, &["build"]);
    assert_eq!(output.code, 0, "build failed: {}", output.stderr);
    dir
}

fn normalise(output: &Output) -> String {
    format!("exit code: {}\n--- stdout\n{}--- stderr\n{}", output.code, output.stdout, output.stderr)
}

#[test]
fn build_then_check_passes() {
    let dir = support::project("build-check", &support::fixture("valid/small.toml"));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(
        build.stdout,
        "built `out`: 41 added, 0 changed, 0 removed, 0 unchanged; wrote `schema/platform.schema.json`\n"
    );
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_valid", normalise(&check)));
    let again = support::slipway(&dir, &["build"]);
    assert_eq!(again.stdout, "built `out`: 0 added, 0 changed, 0 removed, 41 unchanged\n");
}

#[test]
fn check_of_invalid_toml_fails_and_writes_nothing() {
    let dir = support::project("invalid-toml", &support::fixture("invalid/P001-unclosed-string.toml"));
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_invalid_toml", normalise(&check)));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 1);
    assert!(!dir.join("out").exists(), "a failed build must write nothing");
    assert!(!dir.join("schema").exists(), "a failed build must write nothing");
}

#[test]
fn check_of_an_unknown_key_suggests_the_right_one() {
    let dir = support::project("unknown-key", &support::fixture("invalid/P002-unknown-key.toml"));
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_unknown_key", normalise(&check)));
}

#[test]
fn check_names_a_deleted_and_an_edited_file() {
    let dir = built_project("stale-out");
    std::fs::remove_file(dir.join("out/dev/services/orders/service-orders.yaml")).unwrap();
    let deployment = dir.join("out/prod/services/catalog/deployment-catalog.yaml");
    let text = std::fs::read_to_string(&deployment).unwrap().replace("replicas: 3", "replicas: 4");
    std::fs::write(&deployment, text).unwrap();
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_stale_out", normalise(&check)));
}

#[test]
fn changing_memory_makes_check_fail_with_a_diff_until_build() {
    let dir = built_project("memory-change");
    let platform = dir.join("platform/platform.toml");
    let text = std::fs::read_to_string(&platform).unwrap();
    let text = text
        .replace(r#"resources = { limits = { memory = "2Gi" } }"#, r#"resources = { limits = { memory = "3Gi" } }"#);
    std::fs::write(&platform, text).unwrap();
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_memory_change", normalise(&check)));
    let diff = support::slipway(&dir, &["diff"]);
    assert_eq!(diff.code, 0);
    assert!(
        diff.stdout.starts_with("prod:\n  objects: deployment ~1, resourcequota ~1, summary ~1\n"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("-              memory: \"2Gi\"\n+              memory: \"3Gi\"\n"),
        "{}",
        diff.stdout
    );
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

#[test]
fn a_hand_written_file_is_reported_and_kept() {
    let dir = built_project("hand-written");
    let extra = dir.join("out/dev/services/orders/extra.yaml");
    std::fs::write(&extra, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n").unwrap();
    let check = support::slipway(&dir, &["check"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_check_hand_written", normalise(&check)));

    // A rebuild that removes a generated file keeps the hand-written one.
    let platform = dir.join("platform/platform.toml");
    let text = std::fs::read_to_string(&platform).unwrap().replace("[environments.dev]\n", "");
    std::fs::write(&platform, text).unwrap();
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.stderr.contains("warning[O002]"), "{}", build.stderr);
    assert!(extra.exists(), "the hand-written file must survive a build");
    assert!(!dir.join("out/dev/services/orders/deployment-orders.yaml").exists());
}

#[test]
fn a_hand_written_file_where_a_generated_one_goes_stops_the_build() {
    let dir = built_project("conflict");
    let target = dir.join("out/dev/root.yaml");
    std::fs::write(&target, "# mine\n").unwrap();
    let platform = dir.join("platform/platform.toml");
    let text = std::fs::read_to_string(&platform).unwrap().replace("replicas = 3", "replicas = 4");
    std::fs::write(&platform, text).unwrap();
    let before = support::read_tree(&dir.join("out"));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 1);
    assert!(
        build
            .stderr
            .contains("error[O002]: `out/dev/root.yaml` was not generated by slipway, but slipway must write it"),
        "{}",
        build.stderr
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
    assert_eq!(support::read_tree(&dir.join("out")), before, "nothing else was written");
}

#[test]
fn a_stale_schema_fails_check() {
    let dir = built_project("stale-schema");
    // A schema Slipway generated, from an older model.
    std::fs::write(
        dir.join("schema/platform.schema.json"),
        "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"Slipway platform\"}\n",
    )
    .unwrap();
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("error[O003]: `schema/platform.schema.json` is out of date"), "{}", check.stderr);
    let schema = support::slipway(&dir, &["schema"]);
    assert_eq!(schema.stdout, "wrote `schema/platform.schema.json`\n");
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

#[test]
fn missing_platform_file_is_an_io_error() {
    let dir = support::temp_dir("no-platform");
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 2);
    assert!(check.stderr.starts_with("error: cannot read `platform/platform.toml`:"), "{}", check.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let output = support::slipway(Path::new("."), &["frobnicate"]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("unrecognized subcommand"), "{}", output.stderr);
}

#[test]
fn flags_choose_other_paths() {
    let dir = support::temp_dir("flags");
    let platform = support::fixture("valid/small.toml");
    let platform = platform.to_str().unwrap();
    let build = support::slipway(&dir, &["build", "--platform", platform, "--out", "rendered", "--schema", "s.json"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(dir.join("rendered/prod/root.yaml").exists());
    assert!(dir.join("s.json").exists());
    assert_eq!(
        support::slipway(&dir, &["check", "--platform", platform, "--out", "rendered", "--schema", "s.json"]).code,
        0
    );
}

#[test]
fn explain_prints_every_code_and_rejects_unknown_ones() {
    for code in slipway::diagnostic::Code::ALL {
        let output = support::slipway(Path::new("."), &["explain", code.as_str()]);
        assert_eq!(output.code, 0);
        assert!(output.stdout.starts_with(&format!("{} ({})\n\n", code.as_str(), code.name())), "{}", output.stdout);
    }
    let unknown = support::slipway(Path::new("."), &["explain", "S01"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean"), "{}", unknown.stderr);
}

#[test]
fn diagnostics_as_json_and_github_annotations() {
    let dir = support::project("formats", &support::fixture("invalid/S001-undeclared-secret.toml"));
    let json = support::slipway(&dir, &["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let first: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "S001");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "platform/platform.toml");
    assert_eq!(first["primary"]["line"], 12);
    assert_eq!(first["environments"], serde_json::json!(["dev"]));
    let github = support::slipway(&dir, &["check", "--format", "github"]);
    assert!(github.stdout.starts_with("::error file=platform/platform.toml,line=12,col="), "{}", github.stdout);
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = support::project("deny-warnings", &support::fixture("invalid/S003-unused-secret.toml"));
    assert_eq!(support::slipway(&dir, &["build"]).code, 0, "warnings alone do not stop a build");
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
    let denied = support::slipway(&dir, &["check", "--deny", "warnings"]);
    assert_eq!(denied.code, 1);
    assert!(denied.stderr.contains("warning[S003]"), "{}", denied.stderr);
    assert!(denied.stderr.contains("1 warning, denied by `--deny warnings`"), "{}", denied.stderr);
}

#[test]
fn budget_prints_a_table_per_environment() {
    let dir = support::project("budget", &support::fixture("valid/small.toml"));
    let budget = support::slipway(&dir, &["budget"]);
    support::settings().bind(|| insta::assert_snapshot!("cli_budget", normalise(&budget)));
    let overflowing = support::project("budget-overflow", &support::fixture("invalid/B001-budget-overflow.toml"));
    let budget = support::slipway(&overflowing, &["budget"]);
    assert_eq!(budget.code, 1);
    assert!(budget.stdout.contains("| search | service | 1 |"), "{}", budget.stdout);
    assert!(budget.stderr.contains("error[B001]"), "{}", budget.stderr);
}

#[test]
fn a_first_check_names_a_few_files_and_counts_the_rest() {
    let dir = support::project("first-check", &support::fixture("valid/small.toml"));
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr.matches("error[O001]").count(), 21, "{}", check.stderr);
    assert!(check.stderr.contains("error[O001]: 21 more files in `out` are stale"), "{}", check.stderr);
}
