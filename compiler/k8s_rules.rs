//! The Kubernetes API server's own rules for the values Slipway writes, as pure functions: each takes a
//! value and gives `Err` with a short reason (shown under the value) when the API server, the kubelet or
//! the container runtime would refuse it.
//!
//! This is the one home of these rules: the checks in `validate/kubernetes.rs` (and the names, routes and
//! policy checks, `load` and `render`) call them, and none keeps a pattern of its own. Each follows its
//! upstream source exactly; the sources are
//! - k8s.io/apimachinery `pkg/util/validation/validation.go` (DNS-1123 labels and subdomains,
//!   environment variable names, ConfigMap keys, port numbers and names, user and group IDs),
//!   `pkg/api/validate/content/kube.go` (label keys, a.k.a. qualified names, and label values) and
//!   `pkg/api/validation/objectmeta.go` (annotation keys and their total size),
//! - k8s.io/kubernetes `pkg/apis/core/validation/validation.go` (`ValidateTolerations`),
//! - github.com/distribution/reference `regexp.go`, `reference.go` and `normalize.go` (image references, as
//!   `ParseNormalizedNamed` reads them; the kubelet refuses others with `InvalidImageName`), and
//!   github.com/opencontainers/go-digest (which digests are valid),
//!
//! all at the rules of Kubernetes 1.33. Lengths are in bytes, as Go's `len` counts them.

/// A DNS-1123 label's and a label value's maximum length (`DNS1123LabelMaxLength`, `LabelValueMaxLength`).
pub const LABEL_MAX: usize = 63;
/// A DNS-1123 subdomain's and a ConfigMap key's maximum length (`DNS1123SubdomainMaxLength`).
pub const SUBDOMAIN_MAX: usize = 253;
/// The most bytes an object's annotations hold, keys and values together (`TotalAnnotationSizeLimitB`).
pub const ANNOTATIONS_MAX: usize = 256 * 1024;
/// The largest object the API server stores: etcd's default `--max-request-bytes`, 1.5 MiB.
pub const OBJECT_MAX: usize = 1536 * 1024;
/// The annotation `kubectl apply` (and ArgoCD, which applies client-side unless told `ServerSideApply=true`)
/// copies every object into, as compact JSON.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// The longest repository path of an image (`RepositoryNameTotalLengthMax`).
pub const REPOSITORY_MAX: usize = 255;
/// A toleration's operators (`TolerationOpExists`, `TolerationOpEqual`); empty means `Equal`.
pub const TOLERATION_OPERATORS: &[&str] = &["Equal", "Exists"];
/// A taint's effects (`validateTaintEffect`); a toleration without one tolerates every effect.
pub const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

type Rule = Result<(), String>;

/// `IsDNS1123Label`: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters. Namespaces, Services,
/// containers and every name Slipway derives from a service are labels.
pub fn dns1123_label(value: &str) -> Rule {
    if value.is_empty() {
        Err("empty".to_owned())
    } else if value.len() > LABEL_MAX {
        Err("longer than 63 characters".to_owned())
    } else if !value.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-') {
        Err("only lowercase letters, digits and `-` are allowed".to_owned())
    } else if value.starts_with('-') || value.ends_with('-') {
        Err("must start and end with a letter or digit".to_owned())
    } else {
        Ok(())
    }
}

/// `IsDNS1123Subdomain`: labels joined by dots, at most 253 characters. ConfigMap, Secret and most other
/// object names are subdomains.
pub fn dns1123_subdomain(value: &str) -> Rule {
    if value.is_empty() {
        Err("empty".to_owned())
    } else if value.len() > SUBDOMAIN_MAX {
        Err("longer than 253 characters".to_owned())
    } else if !value
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'-' | b'.'))
    {
        Err("only lowercase letters, digits, `-` and `.` are allowed".to_owned())
    } else if value.split('.').any(|part| part.is_empty() || part.starts_with('-') || part.ends_with('-')) {
        Err("each part between dots must start and end with a letter or digit".to_owned())
    } else {
        Ok(())
    }
}

