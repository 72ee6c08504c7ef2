//! End-to-end tests of the HTTP API: the real `assay` binary serving a real
//! database, driven over real HTTP/1.1 connections. Each test has its own
//! temporary directory and database; checks that do not interfere share one
//! server within a test.

mod api_support;

use api_support::{
    Account, Api, Env, PASSWORD, Response, Server, sleep_until, totp_at, totp_now, unix_now,
    wrong_code,
};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Instant;

const NEW_PASSWORD: &str = "Another-long-passphrase-2";

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// A date a month from now, for exceptions.
fn in_a_month() -> String {
    (Utc::now() + TimeDelta::days(30))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

fn exception_body(resource: &str, justification: &str) -> Value {
    json!({"check": "firewall.default_deny", "resource": resource,
           "justification": justification, "approver": "Ops lead", "expires": in_a_month()})
}

fn site(name: &str) -> Value {
    json!({"name": name, "country": "GB"})
}

/// The ids of the items of a list answer (or of a plain JSON array).
fn ids(v: &Value) -> Vec<String> {
    let items = v.get("items").unwrap_or(v);
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

// 0. The support code's TOTP is the server's.

#[test]
fn totp_codes_computed_here_are_the_servers() {
    // RFC 6238 appendix B (SHA-1 seed), last six digits.
    let rfc = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(totp_at(rfc, 59), "287082");
    assert_eq!(totp_at(rfc, 1_111_111_109), "081804");
    assert_eq!(totp_at(rfc, 2_000_000_000), "279037");
    let secret = assay_server::auth::totp::new_secret();
    let now = unix_now();
    let at = DateTime::from_timestamp(now as i64, 0).expect("time");
    assert_eq!(
        assay_server::auth::totp::matching_step(&secret, &totp_at(&secret, now), at),
        Some(now / 30)
    );
    assert!(!assay_server::auth::totp::verify_code(
        &secret,
        &wrong_code(&secret),
        at
    ));
}

// 1. Login, MFA and recovery codes.

#[test]
fn technician_logs_in_without_mfa_and_the_cookie_works() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &["alpha"]);
    let server = env.serve(&[]);

    let r = server.login_attempt("tess", PASSWORD);
    r.expect(200, "login");
    assert_eq!(r.json()["mfa_required"], false, "{r:?}");
    assert_eq!(r.json()["user"]["username"], "tess", "{r:?}");
    let line = r.set_cookie_line("assay_session").expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(line.contains(attribute), "{attribute} missing: {line}");
    }
    assert!(
        !r.text()
            .contains(&r.set_cookie("assay_session").unwrap_or_default())
    );

    let me = server.session_of(&r).get("/api/v1/me");
    me.expect(200, "GET /me with the cookie");
    assert_eq!(me.json()["username"], "tess");
    assert_eq!(me.json()["role"], "technician");
    assert_eq!(me.json()["acting_role"], "technician");
    server
        .login(&tech)
        .get("/api/v1/orgs/alpha")
        .expect(200, "own org");

    server
        .anonymous()
        .get("/api/v1/me")
        .expect_problem(401, "no cookie");
    server
        .cookie("assaysess_0000000000000000000000000000000000000000000000000000000000000000")
        .get("/api/v1/me")
        .expect_problem(401, "forged cookie");
    let wrong = server
        .login_attempt("tess", "Not-the-password-9")
        .expect_problem(401, "wrong password");
    let unknown = server
        .login_attempt("nobody", PASSWORD)
        .expect_problem(401, "unknown user");
    assert_eq!(
        wrong, unknown,
        "unknown users must look like wrong passwords"
    );
}

#[test]
fn provider_admin_needs_a_valid_totp_or_recovery_code() {
    let env = Env::new();
    env.small_world();
    let admin = env.add_user("root", "provider_admin", &[]);
    let secret = admin
        .secret
        .clone()
        .expect("provider admins are enrolled at once");
    assert_eq!(admin.recovery_codes.len(), 10, "{admin:?}");
    let server = env.serve(&[]);

    // Password alone: a session that the API refuses.
    let r = server.login_attempt("root", PASSWORD);
    r.expect(200, "login");
    assert_eq!(r.json()["mfa_required"], true, "{r:?}");
    let pending = server.session_of(&r);
    pending.get("/api/v1/me").expect_problem(401, "before MFA");
    pending
        .get("/api/v1/orgs")
        .expect_problem(401, "before MFA");
    pending
        .post("/api/v1/tokens", &json!({"name": "sneaky"}))
        .expect_problem(401, "token before MFA");

    // A wrong code, or both kinds of code, are refused.
    pending
        .post("/api/v1/session/mfa", &json!({"code": wrong_code(&secret)}))
        .expect_problem(401, "wrong code");
    pending
        .post(
            "/api/v1/session/mfa",
            &json!({"code": totp_now(&secret), "recovery_code": admin.recovery_codes[5]}),
        )
        .expect_problem(400, "both codes");
    pending
        .get("/api/v1/me")
        .expect_problem(401, "after a wrong code");

    // The right code completes the login.
    let done = pending.post("/api/v1/session/mfa", &json!({"code": totp_now(&secret)}));
    done.expect(200, "right code");
    let me = pending.get("/api/v1/me");
    me.expect(200, "after MFA");
    assert_eq!(me.json()["role"], "provider_admin");
    assert_eq!(me.json()["mfa_enabled"], true);

    // A recovery code works once.
    let code = &admin.recovery_codes[0];
    let second = server.session_of(
        server
            .login_attempt("root", PASSWORD)
            .expect(200, "login 2"),
    );
    let used = second.post("/api/v1/session/mfa", &json!({"recovery_code": code}));
    used.expect(200, "recovery code");
    assert_eq!(used.json()["recovery_codes_left"], 9, "{used:?}");
    second
        .get("/api/v1/me")
        .expect(200, "after the recovery code");

    let third = server.session_of(
        server
            .login_attempt("root", PASSWORD)
            .expect(200, "login 3"),
    );
    third
        .post("/api/v1/session/mfa", &json!({"recovery_code": code}))
        .expect_problem(401, "the same recovery code again");
    third
        .get("/api/v1/me")
        .expect_problem(401, "after a used recovery code");
    let next = third.post(
        "/api/v1/session/mfa",
        &json!({"recovery_code": admin.recovery_codes[1]}),
    );
    next.expect(200, "another recovery code");
    assert_eq!(next.json()["recovery_codes_left"], 8, "{next:?}");
}

/// RFC 6238 §5.2: a one-time code must be accepted only once, or whoever
/// sees it (shoulder-surfing, a phishing proxy) can use it again while it
/// is valid.
#[test]
fn a_totp_code_cannot_complete_two_logins() {
    let env = Env::new();
    let admin = env.add_user("root", "provider_admin", &[]);
    let secret = admin.secret.clone().expect("enrolled");
    let server = env.serve(&[]);
    let code = totp_now(&secret);
    let first = server.session_of(
        server
            .login_attempt("root", PASSWORD)
            .expect(200, "login 1"),
    );
    first
        .post("/api/v1/session/mfa", &json!({"code": code}))
        .expect(200, "first use of the code");
    let second = server.session_of(
        server
            .login_attempt("root", PASSWORD)
            .expect(200, "login 2"),
    );
    second
        .post("/api/v1/session/mfa", &json!({"code": code}))
        .expect_problem(401, "the same TOTP code a second time");
    second
        .get("/api/v1/me")
        .expect_problem(401, "a session completed with a replayed code");
}

// 2. Login throttling.

#[test]
fn login_throttle_answers_429_and_survives_a_restart() {
    let env = Env::new();
    env.add_user("tina", "technician", &[]);
    let tom = env.add_user("tom", "technician", &[]);
    let server = env.serve(&[]);
    for i in 1..=10 {
        server
            .login_attempt("tina", &format!("Wrong-password-{i}"))
            .expect_problem(401, &format!("bad password {i}"));
    }
    let before = Utc::now();
    let detail = server
        .login_attempt("tina", PASSWORD)
        .expect_problem(429, "11th attempt with the right password");
    let until = detail
        .split("try again at ")
        .nth(1)
        .unwrap_or_else(|| panic!("no 'try again at' in {detail:?}"));
    let until = DateTime::parse_from_rfc3339(until.trim().trim_end_matches('.'))
        .unwrap_or_else(|e| panic!("'{until}' is not an RFC 3339 time: {e}"))
        .with_timezone(&Utc);
    assert!(until > before, "{until} is not in the future");
    assert!(
        until <= before + TimeDelta::seconds(5 * 60 + 2),
        "{until} is more than 5 minutes away"
    );
    server
        .login_attempt("TINA", PASSWORD)
        .expect_problem(429, "another spelling of the same account");
    server.login(&tom);

    drop(server);
    let restarted = env.serve(&[]);
    let detail = restarted
        .login_attempt("tina", PASSWORD)
        .expect_problem(429, "after a restart");
    assert!(detail.contains("try again at"), "{detail}");
    restarted.login(&tom);
}

