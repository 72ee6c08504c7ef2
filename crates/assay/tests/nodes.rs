//! Several `assay serve` nodes on one PostgreSQL database behave as one
//! service: a node that dies in the middle of a background job has it
//! finished, once, by another; sessions and login throttling are shared;
//! concurrent changes through both nodes keep one linear audit chain.
//!
//! These tests always run on PostgreSQL (`ASSAY_TEST_PG_URL`, which
//! `scripts/test.sh` sets) and fail without it.

// The shared end-to-end support; this suite uses only part of it.
#[allow(dead_code)]
mod api_support;

use api_support::{Env, PASSWORD, Server};
use assay_store::testing::Backend;
use serde_json::{Value, json};
use std::time::Duration;

/// Job timings short enough for a test: a dead node's lease runs out after
/// two seconds, and nodes look for work every second.
const FAST_JOBS: &[&str] = &["--job-lease", "2s", "--job-poll", "1s"];

/// A node named `name` that evaluates hourly (so the current hour's job is
/// due at once), with `extra` flags.
fn node(env: &Env, name: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--node-name", name, "--evaluate-every", "1h"];
    args.extend_from_slice(FAST_JOBS);
    args.extend_from_slice(extra);
    env.serve(&args)
}

/// Node `name`, which stops in its evaluation jobs at `stage`
/// (`--debug-pause-after-claim` or `--debug-pause-before-finish`) for ten
/// minutes: long enough to be killed there.
fn node_pausing(env: &Env, name: &str, stage: &str) -> Server {
    node(env, name, &["--debug-pause-kind", "evaluate", stage, "10m"])
}

/// The id of the evaluation job `node` says it took.
fn evaluation_job_taken(server: &Server, node: &str) -> String {
    let needle = format!("worker: {node} took job ");
    let log = server.wait_for_log(" (evaluate ", Duration::from_secs(30));
    log.lines()
        .filter(|l| l.contains(" (evaluate "))
        .find_map(|l| l.split(&needle).nth(1))
        .and_then(|rest| rest.split(' ').next())
        .map(String::from)
        .unwrap_or_else(|| panic!("no evaluation job taken by {node} in:\n{log}"))
}

fn jobs(env: &Env) -> Vec<Value> {
    let out = env.ok(&["jobs", "--format", "json", "--limit", "100"]);
    serde_json::from_str::<Value>(&out)
        .expect("jobs JSON")
        .as_array()
        .cloned()
        .expect("a JSON array of jobs")
}

fn job(env: &Env, id: &str) -> Value {
    jobs(env)
        .into_iter()
        .find(|j| j["id"] == id)
        .unwrap_or_else(|| panic!("job {id} is not listed"))
}

/// The stored evaluation runs made for job `id`.
fn runs_of_job(env: &Env, id: &str) -> Vec<Value> {
    let out = env.ok(&["runs", "--format", "json", "--limit", "1000"]);
    serde_json::from_str::<Value>(&out)
        .expect("runs JSON")
        .as_array()
        .expect("a JSON array of runs")
        .iter()
        .filter(|r| r["job_id"] == id)
        .cloned()
        .collect()
}

