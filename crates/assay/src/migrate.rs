//! `assay migrate-data`: moving a whole installation between databases.

use crate::output::progress;
use anyhow::{Context, Result, bail};
use assay_store::{SqlStore, redact_url};
use clap::Args;

#[derive(Args)]
pub struct MigrateDataArgs {
    /// The database to copy from (a SQLite path or `sqlite://PATH`, or a
    /// `postgres://` URL). It is only read.
    #[arg(long)]
    from: String,
    /// The database to copy into: created and migrated if need be, and it
    /// must hold no data yet. Stop every `assay serve` first.
    #[arg(long)]
    to: String,
}

pub fn run(args: MigrateDataArgs) -> Result<()> {
    if args.from == args.to {
        bail!("--from and --to name the same database");
    }
    let open = |url: &str| {
        SqlStore::open_url(url).with_context(|| format!("cannot open {}", redact_url(url)))
    };
    let (source, target) = (open(&args.from)?, open(&args.to)?);
    let total: u64 = source.table_counts()?.iter().map(|(_, n)| n).sum();
    let bar = progress(total, "copying");
    let report = source
        .copy_into(&target, &mut |table, written| {
            bar.set_message(table.to_string());
            bar.set_position(written);
        })
        .context("the copy failed; the target was left as it was")?;
    bar.finish_and_clear();
    let tables = report.tables.iter().filter(|(_, n)| *n > 0).count();
    let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
    println!(
        "copied {rows} rows in {tables} tables from {} to {}",
        redact_url(&args.from),
        redact_url(&args.to)
    );
    println!("row counts match in all {} tables", report.tables.len());
    println!(
        "audit log intact on the target: {} entries, ending where the source's does",
        report.audit_entries
    );
    Ok(())
}
