//! The background worker each `assay serve` node runs: it schedules the
//! periodic jobs and a notification job for each newly finished evaluation
//! run (every node tries; the store keeps one per slot), claims due jobs
//! one at a time, renews its lease while it works, and records the outcome.
//! What each job does is here and in [`crate::notify`]; how jobs are shared
//! between nodes is the store's ([`assay_store::jobs`]).

use crate::notify::{self, Sender};
use assay_core::catalogue::Catalogue;
use assay_store::jobs::{Claim, JobKind, retry_delay};
use assay_store::{Actor, Scope, Store, StoreError, evaluation};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How the worker behaves.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// This node's name in job claims and the audit log.
    pub node: String,
    /// Evaluate every organisation this often; `None` for never.
    pub evaluate_every: Option<Duration>,
    /// How long a claim lasts without renewal: how soon another node takes
    /// over the job of a node that died.
    pub lease: Duration,
    /// How often to look for due jobs.
    pub poll: Duration,
    /// Login attempts, dead sessions, finished jobs and webhook deliveries
    /// are kept this long.
    pub keep: Duration,
    /// A failed job is retried after this long times its attempt number.
    pub retry_base: Duration,
    /// How long a webhook receiver has to answer.
    pub webhook_timeout: Duration,
    /// Test hooks that make "a node dies in the middle of a job"
    /// reproducible.
    pub pauses: Pauses,
}

/// Where the worker waits in a job, for tests that kill a node there.
#[derive(Debug, Clone, Default)]
pub struct Pauses {
    /// Only jobs of this kind wait; every kind when `None`.
    pub kind: Option<JobKind>,
    /// After claiming the job, before working on it.
    pub after_claim: Duration,
    /// After the work is done (an evaluation's run is saved), before the
    /// job is recorded as finished; the lease is still renewed meanwhile.
    pub before_finish: Duration,
}

impl Pauses {
    fn applies_to(&self, kind: JobKind) -> bool {
        self.kind.is_none_or(|k| k == kind)
    }
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            node: default_node_name(),
            evaluate_every: Some(Duration::from_secs(3600)),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(5),
            keep: Duration::from_secs(90 * 24 * 3600),
            retry_base: Duration::from_secs(30),
            webhook_timeout: Duration::from_secs(10),
            pauses: Pauses::default(),
        }
    }
}

/// `host:pid`, unique among the nodes of one installation.
pub fn default_node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("{host}:{}", std::process::id())
}

/// The running worker; dropping the handle does not stop it, [`stop`] does.
///
/// [`stop`]: Worker::stop
pub struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker on a thread of its own (store calls block).
    pub fn start(store: Arc<dyn Store>, catalogue: Catalogue, config: WorkerConfig) -> Worker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("assay-worker".into())
            .spawn(move || run(store.as_ref(), &catalogue, &config, &flag))
            .ok();
        if thread.is_none() {
            eprintln!("worker: cannot start a thread; background jobs will not run on this node");
        }
        Worker { stop, thread }
    }

    /// Stops after the job in hand, if any.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What a job needs besides the store.
struct Tools<'a> {
    catalogue: &'a Catalogue,
    /// Why no HTTP client could be built, if so: notification jobs then
    /// fail (and are retried) with the reason.
    sender: std::result::Result<Sender, String>,
}

fn run(store: &dyn Store, catalogue: &Catalogue, config: &WorkerConfig, stop: &AtomicBool) {
    let lease = TimeDelta::from_std(config.lease).unwrap_or(TimeDelta::seconds(60));
    let tools = Tools {
        catalogue,
        sender: Sender::new(config.webhook_timeout),
    };
    if let Err(e) = &tools.sender {
        eprintln!("worker: {e}; webhook notifications will fail on this node");
    }
    let mut scheduled = Scheduled::default();
    while !stop.load(Ordering::Relaxed) {
        let now = Utc::now();
        if let Err(e) = scheduled.schedule(store, config, now) {
            eprintln!("worker: scheduling failed: {e}");
        }
        match store.claim_job(&config.node, now, lease) {
            Ok(Some(claim)) => {
                work(store, &tools, config, &claim);
                continue;
            }
            Ok(None) => {}
            Err(e) => eprintln!("worker: cannot claim jobs: {e}"),
        }
        sleep_unless_stopped(config.poll, stop);
    }
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let step = Duration::from_millis(100);
    let mut slept = Duration::ZERO;
    while slept < total && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        slept += step;
    }
}