/// Wrong one-time codes count as failed logins: ten of them and even the
/// right code is refused.
#[test]
fn wrong_mfa_codes_are_throttled_too() {
    let env = Env::new();
    let admin = env.add_user("root", "provider_admin", &[]);
    let secret = admin.secret.clone().expect("enrolled");
    let server = env.serve(&[]);
    let pending = server.session_of(server.login_attempt("root", PASSWORD).expect(200, "login"));
    for i in 1..=10 {
        pending
            .post("/api/v1/session/mfa", &json!({"code": wrong_code(&secret)}))
            .expect_problem(401, &format!("wrong code {i}"));
    }
    let detail = pending
        .post("/api/v1/session/mfa", &json!({"code": totp_now(&secret)}))
        .expect_problem(429, "the right code after ten wrong ones");
    assert!(detail.contains("try again at"), "{detail}");
    pending
        .get("/api/v1/me")
        .expect_problem(401, "the session is still incomplete");
    server
        .login_attempt("root", PASSWORD)
        .expect_problem(429, "password login of the throttled account");
}

// 3. Session lifetime and revocation.

#[test]
fn idle_sessions_expire_and_used_ones_do_not() {
    let env = Env::new();
    let tech = env.add_user("tess", "technician", &[]);
    let server = env.serve(&["--session-idle-seconds", "2"]);
    let idle = server.login(&tech);
    let busy = server.login(&tech);
    let start = Instant::now();
    idle.get("/api/v1/me").expect(200, "fresh session");
    for i in 1..=6 {
        sleep_until(start, 0.5 * f64::from(i));
        busy.get("/api/v1/me")
            .expect(200, "a session in use every half second");
    }
    idle.get("/api/v1/me")
        .expect_problem(401, "a session idle for 3 s with a 2 s idle timeout");
    busy.get("/api/v1/me")
        .expect(200, "the busy session is still valid");
}

#[test]
fn sessions_expire_at_the_absolute_limit() {
    let env = Env::new();
    let tech = env.add_user("tess", "technician", &[]);
    let server = env.serve(&[
        "--session-idle-seconds",
        "60",
        "--session-absolute-seconds",
        "3",
    ]);
    let start = Instant::now();
    let r = server.login_attempt("tess", PASSWORD);
    r.expect(200, "login");
    assert!(
        r.set_cookie_line("assay_session")
            .is_some_and(|l| l.contains("Max-Age=3")),
        "{:?}",
        r.headers
    );
    let s = server.session_of(&r);
    s.get("/api/v1/me").expect(200, "fresh");
    sleep_until(start, 1.0);
    s.get("/api/v1/me").expect(200, "after a second");
    sleep_until(start, 4.0);
    s.get("/api/v1/me").expect_problem(
        401,
        "past the absolute limit though used within the idle timeout",
    );
    server
        .login(&tech)
        .get("/api/v1/me")
        .expect(200, "new login");
}

#[test]
fn logout_revokes_only_that_session() {
    let env = Env::new();
    let tech = env.add_user("tess", "technician", &[]);
    let token = env.cli_token("tess", "ci", &[]);
    let server = env.serve(&[]);
    let one = server.login(&tech);
    let two = server.login(&tech);
    let out = one.delete("/api/v1/session");
    out.expect(204, "logout");
    assert!(
        out.set_cookie_line("assay_session")
            .is_some_and(|l| l.contains("Max-Age=0")),
        "the cookie is not cleared: {:?}",
        out.headers
    );
    one.get("/api/v1/me")
        .expect_problem(401, "the logged-out session");
    one.delete("/api/v1/session")
        .expect_problem(401, "logging out twice");
    two.get("/api/v1/me").expect(200, "the other session");
    server
        .bearer(&token)
        .delete("/api/v1/session")
        .expect_problem(400, "a token cannot log out");
}

#[test]
fn password_change_revokes_every_session_of_the_user() {
    let env = Env::new();
    let tech = env.add_user("tess", "technician", &[]);
    let other = env.add_user("olga", "technician", &[]);
    let server = env.serve(&[]);
    let one = server.login(&tech);
    let two = server.login(&tech);
    let bystander = server.login(&other);

    one.post(
        "/api/v1/me/password",
        &json!({"current": "Not-my-password-1", "new": NEW_PASSWORD}),
    )
    .expect_problem(403, "wrong current password");
    one.post(
        "/api/v1/me/password",
        &json!({"current": PASSWORD, "new": "tess"}),
    )
    .expect_problem(422, "a password breaking the rules");
    two.get("/api/v1/me")
        .expect(200, "refused changes revoke nothing");

    let r = one.post(
        "/api/v1/me/password",
        &json!({"current": PASSWORD, "new": NEW_PASSWORD}),
    );
    r.expect(204, "password change");
    one.get("/api/v1/me")
        .expect_problem(401, "the session that changed the password");
    two.get("/api/v1/me")
        .expect_problem(401, "another session of the user");
    bystander
        .get("/api/v1/me")
        .expect(200, "another user's session");
    server
        .login_attempt("tess", PASSWORD)
        .expect_problem(401, "the old password");
    let fresh = server.login(&Account {
        password: NEW_PASSWORD.into(),
        ..tech
    });
    fresh.get("/api/v1/me").expect(200, "the new password");
}

#[test]
fn disabling_a_user_revokes_its_sessions_and_tokens() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let other = env.add_user("olga", "technician", &[]);
    let cli_token = env.cli_token("tess", "cli", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tech);
    let created = session.post("/api/v1/tokens", &json!({"name": "api"}));
    created.expect(201, "token");
    let api_token = created.json()["token"].as_str().expect("token").to_string();
    let bystander = server.login(&other);
    for api in [
        &session,
        &server.bearer(&cli_token),
        &server.bearer(&api_token),
    ] {
        api.get("/api/v1/me").expect(200, "before disabling");
    }

    env.ok(&["user", "disable", "tess"]);

    for (what, api) in [
        ("session", &session),
        ("CLI token", &server.bearer(&cli_token)),
        ("API token", &server.bearer(&api_token)),
    ] {
        api.get("/api/v1/me")
            .expect_problem(401, &format!("{what} after disabling"));
        api.get("/api/v1/orgs/alpha")
            .expect_problem(401, &format!("{what} after disabling"));
    }
    server
        .login_attempt("tess", PASSWORD)
        .expect_problem(401, "login of a disabled user");
    bystander
        .get("/api/v1/me")
        .expect(200, "another user is untouched");
}

// 4. API tokens.

#[test]
fn tokens_authenticate_are_listed_and_can_be_revoked() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tech);

    let created = session.post(
        "/api/v1/tokens",
        &json!({"name": "ci", "expires_in_days": 30}),
    );
    created.expect(201, "create token");
    let v = created.json();
    let token = v["token"].as_str().expect("token").to_string();
    let id = v["id"].as_str().expect("id").to_string();
    assert!(token.starts_with("assay_"), "{token}");
    assert_eq!(v["role"], "technician");
    let expires: DateTime<Utc> = serde_json::from_value(v["expires_at"].clone()).expect("time");
    assert!(
        (expires - Utc::now() - TimeDelta::days(30))
            .num_seconds()
            .abs()
            < 60
    );

    let bearer = server.bearer(&token);
    let me = bearer.get("/api/v1/me");
    me.expect(200, "token");
    assert_eq!(me.json()["username"], "tess");
    bearer
        .get("/api/v1/orgs/alpha/records/site")
        .expect(200, "read with a token");
    bearer
        .put("/api/v1/orgs/alpha/records/site/lab", &site("Lab"))
        .expect(201, "write with a token");

    let list = session.get("/api/v1/tokens");
    list.expect(200, "list");
    assert!(ids(&list.json()).contains(&id), "{list:?}");
    assert!(!list.text().contains(&token), "the secret is listed");
    assert!(
        list.json()["items"][0]["last_used_at"].is_string(),
        "{list:?}"
    );

    session
        .post(
            "/api/v1/tokens",
            &json!({"name": "x", "expires_in_days": 0}),
        )
        .expect_problem(400, "0 days");
    session
        .post(
            "/api/v1/tokens",
            &json!({"name": "x", "role": "provider_admin"}),
        )
        .expect_problem(403, "a technician minting a provider admin token");

    session
        .delete(&format!("/api/v1/tokens/{id}"))
        .expect(204, "revoke");
    bearer
        .get("/api/v1/me")
        .expect_problem(401, "a revoked token");
    bearer
        .put("/api/v1/orgs/alpha/records/site/lab2", &site("Lab 2"))
        .expect_problem(401, "a write with a revoked token");
    let list = session.get("/api/v1/tokens").json();
    let listed = list["items"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["id"] == id.as_str()))
        .cloned()
        .unwrap_or_default();
    assert!(listed["revoked_at"].is_string(), "{list}");
    session
        .delete(&format!("/api/v1/tokens/{id}"))
        .expect_problem(404, "revoking twice");

    for bogus in [
        "assay_0000000000000000000000000000000000000000000000000000000000000000",
        "not-a-token",
    ] {
        server
            .bearer(bogus)
            .get("/api/v1/me")
            .expect_problem(401, bogus);
    }
}

