//! The store's conformance suite: every behaviour seen from outside (tenant
//! scope, atomic imports, the audit chain, append-only evaluation runs,
//! several nodes writing at once) checked on SQLite and on PostgreSQL alike.
//! Each test is a function of a fresh [`TestDb`]; `on_both_backends!` runs
//! it as `name::sqlite` and `name::postgres`.

mod common;

use assay_core::access::Role;
use assay_core::engine::{FrameworkResult, Status, Verdict};
use assay_core::org::{OrgKind, Organisation};
use assay_core::records::{RecordKind, Row};
use assay_core::value::{ColumnType, Value};
use assay_store::testing::{Backend, TestDb};
use assay_store::{
    AccountStore, ImportMode, NewApiToken, NewException, NewOrg, NewSession, NewUser, RunInfo,
    Scope, SqlStore, Store, StoreError,
};
use chrono::{NaiveDate, TimeDelta, Utc};
use common::{actor, on_both_backends, raw_execute, t};
use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};
use uuid::Uuid;

on_both_backends!(
    a_scope_that_does_not_grant_the_org_sees_nothing,
    a_failed_import_writes_nothing,
    large_imports_go_in_batches_and_still_name_a_duplicate,
    organisations_are_validated,
    overrides_and_tier_changes_are_audited,
    results_as_of_pick_the_run_in_force_then,
    evaluation_runs_are_append_only,
    editing_or_deleting_audit_rows_is_detected_and_named,
    concurrent_writers_keep_one_linear_chain,
    pages_single_records_and_their_audit,
    two_nodes_writing_at_once_keep_one_gapless_chain,
    a_wrong_tenant_scope_is_refused_for_records_exceptions_users_and_tokens,
    a_unique_clash_is_an_error_and_changes_nothing,
    two_nodes_creating_the_same_org_at_once_create_one,
    two_nodes_creating_the_same_user_at_once_create_one,
    two_nodes_writing_the_first_entries_at_once_both_succeed,
    reopening_keeps_the_data_and_migrates_nothing_twice,
    every_record_kind_round_trips_every_field_type,
    record_ids_sort_and_page_in_byte_order,
);

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

