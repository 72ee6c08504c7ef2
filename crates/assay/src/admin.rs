//! `assay org`, `tier`, `exception`, `frameworks`, `audit` and `runs`.

use crate::Ctx;
use crate::output::{OutputFormat, clip, print_json, table, width};
use crate::records::{FileFormat, open_output, read_input};
use anyhow::{Context, Result, anyhow, bail};
use assay_core::catalogue::Catalogue;
use assay_core::engine::checks;
use assay_core::org::OrgKind;
use assay_core::params::PARAM_DEFS;
use assay_core::value::{format_timestamp, parse_date};
use assay_ingest::settings_io;
use assay_store::{NewException, NewOrg, Scope};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// A file to read.
#[derive(Args)]
pub struct FileIn {
    file: PathBuf,
    /// File format; by default taken from the file's extension.
    #[arg(long)]
    format: Option<FileFormat>,
}

/// Where and how to write.
#[derive(Args)]
pub struct FileOut {
    #[arg(long, value_enum, default_value = "csv")]
    format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        /// Short unique name: lower-case letters, digits and '-'.
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "client", value_parser = ["client", "provider"])]
        kind: String,
        /// Service tier (see `assay tier list`).
        #[arg(long)]
        tier: Option<String>,
        /// Endpoints the contract covers (used for billing reconciliation).
        #[arg(long)]
        contracted_endpoints: Option<i64>,
    },
    /// Create organisations from a file (slug,name,kind,tier,contracted_endpoints,overrides), all or none.
    Import(FileIn),
    /// Write every organisation with its tier and overrides as CSV or JSON.
    Export(FileOut),
    /// List organisations.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Set a client's override of one tier parameter (recorded in the audit log).
    Override {
        slug: String,
        /// Parameter name (see `assay tier params`).
        param: String,
        /// New value; omit with --unset to fall back to the tier's value.
        #[arg(required_unless_present = "unset")]
        value: Option<i64>,
        #[arg(long)]
        unset: bool,
    },
}

