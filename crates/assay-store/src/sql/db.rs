//! The little the store's SQL needs from a database connection, so that one
//! set of queries serves SQLite and PostgreSQL. Queries are written once, in
//! the dialect both accept: `?N` placeholders (rewritten to `$N` for
//! PostgreSQL), `ON CONFLICT … DO UPDATE`, times as ISO 8601 text, booleans
//! as 0/1. The few statements that differ ask [`Dialect`].

use crate::{Result, StoreError};
use std::borrow::Cow;

/// Which SQL dialect a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The clause that locks the selected rows until the transaction ends.
    /// SQLite has one writer at a time, so it needs none.
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// The clause that locks the selected rows and passes over rows another
    /// transaction holds, so that two nodes never claim the same job.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The statement that opens a transaction that will write. SQLite's
    /// plain `BEGIN` takes the write lock only at the first write, and a
    /// transaction that has read by then cannot wait for it: when another
    /// connection (another store on the same file) wrote meanwhile, it fails
    /// at once with "database is locked" instead of honouring the busy
    /// timeout. `BEGIN IMMEDIATE` takes the write lock first, waiting for it.
    fn begin_write(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        }
    }

    /// The statement that opens a read-only snapshot.
    fn begin_snapshot(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        }
    }
}

/// `(?1, ?2), (?3, ?4)`: `rows` tuples of `width` numbered placeholders,
/// for a multi-row INSERT.
pub fn placeholder_tuples(rows: usize, width: usize) -> String {
    use std::fmt::Write;
    // One buffer: a batch of a wide kind has thousands of placeholders,
    // written for every batch of a load.
    let mut out = String::with_capacity(rows * width * 8);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 1..=width {
            let sep = if c == 1 { "" } else { ", " };
            let _ = write!(out, "{sep}?{}", r * width + c);
        }
        out.push(')');
    }
    out
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

/// Anything that can be bound to a placeholder.
pub trait ToArg {
    fn to_arg(&self) -> Arg<'_>;
}

impl ToArg for i64 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(*self)
    }
}

impl ToArg for i32 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}

impl ToArg for f64 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Real(*self)
    }
}

impl ToArg for bool {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Text(Cow::Borrowed(self))
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Text(Cow::Borrowed(self))
    }
}

impl ToArg for Arg<'_> {
    fn to_arg(&self) -> Arg<'_> {
        self.clone()
    }
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Arg<'_> {
        (**self).to_arg()
    }
}

impl<T: ToArg> ToArg for Option<T> {
    fn to_arg(&self) -> Arg<'_> {
        self.as_ref().map_or(Arg::Null, ToArg::to_arg)
    }
}

/// Placeholder values, as `params![a, b, c]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$(&$p as &dyn $crate::sql::db::ToArg),*] as &[&dyn $crate::sql::db::ToArg]
    };
}
pub(crate) use params;

/// A column value as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

impl ValueRef<'_> {
    pub fn type_name(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Int(_) => "an integer",
            ValueRef::Real(_) => "a real number",
            ValueRef::Text(_) => "text",
        }
    }

    /// The value as an owned argument, for copying rows between databases.
    pub fn to_owned_arg(self) -> Arg<'static> {
        match self {
            ValueRef::Null => Arg::Null,
            ValueRef::Int(i) => Arg::Int(i),
            ValueRef::Real(f) => Arg::Real(f),
            ValueRef::Text(t) => Arg::Text(Cow::Owned(t.to_string())),
        }
    }
}

/// One row of a result.
pub trait DbRow {
    fn value(&self, i: usize) -> Result<ValueRef<'_>>;
    fn len(&self) -> usize;
    fn column_name(&self, i: usize) -> &str;
}

impl dyn DbRow + '_ {
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        T::from_value(self.value(i)?)
            .map_err(|e| StoreError::Corrupt(format!("column {}: {e}", self.column_name(i))))
    }
}

/// A Rust value read from a column.
pub trait FromValue: Sized {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String>;
}

fn mismatch<T>(want: &str, got: ValueRef<'_>) -> std::result::Result<T, String> {
    Err(format!("expected {want} but found {}", got.type_name()))
}

impl FromValue for i64 {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Int(i) => Ok(i),
            other => mismatch("an integer", other),
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Int(i) => Ok(i as f64),
            other => mismatch("a number", other),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Int(i) => Ok(i != 0),
            other => mismatch("0 or 1", other),
        }
    }
}

