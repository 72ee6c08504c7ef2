//! End-to-end tests: the real `assay` binary on a real database (SQLite, or
//! PostgreSQL with `ASSAY_TEST_BACKEND=postgres`).

use assay_store::testing::{Backend, TestDb};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A throwaway database on the backend `ASSAY_TEST_BACKEND` names (SQLite
/// by default), and a temporary directory for other files.
struct Env {
    dir: tempfile::TempDir,
    db: TestDb,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            db: TestDb::new(Backend::from_env()),
        }
    }

    fn url(&self) -> &str {
        self.db.url()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(args)
            .env("ASSAY_DATABASE_URL", self.url())
            .env_remove("ASSAY_NOW")
            .output()
            .expect("run assay")
    }

    /// Runs and requires success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "assay {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs and requires failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "assay {args:?} should have failed");
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write file");
        p.display().to_string()
    }

    /// Adds the client organisation `acme` on the Managed User tier.
    fn add_acme(&self) {
        self.ok(&[
            "org",
            "add",
            "acme",
            "--name",
            "Acme Ltd",
            "--tier",
            "Managed User",
        ]);
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON output")
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn template_prints_the_header_and_an_example() {
    let env = Env::new();
    let out = env.ok(&["import", "update", "--template"]);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap_or("")
            .starts_with("id,asset,reference,product,kind,severity")
    );
    assert!(lines.next().unwrap_or("").contains("KB5046617"));
}

#[test]
fn bad_imports_exit_non_zero_name_line_and_field_and_change_nothing() {
    let env = Env::new();
    env.add_acme();
    let good = env.file(
        "sites.csv",
        b"id,name,country\nhq,Head office,GB\ndepot,Depot,GB\n",
    );
    env.ok(&["import", "site", &good, "--org", "acme"]);
    let snapshot = env.ok(&["export", "site", "--org", "acme", "--format", "json"]);
    let audit = env.ok(&["audit", "verify"]);

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "unknown-column.csv",
            b"id,name,colour\nx,X,red\n".to_vec(),
            "line 1, field 'colour'",
        ),
        (
            "bad-date.csv",
            b"person,course,kind,completed_on\np1,CE,onboarding,2026-02-30\n".to_vec(),
            "line 2, field 'completed_on'",
        ),
        (
            "duplicate.csv",
            b"id,name\na,A\nb,B\na,C\n".to_vec(),
            "line 4, field 'id': duplicate id 'a'",
        ),
        (
            "existing.csv",
            b"id,name\nnew,New\nhq,Clash\n".to_vec(),
            "line 3, field 'id': site 'hq' already exists",
        ),
        ("latin1.csv", b"id,name\nx,Caf\xe9\n".to_vec(), "not UTF-8"),
        ("empty.csv", Vec::new(), "the file is empty"),
        (
            "ragged.csv",
            b"id,name\nx,X,extra\n".to_vec(),
            "line 2: expected 2 fields",
        ),
        (
            "missing.csv",
            b"id,name\nx,\n".to_vec(),
            "line 2, field 'name': a value is required",
        ),
    ];
    for (name, bytes, expected) in cases {
        let f = env.file(name, &bytes);
        let kind = if name == "bad-date.csv" {
            "training"
        } else {
            "site"
        };
        let err = env.fails(&["import", kind, &f, "--org", "acme"]);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was imported"), "{name}: {err}");
    }
    let f = env.file("ok2.csv", b"id,name\nnew,New\n");
    let err = env.fails(&["import", "site", &f, "--org", "nosuch"]);
    assert!(err.contains("unknown organisation 'nosuch'"), "{err}");

    assert_eq!(
        env.ok(&["export", "site", "--org", "acme", "--format", "json"]),
        snapshot
    );
    assert_eq!(
        env.ok(&["audit", "verify"]),
        audit,
        "no audit entries for rejected imports"
    );
}

