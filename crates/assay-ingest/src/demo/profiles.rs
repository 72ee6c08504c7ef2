//! Client profiles (which gaps an organisation shows) and the plan of the
//! whole demo: which client gets which profile, size, tier and overrides.

use super::names::{PLACES, TRADES};
use super::rng::Rng;
use std::collections::BTreeMap;

/// A way an organisation falls short. Profiles are sets of gaps; everything
/// not listed is generated compliant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Gap {
    // The headline gaps of the named profiles.
    LatePatching,
    CloudAdminNoMfa,
    RestoreTestsLapsed,
    StaleInventory,
    FirewallDrift,
    LeaverAccounts,
    WeakPasswords,
    NoEdr,
    PoorSla,
    // Small lapses of "mostly good" organisations.
    UnencryptedLaptop,
    HostFirewallOff,
    ConfigDocStale,
    DormantAccount,
    UnapprovedSoftware,
    DmarcNone,
    BackupFailed,
    UnsupportedOs,
    GuestWifiOpen,
    RemoteToolExposed,
    ChangeNotNotified,
    ByodUnmanaged,
    CapacityUnticketed,
    AutoUpdateOff,
    LocalAdminUser,
    VulnOverdue,
    ServiceReportLate,
    BillingDrift,
}

/// The small lapses a "mostly good" client draws one or two of.
pub(crate) const MINOR_LAPSES: &[Gap] = &[
    Gap::UnencryptedLaptop,
    Gap::HostFirewallOff,
    Gap::ConfigDocStale,
    Gap::DormantAccount,
    Gap::UnapprovedSoftware,
    Gap::DmarcNone,
    Gap::BackupFailed,
    Gap::UnsupportedOs,
    Gap::GuestWifiOpen,
    Gap::RemoteToolExposed,
    Gap::ChangeNotNotified,
    Gap::ByodUnmanaged,
    Gap::CapacityUnticketed,
    Gap::AutoUpdateOff,
    Gap::LocalAdminUser,
    Gap::VulnOverdue,
    Gap::ServiceReportLate,
    Gap::BillingDrift,
];

/// A set of gaps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Gaps(u64);

impl Gaps {
    pub fn with(mut self, g: Gap) -> Gaps {
        self.0 |= 1 << g as u8;
        self
    }

    pub fn has(&self, g: Gap) -> bool {
        self.0 & (1 << g as u8) != 0
    }
}

/// A client profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Compliant,
    LatePatcher,
    CloudAdminNoMfa,
    RestoreTestsLapsed,
    StaleInventory,
    FirewallDrift,
    LeaverAccounts,
    WeakPasswords,
    NoEdr,
    TicketSla,
    MostlyGood,
}

/// Every profile but "mostly good": each appears at least once when there
/// are enough clients.
const NAMED: &[Profile] = &[
    Profile::Compliant,
    Profile::LatePatcher,
    Profile::CloudAdminNoMfa,
    Profile::RestoreTestsLapsed,
    Profile::StaleInventory,
    Profile::FirewallDrift,
    Profile::LeaverAccounts,
    Profile::WeakPasswords,
    Profile::NoEdr,
    Profile::TicketSla,
];

impl Profile {
    pub fn name(&self) -> &'static str {
        match self {
            Profile::Compliant => "compliant",
            Profile::LatePatcher => "late-patcher",
            Profile::CloudAdminNoMfa => "cloud-admin-no-mfa",
            Profile::RestoreTestsLapsed => "restore-tests-lapsed",
            Profile::StaleInventory => "stale-inventory",
            Profile::FirewallDrift => "firewall-drift",
            Profile::LeaverAccounts => "leaver-accounts",
            Profile::WeakPasswords => "weak-passwords",
            Profile::NoEdr => "no-edr",
            Profile::TicketSla => "ticket-sla",
            Profile::MostlyGood => "mostly-good",
        }
    }

    fn headline(&self) -> Option<Gap> {
        Some(match self {
            Profile::Compliant | Profile::MostlyGood => return None,
            Profile::LatePatcher => Gap::LatePatching,
            Profile::CloudAdminNoMfa => Gap::CloudAdminNoMfa,
            Profile::RestoreTestsLapsed => Gap::RestoreTestsLapsed,
            Profile::StaleInventory => Gap::StaleInventory,
            Profile::FirewallDrift => Gap::FirewallDrift,
            Profile::LeaverAccounts => Gap::LeaverAccounts,
            Profile::WeakPasswords => Gap::WeakPasswords,
            Profile::NoEdr => Gap::NoEdr,
            Profile::TicketSla => Gap::PoorSla,
        })
    }
}

