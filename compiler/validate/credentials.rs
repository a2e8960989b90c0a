//! Credentials in text: takes a string (and the key or name it is written under), gives what in it
//! looks like a secret value, or nothing. Pure functions, used by the secrets check on every string
//! that reaches `out/`. Nothing here returns or quotes the value itself, so no diagnostic repeats it.
//!
//! Four looks, from the most certain: a well-known token format (`sk_live_`, `ghp_`, `AKIA`, a JWT, a
//! PEM private key); a URL with a password; a key named like a credential holding a literal; and
//! `key=value` or `key: value` assignments inside text (a properties file, a shell command, an argument).
//! What only says where a credential is (`PASSWORD_FILE`, `TOKEN_URL`), a reference (`${DB_PASSWORD}`,
//! `$(DB_PASSWORD)`), and values that cannot be one (empty, `true`, `3600`, `30s`) are not findings.

/// What a string holds that must not be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Finding {
    /// A literal under a name that says it is a credential: the name.
    Named(String),
    /// A URL with `user:password@` in it.
    UrlPassword,
    /// A token in a format its issuer defines: what it is ("a GitHub token").
    Token(&'static str),
}

/// Words that make a name a credential's, anywhere in it (`PGPASSWORD`, `JWT_SECRET`, `API_TOKEN`).
const CREDENTIAL_WORDS: [&str; 6] = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"];

/// Words that make a name a credential's only as a whole word (`DB_PASS`, `MYSQL_PWD`): inside other
/// words they are something else (`BYPASS`, `COMPASS`), and `PWD` alone is the working directory.
const CREDENTIAL_WHOLE_WORDS: [&str; 3] = ["PASS", "PWD", "APIKEY"];

/// Last words that say what a setting is about a credential, not the credential: where it is
/// (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `secretKeyRef`) or how it behaves (`TOKEN_TTL`,
/// `PASSWORD_POLICY`).
const DESCRIBING_SUFFIXES: [&str; 28] = [
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "ENDPOINT",
    "NAME",
    "ID",
    "REF",
    "REFS",
    "POLICY",
    "TYPE",
    "ALGORITHM",
    "LENGTH",
    "TTL",
    "EXPIRY",
    "EXPIRATION",
    "TIMEOUT",
    "LIFESPAN",
    "MODE",
    "HEADER",
    "ENABLED",
    "REQUIRED",
    "FORMAT",
    "PROVIDER",
    "STORE",
    "ISSUER",
];

/// An environment variable, config key, argument flag or text key named like a credential: a
/// credential word anywhere in it, unless the name describes where or how (`PASSWORD_FILE`) or names a
/// Secret object (`existingSecret`).
pub(super) fn credential_name(name: &str) -> bool {
    if !mentions_a_credential(name) {
        return false;
    }
    let upper = screaming_snake(name.trim_start_matches(|c: char| !c.is_ascii_alphanumeric()));
    let words: Vec<&str> = upper.split('_').filter(|word| !word.is_empty()).collect();
    let credential = CREDENTIAL_WORDS.iter().any(|word| upper.contains(word))
        || (words.len() > 1 && words.iter().any(|word| CREDENTIAL_WHOLE_WORDS.contains(word)))
        || upper == "APIKEY";
    credential && !describes(&words) && !words.contains(&"EXISTING")
}

/// A key of structured values (chart values, realm settings, client attributes, annotation keys):
/// only a key whose last word is the credential itself holds one (`adminPassword`, `apiToken`,
/// `client.secret`), since such values name Secrets and their keys all the time (`existingSecret`,
/// `passwordSecret`, `adminPasswordKey`).
pub(super) fn credential_field(key: &str) -> bool {
    let key = key.rsplit('/').next().unwrap_or(key);
    if !mentions_a_credential(key) {
        return false;
    }
    let upper = screaming_snake(key);
    let words: Vec<&str> = upper.split('_').filter(|word| !word.is_empty()).collect();
    let Some((last, before)) = words.split_last() else { return false };
    if words.contains(&"EXISTING") {
        return false;
    }
    match *last {
        "PASSWORD" | "PASSWD" | "TOKEN" | "APIKEY" => true,
        "KEY" => before.last().is_some_and(|word| ["API", "PRIVATE", "SECRET", "ACCESS"].contains(word)),
        // `clientSecret` is a credential; `tlsSecret` or `passwordSecret` names the Secret that holds one.
        "SECRET" => before.last().is_none_or(|word| {
            [
                "CLIENT", "JWT", "SESSION", "SHARED", "WEBHOOK", "COOKIE", "APP", "API", "SIGNING", "HMAC", "OAUTH",
                "MASTER",
            ]
            .contains(word)
        }),
        _ => false,
    }
}

