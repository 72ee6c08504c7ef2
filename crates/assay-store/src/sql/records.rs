//! Reading and writing records of any kind, driven by the kind's field list.

use super::convert::{from_sql, to_sql};
use super::db::{Db, DbRow, ToArg, params, placeholder_tuples};
use crate::{ImportMode, Result, StoreError};
use assay_core::records::{RecordKind, Row};
use uuid::Uuid;

/// The kind's columns, quoted: some field names (`left`) are reserved
/// words in PostgreSQL.
fn columns(kind: RecordKind) -> String {
    kind.fields()
        .iter()
        .map(|f| format!("\"{}\"", f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Placeholders one statement may carry, kept under both databases'
/// limits (SQLite 32,766, PostgreSQL 65,535).
const MAX_PLACEHOLDERS: usize = 30_000;

/// Rows one INSERT carries at most. Statements are written for powers of
/// two up to this, so a connection caches a handful of them per kind.
const MAX_ROWS_PER_INSERT: usize = 256;

/// Writes rows inside the caller's transaction; returns how many stored rows
/// were replaced. A duplicate id (in `Insert` mode) names the id.
///
/// Rows go in multi-row INSERTs (one round trip per batch matters on
/// PostgreSQL). A batch the database refuses is undone to a savepoint and
/// written again row by row, which names the row at fault.
pub fn write_rows(
    conn: &dyn Db,
    org: Uuid,
    kind: RecordKind,
    rows: &[Row],
    mode: ImportMode,
) -> Result<usize> {
    let org = org.to_string();
    let mut replaced = 0;
    if mode == ImportMode::Replace {
        replaced = conn.execute(
            &format!("DELETE FROM {} WHERE org_id = ?1", kind.table()),
            params![org],
        )?;
    }
    let n = kind.fields().len();
    if let Some(row) = rows.iter().find(|r| r.values.len() != n) {
        return Err(StoreError::Invalid(format!(
            "{kind} '{}' has {} values, expected {n}",
            row.id,
            row.values.len()
        )));
    }
    let widest = (MAX_PLACEHOLDERS / (n + 2)).clamp(1, MAX_ROWS_PER_INSERT);
    let mut rest = rows;
    while !rest.is_empty() {
        // The largest power of two that fits.
        let take = 1 << (rest.len().min(widest).ilog2());
        let (batch, after) = rest.split_at(take);
        if take == 1 {
            insert_one(conn, &org, kind, mode, &batch[0])?;
        } else {
            conn.batch("SAVEPOINT write_rows")?;
            match insert_many(conn, &org, kind, mode, batch) {
                Ok(()) => conn.batch("RELEASE SAVEPOINT write_rows")?,
                Err(_) => {
                    conn.batch("ROLLBACK TO SAVEPOINT write_rows; RELEASE SAVEPOINT write_rows")?;
                    for row in batch {
                        insert_one(conn, &org, kind, mode, row)?;
                    }
                }
            }
        }
        rest = after;
    }
    Ok(replaced)
}

/// `INSERT INTO table (org_id, id, fields…) VALUES` followed by `rows`
/// tuples of placeholders, and the upsert clause in `Upsert` mode.
fn insert_sql(kind: RecordKind, mode: ImportMode, rows: usize) -> String {
    let mut sql = format!(
        "INSERT INTO {} (org_id, id, {}) VALUES {}",
        kind.table(),
        columns(kind),
        placeholder_tuples(rows, kind.fields().len() + 2)
    );
    if mode == ImportMode::Upsert {
        let set: Vec<String> = kind
            .fields()
            .iter()
            .map(|f| format!("\"{0}\" = excluded.\"{0}\"", f.name))
            .collect();
        sql.push_str(&format!(
            " ON CONFLICT (org_id, id) DO UPDATE SET {}",
            set.join(", ")
        ));
    }
    sql
}

fn insert_many(
    conn: &dyn Db,
    org: &str,
    kind: RecordKind,
    mode: ImportMode,
    rows: &[Row],
) -> Result<()> {
    let values: Vec<Vec<_>> = rows
        .iter()
        .map(|r| r.values.iter().map(to_sql).collect())
        .collect();
    let mut args: Vec<&dyn ToArg> = Vec::with_capacity(rows.len() * (kind.fields().len() + 2));
    for (row, vals) in rows.iter().zip(&values) {
        args.push(&org);
        args.push(&row.id);
        args.extend(vals.iter().map(|v| v as &dyn ToArg));
    }
    conn.execute(&insert_sql(kind, mode, rows.len()), &args)?;
    Ok(())
}

fn insert_one(
    conn: &dyn Db,
    org: &str,
    kind: RecordKind,
    mode: ImportMode,
    row: &Row,
) -> Result<()> {
    let values: Vec<_> = row.values.iter().map(to_sql).collect();
    let args: Vec<&dyn ToArg> = [&org as &dyn ToArg, &row.id]
        .into_iter()
        .chain(values.iter().map(|v| v as &dyn ToArg))
        .collect();
    match conn.execute(&insert_sql(kind, mode, 1), &args) {
        Err(StoreError::Unique(_)) => Err(StoreError::DuplicateId {
            kind,
            id: row.id.clone(),
        }),
        other => other.map(|_| ()),
    }
}

/// One page of rows in id order, after `after`.
pub fn read_page(
    conn: &dyn Db,
    org: Uuid,
    kind: RecordKind,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR id > ?2) ORDER BY id LIMIT ?3",
        columns(kind),
        kind.table()
    );
    query_rows(
        conn,
        kind,
        &sql,
        params![org.to_string(), after, limit as i64],
    )
}

/// One row by id.
pub fn read_one(conn: &dyn Db, org: Uuid, kind: RecordKind, id: &str) -> Result<Option<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND id = ?2",
        columns(kind),
        kind.table()
    );
    conn.query_row(&sql, params![org.to_string(), id], |r| decode(kind, r))
}

