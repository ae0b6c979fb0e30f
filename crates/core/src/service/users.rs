use chrono::Duration;
use serde::Deserialize;

use super::{Services, required_text};
use crate::auth::{self, Actor, now};
use crate::error::{Error, Problems, Result};
use crate::model::{AuditRecord, Id, NewUser, Role, Session, SessionKind, User, UserChange, bounded};

/// How long a web session lives without a new sign-in.
pub const WEB_SESSION_HOURS: i64 = 12;
/// How long an API token from `POST /api/v1/auth/login` lives.
pub const API_TOKEN_DAYS: i64 = 30;

/// Longest username a sign-in looks up; longer ones are refused unread.
pub const MAX_LOGIN_NAME: usize = 64;

/// A new account as typed in a form, sent as JSON or given on the command line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: Option<Id>,
    pub can_view_personal: bool,
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub org_id: Option<Id>,
    pub can_view_personal: Option<bool>,
    pub disabled: Option<bool>,
}

/// A successful sign-in: the account, the secret for the cookie or the
/// bearer header, and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub user: User,
    pub token: String,
    pub csrf: String,
}

/// Granting the personal-data permission (on creation or by an update):
/// only an administrator who holds the permission may give it, and only
/// inside their scope (the caller has checked the scope).
fn check_grant_personal(actor: &Actor, problems: &mut Problems) {
    if !actor.is_admin() || !actor.can_view_personal {
        problems.add("can_view_personal", "您本人没有查看个人信息权限，不能授予该权限");
    }
}

fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
}

