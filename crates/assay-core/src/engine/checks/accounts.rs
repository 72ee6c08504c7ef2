//! Accounts, cloud services and access (`accounts` family): dormant and
//! leaver accounts, ownership, MFA and separation of privileged accounts,
//! cloud service configuration, password policies, access reviews and the
//! confidentiality of people with client access.

use super::support::{Findings, key, present, within};
use super::{CheckCtx, CheckDef, CheckKind, with_args};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{
    Account, AccountKind, CloudService, MembershipAction, PersonKind, ReviewScope,
};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "accounts.dormant",
        title: "No dormant accounts",
        kind: CheckKind::Automated,
        about: "Every enabled account other than a service account has signed in within \
                `dormant_account_days`; an account unused for longer, or never used and created \
                longer ago, fails.",
        run: dormant,
    },
    CheckDef {
        id: "accounts.leavers_disabled",
        title: "Leavers' accounts disabled",
        kind: CheckKind::Automated,
        about: "Every account of a person who has left is disabled within `leaver_disable_days` \
                of the leaving date; an account still enabled after that, or disabled late, fails.",
        run: leavers_disabled,
    },
    CheckDef {
        id: "accounts.unique",
        title: "Accounts are individual",
        kind: CheckKind::Automated,
        about: "Enabled accounts are not shared, and user, admin, technician and partner \
                accounts name the person they belong to.",
        run: unique,
    },
    CheckDef {
        id: "accounts.admin_mfa",
        title: "MFA on privileged accounts",
        kind: CheckKind::Automated,
        about: "Every enabled privileged account has MFA; one without fails.",
        run: admin_mfa,
    },
    CheckDef {
        id: "accounts.admin_separation",
        title: "Privileged accounts kept separate",
        kind: CheckKind::Automated,
        about: "Enabled privileged accounts have no mailbox and are not used for browsing; one \
                with a mailbox fails.",
        run: admin_separation,
    },
    CheckDef {
        id: "accounts.approved_creation",
        title: "Account creation approved",
        kind: CheckKind::Automated,
        about: "Every account created within `account_approval_lookback_days` carries the \
                reference of the approval; one without fails.",
        run: approved_creation,
    },
    CheckDef {
        id: "accounts.partner_access",
        title: "Partner and technician access controlled",
        kind: CheckKind::Automated,
        about: "Enabled partner and technician accounts name their person and have MFA; not \
                applicable when there are none.",
        run: partner_access,
    },
    CheckDef {
        id: "cloud.mfa_enforced",
        title: "MFA enforced on cloud services",
        kind: CheckKind::Automated,
        about: "In-scope cloud services that offer MFA enforce it for users and administrators, \
                and every enabled account on them has MFA; a single account without MFA fails.",
        run: cloud_mfa_enforced,
    },
    CheckDef {
        id: "cloud.in_scope",
        title: "Cloud services holding data in scope",
        kind: CheckKind::Automated,
        about: "Cloud services holding organisation data are in the assessed scope; one marked \
                out of scope fails.",
        run: cloud_in_scope,
    },
    CheckDef {
        id: "cloud.shared_responsibility",
        title: "Cloud shared responsibility documented",
        kind: CheckKind::Evidence,
        about: "Every in-scope cloud service records where the provider's shared-responsibility \
                commitment is documented.",
        run: cloud_shared_responsibility,
    },
    CheckDef {
        id: "cloud.anonymous_sharing",
        title: "No anonymous sharing in cloud services",
        kind: CheckKind::Automated,
        about: "In-scope cloud services do not allow anonymous (anyone-with-the-link) sharing; \
                one that does, or does not say, does not pass.",
        run: cloud_anonymous_sharing,
    },
    CheckDef {
        id: "passwords.policy",
        title: "Password policy",
        kind: CheckKind::Automated,
        about: "Each password policy limits guessing (lockout at 10 attempts or fewer, \
                throttling or MFA), requires MFA, 12 characters, or 8 with a deny list, and \
                allows passwords of at least 64 characters.",
        run: password_policy,
    },
    CheckDef {
        id: "access.reviews_current",
        title: "Access reviews current",
        kind: CheckKind::Evidence,
        about: "Every system with enabled privileged accounts (arg `scope = all`: any enabled \
                account) had an access review completed within `privileged_review_days` \
                (`access_review_days`).",
        run: reviews_current,
    },
    CheckDef {
        id: "access.privileged_changes_approved",
        title: "Privileged changes approved",
        kind: CheckKind::Automated,
        about: "Every addition to a privileged group within `ticket_lookback_days` records who \
                approved it.",
        run: privileged_changes_approved,
    },
    CheckDef {
        id: "people.confidentiality",
        title: "Confidentiality of people with client access",
        kind: CheckKind::Automated,
        about: "Current staff and contractors with access to client systems have signed an NDA \
                and been screened.",
        run: confidentiality,
    },
];

// ---------------------------------------------------------------------------
// Helpers

/// Privileged: flagged so, or of kind `admin`.
fn is_privileged(a: &Account) -> bool {
    a.privileged || a.kind == AccountKind::Admin
}

fn account_result(a: &Account, status: Status, reason: impl Into<String>) -> ResourceResult {
    ResourceResult::new("account", &a.id, &a.username, status, reason)
}

fn enabled_accounts<'a>(ctx: &'a CheckCtx) -> impl Iterator<Item = &'a Account> {
    ctx.data.accounts.iter().filter(|a| a.enabled)
}

/// Cloud services inside the assessed scope (unset counts as in scope).
fn in_scope_services<'a>(ctx: &'a CheckCtx) -> impl Iterator<Item = &'a CloudService> {
    ctx.data
        .cloud_services
        .iter()
        .filter(|s| s.in_scope != Some(false))
}

fn service_result(s: &CloudService, status: Status, reason: impl Into<String>) -> ResourceResult {
    ResourceResult::new("cloud_service", &s.id, &s.name, status, reason)
}

// ---------------------------------------------------------------------------
// Accounts

