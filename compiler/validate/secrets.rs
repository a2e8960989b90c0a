//! Secrets: every secret reference (env, env_from, image pull secrets) names a declared secret and key;
//! declared secrets and keys are used somewhere; SealedSecret files match and carry only ciphertext; and
//! no string that reaches `out/` holds a credential.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::analysis::Facts;
use serde_json::Value;

use super::credentials::{self, Finding};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::k8s_rules::LAST_APPLIED;
use crate::resolved;
use crate::source::{Span, Spanned};

pub(super) fn check(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    backends(facts, diagnostics);
    leaks(env, diagnostics);
    for service in env.services.values() {
        for variable in &service.env {
            if let resolved::EnvSource::Secret { secret, key } = &variable.value {
                reference(env, secret, Some(key), diagnostics);
            }
        }
        for source in &service.env_from {
            if let resolved::EnvFrom::Secret(secret) = &source.value {
                reference(env, secret, None, diagnostics);
            }
        }
        for secret in &service.image_pull_secrets {
            reference(env, secret, None, diagnostics);
        }
    }
    for component in env.components.values() {
        if let Some(credentials) = &component.credentials {
            reference(env, &credentials.value.secret, Some(&credentials.value.key), diagnostics);
        }
        for secret in &component.secrets {
            reference(env, secret, None, diagnostics);
        }
    }
}

const ARGUMENT_HELP: &str = "give the service the credential from a secret, `env.DB_PASSWORD = { secret = \"...\", key = \"...\" }`, and write `$(DB_PASSWORD)` in the argument: Kubernetes expands it when the container starts";
const CONFIG_HELP: &str = "give the service the credential from a secret, `env.DB_PASSWORD = { secret = \"...\", key = \"...\" }`, and write `$${DB_PASSWORD}` in the text: Slipway writes `${DB_PASSWORD}`, which Spring and most configuration loaders read from the environment";
const ANNOTATION_HELP: &str = "annotations are committed in out/ and readable by anyone who can read the pod: give the pod the credential from a declared secret (for Vault, the agent's Kubernetes auth `role`, never a token)";
const VALUES_HELP: &str = "give the component `credentials = { secret = \"...\", key = \"...\" }`, or point the chart at a Secret (its `existingSecret`, or `valueFrom.secretKeyRef` in an env entry) and list it in the component's `secrets`";
const REALM_HELP: &str = "keep it out of the realm import: write `$(env:NAME)` and give keycloak-config-cli that variable from a declared secret (its variable substitution), or set it in Keycloak";
const CLIENT_SECRET_HELP: &str = "remove it: Keycloak generates a confidential client's secret; or import it as `$(env:NAME)` with that variable from a declared secret (keycloak-config-cli's variable substitution)";
const OTHER_HELP: &str =
    "Slipway writes this value into out/ as it is; keep the credential in a declared secret and reference it";

/// Every string the environment writes into `out/`, looked at by key name, by `name`/`value` pairs, by
/// token format and by the assignments in text (see `credentials`). A finding is located at the value
/// when the value has a span, else at the nearest thing that has one, with the path in the message.
fn leaks(env: &resolved::Env, diagnostics: &mut Vec<Diagnostic>) {
    let mut scan = Scan { diagnostics };
    let platform = &env.platform.name;
    scan.text(platform.span, &|| "the platform's `repo`".to_owned(), &env.platform.repo, OTHER_HELP);
    scan.text(platform.span, &|| "the platform's `revision`".to_owned(), &env.platform.revision, OTHER_HELP);
    scan.text(
        env.cluster.span.unwrap_or(env.name.span),
        &|| "the cluster's `server`".to_owned(),
        &env.cluster.server,
        OTHER_HELP,
    );
    for service in env.services.values() {
        services(&mut scan, service);
    }
    for component in env.components.values() {
        let name = &component.name.value;
        let at = (component.name.span, "its `values` hold it in plain text, rendered into out/");
        scan.json(at, &|path| format!("chart value `{path}` of `{name}`"), &component.values, VALUES_HELP);
        if let Some(external) = &component.external {
            scan.text(external.host.span, &|| format!("the external host of `{name}`"), &external.host, OTHER_HELP);
        }
    }
    if let Some(identity) = &env.identity {
        identity_leaks(&mut scan, identity);
    }
    if let Some(gateway) = &env.gateway {
        let gateway_span = gateway.kind.span;
        let cors = gateway.cors.iter().flat_map(|cors| {
            [&cors.origins, &cors.methods, &cors.headers, &cors.exposed_headers].into_iter().flatten().flatten()
        });
        for text in cors.chain(&gateway.jwt_key_claim) {
            scan.text(gateway_span, &|| "the gateway's `cors` or `jwt`".to_owned(), text, OTHER_HELP);
        }
    }
    for secret in env.secrets.values() {
        let name = &secret.name.value;
        let remotes = secret
            .objects
            .iter()
            .flat_map(|object| std::iter::once(&object.remote).chain(object.keys.iter().map(|(_, property)| property)));
        let texts = [secret.role_arn.as_ref(), Some(&secret.mount_path)];
        for text in texts.into_iter().flatten().chain(remotes) {
            scan.text(secret.name.span, &|| format!("the settings of secret `{name}`"), text, OTHER_HELP);
        }
        sealed_leaks(&mut scan, secret);
    }
    for (name, settings) in env.namespaces.values() {
        if let Some(reason) = &settings.reason {
            scan.text(name.span, &|| format!("the `reason` of namespace `{}`", name.value), reason, OTHER_HELP);
        }
    }
}

