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

    pub fn can_write(&self) -> bool {
        self.role >= Role::Recorder
    }

    pub fn is_admin(&self) -> bool {
        self.role >= Role::OrgAdmin
    }
}

/// Slows and then refuses repeated failed sign-ins for one username.
///
/// After [`Throttle::SLOW_AFTER`] failures each further attempt waits a little
/// longer; after [`Throttle::LOCK_AFTER`] failures the name is refused for
/// [`Throttle::LOCK_FOR`]. A success clears the count.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    pub const SLOW_AFTER: u32 = 3;
    pub const LOCK_AFTER: u32 = 5;
    pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Before checking a password: the delay to apply, or a refusal.
    pub fn before_attempt(&self, username: &str) -> Result<Duration> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&Self::key(username)) {
            Some((count, last)) if last.elapsed() < Self::LOCK_FOR => {
                if *count >= Self::LOCK_AFTER {
                    let left = Self::LOCK_FOR.saturating_sub(last.elapsed()).as_secs().max(1);
                    Err(Error::TooManyAttempts(left))
                } else if *count >= Self::SLOW_AFTER {
                    Ok(Duration::from_millis(300 * u64::from(count - Self::SLOW_AFTER + 1)))
                } else {
                    Ok(Duration::ZERO)
                }
            }
            _ => Ok(Duration::ZERO),
        }
    }

    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(Self::key(username)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= Self::LOCK_FOR {
            entry.0 = 0;
        }
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Self::key(username));
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
        for _ in 0..Throttle::SLOW_AFTER {
            assert_eq!(t.before_attempt("Admin").unwrap(), Duration::ZERO);
            t.failed("admin");
        }
        assert!(t.before_attempt("admin").unwrap() > Duration::ZERO);
        for _ in Throttle::SLOW_AFTER..Throttle::LOCK_AFTER {
            t.failed("admin");
        }
        assert!(matches!(t.before_attempt("admin"), Err(Error::TooManyAttempts(_))));
        assert_eq!(t.before_attempt("other").unwrap(), Duration::ZERO);
        t.succeeded("admin");
        assert_eq!(t.before_attempt("admin").unwrap(), Duration::ZERO);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
