//! Boundary firewalls and their rules, wireless networks, mail domains,
//! remote access tools, log sources and external scan findings.

use super::estate::Platform;
use super::profiles::Gap;
use super::{OrgGen, seq_id};
use assay_core::records::{
    AssetKind, Direction, DmarcPolicy, EmailDomain, Firewall, FirewallRule, InboundDefault,
    Lifecycle, LogSource, LogSourceKind, RemoteAccess, RuleAction, Severity, Vulnerability,
    WifiSecurity, WirelessNetwork,
};
use chrono::{Duration, NaiveDate};

/// A rule template: name, direction, action, source, service, justification.
type RuleTpl = (
    &'static str,
    Direction,
    RuleAction,
    &'static str,
    &'static str,
    &'static str,
);

const RULES: &[RuleTpl] = &[
    (
        "Allow LAN to internet (web)",
        Direction::Outbound,
        RuleAction::Allow,
        "LAN",
        "tcp/80,443",
        "Staff web access",
    ),
    (
        "Allow DNS to resolvers",
        Direction::Outbound,
        RuleAction::Allow,
        "LAN",
        "udp/53",
        "Name resolution via filtered DNS",
    ),
    (
        "Allow NTP",
        Direction::Outbound,
        RuleAction::Allow,
        "LAN",
        "udp/123",
        "Time synchronisation",
    ),
    (
        "Allow Microsoft 365",
        Direction::Outbound,
        RuleAction::Allow,
        "LAN",
        "tcp/443",
        "Mail and collaboration",
    ),
    (
        "SSL VPN portal",
        Direction::Inbound,
        RuleAction::Allow,
        "any",
        "tcp/10443",
        "Remote staff VPN with MFA",
    ),
    (
        "Block high-risk countries",
        Direction::Inbound,
        RuleAction::Deny,
        "geo:high-risk",
        "any",
        "Reduce attack surface",
    ),
    (
        "Default deny inbound",
        Direction::Inbound,
        RuleAction::Deny,
        "any",
        "any",
        "Deny everything not allowed",
    ),
];

/// External findings without a fix deadline.
const EXTERNAL_MEDIUM: &[(&str, f64, Severity)] = &[
    ("CVE-2015-2808", 5.9, Severity::Medium),
    ("CVE-2011-3389", 4.3, Severity::Medium),
    ("CVE-2016-2183", 5.3, Severity::Medium),
];

