//! Reads remembered for a moment: sessions (so that a burst of requests
//! with one token reads its session, account and org once), and the small
//! catalogues every page shows (an org's subtree, the orgs by id, work
//! areas, campaigns, custom kinds).
//!
//! Invariants: an entry is never used after any write transaction of its
//! store has ended since the entry's read began (every write counts in
//! [`Writes`]; an entry keeps the count seen before its read), nor after
//! [`TTL`], which bounds how long a change made by another process (a second
//! server on the same PostgreSQL, the command line) goes unseen. Each memo
//! holds at most its capacity of entries and starts over when full.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use taizhang_core::ledger::{Campaign, WorkArea};
use taizhang_core::model::{Id, Org, Session, User};

/// How long a read stays usable without a write in between.
pub(crate) const TTL: Duration = Duration::from_secs(1);

/// The write transactions of a store that have ended.
#[derive(Default)]
pub(crate) struct Writes(AtomicU64);

impl Writes {
    /// Marks the end of a write (committed or not): every read remembered
    /// before it is stale.
    pub(crate) fn ended(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    fn now(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

struct Entry<V> {
    read_at: Instant,
    writes: u64,
    value: V,
}

pub(crate) struct Memo<V> {
    capacity: usize,
    entries: Mutex<HashMap<String, Entry<V>>>,
}

/// Where a lookup stands: the write count to keep with what is read next.
pub(crate) struct Miss(u64);

impl<V: Clone> Memo<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Memo { capacity, entries: Mutex::default() }
    }

    /// The value remembered for `key`, when no write has ended since its
    /// read, it is younger than [`TTL`] and `usable` accepts it; or the mark
    /// to [`Self::keep`] what is read instead.
    pub(crate) fn get(&self, writes: &Writes, key: &str, usable: impl Fn(&V) -> bool) -> Result<V, Miss> {
        let count = writes.now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some(e) if e.writes == count && e.read_at.elapsed() < TTL && usable(&e.value) => Ok(e.value.clone()),
            _ => Err(Miss(count)),
        }
    }

    /// Remembers a value read after `miss`.
    pub(crate) fn keep(&self, miss: Miss, key: &str, value: &V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key.to_owned(), Entry { read_at: Instant::now(), writes: miss.0, value: value.clone() });
    }
}

/// A session, its account and the path of the account's org.
pub(crate) type Found = (Session, User, String);

/// The memos of a store.
pub(crate) struct Memos {
    pub writes: Writes,
    /// Sessions found, by token hash (unknown tokens are not kept, so they
    /// cannot fill it).
    pub sessions: Memo<Found>,
    /// Org subtrees by their root's path. Few: a county's tree is large.
    pub subtrees: Memo<Vec<Org>>,
    /// Orgs by id.
    pub orgs: Memo<Option<Org>>,
    pub work_areas: Memo<Vec<WorkArea>>,
    pub campaigns: Memo<Vec<Campaign>>,
    pub custom_kinds: Memo<Vec<(String, Id)>>,
}

impl Default for Memos {
    fn default() -> Self {
        Memos {
            writes: Writes::default(),
            sessions: Memo::new(4096),
            subtrees: Memo::new(64),
            orgs: Memo::new(4096),
            work_areas: Memo::new(1),
            campaigns: Memo::new(1),
            custom_kinds: Memo::new(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_until_a_write_or_it_is_unusable() {
        let (writes, memo) = (Writes::default(), Memo::new(4));
        let miss = memo.get(&writes, "a", |_| true).expect_err("nothing kept yet");
        memo.keep(miss, "a", &7);
        assert_eq!(memo.get(&writes, "a", |_| true).ok(), Some(7));
        assert!(memo.get(&writes, "b", |_| true).is_err());
        // A session past its expiry, say.
        assert!(memo.get(&writes, "a", |v| *v > 7).is_err());
        writes.ended();
        assert!(memo.get(&writes, "a", |_| true).is_err(), "a write makes every kept value stale");
    }

    #[test]
    fn a_read_that_a_write_overtook_is_not_kept_as_fresh() {
        let (writes, memo) = (Writes::default(), Memo::new(4));
        let miss = memo.get(&writes, "a", |_| true).expect_err("nothing kept yet");
        // The write commits while the value is being read.
        writes.ended();
        memo.keep(miss, "a", &7);
        assert!(memo.get(&writes, "a", |_| true).is_err());
    }

    #[test]
    fn a_full_memo_starts_over() {
        let (writes, memo) = (Writes::default(), Memo::new(2));
        for key in ["a", "b", "c"] {
            let miss = memo.get(&writes, key, |_| true).expect_err("not kept");
            memo.keep(miss, key, &1);
        }
        assert!(memo.get(&writes, "a", |_| true).is_err());
        assert!(memo.get(&writes, "c", |_| true).is_ok());
    }
}