fn services(scan: &mut Scan<'_>, service: &resolved::Service) {
    let name = &service.name.value;
    let at = service.name.span;
    scan.text(service.image.span, &|| format!("the image of `{name}`"), &service.image, OTHER_HELP);
    for variable in &service.env {
        if let resolved::EnvSource::Literal(value) = &variable.value {
            let key = &variable.name.value;
            if let Some(finding) = credentials::keyed(key, value, credentials::credential_name) {
                let help = format!(
                    "move it into `[secrets]` and reference it: `{key} = {{ secret = \"...\", key = \"...\" }}`"
                );
                scan.report(value.span, &format!("`{key}`"), itself(finding, key), &help);
            }
        }
    }
    for (key, value) in &service.config {
        let key = &key.value;
        scan.keyed(value.span, &|| format!("`{key}`"), key, value, credentials::credential_name, CONFIG_HELP);
    }
    scan.arguments(&service.command, &|| format!("the command of `{name}`"));
    scan.arguments(&service.args, &|| format!("an argument of `{name}`"));
    for probe in [&service.liveness, &service.readiness, &service.startup].into_iter().flatten() {
        match &probe.action {
            resolved::ProbeAction::Exec { command } => {
                let command: Vec<Spanned<String>> =
                    command.iter().map(|it| Spanned::new(it.clone(), probe.span)).collect();
                scan.arguments(&command, &|| format!("an exec probe of `{name}`"));
            }
            resolved::ProbeAction::Http { path, .. } => {
                scan.text(probe.span, &|| format!("a probe path of `{name}`"), path, OTHER_HELP);
            }
            resolved::ProbeAction::Tcp { .. } => {}
        }
    }
    let annotations = [
        ("pod annotation", &service.pod_annotations),
        ("service account annotation", &service.service_account.annotations),
    ];
    for (what, annotations) in annotations {
        for (key, value) in annotations {
            let key = &key.value;
            scan.keyed(
                value.span,
                &|| format!("{what} `{key}` of `{name}`"),
                key,
                value,
                credentials::credential_field,
                ANNOTATION_HELP,
            );
        }
    }
    for (what, map) in [("pod label", &service.pod_labels), ("node selector", &service.node_selector)] {
        for (key, value) in map {
            let key = &key.value;
            scan.text(value.span, &|| format!("{what} `{key}` of `{name}`"), value, OTHER_HELP);
        }
    }
    for toleration in &service.tolerations {
        for text in [&toleration.value.key, &toleration.value.value].into_iter().flatten() {
            scan.text(text.span, &|| format!("a toleration of `{name}`"), text, OTHER_HELP);
        }
    }
    if let Some(metrics) = &service.metrics {
        scan.text(at, &|| format!("the metrics path of `{name}`"), &metrics.path, OTHER_HELP);
    }
}

