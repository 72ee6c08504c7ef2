//! Typed field values: the one representation that CSV cells, JSON values and
//! database columns are converted through, so every record kind is parsed,
//! validated and stored by the same code.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use std::fmt;

/// The type of one field of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Int,
    Real,
    Bool,
    Date,
    Timestamp,
    /// A list of short strings (CSV: separated by `;`, JSON: an array).
    List,
    /// Text restricted to the listed values.
    Enum(&'static [&'static str]),
}

impl ColumnType {
    /// A short description used in error messages and `--template`.
    pub fn describe(&self) -> String {
        match self {
            ColumnType::Text => "text".into(),
            ColumnType::Int => "whole number".into(),
            ColumnType::Real => "number".into(),
            ColumnType::Bool => "true/false".into(),
            ColumnType::Date => "date YYYY-MM-DD".into(),
            ColumnType::Timestamp => "UTC time YYYY-MM-DDTHH:MM:SSZ".into(),
            ColumnType::List => "list separated by ';'".into(),
            ColumnType::Enum(values) => format!("one of {}", values.join(", ")),
        }
    }

    /// Parses a CSV cell. An empty cell is `Value::Null`.
    pub fn parse_text(&self, raw: &str) -> Result<Value, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(Value::Null);
        }
        match self {
            ColumnType::Text => Ok(Value::Text(s.to_string())),
            ColumnType::Int => s
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| format!("'{s}' is not a whole number")),
            ColumnType::Real => s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::Real)
                .ok_or_else(|| format!("'{s}' is not a number")),
            ColumnType::Bool => parse_bool(s).map(Value::Bool),
            ColumnType::Date => parse_date(s).map(Value::Date),
            ColumnType::Timestamp => parse_timestamp(s).map(Value::Time),
            ColumnType::List => Ok(Value::List(
                s.split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect(),
            )),
            ColumnType::Enum(allowed) => {
                let lower = s.to_ascii_lowercase();
                if allowed.contains(&lower.as_str()) {
                    Ok(Value::Text(lower))
                } else {
                    Err(format!("'{s}' is not one of {}", allowed.join(", ")))
                }
            }
        }
    }

    /// Converts a JSON value. `null` is `Value::Null`; strings are accepted for
    /// every type so that exported JSON and hand-written JSON both load.
    pub fn parse_json(&self, v: &serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        match (self, v) {
            (_, J::Null) => Ok(Value::Null),
            (ColumnType::Int, J::Number(n)) => n
                .as_i64()
                .map(Value::Int)
                .ok_or_else(|| format!("{n} is not a whole number")),
            (ColumnType::Real, J::Number(n)) => n
                .as_f64()
                .map(Value::Real)
                .ok_or_else(|| format!("{n} is not a number")),
            (ColumnType::Bool, J::Bool(b)) => Ok(Value::Bool(*b)),
            (ColumnType::List, J::Array(items)) => items
                .iter()
                .map(|i| match i {
                    J::String(s) => Ok(s.clone()),
                    other => Err(format!("list item {other} is not a string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List),
            (_, J::String(s)) => self.parse_text(s),
            (t, other) => Err(format!("{other} is not a {}", t.describe())),
        }
    }
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!("'{s}' is not true/false")),
    }
}

/// Digits `b[from..to]` as a number, if they are all ASCII digits.
fn digits(b: &[u8], from: usize, to: usize) -> Option<u32> {
    b.get(from..to)?.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// The exact `YYYY-MM-DD` form, without chrono's format parser (this runs
/// for every date cell read from the database).
fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 7)?, digits(b, 8, 10)?)
}

/// The exact `YYYY-MM-DDTHH:MM:SSZ` form Assay stores times in.
fn fast_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_opt(
        digits(b, 11, 13)?,
        digits(b, 14, 16)?,
        digits(b, 17, 19)?,
    )?;
    Some(fast_date(b)?.and_time(time).and_utc())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    if t.len() == 10
        && let Some(d) = fast_date(t.as_bytes())
    {
        return Ok(d);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// Parses an RFC 3339 time, a `YYYY-MM-DD HH:MM:SS` time taken as UTC, or a
/// bare date taken as midnight UTC.
pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Some(t) = fast_timestamp(s) {
        return Ok(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Err(format!("'{s}' is not a time (YYYY-MM-DDTHH:MM:SSZ)"))
}

/// Formats a time the way Assay stores and prints it (RFC 3339, UTC, seconds).
pub fn format_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    List(Vec<String>),
}

impl Value {
    /// The CSV cell for this value.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Real(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Time(t) => format_timestamp(t),
            Value::List(items) => items.join(";"),
        }
    }

    /// The JSON value for this value.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Int(i) => J::from(*i),
            Value::Real(f) => J::from(*f),
            Value::Bool(b) => J::Bool(*b),
            Value::List(items) => J::Array(items.iter().cloned().map(J::String).collect()),
            other => J::String(other.to_text()),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// A Rust type that can be a record field.
