//! Printing the figures: a plain-text report and JSON.

use crate::harness::{Figures, Phase};
use crate::osquery_load::{OsqueryFigures, Requests};
use serde_json::{Value, json};
use std::time::Duration;

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "n/a".into(),
        |b| format!("{:.0} MiB", b as f64 / (1 << 20) as f64),
    )
}

fn ratio(assay: &Phase, sql: &Phase) -> f64 {
    assay.wall.as_secs_f64() / sql.wall.as_secs_f64().max(1e-9)
}

/// The baseline's time and Assay's ratio to it, or dashes without one.
fn against_sql(assay: &Phase, sql: Option<&Phase>) -> (String, String) {
    match sql {
        Some(sql) => (secs(sql.wall), format!("{:.2}", ratio(assay, sql))),
        None => ("—".into(), "—".into()),
    }
}

/// A report that fits a terminal.
pub fn text(f: &Figures, size: &str) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "size {size} on {}: {} organisations, {} assets, {} records; database {:.1} GiB",
        f.backend,
        f.organisations,
        f.assets,
        f.rows,
        f.db_bytes as f64 / (1u64 << 30) as f64
    ));
    line(format!(
        "{:<44} {:>12} {:>12} {:>12} {:>10}",
        "figure", "assay", "peak memory", "plain SQL", "assay/SQL"
    ));
    line(format!(
        "{:<44} {:>12}",
        "generate (not part of Assay)",
        secs(f.generate.wall)
    ));
    line(format!(
        "{:<44} {:>12} {:>12}",
        format!("load ({:.0} rows/s)", f.load_rows_per_sec()),
        secs(f.load.wall),
        mib(f.load.peak_rss)
    ));
    let (sql, vs) = against_sql(&f.full, f.full_sql.as_ref());
    line(format!(
        "{:<44} {:>12} {:>12} {:>12} {:>10}",
        "full evaluation, every org × 3 frameworks",
        secs(f.full.wall),
        mib(f.full.peak_rss),
        sql,
        vs
    ));
    line(format!(
        "{:<44} {:>12}",
        "  of which: reading records",
        secs(f.full_timings.load)
    ));
    line(format!(
        "{:<44} {:>12}",
        "  of which: engine",
        secs(f.full_timings.evaluate)
    ));
    line(format!(
        "{:<44} {:>12}",
        "  of which: storing the run",
        secs(f.full_timings.save)
    ));
    let (sql, vs) = against_sql(&f.one_org, f.one_org_sql.as_ref());
    line(format!(
        "{:<44} {:>12} {:>12} {:>12} {:>10}",
        format!(
            "one org after one change ({}, {} records)",
            f.one_org_name, f.one_org_rows
        ),
        secs(f.one_org.wall),
        mib(f.one_org.peak_rss),
        sql,
        vs
    ));
    let api = &f.api;
    line(format!(
        "{:<44} p50 {} · p99 {} · {:.0} requests/s · {} failed of {}",
        format!("{} ({} concurrent clients)", api.endpoint, api.clients),
        secs(api.p50),
        secs(api.p99),
        api.per_second,
        api.failures,
        api.requests
    ));
    osquery_text(&f.osquery, &mut line);
    out
}

fn latency(r: &Requests) -> String {
    format!(
        "p50 {} · p99 {} · {} failed of {}",
        secs(r.p50),
        secs(r.p99),
        r.failures,
        r.requests
    )
}

