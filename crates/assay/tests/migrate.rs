//! `assay migrate-data`: a whole installation moved from SQLite to
//! PostgreSQL and back gives the same answers, and a copy that cannot be
//! made changes nothing. Always uses both backends (`ASSAY_TEST_PG_URL`,
//! which `scripts/test.sh` sets).

use assay_store::testing::TestDb;
use std::process::{Command, Output};

/// The time every command here treats as now, so that evaluations compare.
const NOW: &str = "2026-11-20T09:00:00Z";

fn assay(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .env("ASSAY_DATABASE_URL", db.url())
        .env("ASSAY_NOW", NOW)
        .output()
        .expect("run assay")
}

fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = assay(db, args);
    assert!(
        out.status.success(),
        "assay {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

fn migrate(from: &TestDb, to: &TestDb) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["migrate-data", "--from", from.url(), "--to", to.url()])
        .env_remove("ASSAY_DATABASE_URL")
        .output()
        .expect("run assay migrate-data")
}

fn evaluation(db: &TestDb) -> String {
    let out = ok(db, &["evaluate", "--format", "json"]);
    assert!(out.len() > 10_000, "a real evaluation: {out}");
    out
}

/// `assay audit verify`'s line.
fn audit(db: &TestDb) -> String {
    ok(db, &["audit", "verify"]).trim().to_string()
}

#[test]
fn the_demo_moved_to_postgres_and_back_evaluates_the_same() {
    let sqlite = TestDb::sqlite();
    ok(&sqlite, &["demo"]);
    let pg = TestDb::postgres();

    let out = migrate(&sqlite, &pg);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("row counts match in all"), "{report}");
    assert!(
        report.contains("audit log intact on the target"),
        "{report}"
    );
    assert_eq!(audit(&pg), audit(&sqlite), "the same chain on both");
    let orgs = ok(&pg, &["org", "list", "--format", "json"]);
    assert_eq!(orgs, ok(&sqlite, &["org", "list", "--format", "json"]));

    let on_sqlite = evaluation(&sqlite);
    let on_pg = evaluation(&pg);
    assert!(on_sqlite == on_pg, "the evaluations differ");

    // And back: a fresh SQLite file from the PostgreSQL copy, which has
    // one more run (the evaluation above) than the source had.
    let back = TestDb::sqlite();
    let out = migrate(&pg, &back);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(audit(&back), audit(&pg));
    let runs = |db: &TestDb| ok(db, &["runs", "--format", "json", "--limit", "100"]);
    assert_eq!(runs(&back), runs(&pg));
    assert!(evaluation(&back) == on_pg, "the evaluations differ");
}

#[test]
fn a_copy_into_a_database_with_data_is_refused_and_changes_nothing() {
    let source = TestDb::sqlite();
    ok(&source, &["demo", "--clients", "2"]);
    let pg = TestDb::postgres();
    ok(
        &pg,
        &[
            "org",
            "add",
            "northwind",
            "--name",
            "Northwind",
            "--kind",
            "provider",
        ],
    );
    let before = ok(&pg, &["org", "list", "--format", "json"]);
    let audit_before = audit(&pg);

    let out = migrate(&source, &pg);
    assert!(!out.status.success(), "copied into a database with data");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the target already holds data (table organisations)"),
        "{err}"
    );
    assert_eq!(ok(&pg, &["org", "list", "--format", "json"]), before);
    assert_eq!(audit(&pg), audit_before);

    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["migrate-data", "--from", source.url(), "--to", source.url()])
        .output()
        .expect("run assay migrate-data");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the same database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let missing = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "migrate-data",
            "--from",
            source.url(),
            "--to",
            "postgres://postgres@127.0.0.1:1/nowhere",
        ])
        .output()
        .expect("run assay migrate-data");
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("cannot open postgres://"), "{err}");
}
