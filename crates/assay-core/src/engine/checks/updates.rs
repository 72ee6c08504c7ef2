//! Checks of the `updates` family: supported and approved software, updates
//! installed within their window, and vulnerabilities fixed in time.

use super::support::{asset_result, assets_by_id, latest_configs};
use super::{CheckCtx, CheckDef, CheckKind, with_args};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{
    AssessmentKind, Asset, ManagedBy, Severity, SoftwareKind, Update, Vulnerability,
};
use chrono::{NaiveDate, TimeDelta};
use std::collections::HashMap;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "software.supported",
        title: "Software still supported by its vendor",
        kind: CheckKind::Automated,
        about: "No in-scope asset runs an operating system, and no software installed on one is, \
                past its vendor support end date; a support end before today fails.",
        run: software_supported,
    },
    CheckDef {
        id: "software.unapproved",
        title: "Only approved software installed",
        kind: CheckKind::Automated,
        about: "Every software install on an active asset is approved (or not marked \
                unapproved); an install marked `approved = false` fails.",
        run: software_unapproved,
    },
    CheckDef {
        id: "updates.automatic",
        title: "Automatic updates enabled",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint and mobile device has automatic updates on; off fails, \
                unrecorded is insufficient evidence.",
        run: updates_automatic,
    },
    CheckDef {
        id: "updates.critical_within_window",
        title: "Critical and high updates installed in time",
        kind: CheckKind::Automated,
        about: "Every critical, high or unknown-severity update (or CVSS 7.0 and above) on an \
                active asset is installed within `patch_window_days` of release; one installed \
                late, or still missing after the window, fails. Arg `scope`: os, app or all.",
        run: updates_critical_within_window,
    },
    CheckDef {
        id: "updates.all_within_window",
        title: "All updates installed in time",
        kind: CheckKind::Automated,
        about: "Every update on an active asset, whatever its severity, is installed within \
                `all_updates_window_days` of release; one installed late, or still missing \
                after the window, fails. Arg `scope`: os, app or all.",
        run: updates_all_within_window,
    },
    CheckDef {
        id: "updates.reporting",
        title: "Patch status reported",
        kind: CheckKind::Automated,
        about: "Every active RMM-managed endpoint reported its configuration, or was seen, \
                within `patch_reporting_days`; one silent for longer fails.",
        run: updates_reporting,
    },
    CheckDef {
        id: "vulns.fix_overdue",
        title: "High and critical vulnerabilities fixed in time",
        kind: CheckKind::Automated,
        about: "Every open vulnerability of CVSS 7 or above, or severity critical or high, is \
                still within `patch_window_days` of its fix becoming available (or its KEV due \
                date, if earlier); an overdue one fails.",
        run: vulns_fix_overdue,
    },
    CheckDef {
        id: "vulns.external_high",
        title: "No high or critical external vulnerabilities",
        kind: CheckKind::Automated,
        about: "A recent external scan (within `scan_interval_days`) and no open external \
                vulnerability of CVSS 7 or above, or severity critical or high; any such finding \
                fails.",
        run: vulns_external_high,
    },
];

/// Active assets by id.
fn active_by_id<'a>(ctx: &'a CheckCtx) -> HashMap<&'a str, &'a Asset> {
    ctx.active_assets().map(|a| (a.id.as_str(), a)).collect()
}

/// `d` plus `days`, if representable.
fn add_days(d: NaiveDate, days: i64) -> Option<NaiveDate> {
    TimeDelta::try_days(days).and_then(|t| d.checked_add_signed(t))
}

fn show_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "beyond the calendar".to_string(), |d| d.to_string())
}

// ---------------------------------------------------------------------------
// Software

/// Software installs run to tens of millions, so passing ones are counted,
/// not listed.
fn software_supported(ctx: &CheckCtx) -> Outcome {
    let today = ctx.today();
    let in_scope: HashMap<&str, &Asset> =
        ctx.in_scope_assets().map(|a| (a.id.as_str(), a)).collect();
    let mut passed = 0;
    let mut listed: Vec<ResourceResult> = Vec::new();
    for a in ctx.in_scope_assets() {
        match a.vendor_support_end {
            Some(end) if end < today => {
                let os = a.os_name.as_deref().unwrap_or("operating system");
                listed.push(asset_result(
                    a,
                    Status::Fail,
                    format!("{os} support ended {end}"),
                ));
            }
            _ => passed += 1,
        }
    }
    for s in &ctx.data.software {
        let Some(a) = in_scope.get(s.asset.as_str()) else {
            continue;
        };
        match s.vendor_support_end {
            Some(end) if end < today => listed.push(ResourceResult::new(
                "software_install",
                &s.id,
                &format!("{} on {}", s.product, a.name),
                Status::Fail,
                format!("{} support ended {end}", s.product),
            )),
            _ => passed += 1,
        }
    }
    Outcome::from_counted("in-scope assets and software installs", passed, listed)
}

