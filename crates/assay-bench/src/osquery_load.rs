//! osquery agents under load: the real server, on the benchmark's
//! database, with many simulated agents speaking osquery's TLS remote API
//! (`/api/osquery/…`) over real HTTP on loopback. Each agent enrolls with
//! its organisation's enroll secret, fetches its configuration, posts its
//! first full result log (every installed program, in osquery's batch
//! format, and the Windows security snapshots), then checks in for several
//! rounds: configuration, the live-query poll, and a small differential
//! result log (one program removed, one added, in event format).
//!
//! The phases run one after the other, every agent at once within a phase,
//! so each phase has its own wall time: result rows per second is the rows
//! of the first full logs over the wall time of that phase; check-ins per
//! second is the configuration and live-query requests of the rounds over
//! the wall time of the rounds (which also carry the small logs).

use crate::api_load::{percentile, with_server};
use crate::harness::BenchError;
use assay_core::org::OrgKind;
use assay_server::auth::secrets::{self, TokenKind};
use assay_store::osquery::NewEnrollSecret;
use assay_store::{Actor, Scope, SqlStore, Store};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How many agents, where, and how much each sends.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Client organisations given an enroll secret (the first ones listed).
    pub organisations: usize,
    /// Agents, spread round robin over those organisations.
    pub agents: usize,
    /// Installed programs each agent reports in its first full log.
    pub programs: usize,
    /// Check-in rounds after the first log.
    pub rounds: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            organisations: 20,
            agents: 200,
            programs: 300,
            rounds: 5,
        }
    }
}

/// Requests of one kind in one phase: how many, how many failed, and the
/// latency of those that succeeded.
#[derive(Debug, Clone, Default)]
pub struct Requests {
    pub requests: usize,
    pub failures: usize,
    pub p50: Duration,
    pub p99: Duration,
}

impl Requests {
    pub fn succeeded(&self) -> usize {
        self.requests.saturating_sub(self.failures)
    }
}

/// Every figure of the osquery phase.
#[derive(Debug, Clone, Default)]
pub struct OsqueryFigures {
    pub plan: Option<Plan>,
    /// Organisations that got a secret (fewer than planned when the
    /// database has fewer clients).
    pub organisations: usize,
    /// Agents that enrolled and fetched their configuration.
    pub enrolled: usize,
    /// `POST /enroll`, one per agent; an agent whose first `/config`
    /// failed counts as a failed enrollment.
    pub enroll: Requests,
    pub enroll_wall: Duration,
    /// The first full result log of every agent (`POST /log`).
    pub log: Requests,
    /// Result rows in the first full logs that were accepted.
    pub log_rows: u64,
    pub log_wall: Duration,
    /// `POST /config` and `POST /distributed/read` in the rounds.
    pub check_ins: Requests,
    /// The small differential logs sent in the same rounds.
    pub diff_log: Requests,
    pub diff_rows: u64,
    pub rounds_wall: Duration,
    /// Connections the kernel dropped because the server's accept queue
    /// was full (Linux's `TcpExtListenOverflows`, counted for the whole
    /// network namespace) during enrollment, the first logs and the rounds;
    /// `None` where it cannot be read. A dropped connection attempt is
    /// retried by the client's TCP after a second.
    pub listen_overflows: [Option<u64>; 3],
}

impl OsqueryFigures {
    /// Result rows per second, every agent posting its first full log at once.
    pub fn rows_per_second(&self) -> f64 {
        self.log_rows as f64 / self.log_wall.as_secs_f64().max(1e-9)
    }

    /// Check-ins (configuration and live-query polls) per second during the rounds.
    pub fn check_ins_per_second(&self) -> f64 {
        self.check_ins.succeeded() as f64 / self.rounds_wall.as_secs_f64().max(1e-9)
    }

    pub fn enrolls_per_second(&self) -> f64 {
        self.enrolled as f64 / self.enroll_wall.as_secs_f64().max(1e-9)
    }

