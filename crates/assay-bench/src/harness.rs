//! Runs the benchmark phases on a fresh database and collects the figures.

use crate::baseline;
use crate::memory;
use assay_core::catalogue::{Catalogue, Framework};
use assay_core::records::{Record, RecordKind, Update};
use assay_ingest::demo::{DemoOptions, Size, generate_org, org_count};
use assay_store::evaluation::{self, Timings};
use assay_store::{Actor, ImportMode, NewOrg, Scope, SqlStore, Store, StoreError};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("SQL baseline: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("catalogue: {0}")]
    Catalogue(#[from] assay_core::catalogue::CatalogueError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Setup(String),
}

/// Concurrent API clients, and the requests each makes.
const API_CLIENTS: usize = 200;
const API_REQUESTS_PER_CLIENT: usize = 20;

/// What to run.
pub struct BenchOptions {
    pub size: Size,
    pub seed: u64,
    /// Where the database file goes (created; must not hold one already).
    pub dir: PathBuf,
    /// The evaluation time; the generated history runs back from it.
    pub now: DateTime<Utc>,
    /// How many times the one-organisation re-evaluation is repeated.
    pub repeats: usize,
    /// An empty PostgreSQL database to use instead of a SQLite file in
    /// `dir`; the plain-SQL baseline (SQLite's) is then skipped.
    pub postgres: Option<String>,
}

/// A timed phase: how long it took and, where measured, the peak resident
/// memory of the process during it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Phase {
    pub wall: Duration,
    pub peak_rss: Option<u64>,
}

/// Every figure the benchmark produces.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub organisations: usize,
    pub assets: u64,
    pub rows: u64,
    pub generate: Phase,
    pub load: Phase,
    pub full: Phase,
    pub full_timings: Timings,
    /// The plain-SQL baseline, measured on SQLite only.
    pub full_sql: Option<Phase>,
    /// Median of the repeats.
    pub one_org: Phase,
    pub one_org_sql: Option<Phase>,
    pub one_org_name: String,
    pub one_org_rows: u64,
    /// The results endpoint under concurrent clients.
    pub api: crate::api_load::LoadFigures,
    /// osquery agents enrolling, logging and checking in.
    pub osquery: crate::osquery_load::OsqueryFigures,
    pub db_bytes: u64,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

impl Figures {
    pub fn load_rows_per_sec(&self) -> f64 {
        self.rows as f64 / self.load.wall.as_secs_f64().max(1e-9)
    }
}

fn timed<T>(f: impl FnOnce() -> Result<T, BenchError>) -> Result<(T, Phase), BenchError> {
    memory::reset_peak();
    let started = Instant::now();
    let value = f()?;
    Ok((
        value,
        Phase {
            wall: started.elapsed(),
            peak_rss: memory::peak_rss(),
        },
    ))
}

