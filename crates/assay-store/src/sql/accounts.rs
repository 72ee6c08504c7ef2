//! [`AccountStore`] on SQLite: users, MFA, sessions, API tokens and the login
//! throttle (migration `0003_auth.sql`). Every change is one transaction with
//! its audit entry; audit entries describe what changed without any hash or
//! secret.

use super::convert::{check_hash, opt_time, parse_time_col, parse_uuid_col, truncate, ts};
use super::db::{Db, DbRow, params};
use super::{ORG_SELECT, SqlStore, append_audit, org_row};
use crate::accounts::{
    AccountStore, ApiToken, LoginFailures, NewApiToken, NewSession, NewUser, Session, User,
    validate_username,
};
use crate::{Actor, Result, Scope, StoreError};
use assay_core::access::{OrgAccess, Role, org_access};
use assay_core::org::Organisation;
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The longest idle timeout a session may have.
const MAX_IDLE: TimeDelta = TimeDelta::days(365);
/// Longest stored user agent; the rest is dropped (the client chooses it).
const MAX_USER_AGENT: usize = 512;
/// Longest stored address or attempted username (both come from outside).
const MAX_SHORT: usize = 256;

/// `t` at the precision times are stored with.
fn to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("role '{s}'")))
}

fn ids_json(ids: &[Uuid]) -> Json {
    ids.iter().map(|i| Json::String(i.to_string())).collect()
}

/// Refuses anything that is not a PHC string (`$argon2id$v=19$…`).
fn check_password_hash(h: &str) -> Result<()> {
    if h.starts_with('$') && h.matches('$').count() >= 3 && !h.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "a password hash must be a PHC string ($argon2id$...); the store never takes a password"
                .into(),
        ))
    }
}

fn scope_access(scope: &Scope) -> OrgAccess {
    match scope {
        Scope::All => OrgAccess::All,
        Scope::Orgs(ids) => OrgAccess::Orgs(ids.clone()),
    }
}

/// The organisations among `lists` that exist: all that working out an
/// access needs, so a request need not read every organisation.
fn orgs_among(conn: &dyn Db, lists: &[&[Uuid]]) -> Result<Vec<Organisation>> {
    let mut ids: Vec<Uuid> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    ids.sort();
    ids.dedup();
    let sql = format!("{ORG_SELECT} WHERE id = ?1");
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(o) = conn.query_row(&sql, params![id.to_string()], org_row)? {
            out.push(o);
        }
    }
    Ok(out)
}

