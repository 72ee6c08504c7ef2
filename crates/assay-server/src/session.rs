//! Authenticating requests: a session cookie (browsers) or a bearer API
//! token (other tools), turned into a [`Principal`] whose scope limits every
//! store call. Also the login, MFA, logout, password and token endpoints.

use crate::api::page::{Page, PageQuery};
use crate::app::AppState;
use crate::auth::{password, secrets, totp};
use crate::client::{ClientAddr, describe};
use crate::error::ApiError;
use crate::openapi as doc;
use crate::principal::{Credential, Principal};
use assay_core::access::{LOGIN_THROTTLE_MAX_FAILURES, LOGIN_THROTTLE_WINDOW_SECS, Role};
use assay_store::{Actor, NewApiToken, NewSession, Scope, Store, User};
use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// The session cookie's name.
pub const COOKIE: &str = "assay_session";

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A cookie-authenticated write must come from a page of this site: browsers
/// send `Sec-Fetch-Site`, older ones at least `Origin`. Token requests are
/// not cookie-borne, so they need no such check.
fn same_site(parts: &Parts) -> bool {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    match header("sec-fetch-site") {
        Some(site) => site == "same-origin" || site == "none",
        None => match (header("origin"), header("host")) {
            (Some(origin), Some(host)) => origin.split("://").nth(1) == Some(host),
            (None, _) => true,
            _ => false,
        },
    }
}

fn unauthorised() -> ApiError {
    ApiError::unauthorized(
        "log in (POST /api/v1/session) or send an API token as `Authorization: Bearer …`",
    )
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = Utc::now();
        let ip = crate::client::from_parts(parts, &state.config.trusted_proxies);
        if let Some(token) = bearer(&parts.headers) {
            if secrets::TokenKind::of(&token) != Some(secrets::TokenKind::Api) {
                return Err(ApiError::unauthorized("that is not an Assay API token"));
            }
            let hash = secrets::hash_token(&token);
            return state
                .blocking(move |s| {
                    let t = s
                        .token_by_hash(&hash)?
                        .filter(|t| t.is_valid_at(now))
                        .ok_or_else(|| {
                            ApiError::unauthorized("the API token is unknown, expired or revoked")
                        })?;
                    let user = s.user_by_id(&Scope::All, t.user_id)?;
                    if user.is_disabled() {
                        return Err(ApiError::unauthorized("the token's user is disabled"));
                    }
                    let scope = s.token_scope(&t, &user)?;
                    if t.use_worth_recording(now) {
                        s.touch_token(t.id, now)?;
                    }
                    Ok(Principal {
                        user_id: user.id,
                        username: user.username,
                        role: t.role,
                        scope,
                        credential: Credential::Token { id: t.id },
                        ip,
                    })
                })
                .await;
        }
        let Some(cookie) = cookie_value(&parts.headers) else {
            return Err(unauthorised());
        };
        if !same_site(parts) {
            return Err(ApiError::forbidden("cross-site request refused"));
        }
        let hash = secrets::hash_token(&cookie);
        state
            .blocking(move |s| {
                let session = s.touch_session(&hash, now)?.ok_or_else(unauthorised)?;
                if !session.mfa_verified {
                    return Err(ApiError::unauthorized(
                        "complete the login with a one-time code (POST /api/v1/session/mfa)",
                    ));
                }
                let user = s.user_by_id(&Scope::All, session.user_id)?;
                if user.is_disabled() {
                    return Err(unauthorised());
                }
                let scope = s.user_scope(&user)?;
                Ok(Principal {
                    user_id: user.id,
                    username: user.username,
                    role: user.role,
                    scope,
                    credential: Credential::Session { hash },
                    ip,
                })
            })
            .await
    }
}

fn set_cookie(token: &str, https: bool, max_age: i64) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("assay_session=; Max-Age=0"))
}

fn user_json(u: &User) -> Value {
    json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role.as_str(),
           "orgs": u.orgs, "mfa_enabled": u.mfa_enabled})
}

