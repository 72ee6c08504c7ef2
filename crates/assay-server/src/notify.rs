//! Webhook notifications: what an evaluation run changed, per organisation,
//! posted as signed JSON to each webhook that has not had it yet. The
//! worker runs this as the `notify` job for a run; a failed delivery fails
//! the job, which is retried, and a retry sends only what was not
//! delivered.
//!
//! Each delivery carries `X-Assay-Signature: t=UNIX,v1=HEX`, where HEX is
//! HMAC-SHA256 over `UNIX.BODY` keyed with the webhook's secret, so a
//! receiver can check it came from Assay and is fresh.

use crate::auth::secrets::{TokenKind, new_token};
use assay_core::changes::{StatusChange, status_changes};
use assay_core::engine::FrameworkResult;
use assay_core::value::format_timestamp;
use assay_store::notify::{Attempt, Webhook};
use assay_store::{RunInfo, Scope, Store, StoreError};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The event every delivery so far announces.
pub const EVENT: &str = "results.changed";

/// The longest webhook URL accepted.
const MAX_URL_LEN: usize = 2000;

/// A new signing secret for a webhook.
pub fn new_secret() -> String {
    new_token(TokenKind::WebhookSecret).0
}

/// `url` as a webhook is stored and posted to (as the URL standard writes
/// it, so what is checked, stored and audited is what is reached), or why
/// it cannot be one: it must be an absolute http or https URL with a host,
/// without credentials, and not at an address webhooks may not reach.
pub fn check_url(url: &str) -> Result<String, String> {
    if url.len() > MAX_URL_LEN {
        return Err(format!("the URL is longer than {MAX_URL_LEN} characters"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("'{url}' is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "'{url}': a webhook URL must start with https:// or http://"
        ));
    }
    let ip = match parsed.host() {
        None | Some(url::Host::Domain("")) => return Err(format!("'{url}' names no host")),
        Some(url::Host::Domain(_)) => None,
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
    };
    if let Some(ip) = ip.filter(|ip| off_limits(*ip)) {
        return Err(format!(
            "'{url}': webhooks may not reach {ip} (link-local addresses, such as cloud instance metadata, and addresses of no one host are refused)"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "a webhook URL must not carry a user name or password; the deliveries are signed instead"
                .into(),
        );
    }
    Ok(parsed.to_string())
}

/// Addresses no delivery may reach, whatever name leads there: link-local
/// ones, where cloud providers serve instance metadata and credentials
/// (169.254.169.254, fd00:ec2::254), and those that name no one host.
/// Private networks and loopback stay allowed: an MSP's ticketing system
/// is often on-premises.
fn off_limits(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_link_local() || v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast()
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => off_limits(IpAddr::V4(v4)),
            None => {
                v6.is_unspecified()
                    || v6.is_multicast()
                    || (v6.segments()[0] & 0xffc0) == 0xfe80
                    || v6 == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
            }
        },
    }
}

