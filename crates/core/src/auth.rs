//! Passwords, tokens, the signed-in actor and its permissions, and sign-in
//! throttling.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, SubsecRound, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{AuditCtx, Id, Role, User};

/// The current time, at the microsecond precision both databases keep.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| Error::Storage(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Storage(format!("argon2: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash that no password matches, used to spend the same time on unknown
/// usernames as on known ones.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ"
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A fresh secret for a session, an API token or a CSRF token.
pub fn new_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// What is stored for a token: its SHA-256, never the token itself.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable random password for generated accounts.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<14>().iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("new_password", "新密码至少需要8个字符"));
    }
    if password.chars().count() > 128 {
        return Err(Error::invalid("new_password", "新密码不能超过128个字符"));
    }
    Ok(())
}

/// The account behind a request, with the subtree it works in.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Id>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<Id>,
    /// Path prefix of everything this actor may see; "/" for all.
    pub scope_path: String,
    pub can_view_personal: bool,
    pub ip: Option<String>,
}

impl Actor {
    /// The actor for a signed-in account whose org has path `org_path`.
    /// System administrators see the whole tree.
    pub fn for_user(user: &User, org_path: &str) -> Actor {
        Actor {
            user_id: Some(user.id),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            org_id: Some(user.org_id),
            scope_path: if user.role == Role::SystemAdmin { "/".to_owned() } else { org_path.to_owned() },
            can_view_personal: user.can_view_personal,
            ip: None,
        }
    }

    /// The command line and the demo loader act as the system itself.
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            username: name.to_owned(),
            display_name: name.to_owned(),
            role: Role::SystemAdmin,
            org_id: None,
            scope_path: "/".to_owned(),
            can_view_personal: true,
            ip: None,
        }
    }

    pub fn with_ip(mut self, ip: Option<String>) -> Actor {
        self.ip = ip;
        self
    }

    pub fn ctx(&self) -> AuditCtx {
        AuditCtx { user_id: self.user_id, username: self.username.clone(), ip: self.ip.clone(), at: now() }
    }

    /// True when the org with this path lies in the actor's subtree.
    pub fn sees(&self, org_path: &str) -> bool {
        org_path.starts_with(&self.scope_path)
    }

    /// Requires at least `role`; the thing itself must already be in scope.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.role >= role { Ok(()) } else { Err(Error::Forbidden) }
    }

    /// May record work (activities, people, cases, projects, grid work,
    /// files): what services check with `require(Role::Recorder)`. Pages offer
    /// their write controls by this flag (`me.can_write`).
    pub fn can_write(&self) -> bool {
        self.require(Role::Recorder).is_ok()
    }

    /// May manage the office (orgs, accounts, targets, work areas, duties,
    /// screenings, key groups, summary templates): what services check with
    /// `require(Role::OrgAdmin)`. Pages offer those controls by this flag
    /// (`me.is_admin`).
    pub fn is_admin(&self) -> bool {
        self.require(Role::OrgAdmin).is_ok()
    }
}

/// Slows and then refuses repeated failed sign-ins for one username from
/// one source address.
///
/// Every attempt is counted before its password is checked
/// ([`Throttle::begin`]), under one lock, so that parallel attempts cannot all
/// read the same count: after [`Throttle::SLOW_AFTER`] attempts each further
/// one waits a little longer, and once [`Throttle::LOCK_AFTER`] attempts have
/// been counted the name is refused from that address for
/// [`Throttle::LOCK_FOR`]. A success clears the count ([`Throttle::succeeded`]).
///
/// The count is kept per account *and* address, so that nobody can lock an
/// account out for everyone else. The map is bounded: expired entries are
/// dropped, and it never holds more than [`Throttle::MAX_ENTRIES`].
#[derive(Debug, Default)]
pub struct Throttle {
    attempts: Mutex<HashMap<(String, String), (u32, Instant)>>,
}

impl Throttle {
    pub const SLOW_AFTER: u32 = 3;
    pub const LOCK_AFTER: u32 = 5;
    pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
    /// Most (account, address) pairs remembered at once.
    pub const MAX_ENTRIES: usize = 10_000;

    fn key(username: &str, ip: Option<&str>) -> (String, String) {
        (username.trim().to_lowercase(), ip.unwrap_or_default().to_owned())
    }

