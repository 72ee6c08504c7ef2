//! Webhook notifications end to end: two `assay serve` nodes on one
//! PostgreSQL database, a real HTTP receiver that refuses the first
//! delivery, and the evaluation runs the CLI stores. The run's changes
//! arrive once, signed, after one retry; a webhook for an organisation that
//! did not change hears nothing.
//!
//! Always on PostgreSQL (`ASSAY_TEST_PG_URL`, which `scripts/test.sh` sets).

// The shared end-to-end support; this suite uses only part of it.
#[allow(dead_code)]
mod api_support;

use api_support::Env;
use assay_store::testing::Backend;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A request the receiver got, and the status it answered.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
    answered: u16,
}

/// An HTTP receiver on loopback that answers the statuses in `script` in
/// turn (the last one from then on) and keeps what it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: Vec<u16>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&got);
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let status = *script.get(n).or(script.last()).unwrap_or(&200);
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                let mut headers = HashMap::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                    }
                }
                let length = headers
                    .get("content-length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                if let Ok(mut g) = sink.lock() {
                    g.push(Received {
                        path,
                        headers,
                        body,
                        answered: status,
                    });
                }
            }
        });
        Receiver { url, got }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

/// Sets alpha's one firewall to let inbound traffic in (`allow`) or not
/// (`deny`), and evaluates everyone.
fn alpha_firewall_then_evaluate(env: &Env, inbound: &str) {
    let file = env.dir().join(format!("fw-{inbound}.csv"));
    std::fs::write(
        &file,
        format!("id,name,default_inbound,admin_interface_internet\nfw1,Edge,{inbound},false\n"),
    )
    .expect("write firewall file");
    let file = file.display().to_string();
    env.ok(&[
        "import", "firewall", &file, "--org", "alpha", "--mode", "upsert",
    ]);
    env.ok(&["evaluate"]);
}

/// The small world on PostgreSQL, evaluated once with alpha's firewall
/// closed: the baseline the tests' changes are measured against.
fn baseline() -> Env {
    let env = Env::on(Backend::Postgres);
    env.small_world();
    alpha_firewall_then_evaluate(&env, "deny");
    env
}

/// The id of the newest stored run.
fn newest_run(env: &Env) -> String {
    let runs: Value =
        serde_json::from_str(&env.ok(&["runs", "--format", "json", "--limit", "1"])).expect("runs");
    runs[0]["id"].as_str().expect("a run").to_string()
}

fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn a_runs_changes_reach_each_webhook_once_signed_after_a_retry() {
    let env = baseline();
    let baseline = newest_run(&env);
    // Times are kept to the second, and a webhook hears runs that finished
    // in the second it was made: make the baseline clearly older.
    std::thread::sleep(Duration::from_millis(1100));

    let receiver = Receiver::start(vec![500, 204]);
    let all_secret = env
        .ok(&["webhook", "add", &format!("{}/all", receiver.url)])
        .trim()
        .to_string();
    assert!(all_secret.starts_with("assayhook_"), "{all_secret}");
    env.ok(&[
        "webhook",
        "add",
        &format!("{}/beta", receiver.url),
        "--org",
        "beta",
    ]);
    let hooks: Value =
        serde_json::from_str(&env.ok(&["webhook", "list", "--format", "json"])).expect("hooks");
    let all_id = hooks[0]["id"].as_str().expect("id").to_string();
    assert_eq!(hooks[1]["org"], "beta");
    assert!(
        !hooks.to_string().contains(&all_secret),
        "lists never show the secret"
    );

    // Alpha's firewall now lets everything in: CE-FW-4 goes from pass to fail.
    alpha_firewall_then_evaluate(&env, "allow");
    let changed = newest_run(&env);
    assert_ne!(changed, baseline);

    let fast = ["--job-poll", "1s", "--job-retry", "1s", "--job-lease", "5s"];
    let mut a_args = vec!["--node-name", "node-a"];
    a_args.extend_from_slice(&fast);
    let mut b_args = vec!["--node-name", "node-b"];
    b_args.extend_from_slice(&fast);
    let a = env.serve(&a_args);
    let b = env.serve(&b_args);

    let start = Instant::now();
    while !receiver.got().iter().any(|r| r.answered == 204) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no delivery accepted in a minute; got {:?}\nA:\n{}\nB:\n{}",
            receiver.got(),
            a.log_text(),
            b.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Long enough for both nodes to poll again several times.
    std::thread::sleep(Duration::from_secs(4));
    let got = receiver.got();
    assert_eq!(
        got.iter()
            .map(|r| (r.path.as_str(), r.answered))
            .collect::<Vec<_>>(),
        [("/all", 500), ("/all", 204)],
        "the refused delivery was retried once and nothing else was sent; beta did not change"
    );

    let delivery = format!("{changed}:{all_id}");
    for r in &got {
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(r.headers["x-assay-event"], "results.changed");
        assert_eq!(
            r.headers["x-assay-delivery"], delivery,
            "stable across retries"
        );
        let sig = &r.headers["x-assay-signature"];
        let (t, v1) = sig
            .strip_prefix("t=")
            .and_then(|rest| rest.split_once(",v1="))
            .unwrap_or_else(|| panic!("signature header {sig}"));
        let mut signed = format!("{t}.").into_bytes();
        signed.extend_from_slice(&r.body);
        assert_eq!(v1, hmac_hex(&all_secret, &signed), "the signature verifies");
        let sent_at: i64 = t.parse().expect("unix time");
        assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 120);
    }

    let body: Value = serde_json::from_slice(&got[1].body).expect("JSON body");
    assert_eq!(body["event"], "results.changed");
    assert_eq!(body["run"]["id"], changed.as_str());
    let orgs = body["organisations"].as_array().expect("organisations");
    assert_eq!(orgs.len(), 1, "only alpha changed: {body}");
    assert_eq!(orgs[0]["slug"], "alpha");
    let fw4 = orgs[0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["framework"] == "cyber-essentials" && c["requirement"] == "CE-FW-4")
        .unwrap_or_else(|| panic!("no CE-FW-4 change in {body}"));
    assert_eq!((&fw4["from"], &fw4["to"]), (&"pass".into(), &"fail".into()));
    assert!(
        body["regressions"].as_u64().is_some_and(|n| n >= 1),
        "{body}"
    );

    let deliveries: Value =
        serde_json::from_str(&env.ok(&["webhook", "deliveries", "--format", "json"]))
            .expect("deliveries");
    let list = deliveries.as_array().expect("a list");
    assert_eq!(list.len(), 1, "{deliveries}");
    assert_eq!(list[0]["run"], changed.as_str());
    assert_eq!(list[0]["attempts"], 2);
    assert_eq!(list[0]["last_status"], 204);
    assert!(list[0]["delivered_at"].is_string());

    let jobs: Value = serde_json::from_str(&env.ok(&["jobs", "--format", "json"])).expect("jobs");
    let notify: Vec<&Value> = jobs
        .as_array()
        .expect("jobs")
        .iter()
        .filter(|j| j["kind"] == "notify")
        .collect();
    assert_eq!(
        notify.len(),
        1,
        "the baseline run predates the webhooks: {jobs}"
    );
    assert_eq!(notify[0]["slot"], changed.as_str());
    assert_eq!(notify[0]["attempts"], 2);
    assert!(notify[0]["done_at"].is_string(), "{jobs}");
}

/// A webhook revoked after a refused delivery gets no retry, and one
/// revoked before a run hears nothing of it.
#[test]
fn a_revoked_webhook_hears_nothing_more() {
    let env = baseline();
    std::thread::sleep(Duration::from_millis(1100));
    let receiver = Receiver::start(vec![503]);
    env.ok(&["webhook", "add", &receiver.url]);
    let hooks: Value =
        serde_json::from_str(&env.ok(&["webhook", "list", "--format", "json"])).expect("hooks");
    let id = hooks[0]["id"].as_str().expect("id").to_string();
    alpha_firewall_then_evaluate(&env, "allow");
    let run = newest_run(&env);
    let node = env.serve(&["--job-poll", "1s", "--job-retry", "3s"]);

    let start = Instant::now();
    while receiver.got().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no delivery attempt: {}",
            node.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    env.ok(&["webhook", "revoke", &id]);
    let again = env.run(&["webhook", "revoke", &id], "");
    assert!(!again.status.success(), "revoking twice is refused");
    // The retry comes 3 s after the refusal; it finds nothing to send.
    let notify = loop {
        let jobs: Value =
            serde_json::from_str(&env.ok(&["jobs", "--format", "json"])).expect("jobs");
        let notify = jobs
            .as_array()
            .and_then(|all| all.iter().find(|j| j["slot"] == run.as_str()).cloned());
        if let Some(j) = notify.filter(|j| j["done_at"].is_string()) {
            break j;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the notification job never finished: {jobs}\n{}",
            node.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(notify["attempts"], 2, "{notify}");
    assert!(
        notify["outcome"]
            .as_str()
            .is_some_and(|o| o.contains("nothing to send")),
        "{notify}"
    );
    assert_eq!(receiver.got().len(), 1, "only the refused attempt");

    // A run after the revocation is not even scheduled for notification.
    alpha_firewall_then_evaluate(&env, "deny");
    let later = newest_run(&env);
    std::thread::sleep(Duration::from_secs(3));
    let jobs = env.ok(&["jobs", "--format", "json"]);
    assert!(!jobs.contains(&later), "{jobs}");
    assert_eq!(receiver.got().len(), 1);
}
