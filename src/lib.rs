//! renewplan: a Monte Carlo capacity-planning simulator for renewable
//! buildouts behind transmission limits.
//!
//! The crate is laid out by layer, lowest first; a module uses only its own
//! layer and those below it (checked by `tests/layers.rs`; see
//! ARCHITECTURE.md):
//!
//! 1. `base` — errors, random streams, the civil calendar, number
//!    formatting, reused buffers.
//! 2. `physics` — solar and wind physics (pure functions).
//! 3. `data` — weather and series file readers (PVGIS, renewables.ninja,
//!    generic CSV) and the bootstrap that replays them.
//! 4. `model` — the validated `Model`, and the scenario file's parsing and
//!    resolution into it (`model::scenario`).
//! 5. `sim` — one sample's pipeline, `weather` → `outage` → `conversion` →
//!    `dispatch` → `metrics`, and the `engine` that runs samples in
//!    parallel (`rows` keeps their rows in bounded memory).
//! 6. `io` — result files (`output`) and shards (`shard`).
//! 7. `study` — comparisons, sweeps, sizing, build-out, ELCC, weather fits.
//! 8. `present` — charts, the HTML report, terminal tables, and a run's
//!    complete result directory.
//! 9. `cli` — the command line.

pub mod base;
pub mod cli;
pub mod data;
pub mod io;
pub mod model;
pub mod physics;
pub mod present;
pub mod sim;
pub mod study;
