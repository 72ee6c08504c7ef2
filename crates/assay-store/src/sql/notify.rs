//! [`NotifyStore`] on SQL: webhooks, the result pairs a notification is
//! worked out from, and deliveries.

use super::convert::{opt_time, parse_time_col, parse_uuid_col, truncate, ts};
use super::db::{DbRow, params};
use super::{Revoking, SqlStore, append_audit, check_org};
use crate::notify::{Attempt, Delivery, NewWebhook, NotifyStore, ResultPair, Webhook};
use crate::{Actor, Result, Scope, StoreError};
use chrono::{DateTime, Utc};
use serde_json::{Value as Json, json};
use uuid::Uuid;

const WEBHOOK_SELECT: &str =
    "SELECT id, org_id, url, secret, hint, created_by, created_at, revoked_at FROM webhooks";

fn webhook_row(r: &dyn DbRow) -> Result<Webhook> {
    let (id, org, at, revoked): (String, Option<String>, String, Option<String>) =
        (r.get(0)?, r.get(1)?, r.get(6)?, r.get(7)?);
    Ok(Webhook {
        id: parse_uuid_col(&id)?,
        org_id: org.as_deref().map(parse_uuid_col).transpose()?,
        url: r.get(2)?,
        secret: r.get(3)?,
        hint: r.get(4)?,
        created_by: r.get(5)?,
        created_at: parse_time_col(&at)?,
        revoked_at: opt_time(revoked)?,
    })
}

/// What the audit log says of a webhook: never its secret, and of its URL
/// only the origin, since chat services put a credential in the path.
fn webhook_json(w: &Webhook) -> Json {
    json!({"id": w.id.to_string(), "org_id": w.org_id.map(|o| o.to_string()),
           "url": url_origin(&w.url), "hint": w.hint, "revoked_at": w.revoked_at.map(ts)})
}

/// `scheme://host[:port]` of a URL, with `/…` when more followed.
fn url_origin(url: &str) -> String {
    let host_at = url.find("://").map_or(0, |i| i + 3);
    match url[host_at..].find(['/', '?', '#']) {
        Some(end) if host_at + end + 1 < url.len() => format!("{}/…", &url[..host_at + end]),
        Some(end) => url[..host_at + end].to_string(),
        None => url.to_string(),
    }
}

/// Whether `scope` sees webhook `w`: one for every organisation only with
/// the whole scope.
fn sees(scope: &Scope, w: &Webhook) -> bool {
    match w.org_id {
        Some(org) => scope.allows(org),
        None => *scope == Scope::All,
    }
}

const DELIVERY_SELECT: &str = "SELECT run_id, webhook_id, attempts, first_at, last_at, delivered_at, last_status, last_error FROM webhook_deliveries";

fn delivery_row(r: &dyn DbRow) -> Result<Delivery> {
    let (run, hook, first, last, delivered): (String, String, String, String, Option<String>) =
        (r.get(0)?, r.get(1)?, r.get(3)?, r.get(4)?, r.get(5)?);
    Ok(Delivery {
        run_id: parse_uuid_col(&run)?,
        webhook_id: parse_uuid_col(&hook)?,
        attempts: r.get(2)?,
        first_at: parse_time_col(&first)?,
        last_at: parse_time_col(&last)?,
        delivered_at: opt_time(delivered)?,
        last_status: r.get(6)?,
        last_error: r.get(7)?,
    })
}

/// The longest error text kept for a delivery.
const MAX_ERROR_CHARS: usize = 500;

impl NotifyStore for SqlStore {
    fn create_webhook(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewWebhook,
        now: DateTime<Utc>,
    ) -> Result<Webhook> {
        let NewWebhook { org, url, secret } = new;
        if secret.chars().count() < 16 {
            return Err(StoreError::Invalid(
                "a webhook secret must be at least 16 characters".into(),
            ));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        match org {
            Some(o) => check_org(&tx, scope, o)?,
            None if *scope != Scope::All => {
                return Err(StoreError::NotFound(
                    "a webhook for every organisation needs access to all of them".into(),
                ));
            }
            None => {}
        }
        let hook = Webhook {
            id: Uuid::now_v7(),
            org_id: org,
            url,
            hint: secret.chars().take(12).collect(),
            secret,
            created_by: actor.name.clone(),
            created_at: parse_time_col(&ts(now))?,
            revoked_at: None,
        };
        tx.execute(
            "INSERT INTO webhooks (id, org_id, url, secret, hint, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                hook.id.to_string(),
                org.map(|o| o.to_string()),
                hook.url,
                hook.secret,
                hook.hint,
                hook.created_by,
                ts(now)
            ],
        )?;
        append_audit(
            &tx,
            actor,
            "webhook.create",
            org,
            &format!("webhook/{}", hook.id),
            Json::Null,
            webhook_json(&hook),
        )?;
        tx.commit()?;
        Ok(hook)
    }

