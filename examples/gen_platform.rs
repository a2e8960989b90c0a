//! Writes a generated platform of N services for benchmarks: `cargo run --release --example gen_platform --
//! N OUT_DIR [--simple]`. The output for N is always the same.
//!
//! The full workload: N services, each with two ports, probes, six env vars (two secret references, one
//! component reference), two routes, autoscale, and `uses` of two components; PostgreSQL, Redis and
//! RabbitMQ; a Kong gateway; secrets from external-secrets; three environments.
//! `--simple` is the workload other tools were measured on: N services of ServiceAccount, Deployment,
//! Service and HPA with their ArgoCD Applications, in one environment.

use std::fmt::Write as _;

/// The platform text for `services` services.
pub(crate) fn platform(services: usize, simple: bool) -> String {
    let mut text = String::with_capacity(services * 900);
    let nodes = services / 8 + 2;
    let _ = write!(
        text,
        "[platform]\nname = \"bench\"\nrepo = \"https://git.example.com/bench/gitops.git\"\n\n\
         [cluster]\nnodes = {nodes}\nmemory = \"64Gi\"\ncpu = \"32\"\nreserved = {{ memory = \"2Gi\", cpu = \"1\" }}\nmax_pods = 250\n\n\
         [defaults.service]\nnamespace = \"bench\"\nruntime = \"go\"\n\n"
    );
    if simple {
        for index in 0..services {
            let _ = write!(
                text,
                "[services.service-{index:05}]\nimage = \"registry.example.com/bench/service-{index:05}:1.0.0\"\nautoscale = {{ min = 1, max = 3 }}\n\n"
            );
        }
        text.push_str("[environments.dev]\nnetwork_policies = false\n");
        return text;
    }
    text.push_str(
        "[secret_stores.vault]\nprovider = \"vault\"\n\n\
         [components.postgresql]\nkind = \"postgresql\"\nchart = { version = \"15.5.20\" }\nnamespace = \"data\"\n\
         resources = { requests = { memory = \"2Gi\", cpu = \"1\" }, limits = { memory = \"4Gi\", cpu = \"2\" } }\n\
         credentials = { secret = \"data\", key = \"password\" }\n\n\
         [components.redis]\nkind = \"redis\"\nchart = { version = \"19.6.4\" }\nnamespace = \"data\"\n\
         resources = { requests = { memory = \"512Mi\", cpu = \"250m\" } }\n\
         credentials = { secret = \"data\", key = \"password\" }\n\n\
         [components.rabbitmq]\nkind = \"rabbitmq\"\nchart = { version = \"14.6.6\" }\nnamespace = \"data\"\n\
         resources = { requests = { memory = \"512Mi\", cpu = \"250m\" } }\n\
         credentials = { secret = \"data\", key = \"password\" }\n\n\
         [secrets.data]\nbackend = \"external-secrets\"\nstore = \"vault\"\nkeys = [\"password\", \"erlang-cookie\"]\n\n\
         [components.kong]\nkind = \"kong\"\nchart = { version = \"2.33.0\" }\nnamespace = \"kong\"\n\
         resources = { requests = { memory = \"512Mi\", cpu = \"250m\" } }\n\n\
         [gateway]\nkind = \"kong\"\nrate_limit = { per_minute = 100 }\n\n",
    );
    for index in 0..services {
        let name = format!("service-{index:05}");
        let (first, second) = if index % 2 == 0 { ("postgresql", "redis") } else { ("postgresql", "rabbitmq") };
        let url = if index % 2 == 0 { "redis" } else { "rabbitmq" };
        let _ = write!(
            text,
            "[secrets.{name}]\nbackend = \"external-secrets\"\nstore = \"vault\"\nkeys = [\"database-url\", \"api-token\"]\n\n\
             [services.{name}]\nimage = \"registry.example.com/bench/{name}:1.{index}.0\"\n\
             ports = [{{ name = \"http\", port = 8080 }}, {{ name = \"metrics\", port = 9090 }}]\n\
             liveness = {{ path = \"/healthz\", port = \"http\" }}\nreadiness = {{ path = \"/readyz\", port = \"http\" }}\n\
             autoscale = {{ min = 1, max = 2, cpu = 75 }}\nuses = [\"{first}\", \"{second}\"]\n\
             routes = [\"/api/{name}\", \"/v2/{name}\"]\n\
             env.DATABASE_URL = {{ secret = \"{name}\", key = \"database-url\" }}\n\
             env.API_TOKEN = {{ secret = \"{name}\", key = \"api-token\" }}\n\
             env.BROKER_URL = \"${{components.{url}.url}}\"\nenv.LOG_LEVEL = \"info\"\nenv.SERVICE_NAME = \"{name}\"\nenv.WORKERS = 4\n\n"
        );
    }
    // Each environment on a cluster of its own: on one cluster they would create the same objects.
    text.push_str(
        "[environments.dev]\n\
         [environments.staging]\ncluster = { server = \"https://staging.bench.example.com:6443\" }\n\
         [environments.production]\ncluster = { server = \"https://production.bench.example.com:6443\" }\n",
    );
    text
}

#[allow(dead_code)] // The integration tests include this file for `platform()` alone.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let simple = args.iter().any(|arg| arg == "--simple");
    let positional: Vec<&String> = args.iter().filter(|arg| !arg.starts_with("--")).collect();
    let (Some(count), Some(directory)) =
        (positional.first().and_then(|it| it.parse::<usize>().ok()), positional.get(1))
    else {
        eprintln!("usage: gen_platform N OUT_DIR [--simple]");
        std::process::exit(2);
    };
    let path = std::path::Path::new(directory.as_str()).join("platform/platform.toml");
    std::fs::create_dir_all(path.parent().expect("a platform path has a parent"))
        .expect("create the platform directory");
    std::fs::write(&path, platform(count, simple)).expect("write the platform");
    println!("{}", path.display());
}