/// A quick look, without allocating, for the letters every credential word holds: most names have none.
fn mentions_a_credential(name: &str) -> bool {
    let lower = |byte: &u8| byte.to_ascii_lowercase();
    ["pass", "pwd", "secret", "token", "key"]
        .iter()
        .any(|word| name.as_bytes().windows(word.len()).any(|window| window.iter().map(lower).eq(word.bytes())))
}

fn describes(words: &[&str]) -> bool {
    words.last().is_some_and(|last| DESCRIBING_SUFFIXES.contains(last))
}

/// `adminPassword`, `admin-password` and `spring.datasource.password` become `ADMIN_PASSWORD` and
/// `SPRING_DATASOURCE_PASSWORD`.
pub(super) fn screaming_snake(name: &str) -> String {
    let mut upper = String::with_capacity(name.len() + 4);
    for (index, c) in name.char_indices() {
        if c.is_ascii_uppercase() && index > 0 && !name[..index].ends_with(|p: char| p.is_ascii_uppercase() || p == '_')
        {
            upper.push('_');
        }
        upper.push(if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' });
    }
    upper
}

/// A literal under the name `name`, judged with `named` (`credential_name` or `credential_field`), or
/// anything in the text itself.
pub(super) fn keyed(name: &str, value: &str, named: fn(&str) -> bool) -> Option<Finding> {
    if let Some(finding) = token(value).map(Finding::Token) {
        return Some(finding);
    }
    if named(name) && !harmless(value) {
        return Some(Finding::Named(name.to_owned()));
    }
    text_without_tokens(value)
}

/// What free text holds: a token, a URL with a password, or an assignment to a credential name.
pub(super) fn text(value: &str) -> Option<Finding> {
    if let Some(kind) = token(value) {
        return Some(Finding::Token(kind));
    }
    text_without_tokens(value)
}

fn text_without_tokens(value: &str) -> Option<Finding> {
    if passwords_in_urls(value) {
        return Some(Finding::UrlPassword);
    }
    assignments(value, credential_name)
        .find(|(_, value)| !harmless(value))
        .map(|(key, _)| Finding::Named(key.to_owned()))
}

/// Values that cannot be a credential: empty, a reference resolved elsewhere, a flag, a small number,
/// a duration, or a URL without a password (the location of a credential, not the credential).
fn harmless(value: &str) -> bool {
    let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let lower = value.to_ascii_lowercase();
    value.is_empty()
        || reference(value)
        || ["true", "false", "yes", "no", "on", "off", "null", "none", "~"].contains(&lower.as_str())
        || (value.len() <= 6 && value.bytes().all(|byte| byte.is_ascii_digit()))
        || duration(value)
        || (value.contains("://") && !value.contains(char::is_whitespace) && !passwords_in_urls(value))
}

/// `${DB_PASSWORD}`, `$(DB_PASSWORD)` (Kubernetes' dependent variables, keycloak-config-cli's
/// `$(env:...)`), `$DB_PASSWORD`, `{{ .password }}` and `#{password}`: the value comes from elsewhere.
fn reference(value: &str) -> bool {
    value.starts_with("${")
        || value.starts_with("$(")
        || value.starts_with("{{")
        || value.starts_with("#{")
        || value.strip_prefix('$').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

/// `30s`, `15m`, `1h`, `500ms`, `7d`.
fn duration(value: &str) -> bool {
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && ["ms", "s", "m", "h", "d"].contains(&&value[digits..])
}

/// At most `length` bytes of `text` from `start` (back from `start` when `length` is negative), cut at
/// character boundaries: every look at a neighbourhood is bounded, so a 10 MB value is scanned in
/// linear time.
fn window(text: &str, start: usize, length: isize) -> &str {
    let floor = |at: usize| text.floor_char_boundary(at);
    if length < 0 {
        &text[floor(start.saturating_sub(length.unsigned_abs()))..floor(start)]
    } else {
        &text[floor(start)..floor(start.saturating_add(length.unsigned_abs()))]
    }
}

/// Where the text after the last character matching `stop` starts (0 when none does).
fn after_last(text: &str, stop: impl Fn(char) -> bool) -> usize {
    text.char_indices().rev().find(|(_, c)| stop(*c)).map_or(0, |(at, c)| at + c.len_utf8())
}

/// Whether any `scheme://user:password@host` in a text has a password (not a reference). The authority
/// ends at the next `/`, so scanning from each `://` stops at the next one: linear in the text.
fn passwords_in_urls(text: &str) -> bool {
    text.match_indices("://").any(|(at, separator)| {
        let after = window(text, at + separator.len(), 1024);
        let end = after.find(|c: char| c.is_whitespace() || "/?#\"'`<>".contains(c)).unwrap_or(after.len());
        after[..end].rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo.split_once(':').is_some_and(|(_, password)| !password.is_empty() && !reference(password))
        })
    })
}

