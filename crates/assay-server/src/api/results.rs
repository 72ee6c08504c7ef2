//! Evaluation results (as stored, at any past time) and triggering a run.

use super::orgs::resolve;
use crate::app::AppState;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::Principal;
use assay_core::catalogue::Framework;
use assay_core::engine::FrameworkResult;
use assay_store::evaluation;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Only this framework.
    pub framework: Option<String>,
    /// The answer in force at this time (RFC 3339 or YYYY-MM-DD, end of day); default now.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].+)?$")]
    pub as_of: Option<String>,
    /// Only requirements with this status.
    #[param(value_type = Option<doc::Status>)]
    pub status: Option<String>,
}

fn as_of(q: &ResultsQuery) -> Result<DateTime<Utc>, ApiError> {
    match q.as_of.as_deref() {
        None => Ok(Utc::now()),
        Some(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d
                .and_hms_opt(23, 59, 59)
                .map(|t| t.and_utc())
                .ok_or_else(|| ApiError::bad_request(format!("as_of '{s}' is not a valid date"))),
            Err(_) => assay_core::value::parse_timestamp(s).map_err(ApiError::bad_request),
        },
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}/results",
    tag = "results",
    operation_id = "get_results",
    summary = "Evaluation results",
    description = "Per framework, every requirement with its status, reason and non-passing resources, from the run in force at `as_of`.",
    params(("slug" = String, Path, description = "The organisation's slug."), ResultsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Per framework, the results in force at `as_of`.", body = Vec<doc::FrameworkResult>),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `GET /orgs/{slug}/results`: per framework, every requirement with its
/// status, reason and non-passing resources, from the run in force at `as_of`.
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(slug): Path<String>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, ApiError> {
    let at = as_of(&q)?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            assay_core::engine::Status::parse(s)
                .ok_or_else(|| ApiError::bad_request(format!("unknown status '{s}'")))
        })
        .transpose()?;
    let scope = p.scope.clone();
    // One trip to the store for the organisation and its results.
    let mut stored = state
        .blocking(move |s| {
            let org = s.org_by_slug(&scope, &slug)?;
            Ok(s.stored_results_as_of(&scope, org.id, at)?)
        })
        .await?;
    stored.retain(|r| q.framework.as_ref().is_none_or(|f| &r.framework == f));
    let Some(st) = status else {
        // The stored documents are the answer: pass them on as they are
        // rather than decode and encode them again (a large client's run
        // lists thousands of resources).
        let parts: Vec<&str> = stored.iter().map(|r| r.json.as_str()).collect();
        let body = format!("[{}]", parts.join(","));
        return Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response());
    };
    let mut results = stored
        .iter()
        .map(|r| serde_json::from_str::<FrameworkResult>(&r.json))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            eprintln!("stored result unreadable: {e}");
            ApiError::internal()
        })?;
    for r in &mut results {
        r.requirements.retain(|q| q.status == st);
    }
    Ok(Json(results).into_response())
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
pub struct EvaluateRequest {
    /// Only this organisation (slug); default every organisation in scope.
    pub org: Option<String>,
    /// Only this framework.
    pub framework: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/evaluations",
    tag = "results",
    operation_id = "evaluate",
    summary = "Run an evaluation",
    description = "Evaluates now and stores the run, for one organisation or every one in scope and one framework or all. Provider admins and technicians only.",
    request_body(content = ref("#/components/schemas/EvaluateRequest"), content_type = "application/json", description = "Optional: without a body every organisation in scope is evaluated against every framework."),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The run, stored.", body = doc::EvaluationRun),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /evaluations`: evaluates now and stores the run.
pub async fn evaluate(
    State(state): State<AppState>,
    p: Principal,
    body: Option<Json<EvaluateRequest>>,
) -> Result<Json<Value>, ApiError> {
    p.require_provider_staff()?;
    let req = body.map(|Json(b)| b).unwrap_or_default();
    let targets = match req.org {
        Some(slug) => Some(vec![resolve(&state, &p, slug).await?.id]),
        None => None,
    };
    let catalogue = state.catalogue.clone();
    if let Some(f) = req
        .framework
        .as_ref()
        .filter(|f| catalogue.get(f).is_none())
    {
        return Err(ApiError::not_found(format!("no framework '{f}'")));
    }
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let out = state
        .blocking(move |s| {
            let frameworks: Vec<&Framework> = catalogue
                .frameworks
                .iter()
                .filter(|f| req.framework.as_ref().is_none_or(|id| &f.id == id))
                .collect();
            Ok(evaluation::run(
                s,
                &scope,
                &actor,
                &frameworks,
                targets.as_deref(),
                Utc::now(),
                None,
                &|_, _| {},
            )?)
        })
        .await?;
    let summary: Vec<Value> = out
        .results
        .iter()
        .flat_map(|(o, rs)| {
            rs.iter().map(move |r| {
                json!({"org": o.slug, "framework": r.framework,
                       "verdict": r.verdict.as_ref().map(|v| v.status), "counts": r.counts})
            })
        })
        .collect();
    Ok(Json(
        json!({"run": out.run.id, "evaluated_at": out.run.evaluated_at, "results": summary}),
    ))
}
