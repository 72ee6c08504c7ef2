//! The benchmark sizes ([`Size::S`], [`Size::M`], [`Size::L`]): how big
//! each client is, and the bulk a real estate carries that the demo leaves
//! out (hundreds of programs, hotfixes, drivers and components per
//! computer, more vendor releases, more SaaS applications and accounts).
//!
//! Client sizes follow a log-normal curve, as an MSP's book does: most
//! clients have a few dozen devices, a few have thousands. They are the
//! curve's quantiles (not random draws) scaled to the size's total, so the
//! totals are stable; the seed only decides which client gets which size.

use super::Size;
use super::estate::{Platform, Release};
use super::profiles::{self, OrgPlan};
use super::rng::Rng;
use assay_core::records::{Severity, SoftwareKind};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use std::sync::OnceLock;

/// The curve of one size: (clients, total devices, log-normal sigma,
/// largest client as a share of the total).
fn shape(size: Size) -> Option<(usize, usize, f64, f64)> {
    Some(match size {
        Size::Demo => return None,
        Size::S => (20, 1_000, 1.0, 0.25),
        Size::M => (200, 20_000, 1.2, 0.08),
        Size::L => (1000, 100_000, 1.2, 0.03),
    })
}

/// The smallest client: a handful of users and their devices.
const MIN_CLIENT: usize = 8;

/// Users per device of a client's target size: each user has a computer
/// and many a phone, and there are servers and network kit besides.
pub(crate) const USERS_PER_DEVICE: f64 = 0.57;

/// Clients at least this big get the "large" estate: several sites,
/// servers per 40 devices, thin clients, a second mail domain.
pub(crate) const LARGE_CLIENT: usize = 150;

/// Target devices per client, in client order (empty for the demo).
pub(crate) fn client_sizes(seed: u64, size: Size) -> Vec<usize> {
    let Some((n, total, sigma, cap_share)) = shape(size) else {
        return Vec::new();
    };
    let raw: Vec<f64> = (0..n)
        .map(|i| (sigma * probit((i as f64 + 0.5) / n as f64)).exp())
        .collect();
    let scale = total as f64 / raw.iter().sum::<f64>();
    let cap = (total as f64 * cap_share) as usize;
    let mut sizes: Vec<usize> = raw
        .iter()
        .map(|r| ((r * scale).round() as usize).clamp(MIN_CLIENT, cap))
        .collect();
    Rng::derive(seed, 0x5123_c11e).shuffle(&mut sizes);
    sizes
}

/// The clients of a benchmark size: profiles, tiers, names and overrides
/// as the demo plans them (so the gap profiles spread the same way), sizes
/// from [`client_sizes`].
pub(crate) fn plan_clients(seed: u64, size: Size) -> Vec<OrgPlan> {
    let sizes = client_sizes(seed, size);
    let mut plans = profiles::plan_clients(seed, sizes.len());
    for (plan, devices) in plans.iter_mut().zip(sizes) {
        plan.size = devices;
        plan.large = devices >= LARGE_CLIENT;
    }
    plans
}

/// How many times the provider's delivery staff the size needs (about one
/// technician per 300 managed devices).
pub(crate) fn provider_staff_factor(size: Size) -> usize {
    match size {
        Size::Demo | Size::S => 1,
        Size::M => 2,
        Size::L => 9,
    }
}

