//! `assay serve`: the HTTP API.

use crate::Ctx;
use anyhow::{Context, Result};
use assay_server::{AppState, ServerConfig};
use clap::Args;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serve the JSON API under /api/v1, with /healthz and /readyz. Every
/// setting can also come from the environment (ASSAY_…); flags win.
#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ASSAY_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ASSAY_BODY_LIMIT", default_value_t = 10 << 20)]
    body_limit: usize,
    /// A request taking longer than this many seconds is answered 408.
    #[arg(long, env = "ASSAY_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// A session unused for this many seconds expires (default 30 minutes).
    #[arg(long, env = "ASSAY_SESSION_IDLE_SECONDS", default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..))]
    session_idle_seconds: u64,
    /// A session expires this many seconds after login (default 12 hours).
    #[arg(long, env = "ASSAY_SESSION_ABSOLUTE_SECONDS", default_value_t = 43200, value_parser = clap::value_parser!(u64).range(1..))]
    session_absolute_seconds: u64,
    /// Clients reach Assay over HTTPS (through a TLS-terminating proxy):
    /// cookies are marked Secure and HSTS is sent. Implied by --tls-cert.
    #[arg(long, env = "ASSAY_HTTPS")]
    https: bool,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, env = "ASSAY_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key for --tls-cert.
    #[arg(long, env = "ASSAY_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A reverse proxy whose X-Forwarded-For is believed (repeatable, or comma-separated in the variable).
    #[arg(
        long = "trusted-proxy",
        env = "ASSAY_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<IpAddr>,
}

pub fn run(ctx: Ctx, a: ServeArgs) -> Result<()> {
    let config = ServerConfig {
        listen: a.listen,
        body_limit: a.body_limit,
        request_timeout: Duration::from_secs(a.request_timeout),
        session_idle: Duration::from_secs(a.session_idle_seconds),
        session_absolute: Duration::from_secs(a.session_absolute_seconds),
        https: a.https || a.tls_cert.is_some(),
        tls: a.tls_cert.zip(a.tls_key),
        trusted_proxies: a.trusted_proxies,
    };
    let state = AppState::new(Arc::from(ctx.store), ctx.catalogue, config);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("shutting down");
        };
        assay_server::serve(state, shutdown).await
    })?;
    Ok(())
}
