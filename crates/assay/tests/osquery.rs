//! End-to-end tests of osquery ingest: the real `assay` binary serving a
//! real database, driven over real HTTP with request bodies in the shapes
//! `osqueryd` sends (TLS enroll, config, logger and distributed plugins;
//! result lines as in osquery's logging documentation: string column
//! values, `numerics`, `decorations`, `calendarTime`/`unixTime`, `counter`,
//! event and batch formats, snapshots).

// Shared with tests/api.rs; this suite uses only part of it.
#[allow(dead_code)]
mod api_support;

use api_support::{Api, Env, Response, Server};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

const HOST: &str = "WH-LAP-77";
const HOST_UUID: &str = "4C4C4544-0042-3510-8051-B7C04F4A0077";

/// A world with a provider admin's token and a running server.
struct World {
    env: Env,
    server: Server,
    admin: Api,
}

fn world(serve_args: &[&str]) -> World {
    let env = Env::new();
    env.small_world();
    env.add_user("boss", "provider_admin", &[]);
    let token = env.cli_token("boss", "osquery tests", &[]);
    let server = env.serve(serve_args);
    let admin = server.bearer(&token);
    World { env, server, admin }
}

fn day(t: DateTime<Utc>) -> String {
    t.date_naive().format("%Y-%m-%d").to_string()
}

/// A new enroll secret for `org`.
fn secret(admin: &Api, org: &str) -> String {
    let r = admin.post(&format!("/api/v1/orgs/{org}/osquery/secrets"), &json!({}));
    r.expect(201, "create enroll secret");
    r.json()["secret"].as_str().expect("secret").to_string()
}

/// The enroll request osqueryd's TLS enroll plugin sends.
fn enroll_body(secret: &str, host: &str, uuid: &str) -> Value {
    json!({
        "enroll_secret": secret,
        "host_identifier": host,
        "platform_type": "2",
        "host_details": {
            "os_version": {"name": "Microsoft Windows 11 Pro", "version": "10.0.22631",
                           "build": "22631", "platform": "windows", "major": "10", "minor": "0"},
            "osquery_info": {"version": "5.13.1", "build_platform": "windows", "pid": "4242"},
            "system_info": {"hostname": host, "uuid": uuid, "hardware_vendor": "Dell Inc.",
                            "hardware_model": "Latitude 5440", "hardware_serial": "7XK2J93",
                            "cpu_brand": "Intel(R) Core(TM) i5-1345U"},
            "platform_info": {"vendor": "Dell Inc.", "version": "1.14.0"}
        }
    })
}

/// Enrolls and returns the node key.
fn enroll(agent: &Api, secret: &str, host: &str, uuid: &str) -> String {
    let r = agent.post("/api/osquery/enroll", &enroll_body(secret, host, uuid));
    r.expect(200, "enroll");
    assert_eq!(r.json()["node_invalid"], false, "{}", r.text());
    r.json()["node_key"].as_str().expect("node key").to_string()
}

/// The fields every result line carries.
fn line(name: &str, at: DateTime<Utc>, counter: &str) -> Value {
    json!({
        "name": name,
        "hostIdentifier": HOST,
        "calendarTime": at.format("%a %b %e %H:%M:%S %Y UTC").to_string(),
        "unixTime": at.timestamp().to_string(),
        "epoch": "0",
        "counter": counter,
        "numerics": false,
        "decorations": {"host_uuid": HOST_UUID, "hostname": HOST}
    })
}

fn event(name: &str, at: DateTime<Utc>, action: &str, columns: Value) -> Value {
    let mut l = line(name, at, "0");
    l["action"] = json!(action);
    l["columns"] = columns;
    l
}

fn snapshot(name: &str, at: DateTime<Utc>, rows: Value) -> Value {
    let mut l = line(name, at, "0");
    l["action"] = json!("snapshot");
    l["snapshot"] = rows;
    l
}

fn post_log(agent: &Api, key: &str, log_type: &str, data: Value) -> Response {
    agent.post(
        "/api/osquery/log",
        &json!({"node_key": key, "log_type": log_type, "data": data}),
    )
}

