//! Sites, people (staff, client users, the MSP's technicians inside each
//! client) and contacts.

use super::names::{CLIENT_TITLES, FIRST_NAMES, LAST_NAMES, STREETS, TOWNS};
use super::{OrgGen, scale, seq_id};
use assay_core::records::{Contact, Person, PersonKind, Site};
use chrono::NaiveDate;

/// The provider's own staff: (job title, head count, reaches client systems).
const PROVIDER_ROLES: &[(&str, usize, bool)] = &[
    ("Managing Director", 1, false),
    ("Operations Director", 1, true),
    ("Finance Manager", 1, false),
    ("Service Desk Manager", 1, true),
    ("Service Desk Technician", 12, true),
    ("Field Engineer", 6, true),
    ("Infrastructure Engineer", 5, true),
    ("NOC Analyst", 3, true),
    ("Security Analyst", 2, true),
    ("Project Manager", 1, true),
    ("Account Manager", 2, false),
    ("Sales Executive", 1, false),
    ("Office Manager", 1, false),
    ("Procurement Coordinator", 1, false),
    ("HR Manager", 1, false),
    ("Marketing Executive", 1, false),
];

impl OrgGen<'_> {
    pub(super) fn sites(&mut self) {
        let names: &[&str] = if self.provider {
            &["Head office", "Colocation data centre"]
        } else {
            &[
                "Head office",
                "Branch office",
                "Warehouse",
                "Regional office",
                "Distribution centre",
                "Northern office",
                "Southern office",
                "Training centre",
            ]
        };
        let n = if self.provider {
            2
        } else if self.plan.large && self.bulk {
            (1 + self.plan.size / 250).min(names.len())
        } else if self.plan.large {
            (1 + self.plan.size / 90).min(4)
        } else if self.rng.chance(0.1) {
            2
        } else {
            1
        };
        for (i, name) in names.iter().take(n).enumerate() {
            let address = format!(
                "{} {}, {}",
                self.rng.range(1, 220),
                self.rng.pick(STREETS),
                self.rng.pick(TOWNS)
            );
            self.data.sites.push(Site {
                id: format!("site-{}", i + 1),
                name: name.to_string(),
                address: Some(address),
                country: Some("GB".into()),
            });
        }
    }

    pub(super) fn people(&mut self) {
        if self.provider {
            self.provider_staff();
        } else {
            self.client_users();
        }
        self.approver = self.data.people[self.current[0]].name.clone();
    }

    fn provider_staff(&mut self) {
        // A bigger book needs more delivery staff.
        let factor = scale::provider_staff_factor(self.size);
        for &(title, count, technical) in PROVIDER_ROLES {
            let count = if count > 1 { count * factor } else { count };
            for _ in 0..count {
                let joined = self.joined_date();
                let i = self.person(PersonKind::Staff, title, joined, None, technical);
                self.current.push(i);
                if technical {
                    self.techs.push(i);
                }
                if title == "Infrastructure Engineer" && self.it_owner == 0 {
                    self.it_owner = i;
                }
            }
        }
        // Leavers of the last six months.
        let titles = [
            "Service Desk Technician",
            "Field Engineer",
            "Sales Executive",
        ];
        for &title in titles.iter().cycle().take(titles.len() * factor) {
            let joined = self.rand_day(400, 2000);
            let left = self.rand_day(10, 170);
            let i = self.person(
                PersonKind::Staff,
                title,
                joined,
                Some(left),
                title != "Sales Executive",
            );
            self.leavers.push(i);
        }
    }

    fn client_users(&mut self) {
        let per_device = if self.bulk {
            scale::USERS_PER_DEVICE
        } else {
            0.63
        };
        let users = ((self.plan.size as f64 * per_device).round() as usize).max(4);
        for n in 0..users {
            let title = match n {
                0 => "Managing Director",
                1 => "Office Manager",
                2 => "Finance Director",
                _ => *self.rng.pick(CLIENT_TITLES),
            };
            let joined = self.joined_date();
            let i = self.person(PersonKind::ClientUser, title, joined, None, false);
            self.current.push(i);
        }
        self.it_owner = self.current[1];
        let mut leavers = (users * 6 / 100).max(1);
        if self.has(super::Gap::LeaverAccounts) {
            leavers = leavers.max(3);
        }
        for _ in 0..leavers {
            let title = *self.rng.pick(CLIENT_TITLES);
            let joined = self.rand_day(400, 2500);
            let left = self.rand_day(10, 175);
            let i = self.person(PersonKind::ClientUser, title, joined, Some(left), false);
            self.leavers.push(i);
        }
        // The MSP's technicians who work on this client, as contractors.
        let mut n = if self.plan.large { 5 } else { 3 };
        if self.bulk {
            n += self.plan.size / 400;
        }
        let pool = self.msp.techs.len();
        if pool > 0 {
            let start = self.rng.below(pool as u64) as usize;
            for k in 0..n.min(pool) {
                let (name, email, title) = &self.msp.techs[(start + k * 3) % pool];
                let joined = self.rand_day(120, 900);
                let id = seq_id("p", self.data.people.len());
                self.data.people.push(Person {
                    id,
                    name: name.clone(),
                    email: Some(email.clone()),
                    kind: PersonKind::Contractor,
                    job_title: Some(format!("{} ({})", title, self.msp.name)),
                    joined: Some(joined),
                    left: None,
                    client_access: Some(true),
                    nda_signed: Some(true),
                    screened: Some(true),
                });
                self.techs.push(self.data.people.len() - 1);
            }
        }
    }

    /// Most people joined years ago; about one in twelve in the last six
    /// months.
    fn joined_date(&mut self) -> NaiveDate {
        if self.rng.chance(0.08) {
            self.rand_day(3, 170)
        } else {
            self.rand_day(200, 3500)
        }
    }

    /// Adds a person with a unique e-mail address; returns its index.
    fn person(
        &mut self,
        kind: PersonKind,
        title: &str,
        joined: NaiveDate,
        left: Option<NaiveDate>,
        client_access: bool,
    ) -> usize {
        let first = *self.rng.pick(FIRST_NAMES);
        let last = *self.rng.pick(LAST_NAMES);
        let local: String = format!("{first}.{last}")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut email = format!("{local}@{}", self.plan.domain);
        let mut n = 2;
        while !self.emails.insert(email.clone()) {
            email = format!("{local}{n}@{}", self.plan.domain);
            n += 1;
        }
        let staff = kind == PersonKind::Staff;
        self.data.people.push(Person {
            id: seq_id("p", self.data.people.len()),
            name: format!("{first} {last}"),
            email: Some(email),
            kind,
            job_title: Some(title.to_string()),
            joined: Some(joined),
            left,
            client_access: Some(client_access),
            nda_signed: staff.then_some(true),
            screened: staff.then_some(true),
        });
        self.data.people.len() - 1
    }

    pub(super) fn contacts(&mut self) {
        let picks: Vec<(usize, &str, bool)> = if self.provider {
            vec![
                (self.current[0], "Managing Director", true),
                (self.current[3], "Service desk lead", false),
            ]
        } else {
            vec![
                (self.current[0], "Managing Director", false),
                (self.it_owner, "IT lead", true),
                (self.current[2], "Finance and billing", false),
            ]
        };
        for (i, role, primary) in picks {
            let p = &self.data.people[i];
            let phone = format!(
                "+44 {} {:03} {:04}",
                self.rng
                    .pick(&["131", "141", "1786", "1382", "1224", "113", "161"]),
                self.rng.below(1000),
                self.rng.below(10_000)
            );
            self.data.contacts.push(Contact {
                id: seq_id("c", self.data.contacts.len()),
                name: p.name.clone(),
                email: p.email.clone(),
                phone: Some(phone),
                role: Some(role.to_string()),
                primary_contact: Some(primary),
            });
        }
    }

    /// The user name part of a person's e-mail.
    pub(super) fn local_part(&self, person: usize) -> String {
        let email = self.data.people[person].email.as_deref().unwrap_or("");
        email.split('@').next().unwrap_or("").to_string()
    }
}