/// The inverse of the standard normal distribution function (Acklam's
/// rational approximation, relative error below 1.2e-9).
fn probit(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    const LOW: f64 = 0.02425;
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

// ---------------------------------------------------------------------------
// Installed components.

/// An installed program, hotfix, driver, package or component, as software
/// inventory reports it.
pub(crate) struct Component {
    pub name: String,
    pub vendor: &'static str,
    pub version: String,
    pub category: &'static str,
    pub kind: SoftwareKind,
}

fn c(
    name: impl Into<String>,
    vendor: &'static str,
    version: impl Into<String>,
    category: &'static str,
    kind: SoftwareKind,
) -> Component {
    Component {
        name: name.into(),
        vendor,
        version: version.into(),
        category,
        kind,
    }
}

/// The components an asset of `platform` may carry, and the share of them
/// a typical one does; empty for network kit and storage.
pub(crate) fn components(platform: Platform) -> (&'static [Component], f64) {
    static WINDOWS: OnceLock<Vec<Component>> = OnceLock::new();
    static WINDOWS_SERVER: OnceLock<Vec<Component>> = OnceLock::new();
    static MAC: OnceLock<Vec<Component>> = OnceLock::new();
    static LINUX_DESKTOP: OnceLock<Vec<Component>> = OnceLock::new();
    static LINUX_SERVER: OnceLock<Vec<Component>> = OnceLock::new();
    static IOS: OnceLock<Vec<Component>> = OnceLock::new();
    static ANDROID: OnceLock<Vec<Component>> = OnceLock::new();
    static THIN: OnceLock<Vec<Component>> = OnceLock::new();
    match platform {
        Platform::Windows => (WINDOWS.get_or_init(|| windows(false)), 0.86),
        Platform::WindowsServer => (WINDOWS_SERVER.get_or_init(|| windows(true)), 0.85),
        Platform::Mac => (MAC.get_or_init(mac), 0.85),
        Platform::LinuxDesktop => (LINUX_DESKTOP.get_or_init(|| linux(true)), 0.9),
        Platform::LinuxServer => (LINUX_SERVER.get_or_init(|| linux(false)), 0.8),
        Platform::Ios => (IOS.get_or_init(ios), 0.8),
        Platform::Android => (ANDROID.get_or_init(android), 0.8),
        Platform::ThinClient => (THIN.get_or_init(igel), 0.9),
        _ => (&[], 0.0),
    }
}

const VC_RUNTIMES: &[(&str, &str)] = &[
    ("2005", "8.0.61001"),
    ("2008", "9.0.30729.6161"),
    ("2010", "10.0.40219"),
    ("2012", "11.0.61030"),
    ("2013", "12.0.40664"),
    ("2015-2022", "14.42.34433"),
];

const DOTNET: &[&str] = &[
    "6.0.35", "6.0.36", "7.0.20", "8.0.8", "8.0.10", "8.0.11", "9.0.0",
];

/// Windows component-based servicing packages.
const CBS: &[&str] = &[
    "Microsoft-Windows-Client-LanguagePack",
    "Microsoft-Windows-LanguageFeatures-Basic-en-gb",
    "Microsoft-Windows-LanguageFeatures-Handwriting-en-gb",
    "Microsoft-Windows-LanguageFeatures-OCR-en-gb",
    "Microsoft-Windows-LanguageFeatures-Speech-en-gb",
    "Microsoft-Windows-LanguageFeatures-TextToSpeech-en-gb",
    "Microsoft-Windows-NetFx3-OnDemand",
    "Microsoft-Windows-InternetExplorer-Optional",
    "Microsoft-Windows-MediaPlayer",
    "Microsoft-Windows-Notepad-System-FoD",
    "Microsoft-Windows-PowerShell-ISE-FOD",
    "Microsoft-Windows-Printing-PMCPPC-FoD",
    "Microsoft-Windows-StepsRecorder",
    "Microsoft-Windows-TabletPCMath",
    "Microsoft-Windows-WordPad-FoD",
    "Microsoft-Windows-Hello-Face",
    "Microsoft-Windows-Ethernet-Client-Drivers-FOD",
    "Microsoft-Windows-Wifi-Client-Drivers-FOD",
    "Microsoft-Windows-WMIC-FoD",
    "Microsoft-Windows-VBSCRIPT-FoD",
    "Microsoft-OneCore-ApplicationModel-Sync-Desktop-FOD",
    "Microsoft-OneCore-DirectX-Database-FOD",
    "OpenSSH-Client",
    "Package_for_DotNetRollup_481",
    "Package_for_RollupFix",
    "Package_for_ServicingStack",
    "Package_for_KB5027397",
    "Package_for_KB5032007",
    "Windows-Defender-AM-Default-Definitions",
    "Microsoft-Windows-Foundation-Package",
];

const APPX: &[&str] = &[
    "Microsoft.WindowsCalculator",
    "Microsoft.Windows.Photos",
    "Microsoft.WindowsStore",
    "Microsoft.WindowsTerminal",
    "Microsoft.Paint",
    "Microsoft.ScreenSketch",
    "Microsoft.WindowsNotepad",
    "Microsoft.BingWeather",
    "Microsoft.BingNews",
    "Microsoft.BingSearch",
    "Microsoft.GetHelp",
    "Microsoft.Getstarted",
    "Microsoft.MicrosoftSolitaireCollection",
    "Microsoft.MicrosoftStickyNotes",
    "Microsoft.People",
    "Microsoft.PowerAutomateDesktop",
    "Microsoft.Todos",
    "Microsoft.WindowsAlarms",
    "Microsoft.WindowsCamera",
    "Microsoft.WindowsFeedbackHub",
    "Microsoft.WindowsMaps",
    "Microsoft.WindowsSoundRecorder",
    "Microsoft.Xbox.TCUI",
    "Microsoft.XboxGamingOverlay",
    "Microsoft.XboxIdentityProvider",
    "Microsoft.XboxSpeechToTextOverlay",
    "Microsoft.YourPhone",
    "Microsoft.ZuneMusic",
    "Microsoft.ZuneVideo",
    "Microsoft.DesktopAppInstaller",
    "Microsoft.HEIFImageExtension",
    "Microsoft.HEVCVideoExtension",
    "Microsoft.RawImageExtension",
    "Microsoft.VP9VideoExtensions",
    "Microsoft.WebMediaExtensions",
    "Microsoft.WebpImageExtension",
    "Microsoft.AV1VideoExtension",
    "Microsoft.MPEG2VideoExtension",
    "Microsoft.StorePurchaseApp",
    "Microsoft.SecHealthUI",
    "Microsoft.OutlookForWindows",
    "Microsoft.Windows.DevHome",
    "Microsoft.Copilot",
    "Microsoft.MicrosoftEdge.Stable",
    "Microsoft.WidgetsPlatformRuntime",
    "Microsoft.LanguageExperiencePacken-GB",
    "Microsoft.ApplicationCompatibilityEnhancements",
    "Microsoft.MicrosoftOfficeHub",
    "Microsoft.OneDriveSync",
    "Microsoft.CompanyPortal",
    "MicrosoftCorporationII.QuickAssist",
    "MicrosoftWindows.Client.WebExperience",
    "MicrosoftWindows.CrossDevice",
    "Clipchamp.Clipchamp",
    "Microsoft.AAD.BrokerPlugin",
    "Microsoft.AccountsControl",
    "Microsoft.AsyncTextService",
    "Microsoft.BioEnrollment",
    "Microsoft.CredDialogHost",
    "Microsoft.ECApp",
    "Microsoft.LockApp",
    "Microsoft.MicrosoftEdgeDevToolsClient",
    "Microsoft.Win32WebViewHost",
    "Microsoft.Windows.Apprep.ChxApp",
    "Microsoft.Windows.AssignedAccessLockApp",
    "Microsoft.Windows.CapturePicker",
    "Microsoft.Windows.CloudExperienceHost",
    "Microsoft.Windows.ContentDeliveryManager",
    "Microsoft.Windows.NarratorQuickStart",
    "Microsoft.Windows.OOBENetworkCaptivePortal",
    "Microsoft.Windows.OOBENetworkConnectionFlow",
    "Microsoft.Windows.ParentalControls",
    "Microsoft.Windows.PeopleExperienceHost",
    "Microsoft.Windows.PinningConfirmationDialog",
    "Microsoft.Windows.PrintQueueActionCenter",
    "Microsoft.Windows.ShellExperienceHost",
    "Microsoft.Windows.StartMenuExperienceHost",
    "Microsoft.Windows.XGpuEjectDialog",
    "Microsoft.Windows.SecureAssessmentBrowser",
    "Microsoft.Windows.CallingShellApp",
    "Microsoft.XboxGameCallableUI",
    "MicrosoftWindows.Client.CBS",
    "MicrosoftWindows.Client.Core",
    "MicrosoftWindows.Client.FileExp",
    "MicrosoftWindows.UndockedDevKit",
    "NcsiUwpApp",
    "Windows.CBSPreview",
    "windows.immersivecontrolpanel",
    "Windows.PrintDialog",
];

/// Framework packages, installed for both architectures and several
/// versions side by side.
const APPX_FRAMEWORKS: &[(&str, &[&str])] = &[
    ("Microsoft.VCLibs.140.00", &["14.0.33519.0", "14.0.33728.0"]),
    (
        "Microsoft.VCLibs.140.00.UWPDesktop",
        &["14.0.33728.0", "14.0.30704.0"],
    ),
    ("Microsoft.UI.Xaml.2.7", &["7.2208.15002.0"]),
    (
        "Microsoft.UI.Xaml.2.8",
        &["8.2310.30001.0", "8.2501.31001.0"],
    ),
    ("Microsoft.NET.Native.Framework.2.2", &["2.2.29512.0"]),
    ("Microsoft.NET.Native.Runtime.2.2", &["2.2.28604.0"]),
    ("Microsoft.WindowsAppRuntime.1.4", &["4000.1309.2056.0"]),
    ("Microsoft.WindowsAppRuntime.1.5", &["5001.373.1736.0"]),
    ("Microsoft.WindowsAppRuntime.1.6", &["6000.318.2304.0"]),
    ("Microsoft.Services.Store.Engagement", &["10.0.23012.0"]),
];

const CAPABILITIES: &[&str] = &[
    "App.StepsRecorder",
    "Browser.InternetExplorer",
    "DirectX.Configuration.Database",
    "Hello.Face.20134",
    "Language.Basic~~~en-GB",
    "Language.Basic~~~en-US",
    "Language.Handwriting~~~en-GB",
    "Language.OCR~~~en-GB",
    "Language.OCR~~~en-US",
    "Language.Speech~~~en-GB",
    "Language.TextToSpeech~~~en-GB",
    "MathRecognizer",
    "Media.WindowsMediaPlayer",
    "Microsoft.Wallpapers.Extended",
    "Microsoft.Windows.Ethernet.Client.Intel.E1i68x64",
    "Microsoft.Windows.Ethernet.Client.Realtek.Rtcx21x64",
    "Microsoft.Windows.Notepad.System",
    "Microsoft.Windows.PowerShell.ISE",
    "Microsoft.Windows.Wifi.Client.Intel.Netwtw14",
    "Microsoft.Windows.Wifi.Client.Qualcomm.Qcamain10x64",
    "Microsoft.Windows.WordPad",
    "OneCoreUAP.OneSync",
    "OpenSSH.Client",
    "Print.Management.Console",
    "Windows.Kernel.LA57",
    "WMIC",
    "VBSCRIPT",
    "Rsat.ActiveDirectory.DS-LDS.Tools",
    "Rsat.GroupPolicy.Management.Tools",
    "Rsat.Dns.Tools",
];

const FEATURES: &[&str] = &[
    "NetFx4-AdvSrvs",
    "NetFx4Extended-ASPNET45",
    "NetFx3",
    "MicrosoftWindowsPowerShellV2Root",
    "MicrosoftWindowsPowerShellV2",
    "Printing-PrintToPDFServices-Features",
    "Printing-XPSServices-Features",
    "Printing-Foundation-Features",
    "Printing-Foundation-InternetPrinting-Client",
    "SearchEngine-Client-Package",
    "SmbDirect",
    "WCF-Services45",
    "WCF-TCP-PortSharing45",
    "MediaPlayback",
    "WindowsMediaPlayer",
    "WorkFolders-Client",
    "MSRDC-Infrastructure",
    "Microsoft-RemoteDesktopConnection",
    "Windows-Defender-Default-Definitions",
    "Windows-Identity-Foundation",
    "Microsoft-Windows-Subsystem-Linux",
    "VirtualMachinePlatform",
    "Containers-DisposableClientVM",
    "TelnetClient",
    "TFTP",
    "Internet-Explorer-Optional-amd64",
];

const SERVER_FEATURES: &[&str] = &[
    "FileAndStorage-Services",
    "Storage-Services",
    "File-Services",
    "FS-FileServer",
    "FS-DFS-Namespace",
    "FS-DFS-Replication",
    "FS-Resource-Manager",
    "FS-Data-Deduplication",
    "FS-VSS-Agent",
    "AD-Domain-Services",
    "DNS",
    "DHCP",
    "Print-Services",
    "Print-Server",
    "Web-Server",
    "Web-WebServer",
    "Web-Common-Http",
    "Web-Default-Doc",
    "Web-Static-Content",
    "Web-Http-Errors",
    "Web-Http-Logging",
    "Web-Stat-Compression",
    "Web-Filtering",
    "Web-Mgmt-Console",
    "NET-Framework-45-Core",
    "NET-Framework-45-ASPNET",
    "NET-Framework-Features",
    "NET-Framework-Core",
    "NET-WCF-TCP-PortSharing45",
    "GPMC",
    "RSAT",
    "RSAT-Role-Tools",
    "RSAT-AD-Tools",
    "RSAT-AD-PowerShell",
    "RSAT-ADDS",
    "RSAT-AD-AdminCenter",
    "RSAT-ADDS-Tools",
    "RSAT-DNS-Server",
    "RSAT-DHCP",
    "RSAT-File-Services",
    "RSAT-DFS-Mgmt-Con",
    "Windows-Defender",
    "PowerShellRoot",
    "PowerShell",
    "PowerShell-ISE",
    "WoW64-Support",
    "XPS-Viewer",
    "Windows-Server-Backup",
    "Failover-Clustering",
    "Multipath-IO",
    "SNMP-Service",
    "System-DataArchiver",
    "Telnet-Client",
    "Windows-Internal-Database",
    "Search-Service",
    "Hyper-V",
    "Hyper-V-Tools",
    "Hyper-V-PowerShell",
    "Remote-Desktop-Services",
    "RDS-Licensing",
];

const DRIVER_CLASSES: &[(&str, &[&str])] = &[
    (
        "Intel",
        &[
            "Serial IO",
            "Chipset",
            "Management Engine Interface",
            "Graphics",
            "Bluetooth",
            "Wireless",
            "Ethernet",
            "Dynamic Tuning Technology",
            "Innovation Platform Framework",
            "Smart Sound Technology",
            "Rapid Storage Technology",
            "Thunderbolt Controller",
            "GNA Scoring Accelerator",
            "Integrated Sensor Solution",
            "Platform Monitoring Technology",
        ],
    ),
    (
        "Realtek",
        &[
            "High Definition Audio",
            "Card Reader",
            "USB GbE Family Controller",
            "Bluetooth",
            "Camera",
        ],
    ),
    (
        "Synaptics",
        &["Pointing Device", "Fingerprint Sensor", "SMBus"],
    ),
    ("NVIDIA", &["Display", "HD Audio", "USB Type-C"]),
    ("Qualcomm", &["Atheros Wireless", "Bluetooth"]),
    ("DisplayLink", &["USB Graphics", "USB Audio", "Ethernet"]),
    (
        "Microsoft",
        &[
            "Surface Firmware",
            "Surface Integration",
            "Surface Touch",
            "Surface Camera",
        ],
    ),
    (
        "Dell",
        &[
            "Firmware",
            "Docking Station",
            "System Management",
            "Touchpad",
        ],
    ),
    (
        "Lenovo",
        &["Firmware", "Power Management", "Hotkey Features"],
    ),
    ("HP", &["Firmware", "Hotkey Support", "Sure Start", "Audio"]),
];

const OEM_TOOLS: &[(&str, &str, &str)] = &[
    ("Dell SupportAssist", "Dell", "4.4.3.28"),
    (
        "Dell Command | Update for Windows Universal",
        "Dell",
        "5.4.0",
    ),
    ("Dell Optimizer", "Dell", "4.2.4.0"),
    ("Dell Peripheral Manager", "Dell", "1.7.7"),
    ("Dell Power Manager Service", "Dell", "3.16.0"),
    ("Dell Digital Delivery Services", "Dell", "5.2.2.0"),
    ("Lenovo Vantage Service", "Lenovo", "4.1.30.0"),
    ("Lenovo Commercial Vantage", "Lenovo", "20.2408.5.0"),
    ("Lenovo System Interface Foundation", "Lenovo", "1.1.22.0"),
    ("HP Wolf Security", "HP", "4.6.17.403"),
    ("HP Support Assistant", "HP", "9.32.39.0"),
    ("HP Notifications", "HP", "1.1.28.1"),
    ("HP Sure Recover", "HP", "2.4.3.0"),
    ("HP Connection Optimizer", "HP", "2.0.19.0"),
    (
        "Intel(R) Management Engine Components",
        "Intel",
        "2406.5.5.0",
    ),
    ("Intel(R) PROSet/Wireless Software", "Intel", "23.80.0"),
    (
        "Intel(R) Chipset Device Software",
        "Intel",
        "10.1.19627.8423",
    ),
    (
        "Intel(R) Optane Memory and Storage Management",
        "Intel",
        "19.5.2.1049",
    ),
    ("Realtek Audio Console", "Realtek", "1.45.316.0"),
    ("Realtek Card Reader", "Realtek", "10.0.22621.31255"),
    ("Logitech Options+", "Logitech", "1.83.608424"),
    ("Poly Lens Desktop", "HP", "1.3.2"),
    ("Jabra Direct", "GN Audio", "6.18.10401"),
    ("Microsoft Update Health Tools", "Microsoft", "5.72.0.0"),
    ("Microsoft GameInput", "Microsoft", "10.1.26100.3036"),
    ("Windows PC Health Check", "Microsoft", "3.6.2204.08001"),
    (
        "Microsoft Edge WebView2 Runtime",
        "Microsoft",
        "131.0.2903.70",
    ),
    ("Microsoft Edge Update", "Microsoft", "1.3.195.35"),
    ("Teams Machine-Wide Installer", "Microsoft", "1.7.0.15573"),
    (
        "Office 16 Click-to-Run Extensibility Component",
        "Microsoft",
        "16.0.18129.20116",
    ),
    (
        "Office 16 Click-to-Run Licensing Component",
        "Microsoft",
        "16.0.18129.20158",
    ),
    (
        "Office 16 Click-to-Run Localization Component",
        "Microsoft",
        "16.0.18129.20116",
    ),
    (
        "Microsoft Office Proofing Tools - English",
        "Microsoft",
        "16.0.18129.20158",
    ),
    ("Microsoft Search in Bing", "Microsoft", "2.0.2"),
    (
        "Microsoft Intune Management Extension",
        "Microsoft",
        "1.85.103.0",
    ),
    ("Microsoft Policy Platform", "Microsoft", "68.1.1010.0"),
    (
        "Microsoft Visual Studio Tools for Applications 2019",
        "Microsoft",
        "16.0.31110",
    ),
    (
        "Microsoft ODBC Driver 17 for SQL Server",
        "Microsoft",
        "17.10.6.1",
    ),
    (
        "Microsoft OLE DB Driver for SQL Server",
        "Microsoft",
        "18.7.4.0",
    ),
    (
        "Microsoft Access database engine 2016",
        "Microsoft",
        "16.0.5044.1000",
    ),
    ("Java 8 Update 431", "Oracle", "8.0.4310.10"),
    ("Adobe Genuine Service", "Adobe", "8.6.0.22"),
    ("Adobe Refresh Manager", "Adobe", "1.8.0"),
    ("Google Update Helper", "Google", "1.3.36.412"),
    (
        "Windows Software Development Kit - Windows 10.0.19041.685",
        "Microsoft",
        "10.1.19041.685",
    ),
    ("Universal CRT Tools x64", "Microsoft", "10.1.22621.3233"),
    (
        "Windows App Certification Kit Native Components",
        "Microsoft",
        "10.1.22621.3233",
    ),
];

const SERVER_AGENTS: &[(&str, &str, &str)] = &[
    ("Dell OpenManage Server Administrator", "Dell", "11.0.1.0"),
    ("iDRAC Service Module", "Dell", "5.3.0.0"),
    ("HPE iLO Integrated Management Log Viewer", "HPE", "4.2.0.0"),
    ("HPE Agentless Management Service", "HPE", "3.52.0.0"),
    ("Lenovo XClarity Integrator", "Lenovo", "7.9.0"),
    ("Broadcom NetXtreme-E Driver", "Broadcom", "226.0.145.0"),
    ("Intel(R) Ethernet Connections", "Intel", "29.3.0.0"),
    ("Matrox Graphics Driver", "Matrox", "4.5.1.0"),
    ("PERC H755 Controller Driver", "Dell", "7.716.03.00"),
    ("HPE Smart Array Controller Driver", "HPE", "106.276.0.1024"),
    ("Microsoft Monitoring Agent", "Microsoft", "10.20.18069.0"),
    (
        "Azure Connected Machine Agent",
        "Microsoft",
        "1.47.02861.2047",
    ),
    ("Azure Monitor Agent", "Microsoft", "1.31.0.0"),
    (
        "Microsoft SQL Server 2019 Setup (English)",
        "Microsoft",
        "15.0.4003.23",
    ),
    (
        "Microsoft SQL Server 2012 Native Client",
        "Microsoft",
        "11.4.7462.6",
    ),
    (
        "Microsoft System CLR Types for SQL Server 2019",
        "Microsoft",
        "15.0.2000.5",
    ),
    (
        "Microsoft Analysis Management Objects",
        "Microsoft",
        "15.0.2000.20",
    ),
    ("Veeam Installer Service", "Veeam", "12.2.0.334"),
    ("Datto Windows Agent", "Datto", "3.1.4.0"),
    ("Microsoft Web Deploy 4.0", "Microsoft", "10.0.8320"),
    ("IIS URL Rewrite Module 2", "Microsoft", "7.2.1993"),
    (
        "Microsoft Report Viewer 2015 Runtime",
        "Microsoft",
        "12.0.2402.15",
    ),
];

/// Windows workstations (or servers): hotfixes, runtimes, packaged apps,
/// capabilities, optional features, drivers and OEM tools.
fn windows(server: bool) -> Vec<Component> {
    use SoftwareKind::{App, Os};
    let mut out = Vec::new();
    let os = if server {
        "Microsoft Windows Server"
    } else {
        "Microsoft Windows"
    };
    // Hotfix history: security and quality updates, .NET updates and the
    // servicing stack.
    for k in 0..80 {
        let kb = 5_030_000 + k * 2_371 % 20_000 + k * 11;
        let (label, category) = match k % 4 {
            0 => (format!("Security Update for {os} (KB{kb})"), "hotfix"),
            1 => (format!("Update for {os} (KB{kb})"), "hotfix"),
            2 => (
                format!("Update for Microsoft .NET Framework 4.8.1 (KB{kb})"),
                "hotfix",
            ),
            _ => (format!("Servicing Stack Update (KB{kb})"), "hotfix"),
        };
        out.push(c(label, "Microsoft", format!("KB{kb}"), category, Os));
    }
    for &(year, version) in VC_RUNTIMES {
        for arch in ["x86", "x64"] {
            out.push(c(
                format!("Microsoft Visual C++ {year} Redistributable ({arch})"),
                "Microsoft",
                version,
                "runtime",
                App,
            ));
            if year >= "2012" {
                for part in ["Minimum Runtime", "Additional Runtime"] {
                    out.push(c(
                        format!("Microsoft Visual C++ {year} {arch} {part}"),
                        "Microsoft",
                        version,
                        "runtime",
                        App,
                    ));
                }
            }
        }
    }
    for v in DOTNET {
        for arch in ["x64", "x86"] {
            for what in [
                "Microsoft .NET Runtime",
                "Microsoft Windows Desktop Runtime",
                "Microsoft ASP.NET Core Shared Framework",
                "Microsoft .NET Host",
                "Microsoft .NET Host FX Resolver",
            ] {
                out.push(c(
                    format!("{what} - {v} ({arch})"),
                    "Microsoft",
                    *v,
                    "runtime",
                    App,
                ));
            }
        }
    }
    for (n, pkg) in CBS.iter().enumerate() {
        let build = if server { "20348" } else { "22621" };
        for rev in 0..2 {
            let version = format!("10.0.{build}.{}", 3000 + n * 37 + rev * 1460);
            out.push(c(
                format!("{pkg}~31bf3856ad364e35~amd64~~{version}"),
                "Microsoft",
                version,
                "component",
                Os,
            ));
        }
    }
    if server {
        for f in SERVER_FEATURES {
            out.push(c(
                format!("Windows Server feature: {f}"),
                "Microsoft",
                "10.0.20348",
                "component",
                Os,
            ));
        }
        for &(name, vendor, version) in SERVER_AGENTS {
            out.push(c(name, vendor, version, "management", App));
        }
    } else {
        for (n, name) in APPX.iter().enumerate() {
            let version = format!(
                "{}.{}.{}.0",
                10 + n % 13,
                2300 + n * 7 % 190,
                n * 131 % 9000
            );
            out.push(c(*name, "Microsoft", version, "component", App));
        }
        for &(name, versions) in APPX_FRAMEWORKS {
            for v in versions {
                for arch in ["x64", "x86"] {
                    out.push(c(
                        format!("{name}_{v}_{arch}__8wekyb3d8bbwe"),
                        "Microsoft",
                        *v,
                        "framework",
                        App,
                    ));
                }
            }
        }
        for cap in CAPABILITIES {
            out.push(c(
                format!("Windows capability: {cap}"),
                "Microsoft",
                "0.0.1.0",
                "component",
                Os,
            ));
        }
        for &(name, vendor, version) in OEM_TOOLS {
            out.push(c(name, vendor, version, "utility", App));
        }
    }
    for f in FEATURES {
        out.push(c(
            format!("Windows optional feature: {f}"),
            "Microsoft",
            "10.0",
            "component",
            Os,
        ));
    }
    for (n, &(vendor, classes)) in DRIVER_CLASSES.iter().enumerate() {
        if server && !matches!(vendor, "Intel" | "Microsoft") {
            continue;
        }
        for (k, class) in classes.iter().enumerate() {
            for rev in 0..3 {
                let version = format!("{}.{}.{}.{}", 10 + n, k * 3 + rev, 100 + k * 17, 4000 + rev);
                out.push(c(
                    format!("Windows Driver Package - {vendor} {class} ({version})"),
                    vendor_static(vendor),
                    version,
                    "driver",
                    SoftwareKind::Firmware,
                ));
            }
        }
    }
    out
}

/// The `&'static` spelling of a vendor from [`DRIVER_CLASSES`].
fn vendor_static(v: &str) -> &'static str {
    DRIVER_CLASSES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| *name == v)
        .unwrap_or("Vendor")
}