fn a_scope_that_does_not_grant_the_org_sees_nothing(db: &TestDb) {
    let store = db.open();
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

/// Imports are written many rows per statement; a clash deep inside a
/// batch, or between two rows of one batch, is still named and undoes the
/// whole import, and an upsert of the same id twice keeps the last.
fn large_imports_go_in_batches_and_still_name_a_duplicate(db: &TestDb) {
    let store = db.open();
    let a = org(&store, "alpha", OrgKind::Client);
    let import = |rows: &[Row], mode| {
        store.import_rows(&actor(), &Scope::All, a.id, RecordKind::Site, rows, mode)
    };
    let many: Vec<Row> = (0..1000)
        .map(|i| site(&format!("s{i:04}"), &format!("Site {i}")))
        .collect();
    assert_eq!(import(&many, ImportMode::Insert).unwrap(), 1000);
    let stored = store
        .list_rows(&Scope::All, a.id, RecordKind::Site)
        .unwrap();
    assert_eq!(stored, many, "every row, every value, in id order");

    let audit_before = audit_len(&store);
    // 300 rows go as batches of 256, 32, 8 and 4.
    for (clash, why) in [(290, "in the third batch"), (5, "in the first batch")] {
        let mut rows: Vec<Row> = (1000..1300)
            .map(|i| site(&format!("s{i:04}"), "New"))
            .collect();
        rows[clash] = site("s0777", "Clash");
        let err = import(&rows, ImportMode::Insert).unwrap_err();
        assert!(
            matches!(&err, StoreError::DuplicateId { id, .. } if id == "s0777"),
            "{why}: {err}"
        );
    }
    // 64 rows, one batch, two of them with the same id.
    let mut twice: Vec<Row> = (2000..2064)
        .map(|i| site(&format!("s{i:04}"), "New"))
        .collect();
    twice[40] = site("s2010", "Again");
    let err = import(&twice, ImportMode::Insert).unwrap_err();
    assert!(
        matches!(&err, StoreError::DuplicateId { id, .. } if id == "s2010"),
        "two rows of one batch: {err}"
    );
    assert_eq!(
        count(&store, a.id, RecordKind::Site),
        1000,
        "nothing written"
    );
    assert_eq!(audit_len(&store), audit_before);

    assert_eq!(import(&twice, ImportMode::Upsert).unwrap(), 64);
    let again = store
        .get_row(&Scope::All, a.id, RecordKind::Site, "s2010")
        .unwrap();
    assert_eq!(again, site("s2010", "Again"), "the later row wins");
    assert_eq!(count(&store, a.id, RecordKind::Site), 1063);
}

fn a_failed_import_writes_nothing(db: &TestDb) {
    let store = db.open();
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

fn organisations_are_validated(db: &TestDb) {
    let store = db.open();
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

fn overrides_and_tier_changes_are_audited(db: &TestDb) {
    let store = db.open();
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
        job_id: None,
    }
}

fn results_as_of_pick_the_run_in_force_then(db: &TestDb) {
    let store = db.open();
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

fn evaluation_runs_are_append_only(db: &TestDb) {
    let store = db.open();
    let a = org(&store, "alpha", OrgKind::Client);
    store
        .save_run(
            &actor(),
            &run_at("2026-01-10T00:00:00Z"),
            &[(a.id, result("alpha", Status::Fail))],
        )
        .unwrap();
    // Behind the store's back, as an attacker with database access would.
    assert!(raw_execute(db, "UPDATE eval_results SET verdict_status = 'pass'").is_err());
    assert!(raw_execute(db, "DELETE FROM eval_runs").is_err());
    assert!(raw_execute(db, "DELETE FROM eval_results").is_err());
    if db.backend() == Backend::Postgres {
        // TRUNCATE (PostgreSQL only) skips row triggers; it is refused too.
        assert!(raw_execute(db, "TRUNCATE eval_results").is_err());
        assert!(raw_execute(db, "TRUNCATE eval_runs CASCADE").is_err());
    }
    assert_eq!(store.list_runs(10).unwrap().len(), 1);
    assert_eq!(
        store
            .results_as_of(&Scope::All, a.id, t("2026-01-10T00:00:00Z"))
            .unwrap()[0]
            .verdict
            .as_ref()
            .unwrap()
            .status,
        Status::Fail
    );
}

/// A fresh database on `db`'s backend holding `orgs` organisations (one
/// audit entry each).
fn store_with_orgs(db: &TestDb, orgs: usize) -> (TestDb, SqlStore) {
    let fresh = TestDb::new(db.backend());
    let store = fresh.open();
    for i in 0..orgs {
        org(&store, &format!("org{i}"), OrgKind::Client);
    }
    (fresh, store)
}

fn editing_or_deleting_audit_rows_is_detected_and_named(db: &TestDb) {
    let (db1, store) = store_with_orgs(db, 4);
    assert_eq!(store.verify_audit().unwrap(), Ok(4));
    raw_execute(&db1, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 2);

    let (db2, store) = store_with_orgs(db, 4);
    raw_execute(&db2, "DELETE FROM audit_log WHERE seq = 3").unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 3);

    // Deleting the newest entry is caught by the stored head.
    let (db3, store) = store_with_orgs(db, 3);
    raw_execute(&db3, "DELETE FROM audit_log WHERE seq = 3").unwrap();
    let tail = store.verify_audit().unwrap().unwrap_err();
    assert_eq!(tail.seq, 3, "{tail}");
}

fn concurrent_writers_keep_one_linear_chain(db: &TestDb) {
    let store = std::sync::Arc::new(db.open());
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

fn pages_single_records_and_their_audit(db: &TestDb) {
    let store = db.open();
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

// Several nodes, wrong tenants, unique clashes, reopening.

/// A PHC string standing in for an Argon2id hash; `tag` makes it unique.
fn phc(tag: &str) -> String {
    format!(
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${}",
        hex::encode(tag)
    )
}

fn sha(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn new_user(username: &str, role: Role, orgs: &[Uuid]) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: format!("{username} (test)"),
        role,
        orgs: orgs.to_vec(),
        password_hash: phc(username),
    }
}

fn exception(org: Uuid, resource: &str) -> NewException {
    NewException {
        org_id: org,
        check: "firewall.default_deny".into(),
        resource: Some(resource.into()),
        justification: "legacy kit".into(),
        approver: "ciso".into(),
        expires: NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
    }
}

/// Every audit sequence number, in order.
fn audit_seqs(store: &dyn Store) -> Vec<i64> {
    store
        .audit_entries(0, 100_000)
        .expect("audit")
        .into_iter()
        .map(|e| e.seq)
        .collect()
}

const THREADS: usize = 8;
const CHANGES: usize = 50;

/// Two stores on one database (two nodes) take eight writers at once; every
/// change gets its own audit entry and the chain stays one gapless line.
fn two_nodes_writing_at_once_keep_one_gapless_chain(db: &TestDb) {
    let nodes = [Arc::new(db.open()), Arc::new(db.open())];
    let a = org(nodes[0].as_ref(), "alpha", OrgKind::Client);
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|w| {
            let store = nodes[w % 2].clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                for i in 0..CHANGES {
                    let tag = format!("w{w}-{i}");
                    match i % 3 {
                        0 => {
                            let fresh = store
                                .put_row(
                                    &actor(),
                                    &Scope::All,
                                    a.id,
                                    RecordKind::Site,
                                    &site(&tag, "x"),
                                )
                                .unwrap_or_else(|e| panic!("put_row {tag}: {e}"));
                            assert!(!fresh, "{tag} is new");
                        }
                        1 => {
                            store
                                .add_exception(
                                    &actor(),
                                    &Scope::All,
                                    exception(a.id, &tag),
                                    Utc::now(),
                                )
                                .unwrap_or_else(|e| panic!("add_exception {tag}: {e}"));
                        }
                        _ => {
                            store
                                .create_user(
                                    &actor(),
                                    &Scope::All,
                                    new_user(&format!("u{tag}"), Role::Technician, &[a.id]),
                                    Utc::now(),
                                )
                                .unwrap_or_else(|e| panic!("create_user {tag}: {e}"));
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a writer panicked");
    }

    let per_thread = |k: usize| (0..CHANGES).filter(|i| i % 3 == k).count();
    let sites = THREADS * per_thread(0);
    let exceptions = THREADS * per_thread(1);
    let users = THREADS * per_thread(2);
    let n = 1 + THREADS * CHANGES; // the organisation, then every change
    assert_eq!(sites + exceptions + users + 1, n);
    for node in &nodes {
        assert_eq!(node.verify_audit().unwrap(), Ok(n as i64));
        assert_eq!(
            audit_seqs(node.as_ref()),
            (1..=n as i64).collect::<Vec<_>>()
        );
        assert_eq!(count(node.as_ref(), a.id, RecordKind::Site), sites);
        assert_eq!(
            node.list_exceptions(&Scope::All, Some(a.id)).unwrap().len(),
            exceptions
        );
        assert_eq!(node.list_users(&Scope::All).unwrap().len(), users);
    }
    // A third node opened afterwards sees the same chain.
    let later = db.open();
    assert_eq!(later.verify_audit().unwrap(), Ok(n as i64));
}

/// A scope limited to one organisation reaches nothing of another's:
/// records, exceptions, users, sessions and tokens. Refusals write nothing.
fn a_wrong_tenant_scope_is_refused_for_records_exceptions_users_and_tokens(db: &TestDb) {
    let store = db.open();
    let alpha = org(&store, "alpha", OrgKind::Client);
    let beta = org(&store, "beta", OrgKind::Client);
    let now = t("2026-03-01T12:00:00Z");
    let all = Scope::All;
    store
        .create_user(
            &actor(),
            &all,
            new_user("root", Role::ProviderAdmin, &[]),
            now,
        )
        .unwrap();
    store
        .import_rows(
            &actor(),
            &all,
            beta.id,
            RecordKind::Site,
            &[site("b1", "Beta HQ")],
            ImportMode::Insert,
        )
        .unwrap();
    let ex = store
        .add_exception(&actor(), &all, exception(beta.id, "fw1"), now)
        .unwrap();
    let bob = store
        .create_user(
            &actor(),
            &all,
            new_user("bob", Role::ClientAdmin, &[beta.id]),
            now,
        )
        .unwrap();
    let session = store
        .create_session(
            &actor(),
            NewSession {
                id_hash: sha("bob-session"),
                user_id: bob.id,
                idle_timeout: TimeDelta::minutes(30),
                absolute_expires_at: now + TimeDelta::hours(12),
                mfa_verified: false,
                ip: None,
                user_agent: None,
            },
            now,
        )
        .unwrap();
    let bob_token = |secret: &str| NewApiToken {
        user_id: bob.id,
        name: "sync".into(),
        token_hash: sha(secret),
        role: Role::ClientViewer,
        orgs: vec![beta.id],
        expires_at: None,
    };
    let tok = store
        .create_token(&actor(), &all, bob_token("bob-token"), now)
        .unwrap();
    let audit_before = audit_len(&store);

    let only_a = Scope::Orgs(vec![alpha.id]);
    let refused = |what: &str, r: Result<(), StoreError>| {
        assert!(
            matches!(r, Err(StoreError::NotFound(_))),
            "{what} with alpha's scope on beta: {r:?}"
        );
    };

    // Records.
    refused(
        "get_row",
        store
            .get_row(&only_a, beta.id, RecordKind::Site, "b1")
            .map(drop),
    );
    refused(
        "list_rows",
        store
            .list_rows(&only_a, beta.id, RecordKind::Site)
            .map(drop),
    );
    refused(
        "list_rows_page",
        store
            .list_rows_page(&only_a, beta.id, RecordKind::Site, None, 10)
            .map(drop),
    );
    refused(
        "put_row",
        store
            .put_row(
                &actor(),
                &only_a,
                beta.id,
                RecordKind::Site,
                &site("b1", "Mine"),
            )
            .map(drop),
    );
    refused(
        "delete_row",
        store.delete_row(&actor(), &only_a, beta.id, RecordKind::Site, "b1"),
    );
    refused(
        "import_rows",
        store
            .import_rows(
                &actor(),
                &only_a,
                beta.id,
                RecordKind::Site,
                &[],
                ImportMode::Replace,
            )
            .map(drop),
    );
    refused(
        "load_org_data",
        store.load_org_data(&only_a, beta.id).map(drop),
    );

    // Exceptions.
    refused(
        "list_exceptions",
        store.list_exceptions(&only_a, Some(beta.id)).map(drop),
    );
    assert!(store.list_exceptions(&only_a, None).unwrap().is_empty());
    refused(
        "add_exception",
        store
            .add_exception(&actor(), &only_a, exception(beta.id, "fw2"), now)
            .map(drop),
    );
    refused(
        "revoke_exception",
        store.revoke_exception(&actor(), &only_a, ex.id, now),
    );

    // Users and sessions.
    refused("user_by_id", store.user_by_id(&only_a, bob.id).map(drop));
    refused(
        "user_by_username",
        store.user_by_username(&only_a, "bob").map(drop),
    );
    assert!(
        store
            .list_users(&only_a)
            .unwrap()
            .iter()
            .all(|u| u.username != "bob" && u.username != "root")
    );
    refused(
        "create_user",
        store
            .create_user(
                &actor(),
                &only_a,
                new_user("eve", Role::ClientViewer, &[beta.id]),
                now,
            )
            .map(drop),
    );
    refused(
        "set_password",
        store
            .set_password(&actor(), &only_a, bob.id, &phc("taken-over"), now)
            .map(drop),
    );
    refused(
        "set_user_access",
        store
            .set_user_access(
                &actor(),
                &only_a,
                bob.id,
                Role::ClientAdmin,
                &[alpha.id],
                now,
            )
            .map(drop),
    );
    refused(
        "disable_user",
        store.disable_user(&actor(), &only_a, bob.id, now),
    );
    refused(
        "set_mfa",
        store.set_mfa(
            &actor(),
            &only_a,
            bob.id,
            Some("JBSWY3DPEHPK3PXP".into()),
            true,
            now,
        ),
    );
    refused(
        "replace_recovery_codes",
        store.replace_recovery_codes(&actor(), &only_a, bob.id, &[sha("rc")], now),
    );
    refused(
        "list_sessions",
        store.list_sessions(&only_a, bob.id).map(drop),
    );
    refused(
        "revoke_session_by_id",
        store
            .revoke_session_by_id(&actor(), &only_a, session.id, now)
            .map(drop),
    );
    refused(
        "revoke_user_sessions",
        store
            .revoke_user_sessions(&actor(), &only_a, bob.id, now)
            .map(drop),
    );

    // Tokens.
    refused(
        "create_token",
        store
            .create_token(&actor(), &only_a, bob_token("eve-token"), now)
            .map(drop),
    );
    refused(
        "list_tokens",
        store.list_tokens(&only_a, Some(bob.id)).map(drop),
    );
    assert!(store.list_tokens(&only_a, None).unwrap().is_empty());
    refused(
        "revoke_token",
        store.revoke_token(&actor(), &only_a, tok.id, now).map(drop),
    );

    // Nothing changed.
    assert_eq!(audit_len(&store), audit_before, "a refusal is not audited");
    assert_eq!(store.verify_audit().unwrap(), Ok(audit_before as i64));
    assert_eq!(
        store
            .get_row(&all, beta.id, RecordKind::Site, "b1")
            .unwrap()
            .values[0],
        Value::Text("Beta HQ".into())
    );
    let exs = store.list_exceptions(&all, Some(beta.id)).unwrap();
    assert_eq!(exs.len(), 1);
    assert!(exs[0].revoked_at.is_none());
    let stored = store.user_by_id(&all, bob.id).unwrap();
    assert_eq!(stored, bob, "bob is as he was");
    assert_eq!(store.recovery_codes_left(bob.id).unwrap(), 0);
    let later = now + TimeDelta::minutes(1);
    assert!(
        store
            .session_by_hash(&sha("bob-session"))
            .unwrap()
            .is_some_and(|s| s.is_valid_at(later))
    );
    assert!(
        store
            .token_by_hash(&sha("bob-token"))
            .unwrap()
            .is_some_and(|t| t.is_valid_at(later))
    );
    assert!(store.token_by_hash(&sha("eve-token")).unwrap().is_none());
    // The right scope does reach beta's things.
    let only_b = Scope::Orgs(vec![beta.id]);
    assert_eq!(store.list_sessions(&only_b, bob.id).unwrap().len(), 1);
    assert_eq!(store.list_tokens(&only_b, Some(bob.id)).unwrap().len(), 1);
    assert_eq!(store.list_exceptions(&only_b, None).unwrap().len(), 1);
}

fn is_clash(e: &StoreError) -> bool {
    matches!(e, StoreError::Conflict(_) | StoreError::Unique(_))
}

/// Creating an organisation whose slug is taken is an error, not a panic,
/// and leaves the organisations and the audit log as they were.
fn a_unique_clash_is_an_error_and_changes_nothing(db: &TestDb) {
    let store = db.open();
    let first = org(&store, "dup", OrgKind::Client);
    let orgs_before = store.list_orgs(&Scope::All).unwrap();
    let audit_before = audit_len(&store);

    let again = store.create_org(
        &actor(),
        NewOrg {
            slug: "dup".into(),
            name: "Another".into(),
            kind: OrgKind::Client,
            tier: None,
            contracted_endpoints: Some(5),
        },
    );
    assert!(again.as_ref().is_err_and(is_clash), "{again:?}");
    // The same through a second node.
    let other = db.open();
    let again = other.create_org(&actor(), new_org("dup", OrgKind::Client, None));
    assert!(again.as_ref().is_err_and(is_clash), "{again:?}");

    assert_eq!(store.list_orgs(&Scope::All).unwrap(), orgs_before);
    assert_eq!(store.org_by_slug(&Scope::All, "dup").unwrap(), first);
    assert_eq!(audit_len(&store), audit_before);
    assert_eq!(store.verify_audit().unwrap(), Ok(audit_before as i64));
    // The store still works afterwards, on both nodes.
    org(&other, "next", OrgKind::Client);
    assert_eq!(store.verify_audit().unwrap(), Ok(audit_before as i64 + 1));
}

/// Runs `f(node, attempt)` on `THREADS` threads at once, alternating between
/// two nodes; the results in attempt order.
fn at_once<T: Send + 'static>(
    db: &TestDb,
    f: impl Fn(&SqlStore, usize) -> Result<T, StoreError> + Send + Sync + 'static,
) -> Vec<Result<T, StoreError>> {
    let nodes = [Arc::new(db.open()), Arc::new(db.open())];
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (store, f, start) = (nodes[i % 2].clone(), f.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                f(&store, i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect()
}

/// Eight creates of one slug racing on two nodes: exactly one succeeds, the
/// others are clashes, and the chain records one creation.
fn two_nodes_creating_the_same_org_at_once_create_one(db: &TestDb) {
    let results = at_once(db, |store, _| {
        store.create_org(&actor(), new_org("race", OrgKind::Client, None))
    });
    let made: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(made.len(), 1, "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(is_clash(e), "{e:?}");
        }
    }
    let store = db.open();
    assert_eq!(store.list_orgs(&Scope::All).unwrap(), vec![made[0].clone()]);
    assert_eq!(store.verify_audit().unwrap(), Ok(1));
    assert_eq!(audit_seqs(&store), [1]);
}

/// The same for a username, given in different cases: usernames are unique
/// whatever their case, on both backends.
fn two_nodes_creating_the_same_user_at_once_create_one(db: &TestDb) {
    let results = at_once(db, |store, i| {
        let name = if i % 2 == 0 { "Racer" } else { "rACER" };
        store.create_user(
            &actor(),
            &Scope::All,
            new_user(name, Role::Technician, &[]),
            Utc::now(),
        )
    });
    let made: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(made.len(), 1, "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(is_clash(e), "{e:?}");
        }
    }
    let store = db.open();
    let users = store.list_users(&Scope::All).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id, made[0].id);
    assert_eq!(
        store.user_by_username(&Scope::All, "racer").unwrap(),
        *made[0]
    );
    assert_eq!(store.verify_audit().unwrap(), Ok(1));
}

/// On a database with an empty audit log, eight writers on two nodes each
/// create an organisation at once: none is refused for racing the others to
/// the first entries of the chain.
fn two_nodes_writing_the_first_entries_at_once_both_succeed(db: &TestDb) {
    let results = at_once(db, |store, i| {
        store.create_org(
            &actor(),
            new_org(&format!("first{i}"), OrgKind::Client, None),
        )
    });
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    let store = db.open();
    assert_eq!(store.list_orgs(&Scope::All).unwrap().len(), THREADS);
    assert_eq!(store.verify_audit().unwrap(), Ok(THREADS as i64));
    assert_eq!(audit_seqs(&store), (1..=THREADS as i64).collect::<Vec<_>>());
}

/// Opening again finds everything, applies no migration twice and keeps
/// the default tiers as they were.
fn reopening_keeps_the_data_and_migrates_nothing_twice(db: &TestDb) {
    let first = db.open();
    let a = org(&first, "alpha", OrgKind::Client);
    first
        .set_tier_param(&actor(), "All Managed", "patch_window_days", 10)
        .unwrap();
    let tiers = first.list_tiers().unwrap();
    drop(first);
    let second = db.open();
    let third = db.open();
    for store in [&second, &third] {
        assert_eq!(store.org_by_slug(&Scope::All, "alpha").unwrap(), a);
        assert_eq!(store.list_tiers().unwrap(), tiers);
        assert_eq!(store.verify_audit().unwrap(), Ok(2));
    }
}

/// A value of type `ty` at the edges of what it holds: `alt` picks another.
fn edge_value(ty: ColumnType, alt: bool) -> Value {
    match ty {
        ColumnType::Text => Value::Text(if alt {
            "Ünïcödé ✓ 'single' \"double\" ?1 $1 \\ %_".into()
        } else {
            "plain".into()
        }),
        // Beyond f64's exact integers: stored as a 64-bit integer, not a float.
        ColumnType::Int => Value::Int(if alt {
            -9_007_199_254_740_993
        } else {
            i64::MAX
        }),
        ColumnType::Real => Value::Real(if alt { -0.1 } else { 1e300 }),
        ColumnType::Bool => Value::Bool(!alt),
        ColumnType::Date => Value::Date(if alt {
            NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()
        } else {
            NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()
        }),
        ColumnType::Timestamp => Value::Time(t(if alt {
            "2026-02-28T23:59:59Z"
        } else {
            "2026-03-01T00:00:00Z"
        })),
        ColumnType::List => Value::List(if alt {
            vec![]
        } else {
            vec!["a".into(), "b c".into(), "é".into()]
        }),
        ColumnType::Enum(values) => Value::Text(
            if alt {
                values[values.len() - 1]
            } else {
                values[0]
            }
            .into(),
        ),
    }
}

/// Every kind's every column keeps what was written, exactly, through an
/// insert, an upsert and every way of reading it back.
fn every_record_kind_round_trips_every_field_type(db: &TestDb) {
    let store = db.open();
    let a = org(&store, "alpha", OrgKind::Client);
    for &kind in RecordKind::ALL {
        let fields = kind.fields();
        let example = Row {
            id: "r1".into(),
            values: fields
                .iter()
                .map(|f| f.ty.parse_text(f.example).expect("the example parses"))
                .collect(),
        };
        let edges = Row {
            id: "r2".into(),
            values: fields.iter().map(|f| edge_value(f.ty, false)).collect(),
        };
        let sparse = Row {
            id: "r3".into(),
            values: fields
                .iter()
                .map(|f| {
                    if f.required {
                        edge_value(f.ty, true)
                    } else {
                        Value::Null
                    }
                })
                .collect(),
        };
        let rows = vec![example.clone(), edges.clone(), sparse.clone()];
        store
            .import_rows(&actor(), &Scope::All, a.id, kind, &rows, ImportMode::Insert)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            store.list_rows(&Scope::All, a.id, kind).unwrap(),
            rows,
            "{kind}"
        );
        assert_eq!(
            store
                .list_rows_page(&Scope::All, a.id, kind, Some("r1"), 10)
                .unwrap(),
            rows[1..],
            "{kind}"
        );
        for r in &rows {
            assert_eq!(
                &store.get_row(&Scope::All, a.id, kind, &r.id).unwrap(),
                r,
                "{kind}"
            );
        }

        // Every column changed by an upsert, each to the other edge.
        let changed = Row {
            id: "r2".into(),
            values: fields.iter().map(|f| edge_value(f.ty, true)).collect(),
        };
        assert!(
            store
                .put_row(&actor(), &Scope::All, a.id, kind, &changed)
                .unwrap_or_else(|e| panic!("{kind}: {e}"))
        );
        assert_eq!(
            store.get_row(&Scope::All, a.id, kind, "r2").unwrap(),
            changed,
            "{kind}"
        );
        store
            .import_rows(
                &actor(),
                &Scope::All,
                a.id,
                kind,
                std::slice::from_ref(&edges),
                ImportMode::Upsert,
            )
            .unwrap();
        assert_eq!(
            store.list_rows(&Scope::All, a.id, kind).unwrap(),
            rows,
            "{kind}"
        );
    }
    // The examples load as typed records (edge values need not make sense
    // to the engine, so another organisation holds the examples alone).
    let b = org(&store, "beta", OrgKind::Client);
    for &kind in RecordKind::ALL {
        let example = Row {
            id: "r1".into(),
            values: kind
                .fields()
                .iter()
                .map(|f| f.ty.parse_text(f.example).expect("the example parses"))
                .collect(),
        };
        store
            .import_rows(
                &actor(),
                &Scope::All,
                b.id,
                kind,
                std::slice::from_ref(&example),
                ImportMode::Insert,
            )
            .unwrap();
    }
    let data = store.load_org_data(&Scope::All, b.id).unwrap();
    for &kind in RecordKind::ALL {
        assert_eq!(data.count(kind), 1, "{kind}");
        assert_eq!(
            data.rows(kind),
            store.list_rows(&Scope::All, b.id, kind).unwrap(),
            "{kind}"
        );
    }
    assert_eq!(
        store.verify_audit().unwrap(),
        Ok(2 + 4 * RecordKind::ALL.len() as i64)
    );
}

/// Record ids sort, and page, in byte order on both backends (PostgreSQL's
/// columns use the "C" collation): capitals before lower case, ASCII before
/// the rest.
fn record_ids_sort_and_page_in_byte_order(db: &TestDb) {
    let store = db.open();
    let a = org(&store, "alpha", OrgKind::Client);
    let ids = ["é", "a", "Z1", "B", "a-2", "a10", "a2", "_x", "10", "9"];
    let rows: Vec<Row> = ids.iter().map(|id| site(id, "x")).collect();
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
    let mut sorted: Vec<&str> = ids.to_vec();
    sorted.sort_by(|x, y| x.as_bytes().cmp(y.as_bytes()));
    let listed: Vec<String> = store
        .list_rows(&Scope::All, a.id, RecordKind::Site)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, sorted);
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_rows_page(&Scope::All, a.id, RecordKind::Site, after.as_deref(), 3)
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        paged.extend(page.into_iter().map(|r| r.id));
    }
    assert_eq!(paged, sorted);
    // Ids are case-sensitive: "A" is not "a".
    store
        .put_row(
            &actor(),
            &Scope::All,
            a.id,
            RecordKind::Site,
            &site("A", "y"),
        )
        .unwrap();
    assert_eq!(count(&store, a.id, RecordKind::Site), ids.len() + 1);
}

/// A SQLite column's declared type as the storage it gets (SQLite's type
/// affinity rules): `BIGINT` is `INTEGER`, and so on.
fn affinity(declared: &str) -> String {
    let t = declared.to_uppercase();
    let name = if t.contains("INT") {
        "INTEGER"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "TEXT"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "REAL"
    } else {
        return format!("{t} (no affinity the store uses)");
    };
    name.to_string()
}

/// The SQLite and the PostgreSQL migrations build the same tables with the
/// same columns, in the same order, of matching types and nullability, and
/// the same named indexes.
#[test]
fn schemas_match() {
    let sqlite = TestDb::sqlite();
    drop(sqlite.open());
    let pg = TestDb::postgres();
    drop(pg.open());

    let conn = rusqlite::Connection::open(sqlite.url()).unwrap();
    let mut lite: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let cols = conn
            .prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([&table], |r| {
                let ty: String = r.get(1)?;
                let (notnull, pk): (i64, i64) = (r.get(2)?, r.get(3)?);
                // A primary key column is never NULL on PostgreSQL; on
                // SQLite that is so for INTEGER PRIMARY KEY and WITHOUT
                // ROWID tables, and for the rest the store never writes one.
                Ok((r.get(0)?, affinity(&ty), notnull != 0 || pk != 0))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        lite.insert(table, cols);
    }
    let lite_indexes: Vec<(String, String)> = conn
        .prepare("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY tbl_name, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();

    let mut client = pg.postgres_client();
    let mut postgres: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    for r in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, udt_name::text, is_nullable::text
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        let (data_type, udt): (String, String) = (r.get(2), r.get(3));
        // PostgreSQL's type, named as the SQLite migrations name it.
        let ty = match (data_type.as_str(), udt.as_str()) {
            ("bigint", _) => "INTEGER".to_string(),
            ("double precision", _) => "REAL".to_string(),
            ("text", _) | ("USER-DEFINED", "citext") => "TEXT".to_string(),
            (other, udt) => format!("{other} ({udt})"),
        };
        let nullable: String = r.get(4);
        postgres
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), ty, nullable == "NO"));
    }
    let pg_indexes: Vec<(String, String)> = client
        .query(
            "SELECT c.relname::text AS tbl, i.relname::text AS idx
             FROM pg_index x
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_class c ON c.oid = x.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
             ORDER BY tbl, idx",
            &[],
        )
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();

    assert!(lite.len() > 40, "{} tables", lite.len());
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, cols) in &lite {
        assert_eq!(Some(cols), postgres.get(table), "table {table}");
    }
    assert_eq!(lite_indexes, pg_indexes, "the same named indexes");
}
