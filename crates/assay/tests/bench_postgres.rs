//! `assay bench --postgres`: the scale benchmark on PostgreSQL reports
//! every figure but the SQLite-only plain-SQL baseline, and refuses a
//! database that holds data. Needs `ASSAY_TEST_PG_URL` (scripts/test.sh).

// The shared end-to-end support; this suite uses only part of it.
#[allow(dead_code)]
mod api_support;

use api_support::Env;
use assay_store::testing::Backend;
use serde_json::Value;
use std::process::Output;

/// `assay bench --size s` into `env`'s PostgreSQL database.
fn bench(env: &Env) -> Output {
    let args = [
        "bench",
        "--size",
        "s",
        "--repeats",
        "1",
        "--format",
        "json",
        "--postgres",
        env.database_url(),
    ];
    env.run(&args, "")
}

#[test]
fn bench_on_postgres_reports_every_figure_but_the_sqlite_baseline() {
    let db = Env::on(Backend::Postgres);
    let out = bench(&db);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let figures: Value = serde_json::from_slice(&out.stdout).expect("JSON figures");
    assert_eq!(figures["backend"], "postgres");
    assert_eq!(figures["organisations"], 21);
    assert!(
        figures["load_rows_per_second"]
            .as_f64()
            .is_some_and(|r| r > 0.0)
    );
    for figure in ["full_evaluation", "one_org_evaluation"] {
        assert!(
            figures[figure]["seconds"].as_f64().is_some_and(|s| s > 0.0),
            "{figure}: {figures}"
        );
        assert!(figures[format!("{figure}_sql").as_str()].is_null());
    }
    assert_eq!(figures["api"]["failures"], 0, "{figures}");
    assert!(figures["api"]["requests"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(figures["osquery"]["failures"], 0, "{figures}");
    assert!(
        figures["database_bytes"]
            .as_u64()
            .is_some_and(|b| b > 1 << 20)
    );

    let again = bench(&db);
    assert!(
        !again.status.success(),
        "a second run into the same database"
    );
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("holds organisations already"), "{err}");
}