const MAC_APPS: &[&str] = &[
    "Safari",
    "Mail",
    "Calendar",
    "Contacts",
    "Maps",
    "Messages",
    "FaceTime",
    "Photos",
    "Music",
    "TV",
    "Podcasts",
    "News",
    "Stocks",
    "Notes",
    "Reminders",
    "Freeform",
    "Preview",
    "TextEdit",
    "QuickTime Player",
    "Books",
    "Home",
    "Shortcuts",
    "Weather",
    "Clock",
    "Font Book",
    "Image Capture",
    "Migration Assistant",
    "Activity Monitor",
    "Console",
    "Disk Utility",
    "Terminal",
    "System Information",
    "Keychain Access",
    "Screenshot",
    "Automator",
    "Chess",
    "Stickies",
    "Photo Booth",
    "Time Machine",
    "ColorSync Utility",
    "Bluetooth File Exchange",
    "Audio MIDI Setup",
    "Grapher",
    "VoiceOver Utility",
    "Digital Color Meter",
    "Script Editor",
    "AirPort Utility",
    "Directory Utility",
    "Ticket Viewer",
    "Feedback Assistant",
    "Finder",
    "Siri",
    "Archive Utility",
    "Wireless Diagnostics",
    "Screen Sharing",
    "Software Update",
    "System Settings",
    "App Store",
    "Passwords",
    "Find My",
    "Launchpad",
    "Mission Control",
    "iPhone Mirroring",
    "Tips",
    "Image Playground",
    "Journal",
];

