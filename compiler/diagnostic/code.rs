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

    DuplicateName = "N003", "duplicate-name",
"A service and a component have the same name, so `uses` and `${...}` references to it would be
ambiguous.

Fix: rename one of them.";

    ReservedNamespace = "N004", "reserved-namespace",
"A service or component is put in `default` or a `kube-*` namespace. Slipway manages the namespaces it
deploys to (Pod Security labels, default-deny network policies, quotas), which must never happen to
Kubernetes' own namespaces, and nothing belongs in `default`.

Example:
    [components.sealed-secrets]
    namespace = \"kube-system\"

Fix: give it a namespace of its own: `namespace = \"sealed-secrets\"`.";

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

    UnknownDependency = "R003", "unknown-dependency",
"A service or component `uses` something that is not declared in `[services]` or `[components]`.

Example:
    [services.web]
    uses = [\"acounts\"]

Fix: name a declared service or component (the help suggests the closest one).";

    DependencyCycle = "R004", "dependency-cycle",
"Services or components depend on each other in a circle through `uses`, so none of them can start first and the
sync order cannot be computed.

Example:
    [services.a]
    uses = [\"b\"]
    [services.b]
    uses = [\"a\"]

Fix: remove one of the dependencies in the cycle the message lists.";

    UndeclaredDatabase = "R005", "undeclared-database",
"A service uses a database that its component does not declare. Databases are created by the
component (PostgreSQL's initdb script), so a database that is not declared would not exist.

Example:
    [components.postgresql]
    databases = [\"accounts\"]
    [services.billing]
    uses = [\"postgresql:billing\"]

Fix: add the database to the component's `databases`, or correct its name.";

    UnusedSecret = "S003", "unused-secret",
"A declared secret is used by no service in any environment (a warning).

Example:
    [secrets.old-api-key]
    keys = [\"token\"]            # nothing references it

Fix: remove the declaration, or reference it where it is needed.";

    UnusedSecretKey = "S004", "unused-secret-key",
"A key of a declared secret is used by nothing in any environment (a warning). A secret exposed whole
through `env_from` or used as an image pull secret uses all its keys.

Example:
    [secrets.billing-db]
    keys = [\"url\", \"password\"]   # only `url` is referenced

Fix: remove the key, or reference it.";

    CredentialLiteral = "S005", "credential-literal",
"A value that looks like a credential is written in the platform file, which is committed and
rendered into `out/` in plain text: an environment variable or config key named like PASSWORD,
SECRET, TOKEN, API_KEY or PRIVATE_KEY with a literal value, or a URL with `user:password@` in it.

Example:
    env.STRIPE_SECRET_KEY = \"sk_live_...\"

Fix: declare the secret in `[secrets]` and reference it:
    env.STRIPE_SECRET_KEY = { secret = \"stripe\", key = \"secret-key\" }";

    UndeclaredSecretStore = "S006", "undeclared-secret-store",
"An `external-secrets` secret names no store, or a store that is not declared in `[secret_stores]`.

Example:
    [secrets.api]
    backend = \"external-secrets\"
    store = \"vault\"               # no [secret_stores.vault]

Fix: declare the store:
    [secret_stores.vault]
    kind = \"ClusterSecretStore\"
    provider = \"vault\"";

    SealedSecretMismatch = "S007", "sealed-secret-mismatch",
"The SealedSecret file of a `sealed-secrets` secret (`platform/secrets/<name>.yaml`, as written by
`kubeseal --format json`) is missing, is not a SealedSecret, is for another name, or does not carry
exactly the declared keys.

Fix: seal the secret again with the declared name and keys:
    kubectl create secret generic <name> --dry-run=client -o json --from-literal=... |
      kubeseal --format json > platform/secrets/<name>.yaml";

    SecretNotDeliverable = "S008", "secret-not-deliverable",
"A secret is used in a namespace its backend cannot deliver it to: a SealedSecret decrypts only in the
namespace it was sealed for, so using it in another namespace fails when the pod starts.

Fix: use the secret only in the namespace it was sealed for, or declare one sealed secret per namespace.";

    IncompleteSecretBackend = "S009", "incomplete-secret-backend",
"A secret's backend lacks a setting it needs: `aws-secrets-manager` needs a `region`.

Example:
    [secrets.db]
    backend = \"aws-secrets-manager\"
    keys = [\"password\"]              # no region

Fix: `region = \"us-east-1\"`.";

    DuplicateContainerPort = "X001", "duplicate-container-port",
"Two ports of one service use the same container port number (and protocol).

Example:
    ports = [{ name = \"http\", port = 8080 }, { name = \"admin\", port = 8080 }]

Fix: give each port its own number.";

    DuplicatePortName = "X002", "duplicate-port-name",
"Two ports of one service have the same name. Port names are how probes and the Service refer to
ports, so they must be unique.

Example:
    ports = [{ name = \"http\", port = 8080 }, { name = \"http\", port = 9090 }]

Fix: rename one of them.";

    UndeclaredProbePort = "X003", "undeclared-probe-port",
"A probe checks a port the service does not declare, so it would always fail.

Example:
    ports = [{ name = \"http\", port = 8080 }]
    liveness = { path = \"/healthz\", port = \"admin\" }

Fix: probe a declared port by name or number, or declare the port.";

    DuplicateServicePort = "X004", "duplicate-service-port",
"Two ports of one service are exposed on the same Service port number.

Example:
    ports = [{ name = \"http\", port = 8080, service_port = 80 }, { name = \"web\", port = 8081, service_port = 80 }]

Fix: give each a distinct `service_port`.";

    NodePortOutOfRange = "X005", "node-port-out-of-range",
"A NodePort is outside 30000-32767, the range Kubernetes allocates NodePorts from by default.

Example:
    ports = [{ name = \"http\", port = 8000, node_port = 8080 }]

Fix: pick a port from 30000 to 32767.";

    DuplicateNodePort = "X006", "duplicate-node-port",
"Two ports in one environment claim the same NodePort; the second Service would be rejected.

Fix: give each NodePort its own number.";

    PortRegistryConflict = "X007", "port-registry-conflict",
"With `[platform] port_registry = true`, every service's container ports must be unique across the
whole platform (the port registry of seed 004), and two services use the same one.

Fix: give the service a port of its own; the registry table in `out/<env>/README.md` lists the
ports in use.";

    InvalidAutoscale = "X008", "invalid-autoscale",
"A service's `autoscale` is one the API server refuses or one that is almost surely a mistake: `min`
below 1 (scaling to zero needs an alpha feature gate), `max` below `min`, a `cpu` or `memory` target
utilisation of 0 (refused), or above 100 percent of requests (the autoscaler would add pods only once
pods use more than they request, which the budget does not count on).

Example:
    autoscale = { min = 0, max = 0, cpu = 0 }

Fix: `autoscale = { min = 2, max = 6, cpu = 70 }`.";

    RouteConflict = "G001", "route-conflict",
"Two services claim the same host and path in one environment, so the gateway cannot tell which
one a request is for.

Example:
    [services.a]
    routes = [\"/api/v1/orders\"]
    [services.b]
    routes = [\"/api/v1/orders\"]

Fix: give each service its own path, or put one of them on another host.";

    InvalidRoutePath = "G002", "invalid-route-path",
"A route's path is malformed: it must start with `/` and hold no spaces, `?` or `#`.

Example:
    routes = [\"api/v1/orders\"]

Fix: `routes = [\"/api/v1/orders\"]`.";

    InvalidRouteHost = "G003", "invalid-route-host",
"A route's host is not a valid DNS name (lowercase labels of letters, digits and `-`, separated by
dots; a leading `*.` is allowed).

Example:
    routes = [{ path = \"/\", host = \"Shop_Example.com\" }]

Fix: `host = \"shop.example.com\"`.";

    BudgetOverflow = "B001", "budget-overflow",
"The pods of an environment do not fit its nodes. Slipway counts every pod at its highest replica
count (the autoscaler's `max`), the surge of a rolling update of the largest Deployment, and ArgoCD
itself, then places the pods on the nodes largest first. A sum is not enough: a 6 GiB pod does not
fit on three 4 GiB nodes.

Fix: add nodes or memory to the environment's `cluster`, or lower replicas or requests. The message
lists the largest consumers; `slipway budget` prints the whole table.";

    RequestsExceedLimits = "B002", "requests-exceed-limits",
"A container requests more memory or CPU than its limit, which Kubernetes rejects.

Example:
    resources = { requests = { memory = \"1Gi\" }, limits = { memory = \"512Mi\" } }

Fix: raise the limit or lower the request.";

    MissingRequests = "B003", "missing-requests",
"A container has no memory or CPU request after presets and defaults, so the scheduler cannot
account for it and the budget cannot either.

Example:
    [services.worker]
    image = \"registry/worker:1.0\"      # no runtime preset, no resources

Fix: set `resources.requests`, pick a `runtime` preset, or set requests in `[defaults.service]`.";

    LimitOvercommit = "B004", "limit-overcommit",
"The sum of limits in an environment exceeds its allocatable capacity by more than the platform's
overcommit policy (`[platform] overcommit`, default 2.0), a warning: if many pods burst at once,
nodes run out of memory.

Fix: lower limits, add capacity, or raise `overcommit` deliberately.";

    UnreasonableQuantity = "B005", "unreasonable-quantity",
"A number is past what any cluster has, so it is a mistake rather than a plan, and sums of it would
not fit the 64-bit integers Kubernetes counts in. Kubernetes is designed for clusters of at most 5,000
nodes, 150,000 pods and 110 pods per node (kubernetes.io, \"Considerations for large clusters\"), and
one environment is one cluster. Slipway's ceilings:
    nodes                                    5,000
    max_pods (per node)                      1,000 (kubelet's default is 110)
    replicas, autoscale max, per workload    10,000
    pods of an environment, at their max     150,000
    memory of a node, request or limit       1Pi
    CPU of a node, request or limit          100000 cores
and every sum of the budget (a workload's requests and limits, the environment's, the quotas grown by
`quota_headroom`) within 2^63 - 1 bytes or millicores. While a number is past its ceiling, the
environment's budget is not checked further (B001, B004).

Example:
    [cluster]
    nodes = 4294967295

Fix: write what the cluster really has, and what the workload really needs.";

    InvalidHeadroom = "B006", "invalid-headroom",
"A factor of the budget policy is outside its sane range: `[platform] quota_headroom` (the room each
namespace's ResourceQuota leaves above its budget, a fraction) must be from 0 to 10, and
`[platform] overcommit` (how far the sum of limits may exceed allocatable capacity before B004 warns, a
factor) from 1 to 100. A headroom of 1e10 used to give quotas that overflow to zero and block every pod,
and a negative one was silently taken as 0.

Example:
    [platform]
    quota_headroom = -0.5

Fix: `quota_headroom = 0.1` (10% room), `overcommit = 2.0`.";

    MutableImageTag = "Y001", "mutable-image-tag",
"An image has no tag or the tag `latest`, so what runs can change without a change to the platform.
It is an error in staging and production environments and a warning in development ones.

Example:
    image = \"ghcr.io/flowmind/api:latest\"

Fix: pin a version: `image = \"ghcr.io/flowmind/api:1.4.2\"` (CI can bump it).";

    SingleReplicaProduction = "Y002", "single-replica-production",
"A service runs one replica without an autoscaler in a production environment, so every rollout
or node failure is an outage (a warning).

Fix: `replicas = 2` or more, or `autoscale = { min = 2, max = ... }`.";

    RootContainer = "Y003", "root-container",
"A container runs as root (`run_as_non_root = false` or `run_as_user = 0`) or privileged, which
Pod Security \"restricted\" forbids. It is an error unless the service says why in
`security.exception`.

Example:
    security = { run_as_user = 0 }

Fix: run as a non-root user, or add `exception = \"why this is needed\"` and relax the namespace.";

    UnpinnedChart = "Y004", "unpinned-chart",
"A component's chart has no version, or a range (`^15`, `~1.2`, `15.x`, `>=1`, `*`), so what ArgoCD
installs can change without a change to the platform.

Example:
    [components.postgresql]
    kind = \"postgresql\"
    chart = { version = \"^15\" }

Fix: pin an exact version: `chart = { version = \"15.5.20\" }`.";

    WildcardRedirect = "Y005", "wildcard-redirect",
"An identity client accepts `*` as a redirect URI or web origin, so tokens can be sent anywhere. It
is an error in production environments and a warning elsewhere.

Example:
    clients.flowmind-api = { redirect_uris = [\"*\"] }

Fix: list the exact URIs, such as `https://app.example.com/*`, in an environment overlay.";

    UnknownChartVersion = "C001", "unknown-chart-version",
"A typed component pins a chart version whose contract Slipway has not read. Each kind knows, for
the chart versions it lists, where its values go, the labels its pods carry, the pods it runs and
the images it pulls; for another version those facts may be wrong, and what ArgoCD installs would
silently differ from what Slipway checked.

Example:
    [components.postgresql]
    kind = \"postgresql\"
    chart = { version = \"16.0.0\" }     # the catalog knows 15.5.20

Fix: pin a version the catalog lists (`slipway explain C001` and the README's component table name
them), or use `kind = \"helm\"` with the full chart and write its values yourself.";

    UnpinnedGeneratedValue = "C002", "unpinned-generated-value",
"A component's chart generates a value at random on every render unless it is read from an existing
Secret: a password, RabbitMQ's Erlang cookie, Kafka's cluster ID. ArgoCD renders the chart on every
refresh, so the Application is never in sync and its pods restart; a new Kafka cluster ID even
stops new nodes from joining. Slipway reads each such value from the component's credentials secret.

Example:
    [components.rabbitmq]
    kind = \"rabbitmq\"
    credentials = { secret = \"rabbitmq-secret\", key = \"password\" }
    # [secrets.rabbitmq-secret] keys = [\"password\"]   <- no `erlang-cookie`

Fix: give the component `credentials = { secret, key }` and declare the keys the message names in
that secret.";

    FixedPodCount = "C003", "fixed-pod-count",
"A component sets `replicas`, but its chart runs a fixed number of pods (one PostgreSQL primary, one
sealed-secrets controller) or one per node. The budget would count pods that never run.

Fix: remove `replicas`, or choose the chart's own high-availability settings in `values` and
count them with a `helm` component.";

    IncompleteComponent = "C004", "incomplete-component",
"A component lacks something its chart needs to do its job: MetalLB announces nothing without an
address pool; Keycloak without a PostgreSQL component to use would run a database of its own that
nothing counts.

Example:
    [components.metallb]
    kind = \"metallb\"
    chart = { version = \"0.14.5\" }

Fix: add what the message names, such as `addresses = [\"192.168.1.240-192.168.1.250\"]`.";

    MeshNeedsCapabilities = "C005", "mesh-needs-capabilities",
"`mesh = \"linkerd\"` injects linkerd-init into every service pod, and linkerd-init needs the
NET_ADMIN and NET_RAW capabilities, which Pod Security \"restricted\" (and \"baseline\") refuses:
every meshed pod would be rejected.

Fix: install linkerd-cni and say so with `[platform] mesh_cni = true` (the proxy then needs no
capabilities), or set `pod_security = \"privileged\"` with a `reason` on the services' namespaces.";

    JwtWithoutConsumer = "G004", "jwt-without-consumer",
"`[gateway] jwt` puts Kong's JWT plugin on every route, and Kong accepts only tokens that match a
KongConsumer's JWT credential: with no consumer, every call gets 401.

Example:
    [gateway]
    kind = \"kong\"
    jwt = { key_claim = \"iss\" }

Fix: `jwt = { key_claim = \"iss\", consumers = [{ name = \"keycloak\", secret = \"kong-jwt-keycloak\" }] }`,
with the secret declaring `key` (the claim's value), `algorithm` and `rsa_public_key`.";

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
