//! The scale benchmark behind `assay bench`: generate an MSP of a given
//! size, load it, evaluate every control for every organisation, re-evaluate
//! one organisation after a change, and time the same checks written as plain
//! SQL over the same database for comparison.

pub mod api_load;
pub mod baseline;
pub mod harness;
mod memory;
pub mod report;

pub use harness::{BenchError, BenchOptions, Figures, run};
