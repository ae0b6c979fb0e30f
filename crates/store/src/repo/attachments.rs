//! Files kept for a pledge (its scan) or a progress update (its photo).

use taizhang_core::evidence::{Attachment, AttachmentOwner, NewFile};
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::{Error, Result};

use super::audit;
use crate::conn::{Conn, Value, params};

pub(super) fn attachment_add(c: &mut dyn Conn, f: &NewFile, ctx: &AuditCtx) -> Result<Id> {
    Ok(c.query_one(
        "INSERT INTO attachments (file_name, content_type, size, sha256, data, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            (&f.file_name).into(),
            (&f.content_type).into(),
            (f.bytes.len() as i64).into(),
            (&f.sha256).into(),
            Value::Bytes(f.bytes.clone()),
            ctx.at.into(),
            (&ctx.username).into(),
        ],
    )?
    .i64("id")?)
}

pub fn attachment_set(
    c: &mut dyn Conn,
    owner: AttachmentOwner,
    org_id: Id,
    f: &NewFile,
    ctx: &AuditCtx,
) -> Result<Attachment> {
    let (table, column, entity, id) = match owner {
        AttachmentOwner::PledgeScan(id) => ("pledges", "scan_id", "pledge", id),
        AttachmentOwner::ProgressPhoto(id) => ("project_progress", "photo_id", "project_progress", id),
    };
    let row = c.query_opt(&format!("SELECT {column} AS old FROM {table} WHERE id = $1"), params![id])?;
    let old = row.ok_or(Error::NotFound)?.opt_i64("old")?;
    let new = attachment_add(c, f, ctx)?;
    c.execute(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"), params![new, id])?;
    if let Some(old) = old {
        c.execute("DELETE FROM attachments WHERE id = $1", params![old])?;
    }
    audit::append(
        c,
        &AuditRecord::new(ctx, "attach", entity)
            .entity_id(id)
            .org(org_id)
            .after(serde_json::json!({ "attachment_id": new, "file_name": f.file_name, "sha256": f.sha256 }))
            .detail(format!("上传“{}”", f.file_name)),
    )?;
    Ok(attachment(c, new)?.ok_or(Error::NotFound)?.0)
}

pub fn attachment(c: &mut dyn Conn, id: Id) -> Result<Option<(Attachment, Vec<u8>)>> {
    let row = c.query_opt(
        "SELECT id, file_name, content_type, size, sha256, data, created_at, created_by FROM attachments WHERE id = $1",
        params![id],
    )?;
    let Some(r) = row else { return Ok(None) };
    let a = Attachment {
        id: r.i64("id")?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: r.i64("size")?.max(0) as u64,
        sha256: r.text("sha256")?,
        created_at: r.ts("created_at")?,
        created_by: r.text("created_by")?,
    };
    Ok(Some((a, r.bytes("data")?.unwrap_or_default())))
}