const MAC_BUNDLES: &[&str] = &[
    "AirPlayXPCHelper",
    "AppleGraphicsControl",
    "AppleMobileDeviceSupport",
    "AppleScript Utility",
    "BluetoothUIServer",
    "CoreLocationAgent",
    "CoreServicesUIAgent",
    "Dock",
    "ControlCenter",
    "NotificationCenter",
    "Spotlight",
    "SystemUIServer",
    "WiFiAgent",
    "loginwindow",
    "ScreenSaverEngine",
    "Install Command Line Developer Tools",
    "Keyboard Setup Assistant",
    "Setup Assistant",
    "Problem Reporter",
    "Rosetta 2",
    "XProtect",
    "XProtectPayloads",
    "MRTConfigData",
    "Gatekeeper Compatibility Data",
    "Background Task Management Agent",
    "Safari Technology Support",
    "Printer Drivers: HP",
    "Printer Drivers: Canon",
    "Printer Drivers: Brother",
    "Printer Drivers: Epson",
    "Printer Drivers: Ricoh",
    "Printer Drivers: Xerox",
    "Printer Drivers: Kyocera",
    "Printer Drivers: Lexmark",
    "Microsoft AutoUpdate",
    "Microsoft Defender Shim",
    "Microsoft Intune Agent",
    "Company Portal",
    "Microsoft Edge",
    "Microsoft Word",
    "Microsoft Excel",
    "Microsoft PowerPoint",
    "Microsoft Outlook",
    "Microsoft OneNote",
    "Microsoft Remote Help",
    "Google Drive",
    "Zoom Outlook Plugin",
    "Adobe Acrobat Reader Updater",
    "Adobe Genuine Service",
    "Logi Options+",
    "DisplayLink Manager",
    "Jabra Direct",
    "Poly Lens",
];