fn identity_leaks(scan: &mut Scan<'_>, identity: &resolved::Identity) {
    let realm = &identity.realm;
    let at = (realm.span, "its `settings` hold it in plain text, rendered into out/");
    scan.json(at, &|path| format!("realm setting `{path}`"), &identity.settings, REALM_HELP);
    for role in &identity.roles {
        scan.text(realm.span, &|| format!("a role of realm `{}`", realm.value), role, OTHER_HELP);
    }
    for client in &identity.clients {
        let id = &client.id.value;
        for uri in client.redirect_uris.iter().chain(&client.web_origins) {
            scan.text(uri.span, &|| format!("a URI of client `{id}`"), uri, OTHER_HELP);
        }
        for (key, value) in &client.attributes {
            let help = if credentials::credential_field(key) { CLIENT_SECRET_HELP } else { OTHER_HELP };
            scan.keyed(
                value.span,
                &|| format!("attribute `{key}` of client `{id}`"),
                key,
                value,
                credentials::credential_field,
                help,
            );
        }
        for mapper in &client.mappers {
            for text in [&mapper.name, &mapper.claim, &mapper.attribute] {
                scan.text(client.id.span, &|| format!("a mapper of client `{id}`"), text, OTHER_HELP);
            }
        }
    }
}

/// A SealedSecret's labels and annotations are copied into out/ (see `render::secrets::sealed`); the
/// last-applied annotation is not, and S010 looks at it.
fn sealed_leaks(scan: &mut Scan<'_>, secret: &resolved::Secret) {
    let Some((path, Ok(text))) = &secret.sealed else { return };
    let Ok(object) = crate::yaml_reader::one_object(text) else { return };
    let name = &secret.name.value;
    let at = (secret.name.span, "its SealedSecret file holds it in plain text, copied into out/");
    for (field, metadata) in
        [("metadata", &object["metadata"]), ("spec.template.metadata", &object["spec"]["template"]["metadata"])]
    {
        let mut copied = metadata.as_object().cloned().unwrap_or_default();
        copied.retain(|key, _| key == "labels" || key == "annotations");
        if let Some(Value::Object(annotations)) = copied.get_mut("annotations") {
            annotations.remove(LAST_APPLIED);
        }
        scan.json(
            at,
            &|inner| format!("`{field}.{inner}` of the SealedSecret of `{name}` (`{path}`)"),
            &copied,
            OTHER_HELP,
        );
    }
}

/// The credentials in a plain manifest's object (S005), each message naming the path inside it; the
/// caller locates them in the manifest's file.
pub(super) fn object_leaks(object: &serde_json::Map<String, Value>, what: &dyn Fn(&str) -> String) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut scan = Scan { diagnostics: &mut diagnostics };
    let help = "keep the credential in a declared secret (`[secrets]`) and reference it from the object";
    scan.json((Span::default(), "here"), what, object, help);
    for diagnostic in &mut diagnostics {
        diagnostic.primary = None;
    }
    diagnostics
}

