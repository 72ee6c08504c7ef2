//! The built-in checks. Each family module exports `CHECKS`, a list of
//! [`CheckDef`]; `all()` joins them. A check is a pure function of one
//! organisation's records, its resolved parameters, the evaluation time and
//! the arguments the catalogue passes.

mod accounts;
mod assets;
mod evidence;
mod network;
mod operations;
mod resilience;
mod support;
mod updates;

#[cfg(test)]
pub(crate) mod testkit;

use super::outcome::Outcome;
use crate::org::Organisation;
use crate::params::Params;
use crate::records::{Asset, Lifecycle, OrgData};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Whether a check computes from operational records or looks for a
/// document or record inside its review window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    Automated,
    Evidence,
}

/// A built-in check.
pub struct CheckDef {
    /// Stable id used by catalogues and exceptions (`malware.coverage`).
    pub id: &'static str,
    pub title: &'static str,
    pub kind: CheckKind,
    /// What passes and what fails, in a sentence or two.
    pub about: &'static str,
    pub run: fn(&CheckCtx) -> Outcome,
}

/// Every built-in check.
pub fn all() -> &'static [&'static CheckDef] {
    static ALL: OnceLock<Vec<&'static CheckDef>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            accounts::CHECKS,
            assets::CHECKS,
            evidence::CHECKS,
            network::CHECKS,
            operations::CHECKS,
            resilience::CHECKS,
            updates::CHECKS,
        ]
        .into_iter()
        .flatten()
        .collect()
    })
}

pub fn find(id: &str) -> Option<&'static CheckDef> {
    all().iter().copied().find(|c| c.id == id)
}

/// Arguments a catalogue passes to a check.
pub struct Args<'a>(pub &'a BTreeMap<String, serde_json::Value>);

impl Args<'_> {
    /// A string argument, or an error naming it.
    pub fn str(&self, name: &str) -> Result<Option<&str>, String> {
        match self.0.get(name) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("argument '{name}' must be a string, not {other}")),
        }
    }

    pub fn required_str(&self, name: &str) -> Result<&str, String> {
        self.str(name)?
            .ok_or_else(|| format!("argument '{name}' is required"))
    }

    /// A list-of-strings argument (a single string counts as a list of one).
    pub fn str_list(&self, name: &str) -> Result<Vec<&str>, String> {
        match self.0.get(name) {
            None => Ok(Vec::new()),
            Some(serde_json::Value::String(s)) => Ok(vec![s.as_str()]),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .ok_or_else(|| format!("argument '{name}' must list strings"))
                })
                .collect(),
            Some(other) => Err(format!(
                "argument '{name}' must be a list of strings, not {other}"
            )),
        }
    }

    /// A true/false argument.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, String> {
        match self.0.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| format!("argument '{name}' must be true or false")),
        }
    }

    /// A whole-number argument.
    pub fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.0.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("argument '{name}' must be a whole number")),
        }
    }

    /// A whole number given directly or as the name of a parameter.
    pub fn int_or_param(&self, name: &str, params: &Params) -> Result<Option<i64>, String> {
        match self.0.get(name) {
            Some(serde_json::Value::String(p)) => params
                .get(p)
                .map(Some)
                .ok_or_else(|| format!("argument '{name}' names unknown parameter '{p}'")),
            _ => self.int(name),
        }
    }
}

/// Everything a check sees.
pub struct CheckCtx<'a> {
    pub org: &'a Organisation,
    pub data: &'a OrgData,
    pub params: &'a Params,
    pub now: DateTime<Utc>,
    pub args: Args<'a>,
}

impl CheckCtx<'_> {
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Whole days from `date` to today (negative when in the future).
    pub fn days_since(&self, date: NaiveDate) -> i64 {
        (self.today() - date).num_days()
    }

    /// Whole hours from `t` to now.
    pub fn hours_since(&self, t: DateTime<Utc>) -> i64 {
        (self.now - t).num_hours()
    }

    /// Assets in use (lifecycle `active`).
    pub fn active_assets(&self) -> impl Iterator<Item = &Asset> {
        self.data
            .assets
            .iter()
            .filter(|a| a.lifecycle == Lifecycle::Active)
    }

    /// Active assets inside the assessed scope (unset counts as in scope).
    pub fn in_scope_assets(&self) -> impl Iterator<Item = &Asset> {
        self.active_assets().filter(|a| a.in_scope != Some(false))
    }

    pub fn asset(&self, id: &str) -> Option<&Asset> {
        self.data.assets.iter().find(|a| a.id == id)
    }
}

/// Runs a check body that may fail on bad arguments; an argument error is an
/// `error` outcome naming the problem.
pub fn with_args(f: impl FnOnce() -> Result<Outcome, String>) -> Outcome {
    f().unwrap_or_else(Outcome::error)
}
