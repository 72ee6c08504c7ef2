//! Check parameters (deadlines, cadences, thresholds). Each service tier
//! carries a full set; a client may override any of them. Every parameter is
//! a whole number of the unit named in its definition.

use std::collections::BTreeMap;

/// One parameter's definition.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    pub name: &'static str,
    pub default: i64,
    pub unit: &'static str,
    pub about: &'static str,
}

macro_rules! params {
    ($( $name:ident : $default:literal $unit:literal $about:literal ),* $(,)?) => {
        /// The parameters a check may read, resolved for one organisation.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Params { $( pub $name: i64, )* }

        impl Default for Params {
            fn default() -> Self {
                Params { $( $name: $default, )* }
            }
        }

        /// Every parameter, with its built-in default.
        pub const PARAM_DEFS: &[ParamDef] = &[
            $( ParamDef { name: stringify!($name), default: $default, unit: $unit, about: $about }, )*
        ];

        impl Params {
            /// Sets one parameter by name.
            pub fn set(&mut self, name: &str, value: i64) -> Result<(), UnknownParam> {
                match name {
                    $( stringify!($name) => self.$name = value, )*
                    _ => return Err(UnknownParam(name.to_string())),
                }
                Ok(())
            }

            /// Reads one parameter by name.
            pub fn get(&self, name: &str) -> Option<i64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

params! {
    patch_window_days: 14 "days" "Critical/high updates must be installed within this many days of release.",
    all_updates_window_days: 14 "days" "Recommended window for every update (advisory).",
    dormant_account_days: 45 "days" "An enabled account unused for longer is dormant.",
    leaver_disable_days: 1 "days" "A leaver's accounts must be disabled within this many days.",
    firewall_rule_unused_days: 90 "days" "A firewall rule without hits for longer must be reviewed.",
    signature_max_age_hours: 24 "hours" "Anti-malware signatures must be newer than this.",
    engine_max_age_days: 30 "days" "The anti-malware engine must be newer than this.",
    asset_seen_days: 30 "days" "An active asset must have reported within this many days.",
    agent_offline_hours: 72 "hours" "A monitored asset silent for longer counts as offline.",
    patch_reporting_days: 7 "days" "An asset must report its patch status within this many days.",
    certificate_max_age_days: 365 "days" "A CE / CE+ certificate older than this has lapsed.",
    document_review_days: 365 "days" "A document with no review date must be re-approved within this many days.",
    config_doc_days: 90 "days" "Client configuration documentation must be updated within this many days.",
    service_report_days: 31 "days" "A service report must reach the client at least this often.",
    vendor_review_days: 365 "days" "Critical vendors must be reviewed within this many days.",
    risk_review_days: 365 "days" "Risk register entries must be reviewed within this many days.",
    backup_rpo_hours: 24 "hours" "Critical systems need a successful backup within this many hours.",
    restore_test_days: 182 "days" "A successful restore test is needed within this many days.",
    training_days: 365 "days" "Security awareness training must be refreshed within this many days.",
    new_starter_training_days: 30 "days" "New starters must be trained within this many days of joining.",
    phishing_sim_days: 92 "days" "A phishing simulation is expected within this many days.",
    training_coverage_pct: 95 "percent" "Share of active staff that must be trained.",
    scan_interval_days: 31 "days" "Internal and external vulnerability scans at least this often.",
    pen_test_days: 365 "days" "A penetration test is needed within this many days.",
    exercise_days: 365 "days" "A tabletop or DR exercise is needed within this many days.",
    internal_audit_days: 365 "days" "An internal audit is needed within this many days.",
    privileged_review_days: 92 "days" "Privileged access must be reviewed within this many days.",
    access_review_days: 365 "days" "All access must be reviewed within this many days.",
    account_approval_lookback_days: 365 "days" "Accounts created within this many days must show an approval.",
    capacity_threshold_pct: 85 "percent" "Default capacity threshold where an asset has none of its own.",
    capacity_breach_days: 7 "days" "A capacity breach older than this needs a ticket.",
    sla_response_minutes: 60 "minutes" "Default first-response target where a ticket has none.",
    sla_resolution_minutes: 480 "minutes" "Default resolution target where a ticket has none.",
    sla_attainment_pct: 90 "percent" "Share of tickets that must meet their SLA targets.",
    ticket_lookback_days: 90 "days" "Window of tickets, alerts and changes examined.",
    ticket_quality_pct: 95 "percent" "Share of tickets that must be categorised and prioritised.",
    alert_ticket_pct: 95 "percent" "Share of alerts that must be logged as tickets.",
    alert_ack_minutes: 30 "minutes" "Alerts must be acknowledged within this many minutes.",
    log_silence_hours: 24 "hours" "A critical log source silent for longer is failing.",
    log_retention_days: 90 "days" "Minimum log retention.",
    time_review_days: 14 "days" "Time entries must be signed off within this many days.",
    billing_tolerance_pct: 10 "percent" "Allowed difference between contracted and managed endpoints.",
}

/// A parameter name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown parameter '{0}' (see `assay tier params`)")]
pub struct UnknownParam(pub String);

/// A service tier: a name and its parameter values that differ from the
/// built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub name: String,
    pub about: String,
    pub values: BTreeMap<String, i64>,
}

impl Tier {
    /// The tier's parameters with `overrides` (a client's) applied on top.
    pub fn resolve(&self, overrides: &BTreeMap<String, i64>) -> Result<Params, UnknownParam> {
        let mut p = Params::default();
        for (k, v) in self.values.iter().chain(overrides) {
            p.set(k, *v)?;
        }
        Ok(p)
    }
}

/// The three tiers from the ZAG write-up, shipped as defaults: more managed
/// means tighter cadences.
pub fn default_tiers() -> Vec<Tier> {
    let tier = |name: &str, about: &str, values: &[(&str, i64)]| Tier {
        name: name.to_string(),
        about: about.to_string(),
        values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
    };
    vec![
        tier(
            "Managed Security Assurance",
            "Standard RMM: monitoring, patching and malware protection.",
            &[
                ("restore_test_days", 182),
                ("scan_interval_days", 92),
                ("sla_response_minutes", 240),
            ],
        ),
        tier(
            "Managed User",
            "RMM plus help desk for every user.",
            &[
                ("restore_test_days", 182),
                ("scan_interval_days", 31),
                ("sla_response_minutes", 60),
            ],
        ),
        tier(
            "All Managed",
            "Fully managed IT: infrastructure, users, backups and security.",
            &[
                ("restore_test_days", 92),
                ("scan_interval_days", 31),
                ("sla_response_minutes", 30),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_beats_tier_which_beats_default() {
        let tier = &default_tiers()[2];
        let none = BTreeMap::new();
        assert_eq!(tier.resolve(&none).unwrap().restore_test_days, 92);
        let mut o = BTreeMap::new();
        o.insert("restore_test_days".to_string(), 30);
        assert_eq!(tier.resolve(&o).unwrap().restore_test_days, 30);
        assert_eq!(tier.resolve(&o).unwrap().patch_window_days, 14);
    }

    #[test]
    fn unknown_parameter_is_refused() {
        let mut p = Params::default();
        assert_eq!(p.set("nope", 1), Err(UnknownParam("nope".into())));
        assert_eq!(p.get("patch_window_days"), Some(14));
    }
}
