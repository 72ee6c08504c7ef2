//! osquery's TLS remote API, as `osqueryd` speaks it, under `/api/osquery`:
//! `enroll`, `config`, `log`, `distributed/read` and `distributed/write`
//! (point `--enroll_tls_endpoint` and the others at these paths). Every
//! request is a JSON POST; an agent authenticates with the node key it got
//! at enrollment, sent in the body.
//!
//! Answers follow osquery's own test server: an unknown or revoked node
//! key, or a wrong enroll secret, is `200 {"node_invalid": true}`, which
//! makes the agent enroll again. A request Assay cannot accept (malformed,
//! too large) is a 4xx with `{"error": …, "node_invalid": false}` and
//! changes nothing; the agent keeps its logs and retries.

use crate::app::AppState;
use crate::auth::secrets::{self, TokenKind};
use crate::client::{ClientAddr, describe};
use crate::error::ApiError;
use assay_ingest::osquery::{self as ingest, LiveAnswerRows};
use assay_store::osquery::{LiveAnswer, NewNode, OsqueryNode};
use assay_store::{Actor, Scope, StoreError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enroll", post(enroll))
        .route("/config", post(config))
        .route("/log", post(log))
        .route("/distributed/read", post(distributed_read))
        .route("/distributed/write", post(distributed_write))
}

/// Marks a response as osquery's, so the problem-details layer leaves it.
#[derive(Clone, Copy)]
pub struct OsqueryAnswer;

/// A refusal in the shape osquery's endpoints answer with.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    error: String,
}

impl Refusal {
    fn bad(error: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            error: error.into(),
        }
    }
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Refusal {
        Refusal {
            status: e.status,
            error: e.detail,
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        match e {
            StoreError::Invalid(m) | StoreError::Conflict(m) => Refusal {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: m,
            },
            StoreError::NotFound(m) => Refusal {
                status: StatusCode::NOT_FOUND,
                error: format!("{m} not found"),
            },
            other => {
                eprintln!("osquery endpoint: {other}");
                Refusal {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    error: "an internal error occurred; it has been logged".into(),
                }
            }
        }
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut r = (status, axum::Json(body)).into_response();
    r.extensions_mut().insert(OsqueryAnswer);
    r
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        answer(
            self.status,
            json!({"error": self.error, "node_invalid": false}),
        )
    }
}

fn node_invalid() -> Response {
    answer(StatusCode::OK, json!({"node_invalid": true}))
}

/// The request body as a JSON object.
fn body(raw: Result<Bytes, BytesRejection>) -> Result<serde_json::Map<String, Value>, Refusal> {
    let bytes = raw.map_err(|e| Refusal {
        status: e.status(),
        error: e.body_text(),
    })?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Refusal::bad("the request body must be a JSON object")),
        Err(e) => Err(Refusal::bad(format!("the request body is not JSON: {e}"))),
    }
}

fn text_field<'a>(obj: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The agent's node, or `None` when its key is missing, unknown or
/// revoked. Notes the check-in (at most once a minute).
async fn node(
    state: &AppState,
    obj: &serde_json::Map<String, Value>,
    status: Option<String>,
) -> Result<Option<OsqueryNode>, Refusal> {
    let Some(key) = text_field(obj, "node_key") else {
        return Ok(None);
    };
    if secrets::TokenKind::of(key) != Some(TokenKind::NodeKey) {
        return Ok(None);
    }
    let hash = secrets::hash_token(key);
    state
        .blocking(move |s| {
            let now = Utc::now();
            let node = s.node_by_key(&hash)?;
            if let Some(n) = &node
                && (status.is_some() || n.check_in_worth_recording(now))
            {
                s.node_checked_in(n.id, status.as_deref(), now)?;
            }
            Ok(node)
        })
        .await
        .map_err(Refusal::from)
}

fn agent(host: &str, ip: Option<std::net::IpAddr>) -> Actor {
    Actor::new(
        format!("osquery:{host}"),
        format!("osquery {}", describe(ip)),
    )
}

