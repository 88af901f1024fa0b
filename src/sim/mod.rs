//! Layer 5: one sample's pipeline (`weather` → `outage` → `conversion` →
//! `dispatch` → `metrics`) and the `engine` that runs samples in parallel;
//! `rows` keeps the per-sample rows in bounded memory. No file formats
//! here (the one exception: `rows` spills to an anonymous temporary file).

pub mod conversion;
pub mod dispatch;
pub mod engine;
pub mod metrics;
pub mod outage;
pub mod rows;
pub mod weather;
