//! Backups, training, testing and governance (`resilience` family).

use super::support::{
    Findings, ShareItem, current_staff, kinds_arg, latest_per_key, org_resource, present,
    share_outcome, within,
};
use super::{CheckCtx, CheckDef, CheckKind, with_args};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{
    AssessmentKind, BackupJob, Level, Person, RunStatus, TestResult, TrainingKind,
};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "backup.recent_success",
        title: "Recent successful backup",
        kind: CheckKind::Automated,
        about: "Passes when every critical backup job has a successful run that finished within the RPO; \
                fails for a job whose last success is older or missing.",
        run: backup_recent_success,
    },
    CheckDef {
        id: "backup.isolated_copy",
        title: "Offsite and isolated backup copies",
        kind: CheckKind::Automated,
        about: "Fails for a critical backup job without both an offsite copy and an isolated \
                (offline, immutable or separately credentialled) copy.",
        run: backup_isolated_copy,
    },
    CheckDef {
        id: "backup.restore_tested",
        title: "Backups restore-tested",
        kind: CheckKind::Automated,
        about: "Passes when every critical backup job has a successful restore test within the cadence; \
                fails for a job whose last successful test is older or missing.",
        run: backup_restore_tested,
    },
    CheckDef {
        id: "training.awareness",
        title: "Security awareness training coverage",
        kind: CheckKind::Automated,
        about: "Passes when at least the target share of current staff completed security awareness training \
                within the refresh window (new starters inside their window count as compliant).",
        run: training_awareness,
    },
    CheckDef {
        id: "training.phishing",
        title: "Phishing simulation run",
        kind: CheckKind::Automated,
        about: "Passes when a phishing simulation was recorded within the window; fails when the latest is older.",
        run: training_phishing,
    },
    CheckDef {
        id: "training.onboarding",
        title: "New starters onboarded",
        kind: CheckKind::Automated,
        about: "Fails for a member of staff who joined within the training window and did not complete \
                onboarding training within the new-starter window of joining.",
        run: training_onboarding,
    },
    CheckDef {
        id: "assessments.recent",
        title: "Assessments performed recently",
        kind: CheckKind::Automated,
        about: "Passes when an assessment of each kind in arg `kind` was performed within arg `max_age` days; \
                an older one is stale, none is insufficient evidence.",
        run: assessments_recent,
    },
    CheckDef {
        id: "scans.cadence",
        title: "Vulnerability scan cadence",
        kind: CheckKind::Automated,
        about: "Passes when both an internal and an external vulnerability scan were performed within the scan \
                interval; an older one is stale.",
        run: scans_cadence,
    },
    CheckDef {
        id: "risks.reviewed",
        title: "Risk register reviewed",
        kind: CheckKind::Automated,
        about: "Fails for a risk not reviewed within the window, or a high or critical risk without a treatment.",
        run: risks_reviewed,
    },
    CheckDef {
        id: "vendors.reviewed",
        title: "Critical vendors reviewed",
        kind: CheckKind::Automated,
        about: "Fails for a critical vendor not reviewed within the window or whose attestation has expired.",
        run: vendors_reviewed,
    },
    CheckDef {
        id: "licences.within_entitlement",
        title: "Licences within entitlement",
        kind: CheckKind::Automated,
        about: "Fails for a licence with more seats in use than purchased.",
        run: licences_within_entitlement,
    },
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn critical_jobs<'a>(ctx: &CheckCtx<'a>) -> Vec<&'a BackupJob> {
    ctx.data.backup_jobs.iter().filter(|j| j.critical).collect()
}

const NO_CRITICAL_JOBS: &str = "backup jobs marked critical";

// ---------------------------------------------------------------------------
// Backups
// ---------------------------------------------------------------------------

fn backup_recent_success(ctx: &CheckCtx) -> Outcome {
    let rpo = ctx.params.backup_rpo_hours;
    let jobs = critical_jobs(ctx);
    if jobs.is_empty() {
        return Outcome::from_resources(NO_CRITICAL_JOBS, Vec::new());
    }
    // Per job: whether any run is recorded, and the latest successful finish.
    let runs = &ctx.data.backup_runs;
    let any_run: HashSet<&str> = runs.iter().map(|r| r.job.as_str()).collect();
    let last_success = latest_per_key(
        runs.iter()
            .filter(|r| r.status == RunStatus::Success)
            .map(|r| (r.job.as_str(), r.finished_at.unwrap_or(r.started_at))),
    );
    let resources = jobs
        .into_iter()
        .map(|j| {
            let (status, reason) = match last_success.get(j.id.as_str()) {
                Some(t) => {
                    let h = ctx.hours_since(*t);
                    let fact = format!(
                        "last successful backup finished {} ({h} hours ago, RPO {rpo})",
                        t.format("%Y-%m-%d %H:%M")
                    );
                    (within(h, rpo), fact)
                }
                None if any_run.contains(j.id.as_str()) => {
                    (Status::Fail, "no successful run recorded".to_string())
                }
                None => (Status::InsufficientEvidence, "no runs recorded".to_string()),
            };
            ResourceResult::new("backup_job", &j.id, &j.name, status, reason)
        })
        .collect();
    Outcome::from_resources("critical backup jobs", resources)
}

