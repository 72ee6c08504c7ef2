//! The scheduled queries Assay gives enrolled agents, and the
//! configuration that carries them. Each query's name says which mapping
//! reads its rows (see `mapping.rs`); the columns are what the mapping
//! expects.

use serde_json::{Map, Value, json};

/// One scheduled query.
#[derive(Debug, Clone, Copy)]
pub struct Scheduled {
    pub name: &'static str,
    pub sql: &'static str,
    /// osquery's platform filter: `windows`, `darwin`, `linux` or `posix`;
    /// empty for every platform.
    pub platform: &'static str,
    pub interval: u32,
    /// Log every row each time (replacing what was known), rather than the
    /// rows added and removed since the last run.
    pub snapshot: bool,
}

const HOUR: u32 = 3600;

/// What Assay asks every agent for.
pub const SCHEDULE: &[Scheduled] = &[
    Scheduled {
        name: "assay_system_info",
        sql: "SELECT hostname, uuid, hardware_vendor, hardware_model, hardware_serial FROM system_info;",
        platform: "",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_os_version",
        sql: "SELECT name, version, build, platform FROM os_version;",
        platform: "",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_uptime",
        sql: "SELECT total_seconds FROM uptime;",
        platform: "",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_programs",
        sql: "SELECT name, version, publisher, install_date FROM programs;",
        platform: "windows",
        interval: HOUR,
        snapshot: false,
    },
    Scheduled {
        name: "assay_deb_packages",
        sql: "SELECT name, version, maintainer AS publisher FROM deb_packages;",
        platform: "linux",
        interval: HOUR,
        snapshot: false,
    },
    Scheduled {
        name: "assay_rpm_packages",
        sql: "SELECT name, version || '-' || release AS version, vendor AS publisher FROM rpm_packages;",
        platform: "linux",
        interval: HOUR,
        snapshot: false,
    },
    Scheduled {
        name: "assay_apps",
        sql: "SELECT name, bundle_short_version AS version, bundle_identifier AS publisher FROM apps;",
        platform: "darwin",
        interval: HOUR,
        snapshot: false,
    },
    Scheduled {
        name: "assay_patches",
        sql: "SELECT hotfix_id, installed_on FROM patches;",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_security_products",
        sql: "SELECT type, name, state, signatures_up_to_date FROM windows_security_products;",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_security_center",
        sql: "SELECT firewall, antivirus, autoupdate FROM windows_security_center;",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_bitlocker",
        sql: "SELECT drive_letter, protection_status FROM bitlocker_info;",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_disk_encryption",
        sql: "SELECT de.encrypted, de.type FROM mounts m JOIN disk_encryption de ON de.name = m.device_alias WHERE m.path = '/';",
        platform: "posix",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_macos_firewall",
        sql: "SELECT global_state FROM alf;",
        platform: "darwin",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_screenlock",
        sql: "SELECT enabled, grace_period FROM screenlock;",
        platform: "darwin",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_autorun",
        sql: "SELECT data FROM registry WHERE path = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer\\NoDriveTypeAutoRun';",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_windows_lock",
        sql: "SELECT name, data FROM registry WHERE key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System' AND name = 'InactivityTimeoutSecs';",
        platform: "windows",
        interval: HOUR,
        snapshot: true,
    },
    Scheduled {
        name: "assay_local_admins",
        sql: "SELECT u.username FROM user_groups ug JOIN users u ON u.uid = ug.uid JOIN groups g ON g.gid = ug.gid WHERE g.groupname IN ('Administrators', 'admin', 'sudo', 'wheel');",
        platform: "",
        interval: HOUR,
        snapshot: true,
    },
];

/// Decorations added to every result line, so that a log read from a file
/// still says which host it came from.
pub const DECORATORS: &[&str] = &["SELECT uuid AS host_uuid, hostname FROM system_info;"];

/// The configuration served to agents (osquery's JSON config format).
pub fn config() -> Value {
    let mut schedule = Map::new();
    for q in SCHEDULE {
        let mut entry = json!({"query": q.sql, "interval": q.interval});
        if !q.platform.is_empty() {
            entry["platform"] = json!(q.platform);
        }
        if q.snapshot {
            entry["snapshot"] = json!(true);
        }
        schedule.insert(q.name.to_string(), entry);
    }
    json!({
        "schedule": schedule,
        "decorators": {"load": DECORATORS},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_is_named_once_and_ends_its_statement() {
        let mut names: Vec<_> = SCHEDULE.iter().map(|q| q.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCHEDULE.len());
        for q in SCHEDULE {
            assert!(
                q.sql.starts_with("SELECT ") && q.sql.ends_with(';'),
                "{}",
                q.name
            );
            assert!(
                ["", "windows", "darwin", "linux", "posix"].contains(&q.platform),
                "{}",
                q.name
            );
        }
    }

    #[test]
    fn config_is_osquery_shaped() {
        let c = config();
        let programs = &c["schedule"]["assay_programs"];
        assert_eq!(programs["platform"], "windows");
        assert_eq!(programs["interval"], 3600);
        assert!(programs.get("snapshot").is_none(), "differential");
        assert_eq!(c["schedule"]["assay_patches"]["snapshot"], true);
        assert!(
            c["decorators"]["load"][0]
                .as_str()
                .unwrap()
                .contains("host_uuid")
        );
    }
}
