//! Missing updates worked out from what a host reports and the release
//! catalogue. An agent cannot say which updates a host lacks, only what it
//! runs, so each release is compared with the host's inventory:
//!
//! - a release with a `fixed_version` applies to a host running its
//!   product (an installed program of that name, or for kind `os` an
//!   operating system whose name contains it) below that version: the host
//!   gets an update record, not installed. When the host later reports the
//!   fixed version, the record is marked installed on the date the host
//!   gives for that install (Windows' `install_date`), else at the report.
//!   A host already current when first seen gets no record for it: Assay
//!   cannot tell when the fix went in. A product no longer installed drops
//!   its records.
//! - a Windows hotfix release (reference `KB…`, no fixed version) applies
//!   to a host whose operating system name contains its product: the host's
//!   hotfix list says whether it is installed, and when.
//!
//! Records made here have ids `<asset>/up/<release id>`.

use super::{Result, typed};
use assay_core::records::{
    Asset, Record, RecordKind, Release, SoftwareInstall, SoftwareKind, Update,
};
use assay_core::value::parse_date;
use assay_store::osquery::RecordTx;
use chrono::{DateTime, NaiveDate, Utc};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Compares two version strings the way package versions are usually
/// ordered: an epoch (`1:`) first, then numeric parts as numbers and other
/// parts as text; a missing part counts as zero.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn split(v: &str) -> (u64, Vec<&str>) {
        let (epoch, rest) = match v.split_once(':') {
            Some((e, r)) if e.bytes().all(|c| c.is_ascii_digit()) => (e.parse().unwrap_or(0), r),
            _ => (0, v),
        };
        let parts = rest
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        (epoch, parts)
    }
    let (ea, pa) = split(a.trim());
    let (eb, pb) = split(b.trim());
    if ea != eb {
        return ea.cmp(&eb);
    }
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or("0"),
            pb.get(i).copied().unwrap_or("0"),
        );
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// A hotfix a Windows host lists: its KB number and install date if given.
pub type Hotfix = (String, Option<NaiveDate>);

/// Reads `installed_on` as Windows writes it (`11/14/2026`, month first)
/// or as an ISO date.
pub fn hotfix_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%m/%d/%Y")
        .ok()
        .or_else(|| parse_date(s.trim()).ok())
}

fn matches_os(release: &Release, asset: &Asset) -> bool {
    asset
        .os_name
        .as_deref()
        .is_some_and(|os| os.to_lowercase().contains(&release.product.to_lowercase()))
}

/// What changed: records written and deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub written: usize,
    pub deleted: usize,
}

/// Brings `asset`'s update records up to date. Version releases are
/// re-judged when `versions` is set (its software or OS changed); hotfix
/// releases when `hotfixes` is given (a complete hotfix list arrived).
pub fn derive(
    tx: &mut dyn RecordTx,
    asset: &Asset,
    versions: bool,
    hotfixes: Option<&[Hotfix]>,
    seen: DateTime<Utc>,
) -> Result<Derived> {
    let mut releases = typed::<Release>(tx.provider_rows(RecordKind::Release)?)?;
    releases.extend(typed::<Release>(tx.all(RecordKind::Release)?)?);
    if releases.is_empty() {
        return Ok(Derived::default());
    }
    let prefix = format!("{}/up/", asset.id);
    let existing: BTreeMap<String, Update> =
        typed::<Update>(tx.with_prefix(RecordKind::Update, &prefix)?)?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
    let software = if versions {
        typed::<SoftwareInstall>(
            tx.with_prefix(RecordKind::SoftwareInstall, &format!("{}/sw/", asset.id))?,
        )?
    } else {
        Vec::new()
    };
    let mut out = Derived::default();
    for r in &releases {
        let id = format!("{prefix}{}", r.id);
        let wanted: Option<Option<DateTime<Utc>>> = match (&r.fixed_version, hotfixes) {
            (Some(fixed), _) if versions => {
                let below = |v: &str| compare_versions(v, fixed) == Ordering::Less;
                // The host's installs of the product, with their versions
                // and install dates; for kind `os`, its operating system.
                let runs: Vec<(Option<&str>, Option<NaiveDate>)> = if r.kind == SoftwareKind::Os {
                    if matches_os(r, asset) {
                        vec![(asset.os_version.as_deref(), None)]
                    } else {
                        Vec::new()
                    }
                } else {
                    software
                        .iter()
                        .filter(|s| s.product.eq_ignore_ascii_case(&r.product))
                        .map(|s| (s.version.as_deref(), s.installed_on))
                        .collect()
                };
                if runs.iter().any(|(v, _)| v.is_some_and(below)) {
                    Some(None)
                } else {
                    match existing.get(&id) {
                        // Seen missing before, fixed now: installed when the
                        // host says it installed the fixed version, else
                        // when this report first showed it.
                        Some(prev) if prev.installed.is_none() && !runs.is_empty() => {
                            let host_date = runs
                                .iter()
                                .filter_map(|(_, d)| *d)
                                .filter(|d| *d >= r.released)
                                .max();
                            Some(Some(
                                host_date
                                    .map_or(seen, |d| d.and_time(Default::default()).and_utc()),
                            ))
                        }
                        Some(prev) if !runs.is_empty() => Some(prev.installed),
                        // Never seen missing (nothing to claim), or the
                        // product is gone.
                        _ => None,
                    }
                }
            }
            (None, Some(list)) if r.reference.to_ascii_uppercase().starts_with("KB") => {
                if r.kind == SoftwareKind::Os && matches_os(r, asset) {
                    let found = list
                        .iter()
                        .find(|(kb, _)| kb.eq_ignore_ascii_case(&r.reference));
                    Some(found.map(|(_, on)| {
                        let reported =
                            on.map_or(seen, |d| d.and_time(Default::default()).and_utc());
                        // Keep the earliest time it was known installed.
                        existing
                            .get(&id)
                            .and_then(|u| u.installed)
                            .map_or(reported, |t| t.min(reported))
                    }))
                } else {
                    None
                }
            }
            // This report says nothing about the release: leave it be.
            _ => continue,
        };
        match wanted {
            Some(installed) => {
                let u = Update {
                    id: id.clone(),
                    asset: asset.id.clone(),
                    reference: r.reference.clone(),
                    product: r.product.clone(),
                    kind: r.kind,
                    severity: r.severity,
                    cvss: r.cvss,
                    cves: r.cves.clone(),
                    released: r.released,
                    installed,
                    requires_manual_config: None,
                    config_applied: None,
                };
                if existing.get(&id) != Some(&u) {
                    tx.put(RecordKind::Update, &u.to_row())?;
                    out.written += 1;
                }
            }
            None => {
                if existing.contains_key(&id) && tx.delete(RecordKind::Update, &id)? {
                    out.deleted += 1;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number_not_text() {
        use Ordering::*;
        for (a, b, want) in [
            ("130.0.6723.116", "131.0.6778.86", Less),
            ("131.0.6778.86", "131.0.6778.86", Equal),
            ("131.0.6778.100", "131.0.6778.86", Greater),
            ("10.0", "10.0.0", Equal),
            ("1:2.0", "3.0", Greater),
            ("2.38-3ubuntu1", "2.38-3ubuntu2", Less),
            ("16.91", "16.9", Greater),
        ] {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn hotfix_dates_in_windows_and_iso_form() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 4);
        assert_eq!(hotfix_date("11/4/2026"), d);
        assert_eq!(hotfix_date("2026-11-04"), d);
        assert_eq!(hotfix_date(""), None);
    }
}
