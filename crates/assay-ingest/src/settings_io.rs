//! Organisations (with their tier and parameter overrides) and service tiers
//! (with their parameters) as CSV or JSON files. Parameters are written as a
//! list of `name=value` pairs, e.g. `restore_test_days=30;patch_window_days=7`.

use crate::parse::{Format, ParseError, Position, Schema, parse};
use crate::records_io::{IngestError, write_rows};
use assay_core::org::{OrgKind, validate_slug};
use assay_core::params::{Params, Tier};
use assay_core::records::{Field, Row};
use assay_core::value::{ColumnType, Value};
use assay_store::{Actor, NewOrg, Scope, Store};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

const fn field(name: &'static str, ty: ColumnType, required: bool, example: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        example,
        doc: "",
    }
}

/// Columns of an organisations file.
pub const ORGANISATIONS: Schema = Schema {
    label: "organisation",
    id: "slug",
    id_required: true,
    fields: &[
        field("name", ColumnType::Text, true, "Acme Ltd"),
        field("kind", ColumnType::Enum(OrgKind::ALL), true, "client"),
        field("tier", ColumnType::Text, false, "Managed User"),
        field("contracted_endpoints", ColumnType::Int, false, "40"),
        field("overrides", ColumnType::List, false, "restore_test_days=30"),
    ],
};

/// Columns of a service tiers file.
pub const TIERS: Schema = Schema {
    label: "tier",
    id: "name",
    id_required: true,
    fields: &[
        field("about", ColumnType::Text, false, "Standard RMM"),
        field(
            "parameters",
            ColumnType::List,
            false,
            "patch_window_days=14;restore_test_days=182",
        ),
    ],
};

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    }
}

/// Parses `name=value` pairs, checking every name and value.
fn params(v: &Value, at: Position, column: &str) -> Result<BTreeMap<String, i64>, ParseError> {
    let bad = |message: String| ParseError {
        at: Some(at),
        field: Some(column.to_string()),
        message,
    };
    let Value::List(items) = v else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for item in items {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| bad(format!("'{item}' is not name=value")))?;
        let value: i64 = value
            .trim()
            .parse()
            .map_err(|_| bad(format!("'{}' is not a whole number", value.trim())))?;
        Params::default()
            .set(name.trim(), value)
            .map_err(|e| bad(e.to_string()))?;
        out.insert(name.trim().to_string(), value);
    }
    Ok(out)
}

fn param_list(values: &BTreeMap<String, i64>) -> Value {
    if values.is_empty() {
        Value::Null
    } else {
        Value::List(values.iter().map(|(k, v)| format!("{k}={v}")).collect())
    }
}

/// Creates the organisations in the file, all or none. Slugs, tiers and
/// parameter names are checked first and errors name the line and field.
pub fn import_orgs(
    store: &dyn Store,
    actor: &Actor,
    format: Format,
    bytes: &[u8],
) -> Result<usize, IngestError> {
    let parsed = parse(&ORGANISATIONS, format, bytes)?;
    let existing = store.list_orgs(&Scope::All)?;
    let tiers: HashSet<String> = store.list_tiers()?.into_iter().map(|t| t.name).collect();
    let mut provider = existing.iter().any(|o| o.kind == OrgKind::Provider);
    let mut orgs = Vec::with_capacity(parsed.len());
    for (at, row) in &parsed {
        let at = *at;
        let err = |field: &str, message: String| ParseError {
            at: Some(at),
            field: Some(field.into()),
            message,
        };
        validate_slug(&row.id).map_err(|m| err("slug", m))?;
        if existing.iter().any(|o| o.slug == row.id) {
            return Err(err("slug", format!("organisation '{}' already exists", row.id)).into());
        }
        let kind = text(&row.values[1])
            .and_then(|k| OrgKind::parse(&k))
            .unwrap_or(OrgKind::Client);
        if kind == OrgKind::Provider {
            if provider {
                return Err(
                    err("kind", "there can be only one provider organisation".into()).into(),
                );
            }
            provider = true;
        }
        let tier = text(&row.values[2]);
        if let Some(t) = tier.as_ref().filter(|t| !tiers.contains(*t)) {
            return Err(err(
                "tier",
                format!("unknown service tier '{t}' (see `assay tier list`)"),
            )
            .into());
        }
        let contracted_endpoints = match row.values[3] {
            Value::Int(n) => Some(n),
            _ => None,
        };
        let new = NewOrg {
            slug: row.id.clone(),
            name: text(&row.values[0]).unwrap_or_default(),
            kind,
            tier,
            contracted_endpoints,
        };
        orgs.push((new, params(&row.values[4], at, "overrides")?));
    }
    Ok(store.create_orgs(actor, &orgs)?.len())
}