fn dormant(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.dormant_account_days;
    let resources = enabled_accounts(ctx)
        .filter(|a| a.kind != AccountKind::Service)
        .map(|a| {
            if let Some(t) = a.last_sign_in {
                let date = t.date_naive();
                let days = ctx.days_since(date);
                if days <= limit {
                    account_result(
                        a,
                        Status::Pass,
                        format!(
                            "last signed in to {} on {date}, {days} days ago (limit {limit})",
                            a.system
                        ),
                    )
                } else {
                    account_result(
                        a,
                        Status::Fail,
                        format!(
                            "enabled on {} but unused for {days} days since {date} (limit {limit})",
                            a.system
                        ),
                    )
                }
            } else if let Some(c) = a.created_at {
                let date = c.date_naive();
                let days = ctx.days_since(date);
                if days <= limit {
                    account_result(
                        a,
                        Status::Pass,
                        format!(
                            "never signed in to {}; created {date}, {days} days ago (limit {limit})",
                            a.system
                        ),
                    )
                } else {
                    account_result(
                        a,
                        Status::Fail,
                        format!(
                            "enabled on {} and never signed in; created {date}, {days} days ago \
                             (limit {limit})",
                            a.system
                        ),
                    )
                }
            } else {
                account_result(
                    a,
                    Status::InsufficientEvidence,
                    format!("no last sign-in or creation date recorded on {}", a.system),
                )
            }
        })
        .collect();
    Outcome::from_resources("enabled non-service accounts", resources)
}

fn leavers_disabled(ctx: &CheckCtx) -> Outcome {
    if ctx.data.people.is_empty() {
        return Outcome::insufficient("no people recorded");
    }
    let leavers: Vec<_> = ctx
        .data
        .people
        .iter()
        .filter_map(|p| p.left.map(|left| (p, left)))
        .collect();
    if leavers.is_empty() {
        return Outcome::pass(format!(
            "no leavers among {} people recorded",
            ctx.data.people.len()
        ));
    }
    if ctx.data.accounts.is_empty() {
        return Outcome::insufficient(format!(
            "{} leavers recorded but no accounts recorded",
            leavers.len()
        ));
    }
    let mut by_person: HashMap<&str, Vec<&Account>> = HashMap::new();
    for a in &ctx.data.accounts {
        if let Some(p) = a.person.as_deref() {
            by_person.entry(p).or_default().push(a);
        }
    }
    let limit = ctx.params.leaver_disable_days;
    let mut resources = Vec::new();
    for (person, left) in &leavers {
        let deadline = left
            .checked_add_days(chrono::Days::new(limit.max(0).unsigned_abs()))
            .unwrap_or(*left);
        for a in by_person.get(person.id.as_str()).into_iter().flatten() {
            let who = &person.name;
            let r = if a.enabled {
                let days = ctx.days_since(*left);
                if days < 0 {
                    account_result(
                        a,
                        Status::Pass,
                        format!(
                            "{who} leaves on {left}; disable on {} by {deadline}",
                            a.system
                        ),
                    )
                } else if days <= limit {
                    account_result(
                        a,
                        Status::Pass,
                        format!(
                            "{who} left on {left}; still enabled on {}, due by {deadline} \
                             (limit {limit} days)",
                            a.system
                        ),
                    )
                } else {
                    account_result(
                        a,
                        Status::Fail,
                        format!(
                            "{who} left on {left}, {days} days ago; still enabled on {} \
                             (limit {limit} days)",
                            a.system
                        ),
                    )
                }
            } else {
                match a.disabled_at {
                    None => account_result(
                        a,
                        Status::InsufficientEvidence,
                        format!(
                            "{who} left on {left}; disabled on {} but no disabled_at recorded",
                            a.system
                        ),
                    ),
                    Some(t) => {
                        let disabled = t.date_naive();
                        let after = (disabled - *left).num_days();
                        if after <= limit {
                            account_result(
                                a,
                                Status::Pass,
                                format!(
                                    "{who} left on {left}; disabled on {} on {disabled}, {} \
                                     (limit {limit} days)",
                                    a.system,
                                    days_after(after)
                                ),
                            )
                        } else {
                            account_result(
                                a,
                                Status::Fail,
                                format!(
                                    "{who} left on {left}; disabled on {} only on {disabled}, \
                                     {after} days later (limit {limit} days)",
                                    a.system
                                ),
                            )
                        }
                    }
                }
            };
            resources.push(r);
        }
    }
    if resources.is_empty() {
        return Outcome::pass(format!(
            "none of the {} leavers has an account recorded",
            leavers.len()
        ));
    }
    Outcome::from_resources("accounts of leavers", resources)
}

fn days_after(days: i64) -> String {
    match days {
        d if d < 0 => format!("{} days before leaving", -d),
        0 => "on the leaving day".to_string(),
        d => format!("{d} days after leaving"),
    }
}

fn unique(ctx: &CheckCtx) -> Outcome {
    let resources = enabled_accounts(ctx)
        .map(|a| {
            let personal = matches!(
                a.kind,
                AccountKind::User
                    | AccountKind::Admin
                    | AccountKind::Technician
                    | AccountKind::Partner
            );
            if a.kind == AccountKind::Shared {
                account_result(
                    a,
                    Status::Fail,
                    format!("shared account enabled on {}", a.system),
                )
            } else if personal && !present(&a.person) {
                account_result(
                    a,
                    Status::Fail,
                    format!("{} account on {} names no person", a.kind, a.system),
                )
            } else if personal {
                account_result(
                    a,
                    Status::Pass,
                    format!(
                        "{} account on {} belongs to {}",
                        a.kind,
                        a.system,
                        a.person.as_deref().unwrap_or_default()
                    ),
                )
            } else {
                account_result(
                    a,
                    Status::Pass,
                    format!("{} account on {}", a.kind, a.system),
                )
            }
        })
        .collect();
    Outcome::from_resources("enabled accounts", resources)
}

fn admin_mfa(ctx: &CheckCtx) -> Outcome {
    let resources = enabled_accounts(ctx)
        .filter(|a| is_privileged(a))
        .map(|a| match a.mfa {
            Some(true) => account_result(a, Status::Pass, format!("MFA on ({})", a.system)),
            Some(false) => account_result(
                a,
                Status::Fail,
                format!("privileged account on {} without MFA", a.system),
            ),
            None => account_result(
                a,
                Status::InsufficientEvidence,
                format!("MFA not recorded for privileged account on {}", a.system),
            ),
        })
        .collect();
    Outcome::from_resources("enabled privileged accounts", resources)
}

fn admin_separation(ctx: &CheckCtx) -> Outcome {
    let resources = enabled_accounts(ctx)
        .filter(|a| is_privileged(a))
        .map(|a| {
            if a.has_mailbox == Some(true) {
                account_result(
                    a,
                    Status::Fail,
                    format!(
                        "privileged account on {} has a mailbox or is used for browsing",
                        a.system
                    ),
                )
            } else {
                account_result(
                    a,
                    Status::Pass,
                    format!("privileged account on {} has no mailbox", a.system),
                )
            }
        })
        .collect();
    Outcome::from_resources("enabled privileged accounts", resources)
}

