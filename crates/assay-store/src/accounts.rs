//! Accounts and credentials for `assay serve`: users with their role and
//! organisations, MFA, recovery codes, sessions, API tokens and the login
//! throttle. [`AccountStore`] is the interface; every [`Store`](crate::Store)
//! implements it.
//!
//! The store never sees a plaintext credential: callers pass the PHC string
//! of a password hash (Argon2id) and the SHA-256 (64 hex digits) of session
//! secrets, API tokens and recovery codes, which must be deterministic so
//! they can be looked up. The TOTP secret is the exception, since TOTP needs
//! it; it is stored as given (the server may encrypt it first). None of these
//! values ever goes into the audit log, and the `Debug` output of the types
//! here leaves them out so they do not end up in logs either.
//!
//! Admin operations take a [`Scope`]: a user is visible in a scope that
//! grants every organisation, or when the user is limited to organisations
//! that are all inside the scope. Provider admins and unlimited technicians
//! and auditors are therefore visible only to callers with `Scope::All`.

use crate::{Actor, Result, Scope};
use assay_core::access::{OrgAccess, Role};
use chrono::{DateTime, TimeDelta, Utc};
use std::fmt;
use uuid::Uuid;

impl From<OrgAccess> for Scope {
    fn from(a: OrgAccess) -> Scope {
        match a {
            OrgAccess::All => Scope::All,
            OrgAccess::Orgs(ids) => Scope::Orgs(ids),
        }
    }
}

/// A user account.
#[derive(Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    /// As entered; matched without regard to case.
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The organisations the user is limited to (sorted); see
    /// [`assay_core::access::org_access`] for what an empty list means.
    pub orgs: Vec<Uuid>,
    /// PHC string of the password hash.
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    /// The TOTP secret, once enrolment has started.
    pub mfa_secret: Option<String>,
    /// Whether logins must pass TOTP (set once enrolment is confirmed).
    pub mfa_enabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    /// Whether a caller with `scope` may see (and administer) this user.
    pub fn visible_in(&self, scope: &Scope) -> bool {
        match scope {
            Scope::All => true,
            Scope::Orgs(_) => !self.orgs.is_empty() && self.orgs.iter().all(|o| scope.allows(*o)),
        }
    }

    /// The organisation a client user belongs to (for the audit log's
    /// organisation column); `None` for provider-side users.
    pub fn client_org(&self) -> Option<Uuid> {
        match (self.role.is_provider_side(), self.orgs.as_slice()) {
            (false, [org]) => Some(*org),
            _ => None,
        }
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("orgs", &self.orgs)
            .field("password_hash", &"<redacted>")
            .field("password_changed_at", &self.password_changed_at)
            .field(
                "mfa_secret",
                &self.mfa_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("mfa_enabled", &self.mfa_enabled)
            .field("disabled_at", &self.disabled_at)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A user to create.
#[derive(Clone)]
pub struct NewUser {
    /// 1–64 ASCII letters, digits and `.-_@+`, starting with a letter or
    /// digit (see [`validate_username`]).
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub orgs: Vec<Uuid>,
    /// PHC string of the password hash (`$argon2id$…`).
    pub password_hash: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("orgs", &self.orgs)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// Checks a username: 1–64 ASCII letters, digits and `.`, `-`, `_`, `@`,
/// `+`, starting with a letter or digit. ASCII only, so that "the same name
/// in another case" means one thing everywhere (SQLite's `NOCASE` folds
/// ASCII only).
pub fn validate_username(name: &str) -> std::result::Result<(), String> {
    let ok = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_@+".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid username (1-64 ASCII letters, digits and . - _ @ +, starting with a letter or digit)"
        ))
    }
}