/// The start of the period of length `every` that `now` falls in.
fn slot_start(now: DateTime<Utc>, every: Duration) -> DateTime<Utc> {
    let secs = i64::try_from(every.as_secs()).unwrap_or(i64::MAX).max(1);
    let start = now.timestamp() - now.timestamp().rem_euclid(secs);
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// The jobs this node has made sure exist, so that it writes each once
/// rather than at every poll (a write goes through the database's one
/// writer on SQLite).
#[derive(Default)]
struct Scheduled {
    known: HashSet<(JobKind, String)>,
}

impl Scheduled {
    /// Forgotten wholesale past this many: re-scheduling is harmless.
    const MAX: usize = 10_000;

    fn ensure(
        &mut self,
        store: &dyn Store,
        kind: JobKind,
        slot: String,
        run_at: DateTime<Utc>,
    ) -> assay_store::Result<()> {
        if self.known.contains(&(kind, slot.clone())) {
            return Ok(());
        }
        store.schedule_job(kind, &slot, run_at)?;
        if self.known.len() >= Self::MAX {
            self.known.clear();
        }
        self.known.insert((kind, slot));
        Ok(())
    }

    fn schedule(
        &mut self,
        store: &dyn Store,
        config: &WorkerConfig,
        now: DateTime<Utc>,
    ) -> assay_store::Result<()> {
        let slot = |at: DateTime<Utc>| assay_core::value::format_timestamp(&at);
        if let Some(every) = config.evaluate_every {
            let at = slot_start(now, every);
            self.ensure(store, JobKind::Evaluate, slot(at), at)?;
        }
        let day = slot_start(now, Duration::from_secs(24 * 3600));
        self.ensure(store, JobKind::Retention, slot(day), day)?;
        self.schedule_notifications(store, now)
    }

    /// A notification job for each run finished lately that a webhook hears
    /// about (the run's id is the slot, so each run is notified once).
    fn schedule_notifications(
        &mut self,
        store: &dyn Store,
        now: DateTime<Utc>,
    ) -> assay_store::Result<()> {
        let hooks = store.list_webhooks(&Scope::All)?;
        if hooks.iter().all(|h| h.revoked_at.is_some()) {
            return Ok(());
        }
        for run in store.runs_finished_since(now - NOTIFY_LOOKBACK)? {
            if hooks.iter().any(|h| h.hears_run_at(run.finished_at)) {
                self.ensure(store, JobKind::Notify, run.id.to_string(), run.finished_at)?;
            }
        }
        Ok(())
    }
}

/// How far back a node looks for runs to notify about: a run that finished
/// while every node was down is still notified when one comes back.
const NOTIFY_LOOKBACK: TimeDelta = TimeDelta::days(1);

/// Runs one claimed job, renewing the lease meanwhile, and records how it
/// ended. A job whose claim was lost (this node was too slow) is left to
/// the node that has it.
fn work(store: &dyn Store, tools: &Tools, config: &WorkerConfig, claim: &Claim) {
    let job = &claim.job;
    eprintln!(
        "worker: {} took job {} ({} {}, attempt {})",
        config.node,
        job.id,
        job.kind.as_str(),
        job.slot,
        claim.attempt
    );
    let outcome = std::thread::scope(|s| {
        let (done, finished) = mpsc::channel::<()>();
        s.spawn(move || renew_until_done(store, claim, config.lease, &finished));
        let pauses = &config.pauses;
        let pause = |d: Duration| {
            if pauses.applies_to(job.kind) && !d.is_zero() {
                eprintln!("worker: pausing job {} for {d:?} (test hook)", job.id);
                std::thread::sleep(d);
            }
        };
        pause(pauses.after_claim);
        let outcome = perform(store, tools, config, claim);
        pause(pauses.before_finish);
        let _ = done.send(());
        outcome
    });
    let retry_after = retry_delay(
        claim.attempt,
        TimeDelta::from_std(config.retry_base).unwrap_or(TimeDelta::seconds(30)),
    );
    match store.finish_job(claim, outcome.clone(), Utc::now(), retry_after) {
        Ok(true) => match outcome {
            Ok(summary) => eprintln!("worker: job {} done: {summary}", job.id),
            Err(e) => eprintln!("worker: job {} failed (will retry): {e}", job.id),
        },
        Ok(false) => eprintln!(
            "worker: job {} was taken over by another node; its outcome here is dropped",
            job.id
        ),
        Err(e) => eprintln!("worker: cannot record the end of job {}: {e}", job.id),
    }
}

fn renew_until_done(
    store: &dyn Store,
    claim: &Claim,
    lease: Duration,
    finished: &mpsc::Receiver<()>,
) {
    let every = lease / 3;
    while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(every) {
        let until = Utc::now() + TimeDelta::from_std(lease).unwrap_or(TimeDelta::seconds(60));
        match store.renew_claim(claim, until) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => eprintln!(
                "worker: cannot renew the lease on job {}: {e}",
                claim.job.id
            ),
        }
    }
}

fn perform(
    store: &dyn Store,
    tools: &Tools,
    config: &WorkerConfig,
    claim: &Claim,
) -> Result<String, String> {
    let now = Utc::now();
    let actor = Actor::new(format!("job:{}", config.node), "worker");
    match claim.job.kind {
        JobKind::Evaluate => {
            let frameworks: Vec<_> = tools.catalogue.frameworks.iter().collect();
            match evaluation::run(
                store,
                &Scope::All,
                &actor,
                &frameworks,
                None,
                now,
                Some(claim.job.id),
                &|_, _| {},
            ) {
                Ok(out) => Ok(format!(
                    "run {} evaluated {} organisations",
                    out.run.id,
                    out.results.len()
                )),
                // A node that died after saving the run but before finishing
                // the job: the run is there; saving it twice is refused.
                Err(StoreError::Unique(_)) => Ok("the run was saved by an earlier attempt".into()),
                Err(e) => Err(e.to_string()),
            }
        }
        JobKind::Retention => {
            let keep = TimeDelta::from_std(config.keep).unwrap_or(TimeDelta::days(90));
            let auth = store
                .prune_auth_records(now - keep)
                .map_err(|e| e.to_string())?;
            let jobs = store.prune_jobs(now - keep).map_err(|e| e.to_string())?;
            let deliveries = store
                .prune_deliveries(now - keep)
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "dropped {auth} login attempts and sessions, {jobs} finished jobs and {deliveries} webhook deliveries"
            ))
        }
        JobKind::Notify => {
            let run = uuid::Uuid::parse_str(&claim.job.slot)
                .map_err(|_| format!("'{}' is not a run id", claim.job.slot))?;
            let sender = tools.sender.as_ref().map_err(Clone::clone)?;
            notify::deliver_run(store, sender, run, now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_start_on_the_period() {
        let now: DateTime<Utc> = "2026-11-23T14:37:12Z".parse().unwrap();
        assert_eq!(
            slot_start(now, Duration::from_secs(3600)),
            "2026-11-23T14:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            slot_start(now, Duration::from_secs(900)),
            "2026-11-23T14:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
