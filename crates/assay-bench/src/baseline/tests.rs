//! The baseline against the engine: same checks, same argument sets, same
//! parameters, and — on the generated demo, at several evaluation times —
//! the same failing resources per check and organisation.

use super::*;
use assay_core::catalogue::{AppliesTo, Catalogue, CheckRef};
use assay_core::engine::checks::{self, Args, CheckCtx};
use assay_core::engine::{FrameworkResult, Status};
use assay_core::org::{OrgKind, Organisation};
use assay_core::params::{PARAM_DEFS, Params};
use assay_core::records::{AccountKind, OrgData, RecordKind, Row};
use assay_core::value::{ColumnType, Value};
use assay_ingest::demo::{DemoOptions, DemoOrg, Size, generate};
use assay_store::evaluation::{self, org_params};
use assay_store::{Actor, ImportMode, NewOrg, Scope, SqlStore, Store};
use chrono::{Duration, TimeZone};
use std::collections::{BTreeSet, HashMap};

type Counts = BTreeMap<String, BTreeMap<String, u64>>;

/// Every check and argument set the catalogues use, with the kinds of
/// organisation the engine evaluates it for.
fn catalogue_checks() -> BTreeMap<String, (CheckRef, BTreeSet<OrgKind>)> {
    let catalogue = Catalogue::builtin().expect("built-in catalogue");
    let mut out: BTreeMap<String, (CheckRef, BTreeSet<OrgKind>)> = BTreeMap::new();
    for fw in &catalogue.frameworks {
        for req in &fw.requirements {
            let kinds: &[OrgKind] = match req.applies_to {
                AppliesTo::All => &[OrgKind::Provider, OrgKind::Client],
                AppliesTo::Provider => &[OrgKind::Provider],
                AppliesTo::Client => &[OrgKind::Client],
            };
            for c in &req.checks {
                let entry = out
                    .entry(c.key())
                    .or_insert_with(|| (c.clone(), BTreeSet::new()));
                entry.1.extend(kinds.iter().copied());
            }
        }
    }
    out
}

/// Whether a resource status counts as failing (see the module docs).
fn failing(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Stale)
}

#[test]
fn every_check_and_catalogue_argument_set_has_exactly_one_query() {
    let ids: Vec<&str> = SQL_CHECKS.iter().map(|c| c.id).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate query ids");

    let catalogue: BTreeSet<String> = catalogue_checks().into_keys().collect();
    let ours: BTreeSet<String> = unique.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        ours.difference(&catalogue).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "queries for argument sets no catalogue uses"
    );
    assert_eq!(
        catalogue.difference(&ours).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "catalogue argument sets without a query"
    );
    assert_eq!(ours.len(), 104);

    // Every check of docs/checks.md, which are all the engine's checks.
    let docs: BTreeSet<&str> = include_str!("../../../../docs/checks.md")
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    let engine: BTreeSet<&str> = checks::all().iter().map(|c| c.id).collect();
    let covered: BTreeSet<&str> = ids
        .iter()
        .map(|id| id.split('{').next().unwrap_or(id))
        .collect();
    assert_eq!(docs.len(), 81);
    assert_eq!(docs, engine);
    assert_eq!(covered, engine);
}