/// Generates and loads the MSP one organisation at a time. Returns the
/// largest client's id and slug, and the time spent generating.
fn load(
    store: &dyn Store,
    actor: &Actor,
    opts: &DemoOptions,
    figures: &mut Figures,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<(Uuid, String, Duration), BenchError> {
    let total = org_count(opts);
    let mut generating = Duration::ZERO;
    let mut largest = (Uuid::nil(), String::new(), 0u64);
    for i in 0..total {
        let started = Instant::now();
        let d = generate_org(opts, i);
        generating += started.elapsed();
        let o = &d.org;
        let new = NewOrg {
            slug: o.slug.clone(),
            name: o.name.clone(),
            kind: o.kind,
            tier: o.tier.clone(),
            contracted_endpoints: o.contracted_endpoints,
        };
        let created = store
            .create_orgs(actor, &[(new, d.overrides.clone())])?
            .remove(0);
        let mut org_rows = 0u64;
        for kind in RecordKind::ALL {
            let rows = d.data.rows(*kind);
            if !rows.is_empty() {
                org_rows += store.import_rows(
                    actor,
                    &Scope::All,
                    created.id,
                    *kind,
                    &rows,
                    ImportMode::Insert,
                )? as u64;
            }
        }
        figures.rows += org_rows;
        figures.assets += d.data.assets.len() as u64;
        if o.kind == assay_core::org::OrgKind::Client && org_rows > largest.2 {
            largest = (created.id, o.slug.clone(), org_rows);
        }
        progress("load", i + 1, total);
    }
    figures.organisations = total;
    figures.one_org_rows = largest.2;
    Ok((largest.0, largest.1, generating))
}

/// Marks one of the organisation's updates as installed now: the "one record
/// changes" of the re-evaluation figure.
fn change_one_record(
    store: &dyn Store,
    actor: &Actor,
    org: Uuid,
    now: DateTime<Utc>,
) -> Result<(), BenchError> {
    let data = store.load_org_data(&Scope::All, org)?;
    let mut update: Update = data
        .updates
        .iter()
        .find(|u| u.installed.is_none())
        .or(data.updates.first())
        .cloned()
        .ok_or_else(|| BenchError::Setup("the organisation has no updates to change".into()))?;
    update.installed = Some(now);
    store.import_rows(
        actor,
        &Scope::All,
        org,
        RecordKind::Update,
        &[update.to_row()],
        ImportMode::Upsert,
    )?;
    Ok(())
}

fn median(mut phases: Vec<Phase>) -> Phase {
    phases.sort_by_key(|p| p.wall);
    phases.get(phases.len() / 2).copied().unwrap_or_default()
}

/// The benchmark's store: the PostgreSQL database given, which must be
/// empty, or a new SQLite file in the directory. Also its URL, and the
/// SQLite file if that is what it is.
fn open(opts: &BenchOptions) -> Result<(SqlStore, String, Option<PathBuf>), BenchError> {
    if let Some(url) = &opts.postgres {
        let store = SqlStore::connect(url)?;
        if !store.list_orgs(&Scope::All)?.is_empty() {
            return Err(BenchError::Setup(
                "the PostgreSQL database holds organisations already; give an empty one".into(),
            ));
        }
        return Ok((store, url.clone(), None));
    }
    std::fs::create_dir_all(&opts.dir)?;
    let path = opts.dir.join("bench.db");
    if path.exists() {
        return Err(BenchError::Setup(format!(
            "{} exists already; give an empty --dir",
            path.display()
        )));
    }
    let store = SqlStore::open(&path)?;
    Ok((store, path.display().to_string(), Some(path)))
}

/// Runs every phase and returns the figures. `progress` is told
/// (phase, done, total) as the load goes.
pub fn run(
    opts: &BenchOptions,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<Figures, BenchError> {
    let (store, url, sqlite_file) = open(opts)?;
    let actor = Actor::new("bench", "bench");
    let catalogue = Catalogue::builtin()?;
    let frameworks: Vec<&Framework> = catalogue.frameworks.iter().collect();
    let demo = DemoOptions {
        seed: opts.seed,
        clients: 0,
        now: opts.now,
        size: opts.size,
    };
    let mut figures = Figures {
        backend: if sqlite_file.is_some() {
            "sqlite"
        } else {
            "postgres"
        },
        ..Figures::default()
    };

    let ((org, slug, generating), load_phase) =
        timed(|| load(&store, &actor, &demo, &mut figures, progress))?;
    figures.generate = Phase {
        wall: generating,
        peak_rss: None,
    };
    figures.load = Phase {
        wall: load_phase.wall.saturating_sub(generating),
        peak_rss: load_phase.peak_rss,
    };
    figures.one_org_name = slug;

    let (out, full) = timed(|| {
        Ok(evaluation::run(
            &store,
            &Scope::All,
            &actor,
            &frameworks,
            None,
            opts.now,
            None,
            &|done, total| progress("evaluate", done, total),
        )?)
    })?;
    figures.full = full;
    figures.full_timings = out.timings;
    drop(out);

    let baseline = sqlite_file.as_deref().map(baseline::open).transpose()?;
    let now = opts.now;
    if let Some(conn) = &baseline {
        figures.full_sql = Some(timed(|| Ok(baseline::run(conn, now, None)?))?.1);
    }

    let org_text = org.to_string();
    let mut one = Vec::new();
    let mut one_sql = Vec::new();
    for _ in 0..opts.repeats.max(1) {
        change_one_record(&store, &actor, org, now)?;
        one.push(
            timed(|| {
                Ok(evaluation::run(
                    &store,
                    &Scope::All,
                    &actor,
                    &frameworks,
                    Some(&[org]),
                    now,
                    None,
                    &|_, _| {},
                )?)
            })?
            .1,
        );
        if let Some(conn) = &baseline {
            one_sql.push(timed(|| Ok(baseline::run(conn, now, Some(&org_text))?))?.1);
        }
    }
    figures.one_org = median(one);
    figures.one_org_sql = (!one_sql.is_empty()).then(|| median(one_sql));
    drop(baseline);
    let slugs: Vec<String> = store
        .list_orgs(&Scope::All)?
        .into_iter()
        .map(|o| o.slug)
        .collect();
    drop(store);
    figures.api = crate::api_load::run(&url, &slugs, API_CLIENTS, API_REQUESTS_PER_CLIENT)?;
    // Before the agents add their hosts, so the size is the generated MSP's.
    figures.db_bytes = SqlStore::open_url(&url)?.database_bytes()?;
    progress("osquery agents", 0, 1);
    figures.osquery = crate::osquery_load::run(&url, crate::osquery_load::Plan::default())?;
    progress("osquery agents", 1, 1);
    Ok(figures)
}
