//! Deterministic demo data: a believable MSP ("Northwind IT") and its
//! clients, with six months of history back from a given time. Pure: the
//! data is built in memory and the caller stores it.
//!
//! The same options always give the same data: the generator uses its own
//! small PRNG ([`rng`]) and every date is relative to [`DemoOptions::now`].
//! Each organisation is generated from its own random stream, so
//! generation is linear in the number of records, and one organisation can
//! be generated alone ([`generate_org`]) to keep memory bounded.
//!
//! [`Size::Demo`] is the demo; [`Size::S`], [`Size::M`] and [`Size::L`] are
//! benchmark MSPs of 1,000 to 100,000 endpoints with the volumes a real
//! estate carries ([`scale`]).
//!
//! Every organisation is compliant by default; its profile
//! ([`profiles`]) adds gaps, e.g. "late-patcher" installs critical updates
//! 20–40 days after release. The "compliant" client meets every requirement
//! of the built-in frameworks.

mod access;
mod estate;
mod governance;
mod names;
mod network;
mod operations;
mod people;
mod profiles;
mod rng;
mod scale;

#[cfg(test)]
mod tests;

use assay_core::org::{OrgKind, Organisation};
use assay_core::params::{Params, Tier, default_tiers};
use assay_core::records::{AssetKind, Lifecycle, ManagedBy, OrgData};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use estate::{Platform, Release};
use profiles::{Gap, OrgPlan};
use rng::Rng;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// How big an MSP to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Size {
    /// The demo: [`DemoOptions::clients`] clients of 12–280 devices (about
    /// 80 on average), believable rather than big. Its output never changes
    /// for a given seed, client count and time.
    #[default]
    Demo,
    /// Benchmark, small: 20 clients, about 1,000 endpoints.
    S,
    /// Benchmark, medium: 200 clients, about 20,000 endpoints.
    M,
    /// Benchmark, large: 1,000 clients, about 100,000 endpoints, 30 million
    /// software installs and 2 million tickets. Generate it one organisation
    /// at a time ([`generate_org`]): all of it at once needs tens of GiB.
    L,
}

impl Size {
    /// The number of clients: fixed by the benchmark sizes, else `clients`.
    pub fn clients(self, clients: usize) -> usize {
        match self {
            Size::Demo => clients,
            Size::S => 20,
            Size::M => 200,
            Size::L => 1000,
        }
    }

    /// The size's name: "demo", "S", "M" or "L".
    pub fn name(self) -> &'static str {
        match self {
            Size::Demo => "demo",
            Size::S => "S",
            Size::M => "M",
            Size::L => "L",
        }
    }

    /// The total number of client endpoints (assets of any kind) a
    /// benchmark size aims at; `None` for the demo.
    pub fn target_endpoints(self) -> Option<usize> {
        match self {
            Size::Demo => None,
            Size::S => Some(1_000),
            Size::M => Some(20_000),
            Size::L => Some(100_000),
        }
    }
}

impl std::str::FromStr for Size {
    type Err = String;

