//! The embedded SQLite backend: one file, WAL mode, one writer connection
//! and a pool of readers beside it.

use super::db::{Db, DbRow, Dialect, ToArg, ValueRef};
use super::pool::{Pool, Pooled};
use super::{Backend, SqlStore};
use crate::{Result, StoreError};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef as SqlValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};
use std::ops::Deref;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Connections opened for reading beside the one writer, so that several
/// organisations can be loaded at once (WAL lets readers run alongside it).
const READERS: usize = 4;

/// Statements kept prepared per connection: every record kind has four.
const STATEMENT_CACHE: usize = 256;

struct SqliteBackend {
    /// The one connection that writes (and reads elsewhere).
    writer: Mutex<Connection>,
    /// Read-only connections; empty for an in-memory database, which cannot
    /// be shared between connections.
    readers: Pool<Connection>,
}

impl SqlStore {
    /// Opens (creating if needed) the SQLite database at `path` and
    /// migrates it.
    pub fn open(path: &Path) -> Result<SqlStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let writer = writer(Connection::open(path)?)?;
        let mut readers = Pool::default();
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(10))?;
            reader.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            readers.add(reader);
        }
        SqlStore::start(Box::new(SqliteBackend {
            writer: Mutex::new(writer),
            readers,
        }))
    }

    /// An in-memory SQLite database, for tests.
    pub fn open_in_memory() -> Result<SqlStore> {
        SqlStore::start(Box::new(SqliteBackend {
            writer: Mutex::new(writer(Connection::open_in_memory()?)?),
            readers: Pool::default(),
        }))
    }
}

fn writer(conn: Connection) -> Result<Connection> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Backend for SqliteBackend {
    fn writer(&self) -> Result<Box<dyn Db + '_>> {
        let guard = self
            .writer
            .lock()
            .map_err(|_| StoreError::Database("connection lock poisoned".into()))?;
        Ok(Box::new(SqliteDb::<MutexGuard<'_, Connection>>(guard)))
    }

    fn reader(&self) -> Result<Box<dyn Db + '_>> {
        if self.readers.is_empty() {
            return self.writer();
        }
        Ok(Box::new(SqliteDb::<Pooled<'_, Connection>>(
            self.readers.take()?,
        )))
    }
}

/// A SQLite connection behind whatever guard lends it.
struct SqliteDb<G>(G);

/// A placeholder value as SQLite takes it.
struct Bound<'a>(&'a dyn ToArg);

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use super::db::Arg;
        Ok(match self.0.to_arg() {
            Arg::Null => ToSqlOutput::Owned(SqlValue::Null),
            Arg::Int(i) => ToSqlOutput::Owned(SqlValue::Integer(i)),
            Arg::Real(f) => ToSqlOutput::Owned(SqlValue::Real(f)),
            Arg::Text(std::borrow::Cow::Borrowed(s)) => {
                ToSqlOutput::Borrowed(SqlValueRef::Text(s.as_bytes()))
            }
            Arg::Text(std::borrow::Cow::Owned(s)) => ToSqlOutput::Owned(SqlValue::Text(s)),
        })
    }
}

impl<G: Deref<Target = Connection>> Db for SqliteDb<G> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn execute(&self, sql: &str, params: &[&dyn ToArg]) -> Result<usize> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Ok(stmt.execute(params_from_iter(params.iter().map(|p| Bound(*p))))?)
    }

    fn each(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let mut rows = stmt.query(params_from_iter(params.iter().map(|p| Bound(*p))))?;
        while let Some(row) = rows.next()? {
            f(&SqliteRow { row, names: &names })?;
        }
        Ok(())
    }
}

struct SqliteRow<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
}

impl DbRow for SqliteRow<'_, '_> {
    fn value(&self, i: usize) -> Result<ValueRef<'_>> {
        Ok(match self.row.get_ref(i)? {
            SqlValueRef::Null => ValueRef::Null,
            SqlValueRef::Integer(n) => ValueRef::Int(n),
            SqlValueRef::Real(f) => ValueRef::Real(f),
            SqlValueRef::Text(t) => ValueRef::Text(std::str::from_utf8(t).map_err(|_| {
                StoreError::Corrupt(format!("column {}: text that is not UTF-8", self.names[i]))
            })?),
            SqlValueRef::Blob(_) => {
                return Err(StoreError::Corrupt(format!(
                    "column {}: a blob where text or a number belongs",
                    self.names[i]
                )));
            }
        })
    }

    fn len(&self) -> usize {
        self.names.len()
    }

    fn column_name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let unique = matches!(
            e.sqlite_error().map(|s| s.extended_code),
            Some(
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            )
        );
        if unique {
            StoreError::Unique(e.to_string())
        } else {
            StoreError::Database(e.to_string())
        }
    }
}