/// `IsLabelKey` (a "qualified name"): an optional DNS-1123 subdomain prefix and `/`, then a name of at most
/// 63 characters matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`. Label keys, node selector keys and
/// toleration keys.
pub fn label_key(value: &str) -> Rule {
    let (prefix, name) = match value.split_once('/') {
        Some((_, name)) if name.contains('/') => {
            return Err("at most one `/`, between a DNS subdomain prefix and the name".to_owned());
        }
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, value),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err("the prefix before `/` is empty".to_owned());
        }
        if let Err(problem) = dns1123_subdomain(prefix) {
            return Err(format!("the prefix before `/` is not a DNS subdomain: {problem}"));
        }
    }
    let problem = if name.is_empty() {
        Err("empty".to_owned())
    } else if name.len() > LABEL_MAX {
        Err("longer than 63 characters".to_owned())
    } else {
        name_characters(name)
    };
    match prefix {
        Some(_) => problem.map_err(|problem| format!("the name after `/`: {problem}")),
        None => problem,
    }
}

/// `IsLabelValue`: empty, or at most 63 characters matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
/// Label values, node selector values and the value of an `Equal` toleration.
pub fn label_value(value: &str) -> Rule {
    if value.is_empty() {
        Ok(())
    } else if value.len() > LABEL_MAX {
        Err(format!("{} characters; a label value holds at most 63", value.len()))
    } else {
        name_characters(value)
    }
}

/// The characters of a label key's name or a label value: `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn name_characters(name: &str) -> Rule {
    if !name.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')) {
        Err("only letters, digits, `-`, `_` and `.` are allowed".to_owned())
    } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        Err("must start and end with a letter or digit".to_owned())
    } else {
        Ok(())
    }
}

/// `ValidateAnnotations`: a key is a qualified name once lowercased (so `Example.com/Key` is fine).
pub fn annotation_key(value: &str) -> Rule {
    label_key(&value.to_lowercase())
}

/// `ValidateAnnotationsSize`: what counts against [`ANNOTATIONS_MAX`], the bytes of every key and value.
pub fn annotations_size<'a>(annotations: impl IntoIterator<Item = (&'a str, &'a str)>) -> usize {
    annotations.into_iter().map(|(key, value)| key.len() + value.len()).sum()
}

/// `IsEnvVarName`: `[-._a-zA-Z][-._a-zA-Z0-9]*`, and not `.`, `..` or anything starting with `..`.
///
/// Kubernetes 1.32 and later accept any printable ASCII but `=` by default (the
/// `RelaxedEnvironmentVariableValidation` gate, beta in 1.32, stable in 1.34); this is the rule every
/// version accepts, and the one a shell can `export`.
pub fn env_var_name(value: &str) -> Rule {
    if value.is_empty() {
        Err("empty".to_owned())
    } else if value.contains('=') {
        Err("`=` ends a variable's name in the environment, so a name cannot hold it".to_owned())
    } else if !value.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_')) {
        Err("only letters, digits, `_`, `-` and `.` are allowed".to_owned())
    } else if value.starts_with(|c: char| c.is_ascii_digit()) {
        Err("must not start with a digit".to_owned())
    } else {
        not_a_directory(value)
    }
}

/// `IsConfigMapKey`: `[-._a-zA-Z0-9]+`, at most 253 characters, and not `.`, `..` or anything starting with
/// `..` (keys become file names when a ConfigMap or Secret is mounted). Also the keys of Secrets.
pub fn config_map_key(value: &str) -> Rule {
    if value.is_empty() {
        Err("empty".to_owned())
    } else if value.len() > SUBDOMAIN_MAX {
        Err("longer than 253 characters".to_owned())
    } else if !value.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_')) {
        Err("only letters, digits, `-`, `_` and `.` are allowed".to_owned())
    } else {
        not_a_directory(value)
    }
}

/// `hasChDirPrefix`.
fn not_a_directory(value: &str) -> Rule {
    if value == "." || value == ".." {
        Err(format!("`{value}` names a directory"))
    } else if value.starts_with("..") {
        Err("must not start with `..`".to_owned())
    } else {
        Ok(())
    }
}

