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

    ServiceGroup = "P008", "service-group",
"A service names a `group` that `[defaults.groups]` does not declare (in the base platform or in the
environment's `defaults`), or `group` is written in `[defaults.service]` or a group, where it would
mean nothing: each service chooses its group.

Example:
    [defaults.groups.frontend]
    env.API_URL = \"https://api.example.com\"

    [services.web]
    group = \"frontends\"

Fix: name a declared group (`group = \"frontend\"`), or declare it.";

    UnsetNotInherited = "P009", "unset-not-inherited",
"An `unset` entry names a key, or an entry of `env`, `config`, `pod_annotations`, `pod_labels` or
`node_selector`, that the table does not inherit: from `[defaults.service]` for a group, from the
defaults and its group for a service, from the service for its environment overlay. It is most
often a typo, which would otherwise leave the setting inherited.

Example:
    [defaults.service]
    env.DB_PASSWORD = { secret = \"db\", key = \"password\" }

    [services.web]
    unset = [\"env.DB_PASWORD\"]

Fix: name what is inherited (`unset = [\"env.DB_PASSWORD\"]`), or remove the entry.";

    InvalidName = "N001", "invalid-name",
"A name is not a valid DNS-1123 label: at most 63 lowercase letters, digits and `-`, starting
and ending with a letter or digit. Services, secrets, namespaces (ArgoCD's too), environments and the
platform become Kubernetes object names, so they must be labels. A ConfigMap named in `env_from` must be
a DNS-1123 subdomain: labels joined by dots.

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

    ReservedName = "N006", "reserved-name",
"A service or component has a name Slipway gives to objects of its own, so one would silently
replace the other: the ArgoCD Applications of an environment's directories (`platform`, `secrets`,
`gateway`, `identity`, `consumers`) and its root (`root`), and the NetworkPolicies every namespace
gets (`default-deny`, `allow-dns`), which are named like the services' and components' own.

Example:
    [services.gateway]        # its Application would be the gateway directory's

Fix: rename it, such as `api-gateway`.";

    OverriddenSetting = "N008", "overridden-setting",
"A service sets a pod label or annotation that Slipway sets itself, so one of the two would silently
win: the recommended labels (`app.kubernetes.io/name` and `instance` select the service's pods), the
mesh's annotations (`linkerd.io/inject`, the proxy's resources, which the budget counts), or a
service account role that differs from the role of the AWS secrets it reads. The same holds for
`[argocd] labels` (the recommended labels, by which ArgoCD tracks its Applications) and
`annotations` (`argocd.argoproj.io/sync-wave`, which orders them).
`config.linkerd.io/skip-outbound-ports` is merged, not refused.

Example:
    pod_labels = { \"app.kubernetes.io/name\" = \"api\" }

Fix: remove the key; set what it says where Slipway reads it (`mesh_proxy`, `role_arn`).";

    DuplicateMountPath = "N009", "duplicate-mount-path",
"Two volumes of a service's pod would be mounted on one path, which the API server refuses: each AWS
secret a service reads is mounted at its `mount_path`, and `/tmp` is taken by the writable volume a
read-only root filesystem needs.

Example:
    [secrets.a]  backend = \"aws-secrets-manager\"  mount_path = \"/mnt/secrets\"
    [secrets.b]  backend = \"aws-secrets-manager\"  mount_path = \"/mnt/secrets\"

Fix: give each secret a `mount_path` of its own.";

    DuplicateObject = "N007", "duplicate-object",
"Two objects Slipway would render have the same kind, namespace and name (or would be written to
the same file), so one would silently replace the other when ArgoCD applies them. The names check
catches the known cases (N003, N006); this is the net under them.

Fix: rename one of the things the message names.";

    NameTooLong = "N002", "name-too-long",
"A name Slipway derives from yours is longer than 63 characters, the limit for Kubernetes names
and label values. For example the ArgoCD Application of a service is `<environment>-<service>`.

Example:
    [services.a-very-long-service-name-that-goes-on-and-on-and-on-and-on]

Fix: shorten the service or environment name the message points at.";

    InvalidDatabaseName = "N005", "invalid-database-name",
"A database in a component's `databases` is not a plain identifier: a letter or `_`, then letters,
digits and `_`, at most 63 characters. Slipway writes PostgreSQL's databases into the chart's initdb
SQL script and MongoDB's into the chart's setup scripts, so any other character could end the
statement and run one of its own.

Example:
    databases = [\"x\\\"; DROP DATABASE keycloak; --\"]

Fix: `databases = [\"orders\"]`; use `_` where you would write `-`.";

    UnknownCluster = "N010", "unknown-cluster",
"An environment is placed on a cluster (`cluster = \"<name>\"`) that `[clusters]` does not declare.

Example:
    [clusters.main]
    nodes = 3
    [environments.dev]
    cluster = \"mian\"

Fix: name a declared cluster, declare `[clusters.<name>]` with its capacity and `server`, or give the
environment a cluster of its own with a table: `cluster = { nodes = 3 }`.";

    SharedComponentConflict = "N011", "shared-component-conflict",
"Environments placed on one cluster declare a cluster-wide component (an operator, an ingress or
gateway controller, a mesh, MetalLB; the README's table of kinds marks them)
differently. Slipway renders such a component once per cluster, into `out/clusters/<name>/`, so there
can be only one: with one chart, version, namespace and set of values, under one name, and one
component of each cluster-wide kind.

Example:
    [environments.dev]
    cluster = \"main\"
    components.ingress = { chart = { version = \"4.10.1\" }, values = { controller = { replicaCount = 1 } } }
    [environments.production]
    cluster = \"main\"
    components.ingress = { values = { controller = { replicaCount = 3 } } }

Fix: declare the component alike in every environment on the cluster (in the base platform, not in
the overlays), or place the environments on clusters of their own.";

    ClusterNameTaken = "N012", "cluster-name-taken",
"A cluster in `[clusters]` has the name of an environment, or an environment is named `clusters`
while the platform declares clusters. A shared cluster's objects go to `out/clusters/<name>/` and its
ArgoCD objects are named like an environment's (`<name>-root`, `<platform>-<name>`), so the two would
overwrite each other.

Example:
    [clusters.dev]
    [environments.dev]
    cluster = \"dev\"

Fix: rename the cluster, such as `[clusters.dev-cluster]`.";

    UnknownService = "R001", "unknown-service",
"An environment overrides a service that is not declared in `[services]`, or a component that is not
declared in `[components]`.

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

    SyncOrder = "R007", "sync-order",
"Slipway's sync waves would deliver something after what needs it: a secret after a data store that
reads it, an operator after the secrets it delivers, a component after the service that uses it.
ArgoCD waits for each wave to be healthy, and what waits for a later wave never is: the sync stops.
The waves are computed to avoid this, so this error means a fault in Slipway; it names the chain.

Fix: report it with the platform; meanwhile, removing the dependency the message names avoids it.";

    BlockedEdge = "R008", "blocked-edge",
"The NetworkPolicies Slipway rendered would block traffic the platform declares: a service to what it
`uses`, the gateway to a routed service, a pod to DNS. Slipway simulates the policies it renders, with
the labels the pods really carry (a Deployment's template, a chart's pods as its contract says), before
writing anything. This error means a fault in Slipway, or a chart whose pods are labelled otherwise.

Fix: report it with the platform; `network_policies = false` in the environment is the workaround.";

    ReferenceWithoutUses = "R006", "reference-without-uses",
"A service reads another service or a component through `${...}` (its URL, host or port) without
naming it in `uses`. `uses` is what orders the sync waves and what the NetworkPolicies allow, so the
traffic the reference means would be blocked, and the dependency could start after it.

Example:
    [services.web]
    env.API_URL = \"${services.api.url}\"      # but `uses` does not name `api`

Fix: add the target to `uses`: `uses = [\"api\"]`.";

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
"A value written into `out/`, which is committed in plain text, holds a credential. Every string
Slipway writes is looked at: environment variables, config files, commands and arguments, probes,
annotations and labels, chart `values`, realm `settings` and client `attributes`. It is a credential
when it is a literal under a name that says so (`DB_PASSWORD`, `--db-password`, `clientSecret`, a
`{ name, value }` entry named like one), a token in a published format (`sk_live_`, `ghp_`, `AKIA`,
`xoxb-`, `hvs.`, a JSON Web Token, a PEM private key), a URL with `user:password@`, or a
`key=value` or `key: value` line of text under such a name (`spring.datasource.password=...`).
Names of where a credential is (`PASSWORD_FILE`, `TOKEN_URL`, `existingSecret`), references
(`$(DB_PASSWORD)`, `${DB_PASSWORD}`) and empty values are fine.

Example:
    env.STRIPE_SECRET_KEY = \"sk_live_...\"
    args = [\"--db-password=hunter2\"]

Fix: declare the secret in `[secrets]` and reference it:
    env.STRIPE_SECRET_KEY = { secret = \"stripe\", key = \"secret-key\" }
    env.DB_PASSWORD = { secret = \"db\", key = \"password\" }
    args = [\"--db-password=$(DB_PASSWORD)\"]      # Kubernetes expands it
In a config file write `$${DB_PASSWORD}` (Slipway writes `${DB_PASSWORD}`, which Spring and most
loaders read from the environment); in chart values point the chart at a Secret (`existingSecret`,
`valueFrom.secretKeyRef`). The value has been committed: rotate it.";

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
"The SealedSecret file of a `sealed-secrets` secret (`platform/secrets/<env>/<name>.yaml` for one
environment, else `platform/secrets/<name>.yaml`, as written by `kubeseal`, in JSON, its default, or with
`--format yaml`) is missing, cannot be read, is not a SealedSecret, is for another name, or does not
carry exactly the declared keys.

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

    SealedSecretPlaintext = "S010", "sealed-secret-plaintext",
"A SealedSecret file (`platform/secrets/<name>.yaml`) carries the secret in plain text beside its
ciphertext: a `data` or `stringData` field, the same under `spec.template`, or a
`kubectl.kubernetes.io/last-applied-configuration` annotation that holds them (left by `kubectl
apply` of the plain Secret). The file is committed, and would be copied into `out/`.

Example:
    { \"kind\": \"SealedSecret\", \"stringData\": { \"token\": \"...\" }, \"spec\": { \"encryptedData\": ... } }

Fix: remove the field (and rotate the secret: it has been committed), or seal it again from the
plain Secret with `kubeseal --format json`, which writes only `spec.encryptedData`.";

    SecretObjects = "S011", "secret-objects",
"A secret made of several remote secrets (`objects`) also writes `keys` or `remote` in the same
table, or has an object that gives no key. `objects` takes the place of `keys`, `remote` and
`properties`: each object names its remote secret and the Kubernetes keys it gives.

Example:
    [secrets.orders]
    backend = \"aws-secrets-manager\"
    keys = [\"DB_PASSWORD\"]
    objects = [{ remote = \"prod/orders/db\", keys = { DB_PASSWORD = \"password\" } }]

Fix: remove `keys` (and `remote`, `properties`); the objects' keys are the secret's keys.";

    ObjectsNotRemote = "S012", "objects-not-remote",
"A secret whose backend reads no remote store (`sealed-secrets`, `existing`) is made of `objects`.
Only `external-secrets` and `aws-secrets-manager` read remote secrets.

Example:
    [secrets.orders]
    backend = \"sealed-secrets\"
    objects = [{ remote = \"orders/db\", keys = { DB_PASSWORD = \"password\" } }]

Fix: use `keys` with this backend, or a backend that reads the remote store.";

    DuplicateObjectKey = "S013", "duplicate-object-key",
"Two objects of one secret give the same Kubernetes key, or read the same remote secret. The synced
Secret can hold a key once, and the AWS provider refuses two objects of one name.

Example:
    objects = [
      { remote = \"orders/db\", keys = { PASSWORD = \"password\" } },
      { remote = \"orders/kafka\", keys = { PASSWORD = \"password\" } },
    ]

Fix: give each key its own name (`DB_PASSWORD`, `KAFKA_PASSWORD`), and each remote secret one object.";

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
"A route's path is malformed: it must start with `/` and hold only the characters RFC 3986 allows in a
path (letters, digits and `-._~!$&'()*+,;=:@/`, and `%` escapes): no spaces, `?`, `#`, quotes or
backticks. A backtick would end the path inside a Traefik rule and let the rest become a rule of its own.

Example:
    routes = [\"api/v1/orders\"]

Fix: `routes = [\"/api/v1/orders\"]`.";

    InvalidRouteHost = "G003", "invalid-route-host",
"A route's host, or the gateway's `host` (every route's host unless it names its own), is not a valid
DNS name (lowercase labels of letters, digits and `-`, separated by dots; a leading `*.` is allowed).
Hosts are written into Traefik's `Host(...)` rules and Ingress rules as they are.

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

    UndeclaredMetricsPort = "X009", "undeclared-metrics-port",
"A service's `metrics.port` names a port it does not declare, so its ServiceMonitor's endpoint matches
no port of its Service and nothing is scraped.

Example:
    ports = [{ name = \"http\", port = 8080 }]
    metrics = { port = \"metrics\" }

Fix: name one of the service's ports, or declare the metrics port.";

    InvalidExternalPorts = "X010", "invalid-external-ports",
"An external component's ports are malformed: it gives both `port` and `ports`, a port's name is not
an IANA service name (at most 15 lowercase letters, digits and `-`, with a letter, the name a Service
port takes), or a `scheme` is not a URL scheme (a letter, then letters, digits, `+`, `-` or `.`).

Example:
    external = { host = \"host.k3d.internal\", port = 9000, ports = { API = 9000 } }

Fix: `external = { host = \"host.k3d.internal\", ports = { api = 9000, console = 9001 } }`.";

    DuplicateExternalPort = "X011", "duplicate-external-port",
"Two named ports of an external component have the same number: its Service would hold the port
twice, which the API server refuses.

Example:
    external = { host = \"10.0.0.5\", ports = { api = 9000, console = 9000 } }

Fix: give each port its own number, or keep one name for it.";

    PortProtocolConflict = "X012", "port-protocol-conflict",
"With `[platform] port_registry = true`, the registry keeps each port's protocol (TCP or UDP, and
`http`, `grpc` or `websocket` where a route reaches the port), and one port number is used with two
different protocols across the platform: in two environments, or for TCP and UDP.

Example:
    [services.engine]
    ports = [{ name = \"api\", port = 9004 }]
    routes = [{ path = \"/engine\", protocol = \"grpc\" }]

    [environments.dev]
    services.engine = { routes = [{ path = \"/engine\" }] }   # http in dev, grpc elsewhere

Fix: keep one protocol per port number; give the other protocol a port of its own.";

    UnservedRoute = "G006", "unserved-route",
"A service has `routes`, but nothing would serve them: the environment has no `[gateway]` (a
warning: nothing is rendered for the routes), or the service has no port to send them to (an error).

Example:
    [services.worker]
    routes = [\"/jobs\"]            # and no `ports`, no runtime preset

Fix: declare the gateway, or a port, or remove the routes.";

    InvalidEgress = "G005", "invalid-egress",
"A service's `egress` to outside the cluster is not an address block with ports. NetworkPolicies
allow traffic to addresses (CIDRs) and ports, not to DNS names.

Example:
    egress = [{ cidr = \"api.stripe.com\", ports = [443] }]

Fix: `egress = [{ cidr = \"0.0.0.0/0\", ports = [443] }]`, or the provider's published blocks.";

    InvalidTls = "G007", "invalid-tls",
"A host's `[gateway.tls]` entry names no certificate source, or several: exactly one of
`cluster_issuer` (a cert-manager ClusterIssuer), `issuer` (a cert-manager Issuer in each routed
service's namespace) or `secret` (a declared secret holding `tls.crt` and `tls.key`).

Example:
    [gateway.tls.\"shop.example.com\"]
    redirect = true

Fix: `[gateway.tls.\"shop.example.com\"]` with `cluster_issuer = \"letsencrypt\"`.";

    TlsSecretKeys = "G008", "tls-secret-keys",
"A host's TLS `secret` is declared without the keys an Ingress controller reads the certificate
from: `tls.crt` and `tls.key`.

Example:
    [secrets.shop-tls]
    keys = [\"cert\", \"key\"]
    [gateway.tls.\"shop.example.com\"]
    secret = \"shop-tls\"

Fix: `keys = [\"tls.crt\", \"tls.key\"]`.";

    UnusedTls = "G009", "unused-tls",
"A `[gateway.tls]` entry is for a host no route answers on (neither a route's `host` nor the
gateway's `host`, nor covered by a `*.` entry), so no certificate is rendered for it.

Example:
    [gateway]
    host = \"shop.example.com\"
    [gateway.tls.\"shop.example.org\"]
    cluster_issuer = \"letsencrypt\"

Fix: correct the host, or remove the entry.";

    RouteOptionsDisagree = "G010", "route-options-disagree",
"Two routes of one service ask for different `strip_prefix`, `protocol` or `timeout`, or sit on hosts
with different TLS. The gateways apply these to a whole service: Kong reads the protocol and timeouts
from the Kubernetes Service and strip-path from the Ingress, nginx reads every option from the
Ingress, and each service gets one of each.

Example:
    routes = [\"/api\", { path = \"/ws\", protocol = \"websocket\" }]

Fix: give the routes the same options, or split the service.";

    UnsupportedRouteOption = "G011", "unsupported-route-option",
"A route asks for something its gateway kind cannot do: a `timeout` on Traefik (an IngressRoute has
no read timeout of its own), or `strip_prefix` on a gRPC route on Kong (the ingress controller drops
strip-path from gRPC routes, whose path names the method).

Example:
    [gateway]
    kind = \"traefik\"
    [services.chat]
    routes = [{ path = \"/ws\", protocol = \"websocket\", timeout = \"3600s\" }]

Fix: remove the option, or set it on the gateway component's own configuration.";

    UnknownRoutePort = "G012", "unknown-route-port",
"A route's `port` names no port of its service.

Example:
    ports = [{ name = \"http\", port = 8080 }]
    routes = [{ path = \"/rpc\", port = \"grpc\" }]

Fix: name one of the service's ports, or declare the port.";

    PodSecurityWithoutReason = "Y006", "pod-security-without-reason",
"A namespace relaxes Pod Security below `restricted` (to `baseline` or `privileged`) without saying why.
Slipway labels every namespace it manages `restricted`; relaxing it lets pods run as root or on the
host, so the reason is written into the Namespace's annotations for reviewers.

Example:
    [namespaces.monitoring]
    pod_security = \"privileged\"

Fix: `pod_security = \"privileged\", reason = \"node-exporter reads the host's /proc and /sys\"`.";

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

    ComponentSettingNotRead = "C006", "component-setting-not-read",
"A component sets something its kind's chart does not read: a `node_port` on a kind whose Service
takes none (only `grafana` does), `aws` on a kind other than `aws-load-balancer-controller`, or either on
an external component. The setting would silently do nothing, and a NodePort would be checked but never
opened.

Example:
    [components.postgresql]
    kind = \"postgresql\"
    node_port = 30432

Fix: remove the setting, or use the kind that reads it; a `helm` component takes any value in `values`.";

    ArangodbWithoutRootPassword = "C007", "arangodb-without-root-password",
"An `arangodb` component has no `credentials`. Slipway renders its ArangoDeployment with
`spec.bootstrap.passwordSecretNames.root` naming the credentials secret; without one, kube-arangodb's
default is `None`: the root user has an empty password (pkg/apis/deployment/v1/bootstrap.go at 1.4.4).

Example:
    [components.arangodb]
    kind = \"arangodb\"

Fix: declare `[secrets.arangodb-root] keys = [\"username\", \"password\"]` and add
`credentials = { secret = \"arangodb-root\", key = \"password\" }`.";

    ArangodbRootSecretKeys = "C008", "arangodb-root-secret-keys",
"The kube-arangodb operator reads the root user's secret by fixed keys, `username` and `password`
(`GetSecretAuthCredentials`, pkg/util/k8sutil/secrets.go at 1.4.4): a `credentials` key other than
`password`, or a secret that does not declare both keys, leaves the deployment unable to bootstrap.

Example:
    [secrets.arangodb-root]
    keys = [\"root-password\"]

Fix: declare `keys = [\"username\", \"password\"]` (the username is `root`) and write
`credentials = { secret = \"arangodb-root\", key = \"password\" }`.";

    JwtWithoutConsumer = "G004", "jwt-without-consumer",
"`[gateway] jwt` puts Kong's JWT plugin on every route, and Kong accepts only tokens that match a
KongConsumer's JWT credential: with no consumer, every call gets 401.

Example:
    [gateway]
    kind = \"kong\"
    jwt = { key_claim = \"iss\" }

Fix: `jwt = { key_claim = \"iss\", consumers = [{ name = \"keycloak\", secret = \"kong-jwt-keycloak\" }] }`,
with the secret declaring `key` (the claim's value), `algorithm` and `rsa_public_key`.";

    GatewayFeatureUnsupported = "G015", "gateway-feature-unsupported",
"The gateway is an AWS Application Load Balancer (`kind = \"alb\"`), and the platform asks of it what
an ALB cannot do: answer CORS preflights (`cors`), verify JWTs (`jwt`), add a correlation ID
(`correlation_id = true`), limit the rate of routes (`rate_limit`, the gateway's or a routed service's),
or listen on NodePorts (`node_ports`). Slipway refuses rather than drop them silently. The `alb` table
on another kind of gateway is reported too: nothing would read it.

Example:
    [gateway]
    kind = \"alb\"
    rate_limit = { per_minute = 60 }

Fix: remove the setting (the message says what does the job instead: the services themselves, an AWS
WAF rate-based rule, the ALB's own `X-Amzn-Trace-Id`), or use a gateway kind that does it (`kong`).";

    InvalidAlbSetting = "G016", "invalid-alb-setting",
"A setting of the ALB gateway that the AWS Load Balancer Controller would refuse: an IngressGroup name
(`alb.group`, by default `<platform>-<environment>`) that is not at most 63 lowercase letters, digits,
`-` and `.`, starting and ending with a letter or digit; or a `certificate_arn` entry that is not the
ARN of an ACM certificate (or IAM server certificate).

Example:
    [gateway]
    kind = \"alb\"
    alb = { group = \"Shop_Public\", certificate_arn = [\"shop.example.com\"] }

Fix: `alb = { group = \"shop-public\", certificate_arn = [\"arn:aws:acm:eu-west-1:123456789012:certificate/...\"] }`.";

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

    InvalidLabel = "K001", "invalid-label",
"A label the API server refuses: a pod label, a node selector entry, or a toleration's key or value.
A key is an optional DNS subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_`
and `.`, starting and ending with a letter or digit; a value is empty or the same as a name. The
check passes, then the sync fails (apimachinery's `IsQualifiedName` and `IsValidLabelValue`).

Example:
    pod_labels = { team = \"payments and billing, owned by the platform group since 2021 (see wiki)\" }
    node_selector = { \"node pool\" = \"high memory\" }

Fix: `pod_labels = { team = \"payments\" }`, `node_selector = { \"node-pool\" = \"high-memory\" }`; put
long text in an annotation.";

    InvalidAnnotation = "K002", "invalid-annotation",
"An annotation key the API server refuses, on pods or a service account. Keys follow the label key
rule (an optional DNS subdomain prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`),
case aside; values may be any text.

Example:
    pod_annotations = { \"bad key!\" = \"x\" }

Fix: `pod_annotations = { \"example.com/bad-key\" = \"x\" }`.";

    InvalidEnvVarName = "K003", "invalid-env-var-name",
"An environment variable's name is not one Kubernetes accepts: letters, digits, `_`, `-` and `.`, not
starting with a digit (the rule of every version; 1.32 and later also take other printable
characters but `=`). A `config` key is a variable's name too, since the ConfigMap is exposed through
`envFrom`, and the kubelet skips keys that are not valid names.

Example:
    env.\"BAD=NAME\" = \"x\"
    config = { \"1ST_RUN\" = \"true\" }

Fix: `env.BAD_NAME = \"x\"`, `config = { FIRST_RUN = \"true\" }`.";

    InvalidDataKey = "K004", "invalid-data-key",
"A key of a ConfigMap (`config`) or a Secret (a secret's `keys`) is not one the API server accepts:
at most 253 letters, digits, `-`, `_` and `.`, and not `.`, `..` or starting with `..` (keys become
file names when mounted).

Example:
    config = { \"bad key/x\" = \"1\" }

Fix: `config = { BAD_KEY_X = \"1\" }`.";

    NumberOutOfRange = "K005", "number-out-of-range",
"A number is outside the range the API server accepts: a container, Service or component port of 0
(ports are 1 to 65535), or a user or group ID (`run_as_user`, `run_as_group`, `fs_group`) outside
0 to 2147483647.

Example:
    ports = [{ name = \"http\", port = 0 }]

Fix: `ports = [{ name = \"http\", port = 8080 }]`.";

    InvalidToleration = "K006", "invalid-toleration",
"A toleration the API server refuses: an operator other than `Equal` or `Exists`, an effect other
than `NoSchedule`, `PreferNoSchedule` or `NoExecute`, or fields that do not go together (no `key`
needs `operator = \"Exists\"`; `Exists` takes no `value`; `toleration_seconds` needs `NoExecute`).

Example:
    tolerations = [{ key = \"dedicated\", operator = \"Equalz\", value = \"shop\", effect = \"NoSchedul\" }]

Fix: `operator = \"Equal\"`, `effect = \"NoSchedule\"`.";

    InvalidImageReference = "K007", "invalid-image-reference",
"An image is not a reference the container runtime can pull: `[registry[:port]/]path[:tag][@digest]`,
with a lowercase path of components such as `flowmind/api`, a tag of at most 128 letters, digits,
`_`, `.` and `-`, a digest such as `sha256:` and 64 hex digits, and no spaces. The Deployment is
accepted, then every pod fails with `InvalidImageName`.

Example:
    image = \"ghcr.io/FlowMind/api:1.0 \"

Fix: `image = \"ghcr.io/flowmind/api:1.0\"`.";

    ObjectTooLarge = "K008", "object-too-large",
"An object or its annotations are larger than the API server accepts. Annotations hold at most
262,144 bytes, and ArgoCD applies every object in `out/` client-side, copying the whole object into
its `kubectl.kubernetes.io/last-applied-configuration` annotation: so an object of more than about
256 KiB as JSON cannot be synced. Nothing is stored above 1.5 MiB (etcd's request limit) either way.

Example:
    config = { \"ca-bundle.pem\" = \"\"\"...300 KB...\"\"\" }

Fix: keep large data out of `env`, `config`, annotations and chart `values`: build it into the
image, or mount it from a ConfigMap or volume managed outside Slipway.";

    InvalidSyncWindow = "D001", "invalid-sync-window",
"A sync window ArgoCD would refuse or misread. ArgoCD (v3.5.1) parses `schedule` with robfig/cron's
five-field parser (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or `jan`-`dec`, day of week
0-6 or `sun`-`sat`; `*`, `?`, ranges `a-b`, steps `/n` and lists `a,b`; no `@daily` descriptors, no
seconds) and `duration` with Go's `time.ParseDuration` (`1h`, `30m`, `1h30m`, `90s`; units `ns`, `us`,
`ms`, `s`, `m`, `h`). Slipway also refuses a duration that is zero or negative (the window would never be
open), a `TZ=` prefix in the schedule (use `time_zone`), a time zone that is not an IANA name, and a
description over 255 characters.

Example:
    sync_windows = [{ kind = \"deny\", schedule = \"0 24 * * *\", duration = \"8 hours\" }]

Fix: `schedule = \"0 22 * * *\"`, `duration = \"8h\"`.";

    DuplicateSyncWindow = "D002", "duplicate-sync-window",
"Two sync windows of one environment are the same window (kind, schedule, duration, selectors and time
zone): ArgoCD refuses the AppProject (`sync window ... already exists`), so nothing of the environment
would sync.

Example:
    sync_windows = [
      { kind = \"deny\", schedule = \"0 22 * * *\", duration = \"8h\" },
      { kind = \"deny\", schedule = \"0 22 * * *\", duration = \"8h\", manual_sync = true },
    ]

Fix: remove one of them, or merge what differs (`manual_sync`, `description`) into one.";

    UnknownPromotionEnvironment = "D003", "unknown-promotion-environment",
"`[platform] promotion` names an environment the platform does not declare, or names one twice, so the
order `slipway promote` enforces would be wrong.

Example:
    promotion = [\"dev\", \"stagign\", \"production\"]

Fix: list each `[environments.<name>]` at most once, in the order images travel.";

    InvalidTagPattern = "D004", "invalid-tag-pattern",
"An environment's `image_tags` is not a pattern Slipway can match: a glob of the characters a tag may
hold (letters, digits, `_`, `.`, `-`) with `*` (any characters), `?` (one character) and classes such as
`[0-9]`, `[a-z]` or `[!-]` (closed by `]`).

Example:
    image_tags = \"v[0-9*.*\"

Fix: `image_tags = \"v[0-9]*.*.*\"`.";

    ImageTagNotAccepted = "D005", "image-tag-not-accepted",
"A service's image in an environment has a tag that the environment's `image_tags` pattern does not
match, such as a commit SHA or a branch in production. `check` reports it where the image is written;
`set-image` and `promote` refuse to write it. An image pinned by digest alone (`name@sha256:...`) has no
tag and is accepted.

Example:
    [environments.production]
    image_tags = \"v*.*.*\"
    services.api.image = \"ghcr.io/shop/api:3f2a9c1\"

Fix: release a tag that matches (`v1.4.3`) and use it, or promote one from the environment before.";

    InvalidRoot = "D006", "invalid-root",
"`[argocd] root = \"all\"` cannot be rendered: it is set in an environment's overlay (it is one
Application over every environment, so it belongs in the base `[argocd]`), or the environments' ArgoCD
namespaces differ (the root lives in one ArgoCD, beside the roots it points at).

Example:
    [environments.production]
    argocd = { root = \"all\" }

Fix: set `root = \"all\"` in `[argocd]`, and give every environment the same `argocd.namespace`.";

    ManifestSyntax = "M001", "manifest-syntax",
"A file of plain manifests (`platform/manifests/<all or environment>/*.yaml`) cannot be read, or is not
YAML: a syntax error (located at its line and column), a file that is not UTF-8, a symbolic link, or a
file of more than 2 MiB.

Example:
    metadata:
      name: pool
     namespace: metallb-system      # indented one space less than `name`

Fix: correct the YAML at the position shown (`kubectl apply --dry-run=client -f FILE` reads it too).";

    ManifestYaml = "M002", "manifest-unsupported-yaml",
"A plain manifest uses YAML that readers would not all read the same, which Slipway refuses rather than
guess: anchors and aliases (`&name`, `*name`, the way to a billion laughs), merge keys (`<<`), tags other
than `!!str`, `!!map` and `!!seq`, a key twice in one mapping, a key that is not a string (`1:`,
`true:`), an integer past 64 bits or a float past its range, `.inf` and `.nan`, nesting deeper than 64,
and plain words YAML 1.1 (which Kubernetes reads) takes for something else than YAML 1.2 does (`yes`,
`no`, `on`, `off`, `y`, `n`, `0777`, `0o17`, `0b1`, `1_000`, `1:30`).

Example:
    data:
      enabled: yes          # a boolean to kubectl, the string \"yes\" to a YAML 1.2 reader

Fix: write the value out, and quote what is text: `enabled: \"yes\"`, or `enabled: true`.";

    ManifestObject = "M003", "manifest-object",
"A document of a plain manifest is not a Kubernetes object Slipway can place: it is not a mapping, it
lacks `apiVersion`, `kind` or `metadata.name`, its name is not a name the API server takes for that
kind (a DNS-1123 subdomain; a label for Namespaces and Services), its `metadata.namespace` is not a
DNS-1123 label, or it is a `List` (write each object as its own document, after `---`).

Example:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: Trust_Roots

Fix: `name: trust-roots`.";

    ManifestNamespace = "M004", "manifest-namespace",
"A plain manifest is not where Slipway can account for it. A namespaced object must name its
`metadata.namespace`, and that namespace must be one the platform manages in the environment (a
namespace of a service or component), or ArgoCD's own (`[argocd] namespace`, for an Ingress of its UI).
A cluster-scoped object takes no namespace. Slipway knows the scope of Kubernetes' own kinds and of the
custom resources in its catalog; any other kind is namespaced exactly when it names a namespace.

Example:
    kind: IPAddressPool
    metadata:
      name: pool
      namespace: metallb               # no component runs in `metallb`

Fix: `namespace: metallb-system`, the namespace of the MetalLB component.";

    ManifestSecret = "M005", "manifest-secret",
"A plain manifest holds a secret value: a `Secret` (or `SealedSecret`) with `data` or `stringData`, or a
string that looks like a credential (see S005). `out/` and `platform/` are committed and synced, so a
secret there is readable by anyone who can read the repository.

Example:
    apiVersion: v1
    kind: Secret
    metadata: { name: db, namespace: shop }
    stringData: { password: hunter2 }

Fix: declare it in `[secrets]` with a backend that delivers it (external-secrets, aws-secrets-manager,
or sealed-secrets with a file from `kubeseal`), and rotate the value, which has been committed.";

    ManifestArgoCd = "M006", "manifest-argocd",
"A plain manifest is an ArgoCD `Application`, `ApplicationSet` or `AppProject`. Slipway's app of apps
and its projects decide what syncs where, in which order and with which rights; an Application added
beside them would sync outside those projects and waves.

Example:
    apiVersion: argoproj.io/v1alpha1
    kind: Application

Fix: declare a chart as a component (`kind = \"helm\"`), or the objects themselves as plain manifests.";

    ManifestDirectory = "M007", "manifest-directory",
"`platform/manifests/` holds a directory that is neither `all` nor the name of an environment, or an
entry Slipway does not read (a file directly in `manifests/`, a subdirectory, a file that is not
`*.yaml` or `*.yml`). Nothing there is silently left out.

Example:
    platform/manifests/prod/pools.yaml       # the environment is `production`

Fix: rename the directory to `production` (or `all`, for every environment), or move the file.";

    UnknownEnvironment = "U001", "unknown-environment",
"A command names an environment the platform does not declare (`promote`, `graph --env`,
`budget --env`, `diff --env`, `set-image --env`). It is a usage error: exit code 2, and nothing is
written.

Example:
    slipway promote staging prodution

Fix: use one of the `[environments.<name>]` tables' names (the help suggests the closest).";

    UnknownServiceArgument = "U002", "unknown-service-argument",
"A command names a service the platform does not declare (`set-image SERVICE`, `promote --service`).
It is a usage error: exit code 2, and nothing is written.

Example:
    slipway set-image acount-service 1.4.3

Fix: use one of the `[services.<name>]` tables' names (the help suggests the closest).";

    InvalidImageTag = "U003", "invalid-image-tag",
"`set-image` was given a tag that an image reference cannot hold. A tag is 1 to 128 letters, digits,
`_`, `.` and `-`, and does not start with `.` or `-`; spaces, newlines, `:` and `/` are refused
before anything is printed or written (exit code 2).

Example:
    slipway set-image account-service \"1.4.3 \"

Fix: pass the tag alone: `slipway set-image account-service 1.4.3`.";

    NameTaken = "U004", "name-taken",
"`new service NAME` names a service that already exists. It is a usage error: exit code 2, and
nothing is written.

Example:
    slipway new service account-service

Fix: choose another name, or edit the existing `[services.<name>]` table.";

    PromotionOrder = "U005", "promotion-order",
"`slipway promote FROM TO` does not follow `[platform] promotion`: an environment listed there takes
images only from the one listed just before it, so `promote dev production` over
`promotion = [\"dev\", \"staging\", \"production\"]` is refused (exit code 2, nothing written).

Example:
    slipway promote dev production

Fix: promote one step at a time (`promote dev staging`, then `promote staging production`), or pass
`--force` to skip the order deliberately (the image tag patterns still hold).";
}
