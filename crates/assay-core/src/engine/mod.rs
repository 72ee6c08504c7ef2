//! The check engine: evaluates one organisation's records against framework
//! requirements. Each distinct check (with its arguments) runs once per
//! organisation and every requirement that names it shares the result.

pub mod checks;
pub mod exceptions;
pub mod outcome;

pub use exceptions::Exception;
pub use outcome::{Outcome, ResourceResult, Status};

use crate::catalogue::{AppliesTo, Category, CheckRef, Framework, Requirement, VerdictRule};
use crate::org::{OrgKind, Organisation};
use crate::params::Params;
use crate::records::OrgData;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One organisation's inputs to an evaluation.
pub struct EvalInput<'a> {
    pub org: &'a Organisation,
    pub data: &'a OrgData,
    pub params: &'a Params,
    pub exceptions: &'a [Exception],
    pub now: DateTime<Utc>,
}

/// A framework's overall verdict for one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// `pass` or `fail`.
    pub status: Status,
    pub reason: String,
    /// Failing requirements that fail the assessment outright.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocking_failures: Vec<String>,
}

/// One requirement's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementResult {
    pub id: String,
    pub title: String,
    pub group: String,
    pub category: Category,
    pub status: Status,
    pub reason: String,
    /// The checks that decided it.
    pub checks: Vec<String>,
    /// How many resources passed (they are not listed one by one).
    pub passed_resources: usize,
    /// Every resource that did not pass, with its status and reason.
    pub resources: Vec<ResourceResult>,
}

/// One framework's results for one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkResult {
    pub org: String,
    pub framework: String,
    pub version: String,
    pub verdict: Option<Verdict>,
    /// Requirements per status.
    pub counts: BTreeMap<Status, usize>,
    pub requirements: Vec<RequirementResult>,
}

/// Evaluates `frameworks` for one organisation. `provider` holds the
/// provider's results, from which a client inherits the requirements that
/// apply to the provider only.
pub fn evaluate_org(
    frameworks: &[&Framework],
    input: &EvalInput,
    provider: Option<&[FrameworkResult]>,
) -> Vec<FrameworkResult> {
    let mut cache: HashMap<String, Outcome> = HashMap::new();
    frameworks
        .iter()
        .map(|fw| {
            let inherited = provider.and_then(|p| p.iter().find(|r| r.framework == fw.id));
            let requirements: Vec<RequirementResult> = fw
                .requirements
                .iter()
                .map(|req| evaluate_requirement(req, input, inherited, &mut cache))
                .collect();
            let mut counts = BTreeMap::new();
            for r in &requirements {
                *counts.entry(r.status).or_insert(0) += 1;
            }
            FrameworkResult {
                org: input.org.slug.clone(),
                framework: fw.id.clone(),
                version: fw.version.clone(),
                verdict: Some(verdict(fw, &requirements)),
                counts,
                requirements,
            }
        })
        .collect()
}

fn evaluate_requirement(
    req: &Requirement,
    input: &EvalInput,
    inherited: Option<&FrameworkResult>,
    cache: &mut HashMap<String, Outcome>,
) -> RequirementResult {
    let checks: Vec<String> = req.checks.iter().map(|c| c.check.clone()).collect();
    let base = |status, reason: String| RequirementResult {
        id: req.id.clone(),
        title: req.title.clone(),
        group: req.group.clone(),
        category: req.category,
        status,
        reason,
        checks: checks.clone(),
        passed_resources: 0,
        resources: Vec::new(),
    };
    match (req.applies_to, input.org.kind) {
        (AppliesTo::Client, OrgKind::Provider) => {
            return base(
                Status::NotApplicable,
                "applies to client organisations only".into(),
            );
        }
        (AppliesTo::Provider, OrgKind::Client) => {
            return match inherited.and_then(|p| p.requirements.iter().find(|r| r.id == req.id)) {
                Some(p) => RequirementResult {
                    reason: format!("inherited from the provider: {}", p.reason),
                    ..p.clone()
                },
                None => base(
                    Status::InsufficientEvidence,
                    "the provider organisation has not been evaluated".into(),
                ),
            };
        }
        _ => {}
    }
    let outcomes: Vec<(String, Outcome)> = req
        .checks
        .iter()
        .map(|c| (c.check.clone(), run_check(c, input, cache)))
        .collect();
    combine(base(Status::Pass, String::new()), outcomes)
}

