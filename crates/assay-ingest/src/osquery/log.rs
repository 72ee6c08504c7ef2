//! osquery's result log lines, as the TLS logger posts them (`data` of a
//! `log_type: result` request) and the filesystem logger writes them (one
//! JSON object per line): event format (`action` `added`/`removed` with
//! `columns`), batch format (`diffResults`) and snapshots (`action:
//! snapshot` with `snapshot`). With `--logger_numerics` column values are
//! numbers rather than strings; both are read as text.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One row's columns, every value as text (`null` as the empty string).
pub type Columns = BTreeMap<String, String>;

/// What a result log line says about a query's rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// Rows that appeared and disappeared since the last run.
    Diff {
        added: Vec<Columns>,
        removed: Vec<Columns>,
    },
    /// Every row the query returned this time.
    Snapshot(Vec<Columns>),
}

/// One result log line.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLog {
    /// The scheduled query's name (a pack query is `pack_<pack>_<query>`).
    pub name: String,
    /// `hostIdentifier` (or `hostname` in older agents).
    pub host_identifier: String,
    /// When the query ran: `unixTime`, else `calendarTime`.
    pub time: DateTime<Utc>,
    pub decorations: Columns,
    /// Runs of the query since its epoch began; `0` marks the first run,
    /// whose `added` rows are every row (so they replace what was known).
    pub counter: Option<u64>,
    /// An event-format line: one row of a run, not the whole run
    /// (`action` with `columns`).
    pub one_row: bool,
    pub rows: Rows,
}

impl ResultLog {
    /// The query name without a pack prefix: `pack_assay_assay_programs`
    /// and `assay_programs` are the same query.
    pub fn query(&self) -> &str {
        match self.name.strip_prefix("pack_") {
            Some(rest) => rest.split_once('_').map_or(rest, |(_, q)| q),
            None => &self.name,
        }
    }

    /// Whether the line holds every row the query returned: a snapshot, or
    /// the first run of a differential query in batch format. An
    /// event-format line holds one row, so it never does.
    pub fn is_complete(&self) -> bool {
        !self.one_row && (matches!(self.rows, Rows::Snapshot(_)) || self.counter == Some(0))
    }

    /// The number of rows the line carries.
    pub fn row_count(&self) -> usize {
        match &self.rows {
            Rows::Diff { added, removed } => added.len() + removed.len(),
            Rows::Snapshot(rows) => rows.len(),
        }
    }
}

/// Why a log line was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct LogError(pub String);

fn err(msg: impl Into<String>) -> LogError {
    LogError(msg.into())
}

/// A column or decoration value as text.
fn text(v: &Value, what: &str) -> Result<String, LogError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err(err(format!("{what} must be a string or number"))),
    }
}

pub(super) fn columns(v: &Value, what: &str) -> Result<Columns, LogError> {
    let Value::Object(map) = v else {
        return Err(err(format!("{what} must be an object of columns")));
    };
    map.iter()
        .map(|(k, v)| Ok((k.clone(), text(v, &format!("{what} column '{k}'"))?)))
        .collect()
}

fn column_list(v: Option<&Value>, what: &str) -> Result<Vec<Columns>, LogError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(rows)) => rows
            .iter()
            .enumerate()
            .map(|(i, r)| columns(r, &format!("{what}[{i}]")))
            .collect(),
        Some(_) => Err(err(format!("'{what}' must be an array of rows"))),
    }
}

/// `unixTime` as a number or numeric string, else `calendarTime` like
/// `Tue Sep 30 17:37:30 2014 UTC` (the zone is optional; it is UTC).
fn log_time(obj: &Map<String, Value>) -> Result<DateTime<Utc>, LogError> {
    if let Some(v) = obj.get("unixTime") {
        let secs = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| err("'unixTime' must be whole seconds since 1970"))?;
        return DateTime::from_timestamp(secs, 0).ok_or_else(|| err("'unixTime' is out of range"));
    }
    let Some(Value::String(cal)) = obj.get("calendarTime") else {
        return Err(err("a result log needs 'unixTime' or 'calendarTime'"));
    };
    let trimmed = cal.trim().trim_end_matches("UTC").trim();
    NaiveDateTime::parse_from_str(trimmed, "%a %b %e %H:%M:%S %Y")
        .map(|t| t.and_utc())
        .map_err(|_| {
            err(format!(
                "'calendarTime' '{cal}' is not like 'Tue Sep 30 17:37:30 2014 UTC'"
            ))
        })
}

