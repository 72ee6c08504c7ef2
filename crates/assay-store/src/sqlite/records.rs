//! Reading and writing records of any kind, driven by the kind's field list.

use super::convert::{from_sql, to_sql};
use crate::{ImportMode, Result, StoreError};
use assay_core::records::{RecordKind, Row};
use rusqlite::{Connection, ErrorCode, params_from_iter};
use uuid::Uuid;

fn columns(kind: RecordKind) -> String {
    kind.fields()
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes rows inside the caller's transaction; returns how many stored rows
/// were replaced. A duplicate id (in `Insert` mode) names the id.
pub fn write_rows(
    conn: &Connection,
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
            [&org],
        )?;
    }
    let n = kind.fields().len();
    let placeholders: Vec<String> = (3..n + 3).map(|i| format!("?{i}")).collect();
    let verb = if mode == ImportMode::Upsert {
        "INSERT OR REPLACE"
    } else {
        "INSERT"
    };
    let sql = format!(
        "{verb} INTO {} (org_id, id, {}) VALUES (?1, ?2, {})",
        kind.table(),
        columns(kind),
        placeholders.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for row in rows {
        if row.values.len() != n {
            return Err(StoreError::Invalid(format!(
                "{kind} '{}' has {} values, expected {n}",
                row.id,
                row.values.len()
            )));
        }
        let values = [
            to_sql(&assay_core::value::Value::Text(org.clone())),
            to_sql(&assay_core::value::Value::Text(row.id.clone())),
        ]
        .into_iter()
        .chain(row.values.iter().map(to_sql));
        if let Err(e) = stmt.execute(params_from_iter(values)) {
            return Err(match e.sqlite_error_code() {
                Some(ErrorCode::ConstraintViolation) if e.to_string().contains("UNIQUE") => {
                    StoreError::DuplicateId {
                        kind,
                        id: row.id.clone(),
                    }
                }
                _ => StoreError::from(e),
            });
        }
    }
    Ok(replaced)
}

/// One page of rows in id order, after `after`.
pub fn read_page(
    conn: &Connection,
    org: Uuid,
    kind: RecordKind,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3",
        columns(kind),
        kind.table()
    );
    query_rows(
        conn,
        kind,
        &sql,
        rusqlite::params![org.to_string(), after, limit as i64],
    )
}

/// One row by id.
pub fn read_one(conn: &Connection, org: Uuid, kind: RecordKind, id: &str) -> Result<Option<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND id = ?2",
        columns(kind),
        kind.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params![org.to_string(), id])?;
    rows.next()?.map(|r| decode(kind, r)).transpose()
}

/// Deletes one row; whether it existed.
pub fn delete(conn: &Connection, org: Uuid, kind: RecordKind, id: &str) -> Result<bool> {
    let sql = format!("DELETE FROM {} WHERE org_id = ?1 AND id = ?2", kind.table());
    Ok(conn.execute(&sql, rusqlite::params![org.to_string(), id])? > 0)
}

/// Reads every row of `kind` for `org`, in id order.
pub fn read_rows(conn: &Connection, org: Uuid, kind: RecordKind) -> Result<Vec<Row>> {
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
    conn: &Connection,
    org: Uuid,
    kind: RecordKind,
    mut f: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 ORDER BY id",
        columns(kind),
        kind.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([org.to_string()])?;
    while let Some(r) = rows.next()? {
        f(decode(kind, r)?)?;
    }
    Ok(())
}

/// One stored row as a `Row`.
fn decode(kind: RecordKind, r: &rusqlite::Row) -> Result<Row> {
    let id: String = r.get(0)?;
    let fields = kind.fields();
    let mut values = Vec::with_capacity(fields.len());
    for (i, field) in fields.iter().enumerate() {
        let v = from_sql(field.ty, r.get_ref(i + 1)?)
            .map_err(|e| StoreError::Corrupt(format!("{kind} '{id}' field {}: {e}", field.name)))?;
        values.push(v);
    }
    Ok(Row { id, values })
}

/// Rows whose text `field` equals `value`, in id order. `field` must be
/// one of the kind's fields.
pub fn find(
    conn: &Connection,
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
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND {field} = ?2 ORDER BY id",
        columns(kind),
        kind.table()
    );
    query_rows(conn, kind, &sql, rusqlite::params![org.to_string(), value])
}

/// Rows whose id starts with `prefix`, in id order (a range scan of the
/// primary key).
pub fn with_prefix(
    conn: &Connection,
    org: Uuid,
    kind: RecordKind,
    prefix: &str,
) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT id, {} FROM {} WHERE org_id = ?1 AND id >= ?2 AND id < ?3 ORDER BY id",
        columns(kind),
        kind.table()
    );
    // U+10FFFF sorts after every other character in UTF-8 byte order.
    let upper = format!("{prefix}\u{10FFFF}");
    query_rows(
        conn,
        kind,
        &sql,
        rusqlite::params![org.to_string(), prefix, upper],
    )
}

fn query_rows(
    conn: &Connection,
    kind: RecordKind,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode(kind, r)?);
    }
    Ok(out)
}