/// Reports what `credentials` finds, never repeating the value.
struct Scan<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Scan<'_> {
    fn report(&mut self, span: Span, what: &str, finding: Finding, help: &str) {
        self.report_at(span, "committed in plain text, and rendered into out/", what, finding, help);
    }

    fn report_at(&mut self, span: Span, label: &str, what: &str, finding: Finding, help: &str) {
        let message = match finding {
            Finding::Named(key) if key.is_empty() || what == format!("`{key}`") => {
                format!("{what} holds a literal credential")
            }
            Finding::Named(key) => format!("{what} holds a literal credential in `{key}`"),
            Finding::UrlPassword => format!("{what} holds a URL with a password in it"),
            Finding::Token(kind) => format!("{what} holds {kind}"),
        };
        self.diagnostics
            .push(Diagnostic::error(Code::CredentialLiteral, message).with_label(span, label).with_help(help));
    }

    /// A string under a name, judged by `named` (names of environment variables or of fields).
    fn keyed(
        &mut self,
        span: Span,
        what: &dyn Fn() -> String,
        key: &str,
        value: &str,
        named: fn(&str) -> bool,
        help: &str,
    ) {
        if let Some(finding) = credentials::keyed(key, value, named) {
            self.report(span, &what(), itself(finding, key), help);
        }
    }

    fn text(&mut self, span: Span, what: &dyn Fn() -> String, value: &str, help: &str) {
        if let Some(finding) = credentials::text(value) {
            self.report(span, &what(), finding, help);
        }
    }

    /// A command or arguments: each item as text, and a flag named like a credential followed by its
    /// value as a separate item (`["--db-password", "hunter2"]`).
    fn arguments(&mut self, items: &[Spanned<String>], what: &dyn Fn() -> String) {
        for (index, item) in items.iter().enumerate() {
            let flag = item.value.starts_with("--") && !item.contains('=');
            let next = items.get(index + 1).filter(|next| !next.starts_with('-'));
            match next {
                Some(next) if flag => {
                    if let Some(finding) = credentials::keyed(&item.value, next, credentials::credential_name) {
                        self.report(next.span, &what(), finding, ARGUMENT_HELP);
                    }
                }
                _ => self.text(item.span, what, item, ARGUMENT_HELP),
            }
        }
    }

    /// Free-form values (chart values, realm settings) carry no spans: `span` is their owner's, and the
    /// message names the path inside them.
    fn json(
        &mut self,
        at: (Span, &str),
        what: &dyn Fn(&str) -> String,
        values: &serde_json::Map<String, Value>,
        help: &str,
    ) {
        let mut path = String::new();
        for (key, value) in values {
            self.json_value(at, what, &mut path, Some(key), value, help);
        }
    }

    fn json_value(
        &mut self,
        at: (Span, &str),
        what: &dyn Fn(&str) -> String,
        path: &mut String,
        key: Option<&str>,
        value: &Value,
        help: &str,
    ) {
        let length = path.len();
        if let Some(key) = key {
            let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let dot = if path.is_empty() { "" } else { "." };
            if plain {
                let _ = write!(path, "{dot}{key}");
            } else {
                let _ = write!(path, "{dot}{key:?}");
            }
        }
        match value {
            Value::String(text) => {
                let finding = match key {
                    Some(key) => credentials::keyed(key, text, credentials::credential_field).map(|it| itself(it, key)),
                    None => credentials::text(text),
                };
                if let Some(finding) = finding {
                    self.report_at(at.0, at.1, &what(path), finding, help);
                }
            }
            Value::Object(object) => {
                for (key, value) in object {
                    self.json_value(at, what, path, Some(key), value, help);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let length = path.len();
                    let _ = write!(path, "[{index}]");
                    if let Some((name, text)) = name_value_pair(item) {
                        // `{ name = "RABBITMQ_DEFAULT_PASS", value = "..." }`: an environment variable.
                        if let Some(finding) = credentials::keyed(name, text, credentials::credential_name) {
                            path.push_str(".value");
                            self.report_at(at.0, at.1, &what(path), finding, help);
                            path.truncate(length);
                            continue;
                        }
                    }
                    self.json_value(at, what, path, None, item, help);
                    path.truncate(length);
                }
            }
            _ => {}
        }
        path.truncate(length);
    }
}

/// A finding about the key the value is written under says so by an empty name: the message then
/// names the key once, as the place.
fn itself(finding: Finding, key: &str) -> Finding {
    match finding {
        Finding::Named(name) if name == key => Finding::Named(String::new()),
        finding => finding,
    }
}

/// An object of an array that pairs a `name` (or `key`) with a string `value`: an environment variable,
/// a setting.
fn name_value_pair(item: &Value) -> Option<(&str, &str)> {
    let name = item.get("name").or_else(|| item.get("key"))?.as_str()?;
    Some((name, item.get("value")?.as_str()?))
}

fn reference(
    env: &resolved::Env,
    secret: &Spanned<String>,
    key: Option<&Spanned<String>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(declared) = env.secrets.get(secret.value.as_str()) else {
        let help = did_you_mean(secret, env.secrets.keys().map(String::as_str))
            .unwrap_or_else(|| format!("declare it: `[secrets.{}]` with its `keys`", secret.value));
        diagnostics.push(
            Diagnostic::error(Code::UndeclaredSecret, format!("secret `{}` is not declared", secret.value))
                .with_label(secret.span, "not declared in [secrets]")
                .with_help(help),
        );
        return;
    };
    let Some(key) = key else { return };
    if !declared.keys.iter().any(|declared| declared.value == key.value) {
        let help = did_you_mean(key, declared.keys.iter().map(|key| key.value.as_str()))
            .unwrap_or_else(|| format!("add `{}` to the `keys` of `[secrets.{}]`", key.value, secret.value));
        diagnostics.push(
            Diagnostic::error(
                Code::UndeclaredSecretKey,
                format!("secret `{}` has no key `{}`", secret.value, key.value),
            )
            .with_label(key.span, "not among the secret's keys")
            .with_secondary(declared.name.span, "secret declared here")
            .with_help(help),
        );
    }
}

