//! Support for the end-to-end API suite (`tests/api.rs`): a temporary
//! database (SQLite, or PostgreSQL with `ASSAY_TEST_BACKEND=postgres`)
//! driven through the real `assay` binary, `assay serve` as a child
//! process, a minimal blocking HTTP/1.1 client over `TcpStream`, and RFC 6238
//! codes for MFA logins. No dependency beyond the crate's own.

use assay_store::testing::{Backend, TestDb};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The password every test account gets (it passes the password rules).
pub const PASSWORD: &str = "Correct-horse-battery-1";

// The database and the command line.

/// A throwaway database on the backend `ASSAY_TEST_BACKEND` names
/// (SQLite by default), and a temporary directory for other files.
pub struct Env {
    dir: tempfile::TempDir,
    db: TestDb,
}

/// An account made with `assay user add`, with its MFA enrolment if any.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub password: String,
    /// The base32 TOTP secret, for roles that must use MFA.
    pub secret: Option<String>,
    /// The ten one-time recovery codes, for roles that must use MFA.
    pub recovery_codes: Vec<String>,
}

impl Env {
    pub fn new() -> Env {
        Env::on(Backend::from_env())
    }

    /// A throwaway database on `backend`, whatever `ASSAY_TEST_BACKEND` says.
    pub fn on(backend: Backend) -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            db: TestDb::new(backend),
        }
    }

    /// The database, as `--database-url` takes it.
    #[allow(dead_code)]
    pub fn database_url(&self) -> &str {
        self.db.url()
    }

    /// The database itself, to change behind Assay's back.
    pub fn database(&self) -> &TestDb {
        &self.db
    }

    /// A directory for the test's other files.
    #[allow(dead_code)]
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_assay"));
        c.env("ASSAY_DATABASE_URL", self.db.url())
            .env_remove("ASSAY_NOW")
            .env_remove("ASSAY_LISTEN")
            .env_remove("ASSAY_BODY_LIMIT")
            .env_remove("ASSAY_SESSION_IDLE_SECONDS")
            .env_remove("ASSAY_SESSION_ABSOLUTE_SECONDS")
            .env_remove("ASSAY_FRAMEWORKS_DIR");
        c
    }

    /// Runs `assay ARGS` with `stdin`; returns its output whatever the status.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run assay");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wait for assay")
    }

    /// Runs `assay ARGS`, requires success and returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with_stdin(args, "")
    }

    pub fn ok_with_stdin(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "assay {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// The demo MSP: 26 organisations with six months of records.
    pub fn demo(&self) {
        self.ok(&["demo"]);
    }

    /// A small world: provider `northwind`, clients `alpha` and `beta`, each
    /// client with the sites `hq` and `depot`.
    pub fn small_world(&self) {
        self.ok(&[
            "org",
            "add",
            "northwind",
            "--name",
            "Northwind IT",
            "--kind",
            "provider",
        ]);
        for (slug, name) in [("alpha", "Alpha Ltd"), ("beta", "Beta Ltd")] {
            self.ok(&["org", "add", slug, "--name", name]);
            let file = self.dir.path().join(format!("{slug}-sites.csv"));
            std::fs::write(
                &file,
                format!("id,name,country\nhq,{name} head office,GB\ndepot,{name} depot,GB\n"),
            )
            .expect("write sites");
            self.ok(&[
                "import",
                "site",
                file.to_str().expect("utf-8 path"),
                "--org",
                slug,
            ]);
        }
    }

    /// `assay user add NAME --role ROLE [--org O]…`, password on stdin.
    pub fn add_user(&self, name: &str, role: &str, orgs: &[&str]) -> Account {
        let mut args = vec!["user", "add", name, "--role", role];
        for o in orgs {
            args.extend(["--org", o]);
        }
        let out = self.ok_with_stdin(&args, &format!("{PASSWORD}\n"));
        let secret = out.split("secret=").nth(1).map(|rest| {
            rest.split(['&', ' ', '\n'])
                .next()
                .unwrap_or_default()
                .to_string()
        });
        let recovery_codes = out
            .split_once("Recovery codes")
            .map(|(_, rest)| {
                rest.lines()
                    .skip(1)
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        Account {
            name: name.to_string(),
            password: PASSWORD.to_string(),
            secret,
            recovery_codes,
        }
    }

    /// `assay user token USER --name NAME EXTRA…`: the token.
    pub fn cli_token(&self, user: &str, name: &str, extra: &[&str]) -> String {
        let mut args = vec!["user", "token", user, "--name", name];
        args.extend_from_slice(extra);
        let token = self.ok(&args).trim().to_string();
        assert!(token.starts_with("assay_"), "not a token: {token}");
        token
    }

    /// Starts `assay serve --listen 127.0.0.1:0 EXTRA…` on this database.
    /// Scheduled evaluations are off unless EXTRA sets `--evaluate-every`,
    /// so that a test's results change only when it says so.
    pub fn serve(&self, extra: &[&str]) -> Server {
        let schedule: &[&str] = if extra.contains(&"--evaluate-every") {
            &[]
        } else {
            &["--evaluate-every", "off"]
        };
        let mut child = self
            .command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(schedule)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start assay serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.split("assay listening on http://").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                }
                if let Ok(mut l) = sink.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => server.addr = addr,
            Err(_) => panic!("assay serve did not start listening: {}", server.log_text()),
        }
        server
    }
}