/// `IsValidPortNum`: 1 to 65535.
pub fn port_number(port: u16) -> Rule {
    if port == 0 { Err("0 is not a port: ports are 1 to 65535".to_owned()) } else { Ok(()) }
}

/// `IsValidPortName` (an IANA service name): at most 15 lowercase letters, digits and `-`, with at least one
/// letter, no `--`, and no `-` at either end.
pub fn port_name(value: &str) -> Rule {
    let valid = (1..=15).contains(&value.len())
        && value.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && value.bytes().any(|byte| byte.is_ascii_lowercase())
        && !value.contains("--")
        && !value.starts_with('-')
        && !value.ends_with('-');
    if valid { Ok(()) } else { Err("at most 15 lowercase letters, digits and `-`, with a letter".to_owned()) }
}

/// `IsValidUserID` and `IsValidGroupID`: 0 to 2147483647 (`math.MaxInt32` up to Kubernetes 1.33).
pub fn user_or_group_id(id: i64) -> Rule {
    if (0..=i64::from(i32::MAX)).contains(&id) {
        Ok(())
    } else {
        Err("user and group IDs are 0 to 2147483647".to_owned())
    }
}

/// A toleration's operator: `Equal` (or empty, which means it) or `Exists`.
pub fn toleration_operator(value: &str) -> Rule {
    if value.is_empty() || TOLERATION_OPERATORS.contains(&value) {
        Ok(())
    } else {
        Err("not an operator: `Equal` or `Exists`".to_owned())
    }
}

/// A toleration's effect: `NoSchedule`, `PreferNoSchedule`, `NoExecute`, or empty for all of them.
pub fn taint_effect(value: &str) -> Rule {
    if value.is_empty() || TAINT_EFFECTS.contains(&value) {
        Ok(())
    } else {
        Err("not an effect: `NoSchedule`, `PreferNoSchedule` or `NoExecute`".to_owned())
    }
}

/// A field of a toleration, to say where a broken combination is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TolerationField {
    Operator,
    Value,
    Effect,
}

/// The rules of `ValidateTolerations` that tie a toleration's fields together (each field's own format is
/// [`label_key`], [`label_value`], [`toleration_operator`] and [`taint_effect`]): without a key the operator
/// must be `Exists`; `Exists` takes no value; `toleration_seconds` needs the effect `NoExecute`.
pub fn toleration_combination(
    key: &str,
    operator: &str,
    value: &str,
    effect: &str,
    has_seconds: bool,
) -> Vec<(TolerationField, &'static str)> {
    let mut problems = Vec::new();
    if key.is_empty() && operator != "Exists" {
        problems
            .push((TolerationField::Operator, "without a `key`, the operator must be `Exists` (match every taint)"));
    }
    if operator == "Exists" && !value.is_empty() {
        problems.push((TolerationField::Value, "`Exists` matches any value, so it takes none"));
    }
    if has_seconds && effect != "NoExecute" {
        problems.push((TolerationField::Effect, "`toleration_seconds` needs the effect `NoExecute`"));
    }
    problems
}

/// An image reference as the container runtime reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageReference<'a> {
    /// The registry (with its port), if the reference names one; Docker Hub otherwise.
    pub registry: Option<&'a str>,
    /// The repository path after the registry, such as `flowmind/api`.
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    /// `algorithm:hex`.
    pub digest: Option<&'a str>,
}