impl Services {
    /// Checks a password, with throttling; creates a session of `kind`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        ip: Option<String>,
    ) -> Result<LoginOutcome> {
        if username.trim().chars().count() > MAX_LOGIN_NAME {
            // Refused before any lookup, and answered like a wrong password;
            // the audit entry keeps only the start of the name.
            let ctx = Actor::system(&bounded(username.trim(), MAX_LOGIN_NAME)).with_ip(ip).ctx();
            self.store
                .audit_append(AuditRecord::new(&ctx, "login_failed", "session").detail("用户名或密码错误"))
                .await?;
            return Err(Error::Unauthenticated);
        }
        // The attempt is counted now, before the password is checked, so
        // that parallel attempts cannot all pass the throttle.
        let delay = self.throttle.begin(username, ip.as_deref())?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let user = self.store.user_by_username(username.trim()).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| auth::dummy_hash().to_owned());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
            .await
            .map_err(|e| Error::Storage(e.to_string()))?;
        let ctx = Actor::system(username.trim()).with_ip(ip.clone()).ctx();
        match user {
            Some(user) if matches && !user.disabled => {
                self.throttle.succeeded(username, ip.as_deref());
                let ctx = crate::model::AuditCtx { user_id: Some(user.id), ..ctx };
                let token = auth::new_token();
                let csrf = auth::new_token();
                let life = match kind {
                    SessionKind::Web => Duration::hours(WEB_SESSION_HOURS),
                    SessionKind::Api => Duration::days(API_TOKEN_DAYS),
                };
                self.store
                    .session_create(Session {
                        token_hash: auth::token_hash(&token),
                        user_id: user.id,
                        kind,
                        csrf: csrf.clone(),
                        created_at: ctx.at,
                        expires_at: ctx.at + life,
                    })
                    .await?;
                self.store
                    .audit_append(
                        AuditRecord::new(&ctx, "login", "session")
                            .entity_id(user.id)
                            .org(user.org_id)
                            .detail(kind.as_str()),
                    )
                    .await?;
                Ok(LoginOutcome { user, token, csrf })
            }
            _ => {
                self.store
                    .audit_append(AuditRecord::new(&ctx, "login_failed", "session").detail("用户名或密码错误"))
                    .await?;
                Err(Error::Unauthenticated)
            }
        }
    }

    /// The actor behind a session token, with its session.
    pub async fn authenticate(&self, token: &str) -> Result<(Actor, Session)> {
        let (session, user, org_path) =
            self.store.session_get(&auth::token_hash(token), now()).await?.ok_or(Error::Unauthenticated)?;
        if user.disabled {
            return Err(Error::Unauthenticated);
        }
        Ok((Actor::for_user(&user, &org_path), session))
    }

    pub async fn logout(&self, actor: &Actor, token: &str) -> Result<()> {
        self.store.session_delete(&auth::token_hash(token)).await?;
        self.store.audit_append(AuditRecord::new(&actor.ctx(), "logout", "session")).await
    }

    /// Changes the actor's own password. Every other session and API token
    /// of the account ends; the one of this request (`current_token`) stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current_token: &str,
        old: &str,
        new: &str,
        repeat: &str,
    ) -> Result<()> {
        let user_id = actor.user_id.ok_or(Error::Forbidden)?;
        let user = self.store.user_get(user_id).await?.ok_or(Error::NotFound)?;
        let mut problems = Problems::new();
        if !auth::verify_password(old, &user.password_hash) {
            problems.add("old_password", "原密码不正确");
        }
        if let Err(Error::Invalid(errors)) = auth::check_new_password(new) {
            errors.into_iter().for_each(|e| problems.add(&e.field, e.message));
        }
        if new != repeat {
            problems.add("repeat_password", "两次输入的新密码不一致");
        }
        problems.finish()?;
        let hash = auth::hash_password(new)?;
        self.store.user_set_password(user_id, hash, &actor.ctx()).await?;
        self.store.sessions_delete_others(user_id, &auth::token_hash(current_token)).await
    }

    pub async fn user_list(&self, actor: &Actor) -> Result<Vec<User>> {
        actor.require(Role::OrgAdmin)?;
        self.store.user_list(&actor.scope_path).await
    }

    /// The account of this login name, if there is one the actor (an org
    /// admin) may see.
    pub async fn user_by_username(&self, actor: &Actor, username: &str) -> Result<Option<User>> {
        actor.require(Role::OrgAdmin)?;
        match self.store.user_by_username(username.trim()).await? {
            Some(user) if self.visible_org(actor, user.org_id).await.is_ok() => Ok(Some(user)),
            _ => Ok(None),
        }
    }

    pub async fn user_get(&self, actor: &Actor, id: Id) -> Result<User> {
        let user = self.store.user_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, user.org_id).await?;
        actor.require(Role::OrgAdmin)?;
        Ok(user)
    }

    fn parse_role(&self, actor: &Actor, problems: &mut Problems, raw: &str) -> Option<Role> {
        match Role::parse(raw.trim()) {
            None => {
                problems.add("role", "请选择角色");
                None
            }
            Some(role) if role > actor.role => {
                problems.add("role", "不能授予高于自己的角色");
                None
            }
            Some(role) => Some(role),
        }
    }

    pub async fn user_create(&self, actor: &Actor, input: &UserInput) -> Result<User> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let username = input.username.trim().to_lowercase();
        if !valid_username(&username) {
            problems.add("username", "用户名应为3至32位小写字母、数字或 _ . -");
        }
        let display_name = required_text(&mut problems, "display_name", "姓名", &input.display_name, 50);
        let role = self.parse_role(actor, &mut problems, &input.role);
        if let Err(Error::Invalid(errors)) = auth::check_new_password(&input.password) {
            errors.into_iter().for_each(|_| problems.add("password", "密码至少需要8个字符，最多128个"));
        }
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        if input.can_view_personal {
            check_grant_personal(actor, &mut problems);
        }
        problems.finish()?;
        if self.store.user_by_username(&username).await?.is_some() {
            return Err(Error::conflict("username", format!("用户名“{username}”已被使用")));
        }
        let password = input.password.clone();
        let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|e| Error::Storage(e.to_string()))??;
        self.store
            .user_create(
                NewUser {
                    username,
                    display_name: display_name.expect("checked"),
                    role: role.expect("checked"),
                    org_id: org.expect("checked").id,
                    can_view_personal: input.can_view_personal,
                    password_hash,
                },
                &actor.ctx(),
            )
            .await
    }

    pub async fn user_update(&self, actor: &Actor, id: Id, update: &UserUpdate) -> Result<User> {
        let user = self.user_get(actor, id).await?;
        if user.role > actor.role {
            return Err(Error::Forbidden);
        }
        let mut problems = Problems::new();
        let display_name = match &update.display_name {
            Some(name) => required_text(&mut problems, "display_name", "姓名", name, 50),
            None => None,
        };
        let role = match &update.role {
            Some(raw) => self.parse_role(actor, &mut problems, raw),
            None => None,
        };
        let org_id = match update.org_id {
            Some(org_id) => match self.visible_org(actor, org_id).await {
                Ok(org) => Some(org.id),
                Err(_) => {
                    problems.add("org_id", "所选组织不存在或不在您的管辖范围内");
                    None
                }
            },
            None => None,
        };
        if Some(id) == actor.user_id && (update.disabled == Some(true) || role.is_some_and(|r| r < user.role)) {
            problems.add("role", "不能停用自己的账号或降低自己的角色");
        }
        if update.can_view_personal == Some(true) && !user.can_view_personal {
            check_grant_personal(actor, &mut problems);
        }
        problems.finish()?;
        let updated = self
            .store
            .user_update(
                id,
                UserChange {
                    display_name,
                    role,
                    org_id,
                    can_view_personal: update.can_view_personal,
                    disabled: update.disabled,
                },
                &actor.ctx(),
            )
            .await?;
        if updated.disabled {
            self.store.sessions_delete_for_user(id).await?;
        }
        Ok(updated)
    }

    /// Sets a new password for another account (administrators, and the CLI).
    pub async fn user_reset_password(&self, actor: &Actor, id: Id, password: &str) -> Result<()> {
        let user = self.user_get(actor, id).await?;
        if user.role > actor.role {
            return Err(Error::Forbidden);
        }
        auth::check_new_password(password)?;
        let hash = auth::hash_password(password)?;
        self.store.user_set_password(id, hash, &actor.ctx()).await?;
        self.store.sessions_delete_for_user(id).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usernames() {
        assert!(super::valid_username("admin"));
        assert!(super::valid_username("zhang.wei_2"));
        assert!(!super::valid_username("ab"));
        assert!(!super::valid_username("Admin"));
        assert!(!super::valid_username("张伟"));
    }
}
