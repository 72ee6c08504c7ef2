//! Webhooks, the result pairs notifications are worked out from, and
//! delivery records, on both backends.

mod common;

use assay_core::engine::{FrameworkResult, Status, Verdict};
use assay_core::org::{OrgKind, Organisation};
use assay_store::notify::{Attempt, NewWebhook, NotifyStore, ResultPair};
use assay_store::testing::TestDb;
use assay_store::{RunInfo, Scope, Store, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use common::{actor, on_both_backends, t};
use std::collections::BTreeMap;
use uuid::Uuid;

on_both_backends!(
    webhooks_are_scoped_audited_without_their_secret_and_revocable,
    each_result_is_paired_with_the_one_it_replaced,
    deliveries_count_attempts_and_stay_delivered,
    runs_are_found_by_id_and_by_when_they_finished,
    two_nodes_revoking_one_webhook_at_once_revoke_it_once,
);

const NOW: &str = "2026-11-23T12:00:00Z";
const SECRET: &str = "assayhook_0123456789abcdef";

fn org(store: &dyn Store, slug: &str) -> Organisation {
    common::org(store, slug, OrgKind::Client)
}

fn hook(org: Option<Uuid>, url: &str) -> NewWebhook {
    NewWebhook {
        org,
        url: url.into(),
        secret: SECRET.into(),
    }
}

fn webhooks_are_scoped_audited_without_their_secret_and_revocable(db: &TestDb) {
    let store = db.open();
    let (a, b) = (org(&store, "alpha"), org(&store, "beta"));
    let only_a = Scope::Orgs(vec![a.id]);
    let for_a = store
        .create_webhook(
            &actor(),
            &only_a,
            hook(
                Some(a.id),
                "https://hooks.example.com/services/T0/B0/token-in-path",
            ),
            t(NOW),
        )
        .unwrap();
    assert_eq!((for_a.org_id, for_a.secret.as_str()), (Some(a.id), SECRET));
    assert_eq!(for_a.hint, "assayhook_01");
    assert!(
        !format!("{for_a:?}").contains(SECRET),
        "Debug hides the secret"
    );
    let for_all = store
        .create_webhook(
            &actor(),
            &Scope::All,
            hook(None, "http://10.0.0.5:8080/in"),
            t(NOW),
        )
        .unwrap();

    // Refused: another tenant's organisation, every organisation from a
    // limited scope, a short secret. None of them writes anything.
    let audit_before = store.audit_entries(0, 1000).unwrap().len();
    for refused in [
        store.create_webhook(
            &actor(),
            &only_a,
            hook(Some(b.id), "https://x.example/"),
            t(NOW),
        ),
        store.create_webhook(&actor(), &only_a, hook(None, "https://x.example/"), t(NOW)),
    ] {
        assert!(
            matches!(refused, Err(StoreError::NotFound(_))),
            "{refused:?}"
        );
    }
    let short = NewWebhook {
        secret: "short".into(),
        ..hook(Some(a.id), "https://x.example/")
    };
    assert!(matches!(
        store.create_webhook(&actor(), &Scope::All, short, t(NOW)),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.audit_entries(0, 1000).unwrap().len(), audit_before);

    let ids = |scope: &Scope| -> Vec<Uuid> {
        store
            .list_webhooks(scope)
            .unwrap()
            .iter()
            .map(|w| w.id)
            .collect()
    };
    assert_eq!(ids(&Scope::All), [for_a.id, for_all.id]);
    assert_eq!(ids(&only_a), [for_a.id]);
    assert!(ids(&Scope::Orgs(vec![b.id])).is_empty());

    let created: Vec<_> = store
        .audit_entries(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "webhook.create")
        .collect();
    assert_eq!(created.len(), 2);
    for e in &created {
        let text = e.after.to_string();
        assert!(
            !text.contains("assayhook_0123"),
            "the secret is not audited: {text}"
        );
        assert!(
            !text.contains("token-in-path"),
            "nor the URL's path: {text}"
        );
    }
    assert_eq!(created[0].after["url"], "https://hooks.example.com/…");
    assert_eq!(created[0].org_id, Some(a.id));
    assert_eq!(created[1].org_id, None);

    let later = t(NOW) + TimeDelta::minutes(5);
    assert!(matches!(
        store.revoke_webhook(&actor(), &Scope::Orgs(vec![b.id]), for_a.id, later),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.revoke_webhook(&actor(), &only_a, for_all.id, later),
        Err(StoreError::NotFound(_))
    ));
    store
        .revoke_webhook(&actor(), &only_a, for_a.id, later)
        .unwrap();
    assert!(matches!(
        store.revoke_webhook(&actor(), &only_a, for_a.id, later),
        Err(StoreError::Conflict(_))
    ));
    let listed = store.list_webhooks(&Scope::All).unwrap();
    assert_eq!(listed[0].revoked_at, Some(later));
    assert!(!listed[0].hears_run_at(later + TimeDelta::minutes(1)));
    assert!(listed[1].hears_run_at(t(NOW)));
    assert!(
        !listed[1].hears_run_at(t(NOW) - TimeDelta::seconds(1)),
        "a run that finished before the webhook existed"
    );
    assert!(store.verify_audit().unwrap().is_ok());
}

fn result(framework: &str, status: Status) -> FrameworkResult {
    FrameworkResult {
        org: String::new(),
        framework: framework.into(),
        version: "1".into(),
        verdict: Some(Verdict {
            status,
            reason: format!("{framework} {status}"),
            blocking_failures: vec![],
        }),
        counts: BTreeMap::new(),
        requirements: vec![],
    }
}

fn run(evaluated_at: &str, finished_at: DateTime<Utc>) -> RunInfo {
    RunInfo {
        id: Uuid::now_v7(),
        evaluated_at: t(evaluated_at),
        started_at: finished_at - TimeDelta::seconds(1),
        finished_at,
        actor: "test".into(),
        job_id: None,
    }
}

fn pairs(store: &dyn Store, run: Uuid) -> Vec<(Uuid, String, Status, Option<Status>)> {
    let status = |json: &str| {
        serde_json::from_str::<FrameworkResult>(json)
            .unwrap()
            .verdict
            .unwrap()
            .status
    };
    let mut out = Vec::new();
    store
        .each_result_pair(run, &mut |p: ResultPair| {
            out.push((
                p.org_id,
                p.framework.clone(),
                status(&p.current),
                p.previous.as_deref().map(status),
            ));
            Ok(())
        })
        .unwrap();
    out
}

fn each_result_is_paired_with_the_one_it_replaced(db: &TestDb) {
    let store = db.open();
    let (a, b) = (org(&store, "alpha"), org(&store, "beta"));
    let first = run("2026-11-01T00:00:00Z", t(NOW));
    store
        .save_run(
            &actor(),
            &first,
            &[
                (a.id, result("ce", Status::Pass)),
                (a.id, result("itmsp", Status::Fail)),
                (b.id, result("ce", Status::Fail)),
            ],
        )
        .unwrap();
    // Only alpha, only one framework.
    let second = run("2026-11-02T00:00:00Z", t(NOW));
    store
        .save_run(&actor(), &second, &[(a.id, result("ce", Status::Fail))])
        .unwrap();
    let third = run("2026-11-03T00:00:00Z", t(NOW));
    store
        .save_run(
            &actor(),
            &third,
            &[
                (a.id, result("ce", Status::Pass)),
                (a.id, result("itmsp", Status::Pass)),
                (b.id, result("ce", Status::Fail)),
            ],
        )
        .unwrap();

    let (ce, itmsp) = ("ce".to_string(), "itmsp".to_string());
    let mut want_first = vec![
        (a.id, ce.clone(), Status::Pass, None),
        (a.id, itmsp.clone(), Status::Fail, None),
        (b.id, ce.clone(), Status::Fail, None),
    ];
    want_first.sort_by_key(|(o, f, ..)| (o.to_string(), f.clone()));
    assert_eq!(pairs(&store, first.id), want_first, "nothing came before");
    assert_eq!(
        pairs(&store, second.id),
        [(a.id, ce.clone(), Status::Fail, Some(Status::Pass))]
    );
    let mut want_third = vec![
        (a.id, ce.clone(), Status::Pass, Some(Status::Fail)),
        // Replaces the first run's: the second did not evaluate it.
        (a.id, itmsp, Status::Pass, Some(Status::Fail)),
        (b.id, ce, Status::Fail, Some(Status::Fail)),
    ];
    want_third.sort_by_key(|(o, f, ..)| (o.to_string(), f.clone()));
    assert_eq!(pairs(&store, third.id), want_third);
    assert!(pairs(&store, Uuid::now_v7()).is_empty(), "an unknown run");
}

fn deliveries_count_attempts_and_stay_delivered(db: &TestDb) {
    let store = db.open();
    let a = org(&store, "alpha");
    let r = run("2026-11-01T00:00:00Z", t(NOW));
    store.save_run(&actor(), &r, &[]).unwrap();
    let w = store
        .create_webhook(
            &actor(),
            &Scope::All,
            hook(Some(a.id), "https://x.example/"),
            t(NOW),
        )
        .unwrap();
    let failed = Attempt {
        status: Some(503),
        error: Some("the receiver answered 503 Service Unavailable".into()),
        delivered: false,
    };
    let ok = Attempt {
        status: Some(204),
        error: None,
        delivered: true,
    };
    let at = |secs| t(NOW) + TimeDelta::seconds(secs);
    store.record_delivery(r.id, w.id, &failed, at(1)).unwrap();
    let d = &store.deliveries(r.id).unwrap()[0];
    assert_eq!(
        (d.attempts, d.delivered_at, d.last_status),
        (1, None, Some(503))
    );
    store.record_delivery(r.id, w.id, &ok, at(40)).unwrap();
    // A node that lost its claim reports late: delivered stays delivered.
    let timeout = Attempt {
        status: None,
        error: Some("x".repeat(5000)),
        delivered: false,
    };
    store.record_delivery(r.id, w.id, &timeout, at(41)).unwrap();
    let d = &store.deliveries(r.id).unwrap()[0];
    assert_eq!(d.attempts, 3);
    assert_eq!(d.first_at, at(1));
    assert_eq!(d.last_at, at(41));
    assert_eq!(d.delivered_at, Some(at(40)));
    assert_eq!(d.last_status, None);
    assert_eq!(
        d.last_error.as_deref().map(|e| e.chars().count()),
        Some(500),
        "long errors are cut"
    );

    let r2 = run("2026-11-02T00:00:00Z", t(NOW));
    store.save_run(&actor(), &r2, &[]).unwrap();
    store.record_delivery(r2.id, w.id, &ok, at(100)).unwrap();
    let recent = store.recent_deliveries(10).unwrap();
    assert_eq!(
        recent.iter().map(|d| d.run_id).collect::<Vec<_>>(),
        [r2.id, r.id]
    );
    assert_eq!(store.recent_deliveries(1).unwrap().len(), 1);
    assert_eq!(store.prune_deliveries(at(50)).unwrap(), 1);
    assert!(store.deliveries(r.id).unwrap().is_empty());
    assert_eq!(store.deliveries(r2.id).unwrap().len(), 1);
}

fn runs_are_found_by_id_and_by_when_they_finished(db: &TestDb) {
    let store = db.open();
    let early = run("2026-11-20T00:00:00Z", t(NOW) - TimeDelta::hours(30));
    let late = run("2026-10-01T00:00:00Z", t(NOW) - TimeDelta::hours(1));
    for r in [&early, &late] {
        store.save_run(&actor(), r, &[]).unwrap();
    }
    assert_eq!(
        store.get_run(late.id).unwrap().finished_at,
        late.finished_at
    );
    assert!(matches!(
        store.get_run(Uuid::now_v7()),
        Err(StoreError::NotFound(_))
    ));
    let since = |h| {
        store
            .runs_finished_since(t(NOW) - TimeDelta::hours(h))
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(since(24), [late.id], "by finishing time, not as-of time");
    assert_eq!(since(48), [early.id, late.id]);
}

/// Each node reads the webhook as not revoked; only one may revoke it and
/// audit that.
fn two_nodes_revoking_one_webhook_at_once_revoke_it_once(db: &TestDb) {
    let first = db.open();
    let a = org(&first, "alpha");
    let hook = first
        .create_webhook(
            &actor(),
            &Scope::All,
            hook(Some(a.id), "https://x.example/"),
            t(NOW),
        )
        .unwrap();
    for round in 0..5 {
        let nodes = [db.open(), db.open()];
        let target = if round == 0 {
            hook.id
        } else {
            first
                .create_webhook(
                    &actor(),
                    &Scope::All,
                    self::hook(Some(a.id), "https://x.example/"),
                    t(NOW),
                )
                .unwrap()
                .id
        };
        let barrier = std::sync::Barrier::new(2);
        let outcomes: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = nodes
                .iter()
                .map(|n| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        barrier.wait();
                        n.revoke_webhook(&actor(), &Scope::All, target, t(NOW))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let ok = outcomes.iter().filter(|o| o.is_ok()).count();
        let conflicts = outcomes
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((ok, conflicts), (1, 1), "round {round}: {outcomes:?}");
    }
    let revokes = first
        .audit_entries(0, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "webhook.revoke")
        .count();
    assert_eq!(revokes, 5, "one audit entry per webhook revoked");
    assert!(first.verify_audit().unwrap().is_ok());
}
