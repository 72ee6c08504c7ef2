//! osquery agents: per-client enroll secrets, enrolled nodes, live queries,
//! and the unit of work ([`RecordTx`]) through which agent reports change
//! records atomically. Secrets and node keys are stored as hashes computed
//! by the caller.

use crate::{Actor, Result, Scope};
use assay_core::records::{RecordKind, Row};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value as Json;
use std::fmt;
use uuid::Uuid;

/// A secret an agent presents to enroll into one organisation.
#[derive(Clone, PartialEq)]
pub struct EnrollSecret {
    pub id: Uuid,
    pub org_id: Uuid,
    pub secret_hash: String,
    /// The secret's first characters, to tell secrets apart.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for EnrollSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnrollSecret")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("secret_hash", &"<redacted>")
            .field("hint", &self.hint)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("revoked_at", &self.revoked_at)
            .finish()
    }
}

/// An enroll secret to store.
#[derive(Clone)]
pub struct NewEnrollSecret {
    pub org: Uuid,
    /// SHA-256 of the secret, 64 hex digits.
    pub secret_hash: String,
    /// The secret's first characters (at most 16 are kept).
    pub hint: String,
    /// Revoke the organisation's other secrets.
    pub rotate: bool,
}

/// An enrolled agent.
#[derive(Debug, Clone, PartialEq)]
pub struct OsqueryNode {
    pub id: Uuid,
    pub org_id: Uuid,
    /// Id of the asset record the host reports as.
    pub asset: String,
    pub host_identifier: String,
    pub platform: String,
    pub osquery_version: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub last_status: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// How precisely a node's last check-in is recorded, in seconds: writing it
/// on every request would put every check-in through the database writer.
pub const NODE_SEEN_RESOLUTION_SECS: i64 = 60;

impl OsqueryNode {
    /// Whether a check-in at `now` should be written down.
    pub fn check_in_worth_recording(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at >= TimeDelta::seconds(NODE_SEEN_RESOLUTION_SECS)
    }
}

/// A node to enroll.
#[derive(Clone)]
pub struct NewNode {
    pub org_id: Uuid,
    pub asset: String,
    pub node_key_hash: String,
    pub host_identifier: String,
    pub platform: String,
    pub osquery_version: Option<String>,
}

/// A live query a user asked enrolled nodes to run.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveQuery {
    pub id: Uuid,
    pub org_id: Uuid,
    pub sql: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One node's part in a live query.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveTarget {
    pub node_id: Uuid,
    pub host_identifier: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    /// osquery's status: 0 for success.
    pub status: Option<i64>,
    /// The rows, a JSON array of objects.
    pub rows: Option<Json>,
    pub error: Option<String>,
}

/// What a node wrote back for one live query.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveAnswer {
    pub query_id: Uuid,
    pub status: i64,
    pub rows: Json,
    pub error: Option<String>,
}

/// Reads and writes one organisation's records inside a transaction that
/// [`OsqueryStore::apply_records`] commits or rolls back as a whole.
pub trait RecordTx {
    fn get(&mut self, kind: RecordKind, id: &str) -> Result<Option<Row>>;
    /// Records whose text `field` equals `value`.
    fn find(&mut self, kind: RecordKind, field: &str, value: &str) -> Result<Vec<Row>>;
    /// Records whose id starts with `prefix`, in id order.
    fn with_prefix(&mut self, kind: RecordKind, prefix: &str) -> Result<Vec<Row>>;
    /// The provider organisation's records of `kind` (shared catalogues).
    fn provider_rows(&mut self, kind: RecordKind) -> Result<Vec<Row>>;
    /// Every record of `kind`.
    fn all(&mut self, kind: RecordKind) -> Result<Vec<Row>>;
    /// Creates or replaces a record.
    fn put(&mut self, kind: RecordKind, row: &Row) -> Result<()>;
    /// Deletes a record; whether it existed.
    fn delete(&mut self, kind: RecordKind, id: &str) -> Result<bool>;
}

/// Storage for osquery agents. State changes made by people are audited;
/// agents' check-ins are not (their record changes are, per batch).
pub trait OsqueryStore: Send + Sync {
    /// Stores a new enroll secret; with `rotate`, every other secret of the
    /// organisation is revoked in the same transaction.
    fn create_enroll_secret(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewEnrollSecret,
        now: DateTime<Utc>,
    ) -> Result<EnrollSecret>;
    fn list_enroll_secrets(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<EnrollSecret>>;
    fn revoke_enroll_secret(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The organisation a valid (unrevoked) secret enrolls into.
    fn enroll_secret_org(&self, secret_hash: &str) -> Result<Option<Uuid>>;

    /// Records an enrolled node. A host that enrolls again gets a new node;
    /// its earlier nodes for the same asset are revoked.
    fn enroll_node(&self, actor: &Actor, new: NewNode, now: DateTime<Utc>) -> Result<OsqueryNode>;
    /// The unrevoked node with this key.
    fn node_by_key(&self, node_key_hash: &str) -> Result<Option<OsqueryNode>>;
    /// Notes a check-in, and a status message when given.
    fn node_checked_in(&self, id: Uuid, status: Option<&str>, now: DateTime<Utc>) -> Result<()>;
    fn list_nodes(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<OsqueryNode>>;
    /// Revokes a node's key: its next request gets `node_invalid`.
    fn revoke_node(&self, actor: &Actor, scope: &Scope, id: Uuid, now: DateTime<Utc>)
    -> Result<()>;

    /// Runs `work` on `org`'s records in one transaction, audited as one
    /// entry (`action` on `target`) whose `after` is what `work` returns.
    /// An error from `work` writes nothing. Returns `work`'s value.
    fn apply_records(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        action: &str,
        target: &str,
        work: &mut dyn FnMut(&mut dyn RecordTx) -> Result<Json>,
    ) -> Result<Json>;

    /// Asks `nodes` (every unrevoked node of `org` when empty) to run `sql`.
    #[allow(clippy::too_many_arguments)]
    fn create_live_query(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        sql: &str,
        nodes: &[Uuid],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<LiveQuery>;
    /// Live queries a node has not answered and that have not expired,
    /// marked as sent.
    fn live_queries_for(&self, node: Uuid, now: DateTime<Utc>) -> Result<Vec<(Uuid, String)>>;
    /// Stores a node's answers; answers to queries it was not asked, or
    /// already answered, are ignored. Returns how many were stored.
    fn save_live_answers(
        &self,
        node: Uuid,
        answers: &[LiveAnswer],
        now: DateTime<Utc>,
    ) -> Result<usize>;
    fn live_query(&self, scope: &Scope, id: Uuid) -> Result<(LiveQuery, Vec<LiveTarget>)>;
}