    fn list_webhooks(&self, scope: &Scope) -> Result<Vec<Webhook>> {
        let rows = self.reader()?.query(
            &format!("{WEBHOOK_SELECT} ORDER BY created_at, id"),
            params![],
            webhook_row,
        )?;
        Ok(rows.into_iter().filter(|w| sees(scope, w)).collect())
    }

    fn revoke_webhook(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let hook = tx
            .query_row(
                &format!("{WEBHOOK_SELECT} WHERE id = ?1"),
                params![id.to_string()],
                webhook_row,
            )?
            .filter(|w| sees(scope, w))
            .ok_or_else(|| StoreError::NotFound(format!("webhook {id}")))?;
        let revoking = Revoking {
            table: "webhooks",
            what: "webhook",
            action: "webhook.revoke",
            target: format!("webhook/{id}"),
        };
        revoking.apply(
            &tx,
            actor,
            id,
            hook.org_id,
            hook.revoked_at,
            webhook_json(&hook),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn each_result_pair(
        &self,
        run: Uuid,
        each: &mut dyn FnMut(ResultPair) -> Result<()>,
    ) -> Result<()> {
        let conn = self.reader()?;
        // The replaced result is the newest earlier one for the same
        // organisation and framework, in the order `stored_results_as_of`
        // uses (evaluation time, then run id).
        conn.stream(
            "SELECT r.org_id, r.framework, r.result,
                    (SELECT p.result FROM eval_results p
                     WHERE p.org_id = r.org_id AND p.framework = r.framework
                       AND (p.evaluated_at < r.evaluated_at
                            OR (p.evaluated_at = r.evaluated_at AND p.run_id < r.run_id))
                     ORDER BY p.evaluated_at DESC, p.run_id DESC LIMIT 1)
             FROM eval_results r WHERE r.run_id = ?1
             ORDER BY r.org_id, r.framework",
            params![run.to_string()],
            &mut |r| {
                let org: String = r.get(0)?;
                each(ResultPair {
                    org_id: parse_uuid_col(&org)?,
                    framework: r.get(1)?,
                    current: r.get(2)?,
                    previous: r.get(3)?,
                })
            },
        )
    }

    fn deliveries(&self, run: Uuid) -> Result<Vec<Delivery>> {
        self.reader()?.query(
            &format!("{DELIVERY_SELECT} WHERE run_id = ?1 ORDER BY webhook_id"),
            params![run.to_string()],
            delivery_row,
        )
    }

    fn recent_deliveries(&self, limit: usize) -> Result<Vec<Delivery>> {
        self.reader()?.query(
            &format!("{DELIVERY_SELECT} ORDER BY last_at DESC, run_id DESC, webhook_id LIMIT ?1"),
            params![i64::try_from(limit).unwrap_or(i64::MAX)],
            delivery_row,
        )
    }

    fn record_delivery(
        &self,
        run: Uuid,
        webhook: Uuid,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let delivered = attempt.delivered.then(|| ts(now));
        let error = truncate(attempt.error.clone(), MAX_ERROR_CHARS);
        // A delivered notification stays delivered, whatever a late attempt
        // from a node that lost its claim says.
        self.conn()?.execute(
            "INSERT INTO webhook_deliveries
                 (run_id, webhook_id, attempts, first_at, last_at, delivered_at, last_status, last_error)
             VALUES (?1, ?2, 1, ?3, ?3, ?4, ?5, ?6)
             ON CONFLICT (run_id, webhook_id) DO UPDATE SET
                 attempts = webhook_deliveries.attempts + 1,
                 last_at = excluded.last_at,
                 delivered_at = COALESCE(webhook_deliveries.delivered_at, excluded.delivered_at),
                 last_status = excluded.last_status,
                 last_error = excluded.last_error",
            params![
                run.to_string(),
                webhook.to_string(),
                ts(now),
                delivered,
                attempt.status.map(i64::from),
                error
            ],
        )?;
        Ok(())
    }

    fn prune_deliveries(&self, before: DateTime<Utc>) -> Result<usize> {
        self.conn()?.execute(
            "DELETE FROM webhook_deliveries WHERE last_at < ?1",
            params![ts(before)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::url_origin;

    #[test]
    fn only_the_origin_of_a_url_is_audited() {
        assert_eq!(
            url_origin("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            url_origin("http://127.0.0.1:8081?token=x"),
            "http://127.0.0.1:8081/…"
        );
        assert_eq!(url_origin("https://example.com/"), "https://example.com");
        assert_eq!(url_origin("https://example.com"), "https://example.com");
    }
}
