//! renewplan: a Monte Carlo capacity-planning simulator for renewable
//! buildouts behind transmission limits.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `scenario` (parse, then resolve into a validated `model::Model`) →
//! `weather` (stochastic hourly weather) → `outage` (Markov availability) →
//! `conversion` (available MW of each fleet, using the `solar` and `wind`
//! physics) → `dispatch` (hourly energy balance) → `metrics` (one row per
//! sample, estimates across samples; `rows` keeps the rows in bounded
//! memory). `engine` runs samples in parallel;
//! `output` writes result files; `cli` is the command line.

mod buffers;
pub mod chart;
pub mod cli;
pub mod cli_study;
pub mod compare;
pub mod conversion;
pub mod data;
pub mod dispatch;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod model;
pub mod outage;
pub mod output;
pub mod report;
pub mod rng;
pub mod rows;
pub mod scenario;
pub mod shard;
pub mod solar;
pub mod study;
pub mod weather;
pub mod wind;
