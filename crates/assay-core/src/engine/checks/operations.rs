//! Service operations (`operations` family): tickets, alerts, changes,
//! capacity, NOC coverage, time entries and log sources.

use super::support::{
    Findings, ShareItem, asset_result, assets_by_id, kinds_arg, latest_per_key, nonblank, present,
    share_outcome,
};
use super::{CheckCtx, CheckDef, CheckKind, with_args};
use crate::engine::outcome::{Outcome, ResourceResult, Status};
use crate::org::OrgKind;
use crate::records::{Asset, AssetKind, ChangeOutcome, LogSourceKind, Metric, TicketType, Weekday};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "tickets.categorised",
        title: "Tickets categorised and prioritised",
        kind: CheckKind::Automated,
        about: "Passes when at least the target share of tickets opened in the look-back window \
                have a sub-type, a priority and a category; fails below it, listing the incomplete tickets.",
        run: tickets_categorised,
    },
    CheckDef {
        id: "tickets.sla",
        title: "Ticket SLA attainment",
        kind: CheckKind::Automated,
        about: "Passes when at least the target share of tickets opened in the look-back window met both \
                their response and resolution targets; an unanswered or unresolved ticket past its target is a breach.",
        run: tickets_sla,
    },
    CheckDef {
        id: "tickets.problem_correlation",
        title: "Recurring incidents linked to problems",
        kind: CheckKind::Automated,
        about: "Fails for an asset with three or more incidents in the look-back window when any of them \
                is not linked to a problem ticket.",
        run: tickets_problem_correlation,
    },
    CheckDef {
        id: "alerts.ticketed",
        title: "Alerts logged as tickets",
        kind: CheckKind::Automated,
        about: "Passes when at least the target share of alerts raised in the look-back window have a ticket.",
        run: alerts_ticketed,
    },
    CheckDef {
        id: "alerts.acknowledged",
        title: "Alerts acknowledged in time",
        kind: CheckKind::Automated,
        about: "Passes when at least the SLA attainment share of alerts raised in the look-back window \
                were acknowledged within the limit; an unacknowledged alert past the limit counts as late.",
        run: alerts_acknowledged,
    },
    CheckDef {
        id: "changes.tracked",
        title: "Changes fully recorded",
        kind: CheckKind::Automated,
        about: "Fails for a change requested in the look-back window that lacks a description, affected systems \
                or services, user impact, approval (unless emergency), client notification (client organisations) \
                or, once implemented, an outcome.",
        run: changes_tracked,
    },
    CheckDef {
        id: "capacity.monitored",
        title: "Capacity thresholds set",
        kind: CheckKind::Automated,
        about: "Fails for an active server or storage asset without any capacity threshold; \
                not applicable when there are none.",
        run: capacity_monitored,
    },
    CheckDef {
        id: "capacity.breaches_ticketed",
        title: "Capacity breaches ticketed",
        kind: CheckKind::Automated,
        about: "Fails for an asset metric whose latest reading is above its threshold, whose breach began \
                more than the limit ago, and for which no ticket was opened since the breach began.",
        run: capacity_breaches_ticketed,
    },
    CheckDef {
        id: "noc.coverage",
        title: "NOC coverage every day",
        kind: CheckKind::Automated,
        about: "Passes when every day of the week has a NOC or service desk shift; partial when only some do.",
        run: noc_coverage,
    },
    CheckDef {
        id: "time_entries.reviewed",
        title: "Time entries reviewed",
        kind: CheckKind::Automated,
        about: "Fails for a time entry in the look-back window older than the review limit that has not been \
                signed off.",
        run: time_entries_reviewed,
    },
    CheckDef {
        id: "monitoring.log_sources",
        title: "Critical log sources healthy",
        kind: CheckKind::Automated,
        about: "Fails for a critical log source (optionally of the kinds in arg `kind`) silent for longer than \
                the limit or retaining logs for less than the minimum.",
        run: monitoring_log_sources,
    },
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Whether `t` falls in the look-back window (`ticket_lookback_days`).
fn in_window(ctx: &CheckCtx, t: DateTime<Utc>) -> bool {
    in_window_date(ctx, t.date_naive())
}

fn in_window_date(ctx: &CheckCtx, d: NaiveDate) -> bool {
    (0..=ctx.params.ticket_lookback_days).contains(&ctx.days_since(d))
}

fn window_text(ctx: &CheckCtx) -> String {
    format!("in the last {} days", ctx.params.ticket_lookback_days)
}

// ---------------------------------------------------------------------------
// Tickets
// ---------------------------------------------------------------------------

fn tickets_categorised(ctx: &CheckCtx) -> Outcome {
    let items = ctx
        .data
        .tickets
        .iter()
        .filter(|t| in_window(ctx, t.opened_at))
        .map(|t| {
            let mut missing = Vec::new();
            if !present(&t.sub_type) {
                missing.push("sub-type");
            }
            if t.priority.is_none() {
                missing.push("priority");
            }
            if !present(&t.category) {
                missing.push("category");
            }
            let ok = missing.is_empty();
            ShareItem {
                kind: "ticket",
                id: t.id.clone(),
                name: t.title.clone(),
                ok,
                reason: if ok {
                    "categorised and prioritised".into()
                } else {
                    format!("no {}", missing.join(", "))
                },
            }
        })
        .collect();
    share_outcome(
        &format!("tickets opened {}", window_text(ctx)),
        "are categorised and prioritised",
        ctx.params.ticket_quality_pct,
        items,
    )
}

