//! The API under load: the real server, on the benchmark's database, with
//! many concurrent clients requesting organisations' results (what a
//! dashboard shows) over real HTTP on loopback.

use crate::harness::BenchError;
use assay_core::access::Role;
use assay_core::catalogue::Catalogue;
use assay_server::auth::{password, secrets};
use assay_server::{AppState, ServerConfig};
use assay_store::{Actor, NewApiToken, NewUser, Scope, SqlStore, Store};
use chrono::{TimeDelta, Utc};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Latency and throughput of one endpoint under load.
#[derive(Debug, Clone, Default)]
pub struct LoadFigures {
    pub endpoint: String,
    pub clients: usize,
    pub requests: usize,
    pub failures: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub per_second: f64,
}

/// A provider admin's API token in `store`.
fn bench_token(store: &dyn Store) -> Result<String, BenchError> {
    let actor = Actor::new("bench", "bench");
    let now = Utc::now();
    let hash = password::hash_password("benchmark passphrase, not secret")
        .map_err(|e| BenchError::Setup(format!("hashing: {e}")))?;
    let new = NewUser {
        username: format!("bench-{}", now.timestamp_micros()),
        display_name: "benchmark".into(),
        role: Role::ProviderAdmin,
        orgs: Vec::new(),
        password_hash: hash,
    };
    let user = store.create_user(&actor, &Scope::All, new, now)?;
    let (token, token_hash) = secrets::new_token(secrets::TokenKind::Api);
    let t = NewApiToken {
        user_id: user.id,
        name: "bench".into(),
        token_hash,
        role: Role::ProviderAdmin,
        orgs: Vec::new(),
        expires_at: Some(now + TimeDelta::hours(1)),
    };
    store.create_token(&actor, &Scope::All, t, now)?;
    Ok(token)
}

/// One GET over a fresh connection; the status code.
async fn get(addr: SocketAddr, path: &str, token: &str) -> std::io::Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let status = response
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse().ok());
    Ok(status.unwrap_or(0))
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Serves `store` (with the built-in catalogues) on a free loopback port
/// while `work` runs against its address, then stops it.
pub(crate) fn with_server<T, Fut>(
    store: Arc<dyn Store>,
    work: impl FnOnce(SocketAddr) -> Fut,
) -> Result<T, BenchError>
where
    Fut: std::future::Future<Output = Result<T, BenchError>>,
{
    // A free loopback port: bind, read it, let the server take it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let state = AppState::new(
        store,
        Catalogue::builtin()?,
        ServerConfig {
            listen: addr,
            ..ServerConfig::default()
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(assay_server::serve(state, async {
            let _ = stopped.await;
        }));
        // Wait until it accepts connections.
        let ready = Instant::now();
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            if ready.elapsed() > Duration::from_secs(10) {
                return Err(BenchError::Setup("the server did not start".into()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let out = work(addr).await;
        let _ = stop.send(());
        let _ = server.await;
        out
    })
}

/// Serves the database at `url` and sends `clients × per_client` requests
/// for the results of the organisations `slugs`, round robin.
pub fn run(
    url: &str,
    slugs: &[String],
    clients: usize,
    per_client: usize,
) -> Result<LoadFigures, BenchError> {
    let store: Arc<dyn Store> = Arc::new(SqlStore::open_url(url)?);
    let token = bench_token(store.as_ref())?;
    with_server(store, |addr| async move {
        let slugs = Arc::new(slugs.to_vec());
        let token = Arc::new(token);
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|c| {
                let (slugs, token) = (slugs.clone(), token.clone());
                tokio::spawn(async move {
                    let mut samples = Vec::with_capacity(per_client);
                    let mut failures = 0;
                    for i in 0..per_client {
                        let slug = &slugs[(c * per_client + i) % slugs.len().max(1)];
                        let t = Instant::now();
                        match get(addr, &format!("/api/v1/orgs/{slug}/results"), &token).await {
                            Ok(200) => samples.push(t.elapsed()),
                            _ => failures += 1,
                        }
                    }
                    (samples, failures)
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(clients * per_client);
        let mut failures = 0;
        for t in tasks {
            let (samples, f) = t
                .await
                .map_err(|e| BenchError::Setup(format!("client task: {e}")))?;
            latencies.extend(samples);
            failures += f;
        }
        let wall = started.elapsed();
        latencies.sort();
        Ok(LoadFigures {
            endpoint: "GET /api/v1/orgs/{slug}/results".into(),
            clients,
            requests: latencies.len() + failures,
            failures,
            p50: percentile(&latencies, 0.50),
            p99: percentile(&latencies, 0.99),
            per_second: latencies.len() as f64 / wall.as_secs_f64().max(1e-9),
        })
    })
}
