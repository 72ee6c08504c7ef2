//! Documents and evidence (`evidence` family): policies, certificates and
//! other documents in force, acknowledgements, categorisation and scope.

use super::support::{current_staff, nonblank, org_resource, present};
use super::{CheckCtx, CheckDef, CheckKind, with_args};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::records::{Document, DocumentKind};
use std::collections::{BTreeMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "evidence.document",
        title: "Document in force",
        kind: CheckKind::Evidence,
        about: "Passes when the latest document on arg `topic` is in force: effective, not past its review date, \
                or (without one) issued within arg `max_age` days; out of date is stale, none is insufficient evidence.",
        run: evidence_document,
    },
    CheckDef {
        id: "evidence.certificate",
        title: "Certificate current",
        kind: CheckKind::Evidence,
        about: "Passes when the latest certificate on arg `topic` was issued within the limit and has not expired; \
                fails when older or expired.",
        run: evidence_certificate,
    },
    CheckDef {
        id: "policies.required_present",
        title: "Required policies present",
        kind: CheckKind::Evidence,
        about: "Passes when every topic in arg `topics` has an approved document in force; \
                fails for a missing or unapproved one, stale for an out-of-date one.",
        run: policies_required_present,
    },
    CheckDef {
        id: "policies.reviewed",
        title: "Policies reviewed",
        kind: CheckKind::Evidence,
        about: "Passes when the latest policy of each topic is in force; an out-of-date policy is stale.",
        run: policies_reviewed,
    },
    CheckDef {
        id: "policies.acknowledged",
        title: "Policies acknowledged by staff",
        kind: CheckKind::Automated,
        about: "Fails for a member of current staff who has not acknowledged the latest version of every policy.",
        run: policies_acknowledged,
    },
    CheckDef {
        id: "org.categorised",
        title: "Organisation categorised",
        kind: CheckKind::Automated,
        about: "Passes when the organisation has a service tier; fails when it has none.",
        run: org_categorised,
    },
    CheckDef {
        id: "scope.boundary",
        title: "Assessment scope defined",
        kind: CheckKind::Evidence,
        about: "Passes when a `ce-scope` document is in force and at least one end-user device is in scope; \
                fails when no end-user device is in scope.",
        run: scope_boundary,
    },
];

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// The latest document among `docs` that has taken effect; when none has,
/// the earliest future one (judged "not yet in force").
fn latest<'a>(ctx: &CheckCtx, docs: impl Iterator<Item = &'a Document>) -> Option<&'a Document> {
    let today = ctx.today();
    let mut current: Option<&Document> = None;
    let mut future: Option<&Document> = None;
    for d in docs {
        if d.effective <= today {
            if current.is_none_or(|c| d.effective > c.effective) {
                current = Some(d);
            }
        } else if future.is_none_or(|f| d.effective < f.effective) {
            future = Some(d);
        }
    }
    current.or(future)
}

/// The latest document of each topic among `docs`, by topic.
fn latest_by_topic<'a>(
    ctx: &CheckCtx,
    docs: impl Iterator<Item = &'a Document>,
) -> BTreeMap<&'a str, &'a Document> {
    let mut by_topic: BTreeMap<&str, Vec<&Document>> = BTreeMap::new();
    for d in docs {
        by_topic.entry(d.topic.as_str()).or_default().push(d);
    }
    by_topic
        .into_iter()
        .filter_map(|(t, ds)| latest(ctx, ds.into_iter()).map(|d| (t, d)))
        .collect()
}

/// Whether a document is in force: it has taken effect and its review date
/// has not passed, or (without one) it took effect within `max_age` days.
/// `pass`, `stale` (out of date) or `insufficient_evidence` (not yet in force).
fn in_force(ctx: &CheckCtx, d: &Document, max_age: i64) -> (Status, String) {
    let today = ctx.today();
    let version = match nonblank(&d.version) {
        Some(v) => format!("version {v}"),
        None => "document".to_string(),
    };
    if d.effective > today {
        return (
            Status::InsufficientEvidence,
            format!("{version} not in force until {}", d.effective),
        );
    }
    match d.review_due {
        Some(due) if due < today => (
            Status::Stale,
            format!(
                "{version} review was due {due} ({} days ago)",
                ctx.days_since(due)
            ),
        ),
        Some(due) => (
            Status::Pass,
            format!("{version} in force, review due {due}"),
        ),
        None => {
            let days = ctx.days_since(d.effective);
            if days <= max_age {
                (
                    Status::Pass,
                    format!(
                        "{version} effective {} ({days} days ago, limit {max_age})",
                        d.effective
                    ),
                )
            } else {
                (
                    Status::Stale,
                    format!(
                        "{version} effective {}, {days} days ago with no review date (limit {max_age})",
                        d.effective
                    ),
                )
            }
        }
    }
}