impl OrgGen<'_> {
    pub(super) fn network(&mut self) {
        let wan = format!(
            "{}.{}",
            self.rng.pick(&["203.0.113", "198.51.100", "192.0.2"]),
            self.rng.range(2, 250)
        );
        self.firewalls(&wan);
        self.wireless();
        self.email_domains();
        self.remote_access();
        self.log_sources();
        self.external_findings(&wan);
    }

    fn firewalls(&mut self, wan: &str) {
        let fws: Vec<(String, String, Option<String>, Option<String>)> = self
            .data
            .assets
            .iter()
            .filter(|a| a.kind == AssetKind::Firewall && a.lifecycle == Lifecycle::Active)
            .map(|a| {
                (
                    a.id.clone(),
                    a.name.clone(),
                    a.site.clone(),
                    a.os_version.clone(),
                )
            })
            .collect();
        let web_server = self.plan.large || self.provider;
        for (n, (asset, name, site, version)) in fws.into_iter().enumerate() {
            let site_name = site
                .as_deref()
                .and_then(|s| self.data.sites.iter().find(|x| x.id == s))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let id = format!("fw-{}", n + 1);
            let drift = self.has(Gap::FirewallDrift) && n == 0;
            self.data.firewalls.push(Firewall {
                id: id.clone(),
                name: format!("{site_name} edge ({name})"),
                asset: Some(asset),
                site,
                firmware_version: version,
                firmware_supported: Some(true),
                default_inbound: InboundDefault::Deny,
                admin_interface_internet: drift,
                admin_mfa: Some(!drift),
                admin_allowlist: Vec::new(),
                admin_exposure_justification: None,
                default_credentials_changed: Some(true),
                intrusion_prevention: Some(true),
            });
            for &(rule, direction, action, source, service, why) in RULES {
                if rule == "SSL VPN portal" && n > 0 {
                    continue;
                }
                let dest = if direction == Direction::Inbound {
                    wan.to_string()
                } else {
                    "any".to_string()
                };
                self.rule(
                    &id,
                    rule,
                    direction,
                    action,
                    source,
                    &dest,
                    service,
                    Some(why),
                    true,
                );
            }
            if web_server && n == 0 {
                self.rule(
                    &id,
                    "Inbound HTTPS to web server",
                    Direction::Inbound,
                    RuleAction::Allow,
                    "any",
                    "10.10.20.10",
                    "tcp/443",
                    Some("Public website and client portal"),
                    true,
                );
            }
            // A retired rule kept disabled.
            let i = self.rule(
                &id,
                "Legacy FTP to NAS",
                Direction::Inbound,
                RuleAction::Allow,
                "any",
                wan,
                "tcp/21",
                Some("Supplier file drop (retired)"),
                false,
            );
            let r = &mut self.data.firewall_rules[i];
            r.last_hit = Some(self.today - Duration::days(400));
            r.review_due = Some(self.today - Duration::days(30));
            if drift {
                let i = self.rule(
                    &id,
                    "Temp RDP for vendor support",
                    Direction::Inbound,
                    RuleAction::Allow,
                    "any",
                    "10.10.10.5",
                    "tcp/3389",
                    None,
                    true,
                );
                let created = self.rand_day(180, 240);
                let r = &mut self.data.firewall_rules[i];
                r.approved_by = None;
                r.approved_on = None;
                r.created_on = Some(created);
                r.last_hit = Some(self.today - Duration::days(130));
                r.review_due = None;
                let i = self.rule(
                    &id,
                    "CCTV port forward",
                    Direction::Inbound,
                    RuleAction::Allow,
                    "any",
                    "10.10.30.20",
                    "tcp/8080",
                    Some("CCTV remote viewing"),
                    true,
                );
                let r = &mut self.data.firewall_rules[i];
                r.last_hit = Some(self.today - Duration::days(160));
                r.review_due = Some(self.today - Duration::days(45));
            }
        }
    }

    /// Adds an approved, recently used rule; returns its index.
    #[allow(clippy::too_many_arguments)]
    fn rule(
        &mut self,
        firewall: &str,
        name: &str,
        direction: Direction,
        action: RuleAction,
        source: &str,
        destination: &str,
        service: &str,
        justification: Option<&str>,
        enabled: bool,
    ) -> usize {
        let approved_on = self.rand_day(10, 330);
        let last_hit = self.rand_day(0, 3);
        self.data.firewall_rules.push(FirewallRule {
            id: seq_id("fwr", self.data.firewall_rules.len()),
            firewall: firewall.to_string(),
            name: Some(name.to_string()),
            direction,
            action,
            source: Some(source.to_string()),
            destination: Some(destination.to_string()),
            service: Some(service.to_string()),
            enabled,
            justification: justification.map(str::to_string),
            approved_by: Some(self.approver.clone()),
            approved_on: Some(approved_on),
            created_on: Some(approved_on),
            last_hit: Some(last_hit),
            review_due: Some(approved_on + Duration::days(365)),
        });
        self.data.firewall_rules.len() - 1
    }

    fn wireless(&mut self) {
        let stem = self
            .plan
            .slug
            .split('-')
            .next()
            .unwrap_or("corp")
            .to_ascii_uppercase();
        for s in 0..self.data.sites.len() {
            let site = self.data.sites[s].id.clone();
            let corp_security = if self.rng.chance(0.3) {
                WifiSecurity::Wpa3
            } else {
                WifiSecurity::Wpa2Enterprise
            };
            let open_guest = self.has(Gap::GuestWifiOpen) && s == 0;
            for (ssid, security, guest) in [
                (format!("{stem}-CORP"), corp_security, false),
                (
                    format!("{stem}-Guest"),
                    if open_guest {
                        WifiSecurity::Open
                    } else {
                        WifiSecurity::Wpa2Personal
                    },
                    true,
                ),
            ] {
                self.data.wireless_networks.push(WirelessNetwork {
                    id: seq_id("wifi", self.data.wireless_networks.len()),
                    ssid,
                    site: Some(site.clone()),
                    security,
                    guest,
                    segregated: Some(!(guest && open_guest)),
                    default_credentials_changed: Some(true),
                    admin_internet_exposed: Some(false),
                });
            }
        }
    }

    fn email_domains(&mut self) {
        let mut domains = vec![self.plan.domain.clone()];
        if self.provider {
            domains.push("northwind-it.com".into());
        } else if self.plan.large || self.has(Gap::DmarcNone) {
            domains.push(self.plan.domain.replace(".co.uk", ".com"));
        }
        for (n, domain) in domains.into_iter().enumerate() {
            let dmarc = if self.has(Gap::DmarcNone) && n == 1 {
                DmarcPolicy::None
            } else if self.rng.chance(0.6) {
                DmarcPolicy::Reject
            } else {
                DmarcPolicy::Quarantine
            };
            self.data.email_domains.push(EmailDomain {
                id: seq_id("dom", self.data.email_domains.len()),
                domain,
                spf: Some(true),
                dkim: Some(true),
                dmarc: Some(dmarc),
                filtering: Some(true),
            });
        }
    }

    fn remote_access(&mut self) {
        let mut tools = vec!["NinjaOne Remote"];
        if self.provider {
            tools.push("FortiClient SSL VPN");
            tools.push("Microsoft Entra Private Access");
        } else if self.plan.large {
            tools.push("SSL VPN (edge firewall)");
        }
        for tool in tools {
            self.data.remote_access.push(RemoteAccess {
                id: seq_id("ra", self.data.remote_access.len()),
                tool: tool.into(),
                mfa_enforced: Some(true),
                session_logging: Some(true),
                internet_exposed: Some(false),
            });
        }
        if self.has(Gap::RemoteToolExposed) {
            self.data.remote_access.push(RemoteAccess {
                id: seq_id("ra", self.data.remote_access.len()),
                tool: "Remote Desktop (port forward to reception PC)".into(),
                mfa_enforced: Some(false),
                session_logging: Some(false),
                internet_exposed: Some(true),
            });
        }
    }

    fn log_sources(&mut self) {
        let suite_log = if self.suite == "Microsoft 365" {
            ["Microsoft 365 unified audit log", "Entra ID sign-in logs"]
        } else {
            [
                "Google Workspace admin audit",
                "Google Workspace login audit",
            ]
        };
        let kinds = [LogSourceKind::Saas, LogSourceKind::Identity];
        for (name, kind) in suite_log.into_iter().zip(kinds) {
            self.log_source(name.to_string(), kind, None, true, 365);
        }
        let edr = format!("{} telemetry", self.edr);
        self.log_source(edr, LogSourceKind::Endpoint, None, true, 90);
        let mut first_dc = true;
        for ai in 0..self.data.assets.len() {
            let a = &self.data.assets[ai];
            if a.lifecycle != Lifecycle::Active {
                continue;
            }
            let (name, id, kind) = (a.name.clone(), a.id.clone(), a.kind);
            match kind {
                AssetKind::Firewall => self.log_source(
                    format!("{name} syslog"),
                    LogSourceKind::Firewall,
                    Some(id),
                    true,
                    365,
                ),
                AssetKind::Switch => self.log_source(
                    format!("{name} syslog"),
                    LogSourceKind::Network,
                    Some(id),
                    false,
                    90,
                ),
                AssetKind::Server if self.platforms[ai] == Platform::WindowsServer => {
                    let kind = if first_dc {
                        LogSourceKind::Identity
                    } else {
                        LogSourceKind::Server
                    };
                    first_dc = false;
                    self.log_source(
                        format!("{name} Windows security log"),
                        kind,
                        Some(id),
                        true,
                        365,
                    )
                }
                AssetKind::Server | AssetKind::IaasVm => self.log_source(
                    format!("{name} system log"),
                    LogSourceKind::Server,
                    Some(id),
                    true,
                    180,
                ),
                _ => {}
            }
        }
    }

    fn log_source(
        &mut self,
        name: String,
        kind: LogSourceKind,
        asset: Option<String>,
        critical: bool,
        retention: i64,
    ) {
        let last_event_at = Some(self.rand_ago(1, 90));
        self.data.log_sources.push(LogSource {
            id: seq_id("ls", self.data.log_sources.len()),
            name,
            kind,
            asset,
            critical,
            last_event_at,
            retention_days: Some(retention.max(self.params.log_retention_days)),
        });
    }

    /// Findings of the external scans on the organisation's public address.
    fn external_findings(&mut self, wan: &str) {
        let n = self.rng.range(0, 2) as usize;
        for _ in 0..n {
            let &(cve, cvss, severity) = self.rng.pick(EXTERNAL_MEDIUM);
            let first = self.rand_ago(20 * 24 * 60, 150 * 24 * 60);
            self.external(wan, cve, cvss, severity, first, None, None, false);
        }
        if self.has(Gap::LatePatching) {
            // The edge firewall's SSL VPN flaw, fixed by a firmware update
            // that was never applied.
            let fix: NaiveDate = self.rand_day(45, 70);
            let first = self.ago((self.today - fix).num_days() * 24 * 60 - 24 * 60);
            self.external(
                wan,
                "CVE-2024-21762",
                9.8,
                Severity::Critical,
                first,
                Some(fix),
                Some(fix + Duration::days(7)),
                true,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn external(
        &mut self,
        wan: &str,
        cve: &str,
        cvss: f64,
        severity: Severity,
        first_seen: chrono::DateTime<chrono::Utc>,
        fix: Option<NaiveDate>,
        kev_due: Option<NaiveDate>,
        kev: bool,
    ) {
        let last_seen = Some(self.rand_ago(60, 3 * 24 * 60).max(first_seen));
        self.data.vulnerabilities.push(Vulnerability {
            id: seq_id("vul", self.data.vulnerabilities.len()),
            asset: None,
            target: Some(wan.to_string()),
            cve: cve.into(),
            cvss: Some(cvss),
            severity,
            kev,
            kev_due,
            fix_available_since: fix,
            first_seen,
            last_seen,
            remediated: None,
            external: true,
            source: Some("External vulnerability scan".into()),
        });
    }
}
