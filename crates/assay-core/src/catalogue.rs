//! Framework catalogues: data files (TOML, one per framework version) that
//! list requirements and the checks that meet them. The shipped ones are in
//! the repository's `frameworks/` folder and compiled in.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A framework version: a list of requirements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub version: String,
    pub title: String,
    pub publisher: String,
    /// The documents the catalogue was written from.
    pub source: String,
    /// Attribution and reuse notes.
    #[serde(default)]
    pub notice: String,
    pub verdict: VerdictRule,
    pub requirements: Vec<Requirement>,
}

/// How the framework's overall verdict is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictRule {
    /// Every required requirement is met.
    AllRequired,
    /// All `essential` requirements are met and at least `min_enhanced`
    /// `enhanced` ones (the ITMSP charter's rule, with 2).
    Charter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Required,
    /// Recommended only; never changes the verdict.
    Advisory,
    Essential,
    Enhanced,
}

/// Which organisations a requirement is evaluated for. Requirements about
/// the MSP as a company (its org chart, its staff training) are evaluated on
/// the provider's records and inherited by every client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    #[default]
    All,
    Provider,
    Client,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub group: String,
    pub title: String,
    pub description: String,
    /// The clause, objective or test case in the source document.
    pub source_ref: String,
    pub category: Category,
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// A failure fails the whole assessment outright (Danzell auto-fail).
    #[serde(default)]
    pub blocking: bool,
    pub checks: Vec<CheckRef>,
}

/// A use of a check, with its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRef {
    pub check: String,
    #[serde(default)]
    pub args: BTreeMap<String, serde_json::Value>,
}

impl CheckRef {
    /// Identifies one evaluation: the same check with the same arguments is
    /// evaluated once, whichever requirements share it.
    pub fn key(&self) -> String {
        if self.args.is_empty() {
            self.check.clone()
        } else {
            format!(
                "{}{}",
                self.check,
                serde_json::Value::from(serde_json::Map::from_iter(self.args.clone()))
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: requirement {requirement}: unknown check '{check}'")]
    UnknownCheck {
        file: String,
        requirement: String,
        check: String,
    },
    #[error("{file}: duplicate requirement id '{requirement}'")]
    DuplicateRequirement { file: String, requirement: String },
    #[error("framework '{0}' is defined twice")]
    DuplicateFramework(String),
}

/// The frameworks known to this installation.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub frameworks: Vec<Framework>,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "cyber-essentials-3.3.toml",
        include_str!("../../../frameworks/cyber-essentials-3.3.toml"),
    ),
    (
        "itmsp-charter-1.toml",
        include_str!("../../../frameworks/itmsp-charter-1.toml"),
    ),
    (
        "msp-cloud-verify-v23.toml",
        include_str!("../../../frameworks/msp-cloud-verify-v23.toml"),
    ),
];

impl Catalogue {
    /// The three shipped frameworks.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        Catalogue::from_sources(Catalogue::builtin_sources())
    }

    /// The shipped catalogue files as `(file name, text)`.
    pub fn builtin_sources() -> Vec<(String, String)> {
        BUILTIN
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect()
    }

    /// Parses and validates catalogue files given as `(file name, text)`.
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Catalogue, CatalogueError> {
        let known: Vec<&str> = crate::engine::checks::all().iter().map(|c| c.id).collect();
        let mut frameworks: Vec<Framework> = Vec::new();
        for (file, text) in sources {
            let fw: Framework = toml::from_str(&text).map_err(|e| CatalogueError::Parse {
                file: file.clone(),
                message: e.to_string(),
            })?;
            let mut seen = std::collections::BTreeSet::new();
            for r in &fw.requirements {
                if !seen.insert(r.id.as_str()) {
                    return Err(CatalogueError::DuplicateRequirement {
                        file,
                        requirement: r.id.clone(),
                    });
                }
                if r.checks.is_empty() {
                    return Err(CatalogueError::Parse {
                        file,
                        message: format!("requirement {} has no checks", r.id),
                    });
                }
                if let Some(c) = r.checks.iter().find(|c| !known.contains(&c.check.as_str())) {
                    return Err(CatalogueError::UnknownCheck {
                        file,
                        requirement: r.id.clone(),
                        check: c.check.clone(),
                    });
                }
            }
            if frameworks.iter().any(|f| f.id == fw.id) {
                return Err(CatalogueError::DuplicateFramework(fw.id));
            }
            frameworks.push(fw);
        }
        Ok(Catalogue { frameworks })
    }

    pub fn get(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_and_has_the_three_frameworks() {
        let c = Catalogue::builtin().unwrap();
        for id in ["cyber-essentials", "itmsp-charter", "msp-cloud-verify"] {
            assert!(c.get(id).is_some(), "{id} missing");
        }
    }

    #[test]
    fn charter_has_six_essential_and_six_enhanced() {
        let c = Catalogue::builtin().unwrap();
        let f = c.get("itmsp-charter").unwrap();
        let count = |cat| f.requirements.iter().filter(|r| r.category == cat).count();
        assert_eq!(count(Category::Essential), 6);
        assert_eq!(count(Category::Enhanced), 6);
        assert_eq!(f.verdict, VerdictRule::Charter);
    }

    #[test]
    fn unknown_check_is_refused_with_the_requirement_named() {
        let text = r#"
            id = "x"
            version = "1"
            title = "X"
            publisher = "us"
            source = "none"
            verdict = "all_required"
            [[requirements]]
            id = "X-1"
            group = "g"
            title = "t"
            description = "d"
            source_ref = "1"
            category = "required"
            checks = [{ check = "no.such.check" }]
        "#;
        let err = Catalogue::from_sources([("x.toml".to_string(), text.to_string())]).unwrap_err();
        assert!(
            err.to_string().contains("X-1") && err.to_string().contains("no.such.check"),
            "{err}"
        );
    }

    #[test]
    fn check_ref_key_includes_args() {
        let a = CheckRef {
            check: "c".into(),
            args: BTreeMap::new(),
        };
        let mut args = BTreeMap::new();
        args.insert("scope".to_string(), serde_json::json!("os"));
        let b = CheckRef {
            check: "c".into(),
            args,
        };
        assert_eq!(a.key(), "c");
        assert_eq!(b.key(), r#"c{"scope":"os"}"#);
    }
}
