//! Copying a whole installation from one database to another (SQLite to
//! PostgreSQL or back): every table, row for row, in one transaction on the
//! target, then checked.

use super::db::{Arg, Db, ToArg, params, placeholder_tuples};
use super::{POSTGRES_MIGRATIONS, SqlStore};
use crate::audit::ChainBreak;
use crate::{Result, Store, StoreError};

/// Rows per INSERT statement, at most; fewer for wide tables, to stay under
/// both databases' limits on placeholders per statement.
const ROWS_PER_INSERT: usize = 500;
const MAX_PLACEHOLDERS: usize = 30_000;

/// Tables the migrations fill in themselves; the copy replaces their rows.
const SEEDED: &[&str] = &["tiers", "tier_params", "audit_head"];

/// What a copy moved, table by table, and the audit chain it verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(String, u64)>,
    pub audit_entries: i64,
}

/// The tables in the order the migrations create them, which is an order in
/// which every row's references exist before it (PostgreSQL checks foreign
/// keys when a table is created, so its migrations are in such an order).
fn tables_in_order() -> Vec<String> {
    let mut out = Vec::new();
    for (_, sql) in POSTGRES_MIGRATIONS {
        for line in sql.lines() {
            let line = line.trim_start();
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let rest = rest.trim_start_matches("IF NOT EXISTS ");
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

fn count(db: &dyn Db, table: &str) -> Result<u64> {
    let n: i64 = db.query_one(&format!("SELECT COUNT(*) FROM {table}"), params![], |r| {
        r.get(0)
    })?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn schema_version(db: &dyn Db) -> Result<i64> {
    db.query_one(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        params![],
        |r| r.get(0),
    )
}

impl SqlStore {
    /// The number of rows in each table, in copy order.
    pub fn table_counts(&self) -> Result<Vec<(String, u64)>> {
        let conn = self.reader()?;
        let tx = conn.snapshot()?;
        let counts = tables_in_order()
            .into_iter()
            .map(|t| Ok((t.clone(), count(&tx, &t)?)))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(counts)
    }

    /// Copies every row of this store into `target`, which must be freshly
    /// migrated and hold no data of its own. The copy is one transaction on
    /// the target: if anything fails, the target is left as it was.
    /// `progress` hears how many rows have been written so far.
    pub fn copy_into(
        &self,
        target: &SqlStore,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<CopyReport> {
        let source_conn = self.reader()?;
        let source = source_conn.snapshot()?;
        let target_conn = target.conn()?;
        let tx = target_conn.transaction()?;
        let (from, to) = (schema_version(&source)?, schema_version(&tx)?);
        if from != to {
            return Err(StoreError::Invalid(format!(
                "the source is at schema version {from} and the target at {to}: open both with this version of Assay first"
            )));
        }
        let tables = tables_in_order();
        for table in &tables {
            if !SEEDED.contains(&table.as_str()) && count(&tx, table)? > 0 {
                return Err(StoreError::Conflict(format!(
                    "the target already holds data (table {table}); copy only into an empty database"
                )));
            }
        }
        for table in tables.iter().rev().filter(|t| SEEDED.contains(&t.as_str())) {
            tx.execute(&format!("DELETE FROM {table}"), params![])?;
        }
        let mut written = 0u64;
        let mut report = Vec::with_capacity(tables.len());
        for table in &tables {
            let n = copy_table(&source, &tx, table, &mut |done| {
                progress(table, written + done);
            })?;
            written += n;
            report.push((table.clone(), n));
        }
        tx.commit()?;
        source.commit()?;
        drop((source_conn, target_conn));
        let audit_entries = check_copy(self, target, &report)?;
        Ok(CopyReport {
            tables: report,
            audit_entries,
        })
    }
}

/// Copies one table's rows in multi-row INSERTs; how many.
fn copy_table(
    source: &dyn Db,
    target: &dyn Db,
    table: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let mut columns: Vec<String> = Vec::new();
    let mut pending: Vec<Vec<Arg<'static>>> = Vec::new();
    let mut done = 0u64;
    let mut per_insert = ROWS_PER_INSERT;
    source.stream(&format!("SELECT * FROM {table}"), params![], &mut |r| {
        if columns.is_empty() {
            columns = (0..r.len())
                .map(|i| format!("\"{}\"", r.column_name(i)))
                .collect();
            per_insert = (MAX_PLACEHOLDERS / columns.len().max(1)).clamp(1, ROWS_PER_INSERT);
        }
        let row = (0..r.len())
            .map(|i| Ok(r.value(i)?.to_owned_arg()))
            .collect::<Result<Vec<_>>>()?;
        pending.push(row);
        if pending.len() == per_insert {
            insert_rows(target, table, &columns, &pending)?;
            done += pending.len() as u64;
            pending.clear();
            progress(done);
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        insert_rows(target, table, &columns, &pending)?;
        done += pending.len() as u64;
        progress(done);
    }
    Ok(done)
}

fn insert_rows(
    target: &dyn Db,
    table: &str,
    columns: &[String],
    rows: &[Vec<Arg<'static>>],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        placeholder_tuples(rows.len(), columns.len())
    );
    let args: Vec<&dyn ToArg> = rows.iter().flatten().map(|a| a as &dyn ToArg).collect();
    target
        .execute(&sql, &args)
        .map_err(|e| StoreError::Database(format!("copying {table}: {e}")))?;
    Ok(())
}

/// Compares the row counts of every table and verifies the target's audit
/// chain, which must end where the source's does; the number of entries.
fn check_copy(source: &SqlStore, target: &SqlStore, copied: &[(String, u64)]) -> Result<i64> {
    let counted = target.table_counts()?;
    for ((table, want), (_, got)) in copied.iter().zip(&counted) {
        if want != got {
            return Err(StoreError::Corrupt(format!(
                "{table}: {want} rows were copied but the target holds {got}"
            )));
        }
    }
    let chain = |store: &SqlStore, which: &str| -> Result<i64> {
        store.verify_audit()?.map_err(|ChainBreak { seq, reason }| {
            StoreError::Corrupt(format!(
                "the {which}'s audit chain breaks at entry {seq}: {reason}"
            ))
        })
    };
    let (from, to) = (chain(source, "source")?, chain(target, "target")?);
    let head = |store: &SqlStore| -> Result<Option<(i64, String)>> {
        store.reader()?.query_row(
            "SELECT seq, hash FROM audit_head WHERE id = 1",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    };
    if from != to || head(source)? != head(target)? {
        return Err(StoreError::Corrupt(format!(
            "the audit chains differ: {from} entries in the source, {to} in the target"
        )));
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::tables_in_order;

    #[test]
    fn tables_come_before_the_tables_that_refer_to_them() {
        let order = tables_in_order();
        let at = |t: &str| order.iter().position(|x| x == t).expect(t);
        assert!(at("tiers") < at("organisations"));
        assert!(at("organisations") < at("assets"));
        assert!(at("users") < at("sessions"));
        assert!(at("eval_runs") < at("eval_results"));
        assert!(order.len() > 50, "{order:?}");
    }
}
