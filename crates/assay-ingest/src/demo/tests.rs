//! Tests of the demo generator: determinism, size, referential integrity
//! and what the engine makes of each profile.

use super::profiles::Gap;
use super::*;
use assay_core::catalogue::{Catalogue, Framework};
use assay_core::engine::{EvalInput, FrameworkResult, Status, evaluate_org};
use assay_core::records::RecordKind;
use chrono::TimeZone;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

fn opts(seed: u64, clients: usize) -> DemoOptions {
    DemoOptions {
        seed,
        clients,
        now: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
        size: Size::Demo,
    }
}

/// A fingerprint of everything generated.
fn fingerprint(orgs: &[DemoOrg]) -> u64 {
    let mut h = DefaultHasher::new();
    for o in orgs {
        format!("{:?}|{:?}|{:?}|{}", o.org, o.overrides, o.data, o.profile).hash(&mut h);
    }
    h.finish()
}

fn counts(orgs: &[DemoOrg]) -> BTreeMap<&'static str, usize> {
    let mut c = BTreeMap::new();
    for o in orgs {
        for k in RecordKind::ALL {
            *c.entry(k.name()).or_insert(0) += o.data.count(*k);
        }
    }
    c
}

#[test]
fn same_options_give_identical_output_and_another_seed_differs() {
    let a = generate(&opts(42, 8));
    let b = generate(&opts(42, 8));
    assert_eq!(a.len(), 9);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(format!("{:?}", x.data), format!("{:?}", y.data));
        assert_eq!(x.org, y.org);
    }
    let c = generate(&opts(43, 8));
    assert_ne!(fingerprint(&a), fingerprint(&c));
    assert_ne!(a[1].org.id, c[1].org.id);
    // Ids are stable per seed and position.
    assert_eq!(a[0].org.id, b[0].org.id);
    let ids: HashSet<_> = a.iter().map(|o| o.org.id).collect();
    assert_eq!(ids.len(), a.len());
}

#[test]
fn threaded_generation_matches_one_organisation_at_a_time() {
    let o = opts(9, 70);
    let orgs = generate(&o);
    assert_eq!(orgs.len(), org_count(&o));
    assert_eq!(fingerprint(&orgs), fingerprint(&generate(&o)));
    // Any order, repeated: the same organisation each time.
    for i in [70, 0, 36, 1] {
        let alone = generate_org(&o, i);
        assert_eq!(
            format!("{:?}", alone.data),
            format!("{:?}", orgs[i].data),
            "organisation {i}"
        );
        assert_eq!(alone.org, orgs[i].org);
        assert_eq!(alone.overrides, orgs[i].overrides);
        assert_eq!(alone.profile, orgs[i].profile);
    }
    // What the organisations share is computed once.
    assert!(Arc::ptr_eq(&Shared::get(&o), &Shared::get(&o)));
    // The provider's staff the clients see, taken from its first steps,
    // are those of the whole provider.
    let shared = Shared::get(&o);
    let full = Msp::from_provider(&orgs[0].data);
    assert_eq!(shared.msp.techs, full.techs);
    assert_eq!(shared.msp.service_desk_manager, full.service_desk_manager);
}

#[test]
#[should_panic(expected = "organisation 9 of 9")]
fn generate_org_rejects_an_index_past_the_end() {
    generate_org(&opts(1, 8), 9);
}

