//! Which asset a reporting host is. The hardware UUID (SMBIOS) survives
//! re-installs and renames, so it is tried first; when a machine has none
//! worth trusting (virtual machines and cheap boards often report zeros or
//! a placeholder), the host name is used.

use super::Result;
use super::typed;
use assay_core::records::{Asset, AssetKind, Lifecycle, ManagedBy, Record, RecordKind};
use assay_store::osquery::RecordTx;
use chrono::{DateTime, Utc};

/// What a host says about itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostIdentity {
    /// Upper-case, when the host reported a usable one.
    pub hardware_uuid: Option<String>,
    pub hostname: String,
}

/// UUIDs firmware reports when it has no real one.
const PLACEHOLDER_UUIDS: &[&str] = &[
    "00000000-0000-0000-0000-000000000000",
    "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
    "03000200-0400-0500-0006-000700080009",
];

impl HostIdentity {
    pub fn new(hardware_uuid: &str, hostname: &str) -> HostIdentity {
        let uuid = hardware_uuid.trim().to_ascii_uppercase();
        let well_formed = uuid.len() == 36
            && uuid.bytes().enumerate().all(|(i, b)| {
                matches!(i, 8 | 13 | 18 | 23) == (b == b'-') && (b == b'-' || b.is_ascii_hexdigit())
            });
        HostIdentity {
            hardware_uuid: (well_formed && !PLACEHOLDER_UUIDS.contains(&uuid.as_str()))
                .then_some(uuid),
            hostname: hostname.trim().to_string(),
        }
    }

    /// The id an asset first seen through an agent gets.
    fn new_asset_id(&self) -> String {
        match &self.hardware_uuid {
            Some(u) => format!("osq-{}", u.to_ascii_lowercase()),
            None => format!("osq-{}", self.hostname.to_ascii_lowercase()),
        }
    }
}

/// The asset `host` reports as: the one with its hardware UUID, else the
/// only one with its host name as name, else a new asset (kind guessed
/// from the platform, active, managed by agent, in scope).
pub fn resolve_asset(
    tx: &mut dyn RecordTx,
    host: &HostIdentity,
    seen: DateTime<Utc>,
) -> Result<String> {
    if host.hostname.is_empty() && host.hardware_uuid.is_none() {
        return Err(assay_store::StoreError::Invalid(
            "the host reported neither a hardware UUID nor a host name".into(),
        ));
    }
    if let Some(uuid) = &host.hardware_uuid {
        for candidate in [uuid.clone(), uuid.to_ascii_lowercase()] {
            if let Some(a) = tx
                .find(RecordKind::Asset, "hardware_uuid", &candidate)?
                .first()
            {
                return Ok(a.id.clone());
            }
        }
    }
    if !host.hostname.is_empty() {
        let named = typed::<Asset>(tx.find(RecordKind::Asset, "name", &host.hostname)?)?;
        if let [only] = named.as_slice()
            && (only.hardware_uuid.is_none() || only.hardware_uuid == host.hardware_uuid)
        {
            return Ok(only.id.clone());
        }
    }
    let id = host.new_asset_id();
    if tx.get(RecordKind::Asset, &id)?.is_some() {
        return Ok(id);
    }
    let asset = Asset {
        id: id.clone(),
        name: if host.hostname.is_empty() {
            id.clone()
        } else {
            host.hostname.clone()
        },
        kind: guess_kind(None),
        lifecycle: Lifecycle::Active,
        os_name: None,
        os_version: None,
        os_build: None,
        make: None,
        model: None,
        serial: None,
        hardware_uuid: host.hardware_uuid.clone(),
        owner: None,
        site: None,
        ownership: None,
        managed_by: Some(ManagedBy::Rmm),
        in_scope: Some(true),
        critical: None,
        auto_update: None,
        first_seen: Some(seen),
        last_seen: Some(seen),
        vendor_support_end: None,
        disposed_on: None,
        destruction_certificate: None,
    };
    tx.put(RecordKind::Asset, &asset.to_row())?;
    Ok(id)
}

/// A kind for an asset Assay did not know: a server when the operating
/// system's name says so, otherwise a desktop (osquery cannot tell a
/// laptop from a desktop; correct it on the asset).
pub fn guess_kind(os_name: Option<&str>) -> AssetKind {
    if os_name.is_some_and(|os| os.to_ascii_lowercase().contains("server")) {
        AssetKind::Server
    } else {
        AssetKind::Desktop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_and_malformed_uuids_are_not_identities() {
        for bad in [
            "00000000-0000-0000-0000-000000000000",
            "03000200-0400-0500-0006-000700080009",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "not-a-uuid",
            "",
        ] {
            assert_eq!(HostIdentity::new(bad, "h").hardware_uuid, None, "{bad}");
        }
        let good = HostIdentity::new("4c4c4544-0042-3510-8051-b7c04f4a3933", " DSK-1 ");
        assert_eq!(
            good.hardware_uuid.as_deref(),
            Some("4C4C4544-0042-3510-8051-B7C04F4A3933")
        );
        assert_eq!(good.hostname, "DSK-1");
    }

    #[test]
    fn kinds_from_platform_and_os() {
        assert_eq!(
            guess_kind(Some("Microsoft Windows Server 2022 Datacenter")),
            AssetKind::Server
        );
        assert_eq!(
            guess_kind(Some("Microsoft Windows 11 Pro")),
            AssetKind::Desktop
        );
        assert_eq!(guess_kind(None), AssetKind::Desktop);
    }
}
