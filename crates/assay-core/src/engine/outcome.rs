//! What a check returns: a status, a reason and per-resource results.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The status of a check, requirement or resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Partial,
    NotApplicable,
    InsufficientEvidence,
    Stale,
    Excepted,
    Error,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pass,
        Status::Fail,
        Status::Partial,
        Status::NotApplicable,
        Status::InsufficientEvidence,
        Status::Stale,
        Status::Excepted,
        Status::Error,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Partial => "partial",
            Status::NotApplicable => "not_applicable",
            Status::InsufficientEvidence => "insufficient_evidence",
            Status::Stale => "stale",
            Status::Excepted => "excepted",
            Status::Error => "error",
        }
    }

    /// How bad a status is when several are combined: the worst wins.
    pub fn severity(&self) -> u8 {
        match self {
            Status::Fail => 7,
            Status::Error => 6,
            Status::InsufficientEvidence => 5,
            Status::Stale => 4,
            Status::Partial => 3,
            Status::Excepted => 2,
            Status::Pass => 1,
            Status::NotApplicable => 0,
        }
    }

    /// Whether the status satisfies a requirement: passed, accepted as a
    /// risk, or not applicable.
    pub fn is_met(&self) -> bool {
        matches!(
            self,
            Status::Pass | Status::Excepted | Status::NotApplicable
        )
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result for one resource (asset, account, job, document, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceResult {
    /// The record kind, e.g. `asset`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub status: Status,
    pub reason: String,
}

impl ResourceResult {
    pub fn new(
        kind: &str,
        id: &str,
        name: &str,
        status: Status,
        reason: impl Into<String>,
    ) -> Self {
        ResourceResult {
            kind: kind.to_string(),
            id: id.to_string(),
            name: name.to_string(),
            status,
            reason: reason.into(),
        }
    }
}

/// What one check concluded for one organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub reason: String,
    /// Resources examined and listed (high-volume checks list only the
    /// ones that did not pass).
    pub resources: Vec<ResourceResult>,
    /// Resources that passed without being listed.
    pub passed: usize,
}

impl Outcome {
    pub fn new(status: Status, reason: impl Into<String>) -> Self {
        Outcome {
            status,
            reason: reason.into(),
            resources: Vec::new(),
            passed: 0,
        }
    }

    pub fn pass(reason: impl Into<String>) -> Self {
        Outcome::new(Status::Pass, reason)
    }

    pub fn fail(reason: impl Into<String>) -> Self {
        Outcome::new(Status::Fail, reason)
    }

    pub fn insufficient(reason: impl Into<String>) -> Self {
        Outcome::new(Status::InsufficientEvidence, reason)
    }

    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Outcome::new(Status::NotApplicable, reason)
    }

    pub fn error(reason: impl Into<String>) -> Self {
        Outcome::new(Status::Error, reason)
    }

    pub fn with_resources(mut self, resources: Vec<ResourceResult>) -> Self {
        self.resources = resources;
        self
    }

    /// Summarises per-resource results: the worst resource status wins, and
    /// the reason counts them and quotes the first non-passing one. With no
    /// resources at all the outcome is `insufficient_evidence`: missing data
    /// is never a pass. `what` names the resources in the plural
    /// ("in-scope laptops, desktops and servers").
    pub fn from_resources(what: &str, resources: Vec<ResourceResult>) -> Self {
        Outcome::from_counted(what, 0, resources)
    }

    /// Like [`Outcome::from_resources`], for checks over so many records
    /// (software installs, updates) that passing ones are counted, not
    /// listed: `passed` resources passed and `listed` holds the others.
    pub fn from_counted(what: &str, passed: usize, listed: Vec<ResourceResult>) -> Self {
        let resources = listed;
        if resources.is_empty() && passed == 0 {
            return Outcome::insufficient(format!("no {what} recorded"));
        }
        let worst = resources
            .iter()
            .map(|r| r.status)
            .max_by_key(Status::severity)
            .unwrap_or(Status::Pass);
        let total = resources.len() + passed;
        let reason = if worst == Status::Pass {
            format!("all {total} {what} pass")
        } else {
            let bad: Vec<&ResourceResult> =
                resources.iter().filter(|r| r.status == worst).collect();
            let first = bad[0];
            let more = if bad.len() > 1 {
                format!(" (and {} more)", bad.len() - 1)
            } else {
                String::new()
            };
            format!(
                "{} of {total} {what} {}: {} — {}{more}",
                bad.len(),
                worst.as_str().replace('_', " "),
                first.name,
                first.reason
            )
        };
        Outcome {
            status: worst,
            reason,
            resources,
            passed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_resources_is_insufficient_evidence_never_pass() {
        let o = Outcome::from_resources("laptops", vec![]);
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert_eq!(o.reason, "no laptops recorded");
    }

    #[test]
    fn counted_passes_make_up_the_total() {
        let o = Outcome::from_counted("installs", 3, vec![]);
        assert_eq!(
            (o.status, o.reason.as_str()),
            (Status::Pass, "all 3 installs pass")
        );
        let o = Outcome::from_counted(
            "installs",
            3,
            vec![ResourceResult::new(
                "software_install",
                "s9",
                "Flash",
                Status::Fail,
                "support ended",
            )],
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.starts_with("1 of 4 installs fail"), "{}", o.reason);
    }

    #[test]
    fn worst_resource_wins_and_is_named() {
        let o = Outcome::from_resources(
            "laptops",
            vec![
                ResourceResult::new("asset", "a1", "LAP-1", Status::Pass, "ok"),
                ResourceResult::new("asset", "a2", "LAP-2", Status::Fail, "firewall off"),
            ],
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("LAP-2") && o.reason.contains("firewall off"),
            "{}",
            o.reason
        );
    }
}
