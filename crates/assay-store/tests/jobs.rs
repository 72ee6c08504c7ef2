//! Background jobs on both backends: scheduled once per slot, claimed by one
//! node at a time, taken over when a lease runs out, and at most one
//! evaluation run per job.

mod common;

use assay_store::jobs::{JobKind, JobStore, MAX_ATTEMPTS, retry_delay};
use assay_store::testing::TestDb;
use assay_store::{Actor, RunInfo, Store, StoreError};
use chrono::TimeDelta;
use common::{on_both_backends, t};
use std::collections::HashSet;
use std::sync::{Arc, Barrier, Mutex};
use uuid::Uuid;

on_both_backends!(
    a_slot_is_scheduled_once,
    a_claim_excludes_others_until_its_lease_runs_out,
    a_lost_claim_can_neither_renew_nor_finish,
    failures_are_retried_then_given_up,
    two_nodes_claiming_at_once_never_share_a_job,
    a_job_saves_at_most_one_run,
);

const NOW: &str = "2026-11-23T12:00:00Z";

fn a_slot_is_scheduled_once(db: &TestDb) {
    let (a, b) = (db.open(), db.open());
    assert!(
        a.schedule_job(JobKind::Evaluate, "2026-11-23T12:00:00Z", t(NOW))
            .unwrap()
    );
    assert!(
        !b.schedule_job(JobKind::Evaluate, "2026-11-23T12:00:00Z", t(NOW))
            .unwrap()
    );
    assert!(
        b.schedule_job(JobKind::Retention, "2026-11-23T12:00:00Z", t(NOW))
            .unwrap()
    );
    let jobs = a.list_jobs(10).unwrap();
    assert_eq!(jobs.len(), 2);
    assert!(
        jobs.iter()
            .all(|j| j.attempts == 0 && j.claimed_by.is_none())
    );
}

fn a_claim_excludes_others_until_its_lease_runs_out(db: &TestDb) {
    let (a, b) = (db.open(), db.open());
    let lease = TimeDelta::seconds(30);
    // Not due yet: nobody claims it.
    a.schedule_job(JobKind::Evaluate, "slot-1", t("2026-11-23T12:05:00Z"))
        .unwrap();
    assert_eq!(a.claim_job("node-a", t(NOW), lease).unwrap(), None);

    let now = t("2026-11-23T12:05:00Z");
    let claim = a.claim_job("node-a", now, lease).unwrap().expect("due");
    assert_eq!((claim.attempt, claim.node.as_str()), (1, "node-a"));
    assert_eq!(
        b.claim_job("node-b", now + TimeDelta::seconds(29), lease)
            .unwrap(),
        None,
        "the lease is live"
    );
    // Renewing keeps it.
    assert!(a.renew_claim(&claim, now + TimeDelta::seconds(90)).unwrap());
    assert_eq!(
        b.claim_job("node-b", now + TimeDelta::seconds(60), lease)
            .unwrap(),
        None
    );
    // Node a stops renewing (it died): after the lease, node b takes over.
    let taken = b
        .claim_job("node-b", now + TimeDelta::seconds(91), lease)
        .unwrap()
        .expect("the lease ran out");
    assert_eq!((taken.attempt, taken.node.as_str()), (2, "node-b"));
    assert_eq!(taken.job.id, claim.job.id);
    assert!(
        b.finish_job(
            &taken,
            Ok("done".into()),
            now + TimeDelta::seconds(95),
            TimeDelta::seconds(30)
        )
        .unwrap()
    );
    let job = &a.list_jobs(1).unwrap()[0];
    assert_eq!(job.done_by.as_deref(), Some("node-b"));
    assert_eq!(job.attempts, 2);
    assert_eq!(job.outcome.as_deref(), Some("done"));
    // A finished job is never claimed again.
    assert_eq!(
        a.claim_job("node-a", now + TimeDelta::days(1), lease)
            .unwrap(),
        None
    );
}

