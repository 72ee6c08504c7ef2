//! Notifications: the webhooks that hear when an evaluation run changes
//! results, the inputs to work out what changed, and each delivery's state,
//! so that a retried notification job sends only what was not delivered.

use crate::{Actor, Result, Scope};
use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// Where notifications go.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: Uuid,
    /// The one organisation whose changes it hears; every organisation's
    /// when `None`.
    pub org_id: Option<Uuid>,
    pub url: String,
    /// Signs every delivery (HMAC-SHA256); shown once, when created.
    pub secret: String,
    /// The secret's first characters, to tell secrets apart.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Webhook {
    /// Whether it hears about a run that finished at `at`: it existed then
    /// and is not revoked.
    pub fn hears_run_at(&self, at: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.created_at <= at
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("hint", &self.hint)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("revoked_at", &self.revoked_at)
            .finish()
    }
}

/// A webhook to store. The URL is checked by the caller.
#[derive(Clone)]
pub struct NewWebhook {
    pub org: Option<Uuid>,
    pub url: String,
    pub secret: String,
}

/// One organisation's result for one framework in a run, with the result
/// it replaced (the newest earlier one), as stored JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultPair {
    pub org_id: Uuid,
    pub framework: String,
    pub current: String,
    pub previous: Option<String>,
}

/// How sending one run's notification to one webhook went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub run_id: Uuid,
    pub webhook_id: Uuid,
    pub attempts: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

/// One attempt to deliver: the receiver's HTTP status, or why there was no
/// answer; `delivered` when it was a 2xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub delivered: bool,
}

pub trait NotifyStore {
    /// Stores a webhook, audited without its secret.
    fn create_webhook(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewWebhook,
        now: DateTime<Utc>,
    ) -> Result<Webhook>;
    /// The webhooks the scope sees (those for every organisation only with
    /// [`Scope::All`]), oldest first, revoked ones included.
    fn list_webhooks(&self, scope: &Scope) -> Result<Vec<Webhook>>;
    /// Stops a webhook; `Conflict` if it is already revoked.
    fn revoke_webhook(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Hands `each` every result of `run`, with the result it replaced, one
    /// at a time as they are read (a run over many organisations is large).
    fn each_result_pair(
        &self,
        run: Uuid,
        each: &mut dyn FnMut(ResultPair) -> Result<()>,
    ) -> Result<()>;
    /// The run's deliveries so far.
    fn deliveries(&self, run: Uuid) -> Result<Vec<Delivery>>;
    /// The newest deliveries first, across runs.
    fn recent_deliveries(&self, limit: usize) -> Result<Vec<Delivery>>;
    /// Records one attempt to deliver `run` to `webhook`.
    fn record_delivery(
        &self,
        run: Uuid,
        webhook: Uuid,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Deletes deliveries last tried before `before`; how many.
    fn prune_deliveries(&self, before: DateTime<Utc>) -> Result<usize>;
}
