use chrono::{DateTime, Utc};
use taizhang_core::model::*;
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::scope;
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const COLUMNS: &str =
    "id, username, display_name, role, org_id, can_view_personal, disabled, password_hash, created_at";

/// Audit details of a change of the personal-data permission.
const PERSONAL_GRANTED: &str = "授予查看个人信息权限";
const PERSONAL_REVOKED: &str = "收回查看个人信息权限";

fn from_row(row: &Row) -> DbResult<User> {
    let role = row.text("role")?;
    Ok(User {
        id: row.i64("id")?,
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        role: Role::parse(&role).ok_or_else(|| DbError::Other(format!("unknown role {role}")))?,
        org_id: row.i64("org_id")?,
        can_view_personal: row.bool("can_view_personal")?,
        disabled: row.bool("disabled")?,
        password_hash: row.text("password_hash")?,
        created_at: row.ts("created_at")?,
    })
}

pub fn get_where(c: &mut dyn Conn, condition: &str, key: impl Into<Value>) -> Result<Option<User>> {
    let row = c.query_opt(&format!("SELECT {COLUMNS} FROM users WHERE {condition}"), &[key.into()])?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub fn list(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<User>> {
    let rows = c.query(
        &format!(
            "SELECT {} FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY o.path, u.username",
            COLUMNS.split(", ").map(|col| format!("u.{col}")).collect::<Vec<_>>().join(", ")
        ),
        params![scope(scope_path)],
    )?;
    Ok(rows.iter().map(from_row).collect::<DbResult<_>>()?)
}

pub fn create(c: &mut dyn Conn, new: &NewUser, ctx: &AuditCtx) -> Result<User> {
    let id = c
        .query_one(
            "INSERT INTO users (username, display_name, role, org_id, can_view_personal, disabled, password_hash,
                                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            params![
                &new.username,
                &new.display_name,
                new.role.as_str(),
                new.org_id,
                new.can_view_personal,
                false,
                &new.password_hash,
                ctx.at
            ],
        )
        .map_err(|e| match e {
            DbError::Unique(_) => Error::conflict("username", format!("用户名“{}”已被使用", new.username)),
            other => other.into(),
        })?
        .i64("id")?;
    let user = get_where(c, "id = $1", id)?.ok_or(Error::NotFound)?;
    let detail = if user.can_view_personal { PERSONAL_GRANTED } else { "" };
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "user").entity_id(id).org(user.org_id).after(user.audit_json()).detail(detail),
    )?;
    Ok(user)
}

pub fn update(c: &mut dyn Conn, id: Id, change: &UserChange, ctx: &AuditCtx) -> Result<User> {
    let before = get_where(c, "id = $1", id)?.ok_or(Error::NotFound)?;
    c.execute(
        "UPDATE users SET display_name = $1, role = $2, org_id = $3, can_view_personal = $4, disabled = $5,
                updated_at = $6 WHERE id = $7",
        params![
            change.display_name.clone().unwrap_or_else(|| before.display_name.clone()),
            change.role.unwrap_or(before.role).as_str(),
            change.org_id.unwrap_or(before.org_id),
            change.can_view_personal.unwrap_or(before.can_view_personal),
            change.disabled.unwrap_or(before.disabled),
            ctx.at,
            id
        ],
    )?;
    let after = get_where(c, "id = $1", id)?.ok_or(Error::NotFound)?;
    let detail = match (before.can_view_personal, after.can_view_personal) {
        (false, true) => PERSONAL_GRANTED,
        (true, false) => PERSONAL_REVOKED,
        _ => "",
    };
    audit::append(
        c,
        &AuditRecord::new(ctx, "update", "user")
            .entity_id(id)
            .org(after.org_id)
            .before(before.audit_json())
            .after(after.audit_json())
            .detail(detail),
    )?;
    Ok(after)
}

pub fn set_password(c: &mut dyn Conn, id: Id, hash: &str, ctx: &AuditCtx) -> Result<()> {
    let user = get_where(c, "id = $1", id)?.ok_or(Error::NotFound)?;
    c.execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", params![hash, ctx.at, id])?;
    audit::append(c, &AuditRecord::new(ctx, "password", "user").entity_id(id).org(user.org_id).detail("修改密码"))
}

pub fn session_create(c: &mut dyn Conn, s: &Session) -> Result<()> {
    // Expired sessions are swept whenever a new one starts.
    c.execute("DELETE FROM sessions WHERE expires_at < $1", params![s.created_at])?;
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        params![&s.token_hash, s.user_id, s.kind.as_str(), &s.csrf, s.created_at, s.expires_at],
    )?;
    Ok(())
}

/// The live session of a token hash, its account and the path of the
/// account's org, in one statement (every request asks it).
pub fn session_get(c: &mut dyn Conn, token_hash: &str, now: DateTime<Utc>) -> Result<Option<(Session, User, String)>> {
    let Some(row) = c.query_opt(
        &format!(
            "SELECT {}, s.token_hash, s.kind, s.csrf, s.created_at AS session_created_at, s.expires_at,
                    o.path AS org_path
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            COLUMNS.split(", ").map(|col| format!("u.{col}")).collect::<Vec<_>>().join(", ")
        ),
        params![token_hash, now],
    )?
    else {
        return Ok(None);
    };
    let user = from_row(&row)?;
    let session = Session {
        token_hash: row.text("token_hash")?,
        user_id: user.id,
        kind: if row.text("kind")? == "api" { SessionKind::Api } else { SessionKind::Web },
        csrf: row.text("csrf")?,
        created_at: row.ts("session_created_at")?,
        expires_at: row.ts("expires_at")?,
    };
    Ok(Some((session, user, row.text("org_path")?)))
}

pub fn session_delete(c: &mut dyn Conn, condition: &str, key: impl Into<Value>) -> Result<()> {
    c.execute(&format!("DELETE FROM sessions WHERE {condition}"), &[key.into()])?;
    Ok(())
}

pub fn sessions_delete_others(c: &mut dyn Conn, user_id: Id, keep_token_hash: &str) -> Result<()> {
    c.execute("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", params![user_id, keep_token_hash])?;
    Ok(())
}