fn evaluate(admin: &Api, org: &str) -> Value {
    admin
        .post("/api/v1/evaluations", &json!({"org": org}))
        .expect(200, "evaluate");
    let r = admin.get(&format!("/api/v1/orgs/{org}/results"));
    r.expect(200, "results");
    r.json()
}

fn requirement<'a>(results: &'a Value, framework: &str, id: &str) -> &'a Value {
    results
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["framework"] == framework))
        .and_then(|f| f["requirements"].as_array())
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("{framework} {id} not in the results"))
}

/// The reasons of the requirement's non-passing resources that name the host.
fn host_findings(req: &Value) -> Vec<String> {
    req["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["name"].as_str().is_some_and(|n| n.contains(HOST)))
                .map(|r| format!("{} {}: {}", r["status"], r["name"], r["reason"]))
                .collect()
        })
        .unwrap_or_default()
}

fn records(admin: &Api, org: &str, kind: &str) -> Vec<Value> {
    admin.all_items(&format!("/api/v1/orgs/{org}/records/{kind}?limit=500"))
}

#[test]
fn an_agent_enrolls_reports_and_its_fixes_move_the_verdict() {
    let w = world(&[]);
    let now = Utc::now();
    // The provider's release catalogue: Chrome's fix, 20 days old.
    w.admin
        .put(
            "/api/v1/orgs/northwind/records/release/rel-chrome-131",
            &json!({"product": "Google Chrome", "kind": "app", "reference": "131.0.6778.86",
                    "fixed_version": "131.0.6778.86", "severity": "critical", "cvss": 8.8,
                    "cves": ["CVE-2024-12053"], "released": day(now - TimeDelta::days(20))}),
        )
        .expect(201, "release");
    let secret = secret(&w.admin, "alpha");
    let agent = w.server.anonymous();
    let key = enroll(&agent, &secret, HOST, HOST_UUID);
    assert!(key.starts_with("assaynode_"), "{key}");

    let config = agent.post("/api/osquery/config", &json!({"node_key": key}));
    config.expect(200, "config");
    let schedule = &config.json()["schedule"];
    assert_eq!(schedule["assay_programs"]["platform"], "windows");
    assert_eq!(schedule["assay_bitlocker"]["snapshot"], true);

    // The first report, written ten days ago (the agent was offline since):
    // Chrome below the fix, Defender off, BitLocker off.
    let then = now - TimeDelta::days(10);
    let programs = |version: &str, date: &str| {
        json!({"name": "Google Chrome", "version": version, "publisher": "Google LLC",
               "install_date": date})
    };
    post_log(
        &agent,
        &key,
        "result",
        json!([
            event("assay_programs", then, "added", programs("130.0.6723.116", "20260901")),
            event("assay_programs", then, "added",
                  json!({"name": "Notepad++ (64-bit x64)", "version": "8.6.9", "publisher": "Notepad++ Team", "install_date": ""})),
            snapshot("assay_security_products", then, json!([
                {"type": "Firewall", "name": "Windows Firewall", "state": "On", "signatures_up_to_date": ""},
                {"type": "Antivirus", "name": "Microsoft Defender Antivirus", "state": "Off", "signatures_up_to_date": "1"}
            ])),
            snapshot("assay_bitlocker", then, json!([{"drive_letter": "C:", "protection_status": "0"}])),
            snapshot("assay_windows_lock", then, json!([{"name": "InactivityTimeoutSecs", "data": "900"}])),
            snapshot("assay_security_center", then, json!([{"firewall": "Good", "antivirus": "Poor", "autoupdate": "Good"}])),
            snapshot("assay_local_admins", then, json!([{"username": "Administrator"}])),
        ]),
    )
    .expect(200, "first result log");
    let status = post_log(
        &agent,
        &key,
        "status",
        json!([{"hostIdentifier": HOST, "calendarTime": "", "unixTime": "1700000000",
                "severity": "1", "filename": "tls.cpp", "line": "250",
                "message": "TLS/HTTPS POST request to URI failed", "version": "5.13.1"}]),
    );
    status.expect(200, "status log");
    let nodes = w.admin.get("/api/v1/orgs/alpha/osquery/nodes");
    let node = &nodes.json()["items"][0];
    assert_eq!(node["host_identifier"], HOST);
    assert_eq!(node["platform"], "windows");
    assert!(
        node["last_status"]
            .as_str()
            .unwrap_or("")
            .contains("POST request"),
        "{node}"
    );
    let asset_id = node["asset"].as_str().expect("asset").to_string();

    let before = evaluate(&w.admin, "alpha");
    for (framework, id, what) in [
        ("cyber-essentials", "CE-MAL-1", "protection"),
        ("cyber-essentials", "CE-SC-6", "encrypt"),
        (
            "cyber-essentials",
            "CE-PATCH-4b",
            "not installed after 20 days",
        ),
        ("itmsp-charter", "ITMSP-E5", "protection"),
        ("itmsp-charter", "ITMSP-E1", "encrypt"),
        ("itmsp-charter", "ITMSP-E4", "not installed after 20 days"),
    ] {
        let req = requirement(&before, framework, id);
        assert_eq!(req["status"], "fail", "{id}: {req}");
        let findings = host_findings(req);
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("\"fail\"") && f.contains(what)),
            "{id} should name {HOST} ({what}): {findings:?}"
        );
    }

    // The next report, in batch format: Chrome updated (the host installed
    // it eight days ago), Defender on, BitLocker on.
    let mut programs_diff = line("assay_programs", now, "3");
    programs_diff["diffResults"] = json!({
        "added": [programs("131.0.6778.86", &(now - TimeDelta::days(8)).format("%Y%m%d").to_string())],
        "removed": [programs("130.0.6723.116", "20260901")]
    });
    post_log(
        &agent,
        &key,
        "result",
        json!([
            programs_diff,
            snapshot("assay_security_products", now, json!([
                {"type": "Antivirus", "name": "Microsoft Defender Antivirus", "state": "On", "signatures_up_to_date": "1"}
            ])),
            snapshot("assay_bitlocker", now, json!([{"drive_letter": "C:", "protection_status": "1"}])),
        ]),
    )
    .expect(200, "fixing result log");
    let after = evaluate(&w.admin, "alpha");
    for id in ["CE-MAL-1", "CE-PATCH-4b"] {
        let req = requirement(&after, "cyber-essentials", id);
        assert_eq!(req["status"], "pass", "{id}: {req}");
    }
    // Windows does not tell osquery its minimum unlock length, so device
    // locking stays unproven; the encryption failure is gone.
    let sc6 = requirement(&after, "cyber-essentials", "CE-SC-6");
    assert_eq!(sc6["status"], "insufficient_evidence", "{sc6}");
    assert!(!sc6["resources"].to_string().contains("encrypt"), "{sc6}");
    for (framework, id) in [
        ("cyber-essentials", "CE-SC-6"),
        ("itmsp-charter", "ITMSP-E5"),
        ("itmsp-charter", "ITMSP-E1"),
        ("itmsp-charter", "ITMSP-E4"),
    ] {
        let req = requirement(&after, framework, id);
        let failing: Vec<String> = host_findings(req)
            .into_iter()
            .filter(|f| f.starts_with("\"fail\""))
            .collect();
        assert!(failing.is_empty(), "{id} still fails {HOST}: {failing:?}");
    }

    // What the records say now.
    let software = records(&w.admin, "alpha", "software_install");
    let versions: Vec<&str> = software
        .iter()
        .filter(|s| s["product"] == "Google Chrome")
        .filter_map(|s| s["version"].as_str())
        .collect();
    assert_eq!(versions, ["131.0.6778.86"], "the removed row is gone");
    let updates = records(&w.admin, "alpha", "update");
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0]["asset"], asset_id.as_str());
    assert!(
        updates[0]["installed"]
            .as_str()
            .is_some_and(|t| t.starts_with(&day(now - TimeDelta::days(8)))),
        "{}",
        updates[0]
    );
    let asset = w
        .admin
        .get(&format!("/api/v1/orgs/alpha/records/asset/{asset_id}"));
    asset.expect(200, "asset");
    assert_eq!(asset.json()["hardware_uuid"], HOST_UUID);
    assert_eq!(asset.json()["os_name"], "Microsoft Windows 11 Pro");

    // Every batch is in the audit log, as the agent.
    let audit = w.admin.all_items("/api/v1/audit?limit=500");
    let logs = audit
        .iter()
        .filter(|e| e["action"] == "osquery.log" && e["actor"] == format!("osquery:{HOST}"))
        .count();
    assert_eq!(logs, 2, "one audit entry per result batch");
    drop(w.env);
}

