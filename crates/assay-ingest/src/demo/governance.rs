//! Governance evidence: documents (policies, plans, certificates, reports),
//! acknowledgements, training, assessments, risks, vendors, licences and
//! the provider's NOC shifts.

use super::profiles::Gap;
use super::{OrgGen, num_id, seq_id};
use assay_core::records::{
    AccountKind, Acknowledgement, Assessment, AssessmentKind, Coverage, Document, DocumentKind,
    Level, Licence, NocShift, RiskEntry, Training, TrainingKind, Vendor, Weekday,
};
use chrono::{Datelike, Duration, NaiveDate};

/// Who a document belongs to.
#[derive(PartialEq)]
enum Owner {
    All,
    Provider,
    Client,
}

/// (topic, kind, title, owner)
const DOCUMENTS: &[(&str, DocumentKind, &str, Owner)] = &[
    (
        "joiner-procedure",
        DocumentKind::Procedure,
        "Joiners, movers and leavers procedure",
        Owner::All,
    ),
    (
        "compromised-password-procedure",
        DocumentKind::Procedure,
        "Compromised password procedure",
        Owner::All,
    ),
    (
        "secure-baseline",
        DocumentKind::Procedure,
        "Secure configuration baseline",
        Owner::All,
    ),
    (
        "org-chart",
        DocumentKind::Other,
        "Organisation chart",
        Owner::Provider,
    ),
    (
        "strategic-plan",
        DocumentKind::Plan,
        "Three-year strategic plan",
        Owner::Provider,
    ),
    (
        "vendor-management-policy",
        DocumentKind::Policy,
        "Vendor management policy",
        Owner::Provider,
    ),
    (
        "information-security-policy",
        DocumentKind::Policy,
        "Information security policy",
        Owner::Provider,
    ),
    (
        "acceptable-use-policy",
        DocumentKind::Policy,
        "Acceptable use policy",
        Owner::Provider,
    ),
    (
        "access-control-policy",
        DocumentKind::Policy,
        "Access control policy",
        Owner::Provider,
    ),
    (
        "incident-response-plan",
        DocumentKind::Policy,
        "Incident response plan",
        Owner::Provider,
    ),
    (
        "patch-management-policy",
        DocumentKind::Policy,
        "Patch management policy",
        Owner::All,
    ),
    (
        "change-management-policy",
        DocumentKind::Policy,
        "Change management policy",
        Owner::Provider,
    ),
    (
        "backup-policy",
        DocumentKind::Policy,
        "Backup and recovery policy",
        Owner::Provider,
    ),
    (
        "data-destruction-policy",
        DocumentKind::Policy,
        "Data destruction policy",
        Owner::All,
    ),
    (
        "physical-security-policy",
        DocumentKind::Policy,
        "Physical security policy",
        Owner::Provider,
    ),
    (
        "privacy-policy",
        DocumentKind::Policy,
        "Privacy policy",
        Owner::All,
    ),
    (
        "business-continuity-plan",
        DocumentKind::Plan,
        "Business continuity plan",
        Owner::All,
    ),
    (
        "service-description",
        DocumentKind::Contract,
        "Managed service description and schedule",
        Owner::Client,
    ),
];

/// (title, rating, treatment)
const PROVIDER_RISKS: &[(&str, Level, Option<&str>)] = &[
    (
        "Compromise of the RMM platform used to reach every client",
        Level::Critical,
        Some(
            "Phishing-resistant MFA, conditional access, script signing and alerting on mass deployments",
        ),
    ),
    (
        "Ransomware spreading from a client into the MSP",
        Level::High,
        Some("Separate admin tiers per client, GDAP, EDR with 24x7 response"),
    ),
    (
        "Loss of key technical staff",
        Level::Medium,
        Some("Documentation in IT Glue, cross-training rota"),
    ),
    (
        "Backup platform outage",
        Level::High,
        Some("Second offsite copy with a different provider"),
    ),
    ("Supplier price increases", Level::Low, None),
    (
        "Technician error during a change",
        Level::Medium,
        Some("Peer review of changes, tested rollback plans"),
    ),
    (
        "Phishing of service desk staff",
        Level::High,
        Some("Monthly simulations, number verification on resets"),
    ),
    (
        "Data centre power failure",
        Level::Medium,
        Some("UPS and generator at colocation site"),
    ),
    (
        "Unpatched vulnerability in remote access tooling",
        Level::High,
        Some("Vendor advisories monitored, emergency change process"),
    ),
    (
        "Breach of client data held in the PSA",
        Level::High,
        Some("SSO with MFA, least privilege, quarterly access review"),
    ),
    (
        "Regulatory change (NIS, data protection)",
        Level::Low,
        Some("Annual compliance review"),
    ),
    (
        "Insider misuse of privileged access",
        Level::Medium,
        Some("Session logging, screening, NDA, privileged access reviews"),
    ),
];

