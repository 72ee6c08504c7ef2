//! Helpers for check tests: records built from their template example, a
//! runner that evaluates one check on given data, and the assertions the
//! family tests share.

use super::{Args, CheckCtx, CheckDef, find};
use crate::engine::Outcome;
use crate::engine::outcome::Status;
use crate::org::{OrgKind, Organisation};
use crate::params::Params;
use crate::records::{Asset, AssetKind, Field, OrgData, Record, Row};
use crate::value::Value;
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The evaluation time of the family tests.
pub const NOW: &str = "2026-11-23T12:00:00Z";

/// A record of type `R` filled from its `--template` example row, with `id`.
pub fn example<R: Record>(id: &str) -> R {
    let values = R::KIND
        .fields()
        .iter()
        .map(|f: &Field| f.ty.parse_text(f.example).unwrap_or(Value::Null))
        .collect();
    match R::from_row(Row {
        id: id.to_string(),
        values,
    }) {
        Ok(r) => r,
        Err((field, e)) => panic!("example for {} is invalid at {field}: {e}", R::KIND),
    }
}

pub fn time(s: &str) -> DateTime<Utc> {
    crate::value::parse_timestamp(s).expect("test time")
}

pub fn date(s: &str) -> NaiveDate {
    crate::value::parse_date(s).expect("test date")
}

pub fn org(kind: OrgKind) -> Organisation {
    Organisation {
        id: Uuid::nil(),
        slug: "test".into(),
        name: "Test Org".into(),
        kind,
        tier: Some("Managed User".into()),
        contracted_endpoints: None,
    }
}

/// Runs check `id` with default parameters on a client organisation.
pub fn run(id: &str, data: &OrgData, now: &str, args: serde_json::Value) -> Outcome {
    run_with(id, data, now, args, &Params::default())
}

/// Runs check `id` with the given parameters on a client organisation.
pub fn run_with(
    id: &str,
    data: &OrgData,
    now: &str,
    args: serde_json::Value,
    params: &Params,
) -> Outcome {
    evaluate(id, &org(OrgKind::Client), data, now, args, params)
}

/// Runs check `id` at [`NOW`], without arguments and with default parameters,
/// on a client organisation.
pub fn check(id: &str, data: &OrgData) -> Outcome {
    run(id, data, NOW, serde_json::json!({}))
}

/// Runs check `id` at [`NOW`], without arguments, with the given parameters.
pub fn check_with(id: &str, data: &OrgData, params: &Params) -> Outcome {
    run_with(id, data, NOW, serde_json::json!({}), params)
}

/// Runs check `id` at [`NOW`], without arguments and with default
/// parameters, for the given organisation.
pub fn run_for(id: &str, data: &OrgData, org: &Organisation) -> Outcome {
    evaluate(
        id,
        org,
        data,
        NOW,
        serde_json::json!({}),
        &Params::default(),
    )
}

fn evaluate(
    id: &str,
    org: &Organisation,
    data: &OrgData,
    now: &str,
    args: serde_json::Value,
    params: &Params,
) -> Outcome {
    let def = find(id).unwrap_or_else(|| panic!("no check {id}"));
    let args: BTreeMap<String, serde_json::Value> =
        serde_json::from_value(args).expect("args object");
    let ctx = CheckCtx {
        org,
        data,
        params,
        now: time(now),
        args: Args(&args),
    };
    (def.run)(&ctx)
}

/// The date `n` days before [`NOW`].
pub fn days_ago(n: u64) -> NaiveDate {
    date("2026-11-23") - Days::new(n)
}

/// The date `n` days after [`NOW`].
pub fn days_ahead(n: u64) -> NaiveDate {
    date("2026-11-23") + Days::new(n)
}

/// An asset of `kind` called `name`, otherwise its template example.
pub fn asset(id: &str, name: &str, kind: AssetKind) -> Asset {
    let mut a = example::<Asset>(id);
    a.name = name.into();
    a.kind = kind;
    a
}

/// A laptop called `name`, otherwise the asset template example.
pub fn laptop(id: &str, name: &str) -> Asset {
    asset(id, name, AssetKind::Laptop)
}

/// The status of resource `id` in `o`.
#[track_caller]
pub fn status_of(o: &Outcome, id: &str) -> Status {
    o.resources
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("no resource {id} in {:?}", o.resources))
}

#[track_caller]
pub fn assert_status(o: &Outcome, status: Status) {
    assert_eq!(o.status, status, "{}", o.reason);
}

/// `o` has `status`, and its reason names `name`.
#[track_caller]
pub fn assert_names(o: &Outcome, status: Status, name: &str) {
    assert_eq!(o.status, status, "{}", o.reason);
    assert!(
        o.reason.contains(name),
        "reason should name {name}: {}",
        o.reason
    );
}

/// Fails, naming `name` and `fact` in the reason.
#[track_caller]
pub fn assert_fails(o: &Outcome, name: &str, fact: &str) {
    assert_status(o, Status::Fail);
    assert!(o.reason.contains(name), "{}", o.reason);
    assert!(o.reason.contains(fact), "{}", o.reason);
}

/// Every check of a family has a title and a description and an id no other
/// check of the family has, and the family has `count` checks.
#[track_caller]
pub fn assert_family(checks: &[CheckDef], count: usize) {
    for def in checks {
        assert!(!def.title.is_empty() && !def.about.is_empty(), "{}", def.id);
        assert_eq!(
            checks.iter().filter(|d| d.id == def.id).count(),
            1,
            "{}",
            def.id
        );
    }
    assert_eq!(checks.len(), count);
}

/// Each of `ids` is a registered check and stands once among `checks`, and
/// the family has no other checks.
#[track_caller]
pub fn assert_registered_once(checks: &[CheckDef], ids: &[&str]) {
    for id in ids {
        assert!(find(id).is_some(), "{id}");
        assert_eq!(checks.iter().filter(|c| c.id == *id).count(), 1);
    }
    assert_eq!(checks.len(), ids.len());
}
