//! Layer 2: solar and wind physics, pure functions checked against papers
//! and reference implementations.

pub mod solar;
pub mod wind;
