//! Assay's domain, with no I/O: the record kinds the standards are about
//! ([`records`]), organisations and service-tier parameters, the framework
//! catalogues ([`catalogue`]) and the check engine ([`engine`]). The store,
//! importers and interfaces build on it; it depends on none of them.

pub mod access;
pub mod catalogue;
pub mod changes;
pub mod engine;
pub mod org;
pub mod params;
pub mod records;
pub mod value;
