//! Analysis: takes one resolved environment, gives the facts derived from it, each computed once and read
//! by the checks, render and the review alike: the dependency graph (`uses`; every `${...}` reference
//! must be among them, which the references check holds), the sync waves, the budget, who reads each
//! secret and in which namespaces, the namespaces Slipway manages, and the routes with their effective
//! host, backend port, protocol and TLS.
//!
//! A fact has one source: nothing downstream recomputes what is here, so a check cannot pass on one copy
//! of a fact while render writes another.

use std::collections::{BTreeMap, BTreeSet};

use crate::budget::{self, Budget};
use crate::catalog::{self, Role};
use crate::resolved::{self, Backend, RouteProtocol};
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
    /// The namespaces each secret is delivered to (by this environment: a shared cluster's components
    /// get theirs from the cluster's tree).
    pub secret_namespaces: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Who reads each secret: (service or component, its namespace).
    pub secret_readers: BTreeMap<&'a str, BTreeSet<(&'a str, &'a str)>>,
    pub namespaces: Namespaces<'a>,
    /// Every route of every service, in service then declaration order, as the gateway serves it.
    pub routes: Vec<RouteFact<'a>>,
    /// Where each service's routes are in `routes` (they are contiguous): looking them up by scanning
    /// every route for every service made render and the checks quadratic (20 s at 5,000 services).
    route_ranges: BTreeMap<&'a str, std::ops::Range<usize>>,
}

impl<'a> Facts<'a> {
    /// The routes a gateway serves: none without `[gateway]` (the routes check warns of them).
    pub fn served_routes(&self) -> impl Iterator<Item = &RouteFact<'a>> {
        self.routes.iter().filter(|_| self.env.gateway.is_some())
    }

    /// The routes of one service.
    pub fn routes_of<'s>(&'s self, service: &'s str) -> impl Iterator<Item = &'s RouteFact<'a>> {
        let range = self.route_ranges.get(service).cloned().unwrap_or_default();
        self.routes[range].iter()
    }

    /// How the gateway speaks to a service, from its first route (the routes check holds that a
    /// service's routes agree): protocol and read timeout in seconds; `None` for a service without routes.
    pub fn backend(&self, service: &str) -> Option<(RouteProtocol, Option<u32>)> {
        let first = self.routes_of(service).next()?;
        Some((first.route.protocol.value, first.route.timeout.as_ref().map(|it| it.value)))
    }

    /// The `appProtocol` of a Service port that routes reach, after the values Kubernetes defines
    /// (`ServicePort.appProtocol`): `kubernetes.io/h2c` for gRPC (HTTP/2 in cleartext), `kubernetes.io/ws`
    /// for WebSocket, `http` (an IANA name) for HTTP; `None` for a port no route reaches.
    pub fn app_protocol(&self, service: &str, port: &str) -> Option<&'static str> {
        let route = self.routes_of(service).find(|route| route.port.is_some_and(|it| it.name.value == port))?;
        Some(match route.route.protocol.value {
            RouteProtocol::Http => "http",
            RouteProtocol::Grpc => "kubernetes.io/h2c",
            RouteProtocol::Websocket => "kubernetes.io/ws",
        })
    }
}

/// What the port registry keeps of a container port: its transport, and how routes speak to it.
#[derive(Debug, Clone, Copy)]
pub struct PortProtocol {
    pub transport: resolved::Protocol,
    /// The protocol of the routes that reach the port; `None` when no route does.
    pub route: Option<RouteProtocol>,
    /// Where it is said: the route's `protocol` (or its path, for the default), else the port.
    pub span: crate::source::Span,
}

impl PortProtocol {
    /// Two uses of one port number agree when their transports do and their route protocols do where
    /// both are known (a port no route reaches in one environment says nothing of its protocol).
    pub fn agrees(self, other: PortProtocol) -> bool {
        self.transport == other.transport
            && (self.route.is_none() || other.route.is_none() || self.route == other.route)
    }
}

impl std::fmt::Display for PortProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.route {
            Some(route) => write!(f, "{}/{route}", self.transport.as_str()),
            None => f.write_str(self.transport.as_str()),
        }
    }
}

impl Facts<'_> {
    /// The protocol the port registry keeps for a service's container port.
    pub fn port_protocol(&self, service: &str, port: &resolved::Port) -> PortProtocol {
        let route = self
            .routes_of(service)
            .find(|route| route.port.is_some_and(|it| it.name.value == port.name.value))
            .map(|route| &route.route.protocol);
        PortProtocol {
            transport: port.protocol,
            route: route.map(|it| it.value),
            span: route.map_or(port.port.span, |it| it.span),
        }
    }
}

/// One route as the gateway serves it: the one place its effective host, backend port and TLS are
/// derived, so the conflict check, the rendered Ingress and the review agree.
#[derive(Debug, Clone, Copy)]
pub struct RouteFact<'a> {
    pub service: &'a resolved::Service,
    pub route: &'a resolved::Route,
    /// Its own host, else the gateway's default; `None` for any host.
    pub host: Option<&'a Spanned<String>>,
    /// The Service port the gateway sends to: the one `port` names, else the first; `None` when there is
    /// no such port (the routes check reports it).
    pub port: Option<&'a resolved::Port>,
    /// The TLS of its host: the host's own entry, else a wildcard entry one label up.
    pub tls: Option<&'a resolved::Tls>,
}

