//! Network: firewalls, wireless, mail, remote access (`network` family).

use super::support::{Findings, key, org_resource, present};
use super::{CheckCtx, CheckDef, CheckKind};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::Direction;
use crate::records::{
    DmarcPolicy, Firewall, FirewallRule, InboundDefault, RuleAction, WifiSecurity,
};
use std::collections::{HashMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "firewall.site_coverage",
        title: "Every site behind a firewall",
        kind: CheckKind::Automated,
        about: "Every site has a boundary firewall recorded (an organisation without sites needs \
                at least one firewall); a site without one fails.",
        run: site_coverage,
    },
    CheckDef {
        id: "firewall.default_credentials",
        title: "Firewall default credentials changed",
        kind: CheckKind::Automated,
        about: "Every firewall has had its default administrator credentials changed.",
        run: default_credentials,
    },
    CheckDef {
        id: "firewall.admin_interface",
        title: "Firewall admin interface protected",
        kind: CheckKind::Automated,
        about: "A firewall's admin interface is not reachable from the internet, or it is \
                protected by MFA or an allow-list of 1 to 5 entries and the exposure is justified.",
        run: admin_interface,
    },
    CheckDef {
        id: "firewall.default_deny",
        title: "Firewall denies inbound by default",
        kind: CheckKind::Automated,
        about: "Every firewall blocks unsolicited inbound traffic by default.",
        run: default_deny,
    },
    CheckDef {
        id: "firewall.firmware_supported",
        title: "Firewall firmware supported",
        kind: CheckKind::Automated,
        about: "Every firewall runs firmware its vendor still supports.",
        run: firmware_supported,
    },
    CheckDef {
        id: "firewall.intrusion_prevention",
        title: "Firewall intrusion prevention",
        kind: CheckKind::Automated,
        about: "Every firewall has intrusion prevention switched on.",
        run: intrusion_prevention,
    },
    CheckDef {
        id: "firewall.rules_approved",
        title: "Inbound firewall rules approved",
        kind: CheckKind::Automated,
        about: "Every enabled inbound allow rule records who approved it and why it is needed.",
        run: rules_approved,
    },
    CheckDef {
        id: "firewall.rules_reviewed",
        title: "Firewall rules reviewed",
        kind: CheckKind::Automated,
        about: "Every enabled firewall rule is inside its review date and was hit within \
                `firewall_rule_unused_days`; a firewall without recorded rules is insufficient \
                evidence.",
        run: rules_reviewed,
    },
    CheckDef {
        id: "wireless.secured",
        title: "Wireless networks secured",
        kind: CheckKind::Automated,
        about: "Internal wireless networks use WPA2-Enterprise or WPA3, guest networks are \
                segregated, and default credentials are changed.",
        run: wireless_secured,
    },
    CheckDef {
        id: "wireless.admin_not_exposed",
        title: "Wireless admin not exposed",
        kind: CheckKind::Automated,
        about: "No wireless network's management interface is reachable from the internet.",
        run: wireless_admin_not_exposed,
    },
    CheckDef {
        id: "email.authenticated",
        title: "Mail domains authenticated and filtered",
        kind: CheckKind::Automated,
        about: "Every mail domain publishes SPF and DKIM, a DMARC policy of quarantine or \
                reject, and its mail is filtered.",
        run: email_authenticated,
    },
    CheckDef {
        id: "remote_access.secured",
        title: "Remote access secured",
        kind: CheckKind::Automated,
        about: "Every remote access tool enforces MFA, logs sessions and is not directly \
                reachable from the internet.",
        run: remote_access_secured,
    },
];

// ---------------------------------------------------------------------------
// Helpers

/// One result per firewall from a required boolean setting.
fn firewall_flag(
    ctx: &CheckCtx,
    get: fn(&Firewall) -> Option<bool>,
    ok: &str,
    bad: &str,
    what: &str,
) -> Outcome {
    let resources = ctx
        .data
        .firewalls
        .iter()
        .map(|fw| {
            let mut f = Findings::default();
            f.expect(get(fw), true, bad, what);
            f.result("firewall", &fw.id, &fw.name, ok)
        })
        .collect();
    Outcome::from_resources("firewalls", resources)
}

/// Firewalls by id and by name, to resolve a rule's `firewall`.
struct FirewallIndex<'a> {
    by_id: HashMap<&'a str, &'a Firewall>,
    by_name: HashMap<String, &'a Firewall>,
}