fn tickets_sla(ctx: &CheckCtx) -> Outcome {
    let p = ctx.params;
    let items = ctx
        .data
        .tickets
        .iter()
        .filter(|t| in_window(ctx, t.opened_at))
        .map(|t| {
            let resp_target = t.sla_response_minutes.unwrap_or(p.sla_response_minutes);
            let res_target = t.sla_resolution_minutes.unwrap_or(p.sla_resolution_minutes);
            // A resolved ticket was answered at the latest when resolved.
            let responded = t.first_response_at.or(t.resolved_at);
            let mut breaches = Vec::new();
            let mut pending = Vec::new();
            match responded {
                Some(r) => {
                    let m = (r - t.opened_at).num_minutes();
                    if m > resp_target {
                        breaches.push(format!(
                            "first response after {m} min (target {resp_target})"
                        ));
                    }
                }
                None => {
                    let m = (ctx.now - t.opened_at).num_minutes();
                    if m > resp_target {
                        breaches.push(format!("no response after {m} min (target {resp_target})"));
                    } else {
                        pending.push("response");
                    }
                }
            }
            match t.resolved_at {
                Some(r) => {
                    let m = (r - t.opened_at).num_minutes();
                    if m > res_target {
                        breaches.push(format!("resolved after {m} min (target {res_target})"));
                    }
                }
                None => {
                    let m = (ctx.now - t.opened_at).num_minutes();
                    if m > res_target {
                        breaches.push(format!("unresolved after {m} min (target {res_target})"));
                    } else {
                        pending.push("resolution");
                    }
                }
            }
            let ok = breaches.is_empty();
            let reason = if !ok {
                breaches.join("; ")
            } else if pending.is_empty() {
                "response and resolution targets met".to_string()
            } else {
                format!("{} still within target", pending.join(" and "))
            };
            ShareItem {
                kind: "ticket",
                id: t.id.clone(),
                name: t.title.clone(),
                ok,
                reason,
            }
        })
        .collect();
    share_outcome(
        &format!("tickets opened {}", window_text(ctx)),
        "met their SLA targets",
        p.sla_attainment_pct,
        items,
    )
}

fn tickets_problem_correlation(ctx: &CheckCtx) -> Outcome {
    let in_window: Vec<_> = ctx
        .data
        .tickets
        .iter()
        .filter(|t| in_window(ctx, t.opened_at))
        .collect();
    if in_window.is_empty() {
        return Outcome::insufficient(format!("no tickets opened {} recorded", window_text(ctx)));
    }
    // Incidents per asset, in first-seen order of assets.
    let mut order: Vec<&str> = Vec::new();
    let mut by_asset: HashMap<&str, Vec<&crate::records::Ticket>> = HashMap::new();
    for t in &in_window {
        if t.ticket_type != TicketType::Incident {
            continue;
        }
        let Some(asset) = nonblank(&t.asset) else {
            continue;
        };
        let list = by_asset.entry(asset).or_default();
        if list.is_empty() {
            order.push(asset);
        }
        list.push(t);
    }
    let assets = assets_by_id(ctx);
    let resources: Vec<ResourceResult> = order
        .into_iter()
        .filter_map(|asset| {
            let incidents = by_asset.get(asset)?;
            if incidents.len() < 3 {
                return None;
            }
            let unlinked: Vec<&str> = incidents
                .iter()
                .filter(|t| !present(&t.problem))
                .map(|t| t.id.as_str())
                .collect();
            let name = assets.get(asset).map_or(asset, |a| a.name.as_str());
            let n = incidents.len();
            let (status, reason) = if unlinked.is_empty() {
                (
                    Status::Pass,
                    format!(
                        "{n} incidents {}, all linked to a problem",
                        window_text(ctx)
                    ),
                )
            } else {
                (
                    Status::Fail,
                    format!(
                        "{n} incidents {}, {} not linked to a problem: {}",
                        window_text(ctx),
                        unlinked.len(),
                        unlinked.join(", ")
                    ),
                )
            };
            Some(ResourceResult::new("asset", asset, name, status, reason))
        })
        .collect();
    if resources.is_empty() {
        return Outcome::pass(format!(
            "no asset had 3 or more incidents {} ({} tickets examined)",
            window_text(ctx),
            in_window.len()
        ));
    }
    Outcome::from_resources("assets with 3 or more incidents", resources)
}

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

fn alert_name(a: &crate::records::Alert, assets: &HashMap<&str, &Asset>) -> String {
    match nonblank(&a.asset) {
        Some(asset) => format!(
            "{} on {}",
            a.source,
            assets.get(asset).map_or(asset, |a| a.name.as_str())
        ),
        None => a.source.clone(),
    }
}

fn alerts_ticketed(ctx: &CheckCtx) -> Outcome {
    let assets = assets_by_id(ctx);
    let items = ctx
        .data
        .alerts
        .iter()
        .filter(|a| in_window(ctx, a.raised_at))
        .map(|a| {
            let ok = present(&a.ticket);
            ShareItem {
                kind: "alert",
                id: a.id.clone(),
                name: alert_name(a, &assets),
                ok,
                reason: match &a.ticket {
                    Some(t) if ok => format!("logged as ticket {t}"),
                    _ => format!(
                        "raised {} with no ticket",
                        a.raised_at.format("%Y-%m-%d %H:%M")
                    ),
                },
            }
        })
        .collect();
    share_outcome(
        &format!("alerts raised {}", window_text(ctx)),
        "have a ticket",
        ctx.params.alert_ticket_pct,
        items,
    )
}

