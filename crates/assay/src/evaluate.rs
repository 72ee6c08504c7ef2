//! `assay evaluate`: run an evaluation (stored append-only), or read the
//! stored answer as it was on a past date.

use crate::Ctx;
use crate::output::{OutputFormat, clip, print_json, progress, table, width};
use anyhow::{Context, Result, anyhow, bail};
use assay_core::catalogue::{Catalogue, Framework};
use assay_core::engine::{FrameworkResult, Status};
use assay_core::value::parse_timestamp;
use assay_store::{Scope, evaluation};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

/// Evaluate every organisation (or one) against the frameworks. Without
/// --as-of a new run is made and stored; with --as-of the stored run in
/// force at that time is shown and nothing is evaluated.
#[derive(Args)]
pub struct EvaluateArgs {
    /// Only this organisation (slug).
    #[arg(long)]
    org: Option<String>,
    /// Only this framework (see `assay frameworks list`).
    #[arg(long)]
    framework: Option<String>,
    /// Show the stored answer as of this date (YYYY-MM-DD, end of that day UTC) or time.
    #[arg(long, value_parser = parse_as_of)]
    as_of: Option<DateTime<Utc>>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => d
            .and_hms_opt(23, 59, 59)
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("'{s}' is not a valid date")),
        Err(_) => parse_timestamp(s),
    }
}

pub fn run(ctx: &Ctx, a: EvaluateArgs) -> Result<()> {
    let catalogue = &ctx.catalogue;
    let frameworks: Vec<&Framework> = match &a.framework {
        Some(id) => vec![catalogue.get(id).ok_or_else(|| {
            anyhow!(
                "unknown framework '{id}' (known: {})",
                framework_ids(catalogue)
            )
        })?],
        None => catalogue.frameworks.iter().collect(),
    };
    let scope = Scope::All;
    let targets = match &a.org {
        Some(slug) => Some(vec![
            ctx.store
                .org_by_slug(&scope, slug)
                .map_err(|_| anyhow!("unknown organisation '{slug}'"))?,
        ]),
        None => None,
    };
    let results: Vec<FrameworkResult> = match a.as_of {
        Some(as_of) => stored(ctx, targets, &frameworks, as_of)?,
        None => {
            let ids: Option<Vec<uuid::Uuid>> = targets.map(|t| t.iter().map(|o| o.id).collect());
            let total = match &ids {
                Some(i) => i.len(),
                None => ctx.store.list_orgs(&scope)?.len(),
            };
            if total == 0 {
                bail!("there are no organisations yet: run `assay demo` or `assay org add`");
            }
            let bar = progress(total as u64, "evaluating");
            let out = evaluation::run(
                ctx.store.as_ref(),
                &scope,
                &ctx.actor,
                &frameworks,
                ids.as_deref(),
                ctx.now,
                None,
                &|done, _| bar.set_position(done as u64),
            )?;
            bar.finish_and_clear();
            out.results.into_iter().flat_map(|(_, r)| r).collect()
        }
    };
    match a.format {
        OutputFormat::Json => print_json(&results),
        OutputFormat::Table => {
            print_table(&results);
            Ok(())
        }
    }
}

fn framework_ids(c: &Catalogue) -> String {
    c.frameworks
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn stored(
    ctx: &Ctx,
    targets: Option<Vec<assay_core::org::Organisation>>,
    frameworks: &[&Framework],
    as_of: DateTime<Utc>,
) -> Result<Vec<FrameworkResult>> {
    let orgs = match targets {
        Some(t) => t,
        None => ctx.store.list_orgs(&Scope::All)?,
    };
    let mut out = Vec::new();
    for org in &orgs {
        let rs = ctx
            .store
            .results_as_of(&Scope::All, org.id, as_of)
            .context("reading stored results")?;
        out.extend(
            rs.into_iter()
                .filter(|r| frameworks.iter().any(|f| f.id == r.framework)),
        );
    }
    if out.is_empty() {
        bail!(
            "no evaluation is stored at or before {}: run `assay evaluate` first",
            assay_core::value::format_timestamp(&as_of)
        );
    }
    Ok(out)
}

const COUNTED: [(Status, &str); 7] = [
    (Status::Pass, "PASS"),
    (Status::Fail, "FAIL"),
    (Status::InsufficientEvidence, "INSUF"),
    (Status::Stale, "STALE"),
    (Status::Partial, "PART"),
    (Status::Excepted, "EXC"),
    (Status::NotApplicable, "N/A"),
];

fn print_table(results: &[FrameworkResult]) {
    let mut header = vec!["ORGANISATION", "FRAMEWORK", "VERDICT"];
    header.extend(COUNTED.iter().map(|(_, h)| *h));
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            let mut row = vec![
                r.org.clone(),
                r.framework.clone(),
                r.verdict
                    .as_ref()
                    .map(|v| v.status.to_string())
                    .unwrap_or_default(),
            ];
            row.extend(
                COUNTED
                    .iter()
                    .map(|(s, _)| r.counts.get(s).copied().unwrap_or(0).to_string()),
            );
            row
        })
        .collect();
    table(&header, &rows);
    let w = width();
    let mut last_org = "";
    for r in results {
        let failing: Vec<_> = r
            .requirements
            .iter()
            .filter(|q| q.status == Status::Fail)
            .collect();
        if failing.is_empty() {
            continue;
        }
        if r.org != last_org {
            println!("\n{}", r.org);
            last_org = &r.org;
        }
        for q in failing {
            let line = format!("  FAIL {:<12} {} — {}", q.id, q.title, q.reason);
            println!("{}", clip(&line, w));
        }
    }
}