/// Passing installs are counted, not listed (see `software_supported`).
fn software_unapproved(ctx: &CheckCtx) -> Outcome {
    let active = active_by_id(ctx);
    let mut passed = 0;
    let mut listed = Vec::new();
    for s in &ctx.data.software {
        let Some(a) = active.get(s.asset.as_str()) else {
            continue;
        };
        if s.approved == Some(false) {
            listed.push(ResourceResult::new(
                "software_install",
                &s.id,
                &format!("{} on {}", s.product, a.name),
                Status::Fail,
                "not on the approved software list",
            ));
        } else {
            passed += 1;
        }
    }
    Outcome::from_counted("software installs on active assets", passed, listed)
}

// ---------------------------------------------------------------------------
// Updates

fn updates_automatic(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .in_scope_assets()
        .filter(|a| a.kind.is_endpoint() || a.kind.is_mobile())
        .map(|a| match a.auto_update {
            Some(true) => asset_result(a, Status::Pass, "automatic updates on"),
            Some(false) => asset_result(a, Status::Fail, "automatic updates off"),
            None => asset_result(
                a,
                Status::InsufficientEvidence,
                "automatic updates not recorded (auto_update empty)",
            ),
        })
        .collect();
    Outcome::from_resources("in-scope endpoints and mobile devices", resources)
}

/// Which update kinds the `scope` argument selects.
#[derive(Clone, Copy)]
enum UpdateScope {
    Os,
    App,
    All,
}

impl UpdateScope {
    fn from_args(ctx: &CheckCtx) -> Result<UpdateScope, String> {
        match ctx.args.str("scope")? {
            None | Some("all") => Ok(UpdateScope::All),
            Some("os") => Ok(UpdateScope::Os),
            Some("app") => Ok(UpdateScope::App),
            Some(other) => Err(format!(
                "argument 'scope' must be 'os', 'app' or 'all', not '{other}'"
            )),
        }
    }

    fn includes(self, kind: SoftwareKind) -> bool {
        match self {
            UpdateScope::All => true,
            UpdateScope::Os => matches!(kind, SoftwareKind::Os | SoftwareKind::Firmware),
            UpdateScope::App => matches!(kind, SoftwareKind::App | SoftwareKind::Extension),
        }
    }

    /// Words for "no … updates recorded".
    fn label(self) -> &'static str {
        match self {
            UpdateScope::All => "updates",
            UpdateScope::Os => "OS and firmware updates",
            UpdateScope::App => "application and extension updates",
        }
    }
}

/// Critical, high or unknown severity, or CVSS 7.0 and above.
fn update_qualifies(u: &Update) -> bool {
    matches!(
        u.severity,
        Severity::Critical | Severity::High | Severity::Unknown
    ) || u.cvss.is_some_and(|c| c >= 7.0)
}

/// Judges one update against a window of `window` days from release.
fn judge_update(ctx: &CheckCtx, u: &Update, asset: &Asset, window: i64) -> ResourceResult {
    let manual_pending = u.requires_manual_config == Some(true) && u.config_applied != Some(true);
    let installed = if manual_pending {
        None
    } else {
        u.installed.map(|t| t.date_naive())
    };
    let released = u.released;
    let (status, reason) = match installed {
        Some(d) => {
            let age = (d - released).num_days();
            if age <= window {
                (
                    Status::Pass,
                    format!("released {released}, installed {d} after {age} days"),
                )
            } else {
                (
                    Status::Fail,
                    format!("released {released}, installed {d} after {age} days (limit {window})"),
                )
            }
        }
        None => {
            let age = ctx.days_since(released);
            let what = if manual_pending && u.installed.is_some() {
                "installed but its manual configuration not applied"
            } else if manual_pending {
                "not installed (manual configuration also needed)"
            } else {
                "not installed"
            };
            if age <= window {
                (
                    Status::Pass,
                    format!(
                        "released {released}, {what}, due by {}",
                        show_date(add_days(released, window))
                    ),
                )
            } else {
                (
                    Status::Fail,
                    format!("released {released}, {what} after {age} days (limit {window})"),
                )
            }
        }
    };
    ResourceResult::new(
        "update",
        &u.id,
        &format!("{} on {}", u.reference, asset.name),
        status,
        reason,
    )
}

