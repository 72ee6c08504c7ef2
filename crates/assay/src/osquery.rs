//! `assay osquery`: enroll secrets and enrolled agents.

use crate::Ctx;
use crate::output::table;
use anyhow::Result;
use assay_server::auth::secrets::{self, TokenKind};
use assay_store::Scope;
use assay_store::osquery::NewEnrollSecret;
use clap::Subcommand;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum OsqueryCommand {
    /// Create an enroll secret for an organisation's agents (shown once).
    SecretAdd {
        /// Organisation (slug).
        #[arg(long)]
        org: String,
        /// Revoke the organisation's other secrets (rotation). Enrolled
        /// agents keep working; new enrollments need the new secret.
        #[arg(long)]
        rotate: bool,
    },
    /// List enroll secrets (never the secrets themselves).
    Secrets {
        /// Only this organisation (slug).
        #[arg(long)]
        org: Option<String>,
    },
    /// Revoke an enroll secret.
    SecretRevoke { id: Uuid },
    /// List enrolled agents.
    Nodes {
        /// Only this organisation (slug).
        #[arg(long)]
        org: Option<String>,
    },
    /// Revoke an agent's node key: it must enroll again.
    NodeRevoke { id: Uuid },
}

fn slugs(ctx: &Ctx) -> Result<std::collections::HashMap<Uuid, String>> {
    Ok(ctx
        .store
        .list_orgs(&Scope::All)?
        .into_iter()
        .map(|o| (o.id, o.slug))
        .collect())
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(String::new, |t| assay_core::value::format_timestamp(&t))
}

pub fn run(ctx: &Ctx, c: OsqueryCommand) -> Result<()> {
    let s = ctx.store.as_ref();
    match c {
        OsqueryCommand::SecretAdd { org, rotate } => {
            let id = ctx.org(&org)?.id;
            let (secret, secret_hash) = secrets::new_token(TokenKind::EnrollSecret);
            let new = NewEnrollSecret {
                org: id,
                secret_hash,
                hint: secrets::hint(&secret),
                rotate,
            };
            let stored = s.create_enroll_secret(&ctx.actor, &Scope::All, new, ctx.now)?;
            println!("{secret}");
            eprintln!(
                "enroll secret {} for {org}{}: put the line above in the agents' --enroll_secret_path file; it is not shown again",
                stored.id,
                if rotate {
                    " (older secrets revoked)"
                } else {
                    ""
                }
            );
        }
        OsqueryCommand::Secrets { org } => {
            let filter = org
                .as_deref()
                .map(|o| ctx.org(o).map(|o| o.id))
                .transpose()?;
            let names = slugs(ctx)?;
            let rows: Vec<Vec<String>> = s
                .list_enroll_secrets(&Scope::All, filter)?
                .into_iter()
                .map(|x| {
                    vec![
                        x.id.to_string(),
                        names.get(&x.org_id).cloned().unwrap_or_default(),
                        format!("{}…", x.hint),
                        when(Some(x.created_at)),
                        x.created_by,
                        when(x.revoked_at),
                    ]
                })
                .collect();
            table(&["id", "org", "secret", "created", "by", "revoked"], &rows);
        }
        OsqueryCommand::SecretRevoke { id } => {
            s.revoke_enroll_secret(&ctx.actor, &Scope::All, id, ctx.now)?;
            println!("revoked enroll secret {id}");
        }
        OsqueryCommand::Nodes { org } => {
            let filter = org
                .as_deref()
                .map(|o| ctx.org(o).map(|o| o.id))
                .transpose()?;
            let names = slugs(ctx)?;
            let rows: Vec<Vec<String>> = s
                .list_nodes(&Scope::All, filter)?
                .into_iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        names.get(&n.org_id).cloned().unwrap_or_default(),
                        n.host_identifier,
                        n.asset,
                        n.platform,
                        when(Some(n.last_seen_at)),
                        when(n.revoked_at),
                    ]
                })
                .collect();
            table(
                &[
                    "id",
                    "org",
                    "host",
                    "asset",
                    "platform",
                    "last seen",
                    "revoked",
                ],
                &rows,
            );
        }
        OsqueryCommand::NodeRevoke { id } => {
            s.revoke_node(&ctx.actor, &Scope::All, id, ctx.now)?;
            println!("revoked node {id}: its agent must enroll again");
        }
    }
    Ok(())
}
