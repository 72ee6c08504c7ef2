//! Behaviour of the SQLite store seen from outside: tenant scope, atomic
//! imports, the audit chain and append-only evaluation runs.

use assay_core::engine::{FrameworkResult, Status, Verdict};
use assay_core::org::{OrgKind, Organisation};
use assay_core::records::{RecordKind, Row};
use assay_core::value::Value;
use assay_store::{
    Actor, ImportMode, NewException, NewOrg, RunInfo, Scope, SqlStore, Store, StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

fn actor() -> Actor {
    Actor::new("test", "cli")
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("time")
}

fn org(store: &dyn Store, slug: &str, kind: OrgKind) -> Organisation {
    store
        .create_org(
            &actor(),
            NewOrg {
                slug: slug.into(),
                name: slug.to_uppercase(),
                kind,
                tier: Some("Managed User".into()),
                contracted_endpoints: None,
            },
        )
        .expect("create org")
}

fn site(id: &str, name: &str) -> Row {
    Row {
        id: id.into(),
        values: vec![Value::Text(name.into()), Value::Null, Value::Null],
    }
}

fn count(store: &dyn Store, org: Uuid, kind: RecordKind) -> usize {
    store.list_rows(&Scope::All, org, kind).expect("rows").len()
}

fn audit_len(store: &dyn Store) -> usize {
    store.audit_entries(0, 100_000).expect("audit").len()
}

#[test]
fn a_scope_that_does_not_grant_the_org_sees_nothing() {
    let store = SqlStore::open_in_memory().unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    let b = org(&store, "beta", OrgKind::Client);
    store
        .import_rows(
            &actor(),
            &Scope::All,
            b.id,
            RecordKind::Site,
            &[site("s1", "Beta HQ")],
            ImportMode::Insert,
        )
        .unwrap();
    let only_a = Scope::Orgs(vec![a.id]);

    assert_eq!(
        store
            .list_orgs(&only_a)
            .unwrap()
            .iter()
            .map(|o| o.slug.as_str())
            .collect::<Vec<_>>(),
        ["alpha"]
    );
    assert!(matches!(
        store.org_by_slug(&only_a, "beta"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.list_rows(&only_a, b.id, RecordKind::Site),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.load_org_data(&only_a, b.id),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.overrides(&only_a, b.id),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.results_as_of(&only_a, b.id, Utc::now()),
        Err(StoreError::NotFound(_))
    ));
    let write = store.import_rows(
        &actor(),
        &only_a,
        b.id,
        RecordKind::Site,
        &[site("s2", "x")],
        ImportMode::Insert,
    );
    assert!(matches!(write, Err(StoreError::NotFound(_))));
    let ov = store.set_override(&actor(), &only_a, b.id, "patch_window_days", Some(7));
    assert!(matches!(ov, Err(StoreError::NotFound(_))));
    assert_eq!(
        count(&store, b.id, RecordKind::Site),
        1,
        "the refused write changed nothing"
    );

    let new = NewException {
        org_id: b.id,
        check: "firewall.default_deny".into(),
        resource: None,
        justification: "j".into(),
        approver: "a".into(),
        expires: NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
    };
    assert!(matches!(
        store.add_exception(&actor(), &only_a, new.clone(), Utc::now()),
        Err(StoreError::NotFound(_))
    ));
    let e = store
        .add_exception(&actor(), &Scope::All, new, Utc::now())
        .unwrap();
    assert!(store.list_exceptions(&only_a, None).unwrap().is_empty());
    assert!(matches!(
        store.revoke_exception(&actor(), &only_a, e.id, Utc::now()),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn a_failed_import_writes_nothing() {
    let store = SqlStore::open_in_memory().unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    store
        .import_rows(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &[site("s1", "HQ")],
            ImportMode::Insert,
        )
        .unwrap();
    let audit_before = audit_len(&store);

    let rows = [site("s2", "Depot"), site("s1", "Clash")];
    let err = store
        .import_rows(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &rows,
            ImportMode::Insert,
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::DuplicateId { id, .. } if id == "s1"),
        "{err}"
    );
    assert_eq!(count(&store, a.id, RecordKind::Site), 1);
    assert_eq!(
        audit_len(&store),
        audit_before,
        "no audit entry for a rejected import"
    );

    store
        .import_rows(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &rows,
            ImportMode::Upsert,
        )
        .unwrap();
    let names: Vec<Value> = store
        .list_rows(&Scope::All, a.id, RecordKind::Site)
        .unwrap()
        .into_iter()
        .map(|r| r.values[0].clone())
        .collect();
    assert!(names.contains(&Value::Text("Clash".into())) && names.len() == 2);

    store
        .import_rows(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &[site("s9", "Only")],
            ImportMode::Replace,
        )
        .unwrap();
    assert_eq!(count(&store, a.id, RecordKind::Site), 1);
}

fn new_org(slug: &str, kind: OrgKind, tier: Option<&str>) -> NewOrg {
    NewOrg {
        slug: slug.into(),
        name: "x".into(),
        kind,
        tier: tier.map(String::from),
        contracted_endpoints: None,
    }
}

#[test]
fn organisations_are_validated() {
    let store = SqlStore::open_in_memory().unwrap();
    org(&store, "msp", OrgKind::Provider);
    let second = store.create_org(&actor(), new_org("msp2", OrgKind::Provider, None));
    assert!(matches!(second, Err(StoreError::Conflict(_))));
    let dup = store.create_org(&actor(), new_org("msp", OrgKind::Client, None));
    assert!(matches!(dup, Err(StoreError::Conflict(_))));
    let tier = store.create_org(&actor(), new_org("c", OrgKind::Client, Some("Gold")));
    assert!(matches!(tier, Err(StoreError::Invalid(m)) if m.contains("Gold")));
    let slug = store.create_org(&actor(), new_org("Bad Slug", OrgKind::Client, None));
    assert!(matches!(slug, Err(StoreError::Invalid(_))));
    let many = store.create_orgs(
        &actor(),
        &[
            (new_org("ok1", OrgKind::Client, None), Default::default()),
            (new_org("msp", OrgKind::Client, None), Default::default()),
        ],
    );
    assert!(matches!(many, Err(StoreError::Conflict(_))));
    assert!(
        store.org_by_slug(&Scope::All, "ok1").is_err(),
        "a refused batch creates nothing"
    );
}

#[test]
fn overrides_and_tier_changes_are_audited() {
    let store = SqlStore::open_in_memory().unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    store
        .set_override(&actor(), &Scope::All, a.id, "restore_test_days", Some(30))
        .unwrap();
    assert_eq!(
        store.overrides(&Scope::All, a.id).unwrap(),
        BTreeMap::from([("restore_test_days".to_string(), 30)])
    );
    assert!(matches!(
        store.set_override(&actor(), &Scope::All, a.id, "nope", Some(1)),
        Err(StoreError::Invalid(_))
    ));
    store
        .set_tier_param(&actor(), "All Managed", "patch_window_days", 10)
        .unwrap();
    let actions: Vec<String> = store
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"organisation.override".to_string())
            && actions.contains(&"tier.set_param".to_string())
    );
    // create, override, tier change; the refused override wrote nothing.
    assert_eq!(store.verify_audit().unwrap(), Ok(3));
}

fn result(org: &str, status: Status) -> FrameworkResult {
    FrameworkResult {
        org: org.into(),
        framework: "cyber-essentials".into(),
        version: "3.3".into(),
        verdict: Some(Verdict {
            status,
            reason: format!("{status}"),
            blocking_failures: vec![],
        }),
        counts: BTreeMap::new(),
        requirements: vec![],
    }
}

fn run_at(at: &str) -> RunInfo {
    RunInfo {
        id: Uuid::now_v7(),
        evaluated_at: t(at),
        started_at: Utc::now(),
        finished_at: Utc::now(),
        actor: "test".into(),
    }
}

#[test]
fn results_as_of_pick_the_run_in_force_then() {
    let store = SqlStore::open_in_memory().unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    store
        .save_run(
            &actor(),
            &run_at("2026-01-10T00:00:00Z"),
            &[(a.id, result("alpha", Status::Fail))],
        )
        .unwrap();
    store
        .save_run(
            &actor(),
            &run_at("2026-02-10T00:00:00Z"),
            &[(a.id, result("alpha", Status::Pass))],
        )
        .unwrap();
    let at = |s| store.results_as_of(&Scope::All, a.id, t(s)).unwrap();
    assert!(at("2026-01-09T00:00:00Z").is_empty());
    assert_eq!(
        at("2026-01-31T00:00:00Z")[0]
            .verdict
            .as_ref()
            .unwrap()
            .status,
        Status::Fail
    );
    assert_eq!(
        at("2026-02-10T00:00:00Z")[0]
            .verdict
            .as_ref()
            .unwrap()
            .status,
        Status::Pass
    );
    assert_eq!(store.list_runs(10).unwrap().len(), 2);
}

/// Opens the same database file behind the store's back, as an attacker would.
fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn evaluation_runs_are_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let store = SqlStore::open(&path).unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    store
        .save_run(
            &actor(),
            &run_at("2026-01-10T00:00:00Z"),
            &[(a.id, result("alpha", Status::Fail))],
        )
        .unwrap();
    let conn = raw(&path);
    assert!(
        conn.execute("UPDATE eval_results SET verdict_status = 'pass'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM eval_runs", []).is_err());
}

/// A database file holding `orgs` organisations (one audit entry each).
fn store_with_orgs(dir: &tempfile::TempDir, orgs: usize) -> (SqlStore, std::path::PathBuf) {
    let path = dir.path().join("a.db");
    let store = SqlStore::open(&path).unwrap();
    for i in 0..orgs {
        org(&store, &format!("org{i}"), OrgKind::Client);
    }
    (store, path)
}

#[test]
fn editing_or_deleting_audit_rows_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_with_orgs(&dir, 4);
    assert_eq!(store.verify_audit().unwrap(), Ok(4));
    raw(&path)
        .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", [])
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 2);

    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_with_orgs(&dir, 4);
    raw(&path)
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 3);

    // Deleting the newest entry is caught by the stored head.
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = store_with_orgs(&dir, 3);
    raw(&path)
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .unwrap();
    let tail = store.verify_audit().unwrap().unwrap_err();
    assert_eq!(tail.seq, 3, "{tail}");
}

