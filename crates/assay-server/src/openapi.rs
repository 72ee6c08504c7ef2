//! The OpenAPI 3.1 document (`GET /api/openapi.json`) and the API explorer
//! (`/api/docs`, Swagger UI compiled into the binary).
//!
//! Handlers build most responses with `json!`, so the response shapes are
//! described here by small schema-only types that mirror them. Record
//! schemas are generated from the record kinds' field lists, so they follow
//! `assay-core` without being written twice. A unit test checks that every
//! route registered in `api/mod.rs` and `app.rs` is documented and nothing
//! else is.

use crate::api;
use crate::session;
use assay_core::access::Role;
use assay_core::engine::Status as EngineStatus;
use assay_core::org::OrgKind;
use assay_core::records::{Field, RecordKind};
use assay_core::value::ColumnType;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;
use std::collections::BTreeMap;
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToResponse, ToSchema};
use utoipa_swagger_ui::{Config, SwaggerUi};
use uuid::Uuid;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";
/// Where the explorer is served.
pub const EXPLORER_PATH: &str = "/api/docs";

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Assay API",
        description = "Assay's JSON API. Authenticate with an API token (`Authorization: Bearer …`, \
                       created with `assay user token` or `POST /api/v1/tokens`) or with the session \
                       cookie set by `POST /api/v1/session`. Errors are RFC 9457 problem details \
                       (`application/problem+json`). Another organisation's resources answer 404, \
                       exactly like ones that do not exist.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        healthz,
        readyz,
        openapi_json,
        session::login,
        session::logout,
        session::complete_mfa,
        session::me,
        session::change_password,
        session::list_tokens,
        session::create_token,
        session::revoke_token,
        api::orgs::list,
        api::orgs::get,
        api::records::list,
        api::records::import,
        api::records::get,
        api::records::put,
        api::records::delete,
        api::results::get,
        api::exceptions::list,
        api::exceptions::add,
        api::exceptions::revoke,
        api::results::evaluate,
        api::frameworks::list,
        api::frameworks::get,
        api::audit::list,
        api::osquery::list_secrets,
        api::osquery::create_secret,
        api::osquery::revoke_secret,
        api::osquery::list_nodes,
        api::osquery::revoke_node,
        api::osquery::create_query,
        api::osquery::get_query,
        api::webhooks::list,
        api::webhooks::create,
        api::webhooks::revoke,
    ),
    components(
        schemas(Problem, Record, RecordInput, RecordKindName, Status, CheckId, api::results::EvaluateRequest),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            UnprocessableEntity,
            TooManyRequests,
            ServiceUnavailable,
        ),
    ),
    modifiers(&Security),
    tags(
        (name = "health", description = "Liveness and readiness (no authentication)."),
        (name = "session", description = "Logging in and out, the caller's account and API tokens."),
        (name = "orgs", description = "Organisations the caller may see."),
        (name = "records", description = "Records of every kind, per organisation."),
        (name = "results", description = "Evaluation results and runs."),
        (name = "exceptions", description = "Exceptions (risk acceptances)."),
        (name = "frameworks", description = "The framework catalogues."),
        (name = "audit", description = "The audit log."),
        (name = "osquery", description = "osquery agents: enroll secrets, enrolled nodes and live queries. The agents' own endpoints (`/api/osquery/…`) speak osquery's TLS protocol and are described in docs/osquery.md."),
        (name = "webhooks", description = "Webhooks that hear, after each evaluation run, which requirements changed status. Delivery, signing and retries are described in the README."),
        (name = "meta", description = "This document."),
    ),
)]
pub struct ApiDoc;

/// The explorer, serving the document too: merge it into the router.
pub fn explorer() -> SwaggerUi {
    SwaggerUi::new(EXPLORER_PATH)
        .url(DOCUMENT_PATH, ApiDoc::openapi())
        // Everything comes from this server: no validator badge from swagger.io.
        .config(Config::new([DOCUMENT_PATH]).validator_url("none"))
}

/// The security schemes: `bearer` (API tokens) and `cookie` (browser sessions).
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`assay_…`) from `assay user token` or `POST /api/v1/tokens`. \
                         It acts with its own role and organisations.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                session::COOKIE,
                "The session cookie set by `POST /api/v1/session` (completed by \
                 `POST /api/v1/session/mfa` when the user has MFA). Writes with it must come \
                 from this site (`Sec-Fetch-Site` or `Origin`), otherwise 403.",
            ))),
        );
    }
}

