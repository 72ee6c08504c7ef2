//! Checks of the `assets` family: the asset inventory, endpoint secure
//! configuration, malware protection and mobile device management.

use super::support::{Findings, asset_result, key, latest_by_asset, latest_configs, org_resource};
use super::{CheckCtx, CheckDef, CheckKind};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{
    Asset, AssetKind, DocumentKind, EndpointConfig, Lifecycle, MalwareMode, MalwareProtection,
    ManagedBy, OrgData, Ownership,
};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "assets.classified",
        title: "Assets classified in or out of scope",
        kind: CheckKind::Automated,
        about: "Every active asset has `in_scope` recorded (true or false); an asset whose scope \
                is not recorded fails.",
        run: assets_classified,
    },
    CheckDef {
        id: "assets.byod_managed",
        title: "BYOD devices managed",
        kind: CheckKind::Automated,
        about: "Every active bring-your-own device is managed by RMM or MDM; an unmanaged one \
                fails. Not applicable when there are no BYOD devices.",
        run: assets_byod_managed,
    },
    CheckDef {
        id: "assets.inventory_current",
        title: "Asset inventory current",
        kind: CheckKind::Automated,
        about: "Every active asset was seen within `asset_seen_days` and has an owner, an \
                operating system (version for network devices) and a vendor support end date; \
                the reason lists what is missing.",
        run: assets_inventory_current,
    },
    CheckDef {
        id: "assets.disposal_certified",
        title: "Disposed assets have destruction certificates",
        kind: CheckKind::Automated,
        about: "Every destroyed asset, and every retired asset with a disposal date, references \
                an existing destruction certificate document; otherwise it fails. Not applicable \
                when nothing was disposed of.",
        run: assets_disposal_certified,
    },
    CheckDef {
        id: "monitoring.agents_online",
        title: "Monitoring agents online",
        kind: CheckKind::Automated,
        about: "Every active RMM-managed asset was last seen within `agent_offline_hours`; an \
                asset silent for longer, or never seen, fails.",
        run: monitoring_agents_online,
    },
    CheckDef {
        id: "billing.reconciled",
        title: "Managed endpoints match the contract",
        kind: CheckKind::Automated,
        about: "The number of active RMM/MDM-managed endpoints and end-user devices differs from \
                the contracted number by at most `billing_tolerance_pct` percent of it; no \
                contracted figure is insufficient evidence.",
        run: billing_reconciled,
    },
    CheckDef {
        id: "endpoint.host_firewall",
        title: "Host firewall enabled",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint's latest configuration report has the host firewall on; \
                off fails, no report is insufficient evidence.",
        run: endpoint_host_firewall,
    },
    CheckDef {
        id: "endpoint.guest_default_accounts",
        title: "Guest and default accounts disabled",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint reports the guest account and default accounts \
                disabled; either enabled fails.",
        run: endpoint_guest_default_accounts,
    },
    CheckDef {
        id: "endpoint.local_admin_password_managed",
        title: "Local administrator passwords managed",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint has its local administrator password rotated by a tool \
                (LAPS or similar); unmanaged fails.",
        run: endpoint_local_admin_password_managed,
    },
    CheckDef {
        id: "endpoint.autorun_disabled",
        title: "Auto-run disabled",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint reports auto-run/auto-play disabled; enabled fails.",
        run: endpoint_autorun_disabled,
    },
    CheckDef {
        id: "endpoint.device_lock",
        title: "Device lock configured",
        kind: CheckKind::Automated,
        about: "Every in-scope end-user device has a screen lock with an unlock PIN/password of \
                at least 6 characters and locks after at most 10 failed attempts (an empty \
                attempt limit is the vendor default and accepted).",
        run: endpoint_device_lock,
    },
    CheckDef {
        id: "endpoint.disk_encryption",
        title: "Disks encrypted",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint and mobile device reports its disk encrypted; \
                unencrypted fails.",
        run: endpoint_disk_encryption,
    },
    CheckDef {
        id: "endpoint.admin_separation",
        title: "Daily-use accounts are not local administrators",
        kind: CheckKind::Automated,
        about: "No in-scope endpoint has an enabled user account (by username or the part \
                before `@`, case-insensitive) among its local administrators.",
        run: endpoint_admin_separation,
    },
    CheckDef {
        id: "malware.coverage",
        title: "Malware protection on every device",
        kind: CheckKind::Automated,
        about: "Every in-scope endpoint and mobile device has healthy anti-malware or \
                allow-listing; a mobile device restricted to managed apps also passes. No \
                protection fails, no report is insufficient evidence.",
        run: malware_coverage,
    },
    CheckDef {
        id: "malware.configuration",
        title: "Anti-malware configured and up to date",
        kind: CheckKind::Automated,
        about: "Every active asset protected by anti-malware has real-time and web protection \
                on, signatures newer than `signature_max_age_hours` and an engine newer than \
                `engine_max_age_days`.",
        run: malware_configuration,
    },
    CheckDef {
        id: "malware.allow_listing",
        title: "Application allow-listing enforced",
        kind: CheckKind::Automated,
        about: "Every active asset protected by application allow-listing has it enforced. Not \
                applicable when no asset relies on allow-listing.",
        run: malware_allow_listing,
    },
    CheckDef {
        id: "mobile.managed",
        title: "Mobile devices managed and locked down",
        kind: CheckKind::Automated,
        about: "Every active phone and tablet is MDM-enrolled, screen-locked with a PIN of at \
                least 6 characters, encrypted, limited to managed apps and not jailbroken. Not \
                applicable when there are no mobile devices.",
        run: mobile_managed,
    },
];

// ---------------------------------------------------------------------------
// Helpers

/// The latest `malware_protection` per asset id.
fn latest_malware(data: &OrgData) -> HashMap<&str, &MalwareProtection> {
    latest_by_asset(&data.malware, |m| &m.asset, |m| m.reported_at)
}

/// The findings on an asset as its result.
fn asset_findings(a: &Asset, f: Findings, pass: &str) -> ResourceResult {
    let (status, reason) = f.verdict(pass);
    asset_result(a, status, reason)
}

/// A timestamp for a reason: `2026-11-22 06:00 UTC`.
fn show_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn is_rmm_or_mdm(m: Option<ManagedBy>) -> bool {
    matches!(m, Some(ManagedBy::Rmm | ManagedBy::Mdm))
}

/// Judges the latest endpoint configuration of every in-scope asset that
/// `select` picks; an asset without a configuration report is insufficient
/// evidence.
fn config_check(
    ctx: &CheckCtx,
    what: &str,
    select: fn(&Asset) -> bool,
    pass: &str,
    judge: impl Fn(&EndpointConfig, &mut Findings),
) -> Outcome {
    let configs = latest_configs(ctx.data);
    let resources = ctx
        .in_scope_assets()
        .filter(|a| select(a))
        .map(|a| match configs.get(a.id.as_str()) {
            None => asset_result(
                a,
                Status::InsufficientEvidence,
                "no endpoint configuration reported",
            ),
            Some(c) => {
                let mut f = Findings::default();
                judge(c, &mut f);
                asset_findings(a, f, pass)
            }
        })
        .collect();
    Outcome::from_resources(what, resources)
}

