//! The record kinds. Each field is `name: Type = "example CSV cell"`; an
//! `Option` or `Vec` field may be left empty, any other is required.
//! References to other records (`asset`, `person`, `job`, …) hold that
//! record's id within the same organisation.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};

type Date = NaiveDate;
type Time = DateTime<Utc>;

record_kinds! {
    /// A site (office, data centre, home-working hub) of the organisation.
    Site = "site", "sites", sites {
        name: String = "Head office",
        address: Option<String> = "1 High Street, Edinburgh",
        country: Option<String> = "GB",
    }

    /// A named contact at the organisation.
    Contact = "contact", "contacts", contacts {
        name: String = "Jane Smith",
        email: Option<String> = "jane@example.com",
        phone: Option<String> = "+44 131 000 0000",
        role: Option<String> = "IT lead",
        primary_contact: Option<bool> = "true",
    }

    /// A person: MSP staff, a client's user, or a contractor.
    Person = "person", "people", people {
        name: String = "Jane Smith",
        email: Option<String> = "jane@example.com",
        kind: PersonKind = "staff",
        job_title: Option<String> = "Service desk technician",
        joined: Option<Date> = "2025-03-01",
        /// The day the person left; empty while employed.
        left: Option<Date> = "",
        /// Whether the person can reach client systems.
        client_access: Option<bool> = "true",
        nda_signed: Option<bool> = "true",
        screened: Option<bool> = "true",
    }

    /// A device or virtual machine.
    Asset = "asset", "assets", assets {
        name: String = "LAP-0042",
        kind: AssetKind = "laptop",
        lifecycle: Lifecycle = "active",
        os_name: Option<String> = "Windows 11 Pro",
        os_version: Option<String> = "23H2",
        os_build: Option<String> = "22631.4317",
        make: Option<String> = "Dell",
        model: Option<String> = "Latitude 5440",
        serial: Option<String> = "7XK2J93",
        /// Stable hardware identity (SMBIOS UUID) used to match agent reports.
        hardware_uuid: Option<String> = "4C4C4544-0042-3510-8051-B7C04F4A3933",
        /// Person id of the owner or main user.
        owner: Option<String> = "p-jane",
        site: Option<String> = "hq",
        ownership: Option<Ownership> = "organisation",
        managed_by: Option<ManagedBy> = "rmm",
        /// In the assessed scope; out-of-scope assets must be isolated.
        in_scope: Option<bool> = "true",
        critical: Option<bool> = "false",
        auto_update: Option<bool> = "true",
        first_seen: Option<Time> = "2025-03-02T09:00:00Z",
        last_seen: Option<Time> = "2026-11-22T08:00:00Z",
        /// End of vendor support for its operating system or firmware.
        vendor_support_end: Option<Date> = "2028-10-10",
        disposed_on: Option<Date> = "",
        /// Document id of the data destruction certificate.
        destruction_certificate: Option<String> = "",
    }

    /// A piece of software installed on an asset.
    SoftwareInstall = "software_install", "software_installs", software {
        asset: String = "LAP-0042",
        product: String = "Google Chrome",
        vendor: Option<String> = "Google",
        version: Option<String> = "131.0.6778.86",
        kind: SoftwareKind = "app",
        category: Option<String> = "browser",
        /// On the organisation's approved-software list.
        approved: Option<bool> = "true",
        vendor_support_end: Option<Date> = "",
        installed_on: Option<Date> = "2025-03-02",
    }

    /// A vendor update for an asset: released, and installed or not.
    Update = "update", "updates", updates {
        asset: String = "LAP-0042",
        /// The vendor's reference (KB number, advisory id, version).
        reference: String = "KB5046617",
        product: String = "Windows 11",
        kind: SoftwareKind = "os",
        severity: Severity = "critical",
        cvss: Option<f64> = "8.8",
        cves: Vec<String> = "CVE-2024-43451;CVE-2024-49039",
        released: Date = "2026-11-11",
        installed: Option<Time> = "2026-11-14T02:00:00Z",
        /// The fix also needs a manual configuration change.
        requires_manual_config: Option<bool> = "false",
        config_applied: Option<bool> = "",
    }

    /// A vendor release that fixes a product. Agents' inventories are
    /// compared with these to find each host's missing updates; held by the
    /// provider they apply to every client.
    Release = "release", "releases", releases {
        /// Matched case-insensitively: an installed product's name, or for
        /// kind `os` a word sequence in the operating system's name.
        product: String = "Google Chrome",
        kind: SoftwareKind = "app",
        /// The vendor's reference (KB number, advisory id, version).
        reference: String = "131.0.6778.86",
        /// Versions below this lack the fix. Empty for a Windows hotfix,
        /// which is matched by its KB reference instead.
        fixed_version: Option<String> = "131.0.6778.86",
        severity: Severity = "critical",
        cvss: Option<f64> = "8.8",
        cves: Vec<String> = "CVE-2024-12053",
        released: Date = "2026-11-12",
    }

    /// A vulnerability found by a scanner, RMM or EDR.
    Vulnerability = "vulnerability", "vulnerabilities", vulnerabilities {
        asset: Option<String> = "LAP-0042",
        /// Address or host name, for external scan findings.
        target: Option<String> = "",
        cve: String = "CVE-2024-43451",
        cvss: Option<f64> = "6.5",
        severity: Severity = "medium",
        /// Listed in CISA's Known Exploited Vulnerabilities catalogue.
        kev: bool = "false",
        kev_due: Option<Date> = "",
        fix_available_since: Option<Date> = "2026-11-11",
        first_seen: Time = "2026-11-12T00:00:00Z",
        last_seen: Option<Time> = "2026-11-20T00:00:00Z",
        remediated: Option<Date> = "",
        /// Found by an external (internet-facing) scan.
        external: bool = "false",
        source: Option<String> = "scanner",
    }

    /// An endpoint's security configuration as last reported.
    EndpointConfig = "endpoint_config", "endpoint_configs", endpoint_configs {
        asset: String = "LAP-0042",
        reported_at: Time = "2026-11-22T08:00:00Z",
        host_firewall: Option<bool> = "true",
        autorun_disabled: Option<bool> = "true",
        screen_lock: Option<bool> = "true",
        unlock_min_length: Option<i64> = "6",
        max_failed_unlocks: Option<i64> = "10",
        disk_encrypted: Option<bool> = "true",
        /// Local administrator passwords are rotated by a tool (LAPS or similar).
        local_admin_password_managed: Option<bool> = "true",
        local_admins: Vec<String> = "Administrator;adm-jsmith",
        guest_enabled: Option<bool> = "false",
        default_accounts_enabled: Option<bool> = "false",
        mdm_enrolled: Option<bool> = "",
        /// Only apps from the managed store can be installed.
        managed_apps_only: Option<bool> = "",
        jailbroken: Option<bool> = "",
    }

    /// Malware protection on an asset as last reported.
    MalwareProtection = "malware_protection", "malware_protections", malware {
        asset: String = "LAP-0042",
        mode: MalwareMode = "anti_malware",
        product: Option<String> = "Microsoft Defender",
        realtime: Option<bool> = "true",
        web_protection: Option<bool> = "true",
        tamper_protection: Option<bool> = "true",
        allow_list_enforced: Option<bool> = "",
        signatures_updated: Option<Time> = "2026-11-22T06:00:00Z",
        engine_updated: Option<Date> = "2026-11-05",
        healthy: Option<bool> = "true",
        reported_at: Time = "2026-11-22T08:00:00Z",
    }

    /// A boundary firewall or router with firewall function.
    Firewall = "firewall", "firewalls", firewalls {
        name: String = "HQ edge",
        asset: Option<String> = "FW-01",
        site: Option<String> = "hq",
        firmware_version: Option<String> = "7.4.5",
        firmware_supported: Option<bool> = "true",
        default_inbound: InboundDefault = "deny",
        admin_interface_internet: bool = "false",
        admin_mfa: Option<bool> = "true",
        admin_allowlist: Vec<String> = "",
        admin_exposure_justification: Option<String> = "",
        default_credentials_changed: Option<bool> = "true",
        intrusion_prevention: Option<bool> = "true",
    }

    /// A firewall rule.
    FirewallRule = "firewall_rule", "firewall_rules", firewall_rules {
        firewall: String = "fw-hq",
        name: Option<String> = "Inbound HTTPS to web server",
        direction: Direction = "inbound",
        action: RuleAction = "allow",
        source: Option<String> = "any",
        destination: Option<String> = "203.0.113.10",
        service: Option<String> = "tcp/443",
        enabled: bool = "true",
        justification: Option<String> = "Public website",
        approved_by: Option<String> = "J. Smith",
        approved_on: Option<Date> = "2026-01-10",
        created_on: Option<Date> = "2026-01-10",
        last_hit: Option<Date> = "2026-11-21",
        review_due: Option<Date> = "2027-01-10",
    }

    /// A cloud service the organisation uses.
    CloudService = "cloud_service", "cloud_services", cloud_services {
        name: String = "Microsoft 365",
        model: CloudModel = "saas",
        holds_org_data: bool = "true",
        in_scope: Option<bool> = "true",
        mfa_available: bool = "true",
        mfa_enforced_users: Option<bool> = "true",
        mfa_enforced_admins: Option<bool> = "true",
        admin_count: Option<i64> = "2",
        /// Anonymous ("anyone with the link") sharing is allowed.
        anonymous_sharing: Option<bool> = "false",
        /// Where the provider's shared-responsibility commitment is documented.
        responsibility_doc: Option<String> = "https://example.com/trust",
    }

    /// An account in a directory, cloud service or tool.
    Account = "account", "accounts", accounts {
        system: String = "Entra ID",
        username: String = "jane@example.com",
        /// Person id of the owner; empty for shared or service accounts.
        person: Option<String> = "p-jane",
        kind: AccountKind = "user",
        privileged: bool = "false",
        privilege_tier: Option<String> = "",
        mfa: Option<bool> = "true",
        enabled: bool = "true",
        created_at: Option<Time> = "2025-03-01T09:00:00Z",
        last_sign_in: Option<Time> = "2026-11-21T08:30:00Z",
        disabled_at: Option<Time> = "",
        /// The account has a mailbox or is used for web browsing.
        has_mailbox: Option<bool> = "true",
        /// Ticket or HR reference that approved the account.
        approval_ref: Option<String> = "T-1042",
    }

    /// The password policy of a directory or service.
    PasswordPolicy = "password_policy", "password_policies", password_policies {
        system: String = "Entra ID",
        min_length: i64 = "12",
        /// Empty when there is no maximum.
        max_length: Option<i64> = "",
        deny_list: bool = "true",
        complexity_forced: Option<bool> = "false",
        expiry_days: Option<i64> = "",
        lockout_threshold: Option<i64> = "10",
        throttling: Option<bool> = "true",
        mfa_enforced: Option<bool> = "true",
    }

    /// A change to a privileged group's membership.
    PrivilegedChange = "privileged_change", "privileged_changes", privileged_changes {
        system: String = "Entra ID",
        group_name: String = "Global Administrators",
        account: String = "adm-jsmith",
        action: MembershipAction = "added",
        changed_at: Time = "2026-10-02T10:00:00Z",
        approved_by: Option<String> = "A. Director",
        ticket: Option<String> = "T-2210",
    }

    /// An access review campaign.
    AccessReview = "access_review", "access_reviews", access_reviews {
        name: String = "Q4 privileged access review",
        system: String = "Entra ID",
        scope: ReviewScope = "privileged",
        started_on: Date = "2026-10-01",
        due_on: Option<Date> = "2026-10-31",
        completed_on: Option<Date> = "2026-10-20",
        signed_off_by: Option<String> = "A. Director",
    }

    /// One decision in an access review.
    AccessReviewItem = "access_review_item", "access_review_items", access_review_items {
        review: String = "ar-2026q4",
        account: String = "adm-jsmith",
        decision: Decision = "keep",
        decided_by: Option<String> = "A. Director",
        decided_on: Option<Date> = "2026-10-15",
    }

    /// A service desk ticket.
    Ticket = "ticket", "tickets", tickets {
        title: String = "Outlook will not open",
        ticket_type: TicketType = "incident",
        sub_type: Option<String> = "email",
        priority: Option<Priority> = "p3",
        category: Option<String> = "end-user",
        source: Option<TicketSource> = "portal",
        asset: Option<String> = "LAP-0042",
        opened_at: Time = "2026-11-20T09:00:00Z",
        first_response_at: Option<Time> = "2026-11-20T09:20:00Z",
        resolved_at: Option<Time> = "2026-11-20T11:00:00Z",
        closed_at: Option<Time> = "2026-11-21T11:00:00Z",
        /// Target minutes to first response; empty uses the tier default.
        sla_response_minutes: Option<i64> = "60",
        sla_resolution_minutes: Option<i64> = "480",
        /// Id of the problem ticket this incident is linked to.
        problem: Option<String> = "",
    }

    /// Time worked, with its weekly review sign-off.
    TimeEntry = "time_entry", "time_entries", time_entries {
        ticket: Option<String> = "T-1042",
        technician: String = "p-jane",
        worked_on: Date = "2026-11-20",
        minutes: i64 = "45",
        reviewed_by: Option<String> = "A. Lead",
        reviewed_on: Option<Date> = "2026-11-23",
    }

    /// A change to client systems.
    Change = "change", "changes", changes {
        title: String = "Upgrade firewall firmware",
        description: Option<String> = "Upgrade HQ edge to 7.4.5",
        systems: Vec<String> = "FW-01",
        services: Vec<String> = "Internet access",
        sites: Vec<String> = "hq",
        user_impact: Option<String> = "Internet unavailable for 10 minutes",
        risk: Option<Level> = "medium",
        requested_at: Time = "2026-11-10T09:00:00Z",
        approved_by: Option<String> = "A. Lead",
        approved_at: Option<Time> = "2026-11-11T09:00:00Z",
        client_notified_at: Option<Time> = "2026-11-11T10:00:00Z",
        implemented_at: Option<Time> = "2026-11-14T20:00:00Z",
        outcome: ChangeOutcome = "successful",
        emergency: Option<bool> = "false",
    }

    /// A capacity threshold for an asset's metric.
    CapacityThreshold = "capacity_threshold", "capacity_thresholds", capacity_thresholds {
        asset: String = "SRV-01",
        metric: Metric = "disk",
        threshold_pct: f64 = "85",
    }

    /// A capacity reading.
    CapacityReading = "capacity_reading", "capacity_readings", capacity_readings {
        asset: String = "SRV-01",
        metric: Metric = "disk",
        taken_at: Time = "2026-11-22T00:00:00Z",
        used_pct: f64 = "71.5",
    }

    /// A backup job.
    BackupJob = "backup_job", "backup_jobs", backup_jobs {
        name: String = "SRV-01 nightly image",
        asset: Option<String> = "SRV-01",
        critical: bool = "true",
        schedule: Option<String> = "daily 01:00",
        offsite_copy: Option<bool> = "true",
        /// A copy is offline, immutable or under separate credentials.
        isolated_copy: Option<bool> = "true",
        encrypted: Option<bool> = "true",
        retention_days: Option<i64> = "30",
    }

    /// One run of a backup job.
    BackupRun = "backup_run", "backup_runs", backup_runs {
        job: String = "bj-srv01",
        started_at: Time = "2026-11-22T01:00:00Z",
        finished_at: Option<Time> = "2026-11-22T01:40:00Z",
        status: RunStatus = "success",
        bytes: Option<i64> = "53687091200",
    }

    /// A restore test of a backup job.
    RestoreTest = "restore_test", "restore_tests", restore_tests {
        job: String = "bj-srv01",
        tested_on: Date = "2026-09-14",
        scope: Option<String> = "Full VM restore to sandbox",
        result: TestResult = "success",
        rto_minutes: Option<i64> = "95",
    }

    /// A scan, test, exercise or assessment and its findings.
    Assessment = "assessment", "assessments", assessments {
        kind: AssessmentKind = "external_scan",
        title: String = "Monthly external vulnerability scan",
        performed_on: Date = "2026-11-01",
        assessor: Option<String> = "Internal security team",
        critical_findings: Option<i64> = "0",
        high_findings: Option<i64> = "1",
        /// Findings still open.
        open_findings: Option<i64> = "0",
        report_sha256: Option<String> = "",
    }

    /// A policy, procedure, plan, certificate or other document.
    Document = "document", "documents", documents {
        kind: DocumentKind = "policy",
        /// What the document is, e.g. `information-security-policy`, `ce-plus`.
        topic: String = "information-security-policy",
        title: String = "Information Security Policy",
        version: Option<String> = "3.1",
        owner: Option<String> = "A. Director",
        approved_by: Option<String> = "Board",
        /// Issue or approval date.
        effective: Date = "2026-04-01",
        /// Next review date, or expiry for a certificate.
        review_due: Option<Date> = "2027-04-01",
        sha256: Option<String> = "",
        /// Asset the document is about (destruction certificates).
        asset: Option<String> = "",
        scope: Option<String> = "Whole organisation",
    }

    /// A person's acceptance of a policy document.
    Acknowledgement = "acknowledgement", "acknowledgements", acknowledgements {
        document: String = "doc-isp",
        person: String = "p-jane",
        version: Option<String> = "3.1",
        acknowledged_on: Date = "2026-04-10",
    }

    /// A training course or phishing simulation a person completed.
    Training = "training", "trainings", trainings {
        person: String = "p-jane",
        course: String = "Security awareness 2026",
        kind: TrainingKind = "security_awareness",
        completed_on: Date = "2026-02-14",
        score: Option<i64> = "92",
        passed: Option<bool> = "true",
    }

    /// A shift of the NOC / service desk coverage schedule (UTC).
    NocShift = "noc_shift", "noc_shifts", noc_shifts {
        day: Weekday = "daily",
        starts: String = "07:00",
        ends: String = "19:00",
        coverage: Coverage = "staffed",
        team: Option<String> = "Service desk",
    }

    /// A source of security logs collected centrally.
    LogSource = "log_source", "log_sources", log_sources {
        name: String = "HQ edge syslog",
        kind: LogSourceKind = "firewall",
        asset: Option<String> = "FW-01",
        critical: bool = "true",
        last_event_at: Option<Time> = "2026-11-22T08:59:00Z",
        retention_days: Option<i64> = "365",
    }

    /// A monitoring alert.
    Alert = "alert", "alerts", alerts {
        source: String = "RMM disk monitor",
        asset: Option<String> = "SRV-01",
        raised_at: Time = "2026-11-21T03:00:00Z",
        acknowledged_at: Option<Time> = "2026-11-21T03:12:00Z",
        ticket: Option<String> = "T-1042",
    }

    /// A mail domain and its authentication and filtering.
    EmailDomain = "email_domain", "email_domains", email_domains {
        domain: String = "example.com",
        spf: Option<bool> = "true",
        dkim: Option<bool> = "true",
        dmarc: Option<DmarcPolicy> = "reject",
        filtering: Option<bool> = "true",
    }

    /// A wireless network.
    WirelessNetwork = "wireless_network", "wireless_networks", wireless_networks {
        ssid: String = "CORP",
        site: Option<String> = "hq",
        security: WifiSecurity = "wpa2_enterprise",
        guest: bool = "false",
        /// Guest traffic is separated from the internal network.
        segregated: Option<bool> = "true",
        default_credentials_changed: Option<bool> = "true",
        admin_internet_exposed: Option<bool> = "false",
    }

    /// A remote access or remote control tool.
    RemoteAccess = "remote_access", "remote_access_tools", remote_access {
        tool: String = "RMM remote control",
        mfa_enforced: Option<bool> = "true",
        session_logging: Option<bool> = "true",
        /// RDP, SSH or the tool's console reachable directly from the internet.
        internet_exposed: Option<bool> = "false",
    }

    /// An entry of the risk register.
    RiskEntry = "risk", "risks", risks {
        title: String = "Loss of RMM platform",
        rating: Level = "high",
        owner: Option<String> = "A. Director",
        treatment: Option<String> = "Secondary remote access tool",
        last_reviewed: Option<Date> = "2026-06-01",
    }

    /// A vendor or subcontractor.
    Vendor = "vendor", "vendors", vendors {
        name: String = "Backup Cloud Ltd",
        critical: bool = "true",
        last_review: Option<Date> = "2026-05-01",
        /// The vendor's own independent attestation (SOC 2, ISO 27001, CE+).
        attestation: Option<String> = "ISO 27001",
        attestation_expires: Option<Date> = "2027-03-31",
    }

    /// A software licence entitlement and its use.
    Licence = "licence", "licences", licences {
        product: String = "Microsoft 365 Business Premium",
        purchased: i64 = "50",
        in_use: i64 = "47",
        checked_on: Date = "2026-11-01",
    }
}