impl<'a> FirewallIndex<'a> {
    fn new(firewalls: &'a [Firewall]) -> Self {
        FirewallIndex {
            by_id: firewalls.iter().map(|f| (f.id.as_str(), f)).collect(),
            by_name: firewalls.iter().map(|f| (key(&f.name), f)).collect(),
        }
    }

    fn get(&self, reference: &str) -> Option<&'a Firewall> {
        self.by_id
            .get(reference)
            .or_else(|| self.by_name.get(&key(reference)))
            .copied()
    }

    /// The firewall's name, or the reference itself when it is not recorded.
    fn name<'b>(&self, reference: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.get(reference).map_or(reference, |f| f.name.as_str())
    }
}

/// A rule's human name: its own, else what it allows, else its id.
fn rule_name(r: &FirewallRule) -> String {
    if present(&r.name) {
        return r.name.as_deref().unwrap_or_default().trim().to_string();
    }
    match (&r.service, &r.destination) {
        (Some(s), Some(d)) => format!("{} {s} to {d}", r.direction),
        (Some(s), None) => format!("{} {s}", r.direction),
        _ => r.id.clone(),
    }
}

// ---------------------------------------------------------------------------
// Firewalls

fn site_coverage(ctx: &CheckCtx) -> Outcome {
    let firewalls = &ctx.data.firewalls;
    if ctx.data.sites.is_empty() {
        return if firewalls.is_empty() {
            Outcome::insufficient("no sites and no firewalls recorded").with_resources(vec![
                org_resource(
                    ctx,
                    Status::InsufficientEvidence,
                    "no sites and no firewalls recorded",
                ),
            ])
        } else {
            let names: Vec<&str> = firewalls.iter().map(|f| f.name.as_str()).collect();
            let reason = format!(
                "no sites recorded; {} firewall(s): {}",
                names.len(),
                names.join(", ")
            );
            Outcome::pass(reason.clone()).with_resources(vec![org_resource(
                ctx,
                Status::Pass,
                reason,
            )])
        };
    }
    let mut by_site: HashMap<String, Vec<&str>> = HashMap::new();
    for fw in firewalls {
        if let Some(site) = fw.site.as_deref() {
            by_site.entry(key(site)).or_default().push(&fw.name);
        }
    }
    let resources = ctx
        .data
        .sites
        .iter()
        .map(|s| {
            let mut names: Vec<&str> = Vec::new();
            for k in [key(&s.id), key(&s.name)] {
                for n in by_site.get(&k).into_iter().flatten() {
                    if !names.contains(n) {
                        names.push(n);
                    }
                }
            }
            if names.is_empty() {
                ResourceResult::new("site", &s.id, &s.name, Status::Fail, "no firewall recorded")
            } else {
                ResourceResult::new(
                    "site",
                    &s.id,
                    &s.name,
                    Status::Pass,
                    format!("behind {}", names.join(", ")),
                )
            }
        })
        .collect();
    Outcome::from_resources("sites", resources)
}

fn default_credentials(ctx: &CheckCtx) -> Outcome {
    firewall_flag(
        ctx,
        |f| f.default_credentials_changed,
        "default credentials changed",
        "default administrator credentials not changed",
        "change of default credentials",
    )
}

fn admin_interface(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .firewalls
        .iter()
        .map(|fw| {
            if !fw.admin_interface_internet {
                return ResourceResult::new(
                    "firewall",
                    &fw.id,
                    &fw.name,
                    Status::Pass,
                    "admin interface not reachable from the internet",
                );
            }
            let mut f = Findings::default();
            let allow = fw
                .admin_allowlist
                .iter()
                .filter(|e| !e.trim().is_empty())
                .count();
            let allow_ok = (1..=5).contains(&allow);
            let allow_text = match allow {
                0 => "no allow-list".to_string(),
                n if n > 5 => format!("allow-list of {n} entries (at most 5)"),
                n => format!("allow-list of {n} entries"),
            };
            let protection = if fw.admin_mfa == Some(true) {
                "MFA".to_string()
            } else if allow_ok {
                allow_text.clone()
            } else if fw.admin_mfa.is_none() {
                f.missing(format!(
                    "admin interface on the internet with {allow_text}; admin MFA not recorded"
                ));
                String::new()
            } else {
                f.fail(format!(
                    "admin interface on the internet without MFA and with {allow_text}"
                ));
                String::new()
            };
            if !present(&fw.admin_exposure_justification) {
                f.fail("admin interface on the internet without a recorded justification");
            }
            let ok = format!(
                "admin interface on the internet, protected by {protection} and justified: {}",
                fw.admin_exposure_justification
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
            );
            f.result("firewall", &fw.id, &fw.name, &ok)
        })
        .collect();
    Outcome::from_resources("firewalls", resources)
}