/// Answers 429, naming the time to try again, while an account has had
/// too many failed attempts (passwords and one-time codes alike) within the
/// throttling window. Kept in the database, so it holds across restarts.
fn refuse_if_throttled(s: &dyn Store, username: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    let window = TimeDelta::seconds(LOGIN_THROTTLE_WINDOW_SECS);
    match s.login_blocked_until(username, now, window, LOGIN_THROTTLE_MAX_FAILURES)? {
        Some(until) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many failed attempts for this account; try again at {}",
                until.to_rfc3339()
            ),
        )),
        None => Ok(()),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    pub username: String,
    #[schema(format = Password)]
    pub password: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/session",
    tag = "session",
    operation_id = "login",
    summary = "Log in",
    description = "Checks the password (at most 10 failed attempts per account in 5 minutes, counted in the database) and opens a session, set as the `assay_session` cookie. When the user has MFA, the session must then be completed with `POST /api/v1/session/mfa`. A role that must use MFA but has not enrolled is refused (403).",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in: the session cookie is set. With MFA, complete the login with `POST /api/v1/session/mfa`.",
            body = doc::LoginResponse,
            headers(("Set-Cookie" = String, description = "The session cookie (`assay_session`, HttpOnly, SameSite=Strict)."))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
        (status = 429, response = doc::TooManyRequests),
    ),
)]
/// `POST /session`: checks the password (at most 10 guesses per account in
/// 5 minutes, counted in the database) and opens a session. With MFA the
/// session must then be completed by `POST /session/mfa`.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(b): Json<LoginBody>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let addr = ip.map(|a| a.to_string());
    let config = state.config.clone();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let outcome = state
        .blocking(move |s| {
            refuse_if_throttled(s, &b.username, now)?;
            let user = s.user_by_username(&Scope::All, &b.username).ok();
            let ok = match &user {
                Some(u) => password::verify_password(&b.password, &u.password_hash) && !u.is_disabled(),
                None => {
                    password::simulate_verify(&b.password);
                    false
                }
            };
            s.record_login_attempt(&b.username, ok, addr.as_deref(), now)?;
            let Some(user) = user.filter(|_| ok) else {
                return Err(ApiError::unauthorized("wrong username or password"));
            };
            if !user.mfa_enabled && s.mfa_required(user.role)? {
                return Err(ApiError::forbidden(format!(
                    "the {} role must use MFA; ask an administrator to run `assay user reset-mfa {}` to enrol",
                    user.role, user.username
                )));
            }
            let (token, hash) = secrets::new_token(secrets::TokenKind::Session);
            let idle = TimeDelta::from_std(config.session_idle).unwrap_or(TimeDelta::minutes(30));
            let absolute = TimeDelta::from_std(config.session_absolute).unwrap_or(TimeDelta::hours(12));
            let actor = Actor::new(user.username.clone(), format!("api {} (login)", describe(ip)));
            s.create_session(
                &actor,
                NewSession {
                    id_hash: hash,
                    user_id: user.id,
                    idle_timeout: idle,
                    absolute_expires_at: now + absolute,
                    mfa_verified: !user.mfa_enabled,
                    ip: addr.clone(),
                    user_agent,
                },
                now,
            )?;
            Ok((token, user, absolute.num_seconds()))
        })
        .await?;
    let (token, user, max_age) = outcome;
    let body = json!({"user": user_json(&user), "mfa_required": user.mfa_enabled});
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(&token, state.config.https, max_age),
    );
    Ok(response)
}