#[test]
fn export_then_import_round_trips() {
    let env = Env::new();
    env.ok(&["org", "add", "acme", "--name", "Acme Ltd"]);
    env.ok(&["org", "add", "copy", "--name", "Copy Ltd"]);
    let tpl = env.ok(&["import", "asset", "--template"]);
    let f = env.file("assets.csv", tpl.replacen("\n,", "\nlap42,", 1).as_bytes());
    env.ok(&["import", "asset", &f, "--org", "acme"]);
    for format in ["csv", "json"] {
        let out = env.dir.path().join(format!("export.{format}"));
        env.ok(&[
            "export",
            "asset",
            "--org",
            "acme",
            "--format",
            format,
            "--output",
            path(&out),
        ]);
        env.ok(&[
            "import",
            "asset",
            path(&out),
            "--org",
            "copy",
            "--mode",
            "replace",
        ]);
        assert_eq!(
            env.ok(&["export", "asset", "--org", "copy", "--format", "json"]),
            env.ok(&["export", "asset", "--org", "acme", "--format", "json"]),
            "{format}"
        );
    }
}

fn status_of(results: &Value, org: &str, framework: &str, req: &str) -> String {
    results
        .as_array()
        .and_then(|rs| {
            rs.iter()
                .find(|r| r["org"] == org && r["framework"] == framework)
        })
        .and_then(|r| r["requirements"].as_array())
        .and_then(|qs| qs.iter().find(|q| q["id"] == req))
        .and_then(|q| q["status"].as_str())
        .unwrap_or("missing")
        .to_string()
}

fn firewall_file(env: &Env, inbound: &str) -> String {
    env.file(
        &format!("fw-{inbound}.csv"),
        format!("id,name,default_inbound,admin_interface_internet\nfw1,Edge,{inbound},false\n")
            .as_bytes(),
    )
}

#[test]
fn as_of_reproduces_an_earlier_answer_after_records_changed() {
    let env = Env::new();
    env.ok(&["org", "add", "acme", "--name", "Acme Ltd"]);
    env.ok(&[
        "import",
        "firewall",
        &firewall_file(&env, "allow"),
        "--org",
        "acme",
    ]);
    let first = env.ok(&[
        "--now",
        "2026-01-10T09:00:00Z",
        "evaluate",
        "--format",
        "json",
    ]);
    let first_json: Value = serde_json::from_str(&first).expect("json");
    assert_eq!(
        status_of(&first_json, "acme", "cyber-essentials", "CE-FW-4"),
        "fail"
    );

    env.ok(&[
        "import",
        "firewall",
        &firewall_file(&env, "deny"),
        "--org",
        "acme",
        "--mode",
        "upsert",
    ]);
    let second = env.json(&[
        "--now",
        "2026-01-20T09:00:00Z",
        "evaluate",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&second, "acme", "cyber-essentials", "CE-FW-4"),
        "pass"
    );

    let replay = env.ok(&["evaluate", "--as-of", "2026-01-15", "--format", "json"]);
    assert_eq!(
        replay, first,
        "--as-of must give the stored answer byte for byte"
    );
    let latest = env.json(&["evaluate", "--as-of", "2026-01-20", "--format", "json"]);
    assert_eq!(
        status_of(&latest, "acme", "cyber-essentials", "CE-FW-4"),
        "pass"
    );
    let err = env.fails(&["evaluate", "--as-of", "2025-12-31"]);
    assert!(err.contains("no evaluation is stored"), "{err}");
}