/// Declared secrets and keys that nothing in any environment uses; warnings, reported once.
pub(super) fn unused(envs: &[resolved::Env], diagnostics: &mut Vec<Diagnostic>) {
    let mut whole: BTreeSet<&str> = BTreeSet::new();
    let mut keys: BTreeSet<(&str, &str)> = BTreeSet::new();
    for service in envs.iter().flat_map(|env| env.services.values()) {
        for variable in &service.env {
            if let resolved::EnvSource::Secret { secret, key } = &variable.value {
                keys.insert((secret, key));
            }
        }
        for source in &service.env_from {
            if let resolved::EnvFrom::Secret(secret) = &source.value {
                whole.insert(secret);
            }
        }
        whole.extend(service.image_pull_secrets.iter().map(|secret| secret.value.as_str()));
    }
    for component in envs.iter().flat_map(|env| env.components.values()) {
        if let Some(credentials) = &component.credentials {
            keys.insert((&credentials.value.secret, &credentials.value.key));
            // The chart reads its other generated values from the same secret (see `catalog`).
            for (key, _) in crate::catalog::credential_keys(component) {
                keys.insert((&credentials.value.secret, key));
            }
            for key in crate::catalog::fixed_credential_keys(component.kind.value) {
                keys.insert((&credentials.value.secret, key));
            }
        }
        whole.extend(component.secrets.iter().map(|secret| secret.value.as_str()));
    }
    for gateway in envs.iter().flat_map(|env| env.gateway.iter()) {
        whole.extend(gateway.jwt_consumers.iter().map(|(_, secret)| secret.value.as_str()));
        whole.extend(gateway.tls.iter().filter_map(|tls| Some(tls.secret.as_ref()?.value.as_str())));
    }
    // Each environment may declare secrets and keys of its own: every declaration is looked at, once.
    let mut seen: BTreeSet<(Span, &str)> = BTreeSet::new();
    for secret in envs.iter().flat_map(|env| env.secrets.values()) {
        let name = secret.name.value.as_str();
        if whole.contains(name) {
            continue;
        }
        // The first pair at or after `(name, "")` is one of this secret's if any is (a scan of every
        // pair per secret was quadratic).
        if keys.range((name, "")..).next().is_none_or(|(used, _)| *used != name) {
            if seen.insert((secret.name.span, name)) {
                diagnostics.push(
                    Diagnostic::warning(Code::UnusedSecret, format!("secret `{name}` is used by no service"))
                        .with_label(secret.name.span, "declared but never referenced")
                        .with_help("remove it, or reference it where it is needed"),
                );
            }
            continue;
        }
        for key in &secret.keys {
            if !keys.contains(&(name, key.value.as_str())) && seen.insert((key.span, &key.value)) {
                diagnostics.push(
                    Diagnostic::warning(
                        Code::UnusedSecretKey,
                        format!("key `{}` of secret `{name}` is used by no service", key.value),
                    )
                    .with_label(key.span, "declared but never referenced")
                    .with_help("remove the key, or reference it"),
                );
            }
        }
    }
}