// ---------------------------------------------------------------------------
// Health and the document itself (their handlers live outside `api`).

/// Liveness: the process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "healthz",
    responses((status = 200, description = "The process is up.", body = Health)),
)]
#[allow(dead_code)]
fn healthz() {}

/// Readiness: the process can reach its database.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "readyz",
    responses(
        (status = 200, description = "The database is reachable.", body = Ready),
        (status = 503, response = ServiceUnavailable),
    ),
)]
#[allow(dead_code)]
fn readyz() {}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document.", body = Object)),
)]
#[allow(dead_code)]
fn openapi_json() {}

// ---------------------------------------------------------------------------
// Errors.

/// An error: RFC 9457 problem details.
#[derive(ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Not Found", "status": 404,
                          "detail": "organisation 'acme' not found"}))]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of error it is.
    #[schema(rename = "type")]
    pub kind: String,
    /// The status code's reason phrase.
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
}

fn problem_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident = $description:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), problem_response($description))
            }
        }
    )*};
}

problem_responses! {
    /// 400.
    BadRequest = "The request is malformed: a body that is not JSON, a parameter of the wrong type or out of range, a cursor this server did not issue, …";
    /// 401.
    Unauthorized = "No valid credentials: send an API token or the session cookie of a completed login.";
    /// 403.
    Forbidden = "The caller's role may not do this, or a cookie-authenticated write came from another site.";
    /// 404.
    NotFound = "No such resource, or one outside the caller's organisations.";
    /// 409.
    Conflict = "The request conflicts with the stored state (an id that exists already, …).";
    /// 413.
    PayloadTooLarge = "The request body is larger than the server's limit.";
    /// 415.
    UnsupportedMediaType = "The body must be sent as `Content-Type: application/json`.";
    /// 422.
    UnprocessableEntity = "The body is JSON but its content is refused: a missing field or one of the wrong type, a value out of range, a record that breaks its kind's rules, …";
    /// 429.
    TooManyRequests = "Too many failed logins for this account; try again later.";
    /// 503.
    ServiceUnavailable = "The database is not reachable.";
}

// ---------------------------------------------------------------------------
// Enumerations taken from the code, so they cannot drift.

fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_string)))
        .description(Some(description))
        .into()
}

macro_rules! enum_schema {
    ($($(#[$doc:meta])* $name:ident => $values:expr, $description:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum($values, $description).into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

enum_schema! {
    /// A role.
    RoleName => Role::ALL.iter().copied(), "A role: what its holder may do.";
    /// An organisation kind.
    OrgKindName => OrgKind::ALL.iter().copied(), "`provider` (the MSP itself, exactly one) or `client`.";
    /// A check, requirement or resource status.
    Status => EngineStatus::ALL.iter().map(|s| s.as_str()), "The status of a check, requirement or resource.";
    /// A record kind's name (dashes may be used for underscores).
    RecordKindName => RecordKind::ALL.iter().map(|k| k.name()), "A record kind.";
    /// A check's id.
    CheckId => assay_core::engine::checks::all().iter().map(|c| c.id), "A built-in check's id (`assay frameworks show` lists them).";
}

/// A requirement's category.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Category {
    Required,
    Advisory,
    Essential,
    Enhanced,
}

/// How a framework's overall verdict is reached.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum VerdictRule {
    AllRequired,
    Charter,
}

/// Which organisations a requirement is evaluated for.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AppliesTo {
    All,
    Provider,
    Client,
}

/// Whether an exception applies now.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ExceptionState {
    Active,
    Expired,
    Revoked,
}

// ---------------------------------------------------------------------------
// Records: one schema per kind, from its field list.

