//! `assay user`: accounts for the HTTP API, from the command line (so the
//! first provider admin can be created without the web).

use crate::Ctx;
use crate::output::{OutputFormat, print_json, table};
use anyhow::{Context, Result, anyhow, bail};
use assay_core::access::Role;
use assay_server::auth::{password, secrets, totp};
use assay_store::{NewApiToken, NewUser, Scope, Store, User};
use chrono::{TimeDelta, Utc};
use clap::Subcommand;
use serde_json::json;
use std::io::BufRead;
use uuid::Uuid;

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role '{s}' (one of {})", Role::ALL.join(", ")))
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input (one line).
    /// Roles that must use MFA are enrolled at once: the authenticator
    /// setup and the recovery codes are printed.
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organisation the user is limited to (repeatable); client roles need exactly one.
        #[arg(long = "org")]
        orgs: Vec<String>,
        /// Display name (default: the username).
        #[arg(long)]
        name: Option<String>,
    },
    /// List users.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Disable a user: every session and token is revoked.
    Disable { username: String },
    /// Give a user a new authenticator secret and recovery codes (enrols MFA).
    ResetMfa { username: String },
    /// Require MFA for every user of a role at login (on by default for
    /// provider admins), or with --off stop requiring it.
    RequireMfa {
        #[arg(value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        off: bool,
    },
    /// Create an API token for a user and print it (shown once).
    Token {
        username: String,
        #[arg(long)]
        name: String,
        /// A narrower role for the token (default: the user's).
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        /// Organisations the token is limited to (repeatable; default: the user's).
        #[arg(long = "org")]
        orgs: Vec<String>,
        /// Days until the token expires.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
    },
}

fn org_ids(store: &dyn Store, slugs: &[String]) -> Result<Vec<Uuid>> {
    slugs
        .iter()
        .map(|s| {
            store
                .org_by_slug(&Scope::All, s)
                .map(|o| o.id)
                .map_err(|_| anyhow!("unknown organisation '{s}'"))
        })
        .collect()
}

/// Enrols MFA: a new secret and recovery codes, printed for the user.
fn enrol_mfa(ctx: &Ctx, user: &User) -> Result<()> {
    let now = Utc::now();
    let secret = totp::new_secret();
    let codes = secrets::new_recovery_codes(secrets::RECOVERY_CODE_COUNT);
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| secrets::hash_recovery_code(user.id, c))
        .collect();
    ctx.store.set_mfa(
        &ctx.actor,
        &Scope::All,
        user.id,
        Some(secret.clone()),
        true,
        now,
    )?;
    ctx.store
        .replace_recovery_codes(&ctx.actor, &Scope::All, user.id, &hashes, now)?;
    let url = totp::otpauth_url(&secret, &user.username).map_err(|e| anyhow!("{e}"))?;
    println!(
        "MFA enrolled for {}. Add this to an authenticator app:",
        user.username
    );
    println!("  {url}");
    println!("  (or enter the secret by hand: {secret})");
    println!("Recovery codes, each usable once — store them safely:");
    for c in codes {
        println!("  {c}");
    }
    Ok(())
}

pub fn run(ctx: &Ctx, c: UserCommand) -> Result<()> {
    let user = |name: &str| {
        ctx.store
            .user_by_username(&Scope::All, name)
            .map_err(|_| anyhow!("unknown user '{name}'"))
    };
    match c {
        UserCommand::Add {
            username,
            role,
            orgs,
            name,
        } => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let pw = line.trim_end_matches(['\r', '\n']);
            if let Err(e) = password::check_password_rules(pw, &username) {
                bail!("{e}");
            }
            let hash = password::hash_password(pw).map_err(|e| anyhow!("{e}"))?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                orgs: org_ids(ctx.store.as_ref(), &orgs)?,
                password_hash: hash,
            };
            let created = ctx
                .store
                .create_user(&ctx.actor, &Scope::All, new, Utc::now())?;
            println!(
                "added {} {} ({})",
                created.role, created.username, created.id
            );
            if ctx.store.mfa_required(created.role)? {
                enrol_mfa(ctx, &created)?;
            }
        }
        UserCommand::List { format } => {
            let users = ctx.store.list_users(&Scope::All)?;
            let state = |u: &User| {
                if u.is_disabled() {
                    "disabled"
                } else {
                    "active"
                }
            };
            match format {
                OutputFormat::Json => print_json(
                    &users
                        .iter()
                        .map(|u| json!({"id": u.id, "username": u.username, "role": u.role.as_str(), "orgs": u.orgs,
                                        "mfa": u.mfa_enabled, "state": state(u)}))
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let rows: Vec<Vec<String>> = users
                        .iter()
                        .map(|u| {
                            vec![
                                u.username.clone(),
                                u.role.to_string(),
                                if u.mfa_enabled { "yes".into() } else { "no".into() },
                                state(u).into(),
                                u.orgs.len().to_string(),
                            ]
                        })
                        .collect();
                    table(&["USERNAME", "ROLE", "MFA", "STATE", "ORGS"], &rows);
                }
            }
        }
        UserCommand::Disable { username } => {
            let u = user(&username)?;
            ctx.store
                .disable_user(&ctx.actor, &Scope::All, u.id, Utc::now())?;
            println!("disabled {username}; its sessions and tokens are revoked");
        }
        UserCommand::ResetMfa { username } => enrol_mfa(ctx, &user(&username)?)?,
        UserCommand::RequireMfa { role, off } => {
            ctx.store.set_mfa_required(&ctx.actor, role, !off)?;
            println!(
                "MFA is {} for {role} logins",
                if off { "optional" } else { "required" }
            );
        }
        UserCommand::Token {
            username,
            name,
            role,
            orgs,
            days,
        } => {
            let u = user(&username)?;
            let role = role.unwrap_or(u.role);
            let (token, hash) = secrets::new_token(secrets::TokenKind::Api);
            let now = Utc::now();
            let new = NewApiToken {
                user_id: u.id,
                name,
                token_hash: hash,
                role,
                orgs: if orgs.is_empty() {
                    u.orgs.clone()
                } else {
                    org_ids(ctx.store.as_ref(), &orgs)?
                },
                expires_at: Some(now + TimeDelta::days(days)),
            };
            let t = ctx.store.create_token(&ctx.actor, &Scope::All, new, now)?;
            println!("{token}");
            eprintln!(
                "token {} for {username} ({role}), expires {}; it is shown only now",
                t.id,
                now + TimeDelta::days(days)
            );
        }
    }
    Ok(())
}
