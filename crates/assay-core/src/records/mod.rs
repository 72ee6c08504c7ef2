//! The records the standards are about. Each kind is declared once (in
//! `kinds.rs`) and the declaration yields the Rust struct, its field list
//! (which drives CSV/JSON import and export and the store's columns) and the
//! per-organisation bundle, [`OrgData`], that the engine evaluates.

mod enums;
mod kinds;

pub use enums::*;
pub use kinds::*;

use crate::value::{ColumnType, Value};

/// One field of a record kind.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: ColumnType,
    pub required: bool,
    /// A CSV cell used in `assay import KIND --template`.
    pub example: &'static str,
    pub doc: &'static str,
}

/// The `id` field every record kind starts with. Left empty on import, a
/// UUIDv7 is generated.
pub const ID_FIELD: Field = Field {
    name: "id",
    ty: ColumnType::Text,
    required: false,
    example: "",
    doc: "Identifier, unique per organisation and kind; generated when empty.",
};

/// A record in untyped form: its id and its values in field order (without
/// the id). This is what the store reads and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub values: Vec<Value>,
}

/// A record kind's typed struct.
pub trait Record: Sized {
    const KIND: RecordKind;
    fn id(&self) -> &str;
    fn to_row(&self) -> Row;
    /// Builds the record from a row; the error names the field, and its
    /// message starts with the record's id.
    fn from_row(row: Row) -> Result<Self, (&'static str, String)>;
}

/// Declares every record kind. See `kinds.rs`.
macro_rules! record_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $ty:ident = $kind:literal, $table:literal, $plural:ident {
            $( $(#[doc = $fdoc:literal])* $field:ident : $fty:ty = $example:literal ),* $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, PartialEq)]
            pub struct $ty {
                pub id: String,
                $( $(#[doc = $fdoc])* pub $field: $fty, )*
            }

            impl $crate::records::Record for $ty {
                const KIND: RecordKind = RecordKind::$ty;
                fn id(&self) -> &str {
                    &self.id
                }
                fn to_row(&self) -> $crate::records::Row {
                    use $crate::value::ColumnValue;
                    $crate::records::Row {
                        id: self.id.clone(),
                        values: vec![$( self.$field.to_value() ),*],
                    }
                }
                fn from_row(row: $crate::records::Row) -> Result<Self, (&'static str, String)> {
                    use $crate::value::{ColumnValue, Value};
                    let mut values = row.values.into_iter();
                    let id = row.id;
                    $( let $field = <$fty as ColumnValue>::from_value(values.next().unwrap_or(Value::Null))
                        .map_err(|e| (stringify!($field), format!("'{id}': {e}")))?; )*
                    Ok($ty { id, $($field),* })
                }
            }
        )*

        /// Every kind of record Assay keeps.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RecordKind { $($ty),* }

        impl RecordKind {
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$ty),*];

            /// The name used on the command line and in the API (`asset`).
            pub fn name(&self) -> &'static str {
                match self { $(RecordKind::$ty => $kind),* }
            }

            /// The database table holding this kind.
            pub fn table(&self) -> &'static str {
                match self { $(RecordKind::$ty => $table),* }
            }

            /// What the kind holds, for `--help` and docs.
            pub fn about(&self) -> &'static str {
                match self { $(RecordKind::$ty => concat!("" $(, $doc)*).trim_ascii()),* }
            }

            /// The fields after `id`, in column order.
            pub fn fields(&self) -> &'static [Field] {
                use $crate::value::ColumnValue;
                match self {
                    $(RecordKind::$ty => {
                        const FIELDS: &[Field] = &[$(Field {
                            name: stringify!($field),
                            ty: <$fty as ColumnValue>::TYPE,
                            required: <$fty as ColumnValue>::REQUIRED,
                            example: $example,
                            doc: concat!("" $(, $fdoc)*).trim_ascii(),
                        }),*];
                        FIELDS
                    })*
                }
            }

            pub fn from_name(name: &str) -> Option<RecordKind> {
                let name = name.replace('-', "_");
                RecordKind::ALL.iter().copied().find(|k| k.name() == name)
            }
        }

        /// All records of one organisation, typed: the engine's input.
        #[derive(Debug, Clone, Default)]
        pub struct OrgData {
            $( pub $plural: Vec<$ty>, )*
        }

        impl OrgData {
            /// Adds one stored row of `kind`; the error names the field.
            pub fn push_row(&mut self, kind: RecordKind, row: Row) -> Result<(), (&'static str, String)> {
                match kind {
                    $(RecordKind::$ty => self.$plural.push(<$ty as $crate::records::Record>::from_row(row)?)),*
                }
                Ok(())
            }

            /// Number of records of `kind`.
            pub fn count(&self, kind: RecordKind) -> usize {
                match kind { $(RecordKind::$ty => self.$plural.len()),* }
            }

            /// The rows of `kind`, untyped, in stored order.
            pub fn rows(&self, kind: RecordKind) -> Vec<Row> {
                use $crate::records::Record;
                match kind { $(RecordKind::$ty => self.$plural.iter().map(|r| r.to_row()).collect()),* }
            }
        }
    };
}
pub(crate) use record_kinds;

impl RecordKind {
    /// A row of this kind as a JSON object: `id`, then every field.
    pub fn row_json(&self, row: &Row) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert(
            ID_FIELD.name.into(),
            serde_json::Value::String(row.id.clone()),
        );
        for (f, v) in self.fields().iter().zip(&row.values) {
            m.insert(f.name.into(), v.to_json());
        }
        serde_json::Value::Object(m)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_cell_parses_as_its_field_type() {
        for kind in RecordKind::ALL {
            for f in kind.fields() {
                let v = f.ty.parse_text(f.example);
                assert!(v.is_ok(), "{kind}.{}: {:?}", f.name, v);
                if f.required {
                    assert_ne!(v, Ok(Value::Null), "{kind}.{} needs an example", f.name);
                }
            }
        }
    }

    #[test]
    fn names_and_tables_are_unique() {
        let mut names: Vec<_> = RecordKind::ALL.iter().map(|k| k.name()).collect();
        let mut tables: Vec<_> = RecordKind::ALL.iter().map(|k| k.table()).collect();
        names.sort();
        names.dedup();
        tables.sort();
        tables.dedup();
        assert_eq!(names.len(), RecordKind::ALL.len());
        assert_eq!(tables.len(), RecordKind::ALL.len());
    }

    #[test]
    fn row_round_trip_keeps_every_field() {
        for kind in RecordKind::ALL {
            let values: Vec<Value> = kind
                .fields()
                .iter()
                .map(|f| f.ty.parse_text(f.example).unwrap_or(Value::Null))
                .collect();
            let row = Row {
                id: "x1".into(),
                values,
            };
            let mut data = OrgData::default();
            data.push_row(*kind, row.clone()).unwrap();
            assert_eq!(data.rows(*kind), vec![row], "{kind}");
        }
    }

    #[test]
    fn kind_names_accept_dashes() {
        assert_eq!(
            RecordKind::from_name("software-install"),
            Some(RecordKind::SoftwareInstall)
        );
        assert_eq!(RecordKind::from_name("nope"), None);
    }
}
