//! Result logs of Assay's scheduled queries (`queries.rs`) into records of
//! one asset. Software is differential: `added` rows are stored, `removed`
//! rows deleted, and a first run (`counter` 0) or snapshot replaces the
//! host's list. Everything else is a snapshot of current state.
//!
//! Record ids made here: software `<asset>/sw/<name>/<version>`, malware
//! protection `<asset>/av/<product>`, endpoint configuration
//! `<asset>/osquery`, updates `<asset>/up/<release>` (see `updates.rs`).

use super::Result;
use super::host::guess_kind;
use super::log::{Columns, ResultLog, Rows};
use super::typed;
use super::updates::{self, Hotfix, hotfix_date};
use assay_core::records::{
    Asset, EndpointConfig, MalwareMode, MalwareProtection, Record, RecordKind, SoftwareInstall,
    SoftwareKind,
};
use assay_store::osquery::RecordTx;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What applying a host's logs changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub lines: usize,
    pub rows: usize,
    pub written: usize,
    pub deleted: usize,
    /// Queries that are not Assay's, skipped.
    pub ignored: BTreeSet<String>,
}

impl Applied {
    pub fn add(&mut self, other: &Applied) {
        self.lines += other.lines;
        self.rows += other.rows;
        self.written += other.written;
        self.deleted += other.deleted;
        self.ignored.extend(other.ignored.iter().cloned());
    }

    /// The audit entry's summary.
    pub fn to_json(&self, host: &str) -> Value {
        json!({"host": host, "lines": self.lines, "rows": self.rows, "records_written": self.written,
               "records_deleted": self.deleted, "ignored_queries": self.ignored})
    }
}