fn backup_isolated_copy(ctx: &CheckCtx) -> Outcome {
    let resources = critical_jobs(ctx)
        .into_iter()
        .map(|j| {
            let mut missing = Vec::new();
            if j.offsite_copy != Some(true) {
                missing.push("no offsite copy");
            }
            if j.isolated_copy != Some(true) {
                missing.push("no isolated copy");
            }
            if missing.is_empty() {
                ResourceResult::new(
                    "backup_job",
                    &j.id,
                    &j.name,
                    Status::Pass,
                    "offsite and isolated copies",
                )
            } else {
                ResourceResult::new(
                    "backup_job",
                    &j.id,
                    &j.name,
                    Status::Fail,
                    missing.join(", "),
                )
            }
        })
        .collect();
    Outcome::from_resources(NO_CRITICAL_JOBS, resources)
}

fn backup_restore_tested(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.restore_test_days;
    let jobs = critical_jobs(ctx);
    if jobs.is_empty() {
        return Outcome::from_resources(NO_CRITICAL_JOBS, Vec::new());
    }
    let tests = &ctx.data.restore_tests;
    let any_test: HashSet<&str> = tests.iter().map(|t| t.job.as_str()).collect();
    let last_success = latest_per_key(
        tests
            .iter()
            .filter(|t| t.result == TestResult::Success)
            .map(|t| (t.job.as_str(), t.tested_on)),
    );
    let resources = jobs
        .into_iter()
        .map(|j| {
            let (status, reason) = match last_success.get(j.id.as_str()) {
                Some(d) => {
                    let days = ctx.days_since(*d);
                    let fact = format!(
                        "last successful restore test {d} ({days} days ago, limit {limit})"
                    );
                    (within(days, limit), fact)
                }
                None if any_test.contains(j.id.as_str()) => (
                    Status::Fail,
                    "no successful restore test recorded".to_string(),
                ),
                None => (
                    Status::InsufficientEvidence,
                    "no restore tests recorded".to_string(),
                ),
            };
            ResourceResult::new("backup_job", &j.id, &j.name, status, reason)
        })
        .collect();
    Outcome::from_resources("critical backup jobs", resources)
}

// ---------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------

/// Latest completion date of passed (or ungraded) training of `kind`, per person.
fn latest_training<'a>(ctx: &CheckCtx<'a>, kind: TrainingKind) -> HashMap<&'a str, NaiveDate> {
    latest_per_key(
        ctx.data
            .trainings
            .iter()
            .filter(|t| t.kind == kind && t.passed != Some(false))
            .map(|t| (t.person.as_str(), t.completed_on)),
    )
}

fn training_awareness(ctx: &CheckCtx) -> Outcome {
    let p = ctx.params;
    let latest = latest_training(ctx, TrainingKind::SecurityAwareness);
    let items = current_staff(ctx)
        .map(|person| {
            let trained = latest.get(person.id.as_str());
            let starter_days = person.joined.map(|j| ctx.days_since(j));
            let (ok, reason) = match trained {
                Some(d) if ctx.days_since(*d) <= p.training_days => (
                    true,
                    format!("trained {d} ({} days ago)", ctx.days_since(*d)),
                ),
                _ if starter_days.is_some_and(|s| s <= p.new_starter_training_days) => (
                    true,
                    format!(
                        "new starter, joined {} days ago (window {})",
                        starter_days.unwrap_or_default(),
                        p.new_starter_training_days
                    ),
                ),
                Some(d) => (
                    false,
                    format!(
                        "last trained {d}, {} days ago (limit {})",
                        ctx.days_since(*d),
                        p.training_days
                    ),
                ),
                None => (false, "no security awareness training recorded".to_string()),
            };
            ShareItem {
                kind: "person",
                id: person.id.clone(),
                name: person.name.clone(),
                ok,
                reason,
            }
        })
        .collect();
    share_outcome(
        "current staff",
        "are trained",
        p.training_coverage_pct,
        items,
    )
}