/// The number of entries `assay audit verify` finds intact (it fails the
/// test when the chain is broken).
fn verified_audit_entries(env: &Env) -> u64 {
    let out = env.ok(&["audit", "verify"]);
    out.trim()
        .strip_prefix("audit log intact: ")
        .and_then(|rest| rest.strip_suffix(" entries"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected audit verify output: {out:?}"))
}

fn evaluation_entries(env: &Env) -> usize {
    let out = env.ok(&["audit", "list", "--format", "json", "--limit", "100000"]);
    serde_json::from_str::<Value>(&out)
        .expect("audit JSON")
        .as_array()
        .expect("a JSON array of entries")
        .iter()
        .filter(|e| e["action"] == "evaluation.run")
        .count()
}

/// Node A claims the hour's evaluation and dies before working on it; node
/// B takes the job over when A's lease runs out and saves the one run.
#[test]
fn a_job_whose_node_dies_after_claiming_it_is_done_once_by_another() {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    let a = node_pausing(&env, "node-a", "--debug-pause-after-claim");
    let id = evaluation_job_taken(&a, "node-a");
    a.wait_for_log(&format!("pausing job {id}"), Duration::from_secs(30));
    let held = job(&env, &id);
    assert_eq!(held["claimed_by"], "node-a", "{held}");
    assert!(held["done_at"].is_null(), "{held}");
    drop(a);
    assert!(runs_of_job(&env, &id).is_empty(), "A saved nothing");

    let b = node(&env, "node-b", &[]);
    b.wait_for_log(&format!("job {id} done"), Duration::from_secs(60));
    let done = job(&env, &id);
    assert_eq!(done["done_by"], "node-b", "{done}");
    assert_eq!(done["attempts"], 2, "A's claim and B's: {done}");
    assert!(
        done["outcome"]
            .as_str()
            .is_some_and(|o| o.contains("evaluated 3 organisations")),
        "{done}"
    );
    let runs = runs_of_job(&env, &id);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["actor"], "job:node-b", "{runs:?}");
    let log = b.log_text();
    assert_eq!(
        log.matches(&format!("took job {id} ")).count(),
        1,
        "B took the job once:\n{log}"
    );
    verified_audit_entries(&env);
}

/// Node A saves the run and dies before recording the job as finished;
/// node B takes the job over and does not store a second run.
#[test]
fn a_job_whose_node_dies_after_saving_its_run_is_not_run_twice() {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    let a = node_pausing(&env, "node-a", "--debug-pause-before-finish");
    let id = evaluation_job_taken(&a, "node-a");
    a.wait_for_log(&format!("pausing job {id}"), Duration::from_secs(60));
    let saved = runs_of_job(&env, &id);
    assert_eq!(saved.len(), 1, "A saved its run: {saved:?}");
    assert_eq!(saved[0]["actor"], "job:node-a", "{saved:?}");
    assert!(job(&env, &id)["done_at"].is_null());
    let evaluations_before = evaluation_entries(&env);
    drop(a);

    let b = node(&env, "node-b", &[]);
    b.wait_for_log(&format!("job {id} done"), Duration::from_secs(60));
    let done = job(&env, &id);
    assert_eq!(done["done_by"], "node-b", "{done}");
    assert_eq!(done["attempts"], 2, "{done}");
    assert_eq!(
        done["outcome"], "the run was saved by an earlier attempt",
        "{done}"
    );
    assert_eq!(runs_of_job(&env, &id), saved, "still A's one run");
    assert_eq!(
        evaluation_entries(&env),
        evaluations_before,
        "B's attempt left no audit entry for a run it did not store"
    );
    verified_audit_entries(&env);
}

/// Two nodes started together on one database: each job of the slot is
/// done exactly once, by one of them.
#[test]
fn two_nodes_started_together_share_the_jobs() {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    let a = node(&env, "node-a", &[]);
    let b = node(&env, "node-b", &[]);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let finished = loop {
        let all = jobs(&env);
        if all.len() >= 2 && all.iter().all(|j| !j["done_at"].is_null()) {
            break all;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "jobs not done in time: {all:?}\nA:\n{}\nB:\n{}",
            a.log_text(),
            b.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    for kind in ["evaluate", "retention"] {
        let of_kind: Vec<_> = finished.iter().filter(|j| j["kind"] == kind).collect();
        assert!(!of_kind.is_empty(), "no {kind} job: {finished:?}");
        for j in of_kind {
            assert_eq!(j["attempts"], 1, "{j}");
            assert!(j["done_by"] == "node-a" || j["done_by"] == "node-b", "{j}");
        }
    }
    for j in finished.iter().filter(|j| j["kind"] == "evaluate") {
        let id = j["id"].as_str().expect("job id");
        assert_eq!(runs_of_job(&env, id).len(), 1, "{j}");
    }
}

/// A session made through one node works on the other, and ending it on
/// one ends it on both; failed logins on either node count together.
#[test]
fn sessions_and_login_throttling_are_shared_between_nodes() {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    let tess = env.add_user("tess", "technician", &["alpha"]);
    env.add_user("tina", "technician", &[]);
    let a = env.serve(&["--node-name", "node-a"]);
    let b = env.serve(&["--node-name", "node-b"]);

    let login = a.login_attempt("tess", PASSWORD);
    login.expect(200, "login through A");
    let cookie = login.set_cookie("assay_session").expect("session cookie");
    let on_b = b.cookie(&cookie);
    let me = on_b.get("/api/v1/me");
    me.expect(200, "A's session used on B");
    assert_eq!(me.json()["username"], "tess", "{me:?}");
    on_b.get("/api/v1/orgs/alpha")
        .expect(200, "alpha through B");
    on_b.get("/api/v1/orgs/beta")
        .expect_problem(404, "beta is not tess's, on B either");

    on_b.delete("/api/v1/session")
        .expect(204, "log out through B");
    a.cookie(&cookie)
        .get("/api/v1/me")
        .expect_problem(401, "the session ended on B is over on A");
    // A fresh login still works on either node.
    b.login(&tess).get("/api/v1/me").expect(200, "login on B");

    for i in 1..=10 {
        let node = if i % 2 == 0 { &a } else { &b };
        node.login_attempt("tina", &format!("Wrong-password-{i}"))
            .expect_problem(401, &format!("bad password {i}"));
    }
    for (name, node) in [("A", &a), ("B", &b)] {
        node.login_attempt("tina", PASSWORD).expect_problem(
            429,
            &format!("five failures on each node lock tina on {name}"),
        );
    }
}

/// 1,000 changes sent at once through both nodes, from 16 clients: every
/// one is stored, each leaves one audit entry, and the chain verifies.
#[test]
fn a_thousand_concurrent_changes_through_two_nodes_keep_one_audit_chain() {
    const CLIENTS: usize = 16;
    const CHANGES: usize = 1000;
    let env = Env::on(Backend::Postgres);
    env.small_world();
    env.add_user("tess", "technician", &["alpha", "beta"]);
    let token = env.cli_token("tess", "load", &[]);
    let a = env.serve(&["--node-name", "node-a"]);
    let b = env.serve(&["--node-name", "node-b"]);
    let before = verified_audit_entries(&env);

    std::thread::scope(|s| {
        for client in 0..CLIENTS {
            let api = if client % 2 == 0 {
                a.bearer(&token)
            } else {
                b.bearer(&token)
            };
            s.spawn(move || {
                for n in (client..CHANGES).step_by(CLIENTS) {
                    let org = if n % 3 == 0 { "beta" } else { "alpha" };
                    let body = json!({"name": format!("Site {n}"), "country": "GB"});
                    api.put(&format!("/api/v1/orgs/{org}/records/site/s{n:04}"), &body)
                        .expect(201, &format!("change {n}"));
                }
            });
        }
    });

    let after = verified_audit_entries(&env);
    assert_eq!(after - before, CHANGES as u64, "one audit entry per change");
    let mut sites = 0;
    for (org, node) in [("alpha", &a), ("beta", &b)] {
        sites += node
            .bearer(&token)
            .all_items(&format!("/api/v1/orgs/{org}/records/site"))
            .iter()
            .filter(|s| s["id"].as_str().is_some_and(|id| id.starts_with('s')))
            .count();
    }
    assert_eq!(sites, CHANGES, "every change is stored");
}

/// Ctrl-C stops a node cleanly once its job is done: exit status 0, and
/// its PostgreSQL connections closed without a panic.
#[test]
fn a_node_stopped_with_ctrl_c_exits_cleanly() {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    let a = node(&env, "node-a", &[]);
    let id = evaluation_job_taken(&a, "node-a");
    a.wait_for_log(&format!("job {id} done"), Duration::from_secs(60));
    let (status, log) = a.interrupt();
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert_eq!(runs_of_job(&env, &id).len(), 1);
}