/// Updates on active assets in the `scope` argument, judged against
/// `window`, keeping those `qualifies` picks. No updates in scope is
/// insufficient evidence; updates but none qualifying passes.
fn updates_within_window(
    ctx: &CheckCtx,
    window: i64,
    qualifies: fn(&Update) -> bool,
    what: &str,
) -> Result<Outcome, String> {
    let scope = UpdateScope::from_args(ctx)?;
    let active = active_by_id(ctx);
    let mut recorded = 0usize;
    let mut resources = Vec::new();
    for u in ctx.data.updates.iter().filter(|u| scope.includes(u.kind)) {
        let Some(a) = active.get(u.asset.as_str()) else {
            continue;
        };
        recorded += 1;
        if qualifies(u) {
            resources.push(judge_update(ctx, u, a, window));
        }
    }
    if recorded == 0 {
        return Ok(Outcome::insufficient(format!(
            "no {} recorded for active assets",
            scope.label()
        )));
    }
    if resources.is_empty() {
        return Ok(Outcome::pass(format!(
            "{recorded} {} recorded, none {what}",
            scope.label()
        )));
    }
    Ok(Outcome::from_resources(what, resources))
}

fn updates_critical_within_window(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        updates_within_window(
            ctx,
            ctx.params.patch_window_days,
            update_qualifies,
            "critical or high updates",
        )
    })
}

fn updates_all_within_window(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        updates_within_window(ctx, ctx.params.all_updates_window_days, |_| true, "updates")
    })
}

fn updates_reporting(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.patch_reporting_days;
    let configs = latest_configs(ctx.data);
    let resources = ctx
        .active_assets()
        .filter(|a| a.kind.is_endpoint() && a.managed_by == Some(ManagedBy::Rmm))
        .map(|a| {
            let reported = configs.get(a.id.as_str()).map(|c| c.reported_at);
            let latest = reported.max(a.last_seen);
            match latest {
                None => asset_result(a, Status::Fail, "has never reported"),
                Some(t) => {
                    let days = ctx.days_since(t.date_naive());
                    if days > limit {
                        asset_result(
                            a,
                            Status::Fail,
                            format!(
                                "last reported {}, {days} days ago (limit {limit})",
                                t.date_naive()
                            ),
                        )
                    } else {
                        asset_result(a, Status::Pass, format!("last reported {}", t.date_naive()))
                    }
                }
            }
        })
        .collect();
    Outcome::from_resources("active RMM-managed endpoints", resources)
}

// ---------------------------------------------------------------------------
// Vulnerabilities

/// CVSS 7 and above, or severity critical or high.
fn vuln_is_high(v: &Vulnerability) -> bool {
    matches!(v.severity, Severity::Critical | Severity::High) || v.cvss.is_some_and(|c| c >= 7.0)
}

/// The asset or target a vulnerability was found on, for its name.
fn vuln_name(v: &Vulnerability, asset: Option<&Asset>) -> String {
    let on = asset
        .map(|a| a.name.as_str())
        .or(v.target.as_deref())
        .or(v.asset.as_deref())
        .unwrap_or("unknown target");
    format!("{} on {on}", v.cve)
}

/// Whether an assessment of one of `kinds` was performed within the scan
/// interval.
fn recent_scan(ctx: &CheckCtx, kinds: &[AssessmentKind]) -> bool {
    let limit = ctx.params.scan_interval_days;
    ctx.data
        .assessments
        .iter()
        .any(|s| kinds.contains(&s.kind) && ctx.days_since(s.performed_on) <= limit)
}

fn vulns_fix_overdue(ctx: &CheckCtx) -> Outcome {
    let window = ctx.params.patch_window_days;
    let today = ctx.today();
    let assets = assets_by_id(ctx);
    let mut resources = Vec::new();
    for v in ctx
        .data
        .vulnerabilities
        .iter()
        .filter(|v| v.remediated.is_none() && vuln_is_high(v))
    {
        let asset = v.asset.as_deref().and_then(|id| assets.get(id).copied());
        // On an active asset, or an external target not in the inventory.
        let counted = match asset {
            Some(a) => a.lifecycle == crate::records::Lifecycle::Active,
            None => v.external || v.target.is_some(),
        };
        if !counted {
            continue;
        }
        let (base, from) = match v.fix_available_since {
            Some(d) => (d, "fix available since"),
            None => (v.first_seen.date_naive(), "no fix date; first seen"),
        };
        let mut due = add_days(base, window);
        let mut kev_note = "";
        if v.kev
            && let Some(k) = v.kev_due
            && due.is_none_or(|d| k < d)
        {
            due = Some(k);
            kev_note = " (KEV due date)";
        }
        let (status, reason) = match due {
            Some(d) if today > d => (
                Status::Fail,
                format!(
                    "{from} {base}, due {d}{kev_note}, overdue by {} days",
                    (today - d).num_days()
                ),
            ),
            due => (
                Status::Pass,
                format!("{from} {base}, due {}{kev_note}", show_date(due)),
            ),
        };
        resources.push(ResourceResult::new(
            "vulnerability",
            &v.id,
            &vuln_name(v, asset),
            status,
            reason,
        ));
    }
    if resources.is_empty() {
        let scanned = recent_scan(
            ctx,
            &[AssessmentKind::InternalScan, AssessmentKind::ExternalScan],
        );
        return if !ctx.data.vulnerabilities.is_empty() {
            Outcome::pass("no open high or critical vulnerabilities")
        } else if scanned {
            Outcome::pass("a recent vulnerability scan found no vulnerabilities")
        } else {
            Outcome::insufficient(format!(
                "no vulnerability records and no vulnerability scan within {} days",
                ctx.params.scan_interval_days
            ))
        };
    }
    Outcome::from_resources("open high or critical vulnerabilities", resources)
}

