//! The store on SQL: one set of queries over [`Db`], run by the SQLite
//! backend (embedded, one file) or the PostgreSQL one (shared by several
//! nodes). Business rules stay in the callers; this module holds the SQL.

mod accounts;
mod convert;
mod copy;
pub(crate) mod db;
mod jobs;
mod notify;
mod osquery;
mod pg_tls;
mod pool;
mod postgres;
mod records;
mod sqlite;

pub use copy::CopyReport;
pub(crate) use postgres::client as pg_client;
pub use postgres::redact as redact_url;

use crate::audit::{self, ChainBreak, GENESIS};
use crate::{
    Actor, AuditEntry, ImportMode, NewException, NewOrg, Result, RunInfo, Scope, Store, StoreError,
    StoredResult,
};
use assay_core::engine::{Exception, FrameworkResult};
use assay_core::org::{OrgKind, Organisation, validate_slug};
use assay_core::params::{Params, Tier, default_tiers};
use assay_core::records::{OrgData, RecordKind, Row};
use assay_core::value::{format_timestamp, parse_date};
use chrono::{DateTime, Utc};
use convert::{parse_time_col, parse_uuid_col, ts};
use db::{Db, DbRow, Dialect, params};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Migrations per dialect, applied in order and recorded in
/// `schema_migrations`. Both lists build the same tables and columns.
const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_core.sql")),
    (2, include_str!("../../migrations/sqlite/0002_records.sql")),
    (3, include_str!("../../migrations/sqlite/0003_auth.sql")),
    (4, include_str!("../../migrations/sqlite/0004_osquery.sql")),
    (5, include_str!("../../migrations/sqlite/0005_jobs.sql")),
    (6, include_str!("../../migrations/sqlite/0006_webhooks.sql")),
];
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_core.sql")),
    (
        2,
        include_str!("../../migrations/postgres/0002_records.sql"),
    ),
    (3, include_str!("../../migrations/postgres/0003_auth.sql")),
    (
        4,
        include_str!("../../migrations/postgres/0004_osquery.sql"),
    ),
    (5, include_str!("../../migrations/postgres/0005_jobs.sql")),
    (
        6,
        include_str!("../../migrations/postgres/0006_webhooks.sql"),
    ),
];

/// Where a store's connections come from.
trait Backend: Send + Sync {
    /// A connection to change data with.
    fn writer(&self) -> Result<Box<dyn Db + '_>>;
    /// A connection to read with.
    fn reader(&self) -> Result<Box<dyn Db + '_>>;
}

/// The [`Store`] on SQLite ([`SqlStore::open`]) or PostgreSQL
/// ([`SqlStore::connect`]).
pub struct SqlStore {
    backend: Box<dyn Backend>,
}

