//! The scale benchmark behind `assay bench`: generate an MSP of a given
//! size, load it, evaluate every control for every organisation, re-evaluate
//! one organisation after a change, and time the same checks written as plain
//! SQL over the same database for comparison; then the real server under
//! load, from dashboard clients and from osquery agents.

pub mod api_load;
pub mod baseline;
pub mod harness;
mod memory;
pub mod osquery_load;
pub mod report;

pub use harness::{BenchError, BenchOptions, Figures, run};
