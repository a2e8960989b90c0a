//! The budget of the shipped platform: it fits, and it stops fitting when dev runs six replicas of
//! every service, with the numbers to show why.

use slipway::diagnostic::{Code, Format};

use crate::support;

#[test]
fn the_shipped_platform_fits_every_environment() {
    let compiled = slipway::compile(&support::source(&support::root().join("platform/platform.toml")));
    let budget_problems: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code.as_str().starts_with('B')).collect();
    assert!(budget_problems.is_empty(), "{budget_problems:#?}");
}

#[test]
fn six_replicas_of_every_service_overflow_dev() {
    let path = support::root().join("platform/platform.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("[environments.dev]\n", "[environments.dev]\ndefaults.service.replicas = 6\n");
    let source = slipway::source::SourceFile::new("platform/platform.toml", text);
    let compiled = slipway::compile(&source);
    let overflow: Vec<_> = compiled.diagnostics.iter().filter(|d| d.code == Code::BudgetOverflow).collect();
    assert_eq!(overflow.len(), 1, "{:#?}", compiled.diagnostics);
    assert_eq!(overflow[0].environments, vec!["dev".to_owned()]);
    // 13 services × 6 × 256Mi = 19.5Gi, 2 surge pods of the largest, ArgoCD's 512Mi and 2.06Gi of components
    // (Kong's ingress-controller sidecar included), on 12Gi.
    assert_eq!(overflow[0].notes[0], "demand: 22.56Gi memory of 12Gi and 9.85 CPU of 7 requested, 89 pods");
    let rendered = slipway::diagnostic::render(&compiled.diagnostics, Some(&source), Format::Human { color: false });
    support::settings().bind(|| insta::assert_snapshot!("budget-six-replicas", rendered));
}