#[test]
fn exceptions_apply_until_expiry_and_can_be_revoked() {
    let env = Env::new();
    env.ok(&["org", "add", "acme", "--name", "Acme Ltd"]);
    env.ok(&[
        "import",
        "firewall",
        &firewall_file(&env, "allow"),
        "--org",
        "acme",
    ]);
    env.ok(&[
        "--now",
        "2026-03-01",
        "exception",
        "add",
        "--org",
        "acme",
        "--check",
        "firewall.default_deny",
        "--resource",
        "fw1",
        "--justification",
        "ISP router, replacement ordered",
        "--approver",
        "Ops lead",
        "--expires",
        "2026-03-31",
    ]);
    let during = env.json(&[
        "--now",
        "2026-03-31T18:00:00Z",
        "evaluate",
        "--org",
        "acme",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&during, "acme", "cyber-essentials", "CE-FW-4"),
        "excepted"
    );
    let after = env.json(&[
        "--now",
        "2026-04-01T00:00:00Z",
        "evaluate",
        "--org",
        "acme",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&after, "acme", "cyber-essentials", "CE-FW-4"),
        "fail"
    );

    let list = env.json(&[
        "--now",
        "2026-03-15",
        "exception",
        "list",
        "--format",
        "json",
    ]);
    let id = list[0]["id"].as_str().expect("exception id").to_string();
    assert_eq!(list[0]["state"], "active");
    env.ok(&["--now", "2026-03-15", "exception", "revoke", &id]);
    let revoked = env.json(&[
        "--now",
        "2026-03-20T00:00:00Z",
        "evaluate",
        "--org",
        "acme",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&revoked, "acme", "cyber-essentials", "CE-FW-4"),
        "fail"
    );

    let err = env.fails(&[
        "exception",
        "add",
        "--org",
        "acme",
        "--check",
        "no.such",
        "--justification",
        "j",
        "--approver",
        "a",
        "--expires",
        "2099-01-01",
    ]);
    assert!(err.contains("unknown check 'no.such'"), "{err}");
}

#[test]
fn client_override_beats_the_tier_default() {
    let env = Env::new();
    env.add_acme();
    let jobs = env.file(
        "jobs.csv",
        b"id,name,critical,offsite_copy,isolated_copy\nj1,Nightly,true,true,true\n",
    );
    env.ok(&["import", "backup-job", &jobs, "--org", "acme"]);
    let tests = env.file(
        "tests.csv",
        b"id,job,tested_on,result\nr1,j1,2026-01-01,success\n",
    );
    env.ok(&["import", "restore-test", &tests, "--org", "acme"]);
    let now = "2026-03-01T00:00:00Z";
    let tier = env.json(&[
        "--now",
        now,
        "evaluate",
        "--org",
        "acme",
        "--framework",
        "msp-cloud-verify",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&tier, "acme", "msp-cloud-verify", "MSPV-DATA-2"),
        "pass"
    );
    env.ok(&["org", "override", "acme", "restore_test_days", "30"]);
    let over = env.json(&[
        "--now",
        now,
        "evaluate",
        "--org",
        "acme",
        "--framework",
        "msp-cloud-verify",
        "--format",
        "json",
    ]);
    assert_eq!(
        status_of(&over, "acme", "msp-cloud-verify", "MSPV-DATA-2"),
        "fail"
    );
    let audit = env.json(&["audit", "list", "--format", "json"]);
    assert!(
        audit
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["action"] == "organisation.override"))
    );
}

#[test]
fn audit_verify_names_an_edited_entry() {
    let env = Env::new();
    env.ok(&["org", "add", "acme", "--name", "Acme Ltd"]);
    env.ok(&["org", "add", "beta", "--name", "Beta Ltd"]);
    assert!(env.ok(&["audit", "verify"]).contains("intact: 2 entries"));
    env.db
        .execute_raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        .expect("edit the log behind assay's back");
    let err = env.fails(&["audit", "verify"]);
    assert!(err.contains("entry 1"), "{err}");
}

#[test]
fn demo_evaluation_covers_every_requirement_for_all_organisations() {
    let env = Env::new();
    let now = "2026-11-23T12:00:00Z";
    env.ok(&["--now", now, "demo", "--seed", "7"]);
    let frameworks = env.json(&["frameworks", "list", "--format", "json"]);
    let sizes: Vec<(String, usize)> = frameworks
        .as_array()
        .expect("frameworks")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["requirements"].as_array().map_or(0, |r| r.len()),
            )
        })
        .collect();
    assert_eq!(sizes.len(), 3);
    let results = env.json(&["--now", now, "evaluate", "--format", "json"]);
    let results = results.as_array().expect("results");
    assert_eq!(results.len(), 26 * 3);
    let mut per_org: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in results {
        let (_, n) = sizes
            .iter()
            .find(|(id, _)| r["framework"] == id.as_str())
            .expect("known framework");
        let reqs = r["requirements"].as_array().expect("requirements");
        assert_eq!(reqs.len(), *n, "{} {}", r["org"], r["framework"]);
        for q in reqs {
            per_org
                .entry(r["org"].as_str().unwrap_or("").into())
                .or_default()
                .push(q["status"].as_str().unwrap_or("").into());
            if q["status"] == "fail" {
                let resources = q["resources"].as_array().expect("resources");
                assert!(
                    resources
                        .iter()
                        .any(|x| x["reason"].as_str().is_some_and(|s| !s.is_empty())
                            && x["id"].is_string()),
                    "{} {} fails without naming a resource: {}",
                    r["org"],
                    q["id"],
                    q["reason"]
                );
            }
        }
    }
    let distinct: std::collections::BTreeSet<&Vec<String>> = per_org.values().collect();
    assert!(
        distinct.len() > 10,
        "clients should differ; {} distinct status patterns",
        distinct.len()
    );
    let table = env.ok(&["--now", now, "evaluate", "--as-of", now]);
    assert!(table.contains("ORGANISATION") && table.contains("FAIL"));
}

