//! TLS for PostgreSQL connections, with libpq's URL parameters: `sslmode`
//! and `sslrootcert`. Whenever TLS is used the server's certificate is
//! verified, chain and host name, against the system's roots or the
//! `sslrootcert` file: an unverified TLS connection protects against
//! nobody on the path, so Assay does not make one.
//!
//! | `sslmode` | TLS | certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` | if the server offers it | verified |
//! | `require`, `verify-full` | always; fails without | verified |
//!
//! Without `sslmode`, a server on loopback gets `prefer` and any other
//! `require`: with `prefer` someone on the path can answer "no TLS" for
//! the server and see everything, so plain text across a network must be
//! asked for by name (`sslmode=disable`, or `prefer`). `allow` and
//! `verify-ca` are refused: the first would try plain text first, the
//! second skips the host name check that Assay always makes.

use crate::{Result, StoreError};
use postgres::config::{Host, SslMode};
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::sync::Arc;

/// A connection URL split into what `postgres::Config` parses and the TLS
/// settings Assay handles itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgTarget {
    /// The URL without `sslmode` and `sslrootcert`.
    pub url: String,
    /// As given; `None` when the URL names no `sslmode`.
    pub mode: Option<Mode>,
    /// PEM file of the certificate authorities to trust instead of the
    /// system's.
    pub root_cert: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
}

impl PgTarget {
    /// Splits `url`; an error names a bad `sslmode`.
    pub fn parse(url: &str) -> Result<PgTarget> {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut mode = None;
        let mut root_cert = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    mode = Some(match value {
                        "disable" => Mode::Disable,
                        "prefer" => Mode::Prefer,
                        "require" | "verify-full" => Mode::Require,
                        "allow" | "verify-ca" => {
                            return Err(StoreError::Invalid(format!(
                                "sslmode={value} is not supported: use prefer, require or verify-full (the server's certificate and name are always verified) or disable"
                            )));
                        }
                        other => {
                            return Err(StoreError::Invalid(format!(
                                "sslmode={other} is not a TLS mode (disable, prefer, require, verify-full)"
                            )));
                        }
                    })
                }
                "sslrootcert" => root_cert = Some(percent_decode(value)),
                _ => rest.push(pair),
            }
        }
        let url = if rest.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        Ok(PgTarget {
            url,
            mode,
            root_cert,
        })
    }

    /// The mode in force for a connection to `hosts`: as given, else
    /// `prefer` when every host is on this machine, else `require`.
    pub fn mode_for(&self, hosts: &[Host]) -> Mode {
        self.mode.unwrap_or_else(|| {
            if !hosts.is_empty() && hosts.iter().all(is_local) {
                Mode::Prefer
            } else {
                Mode::Require
            }
        })
    }

    /// The TLS client configuration: the given roots, or the system's.
    pub fn client_config(&self) -> Result<ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::Database(format!("TLS set-up: {e}")))?;
        let config = match &self.root_cert {
            Some(path) => {
                let mut roots = rustls::RootCertStore::empty();
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                    .and_then(|it| it.collect::<std::result::Result<_, _>>())
                    .map_err(|e| {
                        StoreError::Invalid(format!(
                            "sslrootcert {path}: cannot read certificates: {e}"
                        ))
                    })?;
                if certs.is_empty() {
                    return Err(StoreError::Invalid(format!(
                        "sslrootcert {path} holds no PEM certificate"
                    )));
                }
                for cert in certs {
                    roots
                        .add(cert)
                        .map_err(|e| StoreError::Invalid(format!("sslrootcert {path}: {e}")))?;
                }
                builder.with_root_certificates(roots).with_no_client_auth()
            }
            None => {
                use rustls_platform_verifier::BuilderVerifierExt;
                builder
                    .with_platform_verifier()
                    .map_err(|e| {
                        StoreError::Database(format!(
                            "TLS to PostgreSQL needs certificate authorities to verify the server with, and the system's cannot be used ({e}): install the ca-certificates package, name the server's CA with sslrootcert=PATH, or turn TLS off with sslmode=disable"
                        ))
                    })?
                    .with_no_client_auth()
            }
        };
        Ok(config)
    }
}

/// What `postgres::Config::ssl_mode` is given for `mode`.
pub fn ssl_mode(mode: Mode) -> SslMode {
    match mode {
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require => SslMode::Require,
    }
}

/// A Unix socket, or a TCP host on this machine.
fn is_local(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        _ => true,
    }
}

/// `%XX` escapes decoded (a path in a URL may carry them); anything else
/// as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_settings_are_taken_out_of_the_url() {
        let t = PgTarget::parse(
            "postgres://u:p@db:5432/assay?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(t.url, "postgres://u:p@db:5432/assay?connect_timeout=5");
        assert_eq!(t.mode, Some(Mode::Require));
        assert_eq!(t.root_cert.as_deref(), Some("/etc/ca.pem"));

        let plain = PgTarget::parse("postgres://db/assay").unwrap();
        assert_eq!(
            (plain.url.as_str(), plain.mode, plain.root_cert),
            ("postgres://db/assay", None, None)
        );
        let off = PgTarget::parse("postgres://db/assay?sslmode=disable").unwrap();
        assert_eq!(
            (off.url.as_str(), off.mode),
            ("postgres://db/assay", Some(Mode::Disable))
        );
    }

    #[test]
    fn without_sslmode_only_loopback_may_fall_back_to_plain_text() {
        let mode = |url: &str| {
            let t = PgTarget::parse(url).unwrap();
            let config: postgres::Config = t.url.parse().unwrap();
            t.mode_for(config.get_hosts())
        };
        assert_eq!(mode("postgres://u@127.0.0.1:5432/a"), Mode::Prefer);
        assert_eq!(mode("postgres://u@localhost/a"), Mode::Prefer);
        assert_eq!(mode("postgres://u@[::1]:5432/a"), Mode::Prefer);
        assert_eq!(mode("postgres://u@db.internal:5432/a"), Mode::Require);
        assert_eq!(mode("postgres://u@10.0.0.7/a"), Mode::Require);
        assert_eq!(
            mode("postgres://u@db.internal/a?sslmode=prefer"),
            Mode::Prefer
        );
        assert_eq!(
            mode("postgres://u@db.internal/a?sslmode=disable"),
            Mode::Disable
        );
    }

    #[test]
    fn modes_that_would_weaken_tls_are_refused() {
        for mode in ["allow", "verify-ca", "on", ""] {
            let e = PgTarget::parse(&format!("postgres://db/a?sslmode={mode}")).unwrap_err();
            assert!(matches!(e, StoreError::Invalid(_)), "{mode}: {e}");
            assert!(e.to_string().contains("sslmode"), "{e}");
        }
    }

    #[test]
    fn a_missing_root_certificate_file_is_named() {
        let t = PgTarget::parse("postgres://db/a?sslrootcert=/no/such/ca.pem").unwrap();
        let e = t.client_config().unwrap_err().to_string();
        assert!(e.contains("/no/such/ca.pem"), "{e}");
    }
}
