//! Placeholder until the SQL baseline is written.
