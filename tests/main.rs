//! Integration tests: one binary, one module per area.

// Tests build fixture text with `format!`; its cost does not matter there.
#![allow(clippy::format_push_string)]

mod api;
mod budget;
mod cli;
mod clusters;
mod components;
mod contracts;
mod determinism;
mod diagnostics;
mod gateway;
mod golden;
mod groups;
mod hostile;
mod injection;
mod kubernetes;
mod manifests;
mod numbers;
mod out_safety;
mod ports;
mod properties;
mod reachability;
mod render;
mod robustness;
mod scale;
mod schemas;
mod secrets;
mod seeds;
mod support;
mod workflow;
mod yaml_roundtrip;