fn training_phishing(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.phishing_sim_days;
    let latest = ctx
        .data
        .trainings
        .iter()
        .filter(|t| t.kind == TrainingKind::PhishingSimulation)
        .map(|t| t.completed_on)
        .max();
    let Some(d) = latest else {
        return Outcome::insufficient("no phishing simulation recorded").with_resources(vec![
            org_resource(
                ctx,
                Status::InsufficientEvidence,
                "no phishing simulation recorded",
            ),
        ]);
    };
    let days = ctx.days_since(d);
    let status = within(days, limit);
    let fact = format!("last phishing simulation {d}, {days} days ago (limit {limit})");
    Outcome::new(status, format!("{}: {fact}", ctx.org.name))
        .with_resources(vec![org_resource(ctx, status, fact)])
}

fn training_onboarding(ctx: &CheckCtx) -> Outcome {
    let p = ctx.params;
    let staff: Vec<&Person> = current_staff(ctx).collect();
    if staff.is_empty() {
        return Outcome::insufficient("no current staff recorded");
    }
    if staff.iter().all(|s| s.joined.is_none()) {
        return Outcome::insufficient("no joining dates recorded for current staff");
    }
    // Onboarding completions per person.
    let mut onboarding: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for t in &ctx.data.trainings {
        if t.kind == TrainingKind::Onboarding && t.passed != Some(false) {
            onboarding
                .entry(t.person.as_str())
                .or_default()
                .push(t.completed_on);
        }
    }
    let window = p.new_starter_training_days;
    let resources: Vec<ResourceResult> = staff
        .into_iter()
        .filter_map(|s| {
            let joined = s.joined?;
            let since = ctx.days_since(joined);
            if since > p.training_days {
                return None;
            }
            let done = onboarding.get(s.id.as_str()).and_then(|ds| {
                ds.iter()
                    .filter(|d| (**d - joined).num_days() <= window)
                    .min()
            });
            let (status, reason) = match done {
                Some(d) => (
                    Status::Pass,
                    format!("joined {joined}, onboarding completed {d}"),
                ),
                None if since <= window => (
                    Status::Pass,
                    format!(
                        "joined {joined}, onboarding due by {}",
                        joined + chrono::Duration::days(window)
                    ),
                ),
                None => (
                    Status::Fail,
                    format!(
                        "joined {joined}, no onboarding training within {window} days of joining"
                    ),
                ),
            };
            Some(ResourceResult::new(
                "person", &s.id, &s.name, status, reason,
            ))
        })
        .collect();
    if resources.is_empty() {
        return Outcome::pass(format!(
            "no current staff joined in the last {} days",
            p.training_days
        ));
    }
    Outcome::from_resources(
        &format!("staff who joined in the last {} days", p.training_days),
        resources,
    )
}

// ---------------------------------------------------------------------------
// Assessments and scans
// ---------------------------------------------------------------------------

/// The latest assessment of each kind, judged against `max_age` days: older
/// is `stale`, none is `insufficient_evidence`.
fn latest_assessments(ctx: &CheckCtx, kinds: &[AssessmentKind], max_age: i64) -> Outcome {
    let today = ctx.today();
    let mut latest: HashMap<AssessmentKind, &crate::records::Assessment> = HashMap::new();
    for a in &ctx.data.assessments {
        if a.performed_on > today || !kinds.contains(&a.kind) {
            continue;
        }
        let e = latest.entry(a.kind).or_insert(a);
        if a.performed_on > e.performed_on {
            *e = a;
        }
    }
    let resources = kinds
        .iter()
        .map(|k| match latest.get(k) {
            Some(a) => {
                let days = ctx.days_since(a.performed_on);
                let fact = format!(
                    "{k} performed {} ({days} days ago, limit {max_age})",
                    a.performed_on
                );
                let status = if days <= max_age {
                    Status::Pass
                } else {
                    Status::Stale
                };
                ResourceResult::new("assessment", &a.id, &a.title, status, fact)
            }
            None => ResourceResult::new(
                "assessment",
                k.as_str(),
                k.as_str(),
                Status::InsufficientEvidence,
                format!("no {k} recorded"),
            ),
        })
        .collect();
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Outcome::from_resources(&format!("assessments ({})", names.join(", ")), resources)
}