    /// Failed requests of every kind.
    pub fn failures(&self) -> usize {
        self.enroll.failures + self.log.failures + self.check_ins.failures + self.diff_log.failures
    }
}

/// Latencies of successful requests and a count of failed ones.
#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    failures: usize,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.samples.extend(other.samples);
        self.failures += other.failures;
    }

    fn requests(mut self) -> Requests {
        self.samples.sort();
        Requests {
            requests: self.samples.len() + self.failures,
            failures: self.failures,
            p50: percentile(&self.samples, 0.50),
            p99: percentile(&self.samples, 0.99),
        }
    }
}

/// A response: its status and its body as JSON (`Null` when it is not).
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    /// 200 and not `node_invalid`: what every request here expects.
    fn accepted(&self) -> bool {
        self.status == 200
            && self.body.is_object()
            && self.body.get("node_invalid").and_then(Value::as_bool) != Some(true)
    }
}

/// A chunked body's data.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok());
        let Some(size) = size.filter(|s| *s > 0) else {
            break;
        };
        let start = eol + 2;
        let Some(chunk) = raw.get(start..start + size) else {
            break;
        };
        out.extend_from_slice(chunk);
        raw = raw.get(start + size + 2..).unwrap_or(&[]);
    }
    out
}

/// A client gives up on an answer after this long (the server itself
/// answers 408 after 30 s).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// One request over a fresh connection.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &[u8],
) -> std::io::Result<Answer> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(CLIENT_TIMEOUT, exchange)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))??;
    let status = response
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n");
    let body = match split {
        Some(at) => {
            let head = String::from_utf8_lossy(&response[..at]).to_ascii_lowercase();
            let raw = &response[at + 4..];
            let data = if head.contains("transfer-encoding: chunked") {
                dechunk(raw)
            } else {
                raw.to_vec()
            };
            serde_json::from_slice(&data).unwrap_or(Value::Null)
        }
        None => Value::Null,
    };
    Ok(Answer { status, body })
}

/// POSTs `body` to `/api/osquery/{path}`, timing it into `tally` when
/// `ok` says the answer is what was expected; otherwise a failure.
async fn post(
    addr: SocketAddr,
    path: &str,
    body: &Value,
    tally: &mut Tally,
    ok: impl Fn(&Answer) -> bool,
) -> Option<Answer> {
    // Serialising is the agent's work, not the server's: outside the clock.
    let Ok(bytes) = serde_json::to_vec(body) else {
        tally.failures += 1;
        return None;
    };
    let started = Instant::now();
    match request(addr, "POST", &format!("/api/osquery/{path}"), &bytes).await {
        Ok(answer) if ok(&answer) => {
            tally.samples.push(started.elapsed());
            Some(answer)
        }
        _ => {
            tally.failures += 1;
            None
        }
    }
}

/// Software an agent reports: a few well-known products, then components
/// of them, each agent with its own versions and install dates.
const PRODUCTS: &[(&str, &str)] = &[
    ("Google LLC", "Google Chrome"),
    ("Mozilla", "Mozilla Firefox"),
    ("Microsoft Corporation", "Microsoft Edge"),
    ("Microsoft Corporation", "Microsoft 365 Apps for enterprise"),
    ("Microsoft Corporation", "Microsoft Teams"),
    (
        "Microsoft Corporation",
        "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
    ),
    ("Microsoft Corporation", "Microsoft OneDrive"),
    ("Adobe", "Adobe Acrobat Reader"),
    ("Igor Pavlov", "7-Zip"),
    ("Notepad++ Team", "Notepad++"),
    ("Zoom Video Communications, Inc.", "Zoom Workplace"),
    ("Oracle Corporation", "Java 8 Update 421"),
    ("VideoLAN", "VLC media player"),
    ("Python Software Foundation", "Python 3.12.4 (64-bit)"),
    ("Dell Inc.", "Dell Command | Update"),
    ("Intel Corporation", "Intel(R) Graphics Driver"),
    ("Realtek Semiconductor Corp.", "Realtek Audio Driver"),
    ("N-able Technologies", "Windows Agent"),
    ("Sophos Limited", "Sophos Endpoint Agent"),
    ("Fortinet Inc.", "FortiClient VPN"),
    ("Citrix Systems, Inc.", "Citrix Workspace"),
    ("Git Development Community", "Git"),
    ("Cisco Systems, Inc.", "Cisco Webex Meetings"),
    ("TeamViewer", "TeamViewer"),
];

