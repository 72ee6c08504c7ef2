//! The osquery mapping against a real (in-memory SQLite) store: hosts to
//! assets, differential and snapshot software, hotfixes and version
//! releases to update records, and a failing batch leaving nothing behind.

use assay_core::org::OrgKind;
use assay_core::records::{Asset, Record, RecordKind, Release, Update};
use assay_ingest::osquery::{self, HostIdentity, parse_result};
use assay_store::osquery::OsqueryStore;
use assay_store::{Actor, NewOrg, Scope, SqlStore, Store, StoreError};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

const UUID: &str = "4C4C4544-0042-3510-8051-B7C04F4A0077";

fn actor() -> Actor {
    Actor::new("test", "test")
}

fn setup() -> (SqlStore, Uuid) {
    let store = SqlStore::open_in_memory().expect("store");
    let org = |slug: &str, kind| {
        store
            .create_org(
                &actor(),
                NewOrg {
                    slug: slug.into(),
                    name: slug.into(),
                    kind,
                    tier: None,
                    contracted_endpoints: None,
                },
            )
            .expect("org")
    };
    let provider = org("msp", OrgKind::Provider);
    let client = org("client", OrgKind::Client);
    let release =
        |id: &str, product: &str, kind: &str, reference: &str, fixed: Option<&str>| Release {
            id: id.into(),
            product: product.into(),
            kind: assay_core::records::SoftwareKind::parse(kind).expect("kind"),
            reference: reference.into(),
            fixed_version: fixed.map(String::from),
            severity: assay_core::records::Severity::Critical,
            cvss: Some(8.8),
            cves: vec![],
            released: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        };
    let rows = [
        release("kb1", "Windows 11", "os", "KB5046617", None),
        release("kb2", "Windows 11", "os", "KB5046633", None),
        release("kb-server", "Windows Server", "os", "KB5046616", None),
        release(
            "chrome",
            "Google Chrome",
            "app",
            "131.0.6778.86",
            Some("131.0.6778.86"),
        ),
    ]
    .map(|r| r.to_row());
    store
        .import_rows(
            &actor(),
            &Scope::All,
            provider.id,
            RecordKind::Release,
            &rows,
            assay_store::ImportMode::Insert,
        )
        .expect("releases");
    (store, client.id)
}

fn at(day: u32) -> String {
    Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0)
        .single()
        .expect("time")
        .timestamp()
        .to_string()
}

fn snapshot(name: &str, day: u32, rows: Value) -> Value {
    json!({"action": "snapshot", "snapshot": rows, "name": name, "hostIdentifier": "WS-1",
           "unixTime": at(day), "counter": "0", "numerics": false})
}

fn diff(name: &str, day: u32, counter: &str, added: Value, removed: Value) -> Value {
    json!({"diffResults": {"added": added, "removed": removed}, "name": name,
           "hostIdentifier": "WS-1", "unixTime": at(day), "counter": counter, "numerics": false})
}

fn program(name: &str, version: &str) -> Value {
    json!({"name": name, "version": version, "publisher": "", "install_date": ""})
}

/// Applies result lines as one batch for the host.
fn apply(store: &SqlStore, org: Uuid, asset: &str, lines: Vec<Value>) -> Result<Value, StoreError> {
    let logs: Vec<_> = lines
        .iter()
        .map(|l| parse_result(l).expect("a well-formed line"))
        .collect();
    store.apply_records(
        &actor(),
        &Scope::All,
        org,
        "osquery.log",
        asset,
        &mut |tx| Ok(osquery::apply_logs(tx, asset, &logs)?.to_json(asset)),
    )
}

fn enroll(store: &SqlStore, org: Uuid, uuid: &str, host: &str) -> String {
    let details = osquery::enroll_details(
        host,
        &json!({"system_info": {"uuid": uuid, "hostname": host},
                "os_version": {"name": "Microsoft Windows 11 Pro", "version": "10.0.22631", "build": "22631", "platform": "windows"}}),
    );
    let mut asset = String::new();
    store
        .apply_records(
            &actor(),
            &Scope::All,
            org,
            "osquery.host",
            host,
            &mut |tx| {
                asset = osquery::enroll_host(tx, &details, Utc::now())?;
                Ok(json!({}))
            },
        )
        .expect("enroll");
    asset
}

fn updates(store: &SqlStore, org: Uuid) -> Vec<Update> {
    store
        .list_rows(&Scope::All, org, RecordKind::Update)
        .expect("rows")
        .into_iter()
        .map(|r| Update::from_row(r).expect("update"))
        .collect()
}

