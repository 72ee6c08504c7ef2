//! Service operations: backups and restore tests, capacity monitoring,
//! tickets with SLA targets, monitoring alerts, time entries with their
//! weekly review, and changes.

use super::estate::Platform;
use super::profiles::Gap;
use super::{OrgGen, Time, at, num_id, seq_id};
use assay_core::records::{
    Alert, AssetKind, BackupJob, BackupRun, CapacityReading, CapacityThreshold, Change,
    ChangeOutcome, Level, Lifecycle, ManagedBy, Metric, Priority, RestoreTest, RunStatus,
    TestResult, Ticket, TicketSource, TicketType, TimeEntry,
};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// Days of history kept.
const HISTORY_DAYS: i64 = 182;

/// Benchmark sizes: user tickets per user and monitoring alerts per
/// monitored asset in six months, and changes per user a month.
const BULK_TICKETS_PER_USER: f64 = 18.5;
const BULK_ALERTS_PER_ASSET: f64 = 14.0;
const BULK_CHANGES_PER_USER: f64 = 0.52;

/// (category, sub type, title)
type Tpl = (&'static str, &'static str, &'static str);

const INCIDENTS: &[Tpl] = &[
    ("end-user", "email", "Outlook will not open"),
    (
        "end-user",
        "email",
        "Cannot send email to external recipients",
    ),
    ("end-user", "hardware", "Laptop will not power on"),
    (
        "end-user",
        "hardware",
        "Docking station not detecting monitors",
    ),
    ("end-user", "software", "Teams crashing on start-up"),
    (
        "end-user",
        "software",
        "Excel freezing when opening shared workbook",
    ),
    ("network", "connectivity", "Wi-Fi dropping in meeting room"),
    ("network", "vpn", "VPN will not connect from home"),
    ("end-user", "printing", "Printer offline on second floor"),
    ("security", "phishing", "Suspicious email reported"),
    ("server", "file-share", "Cannot access shared drive"),
    ("cloud", "sharepoint", "SharePoint site permissions error"),
    ("end-user", "account", "Account locked out"),
    ("end-user", "performance", "Computer very slow after update"),
];

const REQUESTS: &[Tpl] = &[
    ("end-user", "password-reset", "Password reset request"),
    ("end-user", "access", "Access to finance shared mailbox"),
    ("end-user", "new-starter", "New starter setup"),
    (
        "end-user",
        "leaver",
        "Leaver: disable accounts and recover equipment",
    ),
    ("end-user", "software", "Install Adobe Acrobat Pro"),
    ("end-user", "hardware", "Order replacement headset"),
    ("cloud", "licensing", "Add Microsoft 365 licence"),
    (
        "cloud",
        "sharing",
        "Share project folder with external partner",
    ),
];

/// (title, description, services, user impact, risk)
type ChangeTpl = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Level,
);

const CHANGES: &[ChangeTpl] = &[
    (
        "Upgrade firewall firmware",
        "Upgrade the edge firewall to the latest supported firmware",
        "Internet access",
        "Internet unavailable for 10 minutes",
        Level::Medium,
    ),
    (
        "Replace wireless access point",
        "Swap failing access point for a Wi-Fi 6 model",
        "Wi-Fi",
        "Wi-Fi unavailable in one area for 30 minutes",
        Level::Low,
    ),
    (
        "Require MFA for all admin roles",
        "Conditional access policy requiring phishing-resistant MFA for admin roles",
        "Microsoft 365",
        "Admins prompted for MFA at each sign-in",
        Level::Low,
    ),
    (
        "Extend data volume on file server",
        "Grow the data volume by 200 GB",
        "File shares",
        "None expected",
        Level::Low,
    ),
    (
        "Migrate departmental shares to SharePoint",
        "Move finance and HR shares to SharePoint sites",
        "File shares",
        "Drive mappings change; users briefed",
        Level::High,
    ),
    (
        "Deploy new multifunction printer",
        "Install and configure printer with secure release",
        "Printing",
        "Old printer removed",
        Level::Low,
    ),
    (
        "Rotate service account passwords",
        "Rotate backup and scanning service account passwords",
        "Backups",
        "None expected",
        Level::Low,
    ),
    (
        "Install SQL Server cumulative update",
        "Apply latest CU to line-of-business database server",
        "Line-of-business application",
        "Application unavailable 30 minutes after hours",
        Level::Medium,
    ),
    (
        "Enable DMARC reporting",
        "Publish DMARC record with aggregate reporting",
        "Email",
        "None expected",
        Level::Low,
    ),
    (
        "Renew SSL certificate on VPN",
        "Install renewed public certificate on SSL VPN",
        "Remote access",
        "VPN reconnect required",
        Level::Low,
    ),
];

