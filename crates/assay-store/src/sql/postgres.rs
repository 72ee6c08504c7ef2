//! The PostgreSQL backend: a pool of connections to one database that any
//! number of Assay nodes share. Concurrency is PostgreSQL's: every call takes
//! any free connection, and the statements that must serialise (the audit
//! chain's head, job claims) lock rows.

use super::db::{Arg, Db, DbRow, Dialect, ToArg, ValueRef, numbered_placeholders};
use super::pg_tls::{Mode, PgTarget, ssl_mode};
use super::pool::{Pool, Pooled};
use super::{Backend, SqlStore};
use crate::{Result, StoreError};
use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};
use std::cell::RefCell;
use std::collections::HashMap;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Connections each node opens at most (as they are needed: a short
/// command uses one).
const CONNECTIONS: usize = 8;

struct PgBackend {
    server: Server,
    pool: Pool<PgDb>,
}

/// Where and how to connect: the URL as given (for messages), the parsed
/// configuration, and the TLS connector unless TLS is off.
struct Server {
    url: String,
    config: postgres::Config,
    tls: Option<MakeRustlsConnect>,
}

impl Server {
    fn new(url: &str) -> Result<Server> {
        let target = PgTarget::parse(url)?;
        let mut config: postgres::Config = target
            .url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("database URL {}: {e}", redact(url))))?;
        let mode = target.mode_for(config.get_hosts());
        config.application_name("assay").ssl_mode(ssl_mode(mode));
        let tls = match mode {
            Mode::Disable => None,
            Mode::Prefer | Mode::Require => Some(MakeRustlsConnect::new(target.client_config()?)),
        };
        Ok(Server {
            url: url.to_string(),
            config,
            tls,
        })
    }

    fn connect(&self) -> Result<PgDb> {
        let client = match &self.tls {
            None => self.config.connect(NoTls),
            Some(tls) => self.config.connect(tls.clone()),
        }
        .map_err(|e| {
            StoreError::Database(format!(
                "cannot connect to PostgreSQL at {}: {}",
                redact(&self.url),
                error_text(&e)
            ))
        })?;
        Ok(PgDb {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
        })
    }
}

/// One client connection to `url`, made as the store makes its own (TLS
/// settings included), for tools and tests that talk to the database
/// directly.
pub fn client(url: &str) -> Result<Client> {
    Ok(Server::new(url)?.connect()?.client.into_inner())
}

impl SqlStore {
    /// Connects to the PostgreSQL database at `url`
    /// (`postgres://user:password@host:port/database`, with libpq's
    /// `sslmode` and `sslrootcert` if wanted; see [`super::pg_tls`]) and
    /// migrates it.
    pub fn connect(url: &str) -> Result<SqlStore> {
        let server = Server::new(url)?;
        let mut pool = Pool::default();
        // One at once, so that a wrong URL or password fails here.
        pool.add(server.connect()?);
        SqlStore::start(Box::new(PgBackend { server, pool }))
    }
}

impl PgBackend {
    fn take(&self) -> Result<Box<dyn Db + '_>> {
        let mut conn = self
            .pool
            .take_or_open(CONNECTIONS, || self.server.connect())?;
        if conn.client.borrow().is_closed() {
            // The server restarted or dropped the connection: open another.
            drop_on_own_thread(conn.replace(self.server.connect()?));
        }
        Ok(Box::new(PooledPg(conn)))
    }
}

impl Drop for PgBackend {
    fn drop(&mut self) {
        drop_on_own_thread(self.pool.drain());
    }
}

/// Drops connections on a thread of their own. A `postgres::Client` closes
/// by blocking on its internal runtime, which panics on a thread that is
/// driving an async runtime, as the server's are when the last handle on
/// the store goes there.
fn drop_on_own_thread<T: Send + 'static>(value: T) {
    if std::thread::spawn(move || drop(value)).join().is_err() {
        eprintln!("closing PostgreSQL connections failed");
    }
}

impl Backend for PgBackend {
    fn writer(&self) -> Result<Box<dyn Db + '_>> {
        self.take()
    }

    fn reader(&self) -> Result<Box<dyn Db + '_>> {
        self.take()
    }
}

/// One connection with the statements it has prepared.
struct PgDb {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
}