pub fn org(ctx: &Ctx, c: OrgCommand) -> Result<()> {
    match c {
        OrgCommand::Add {
            slug,
            name,
            kind,
            tier,
            contracted_endpoints,
        } => {
            let kind =
                OrgKind::parse(&kind).ok_or_else(|| anyhow!("kind must be client or provider"))?;
            let o = ctx.store.create_org(
                &ctx.actor,
                NewOrg {
                    slug,
                    name,
                    kind,
                    tier,
                    contracted_endpoints,
                },
            )?;
            println!("added {} organisation {} ({})", o.kind, o.slug, o.id);
        }
        OrgCommand::Import(FileIn { file, format }) => {
            let (format, bytes) = read_input(&file, format)?;
            let n = settings_io::import_orgs(ctx.store.as_ref(), &ctx.actor, format, &bytes)
                .with_context(|| {
                    format!("{} rejected; no organisation was created", file.display())
                })?;
            println!("created {n} organisation(s)");
        }
        OrgCommand::Export(FileOut { format, output }) => {
            let mut out = open_output(output.as_deref())?;
            settings_io::export_orgs(ctx.store.as_ref(), &Scope::All, format.into(), &mut out)?;
            out.flush()?;
        }
        OrgCommand::List { format } => {
            let orgs = ctx.store.list_orgs(&Scope::All)?;
            match format {
                OutputFormat::Json => print_json(
                    &orgs
                        .iter()
                        .map(|o| json!({"id": o.id, "slug": o.slug, "name": o.name, "kind": o.kind.as_str(),
                                        "tier": o.tier, "contracted_endpoints": o.contracted_endpoints}))
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let mut rows = Vec::new();
                    for o in &orgs {
                        let overrides = ctx.store.overrides(&Scope::All, o.id)?;
                        let ov = overrides.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
                        rows.push(vec![o.slug.clone(), o.kind.to_string(), o.tier.clone().unwrap_or_default(), o.name.clone(), ov]);
                    }
                    table(&["SLUG", "KIND", "TIER", "NAME", "OVERRIDES"], &rows);
                }
            }
        }
        OrgCommand::Override {
            slug,
            param,
            value,
            unset,
        } => {
            let o = ctx.org(&slug)?;
            let value = if unset { None } else { value };
            ctx.store
                .set_override(&ctx.actor, &Scope::All, o.id, &param, value)?;
            match value {
                Some(v) => println!("{slug}: {param} = {v}"),
                None => println!("{slug}: {param} now follows its tier"),
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum TierCommand {
    /// List tiers with the parameters they set.
    List,
    /// List every parameter with its built-in default and unit.
    Params,
    /// Set one parameter of a tier (recorded in the audit log).
    Set {
        tier: String,
        param: String,
        value: i64,
    },
    /// Create or replace tiers from a file (name,about,parameters), all or none.
    Import(FileIn),
    /// Write every tier with its parameters as CSV or JSON.
    Export(FileOut),
}

pub fn tier(ctx: &Ctx, c: TierCommand) -> Result<()> {
    match c {
        TierCommand::List => {
            let rows: Vec<Vec<String>> = ctx
                .store
                .list_tiers()?
                .into_iter()
                .map(|t| {
                    let v = t
                        .values
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    vec![t.name, t.about, v]
                })
                .collect();
            table(
                &["TIER", "ABOUT", "PARAMETERS (others use the defaults)"],
                &rows,
            );
        }
        TierCommand::Params => {
            let rows: Vec<Vec<String>> = PARAM_DEFS
                .iter()
                .map(|p| {
                    vec![
                        p.name.to_string(),
                        p.default.to_string(),
                        p.unit.to_string(),
                        p.about.to_string(),
                    ]
                })
                .collect();
            table(&["PARAMETER", "DEFAULT", "UNIT", "MEANING"], &rows);
        }
        TierCommand::Set { tier, param, value } => {
            ctx.store.set_tier_param(&ctx.actor, &tier, &param, value)?;
            println!("{tier}: {param} = {value}");
        }
        TierCommand::Import(FileIn { file, format }) => {
            let (format, bytes) = read_input(&file, format)?;
            let n = settings_io::import_tiers(ctx.store.as_ref(), &ctx.actor, format, &bytes)
                .with_context(|| format!("{} rejected; no tier was changed", file.display()))?;
            println!("stored {n} tier(s)");
        }
        TierCommand::Export(FileOut { format, output }) => {
            let mut out = open_output(output.as_deref())?;
            settings_io::export_tiers(ctx.store.as_ref(), format.into(), &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct ExceptionAdd {
    /// Organisation (slug).
    #[arg(long)]
    org: String,
    /// The check to except (ids in `assay frameworks show ID`).
    #[arg(long)]
    check: String,
    /// One resource id; without it the exception covers the whole organisation.
    #[arg(long)]
    resource: Option<String>,
    #[arg(long)]
    justification: String,
    /// Who accepted the risk.
    #[arg(long)]
    approver: String,
    /// Last day the exception applies (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    expires: chrono::NaiveDate,
}

#[derive(Subcommand)]
pub enum ExceptionCommand {
    /// Accept a failing check for a resource or organisation until a date.
    Add(ExceptionAdd),
    /// List exceptions with their state.
    List {
        #[arg(long)]
        org: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Revoke an exception now.
    Revoke { id: uuid::Uuid },
}

pub fn exception(ctx: &Ctx, c: ExceptionCommand) -> Result<()> {
    match c {
        ExceptionCommand::Add(a) => {
            let o = ctx.org(&a.org)?;
            let e = ctx.store.add_exception(
                &ctx.actor,
                &Scope::All,
                NewException {
                    org_id: o.id,
                    check: a.check,
                    resource: a.resource,
                    justification: a.justification,
                    approver: a.approver,
                    expires: a.expires,
                },
                ctx.now,
            )?;
            println!("added exception {} (until {})", e.id, e.expires);
        }
        ExceptionCommand::List { org, format } => {
            let org = org.map(|s| ctx.org(&s)).transpose()?;
            let orgs = ctx.store.list_orgs(&Scope::All)?;
            let slug = |id| {
                orgs.iter()
                    .find(|o| o.id == id)
                    .map(|o| o.slug.clone())
                    .unwrap_or_default()
            };
            let list = ctx.store.list_exceptions(&Scope::All, org.map(|o| o.id))?;
            let state = |e: &assay_core::engine::Exception| {
                if e.revoked_at.is_some() {
                    "revoked"
                } else if e.is_active(ctx.now) {
                    "active"
                } else {
                    "expired"
                }
            };
            match format {
                OutputFormat::Json => print_json(
                    &list
                        .iter()
                        .map(|e| json!({"id": e.id, "org": slug(e.org_id), "check": e.check, "resource": e.resource,
                                        "justification": e.justification, "approver": e.approver,
                                        "expires": e.expires.to_string(), "state": state(e),
                                        "created_at": format_timestamp(&e.created_at)}))
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|e| {
                            vec![
                                e.id.to_string(),
                                slug(e.org_id),
                                e.check.clone(),
                                e.resource.clone().unwrap_or_else(|| "(organisation)".into()),
                                e.expires.to_string(),
                                state(e).to_string(),
                                clip(&e.justification, 40),
                            ]
                        })
                        .collect();
                    table(&["ID", "ORG", "CHECK", "RESOURCE", "EXPIRES", "STATE", "JUSTIFICATION"], &rows);
                }
            }
        }
        ExceptionCommand::Revoke { id } => {
            ctx.store
                .revoke_exception(&ctx.actor, &Scope::All, id, ctx.now)?;
            println!("revoked exception {id}");
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum FrameworksCommand {
    /// List the frameworks.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Show one framework's requirements and the checks behind them.
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

pub fn frameworks(catalogue: &Catalogue, c: &FrameworksCommand) -> Result<()> {
    match c {
        FrameworksCommand::List { format } => match format {
            OutputFormat::Json => print_json(&catalogue.frameworks)?,
            OutputFormat::Table => {
                let rows: Vec<Vec<String>> = catalogue
                    .frameworks
                    .iter()
                    .map(|f| {
                        vec![
                            f.id.clone(),
                            f.version.clone(),
                            f.requirements.len().to_string(),
                            f.title.clone(),
                        ]
                    })
                    .collect();
                table(&["ID", "VERSION", "REQUIREMENTS", "TITLE"], &rows);
            }
        },
        FrameworksCommand::Show { id, format } => {
            let f = catalogue
                .get(id)
                .ok_or_else(|| anyhow!("unknown framework '{id}'"))?;
            match format {
                OutputFormat::Json => print_json(f)?,
                OutputFormat::Table => {
                    println!(
                        "{} {} — {} ({})\n{}\n",
                        f.id, f.version, f.title, f.publisher, f.source
                    );
                    if !f.notice.is_empty() {
                        println!("{}\n", f.notice);
                    }
                    let w = width();
                    let rows: Vec<Vec<String>> = f
                        .requirements
                        .iter()
                        .map(|r| {
                            let checks: Vec<String> = r.checks.iter().map(|c| c.key()).collect();
                            vec![
                                r.id.clone(),
                                format!("{:?}", r.category).to_lowercase(),
                                clip(&r.title, 40),
                                clip(&checks.join(", "), w.saturating_sub(70).max(30)),
                            ]
                        })
                        .collect();
                    table(&["REQUIREMENT", "CATEGORY", "TITLE", "CHECKS"], &rows);
                    println!("\nChecks:");
                    let mut used: Vec<&str> = f
                        .requirements
                        .iter()
                        .flat_map(|r| r.checks.iter().map(|c| c.check.as_str()))
                        .collect();
                    used.sort();
                    used.dedup();
                    for id in used {
                        if let Some(def) = checks::find(id) {
                            println!("{}", clip(&format!("  {id:<40} {}", def.about), w));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain; names the first entry that was edited or deleted.
    Verify,
    /// List audit entries.
    List {
        /// Start after this entry number.
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

pub fn audit(ctx: &Ctx, c: AuditCommand) -> Result<()> {
    match c {
        AuditCommand::Verify => match ctx.store.verify_audit()? {
            Ok(n) => println!("audit log intact: {n} entries"),
            Err(b) => bail!("audit log broken at entry {}: {}", b.seq, b.reason),
        },
        AuditCommand::List {
            after,
            limit,
            format,
        } => {
            let entries = ctx.store.audit_entries(after, limit)?;
            match format {
                OutputFormat::Json => print_json(
                    &entries
                        .iter()
                        .map(|e| json!({"seq": e.seq, "at": format_timestamp(&e.at), "actor": e.actor,
                                        "source": e.source, "action": e.action, "org_id": e.org_id,
                                        "target": e.target, "before": e.before, "after": e.after, "hash": e.hash}))
                        .collect::<Vec<_>>(),
                )?,
                OutputFormat::Table => {
                    let rows: Vec<Vec<String>> = entries
                        .iter()
                        .map(|e| {
                            vec![
                                e.seq.to_string(),
                                format_timestamp(&e.at),
                                e.actor.clone(),
                                e.action.clone(),
                                clip(&e.target, 30),
                                clip(&e.after.to_string(), 50),
                            ]
                        })
                        .collect();
                    table(&["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "AFTER"], &rows);
                    if let Some(last) = entries.last().filter(|_| entries.len() == limit) {
                        eprintln!("more: --after {}", last.seq);
                    }
                }
            }
        }
    }
    Ok(())
}

/// List stored evaluation runs, newest first.
#[derive(Args)]
pub struct RunsArgs {
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn runs(ctx: &Ctx, a: RunsArgs) -> Result<()> {
    let runs = ctx.store.list_runs(a.limit)?;
    if a.format == OutputFormat::Json {
        let items: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "evaluated_at": format_timestamp(&r.evaluated_at),
                    "started_at": format_timestamp(&r.started_at),
                    "finished_at": format_timestamp(&r.finished_at),
                    "actor": r.actor, "job_id": r.job_id,
                })
            })
            .collect();
        return print_json(&items);
    }
    let rows: Vec<Vec<String>> = runs
        .into_iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                format_timestamp(&r.evaluated_at),
                format!("{} ms", (r.finished_at - r.started_at).num_milliseconds()),
                r.actor,
                r.job_id.map(|j| j.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    table(&["RUN", "EVALUATED AS OF", "TOOK", "BY", "JOB"], &rows);
    Ok(())
}

/// List background jobs (scheduled evaluations, notifications, retention), newest first:
/// which node holds or finished each, after how many attempts.
#[derive(Args)]
pub struct JobsArgs {
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn jobs(ctx: &Ctx, a: JobsArgs) -> Result<()> {
    let jobs = ctx.store.list_jobs(a.limit)?;
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| format_timestamp(&t));
    if a.format == OutputFormat::Json {
        let items: Vec<serde_json::Value> = jobs
            .iter()
            .map(|j| {
                json!({
                    "id": j.id, "kind": j.kind.as_str(), "slot": j.slot,
                    "run_at": format_timestamp(&j.run_at), "attempts": j.attempts,
                    "claimed_by": j.claimed_by, "lease_until": time(j.lease_until),
                    "done_at": time(j.done_at), "done_by": j.done_by,
                    "outcome": j.outcome, "last_error": j.last_error,
                })
            })
            .collect();
        return print_json(&items);
    }
    let rows: Vec<Vec<String>> = jobs
        .into_iter()
        .map(|j| {
            let state = match (&j.done_at, &j.claimed_by) {
                (Some(_), _) => format!("done by {}", j.done_by.unwrap_or_default()),
                (None, Some(node)) => format!("claimed by {node}"),
                (None, None) => "waiting".into(),
            };
            vec![
                j.id.to_string(),
                j.kind.as_str().into(),
                j.slot,
                j.attempts.to_string(),
                state,
                j.outcome.or(j.last_error).unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &["JOB", "KIND", "SLOT", "ATTEMPTS", "STATE", "OUTCOME"],
        &rows,
    );
    Ok(())
}
