//! Helpers shared by more than one check family: recorded-text tests and name
//! keys, [`Findings`] for judging one resource on several facts, share-based
//! outcomes, resources for assets and the organisation, current staff,
//! record indexes and list arguments. A helper one family alone needs stays
//! in that family.

use super::CheckCtx;
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{Asset, EndpointConfig, OrgData, Person, PersonKind};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::Hash;

// ---------------------------------------------------------------------------
// Recorded text

/// An optional text when it is present and not blank, as recorded (not
/// trimmed).
pub(super) fn nonblank(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

/// Whether an optional text is present and not blank.
pub(super) fn present(value: &Option<String>) -> bool {
    nonblank(value).is_some()
}

/// A key for matching names typed by hand (systems, services, sites,
/// firewalls): trimmed and lower-cased.
pub(super) fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

// ---------------------------------------------------------------------------
// Judging one resource

/// What a resource lacks: facts that fail, facts not recorded, and notes
/// that do not change the status. Any failure fails; otherwise anything
/// missing is insufficient evidence; otherwise it passes.
#[derive(Default)]
pub(super) struct Findings {
    failed: Vec<String>,
    missing: Vec<String>,
    notes: Vec<String>,
}

impl Findings {
    /// `value` must be `want`: another value fails with `bad`, none is
    /// "`what` not recorded".
    pub(super) fn expect(&mut self, value: Option<bool>, want: bool, bad: &str, what: &str) {
        self.flag(value, want, bad, &format!("{what} not recorded"));
    }

    /// `value` must be `want`: another value fails with `bad`, none is
    /// missing with `unknown` as given.
    pub(super) fn flag(&mut self, value: Option<bool>, want: bool, bad: &str, unknown: &str) {
        match value {
            Some(v) if v == want => {}
            Some(_) => self.fail(bad),
            None => self.missing(unknown),
        }
    }

    /// A fact that fails the resource.
    pub(super) fn fail(&mut self, fact: impl Into<String>) {
        self.failed.push(fact.into());
    }

    /// A fact that is not recorded: insufficient evidence unless something fails.
    pub(super) fn missing(&mut self, fact: impl Into<String>) {
        self.missing.push(fact.into());
    }

    /// A remark added to the reason without changing the status.
    pub(super) fn note(&mut self, fact: impl Into<String>) {
        self.notes.push(fact.into());
    }

    /// Fail with everything that failed or is unrecorded, else insufficient
    /// evidence with what is unrecorded, else pass with `ok`; notes follow
    /// in brackets.
    pub(super) fn verdict(self, ok: &str) -> (Status, String) {
        let (status, mut reason) = if !self.failed.is_empty() {
            let mut all = self.failed;
            all.extend(self.missing);
            (Status::Fail, all.join("; "))
        } else if !self.missing.is_empty() {
            (Status::InsufficientEvidence, self.missing.join("; "))
        } else {
            (Status::Pass, ok.to_string())
        };
        if !self.notes.is_empty() {
            reason = format!("{reason} (note: {})", self.notes.join("; "));
        }
        (status, reason)
    }

    /// The [`verdict`](Self::verdict) as the result of one resource.
    pub(super) fn result(self, kind: &str, id: &str, name: &str, ok: &str) -> ResourceResult {
        let (status, reason) = self.verdict(ok);
        ResourceResult::new(kind, id, name, status, reason)
    }
}

/// Pass when `age` (or any amount) is at most `limit`, else fail.
pub(super) fn within(age: i64, limit: i64) -> Status {
    if age <= limit {
        Status::Pass
    } else {
        Status::Fail
    }
}

// ---------------------------------------------------------------------------
// Share-based outcomes

/// One record judged by a share-based check.
pub(super) struct ShareItem {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub ok: bool,
    pub reason: String,
}

/// Judges a share: passes when at least `target_pct` % of `items` are `ok`.
/// Every item is listed; a non-compliant one is marked `fail` only when the
/// share misses the target (otherwise it passes "within tolerance").
/// `what` names the items in the plural, `met` what compliance means
/// ("are categorised").
pub(super) fn share_outcome(
    what: &str,
    met: &str,
    target_pct: i64,
    items: Vec<ShareItem>,
) -> Outcome {
    let total = items.len() as i64;
    if total == 0 {
        return Outcome::insufficient(format!("no {what} recorded"));
    }
    let good = items.iter().filter(|i| i.ok).count() as i64;
    let meets = good * 100 >= target_pct * total;
    let pct = good as f64 * 100.0 / total as f64;
    let summary = format!("{good} of {total} {what} {met} ({pct:.1}%, target {target_pct}%)");
    let mut first_bad: Option<String> = None;
    let resources = items
        .into_iter()
        .map(|i| {
            let (status, reason) = if i.ok {
                (Status::Pass, i.reason)
            } else if meets {
                (Status::Pass, format!("{} (within tolerance)", i.reason))
            } else {
                if first_bad.is_none() {
                    first_bad = Some(format!("{} — {}", label(&i.id, &i.name), i.reason));
                }
                (Status::Fail, i.reason)
            };
            ResourceResult::new(i.kind, &i.id, &i.name, status, reason)
        })
        .collect();
    if meets {
        Outcome::pass(summary).with_resources(resources)
    } else {
        let bad = total - good;
        let more = if bad > 1 {
            format!(" (and {} more)", bad - 1)
        } else {
            String::new()
        };
        let example = first_bad.unwrap_or_default();
        Outcome::fail(format!("{summary}: {example}{more}")).with_resources(resources)
    }
}

/// `id (name)`, or just the id when both are the same.
fn label(id: &str, name: &str) -> String {
    if id == name || name.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({name})")
    }
}