impl PgDb {
    fn prepare(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = self
            .client
            .borrow_mut()
            .prepare(&numbered_placeholders(sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

/// A URL with its password replaced, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

struct PooledPg<'a>(Pooled<'a, PgDb>);

/// A placeholder value as PostgreSQL takes it, converted to the type the
/// server inferred for the placeholder.
#[derive(Debug)]
struct Bound<'a>(Arg<'a>);

impl ToSql for Bound<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_string().as_str().to_sql(ty, out),
            },
            Arg::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => Err(format!("a real number cannot be bound to {ty}").into()),
            },
            Arg::Text(s) if is_text(ty) => s.as_ref().to_sql(ty, out),
            Arg::Text(_) => Err(format!("text cannot be bound to {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Text types, including `citext` (usernames), an extension type without
/// a fixed id.
fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
    ) || ty.name() == "citext"
}

fn bind(params: &[&dyn ToArg]) -> Vec<Bound<'static>> {
    params
        .iter()
        .map(|p| match p.to_arg() {
            Arg::Text(t) => Bound(Arg::Text(t.into_owned().into())),
            Arg::Null => Bound(Arg::Null),
            Arg::Int(i) => Bound(Arg::Int(i)),
            Arg::Real(f) => Bound(Arg::Real(f)),
        })
        .collect()
}

impl Db for PooledPg<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.0.client.borrow_mut().batch_execute(sql)?)
    }

    fn execute(&self, sql: &str, params: &[&dyn ToArg]) -> Result<usize> {
        let stmt = self.0.prepare(sql)?;
        let bound = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b as _).collect();
        let n = self.0.client.borrow_mut().execute(&stmt, &refs)?;
        Ok(n as usize)
    }

    fn each(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.0.prepare(sql)?;
        let bound = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b as _).collect();
        // All rows first, so that `f` may query the same connection.
        let rows = self.0.client.borrow_mut().query(&stmt, &refs)?;
        for row in &rows {
            f(&PgRow(row))?;
        }
        Ok(())
    }

    fn stream(
        &self,
        sql: &str,
        params: &[&dyn ToArg],
        f: &mut dyn FnMut(&dyn DbRow) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.0.prepare(sql)?;
        let bound = bind(params);
        let mut client =
            self.0.client.try_borrow_mut().map_err(|_| {
                StoreError::Database("a streamed query used its own connection".into())
            })?;
        let mut rows = client.query_raw(&stmt, bound.iter().map(|b| b as &(dyn ToSql + Sync)))?;
        while let Some(row) = rows.next()? {
            f(&PgRow(&row))?;
        }
        Ok(())
    }
}

struct PgRow<'a>(&'a postgres::Row);

impl DbRow for PgRow<'_> {
    fn value(&self, i: usize) -> Result<ValueRef<'_>> {
        let row = self.0;
        let column = row
            .columns()
            .get(i)
            .ok_or_else(|| StoreError::Database(format!("no column {i}")))?;
        let v = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(ValueRef::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|n| ValueRef::Int(n.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|n| ValueRef::Int(n.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|b| ValueRef::Int(b.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(ValueRef::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|f| ValueRef::Real(f.into())),
            ref t if is_text(t) => row.try_get::<_, Option<&str>>(i)?.map(ValueRef::Text),
            ref other => {
                return Err(StoreError::Database(format!(
                    "column {} has type {other}, which the store does not read",
                    column.name()
                )));
            }
        };
        Ok(v.unwrap_or(ValueRef::Null))
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn column_name(&self, i: usize) -> &str {
        self.0.columns().get(i).map_or("?", |c| c.name())
    }
}

/// The server's own message where there is one ("db error" says nothing).
fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{}: {detail}", db.message()),
            None => db.message().to_string(),
        },
        // With its causes: "error performing TLS handshake" alone does not
        // say that the certificate was not trusted.
        None => {
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                let more = c.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                cause = c.source();
            }
            text
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
            StoreError::Unique(error_text(&e))
        } else {
            StoreError::Database(error_text(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_repeated_in_messages() {
        assert_eq!(
            redact("postgres://assay:s3cret@db:5432/assay"),
            "postgres://assay:***@db:5432/assay"
        );
        assert_eq!(
            redact("postgres://assay@db/assay"),
            "postgres://assay@db/assay"
        );
    }
}