fn doc_resource(d: &Document, status: Status, reason: String) -> ResourceResult {
    ResourceResult::new("document", &d.id, &d.title, status, reason)
}

/// A result for a topic without any document.
fn topic_resource(topic: &str, status: Status, reason: String) -> ResourceResult {
    ResourceResult::new("document", topic, topic, status, reason)
}

/// The outcome of a single resource: its status and reason.
fn single(r: ResourceResult) -> Outcome {
    Outcome::new(r.status, format!("{}: {}", r.name, r.reason)).with_resources(vec![r])
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

fn evidence_document(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let topic = ctx.args.required_str("topic")?;
        let max_age = ctx
            .args
            .int_or_param("max_age", ctx.params)?
            .unwrap_or(ctx.params.document_review_days);
        let doc = latest(ctx, ctx.data.documents.iter().filter(|d| d.topic == topic));
        Ok(match doc {
            Some(d) => {
                let (status, reason) = in_force(ctx, d, max_age);
                single(doc_resource(d, status, reason))
            }
            None => single(topic_resource(
                topic,
                Status::InsufficientEvidence,
                format!("no document on '{topic}' recorded"),
            )),
        })
    })
}

fn evidence_certificate(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let topic = ctx.args.required_str("topic")?;
        let limit = ctx.params.certificate_max_age_days;
        let today = ctx.today();
        let cert = latest(
            ctx,
            ctx.data
                .documents
                .iter()
                .filter(|d| d.kind == DocumentKind::Certificate && d.topic == topic),
        );
        let Some(c) = cert else {
            return Ok(single(topic_resource(
                topic,
                Status::InsufficientEvidence,
                format!("no '{topic}' certificate recorded"),
            )));
        };
        let days = ctx.days_since(c.effective);
        let (status, reason) = if c.effective > today {
            (
                Status::InsufficientEvidence,
                format!("issued with a future date {}", c.effective),
            )
        } else if let Some(exp) = c.review_due.filter(|e| *e < today) {
            (
                Status::Fail,
                format!("issued {}, expired {exp}", c.effective),
            )
        } else if days > limit {
            (
                Status::Fail,
                format!("issued {}, {days} days ago (limit {limit})", c.effective),
            )
        } else {
            let expiry = c
                .review_due
                .map(|e| format!(", expires {e}"))
                .unwrap_or_default();
            (
                Status::Pass,
                format!(
                    "issued {} ({days} days ago, limit {limit}){expiry}",
                    c.effective
                ),
            )
        };
        Ok(single(doc_resource(c, status, reason)))
    })
}

fn policies_required_present(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let topics = ctx.args.str_list("topics")?;
        if topics.is_empty() {
            return Err("argument 'topics' is required".to_string());
        }
        let max_age = ctx.params.document_review_days;
        let wanted: HashSet<&str> = topics.iter().copied().collect();
        let latest = latest_by_topic(
            ctx,
            ctx.data
                .documents
                .iter()
                .filter(|d| wanted.contains(d.topic.as_str())),
        );
        let no_documents = ctx.data.documents.is_empty();
        let resources = topics
            .iter()
            .map(|topic| match latest.get(topic) {
                Some(d) => {
                    let (status, reason) = in_force(ctx, d, max_age);
                    if present(&d.approved_by) {
                        let reason = match &d.approved_by {
                            Some(a) if status == Status::Pass => {
                                format!("{reason}, approved by {a}")
                            }
                            _ => reason,
                        };
                        doc_resource(d, status, reason)
                    } else {
                        doc_resource(d, Status::Fail, format!("{reason}; not approved"))
                    }
                }
                None if no_documents => topic_resource(
                    topic,
                    Status::InsufficientEvidence,
                    "no documents recorded".to_string(),
                ),
                None => topic_resource(topic, Status::Fail, format!("no document on '{topic}'")),
            })
            .collect();
        Ok(Outcome::from_resources("required documents", resources))
    })
}

