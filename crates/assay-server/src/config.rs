//! Server settings, with their defaults.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// A session unused for this long expires.
    pub session_idle: Duration,
    /// A session expires this long after login, used or not.
    pub session_absolute: Duration,
    /// Whether the server is reached over HTTPS (cookies get `Secure`, HSTS is sent).
    pub https: bool,
    /// Serve HTTPS itself with this certificate chain and private key (PEM).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit: 10 << 20,
            request_timeout: Duration::from_secs(30),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            https: false,
            tls: None,
            trusted_proxies: Vec::new(),
        }
    }
}
