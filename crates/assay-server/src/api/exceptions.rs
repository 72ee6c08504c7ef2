//! Exceptions (risk acceptances).

use super::orgs::resolve;
use crate::app::AppState;
use crate::error::ApiError;
use crate::principal::Principal;
use assay_core::engine::Exception;
use assay_store::NewException;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

fn exception_json(e: &Exception) -> Value {
    let now = Utc::now();
    let state = if e.revoked_at.is_some() {
        "revoked"
    } else if e.is_active(now) {
        "active"
    } else {
        "expired"
    };
    json!({"id": e.id, "check": e.check, "resource": e.resource, "justification": e.justification,
           "approver": e.approver, "expires": e.expires, "created_at": e.created_at,
           "revoked_at": e.revoked_at, "state": state})
}

/// `GET /orgs/{slug}/exceptions`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let list = state
        .blocking(move |s| Ok(s.list_exceptions(&scope, Some(org.id))?))
        .await?;
    Ok(Json(list.iter().map(exception_json).collect()))
}

#[derive(Debug, Deserialize)]
pub struct NewExceptionBody {
    pub check: String,
    pub resource: Option<String>,
    pub justification: String,
    pub approver: String,
    pub expires: NaiveDate,
}

/// `POST /orgs/{slug}/exceptions`
pub async fn add(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Json(b): Json<NewExceptionBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_write()?;
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let new = NewException {
        org_id: org.id,
        check: b.check,
        resource: b.resource,
        justification: b.justification,
        approver: b.approver,
        expires: b.expires,
    };
    let e = state
        .blocking(move |s| Ok(s.add_exception(&actor, &scope, new, Utc::now())?))
        .await?;
    Ok((StatusCode::CREATED, Json(exception_json(&e))))
}

/// `DELETE /exceptions/{id}`: revokes it now.
pub async fn revoke(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    p.require_write()?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    state
        .blocking(move |s| Ok(s.revoke_exception(&actor, &scope, id, Utc::now())?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
