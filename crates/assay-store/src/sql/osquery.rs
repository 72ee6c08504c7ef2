//! osquery enroll secrets, nodes and live queries in SQLite, and the record
//! transaction agent reports are applied through.

use super::convert::{check_hash, opt_time, parse_time_col, parse_uuid_col, truncate, ts};
use super::db::{Db, DbRow, params};
use super::{Revoking, SqlStore, append_audit, check_org, records};
use crate::osquery::{
    EnrollSecret, LiveAnswer, LiveQuery, LiveTarget, NewEnrollSecret, NewNode, OsqueryNode,
    OsqueryStore, RecordTx,
};
use crate::{Actor, ImportMode, Result, Scope, StoreError};
use assay_core::records::{RecordKind, Row};
use chrono::{DateTime, Utc};
use serde_json::{Value as Json, json};
use uuid::Uuid;

const SECRET_SELECT: &str = "SELECT id, org_id, secret_hash, hint, created_by, created_at, revoked_at FROM osquery_enroll_secrets";

fn secret_row(r: &dyn DbRow) -> Result<EnrollSecret> {
    let (id, org, hash, hint, by, at, revoked): (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    ) = (
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    );
    Ok(EnrollSecret {
        id: parse_uuid_col(&id)?,
        org_id: parse_uuid_col(&org)?,
        secret_hash: hash,
        hint,
        created_by: by,
        created_at: parse_time_col(&at)?,
        revoked_at: opt_time(revoked)?,
    })
}

fn secret_json(s: &EnrollSecret) -> Json {
    json!({"id": s.id.to_string(), "hint": s.hint, "revoked_at": s.revoked_at.map(ts)})
}

const NODE_SELECT: &str = "SELECT id, org_id, asset, host_identifier, platform, osquery_version, \
     enrolled_at, last_seen_at, last_status, revoked_at FROM osquery_nodes";

fn node_row(r: &dyn DbRow) -> Result<OsqueryNode> {
    let id: String = r.get(0)?;
    let org: String = r.get(1)?;
    let enrolled: String = r.get(6)?;
    let seen: String = r.get(7)?;
    let revoked: Option<String> = r.get(9)?;
    let (asset, host, platform, version, status) =
        (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(8)?);
    Ok(OsqueryNode {
        id: parse_uuid_col(&id)?,
        org_id: parse_uuid_col(&org)?,
        asset,
        host_identifier: host,
        platform,
        osquery_version: version,
        enrolled_at: parse_time_col(&enrolled)?,
        last_seen_at: parse_time_col(&seen)?,
        last_status: status,
        revoked_at: opt_time(revoked)?,
    })
}

fn node_json(n: &OsqueryNode) -> Json {
    json!({"id": n.id.to_string(), "asset": n.asset, "host_identifier": n.host_identifier,
           "platform": n.platform, "revoked_at": n.revoked_at.map(ts)})
}

fn find_node(conn: &dyn Db, id: Uuid) -> Result<Option<OsqueryNode>> {
    conn.query_row(
        &format!("{NODE_SELECT} WHERE id = ?1"),
        params![id.to_string()],
        node_row,
    )
}

/// Rows of `sql` (which takes an optional organisation id as `?1`) for one
/// organisation, checked against `scope`, or for every organisation.
fn list_for<T>(
    conn: &dyn Db,
    scope: &Scope,
    org: Option<Uuid>,
    sql: &str,
    row: impl FnMut(&dyn DbRow) -> Result<T>,
) -> Result<Vec<T>> {
    if let Some(o) = org {
        check_org(conn, scope, o)?;
    }
    conn.query(sql, params![org.map(|o| o.to_string())], row)
}

/// The provider organisation's id, if there is one.
fn provider_id(conn: &dyn Db) -> Result<Option<Uuid>> {
    conn.query_row(
        "SELECT id FROM organisations WHERE kind = 'provider' ORDER BY created_at LIMIT 1",
        params![],
        |r| r.get::<String>(0),
    )?
    .map(|s| parse_uuid_col(&s))
    .transpose()
}

/// [`RecordTx`] over one organisation inside an open transaction.
struct SqlRecordTx<'a> {
    tx: &'a dyn Db,
    org: Uuid,
}

