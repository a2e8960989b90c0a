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
fn a_first_check_summarises_instead_of_printing_the_whole_render() {
    let dir = support::project("first-check", &support::fixture("valid/small.toml"));
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr.matches("error[O001]").count(), 1, "{}", check.stderr);
    assert!(check.stderr.contains("error[O001]: `out` is stale: 41 files missing\n"), "{}", check.stderr);
    assert!(
        check.stderr.contains("= note: missing: `out/dev/README.md`, `out/dev/apps/application-dev-catalog.yaml`, `out/dev/apps/application-dev-orders.yaml`, and 38 more\n"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("run `slipway build`"), "{}", check.stderr);
    assert_eq!(
        check.stdout,
        "(the diff of 41 files is not shown: `slipway check --diff` prints it, `slipway diff` summarises it)\n"
    );
    let full = support::slipway(&dir, &["check", "--diff"]);
    assert_eq!(full.code, 1);
    assert_eq!(full.stdout.matches("\n+++ b/").count(), 41, "every file (the schema is missing, not different)");
    assert_eq!(full.stderr, check.stderr, "--diff changes only what goes to stdout");
}

#[test]
fn a_very_stale_out_is_counted_by_state() {
    let dir = built_project("very-stale");
    let platform = dir.join("platform/platform.toml");
    // `dev` becomes `qa`: every file of dev is no longer generated, every file of qa missing; and prod's
    // catalog changes.
    let text = std::fs::read_to_string(&platform).unwrap().replace("[environments.dev]", "[environments.qa]");
    std::fs::write(&platform, text.replace("replicas = 3", "replicas = 4")).unwrap();
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.contains(
            "error[O001]: `out` is stale: 20 files missing, 3 different from a fresh render, 20 no longer generated\n"
        ),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("= note: no longer generated: `out/dev/README.md`,"), "{}", check.stderr);
    assert!(check.stdout.starts_with("(the diff of 43 files is not shown"), "{}", check.stdout);
}

#[test]
fn many_hand_written_files_are_named_a_few_at_a_time() {
    let dir = built_project("many-unmanaged");
    for index in 0..30 {
        std::fs::write(dir.join(format!("out/dev/extra-{index:02}.yaml")), "kind: ConfigMap\n").unwrap();
    }
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr.matches("error[O002]").count(), 6, "{}", check.stderr);
    assert!(check.stderr.contains("error[O002]: and 25 more files not generated by slipway\n"), "{}", check.stderr);
    let build = support::slipway(&dir, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(build.stderr.matches("warning[O002]").count(), 6, "{}", build.stderr);
}

/// Every argument, option and subcommand of every command says what it is for in `--help`.
#[test]
fn every_argument_has_help_text() {
    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let path = format!("{path} {}", command.get_name());
        if command.get_about().is_none() && path.trim() != "slipway" {
            missing.push(format!("{path} (the command)"));
        }
        for argument in command.get_arguments() {
            let id = argument.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if argument.get_help().is_none() && argument.get_long_help().is_none() {
                missing.push(format!("{path}: {id}"));
            }
            // Flags take no value, so their `true` and `false` need no words.
            let values = if argument.get_action().takes_values() { argument.get_possible_values() } else { Vec::new() };
            for value in values {
                if value.get_help().is_none() && !value.is_hide_set() {
                    missing.push(format!("{path}: {id}={}", value.get_name()));
                }
            }
        }
        for subcommand in command.get_subcommands() {
            if subcommand.get_name() != "help" {
                walk(subcommand, &path, missing);
            }
        }
    }
    let command = slipway::cli::command();
    let mut missing = Vec::new();
    walk(&command, "", &mut missing);
    assert!(missing.is_empty(), "without help text: {missing:#?}");

    // And the help shows it, for the arguments the issue found bare.
    let help = support::slipway(Path::new("."), &["set-image", "--help"]);
    assert_eq!(help.code, 0);
    let described = |argument: &str| {
        let mut lines = help.stdout.lines().skip_while(|line| line.trim() != argument);
        lines.next().is_some() && lines.next().is_some_and(|line| !line.trim().is_empty())
    };
    for argument in ["<SERVICE>", "<TAG>", "--env <ENV>"] {
        assert!(described(argument), "{argument} has no help in {}", help.stdout);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Messages: located, bounded, and honest about what they echo

/// A project whose platform file holds `bytes`.
fn project_with_bytes(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = support::temp_dir(name);
    std::fs::create_dir_all(dir.join("platform")).unwrap();
    std::fs::write(dir.join("platform/platform.toml"), bytes).unwrap();
    dir
}

fn small_text() -> String {
    std::fs::read_to_string(support::fixture("valid/small.toml")).unwrap()
}

#[test]
fn invalid_utf8_is_located_at_its_first_bad_byte() {
    let mut bytes = small_text().replace("name = \"shop\"", "name = \"sh\u{7f}op\"").into_bytes();
    let at = bytes.iter().position(|byte| *byte == 0x7f).unwrap();
    bytes[at] = 0xE9;
    let dir = project_with_bytes("invalid-utf8", &bytes);
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1, "a mistake in the file, not an I/O error");
    assert!(check.stderr.starts_with("error[P001]: the platform file is not valid UTF-8\n"), "{}", check.stderr);
    assert!(check.stderr.contains(" --> platform/platform.toml:5:11\n"), "{}", check.stderr);
    assert!(check.stderr.contains("byte 0xE9 is not UTF-8"), "{}", check.stderr);
    let github = support::slipway(&dir, &["check", "--format", "github"]);
    assert_eq!(github.code, 1);
    assert!(
        github.stdout.starts_with("::error file=platform/platform.toml,line=5,col=11,"),
        "something to show in the pull request: {}",
        github.stdout
    );
}

