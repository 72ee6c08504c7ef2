//! Sources into the store: CSV/JSON importers and exporters per record kind,
//! and the deterministic demo data generator.

pub mod demo;
pub mod osquery;
pub mod parse;
pub mod records_io;
pub mod settings_io;

pub use parse::{Format, ParseError, Position, Schema, parse_object, template};
pub use records_io::{ImportFile, IngestError, export, import};