#[test]
fn twenty_five_clients_make_a_believable_msp() {
    let orgs = generate(&opts(7, 25));
    assert_eq!(orgs.len(), 26);
    assert_eq!(orgs[0].org.kind, OrgKind::Provider);
    assert_eq!(orgs[0].org.slug, "northwind-it");
    assert!(orgs[1..].iter().all(|o| o.org.kind == OrgKind::Client));
    let assets: usize = orgs.iter().map(|o| o.data.assets.len()).sum();
    assert!((1700..=2300).contains(&assets), "{assets} assets");
    let slugs: HashSet<_> = orgs.iter().map(|o| o.org.slug.as_str()).collect();
    assert_eq!(slugs.len(), orgs.len());
    for o in &orgs {
        assay_core::org::validate_slug(&o.org.slug).unwrap();
        let tier = o.org.tier.as_deref().unwrap();
        assert!(default_tiers().iter().any(|t| t.name == tier), "{tier}");
        for name in o.overrides.keys() {
            assert!(
                assay_core::params::PARAM_DEFS
                    .iter()
                    .any(|d| d.name == name.as_str()),
                "{name}"
            );
        }
    }
    let tiers: BTreeSet<_> = orgs.iter().filter_map(|o| o.org.tier.clone()).collect();
    assert_eq!(tiers.len(), 3, "{tiers:?}");
    assert!(orgs.iter().filter(|o| !o.overrides.is_empty()).count() >= 2);
    let profiles: BTreeSet<_> = orgs.iter().map(|o| o.profile).collect();
    for p in [
        "compliant",
        "late-patcher",
        "cloud-admin-no-mfa",
        "restore-tests-lapsed",
        "stale-inventory",
        "firewall-drift",
        "leaver-accounts",
        "weak-passwords",
        "no-edr",
        "ticket-sla",
        "mostly-good",
    ] {
        assert!(profiles.contains(p), "no {p} client");
    }
    let large = orgs[1..]
        .iter()
        .filter(|o| o.data.assets.len() >= 150)
        .count();
    assert!((3..=6).contains(&large), "{large} large clients");
    // Every record kind is present.
    for (kind, n) in counts(&orgs) {
        assert!(n > 0, "no {kind} records");
    }
    // Software per active endpoint.
    for o in &orgs {
        let mut per_asset: HashMap<&str, usize> = HashMap::new();
        for s in &o.data.software {
            *per_asset.entry(s.asset.as_str()).or_default() += 1;
        }
        for a in o.data.assets.iter().filter(|a| {
            a.lifecycle == Lifecycle::Active
                && matches!(a.kind, AssetKind::Laptop | AssetKind::Desktop)
        }) {
            let n = per_asset.get(a.id.as_str()).copied().unwrap_or(0);
            assert!((10..=31).contains(&n), "{}: {n} installs", a.name);
        }
    }
}

#[test]
fn references_point_at_records_of_the_same_organisation() {
    let o = opts(11, 25);
    assert_references_consistent(&generate(&o), o.now);
}

