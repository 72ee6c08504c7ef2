//! Authenticating requests: a session cookie (browsers) or a bearer API
//! token (other tools), turned into a [`Principal`] whose scope limits every
//! store call. Also the login, MFA, logout, password and token endpoints.

use crate::app::AppState;
use crate::auth::{password, secrets, totp};
use crate::client::{ClientAddr, describe};
use crate::error::ApiError;
use crate::principal::{Credential, Principal};
use assay_core::access::{LOGIN_THROTTLE_MAX_FAILURES, LOGIN_THROTTLE_WINDOW_SECS, Role};
use assay_store::{Actor, NewApiToken, NewSession, Scope, User};
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, Utc};
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
                    s.touch_token(t.id, now)?;
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

#[derive(Deserialize)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

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
            let window = TimeDelta::seconds(LOGIN_THROTTLE_WINDOW_SECS);
            if let Some(until) = s.login_blocked_until(&b.username, now, window, LOGIN_THROTTLE_MAX_FAILURES)? {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("too many failed logins for this account; try again at {}", until.to_rfc3339()),
                ));
            }
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

#[derive(Deserialize)]
pub struct MfaBody {
    /// A six-digit code from the authenticator app…
    pub code: Option<String>,
    /// …or one of the one-time recovery codes.
    pub recovery_code: Option<String>,
}

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
            let window = TimeDelta::seconds(LOGIN_THROTTLE_WINDOW_SECS);
            if let Some(until) = s.login_blocked_until(&user.username, now, window, LOGIN_THROTTLE_MAX_FAILURES)? {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("too many failed attempts; try again at {}", until.to_rfc3339()),
                ));
            }
            let actor = Actor::new(user.username.clone(), format!("api {} (mfa)", describe(ip)));
            let ok = match (&b.code, &b.recovery_code, &user.mfa_secret) {
                (Some(code), None, Some(secret)) => totp::verify_code(secret, code, now),
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

#[derive(Deserialize)]
pub struct PasswordBody {
    pub current: String,
    pub new: String,
}

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

#[derive(Deserialize)]
pub struct NewTokenBody {
    pub name: String,
    /// Defaults to the caller's role; may only narrow it.
    pub role: Option<String>,
    /// Organisation slugs the token is limited to; default the caller's own.
    #[serde(default)]
    pub orgs: Vec<String>,
    /// Days until it expires (default 90, at most 365).
    pub expires_in_days: Option<i64>,
}

fn token_json(t: &assay_store::ApiToken) -> Value {
    json!({"id": t.id, "name": t.name, "role": t.role.as_str(), "orgs": t.orgs, "expires_at": t.expires_at,
           "last_used_at": t.last_used_at, "revoked_at": t.revoked_at, "created_at": t.created_at})
}

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
            let orgs = if b.orgs.is_empty() {
                s.user_by_id(&Scope::All, user_id)?.orgs
            } else {
                b.orgs
                    .iter()
                    .map(|slug| s.org_by_slug(&scope, slug).map(|o| o.id))
                    .collect::<Result<Vec<Uuid>, _>>()?
            };
            let (token, hash) = secrets::new_token(secrets::TokenKind::Api);
            let now = Utc::now();
            let t = s.create_token(
                &actor,
                &scope,
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

/// `GET /tokens`: the caller's tokens (provider admins: everyone's in scope).
pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<Value>>, ApiError> {
    let owner = (p.role != Role::ProviderAdmin).then_some(p.user_id);
    let scope = p.scope.clone();
    let list = state
        .blocking(move |s| Ok(s.list_tokens(&scope, owner)?))
        .await?;
    Ok(Json(list.iter().map(token_json).collect()))
}

/// `DELETE /tokens/{id}`
pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    let (scope, actor) = (p.scope.clone(), p.actor("api"));
    let owner = (p.role != Role::ProviderAdmin).then_some(p.user_id);
    state
        .blocking(move |s| {
            let mine = s.list_tokens(&scope, owner)?.iter().any(|t| t.id == id);
            if !mine || !s.revoke_token(&actor, &scope, id, Utc::now())? {
                return Err(ApiError::not_found("token not found"));
            }
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