fn vulns_external_high(ctx: &CheckCtx) -> Outcome {
    let assets = assets_by_id(ctx);
    let resources: Vec<ResourceResult> = ctx
        .data
        .vulnerabilities
        .iter()
        .filter(|v| v.external && v.remediated.is_none())
        .map(|v| {
            let asset = v.asset.as_deref().and_then(|id| assets.get(id).copied());
            let score = v
                .cvss
                .map_or_else(|| "no CVSS".to_string(), |c| format!("CVSS {c}"));
            let (status, reason) = if vuln_is_high(v) {
                (
                    Status::Fail,
                    format!("open external {} vulnerability ({score})", v.severity),
                )
            } else {
                (
                    Status::Pass,
                    format!("open external {} vulnerability ({score})", v.severity),
                )
            };
            ResourceResult::new("vulnerability", &v.id, &vuln_name(v, asset), status, reason)
        })
        .collect();
    let failing = resources.iter().any(|r| r.status == Status::Fail);
    if !failing && !recent_scan(ctx, &[AssessmentKind::ExternalScan]) {
        return Outcome::insufficient(format!(
            "no external vulnerability scan within {} days",
            ctx.params.scan_interval_days
        ))
        .with_resources(resources);
    }
    if resources.is_empty() {
        return Outcome::pass("a recent external scan found no open vulnerabilities");
    }
    Outcome::from_resources("open external vulnerabilities", resources)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        NOW, assert_fails, assert_registered_once, assert_status, asset, check, check_with, date,
        example, laptop, run, time,
    };
    use crate::engine::outcome::{Outcome, Status};
    use crate::params::Params;
    use crate::records::{
        Assessment, AssessmentKind, AssetKind, EndpointConfig, Lifecycle, ManagedBy, OrgData,
        Severity, SoftwareInstall, SoftwareKind, Update, Vulnerability,
    };
    use serde_json::json;

    fn install(id: &str, asset: &str, product: &str) -> SoftwareInstall {
        let mut s = example::<SoftwareInstall>(id);
        s.asset = asset.into();
        s.product = product.into();
        s
    }

    /// A critical OS update on `asset` released on `released`, not installed.
    fn update(id: &str, asset: &str, reference: &str, released: &str) -> Update {
        let mut u = example::<Update>(id);
        u.asset = asset.into();
        u.reference = reference.into();
        u.released = date(released);
        u.installed = None;
        u
    }

    fn vuln(id: &str, asset: &str, cve: &str) -> Vulnerability {
        let mut v = example::<Vulnerability>(id);
        v.asset = Some(asset.into());
        v.cve = cve.into();
        v
    }

    /// A high vulnerability on `asset` with a fix available since `since`.
    fn high_vuln(id: &str, asset: &str, cve: &str, since: &str) -> Vulnerability {
        let mut v = vuln(id, asset, cve);
        v.severity = Severity::High;
        v.cvss = Some(8.1);
        v.fix_available_since = Some(date(since));
        v
    }

    fn scan(id: &str, kind: AssessmentKind, on: &str) -> Assessment {
        let mut s = example::<Assessment>(id);
        s.kind = kind;
        s.performed_on = date(on);
        s
    }

    fn check_scope(id: &str, data: &OrgData, scope: serde_json::Value) -> Outcome {
        run(id, data, NOW, json!({ "scope": scope }))
    }

    fn with_updates(updates: Vec<Update>) -> OrgData {
        OrgData {
            assets: vec![laptop("a1", "LAP-0001")],
            updates,
            ..OrgData::default()
        }
    }

    fn with_vulns(vulnerabilities: Vec<Vulnerability>, assessments: Vec<Assessment>) -> OrgData {
        OrgData {
            assets: vec![laptop("a1", "LAP-0001")],
            vulnerabilities,
            assessments,
            ..OrgData::default()
        }
    }

    #[test]
    fn every_check_is_registered_once() {
        assert_registered_once(
            super::CHECKS,
            &[
                "software.supported",
                "software.unapproved",
                "updates.automatic",
                "updates.critical_within_window",
                "updates.all_within_window",
                "updates.reporting",
                "vulns.fix_overdue",
                "vulns.external_high",
            ],
        );
    }

    // -- software.supported

    #[test]
    fn software_supported_passes_supported_os_and_software() {
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001")],
            software: vec![install("s1", "a1", "Google Chrome")],
            ..OrgData::default()
        };
        let o = check("software.supported", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(
            (o.passed, o.resources.len()),
            (2, 0),
            "passing rows are counted, not listed"
        );

        let mut ended = data.clone();
        ended.software[0].vendor_support_end = Some(date("2026-01-01"));
        let o = check("software.supported", &ended);
        assert_status(&o, Status::Fail);
        assert_eq!(o.passed, 1);
        assert!(
            o.resources
                .iter()
                .any(|r| r.kind == "software_install" && r.name == "Google Chrome on LAP-0001")
        );
    }

    #[test]
    fn software_supported_end_today_passes_yesterday_fails() {
        let mut a = laptop("a1", "LAP-0001");
        a.vendor_support_end = Some(date("2026-11-23"));
        let data = OrgData {
            assets: vec![a.clone()],
            ..OrgData::default()
        };
        assert_status(&check("software.supported", &data), Status::Pass);
        a.vendor_support_end = Some(date("2026-11-22"));
        a.os_name = Some("Windows 10 Pro".into());
        let data = OrgData {
            assets: vec![a],
            ..OrgData::default()
        };
        assert_fails(
            &check("software.supported", &data),
            "LAP-0001",
            "Windows 10 Pro support ended 2026-11-22",
        );
    }

    #[test]
    fn software_supported_fails_unsupported_software_on_in_scope_assets_only() {
        let mut old = install("s1", "a1", "Adobe Flash Player");
        old.vendor_support_end = Some(date("2020-12-31"));
        let mut out = laptop("a2", "LAP-0002");
        out.in_scope = Some(false);
        let mut old2 = install("s2", "a2", "Java 6");
        old2.vendor_support_end = Some(date("2013-02-01"));
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001"), out],
            software: vec![old, old2],
            ..OrgData::default()
        };
        let o = check("software.supported", &data);
        assert_fails(
            &o,
            "Adobe Flash Player on LAP-0001",
            "support ended 2020-12-31",
        );
        assert!(!o.resources.iter().any(|r| r.id == "s2" || r.id == "a2"));
    }

    #[test]
    fn software_supported_without_assets_is_insufficient() {
        assert_status(
            &check("software.supported", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- software.unapproved

    #[test]
    fn software_unapproved_pass_and_fail() {
        let mut unknown = install("s2", "a1", "7-Zip");
        unknown.approved = None;
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001")],
            software: vec![install("s1", "a1", "Google Chrome"), unknown],
            ..OrgData::default()
        };
        assert_status(&check("software.unapproved", &data), Status::Pass);
        let mut bad = install("s3", "a1", "uTorrent");
        bad.approved = Some(false);
        let mut data = data;
        data.software.push(bad);
        assert_fails(
            &check("software.unapproved", &data),
            "uTorrent on LAP-0001",
            "not on the approved software list",
        );
    }

    #[test]
    fn software_unapproved_without_software_on_active_assets_is_insufficient() {
        let mut retired = laptop("a1", "LAP-0001");
        retired.lifecycle = Lifecycle::Retired;
        let mut bad = install("s1", "a1", "uTorrent");
        bad.approved = Some(false);
        let data = OrgData {
            assets: vec![retired],
            software: vec![bad],
            ..OrgData::default()
        };
        assert_status(
            &check("software.unapproved", &data),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("software.unapproved", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- updates.automatic

    #[test]
    fn updates_automatic_pass_fail_and_unrecorded() {
        let phone = asset("p1", "PHONE-1", AssetKind::Phone);
        let mut switch = asset("s1", "SW-01", AssetKind::Switch);
        switch.auto_update = Some(false);
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001"), phone, switch],
            ..OrgData::default()
        };
        let o = check("updates.automatic", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
        let mut off = laptop("a2", "LAP-0002");
        off.auto_update = Some(false);
        let mut unknown = laptop("a3", "LAP-0003");
        unknown.auto_update = None;
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001"), off, unknown.clone()],
            ..OrgData::default()
        };
        assert_fails(
            &check("updates.automatic", &data),
            "LAP-0002",
            "automatic updates off",
        );
        let data = OrgData {
            assets: vec![unknown],
            ..OrgData::default()
        };
        assert_status(
            &check("updates.automatic", &data),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("updates.automatic", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- updates.critical_within_window

    #[test]
    fn critical_not_installed_14_days_passes_15_fails() {
        let id = "updates.critical_within_window";
        let o = check(
            id,
            &with_updates(vec![update("u1", "a1", "KB5046617", "2026-11-09")]),
        );
        assert_status(&o, Status::Pass);
        assert!(
            o.resources[0].reason.contains("due by 2026-11-23"),
            "{:?}",
            o.resources
        );
        assert_eq!(o.resources[0].kind, "update");
        assert_eq!(o.resources[0].name, "KB5046617 on LAP-0001");
        let o = check(
            id,
            &with_updates(vec![update("u1", "a1", "KB5046617", "2026-11-08")]),
        );
        assert_fails(
            &o,
            "KB5046617 on LAP-0001",
            "released 2026-11-08, not installed after 15 days (limit 14)",
        );
    }

    #[test]
    fn critical_installed_on_day_14_passes_day_15_fails() {
        let id = "updates.critical_within_window";
        let mut u = update("u1", "a1", "KB5044284", "2026-10-01");
        u.installed = Some(time("2026-10-15T23:30:00Z"));
        assert_status(&check(id, &with_updates(vec![u.clone()])), Status::Pass);
        u.installed = Some(time("2026-10-16T00:30:00Z"));
        assert_fails(
            &check(id, &with_updates(vec![u])),
            "KB5044284 on LAP-0001",
            "after 15 days (limit 14)",
        );
    }

    #[test]
    fn critical_unknown_severity_qualifies() {
        let mut u = update("u1", "a1", "KB1", "2026-09-01");
        u.severity = Severity::Unknown;
        u.cvss = None;
        assert_fails(
            &check("updates.critical_within_window", &with_updates(vec![u])),
            "KB1 on LAP-0001",
            "not installed",
        );
    }

    #[test]
    fn critical_cvss_7_qualifies_6_9_medium_does_not() {
        let id = "updates.critical_within_window";
        let mut u = update("u1", "a1", "KB1", "2026-09-01");
        u.severity = Severity::Medium;
        u.cvss = Some(7.0);
        assert_status(&check(id, &with_updates(vec![u.clone()])), Status::Fail);
        u.cvss = Some(6.9);
        let o = check(id, &with_updates(vec![u]));
        assert_status(&o, Status::Pass);
        assert!(o.reason.contains("none critical or high"), "{}", o.reason);
        assert!(o.resources.is_empty());
    }

    #[test]
    fn critical_manual_config_not_applied_counts_as_not_installed() {
        let id = "updates.critical_within_window";
        let mut u = update("u1", "a1", "KB2", "2026-10-01");
        u.installed = Some(time("2026-10-02T02:00:00Z"));
        u.requires_manual_config = Some(true);
        u.config_applied = None;
        assert_fails(
            &check(id, &with_updates(vec![u.clone()])),
            "KB2 on LAP-0001",
            "manual configuration not applied",
        );
        u.config_applied = Some(false);
        assert_status(&check(id, &with_updates(vec![u.clone()])), Status::Fail);
        u.config_applied = Some(true);
        assert_status(&check(id, &with_updates(vec![u])), Status::Pass);
    }

    #[test]
    fn critical_scope_os_vs_app() {
        let id = "updates.critical_within_window";
        let os = update("u1", "a1", "KB1", "2026-11-20");
        let mut app = update("u2", "a1", "Chrome 131", "2026-09-01");
        app.kind = SoftwareKind::App;
        let mut fw = update("u3", "a1", "BIOS 1.2", "2026-11-20");
        fw.kind = SoftwareKind::Firmware;
        let data = with_updates(vec![os, app, fw]);
        let o = check_scope(id, &data, json!("os"));
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
        assert_fails(
            &check_scope(id, &data, json!("app")),
            "Chrome 131 on LAP-0001",
            "not installed",
        );
        assert_status(&check_scope(id, &data, json!("all")), Status::Fail);
        assert_status(&check(id, &data), Status::Fail);
        // Only app updates recorded: no OS evidence.
        let mut app_only = update("u2", "a1", "Chrome 131", "2026-11-20");
        app_only.kind = SoftwareKind::Extension;
        let data = with_updates(vec![app_only]);
        assert_status(
            &check_scope(id, &data, json!("os")),
            Status::InsufficientEvidence,
        );
        assert_status(&check_scope(id, &data, json!("app")), Status::Pass);
    }

    #[test]
    fn critical_bad_scope_is_an_error_naming_it() {
        let id = "updates.critical_within_window";
        let data = with_updates(vec![update("u1", "a1", "KB1", "2026-11-20")]);
        for bad in [json!("drivers"), json!(3)] {
            let o = check_scope(id, &data, bad);
            assert_status(&o, Status::Error);
            assert!(o.reason.contains("scope"), "{}", o.reason);
        }
    }

    #[test]
    fn critical_without_updates_is_insufficient() {
        let id = "updates.critical_within_window";
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
        let mut u = update("u1", "a2", "KB1", "2026-01-01");
        u.asset = "retired".into();
        let mut retired = laptop("retired", "LAP-OLD");
        retired.lifecycle = Lifecycle::Retired;
        let data = OrgData {
            assets: vec![retired],
            updates: vec![u],
            ..OrgData::default()
        };
        assert_status(&check(id, &data), Status::InsufficientEvidence);
    }

    #[test]
    fn critical_client_override_of_patch_window() {
        let id = "updates.critical_within_window";
        let data = with_updates(vec![update("u1", "a1", "KB1", "2026-11-08")]);
        assert_status(&check(id, &data), Status::Fail);
        let params = Params {
            patch_window_days: 30,
            ..Params::default()
        };
        assert_status(&check_with(id, &data, &params), Status::Pass);
    }

    // -- updates.all_within_window

    #[test]
    fn all_within_window_judges_every_severity() {
        let id = "updates.all_within_window";
        let mut low = update("u1", "a1", "KB-LOW", "2026-11-09");
        low.severity = Severity::Low;
        low.cvss = None;
        assert_status(&check(id, &with_updates(vec![low.clone()])), Status::Pass);
        low.released = date("2026-11-08");
        let data = with_updates(vec![low]);
        assert_fails(
            &check(id, &data),
            "KB-LOW on LAP-0001",
            "not installed after 15 days (limit 14)",
        );
        let params = Params {
            all_updates_window_days: 30,
            ..Params::default()
        };
        assert_status(&check_with(id, &data, &params), Status::Pass);
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- updates.reporting

    fn reporting_data(config_at: Option<&str>, last_seen: Option<&str>) -> OrgData {
        let mut a = laptop("a1", "LAP-0001");
        a.last_seen = last_seen.map(time);
        let configs = config_at
            .map(|t| {
                let mut c = example::<EndpointConfig>("c1");
                c.asset = "a1".into();
                c.reported_at = time(t);
                vec![c]
            })
            .unwrap_or_default();
        OrgData {
            assets: vec![a],
            endpoint_configs: configs,
            ..OrgData::default()
        }
    }

    #[test]
    fn reporting_7_days_passes_8_fails() {
        let id = "updates.reporting";
        let o = check(id, &reporting_data(Some("2026-11-16T00:00:00Z"), None));
        assert_status(&o, Status::Pass);
        let data = reporting_data(Some("2026-11-15T23:00:00Z"), None);
        assert_fails(&check(id, &data), "LAP-0001", "8 days ago (limit 7)");
        let params = Params {
            patch_reporting_days: 10,
            ..Params::default()
        };
        assert_status(&check_with(id, &data, &params), Status::Pass);
    }

    #[test]
    fn reporting_last_seen_also_counts_and_never_fails() {
        let id = "updates.reporting";
        let data = reporting_data(Some("2026-10-01T00:00:00Z"), Some("2026-11-22T08:00:00Z"));
        assert_status(&check(id, &data), Status::Pass);
        assert_fails(
            &check(id, &reporting_data(None, None)),
            "LAP-0001",
            "never reported",
        );
    }

    #[test]
    fn reporting_needs_rmm_managed_endpoints() {
        let id = "updates.reporting";
        let mut a = laptop("a1", "LAP-0001");
        a.managed_by = Some(ManagedBy::None);
        let phone = asset("p1", "PHONE-1", AssetKind::Phone);
        let data = OrgData {
            assets: vec![a, phone],
            ..OrgData::default()
        };
        assert_status(&check(id, &data), Status::InsufficientEvidence);
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- vulns.fix_overdue

    #[test]
    fn fix_overdue_14_days_passes_15_fails() {
        let id = "vulns.fix_overdue";
        let data = with_vulns(
            vec![high_vuln("v1", "a1", "CVE-2026-0001", "2026-11-09")],
            vec![],
        );
        let o = check(id, &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources[0].kind, "vulnerability");
        assert_eq!(o.resources[0].name, "CVE-2026-0001 on LAP-0001");
        let data = with_vulns(
            vec![high_vuln("v1", "a1", "CVE-2026-0001", "2026-11-08")],
            vec![],
        );
        assert_fails(
            &check(id, &data),
            "CVE-2026-0001 on LAP-0001",
            "due 2026-11-22, overdue by 1 days",
        );
        let params = Params {
            patch_window_days: 15,
            ..Params::default()
        };
        assert_status(&check_with(id, &data, &params), Status::Pass);
    }

    #[test]
    fn fix_overdue_kev_due_date_wins_when_earlier() {
        let mut v = high_vuln("v1", "a1", "CVE-2026-0002", "2026-11-20");
        v.kev = true;
        v.kev_due = Some(date("2026-11-22"));
        let o = check("vulns.fix_overdue", &with_vulns(vec![v.clone()], vec![]));
        assert_fails(&o, "CVE-2026-0002 on LAP-0001", "KEV");
        v.kev = false;
        assert_status(
            &check("vulns.fix_overdue", &with_vulns(vec![v], vec![])),
            Status::Pass,
        );
    }

    #[test]
    fn fix_overdue_without_fix_date_counts_from_first_seen() {
        let mut v = high_vuln("v1", "a1", "CVE-2026-0003", "2026-11-20");
        v.fix_available_since = None;
        v.first_seen = time("2026-11-01T00:00:00Z");
        assert_fails(
            &check("vulns.fix_overdue", &with_vulns(vec![v], vec![])),
            "CVE-2026-0003",
            "first seen 2026-11-01",
        );
    }

    #[test]
    fn fix_overdue_ignores_medium_remediated_and_inactive() {
        let id = "vulns.fix_overdue";
        let medium = vuln("v1", "a1", "CVE-2026-0004"); // cvss 6.5, medium
        let mut fixed = high_vuln("v2", "a1", "CVE-2026-0005", "2026-01-01");
        fixed.remediated = Some(date("2026-01-10"));
        let mut on_retired = high_vuln("v3", "r1", "CVE-2026-0006", "2026-01-01");
        on_retired.asset = Some("r1".into());
        let mut retired = laptop("r1", "LAP-OLD");
        retired.lifecycle = Lifecycle::Retired;
        let mut data = with_vulns(vec![medium, fixed, on_retired], vec![]);
        data.assets.push(retired);
        let o = check(id, &data);
        assert_status(&o, Status::Pass);
        assert!(o.resources.is_empty());
    }

    #[test]
    fn fix_overdue_counts_external_targets() {
        let mut v = high_vuln("v1", "a1", "CVE-2026-0007", "2026-10-01");
        v.asset = None;
        v.target = Some("203.0.113.10".into());
        v.external = true;
        assert_fails(
            &check("vulns.fix_overdue", &with_vulns(vec![v], vec![])),
            "CVE-2026-0007 on 203.0.113.10",
            "overdue",
        );
    }

    #[test]
    fn fix_overdue_needs_vulnerabilities_or_a_recent_scan() {
        let id = "vulns.fix_overdue";
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
        // scan_interval_days 31: a scan 31 days ago counts, 32 does not.
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::InternalScan, "2026-10-23")],
        );
        assert_status(&check(id, &data), Status::Pass);
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::InternalScan, "2026-10-22")],
        );
        assert_status(&check(id, &data), Status::InsufficientEvidence);
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::PenTest, "2026-11-20")],
        );
        assert_status(&check(id, &data), Status::InsufficientEvidence);
    }

    // -- vulns.external_high

    fn external(v: Vulnerability) -> Vulnerability {
        Vulnerability {
            external: true,
            ..v
        }
    }

    #[test]
    fn external_high_passes_with_recent_scan_and_no_high_findings() {
        let id = "vulns.external_high";
        let data = with_vulns(
            vec![external(vuln("v1", "a1", "CVE-2026-0010"))],
            vec![scan("s1", AssessmentKind::ExternalScan, "2026-11-01")],
        );
        let o = check(id, &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 1);
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::ExternalScan, "2026-11-01")],
        );
        assert_status(&check(id, &data), Status::Pass);
    }

    #[test]
    fn external_high_fails_a_high_finding() {
        let id = "vulns.external_high";
        let mut v = external(vuln("v1", "a1", "CVE-2026-0011"));
        v.cvss = Some(7.0);
        let data = with_vulns(
            vec![v.clone()],
            vec![scan("s1", AssessmentKind::ExternalScan, "2026-11-01")],
        );
        assert_fails(&check(id, &data), "CVE-2026-0011 on LAP-0001", "CVSS 7");
        // A known high finding fails even without a recent scan.
        let data = with_vulns(vec![v], vec![]);
        assert_status(&check(id, &data), Status::Fail);
    }

    #[test]
    fn external_high_ignores_internal_and_remediated_findings() {
        let id = "vulns.external_high";
        let internal = high_vuln("v1", "a1", "CVE-2026-0012", "2026-11-01");
        let mut fixed = external(high_vuln("v2", "a1", "CVE-2026-0013", "2026-11-01"));
        fixed.remediated = Some(date("2026-11-10"));
        let data = with_vulns(
            vec![internal, fixed],
            vec![scan("s1", AssessmentKind::ExternalScan, "2026-11-01")],
        );
        assert_status(&check(id, &data), Status::Pass);
    }

    #[test]
    fn external_high_needs_a_recent_external_scan() {
        let id = "vulns.external_high";
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::InternalScan, "2026-11-20")],
        );
        assert_status(&check(id, &data), Status::InsufficientEvidence);
        let data = with_vulns(
            vec![],
            vec![scan("s1", AssessmentKind::ExternalScan, "2026-10-22")],
        );
        assert_status(&check(id, &data), Status::InsufficientEvidence);
        let params = Params {
            scan_interval_days: 92,
            ..Params::default()
        };
        assert_status(&check_with(id, &data, &params), Status::Pass);
    }
}