    /// Parses a size's name, in any case.
    fn from_str(s: &str) -> Result<Size, String> {
        [Size::Demo, Size::S, Size::M, Size::L]
            .into_iter()
            .find(|size| size.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown size '{s}' (demo, S, M or L)"))
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Number of client organisations (the CLI's default is 25). Only
    /// [`Size::Demo`] uses it: the benchmark sizes fix their own number of
    /// clients (see [`Size::clients`] and [`org_count`]).
    pub clients: usize,
    /// The generation time; all history runs back from it.
    pub now: DateTime<Utc>,
    /// The shape of the MSP: the demo, or a benchmark size.
    pub size: Size,
}

/// One generated organisation.
#[derive(Debug, Clone)]
pub struct DemoOrg {
    pub org: Organisation,
    /// The client's parameter overrides (names from `PARAM_DEFS`).
    pub overrides: BTreeMap<String, i64>,
    pub data: OrgData,
    /// The profile the data was generated with, e.g. "late-patcher".
    pub profile: &'static str,
}

/// The number of organisations `opts` describes: the provider plus its
/// clients, so [`generate_org`] takes indices `0..org_count(opts)`.
pub fn org_count(opts: &DemoOptions) -> usize {
    opts.size.clients(opts.clients) + 1
}

/// Generates the provider followed by its clients (see [`org_count`]).
/// Everything is held in memory at once: for the benchmark sizes `M` and
/// `L` use [`generate_org`] one organisation at a time instead.
pub fn generate(opts: &DemoOptions) -> Vec<DemoOrg> {
    let shared = Shared::get(opts);
    let mut out = Vec::with_capacity(shared.plans.len() + 1);
    out.push(shared.build(opts, &shared.provider_plan));

    // Each client comes from its own random stream, so clients can be
    // generated on several threads and joined in order: same output.
    let client = |plan: &OrgPlan| shared.build(opts, plan);
    let plans = &shared.plans;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || plans.len() < 64 {
        out.extend(plans.iter().map(client));
    } else {
        let chunk = plans.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = plans
                .chunks(chunk)
                .map(|part| s.spawn(|| part.iter().map(client).collect::<Vec<_>>()))
                .collect();
            for h in handles {
                out.extend(h.join().expect("demo generation thread panicked"));
            }
        });
    }
    out
}

/// Generates the organisation at `index` of [`generate`]'s output (0 is
/// the provider, `1..org_count(opts)` the clients) without generating the
/// others: the same data as `generate(opts)[index]`.
///
/// What all organisations share (client plans, vendor releases, the
/// provider's staff) is computed once per options and cached, so calling
/// this for every index costs what [`generate`] does.
///
/// # Panics
/// If `index >= org_count(opts)`.
pub fn generate_org(opts: &DemoOptions, index: usize) -> DemoOrg {
    let count = org_count(opts);
    assert!(index < count, "organisation {index} of {count}");
    let shared = Shared::get(opts);
    let plan = match index {
        0 => &shared.provider_plan,
        i => &shared.plans[i - 1],
    };
    shared.build(opts, plan)
}

/// What every organisation of one set of options is generated from.
struct Shared {
    key: SharedKey,
    provider_plan: OrgPlan,
    plans: Vec<OrgPlan>,
    releases: Vec<Release>,
    msp: Msp,
    tiers: Vec<Tier>,
}

/// Options that decide [`Shared`] (the client count only for the demo).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SharedKey {
    seed: u64,
    clients: usize,
    now: DateTime<Utc>,
    size: Size,
}

/// The most recently used [`Shared`] values.
static SHARED: Mutex<Vec<Arc<Shared>>> = Mutex::new(Vec::new());
const SHARED_KEPT: usize = 4;

impl Shared {
    /// The cached value for `opts`, computed on first use.
    fn get(opts: &DemoOptions) -> Arc<Shared> {
        let key = SharedKey {
            seed: opts.seed,
            clients: opts.size.clients(opts.clients),
            now: opts.now,
            size: opts.size,
        };
        let lock = || SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = lock().iter().find(|s| s.key == key) {
            return s.clone();
        }
        let s = Arc::new(Shared::new(opts, key));
        let mut cache = lock();
        if let Some(other) = cache.iter().find(|s| s.key == key) {
            return other.clone();
        }
        if cache.len() >= SHARED_KEPT {
            cache.remove(0);
        }
        cache.push(s.clone());
        s
    }

    fn new(opts: &DemoOptions, key: SharedKey) -> Shared {
        let releases = estate::releases_for(opts.seed, opts.now, opts.size);
        let provider_plan = profiles::provider_plan();
        let plans = match opts.size {
            Size::Demo => profiles::plan_clients(opts.seed, key.clients),
            size => scale::plan_clients(opts.seed, size),
        };
        let mut shared = Shared {
            key,
            provider_plan,
            plans,
            releases,
            msp: Msp::default(),
            tiers: default_tiers(),
        };
        // The provider's people, all the clients need of it, come first in
        // its generation: the rest of the provider is not needed here.
        let params = shared.params_for(&shared.provider_plan);
        let mut provider = OrgGen::new(
            opts,
            &shared.provider_plan,
            params,
            &shared.releases,
            &shared.msp,
        );
        provider.sites();
        provider.people();
        let msp = Msp::from_provider(&provider.data);
        shared.msp = msp;
        shared
    }

    fn params_for(&self, plan: &OrgPlan) -> Params {
        self.tiers
            .iter()
            .find(|t| t.name == plan.tier)
            .and_then(|t| t.resolve(&plan.overrides).ok())
            .unwrap_or_default()
    }

    fn build(&self, opts: &DemoOptions, plan: &OrgPlan) -> DemoOrg {
        let params = self.params_for(plan);
        OrgGen::new(opts, plan, params, &self.releases, &self.msp).build()
    }
}