/// Give exactly one of `code` and `recovery_code`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MfaBody {
    /// A six-digit code from the authenticator app…
    pub code: Option<String>,
    /// …or one of the one-time recovery codes.
    pub recovery_code: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/session/mfa",
    tag = "session",
    operation_id = "complete_mfa",
    summary = "Complete a login with a one-time code",
    description = "Completes the session opened by `POST /api/v1/session` with a TOTP code or a recovery code. Wrong codes count as failed logins for throttling.",
    request_body = MfaBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The login is complete.", body = doc::MfaResponse),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
        (status = 429, response = doc::TooManyRequests),
    ),
)]
/// `POST /session/mfa`: completes a login with a TOTP or recovery code.
/// Wrong codes count as failed logins for throttling.
pub async fn complete_mfa(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Json(b): Json<MfaBody>,
) -> Result<Json<Value>, ApiError> {
    let addr = ip.map(|a| a.to_string());
    let cookie = cookie_value(&headers).ok_or_else(unauthorised)?;
    let hash = secrets::hash_token(&cookie);
    let now = Utc::now();
    state
        .blocking(move |s| {
            let session = s.touch_session(&hash, now)?.ok_or_else(unauthorised)?;
            let user = s.user_by_id(&Scope::All, session.user_id)?;
            refuse_if_throttled(s, &user.username, now)?;
            let actor = Actor::new(user.username.clone(), format!("api {} (mfa)", describe(ip)));
            let ok = match (&b.code, &b.recovery_code, &user.mfa_secret) {
                (Some(code), None, Some(secret)) => match totp::matching_step(secret, code, now) {
                    Some(step) => s.accept_totp_step(user.id, step)?,
                    None => false,
                },
                (None, Some(code), _) => s.use_recovery_code(&actor, user.id, &secrets::hash_recovery_code(user.id, code), now)?,
                _ => return Err(ApiError::bad_request("give either `code` or `recovery_code`")),
            };
            s.record_login_attempt(&user.username, ok, addr.as_deref(), now)?;
            if !ok {
                return Err(ApiError::unauthorized("that code is not valid"));
            }
            s.set_session_mfa_verified(&actor, &hash, now)?;
            Ok(Json(json!({"user": user_json(&user), "recovery_codes_left": s.recovery_codes_left(user.id)?})))
        })
        .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "session",
    operation_id = "logout",
    summary = "Log out",
    description = "Revokes the session and clears the cookie. A request made with an API token is refused (400): revoke tokens with `DELETE /api/v1/tokens/{id}`.",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Logged out: the session is revoked and the cookie cleared.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie."))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
    ),
)]
/// `DELETE /session`: logs out.
pub async fn logout(State(state): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    let Credential::Session { hash } = p.credential.clone() else {
        return Err(ApiError::bad_request(
            "this request used an API token; revoke it with DELETE /api/v1/tokens/{id}",
        ));
    };
    let actor = p.actor("api");
    state
        .blocking(move |s| Ok(s.revoke_session(&actor, &hash, Utc::now())?))
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie("", state.config.https, 0));
    Ok(response)
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "session",
    operation_id = "me",
    summary = "The caller's account",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The caller's account.", body = doc::Me),
        (status = 401, response = doc::Unauthorized),
    ),
)]
/// `GET /me`
pub async fn me(State(state): State<AppState>, p: Principal) -> Result<Json<Value>, ApiError> {
    let id = p.user_id;
    let user = state
        .blocking(move |s| Ok(s.user_by_id(&Scope::All, id)?))
        .await?;
    let mut v = user_json(&user);
    v["acting_role"] = json!(p.role.as_str());
    Ok(Json(v))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    #[schema(format = Password)]
    pub current: String,
    #[schema(format = Password)]
    pub new: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "session",
    operation_id = "change_password",
    summary = "Change the caller's password",
    description = "Needs the current password (403 when wrong); the new one must follow the password rules (422). Every session of the user is revoked, this one included.",
    request_body = PasswordBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Changed; every session of the user is revoked and the cookie cleared.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie."))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /me/password`: changes the caller's password; every session of the
/// user is revoked, this one included.
pub async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    Json(b): Json<PasswordBody>,
) -> Result<Response, ApiError> {
    let actor = p.actor("api");
    let id = p.user_id;
    state
        .blocking(move |s| {
            let user = s.user_by_id(&Scope::All, id)?;
            if !password::verify_password(&b.current, &user.password_hash) {
                return Err(ApiError::forbidden("the current password is wrong"));
            }
            password::check_password_rules(&b.new, &user.username)
                .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
            let hash = password::hash_password(&b.new).map_err(|_| ApiError::internal())?;
            s.set_password(&actor, &Scope::All, id, &hash, Utc::now())?;
            Ok(())
        })
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie("", state.config.https, 0));
    Ok(response)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewTokenBody {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
    /// Defaults to the caller's role; may only narrow it.
    #[schema(value_type = Option<doc::RoleName>)]
    pub role: Option<String>,
    /// Organisation slugs the token is limited to; default the caller's own.
    #[serde(default)]
    pub orgs: Vec<String>,
    /// Days until it expires (default 90, at most 365).
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

fn token_json(t: &assay_store::ApiToken) -> Value {
    json!({"id": t.id, "name": t.name, "role": t.role.as_str(), "orgs": t.orgs, "expires_at": t.expires_at,
           "last_used_at": t.last_used_at, "revoked_at": t.revoked_at, "created_at": t.created_at})
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "session",
    operation_id = "create_token",
    summary = "Create an API token",
    description = "Creates a token for the caller. Its role defaults to the caller's and may only narrow it (403 otherwise); its organisations default to the caller's. The secret is answered once; only its hash is kept.",
    request_body = NewTokenBody,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created; the secret is in `token` and is not shown again.", body = doc::NewToken),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableEntity),
    ),
)]
/// `POST /tokens`: creates an API token for the caller; the token is shown
/// once, only its hash is kept.
pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    Json(b): Json<NewTokenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let days = b.expires_in_days.unwrap_or(90);
    if !(1..=365).contains(&days) {
        return Err(ApiError::bad_request(
            "expires_in_days must be between 1 and 365",
        ));
    }
    let role = match b.role.as_deref() {
        None => p.role,
        Some(r) => {
            Role::parse(r).ok_or_else(|| ApiError::bad_request(format!("unknown role '{r}'")))?
        }
    };
    if !p.role.can_grant(role) {
        return Err(ApiError::forbidden(format!(
            "a {} cannot create a {} token",
            p.role, role
        )));
    }
    let (scope, actor, user_id) = (p.scope.clone(), p.actor("api"), p.user_id);
    state
        .blocking(move |s| {
            // A new token never reaches further than the credential creating it.
            let orgs = if b.orgs.is_empty() {
                match &scope {
                    Scope::Orgs(ids) => ids.clone(),
                    Scope::All => s.user_by_id(&Scope::All, user_id)?.orgs,
                }
            } else {
                b.orgs
                    .iter()
                    .map(|slug| s.org_by_slug(&scope, slug).map(|o| o.id))
                    .collect::<Result<Vec<Uuid>, _>>()?
            };
            let (token, hash) = secrets::new_token(secrets::TokenKind::Api);
            let now = Utc::now();
            // The owner is the caller; the store checks the role and the
            // organisations against the owner's own access.
            let t = s.create_token(
                &actor,
                &Scope::All,
                NewApiToken {
                    user_id,
                    name: b.name,
                    token_hash: hash,
                    role,
                    orgs,
                    expires_at: Some(now + TimeDelta::days(days)),
                },
                now,
            )?;
            let mut v = token_json(&t);
            v["token"] = json!(token);
            Ok((StatusCode::CREATED, Json(v)))
        })
        .await
}