/// Resolves host names as usual, then drops the addresses no delivery may
/// reach, so that a name cannot lead where an address literal may not.
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|a| !off_limits(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!(
                    "{host} resolves to no address a webhook may reach (link-local addresses, such as cloud instance metadata, are refused)"
                )
                .into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The `X-Assay-Signature` value for `body` sent at Unix time `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let mac = hmac_sha256_hex(secret.as_bytes(), &[t.as_bytes(), b".", body]);
    format!("t={t},v1={mac}")
}

/// HMAC-SHA256 of the concatenated `parts`, in hex.
fn hmac_sha256_hex(key: &[u8], parts: &[&[u8]]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Posts deliveries. Built once per worker: it holds a connection pool.
pub struct Sender {
    client: reqwest::blocking::Client,
}

impl Sender {
    /// A client that waits at most `timeout` for an answer and follows no
    /// redirects (a redirect is not a delivery).
    pub fn new(timeout: Duration) -> Result<Sender, String> {
        // One TLS provider for the whole process: ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("assay/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Sender { client })
    }

    fn post(&self, hook: &Webhook, delivery: &str, body: Vec<u8>, now: DateTime<Utc>) -> Attempt {
        let sent = self
            .client
            .post(&hook.url)
            .header("Content-Type", "application/json")
            .header("X-Assay-Event", EVENT)
            .header("X-Assay-Delivery", delivery)
            .header(
                "X-Assay-Signature",
                signature(&hook.secret, now.timestamp(), &body),
            )
            .body(body)
            .send();
        match sent {
            Ok(answer) => {
                let status = answer.status();
                Attempt {
                    status: Some(status.as_u16()),
                    error: (!status.is_success())
                        .then(|| format!("the receiver answered {status}")),
                    delivered: status.is_success(),
                }
            }
            // Without the URL: reqwest's message names it, and a URL may
            // carry a token in its path or query. With the causes, which
            // say what failed (name look-up, refused, TLS, time-out).
            Err(e) => {
                let e = e.without_url();
                let mut text = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    text = format!("{text}: {c}");
                    cause = c.source();
                }
                Attempt {
                    status: None,
                    error: Some(text),
                    delivered: false,
                }
            }
        }
    }
}

/// One organisation's changes in a run.
struct OrgChanges {
    slug: String,
    name: String,
    changes: Vec<StatusChange>,
}

/// Every organisation's changes in `run`, for those `wanted` says.
fn changes_of_run(
    store: &dyn Store,
    run: Uuid,
    wanted: &dyn Fn(Uuid) -> bool,
) -> Result<BTreeMap<Uuid, Vec<StatusChange>>, StoreError> {
    let decode = |json: &str| {
        serde_json::from_str::<FrameworkResult>(json)
            .map_err(|e| StoreError::Corrupt(format!("a stored result of run {run}: {e}")))
    };
    let mut out: BTreeMap<Uuid, Vec<StatusChange>> = BTreeMap::new();
    store.each_result_pair(run, &mut |pair| {
        if !wanted(pair.org_id) {
            return Ok(());
        }
        let previous = pair.previous.as_deref().map(decode).transpose()?;
        let changes = status_changes(previous.as_ref(), &decode(&pair.current)?);
        if !changes.is_empty() {
            out.entry(pair.org_id).or_default().extend(changes);
        }
        Ok(())
    })?;
    Ok(out)
}

/// The JSON a webhook receives for `run`.
fn payload(run: &RunInfo, delivery: &str, orgs: &[&OrgChanges]) -> Value {
    let changes: usize = orgs.iter().map(|o| o.changes.len()).sum();
    let regressions: usize = orgs
        .iter()
        .flat_map(|o| &o.changes)
        .filter(|c| c.is_regression())
        .count();
    json!({
        "event": EVENT,
        "delivery": delivery,
        "run": {
            "id": run.id,
            "evaluated_at": format_timestamp(&run.evaluated_at),
            "finished_at": format_timestamp(&run.finished_at),
        },
        "changes": changes,
        "regressions": regressions,
        "organisations": orgs.iter().map(|o| json!({
            "slug": o.slug,
            "name": o.name,
            "changes": o.changes,
        })).collect::<Vec<_>>(),
    })
}

/// Whether webhook `id` exists and is not revoked.
fn still_live(store: &dyn Store, id: Uuid) -> Result<bool, StoreError> {
    Ok(store
        .list_webhooks(&Scope::All)?
        .iter()
        .any(|h| h.id == id && h.revoked_at.is_none()))
}

/// Sends what `run` changed to every webhook that hears about it and has
/// not had it: a summary, or why some deliveries failed (the job is then
/// retried).
pub fn deliver_run(
    store: &dyn Store,
    sender: &Sender,
    run_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let err = |e: StoreError| e.to_string();
    let run = store.get_run(run_id).map_err(err)?;
    let delivered: HashSet<Uuid> = store
        .deliveries(run_id)
        .map_err(err)?
        .into_iter()
        .filter(|d| d.delivered_at.is_some())
        .map(|d| d.webhook_id)
        .collect();
    let hooks: Vec<Webhook> = store
        .list_webhooks(&Scope::All)
        .map_err(err)?
        .into_iter()
        .filter(|h| h.hears_run_at(run.finished_at) && !delivered.contains(&h.id))
        .collect();
    if hooks.is_empty() {
        return Ok(format!(
            "nothing to send for run {run_id} ({} delivered before)",
            delivered.len()
        ));
    }
    let every_org = hooks.iter().any(|h| h.org_id.is_none());
    let hook_orgs: HashSet<Uuid> = hooks.iter().filter_map(|h| h.org_id).collect();
    let changes =
        changes_of_run(store, run_id, &|org| every_org || hook_orgs.contains(&org)).map_err(err)?;
    let names: BTreeMap<Uuid, (String, String)> = store
        .list_orgs(&Scope::All)
        .map_err(err)?
        .into_iter()
        .map(|o| (o.id, (o.slug, o.name)))
        .collect();
    let by_org: Vec<(Uuid, OrgChanges)> = changes
        .into_iter()
        .map(|(id, changes)| {
            let (slug, name) = names.get(&id).cloned().unwrap_or_default();
            (
                id,
                OrgChanges {
                    slug,
                    name,
                    changes,
                },
            )
        })
        .collect();

    let (mut sent, mut quiet, mut failures) = (0, 0, Vec::new());
    for hook in &hooks {
        let orgs: Vec<&OrgChanges> = by_org
            .iter()
            .filter(|(id, _)| hook.org_id.is_none_or(|o| o == *id))
            .map(|(_, c)| c)
            .collect();
        if orgs.is_empty() {
            quiet += 1;
            continue;
        }
        // Revoked since the list was read (a slow receiver before it)?
        if !still_live(store, hook.id).map_err(err)? {
            continue;
        }
        let delivery = format!("{run_id}:{}", hook.id);
        let body = serde_json::to_vec(&payload(&run, &delivery, &orgs))
            .map_err(|e| format!("cannot encode the notification: {e}"))?;
        let attempt = sender.post(hook, &delivery, body, Utc::now());
        store
            .record_delivery(run_id, hook.id, &attempt, now)
            .map_err(err)?;
        if attempt.delivered {
            sent += 1;
        } else {
            failures.push(format!(
                "webhook {}: {}",
                hook.id,
                attempt.error.unwrap_or_default()
            ));
        }
    }
    if failures.is_empty() {
        Ok(format!(
            "run {run_id}: delivered to {sent} webhooks, {quiet} had no changes to hear"
        ))
    } else {
        Err(format!(
            "run {run_id}: {} of {} deliveries failed ({})",
            failures.len(),
            failures.len() + sent,
            failures.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        assert!(check_url("https://hooks.example.com/assay?team=ops").is_ok());
        assert!(check_url("http://127.0.0.1:8081/in").is_ok());
        assert!(
            check_url("http://10.1.2.3/in").is_ok(),
            "on-premises receivers"
        );
        for bad in [
            "ftp://example.com/x",
            "hooks.example.com/x",
            "https://user:pw@example.com/",
            "file:///etc/passwd",
            "",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/x",
            "http://[fd00:ec2::254]/x",
            "http://[::ffff:169.254.169.254]/x",
            "http://0.0.0.0/x",
            "http://224.0.0.1/x",
        ] {
            assert!(check_url(bad).is_err(), "{bad} was accepted");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(check_url(&long).unwrap_err().contains("longer than"));
    }

    #[test]
    fn the_url_is_kept_as_it_will_be_reached() {
        // Backslashes are path separators in http(s) URLs: what is stored
        // (and cut down to its origin for the audit log) is what is sent to.
        assert_eq!(
            check_url("https://Hooks.Example.com\\services\\T0\\secret").unwrap(),
            "https://hooks.example.com/services/T0/secret"
        );
        assert_eq!(
            check_url("http://127.0.0.1:80/in").unwrap(),
            "http://127.0.0.1/in"
        );
    }

    #[tokio::test]
    async fn names_are_resolved_to_reachable_addresses_only() {
        use reqwest::dns::Resolve;
        let name = |n: &str| n.parse::<reqwest::dns::Name>().unwrap();
        let found: Vec<SocketAddr> = GuardedResolver
            .resolve(name("localhost"))
            .await
            .map(|addrs| addrs.collect())
            .unwrap_or_default();
        assert!(found.iter().any(|a| a.ip().is_loopback()), "{found:?}");
        assert!(found.iter().all(|a| !off_limits(a.ip())));
        assert!(off_limits("169.254.169.254".parse().unwrap()));
        assert!(!off_limits("192.168.1.10".parse().unwrap()));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", &[b"what do ya want ", b"for nothing?"]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_signature_covers_the_time_and_the_body() {
        let sig = signature("Jefe", 1_700_000_000, b"{}");
        assert_eq!(
            sig,
            format!(
                "t=1700000000,v1={}",
                hmac_sha256_hex(b"Jefe", &[b"1700000000.{}"])
            )
        );
        assert_ne!(signature("Jefe", 1_700_000_001, b"{}"), sig);
        assert_ne!(signature("Jefe", 1_700_000_000, b"{ }"), sig);
        assert_ne!(signature("Jeff", 1_700_000_000, b"{}"), sig);
    }
}
