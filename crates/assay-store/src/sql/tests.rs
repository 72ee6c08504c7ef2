use super::*;
use assay_core::value::ColumnType;

/// The DDL the record kinds' field lists call for; `0002_records.sql` must
/// declare exactly these columns.
fn expected_ddl() -> String {
    let mut out = String::from("-- Record tables: one per record kind, columns in field order.\n");
    for kind in RecordKind::ALL {
        let mut cols = vec![
            "    org_id TEXT NOT NULL REFERENCES organisations(id)".to_string(),
            "    id TEXT NOT NULL".to_string(),
        ];
        for f in kind.fields() {
            let null = if f.required { " NOT NULL" } else { "" };
            cols.push(format!("    {} {}{null}", f.name, column_decl(f.ty)));
        }
        cols.push("    PRIMARY KEY (org_id, id)".to_string());
        out.push_str(&format!(
            "\nCREATE TABLE {} (\n{}\n);\n",
            kind.table(),
            cols.join(",\n")
        ));
    }
    out
}

#[test]
fn record_tables_match_the_record_kinds() {
    let store = SqlStore::open_in_memory().unwrap();
    let conn = store.conn().unwrap();
    for kind in RecordKind::ALL {
        let cols: Vec<(String, String, bool)> = conn
            .query(
                &format!("PRAGMA table_info({})", kind.table()),
                params![],
                |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let mut want = vec![
            ("org_id".to_string(), "TEXT".to_string(), true),
            ("id".to_string(), "TEXT".to_string(), true),
        ];
        want.extend(kind.fields().iter().map(|f| {
            (
                f.name.to_string(),
                column_decl(f.ty).to_string(),
                f.required,
            )
        }));
        assert_eq!(
            cols,
            want,
            "table {} differs; expected migration:\n{}",
            kind.table(),
            expected_ddl()
        );
    }
}

/// The SQLite column declaration for a field type.
pub fn column_decl(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Int | ColumnType::Bool => "INTEGER",
        ColumnType::Real => "REAL",
        _ => "TEXT",
    }
}