fn endpoint(a: &Asset) -> bool {
    a.kind.is_endpoint()
}

fn endpoint_or_mobile(a: &Asset) -> bool {
    a.kind.is_endpoint() || a.kind.is_mobile()
}

fn end_user_device(a: &Asset) -> bool {
    a.kind.is_end_user_device()
}

const MIN_UNLOCK_LENGTH: i64 = 6;
const MAX_FAILED_UNLOCKS: i64 = 10;

/// Screen lock and unlock length, and with `attempts` the failed-unlock
/// limit (empty is the vendor default and accepted).
fn judge_lock(c: &EndpointConfig, f: &mut Findings, attempts: bool) {
    f.flag(
        c.screen_lock,
        true,
        "screen lock off",
        "screen lock not reported",
    );
    match c.unlock_min_length {
        Some(n) if n >= MIN_UNLOCK_LENGTH => {}
        Some(n) => f.fail(format!(
            "unlock PIN/password minimum length {n} (at least {MIN_UNLOCK_LENGTH} required)"
        )),
        None => f.missing("unlock minimum length not reported"),
    }
    if let Some(n) = c.max_failed_unlocks
        && attempts
        && n > MAX_FAILED_UNLOCKS
    {
        f.fail(format!(
            "locks after {n} failed unlocks (at most {MAX_FAILED_UNLOCKS} allowed)"
        ));
    }
}

// ---------------------------------------------------------------------------
// Inventory

fn assets_classified(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .active_assets()
        .map(|a| match a.in_scope {
            Some(true) => asset_result(a, Status::Pass, "in scope"),
            Some(false) => asset_result(a, Status::Pass, "out of scope"),
            None => asset_result(a, Status::Fail, "scope not recorded (in_scope empty)"),
        })
        .collect();
    Outcome::from_resources("active assets", resources)
}

fn assets_byod_managed(ctx: &CheckCtx) -> Outcome {
    if ctx.active_assets().next().is_none() {
        return Outcome::insufficient("no active assets recorded");
    }
    let resources: Vec<ResourceResult> = ctx
        .active_assets()
        .filter(|a| a.ownership == Some(Ownership::Byod))
        .map(|a| match a.managed_by {
            Some(m @ (ManagedBy::Rmm | ManagedBy::Mdm)) => {
                asset_result(a, Status::Pass, format!("managed by {m}"))
            }
            Some(ManagedBy::None) => asset_result(a, Status::Fail, "BYOD device not managed"),
            None => asset_result(
                a,
                Status::InsufficientEvidence,
                "management not recorded (managed_by empty)",
            ),
        })
        .collect();
    if resources.is_empty() {
        return Outcome::not_applicable("no active BYOD devices recorded");
    }
    Outcome::from_resources("active BYOD devices", resources)
}

fn assets_inventory_current(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.asset_seen_days;
    let resources = ctx
        .active_assets()
        .map(|a| {
            let mut f = Findings::default();
            match a.last_seen {
                None => f.fail("never seen (last_seen empty)"),
                Some(t) => {
                    let days = ctx.days_since(t.date_naive());
                    if days > limit {
                        f.fail(format!(
                            "last seen {} ({days} days ago, limit {limit})",
                            t.date_naive()
                        ));
                    }
                }
            }
            let mut missing = Vec::new();
            if a.owner.is_none() {
                missing.push("owner");
            }
            if a.kind.is_network_device() {
                if a.os_version.is_none() {
                    missing.push("firmware/OS version");
                }
            } else if a.os_name.is_none() {
                missing.push("operating system");
            }
            if a.vendor_support_end.is_none() {
                missing.push("vendor support end");
            }
            if !missing.is_empty() {
                f.fail(format!("missing {}", missing.join(", ")));
            }
            asset_findings(a, f, "seen recently and fully recorded")
        })
        .collect();
    Outcome::from_resources("active assets", resources)
}

fn assets_disposal_certified(ctx: &CheckCtx) -> Outcome {
    if ctx.data.assets.is_empty() {
        return Outcome::insufficient("no assets recorded");
    }
    let documents: HashMap<&str, DocumentKind> = ctx
        .data
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.kind))
        .collect();
    let resources: Vec<ResourceResult> = ctx
        .data
        .assets
        .iter()
        .filter(|a| {
            a.lifecycle == Lifecycle::Destroyed
                || (a.lifecycle == Lifecycle::Retired && a.disposed_on.is_some())
        })
        .map(|a| match a.destruction_certificate.as_deref() {
            None => asset_result(
                a,
                Status::Fail,
                "disposed of without a destruction certificate",
            ),
            Some(doc) => match documents.get(doc) {
                Some(DocumentKind::DestructionCertificate) => {
                    asset_result(a, Status::Pass, format!("destruction certificate {doc}"))
                }
                Some(kind) => asset_result(
                    a,
                    Status::Fail,
                    format!("document {doc} is a {kind}, not a destruction certificate"),
                ),
                None => asset_result(
                    a,
                    Status::Fail,
                    format!("destruction certificate {doc} not found among the documents"),
                ),
            },
        })
        .collect();
    if resources.is_empty() {
        return Outcome::not_applicable("no destroyed or disposed-of assets recorded");
    }
    Outcome::from_resources("disposed-of assets", resources)
}

fn monitoring_agents_online(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.agent_offline_hours;
    let resources = ctx
        .active_assets()
        .filter(|a| a.managed_by == Some(ManagedBy::Rmm))
        .map(|a| match a.last_seen {
            None => asset_result(a, Status::Fail, "agent never seen (last_seen empty)"),
            Some(t) => {
                let hours = ctx.hours_since(t);
                if hours > limit {
                    asset_result(
                        a,
                        Status::Fail,
                        format!(
                            "agent offline: last seen {}, {hours} hours ago (limit {limit})",
                            show_time(t)
                        ),
                    )
                } else {
                    asset_result(
                        a,
                        Status::Pass,
                        format!("agent last seen {hours} hours ago"),
                    )
                }
            }
        })
        .collect();
    Outcome::from_resources("active RMM-managed assets", resources)
}

