//! The framework catalogues.

use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_core::catalogue::Framework;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

#[utoipa::path(
    get,
    path = "/api/v1/frameworks",
    tag = "frameworks",
    operation_id = "list_frameworks",
    summary = "List frameworks",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The frameworks this installation knows.", body = Vec<doc::FrameworkSummary>),
        (status = 401, response = doc::Unauthorized),
    ),
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/frameworks/{id}",
    tag = "frameworks",
    operation_id = "get_framework",
    summary = "A framework",
    description = "The whole catalogue entry, with every requirement and the checks that meet it.",
    params(("id" = String, Path, description = "The framework's id (`cyber-essentials-3.3`, …).")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The framework with its requirements.", body = doc::Framework),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
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