fn default_deny(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .firewalls
        .iter()
        .map(|fw| match fw.default_inbound {
            InboundDefault::Deny => ResourceResult::new(
                "firewall",
                &fw.id,
                &fw.name,
                Status::Pass,
                "inbound traffic denied by default",
            ),
            InboundDefault::Allow => ResourceResult::new(
                "firewall",
                &fw.id,
                &fw.name,
                Status::Fail,
                "inbound traffic allowed by default",
            ),
        })
        .collect();
    Outcome::from_resources("firewalls", resources)
}

fn firmware_supported(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .firewalls
        .iter()
        .map(|fw| {
            let version = fw
                .firmware_version
                .as_deref()
                .map(|v| format!("firmware {v}"))
                .unwrap_or_else(|| "firmware".to_string());
            let mut f = Findings::default();
            f.expect(
                fw.firmware_supported,
                true,
                &format!("{version} no longer supported by the vendor"),
                "firmware support",
            );
            f.result(
                "firewall",
                &fw.id,
                &fw.name,
                &format!("{version} supported"),
            )
        })
        .collect();
    Outcome::from_resources("firewalls", resources)
}

fn intrusion_prevention(ctx: &CheckCtx) -> Outcome {
    firewall_flag(
        ctx,
        |f| f.intrusion_prevention,
        "intrusion prevention on",
        "intrusion prevention off",
        "intrusion prevention",
    )
}

fn rules_approved(ctx: &CheckCtx) -> Outcome {
    let rules = &ctx.data.firewall_rules;
    if rules.is_empty() {
        return Outcome::insufficient("no firewall rules recorded");
    }
    let index = FirewallIndex::new(&ctx.data.firewalls);
    let resources: Vec<ResourceResult> = rules
        .iter()
        .filter(|r| r.enabled && r.direction == Direction::Inbound && r.action == RuleAction::Allow)
        .map(|r| {
            let fw = index.name(&r.firewall);
            let mut f = Findings::default();
            if !present(&r.approved_by) {
                f.fail(format!(
                    "inbound allow rule on {fw} with no approver recorded"
                ));
            }
            if !present(&r.justification) {
                f.fail(format!(
                    "inbound allow rule on {fw} with no justification recorded"
                ));
            }
            let ok = format!(
                "inbound allow rule on {fw} approved by {}: {}",
                r.approved_by.as_deref().unwrap_or_default().trim(),
                r.justification.as_deref().unwrap_or_default().trim()
            );
            f.result("firewall_rule", &r.id, &rule_name(r), &ok)
        })
        .collect();
    if resources.is_empty() {
        return Outcome::pass(format!(
            "no enabled inbound allow rules among {} firewall rules",
            rules.len()
        ));
    }
    Outcome::from_resources("enabled inbound allow rules", resources)
}