fn products(store: &SqlStore, org: Uuid) -> Vec<String> {
    store
        .list_rows(&Scope::All, org, RecordKind::SoftwareInstall)
        .expect("rows")
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn hosts_resolve_to_existing_assets_by_uuid_then_name() {
    let (store, org) = setup();
    let known = Asset::from_row(assay_core::records::Row {
        id: "LAP-0042".into(),
        values: RecordKind::Asset
            .fields()
            .iter()
            .map(|f| match f.name {
                "name" => assay_core::value::Value::Text("LAP-0042".into()),
                "kind" => assay_core::value::Value::Text("laptop".into()),
                "lifecycle" => assay_core::value::Value::Text("active".into()),
                "hardware_uuid" => assay_core::value::Value::Text(UUID.to_lowercase()),
                _ => assay_core::value::Value::Null,
            })
            .collect(),
    })
    .expect("asset");
    store
        .put_row(
            &actor(),
            &Scope::All,
            org,
            RecordKind::Asset,
            &known.to_row(),
        )
        .expect("asset");
    assert_eq!(
        enroll(&store, org, UUID, "renamed-host"),
        "LAP-0042",
        "by UUID, any case"
    );
    // A placeholder UUID falls back to the host name, but not onto an asset
    // whose real UUID says it is another machine.
    let clash = enroll(
        &store,
        org,
        "03000200-0400-0500-0006-000700080009",
        "LAP-0042",
    );
    assert_eq!(clash, "osq-lap-0042");
    let new = enroll(
        &store,
        org,
        "00000000-0000-0000-0000-000000000000",
        "kiosk-7",
    );
    assert_eq!(new, "osq-kiosk-7");
    let again = enroll(&store, org, "", "kiosk-7");
    assert_eq!(again, "osq-kiosk-7", "the same host by name");
    assert_eq!(
        store
            .list_rows(&Scope::All, org, RecordKind::Asset)
            .expect("rows")
            .len(),
        3
    );
    let asset = Asset::from_row(
        store
            .get_row(&Scope::All, org, RecordKind::Asset, "LAP-0042")
            .expect("asset"),
    )
    .expect("typed");
    assert_eq!(
        asset.kind.as_str(),
        "laptop",
        "a known asset's kind is kept"
    );
    assert_eq!(asset.os_name.as_deref(), Some("Microsoft Windows 11 Pro"));
    assert_eq!(
        HostIdentity::new("", "").hardware_uuid,
        None,
        "nothing to go on"
    );
}

#[test]
fn hotfix_snapshots_judge_kb_releases_for_the_hosts_os() {
    let (store, org) = setup();
    let asset = enroll(&store, org, UUID, "WS-1");
    apply(
        &store,
        org,
        &asset,
        vec![snapshot(
            "assay_patches",
            20,
            json!([{"hotfix_id": "KB5046617", "installed_on": "11/5/2026"}, {"hotfix_id": "KB9999999", "installed_on": ""}]),
        )],
    )
    .expect("apply");
    let mut u = updates(&store, org);
    u.sort_by(|a, b| a.reference.cmp(&b.reference));
    let summary: Vec<(String, Option<String>)> = u
        .iter()
        .map(|u| {
            (
                u.reference.clone(),
                u.installed.map(|t| t.date_naive().to_string()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("KB5046617".to_string(), Some("2026-11-05".to_string())),
            ("KB5046633".to_string(), None),
        ],
        "Windows 11 releases only; the server one does not apply"
    );
    assert!(
        u.iter()
            .all(|u| u.asset == asset && u.id.starts_with(&format!("{asset}/up/")))
    );
}

#[test]
fn software_diffs_snapshots_and_version_releases() {
    let (store, org) = setup();
    let asset = enroll(&store, org, UUID, "WS-1");
    // First run (batch format, counter 0): the whole list.
    apply(
        &store,
        org,
        &asset,
        vec![diff(
            "assay_programs",
            10,
            "0",
            json!([
                program("Google Chrome", "130.0.6723.116"),
                program("7-Zip", "24.08")
            ]),
            json!([]),
        )],
    )
    .expect("first run");
    assert_eq!(products(&store, org).len(), 2);
    let pending = updates(&store, org);
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].installed, None, "Chrome below the fix");

    // A later diff: Chrome updated (seen on the 15th), 7-Zip removed.
    apply(
        &store,
        org,
        &asset,
        vec![diff(
            "assay_programs",
            15,
            "1",
            json!([program("Google Chrome", "131.0.6778.86")]),
            json!([
                program("Google Chrome", "130.0.6723.116"),
                program("7-Zip", "24.08")
            ]),
        )],
    )
    .expect("diff");
    assert_eq!(
        products(&store, org),
        [format!("{asset}/sw/Google Chrome/131.0.6778.86")]
    );
    let fixed = updates(&store, org);
    assert_eq!(
        fixed[0]
            .installed
            .map(|t| t.date_naive().to_string())
            .as_deref(),
        Some("2026-11-15"),
        "installed when first reported, the host giving no date"
    );

    // A new first run (the agent's state was reset) replaces the list:
    // rows it no longer has are dropped, and with Chrome gone its update
    // record goes too.
    apply(
        &store,
        org,
        &asset,
        vec![diff(
            "assay_programs",
            16,
            "0",
            json!([program("Notepad++", "8.6.9")]),
            json!([]),
        )],
    )
    .expect("reset");
    assert_eq!(
        products(&store, org),
        [format!("{asset}/sw/Notepad++/8.6.9")]
    );
    assert!(updates(&store, org).is_empty());
}

#[test]
fn a_batch_that_fails_part_way_writes_nothing() {
    let (store, org) = setup();
    let asset = enroll(&store, org, UUID, "WS-1");
    let before = store
        .list_rows(&Scope::All, org, RecordKind::Asset)
        .expect("rows");
    // The second half of the batch names an asset that does not exist.
    let line = diff(
        "assay_programs",
        10,
        "0",
        json!([program("7-Zip", "24.08")]),
        json!([]),
    );
    let logs = [parse_result(&line).expect("line")];
    let r = store.apply_records(
        &actor(),
        &Scope::All,
        org,
        "osquery.log",
        &asset,
        &mut |tx| {
            osquery::apply_logs(tx, &asset, &logs)?;
            osquery::apply_logs(tx, "no-such-asset", &logs)?;
            Ok(json!({}))
        },
    );
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    assert!(products(&store, org).is_empty());
    assert_eq!(
        store
            .list_rows(&Scope::All, org, RecordKind::Asset)
            .expect("rows"),
        before
    );
    // Another tenant's scope cannot apply to this organisation at all.
    let r = store.apply_records(
        &actor(),
        &Scope::Orgs(vec![]),
        org,
        "osquery.log",
        &asset,
        &mut |_| Ok(json!({})),
    );
    assert!(matches!(r, Err(StoreError::NotFound(_))));
}