/// A running `assay serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// What the server wrote on standard error so far.
    pub fn log_text(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits until the server's standard error holds `needle`, and returns
    /// it all; panics after `timeout`.
    #[allow(dead_code)]
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let log = self.log_text();
            if log.contains(needle) {
                return log;
            }
            assert!(
                start.elapsed() < timeout,
                "after {timeout:?} the server has not written {needle:?}; its log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server as Ctrl-C would (SIGINT) and returns how it ended,
    /// once its standard error is read to the end.
    #[allow(dead_code)]
    pub fn interrupt(mut self) -> (std::process::ExitStatus, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: signalling our own child process, which has not been
        // waited for, so the pid is still its own.
        let sent = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(sent, 0, "cannot signal assay serve");
        let status = self.child.wait().expect("wait for assay serve");
        // The reader thread ends at end of file, shortly after the exit.
        std::thread::sleep(Duration::from_millis(200));
        (status, self.log_text())
    }

    /// A client that sends no credentials.
    pub fn anonymous(&self) -> Api {
        Api {
            addr: self.addr.clone(),
            auth: Auth::None,
        }
    }

    /// A client authenticating with an API token.
    pub fn bearer(&self, token: &str) -> Api {
        Api {
            addr: self.addr.clone(),
            auth: Auth::Bearer(token.to_string()),
        }
    }

    /// A client sending the session cookie `value`.
    pub fn cookie(&self, value: &str) -> Api {
        Api {
            addr: self.addr.clone(),
            auth: Auth::Cookie(value.to_string()),
        }
    }

    /// `POST /api/v1/session` with a username and password.
    pub fn login_attempt(&self, username: &str, password: &str) -> Response {
        self.anonymous().post(
            "/api/v1/session",
            &json!({"username": username, "password": password}),
        )
    }

    /// Logs in an account without MFA; the cookie-authenticated client.
    pub fn login(&self, account: &Account) -> Api {
        let r = self.login_attempt(&account.name, &account.password);
        r.expect(200, &format!("login of {}", account.name));
        assert_eq!(r.json()["mfa_required"], false, "login of {}", account.name);
        self.session_of(&r)
    }

    /// Logs in an account with MFA and completes it with the current TOTP
    /// code. Use it at most once per account and 30-second step: a code may
    /// be accepted only once.
    pub fn login_with_totp(&self, account: &Account) -> Api {
        let r = self.login_attempt(&account.name, &account.password);
        r.expect(200, &format!("login of {}", account.name));
        assert_eq!(r.json()["mfa_required"], true, "login of {}", account.name);
        let api = self.session_of(&r);
        let secret = account.secret.as_deref().expect("account has MFA");
        api.post("/api/v1/session/mfa", &json!({"code": totp_now(secret)}))
            .expect(200, &format!("MFA of {}", account.name));
        api
    }

    /// The client holding the session cookie a login answer set.
    pub fn session_of(&self, login: &Response) -> Api {
        let value = login
            .set_cookie("assay_session")
            .unwrap_or_else(|| panic!("no session cookie in {login:?}"));
        self.cookie(&value)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// HTTP.

/// How a client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Cookie(String),
    Bearer(String),
}

/// A client of one server with one credential.
#[derive(Debug, Clone)]
pub struct Api {
    pub addr: String,
    pub auth: Auth,
}

impl Api {
    /// Sends a request. A JSON body gets `Content-Type: application/json`; a
    /// cookie-authenticated request gets `Sec-Fetch-Site: same-origin`
    /// unless `headers` say otherwise (as a browser on the site would send).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Response {
        let mut all: Vec<(String, String)> = Vec::new();
        match &self.auth {
            Auth::None => {}
            Auth::Cookie(c) => {
                all.push(("Cookie".into(), format!("assay_session={c}")));
                let has = |n: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
                if !has("sec-fetch-site") && !has("origin") {
                    all.push(("Sec-Fetch-Site".into(), "same-origin".into()));
                }
            }
            Auth::Bearer(t) => all.push(("Authorization".into(), format!("Bearer {t}"))),
        }
        all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        raw_request(&self.addr, method, path, &all, body)
    }

    fn json_body(&self, method: &str, path: &str, body: &Value) -> Response {
        let bytes = serde_json::to_vec(body).expect("serialise body");
        self.send(
            method,
            path,
            &[("Content-Type", "application/json")],
            Some(&bytes),
        )
    }

    pub fn get(&self, path: &str) -> Response {
        self.send("GET", path, &[], None)
    }

    pub fn delete(&self, path: &str) -> Response {
        self.send("DELETE", path, &[], None)
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        self.json_body("POST", path, body)
    }

    pub fn put(&self, path: &str, body: &Value) -> Response {
        self.json_body("PUT", path, body)
    }

    /// Follows `next` cursors from `path` to the last page; every page's
    /// answer, in order.
    pub fn pages(&self, path: &str) -> Vec<Response> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                None => path.to_string(),
                Some(c) => format!("{path}{sep}cursor={c}"),
            };
            let r = self.get(&url);
            let next = (r.status == 200)
                .then(|| r.json()["next"].as_str().map(String::from))
                .flatten();
            out.push(r);
            match next {
                Some(n) => cursor = Some(n),
                None => return out,
            }
            assert!(out.len() < 10_000, "{path}: the cursors never end");
        }
    }

    /// Every item of a paged list, following cursors; panics unless every
    /// page answers 200.
    pub fn all_items(&self, path: &str) -> Vec<Value> {
        self.pages(path)
            .into_iter()
            .flat_map(|r| {
                r.expect(200, path);
                r.json()["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_else(|| panic!("{path}: no items in {r:?}"))
            })
            .collect()
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`).
pub fn raw_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(Duration::from_secs(60)))
        .expect("write timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nUser-Agent: assay-api-tests\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    // The server may answer (413) and close before reading a whole body.
    let _ = stream.write_all(&bytes);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if !raw.is_empty() => {
                eprintln!("{method} {path}: read ended with {e}");
                break;
            }
            Err(e) => panic!("{method} {path}: no answer: {e}"),
        }
    }
    let mut response = Response::parse(method, path, &raw);
    response.sent = String::from_utf8_lossy(body.unwrap_or_default()).to_string();
    response
}

/// An HTTP answer.
pub struct Response {
    /// `METHOD path`, for messages.
    pub request: String,
    /// The body that was sent.
    pub sent: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} -> {} [{}] {}",
            self.request,
            self.status,
            self.header("content-type").unwrap_or("no content-type"),
            self.text()
        )
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = find(data, b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).unwrap_or(0);
        data = &data[end + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
    out
}

impl Response {
    fn parse(method: &str, path: &str, raw: &[u8]) -> Response {
        let request = format!("{method} {path}");
        let split = find(raw, b"\r\n\r\n").unwrap_or_else(|| {
            panic!(
                "{request}: no HTTP head in {:?}",
                String::from_utf8_lossy(raw)
            )
        });
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{request}: bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let rest = &raw[split + 4..];
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(rest)
        } else {
            let length = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse::<usize>().ok());
            match length {
                Some(n) => rest[..n.min(rest.len())].to_vec(),
                None => rest.to_vec(),
            }
        };
        Response {
            request,
            sent: String::new(),
            status,
            headers,
            body,
        }
    }

    /// The first header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value the `Set-Cookie` headers give cookie `name`, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookie_line(name).map(|line| {
            line.split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        })
    }

    /// The whole `Set-Cookie` header for cookie `name`, attributes included.
    pub fn set_cookie_line(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .find(|v| v.trim_start().starts_with(&format!("{name}=")))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{self:?}: the body is not JSON: {e}"))
    }

    /// Panics unless the status is `status`.
    pub fn expect(&self, status: u16, context: &str) -> &Response {
        assert_eq!(self.status, status, "{context}: {self:?}");
        self
    }

    /// Why this answer is not an RFC 9457 problem with `status` and a
    /// `detail`, if it is not.
    pub fn problem_error(&self, status: u16) -> Option<String> {
        if self.status != status {
            return Some(format!("expected {status}, got {self:?}"));
        }
        let content_type = self.header("content-type").unwrap_or_default();
        if !content_type.starts_with("application/problem+json") {
            return Some(format!(
                "expected Content-Type application/problem+json: {self:?}"
            ));
        }
        let Ok(v) = serde_json::from_slice::<Value>(&self.body) else {
            return Some(format!("the problem is not JSON: {self:?}"));
        };
        if v["status"] != status {
            return Some(format!("the problem's status is not {status}: {self:?}"));
        }
        match v["detail"].as_str() {
            Some(d) if !d.trim().is_empty() => None,
            _ => Some(format!("the problem has no detail: {self:?}")),
        }
    }

    /// Panics unless this is a problem document with `status` and a
    /// `detail`; returns the detail.
    pub fn expect_problem(&self, status: u16, context: &str) -> String {
        if let Some(e) = self.problem_error(status) {
            panic!("{context}: {e}");
        }
        self.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

// RFC 6238 time-based one-time passwords (HMAC-SHA-1, 6 digits, 30 s), as
// authenticator apps compute them. `assay_server::auth::totp` only checks
// codes, so the codes are computed here.

fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..20].copy_from_slice(&sha1(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha1(&inner));
    sha1(&outer)
}

/// RFC 4648 base32 (upper or lower case, padding ignored).
fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut bits, mut count) = (0u64, 0u32);
    for c in text.trim_end_matches('=').chars() {
        let v = match c.to_ascii_uppercase() {
            x @ 'A'..='Z' => x as u64 - 'A' as u64,
            x @ '2'..='7' => x as u64 - '2' as u64 + 26,
            other => panic!("not base32: {other:?} in {text}"),
        };
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// The 6-digit code for `secret` in time step `step` (Unix time / 30).
pub fn totp_for_step(secret: &str, step: u64) -> String {
    let mac = hmac_sha1(&base32_decode(secret), &step.to_be_bytes());
    let offset = usize::from(mac[19] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

/// The code for `secret` at Unix time `seconds`.
pub fn totp_at(secret: &str, seconds: u64) -> String {
    totp_for_step(secret, seconds / 30)
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// The code an authenticator app shows now.
pub fn totp_now(secret: &str) -> String {
    totp_at(secret, unix_now())
}

/// A well-formed code that is valid in no step near now.
pub fn wrong_code(secret: &str) -> String {
    let step = unix_now() / 30;
    let near: Vec<String> = (step - 3..=step + 3)
        .map(|s| totp_for_step(secret, s))
        .collect();
    let mut n: u32 = totp_for_step(secret, step).parse().unwrap_or(0);
    loop {
        n = (n + 1) % 1_000_000;
        let candidate = format!("{n:06}");
        if !near.contains(&candidate) {
            return candidate;
        }
    }
}

// Waiting.

/// Sleeps until `seconds` after `start`.
pub fn sleep_until(start: Instant, seconds: f64) {
    let target = start + Duration::from_secs_f64(seconds);
    let now = Instant::now();
    if target > now {
        std::thread::sleep(target - now);
    }
}