#[test]
fn parameter_defaults_are_the_engines() {
    let ours: BTreeMap<&str, i64> = [
        ("patch_window_days", default_of!(patch_window_days)),
        (
            "all_updates_window_days",
            default_of!(all_updates_window_days),
        ),
        ("dormant_account_days", default_of!(dormant_account_days)),
        ("leaver_disable_days", default_of!(leaver_disable_days)),
        (
            "firewall_rule_unused_days",
            default_of!(firewall_rule_unused_days),
        ),
        (
            "signature_max_age_hours",
            default_of!(signature_max_age_hours),
        ),
        ("engine_max_age_days", default_of!(engine_max_age_days)),
        ("asset_seen_days", default_of!(asset_seen_days)),
        ("agent_offline_hours", default_of!(agent_offline_hours)),
        ("patch_reporting_days", default_of!(patch_reporting_days)),
        (
            "certificate_max_age_days",
            default_of!(certificate_max_age_days),
        ),
        ("document_review_days", default_of!(document_review_days)),
        ("config_doc_days", default_of!(config_doc_days)),
        ("service_report_days", default_of!(service_report_days)),
        ("vendor_review_days", default_of!(vendor_review_days)),
        ("risk_review_days", default_of!(risk_review_days)),
        ("backup_rpo_hours", default_of!(backup_rpo_hours)),
        ("restore_test_days", default_of!(restore_test_days)),
        ("training_days", default_of!(training_days)),
        (
            "new_starter_training_days",
            default_of!(new_starter_training_days),
        ),
        ("phishing_sim_days", default_of!(phishing_sim_days)),
        ("training_coverage_pct", default_of!(training_coverage_pct)),
        ("scan_interval_days", default_of!(scan_interval_days)),
        ("pen_test_days", default_of!(pen_test_days)),
        ("exercise_days", default_of!(exercise_days)),
        ("internal_audit_days", default_of!(internal_audit_days)),
        (
            "privileged_review_days",
            default_of!(privileged_review_days),
        ),
        ("access_review_days", default_of!(access_review_days)),
        (
            "account_approval_lookback_days",
            default_of!(account_approval_lookback_days),
        ),
        (
            "capacity_threshold_pct",
            default_of!(capacity_threshold_pct),
        ),
        ("capacity_breach_days", default_of!(capacity_breach_days)),
        ("sla_response_minutes", default_of!(sla_response_minutes)),
        (
            "sla_resolution_minutes",
            default_of!(sla_resolution_minutes),
        ),
        ("sla_attainment_pct", default_of!(sla_attainment_pct)),
        ("ticket_lookback_days", default_of!(ticket_lookback_days)),
        ("ticket_quality_pct", default_of!(ticket_quality_pct)),
        ("alert_ticket_pct", default_of!(alert_ticket_pct)),
        ("alert_ack_minutes", default_of!(alert_ack_minutes)),
        ("log_silence_hours", default_of!(log_silence_hours)),
        ("log_retention_days", default_of!(log_retention_days)),
        ("time_review_days", default_of!(time_review_days)),
        ("billing_tolerance_pct", default_of!(billing_tolerance_pct)),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.parse().expect("a whole number")))
    .collect();
    let engine: BTreeMap<&str, i64> = PARAM_DEFS.iter().map(|d| (d.name, d.default)).collect();
    assert_eq!(ours, engine);
}

/// Every parameter resolved per organisation, by the same SQL the queries use.
const ALL_PARAMS: &str = concat!(
    with_p!(
        all,
        patch_window_days,
        all_updates_window_days,
        dormant_account_days,
        leaver_disable_days,
        firewall_rule_unused_days,
        signature_max_age_hours,
        engine_max_age_days,
        asset_seen_days,
        agent_offline_hours,
        patch_reporting_days,
        certificate_max_age_days,
        document_review_days,
        config_doc_days,
        service_report_days,
        vendor_review_days,
        risk_review_days,
        backup_rpo_hours,
        restore_test_days,
        training_days,
        new_starter_training_days,
        phishing_sim_days,
        training_coverage_pct,
        scan_interval_days,
        pen_test_days,
        exercise_days,
        internal_audit_days,
        privileged_review_days,
        access_review_days,
        account_approval_lookback_days,
        capacity_threshold_pct,
        capacity_breach_days,
        sla_response_minutes,
        sla_resolution_minutes,
        sla_attainment_pct,
        ticket_lookback_days,
        ticket_quality_pct,
        alert_ticket_pct,
        alert_ack_minutes,
        log_silence_hours,
        log_retention_days,
        time_review_days,
        billing_tolerance_pct
    ),
    " SELECT * FROM p"
);

/// The demo (seed 1, `clients` clients) at `now`.
fn demo(clients: usize, now: DateTime<Utc>) -> Vec<DemoOrg> {
    generate(&DemoOptions {
        seed: 1,
        clients,
        now,
        size: Size::Demo,
    })
}

/// Organisations written into an SQLite file in `dir`, as `assay demo` does.
fn write_store(dir: &Path, orgs: &[DemoOrg]) -> (SqlStore, std::path::PathBuf) {
    let path = dir.join("assay.db");
    let store = SqlStore::open(&path).expect("open store");
    let actor = Actor::new("test", "test");
    for d in orgs {
        let o = &d.org;
        let created = store
            .create_org(
                &actor,
                NewOrg {
                    slug: o.slug.clone(),
                    name: o.name.clone(),
                    kind: o.kind,
                    tier: o.tier.clone(),
                    contracted_endpoints: o.contracted_endpoints,
                },
            )
            .expect("create organisation");
        for (param, value) in &d.overrides {
            store
                .set_override(&actor, &Scope::All, created.id, param, Some(*value))
                .expect("set override");
        }
        for kind in RecordKind::ALL {
            let rows = d.data.rows(*kind);
            if !rows.is_empty() {
                store
                    .import_rows(
                        &actor,
                        &Scope::All,
                        created.id,
                        *kind,
                        &rows,
                        ImportMode::Insert,
                    )
                    .expect("import rows");
            }
        }
    }
    (store, path)
}