/// Every reference names a record of the same organisation, ids are
/// unique and non-empty, and nothing happens after `now`.
fn assert_references_consistent(orgs: &[DemoOrg], now: DateTime<Utc>) {
    for o in orgs {
        let d = &o.data;
        let slug = &o.org.slug;
        fn ids<'a, T>(
            items: &'a [T],
            id: impl Fn(&'a T) -> &'a str,
            what: &str,
            slug: &str,
        ) -> HashSet<&'a str> {
            let set: HashSet<&str> = items.iter().map(id).collect();
            assert_eq!(set.len(), items.len(), "{slug}: duplicate {what} ids");
            set
        }
        let assets = ids(&d.assets, |x| &x.id, "asset", slug);
        let people = ids(&d.people, |x| &x.id, "person", slug);
        let jobs = ids(&d.backup_jobs, |x| &x.id, "job", slug);
        let docs = ids(&d.documents, |x| &x.id, "document", slug);
        let sites = ids(&d.sites, |x| &x.id, "site", slug);
        let fws = ids(&d.firewalls, |x| &x.id, "firewall", slug);
        let tickets = ids(&d.tickets, |x| &x.id, "ticket", slug);
        let accounts = ids(&d.accounts, |x| &x.id, "account", slug);
        let reviews = ids(&d.access_reviews, |x| &x.id, "review", slug);
        for k in RecordKind::ALL {
            let rows = d.rows(*k);
            let unique: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(unique.len(), rows.len(), "{slug}: duplicate {k} ids");
            assert!(
                rows.iter().all(|r| !r.id.is_empty()),
                "{slug}: empty {k} id"
            );
        }
        let check = |set: &HashSet<&str>, r: Option<&str>, what: &str| {
            if let Some(r) = r {
                assert!(set.contains(r), "{slug}: {what} refers to missing '{r}'");
            }
        };
        for a in &d.assets {
            check(&people, a.owner.as_deref(), "asset.owner");
            check(&sites, a.site.as_deref(), "asset.site");
            check(
                &docs,
                a.destruction_certificate.as_deref(),
                "asset.destruction_certificate",
            );
        }
        for x in &d.software {
            check(&assets, Some(&x.asset), "software_install.asset");
        }
        for x in &d.updates {
            check(&assets, Some(&x.asset), "update.asset");
        }
        for x in &d.vulnerabilities {
            check(&assets, x.asset.as_deref(), "vulnerability.asset");
            assert!(x.asset.is_some() || x.target.is_some());
        }
        for x in &d.endpoint_configs {
            check(&assets, Some(&x.asset), "endpoint_config.asset");
        }
        for x in &d.malware {
            check(&assets, Some(&x.asset), "malware_protection.asset");
        }
        for x in &d.firewalls {
            check(&assets, x.asset.as_deref(), "firewall.asset");
            check(&sites, x.site.as_deref(), "firewall.site");
        }
        for x in &d.firewall_rules {
            check(&fws, Some(&x.firewall), "firewall_rule.firewall");
        }
        for x in &d.accounts {
            check(&people, x.person.as_deref(), "account.person");
        }
        for x in &d.privileged_changes {
            check(&accounts, Some(&x.account), "privileged_change.account");
        }
        for x in &d.access_review_items {
            check(&reviews, Some(&x.review), "access_review_item.review");
            check(&accounts, Some(&x.account), "access_review_item.account");
        }
        for x in &d.tickets {
            check(&assets, x.asset.as_deref(), "ticket.asset");
            check(&tickets, x.problem.as_deref(), "ticket.problem");
        }
        for x in &d.time_entries {
            check(&people, Some(&x.technician), "time_entry.technician");
            check(&tickets, x.ticket.as_deref(), "time_entry.ticket");
        }
        for x in &d.capacity_thresholds {
            check(&assets, Some(&x.asset), "capacity_threshold.asset");
        }
        for x in &d.capacity_readings {
            check(&assets, Some(&x.asset), "capacity_reading.asset");
        }
        for x in &d.backup_jobs {
            check(&assets, x.asset.as_deref(), "backup_job.asset");
        }
        for x in &d.backup_runs {
            check(&jobs, Some(&x.job), "backup_run.job");
        }
        for x in &d.restore_tests {
            check(&jobs, Some(&x.job), "restore_test.job");
        }
        for x in &d.documents {
            check(&assets, x.asset.as_deref(), "document.asset");
        }
        for x in &d.acknowledgements {
            check(&docs, Some(&x.document), "acknowledgement.document");
            check(&people, Some(&x.person), "acknowledgement.person");
        }
        for x in &d.trainings {
            check(&people, Some(&x.person), "training.person");
        }
        for x in &d.log_sources {
            check(&assets, x.asset.as_deref(), "log_source.asset");
        }
        for x in &d.alerts {
            check(&assets, x.asset.as_deref(), "alert.asset");
            check(&tickets, x.ticket.as_deref(), "alert.ticket");
        }
        for x in &d.wireless_networks {
            check(&sites, x.site.as_deref(), "wireless_network.site");
        }
        // Nothing happens after `now`.
        assert!(
            d.tickets
                .iter()
                .all(|t| t.opened_at <= now && t.resolved_at.is_none_or(|r| r <= now))
        );
        assert!(
            d.backup_runs
                .iter()
                .all(|r| r.finished_at.is_none_or(|f| f <= now))
        );
        assert!(
            d.updates
                .iter()
                .all(|u| u.installed.is_none_or(|i| i <= now))
        );
        assert!(
            d.assets
                .iter()
                .all(|a| a.last_seen.is_none_or(|s| s <= now))
        );
    }
}

#[test]
fn scales_linearly_with_clients() {
    let small = generate(&opts(5, 10));
    let large = generate(&opts(5, 40));
    let assets = |o: &[DemoOrg]| o.iter().map(|x| x.data.assets.len()).sum::<usize>() as f64;
    let ratio = assets(&large) / assets(&small);
    assert!((2.5..=5.5).contains(&ratio), "{ratio}");
}

