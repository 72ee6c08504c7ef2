//! Closed sets of values used by record fields.

use crate::text_enum;

text_enum!(AssetKind {
    Server = "server", Desktop = "desktop", Laptop = "laptop", ThinClient = "thin_client",
    Tablet = "tablet", Phone = "phone", Firewall = "firewall", Router = "router",
    Switch = "switch", WifiAp = "wifi_ap", IaasVm = "iaas_vm", Storage = "storage", Other = "other",
});

impl AssetKind {
    /// Devices a person uses directly.
    pub fn is_end_user_device(&self) -> bool {
        matches!(
            self,
            AssetKind::Desktop
                | AssetKind::Laptop
                | AssetKind::ThinClient
                | AssetKind::Tablet
                | AssetKind::Phone
        )
    }

    /// Devices that run an operating system that Cyber Essentials' secure
    /// configuration, malware and host firewall themes apply to.
    pub fn is_endpoint(&self) -> bool {
        matches!(
            self,
            AssetKind::Server | AssetKind::Desktop | AssetKind::Laptop | AssetKind::IaasVm
        )
    }

    pub fn is_mobile(&self) -> bool {
        matches!(self, AssetKind::Tablet | AssetKind::Phone)
    }

    pub fn is_network_device(&self) -> bool {
        matches!(
            self,
            AssetKind::Firewall | AssetKind::Router | AssetKind::Switch | AssetKind::WifiAp
        )
    }
}

text_enum!(Lifecycle { Planned = "planned", Active = "active", Retired = "retired", Destroyed = "destroyed" });
text_enum!(Ownership { Organisation = "organisation", Byod = "byod", ThirdParty = "third_party" });
text_enum!(ManagedBy { Rmm = "rmm", Mdm = "mdm", None = "none" });
text_enum!(SoftwareKind { Os = "os", App = "app", Extension = "extension", Firmware = "firmware" });
text_enum!(Severity {
    Critical = "critical", High = "high", Medium = "medium", Low = "low", None = "none", Unknown = "unknown",
});
text_enum!(PersonKind { Staff = "staff", ClientUser = "client_user", Contractor = "contractor" });
text_enum!(MalwareMode { AntiMalware = "anti_malware", AllowList = "allow_list", None = "none" });
text_enum!(InboundDefault { Deny = "deny", Allow = "allow" });
text_enum!(Direction { Inbound = "inbound", Outbound = "outbound" });
text_enum!(RuleAction { Allow = "allow", Deny = "deny" });
text_enum!(CloudModel { Iaas = "iaas", Paas = "paas", Saas = "saas" });
text_enum!(AccountKind {
    User = "user", Admin = "admin", Service = "service", Shared = "shared", Guest = "guest",
    Partner = "partner", Technician = "technician",
});
text_enum!(MembershipAction { Added = "added", Removed = "removed" });
text_enum!(ReviewScope { Privileged = "privileged", All = "all" });
text_enum!(Decision { Keep = "keep", Revoke = "revoke", Pending = "pending" });
text_enum!(TicketType {
    Incident = "incident", Request = "request", Problem = "problem", Change = "change", Alert = "alert",
});
text_enum!(Priority { P1 = "p1", P2 = "p2", P3 = "p3", P4 = "p4" });
text_enum!(TicketSource {
    Email = "email", Phone = "phone", Portal = "portal", Monitoring = "monitoring", WalkIn = "walk_in",
});
text_enum!(Level { Low = "low", Medium = "medium", High = "high", Critical = "critical" });
text_enum!(ChangeOutcome { Pending = "pending", Successful = "successful", Failed = "failed", RolledBack = "rolled_back" });
text_enum!(Metric { Disk = "disk", Memory = "memory", Cpu = "cpu", Storage = "storage", Bandwidth = "bandwidth" });
text_enum!(RunStatus { Success = "success", Warning = "warning", Failed = "failed" });
text_enum!(TestResult { Success = "success", Partial = "partial", Failed = "failed" });
text_enum!(AssessmentKind {
    InternalScan = "internal_scan", ExternalScan = "external_scan", PenTest = "pen_test",
    TabletopExercise = "tabletop_exercise", DrExercise = "dr_exercise", RiskAssessment = "risk_assessment",
    InternalAudit = "internal_audit",
});
text_enum!(DocumentKind {
    Policy = "policy", Procedure = "procedure", Plan = "plan", Certificate = "certificate",
    DestructionCertificate = "destruction_certificate", Contract = "contract", Report = "report", Other = "other",
});
text_enum!(TrainingKind {
    Onboarding = "onboarding", SecurityAwareness = "security_awareness",
    PhishingSimulation = "phishing_simulation", Policy = "policy",
});
text_enum!(Coverage { Staffed = "staffed", OnCall = "on_call" });
text_enum!(Weekday {
    Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun", Daily = "daily",
});
text_enum!(LogSourceKind {
    Identity = "identity", Endpoint = "endpoint", Firewall = "firewall", Saas = "saas", Server = "server",
    Network = "network",
});
text_enum!(WifiSecurity { Open = "open", Wpa2Personal = "wpa2_personal", Wpa2Enterprise = "wpa2_enterprise", Wpa3 = "wpa3" });
text_enum!(DmarcPolicy { None = "none", Quarantine = "quarantine", Reject = "reject" });
