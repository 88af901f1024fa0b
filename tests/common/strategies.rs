//! Proptest strategies shared by the dispatch property tests.

use proptest::prelude::*;

/// A share of units up: often exactly 0 or 1, otherwise anything between.
pub fn share() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0]
}

/// Exactly 0 or a value below `max`.
pub fn some_or_zero(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..max]
}

/// `n` hourly series of `hours` values each.
pub fn hourly(n: usize, hours: usize, v: impl Strategy<Value = f64>) -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(prop::collection::vec(v, hours), n)
}