const CLIENT_RISKS: &[(&str, Level, Option<&str>)] = &[
    (
        "Ransomware encrypting file server",
        Level::High,
        Some("Immutable backups, EDR, restricted admin rights"),
    ),
    (
        "Business email compromise",
        Level::High,
        Some("MFA, mailbox auditing, DMARC"),
    ),
    (
        "Loss of internet connection",
        Level::Medium,
        Some("4G failover router"),
    ),
    (
        "Laptop theft",
        Level::Medium,
        Some("Full-disk encryption and remote wipe"),
    ),
    (
        "Line-of-business application vendor failure",
        Level::Medium,
        Some("Escrow agreement and data export"),
    ),
    (
        "Staff clicking phishing links",
        Level::High,
        Some("Awareness training and phishing simulations"),
    ),
    ("Office flood or fire", Level::Low, None),
    (
        "Accidental deletion of shared files",
        Level::Low,
        Some("Cloud backup with 90-day retention"),
    ),
];

/// (name, critical, attestation)
const PROVIDER_VENDORS: &[(&str, bool, &str)] = &[
    ("Microsoft", true, "ISO 27001"),
    ("NinjaOne", true, "SOC 2 Type II"),
    ("HaloPSA", true, "ISO 27001"),
    ("Datto (Kaseya)", true, "SOC 2 Type II"),
    ("SentinelOne", true, "SOC 2 Type II"),
    ("IT Glue (Kaseya)", true, "SOC 2 Type II"),
    ("Fortinet", false, "ISO 27001"),
    ("Pax8", true, "SOC 2 Type II"),
    ("Pulsant colocation", true, "ISO 27001"),
    ("Stone Group ITAD", true, "ADISA certification"),
];