impl RecordTx for SqlRecordTx<'_> {
    fn get(&mut self, kind: RecordKind, id: &str) -> Result<Option<Row>> {
        records::read_one(self.tx, self.org, kind, id)
    }

    fn find(&mut self, kind: RecordKind, field: &str, value: &str) -> Result<Vec<Row>> {
        records::find(self.tx, self.org, kind, field, value)
    }

    fn with_prefix(&mut self, kind: RecordKind, prefix: &str) -> Result<Vec<Row>> {
        records::with_prefix(self.tx, self.org, kind, prefix)
    }

    fn provider_rows(&mut self, kind: RecordKind) -> Result<Vec<Row>> {
        match provider_id(self.tx)? {
            Some(p) => records::read_rows(self.tx, p, kind),
            None => Ok(Vec::new()),
        }
    }

    fn all(&mut self, kind: RecordKind) -> Result<Vec<Row>> {
        records::read_rows(self.tx, self.org, kind)
    }

    fn put(&mut self, kind: RecordKind, row: &Row) -> Result<()> {
        records::write_rows(
            self.tx,
            self.org,
            kind,
            std::slice::from_ref(row),
            ImportMode::Upsert,
        )
        .map(|_| ())
    }

    fn delete(&mut self, kind: RecordKind, id: &str) -> Result<bool> {
        records::delete(self.tx, self.org, kind, id)
    }
}

