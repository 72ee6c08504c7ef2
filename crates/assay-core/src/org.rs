//! Organisations: the tenants. Exactly one provider (the MSP itself), any
//! number of clients.

use crate::text_enum;
use uuid::Uuid;

text_enum!(OrgKind { Provider = "provider", Client = "client" });

/// An organisation as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: Uuid,
    /// Short unique name used on the command line (`acme`).
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    /// Name of its service tier; `None` when not yet categorised.
    pub tier: Option<String>,
    /// Endpoints the contract covers (billing reconciliation).
    pub contracted_endpoints: Option<i64>,
}

/// Checks a slug: lower-case letters, digits and dashes, 1–63 characters,
/// starting with a letter or digit.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug.len() <= 63
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{slug}' is not a valid slug (lower-case letters, digits and '-', at most 63 characters)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(validate_slug("acme-2").is_ok());
        assert!(validate_slug("Acme").is_err());
        assert!(validate_slug("-x").is_err());
        assert!(validate_slug("").is_err());
    }
}
