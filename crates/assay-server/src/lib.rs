//! Assay's HTTP API (`assay serve`): a JSON API under `/api/v1` with
//! accounts, MFA, roles and tenant-scoped access to organisations, records,
//! results and the audit log. Handlers hold no business rules: they
//! authenticate, call the store (scoped to the caller's tenants) or the
//! engine, and shape JSON.

pub mod api;
pub mod app;
pub mod auth;
pub mod client;
pub mod config;
pub mod error;
mod health;
pub mod notify;
pub mod openapi;
pub mod osquery;
pub mod principal;
pub mod session;
pub mod worker;

pub use app::{AppState, router};
pub use config::ServerConfig;

use std::future::Future;
use std::net::SocketAddr;

/// Serves until `shutdown` completes: plain HTTP, or HTTPS with the
/// configured certificate and key (rustls with the `ring` provider).
pub async fn serve(
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let announce = handle.clone();
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tokio::spawn(async move {
        if let Some(addr) = announce.listening().await {
            eprintln!("assay listening on {scheme}://{addr}");
        }
    });
    let listener = listen(config.listen)?;
    match &config.tls {
        Some((cert, key)) => {
            // One TLS provider for the whole process.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
            axum_server::tls_rustls::from_tcp_rustls(listener, tls)?
                .handle(handle)
                .serve(app)
                .await
        }
        None => {
            axum_server::from_tcp(listener)?
                .handle(handle)
                .serve(app)
                .await
        }
    }
}

/// Connections the kernel queues before they are accepted. The usual 128
/// overflows when a few hundred clients (dashboards, or agents checking in
/// together) connect at once: the kernel drops the excess and they retry a
/// second later, which shows as one-second latencies.
const ACCEPT_BACKLOG: i32 = 1024;

fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(ACCEPT_BACKLOG)?;
    Ok(socket.into())
}