/// Each organisation's records and resolved parameters, as the engine loads them.
fn load(store: &SqlStore) -> Vec<(Organisation, OrgData, Params)> {
    let tiers = store.list_tiers().expect("tiers");
    store
        .list_orgs(&Scope::All)
        .expect("organisations")
        .into_iter()
        .map(|o| {
            let data = store.load_org_data(&Scope::All, o.id).expect("records");
            let params = org_params(store, &Scope::All, &tiers, &o).expect("parameters");
            (o, data, params)
        })
        .collect()
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The demo with its records shaken: about a quarter of the values of every
/// record changed (booleans flipped or emptied, dates and times moved by up
/// to 400 days, numbers set around the checks' limits, enums redrawn, texts
/// emptied, blanked or re-cased, lists emptied or given blank and
/// `DOMAIN\user` entries), some records duplicated under a new id (ties for
/// "latest"), clients' tiers removed and their parameters overridden — so
/// that every check has failing resources and the edge cases are met.
fn perturbed(mut orgs: Vec<DemoOrg>, seed: u64) -> Vec<DemoOrg> {
    let mut rng = Rng(seed);
    const NUMBERS: &[i64] = &[
        -1, 0, 1, 2, 5, 6, 7, 8, 10, 11, 12, 14, 15, 30, 31, 45, 46, 63, 64, 90, 91, 100, 400,
    ];
    for d in &mut orgs {
        if d.org.kind == OrgKind::Client {
            if rng.chance(20) {
                d.org.tier = None;
            }
            if rng.chance(30) {
                d.org.contracted_endpoints = None;
            } else if rng.chance(50) {
                d.org.contracted_endpoints = Some(rng.below(120) as i64);
            }
            for def in PARAM_DEFS {
                if rng.chance(15) {
                    let v = (def.default * rng.pick(&[0, 1, 2, 5, 7, 10, 13]) / 10).max(1);
                    d.overrides.insert(def.name.to_string(), v);
                }
            }
        }
        // Enabled users to make local administrators of.
        let users: Vec<String> = d
            .data
            .accounts
            .iter()
            .filter(|a| a.enabled && a.kind == AccountKind::User)
            .map(|a| a.username.clone())
            .chain(["nobody".to_string()])
            .collect();
        let mut data = OrgData::default();
        for kind in RecordKind::ALL {
            let fields = kind.fields();
            let mut rows = d.data.rows(*kind);
            // No check reads the release catalogue (agents' reports do);
            // left as it is, it leaves the random choices for the rest as
            // they were before it existed.
            if *kind == RecordKind::Release {
                for row in rows {
                    data.push_row(*kind, row).expect("valid record");
                }
                continue;
            }
            let dups: Vec<Row> = rows
                .iter()
                .filter(|_| rng.chance(5))
                .map(|r| Row {
                    id: format!("{}-dup", r.id),
                    values: r.values.clone(),
                })
                .collect();
            rows.extend(dups);
            for row in &mut rows {
                for (f, v) in fields.iter().zip(row.values.iter_mut()) {
                    if !rng.chance(25) {
                        continue;
                    }
                    let empty = !f.required && rng.chance(25);
                    *v = match (f.ty, &*v) {
                        _ if empty => Value::Null,
                        (ColumnType::Bool, _) => Value::Bool(rng.chance(50)),
                        (ColumnType::Int, _) => Value::Int(rng.pick(NUMBERS)),
                        (ColumnType::Real, _) => Value::Real(rng.below(201) as f64 / 2.0),
                        (ColumnType::Enum(all), _) => Value::Text(rng.pick(all).to_string()),
                        (ColumnType::Date, Value::Date(x)) => {
                            Value::Date(*x + Duration::days(rng.below(801) as i64 - 400))
                        }
                        (ColumnType::Timestamp, Value::Time(x)) => Value::Time(
                            *x + Duration::minutes(rng.below(801 * 24 * 60) as i64 - 400 * 24 * 60),
                        ),
                        (ColumnType::Text, Value::Text(x)) if !f.required => match rng.below(3) {
                            0 => Value::Text("  ".into()),
                            1 => Value::Text(format!(" {} ", x.to_uppercase())),
                            _ => Value::Text(x.clone()),
                        },
                        (ColumnType::List, Value::List(items)) => {
                            let mut items = items.clone();
                            let user = users[rng.below(users.len() as u64) as usize].clone();
                            let local = user.split('@').next().unwrap_or_default().to_string();
                            match rng.below(5) {
                                0 => items.push(" ".into()),
                                1 => items.push(format!(" CORP\\{} ", user.to_uppercase())),
                                2 => items.push(format!("CORP\\{local}")),
                                3 => items.push(local),
                                _ => items.clear(),
                            }
                            if items.is_empty() {
                                Value::Null
                            } else {
                                Value::List(items)
                            }
                        }
                        (_, other) => other.clone(),
                    };
                }
                data.push_row(*kind, row.clone()).expect("valid record");
            }
        }
        d.data = data;
    }
    orgs
}

/// The engine's failing resources per check key and organisation, each
/// check evaluated directly where the catalogues make the engine evaluate it.
fn engine_counts(orgs: &[(Organisation, OrgData, Params)], now: DateTime<Utc>) -> Counts {
    let mut out = Counts::new();
    for (key, (cref, kinds)) in catalogue_checks() {
        let def = checks::find(&cref.check).expect("known check");
        let per_org = out.entry(key).or_default();
        for (org, data, params) in orgs {
            if !kinds.contains(&org.kind) {
                continue;
            }
            let ctx = CheckCtx {
                org,
                data,
                params,
                now,
                args: Args(&cref.args),
            };
            let n = (def.run)(&ctx)
                .resources
                .iter()
                .filter(|r| failing(r.status))
                .count() as u64;
            if n > 0 {
                per_org.insert(org.id.to_string(), n);
            }
        }
    }
    out
}

fn sql_counts(conn: &Connection, now: DateTime<Utc>, org: Option<&str>) -> Counts {
    run(conn, now, org)
        .expect("baseline runs")
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// The differences between two count tables, one line each, naming the
/// organisation by slug.
fn differences(engine: &Counts, sql: &Counts, slugs: &HashMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = engine.keys().chain(sql.keys()).collect();
    let empty = BTreeMap::new();
    for key in keys {
        let e = engine.get(key).unwrap_or(&empty);
        let s = sql.get(key).unwrap_or(&empty);
        let orgs: BTreeSet<&String> = e.keys().chain(s.keys()).collect();
        for org in orgs {
            let (a, b) = (e.get(org).copied(), s.get(org).copied());
            if a != b {
                let slug = slugs.get(org).map_or(org.as_str(), String::as_str);
                out.push(format!("{key} {slug}: engine {a:?}, SQL {b:?}"));
            }
        }
    }
    out
}

/// Asserts that the SQL resolves every parameter of every organisation as
/// the engine does.
fn assert_params_resolved(conn: &Connection, orgs: &[(Organisation, OrgData, Params)]) {
    let mut stmt = conn.prepare(ALL_PARAMS).expect("prepare");
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    assert_eq!(names.len(), 4 + PARAM_DEFS.len());
    let mut rows = stmt
        .query(rusqlite::params![
            None::<String>,
            None::<String>,
            None::<String>
        ])
        .expect("query");
    let mut resolved = 0;
    while let Some(row) = rows.next().expect("row") {
        let org_id: String = row.get(0).expect("org id");
        let (org, _, params) = orgs
            .iter()
            .find(|(o, _, _)| o.id.to_string() == org_id)
            .expect("known organisation");
        for (i, name) in names.iter().enumerate().skip(4) {
            let v: i64 = row.get(i).expect("value");
            assert_eq!(Some(v), params.get(name), "{} {name}", org.slug);
        }
        resolved += 1;
    }
    assert_eq!(resolved, orgs.len());
}

/// Asserts that the baseline and the engine count the same failing
/// resources per check and organisation at each of `times`; returns the
/// checks that had any.
fn assert_agrees(
    conn: &Connection,
    orgs: &[(Organisation, OrgData, Params)],
    times: &[DateTime<Utc>],
) -> BTreeSet<String> {
    let slugs: HashMap<String, String> = orgs
        .iter()
        .map(|(o, _, _)| (o.id.to_string(), o.slug.clone()))
        .collect();
    let mut nonzero = BTreeSet::new();
    for at in times {
        let engine = engine_counts(orgs, *at);
        let sql = sql_counts(conn, *at, None);
        let diff = differences(&engine, &sql, &slugs);
        assert!(
            diff.is_empty(),
            "at {at}: {} differences:\n{}",
            diff.len(),
            diff.join("\n")
        );
        nonzero.extend(
            engine
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, _)| k.clone()),
        );
    }
    nonzero
}

