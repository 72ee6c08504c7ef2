//! Organisations the caller may see.

use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_core::org::Organisation;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};

pub fn org_json(o: &Organisation) -> Value {
    json!({"id": o.id, "slug": o.slug, "name": o.name, "kind": o.kind.as_str(), "tier": o.tier,
           "contracted_endpoints": o.contracted_endpoints})
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "orgs",
    operation_id = "list_orgs",
    summary = "List organisations",
    description = "The organisations the caller may see, by slug, a page at a time.",
    params(PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of organisations, by slug.", body = doc::OrgPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
    ),
)]
/// `GET /orgs`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    let (limit, after) = (q.limit()?, q.after()?);
    let scope = p.scope.clone();
    let orgs = state.blocking(move |s| Ok(s.list_orgs(&scope)?)).await?;
    let mut orgs: Vec<Organisation> = orgs
        .into_iter()
        .filter(|o| after.as_ref().is_none_or(|a| o.slug.as_str() > a.as_str()))
        .collect();
    orgs.sort_by(|a, b| a.slug.cmp(&b.slug));
    orgs.truncate(limit + 1);
    let page = Page::new(orgs, limit, |o| o.slug.clone());
    Ok(Json(Page {
        items: page.items.iter().map(org_json).collect(),
        next: page.next,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}",
    tag = "orgs",
    operation_id = "get_org",
    summary = "An organisation",
    description = "The organisation with its parameter overrides. Another tenant's organisation answers 404, like one that does not exist.",
    params(("slug" = String, Path, description = "The organisation's slug.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The organisation.", body = doc::OrgDetail),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}`: the organisation with its parameter overrides.
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let scope = p.scope.clone();
    let (org, overrides) = state
        .blocking(move |s| {
            let org = s.org_by_slug(&scope, &slug)?;
            let overrides = s.overrides(&scope, org.id)?;
            Ok((org, overrides))
        })
        .await?;
    let mut v = org_json(&org);
    v["overrides"] = json!(overrides);
    Ok(Json(v))
}

/// Resolves a slug within the caller's scope: another tenant's organisation
/// is "not found", exactly like one that does not exist.
pub async fn resolve(
    state: &AppState,
    p: &Principal,
    slug: String,
) -> Result<Organisation, ApiError> {
    let scope = p.scope.clone();
    state
        .blocking(move |s| Ok(s.org_by_slug(&scope, &slug)?))
        .await
}