fn alerts_acknowledged(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.alert_ack_minutes;
    let assets = assets_by_id(ctx);
    let items = ctx
        .data
        .alerts
        .iter()
        .filter(|a| in_window(ctx, a.raised_at))
        .map(|a| {
            let (ok, reason) = match a.acknowledged_at {
                Some(ack) => {
                    let m = (ack - a.raised_at).num_minutes();
                    if m <= limit {
                        (true, format!("acknowledged after {m} min (limit {limit})"))
                    } else {
                        (false, format!("acknowledged after {m} min (limit {limit})"))
                    }
                }
                None => {
                    let m = (ctx.now - a.raised_at).num_minutes();
                    if m <= limit {
                        (
                            true,
                            format!("not yet acknowledged, {m} min old (limit {limit})"),
                        )
                    } else {
                        (
                            false,
                            format!("not acknowledged after {m} min (limit {limit})"),
                        )
                    }
                }
            };
            ShareItem {
                kind: "alert",
                id: a.id.clone(),
                name: alert_name(a, &assets),
                ok,
                reason,
            }
        })
        .collect();
    share_outcome(
        &format!("alerts raised {}", window_text(ctx)),
        "were acknowledged in time",
        ctx.params.sla_attainment_pct,
        items,
    )
}

// ---------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------

fn changes_tracked(ctx: &CheckCtx) -> Outcome {
    let client = ctx.org.kind == OrgKind::Client;
    let resources = ctx
        .data
        .changes
        .iter()
        .filter(|c| in_window(ctx, c.requested_at))
        .map(|c| {
            let mut missing = Vec::new();
            if !present(&c.description) {
                missing.push("no description");
            }
            if c.systems.is_empty() && c.services.is_empty() {
                missing.push("no affected systems or services");
            }
            if !present(&c.user_impact) {
                missing.push("no user impact");
            }
            if c.emergency != Some(true) && !present(&c.approved_by) {
                missing.push("not approved");
            }
            if client && c.client_notified_at.is_none() {
                missing.push("client not notified");
            }
            if c.implemented_at.is_some() && c.outcome == ChangeOutcome::Pending {
                missing.push("implemented but outcome still pending");
            }
            let (status, reason) = if missing.is_empty() {
                (Status::Pass, "fully recorded".to_string())
            } else {
                (Status::Fail, missing.join(", "))
            };
            ResourceResult::new("change", &c.id, &c.title, status, reason)
        })
        .collect();
    Outcome::from_resources(
        &format!("changes requested {}", window_text(ctx)),
        resources,
    )
}

// ---------------------------------------------------------------------------
// Capacity
// ---------------------------------------------------------------------------

fn capacity_monitored(ctx: &CheckCtx) -> Outcome {
    let with_threshold: HashSet<&str> = ctx
        .data
        .capacity_thresholds
        .iter()
        .map(|t| t.asset.as_str())
        .collect();
    let resources: Vec<ResourceResult> = ctx
        .active_assets()
        .filter(|a| matches!(a.kind, AssetKind::Server | AssetKind::Storage))
        .map(|a| {
            if with_threshold.contains(a.id.as_str()) {
                asset_result(a, Status::Pass, "capacity threshold set")
            } else {
                asset_result(a, Status::Fail, "no capacity threshold")
            }
        })
        .collect();
    if resources.is_empty() {
        return Outcome::not_applicable("no active servers or storage");
    }
    Outcome::from_resources("active servers and storage", resources)
}

fn capacity_breaches_ticketed(ctx: &CheckCtx) -> Outcome {
    let p = ctx.params;
    let assets = assets_by_id(ctx);
    let thresholds: HashMap<(&str, Metric), f64> = ctx
        .data
        .capacity_thresholds
        .iter()
        .map(|t| ((t.asset.as_str(), t.metric), t.threshold_pct))
        .collect();
    // Latest ticket opening per asset.
    let last_ticket = latest_per_key(
        ctx.data
            .tickets
            .iter()
            .filter_map(|t| Some((t.asset.as_deref()?, t.opened_at))),
    );
    // Readings per (asset, metric), skipping assets recorded as not active.
    let mut order: Vec<(&str, Metric)> = Vec::new();
    let mut readings: HashMap<(&str, Metric), Vec<&crate::records::CapacityReading>> =
        HashMap::new();
    for r in &ctx.data.capacity_readings {
        if assets
            .get(r.asset.as_str())
            .is_some_and(|a| a.lifecycle != crate::records::Lifecycle::Active)
        {
            continue;
        }
        let key = (r.asset.as_str(), r.metric);
        let list = readings.entry(key).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(r);
    }
    let resources: Vec<ResourceResult> = order
        .into_iter()
        .filter_map(|key| {
            let mut list = readings.remove(&key)?;
            list.sort_by_key(|r| r.taken_at);
            let (asset, metric) = key;
            let threshold = thresholds
                .get(&key)
                .copied()
                .unwrap_or(p.capacity_threshold_pct as f64);
            let asset_name = assets.get(asset).map_or(asset, |a| a.name.as_str());
            let name = format!("{asset_name} {metric}");
            let latest = list.last()?;
            if latest.used_pct <= threshold {
                return Some(ResourceResult::new(
                    "asset",
                    asset,
                    &name,
                    Status::Pass,
                    format!("{metric} at {}% (threshold {threshold}%)", latest.used_pct),
                ));
            }
            // The breach began with the first reading of the trailing run above
            // the threshold.
            let start = list
                .iter()
                .rev()
                .take_while(|r| r.used_pct > threshold)
                .last()
                .map_or(latest.taken_at, |r| r.taken_at);
            let days = ctx.days_since(start.date_naive());
            let ticketed = last_ticket.get(asset).is_some_and(|t| *t >= start);
            let fact = format!(
                "{metric} at {}% above threshold {threshold}% since {}",
                latest.used_pct,
                start.format("%Y-%m-%d")
            );
            let (status, reason) = if ticketed {
                (Status::Pass, format!("{fact}; ticket opened"))
            } else if days > p.capacity_breach_days {
                (
                    Status::Fail,
                    format!(
                        "{fact}, no ticket after {days} days (limit {})",
                        p.capacity_breach_days
                    ),
                )
            } else {
                (
                    Status::Pass,
                    format!(
                        "{fact}, {days} days without ticket (limit {})",
                        p.capacity_breach_days
                    ),
                )
            };
            Some(ResourceResult::new("asset", asset, &name, status, reason))
        })
        .collect();
    Outcome::from_resources("capacity readings", resources)
}

