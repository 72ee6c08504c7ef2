//! Webhooks (provider admins only): where notifications of changed results
//! are posted. What is sent, and how it is signed, is `crate::notify`'s.

use super::orgs::resolve;
use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::notify;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_store::Scope;
use assay_store::notify::{NewWebhook, Webhook};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

fn webhook_json(w: &Webhook, slugs: &HashMap<Uuid, String>) -> Value {
    json!({"id": w.id, "org": w.org_id.and_then(|o| slugs.get(&o)), "url": w.url,
           "hint": w.hint, "created_by": w.created_by, "created_at": w.created_at,
           "revoked_at": w.revoked_at})
}

/// The slugs of the organisations `scope` sees, by id.
fn slugs(s: &dyn assay_store::Store, scope: &Scope) -> assay_store::Result<HashMap<Uuid, String>> {
    Ok(s.list_orgs(scope)?
        .into_iter()
        .map(|o| (o.id, o.slug))
        .collect())
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "list_webhooks",
    summary = "List webhooks",
    description = "Every webhook (never its secret), revoked ones included. Provider admins only.",
    params(PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of webhooks, oldest first.", body = doc::WebhookPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
    ),
)]
/// `GET /webhooks`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    p.require_admin()?;
    let (limit, after) = (q.limit()?, q.after()?);
    let scope = p.scope.clone();
    let (hooks, slugs) = state
        .blocking(move |s| Ok((s.list_webhooks(&scope)?, slugs(s, &scope)?)))
        .await?;
    Ok(Json(Page::of_ids(
        hooks,
        limit,
        after,
        |w| w.id.to_string(),
        |w| webhook_json(w, &slugs),
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    /// Where to post: an http or https URL, without a user name or
    /// password.
    pub url: String,
    /// Only this organisation's changes (its slug); every organisation's
    /// when absent.
    #[serde(default)]
    pub org: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "create_webhook",
    summary = "Add a webhook",
    description = "After each evaluation run, the requirements and verdicts whose status changed are posted to `url` as JSON, signed with the secret shown once in `secret` (header `X-Assay-Signature: t=UNIX,v1=HMAC-SHA256(secret, \"UNIX.BODY\")`). Provider admins only.",
    request_body = NewWebhookBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created; `secret` is not shown again.", body = doc::NewWebhook),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /webhooks`
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Json(b): Json<NewWebhookBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_admin()?;
    let url = notify::check_url(&b.url)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let org = match b.org {
        Some(slug) => Some(resolve(&state, &p, slug).await?),
        None => None,
    };
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let new = NewWebhook {
        org: org.as_ref().map(|o| o.id),
        url,
        secret: notify::new_secret(),
    };
    let hook = state
        .blocking(move |s| Ok(s.create_webhook(&actor, &scope, new, Utc::now())?))
        .await?;
    let slugs: HashMap<Uuid, String> = org.into_iter().map(|o| (o.id, o.slug)).collect();
    let mut out = webhook_json(&hook, &slugs);
    out["secret"] = json!(hook.secret);
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "revoke_webhook",
    summary = "Revoke a webhook",
    description = "Nothing more is posted to it, including retries of earlier notifications. Provider admins only.",
    params(("id" = Uuid, Path, description = "The webhook's id.")),
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
/// `DELETE /webhooks/{id}`
pub async fn revoke(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    state
        .blocking(move |s| Ok(s.revoke_webhook(&actor, &scope, id, Utc::now())?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
