//! The pull-request workflow: `set-image`, `promote` and `new service` edit platform.toml keeping
//! comments and order; `diff` summarises a change; `init` starts a platform that passes `check`; and the
//! GitHub workflow runs the commands the README documents.

use crate::support;

fn project_with_commented_platform(name: &str) -> std::path::PathBuf {
    let dir = support::project(name, &support::fixture("edit/commented.toml"));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    dir
}

fn platform_text(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("platform/platform.toml")).unwrap()
}

#[test]
fn set_image_changes_only_that_value_and_rebuilds() {
    let dir = project_with_commented_platform("set-image");
    let before = platform_text(&dir);
    let output = support::slipway(&dir, &["set-image", "web", "1.4.1"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let expected = before.replace(
        "image = \"registry.example.com/shop/web:1.4.0\"   # bumped by CI",
        "image = \"registry.example.com/shop/web:1.4.1\"   # bumped by CI",
    );
    assert_eq!(platform_text(&dir), expected);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0, "set-image rebuilt out/");

    let in_env = support::slipway(&dir, &["set-image", "api", "2.1.0", "--env", "staging"]);
    assert_eq!(in_env.code, 0, "{}", in_env.stderr);
    assert_eq!(
        platform_text(&dir),
        expected.replace(
            "cluster = { server = \"https://staging.shop.example.com:6443\" }\n",
            "cluster = { server = \"https://staging.shop.example.com:6443\" }\nservices.api.image = \"registry.example.com/shop/api:2.1.0\"\n"
        )
    );
}

#[test]
fn set_image_of_an_unknown_service_suggests_one() {
    let dir = project_with_commented_platform("set-image-unknown");
    let before = platform_text(&dir);
    let output = support::slipway(&dir, &["set-image", "wbe", "1.0.0"]);
    assert_eq!(output.code, 2, "a usage error");
    assert!(output.stderr.contains("error[U002]: there is no service `wbe`"), "{}", output.stderr);
    assert!(output.stderr.contains("did you mean `web`?"), "{}", output.stderr);
    assert_eq!(platform_text(&dir), before);
}

#[test]
fn promote_copies_tags_and_refuses_branches_into_production() {
    let dir = project_with_commented_platform("promote");
    let before = platform_text(&dir);
    let output = support::slipway(&dir, &["promote", "dev", "staging", "--service", "web"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.contains("web: registry.example.com/shop/web:1.4.0 -> registry.example.com/shop/web:1.5.0-rc.1"),
        "{}",
        output.stdout
    );
    assert_eq!(
        platform_text(&dir),
        before.replace(
            "cluster = { server = \"https://staging.shop.example.com:6443\" }\n",
            "cluster = { server = \"https://staging.shop.example.com:6443\" }\nservices.web.image = \"registry.example.com/shop/web:1.5.0-rc.1\"\n"
        )
    );
    let refused = support::slipway(&dir, &["promote", "dev", "production"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("refusing to promote `registry.example.com/shop/api:main` of `api` into production"),
        "{}",
        refused.stderr
    );
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

#[test]
fn new_service_appends_a_table_and_builds() {
    let dir = project_with_commented_platform("new-service");
    let before = platform_text(&dir);
    let output = support::slipway(
        &dir,
        &["new", "service", "billing", "--runtime", "java", "--route", "/billing", "--uses", "api"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let expected = format!(
        "{before}\n[services.billing]\nimage = \"registry.example.com/shop/billing:0.1.0\"\nruntime = \"java\"\nuses = [\"api\"]\nroutes = [\"/billing\"]\n"
    );
    assert_eq!(platform_text(&dir), expected);
    assert!(dir.join("out/dev/services/billing/deployment-billing.yaml").exists());
    let invalid = support::slipway(&dir, &["new", "service", "broken", "--uses", "nothing"]);
    assert_eq!(invalid.code, 1);
    assert_eq!(platform_text(&dir), expected, "an invalid result is not written");
}

/// Runs git in `dir` as a fixed author.
/// Makes `dir` a Git checkout with its platform committed, as a project is.
fn commit_platform(dir: &std::path::Path) {
    support::git(dir, &["init", "-q"]);
    support::git(dir, &["add", "platform"]);
    support::git(dir, &["commit", "-q", "-m", "base"]);
}

/// The summary of a text review: everything before the diffs.
fn summary_of(review: &str) -> &str {
    review.split("\n\n").next().unwrap()
}

#[test]
fn diff_summarises_then_shows_the_diffs() {
    if !support::git_available() {
        eprintln!("skipped diff_summarises_then_shows_the_diffs: `git` is not on PATH");
        return;
    }
    let dir = project_with_commented_platform("diff");
    // `out/` is the render of the platform committed at HEAD, whose facts the summary compares.
    commit_platform(&dir);
    let platform = dir.join("platform/platform.toml");
    let text = platform_text(&dir)
        .replace("routes = [\"/\"]\nreplicas = 2", "routes = [\"/\", \"/shop\"]\nreplicas = 3")
        .replace("web:1.4.0", "web:1.4.2");
    std::fs::write(&platform, text).unwrap();
    let text_output = support::slipway(&dir, &["diff", "--env", "production"]);
    support::settings().bind(|| insta::assert_snapshot!("diff_text", text_output.stdout));
    let markdown = support::slipway(&dir, &["diff", "--env", "production", "--markdown"]);
    support::settings().bind(|| insta::assert_snapshot!("diff_markdown", markdown.stdout));
}

#[test]
fn diff_against_a_git_revision() {
    if !support::git_available() {
        eprintln!("skipped diff_against_a_git_revision: `git` is not on PATH");
        return;
    }
    let dir = project_with_commented_platform("diff-base");
    let git = |args: &[&str]| support::git(&dir, args);
    git(&["init", "-q"]);
    git(&["add", "platform/platform.toml"]);
    git(&["commit", "-q", "-m", "base"]);
    assert_eq!(support::slipway(&dir, &["set-image", "api", "2.0.1"]).code, 0);
    let output = support::slipway(&dir, &["diff", "--base", "HEAD", "--env", "staging"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.starts_with("staging:\n"), "{}", output.stdout);
    assert!(!output.stdout.contains("not compared"), "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains("image of api: registry.example.com/shop/api:2.0.0 -> registry.example.com/shop/api:2.0.1"),
        "{}",
        output.stdout
    );
}

#[test]
fn init_then_check_passes() {
    let dir = support::temp_dir("init");
    let init = support::slipway(&dir, &["init", "shop"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let check = support::slipway(&dir.join("shop"), &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert_eq!(support::slipway(&dir, &["init", "shop"]).code, 2, "init never overwrites a platform");
}

#[test]
fn graph_prints_mermaid_and_dot() {
    let dir = project_with_commented_platform("graph");
    let mermaid = support::slipway(&dir, &["graph", "--env", "dev"]);
    assert!(mermaid.stdout.starts_with("```mermaid\nflowchart LR\n"), "{}", mermaid.stdout);
    let dot = support::slipway(&dir, &["graph", "--format", "dot"]);
    assert!(dot.stdout.starts_with("digraph \"dev\" {"), "{}", dot.stdout);
}

#[test]
fn the_github_workflow_runs_what_the_readme_documents() {
    let workflow = std::fs::read_to_string(support::root().join(".github/workflows/platform-check.yml")).unwrap();
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let runs: Vec<&str> = workflow.lines().filter_map(|line| line.trim().strip_prefix("run: ")).collect();
    assert_eq!(runs.len(), 2, "{workflow}");
    for command in ["cargo run --locked -- check --format github", "diff --base origin/"] {
        assert!(runs.iter().any(|run| run.contains(command)), "the workflow does not run `{command}`");
        assert!(readme.contains(command), "the README does not document `{command}`");
    }
}

#[test]
fn every_deliberate_checkov_failure_is_documented_in_the_readme() {
    let allowed = std::fs::read_to_string(support::root().join("tests/checkov-allowed.txt")).unwrap();
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let ids: Vec<&str> = allowed
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(!ids.is_empty());
    for id in ids {
        assert!(readme.contains(&format!("| {id} (")), "the README does not explain why {id} fails");
    }
}

#[test]
fn unknown_environments_are_usage_errors_with_a_suggestion() {
    let dir = project_with_commented_platform("unknown-env");
    let before = platform_text(&dir);
    let out_before = support::read_tree(&dir.join("out"));
    for args in [
        &["promote", "dev", "prodution"][..],
        &["promote", "stagin", "production"],
        &["graph", "--env", "prodution"],
        &["budget", "--env", "prodution"],
        &["diff", "--env", "prodution"],
        &["set-image", "web", "1.4.1", "--env", "prodution"],
    ] {
        let output = support::slipway(&dir, args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(output.stderr.starts_with("error[U001]: there is no environment `"), "{args:?}: {}", output.stderr);
        assert!(output.stderr.contains("= help: did you mean `"), "{args:?}: {}", output.stderr);
        assert!(!output.stderr.contains("R001"), "{args:?}: {}", output.stderr);
        assert_eq!(output.stdout, "", "{args:?}");
    }
    let far = support::slipway(&dir, &["graph", "--env", "qa"]);
    assert!(far.stderr.contains("= help: the environments are `dev`, `staging`, `production`"), "{}", far.stderr);
    let json = support::slipway(&dir, &["promote", "dev", "prodution", "--format", "json"]);
    assert_eq!(json.code, 2);
    let line: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["code"], "U001");
    assert_eq!(platform_text(&dir), before);
    assert_eq!(support::read_tree(&dir.join("out")), out_before);
}

#[test]
fn budget_of_one_environment_and_graph_names_the_one_it_drew() {
    let dir = project_with_commented_platform("budget-env");
    let all = support::slipway(&dir, &["budget"]);
    let one = support::slipway(&dir, &["budget", "--env", "staging"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with("staging\n\n"), "{}", one.stdout);
    assert!(!one.stdout.contains("\nproduction\n") && !one.stdout.starts_with("dev"), "{}", one.stdout);
    assert!(all.stdout.contains(&one.stdout), "the table of one environment is the same as in the whole budget");

    let graph = support::slipway(&dir, &["graph"]);
    assert_eq!(graph.code, 0);
    assert_eq!(
        graph.stderr,
        "drew environment `dev` (the first by name of `dev`, `production`, `staging`; choose one with `--env`)\n"
    );
    let chosen = support::slipway(&dir, &["graph", "--env", "staging"]);
    assert_eq!(chosen.stderr, "", "nothing to say when the environment was chosen");
}

#[test]
fn diff_exit_code_is_one_when_there_are_changes() {
    let dir = project_with_commented_platform("diff-exit-code");
    let same = support::slipway(&dir, &["diff", "--exit-code"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    let platform = dir.join("platform/platform.toml");
    std::fs::write(&platform, platform_text(&dir).replace("web:1.4.0", "web:1.4.2")).unwrap();
    let changed = support::slipway(&dir, &["diff", "--exit-code"]);
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    assert!(changed.stdout.contains("deployment ~1"), "{}", changed.stdout);
    assert_eq!(support::slipway(&dir, &["diff"]).code, 0, "without --exit-code, changes are not a failure");
    let other = support::slipway(&dir, &["diff", "--exit-code", "--env", "nowhere"]);
    assert_eq!(other.code, 2, "a usage error is still 2");
}

#[test]
fn set_image_refuses_a_bad_tag_before_saying_anything_and_writes_nothing() {
    let dir = project_with_commented_platform("bad-tag");
    let before = platform_text(&dir);
    let out_before = support::read_tree(&dir.join("out"));
    let long = "1".repeat(129);
    for tag in ["1.0 x", "1.0\n", "", ".1", "1.0:2", "a/b", "1.0\u{0430}", long.as_str(), "v1\u{1b}[31m"] {
        let output = support::slipway(&dir, &["set-image", "web", tag]);
        assert_eq!(output.code, 2, "{tag:?}: {}", output.stderr);
        assert_eq!(output.stdout, "", "{tag:?}: nothing printed as if it succeeded");
        assert!(output.stderr.starts_with("error[U003]: `"), "{tag:?}: {}", output.stderr);
        assert!(output.stderr.contains("is not an image tag"), "{tag:?}: {}", output.stderr);
        assert!(!output.stderr.contains('\u{1b}'), "{tag:?}: control characters are escaped");
        assert_eq!(platform_text(&dir), before, "{tag:?}");
    }
    assert_eq!(support::read_tree(&dir.join("out")), out_before);
    for tag in ["1.4.1", "v2_rc.1-x", &"1".repeat(128)] {
        let output = support::slipway(&dir, &["set-image", "web", tag]);
        assert_eq!(output.code, 0, "{tag:?}: {}", output.stderr);
    }
}

#[test]
fn new_service_says_added_only_when_it_wrote() {
    let dir = project_with_commented_platform("new-service-invalid");
    let before = platform_text(&dir);
    let invalid = support::slipway(&dir, &["new", "service", "Billing"]);
    assert_eq!(invalid.code, 1);
    assert!(!invalid.stdout.contains("added"), "{}", invalid.stdout);
    assert!(invalid.stderr.contains("error[N001]"), "{}", invalid.stderr);
    assert!(invalid.stderr.contains("nothing was written"), "{}", invalid.stderr);
    assert_eq!(platform_text(&dir), before);
    let taken = support::slipway(&dir, &["new", "service", "web"]);
    assert_eq!(taken.code, 2);
    assert!(taken.stderr.starts_with("error[U004]: service `web` already exists"), "{}", taken.stderr);
    assert_eq!(platform_text(&dir), before);
    let runtime = support::slipway(&dir, &["new", "service", "billing", "--runtime", "rust"]);
    assert_eq!(runtime.code, 2, "{}", runtime.stderr);
    assert!(runtime.stderr.contains("possible values: node, java, python, go"), "{}", runtime.stderr);
    let added = support::slipway(&dir, &["new", "service", "billing"]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(added.stdout.starts_with("added service `billing` (registry.example.com/shop/billing:0.1.0)\nbuilt `out`"));
}

/// A platform with a SealedSecret file beside it, as `check` reads it.
fn project_with_sealed_secrets(name: &str) -> std::path::PathBuf {
    let dir = support::project(name, &support::fixture("valid/secrets.toml"));
    std::fs::create_dir_all(dir.join("platform/secrets")).unwrap();
    std::fs::copy(support::fixture("valid/secrets/payments-key.yaml"), dir.join("platform/secrets/payments-key.yaml"))
        .unwrap();
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    dir
}

#[test]
fn edits_read_the_sealed_secrets_as_check_does() {
    let dir = project_with_sealed_secrets("edit-sealed");
    let set = support::slipway(&dir, &["set-image", "checkout", "2.0.1", "--env", "dev"]);
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(!set.stderr.contains("S007"), "{}", set.stderr);
    let promote = support::slipway(&dir, &["promote", "dev", "staging"]);
    assert_eq!(promote.code, 0, "{}", promote.stderr);
    assert!(
        promote
            .stdout
            .contains("checkout: registry.example.com/pay/checkout:2.0.0 -> registry.example.com/pay/checkout:2.0.1"),
        "{}",
        promote.stdout
    );
    let new = support::slipway(&dir, &["new", "service", "refunds", "--runtime", "go"]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
    if !support::git_available() {
        eprintln!("skipped the rest of edits_read_the_sealed_secrets_as_check_does: `git` is not on PATH");
        return;
    }
    let git = |args: &[&str]| support::git(&dir, args);
    git(&["init", "-q"]);
    git(&["add", "platform"]);
    git(&["commit", "-q", "-m", "base"]);
    assert_eq!(support::slipway(&dir, &["set-image", "ledger", "2.0.1"]).code, 0);
    let diff = support::slipway(&dir, &["diff", "--base", "HEAD", "--env", "dev"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    // The base compiles with its SealedSecret file, so only the image shows as changed, not the whole render
    // as added.
    let objects = diff.stdout.lines().nth(1).unwrap();
    assert_eq!(objects, "  objects: deployment ~1, service ~1, serviceaccount ~1", "{}", diff.stdout);
}

/// The review summary's facts come from the two platforms, not from the YAML: budget, routes (with the
/// host each is served on), secrets with their new readers, and images, for a new service too.
#[test]
fn diff_summarises_every_fact_from_both_platforms() {
    if !support::git_available() {
        eprintln!("skipped diff_summarises_every_fact_from_both_platforms: `git` is not on PATH");
        return;
    }
    let dir = support::project("diff-facts", &support::fixture("edit/review.toml"));
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    commit_platform(&dir);
    let text = platform_text(&dir)
        .replace("web:1.2.0", "web:1.3.0")
        .replace(r#"routes = ["/", { path = "/admin", host = "admin.example.com" }]"#, r#"routes = ["/"]"#)
        .replace(r#"routes = ["/api"]"#, r#"routes = ["/api", "/api/v2"]"#)
        .replace("[environments.prod]\n", "[environments.prod]\nservices.api = { replicas = 3 }\n")
        + r#"
[services.billing]
image = "registry.example.com/edge/billing:0.1.0"
runtime = "go"
routes = [{ path = "/billing", host = "pay.example.com" }]
env_from = [{ secret = "api-db" }]
"#;
    std::fs::write(dir.join("platform/platform.toml"), text).unwrap();
    let diff = support::slipway(&dir, &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    support::settings().bind(|| insta::assert_snapshot!("diff_facts_text", summary_of(&diff.stdout)));
    let markdown = support::slipway(&dir, &["diff", "--markdown"]);
    let table = markdown.stdout.split("\n<details>").next().unwrap();
    support::settings().bind(|| insta::assert_snapshot!("diff_facts_markdown", table));
    // The platform at a revision gives the same facts as the one `out/` was built from.
    let base = support::slipway(&dir, &["diff", "--base", "HEAD"]);
    assert_eq!(base.stdout, diff.stdout);
    // What only the YAML would say is not taken for a fact: an unchanged route stays unmentioned.
    assert!(!diff.stdout.contains("route added: / -> web"), "{}", diff.stdout);
}

/// Without the platform `out/` was built from, `diff` summarises the files and says what it did not compare.
#[test]
fn diff_without_the_platform_of_out_summarises_files_only_and_says_so() {
    let dir = support::project("diff-files-only", &support::fixture("edit/review.toml"));
    assert_eq!(support::slipway(&dir, &["build"]).code, 0);
    let platform = dir.join("platform/platform.toml");
    let original = platform_text(&dir);
    std::fs::write(&platform, original.replace("web:1.2.0", "web:1.3.0")).unwrap();
    let diff = support::slipway(&dir, &["diff", "--env", "dev"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(
        summary_of(&diff.stdout),
        "dev:\n  objects: deployment ~1, ingress ~1, service ~1, serviceaccount ~1\n  budget, routes, secrets and images not \
         compared: the platform `out` was built from is not at hand: `platform/platform.toml` is not committed at \
         `HEAD` in a Git checkout"
    );
    let markdown = support::slipway(&dir, &["diff", "--env", "dev", "--markdown"]);
    assert!(
        markdown.stdout.contains("| dev | deployment: +0 ~1 -0<br>ingress: +0 ~1 -0<br>service: +0 ~1 -0<br>serviceaccount: +0 ~1 -0 | not compared | not compared | not compared | not compared |\n\n`dev`: budget, routes, secrets and images not compared: the platform"),
        "{}",
        markdown.stdout
    );
    // Without Git on PATH, it says that Git cannot run rather than that the platform is not committed.
    let no_git = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["diff", "--env", "dev", "--color=never"])
        .current_dir(&dir)
        .env("PATH", dir.join("no-such-directory"))
        .output()
        .unwrap();
    assert_eq!(no_git.status.code(), Some(0));
    assert!(
        summary_of(&String::from_utf8(no_git.stdout).unwrap()).ends_with(
            "not compared: the platform `out` was built from is not at hand: Git, which reads it, cannot run"
        )
    );
    if !support::git_available() {
        eprintln!("skipped the rest of diff_without_the_platform_of_out_summarises_files_only_and_says_so");
        return;
    }
    // Committed, but `out/prod` built from something else: prod is summarised by its files, dev in full.
    std::fs::write(&platform, &original).unwrap();
    commit_platform(&dir);
    std::fs::write(&platform, original.replace("web:1.2.0", "web:1.3.0")).unwrap();
    let prod_deployment = dir.join("out/prod/services/api/deployment-api.yaml");
    let edited = std::fs::read_to_string(&prod_deployment).unwrap().replace("api:1.2.0", "api:1.1.0");
    std::fs::write(&prod_deployment, edited).unwrap();
    let diff = support::slipway(&dir, &["diff"]);
    let summary = summary_of(&diff.stdout);
    assert!(
        summary.contains("dev:\n  objects: deployment ~1, ingress ~1, service ~1, serviceaccount ~1\n  image of web: registry.example.com/edge/web:1.2.0 -> registry.example.com/edge/web:1.3.0\nprod:\n"),
        "{summary}"
    );
    assert!(
        summary.ends_with(
            "\n  budget, routes, secrets and images not compared: `out/prod` is not the render of \
             `platform/platform.toml` as committed at `HEAD`"
        ),
        "{summary}"
    );
}

fn project_with_delivery_policy(name: &str) -> std::path::PathBuf {
    let dir = support::project(name, &support::fixture("valid/delivery.toml"));
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    dir
}

#[test]
fn promote_follows_the_promotion_order_unless_forced() {
    let dir = project_with_delivery_policy("promotion-order");
    let before = platform_text(&dir);
    let skipped = support::slipway(&dir, &["promote", "dev", "production"]);
    assert_eq!(skipped.code, 2, "a usage error: {}", skipped.stderr);
    assert!(
        skipped.stderr.contains(
            "error[U005]: `production` takes images from `staging`, not from `dev`: the promotion order is `dev` -> `staging` -> `production`"
        ),
        "{}",
        skipped.stderr
    );
    assert!(
        skipped.stderr.contains(
            "promote one step at a time: `slipway promote dev staging`, then `slipway promote staging production`; or pass `--force` to skip the order"
        ),
        "{}",
        skipped.stderr
    );
    let backwards = support::slipway(&dir, &["promote", "staging", "dev"]);
    assert_eq!(backwards.code, 2);
    assert!(
        backwards.stderr.contains(
            "error[U005]: `dev` is first in the promotion order (`dev` -> `staging` -> `production`): it takes images from no environment"
        ),
        "{}",
        backwards.stderr
    );
    assert_eq!(platform_text(&dir), before, "nothing was written");

    let forced = support::slipway(&dir, &["promote", "staging", "dev", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        platform_text(&dir),
        before.replace(
            "services.api.image = \"registry.example.com/shop/api:3f2a9c1\"",
            "services.api.image = \"registry.example.com/shop/api:v2.0.0\""
        )
    );
    let in_order = support::slipway(&dir, &["promote", "dev", "staging"]);
    assert_eq!(in_order.code, 0, "{}", in_order.stderr);
    assert!(in_order.stdout.contains("nothing to promote"), "{}", in_order.stdout);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

#[test]
fn an_environment_refuses_image_tags_its_pattern_does_not_match() {
    let dir = project_with_delivery_policy("image-tags");
    let before = platform_text(&dir);
    let forced = support::slipway(&dir, &["promote", "dev", "production", "--force"]);
    assert_eq!(forced.code, 1, "--force skips the order, not the tags: {}", forced.stderr);
    assert!(
        forced.stderr.contains(
            "error[D005]: `production` accepts image tags matching `v[0-9]*.[0-9]*.[0-9]*`, not the image `registry.example.com/shop/api:3f2a9c1` of `api`"
        ),
        "{}",
        forced.stderr
    );
    let in_env = support::slipway(&dir, &["set-image", "api", "3f2a9c1", "--env", "production"]);
    assert_eq!(in_env.code, 1);
    assert!(in_env.stderr.contains("error[D005]: `production` accepts image tags matching"), "{}", in_env.stderr);
    let in_base = support::slipway(&dir, &["set-image", "api", "main"]);
    assert_eq!(in_base.code, 1, "the base image reaches production: {}", in_base.stderr);
    assert!(
        in_base.stderr.contains("not the image `registry.example.com/shop/api:main` of `api`"),
        "{}",
        in_base.stderr
    );
    // Found as the edited platform compiles: located at the edited line of the changed file.
    assert!(
        in_base.stderr.contains("image = \"registry.example.com/shop/api:main\"\n   |         ^^^"),
        "{}",
        in_base.stderr
    );
    assert!(in_base.stderr.contains("would make `platform/platform.toml` invalid"), "{}", in_base.stderr);
    assert_eq!(platform_text(&dir), before, "nothing was written");

    let release = support::slipway(&dir, &["set-image", "api", "v2.1.0", "--env", "production"]);
    assert_eq!(release.code, 0, "{}", release.stderr);
    // dev overrides the image, so a commit tag in the base reaches only staging and production: refused;
    // in dev's overlay it is accepted.
    let in_dev = support::slipway(&dir, &["set-image", "api", "9e8d7c6", "--env", "dev"]);
    assert_eq!(in_dev.code, 0, "{}", in_dev.stderr);
    assert_eq!(support::slipway(&dir, &["check"]).code, 0);
}

/// `set-image` replaces an image written as a one-line string in place, without parsing the document
/// with toml_edit; the text must be exactly what toml_edit's edit gives, on every image of the shipped
/// platform, the edit fixture and the valid fixtures, in the base and in each overlay.
#[test]
fn an_image_replaced_in_place_is_what_toml_edit_writes() {
    let mut texts = vec![
        std::fs::read_to_string("platform/platform.toml").unwrap(),
        std::fs::read_to_string(support::fixture("edit/commented.toml")).unwrap(),
        // A literal string, a dotted key, an inline table and comments around the values.
        "[platform]\nname = \"p\"\nrepo = \"https://example.com/p.git\"\n[services.api]\nimage = 'ghcr.io/p/api:1.0' # pinned\n[services]\nweb.image = \"ghcr.io/p/web:1.0\"\nworker = { image = \"ghcr.io/p/worker:1.0\", runtime = \"go\" }\n[environments.dev]\nservices.api.image   =   \"ghcr.io/p/api:0.9\"\n".to_owned(),
    ];
    for entry in std::fs::read_dir("tests/fixtures/valid").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|it| it == "toml") {
            texts.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let mut compared = 0;
    for text in &texts {
        let source = slipway::source::SourceFile::new("platform.toml", text.as_str());
        let platform = slipway::load::parse(&source).expect("a valid platform");
        let base = platform.services.iter().map(|(name, spec)| (None, name, spec));
        let overlays = platform.environments.iter().flat_map(|(environment, overlay)| {
            overlay.services.iter().map(move |(name, spec)| (Some(environment.value.as_str()), name, spec))
        });
        for (environment, service, spec) in base.chain(overlays) {
            let Some(image) = &spec.image else { continue };
            let new_image = slipway::edit::with_tag(&image.value, "2.0.0-rc.1");
            let fast = slipway::edit::replace_string_at(text, image.span, &new_image).expect("a one-line string");
            let through_toml_edit = slipway::edit::set_image(text, &service.value, &new_image, environment).unwrap();
            assert_eq!(fast, through_toml_edit, "{} in {environment:?}", service.value);
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} images compared");
    // What toml_edit would escape, or write as another kind of string, is left to it.
    let text = "[services.api]\nimage = \"ghcr.io/p/api:1.0\"\n";
    let span = slipway::source::Span::new(text.find('"').unwrap(), text.rfind('"').unwrap() + 1);
    assert!(slipway::edit::replace_string_at(text, span, "ghcr.io/p/api:2.0").is_some());
    for value in ["a b", "a\"b", "a\\b", "a'b", "é", "a\tb"] {
        assert_eq!(slipway::edit::replace_string_at(text, span, value), None, "{value:?}");
    }
    let triple = "[services.api]\nimage = \"\"\"ghcr.io/p/api:1.0\"\"\"\n";
    let span = slipway::source::Span::new(triple.find('"').unwrap(), triple.rfind('"').unwrap() + 1);
    assert_eq!(slipway::edit::replace_string_at(triple, span, "x:2"), None);
}
