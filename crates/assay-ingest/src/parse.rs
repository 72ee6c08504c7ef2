//! Parsing record files (CSV, JSON array, JSON Lines) into rows, validating
//! every cell against the kind's field list before anything is written.

use assay_core::records::{Field, RecordKind, Row};
use assay_core::value::{ColumnType, Value};
use std::collections::HashMap;
use std::fmt;
use uuid::Uuid;

/// A file format for records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// Picks the format from a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Where in the file a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Line(u64),
    /// 1-based index in a JSON array.
    Record(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(l) => write!(f, "line {l}"),
            Position::Record(i) => write!(f, "record {i}"),
        }
    }
}

/// A rejected file: where, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub at: Option<Position>,
    pub field: Option<String>,
    pub message: String,
}

impl ParseError {
    fn file(message: impl Into<String>) -> Self {
        ParseError {
            at: None,
            field: None,
            message: message.into(),
        }
    }
    fn at(at: Position, field: Option<&str>, message: impl Into<String>) -> Self {
        ParseError {
            at: Some(at),
            field: field.map(String::from),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.at, &self.field) {
            (Some(at), Some(field)) => write!(f, "{at}, field '{field}': {}", self.message),
            (Some(at), None) => write!(f, "{at}: {}", self.message),
            (None, Some(field)) => write!(f, "field '{field}': {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Rows parsed from a file, each with its position.
pub type Parsed = Vec<(Position, Row)>;

/// What a file holds: a name for messages, its identifying column and the
/// other fields.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub label: &'static str,
    /// The identifying column (`id` for records, `slug` for organisations).
    pub id: &'static str,
    /// Whether the identifier must be given; otherwise a UUIDv7 is generated.
    pub id_required: bool,
    pub fields: &'static [Field],
}

impl Schema {
    /// The schema of a record kind.
    pub fn of(kind: RecordKind) -> Schema {
        Schema {
            label: kind.name(),
            id: "id",
            id_required: false,
            fields: kind.fields(),
        }
    }
}

/// Parses `bytes` as rows of `schema`. The whole file is checked: encoding,
/// columns, every cell, and duplicate ids within the file.
pub fn parse(schema: &Schema, format: Format, bytes: &[u8]) -> Result<Parsed, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ParseError::at(
            Position::Line(line as u64),
            None,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(ParseError::file("the file is empty"));
    }
    let rows = match format {
        Format::Csv => parse_csv(schema, text)?,
        Format::Json => parse_json_array(schema, text)?,
        Format::JsonLines => parse_json_lines(schema, text)?,
    };
    if rows.is_empty() {
        return Err(ParseError::file("the file holds no records"));
    }
    check_unique_ids(schema, &rows)?;
    Ok(rows)
}

fn field_index(schema: &Schema) -> HashMap<&'static str, usize> {
    schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name, i))
        .collect()
}

fn unknown_column(schema: &Schema, name: &str) -> String {
    let known: Vec<&str> = std::iter::once(schema.id)
        .chain(schema.fields.iter().map(|f| f.name))
        .collect();
    format!(
        "unknown column for {} (known: {})",
        schema.label,
        known.join(", ")
    ) + if name.trim() != name {
        " — check for stray spaces"
    } else {
        ""
    }
}

/// Assembles a row from cells given by field index, filling absent optional
/// fields and rejecting absent required ones.
fn finish_row(
    schema: &Schema,
    at: Position,
    id: Option<String>,
    cells: Vec<Option<Value>>,
) -> Result<Row, ParseError> {
    let id = id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if schema.id_required && id.is_none() {
        return Err(ParseError::at(at, Some(schema.id), "a value is required"));
    }
    let mut values = Vec::with_capacity(cells.len());
    for (f, cell) in schema.fields.iter().zip(cells) {
        let v = cell.unwrap_or(Value::Null);
        if f.required && v == Value::Null {
            return Err(ParseError::at(at, Some(f.name), "a value is required"));
        }
        values.push(v);
    }
    let id = id.unwrap_or_else(|| Uuid::now_v7().to_string());
    Ok(Row { id, values })
}