#[test]
fn concurrent_writers_keep_one_linear_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let store = std::sync::Arc::new(SqlStore::open(&path).unwrap());
    let a = org(store.as_ref(), "alpha", OrgKind::Client);
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let row = site(&format!("w{w}-{i}"), "x");
                    store
                        .import_rows(
                            &actor(),
                            &Scope::All,
                            a.id,
                            RecordKind::Site,
                            &[row],
                            ImportMode::Insert,
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(count(store.as_ref(), a.id, RecordKind::Site), 100);
    assert_eq!(store.verify_audit().unwrap(), Ok(101));
}

#[test]
fn pages_single_records_and_their_audit() {
    let store = SqlStore::open_in_memory().unwrap();
    let a = org(&store, "alpha", OrgKind::Client);
    let rows: Vec<Row> = (0..5).map(|i| site(&format!("s{i}"), "x")).collect();
    store
        .import_rows(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &rows,
            ImportMode::Insert,
        )
        .unwrap();
    let page = |after: Option<&str>| {
        store
            .list_rows_page(&Scope::All, a.id, RecordKind::Site, after, 2)
            .unwrap()
    };
    let ids = |p: Vec<Row>| p.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(page(None)), ["s0", "s1"]);
    assert_eq!(ids(page(Some("s1"))), ["s2", "s3"]);
    assert_eq!(ids(page(Some("s3"))), ["s4"]);
    assert!(page(Some("s4")).is_empty());

    assert!(
        store
            .put_row(
                &actor(),
                &Scope::All,
                a.id,
                RecordKind::Site,
                &site("s1", "Renamed")
            )
            .unwrap()
    );
    assert!(
        !store
            .put_row(
                &actor(),
                &Scope::All,
                a.id,
                RecordKind::Site,
                &site("s9", "New")
            )
            .unwrap()
    );
    assert_eq!(
        store
            .get_row(&Scope::All, a.id, RecordKind::Site, "s1")
            .unwrap()
            .values[0],
        Value::Text("Renamed".into())
    );
    store
        .delete_row(&actor(), &Scope::All, a.id, RecordKind::Site, "s1")
        .unwrap();
    assert!(matches!(
        store.get_row(&Scope::All, a.id, RecordKind::Site, "s1"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_row(&actor(), &Scope::All, a.id, RecordKind::Site, "s1"),
        Err(StoreError::NotFound(_))
    ));

    let log = store.audit_entries(0, 100).unwrap();
    let put = log
        .iter()
        .find(|e| e.action == "records.put" && e.target == "site/s1")
        .unwrap();
    assert_eq!(
        (put.before["name"].as_str(), put.after["name"].as_str()),
        (Some("x"), Some("Renamed"))
    );
    let del = log.iter().find(|e| e.action == "records.delete").unwrap();
    assert_eq!(
        (del.before["name"].as_str(), &del.after),
        (Some("Renamed"), &serde_json::Value::Null)
    );

    let other = Scope::Orgs(vec![Uuid::now_v7()]);
    assert!(matches!(
        store.list_rows_page(&other, a.id, RecordKind::Site, None, 2),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.put_row(&actor(), &other, a.id, RecordKind::Site, &site("z", "z")),
        Err(StoreError::NotFound(_))
    ));
}