/// The demo's time and later ones, when more is overdue, stale or out of
/// its window.
fn times(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    [
        Duration::zero(),
        Duration::hours(29) + Duration::minutes(17),
        Duration::days(17) + Duration::hours(5),
        Duration::days(200),
        Duration::days(400),
    ]
    .into_iter()
    .map(|d| now + d)
    .collect()
}

#[test]
fn baseline_agrees_with_the_engine_on_the_demo() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, path) = write_store(dir.path(), &demo(25, now));
    let conn = open(&path).expect("open read-only");
    let orgs = load(&store);
    assert_eq!(orgs.len(), 26);

    assert_params_resolved(&conn, &orgs);
    // The demo's tiers and overrides do vary the parameters.
    let distinct = |f: fn(&Params) -> i64| {
        orgs.iter()
            .map(|(_, _, p)| f(p))
            .collect::<BTreeSet<_>>()
            .len()
    };
    assert!(distinct(|p| p.restore_test_days) >= 3);
    assert!(distinct(|p| p.scan_interval_days) >= 2);
    assert!(distinct(|p| p.sla_response_minutes) >= 3);
    assert!(distinct(|p| p.patch_window_days) >= 2);
    assert!(distinct(|p| p.sla_attainment_pct) >= 2);

    // The engine's own run lists, per requirement, the same failing
    // resources as the checks evaluated directly.
    let catalogue = Catalogue::builtin().expect("catalogue");
    let frameworks: Vec<_> = catalogue.frameworks.iter().collect();
    let out = evaluation::run(
        &store,
        &Scope::All,
        &Actor::new("test", "test"),
        &frameworks,
        None,
        now,
        None,
        &|_, _| {},
    )
    .expect("evaluation");
    let engine = engine_counts(&orgs, now);
    let mut compared = 0;
    for (org, results) in &out.results {
        for fr in results {
            compare_run(fr, org, &catalogue, &engine, &mut compared);
        }
    }
    assert!(compared > 1000, "{compared} requirement results compared");

    let nonzero = assert_agrees(&conn, &orgs, &times(now));
    assert!(
        nonzero.len() >= 60,
        "only {} checks fail anywhere",
        nonzero.len()
    );

    // One organisation at a time gives that organisation's slice.
    let all = sql_counts(&conn, now, None);
    for (org, _, _) in orgs.iter().take(4) {
        let id = org.id.to_string();
        let one = sql_counts(&conn, now, Some(&id));
        for (key, per_org) in &all {
            let want: BTreeMap<String, u64> = per_org
                .iter()
                .filter(|(o, _)| **o == id)
                .map(|(o, n)| (o.clone(), *n))
                .collect();
            assert_eq!(one.get(key), Some(&want), "{key} for {}", org.slug);
        }
    }
}

