//! Layer 1: what every other layer uses (errors, random streams, the civil
//! calendar, number formatting, reused buffers). Depends on no other
//! module of the crate.

pub(crate) mod buffers;
pub mod calendar;
pub mod error;
pub mod fmt;
pub mod fsread;
pub mod rng;
pub mod suggest;