#[test]
fn organisations_and_tiers_export_and_import_as_files() {
    let env = Env::new();
    let orgs = env.file(
        "orgs.csv",
        b"slug,name,kind,tier,contracted_endpoints,overrides\nmsp,Northwind IT,provider,All Managed,,\nacme,Acme Ltd,client,Managed User,40,restore_test_days=30\n",
    );
    assert!(env.ok(&["org", "import", &orgs]).contains("created 2"));
    let exported = env.ok(&["org", "export", "--format", "json"]);
    let json: Value = serde_json::from_str(&exported).expect("json");
    assert_eq!(json[1]["slug"], "acme");
    assert_eq!(json[1]["overrides"][0], "restore_test_days=30");

    let other = Env::new();
    let copy = other.file("orgs.json", exported.as_bytes());
    other.ok(&["org", "import", &copy]);
    assert_eq!(other.ok(&["org", "export", "--format", "json"]), exported);

    let bad = env.file(
        "bad.csv",
        b"slug,name,kind\nnew,New,client\nacme,Again,client\n",
    );
    let err = env.fails(&["org", "import", &bad]);
    assert!(
        err.contains("line 3, field 'slug': organisation 'acme' already exists"),
        "{err}"
    );
    assert!(
        !env.ok(&["org", "list"]).contains("new "),
        "nothing created"
    );

    let tiers = env.ok(&["tier", "export"]);
    assert!(tiers.starts_with("name,about,parameters"), "{tiers}");
    let gold = env.file(
        "tiers.csv",
        b"name,about,parameters\nGold,Premium,patch_window_days=7\n",
    );
    env.ok(&["tier", "import", &gold]);
    assert!(env.ok(&["tier", "list"]).contains("Gold"));
}

#[test]
fn bench_size_s_reports_every_figure_with_its_sql_ratio() {
    let env = Env::new();
    let dir = env.dir.path().join("bench");
    let out = env.json(&[
        "bench",
        "--size",
        "s",
        "--repeats",
        "1",
        "--format",
        "json",
        "--dir",
        path(&dir),
    ]);
    assert_eq!(out["organisations"], 21);
    assert!(
        out["records"].as_u64().is_some_and(|n| n > 100_000),
        "{out}"
    );
    assert!(
        out["load_rows_per_second"]
            .as_f64()
            .is_some_and(|r| r > 0.0)
    );
    for figure in ["full_evaluation", "one_org_evaluation"] {
        assert!(
            out[figure]["seconds"].as_f64().is_some_and(|s| s > 0.0),
            "{figure}"
        );
        assert!(
            out[format!("{figure}_sql").as_str()]["seconds"]
                .as_f64()
                .is_some_and(|s| s > 0.0),
            "{figure}"
        );
        assert!(
            out[format!("{figure}_ratio").as_str()]
                .as_f64()
                .is_some_and(|r| r > 0.0),
            "{figure}"
        );
    }
    assert!(out["database_bytes"].as_u64().is_some_and(|b| b > 0));
    let again = env.fails(&["bench", "--size", "s", "--dir", path(&dir)]);
    assert!(again.contains("exists already"), "{again}");
}

