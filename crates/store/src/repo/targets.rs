use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::target::{Exemption, Frequency, Target};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::scope;
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const COLUMNS: &str = "t.id, t.org_id, t.year, t.kind, t.frequency, t.min_count, t.include_subtree, t.title";

fn from_row(r: &Row, exemptions: Vec<Exemption>) -> DbResult<Target> {
    let frequency = r.text("frequency")?;
    Ok(Target {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        year: r.i64("year")? as i32,
        kind: r.text("kind")?,
        frequency: Frequency::parse(&frequency).ok_or_else(|| DbError::Other(format!("frequency {frequency}")))?,
        min_count: r.i64("min_count")?.max(0) as u32,
        include_subtree: r.bool("include_subtree")?,
        title: r.text("title")?,
        exemptions,
    })
}

/// The targets matching `filter` (over `targets t JOIN orgs o`) with their
/// exemptions: two queries, whatever the number of targets.
fn load(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Target>> {
    let rows = c.query(
        &format!("SELECT {COLUMNS} FROM targets t JOIN orgs o ON o.id = t.org_id WHERE {filter} ORDER BY o.path, t.id"),
        args,
    )?;
    let exemptions = c.query(
        &format!(
            "SELECT e.target_id, e.start_date, e.end_date, e.reason
             FROM target_exemptions e JOIN targets t ON t.id = e.target_id JOIN orgs o ON o.id = t.org_id
             WHERE {filter} ORDER BY e.target_id, e.start_date"
        ),
        args,
    )?;
    let mut by_target: std::collections::HashMap<Id, Vec<Exemption>> = std::collections::HashMap::new();
    for e in &exemptions {
        by_target.entry(e.i64("target_id")?).or_default().push(Exemption {
            start: e.opt_date("start_date")?.unwrap_or_default(),
            end: e.opt_date("end_date")?.unwrap_or_default(),
            reason: e.text("reason")?,
        });
    }
    Ok(rows
        .iter()
        .map(|r| from_row(r, by_target.remove(&r.i64("id")?).unwrap_or_default()))
        .collect::<DbResult<_>>()?)
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Target>> {
    Ok(load(c, "t.id = $1", params![id])?.pop())
}

pub fn list(c: &mut dyn Conn, scope_path: &str, year: i32) -> Result<Vec<Target>> {
    load(c, "o.path LIKE $1 ESCAPE '\\' AND t.year = $2", params![scope(scope_path), i64::from(year)])
}

pub fn create(c: &mut dyn Conn, t: &Target, ctx: &AuditCtx) -> Result<Target> {
    let id = c
        .query_one(
            "INSERT INTO targets (org_id, year, kind, frequency, min_count, include_subtree, title, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            params![
                t.org_id,
                i64::from(t.year),
                &t.kind,
                t.frequency.as_str(),
                i64::from(t.min_count),
                t.include_subtree,
                &t.title,
                ctx.at
            ],
        )?
        .i64("id")?;
    for e in &t.exemptions {
        c.execute(
            "INSERT INTO target_exemptions (target_id, start_date, end_date, reason) VALUES ($1, $2, $3, $4)",
            params![id, e.start, e.end, &e.reason],
        )?;
    }
    let stored = get(c, id)?.ok_or(Error::NotFound)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "target")
            .entity_id(id)
            .org(t.org_id)
            .after(serde_json::to_value(&stored).unwrap_or_default()),
    )?;
    Ok(stored)
}

pub fn delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM target_exemptions WHERE target_id = $1", params![id])?;
    c.execute("DELETE FROM targets WHERE id = $1", params![id])?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "target")
            .entity_id(id)
            .org(before.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default()),
    )
}
