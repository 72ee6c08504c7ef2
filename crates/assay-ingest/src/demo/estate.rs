//! The estate: assets of every kind and, per active asset, its software,
//! updates (monthly patch cycles), vulnerabilities, configuration and
//! malware protection.

use super::names::{
    LINUX_CORE, LINUX_POOL, MAC_CORE, MAC_POOL, Product, UNAPPROVED, WIN_CORE, WIN_POOL,
    WIN_SERVER_CORE, WIN_SERVER_POOL,
};
use super::profiles::Gap;
use super::rng::Rng;
use super::{OrgGen, Size, Time, at, num_id, scale, seq_id};
use assay_core::records::{
    Asset, AssetKind, Document, DocumentKind, EndpointConfig, Lifecycle, MalwareMode,
    MalwareProtection, ManagedBy, Ownership, Severity, SoftwareInstall, SoftwareKind, Update,
    Vulnerability,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// What an asset runs: decides its software, updates and configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    Windows,
    Mac,
    LinuxDesktop,
    WindowsServer,
    LinuxServer,
    Ios,
    Android,
    ThinClient,
    Fortinet,
    Sophos,
    WatchGuard,
    Switch,
    AccessPoint,
    Nas,
}

impl Platform {
    fn is_windows(&self) -> bool {
        matches!(self, Platform::Windows | Platform::WindowsServer)
    }
}

/// A vendor release (one patch for every asset of its platforms).
pub(crate) struct Release {
    pub platforms: &'static [Platform],
    pub product: &'static str,
    pub reference: String,
    pub kind: SoftwareKind,
    pub severity: Severity,
    pub cvss: f64,
    pub cves: Vec<String>,
    pub released: NaiveDate,
    pub manual_config: bool,
}

impl Release {
    /// Counts for the critical-update window: critical, high, unknown or
    /// CVSS 7 and above.
    fn qualifying(&self) -> bool {
        matches!(
            self.severity,
            Severity::Critical | Severity::High | Severity::Unknown
        ) || self.cvss >= 7.0
    }
}

/// The releases every organisation of `size` is patched with: the demo's,
/// and for the benchmark sizes more of each month's (see
/// [`scale::extra_releases`]).
pub(crate) fn releases_for(seed: u64, now: DateTime<Utc>, size: Size) -> Vec<Release> {
    let mut out = releases(seed, now);
    if size != Size::Demo {
        scale::extra_releases(seed, now, &mut out);
    }
    out
}