fn field_schema(f: &Field, nullable: bool) -> Schema {
    let base = |t: Type| {
        if nullable {
            SchemaType::from_iter([t, Type::Null])
        } else {
            SchemaType::Type(t)
        }
    };
    let description = Some(f.doc).filter(|d| !d.is_empty());
    let mut b = ObjectBuilder::new().description(description);
    b = match f.ty {
        ColumnType::Text => b.schema_type(base(Type::String)),
        ColumnType::Int => b
            .schema_type(base(Type::Integer))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        ColumnType::Real => b
            .schema_type(base(Type::Number))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double))),
        ColumnType::Bool => b.schema_type(base(Type::Boolean)),
        ColumnType::Date => b
            .schema_type(base(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        ColumnType::Timestamp => b
            .schema_type(base(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        ColumnType::List => {
            let items = ObjectBuilder::new().schema_type(Type::String);
            let list = ArrayBuilder::new().items(items);
            let list = if nullable {
                list.schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
            } else {
                list
            };
            return list.description(description).into();
        }
        ColumnType::Enum(values) => {
            let mut values: Vec<serde_json::Value> =
                values.iter().map(|v| serde_json::Value::from(*v)).collect();
            if nullable {
                values.push(serde_json::Value::Null);
            }
            b.schema_type(base(Type::String)).enum_values(Some(values))
        }
    };
    if f.example.is_empty() {
        b.into()
    } else {
        b.examples([example_value(f)]).into()
    }
}

/// The field's CSV example as the JSON value the API uses.
fn example_value(f: &Field) -> serde_json::Value {
    f.ty.parse_text(f.example)
        .map(|v| v.to_json())
        .unwrap_or(serde_json::Value::Null)
}

fn kind_schema_name(kind: RecordKind, input: bool) -> String {
    let camel: String = kind
        .name()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("{camel}Record{}", if input { "Input" } else { "" })
}

/// A record as answered (`input == false`: every field present, `null`
/// when empty) or as sent (`input == true`: the id and optional fields may
/// be left out).
fn kind_schema(kind: RecordKind, input: bool) -> Schema {
    let id_doc = if input {
        "Identifier, unique per organisation and kind; generated when empty. In a PUT it must equal the path's id."
    } else {
        "Identifier, unique per organisation and kind."
    };
    let mut b = ObjectBuilder::new()
        .title(Some(kind_schema_name(kind, input)))
        .description(Some(format!(
            "A record of kind `{}`: {}",
            kind.name(),
            kind.about()
        )))
        .property(
            "id",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(id_doc)),
        )
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
    if !input {
        b = b.required("id");
    }
    for f in kind.fields() {
        // An empty optional field is answered as `null` (an empty list too).
        b = b.property(f.name, field_schema(f, !f.required));
        if !input || f.required {
            b = b.required(f.name);
        }
    }
    b.into()
}

fn any_record(input: bool) -> RefOr<Schema> {
    let mut any = AnyOfBuilder::new().description(Some(if input {
        "A record of the path's kind, as sent: see the `…RecordInput` schemas."
    } else {
        "A record of the path's kind: the `id` and every field, `null` when empty."
    }));
    for kind in RecordKind::ALL {
        any = any.item(Ref::from_schema_name(kind_schema_name(*kind, input)));
    }
    any.into()
}

fn push_kind_schemas(schemas: &mut Vec<(String, RefOr<Schema>)>, input: bool) {
    for kind in RecordKind::ALL {
        schemas.push((
            kind_schema_name(*kind, input),
            kind_schema(*kind, input).into(),
        ));
    }
}

/// A record of any kind, as answered.
pub struct Record;

impl PartialSchema for Record {
    fn schema() -> RefOr<Schema> {
        any_record(false)
    }
}

impl ToSchema for Record {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_kind_schemas(schemas, false);
    }
}

/// A record of any kind, as sent.
pub struct RecordInput;

impl PartialSchema for RecordInput {
    fn schema() -> RefOr<Schema> {
        any_record(true)
    }
}

impl ToSchema for RecordInput {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        push_kind_schemas(schemas, true);
    }
}

// ---------------------------------------------------------------------------
// Response shapes.

/// `GET /healthz`.
#[derive(ToSchema)]
pub struct Health {
    #[schema(pattern = "^ok$", example = "ok")]
    pub status: String,
}

/// `GET /readyz`.
#[derive(ToSchema)]
pub struct Ready {
    #[schema(pattern = "^ready$", example = "ready")]
    pub status: String,
}

/// A user account.
#[derive(ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: RoleName,
    /// The organisations the user is limited to; empty: every organisation the role allows.
    pub orgs: Vec<Uuid>,
    pub mfa_enabled: bool,
}

/// `GET /me`: the caller's account.
#[derive(ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: RoleName,
    pub orgs: Vec<Uuid>,
    pub mfa_enabled: bool,
    /// The role this request acts with (an API token's may be narrower than the user's).
    pub acting_role: RoleName,
}

