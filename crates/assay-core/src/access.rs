//! Who may see and change what: the roles a user or API token holds, and the
//! rule that turns a role and its listed organisations into the set of
//! organisations (tenants) the principal may reach. Pure: the store maps the
//! result to its query scope, the server decides per request.

use crate::org::{OrgKind, Organisation};
use crate::text_enum;
use uuid::Uuid;

text_enum!(
    /// A principal's role. Provider-side roles work for the MSP; client roles
    /// belong to exactly one client organisation.
    Role {
        ProviderAdmin = "provider_admin",
        Technician = "technician",
        Auditor = "auditor",
        ClientAdmin = "client_admin",
        ClientViewer = "client_viewer",
    }
);

impl Role {
    /// Every role, in order of decreasing reach.
    pub const EVERY: [Role; 5] = [
        Role::ProviderAdmin,
        Role::Technician,
        Role::Auditor,
        Role::ClientAdmin,
        Role::ClientViewer,
    ];

    /// Whether the role may change anything (auditors and client viewers
    /// only read).
    pub fn can_write(&self) -> bool {
        !matches!(self, Role::Auditor | Role::ClientViewer)
    }

    /// Whether the role works for the MSP rather than for one client.
    pub fn is_provider_side(&self) -> bool {
        matches!(self, Role::ProviderAdmin | Role::Technician | Role::Auditor)
    }

    /// Whether the role must use MFA unless the deployment's policy says
    /// otherwise: on for provider admins, who can reach every tenant.
    pub fn requires_mfa_by_default(&self) -> bool {
        matches!(self, Role::ProviderAdmin)
    }

    /// Whether the role may create, change and disable user accounts (a
    /// client admin only within its own organisation, and only client roles:
    /// see [`Role::can_grant`]).
    pub fn can_manage_users(&self) -> bool {
        matches!(self, Role::ProviderAdmin | Role::ClientAdmin)
    }

    /// Whether a principal of this role may hand out `other`: to an API
    /// token it creates, or (for roles that manage users) to a user. A role
    /// never grants more than it has: a technician may issue technician and
    /// auditor tokens, a client admin client roles, a read-only role only
    /// itself.
    pub fn can_grant(&self, other: Role) -> bool {
        match self {
            Role::ProviderAdmin => true,
            Role::Technician => matches!(other, Role::Technician | Role::Auditor),
            Role::Auditor => other == Role::Auditor,
            Role::ClientAdmin => matches!(other, Role::ClientAdmin | Role::ClientViewer),
            Role::ClientViewer => other == Role::ClientViewer,
        }
    }

    /// A short human label ("provider admin").
    pub fn label(&self) -> &'static str {
        match self {
            Role::ProviderAdmin => "provider admin",
            Role::Technician => "technician",
            Role::Auditor => "auditor",
            Role::ClientAdmin => "client admin",
            Role::ClientViewer => "client viewer",
        }
    }
}

/// How many failed logins an account may have inside
/// [`LOGIN_THROTTLE_WINDOW_SECS`] before further attempts are refused.
pub const LOGIN_THROTTLE_MAX_FAILURES: u32 = 10;
/// The sliding window, in seconds, over which failed logins are counted.
pub const LOGIN_THROTTLE_WINDOW_SECS: i64 = 5 * 60;

/// The organisations a principal may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgAccess {
    /// Every organisation, including ones created later.
    All,
    /// Only these (sorted, without repeats).
    Orgs(Vec<Uuid>),
}

impl OrgAccess {
    pub fn allows(&self, org: Uuid) -> bool {
        match self {
            OrgAccess::All => true,
            OrgAccess::Orgs(ids) => ids.contains(&org),
        }
    }

    /// What both grant: an API token reaches no further than its owner.
    pub fn intersect(&self, other: &OrgAccess) -> OrgAccess {
        match (self, other) {
            (OrgAccess::All, x) | (x, OrgAccess::All) => x.clone(),
            (OrgAccess::Orgs(a), OrgAccess::Orgs(b)) => {
                OrgAccess::Orgs(a.iter().filter(|o| b.contains(o)).copied().collect())
            }
        }
    }