/// Evaluates one organisation against the built-in frameworks.
fn evaluate_one(
    o: &DemoOrg,
    now: DateTime<Utc>,
    provider: Option<&[FrameworkResult]>,
) -> Vec<FrameworkResult> {
    let catalogue = Catalogue::builtin().expect("built-in catalogue loads");
    let frameworks: Vec<&Framework> = catalogue.frameworks.iter().collect();
    let tier = default_tiers()
        .into_iter()
        .find(|t| Some(&t.name) == o.org.tier.as_ref())
        .expect("tier exists");
    let params = tier.resolve(&o.overrides).expect("overrides are valid");
    let input = EvalInput {
        org: &o.org,
        data: &o.data,
        params: &params,
        exceptions: &[],
        now,
    };
    evaluate_org(&frameworks, &input, provider)
}

/// Evaluates every organisation: the provider first, its results passed
/// to each client.
fn evaluate_all(orgs: &[DemoOrg], now: DateTime<Utc>) -> Vec<Vec<FrameworkResult>> {
    let mut out: Vec<Vec<FrameworkResult>> = Vec::new();
    for o in orgs {
        let r = evaluate_one(o, now, out.first().map(|p| p.as_slice()));
        out.push(r);
    }
    out
}

fn unmet(results: &[FrameworkResult]) -> Vec<String> {
    results
        .iter()
        .flat_map(|f| &f.requirements)
        .filter(|r| !r.status.is_met())
        .map(|r| {
            let first = r
                .resources
                .first()
                .map(|x| format!(" [{} {}: {}]", x.kind, x.name, x.reason))
                .unwrap_or_default();
            format!("{} {}: {}{}", r.id, r.status, r.reason, first)
        })
        .collect()
}

fn status_of(results: &[FrameworkResult], id: &str) -> Option<Status> {
    results
        .iter()
        .flat_map(|f| &f.requirements)
        .find(|r| r.id == id)
        .map(|r| r.status)
}

#[test]
fn the_engine_tells_the_profiles_apart() {
    let o = opts(2026, 25);
    let orgs = generate(&o);
    let results = evaluate_all(&orgs, o.now);
    let by_profile = |p: &str| -> Vec<usize> {
        (0..orgs.len())
            .filter(|&i| i > 0 && orgs[i].profile == p)
            .collect()
    };

    let compliant = by_profile("compliant");
    assert_eq!(compliant.len(), 1);
    let c = compliant[0];
    let gaps = unmet(&results[c]);
    assert!(
        gaps.is_empty(),
        "compliant client {} has unmet requirements:\n{}",
        orgs[c].org.slug,
        gaps.join("\n")
    );

    let fails = |i: usize, ids: &[&str]| {
        assert!(
            ids.iter()
                .any(|id| status_of(&results[i], id) == Some(Status::Fail)),
            "{} ({}) should fail one of {ids:?}; unmet:\n{}",
            orgs[i].org.slug,
            orgs[i].profile,
            unmet(&results[i]).join("\n")
        );
    };
    for i in by_profile("late-patcher") {
        fails(i, &["CE-PATCH-4a", "CE-PATCH-4b"]);
    }
    for i in by_profile("cloud-admin-no-mfa") {
        fails(i, &["CE-UAC-4"]);
    }
    for i in by_profile("restore-tests-lapsed") {
        fails(i, &["MSPV-DATA-2"]);
    }

    // Every failing requirement names at least one resource with a reason.
    for (i, r) in results.iter().enumerate() {
        for req in r.iter().flat_map(|f| &f.requirements) {
            if req.status == Status::Fail {
                assert!(
                    req.resources.iter().any(|x| !x.reason.is_empty()),
                    "{}: {} fails without naming a resource ({})",
                    orgs[i].org.slug,
                    req.id,
                    req.reason
                );
            }
        }
    }

    // Statuses differ between clients.
    let signatures: HashSet<Vec<Status>> = results[1..]
        .iter()
        .map(|r| {
            r.iter()
                .flat_map(|f| &f.requirements)
                .map(|x| x.status)
                .collect()
        })
        .collect();
    assert!(
        signatures.len() >= 10,
        "only {} distinct outcomes",
        signatures.len()
    );
}

