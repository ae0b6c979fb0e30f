use taizhang_core::model::*;
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{audit_change, scope};
use crate::conn::{Conn, DbResult, Row, params};

const COLUMNS: &str = "id, parent_id, kind, name, path, purpose, closed_at, created_at, updated_at";

fn from_row(row: &Row) -> DbResult<Org> {
    let kind = row.text("kind")?;
    Ok(Org {
        id: row.i64("id")?,
        parent_id: row.opt_i64("parent_id")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| crate::conn::DbError::Other(format!("unknown org kind {kind}")))?,
        name: row.text("name")?,
        path: row.text("path")?,
        purpose: row.opt_text("purpose")?,
        closed_at: row.opt_ts("closed_at")?,
        created_at: row.ts("created_at")?,
        updated_at: row.ts("updated_at")?,
    })
}

fn many(rows: Vec<Row>) -> Result<Vec<Org>> {
    Ok(rows.iter().map(from_row).collect::<DbResult<_>>()?)
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Org>> {
    let row = c.query_opt(&format!("SELECT {COLUMNS} FROM orgs WHERE id = $1"), params![id])?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub fn subtree(c: &mut dyn Conn, root_path: &str) -> Result<Vec<Org>> {
    many(c.query(
        &format!("SELECT {COLUMNS} FROM orgs WHERE path LIKE $1 ESCAPE '\\' ORDER BY path"),
        params![scope(root_path)],
    )?)
}

pub fn find_by_name(c: &mut dyn Conn, name: &str) -> Result<Vec<Org>> {
    many(c.query(&format!("SELECT {COLUMNS} FROM orgs WHERE name = $1 ORDER BY path"), params![name])?)
}

pub fn create(c: &mut dyn Conn, new: &NewOrg, ctx: &AuditCtx) -> Result<Org> {
    let parent_path = match new.parent_id {
        Some(pid) => Some(get(c, pid)?.ok_or_else(|| Error::invalid("parent_id", "上级组织不存在"))?.path),
        None => None,
    };
    let id = c
        .query_one(
            "INSERT INTO orgs (parent_id, kind, name, path, purpose, created_at, updated_at)
             VALUES ($1, $2, $3, '', $4, $5, $5) RETURNING id",
            params![new.parent_id, new.kind.as_str(), &new.name, new.purpose.as_deref(), ctx.at],
        )?
        .i64("id")?;
    let path = child_path(parent_path.as_deref(), id);
    c.execute("UPDATE orgs SET path = $1 WHERE id = $2", params![path, id])?;
    let org = get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "org", id, id, None, Some(&org))?;
    Ok(org)
}

pub fn update(c: &mut dyn Conn, id: Id, change: &OrgChange, ctx: &AuditCtx) -> Result<Org> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    if let Some(name) = &change.name {
        c.execute("UPDATE orgs SET name = $1, updated_at = $2 WHERE id = $3", params![name, ctx.at, id])?;
    }
    if let Some(purpose) = &change.purpose {
        c.execute(
            "UPDATE orgs SET purpose = $1, updated_at = $2 WHERE id = $3",
            params![purpose.as_deref(), ctx.at, id],
        )?;
    }
    if let Some(parent_id) = change.parent_id {
        let parent = get(c, parent_id)?.ok_or_else(|| Error::invalid("parent_id", "上级组织不存在"))?;
        if parent.path.starts_with(&before.path) {
            return Err(Error::invalid("parent_id", "不能把组织移到它自己或它的下级组织之下"));
        }
        let new_path = child_path(Some(&parent.path), id);
        // Rewrite the paths of the whole subtree.
        for org in subtree(c, &before.path)? {
            let path = format!("{new_path}{}", &org.path[before.path.len()..]);
            c.execute("UPDATE orgs SET path = $1 WHERE id = $2", params![path, org.id])?;
        }
        c.execute("UPDATE orgs SET parent_id = $1, updated_at = $2 WHERE id = $3", params![parent_id, ctx.at, id])?;
    }
    match change.closed {
        Some(true) if before.closed_at.is_none() => {
            c.execute("UPDATE orgs SET closed_at = $1, updated_at = $1 WHERE id = $2", params![ctx.at, id])?;
        }
        Some(false) if before.closed_at.is_some() => {
            c.execute("UPDATE orgs SET closed_at = NULL, updated_at = $1 WHERE id = $2", params![ctx.at, id])?;
        }
        _ => {}
    }
    let after = get(c, id)?.ok_or(Error::NotFound)?;
    let action = match (before.closed_at.is_some(), after.closed_at.is_some()) {
        (false, true) => "close",
        (true, false) => "reopen",
        _ if before.parent_id != after.parent_id => "move",
        _ => "update",
    };
    audit::append(
        c,
        &AuditRecord::new(ctx, action, "org")
            .entity_id(id)
            .org(id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&after).unwrap_or_default()),
    )?;
    Ok(after)
}

pub fn overview(c: &mut dyn Conn, scope_path: &str) -> Result<Overview> {
    let pattern = scope(scope_path);
    let rows = c.query(
        "SELECT kind, COUNT(*) AS n FROM orgs WHERE path LIKE $1 ESCAPE '\\' AND closed_at IS NULL GROUP BY kind",
        std::slice::from_ref(&pattern),
    )?;
    let mut orgs_by_kind = Vec::new();
    for kind in OrgKind::ALL {
        let n = rows
            .iter()
            .find(|r| r.text("kind").is_ok_and(|k| k == kind.as_str()))
            .map(|r| r.i64("n"))
            .transpose()?
            .unwrap_or(0);
        orgs_by_kind.push((kind, n as u64));
    }
    let people = c.query_one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN p.party_member THEN 1 ELSE 0 END), 0) AS members
         FROM persons p JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE $1 ESCAPE '\\'",
        std::slice::from_ref(&pattern),
    )?;
    let users = c.query_one(
        "SELECT COUNT(*) AS n FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.path LIKE $1 ESCAPE '\\'",
        std::slice::from_ref(&pattern),
    )?;
    Ok(Overview {
        orgs_by_kind,
        people: people.i64("n")? as u64,
        party_members: people.i64("members")? as u64,
        users: users.i64("n")? as u64,
    })
}
