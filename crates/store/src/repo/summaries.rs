//! Saved summary versions and the summary templates of orgs.

use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::summary::SavedSummary;
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{id_values, placeholders};
use crate::conn::{Conn, DbResult, Row, params};

const SUMMARY_COLUMNS: &str = "id, org_id, period, title, markup, data, created_at, created_by";

fn summary_from_row(r: &Row) -> DbResult<SavedSummary> {
    Ok(SavedSummary {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        period: r.text("period")?,
        title: r.text("title")?,
        markup: r.text("markup")?,
        data: r.text("data")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    })
}

pub fn summary_get(c: &mut dyn Conn, id: Id) -> Result<Option<SavedSummary>> {
    let row = c.query_opt(&format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE id = $1"), params![id])?;
    Ok(row.as_ref().map(summary_from_row).transpose()?)
}

pub fn summaries(c: &mut dyn Conn, org_id: Id, period: Option<&str>) -> Result<Vec<SavedSummary>> {
    let rows = match period {
        Some(p) => c.query(
            &format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE org_id = $1 AND period = $2 ORDER BY id DESC"),
            params![org_id, p],
        )?,
        None => c.query(
            &format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE org_id = $1 ORDER BY id DESC"),
            params![org_id],
        )?,
    };
    Ok(rows.iter().map(summary_from_row).collect::<DbResult<_>>()?)
}

pub fn summary_save(c: &mut dyn Conn, s: &SavedSummary, ctx: &AuditCtx) -> Result<SavedSummary> {
    let id = c
        .query_one(
            "INSERT INTO summaries (org_id, period, title, markup, data, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            params![s.org_id, &s.period, &s.title, &s.markup, &s.data, ctx.at, &ctx.username],
        )?
        .i64("id")?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "summary")
            .entity_id(id)
            .org(s.org_id)
            .after(serde_json::json!({ "period": s.period, "title": s.title }))
            .detail(format!("保存工作总结“{}”", s.title)),
    )?;
    summary_get(c, id)?.ok_or(Error::NotFound)
}

pub fn summary_templates(c: &mut dyn Conn, org_ids: &[Id]) -> Result<Vec<(Id, String)>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = c.query(
        &format!("SELECT org_id, source FROM summary_templates WHERE org_id IN ({})", placeholders(1, org_ids.len())),
        &id_values(org_ids),
    )?;
    Ok(rows.iter().map(|r| Ok((r.i64("org_id")?, r.text("source")?))).collect::<DbResult<_>>()?)
}

pub fn summary_template_set(c: &mut dyn Conn, org_id: Id, source: Option<&str>, ctx: &AuditCtx) -> Result<()> {
    let before = summary_templates(c, &[org_id])?.pop().map(|(_, s)| s);
    c.execute("DELETE FROM summary_templates WHERE org_id = $1", params![org_id])?;
    if let Some(source) = source {
        c.execute(
            "INSERT INTO summary_templates (org_id, source, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
            params![org_id, source, ctx.at, &ctx.username],
        )?;
    }
    let mut record = AuditRecord::new(ctx, if source.is_some() { "update" } else { "delete" }, "summary_template")
        .entity_id(org_id)
        .org(org_id);
    if let Some(b) = before {
        record = record.before(serde_json::json!({ "source": b }));
    }
    if let Some(a) = source {
        record = record.after(serde_json::json!({ "source": a }));
    }
    audit::append(c, &record)
}