    /// Before checking a password: counts the attempt and returns the delay
    /// to apply, or refuses when the limit is reached.
    pub fn begin(&self, username: &str, ip: Option<&str>) -> Result<Duration> {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let key = Self::key(username, ip);
        if !map.contains_key(&key) && map.len() >= Self::MAX_ENTRIES {
            Self::make_room(&mut map);
        }
        let entry = map.entry(key).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= Self::LOCK_FOR {
            *entry = (0, Instant::now());
        }
        let (count, last) = *entry;
        if count >= Self::LOCK_AFTER {
            let left = Self::LOCK_FOR.saturating_sub(last.elapsed()).as_secs().max(1);
            return Err(Error::TooManyAttempts(left));
        }
        *entry = (count + 1, Instant::now());
        Ok(if count >= Self::SLOW_AFTER {
            Duration::from_millis(300 * u64::from(count - Self::SLOW_AFTER + 1))
        } else {
            Duration::ZERO
        })
    }

    /// A successful sign-in clears the count of its account and address.
    pub fn succeeded(&self, username: &str, ip: Option<&str>) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Self::key(username, ip));
    }

    /// Number of (account, address) pairs remembered.
    pub fn len(&self) -> usize {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frees at least one place: expired entries first, then the entry that
    /// has waited longest among those not locked (a lock is dropped only when
    /// every entry is locked).
    fn make_room(map: &mut HashMap<(String, String), (u32, Instant)>) {
        map.retain(|_, (_, last)| last.elapsed() < Self::LOCK_FOR);
        while map.len() >= Self::MAX_ENTRIES {
            let oldest =
                map.iter().min_by_key(|(_, (count, last))| (*count >= Self::LOCK_AFTER, *last)).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("anything", dummy_hash()));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn throttle_slows_then_locks() {
        let t = Throttle::default();
        let ip = Some("10.0.0.1");
        for _ in 0..Throttle::SLOW_AFTER {
            assert_eq!(t.begin("Admin", ip).unwrap(), Duration::ZERO);
        }
        assert!(t.begin("admin", ip).unwrap() > Duration::ZERO);
        for _ in Throttle::SLOW_AFTER + 1..Throttle::LOCK_AFTER {
            t.begin("admin", ip).unwrap();
        }
        assert!(matches!(t.begin("admin", ip), Err(Error::TooManyAttempts(_))));
        assert_eq!(t.begin("other", ip).unwrap(), Duration::ZERO);
        t.succeeded("admin", ip);
        assert_eq!(t.begin("admin", ip).unwrap(), Duration::ZERO);
    }

    #[test]
    fn attempts_are_counted_before_the_check_even_in_parallel() {
        let t = std::sync::Arc::new(Throttle::default());
        let allowed = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let threads: Vec<_> = (0..30)
            .map(|_| {
                let (t, allowed) = (t.clone(), allowed.clone());
                std::thread::spawn(move || {
                    if t.begin("admin", Some("10.0.0.1")).is_ok() {
                        allowed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(allowed.load(std::sync::atomic::Ordering::SeqCst), Throttle::LOCK_AFTER);
        assert!(t.begin("admin", Some("10.0.0.1")).is_err());
    }

    #[test]
    fn a_lock_holds_for_one_address_only() {
        let t = Throttle::default();
        for _ in 0..Throttle::LOCK_AFTER {
            t.begin("admin", Some("203.0.113.9")).unwrap();
        }
        assert!(matches!(t.begin("admin", Some("203.0.113.9")), Err(Error::TooManyAttempts(_))));
        // The same account from another address is neither slowed nor locked.
        assert_eq!(t.begin("admin", Some("10.0.0.1")).unwrap(), Duration::ZERO);
        // A success elsewhere does not lift the lock of the attacking address.
        t.succeeded("admin", Some("10.0.0.1"));
        assert!(matches!(t.begin("admin", Some("203.0.113.9")), Err(Error::TooManyAttempts(_))));
    }

    #[test]
    fn the_throttle_stays_bounded() {
        let t = Throttle::default();
        for _ in 0..Throttle::LOCK_AFTER {
            t.begin("admin", Some("203.0.113.9")).unwrap();
        }
        for i in 0..Throttle::MAX_ENTRIES + 50 {
            let _ = t.begin(&format!("user{i}"), Some("198.51.100.1"));
        }
        assert!(t.len() <= Throttle::MAX_ENTRIES);
        // Unlocked entries make room first: the lock is kept.
        assert!(matches!(t.begin("admin", Some("203.0.113.9")), Err(Error::TooManyAttempts(_))));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