const MAC_FRAMEWORKS: &[&str] = &[
    "AVFoundation",
    "Accelerate",
    "AppKit",
    "AudioToolbox",
    "CloudKit",
    "Contacts",
    "CoreAudio",
    "CoreBluetooth",
    "CoreData",
    "CoreGraphics",
    "CoreImage",
    "CoreLocation",
    "CoreML",
    "CoreMedia",
    "CoreMotion",
    "CoreSpotlight",
    "CoreText",
    "CoreVideo",
    "CoreWLAN",
    "CryptoKit",
    "EventKit",
    "GameController",
    "HealthKit",
    "IOKit",
    "ImageIO",
    "LocalAuthentication",
    "MapKit",
    "Metal",
    "MetalKit",
    "NaturalLanguage",
    "Network",
    "NetworkExtension",
    "OSLog",
    "PDFKit",
    "PhotoKit",
    "QuartzCore",
    "SafariServices",
    "ScreenCaptureKit",
    "Security",
    "SwiftUI",
    "SystemConfiguration",
    "UniformTypeIdentifiers",
    "UserNotifications",
    "Virtualization",
    "Vision",
    "WebKit",
];

/// Macs: applications, system bundles and system frameworks.
fn mac() -> Vec<Component> {
    use SoftwareKind::{App, Os};
    let mut out = Vec::new();
    for (n, name) in MAC_APPS.iter().enumerate() {
        let version = format!("{}.{}", 1 + n % 17, n % 5);
        out.push(c(*name, "Apple", version, "component", App));
    }
    for (n, name) in MAC_BUNDLES.iter().enumerate() {
        let vendor = if name.starts_with("Microsoft") || *name == "Company Portal" {
            "Microsoft"
        } else {
            "Apple"
        };
        let version = format!("{}.{}.{}", 1 + n % 9, n % 7, n % 3);
        out.push(c(*name, vendor, version, "component", App));
    }
    for name in MAC_FRAMEWORKS {
        for arch in ["arm64e", "x86_64"] {
            out.push(c(
                format!("{name}.framework ({arch})"),
                "Apple",
                "15.1",
                "framework",
                Os,
            ));
        }
    }
    out
}