fn program(agent: usize, i: usize) -> Value {
    let (publisher, product) = PRODUCTS[i % PRODUCTS.len()];
    let name = if i < PRODUCTS.len() {
        product.to_string()
    } else {
        format!("{product} component {}", i / PRODUCTS.len())
    };
    json!({
        "name": name,
        "version": format!("{}.{}.{}", 1 + i % 17, (agent + i) % 10, 100 + i),
        "publisher": publisher,
        "install_date": format!("2025{:02}{:02}", 1 + i % 12, 1 + (agent + i) % 28),
    })
}

/// One simulated agent.
struct Agent {
    index: usize,
    secret: Arc<String>,
    uuid: String,
    hostname: String,
    node_key: Option<String>,
    programs: Vec<Value>,
}

impl Agent {
    fn new(index: usize, secret: Arc<String>, programs: usize) -> Agent {
        Agent {
            index,
            secret,
            uuid: format!("4C4C4544-{:04X}-4B10-8053-{:012X}", index % 0x10000, index),
            hostname: format!("BENCH-OSQ-{index:05}"),
            node_key: None,
            programs: (0..programs).map(|i| program(index, i)).collect(),
        }
    }

    fn key_body(&self) -> Value {
        json!({"node_key": self.node_key})
    }

    fn enroll_body(&self) -> Value {
        json!({
            "enroll_secret": self.secret.as_str(),
            "host_identifier": self.hostname,
            "platform_type": "2",
            "host_details": {
                "system_info": {
                    "uuid": self.uuid,
                    "hostname": self.hostname,
                    "hardware_vendor": "Dell Inc.",
                    "hardware_model": "Latitude 5440",
                },
                "os_version": {
                    "name": "Microsoft Windows 11 Pro",
                    "version": "10.0.22631",
                    "build": "22631",
                    "platform": "windows",
                },
                "osquery_info": {"version": "5.13.1"},
            },
        })
    }

