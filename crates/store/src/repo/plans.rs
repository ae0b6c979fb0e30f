//! Study plan items and rectification orders.

use taizhang_core::ledger::{PlanItem, Rectification};
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::scope;
use crate::conn::{Conn, DbResult, Row, Value, params};

const PLAN_COLUMNS: &str = "p.id, p.org_id, p.year, p.month, p.topic, p.materials, p.activity_id";

fn plan_from_row(r: &Row) -> DbResult<PlanItem> {
    Ok(PlanItem {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        year: r.i64("year")? as i32,
        month: r.i64("month")?.clamp(1, 12) as u32,
        topic: r.text("topic")?,
        materials: r.text("materials")?,
        activity_id: r.opt_i64("activity_id")?,
    })
}

pub fn plan_items(c: &mut dyn Conn, scope_path: &str, year: i32) -> Result<Vec<PlanItem>> {
    let rows = c.query(
        &format!(
            "SELECT {PLAN_COLUMNS} FROM study_plan_items p JOIN orgs o ON o.id = p.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' AND p.year = $2 ORDER BY o.path, p.month, p.id"
        ),
        params![scope(scope_path), i64::from(year)],
    )?;
    Ok(rows.iter().map(plan_from_row).collect::<DbResult<_>>()?)
}

pub fn plan_item_get(c: &mut dyn Conn, id: Id) -> Result<Option<PlanItem>> {
    let row = c.query_opt(&format!("SELECT {PLAN_COLUMNS} FROM study_plan_items p WHERE p.id = $1"), params![id])?;
    Ok(row.as_ref().map(plan_from_row).transpose()?)
}

pub fn plan_item_save(c: &mut dyn Conn, item: &PlanItem, ctx: &AuditCtx) -> Result<PlanItem> {
    let before = if item.id > 0 { plan_item_get(c, item.id)? } else { None };
    let values = params![
        item.org_id,
        i64::from(item.year),
        i64::from(item.month),
        &item.topic,
        &item.materials,
        item.activity_id
    ]
    .to_vec();
    let id = match &before {
        Some(_) => {
            let mut args = values;
            args.push(item.id.into());
            c.execute(
                "UPDATE study_plan_items SET org_id = $1, year = $2, month = $3, topic = $4, materials = $5, activity_id = $6
                 WHERE id = $7",
                &args,
            )?;
            item.id
        }
        None => {
            let mut args = values;
            args.push(ctx.at.into());
            c.query_one(
                "INSERT INTO study_plan_items (org_id, year, month, topic, materials, activity_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &args,
            )?
            .i64("id")?
        }
    };
    let after = plan_item_get(c, id)?.ok_or(Error::NotFound)?;
    let mut record = AuditRecord::new(ctx, if before.is_some() { "update" } else { "create" }, "plan_item")
        .entity_id(id)
        .org(after.org_id)
        .after(serde_json::to_value(&after).unwrap_or_default());
    if let Some(b) = before {
        record = record.before(serde_json::to_value(&b).unwrap_or_default());
    }
    audit::append(c, &record)?;
    Ok(after)
}

pub fn plan_item_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = plan_item_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM study_plan_items WHERE id = $1", params![id])?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "plan_item")
            .entity_id(id)
            .org(before.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default()),
    )
}

const RECT_COLUMNS: &str = "r.id, r.org_id, r.activity_id, r.subject, r.problem, r.requirement, r.found_on, r.deadline,
    r.rectified_on, r.reinspected_on, r.reinspected_by, r.reinspection_passed, r.reinspection_note";

fn rect_from_row(r: &Row) -> DbResult<Rectification> {
    Ok(Rectification {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        activity_id: r.opt_i64("activity_id")?,
        subject: r.text("subject")?,
        problem: r.text("problem")?,
        requirement: r.text("requirement")?,
        found_on: r.opt_date("found_on")?.unwrap_or_default(),
        deadline: r.opt_date("deadline")?.unwrap_or_default(),
        rectified_on: r.opt_date("rectified_on")?,
        reinspected_on: r.opt_date("reinspected_on")?,
        reinspected_by: r.text("reinspected_by")?,
        reinspection_passed: r.opt_i64("reinspection_passed")?.map(|v| v != 0),
        reinspection_note: r.text("reinspection_note")?,
    })
}

pub fn rectifications(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Rectification>> {
    let rows = c.query(
        &format!(
            "SELECT {RECT_COLUMNS} FROM rectifications r JOIN orgs o ON o.id = r.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY r.deadline, r.id"
        ),
        params![scope(scope_path)],
    )?;
    Ok(rows.iter().map(rect_from_row).collect::<DbResult<_>>()?)
}

pub fn rectification_get(c: &mut dyn Conn, id: Id) -> Result<Option<Rectification>> {
    let row = c.query_opt(&format!("SELECT {RECT_COLUMNS} FROM rectifications r WHERE r.id = $1"), params![id])?;
    Ok(row.as_ref().map(rect_from_row).transpose()?)
}

pub fn rectification_save(c: &mut dyn Conn, r: &Rectification, ctx: &AuditCtx) -> Result<Rectification> {
    let before = if r.id > 0 { rectification_get(c, r.id)? } else { None };
    let mut args: Vec<Value> = params![
        r.org_id,
        r.activity_id,
        &r.subject,
        &r.problem,
        &r.requirement,
        r.found_on,
        r.deadline,
        r.rectified_on,
        r.reinspected_on,
        &r.reinspected_by,
        r.reinspection_passed.map(i64::from),
        &r.reinspection_note,
        ctx.at
    ]
    .to_vec();
    let id = match &before {
        Some(_) => {
            args.push(r.id.into());
            c.execute(
                "UPDATE rectifications SET org_id = $1, activity_id = $2, subject = $3, problem = $4, requirement = $5,
                     found_on = $6, deadline = $7, rectified_on = $8, reinspected_on = $9, reinspected_by = $10,
                     reinspection_passed = $11, reinspection_note = $12, updated_at = $13
                 WHERE id = $14",
                &args,
            )?;
            r.id
        }
        None => c
            .query_one(
                "INSERT INTO rectifications (org_id, activity_id, subject, problem, requirement, found_on, deadline,
                     rectified_on, reinspected_on, reinspected_by, reinspection_passed, reinspection_note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
                &args,
            )?
            .i64("id")?,
    };
    let after = rectification_get(c, id)?.ok_or(Error::NotFound)?;
    let mut record = AuditRecord::new(ctx, if before.is_some() { "update" } else { "create" }, "rectification")
        .entity_id(id)
        .org(after.org_id)
        .after(serde_json::to_value(&after).unwrap_or_default());
    if let Some(b) = before {
        record = record.before(serde_json::to_value(&b).unwrap_or_default());
    }
    audit::append(c, &record)?;
    Ok(after)
}
