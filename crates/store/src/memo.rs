//! Live sessions remembered for a moment, so that a burst of requests with
//! one token reads its session, account and org once rather than once per
//! request.
//!
//! Invariants: an entry is never used after any write transaction of its
//! store has ended since the entry's read began (every write counts in
//! `writes`; an entry keeps the count seen before its read), nor after
//! [`TTL`], which bounds how long a change made by another process (a second
//! server on the same PostgreSQL, the command line) goes unseen; nor past
//! its session's expiry. Only sessions found are kept, so unknown tokens
//! cannot fill the cache, and it holds at most [`CAPACITY`] entries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use taizhang_core::model::{Session, User};

/// How long a session read stays usable without a write in between.
pub(crate) const TTL: Duration = Duration::from_secs(1);

/// The most entries kept; past it the cache starts over.
const CAPACITY: usize = 4096;

/// A session, its account and the path of the account's org.
pub(crate) type Found = (Session, User, String);

struct Entry {
    read_at: Instant,
    writes: u64,
    found: Found,
}

#[derive(Default)]
pub(crate) struct SessionCache {
    /// Write transactions of the store that have ended.
    writes: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

/// Where a lookup stands: the write count to keep with what is read next.
pub(crate) struct Miss(u64);

impl SessionCache {
    /// Marks the end of a write (committed or not): every session read
    /// before it is stale.
    pub(crate) fn written(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }

    /// The remembered session of `token_hash`, still valid at `now`; or the
    /// mark to [`Self::keep`] what the store reads instead.
    pub(crate) fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Found, Miss> {
        let writes = self.writes.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(token_hash) {
            Some(e) if e.writes == writes && e.read_at.elapsed() < TTL && e.found.0.expires_at > now => {
                Ok(e.found.clone())
            }
            _ => Err(Miss(writes)),
        }
    }

    /// Remembers a session read after `miss`.
    pub(crate) fn keep(&self, miss: Miss, token_hash: &str, found: &Found) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(token_hash.to_owned(), Entry { read_at: Instant::now(), writes: miss.0, found: found.clone() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_core::model::{Role, SessionKind};

    fn found(expires_at: DateTime<Utc>) -> Found {
        let user = User {
            id: 1,
            username: "a".into(),
            display_name: "甲".into(),
            role: Role::Viewer,
            org_id: 1,
            can_view_personal: false,
            password_hash: String::new(),
            disabled: false,
            created_at: Utc::now(),
        };
        let session = Session {
            token_hash: "h".into(),
            user_id: 1,
            kind: SessionKind::Web,
            csrf: "c".into(),
            created_at: Utc::now(),
            expires_at,
        };
        (session, user, "/1/".into())
    }

    #[test]
    fn a_session_is_kept_until_a_write_or_its_expiry() {
        let cache = SessionCache::default();
        let now = Utc::now();
        let miss = cache.get("h", now).err().expect("nothing kept yet");
        cache.keep(miss, "h", &found(now + chrono::Duration::hours(1)));
        assert!(cache.get("h", now).is_ok());
        assert!(cache.get("other", now).is_err());
        // Past the session's expiry it is not used.
        assert!(cache.get("h", now + chrono::Duration::hours(2)).is_err());
        cache.written();
        assert!(cache.get("h", now).is_err(), "a write makes every kept session stale");
    }

    #[test]
    fn a_read_that_a_write_overtook_is_not_kept_as_fresh() {
        let cache = SessionCache::default();
        let now = Utc::now();
        let miss = cache.get("h", now).err().expect("nothing kept yet");
        // The write commits while the session is being read.
        cache.written();
        cache.keep(miss, "h", &found(now + chrono::Duration::hours(1)));
        assert!(cache.get("h", now).is_err());
    }
}