/// Whose tokens a caller manages: an unrestricted provider admin everyone's
/// (`None`); anyone else, a narrowed token included, only the user's own,
/// looked up whatever the credential's scope.
fn token_owner(p: &Principal) -> Option<Uuid> {
    (p.role != Role::ProviderAdmin || p.scope != Scope::All).then_some(p.user_id)
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "session",
    operation_id = "list_tokens",
    summary = "List API tokens",
    description = "The caller's tokens; a provider admin sees every token in scope.",
    params(PageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of the tokens, by id.", body = doc::TokenPage),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
    ),
)]
/// `GET /tokens`: the caller's tokens (provider admins: everyone's in scope).
pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<Value>>, ApiError> {
    let (limit, after) = (q.limit()?, q.after()?);
    let owner = token_owner(&p);
    let list = state
        .blocking(move |s| Ok(s.list_tokens(&Scope::All, owner)?))
        .await?;
    Ok(Json(Page::of_ids(
        list,
        limit,
        after,
        |t| t.id.to_string(),
        token_json,
    )))
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "session",
    operation_id = "revoke_token",
    summary = "Revoke an API token",
    description = "Only the caller's own tokens (a provider admin: any in scope); others answer 404.",
    params(("id" = Uuid, Path, description = "The token's id.")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
    ),
)]
/// `DELETE /tokens/{id}`
pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    let actor = p.actor("api");
    let owner = token_owner(&p);
    state
        .blocking(move |s| {
            let mine = s
                .list_tokens(&Scope::All, owner)?
                .iter()
                .any(|t| t.id == id);
            if !mine || !s.revoke_token(&actor, &Scope::All, id, Utc::now())? {
                return Err(ApiError::not_found("token not found"));
            }
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