fn billing_reconciled(ctx: &CheckCtx) -> Outcome {
    let Some(contracted) = ctx.org.contracted_endpoints else {
        return Outcome::insufficient(format!(
            "no contracted endpoint figure recorded for {}",
            ctx.org.name
        ));
    };
    let pct = ctx.params.billing_tolerance_pct;
    let managed = ctx
        .active_assets()
        .filter(|a| {
            (a.kind.is_endpoint() || a.kind.is_end_user_device()) && is_rmm_or_mdm(a.managed_by)
        })
        .count() as i64;
    let diff = (managed - contracted).abs();
    // diff ≤ contracted × pct / 100, in whole numbers.
    let ok = diff.saturating_mul(100) <= contracted.saturating_mul(pct);
    let reason = format!(
        "{managed} managed endpoints and end-user devices, {contracted} contracted: \
         difference {diff} ({} tolerance {pct}%)",
        if ok { "within" } else { "beyond" }
    );
    let status = if ok { Status::Pass } else { Status::Fail };
    Outcome::new(status, reason.clone()).with_resources(vec![org_resource(ctx, status, reason)])
}

// ---------------------------------------------------------------------------
// Endpoint configuration

fn endpoint_host_firewall(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope endpoints",
        endpoint,
        "host firewall on",
        |c, f| {
            f.flag(
                c.host_firewall,
                true,
                "host firewall off",
                "host firewall state not reported",
            )
        },
    )
}

fn endpoint_guest_default_accounts(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope endpoints",
        endpoint,
        "guest and default accounts disabled",
        |c, f| {
            f.flag(
                c.guest_enabled,
                false,
                "guest account enabled",
                "guest account state not reported",
            );
            f.flag(
                c.default_accounts_enabled,
                false,
                "default accounts enabled",
                "default accounts state not reported",
            );
        },
    )
}

fn endpoint_local_admin_password_managed(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope endpoints",
        endpoint,
        "local administrator password managed",
        |c, f| {
            f.flag(
                c.local_admin_password_managed,
                true,
                "local administrator password not managed",
                "local administrator password management not reported",
            )
        },
    )
}

fn endpoint_autorun_disabled(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope endpoints",
        endpoint,
        "auto-run disabled",
        |c, f| {
            f.flag(
                c.autorun_disabled,
                true,
                "auto-run enabled",
                "auto-run state not reported",
            )
        },
    )
}

fn endpoint_device_lock(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope end-user devices",
        end_user_device,
        "device lock configured",
        |c, f| judge_lock(c, f, true),
    )
}

fn endpoint_disk_encryption(ctx: &CheckCtx) -> Outcome {
    config_check(
        ctx,
        "in-scope endpoints and mobile devices",
        endpoint_or_mobile,
        "disk encrypted",
        |c, f| {
            f.flag(
                c.disk_encrypted,
                true,
                "disk not encrypted",
                "disk encryption not reported",
            )
        },
    )
}