/// `POST /api/osquery/enroll`: `{enroll_secret, host_identifier,
/// host_details}` → `{node_key}`.
pub async fn enroll(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let obj = body(raw)?;
    let Some(secret) = text_field(&obj, "enroll_secret") else {
        return Ok(node_invalid());
    };
    let secret_hash = secrets::hash_token(secret.trim());
    let host_identifier = text_field(&obj, "host_identifier").unwrap_or_default();
    let details = ingest::enroll_details(
        host_identifier,
        obj.get("host_details").unwrap_or(&Value::Null),
    );
    let (node_key, node_key_hash) = secrets::new_token(TokenKind::NodeKey);
    let enrolled = state
        .blocking(move |s| {
            let Some(org) = s.enroll_secret_org(&secret_hash)? else {
                return Ok(None);
            };
            let now = Utc::now();
            let actor = agent(&details.host_identifier, ip);
            let mut asset = String::new();
            s.apply_records(
                &actor,
                &Scope::Orgs(vec![org]),
                org,
                "osquery.host",
                &details.host_identifier,
                &mut |tx| {
                    asset = ingest::enroll_host(tx, &details, now)?;
                    Ok(json!({"asset": asset, "hardware_uuid": details.hardware_uuid}))
                },
            )?;
            let node = s.enroll_node(
                &actor,
                NewNode {
                    org_id: org,
                    asset,
                    node_key_hash,
                    host_identifier: details.host_identifier.clone(),
                    platform: details.platform.clone(),
                    osquery_version: details.osquery_version.clone(),
                },
                now,
            )?;
            Ok(Some(node))
        })
        .await?;
    Ok(match enrolled {
        Some(_) => answer(
            StatusCode::OK,
            json!({"node_key": node_key, "node_invalid": false}),
        ),
        None => node_invalid(),
    })
}

/// `POST /api/osquery/config`: the schedule Assay needs.
pub async fn config(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let obj = body(raw)?;
    if node(&state, &obj, None).await?.is_none() {
        return Ok(node_invalid());
    }
    Ok(answer(StatusCode::OK, ingest::queries::config()))
}

/// `POST /api/osquery/log`: `{node_key, log_type, data}`. Result logs are
/// applied to the node's asset in one transaction; status logs note the
/// newest warning or error on the node.
pub async fn log(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let obj = body(raw)?;
    let data = match obj.get("data") {
        Some(Value::Array(items)) => items.as_slice(),
        _ => return Err(Refusal::bad("'data' must be an array of log lines")),
    };
    match text_field(&obj, "log_type") {
        Some("result") => {
            let logs = data
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    ingest::parse_result(v).map_err(|e| Refusal::bad(format!("data[{i}]: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let Some(n) = node(&state, &obj, None).await? else {
                return Ok(node_invalid());
            };
            state
                .blocking(move |s| {
                    let actor = agent(&n.host_identifier, ip);
                    s.apply_records(
                        &actor,
                        &Scope::Orgs(vec![n.org_id]),
                        n.org_id,
                        "osquery.log",
                        &format!("asset/{}", n.asset),
                        &mut |tx| Ok(ingest::apply_logs(tx, &n.asset, &logs)?.to_json(&n.asset)),
                    )?;
                    Ok(())
                })
                .await?;
        }
        Some("status") => {
            // Severity 0 is info; 1 warning, 2 error, 3 fatal.
            let worst = data.iter().rev().find_map(|line| {
                let severity = match line.get("severity")? {
                    Value::String(s) => s.parse::<i64>().ok()?,
                    v => v.as_i64()?,
                };
                (severity >= 1).then(|| {
                    let msg = line.get("message").and_then(Value::as_str).unwrap_or("");
                    format!("severity {severity}: {msg}")
                })
            });
            if node(&state, &obj, worst).await?.is_none() {
                return Ok(node_invalid());
            }
        }
        other => {
            return Err(Refusal::bad(format!(
                "unknown log_type {} (expected result or status)",
                other.map_or("(none)".to_string(), |t| format!("'{t}'"))
            )));
        }
    }
    Ok(answer(StatusCode::OK, json!({"node_invalid": false})))
}

/// `POST /api/osquery/distributed/read`: live queries waiting for the node.
pub async fn distributed_read(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let obj = body(raw)?;
    let Some(n) = node(&state, &obj, None).await? else {
        return Ok(node_invalid());
    };
    let pending = state
        .blocking(move |s| Ok(s.live_queries_for(n.id, Utc::now())?))
        .await?;
    let queries: serde_json::Map<String, Value> = pending
        .into_iter()
        .map(|(id, sql)| (id.to_string(), Value::String(sql)))
        .collect();
    Ok(answer(
        StatusCode::OK,
        json!({"queries": queries, "node_invalid": false}),
    ))
}

/// `POST /api/osquery/distributed/write`: `{node_key, queries: {id:
/// [rows]}, statuses: {id: code}, messages: {id: text}}`.
pub async fn distributed_write(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let obj = body(raw)?;
    let answers = LiveAnswerRows::read(&obj).map_err(|e| Refusal::bad(e.0))?;
    let Some(n) = node(&state, &obj, None).await? else {
        return Ok(node_invalid());
    };
    let answers: Vec<LiveAnswer> = answers.0;
    state
        .blocking(move |s| Ok(s.save_live_answers(n.id, &answers, Utc::now())?))
        .await?;
    Ok(answer(StatusCode::OK, json!({"node_invalid": false})))
}