/// `ParseNormalizedNamed` of github.com/distribution/reference, which the kubelet applies to every image:
///
/// ```text
/// reference  := name [ ":" tag ] [ "@" digest ]
/// name       := [domain "/"] path-component ["/" path-component]*
/// domain     := host [":" port-number]      host: DNS-style name (any case), IPv4, or [IPv6]
/// path-component := [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
/// tag        := [\w][\w.-]{0,127}
/// digest     := sha256 ":" 64 hex | sha384 ":" 96 hex | sha512 ":" 128 hex   (lowercase; go-digest)
/// ```
///
/// The first component is the registry when it holds a `.` or `:`, is `localhost`, or has an uppercase
/// letter (`splitDockerDomain`); the repository path must be lowercase and at most 255 characters.
pub fn image_reference(value: &str) -> Result<ImageReference<'_>, String> {
    if value.is_empty() {
        return Err("empty".to_owned());
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("an image reference holds no spaces or control characters".to_owned());
    }
    if value.len() == 64 && value.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("a 64-digit hex string is an image ID, not a reference".to_owned());
    }
    let (name_and_tag, digest) = match value.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (value, None),
    };
    // A tag follows the last `:` after the last `/`; a `:` before a `/` is the registry's port.
    let (name, tag) = match name_and_tag.rfind(':') {
        Some(colon) if !name_and_tag[colon..].contains('/') => {
            (&name_and_tag[..colon], Some(&name_and_tag[colon + 1..]))
        }
        _ => (name_and_tag, None),
    };
    let (registry, repository) = split_registry(name);
    if repository.chars().any(char::is_uppercase) {
        return Err("the repository path must be lowercase".to_owned());
    }
    if let Some(registry) = registry {
        // `Parse` matches `domain/path` with the domain optional: a registry that is not a host can still
        // pass as a path component (`my_registry.local/app`), as the regular expression allows.
        if !is_registry(registry) && !is_repository(name) {
            return Err(format!(
                "`{}` is not a registry (a host name or IP address, with an optional `:port`)",
                shown(registry)
            ));
        }
    }
    if !is_repository(repository) {
        return Err("path components are lowercase letters and digits, separated by `.`, `_`, `__` or `-`".to_owned());
    }
    // Docker Hub's official images are `library/<name>`.
    let length = repository.len() + if registry.is_none() && !repository.contains('/') { "library/".len() } else { 0 };
    if length > REPOSITORY_MAX {
        return Err("the repository path is longer than 255 characters".to_owned());
    }
    if let Some(tag) = tag {
        image_tag(tag)?;
    }
    if let Some(digest) = digest {
        image_digest(digest)?;
    }
    Ok(ImageReference { registry, repository, tag, digest })
}

/// The registry and the repository path of a name (a reference without its tag and digest): the first
/// component is the registry when it holds a `.` or `:`, is `localhost`, or has an uppercase letter.
pub fn split_registry(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first == "localhost" || first.contains(['.', ':']) || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

/// A tag: `[\w][\w.-]{0,127}` (`\w` is `[A-Za-z0-9_]`). What `set-image` writes must pass this.
pub fn image_tag(tag: &str) -> Rule {
    let word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    if tag.is_empty() {
        Err("the tag after `:` is empty".to_owned())
    } else if tag.len() > 128 {
        Err("a tag is at most 128 characters".to_owned())
    } else if !tag.bytes().all(|byte| word(byte) || matches!(byte, b'.' | b'-')) || !word(tag.as_bytes()[0]) {
        Err("a tag is letters, digits, `_`, `.` and `-`, and starts with a letter, digit or `_`".to_owned())
    } else {
        Ok(())
    }
}

/// A digest the runtime can verify: go-digest's `Validate` accepts only the algorithms it has (sha256,
/// sha384, sha512), each with exactly its length of lowercase hex.
fn image_digest(digest: &str) -> Rule {
    let (algorithm, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => 0,
    };
    if length > 0 && hex.len() == length && hex.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err("a digest is `sha256:` and 64 lowercase hex digits (or `sha384:` 96, `sha512:` 128)".to_owned())
    }
}