// ---------------------------------------------------------------------------
// Common resources and people

/// A result for the organisation as a whole.
pub(super) fn org_resource(
    ctx: &CheckCtx,
    status: Status,
    reason: impl Into<String>,
) -> ResourceResult {
    ResourceResult::new("organisation", &ctx.org.slug, &ctx.org.name, status, reason)
}

/// A result for an asset.
pub(super) fn asset_result(a: &Asset, status: Status, reason: impl Into<String>) -> ResourceResult {
    ResourceResult::new("asset", &a.id, &a.name, status, reason)
}

/// Staff employed today (kind `staff`, no `left` date on or before today).
pub(super) fn current_staff<'a>(ctx: &CheckCtx<'a>) -> impl Iterator<Item = &'a Person> {
    let today = ctx.today();
    ctx.data
        .people
        .iter()
        .filter(move |p| p.kind == PersonKind::Staff && p.left.is_none_or(|l| l > today))
}

// ---------------------------------------------------------------------------
// Indexes

/// Every recorded asset (whatever its lifecycle) by id.
pub(super) fn assets_by_id<'a>(ctx: &CheckCtx<'a>) -> HashMap<&'a str, &'a Asset> {
    ctx.data.assets.iter().map(|a| (a.id.as_str(), a)).collect()
}

/// The greatest value per key, e.g. the latest success per backup job.
pub(super) fn latest_per_key<K: Eq + Hash, V: Ord + Copy>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> HashMap<K, V> {
    let mut latest = HashMap::new();
    for (k, v) in pairs {
        let e = latest.entry(k).or_insert(v);
        if v > *e {
            *e = v;
        }
    }
    latest
}

/// The latest record per asset id, by `at` (of two at the same time, the
/// later in `items`).
pub(super) fn latest_by_asset<'a, T>(
    items: &'a [T],
    asset: impl Fn(&T) -> &str,
    at: impl Fn(&T) -> DateTime<Utc>,
) -> HashMap<&'a str, &'a T> {
    let mut latest: HashMap<&'a str, &'a T> = HashMap::with_capacity(items.len());
    for item in items {
        latest
            .entry(asset(item))
            .and_modify(|cur| {
                if at(item) >= at(cur) {
                    *cur = item;
                }
            })
            .or_insert(item);
    }
    latest
}

/// The latest `endpoint_config` per asset id.
pub(super) fn latest_configs(data: &OrgData) -> HashMap<&str, &EndpointConfig> {
    latest_by_asset(&data.endpoint_configs, |c| &c.asset, |c| c.reported_at)
}

// ---------------------------------------------------------------------------
// Arguments

/// A list argument of values from a closed set (a record enum's `parse` and
/// `ALL`); an unknown value is an error listing the allowed ones.
pub(super) fn kinds_arg<K>(
    ctx: &CheckCtx,
    name: &str,
    parse: fn(&str) -> Option<K>,
    all: &[&str],
) -> Result<Vec<K>, String> {
    ctx.args
        .str_list(name)?
        .into_iter()
        .map(|k| {
            parse(k)
                .ok_or_else(|| format!("argument '{name}': '{k}' is not one of {}", all.join(", ")))
        })
        .collect()
}