fn rules_reviewed(ctx: &CheckCtx) -> Outcome {
    let firewalls = &ctx.data.firewalls;
    let rules = &ctx.data.firewall_rules;
    if firewalls.is_empty() && rules.is_empty() {
        return Outcome::insufficient("no firewalls or firewall rules recorded");
    }
    let index = FirewallIndex::new(firewalls);
    let limit = ctx.params.firewall_rule_unused_days;
    let today = ctx.today();
    let mut with_rules: HashSet<&str> = HashSet::new();
    let mut resources = Vec::new();
    for r in rules {
        if let Some(fw) = index.get(&r.firewall) {
            with_rules.insert(fw.id.as_str());
        }
        if !r.enabled {
            continue;
        }
        let fw = index.name(&r.firewall);
        let mut f = Findings::default();
        let due = match r.review_due {
            Some(due) if today > due => {
                f.fail(format!("rule on {fw} was due for review on {due}"));
                String::new()
            }
            Some(due) => format!("review due {due}"),
            None => {
                f.missing(format!("no review date recorded for rule on {fw}"));
                String::new()
            }
        };
        let hit = match (r.last_hit, r.created_on) {
            (Some(hit), _) => {
                let days = ctx.days_since(hit);
                if days > limit {
                    f.fail(format!(
                        "rule on {fw} unused for {days} days since {hit} (limit {limit})"
                    ));
                }
                format!("last hit {hit}, {days} days ago (limit {limit})")
            }
            (None, Some(created)) => {
                let days = ctx.days_since(created);
                if days > limit {
                    f.fail(format!(
                        "rule on {fw} never hit since it was created on {created}, {days} days \
                         ago (limit {limit})"
                    ));
                }
                format!("not hit yet, created {created}, {days} days ago (limit {limit})")
            }
            (None, None) => {
                f.missing(format!(
                    "no last hit or creation date recorded for rule on {fw}"
                ));
                String::new()
            }
        };
        let ok = format!("rule on {fw}: {hit}; {due}");
        resources.push(f.result("firewall_rule", &r.id, &rule_name(r), &ok));
    }
    for fw in firewalls {
        if !with_rules.contains(fw.id.as_str()) {
            resources.push(ResourceResult::new(
                "firewall",
                &fw.id,
                &fw.name,
                Status::InsufficientEvidence,
                "no firewall rules recorded",
            ));
        }
    }
    Outcome::from_resources("enabled firewall rules", resources)
}

// ---------------------------------------------------------------------------
// Wireless, mail and remote access

fn wireless_secured(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .wireless_networks
        .iter()
        .map(|w| {
            let mut f = Findings::default();
            let open = w.security == WifiSecurity::Open;
            let ok = if w.guest {
                match w.segregated {
                    Some(true) => {
                        if open {
                            f.note("open guest network");
                        }
                    }
                    Some(false) if open => f.fail("open guest network not segregated"),
                    Some(false) => f.fail("guest network not segregated"),
                    None => f.missing("segregation of the guest network not recorded"),
                }
                format!("{} guest network, segregated", w.security)
            } else {
                if !matches!(
                    w.security,
                    WifiSecurity::Wpa2Enterprise | WifiSecurity::Wpa3
                ) {
                    f.fail(format!(
                        "internal network uses {} (needs wpa2_enterprise or wpa3)",
                        w.security
                    ));
                }
                format!("internal network uses {}", w.security)
            };
            f.expect(
                w.default_credentials_changed,
                true,
                "default credentials not changed",
                "change of default credentials",
            );
            f.result(
                "wireless_network",
                &w.id,
                &w.ssid,
                &format!("{ok}; default credentials changed"),
            )
        })
        .collect();
    Outcome::from_resources("wireless networks", resources)
}

fn wireless_admin_not_exposed(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .wireless_networks
        .iter()
        .map(|w| {
            let mut f = Findings::default();
            f.expect(
                w.admin_internet_exposed,
                false,
                "admin interface reachable from the internet",
                "internet exposure of the admin interface",
            );
            f.result(
                "wireless_network",
                &w.id,
                &w.ssid,
                "admin interface not reachable from the internet",
            )
        })
        .collect();
    Outcome::from_resources("wireless networks", resources)
}

fn email_authenticated(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .email_domains
        .iter()
        .map(|d| {
            let mut f = Findings::default();
            f.expect(d.spf, true, "no SPF record", "SPF");
            f.expect(d.dkim, true, "no DKIM signing", "DKIM");
            match d.dmarc {
                Some(DmarcPolicy::Quarantine | DmarcPolicy::Reject) => {}
                Some(DmarcPolicy::None) => {
                    f.fail("DMARC policy 'none' (needs quarantine or reject)")
                }
                None => f.missing("DMARC not recorded"),
            }
            f.expect(d.filtering, true, "mail not filtered", "mail filtering");
            let ok = format!(
                "SPF, DKIM, DMARC {} and filtering in place",
                d.dmarc.map(|p| p.as_str()).unwrap_or_default()
            );
            f.result("email_domain", &d.id, &d.domain, &ok)
        })
        .collect();
    Outcome::from_resources("mail domains", resources)
}