    /// The fields every result line carries.
    fn line(&self, name: &str, at: DateTime<Utc>, counter: usize) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("hostIdentifier".into(), json!(self.hostname));
        m.insert(
            "calendarTime".into(),
            json!(at.format("%a %b %e %H:%M:%S %Y UTC").to_string()),
        );
        m.insert("unixTime".into(), json!(at.timestamp().to_string()));
        m.insert("epoch".into(), json!("0"));
        m.insert("counter".into(), json!(counter.to_string()));
        m.insert("numerics".into(), json!(false));
        m.insert(
            "decorations".into(),
            json!({"host_uuid": self.uuid, "hostname": self.hostname}),
        );
        m
    }

    fn snapshot(&self, name: &str, at: DateTime<Utc>, rows: Vec<Value>) -> Value {
        let mut m = self.line(name, at, 0);
        m.insert("action".into(), json!("snapshot"));
        m.insert("snapshot".into(), Value::Array(rows));
        Value::Object(m)
    }

    /// The first full result log: the programs (a differential query's
    /// first run, batch format) and the Windows snapshots. Returns the body
    /// and the rows it carries.
    fn first_log(&self, at: DateTime<Utc>) -> (Value, u64) {
        let mut programs = self.line("assay_programs", at, 0);
        programs.insert(
            "diffResults".into(),
            json!({"added": self.programs, "removed": []}),
        );
        let patches: Vec<Value> = ["KB5044284", "KB5043080", "KB5042352", "KB5041585"]
            .iter()
            .enumerate()
            .map(|(i, kb)| json!({"hotfix_id": kb, "installed_on": format!("{}/8/2026", 10 - i)}))
            .collect();
        // One agent in ten has BitLocker off on its system drive.
        let bitlocker = if self.index.is_multiple_of(10) {
            "0"
        } else {
            "1"
        };
        let lines = vec![
            Value::Object(programs),
            self.snapshot(
                "assay_security_products",
                at,
                vec![
                    json!({
                        "type": "Antivirus",
                        "name": "Windows Defender",
                        "state": "On",
                        "signatures_up_to_date": "1",
                    }),
                    json!({
                        "type": "Firewall",
                        "name": "Windows Firewall",
                        "state": "On",
                        "signatures_up_to_date": "0",
                    }),
                ],
            ),
            self.snapshot(
                "assay_bitlocker",
                at,
                vec![json!({"drive_letter": "C:", "protection_status": bitlocker})],
            ),
            self.snapshot(
                "assay_security_center",
                at,
                vec![json!({"firewall": "Good", "antivirus": "Good", "autoupdate": "Good"})],
            ),
            self.snapshot(
                "assay_local_admins",
                at,
                vec![
                    json!({"username": "Administrator"}),
                    json!({"username": "it-support"}),
                ],
            ),
            self.snapshot("assay_patches", at, patches),
        ];
        let rows = lines.iter().map(rows_in).sum();
        let body = json!({"node_key": self.node_key, "log_type": "result", "data": lines});
        (body, rows)
    }

    /// Round `round`'s differential log: the oldest program removed, a new
    /// one added (event format). Changes the agent's program list.
    fn diff_log(&mut self, round: usize, at: DateTime<Utc>) -> (Value, u64) {
        let added = program(self.index, self.programs.len() + round + 1_000);
        let mut lines = Vec::new();
        if !self.programs.is_empty() {
            let gone = self.programs.remove(0);
            let mut m = self.line("assay_programs", at, round + 1);
            m.insert("action".into(), json!("removed"));
            m.insert("columns".into(), gone);
            lines.push(Value::Object(m));
        }
        let mut m = self.line("assay_programs", at, round + 1);
        m.insert("action".into(), json!("added"));
        m.insert("columns".into(), added.clone());
        lines.push(Value::Object(m));
        self.programs.push(added);
        let rows = lines.len() as u64;
        (
            json!({"node_key": self.node_key, "log_type": "result", "data": lines}),
            rows,
        )
    }
}

/// The rows one result line carries.
fn rows_in(line: &Value) -> u64 {
    let count = |v: Option<&Value>| v.and_then(Value::as_array).map_or(0, |a| a.len() as u64);
    if let Some(d) = line.get("diffResults") {
        count(d.get("added")) + count(d.get("removed"))
    } else if line.get("snapshot").is_some() {
        count(line.get("snapshot"))
    } else {
        u64::from(line.get("columns").is_some())
    }
}

/// Linux's count of connections dropped at a full accept queue, when
/// readable.
fn listen_overflows() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/net/netstat").ok()?;
    let mut lines = text.lines();
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        if !names.starts_with("TcpExt:") {
            continue;
        }
        let at = names
            .split_whitespace()
            .position(|n| n == "ListenOverflows")?;
        return values.split_whitespace().nth(at)?.parse().ok();
    }
    None
}

/// The overflows since `before`.
fn overflows_since(before: Option<u64>) -> Option<u64> {
    Some(listen_overflows()?.saturating_sub(before?))
}

/// An enroll secret for each of the first `n` client organisations.
fn enroll_secrets(store: &dyn Store, n: usize) -> Result<Vec<Arc<String>>, BenchError> {
    let actor = Actor::new("bench", "bench");
    let now = Utc::now();
    let mut out = Vec::new();
    for org in store
        .list_orgs(&Scope::All)?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Client)
        .take(n)
    {
        let (secret, secret_hash) = secrets::new_token(TokenKind::EnrollSecret);
        let new = NewEnrollSecret {
            org: org.id,
            secret_hash,
            hint: secret.chars().take(16).collect(),
            rotate: false,
        };
        store.create_enroll_secret(&actor, &Scope::All, new, now)?;
        out.push(Arc::new(secret));
    }
    if out.is_empty() {
        return Err(BenchError::Setup(
            "the database has no client organisation to enroll agents into".into(),
        ));
    }
    Ok(out)
}