fn approved_creation(ctx: &CheckCtx) -> Outcome {
    let lookback = ctx.params.account_approval_lookback_days;
    if ctx.data.accounts.is_empty() {
        return Outcome::insufficient("no accounts recorded");
    }
    if ctx.data.accounts.iter().all(|a| a.created_at.is_none()) {
        return Outcome::insufficient(format!(
            "no creation date recorded for any of {} accounts",
            ctx.data.accounts.len()
        ));
    }
    let resources: Vec<ResourceResult> = ctx
        .data
        .accounts
        .iter()
        .filter_map(|a| {
            let created = a.created_at?.date_naive();
            let days = ctx.days_since(created);
            if days > lookback {
                return None;
            }
            Some(if present(&a.approval_ref) {
                account_result(
                    a,
                    Status::Pass,
                    format!(
                        "created on {} on {created}, approved by {}",
                        a.system,
                        a.approval_ref.as_deref().unwrap_or_default().trim()
                    ),
                )
            } else {
                account_result(
                    a,
                    Status::Fail,
                    format!(
                        "created on {} on {created} without an approval reference",
                        a.system
                    ),
                )
            })
        })
        .collect();
    if resources.is_empty() {
        return Outcome::pass(format!("no accounts created in the last {lookback} days"));
    }
    Outcome::from_resources(
        &format!("accounts created in the last {lookback} days"),
        resources,
    )
}

fn partner_access(ctx: &CheckCtx) -> Outcome {
    if ctx.data.accounts.is_empty() {
        return Outcome::insufficient("no accounts recorded");
    }
    let resources: Vec<ResourceResult> = enabled_accounts(ctx)
        .filter(|a| matches!(a.kind, AccountKind::Partner | AccountKind::Technician))
        .map(|a| {
            let mut f = Findings::default();
            if !present(&a.person) {
                f.fail("names no person");
            }
            f.expect(a.mfa, true, "no MFA", "MFA");
            f.result(
                "account",
                &a.id,
                &a.username,
                &format!(
                    "{} account on {} belongs to {} and has MFA",
                    a.kind,
                    a.system,
                    a.person.as_deref().unwrap_or_default()
                ),
            )
        })
        .collect();
    if resources.is_empty() {
        return Outcome::not_applicable(format!(
            "no enabled partner or technician accounts among {} accounts",
            ctx.data.accounts.len()
        ));
    }
    Outcome::from_resources("enabled partner and technician accounts", resources)
}

// ---------------------------------------------------------------------------
// Cloud services

fn cloud_mfa_enforced(ctx: &CheckCtx) -> Outcome {
    let mut resources = Vec::new();
    let mut with_mfa: HashMap<String, &CloudService> = HashMap::new();
    for s in in_scope_services(ctx) {
        if s.mfa_available {
            with_mfa.insert(key(&s.name), s);
            let mut f = Findings::default();
            f.expect(
                s.mfa_enforced_users,
                true,
                "MFA not enforced for users",
                "MFA enforcement for users",
            );
            f.expect(
                s.mfa_enforced_admins,
                true,
                "MFA not enforced for administrators",
                "MFA enforcement for administrators",
            );
            resources.push(f.result(
                "cloud_service",
                &s.id,
                &s.name,
                "MFA enforced for users and administrators",
            ));
        } else {
            resources.push(service_result(
                s,
                Status::Pass,
                "MFA not offered by the provider; password rules apply",
            ));
        }
    }
    if resources.is_empty() {
        return Outcome::insufficient("no in-scope cloud services recorded");
    }
    if !with_mfa.is_empty() {
        for a in enabled_accounts(ctx) {
            let Some(s) = with_mfa.get(&key(&a.system)) else {
                continue;
            };
            let role = if is_privileged(a) {
                "admin account"
            } else {
                "account"
            };
            resources.push(match a.mfa {
                Some(true) => account_result(a, Status::Pass, format!("MFA on ({})", s.name)),
                Some(false) => {
                    account_result(a, Status::Fail, format!("{} {role} without MFA", s.name))
                }
                None => account_result(
                    a,
                    Status::InsufficientEvidence,
                    format!("MFA not recorded for {} {role}", s.name),
                ),
            });
        }
    }
    Outcome::from_resources("in-scope cloud services and their accounts", resources)
}

fn cloud_in_scope(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .cloud_services
        .iter()
        .filter(|s| s.holds_org_data)
        .map(|s| {
            if s.in_scope == Some(false) {
                service_result(
                    s,
                    Status::Fail,
                    "holds organisation data but is marked out of scope",
                )
            } else {
                service_result(s, Status::Pass, "holds organisation data and is in scope")
            }
        })
        .collect();
    Outcome::from_resources("cloud services holding organisation data", resources)
}

fn cloud_shared_responsibility(ctx: &CheckCtx) -> Outcome {
    let resources = in_scope_services(ctx)
        .map(|s| {
            if present(&s.responsibility_doc) {
                service_result(
                    s,
                    Status::Pass,
                    format!(
                        "shared responsibility documented at {}",
                        s.responsibility_doc.as_deref().unwrap_or_default().trim()
                    ),
                )
            } else {
                service_result(
                    s,
                    Status::Fail,
                    "no shared-responsibility document recorded",
                )
            }
        })
        .collect();
    Outcome::from_resources("in-scope cloud services", resources)
}

fn cloud_anonymous_sharing(ctx: &CheckCtx) -> Outcome {
    let resources = in_scope_services(ctx)
        .map(|s| match s.anonymous_sharing {
            Some(false) => service_result(s, Status::Pass, "anonymous sharing off"),
            Some(true) => service_result(s, Status::Fail, "anonymous sharing allowed"),
            None => service_result(
                s,
                Status::InsufficientEvidence,
                "anonymous sharing setting not recorded",
            ),
        })
        .collect();
    Outcome::from_resources("in-scope cloud services", resources)
}

// ---------------------------------------------------------------------------
// Passwords

