//! TLS to PostgreSQL against the test cluster, which `scripts/pg-cluster.sh`
//! serves with a certificate from a throwaway CA (`ASSAY_TEST_PG_URL`
//! carries `sslrootcert=` naming it): a verified connection is encrypted,
//! an unverifiable one is refused, `sslmode=disable` is plain.

use assay_store::testing::TestDb;
use assay_store::{SqlStore, StoreError};

/// The test database's URL with its query replaced by `query`.
fn with_query(db: &TestDb, query: &str) -> String {
    let base = db.url().split('?').next().unwrap_or_default();
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

/// The CA file the test URL names.
fn root_cert(db: &TestDb) -> String {
    db.url()
        .split_once("sslrootcert=")
        .map(|(_, rest)| rest.split('&').next().unwrap_or_default().to_string())
        .unwrap_or_else(|| {
            panic!(
                "ASSAY_TEST_PG_URL names no sslrootcert: start the server with scripts/pg-cluster.sh"
            )
        })
}

#[test]
fn the_test_url_connects_with_verified_tls() {
    let db = TestDb::postgres();
    assert!(db.open().encrypted().unwrap(), "prefer + the CA: TLS");
    let ca = root_cert(&db);
    for query in [
        format!("sslmode=require&sslrootcert={ca}"),
        format!("sslmode=verify-full&sslrootcert={ca}"),
    ] {
        let store =
            SqlStore::open_url(&with_query(&db, &query)).unwrap_or_else(|e| panic!("{query}: {e}"));
        assert!(store.encrypted().unwrap(), "{query}");
    }
}

#[test]
fn sslmode_disable_connects_in_plain_text() {
    let db = TestDb::postgres();
    let store = SqlStore::open_url(&with_query(&db, "sslmode=disable")).unwrap();
    assert!(!store.encrypted().unwrap());
}

#[test]
fn a_certificate_that_cannot_be_verified_is_refused() {
    let db = TestDb::postgres();
    // The system's roots do not know the throwaway CA.
    for query in ["sslmode=require", ""] {
        let e = SqlStore::open_url(&with_query(&db, query))
            .err()
            .unwrap_or_else(|| panic!("{query:?}: connected without verifying the server"));
        let text = e.to_string();
        assert!(matches!(e, StoreError::Database(_)), "{text}");
        assert!(
            text.contains("certificate") || text.contains("UnknownIssuer"),
            "{query:?}: {text}"
        );
    }
    // A CA that did not sign the server's certificate.
    let other = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(other.path(), include_str!("data/unrelated-ca.pem")).unwrap();
    let query = format!("sslmode=require&sslrootcert={}", other.path().display());
    let e = SqlStore::open_url(&with_query(&db, &query))
        .err()
        .expect("another CA's trust is not enough");
    assert!(e.to_string().contains("certificate"), "{e}");
}

#[test]
fn bad_tls_settings_are_named() {
    let db = TestDb::postgres();
    for (query, needle) in [
        ("sslmode=verify-ca", "sslmode=verify-ca is not supported"),
        ("sslmode=allow", "sslmode=allow is not supported"),
        ("sslmode=yes", "sslmode=yes is not a TLS mode"),
        ("sslrootcert=/no/such/ca.pem", "/no/such/ca.pem"),
    ] {
        let e = SqlStore::open_url(&with_query(&db, query))
            .err()
            .unwrap_or_else(|| panic!("{query} was accepted"));
        assert!(e.to_string().contains(needle), "{query}: {e}");
    }
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let db = TestDb::postgres();
    let ca = root_cert(&db);
    // The right server (hostaddr), reached under a name its certificate
    // does not carry (host): the chain verifies, the name does not.
    let base = db.url().split('?').next().unwrap_or_default();
    let renamed = base.replacen("@127.0.0.1:", "@wrong-name.test:", 1);
    assert_ne!(renamed, base, "the test URL is not on 127.0.0.1: {base}");
    let url = format!("{renamed}?hostaddr=127.0.0.1&sslmode=require&sslrootcert={ca}");
    let e = SqlStore::open_url(&url)
        .err()
        .expect("connected to a server whose certificate names another host");
    assert!(e.to_string().contains("not valid for name"), "{e}");
    // The same, under the name the certificate carries, connects.
    let right = format!("{base}?hostaddr=127.0.0.1&sslmode=require&sslrootcert={ca}");
    assert!(SqlStore::open_url(&right).unwrap().encrypted().unwrap());
}