pub(crate) const TIER_MSA: &str = "Managed Security Assurance";
pub(crate) const TIER_MU: &str = "Managed User";
pub(crate) const TIER_AM: &str = "All Managed";

/// The gap the provider shows: one of its own laptops has its host
/// firewall switched off (an estate requirement every organisation is
/// judged on, so clients do not inherit it).
pub(crate) const PROVIDER_GAP: Gap = Gap::HostFirewallOff;

/// What to generate for one organisation.
#[derive(Debug, Clone)]
pub(crate) struct OrgPlan {
    /// 0 for the provider, 1.. for clients.
    pub index: usize,
    pub name: String,
    pub slug: String,
    pub domain: String,
    pub tier: &'static str,
    pub profile: Profile,
    pub gaps: Gaps,
    /// Target number of devices.
    pub size: usize,
    pub large: bool,
    pub overrides: BTreeMap<String, i64>,
}

/// Plans `clients` clients: profiles, sizes, tiers, names and overrides.
pub(crate) fn plan_clients(seed: u64, clients: usize) -> Vec<OrgPlan> {
    let mut rng = Rng::derive(seed, 0x9e0f_11e5);
    // Profiles: each named one once (while there is room), then mostly good
    // clients with a sprinkling of repeated named profiles, in random order.
    let mut profiles: Vec<Profile> = (0..clients)
        .map(|i| match NAMED.get(i) {
            Some(p) => *p,
            None if i >= 25 && rng.chance(0.3) => *rng.pick(&NAMED[1..]),
            None => Profile::MostlyGood,
        })
        .collect();
    rng.shuffle(&mut profiles);
    // Sizes: about 18% of clients are large.
    let n_large = (clients * 18 + 50) / 100;
    let mut large: Vec<bool> = (0..clients).map(|i| i < n_large).collect();
    rng.shuffle(&mut large);
    // Names: a permutation of place × trade, stepping by a stride coprime to
    // the number of combinations.
    let combos = PLACES.len() * TRADES.len();
    let strides = [7usize, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];
    let stride = *rng.pick(&strides);
    let offset = rng.below(combos as u64) as usize;
    let mut overridden = 0;
    (0..clients)
        .map(|i| {
            let c = (offset + i * stride) % combos;
            let mut name = format!("{} {}", PLACES[c / TRADES.len()], TRADES[c % TRADES.len()]);
            if i >= combos {
                name = format!("{name} {}", i / combos + 1);
            }
            let slug = slugify(&name);
            let domain = format!("{}.co.uk", slug.replace('-', ""));
            let profile = profiles[i];
            let is_large = large[i];
            let size = if is_large {
                rng.range(160, 280)
            } else {
                rng.range(12, 60)
            } as usize;
            let tier = if profile == Profile::Compliant {
                TIER_AM
            } else {
                *rng.weighted(&[(TIER_MSA, 30), (TIER_MU, 35), (TIER_AM, 35)])
            };
            let mut gaps = Gaps::default();
            if let Some(g) = profile.headline() {
                gaps = gaps.with(g);
            }
            let mut overrides = BTreeMap::new();
            if profile == Profile::MostlyGood {
                let n = if rng.chance(0.4) { 2 } else { 1 };
                for _ in 0..n {
                    gaps = gaps.with(*rng.pick(MINOR_LAPSES));
                }
                // Per-client parameter overrides, honoured by the data.
                match overridden {
                    0 => {
                        overrides.insert("restore_test_days".to_string(), 30);
                    }
                    1 => {
                        overrides.insert("patch_window_days".to_string(), 7);
                    }
                    2 => {
                        overrides.insert("sla_attainment_pct".to_string(), 95);
                    }
                    _ => {}
                }
                overridden += 1;
            }
            OrgPlan {
                index: i + 1,
                name,
                slug,
                domain,
                tier,
                profile,
                gaps,
                size,
                large: is_large,
                overrides,
            }
        })
        .collect()
}

pub(crate) fn provider_plan() -> OrgPlan {
    OrgPlan {
        index: 0,
        name: "Northwind IT".into(),
        slug: "northwind-it".into(),
        domain: "northwind-it.co.uk".into(),
        tier: TIER_AM,
        profile: Profile::MostlyGood,
        gaps: Gaps::default().with(PROVIDER_GAP),
        size: 0,
        large: false,
        overrides: BTreeMap::new(),
    }
}

fn slugify(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').chars().take(63).collect()
}
