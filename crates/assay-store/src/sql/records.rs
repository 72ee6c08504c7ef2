//! Reading and writing records of any kind, driven by the kind's field list.

use super::convert::{from_sql, to_sql};
use super::db::{Db, DbRow, ToArg, params};
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

/// Writes rows inside the caller's transaction; returns how many stored rows
/// were replaced. A duplicate id (in `Insert` mode) names the id.
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
    let placeholders: Vec<String> = (3..n + 3).map(|i| format!("?{i}")).collect();
    let mut sql = format!(
        "INSERT INTO {} (org_id, id, {}) VALUES (?1, ?2, {})",
        kind.table(),
        columns(kind),
        placeholders.join(", ")
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
    for row in rows {
        if row.values.len() != n {
            return Err(StoreError::Invalid(format!(
                "{kind} '{}' has {} values, expected {n}",
                row.id,
                row.values.len()
            )));
        }
        let values: Vec<_> = row.values.iter().map(to_sql).collect();
        let args: Vec<&dyn ToArg> = [&org as &dyn ToArg, &row.id]
            .into_iter()
            .chain(values.iter().map(|v| v as &dyn ToArg))
            .collect();
        match conn.execute(&sql, &args) {
            Err(StoreError::Unique(_)) => {
                return Err(StoreError::DuplicateId {
                    kind,
                    id: row.id.clone(),
                });
            }
            other => other?,
        };
    }
    Ok(replaced)
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
