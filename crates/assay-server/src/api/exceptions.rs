//! Exceptions (risk acceptances).

use super::orgs::resolve;
use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_core::engine::Exception;
use assay_store::NewException;
use axum::Json;
use axum::extract::{Path, Query, State};
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

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/exceptions",
    tag = "exceptions",
    operation_id = "list_exceptions",
    summary = "List exceptions",
    description = "The organisation's exceptions (risk acceptances), revoked and expired ones included.",
    params(("slug" = String, Path, description = "The organisation's slug."), PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of the organisation's exceptions, oldest first, revoked and expired ones included.", body = doc::ExceptionPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/exceptions`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    let (limit, after) = (q.limit()?, q.after()?);
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let list = state
        .blocking(move |s| Ok(s.list_exceptions(&scope, Some(org.id))?))
        .await?;
    Ok(Json(Page::of_ids(
        list,
        limit,
        after,
        |e| e.id.to_string(),
        exception_json,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewExceptionBody {
    /// The check whose failures are accepted.
    #[schema(value_type = doc::CheckId)]
    pub check: String,
    /// The resource id it applies to; absent or `null`: the whole organisation.
    pub resource: Option<String>,
    #[schema(pattern = "\\S")]
    pub justification: String,
    #[schema(pattern = "\\S")]
    pub approver: String,
    /// The last day on which it applies (today or later).
    pub expires: NaiveDate,
}

#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/exceptions",
    tag = "exceptions",
    operation_id = "add_exception",
    summary = "Add an exception",
    description = "Accepts a failing check, for one resource or the whole organisation, until `expires`. Needs a role that may write.",
    params(("slug" = String, Path, description = "The organisation's slug.")),
    request_body = NewExceptionBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Added.", body = doc::Exception),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
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

#[utoipa::path(
    delete,
    path = "/api/v1/exceptions/{id}",
    tag = "exceptions",
    operation_id = "revoke_exception",
    summary = "Revoke an exception",
    description = "Revokes it now; one revoked already answers 409. Needs a role that may write.",
    params(("id" = Uuid, Path, description = "The exception's id.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
    ),
)]
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
