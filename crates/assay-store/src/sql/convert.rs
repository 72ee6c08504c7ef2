//! Conversions between field values and stored columns: dates and times are
//! stored as ISO 8601 text (so they sort), booleans as 0/1, lists as JSON.

use super::db::{Arg, ValueRef};
use crate::{Result, StoreError};
use assay_core::value::{ColumnType, Value, format_timestamp, parse_date, parse_timestamp};
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use uuid::Uuid;

pub fn parse_time_col(s: &str) -> Result<DateTime<Utc>> {
    parse_timestamp(s).map_err(StoreError::Corrupt)
}

pub fn parse_uuid_col(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("id '{s}': {e}")))
}

/// A time as stored.
pub fn ts(t: DateTime<Utc>) -> String {
    format_timestamp(&t)
}

pub fn opt_time(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_time_col).transpose()
}

/// At most `max` characters of a text that comes from outside.
pub fn truncate(s: Option<String>, max: usize) -> Option<String> {
    s.map(|s| match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s,
    })
}

/// Refuses anything but lower-case SHA-256 hex, so that a plaintext secret is
/// not stored by mistake and lookups compare like with like.
pub fn check_hash(h: &str, what: &str) -> Result<()> {
    if h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} must be a SHA-256 in lower-case hex (64 digits)"
        )))
    }
}

/// The stored value for a field value.
pub fn to_sql(v: &Value) -> Arg<'_> {
    match v {
        Value::Null => Arg::Null,
        Value::Text(s) => Arg::Text(Cow::Borrowed(s)),
        Value::Int(i) => Arg::Int(*i),
        Value::Real(f) => Arg::Real(*f),
        Value::Bool(b) => Arg::Int(i64::from(*b)),
        Value::Date(d) => Arg::Text(Cow::Owned(d.format("%Y-%m-%d").to_string())),
        Value::Time(t) => Arg::Text(Cow::Owned(format_timestamp(t))),
        Value::List(items) => Arg::Text(Cow::Owned(
            serde_json::Value::from(items.clone()).to_string(),
        )),
    }
}

/// The field value for a stored column of type `ty`.
pub fn from_sql(ty: ColumnType, v: ValueRef) -> Result<Value> {
    let corrupt =
        |what: &str| StoreError::Corrupt(format!("expected {} but found {what}", ty.describe()));
    Ok(match (ty, v) {
        (_, ValueRef::Null) => Value::Null,
        (ColumnType::Int, ValueRef::Int(i)) => Value::Int(i),
        (ColumnType::Real, ValueRef::Real(f)) => Value::Real(f),
        (ColumnType::Real, ValueRef::Int(i)) => Value::Real(i as f64),
        (ColumnType::Bool, ValueRef::Int(i)) => Value::Bool(i != 0),
        (ColumnType::Text | ColumnType::Enum(_), ValueRef::Text(t)) => Value::Text(t.to_string()),
        (ColumnType::Date, ValueRef::Text(t)) => {
            Value::Date(parse_date(t).map_err(StoreError::Corrupt)?)
        }
        (ColumnType::Timestamp, ValueRef::Text(t)) => Value::Time(parse_time_col(t)?),
        (ColumnType::List, ValueRef::Text(t)) => Value::List(
            serde_json::from_str(t).map_err(|e| StoreError::Corrupt(format!("list: {e}")))?,
        ),
        (_, other) => return Err(corrupt(other.type_name())),
    })
}