impl SqlStore {
    /// Opens the database a URL names: `postgres://…` (or `postgresql://…`)
    /// for PostgreSQL, `sqlite:PATH` or a plain path for SQLite.
    pub fn open_url(url: &str) -> Result<SqlStore> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            SqlStore::connect(url)
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"));
            SqlStore::open(std::path::Path::new(path.unwrap_or(url)))
        }
    }

    fn start(backend: Box<dyn Backend>) -> Result<SqlStore> {
        let store = SqlStore { backend };
        store.migrate()?;
        Ok(store)
    }

    fn conn(&self) -> Result<Box<dyn Db + '_>> {
        self.backend.writer()
    }

    fn reader(&self) -> Result<Box<dyn Db + '_>> {
        self.backend.reader()
    }

    /// Which database this is.
    pub fn dialect(&self) -> Result<Dialect> {
        Ok(self.reader()?.dialect())
    }

    /// The database's size on disk: SQLite's pages (the write-ahead log
    /// not counted), or PostgreSQL's `pg_database_size`.
    pub fn database_bytes(&self) -> Result<u64> {
        let conn = self.reader()?;
        let bytes: i64 = match conn.dialect() {
            Dialect::Sqlite => conn.query_one(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                params![],
                |r| r.get(0),
            )?,
            Dialect::Postgres => conn.query_one(
                "SELECT pg_database_size(current_database())",
                params![],
                |r| r.get(0),
            )?,
        };
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// Whether the connection to the database is encrypted (TLS to
    /// PostgreSQL); an embedded SQLite file has no connection to encrypt.
    pub fn encrypted(&self) -> Result<bool> {
        let conn = self.reader()?;
        match conn.dialect() {
            Dialect::Sqlite => Ok(false),
            Dialect::Postgres => conn.query_one(
                "SELECT COUNT(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl",
                params![],
                |r| Ok(r.get::<i64>(0)? == 1),
            ),
        }
    }

    /// Applies the migrations not yet applied, all in one transaction; on
    /// PostgreSQL an advisory lock keeps two nodes starting at once from
    /// both migrating.
    fn migrate(&self) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let migrations = match tx.dialect() {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => {
                tx.query_one("SELECT pg_advisory_xact_lock(7469157)", params![], |_| {
                    Ok(())
                })?;
                POSTGRES_MIGRATIONS
            }
        };
        tx.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )?;
        let done: i64 = tx.query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            params![],
            |r| r.get(0),
        )?;
        if let Some((latest, _)) = migrations.last().filter(|(v, _)| *v < done) {
            return Err(StoreError::Database(format!(
                "the database is at schema version {done}, newer than this program's {latest}: upgrade Assay"
            )));
        }
        for (version, sql) in migrations.iter().filter(|(v, _)| *v > done) {
            tx.batch(sql)
                .map_err(|e| StoreError::Database(format!("migration {version}: {e}")))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, format_timestamp(&Utc::now())],
            )?;
        }
        // The chain's head exists from the start, so that the first writers
        // have a row to lock.
        tx.execute(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?1) ON CONFLICT (id) DO NOTHING",
            params![GENESIS],
        )?;
        if !tx.exists("SELECT 1 FROM tiers", params![])? {
            for t in default_tiers() {
                tx.execute(
                    "INSERT INTO tiers (name, about) VALUES (?1, ?2)",
                    params![t.name, t.about],
                )?;
                for (k, v) in &t.values {
                    tx.execute(
                        "INSERT INTO tier_params (tier, param, value) VALUES (?1, ?2, ?3)",
                        params![t.name, k, v],
                    )?;
                }
            }
        }
        tx.commit()
    }

    fn verify_chain(&self) -> Result<std::result::Result<i64, ChainBreak>> {
        let conn = self.reader()?;
        let tx = conn.snapshot()?;
        let entries = tx.query(
            &format!("{AUDIT_SELECT} ORDER BY seq"),
            params![],
            audit_row,
        )?;
        let head: Option<(i64, String)> = tx.query_row(
            "SELECT seq, hash FROM audit_head WHERE id = 1",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok(match audit::verify(&entries, (GENESIS, 0)) {
            Err(b) => Err(b),
            Ok((hash, seq)) => match head {
                Some((hs, hh)) if hs != seq || hh != hash => Err(ChainBreak {
                    seq: hs,
                    reason: format!(
                        "missing: the log ends at entry {seq} but entry {hs} was written"
                    ),
                }),
                None if seq > 0 => Err(ChainBreak {
                    seq: 1,
                    reason: "the chain's head record is missing".into(),
                }),
                _ => Ok(seq),
            },
        })
    }
}

const AUDIT_SELECT: &str = "SELECT seq, at, actor, source, action, org_id, target, before, after, prev_hash, hash FROM audit_log";