#[test]
fn the_compliant_client_meets_everything_whatever_the_seed() {
    let times = [
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 1, 1, 0, 5, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 5, 23, 55, 0).unwrap(),
        Utc.with_ymd_and_hms(2028, 2, 29, 12, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 8, 31, 6, 15, 0).unwrap(),
    ];
    for (seed, now) in [1u64, 2, 3, 4, 5].into_iter().zip(times) {
        let o = DemoOptions {
            seed,
            clients: 12,
            now,
            size: Size::Demo,
        };
        let orgs = generate(&o);
        let results = evaluate_all(&orgs, o.now);
        let c = orgs
            .iter()
            .position(|x| x.profile == "compliant")
            .expect("a compliant client");
        let gaps = unmet(&results[c]);
        assert!(
            gaps.is_empty(),
            "seed {seed}: {} has unmet requirements:\n{}",
            orgs[c].org.slug,
            gaps.join("\n")
        );
        // The provider has exactly its one gap.
        let p: BTreeSet<String> = results[0]
            .iter()
            .flat_map(|f| &f.requirements)
            .filter(|r| !r.status.is_met())
            .map(|r| r.checks.join(","))
            .collect();
        assert!(
            p.iter().all(|c| c.contains("endpoint.host_firewall")),
            "seed {seed}: provider fails {p:?}"
        );
    }
}

const ALL_GAPS: &[Gap] = &[
    Gap::LatePatching,
    Gap::CloudAdminNoMfa,
    Gap::RestoreTestsLapsed,
    Gap::StaleInventory,
    Gap::FirewallDrift,
    Gap::LeaverAccounts,
    Gap::WeakPasswords,
    Gap::NoEdr,
    Gap::PoorSla,
];

/// What fails when a compliant client shows just one gap.
fn gap_outcomes(seed: u64) -> Vec<(Gap, Vec<String>)> {
    let o = opts(seed, 0);
    let orgs = generate(&o);
    let provider = evaluate_all(&orgs, o.now).remove(0);
    let releases = estate::releases(o.seed, o.now);
    let msp = Msp::from_provider(&orgs[0].data);
    let base = profiles::plan_clients(seed, 1).remove(0);
    ALL_GAPS
        .iter()
        .chain(profiles::MINOR_LAPSES)
        .map(|&gap| {
            let mut plan = base.clone();
            plan.gaps = profiles::Gaps::default().with(gap);
            plan.profile = profiles::Profile::MostlyGood;
            let params = default_tiers()
                .into_iter()
                .find(|t| t.name == plan.tier)
                .unwrap()
                .resolve(&plan.overrides)
                .unwrap();
            let org = OrgGen::new(&o, &plan, params, &releases, &msp).build();
            let r = evaluate_one(&org, o.now, Some(&provider));
            let ids = r
                .iter()
                .flat_map(|f| &f.requirements)
                .filter(|x| !x.status.is_met())
                .map(|x| format!("{} ({})", x.id, x.status))
                .collect();
            (gap, ids)
        })
        .collect()
}

#[test]
fn every_gap_fails_a_requirement() {
    for seed in [3, 8] {
        for (gap, ids) in gap_outcomes(seed) {
            assert!(!ids.is_empty(), "seed {seed}: {gap:?} fails nothing");
        }
    }
}

fn sized(seed: u64, size: Size) -> DemoOptions {
    DemoOptions {
        // Ignored by the benchmark sizes.
        clients: 3,
        size,
        ..opts(seed, 0)
    }
}

