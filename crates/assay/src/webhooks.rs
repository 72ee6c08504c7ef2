//! `assay webhook`: where `assay serve` posts what each evaluation run
//! changed, and how those deliveries went.

use crate::Ctx;
use crate::output::{OutputFormat, print_json, table};
use anyhow::{Result, anyhow};
use assay_core::value::format_timestamp;
use assay_server::notify;
use assay_store::Scope;
use assay_store::notify::NewWebhook;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Add a webhook: after each evaluation run, the requirements and
    /// verdicts whose status changed are posted to URL as signed JSON. The
    /// signing secret is printed once.
    Add {
        /// An http or https URL.
        url: String,
        /// Only this organisation's changes (slug); every organisation's
        /// by default.
        #[arg(long)]
        org: Option<String>,
    },
    /// List webhooks (never their secrets).
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Revoke a webhook: nothing more is posted to it.
    Revoke { id: Uuid },
    /// The latest deliveries, newest first: which run went to which
    /// webhook, after how many attempts, and the receiver's last answer.
    Deliveries {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

fn when(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| format_timestamp(&t))
}

pub fn run(ctx: &Ctx, c: WebhookCommand) -> Result<()> {
    let s = ctx.store.as_ref();
    let slugs = || -> Result<HashMap<Uuid, String>> {
        Ok(s.list_orgs(&Scope::All)?
            .into_iter()
            .map(|o| (o.id, o.slug))
            .collect())
    };
    match c {
        WebhookCommand::Add { url, org } => {
            let url = notify::check_url(&url).map_err(|e| anyhow!(e))?;
            let org = org.as_deref().map(|o| ctx.org(o)).transpose()?;
            let new = NewWebhook {
                org: org.as_ref().map(|o| o.id),
                url,
                secret: notify::new_secret(),
            };
            // The clock, not --now: a webhook hears runs that finish after
            // it is made, and runs are timed by the clock.
            let hook = s.create_webhook(&ctx.actor, &Scope::All, new, Utc::now())?;
            println!("{}", hook.secret);
            eprintln!(
                "webhook {} for {}: the line above is its signing secret; it is not shown again",
                hook.id,
                org.map_or_else(|| "every organisation".into(), |o| o.slug)
            );
        }
        WebhookCommand::List { format } => {
            let hooks = s.list_webhooks(&Scope::All)?;
            let names = slugs()?;
            let org = |id: Option<Uuid>| id.and_then(|o| names.get(&o).cloned());
            match format {
                OutputFormat::Json => print_json(
                    &hooks
                        .iter()
                        .map(|h| {
                            json!({"id": h.id, "org": org(h.org_id), "url": h.url, "hint": h.hint,
                                   "created_by": h.created_by, "created_at": when(Some(h.created_at)),
                                   "revoked_at": when(h.revoked_at)})
                        })
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let rows: Vec<Vec<String>> = hooks
                        .into_iter()
                        .map(|h| {
                            vec![
                                h.id.to_string(),
                                org(h.org_id).unwrap_or_else(|| "(all)".into()),
                                h.url,
                                format!("{}…", h.hint),
                                when(Some(h.created_at)).unwrap_or_default(),
                                when(h.revoked_at).unwrap_or_default(),
                            ]
                        })
                        .collect();
                    table(&["id", "org", "url", "secret", "created", "revoked"], &rows);
                }
            }
        }
        WebhookCommand::Revoke { id } => {
            s.revoke_webhook(&ctx.actor, &Scope::All, id, ctx.now)?;
            println!("revoked webhook {id}");
        }
        WebhookCommand::Deliveries { limit, format } => {
            let list = s.recent_deliveries(limit)?;
            match format {
                OutputFormat::Json => print_json(
                    &list
                        .iter()
                        .map(|d| {
                            json!({"run": d.run_id, "webhook": d.webhook_id, "attempts": d.attempts,
                                   "first_at": when(Some(d.first_at)), "last_at": when(Some(d.last_at)),
                                   "delivered_at": when(d.delivered_at), "last_status": d.last_status,
                                   "last_error": d.last_error})
                        })
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let rows: Vec<Vec<String>> = list
                        .into_iter()
                        .map(|d| {
                            vec![
                                d.run_id.to_string(),
                                d.webhook_id.to_string(),
                                d.attempts.to_string(),
                                when(d.delivered_at).unwrap_or_else(|| "not yet".into()),
                                d.last_status.map(|s| s.to_string()).unwrap_or_default(),
                                d.last_error.unwrap_or_default(),
                            ]
                        })
                        .collect();
                    table(
                        &[
                            "run",
                            "webhook",
                            "attempts",
                            "delivered",
                            "status",
                            "last error",
                        ],
                        &rows,
                    );
                }
            }
        }
    }
    Ok(())
}
