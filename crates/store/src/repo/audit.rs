use taizhang_core::Result;
use taizhang_core::audit::{GENESIS, entry_hash};
use taizhang_core::model::*;

use super::sql::{Filter, scope};
use crate::conn::{Conn, DbResult, Row, params};

const COLUMNS: &str =
    "id, at, user_id, username, ip, action, entity, entity_id, org_id, before, after, detail, prev_hash, hash";

fn json(row: &Row, name: &str) -> DbResult<Option<serde_json::Value>> {
    Ok(row.opt_text(name)?.and_then(|s| serde_json::from_str(&s).ok()))
}

fn from_row(row: &Row) -> DbResult<AuditEntry> {
    Ok(AuditEntry {
        id: row.i64("id")?,
        record: AuditRecord {
            at: row.ts("at")?,
            user_id: row.opt_i64("user_id")?,
            username: row.text("username")?,
            ip: row.opt_text("ip")?,
            action: row.text("action")?,
            entity: row.text("entity")?,
            entity_id: row.opt_i64("entity_id")?,
            org_id: row.opt_i64("org_id")?,
            before: json(row, "before")?,
            after: json(row, "after")?,
            detail: row.text("detail")?,
        },
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

/// Appends one entry to the chain, inside the caller's transaction.
pub fn append(c: &mut dyn Conn, r: &AuditRecord) -> Result<()> {
    c.lock_audit_chain()?;
    let prev = c
        .query_opt("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])?
        .map(|row| row.text("hash"))
        .transpose()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let hash = entry_hash(&prev, r);
    let org_path = match r.org_id {
        Some(org_id) => c
            .query_opt("SELECT path FROM orgs WHERE id = $1", params![org_id])?
            .map(|row| row.text("path"))
            .transpose()?,
        None => None,
    };
    c.execute(
        "INSERT INTO audit_log (at, user_id, username, ip, action, entity, entity_id, org_id, org_path, before, after,
                                detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        params![
            r.at,
            r.user_id,
            &r.username,
            r.ip.clone(),
            &r.action,
            &r.entity,
            r.entity_id,
            r.org_id,
            org_path,
            r.before.as_ref().map(|v| v.to_string()),
            r.after.as_ref().map(|v| v.to_string()),
            &r.detail,
            prev,
            hash
        ],
    )?;
    Ok(())
}

pub fn list(c: &mut dyn Conn, q: &AuditQuery) -> Result<Page<AuditEntry>> {
    let mut f = Filter::default();
    if let Some(path) = &q.scope_path {
        f.and("org_path LIKE ? ESCAPE '\\'", scope(path));
    }
    if let Some(username) = q.username.as_ref().filter(|s| !s.is_empty()) {
        f.and("username = ?", username);
    }
    if let Some(action) = q.action.as_ref().filter(|s| !s.is_empty()) {
        f.and("action = ?", action);
    }
    if let Some(entity) = q.entity.as_ref().filter(|s| !s.is_empty()) {
        f.and("entity = ?", entity);
    }
    if let Some(from) = q.from {
        f.and("at >= ?", from.and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    }
    if let Some(to) = q.to.and_then(|d| d.succ_opt()) {
        f.and("at < ?", to.and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    }
    let filter = f.where_clause();
    let total = c.query_one(&format!("SELECT COUNT(*) AS n FROM audit_log {filter}"), &f.args)?.i64("n")?;
    let page = f.page(q.page, q.per_page);
    let rows = c.query(&format!("SELECT {COLUMNS} FROM audit_log {filter} ORDER BY id DESC{page}"), &f.args)?;
    Ok(Page::new(rows.iter().map(from_row).collect::<DbResult<_>>()?, total as u64, q.page, q.per_page))
}

pub fn all(c: &mut dyn Conn) -> Result<Vec<AuditEntry>> {
    let rows = c.query(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"), &[])?;
    Ok(rows.iter().map(from_row).collect::<DbResult<_>>()?)
}