/// What `role` with `orgs` reaches; `Invalid` when they do not fit.
fn access_of(all: &[Organisation], role: Role, orgs: &[Uuid]) -> Result<OrgAccess> {
    org_access(role, orgs, all).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The organisations to store for an access: none when it is unlimited.
fn listed(access: OrgAccess) -> Vec<Uuid> {
    match access {
        OrgAccess::All => Vec::new(),
        OrgAccess::Orgs(ids) => ids,
    }
}

/// Validates a role and organisations given by a caller with `scope`.
fn granted_access(conn: &dyn Db, scope: &Scope, role: Role, orgs: &[Uuid]) -> Result<Vec<Uuid>> {
    if let Some(o) = orgs.iter().find(|o| !scope.allows(**o)) {
        return Err(StoreError::NotFound(format!("organisation {o}")));
    }
    let access = access_of(&orgs_among(conn, &[orgs])?, role, orgs)?;
    if !access.within(&scope_access(scope)) {
        return Err(StoreError::Invalid(format!(
            "a {} without listed organisations reaches every organisation, which this caller does not",
            role.label()
        )));
    }
    Ok(listed(access))
}

// Users.

const USER_SELECT: &str = "SELECT id, username, display_name, role, password_hash, password_changed_at, mfa_secret, mfa_enabled, disabled_at, created_at FROM users";

/// A user without its organisations (see [`with_orgs`]).
fn user_row(r: &dyn DbRow) -> Result<User> {
    let (id, role, changed, disabled, created): (String, String, String, Option<String>, String) =
        (r.get(0)?, r.get(3)?, r.get(5)?, r.get(8)?, r.get(9)?);
    let (username, display_name, password_hash, mfa_secret, mfa_enabled) =
        (r.get(1)?, r.get(2)?, r.get(4)?, r.get(6)?, r.get(7)?);
    Ok(User {
        id: parse_uuid_col(&id)?,
        username,
        display_name,
        role: parse_role(&role)?,
        orgs: Vec::new(),
        password_hash,
        password_changed_at: parse_time_col(&changed)?,
        mfa_secret,
        mfa_enabled,
        disabled_at: opt_time(disabled)?,
        created_at: parse_time_col(&created)?,
    })
}

fn id_list(conn: &dyn Db, sql: &str, id: Uuid) -> Result<Vec<Uuid>> {
    let mut ids = conn.query(sql, params![id.to_string()], |r| {
        parse_uuid_col(&r.get::<String>(0)?)
    })?;
    ids.sort();
    Ok(ids)
}

fn with_orgs(conn: &dyn Db, mut u: User) -> Result<User> {
    u.orgs = id_list(
        conn,
        "SELECT org_id FROM user_orgs WHERE user_id = ?1",
        u.id,
    )?;
    Ok(u)
}

/// The user, if it exists and is visible in `scope`.
fn find_user(conn: &dyn Db, scope: &Scope, id: Uuid) -> Result<Option<User>> {
    let found = conn.query_row(
        &format!("{USER_SELECT} WHERE id = ?1"),
        params![id.to_string()],
        user_row,
    )?;
    Ok(match found {
        Some(u) => Some(with_orgs(conn, u)?).filter(|u| u.visible_in(scope)),
        None => None,
    })
}

fn get_user(conn: &dyn Db, scope: &Scope, id: Uuid) -> Result<User> {
    find_user(conn, scope, id)?.ok_or_else(|| StoreError::NotFound(format!("user {id}")))
}

/// Every user visible in `scope`, by username.
/// The organisation lists of a link table (`sql` selects owner id and
/// organisation id), per owner, each sorted.
fn org_lists(conn: &dyn Db, sql: &str) -> Result<HashMap<Uuid, Vec<Uuid>>> {
    let mut lists: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    conn.each(sql, params![], &mut |r| {
        lists
            .entry(parse_uuid_col(&r.get::<String>(0)?)?)
            .or_default()
            .push(parse_uuid_col(&r.get::<String>(1)?)?);
        Ok(())
    })?;
    for list in lists.values_mut() {
        list.sort();
    }
    Ok(lists)
}

fn users_in(conn: &dyn Db, scope: &Scope) -> Result<Vec<User>> {
    let mut users = conn.query(
        &format!("{USER_SELECT} ORDER BY username, id"),
        params![],
        user_row,
    )?;
    let mut orgs = org_lists(conn, "SELECT user_id, org_id FROM user_orgs")?;
    for u in &mut users {
        u.orgs = orgs.remove(&u.id).unwrap_or_default();
    }
    users.retain(|u| u.visible_in(scope));
    Ok(users)
}

/// The user as the audit log shows it: no password hash, no MFA secret.
fn user_json(u: &User) -> Json {
    json!({"username": u.username, "display_name": u.display_name, "role": u.role.as_str(),
           "orgs": ids_json(&u.orgs), "mfa_enabled": u.mfa_enabled,
           "disabled_at": u.disabled_at.map(ts)})
}

fn insert_user_orgs(tx: &dyn Db, user: Uuid, orgs: &[Uuid]) -> Result<()> {
    tx.execute(
        "DELETE FROM user_orgs WHERE user_id = ?1",
        params![user.to_string()],
    )?;
    for o in orgs {
        tx.execute(
            "INSERT INTO user_orgs (user_id, org_id) VALUES (?1, ?2)",
            params![user.to_string(), o.to_string()],
        )?;
    }
    Ok(())
}

/// Refuses to take away the last provider admin who can sign in, which
/// would leave only the command line to recover the deployment.
fn keep_an_admin(tx: &dyn Db, u: &User) -> Result<()> {
    if u.role != Role::ProviderAdmin || u.is_disabled() {
        return Ok(());
    }
    let others: i64 = tx.query_one(
        "SELECT COUNT(*) FROM users WHERE role = 'provider_admin' AND disabled_at IS NULL AND id <> ?1",
        params![u.id.to_string()],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(StoreError::Conflict(format!(
            "'{}' is the last provider admin who can sign in; make another first",
            u.username
        )));
    }
    Ok(())
}

/// Revokes the user's sessions that are still live; how many.
fn revoke_sessions(tx: &dyn Db, user: Uuid, now: DateTime<Utc>) -> Result<usize> {
    tx.execute(
        "UPDATE sessions SET revoked_at = ?1
         WHERE user_id = ?2 AND revoked_at IS NULL AND idle_expires_at > ?1 AND absolute_expires_at > ?1",
        params![ts(now), user.to_string()],
    )
}

/// Revokes the user's API tokens that are still live; how many.
fn revoke_tokens(tx: &dyn Db, user: Uuid, now: DateTime<Utc>) -> Result<usize> {
    tx.execute(
        "UPDATE api_tokens SET revoked_at = ?1
         WHERE user_id = ?2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)",
        params![ts(now), user.to_string()],
    )
}

fn mfa_json(u: &User) -> Json {
    json!({"mfa_enabled": u.mfa_enabled, "mfa_secret_set": u.mfa_secret.is_some()})
}

