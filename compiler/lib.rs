//! Slipway compiles `platform/platform.toml` into Kubernetes manifests and ArgoCD Applications.
//!
//! The pipeline is load -> resolve -> analyse -> validate -> render -> verify -> emit; each stage is one
//! module with one entry function (verify lives here). Only `load` and `emit` touch the file system;
//! `cli` owns stdout, stderr and exit codes. `workflow` offers what the commands do (check, build, edits
//! of the platform, the review of a change) as a library over the same pipeline. A platform with any
//! error renders nothing.

pub mod analysis;
pub mod budget;
pub mod catalog;
pub mod cli;
pub mod delivery;
pub mod diagnostic;
pub mod edit;
pub mod emit;
mod fast_hash;
pub mod k8s_rules;
pub mod load;
pub mod manifests;
pub mod model;
mod parallel;
pub mod quantity;
pub mod reachability;
pub mod render;
pub mod resolve;
pub mod resolved;
pub mod review;
pub mod schema;
pub mod source;
pub mod validate;
pub mod workflow;
pub mod yaml_reader;

use diagnostic::Diagnostic;
use source::SourceFile;

/// The result of compiling a platform: the files of `out/` if there was no error, and every diagnostic.
#[derive(Debug)]
pub struct Compiled {
    /// The files of `out/`: all of them, or, compiled against `out/` ([`compile_against`]), only those that
    /// differ from it (added or changed).
    pub files: Option<emit::Files>,
    pub diagnostics: Vec<Diagnostic>,
    /// The environments compiled, by name.
    pub environments: Vec<String>,
    /// Compiled against `out/` without error: how `out/` compares with the render, each file compared as
    /// it was made.
    pub compared: Option<std::io::Result<emit::Compared>>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles every environment of the platform in `source`, which refers to no other file.
pub fn compile(source: &SourceFile) -> Compiled {
    compile_with(source, &load::Attachments::default())
}

/// Compiles every environment of the platform in `source`, with the files it refers to.
pub fn compile_with(source: &SourceFile, attachments: &load::Attachments) -> Compiled {
    match load::parse(source) {
        Ok(platform) => compile_platform(&platform, source, attachments),
        Err(diagnostics) => Compiled { files: None, diagnostics, environments: Vec::new(), compared: None },
    }
}

/// Compiles a platform built in Rust rather than read from a file. `source_name` stands for the file
/// in generated headers (`platform.toml` gives the same files as `slipway build` of that file); the
/// diagnostics carry no positions.
///
/// ```
/// use slipway::model::{Platform, PlatformInfo};
///
/// let platform = Platform {
///     platform: PlatformInfo {
///         name: "shop".to_owned().into(),
///         repo: "https://git.example.com/shop.git".to_owned().into(),
///         ..PlatformInfo::default()
///     },
///     ..Platform::default()
/// };
/// let compiled = slipway::compile_model(&platform, "platform.toml");
/// // No environment: nothing to render, and an error that says so.
/// assert!(compiled.has_errors());
/// ```
pub fn compile_model(platform: &model::Platform, source_name: &str) -> Compiled {
    let source = SourceFile::new(source_name, "");
    compile_platform(platform, &source, &load::Attachments::default())
}

/// Compiles an already loaded platform; spans point into `source`.
pub fn compile_platform(platform: &model::Platform, source: &SourceFile, attachments: &load::Attachments) -> Compiled {
    compile_observed(platform, source, attachments, |_| ()).0
}

/// Compiles an already loaded platform, and gives what `observe` takes from each environment's facts
/// (the same facts the checks and render read), in the order of `Compiled::environments`. The review
/// reads a change this way.
pub fn compile_observed<T>(
    platform: &model::Platform,
    source: &SourceFile,
    attachments: &load::Attachments,
    observe: impl Fn(&analysis::Facts<'_>) -> T,
) -> (Compiled, Vec<T>) {
    compile_into(platform, source, attachments, observe, None)
}

/// Compiles an already loaded platform against `out/` when `against` is given: each rendered file is
/// compared with it as it is made and only those that differ are kept, so neither the render nor `out/`
/// is held whole (see [`Compiled::compared`]). Without it, as [`compile_platform`].
pub fn compile_against(
    platform: &model::Platform,
    source: &SourceFile,
    attachments: &load::Attachments,
    against: Option<&emit::Against>,
) -> Compiled {
    compile_into(platform, source, attachments, |_| (), against).0
}

/// [`compile_observed`], against `out/` when `against` is given ([`compile_against`]).
fn compile_into<T>(
    platform: &model::Platform,
    source: &SourceFile,
    attachments: &load::Attachments,
    observe: impl Fn(&analysis::Facts<'_>) -> T,
    against: Option<&emit::Against>,
) -> (Compiled, Vec<T>) {
    let (mut envs, mut diagnostics) = resolve::resolve(platform, source, attachments);
    // The trees of the shared clusters: their cluster-wide components, once each.
    let cluster_trees = resolve::clusters(platform, &mut envs);
    // Each environment's derived facts, once, for the checks and the render alike.
    let facts: Vec<analysis::Facts<'_>> = envs.iter().map(analysis::analyse).collect();
    let clusters: Vec<analysis::ClusterFacts<'_>> =
        cluster_trees.iter().map(|tree| analysis::analyse_cluster(tree, &facts)).collect();
    let observed = facts.iter().map(observe).collect();
    diagnostics.extend(validate::validate_facts(&envs, &facts));
    diagnostics.extend(validate::validate_clusters(&envs, &clusters));
    let diagnostics = diagnostic::consolidate(diagnostics);
    let environments = envs.iter().map(|env| env.name.value.clone()).collect();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (Compiled { files: None, diagnostics, environments, compared: None }, observed);
    }
    // Environments render independently: one thread each, so both cores work on a multi-environment platform.
    // A shared cluster's tree renders into `out/clusters/<name>/`, with the cluster's budget as its README.
    let render_one = |facts: &analysis::Facts<'_>, cluster: Option<&analysis::ClusterFacts<'_>>| {
        let prefix = if cluster.is_some() { "clusters/" } else { "" };
        // Each object is written out as soon as it is rendered, so only its text stays in memory (and,
        // compiled against `out/`, only while it is compared).
        let mut output = Output::new(against);
        let mut identities = Identities::default();
        let mut network = reachability::Network::default();
        let mut pods = std::collections::BTreeMap::new();
        render::render_facts(facts, &mut |mut manifest| {
            if !prefix.is_empty() {
                manifest.path.insert_str(0, prefix);
            }
            // The reachability check reads Slipway's own policies and namespaces as they were made; only a
            // plain manifest's (kept as JSON) is read from its value.
            if let Some(policy) = manifest.typed::<k8s_openapi::api::networking::v1::NetworkPolicy>() {
                network.add_policy(policy);
            } else if let Some(namespace) = manifest.typed::<k8s_openapi::api::core::v1::Namespace>() {
                network.add_namespace(namespace);
            } else if reachability::Network::reads(&manifest.identity.kind) {
                network.add(manifest.value());
            }
            if let Some(deployment) = manifest.typed::<k8s_openapi::api::apps::v1::Deployment>() {
                pods.insert(manifest.identity.name.clone(), reachability::pod_of(deployment));
            }
            let header = emit::header(source.file_name(), &manifest);
            // Its size is checked here, the one place an object exists whole: the API server (and
            // client-side apply's annotation) refuse objects too large.
            if header.len() + manifest.yaml.len() >= validate::MEASURED_FROM {
                identities.problems.extend(validate::object_size(facts.env, &manifest));
            }
            let again = !output.add(&manifest.path, &[&header, &manifest.yaml]);
            let same_path = again.then(|| (manifest.path.clone(), manifest.origin.clone()));
            // The manifest's identity and origin move into the map of identities, which is freed on
            // the side (only a duplicate, an error, is copied).
            identities.add(facts.env, manifest);
            if let Some((path, origin)) = same_path {
                identities.same_path(facts.env, &path, &origin);
            }
        });
        let (path, text) = match cluster {
            Some(cluster) => {
                emit::cluster_summary_file(source.file_name(), &facts.env.name.value, &render::cluster_summary(cluster))
            }
            None => emit::summary_file(source.file_name(), &facts.env.name.value, &render::summary(facts)),
        };
        output.add(&path, &[&text]);
        // The rendered policies must allow every declared edge (and the property tests show that they
        // allow nothing else).
        for edge in reachability::blocked_edges(facts.env, &network, &pods) {
            let mut diagnostic =
                Diagnostic::error(diagnostic::Code::BlockedEdge, format!("the network policies would block {edge}"))
                    .with_help("this is a fault in Slipway's network policies: please report it with the platform");
            diagnostic.environments = vec![facts.env.name.value.clone()];
            identities.problems.push(diagnostic);
        }
        (output, identities)
    };
    let jobs: Vec<(&analysis::Facts<'_>, Option<&analysis::ClusterFacts<'_>>)> = facts
        .iter()
        .map(|facts| (facts, None))
        .chain(clusters.iter().map(|cluster| (&cluster.tree, Some(cluster))))
        .collect();
    let rendered: Vec<(Output<'_>, Identities)> = parallel::map(&jobs, |(facts, cluster)| render_one(facts, *cluster));
    let (rendered, mut identities): (Vec<Output<'_>>, Vec<Identities>) = rendered.into_iter().unzip();
    let trees: Vec<&analysis::Facts<'_>> = jobs.iter().map(|(facts, _)| *facts).collect();
    let mut problems: Vec<Diagnostic> = shared_clusters(&trees, &identities);
    let root = render::root_of_roots(&envs, &cluster_trees);
    if let Some(root) = &root {
        problems.extend(root_identity(&envs, &identities, root));
    }
    problems.extend(identities.iter_mut().flat_map(|it| std::mem::take(&mut it.problems)));
    parallel::drop_later(identities);
    if !problems.is_empty() {
        let mut diagnostics = diagnostics;
        diagnostics.extend(problems);
        return (
            Compiled { files: None, diagnostics: diagnostic::consolidate(diagnostics), environments, compared: None },
            observed,
        );
    }
    let mut output = Output::new(against);
    if let Some(root) = root {
        output.add(&root.path, &[&emit::header(source.file_name(), &root), &root.yaml]);
    }
    let mut files = emit::Files::new();
    let mut found = Vec::new();
    for output in rendered.into_iter().chain([output]) {
        match output {
            Output::All(some) => files.extend(some),
            Output::Against(comparer) => found.push(comparer.found()),
        }
    }
    let compared = against.map(|against| {
        against.finish(found).map(|(compared, stale)| {
            files = stale;
            compared
        })
    });
    // What borrows the environments goes first, here; the environments themselves on another thread.
    drop((jobs, trees));
    drop((clusters, facts));
    parallel::drop_later((envs, cluster_trees));
    (Compiled { files: Some(files), diagnostics, environments, compared }, observed)
}

/// Runs arbitrary bytes through the whole pipeline, as the fuzzer does: load, resolve, validate, render,
/// emit's YAML writer and the diagnostic renderer. Input starting with `0xFF` is read as a recipe for a
/// platform assembled from the schema's keys (`fuzz_platform`), which reaches deeper than random text;
/// input starting with `0xFE` as a recipe for the numbers of a valid platform (`fuzz_numbers`).
/// It must never panic, whatever the bytes.
#[doc(hidden)]
pub fn fuzz_one(bytes: &[u8]) {
    let text = match bytes.split_first() {
        Some((0xFF, recipe)) => fuzz_platform(recipe),
        Some((0xFE, recipe)) => fuzz_numbers(recipe),
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        },
    };
    let source = SourceFile::new("platform.toml", text);
    let compiled = compile(&source);
    let _ = diagnostic::render(&compiled.diagnostics, Some(&source), diagnostic::Format::Human { color: false });
    let _ = diagnostic::render(&compiled.diagnostics, Some(&source), diagnostic::Format::Json);
}

/// A platform assembled line by line from fragments that use the schema's keys: each recipe byte picks
/// the next fragment, so small mutations make structurally different platforms.
#[doc(hidden)]
pub fn fuzz_platform(recipe: &[u8]) -> String {
    const FRAGMENTS: &[&str] = &[
        "[services.a]",
        "[services.b]",
        "[components.db]",
        "[environments.dev]",
        "[environments.prod]",
        "[secrets.s]",
        "[gateway]",
        "[identity]",
        "[cluster]",
        "[defaults.service]",
        "[namespaces.n]",
        "[secret_stores.v]",
        "image = \"r/a:1\"",
        "image = \"r/a\"",
        "runtime = \"go\"",
        "runtime = \"java\"",
        "replicas = 0",
        "replicas = 4294967295",
        "namespace = \"n\"",
        "namespace = \"default\"",
        "uses = [\"b\", \"db:x\"]",
        "uses = [\"a\"]",
        "routes = [\"/x\", { path = \"/x\", host = \"h\" }]",
        "ports = [{ name = \"http\", port = 80, node_port = 30000 }]",
        "ports = [{ name = \"http\", port = 0 }]",
        "env.A = \"${components.db.url}\"",
        "env.B = { secret = \"s\", key = \"k\" }",
        "env.C = \"${\"",
        "env_from = [{ secret = \"s\" }]",
        "keys = [\"k\"]",
        "backend = \"sealed-secrets\"",
        "backend = \"external-secrets\"",
        "store = \"v\"",
        "provider = \"vault\"",
        "kind = \"postgresql\"",
        "kind = \"kong\"",
        "kind = \"keycloak\"",
        "kind = \"helm\"",
        "chart = { version = \"1.0.0\" }",
        "databases = [\"x\"]",
        "external = { host = \"10.0.0.1\", port = 1 }",
        "resources = { requests = { memory = \"1Ei\", cpu = \"1000000\" }, limits = { memory = \"1\" } }",
        "autoscale = { min = 5, max = 1 }",
        "liveness = { path = \"/\", port = \"nope\" }",
        "security = { run_as_user = 0, privileged = true }",
        "memory = \"0\"",
        "nodes = 0",
        "cpu = \"0.001\"",
        "reserved = { memory = \"64Gi\" }",
        "node_ports = { http = 1 }",
        "realm = \"r\"",
        "clients.c = { redirect_uris = [\"*\"] }",
        "pod_security = \"privileged\"",
        "network_policies = false",
        "services.a = { image = \"r/a:latest\" }",
        "services.zz = { replicas = 2 }",
        "mesh = \"linkerd\"",
        "config = { TOKEN = \"x\" }",
        "metrics = { port = \"http\" }",
        "tier = \"production\"",
    ];
    let mut text = String::from("[platform]\nname = \"f\"\nrepo = \"https://git.example.com/f.git\"\n");
    for byte in recipe {
        text.push_str(FRAGMENTS[usize::from(*byte) % FRAGMENTS.len()]);
        text.push('\n');
    }
    text
}

/// Where one tree's rendered files go: all kept, or, compiled against `out/`, each compared as it comes
/// and only those that differ kept.
enum Output<'a> {
    All(emit::Files),
    Against(emit::Comparer<'a>),
}

impl<'a> Output<'a> {
    fn new(against: Option<&'a emit::Against>) -> Output<'a> {
        against.map_or_else(|| Output::All(emit::Files::new()), |against| Output::Against(against.comparer()))
    }

    /// Takes the file at `path`, whose text is `parts` one after the other; `false` if the tree already
    /// had a file there (kept whole, the later one wins).
    fn add(&mut self, path: &str, parts: &[&str]) -> bool {
        match self {
            Output::All(files) => files.insert(path.to_owned(), parts.concat()).is_none(),
            Output::Against(comparer) => comparer.add(path, parts),
        }
    }
}

/// Object identities of one environment as they are rendered: no two objects may share a kind,
/// namespace and name, nor two a file; either would silently replace the other (N007).
#[derive(Default)]
struct Identities {
    /// Hashed: looked up for every object, and across environments on one cluster.
    seen: fast_hash::FastMap<(String, String, String), String>,
    problems: Vec<Diagnostic>,
}

impl Identities {
    fn add(&mut self, env: &resolved::Env, manifest: render::Manifest) {
        let render::Manifest { identity: object, origin, .. } = manifest;
        let identity = ([object.api_version, object.kind].join("/"), object.namespace.unwrap_or_default(), object.name);
        // The key and the origin move into the map; only a duplicate, which is an error, is looked at again.
        let (message, origin) = match self.seen.entry(identity) {
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(origin);
                return;
            }
            std::collections::hash_map::Entry::Occupied(mut occupied) => {
                let first = occupied.insert(origin.clone());
                let (kind, namespace, name) = occupied.key();
                let place = if namespace.is_empty() { String::new() } else { format!(" in `{namespace}`") };
                (format!("two objects would be the {kind} `{name}`{place}: from `{first}` and `{origin}`"), origin)
            }
        };
        self.push(env, &origin, message);
    }

    fn same_path(&mut self, env: &resolved::Env, path: &str, origin: &str) {
        self.push(env, origin, format!("two objects would be written to `{path}`"));
    }

    fn push(&mut self, env: &resolved::Env, origin: &str, message: String) {
        let mut diagnostic = Diagnostic::error(diagnostic::Code::DuplicateObject, message)
            .with_help("rename one of them; `slipway explain N007` says why this matters");
        if let Some(span) = origin_span(env, origin) {
            diagnostic = diagnostic.with_label(span, "one of the two comes from here");
        }
        diagnostic.environments = vec![env.name.value.clone()];
        self.problems.push(diagnostic);
    }
}

/// The Application over every environment's root must not be an Application an environment renders in
/// the same ArgoCD namespace (an environment named like the platform has its root named alike) (N007).
fn root_identity(envs: &[resolved::Env], identities: &[Identities], root: &render::Manifest) -> Option<Diagnostic> {
    let namespace = root.identity.namespace.clone().unwrap_or_default();
    let name = root.identity.name.clone();
    let id = ("argoproj.io/v1alpha1/Application".to_owned(), namespace, name);
    let (env, origin) = envs.iter().zip(identities).find_map(|(env, ids)| Some((env, ids.seen.get(&id)?)))?;
    let mut diagnostic = Diagnostic::error(
        diagnostic::Code::DuplicateObject,
        format!(
            "two objects would be the Application `{}` in `{}`: the root over every environment and `{origin}` of `{}`",
            id.2, id.1, env.name.value
        ),
    )
    .with_label(env.name.span, "this environment renders an Application of that name")
    .with_help("rename the environment or the platform; `slipway explain N007` says why this matters");
    if let Some(span) = env.platform.root {
        diagnostic = diagnostic.with_secondary(span, "the root over every environment is asked for here");
    }
    Some(diagnostic)
}

/// Environments whose clusters are one (the same `server`, or the same `[clusters.<name>]`), and the
/// trees of shared clusters, must not create the same object: the second would replace the first (N007).
/// ArgoCD's own objects live where ArgoCD runs, named per environment.
fn shared_clusters(facts: &[&analysis::Facts<'_>], identities: &[Identities]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (second, (facts_b, ids_b)) in facts.iter().zip(identities).enumerate() {
        for (facts_a, ids_a) in facts.iter().zip(identities).take(second) {
            if facts_a.env.cluster.server != facts_b.env.cluster.server {
                continue;
            }
            let mut shared: Vec<&(String, String, String)> = ids_b
                .seen
                .keys()
                .filter(|id| !id.0.starts_with("argoproj.io/") && ids_a.seen.contains_key(*id))
                .collect();
            shared.sort_unstable();
            let Some(first) = shared.first() else { continue };
            let (kind, namespace, name) = first;
            let place = if namespace.is_empty() { String::new() } else { format!(" in `{namespace}`") };
            let more =
                if shared.len() > 1 { format!(", and {} more objects", shared.len() - 1) } else { String::new() };
            let (a, b) = (facts_a.env, facts_b.env);
            let who = if a.cluster_tree || b.cluster_tree {
                let what = |env: &resolved::Env| {
                    let what = if env.cluster_tree { "the shared infrastructure of cluster" } else { "environment" };
                    format!("{what} `{}`", env.name.value)
                };
                format!("{} and {}", what(a), what(b))
            } else {
                format!("environments `{}` and `{}`", a.name.value, b.name.value)
            };
            let mut diagnostic = Diagnostic::error(
                diagnostic::Code::DuplicateObject,
                format!(
                    "{who} would both create the {kind} `{name}`{place} on the cluster `{}`{more}",
                    b.cluster.server
                ),
            )
            .with_label(b.name.span, "this environment shares its cluster with another")
            .with_help("give each environment its own cluster `server`, or namespaces of its own");
            diagnostic.environments = vec![facts_b.env.name.value.clone()];
            problems.push(diagnostic);
        }
    }
    problems
}

/// Where in the platform file the part a generated object comes from is declared (`services.api`).
fn origin_span(env: &resolved::Env, origin: &str) -> Option<source::Span> {
    let (table, name) = origin.split_once('.')?;
    match table {
        "services" => env.services.get(name).map(|it| it.name.span),
        "components" => env.components.get(name).map(|it| it.name.span),
        "secrets" => env.secrets.get(name).map(|it| it.name.span),
        _ => None,
    }
}

/// A valid platform (two services, a scaled chart and a per-node one, two environments) whose numbers come
/// from boundary sets: each pair of recipe bytes sets one numeric key, the first byte picking the key and
/// the second its value. So the fuzzer reaches 0, 2^32 - 1, 2^63 - 1, `1Ei`, `-0.5` and NaN wherever the
/// budget, the placement, the quotas and the autoscaler read them, in platforms that otherwise render.
#[doc(hidden)]
pub fn fuzz_numbers(recipe: &[u8]) -> String {
    const COUNTS: &[&str] = &[
        "0",
        "1",
        "2",
        "3",
        "100",
        "101",
        "110",
        "1000",
        "1001",
        "5000",
        "5001",
        "10000",
        "10001",
        "150001",
        "2147483647",
        "2147483648",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "18446744073709551615",
        "-1",
        "1.5",
        "\"3\"",
    ];
    const MEMORY: &[&str] = &[
        "\"0\"",
        "\"1\"",
        "\"1Ki\"",
        "\"256Mi\"",
        "\"1Gi\"",
        "\"64Gi\"",
        "\"1Ti\"",
        "\"1Pi\"",
        "\"1025Ti\"",
        "\"1Ei\"",
        "\"8Ei\"",
        "\"15Ei\"",
        "\"16Ei\"",
        "\"9223372036854775807\"",
        "\"18446744073709551615\"",
        "\"18446744073709551616\"",
        "\"1e10\"",
        "\"-1Gi\"",
        "\"0.5Gi\"",
        "\"1E\"",
        "4294967295",
    ];
    const CPU: &[&str] = &[
        "\"0\"",
        "\"1m\"",
        "\"100m\"",
        "\"1\"",
        "\"64\"",
        "\"100000\"",
        "\"100001\"",
        "\"4294967295\"",
        "\"9223372036854775807m\"",
        "\"18446744073709551615m\"",
        "\"18446744073709551\"",
        "\"1e10\"",
        "\"-1\"",
        "0.5",
        "2",
    ];
    const FACTORS: &[&str] = &[
        "0", "0.0", "-0.0", "-0.5", "0.1", "0.999", "1.0", "2.0", "10.0", "10.5", "100.0", "101.0", "1e10", "1e308",
        "-1e308", "inf", "-inf", "nan", "1", "2",
    ];
    // Table, key, values.
    const SLOTS: &[(&str, &str, &[&str])] = &[
        ("cluster", "nodes", COUNTS),
        ("cluster", "max_pods", COUNTS),
        ("cluster", "memory", MEMORY),
        ("cluster", "cpu", CPU),
        ("cluster", "reserved.memory", MEMORY),
        ("cluster", "reserved.cpu", CPU),
        ("platform", "quota_headroom", FACTORS),
        ("platform", "overcommit", FACTORS),
        ("services.a", "replicas", COUNTS),
        ("services.a", "resources.requests.memory", MEMORY),
        ("services.a", "resources.requests.cpu", CPU),
        ("services.a", "resources.limits.memory", MEMORY),
        ("services.a", "resources.limits.cpu", CPU),
        ("services.b", "autoscale.min", COUNTS),
        ("services.b", "autoscale.max", COUNTS),
        ("services.b", "autoscale.cpu", COUNTS),
        ("services.b", "autoscale.memory", COUNTS),
        ("services.b", "resources.requests.memory", MEMORY),
        ("services.b", "resources.limits.cpu", CPU),
        ("components.cache", "replicas", COUNTS),
        ("components.cache", "resources.requests.memory", MEMORY),
        ("components.csi", "resources.requests.memory", MEMORY),
        ("components.csi", "resources.limits.cpu", CPU),
        ("argocd", "resources.requests.memory", MEMORY),
        ("argocd", "resources.requests.cpu", CPU),
        ("environments.prod.cluster", "nodes", COUNTS),
        ("environments.prod.cluster", "memory", MEMORY),
        ("environments.prod.services.a", "replicas", COUNTS),
        ("environments.prod.services.b", "autoscale.max", COUNTS),
        ("platform", "mesh", &["\"linkerd\"", "\"none\""]),
        ("platform", "mesh_cni", &["true"]),
        ("platform", "mesh_proxy.requests.memory", MEMORY),
    ];
    let mut tables: Vec<(&str, Vec<(&str, String)>)> = [
        ("platform", &[("name", "\"f\""), ("repo", "\"https://git.example.com/f.git\"")][..]),
        ("cluster", &[("nodes", "3"), ("memory", "\"16Gi\""), ("cpu", "\"8\"")]),
        ("argocd", &[]),
        ("services.a", &[("image", "\"r/a:1.0.0\""), ("runtime", "\"go\""), ("namespace", "\"shop\"")]),
        ("services.b", &[("image", "\"r/b:1.0.0\""), ("runtime", "\"java\""), ("namespace", "\"shop\"")]),
        (
            "components.cache",
            &[
                ("kind", "\"helm\""),
                ("chart", "{ repo = \"https://charts.example.com\", name = \"memcached\", version = \"7.4.1\" }"),
                ("namespace", "\"infra\""),
                ("resources.requests.memory", "\"128Mi\""),
                ("resources.requests.cpu", "\"50m\""),
            ],
        ),
        (
            "components.csi",
            &[
                ("kind", "\"secrets-store-csi\""),
                ("chart", "{ version = \"1.4.4\" }"),
                ("namespace", "\"csi\""),
                ("resources.requests.memory", "\"64Mi\""),
                ("resources.requests.cpu", "\"10m\""),
            ],
        ),
        ("environments.dev", &[]),
        ("environments.prod", &[]),
        // A cluster of its own: on one cluster the two environments would create the same objects.
        ("environments.prod.cluster", &[("server", "\"https://prod.example.com:6443\"")]),
        ("environments.prod.services.a", &[]),
        ("environments.prod.services.b", &[]),
    ]
    .into_iter()
    .map(|(table, keys)| (table, keys.iter().map(|(key, value)| (*key, (*value).to_owned())).collect()))
    .collect();
    for pair in recipe.chunks_exact(2) {
        let (table, key, values) = SLOTS[usize::from(pair[0]) % SLOTS.len()];
        let value = values[usize::from(pair[1]) % values.len()].to_owned();
        let Some((_, keys)) = tables.iter_mut().find(|(name, _)| *name == table) else { continue };
        match keys.iter_mut().find(|(existing, _)| *existing == key) {
            Some(slot) => slot.1 = value,
            None => keys.push((key, value)),
        }
    }
    let mut text = String::new();
    for (table, keys) in tables {
        text.push_str(&["[", table, "]\n"].concat());
        for (key, value) in keys {
            text.push_str(&[key, " = ", &value, "\n"].concat());
        }
    }
    text
}
