//! Where Assay keeps its data. [`Store`] is the interface every backend
//! implements; [`SqlStore`] is the embedded default. Every query that reads
//! or writes an organisation's data takes a [`Scope`], and a scope that does
//! not grant the organisation yields `NotFound`, so tenant isolation does not
//! depend on callers remembering to filter.
//!
//! Evaluation runs are orchestrated by [`evaluation`], which loads records
//! through the interface, calls the engine and appends the run; it holds no
//! SQL.

pub mod accounts;
pub mod audit;
pub mod evaluation;
pub mod jobs;
pub mod notify;
pub mod osquery;
mod sql;
pub mod testing;

pub use accounts::{
    AccountStore, ApiToken, LoginFailures, NewApiToken, NewSession, NewUser, Session, User,
};
pub use jobs::JobStore;
pub use notify::NotifyStore;
pub use osquery::OsqueryStore;
pub use sql::db::Dialect;
pub use sql::{CopyReport, SqlStore, redact_url};

use assay_core::engine::{Exception, FrameworkResult};
use assay_core::org::{OrgKind, Organisation};
use assay_core::params::Tier;
use assay_core::records::{OrgData, RecordKind, Row};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which organisations a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every organisation (provider staff with full access, the CLI).
    All,
    /// Only these organisations.
    Orgs(Vec<Uuid>),
}

impl Scope {
    pub fn allows(&self, org: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Orgs(ids) => ids.contains(&org),
        }
    }
}

/// Who makes a change, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User name or `cli:<login>`.
    pub name: String,
    /// Where from: an address, or `cli`.
    pub source: String,
}

impl Actor {
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            source: source.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{kind} '{id}' already exists")]
    DuplicateId { kind: RecordKind, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A write that a unique key refused (two writers racing to create the
    /// same thing, for example).
    #[error("already exists: {0}")]
    Unique(String),
    #[error("database: {0}")]
    Database(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A new organisation.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub tier: Option<String>,
    pub contracted_endpoints: Option<i64>,
}

/// How an import treats ids that already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// An id that exists already is an error.
    Insert,
    /// An id that exists already is replaced.
    Upsert,
    /// Every stored record of the kind is replaced by the file's.
    Replace,
}

/// A new exception.
#[derive(Debug, Clone)]
pub struct NewException {
    pub org_id: Uuid,
    pub check: String,
    pub resource: Option<String>,
    pub justification: String,
    pub approver: String,
    pub expires: NaiveDate,
}

/// One stored evaluation run.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub id: Uuid,
    /// The time the records were evaluated as of.
    pub evaluated_at: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub actor: String,
    /// The background job the run was made for, if any: a job saves at
    /// most one run, however many nodes attempt it.
    pub job_id: Option<Uuid>,
}

/// An entry of the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub org_id: Option<Uuid>,
    pub target: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// One framework's stored result for an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    pub framework: String,
    /// A `FrameworkResult` as JSON.
    pub json: String,
}

/// The storage interface. All methods are synchronous; a server calls them
/// from a blocking thread. Accounts and credentials are in [`AccountStore`],
/// osquery agents in [`OsqueryStore`], background jobs in [`JobStore`],
/// webhooks and their deliveries in [`NotifyStore`].
pub trait Store: AccountStore + OsqueryStore + JobStore + NotifyStore + Send + Sync {
    // Organisations and tiers.
    /// Creates organisations with their parameter overrides, all in one
    /// transaction: if any is refused, none is created.
    fn create_orgs(
        &self,
        actor: &Actor,
        orgs: &[(NewOrg, BTreeMap<String, i64>)],
    ) -> Result<Vec<Organisation>>;
    fn create_org(&self, actor: &Actor, new: NewOrg) -> Result<Organisation> {
        self.create_orgs(actor, &[(new, BTreeMap::new())])?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Database("no organisation was created".into()))
    }
    fn list_orgs(&self, scope: &Scope) -> Result<Vec<Organisation>>;
    fn org_by_slug(&self, scope: &Scope, slug: &str) -> Result<Organisation>;
    fn list_tiers(&self) -> Result<Vec<Tier>>;
    fn set_tier_param(&self, actor: &Actor, tier: &str, param: &str, value: i64) -> Result<()>;
    /// Creates or replaces tiers (description and every parameter value) in
    /// one transaction.
    fn put_tiers(&self, actor: &Actor, tiers: &[Tier]) -> Result<()>;
    fn overrides(&self, scope: &Scope, org: Uuid) -> Result<BTreeMap<String, i64>>;
    /// Sets (or with `None` removes) a client's parameter override.
    fn set_override(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        param: &str,
        value: Option<i64>,
    ) -> Result<()>;

    // Records.
    /// Writes `rows` of `kind` in one transaction; on any error nothing is
    /// written. Returns the number of rows written.
    fn import_rows(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        rows: &[Row],
        mode: ImportMode,
    ) -> Result<usize>;
    fn list_rows(&self, scope: &Scope, org: Uuid, kind: RecordKind) -> Result<Vec<Row>>;
    /// One page of `kind` records in id order: those after `after`, at most
    /// `limit` of them.
    fn list_rows_page(
        &self,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Row>>;
    fn get_row(&self, scope: &Scope, org: Uuid, kind: RecordKind, id: &str) -> Result<Row>;
    /// Creates or replaces one record; the audit entry holds the record
    /// before and after. Returns whether it replaced an existing one.
    fn put_row(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        row: &Row,
    ) -> Result<bool>;
    /// Deletes one record; `NotFound` if there is no such record.
    fn delete_row(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        id: &str,
    ) -> Result<()>;
    fn load_org_data(&self, scope: &Scope, org: Uuid) -> Result<OrgData>;

    // Exceptions.
    fn add_exception(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewException,
        now: DateTime<Utc>,
    ) -> Result<Exception>;
    fn list_exceptions(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<Exception>>;
    fn revoke_exception(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // Evaluation runs (append-only).
    fn save_run(
        &self,
        actor: &Actor,
        run: &RunInfo,
        results: &[(Uuid, FrameworkResult)],
    ) -> Result<()>;
    /// Each organisation's results from the latest run evaluated at or before
    /// `as_of`, per framework in framework order, as stored (JSON text of a
    /// `FrameworkResult`): what an answer can pass on without re-encoding.
    fn stored_results_as_of(
        &self,
        scope: &Scope,
        org: Uuid,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>>;
    /// [`stored_results_as_of`](Store::stored_results_as_of), decoded.
    fn results_as_of(
        &self,
        scope: &Scope,
        org: Uuid,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<FrameworkResult>> {
        self.stored_results_as_of(scope, org, as_of)?
            .into_iter()
            .map(|r| {
                serde_json::from_str(&r.json)
                    .map_err(|e| StoreError::Corrupt(format!("stored result: {e}")))
            })
            .collect()
    }
    /// The newest runs first, by the time they evaluated as of.
    fn list_runs(&self, limit: usize) -> Result<Vec<RunInfo>>;
    fn get_run(&self, id: Uuid) -> Result<RunInfo>;
    /// Runs that finished at or after `since`, oldest first.
    fn runs_finished_since(&self, since: DateTime<Utc>) -> Result<Vec<RunInfo>>;

    // Audit log.
    fn audit_entries(&self, after_seq: i64, limit: usize) -> Result<Vec<AuditEntry>>;
    /// Checks the whole hash chain: the number of entries, or the first
    /// entry that was edited or deleted.
    fn verify_audit(&self) -> Result<std::result::Result<i64, audit::ChainBreak>>;
}
