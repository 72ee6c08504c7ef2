//! `assay import`, `assay export` and `assay kinds`.

use crate::Ctx;
use crate::output::table;
use anyhow::{Context, Result, anyhow, bail};
use assay_core::records::{ID_FIELD, RecordKind};
use assay_ingest::{Format, ImportFile};
use assay_store::{ImportMode, Scope};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

fn parse_kind(s: &str) -> Result<RecordKind, String> {
    RecordKind::from_name(s).ok_or_else(|| format!("unknown record kind '{s}' (see `assay kinds`)"))
}

/// What `assay import` reads: records of one kind, or an osquery results log.
#[derive(Debug, Clone, Copy)]
pub enum ImportWhat {
    Records(RecordKind),
    OsqueryLog,
}

fn parse_import_what(s: &str) -> Result<ImportWhat, String> {
    if s == "osquery-log" {
        return Ok(ImportWhat::OsqueryLog);
    }
    parse_kind(s)
        .map(ImportWhat::Records)
        .map_err(|e| format!("{e}, or osquery-log"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Csv,
    Json,
    Jsonl,
}

impl From<FileFormat> for Format {
    fn from(f: FileFormat) -> Format {
        match f {
            FileFormat::Csv => Format::Csv,
            FileFormat::Json => Format::Json,
            FileFormat::Jsonl => Format::JsonLines,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Mode {
    /// Add records; an id that exists already is an error.
    Insert,
    /// Add records, replacing those whose id exists already.
    Upsert,
    /// Replace every stored record of this kind with the file's.
    Replace,
}

/// Import records of one kind. The whole file is validated first; if any
/// line is wrong nothing is written and the error names the line and field.
#[derive(Args)]
pub struct ImportArgs {
    /// Record kind (see `assay kinds`), e.g. asset, update, account; or
    /// `osquery-log` for an osquery filesystem logger's results file
    /// (osqueryd.results.log, JSON lines), mapped like agents' reports.
    #[arg(value_parser = parse_import_what)]
    kind: ImportWhat,
    /// The file to import (.csv, .json array, or .jsonl).
    #[arg(required_unless_present = "template")]
    file: Option<PathBuf>,
    /// Organisation the records belong to (its slug).
    #[arg(long, required_unless_present = "template")]
    org: Option<String>,
    /// File format; by default taken from the file's extension.
    #[arg(long)]
    format: Option<FileFormat>,
    /// What to do with ids that exist already.
    #[arg(long, value_enum, default_value = "insert")]
    mode: Mode,
    /// Print the expected CSV header with one example row, and exit.
    #[arg(long)]
    pub template: bool,
}

pub fn print_template(a: &ImportArgs) -> Result<()> {
    let ImportWhat::Records(kind) = a.kind else {
        bail!("an osquery results log has no template: it is what osqueryd writes");
    };
    print!(
        "{}",
        assay_ingest::template(&assay_ingest::Schema::of(kind), "")
    );
    Ok(())
}

/// Reads an input file and works out its format (given, or from the name).
pub fn read_input(path: &Path, format: Option<FileFormat>) -> Result<(Format, Vec<u8>)> {
    let format = match format {
        Some(f) => f.into(),
        None => Format::from_path(path).ok_or_else(|| {
            anyhow!(
                "cannot tell the format of {} from its name; pass --format",
                path.display()
            )
        })?,
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((format, bytes))
}

/// The file to write to, or standard output.
pub fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    })
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let (Some(path), Some(slug)) = (a.file, a.org) else {
        bail!("give a FILE and --org");
    };
    let org = ctx.org(&slug)?;
    let kind = match a.kind {
        ImportWhat::Records(kind) => kind,
        ImportWhat::OsqueryLog => return import_osquery_log(ctx, &path, &org.slug, org.id),
    };
    let (format, bytes) = read_input(&path, a.format)?;
    let mode = match a.mode {
        Mode::Insert => ImportMode::Insert,
        Mode::Upsert => ImportMode::Upsert,
        Mode::Replace => ImportMode::Replace,
    };
    let file = ImportFile {
        kind,
        format,
        bytes: &bytes,
        mode,
    };
    let n = assay_ingest::import(ctx.store.as_ref(), &ctx.actor, &Scope::All, org.id, file)
        .with_context(|| format!("{} rejected; nothing was imported", path.display()))?;
    println!("imported {n} {kind} record(s) into {}", org.slug);
    Ok(())
}

fn import_osquery_log(ctx: &Ctx, path: &Path, slug: &str, org: uuid::Uuid) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("{} is not UTF-8 text; nothing was imported", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let applied = assay_ingest::osquery::import_log_file(
        ctx.store.as_ref(),
        &ctx.actor,
        &Scope::All,
        org,
        &name,
        &text,
    )
    .with_context(|| format!("{} rejected; nothing was imported", path.display()))?;
    println!(
        "imported {} log line(s), {} row(s) into {slug}: {} record(s) written, {} deleted",
        applied.lines, applied.rows, applied.written, applied.deleted
    );
    if !applied.ignored.is_empty() {
        let names: Vec<&str> = applied.ignored.iter().map(String::as_str).collect();
        println!("skipped queries Assay does not read: {}", names.join(", "));
    }
    Ok(())
}

/// Export every record of one kind of an organisation.
#[derive(Args)]
pub struct ExportArgs {
    #[arg(value_parser = parse_kind)]
    kind: RecordKind,
    /// Organisation (slug).
    #[arg(long)]
    org: String,
    #[arg(long, value_enum, default_value = "csv")]
    format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    let org = ctx.org(&a.org)?;
    let mut out = open_output(a.output.as_deref())?;
    let n = assay_ingest::export(
        ctx.store.as_ref(),
        &Scope::All,
        org.id,
        a.kind,
        a.format.into(),
        &mut out,
    )?;
    out.flush()?;
    if let Some(p) = a.output {
        eprintln!("exported {n} {} record(s) to {}", a.kind, p.display());
    }
    Ok(())
}

/// List the record kinds, or describe one kind's fields.
#[derive(Args)]
pub struct KindsArgs {
    #[arg(value_parser = parse_kind)]
    kind: Option<RecordKind>,
}

pub fn kinds(a: &KindsArgs) -> Result<()> {
    match a.kind {
        None => {
            let rows: Vec<Vec<String>> = RecordKind::ALL
                .iter()
                .map(|k| vec![k.name().to_string(), k.about().to_string()])
                .collect();
            table(&["KIND", "WHAT IT HOLDS"], &rows);
        }
        Some(k) => {
            println!("{}: {}\n", k.name(), k.about());
            let rows: Vec<Vec<String>> = std::iter::once(&ID_FIELD)
                .chain(k.fields())
                .map(|f| {
                    vec![
                        f.name.to_string(),
                        f.ty.describe(),
                        if f.required {
                            "yes".into()
                        } else {
                            String::new()
                        },
                        f.doc.to_string(),
                    ]
                })
                .collect();
            table(&["FIELD", "TYPE", "REQUIRED", "NOTES"], &rows);
        }
    }
    Ok(())
}