/// Deletes one row; whether it existed.
pub fn delete(conn: &dyn Db, org: Uuid, kind: RecordKind, id: &str) -> Result<bool> {
    let sql = format!("DELETE FROM {} WHERE org_id = ?1 AND id = ?2", kind.table());
    Ok(conn.execute(&sql, params![org.to_string(), id])? > 0)
}

/// Reads every row of `kind` for `org`, in id order.
pub fn read_rows(conn: &dyn Db, org: Uuid, kind: RecordKind) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    for_each_row(conn, org, kind, |row| {
        out.push(row);
        Ok(())
    })?;
    Ok(out)
}

/// Calls `f` with every row of `kind` for `org`, in id order, without
/// holding them all in memory.
pub fn for_each_row(
    conn: &dyn Db,
    org: Uuid,
    kind: RecordKind,
    mut f: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 ORDER BY id",
        columns(kind),
        kind.table()
    );
    conn.each(&sql, params![org.to_string()], &mut |r| f(decode(kind, r)?))
}

/// One stored row as a `Row`.
fn decode(kind: RecordKind, r: &dyn DbRow) -> Result<Row> {
    let id: String = r.get(0)?;
    let fields = kind.fields();
    let mut values = Vec::with_capacity(fields.len());
    for (i, field) in fields.iter().enumerate() {
        let v = from_sql(field.ty, r.value(i + 1)?)
            .map_err(|e| StoreError::Corrupt(format!("{kind} '{id}' field {}: {e}", field.name)))?;
        values.push(v);
    }
    Ok(Row { id, values })
}

/// Rows whose text `field` equals `value`, in id order. `field` must be
/// one of the kind's fields.
pub fn find(
    conn: &dyn Db,
    org: Uuid,
    kind: RecordKind,
    field: &str,
    value: &str,
) -> Result<Vec<Row>> {
    if !kind.fields().iter().any(|f| f.name == field) {
        return Err(StoreError::Invalid(format!(
            "{kind} has no field '{field}'"
        )));
    }
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND \"{field}\" = ?2 ORDER BY id",
        columns(kind),
        kind.table()
    );
    query_rows(conn, kind, &sql, params![org.to_string(), value])
}

/// Rows whose id starts with `prefix`, in id order (a range scan of the
/// primary key).
pub fn with_prefix(conn: &dyn Db, org: Uuid, kind: RecordKind, prefix: &str) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND id >= ?2 AND id < ?3 ORDER BY id",
        columns(kind),
        kind.table()
    );
    // U+10FFFF sorts after every other character in UTF-8 byte order.
    let upper = format!("{prefix}\u{10FFFF}");
    query_rows(conn, kind, &sql, params![org.to_string(), prefix, upper])
}

fn query_rows(
    conn: &dyn Db,
    kind: RecordKind,
    sql: &str,
    params: &[&dyn ToArg],
) -> Result<Vec<Row>> {
    conn.query(sql, params, |r| decode(kind, r))
}