/// `domainAndPort`: a host (DNS-style components of letters, digits and `-` in any case; or `[IPv6]`) and an
/// optional `:port`.
fn is_registry(registry: &str) -> bool {
    let (host, port) = if registry.starts_with('[') {
        match registry.find(']') {
            Some(end) => (&registry[..=end], &registry[end + 1..]),
            None => return false,
        }
    } else {
        registry.find(':').map_or((registry, ""), |colon| registry.split_at(colon))
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = if let Some(inner) = host.strip_prefix('[') {
        inner.strip_suffix(']').is_some_and(|address| {
            !address.is_empty() && address.bytes().all(|byte| byte.is_ascii_hexdigit() || byte == b':')
        })
    } else {
        host.split('.').all(|part| {
            !part.is_empty()
                && part.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
    };
    port_ok && host_ok
}

/// `remoteName`: path components joined by `/`.
fn is_repository(path: &str) -> bool {
    path.split('/').all(is_path_component)
}

/// `pathComponent`: runs of `[a-z0-9]`, separated by exactly one of `.`, `_`, `__` or one or more `-`.
fn is_path_component(component: &str) -> bool {
    let alphanumeric = |byte: &u8| byte.is_ascii_lowercase() || byte.is_ascii_digit();
    let bytes = component.as_bytes();
    if !bytes.first().is_some_and(alphanumeric) || !bytes.last().is_some_and(alphanumeric) {
        return false;
    }
    let mut rest = bytes;
    while !rest.is_empty() {
        let run = rest.iter().take_while(|byte| alphanumeric(byte)).count();
        rest = &rest[run..];
        let separator = rest.iter().take_while(|byte| !alphanumeric(byte)).count();
        let valid = match &rest[..separator] {
            [] | [b'.' | b'_'] | [b'_', b'_'] => true,
            dashes => dashes.iter().all(|byte| *byte == b'-'),
        };
        if !valid {
            return false;
        }
        rest = &rest[separator..];
    }
    true
}

/// The size of an object as the API server receives it from `kubectl apply` or ArgoCD: compact JSON as Go's
/// `encoding/json` writes it (object keys sorted, as here; `<`, `>` and `&` escaped as `\u003c` and so on).
pub fn json_size(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Null | serde_json::Value::Bool(true) => 4,
        serde_json::Value::Bool(false) => 5,
        serde_json::Value::Number(number) => number_size(number),
        serde_json::Value::String(text) => json_string_size(text),
        serde_json::Value::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(json_size).sum::<usize>()
        }
        serde_json::Value::Object(map) => {
            2 + map.len().saturating_sub(1)
                + map.iter().map(|(key, value)| json_string_size(key) + 1 + json_size(value)).sum::<usize>()
        }
    }
}

fn json_string_size(text: &str) -> usize {
    let mut size = text.len() + 2;
    let bytes = text.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        size += match byte {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            b'<' | b'>' | b'&' | 0..0x20 => 5,
            // U+2028 and U+2029 (E2 80 A8, E2 80 A9) are written `\u2028` and `\u2029`: 6 bytes for 3.
            0xe2 if bytes.get(index + 1) == Some(&0x80) && matches!(bytes.get(index + 2), Some(0xa8 | 0xa9)) => 3,
            _ => 0,
        };
    }
    size
}

/// The length of a number as text, without allocating it.
fn number_size(number: &serde_json::Number) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0 += text.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{number}"));
    count.0
}

/// How an object fares against the API server's size limits, when applied client-side (the way ArgoCD
/// syncs `out/`: `kubectl apply` copies the object into its [`LAST_APPLIED`] annotation, so the object's
/// annotations and its whole JSON must fit [`ANNOTATIONS_MAX`] together) and stored ([`OBJECT_MAX`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedSize {
    /// The object as JSON.
    pub object: usize,
    /// Its annotations once applied: its own, plus the last-applied copy of the whole object.
    pub annotations: usize,
}

impl AppliedSize {
    pub fn of(object: &serde_json::Value) -> AppliedSize {
        let json = json_size(object);
        let own = object["metadata"]["annotations"].as_object().map_or(0, |annotations| {
            annotations_size(annotations.iter().map(|(key, value)| (key.as_str(), value.as_str().unwrap_or_default())))
        });
        // The copy is followed by a newline (Go's `json.Encoder`).
        AppliedSize { object: json, annotations: own + LAST_APPLIED.len() + json + 1 }
    }