/// Reads one result log line.
pub fn parse_result(v: &Value) -> Result<ResultLog, LogError> {
    let Value::Object(obj) = v else {
        return Err(err("a result log line must be a JSON object"));
    };
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(err("a result log needs the query's 'name'")),
    };
    let host_identifier = match obj.get("hostIdentifier").or_else(|| obj.get("hostname")) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let decorations = match obj.get("decorations") {
        None | Some(Value::Null) => Columns::new(),
        Some(d) => columns(d, "decorations")?,
    };
    let rows = if let Some(diff) = obj.get("diffResults") {
        let Value::Object(d) = diff else {
            return Err(err("'diffResults' must be an object"));
        };
        Rows::Diff {
            added: column_list(d.get("added"), "diffResults.added")?,
            removed: column_list(d.get("removed"), "diffResults.removed")?,
        }
    } else {
        match obj.get("action").and_then(Value::as_str) {
            // `--logger_snapshot_event_type` writes a snapshot one row a line.
            Some("snapshot") if obj.get("snapshot").is_none() && obj.get("columns").is_some() => {
                Rows::Snapshot(vec![columns(
                    obj.get("columns").unwrap_or(&Value::Null),
                    "columns",
                )?])
            }
            Some("snapshot") => Rows::Snapshot(column_list(obj.get("snapshot"), "snapshot")?),
            Some("added") => Rows::Diff {
                added: vec![columns(
                    obj.get("columns").unwrap_or(&Value::Null),
                    "columns",
                )?],
                removed: Vec::new(),
            },
            Some("removed") => Rows::Diff {
                added: Vec::new(),
                removed: vec![columns(
                    obj.get("columns").unwrap_or(&Value::Null),
                    "columns",
                )?],
            },
            Some(other) => {
                return Err(err(format!(
                    "unknown action '{other}' (expected added, removed or snapshot)"
                )));
            }
            None => {
                return Err(err(
                    "a result log needs 'diffResults', or 'action' with 'columns' or 'snapshot'",
                ));
            }
        }
    };
    let counter = match obj.get("counter") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            text(v, "'counter'")?
                .parse()
                .map_err(|_| err("'counter' must be a whole number"))?,
        ),
    };
    Ok(ResultLog {
        name,
        host_identifier,
        time: log_time(obj)?,
        decorations,
        counter,
        one_row: obj.get("diffResults").is_none() && obj.get("columns").is_some(),
        rows,
    })
}

/// Joins the one-row snapshot lines of one run (same query and time, in a
/// row) back into one snapshot, so that the run replaces what was known
/// as a whole rather than row by row.
pub fn join_snapshot_rows(logs: &[ResultLog]) -> Vec<ResultLog> {
    let mut out: Vec<ResultLog> = Vec::with_capacity(logs.len());
    for log in logs {
        if let (Some(last), Rows::Snapshot(rows)) = (out.last_mut(), &log.rows)
            && log.one_row
            && last.name == log.name
            && last.time == log.time
            && matches!(last.rows, Rows::Snapshot(_))
            && last.one_row
        {
            if let Rows::Snapshot(joined) = &mut last.rows {
                joined.extend(rows.iter().cloned());
            }
            continue;
        }
        out.push(log.clone());
    }
    for log in &mut out {
        if matches!(log.rows, Rows::Snapshot(_)) {
            log.one_row = false;
        }
    }
    out
}

