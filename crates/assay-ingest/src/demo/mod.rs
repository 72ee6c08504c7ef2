//! Demo data: placeholder until the generator is written.
