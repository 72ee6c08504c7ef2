//! The audit log, for provider admins and auditors.

use super::page::{Page, PageQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::principal::Principal;
use assay_store::Scope;
use axum::Json;
use axum::extract::{Query, State};
use serde_json::{Value, json};

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
    let entries = state
        .blocking(move |s| Ok(s.audit_entries(after, limit + 1)?))
        .await?;
    let visible: Vec<_> = entries
        .into_iter()
        .filter(|e| match (&scope, e.org_id) {
            (Scope::All, _) => true,
            (Scope::Orgs(ids), Some(o)) => ids.contains(&o),
            (Scope::Orgs(_), None) => false,
        })
        .collect();
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