fn a_lost_claim_can_neither_renew_nor_finish(db: &TestDb) {
    let store = db.open();
    let lease = TimeDelta::seconds(10);
    store.schedule_job(JobKind::Retention, "s", t(NOW)).unwrap();
    let old = store.claim_job("node-a", t(NOW), lease).unwrap().unwrap();
    let new = store
        .claim_job("node-b", t(NOW) + TimeDelta::seconds(11), lease)
        .unwrap()
        .unwrap();
    assert!(
        !store
            .renew_claim(&old, t(NOW) + TimeDelta::seconds(60))
            .unwrap()
    );
    assert!(
        !store
            .finish_job(
                &old,
                Ok("late".into()),
                t(NOW) + TimeDelta::seconds(12),
                TimeDelta::seconds(30)
            )
            .unwrap()
    );
    let job = &store.list_jobs(1).unwrap()[0];
    assert_eq!(job.done_at, None, "the stale node wrote nothing");
    assert_eq!(job.claimed_by.as_deref(), Some("node-b"));
    assert!(
        store
            .finish_job(
                &new,
                Ok("ok".into()),
                t(NOW) + TimeDelta::seconds(13),
                TimeDelta::seconds(30)
            )
            .unwrap()
    );
}

fn failures_are_retried_then_given_up(db: &TestDb) {
    let store = db.open();
    let lease = TimeDelta::seconds(10);
    store.schedule_job(JobKind::Evaluate, "s", t(NOW)).unwrap();
    let mut now = t(NOW);
    for attempt in 1..=MAX_ATTEMPTS {
        let claim = store
            .claim_job("node-a", now, lease)
            .unwrap()
            .expect("retried");
        assert_eq!(claim.attempt, attempt);
        let wait = retry_delay(attempt, TimeDelta::seconds(30));
        assert_eq!(wait, TimeDelta::seconds(30 * attempt));
        assert!(
            store
                .finish_job(&claim, Err(format!("boom {attempt}")), now, wait)
                .unwrap()
        );
        // Not straight away: after the delay.
        assert_eq!(
            store
                .claim_job("node-a", now + wait - TimeDelta::seconds(1), lease)
                .unwrap(),
            None
        );
        now += wait;
    }
    let job = &store.list_jobs(1).unwrap()[0];
    assert_eq!(job.outcome.as_deref(), Some("gave up"));
    assert_eq!(job.last_error.as_deref(), Some("boom 5"));
    assert_eq!(store.claim_job("node-a", now, lease).unwrap(), None);
}

fn two_nodes_claiming_at_once_never_share_a_job(db: &TestDb) {
    let nodes = [Arc::new(db.open()), Arc::new(db.open())];
    for i in 0..40 {
        nodes[0]
            .schedule_job(JobKind::Evaluate, &format!("slot-{i:02}"), t(NOW))
            .unwrap();
    }
    let claimed = Arc::new(Mutex::new(Vec::new()));
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|w| {
            let store = Arc::clone(&nodes[w % 2]);
            let (claimed, barrier) = (Arc::clone(&claimed), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                let node = format!("node-{w}");
                while let Some(c) = store
                    .claim_job(&node, t(NOW), TimeDelta::minutes(5))
                    .unwrap()
                {
                    claimed.lock().unwrap().push(c.job.id);
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let claimed = claimed.lock().unwrap();
    let distinct: HashSet<&Uuid> = claimed.iter().collect();
    assert_eq!(claimed.len(), 40, "every job claimed once: {claimed:?}");
    assert_eq!(distinct.len(), 40);
    assert!(
        nodes[1]
            .list_jobs(100)
            .unwrap()
            .iter()
            .all(|j| j.attempts == 1)
    );
}

fn a_job_saves_at_most_one_run(db: &TestDb) {
    let (a, b) = (db.open(), db.open());
    let job = Uuid::now_v7();
    let run = |actor: &str| RunInfo {
        id: Uuid::now_v7(),
        evaluated_at: t(NOW),
        started_at: t(NOW),
        finished_at: t(NOW),
        actor: actor.into(),
        job_id: Some(job),
    };
    let actor = Actor::new("job", "node");
    a.save_run(&actor, &run("node-a"), &[]).unwrap();
    let audit = a.audit_entries(0, 1000).unwrap().len();
    match b.save_run(&actor, &run("node-b"), &[]) {
        Err(StoreError::Unique(_)) => {}
        other => panic!("expected a unique clash, got {other:?}"),
    }
    let runs = b.list_runs(10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].actor, "node-a");
    assert_eq!(runs[0].job_id, Some(job));
    assert_eq!(b.audit_entries(0, 1000).unwrap().len(), audit);
    assert_eq!(b.verify_audit().unwrap(), Ok(audit as i64));
}