fn assessments_recent(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let kinds = kinds_arg(ctx, "kind", AssessmentKind::parse, AssessmentKind::ALL)?;
        if kinds.is_empty() {
            return Err("argument 'kind' is required".to_string());
        }
        let max_age = ctx
            .args
            .int_or_param("max_age", ctx.params)?
            .ok_or_else(|| "argument 'max_age' is required".to_string())?;
        let outcome = latest_assessments(ctx, &kinds, max_age);
        // With `any = true` the best of the listed kinds decides: one recent
        // assessment of any of them is enough.
        if ctx.args.bool("any")?.unwrap_or(false) {
            let best = outcome
                .resources
                .iter()
                .map(|r| r.status)
                .min_by_key(Status::severity);
            let kept: Vec<ResourceResult> = outcome
                .resources
                .iter()
                .filter(|r| Some(r.status) == best)
                .cloned()
                .collect();
            return Ok(Outcome::from_resources(
                "assessments of any listed kind",
                kept,
            ));
        }
        Ok(outcome)
    })
}

fn scans_cadence(ctx: &CheckCtx) -> Outcome {
    latest_assessments(
        ctx,
        &[AssessmentKind::InternalScan, AssessmentKind::ExternalScan],
        ctx.params.scan_interval_days,
    )
}

// ---------------------------------------------------------------------------
// Governance
// ---------------------------------------------------------------------------

/// Fails `f` when the last review is missing or older than `limit` days.
fn judge_review(ctx: &CheckCtx, f: &mut Findings, last: Option<NaiveDate>, limit: i64) {
    match last {
        Some(d) if ctx.days_since(d) > limit => f.fail(format!(
            "last reviewed {d}, {} days ago (limit {limit})",
            ctx.days_since(d)
        )),
        Some(_) => {}
        None => f.fail("never reviewed"),
    }
}

/// "reviewed <date>" (the date empty when there is none).
fn reviewed_text(last: Option<NaiveDate>) -> String {
    let when = last.map(|d| d.to_string()).unwrap_or_default();
    format!("reviewed {when}")
}

fn risks_reviewed(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.risk_review_days;
    let resources = ctx
        .data
        .risks
        .iter()
        .map(|r| {
            let mut f = Findings::default();
            judge_review(ctx, &mut f, r.last_reviewed, limit);
            let serious = matches!(r.rating, Level::High | Level::Critical);
            if serious && !present(&r.treatment) {
                f.fail(format!("{} risk without a treatment", r.rating));
            }
            f.result("risk", &r.id, &r.title, &reviewed_text(r.last_reviewed))
        })
        .collect();
    Outcome::from_resources("risk register entries", resources)
}

fn vendors_reviewed(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.vendor_review_days;
    let today = ctx.today();
    let resources = ctx
        .data
        .vendors
        .iter()
        .filter(|v| v.critical)
        .map(|v| {
            let mut f = Findings::default();
            judge_review(ctx, &mut f, v.last_review, limit);
            if let Some(exp) = v.attestation_expires.filter(|e| *e < today) {
                let what = v.attestation.as_deref().unwrap_or("attestation");
                f.fail(format!("{what} expired {exp}"));
            }
            f.result("vendor", &v.id, &v.name, &reviewed_text(v.last_review))
        })
        .collect();
    Outcome::from_resources("critical vendors", resources)
}

