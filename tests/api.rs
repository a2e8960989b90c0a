//! The Rust API: a platform built in Rust compiles to exactly the files `build` writes for the same
//! platform in TOML.

#[path = "../examples/rust_platform.rs"]
mod rust_platform;

use crate::support;

#[test]
fn a_platform_built_in_rust_renders_like_its_toml() {
    let from_rust = slipway::compile_model(&rust_platform::platform(), "platform.toml");
    assert!(!from_rust.has_errors(), "{:#?}", from_rust.diagnostics);
    let toml = std::fs::read_to_string(support::fixture("valid/rust-platform.toml")).unwrap();
    let from_toml = slipway::compile(&slipway::source::SourceFile::new("platform/platform.toml", toml));
    assert_eq!(from_rust.files, from_toml.files);
}

#[test]
fn the_example_writes_the_files() {
    let dir = support::temp_dir("rust-example");
    let compiled = slipway::compile_model(&rust_platform::platform(), "platform.toml");
    let files = compiled.files.unwrap();
    slipway::emit::write(&dir, &files).unwrap();
    assert_eq!(support::read_tree(&dir), files);
}

/// The pull-request workflow through the library alone: every operation gives values and diagnostics,
/// prints nothing, and leaves the project as `slipway` would.
#[test]
fn the_workflow_runs_without_the_cli() {
    use slipway::workflow::{self, Base, Change, Error, NewService, Project};

    let dir = support::project("workflow-api", &support::fixture("edit/commented.toml"));
    let project = Project::at(&dir);
    let built = workflow::build(&project).unwrap();
    // Warnings come back with the compiled platform: this one's routes have no gateway (G006).
    let codes: Vec<&str> = built.compiled.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["G006"]);
    assert!(!built.written.comparison.added.is_empty() && built.schema_changed);
    let fresh = |project: &Project| {
        let (_, compiled) = project.compile().unwrap();
        workflow::compare(project, compiled.files.as_ref().unwrap()).unwrap()
    };
    assert!(fresh(&project).problems.is_empty(), "a build leaves out/ current");

    // set-image: an edit, made on the text, written only when applied.
    let edit = workflow::set_image(&project, "web", "1.4.1", None).unwrap();
    assert_eq!(
        edit.change,
        Change::Image {
            service: "web".to_owned(),
            environment: None,
            before: "registry.example.com/shop/web:1.4.0".to_owned(),
            after: "registry.example.com/shop/web:1.4.1".to_owned(),
        }
    );
    assert!(!std::fs::read_to_string(&project.platform).unwrap().contains("web:1.4.1"), "not written yet");
    edit.apply(&project, None).unwrap();
    assert!(std::fs::read_to_string(&project.platform).unwrap().contains("web:1.4.1\"   # bumped by CI"));
    let review = workflow::review(&project, Some("production"), Base::Out).unwrap();
    assert_eq!(review.summaries.len(), 1);
    assert!(review.changes.iter().any(|change| change.path == "production/services/web/deployment-web.yaml"));
    workflow::build(&project).unwrap();
    assert!(workflow::review(&project, None, Base::Out).unwrap().changes.is_empty());

    // promote: a branch into production is refused, as a value.
    match workflow::promote(&project, "dev", "production", &[]) {
        Err(Error::Refused(diagnostics)) => assert_eq!(diagnostics[0].code.as_str(), "Y001"),
        other => panic!("{other:?}"),
    }
    let promoted = workflow::promote(&project, "dev", "staging", &["web".to_owned()]).unwrap().unwrap();
    assert!(matches!(&promoted.change, Change::Promoted { images, .. } if images.len() == 1));
    // Applied through a write begun before it, as `slipway promote` does: the render is compared with
    // out/ as it is made, and only the files that differ are kept, and written.
    let writer = workflow::begin_write(&project).unwrap();
    let (_, mut compiled) = promoted.apply(&project, Some(writer.against())).unwrap();
    let written = workflow::finish_write(&project, writer, &mut compiled).unwrap();
    let changed: Vec<&String> = written.comparison.changed.iter().map(|(path, _)| path).collect();
    // The image, and the version label of the web service's objects.
    assert_eq!(
        changed,
        [
            "staging/services/web/deployment-web.yaml",
            "staging/services/web/service-web.yaml",
            "staging/services/web/serviceaccount-web.yaml"
        ]
    );
    assert_eq!(compiled.files.unwrap().keys().collect::<Vec<_>>(), changed);
    assert!(written.rendered > 10 && written.comparison.added.is_empty() && written.comparison.removed.is_empty());
    assert!(fresh(&project).problems.is_empty(), "the promotion is written");
    assert!(workflow::promote(&project, "dev", "staging", &["web".to_owned()]).unwrap().is_none(), "nothing left");

    // new service: refused names are usage errors; an invalid result is never written.
    let service = |name: &str, uses: &[&str]| NewService {
        name: name.to_owned(),
        runtime: slipway::model::Runtime::Go,
        routes: Vec::new(),
        uses: uses.iter().map(|it| (*it).to_owned()).collect(),
    };
    assert!(matches!(workflow::new_service(&project, &service("web", &[])), Err(Error::Usage(_))));
    let before = std::fs::read_to_string(&project.platform).unwrap();
    let broken = workflow::new_service(&project, &service("billing", &["nothing"])).unwrap();
    match broken.apply(&project, None) {
        Err(Error::WouldBreak { diagnostics, .. }) => {
            assert!(diagnostics.iter().any(|d| d.is_error() && d.code.as_str() == "R003"), "{diagnostics:#?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&project.platform).unwrap(), before);
    workflow::new_service(&project, &service("billing", &["api"])).unwrap().apply(&project, None).unwrap();
    workflow::build(&project).unwrap();
    assert!(dir.join("out/dev/services/billing/deployment-billing.yaml").exists());
    assert!(fresh(&project).problems.is_empty());

    // Unknown names are usage errors with a suggestion, before anything is read or written.
    match workflow::set_image(&project, "wbe", "1.0.0", None) {
        Err(error @ Error::Usage(_)) => {
            assert_eq!(error.to_string(), "there is no service `wbe`");
            let Error::Usage(diagnostic) = error else { unreachable!() };
            assert_eq!(diagnostic.help.as_deref(), Some("did you mean `web`?"));
        }
        other => panic!("{other:?}"),
    }
    let graph = workflow::graph(&project, Some("dev"), workflow::GraphFormat::Dot).unwrap();
    assert!(graph.text.contains("\"billing\" -> \"api\""), "{}", graph.text);
    let budgets = workflow::budget(&project, Some("staging")).unwrap();
    assert_eq!(budgets.tables.len(), 1);
}
