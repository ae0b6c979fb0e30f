//! Problems and plans of an org and period, and the suggestions dismissed.

use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::review::{ReviewItem, Section};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::audit_change;
use crate::conn::{Conn, DbError, DbResult, Row, params};

const REVIEW_COLUMNS: &str = "id, org_id, period, section, position, text, source";

fn review_from_row(r: &Row) -> DbResult<ReviewItem> {
    let section = r.text("section")?;
    Ok(ReviewItem {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        period: r.text("period")?,
        section: Section::parse(&section).ok_or_else(|| DbError::Other(format!("unknown section {section}")))?,
        position: r.i64("position")?,
        text: r.text("text")?,
        source: r.text("source")?,
    })
}

pub fn review_items(c: &mut dyn Conn, org_id: Id, period: &str) -> Result<Vec<ReviewItem>> {
    let rows = c.query(
        &format!(
            "SELECT {REVIEW_COLUMNS} FROM review_items WHERE org_id = $1 AND period = $2
             ORDER BY section DESC, position, id"
        ),
        params![org_id, period],
    )?;
    Ok(rows.iter().map(review_from_row).collect::<DbResult<_>>()?)
}

pub fn review_item_get(c: &mut dyn Conn, id: Id) -> Result<Option<ReviewItem>> {
    let row = c.query_opt(&format!("SELECT {REVIEW_COLUMNS} FROM review_items WHERE id = $1"), params![id])?;
    Ok(row.as_ref().map(review_from_row).transpose()?)
}

pub fn review_item_save(c: &mut dyn Conn, item: &ReviewItem, ctx: &AuditCtx) -> Result<ReviewItem> {
    let before = if item.id > 0 { Some(review_item_get(c, item.id)?.ok_or(Error::NotFound)?) } else { None };
    let conflict = |e: DbError| match e {
        DbError::Unique(_) => Error::conflict("key", "该建议已采纳，请勿重复采纳"),
        other => other.into(),
    };
    let id = match &before {
        Some(_) => {
            c.execute(
                "UPDATE review_items SET text = $1, position = $2, updated_at = $3 WHERE id = $4",
                params![&item.text, item.position, ctx.at, item.id],
            )?;
            item.id
        }
        None => {
            let position = c
                .query_one(
                    "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM review_items
                     WHERE org_id = $1 AND period = $2 AND section = $3",
                    params![item.org_id, &item.period, item.section.as_str()],
                )?
                .i64("next")?;
            c.query_one(
                "INSERT INTO review_items (org_id, period, section, position, text, source, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                params![item.org_id, &item.period, item.section.as_str(), position, &item.text, &item.source, ctx.at],
            )
            .map_err(conflict)?
            .i64("id")?
        }
    };
    let after = review_item_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "review_item", id, after.org_id, before.as_ref(), Some(&after))?;
    Ok(after)
}

pub fn review_item_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = review_item_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM review_items WHERE id = $1", params![id])?;
    audit_change(c, ctx, "review_item", id, before.org_id, Some(&before), None)
}

pub fn review_dismissed(c: &mut dyn Conn, org_id: Id, period: &str) -> Result<Vec<String>> {
    let rows = c.query(
        "SELECT source FROM review_dismissals WHERE org_id = $1 AND period = $2 ORDER BY source",
        params![org_id, period],
    )?;
    Ok(rows.iter().map(|r| r.text("source")).collect::<DbResult<_>>()?)
}

pub fn review_dismiss(c: &mut dyn Conn, org_id: Id, period: &str, key: &str, ctx: &AuditCtx) -> Result<()> {
    c.execute(
        "INSERT INTO review_dismissals (org_id, period, source, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, period, source) DO NOTHING",
        params![org_id, period, key, ctx.at],
    )?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "dismiss", "review_suggestion")
            .org(org_id)
            .detail(format!("{period}：不采纳建议“{key}”")),
    )
}
