//! The router: every route, and the layers every response passes through.

use crate::config::ServerConfig;
use crate::error::ApiError;
use assay_core::catalogue::Catalogue;
use assay_store::Store;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// How many store calls run at once. Callers beyond this wait in turn
/// (first come, first served) rather than each holding a blocking thread
/// and racing for a database connection, which starves the unlucky ones.
const STORE_CALLS_AT_ONCE: usize = 4;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalogue: Arc<Catalogue>,
    pub config: Arc<ServerConfig>,
    store_turns: Arc<Semaphore>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, catalogue: Catalogue, config: ServerConfig) -> AppState {
        AppState {
            store,
            catalogue: Arc::new(catalogue),
            config: Arc::new(config),
            store_turns: Arc::new(Semaphore::new(STORE_CALLS_AT_ONCE)),
        }
    }

    /// Runs a store call on a blocking thread (the store is synchronous).
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let turn = self
            .store_turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| {
                eprintln!("store queue closed: {e}");
                ApiError::internal()
            })?;
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            f(store.as_ref())
        })
        .await
        .map_err(|e| {
            eprintln!("store task failed: {e}");
            ApiError::internal()
        })?
    }
}

/// The security headers sent with every response.
fn security_headers(https: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    if https {
        h.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    h
}

/// Turns every error response that is not already a problem document (the
/// framework's own rejections: malformed JSON, a body over the limit, a bad
/// path or query parameter, a timeout) into `application/problem+json`,
/// keeping its status and its text as the detail.
async fn problem_json(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let is_osquery = response
        .extensions()
        .get::<crate::osquery::OsqueryAnswer>()
        .is_some();
    if !(status.is_client_error() || status.is_server_error()) || is_problem || is_osquery {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 16 << 10)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    let detail = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    ApiError::new(status, detail).into_response()
}

/// Builds the application.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let mut app = Router::new()
        .route("/healthz", get(crate::health::healthz))
        .route("/readyz", get(crate::health::readyz))
        .nest(
            "/api/v1",
            crate::api::routes().layer(RequestBodyLimitLayer::new(config.body_limit)),
        )
        // osquery's TLS remote API, with its own answer shapes (see
        // osquery.rs): its handlers read the body themselves, so that an
        // oversized one is refused in a shape osquery reads.
        .nest(
            "/api/osquery",
            crate::osquery::routes().layer(DefaultBodyLimit::max(config.body_limit)),
        )
        // The OpenAPI document (/api/openapi.json) and its explorer (/api/docs).
        .merge(crate::openapi::explorer())
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::map_response(problem_json));
    for (name, value) in security_headers(config.https) {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    app
}
