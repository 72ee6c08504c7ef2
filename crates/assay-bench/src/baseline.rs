//! The plain-SQL baseline the benchmark compares Assay against: every built-in
//! check written as one SQL query over the same SQLite database, the way
//! Steampipe/Powerpipe-style tools evaluate controls.
//!
//! There is one [`SqlCheck`] per check *and argument set* the shipped
//! catalogues use (`frameworks/*.toml`), named like
//! [`CheckRef::key`](assay_core::catalogue::CheckRef::key): 104 queries
//! covering all 81 checks of `docs/checks.md`.
//!
//! # Query contract
//!
//! Parameters: `?1` the evaluation time as RFC 3339 text
//! (`2026-11-23T12:00:00Z`), `?2` its date (`2026-11-23`), `?3` an
//! organisation id, or NULL for every organisation. Each query returns rows
//! `(org_id, failing)`; organisations with nothing failing may be left out.
//!
//! # What is counted
//!
//! `failing` is the number of resources the check marks `fail` — or `stale`,
//! for the checks whose only negative judgement is "out of date"
//! (`assessments.recent`, `scans.cadence`, `evidence.document`,
//! `policies.reviewed`, and the out-of-date documents of
//! `policies.required_present` and `scope.boundary`), so that those queries
//! count something. `insufficient_evidence`, `not_applicable` and `partial`
//! are not counted. Share-based checks (`tickets.categorised`, `tickets.sla`,
//! `alerts.*`, `training.awareness`) count their non-compliant items only when
//! the share misses the target, as the engine does.
//!
//! # Parameters and applicability
//!
//! Every parameter a query uses is resolved per organisation the way the
//! engine resolves it: the client's override, else its tier's value, else
//! the built-in default (written as a literal, checked against
//! [`PARAM_DEFS`](assay_core::params::PARAM_DEFS) by the tests). A check the
//! catalogues use only in requirements that apply to the provider (or only
//! to clients) is queried only for that kind of organisation, as the engine
//! evaluates it only there (clients inherit the provider's result).
//!
//! # Known differences from the engine
//!
//! None known on the data Assay generates: the tests compare every query
//! with the engine, organisation by organisation, at several evaluation
//! times, on the demo and on copies of it whose records are randomly
//! perturbed (so that every query has failing resources and boundaries, ties
//! and empty values are met). Where the engine picks "the latest" of equal
//! times, the queries break the tie by record id, as the store loads records
//! in id order. By construction the SQL differs only where SQLite's text
//! functions do: `lower()` folds ASCII letters only and `trim()` strips
//! spaces only, where the engine folds and strips Unicode (names typed by
//! hand — systems, sites, usernames — matched case-insensitively). `now` is
//! passed to the second.

#[macro_use]
mod queries;
#[cfg(test)]
mod tests;

pub use queries::SQL_CHECKS;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::Path;

/// One built-in check written as one SQL query.
pub struct SqlCheck {
    /// The engine's check id with its catalogue arguments, as
    /// [`CheckRef::key`](assay_core::catalogue::CheckRef::key) spells it:
    /// `endpoint.host_firewall`, `updates.critical_within_window{"scope":"os"}`.
    pub id: &'static str,
    /// The query; see the module documentation for its contract.
    pub sql: &'static str,
}

/// Opens the database at `path` read-only for the baseline.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Runs every query against `conn`, for all organisations (`org = None`) or
/// one (`Some(org_id)`), and returns, per check id, per org_id, the number of
/// failing resources (organisations with none are left out).
pub fn run(
    conn: &Connection,
    now: DateTime<Utc>,
    org: Option<&str>,
) -> Result<BTreeMap<&'static str, BTreeMap<String, u64>>, rusqlite::Error> {
    let now_text = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let today = now.date_naive().format("%Y-%m-%d").to_string();
    let mut out = BTreeMap::new();
    for check in SQL_CHECKS {
        let mut stmt = conn.prepare(check.sql)?;
        let mut rows = stmt.query(rusqlite::params![now_text, today, org])?;
        let mut per_org = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let org_id: String = row.get(0)?;
            let failing: Option<i64> = row.get(1)?;
            if let Some(n) = failing.filter(|n| *n > 0) {
                *per_org.entry(org_id).or_insert(0) += n.unsigned_abs();
            }
        }
        out.insert(check.id, per_org);
    }
    Ok(out)
}
