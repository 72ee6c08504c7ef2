//! `assay bench`: the scale benchmark.

use crate::output::{OutputFormat, print_json, progress};
use anyhow::Result;
use assay_bench::{BenchOptions, report};
use assay_ingest::demo::Size;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BenchSize {
    /// 20 clients, about 1,000 endpoints.
    S,
    /// 200 clients, about 20,000 endpoints.
    M,
    /// 1,000 clients, about 100,000 endpoints, 30 million software rows.
    L,
}

/// Measure Assay on a generated MSP: load rate, full evaluation of every
/// organisation, re-evaluation of one organisation after a change, peak
/// memory and database size, each evaluation figure beside the same checks
/// run as plain SQL on the same database; then the real server on that
/// database under 200 dashboard clients and under 200 osquery agents
/// (enroll, result logs, check-ins). Uses its own database in --dir,
/// never --database-url. Build with --release for meaningful figures.
#[derive(Args)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value = "s")]
    size: BenchSize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder for the benchmark database (default: a temporary folder, removed afterwards).
    #[arg(long, conflicts_with = "postgres")]
    dir: Option<PathBuf>,
    /// Run on this empty PostgreSQL database (postgres://…) instead of a
    /// SQLite file. The plain-SQL baseline is SQLite's, so it is skipped.
    #[arg(long)]
    postgres: Option<String>,
    /// Repeats of the one-organisation re-evaluation (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeats: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

pub fn run(a: BenchArgs, now: DateTime<Utc>) -> Result<()> {
    let (size, name) = match a.size {
        BenchSize::S => (Size::S, "s"),
        BenchSize::M => (Size::M, "m"),
        BenchSize::L => (Size::L, "l"),
    };
    let temp = match &a.dir {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let dir = a
        .dir
        .clone()
        .or_else(|| temp.as_ref().map(|t| t.path().to_path_buf()))
        .unwrap_or_default();
    let bar = progress(0, "load");
    let opts = BenchOptions {
        size,
        seed: a.seed,
        dir,
        now,
        repeats: a.repeats,
        postgres: a.postgres.clone(),
    };
    let figures = assay_bench::run(&opts, &|phase, done, total| {
        bar.set_length(total as u64);
        bar.set_message(phase.to_string());
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    match a.format {
        OutputFormat::Table => print!("{}", report::text(&figures, name)),
        OutputFormat::Json => print_json(&report::json(&figures, name))?,
    }
    Ok(())
}