    /// The limit the object breaks, if any: the annotations' first, since it is the smaller.
    pub fn problem(self) -> Option<(usize, usize)> {
        if self.annotations > ANNOTATIONS_MAX {
            Some((self.annotations, ANNOTATIONS_MAX))
        } else if self.object > OBJECT_MAX {
            Some((self.object, OBJECT_MAX))
        } else {
            None
        }
    }
}

/// A user's text as shown in a message: at most 40 characters, so a 10 MB mistake is not echoed back.
pub fn shown(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}... ({} bytes)", text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_are_qualified_names() {
        for valid in ["app", "app.kubernetes.io/name", "A_b-c.D", "example.com/MyName", "x", "a/b"] {
            assert_eq!(label_key(valid), Ok(()), "{valid}");
        }
        let long_name = "a".repeat(64);
        let long_prefix = format!("{}/a", "a".repeat(254));
        for invalid in
            ["", "bad key!", "-a", "a-", "/a", "a/", "a/b/c", "Example.com/a", "a_b.com/x", &long_name, &long_prefix]
        {
            assert!(label_key(invalid).is_err(), "{invalid}");
        }
        assert_eq!(label_key(&"a".repeat(63)), Ok(()));
    }

    #[test]
    fn label_values_may_be_empty_and_are_at_most_63_characters() {
        assert_eq!(label_value(""), Ok(()));
        assert_eq!(label_value(&"v".repeat(63)), Ok(()));
        assert_eq!(label_value(&"v".repeat(70)), Err("70 characters; a label value holds at most 63".to_owned()));
        for invalid in ["with space", "a/b", "-a", "a.", "é"] {
            assert!(label_value(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn annotation_keys_ignore_case_in_the_prefix() {
        assert_eq!(annotation_key("Example.COM/Key"), Ok(()));
        assert!(annotation_key("bad key!").is_err());
        assert_eq!(annotations_size([("ab", "cde")]), 5);
    }

    #[test]
    fn dns_names() {
        assert_eq!(dns1123_label("a-1"), Ok(()));
        assert!(dns1123_label("a.b").is_err());
        assert_eq!(dns1123_subdomain("a.b-c.d"), Ok(()));
        for invalid in ["", "a..b", ".a", "a.", "a.-b", "A", &"a".repeat(254)] {
            assert!(dns1123_subdomain(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn environment_variable_names() {
        for valid in ["A", "_A1", "my.env-name", "MY_ENV.NAME", "-x", ".a"] {
            assert_eq!(env_var_name(valid), Ok(()), "{valid}");
        }
        for invalid in ["", "BAD=NAME", "1ST", "with space", ".", "..", "..a", "é"] {
            assert!(env_var_name(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn config_map_keys() {
        for valid in ["a", "1st", ".dockerconfigjson", "app.properties", "a_b-c"] {
            assert_eq!(config_map_key(valid), Ok(()), "{valid}");
        }
        for invalid in ["", "bad key/x", "a/b", ".", "..", "..a", &"a".repeat(254)] {
            assert!(config_map_key(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn numbers() {
        assert!(port_number(0).is_err());
        assert_eq!(port_number(1), Ok(()));
        assert_eq!(port_number(65535), Ok(()));
        assert!(user_or_group_id(-1).is_err());
        assert!(user_or_group_id(i64::from(i32::MAX) + 1).is_err());
        assert_eq!(user_or_group_id(0), Ok(()));
        for valid in ["http", "a1", "grpc-web", "h2c"] {
            assert_eq!(port_name(valid), Ok(()), "{valid}");
        }
        for invalid in ["", "123", "a--b", "-a", "Http", "sixteen-letters1"] {
            assert!(port_name(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn tolerations() {
        assert_eq!(toleration_operator(""), Ok(()));
        assert!(toleration_operator("Equalz").is_err());
        assert_eq!(taint_effect("NoExecute"), Ok(()));
        assert!(taint_effect("NoSchedul").is_err());
        assert_eq!(toleration_combination("k", "Equal", "v", "NoSchedule", false), vec![]);
        assert_eq!(toleration_combination("", "Exists", "", "", false), vec![]);
        let fields =
            |problems: Vec<(TolerationField, &str)>| problems.into_iter().map(|(field, _)| field).collect::<Vec<_>>();
        assert_eq!(fields(toleration_combination("", "", "", "", false)), vec![TolerationField::Operator]);
        assert_eq!(
            fields(toleration_combination("k", "Exists", "v", "", true)),
            vec![TolerationField::Value, TolerationField::Effect]
        );
    }

    #[test]
    fn image_references_follow_the_distribution_grammar() {
        let digest = format!("sha256:{}", "a".repeat(64));
        for valid in [
            "nginx",
            "nginx:1.27",
            "library/nginx:1.27-alpine",
            "ghcr.io/flowmind/api:1.0.0",
            "localhost:5000/a/b:v1",
            "localhost/app",
            "registry.example.com:443/team/app_name__x---y.z:TAG_1",
            "[::1]:5000/app:1",
            "Registry.Example.com/app:1",
            "MyRegistry/app:1",
            &format!("ghcr.io/a/b@{digest}"),
            &format!("ghcr.io/a/b:1.0@{digest}"),
            "my_registry.local/app:1",
        ] {
            assert!(image_reference(valid).is_ok(), "{valid}: {:?}", image_reference(valid));
        }
        let long_tag = format!("a:{}", "t".repeat(129));
        let long_path = format!("ghcr.io/{}", "a".repeat(256));
        for invalid in [
            "",
            "ghcr.io/flowmind/api: 1.0",
            "ghcr.io/flow mind/api:1.0",
            "ghcr.io/flowmind/api:1.0\n",
            "ghcr.io/FlowMind/api:1.0",
            "ghcr.io/flowmind/API",
            "nginx:",
            "nginx:.1",
            "nginx:1+2",
            "a..b",
            "a._b",
            "a___b",
            "-a",
            "a-",
            "a//b",
            "ghcr.io/a@sha256:abc",
            "ghcr.io/a@md5:0123456789abcdef0123456789abcdef",
            &format!("ghcr.io/a@sha256:{}", "A".repeat(64)),
            &"a".repeat(64),
            &long_tag,
            &long_path,
            "reg:port/app",
            "[::1/app",
        ] {
            assert!(image_reference(invalid).is_err(), "{invalid}");
        }
        assert_eq!(
            image_reference("localhost:5000/a/b:v1"),
            Ok(ImageReference { registry: Some("localhost:5000"), repository: "a/b", tag: Some("v1"), digest: None })
        );
        assert_eq!(image_reference("localhost:5000").map(|it| it.tag), Ok(Some("5000")));
        assert_eq!(image_reference(&format!("a/b@{digest}")).map(|it| it.tag), Ok(None));
        assert_eq!(image_reference("ghcr.io/FlowMind/api:1"), Err("the repository path must be lowercase".to_owned()));
    }

    #[test]
    fn json_size_is_the_length_go_writes() {
        let object = serde_json::json!({ "a": [1, true, null, "x\"<"], "b": {}, "c": 1.5 });
        // {"a":[1,true,null,"x\"\u003c"],"b":{},"c":1.5}
        assert_eq!(json_size(&object), r#"{"a":[1,true,null,"x\"\u003c"],"b":{},"c":1.5}"#.len());
        // Control characters, and the line and paragraph separators, as Go escapes them.
        assert_eq!(json_size(&serde_json::json!("\u{1}\n\u{2028}é")), r#""\u0001\n\u2028é""#.len());
        let with_annotations = serde_json::json!({ "metadata": { "annotations": { "k": "v" } } });
        let size = AppliedSize::of(&with_annotations);
        assert_eq!(size.object, r#"{"metadata":{"annotations":{"k":"v"}}}"#.len());
        assert_eq!(size.annotations, 2 + LAST_APPLIED.len() + size.object + 1);
        assert_eq!(size.problem(), None);
    }

    #[test]
    fn long_text_is_shortened_when_shown() {
        assert_eq!(shown("short"), "short");
        assert_eq!(shown(&"x".repeat(100)), format!("{}... (100 bytes)", "x".repeat(40)));
    }
}