#[test]
fn org_limited_tokens_see_only_their_org() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let limited = env.add_user("lee", "technician", &["alpha"]);
    let cli = env.cli_token("tess", "cli-alpha", &["--org", "alpha"]);
    let server = env.serve(&[]);
    let session = server.login(&tech);
    let created = session.post(
        "/api/v1/tokens",
        &json!({"name": "api-alpha", "orgs": ["alpha"]}),
    );
    created.expect(201, "token for alpha");
    let api = created.json()["token"].as_str().expect("token").to_string();
    let beta_before = session.get("/api/v1/orgs/beta/records/site/hq");
    beta_before.expect(200, "beta hq");

    for (what, token) in [("CLI token", &cli), ("API token", &api)] {
        let b = server.bearer(token);
        let slugs: Vec<String> = b
            .all_items("/api/v1/orgs?limit=1")
            .iter()
            .map(|o| o["slug"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(slugs, ["alpha"], "{what}");
        b.get("/api/v1/orgs/alpha").expect(200, what);
        b.get("/api/v1/orgs/alpha/records/site/hq")
            .expect(200, what);
        for path in [
            "/api/v1/orgs/beta",
            "/api/v1/orgs/beta/records/site",
            "/api/v1/orgs/beta/records/site/hq",
            "/api/v1/orgs/beta/results",
            "/api/v1/orgs/beta/exceptions",
            "/api/v1/orgs/northwind",
        ] {
            let r = b.get(path);
            r.expect_problem(404, &format!("{what} {path}"));
            assert!(!r.text().contains("Beta Ltd"), "{r:?}");
        }
        b.put("/api/v1/orgs/beta/records/site/hq", &site("Hijacked"))
            .expect_problem(404, what);
        b.delete("/api/v1/orgs/beta/records/site/depot")
            .expect_problem(404, what);
    }
    assert_eq!(
        session.get("/api/v1/orgs/beta/records/site/hq").json(),
        beta_before.json()
    );
    assert_eq!(
        ids(&session.get("/api/v1/orgs/beta/records/site").json()),
        ["depot", "hq"]
    );

    // A limited user cannot mint a token reaching further.
    let lee = server.login(&limited);
    lee.post("/api/v1/tokens", &json!({"name": "wide", "orgs": ["beta"]}))
        .expect_problem(404, "a token for an org the user cannot see");
    let own = lee.post("/api/v1/tokens", &json!({"name": "own"}));
    own.expect(201, "default token");
    let own = server.bearer(own.json()["token"].as_str().expect("token"));
    own.get("/api/v1/orgs/beta")
        .expect_problem(404, "the default token of a limited user");
}

/// A token limited to some organisations still acts for its user: it can
/// list and revoke that user's tokens, and whatever token it mints reaches
/// no further than itself.
#[test]
fn org_limited_tokens_manage_their_owners_tokens() {
    let env = Env::new();
    env.small_world();
    env.add_user("root", "provider_admin", &[]);
    env.add_user("tess", "technician", &[]);
    let cases = [
        (
            "technician token --org alpha",
            env.cli_token("tess", "limited", &["--org", "alpha"]),
            env.cli_token("tess", "spare-tess", &[]),
            "spare-tess",
        ),
        (
            "provider admin token --role technician --org alpha",
            env.cli_token(
                "root",
                "limited",
                &["--role", "technician", "--org", "alpha"],
            ),
            env.cli_token("root", "spare-root", &[]),
            "spare-root",
        ),
    ];
    let server = env.serve(&[]);
    let mut failures = Vec::new();
    for (what, limited, spare, spare_name) in &cases {
        let api = server.bearer(limited);
        let list = api.get("/api/v1/tokens");
        if list.status != 200 {
            failures.push(format!("{what}: GET /tokens: {list:?}"));
        }
        let spare_token = server.bearer(spare).get("/api/v1/tokens").json()["items"]
            .as_array()
            .and_then(|a| a.iter().find(|t| t["name"] == *spare_name).cloned())
            .unwrap_or_default();
        assert!(spare_token["id"].is_string(), "{what}");
        let r = api.delete(&format!(
            "/api/v1/tokens/{}",
            spare_token["id"].as_str().unwrap_or_default()
        ));
        if r.status != 204 {
            failures.push(format!("{what}: revoking its user's other token: {r:?}"));
        }
        let child = api.post("/api/v1/tokens", &json!({"name": "child"}));
        if child.status == 201 {
            let child = server.bearer(child.json()["token"].as_str().unwrap_or_default());
            child
                .get("/api/v1/orgs/beta")
                .expect_problem(404, &format!("{what}: a token minted by it reaches beta"));
        }
        api.get("/api/v1/orgs/beta")
            .expect_problem(404, &format!("{what} reaches beta"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn read_only_role_tokens_cannot_write() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let cadm = env.add_user("carla", "client_admin", &["alpha"]);
    env.add_user("vic", "client_viewer", &["alpha"]);
    env.add_user("audrey", "auditor", &[]);
    let viewer_cli = env.cli_token("vic", "viewer", &[]);
    let auditor_cli = env.cli_token("audrey", "auditor", &[]);
    let narrowed_cli = env.cli_token("tess", "narrowed", &["--role", "auditor"]);
    let server = env.serve(&[]);
    let tess = server.login(&tech);
    let carla = server.login(&cadm);
    let api_auditor = tess.post("/api/v1/tokens", &json!({"name": "ro", "role": "auditor"}));
    api_auditor.expect(201, "auditor token from a technician");
    let api_viewer = carla.post(
        "/api/v1/tokens",
        &json!({"name": "ro", "role": "client_viewer"}),
    );
    api_viewer.expect(201, "viewer token from a client admin");
    let exception = tess.post(
        "/api/v1/orgs/alpha/exceptions",
        &exception_body("fw1", "Router replacement ordered"),
    );
    exception.expect(201, "exception");
    let exception_id = exception.json()["id"].as_str().expect("id").to_string();
    let sites_before = tess.get("/api/v1/orgs/alpha/records/site").json();

    let tokens = [
        ("client viewer (CLI)", viewer_cli),
        ("auditor (CLI)", auditor_cli),
        ("technician token narrowed to auditor (CLI)", narrowed_cli),
        (
            "auditor token (API)",
            api_auditor.json()["token"].as_str().expect("t").to_string(),
        ),
        (
            "client viewer token (API)",
            api_viewer.json()["token"].as_str().expect("t").to_string(),
        ),
    ];
    for (what, token) in &tokens {
        let b = server.bearer(token);
        b.get("/api/v1/orgs/alpha/records/site")
            .expect(200, &format!("{what} reads"));
        b.get("/api/v1/orgs/alpha/exceptions")
            .expect(200, &format!("{what} reads"));
        let writes = [
            b.put("/api/v1/orgs/alpha/records/site/ro", &site("Read-only")),
            b.put("/api/v1/orgs/alpha/records/site/hq", &site("Overwritten")),
            b.delete("/api/v1/orgs/alpha/records/site/depot"),
            b.post(
                "/api/v1/orgs/alpha/records/site",
                &json!([{"id": "imported", "name": "Imported", "country": "GB"}]),
            ),
            b.post(
                "/api/v1/orgs/alpha/exceptions",
                &exception_body("fw2", "Should not be stored"),
            ),
            b.delete(&format!("/api/v1/exceptions/{exception_id}")),
            b.post("/api/v1/evaluations", &json!({"org": "alpha"})),
        ];
        for r in writes {
            r.expect_problem(403, what);
        }
    }
    server
        .bearer(&tokens[0].1)
        .post(
            "/api/v1/tokens",
            &json!({"name": "up", "role": "client_admin"}),
        )
        .expect_problem(403, "a viewer minting a client admin token");

    assert_eq!(
        tess.get("/api/v1/orgs/alpha/records/site").json(),
        sites_before
    );
    let exceptions = tess.get("/api/v1/orgs/alpha/exceptions").json();
    assert_eq!(ids(&exceptions), [exception_id], "{exceptions}");
    assert_eq!(exceptions["items"][0]["state"], "active", "{exceptions}");
}

#[test]
fn expired_tokens_are_refused() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tech);
    let created = session.post("/api/v1/tokens", &json!({"name": "old"}));
    created.expect(201, "token");
    let token = created.json()["token"].as_str().expect("t").to_string();
    let id = created.json()["id"].as_str().expect("id").to_string();
    let keep = session.post("/api/v1/tokens", &json!({"name": "current"}));
    let keep = keep.json()["token"].as_str().expect("t").to_string();
    server
        .bearer(&token)
        .get("/api/v1/orgs/alpha")
        .expect(200, "before expiry");

    let expired =
        (Utc::now() - TimeDelta::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let changed = env
        .database()
        .execute_raw(&format!(
            "UPDATE api_tokens SET expires_at = '{expired}' WHERE id = '{id}'"
        ))
        .expect("expire the token");
    assert_eq!(changed, 1);

    server
        .bearer(&token)
        .get("/api/v1/orgs/alpha")
        .expect_problem(401, "an expired token");
    server
        .bearer(&token)
        .put("/api/v1/orgs/alpha/records/site/late", &site("Late"))
        .expect_problem(401, "a write with an expired token");
    server
        .bearer(&keep)
        .get("/api/v1/orgs/alpha/records/site/late")
        .expect_problem(404, "nothing written");
}

// 5. Tenant isolation.

/// Collects every failed expectation, so that the report shows the whole
/// matrix rather than its first hole.
struct Matrix {
    failures: Vec<String>,
    /// Strings that only the other tenant's data contains.
    secrets: Vec<String>,
    requests: usize,
}

impl Matrix {
    fn leaks(&mut self, who: &str, r: &Response) {
        let text = r.text();
        for s in &self.secrets {
            // Echoing what the request itself named reveals nothing.
            let echoed = r.request.contains(s.as_str()) || r.sent.contains(s.as_str());
            if text.contains(s.as_str()) && !echoed {
                self.failures
                    .push(format!("{who}: {} reveals '{s}': {r:?}", r.request));
            }
        }
    }

    fn check(&mut self, who: &str, r: Response, status: u16) -> Response {
        self.requests += 1;
        let wrong = if status >= 400 {
            r.problem_error(status)
        } else {
            (r.status != status).then(|| format!("expected {status}, got {r:?}"))
        };
        if let Some(e) = wrong {
            self.failures.push(format!("{who}: {e}"));
        }
        self.leaks(who, &r);
        r
    }

    fn fail(&mut self, message: String) {
        self.failures.push(message);
    }
}

/// A principal limited to tenant A.
struct Principal {
    who: String,
    api: Api,
    writes: bool,
    technician: bool,
    auditor: bool,
}

fn token_of(r: &Response) -> String {
    r.expect(201, "token");
    r.json()["token"].as_str().expect("token").to_string()
}

#[test]
fn tenant_isolation_matrix() {
    const A: &str = "ashby-architects";
    const B: &str = "kingsway-engineering";
    const PROVIDER: &str = "northwind-it";
    let env = Env::new();
    env.demo();
    let yesterday = Utc::now() - TimeDelta::days(1);
    let yesterday_text = yesterday.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    env.ok(&["evaluate", "--now", &yesterday_text]);
    env.ok(&["evaluate"]);
    let root = env.add_user("root", "provider_admin", &[]);
    let tech_a = env.add_user("tech-a", "technician", &[A]);
    let aud_a = env.add_user("aud-a", "auditor", &[A]);
    let cadm_a = env.add_user("cadm-a", "client_admin", &[A]);
    let cview_a = env.add_user("cview-a", "client_viewer", &[A]);
    env.add_user("tech-all", "technician", &[]);
    let cadm_b = env.add_user("bee-admin", "client_admin", &[B]);
    let root_token = env.cli_token("root", "root", &[]);
    let cli_tokens = [
        (
            "tech-all CLI token --org A",
            env.cli_token("tech-all", "t", &["--org", A]),
            true,
            true,
            false,
        ),
        (
            "tech-all CLI auditor token --org A",
            env.cli_token("tech-all", "t", &["--org", A, "--role", "auditor"]),
            false,
            false,
            true,
        ),
        (
            "cview-a CLI token",
            env.cli_token("cview-a", "t", &[]),
            false,
            false,
            false,
        ),
        (
            "root CLI client_viewer token --org A",
            env.cli_token("root", "t", &["--role", "client_viewer", "--org", A]),
            false,
            false,
            false,
        ),
        (
            "root CLI technician token --org A",
            env.cli_token("root", "t", &["--role", "technician", "--org", A]),
            true,
            true,
            false,
        ),
    ];
    let server = env.serve(&[]);
    let admin = server.bearer(&root_token);

    // The other tenant's objects.
    let b_org = admin.get(&format!("/api/v1/orgs/{B}"));
    b_org.expect(200, "admin reads B");
    let b_id = b_org.json()["id"].as_str().expect("id").to_string();
    let p_id = admin.get(&format!("/api/v1/orgs/{PROVIDER}")).json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let a_id = admin.get(&format!("/api/v1/orgs/{A}")).json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    admin
        .put(
            &format!("/api/v1/orgs/{B}/records/site/zz-b-secret"),
            &site("B-SECRET-SITE"),
        )
        .expect(201, "B's secret site");
    let b_exception = admin.post(
        &format!("/api/v1/orgs/{B}/exceptions"),
        &exception_body("B-SECRET-FW", "B-SECRET-JUSTIFICATION"),
    );
    b_exception.expect(201, "B's exception");
    let b_exception_id = b_exception.json()["id"].as_str().expect("id").to_string();
    let bee = server.login(&cadm_b);
    let b_token = bee.post("/api/v1/tokens", &json!({"name": "b-secret-token"}));
    let b_token_secret = token_of(&b_token);
    let b_token_id = b_token.json()["id"].as_str().expect("id").to_string();
    admin
        .post(
            &format!("/api/v1/orgs/{A}/exceptions"),
            &exception_body("a-fw", "A's own exception"),
        )
        .expect(201, "A's exception");

    // What must stay as it is.
    let b_paths = [
        format!("/api/v1/orgs/{B}"),
        format!("/api/v1/orgs/{B}/records/site"),
        format!("/api/v1/orgs/{B}/records/site/site-1"),
        format!("/api/v1/orgs/{B}/records/site/zz-b-secret"),
        format!("/api/v1/orgs/{B}/exceptions"),
        format!("/api/v1/orgs/{B}/results"),
        format!("/api/v1/orgs/{B}/results?as_of={}", yesterday.date_naive()),
        format!("/api/v1/orgs/{A}/records/site"),
        format!("/api/v1/orgs/{A}/records/site/site-1"),
    ];
    let snapshot = |api: &Api| -> Vec<String> {
        b_paths
            .iter()
            .map(|p| {
                let r = api.get(p);
                r.expect(200, p);
                r.text()
            })
            .collect()
    };
    let before = snapshot(&admin);

    // The principals limited to A.
    let mut principals: Vec<Principal> = Vec::new();
    let mut add = |who: &str, api: Api, writes: bool, technician: bool, auditor: bool| {
        principals.push(Principal {
            who: who.to_string(),
            api,
            writes,
            technician,
            auditor,
        });
    };
    let tech_session = server.login(&tech_a);
    let cadm_session = server.login(&cadm_a);
    add("tech-a session", tech_session.clone(), true, true, false);
    add("aud-a session", server.login(&aud_a), false, false, true);
    add("cadm-a session", cadm_session.clone(), true, false, false);
    add(
        "cview-a session",
        server.login(&cview_a),
        false,
        false,
        false,
    );
    let t = token_of(&tech_session.post("/api/v1/tokens", &json!({"name": "t"})));
    add("tech-a API token", server.bearer(&t), true, true, false);
    let t =
        token_of(&tech_session.post("/api/v1/tokens", &json!({"name": "t", "role": "auditor"})));
    add(
        "tech-a API auditor token",
        server.bearer(&t),
        false,
        false,
        true,
    );
    let t = token_of(&cadm_session.post("/api/v1/tokens", &json!({"name": "t"})));
    add("cadm-a API token", server.bearer(&t), true, false, false);
    let t = token_of(&cadm_session.post(
        "/api/v1/tokens",
        &json!({"name": "t", "role": "client_viewer"}),
    ));
    add(
        "cadm-a API client_viewer token",
        server.bearer(&t),
        false,
        false,
        false,
    );
    for (who, token, writes, technician, auditor) in &cli_tokens {
        add(who, server.bearer(token), *writes, *technician, *auditor);
    }

    let mut m = Matrix {
        failures: Vec::new(),
        secrets: vec![
            B.to_string(),
            b_id.clone(),
            p_id.clone(),
            "zz-b-secret".into(),
            "B-SECRET".into(),
            b_exception_id.clone(),
            b_token_id.clone(),
            b_token_secret.clone(),
            "b-secret-token".into(),
            "bee-admin".into(),
        ],
        requests: 0,
    };
    let a_sites: Vec<String> = ids(&admin.get(&format!("/api/v1/orgs/{A}/records/site")).json());
    let a_assets: Vec<String> = admin
        .all_items(&format!("/api/v1/orgs/{A}/records/asset?limit=1000"))
        .iter()
        .filter_map(|v| v["id"].as_str().map(String::from))
        .collect();
    assert!(a_assets.len() > 5, "the demo gives A assets: {a_assets:?}");
    let now_text = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    for p in &principals {
        let who = p.who.as_str();
        let api = &p.api;
        // Reads of the other tenant (and of the provider) are "not found".
        for path in [
            format!("/api/v1/orgs/{B}"),
            format!("/api/v1/orgs/{PROVIDER}"),
            format!("/api/v1/orgs/{B}/records/site"),
            format!(
                "/api/v1/orgs/{B}/records/site?limit=1&cursor={}",
                hex("site-0")
            ),
            format!("/api/v1/orgs/{B}/records/site/site-1"),
            format!("/api/v1/orgs/{B}/records/site/zz-b-secret"),
            format!("/api/v1/orgs/{A}/records/site/zz-b-secret"),
            format!("/api/v1/orgs/{PROVIDER}/records/person"),
            format!("/api/v1/orgs/{B}/results"),
            format!("/api/v1/orgs/{B}/results?as_of={}", yesterday.date_naive()),
            format!("/api/v1/orgs/{B}/results?as_of={now_text}&framework=cyber-essentials"),
            format!("/api/v1/orgs/{B}/exceptions"),
        ] {
            m.check(who, api.get(&path), 404);
        }
        // Writes to the other tenant: "not found", or "forbidden" for read-only roles.
        let write_status = if p.writes { 404 } else { 403 };
        let writes = [
            api.put(
                &format!("/api/v1/orgs/{B}/records/site/site-1"),
                &site("OVERWRITTEN"),
            ),
            api.put(
                &format!("/api/v1/orgs/{B}/records/site/zz-new"),
                &site("NEW"),
            ),
            api.delete(&format!("/api/v1/orgs/{B}/records/site/zz-b-secret")),
            api.post(
                &format!("/api/v1/orgs/{B}/records/site"),
                &json!([{"id": "zz-imported", "name": "Imported", "country": "GB"}]),
            ),
            api.post(
                &format!("/api/v1/orgs/{B}/exceptions"),
                &exception_body("x", "Planted exception"),
            ),
            api.delete(&format!("/api/v1/exceptions/{b_exception_id}")),
        ];
        for r in writes {
            m.check(who, r, write_status);
        }
        let evaluate = api.post("/api/v1/evaluations", &json!({"org": B}));
        m.check(who, evaluate, if p.technician { 404 } else { 403 });
        // Tokens of the other tenant.
        m.check(
            who,
            api.delete(&format!("/api/v1/tokens/{b_token_id}")),
            404,
        );
        m.check(
            who,
            api.post("/api/v1/tokens", &json!({"name": "wide", "orgs": [B]})),
            404,
        );
        // Whether an org-limited token may list its owner's tokens is
        // `org_limited_tokens_manage_their_owners_tokens`; here: no leak.
        let tokens = api.get("/api/v1/tokens");
        m.requests += 1;
        m.leaks(who, &tokens);

        // Lists hold only A, through every page.
        let mut slugs = Vec::new();
        for r in api.pages("/api/v1/orgs?limit=1") {
            let r = m.check(who, r, 200);
            if let Some(items) = r.json()["items"].as_array() {
                slugs.extend(
                    items
                        .iter()
                        .map(|o| o["slug"].as_str().unwrap_or("?").to_string()),
                );
            }
        }
        if slugs != [A] {
            m.fail(format!("{who}: GET /orgs lists {slugs:?}, not just {A}"));
        }
        for (path, expected) in [
            (format!("/api/v1/orgs/{A}/records/site?limit=1"), &a_sites),
            (format!("/api/v1/orgs/{A}/records/asset?limit=7"), &a_assets),
        ] {
            let mut seen = Vec::new();
            for r in api.pages(&path) {
                let r = m.check(who, r, 200);
                seen.extend(ids(&r.json()));
            }
            if &seen != expected {
                m.fail(format!(
                    "{who}: {path} pages give {seen:?}, expected {expected:?}"
                ));
            }
        }
        m.check(who, api.get(&format!("/api/v1/orgs/{A}")), 200);
        m.check(who, api.get(&format!("/api/v1/orgs/{A}/exceptions")), 200);
        let history = m.check(
            who,
            api.get(&format!(
                "/api/v1/orgs/{A}/results?as_of={}",
                yesterday.date_naive()
            )),
            200,
        );
        if history.status == 200 && history.json().as_array().is_none_or(|a| a.is_empty()) {
            m.fail(format!(
                "{who}: no results for A as of yesterday: {history:?}"
            ));
        }
        if p.technician {
            let run = m.check(who, api.post("/api/v1/evaluations", &json!({})), 200);
            let orgs: BTreeSet<String> = run.json()["results"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| r["org"].as_str().unwrap_or("?").to_string())
                        .collect()
                })
                .unwrap_or_default();
            if orgs != BTreeSet::from([A.to_string()]) {
                m.fail(format!("{who}: POST /evaluations evaluated {orgs:?}"));
            }
        }
        // The audit log: only entries about A, for auditors; refused to others.
        if p.auditor {
            for r in api.pages("/api/v1/audit?limit=1000") {
                let r = m.check(who, r, 200);
                for e in r.json()["items"].as_array().into_iter().flatten() {
                    if e["org_id"] != a_id.as_str() {
                        m.fail(format!("{who}: GET /audit shows an entry not about A: {e}"));
                    }
                }
            }
        } else {
            m.check(who, api.get("/api/v1/audit"), 403);
        }
    }

    // Nothing of B changed, and B's token still works.
    let after = snapshot(&admin);
    for ((path, b), a) in b_paths.iter().zip(&before).zip(&after) {
        if b != a {
            m.fail(format!("{path} changed:\nbefore {b}\nafter  {a}"));
        }
    }
    server
        .bearer(&b_token_secret)
        .get(&format!("/api/v1/orgs/{B}"))
        .expect(200, "B's token survives");

    // The provider admin sees everything, by session and by token.
    let root_session = server.login_with_totp(&root);
    for (who, api) in [("root session", &root_session), ("root token", &admin)] {
        let slugs: BTreeSet<String> = api
            .all_items("/api/v1/orgs?limit=5")
            .iter()
            .map(|o| o["slug"].as_str().unwrap_or("?").to_string())
            .collect();
        assert_eq!(slugs.len(), 26, "{who}: {slugs:?}");
        assert!(slugs.contains(A) && slugs.contains(B) && slugs.contains(PROVIDER));
        let sites = api.get(&format!("/api/v1/orgs/{B}/records/site"));
        assert!(
            ids(&sites.json()).contains(&"zz-b-secret".to_string()),
            "{who}: {sites:?}"
        );
        let exceptions = api.get(&format!("/api/v1/orgs/{B}/exceptions"));
        assert!(
            ids(&exceptions.json()).contains(&b_exception_id),
            "{who}: {exceptions:?}"
        );
        let tokens = api.get("/api/v1/tokens");
        assert!(
            ids(&tokens.json()).contains(&b_token_id),
            "{who}: {tokens:?}"
        );
        for as_of in [yesterday.date_naive().to_string(), now_text.clone()] {
            let results = api.get(&format!("/api/v1/orgs/{B}/results?as_of={as_of}"));
            results.expect(200, who);
            assert!(
                results.json().as_array().is_some_and(|a| !a.is_empty()),
                "{who}: {results:?}"
            );
        }
        api.get(&format!("/api/v1/orgs/{PROVIDER}/records/person"))
            .expect(200, who);
        let audit = api.all_items("/api/v1/audit?limit=1000");
        assert!(audit.iter().any(|e| e["org_id"] == b_id.as_str()), "{who}");
    }

    assert_eq!(principals.len(), 13);
    assert!(m.requests > 400, "only {} requests checked", m.requests);
    assert!(
        m.failures.is_empty(),
        "{} tenant-isolation failures:\n{}",
        m.failures.len(),
        m.failures.join("\n")
    );
}

/// A limited auditor must be able to page through every audit entry about
/// its organisations: `next` must not stop while such entries remain.
#[test]
fn limited_auditor_pages_reach_every_entry_about_its_org() {
    const A: &str = "ashby-architects";
    let env = Env::new();
    env.demo();
    env.add_user("root", "provider_admin", &[]);
    env.add_user("aud-a", "auditor", &[A]);
    let root = env.cli_token("root", "root", &[]);
    let auditor = env.cli_token("aud-a", "aud", &[]);
    let server = env.serve(&[]);
    let admin = server.bearer(&root);
    let a_id = admin.get(&format!("/api/v1/orgs/{A}")).json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let expected: Vec<i64> = admin
        .all_items("/api/v1/audit?limit=1000")
        .iter()
        .filter(|e| e["org_id"] == a_id.as_str())
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    assert!(expected.len() > 10, "{expected:?}");
    for limit in [100, 10] {
        let seen: Vec<i64> = server
            .bearer(&auditor)
            .all_items(&format!("/api/v1/audit?limit={limit}"))
            .iter()
            .filter_map(|e| e["seq"].as_i64())
            .collect();
        assert_eq!(
            seen,
            expected,
            "limit {limit}: the auditor's pages hold {} of the {} entries about {A}",
            seen.len(),
            expected.len()
        );
    }
}

#[test]
fn every_route_refuses_anonymous_and_forged_credentials() {
    let env = Env::new();
    env.small_world();
    let server = env.serve(&[]);
    let id = "01a20000-0000-7000-8000-000000000000";
    let body = json!({});
    let routes: Vec<(&str, String)> = vec![
        ("POST", "/api/v1/session/mfa".into()),
        ("DELETE", "/api/v1/session".into()),
        ("GET", "/api/v1/me".into()),
        ("POST", "/api/v1/me/password".into()),
        ("GET", "/api/v1/tokens".into()),
        ("POST", "/api/v1/tokens".into()),
        ("DELETE", format!("/api/v1/tokens/{id}")),
        ("GET", "/api/v1/orgs".into()),
        ("GET", "/api/v1/orgs/alpha".into()),
        ("GET", "/api/v1/orgs/alpha/records/site".into()),
        ("POST", "/api/v1/orgs/alpha/records/site".into()),
        ("GET", "/api/v1/orgs/alpha/records/site/hq".into()),
        ("PUT", "/api/v1/orgs/alpha/records/site/hq".into()),
        ("DELETE", "/api/v1/orgs/alpha/records/site/hq".into()),
        ("GET", "/api/v1/orgs/alpha/results".into()),
        ("GET", "/api/v1/orgs/alpha/exceptions".into()),
        ("POST", "/api/v1/orgs/alpha/exceptions".into()),
        ("DELETE", format!("/api/v1/exceptions/{id}")),
        ("POST", "/api/v1/evaluations".into()),
        ("GET", "/api/v1/frameworks".into()),
        ("GET", "/api/v1/frameworks/cyber-essentials".into()),
        ("GET", "/api/v1/audit".into()),
    ];
    let mut failures = Vec::new();
    for api in [
        server.anonymous(),
        server.bearer("assay_0000000000000000000000000000000000000000000000000000000000000000"),
        server.cookie("assaysess_00000000000000000000000000000000"),
    ] {
        for (method, path) in &routes {
            let r = match *method {
                "GET" => api.get(path),
                "DELETE" => api.delete(path),
                "PUT" => api.put(path, &body),
                _ => api.post(path, &body),
            };
            if let Some(e) = r.problem_error(401) {
                failures.push(format!("{:?}: {e}", api.auth));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    server
        .anonymous()
        .get("/healthz")
        .expect(200, "health is public");
}

// 6. Cross-site requests.

#[test]
fn cross_site_cookie_writes_are_refused_but_bearer_writes_are_not() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let token = env.cli_token("tess", "ci", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tech);
    let bearer = server.bearer(&token);
    let json_type = ("Content-Type", "application/json");
    let body = serde_json::to_vec(&site("Forged")).expect("json");
    let evil_origin = "http://evil.example";
    let same_origin = format!("http://{}", server.addr);

    for headers in [
        vec![("Sec-Fetch-Site", "cross-site"), json_type],
        vec![("Sec-Fetch-Site", "same-site"), json_type],
        vec![("Origin", evil_origin), json_type],
    ] {
        let context = format!("cookie PUT with {headers:?}");
        session
            .send(
                "PUT",
                "/api/v1/orgs/alpha/records/site/csrf",
                &headers,
                Some(&body),
            )
            .expect_problem(403, &context);
        bearer
            .get("/api/v1/orgs/alpha/records/site/csrf")
            .expect_problem(404, &format!("nothing written after {context}"));
    }
    let cross = [("Sec-Fetch-Site", "cross-site"), json_type];
    session
        .send("DELETE", "/api/v1/orgs/alpha/records/site/hq", &cross, None)
        .expect_problem(403, "cross-site DELETE");
    bearer
        .get("/api/v1/orgs/alpha/records/site/hq")
        .expect(200, "hq survives");
    let pw = serde_json::to_vec(&json!({"current": PASSWORD, "new": NEW_PASSWORD})).expect("json");
    session
        .send("POST", "/api/v1/me/password", &cross, Some(&pw))
        .expect_problem(403, "cross-site password change");
    let tokens_before = bearer.get("/api/v1/tokens").json();
    let t = serde_json::to_vec(&json!({"name": "forged"})).expect("json");
    session
        .send("POST", "/api/v1/tokens", &cross, Some(&t))
        .expect_problem(403, "cross-site token creation");
    assert_eq!(bearer.get("/api/v1/tokens").json(), tokens_before);
    session
        .send("DELETE", "/api/v1/session", &cross, None)
        .expect_problem(403, "cross-site logout");
    session
        .get("/api/v1/me")
        .expect(200, "the session survives");
    server
        .login(&tech)
        .get("/api/v1/me")
        .expect(200, "the password is unchanged");

    // Bearer tokens are not sent by browsers on their own: allowed.
    bearer
        .send(
            "PUT",
            "/api/v1/orgs/alpha/records/site/csrf",
            &[("Sec-Fetch-Site", "cross-site"), json_type],
            Some(&body),
        )
        .expect(201, "bearer PUT marked cross-site");
    bearer
        .get("/api/v1/orgs/alpha/records/site/csrf")
        .expect(200, "written");
    // The site's own pages may write with the cookie.
    session
        .send(
            "PUT",
            "/api/v1/orgs/alpha/records/site/own",
            &[("Origin", same_origin.as_str()), json_type],
            Some(&body),
        )
        .expect(201, "same-origin Origin");
    session
        .put("/api/v1/orgs/alpha/records/site/own2", &site("Own"))
        .expect(201, "Sec-Fetch-Site: same-origin");
}

// 7. Bad input.

fn bad_input_world() -> (Env, Server, Api, Api) {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let token = env.cli_token("tess", "ci", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tech);
    let bearer = server.bearer(&token);
    (env, server, session, bearer)
}

#[test]
fn malformed_json_bodies_are_problems() {
    let (_env, server, session, bearer) = bad_input_world();
    let anonymous = server.anonymous();
    let json_type = [("Content-Type", "application/json")];
    let mut failures = Vec::new();
    let mut case =
        |what: &str, api: &Api, method: &str, path: &str, typed: bool, body: &[u8], status: u16| {
            let headers: &[(&str, &str)] = if typed { &json_type } else { &[] };
            let r = api.send(method, path, headers, Some(body));
            if let Some(e) = r.problem_error(status) {
                failures.push(format!("{what}: {e}"));
            }
        };
    let site_x = "/api/v1/orgs/alpha/records/site/x";
    let exceptions = "/api/v1/orgs/alpha/exceptions";
    case(
        "record with invalid JSON",
        &session,
        "PUT",
        site_x,
        true,
        b"{\"name\": ",
        400,
    );
    case(
        "record with invalid JSON (token)",
        &bearer,
        "PUT",
        site_x,
        true,
        b"{bad",
        400,
    );
    case(
        "record without Content-Type",
        &bearer,
        "PUT",
        site_x,
        false,
        b"{\"name\":\"X\"}",
        415,
    );
    case(
        "login with invalid JSON",
        &anonymous,
        "POST",
        "/api/v1/session",
        true,
        b"{bad",
        400,
    );
    case(
        "login without a password",
        &anonymous,
        "POST",
        "/api/v1/session",
        true,
        b"{\"username\":\"tess\"}",
        422,
    );
    case(
        "exception with invalid JSON",
        &bearer,
        "POST",
        exceptions,
        true,
        b"{\"check\": }",
        400,
    );
    case(
        "exception with a bad expiry date",
        &bearer,
        "POST",
        exceptions,
        true,
        b"{\"check\":\"firewall.default_deny\",\"justification\":\"j\",\"approver\":\"a\",\"expires\":\"2026-02-30\"}",
        422,
    );
    case(
        "token with invalid JSON",
        &bearer,
        "POST",
        "/api/v1/tokens",
        true,
        b"nope",
        400,
    );
    case(
        "evaluation with invalid JSON",
        &bearer,
        "POST",
        "/api/v1/evaluations",
        true,
        b"{",
        400,
    );
    // The record importer parses its body itself.
    case(
        "import with invalid JSON",
        &bearer,
        "POST",
        "/api/v1/orgs/alpha/records/site",
        true,
        b"{bad",
        422,
    );
    bearer
        .get("/api/v1/orgs/alpha/records/site/x")
        .expect_problem(404, "nothing written");
    assert!(
        bearer.get("/api/v1/orgs/alpha/exceptions").json()["items"]
            .as_array()
            .is_some_and(|a| a.is_empty()),
        "no exception stored"
    );
    assert!(
        failures.is_empty(),
        "{} malformed bodies not answered as problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unknown_record_kinds_are_404_problems() {
    let (_env, _server, session, bearer) = bad_input_world();
    for r in [
        session.put("/api/v1/orgs/alpha/records/widget/w1", &site("W")),
        bearer.get("/api/v1/orgs/alpha/records/widget"),
        bearer.get("/api/v1/orgs/alpha/records/widget/w1"),
        bearer.delete("/api/v1/orgs/alpha/records/widget/w1"),
        bearer.post("/api/v1/orgs/alpha/records/widget", &json!([])),
    ] {
        let detail = r.expect_problem(404, "unknown kind");
        assert!(detail.contains("widget"), "{r:?}");
    }
}

#[test]
fn records_with_bad_dates_are_422_naming_the_field() {
    let (_env, _server, session, bearer) = bad_input_world();
    let training = json!({"person": "p1", "course": "Cyber Essentials", "kind": "onboarding",
                          "completed_on": "2026-02-30"});
    for api in [&session, &bearer] {
        let r = api.put("/api/v1/orgs/alpha/records/training/t1", &training);
        let detail = r.expect_problem(422, "bad date");
        assert!(detail.contains("completed_on"), "{r:?}");
    }
    let mut imported = training.clone();
    imported["id"] = json!("t2");
    let r = bearer.post("/api/v1/orgs/alpha/records/training", &json!([imported]));
    let detail = r.expect_problem(422, "bad date in an import");
    assert!(detail.contains("completed_on"), "{r:?}");
    let r = bearer.put(
        "/api/v1/orgs/alpha/records/site/x",
        &json!({"name": "X", "colour": "red"}),
    );
    let detail = r.expect_problem(422, "unknown field");
    assert!(detail.contains("colour"), "{r:?}");
    let list = bearer.get("/api/v1/orgs/alpha/records/training");
    assert!(ids(&list.json()).is_empty(), "{list:?}");
}

#[test]
fn oversize_bodies_are_413_problems() {
    let env = Env::new();
    env.small_world();
    let tech = env.add_user("tess", "technician", &[]);
    let token = env.cli_token("tess", "ci", &[]);
    let server = env.serve(&["--body-limit", "1000"]);
    let bearer = server.bearer(&token);
    let session = server.login(&tech);
    let big = site(&"A".repeat(2000));
    let mut failures = Vec::new();
    for (what, r) in [
        (
            "PUT record (token)",
            bearer.put("/api/v1/orgs/alpha/records/site/big", &big),
        ),
        (
            "PUT record (cookie)",
            session.put("/api/v1/orgs/alpha/records/site/big", &big),
        ),
        (
            "POST import",
            bearer.post(
                "/api/v1/orgs/alpha/records/site",
                &json!([{"id": "big", "name": "A".repeat(2000), "country": "GB"}]),
            ),
        ),
        (
            "POST session",
            server.login_attempt("tess", &"A".repeat(2000)),
        ),
    ] {
        if let Some(e) = r.problem_error(413) {
            failures.push(format!("{what}: {e}"));
        }
    }
    bearer
        .get("/api/v1/orgs/alpha/records/site/big")
        .expect_problem(404, "nothing written");
    bearer
        .put("/api/v1/orgs/alpha/records/site/small", &site("Small"))
        .expect(201, "a body under the limit");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_cursors_and_limits_are_400_problems() {
    let env = Env::new();
    env.small_world();
    env.add_user("root", "provider_admin", &[]);
    let root = env.cli_token("root", "root", &[]);
    let tess = env.add_user("tess", "technician", &[]);
    let server = env.serve(&[]);
    let session = server.login(&tess);
    let admin = server.bearer(&root);
    for (api, path) in [
        (&session, "/api/v1/orgs?cursor=zz".to_string()),
        (&session, "/api/v1/orgs/alpha/records/site?cursor=zz".into()),
        (
            &session,
            "/api/v1/orgs/alpha/records/site?cursor=abc".into(),
        ),
        (&admin, "/api/v1/audit?cursor=zz".into()),
        (&admin, format!("/api/v1/audit?cursor={}", hex("abc"))),
        (&session, "/api/v1/orgs?limit=0".into()),
        (
            &session,
            "/api/v1/orgs/alpha/records/site?limit=1001".into(),
        ),
        (&admin, "/api/v1/audit?limit=0".into()),
        (
            &session,
            "/api/v1/orgs/alpha/results?as_of=yesterday".into(),
        ),
        (
            &session,
            "/api/v1/orgs/alpha/results?status=sideways".into(),
        ),
    ] {
        api.get(&path).expect_problem(400, &path);
    }
    // A cursor that was issued works.
    let first = session.get("/api/v1/orgs?limit=1");
    let next = first.json()["next"].as_str().expect("next").to_string();
    let second = session.get(&format!("/api/v1/orgs?limit=1&cursor={next}"));
    second.expect(200, "issued cursor");
    assert_ne!(ids(&first.json()), ids(&second.json()));
}

#[test]
fn malformed_path_and_query_parameters_are_problems() {
    let (_env, _server, session, bearer) = bad_input_world();
    let mut failures = Vec::new();
    for (what, r, statuses) in [
        (
            "exception id that is not a UUID",
            session.delete("/api/v1/exceptions/not-a-uuid"),
            [400, 404],
        ),
        (
            "token id that is not a UUID",
            session.delete("/api/v1/tokens/not-a-uuid"),
            [400, 404],
        ),
        (
            "limit that is not a number",
            bearer.get("/api/v1/orgs?limit=ten"),
            [400, 400],
        ),
        (
            "negative limit",
            bearer.get("/api/v1/orgs/alpha/records/site?limit=-1"),
            [400, 400],
        ),
    ] {
        let ok = statuses.iter().any(|s| r.problem_error(*s).is_none());
        if !ok {
            failures.push(format!(
                "{what}: {}",
                r.problem_error(statuses[0]).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// 8. The audit log.

/// Whether an audit entry's `before` and `after` are right.
type BeforeAfter = Box<dyn Fn(&Value, &Value) -> bool>;

/// What one API change must leave in the audit log.
struct Expected {
    action: &'static str,
    actor: &'static str,
    target: String,
    check: BeforeAfter,
}

fn expected(
    action: &'static str,
    actor: &'static str,
    target: impl Into<String>,
    check: impl Fn(&Value, &Value) -> bool + 'static,
) -> Expected {
    Expected {
        action,
        actor,
        target: target.into(),
        check: Box::new(check),
    }
}

#[test]
fn every_api_change_is_audited_and_the_chain_verifies() {
    let env = Env::new();
    env.small_world();
    let root = env.add_user("root", "provider_admin", &[]);
    let tech = env.add_user("tess", "technician", &[]);
    let root_token = env.cli_token("root", "auditor-of-the-test", &[]);
    let server = env.serve(&[]);
    let admin = server.bearer(&root_token);
    let alpha_id = admin.get("/api/v1/orgs/alpha").json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let start = admin
        .all_items("/api/v1/audit?limit=1000")
        .iter()
        .filter_map(|e| e["seq"].as_i64())
        .max()
        .expect("entries");

    let mut secrets: Vec<String> = vec![PASSWORD.into(), NEW_PASSWORD.into(), root_token.clone()];
    let mut want: Vec<Expected> = Vec::new();

    let root_session = server.login_with_totp(&root);
    want.push(expected("session.create", "root", "root", |b, a| {
        b.is_null() && a["session"].is_string() && a["mfa_verified"] == false
    }));
    want.push(expected("session.mfa", "root", "root", |b, a| {
        b["mfa_verified"] == false && a["mfa_verified"] == true
    }));
    let login = server.login_attempt(&tech.name, &tech.password);
    secrets.push(login.set_cookie("assay_session").unwrap_or_default());
    let tess = server.session_of(&login);
    want.push(expected("session.create", "tess", "tess", |b, a| {
        b.is_null() && a["mfa_verified"] == true
    }));

    tess.put("/api/v1/orgs/alpha/records/site/lab", &site("Lab"))
        .expect(201, "create");
    want.push(expected("records.put", "tess", "site/lab", |b, a| {
        b.is_null() && a["name"] == "Lab"
    }));
    tess.put("/api/v1/orgs/alpha/records/site/lab", &site("Lab 2"))
        .expect(200, "replace");
    want.push(expected("records.put", "tess", "site/lab", |b, a| {
        b["name"] == "Lab" && a["name"] == "Lab 2"
    }));
    tess.delete("/api/v1/orgs/alpha/records/site/lab")
        .expect(204, "delete");
    want.push(expected("records.delete", "tess", "site/lab", |b, a| {
        b["name"] == "Lab 2" && a.is_null()
    }));
    tess.post(
        "/api/v1/orgs/alpha/records/site",
        &json!([{"id": "annex", "name": "Annex", "country": "GB"},
                {"id": "yard", "name": "Yard", "country": "GB"}]),
    )
    .expect(201, "import");
    want.push(expected("records.import", "tess", "site", |b, a| {
        b.is_object() && a["rows"] == 2
    }));
    let exception = tess.post(
        "/api/v1/orgs/alpha/exceptions",
        &exception_body("fw1", "Router replacement ordered"),
    );
    exception.expect(201, "exception");
    let exception_id = exception.json()["id"].as_str().expect("id").to_string();
    want.push(expected(
        "exception.add",
        "tess",
        exception_id.clone(),
        |b, a| b.is_null() && a.to_string().contains("Router replacement ordered"),
    ));
    tess.delete(&format!("/api/v1/exceptions/{exception_id}"))
        .expect(204, "revoke exception");
    want.push(expected(
        "exception.revoke",
        "tess",
        exception_id,
        |b, a| b["revoked_at"].is_null() && a["revoked_at"].is_string(),
    ));
    let run = tess.post("/api/v1/evaluations", &json!({"org": "alpha"}));
    run.expect(200, "evaluate");
    let run_id = run.json()["run"].as_str().expect("run").to_string();
    want.push(expected("evaluation.run", "tess", run_id, |b, a| {
        b.is_null() && a["organisations"] == 1
    }));
    let token = tess.post("/api/v1/tokens", &json!({"name": "ci"}));
    token.expect(201, "token");
    let token_id = token.json()["id"].as_str().expect("id").to_string();
    secrets.push(token.json()["token"].as_str().expect("t").to_string());
    want.push(expected(
        "token.create",
        "tess",
        token_id.clone(),
        |b, a| b.is_null() && a["name"] == "ci" && a["role"] == "technician",
    ));
    tess.delete(&format!("/api/v1/tokens/{token_id}"))
        .expect(204, "revoke token");
    want.push(expected("token.revoke", "tess", token_id, |b, a| {
        b["revoked_at"].is_null() && a["revoked_at"].is_string()
    }));
    tess.post(
        "/api/v1/me/password",
        &json!({"current": PASSWORD, "new": NEW_PASSWORD}),
    )
    .expect(204, "password");
    want.push(expected("user.password", "tess", "tess", |b, a| {
        b["password_changed_at"].is_string() && a["sessions_revoked"] == 1
    }));
    let recovery = server.session_of(server.login_attempt("root", PASSWORD).expect(200, "login"));
    recovery
        .post(
            "/api/v1/session/mfa",
            &json!({"recovery_code": root.recovery_codes[0]}),
        )
        .expect(200, "recovery code");
    secrets.push(root.recovery_codes[0].clone());
    want.push(expected("session.create", "root", "root", |b, _| {
        b.is_null()
    }));
    want.push(expected(
        "user.recovery_code_use",
        "root",
        "root",
        |b, a| b["unused"] == 10 && a["unused"] == 9,
    ));
    want.push(expected("session.mfa", "root", "root", |_, a| {
        a["mfa_verified"] == true
    }));
    root_session.delete("/api/v1/session").expect(204, "logout");
    want.push(expected("session.revoke", "root", "root", |b, a| {
        b["session"].is_string() && a["revoked_at"].is_string()
    }));

    // Read back through the API, a few entries a page.
    let entries: Vec<Value> = admin
        .all_items("/api/v1/audit?limit=3")
        .into_iter()
        .filter(|e| e["seq"].as_i64().is_some_and(|s| s > start))
        .collect();
    let mut position = 0;
    for w in &want {
        let found = entries[position..].iter().position(|e| {
            e["action"] == w.action
                && e["actor"] == w.actor
                && e["target"] == w.target.as_str()
                && e["source"].as_str().is_some_and(|s| s.starts_with("api"))
                && e.get("before").is_some()
                && e.get("after").is_some()
                && (w.check)(&e["before"], &e["after"])
        });
        match found {
            Some(i) => position += i + 1,
            None => panic!(
                "no {} by {} on {} (in order) among the entries after #{start}:\n{}",
                w.action,
                w.actor,
                w.target,
                entries[position..]
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
    for e in &entries {
        if [
            "records.put",
            "records.delete",
            "records.import",
            "exception.add",
            "exception.revoke",
        ]
        .contains(&e["action"].as_str().unwrap_or_default())
        {
            assert_eq!(e["org_id"], alpha_id.as_str(), "{e}");
        }
        let text = e.to_string();
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            assert!(!text.contains(s.as_str()), "a secret in the audit log: {e}");
        }
    }

    drop(server);
    let out = env.ok(&["audit", "verify"]);
    assert!(out.contains("intact"), "{out}");
}

// 9. Webhooks.

/// Provider admins add, list and revoke webhooks; the secret is shown once;
/// bad URLs, unknown organisations and other roles are refused and change
/// nothing.
#[test]
fn webhooks_are_managed_by_provider_admins_only() {
    let env = Env::new();
    env.small_world();
    env.add_user("root", "provider_admin", &[]);
    env.add_user("tess", "technician", &[]);
    let server = env.serve(&[]);
    let admin = server.bearer(&env.cli_token("root", "hooks", &[]));
    let tech = server.bearer(&env.cli_token("tess", "hooks", &[]));

    let body = json!({"url": "https://hooks.example.com/services/T0/B0/abc", "org": "alpha"});
    tech.post("/api/v1/webhooks", &body)
        .expect_problem(403, "a technician adds a webhook");
    tech.get("/api/v1/webhooks")
        .expect_problem(403, "a technician lists webhooks");
    for (bad, status, why) in [
        (json!({"url": "ftp://example.com/x"}), 422, "not http"),
        (
            json!({"url": "https://u:p@example.com/x"}),
            422,
            "credentials in the URL",
        ),
        (json!({"url": "not a url"}), 422, "not a URL"),
        (
            json!({"url": "https://example.com/", "org": "nowhere"}),
            404,
            "unknown org",
        ),
        (
            json!({"url": "https://example.com/", "extra": 1}),
            422,
            "unknown field",
        ),
        (json!({"org": "alpha"}), 422, "no URL"),
    ] {
        admin
            .post("/api/v1/webhooks", &bad)
            .expect_problem(status, why);
    }
    assert!(
        admin.all_items("/api/v1/webhooks").is_empty(),
        "nothing was added"
    );

    let created = admin.post("/api/v1/webhooks", &body);
    created.expect(201, "add");
    let hook = created.json();
    let secret = hook["secret"]
        .as_str()
        .expect("secret shown once")
        .to_string();
    assert!(secret.starts_with("assayhook_"), "{hook}");
    assert_eq!(hook["org"], "alpha");
    let id = hook["id"].as_str().expect("id").to_string();
    let everyone = admin.post(
        "/api/v1/webhooks",
        &json!({"url": "http://10.1.2.3:9000/in"}),
    );
    everyone.expect(201, "add for every organisation");
    assert!(everyone.json()["org"].is_null());

    let listed = admin.all_items("/api/v1/webhooks");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["url"], body["url"]);
    let text = serde_json::to_string(&listed).expect("json");
    assert!(!text.contains(&secret), "the list shows no secret");
    let page = admin.get("/api/v1/webhooks?limit=1");
    page.expect(200, "first page");
    assert!(page.json()["next"].is_string(), "{page:?}");

    tech.delete(&format!("/api/v1/webhooks/{id}"))
        .expect_problem(403, "a technician revokes");
    admin
        .delete(&format!("/api/v1/webhooks/{id}"))
        .expect(204, "revoke");
    admin
        .delete(&format!("/api/v1/webhooks/{id}"))
        .expect_problem(409, "revoke twice");
    admin
        .delete("/api/v1/webhooks/01890000-0000-7000-8000-000000000000")
        .expect_problem(404, "unknown webhook");
    let after = admin.all_items("/api/v1/webhooks");
    assert!(after[0]["revoked_at"].is_string(), "{after:?}");

    let audit = env.ok(&["audit", "list", "--format", "json", "--limit", "1000"]);
    assert!(audit.contains("webhook.create") && audit.contains("webhook.revoke"));
    assert!(!audit.contains(&secret), "the audit log has no secret");
    assert!(!audit.contains("B0/abc"), "nor the URL's path");
}