/// A change to record.
struct ChangePlan {
    title: String,
    description: &'static str,
    systems: Vec<String>,
    service: &'static str,
    impact: &'static str,
    risk: Level,
    requested: Time,
    emergency: bool,
}

impl OrgGen<'_> {
    pub(super) fn backups(&mut self) {
        let run_days = if self.plan.large && !self.bulk {
            91
        } else {
            HISTORY_DAYS
        };
        let mut jobs: Vec<(String, Option<String>, bool, i64)> = Vec::new();
        for a in &self.data.assets {
            if a.lifecycle != Lifecycle::Active {
                continue;
            }
            match a.kind {
                AssetKind::Server | AssetKind::IaasVm => jobs.push((
                    format!("{} nightly image", a.name),
                    Some(a.id.clone()),
                    a.critical == Some(true),
                    60,
                )),
                AssetKind::Storage => jobs.push((
                    format!("{} snapshot replication", a.name),
                    Some(a.id.clone()),
                    true,
                    180,
                )),
                _ => {}
            }
        }
        jobs.push((
            format!("{} backup (Datto SaaS Protection)", self.suite),
            None,
            true,
            25,
        ));
        if self.rng.chance(0.4) || self.provider {
            jobs.push(("Executive laptops cloud backup".into(), None, false, 5));
        }
        let restore_days = self.params.restore_test_days;
        let rpo = self.params.backup_rpo_hours;
        let mut failed_done = !self.has(Gap::BackupFailed);
        for (name, asset, critical, size_gb) in jobs {
            let job = seq_id("bj", self.data.backup_jobs.len());
            let hour = if asset.is_some() { 1 } else { 3 };
            self.data.backup_jobs.push(BackupJob {
                id: job.clone(),
                name,
                asset,
                critical,
                schedule: Some(format!("daily {hour:02}:00")),
                offsite_copy: Some(true),
                isolated_copy: Some(true),
                encrypted: Some(true),
                retention_days: Some(if critical { 90 } else { 30 }),
            });
            // Runs: the latest finished well inside the RPO, then one a day.
            let failing = !failed_done && critical;
            failed_done |= failing;
            let last = self.rand_ago(60, (rpo - 4).max(2) * 60);
            for k in 0..run_days {
                let finished = last - Duration::days(k)
                    + Duration::minutes(self.rng.range(-20, 20) * (k > 0) as i64);
                let minutes = self.rng.range(15, 150);
                let status = if failing && k < 2 {
                    RunStatus::Failed
                } else if k == 0 {
                    RunStatus::Success
                } else {
                    *self.rng.weighted(&[
                        (RunStatus::Success, 960),
                        (RunStatus::Warning, 25),
                        (RunStatus::Failed, 15),
                    ])
                };
                let bytes =
                    size_gb * 1_073_741_824 + self.rng.range(0, 1 << 30) - k * (size_gb << 20);
                self.data.backup_runs.push(BackupRun {
                    id: num_id("br", 6, self.data.backup_runs.len() + 1),
                    job: job.clone(),
                    started_at: finished - Duration::minutes(minutes),
                    finished_at: Some(finished),
                    status,
                    bytes: (status != RunStatus::Failed).then_some(bytes.max(1 << 20)),
                });
            }
            if critical {
                self.restore_tests(&job, restore_days);
            }
        }
    }

    fn restore_tests(&mut self, job: &str, restore_days: i64) {
        let scope = *self.rng.pick(&[
            "Full VM restore to isolated network",
            "File-level restore to sandbox",
            "Mailbox and OneDrive item restore",
            "Database restore and integrity check",
        ]);
        let push = |g: &mut Self, tested_on: NaiveDate, result: TestResult| {
            let rto = g.rng.range(20, 240);
            g.data.restore_tests.push(RestoreTest {
                id: seq_id("rt", g.data.restore_tests.len()),
                job: job.to_string(),
                tested_on,
                scope: Some(scope.to_string()),
                result,
                rto_minutes: Some(rto),
            });
        };
        if self.has(Gap::RestoreTestsLapsed) {
            let d = self.rand_day(265, 285);
            push(self, d, TestResult::Success);
            return;
        }
        let interval = (restore_days * 2 / 3).clamp(14, 90);
        let mut back = self.rng.range(3, (interval / 2).max(4));
        let mut first = true;
        while back <= HISTORY_DAYS {
            let result = if first || self.rng.chance(0.9) {
                TestResult::Success
            } else {
                TestResult::Partial
            };
            let d = self.day(back);
            push(self, d, result);
            first = false;
            back += interval + self.rng.range(-3, 3);
        }
    }

    pub(super) fn capacity(&mut self) {
        let days = if self.plan.large && !self.bulk {
            91
        } else {
            HISTORY_DAYS
        };
        let targets: Vec<(String, AssetKind)> = self
            .data
            .assets
            .iter()
            .filter(|a| a.lifecycle == Lifecycle::Active)
            .filter(|a| {
                matches!(
                    a.kind,
                    AssetKind::Server
                        | AssetKind::IaasVm
                        | AssetKind::Storage
                        | AssetKind::Firewall
                )
            })
            .map(|a| (a.id.clone(), a.kind))
            .collect();
        // The asset whose breach goes unticketed: a server, else the edge
        // firewall.
        let breach_asset = if self.has(Gap::CapacityUnticketed) {
            targets
                .iter()
                .find(|t| t.1 == AssetKind::Server)
                .or_else(|| targets.iter().find(|t| t.1 == AssetKind::Firewall))
                .map(|t| t.0.clone())
        } else {
            None
        };
        for (asset, kind) in targets {
            let metrics: &[(Metric, f64)] = match kind {
                AssetKind::Storage => &[(Metric::Storage, 80.0)],
                AssetKind::Firewall => &[(Metric::Bandwidth, 80.0)],
                _ => &[
                    (Metric::Disk, 85.0),
                    (Metric::Memory, 90.0),
                    (Metric::Cpu, 90.0),
                ],
            };
            let breach = breach_asset.as_deref() == Some(asset.as_str());
            if breach {
                self.quiet_asset = Some(asset.clone());
            }
            for &(metric, threshold) in metrics {
                self.data.capacity_thresholds.push(CapacityThreshold {
                    id: seq_id("ct", self.data.capacity_thresholds.len()),
                    asset: asset.clone(),
                    metric,
                    threshold_pct: threshold,
                });
                let (base, growth, noise) = match metric {
                    Metric::Bandwidth => (self.rng.float(20.0, 50.0), 0.0, 12.0),
                    Metric::Disk | Metric::Storage => {
                        (self.rng.float(35.0, 62.0), self.rng.float(0.0, 0.06), 1.5)
                    }
                    Metric::Memory => (self.rng.float(45.0, 72.0), 0.0, 8.0),
                    _ => (self.rng.float(10.0, 50.0), 0.0, 15.0),
                };
                for k in (0..days).rev() {
                    let mut used =
                        base + growth * (days - k) as f64 + self.rng.float(-noise, noise);
                    used = used.clamp(3.0, threshold - 5.0);
                    if breach && metric == metrics[0].0 && k <= 12 {
                        used = threshold + 3.0 + (12 - k) as f64 * 0.4;
                    }
                    let taken_at = at(self.day(k), self.rng.range(0, 30));
                    if taken_at > self.now {
                        continue;
                    }
                    self.data.capacity_readings.push(CapacityReading {
                        id: num_id("cr", 7, self.data.capacity_readings.len() + 1),
                        asset: asset.clone(),
                        metric,
                        taken_at,
                        used_pct: (used * 10.0).round() / 10.0,
                    });
                }
            }
        }
    }

    /// Response and resolution targets as stored on the ticket, and the
    /// effective ones.
    fn sla(&self, p: Priority) -> (Option<i64>, Option<i64>, i64, i64) {
        match p {
            Priority::P1 => (Some(15), Some(240), 15, 240),
            Priority::P2 => (Some(30), Some(480), 30, 480),
            _ => (
                None,
                None,
                self.params.sla_response_minutes,
                self.params.sla_resolution_minutes,
            ),
        }
    }

    pub(super) fn service_desk(&mut self) {
        struct Spec {
            opened: Time,
            ty: TicketType,
            tpl: Tpl,
            priority: Priority,
            asset: Option<String>,
            source: TicketSource,
            alert: Option<(String, Time, Time)>,
        }
        // The main computer of each person, for incidents.
        let mut device: Vec<Option<String>> = vec![None; self.data.people.len()];
        let mut monitored: Vec<(String, AssetKind)> = Vec::new();
        for a in &self.data.assets {
            if a.lifecycle != Lifecycle::Active {
                continue;
            }
            if matches!(a.kind, AssetKind::Laptop | AssetKind::Desktop)
                && let Some(p) = a.owner.as_deref().and_then(|o| self.person_index(o))
                && device[p].is_none()
            {
                device[p] = Some(a.id.clone());
            }
            if a.managed_by == Some(ManagedBy::Rmm)
                && !a.kind.is_mobile()
                && self.quiet_asset.as_deref() != Some(a.id.as_str())
            {
                monitored.push((a.id.clone(), a.kind));
            }
        }
        let mut specs: Vec<Spec> = Vec::new();
        // Tickets per user in six months, and the share of end-user
        // incidents logged against the user's computer. The benchmark sizes
        // run a busier service desk, as big MSPs do.
        let (per_user, on_device) = if self.bulk {
            (BULK_TICKETS_PER_USER, 0.3)
        } else {
            (3.3, 0.7)
        };
        let n = (self.current.len() as f64 * per_user).round() as usize + 5;
        for _ in 0..n {
            let mut d = self.rand_day(0, HISTORY_DAYS - 1);
            match d.weekday() {
                Weekday::Sat => d -= Duration::days(1),
                Weekday::Sun => d -= Duration::days(2),
                _ => {}
            }
            let opened = self.work_time(d);
            let incident = self.rng.chance(0.6);
            let (ty, tpl, priority) = if incident {
                let p = *self.rng.weighted(&[
                    (Priority::P1, 2),
                    (Priority::P2, 10),
                    (Priority::P3, 60),
                    (Priority::P4, 28),
                ]);
                (TicketType::Incident, *self.rng.pick(INCIDENTS), p)
            } else {
                let p = *self.rng.weighted(&[(Priority::P3, 40), (Priority::P4, 60)]);
                (TicketType::Request, *self.rng.pick(REQUESTS), p)
            };
            let person = *self.rng.pick(&self.current);
            let asset = if incident && tpl.0 == "end-user" && self.rng.chance(on_device) {
                device[person].clone()
            } else {
                None
            };
            let source = *self.rng.weighted(&[
                (TicketSource::Portal, 45),
                (TicketSource::Email, 35),
                (TicketSource::Phone, 18),
                (TicketSource::WalkIn, 2),
            ]);
            specs.push(Spec {
                opened,
                ty,
                tpl,
                priority,
                asset,
                source,
                alert: None,
            });
        }
        // Monitoring alerts, each raised as a ticket.
        let alerts = if monitored.is_empty() {
            0
        } else {
            let per_asset = if self.bulk {
                BULK_ALERTS_PER_ASSET
            } else {
                1.2
            };
            (monitored.len() as f64 * per_asset).round() as usize + 3
        };
        for _ in 0..alerts {
            let (asset, kind) = self.rng.pick(&monitored).clone();
            let (source, sub, title): (String, &str, &str) = match kind {
                AssetKind::Server | AssetKind::IaasVm => {
                    let s = *self.rng.pick(&[
                        (
                            "NinjaOne disk space monitor",
                            "disk-space",
                            "Low disk space",
                        ),
                        ("NinjaOne service monitor", "service", "Service stopped"),
                        ("Backup monitor", "backup", "Backup completed with warnings"),
                    ]);
                    (s.0.into(), s.1, s.2)
                }
                AssetKind::Storage => ("NAS health monitor".into(), "storage", "Volume degraded"),
                AssetKind::Firewall => (
                    "Firewall WAN monitor".into(),
                    "connectivity",
                    "WAN link flapping",
                ),
                AssetKind::Switch | AssetKind::WifiAp => (
                    "NinjaOne SNMP monitor".into(),
                    "network",
                    "Device unreachable",
                ),
                _ => {
                    if self.rng.chance(0.5) {
                        (self.edr.to_string(), "threat", "Threat quarantined")
                    } else {
                        (
                            "NinjaOne device health".into(),
                            "health",
                            "Device health warning",
                        )
                    }
                }
            };
            let raised = self.rand_ago(30, HISTORY_DAYS * 24 * 60);
            let acked = raised + Duration::minutes(self.rng.range(1, 25));
            let opened = (acked + Duration::minutes(self.rng.range(0, 5))).min(self.now);
            let priority = if self.rng.chance(0.2) {
                Priority::P2
            } else {
                Priority::P3
            };
            let tpl: Tpl = ("monitoring", sub, title);
            specs.push(Spec {
                opened,
                ty: TicketType::Alert,
                tpl,
                priority,
                asset: Some(asset),
                source: TicketSource::Monitoring,
                alert: Some((source, raised, acked.min(self.now))),
            });
        }
        specs.sort_by_key(|s| s.opened);
        let breach_rate = if self.has(Gap::PoorSla) {
            0.35
        } else if self.plan.gaps == Default::default() && !self.provider {
            0.0
        } else {
            0.01
        };
        for s in specs {
            let id = num_id("T", 0, 10001 + self.data.tickets.len());
            let title = match &s.asset {
                Some(a) if s.ty == TicketType::Alert => [s.tpl.2, " on ", a].concat(),
                _ => s.tpl.2.to_string(),
            };
            self.push_ticket(
                id.clone(),
                title,
                s.ty,
                s.tpl,
                s.priority,
                s.source,
                s.asset.clone(),
                s.opened,
                breach_rate,
            );
            if let Some((source, raised, acked)) = s.alert {
                self.data.alerts.push(Alert {
                    id: seq_id("al", self.data.alerts.len()),
                    source,
                    asset: s.asset,
                    raised_at: raised,
                    acknowledged_at: Some(acked),
                    ticket: Some(id),
                });
            }
        }
        self.link_problems();
        self.time_entries();
    }

    #[allow(clippy::too_many_arguments)]
    fn push_ticket(
        &mut self,
        id: String,
        title: String,
        ty: TicketType,
        tpl: Tpl,
        priority: Priority,
        source: TicketSource,
        asset: Option<String>,
        opened: Time,
        breach_rate: f64,
    ) {
        let (resp_target, res_target, resp, res) = if ty == TicketType::Problem {
            (Some(240), Some(43_200), 240, 43_200)
        } else {
            self.sla(priority)
        };
        let mut response = self
            .rng
            .range((resp * 15 / 100).max(1), (resp * 85 / 100).max(2));
        let mut resolution = self.rng.range(
            (res * 20 / 100).max(response + 5),
            (res * 85 / 100).max(response + 10),
        );
        if self.rng.chance(breach_rate) {
            if self.rng.chance(0.5) {
                response = (resp as f64 * self.rng.float(1.3, 4.0)) as i64;
                resolution = resolution.max(response + 30);
            } else {
                resolution = (res as f64 * self.rng.float(1.5, 5.0)) as i64;
            }
        }
        let first_response_at =
            Some(opened + Duration::minutes(response)).filter(|t| *t <= self.now);
        let resolved_at = Some(opened + Duration::minutes(resolution)).filter(|t| *t <= self.now);
        let closed_at = resolved_at
            .map(|t| t + Duration::minutes(self.rng.range(24 * 60, 72 * 60)))
            .filter(|t| *t <= self.now);
        self.data.tickets.push(Ticket {
            id,
            title,
            ticket_type: ty,
            sub_type: Some(tpl.1.to_string()),
            priority: Some(priority),
            category: Some(tpl.0.to_string()),
            source: Some(source),
            asset,
            opened_at: opened,
            first_response_at,
            resolved_at,
            closed_at,
            sla_response_minutes: resp_target,
            sla_resolution_minutes: res_target,
            problem: None,
        });
    }

    /// Assets with three or more incidents in the look-back window get a
    /// problem ticket that the incidents are linked to.
    fn link_problems(&mut self) {
        let since = self.now - Duration::days(self.params.ticket_lookback_days);
        let mut by_asset: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, t) in self.data.tickets.iter().enumerate() {
            if t.ticket_type == TicketType::Incident
                && t.opened_at >= since
                && let Some(a) = &t.asset
            {
                by_asset.entry(a.clone()).or_default().push(i);
            }
        }
        for (asset, incidents) in by_asset {
            if incidents.len() < 3 {
                continue;
            }
            let third = self.data.tickets[incidents[2]].opened_at;
            let tpl_category = self.data.tickets[incidents[0]]
                .category
                .clone()
                .unwrap_or_default();
            let opened = (third + Duration::hours(1)).min(self.now);
            let id = num_id("T", 0, 10001 + self.data.tickets.len());
            let tpl: Tpl = ("end-user", "recurring", "");
            self.push_ticket(
                id.clone(),
                format!("Recurring incidents on {asset}"),
                TicketType::Problem,
                tpl,
                Priority::P3,
                TicketSource::Monitoring,
                Some(asset),
                opened,
                0.0,
            );
            if let Some(p) = self.data.tickets.last_mut() {
                p.category = Some(tpl_category);
            }
            for i in incidents {
                self.data.tickets[i].problem = Some(id.clone());
            }
        }
    }

    fn time_entries(&mut self) {
        if self.techs.is_empty() {
            return;
        }
        let reviewer = if self.provider {
            self.data
                .people
                .iter()
                .find(|p| p.job_title.as_deref() == Some("Service Desk Manager"))
                .map(|p| p.name.clone())
                .unwrap_or_default()
        } else {
            self.msp.service_desk_manager.clone()
        };
        for t in 0..self.data.tickets.len() {
            let ticket = &self.data.tickets[t];
            let Some(resolved) = ticket.resolved_at else {
                continue;
            };
            let id = ticket.id.clone();
            let priority = ticket.priority;
            let entries = if self.rng.chance(0.3) { 2 } else { 1 };
            for _ in 0..entries {
                let tech = *self.rng.pick(&self.techs);
                let worked_on = resolved.date_naive();
                let minutes = match priority {
                    Some(Priority::P1) => self.rng.range(60, 240),
                    Some(Priority::P2) => self.rng.range(30, 120),
                    _ => self.rng.range(10, 60),
                };
                // Signed off at the Monday after the week worked.
                let monday = worked_on
                    + Duration::days(7 - worked_on.weekday().num_days_from_monday() as i64);
                let reviewed = monday <= self.today;
                self.data.time_entries.push(TimeEntry {
                    id: num_id("te", 6, self.data.time_entries.len() + 1),
                    ticket: Some(id.clone()),
                    technician: self.data.people[tech].id.clone(),
                    worked_on,
                    minutes: (minutes + 4) / 5 * 5,
                    reviewed_by: reviewed.then(|| reviewer.clone()),
                    reviewed_on: reviewed.then_some(monday),
                });
            }
        }
    }

    pub(super) fn changes(&mut self) {
        let approver = if self.provider {
            self.approver.clone()
        } else {
            self.msp.service_desk_manager.clone()
        };
        let servers: Vec<String> = self
            .data
            .assets
            .iter()
            .zip(&self.platforms)
            .filter(|(a, _)| a.lifecycle == Lifecycle::Active && a.kind == AssetKind::Server)
            .map(|(a, p)| {
                format!(
                    "{}{}",
                    a.name,
                    if *p == Platform::WindowsServer {
                        ""
                    } else {
                        " (Linux)"
                    }
                )
            })
            .collect();
        let firewall = self
            .data
            .assets
            .iter()
            .find(|a| a.kind == AssetKind::Firewall)
            .map(|a| a.name.clone());
        let sites: Vec<String> = self.data.sites.iter().map(|s| s.id.clone()).collect();
        // Monthly patch deployments.
        let mut tuesdays: Vec<NaiveDate> = self
            .releases
            .iter()
            .filter(|r| r.product == "Windows 11")
            .map(|r| r.released)
            .collect();
        tuesdays.sort();
        let mut plans: Vec<ChangePlan> = Vec::new();
        for d in tuesdays {
            let mut systems = vec!["All workstations".to_string()];
            systems.extend(servers.iter().cloned());
            plans.push(ChangePlan {
                title: format!("Monthly patching: {}", d.format("%B %Y")),
                description: "Deploy this month's operating system and application updates",
                systems,
                service: "Windows Update",
                impact: "Reboots outside working hours",
                risk: Level::Low,
                requested: at(d, 10 * 60),
                emergency: false,
            });
        }
        let extra = if self.bulk {
            2 + (self.current.len() as f64 * BULK_CHANGES_PER_USER).round() as usize
        } else {
            2 + self.current.len() / 25
        };
        for _ in 0..extra * 6 {
            let &(title, description, service, impact, risk) = self.rng.pick(CHANGES);
            let systems = match (service, &firewall, servers.first()) {
                ("Internet access" | "Remote access", Some(fw), _) => vec![fw.clone()],
                ("File shares" | "Line-of-business application" | "Backups", _, Some(s)) => {
                    vec![s.clone()]
                }
                _ => Vec::new(),
            };
            let d = self.rand_day(0, HISTORY_DAYS - 1);
            let requested = self.work_time(d);
            let emergency = self.rng.chance(0.05);
            plans.push(ChangePlan {
                title: title.into(),
                description,
                systems,
                service,
                impact,
                risk,
                requested,
                emergency,
            });
        }
        plans.sort_by_key(|p| p.requested);
        let window = self.now - Duration::days(self.params.ticket_lookback_days);
        let mut unnotified = self.has(Gap::ChangeNotNotified);
        for ChangePlan {
            title,
            description,
            systems,
            service,
            impact,
            risk,
            requested,
            emergency,
        } in plans
        {
            let approved_at = requested + Duration::minutes(self.rng.range(30, 24 * 60));
            let notified = approved_at + Duration::minutes(self.rng.range(10, 120));
            let lead = if emergency { 0 } else { self.rng.range(1, 6) };
            let implemented = at(
                requested.date_naive() + Duration::days(lead),
                self.rng.range(18 * 60, 22 * 60),
            );
            let done = implemented <= self.now;
            let outcome = if !done {
                ChangeOutcome::Pending
            } else {
                *self.rng.weighted(&[
                    (ChangeOutcome::Successful, 92),
                    (ChangeOutcome::RolledBack, 5),
                    (ChangeOutcome::Failed, 3),
                ])
            };
            let skip_notice = unnotified && requested >= window && !self.provider;
            unnotified &= !skip_notice;
            self.data.changes.push(Change {
                id: num_id("CHG", 0, 2001 + self.data.changes.len()),
                title,
                description: Some(description.to_string()),
                systems,
                services: vec![service.to_string()],
                sites: sites.clone(),
                user_impact: Some(impact.to_string()),
                risk: Some(risk),
                requested_at: requested,
                approved_by: Some(approver.clone()),
                approved_at: Some(approved_at.min(self.now)),
                client_notified_at: (!self.provider && !skip_notice)
                    .then_some(notified.min(self.now)),
                implemented_at: done.then_some(implemented),
                outcome,
                emergency: Some(emergency),
            });
        }
    }
}
