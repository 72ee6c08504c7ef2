//! `assay serve`: the HTTP API.

use crate::Ctx;
use anyhow::{Context, Result};
use assay_server::worker::{Pauses, Worker, WorkerConfig, default_node_name};
use assay_server::{AppState, ServerConfig};
use assay_store::jobs::JobKind;
use clap::Args;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serve the JSON API under /api/v1, with /healthz and /readyz, and run
/// background jobs (scheduled evaluations, webhook notifications,
/// retention). Several nodes may
/// serve one PostgreSQL database. Every setting can also come from the
/// environment (ASSAY_…); flags win.
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
    /// This node's name in background-job claims (default host:pid). Several
    /// nodes may serve one PostgreSQL database; each needs its own name.
    #[arg(long, env = "ASSAY_NODE_NAME")]
    node_name: Option<String>,
    /// Evaluate every organisation this often (e.g. 15m, 1h, 1d; `off` for
    /// never). Whichever node claims the job runs it; the run is stored once.
    #[arg(long, env = "ASSAY_EVALUATE_EVERY", default_value = "1h", value_parser = parse_every)]
    evaluate_every: Every,
    /// How long a node's claim on a background job lasts unless renewed: how
    /// soon another node takes over the job of a node that died.
    #[arg(long, env = "ASSAY_JOB_LEASE", default_value = "60s", value_parser = parse_duration)]
    job_lease: Duration,
    /// How often the node looks for due background jobs.
    #[arg(long, env = "ASSAY_JOB_POLL", default_value = "5s", value_parser = parse_duration)]
    job_poll: Duration,
    /// A failed background job (such as a webhook delivery the receiver
    /// refused) is retried after this long times its attempt number, up to
    /// five attempts.
    #[arg(long, env = "ASSAY_JOB_RETRY", default_value = "30s", value_parser = parse_duration)]
    job_retry: Duration,
    /// How long a webhook receiver has to answer a delivery.
    #[arg(long, env = "ASSAY_WEBHOOK_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    webhook_timeout: Duration,
    /// Keep login attempts, ended sessions, finished jobs and webhook
    /// deliveries this many days.
    #[arg(long, env = "ASSAY_KEEP_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u64).range(1..))]
    keep_days: u64,
    /// Test hook: wait this long after claiming each job before working on it.
    #[arg(long, hide = true, default_value = "0s", value_parser = parse_duration)]
    debug_pause_after_claim: Duration,
    /// Test hook: wait this long after each job's work, before recording it
    /// as finished.
    #[arg(long, hide = true, default_value = "0s", value_parser = parse_duration)]
    debug_pause_before_finish: Duration,
    /// Test hook: only jobs of this kind (evaluate, retention, notify) pause.
    #[arg(long, hide = true, value_parser = parse_job_kind)]
    debug_pause_kind: Option<JobKind>,
}

fn parse_job_kind(s: &str) -> Result<JobKind, String> {
    JobKind::parse(s)
        .ok_or_else(|| format!("'{s}' is not a job kind (evaluate, retention, notify)"))
}

/// An interval, or never.
#[derive(Clone, Copy)]
struct Every(Option<Duration>);

fn parse_every(s: &str) -> Result<Every, String> {
    if matches!(s.trim(), "off" | "never" | "0") {
        return Ok(Every(None));
    }
    parse_duration(s).map(|d| Every(Some(d)))
}

/// `90s`, `15m`, `2h`, `1d`, or a number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 30s, 15m, 1h, 1d)"))?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("'{s}': the unit must be s, m, h or d")),
    };
    let secs = n.saturating_mul(unit_secs);
    // Far beyond any sensible setting, and a time that far ahead would not
    // fit a timestamp.
    if secs > MAX_DURATION_SECS {
        return Err(format!("'{s}' is longer than a year"));
    }
    Ok(Duration::from_secs(secs))
}

const MAX_DURATION_SECS: u64 = 366 * 86_400;

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
    if a.job_lease < Duration::from_secs(1) {
        anyhow::bail!("--job-lease must be at least 1s");
    }
    let store: Arc<dyn assay_store::Store> = Arc::from(ctx.store);
    let worker = Worker::start(
        Arc::clone(&store),
        ctx.catalogue.clone(),
        WorkerConfig {
            node: a.node_name.unwrap_or_else(default_node_name),
            evaluate_every: a.evaluate_every.0.filter(|d| !d.is_zero()),
            lease: a.job_lease,
            poll: a.job_poll.max(Duration::from_millis(100)),
            keep: Duration::from_secs(a.keep_days * 86_400),
            retry_base: a.job_retry.max(Duration::from_secs(1)),
            webhook_timeout: a.webhook_timeout.max(Duration::from_secs(1)),
            pauses: Pauses {
                kind: a.debug_pause_kind,
                after_claim: a.debug_pause_after_claim,
                before_finish: a.debug_pause_before_finish,
            },
        },
    );
    let state = AppState::new(store, ctx.catalogue, config);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("shutting down");
        };
        assay_server::serve(state, shutdown).await
    })?;
    worker.stop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit_and_stay_within_a_year() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(
            parse_duration("366d"),
            Ok(Duration::from_secs(366 * 86_400))
        );
        for bad in ["", "m", "1w", "-5s", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
        for huge in ["367d", "100000000d", "99999999999999999999s"] {
            assert!(parse_duration(huge).is_err(), "{huge} was accepted");
        }
    }
}
