//! Stable diagnostic codes: a family letter and three digits, each with a name and the text
//! `slipway explain <CODE>` prints (what triggers it, an example, the fix).

macro_rules! codes {
    ($($variant:ident = $id:literal, $name:literal, $explain:literal;)*) => {
        /// Every code Slipway reports. Codes never change meaning once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// `P001`, `S001`, ...
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            /// A short kebab-case name, such as `undeclared-secret`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What triggers the code, an example and the fix.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => $explain,)*
                }
            }
        }
    };
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    TomlSyntax = "P001", "toml-syntax",
"The platform file is not valid TOML.

Example:
    image = \"ghcr.io/flowmind/api:1.0     # the closing quote is missing

Fix: correct the syntax at the position shown. Slipway reads TOML 1.0.";

    UnknownKey = "P002", "unknown-key",
"A table has a key Slipway does not know. Unknown keys are errors rather than being ignored,
because a misspelled key would otherwise silently do nothing.

Example:
    [services.api]
    imgae = \"ghcr.io/flowmind/api:1.0\"

Fix: use one of the keys listed in the message (the help suggests the closest one), or see
schema/platform.schema.json for every key.";

    WrongType = "P003", "wrong-type",
"A value has the wrong type, such as a string where a number is expected.

Example:
    replicas = \"3\"

Fix: write the type the message names: `replicas = 3`.";

    MissingKey = "P004", "missing-key",
"A required key is missing. After defaults and environment overlays are merged, every service
needs an `image`; `[platform]` needs `name` and `repo`; every secret needs `keys`.

Example:
    [services.api]
    runtime = \"node\"            # no image

Fix: add the key, in the service itself or in `[defaults.service]`.";

    InvalidQuantity = "P005", "invalid-quantity",
"A memory, CPU or duration value is malformed. Quantities are parsed when the file is loaded,
with the units Kubernetes uses: memory in `Ki`, `Mi`, `Gi` (binary) or `k`, `M`, `G` (decimal);
CPU in cores (`1`, `0.5`) or millicores (`250m`); durations as `30s`, `2m`, `1m30s`.

Example:
    memory = \"512MB\"

Fix: `memory = \"512Mi\"`.";

    InvalidName = "N001", "invalid-name",
"A name is not a valid DNS-1123 label: at most 63 lowercase letters, digits and `-`, starting
and ending with a letter or digit. Services, secrets, namespaces, environments and the platform
become Kubernetes object names, so they must be labels.

Example:
    [services.Account_Service]

Fix: `[services.account-service]`.";

    NameTooLong = "N002", "name-too-long",
"A name Slipway derives from yours is longer than 63 characters, the limit for Kubernetes names
and label values. For example the ArgoCD Application of a service is `<environment>-<service>`.

Example:
    [services.a-very-long-service-name-that-goes-on-and-on-and-on-and-on]

Fix: shorten the service or environment name the message points at.";

    UnknownService = "R001", "unknown-service",
"An environment overrides a service that is not declared in `[services]`.

Example:
    [environments.production.services.acount-service]
    replicas = 3

Fix: correct the name (the help suggests the closest service), or declare the service.";

    UnresolvedReference = "R002", "unresolved-reference",
"A `${...}` reference in a value resolves to nothing. References are expanded at compile time:
`${platform.name}`, `${environment.name}`, and `${services.<name>.host}`, `.port`, `.url` and
`.namespace`.

Example:
    env.ACCOUNTS_URL = \"${services.acount-service.url}\"

Fix: reference an existing service and one of the listed fields.";

    UndeclaredSecret = "S001", "undeclared-secret",
"A service uses a secret that is not declared in `[secrets]`. Every secret a pod needs must be
declared, so that a missing one fails the build instead of a pod.

Example:
    env.STRIPE_SECRET_KEY = { secret = \"stripe-secrets\", key = \"secret-key\" }

Fix: declare it:
    [secrets.stripe-secrets]
    keys = [\"secret-key\"]";

    UndeclaredSecretKey = "S002", "undeclared-secret-key",
"A service uses a key that its secret does not declare.

Example:
    [secrets.stripe-secrets]
    keys = [\"secret-key\"]
    ...
    env.STRIPE_KEY = { secret = \"stripe-secrets\", key = \"api-key\" }

Fix: use a declared key, or add the key to the secret's `keys`.";

    StaleOutput = "O001", "stale-output",
"`out/` does not match a fresh render of the platform: a file is missing, changed, or was
generated by an earlier build and is no longer produced. ArgoCD syncs `out/`, so it must be
exactly what the platform says.

Fix: run `slipway build` (or `cargo run -- build`) and commit `out/`.";

    UnmanagedFile = "O002", "unmanaged-file",
"A file inside `out/` was not generated by Slipway (it has no generated header). ArgoCD would
sync it like any other manifest, so it is reported; Slipway never deletes or overwrites it.

Fix: move the file out of `out/`, or describe the object in platform.toml.";

    StaleSchema = "O003", "stale-schema",
"`schema/platform.schema.json` does not match the schema of this version of Slipway.

Fix: run `slipway build` or `slipway schema` and commit `schema/`.";
}
