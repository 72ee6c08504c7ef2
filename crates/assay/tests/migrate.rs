//! `assay migrate-data`: a whole installation moved from SQLite to
//! PostgreSQL and back gives the same answers, and a copy that cannot be
//! made changes nothing. Always uses both backends (`ASSAY_TEST_PG_URL`,
//! which `scripts/test.sh` sets).

// The shared end-to-end support; this suite uses only part of it.
#[allow(dead_code)]
mod api_support;

use api_support::Env;
use assay_store::testing::Backend;
use std::process::Output;

/// The time every command here treats as now, so that evaluations compare.
const NOW: &str = "2026-11-20T09:00:00Z";

/// `assay --now NOW ARGS` on `env`'s database; its standard output.
fn ok(env: &Env, args: &[&str]) -> String {
    env.ok(&[&["--now", NOW], args].concat())
}

/// `assay migrate-data` from `from`'s database to `to`, whatever its
/// outcome.
fn migrate(from: &Env, to: &str) -> Output {
    from.run(
        &["migrate-data", "--from", from.database_url(), "--to", to],
        "",
    )
}

fn evaluation(env: &Env) -> String {
    let out = ok(env, &["evaluate", "--format", "json"]);
    assert!(out.len() > 10_000, "a real evaluation: {out}");
    out
}

/// `assay audit verify`'s line.
fn audit(env: &Env) -> String {
    ok(env, &["audit", "verify"]).trim().to_string()
}

#[test]
fn the_demo_moved_to_postgres_and_back_evaluates_the_same() {
    let sqlite = Env::on(Backend::Sqlite);
    ok(&sqlite, &["demo"]);
    let pg = Env::on(Backend::Postgres);

    let out = migrate(&sqlite, pg.database_url());
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
    let back = Env::on(Backend::Sqlite);
    let out = migrate(&pg, back.database_url());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(audit(&back), audit(&pg));
    let runs = |env: &Env| ok(env, &["runs", "--format", "json", "--limit", "100"]);
    assert_eq!(runs(&back), runs(&pg));
    assert!(evaluation(&back) == on_pg, "the evaluations differ");
}

#[test]
fn a_copy_into_a_database_with_data_is_refused_and_changes_nothing() {
    let source = Env::on(Backend::Sqlite);
    ok(&source, &["demo", "--clients", "2"]);
    let pg = Env::on(Backend::Postgres);
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

    let out = migrate(&source, pg.database_url());
    assert!(!out.status.success(), "copied into a database with data");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the target already holds data (table organisations)"),
        "{err}"
    );
    assert_eq!(ok(&pg, &["org", "list", "--format", "json"]), before);
    assert_eq!(audit(&pg), audit_before);

    let out = migrate(&source, source.database_url());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the same database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let missing = migrate(&source, "postgres://postgres@127.0.0.1:1/nowhere");
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("cannot open postgres://"), "{err}");
}