/// Writes every organisation in scope with its tier and overrides.
pub fn export_orgs(
    store: &dyn Store,
    scope: &Scope,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, IngestError> {
    let mut rows = Vec::new();
    for o in store.list_orgs(scope)? {
        let overrides = store.overrides(scope, o.id)?;
        rows.push(Row {
            id: o.slug,
            values: vec![
                Value::Text(o.name),
                Value::Text(o.kind.as_str().into()),
                o.tier.map_or(Value::Null, Value::Text),
                o.contracted_endpoints.map_or(Value::Null, Value::Int),
                param_list(&overrides),
            ],
        });
    }
    write_rows(&ORGANISATIONS, &rows, format, out)?;
    Ok(rows.len())
}

/// Creates or replaces the tiers in the file, all or none.
pub fn import_tiers(
    store: &dyn Store,
    actor: &Actor,
    format: Format,
    bytes: &[u8],
) -> Result<usize, IngestError> {
    let parsed = parse(&TIERS, format, bytes)?;
    let tiers = parsed
        .iter()
        .map(|(at, row)| {
            Ok(Tier {
                name: row.id.clone(),
                about: text(&row.values[0]).unwrap_or_default(),
                values: params(&row.values[1], *at, "parameters")?,
            })
        })
        .collect::<Result<Vec<_>, ParseError>>()?;
    store.put_tiers(actor, &tiers)?;
    Ok(tiers.len())
}

/// Writes every tier with the parameters it sets.
pub fn export_tiers(
    store: &dyn Store,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize, IngestError> {
    let rows: Vec<Row> = store
        .list_tiers()?
        .into_iter()
        .map(|t| Row {
            id: t.name,
            values: vec![Value::Text(t.about), param_list(&t.values)],
        })
        .collect();
    write_rows(&TIERS, &rows, format, out)?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_store::SqlStore;

    fn actor() -> Actor {
        Actor::new("test", "cli")
    }

    fn export(store: &dyn Store) -> String {
        let mut out = Vec::new();
        export_orgs(store, &Scope::All, Format::Csv, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn organisations_round_trip_with_overrides() {
        let a = SqlStore::open_in_memory().unwrap();
        let file = b"slug,name,kind,tier,contracted_endpoints,overrides\n\
                     msp,Northwind IT,provider,All Managed,,\n\
                     acme,Acme Ltd,client,Managed User,40,restore_test_days=30;patch_window_days=7\n";
        assert_eq!(import_orgs(&a, &actor(), Format::Csv, file).unwrap(), 2);
        let csv = export(&a);
        assert!(
            csv.contains(
                "acme,Acme Ltd,client,Managed User,40,patch_window_days=7;restore_test_days=30"
            ),
            "{csv}"
        );
        let b = SqlStore::open_in_memory().unwrap();
        import_orgs(&b, &actor(), Format::Csv, csv.as_bytes()).unwrap();
        assert_eq!(export(&b), csv);
    }

    #[test]
    fn a_bad_organisation_line_creates_none() {
        let store = SqlStore::open_in_memory().unwrap();
        let cases: [(&[u8], &str); 5] = [
            (
                b"slug,name,kind\nok,OK,client\nBad Slug,X,client\n",
                "line 3, field 'slug'",
            ),
            (
                b"slug,name,kind,tier\nok,OK,client,\nx,X,client,Gold\n",
                "line 3, field 'tier': unknown service tier 'Gold'",
            ),
            (
                b"slug,name,kind,overrides\nok,OK,client,\nx,X,client,nope=1\n",
                "line 3, field 'overrides': unknown parameter 'nope'",
            ),
            (
                b"slug,name,kind,overrides\nx,X,client,restore_test_days=soon\n",
                "line 2, field 'overrides'",
            ),
            (
                b"slug,name,kind\na,A,provider\nb,B,provider\n",
                "line 3, field 'kind'",
            ),
        ];
        for (file, expected) in cases {
            let e = import_orgs(&store, &actor(), Format::Csv, file)
                .unwrap_err()
                .to_string();
            assert!(e.contains(expected), "{e}");
            assert!(
                store.list_orgs(&Scope::All).unwrap().is_empty(),
                "{expected}: nothing created"
            );
        }
    }

    #[test]
    fn tiers_round_trip_and_bad_parameters_change_nothing() {
        let store = SqlStore::open_in_memory().unwrap();
        let mut out = Vec::new();
        export_tiers(&store, Format::Json, &mut out).unwrap();
        let before = out.clone();
        let bad = br#"[{"name":"Gold","parameters":["patch_window_days=7"]},{"name":"Silver","parameters":["oops=1"]}]"#;
        let e = import_tiers(&store, &actor(), Format::Json, bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("record 2, field 'parameters'"), "{e}");
        let mut again = Vec::new();
        export_tiers(&store, Format::Json, &mut again).unwrap();
        assert_eq!(again, before);

        let good = br#"[{"name":"Gold","about":"Premium","parameters":["patch_window_days=7"]}]"#;
        import_tiers(&store, &actor(), Format::Json, good).unwrap();
        let gold = store
            .list_tiers()
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Gold")
            .unwrap();
        assert_eq!(gold.values.get("patch_window_days"), Some(&7));
    }
}
