//! The JSON API under `/api/v1`, one module per resource.

use crate::app::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