fn policies_reviewed(ctx: &CheckCtx) -> Outcome {
    let max_age = ctx.params.document_review_days;
    let latest = latest_by_topic(
        ctx,
        ctx.data
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Policy),
    );
    let resources = latest
        .values()
        .map(|d| {
            let (status, reason) = in_force(ctx, d, max_age);
            doc_resource(d, status, reason)
        })
        .collect();
    Outcome::from_resources("policies", resources)
}

fn policies_acknowledged(ctx: &CheckCtx) -> Outcome {
    let today = ctx.today();
    // The version of each policy that applies today.
    let policies: Vec<&Document> = latest_by_topic(
        ctx,
        ctx.data
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Policy && d.effective <= today),
    )
    .into_values()
    .collect();
    if policies.is_empty() {
        return Outcome::insufficient("no policy documents recorded");
    }
    let acks: HashSet<(&str, &str)> = ctx
        .data
        .acknowledgements
        .iter()
        .map(|a| (a.person.as_str(), a.document.as_str()))
        .collect();
    let resources = current_staff(ctx)
        .map(|p| {
            let missing: Vec<String> = policies
                .iter()
                .filter(|d| !acks.contains(&(p.id.as_str(), d.id.as_str())))
                .map(|d| match &d.version {
                    Some(v) => format!("{} v{v}", d.title),
                    None => d.title.clone(),
                })
                .collect();
            if missing.is_empty() {
                ResourceResult::new(
                    "person",
                    &p.id,
                    &p.name,
                    Status::Pass,
                    format!("acknowledged all {} policies", policies.len()),
                )
            } else {
                ResourceResult::new(
                    "person",
                    &p.id,
                    &p.name,
                    Status::Fail,
                    format!("has not acknowledged {}", missing.join(", ")),
                )
            }
        })
        .collect();
    Outcome::from_resources("current staff", resources)
}

fn org_categorised(ctx: &CheckCtx) -> Outcome {
    let r = match nonblank(&ctx.org.tier) {
        Some(t) => org_resource(ctx, Status::Pass, format!("service tier '{t}'")),
        None => org_resource(ctx, Status::Fail, "no service tier"),
    };
    single(r)
}