const DEB_STEMS: &[&str] = &[
    "acl",
    "adduser",
    "apparmor",
    "apt",
    "apt-utils",
    "base-files",
    "base-passwd",
    "bash",
    "bash-completion",
    "bind9-dnsutils",
    "bind9-host",
    "bsdutils",
    "bzip2",
    "ca-certificates",
    "cloud-init",
    "console-setup",
    "coreutils",
    "cpio",
    "cron",
    "curl",
    "dash",
    "dbus",
    "debconf",
    "debianutils",
    "diffutils",
    "dirmngr",
    "dmidecode",
    "dmsetup",
    "dpkg",
    "e2fsprogs",
    "ed",
    "eject",
    "ethtool",
    "fdisk",
    "file",
    "findutils",
    "fuse3",
    "gawk",
    "gcc-14-base",
    "gettext-base",
    "gnupg",
    "gpg",
    "gpg-agent",
    "gpgv",
    "grep",
    "groff-base",
    "grub-common",
    "grub-efi-amd64-signed",
    "gzip",
    "hdparm",
    "hostname",
    "info",
    "init",
    "init-system-helpers",
    "initramfs-tools",
    "iproute2",
    "iptables",
    "iputils-ping",
    "irqbalance",
    "isc-dhcp-client",
    "kbd",
    "keyboard-configuration",
    "kmod",
    "less",
    "linux-base",
    "linux-firmware",
    "locales",
    "login",
    "logrotate",
    "lsb-release",
    "lshw",
    "lsof",
    "lvm2",
    "man-db",
    "mawk",
    "mdadm",
    "mount",
    "multipath-tools",
    "nano",
    "ncurses-base",
    "ncurses-bin",
    "netbase",
    "netcat-openbsd",
    "netplan.io",
    "networkd-dispatcher",
    "open-iscsi",
    "open-vm-tools",
    "openssh-client",
    "openssl",
    "packagekit",
    "parted",
    "passwd",
    "pciutils",
    "perl",
    "perl-base",
    "pinentry-curses",
    "plymouth",
    "pollinate",
    "procps",
    "psmisc",
    "publicsuffix",
    "python3",
    "python3-apt",
    "python3-yaml",
    "python3-requests",
    "python3-urllib3",
    "python3-jinja2",
    "python3-cryptography",
    "readline-common",
    "rsync",
    "sed",
    "sensible-utils",
    "shared-mime-info",
    "snapd",
    "sosreport",
    "squashfs-tools",
    "strace",
    "sudo",
    "systemd",
    "systemd-sysv",
    "systemd-timesyncd",
    "sysvinit-utils",
    "tar",
    "tcpdump",
    "thermald",
    "time",
    "tmux",
    "tzdata",
    "ubuntu-keyring",
    "ubuntu-minimal",
    "ubuntu-server",
    "ubuntu-standard",
    "ucf",
    "udev",
    "ufw",
    "update-notifier-common",
    "usbutils",
    "util-linux",
    "uuid-runtime",
    "vim",
    "vim-common",
    "vim-tiny",
    "wget",
    "whiptail",
    "xauth",
    "xdg-user-dirs",
    "xfsprogs",
    "xxd",
    "xz-utils",
    "zerofree",
    "zstd",
];

const DEB_LIBS: &[&str] = &[
    "libacl1",
    "libapparmor1",
    "libapt-pkg6.0",
    "libattr1",
    "libaudit1",
    "libblkid1",
    "libbpf1",
    "libbrotli1",
    "libbsd0",
    "libbz2-1.0",
    "libc-bin",
    "libc6",
    "libcap-ng0",
    "libcap2",
    "libcom-err2",
    "libcrypt1",
    "libcryptsetup12",
    "libcurl4",
    "libdb5.3",
    "libdbus-1-3",
    "libdevmapper1.02.1",
    "libedit2",
    "libelf1",
    "libexpat1",
    "libext2fs2",
    "libfdisk1",
    "libffi8",
    "libfido2-1",
    "libgcc-s1",
    "libgcrypt20",
    "libglib2.0-0",
    "libgmp10",
    "libgnutls30",
    "libgpg-error0",
    "libgssapi-krb5-2",
    "libhogweed6",
    "libicu74",
    "libidn2-0",
    "libjson-c5",
    "libk5crypto3",
    "libkeyutils1",
    "libkmod2",
    "libkrb5-3",
    "libkrb5support0",
    "libldap2",
    "liblz4-1",
    "liblzma5",
    "libmagic1",
    "libmnl0",
    "libmount1",
    "libncursesw6",
    "libnettle8",
    "libnewt0.52",
    "libnftables1",
    "libnghttp2-14",
    "libnl-3-200",
    "libnss-systemd",
    "libp11-kit0",
    "libpam-modules",
    "libpam-runtime",
    "libpam-systemd",
    "libpam0g",
    "libpcap0.8",
    "libpcre2-8-0",
    "libpopt0",
    "libproc2-0",
    "libpsl5",
    "libpython3.12",
    "libreadline8",
    "librtmp1",
    "libsasl2-2",
    "libseccomp2",
    "libselinux1",
    "libsemanage2",
    "libsepol2",
    "libsmartcols1",
    "libsqlite3-0",
    "libss2",
    "libssh-4",
    "libssl3",
    "libstdc++6",
    "libsystemd0",
    "libtasn1-6",
    "libtinfo6",
    "libudev1",
    "libunistring5",
    "libuuid1",
    "libxml2",
    "libxtables12",
    "libyaml-0-2",
    "libzstd1",
    "zlib1g",
];

const DEB_DESKTOP: &[&str] = &[
    "gnome-shell",
    "gnome-control-center",
    "gnome-terminal",
    "gnome-calculator",
    "gnome-calendar",
    "gnome-disk-utility",
    "gnome-keyring",
    "gnome-settings-daemon",
    "gnome-software",
    "gnome-system-monitor",
    "gnome-text-editor",
    "nautilus",
    "evince",
    "eog",
    "gdm3",
    "pulseaudio",
    "pipewire",
    "wireplumber",
    "xwayland",
    "xserver-xorg-core",
    "mesa-vulkan-drivers",
    "libgl1-mesa-dri",
    "fonts-dejavu-core",
    "fonts-liberation",
    "fonts-noto-color-emoji",
    "fonts-ubuntu",
    "cups",
    "cups-browsed",
    "printer-driver-all",
    "network-manager",
    "network-manager-gnome",
    "bluez",
    "fwupd",
    "libreoffice-writer",
    "libreoffice-calc",
    "libreoffice-impress",
    "thunderbird",
    "firefox",
    "yelp",
    "ubuntu-desktop-minimal",
    "language-pack-en",
    "language-pack-gnome-en",
    "hunspell-en-gb",
    "ibus",
    "gstreamer1.0-plugins-good",
];

/// Linux: Debian packages, with their `-common`/`-data`/`-doc` siblings.
fn linux(desktop: bool) -> Vec<Component> {
    use SoftwareKind::App;
    let mut out = Vec::new();
    let version = |n: usize| {
        format!(
            "{}.{}.{}-{}ubuntu{}",
            1 + n % 9,
            n % 23,
            n % 11,
            1 + n % 4,
            n % 3
        )
    };
    let mut n = 0;
    let mut push = |out: &mut Vec<Component>, name: String, category: &'static str| {
        n += 1;
        out.push(c(name, "Canonical", version(n), category, App));
    };
    for stem in DEB_STEMS {
        push(&mut out, stem.to_string(), "package");
        for suffix in ["-common", "-data", "-doc"] {
            if stem.len() % 3 == suffix.len() % 3 {
                push(&mut out, format!("{stem}{suffix}"), "package");
            }
        }
    }
    for lib in DEB_LIBS {
        push(&mut out, lib.to_string(), "library");
        if lib.len().is_multiple_of(2) {
            push(&mut out, format!("{lib}:i386"), "library");
        }
    }
    if desktop {
        for pkg in DEB_DESKTOP {
            push(&mut out, pkg.to_string(), "desktop");
            push(&mut out, format!("{pkg}-common"), "desktop");
            push(&mut out, format!("{pkg}-l10n"), "desktop");
        }
    }
    out
}