impl RouteFact<'_> {
    pub fn path(&self) -> &str {
        &self.route.path.value
    }

    /// What clients outside call: `https://shop.example.com/api`; `None` on any host (no name to call).
    pub fn url(&self) -> Option<String> {
        Some(resolved::route_url(&self.host?.value, self.path(), self.tls.is_some()))
    }
}

/// Each service's run of routes in `routes`.
fn route_ranges<'a>(routes: &[RouteFact<'a>]) -> BTreeMap<&'a str, std::ops::Range<usize>> {
    let mut ranges: BTreeMap<&'a str, std::ops::Range<usize>> = BTreeMap::new();
    for (index, route) in routes.iter().enumerate() {
        let range = ranges.entry(route.service.name.value.as_str()).or_insert(index..index);
        debug_assert_eq!(range.end, index, "a service's routes are contiguous");
        range.end = index + 1;
    }
    ranges
}

/// Every route, with what it resolves to.
fn routes(env: &resolved::Env) -> Vec<RouteFact<'_>> {
    let mut routes = Vec::new();
    for service in env.services.values() {
        for route in &service.routes {
            let host = env.route_host(route);
            let port = match &route.port {
                Some(name) => service.ports.iter().find(|port| port.name.value == name.value),
                None => service.ports.first(),
            };
            let tls = host.zip(env.gateway.as_ref()).and_then(|(host, gateway)| gateway.tls_for(&host.value));
            routes.push(RouteFact { service, route, host, port, tls });
        }
    }
    routes
}

/// A shared cluster (`[clusters.<name>]`): the facts of its tree (its cluster-wide components, once), the
/// environments placed on it, and its budget over all of them.
pub struct ClusterFacts<'a> {
    pub tree: Facts<'a>,
    /// The environments on the cluster, in the order of `members` given to `analyse_cluster`.
    pub members: Vec<&'a resolved::Env>,
    pub budget: Budget,
}

/// The facts of a shared cluster's tree, and its budget over the environments in `facts` placed on it.
pub fn analyse_cluster<'a>(tree: &'a resolved::Env, facts: &[Facts<'a>]) -> ClusterFacts<'a> {
    let tree_facts = analyse(tree);
    let on_cluster: Vec<&Facts<'a>> = facts
        .iter()
        .filter(|it| it.env.cluster.name.as_ref().is_some_and(|name| name.value == tree.name.value))
        .collect();
    let members: Vec<(&str, &Budget)> = on_cluster.iter().map(|it| (it.env.name.value.as_str(), &it.budget)).collect();
    let budget = budget::cluster(&tree_facts.budget, &members);
    ClusterFacts { members: on_cluster.iter().map(|it| it.env).collect(), tree: tree_facts, budget }
}

/// The namespaces Slipway manages in this environment's tree, sorted (a shared cluster's components'
/// are the cluster tree's).
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
    let routes = routes(env);
    let mut secret_readers = env.secret_readers();
    // The gateway reads a host's certificate Secret in the namespace of the Ingress that names it.
    for route in routes.iter().filter(|_| env.gateway.is_some()) {
        if let Some(secret) = route.tls.and_then(|tls| tls.secret.as_ref()) {
            secret_readers
                .entry(secret.value.as_str())
                .or_default()
                .insert((route.service.name.value.as_str(), route.service.namespace.value.as_str()));
        }
    }
    // A shared cluster's components get their secrets from the cluster's tree, not from each environment.
    let shared = |name: &str| env.components.get(name).is_some_and(|it| it.shared);
    let secret_namespaces: BTreeMap<&str, BTreeSet<&str>> = secret_readers
        .iter()
        .map(|(secret, readers)| {
            (*secret, readers.iter().filter(|(reader, _)| !shared(reader)).map(|(_, namespace)| *namespace).collect())
        })
        .filter(|(_, namespaces): &(&str, BTreeSet<&str>)| !namespaces.is_empty())
        .collect();
    let delivers_secrets = env.secrets.values().any(|secret| {
        secret.backend.value != Backend::Existing && secret_namespaces.contains_key(secret.name.value.as_str())
    });
    let waves = waves(env, &graph, delivers_secrets);
    let services: BTreeSet<&str> = env.services.values().map(|service| service.namespace.value.as_str()).collect();
    // The namespaces of a shared cluster's components are the cluster tree's.
    let components: BTreeSet<&str> = env
        .components
        .values()
        .filter(|component| !component.shared)
        .map(|component| component.namespace.value.as_str())
        .collect();
    let all = services.union(&components).copied().collect();
    Facts {
        env,
        graph,
        waves,
        budget: budget::compute(env),
        secret_namespaces,
        secret_readers,
        namespaces: Namespaces { services, components, all },
        route_ranges: route_ranges(&routes),
        routes,
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
    // After the secrets too: when the only components are the operators, they end before the secrets.
    let mut service_base = by_name.values().copied().max().map_or(base.max(WAVE_SERVICES), |max| (max + 1).max(base));
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