fn password_policy(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .password_policies
        .iter()
        .map(|p| {
            let mut f = Findings::default();
            let mfa = p.mfa_enforced;
            // Guessing is limited by a lockout (a threshold of 0 means none),
            // throttling or MFA.
            let lockout = p.lockout_threshold.map(|t| (1..=10).contains(&t));
            let guessing = [lockout, p.throttling, mfa];
            if !guessing.contains(&Some(true)) {
                let lockout_text = match p.lockout_threshold {
                    Some(t) if t <= 0 => "no account lockout".to_string(),
                    Some(t) => format!("lockout after {t} attempts (at most 10)"),
                    None => "no lockout threshold recorded".to_string(),
                };
                if guessing.contains(&None) {
                    f.missing(format!("{lockout_text}; throttling or MFA not recorded"));
                } else {
                    f.fail(format!("{lockout_text}, no throttling and no MFA"));
                }
            }
            let strong = p.min_length >= 12 || (p.min_length >= 8 && p.deny_list);
            if mfa != Some(true) && !strong {
                let text = format!(
                    "minimum length {}{} without MFA (needs 12, or 8 with a deny list)",
                    p.min_length,
                    if p.deny_list {
                        " with a deny list"
                    } else {
                        " and no deny list"
                    }
                );
                if mfa.is_none() {
                    f.missing(format!("{text}; MFA not recorded"));
                } else {
                    f.fail(text);
                }
            }
            if let Some(max) = p.max_length
                && max < 64
            {
                f.fail(format!("maximum length {max} (must allow at least 64)"));
            }
            if let Some(days) = p.expiry_days
                && days > 0
            {
                f.note(format!("passwords forced to expire every {days} days"));
            }
            if p.complexity_forced == Some(true) {
                f.note("complexity rules forced");
            }
            let ok = format!(
                "minimum length {}{}{}",
                p.min_length,
                if p.deny_list { ", deny list" } else { "" },
                if mfa == Some(true) {
                    ", MFA enforced"
                } else {
                    ""
                }
            );
            f.result("password_policy", &p.id, &p.system, &ok)
        })
        .collect();
    Outcome::from_resources("password policies", resources)
}

// ---------------------------------------------------------------------------
// Access reviews and privileged changes

fn reviews_current(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let scope = match ctx.args.str("scope")? {
            None | Some("privileged") => ReviewScope::Privileged,
            Some("all") => ReviewScope::All,
            Some(other) => {
                return Err(format!(
                    "argument 'scope' must be 'privileged' or 'all', not '{other}'"
                ));
            }
        };
        let (window, what) = match scope {
            ReviewScope::Privileged => (ctx.params.privileged_review_days, "privileged"),
            ReviewScope::All => (ctx.params.access_review_days, "access"),
        };
        // Systems to judge, in the order first seen.
        let mut seen = HashSet::new();
        let mut systems: Vec<(String, &str)> = Vec::new();
        for a in enabled_accounts(ctx) {
            if scope == ReviewScope::Privileged && !is_privileged(a) {
                continue;
            }
            let k = key(&a.system);
            if seen.insert(k.clone()) {
                systems.push((k, a.system.trim()));
            }
        }
        // A review of scope `all` covers privileged accounts too.
        let counts = |s: ReviewScope| s == scope || s == ReviewScope::All;
        let mut latest = HashMap::new();
        let mut open = HashMap::new();
        for r in &ctx.data.access_reviews {
            if !counts(r.scope) {
                continue;
            }
            let k = key(&r.system);
            match r.completed_on {
                Some(done) => {
                    let slot = latest.entry(k).or_insert(r);
                    if slot.completed_on.is_some_and(|d: NaiveDate| d < done) {
                        *slot = r;
                    }
                }
                None => {
                    let slot = open.entry(k).or_insert(r);
                    if slot.started_on < r.started_on {
                        *slot = r;
                    }
                }
            }
        }
        let resources: Vec<ResourceResult> = systems
            .iter()
            .map(|(k, name)| match latest.get(k) {
                Some(r) => {
                    let done = r.completed_on.unwrap_or(r.started_on);
                    let days = ctx.days_since(done);
                    ResourceResult::new(
                        "access_review",
                        &r.id,
                        &r.name,
                        within(days, window),
                        format!(
                            "{name}: last {what} review completed {done}, {days} days ago \
                             (limit {window})"
                        ),
                    )
                }
                None => {
                    let pending = open
                        .get(k)
                        .map(|r| {
                            let due = r.due_on.map(|d| format!(", due {d}")).unwrap_or_default();
                            format!(
                                " ('{}' started {}{due}, not completed)",
                                r.name, r.started_on
                            )
                        })
                        .unwrap_or_default();
                    ResourceResult::new(
                        "system",
                        name,
                        name,
                        Status::Fail,
                        format!("{name}: no completed {what} review recorded{pending}"),
                    )
                }
            })
            .collect();
        let plural = match scope {
            ReviewScope::Privileged => "systems with enabled privileged accounts",
            ReviewScope::All => "systems with enabled accounts",
        };
        Ok(Outcome::from_resources(plural, resources))
    })
}

fn privileged_changes_approved(ctx: &CheckCtx) -> Outcome {
    let lookback = ctx.params.ticket_lookback_days;
    let resources: Vec<ResourceResult> = ctx
        .data
        .privileged_changes
        .iter()
        .filter(|c| {
            c.action == MembershipAction::Added
                && ctx.days_since(c.changed_at.date_naive()) <= lookback
        })
        .map(|c| {
            let name = format!("{} → {}", c.account, c.group_name);
            let when = c.changed_at.date_naive();
            if present(&c.approved_by) {
                ResourceResult::new(
                    "privileged_change",
                    &c.id,
                    &name,
                    Status::Pass,
                    format!(
                        "{} added to {} on {} on {when}, approved by {}",
                        c.account,
                        c.group_name,
                        c.system,
                        c.approved_by.as_deref().unwrap_or_default().trim()
                    ),
                )
            } else {
                ResourceResult::new(
                    "privileged_change",
                    &c.id,
                    &name,
                    Status::Fail,
                    format!(
                        "{} added to {} on {} on {when} with no approval recorded",
                        c.account, c.group_name, c.system
                    ),
                )
            }
        })
        .collect();
    if resources.is_empty() {
        return if ctx.data.accounts.is_empty() {
            Outcome::insufficient("no accounts or privileged group changes recorded")
        } else {
            Outcome::pass(format!(
                "no additions to privileged groups in the last {lookback} days"
            ))
        };
    }
    Outcome::from_resources(
        &format!("privileged group additions in the last {lookback} days"),
        resources,
    )
}

// ---------------------------------------------------------------------------
// People

