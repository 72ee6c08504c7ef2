//! Throwaway databases for tests, on either backend. PostgreSQL tests need a
//! server: `ASSAY_TEST_PG_URL` names an administrator connection to it
//! (`scripts/test.sh` starts one and sets it). Without it they fail, saying
//! so, rather than passing without having run.

use crate::{Result, SqlStore, StoreError};
use uuid::Uuid;

/// The environment variable naming the test PostgreSQL server.
pub const PG_URL_VAR: &str = "ASSAY_TEST_PG_URL";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend `ASSAY_TEST_BACKEND` asks for (`sqlite`, the default, or
    /// `postgres`): end-to-end suites run once per backend.
    pub fn from_env() -> Backend {
        match std::env::var("ASSAY_TEST_BACKEND").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("sqlite") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("ASSAY_TEST_BACKEND={other}: expected sqlite or postgres"),
        }
    }
}

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Database { admin: String, name: String },
}

impl TestDb {
    pub fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres(),
        }
    }

    /// An empty SQLite file in a directory of its own.
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("assay-test-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TestDb {
            url: dir.join("assay.db").display().to_string(),
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// An empty database on the test PostgreSQL server.
    ///
    /// # Panics
    /// When `ASSAY_TEST_PG_URL` is not set or the server refuses.
    pub fn postgres() -> TestDb {
        let admin = std::env::var(PG_URL_VAR).unwrap_or_else(|_| {
            panic!(
                "{PG_URL_VAR} is not set: PostgreSQL tests need a server. \
                 Run scripts/test.sh, which starts a throwaway one."
            )
        });
        let name = format!("assay_test_{}", Uuid::now_v7().simple());
        admin_command(&admin, &format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
        TestDb {
            url: database_url(&admin, &name),
            cleanup: Cleanup::Database { admin, name },
        }
    }

    /// The URL `assay --database-url` takes for this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the store (again, if it is open already).
    pub fn open(&self) -> SqlStore {
        SqlStore::open_url(&self.url)
            .unwrap_or_else(|e| panic!("cannot open the test database: {e}"))
    }

    /// Runs one statement behind the store's back, as someone with access
    /// to the database could; the rows changed, or the database's refusal.
    pub fn execute_raw(&self, sql: &str) -> std::result::Result<u64, String> {
        match &self.cleanup {
            Cleanup::Dir(_) => {
                let conn = rusqlite::Connection::open(&self.url).map_err(|e| e.to_string())?;
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(|e| e.to_string())?;
                conn.execute(sql, [])
                    .map(|n| n as u64)
                    .map_err(|e| e.to_string())
            }
            Cleanup::Database { .. } => {
                let mut client = crate::sql::pg_client(&self.url).map_err(|e| e.to_string())?;
                client.execute(sql, &[]).map_err(|e| match e.as_db_error() {
                    Some(db) => db.message().to_string(),
                    None => e.to_string(),
                })
            }
        }
    }

    /// A PostgreSQL client on this database, connected as the store
    /// connects (TLS settings included).
    ///
    /// # Panics
    /// On SQLite, or when the server refuses.
    pub fn postgres_client(&self) -> postgres::Client {
        assert_eq!(
            self.backend(),
            Backend::Postgres,
            "not a PostgreSQL database"
        );
        crate::sql::pg_client(&self.url)
            .unwrap_or_else(|e| panic!("cannot connect to the test database: {e}"))
    }

    pub fn backend(&self) -> Backend {
        match self.cleanup {
            Cleanup::Dir(_) => Backend::Sqlite,
            Cleanup::Database { .. } => Backend::Postgres,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin, name } => {
                let _ = admin_command(
                    admin,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                );
            }
        }
    }
}

/// `admin` with its database name replaced by `name`.
fn database_url(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

fn admin_command(admin: &str, sql: &str) -> Result<()> {
    let mut client = crate::sql::pg_client(admin)
        .map_err(|e| StoreError::Database(format!("cannot connect to {PG_URL_VAR}: {e}")))?;
    client.batch_execute(sql)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn the_database_name_is_swapped_in() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:54329/postgres", "t1"),
            "postgres://postgres@127.0.0.1:54329/t1"
        );
        assert_eq!(
            database_url("postgres://u:p@h/postgres?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
        assert_eq!(database_url("postgres://h:1", "t1"), "postgres://h:1/t1");
    }
}
