//! Who is calling: the authenticated user or API token, its role and the
//! tenant scope every store call it makes is limited to.

use crate::error::ApiError;
use assay_core::access::Role;
use assay_store::Scope;
use uuid::Uuid;

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session; the hash identifies it for logout.
    Session { hash: String },
    /// An API token.
    Token { id: Uuid },
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub credential: Credential,
    /// Where the request came from.
    pub ip: Option<std::net::IpAddr>,
}

impl Principal {
    /// Who the audit log records, and from where (`from` names the
    /// interface, e.g. `api`).
    pub fn actor(&self, from: &str) -> assay_store::Actor {
        let via = match self.credential {
            Credential::Session { .. } => "session",
            Credential::Token { .. } => "token",
        };
        let addr = crate::client::describe(self.ip);
        assay_store::Actor::new(self.username.clone(), format!("{from} {addr} ({via})"))
    }

    /// Refuses read-only roles.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role is read-only",
                self.role
            )))
        }
    }

    /// Only the MSP's own staff who may change things (provider admins and technicians).
    pub fn require_provider_staff(&self) -> Result<(), ApiError> {
        match self.role {
            Role::ProviderAdmin | Role::Technician => Ok(()),
            other => Err(ApiError::forbidden(format!(
                "the {other} role cannot do this"
            ))),
        }
    }

    /// Provider admins and auditors (the audit log).
    pub fn require_audit_reader(&self) -> Result<(), ApiError> {
        match self.role {
            Role::ProviderAdmin | Role::Auditor => Ok(()),
            other => Err(ApiError::forbidden(format!(
                "the {other} role cannot read the audit log"
            ))),
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self.role {
            Role::ProviderAdmin => Ok(()),
            other => Err(ApiError::forbidden(format!(
                "only provider admins can do this, not {other}"
            ))),
        }
    }
}
