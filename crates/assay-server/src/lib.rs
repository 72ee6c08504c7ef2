//! Assay's HTTP API (`assay serve`): a JSON API under `/api/v1` with
//! accounts, MFA, roles and tenant-scoped access to organisations, records,
//! results and the audit log. Handlers hold no business rules: they
//! authenticate, call the store (scoped to the caller's tenants) or the
//! engine, and shape JSON.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod error;
mod health;
pub mod principal;
pub mod session;

pub use app::{AppState, router};
pub use config::ServerConfig;

use std::future::Future;

/// Serves until `shutdown` completes.
pub async fn serve(
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.listen).await?;
    eprintln!("assay listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