pub trait ColumnValue: Sized {
    const TYPE: ColumnType;
    const REQUIRED: bool = true;
    fn to_value(&self) -> Value;
    /// Converts from a value already checked against `TYPE`.
    fn from_value(v: Value) -> Result<Self, String>;
}

fn wrong(v: &Value, t: ColumnType) -> String {
    match v {
        Value::Null => "a value is required".to_string(),
        other => format!("'{other}' is not a {}", t.describe()),
    }
}

impl ColumnValue for String {
    const TYPE: ColumnType = ColumnType::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for i64 {
    const TYPE: ColumnType = ColumnType::Int;
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for f64 {
    const TYPE: ColumnType = ColumnType::Real;
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for bool {
    const TYPE: ColumnType = ColumnType::Bool;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(b),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for NaiveDate {
    const TYPE: ColumnType = ColumnType::Date;
    fn to_value(&self) -> Value {
        Value::Date(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Date(d) => Ok(d),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for DateTime<Utc> {
    const TYPE: ColumnType = ColumnType::Timestamp;
    fn to_value(&self) -> Value {
        Value::Time(*self)
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Time(t) => Ok(t),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl ColumnValue for Vec<String> {
    const TYPE: ColumnType = ColumnType::List;
    const REQUIRED: bool = false;
    /// An empty list is stored as no value, so that "" and [] read alike.
    fn to_value(&self) -> Value {
        if self.is_empty() {
            Value::Null
        } else {
            Value::List(self.clone())
        }
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::List(items) => Ok(items),
            Value::Null => Ok(Vec::new()),
            other => Err(wrong(&other, Self::TYPE)),
        }
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const TYPE: ColumnType = T::TYPE;
    const REQUIRED: bool = false;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// Declares a closed set of text values as a Rust enum usable as a field.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [&'static str] = &[$($text),+];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::value::ColumnValue for $name {
            const TYPE: $crate::value::ColumnType = $crate::value::ColumnType::Enum($name::ALL);
            fn to_value(&self) -> $crate::value::Value {
                $crate::value::Value::Text(self.as_str().to_string())
            }
            fn from_value(v: $crate::value::Value) -> Result<Self, String> {
                match v {
                    $crate::value::Value::Text(s) => $name::parse(&s)
                        .ok_or_else(|| format!("'{s}' is not one of {}", $name::ALL.join(", "))),
                    $crate::value::Value::Null => Err("a value is required".to_string()),
                    other => Err(format!("'{other}' is not one of {}", $name::ALL.join(", "))),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_cell_is_null_for_every_type() {
        for t in [
            ColumnType::Text,
            ColumnType::Int,
            ColumnType::Date,
            ColumnType::Bool,
        ] {
            assert_eq!(t.parse_text("  "), Ok(Value::Null));
        }
    }

    #[test]
    fn bad_date_names_the_value() {
        let err = ColumnType::Date.parse_text("2026-13-01").unwrap_err();
        assert!(err.contains("2026-13-01"), "{err}");
    }

    #[test]
    fn timestamps_accept_offsets_and_bare_dates() {
        let t = parse_timestamp("2026-01-02T03:04:05+01:00").unwrap();
        assert_eq!(format_timestamp(&t), "2026-01-02T02:04:05Z");
        let d = parse_timestamp("2026-01-02").unwrap();
        assert_eq!(format_timestamp(&d), "2026-01-02T00:00:00Z");
    }

    #[test]
    fn fast_paths_agree_with_chrono_and_reject_impossible_values() {
        for d in ["2026-01-02", "2024-02-29", "1999-12-31"] {
            assert_eq!(
                parse_date(d),
                Ok(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
            );
        }
        for bad in ["2026-02-30", "2023-02-29", "2026-13-01", "20x6-01-01"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let t = parse_timestamp("2026-03-04T05:06:07Z").unwrap();
        assert_eq!(
            t,
            DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
                .unwrap()
                .with_timezone(&Utc)
        );
        assert!(parse_timestamp("2026-03-04T25:06:07Z").is_err());
    }

    #[test]
    fn enum_is_case_insensitive_and_closed() {
        let t = ColumnType::Enum(&["laptop", "server"]);
        assert_eq!(t.parse_text("Laptop"), Ok(Value::Text("laptop".into())));
        assert!(t.parse_text("toaster").is_err());
    }

    #[test]
    fn lists_round_trip_through_text_and_json() {
        let v = ColumnType::List.parse_text("a; b;;c").unwrap();
        assert_eq!(v, Value::List(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(ColumnType::List.parse_json(&v.to_json()), Ok(v.clone()));
        assert_eq!(v.to_text(), "a;b;c");
    }

    #[test]
    fn json_rejects_wrong_shapes() {
        assert!(ColumnType::Int.parse_json(&serde_json::json!(1.5)).is_err());
        assert!(
            ColumnType::Bool
                .parse_json(&serde_json::json!([true]))
                .is_err()
        );
        assert_eq!(
            ColumnType::Int.parse_json(&serde_json::json!("7")),
            Ok(Value::Int(7))
        );
    }
}