fn run_check(c: &CheckRef, input: &EvalInput, cache: &mut HashMap<String, Outcome>) -> Outcome {
    cache
        .entry(c.key())
        .or_insert_with(|| {
            let mut outcome = match checks::find(&c.check) {
                Some(def) => {
                    let ctx = checks::CheckCtx {
                        org: input.org,
                        data: input.data,
                        params: input.params,
                        now: input.now,
                        args: checks::Args(&c.args),
                    };
                    (def.run)(&ctx)
                }
                None => Outcome::error(format!("unknown check '{}'", c.check)),
            };
            exceptions::apply(&mut outcome, &c.check, input.exceptions, input.now);
            outcome
        })
        .clone()
}

/// Combines check outcomes into a requirement result: the worst status
/// wins; its reasons are quoted; non-passing resources are listed.
fn combine(mut result: RequirementResult, outcomes: Vec<(String, Outcome)>) -> RequirementResult {
    let worst = outcomes
        .iter()
        .map(|(_, o)| o.status)
        .max_by_key(Status::severity)
        .unwrap_or(Status::InsufficientEvidence);
    result.status = worst;
    let reasons: Vec<String> = outcomes
        .iter()
        .filter(|(_, o)| o.status == worst || outcomes.len() == 1)
        .map(|(id, o)| {
            if outcomes.len() == 1 {
                o.reason.clone()
            } else {
                format!("{id}: {}", o.reason)
            }
        })
        .collect();
    result.reason = reasons.join("; ");
    for (_, o) in outcomes {
        result.passed_resources += o.passed;
        for r in o.resources {
            if r.status == Status::Pass {
                result.passed_resources += 1;
            } else {
                result.resources.push(r);
            }
        }
    }
    result
}

fn verdict(fw: &Framework, reqs: &[RequirementResult]) -> Verdict {
    let met = |cat: Category| {
        reqs.iter()
            .filter(|r| r.category == cat && r.status.is_met())
            .count()
    };
    let total = |cat: Category| reqs.iter().filter(|r| r.category == cat).count();
    let blocking_failures: Vec<String> = fw
        .requirements
        .iter()
        .zip(reqs)
        .filter(|(def, r)| def.blocking && !r.status.is_met())
        .map(|(_, r)| r.id.clone())
        .collect();
    let (ok, reason) = match fw.verdict {
        VerdictRule::Charter => {
            let (e, et) = (met(Category::Essential), total(Category::Essential));
            let (x, xt) = (met(Category::Enhanced), total(Category::Enhanced));
            (
                e == et && x >= 2,
                format!(
                    "{e} of {et} essential standards met; {x} of {xt} enhanced met (at least 2 needed)"
                ),
            )
        }
        VerdictRule::AllRequired => {
            let scored: Vec<&RequirementResult> = reqs
                .iter()
                .filter(|r| r.category != Category::Advisory)
                .collect();
            let unmet: Vec<&str> = scored
                .iter()
                .filter(|r| !r.status.is_met())
                .map(|r| r.id.as_str())
                .collect();
            let reason = if unmet.is_empty() {
                format!("all {} scored requirements met", scored.len())
            } else {
                format!(
                    "{} of {} scored requirements not met",
                    unmet.len(),
                    scored.len()
                )
            };
            (unmet.is_empty(), reason)
        }
    };
    let reason = if blocking_failures.is_empty() {
        reason
    } else {
        format!(
            "{reason}; automatic failure: {}",
            blocking_failures.join(", ")
        )
    };
    Verdict {
        status: if ok && blocking_failures.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        reason,
        blocking_failures,
    }
}

#[cfg(test)]
mod tests;
