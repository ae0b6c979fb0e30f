//! Evidence files of activities; the monthly aggregate counts the activities
//! that have any.

use taizhang_core::evidence::{Evidence, NewEvidence};
use taizhang_core::model::{AuditCtx, Id};
use taizhang_core::{Error, Result};

use super::activities;
use super::activity_counts::bump;
use super::audit;
use super::sql::{audit_change, change};
use crate::conn::{Conn, DbResult, Row, Value, params};

pub(super) fn evidence_files(c: &mut dyn Conn, activity_id: Id) -> Result<i64> {
    Ok(c.query_one("SELECT COUNT(*) AS n FROM evidence WHERE activity_id = $1", params![activity_id])?.i64("n")?)
}

const EVIDENCE_COLUMNS: &str = "id, activity_id, file_name, content_type, size, sha256, thumbnail IS NOT NULL AS has_thumbnail, created_at, created_by";

fn evidence_from_row(r: &Row) -> DbResult<Evidence> {
    Ok(Evidence {
        id: r.i64("id")?,
        activity_id: r.i64("activity_id")?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: r.i64("size")?.max(0) as u64,
        sha256: r.text("sha256")?,
        has_thumbnail: r.bool("has_thumbnail")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    })
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Evidence>> {
    let row = c.query_opt(&format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = $1"), params![id])?;
    Ok(row.as_ref().map(evidence_from_row).transpose()?)
}

pub fn list(c: &mut dyn Conn, activity_id: Id) -> Result<Vec<Evidence>> {
    let rows = c.query(
        &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE activity_id = $1 ORDER BY id"),
        params![activity_id],
    )?;
    Ok(rows.iter().map(evidence_from_row).collect::<DbResult<_>>()?)
}

pub fn data(c: &mut dyn Conn, id: Id, thumbnail: bool) -> Result<Option<Vec<u8>>> {
    let column = if thumbnail { "thumbnail" } else { "data" };
    let row = c.query_opt(&format!("SELECT {column} AS bytes FROM evidence WHERE id = $1"), params![id])?;
    Ok(row.and_then(|r| r.bytes("bytes").ok().flatten()))
}

pub fn add(c: &mut dyn Conn, e: &NewEvidence, ctx: &AuditCtx) -> Result<Evidence> {
    let activity = activities::get(c, e.activity_id)?.ok_or(Error::NotFound)?;
    let id = c
        .query_one(
            "INSERT INTO evidence (activity_id, file_name, content_type, size, sha256, data, thumbnail, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                e.activity_id.into(),
                (&e.file_name).into(),
                (&e.content_type).into(),
                (e.bytes.len() as i64).into(),
                (&e.sha256).into(),
                Value::Bytes(e.bytes.clone()),
                e.thumbnail.clone().map_or(Value::Null, Value::Bytes),
                ctx.at.into(),
                (&ctx.username).into(),
            ],
        )?
        .i64("id")?;
    if evidence_files(c, e.activity_id)? == 1 {
        bump(c, &activity.fields, 0, 1)?;
    }
    let stored = get(c, id)?.ok_or(Error::NotFound)?;
    let record = change(ctx, "evidence", id, Some(activity.fields.org_id), None, Some(&stored));
    audit::append(c, &record.detail(format!("为“{}”上传佐证材料", activity.fields.title)))?;
    Ok(stored)
}

pub fn delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let activity = activities::get(c, before.activity_id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM evidence WHERE id = $1", params![id])?;
    if evidence_files(c, before.activity_id)? == 0 {
        bump(c, &activity.fields, 0, -1)?;
    }
    audit_change(c, ctx, "evidence", id, activity.fields.org_id, Some(&before), None)
}
