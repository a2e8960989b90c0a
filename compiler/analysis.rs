//! Analysis: takes one resolved environment, gives the facts derived from it, each computed once and read
//! by the checks, render and the review alike: the dependency graph (`uses`; every `${...}` reference
//! must be among them, which the references check holds), the sync waves, the budget, who reads each
//! secret and in which namespaces, and the namespaces Slipway manages.
//!
//! A fact has one source: nothing downstream recomputes what is here, so a check cannot pass on one copy
//! of a fact while render writes another.

use std::collections::{BTreeMap, BTreeSet};

use crate::budget::{self, Budget};
use crate::catalog::{self, Role};
use crate::resolved::{self, Backend};
use crate::source::Spanned;

/// Sync waves of the child Applications that are not computed from the graph.
pub const WAVE_PROJECT: i32 = -2;
pub const WAVE_PLATFORM: i32 = -1;
const WAVE_SERVICES: i32 = 0;

pub struct Facts<'a> {
    pub env: &'a resolved::Env,
    /// Who depends on whom, by name, in the order `uses` lists them (declared targets only).
    pub graph: BTreeMap<&'a str, Vec<&'a Spanned<String>>>,
    pub waves: Waves<'a>,
    pub budget: Budget,
    /// The namespaces each secret is delivered to.
    pub secret_namespaces: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Who reads each secret: (service or component, its namespace).
    pub secret_readers: BTreeMap<&'a str, BTreeSet<(&'a str, &'a str)>>,
    pub namespaces: Namespaces<'a>,
}

/// The namespaces Slipway manages, sorted.
pub struct Namespaces<'a> {
    pub services: BTreeSet<&'a str>,
    pub components: BTreeSet<&'a str>,
    pub all: BTreeSet<&'a str>,
}

/// The sync wave of every service and component by name, and of the `secrets` Application when it
/// delivers anything.
pub struct Waves<'a> {
    pub by_name: BTreeMap<&'a str, i32>,
    pub secrets: Option<i32>,
    /// The `manifests` Application's, when the environment has plain manifests: after every component
    /// (whose CRDs and controllers they may need), before every service (whose Roles they may hold).
    pub manifests: Option<i32>,
}

impl Waves<'_> {
    /// The first wave after every component's.
    pub fn after_components(&self, env: &resolved::Env) -> i32 {
        env.components.keys().map(|name| self.by_name[name.as_str()]).max().map_or(WAVE_SERVICES, |max| max + 1)
    }
}

pub fn analyse(env: &resolved::Env) -> Facts<'_> {
    let graph = env.dependencies();
    let secret_readers = env.secret_readers();
    let secret_namespaces: BTreeMap<&str, BTreeSet<&str>> = secret_readers
        .iter()
        .map(|(secret, readers)| (*secret, readers.iter().map(|(_, namespace)| *namespace).collect()))
        .collect();
    let delivers_secrets = env.secrets.values().any(|secret| {
        secret.backend.value != Backend::Existing && secret_namespaces.contains_key(secret.name.value.as_str())
    });
    let waves = waves(env, &graph, delivers_secrets);
    let services: BTreeSet<&str> = env.services.values().map(|service| service.namespace.value.as_str()).collect();
    let components: BTreeSet<&str> =
        env.components.values().map(|component| component.namespace.value.as_str()).collect();
    let all = services.union(&components).copied().collect();
    Facts {
        env,
        graph,
        waves,
        budget: budget::compute(env),
        secret_namespaces,
        secret_readers,
        namespaces: Namespaces { services, components, all },
    }
}

/// Sync waves from the dependency graph: the operators that deliver secrets first, then the secrets (when
/// `delivers_secrets`), then the other components (data stores before the gateway and the identity
/// provider), then services; within each, whatever something `uses` comes a wave earlier.
fn waves<'a>(
    env: &'a resolved::Env,
    graph: &BTreeMap<&'a str, Vec<&'a Spanned<String>>>,
    delivers_secrets: bool,
) -> Waves<'a> {
    let mut depth: BTreeMap<&str, i32> = BTreeMap::new();
    for name in graph.keys() {
        depth_of(env, graph, name, &mut depth);
    }
    let role = |component: &resolved::Component| catalog::kind_info(component.kind.value).role;
    let is_front = |component: &resolved::Component| matches!(role(component), Role::Gateway | Role::Identity);
    let is_delivery = |component: &resolved::Component| role(component) == Role::SecretOperator;
    let mut by_name = BTreeMap::new();
    for component in env.components.values().filter(|it| is_delivery(it)) {
        by_name.insert(component.name.value.as_str(), depth[component.name.value.as_str()]);
    }
    let after_operators = by_name.values().copied().max().map_or(0, |max| max + 1);
    let secrets = delivers_secrets.then_some(after_operators);
    let base = secrets.map_or(after_operators, |wave| wave + 1);
    let back_max = env
        .components
        .values()
        .filter(|it| !is_front(it) && !is_delivery(it))
        .map(|it| base + depth[it.name.value.as_str()])
        .max();
    for component in env.components.values().filter(|it| !is_delivery(it)) {
        let level = base + depth[component.name.value.as_str()];
        let wave = if is_front(component) { level.max(back_max.map_or(base, |max| max + 1)) } else { level };
        by_name.insert(component.name.value.as_str(), wave);
    }
    let mut service_base = by_name.values().copied().max().map_or(base.max(WAVE_SERVICES), |max| max + 1);
    let manifests = (!env.manifests.is_empty()).then_some(service_base);
    if manifests.is_some() {
        service_base += 1;
    }
    for service in env.services.values() {
        by_name.insert(service.name.value.as_str(), service_base + depth[service.name.value.as_str()]);
    }
    Waves { by_name, secrets, manifests }
}

/// How many dependencies of the same sort (components among components, services among services) stand
/// below `name`. Validation reports cycles; a cycle here counts as no deeper (render never runs on one).
fn depth_of<'a>(
    env: &resolved::Env,
    graph: &BTreeMap<&'a str, Vec<&'a Spanned<String>>>,
    name: &'a str,
    depth: &mut BTreeMap<&'a str, i32>,
) -> i32 {
    if let Some(known) = depth.get(name) {
        return *known;
    }
    // Marks the node while its dependencies are explored, so a cycle ends instead of recursing forever.
    depth.insert(name, 0);
    let is_component = |name: &str| env.components.contains_key(name);
    let mut level = 0;
    for target in &graph[name] {
        if let Some((target, _)) = graph.get_key_value(target.value.as_str())
            && is_component(name) == is_component(target)
        {
            level = level.max(depth_of(env, graph, target, depth) + 1);
        }
    }
    depth.insert(name, level);
    level
}