/// A browser session. The browser holds the secret; the store holds its
/// SHA-256 (`id_hash`) and a public `id` for listing and the audit log.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub id: Uuid,
    pub id_hash: String,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// How long the session survives without use.
    pub idle_timeout: TimeDelta,
    /// `last_seen_at + idle_timeout`, capped at `absolute_expires_at`.
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    /// Whether the second factor was passed (or was not needed) for this
    /// session; a session that still awaits TOTP reaches nothing else.
    pub mfa_verified: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Session {
    /// Whether the session may be used at `now`: not revoked, and neither
    /// its idle nor its absolute expiry has passed. (MFA is checked apart.)
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.idle_expires_at && now < self.absolute_expires_at
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("id_hash", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("idle_timeout", &self.idle_timeout)
            .field("idle_expires_at", &self.idle_expires_at)
            .field("absolute_expires_at", &self.absolute_expires_at)
            .field("mfa_verified", &self.mfa_verified)
            .field("revoked_at", &self.revoked_at)
            .field("ip", &self.ip)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A session to create.
#[derive(Clone)]
pub struct NewSession {
    /// SHA-256 of the session secret, 64 hex digits.
    pub id_hash: String,
    pub user_id: Uuid,
    /// Positive, at most a year.
    pub idle_timeout: TimeDelta,
    /// Must be after the creation time.
    pub absolute_expires_at: DateTime<Utc>,
    pub mfa_verified: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("id_hash", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("idle_timeout", &self.idle_timeout)
            .field("absolute_expires_at", &self.absolute_expires_at)
            .field("mfa_verified", &self.mfa_verified)
            .field("ip", &self.ip)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// An API token. It acts with its own role and organisations, which never
/// reach further than its owner's (checked when it is created, and
/// [`AccountStore::token_scope`] intersects the two when it is used).
#[derive(Clone, PartialEq)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// SHA-256 of the token, 64 hex digits.
    pub token_hash: String,
    pub role: Role,
    /// Sorted; empty means every organisation the role allows.
    pub orgs: Vec<Uuid>,
    /// `None`: does not expire.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl ApiToken {
    /// Whether the token may be used at `now`: not revoked and not expired.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }

    /// Whether a use at `now` should be recorded. `last_used_at` is kept to
    /// the minute: writing it on every request would put each API call
    /// through the single database writer.
    pub fn use_worth_recording(&self, now: DateTime<Utc>) -> bool {
        self.last_used_at
            .is_none_or(|last| now - last >= TimeDelta::seconds(TOKEN_USE_RESOLUTION_SECS))
    }
}

/// How precisely an API token's last use is recorded, in seconds.
pub const TOKEN_USE_RESOLUTION_SECS: i64 = 60;

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiToken")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("token_hash", &"<redacted>")
            .field("role", &self.role)
            .field("orgs", &self.orgs)
            .field("expires_at", &self.expires_at)
            .field("last_used_at", &self.last_used_at)
            .field("revoked_at", &self.revoked_at)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// An API token to create.
#[derive(Clone)]
pub struct NewApiToken {
    pub user_id: Uuid,
    /// What it is for ("backup sync"); 1–100 characters.
    pub name: String,
    /// SHA-256 of the token, 64 hex digits.
    pub token_hash: String,
    /// A role the owner may grant ([`Role::can_grant`]).
    pub role: Role,
    /// Within the owner's organisations; empty means every organisation
    /// the role allows, which only an unlimited owner may give.
    pub orgs: Vec<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiToken")
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("token_hash", &"<redacted>")
            .field("role", &self.role)
            .field("orgs", &self.orgs)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Failed logins for one account inside a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    /// The oldest failure counted.
    pub oldest: Option<DateTime<Utc>>,
}

/// Accounts, credentials and the login throttle. Methods that change state
/// take the [`Actor`] and write one audit entry in the same transaction;
/// recording login attempts and touching sessions and tokens are not
/// audited. Times are stored to the second.
pub trait AccountStore: Send + Sync {
    // Users.
    /// Creates a user. Fails with `Conflict` when the username is taken in
    /// any case, `Invalid` when the role and organisations do not fit
    /// together, `NotFound` when a listed organisation is outside `scope`.
    fn create_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewUser,
        now: DateTime<Utc>,
    ) -> Result<User>;
    /// `NotFound` when the user does not exist or is not visible in `scope`.
    fn user_by_id(&self, scope: &Scope, id: Uuid) -> Result<User>;
    /// Matches the username without regard to case.
    fn user_by_username(&self, scope: &Scope, username: &str) -> Result<User>;
    /// The users visible in `scope`, by username.
    fn list_users(&self, scope: &Scope) -> Result<Vec<User>>;
    /// Changes a user's role and organisations; revokes the user's sessions
    /// and API tokens, which were granted under the old access.
    fn set_user_access(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        role: Role,
        orgs: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<User>;
    /// Replaces the password hash and revokes every session of the user
    /// (API tokens stay). Returns the number of sessions revoked.
    fn set_password(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<usize>;
    /// Disables a user and revokes its sessions and API tokens. `Conflict`
    /// when it is disabled already.
    fn disable_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Enables a disabled user (revoked sessions and tokens stay revoked).
    /// `Conflict` when it is not disabled.
    fn enable_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // MFA.
    /// Records that a TOTP code of time step `step` was accepted for `user`;
    /// false if that step or a later one was accepted before (a replayed
    /// code, RFC 6238 §5.2). Atomic, so two servers cannot both accept it.
    fn accept_totp_step(&self, user: Uuid, step: u64) -> Result<bool>;
    /// Sets the TOTP secret and whether MFA is on: `(Some, false)` while
    /// enrolling, `(Some, true)` once confirmed, `(None, false)` to remove
    /// MFA (which also deletes the recovery codes). `(None, true)` is
    /// `Invalid`.
    fn set_mfa(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        secret: Option<String>,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Replaces all of a user's recovery codes by these hashes (64 hex
    /// digits each, no repeats).
    fn replace_recovery_codes(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        code_hashes: &[String],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Uses up a recovery code: `true` the first time a valid hash is
    /// given, `false` for an unknown or already used one.
    fn use_recovery_code(
        &self,
        actor: &Actor,
        user: Uuid,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// How many unused recovery codes the user has.
    fn recovery_codes_left(&self, user: Uuid) -> Result<usize>;
    /// Whether users of `role` must use MFA (the stored policy, else
    /// [`Role::requires_mfa_by_default`]).
    fn mfa_required(&self, role: Role) -> Result<bool>;
    fn set_mfa_required(&self, actor: &Actor, role: Role, required: bool) -> Result<()>;

    // Sessions.
    /// Creates a session (a login) for a user that is not disabled.
    fn create_session(&self, actor: &Actor, new: NewSession, now: DateTime<Utc>)
    -> Result<Session>;
    /// The stored session, valid or not: check [`Session::is_valid_at`].
    fn session_by_hash(&self, id_hash: &str) -> Result<Option<Session>>;
    /// Records use of a valid session and slides its idle expiry; `None`
    /// (and nothing changed) when the session is unknown, revoked or
    /// expired at `now`.
    fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>>;
    /// Marks a valid session as having passed MFA (the second login step).
    fn set_session_mfa_verified(
        &self,
        actor: &Actor,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Session>;
    /// A user's sessions, newest first, valid or not.
    fn list_sessions(&self, scope: &Scope, user: Uuid) -> Result<Vec<Session>>;
    /// Revokes one session (logout). `false` when it is unknown or was
    /// revoked already; nothing is audited then.
    fn revoke_session(&self, actor: &Actor, id_hash: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Revokes a session by its public id; `NotFound` unless its user is
    /// visible in `scope`, `false` when it was revoked already.
    fn revoke_session_by_id(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Revokes every session of a user; the number revoked.
    fn revoke_user_sessions(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<usize>;

    // API tokens.
    /// Creates a token for a user that is not disabled. `Invalid` when the
    /// owner may not grant the role, or the organisations reach beyond the
    /// owner's or do not fit the role.
    fn create_token(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewApiToken,
        now: DateTime<Utc>,
    ) -> Result<ApiToken>;
    /// The stored token, valid or not: check [`ApiToken::is_valid_at`].
    fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>>;
    /// Records that a token was used.
    fn touch_token(&self, id: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// `NotFound` unless the owner is visible in `scope`; `false` when it was
    /// revoked already.
    fn revoke_token(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Tokens whose owner is visible in `scope` (only `user`'s if given),
    /// oldest first.
    fn list_tokens(&self, scope: &Scope, user: Option<Uuid>) -> Result<Vec<ApiToken>>;

    // Tenant scope of a principal.
    /// The organisations a user reaches.
    fn user_scope(&self, user: &User) -> Result<Scope>;
    /// The organisations a token reaches: its own access, within its owner's.
    fn token_scope(&self, token: &ApiToken, owner: &User) -> Result<Scope>;

    // Login throttling.
    /// Records one login attempt for `username` (any case; need not exist).
    fn record_login_attempt(
        &self,
        username: &str,
        success: bool,
        ip: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Failed attempts for `username` at or after `since`.
    fn failed_logins_since(&self, username: &str, since: DateTime<Utc>) -> Result<LoginFailures>;
    /// When `username` may try again, if it has `max_failures` or more
    /// failures in the `window` before `now`: the time the oldest failure
    /// that keeps it at the limit leaves the window. `None`: it may try now.
    fn login_blocked_until(
        &self,
        username: &str,
        now: DateTime<Utc>,
        window: TimeDelta,
        max_failures: u32,
    ) -> Result<Option<DateTime<Utc>>>;
    /// Deletes login attempts older than `before`, and sessions that were
    /// revoked or expired before it. The number of rows deleted.
    fn prune_auth_records(&self, before: DateTime<Utc>) -> Result<usize>;
}
