//! Evaluation runs: load each organisation's records and parameters through
//! the [`Store`] interface, evaluate them with the engine, and append the run.
//! The provider is always evaluated first, because clients inherit its
//! results for the requirements about the MSP as a company.

use crate::{Actor, Result, RunInfo, Scope, Store, StoreError};
use assay_core::catalogue::Framework;
use assay_core::engine::{EvalInput, FrameworkResult, evaluate_org};
use assay_core::org::{OrgKind, Organisation};
use assay_core::params::{Params, Tier};
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The results of one run, per organisation evaluated.
pub struct RunOutput {
    pub run: RunInfo,
    pub results: Vec<(Organisation, Vec<FrameworkResult>)>,
    pub timings: Timings,
}

/// Where a run's time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading records, parameters and exceptions from the store.
    pub load: Duration,
    /// The engine.
    pub evaluate: Duration,
    /// Appending the run to the store.
    pub save: Duration,
}

/// Resolves an organisation's parameters: built-in defaults, then its
/// tier's values, then its own overrides.
pub fn org_params(
    store: &dyn Store,
    scope: &Scope,
    tiers: &[Tier],
    org: &Organisation,
) -> Result<Params> {
    let overrides = store.overrides(scope, org.id)?;
    let tier = org
        .tier
        .as_ref()
        .and_then(|t| tiers.iter().find(|x| &x.name == t));
    let base = tier.cloned().unwrap_or(Tier {
        name: String::new(),
        about: String::new(),
        values: Default::default(),
    });
    base.resolve(&overrides)
        .map_err(|e| StoreError::Corrupt(format!("organisation {}: {e}", org.slug)))
}

/// What every organisation's evaluation in a run shares.
struct EvalEnv<'a> {
    store: &'a dyn Store,
    scope: &'a Scope,
    tiers: &'a [Tier],
    frameworks: &'a [&'a Framework],
    now: DateTime<Utc>,
}

fn evaluate_one(
    env: &EvalEnv,
    org: &Organisation,
    provider: Option<&[FrameworkResult]>,
    timings: &mut Timings,
) -> Result<Vec<FrameworkResult>> {
    let started = Instant::now();
    let data = env.store.load_org_data(env.scope, org.id)?;
    let params = org_params(env.store, env.scope, env.tiers, org)?;
    let exceptions = env.store.list_exceptions(env.scope, Some(org.id))?;
    let loaded = Instant::now();
    timings.load += loaded - started;
    let input = EvalInput {
        org,
        data: &data,
        params: &params,
        exceptions: &exceptions,
        now: env.now,
    };
    let results = evaluate_org(env.frameworks, &input, provider);
    timings.evaluate += loaded.elapsed();
    Ok(results)
}

/// Evaluates `orgs` on parallel workers (one per core, at most two: the
/// store's reader connections), keeping their order. The provider's results,
/// already computed, are reused for the provider itself.
fn evaluate_all(
    env: &EvalEnv,
    orgs: &[Organisation],
    provider_org: &Option<Organisation>,
    provider_results: Option<&[FrameworkResult]>,
    timings: &mut Timings,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<(Organisation, Vec<FrameworkResult>)>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 2)
        .min(orgs.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Vec<FrameworkResult>>>>> =
        orgs.iter().map(|_| Mutex::new(None)).collect();
    let worker_timings: Vec<Timings> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut t = Timings::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(org) = orgs.get(i) else { break };
                        let r = match (provider_org, provider_results) {
                            (Some(p), Some(pr)) if p.id == org.id => Ok(pr.to_vec()),
                            _ => evaluate_one(env, org, provider_results, &mut t),
                        };
                        let failed = r.is_err();
                        if let Ok(mut slot) = slots[i].lock() {
                            *slot = Some(r);
                        }
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, orgs.len());
                        if failed {
                            // Stop handing out work; the error is reported below.
                            next.store(orgs.len(), Ordering::Relaxed);
                        }
                    }
                    t
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    // Per-phase times add up across workers (CPU time rather than wall time).
    for t in worker_timings {
        timings.load += t.load;
        timings.evaluate += t.evaluate;
    }
    let mut results = Vec::with_capacity(orgs.len());
    for (org, slot) in orgs.iter().zip(slots) {
        let r = slot.into_inner().ok().flatten().ok_or_else(|| {
            StoreError::Database(format!("organisation {} was not evaluated", org.slug))
        })??;
        results.push((org.clone(), r));
    }
    Ok(results)
}

/// Evaluates `targets` (all organisations in scope when `None`) against
/// `frameworks` as of `now`, stores the run and returns it. `progress` is
/// called after each organisation with (done, total). A run made for a
/// background job names it in `job`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    store: &dyn Store,
    scope: &Scope,
    actor: &Actor,
    frameworks: &[&Framework],
    targets: Option<&[Uuid]>,
    now: DateTime<Utc>,
    job: Option<Uuid>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RunOutput> {
    let started_at = Utc::now();
    let mut timings = Timings::default();
    let tiers = store.list_tiers()?;
    let orgs: Vec<Organisation> = store
        .list_orgs(scope)?
        .into_iter()
        .filter(|o| targets.is_none_or(|t| t.contains(&o.id)))
        .collect();
    // The provider's results are needed by every client, even when the
    // provider is not itself a target.
    let provider_org = store
        .list_orgs(&Scope::All)?
        .into_iter()
        .find(|o| o.kind == OrgKind::Provider);
    let provider_env = EvalEnv {
        store,
        scope: &Scope::All,
        tiers: &tiers,
        frameworks,
        now,
    };
    let provider_results = match &provider_org {
        Some(p) => Some(evaluate_one(&provider_env, p, None, &mut timings)?),
        None => None,
    };
    let env = EvalEnv {
        scope,
        ..provider_env
    };
    let results = evaluate_all(
        &env,
        &orgs,
        &provider_org,
        provider_results.as_deref(),
        &mut timings,
        progress,
    )?;
    let run = RunInfo {
        id: Uuid::now_v7(),
        evaluated_at: now,
        started_at,
        finished_at: Utc::now(),
        actor: actor.name.clone(),
        job_id: job,
    };
    let flat: Vec<(Uuid, FrameworkResult)> = results
        .iter()
        .flat_map(|(o, rs)| rs.iter().map(move |r| (o.id, r.clone())))
        .collect();
    let saving = Instant::now();
    store.save_run(actor, &run, &flat)?;
    timings.save = saving.elapsed();
    Ok(RunOutput {
        run,
        results,
        timings,
    })
}