#[test]
fn refused_payloads_change_nothing_and_agents_stay_in_their_tenant() {
    let w = world(&["--body-limit", "65536"]);
    let agent = w.server.anonymous();
    let alpha_secret = secret(&w.admin, "alpha");
    let key = enroll(&agent, &alpha_secret, HOST, HOST_UUID);
    let now = Utc::now();
    let chrome = json!({"name": "Google Chrome", "version": "131.0.6778.86", "publisher": "Google LLC", "install_date": ""});
    post_log(
        &agent,
        &key,
        "result",
        json!([event("assay_programs", now, "added", chrome)]),
    )
    .expect(200, "a good batch");
    let baseline = records(&w.admin, "alpha", "software_install").len();
    assert_eq!(baseline, 1);
    let audit_len = w.admin.all_items("/api/v1/audit?limit=500").len();

    let refused = |r: &Response, status: u16, what: &str| {
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert_eq!(r.json()["node_invalid"], false, "{what}");
        assert!(r.json()["error"].is_string(), "{what}: {}", r.text());
    };
    // Not JSON at all.
    let r = agent.send(
        "POST",
        "/api/osquery/log",
        &[("Content-Type", "application/json")],
        Some(b"{\"node_key\": "),
    );
    refused(&r, 400, "truncated JSON");
    // One malformed line among good ones: the whole batch is refused.
    let mut bad = line("assay_programs", now, "1");
    bad["action"] = json!("added");
    bad["columns"] = json!({"name": {"nested": "object"}});
    let good = event(
        "assay_programs",
        now,
        "added",
        json!({"name": "7-Zip", "version": "24.08", "publisher": "Igor Pavlov", "install_date": ""}),
    );
    let r = post_log(&agent, &key, "result", json!([good, bad]));
    refused(&r, 400, "a batch with one malformed line");
    assert!(
        r.json()["error"].as_str().unwrap_or("").contains("data[1]"),
        "{}",
        r.text()
    );
    // An unknown log type, and data that is not a list.
    refused(
        &post_log(&agent, &key, "telemetry", json!([])),
        400,
        "unknown log_type",
    );
    refused(
        &post_log(&agent, &key, "result", json!({"a": 1})),
        400,
        "data not a list",
    );
    // Too large.
    let rows: Vec<Value> = (0..2000)
        .map(|i| json!({"name": format!("Package {i}"), "version": "1.0.0", "publisher": "x".repeat(40), "install_date": ""}))
        .collect();
    let mut huge = line("assay_programs", now, "0");
    huge["diffResults"] = json!({"added": rows, "removed": []});
    let r = post_log(&agent, &key, "result", json!([huge]));
    refused(&r, 413, "a body over --body-limit");
    assert_eq!(
        records(&w.admin, "alpha", "software_install").len(),
        baseline
    );
    assert_eq!(
        w.admin.all_items("/api/v1/audit?limit=500").len(),
        audit_len,
        "refusals write nothing, not even an audit entry"
    );

    // Unknown keys and secrets get node_invalid, so the agent re-enrolls.
    for (path, body) in [
        ("/api/osquery/config", json!({"node_key": "assaynode_0000"})),
        ("/api/osquery/distributed/read", json!({})),
        (
            "/api/osquery/enroll",
            json!({"enroll_secret": "guess", "host_identifier": "x"}),
        ),
    ] {
        let r = agent.post(path, &body);
        r.expect(200, path);
        assert_eq!(r.json()["node_invalid"], true, "{path}: {}", r.text());
    }
    // The alpha agent writes only into alpha, whatever its lines claim.
    let mut lying = event(
        "assay_programs",
        now,
        "added",
        json!({"name": "Beta Tool", "version": "1", "publisher": "", "install_date": ""}),
    );
    lying["hostIdentifier"] = json!("beta-host");
    lying["decorations"] = json!({"host_uuid": "11111111-2222-3333-4444-555555555555"});
    post_log(&agent, &key, "result", json!([lying])).expect(200, "log");
    assert!(records(&w.admin, "beta", "software_install").is_empty());
    assert!(records(&w.admin, "beta", "asset").is_empty());
    // A client admin of beta sees none of alpha's agents.
    w.env.add_user("beta-admin", "client_admin", &["beta"]);
    let beta_token = w.env.cli_token("beta-admin", "t", &[]);
    let beta = w.server.bearer(&beta_token);
    beta.get("/api/v1/orgs/alpha/osquery/nodes")
        .expect(404, "other tenant's nodes");
    beta.post("/api/v1/orgs/beta/osquery/secrets", &json!({}))
        .expect(403, "only provider admins create secrets");

    // Revoking the node: its next request is node_invalid; it enrolls again
    // and stays the same asset.
    let nodes = w.admin.all_items("/api/v1/orgs/alpha/osquery/nodes");
    let (node_id, asset) = (
        nodes[0]["id"].as_str().unwrap_or(""),
        nodes[0]["asset"].clone(),
    );
    w.admin
        .delete(&format!("/api/v1/osquery/nodes/{node_id}"))
        .expect(204, "revoke node");
    w.admin
        .delete(&format!("/api/v1/osquery/nodes/{node_id}"))
        .expect(409, "revoked already");
    let r = agent.post("/api/osquery/config", &json!({"node_key": key}));
    assert_eq!(r.json()["node_invalid"], true);
    let again = enroll(&agent, &alpha_secret, HOST, HOST_UUID);
    assert_ne!(again, key);
    let nodes = w.admin.all_items("/api/v1/orgs/alpha/osquery/nodes");
    assert_eq!(nodes.len(), 2);
    assert!(nodes.iter().all(|n| n["asset"] == asset), "{nodes:?}");
    assert_eq!(records(&w.admin, "alpha", "asset").len(), 1);

    // Rotation: the old secret no longer enrolls; the node keeps working.
    let rotated = w.admin.post(
        "/api/v1/orgs/alpha/osquery/secrets",
        &json!({"rotate": true}),
    );
    rotated.expect(201, "rotate");
    let r = agent.post(
        "/api/osquery/enroll",
        &enroll_body(&alpha_secret, "other", ""),
    );
    assert_eq!(r.json()["node_invalid"], true, "old secret after rotation");
    agent
        .post("/api/osquery/config", &json!({"node_key": again}))
        .expect(200, "config after rotation");
    let secrets = w.admin.all_items("/api/v1/orgs/alpha/osquery/secrets");
    assert_eq!(
        secrets.iter().filter(|s| s["revoked_at"].is_null()).count(),
        1
    );
    assert!(
        secrets.iter().all(|s| s.get("secret").is_none()),
        "never listed"
    );
}

