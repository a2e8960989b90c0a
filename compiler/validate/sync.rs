//! Sync order: takes an environment's facts, gives every prerequisite that would not be delivered
//! before what needs it. The waves are computed to satisfy these (see `analysis`); this check holds the
//! waves to them, so a change to either that breaks the order fails here, naming the chain, instead of
//! deadlocking a sync.

use crate::analysis::Facts;
use crate::catalog::{self, Role};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolved::Backend;
use crate::source::Span;

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let wave = |name: &str| facts.waves.by_name.get(name).copied();
    let mut late = |what: String, needs: String, span: Span| {
        diagnostics.push(
            Diagnostic::error(Code::SyncOrder, format!("{what} would sync before {needs}"))
                .with_label(span, "waiting for it, this Application would never become healthy")
                .with_help("this is a fault in Slipway's sync waves: please report it with the platform"),
        );
    };
    // Everything that reads a secret Slipway delivers comes after the `secrets` Application.
    if let Some(secrets_wave) = facts.waves.secrets {
        // Who reads each secret comes from the analysis, by name: a service or a component.
        for (secret, readers) in &facts.secret_readers {
            let Some(declared) = env.secrets.get(*secret).filter(|it| it.backend.value != Backend::Existing) else {
                continue;
            };
            for (reader, _) in readers {
                let (name, what) = match (env.services.get(*reader), env.components.get(*reader)) {
                    (Some(service), _) => (&service.name, "service"),
                    (None, Some(component)) => (&component.name, "component"),
                    (None, None) => continue,
                };
                if wave(reader).is_some_and(|reader_wave| reader_wave <= secrets_wave) {
                    late(
                        format!("{what} `{}`", name.value),
                        format!("the secret `{}` it reads (the `secrets` Application)", declared.name.value),
                        name.span,
                    );
                }
            }
        }
        // The operators that deliver secrets come before the secrets.
        for component in env.components.values() {
            let delivers = catalog::kind_info(component.kind.value).role == Role::SecretOperator;
            if delivers && wave(&component.name.value).is_some_and(|it| it >= secrets_wave) {
                late(
                    "the `secrets` Application".to_owned(),
                    format!("`{}`, the operator that delivers them", component.name.value),
                    component.name.span,
                );
            }
        }
    }
    // What something `uses` comes before it, services after every component.
    for (name, targets) in &facts.graph {
        let Some(from) = wave(name) else { continue };
        for target in targets {
            let Some(to) = wave(&target.value) else { continue };
            let same_sort = env.components.contains_key(*name) == env.components.contains_key(target.value.as_str());
            if to > from || (to == from && same_sort) {
                late(format!("`{name}`"), format!("`{}`, which it uses", target.value), target.span);
            }
        }
    }
    let last_component = env.components.keys().filter_map(|name| wave(name)).max();
    // The plain manifests come after every component (a custom resource needs its operator's CRDs) and
    // before every service.
    if let Some(manifests) = facts.waves.manifests {
        for component in env.components.values() {
            if wave(&component.name.value).is_some_and(|it| it >= manifests) {
                late(
                    "the `manifests` Application".to_owned(),
                    format!("`{}`, whose resources they may need", component.name.value),
                    component.name.span,
                );
            }
        }
        for service in env.services.values() {
            if wave(&service.name.value).is_some_and(|it| it <= manifests) {
                late(format!("service `{}`", service.name.value), "the plain manifests".to_owned(), service.name.span);
            }
        }
    }
    for service in env.services.values() {
        if let (Some(service_wave), Some(last)) = (wave(&service.name.value), last_component)
            && service_wave <= last
        {
            late(format!("service `{}`", service.name.value), "the components".to_owned(), service.name.span);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;

    /// A platform whose service reads a delivered secret and uses a database that reads one too.
    const PLATFORM: &str = r#"
[platform]
name = "shop"
repo = "https://git.example.com/shop.git"

[secret_stores.vault]
provider = "vault"

[secrets.db]
backend = "external-secrets"
store = "vault"
keys = ["password", "url"]

[components.postgresql]
kind = "postgresql"
chart = { version = "15.5.20" }
credentials = { secret = "db", key = "password" }
resources = { requests = { memory = "256Mi", cpu = "100m" } }

[services.api]
image = "registry.example.com/shop/api:1.0.0"
runtime = "go"
uses = ["postgresql"]
env.DATABASE_URL = { secret = "db", key = "url" }

[environments.dev]
"#;

    fn problems(change: impl Fn(&mut crate::analysis::Facts<'_>)) -> Vec<String> {
        let source = crate::source::SourceFile::new("platform.toml", PLATFORM);
        let platform = crate::load::parse(&source).unwrap();
        let (envs, diagnostics) = crate::resolve::resolve(&platform, &source, &crate::load::Attachments::default());
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mut facts = crate::analysis::analyse(&envs[0]);
        change(&mut facts);
        let mut found = Vec::new();
        super::check(&facts, &mut found);
        assert!(found.iter().all(|it| it.code == Code::SyncOrder));
        found.into_iter().map(|it| it.message).collect()
    }

    #[test]
    fn the_computed_waves_keep_every_prerequisite_first() {
        assert_eq!(problems(|_| {}), Vec::<String>::new());
    }

    #[test]
    fn a_reader_in_the_secrets_wave_or_before_is_named() {
        let found = problems(|facts| {
            let secrets = facts.waves.secrets.unwrap();
            facts.waves.by_name.insert("postgresql", secrets);
        });
        assert_eq!(
            found,
            vec!["component `postgresql` would sync before the secret `db` it reads (the `secrets` Application)",]
        );
    }

    #[test]
    fn a_dependency_after_its_user_is_named() {
        let found = problems(|facts| {
            let api = facts.waves.by_name["api"];
            facts.waves.by_name.insert("postgresql", api + 1);
        });
        assert_eq!(
            found,
            vec![
                "`api` would sync before `postgresql`, which it uses".to_owned(),
                "service `api` would sync before the components".to_owned(),
            ]
        );
    }
}