impl OsqueryStore for SqlStore {
    fn create_enroll_secret(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewEnrollSecret,
        now: DateTime<Utc>,
    ) -> Result<EnrollSecret> {
        let NewEnrollSecret {
            org,
            secret_hash,
            hint,
            rotate,
        } = new;
        check_hash(&secret_hash, "an enroll secret hash")?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let revoked = if rotate {
            tx.execute(
                "UPDATE osquery_enroll_secrets SET revoked_at = ?1 WHERE org_id = ?2 AND revoked_at IS NULL",
                params![ts(now), org.to_string()],
            )?
        } else {
            0
        };
        let secret = EnrollSecret {
            id: Uuid::now_v7(),
            org_id: org,
            secret_hash,
            hint: hint.chars().take(16).collect(),
            created_by: actor.name.clone(),
            created_at: parse_time_col(&ts(now))?,
            revoked_at: None,
        };
        tx.execute(
            "INSERT INTO osquery_enroll_secrets (id, org_id, secret_hash, hint, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                secret.id.to_string(),
                org.to_string(),
                secret.secret_hash,
                secret.hint,
                secret.created_by,
                ts(now)
            ],
        )?;
        let mut after = secret_json(&secret);
        after["revoked_others"] = json!(revoked);
        append_audit(
            &tx,
            actor,
            if rotate {
                "osquery.secret.rotate"
            } else {
                "osquery.secret.create"
            },
            Some(org),
            &format!("enroll_secret/{}", secret.id),
            Json::Null,
            after,
        )?;
        tx.commit()?;
        Ok(secret)
    }

    fn list_enroll_secrets(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<EnrollSecret>> {
        let rows = list_for(
            &*self.reader()?,
            scope,
            org,
            &format!(
                "{SECRET_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR org_id = ?1) ORDER BY created_at, id"
            ),
            secret_row,
        )?;
        Ok(rows
            .into_iter()
            .filter(|s| scope.allows(s.org_id))
            .collect())
    }

    fn revoke_enroll_secret(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let secret = tx
            .query_row(
                &format!("{SECRET_SELECT} WHERE id = ?1"),
                params![id.to_string()],
                secret_row,
            )?
            .filter(|s| scope.allows(s.org_id))
            .ok_or_else(|| StoreError::NotFound(format!("enroll secret {id}")))?;
        let revoking = Revoking {
            table: "osquery_enroll_secrets",
            what: "enroll secret",
            action: "osquery.secret.revoke",
            target: format!("enroll_secret/{id}"),
        };
        revoking.apply(
            &tx,
            actor,
            id,
            Some(secret.org_id),
            secret.revoked_at,
            secret_json(&secret),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn enroll_secret_org(&self, secret_hash: &str) -> Result<Option<Uuid>> {
        let conn = self.reader()?;
        conn.query_row(
            "SELECT org_id FROM osquery_enroll_secrets WHERE secret_hash = ?1 AND revoked_at IS NULL",
            params![secret_hash],
            |r| r.get::<String>(0),
        )?
        .map(|s| parse_uuid_col(&s))
        .transpose()
    }

    fn enroll_node(&self, actor: &Actor, new: NewNode, now: DateTime<Utc>) -> Result<OsqueryNode> {
        check_hash(&new.node_key_hash, "a node key hash")?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, &Scope::All, new.org_id)?;
        let replaced = tx.execute(
            "UPDATE osquery_nodes SET revoked_at = ?1 WHERE org_id = ?2 AND asset = ?3 AND revoked_at IS NULL",
            params![ts(now), new.org_id.to_string(), new.asset],
        )?;
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO osquery_nodes (id, org_id, node_key_hash, asset, host_identifier, platform,
                                        osquery_version, enrolled_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                id.to_string(),
                new.org_id.to_string(),
                new.node_key_hash,
                new.asset,
                new.host_identifier,
                new.platform,
                new.osquery_version,
                ts(now)
            ],
        )?;
        let node = find_node(&tx, id)?
            .ok_or_else(|| StoreError::Database("the enrolled node vanished".into()))?;
        let mut after = node_json(&node);
        after["replaced_nodes"] = json!(replaced);
        append_audit(
            &tx,
            actor,
            "osquery.enroll",
            Some(node.org_id),
            &format!("osquery_node/{id}"),
            Json::Null,
            after,
        )?;
        tx.commit()?;
        Ok(node)
    }

    fn node_by_key(&self, node_key_hash: &str) -> Result<Option<OsqueryNode>> {
        let conn = self.reader()?;
        conn.query_row(
            &format!("{NODE_SELECT} WHERE node_key_hash = ?1 AND revoked_at IS NULL"),
            params![node_key_hash],
            node_row,
        )
    }

    fn node_checked_in(&self, id: Uuid, status: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE osquery_nodes SET last_seen_at = ?1, last_status = COALESCE(?2, last_status)
             WHERE id = ?3",
            params![
                ts(now),
                truncate(status.map(str::to_string), 1000),
                id.to_string()
            ],
        )?;
        Ok(())
    }

    fn list_nodes(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<OsqueryNode>> {
        let rows = list_for(
            &*self.reader()?,
            scope,
            org,
            &format!(
                "{NODE_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR org_id = ?1) ORDER BY host_identifier, enrolled_at"
            ),
            node_row,
        )?;
        Ok(rows
            .into_iter()
            .filter(|n| scope.allows(n.org_id))
            .collect())
    }

    fn revoke_node(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let node = find_node(&tx, id)?
            .filter(|n| scope.allows(n.org_id))
            .ok_or_else(|| StoreError::NotFound(format!("osquery node {id}")))?;
        let revoking = Revoking {
            table: "osquery_nodes",
            what: "osquery node",
            action: "osquery.node.revoke",
            target: format!("osquery_node/{id}"),
        };
        revoking.apply(
            &tx,
            actor,
            id,
            Some(node.org_id),
            node.revoked_at,
            node_json(&node),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn apply_records(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        action: &str,
        target: &str,
        work: &mut dyn FnMut(&mut dyn RecordTx) -> Result<Json>,
    ) -> Result<Json> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let summary = work(&mut SqlRecordTx { tx: &tx, org })?;
        append_audit(
            &tx,
            actor,
            action,
            Some(org),
            target,
            Json::Null,
            summary.clone(),
        )?;
        tx.commit()?;
        Ok(summary)
    }

    fn create_live_query(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        sql: &str,
        nodes: &[Uuid],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<LiveQuery> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let live = tx.query(
            &format!("{NODE_SELECT} WHERE org_id = ?1 AND revoked_at IS NULL"),
            params![org.to_string()],
            node_row,
        )?;
        let targets: Vec<Uuid> = if nodes.is_empty() {
            live.iter().map(|n| n.id).collect()
        } else {
            for id in nodes {
                if !live.iter().any(|n| n.id == *id) {
                    return Err(StoreError::NotFound(format!(
                        "enrolled osquery node {id} in this organisation"
                    )));
                }
            }
            nodes.to_vec()
        };
        if targets.is_empty() {
            return Err(StoreError::Invalid(
                "the organisation has no enrolled osquery nodes".into(),
            ));
        }
        let q = LiveQuery {
            id: Uuid::now_v7(),
            org_id: org,
            sql: sql.to_string(),
            created_by: actor.name.clone(),
            created_at: parse_time_col(&ts(now))?,
            expires_at: parse_time_col(&ts(expires_at))?,
        };
        tx.execute(
            "INSERT INTO osquery_live_queries (id, org_id, sql, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                q.id.to_string(),
                org.to_string(),
                q.sql,
                q.created_by,
                ts(now),
                ts(expires_at)
            ],
        )?;
        for node in &targets {
            tx.execute(
                "INSERT INTO osquery_live_targets (query_id, node_id) VALUES (?1, ?2)",
                params![q.id.to_string(), node.to_string()],
            )?;
        }
        append_audit(
            &tx,
            actor,
            "osquery.live_query",
            Some(org),
            &format!("live_query/{}", q.id),
            Json::Null,
            json!({"sql": q.sql, "nodes": targets.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
                   "expires_at": ts(expires_at)}),
        )?;
        tx.commit()?;
        Ok(q)
    }

    fn live_queries_for(&self, node: Uuid, now: DateTime<Utc>) -> Result<Vec<(Uuid, String)>> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let pending: Vec<(String, String)> = tx.query(
            "SELECT q.id, q.sql FROM osquery_live_targets t
             JOIN osquery_live_queries q ON q.id = t.query_id
             WHERE t.node_id = ?1 AND t.answered_at IS NULL AND q.expires_at > ?2
             ORDER BY q.created_at",
            params![node.to_string(), ts(now)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut out = Vec::with_capacity(pending.len());
        for (id, sql) in pending {
            tx.execute(
                "UPDATE osquery_live_targets SET sent_at = COALESCE(sent_at, ?1)
                 WHERE query_id = ?2 AND node_id = ?3",
                params![ts(now), id, node.to_string()],
            )?;
            out.push((parse_uuid_col(&id)?, sql));
        }
        tx.commit()?;
        Ok(out)
    }

    fn save_live_answers(
        &self,
        node: Uuid,
        answers: &[LiveAnswer],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let mut saved = 0;
        for a in answers {
            saved += tx.execute(
                "UPDATE osquery_live_targets SET answered_at = ?1, status = ?2, rows = ?3, error = ?4
                 WHERE query_id = ?5 AND node_id = ?6 AND answered_at IS NULL",
                params![
                    ts(now),
                    a.status,
                    a.rows.to_string(),
                    truncate(a.error.clone(), 1000),
                    a.query_id.to_string(),
                    node.to_string()
                ],
            )?;
        }
        tx.commit()?;
        Ok(saved)
    }

    fn live_query(&self, scope: &Scope, id: Uuid) -> Result<(LiveQuery, Vec<LiveTarget>)> {
        let conn = self.reader()?;
        let q = conn.query_row(
            "SELECT id, org_id, sql, created_by, created_at, expires_at
                 FROM osquery_live_queries WHERE id = ?1",
            params![id.to_string()],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                    r.get::<String>(3)?,
                    r.get::<String>(4)?,
                    r.get::<String>(5)?,
                ))
            },
        )?;
        let not_found = || StoreError::NotFound(format!("live query {id}"));
        let (qid, org, sql, by, at, expires) = q.ok_or_else(not_found)?;
        let query = LiveQuery {
            id: parse_uuid_col(&qid)?,
            org_id: parse_uuid_col(&org)?,
            sql,
            created_by: by,
            created_at: parse_time_col(&at)?,
            expires_at: parse_time_col(&expires)?,
        };
        if !scope.allows(query.org_id) {
            return Err(not_found());
        }
        let targets = conn.query(
            "SELECT t.node_id, n.host_identifier, t.sent_at, t.answered_at, t.status, t.rows, t.error
             FROM osquery_live_targets t JOIN osquery_nodes n ON n.id = t.node_id
             WHERE t.query_id = ?1 ORDER BY n.host_identifier",
            params![id.to_string()],
            |r| {
            let node: String = r.get(0)?;
            let host: String = r.get(1)?;
            let sent: Option<String> = r.get(2)?;
            let answered: Option<String> = r.get(3)?;
            let status: Option<i64> = r.get(4)?;
            let rows: Option<String> = r.get(5)?;
            let error: Option<String> = r.get(6)?;
            Ok(LiveTarget {
                node_id: parse_uuid_col(&node)?,
                host_identifier: host,
                sent_at: opt_time(sent)?,
                answered_at: opt_time(answered)?,
                status,
                rows: rows
                    .map(|r| serde_json::from_str(&r))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("live query rows: {e}")))?,
                error,
            })
        },
        )?;
        Ok((query, targets))
    }
}