/// Runs `work` for every agent at once; returns the agents, what each
/// task gave back, and the wall time.
async fn phase<T, F, Fut>(
    agents: Vec<Agent>,
    work: F,
) -> Result<(Vec<Agent>, Vec<T>, Duration), BenchError>
where
    T: Send + 'static,
    F: Fn(Agent) -> Fut,
    Fut: std::future::Future<Output = (Agent, T)> + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = agents.into_iter().map(|a| tokio::spawn(work(a))).collect();
    let mut back = Vec::with_capacity(tasks.len());
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        let (agent, value) = t
            .await
            .map_err(|e| BenchError::Setup(format!("agent task: {e}")))?;
        back.push(agent);
        out.push(value);
    }
    Ok((back, out, started.elapsed()))
}

/// Serves the database at `url` and runs `plan`'s agents against it.
pub fn run(url: &str, plan: Plan) -> Result<OsqueryFigures, BenchError> {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open_url(url)?);
    let secrets = enroll_secrets(store.as_ref(), plan.organisations)?;
    let mut figures = OsqueryFigures {
        plan: Some(plan),
        organisations: secrets.len(),
        ..OsqueryFigures::default()
    };
    let agents: Vec<Agent> = (0..plan.agents)
        .map(|i| Agent::new(i, secrets[i % secrets.len()].clone(), plan.programs))
        .collect();
    with_server(store, |addr| async move {
        // Enroll, then the first configuration.
        let overflows = listen_overflows();
        let (agents, tallies, wall) = phase(agents, move |mut a| async move {
            let mut tally = Tally::default();
            let enrolled = post(addr, "enroll", &a.enroll_body(), &mut tally, |r| {
                r.accepted() && r.body.get("node_key").and_then(Value::as_str).is_some()
            })
            .await;
            a.node_key = enrolled.and_then(|r| {
                r.body
                    .get("node_key")
                    .and_then(Value::as_str)
                    .map(String::from)
            });
            if a.node_key.is_some() {
                // Its latency is not an enrollment's; only its failure counts.
                let mut config = Tally::default();
                let ok = post(addr, "config", &a.key_body(), &mut config, |r| {
                    r.accepted() && r.body.get("schedule").is_some()
                })
                .await;
                if ok.is_none() {
                    // Not enrolled after all: the enrollment counts as failed.
                    a.node_key = None;
                    tally.samples.pop();
                    tally.failures += 1;
                }
            }
            (a, tally)
        })
        .await?;
        let mut enroll = Tally::default();
        tallies.into_iter().for_each(|t| enroll.merge(t));
        figures.enroll = enroll.requests();
        figures.enroll_wall = wall;
        figures.listen_overflows[0] = overflows_since(overflows);
        // Agents that did not get in go no further; their failures are counted.
        let agents: Vec<Agent> = agents
            .into_iter()
            .filter(|a| a.node_key.is_some())
            .collect();
        figures.enrolled = agents.len();

        // Every agent's first full result log at once. The bodies are built
        // before the clock starts: that is the agents' work.
        let now = Utc::now();
        let bodies: Vec<(Agent, Value, u64)> = agents
            .into_iter()
            .map(|a| {
                let (body, rows) = a.first_log(now);
                (a, body, rows)
            })
            .collect();
        let overflows = listen_overflows();
        let started = Instant::now();
        let tasks: Vec<_> = bodies
            .into_iter()
            .map(|(a, body, rows)| {
                tokio::spawn(async move {
                    let mut tally = Tally::default();
                    let ok = post(addr, "log", &body, &mut tally, Answer::accepted).await;
                    (a, tally, if ok.is_some() { rows } else { 0 })
                })
            })
            .collect();
        let mut agents = Vec::with_capacity(tasks.len());
        let mut log = Tally::default();
        for t in tasks {
            let (a, tally, rows) = t
                .await
                .map_err(|e| BenchError::Setup(format!("agent task: {e}")))?;
            agents.push(a);
            log.merge(tally);
            figures.log_rows += rows;
        }
        figures.log_wall = started.elapsed();
        figures.listen_overflows[1] = overflows_since(overflows);
        figures.log = log.requests();

        // Check-in rounds: configuration, live-query poll, a small log.
        let rounds = plan.rounds;
        let overflows = listen_overflows();
        let (_, tallies, wall) = phase(agents, move |mut a| async move {
            let (mut check_ins, mut logs, mut rows) = (Tally::default(), Tally::default(), 0);
            for round in 0..rounds {
                let key = a.key_body();
                post(addr, "config", &key, &mut check_ins, |r| {
                    r.accepted() && r.body.get("schedule").is_some()
                })
                .await;
                post(addr, "distributed/read", &key, &mut check_ins, |r| {
                    r.accepted() && r.body.get("queries").is_some()
                })
                .await;
                let (body, n) = a.diff_log(round, Utc::now());
                if post(addr, "log", &body, &mut logs, Answer::accepted)
                    .await
                    .is_some()
                {
                    rows += n;
                }
            }
            (a, (check_ins, logs, rows))
        })
        .await?;
        let (mut check_ins, mut logs) = (Tally::default(), Tally::default());
        for (c, l, rows) in tallies {
            check_ins.merge(c);
            logs.merge(l);
            figures.diff_rows += rows;
        }
        figures.check_ins = check_ins.requests();
        figures.diff_log = logs.requests();
        figures.rounds_wall = wall;
        figures.listen_overflows[2] = overflows_since(overflows);
        Ok(figures)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_what_the_server_reads() {
        let mut a = Agent::new(7, Arc::new("assayenroll_x".into()), 30);
        a.node_key = Some("assaynode_y".into());
        let at = Utc::now();
        let (body, rows) = a.first_log(at);
        let lines = body["data"].as_array().cloned().unwrap_or_default();
        let parsed: Vec<_> = lines
            .iter()
            .map(assay_ingest::osquery::parse_result)
            .collect::<Result<_, _>>()
            .expect("every line parses");
        assert_eq!(
            parsed.iter().map(|l| l.row_count() as u64).sum::<u64>(),
            rows
        );
        assert!(parsed[0].is_complete(), "the first run replaces the list");
        assert_eq!(parsed[0].row_count(), 30);
        assert_eq!(parsed[0].decorations["host_uuid"], a.uuid);
        assert_eq!(parsed[0].time.timestamp(), at.timestamp());

        let first = a.programs[0].clone();
        let (body, rows) = a.diff_log(0, at);
        assert_eq!(rows, 2);
        let lines = body["data"].as_array().cloned().unwrap_or_default();
        let removed = assay_ingest::osquery::parse_result(&lines[0]).expect("parses");
        let added = assay_ingest::osquery::parse_result(&lines[1]).expect("parses");
        assert!(!removed.is_complete() && !added.is_complete());
        match (&removed.rows, &added.rows) {
            (
                assay_ingest::osquery::Rows::Diff { removed: r, .. },
                assay_ingest::osquery::Rows::Diff { added: n, .. },
            ) => {
                assert_eq!(r[0]["name"], first["name"].as_str().unwrap_or_default());
                assert!(!a.programs[..a.programs.len() - 1].contains(&json!(n[0])));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.programs.len(), 30);
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"),
            b"{\"a\":1}"
        );
        assert_eq!(dechunk(b"zz\r\n"), b"");
    }

    #[test]
    fn uuids_are_well_formed_identities() {
        let a = Agent::new(123_456, Arc::new(String::new()), 0);
        let id = assay_ingest::osquery::HostIdentity::new(&a.uuid, &a.hostname);
        assert_eq!(id.hardware_uuid.as_deref(), Some(a.uuid.as_str()));
    }
}