/// Every `key=value`, `key = value`, `key: value` and `"key": "value"` in a text: properties and YAML
/// files, shell commands (`PGPASSWORD=... psql`), flags (`--db-password=...`), query strings. The
/// value ends at a space, a quote or a separator (`&`, `;`, `,`), unless it is quoted.
/// Only the values of keys `keep` accepts are read, so that text of many separators is scanned in
/// linear time.
pub(super) fn assignments(text: &str, keep: fn(&str) -> bool) -> impl Iterator<Item = (&str, &str)> {
    text.char_indices().filter(|(_, c)| *c == '=' || *c == ':').filter_map(move |(at, separator)| {
        let before = window(text, at, -256).trim_end_matches([' ', '\t']);
        let key = if let Some(quoted) = before.strip_suffix(['"', '\'']) {
            let quote = &before[quoted.len()..];
            let start = quoted.rfind(quote)?;
            &quoted[start + 1..]
        } else {
            &before[after_last(before, |c| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))..]
        };
        if key.is_empty() || (separator == ':' && text[at + 1..].starts_with("//")) || text[at + 1..].starts_with('=') {
            return None;
        }
        if !keep(key) {
            return None;
        }
        let after = window(text, at + 1, 1024).trim_start_matches([' ', '\t']);
        let value = if let Some(quote @ ('"' | '\'')) = after.chars().next() {
            after[1..].split(quote).next().unwrap_or_default()
        } else {
            let end = after.find(|c: char| c.is_whitespace() || "\"'`&;,".contains(c)).unwrap_or(after.len());
            &after[..end]
        };
        Some((key, value))
    })
}

/// A token in a format its issuer publishes, somewhere in `text`.
pub(super) fn token(text: &str) -> Option<&'static str> {
    if private_key(text) {
        return Some("a PEM private key");
    }
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&at| TOKEN_STARTS[usize::from(bytes[at])])
        .filter(|&at| at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'))
        .find_map(|at| token_at(window(text, at, 16 * 1024)))
}

/// SendGrid's keys and each part of a JSON Web Token begin so; their other rules are their own functions'.
const SENDGRID_PREFIX: &str = "SG.";
const JWT_PART_PREFIX: &str = "eyJ";

/// The bytes a token can start with: the first of each format's prefix, of SendGrid's and of a JSON Web
/// Token's. A table, since every byte of every text is looked up.
const TOKEN_STARTS: [bool; 256] = {
    let mut starts = [false; 256];
    let mut index = 0;
    while index < TOKEN_FORMATS.len() {
        starts[TOKEN_FORMATS[index].0.as_bytes()[0] as usize] = true;
        index += 1;
    }
    starts[SENDGRID_PREFIX.as_bytes()[0] as usize] = true;
    starts[JWT_PART_PREFIX.as_bytes()[0] as usize] = true;
    starts
};

type Charset = fn(u8) -> bool;

fn alphanumeric(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
}

fn upper_or_digit(byte: u8) -> bool {
    byte.is_ascii_uppercase() || byte.is_ascii_digit()
}

