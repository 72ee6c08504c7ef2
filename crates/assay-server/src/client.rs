//! The client's address: the connection's peer, or, when the peer is a
//! trusted reverse proxy, the nearest untrusted address in
//! `X-Forwarded-For` (read from the right, since a client can write
//! anything at the left of that header).

use crate::app::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// The client address of a request being handled.
pub fn from_parts(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_ip(peer, &parts.headers, trusted)
}

/// Extracts the client address (for handlers that run before a principal exists).
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(from_parts(parts, &state.config.trusted_proxies)))
    }
}

/// How an address is written in the audit log.
pub fn describe(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "unknown address".to_string(), |a| a.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            xff.parse().unwrap_or_else(|_| panic!("header")),
        );
        h
    }

    #[test]
    fn untrusted_peers_cannot_claim_another_address() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(client_ip(Some(peer), &headers("10.9.9.9"), &[]), Some(peer));
    }

    #[test]
    fn a_trusted_proxy_is_believed_from_the_right() {
        let proxy: IpAddr = IpAddr::from([127, 0, 0, 1]);
        let real: IpAddr = IpAddr::from([198, 51, 100, 7]);
        let h = headers("6.6.6.6, 198.51.100.7");
        assert_eq!(
            client_ip(Some(proxy), &h, &[proxy]),
            Some(real),
            "the forged left entry is ignored"
        );
        assert_eq!(
            client_ip(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
    }
}
