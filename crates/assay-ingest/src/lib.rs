//! Sources into the store: CSV/JSON importers and exporters per record kind,
//! and the deterministic demo data generator.

pub mod demo;