fn osquery_text(o: &OsqueryFigures, line: &mut impl FnMut(String)) {
    let Some(plan) = o.plan else { return };
    line(format!(
        "{:<44} {} agents in {} client orgs, {} programs each, {} check-in rounds",
        "osquery agents (POST /api/osquery/…)",
        plan.agents,
        o.organisations,
        plan.programs,
        plan.rounds
    ));
    line(format!(
        "{:<44} {:.0} enrolled/s in {} · {}",
        "  enroll + first config",
        o.enrolls_per_second(),
        secs(o.enroll_wall),
        latency(&o.enroll)
    ));
    line(format!(
        "{:<44} {:.0} result rows/s ({} rows in {}) · {}",
        "  first full result log, all at once",
        o.rows_per_second(),
        o.log_rows,
        secs(o.log_wall),
        latency(&o.log)
    ));
    line(format!(
        "{:<44} {:.0} check-ins/s in {} · {}",
        "  check-ins (config + distributed/read)",
        o.check_ins_per_second(),
        secs(o.rounds_wall),
        latency(&o.check_ins)
    ));
    line(format!(
        "{:<44} {} rows · {}",
        "  differential result logs in the rounds",
        o.diff_rows,
        latency(&o.diff_log)
    ));
    let [enroll, log, rounds] = o
        .listen_overflows
        .map(|n| n.map_or("n/a".into(), |n| n.to_string()));
    line(format!(
        "{:<44} enroll {enroll} · first logs {log} · rounds {rounds}",
        "  connections dropped at a full accept queue",
    ));
}

fn requests(r: &Requests) -> Value {
    json!({
        "requests": r.requests,
        "failures": r.failures,
        "p50_seconds": r.p50.as_secs_f64(),
        "p99_seconds": r.p99.as_secs_f64(),
    })
}

fn osquery_json(o: &OsqueryFigures) -> Value {
    let Some(plan) = o.plan else {
        return Value::Null;
    };
    json!({
        "agents": plan.agents,
        "organisations": o.organisations,
        "programs_per_agent": plan.programs,
        "rounds": plan.rounds,
        "enrolled": o.enrolled,
        "failures": o.failures(),
        "enroll": requests(&o.enroll),
        "enroll_seconds": o.enroll_wall.as_secs_f64(),
        "enrolls_per_second": o.enrolls_per_second(),
        "log": requests(&o.log),
        "log_rows": o.log_rows,
        "log_seconds": o.log_wall.as_secs_f64(),
        "result_rows_per_second": o.rows_per_second(),
        "check_ins": requests(&o.check_ins),
        "rounds_seconds": o.rounds_wall.as_secs_f64(),
        "check_ins_per_second": o.check_ins_per_second(),
        "differential_log": requests(&o.diff_log),
        "differential_log_rows": o.diff_rows,
        "listen_overflows": {
            "enroll": o.listen_overflows[0],
            "log": o.listen_overflows[1],
            "rounds": o.listen_overflows[2],
        },
    })
}

fn phase(p: &Phase) -> Value {
    json!({"seconds": p.wall.as_secs_f64(), "peak_rss_bytes": p.peak_rss})
}

/// The figures as JSON.
pub fn json(f: &Figures, size: &str) -> Value {
    json!({
        "size": size,
        "backend": f.backend,
        "organisations": f.organisations,
        "assets": f.assets,
        "records": f.rows,
        "database_bytes": f.db_bytes,
        "generate": phase(&f.generate),
        "load": phase(&f.load),
        "load_rows_per_second": f.load_rows_per_sec(),
        "full_evaluation": phase(&f.full),
        "full_evaluation_breakdown_seconds": {
            "reading_records": f.full_timings.load.as_secs_f64(),
            "engine": f.full_timings.evaluate.as_secs_f64(),
            "storing_run": f.full_timings.save.as_secs_f64(),
        },
        "full_evaluation_sql": f.full_sql.as_ref().map(phase),
        "full_evaluation_ratio": f.full_sql.as_ref().map(|s| ratio(&f.full, s)),
        "one_org": {"organisation": f.one_org_name, "records": f.one_org_rows},
        "one_org_evaluation": phase(&f.one_org),
        "one_org_evaluation_sql": f.one_org_sql.as_ref().map(phase),
        "one_org_evaluation_ratio": f.one_org_sql.as_ref().map(|s| ratio(&f.one_org, s)),
        "api": {
            "endpoint": f.api.endpoint,
            "clients": f.api.clients,
            "requests": f.api.requests,
            "failures": f.api.failures,
            "p50_seconds": f.api.p50.as_secs_f64(),
            "p99_seconds": f.api.p99.as_secs_f64(),
            "requests_per_second": f.api.per_second,
        },
        "osquery": osquery_json(&f.osquery),
    })
}
