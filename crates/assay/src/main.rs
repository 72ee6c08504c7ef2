//! `assay`: the command line. Parses arguments, opens the store and calls the
//! library crates; it holds no business rules of its own.

mod admin;
mod bench;
mod demo;
mod evaluate;
mod migrate;
mod osquery;
mod output;
mod records;
mod serve;
mod users;
mod webhooks;

use anyhow::{Context, Result, anyhow, bail};
use assay_core::catalogue::Catalogue;
use assay_store::{Actor, Scope, SqlStore, Store, redact_url};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Assay keeps an MSP's operational records (assets, patches, accounts,
/// backups, tickets, changes, documents, …) for itself and every client,
/// evaluates them against Cyber Essentials v3.3, the ScotlandIS ITMSP Best
/// Practice Charter and MSP/Cloud Verify, and shows what passes, what fails,
/// where and why.
#[derive(Parser)]
#[command(name = "assay", version, propagate_version = true)]
struct Cli {
    /// Database to use: a path or `sqlite://PATH` for the embedded database,
    /// or `postgres://USER:PASSWORD@HOST:PORT/DATABASE` for a PostgreSQL
    /// database that several `assay serve` nodes can share.
    #[arg(
        long,
        env = "ASSAY_DATABASE_URL",
        default_value = "sqlite://assay-data/assay.db",
        global = true
    )]
    database_url: String,

    /// Treat this as the current time (RFC 3339 or YYYY-MM-DD): for
    /// replaying, demos and tests. Defaults to the system clock.
    #[arg(long, env = "ASSAY_NOW", global = true, value_parser = parse_now)]
    now: Option<DateTime<Utc>>,

    /// A folder of extra framework catalogues (*.toml) to load beside the built-in ones.
    #[arg(long, env = "ASSAY_FRAMEWORKS_DIR", global = true)]
    frameworks_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a believable demo MSP: the provider and its clients with six months of records.
    Demo(demo::DemoArgs),
    /// Evaluate organisations against the frameworks, or show a stored answer with --as-of.
    Evaluate(evaluate::EvaluateArgs),
    /// Import records of one kind from a CSV, JSON or JSON Lines file, or an osquery results log.
    Import(records::ImportArgs),
    /// Export records of one kind as CSV or JSON.
    Export(records::ExportArgs),
    /// List the record kinds, or show one kind's fields.
    Kinds(records::KindsArgs),
    /// Manage organisations and their parameter overrides.
    #[command(subcommand)]
    Org(admin::OrgCommand),
    /// Show and change service tiers and their parameters.
    #[command(subcommand)]
    Tier(admin::TierCommand),
    /// Add, list and revoke exceptions (risk acceptances).
    #[command(subcommand)]
    Exception(admin::ExceptionCommand),
    /// List the frameworks, or show one with its requirements and checks.
    #[command(subcommand)]
    Frameworks(admin::FrameworksCommand),
    /// Read and verify the tamper-evident audit log.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// List stored evaluation runs.
    Runs(admin::RunsArgs),
    /// List background jobs: scheduled evaluations, notifications and retention, and which node ran them.
    Jobs(admin::JobsArgs),
    /// Measure load, evaluation and re-evaluation speed on a generated MSP (s, m or l).
    Bench(bench::BenchArgs),
    /// Serve the HTTP API.
    Serve(serve::ServeArgs),
    /// Manage API users and their tokens.
    #[command(subcommand)]
    User(users::UserCommand),
    /// osquery agents: enroll secrets per organisation, enrolled nodes.
    #[command(subcommand)]
    Osquery(osquery::OsqueryCommand),
    /// Webhooks that hear, after each evaluation run, what changed; and their deliveries.
    #[command(subcommand)]
    Webhook(webhooks::WebhookCommand),
    /// Copy a whole installation to another database (SQLite to PostgreSQL
    /// or back), with a progress bar, then check row counts and the audit chain.
    MigrateData(migrate::MigrateDataArgs),
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    assay_core::value::parse_timestamp(s)
}

/// What every command gets: the store, the frameworks, who is acting, and the time.
pub struct Ctx {
    pub store: Box<dyn Store>,
    pub catalogue: Catalogue,
    pub actor: Actor,
    pub now: DateTime<Utc>,
}

impl Ctx {
    /// The organisation with this slug, or an error naming it.
    pub fn org(&self, slug: &str) -> Result<assay_core::org::Organisation> {
        self.store
            .org_by_slug(&Scope::All, slug)
            .map_err(|_| anyhow!("unknown organisation '{slug}'"))
    }
}

/// The built-in catalogues plus every `*.toml` in `dir`.
fn load_catalogue(dir: Option<&Path>) -> Result<Catalogue> {
    let mut sources = Catalogue::builtin_sources();
    if let Some(dir) = dir {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            sources.push((p.display().to_string(), text));
        }
    }
    Ok(Catalogue::from_sources(sources)?)
}

fn open_store(url: &str) -> Result<Box<dyn Store>> {
    if url.trim().is_empty() || url == "sqlite://" || url == "sqlite:" {
        bail!("--database-url names no database");
    }
    let store = SqlStore::open_url(url)
        .with_context(|| format!("cannot open the database {}", redact_url(url)))?;
    Ok(Box::new(store))
}

/// Lets a closed pipe end the process quietly (`assay org list | head`),
/// as for other command-line tools, instead of failing every print. Not
/// for commands that serve HTTP, where a client hanging up must not end
/// the process.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default action for SIGPIPE before any other
    // thread exists; no handler code runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_) | Command::Bench(_)) {
        quiet_on_closed_pipe();
    }
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let catalogue = load_catalogue(cli.frameworks_dir.as_deref())?;
    // Commands that need no database.
    match &cli.command {
        Command::Kinds(a) => return records::kinds(a),
        Command::Frameworks(c) => return admin::frameworks(&catalogue, c),
        Command::Import(a) if a.template => return records::print_template(a),
        _ => {}
    }
    if let Command::MigrateData(a) = cli.command {
        return migrate::run(a);
    }
    if let Command::Bench(a) = cli.command {
        return bench::run(a, cli.now.unwrap_or_else(Utc::now));
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let ctx = Ctx {
        store: open_store(&cli.database_url)?,
        catalogue,
        actor: Actor::new(format!("cli:{user}"), "cli"),
        now: cli.now.unwrap_or_else(Utc::now),
    };
    match cli.command {
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Evaluate(a) => evaluate::run(&ctx, a),
        Command::Import(a) => records::import(&ctx, a),
        Command::Export(a) => records::export(&ctx, a),
        Command::Org(c) => admin::org(&ctx, c),
        Command::Tier(c) => admin::tier(&ctx, c),
        Command::Exception(c) => admin::exception(&ctx, c),
        Command::Audit(c) => admin::audit(&ctx, c),
        Command::Runs(a) => admin::runs(&ctx, a),
        Command::Jobs(a) => admin::jobs(&ctx, a),
        Command::Serve(a) => serve::run(ctx, a),
        Command::User(c) => users::run(&ctx, c),
        Command::Osquery(c) => osquery::run(&ctx, c),
        Command::Webhook(c) => webhooks::run(&ctx, c),
        Command::Kinds(_)
        | Command::Frameworks(_)
        | Command::Bench(_)
        | Command::MigrateData(_) => Ok(()),
    }
}