#[test]
fn baseline_agrees_with_the_engine_on_a_perturbed_demo() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let mut nonzero = BTreeSet::new();
    for seed in [
        0x9E37_79B9_7F4A_7C15,
        0xD1B5_4A32_D192_ED03,
        0x94D0_49BB_1331_11EB,
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, path) = write_store(dir.path(), &perturbed(demo(8, now), seed));
        let conn = open(&path).expect("open read-only");
        let orgs = load(&store);
        assert_params_resolved(&conn, &orgs);
        nonzero.extend(assert_agrees(&conn, &orgs, &times(now)));
    }
    // Every query is compared with something failing.
    let never: Vec<&str> = SQL_CHECKS
        .iter()
        .map(|c| c.id)
        .filter(|id| !nonzero.contains(*id))
        .collect();
    assert_eq!(never, Vec::<&str>::new(), "never failing");
}

/// Compares the failing resources of each single-check requirement of an
/// engine run with the directly evaluated counts.
fn compare_run(
    fr: &FrameworkResult,
    org: &Organisation,
    catalogue: &Catalogue,
    engine: &Counts,
    compared: &mut usize,
) {
    let fw = catalogue.get(&fr.framework).expect("framework");
    for rr in &fr.requirements {
        let req = fw
            .requirements
            .iter()
            .find(|r| r.id == rr.id)
            .expect("requirement");
        let evaluated = match req.applies_to {
            AppliesTo::All => true,
            AppliesTo::Provider => org.kind == OrgKind::Provider,
            AppliesTo::Client => org.kind == OrgKind::Client,
        };
        if !evaluated || req.checks.len() != 1 {
            continue;
        }
        let key = req.checks[0].key();
        let got = rr.resources.iter().filter(|r| failing(r.status)).count() as u64;
        let want = engine[&key].get(&org.id.to_string()).copied().unwrap_or(0);
        assert_eq!(got, want, "{} {} {}", org.slug, fr.framework, rr.id);
        *compared += 1;
    }
}