fn url_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Prefix, the characters that follow, how many at least (and at most), and what the token is.
const TOKEN_FORMATS: [(&str, Charset, usize, usize, &str); 28] = [
    ("sk_live_", alphanumeric, 10, usize::MAX, "a Stripe secret key"),
    ("sk_test_", alphanumeric, 10, usize::MAX, "a Stripe secret key"),
    ("rk_live_", alphanumeric, 10, usize::MAX, "a Stripe restricted key"),
    ("rk_test_", alphanumeric, 10, usize::MAX, "a Stripe restricted key"),
    ("whsec_", alphanumeric, 16, usize::MAX, "a Stripe webhook secret"),
    ("ghp_", alphanumeric, 30, usize::MAX, "a GitHub token"),
    ("gho_", alphanumeric, 30, usize::MAX, "a GitHub token"),
    ("ghu_", alphanumeric, 30, usize::MAX, "a GitHub token"),
    ("ghs_", alphanumeric, 30, usize::MAX, "a GitHub token"),
    ("ghr_", alphanumeric, 30, usize::MAX, "a GitHub token"),
    ("github_pat_", url_safe, 30, usize::MAX, "a GitHub token"),
    ("glpat-", url_safe, 20, usize::MAX, "a GitLab token"),
    ("AKIA", upper_or_digit, 16, 16, "an AWS access key ID"),
    ("ASIA", upper_or_digit, 16, 16, "an AWS access key ID"),
    ("xoxb-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xoxp-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xoxa-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xoxr-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xoxs-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xoxe-", url_safe, 10, usize::MAX, "a Slack token"),
    ("xapp-", url_safe, 10, usize::MAX, "a Slack token"),
    ("hvs.", url_safe, 24, usize::MAX, "a Vault token"),
    ("hvb.", url_safe, 24, usize::MAX, "a Vault token"),
    ("hvr.", url_safe, 24, usize::MAX, "a Vault token"),
    ("AIza", url_safe, 35, 35, "a Google API key"),
    ("npm_", alphanumeric, 36, 36, "an npm token"),
    ("sk-ant-", url_safe, 32, usize::MAX, "an Anthropic API key"),
    ("sk-", url_safe, 40, usize::MAX, "an OpenAI API key"),
];

fn token_at(text: &str) -> Option<&'static str> {
    let first = text.as_bytes().first();
    for (prefix, charset, least, most, what) in TOKEN_FORMATS {
        // Most words start with none of the prefixes: their first byte rules out all but a few.
        if prefix.as_bytes().first() != first {
            continue;
        }
        let Some(rest) = text.strip_prefix(prefix) else { continue };
        let length = rest.bytes().take_while(|byte| charset(*byte)).count();
        // A fixed-length format must end there, not run on into more letters.
        let ends = rest.as_bytes().get(length).is_none_or(|byte| !byte.is_ascii_alphanumeric());
        if length >= least && length <= most && (most == usize::MAX || ends) {
            return Some(what);
        }
    }
    if let Some(rest) = text.strip_prefix(SENDGRID_PREFIX) {
        let parts: Vec<usize> =
            rest.split('.').take(2).map(|part| part.bytes().take_while(|b| url_safe(*b)).count()).collect();
        if parts == [22, 43] {
            return Some("a SendGrid API key");
        }
    }
    jwt(text).then_some("a JSON Web Token")
}

