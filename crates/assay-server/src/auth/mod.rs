//! Authentication primitives for Assay's own accounts: pure functions with
//! no HTTP and no database, so that the rules that matter for security are
//! small, easy to review and unit-tested on their own.
//!
//! - [`password`]: Argon2id password hashing and the Cyber Essentials v3.3
//!   password rules (length plus a common-password block-list).
//! - [`totp`]: RFC 6238 one-time codes, as authenticator apps produce them.
//! - [`secrets`]: session and API tokens, recovery codes, and the hashes the
//!   database keeps instead of them.
//!
//! What is stored in the database is always a hash: an Argon2id PHC string
//! for passwords, a SHA-256 hex digest for tokens and recovery codes. TOTP
//! secrets are the exception, since the server needs them to compute codes.

pub mod password;
pub mod secrets;
pub mod totp;
