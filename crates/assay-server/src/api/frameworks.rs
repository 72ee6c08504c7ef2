//! The framework catalogues.

use crate::app::AppState;
use crate::error::ApiError;
use crate::principal::Principal;
use assay_core::catalogue::Framework;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

/// `GET /frameworks`
pub async fn list(State(state): State<AppState>, _p: Principal) -> Json<Vec<Value>> {
    Json(
        state
            .catalogue
            .frameworks
            .iter()
            .map(|f| json!({"id": f.id, "version": f.version, "title": f.title, "requirements": f.requirements.len()}))
            .collect(),
    )
}

/// `GET /frameworks/{id}`: the whole catalogue entry.
pub async fn get(
    State(state): State<AppState>,
    _p: Principal,
    Path(id): Path<String>,
) -> Result<Json<Framework>, ApiError> {
    state
        .catalogue
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no framework '{id}'")))
}