type Time = DateTime<Utc>;

/// The provider's people that appear in client organisations.
#[derive(Debug, Default)]
pub(crate) struct Msp {
    /// Technicians: (name, email, job title).
    pub techs: Vec<(String, String, String)>,
    /// Signs off time entries and approves changes.
    pub service_desk_manager: String,
    pub name: String,
}

impl Msp {
    fn from_provider(data: &OrgData) -> Msp {
        let current = data.people.iter().filter(|p| p.left.is_none());
        let techs = current
            .clone()
            .filter(|p| {
                p.job_title
                    .as_deref()
                    .is_some_and(|t| t.contains("Technician") || t.contains("Engineer"))
            })
            .map(|p| {
                (
                    p.name.clone(),
                    p.email.clone().unwrap_or_default(),
                    p.job_title.clone().unwrap_or_default(),
                )
            })
            .collect();
        let service_desk_manager = current
            .clone()
            .find(|p| p.job_title.as_deref() == Some("Service Desk Manager"))
            .map(|p| p.name.clone())
            .unwrap_or_default();
        Msp {
            techs,
            service_desk_manager,
            name: "Northwind IT".into(),
        }
    }
}

/// The state of one organisation's generation.
pub(crate) struct OrgGen<'a> {
    seed: u64,
    rng: Rng,
    now: Time,
    today: NaiveDate,
    plan: &'a OrgPlan,
    provider: bool,
    params: Params,
    releases: &'a [Release],
    msp: &'a Msp,
    data: OrgData,
    /// A benchmark size: bulkier records (hundreds of software installs
    /// per computer, more tickets, accounts and changes). False for the
    /// demo, whose output must not change.
    bulk: bool,
    size: Size,

    /// Directory and mail suite: "Microsoft 365" or "Google Workspace".
    suite: &'static str,
    /// The suite's tenant domain for admin accounts.
    tenant: String,
    /// Endpoint protection product.
    edr: &'static str,
    /// Indices into `data.people`.
    current: Vec<usize>,
    leavers: Vec<usize>,
    techs: Vec<usize>,
    /// Owner of servers and network kit.
    it_owner: usize,
    /// Who approves and signs off at the organisation.
    approver: String,
    emails: HashSet<String>,
    /// Per asset (parallel to `data.assets`): platform and site index.
    platforms: Vec<Platform>,
    /// Assets picked to carry a gap.
    targets: Vec<(Gap, usize)>,
    /// Per-kind counters for asset names.
    counters: BTreeMap<&'static str, usize>,
    /// An asset no ticket may mention (its capacity breach goes unticketed).
    quiet_asset: Option<String>,
}

impl<'a> OrgGen<'a> {
    fn new(
        opts: &DemoOptions,
        plan: &'a OrgPlan,
        params: Params,
        releases: &'a [Release],
        msp: &'a Msp,
    ) -> Self {
        let mut rng = Rng::derive(opts.seed, 0x0a11_0000 + plan.index as u64);
        let provider = plan.index == 0;
        let suite = if provider || rng.chance(0.85) {
            "Microsoft 365"
        } else {
            "Google Workspace"
        };
        let edr = if provider {
            "SentinelOne Singularity Complete"
        } else {
            *rng.weighted(&[
                ("Microsoft Defender for Business", 50),
                ("SentinelOne Singularity Core", 30),
                ("Sophos Intercept X", 20),
            ])
        };
        let stem = plan.domain.split('.').next().unwrap_or("org");
        let tenant = if suite == "Microsoft 365" {
            format!("{stem}.onmicrosoft.com")
        } else {
            plan.domain.clone()
        };
        OrgGen {
            seed: opts.seed,
            rng,
            now: opts.now,
            today: opts.now.date_naive(),
            plan,
            provider,
            params,
            releases,
            msp,
            data: OrgData::default(),
            bulk: opts.size != Size::Demo,
            size: opts.size,
            suite,
            tenant,
            edr,
            current: Vec::new(),
            leavers: Vec::new(),
            techs: Vec::new(),
            it_owner: 0,
            approver: String::new(),
            emails: HashSet::new(),
            platforms: Vec::new(),
            targets: Vec::new(),
            counters: BTreeMap::new(),
            quiet_asset: None,
        }
    }