fn remote_access_secured(ctx: &CheckCtx) -> Outcome {
    let resources = ctx
        .data
        .remote_access
        .iter()
        .map(|t| {
            let mut f = Findings::default();
            f.expect(t.mfa_enforced, true, "MFA not enforced", "MFA enforcement");
            f.expect(
                t.session_logging,
                true,
                "sessions not logged",
                "session logging",
            );
            f.expect(
                t.internet_exposed,
                false,
                "directly reachable from the internet",
                "internet exposure",
            );
            f.result(
                "remote_access",
                &t.id,
                &t.tool,
                "MFA enforced, sessions logged, not directly reachable from the internet",
            )
        })
        .collect();
    Outcome::from_resources("remote access tools", resources)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_family, assert_names, check, check_with, date, example};
    use crate::engine::outcome::{Outcome, Status};
    use crate::params::Params;
    use crate::records::*;

    fn firewall(id: &str, name: &str, edit: impl FnOnce(&mut Firewall)) -> Firewall {
        let mut f = example::<Firewall>(id);
        f.name = name.to_string();
        edit(&mut f);
        f
    }

    fn firewalls(list: Vec<Firewall>) -> OrgData {
        OrgData {
            firewalls: list,
            ..OrgData::default()
        }
    }

    // -- firewall.site_coverage ----------------------------------------------

    fn site(id: &str, name: &str) -> Site {
        let mut s = example::<Site>(id);
        s.name = name.to_string();
        s
    }

    #[test]
    fn site_coverage() {
        let data = OrgData {
            sites: vec![site("hq", "Head office"), site("dc", "Data centre")],
            firewalls: vec![
                firewall("fw1", "HQ edge", |_| {}),
                firewall("fw2", "DC edge", |f| f.site = Some("Data Centre".into())),
            ],
            ..OrgData::default()
        };
        let o = check("firewall.site_coverage", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
        assert_eq!(o.resources[0].kind, "site");

        let data = OrgData {
            sites: vec![site("hq", "Head office"), site("br", "Branch office")],
            firewalls: vec![firewall("fw1", "HQ edge", |_| {})],
            ..OrgData::default()
        };
        let o = check("firewall.site_coverage", &data);
        assert_names(&o, Status::Fail, "Branch office");
    }

    #[test]
    fn site_coverage_without_sites() {
        let o = check(
            "firewall.site_coverage",
            &firewalls(vec![firewall("fw1", "HQ edge", |f| f.site = None)]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "organisation");
        let o = check("firewall.site_coverage", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- simple firewall settings --------------------------------------------

    /// Check `id` on a good firewall ("HQ edge") alone, with one changed by
    /// `bad` ("Branch router"), with one changed by `unknown` ("Shop"), and
    /// on no firewalls.
    fn setting_cases(id: &str, bad: fn(&mut Firewall), unknown: fn(&mut Firewall)) -> [Outcome; 4] {
        let ok = firewall("fw1", "HQ edge", |_| {});
        [
            check(id, &firewalls(vec![ok.clone()])),
            check(
                id,
                &firewalls(vec![ok.clone(), firewall("fw2", "Branch router", bad)]),
            ),
            check(id, &firewalls(vec![ok, firewall("fw3", "Shop", unknown)])),
            check(id, &OrgData::default()),
        ]
    }

    #[test]
    fn default_credentials() {
        let [ok, bad, unknown, none] = setting_cases(
            "firewall.default_credentials",
            |f| f.default_credentials_changed = Some(false),
            |f| f.default_credentials_changed = None,
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.reason);
        assert_names(&bad, Status::Fail, "Branch router");
        assert_eq!(
            unknown.status,
            Status::InsufficientEvidence,
            "{}",
            unknown.reason
        );
        assert_eq!(none.status, Status::InsufficientEvidence);
    }

    #[test]
    fn default_deny() {
        let [ok, bad, _, none] = setting_cases(
            "firewall.default_deny",
            |f| f.default_inbound = InboundDefault::Allow,
            |_| {},
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.reason);
        assert_names(&bad, Status::Fail, "Branch router");
        assert_eq!(none.status, Status::InsufficientEvidence);
    }

    #[test]
    fn firmware_supported() {
        let [ok, bad, unknown, none] = setting_cases(
            "firewall.firmware_supported",
            |f| f.firmware_supported = Some(false),
            |f| f.firmware_supported = None,
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.reason);
        assert_names(&bad, Status::Fail, "Branch router");
        assert!(bad.reason.contains("7.4.5"), "{}", bad.reason);
        assert_eq!(
            unknown.status,
            Status::InsufficientEvidence,
            "{}",
            unknown.reason
        );
        assert_eq!(none.status, Status::InsufficientEvidence);
    }

    #[test]
    fn intrusion_prevention() {
        let [ok, bad, _, none] = setting_cases(
            "firewall.intrusion_prevention",
            |f| f.intrusion_prevention = Some(false),
            |_| {},
        );
        assert_eq!(ok.status, Status::Pass, "{}", ok.reason);
        assert_names(&bad, Status::Fail, "Branch router");
        assert_eq!(none.status, Status::InsufficientEvidence);
    }

    // -- firewall.admin_interface --------------------------------------------

    /// Admin interface on the internet, justified, no MFA, `n` allow-list entries.
    fn exposed(n: usize) -> OrgData {
        firewalls(vec![firewall("fw1", "HQ edge", |f| {
            f.admin_interface_internet = true;
            f.admin_mfa = Some(false);
            f.admin_allowlist = (1..=n).map(|i| format!("198.51.100.{i}")).collect();
            f.admin_exposure_justification = Some("Vendor support access".into());
        })])
    }

    #[test]
    fn admin_interface_not_exposed_passes() {
        let o = check(
            "firewall.admin_interface",
            &firewalls(vec![firewall("fw1", "HQ edge", |f| f.admin_mfa = None)]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn admin_interface_allow_list_of_5_passes_6_fails_none_fails() {
        let o = check("firewall.admin_interface", &exposed(5));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = check("firewall.admin_interface", &exposed(6));
        assert_names(&o, Status::Fail, "HQ edge");
        assert!(o.reason.contains("6 entries"), "{}", o.reason);
        let o = check("firewall.admin_interface", &exposed(0));
        assert_names(&o, Status::Fail, "HQ edge");
        assert!(o.reason.contains("no allow-list"), "{}", o.reason);
    }

    #[test]
    fn admin_interface_mfa_and_justification() {
        let mut data = exposed(0);
        data.firewalls[0].admin_mfa = Some(true);
        let o = check("firewall.admin_interface", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);

        data.firewalls[0].admin_exposure_justification = None;
        let o = check("firewall.admin_interface", &data);
        assert_names(&o, Status::Fail, "HQ edge");
        assert!(o.reason.contains("justification"), "{}", o.reason);

        let mut data = exposed(0);
        data.firewalls[0].admin_mfa = None;
        let o = check("firewall.admin_interface", &data);
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);

        let o = check("firewall.admin_interface", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- firewall rules ------------------------------------------------------

    fn rule(id: &str, name: &str, edit: impl FnOnce(&mut FirewallRule)) -> FirewallRule {
        let mut r = example::<FirewallRule>(id);
        r.firewall = "fw1".into();
        r.name = Some(name.to_string());
        edit(&mut r);
        r
    }

    fn rules(list: Vec<FirewallRule>) -> OrgData {
        OrgData {
            firewalls: vec![firewall("fw1", "HQ edge", |_| {})],
            firewall_rules: list,
            ..OrgData::default()
        }
    }

    #[test]
    fn rules_approved() {
        let ok = rule("r1", "HTTPS to web", |_| {});
        let outbound = rule("r2", "Outbound DNS", |r| {
            r.direction = Direction::Outbound;
            r.approved_by = None;
        });
        let deny = rule("r3", "Block SMB", |r| {
            r.action = RuleAction::Deny;
            r.justification = None;
        });
        let disabled = rule("r4", "Old RDP", |r| {
            r.enabled = false;
            r.approved_by = None;
        });
        let o = check(
            "firewall.rules_approved",
            &rules(vec![ok.clone(), outbound.clone(), deny.clone(), disabled]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        assert_eq!(o.resources[0].kind, "firewall_rule");

        let unapproved = rule("r5", "RDP to server", |r| r.approved_by = None);
        let o = check("firewall.rules_approved", &rules(vec![ok, unapproved]));
        assert_names(&o, Status::Fail, "RDP to server");
        assert!(o.reason.contains("HQ edge"), "{}", o.reason);

        let unjustified = rule("r6", "SSH in", |r| r.justification = Some(" ".into()));
        let o = check("firewall.rules_approved", &rules(vec![unjustified]));
        assert_names(&o, Status::Fail, "SSH in");

        // Rules but no inbound allow rule: nothing to approve.
        let o = check("firewall.rules_approved", &rules(vec![outbound, deny]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);

        let o = check("firewall.rules_approved", &rules(vec![]));
        assert_eq!(o.status, Status::InsufficientEvidence);
        let o = check("firewall.rules_approved", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    fn hit_on(day: &str) -> OrgData {
        rules(vec![rule("r1", "HTTPS to web", |r| {
            r.last_hit = Some(date(day))
        })])
    }

    #[test]
    fn rule_last_hit_90_days_passes_91_fails() {
        let o = check("firewall.rules_reviewed", &hit_on("2026-08-25"));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = check("firewall.rules_reviewed", &hit_on("2026-08-24"));
        assert_names(&o, Status::Fail, "HTTPS to web");
        assert!(o.reason.contains("91 days"), "{}", o.reason);
    }

    #[test]
    fn rule_unused_limit_follows_client_override() {
        let params = Params {
            firewall_rule_unused_days: 120,
            ..Params::default()
        };
        let o = check_with("firewall.rules_reviewed", &hit_on("2026-08-24"), &params);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn rule_review_due_yesterday_fails_today_passes() {
        let due = |day: &str| {
            rules(vec![rule("r1", "HTTPS to web", |r| {
                r.review_due = Some(date(day))
            })])
        };
        let o = check("firewall.rules_reviewed", &due("2026-11-22"));
        assert_names(&o, Status::Fail, "HTTPS to web");
        assert!(o.reason.contains("2026-11-22"), "{}", o.reason);
        let o = check("firewall.rules_reviewed", &due("2026-11-23"));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn rule_never_hit_is_judged_from_creation() {
        let never = |created: &str| {
            rules(vec![rule("r1", "New rule", |r| {
                r.last_hit = None;
                r.created_on = Some(date(created));
            })])
        };
        let o = check("firewall.rules_reviewed", &never("2026-11-01"));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let o = check("firewall.rules_reviewed", &never("2026-01-01"));
        assert_names(&o, Status::Fail, "New rule");
        let mut data = never("2026-01-01");
        data.firewall_rules[0].created_on = None;
        let o = check("firewall.rules_reviewed", &data);
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
    }

    #[test]
    fn firewall_without_rules_is_insufficient() {
        let mut data = hit_on("2026-11-20");
        data.firewalls
            .push(firewall("fw2", "Branch router", |_| {}));
        let o = check("firewall.rules_reviewed", &data);
        assert_names(&o, Status::InsufficientEvidence, "Branch router");
        let o = check("firewall.rules_reviewed", &rules(vec![]));
        assert_eq!(o.status, Status::InsufficientEvidence);
        let o = check("firewall.rules_reviewed", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        // Disabled rules are not judged.
        let data = rules(vec![rule("r1", "Old", |r| {
            r.enabled = false;
            r.last_hit = Some(date("2020-01-01"));
        })]);
        let o = check("firewall.rules_reviewed", &data);
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
        assert!(o.resources.is_empty());
    }

    // -- wireless ------------------------------------------------------------

    fn wifi(id: &str, ssid: &str, edit: impl FnOnce(&mut WirelessNetwork)) -> WirelessNetwork {
        let mut w = example::<WirelessNetwork>(id);
        w.ssid = ssid.to_string();
        edit(&mut w);
        w
    }

    fn wifis(list: Vec<WirelessNetwork>) -> OrgData {
        OrgData {
            wireless_networks: list,
            ..OrgData::default()
        }
    }

    #[test]
    fn wireless_secured() {
        let corp = wifi("w1", "CORP", |_| {});
        let guest = wifi("w2", "GUEST", |w| {
            w.guest = true;
            w.security = WifiSecurity::Open;
        });
        let o = check("wireless.secured", &wifis(vec![corp.clone(), guest]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[1].kind, "wireless_network");

        let psk = wifi("w3", "OFFICE", |w| w.security = WifiSecurity::Wpa2Personal);
        let o = check("wireless.secured", &wifis(vec![corp.clone(), psk]));
        assert_names(&o, Status::Fail, "OFFICE");

        let flat_guest = wifi("w4", "VISITORS", |w| {
            w.guest = true;
            w.security = WifiSecurity::Wpa2Personal;
            w.segregated = Some(false);
        });
        let o = check("wireless.secured", &wifis(vec![corp.clone(), flat_guest]));
        assert_names(&o, Status::Fail, "VISITORS");

        let defaults = wifi("w5", "CORP2", |w| {
            w.default_credentials_changed = Some(false)
        });
        let o = check("wireless.secured", &wifis(vec![corp.clone(), defaults]));
        assert_names(&o, Status::Fail, "CORP2");

        let unknown = wifi("w6", "GUEST2", |w| {
            w.guest = true;
            w.segregated = None;
        });
        let o = check("wireless.secured", &wifis(vec![corp, unknown]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);

        let o = check("wireless.secured", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn wireless_admin_not_exposed() {
        let corp = wifi("w1", "CORP", |_| {});
        let o = check("wireless.admin_not_exposed", &wifis(vec![corp.clone()]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let exposed = wifi("w2", "SHOP", |w| w.admin_internet_exposed = Some(true));
        let o = check(
            "wireless.admin_not_exposed",
            &wifis(vec![corp.clone(), exposed]),
        );
        assert_names(&o, Status::Fail, "SHOP");
        let unknown = wifi("w3", "LAB", |w| w.admin_internet_exposed = None);
        let o = check("wireless.admin_not_exposed", &wifis(vec![corp, unknown]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);
        let o = check("wireless.admin_not_exposed", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- email.authenticated -------------------------------------------------

    fn domain(id: &str, name: &str, edit: impl FnOnce(&mut EmailDomain)) -> EmailDomain {
        let mut d = example::<EmailDomain>(id);
        d.domain = name.to_string();
        edit(&mut d);
        d
    }

    fn domains(list: Vec<EmailDomain>) -> OrgData {
        OrgData {
            email_domains: list,
            ..OrgData::default()
        }
    }

    #[test]
    fn email_authenticated() {
        let ok = domain("d1", "example.com", |_| {});
        let quarantine = domain("d2", "example.org", |d| {
            d.dmarc = Some(DmarcPolicy::Quarantine)
        });
        let o = check(
            "email.authenticated",
            &domains(vec![ok.clone(), quarantine]),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "email_domain");

        let monitor = domain("d3", "example.net", |d| d.dmarc = Some(DmarcPolicy::None));
        let o = check("email.authenticated", &domains(vec![ok.clone(), monitor]));
        assert_names(&o, Status::Fail, "example.net");
        assert!(o.reason.contains("DMARC"), "{}", o.reason);

        let no_dkim = domain("d4", "example.co.uk", |d| d.dkim = Some(false));
        let o = check("email.authenticated", &domains(vec![ok.clone(), no_dkim]));
        assert_names(&o, Status::Fail, "example.co.uk");

        let unknown = domain("d5", "example.io", |d| d.filtering = None);
        let o = check("email.authenticated", &domains(vec![ok, unknown]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);

        let o = check("email.authenticated", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // -- remote_access.secured -----------------------------------------------

    #[test]
    fn remote_access_secured() {
        let tool = |id: &str, name: &str, edit: fn(&mut RemoteAccess)| {
            let mut t = example::<RemoteAccess>(id);
            t.tool = name.to_string();
            edit(&mut t);
            t
        };
        let data = |list: Vec<RemoteAccess>| OrgData {
            remote_access: list,
            ..OrgData::default()
        };
        let ok = tool("t1", "RMM remote control", |_| {});
        let o = check("remote_access.secured", &data(vec![ok.clone()]));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "remote_access");

        let rdp = tool("t2", "RDP gateway", |t| t.internet_exposed = Some(true));
        let o = check("remote_access.secured", &data(vec![ok.clone(), rdp]));
        assert_names(&o, Status::Fail, "RDP gateway");

        let no_mfa = tool("t3", "VNC", |t| t.mfa_enforced = Some(false));
        let o = check("remote_access.secured", &data(vec![ok.clone(), no_mfa]));
        assert_names(&o, Status::Fail, "VNC");

        let unlogged = tool("t4", "TeamViewer", |t| t.session_logging = None);
        let o = check("remote_access.secured", &data(vec![ok, unlogged]));
        assert_eq!(o.status, Status::InsufficientEvidence, "{}", o.reason);

        let o = check("remote_access.secured", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn every_check_of_the_family_is_registered_once() {
        assert_family(super::CHECKS, 12);
    }
}
