//! Exceptions (risk acceptances): a failing check, for one resource or a whole
//! organisation, is accepted by an approver until an expiry date.

use super::outcome::{Outcome, Status};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    pub id: Uuid,
    pub org_id: Uuid,
    /// The check id it applies to (`updates.critical_within_window`).
    pub check: String,
    /// The resource id it applies to; `None` covers the whole organisation.
    pub resource: Option<String>,
    pub justification: String,
    pub approver: String,
    /// The last day on which the exception applies.
    pub expires: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Exception {
    /// Applies on `now`'s date up to and including `expires`, unless revoked.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none_or(|r| r > now)
            && now.date_naive() <= self.expires
            && self.created_at <= now
    }

    fn note(&self) -> String {
        format!(
            "excepted: {} (approved by {}, until {})",
            self.justification, self.approver, self.expires
        )
    }
}

/// Turns failing results covered by an active exception into `excepted`.
pub fn apply(outcome: &mut Outcome, check: &str, exceptions: &[Exception], now: DateTime<Utc>) {
    let active: Vec<&Exception> = exceptions
        .iter()
        .filter(|e| e.check == check && e.is_active(now))
        .collect();
    if active.is_empty() {
        return;
    }
    let whole_org = active.iter().find(|e| e.resource.is_none());
    for r in outcome
        .resources
        .iter_mut()
        .filter(|r| r.status == Status::Fail)
    {
        let hit = active
            .iter()
            .find(|e| e.resource.as_deref() == Some(r.id.as_str()))
            .or(whole_org);
        if let Some(e) = hit {
            r.status = Status::Excepted;
            r.reason = format!("{} — {}", r.reason, e.note());
        }
    }
    if outcome.status != Status::Fail {
        return;
    }
    let still_failing = outcome
        .resources
        .iter()
        .filter(|r| r.status == Status::Fail)
        .count();
    let excepted = outcome
        .resources
        .iter()
        .filter(|r| r.status == Status::Excepted)
        .count();
    if still_failing > 0 {
        if excepted > 0 {
            outcome.reason = format!("{} ({excepted} excepted)", outcome.reason);
        }
        return;
    }
    if excepted > 0 {
        outcome.status = Status::Excepted;
        outcome.reason = format!("{excepted} failing resource(s) excepted");
    } else if let Some(e) = whole_org {
        outcome.status = Status::Excepted;
        outcome.reason = format!("{} — {}", outcome.reason, e.note());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::outcome::ResourceResult;

    fn exc(resource: Option<&str>, expires: &str) -> Exception {
        Exception {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            check: "c".into(),
            resource: resource.map(String::from),
            justification: "legacy CNC controller".into(),
            approver: "Ops director".into(),
            expires: NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            revoked_at: None,
        }
    }

    fn failing() -> Outcome {
        Outcome::from_resources(
            "assets",
            vec![
                ResourceResult::new("asset", "a1", "A1", Status::Fail, "bad"),
                ResourceResult::new("asset", "a2", "A2", Status::Pass, "ok"),
            ],
        )
    }

    #[test]
    fn resource_exception_applies_until_expiry_day_inclusive() {
        let e = [exc(Some("a1"), "2026-03-31")];
        let mut o = failing();
        apply(&mut o, "c", &e, "2026-03-31T23:00:00Z".parse().unwrap());
        assert_eq!(o.status, Status::Excepted);
        assert_eq!(o.resources[0].status, Status::Excepted);

        let mut o = failing();
        apply(&mut o, "c", &e, "2026-04-01T00:00:00Z".parse().unwrap());
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn exception_for_another_resource_or_check_does_nothing() {
        let mut o = failing();
        apply(
            &mut o,
            "c",
            &[exc(Some("zz"), "2027-01-01")],
            "2026-02-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(o.status, Status::Fail);
        let mut o = failing();
        apply(
            &mut o,
            "other",
            &[exc(None, "2027-01-01")],
            "2026-02-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn revoked_exception_stops_applying() {
        let mut e = exc(None, "2027-01-01");
        e.revoked_at = Some("2026-02-01T00:00:00Z".parse().unwrap());
        let mut o = failing();
        apply(&mut o, "c", &[e], "2026-02-02T00:00:00Z".parse().unwrap());
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn org_wide_exception_covers_a_failure_without_resources() {
        let mut o = Outcome::fail("no DMARC policy");
        apply(
            &mut o,
            "c",
            &[exc(None, "2027-01-01")],
            "2026-02-02T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(o.status, Status::Excepted);
        assert!(o.reason.contains("legacy CNC controller"));
    }
}
