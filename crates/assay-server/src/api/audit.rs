//! The audit log, for provider admins and auditors.

use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_store::Scope;
use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    operation_id = "list_audit",
    summary = "The audit log",
    description = "Entries in order, a page at a time; provider admins and auditors only. A limited auditor sees only entries about its organisations.",
    params(PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of entries, in order.", body = doc::AuditPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
    ),
)]
/// `GET /audit`: entries in order; a limited auditor sees only entries
/// about the organisations it may see.
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    p.require_audit_reader()?;
    let limit = q.limit()?;
    let after: i64 = match q.after()? {
        None => 0,
        Some(c) => c
            .parse()
            .map_err(|_| ApiError::bad_request("the cursor is not one this server issued"))?,
    };
    let scope = p.scope.clone();
    // Entries outside the caller's scope are skipped, so keep reading
    // batches until the page (plus one, to know there is more) is full.
    let visible = state
        .blocking(move |s| {
            let mut visible = Vec::new();
            let mut cursor = after;
            loop {
                let batch = s.audit_entries(cursor, 500)?;
                let exhausted = batch.len() < 500;
                cursor = batch.last().map_or(cursor, |e| e.seq);
                visible.extend(batch.into_iter().filter(|e| match (&scope, e.org_id) {
                    (Scope::All, _) => true,
                    (Scope::Orgs(ids), Some(o)) => ids.contains(&o),
                    (Scope::Orgs(_), None) => false,
                }));
                if exhausted || visible.len() > limit {
                    return Ok(visible);
                }
            }
        })
        .await?;
    let page = Page::new(visible, limit, |e| e.seq.to_string());
    let items = page
        .items
        .iter()
        .map(|e| {
            json!({"seq": e.seq, "at": e.at, "actor": e.actor, "source": e.source, "action": e.action,
                   "org_id": e.org_id, "target": e.target, "before": e.before, "after": e.after,
                   "prev_hash": e.prev_hash, "hash": e.hash})
        })
        .collect();
    Ok(Json(Page {
        items,
        next: page.next,
    }))
}