#[test]
fn a_huge_name_is_echoed_briefly() {
    let name = "c".repeat(2 << 20);
    let text = small_text().replace("[services.catalog]", &format!("[services.{name}]"));
    let dir = project_with_bytes("huge-name", text.as_bytes());
    let started = std::time::Instant::now();
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.len() + check.stderr.len() < 16 * 1024, "{} bytes", check.stderr.len());
    assert!(check.stderr.contains(&format!("`{}… (2097152 characters)`", "c".repeat(79))), "{}", check.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "took {:?}", started.elapsed());
    let json = support::slipway(&dir, &["check", "--format", "json"]);
    assert!(json.stdout.len() < 16 * 1024, "{} bytes of JSON", json.stdout.len());
}

#[test]
fn a_key_with_too_many_parts_is_located_at_the_key() {
    let key: Vec<String> = (0..100).map(|index| format!("k{index}")).collect();
    let text = small_text().replace("[environments.dev]", &format!("{} = 1\n[environments.dev]", key.join(".")));
    let dir = project_with_bytes("deep-key", text.as_bytes());
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stderr.starts_with(
            "error[P001]: invalid TOML: a dotted key of more than 80 parts\n  --> platform/platform.toml:51:1\n"
        ),
        "{}",
        check.stderr
    );
}

#[test]
fn a_letter_that_only_looks_ascii_is_named() {
    let quoted = small_text().replace("runtime = \"go\"", "\"runtim\u{0435}\" = \"go\"");
    let dir = project_with_bytes("lookalike-quoted", quoted.as_bytes());
    let check = support::slipway(&dir, &["check"]);
    assert!(
        check.stderr.contains(
            "= help: `\u{0435}` (U+0435 CYRILLIC SMALL LETTER IE) is not ASCII: write `runtime` in ASCII letters"
        ),
        "{}",
        check.stderr
    );
    assert!(!check.stderr.contains("did you mean `runtime`"), "{}", check.stderr);
    let bare = small_text().replace("runtime = \"go\"", "runtim\u{0435} = \"go\"");
    let dir = project_with_bytes("lookalike-bare", bare.as_bytes());
    let check = support::slipway(&dir, &["check"]);
    assert!(
        check.stderr.contains("(U+0435 CYRILLIC SMALL LETTER IE) is not ASCII: bare keys take"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    let text = format!("\u{FEFF}imgae = 1\n{}", small_text());
    let dir = project_with_bytes("byte-order-mark", text.as_bytes());
    let check = support::slipway(&dir, &["check", "--format", "github"]);
    assert!(check.stdout.starts_with("::error file=platform/platform.toml,line=1,col=1,"), "{}", check.stdout);
}

#[test]
fn thousands_of_mistakes_show_the_first_fifty() {
    let mut text = small_text();
    for index in 0..500 {
        text.push_str(&format!("services.missing-{index} = {{ replicas = 1 }}\n"));
    }
    let dir = project_with_bytes("many-mistakes", text.as_bytes());
    let check = support::slipway(&dir, &["check"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr.matches("error[R001]").count(), 50);
    assert!(check.stderr.contains("note: 450 more diagnostics not shown; `--format json` prints them all\n"));
    assert!(check.stderr.ends_with("error: platform/platform.toml has 500 errors; nothing was rendered\n"));
    let json = support::slipway(&dir, &["check", "--format", "json"]);
    assert_eq!(json.stdout.lines().count(), 500, "JSON, for programs, has them all");
}