/// `POST /session`: the session is open (or, with MFA, waiting for a code).
#[derive(ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// Complete the login with `POST /api/v1/session/mfa` before using the session.
    pub mfa_required: bool,
}

/// `POST /session/mfa`: the login is complete.
#[derive(ToSchema)]
pub struct MfaResponse {
    pub user: User,
    pub recovery_codes_left: u32,
}

/// An API token (never the secret itself, except once on creation).
#[derive(ToSchema)]
pub struct Token {
    pub id: Uuid,
    pub name: String,
    pub role: RoleName,
    /// The organisations the token is limited to; empty: every organisation the role allows.
    pub orgs: Vec<Uuid>,
    /// `null`: never expires.
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_used_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /tokens`: the new token, with its secret (shown only this once).
#[derive(ToSchema)]
pub struct NewToken {
    pub id: Uuid,
    pub name: String,
    pub role: RoleName,
    pub orgs: Vec<Uuid>,
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_used_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The secret: send it as `Authorization: Bearer …`.
    pub token: String,
}

/// An organisation.
#[derive(ToSchema)]
pub struct Organisation {
    pub id: Uuid,
    /// Short unique name (`acme`).
    pub slug: String,
    pub name: String,
    pub kind: OrgKindName,
    /// Its service tier; `null` when not yet categorised.
    #[schema(required = true)]
    pub tier: Option<String>,
    /// Endpoints the contract covers.
    #[schema(required = true)]
    pub contracted_endpoints: Option<i64>,
}

/// `GET /orgs/{slug}`: the organisation and its parameter overrides.
#[derive(ToSchema)]
pub struct OrgDetail {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: OrgKindName,
    #[schema(required = true)]
    pub tier: Option<String>,
    #[schema(required = true)]
    pub contracted_endpoints: Option<i64>,
    /// Parameters set for this organisation, overriding its tier's.
    pub overrides: BTreeMap<String, i64>,
}

/// A page of organisations, by slug.
#[derive(ToSchema)]
pub struct OrgPage {
    pub items: Vec<Organisation>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// A page of exceptions, by id (oldest first).
#[derive(ToSchema)]
pub struct ExceptionPage {
    pub items: Vec<Exception>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// A page of API tokens, by id.
#[derive(ToSchema)]
pub struct TokenPage {
    pub items: Vec<Token>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// A page of records, by id.
#[derive(ToSchema)]
pub struct RecordPage {
    pub items: Vec<Record>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// `POST /orgs/{slug}/records/{kind}`: how many records were imported.
#[derive(ToSchema)]
pub struct ImportResult {
    pub imported: u64,
}

/// A framework's overall verdict for one organisation.
#[derive(ToSchema)]
pub struct Verdict {
    /// `pass` or `fail`.
    pub status: Status,
    pub reason: String,
    /// Failing requirements that fail the assessment outright (absent when none).
    #[schema(required = false)]
    pub blocking_failures: Vec<String>,
}

/// A resource that did not pass.
#[derive(ToSchema)]
pub struct ResourceResult {
    /// The record kind, e.g. `asset`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub status: Status,
    pub reason: String,
}

/// One requirement's result.
#[derive(ToSchema)]
pub struct RequirementResult {
    pub id: String,
    pub title: String,
    pub group: String,
    pub category: Category,
    pub status: Status,
    pub reason: String,
    /// The checks that decided it.
    pub checks: Vec<String>,
    /// How many resources passed (they are not listed one by one).
    pub passed_resources: u64,
    /// Every resource that did not pass.
    pub resources: Vec<ResourceResult>,
}

/// One framework's results for one organisation.
#[derive(ToSchema)]
pub struct FrameworkResult {
    /// The organisation's slug.
    pub org: String,
    pub framework: String,
    pub version: String,
    #[schema(required = true)]
    pub verdict: Option<Verdict>,
    /// Requirements per status.
    pub counts: BTreeMap<String, u64>,
    pub requirements: Vec<RequirementResult>,
}

/// One organisation and framework of an evaluation run.
#[derive(ToSchema)]
pub struct RunResult {
    /// The organisation's slug.
    pub org: String,
    pub framework: String,
    /// The overall verdict's status.
    #[schema(required = true)]
    pub verdict: Option<Status>,
    /// Requirements per status.
    pub counts: BTreeMap<String, u64>,
}

/// `POST /evaluations`: the stored run.
#[derive(ToSchema)]
pub struct EvaluationRun {
    pub run: Uuid,
    pub evaluated_at: DateTime<Utc>,
    pub results: Vec<RunResult>,
}

/// An exception (risk acceptance).
#[derive(ToSchema)]
pub struct Exception {
    pub id: Uuid,
    /// The check it applies to.
    pub check: String,
    /// The resource id it applies to; `null` covers the whole organisation.
    #[schema(required = true)]
    pub resource: Option<String>,
    pub justification: String,
    pub approver: String,
    /// The last day on which it applies.
    pub expires: NaiveDate,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    pub state: ExceptionState,
}

/// `GET /frameworks`: a framework version, without its requirements.
#[derive(ToSchema)]
pub struct FrameworkSummary {
    pub id: String,
    pub version: String,
    pub title: String,
    /// How many requirements it has.
    pub requirements: u64,
}

/// A use of a check, with its arguments.
#[derive(ToSchema)]
pub struct CheckRef {
    pub check: String,
    pub args: BTreeMap<String, serde_json::Value>,
}

/// A requirement of a framework.
#[derive(ToSchema)]
pub struct Requirement {
    pub id: String,
    pub group: String,
    pub title: String,
    pub description: String,
    /// The clause, objective or test case in the source document.
    pub source_ref: String,
    pub category: Category,
    pub applies_to: AppliesTo,
    /// A failure fails the whole assessment outright.
    pub blocking: bool,
    pub checks: Vec<CheckRef>,
}

/// `GET /frameworks/{id}`: the whole catalogue entry.
#[derive(ToSchema)]
pub struct Framework {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    /// The documents the catalogue was written from.
    pub source: String,
    /// Attribution and reuse notes.
    pub notice: String,
    pub verdict: VerdictRule,
    pub requirements: Vec<Requirement>,
}

/// An entry of the audit log (hash-chained).
#[derive(ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub source: String,
    pub action: String,
    #[schema(required = true)]
    pub org_id: Option<Uuid>,
    pub target: String,
    /// The state before the change (any JSON value).
    pub before: serde_json::Value,
    /// The state after the change (any JSON value).
    pub after: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// A page of audit entries, in order.
#[derive(ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `(METHOD, path)` for every `.route("…", method(…).method(…))` in a
    /// router's source.
    fn routes_in(source: &str, prefix: &str) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for chunk in source.split(".route(").skip(1) {
            // The call's arguments: up to the parenthesis that closes it.
            let mut depth = 1;
            let end = chunk
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap_or(chunk.len());
            let args = &chunk[..end];
            let path = args.split('"').nth(1).expect("a route path literal");
            let rest = &args[args.find(',').expect("a method router")..];
            for method in ["get", "post", "put", "delete", "patch", "head", "options"] {
                let found = rest.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0
                        || !rest[..i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if found {
                    out.insert((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
        out
    }

    #[test]
    fn route_parser_reads_every_method() {
        let source = r#"
            .route("/a/{id}", get(x::get).put(x::put).delete(x::delete))
            .route(
                "/b",
                post(y::post),
            )
            .nest("/c", other())
        "#;
        let found: Vec<_> = routes_in(source, "/p").into_iter().collect();
        let want = [
            ("DELETE", "/p/a/{id}"),
            ("GET", "/p/a/{id}"),
            ("POST", "/p/b"),
            ("PUT", "/p/a/{id}"),
        ]
        .map(|(m, p)| (m.to_string(), p.to_string()));
        assert_eq!(found, want);
    }

    fn document() -> serde_json::Value {
        let json = ApiDoc::openapi()
            .to_json()
            .expect("the document serialises");
        serde_json::from_str(&json).expect("the document is valid JSON")
    }

    #[test]
    fn document_is_openapi_3_1() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert!(doc["components"]["securitySchemes"]["cookie"].is_object());
        // Every $ref resolves.
        let text = doc.to_string();
        for r in text.split("\"$ref\":\"").skip(1) {
            let target = &r[..r.find('"').unwrap_or(0)];
            let pointer = target.trim_start_matches('#');
            assert!(doc.pointer(pointer).is_some(), "dangling $ref {target}");
        }
    }

    #[test]
    fn every_route_is_documented_and_nothing_else() {
        let mut registered = routes_in(include_str!("api/mod.rs"), "/api/v1");
        registered.extend(routes_in(include_str!("app.rs"), ""));
        registered.insert(("GET".into(), DOCUMENT_PATH.into()));
        assert!(
            registered.len() > 20,
            "the route parser found {registered:?}"
        );
        let doc = document();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("a path item").keys() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
        let missing: Vec<_> = registered.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&registered).collect();
        assert!(
            missing.is_empty(),
            "routes without documentation: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "documented routes that do not exist: {extra:?}"
        );
    }

    #[test]
    fn authenticated_routes_say_so_and_answer_401() {
        let doc = document();
        let public = [
            "GET /healthz",
            "GET /readyz",
            "GET /api/openapi.json",
            "POST /api/v1/session",
        ];
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("a path item") {
                let name = format!("{} {path}", method.to_uppercase());
                let security = op["security"].as_array();
                if public.contains(&name.as_str()) {
                    assert!(security.is_none(), "{name} needs no authentication");
                } else {
                    assert!(
                        security.is_some_and(|s| !s.is_empty()),
                        "{name}: no security"
                    );
                    assert!(op["responses"]["401"].is_object(), "{name}: no 401");
                }
            }
        }
    }

    #[test]
    fn record_schemas_cover_every_kind() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        for kind in RecordKind::ALL {
            let out = &schemas[kind_schema_name(*kind, false)];
            let input = &schemas[kind_schema_name(*kind, true)];
            assert_eq!(
                out["properties"].as_object().map(|p| p.len()),
                Some(kind.fields().len() + 1),
                "{kind}"
            );
            assert!(input["properties"]["id"].is_object(), "{kind}");
        }
        assert_eq!(
            schemas["Record"]["anyOf"].as_array().map(Vec::len),
            Some(RecordKind::ALL.len())
        );
    }
}

/// An enroll secret, without the secret.
#[derive(ToSchema)]
pub struct EnrollSecret {
    pub id: Uuid,
    /// The secret's first characters.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new enroll secret: the only time `secret` is shown.
#[derive(ToSchema)]
pub struct NewEnrollSecret {
    pub id: Uuid,
    /// Put this in the agents' `--enroll_secret_path` file.
    pub secret: String,
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A page of enroll secrets, by id (oldest first).
#[derive(ToSchema)]
pub struct EnrollSecretPage {
    pub items: Vec<EnrollSecret>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// A webhook, without its secret.
#[derive(ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    /// The organisation whose changes it hears; every organisation's when null.
    #[schema(required = true)]
    pub org: Option<String>,
    pub url: String,
    /// The secret's first characters.
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new webhook: the only time `secret` is shown.
#[derive(ToSchema)]
pub struct NewWebhook {
    pub id: Uuid,
    /// Verify each delivery's `X-Assay-Signature` with it.
    pub secret: String,
    #[schema(required = true)]
    pub org: Option<String>,
    pub url: String,
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A page of webhooks, by id (oldest first).
#[derive(ToSchema)]
pub struct WebhookPage {
    pub items: Vec<Webhook>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// An enrolled osquery agent.
#[derive(ToSchema)]
pub struct OsqueryNode {
    pub id: Uuid,
    /// The asset record the host reports as.
    pub asset: String,
    pub host_identifier: String,
    pub platform: String,
    #[schema(required = true)]
    pub osquery_version: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    /// The last check-in, to the minute.
    pub last_seen_at: DateTime<Utc>,
    /// The newest warning or error the agent logged.
    #[schema(required = true)]
    pub last_status: Option<String>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A page of osquery nodes, by id.
#[derive(ToSchema)]
pub struct OsqueryNodePage {
    pub items: Vec<OsqueryNode>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(required = false)]
    pub next: String,
}

/// One node's part in a live query.
#[derive(ToSchema)]
pub struct LiveTarget {
    pub node: Uuid,
    pub host_identifier: String,
    #[schema(required = true)]
    pub sent_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub answered_at: Option<DateTime<Utc>>,
    /// osquery's status: 0 for success.
    #[schema(required = true)]
    pub status: Option<i64>,
    /// The rows, every value as text.
    #[schema(required = true)]
    pub rows: Option<Vec<BTreeMap<String, String>>>,
    #[schema(required = true)]
    pub error: Option<String>,
}

/// A live query and its answers.
#[derive(ToSchema)]
pub struct LiveQuery {
    pub id: Uuid,
    pub sql: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub targets: Vec<LiveTarget>,
}