#[test]
fn a_live_query_reaches_the_agent_and_its_answer_comes_back() {
    let w = world(&[]);
    let agent = w.server.anonymous();
    let key = enroll(&agent, &secret(&w.admin, "alpha"), HOST, HOST_UUID);
    let q = w.admin.post(
        "/api/v1/orgs/alpha/osquery/queries",
        &json!({"sql": "SELECT version FROM osquery_info;"}),
    );
    q.expect(201, "live query");
    let id = q.json()["id"].as_str().unwrap_or("").to_string();
    let read = agent.post("/api/osquery/distributed/read", &json!({"node_key": key}));
    read.expect(200, "distributed read");
    assert_eq!(
        read.json()["queries"][&id],
        "SELECT version FROM osquery_info;"
    );
    let write = agent.post(
        "/api/osquery/distributed/write",
        &json!({"node_key": key, "queries": {id.clone(): [{"version": "5.13.1"}]},
                "statuses": {id.clone(): 0}, "messages": {}}),
    );
    write.expect(200, "distributed write");
    let answered = w.admin.get(&format!("/api/v1/osquery/queries/{id}"));
    answered.expect(200, "answers");
    let target = &answered.json()["targets"][0];
    assert_eq!(target["status"], 0);
    assert_eq!(target["rows"], json!([{"version": "5.13.1"}]));
    assert!(target["answered_at"].is_string());
    // Answered queries are not offered again.
    let read = agent.post("/api/osquery/distributed/read", &json!({"node_key": key}));
    assert_eq!(read.json()["queries"], json!({}));
    // Only provider staff run live queries.
    w.env.add_user("viewer", "client_viewer", &["alpha"]);
    let viewer = w.server.bearer(&w.env.cli_token("viewer", "t", &[]));
    viewer
        .post(
            "/api/v1/orgs/alpha/osquery/queries",
            &json!({"sql": "SELECT 1;"}),
        )
        .expect(403, "viewer");
    w.admin
        .post(
            "/api/v1/orgs/beta/osquery/queries",
            &json!({"sql": "SELECT 1;"}),
        )
        .expect(422, "no agents in beta");
}

