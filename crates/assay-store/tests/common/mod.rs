//! Shared by the store's conformance suites: every test is written once,
//! taking a [`TestDb`], and [`on_both_backends!`] runs it on SQLite and on
//! PostgreSQL (`ASSAY_TEST_PG_URL` must name a server; see
//! `assay_store::testing`).

#![allow(dead_code)]

use assay_core::org::{OrgKind, Organisation};
use assay_store::testing::TestDb;
use assay_store::{Actor, NewOrg, Store};
use chrono::{DateTime, Utc};

/// For each test function `name(db: &TestDb)`, a module `name` holding the
/// tests `name::sqlite` and `name::postgres`, each on a fresh database.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&::assay_store::testing::TestDb::sqlite());
                }

                #[test]
                fn postgres() {
                    super::$name(&::assay_store::testing::TestDb::postgres());
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

/// Runs one statement on the database behind the store's back, as an
/// attacker with database access would; the rows changed, or the
/// database's refusal.
pub fn raw_execute(db: &TestDb, sql: &str) -> Result<u64, String> {
    db.execute_raw(sql)
}

/// A new organisation named after its slug, on no tier.
pub fn org(store: &dyn Store, slug: &str, kind: OrgKind) -> Organisation {
    store
        .create_org(
            &actor(),
            NewOrg {
                slug: slug.into(),
                name: slug.to_uppercase(),
                kind,
                tier: None,
                contracted_endpoints: None,
            },
        )
        .expect("create org")
}

/// Who the tests act as.
pub fn actor() -> Actor {
    Actor::new("test", "cli")
}

/// A time written as RFC 3339.
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("time")
}
