//! Cloud services, accounts (users, admins, service accounts and the MSP's
//! technician accounts), password policies, privileged group changes and
//! access reviews.

use super::estate::Platform;
use super::profiles::Gap;
use super::{OrgGen, Time, at, num_id, scale, seq_id};
use assay_core::records::{
    AccessReview, AccessReviewItem, Account, AccountKind, AssetKind, CloudModel, CloudService,
    Decision, Lifecycle, MembershipAction, PasswordPolicy, PersonKind, PrivilegedChange,
    ReviewScope,
};
use chrono::Duration;

const RMM: &str = "NinjaOne";
const PSA: &str = "HaloPSA";
const AD: &str = "Active Directory";

impl OrgGen<'_> {
    pub(super) fn access(&mut self) {
        self.cloud_services();
        self.accounts();
        self.password_policies();
        self.privileged_changes();
        self.access_reviews();
        // Admin counts as the services report them.
        for i in 0..self.data.cloud_services.len() {
            let name = &self.data.cloud_services[i].name;
            let admins = self
                .data
                .accounts
                .iter()
                .filter(|a| a.enabled && a.privileged && &a.system == name)
                .count();
            self.data.cloud_services[i].admin_count = Some(admins as i64);
        }
    }

    fn cloud_services(&mut self) {
        let suite_doc = if self.suite == "Microsoft 365" {
            "https://learn.microsoft.com/azure/security/fundamentals/shared-responsibility"
        } else {
            "https://cloud.google.com/architecture/framework/security/shared-responsibility-shared-fate"
        };
        let mut list: Vec<(&'static str, CloudModel, &'static str)> =
            vec![(self.suite, CloudModel::Saas, suite_doc)];
        if self.provider {
            list.extend([
                (
                    RMM,
                    CloudModel::Saas,
                    "https://www.ninjaone.com/trust-center/",
                ),
                (PSA, CloudModel::Saas, "https://halopsa.com/security/"),
                (
                    "IT Glue",
                    CloudModel::Saas,
                    "https://www.itglue.com/security/",
                ),
                (
                    "Xero",
                    CloudModel::Saas,
                    "https://www.xero.com/uk/security/",
                ),
            ]);
        } else if self.rng.chance(0.5) {
            list.push((
                "Xero",
                CloudModel::Saas,
                "https://www.xero.com/uk/security/",
            ));
        } else if self.rng.chance(0.4) {
            list.push((
                "Sage Business Cloud",
                CloudModel::Saas,
                "https://www.sage.com/en-gb/trust-security/",
            ));
        }
        if !self.provider {
            for (name, p, doc) in [
                (
                    "Dropbox Business",
                    0.15,
                    "https://www.dropbox.com/business/trust",
                ),
                ("HubSpot", 0.15, "https://trust.hubspot.com/"),
                ("Zoom", 0.3, "https://explore.zoom.us/en/trust/"),
            ] {
                if self.rng.chance(p) {
                    list.push((name, CloudModel::Saas, doc));
                }
            }
            if self.bulk {
                for &(name, doc, p, _) in scale::SAAS {
                    if self.rng.chance(p) {
                        list.push((name, CloudModel::Saas, doc));
                    }
                }
            }
        }
        list.push((
            "Datto SaaS Protection",
            CloudModel::Saas,
            "https://www.datto.com/security/",
        ));
        let iaas = self
            .data
            .assets
            .iter()
            .find(|a| a.kind == AssetKind::IaasVm);
        if let Some(vm) = iaas {
            if vm.make.as_deref() == Some("Amazon") {
                list.push((
                    "Amazon Web Services",
                    CloudModel::Iaas,
                    "https://aws.amazon.com/compliance/shared-responsibility-model/",
                ));
            } else {
                list.push((
                    "Microsoft Azure",
                    CloudModel::Iaas,
                    "https://learn.microsoft.com/azure/security/fundamentals/shared-responsibility",
                ));
            }
        }
        for (name, model, doc) in list {
            let weak = self.has(Gap::WeakPasswords) && name == self.suite;
            self.data.cloud_services.push(CloudService {
                id: seq_id("cs", self.data.cloud_services.len()),
                name: name.into(),
                model,
                holds_org_data: true,
                in_scope: Some(true),
                mfa_available: true,
                mfa_enforced_users: Some(!weak),
                mfa_enforced_admins: Some(true),
                admin_count: None,
                anonymous_sharing: Some(false),
                responsibility_doc: Some(doc.into()),
            });
        }
    }

    fn has_service(&self, name: &str) -> bool {
        self.data.cloud_services.iter().any(|c| c.name == name)
    }

    /// Adds an account; enabled unless the person has left. Returns its
    /// index.
    fn add_account(
        &mut self,
        system: &'static str,
        username: String,
        person: Option<usize>,
        kind: AccountKind,
        privileged: bool,
    ) -> usize {
        let (joined, left) = match person {
            Some(p) => (self.data.people[p].joined, self.data.people[p].left),
            None => (None, None),
        };
        let created_day = joined.unwrap_or_else(|| self.rand_day(300, 1500));
        let created = at(created_day, 9 * 60 + self.rng.range(0, 90)).min(self.now);
        let (enabled, disabled_at, last_sign_in) = match left {
            Some(l) => {
                let off = at(l, 17 * 60 + self.rng.range(0, 60)).min(self.now);
                (
                    false,
                    Some(off),
                    Some(at(l, 8 * 60 + self.rng.range(0, 480)).min(off)),
                )
            }
            None => {
                let minutes = if kind == AccountKind::Technician {
                    self.rng.range(60, 14 * 24 * 60)
                } else {
                    self.rng.range(10, 4 * 24 * 60)
                };
                (true, None, Some(self.ago(minutes).max(created)))
            }
        };
        let approval = match kind {
            AccountKind::User => format!(
                "HR-{}-{:03}",
                created_day.format("%Y"),
                self.rng.range(1, 400)
            ),
            AccountKind::Service => format!("CHG-{}", self.rng.range(1000, 9999)),
            _ => format!("T-{}", self.rng.range(10000, 99999)),
        };
        let service = kind == AccountKind::Service;
        self.data.accounts.push(Account {
            id: num_id("acc", 5, self.data.accounts.len() + 1),
            system: system.into(),
            username,
            person: person.map(|p| self.data.people[p].id.clone()),
            kind,
            privileged,
            privilege_tier: None,
            mfa: (!service).then_some(true),
            enabled,
            created_at: Some(created),
            last_sign_in,
            disabled_at,
            has_mailbox: Some(kind == AccountKind::User && system == self.suite),
            approval_ref: Some(approval),
        });
        self.data.accounts.len() - 1
    }

    fn accounts(&mut self) {
        let suite = self.suite;
        let tenant = self.tenant.clone();
        let users: Vec<usize> = self.current.iter().chain(&self.leavers).copied().collect();
        for &p in &users {
            let email = self.data.people[p].email.clone().unwrap_or_default();
            let i = self.add_account(suite, email, Some(p), AccountKind::User, false);
            if self.has(Gap::WeakPasswords) {
                self.data.accounts[i].mfa = Some(false);
            }
            if self.has(Gap::LeaverAccounts) && self.data.people[p].left.is_some() {
                let a = &mut self.data.accounts[i];
                a.enabled = true;
                a.disabled_at = None;
            }
        }
        if self.has(Gap::DormantAccount) {
            let p = self.current[self.current.len() - 1];
            let days = self.rng.range(60, 90);
            let t = self.ago(days * 24 * 60);
            if let Some(a) = self
                .data
                .accounts
                .iter_mut()
                .find(|a| a.person.as_deref() == Some(&self.data.people[p].id))
            {
                a.last_sign_in = Some(t);
                if a.created_at.is_some_and(|c| c > t) {
                    a.created_at = Some(t - Duration::days(30));
                }
            }
        }
        // Administrators: separate accounts without mailboxes.
        let admins: Vec<(usize, &str)> = if self.provider {
            self.current
                .iter()
                .copied()
                .filter(|&p| {
                    self.data.people[p].job_title.as_deref() == Some("Infrastructure Engineer")
                })
                .map(|p| (p, "Global Administrator"))
                .collect()
        } else if self.plan.large {
            vec![
                (self.it_owner, "Global Administrator"),
                (self.current[0], "Billing Administrator"),
            ]
        } else {
            vec![(self.it_owner, "Global Administrator")]
        };
        for (n, (p, role)) in admins.into_iter().enumerate() {
            let username = format!("adm-{}@{tenant}", self.local_part(p));
            let i = self.add_account(suite, username, Some(p), AccountKind::Admin, true);
            self.data.accounts[i].privilege_tier = Some(role.into());
            if self.has(Gap::CloudAdminNoMfa) && n == 0 {
                self.data.accounts[i].mfa = Some(false);
            }
        }
        // The MSP's technicians: delegated admin accounts in the client's
        // tenant; in the provider, RMM and PSA accounts.
        let techs = self.techs.clone();
        if self.provider {
            for &p in &techs {
                let email = self.data.people[p].email.clone().unwrap_or_default();
                let i = self.add_account(RMM, email, Some(p), AccountKind::Technician, true);
                self.data.accounts[i].privilege_tier = Some("Technician".into());
            }
            for &p in &self.leavers.clone() {
                if self.data.people[p].client_access == Some(true) {
                    let email = self.data.people[p].email.clone().unwrap_or_default();
                    let i = self.add_account(RMM, email, Some(p), AccountKind::Technician, true);
                    self.data.accounts[i].privilege_tier = Some("Technician".into());
                }
            }
            for &p in &users {
                let email = self.data.people[p].email.clone().unwrap_or_default();
                self.add_account(PSA, email, Some(p), AccountKind::User, false);
            }
            let finance: Vec<usize> = self.current.iter().copied().take(3).collect();
            for p in finance {
                let email = self.data.people[p].email.clone().unwrap_or_default();
                self.add_account("Xero", email, Some(p), AccountKind::User, false);
            }
        } else {
            for &p in &techs {
                let username = format!("nw-{}@{tenant}", self.local_part(p));
                let i = self.add_account(suite, username, Some(p), AccountKind::Technician, true);
                self.data.accounts[i].privilege_tier = Some("Helpdesk Administrator (GDAP)".into());
            }
            for system in ["Xero", "Sage Business Cloud"] {
                if self.has_service(system) {
                    let system: &'static str = if system == "Xero" {
                        "Xero"
                    } else {
                        "Sage Business Cloud"
                    };
                    let n = self.rng.range(1, 3) as usize;
                    let finance: Vec<usize> =
                        self.current.iter().copied().skip(2).take(n).collect();
                    for p in finance {
                        let email = self.data.people[p].email.clone().unwrap_or_default();
                        self.add_account(system, email, Some(p), AccountKind::User, false);
                    }
                }
            }
        }
        if self.bulk && !self.provider {
            self.saas_accounts(&users);
        }
        if self.has_domain() {
            self.directory_accounts(&techs);
            if self.bulk {
                // Hybrid identity: every user also has a domain account.
                for &p in &users {
                    let username = self.local_part(p);
                    self.add_account(AD, username, Some(p), AccountKind::User, false);
                }
            }
        }
        for a in &mut self.data.accounts {
            if a.system != suite || a.kind != AccountKind::User {
                a.has_mailbox = Some(false);
            }
        }
    }

    /// Accounts in the line-of-business SaaS the client uses (benchmark
    /// sizes only): an administrator, and a share of the users.
    fn saas_accounts(&mut self, users: &[usize]) {
        let owner = self.it_owner;
        for &(name, _, _, share) in scale::SAAS {
            if !self.has_service(name) {
                continue;
            }
            let username = format!("admin-{}@{}", self.local_part(owner), self.plan.domain);
            let i = self.add_account(name, username, Some(owner), AccountKind::Admin, true);
            self.data.accounts[i].privilege_tier = Some("Administrator".into());
            for &p in users {
                if self.rng.chance(share) {
                    let email = self.data.people[p].email.clone().unwrap_or_default();
                    self.add_account(name, email, Some(p), AccountKind::User, false);
                }
            }
        }
    }

    /// Whether the organisation runs an on-premises Windows domain.
    fn has_domain(&self) -> bool {
        self.data.assets.iter().zip(&self.platforms).any(|(a, p)| {
            a.lifecycle == Lifecycle::Active
                && a.kind == AssetKind::Server
                && *p == Platform::WindowsServer
        })
    }

    fn directory_accounts(&mut self, techs: &[usize]) {
        for &p in techs {
            let username = format!("nw-{}", self.local_part(p));
            let i = self.add_account(AD, username, Some(p), AccountKind::Technician, true);
            self.data.accounts[i].privilege_tier = Some("Domain Admins".into());
        }
        let owner = self.it_owner;
        let username = format!("adm-{}", self.local_part(owner));
        let i = self.add_account(AD, username, Some(owner), AccountKind::Admin, true);
        self.data.accounts[i].privilege_tier = Some("Domain Admins".into());
        for svc in ["svc-backup", "svc-scan", "svc-sql"] {
            self.add_account(AD, svc.into(), None, AccountKind::Service, false);
        }
        // The built-in administrator, disabled.
        let i = self.add_account(AD, "Administrator".into(), None, AccountKind::Admin, true);
        let a = &mut self.data.accounts[i];
        a.enabled = false;
        a.privilege_tier = Some("Built-in".into());
        a.disabled_at = a.created_at.map(|t| t + Duration::days(1));
        a.last_sign_in = a.created_at;
    }

    fn password_policies(&mut self) {
        let weak = self.has(Gap::WeakPasswords);
        let mut systems = vec![self.suite];
        if self.has_domain() {
            systems.push(AD);
        }
        if self.provider {
            systems.push(RMM);
        }
        for system in systems {
            let ad = system == AD;
            let p = if weak {
                PasswordPolicy {
                    id: String::new(),
                    system: system.into(),
                    min_length: 8,
                    max_length: Some(16),
                    deny_list: false,
                    complexity_forced: Some(true),
                    expiry_days: Some(90),
                    lockout_threshold: Some(10),
                    throttling: Some(false),
                    mfa_enforced: Some(false),
                }
            } else {
                PasswordPolicy {
                    id: String::new(),
                    system: system.into(),
                    min_length: if ad { 14 } else { 12 },
                    max_length: None,
                    deny_list: true,
                    complexity_forced: Some(ad),
                    expiry_days: None,
                    lockout_threshold: Some(10),
                    throttling: Some(!ad),
                    mfa_enforced: Some(!ad),
                }
            };
            self.data.password_policies.push(PasswordPolicy {
                id: seq_id("pp", self.data.password_policies.len()),
                ..p
            });
        }
    }

    fn privileged_changes(&mut self) {
        let approver = self.approver.clone();
        let since = self.now - Duration::days(182);
        let mut changes: Vec<(String, String, String, MembershipAction, Time)> = Vec::new();
        for a in &self.data.accounts {
            if !a.privileged {
                continue;
            }
            let group = a
                .privilege_tier
                .clone()
                .unwrap_or_else(|| "Administrators".into());
            if let Some(c) = a.created_at.filter(|c| *c >= since) {
                changes.push((
                    a.system.clone(),
                    group.clone(),
                    a.id.clone(),
                    MembershipAction::Added,
                    c + Duration::minutes(10),
                ));
            }
            if let Some(d) = a.disabled_at.filter(|d| *d >= since) {
                changes.push((
                    a.system.clone(),
                    group,
                    a.id.clone(),
                    MembershipAction::Removed,
                    d,
                ));
            }
        }
        // Temporary elevations for project work.
        let candidates: Vec<usize> = (0..self.data.accounts.len())
            .filter(|&i| {
                let a = &self.data.accounts[i];
                a.enabled && a.kind == AccountKind::Technician
            })
            .collect();
        if !candidates.is_empty() {
            for _ in 0..self.rng.range(1, 3) {
                let i = *self.rng.pick(&candidates);
                let m = self.rng.range(2, 80) * 24 * 60 + self.rng.range(0, 600);
                let t = self.ago(m);
                let a = &self.data.accounts[i];
                let group = if a.system == AD {
                    "Schema Admins"
                } else {
                    "Exchange Administrator"
                };
                changes.push((
                    a.system.clone(),
                    group.into(),
                    a.id.clone(),
                    MembershipAction::Added,
                    t,
                ));
                changes.push((
                    a.system.clone(),
                    group.into(),
                    a.id.clone(),
                    MembershipAction::Removed,
                    t + Duration::hours(4),
                ));
            }
        }
        changes.sort_by_key(|c| c.4);
        for (system, group, account, action, changed_at) in changes {
            if changed_at > self.now {
                continue;
            }
            let ticket = Some(format!("T-{}", self.rng.range(10000, 99999)));
            self.data.privileged_changes.push(PrivilegedChange {
                id: seq_id("pc", self.data.privileged_changes.len()),
                system,
                group_name: group,
                account,
                action,
                changed_at,
                approved_by: Some(approver.clone()),
                ticket,
            });
        }
    }

    fn access_reviews(&mut self) {
        let mut systems: Vec<String> = self
            .data
            .accounts
            .iter()
            .map(|a| a.system.clone())
            .collect();
        systems.sort();
        systems.dedup();
        let signer = if self.provider {
            self.data.people[self.current[1]].name.clone()
        } else {
            self.approver.clone()
        };
        for system in systems {
            let privileged = self
                .data
                .accounts
                .iter()
                .any(|a| a.system == system && a.privileged && a.enabled);
            let mut reviews = vec![(ReviewScope::All, self.rng.range(150, 200))];
            if privileged {
                reviews.push((ReviewScope::Privileged, self.rng.range(105, 135)));
                reviews.push((ReviewScope::Privileged, self.rng.range(15, 45)));
            }
            for (scope, days) in reviews {
                let started = self.day(days);
                let completed = started + Duration::days(self.rng.range(3, 10));
                let review_id = seq_id("ar", self.data.access_reviews.len());
                let quarter = format!("{}", started.format("%b %Y"));
                let name = match scope {
                    ReviewScope::All => format!("Annual {system} access review ({quarter})"),
                    ReviewScope::Privileged => {
                        format!("Quarterly {system} privileged access review ({quarter})")
                    }
                };
                self.data.access_reviews.push(AccessReview {
                    id: review_id.clone(),
                    name,
                    system: system.clone(),
                    scope,
                    started_on: started,
                    due_on: Some(started + Duration::days(30)),
                    completed_on: Some(completed),
                    signed_off_by: Some(signer.clone()),
                });
                let start_time = at(started, 0);
                for i in 0..self.data.accounts.len() {
                    let a = &self.data.accounts[i];
                    if a.system != system
                        || (scope == ReviewScope::Privileged && !a.privileged)
                        || a.created_at.is_some_and(|c| c > start_time)
                        || a.disabled_at.is_some_and(|d| d < start_time)
                    {
                        continue;
                    }
                    let left = a
                        .person
                        .as_deref()
                        .and_then(|p| self.person_index(p))
                        .map(|p| &self.data.people[p])
                        .filter(|p| p.kind != PersonKind::Contractor)
                        .and_then(|p| p.left);
                    let decision = if left.is_some_and(|l| l <= completed) {
                        Decision::Revoke
                    } else {
                        Decision::Keep
                    };
                    let decided = started + Duration::days(self.rng.range(0, 3));
                    let account = a.id.clone();
                    self.data.access_review_items.push(AccessReviewItem {
                        id: num_id("ari", 6, self.data.access_review_items.len() + 1),
                        review: review_id.clone(),
                        account,
                        decision,
                        decided_by: Some(signer.clone()),
                        decided_on: Some(decided),
                    });
                }
            }
        }
    }
}