fn scope_boundary(ctx: &CheckCtx) -> Outcome {
    let doc = latest(
        ctx,
        ctx.data.documents.iter().filter(|d| d.topic == "ce-scope"),
    );
    let doc_result = match doc {
        Some(d) => {
            let (status, reason) = in_force(ctx, d, ctx.params.document_review_days);
            doc_resource(d, status, reason)
        }
        None => topic_resource(
            "ce-scope",
            Status::InsufficientEvidence,
            "no ce-scope document recorded".to_string(),
        ),
    };
    let devices = ctx
        .in_scope_assets()
        .filter(|a| a.kind.is_end_user_device())
        .count();
    let device_result = if devices > 0 {
        org_resource(
            ctx,
            Status::Pass,
            format!("{devices} in-scope end-user devices"),
        )
    } else if ctx.active_assets().next().is_none() {
        org_resource(
            ctx,
            Status::InsufficientEvidence,
            "no active assets recorded",
        )
    } else {
        org_resource(ctx, Status::Fail, "no end-user device is in scope")
    };
    let resources = vec![doc_result, device_result];
    let worst = resources
        .iter()
        .map(|r| r.status)
        .max_by_key(Status::severity)
        .unwrap_or(Status::InsufficientEvidence);
    let reason = resources
        .iter()
        .filter(|r| worst == Status::Pass || r.status == worst)
        .map(|r| format!("{}: {}", r.name, r.reason))
        .collect::<Vec<_>>()
        .join("; ");
    Outcome::new(worst, reason).with_resources(resources)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        NOW, check, days_ago, days_ahead, example, org, run, run_for, run_with, status_of,
    };
    use crate::engine::outcome::Status;
    use crate::org::OrgKind;
    use crate::params::Params;
    use crate::records::{
        Acknowledgement, Asset, AssetKind, Document, DocumentKind, OrgData, Person,
    };
    use chrono::NaiveDate;
    use serde_json::json;

    fn doc(id: &str, topic: &str, effective: NaiveDate, review_due: Option<NaiveDate>) -> Document {
        let mut d = example::<Document>(id);
        d.topic = topic.into();
        d.title = format!("{topic} title");
        d.effective = effective;
        d.review_due = review_due;
        d
    }

    fn with_docs(docs: Vec<Document>) -> OrgData {
        OrgData {
            documents: docs,
            ..Default::default()
        }
    }

    // --- evidence.document ---------------------------------------------------

    #[test]
    fn document_review_due_today_passes_yesterday_is_stale() {
        let args = json!({"topic": "incident-response-plan"});
        let data = with_docs(vec![doc(
            "d1",
            "incident-response-plan",
            days_ago(300),
            Some(days_ago(0)),
        )]);
        let o = run("evidence.document", &data, NOW, args.clone());
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let data = with_docs(vec![doc(
            "d1",
            "incident-response-plan",
            days_ago(300),
            Some(days_ago(1)),
        )]);
        let o = run("evidence.document", &data, NOW, args);
        assert_eq!(o.status, Status::Stale);
        assert!(
            o.reason.contains("incident-response-plan title")
                && o.reason.contains("review was due"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn document_without_review_date_uses_max_age() {
        let data = with_docs(vec![doc("d1", "bcp", days_ago(365), None)]);
        let args = json!({"topic": "bcp"});
        assert_eq!(
            run("evidence.document", &data, NOW, args.clone()).status,
            Status::Pass
        );
        let old = with_docs(vec![doc("d1", "bcp", days_ago(366), None)]);
        assert_eq!(
            run("evidence.document", &old, NOW, args).status,
            Status::Stale
        );
        // max_age as a number and as a parameter name.
        assert_eq!(
            run(
                "evidence.document",
                &data,
                NOW,
                json!({"topic": "bcp", "max_age": 30})
            )
            .status,
            Status::Stale
        );
        let params = Params {
            config_doc_days: 400,
            ..Params::default()
        };
        assert_eq!(
            run_with(
                "evidence.document",
                &old,
                NOW,
                json!({"topic": "bcp", "max_age": "config_doc_days"}),
                &params
            )
            .status,
            Status::Pass
        );
    }

    #[test]
    fn document_latest_version_counts() {
        let data = with_docs(vec![
            doc("new", "bcp", days_ago(10), Some(days_ahead(300))),
            doc("old", "bcp", days_ago(800), Some(days_ago(400))),
            doc("other", "dr-plan", days_ago(10), Some(days_ahead(300))),
        ]);
        let o = run("evidence.document", &data, NOW, json!({"topic": "bcp"}));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].id, "new");
    }

    #[test]
    fn document_future_version_does_not_hide_current_one() {
        let data = with_docs(vec![
            doc("cur", "bcp", days_ago(10), Some(days_ahead(300))),
            doc("next", "bcp", days_ahead(10), Some(days_ahead(400))),
        ]);
        let o = run("evidence.document", &data, NOW, json!({"topic": "bcp"}));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.resources[0].id, "cur");
        let only_future = with_docs(vec![doc("next", "bcp", days_ahead(10), None)]);
        let o = run(
            "evidence.document",
            &only_future,
            NOW,
            json!({"topic": "bcp"}),
        );
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert!(o.reason.contains("not in force until"), "{}", o.reason);
    }

    #[test]
    fn document_missing_is_insufficient_and_bad_args_error() {
        let data = with_docs(vec![doc("d1", "bcp", days_ago(1), None)]);
        let o = run("evidence.document", &data, NOW, json!({"topic": "dr-plan"}));
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert_eq!(o.resources[0].kind, "document");
        assert_eq!(o.resources[0].id, "dr-plan");
        let o = check("evidence.document", &data);
        assert_eq!(o.status, Status::Error);
        assert!(o.reason.contains("topic"), "{}", o.reason);
        let o = run(
            "evidence.document",
            &data,
            NOW,
            json!({"topic": "bcp", "max_age": [1]}),
        );
        assert_eq!(o.status, Status::Error);
        assert!(o.reason.contains("max_age"), "{}", o.reason);
    }

    // --- evidence.certificate ------------------------------------------------

    fn cert(id: &str, issued_days_ago: u64, expires: Option<NaiveDate>) -> Document {
        let mut d = doc(id, "ce-plus", days_ago(issued_days_ago), expires);
        d.kind = DocumentKind::Certificate;
        d.title = "Cyber Essentials Plus".into();
        d
    }

    #[test]
    fn certificate_365_days_passes_366_fails() {
        let args = json!({"topic": "ce-plus"});
        let data = with_docs(vec![cert("c1", 365, None)]);
        let o = run("evidence.certificate", &data, NOW, args.clone());
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let data = with_docs(vec![cert("c1", 366, Some(days_ahead(10)))]);
        let o = run("evidence.certificate", &data, NOW, args);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Cyber Essentials Plus") && o.reason.contains("366 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn certificate_expired_fails() {
        let data = with_docs(vec![cert("c1", 100, Some(days_ago(1)))]);
        let o = run(
            "evidence.certificate",
            &data,
            NOW,
            json!({"topic": "ce-plus"}),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("expired"), "{}", o.reason);
        // Expiring today is still valid.
        let data = with_docs(vec![cert("c1", 100, Some(days_ago(0)))]);
        assert_eq!(
            run(
                "evidence.certificate",
                &data,
                NOW,
                json!({"topic": "ce-plus"})
            )
            .status,
            Status::Pass
        );
    }

    #[test]
    fn certificate_missing_is_insufficient() {
        // A policy on the same topic is not a certificate.
        let data = with_docs(vec![doc("d1", "ce-plus", days_ago(1), None)]);
        let o = run(
            "evidence.certificate",
            &data,
            NOW,
            json!({"topic": "ce-plus"}),
        );
        assert_eq!(o.status, Status::InsufficientEvidence);
        let o = run("evidence.certificate", &data, NOW, json!({"topic": 1}));
        assert_eq!(o.status, Status::Error);
    }

    // --- policies.required_present -------------------------------------------

    #[test]
    fn required_present_pass() {
        let data = with_docs(vec![
            doc("d1", "isp", days_ago(10), Some(days_ahead(10))),
            doc("d2", "aup", days_ago(10), None),
        ]);
        let o = run(
            "policies.required_present",
            &data,
            NOW,
            json!({"topics": ["isp", "aup"]}),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn required_present_missing_or_unapproved_fails() {
        let mut unapproved = doc("d2", "aup", days_ago(10), None);
        unapproved.approved_by = None;
        let data = with_docs(vec![
            doc("d1", "isp", days_ago(10), Some(days_ahead(10))),
            unapproved,
        ]);
        let o = run(
            "policies.required_present",
            &data,
            NOW,
            json!({"topics": ["isp", "aup", "byod"]}),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("aup title") && o.reason.contains("not approved"),
            "{}",
            o.reason
        );
        assert_eq!(status_of(&o, "d2"), Status::Fail);
        assert_eq!(status_of(&o, "byod"), Status::Fail);
        assert_eq!(status_of(&o, "d1"), Status::Pass);
    }

    #[test]
    fn required_present_out_of_date_is_stale() {
        let data = with_docs(vec![doc("d1", "isp", days_ago(400), Some(days_ago(1)))]);
        let o = run(
            "policies.required_present",
            &data,
            NOW,
            json!({"topics": "isp"}),
        );
        assert_eq!(o.status, Status::Stale);
        assert!(o.reason.contains("isp title"), "{}", o.reason);
    }

    #[test]
    fn required_present_without_documents_is_insufficient_and_needs_topics() {
        let o = run(
            "policies.required_present",
            &OrgData::default(),
            NOW,
            json!({"topics": ["isp"]}),
        );
        assert_eq!(o.status, Status::InsufficientEvidence);
        let o = check("policies.required_present", &OrgData::default());
        assert_eq!(o.status, Status::Error);
        assert!(o.reason.contains("topics"), "{}", o.reason);
        let o = run(
            "policies.required_present",
            &OrgData::default(),
            NOW,
            json!({"topics": [1, 2]}),
        );
        assert_eq!(o.status, Status::Error);
    }

    // --- policies.reviewed ---------------------------------------------------

    #[test]
    fn policies_reviewed_pass_and_stale() {
        let data = with_docs(vec![
            doc("d1", "isp", days_ago(10), Some(days_ahead(10))),
            doc("d0", "isp", days_ago(500), Some(days_ago(100))),
            doc("d2", "aup", days_ago(10), Some(days_ahead(10))),
        ]);
        let o = check("policies.reviewed", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2, "one per topic");
        let data = with_docs(vec![
            doc("d1", "isp", days_ago(400), Some(days_ago(35))),
            doc("d2", "aup", days_ago(10), Some(days_ahead(10))),
        ]);
        let o = check("policies.reviewed", &data);
        assert_eq!(o.status, Status::Stale);
        assert!(
            o.reason.contains("isp title") && o.reason.contains("35 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn policies_reviewed_without_policies_is_insufficient() {
        let mut plan = doc("d1", "bcp", days_ago(10), None);
        plan.kind = DocumentKind::Plan;
        let o = check("policies.reviewed", &with_docs(vec![plan]));
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    // --- policies.acknowledged -----------------------------------------------

    fn person(id: &str) -> Person {
        let mut p = example::<Person>(id);
        p.name = format!("{id} name");
        p
    }

    fn ack(person: &str, document: &str) -> Acknowledgement {
        let mut a = example::<Acknowledgement>(&format!("ack-{person}-{document}"));
        a.person = person.into();
        a.document = document.into();
        a
    }

    #[test]
    fn acknowledged_latest_versions_pass() {
        let data = OrgData {
            documents: vec![
                doc("isp-2", "isp", days_ago(10), None),
                doc("isp-1", "isp", days_ago(400), None),
                doc("aup-1", "aup", days_ago(10), None),
            ],
            people: vec![person("p1")],
            acknowledgements: vec![ack("p1", "isp-2"), ack("p1", "aup-1")],
            ..Default::default()
        };
        let o = check("policies.acknowledged", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn acknowledged_old_version_only_fails_naming_person() {
        let data = OrgData {
            documents: vec![
                doc("isp-2", "isp", days_ago(10), None),
                doc("isp-1", "isp", days_ago(400), None),
            ],
            people: vec![person("p1"), person("p2")],
            acknowledgements: vec![ack("p1", "isp-1"), ack("p2", "isp-2")],
            ..Default::default()
        };
        let o = check("policies.acknowledged", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("p1 name") && o.reason.contains("isp title"),
            "{}",
            o.reason
        );
        assert_eq!(status_of(&o, "p2"), Status::Pass);
    }

    #[test]
    fn acknowledged_without_policies_or_staff_is_insufficient() {
        let data = OrgData {
            people: vec![person("p1")],
            ..Default::default()
        };
        assert_eq!(
            check("policies.acknowledged", &data).status,
            Status::InsufficientEvidence
        );
        let data = with_docs(vec![doc("isp-2", "isp", days_ago(10), None)]);
        assert_eq!(
            check("policies.acknowledged", &data).status,
            Status::InsufficientEvidence
        );
    }

    // --- org.categorised -----------------------------------------------------

    #[test]
    fn org_categorised_pass_and_fail() {
        let data = OrgData::default();
        let o = check("org.categorised", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources[0].kind, "organisation");
        assert_eq!(o.resources[0].id, "test");
        let mut o2 = org(OrgKind::Client);
        o2.tier = None;
        let o = run_for("org.categorised", &data, &o2);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Test Org") && o.reason.contains("no service tier"),
            "{}",
            o.reason
        );
    }

    // --- scope.boundary ------------------------------------------------------

    fn scope_data(in_scope: Option<bool>) -> OrgData {
        let mut laptop = example::<Asset>("a1");
        laptop.kind = AssetKind::Laptop;
        laptop.in_scope = in_scope;
        let mut server = example::<Asset>("a2");
        server.kind = AssetKind::Server;
        OrgData {
            documents: vec![doc("scope", "ce-scope", days_ago(30), None)],
            assets: vec![laptop, server],
            ..Default::default()
        }
    }

    #[test]
    fn scope_boundary_pass() {
        let o = check("scope.boundary", &scope_data(None));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
    }

    #[test]
    fn scope_boundary_without_in_scope_user_devices_fails() {
        let o = check("scope.boundary", &scope_data(Some(false)));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("no end-user device is in scope"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn scope_boundary_stale_or_missing_document() {
        let mut data = scope_data(None);
        data.documents[0].effective = days_ago(366);
        let o = check("scope.boundary", &data);
        assert_eq!(o.status, Status::Stale);
        assert!(o.reason.contains("ce-scope title"), "{}", o.reason);
        data.documents.clear();
        let o = check("scope.boundary", &data);
        assert_eq!(o.status, Status::InsufficientEvidence);
        assert_eq!(status_of(&o, "ce-scope"), Status::InsufficientEvidence);
        assert_eq!(
            check("scope.boundary", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }
}