impl OrgGen<'_> {
    pub(super) fn governance(&mut self) {
        self.documents();
        self.acknowledgements();
        self.training();
        self.assessments();
        self.risks();
        self.vendors();
        self.licences();
        if self.provider {
            self.noc_shifts();
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn document(
        &mut self,
        kind: DocumentKind,
        topic: &str,
        title: String,
        version: Option<String>,
        effective: NaiveDate,
        review_due: Option<NaiveDate>,
        approved_by: String,
    ) -> usize {
        let sha = self.rng.hex(64).to_ascii_lowercase();
        let owner = if self.provider {
            self.data.people[self.current[1]].name.clone()
        } else {
            self.approver.clone()
        };
        self.data.documents.push(Document {
            id: seq_id("doc", self.data.documents.len()),
            kind,
            topic: topic.into(),
            title,
            version,
            owner: Some(owner),
            approved_by: Some(approved_by),
            effective,
            review_due,
            sha256: Some(sha),
            asset: None,
            scope: Some("Whole organisation".into()),
        });
        self.data.documents.len() - 1
    }

    fn documents(&mut self) {
        let board = if self.provider {
            "Board of directors".to_string()
        } else {
            self.approver.clone()
        };
        for (topic, kind, title, owner) in DOCUMENTS {
            let wanted = match owner {
                Owner::All => true,
                Owner::Provider => self.provider,
                Owner::Client => !self.provider,
            };
            if !wanted {
                continue;
            }
            let (effective, review_due) = if *topic == "service-description" {
                (
                    self.rand_day(400, 1000),
                    self.today + Duration::days(self.rng.range(60, 600)),
                )
            } else {
                let e = self.rand_day(20, 300);
                (e, e + Duration::days(365))
            };
            let version = format!("{}.{}", self.rng.range(1, 5), self.rng.range(0, 9));
            self.document(
                *kind,
                topic,
                title.to_string(),
                Some(version),
                effective,
                Some(review_due),
                board.clone(),
            );
        }
        // Cyber Essentials and CE Plus: scope statement and certificates.
        let ce = self.rand_day(30, 250);
        let plus = (ce + Duration::days(self.rng.range(10, 60))).min(self.today);
        let scope = ce - Duration::days(14);
        self.document(
            DocumentKind::Other,
            "ce-scope",
            "Cyber Essentials scope statement".into(),
            Some("1.0".into()),
            scope,
            Some(scope + Duration::days(365)),
            board.clone(),
        );
        self.document(
            DocumentKind::Certificate,
            "ce",
            "Cyber Essentials certificate".into(),
            None,
            ce,
            Some(ce + Duration::days(365)),
            "IASME Consortium".into(),
        );
        self.document(
            DocumentKind::Certificate,
            "ce-plus",
            "Cyber Essentials Plus certificate".into(),
            None,
            plus,
            Some(plus + Duration::days(365)),
            "IASME Consortium".into(),
        );
        if self.provider {
            let d = self.rand_day(30, 300);
            self.document(
                DocumentKind::Certificate,
                "insurance-certificate",
                "Cyber and professional indemnity insurance certificate".into(),
                None,
                d,
                Some(d + Duration::days(365)),
                "Hiscox".into(),
            );
        } else {
            // Configuration documentation: updated every month or two.
            let latest = if self.has(Gap::ConfigDocStale) {
                self.rng.range(120, 200)
            } else {
                self.rng
                    .range(5, (self.params.config_doc_days * 2 / 3).max(6))
            };
            for (n, back) in [latest + 160, latest + 75, latest].into_iter().enumerate() {
                let d = self.day(back);
                self.document(
                    DocumentKind::Other,
                    "configuration-documentation",
                    format!("Configuration documentation (revision {})", n + 1),
                    Some(format!("{}", n + 1)),
                    d,
                    None,
                    self.msp.service_desk_manager.clone(),
                );
            }
            // Monthly service reports, issued on the 5th.
            let skip = if self.has(Gap::ServiceReportLate) {
                2
            } else {
                0
            };
            let mut month = NaiveDate::from_ymd_opt(self.today.year(), self.today.month(), 5)
                .expect("valid date");
            let mut issued = 0;
            while (self.today - month).num_days() <= 185 {
                if month <= self.today {
                    if issued >= skip {
                        let title = format!(
                            "Monthly service report: {}",
                            (month - Duration::days(10)).format("%B %Y")
                        );
                        self.document(
                            DocumentKind::Report,
                            "service-report",
                            title,
                            None,
                            month,
                            None,
                            self.msp.service_desk_manager.clone(),
                        );
                    }
                    issued += 1;
                }
                month = prev_month(month);
            }
        }
    }

    fn acknowledgements(&mut self) {
        let policies: Vec<usize> = (0..self.data.documents.len())
            .filter(|&i| self.data.documents[i].kind == DocumentKind::Policy)
            .collect();
        let people: Vec<usize> = self.current.iter().chain(&self.techs).copied().collect();
        let mut seen = vec![false; self.data.people.len()];
        for p in people {
            if std::mem::replace(&mut seen[p], true) {
                continue;
            }
            let joined = self.data.people[p].joined.unwrap_or(self.today);
            for &d in &policies {
                let doc = &self.data.documents[d];
                let start = doc.effective.max(joined);
                let (document, version) = (doc.id.clone(), doc.version.clone());
                let on = (start + Duration::days(self.rng.range(0, 14))).min(self.today);
                self.data.acknowledgements.push(Acknowledgement {
                    id: num_id("ack", 6, self.data.acknowledgements.len() + 1),
                    document,
                    person: self.data.people[p].id.clone(),
                    version,
                    acknowledged_on: on,
                });
            }
        }
    }

    fn training(&mut self) {
        let window = self.params.new_starter_training_days;
        let campaigns = [self.rng.range(10, 50), self.rng.range(100, 140)];
        let people: Vec<usize> = self
            .current
            .iter()
            .chain(&self.techs)
            .chain(&self.leavers)
            .copied()
            .collect();
        let mut seen = vec![false; self.data.people.len()];
        for p in people {
            if std::mem::replace(&mut seen[p], true) {
                continue;
            }
            let person = &self.data.people[p];
            let joined = person.joined.unwrap_or(self.today);
            let last_day = person.left.unwrap_or(self.today);
            let id = person.id.clone();
            if (self.today - joined).num_days() <= 365 {
                let d = joined + Duration::days(self.rng.range(0, (window / 4).max(1)));
                if d <= last_day {
                    self.train(
                        &id,
                        "New starter security induction",
                        TrainingKind::Onboarding,
                        d,
                        true,
                    );
                }
            }
            let awareness = self
                .rand_day(10, 330)
                .max(joined + Duration::days(self.rng.range(1, 10)));
            if awareness <= last_day {
                let course = format!("Security awareness {}", awareness.year());
                self.train(
                    &id,
                    &course,
                    TrainingKind::SecurityAwareness,
                    awareness,
                    true,
                );
            }
            for &back in &campaigns {
                let d = self.day(back);
                if d >= joined && d <= last_day {
                    let passed = self.rng.chance(0.9);
                    let course = format!("Phishing simulation {}", d.format("%B %Y"));
                    self.train(&id, &course, TrainingKind::PhishingSimulation, d, passed);
                }
            }
        }
    }

    fn train(
        &mut self,
        person: &str,
        course: &str,
        kind: TrainingKind,
        on: NaiveDate,
        passed: bool,
    ) {
        let score = if passed {
            self.rng.range(75, 100)
        } else {
            self.rng.range(20, 60)
        };
        self.data.trainings.push(Training {
            id: num_id("tr", 6, self.data.trainings.len() + 1),
            person: person.to_string(),
            course: course.to_string(),
            kind,
            completed_on: on,
            score: Some(score),
            passed: Some(passed),
        });
    }

    fn assessments(&mut self) {
        let team = format!(
            "{} security team",
            if self.provider {
                "Northwind IT"
            } else {
                &self.msp.name
            }
        );
        for kind in [AssessmentKind::InternalScan, AssessmentKind::ExternalScan] {
            let mut back = self.rng.range(2, 20);
            while back <= 182 {
                let title = match kind {
                    AssessmentKind::InternalScan => "Monthly internal vulnerability scan",
                    _ => "Monthly external vulnerability scan",
                };
                let high = self.rng.range(0, 3);
                let d = self.day(back);
                self.assessment(kind, title, d, &team, 0, high, 0);
                back += 30;
            }
        }
        for (kind, title, assessor) in [
            (
                AssessmentKind::PenTest,
                "Annual penetration test",
                "Pentest People Ltd",
            ),
            (
                AssessmentKind::TabletopExercise,
                "Ransomware tabletop exercise",
                team.as_str(),
            ),
            (
                AssessmentKind::DrExercise,
                "Disaster recovery exercise",
                team.as_str(),
            ),
            (
                AssessmentKind::RiskAssessment,
                "Annual information security risk assessment",
                team.as_str(),
            ),
            (
                AssessmentKind::InternalAudit,
                "Internal audit of security controls",
                "Internal audit",
            ),
        ] {
            let d = self.rand_day(20, 170);
            let high = self.rng.range(0, 4);
            let assessor = assessor.to_string();
            self.assessment(kind, title, d, &assessor, 0, high, 0);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn assessment(
        &mut self,
        kind: AssessmentKind,
        title: &str,
        on: NaiveDate,
        assessor: &str,
        critical: i64,
        high: i64,
        open: i64,
    ) {
        let sha = self.rng.hex(64).to_ascii_lowercase();
        self.data.assessments.push(Assessment {
            id: seq_id("as", self.data.assessments.len()),
            kind,
            title: title.into(),
            performed_on: on,
            assessor: Some(assessor.into()),
            critical_findings: Some(critical),
            high_findings: Some(high),
            open_findings: Some(open),
            report_sha256: Some(sha),
        });
    }

    fn risks(&mut self) {
        let list = if self.provider {
            PROVIDER_RISKS
        } else {
            CLIENT_RISKS
        };
        let n = if self.provider {
            list.len()
        } else {
            self.rng.range(4, 7) as usize
        };
        let start = self.rng.below(list.len() as u64) as usize;
        let owner = self.approver.clone();
        for k in 0..n {
            let (title, rating, treatment) = list[(start + k) % list.len()];
            let reviewed = self.rand_day(10, 300);
            self.data.risks.push(RiskEntry {
                id: seq_id("risk", self.data.risks.len()),
                title: title.into(),
                rating,
                owner: Some(owner.clone()),
                treatment: treatment.map(str::to_string),
                last_reviewed: Some(reviewed),
            });
        }
    }

    fn vendors(&mut self) {
        let mut list: Vec<(String, bool, Option<String>)> = if self.provider {
            PROVIDER_VENDORS
                .iter()
                .map(|(n, c, a)| (n.to_string(), *c, Some(a.to_string())))
                .collect()
        } else {
            vec![
                (
                    self.msp.name.clone(),
                    true,
                    Some("Cyber Essentials Plus".to_string()),
                ),
                (
                    self.suite
                        .split(' ')
                        .next()
                        .unwrap_or("Microsoft")
                        .to_string(),
                    true,
                    Some("ISO 27001".to_string()),
                ),
                (
                    self.rng
                        .pick(&["BT Business", "Virgin Media O2 Business", "Zen Internet"])
                        .to_string(),
                    false,
                    None,
                ),
            ]
        };
        if !self.provider && self.has_service_named("Xero") {
            list.push(("Xero".into(), true, Some("ISO 27001".into())));
        }
        for (name, critical, attestation) in list {
            let review = self.rand_day(20, 300);
            let expires = attestation
                .as_ref()
                .map(|_| self.today + Duration::days(self.rng.range(30, 400)));
            self.data.vendors.push(Vendor {
                id: seq_id("ven", self.data.vendors.len()),
                name,
                critical,
                last_review: Some(review),
                attestation,
                attestation_expires: expires,
            });
        }
    }

    fn has_service_named(&self, name: &str) -> bool {
        self.data.cloud_services.iter().any(|c| c.name == name)
    }

    fn licences(&mut self) {
        let suite = self.suite;
        let users = self
            .data
            .accounts
            .iter()
            .filter(|a| a.system == suite && a.enabled && a.kind == AccountKind::User)
            .count() as i64;
        let endpoints = self
            .data
            .assets
            .iter()
            .filter(|a| {
                a.kind.is_endpoint() && a.lifecycle == assay_core::records::Lifecycle::Active
            })
            .count() as i64;
        let suite_sku = if suite == "Microsoft 365" {
            "Microsoft 365 Business Premium"
        } else {
            "Google Workspace Business Standard"
        };
        let spare = self.rng.range(0, 4);
        let mut list = vec![
            (suite_sku.to_string(), users + spare, users),
            (
                self.edr.to_string(),
                endpoints + self.rng.range(0, 10),
                endpoints,
            ),
            (
                "NinjaOne RMM".to_string(),
                endpoints + self.rng.range(0, 10),
                endpoints,
            ),
        ];
        if self.has_service_named("Xero") {
            list.push(("Xero Standard".into(), 1, 1));
        }
        for (product, purchased, in_use) in list {
            let checked_on = self.rand_day(1, 25);
            self.data.licences.push(Licence {
                id: seq_id("lic", self.data.licences.len()),
                product,
                purchased,
                in_use,
                checked_on,
            });
        }
    }

    fn noc_shifts(&mut self) {
        let shift = |g: &mut Self,
                     day: Weekday,
                     starts: &str,
                     ends: &str,
                     coverage: Coverage,
                     team: &str| {
            g.data.noc_shifts.push(NocShift {
                id: seq_id("noc", g.data.noc_shifts.len()),
                day,
                starts: starts.into(),
                ends: ends.into(),
                coverage,
                team: Some(team.into()),
            });
        };
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            shift(
                self,
                day,
                "07:00",
                "19:00",
                Coverage::Staffed,
                "Service desk",
            );
        }
        for day in [Weekday::Sat, Weekday::Sun] {
            shift(
                self,
                day,
                "09:00",
                "17:00",
                Coverage::Staffed,
                "NOC weekend",
            );
        }
        shift(
            self,
            Weekday::Daily,
            "19:00",
            "07:00",
            Coverage::OnCall,
            "NOC on-call",
        );
    }
}

/// The same day of the previous month (the 5th stays the 5th).
fn prev_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 1 {
        (d.year() - 1, 12)
    } else {
        (d.year(), d.month() - 1)
    };
    NaiveDate::from_ymd_opt(y, m, d.day()).expect("valid date")
}