fn col<'a>(row: &'a Columns, name: &str) -> Option<&'a str> {
    row.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn flag(row: &Columns, name: &str) -> Option<bool> {
    col(row, name).map(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The rows that describe the host now: a snapshot's, or a differential
/// line's added rows.
fn current(log: &ResultLog) -> &[Columns] {
    match &log.rows {
        Rows::Snapshot(rows) => rows,
        Rows::Diff { added, .. } => added,
    }
}

/// The working state of one asset while its logs are applied; written
/// back once at the end.
struct HostState<'a> {
    tx: &'a mut dyn RecordTx,
    asset: Asset,
    asset_changed: bool,
    config: Option<EndpointConfig>,
    software_changed: bool,
    hotfixes: Option<Vec<Hotfix>>,
    out: Applied,
}

/// Applies `logs` (in the order the host wrote them) to `asset`'s records.
pub fn apply_logs(tx: &mut dyn RecordTx, asset_id: &str, logs: &[ResultLog]) -> Result<Applied> {
    let asset_row = tx
        .get(RecordKind::Asset, asset_id)?
        .ok_or_else(|| assay_store::StoreError::NotFound(format!("asset '{asset_id}'")))?;
    let asset = typed::<Asset>(vec![asset_row])?.remove(0);
    let mut st = HostState {
        tx,
        asset,
        asset_changed: false,
        config: None,
        software_changed: false,
        hotfixes: None,
        out: Applied::default(),
    };
    let mut latest = None;
    for log in &super::log::join_snapshot_rows(logs) {
        st.out.lines += 1;
        st.out.rows += log.row_count();
        latest = latest.max(Some(log.time));
        st.apply(log)?;
    }
    if let Some(t) = latest
        && st.asset.last_seen.is_none_or(|s| s < t)
    {
        st.asset.last_seen = Some(t);
        st.asset_changed = true;
    }
    st.finish(latest.unwrap_or_else(Utc::now))
}

impl HostState<'_> {
    fn apply(&mut self, log: &ResultLog) -> Result<()> {
        match log.query() {
            "assay_system_info" => self.system_info(current(log)),
            "assay_os_version" => self.os_version(current(log)),
            "assay_uptime" => {}
            "assay_programs" | "assay_deb_packages" | "assay_rpm_packages" | "assay_apps" => {
                self.software(log)?
            }
            "assay_patches" => {
                self.hotfixes = Some(
                    current(log)
                        .iter()
                        .filter_map(|r| {
                            Some((
                                col(r, "hotfix_id")?.to_string(),
                                col(r, "installed_on").and_then(hotfix_date),
                            ))
                        })
                        .collect(),
                )
            }
            "assay_security_products" => self.security_products(log)?,
            "assay_security_center" => {
                if let Some(r) = current(log).first() {
                    let fw = col(r, "firewall").map(|v| v.eq_ignore_ascii_case("good"));
                    let au = col(r, "autoupdate").map(|v| v.eq_ignore_ascii_case("good"));
                    self.config(log.time)?.host_firewall = fw;
                    if au.is_some() && self.asset.auto_update != au {
                        self.asset.auto_update = au;
                        self.asset_changed = true;
                    }
                }
            }
            "assay_bitlocker" => {
                let rows = current(log);
                // The system drive decides; without one, every drive must be
                // protected.
                let system: Vec<&Columns> = rows
                    .iter()
                    .filter(|r| {
                        col(r, "drive_letter").is_some_and(|d| d.eq_ignore_ascii_case("C:"))
                    })
                    .collect();
                let judged: Vec<&Columns> = if system.is_empty() {
                    rows.iter().collect()
                } else {
                    system
                };
                let encrypted = !judged.is_empty()
                    && judged
                        .iter()
                        .all(|r| col(r, "protection_status") == Some("1"));
                self.config(log.time)?.disk_encrypted = Some(encrypted);
            }
            "assay_disk_encryption" => {
                let encrypted = current(log).first().and_then(|r| flag(r, "encrypted"));
                self.config(log.time)?.disk_encrypted = Some(encrypted == Some(true));
            }
            "assay_macos_firewall" => {
                let on = current(log)
                    .first()
                    .and_then(|r| col(r, "global_state"))
                    .map(|s| s != "0");
                self.config(log.time)?.host_firewall = on;
            }
            "assay_screenlock" => {
                let on = current(log).first().and_then(|r| flag(r, "enabled"));
                self.config(log.time)?.screen_lock = on;
            }
            "assay_windows_lock" => {
                // The machine inactivity limit locks the session after that
                // many seconds; absent or 0, Windows does not lock.
                let secs = current(log)
                    .first()
                    .and_then(|r| col(r, "data"))
                    .and_then(|d| d.parse::<i64>().ok())
                    .unwrap_or(0);
                self.config(log.time)?.screen_lock = Some(secs > 0);
            }
            "assay_autorun" => {
                // NoDriveTypeAutoRun 255 (0xFF) turns AutoRun off for every drive type.
                let off = current(log).first().and_then(|r| col(r, "data")).map(|d| {
                    d == "255"
                        || d.eq_ignore_ascii_case("0xff")
                        || d.eq_ignore_ascii_case("0x000000ff")
                });
                self.config(log.time)?.autorun_disabled = Some(off == Some(true));
            }
            "assay_local_admins" => {
                let admins: BTreeSet<String> = current(log)
                    .iter()
                    .filter_map(|r| col(r, "username").map(str::to_string))
                    .collect();
                self.config(log.time)?.local_admins = admins.into_iter().collect();
            }
            _ => {
                self.out.ignored.insert(log.name.clone());
            }
        }
        Ok(())
    }

    fn system_info(&mut self, rows: &[Columns]) {
        let Some(r) = rows.first() else { return };
        let a = &mut self.asset;
        let before = a.clone();
        let set = |field: &mut Option<String>, v: Option<&str>| {
            if let Some(v) = v {
                *field = Some(v.to_string());
            }
        };
        set(&mut a.make, col(r, "hardware_vendor"));
        set(&mut a.model, col(r, "hardware_model"));
        set(&mut a.serial, col(r, "hardware_serial"));
        if let Some(u) =
            col(r, "uuid").and_then(|u| super::host::HostIdentity::new(u, "").hardware_uuid)
        {
            a.hardware_uuid = Some(u);
        }
        self.asset_changed |= *a != before;
    }

    fn os_version(&mut self, rows: &[Columns]) {
        let Some(r) = rows.first() else { return };
        let a = &mut self.asset;
        let before = a.clone();
        a.os_name = col(r, "name").map(str::to_string).or(a.os_name.take());
        a.os_version = col(r, "version")
            .map(str::to_string)
            .or(a.os_version.take());
        a.os_build = col(r, "build").map(str::to_string).or(a.os_build.take());
        // An asset the agent created takes its kind from the first OS it
        // reports; a kind corrected since is left alone.
        if a.id.starts_with("osq-") && before.os_name.is_none() {
            a.kind = guess_kind(a.os_name.as_deref());
        }
        self.asset_changed |= *a != before;
        // The hourly OS report also re-judges the host against the release
        // catalogue, so releases added since are applied.
        self.software_changed = true;
    }

    fn software_id(&self, r: &Columns) -> Option<(String, SoftwareInstall)> {
        // macOS names apps after their bundle ("Google Chrome.app").
        let name = col(r, "name").map(|n| n.strip_suffix(".app").unwrap_or(n))?;
        let version = col(r, "version");
        let id = format!("{}/sw/{name}/{}", self.asset.id, version.unwrap_or(""));
        let install = SoftwareInstall {
            id: id.clone(),
            asset: self.asset.id.clone(),
            product: name.to_string(),
            vendor: col(r, "publisher").map(str::to_string),
            version: version.map(str::to_string),
            kind: SoftwareKind::App,
            category: None,
            approved: None,
            vendor_support_end: None,
            // Windows writes install_date as YYYYMMDD.
            installed_on: col(r, "install_date")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok()),
        };
        Some((id, install))
    }

    fn software(&mut self, log: &ResultLog) -> Result<()> {
        let prefix = format!("{}/sw/", self.asset.id);
        let (added, removed): (&[Columns], &[Columns]) = match &log.rows {
            Rows::Snapshot(rows) => (rows, &[]),
            Rows::Diff { added, removed } => (added, removed),
        };
        // The complete list replaces what was known, so rows an agent lost
        // track of (a wiped agent database) do not linger.
        let mut stale: BTreeMap<String, ()> = if log.is_complete() {
            self.tx
                .with_prefix(RecordKind::SoftwareInstall, &prefix)?
                .into_iter()
                .map(|r| (r.id, ()))
                .collect()
        } else {
            BTreeMap::new()
        };
        for r in removed {
            if let Some((id, _)) = self.software_id(r)
                && self.tx.delete(RecordKind::SoftwareInstall, &id)?
            {
                self.out.deleted += 1;
            }
        }
        for r in added {
            if let Some((id, install)) = self.software_id(r) {
                stale.remove(&id);
                self.tx
                    .put(RecordKind::SoftwareInstall, &install.to_row())?;
                self.out.written += 1;
            }
        }
        for id in stale.keys() {
            if self.tx.delete(RecordKind::SoftwareInstall, id)? {
                self.out.deleted += 1;
            }
        }
        self.software_changed = true;
        Ok(())
    }

    fn security_products(&mut self, log: &ResultLog) -> Result<()> {
        let prefix = format!("{}/av/", self.asset.id);
        let mut stale: BTreeSet<String> = self
            .tx
            .with_prefix(RecordKind::MalwareProtection, &prefix)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        for r in current(log) {
            if !col(r, "type").is_some_and(|t| t.eq_ignore_ascii_case("antivirus")) {
                continue;
            }
            let Some(name) = col(r, "name") else { continue };
            let on = col(r, "state").is_some_and(|s| s.eq_ignore_ascii_case("on"));
            let current_sigs = flag(r, "signatures_up_to_date") == Some(true);
            let id = format!("{prefix}{name}");
            stale.remove(&id);
            let m = MalwareProtection {
                id,
                asset: self.asset.id.clone(),
                mode: MalwareMode::AntiMalware,
                product: Some(name.to_string()),
                realtime: Some(on),
                web_protection: None,
                tamper_protection: None,
                allow_list_enforced: None,
                // Windows only says whether signatures are current; if they
                // are, they are as fresh as this report.
                signatures_updated: current_sigs.then_some(log.time),
                engine_updated: None,
                healthy: Some(on && current_sigs),
                reported_at: log.time,
            };
            self.tx.put(RecordKind::MalwareProtection, &m.to_row())?;
            self.out.written += 1;
        }
        for id in stale {
            if self.tx.delete(RecordKind::MalwareProtection, &id)? {
                self.out.deleted += 1;
            }
        }
        Ok(())
    }

    /// The host's endpoint configuration record, read once, stamped with
    /// the newest report time.
    fn config(&mut self, at: DateTime<Utc>) -> Result<&mut EndpointConfig> {
        if self.config.is_none() {
            let id = format!("{}/osquery", self.asset.id);
            let existing = match self.tx.get(RecordKind::EndpointConfig, &id)? {
                Some(row) => Some(typed::<EndpointConfig>(vec![row])?.remove(0)),
                None => None,
            };
            self.config = Some(existing.unwrap_or_else(|| EndpointConfig {
                id,
                asset: self.asset.id.clone(),
                reported_at: at,
                host_firewall: None,
                autorun_disabled: None,
                screen_lock: None,
                unlock_min_length: None,
                max_failed_unlocks: None,
                disk_encrypted: None,
                local_admin_password_managed: None,
                local_admins: Vec::new(),
                guest_enabled: None,
                default_accounts_enabled: None,
                mdm_enrolled: None,
                managed_apps_only: None,
                jailbroken: None,
            }));
        }
        let c = self.config.as_mut().expect("set above");
        c.reported_at = c.reported_at.max(at);
        Ok(c)
    }

    fn finish(mut self, seen: DateTime<Utc>) -> Result<Applied> {
        if let Some(c) = self.config.take() {
            self.tx.put(RecordKind::EndpointConfig, &c.to_row())?;
            self.out.written += 1;
        }
        if self.asset_changed {
            self.tx.put(RecordKind::Asset, &self.asset.to_row())?;
            self.out.written += 1;
        }
        if self.software_changed || self.hotfixes.is_some() {
            let d = updates::derive(
                self.tx,
                &self.asset,
                self.software_changed,
                self.hotfixes.as_deref(),
                seen,
            )?;
            self.out.written += d.written;
            self.out.deleted += d.deleted;
        }
        Ok(self.out)
    }
}
