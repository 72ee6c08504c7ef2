//! What changed between two evaluations of one framework for one
//! organisation: the requirements whose status moved and the verdict, if it
//! moved. Notifications are made of these.

use crate::engine::{FrameworkResult, Status};
use serde::Serialize;

/// One requirement (or the framework's verdict) whose status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub framework: String,
    /// The requirement's id, or `None` for the framework's verdict.
    pub requirement: Option<String>,
    pub title: String,
    pub from: Status,
    pub to: Status,
    /// Why it has its new status.
    pub reason: String,
}

impl StatusChange {
    /// Whether the change is for the worse: from met to not met.
    pub fn is_regression(&self) -> bool {
        self.from.is_met() && !self.to.is_met()
    }
}

/// The changes from `previous` to `current`, verdict first, then
/// requirements in catalogue order. Without a previous result there is
/// nothing to compare: the first evaluation is the baseline, not a change.
/// A requirement new to the catalogue is likewise a baseline.
pub fn status_changes(
    previous: Option<&FrameworkResult>,
    current: &FrameworkResult,
) -> Vec<StatusChange> {
    let Some(previous) = previous else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let (Some(before), Some(now)) = (&previous.verdict, &current.verdict)
        && before.status != now.status
    {
        out.push(StatusChange {
            framework: current.framework.clone(),
            requirement: None,
            title: format!("{} verdict", current.framework),
            from: before.status,
            to: now.status,
            reason: now.reason.clone(),
        });
    }
    for req in &current.requirements {
        let Some(before) = previous.requirements.iter().find(|r| r.id == req.id) else {
            continue;
        };
        if before.status != req.status {
            out.push(StatusChange {
                framework: current.framework.clone(),
                requirement: Some(req.id.clone()),
                title: req.title.clone(),
                from: before.status,
                to: req.status,
                reason: req.reason.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Category;
    use crate::engine::{RequirementResult, Verdict};
    use std::collections::BTreeMap;

    fn req(id: &str, status: Status) -> RequirementResult {
        RequirementResult {
            id: id.into(),
            title: format!("Requirement {id}"),
            group: "g".into(),
            category: Category::Essential,
            status,
            reason: format!("{id} is {status}"),
            checks: vec![],
            passed_resources: 0,
            resources: vec![],
        }
    }

    fn result(verdict: Option<Status>, reqs: Vec<RequirementResult>) -> FrameworkResult {
        FrameworkResult {
            org: "alpha".into(),
            framework: "fw".into(),
            version: "1".into(),
            verdict: verdict.map(|status| Verdict {
                status,
                reason: format!("verdict {status}"),
                blocking_failures: vec![],
            }),
            counts: BTreeMap::new(),
            requirements: reqs,
        }
    }

    #[test]
    fn the_first_evaluation_is_a_baseline() {
        let now = result(Some(Status::Fail), vec![req("R1", Status::Fail)]);
        assert!(status_changes(None, &now).is_empty());
    }

    #[test]
    fn only_moved_statuses_are_reported_verdict_first() {
        let before = result(
            Some(Status::Pass),
            vec![
                req("R1", Status::Pass),
                req("R2", Status::Fail),
                req("R3", Status::Stale),
            ],
        );
        let now = result(
            Some(Status::Fail),
            vec![
                req("R1", Status::Fail),
                req("R2", Status::Fail),
                req("R3", Status::Pass),
                req("R4", Status::Fail),
            ],
        );
        let changes = status_changes(Some(&before), &now);
        let summary: Vec<_> = changes
            .iter()
            .map(|c| (c.requirement.as_deref(), c.from, c.to))
            .collect();
        assert_eq!(
            summary,
            [
                (None, Status::Pass, Status::Fail),
                (Some("R1"), Status::Pass, Status::Fail),
                (Some("R3"), Status::Stale, Status::Pass),
            ]
        );
        assert_eq!(changes[1].reason, "R1 is fail");
        assert!(changes[1].is_regression());
        assert!(!changes[2].is_regression());
    }

    #[test]
    fn an_unchanged_result_has_no_changes() {
        let r = result(Some(Status::Pass), vec![req("R1", Status::Pass)]);
        assert!(status_changes(Some(&r), &r).is_empty());
    }
}