/// Reads a filesystem logger's results file: one JSON object per line,
/// blank lines skipped. The error names the line.
pub fn parse_result_lines(text: &str) -> Result<Vec<ResultLog>, LogError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| err(format!("line {}: not JSON: {e}", i + 1)))?;
        out.push(parse_result(&v).map_err(|e| err(format!("line {}: {e}", i + 1)))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The three shapes below are the examples of osquery's "Logging osquery"
    // documentation (docs/wiki/deployment/logging.md).
    #[test]
    fn event_format_line() {
        let line = json!({
            "action": "added",
            "columns": {"name": "osqueryd", "path": "/usr/local/bin/osqueryd", "pid": "97830"},
            "name": "processes",
            "hostname": "hostname.local",
            "calendarTime": "Tue Sep 30 17:37:30 2014",
            "unixTime": "1412123850",
            "epoch": "314159265",
            "counter": "1"
        });
        let log = parse_result(&line).unwrap();
        assert_eq!(log.counter, Some(1));
        assert!(!log.is_complete());
        let mut first = line.clone();
        first["counter"] = json!("0");
        assert!(
            !parse_result(&first).unwrap().is_complete(),
            "a first run's event lines each hold one row"
        );
        assert_eq!(log.name, "processes");
        assert_eq!(log.host_identifier, "hostname.local");
        assert_eq!(log.time.timestamp(), 1412123850);
        let Rows::Diff { added, removed } = &log.rows else {
            panic!("{:?}", log.rows)
        };
        assert_eq!(added[0]["pid"], "97830");
        assert!(removed.is_empty());
    }

    #[test]
    fn batch_format_line_with_numerics_and_a_first_run() {
        let line = json!({
            "diffResults": {
                "added": [{"name": "osqueryd", "path": "/usr/local/bin/osqueryd", "pid": 97830}],
                "removed": [{"name": "osqueryd", "path": "/usr/local/bin/osqueryd", "pid": 97650}]
            },
            "name": "processes",
            "hostname": "hostname.local",
            "calendarTime": "Tue Sep 30 17:37:30 2014",
            "unixTime": 1412123850,
            "epoch": 314159265,
            "counter": 0,
            "numerics": true
        });
        let log = parse_result(&line).unwrap();
        assert!(log.is_complete(), "counter 0 is the first run");
        let Rows::Diff { added, removed } = &log.rows else {
            panic!()
        };
        assert_eq!(added[0]["pid"], "97830");
        assert_eq!(removed[0]["pid"], "97650");
    }

    #[test]
    fn snapshot_line_with_string_times_and_decorations() {
        let line = json!({
            "action": "snapshot",
            "snapshot": [
                {"parent": "0", "path": "/sbin/launchd", "pid": "1"},
                {"parent": "1", "path": "/usr/sbin/syslogd", "pid": "51"}
            ],
            "name": "process_snapshot",
            "hostIdentifier": "hostname.local",
            "calendarTime": "Mon May  2 22:27:32 2016 UTC",
            "unixTime": "1462228052",
            "epoch": "314159265",
            "counter": "1",
            "decorations": {"host_uuid": "4740D59F-699E-5B29-960B-979AAF9BBEEB", "username": "tim"}
        });
        let log = parse_result(&line).unwrap();
        assert_eq!(log.host_identifier, "hostname.local");
        assert_eq!(log.time.timestamp(), 1462228052);
        assert_eq!(log.decorations["username"], "tim");
        assert!(log.is_complete());
        assert_eq!(log.row_count(), 2);
    }

    #[test]
    fn snapshot_event_lines_are_joined_into_one_run() {
        let row = |pid: &str, t: &str| {
            parse_result(
                &json!({"action": "snapshot", "columns": {"pid": pid}, "name": "q",
                                 "hostIdentifier": "h", "unixTime": t}),
            )
            .unwrap()
        };
        let logs = [row("1", "100"), row("2", "100"), row("3", "160")];
        assert!(!logs[0].is_complete());
        let joined = join_snapshot_rows(&logs);
        assert_eq!(joined.len(), 2);
        assert_eq!(joined[0].row_count(), 2);
        assert!(joined[0].is_complete() && joined[1].is_complete());
    }

    #[test]
    fn calendar_time_alone_is_enough() {
        let log = parse_result(&json!({
            "action": "snapshot", "snapshot": [], "name": "q",
            "hostIdentifier": "h", "calendarTime": "Mon May  2 22:27:32 2016 UTC"
        }))
        .unwrap();
        assert_eq!(log.time.timestamp(), 1462228052);
    }

    #[test]
    fn pack_prefix_is_not_part_of_the_query() {
        let mut log = parse_result(&json!({"action": "snapshot", "snapshot": [], "name": "pack_assay_assay_programs", "unixTime": 1})).unwrap();
        assert_eq!(log.query(), "assay_programs");
        log.name = "assay_programs".into();
        assert_eq!(log.query(), "assay_programs");
    }

    #[test]
    fn malformed_lines_are_named() {
        for (line, want) in [
            (json!([1]), "must be a JSON object"),
            (
                json!({"action": "added", "columns": {}, "unixTime": 1}),
                "'name'",
            ),
            (
                json!({"name": "q", "action": "added", "columns": {"a": {"b": 1}}, "unixTime": 1}),
                "column 'a'",
            ),
            (
                json!({"name": "q", "action": "added", "columns": {}}),
                "'unixTime'",
            ),
            (
                json!({"name": "q", "action": "exploded", "columns": {}, "unixTime": 1}),
                "unknown action",
            ),
            (
                json!({"name": "q", "diffResults": {"added": {}}, "unixTime": 1}),
                "array of rows",
            ),
            (
                json!({"name": "q", "action": "added", "columns": {}, "unixTime": "soon"}),
                "whole seconds",
            ),
        ] {
            let e = parse_result(&line).unwrap_err();
            assert!(e.0.contains(want), "{line}: {e}");
        }
        let e = parse_result_lines(
            "{\"name\":\"q\",\"action\":\"snapshot\",\"snapshot\":[],\"unixTime\":1}\n\n{oops",
        )
        .unwrap_err();
        assert!(e.0.starts_with("line 3: not JSON"), "{e}");
    }
}
