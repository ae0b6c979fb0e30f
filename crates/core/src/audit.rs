//! The audit log's hash chain: each entry carries the hash of the one before,
//! so an edited or deleted entry breaks the chain at that point.

use sha2::{Digest, Sha256};

use crate::model::{AuditEntry, AuditRecord};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hash of an entry: SHA-256 over the previous hash and the entry's canonical JSON.
pub fn entry_hash(prev_hash: &str, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    // Field order is the struct's; JSON objects inside are sorted maps.
    hasher.update(serde_json::to_vec(record).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// Where a chain first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry does not point at the hash of the entry before it: an entry
    /// was deleted or inserted before this one.
    Link { id: i64 },
    /// The entry's content no longer matches its hash: it was edited.
    Content { id: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Link { id } => write!(f, "第{id}条记录之前的记录被删除或插入"),
            ChainBreak::Content { id } => write!(f, "第{id}条记录的内容被修改"),
        }
    }
}

/// Checks the whole chain; returns the first break, if any.
pub fn verify(entries: &[AuditEntry]) -> Result<usize, ChainBreak> {
    let mut prev = GENESIS.to_owned();
    for entry in entries {
        if entry.prev_hash != prev {
            return Err(ChainBreak::Link { id: entry.id });
        }
        if entry_hash(&entry.prev_hash, &entry.record) != entry.hash {
            return Err(ChainBreak::Content { id: entry.id });
        }
        prev = entry.hash.clone();
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuditCtx;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let ctx = AuditCtx {
            user_id: Some(1),
            username: "admin".into(),
            ip: None,
            at: chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap(),
        };
        let mut prev = GENESIS.to_owned();
        (0..n)
            .map(|i| {
                let record = AuditRecord::new(&ctx, "create", "org")
                    .entity_id(i as i64)
                    .after(serde_json::json!({"name": format!("组织{i}")}));
                let hash = entry_hash(&prev, &record);
                let entry = AuditEntry { id: i as i64 + 1, record, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn edited_entry_is_found() {
        let mut entries = chain(5);
        entries[2].record.username = "mallory".into();
        assert_eq!(verify(&entries), Err(ChainBreak::Content { id: 3 }));
    }

    #[test]
    fn deleted_entry_is_found() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(&entries), Err(ChainBreak::Link { id: 3 }));
    }
}