/// Each backend has what it needs, and can deliver the secret where it is used.
fn backends(facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let env = facts.env;
    let used_in = &facts.secret_namespaces;
    for secret in env.secrets.values() {
        objects(secret, diagnostics);
        match secret.backend.value {
            resolved::Backend::ExternalSecrets => match &secret.store {
                Some(store) if env.secret_stores.contains_key(&store.value) => {}
                Some(store) => diagnostics.push(
                    Diagnostic::error(
                        Code::UndeclaredSecretStore,
                        format!("secret store `{}` is not declared", store.value),
                    )
                    .with_label(store.span, "not declared in [secret_stores]")
                    .with_help(
                        did_you_mean(store, env.secret_stores.keys().map(String::as_str)).unwrap_or_else(|| {
                            format!("declare it: `[secret_stores.{}]` with its `kind` and `provider`", store.value)
                        }),
                    ),
                ),
                None => diagnostics.push(
                    Diagnostic::error(
                        Code::UndeclaredSecretStore,
                        format!("secret `{}` names no store", secret.name.value),
                    )
                    .with_label(secret.backend.span, "external-secrets needs a store to read from")
                    .with_help("add `store = \"...\"`, naming a `[secret_stores]` entry"),
                ),
            },
            resolved::Backend::AwsSecretsManager if secret.region.is_none() => diagnostics.push(
                Diagnostic::error(
                    Code::IncompleteSecretBackend,
                    format!("secret `{}` has no AWS `region`", secret.name.value),
                )
                .with_label(secret.backend.span, "aws-secrets-manager needs a region")
                .with_help("add `region = \"us-east-1\"` (or the secret's region)"),
            ),
            resolved::Backend::SealedSecrets => {
                let namespaces = used_in.get(secret.name.value.as_str()).cloned().unwrap_or_default();
                sealed(secret, &namespaces, diagnostics);
            }
            _ => {}
        }
    }
}

/// The remote secrets a secret is made of (`objects`): only backends that read a remote store take them,
/// and each key, and each remote secret, comes from one object.
fn objects(secret: &resolved::Secret, diagnostics: &mut Vec<Diagnostic>) {
    let declared: Vec<(&resolved::RemoteObject, Span)> =
        secret.objects.iter().filter_map(|object| Some((object, object.span?))).collect();
    let Some((_, first)) = declared.first() else { return };
    let remote =
        matches!(secret.backend.value, resolved::Backend::ExternalSecrets | resolved::Backend::AwsSecretsManager);
    if !remote {
        diagnostics.push(
            Diagnostic::error(
                Code::ObjectsNotRemote,
                format!("secret `{}` is made of remote `objects`, which its backend does not read", secret.name.value),
            )
            .with_label(*first, "a remote secret")
            .with_secondary(secret.backend.span, "this backend reads no remote store")
            .with_help(
                "use `keys` with this backend, or `backend = \"external-secrets\"` or `\"aws-secrets-manager\"`",
            ),
        );
    }
    let mut keys: std::collections::BTreeMap<&str, Span> = std::collections::BTreeMap::new();
    let mut remotes: std::collections::BTreeMap<&str, Span> = std::collections::BTreeMap::new();
    for (object, span) in &declared {
        if let Some(before) = remotes.insert(&object.remote, *span) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateObjectKey,
                    format!("secret `{}` reads the remote secret `{}` twice", secret.name.value, object.remote),
                )
                .with_label(*span, "read again here")
                .with_secondary(before, "read first here")
                .with_help("write its keys in one object"),
            );
        }
        for (key, _) in &object.keys {
            if let Some(before) = keys.insert(&key.value, key.span) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::DuplicateObjectKey,
                        format!("key `{}` of secret `{}` comes from two objects", key.value, secret.name.value),
                    )
                    .with_label(key.span, "given again here")
                    .with_secondary(before, "given first here")
                    .with_help("a Secret holds each key once: give one of them another name"),
                );
            }
        }
    }
}