fn parse_csv(schema: &Schema, text: &str) -> Result<Parsed, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ParseError::at(Position::Line(1), None, e.to_string()))?
        .clone();
    let index = field_index(schema);
    // For each CSV column: None for the id, Some(field index) otherwise.
    let mut columns: Vec<Option<usize>> = Vec::new();
    let mut seen = HashMap::new();
    for name in headers.iter() {
        if let Some(first) = seen.insert(name, columns.len()) {
            return Err(ParseError::at(
                Position::Line(1),
                Some(name),
                format!(
                    "column appears twice (columns {} and {})",
                    first + 1,
                    columns.len() + 1
                ),
            ));
        }
        if name == schema.id {
            columns.push(None);
        } else {
            columns.push(Some(*index.get(name).ok_or_else(|| {
                ParseError::at(Position::Line(1), Some(name), unknown_column(schema, name))
            })?));
        }
    }
    let id_column = schema.id_required.then_some(schema.id);
    let required = id_column
        .into_iter()
        .chain(schema.fields.iter().filter(|f| f.required).map(|f| f.name));
    if let Some(name) = required.into_iter().find(|n| !seen.contains_key(n)) {
        return Err(ParseError::at(
            Position::Line(1),
            Some(name),
            "required column is missing",
        ));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ParseError::at(Position::Line(line), None, csv_message(&e))
        })?;
        let at = Position::Line(record.position().map_or(0, |p| p.line()));
        let mut id = None;
        let mut cells: Vec<Option<Value>> = vec![None; schema.fields.len()];
        for (cell, col) in record.iter().zip(&columns) {
            match col {
                None => id = Some(cell.to_string()),
                Some(i) => {
                    let f: &Field = &schema.fields[*i];
                    cells[*i] = Some(
                        f.ty.parse_text(cell)
                            .map_err(|m| ParseError::at(at, Some(f.name), m))?,
                    );
                }
            }
        }
        out.push((at, finish_row(schema, at, id, cells)?));
    }
    Ok(out)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields like the header, found {len}")
        }
        _ => e.to_string(),
    }
}

/// Validates one JSON object as a row of `schema` (for APIs that take one
/// record at a time); errors name the field.
pub fn parse_object(schema: &Schema, value: serde_json::Value) -> Result<Row, ParseError> {
    let at = Position::Record(1);
    object_row(schema, at, value).map_err(|e| ParseError { at: None, ..e })
}

fn object_row(schema: &Schema, at: Position, value: serde_json::Value) -> Result<Row, ParseError> {
    let serde_json::Value::Object(map) = value else {
        return Err(ParseError::at(
            at,
            None,
            format!("expected a JSON object, found {value}"),
        ));
    };
    let index = field_index(schema);
    let mut id = None;
    let mut cells: Vec<Option<Value>> = vec![None; schema.fields.len()];
    for (name, v) in map {
        if name == schema.id {
            id = Some(match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            });
            continue;
        }
        let i = *index
            .get(name.as_str())
            .ok_or_else(|| ParseError::at(at, Some(&name), unknown_column(schema, &name)))?;
        let ty: ColumnType = schema.fields[i].ty;
        cells[i] = Some(
            ty.parse_json(&v)
                .map_err(|m| ParseError::at(at, Some(&name), m))?,
        );
    }
    finish_row(schema, at, id, cells)
}

fn json_syntax(e: serde_json::Error) -> ParseError {
    ParseError::at(
        Position::Line(e.line() as u64),
        None,
        format!("invalid JSON: {e}"),
    )
}

fn parse_json_array(schema: &Schema, text: &str) -> Result<Parsed, ParseError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(json_syntax)?;
    let serde_json::Value::Array(items) = value else {
        return Err(ParseError::file(
            "expected a JSON array of objects (for one object per line, use a .jsonl file)",
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let at = Position::Record(i + 1);
            object_row(schema, at, v).map(|r| (at, r))
        })
        .collect()
}

fn parse_json_lines(schema: &Schema, text: &str) -> Result<Parsed, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = Position::Line(i as u64 + 1);
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| ParseError::at(at, None, format!("invalid JSON: {e}")))?;
        out.push((at, object_row(schema, at, v)?));
    }
    Ok(out)
}