#[test]
fn users_are_added_with_mfa_where_required_and_weak_passwords_refused() {
    let env = Env::new();
    let add = |name: &str, role: &str, password: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(["user", "add", name, "--role", role])
            .env("ASSAY_DATABASE_URL", env.url())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(format!("{password}\n").as_bytes())
                .expect("write password");
        }
        child.wait_with_output().expect("output")
    };
    let weak = add("bob", "technician", "password1");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("common password"));

    let admin = add("alice", "provider_admin", "correct horse battery staple");
    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let out = String::from_utf8_lossy(&admin.stdout);
    assert!(out.contains("otpauth://totp/Assay:alice?secret="), "{out}");
    assert_eq!(
        out.lines()
            .filter(|l| l.trim().len() == 14 && l.trim().matches('-').count() == 2)
            .count(),
        10,
        "{out}"
    );

    let tech = add("tina", "technician", "another long passphrase");
    assert!(tech.status.success());
    assert!(
        !String::from_utf8_lossy(&tech.stdout).contains("otpauth"),
        "technicians need no MFA by default"
    );
    env.ok(&["user", "require-mfa", "technician"]);
    let list = env.json(&["user", "list", "--format", "json"]);
    assert_eq!(list.as_array().map(|a| a.len()), Some(2));
    env.ok(&["user", "disable", "tina"]);
    let list = env.json(&["user", "list", "--format", "json"]);
    assert!(list.as_array().is_some_and(|a| {
        a.iter()
            .any(|u| u["username"] == "tina" && u["state"] == "disabled")
    }));
    let audit = env.json(&["audit", "list", "--format", "json"]);
    let text = audit.to_string();
    assert!(
        text.contains("user.create")
            && text.contains("policy.mfa")
            && text.contains("user.disable")
    );
    assert!(
        !text.contains("$argon2"),
        "no password hash in the audit log"
    );
}

/// Runs an external tool the test needs; a missing tool fails the test
/// loudly (`.ci/run` installs them), it never skips it.
fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` is needed by this test and could not run: {e}"))
}

#[test]
fn https_with_a_given_certificate_sends_hsts_and_the_security_headers() {
    let env = Env::new();
    let (cert, key) = (
        env.dir.path().join("cert.pem"),
        env.dir.path().join("key.pem"),
    );
    let made = tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            path(&key),
            "-out",
            path(&cert),
        ],
    );
    assert!(
        made.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let mut server = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            path(&cert),
            "--tls-key",
            path(&key),
        ])
        .env("ASSAY_DATABASE_URL", env.url())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start assay serve");
    let mut line = String::new();
    if let Some(stderr) = server.stderr.take() {
        use std::io::BufRead;
        // The background worker may speak first: find the listening line.
        let mut reader = std::io::BufReader::new(stderr);
        while !line.contains("listening on") {
            line.clear();
            if reader.read_line(&mut line).expect("read stderr") == 0 {
                break;
            }
        }
    }
    let port = line.trim().rsplit(':').next().unwrap_or("").to_string();
    assert!(line.contains("listening on https://"), "{line}");
    let url = format!("https://localhost:{port}/healthz");
    let got = tool(
        "curl",
        &[
            "-s",
            "-D",
            "-",
            "--cacert",
            path(&cert),
            "--resolve",
            &format!("localhost:{port}:127.0.0.1"),
            &url,
        ],
    );
    let plain = tool(
        "curl",
        &[
            "-s",
            "--max-time",
            "5",
            &format!("http://127.0.0.1:{port}/healthz"),
        ],
    );
    let _ = server.kill();
    let _ = server.wait();
    let text = String::from_utf8_lossy(&got.stdout).to_lowercase();
    assert!(
        text.starts_with("http/2 200") || text.starts_with("http/1.1 200"),
        "{text}"
    );
    for header in [
        "strict-transport-security: max-age=31536000",
        "content-security-policy: default-src 'self'",
        "frame-ancestors 'none'",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
    ] {
        assert!(text.contains(header), "missing {header}: {text}");
    }
    assert!(
        !String::from_utf8_lossy(&plain.stdout).contains("\"ok\""),
        "plain HTTP must not be served on the TLS port"
    );
}
