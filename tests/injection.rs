//! User text that becomes a script, a rule or an expression: database names in PostgreSQL's initdb
//! SQL, route paths and hosts in Traefik's rules, CORS origins that Kong reads as regular expressions.
//! Each is refused or escaped. (Secret properties as JMESPath are quoted: `render::secrets`' unit test.)

use std::collections::BTreeMap;

use serde_json::{Value, json};
use slipway::diagnostic::Code;
use slipway::source::SourceFile;

fn compile(text: &str) -> slipway::Compiled {
    slipway::compile(&SourceFile::new("platform.toml", text))
}

fn errors(text: &str) -> Vec<Code> {
    let compiled = compile(text);
    let codes: Vec<Code> = compiled.diagnostics.iter().filter(|it| it.is_error()).map(|it| it.code).collect();
    assert_eq!(codes.is_empty(), compiled.files.is_some(), "an invalid platform renders nothing");
    codes
}

/// The rendered objects of a valid platform, by path.
fn objects(text: &str) -> BTreeMap<String, Value> {
    assert_eq!(errors(text), vec![], "the platform must be valid");
    let source = SourceFile::new("platform.toml", text);
    let platform = slipway::load::parse(&source).unwrap();
    let (envs, _) = slipway::resolve::resolve(&platform, &source, &slipway::load::Attachments::default());
    envs.iter().flat_map(slipway::render::render).map(|manifest| (manifest.path.clone(), manifest.value())).collect()
}

const POSTGRESQL: &str = r#"[platform]
name = "shop"
repo = "https://git.example.com/shop/gitops.git"

[secrets.db-admin]
keys = ["postgres-password"]

[components.postgresql]
kind = "postgresql"
chart = { version = "15.5.20" }
namespace = "data"
resources = { requests = { memory = "256Mi", cpu = "100m" }, limits = { memory = "512Mi", cpu = "500m" } }
credentials = { secret = "db-admin", key = "postgres-password" }
"#;

#[test]
fn a_database_name_never_becomes_sql() {
    for name in [r#"x\"; DROP DATABASE keycloak; --"#, "order-items", "1orders", "", "orders;", "a b", "é"] {
        let platform = format!("{POSTGRESQL}databases = [\"{name}\"]\n\n[environments.dev]\n");
        assert_eq!(errors(&platform), vec![Code::InvalidDatabaseName], "{name}");
    }
    let objects = objects(&format!("{POSTGRESQL}databases = [\"orders\", \"Order_Items_2\"]\n\n[environments.dev]\n"));
    let application = &objects["dev/apps/application-dev-postgresql.yaml"];
    let values = &application["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(
        values["primary"]["initdb"]["scripts"]["init-databases.sql"],
        "CREATE DATABASE \"orders\";\nCREATE DATABASE \"Order_Items_2\";\n"
    );
}

const TRAEFIK: &str = r#"[platform]
name = "edge"
repo = "https://git.example.com/edge/gitops.git"

[components.traefik]
kind = "traefik"
chart = { version = "28.3.0" }
namespace = "ingress"
resources = { requests = { memory = "128Mi", cpu = "100m" } }

[services.web]
image = "registry.example.com/edge/web:1.2.0"
runtime = "node"

[environments.dev]
"#;

fn traefik(gateway: &str, routes: &str) -> String {
    TRAEFIK.replace(
        "[services.web]",
        &format!("[gateway]\nkind = \"traefik\"\n{gateway}\n[services.web]\nroutes = {routes}"),
    )
}

#[test]
fn a_traefik_rule_is_never_ended_by_a_path_or_a_host() {
    // Each would close the backtick-quoted literal and add a rule of its own.
    let path = r#"["/a`) || PathPrefix(`/"]"#;
    assert_eq!(errors(&traefik("", path)), vec![Code::InvalidRoutePath]);
    let host = r#"[{ path = "/a", host = "a.example.com`) || Host(`b.example.com" }]"#;
    assert_eq!(errors(&traefik("", host)), vec![Code::InvalidRouteHost]);
    let gateway_host = r#"host = "a.example.com`) || PathPrefix(`/""#;
    assert_eq!(errors(&traefik(gateway_host, r#"["/a"]"#)), vec![Code::InvalidRouteHost]);

    let objects = objects(&traefik("host = \"shop.example.com\"", r#"["/api/v1", "/users/@me"]"#));
    let route = &objects["dev/services/web/ingressroute-web.yaml"];
    assert_eq!(
        route["spec"]["routes"][0]["match"],
        "Host(`shop.example.com`) && (PathPrefix(`/api/v1`) || PathPrefix(`/users/@me`))"
    );
}

const KONG: &str = r#"[platform]
name = "edge"
repo = "https://git.example.com/edge/gitops.git"

[components.kong]
kind = "kong"
chart = { version = "2.33.0" }
namespace = "gateway"
resources = { requests = { memory = "256Mi", cpu = "100m" }, limits = { memory = "512Mi", cpu = "500m" } }

[gateway]
kind = "kong"
cors = { origins = ["https://app.example.com", "https://app_1.example.com", "https://*.example.com", "https://a.com|.*"] }

[services.web]
image = "registry.example.com/edge/web:1.2.0"
runtime = "node"
routes = ["/"]

[environments.dev]
"#;

#[test]
fn kong_matches_a_cors_origin_as_written_never_as_a_regular_expression() {
    let objects = objects(KONG);
    let plugin = objects.iter().find(|(path, _)| path.contains("kongplugin") && path.contains("cors")).unwrap().1;
    assert_eq!(
        plugin["config"]["origins"],
        json!([
            "https://app.example.com",
            "^https://app_1\\.example\\.com$",
            "^https://[A-Za-z0-9-]+\\.example\\.com$",
            "^https://a\\.com\\|\\.[A-Za-z0-9-]+$",
        ])
    );
}
