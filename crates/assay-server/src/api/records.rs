//! Records of every kind, per organisation: list (paged), read, create or
//! replace, delete, and bulk import.

use super::orgs::resolve;
use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_core::records::RecordKind;
use assay_ingest::{Format, ImportFile, IngestError, Schema, parse_object};
use assay_store::ImportMode;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn kind(name: &str) -> Result<RecordKind, ApiError> {
    RecordKind::from_name(name)
        .ok_or_else(|| ApiError::not_found(format!("no record kind '{name}'")))
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/records/{kind}",
    tag = "records",
    operation_id = "list_records",
    summary = "List records of one kind",
    description = "Records of the path's kind, by id, a page at a time.",
    params(("slug" = String, Path, description = "The organisation's slug."), ("kind" = doc::RecordKindName, Path, description = "The record kind (`asset`, `software_install`, …; dashes may replace underscores)."), PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of records, by id.", body = doc::RecordPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/records/{kind}`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path((slug, kind_name)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    let kind = kind(&kind_name)?;
    let (limit, after) = (q.limit()?, q.after()?);
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let rows = state
        .blocking(move |s| {
            Ok(s.list_rows_page(&scope, org.id, kind, after.as_deref(), limit + 1)?)
        })
        .await?;
    let page = Page::new(rows, limit, |r| r.id.clone());
    Ok(Json(Page {
        items: page.items.iter().map(|r| kind.row_json(r)).collect(),
        next: page.next,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/records/{kind}/{id}",
    tag = "records",
    operation_id = "get_record",
    summary = "A record",
    params(("slug" = String, Path, description = "The organisation's slug."), ("kind" = doc::RecordKindName, Path, description = "The record kind (`asset`, `software_install`, …; dashes may replace underscores)."), ("id" = String, Path, description = "The record's id.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The record.", body = doc::Record),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/records/{kind}/{id}`
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path((slug, kind_name, id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let kind = kind(&kind_name)?;
    let org = resolve(&state, &p, slug).await?;
    let scope = p.scope.clone();
    let row = state
        .blocking(move |s| Ok(s.get_row(&scope, org.id, kind, &id)?))
        .await?;
    Ok(Json(kind.row_json(&row)))
}

#[utoipa::path(
    put,
    path = "/api/v1/orgs/{slug}/records/{kind}/{id}",
    tag = "records",
    operation_id = "put_record",
    summary = "Create or replace a record",
    description = "Creates (201) or replaces (200) one record. Needs a role that may write.",
    params(("slug" = String, Path, description = "The organisation's slug."), ("kind" = doc::RecordKindName, Path, description = "The record kind (`asset`, `software_install`, …; dashes may replace underscores)."), ("id" = String, Path, description = "The record's id.")),
    request_body(content = doc::RecordInput, description = "A record of the path's kind; its `id`, if given, must be the path's."),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Replaced.", body = doc::Record),
        (status = 201, description = "Created.", body = doc::Record),
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
/// `PUT /orgs/{slug}/records/{kind}/{id}`: creates or replaces one record.
pub async fn put(
    State(state): State<AppState>,
    p: Principal,
    Path((slug, kind_name, id)): Path<(String, String, String)>,
    Json(mut body): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_write()?;
    let kind = kind(&kind_name)?;
    match body.as_object_mut() {
        Some(o) => match o.get("id") {
            Some(Value::String(given)) if *given != id => {
                return Err(ApiError::bad_request(format!(
                    "the body's id '{given}' differs from the path's '{id}'"
                )));
            }
            _ => {
                o.insert("id".into(), Value::String(id.clone()));
            }
        },
        None => return Err(ApiError::bad_request("the body must be a JSON object")),
    }
    let row = parse_object(&Schema::of(kind), body)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let json = kind.row_json(&row);
    let replaced = state
        .blocking(move |s| Ok(s.put_row(&actor, &scope, org.id, kind, &row)?))
        .await?;
    Ok((
        if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        Json(json),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/orgs/{slug}/records/{kind}/{id}",
    tag = "records",
    operation_id = "delete_record",
    summary = "Delete a record",
    description = "Needs a role that may write.",
    params(("slug" = String, Path, description = "The organisation's slug."), ("kind" = doc::RecordKindName, Path, description = "The record kind (`asset`, `software_install`, …; dashes may replace underscores)."), ("id" = String, Path, description = "The record's id.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
    ),
)]
/// `DELETE /orgs/{slug}/records/{kind}/{id}`
pub async fn delete(
    State(state): State<AppState>,
    p: Principal,
    Path((slug, kind_name, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    p.require_write()?;
    let kind = kind(&kind_name)?;
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    state
        .blocking(move |s| Ok(s.delete_row(&actor, &scope, org.id, kind, &id)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/records/{kind}",
    tag = "records",
    operation_id = "import_records",
    summary = "Import records",
    description = "Imports a JSON array of records of the path's kind, all or none: ids that exist already are refused (409), as are invalid records (422). Needs a role that may write.",
    params(("slug" = String, Path, description = "The organisation's slug."), ("kind" = doc::RecordKindName, Path, description = "The record kind (`asset`, `software_install`, …; dashes may replace underscores).")),
    request_body(content = Vec<doc::RecordInput>, description = "A JSON array of records of the path's kind.", content_type = "application/json"),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Imported, all of them.", body = doc::ImportResult),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /orgs/{slug}/records/{kind}`: imports a JSON array of records, all
/// or none (ids that exist already are refused).
pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    Path((slug, kind_name)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    p.require_write()?;
    let kind = kind(&kind_name)?;
    let org = resolve(&state, &p, slug).await?;
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let n = state
        .blocking(move |s| {
            let file = ImportFile {
                kind,
                format: Format::Json,
                bytes: &body,
                mode: ImportMode::Insert,
            };
            assay_ingest::import(s, &actor, &scope, org.id, file).map_err(|e| match e {
                IngestError::Store(e) => ApiError::from(e),
                other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"imported": n}))))
}
