//! Summary compositions and drafts.

use taizhang_core::Result;
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::summary::SummaryDraft;

use super::audit;
use super::sql::{id_values, placeholders};
use crate::conn::{Conn, DbResult, Row, params};

pub fn summary_compositions(c: &mut dyn Conn, org_ids: &[Id]) -> Result<Vec<(Id, String)>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = c.query(
        &format!("SELECT org_id, body FROM summary_compositions WHERE org_id IN ({})", placeholders(1, org_ids.len())),
        &id_values(org_ids),
    )?;
    Ok(rows.iter().map(|r| Ok((r.i64("org_id")?, r.text("body")?))).collect::<DbResult<_>>()?)
}

pub fn summary_composition_set(c: &mut dyn Conn, org_id: Id, body: Option<&str>, ctx: &AuditCtx) -> Result<()> {
    let before = summary_compositions(c, &[org_id])?.pop().map(|(_, s)| s);
    c.execute("DELETE FROM summary_compositions WHERE org_id = $1", params![org_id])?;
    if let Some(body) = body {
        c.execute(
            "INSERT INTO summary_compositions (org_id, body, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
            params![org_id, body, ctx.at, &ctx.username],
        )?;
    }
    let json = |s: String| serde_json::from_str::<serde_json::Value>(&s).unwrap_or(serde_json::Value::String(s));
    let mut record = AuditRecord::new(ctx, if body.is_some() { "update" } else { "delete" }, "summary_composition")
        .entity_id(org_id)
        .org(org_id);
    if let Some(b) = before {
        record = record.before(json(b));
    }
    if let Some(a) = body {
        record = record.after(json(a.to_owned()));
    }
    audit::append(c, &record)
}

fn draft_from_row(r: &Row) -> DbResult<SummaryDraft> {
    Ok(SummaryDraft {
        org_id: r.i64("org_id")?,
        period: r.text("period")?,
        markup: r.text("markup")?,
        generated: r.text("generated")?,
        data: r.text("data")?,
        updated_at: r.ts("updated_at")?,
        updated_by: r.text("updated_by")?,
    })
}

pub fn summary_draft(c: &mut dyn Conn, org_id: Id, period: &str) -> Result<Option<SummaryDraft>> {
    let row = c.query_opt(
        "SELECT org_id, period, markup, generated, data, updated_at, updated_by FROM summary_drafts \
         WHERE org_id = $1 AND period = $2",
        params![org_id, period],
    )?;
    Ok(row.as_ref().map(draft_from_row).transpose()?)
}

pub fn summary_draft_set(
    c: &mut dyn Conn,
    org_id: Id,
    period: &str,
    draft: Option<&SummaryDraft>,
    ctx: &AuditCtx,
) -> Result<()> {
    let existed = summary_draft(c, org_id, period)?.is_some();
    c.execute("DELETE FROM summary_drafts WHERE org_id = $1 AND period = $2", params![org_id, period])?;
    if let Some(d) = draft {
        c.execute(
            "INSERT INTO summary_drafts (org_id, period, markup, generated, data, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            params![org_id, period, &d.markup, &d.generated, &d.data, ctx.at, &ctx.username],
        )?;
    } else if !existed {
        return Ok(());
    }
    let action = match (existed, draft.is_some()) {
        (false, true) => "create",
        (true, true) => "update",
        _ => "delete",
    };
    audit::append(
        c,
        &AuditRecord::new(ctx, action, "summary_draft")
            .entity_id(org_id)
            .org(org_id)
            .detail(format!("{period}工作总结草稿")),
    )
}
