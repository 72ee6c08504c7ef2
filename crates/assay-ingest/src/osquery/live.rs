//! Answers to live (distributed) queries, as `distributed/write` carries
//! them: `queries` (id → rows), `statuses` (id → 0 for success) and
//! `messages` (id → error text).

use super::log::{LogError, columns};
use assay_store::osquery::LiveAnswer;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The answers in a `distributed/write` request.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveAnswerRows(pub Vec<LiveAnswer>);

impl LiveAnswerRows {
    /// Reads the request. Ids that are not Assay's (not UUIDs) are
    /// skipped; a malformed answer refuses the whole request.
    pub fn read(obj: &Map<String, Value>) -> Result<LiveAnswerRows, LogError> {
        let section = |name: &str| -> Result<Option<&Map<String, Value>>, LogError> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Object(m)) => Ok(Some(m)),
                Some(_) => Err(LogError(format!(
                    "'{name}' must be an object keyed by query id"
                ))),
            }
        };
        let queries = section("queries")?;
        let statuses = section("statuses")?;
        let messages = section("messages")?;
        let mut ids: Vec<&String> = queries
            .into_iter()
            .chain(statuses)
            .flat_map(|m| m.keys())
            .collect();
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for id in ids {
            let Ok(query_id) = Uuid::parse_str(id) else {
                continue;
            };
            let rows = match queries.and_then(|q| q.get(id)) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(rows)) => rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| columns(r, &format!("queries.{id}[{i}]")))
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(LogError(format!("queries.{id} must be an array of rows"))),
            };
            let status = match statuses.and_then(|s| s.get(id)) {
                None | Some(Value::Null) => 0,
                Some(Value::Number(n)) => n.as_i64().unwrap_or(1),
                Some(Value::String(s)) => s
                    .trim()
                    .parse()
                    .map_err(|_| LogError(format!("statuses.{id} must be a number")))?,
                Some(_) => return Err(LogError(format!("statuses.{id} must be a number"))),
            };
            let error = messages
                .and_then(|m| m.get(id))
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(str::to_string);
            out.push(LiveAnswer {
                query_id,
                status,
                rows: serde_json::to_value(rows).unwrap_or(Value::Null),
                error,
            });
        }
        Ok(LiveAnswerRows(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_with_rows_statuses_and_messages() {
        let ok = Uuid::now_v7();
        let failed = Uuid::now_v7();
        let body = json!({
            "node_key": "k",
            "queries": {ok.to_string(): [{"version": "5.13.1", "pid": 4242}], failed.to_string(): [], "not-ours": []},
            "statuses": {ok.to_string(): 0, failed.to_string(): "1"},
            "messages": {failed.to_string(): "no such table: nope"}
        });
        let LiveAnswerRows(answers) = LiveAnswerRows::read(body.as_object().unwrap()).unwrap();
        assert_eq!(answers.len(), 2);
        let a = answers.iter().find(|a| a.query_id == ok).unwrap();
        assert_eq!(a.rows, json!([{"pid": "4242", "version": "5.13.1"}]));
        assert_eq!(a.status, 0);
        let f = answers.iter().find(|a| a.query_id == failed).unwrap();
        assert_eq!(
            (f.status, f.error.as_deref()),
            (1, Some("no such table: nope"))
        );
    }

    #[test]
    fn malformed_answers_are_refused() {
        let id = Uuid::now_v7().to_string();
        for body in [
            json!({"queries": []}),
            json!({"queries": {id.clone(): {"a": 1}}}),
            json!({"statuses": {id.clone(): "zero"}}),
        ] {
            assert!(
                LiveAnswerRows::read(body.as_object().unwrap()).is_err(),
                "{body}"
            );
        }
    }
}
