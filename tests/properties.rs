//! Properties over generated valid platforms: rendering never fails, is byte-identical run to run and
//! whatever the order of the tables, and `build` then `check` (and `build` twice) change nothing.

use proptest::prelude::*;

use crate::support;

#[derive(Debug, Clone)]
struct Service {
    name: String,
    runtime: &'static str,
    replicas: u32,
    routes: Vec<String>,
    uses: Vec<usize>,
    autoscale: bool,
}

fn services() -> impl Strategy<Value = Vec<Service>> {
    let runtime = prop::sample::select(vec!["node", "java", "python", "go"]);
    let service = (
        runtime,
        1u32..4,
        prop::collection::vec("[a-z]{1,8}", 0..3),
        prop::collection::vec(0usize..8, 0..3),
        any::<bool>(),
    );
    prop::collection::vec(service, 1..7).prop_map(|services| {
        services
            .into_iter()
            .enumerate()
            .map(|(index, (runtime, replicas, routes, uses, autoscale))| Service {
                name: format!("svc-{index}"),
                runtime,
                replicas,
                // Paths are made unique per service, so that no two services claim one.
                routes: routes.into_iter().map(|route| format!("/{index}/{route}")).collect(),
                // A service only uses services declared before it: no cycles.
                uses: uses.into_iter().filter(|used| *used < index).collect(),
                autoscale,
            })
            .collect()
    })
}

/// The platform as TOML, its service tables in the order of `order` (a permutation).
fn platform(services: &[Service], environments: &[&str], order: &[usize]) -> String {
    let mut text = String::from("[platform]\nname = \"prop\"\nrepo = \"https://git.example.com/prop.git\"\n\n");
    text.push_str("[components.db]\nkind = \"postgresql\"\nchart = { version = \"15.5.20\" }\nnamespace = \"data\"\n");
    text.push_str("resources = { requests = { memory = \"256Mi\", cpu = \"100m\" } }\n");
    text.push_str("credentials = { secret = \"db\", key = \"password\" }\n\n[secrets.db]\nkeys = [\"password\"]\n\n");
    text.push_str("[gateway]\nkind = \"kong\"\nrate_limit = { per_minute = 50 }\n\n");
    for &index in order {
        let service = &services[index];
        text.push_str(&format!(
            "[services.{}]\nimage = \"registry.example.com/{}:1.0.{index}\"\nruntime = \"{}\"\n",
            service.name, service.name, service.runtime
        ));
        text.push_str(&format!("replicas = {}\n", service.replicas));
        if service.autoscale {
            text.push_str("autoscale = { min = 1, max = 3 }\n");
        }
        let mut uses: Vec<String> = service.uses.iter().map(|used| format!("\"svc-{used}\"")).collect();
        uses.push("\"db\"".to_owned());
        uses.dedup();
        text.push_str(&format!("uses = [{}]\n", uses.join(", ")));
        if !service.routes.is_empty() {
            let routes: Vec<String> = service.routes.iter().map(|route| format!("\"{route}\"")).collect();
            text.push_str(&format!("routes = [{}]\n", routes.join(", ")));
        }
        text.push('\n');
    }
    for environment in environments {
        // Each on a cluster of its own: on one cluster they would create the same objects (N007).
        text.push_str(&format!(
            "[environments.{environment}]\ncluster = {{ server = \"https://{environment}.example.com:6443\" }}\n"
        ));
    }
    text
}

fn compile(text: &str) -> slipway::emit::Files {
    support::compile_text(text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rendering_is_total_deterministic_and_order_free(services in services(), shuffle in any::<u64>()) {
        let in_order: Vec<usize> = (0..services.len()).collect();
        let mut shuffled = in_order.clone();
        // A deterministic shuffle from the generated seed.
        let mut state = shuffle | 1;
        for index in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let other = usize::try_from(state % (index as u64 + 1)).unwrap();
            shuffled.swap(index, other);
        }
        let first = compile(&platform(&services, &["dev", "prod"], &in_order));
        prop_assert_eq!(&first, &compile(&platform(&services, &["dev", "prod"], &in_order)));
        prop_assert_eq!(&first, &compile(&platform(&services, &["prod", "dev"], &shuffled)));
    }

    #[test]
    fn build_then_check_and_build_twice_change_nothing(services in services()) {
        let files = compile(&platform(&services, &["dev"], &(0..services.len()).collect::<Vec<_>>()));
        let out = support::temp_dir("property").join("out");
        let first = slipway::emit::write(&out, &files).unwrap();
        prop_assert_eq!(first.added.len(), files.len());
        let check = slipway::emit::compare(&out, &files).unwrap();
        prop_assert!(check.is_current() && check.unmanaged.is_empty());
        let second = slipway::emit::write(&out, &files).unwrap();
        prop_assert!(second.is_current());
    }
}