#[test]
fn benchmark_size_s_is_a_small_msp_generated_one_organisation_at_a_time() {
    let o = sized(5, Size::S);
    assert_eq!(org_count(&o), 21);
    let orgs = generate(&o);
    assert_eq!(orgs.len(), 21);
    assert_eq!(orgs[0].org.kind, OrgKind::Provider);
    let assets: Vec<usize> = orgs.iter().map(|o| o.data.assets.len()).collect();
    // One at a time, out of order, and again: the same organisations (the
    // largest client, a small one and the provider).
    let largest = (1..21).max_by_key(|&i| assets[i]).unwrap();
    let smallest = (1..21).min_by_key(|&i| assets[i]).unwrap();
    for i in [largest, smallest, 0] {
        let alone = generate_org(&o, i);
        assert_eq!(alone.org, orgs[i].org);
        assert_eq!(
            format!("{:?}", alone.data),
            format!("{:?}", orgs[i].data),
            "organisation {i}"
        );
    }
    let other = generate_org(&sized(6, Size::S), smallest);
    assert_ne!(other.org.id, orgs[smallest].org.id);

    let total: usize = assets.iter().sum();
    assert!((800..=1200).contains(&total), "{total} assets");
    // Most clients small, a few large.
    let mut clients = assets[1..].to_vec();
    clients.sort();
    assert!(clients[10] <= 60 && clients[19] >= 150, "{clients:?}");
    // The gap profiles spread as in the demo.
    let profiles: BTreeSet<_> = orgs.iter().map(|o| o.profile).collect();
    assert_eq!(profiles.len(), 11, "{profiles:?}");
    // Bulk: hundreds of installs per computer, several updates a month.
    let c = counts(&orgs);
    for (kind, n) in &c {
        assert!(*n > 0, "no {kind} records");
    }
    let per = |kind: &str| c[kind] as f64 / total as f64;
    assert!((200.0..=400.0).contains(&per("software_install")), "{c:?}");
    assert!((20.0..=50.0).contains(&per("update")), "{c:?}");
    assert!((10.0..=30.0).contains(&per("ticket")), "{c:?}");
    for o in &orgs[1..] {
        let mut installs: HashMap<&str, usize> = HashMap::new();
        for s in &o.data.software {
            *installs.entry(s.asset.as_str()).or_default() += 1;
        }
        for a in o.data.assets.iter().filter(|a| {
            a.lifecycle == Lifecycle::Active && a.kind == AssetKind::Laptop && a.owner.is_some()
        }) {
            let n = installs.get(a.id.as_str()).copied().unwrap_or(0);
            assert!((150..=600).contains(&n), "{}: {n} installs", a.name);
        }
    }
    assert_references_consistent(&orgs, o.now);
}

#[test]
fn benchmark_sizes_fix_their_clients_and_spread_their_endpoints() {
    for (size, clients, endpoints, largest) in [
        (Size::S, 20, 1_000, 250),
        (Size::M, 200, 20_000, 1_600),
        (Size::L, 1000, 100_000, 3_000),
    ] {
        let o = sized(1, size);
        assert_eq!(org_count(&o), clients + 1);
        assert_eq!(size.target_endpoints(), Some(endpoints));
        // The planned client sizes, without generating any records.
        let plans = scale::plan_clients(o.seed, size);
        assert_eq!(plans.len(), clients);
        let sum: usize = plans.iter().map(|p| p.size).sum();
        assert!(
            sum.abs_diff(endpoints) * 100 <= endpoints * 3,
            "{size:?}: {sum}"
        );
        assert!(plans.iter().all(|p| p.size <= largest), "{size:?}");
        // The demo's profile mix: about a third of clients show a named gap.
        let named = plans
            .iter()
            .filter(|p| p.profile != profiles::Profile::MostlyGood)
            .count();
        assert!(
            named * 100 >= clients * 25 && named * 100 <= clients * 55,
            "{size:?}: {named}"
        );
    }
    assert_eq!(org_count(&sized(1, Size::Demo)), 4);
    for size in [Size::Demo, Size::S, Size::M, Size::L] {
        assert_eq!(size.name().to_lowercase().parse::<Size>(), Ok(size));
        assert_eq!(size.to_string().parse::<Size>(), Ok(size));
    }
    assert!("XL".parse::<Size>().is_err());
}

#[test]
fn ids_read_as_formatted() {
    for n in [0, 1, 9, 10, 99_999, 100_000, 1_234_567, usize::MAX] {
        assert_eq!(num_id("sw", 6, n), format!("sw-{n:06}"));
        assert_eq!(num_id("T", 0, n), format!("T-{n}"));
    }
    assert_eq!(seq_id("p", 41), "p-00042");
}