// ---------------------------------------------------------------------------
// NOC, time entries, log sources
// ---------------------------------------------------------------------------

const WEEK: [(Weekday, &str); 7] = [
    (Weekday::Mon, "Monday"),
    (Weekday::Tue, "Tuesday"),
    (Weekday::Wed, "Wednesday"),
    (Weekday::Thu, "Thursday"),
    (Weekday::Fri, "Friday"),
    (Weekday::Sat, "Saturday"),
    (Weekday::Sun, "Sunday"),
];

fn noc_coverage(ctx: &CheckCtx) -> Outcome {
    let shifts = &ctx.data.noc_shifts;
    if shifts.is_empty() {
        let resources = WEEK
            .iter()
            .map(|(d, name)| {
                ResourceResult::new(
                    "day",
                    d.as_str(),
                    name,
                    Status::InsufficientEvidence,
                    "no shifts recorded",
                )
            })
            .collect();
        return Outcome::insufficient("no NOC shifts recorded").with_resources(resources);
    }
    let mut uncovered = Vec::new();
    let resources: Vec<ResourceResult> = WEEK
        .iter()
        .map(|(d, name)| {
            let day_shifts: Vec<_> = shifts
                .iter()
                .filter(|s| s.day == *d || s.day == Weekday::Daily)
                .map(|s| format!("{}–{} {}", s.starts, s.ends, s.coverage))
                .collect();
            if day_shifts.is_empty() {
                uncovered.push(*name);
                ResourceResult::new("day", d.as_str(), name, Status::Fail, "no shift")
            } else {
                ResourceResult::new("day", d.as_str(), name, Status::Pass, day_shifts.join(", "))
            }
        })
        .collect();
    if uncovered.is_empty() {
        Outcome::pass("every day of the week has a shift").with_resources(resources)
    } else {
        Outcome::new(
            Status::Partial,
            format!(
                "{} of 7 days have no shift: {}",
                uncovered.len(),
                uncovered.join(", ")
            ),
        )
        .with_resources(resources)
    }
}

fn time_entries_reviewed(ctx: &CheckCtx) -> Outcome {
    let limit = ctx.params.time_review_days;
    let people: HashMap<&str, &str> = ctx
        .data
        .people
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let in_window: Vec<_> = ctx
        .data
        .time_entries
        .iter()
        .filter(|e| in_window_date(ctx, e.worked_on))
        .collect();
    let resources: Vec<ResourceResult> = in_window
        .iter()
        .filter(|e| ctx.days_since(e.worked_on) > limit)
        .map(|e| {
            let tech = people.get(e.technician.as_str()).copied().unwrap_or(&e.technician);
            let name = format!("{tech} {}", e.worked_on);
            let days = ctx.days_since(e.worked_on);
            match e.reviewed_on {
                Some(r) => ResourceResult::new(
                    "time_entry",
                    &e.id,
                    &name,
                    Status::Pass,
                    format!("reviewed on {r}"),
                ),
                None => ResourceResult::new(
                    "time_entry",
                    &e.id,
                    &name,
                    Status::Fail,
                    format!(
                        "{} min worked on {} by {tech} not reviewed after {days} days (limit {limit})",
                        e.minutes, e.worked_on
                    ),
                ),
            }
        })
        .collect();
    if resources.is_empty() && !in_window.is_empty() {
        return Outcome::insufficient(format!(
            "{} time entries {}, none yet older than the {limit}-day review limit",
            in_window.len(),
            window_text(ctx)
        ));
    }
    Outcome::from_resources(
        &format!("time entries {} older than {limit} days", window_text(ctx)),
        resources,
    )
}

