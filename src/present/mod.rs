//! Layer 8: what people look at — charts (`chart`), the self-contained
//! `report.html` (`report`), terminal tables (`terminal`), headline metric
//! names in English and Chinese (`names`), and a run's
//! complete result directory with its charts and report (`result`).

pub mod chart;
pub mod names;
pub mod report;
pub mod result;
pub mod terminal;