/// `eyJ...` `.eyJ...` `.signature`: a JSON header and payload, base64url-encoded, and a signature.
fn jwt(text: &str) -> bool {
    let mut parts = text.splitn(3, '.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let part = |part: &str| part.len() >= 10 && part.starts_with(JWT_PART_PREFIX) && part.bytes().all(url_safe);
    let signature = signature.bytes().take_while(|byte| url_safe(*byte)).count();
    part(header) && part(payload) && signature >= 16
}

/// `-----BEGIN RSA PRIVATE KEY-----` and every other private key label (`EC`, `OPENSSH`, `ENCRYPTED`,
/// `PGP ... BLOCK`); certificates and public keys are not secret.
fn private_key(text: &str) -> bool {
    text.match_indices("-----BEGIN ").any(|(at, begin)| {
        let label = window(text, at + begin.len(), 64);
        label.find("-----").is_some_and(|end| label[..end].contains("PRIVATE KEY"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_credentials_and_of_where_they_are() {
        for name in [
            "DB_PASSWORD",
            "PGPASSWORD",
            "JWT_SECRET",
            "api-token",
            "--db-password",
            "-Dspring.datasource.password",
            "DB_PASS",
            "MYSQL_PWD",
            "apiKey",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(credential_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "secretName",
            "existingSecret",
            "secretKeyRef",
            "TOKEN_TTL",
            "PWD",
            "BYPASS_CACHE",
            "COMPASS_URL",
            "HOST",
        ] {
            assert!(!credential_name(name), "{name}");
        }
    }

    #[test]
    fn fields_holding_credentials_end_in_one() {
        for key in [
            "adminPassword",
            "password",
            "apiToken",
            "client.secret",
            "clientSecret",
            "privateKey",
            "secret",
            "vault.hashicorp.com/token",
        ] {
            assert!(credential_field(key), "{key}");
        }
        for key in [
            "existingSecret",
            "passwordSecret",
            "tlsSecret",
            "adminPasswordKey",
            "passwordPolicy",
            "vault.hashicorp.com/agent-inject-secret-db",
            "secretName",
        ] {
            assert!(!credential_field(key), "{key}");
        }
    }

    #[test]
    fn known_token_formats_are_found_in_any_text() {
        let cases = [
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
            ("token ghp_16C7e42F292c6912E7710c838347Ae178B4a here", "a GitHub token"),
            ("AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"),
            ("xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "a Slack token"),
            (
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "a JSON Web Token",
            ),
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
                "a PEM private key",
            ),
            ("hvs.CAESIJlZ8Y3bmV5bmV5bmV5bmV5bmV5bmV5bmV5bmV5", "a Vault token"),
        ];
        for (text, what) in cases {
            assert_eq!(token(text), Some(what), "{text}");
        }
        for text in [
            "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "sk_live_",
            "-----BEGIN CERTIFICATE-----",
            "AKIAIOSFODNN7EXAMPLEX",
            "MAKIAIOSFODNN7EXAMPLE",
            "eyJhbGciOiJIUzI1NiJ9",
            "ghp_short",
            "https://github.com/flowmind/flowmind-gitops.git",
        ] {
            assert_eq!(token(text), None, "{text}");
        }
    }

    #[test]
    fn assignments_in_text() {
        let found: Vec<(&str, &str)> = assignments(
            "spring.datasource.password=hunter2\nredis:\n  password: \"s3cret\"\nexport PGPASSWORD='x y' && psql\n{\"token\": \"abc\"}\nurl=jdbc:postgresql://db:5432/x?user=a&password=b",
            |_| true,
        )
        .collect();
        for pair in [
            ("spring.datasource.password", "hunter2"),
            ("password", "s3cret"),
            ("PGPASSWORD", "x y"),
            ("token", "abc"),
            ("password", "b"),
        ] {
            assert!(found.contains(&pair), "{pair:?} not in {found:?}");
        }
    }

    #[test]
    fn text_findings_and_what_is_left_alone() {
        assert_eq!(text("--db-password=hunter2"), Some(Finding::Named("--db-password".to_owned())));
        assert_eq!(text("PGPASSWORD=hunter2 psql -h db"), Some(Finding::Named("PGPASSWORD".to_owned())));
        assert_eq!(
            text("spring.datasource.password=hunter2"),
            Some(Finding::Named("spring.datasource.password".to_owned()))
        );
        assert_eq!(text("postgres://app:hunter2@db:5432/app"), Some(Finding::UrlPassword));
        for fine in [
            "--db-password=$(DB_PASSWORD)",
            "spring.datasource.password=${DB_PASSWORD}",
            "password:",
            "password: \"\"",
            "--password-file=/run/secrets/db",
            "token_ttl: 3600",
            "session.token.timeout=30m",
            "postgres://app@db:5432/app",
            "postgres://app:${DB_PASSWORD}@db:5432/app",
            "auth_required=true",
            "http://example.com:8080/x",
            "existingSecret: postgresql-secret",
            "https:/ѕ:ѕ=ѕ",
            "ѕ://x@ѕ:8080/ѕ",
        ] {
            assert_eq!(text(fine), None, "{fine}");
        }
    }

    #[test]
    fn keyed_values() {
        assert_eq!(
            keyed("STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", credential_name),
            Some(Finding::Token("a Stripe secret key"))
        );
        assert_eq!(keyed("DB_PASSWORD", "hunter2", credential_name), Some(Finding::Named("DB_PASSWORD".to_owned())));
        assert_eq!(keyed("DB_PASSWORD", "${DB}", credential_name), None);
        assert_eq!(keyed("TOKEN_URL", "https://auth.example.com/token", credential_name), None);
        assert_eq!(keyed("existingSecret", "db", credential_field), None);
    }

    #[test]
    fn any_text_is_scanned_in_linear_time_without_a_panic() {
        for unit in
            ["a=", "password=", "://", "eyJaaaaaaaaaa.", "-----BEGIN ", "\"k\":'", "ѕ:", "AKIA", "sk_live_", "x"]
        {
            let long = unit.repeat(500_000 / unit.len());
            let started = std::time::Instant::now();
            let _ = text(&long);
            let _ = keyed("PASSWORD", &long, credential_name);
            // A quadratic scan of 500 kB takes minutes; a linear one well under a second, even unoptimised.
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{unit}: {:?}", started.elapsed());
        }
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_the_scan_panic(value in "\\PC{0,64}", key in "\\PC{0,16}") {
            let _ = keyed(&key, &value, credential_name);
            let _ = keyed(&key, &value, credential_field);
        }
    }
}