fn monitoring_log_sources(ctx: &CheckCtx) -> Outcome {
    with_args(|| {
        let kinds = kinds_arg(ctx, "kind", LogSourceKind::parse, LogSourceKind::ALL)?;
        let p = ctx.params;
        let resources = ctx
            .data
            .log_sources
            .iter()
            .filter(|s| s.critical && (kinds.is_empty() || kinds.contains(&s.kind)))
            .map(|s| {
                let mut f = Findings::default();
                match s.last_event_at {
                    Some(t) => {
                        let h = ctx.hours_since(t);
                        if h > p.log_silence_hours {
                            f.fail(format!(
                                "silent for {h} hours (limit {})",
                                p.log_silence_hours
                            ));
                        }
                    }
                    None => f.missing("no event time recorded"),
                }
                match s.retention_days {
                    Some(r) if r < p.log_retention_days => f.fail(format!(
                        "retention {r} days (minimum {})",
                        p.log_retention_days
                    )),
                    Some(_) => {}
                    None => f.missing("retention not recorded"),
                }
                f.result(
                    "log_source",
                    &s.id,
                    &s.name,
                    &format!(
                        "receiving events, retained for at least {} days",
                        p.log_retention_days
                    ),
                )
            })
            .collect();
        let what = if kinds.is_empty() {
            "critical log sources".to_string()
        } else {
            let k: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            format!("critical log sources of kind {}", k.join(", "))
        };
        Ok(Outcome::from_resources(&what, resources))
    })
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{
        NOW, check, check_with, date, example, org, run, run_for, status_of, time,
    };
    use crate::engine::outcome::Status;
    use crate::org::OrgKind;
    use crate::params::Params;
    use crate::records::{
        Alert, Asset, AssetKind, CapacityReading, CapacityThreshold, Change, ChangeOutcome,
        LogSource, NocShift, OrgData, Ticket, TicketType, TimeEntry, Weekday,
    };
    use chrono::Duration;
    use serde_json::json;

    fn tickets(n: usize) -> Vec<Ticket> {
        (0..n)
            .map(|i| example::<Ticket>(&format!("T-{i}")))
            .collect()
    }

    fn asset(id: &str, kind: AssetKind) -> Asset {
        let mut a = example::<Asset>(id);
        a.name = format!("{id}-name");
        a.kind = kind;
        a
    }

    // --- tickets.categorised ---------------------------------------------

    #[test]
    fn categorised_all_complete_passes() {
        let data = OrgData {
            tickets: tickets(5),
            ..Default::default()
        };
        let o = check("tickets.categorised", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 5);
    }

    #[test]
    fn categorised_below_target_fails_naming_ticket() {
        let mut t = tickets(20);
        t[3].priority = None;
        t[7].category = Some(" ".into());
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let o = check("tickets.categorised", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("T-3") && o.reason.contains("priority"),
            "{}",
            o.reason
        );
        assert!(o.reason.contains("18 of 20"), "{}", o.reason);
        assert_eq!(status_of(&o, "T-3"), Status::Fail);
        assert_eq!(status_of(&o, "T-7"), Status::Fail);
        assert_eq!(status_of(&o, "T-0"), Status::Pass);
    }

    #[test]
    fn categorised_exactly_at_target_passes_within_tolerance() {
        let mut t = tickets(20);
        t[0].sub_type = None;
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let o = check("tickets.categorised", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let r = &o.resources[0];
        assert_eq!(r.status, Status::Pass);
        assert!(r.reason.contains("within tolerance"), "{}", r.reason);
    }

    #[test]
    fn categorised_without_tickets_in_window_is_insufficient() {
        let o = check("tickets.categorised", &OrgData::default());
        assert_eq!(o.status, Status::InsufficientEvidence);
        let mut t = example::<Ticket>("T-old");
        t.opened_at = time("2026-08-24T09:00:00Z"); // 91 days ago
        let data = OrgData {
            tickets: vec![t],
            ..Default::default()
        };
        assert_eq!(
            check("tickets.categorised", &data).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn categorised_window_includes_its_last_day() {
        let mut t = example::<Ticket>("T-edge");
        t.opened_at = time("2026-08-25T09:00:00Z"); // 90 days ago
        t.priority = None;
        let data = OrgData {
            tickets: vec![t],
            ..Default::default()
        };
        let o = check("tickets.categorised", &data);
        assert_eq!(o.status, Status::Fail);
    }

    // --- tickets.sla -------------------------------------------------------

    fn late_response(t: &mut Ticket) {
        t.first_response_at = Some(t.opened_at + Duration::minutes(61));
    }

    #[test]
    fn sla_at_target_passes() {
        let mut t = tickets(10);
        late_response(&mut t[4]);
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let o = check("tickets.sla", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.reason.contains("90.0%"), "{}", o.reason);
        assert!(o.resources[4].reason.contains("within tolerance"));
    }

    #[test]
    fn sla_below_target_fails_naming_ticket() {
        let mut t = tickets(10);
        late_response(&mut t[4]);
        t[6].resolved_at = Some(t[6].opened_at + Duration::minutes(481));
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let o = check("tickets.sla", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("T-4"), "{}", o.reason);
        assert!(o.reason.contains("61 min"), "{}", o.reason);
        assert_eq!(status_of(&o, "T-6"), Status::Fail);
        assert!(o.resources[6].reason.contains("resolved after 481 min"));
    }

    #[test]
    fn sla_exactly_on_target_minutes_is_met() {
        let mut t = tickets(1);
        t[0].first_response_at = Some(t[0].opened_at + Duration::minutes(60));
        t[0].resolved_at = Some(t[0].opened_at + Duration::minutes(480));
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        assert_eq!(check("tickets.sla", &data).status, Status::Pass);
    }

    #[test]
    fn sla_unanswered_ticket_past_target_is_a_breach_but_not_before() {
        let mut overdue = example::<Ticket>("T-late");
        overdue.opened_at = time("2026-11-23T10:00:00Z");
        overdue.first_response_at = None;
        overdue.resolved_at = None;
        let mut fresh = overdue.clone();
        fresh.id = "T-new".into();
        fresh.opened_at = time("2026-11-23T11:30:00Z");
        let data = OrgData {
            tickets: vec![fresh.clone()],
            ..Default::default()
        };
        let o = check("tickets.sla", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        let data = OrgData {
            tickets: vec![overdue, fresh],
            ..Default::default()
        };
        let o = check("tickets.sla", &data);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(status_of(&o, "T-late"), Status::Fail);
        assert!(
            o.reason.contains("no response after 120 min"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn sla_ticket_target_beats_parameter() {
        let mut t = tickets(1);
        t[0].sla_response_minutes = Some(15);
        t[0].first_response_at = Some(t[0].opened_at + Duration::minutes(20));
        let data = OrgData {
            tickets: t.clone(),
            ..Default::default()
        };
        assert_eq!(check("tickets.sla", &data).status, Status::Fail);
        t[0].sla_response_minutes = None; // falls back to the 60-minute parameter
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        assert_eq!(check("tickets.sla", &data).status, Status::Pass);
    }

    #[test]
    fn sla_attainment_parameter_is_used() {
        let mut t = tickets(10);
        late_response(&mut t[0]);
        late_response(&mut t[1]);
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let params = Params {
            sla_attainment_pct: 80,
            ..Params::default()
        };
        assert_eq!(
            check_with("tickets.sla", &data, &params).status,
            Status::Pass
        );
    }

    #[test]
    fn sla_without_tickets_is_insufficient() {
        assert_eq!(
            check("tickets.sla", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- tickets.problem_correlation ------------------------------------

    fn incidents(asset: &str, n: usize, problem: &str) -> Vec<Ticket> {
        (0..n)
            .map(|i| {
                let mut t = example::<Ticket>(&format!("{asset}-I{i}"));
                t.asset = Some(asset.into());
                t.ticket_type = TicketType::Incident;
                t.problem = Some(problem.into());
                t
            })
            .collect()
    }

    #[test]
    fn problem_correlation_linked_incidents_pass() {
        let data = OrgData {
            tickets: incidents("SRV-01", 3, "PRB-1"),
            assets: vec![asset("SRV-01", AssetKind::Server)],
            ..Default::default()
        };
        let o = check("tickets.problem_correlation", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
    }

    #[test]
    fn problem_correlation_unlinked_incident_fails_naming_asset() {
        let mut t = incidents("SRV-01", 3, "PRB-1");
        t[2].problem = None;
        let data = OrgData {
            tickets: t,
            assets: vec![asset("SRV-01", AssetKind::Server)],
            ..Default::default()
        };
        let o = check("tickets.problem_correlation", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("SRV-01-name"), "{}", o.reason);
        assert!(o.reason.contains("SRV-01-I2"), "{}", o.reason);
    }

    #[test]
    fn problem_correlation_fewer_than_three_incidents_pass() {
        let mut t = incidents("SRV-01", 2, "");
        // Requests do not count as incidents.
        let mut req = incidents("SRV-01", 1, "").remove(0);
        req.id = "R-1".into();
        req.ticket_type = TicketType::Request;
        t.push(req);
        let data = OrgData {
            tickets: t,
            ..Default::default()
        };
        let o = check("tickets.problem_correlation", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources.is_empty());
    }

    #[test]
    fn problem_correlation_without_tickets_is_insufficient() {
        assert_eq!(
            check("tickets.problem_correlation", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- alerts ----------------------------------------------------------

    fn alerts(n: usize) -> Vec<Alert> {
        (0..n)
            .map(|i| example::<Alert>(&format!("AL-{i}")))
            .collect()
    }

    #[test]
    fn alerts_ticketed_pass_at_target_and_fail_below() {
        let mut a = alerts(20);
        a[5].ticket = None;
        let data = OrgData {
            alerts: a.clone(),
            ..Default::default()
        };
        let o = check("alerts.ticketed", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources[5].reason.contains("within tolerance"));
        a[6].ticket = None;
        let data = OrgData {
            alerts: a,
            ..Default::default()
        };
        let o = check("alerts.ticketed", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("AL-5"), "{}", o.reason);
        assert_eq!(status_of(&o, "AL-6"), Status::Fail);
        assert_eq!(status_of(&o, "AL-0"), Status::Pass);
    }

    #[test]
    fn alerts_ticketed_all_pass() {
        let data = OrgData {
            alerts: alerts(3),
            ..Default::default()
        };
        assert_eq!(check("alerts.ticketed", &data).status, Status::Pass);
    }

    #[test]
    fn alerts_without_data_are_insufficient() {
        for id in ["alerts.ticketed", "alerts.acknowledged"] {
            assert_eq!(
                check(id, &OrgData::default()).status,
                Status::InsufficientEvidence,
                "{id}"
            );
        }
    }

    #[test]
    fn alerts_acknowledged_limit_and_share() {
        let mut a = alerts(10);
        // 30 minutes is within the limit.
        a[0].acknowledged_at = Some(a[0].raised_at + Duration::minutes(30));
        // 31 minutes is late: 9 of 10 = 90 % still meets the target.
        a[1].acknowledged_at = Some(a[1].raised_at + Duration::minutes(31));
        let data = OrgData {
            alerts: a.clone(),
            ..Default::default()
        };
        let o = check("alerts.acknowledged", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert!(o.resources[1].reason.contains("within tolerance"));
        // An unacknowledged alert past the limit is late too: 8 of 10.
        a[2].acknowledged_at = None;
        let data = OrgData {
            alerts: a,
            ..Default::default()
        };
        let o = check("alerts.acknowledged", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("AL-1"), "{}", o.reason);
        assert_eq!(status_of(&o, "AL-2"), Status::Fail);
        assert_eq!(status_of(&o, "AL-0"), Status::Pass);
    }

    #[test]
    fn alerts_acknowledged_fresh_unacknowledged_alert_is_not_late() {
        let mut a = example::<Alert>("AL-new");
        a.raised_at = time("2026-11-23T11:45:00Z");
        a.acknowledged_at = None;
        let data = OrgData {
            alerts: vec![a],
            ..Default::default()
        };
        assert_eq!(check("alerts.acknowledged", &data).status, Status::Pass);
    }

    // --- changes.tracked -------------------------------------------------

    #[test]
    fn changes_complete_pass() {
        let data = OrgData {
            changes: vec![example::<Change>("CH-1")],
            ..Default::default()
        };
        let o = check("changes.tracked", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn changes_missing_approval_fail_unless_emergency() {
        let mut c = example::<Change>("CH-1");
        c.approved_by = None;
        c.systems.clear();
        let data = OrgData {
            changes: vec![c.clone()],
            ..Default::default()
        };
        let o = check("changes.tracked", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("Upgrade firewall firmware") && o.reason.contains("not approved"),
            "{}",
            o.reason
        );
        c.emergency = Some(true);
        let data = OrgData {
            changes: vec![c],
            ..Default::default()
        };
        assert_eq!(check("changes.tracked", &data).status, Status::Pass);
    }

    #[test]
    fn changes_need_systems_or_services_and_an_outcome() {
        let mut c = example::<Change>("CH-1");
        c.systems.clear();
        c.services.clear();
        c.outcome = ChangeOutcome::Pending;
        let data = OrgData {
            changes: vec![c.clone()],
            ..Default::default()
        };
        let o = check("changes.tracked", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.resources[0]
                .reason
                .contains("no affected systems or services")
        );
        assert!(o.resources[0].reason.contains("outcome still pending"));
        // Pending is fine before implementation.
        c.implemented_at = None;
        c.services = vec!["Internet access".into()];
        let data = OrgData {
            changes: vec![c],
            ..Default::default()
        };
        assert_eq!(check("changes.tracked", &data).status, Status::Pass);
    }

    #[test]
    fn changes_client_notification_only_for_clients() {
        let mut c = example::<Change>("CH-1");
        c.client_notified_at = None;
        let data = OrgData {
            changes: vec![c],
            ..Default::default()
        };
        let o = run_for("changes.tracked", &data, &org(OrgKind::Client));
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("client not notified"), "{}", o.reason);
        let o = run_for("changes.tracked", &data, &org(OrgKind::Provider));
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn changes_without_data_are_insufficient() {
        let mut c = example::<Change>("CH-old");
        c.requested_at = time("2026-01-01T00:00:00Z");
        let data = OrgData {
            changes: vec![c],
            ..Default::default()
        };
        assert_eq!(
            check("changes.tracked", &data).status,
            Status::InsufficientEvidence
        );
    }

    // --- capacity ----------------------------------------------------------

    fn threshold(asset: &str, pct: f64) -> CapacityThreshold {
        let mut t = example::<CapacityThreshold>(&format!("th-{asset}"));
        t.asset = asset.into();
        t.threshold_pct = pct;
        t
    }

    #[test]
    fn capacity_monitored_pass_fail_and_not_applicable() {
        let data = OrgData {
            assets: vec![
                asset("SRV-01", AssetKind::Server),
                asset("NAS-01", AssetKind::Storage),
                asset("LAP-01", AssetKind::Laptop),
            ],
            capacity_thresholds: vec![threshold("SRV-01", 85.0)],
            ..Default::default()
        };
        let o = check("capacity.monitored", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("NAS-01-name"), "{}", o.reason);
        assert_eq!(o.resources.len(), 2);
        assert_eq!(status_of(&o, "SRV-01"), Status::Pass);

        let mut ok = data.clone();
        ok.capacity_thresholds.push(threshold("NAS-01", 90.0));
        assert_eq!(check("capacity.monitored", &ok).status, Status::Pass);

        let none = OrgData {
            assets: vec![asset("LAP-01", AssetKind::Laptop)],
            ..Default::default()
        };
        assert_eq!(
            check("capacity.monitored", &none).status,
            Status::NotApplicable
        );
    }

    fn reading(at: &str, pct: f64) -> CapacityReading {
        let mut r = example::<CapacityReading>(&format!("cr-{at}"));
        r.asset = "SRV-01".into();
        r.taken_at = time(at);
        r.used_pct = pct;
        r
    }

    fn breach_data(start: &str) -> OrgData {
        OrgData {
            assets: vec![asset("SRV-01", AssetKind::Server)],
            capacity_readings: vec![
                reading("2026-11-01T00:00:00Z", 50.0),
                reading(start, 91.0),
                reading("2026-11-22T00:00:00Z", 93.0),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn capacity_breach_seven_days_without_ticket_passes() {
        let o = check(
            "capacity.breaches_ticketed",
            &breach_data("2026-11-16T06:00:00Z"),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn capacity_breach_eight_days_without_ticket_fails() {
        let o = check(
            "capacity.breaches_ticketed",
            &breach_data("2026-11-15T06:00:00Z"),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("SRV-01-name disk") && o.reason.contains("8 days"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn capacity_breach_with_ticket_since_start_passes() {
        let mut data = breach_data("2026-11-15T06:00:00Z");
        let mut before = example::<Ticket>("T-before");
        before.asset = Some("SRV-01".into());
        before.opened_at = time("2026-11-15T05:00:00Z");
        data.tickets.push(before);
        assert_eq!(
            check("capacity.breaches_ticketed", &data).status,
            Status::Fail,
            "a ticket older than the breach does not count"
        );
        let mut t = example::<Ticket>("T-cap");
        t.asset = Some("SRV-01".into());
        t.opened_at = time("2026-11-17T09:00:00Z");
        data.tickets.push(t);
        let o = check("capacity.breaches_ticketed", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
    }

    #[test]
    fn capacity_own_threshold_beats_default() {
        let mut data = breach_data("2026-11-01T06:00:00Z");
        // 93 % is above the 85 % default…
        assert_eq!(
            check("capacity.breaches_ticketed", &data).status,
            Status::Fail
        );
        // …but within the asset's own 95 %.
        data.capacity_thresholds.push(threshold("SRV-01", 95.0));
        assert_eq!(
            check("capacity.breaches_ticketed", &data).status,
            Status::Pass
        );
    }

    #[test]
    fn capacity_latest_reading_below_threshold_passes() {
        let mut data = breach_data("2026-11-01T06:00:00Z");
        data.capacity_readings
            .push(reading("2026-11-23T00:00:00Z", 70.0));
        assert_eq!(
            check("capacity.breaches_ticketed", &data).status,
            Status::Pass
        );
    }

    #[test]
    fn capacity_without_readings_is_insufficient() {
        assert_eq!(
            check("capacity.breaches_ticketed", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- noc.coverage --------------------------------------------------------

    fn shift(day: Weekday) -> NocShift {
        let mut s = example::<NocShift>(&format!("sh-{day}"));
        s.day = day;
        s
    }

    #[test]
    fn noc_daily_shift_covers_every_day() {
        let data = OrgData {
            noc_shifts: vec![shift(Weekday::Daily)],
            ..Default::default()
        };
        let o = check("noc.coverage", &data);
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 7);
        assert!(o.resources.iter().all(|r| r.kind == "day"));
    }

    #[test]
    fn noc_weekdays_only_is_partial() {
        let data = OrgData {
            noc_shifts: [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ]
            .into_iter()
            .map(shift)
            .collect(),
            ..Default::default()
        };
        let o = check("noc.coverage", &data);
        assert_eq!(o.status, Status::Partial);
        assert!(
            o.reason.contains("Saturday") && o.reason.contains("Sunday"),
            "{}",
            o.reason
        );
        assert_eq!(status_of(&o, "sat"), Status::Fail);
        assert_eq!(status_of(&o, "mon"), Status::Pass);
    }

    #[test]
    fn noc_without_shifts_is_insufficient() {
        assert_eq!(
            check("noc.coverage", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- time_entries.reviewed ---------------------------------------------

    fn entry(id: &str, worked_on: &str, reviewed: bool) -> TimeEntry {
        let mut e = example::<TimeEntry>(id);
        e.worked_on = date(worked_on);
        if !reviewed {
            e.reviewed_on = None;
            e.reviewed_by = None;
        }
        e
    }

    #[test]
    fn time_entries_reviewed_pass() {
        let data = OrgData {
            time_entries: vec![entry("te-1", "2026-11-01", true)],
            ..Default::default()
        };
        assert_eq!(check("time_entries.reviewed", &data).status, Status::Pass);
    }

    #[test]
    fn time_entries_unreviewed_after_fifteen_days_fail() {
        let data = OrgData {
            time_entries: vec![
                entry("te-1", "2026-11-08", false), // 15 days
                entry("te-2", "2026-11-09", false), // 14 days: not yet due
                entry("te-3", "2026-11-01", true),
            ],
            ..Default::default()
        };
        let o = check("time_entries.reviewed", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("2026-11-08") && o.reason.contains("15 days"),
            "{}",
            o.reason
        );
        assert_eq!(
            o.resources.len(),
            2,
            "entries still inside the limit are not judged"
        );
    }

    #[test]
    fn time_entries_none_due_or_none_at_all_are_insufficient() {
        let data = OrgData {
            time_entries: vec![entry("te-2", "2026-11-09", false)],
            ..Default::default()
        };
        assert_eq!(
            check("time_entries.reviewed", &data).status,
            Status::InsufficientEvidence
        );
        assert_eq!(
            check("time_entries.reviewed", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }

    // --- monitoring.log_sources ---------------------------------------------

    fn log_source(id: &str, last_event: &str) -> LogSource {
        let mut s = example::<LogSource>(id);
        s.name = format!("{id}-name");
        s.last_event_at = Some(time(last_event));
        s
    }

    #[test]
    fn log_sources_silence_boundary() {
        let data = OrgData {
            log_sources: vec![log_source("ls-1", "2026-11-22T12:00:00Z")], // 24 h
            ..Default::default()
        };
        assert_eq!(check("monitoring.log_sources", &data).status, Status::Pass);
        let data = OrgData {
            log_sources: vec![log_source("ls-1", "2026-11-22T11:00:00Z")], // 25 h
            ..Default::default()
        };
        let o = check("monitoring.log_sources", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.reason.contains("ls-1-name") && o.reason.contains("silent for 25 hours"),
            "{}",
            o.reason
        );
    }

    #[test]
    fn log_sources_short_retention_fails_and_unknown_is_insufficient() {
        let mut s = log_source("ls-1", "2026-11-23T11:00:00Z");
        s.retention_days = Some(89);
        let data = OrgData {
            log_sources: vec![s.clone()],
            ..Default::default()
        };
        let o = check("monitoring.log_sources", &data);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.contains("retention 89 days"), "{}", o.reason);
        s.retention_days = None;
        let data = OrgData {
            log_sources: vec![s],
            ..Default::default()
        };
        assert_eq!(
            check("monitoring.log_sources", &data).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn log_sources_kind_filter_and_non_critical_ignored() {
        let mut quiet = log_source("ls-q", "2026-11-01T00:00:00Z");
        quiet.critical = false;
        let data = OrgData {
            log_sources: vec![log_source("ls-fw", "2026-11-23T11:00:00Z"), quiet],
            ..Default::default()
        };
        let o = run(
            "monitoring.log_sources",
            &data,
            NOW,
            json!({"kind": "firewall"}),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.reason);
        assert_eq!(o.resources.len(), 1);
        let o = run(
            "monitoring.log_sources",
            &data,
            NOW,
            json!({"kind": ["identity", "saas"]}),
        );
        assert_eq!(o.status, Status::InsufficientEvidence);
    }

    #[test]
    fn log_sources_bad_kind_argument_is_error() {
        let data = OrgData::default();
        let o = run(
            "monitoring.log_sources",
            &data,
            NOW,
            json!({"kind": "printer"}),
        );
        assert_eq!(o.status, Status::Error);
        assert!(o.reason.contains("kind"), "{}", o.reason);
        let o = run("monitoring.log_sources", &data, NOW, json!({"kind": 3}));
        assert_eq!(o.status, Status::Error);
    }

    #[test]
    fn log_sources_without_data_are_insufficient() {
        assert_eq!(
            check("monitoring.log_sources", &OrgData::default()).status,
            Status::InsufficientEvidence
        );
    }
}