fn confidentiality(ctx: &CheckCtx) -> Outcome {
    let today = ctx.today();
    let resources = ctx
        .data
        .people
        .iter()
        .filter(|p| {
            matches!(p.kind, PersonKind::Staff | PersonKind::Contractor)
                && p.left.is_none_or(|l| l > today)
                && p.joined.is_none_or(|j| j <= today)
                && p.client_access == Some(true)
        })
        .map(|p| {
            let mut f = Findings::default();
            f.expect(p.nda_signed, true, "no NDA signed", "NDA");
            f.expect(p.screened, true, "not screened", "screening");
            f.result(
                "person",
                &p.id,
                &p.name,
                &format!("{} with client access: NDA signed and screened", p.kind),
            )
        })
        .collect();
    Outcome::from_resources(
        "current staff and contractors with client access",
        resources,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        NOW, assert_family, assert_names, check, check_with, date, example, run, status_of, time,
    };
    use crate::engine::outcome::{Outcome, Status};
    use crate::params::Params;
    use crate::records::*;
    use serde_json::json;

    fn account(id: &str, username: &str, edit: impl FnOnce(&mut Account)) -> Account {
        let mut a = example::<Account>(id);
        a.username = username.to_string();
        edit(&mut a);
        a
    }

    fn accounts(list: Vec<Account>) -> OrgData {
        OrgData {
            accounts: list,
            ..OrgData::default()
        }
    }

    // -- accounts.dormant ---------------------------------------------------

    fn signed_in(day: &str) -> Account {
        account("a1", "bob@example.com", |a| {
            a.last_sign_in = Some(time(&format!("{day}T23:00:00Z")))
        })
    }

    #[test]
    fn dormant_45_days_passes() {
        let o = check("accounts.dormant", &accounts(vec![signed_in("2026-10-09")]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        assert_eq!(o.resources[0].kind, "account");
        assert_eq!(o.resources[0].name, "bob@example.com");
    }

    #[test]
    fn dormant_46_days_fails_naming_the_account() {
        let o = check("accounts.dormant", &accounts(vec![signed_in("2026-10-08")]));
        assert_names(&o, Status::Fail, "bob@example.com");
        assert!(o.reason.contains("46 days"), "{}", o.reason);
    }

    #[test]
    fn dormant_never_signed_in_judged_by_creation() {
        let old = account("old", "old@example.com", |a| {
            a.last_sign_in = None;
            a.created_at = Some(time("2026-10-08T09:00:00Z"));
        });
        let new = account("new", "new@example.com", |a| {
            a.last_sign_in = None;
            a.created_at = Some(time("2026-11-20T09:00:00Z"));
        });
        let unknown = account("unk", "unk@example.com", |a| {
            a.last_sign_in = None;
            a.created_at = None;
        });
        let o = check("accounts.dormant", &accounts(vec![old, new, unknown]));
        assert_names(&o, Status::Fail, "old@example.com");
        assert_eq!(status_of(&o, "new"), Status::Pass);
        assert_eq!(status_of(&o, "unk"), Status::InsufficientEvidence);
    }

    #[test]
    fn dormant_ignores_service_and_disabled_accounts() {
        let service = account("s", "svc-backup", |a| {
            a.kind = AccountKind::Service;
            a.last_sign_in = Some(time("2025-01-01T00:00:00Z"));
        });
        let disabled = account("d", "gone@example.com", |a| {
            a.enabled = false;
            a.last_sign_in = Some(time("2025-01-01T00:00:00Z"));
        });
        let o = check("accounts.dormant", &accounts(vec![service, disabled]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
        let o = check("accounts.dormant", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn dormant_limit_follows_client_override() {
        let data = accounts(vec![signed_in("2026-10-14")]); // 40 days
        assert_eq!(check("accounts.dormant", &data).status, Status::Pass);
        let params = Params {
            dormant_account_days: 30,
            ..Params::default()
        };
        let o = check_with("accounts.dormant", &data, &params);
        assert_names(&o, Status::Fail, "bob@example.com");
        assert!(o.reason.contains("limit 30"), "{}", o.reason);
    }

    // -- accounts.leavers_disabled -----------------------------------------

    fn leaver(left: Option<&str>) -> Person {
        let mut p = example::<Person>("p-jane");
        p.left = left.map(date);
        p
    }

    fn leaver_data(left: &str, disabled_at: Option<&str>) -> OrgData {
        let a = account("a1", "jane@example.com", |a| {
            a.person = Some("p-jane".into());
            a.enabled = disabled_at.is_none();
            a.disabled_at = disabled_at.map(time);
        });
        OrgData {
            people: vec![leaver(Some(left))],
            accounts: vec![a],
            ..OrgData::default()
        }
    }

    #[test]
    fn leaver_disabled_one_day_after_leaving_passes() {
        let o = check(
            "accounts.leavers_disabled",
            &leaver_data("2026-11-20", Some("2026-11-21T17:00:00Z")),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "account");
    }

    #[test]
    fn leaver_disabled_two_days_after_leaving_fails() {
        let o = check(
            "accounts.leavers_disabled",
            &leaver_data("2026-11-20", Some("2026-11-22T08:00:00Z")),
        );
        assert_names(&o, Status::Fail, "jane@example.com");
        assert!(o.reason.contains("2 days later"), "{}", o.reason);
    }

    #[test]
    fn leaver_still_enabled_fails() {
        let o = check(
            "accounts.leavers_disabled",
            &leaver_data("2026-11-20", None),
        );
        assert_names(&o, Status::Fail, "jane@example.com");
        assert!(o.reason.contains("still enabled"), "{}", o.reason);
    }

    #[test]
    fn leaver_still_enabled_inside_the_limit_is_due_not_failed() {
        let o = check(
            "accounts.leavers_disabled",
            &leaver_data("2026-11-22", None),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources[0].reason.contains("due by 2026-11-23"));
    }

    #[test]
    fn leaver_disabled_without_date_is_insufficient() {
        let mut data = leaver_data("2026-11-20", Some("2026-11-20T10:00:00Z"));
        data.accounts[0].disabled_at = None;
        let o = check("accounts.leavers_disabled", &data);
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
    }

    #[test]
    fn leavers_without_people_is_insufficient_and_without_leavers_passes() {
        let o = check("accounts.leavers_disabled", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        let data = OrgData {
            people: vec![leaver(None)],
            accounts: vec![example::<Account>("a1")],
            ..OrgData::default()
        };
        let o = check("accounts.leavers_disabled", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn leaver_limit_follows_client_override() {
        let data = leaver_data("2026-11-20", Some("2026-11-22T08:00:00Z"));
        let params = Params {
            leaver_disable_days: 3,
            ..Params::default()
        };
        let o = check_with("accounts.leavers_disabled", &data, &params);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    // -- accounts.unique -----------------------------------------------------

    #[test]
    fn unique_accounts() {
        let ok = account("a1", "jane@example.com", |_| {});
        let svc = account("a2", "svc-sql", |a| {
            a.kind = AccountKind::Service;
            a.person = None;
        });
        let o = check("accounts.unique", &accounts(vec![ok.clone(), svc.clone()]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);

        let shared = account("a3", "reception", |a| a.kind = AccountKind::Shared);
        let o = check("accounts.unique", &accounts(vec![ok.clone(), shared]));
        assert_names(&o, Status::Fail, "reception");

        let orphan = account("a4", "tech1", |a| {
            a.kind = AccountKind::Technician;
            a.person = None;
        });
        let o = check("accounts.unique", &accounts(vec![ok, orphan]));
        assert_names(&o, Status::Fail, "tech1");

        let o = check("accounts.unique", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- accounts.admin_mfa / admin_separation -------------------------------

    fn admin(id: &str, username: &str, edit: impl FnOnce(&mut Account)) -> Account {
        account(id, username, |a| {
            a.privileged = true;
            a.has_mailbox = Some(false);
            edit(a);
        })
    }

    #[test]
    fn admin_mfa() {
        let user_without = account("u", "jane@example.com", |a| a.mfa = Some(false));
        let good = admin("a1", "adm-jane", |_| {});
        let o = check(
            "accounts.admin_mfa",
            &accounts(vec![good.clone(), user_without]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);

        let bad = admin("a2", "adm-bob", |a| a.mfa = Some(false));
        let o = check("accounts.admin_mfa", &accounts(vec![good.clone(), bad]));
        assert_names(&o, Status::Fail, "adm-bob");

        let by_kind = account("a3", "admin", |a| {
            a.kind = AccountKind::Admin;
            a.mfa = Some(false);
        });
        let o = check("accounts.admin_mfa", &accounts(vec![by_kind]));
        assert_names(&o, Status::Fail, "admin");

        let unknown = admin("a4", "adm-eve", |a| a.mfa = None);
        let o = check("accounts.admin_mfa", &accounts(vec![good, unknown]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);

        let o = check("accounts.admin_mfa", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn admin_separation() {
        let good = admin("a1", "adm-jane", |_| {});
        let unset = admin("a2", "adm-joe", |a| a.has_mailbox = None);
        let o = check(
            "accounts.admin_separation",
            &accounts(vec![good.clone(), unset]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);

        let mailbox = admin("a3", "bob.admin", |a| a.has_mailbox = Some(true));
        let o = check("accounts.admin_separation", &accounts(vec![good, mailbox]));
        assert_names(&o, Status::Fail, "bob.admin");

        let o = check("accounts.admin_separation", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- accounts.approved_creation -------------------------------------------

    #[test]
    fn approved_creation() {
        let old_unapproved = account("a0", "old@example.com", |a| {
            a.created_at = Some(time("2024-01-01T00:00:00Z"));
            a.approval_ref = None;
        });
        let recent = account("a1", "new@example.com", |a| {
            a.created_at = Some(time("2026-09-01T00:00:00Z"));
        });
        let o = check(
            "accounts.approved_creation",
            &accounts(vec![old_unapproved.clone(), recent.clone()]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);

        let unapproved = account("a2", "sneaky@example.com", |a| {
            a.created_at = Some(time("2026-09-01T00:00:00Z"));
            a.approval_ref = Some("  ".into());
        });
        let o = check(
            "accounts.approved_creation",
            &accounts(vec![recent, unapproved.clone()]),
        );
        assert_names(&o, Status::Fail, "sneaky@example.com");

        // Nothing created inside the look-back: pass; a shorter look-back
        // (client override) leaves the unapproved account out.
        let o = check(
            "accounts.approved_creation",
            &accounts(vec![old_unapproved.clone()]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let params = Params {
            account_approval_lookback_days: 30,
            ..Params::default()
        };
        let o = check_with(
            "accounts.approved_creation",
            &accounts(vec![unapproved]),
            &params,
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);

        let o = check("accounts.approved_creation", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        let undated = account("a3", "x", |a| a.created_at = None);
        let o = check("accounts.approved_creation", &accounts(vec![undated]));
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- accounts.partner_access ---------------------------------------------

    #[test]
    fn partner_access() {
        let tech = account("t1", "msp-tech1", |a| a.kind = AccountKind::Technician);
        let o = check("accounts.partner_access", &accounts(vec![tech.clone()]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);

        let no_mfa = account("t2", "partner-x", |a| {
            a.kind = AccountKind::Partner;
            a.mfa = Some(false);
        });
        let o = check(
            "accounts.partner_access",
            &accounts(vec![tech.clone(), no_mfa]),
        );
        assert_names(&o, Status::Fail, "partner-x");

        let anonymous = account("t3", "msp-shared", |a| {
            a.kind = AccountKind::Technician;
            a.person = None;
        });
        let o = check("accounts.partner_access", &accounts(vec![tech, anonymous]));
        assert_names(&o, Status::Fail, "msp-shared");

        let user = account("u", "jane@example.com", |_| {});
        let o = check("accounts.partner_access", &accounts(vec![user]));
        assert_eq!(o.status, Status::NotApplicable, "{}", o.reason);

        let o = check("accounts.partner_access", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- cloud.* -------------------------------------------------------------

    fn service(id: &str, name: &str, edit: impl FnOnce(&mut CloudService)) -> CloudService {
        let mut s = example::<CloudService>(id);
        s.name = name.to_string();
        edit(&mut s);
        s
    }

    fn cloud(services: Vec<CloudService>, accounts: Vec<Account>) -> OrgData {
        OrgData {
            cloud_services: services,
            accounts,
            ..OrgData::default()
        }
    }

    #[test]
    fn cloud_mfa_enforced_passes() {
        let m365 = service("c1", "Microsoft 365", |_| {});
        let user = account("a1", "jane@example.com", |a| {
            a.system = "microsoft 365".into()
        });
        let o = check("cloud.mfa_enforced", &cloud(vec![m365], vec![user]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
        assert_eq!(o.resources[0].kind, "cloud_service");
        assert_eq!(o.resources[1].kind, "account");
    }

    #[test]
    fn cloud_mfa_not_enforced_fails() {
        let m365 = service("c1", "Microsoft 365", |s| {
            s.mfa_enforced_users = Some(false)
        });
        let o = check("cloud.mfa_enforced", &cloud(vec![m365], vec![]));
        assert_names(&o, Status::Fail, "Microsoft 365");
    }

    #[test]
    fn one_cloud_admin_without_mfa_fails_even_when_enforced() {
        let m365 = service("c1", "Microsoft 365", |_| {});
        let user = account("a1", "jane@example.com", |a| {
            a.system = "Microsoft 365".into()
        });
        let admin = admin("a2", "admin@example.onmicrosoft.com", |a| {
            a.system = "Microsoft 365".into();
            a.mfa = Some(false);
        });
        let o = check("cloud.mfa_enforced", &cloud(vec![m365], vec![user, admin]));
        assert_names(&o, Status::Fail, "admin@example.onmicrosoft.com");
        assert_eq!(status_of(&o, "c1"), Status::Pass);
    }

    #[test]
    fn cloud_mfa_ignores_other_systems_and_out_of_scope_services() {
        let m365 = service("c1", "Microsoft 365", |_| {});
        let out = service("c2", "Old CRM", |s| s.in_scope = Some(false));
        let onprem = account("a1", "jane", |a| {
            a.system = "Active Directory".into();
            a.mfa = Some(false);
        });
        let crm = account("a2", "crm-user", |a| {
            a.system = "Old CRM".into();
            a.mfa = Some(false);
        });
        let o = check(
            "cloud.mfa_enforced",
            &cloud(vec![m365, out], vec![onprem, crm]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn cloud_mfa_without_services_is_insufficient() {
        let o = check("cloud.mfa_enforced", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        let no_mfa = service("c1", "Legacy app", |s| {
            s.mfa_available = false;
            s.mfa_enforced_users = None;
        });
        let o = check("cloud.mfa_enforced", &cloud(vec![no_mfa], vec![]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn cloud_in_scope() {
        let ok = service("c1", "Microsoft 365", |s| s.in_scope = None);
        let no_data = service("c2", "Status page", |s| {
            s.holds_org_data = false;
            s.in_scope = Some(false);
        });
        let o = check(
            "cloud.in_scope",
            &cloud(vec![ok.clone(), no_data.clone()], vec![]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        let out = service("c3", "Dropbox", |s| s.in_scope = Some(false));
        let o = check("cloud.in_scope", &cloud(vec![ok, out], vec![]));
        assert_names(&o, Status::Fail, "Dropbox");
        let o = check("cloud.in_scope", &cloud(vec![no_data], vec![]));
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn cloud_shared_responsibility() {
        let ok = service("c1", "Microsoft 365", |_| {});
        let o = check(
            "cloud.shared_responsibility",
            &cloud(vec![ok.clone()], vec![]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let missing = service("c2", "Xero", |s| s.responsibility_doc = None);
        let ignored = service("c3", "Sandbox", |s| {
            s.in_scope = Some(false);
            s.responsibility_doc = None;
        });
        let o = check(
            "cloud.shared_responsibility",
            &cloud(vec![ok, missing, ignored], vec![]),
        );
        assert_names(&o, Status::Fail, "Xero");
        assert_eq!(o.resources.len(), 2);
        let o = check("cloud.shared_responsibility", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn cloud_anonymous_sharing() {
        let ok = service("c1", "Microsoft 365", |_| {});
        let o = check("cloud.anonymous_sharing", &cloud(vec![ok.clone()], vec![]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let open = service("c2", "Box", |s| s.anonymous_sharing = Some(true));
        let o = check(
            "cloud.anonymous_sharing",
            &cloud(vec![ok.clone(), open], vec![]),
        );
        assert_names(&o, Status::Fail, "Box");
        let unknown = service("c3", "Drive", |s| s.anonymous_sharing = None);
        let o = check("cloud.anonymous_sharing", &cloud(vec![ok, unknown], vec![]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
        let o = check("cloud.anonymous_sharing", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- passwords.policy ----------------------------------------------------

    /// Min 12, no deny list, no MFA, no throttling, lockout at 10: passes.
    fn policy(edit: impl FnOnce(&mut PasswordPolicy)) -> OrgData {
        let mut p = example::<PasswordPolicy>("pp1");
        p.system = "Active Directory".into();
        p.min_length = 12;
        p.deny_list = false;
        p.mfa_enforced = Some(false);
        p.throttling = Some(false);
        p.lockout_threshold = Some(10);
        p.max_length = None;
        edit(&mut p);
        OrgData {
            password_policies: vec![p],
            ..OrgData::default()
        }
    }

    fn policy_status(edit: impl FnOnce(&mut PasswordPolicy)) -> Outcome {
        check("passwords.policy", &policy(edit))
    }

    #[test]
    fn password_min_12_without_deny_list_passes() {
        let o = policy_status(|_| {});
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "password_policy");
        assert_eq!(o.resources[0].name, "Active Directory");
    }

    #[test]
    fn password_min_8_with_deny_list_passes_and_without_fails() {
        let o = policy_status(|p| {
            p.min_length = 8;
            p.deny_list = true;
        });
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = policy_status(|p| p.min_length = 8);
        assert_names(&o, Status::Fail, "Active Directory");
        assert!(o.reason.contains("minimum length 8"), "{}", o.reason);
        // MFA makes length alone acceptable.
        let o = policy_status(|p| {
            p.min_length = 8;
            p.mfa_enforced = Some(true);
        });
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn password_max_length_63_fails_64_passes() {
        let o = policy_status(|p| p.max_length = Some(63));
        assert_names(&o, Status::Fail, "Active Directory");
        assert!(o.reason.contains("maximum length 63"), "{}", o.reason);
        let o = policy_status(|p| p.max_length = Some(64));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn password_lockout_10_passes_11_fails_without_throttling_or_mfa() {
        assert_eq!(
            policy_status(|p| p.lockout_threshold = Some(10)).status,
            Status::Pass
        );
        let o = policy_status(|p| p.lockout_threshold = Some(11));
        assert_names(&o, Status::Fail, "Active Directory");
        assert!(o.reason.contains("lockout after 11"), "{}", o.reason);
        let o = policy_status(|p| {
            p.lockout_threshold = Some(11);
            p.throttling = Some(true);
        });
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = policy_status(|p| {
            p.lockout_threshold = Some(11);
            p.mfa_enforced = Some(true);
        });
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        // A threshold of 0 means no lockout at all.
        let o = policy_status(|p| p.lockout_threshold = Some(0));
        assert_eq!(o.status, Status::Fail, "{}", o.reason);
    }

    #[test]
    fn password_unknown_guessing_protection_is_insufficient() {
        let o = policy_status(|p| {
            p.lockout_threshold = None;
            p.throttling = None;
        });
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
    }

    #[test]
    fn password_expiry_and_complexity_are_noted_not_failed() {
        let o = policy_status(|p| {
            p.expiry_days = Some(90);
            p.complexity_forced = Some(true);
        });
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let r = &o.resources[0].reason;
        assert!(
            r.contains("expire every 90 days") && r.contains("complexity"),
            "{r}"
        );
    }

    #[test]
    fn password_without_policies_is_insufficient() {
        let o = check("passwords.policy", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- access.reviews_current ----------------------------------------------

    fn review(id: &str, system: &str, scope: ReviewScope, completed: Option<&str>) -> AccessReview {
        let mut r = example::<AccessReview>(id);
        r.system = system.to_string();
        r.scope = scope;
        r.started_on = date("2026-01-01");
        r.completed_on = completed.map(date);
        r
    }

    fn review_data(reviews: Vec<AccessReview>) -> OrgData {
        OrgData {
            accounts: vec![
                admin("a1", "adm-jane", |a| a.system = "Entra ID".into()),
                account("a2", "jane", |a| a.system = "Xero".into()),
            ],
            access_reviews: reviews,
            ..OrgData::default()
        }
    }

    #[test]
    fn privileged_review_92_days_passes_93_fails() {
        let data = review_data(vec![review(
            "r1",
            "Entra ID",
            ReviewScope::Privileged,
            Some("2026-08-23"),
        )]);
        let o = check("access.reviews_current", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        assert_eq!(o.resources[0].kind, "access_review");

        let data = review_data(vec![review(
            "r1",
            "Entra ID",
            ReviewScope::Privileged,
            Some("2026-08-22"),
        )]);
        let o = check("access.reviews_current", &data);
        assert_eq!(o.status, Status::Fail, "{}", o.reason);
        assert!(
            o.reason.contains("Entra ID") && o.reason.contains("93 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn the_latest_completed_review_counts() {
        let data = review_data(vec![
            review(
                "r1",
                "Entra ID",
                ReviewScope::Privileged,
                Some("2026-01-20"),
            ),
            review("r2", "entra id", ReviewScope::All, Some("2026-10-20")),
            review("r3", "Entra ID", ReviewScope::Privileged, None),
        ]);
        let o = check("access.reviews_current", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].id, "r2");
    }

    #[test]
    fn system_without_a_completed_review_fails() {
        let data = review_data(vec![review(
            "r1",
            "Entra ID",
            ReviewScope::Privileged,
            None,
        )]);
        let o = check("access.reviews_current", &data);
        assert_names(&o, Status::Fail, "Entra ID");
        assert_eq!(o.resources[0].kind, "system");
        assert_eq!(o.resources[0].id, "Entra ID");
        assert!(o.reason.contains("not completed"), "{}", o.reason);
    }

    #[test]
    fn all_scope_covers_every_system_and_uses_the_access_window() {
        let data = review_data(vec![
            review("r1", "Entra ID", ReviewScope::All, Some("2026-01-20")),
            review("r2", "Xero", ReviewScope::Privileged, Some("2026-11-01")),
        ]);
        let o = run(
            "access.reviews_current",
            &data,
            NOW,
            json!({"scope": "all"}),
        );
        // Entra ID: all-review 307 days old, within 365; Xero: only a
        // privileged review, which does not cover all access.
        assert_eq!(status_of(&o, "r1"), Status::Pass);
        assert_names(&o, Status::Fail, "Xero");
    }

    #[test]
    fn reviews_window_follows_client_override() {
        let data = review_data(vec![review(
            "r1",
            "Entra ID",
            ReviewScope::Privileged,
            Some("2026-08-22"),
        )]);
        let params = Params {
            privileged_review_days: 100,
            ..Params::default()
        };
        let o = check_with("access.reviews_current", &data, &params);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn reviews_bad_scope_is_an_error_and_no_data_insufficient() {
        let data = review_data(vec![]);
        let o = run(
            "access.reviews_current",
            &data,
            NOW,
            json!({"scope": "some"}),
        );
        assert_eq!(o.status, Status::Error);
        assert!(o.reason.contains("scope"), "{}", o.reason);
        let o = run("access.reviews_current", &data, NOW, json!({"scope": 3}));
        assert_eq!(o.status, Status::Error);
        let o = check("access.reviews_current", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- access.privileged_changes_approved ----------------------------------

    fn change(id: &str, account: &str, at: &str, approved: Option<&str>) -> PrivilegedChange {
        let mut c = example::<PrivilegedChange>(id);
        c.account = account.to_string();
        c.changed_at = time(at);
        c.approved_by = approved.map(str::to_string);
        c
    }

    #[test]
    fn privileged_changes_approved() {
        let ok = change(
            "c1",
            "adm-jane",
            "2026-10-02T10:00:00Z",
            Some("A. Director"),
        );
        let old = change("c0", "adm-old", "2026-01-02T10:00:00Z", None);
        let mut removed = change("c2", "adm-gone", "2026-11-02T10:00:00Z", None);
        removed.action = MembershipAction::Removed;
        let data = OrgData {
            privileged_changes: vec![ok.clone(), old, removed],
            ..OrgData::default()
        };
        let o = check("access.privileged_changes_approved", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        assert_eq!(o.resources[0].kind, "privileged_change");

        let bad = change("c3", "adm-bob", "2026-11-20T10:00:00Z", None);
        let data = OrgData {
            privileged_changes: vec![ok, bad],
            ..OrgData::default()
        };
        let o = check("access.privileged_changes_approved", &data);
        assert_names(&o, Status::Fail, "adm-bob");
    }

    #[test]
    fn privileged_changes_none_passes_only_with_accounts() {
        let o = check("access.privileged_changes_approved", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        let o = check(
            "access.privileged_changes_approved",
            &accounts(vec![example::<Account>("a1")]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    // -- people.confidentiality ----------------------------------------------

    fn person(id: &str, name: &str, edit: impl FnOnce(&mut Person)) -> Person {
        let mut p = example::<Person>(id);
        p.name = name.to_string();
        edit(&mut p);
        p
    }

    #[test]
    fn confidentiality() {
        let ok = person("p1", "Jane Smith", |_| {});
        let contractor = person("p2", "Carl Contractor", |p| p.kind = PersonKind::Contractor);
        let left = person("p3", "Old Timer", |p| {
            p.left = Some(date("2026-06-01"));
            p.nda_signed = Some(false);
        });
        let client_user = person("p4", "Client User", |p| {
            p.kind = PersonKind::ClientUser;
            p.nda_signed = Some(false);
        });
        let no_access = person("p5", "Back Office", |p| {
            p.client_access = Some(false);
            p.screened = Some(false);
        });
        let data = OrgData {
            people: vec![ok.clone(), contractor, left, client_user, no_access],
            ..OrgData::default()
        };
        let o = check("people.confidentiality", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
        assert_eq!(o.resources[0].kind, "person");

        let unscreened = person("p6", "New Starter", |p| p.screened = Some(false));
        let data = OrgData {
            people: vec![ok, unscreened],
            ..OrgData::default()
        };
        let o = check("people.confidentiality", &data);
        assert_names(&o, Status::Fail, "New Starter");
        assert!(o.reason.contains("not screened"), "{}", o.reason);

        let o = check("people.confidentiality", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn every_check_of_the_family_is_registered_once() {
        assert_family(super::CHECKS, 15);
    }
}
