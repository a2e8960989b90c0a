//! Defaults per group of services and `unset`: what each service inherits, in the order defaults, the
//! environment's defaults, its group (and the environment's settings of that group), the service, and
//! the service's environment overlay; and what `unset` takes away at each step.

use slipway::diagnostic::Code;

const PLATFORM: &str = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secrets.db]
keys = ["password"]

[defaults.service]
namespace = "shop"
runtime = "node"
env.LOG_LEVEL = "info"
env.DB_PASSWORD = { secret = "db", key = "password" }
pod_labels = { team = "platform" }

[defaults.groups.frontend]
unset = ["env.DB_PASSWORD"]
runtime = "go"
env.API_URL = "https://api.shop.example.com"
pod_labels = { team = "web" }

[defaults.groups.backend]
replicas = 2

[services.web]
image = "registry.example.com/shop/web:1.0.0"
group = "frontend"
env.LOG_LEVEL = "warn"
replicas = 2

[services.orders]
image = "registry.example.com/shop/orders:1.0.0"
group = "backend"

[services.worker]
image = "registry.example.com/shop/worker:1.0.0"
autoscale = { min = 1, max = 3 }

[environments.dev]
defaults.groups.backend = { replicas = 1 }
services.orders = { unset = ["pod_labels"] }

[environments.production]
cluster = { server = "https://production.shop.example.com:6443" }
defaults.service = { env = { LOG_LEVEL = "error" } }
services.web = { unset = ["env.API_URL"] }
"#;

fn resolve(text: &str) -> (Vec<slipway::resolved::Env>, Vec<slipway::diagnostic::Diagnostic>) {
    let source = slipway::source::SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap_or_else(|it| panic!("{it:#?}"));
    slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default())
}

fn env_names(service: &slipway::resolved::Service) -> Vec<(&str, String)> {
    service
        .env
        .iter()
        .map(|variable| {
            let value = match &variable.value {
                slipway::resolved::EnvSource::Literal(text) => text.value.clone(),
                slipway::resolved::EnvSource::Secret { secret, key } => format!("{}/{}", secret.value, key.value),
            };
            (variable.name.value.as_str(), value)
        })
        .collect()
}

#[test]
fn services_inherit_defaults_then_their_group_then_their_own_then_the_environment() {
    let (envs, diagnostics) = resolve(PLATFORM);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let (dev, production) = (&envs[0], &envs[1]);
    assert_eq!(dev.name.value, "dev");

    let web = &dev.services["web"];
    assert_eq!(web.runtime, Some(slipway::model::Runtime::Go), "the group's runtime over the defaults'");
    assert_eq!(
        env_names(web),
        [("LOG_LEVEL", "warn".to_owned()), ("API_URL", "https://api.shop.example.com".to_owned())],
        "the frontend group drops the database password; the service's own value wins"
    );
    assert_eq!(
        web.pod_labels.iter().map(|(k, v)| (k.value.as_str(), v.value.as_str())).collect::<Vec<_>>(),
        [("team", "web")]
    );

    let orders = &dev.services["orders"];
    assert_eq!(orders.replicas.value, 1, "the environment's settings of the group over the group's");
    assert_eq!(env_names(orders), [("LOG_LEVEL", "info".to_owned()), ("DB_PASSWORD", "db/password".to_owned())]);
    assert!(orders.pod_labels.is_empty(), "unset in the environment overlay");
    assert_eq!(production.services["orders"].replicas.value, 2);
    assert_eq!(production.services["orders"].pod_labels.len(), 1);

    let worker = &dev.services["worker"];
    assert_eq!(worker.runtime, Some(slipway::model::Runtime::Node), "no group: the defaults alone");

    // The environment's defaults come before the group, so the service's own value still wins for web.
    assert_eq!(env_names(&production.services["web"]), [("LOG_LEVEL", "warn".to_owned())]);
    assert_eq!(env_names(&production.services["worker"])[0], ("LOG_LEVEL", "error".to_owned()));
}

#[test]
fn a_frontend_does_not_read_the_backends_secret() {
    let compiled = slipway::compile(&slipway::source::SourceFile::new("platform.toml", PLATFORM));
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    let files = compiled.files.unwrap();
    let web = &files["dev/services/web/deployment-web.yaml"];
    assert!(!web.contains("DB_PASSWORD"), "{web}");
    assert!(files["dev/services/orders/deployment-orders.yaml"].contains("DB_PASSWORD"));
}

#[test]
fn unset_of_what_is_not_inherited_is_located_in_every_layer() {
    let text = PLATFORM
        .replace(r#"services.web = { unset = ["env.API_URL"] }"#, r#"services.web = { unset = ["env.API_URI"] }"#);
    let (_, diagnostics) = resolve(&text);
    let found: Vec<_> = diagnostics.iter().filter(|it| it.code == Code::UnsetNotInherited).collect();
    assert_eq!(found.len(), 1, "{diagnostics:#?}");
    assert_eq!(found[0].help.as_deref(), Some("did you mean `env.API_URL`?"));
    let span = found[0].primary.as_ref().unwrap().span;
    assert_eq!(&text[span.start..span.end], "\"env.API_URI\"");
}

#[test]
fn unset_takes_only_keys_and_table_entries_of_a_service() {
    for (entry, help) in [("imgae", "`image`"), ("resources.limits", "`resources`"), ("ports.http", "`ports`")] {
        let text = PLATFORM.replace(r#"unset = ["pod_labels"]"#, &format!("unset = [\"{entry}\"]"));
        let source = slipway::source::SourceFile::new("platform.toml", text);
        let diagnostics = slipway::load::parse(&source).unwrap_err();
        assert_eq!(diagnostics[0].code, Code::WrongType, "{entry}: {diagnostics:#?}");
        assert!(diagnostics[0].help.as_deref().unwrap_or_default().contains(help), "{entry}: {diagnostics:#?}");
    }
}