fn check_unique_ids(schema: &Schema, rows: &Parsed) -> Result<(), ParseError> {
    let mut seen: HashMap<&str, Position> = HashMap::with_capacity(rows.len());
    for (at, row) in rows {
        if let Some(first) = seen.insert(row.id.as_str(), *at) {
            return Err(ParseError::at(
                *at,
                Some(schema.id),
                format!("duplicate {} '{}' (first at {first})", schema.id, row.id),
            ));
        }
    }
    Ok(())
}

/// The CSV header and one example row for `schema`.
pub fn template(schema: &Schema, id_example: &str) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once(schema.id).chain(schema.fields.iter().map(|f| f.name));
    let example = std::iter::once(id_example).chain(schema.fields.iter().map(|f| f.example));
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    let _ = w.write_record(example);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Schema {
        Schema::of(RecordKind::Site)
    }

    fn err(format: Format, text: &[u8]) -> String {
        parse(&site(), format, text).unwrap_err().to_string()
    }

    #[test]
    fn csv_round_trip_with_generated_ids() {
        let rows = parse(
            &site(),
            Format::Csv,
            b"id,name,country\nhq,Head office,GB\n,Depot,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.id, "hq");
        assert_eq!(rows[0].0, Position::Line(2));
        assert!(Uuid::parse_str(&rows[1].1.id).is_ok());
        assert_eq!(rows[1].1.values[2], Value::Null);
    }

    #[test]
    fn unknown_column_is_named_on_line_one() {
        let e = err(Format::Csv, b"id,name,colour\nhq,HQ,red\n");
        assert!(
            e.starts_with("line 1, field 'colour': unknown column for site"),
            "{e}"
        );
    }

    #[test]
    fn missing_required_column_and_value() {
        assert!(
            err(Format::Csv, b"id,country\nhq,GB\n")
                .contains("field 'name': required column is missing")
        );
        let e = err(Format::Csv, b"id,name\nhq,\n");
        assert_eq!(e, "line 2, field 'name': a value is required");
    }

    #[test]
    fn bad_cell_names_line_and_field() {
        let e = parse(
            &Schema::of(RecordKind::Training),
            Format::Csv,
            b"person,course,kind,completed_on\np1,CE,onboarding,2026-02-30\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "line 2, field 'completed_on': '2026-02-30' is not a date (YYYY-MM-DD)"
        );
    }

    #[test]
    fn duplicate_ids_name_both_lines() {
        let e = err(Format::Csv, b"id,name\na,A\nb,B\na,C\n");
        assert_eq!(e, "line 4, field 'id': duplicate id 'a' (first at line 2)");
    }

    #[test]
    fn wrong_encoding_empty_and_ragged_files() {
        assert!(err(Format::Csv, b"id,name\nhq,Caf\xe9\n").contains("not UTF-8"));
        assert_eq!(err(Format::Csv, b""), "the file is empty");
        assert_eq!(err(Format::Csv, b"id,name\n"), "the file holds no records");
        assert!(err(Format::Csv, b"id,name\nhq,HQ,extra\n").contains("line 2: expected 2 fields"));
    }

    #[test]
    fn json_array_and_lines() {
        let rows = parse(
            &site(),
            Format::Json,
            br#"[{"id":"hq","name":"HQ"},{"name":"Depot","country":null}]"#,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        let e = err(Format::Json, br#"[{"id":"hq","name":"HQ"},{"name":5}]"#);
        assert_eq!(e, "record 2, field 'name': 5 is not a text");
        let e = err(Format::JsonLines, b"{\"name\":\"A\"}\n\n{\"nme\":\"B\"}\n");
        assert!(e.starts_with("line 3, field 'nme': unknown column"), "{e}");
        assert!(err(Format::Json, b"{\"name\":\"A\"}").contains("expected a JSON array"));
        assert!(err(Format::Json, b"[{\"name\":").contains("invalid JSON"));
    }

    #[test]
    fn bom_is_ignored() {
        assert_eq!(
            parse(&site(), Format::Csv, b"\xEF\xBB\xBFid,name\nhq,HQ\n")
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn template_has_header_and_example_for_every_kind() {
        for kind in RecordKind::ALL {
            let t = template(&Schema::of(*kind), "");
            let parsed = parse(&Schema::of(*kind), Format::Csv, t.as_bytes());
            assert!(parsed.is_ok(), "{kind}: {parsed:?}\n{t}");
        }
    }
}
