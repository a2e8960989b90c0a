//! Runtime presets: takes a runtime (`node`, `java`, `python`, `go`), gives the service settings it implies:
//! port, probe paths and timings, and resources. Values follow seed 001 section 2; `go` is Slipway's own.
//! A preset sits under everything the user writes, so any of it can be overridden per service.

use crate::model::{self, Runtime};
use crate::quantity::{Cpu, Duration, Memory};
use crate::source::{Span, Spanned};

struct Preset {
    port: u16,
    liveness: (&'static str, [u32; 3]),
    readiness: (&'static str, [u32; 3]),
    requests: (u64, u64),
    limits: (u64, u64),
}

const MI: u64 = 1 << 20;

fn preset(runtime: Runtime) -> Preset {
    // Probe timings are [initial delay, period, timeout] in seconds; resources are (memory bytes, millicores).
    match runtime {
        Runtime::Node => Preset {
            port: 3000,
            liveness: ("/health/live", [15, 10, 3]),
            readiness: ("/health/ready", [5, 5, 2]),
            requests: (256 * MI, 100),
            limits: (512 * MI, 500),
        },
        Runtime::Java => Preset {
            port: 8080,
            liveness: ("/actuator/health/liveness", [60, 10, 5]),
            readiness: ("/actuator/health/readiness", [30, 5, 3]),
            requests: (512 * MI, 250),
            limits: (1024 * MI, 1000),
        },
        Runtime::Python => Preset {
            port: 8000,
            liveness: ("/health/live", [20, 10, 3]),
            readiness: ("/health/ready", [10, 5, 2]),
            requests: (256 * MI, 150),
            limits: (768 * MI, 750),
        },
        Runtime::Go => Preset {
            port: 8080,
            liveness: ("/healthz", [5, 10, 2]),
            readiness: ("/readyz", [2, 5, 2]),
            requests: (64 * MI, 50),
            limits: (128 * MI, 250),
        },
    }
}

/// The preset as a service spec whose values all carry `span` (the `runtime` key that chose it).
pub(crate) fn spec(runtime: Runtime, span: Span) -> model::ServiceSpec {
    let preset = preset(runtime);
    let at = |value| Spanned::new(value, span);
    let probe = |(path, [initial_delay, period, timeout]): (&str, [u32; 3])| model::Probe {
        path: Some(at(path.to_owned())),
        initial_delay: Some(Spanned::new(Duration(initial_delay), span)),
        period: Some(Spanned::new(Duration(period), span)),
        timeout: Some(Spanned::new(Duration(timeout), span)),
        failure_threshold: Some(Spanned::new(3, span)),
        ..model::Probe::default()
    };
    let amounts = |(memory, cpu): (u64, u64)| model::Amounts {
        memory: Some(Spanned::new(Memory(memory), span)),
        cpu: Some(Spanned::new(Cpu(cpu), span)),
    };
    model::ServiceSpec {
        ports: Some(vec![model::Port {
            name: at("http".to_owned()),
            port: Spanned::new(preset.port, span),
            service_port: None,
            protocol: model::Protocol::Tcp,
            node_port: None,
        }]),
        liveness: Some(probe(preset.liveness)),
        readiness: Some(probe(preset.readiness)),
        resources: Some(model::Resources {
            requests: Some(amounts(preset.requests)),
            limits: Some(amounts(preset.limits)),
        }),
        ..model::ServiceSpec::default()
    }
}
