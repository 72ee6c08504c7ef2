//! TLS for PostgreSQL connections, with libpq's URL parameters: `sslmode`
//! and `sslrootcert`. Whenever TLS is used the server's certificate is
//! verified, chain and host name, against the system's roots or the
//! `sslrootcert` file: an unverified TLS connection protects against
//! nobody on the path, so Assay does not make one.
//!
//! | `sslmode` | TLS | certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (the default, as in libpq) | if the server offers it | verified |
//! | `require`, `verify-full` | always; fails without | verified |
//!
//! `allow` and `verify-ca` are refused: the first would try plain text
//! first, the second skips the host name check that Assay always makes.

use crate::{Result, StoreError};
use postgres::config::SslMode;
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
    pub mode: Mode,
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
        let mut mode = Mode::Prefer;
        let mut root_cert = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    mode = match value {
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
                    }
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

    /// What `postgres::Config::ssl_mode` is given.
    pub fn ssl_mode(&self) -> SslMode {
        match self.mode {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require => SslMode::Require,
        }
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
                        StoreError::Database(format!("the system's certificate roots: {e}"))
                    })?
                    .with_no_client_auth()
            }
        };
        Ok(config)
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
        assert_eq!(t.mode, Mode::Require);
        assert_eq!(t.root_cert.as_deref(), Some("/etc/ca.pem"));

        let plain = PgTarget::parse("postgres://db/assay").unwrap();
        assert_eq!(
            (plain.url.as_str(), plain.mode, plain.root_cert),
            ("postgres://db/assay", Mode::Prefer, None)
        );
        let off = PgTarget::parse("postgres://db/assay?sslmode=disable").unwrap();
        assert_eq!(
            (off.url.as_str(), off.mode),
            ("postgres://db/assay", Mode::Disable)
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
