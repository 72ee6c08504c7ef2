//! [`JobStore`] on SQL. Claims lock the chosen row and pass over rows other
//! nodes hold (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
//! writer), and every later step checks the claim's node and attempt.

use super::SqlStore;
use super::convert::{opt_time, parse_time_col, parse_uuid_col, ts};
use super::db::{DbRow, params};
use crate::jobs::{Claim, Job, JobKind, JobStore, MAX_ATTEMPTS};
use crate::{Result, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

const JOB_SELECT: &str = "SELECT id, kind, slot, run_at, claimed_by, lease_until, attempts, done_at, done_by, outcome, last_error FROM jobs";

fn job_row(r: &dyn DbRow) -> Result<Job> {
    let (id, kind, run_at): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(3)?);
    Ok(Job {
        id: parse_uuid_col(&id)?,
        kind: JobKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("job kind '{kind}'")))?,
        slot: r.get(2)?,
        run_at: parse_time_col(&run_at)?,
        claimed_by: r.get(4)?,
        lease_until: opt_time(r.get(5)?)?,
        attempts: r.get(6)?,
        done_at: opt_time(r.get(7)?)?,
        done_by: r.get(8)?,
        outcome: r.get(9)?,
        last_error: r.get(10)?,
    })
}

/// The condition that the claim is still the one in force.
const HELD: &str = "id = ?1 AND claimed_by = ?2 AND attempts = ?3 AND done_at IS NULL";

impl JobStore for SqlStore {
    fn schedule_job(&self, kind: JobKind, slot: &str, run_at: DateTime<Utc>) -> Result<bool> {
        let conn = self.conn()?;
        let n = conn.execute(
            "INSERT INTO jobs (id, kind, slot, run_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (kind, slot) DO NOTHING",
            params![
                Uuid::now_v7().to_string(),
                kind.as_str(),
                slot,
                ts(run_at),
                ts(Utc::now())
            ],
        )?;
        Ok(n > 0)
    }

    fn claim_job(&self, node: &str, now: DateTime<Utc>, lease: TimeDelta) -> Result<Option<Claim>> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let due = tx.query_row(
            &format!(
                "{JOB_SELECT} WHERE done_at IS NULL AND run_at <= ?1
                   AND (lease_until IS NULL OR lease_until < ?1)
                 ORDER BY run_at, id LIMIT 1{}",
                tx.dialect().skip_locked()
            ),
            params![ts(now)],
            job_row,
        )?;
        let Some(mut job) = due else {
            return Ok(None);
        };
        job.attempts += 1;
        job.claimed_by = Some(node.to_string());
        job.lease_until = Some(parse_time_col(&ts(now + lease))?);
        tx.execute(
            "UPDATE jobs SET claimed_by = ?2, lease_until = ?3, attempts = ?4 WHERE id = ?1",
            params![job.id.to_string(), node, ts(now + lease), job.attempts],
        )?;
        tx.commit()?;
        Ok(Some(Claim {
            attempt: job.attempts,
            node: node.to_string(),
            job,
        }))
    }

    fn renew_claim(&self, claim: &Claim, until: DateTime<Utc>) -> Result<bool> {
        let conn = self.conn()?;
        let n = conn.execute(
            &format!("UPDATE jobs SET lease_until = ?4 WHERE {HELD}"),
            params![
                claim.job.id.to_string(),
                claim.node,
                claim.attempt,
                ts(until)
            ],
        )?;
        Ok(n > 0)
    }

    fn finish_job(
        &self,
        claim: &Claim,
        outcome: std::result::Result<String, String>,
        now: DateTime<Utc>,
        retry_after: TimeDelta,
    ) -> Result<bool> {
        let conn = self.conn()?;
        let id = claim.job.id.to_string();
        let n = match outcome {
            Ok(summary) => conn.execute(
                &format!(
                    "UPDATE jobs SET done_at = ?4, done_by = ?2, outcome = ?5, lease_until = NULL
                     WHERE {HELD}"
                ),
                params![id, claim.node, claim.attempt, ts(now), summary],
            )?,
            Err(error) if claim.attempt >= MAX_ATTEMPTS => conn.execute(
                &format!(
                    "UPDATE jobs SET done_at = ?4, done_by = ?2, outcome = 'gave up', last_error = ?5,
                     lease_until = NULL WHERE {HELD}"
                ),
                params![id, claim.node, claim.attempt, ts(now), error],
            )?,
            Err(error) => conn.execute(
                &format!(
                    "UPDATE jobs SET last_error = ?4, run_at = ?5, claimed_by = NULL, lease_until = NULL
                     WHERE {HELD}"
                ),
                params![
                    id,
                    claim.node,
                    claim.attempt,
                    error,
                    ts(now + retry_after)
                ],
            )?,
        };
        Ok(n > 0)
    }

    fn list_jobs(&self, limit: usize) -> Result<Vec<Job>> {
        self.reader()?.query(
            &format!("{JOB_SELECT} ORDER BY run_at DESC, id DESC LIMIT ?1"),
            params![limit as i64],
            job_row,
        )
    }

    fn prune_jobs(&self, before: DateTime<Utc>) -> Result<usize> {
        self.conn()?.execute(
            "DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < ?1",
            params![ts(before)],
        )
    }
}