const IOS_APPS: &[(&str, &str)] = &[
    ("Safari", "Apple"),
    ("Mail", "Apple"),
    ("Calendar", "Apple"),
    ("Photos", "Apple"),
    ("Camera", "Apple"),
    ("Maps", "Apple"),
    ("Messages", "Apple"),
    ("FaceTime", "Apple"),
    ("Notes", "Apple"),
    ("Reminders", "Apple"),
    ("Files", "Apple"),
    ("Wallet", "Apple"),
    ("Weather", "Apple"),
    ("Clock", "Apple"),
    ("Settings", "Apple"),
    ("App Store", "Apple"),
    ("Find My", "Apple"),
    ("Shortcuts", "Apple"),
    ("Health", "Apple"),
    ("Music", "Apple"),
    ("Podcasts", "Apple"),
    ("Books", "Apple"),
    ("Translate", "Apple"),
    ("Voice Memos", "Apple"),
    ("Microsoft Word", "Microsoft"),
    ("Microsoft Excel", "Microsoft"),
    ("Microsoft PowerPoint", "Microsoft"),
    ("Microsoft OneNote", "Microsoft"),
    ("Microsoft SharePoint", "Microsoft"),
    ("Microsoft Edge", "Microsoft"),
    ("Microsoft Planner", "Microsoft"),
    ("Microsoft To Do", "Microsoft"),
    ("Microsoft Copilot", "Microsoft"),
    ("Google Maps", "Google"),
    ("WhatsApp Business", "Meta"),
    ("LinkedIn", "Microsoft"),
    ("Slack", "Salesforce"),
    ("Adobe Acrobat Reader", "Adobe"),
    ("DocuSign", "DocuSign"),
    ("Xero Accounting", "Xero"),
    ("Trainline", "Trainline"),
    ("Uber", "Uber"),
    ("BBC News", "BBC"),
    ("Citymapper", "Citymapper"),
    ("HSBC UK Business", "HSBC"),
    ("Dropbox", "Dropbox"),
];

const ANDROID_APPS: &[(&str, &str)] = &[
    ("com.google.android.gms", "Google"),
    ("com.google.android.gsf", "Google"),
    ("com.google.android.apps.maps", "Google"),
    ("com.google.android.calendar", "Google"),
    ("com.google.android.contacts", "Google"),
    ("com.google.android.dialer", "Google"),
    ("com.google.android.apps.messaging", "Google"),
    ("com.google.android.apps.photos", "Google"),
    ("com.google.android.GoogleCamera", "Google"),
    ("com.google.android.inputmethod.latin", "Google"),
    ("com.google.android.apps.wellbeing", "Google"),
    ("com.google.android.deskclock", "Google"),
    ("com.google.android.apps.docs", "Google"),
    ("com.google.android.youtube", "Google"),
    ("com.google.android.webview", "Google"),
    ("com.google.android.apps.work.clouddpc", "Google"),
    ("com.android.vending", "Google"),
    ("com.android.chrome", "Google"),
    ("com.android.settings", "Google"),
    ("com.android.systemui", "Google"),
    ("com.samsung.android.app.notes", "Samsung"),
    ("com.samsung.android.calendar", "Samsung"),
    ("com.samsung.android.messaging", "Samsung"),
    ("com.samsung.android.dialer", "Samsung"),
    ("com.samsung.android.app.smartcapture", "Samsung"),
    ("com.samsung.android.knox.containeragent", "Samsung"),
    ("com.samsung.android.bixby.agent", "Samsung"),
    ("com.sec.android.app.camera", "Samsung"),
    ("com.sec.android.app.myfiles", "Samsung"),
    ("com.sec.android.gallery3d", "Samsung"),
    ("com.microsoft.office.word", "Microsoft"),
    ("com.microsoft.office.excel", "Microsoft"),
    ("com.microsoft.office.powerpoint", "Microsoft"),
    ("com.microsoft.office.onenote", "Microsoft"),
    ("com.microsoft.sharepoint", "Microsoft"),
    ("com.microsoft.emmx", "Microsoft"),
    ("com.microsoft.todos", "Microsoft"),
    ("com.microsoft.windowsintune.companyportal", "Microsoft"),
    ("com.linkedin.android", "Microsoft"),
    ("com.whatsapp.w4b", "Meta"),
    ("com.Slack", "Salesforce"),
    ("com.adobe.reader", "Adobe"),
    ("com.docusign.ink", "DocuSign"),
    ("com.xero.touch", "Xero"),
    ("com.dropbox.android", "Dropbox"),
    ("com.thetrainline", "Trainline"),
    ("bbc.mobile.news.uk", "BBC"),
    ("uk.co.hsbc.hsbcukbusinessbanking", "HSBC"),
];

/// iPhones and iPads: built-in and store apps.
fn ios() -> Vec<Component> {
    IOS_APPS
        .iter()
        .enumerate()
        .map(|(n, &(name, vendor))| {
            let version = format!("{}.{}.{}", 1 + n % 18, n % 10, n % 4);
            c(name, vendor, version, "app", SoftwareKind::App)
        })
        .collect()
}

/// Android phones: system and store packages.
fn android() -> Vec<Component> {
    ANDROID_APPS
        .iter()
        .enumerate()
        .map(|(n, &(name, vendor))| {
            let version = format!("{}.{}.{}", 1 + n % 24, n % 40, 100 + n * 37 % 900);
            c(name, vendor, version, "app", SoftwareKind::App)
        })
        .collect()
}

/// IGEL thin clients: the firmware's feature partitions.
fn igel() -> Vec<Component> {
    [
        "Citrix Workspace app",
        "Microsoft AVD client",
        "VMware Horizon client",
        "Chromium browser",
        "Firefox browser",
        "Zoom VDI plugin",
        "Microsoft Teams optimisation",
        "Imprivata OneSign agent",
        "Cisco Webex VDI",
        "Remote Desktop Protocol client",
        "NX client",
        "Java runtime",
        "Smartcard middleware",
        "Printing: CUPS",
        "Media player",
        "Universal Management Suite agent",
        "Unified Communications Software",
        "Asian language support",
        "Hardware video acceleration",
        "Evidian AuthMgr",
        "ControlUp agent",
        "Liquidware Stratusphere",
        "Nuance Dictation",
        "Philips Speech Driver",
        "Zoom Workplace App",
        "Fabulatech USB for Remote Desktop",
        "Parallels client",
        "Ericom PowerTerm",
        "IBM iAccess client",
        "X session",
    ]
    .iter()
    .enumerate()
    .map(|(n, name)| {
        c(
            *name,
            "IGEL",
            format!("12.4.{}", n % 4),
            "component",
            SoftwareKind::Firmware,
        )
    })
    .collect()
}

// ---------------------------------------------------------------------------
// Vendor releases the demo leaves out.