    fn build(mut self) -> DemoOrg {
        self.sites();
        self.people();
        self.contacts();
        self.estate();
        self.network();
        self.access();
        self.backups();
        self.capacity();
        self.service_desk();
        self.changes();
        self.governance();
        if self.provider {
            self.release_catalogue();
        }
        let contracted = self.contracted_endpoints();
        let org = Organisation {
            id: org_id(self.seed, self.plan.index),
            slug: self.plan.slug.clone(),
            name: self.plan.name.clone(),
            kind: if self.provider {
                OrgKind::Provider
            } else {
                OrgKind::Client
            },
            tier: Some(self.plan.tier.to_string()),
            contracted_endpoints: Some(contracted),
        };
        DemoOrg {
            org,
            overrides: self.plan.overrides.clone(),
            data: self.data,
            profile: self.plan.profile.name(),
        }
    }

    /// Devices billed: active endpoints and end-user devices under RMM/MDM,
    /// rounded to a contract-like figure where that stays inside the
    /// tolerance.
    fn contracted_endpoints(&mut self) -> i64 {
        let managed = self
            .data
            .assets
            .iter()
            .filter(|a| a.lifecycle == Lifecycle::Active)
            .filter(|a| a.kind.is_endpoint() || a.kind.is_end_user_device())
            .filter(|a| matches!(a.managed_by, Some(ManagedBy::Rmm | ManagedBy::Mdm)))
            .count() as i64;
        if self.has(Gap::BillingDrift) {
            return managed * 3 / 4;
        }
        let rounded = (managed + 2) / 5 * 5;
        let tolerance = self.params.billing_tolerance_pct;
        if rounded > 0 && (rounded - managed).abs() * 100 <= tolerance * rounded / 2 {
            rounded
        } else {
            managed
        }
    }

    fn has(&self, g: Gap) -> bool {
        self.plan.gaps.has(g)
    }

    /// Whether asset `ai` was picked to carry gap `g`.
    fn is_target(&self, g: Gap, ai: usize) -> bool {
        self.targets.iter().any(|&(t, i)| t == g && i == ai)
    }

    /// The date `days` days before today.
    fn day(&self, days: i64) -> NaiveDate {
        self.today - Duration::days(days)
    }

    /// A random day between `lo` and `hi` days ago.
    fn rand_day(&mut self, lo: i64, hi: i64) -> NaiveDate {
        let d = self.rng.range(lo, hi);
        self.day(d)
    }

    /// A random time between `lo` and `hi` minutes ago.
    fn rand_ago(&mut self, lo: i64, hi: i64) -> Time {
        let m = self.rng.range(lo, hi);
        self.ago(m)
    }

    /// `minutes` minutes before now.
    fn ago(&self, minutes: i64) -> Time {
        self.now - Duration::minutes(minutes)
    }

    /// A time during the working day of `d`, never after now.
    fn work_time(&mut self, d: NaiveDate) -> Time {
        let t = at(d, self.rng.range(8 * 60, 18 * 60));
        t.min(self.now)
    }

    /// The index of a person from its id (`p-00042`).
    fn person_index(&self, id: &str) -> Option<usize> {
        let n: usize = id.strip_prefix("p-")?.parse().ok()?;
        (n >= 1 && n <= self.data.people.len()).then(|| n - 1)
    }

    fn kind_of(&self, ai: usize) -> AssetKind {
        self.data.assets[ai].kind
    }
}

/// Midnight of `d` plus `minutes`.
fn at(d: NaiveDate, minutes: i64) -> Time {
    d.and_time(NaiveTime::MIN).and_utc() + Duration::minutes(minutes)
}

/// A stable id from the seed and the organisation's position (UUIDv8).
fn org_id(seed: u64, index: usize) -> Uuid {
    let mut r = Rng::derive(seed ^ 0x5eed_0f0f, index as u64);
    let (hi, lo) = (r.next_u64(), r.next_u64());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// A sequential record id: `prefix-00042` for the `n`th record (from 0).
fn seq_id(prefix: &str, n: usize) -> String {
    num_id(prefix, 5, n + 1)
}

/// `prefix-n` with `n` zero-padded to `width` digits: what
/// `format!("{prefix}-{n:0width$}")` gives, without the formatting
/// machinery (ids are made for millions of rows).
fn num_id(prefix: &str, width: usize, n: usize) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    let mut s = String::with_capacity(prefix.len() + 1 + len.max(width));
    s.push_str(prefix);
    s.push('-');
    for _ in len..width {
        s.push('0');
    }
    for &d in &digits[i..] {
        s.push(d as char);
    }
    s
}
