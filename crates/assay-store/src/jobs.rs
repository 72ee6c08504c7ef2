//! Background jobs shared by every node of an installation: scheduled
//! evaluations, notifications of what a run changed, and retention. A job is scheduled once per slot (scheduling
//! it again is a no-op, so every node may try), claimed by one node under a
//! lease, and finished by the node that holds the claim. A node that dies
//! stops renewing its lease; when the lease runs out another node claims the
//! job again.

use crate::Result;
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Evaluate every organisation and store the run.
    Evaluate,
    /// Drop login attempts, dead sessions, finished jobs and old
    /// deliveries past keeping.
    Retention,
    /// Send what one evaluation run (the job's slot) changed to the
    /// webhooks that have not had it yet.
    Notify,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Evaluate => "evaluate",
            JobKind::Retention => "retention",
            JobKind::Notify => "notify",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        match s {
            "evaluate" => Some(JobKind::Evaluate),
            "retention" => Some(JobKind::Retention),
            "notify" => Some(JobKind::Notify),
            _ => None,
        }
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: Uuid,
    pub kind: JobKind,
    /// The scheduled time that names this job (one job per kind and slot).
    pub slot: String,
    pub run_at: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// Claims so far; a claim is only good for the attempt it made.
    pub attempts: i64,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<String>,
    pub outcome: Option<String>,
    pub last_error: Option<String>,
}

/// A claim a node holds on a job: finishing or renewing needs it, so a node
/// whose lease ran out cannot finish a job another node has taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub job: Job,
    pub node: String,
    pub attempt: i64,
}

/// Attempts after which a failing job is given up (marked done with its
/// error).
pub const MAX_ATTEMPTS: i64 = 5;

/// How long a job that failed at `attempt` waits before it may be claimed
/// again: `base` times the attempt, so each retry waits longer.
pub fn retry_delay(attempt: i64, base: TimeDelta) -> TimeDelta {
    base * i32::try_from(attempt.clamp(1, MAX_ATTEMPTS)).unwrap_or(1)
}

pub trait JobStore {
    /// Schedules `kind` for `slot`, due at `run_at`; `false` if that job
    /// exists already.
    fn schedule_job(&self, kind: JobKind, slot: &str, run_at: DateTime<Utc>) -> Result<bool>;
    /// Claims the oldest due job that is not done and not under a live
    /// lease, for `node` until `now + lease`.
    fn claim_job(&self, node: &str, now: DateTime<Utc>, lease: TimeDelta) -> Result<Option<Claim>>;
    /// Extends a claim's lease; `false` if the claim was lost.
    fn renew_claim(&self, claim: &Claim, until: DateTime<Utc>) -> Result<bool>;
    /// Records the job's outcome: done with `Ok(summary)`, or failed with
    /// `Err(message)`, to be claimed again after `retry_after` (up to
    /// [`MAX_ATTEMPTS`]). `false` if the claim was lost, in which case
    /// nothing is written.
    fn finish_job(
        &self,
        claim: &Claim,
        outcome: std::result::Result<String, String>,
        now: DateTime<Utc>,
        retry_after: TimeDelta,
    ) -> Result<bool>;
    /// The newest jobs first.
    fn list_jobs(&self, limit: usize) -> Result<Vec<Job>>;
    /// Deletes finished jobs done before `before`; how many.
    fn prune_jobs(&self, before: DateTime<Utc>) -> Result<usize>;
}