fn audit_row(r: &dyn DbRow) -> Result<AuditEntry> {
    let at: String = r.get(1)?;
    let org: Option<String> = r.get(5)?;
    let before: String = r.get(7)?;
    let after: String = r.get(8)?;
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: parse_time_col(&at)?,
        actor: r.get(2)?,
        source: r.get(3)?,
        action: r.get(4)?,
        org_id: org.as_deref().map(parse_uuid_col).transpose()?,
        target: r.get(6)?,
        // An unparsable body still gets verified: it will not match its hash.
        before: serde_json::from_str(&before).unwrap_or(Json::String(before)),
        after: serde_json::from_str(&after).unwrap_or(Json::String(after)),
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Appends one audit entry inside the caller's transaction.
fn append_audit(
    tx: &dyn Db,
    actor: &Actor,
    action: &str,
    org: Option<Uuid>,
    target: &str,
    before: Json,
    after: Json,
) -> Result<()> {
    // Locking the head makes writers on other nodes wait their turn, so
    // the chain stays one line.
    let (prev_seq, prev_hash): (i64, String) = tx
        .query_row(
            &format!(
                "SELECT seq, hash FROM audit_head WHERE id = 1{}",
                tx.dialect().for_update()
            ),
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .unwrap_or((0, GENESIS.to_string()));
    let mut e = AuditEntry {
        seq: prev_seq + 1,
        at: Utc::now(),
        actor: actor.name.clone(),
        source: actor.source.clone(),
        action: action.to_string(),
        org_id: org,
        target: target.to_string(),
        before,
        after,
        prev_hash,
        hash: String::new(),
    };
    // Store the time at the precision it is hashed with.
    e.at = parse_time_col(&format_timestamp(&e.at))?;
    e.hash = audit::entry_hash(&e);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, source, action, org_id, target, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.seq,
            format_timestamp(&e.at),
            e.actor,
            e.source,
            e.action,
            e.org_id.map(|o| o.to_string()),
            e.target,
            e.before.to_string(),
            e.after.to_string(),
            e.prev_hash,
            e.hash
        ],
    )?;
    tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![e.seq, e.hash],
    )?;
    Ok(())
}

const ORG_SELECT: &str =
    "SELECT id, slug, name, kind, tier, contracted_endpoints FROM organisations";

fn org_row(r: &dyn DbRow) -> Result<Organisation> {
    let id: String = r.get(0)?;
    let kind: String = r.get(3)?;
    Ok(Organisation {
        id: parse_uuid_col(&id)?,
        slug: r.get(1)?,
        name: r.get(2)?,
        kind: OrgKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("organisation kind '{kind}'")))?,
        tier: r.get(4)?,
        contracted_endpoints: r.get(5)?,
    })
}

fn org_json(o: &Organisation) -> Json {
    json!({"slug": o.slug, "name": o.name, "kind": o.kind.as_str(), "tier": o.tier,
           "contracted_endpoints": o.contracted_endpoints})
}

/// Revoking one row of a table with a `revoked_at` column, audited.
pub(crate) struct Revoking {
    pub table: &'static str,
    pub what: &'static str,
    pub action: &'static str,
    pub target: String,
}

impl Revoking {
    /// Marks row `id` revoked at `now` (`Conflict` if it already is) and
    /// audits it with `before` as it was.
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        tx: &dyn Db,
        actor: &Actor,
        id: Uuid,
        org: Option<Uuid>,
        revoked_at: Option<DateTime<Utc>>,
        before: Json,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let already = || StoreError::Conflict(format!("{} {id} is already revoked", self.what));
        if revoked_at.is_some() {
            return Err(already());
        }
        // Another node may have revoked it since it was read.
        let changed = tx.execute(
            &format!(
                "UPDATE {} SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                self.table
            ),
            params![ts(now), id.to_string()],
        )?;
        if changed == 0 {
            return Err(already());
        }
        let mut after = before.clone();
        after["revoked_at"] = json!(ts(now));
        append_audit(tx, actor, self.action, org, &self.target, before, after)
    }
}

const RUN_SELECT: &str =
    "SELECT id, evaluated_at, started_at, finished_at, actor, job_id FROM eval_runs";

