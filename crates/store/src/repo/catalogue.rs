//! The catalogue records are filed under: work areas, added activity kinds
//! and publicity campaigns.

use taizhang_core::ledger::{Campaign, WorkArea};
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{audit_change, change};
use crate::conn::{Conn, DbError, DbResult, Row, params};

pub fn work_areas(c: &mut dyn Conn) -> Result<Vec<WorkArea>> {
    let rows = c.query("SELECT id, parent_id, org_id, name, sort, purpose FROM work_areas ORDER BY sort, id", &[])?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(WorkArea {
                id: r.i64("id")?,
                parent_id: r.opt_i64("parent_id")?,
                org_id: r.opt_i64("org_id")?,
                name: r.text("name")?,
                sort: r.i64("sort")?,
                purpose: r.opt_text("purpose")?,
            })
        })
        .collect::<DbResult<_>>()?)
}

fn work_area_get(c: &mut dyn Conn, id: Id) -> Result<WorkArea> {
    work_areas(c)?.into_iter().find(|a| a.id == id).ok_or(Error::NotFound)
}

pub fn work_area_create(
    c: &mut dyn Conn,
    org_id: Id,
    parent_id: Option<Id>,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<WorkArea> {
    let sort = c
        .query_one(
            "SELECT COALESCE(MAX(sort), 0) + 1 AS next FROM work_areas WHERE parent_id IS NOT DISTINCT FROM $1",
            params![parent_id],
        )?
        .i64("next")?;
    let id = c
        .query_one(
            "INSERT INTO work_areas (parent_id, org_id, name, sort, purpose) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            params![parent_id, org_id, name, sort, purpose],
        )?
        .i64("id")?;
    let area = work_area_get(c, id)?;
    audit_change(c, ctx, "work_area", id, org_id, None, Some(&area))?;
    Ok(area)
}

pub fn work_area_update(
    c: &mut dyn Conn,
    id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<WorkArea> {
    let before = work_area_get(c, id)?;
    c.execute("UPDATE work_areas SET name = $1, purpose = $2 WHERE id = $3", params![name, purpose, id])?;
    let after = work_area_get(c, id)?;
    audit::append(c, &change(ctx, "work_area", id, after.org_id, Some(&before), Some(&after)))?;
    Ok(after)
}

pub fn custom_kinds(c: &mut dyn Conn) -> Result<Vec<(String, Id)>> {
    let rows = c.query("SELECT name, org_id FROM activity_kinds ORDER BY created_at, name", &[])?;
    Ok(rows.iter().map(|r| Ok((r.text("name")?, r.i64("org_id")?))).collect::<DbResult<_>>()?)
}

pub fn custom_kind_create(c: &mut dyn Conn, org_id: Id, name: &str, ctx: &AuditCtx) -> Result<()> {
    c.execute(
        "INSERT INTO activity_kinds (name, org_id, created_at) VALUES ($1, $2, $3)",
        params![name, org_id, ctx.at],
    )
    .map_err(|e| match e {
        DbError::Unique(_) => Error::conflict("name", format!("已有名为“{name}”的活动类型")),
        other => other.into(),
    })?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "activity_kind").org(org_id).after(serde_json::json!({ "name": name })),
    )
}

fn campaign_from_row(r: &Row) -> DbResult<Campaign> {
    Ok(Campaign {
        id: r.i64("id")?,
        org_id: r.opt_i64("org_id")?,
        name: r.text("name")?,
        purpose: r.opt_text("purpose")?,
    })
}

pub fn campaigns(c: &mut dyn Conn) -> Result<Vec<Campaign>> {
    let rows = c.query("SELECT id, org_id, name, purpose FROM campaigns ORDER BY id", &[])?;
    Ok(rows.iter().map(campaign_from_row).collect::<DbResult<_>>()?)
}

pub fn campaign_create(
    c: &mut dyn Conn,
    org_id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<Campaign> {
    let row = c.query_one(
        "INSERT INTO campaigns (org_id, name, purpose) VALUES ($1, $2, $3) RETURNING id, org_id, name, purpose",
        params![org_id, name, purpose],
    )?;
    let campaign = campaign_from_row(&row)?;
    audit_change(c, ctx, "campaign", campaign.id, org_id, None, Some(&campaign))?;
    Ok(campaign)
}

pub fn campaign_update(
    c: &mut dyn Conn,
    id: Id,
    name: &str,
    purpose: Option<&str>,
    ctx: &AuditCtx,
) -> Result<Campaign> {
    let find = |c: &mut dyn Conn| -> Result<Campaign> {
        let row = c.query_opt("SELECT id, org_id, name, purpose FROM campaigns WHERE id = $1", params![id])?;
        row.as_ref().map(campaign_from_row).transpose()?.ok_or(Error::NotFound)
    };
    let before = find(c)?;
    c.execute("UPDATE campaigns SET name = $1, purpose = $2 WHERE id = $3", params![name, purpose, id])?;
    let after = find(c)?;
    audit::append(c, &change(ctx, "campaign", id, after.org_id, Some(&before), Some(&after)))?;
    Ok(after)
}