/// The vendors' releases of the last six months, shared by every
/// organisation (the same KB number everywhere).
pub(crate) fn releases(seed: u64, now: DateTime<Utc>) -> Vec<Release> {
    use Platform::*;
    let mut rng = Rng::derive(seed, 0x9a7c_4e1e);
    let today = now.date_naive();
    let mut out = Vec::new();
    for back in 0..7i64 {
        let total = today.year() as i64 * 12 + today.month0() as i64 - back;
        let (y, m) = ((total / 12) as i32, (total % 12) as u32 + 1);
        let first = NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
        let tuesday = nth_weekday(first, Weekday::Tue, 2);
        let monday = nth_weekday(first, Weekday::Mon, 1);
        let label = first.format("%Y-%m").to_string();
        let cves = |n: usize, rng: &mut Rng| -> Vec<String> {
            (0..n)
                .map(|_| format!("CVE-{y}-{}", rng.range(20000, 59999)))
                .collect()
        };
        let mut push = |platforms: &'static [Platform],
                        product: &'static str,
                        reference: String,
                        kind: SoftwareKind,
                        severity: Severity,
                        cvss: f64,
                        cves: Vec<String>,
                        released: NaiveDate| {
            out.push(Release {
                platforms,
                product,
                reference,
                kind,
                severity,
                cvss,
                cves,
                released,
                manual_config: false,
            })
        };
        let kb = 5_044_000 + (total * 377) % 9000;
        let os = SoftwareKind::Os;
        let app = SoftwareKind::App;
        let fw = SoftwareKind::Firmware;
        push(
            &[Windows],
            "Windows 11",
            format!("KB{kb}"),
            os,
            Severity::Critical,
            8.8,
            cves(3, &mut rng),
            tuesday,
        );
        push(
            &[WindowsServer],
            "Windows Server",
            format!("KB{}", kb + 3),
            os,
            Severity::Critical,
            9.8,
            cves(3, &mut rng),
            tuesday,
        );
        push(
            &[Windows],
            "Microsoft 365 Apps for business",
            format!(
                "{label} security update (Build 18{:03}.20{:03})",
                total % 1000,
                back * 24 + 158
            ),
            app,
            Severity::High,
            7.8,
            cves(2, &mut rng),
            tuesday,
        );
        let chrome = 131 - back;
        push(
            &[Windows, Mac, LinuxDesktop],
            "Google Chrome",
            format!("{chrome}.0.{}.{}", 6778 - back * 55, 85 + back),
            app,
            Severity::High,
            8.8,
            cves(2, &mut rng),
            tuesday + Duration::days(rng.range(2, 9)),
        );
        push(
            &[Windows, WindowsServer],
            "Microsoft Edge",
            format!("{chrome}.0.{}.{}", 2903 - back * 60, 70 + back),
            app,
            Severity::Medium,
            6.5,
            cves(1, &mut rng),
            tuesday + Duration::days(3),
        );
        push(
            &[Mac],
            "macOS Sequoia",
            format!("15.{}", 6 - back),
            os,
            Severity::High,
            7.8,
            cves(3, &mut rng),
            first + Duration::days(rng.range(5, 24)),
        );
        push(
            &[Mac],
            "Microsoft 365 for Mac",
            format!("16.{}", 91 - back),
            app,
            Severity::Medium,
            5.5,
            cves(1, &mut rng),
            tuesday,
        );
        push(
            &[LinuxServer, LinuxDesktop],
            "linux-image-generic",
            format!("USN-{}-1", 7000 + (total % 500) * 3),
            os,
            Severity::High,
            7.8,
            cves(2, &mut rng),
            first + Duration::days(rng.range(3, 24)),
        );
        if back % 2 == 0 {
            push(
                &[LinuxServer, LinuxDesktop],
                "openssl",
                format!("USN-{}-2", 7000 + (total % 500) * 3),
                app,
                Severity::Medium,
                5.9,
                cves(1, &mut rng),
                first + Duration::days(rng.range(3, 24)),
            );
            push(
                &[Fortinet],
                "FortiOS",
                format!("7.4.{}", 8 - back / 2),
                fw,
                Severity::Critical,
                9.6,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
        } else {
            push(
                &[Sophos],
                "SFOS",
                format!("21.0 MR{}", 4 - back / 2),
                fw,
                Severity::High,
                8.1,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
        }
        push(
            &[Ios],
            "iOS",
            format!("18.{}", 6 - back),
            os,
            Severity::High,
            8.1,
            cves(2, &mut rng),
            first + Duration::days(rng.range(5, 24)),
        );
        push(
            &[Android],
            "Android security update",
            format!("SPL {label}-01"),
            os,
            Severity::Critical,
            9.8,
            cves(2, &mut rng),
            monday,
        );
        if back % 3 == 0 {
            push(
                &[WatchGuard],
                "Fireware",
                format!("12.10.{}", 6 - back / 3),
                fw,
                Severity::High,
                7.5,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
            push(
                &[Nas],
                "Synology DSM",
                format!("7.2.2-{}", 72806 + (2 - back / 3) * 200),
                fw,
                Severity::High,
                7.5,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
        } else if back % 3 == 1 {
            push(
                &[Switch],
                "Switch firmware",
                format!("2.9.{}", 3 - back / 3),
                fw,
                Severity::Medium,
                5.3,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
            push(
                &[AccessPoint],
                "Access point firmware",
                format!("6.6.{}", 77 - back),
                fw,
                Severity::Medium,
                4.3,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
            push(
                &[ThinClient],
                "IGEL OS",
                format!("12.4.{}", 3 - back / 3),
                fw,
                Severity::Medium,
                5.0,
                cves(1, &mut rng),
                first + Duration::days(rng.range(1, 20)),
            );
        }
    }
    // One FortiOS fix also needs a configuration change.
    if let Some(r) = out.iter_mut().find(|r| r.product == "FortiOS") {
        r.manual_config = true;
    }
    out.retain(|r| r.released <= today && (today - r.released).num_days() <= 185);
    out
}

/// The `n`th `weekday` of the month starting on `first`.
fn nth_weekday(first: NaiveDate, weekday: Weekday, n: i64) -> NaiveDate {
    let offset = (weekday.num_days_from_monday() as i64
        - first.weekday().num_days_from_monday() as i64)
        .rem_euclid(7);
    first + Duration::days(offset + 7 * (n - 1))
}

/// An operating system or firmware.
struct Os {
    name: &'static str,
    version: &'static str,
    build: Option<&'static str>,
    vendor: &'static str,
    platform: Platform,
    /// Days of vendor support left (range).
    support: (i64, i64),
}

const fn os(
    name: &'static str,
    version: &'static str,
    build: Option<&'static str>,
    vendor: &'static str,
    platform: Platform,
    support: (i64, i64),
) -> Os {
    Os {
        name,
        version,
        build,
        vendor,
        platform,
        support,
    }
}

const WIN11: &[Os] = &[
    os(
        "Windows 11 Pro",
        "23H2",
        Some("22631.4460"),
        "Microsoft",
        Platform::Windows,
        (200, 500),
    ),
    os(
        "Windows 11 Pro",
        "24H2",
        Some("26100.2314"),
        "Microsoft",
        Platform::Windows,
        (500, 900),
    ),
    os(
        "Windows 11 Enterprise",
        "23H2",
        Some("22631.4460"),
        "Microsoft",
        Platform::Windows,
        (300, 700),
    ),
];
const WIN10: Os = os(
    "Windows 10 Pro",
    "22H2",
    Some("19045.5131"),
    "Microsoft",
    Platform::Windows,
    (-90, -30),
);
const MACOS: &[Os] = &[
    os(
        "macOS Sequoia",
        "15.1.1",
        Some("24B91"),
        "Apple",
        Platform::Mac,
        (700, 1100),
    ),
    os(
        "macOS Sonoma",
        "14.7.1",
        Some("23H222"),
        "Apple",
        Platform::Mac,
        (300, 700),
    ),
];
const UBUNTU_DESKTOP: Os = os(
    "Ubuntu 24.04 LTS",
    "24.04.1",
    None,
    "Canonical",
    Platform::LinuxDesktop,
    (1200, 1600),
);
const WIN_SERVER: &[Os] = &[
    os(
        "Windows Server 2022 Standard",
        "21H2",
        Some("20348.2849"),
        "Microsoft",
        Platform::WindowsServer,
        (1500, 2000),
    ),
    os(
        "Windows Server 2022 Datacenter",
        "21H2",
        Some("20348.2849"),
        "Microsoft",
        Platform::WindowsServer,
        (1500, 2000),
    ),
    os(
        "Windows Server 2019 Standard",
        "1809",
        Some("17763.6532"),
        "Microsoft",
        Platform::WindowsServer,
        (800, 1200),
    ),
];
const UBUNTU_SERVER: &[Os] = &[
    os(
        "Ubuntu Server 22.04 LTS",
        "22.04.5",
        None,
        "Canonical",
        Platform::LinuxServer,
        (800, 1200),
    ),
    os(
        "Ubuntu Server 24.04 LTS",
        "24.04.1",
        None,
        "Canonical",
        Platform::LinuxServer,
        (1200, 1600),
    ),
];
const IOS: Os = os("iOS", "18.1.1", None, "Apple", Platform::Ios, (400, 900));
const IPADOS: Os = os("iPadOS", "18.1.1", None, "Apple", Platform::Ios, (400, 900));
const ANDROID: Os = os(
    "Android",
    "15",
    None,
    "Google",
    Platform::Android,
    (500, 1300),
);
const IGEL: Os = os(
    "IGEL OS",
    "12.4.2",
    None,
    "IGEL",
    Platform::ThinClient,
    (500, 1000),
);
const FORTIOS: Os = os(
    "FortiOS",
    "7.4.5",
    None,
    "Fortinet",
    Platform::Fortinet,
    (600, 1500),
);
const SFOS: Os = os(
    "SFOS",
    "21.0.0",
    None,
    "Sophos",
    Platform::Sophos,
    (600, 1500),
);
const FIREWARE: Os = os(
    "Fireware",
    "12.10.4",
    None,
    "WatchGuard",
    Platform::WatchGuard,
    (600, 1500),
);
const SWITCH_OS: &[Os] = &[
    os(
        "Aruba Instant On",
        "2.9.0",
        None,
        "HPE Aruba",
        Platform::Switch,
        (700, 1800),
    ),
    os(
        "Meraki MS",
        "16.8",
        None,
        "Cisco Meraki",
        Platform::Switch,
        (700, 1800),
    ),
];
const AP_OS: &[Os] = &[
    os(
        "UniFi AP",
        "6.6.77",
        None,
        "Ubiquiti",
        Platform::AccessPoint,
        (700, 1800),
    ),
    os(
        "Meraki MR",
        "30.7",
        None,
        "Cisco Meraki",
        Platform::AccessPoint,
        (700, 1800),
    ),
];
const DSM: Os = os(
    "Synology DSM",
    "7.2.2",
    Some("72806"),
    "Synology",
    Platform::Nas,
    (700, 1500),
);

type Hw = (&'static str, &'static str);
const WIN_LAPTOPS: &[Hw] = &[
    ("Dell", "Latitude 5440"),
    ("Dell", "Latitude 7440"),
    ("Lenovo", "ThinkPad T14 Gen 4"),
    ("Lenovo", "ThinkPad X1 Carbon Gen 11"),
    ("HP", "EliteBook 840 G10"),
    ("Microsoft", "Surface Laptop 5"),
];
const MAC_LAPTOPS: &[Hw] = &[
    ("Apple", "MacBook Air 13-inch M2"),
    ("Apple", "MacBook Pro 14-inch M3"),
    ("Apple", "MacBook Air 15-inch M3"),
];
const DESKTOPS: &[Hw] = &[
    ("Dell", "OptiPlex 7010"),
    ("HP", "EliteDesk 800 G9"),
    ("Lenovo", "ThinkCentre M70q Gen 4"),
];
const SERVERS: &[Hw] = &[
    ("Dell", "PowerEdge R650"),
    ("Dell", "PowerEdge T350"),
    ("HPE", "ProLiant DL360 Gen10 Plus"),
    ("Lenovo", "ThinkSystem SR630 V2"),
];
const VMS: &[Hw] = &[
    ("Microsoft", "Azure Standard_D4s_v5"),
    ("Microsoft", "Azure Standard_B2ms"),
    ("Amazon", "EC2 t3.large"),
];
const IPHONES: &[Hw] = &[
    ("Apple", "iPhone 15"),
    ("Apple", "iPhone 14"),
    ("Apple", "iPhone 13"),
];
const ANDROIDS: &[Hw] = &[
    ("Samsung", "Galaxy S24"),
    ("Samsung", "Galaxy A55"),
    ("Google", "Pixel 8"),
];
const IPADS: &[Hw] = &[
    ("Apple", "iPad (10th generation)"),
    ("Apple", "iPad Air 11-inch M2"),
];
const NAS: &[Hw] = &[
    ("Synology", "RackStation RS1221+"),
    ("Synology", "DiskStation DS923+"),
];

/// Open medium findings without a fix deadline (not "critical or high").
const MEDIUM_FINDINGS: &[(&str, f64)] = &[
    ("CVE-2023-48795", 5.9),
    ("CVE-2024-20666", 6.6),
    ("CVE-2023-24932", 6.7),
    ("CVE-2024-21302", 6.7),
];

const MOBILE_APPS: &[Product] = &[
    Product {
        name: "Microsoft Outlook",
        vendor: "Microsoft",
        version: "4.2446.0",
        category: "email",
    },
    Product {
        name: "Microsoft Authenticator",
        vendor: "Microsoft",
        version: "6.8.17",
        category: "security",
    },
    Product {
        name: "Microsoft Teams",
        vendor: "Microsoft",
        version: "6.21.1",
        category: "collaboration",
    },
    Product {
        name: "Company Portal",
        vendor: "Microsoft",
        version: "5.2410.0",
        category: "management",
    },
    Product {
        name: "Microsoft OneDrive",
        vendor: "Microsoft",
        version: "15.18.2",
        category: "storage",
    },
    Product {
        name: "Zoom Workplace",
        vendor: "Zoom",
        version: "6.2.10",
        category: "collaboration",
    },
];

/// What to build.
struct Spec {
    prefix: &'static str,
    width: usize,
    kind: AssetKind,
    os: &'static Os,
    hw: Hw,
    owner: Option<usize>,
    site: usize,
    managed: ManagedBy,
    ownership: Ownership,
    critical: bool,
    first_seen: NaiveDate,
}

impl OrgGen<'_> {
    pub(super) fn estate(&mut self) {
        let sites = self.data.sites.len();
        // End-user devices, one computer per person and phones for many.
        let phone_share = if self.provider { 0.8 } else { 0.35 };
        for k in 0..self.current.len() {
            let pi = self.current[k];
            let site = self.person_site(sites);
            let joined = self.data.people[pi].joined.unwrap_or(self.today);
            let since = joined.max(self.rand_day(30, 1400));
            let mac_share = if self.provider { 0.2 } else { 0.1 };
            let r = self.rng.unit();
            let spec = if r < mac_share {
                Spec::user(
                    "LAP",
                    AssetKind::Laptop,
                    self.rng.pick(MACOS),
                    *self.rng.pick(MAC_LAPTOPS),
                )
            } else if self.plan.large && r < mac_share + 0.02 {
                Spec::user(
                    "LAP",
                    AssetKind::Laptop,
                    &UBUNTU_DESKTOP,
                    *self.rng.pick(WIN_LAPTOPS),
                )
            } else if self.provider || r < 0.62 {
                Spec::user(
                    "LAP",
                    AssetKind::Laptop,
                    self.rng.pick(WIN11),
                    *self.rng.pick(WIN_LAPTOPS),
                )
            } else if self.plan.large && r < 0.67 {
                Spec::user("TC", AssetKind::ThinClient, &IGEL, ("IGEL", "UD3"))
            } else {
                Spec::user(
                    "DSK",
                    AssetKind::Desktop,
                    self.rng.pick(WIN11),
                    *self.rng.pick(DESKTOPS),
                )
            };
            self.add_asset(spec.owned(pi, site, since));
            if self.rng.chance(phone_share) {
                let (o, hw) = if self.rng.chance(0.7) {
                    (&IOS, *self.rng.pick(IPHONES))
                } else {
                    (&ANDROID, *self.rng.pick(ANDROIDS))
                };
                let mut s = Spec::user("PH", AssetKind::Phone, o, hw).owned(pi, site, since);
                s.managed = ManagedBy::Mdm;
                self.add_asset(s);
            }
            if self.rng.chance(0.04) {
                let mut s = Spec::user("TAB", AssetKind::Tablet, &IPADOS, *self.rng.pick(IPADS))
                    .owned(pi, site, since);
                s.managed = ManagedBy::Mdm;
                self.add_asset(s);
            }
            if !self.provider && self.rng.chance(0.08) {
                self.byod_phone(pi, site, ManagedBy::Mdm);
            }
        }
        self.infrastructure(sites);
        self.disposed_assets();
        self.pick_targets();
        if self.bulk {
            self.reserve_details();
        }
        for ai in 0..self.data.assets.len() {
            if self.data.assets[ai].lifecycle == Lifecycle::Active {
                self.asset_details(ai);
            }
        }
    }

    fn person_site(&mut self, sites: usize) -> usize {
        if sites == 1 || self.rng.chance(0.6) {
            0
        } else {
            self.rng.range(1, sites as i64 - 1) as usize
        }
    }

    fn byod_phone(&mut self, pi: usize, site: usize, managed: ManagedBy) -> usize {
        let (o, hw) = if self.rng.chance(0.6) {
            (&IOS, *self.rng.pick(IPHONES))
        } else {
            (&ANDROID, *self.rng.pick(ANDROIDS))
        };
        let since = self.rand_day(30, 600);
        let mut s = Spec::user("BYOD", AssetKind::Phone, o, hw).owned(pi, site, since);
        s.managed = managed;
        s.ownership = Ownership::Byod;
        self.add_asset(s)
    }

    /// Servers, cloud VMs, storage and network kit.
    fn infrastructure(&mut self, sites: usize) {
        let owner = Some(self.it_owner);
        let since = |g: &mut Self| g.rand_day(200, 1500);
        let (servers, vms) = if self.provider {
            (4, 4)
        } else if self.plan.large {
            (4 + self.plan.size / 40, self.rng.range(2, 5) as usize)
        } else {
            let s = if self.rng.chance(0.45) {
                1 + self.rng.chance(0.25) as usize
            } else {
                0
            };
            (s, self.rng.chance(0.3) as usize)
        };
        for n in 0..servers {
            let o = if self.rng.chance(0.8) {
                self.rng.pick(WIN_SERVER)
            } else {
                self.rng.pick(UBUNTU_SERVER)
            };
            let site = if self.provider { 1 } else { n % sites };
            let first_seen = since(self);
            let hw = *self.rng.pick(SERVERS);
            let ai = self.add_asset(Spec {
                prefix: "SRV",
                width: 2,
                kind: AssetKind::Server,
                os: o,
                hw,
                owner,
                site,
                managed: ManagedBy::Rmm,
                ownership: Ownership::Organisation,
                critical: true,
                first_seen,
            });
            // A test-lab server kept outside the assessed scope.
            if self.plan.large && n == servers - 1 {
                self.data.assets[ai].in_scope = Some(false);
                self.data.assets[ai].critical = Some(false);
            }
        }
        for _ in 0..vms {
            let o = if self.rng.chance(0.5) {
                &WIN_SERVER[0]
            } else {
                &UBUNTU_SERVER[1]
            };
            let first_seen = since(self);
            let hw = *self.rng.pick(VMS);
            self.add_asset(Spec {
                prefix: "VM",
                width: 2,
                kind: AssetKind::IaasVm,
                os: o,
                hw,
                owner,
                site: 0,
                managed: ManagedBy::Rmm,
                ownership: Ownership::ThirdParty,
                critical: true,
                first_seen,
            });
        }
        let nas = if self.plan.large || self.provider {
            1 + self.plan.large as usize
        } else {
            (servers > 0 && self.rng.chance(0.5)) as usize
        };
        for _ in 0..nas {
            let first_seen = since(self);
            let hw = *self.rng.pick(NAS);
            self.add_asset(Spec {
                prefix: "NAS",
                width: 2,
                kind: AssetKind::Storage,
                os: &DSM,
                hw,
                owner,
                site: 0,
                managed: ManagedBy::Rmm,
                ownership: Ownership::Organisation,
                critical: true,
                first_seen,
            });
        }
        let fw_os: &'static Os = if self.provider {
            &FORTIOS
        } else {
            match self.rng.weighted(&[(0, 50), (1, 30), (2, 20)]) {
                0 => &FORTIOS,
                1 => &SFOS,
                _ => &FIREWARE,
            }
        };
        let fw_hw: Hw = match fw_os.platform {
            Platform::Fortinet => (
                "Fortinet",
                if self.plan.large {
                    "FortiGate 100F"
                } else {
                    "FortiGate 60F"
                },
            ),
            Platform::Sophos => ("Sophos", "XGS 2100"),
            _ => ("WatchGuard", "Firebox T45"),
        };
        let switch_os = self.rng.pick(SWITCH_OS);
        let ap_os = self.rng.pick(AP_OS);
        let per_site = self.current.len() / sites;
        for site in 0..sites {
            let first_seen = since(self);
            let net = |prefix, kind, os: &'static Os, hw: Hw, critical| Spec {
                prefix,
                width: 2,
                kind,
                os,
                hw,
                owner,
                site,
                managed: ManagedBy::Rmm,
                ownership: Ownership::Organisation,
                critical,
                first_seen,
            };
            self.add_asset(net("FW", AssetKind::Firewall, fw_os, fw_hw, true));
            let switches = 1 + per_site / 60;
            for _ in 0..switches {
                self.add_asset(net(
                    "SW",
                    AssetKind::Switch,
                    switch_os,
                    (switch_os.vendor, "24-port PoE"),
                    false,
                ));
            }
            let aps = (1 + per_site / 20).min(if self.bulk { 40 } else { 8 });
            for _ in 0..aps {
                self.add_asset(net(
                    "AP",
                    AssetKind::WifiAp,
                    ap_os,
                    (ap_os.vendor, "Wi-Fi 6 AP"),
                    false,
                ));
            }
        }
    }

    /// Old computers: destroyed or retired (with destruction certificates),
    /// or retired and awaiting disposal; and a new laptop in stock.
    fn disposed_assets(&mut self) {
        let n = if self.provider {
            4
        } else {
            (self.plan.size * 4 / 100).max(1)
        };
        for _ in 0..n {
            let since = self.rand_day(1500, 2500);
            let spec = Spec::user(
                "LAP",
                AssetKind::Laptop,
                &WIN10,
                *self.rng.pick(WIN_LAPTOPS),
            );
            let mut s = spec.owned(0, 0, since);
            s.owner = None;
            s.managed = ManagedBy::None;
            let ai = self.add_asset(s);
            let r = self.rng.unit();
            let disposed = self.rand_day(20, 170);
            let a = &mut self.data.assets[ai];
            a.auto_update = None;
            if r < 0.75 {
                a.lifecycle = if r < 0.5 {
                    Lifecycle::Destroyed
                } else {
                    Lifecycle::Retired
                };
                a.disposed_on = Some(disposed);
                a.last_seen = Some(at(disposed - Duration::days(7), 10 * 60));
                let doc_id = seq_id("doc", self.data.documents.len());
                a.destruction_certificate = Some(doc_id.clone());
                let (asset_id, name, serial) = (
                    a.id.clone(),
                    a.name.clone(),
                    a.serial.clone().unwrap_or_default(),
                );
                let effective = (disposed + Duration::days(self.rng.range(2, 6))).min(self.today);
                let sha = self.rng.hex(64).to_ascii_lowercase();
                self.data.documents.push(Document {
                    id: doc_id,
                    kind: DocumentKind::DestructionCertificate,
                    topic: "destruction-certificate".into(),
                    title: format!("Certificate of data destruction: {name}"),
                    version: None,
                    owner: Some(self.approver.clone()),
                    approved_by: Some("Stone Group ITAD".into()),
                    effective,
                    review_due: None,
                    sha256: Some(sha),
                    asset: Some(asset_id),
                    scope: Some(format!("Laptop serial {serial}: drive shredded")),
                });
            } else {
                a.lifecycle = Lifecycle::Retired;
                a.last_seen = Some(at(
                    self.today - Duration::days(self.rng.range(30, 150)),
                    11 * 60,
                ));
            }
        }
        if self.provider || self.plan.size > 30 {
            let since = self.today;
            let mut s = Spec::user(
                "LAP",
                AssetKind::Laptop,
                &WIN11[1],
                *self.rng.pick(WIN_LAPTOPS),
            )
            .owned(0, 0, since);
            s.owner = None;
            let ai = self.add_asset(s);
            let a = &mut self.data.assets[ai];
            a.lifecycle = Lifecycle::Planned;
            a.first_seen = None;
            a.last_seen = None;
        }
    }

    fn add_asset(&mut self, s: Spec) -> usize {
        let counter = self.counters.entry(s.prefix).or_insert(0);
        *counter += 1;
        let name = format!("{}-{:0w$}", s.prefix, *counter, w = s.width);
        let hw_uuid = {
            let h = self.rng.hex(32);
            format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            )
        };
        let serial = self.rng.hex(if s.hw.0 == "Apple" { 10 } else { 7 });
        let last_seen = match s.managed {
            ManagedBy::Mdm => self.rand_ago(5, 2000),
            _ if s.kind.is_network_device() => self.rand_ago(1, 60),
            _ => self.rand_ago(5, 1200),
        };
        let first_seen = at(s.first_seen, self.rng.range(9 * 60, 17 * 60)).min(last_seen);
        let support = self.today + Duration::days(self.rng.range(s.os.support.0, s.os.support.1));
        let network = s.kind.is_network_device();
        self.data.assets.push(Asset {
            id: name.clone(),
            name,
            kind: s.kind,
            lifecycle: Lifecycle::Active,
            os_name: Some(s.os.name.to_string()),
            os_version: Some(s.os.version.to_string()),
            os_build: s.os.build.map(str::to_string),
            make: Some(s.hw.0.to_string()),
            model: Some(s.hw.1.to_string()),
            serial: Some(serial),
            hardware_uuid: Some(hw_uuid),
            owner: s.owner.map(|i| self.data.people[i].id.clone()),
            site: Some(self.data.sites[s.site].id.clone()),
            ownership: Some(s.ownership),
            managed_by: Some(s.managed),
            in_scope: Some(true),
            critical: Some(s.critical),
            auto_update: (!network).then_some(true),
            first_seen: Some(first_seen),
            last_seen: Some(last_seen),
            vendor_support_end: Some(support),
            disposed_on: None,
            destruction_certificate: None,
        });
        self.platforms.push(s.os.platform);
        self.data.assets.len() - 1
    }

    /// Picks the assets that carry the organisation's gaps and applies the
    /// asset-level ones.
    fn pick_targets(&mut self) {
        let computers: Vec<usize> = (0..self.data.assets.len())
            .filter(|&i| {
                let a = &self.data.assets[i];
                a.lifecycle == Lifecycle::Active
                    && matches!(a.kind, AssetKind::Laptop | AssetKind::Desktop)
                    && self.platforms[i] == Platform::Windows
                    && a.owner.is_some()
            })
            .collect();
        if computers.is_empty() {
            return;
        }
        for g in [
            Gap::UnencryptedLaptop,
            Gap::HostFirewallOff,
            Gap::AutoUpdateOff,
            Gap::LocalAdminUser,
            Gap::UnapprovedSoftware,
            Gap::VulnOverdue,
            Gap::UnsupportedOs,
        ] {
            if self.has(g) {
                let ai = *self.rng.pick(&computers);
                self.targets.push((g, ai));
                let a = &mut self.data.assets[ai];
                match g {
                    Gap::AutoUpdateOff => a.auto_update = Some(false),
                    Gap::UnsupportedOs => {
                        a.os_name = Some(WIN10.name.into());
                        a.os_version = Some(WIN10.version.into());
                        a.os_build = WIN10.build.map(str::to_string);
                        a.vendor_support_end =
                            Some(self.today - Duration::days(self.rng.range(30, 90)));
                    }
                    _ => {}
                }
            }
        }
        if self.has(Gap::ByodUnmanaged) {
            let pi = self.current[self.current.len() / 2];
            let ai = self.byod_phone(pi, 0, ManagedBy::None);
            self.data.assets[ai].auto_update = None;
            self.targets.push((Gap::ByodUnmanaged, ai));
        }
        let endpoints: Vec<usize> = (0..self.data.assets.len())
            .filter(|&i| {
                let a = &self.data.assets[i];
                a.lifecycle == Lifecycle::Active && a.kind.is_endpoint()
            })
            .collect();
        if self.has(Gap::NoEdr) {
            let n = (endpoints.len() * 15 / 100).max(3);
            for k in 0..n.min(endpoints.len()) {
                let ai = endpoints[(k * 7 + 3) % endpoints.len()];
                if !self.is_target(Gap::NoEdr, ai) {
                    self.targets.push((Gap::NoEdr, ai));
                }
            }
        }
        if self.has(Gap::StaleInventory) {
            let active: Vec<usize> = (0..self.data.assets.len())
                .filter(|&i| {
                    let a = &self.data.assets[i];
                    a.lifecycle == Lifecycle::Active && a.kind.is_end_user_device()
                })
                .collect();
            let n = (active.len() * 12 / 100).max(3);
            for k in 0..n {
                let ai = active[(k * 5 + 1) % active.len()];
                let days = self.rng.range(60, 120);
                let extra = self.rng.range(0, 600);
                let t = self.ago(days * 24 * 60 + extra);
                let a = &mut self.data.assets[ai];
                a.last_seen = Some(t);
                if a.first_seen.is_some_and(|f| f > t) {
                    a.first_seen = Some(t - Duration::days(200));
                }
                if k < 3 {
                    a.owner = None;
                }
                if k == 0 {
                    a.vendor_support_end = None;
                }
            }
        }
    }

    /// Configuration, protection, software, updates and vulnerabilities
    /// of one active asset.
    fn asset_details(&mut self, ai: usize) {
        let kind = self.kind_of(ai);
        let platform = self.platforms[ai];
        if self.is_target(Gap::ByodUnmanaged, ai) {
            // Registered in Entra ID but never enrolled: what the directory
            // reports, and no protection.
            self.endpoint_config(ai, platform);
            if let Some(c) = self.data.endpoint_configs.last_mut() {
                c.mdm_enrolled = Some(false);
                c.managed_apps_only = Some(false);
            }
            self.software(ai, platform);
            return;
        }
        if !kind.is_network_device() && kind != AssetKind::Storage {
            self.endpoint_config(ai, platform);
        }
        if kind.is_endpoint() || kind.is_mobile() {
            self.malware(ai, platform);
        }
        self.software(ai, platform);
        self.updates(ai, platform);
    }

    fn endpoint_config(&mut self, ai: usize, platform: Platform) {
        let (kind, seen, asset, owner) = {
            let a = &self.data.assets[ai];
            (
                a.kind,
                a.last_seen.unwrap_or(self.now),
                a.id.clone(),
                a.owner.clone(),
            )
        };
        let mobile = kind.is_mobile();
        let computer = !mobile && kind != AssetKind::ThinClient;
        let mut local_admins = Vec::new();
        if computer {
            local_admins.push("nwadmin".to_string());
            if kind == AssetKind::Server && platform.is_windows() {
                local_admins.push("CORP\\Domain Admins".to_string());
            }
        }
        if self.is_target(Gap::LocalAdminUser, ai)
            && let Some(owner) = owner
            && let Some(pi) = self.person_index(&owner)
        {
            local_admins.push(self.local_part(pi));
        }
        let mut c = EndpointConfig {
            id: seq_id("cfg", self.data.endpoint_configs.len()),
            asset,
            reported_at: seen - Duration::minutes(self.rng.range(0, 30)),
            host_firewall: (!mobile).then_some(true),
            autorun_disabled: computer.then_some(true),
            screen_lock: Some(true),
            unlock_min_length: Some(if platform == Platform::Mac { 8 } else { 6 }),
            max_failed_unlocks: if platform == Platform::Mac {
                None
            } else {
                Some(10)
            },
            disk_encrypted: Some(true),
            local_admin_password_managed: computer.then_some(true),
            local_admins,
            guest_enabled: Some(false),
            default_accounts_enabled: Some(false),
            mdm_enrolled: (mobile || platform == Platform::Mac).then_some(true),
            managed_apps_only: mobile.then_some(true),
            jailbroken: mobile.then_some(false),
        };
        // An earlier report from before a fix, kept as history.
        if computer && self.rng.chance(0.08) {
            let mut old = c.clone();
            old.reported_at = c.reported_at - Duration::days(self.rng.range(20, 40));
            old.disk_encrypted = Some(false);
            self.data.endpoint_configs.push(old);
            c.id = seq_id("cfg", self.data.endpoint_configs.len());
        }
        if self.is_target(Gap::UnencryptedLaptop, ai) {
            c.disk_encrypted = Some(false);
        }
        if self.is_target(Gap::HostFirewallOff, ai) {
            c.host_firewall = Some(false);
        }
        self.data.endpoint_configs.push(c);
    }

    fn malware(&mut self, ai: usize, platform: Platform) {
        let a = &self.data.assets[ai];
        let seen = a.last_seen.unwrap_or(self.now);
        let id = seq_id("mal", self.data.malware.len());
        let asset = a.id.clone();
        let mobile = a.kind.is_mobile();
        let reported_at = seen - Duration::minutes(self.rng.range(0, 20));
        if mobile {
            let product = if platform == Platform::Ios && !self.provider && self.rng.chance(0.3) {
                "Jamf Protect"
            } else {
                "Microsoft Intune app protection"
            };
            self.data.malware.push(MalwareProtection {
                id,
                asset,
                mode: MalwareMode::AllowList,
                product: Some(product.into()),
                realtime: None,
                web_protection: None,
                tamper_protection: None,
                allow_list_enforced: Some(true),
                signatures_updated: None,
                engine_updated: None,
                healthy: Some(true),
                reported_at,
            });
            return;
        }
        let mut m = MalwareProtection {
            id,
            asset,
            mode: MalwareMode::AntiMalware,
            product: Some(self.edr.into()),
            realtime: Some(true),
            web_protection: Some(true),
            tamper_protection: Some(true),
            allow_list_enforced: None,
            signatures_updated: Some(seen - Duration::minutes(self.rng.range(10, 180))),
            engine_updated: Some(self.rand_day(2, 20).min(seen.date_naive())),
            healthy: Some(true),
            reported_at,
        };
        if self.is_target(Gap::NoEdr, ai) {
            match ai % 3 {
                // Never deployed: no protection reported at all.
                0 => return,
                1 => {
                    m.mode = MalwareMode::None;
                    m.product = None;
                    m.realtime = Some(false);
                    m.web_protection = Some(false);
                    m.tamper_protection = Some(false);
                    m.signatures_updated = None;
                    m.engine_updated = None;
                    m.healthy = Some(false);
                }
                _ => {
                    m.realtime = Some(false);
                    m.signatures_updated = Some(seen - Duration::days(self.rng.range(9, 40)));
                    m.engine_updated = Some(self.rand_day(60, 120));
                    m.healthy = Some(false);
                }
            }
        }
        self.data.malware.push(m);
    }

    fn software(&mut self, ai: usize, platform: Platform) {
        let a = &self.data.assets[ai];
        let kind = a.kind;
        let asset = a.id.clone();
        let since = a.first_seen.map(|t| t.date_naive()).unwrap_or(self.today);
        let os_entry = (
            a.os_name.clone().unwrap_or_default(),
            a.os_version.clone(),
            a.vendor_support_end,
        );
        let (core, pool, range): (&[Product], &[Product], (i64, i64)) = match platform {
            Platform::Windows => (WIN_CORE, WIN_POOL, (10, 30)),
            Platform::Mac => (MAC_CORE, MAC_POOL, (10, 24)),
            Platform::LinuxDesktop => (LINUX_CORE, LINUX_POOL, (10, 20)),
            Platform::WindowsServer => (WIN_SERVER_CORE, WIN_SERVER_POOL, (10, 20)),
            Platform::LinuxServer => (LINUX_CORE, LINUX_POOL, (10, 18)),
            Platform::Ios | Platform::Android => (MOBILE_APPS, &[], (4, 6)),
            _ => return,
        };
        let vendor = self.data.assets[ai].make.clone();
        let install_day = |g: &mut Self| (since + Duration::days(g.rng.range(0, 20))).min(g.today);
        // The operating system itself.
        let d = install_day(self);
        self.push_install(
            &asset,
            &os_entry.0,
            os_vendor(platform, vendor.as_deref()),
            os_entry.1.as_deref(),
            SoftwareKind::Os,
            "operating-system",
            os_entry.2,
            d,
            true,
        );
        let target = self.rng.range(range.0, range.1) as usize;
        let mut count = 1;
        if !kind.is_mobile() {
            let d = install_day(self);
            self.push_install(
                &asset,
                "NinjaOne Agent",
                "NinjaOne",
                Some("6.0.4210"),
                SoftwareKind::App,
                "management",
                None,
                d,
                true,
            );
            let edr = self.edr;
            let d = install_day(self);
            self.push_install(
                &asset,
                edr,
                edr.split(' ').next().unwrap_or(edr),
                Some("24.2.3"),
                SoftwareKind::App,
                "security",
                None,
                d,
                true,
            );
            count += 2;
        }
        for p in core.iter().take(target.saturating_sub(count)) {
            let d = install_day(self);
            self.push_install(
                &asset,
                p.name,
                p.vendor,
                Some(p.version),
                SoftwareKind::App,
                p.category,
                None,
                d,
                true,
            );
            count += 1;
        }
        // Optional products: distinct picks from the pool.
        let mut taken = 0u64;
        let want = target.saturating_sub(count).min(pool.len());
        let mut picked = 0;
        while picked < want {
            let i = self.rng.below(pool.len() as u64) as usize;
            if taken & (1 << i) != 0 {
                continue;
            }
            taken |= 1 << i;
            picked += 1;
            let p = &pool[i];
            let d = install_day(self);
            self.push_install(
                &asset,
                p.name,
                p.vendor,
                Some(p.version),
                SoftwareKind::App,
                p.category,
                None,
                d,
                true,
            );
        }
        if self.bulk {
            self.components(&asset, platform, since);
        }
        if self.is_target(Gap::UnapprovedSoftware, ai) {
            let p = self.rng.pick(UNAPPROVED);
            let d = self.rand_day(5, 60);
            self.push_install(
                &asset,
                p.name,
                p.vendor,
                Some(p.version),
                SoftwareKind::App,
                p.category,
                None,
                d,
                false,
            );
        }
    }

    /// The hotfixes, runtimes, drivers, packages and components a real
    /// machine carries besides its programs (benchmark sizes only): a share
    /// of its platform's catalogue, installed since the asset appeared.
    fn components(&mut self, asset: &str, platform: Platform, since: NaiveDate) {
        let (catalogue, share) = scale::components(platform);
        let keep = (share * u32::MAX as f64) as u64;
        let span = (self.today - since).num_days().max(0) as u64 + 1;
        for c in catalogue {
            // One draw: the high half decides, the low half dates it.
            let x = self.rng.next_u64();
            if x >> 32 >= keep {
                continue;
            }
            let installed_on = since + Duration::days(((x & 0xffff_ffff) % span) as i64);
            self.data.software.push(SoftwareInstall {
                id: num_id("sw", 6, self.data.software.len() + 1),
                asset: asset.to_string(),
                product: c.name.clone(),
                vendor: Some(c.vendor.to_string()),
                version: Some(c.version.clone()),
                kind: c.kind,
                category: Some(c.category.to_string()),
                approved: Some(true),
                vendor_support_end: None,
                installed_on: Some(installed_on),
            });
        }
    }

    /// Reserves room for the per-asset records of the active assets, so
    /// the big vectors grow once instead of doubling past their final size.
    fn reserve_details(&mut self) {
        let mut software = 0.0;
        let mut updates = 0;
        for (a, &p) in self.data.assets.iter().zip(&self.platforms) {
            if a.lifecycle != Lifecycle::Active {
                continue;
            }
            let (catalogue, share) = scale::components(p);
            software += catalogue.len() as f64 * share + 32.0;
            updates += self
                .releases
                .iter()
                .filter(|r| r.platforms.contains(&p))
                .count();
        }
        self.data.software.reserve((software * 1.02) as usize);
        self.data.updates.reserve(updates);
        let active = self.data.assets.len();
        self.data.endpoint_configs.reserve(active + active / 8);
        self.data.malware.reserve(active);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_install(
        &mut self,
        asset: &str,
        product: &str,
        vendor: &str,
        version: Option<&str>,
        kind: SoftwareKind,
        category: &str,
        support_end: Option<NaiveDate>,
        installed_on: NaiveDate,
        approved: bool,
    ) {
        self.data.software.push(SoftwareInstall {
            id: num_id("sw", 6, self.data.software.len() + 1),
            asset: asset.to_string(),
            product: product.to_string(),
            vendor: Some(vendor.to_string()),
            version: version.map(str::to_string),
            kind,
            category: Some(category.to_string()),
            approved: Some(approved),
            vendor_support_end: support_end,
            installed_on: Some(installed_on),
        });
    }

    /// Days from release to installation.
    fn install_delay(&mut self, qualifying: bool, mobile: bool) -> i64 {
        if self.has(Gap::LatePatching) && qualifying && !mobile {
            return self.rng.range(20, 40);
        }
        let window = self
            .params
            .patch_window_days
            .min(self.params.all_updates_window_days);
        let max = (window - 3).clamp(1, 7);
        self.rng.range(1, max)
    }

    /// The provider's catalogue of vendor releases, which osquery agents'
    /// inventories are compared with: a version reference is the fixed
    /// version; a KB number is matched as a Windows hotfix.
    pub(super) fn release_catalogue(&mut self) {
        for (i, rel) in self.releases.iter().enumerate() {
            let is_version = rel.reference.starts_with(|c: char| c.is_ascii_digit());
            self.data.releases.push(assay_core::records::Release {
                id: format!("rel-{:04}", i + 1),
                product: rel.product.to_string(),
                kind: rel.kind,
                reference: rel.reference.clone(),
                fixed_version: is_version.then(|| rel.reference.clone()),
                severity: rel.severity,
                cvss: Some(rel.cvss),
                cves: rel.cves.clone(),
                released: rel.released,
            });
        }
    }

    fn updates(&mut self, ai: usize, platform: Platform) {
        let releases = self.releases;
        let a = &self.data.assets[ai];
        let asset = a.id.clone();
        let mobile = a.kind.is_mobile();
        let since = a.first_seen.map(|t| t.date_naive()).unwrap_or(self.today);
        let seen = a.last_seen.unwrap_or(self.now).min(self.now);
        let mut overdue_done = !self.is_target(Gap::VulnOverdue, ai);
        for rel in releases
            .iter()
            .filter(|r| r.platforms.contains(&platform) && r.released >= since)
        {
            let qualifying = rel.qualifying();
            let delay = self.install_delay(qualifying, mobile);
            let t = at(
                rel.released + Duration::days(delay),
                self.rng.range(120, 300),
            );
            let mut installed = (t <= seen).then_some(t);
            let age = (self.today - rel.released).num_days();
            let overdue = !overdue_done && qualifying && rel.kind == SoftwareKind::Os && age >= 30;
            if overdue {
                installed = None;
                overdue_done = true;
            }
            let id = num_id("upd", 6, self.data.updates.len() + 1);
            self.data.updates.push(Update {
                id,
                asset: asset.clone(),
                reference: rel.reference.clone(),
                product: rel.product.to_string(),
                kind: rel.kind,
                severity: rel.severity,
                cvss: Some(rel.cvss),
                cves: rel.cves.clone(),
                released: rel.released,
                installed,
                requires_manual_config: Some(rel.manual_config),
                config_applied: if rel.manual_config {
                    installed.map(|_| true)
                } else {
                    None
                },
            });
            if qualifying && (overdue || self.rng.chance(0.03)) {
                self.vulnerability_for(&asset, rel, installed, seen);
            }
        }
        if !mobile && self.rng.chance(0.04) {
            let (cve, cvss) = *self.rng.pick(MEDIUM_FINDINGS);
            let first = seen - Duration::days(self.rng.range(10, 120));
            self.data.vulnerabilities.push(Vulnerability {
                id: seq_id("vul", self.data.vulnerabilities.len()),
                asset: Some(asset),
                target: None,
                cve: cve.into(),
                cvss: Some(cvss),
                severity: Severity::Medium,
                kev: false,
                kev_due: None,
                fix_available_since: None,
                first_seen: first,
                last_seen: Some(seen),
                remediated: None,
                external: false,
                source: Some(self.vuln_source().into()),
            });
        }
    }

    fn vuln_source(&self) -> &'static str {
        if self.edr.starts_with("Microsoft") {
            "Defender Vulnerability Management"
        } else {
            "NinjaOne vulnerability scan"
        }
    }

    /// A scanner finding for the first CVE a release fixes.
    fn vulnerability_for(
        &mut self,
        asset: &str,
        rel: &Release,
        installed: Option<Time>,
        seen: Time,
    ) {
        let first_seen = at(rel.released + Duration::days(1), 6 * 60);
        if first_seen > self.now || installed.is_some_and(|t| t <= first_seen) {
            return;
        }
        let kev = rel.severity == Severity::Critical && self.rng.chance(0.3);
        self.data.vulnerabilities.push(Vulnerability {
            id: seq_id("vul", self.data.vulnerabilities.len()),
            asset: Some(asset.to_string()),
            target: None,
            cve: rel.cves[0].clone(),
            cvss: Some(rel.cvss),
            severity: rel.severity,
            kev,
            kev_due: kev.then(|| rel.released + Duration::days(21)),
            fix_available_since: Some(rel.released),
            first_seen,
            last_seen: Some(installed.unwrap_or(seen).max(first_seen)),
            remediated: installed.map(|t| t.date_naive()),
            external: false,
            source: Some(self.vuln_source().into()),
        });
    }
}

fn os_vendor(platform: Platform, make: Option<&str>) -> &'static str {
    match platform {
        Platform::Windows | Platform::WindowsServer => "Microsoft",
        Platform::Mac | Platform::Ios => "Apple",
        Platform::LinuxDesktop | Platform::LinuxServer => "Canonical",
        Platform::Android => {
            if make == Some("Samsung") {
                "Samsung"
            } else {
                "Google"
            }
        }
        _ => "Vendor",
    }
}

impl Spec {
    fn user(prefix: &'static str, kind: AssetKind, os: &'static Os, hw: Hw) -> Spec {
        Spec {
            prefix,
            width: 4,
            kind,
            os,
            hw,
            owner: None,
            site: 0,
            managed: ManagedBy::Rmm,
            ownership: Ownership::Organisation,
            critical: false,
            first_seen: NaiveDate::MIN,
        }
    }

    fn owned(mut self, person: usize, site: usize, since: NaiveDate) -> Spec {
        self.owner = Some(person);
        self.site = site;
        self.first_seen = since;
        self
    }
}
