//! The audit log's hash chain. Each entry's hash covers its own fields and
//! the previous entry's hash, so editing or deleting any entry breaks every
//! link after it; [`verify`] names the first entry that does not fit.

use crate::AuditEntry;
use assay_core::value::format_timestamp;
use sha2::{Digest, Sha256};

/// The hash of the (empty) chain before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Computes an entry's hash from its fields and `prev_hash`.
pub fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        e.prev_hash.as_str(),
        &e.seq.to_string(),
        &format_timestamp(&e.at),
        &e.actor,
        &e.source,
        &e.action,
        &e.org_id.map(|o| o.to_string()).unwrap_or_default(),
        &e.target,
        &e.before.to_string(),
        &e.after.to_string(),
    ] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Why the chain is broken, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks a run of consecutive entries. `prev` is the hash and sequence number
/// of the entry before the first one (`GENESIS`, 0 at the start of the log).
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    prev: (&str, i64),
) -> Result<(String, i64), ChainBreak> {
    let (mut prev_hash, mut prev_seq) = (prev.0.to_string(), prev.1);
    for e in entries {
        if e.seq != prev_seq + 1 {
            return Err(ChainBreak {
                seq: prev_seq + 1,
                reason: format!("missing (next entry present is {})", e.seq),
            });
        }
        if e.prev_hash != prev_hash {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "does not link to the entry before it".into(),
            });
        }
        if entry_hash(e) != e.hash {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "content does not match its hash (edited)".into(),
            });
        }
        prev_hash = e.hash.clone();
        prev_seq = e.seq;
    }
    Ok((prev_hash, prev_seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: "2026-01-01T00:00:00Z".parse().unwrap(),
                    actor: "a".into(),
                    source: "cli".into(),
                    action: "test".into(),
                    org_id: None,
                    target: format!("t{seq}"),
                    before: json!(null),
                    after: json!({"n": seq}),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (GENESIS, 0)).unwrap().1, 5);
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        c[2].after = json!({"n": 99});
        assert_eq!(verify(&c, (GENESIS, 0)).unwrap_err().seq, 3);
    }

    #[test]
    fn deleted_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c, (GENESIS, 0)).unwrap_err().seq, 2);
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].after = json!({"n": 99});
        c[2].hash = entry_hash(&c[2]);
        assert_eq!(verify(&c, (GENESIS, 0)).unwrap_err().seq, 4);
    }
}
