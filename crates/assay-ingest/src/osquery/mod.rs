//! osquery agents' reports into records: result logs (from the TLS
//! logger or the filesystem logger's file), the host details sent at
//! enrollment, and the configuration Assay serves them. The mapping runs
//! inside the store's record transaction, so a batch is applied whole or
//! not at all.

pub mod host;
pub mod live;
pub mod log;
pub mod mapping;
pub mod queries;
pub mod updates;

pub use host::{HostIdentity, resolve_asset};
pub use live::LiveAnswerRows;
pub use log::{LogError, ResultLog, Rows, parse_result, parse_result_lines};
pub use mapping::{Applied, apply_logs};

use assay_core::records::Record;
use assay_store::osquery::RecordTx;
use assay_store::{Actor, Scope, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Stored rows of a kind as its typed records.
pub fn typed<T: Record>(rows: Vec<assay_core::records::Row>) -> Result<Vec<T>> {
    rows.into_iter()
        .map(|r| {
            T::from_row(r).map_err(|(field, msg)| {
                StoreError::Corrupt(format!("{} field {field}: {msg}", T::KIND))
            })
        })
        .collect()
}

/// Why a results file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum OsqueryImportError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The host a log line names: its `host_uuid` decoration (Assay's
/// configuration adds it), else its host identifier.
pub fn identity_of(log: &ResultLog) -> HostIdentity {
    let uuid = log.decorations.get("host_uuid").map_or("", String::as_str);
    let name = log
        .decorations
        .get("hostname")
        .filter(|h| !h.is_empty())
        .unwrap_or(&log.host_identifier);
    HostIdentity::new(uuid, name)
}

/// Imports a filesystem logger's results file into `org`, all hosts in one
/// transaction: a malformed line, or any refusal, imports nothing.
pub fn import_log_file(
    store: &dyn Store,
    actor: &Actor,
    scope: &Scope,
    org: Uuid,
    file_name: &str,
    text: &str,
) -> std::result::Result<Applied, OsqueryImportError> {
    let logs = parse_result_lines(text)?;
    let mut by_host: BTreeMap<HostIdentity, Vec<ResultLog>> = BTreeMap::new();
    for log in logs {
        by_host.entry(identity_of(&log)).or_default().push(log);
    }
    let mut total = Applied::default();
    store.apply_records(
        actor,
        scope,
        org,
        "osquery.import_log",
        file_name,
        &mut |tx: &mut dyn RecordTx| {
            total = Applied::default();
            let mut hosts = Vec::new();
            for (host, logs) in &by_host {
                let first = logs.iter().map(|l| l.time).min().unwrap_or_else(Utc::now);
                let asset = resolve_asset(tx, host, first)?;
                total.add(&apply_logs(tx, &asset, logs)?);
                hosts.push(asset);
            }
            let mut summary = total.to_json(file_name);
            summary["hosts"] = json!(hosts);
            Ok(summary)
        },
    )?;
    Ok(total)
}

/// What an agent sends when it enrolls (`host_details` of the request).
#[derive(Debug, Clone, Default)]
pub struct EnrollDetails {
    pub host_identifier: String,
    pub hardware_uuid: String,
    pub platform: String,
    pub osquery_version: Option<String>,
    /// `host_details.system_info` and `host_details.os_version`, as
    /// columns.
    pub system_info: Option<log::Columns>,
    pub os_version: Option<log::Columns>,
}

/// Reads an enroll request's `host_identifier` and `host_details`.
pub fn enroll_details(host_identifier: &str, details: &Value) -> EnrollDetails {
    let table = |name: &str| -> Option<log::Columns> {
        let obj = details.get(name)?.as_object()?;
        Some(
            obj.iter()
                .filter_map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return None,
                    };
                    Some((k.clone(), text))
                })
                .collect(),
        )
    };
    let system_info = table("system_info");
    let os_version = table("os_version");
    let get = |t: &Option<log::Columns>, k: &str| t.as_ref().and_then(|c| c.get(k)).cloned();
    EnrollDetails {
        host_identifier: host_identifier.to_string(),
        hardware_uuid: get(&system_info, "uuid").unwrap_or_default(),
        platform: get(&os_version, "platform")
            .or_else(|| get(&table("platform_info"), "platform"))
            .unwrap_or_default(),
        osquery_version: get(&table("osquery_info"), "version"),
        system_info,
        os_version,
    }
}

/// Resolves an enrolling host to its asset (creating it if new) and
/// records what it said about itself. Returns the asset id.
pub fn enroll_host(tx: &mut dyn RecordTx, d: &EnrollDetails, now: DateTime<Utc>) -> Result<String> {
    let hostname = d
        .system_info
        .as_ref()
        .and_then(|s| s.get("hostname"))
        .filter(|h| !h.is_empty())
        .unwrap_or(&d.host_identifier);
    let asset = resolve_asset(tx, &HostIdentity::new(&d.hardware_uuid, hostname), now)?;
    let snapshot = |name: &str, cols: &Option<log::Columns>| {
        cols.clone().map(|c| ResultLog {
            name: name.to_string(),
            host_identifier: d.host_identifier.clone(),
            time: now,
            decorations: log::Columns::new(),
            counter: None,
            one_row: false,
            rows: Rows::Snapshot(vec![c]),
        })
    };
    let logs: Vec<ResultLog> = [
        snapshot("assay_system_info", &d.system_info),
        snapshot("assay_os_version", &d.os_version),
    ]
    .into_iter()
    .flatten()
    .collect();
    apply_logs(tx, &asset, &logs)?;
    Ok(asset)
}
