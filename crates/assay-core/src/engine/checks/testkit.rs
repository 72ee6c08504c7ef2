//! Helpers for check tests: records built from their template example, and a
//! runner that evaluates one check on given data.

use super::{Args, CheckCtx, find};
use crate::engine::Outcome;
use crate::org::{OrgKind, Organisation};
use crate::params::Params;
use crate::records::{Field, OrgData, Record, Row};
use crate::value::Value;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

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
    let def = find(id).unwrap_or_else(|| panic!("no check {id}"));
    let args: BTreeMap<String, serde_json::Value> =
        serde_json::from_value(args).expect("args object");
    let org = org(OrgKind::Client);
    let ctx = CheckCtx {
        org: &org,
        data,
        params,
        now: time(now),
        args: Args(&args),
    };
    (def.run)(&ctx)
}