/// A SealedSecret file is Slipway's to check, never to read the values of: the right kind, name,
/// namespace and keys.
fn sealed(secret: &resolved::Secret, namespaces: &BTreeSet<&str>, diagnostics: &mut Vec<Diagnostic>) {
    let Some((path, text)) = &secret.sealed else { return };
    let mismatch = |problem: String| {
        Diagnostic::error(Code::SealedSecretMismatch, format!("the SealedSecret of `{}` {problem}", secret.name.value))
            .with_label(secret.name.span, format!("sealed in `{path}`"))
            .with_help(
                "seal it again with `kubeseal` (`--format yaml` or `--format json`), for this name, namespace and keys",
            )
    };
    let object: serde_json::Value = match text.as_ref().map(|text| crate::yaml_reader::one_object(text)) {
        Err(error) if error.starts_with(crate::load::NO_FILE_FOR_ENVIRONMENT) => {
            return diagnostics.push(mismatch(error.clone()));
        }
        Err(error) => return diagnostics.push(mismatch(format!("cannot be read: {error}"))),
        Ok(Err(why)) => {
            return diagnostics.push(mismatch(format!("is not what `kubeseal` writes: {why}")));
        }
        Ok(Ok(object)) => object,
    };
    if object["kind"] != "SealedSecret"
        || !object["apiVersion"].as_str().is_some_and(|it| it.starts_with("bitnami.com/"))
    {
        return diagnostics.push(mismatch("is not a bitnami.com SealedSecret".to_owned()));
    }
    let plaintext = plaintext_fields(&object);
    if !plaintext.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                Code::SealedSecretPlaintext,
                format!("the SealedSecret of `{}` carries the secret in plain text: {}", secret.name.value, plaintext.join(", ")),
            )
            .with_label(secret.name.span, format!("sealed in `{path}`, which is committed"))
            .with_help(
                "remove the plain text (and rotate the secret: it has been committed), or seal it again with `kubeseal --format json`, which writes only `spec.encryptedData`",
            ),
        );
    }
    if object["metadata"]["name"] != secret.name.value.as_str() {
        diagnostics.push(mismatch(format!("is named `{}`", object["metadata"]["name"].as_str().unwrap_or_default())));
    }
    let sealed_keys: BTreeSet<&str> = object["spec"]["encryptedData"]
        .as_object()
        .map(|data| data.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let declared: BTreeSet<&str> = secret.keys.iter().map(|key| key.value.as_str()).collect();
    if sealed_keys != declared {
        let list = |keys: &BTreeSet<&str>| keys.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ");
        diagnostics.push(mismatch(format!("carries the keys {} instead of {}", list(&sealed_keys), list(&declared))));
    }
    let sealed_for = object["metadata"]["namespace"].as_str().unwrap_or_default();
    for namespace in namespaces.iter().filter(|namespace| **namespace != sealed_for) {
        diagnostics.push(
            Diagnostic::error(
                Code::SecretNotDeliverable,
                format!("secret `{}` is used in `{namespace}`, but it is sealed for `{sealed_for}`", secret.name.value),
            )
            .with_label(secret.name.span, format!("a SealedSecret decrypts only in `{sealed_for}`"))
            .with_help("use it only in the namespace it was sealed for, or seal one per namespace"),
        );
    }
}

/// The fields of a SealedSecret that hold plain text, each in backticks: `data` and `stringData` beside `spec`, the same
/// in its template, and kubectl's last-applied annotation when the object it records has any of them.
pub(super) fn plaintext_fields(object: &Value) -> Vec<String> {
    let holds = |value: &Value| match value {
        Value::Null => false,
        Value::Object(map) => !map.is_empty(),
        Value::String(text) => !text.is_empty(),
        _ => true,
    };
    let data = |object: &Value| -> Vec<&'static str> {
        [
            ("data", &object["data"]),
            ("stringData", &object["stringData"]),
            ("spec.template.data", &object["spec"]["template"]["data"]),
            ("spec.template.stringData", &object["spec"]["template"]["stringData"]),
        ]
        .into_iter()
        .filter(|(_, value)| holds(value))
        .map(|(field, _)| field)
        .collect()
    };
    let mut fields: Vec<String> = data(object).into_iter().map(|field| format!("`{field}`")).collect();
    for metadata in ["metadata", "spec.template.metadata"] {
        let annotations = match metadata {
            "metadata" => &object["metadata"]["annotations"],
            _ => &object["spec"]["template"]["metadata"]["annotations"],
        };
        let Some(applied) = annotations[LAST_APPLIED].as_str() else { continue };
        // What kubectl recorded cannot be read: it may hold anything, and is refused as plain text.
        let recorded = serde_json::from_str::<Value>(applied).map(|applied| data(&applied));
        if recorded.as_ref().map_or(true, |recorded| !recorded.is_empty()) {
            let inside = recorded.map_or_else(
                |_| "which cannot be read".to_owned(),
                |recorded| format!("holding `{}`", recorded.join("`, `")),
            );
            fields.push(format!("`{metadata}.annotations.\"{LAST_APPLIED}\"` ({inside})"));
        }
    }
    fields
}