#[test]
fn the_filesystem_loggers_results_file_imports_whole_or_not_at_all() {
    let env = Env::new();
    env.small_world();
    let at = Utc::now();
    let mut programs = line("assay_programs", at, "0");
    programs["diffResults"] = json!({"added": [
        {"name": "Mozilla Firefox", "version": "133.0", "publisher": "Mozilla", "install_date": "20261101"},
        {"name": "7-Zip", "version": "24.08", "publisher": "Igor Pavlov", "install_date": ""}
    ], "removed": []});
    let bitlocker = snapshot(
        "assay_bitlocker",
        at,
        json!([{"drive_letter": "C:", "protection_status": "1"}]),
    );
    let other = snapshot("pack_it-compliance_mounts", at, json!([{"path": "/"}]));
    let text = format!("{programs}\n{bitlocker}\n\n{other}\n");
    let file = env.dir().join("osqueryd.results.log");
    std::fs::write(&file, &text).expect("write log");
    let path = file.to_str().expect("utf-8 path");
    let out = env.ok(&["import", "osquery-log", path, "--org", "alpha"]);
    assert!(out.contains("3 log line(s)"), "{out}");
    assert!(
        out.contains("pack_it-compliance_mounts"),
        "unknown queries are named: {out}"
    );
    let assets = env.ok(&["export", "asset", "--org", "alpha"]);
    assert!(assets.contains(HOST_UUID), "{assets}");
    let software = env.ok(&["export", "software_install", "--org", "alpha"]);
    assert_eq!(
        software.lines().count(),
        3,
        "header and two installs: {software}"
    );

    // A broken line: nothing from the file is imported.
    let broken = format!("{bitlocker}\n{{\"name\": \"assay_patches\", \"action\": \"snapshot\"\n");
    std::fs::write(&file, broken).expect("write log");
    let before = env.ok(&["export", "endpoint_config", "--org", "alpha"]);
    let r = env.run(&["import", "osquery-log", path, "--org", "alpha"], "");
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("line 2: not JSON"), "{err}");
    assert_eq!(err.matches("line 2").count(), 1, "said once: {err}");
    assert_eq!(
        env.ok(&["export", "endpoint_config", "--org", "alpha"]),
        before
    );
    let r = env.run(&["import", "osquery-log", path, "--org", "nowhere"], "");
    assert!(!r.status.success());
}
