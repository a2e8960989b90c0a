//! Times each stage of the pipeline in-process, so a regression can be traced to its stage:
//! `cargo run --release --example stage_timings -- PLATFORM_TOML [OUT_DIR]`.
//! Prints the median of several runs of load, resolve, validate, render (each object made and written to
//! YAML text at once), emit (the files, with their headers) and compare (the comparison with OUT_DIR, as
//! `check` does).

use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut stage: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(stage());
        samples.push(start.elapsed());
    }
    (median(samples), last.expect("at least one run"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: stage_timings PLATFORM_TOML [OUT_DIR]");
        std::process::exit(2);
    };
    let runs = 7;
    let path = std::path::Path::new(path);
    let (read, source) = time(runs, || slipway::load::read(path).expect("read the platform"));
    let (load, platform) = time(runs, || slipway::load::parse(&source).expect("a valid platform"));
    let attachments = slipway::load::read_attachments(path, &platform);
    let (resolve, (envs, _)) = time(runs, || slipway::resolve::resolve(&platform, &source, &attachments));
    let (validate, diagnostics) = time(runs, || slipway::validate::validate(&envs));
    let (render, manifests) = time(runs, || envs.iter().map(slipway::render::render).collect::<Vec<_>>());
    let (emit, files) = time(runs, || {
        manifests.iter().map(|manifests| slipway::emit::to_files("platform.toml", manifests)).collect::<Vec<_>>()
    });
    let count: usize = files.iter().map(std::collections::BTreeMap::len).sum();
    println!("{} environments, {count} files, {} diagnostics; median of {runs} runs:", envs.len(), diagnostics.len());
    for (stage, duration) in [
        ("read", read),
        ("load", load),
        ("resolve", resolve),
        ("validate", validate),
        ("render+YAML", render),
        ("emit (files)", emit),
    ] {
        println!("  {stage:<12} {:>8.2} ms", duration.as_secs_f64() * 1000.0);
    }
    if let Some(out) = args.get(1) {
        let all: slipway::emit::Files = files.into_iter().flatten().collect();
        let (compare, comparison) =
            time(runs, || slipway::emit::compare(std::path::Path::new(out), &all).expect("read out/"));
        println!(
            "  {:<12} {:>8.2} ms ({} files differ)",
            "compare",
            compare.as_secs_f64() * 1000.0,
            comparison.added.len() + comparison.changed.len()
        );
    }
}