fn run_row(r: &dyn DbRow) -> Result<RunInfo> {
    let (id, ev, st, fi): (String, String, String, String) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
    Ok(RunInfo {
        id: parse_uuid_col(&id)?,
        evaluated_at: parse_time_col(&ev)?,
        started_at: parse_time_col(&st)?,
        finished_at: parse_time_col(&fi)?,
        actor: r.get(4)?,
        job_id: r
            .get::<Option<String>>(5)?
            .as_deref()
            .map(parse_uuid_col)
            .transpose()?,
    })
}

/// Fails with `NotFound` unless the scope grants `org` and it exists.
fn check_org(conn: &dyn Db, scope: &Scope, org: Uuid) -> Result<()> {
    let exists = scope.allows(org)
        && conn.exists(
            "SELECT 1 FROM organisations WHERE id = ?1",
            params![org.to_string()],
        )?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("organisation {org}")))
    }
}

fn exception_row(r: &dyn DbRow) -> Result<Exception> {
    let (id, org, expires, created, revoked): (String, String, String, String, Option<String>) =
        (r.get(0)?, r.get(1)?, r.get(6)?, r.get(7)?, r.get(8)?);
    Ok(Exception {
        id: parse_uuid_col(&id)?,
        org_id: parse_uuid_col(&org)?,
        check: r.get(2)?,
        resource: r.get(3)?,
        justification: r.get(4)?,
        approver: r.get(5)?,
        expires: parse_date(&expires).map_err(StoreError::Corrupt)?,
        created_at: parse_time_col(&created)?,
        revoked_at: revoked.as_deref().map(parse_time_col).transpose()?,
    })
}

fn exception_json(e: &Exception) -> Json {
    json!({"check": e.check, "resource": e.resource, "justification": e.justification,
           "approver": e.approver, "expires": e.expires.to_string(),
           "revoked_at": e.revoked_at.map(|t| format_timestamp(&t))})
}

/// Validates and inserts one organisation inside the caller's transaction.
fn insert_org(tx: &dyn Db, actor: &Actor, new: NewOrg) -> Result<Organisation> {
    validate_slug(&new.slug).map_err(StoreError::Invalid)?;
    if new.name.trim().is_empty() {
        return Err(StoreError::Invalid(format!(
            "organisation '{}' needs a name",
            new.slug
        )));
    }
    if let Some(t) = &new.tier
        && !tx.exists("SELECT 1 FROM tiers WHERE name = ?1", params![t])?
    {
        return Err(StoreError::Invalid(format!(
            "unknown service tier '{t}' (see `assay tier list`)"
        )));
    }
    if tx.exists(
        "SELECT 1 FROM organisations WHERE slug = ?1",
        params![new.slug],
    )? {
        return Err(StoreError::Conflict(format!(
            "organisation '{}' already exists",
            new.slug
        )));
    }
    if new.kind == OrgKind::Provider
        && tx.exists(
            "SELECT 1 FROM organisations WHERE kind = 'provider'",
            params![],
        )?
    {
        return Err(StoreError::Conflict(format!(
            "'{}': there is already a provider organisation",
            new.slug
        )));
    }
    let org = Organisation {
        id: Uuid::now_v7(),
        slug: new.slug,
        name: new.name,
        kind: new.kind,
        tier: new.tier,
        contracted_endpoints: new.contracted_endpoints,
    };
    tx.execute(
        "INSERT INTO organisations (id, slug, name, kind, tier, contracted_endpoints, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            org.id.to_string(),
            org.slug,
            org.name,
            org.kind.as_str(),
            org.tier,
            org.contracted_endpoints,
            format_timestamp(&Utc::now())
        ],
    )?;
    append_audit(
        tx,
        actor,
        "organisation.create",
        Some(org.id),
        &org.slug,
        Json::Null,
        org_json(&org),
    )?;
    Ok(org)
}

