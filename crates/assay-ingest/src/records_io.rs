//! Importing a record file into the store (all or nothing) and exporting a
//! kind's records as CSV or JSON.

use crate::parse::{Format, ParseError, Parsed, Schema, parse};
use assay_core::records::{RecordKind, Row};
use assay_store::{Actor, ImportMode, Scope, Store, StoreError};
use std::io::Write;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
}

/// A file to import.
pub struct ImportFile<'a> {
    pub kind: RecordKind,
    pub format: Format,
    pub bytes: &'a [u8],
    pub mode: ImportMode,
}

/// Validates the file and writes it as records of `org` in one transaction.
/// On any error nothing is written; an id that already exists (in `Insert`
/// mode) is reported with the line it came from.
pub fn import(
    store: &dyn Store,
    actor: &Actor,
    scope: &Scope,
    org: Uuid,
    file: ImportFile,
) -> Result<usize, IngestError> {
    let ImportFile {
        kind,
        format,
        bytes,
        mode,
    } = file;
    let parsed: Parsed = parse(&Schema::of(kind), format, bytes)?;
    let rows: Vec<_> = parsed.iter().map(|(_, r)| r.clone()).collect();
    store
        .import_rows(actor, scope, org, kind, &rows, mode)
        .map_err(|e| match e {
            StoreError::DuplicateId { id, .. } => {
                let at = parsed.iter().find(|(_, r)| r.id == id).map(|(at, _)| *at);
                IngestError::Parse(ParseError {
                    at,
                    field: Some("id".into()),
                    message: format!(
                        "{kind} '{id}' already exists (use --mode upsert to replace it)"
                    ),
                })
            }
            other => IngestError::Store(other),
        })
}

/// Writes every `kind` record of `org` to `out`.
pub fn export(
    store: &dyn Store,
    scope: &Scope,
    org: Uuid,
    kind: RecordKind,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, IngestError> {
    let rows = store.list_rows(scope, org, kind)?;
    write_rows(&Schema::of(kind), &rows, format, out)?;
    Ok(rows.len())
}

/// Writes rows of `schema` as CSV (header first), a JSON array or JSON Lines.
pub fn write_rows(
    schema: &Schema,
    rows: &[Row],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), IngestError> {
    let names: Vec<&str> = std::iter::once(schema.id)
        .chain(schema.fields.iter().map(|f| f.name))
        .collect();
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&names)?;
            for r in rows {
                w.write_record(
                    std::iter::once(r.id.clone()).chain(r.values.iter().map(|v| v.to_text())),
                )?;
            }
            w.flush()?;
        }
        Format::Json | Format::JsonLines => {
            let objects = rows.iter().map(|r| {
                let mut m = serde_json::Map::new();
                m.insert(schema.id.into(), serde_json::Value::String(r.id.clone()));
                for (f, v) in schema.fields.iter().zip(&r.values) {
                    m.insert(f.name.into(), v.to_json());
                }
                serde_json::Value::Object(m)
            });
            if format == Format::Json {
                let all: Vec<serde_json::Value> = objects.collect();
                serde_json::to_writer_pretty(&mut *out, &all).map_err(std::io::Error::from)?;
                writeln!(out)?;
            } else {
                for o in objects {
                    writeln!(out, "{o}")?;
                }
            }
        }
    }
    Ok(())
}