/// More of each month's vendor releases: .NET and Defender platform
/// updates, Chrome and Edge's mid-month security fixes, third-party apps
/// and more Linux advisories. Appended to the demo's releases.
pub(crate) fn extra_releases(seed: u64, now: DateTime<Utc>, out: &mut Vec<Release>) {
    use Platform::*;
    let mut rng = Rng::derive(seed, 0x9a7c_4e1f);
    let today = now.date_naive();
    for back in 0..7i64 {
        let total = today.year() as i64 * 12 + today.month0() as i64 - back;
        let (y, m) = ((total / 12) as i32, (total % 12) as u32 + 1);
        let first = NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
        let offset = (Weekday::Tue.num_days_from_monday() as i64
            - first.weekday().num_days_from_monday() as i64)
            .rem_euclid(7);
        let tuesday = first + Duration::days(offset + 7);
        let mut push = |platforms: &'static [Platform],
                        product: &'static str,
                        reference: String,
                        kind: SoftwareKind,
                        severity: Severity,
                        cvss: f64,
                        cves: usize,
                        released: NaiveDate,
                        rng: &mut Rng| {
            let cves = (0..cves)
                .map(|_| format!("CVE-{y}-{}", rng.range(20000, 59999)))
                .collect();
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
            });
        };
        let app = SoftwareKind::App;
        let kb = 5_046_000 + (total * 211) % 9000;
        push(
            &[Windows, WindowsServer],
            ".NET Framework 4.8.1 cumulative update",
            format!("KB{kb}"),
            app,
            Severity::High,
            7.5,
            1,
            tuesday,
            &mut rng,
        );
        push(
            &[Windows, WindowsServer],
            "Microsoft Defender Antivirus platform",
            format!("4.18.{}.{}", 24_000 + total % 100 * 10, 1000 + back),
            app,
            Severity::Medium,
            5.5,
            1,
            first + Duration::days(rng.range(1, 20)),
            &mut rng,
        );
        let chrome = 131 - back;
        let mid = tuesday + Duration::days(rng.range(9, 14));
        push(
            &[Windows, Mac, LinuxDesktop],
            "Google Chrome",
            format!("{chrome}.0.{}.{}", 6778 - back * 55, 140 + back),
            app,
            Severity::High,
            8.8,
            2,
            mid,
            &mut rng,
        );
        push(
            &[Windows],
            "Microsoft Edge",
            format!("{chrome}.0.{}.{}", 2903 - back * 60, 110 + back),
            app,
            Severity::Medium,
            6.5,
            1,
            mid + Duration::days(2),
            &mut rng,
        );
        push(
            &[Windows, Mac],
            "Adobe Acrobat Reader",
            format!("24.{:03}.{}", 4 - back.min(4), 20_272 + back * 41),
            app,
            Severity::High,
            7.8,
            2,
            tuesday,
            &mut rng,
        );
        push(
            &[Windows, Mac],
            "Zoom Workplace",
            format!("6.{}.{}", 2 - back / 3, 11 - back),
            app,
            Severity::Medium,
            6.5,
            1,
            first + Duration::days(rng.range(1, 24)),
            &mut rng,
        );
        push(
            &[Mac],
            "Safari",
            format!("18.{}", 6 - back),
            app,
            Severity::High,
            7.5,
            2,
            first + Duration::days(rng.range(5, 24)),
            &mut rng,
        );
        let usn = 7100 + (total % 500) * 3;
        for (n, pkg) in ["systemd", "curl", "sudo"].into_iter().enumerate() {
            if !(back as usize + n).is_multiple_of(3) {
                push(
                    &[LinuxServer, LinuxDesktop],
                    pkg,
                    format!("USN-{usn}-{}", n + 3),
                    app,
                    Severity::Medium,
                    5.9,
                    1,
                    first + Duration::days(rng.range(3, 24)),
                    &mut rng,
                );
            }
        }
        push(
            &[Ios, Android],
            "Microsoft Outlook",
            format!("4.{}.0", 2446 - back * 4),
            app,
            Severity::Medium,
            5.4,
            1,
            first + Duration::days(rng.range(3, 24)),
            &mut rng,
        );
    }
    out.retain(|r| r.released <= today && (today - r.released).num_days() <= 185);
}

// ---------------------------------------------------------------------------
// SaaS applications and their users.

/// Line-of-business SaaS a client may use: (name, shared-responsibility
/// document, chance the client uses it, share of its users with an
/// account).
pub(crate) const SAAS: &[(&str, &str, f64, f64)] = &[
    ("Slack", "https://slack.com/trust", 0.45, 0.9),
    ("Salesforce", "https://trust.salesforce.com/", 0.35, 0.45),
    (
        "Adobe Creative Cloud",
        "https://www.adobe.com/trust.html",
        0.55,
        0.35,
    ),
    ("DocuSign", "https://www.docusign.com/trust", 0.55, 0.5),
    (
        "Atlassian Cloud",
        "https://www.atlassian.com/trust",
        0.35,
        0.6,
    ),
    ("Miro", "https://miro.com/trust/", 0.4, 0.6),
    (
        "Mimecast",
        "https://www.mimecast.com/company/security/",
        0.6,
        1.0,
    ),
    ("KnowBe4", "https://www.knowbe4.com/security", 0.7, 1.0),
    (
        "Keeper Security",
        "https://www.keepersecurity.com/security.html",
        0.65,
        1.0,
    ),
    (
        "Breathe HR",
        "https://www.breathehr.com/en-gb/security",
        0.6,
        1.0,
    ),
    ("Monday.com", "https://monday.com/trustcenter", 0.35, 0.7),
    ("Canva", "https://www.canva.com/trust/", 0.45, 0.4),
    ("Asana", "https://asana.com/trust", 0.3, 0.7),
    ("Egnyte", "https://www.egnyte.com/security", 0.25, 0.9),
    ("Perkbox", "https://www.perkbox.com/uk/security", 0.5, 1.0),
    (
        "Zendesk",
        "https://www.zendesk.co.uk/trust-center/",
        0.3,
        0.4,
    ),
    ("Calendly", "https://calendly.com/security", 0.4, 0.4),
    (
        "Microsoft Dynamics 365",
        "https://learn.microsoft.com/dynamics365/get-started/shared-responsibility",
        0.25,
        0.5,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probit_matches_known_quantiles() {
        for (p, z) in [(0.5, 0.0), (0.975, 1.959_964), (0.01, -2.326_348)] {
            assert!((probit(p) - z).abs() < 1e-5, "{p}: {}", probit(p));
        }
    }

    #[test]
    fn client_sizes_sum_to_the_size_and_most_clients_are_small() {
        for (size, clients, total, cap) in [
            (Size::S, 20, 1_000, 250),
            (Size::M, 200, 20_000, 1_600),
            (Size::L, 1000, 100_000, 3_000),
        ] {
            let sizes = client_sizes(7, size);
            assert_eq!(sizes.len(), clients);
            assert_eq!(size.clients(3), clients);
            let sum: usize = sizes.iter().sum();
            assert!(sum.abs_diff(total) * 100 <= total * 3, "{size:?}: {sum}");
            let max = *sizes.iter().max().unwrap();
            assert!(max <= cap && max * 100 >= total, "{size:?}: largest {max}");
            assert!(sizes.iter().all(|&s| s >= MIN_CLIENT));
            let mean = sum / clients;
            let small = sizes.iter().filter(|&&s| s < mean).count();
            assert!(small * 100 >= clients * 60, "{size:?}: {small} small");
            // The seed moves sizes between clients, not the curve.
            let mut a = sizes.clone();
            let mut b = client_sizes(8, size);
            assert_ne!(a, b);
            a.sort();
            b.sort();
            assert_eq!(a, b);
        }
        assert!(client_sizes(7, Size::Demo).is_empty());
    }

    #[test]
    fn catalogues_have_unique_names() {
        use std::collections::HashSet;
        for p in [
            Platform::Windows,
            Platform::WindowsServer,
            Platform::Mac,
            Platform::LinuxDesktop,
            Platform::LinuxServer,
            Platform::Ios,
            Platform::Android,
            Platform::ThinClient,
        ] {
            let (list, share) = components(p);
            assert!(!list.is_empty() && share > 0.0, "{p:?}");
            let names: HashSet<&str> = list.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names.len(), list.len(), "{p:?}");
        }
    }
}