fn endpoint_admin_separation(ctx: &CheckCtx) -> Outcome {
    if ctx.data.accounts.is_empty() {
        return Outcome::insufficient(
            "no accounts recorded to compare local administrators against",
        );
    }
    // Lower-cased usernames of enabled user accounts, and the part before '@'.
    let mut users: HashSet<String> = HashSet::new();
    for acc in ctx
        .data
        .accounts
        .iter()
        .filter(|a| a.enabled && a.kind == crate::records::AccountKind::User)
    {
        let name = acc.username.to_lowercase();
        if let Some((local, _)) = name.split_once('@') {
            users.insert(local.to_string());
        }
        users.insert(name);
    }
    config_check(
        ctx,
        "in-scope endpoints",
        endpoint,
        "no daily-use account is a local administrator",
        |c, f| {
            if c.local_admins.is_empty() {
                f.missing("local administrators not reported");
                return;
            }
            let hits: Vec<&str> = c
                .local_admins
                .iter()
                .filter(|entry| {
                    let e = key(entry);
                    // `DOMAIN\user` entries are compared by their user part too.
                    let bare = e.rsplit('\\').next().unwrap_or(&e);
                    users.contains(&e) || users.contains(bare)
                })
                .map(String::as_str)
                .collect();
            if !hits.is_empty() {
                f.fail(format!(
                    "user account(s) {} are local administrators",
                    hits.join(", ")
                ));
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Malware protection

fn malware_coverage(ctx: &CheckCtx) -> Outcome {
    let malware = latest_malware(ctx.data);
    let configs = latest_configs(ctx.data);
    let resources = ctx
        .in_scope_assets()
        .filter(|a| endpoint_or_mobile(a))
        .map(|a| {
            let managed_apps = a.kind.is_mobile()
                && configs
                    .get(a.id.as_str())
                    .is_some_and(|c| c.managed_apps_only == Some(true));
            let protection = malware.get(a.id.as_str());
            match protection {
                Some(m) if m.mode != MalwareMode::None && m.healthy == Some(true) => {
                    asset_result(a, Status::Pass, format!("{} protection healthy", m.mode))
                }
                _ if managed_apps => asset_result(
                    a,
                    Status::Pass,
                    "only managed apps can be installed (allow-listing through MDM)",
                ),
                None => asset_result(
                    a,
                    Status::InsufficientEvidence,
                    "no malware protection reported",
                ),
                Some(m) if m.mode == MalwareMode::None => {
                    asset_result(a, Status::Fail, "no malware protection (mode none)")
                }
                Some(m) => match m.healthy {
                    Some(_) => {
                        asset_result(a, Status::Fail, format!("{} protection unhealthy", m.mode))
                    }
                    None => asset_result(
                        a,
                        Status::InsufficientEvidence,
                        format!("{} protection health not reported", m.mode),
                    ),
                },
            }
        })
        .collect();
    Outcome::from_resources("in-scope endpoints and mobile devices", resources)
}

/// Active assets whose latest protection has `mode`, with that protection.
fn protected_assets<'a>(
    ctx: &'a CheckCtx,
    malware: &'a HashMap<&'a str, &'a MalwareProtection>,
    mode: MalwareMode,
) -> impl Iterator<Item = (&'a Asset, &'a MalwareProtection)> {
    ctx.active_assets().filter_map(move |a| {
        malware
            .get(a.id.as_str())
            .filter(|m| m.mode == mode)
            .map(|m| (a, *m))
    })
}

fn malware_configuration(ctx: &CheckCtx) -> Outcome {
    let malware = latest_malware(ctx.data);
    let max_hours = ctx.params.signature_max_age_hours;
    let max_days = ctx.params.engine_max_age_days;
    let resources = protected_assets(ctx, &malware, MalwareMode::AntiMalware)
        .map(|(a, m)| {
            let mut f = Findings::default();
            f.flag(
                m.realtime,
                true,
                "real-time protection off",
                "real-time protection not reported",
            );
            f.flag(
                m.web_protection,
                true,
                "web protection off",
                "web protection not reported",
            );
            match m.signatures_updated {
                None => f.missing("signature update time not reported"),
                Some(t) => {
                    let hours = ctx.hours_since(t);
                    if hours > max_hours {
                        f.fail(format!(
                            "signatures updated {}, {hours} hours ago (limit {max_hours})",
                            show_time(t)
                        ));
                    }
                }
            }
            match m.engine_updated {
                None => f.missing("engine update date not reported"),
                Some(d) => {
                    let days = ctx.days_since(d);
                    if days > max_days {
                        f.fail(format!(
                            "engine updated {d}, {days} days ago (limit {max_days})"
                        ));
                    }
                }
            }
            asset_findings(
                a,
                f,
                "real-time and web protection on, signatures and engine current",
            )
        })
        .collect();
    Outcome::from_resources("active assets protected by anti-malware", resources)
}

fn malware_allow_listing(ctx: &CheckCtx) -> Outcome {
    let malware = latest_malware(ctx.data);
    let resources: Vec<ResourceResult> = protected_assets(ctx, &malware, MalwareMode::AllowList)
        .map(|(a, m)| match m.allow_list_enforced {
            Some(true) => asset_result(a, Status::Pass, "allow-list enforced"),
            Some(false) => asset_result(a, Status::Fail, "allow-list not enforced"),
            None => asset_result(
                a,
                Status::InsufficientEvidence,
                "allow-list enforcement not reported",
            ),
        })
        .collect();
    if resources.is_empty() {
        let any_protection = ctx
            .active_assets()
            .any(|a| malware.contains_key(a.id.as_str()));
        return if any_protection {
            Outcome::not_applicable("no active asset relies on application allow-listing")
        } else {
            Outcome::insufficient("no malware protection recorded for active assets")
        };
    }
    Outcome::from_resources("active assets protected by allow-listing", resources)
}

// ---------------------------------------------------------------------------
// Mobile devices

fn mobile_managed(ctx: &CheckCtx) -> Outcome {
    if ctx.active_assets().next().is_none() {
        return Outcome::insufficient("no active assets recorded");
    }
    let configs = latest_configs(ctx.data);
    let resources: Vec<ResourceResult> = ctx
        .active_assets()
        .filter(|a| matches!(a.kind, AssetKind::Phone | AssetKind::Tablet))
        .map(|a| match configs.get(a.id.as_str()) {
            None => asset_result(
                a,
                Status::InsufficientEvidence,
                "no device configuration reported",
            ),
            Some(c) => {
                let mut f = Findings::default();
                f.flag(
                    c.mdm_enrolled,
                    true,
                    "not enrolled in MDM",
                    "MDM enrolment not reported",
                );
                judge_lock(c, &mut f, false);
                f.flag(
                    c.disk_encrypted,
                    true,
                    "storage not encrypted",
                    "encryption not reported",
                );
                f.flag(
                    c.managed_apps_only,
                    true,
                    "apps can be installed from outside the managed store",
                    "app installation restriction not reported",
                );
                f.flag(
                    c.jailbroken,
                    false,
                    "jailbroken/rooted",
                    "jailbreak state not reported",
                );
                asset_findings(
                    a,
                    f,
                    "managed, locked, encrypted and restricted to managed apps",
                )
            }
        })
        .collect();
    if resources.is_empty() {
        return Outcome::not_applicable("no active phones or tablets recorded");
    }
    Outcome::from_resources("active phones and tablets", resources)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        assert_fails, assert_registered_once, assert_status, asset, check, check_with, date,
        example, laptop, org, run_for, status_of, time,
    };
    use crate::engine::outcome::{Outcome, Status};
    use crate::org::OrgKind;
    use crate::params::Params;
    use crate::records::{
        Account, AccountKind, Asset, AssetKind, Document, DocumentKind, EndpointConfig, Lifecycle,
        MalwareMode, MalwareProtection, ManagedBy, OrgData, Ownership,
    };

    fn config(id: &str, asset: &str) -> EndpointConfig {
        let mut c = example::<EndpointConfig>(id);
        c.asset = asset.into();
        c
    }

    fn mobile_config(id: &str, asset: &str) -> EndpointConfig {
        let mut c = config(id, asset);
        c.mdm_enrolled = Some(true);
        c.managed_apps_only = Some(true);
        c.jailbroken = Some(false);
        c
    }

    fn protection(id: &str, asset: &str) -> MalwareProtection {
        let mut m = example::<MalwareProtection>(id);
        m.asset = asset.into();
        m.signatures_updated = Some(time("2026-11-23T06:00:00Z"));
        m
    }

    fn assets(list: Vec<Asset>) -> OrgData {
        OrgData {
            assets: list,
            ..OrgData::default()
        }
    }

    fn with_configs(list: Vec<Asset>, configs: Vec<EndpointConfig>) -> OrgData {
        OrgData {
            assets: list,
            endpoint_configs: configs,
            ..OrgData::default()
        }
    }

    fn with_malware(list: Vec<Asset>, malware: Vec<MalwareProtection>) -> OrgData {
        OrgData {
            assets: list,
            malware,
            ..OrgData::default()
        }
    }

    #[test]
    fn every_check_is_registered_once() {
        assert_registered_once(
            super::CHECKS,
            &[
                "assets.classified",
                "assets.byod_managed",
                "assets.inventory_current",
                "assets.disposal_certified",
                "monitoring.agents_online",
                "billing.reconciled",
                "endpoint.host_firewall",
                "endpoint.guest_default_accounts",
                "endpoint.local_admin_password_managed",
                "endpoint.autorun_disabled",
                "endpoint.device_lock",
                "endpoint.disk_encryption",
                "endpoint.admin_separation",
                "malware.coverage",
                "malware.configuration",
                "malware.allow_listing",
                "mobile.managed",
            ],
        );
    }

    // -- assets.classified

    #[test]
    fn classified_passes_when_scope_is_set_either_way() {
        let mut out = laptop("a2", "LAP-0002");
        out.in_scope = Some(false);
        let o = check(
            "assets.classified",
            &assets(vec![laptop("a1", "LAP-0001"), out]),
        );
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn classified_fails_an_unclassified_asset() {
        let mut a = laptop("a2", "LAP-0002");
        a.in_scope = None;
        let o = check(
            "assets.classified",
            &assets(vec![laptop("a1", "LAP-0001"), a]),
        );
        assert_fails(&o, "LAP-0002", "scope not recorded");
        assert_eq!(status_of(&o, "a1"), Status::Pass);
    }

    #[test]
    fn classified_without_active_assets_is_insufficient() {
        let mut retired = laptop("a1", "LAP-0001");
        retired.lifecycle = Lifecycle::Retired;
        retired.in_scope = None;
        assert_status(
            &check("assets.classified", &OrgData::default()),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("assets.classified", &assets(vec![retired])),
            Status::InsufficientEvidence,
        );
    }

    // -- assets.byod_managed

    fn byod(id: &str, name: &str, managed: Option<ManagedBy>) -> Asset {
        let mut a = asset(id, name, AssetKind::Phone);
        a.ownership = Some(Ownership::Byod);
        a.managed_by = managed;
        a
    }

    #[test]
    fn byod_managed_passes_with_rmm_or_mdm() {
        let data = assets(vec![
            laptop("a1", "LAP-0001"),
            byod("b1", "PHONE-1", Some(ManagedBy::Mdm)),
            byod("b2", "PHONE-2", Some(ManagedBy::Rmm)),
        ]);
        let o = check("assets.byod_managed", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn byod_managed_fails_an_unmanaged_device() {
        let data = assets(vec![
            byod("b1", "PHONE-1", Some(ManagedBy::Mdm)),
            byod("b2", "PHONE-2", Some(ManagedBy::None)),
        ]);
        assert_fails(
            &check("assets.byod_managed", &data),
            "PHONE-2",
            "not managed",
        );
    }

    #[test]
    fn byod_with_unrecorded_management_is_insufficient() {
        let data = assets(vec![byod("b1", "PHONE-1", None)]);
        assert_status(
            &check("assets.byod_managed", &data),
            Status::InsufficientEvidence,
        );
    }

    #[test]
    fn byod_managed_not_applicable_without_byod_but_insufficient_without_assets() {
        let mut retired = byod("b1", "PHONE-1", Some(ManagedBy::None));
        retired.lifecycle = Lifecycle::Retired;
        let data = assets(vec![laptop("a1", "LAP-0001"), retired]);
        assert_status(&check("assets.byod_managed", &data), Status::NotApplicable);
        assert_status(
            &check("assets.byod_managed", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- assets.inventory_current

    #[test]
    fn inventory_current_passes_a_recent_complete_asset() {
        let o = check(
            "assets.inventory_current",
            &assets(vec![laptop("a1", "LAP-0001")]),
        );
        assert_status(&o, Status::Pass);
    }

    #[test]
    fn inventory_current_seen_boundary_30_passes_31_fails() {
        let mut a = laptop("a1", "LAP-0001");
        a.last_seen = Some(time("2026-10-24T23:00:00Z"));
        assert_status(
            &check("assets.inventory_current", &assets(vec![a.clone()])),
            Status::Pass,
        );
        a.last_seen = Some(time("2026-10-23T23:00:00Z"));
        assert_fails(
            &check("assets.inventory_current", &assets(vec![a])),
            "LAP-0001",
            "31 days ago, limit 30",
        );
    }

    #[test]
    fn inventory_current_client_override_widens_the_window() {
        let mut a = laptop("a1", "LAP-0001");
        a.last_seen = Some(time("2026-10-01T00:00:00Z"));
        let data = assets(vec![a]);
        assert_status(&check("assets.inventory_current", &data), Status::Fail);
        let params = Params {
            asset_seen_days: 60,
            ..Params::default()
        };
        assert_status(
            &check_with("assets.inventory_current", &data, &params),
            Status::Pass,
        );
    }

    #[test]
    fn inventory_current_lists_what_is_missing() {
        let mut a = laptop("a1", "LAP-0001");
        a.owner = None;
        a.os_name = None;
        a.vendor_support_end = None;
        let o = check("assets.inventory_current", &assets(vec![a]));
        assert_fails(&o, "LAP-0001", "owner");
        assert!(o.reason.contains("operating system"), "{}", o.reason);
        assert!(o.reason.contains("vendor support end"), "{}", o.reason);
        let mut never = laptop("a2", "LAP-0002");
        never.last_seen = None;
        assert_fails(
            &check("assets.inventory_current", &assets(vec![never])),
            "LAP-0002",
            "never seen",
        );
    }

    #[test]
    fn inventory_current_network_devices_need_a_version_not_an_os_name() {
        let mut sw = asset("s1", "SW-01", AssetKind::Switch);
        sw.os_name = None;
        assert_status(
            &check("assets.inventory_current", &assets(vec![sw.clone()])),
            Status::Pass,
        );
        sw.os_version = None;
        assert_fails(
            &check("assets.inventory_current", &assets(vec![sw])),
            "SW-01",
            "version",
        );
    }

    #[test]
    fn inventory_current_without_assets_is_insufficient() {
        assert_status(
            &check("assets.inventory_current", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- assets.disposal_certified

    fn destroyed(id: &str, name: &str, cert: Option<&str>) -> Asset {
        let mut a = laptop(id, name);
        a.lifecycle = Lifecycle::Destroyed;
        a.destruction_certificate = cert.map(String::from);
        a
    }

    fn certificate(id: &str, kind: DocumentKind) -> Document {
        let mut d = example::<Document>(id);
        d.kind = kind;
        d
    }

    #[test]
    fn disposal_certified_passes_with_a_certificate() {
        let mut retired = laptop("a2", "LAP-0002");
        retired.lifecycle = Lifecycle::Retired;
        retired.disposed_on = Some(date("2026-06-01"));
        retired.destruction_certificate = Some("doc-2".into());
        let data = OrgData {
            assets: vec![
                destroyed("a1", "LAP-0001", Some("doc-1")),
                retired,
                laptop("a3", "LAP-0003"),
            ],
            documents: vec![
                certificate("doc-1", DocumentKind::DestructionCertificate),
                certificate("doc-2", DocumentKind::DestructionCertificate),
            ],
            ..OrgData::default()
        };
        let o = check("assets.disposal_certified", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn disposal_certified_fails_missing_unknown_or_wrong_documents() {
        let docs = vec![certificate("doc-p", DocumentKind::Policy)];
        let data = OrgData {
            assets: vec![destroyed("a1", "LAP-0001", None)],
            documents: docs.clone(),
            ..OrgData::default()
        };
        assert_fails(
            &check("assets.disposal_certified", &data),
            "LAP-0001",
            "without a destruction certificate",
        );
        let data = OrgData {
            assets: vec![destroyed("a1", "LAP-0001", Some("doc-x"))],
            documents: docs.clone(),
            ..OrgData::default()
        };
        assert_fails(
            &check("assets.disposal_certified", &data),
            "LAP-0001",
            "doc-x not found",
        );
        let data = OrgData {
            assets: vec![destroyed("a1", "LAP-0001", Some("doc-p"))],
            documents: docs,
            ..OrgData::default()
        };
        assert_fails(
            &check("assets.disposal_certified", &data),
            "LAP-0001",
            "not a destruction certificate",
        );
    }

    #[test]
    fn disposal_certified_not_applicable_when_nothing_disposed() {
        let mut retired = laptop("a2", "LAP-0002");
        retired.lifecycle = Lifecycle::Retired; // retired, not yet disposed of
        let data = assets(vec![laptop("a1", "LAP-0001"), retired]);
        assert_status(
            &check("assets.disposal_certified", &data),
            Status::NotApplicable,
        );
        assert_status(
            &check("assets.disposal_certified", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- monitoring.agents_online

    #[test]
    fn agents_online_72_hours_passes_73_fails() {
        let mut a = laptop("a1", "LAP-0001");
        a.last_seen = Some(time("2026-11-20T12:00:00Z"));
        assert_status(
            &check("monitoring.agents_online", &assets(vec![a.clone()])),
            Status::Pass,
        );
        a.last_seen = Some(time("2026-11-20T11:00:00Z"));
        assert_fails(
            &check("monitoring.agents_online", &assets(vec![a.clone()])),
            "LAP-0001",
            "73 hours ago (limit 72)",
        );
        let params = Params {
            agent_offline_hours: 96,
            ..Params::default()
        };
        assert_status(
            &check_with("monitoring.agents_online", &assets(vec![a]), &params),
            Status::Pass,
        );
    }

    #[test]
    fn agents_online_never_seen_fails_and_only_rmm_assets_count() {
        let mut a = laptop("a1", "LAP-0001");
        a.last_seen = None;
        let mut mdm = asset("p1", "PHONE-1", AssetKind::Phone);
        mdm.managed_by = Some(ManagedBy::Mdm);
        mdm.last_seen = None;
        let o = check("monitoring.agents_online", &assets(vec![a, mdm.clone()]));
        assert_fails(&o, "LAP-0001", "never seen");
        assert_eq!(o.resources.len(), 1);
        assert_status(
            &check("monitoring.agents_online", &assets(vec![mdm])),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("monitoring.agents_online", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- billing.reconciled

    fn run_billing(data: &OrgData, contracted: Option<i64>) -> Outcome {
        let mut org = org(OrgKind::Client);
        org.contracted_endpoints = contracted;
        run_for("billing.reconciled", data, &org)
    }

    fn managed_fleet(n: usize) -> Vec<Asset> {
        (0..n)
            .map(|i| laptop(&format!("a{i}"), &format!("LAP-{i:04}")))
            .collect()
    }

    #[test]
    fn billing_within_tolerance_passes_beyond_fails() {
        // 10 contracted, 10 % tolerance: 11 managed passes, 12 fails.
        let o = run_billing(&assets(managed_fleet(11)), Some(10));
        assert_status(&o, Status::Pass);
        let o = run_billing(&assets(managed_fleet(9)), Some(10));
        assert_status(&o, Status::Pass);
        let o = run_billing(&assets(managed_fleet(12)), Some(10));
        assert_fails(&o, "12 managed", "10 contracted");
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn billing_counts_only_managed_endpoints_and_end_user_devices() {
        let mut fleet = managed_fleet(10);
        let mut unmanaged = laptop("u1", "LAP-U1");
        unmanaged.managed_by = Some(ManagedBy::None);
        let mut retired = laptop("r1", "LAP-R1");
        retired.lifecycle = Lifecycle::Retired;
        let mut phone = asset("p1", "PHONE-1", AssetKind::Phone);
        phone.managed_by = Some(ManagedBy::Mdm);
        fleet.extend([
            unmanaged,
            retired,
            asset("s1", "SW-01", AssetKind::Switch),
            asset("s2", "SW-02", AssetKind::Switch),
            phone,
        ]);
        // 11 counted (10 laptops and the phone) against 10 contracted.
        assert_status(&run_billing(&assets(fleet), Some(10)), Status::Pass);
    }

    #[test]
    fn billing_without_contracted_figure_is_insufficient() {
        assert_status(
            &run_billing(&assets(managed_fleet(3)), None),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.host_firewall

    #[test]
    fn host_firewall_passes_when_on() {
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![config("c1", "a1")]);
        let o = check("endpoint.host_firewall", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources[0].kind, "asset");
        assert_eq!(o.resources[0].name, "LAP-0001");
    }

    #[test]
    fn host_firewall_fails_when_off() {
        let mut c = config("c2", "a2");
        c.host_firewall = Some(false);
        let data = with_configs(
            vec![laptop("a1", "LAP-0001"), laptop("a2", "LAP-0042")],
            vec![config("c1", "a1"), c],
        );
        assert_fails(
            &check("endpoint.host_firewall", &data),
            "LAP-0042",
            "host firewall off",
        );
    }

    #[test]
    fn host_firewall_latest_report_counts() {
        let mut old = config("c1", "a1");
        old.host_firewall = Some(false);
        old.reported_at = time("2026-11-01T00:00:00Z");
        let new = config("c2", "a1");
        let data = with_configs(
            vec![laptop("a1", "LAP-0001")],
            vec![new.clone(), old.clone()],
        );
        assert_status(&check("endpoint.host_firewall", &data), Status::Pass);
        let mut new_off = new;
        new_off.host_firewall = Some(false);
        let mut old_on = old;
        old_on.host_firewall = Some(true);
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![old_on, new_off]);
        assert_status(&check("endpoint.host_firewall", &data), Status::Fail);
    }

    #[test]
    fn host_firewall_without_config_or_assets_is_insufficient() {
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![]);
        let o = check("endpoint.host_firewall", &data);
        assert_status(&o, Status::InsufficientEvidence);
        assert!(o.reason.contains("LAP-0001"), "{}", o.reason);
        assert_status(
            &check("endpoint.host_firewall", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    #[test]
    fn host_firewall_judges_only_in_scope_endpoints() {
        let mut out = laptop("a2", "LAP-0002");
        out.in_scope = Some(false);
        let phone = asset("p1", "PHONE-1", AssetKind::Phone);
        let mut off = config("c2", "a2");
        off.host_firewall = Some(false);
        let data = with_configs(
            vec![laptop("a1", "LAP-0001"), out, phone],
            vec![config("c1", "a1"), off],
        );
        let o = check("endpoint.host_firewall", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 1);
    }

    // -- endpoint.guest_default_accounts

    #[test]
    fn guest_default_accounts_pass_and_fail() {
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![config("c1", "a1")]);
        assert_status(
            &check("endpoint.guest_default_accounts", &data),
            Status::Pass,
        );
        let mut c = config("c1", "a1");
        c.guest_enabled = Some(true);
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_fails(
            &check("endpoint.guest_default_accounts", &data),
            "LAP-0001",
            "guest account enabled",
        );
        let mut c = config("c1", "a1");
        c.default_accounts_enabled = Some(true);
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_fails(
            &check("endpoint.guest_default_accounts", &data),
            "LAP-0001",
            "default accounts enabled",
        );
    }

    #[test]
    fn guest_default_accounts_without_data_is_insufficient() {
        assert_status(
            &check("endpoint.guest_default_accounts", &OrgData::default()),
            Status::InsufficientEvidence,
        );
        let mut c = config("c1", "a1");
        c.guest_enabled = None;
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_status(
            &check("endpoint.guest_default_accounts", &data),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.local_admin_password_managed

    #[test]
    fn local_admin_password_managed_pass_fail_and_no_data() {
        let id = "endpoint.local_admin_password_managed";
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![config("c1", "a1")]);
        assert_status(&check(id, &data), Status::Pass);
        let mut c = config("c1", "a1");
        c.local_admin_password_managed = Some(false);
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_fails(&check(id, &data), "LAP-0001", "not managed");
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.autorun_disabled

    #[test]
    fn autorun_disabled_pass_fail_and_no_data() {
        let id = "endpoint.autorun_disabled";
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![config("c1", "a1")]);
        assert_status(&check(id, &data), Status::Pass);
        let mut c = config("c1", "a1");
        c.autorun_disabled = Some(false);
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_fails(&check(id, &data), "LAP-0001", "auto-run enabled");
        let mut c = config("c1", "a1");
        c.autorun_disabled = None;
        let data = with_configs(vec![laptop("a1", "LAP-0001")], vec![c]);
        assert_status(&check(id, &data), Status::InsufficientEvidence);
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.device_lock

    fn lock_data(kind: AssetKind, f: impl FnOnce(&mut EndpointConfig)) -> OrgData {
        let mut c = config("c1", "a1");
        f(&mut c);
        with_configs(vec![asset("a1", "DEV-0001", kind)], vec![c])
    }

    #[test]
    fn device_lock_unlock_length_6_passes_5_fails() {
        let id = "endpoint.device_lock";
        let o = check(
            id,
            &lock_data(AssetKind::Laptop, |c| c.unlock_min_length = Some(6)),
        );
        assert_status(&o, Status::Pass);
        let o = check(
            id,
            &lock_data(AssetKind::Laptop, |c| c.unlock_min_length = Some(5)),
        );
        assert_fails(&o, "DEV-0001", "minimum length 5");
    }

    #[test]
    fn device_lock_failed_unlocks_10_passes_11_fails_empty_accepted() {
        let id = "endpoint.device_lock";
        let o = check(
            id,
            &lock_data(AssetKind::Phone, |c| c.max_failed_unlocks = Some(10)),
        );
        assert_status(&o, Status::Pass);
        let o = check(
            id,
            &lock_data(AssetKind::Phone, |c| c.max_failed_unlocks = Some(11)),
        );
        assert_fails(&o, "DEV-0001", "11 failed unlocks");
        let o = check(
            id,
            &lock_data(AssetKind::Phone, |c| c.max_failed_unlocks = None),
        );
        assert_status(&o, Status::Pass);
    }

    #[test]
    fn device_lock_screen_lock_off_fails_and_unknown_length_is_insufficient() {
        let id = "endpoint.device_lock";
        let o = check(
            id,
            &lock_data(AssetKind::ThinClient, |c| c.screen_lock = Some(false)),
        );
        assert_fails(&o, "DEV-0001", "screen lock off");
        let o = check(
            id,
            &lock_data(AssetKind::Desktop, |c| c.unlock_min_length = None),
        );
        assert_status(&o, Status::InsufficientEvidence);
    }

    #[test]
    fn device_lock_ignores_servers_and_needs_data() {
        let id = "endpoint.device_lock";
        let o = check(
            id,
            &lock_data(AssetKind::Server, |c| c.screen_lock = Some(false)),
        );
        assert_status(&o, Status::InsufficientEvidence);
        assert!(o.resources.is_empty());
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.disk_encryption

    #[test]
    fn disk_encryption_covers_endpoints_and_mobiles() {
        let id = "endpoint.disk_encryption";
        let data = with_configs(
            vec![
                laptop("a1", "LAP-0001"),
                asset("p1", "PHONE-1", AssetKind::Phone),
            ],
            vec![config("c1", "a1"), config("c2", "p1")],
        );
        let o = check(id, &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
        let mut off = config("c2", "p1");
        off.disk_encrypted = Some(false);
        let data = with_configs(
            vec![
                laptop("a1", "LAP-0001"),
                asset("p1", "PHONE-1", AssetKind::Phone),
            ],
            vec![config("c1", "a1"), off],
        );
        assert_fails(&check(id, &data), "PHONE-1", "disk not encrypted");
        assert_status(
            &check(id, &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- endpoint.admin_separation

    fn account(id: &str, username: &str, kind: AccountKind, enabled: bool) -> Account {
        let mut a = example::<Account>(id);
        a.username = username.into();
        a.kind = kind;
        a.enabled = enabled;
        a
    }

    fn separation_data(local_admins: &[&str], accounts: Vec<Account>) -> OrgData {
        let mut c = config("c1", "a1");
        c.local_admins = local_admins.iter().map(|s| s.to_string()).collect();
        OrgData {
            assets: vec![laptop("a1", "LAP-0001")],
            endpoint_configs: vec![c],
            accounts,
            ..OrgData::default()
        }
    }

    #[test]
    fn admin_separation_passes_with_separate_admin_accounts() {
        let data = separation_data(
            &["Administrator", "adm-jsmith"],
            vec![
                account("u1", "jsmith@example.com", AccountKind::User, true),
                account("u2", "adm-jsmith", AccountKind::Admin, true),
            ],
        );
        assert_status(&check("endpoint.admin_separation", &data), Status::Pass);
    }

    #[test]
    fn admin_separation_fails_a_daily_use_account_case_insensitively() {
        let data = separation_data(
            &["Administrator", "JSmith"],
            vec![account("u1", "jsmith@example.com", AccountKind::User, true)],
        );
        assert_fails(
            &check("endpoint.admin_separation", &data),
            "LAP-0001",
            "JSmith",
        );
        let data = separation_data(
            &["AzureAD\\JSMITH@example.com"],
            vec![account("u1", "jsmith@example.com", AccountKind::User, true)],
        );
        assert_status(&check("endpoint.admin_separation", &data), Status::Fail);
    }

    #[test]
    fn admin_separation_ignores_disabled_and_non_user_accounts() {
        let data = separation_data(
            &["jsmith", "svc-backup"],
            vec![
                account("u1", "jsmith@example.com", AccountKind::User, false),
                account("u2", "svc-backup", AccountKind::Service, true),
            ],
        );
        assert_status(&check("endpoint.admin_separation", &data), Status::Pass);
    }

    #[test]
    fn admin_separation_without_data_is_insufficient() {
        let id = "endpoint.admin_separation";
        let users = vec![account("u1", "jsmith@example.com", AccountKind::User, true)];
        assert_status(
            &check(id, &separation_data(&[], users.clone())),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check(id, &separation_data(&["jsmith"], vec![])),
            Status::InsufficientEvidence,
        );
        let no_assets = OrgData {
            accounts: users,
            ..OrgData::default()
        };
        assert_status(&check(id, &no_assets), Status::InsufficientEvidence);
    }

    // -- malware.coverage

    #[test]
    fn malware_coverage_passes_healthy_protection_and_managed_app_mobiles() {
        let phone = asset("p1", "PHONE-1", AssetKind::Phone);
        let data = OrgData {
            assets: vec![laptop("a1", "LAP-0001"), phone],
            malware: vec![protection("m1", "a1")],
            endpoint_configs: vec![mobile_config("c1", "p1")],
            ..OrgData::default()
        };
        let o = check("malware.coverage", &data);
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn malware_coverage_fails_no_protection_or_unhealthy() {
        let mut none = protection("m1", "a1");
        none.mode = MalwareMode::None;
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![none]);
        assert_fails(&check("malware.coverage", &data), "LAP-0001", "mode none");
        let mut sick = protection("m1", "a1");
        sick.healthy = Some(false);
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![sick]);
        assert_fails(&check("malware.coverage", &data), "LAP-0001", "unhealthy");
    }

    #[test]
    fn malware_coverage_latest_report_counts() {
        let mut old = protection("m1", "a1");
        old.reported_at = time("2026-11-01T00:00:00Z");
        let mut new = protection("m2", "a1");
        new.healthy = Some(false);
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![new, old]);
        assert_status(&check("malware.coverage", &data), Status::Fail);
    }

    #[test]
    fn malware_coverage_without_reports_is_insufficient() {
        let mut c = mobile_config("c1", "p1");
        c.managed_apps_only = Some(false);
        let data = OrgData {
            assets: vec![asset("p1", "PHONE-1", AssetKind::Phone)],
            endpoint_configs: vec![c],
            ..OrgData::default()
        };
        assert_status(
            &check("malware.coverage", &data),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("malware.coverage", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- malware.configuration

    #[test]
    fn malware_configuration_passes_a_current_configuration() {
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![protection("m1", "a1")]);
        assert_status(&check("malware.configuration", &data), Status::Pass);
    }

    #[test]
    fn malware_configuration_signatures_24_hours_pass_25_fail() {
        let mut m = protection("m1", "a1");
        m.signatures_updated = Some(time("2026-11-22T12:00:00Z"));
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m.clone()]);
        assert_status(&check("malware.configuration", &data), Status::Pass);
        m.signatures_updated = Some(time("2026-11-22T11:00:00Z"));
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m]);
        assert_fails(
            &check("malware.configuration", &data),
            "LAP-0001",
            "25 hours ago (limit 24)",
        );
        let params = Params {
            signature_max_age_hours: 48,
            ..Params::default()
        };
        assert_status(
            &check_with("malware.configuration", &data, &params),
            Status::Pass,
        );
    }

    #[test]
    fn malware_configuration_engine_30_days_pass_31_fail() {
        let mut m = protection("m1", "a1");
        m.engine_updated = Some(date("2026-10-24"));
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m.clone()]);
        assert_status(&check("malware.configuration", &data), Status::Pass);
        m.engine_updated = Some(date("2026-10-23"));
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m]);
        assert_fails(
            &check("malware.configuration", &data),
            "LAP-0001",
            "31 days ago (limit 30)",
        );
    }

    #[test]
    fn malware_configuration_fails_realtime_or_web_protection_off() {
        let mut m = protection("m1", "a1");
        m.realtime = Some(false);
        m.web_protection = Some(false);
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m]);
        let o = check("malware.configuration", &data);
        assert_fails(&o, "LAP-0001", "real-time protection off");
        assert!(o.reason.contains("web protection off"), "{}", o.reason);
    }

    #[test]
    fn malware_configuration_without_anti_malware_is_insufficient() {
        let mut m = protection("m1", "a1");
        m.mode = MalwareMode::AllowList;
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![m]);
        assert_status(
            &check("malware.configuration", &data),
            Status::InsufficientEvidence,
        );
        assert_status(
            &check("malware.configuration", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- malware.allow_listing

    fn allow_list(enforced: Option<bool>) -> OrgData {
        let mut m = protection("m1", "a1");
        m.mode = MalwareMode::AllowList;
        m.allow_list_enforced = enforced;
        with_malware(vec![laptop("a1", "LAP-0001")], vec![m])
    }

    #[test]
    fn allow_listing_pass_fail() {
        assert_status(
            &check("malware.allow_listing", &allow_list(Some(true))),
            Status::Pass,
        );
        assert_fails(
            &check("malware.allow_listing", &allow_list(Some(false))),
            "LAP-0001",
            "not enforced",
        );
        assert_status(
            &check("malware.allow_listing", &allow_list(None)),
            Status::InsufficientEvidence,
        );
    }

    #[test]
    fn allow_listing_not_applicable_without_allow_listed_assets() {
        let data = with_malware(vec![laptop("a1", "LAP-0001")], vec![protection("m1", "a1")]);
        assert_status(
            &check("malware.allow_listing", &data),
            Status::NotApplicable,
        );
        assert_status(
            &check("malware.allow_listing", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }

    // -- mobile.managed

    fn mobile_data(f: impl FnOnce(&mut EndpointConfig)) -> OrgData {
        let mut c = mobile_config("c1", "p1");
        f(&mut c);
        with_configs(
            vec![
                laptop("a1", "LAP-0001"),
                asset("p1", "PHONE-1", AssetKind::Phone),
            ],
            vec![c],
        )
    }

    #[test]
    fn mobile_managed_passes_a_locked_down_phone() {
        let o = check("mobile.managed", &mobile_data(|_| {}));
        assert_status(&o, Status::Pass);
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn mobile_managed_fails_each_weakness() {
        let o = check(
            "mobile.managed",
            &mobile_data(|c| c.jailbroken = Some(true)),
        );
        assert_fails(&o, "PHONE-1", "jailbroken");
        let o = check(
            "mobile.managed",
            &mobile_data(|c| c.mdm_enrolled = Some(false)),
        );
        assert_fails(&o, "PHONE-1", "not enrolled in MDM");
        let o = check(
            "mobile.managed",
            &mobile_data(|c| c.unlock_min_length = Some(5)),
        );
        assert_fails(&o, "PHONE-1", "minimum length 5");
        let o = check(
            "mobile.managed",
            &mobile_data(|c| c.managed_apps_only = Some(false)),
        );
        assert_fails(&o, "PHONE-1", "outside the managed store");
    }

    #[test]
    fn mobile_managed_unreported_is_insufficient() {
        let o = check("mobile.managed", &mobile_data(|c| c.jailbroken = None));
        assert_status(&o, Status::InsufficientEvidence);
        let data = assets(vec![asset("p1", "PHONE-1", AssetKind::Tablet)]);
        assert_status(
            &check("mobile.managed", &data),
            Status::InsufficientEvidence,
        );
    }

    #[test]
    fn mobile_managed_not_applicable_without_mobiles() {
        let data = assets(vec![laptop("a1", "LAP-0001")]);
        assert_status(&check("mobile.managed", &data), Status::NotApplicable);
        assert_status(
            &check("mobile.managed", &OrgData::default()),
            Status::InsufficientEvidence,
        );
    }
}