impl FromValue for String {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Text(t) => Ok(t.to_string()),
            other => mismatch("text", other),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A connection (or a transaction on one).
pub trait Db {
    fn dialect(&self) -> Dialect;
    /// Runs statements without placeholders, such as a migration.
    fn batch(&self, sql: &str) -> Result<()>;
    /// Runs one statement; the number of rows it changed.
    fn execute(&self, sql: &str, params: &[&dyn ToArg]) -> Result<usize>;
    /// Runs one query, calling `f` with each row in turn.
    fn each(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()>;
    /// [`each`](Db::each) for results too large to hold: rows are handed to
    /// `f` as they arrive. `f` must not use this connection meanwhile.
    fn stream(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        self.each(sql, params, f)
    }
}

impl<'c> dyn Db + 'c {
    /// The first row's `f`, if there is a row.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: impl FnOnce(&dyn DbRow) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, params, &mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row's `f`; an error if the query returned no row.
    pub fn query_one<T>(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: impl FnOnce(&dyn DbRow) -> Result<T>,
    ) -> Result<T> {
        self.query_row(sql, params, f)?
            .ok_or_else(|| StoreError::Database(format!("no row from: {sql}")))
    }

    /// Every row's `f`, in order.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        mut f: impl FnMut(&dyn DbRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, &mut |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Whether the query returns a row.
    pub fn exists(&self, sql: &str, params: &[&dyn ToArg]) -> Result<bool> {
        Ok(self.query_row(sql, params, |_| Ok(()))?.is_some())
    }

    /// Opens a transaction: committed by [`Tx::commit`], rolled back if
    /// dropped first.
    pub fn transaction(&self) -> Result<Tx<'_, 'c>> {
        self.batch(self.dialect().begin_write())?;
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// Opens a read-only transaction that sees one snapshot throughout.
    pub fn snapshot(&self) -> Result<Tx<'_, 'c>> {
        self.batch(self.dialect().begin_snapshot())?;
        Ok(Tx {
            db: self,
            open: true,
        })
    }
}

/// An open transaction; it dereferences to the connection it runs on.
pub struct Tx<'a, 'c> {
    db: &'a (dyn Db + 'c),
    open: bool,
}

impl Tx<'_, '_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.db.batch("COMMIT")
    }
}

impl<'c> std::ops::Deref for Tx<'_, 'c> {
    type Target = dyn Db + 'c;
    fn deref(&self) -> &Self::Target {
        self.db
    }
}

impl Drop for Tx<'_, '_> {
    fn drop(&mut self) {
        if self.open {
            // A failed rollback leaves nothing to do: the connection reports
            // the broken transaction on its next use.
            let _ = self.db.batch("ROLLBACK");
        }
    }
}

/// A transaction is used wherever a connection is.
impl Db for Tx<'_, '_> {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }
    fn batch(&self, sql: &str) -> Result<()> {
        self.db.batch(sql)
    }
    fn execute(&self, sql: &str, params: &[&dyn ToArg]) -> Result<usize> {
        self.db.execute(sql, params)
    }
    fn each(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        self.db.each(sql, params, f)
    }
    fn stream(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        self.db.stream(sql, params, f)
    }
}

/// So is a connection a backend lends.
impl Db for Box<dyn Db + '_> {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn batch(&self, sql: &str) -> Result<()> {
        (**self).batch(sql)
    }
    fn execute(&self, sql: &str, params: &[&dyn ToArg]) -> Result<usize> {
        (**self).execute(sql, params)
    }
    fn each(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        (**self).each(sql, params, f)
    }
    fn stream(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        (**self).stream(sql, params, f)
    }
}

/// `?N` placeholders as PostgreSQL's `$N`, leaving quoted text alone; a bare
/// `?` takes the next number.
pub fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next.to_string();
                    next += 1;
                }
                out.push('$');
                out.push_str(&digits);
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
        assert_eq!(
            numbered_placeholders("VALUES (?, ?, \"x?\")"),
            "VALUES ($1, $2, \"x?\")"
        );
    }

    #[test]
    fn placeholder_tuples_number_every_value() {
        assert_eq!(placeholder_tuples(1, 1), "(?1)");
        assert_eq!(placeholder_tuples(2, 3), "(?1, ?2, ?3), (?4, ?5, ?6)");
    }

    #[test]
    fn values_convert_or_say_what_they_found() {
        assert_eq!(Option::<i64>::from_value(ValueRef::Null), Ok(None));
        assert_eq!(bool::from_value(ValueRef::Int(1)), Ok(true));
        assert_eq!(
            i64::from_value(ValueRef::Text("x")),
            Err("expected an integer but found text".to_string())
        );
    }
}
