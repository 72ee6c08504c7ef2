//! Managing osquery agents: per-organisation enroll secrets (provider
//! admins), enrolled nodes, and live queries run by provider staff. The
//! agents themselves talk to `/api/osquery` (see `crate::osquery`).

use super::orgs::resolve;
use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::auth::secrets::{self, TokenKind};
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_store::osquery::{EnrollSecret, LiveQuery, LiveTarget, NewEnrollSecret, OsqueryNode};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

fn secret_json(s: &EnrollSecret) -> Value {
    json!({"id": s.id, "hint": s.hint, "created_by": s.created_by, "created_at": s.created_at,
           "revoked_at": s.revoked_at})
}

fn node_json(n: &OsqueryNode) -> Value {
    json!({"id": n.id, "asset": n.asset, "host_identifier": n.host_identifier,
           "platform": n.platform, "osquery_version": n.osquery_version,
           "enrolled_at": n.enrolled_at, "last_seen_at": n.last_seen_at,
           "last_status": n.last_status, "revoked_at": n.revoked_at})
}

fn live_json(q: &LiveQuery, targets: &[LiveTarget]) -> Value {
    let targets: Vec<Value> = targets
        .iter()
        .map(|t| {
            json!({"node": t.node_id, "host_identifier": t.host_identifier, "sent_at": t.sent_at,
                   "answered_at": t.answered_at, "status": t.status, "rows": t.rows,
                   "error": t.error})
        })
        .collect();
    json!({"id": q.id, "sql": q.sql, "created_by": q.created_by, "created_at": q.created_at,
           "expires_at": q.expires_at, "targets": targets})
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/osquery/secrets",
    tag = "osquery",
    operation_id = "list_enroll_secrets",
    summary = "List enroll secrets",
    description = "The organisation's osquery enroll secrets (never the secrets themselves), revoked ones included. Provider admins only.",
    params(("slug" = String, Path, description = "The organisation's slug."), PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of enroll secrets, oldest first.", body = doc::EnrollSecretPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/osquery/secrets`
pub async fn list_secrets(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    p.require_admin()?;
    let (limit, after) = (q.limit()?, q.after()?);
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let list = state
        .blocking(move |s| Ok(s.list_enroll_secrets(&scope, Some(org.id))?))
        .await?;
    Ok(Json(Page::of_ids(
        list,
        limit,
        after,
        |s| s.id.to_string(),
        secret_json,
    )))
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSecretBody {
    /// Revoke the organisation's other secrets (rotation). Enrolled agents
    /// keep their node keys; only new enrollments need the new secret.
    #[serde(default)]
    pub rotate: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/osquery/secrets",
    tag = "osquery",
    operation_id = "create_enroll_secret",
    summary = "Create or rotate an enroll secret",
    description = "A new enroll secret for the organisation's agents, shown once in `secret`. With `rotate`, the organisation's other secrets are revoked. Provider admins only.",
    params(("slug" = String, Path, description = "The organisation's slug.")),
    request_body = NewSecretBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created; `secret` is not shown again.", body = doc::NewEnrollSecret),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /orgs/{slug}/osquery/secrets`
pub async fn create_secret(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Json(b): Json<NewSecretBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_admin()?;
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let (secret, secret_hash) = secrets::new_token(TokenKind::EnrollSecret);
    let new = NewEnrollSecret {
        org: org.id,
        secret_hash,
        hint: secrets::hint(&secret),
        rotate: b.rotate,
    };
    let stored = state
        .blocking(move |s| Ok(s.create_enroll_secret(&actor, &scope, new, Utc::now())?))
        .await?;
    let mut out = secret_json(&stored);
    out["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(
    delete,
    path = "/api/v1/osquery/secrets/{id}",
    tag = "osquery",
    operation_id = "revoke_enroll_secret",
    summary = "Revoke an enroll secret",
    description = "No agent can enroll with it any more; enrolled agents are not affected. Provider admins only.",
    params(("id" = Uuid, Path, description = "The secret's id.")),
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
/// `DELETE /osquery/secrets/{id}`
pub async fn revoke_secret(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    state
        .blocking(move |s| Ok(s.revoke_enroll_secret(&actor, &scope, id, Utc::now())?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/osquery/nodes",
    tag = "osquery",
    operation_id = "list_osquery_nodes",
    summary = "List enrolled agents",
    description = "The organisation's osquery nodes, by host, revoked ones included, with the asset each reports as and its last check-in.",
    params(("slug" = String, Path, description = "The organisation's slug."), PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of nodes.", body = doc::OsqueryNodePage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/osquery/nodes`
pub async fn list_nodes(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    let (limit, after) = (q.limit()?, q.after()?);
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let mut list = state
        .blocking(move |s| Ok(s.list_nodes(&scope, Some(org.id))?))
        .await?;
    list.sort_by_key(|n| n.id);
    Ok(Json(Page::of_ids(
        list,
        limit,
        after,
        |n| n.id.to_string(),
        node_json,
    )))
}

#[utoipa::path(
    delete,
    path = "/api/v1/osquery/nodes/{id}",
    tag = "osquery",
    operation_id = "revoke_osquery_node",
    summary = "Revoke an agent's node key",
    description = "The agent's next request is answered `node_invalid`, so it must enroll again with a valid secret. Provider admins only.",
    params(("id" = Uuid, Path, description = "The node's id.")),
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
/// `DELETE /osquery/nodes/{id}`
pub async fn revoke_node(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    state
        .blocking(move |s| Ok(s.revoke_node(&actor, &scope, id, Utc::now())?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Longest SQL text accepted for a live query.
const MAX_SQL: usize = 10_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLiveQueryBody {
    /// osquery SQL, run as is by each agent.
    #[schema(min_length = 1, max_length = 10000, pattern = "\\S")]
    pub sql: String,
    /// Node ids; absent or empty: every enrolled node of the organisation.
    #[serde(default)]
    pub nodes: Vec<Uuid>,
    /// How long agents are offered the query, in seconds (60 to 86,400; default 3,600).
    #[schema(minimum = 60, maximum = 86400)]
    pub expires_in: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/osquery/queries",
    tag = "osquery",
    operation_id = "create_live_query",
    summary = "Run a live query",
    description = "Asks the organisation's agents (or the nodes listed) to run the SQL at their next distributed read; answers arrive at `GET /api/v1/osquery/queries/{id}`. Provider admins and technicians only.",
    params(("slug" = String, Path, description = "The organisation's slug.")),
    request_body = NewLiveQueryBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Queued.", body = doc::LiveQuery),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /orgs/{slug}/osquery/queries`
pub async fn create_query(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Json(b): Json<NewLiveQueryBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_provider_staff()?;
    let sql = b.sql.trim().to_string();
    if sql.is_empty() || sql.chars().count() > MAX_SQL {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("'sql' must be 1 to {MAX_SQL} characters"),
        ));
    }
    let secs = b.expires_in.unwrap_or(3600);
    if !(60..=86_400).contains(&secs) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "'expires_in' must be 60 to 86400 seconds",
        ));
    }
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let (q, targets) = state
        .blocking(move |s| {
            let now = Utc::now();
            let q = s.create_live_query(
                &actor,
                &scope,
                org.id,
                &sql,
                &b.nodes,
                now,
                now + Duration::seconds(secs),
            )?;
            Ok(s.live_query(&scope, q.id)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(live_json(&q, &targets))))
}

#[utoipa::path(
    get,
    path = "/api/v1/osquery/queries/{id}",
    tag = "osquery",
    operation_id = "get_live_query",
    summary = "A live query and its answers",
    description = "Per targeted node: when it was sent, when answered, osquery's status (0 = success), the rows or the error. Provider admins and technicians only.",
    params(("id" = Uuid, Path, description = "The live query's id.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The query and its answers so far.", body = doc::LiveQuery),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /osquery/queries/{id}`
pub async fn get_query(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    p.require_provider_staff()?;
    let scope = p.scope.clone();
    let (q, targets) = state
        .blocking(move |s| Ok(s.live_query(&scope, id)?))
        .await?;
    Ok(Json(live_json(&q, &targets)))
}