fn tier_json(t: &Tier) -> Json {
    json!({"about": t.about, "values": t.values})
}

impl Store for SqlStore {
    fn create_orgs(
        &self,
        actor: &Actor,
        orgs: &[(NewOrg, BTreeMap<String, i64>)],
    ) -> Result<Vec<Organisation>> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let mut created = Vec::with_capacity(orgs.len());
        for (new, overrides) in orgs {
            let org = insert_org(&tx, actor, new.clone())?;
            for (param, value) in overrides {
                Params::default()
                    .set(param, *value)
                    .map_err(|e| StoreError::Invalid(format!("{}: {e}", org.slug)))?;
                tx.execute(
                    "INSERT INTO org_overrides (org_id, param, value) VALUES (?1, ?2, ?3)",
                    params![org.id.to_string(), param, value],
                )?;
                append_audit(
                    &tx,
                    actor,
                    "organisation.override",
                    Some(org.id),
                    param,
                    Json::Null,
                    json!(value),
                )?;
            }
            created.push(org);
        }
        tx.commit()?;
        Ok(created)
    }

    fn list_orgs(&self, scope: &Scope) -> Result<Vec<Organisation>> {
        let conn = self.reader()?;
        let all = conn.query(
            &format!("{ORG_SELECT} ORDER BY kind DESC, slug"),
            params![],
            org_row,
        )?;
        Ok(all.into_iter().filter(|o| scope.allows(o.id)).collect())
    }

    fn org_by_slug(&self, scope: &Scope, slug: &str) -> Result<Organisation> {
        let conn = self.reader()?;
        conn.query_row(
            &format!("{ORG_SELECT} WHERE slug = ?1"),
            params![slug],
            org_row,
        )?
        .filter(|o| scope.allows(o.id))
        .ok_or_else(|| StoreError::NotFound(format!("organisation '{slug}'")))
    }

    fn list_tiers(&self) -> Result<Vec<Tier>> {
        let conn = self.reader()?;
        let mut tiers = conn.query(
            "SELECT name, about FROM tiers ORDER BY name",
            params![],
            |r| {
                Ok(Tier {
                    name: r.get(0)?,
                    about: r.get(1)?,
                    values: BTreeMap::new(),
                })
            },
        )?;
        conn.each(
            "SELECT tier, param, value FROM tier_params",
            params![],
            &mut |r| {
                let tier: String = r.get(0)?;
                if let Some(t) = tiers.iter_mut().find(|t| t.name == tier) {
                    t.values.insert(r.get(1)?, r.get(2)?);
                }
                Ok(())
            },
        )?;
        Ok(tiers)
    }

    fn set_tier_param(&self, actor: &Actor, tier: &str, param: &str, value: i64) -> Result<()> {
        Params::default()
            .set(param, value)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        if !tx.exists("SELECT 1 FROM tiers WHERE name = ?1", params![tier])? {
            return Err(StoreError::NotFound(format!("service tier '{tier}'")));
        }
        let before: Option<i64> = tx.query_row(
            "SELECT value FROM tier_params WHERE tier = ?1 AND param = ?2",
            params![tier, param],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO tier_params (tier, param, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (tier, param) DO UPDATE SET value = excluded.value",
            params![tier, param, value],
        )?;
        append_audit(
            &tx,
            actor,
            "tier.set_param",
            None,
            &format!("{tier}/{param}"),
            json!(before),
            json!(value),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn put_tiers(&self, actor: &Actor, tiers: &[Tier]) -> Result<()> {
        let existing = self.list_tiers()?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        for t in tiers {
            if t.name.trim().is_empty() {
                return Err(StoreError::Invalid("a tier needs a name".into()));
            }
            for (param, value) in &t.values {
                Params::default()
                    .set(param, *value)
                    .map_err(|e| StoreError::Invalid(format!("tier '{}': {e}", t.name)))?;
            }
            let before = existing
                .iter()
                .find(|x| x.name == t.name)
                .map(tier_json)
                .unwrap_or(Json::Null);
            tx.execute(
                "INSERT INTO tiers (name, about) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET about = excluded.about",
                params![t.name, t.about],
            )?;
            tx.execute("DELETE FROM tier_params WHERE tier = ?1", params![t.name])?;
            for (param, value) in &t.values {
                tx.execute(
                    "INSERT INTO tier_params (tier, param, value) VALUES (?1, ?2, ?3)",
                    params![t.name, param, value],
                )?;
            }
            append_audit(&tx, actor, "tier.put", None, &t.name, before, tier_json(t))?;
        }
        tx.commit()?;
        Ok(())
    }

    fn overrides(&self, scope: &Scope, org: Uuid) -> Result<BTreeMap<String, i64>> {
        let conn = self.reader()?;
        check_org(&conn, scope, org)?;
        let rows = conn.query(
            "SELECT param, value FROM org_overrides WHERE org_id = ?1",
            params![org.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(rows.into_iter().collect())
    }

    fn set_override(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        param: &str,
        value: Option<i64>,
    ) -> Result<()> {
        if let Some(v) = value {
            Params::default()
                .set(param, v)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let before: Option<i64> = tx.query_row(
            "SELECT value FROM org_overrides WHERE org_id = ?1 AND param = ?2",
            params![org.to_string(), param],
            |r| r.get(0),
        )?;
        match value {
            Some(v) => tx.execute(
                "INSERT INTO org_overrides (org_id, param, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id, param) DO UPDATE SET value = excluded.value",
                params![org.to_string(), param, v],
            )?,
            None => tx.execute(
                "DELETE FROM org_overrides WHERE org_id = ?1 AND param = ?2",
                params![org.to_string(), param],
            )?,
        };
        append_audit(
            &tx,
            actor,
            "organisation.override",
            Some(org),
            param,
            json!(before),
            json!(value),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn import_rows(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        rows: &[Row],
        mode: ImportMode,
    ) -> Result<usize> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let replaced = records::write_rows(&tx, org, kind, rows, mode)?;
        append_audit(
            &tx,
            actor,
            "records.import",
            Some(org),
            kind.name(),
            json!({"replaced": replaced}),
            json!({"rows": rows.len(), "mode": format!("{mode:?}").to_lowercase(),
                   "first_id": rows.first().map(|r| r.id.clone()), "last_id": rows.last().map(|r| r.id.clone())}),
        )?;
        tx.commit()?;
        Ok(rows.len())
    }

    fn list_rows(&self, scope: &Scope, org: Uuid, kind: RecordKind) -> Result<Vec<Row>> {
        let conn = self.reader()?;
        check_org(&conn, scope, org)?;
        records::read_rows(&conn, org, kind)
    }

    fn list_rows_page(
        &self,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Row>> {
        let conn = self.reader()?;
        check_org(&conn, scope, org)?;
        records::read_page(&conn, org, kind, after, limit)
    }

    fn get_row(&self, scope: &Scope, org: Uuid, kind: RecordKind, id: &str) -> Result<Row> {
        let conn = self.reader()?;
        check_org(&conn, scope, org)?;
        records::read_one(&conn, org, kind, id)?
            .ok_or_else(|| StoreError::NotFound(format!("{kind} '{id}'")))
    }

    fn put_row(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        row: &Row,
    ) -> Result<bool> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let before = records::read_one(&tx, org, kind, &row.id)?;
        records::write_rows(
            &tx,
            org,
            kind,
            std::slice::from_ref(row),
            ImportMode::Upsert,
        )?;
        let before_json = before.as_ref().map_or(Json::Null, |b| kind.row_json(b));
        append_audit(
            &tx,
            actor,
            "records.put",
            Some(org),
            &format!("{kind}/{}", row.id),
            before_json,
            kind.row_json(row),
        )?;
        tx.commit()?;
        Ok(before.is_some())
    }

    fn delete_row(
        &self,
        actor: &Actor,
        scope: &Scope,
        org: Uuid,
        kind: RecordKind,
        id: &str,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, org)?;
        let before = records::read_one(&tx, org, kind, id)?
            .ok_or_else(|| StoreError::NotFound(format!("{kind} '{id}'")))?;
        records::delete(&tx, org, kind, id)?;
        append_audit(
            &tx,
            actor,
            "records.delete",
            Some(org),
            &format!("{kind}/{id}"),
            kind.row_json(&before),
            Json::Null,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn load_org_data(&self, scope: &Scope, org: Uuid) -> Result<OrgData> {
        let reader = self.reader()?;
        // Every kind is read from the same snapshot.
        let conn = reader.snapshot()?;
        check_org(&conn, scope, org)?;
        let mut data = OrgData::default();
        for kind in RecordKind::ALL {
            records::for_each_row(&conn, org, *kind, |row| {
                let id = row.id.clone();
                data.push_row(*kind, row).map_err(|(field, e)| {
                    StoreError::Corrupt(format!("{kind} '{id}' field {field}: {e}"))
                })
            })?;
        }
        Ok(data)
    }

    fn add_exception(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewException,
        now: DateTime<Utc>,
    ) -> Result<Exception> {
        if assay_core::engine::checks::find(&new.check).is_none() {
            return Err(StoreError::Invalid(format!(
                "unknown check '{}' (see `assay frameworks show`)",
                new.check
            )));
        }
        if new.justification.trim().is_empty() || new.approver.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an exception needs a justification and an approver".into(),
            ));
        }
        if new.expires < now.date_naive() {
            return Err(StoreError::Invalid(format!(
                "expiry {} is in the past",
                new.expires
            )));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        check_org(&tx, scope, new.org_id)?;
        let e = Exception {
            id: Uuid::now_v7(),
            org_id: new.org_id,
            check: new.check,
            resource: new.resource,
            justification: new.justification,
            approver: new.approver,
            expires: new.expires,
            created_at: parse_time_col(&format_timestamp(&now))?,
            revoked_at: None,
        };
        tx.execute(
            "INSERT INTO exceptions (id, org_id, check_id, resource, justification, approver, expires, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.id.to_string(),
                e.org_id.to_string(),
                e.check,
                e.resource,
                e.justification,
                e.approver,
                e.expires.to_string(),
                format_timestamp(&e.created_at)
            ],
        )?;
        append_audit(
            &tx,
            actor,
            "exception.add",
            Some(e.org_id),
            &e.id.to_string(),
            Json::Null,
            exception_json(&e),
        )?;
        tx.commit()?;
        Ok(e)
    }

    fn list_exceptions(&self, scope: &Scope, org: Option<Uuid>) -> Result<Vec<Exception>> {
        let conn = self.reader()?;
        if let Some(o) = org {
            check_org(&conn, scope, o)?;
        }
        let all = conn.query(
            "SELECT id, org_id, check_id, resource, justification, approver, expires, created_at, revoked_at
             FROM exceptions WHERE (CAST(?1 AS TEXT) IS NULL OR org_id = ?1) ORDER BY created_at, id",
            params![org.map(|o| o.to_string())],
            exception_row,
        )?;
        Ok(all.into_iter().filter(|e| scope.allows(e.org_id)).collect())
    }

    fn revoke_exception(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let found = tx
            .query_row(
                "SELECT id, org_id, check_id, resource, justification, approver, expires, created_at, revoked_at
                 FROM exceptions WHERE id = ?1",
                params![id.to_string()],
                exception_row,
            )?
            .filter(|e| scope.allows(e.org_id))
            .ok_or_else(|| StoreError::NotFound(format!("exception {id}")))?;
        let revoking = Revoking {
            table: "exceptions",
            what: "exception",
            action: "exception.revoke",
            target: id.to_string(),
        };
        revoking.apply(
            &tx,
            actor,
            id,
            Some(found.org_id),
            found.revoked_at,
            exception_json(&found),
            now,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn save_run(
        &self,
        actor: &Actor,
        run: &RunInfo,
        results: &[(Uuid, FrameworkResult)],
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let evaluated_at = format_timestamp(&run.evaluated_at);
        tx.execute(
            "INSERT INTO eval_runs (id, evaluated_at, started_at, finished_at, actor, job_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.id.to_string(),
                evaluated_at,
                format_timestamp(&run.started_at),
                format_timestamp(&run.finished_at),
                run.actor,
                run.job_id.map(|j| j.to_string())
            ],
        )?;
        for (org, r) in results {
            let body = serde_json::to_string(r).map_err(|e| StoreError::Invalid(e.to_string()))?;
            tx.execute(
                "INSERT INTO eval_results (run_id, org_id, framework, evaluated_at, verdict_status, result)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run.id.to_string(),
                    org.to_string(),
                    r.framework,
                    evaluated_at,
                    r.verdict.as_ref().map(|v| v.status.as_str()),
                    body
                ],
            )?;
        }
        let orgs: std::collections::BTreeSet<String> =
            results.iter().map(|(o, _)| o.to_string()).collect();
        append_audit(
            &tx,
            actor,
            "evaluation.run",
            None,
            &run.id.to_string(),
            Json::Null,
            json!({"evaluated_at": evaluated_at, "organisations": orgs.len(), "results": results.len()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn stored_results_as_of(
        &self,
        scope: &Scope,
        org: Uuid,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<StoredResult>> {
        let conn = self.reader()?;
        check_org(&conn, scope, org)?;
        // For each framework, the newest result at or before `as_of`; the
        // run id breaks ties between runs evaluated at the same instant.
        conn.query(
            "SELECT r.framework, r.result FROM eval_results r
             WHERE r.org_id = ?1 AND r.evaluated_at <= ?2
               AND NOT EXISTS (SELECT 1 FROM eval_results n
                               WHERE n.org_id = r.org_id AND n.framework = r.framework
                                 AND n.evaluated_at <= ?2
                                 AND (n.evaluated_at > r.evaluated_at
                                      OR (n.evaluated_at = r.evaluated_at AND n.run_id > r.run_id)))
             ORDER BY r.framework",
            params![org.to_string(), format_timestamp(&as_of)],
            |r| {
                Ok(StoredResult {
                    framework: r.get(0)?,
                    json: r.get(1)?,
                })
            },
        )
    }

    fn list_runs(&self, limit: usize) -> Result<Vec<RunInfo>> {
        self.reader()?.query(
            &format!("{RUN_SELECT} ORDER BY evaluated_at DESC, id DESC LIMIT ?1"),
            params![limit as i64],
            run_row,
        )
    }

    fn get_run(&self, id: Uuid) -> Result<RunInfo> {
        self.reader()?
            .query_row(
                &format!("{RUN_SELECT} WHERE id = ?1"),
                params![id.to_string()],
                run_row,
            )?
            .ok_or_else(|| StoreError::NotFound(format!("evaluation run {id}")))
    }

    fn runs_finished_since(&self, since: DateTime<Utc>) -> Result<Vec<RunInfo>> {
        self.reader()?.query(
            &format!("{RUN_SELECT} WHERE finished_at >= ?1 ORDER BY finished_at, id"),
            params![ts(since)],
            run_row,
        )
    }

    fn audit_entries(&self, after_seq: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        let conn = self.reader()?;
        conn.query(
            &format!("{AUDIT_SELECT} WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            params![after_seq, limit as i64],
            audit_row,
        )
    }

    fn verify_audit(&self) -> Result<std::result::Result<i64, ChainBreak>> {
        self.verify_chain()
    }
}

#[cfg(test)]
mod tests;