    /// Whether everything `self` grants is also granted by `outer`.
    pub fn within(&self, outer: &OrgAccess) -> bool {
        match (self, outer) {
            (_, OrgAccess::All) => true,
            (OrgAccess::All, OrgAccess::Orgs(_)) => false,
            (OrgAccess::Orgs(a), OrgAccess::Orgs(b)) => a.iter().all(|o| b.contains(o)),
        }
    }
}

/// Why a role and a list of organisations do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("a provider admin reaches every organisation; list none")]
    ProviderAdminWithOrgs,
    #[error("a {} belongs to exactly one client organisation (got {count})", .role.label())]
    ClientRoleNeedsOneOrg { role: Role, count: usize },
    #[error("a {} must belong to a client organisation, not the provider", .role.label())]
    ClientRoleOnProvider { role: Role },
    #[error("organisation {0} does not exist")]
    UnknownOrg(Uuid),
}

/// The organisations a principal with `role` and the `listed` organisations
/// may reach, given every organisation that exists (`all`):
///
/// - provider admin: every organisation (listing any is an error, so that a
///   stored list never suggests a limit that does not apply);
/// - technician, auditor: every organisation when none is listed, otherwise
///   exactly the listed ones (the provider organisation may be listed);
/// - client admin, client viewer: exactly their one listed organisation,
///   which must be a client.
///
/// A listed organisation that does not exist is an error: access is
/// refused rather than silently narrowed or widened.
pub fn org_access(
    role: Role,
    listed: &[Uuid],
    all: &[Organisation],
) -> Result<OrgAccess, AccessError> {
    let mut ids = listed.to_vec();
    ids.sort();
    ids.dedup();
    let kind_of = |id: Uuid| {
        all.iter()
            .find(|o| o.id == id)
            .map(|o| o.kind)
            .ok_or(AccessError::UnknownOrg(id))
    };
    for id in &ids {
        kind_of(*id)?;
    }
    match role {
        Role::ProviderAdmin if ids.is_empty() => Ok(OrgAccess::All),
        Role::ProviderAdmin => Err(AccessError::ProviderAdminWithOrgs),
        Role::Technician | Role::Auditor if ids.is_empty() => Ok(OrgAccess::All),
        Role::Technician | Role::Auditor => Ok(OrgAccess::Orgs(ids)),
        Role::ClientAdmin | Role::ClientViewer => match ids.as_slice() {
            [id] if kind_of(*id)? == OrgKind::Client => Ok(OrgAccess::Orgs(ids)),
            [_] => Err(AccessError::ClientRoleOnProvider { role }),
            _ => Err(AccessError::ClientRoleNeedsOneOrg {
                role,
                count: ids.len(),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(kind: OrgKind, slug: &str) -> Organisation {
        Organisation {
            id: Uuid::now_v7(),
            slug: slug.into(),
            name: slug.into(),
            kind,
            tier: None,
            contracted_endpoints: None,
        }
    }

    fn world() -> (Organisation, Organisation, Organisation, Vec<Organisation>) {
        let p = org(OrgKind::Provider, "msp");
        let a = org(OrgKind::Client, "alpha");
        let b = org(OrgKind::Client, "beta");
        let all = vec![p.clone(), a.clone(), b.clone()];
        (p, a, b, all)
    }

    fn sorted(mut ids: Vec<Uuid>) -> OrgAccess {
        ids.sort();
        OrgAccess::Orgs(ids)
    }

    #[test]
    fn roles_round_trip_as_text() {
        for r in Role::EVERY {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::ALL.len(), Role::EVERY.len());
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_auditors_and_client_viewers_are_read_only() {
        let writers: Vec<Role> = Role::EVERY.into_iter().filter(Role::can_write).collect();
        assert_eq!(
            writers,
            [Role::ProviderAdmin, Role::Technician, Role::ClientAdmin]
        );
    }

    #[test]
    fn provider_side_roles() {
        let provider: Vec<Role> = Role::EVERY
            .into_iter()
            .filter(Role::is_provider_side)
            .collect();
        assert_eq!(
            provider,
            [Role::ProviderAdmin, Role::Technician, Role::Auditor]
        );
    }

    #[test]
    fn mfa_is_required_by_default_for_provider_admins_only() {
        let mfa: Vec<Role> = Role::EVERY
            .into_iter()
            .filter(Role::requires_mfa_by_default)
            .collect();
        assert_eq!(mfa, [Role::ProviderAdmin]);
    }

    #[test]
    fn no_role_grants_more_than_it_has() {
        for r in Role::EVERY {
            assert!(r.can_grant(r), "{r} grants itself");
            for other in Role::EVERY {
                if r.can_grant(other) {
                    assert!(r.can_write() || !other.can_write(), "{r} grants {other}");
                    assert!(
                        r == Role::ProviderAdmin
                            || r.is_provider_side() == other.is_provider_side(),
                        "{r} grants {other}"
                    );
                }
            }
        }
        assert!(Role::Technician.can_grant(Role::Auditor));
        assert!(!Role::Technician.can_grant(Role::ProviderAdmin));
        assert!(!Role::ClientAdmin.can_grant(Role::Technician));
        assert!(!Role::Auditor.can_grant(Role::Technician));
    }

    #[test]
    fn provider_admin_reaches_everything() {
        let (p, _, _, all) = world();
        assert_eq!(
            org_access(Role::ProviderAdmin, &[], &all),
            Ok(OrgAccess::All)
        );
        assert_eq!(
            org_access(Role::ProviderAdmin, &[p.id], &all),
            Err(AccessError::ProviderAdminWithOrgs)
        );
    }

    #[test]
    fn technician_is_unlimited_or_limited_to_the_listed_orgs() {
        let (p, a, b, all) = world();
        assert_eq!(org_access(Role::Technician, &[], &all), Ok(OrgAccess::All));
        assert_eq!(
            org_access(Role::Technician, &[b.id, a.id, b.id], &all),
            Ok(sorted(vec![a.id, b.id]))
        );
        assert_eq!(
            org_access(Role::Technician, &[p.id], &all),
            Ok(OrgAccess::Orgs(vec![p.id]))
        );
    }

    #[test]
    fn auditor_is_unlimited_or_limited_to_the_listed_orgs() {
        let (_, a, _, all) = world();
        assert_eq!(org_access(Role::Auditor, &[], &all), Ok(OrgAccess::All));
        assert_eq!(
            org_access(Role::Auditor, &[a.id], &all),
            Ok(OrgAccess::Orgs(vec![a.id]))
        );
    }

    #[test]
    fn client_roles_reach_exactly_their_one_client_org() {
        let (p, a, b, all) = world();
        for role in [Role::ClientAdmin, Role::ClientViewer] {
            assert_eq!(
                org_access(role, &[a.id], &all),
                Ok(OrgAccess::Orgs(vec![a.id]))
            );
            assert_eq!(
                org_access(role, &[], &all),
                Err(AccessError::ClientRoleNeedsOneOrg { role, count: 0 })
            );
            assert_eq!(
                org_access(role, &[a.id, b.id], &all),
                Err(AccessError::ClientRoleNeedsOneOrg { role, count: 2 })
            );
            assert_eq!(
                org_access(role, &[p.id], &all),
                Err(AccessError::ClientRoleOnProvider { role })
            );
        }
    }

    #[test]
    fn unknown_orgs_are_refused_for_every_role() {
        let (_, a, _, all) = world();
        let ghost = Uuid::now_v7();
        for role in Role::EVERY {
            let listed = if role == Role::ProviderAdmin {
                vec![ghost]
            } else {
                vec![a.id, ghost]
            };
            assert_eq!(
                org_access(role, &listed, &all),
                Err(AccessError::UnknownOrg(ghost)),
                "{role}"
            );
        }
    }

    #[test]
    fn intersect_and_within() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let ab = OrgAccess::Orgs(vec![a, b]);
        let bc = OrgAccess::Orgs(vec![b, c]);
        assert_eq!(ab.intersect(&bc), OrgAccess::Orgs(vec![b]));
        assert_eq!(OrgAccess::All.intersect(&ab), ab);
        assert_eq!(ab.intersect(&OrgAccess::All), ab);
        assert!(OrgAccess::Orgs(vec![b]).within(&ab));
        assert!(!bc.within(&ab));
        assert!(!OrgAccess::All.within(&ab));
        assert!(ab.within(&OrgAccess::All));
        assert!(ab.allows(a) && !ab.allows(c) && OrgAccess::All.allows(c));
    }
}