fn licences_within_entitlement(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .licences
        .iter()
        .map(|l| {
            let fact = format!("{} in use of {} purchased", l.in_use, l.purchased);
            ResourceResult::new(
                "licence",
                &l.id,
                &l.product,
                within(l.in_use, l.purchased),
                fact,
            )
        })
        .collect();
    Outcome::from_resources("licences", resources)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        NOW, check, check_with, date, days_ago, example, run, run_with, status_of, time,
    };
    use crate::engine::outcome::Status;
    use crate::params::{Params, default_tiers};
    use crate::records::{
        Assessment, AssessmentKind, BackupJob, BackupRun, Level, Licence, OrgData, Person,
        PersonKind, RestoreTest, RiskEntry, RunStatus, TestResult, Training, TrainingKind, Vendor,
    };
    use serde_json::json;
    use std::collections::BTreeMap;

    // --- backups ---------------------------------------------------------

    fn job(id: &str) -> BackupJob {
        let mut j = example::<BackupJob>(id);
        j.name = format!("{id} nightly");
        j
    }

    fn backup_run(job: &str, finished: &str, status: RunStatus) -> BackupRun {
        let mut r = example::<BackupRun>(&format!("{job}-{finished}"));
        r.job = job.into();
        r.finished_at = Some(time(finished));
        r.started_at = time(finished) - chrono::Duration::hours(1);
        r.status = status;
        r
    }

    #[test]
    fn backup_success_24_hours_ago_passes() {
        let data = OrgData {
            backup_jobs: vec![job("bj-1")],
            backup_runs: vec![backup_run(
                "bj-1",
                "2026-11-22T12:00:00Z",
                RunStatus::Success,
            )],
            ..Default::default()
        };
        let o = check("backup.recent_success", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn backup_success_25_hours_ago_fails_naming_job() {
        let data = OrgData {
            backup_jobs: vec![job("bj-1")],
            backup_runs: vec![
                backup_run("bj-1", "2026-11-22T11:00:00Z", RunStatus::Success),
                backup_run("bj-1", "2026-11-23T11:00:00Z", RunStatus::Failed),
            ],
            ..Default::default()
        };
        let o = check("backup.recent_success", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("bj-1 nightly") && o.reason.contains("25 hours"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn backup_latest_success_counts_and_non_critical_ignored() {
        let mut other = job("bj-2");
        other.critical = false;
        let data = OrgData {
            backup_jobs: vec![job("bj-1"), other],
            backup_runs: vec![
                backup_run("bj-1", "2026-11-01T11:00:00Z", RunStatus::Success),
                backup_run("bj-1", "2026-11-23T02:00:00Z", RunStatus::Success),
                backup_run("bj-1", "2026-11-10T11:00:00Z", RunStatus::Success),
            ],
            ..Default::default()
        };
        let o = check("backup.recent_success", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn backup_only_failed_runs_fail_and_no_runs_is_insufficient() {
        let data = OrgData {
            backup_jobs: vec![job("bj-1"), job("bj-2")],
            backup_runs: vec![backup_run(
                "bj-1",
                "2026-11-23T02:00:00Z",
                RunStatus::Warning,
            )],
            ..Default::default()
        };
        let o = check("backup.recent_success", &data);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(status_of(&o, "bj-1"), Status::Fail);
        assert_eq!(status_of(&o, "bj-2"), Status::InsufficientEvidence);
    }

    #[test]
    fn backup_without_critical_jobs_is_insufficient() {
        let mut j = job("bj-1");
        j.critical = false;
        let data = OrgData {
            backup_jobs: vec![j],
            ..Default::default()
        };
        for id in [
            "backup.recent_success",
            "backup.isolated_copy",
            "backup.restore_tested",
        ] {
            let o = check(id, &data);
            assert_eq!(o.status, Status::InsufficientEvidence, "{id}");
            assert!(o.reason.contains("critical"), "{}", o.reason);
        }
    }

    #[test]
    fn backup_isolated_copy_pass_and_fail() {
        let mut bad = job("bj-2");
        bad.isolated_copy = None;
        let data = OrgData {
            backup_jobs: vec![job("bj-1"), bad],
            ..Default::default()
        };
        let o = check("backup.isolated_copy", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("bj-2 nightly") && o.reason.contains("no isolated copy"),
            "{}",
            o.reason
        );
        assert_eq!(status_of(&o, "bj-1"), Status::Pass);
        let data = OrgData {
            backup_jobs: vec![job("bj-1")],
            ..Default::default()
        };
        assert_eq!(check("backup.isolated_copy", &data).status, Status::Pass);
    }

    fn restore(job: &str, days: u64, result: TestResult) -> RestoreTest {
        let mut t = example::<RestoreTest>(&format!("rt-{job}-{days}"));
        t.job = job.into();
        t.tested_on = days_ago(days);
        t.result = result;
        t
    }

    fn restore_data(days: u64) -> OrgData {
        OrgData {
            backup_jobs: vec![job("bj-1")],
            restore_tests: vec![restore("bj-1", days, TestResult::Success)],
            ..Default::default()
        }
    }

    #[test]
    fn restore_test_182_days_passes() {
        let o = check("backup.restore_tested", &restore_data(182));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn restore_test_183_days_fails_naming_job() {
        let o = check("backup.restore_tested", &restore_data(183));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("bj-1 nightly") && o.reason.contains("183 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn restore_test_client_override_beats_tier_default() {
        let tier = &default_tiers()[1]; // Managed User: 182 days
        let data = restore_data(100);
        let tier_params = tier.resolve(&BTreeMap::new()).expect("params");
        assert_eq!(
            check_with("backup.restore_tested", &data, &tier_params).status,
            Status::Pass
        );
        let overrides = BTreeMap::from([("restore_test_days".to_string(), 92)]);
        let params = tier.resolve(&overrides).expect("params");
        let o = check_with("backup.restore_tested", &data, &params);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("limit 92"), "{}", o.reason);
    }

    #[test]
    fn restore_test_partial_does_not_count_and_none_is_insufficient() {
        let data = OrgData {
            backup_jobs: vec![job("bj-1"), job("bj-2")],
            restore_tests: vec![restore("bj-1", 10, TestResult::Partial)],
            ..Default::default()
        };
        let o = check("backup.restore_tested", &data);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(status_of(&o, "bj-1"), Status::Fail);
        assert_eq!(status_of(&o, "bj-2"), Status::InsufficientEvidence);
    }

    // --- training.awareness ------------------------------------------------

    fn staff(id: &str) -> Person {
        let mut p = example::<Person>(id);
        p.name = format!("{id} name");
        p.joined = Some(date("2020-01-01"));
        p
    }

    fn training(person: &str, kind: TrainingKind, days: u64) -> Training {
        let mut t = example::<Training>(&format!("tr-{person}-{kind}-{days}"));
        t.person = person.into();
        t.kind = kind;
        t.completed_on = days_ago(days);
        t
    }

    fn awareness_data(trained: usize, untrained: usize) -> OrgData {
        let mut data = OrgData::default();
        for i in 0..trained + untrained {
            let id = format!("p{i:02}");
            data.people.push(staff(&id));
            if i < trained {
                data.trainings
                    .push(training(&id, TrainingKind::SecurityAwareness, 100));
            }
        }
        data
    }

    #[test]
    fn awareness_exactly_95_percent_passes() {
        let o = check("training.awareness", &awareness_data(19, 1));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 20);
        assert!(o.resources.iter().all(|r| r.status == Status::Pass));
        assert!(o.resources[19].reason.contains("within tolerance"));
    }

    #[test]
    fn awareness_below_95_percent_fails_naming_person() {
        let o = check("training.awareness", &awareness_data(18, 2));
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("p18 name"), "{}", o.reason);
        assert_eq!(status_of(&o, "p19"), Status::Fail);
        assert_eq!(status_of(&o, "p00"), Status::Pass);
    }

    #[test]
    fn awareness_refresh_window_and_new_starters() {
        let mut data = awareness_data(1, 0);
        // 365 days ago is still within the window; 366 is not.
        data.trainings[0].completed_on = days_ago(365);
        assert_eq!(check("training.awareness", &data).status, Status::Pass);
        data.trainings[0].completed_on = days_ago(366);
        let o = check("training.awareness", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("366 days"), "{}", o.reason);
        // A new starter inside the window counts as compliant.
        let mut starter = staff("new");
        starter.joined = Some(days_ago(30));
        let data = OrgData {
            people: vec![starter.clone()],
            ..Default::default()
        };
        assert_eq!(check("training.awareness", &data).status, Status::Pass);
        starter.joined = Some(days_ago(31));
        let data = OrgData {
            people: vec![starter],
            ..Default::default()
        };
        assert_eq!(check("training.awareness", &data).status, Status::Fail);
    }

    #[test]
    fn awareness_ignores_leavers_and_non_staff() {
        let mut data = awareness_data(1, 0);
        let mut leaver = staff("gone");
        leaver.left = Some(days_ago(3));
        let mut user = staff("client");
        user.kind = PersonKind::ClientUser;
        data.people.extend([leaver, user]);
        let o = check("training.awareness", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn awareness_without_staff_is_insufficient() {
        assert_eq!(
            check("training.awareness", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- training.phishing ---------------------------------------------------

    #[test]
    fn phishing_within_window_passes_and_older_fails() {
        let data = OrgData {
            trainings: vec![training("p1", TrainingKind::PhishingSimulation, 92)],
            ..Default::default()
        };
        let o = check("training.phishing", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "organisation");
        let data = OrgData {
            trainings: vec![
                training("p1", TrainingKind::PhishingSimulation, 93),
                training("p1", TrainingKind::SecurityAwareness, 1),
            ],
            ..Default::default()
        };
        let o = check("training.phishing", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Test Org") && o.reason.contains("93 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn phishing_without_simulation_is_insufficient() {
        let data = OrgData {
            trainings: vec![training("p1", TrainingKind::SecurityAwareness, 1)],
            ..Default::default()
        };
        assert_eq!(
            check("training.phishing", &data).status,
            Status::InsufficientEvidence
        );
    }

    // --- training.onboarding -------------------------------------------------

    #[test]
    fn onboarding_within_window_of_joining_passes() {
        let mut p = staff("p1");
        p.joined = Some(days_ago(60));
        let data = OrgData {
            people: vec![p],
            trainings: vec![training("p1", TrainingKind::Onboarding, 30)], // 30 days after joining
            ..Default::default()
        };
        let o = check("training.onboarding", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn onboarding_missing_fails_naming_person() {
        let mut p = staff("p1");
        p.joined = Some(days_ago(60));
        let mut late = staff("p2");
        late.joined = Some(days_ago(60));
        let data = OrgData {
            people: vec![p, late],
            trainings: vec![training("p2", TrainingKind::Onboarding, 29)], // 31 days after
            ..Default::default()
        };
        let o = check("training.onboarding", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("p1 name"), "{}", o.reason);
        assert_eq!(status_of(&o, "p2"), Status::Fail);
    }

    #[test]
    fn onboarding_new_starter_still_inside_window_passes() {
        let mut p = staff("p1");
        p.joined = Some(days_ago(10));
        let data = OrgData {
            people: vec![p],
            ..Default::default()
        };
        let o = check("training.onboarding", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources[0].reason.contains("due by"));
    }

    #[test]
    fn onboarding_no_recent_joiners_passes_no_staff_is_insufficient() {
        let data = OrgData {
            people: vec![staff("p1")],
            ..Default::default()
        };
        let o = check("training.onboarding", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources.is_empty());
        assert_eq!(
            check("training.onboarding", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
        let mut undated = staff("p1");
        undated.joined = None;
        let data = OrgData {
            people: vec![undated],
            ..Default::default()
        };
        assert_eq!(
            check("training.onboarding", &data).status,
            Status::InsufficientEvidence
        );
    }

    // --- assessments.recent and scans.cadence -------------------------------

    fn assessment(id: &str, kind: AssessmentKind, days: u64) -> Assessment {
        let mut a = example::<Assessment>(id);
        a.kind = kind;
        a.title = format!("{id} title");
        a.performed_on = days_ago(days);
        a
    }

    #[test]
    fn assessments_recent_max_age_as_number() {
        let data = OrgData {
            assessments: vec![assessment("pt", AssessmentKind::PenTest, 200)],
            ..Default::default()
        };
        let o = run(
            "assessments.recent",
            &data,
            NOW,
            json!({"kind": "pen_test", "max_age": 200}),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = run(
            "assessments.recent",
            &data,
            NOW,
            json!({"kind": "pen_test", "max_age": 199}),
        );
        assert_eq!(o.status, Status::Stale);
        assert!(o.reason.contains("pt title"), "{}", o.reason);
    }

    #[test]
    fn assessments_recent_max_age_as_parameter_name() {
        let data = OrgData {
            assessments: vec![assessment("pt", AssessmentKind::PenTest, 365)],
            ..Default::default()
        };
        let args = json!({"kind": ["pen_test"], "max_age": "pen_test_days"});
        assert_eq!(
            run("assessments.recent", &data, NOW, args.clone()).status,
            Status::Pass
        );
        let params = Params {
            pen_test_days: 364,
            ..Params::default()
        };
        assert_eq!(
            run_with("assessments.recent", &data, NOW, args, &params).status,
            Status::Stale
        );
    }

    #[test]
    fn assessments_recent_each_kind_and_missing_kind_is_insufficient() {
        let data = OrgData {
            assessments: vec![
                assessment("old", AssessmentKind::TabletopExercise, 500),
                assessment("new", AssessmentKind::TabletopExercise, 20),
            ],
            ..Default::default()
        };
        let o = run(
            "assessments.recent",
            &data,
            NOW,
            json!({"kind": ["tabletop_exercise", "dr_exercise"], "max_age": "exercise_days"}),
        );
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert_eq!(status_of(&o, "new"), Status::Pass);
        assert_eq!(status_of(&o, "dr_exercise"), Status::InsufficientEvidence);
    }

    #[test]
    fn assessments_recent_any_kind_is_enough_when_asked() {
        let data = OrgData {
            assessments: vec![assessment("new", AssessmentKind::TabletopExercise, 20)],
            ..Default::default()
        };
        let args = json!({"kind": ["dr_exercise", "tabletop_exercise"], "max_age": "exercise_days", "any": true});
        let o = run("assessments.recent", &data, NOW, args.clone());
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let mut old = data.clone();
        old.assessments[0].performed_on = days_ago(400);
        assert_eq!(
            run("assessments.recent", &old, NOW, args).status,
            Status::Stale
        );
    }

    #[test]
    fn assessments_recent_bad_arguments_are_errors() {
        let data = OrgData::default();
        for (args, name) in [
            (json!({"kind": "pen_test", "max_age": true}), "max_age"),
            (
                json!({"kind": "pen_test", "max_age": "no_such_param"}),
                "max_age",
            ),
            (json!({"kind": "pen_test"}), "max_age"),
            (json!({"kind": 7, "max_age": 30}), "kind"),
            (json!({"kind": "audit", "max_age": 30}), "kind"),
            (json!({"max_age": 30}), "kind"),
        ] {
            let o = run("assessments.recent", &data, NOW, args.clone());
            assert_eq!(o.status, Status::Error, "{args}");
            assert!(o.reason.contains(name), "{args}: {}", o.reason);
        }
    }

    #[test]
    fn scans_cadence_pass_stale_and_missing() {
        let both = OrgData {
            assessments: vec![
                assessment("int", AssessmentKind::InternalScan, 31),
                assessment("ext", AssessmentKind::ExternalScan, 5),
            ],
            ..Default::default()
        };
        assert_eq!(check("scans.cadence", &both).status, Status::Pass);
        let mut stale = both.clone();
        stale.assessments[0].performed_on = days_ago(32);
        let o = check("scans.cadence", &stale);
        assert_eq!(o.status, Status::Stale);
        assert!(
            o.reason.contains("int title") && o.reason.contains("32 days"),
            "{}",
            o.reason
        );
        let mut missing = both.clone();
        missing.assessments.remove(1);
        let o = check("scans.cadence", &missing);
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert!(o.reason.contains("external_scan"), "{}", o.reason);
        assert_eq!(
            check("scans.cadence", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- risks, vendors, licences --------------------------------------------

    #[test]
    fn risks_reviewed_pass_and_fail() {
        let mut r = example::<RiskEntry>("r1");
        r.last_reviewed = Some(days_ago(365));
        let data = OrgData {
            risks: vec![r.clone()],
            ..Default::default()
        };
        assert_eq!(check("risks.reviewed", &data).status, Status::Pass);
        r.last_reviewed = Some(days_ago(366));
        let data = OrgData {
            risks: vec![r.clone()],
            ..Default::default()
        };
        let o = check("risks.reviewed", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Loss of RMM platform") && o.reason.contains("366 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn risks_high_without_treatment_fails() {
        let mut r = example::<RiskEntry>("r1");
        r.last_reviewed = Some(days_ago(10));
        r.treatment = None;
        let data = OrgData {
            risks: vec![r.clone()],
            ..Default::default()
        };
        let o = check("risks.reviewed", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("without a treatment"), "{}", o.reason);
        r.rating = Level::Medium;
        let data = OrgData {
            risks: vec![r],
            ..Default::default()
        };
        assert_eq!(check("risks.reviewed", &data).status, Status::Pass);
    }

    #[test]
    fn risks_without_data_are_insufficient() {
        assert_eq!(
            check("risks.reviewed", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn vendors_reviewed_pass_and_fail() {
        let mut v = example::<Vendor>("v1");
        v.last_review = Some(days_ago(365));
        v.attestation_expires = Some(days_ago(0));
        let data = OrgData {
            vendors: vec![v.clone()],
            ..Default::default()
        };
        assert_eq!(check("vendors.reviewed", &data).status, Status::Pass);
        v.attestation_expires = Some(days_ago(1));
        let data = OrgData {
            vendors: vec![v.clone()],
            ..Default::default()
        };
        let o = check("vendors.reviewed", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Backup Cloud Ltd") && o.reason.contains("ISO 27001 expired"),
            "{}",
            o.reason
        );
        v.attestation_expires = None;
        v.last_review = Some(days_ago(366));
        let data = OrgData {
            vendors: vec![v],
            ..Default::default()
        };
        assert_eq!(check("vendors.reviewed", &data).status, Status::Fail);
    }

    #[test]
    fn vendors_only_critical_and_none_is_insufficient() {
        let mut v = example::<Vendor>("v1");
        v.critical = false;
        v.last_review = None;
        let data = OrgData {
            vendors: vec![v],
            ..Default::default()
        };
        assert_eq!(
            check("vendors.reviewed", &data).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn licences_within_entitlement() {
        let mut l = example::<Licence>("l1");
        l.in_use = 50;
        let data = OrgData {
            licences: vec![l.clone()],
            ..Default::default()
        };
        assert_eq!(
            check("licences.within_entitlement", &data).status,
            Status::Pass
        );
        l.in_use = 51;
        let data = OrgData {
            licences: vec![l],
            ..Default::default()
        };
        let o = check("licences.within_entitlement", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Microsoft 365 Business Premium") && o.reason.contains("51 in use"),
            "{}",
            o.reason
        );
        assert_eq!(
            check("licences.within_entitlement", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }
}
