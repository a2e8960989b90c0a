//! Integration tests: one binary, one module per area.

mod api;
mod budget;
mod cli;
mod components;
mod determinism;
mod diagnostics;
mod golden;
mod render;
mod schemas;
mod secrets;
mod support;
mod workflow;