fn unused_codes(conn: &dyn Db, user: Uuid) -> Result<usize> {
    let n: i64 = conn.query_one(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
        params![user.to_string()],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

// Sessions.

const SESSION_SELECT: &str = "SELECT id, id_hash, user_id, created_at, last_seen_at, idle_timeout_secs, idle_expires_at, absolute_expires_at, mfa_verified, revoked_at, ip, user_agent FROM sessions";

fn session_row(r: &dyn DbRow) -> Result<Session> {
    let (id, user, created, seen, idle_secs, idle_exp, abs_exp): (
        String,
        String,
        String,
        String,
        i64,
        String,
        String,
    ) = (
        r.get(0)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    );
    let revoked: Option<String> = r.get(9)?;
    let (id_hash, mfa_verified, ip, user_agent) = (r.get(1)?, r.get(8)?, r.get(10)?, r.get(11)?);
    Ok(Session {
        id: parse_uuid_col(&id)?,
        id_hash,
        user_id: parse_uuid_col(&user)?,
        created_at: parse_time_col(&created)?,
        last_seen_at: parse_time_col(&seen)?,
        idle_timeout: TimeDelta::seconds(idle_secs),
        idle_expires_at: parse_time_col(&idle_exp)?,
        absolute_expires_at: parse_time_col(&abs_exp)?,
        mfa_verified,
        revoked_at: opt_time(revoked)?,
        ip,
        user_agent,
    })
}

fn session_where(conn: &dyn Db, column: &str, value: &str) -> Result<Option<Session>> {
    conn.query_row(
        &format!("{SESSION_SELECT} WHERE {column} = ?1"),
        params![value],
        session_row,
    )
}

/// Marks one session revoked and audits it; `false` if it was already.
fn revoke_one_session(
    tx: &dyn Db,
    actor: &Actor,
    s: &Session,
    user: &User,
    now: DateTime<Utc>,
) -> Result<bool> {
    if s.revoked_at.is_some() {
        return Ok(false);
    }
    // Another node may have revoked it since it was read.
    let changed = tx.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
        params![ts(now), s.id.to_string()],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    append_audit(
        tx,
        actor,
        "session.revoke",
        user.client_org(),
        &user.username,
        json!({"session": s.id.to_string()}),
        json!({"session": s.id.to_string(), "revoked_at": ts(now)}),
    )?;
    Ok(true)
}

// API tokens.

const TOKEN_SELECT: &str = "SELECT id, user_id, name, token_hash, role, expires_at, last_used_at, revoked_at, created_at FROM api_tokens";

/// A token without its organisations (see [`with_token_orgs`]).
fn token_row(r: &dyn DbRow) -> Result<ApiToken> {
    let (id, user, role, created): (String, String, String, String) =
        (r.get(0)?, r.get(1)?, r.get(4)?, r.get(8)?);
    let (expires, used, revoked): (Option<String>, Option<String>, Option<String>) =
        (r.get(5)?, r.get(6)?, r.get(7)?);
    let (name, token_hash) = (r.get(2)?, r.get(3)?);
    Ok(ApiToken {
        id: parse_uuid_col(&id)?,
        user_id: parse_uuid_col(&user)?,
        name,
        token_hash,
        role: parse_role(&role)?,
        orgs: Vec::new(),
        expires_at: opt_time(expires)?,
        last_used_at: opt_time(used)?,
        revoked_at: opt_time(revoked)?,
        created_at: parse_time_col(&created)?,
    })
}

fn with_token_orgs(conn: &dyn Db, mut t: ApiToken) -> Result<ApiToken> {
    t.orgs = id_list(
        conn,
        "SELECT org_id FROM api_token_orgs WHERE token_id = ?1",
        t.id,
    )?;
    Ok(t)
}

fn token_where(conn: &dyn Db, column: &str, value: &str) -> Result<Option<ApiToken>> {
    match conn.query_row(
        &format!("{TOKEN_SELECT} WHERE {column} = ?1"),
        params![value],
        token_row,
    )? {
        Some(t) => Ok(Some(with_token_orgs(conn, t)?)),
        None => Ok(None),
    }
}

fn token_json(t: &ApiToken, owner: &User) -> Json {
    json!({"name": t.name, "user": owner.username, "role": t.role.as_str(),
           "orgs": ids_json(&t.orgs), "expires_at": t.expires_at.map(ts),
           "revoked_at": t.revoked_at.map(ts)})
}

/// The organisation a client-role token belongs to, for the audit log.
fn token_org(t: &ApiToken) -> Option<Uuid> {
    match (t.role.is_provider_side(), t.orgs.as_slice()) {
        (false, [org]) => Some(*org),
        _ => None,
    }
}

fn normalise_username(name: &str) -> String {
    truncate(Some(name.trim().to_lowercase()), MAX_SHORT).unwrap_or_default()
}

impl AccountStore for SqlStore {
    fn create_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewUser,
        now: DateTime<Utc>,
    ) -> Result<User> {
        validate_username(&new.username).map_err(StoreError::Invalid)?;
        let display_name = new.display_name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            return Err(StoreError::Invalid(format!(
                "user '{}' needs a display name of at most 200 characters",
                new.username
            )));
        }
        check_password_hash(&new.password_hash)?;
        let now = to_second(now);
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let orgs = granted_access(&tx, scope, new.role, &new.orgs)?;
        let taken: Option<String> = tx.query_row(
            "SELECT username FROM users WHERE username = ?1",
            params![&new.username],
            |r| r.get(0),
        )?;
        if let Some(existing) = taken {
            return Err(StoreError::Conflict(format!(
                "user '{existing}' already exists"
            )));
        }
        let user = User {
            id: Uuid::now_v7(),
            username: new.username,
            display_name,
            role: new.role,
            orgs,
            password_hash: new.password_hash,
            password_changed_at: now,
            mfa_secret: None,
            mfa_enabled: false,
            disabled_at: None,
            created_at: now,
        };
        tx.execute(
            "INSERT INTO users (id, username, display_name, role, password_hash, password_changed_at, mfa_enabled, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?6)",
            params![
                user.id.to_string(),
                user.username,
                user.display_name,
                user.role.as_str(),
                user.password_hash,
                ts(now)
            ],
        )?;
        insert_user_orgs(&tx, user.id, &user.orgs)?;
        append_audit(
            &tx,
            actor,
            "user.create",
            user.client_org(),
            &user.username,
            Json::Null,
            user_json(&user),
        )?;
        tx.commit()?;
        Ok(user)
    }

    fn user_by_id(&self, scope: &Scope, id: Uuid) -> Result<User> {
        get_user(&*self.reader()?, scope, id)
    }

    fn user_by_username(&self, scope: &Scope, username: &str) -> Result<User> {
        let conn = self.reader()?;
        let found = conn.query_row(
            &format!("{USER_SELECT} WHERE username = ?1"),
            params![username.trim()],
            user_row,
        )?;
        match found {
            Some(u) => Some(with_orgs(&conn, u)?).filter(|u| u.visible_in(scope)),
            None => None,
        }
        .ok_or_else(|| StoreError::NotFound(format!("user '{}'", username.trim())))
    }

    fn list_users(&self, scope: &Scope) -> Result<Vec<User>> {
        users_in(&*self.reader()?, scope)
    }

    fn set_user_access(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        role: Role,
        orgs: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<User> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let before = get_user(&tx, scope, user)?;
        let orgs = granted_access(&tx, scope, role, orgs)?;
        if role != Role::ProviderAdmin {
            keep_an_admin(&tx, &before)?;
        }
        tx.execute(
            "UPDATE users SET role = ?1 WHERE id = ?2",
            params![role.as_str(), &user.to_string()],
        )?;
        insert_user_orgs(&tx, user, &orgs)?;
        let sessions = revoke_sessions(&tx, user, now)?;
        let tokens = revoke_tokens(&tx, user, now)?;
        let after = User {
            role,
            orgs,
            ..before.clone()
        };
        append_audit(
            &tx,
            actor,
            "user.access",
            after.client_org().or(before.client_org()),
            &after.username,
            json!({"role": before.role.as_str(), "orgs": ids_json(&before.orgs)}),
            json!({"role": after.role.as_str(), "orgs": ids_json(&after.orgs),
                   "sessions_revoked": sessions, "tokens_revoked": tokens}),
        )?;
        tx.commit()?;
        Ok(after)
    }

    fn set_password(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        check_password_hash(password_hash)?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        tx.execute(
            "UPDATE users SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3",
            params![password_hash, ts(now), user.to_string()],
        )?;
        let sessions = revoke_sessions(&tx, user, now)?;
        append_audit(
            &tx,
            actor,
            "user.password",
            u.client_org(),
            &u.username,
            json!({"password_changed_at": ts(u.password_changed_at)}),
            json!({"password_changed_at": ts(now), "sessions_revoked": sessions}),
        )?;
        tx.commit()?;
        Ok(sessions)
    }

    fn disable_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        if u.is_disabled() {
            return Err(StoreError::Conflict(format!(
                "user '{}' is already disabled",
                u.username
            )));
        }
        keep_an_admin(&tx, &u)?;
        tx.execute(
            "UPDATE users SET disabled_at = ?1 WHERE id = ?2",
            params![ts(now), user.to_string()],
        )?;
        let sessions = revoke_sessions(&tx, user, now)?;
        let tokens = revoke_tokens(&tx, user, now)?;
        let after = User {
            disabled_at: Some(to_second(now)),
            ..u.clone()
        };
        let mut after_json = user_json(&after);
        after_json["sessions_revoked"] = json!(sessions);
        after_json["tokens_revoked"] = json!(tokens);
        append_audit(
            &tx,
            actor,
            "user.disable",
            u.client_org(),
            &u.username,
            user_json(&u),
            after_json,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn enable_user(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        _now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        if !u.is_disabled() {
            return Err(StoreError::Conflict(format!(
                "user '{}' is not disabled",
                u.username
            )));
        }
        tx.execute(
            "UPDATE users SET disabled_at = NULL WHERE id = ?1",
            params![user.to_string()],
        )?;
        let after = User {
            disabled_at: None,
            ..u.clone()
        };
        append_audit(
            &tx,
            actor,
            "user.enable",
            u.client_org(),
            &u.username,
            user_json(&u),
            user_json(&after),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn accept_totp_step(&self, user: Uuid, step: u64) -> Result<bool> {
        let conn = self.conn()?;
        let step = i64::try_from(step)
            .map_err(|_| StoreError::Invalid("TOTP step out of range".into()))?;
        let changed = conn.execute(
            "UPDATE users SET mfa_last_step = ?2 WHERE id = ?1 AND (mfa_last_step IS NULL OR mfa_last_step < ?2)",
            params![user.to_string(), step],
        )?;
        Ok(changed == 1)
    }

    fn set_mfa(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        secret: Option<String>,
        enabled: bool,
        _now: DateTime<Utc>,
    ) -> Result<()> {
        if secret.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(StoreError::Invalid("an MFA secret cannot be empty".into()));
        }
        if enabled && secret.is_none() {
            return Err(StoreError::Invalid(
                "MFA cannot be enabled without a secret".into(),
            ));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        tx.execute(
            "UPDATE users SET mfa_secret = ?1, mfa_enabled = ?2, mfa_last_step = NULL WHERE id = ?3",
            params![secret, enabled, user.to_string()],
        )?;
        let mut codes_deleted = 0;
        if secret.is_none() {
            codes_deleted = tx.execute(
                "DELETE FROM recovery_codes WHERE user_id = ?1",
                params![user.to_string()],
            )?;
        }
        let after = User {
            mfa_secret: secret,
            mfa_enabled: enabled,
            ..u.clone()
        };
        let mut after_json = mfa_json(&after);
        if codes_deleted > 0 {
            after_json["recovery_codes_deleted"] = json!(codes_deleted);
        }
        append_audit(
            &tx,
            actor,
            "user.mfa",
            u.client_org(),
            &u.username,
            mfa_json(&u),
            after_json,
        )?;
        tx.commit()?;
        Ok(())
    }

    fn replace_recovery_codes(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        code_hashes: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        for h in code_hashes {
            check_hash(h, "a recovery code hash")?;
        }
        let distinct: std::collections::BTreeSet<&String> = code_hashes.iter().collect();
        if distinct.len() != code_hashes.len() {
            return Err(StoreError::Invalid(
                "recovery code hashes must not repeat".into(),
            ));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        let before = unused_codes(&tx, user)?;
        tx.execute(
            "DELETE FROM recovery_codes WHERE user_id = ?1",
            params![user.to_string()],
        )?;
        for h in code_hashes {
            tx.execute(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
                params![user.to_string(), h, ts(now)],
            )?;
        }
        append_audit(
            &tx,
            actor,
            "user.recovery_codes",
            u.client_org(),
            &u.username,
            json!({"unused": before}),
            json!({"unused": code_hashes.len()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn use_recovery_code(
        &self,
        actor: &Actor,
        user: Uuid,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, &Scope::All, user)?;
        let used = tx.execute(
            "UPDATE recovery_codes SET used_at = ?1
             WHERE user_id = ?2 AND code_hash = ?3 AND used_at IS NULL",
            params![ts(now), user.to_string(), code_hash],
        )?;
        if used == 0 {
            return Ok(false);
        }
        let left = unused_codes(&tx, user)?;
        append_audit(
            &tx,
            actor,
            "user.recovery_code_use",
            u.client_org(),
            &u.username,
            json!({"unused": left + 1}),
            json!({"unused": left}),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn recovery_codes_left(&self, user: Uuid) -> Result<usize> {
        unused_codes(&*self.reader()?, user)
    }

    fn mfa_required(&self, role: Role) -> Result<bool> {
        let conn = self.reader()?;
        let stored: Option<bool> = conn.query_row(
            "SELECT required FROM mfa_policy WHERE role = ?1",
            params![role.as_str()],
            |r| r.get(0),
        )?;
        Ok(stored.unwrap_or(role.requires_mfa_by_default()))
    }

    fn set_mfa_required(&self, actor: &Actor, role: Role, required: bool) -> Result<()> {
        let before = self.mfa_required(role)?;
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO mfa_policy (role, required) VALUES (?1, ?2)
             ON CONFLICT (role) DO UPDATE SET required = excluded.required",
            params![role.as_str(), required],
        )?;
        append_audit(
            &tx,
            actor,
            "policy.mfa",
            None,
            role.as_str(),
            json!({"required": before}),
            json!({"required": required}),
        )?;
        tx.commit()?;
        Ok(())
    }

    fn create_session(
        &self,
        actor: &Actor,
        new: NewSession,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        check_hash(&new.id_hash, "a session id hash")?;
        if new.idle_timeout < TimeDelta::seconds(1) || new.idle_timeout > MAX_IDLE {
            return Err(StoreError::Invalid(
                "a session's idle timeout must be between a second and a year".into(),
            ));
        }
        let now = to_second(now);
        let absolute = to_second(new.absolute_expires_at);
        if absolute <= now {
            return Err(StoreError::Invalid(
                "a session must expire after it is created".into(),
            ));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, &Scope::All, new.user_id)?;
        if u.is_disabled() {
            return Err(StoreError::Conflict(format!(
                "user '{}' is disabled",
                u.username
            )));
        }
        if session_where(&tx, "id_hash", &new.id_hash)?.is_some() {
            return Err(StoreError::Conflict("the session exists already".into()));
        }
        let idle_timeout = TimeDelta::seconds(new.idle_timeout.num_seconds());
        let s = Session {
            id: Uuid::now_v7(),
            id_hash: new.id_hash,
            user_id: u.id,
            created_at: now,
            last_seen_at: now,
            idle_timeout,
            idle_expires_at: (now + idle_timeout).min(absolute),
            absolute_expires_at: absolute,
            mfa_verified: new.mfa_verified,
            revoked_at: None,
            ip: truncate(new.ip, MAX_SHORT),
            user_agent: truncate(new.user_agent, MAX_USER_AGENT),
        };
        tx.execute(
            "INSERT INTO sessions (id_hash, id, user_id, created_at, last_seen_at, idle_timeout_secs,
                                   idle_expires_at, absolute_expires_at, mfa_verified, ip, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                s.id_hash,
                s.id.to_string(),
                s.user_id.to_string(),
                ts(now),
                s.idle_timeout.num_seconds(),
                ts(s.idle_expires_at),
                ts(s.absolute_expires_at),
                s.mfa_verified,
                s.ip,
                s.user_agent
            ],
        )?;
        append_audit(
            &tx,
            actor,
            "session.create",
            u.client_org(),
            &u.username,
            Json::Null,
            json!({"session": s.id.to_string(), "mfa_verified": s.mfa_verified,
                   "absolute_expires_at": ts(s.absolute_expires_at),
                   "ip": s.ip, "user_agent": s.user_agent}),
        )?;
        tx.commit()?;
        Ok(s)
    }

    fn session_by_hash(&self, id_hash: &str) -> Result<Option<Session>> {
        session_where(&*self.reader()?, "id_hash", id_hash)
    }

    fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let Some(s) = session_where(&tx, "id_hash", id_hash)?.filter(|s| s.is_valid_at(now)) else {
            return Ok(None);
        };
        let now = to_second(now);
        let touched = Session {
            last_seen_at: now,
            idle_expires_at: (now + s.idle_timeout).min(s.absolute_expires_at),
            ..s
        };
        tx.execute(
            "UPDATE sessions SET last_seen_at = ?1, idle_expires_at = ?2 WHERE id_hash = ?3",
            params![ts(now), ts(touched.idle_expires_at), id_hash],
        )?;
        tx.commit()?;
        Ok(Some(touched))
    }

    fn set_session_mfa_verified(
        &self,
        actor: &Actor,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let s = session_where(&tx, "id_hash", id_hash)?
            .filter(|s| s.is_valid_at(now))
            .ok_or_else(|| StoreError::NotFound("session".into()))?;
        if s.mfa_verified {
            return Ok(s);
        }
        let u = get_user(&tx, &Scope::All, s.user_id)?;
        tx.execute(
            "UPDATE sessions SET mfa_verified = 1 WHERE id_hash = ?1",
            params![id_hash],
        )?;
        append_audit(
            &tx,
            actor,
            "session.mfa",
            u.client_org(),
            &u.username,
            json!({"session": s.id.to_string(), "mfa_verified": false}),
            json!({"session": s.id.to_string(), "mfa_verified": true}),
        )?;
        tx.commit()?;
        Ok(Session {
            mfa_verified: true,
            ..s
        })
    }

    fn list_sessions(&self, scope: &Scope, user: Uuid) -> Result<Vec<Session>> {
        let conn = self.reader()?;
        get_user(&conn, scope, user)?;
        conn.query(
            &format!("{SESSION_SELECT} WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"),
            params![user.to_string()],
            session_row,
        )
    }

    fn revoke_session(&self, actor: &Actor, id_hash: &str, now: DateTime<Utc>) -> Result<bool> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let Some(s) = session_where(&tx, "id_hash", id_hash)? else {
            return Ok(false);
        };
        let u = get_user(&tx, &Scope::All, s.user_id)?;
        let revoked = revoke_one_session(&tx, actor, &s, &u, now)?;
        tx.commit()?;
        Ok(revoked)
    }

    fn revoke_session_by_id(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let not_found = || StoreError::NotFound(format!("session {id}"));
        let s = session_where(&tx, "id", &id.to_string())?.ok_or_else(not_found)?;
        let u = find_user(&tx, scope, s.user_id)?.ok_or_else(not_found)?;
        let revoked = revoke_one_session(&tx, actor, &s, &u, now)?;
        tx.commit()?;
        Ok(revoked)
    }

    fn revoke_user_sessions(
        &self,
        actor: &Actor,
        scope: &Scope,
        user: Uuid,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let u = get_user(&tx, scope, user)?;
        let n = revoke_sessions(&tx, user, now)?;
        append_audit(
            &tx,
            actor,
            "session.revoke_all",
            u.client_org(),
            &u.username,
            Json::Null,
            json!({"sessions_revoked": n}),
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn create_token(
        &self,
        actor: &Actor,
        scope: &Scope,
        new: NewApiToken,
        now: DateTime<Utc>,
    ) -> Result<ApiToken> {
        let name = new.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid(
                "an API token needs a name of at most 100 characters".into(),
            ));
        }
        check_hash(&new.token_hash, "an API token hash")?;
        let now = to_second(now);
        let expires_at = new.expires_at.map(to_second);
        if expires_at.is_some_and(|e| e <= now) {
            return Err(StoreError::Invalid(
                "an API token must expire after it is created".into(),
            ));
        }
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let owner = get_user(&tx, scope, new.user_id)?;
        if owner.is_disabled() {
            return Err(StoreError::Conflict(format!(
                "user '{}' is disabled",
                owner.username
            )));
        }
        if !owner.role.can_grant(new.role) {
            return Err(StoreError::Invalid(format!(
                "a {} cannot issue a {} token",
                owner.role.label(),
                new.role.label()
            )));
        }
        let all = orgs_among(&tx, &[&owner.orgs, &new.orgs])?;
        let owner_access = access_of(&all, owner.role, &owner.orgs)?;
        let access = access_of(&all, new.role, &new.orgs)?;
        if !access.within(&owner_access) {
            return Err(StoreError::Invalid(format!(
                "the token would reach organisations that '{}' does not",
                owner.username
            )));
        }
        if token_where(&tx, "token_hash", &new.token_hash)?.is_some() {
            return Err(StoreError::Conflict("the API token exists already".into()));
        }
        let t = ApiToken {
            id: Uuid::now_v7(),
            user_id: owner.id,
            name,
            token_hash: new.token_hash,
            role: new.role,
            orgs: listed(access),
            expires_at,
            last_used_at: None,
            revoked_at: None,
            created_at: now,
        };
        tx.execute(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, role, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                t.id.to_string(),
                t.user_id.to_string(),
                t.name,
                t.token_hash,
                t.role.as_str(),
                t.expires_at.map(ts),
                ts(now)
            ],
        )?;
        for o in &t.orgs {
            tx.execute(
                "INSERT INTO api_token_orgs (token_id, org_id) VALUES (?1, ?2)",
                params![t.id.to_string(), o.to_string()],
            )?;
        }
        append_audit(
            &tx,
            actor,
            "token.create",
            token_org(&t),
            &t.id.to_string(),
            Json::Null,
            token_json(&t, &owner),
        )?;
        tx.commit()?;
        Ok(t)
    }

    fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        token_where(&*self.reader()?, "token_hash", token_hash)
    }

    fn touch_token(&self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let conn = self.conn()?;
        let n = conn.execute(
            "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2",
            params![ts(now), id.to_string()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("API token {id}")));
        }
        Ok(())
    }

    fn revoke_token(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let not_found = || StoreError::NotFound(format!("API token {id}"));
        let t = token_where(&tx, "id", &id.to_string())?.ok_or_else(not_found)?;
        let owner = find_user(&tx, scope, t.user_id)?.ok_or_else(not_found)?;
        if t.revoked_at.is_some() {
            return Ok(false);
        }
        // Another node may have revoked it since it was read.
        let changed = tx.execute(
            "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
            params![ts(now), id.to_string()],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        let after = ApiToken {
            revoked_at: Some(to_second(now)),
            ..t.clone()
        };
        append_audit(
            &tx,
            actor,
            "token.revoke",
            token_org(&t),
            &id.to_string(),
            token_json(&t, &owner),
            token_json(&after, &owner),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn list_tokens(&self, scope: &Scope, user: Option<Uuid>) -> Result<Vec<ApiToken>> {
        let conn = self.reader()?;
        if let Some(u) = user {
            get_user(&conn, scope, u)?;
        }
        let visible: std::collections::HashSet<Uuid> =
            users_in(&conn, scope)?.into_iter().map(|u| u.id).collect();
        let mut tokens = conn.query(
            &format!("{TOKEN_SELECT} WHERE (CAST(?1 AS TEXT) IS NULL OR user_id = ?1) ORDER BY created_at, id"),
            params![user.map(|u| u.to_string())],
            token_row,
        )?;
        tokens.retain(|t| visible.contains(&t.user_id));
        let mut orgs = org_lists(&conn, "SELECT token_id, org_id FROM api_token_orgs")?;
        for t in &mut tokens {
            t.orgs = orgs.remove(&t.id).unwrap_or_default();
        }
        Ok(tokens)
    }

    fn user_scope(&self, user: &User) -> Result<Scope> {
        let all = orgs_among(&*self.reader()?, &[&user.orgs])?;
        Ok(access_of(&all, user.role, &user.orgs)?.into())
    }

    fn token_scope(&self, token: &ApiToken, owner: &User) -> Result<Scope> {
        if token.user_id != owner.id {
            return Err(StoreError::Invalid(format!(
                "API token {} does not belong to '{}'",
                token.id, owner.username
            )));
        }
        let all = orgs_among(&*self.reader()?, &[&owner.orgs, &token.orgs])?;
        let owner_access = access_of(&all, owner.role, &owner.orgs)?;
        let access = access_of(&all, token.role, &token.orgs)?;
        Ok(access.intersect(&owner_access).into())
    }

    fn record_login_attempt(
        &self,
        username: &str,
        success: bool,
        ip: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO login_attempts (username, at, success, ip) VALUES (?1, ?2, ?3, ?4)",
            params![
                normalise_username(username),
                ts(at),
                success,
                truncate(ip.map(String::from), MAX_SHORT)
            ],
        )?;
        Ok(())
    }

    fn failed_logins_since(&self, username: &str, since: DateTime<Utc>) -> Result<LoginFailures> {
        let conn = self.reader()?;
        let (count, oldest): (i64, Option<String>) = conn.query_one(
            "SELECT COUNT(*), MIN(at) FROM login_attempts
             WHERE username = ?1 AND success = 0 AND at >= ?2",
            params![normalise_username(username), ts(to_second(since))],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(LoginFailures {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            oldest: opt_time(oldest)?,
        })
    }

    fn login_blocked_until(
        &self,
        username: &str,
        now: DateTime<Utc>,
        window: TimeDelta,
        max_failures: u32,
    ) -> Result<Option<DateTime<Utc>>> {
        if max_failures == 0 || window <= TimeDelta::zero() {
            return Err(StoreError::Invalid(
                "login throttling needs a positive limit and window".into(),
            ));
        }
        let conn = self.reader()?;
        // The newest `max_failures` failures inside (now - window, ...]: when
        // the oldest of them leaves the window, the account is under the limit.
        let times = conn.query(
            "SELECT at FROM login_attempts
             WHERE username = ?1 AND success = 0 AND at > ?2
             ORDER BY at DESC LIMIT ?3",
            params![
                normalise_username(username),
                ts(now - window),
                i64::from(max_failures)
            ],
            |r| r.get::<String>(0),
        )?;
        if times.len() < max_failures as usize {
            return Ok(None);
        }
        let until = match times.last() {
            Some(t) => parse_time_col(t)? + window,
            None => return Ok(None),
        };
        Ok((until > now).then_some(until))
    }

    fn prune_auth_records(&self, before: DateTime<Utc>) -> Result<usize> {
        let conn = self.conn()?;
        let tx = conn.transaction()?;
        let before = ts(before);
        let attempts = tx.execute("DELETE FROM login_attempts WHERE at < ?1", params![&before])?;
        let sessions = tx.execute(
            "DELETE FROM sessions
             WHERE revoked_at < ?1 OR idle_expires_at < ?1 OR absolute_expires_at < ?1",
            params![&before],
        )?;
        tx.commit()?;
        Ok(attempts + sessions)
    }
}
