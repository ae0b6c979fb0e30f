//! The responsibility system: duties (post, first-responsible, work areas)
//! and the yearly pledges, each list read with a fixed number of queries.

use std::collections::HashMap;

use taizhang_core::evidence::NewFile;
use taizhang_core::model::{AuditCtx, Id};
use taizhang_core::responsibility::{Duty, Pledge};
use taizhang_core::{Error, Result};

use super::attachments::attachment_add;
use super::sql::{audit_change, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

// --- duties ---

const DUTY_COLUMNS: &str = "d.id, d.org_id, d.person_id, p.name AS person_name, d.post, d.first_responsible";

fn duty_rows(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Duty>> {
    let rows = c.query(
        &format!(
            "SELECT {DUTY_COLUMNS} FROM duties d JOIN persons p ON p.id = d.person_id JOIN orgs o ON o.id = d.org_id
             WHERE {filter} ORDER BY o.path, d.first_responsible DESC, d.id"
        ),
        args,
    )?;
    let mut areas: HashMap<Id, Vec<Id>> = HashMap::new();
    for a in &c.query(
        &format!(
            "SELECT duty_id, area_id FROM duty_areas WHERE duty_id IN
                 (SELECT d.id FROM duties d JOIN orgs o ON o.id = d.org_id WHERE {filter})
             ORDER BY duty_id, area_id"
        ),
        args,
    )? {
        areas.entry(a.i64("duty_id")?).or_default().push(a.i64("area_id")?);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.i64("id")?;
        out.push(Duty {
            id,
            org_id: r.i64("org_id")?,
            person_id: r.i64("person_id")?,
            person_name: r.text("person_name")?,
            post: r.text("post")?,
            first_responsible: r.bool("first_responsible")?,
            area_ids: areas.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}

pub fn duties(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Duty>> {
    duty_rows(c, "o.path LIKE $1 ESCAPE '\\'", &[scope(scope_path)])
}

pub fn duty_get(c: &mut dyn Conn, id: Id) -> Result<Option<Duty>> {
    Ok(duty_rows(c, "d.id = $1", params![id])?.pop())
}

pub fn duty_save(c: &mut dyn Conn, d: &Duty, ctx: &AuditCtx) -> Result<Duty> {
    let before = if d.id > 0 { Some(duty_get(c, d.id)?.ok_or(Error::NotFound)?) } else { None };
    let conflict = |e: DbError| match e {
        // SQLite names the columns, PostgreSQL the index: both mention the person.
        DbError::Unique(ref what) if what.contains("person") => {
            Error::conflict("person_id", "此人在该组织已有职务，请直接修改")
        }
        DbError::Unique(_) => Error::conflict("first_responsible", "该组织已有第一责任人，请先取消原第一责任人"),
        other => other.into(),
    };
    let args = params![d.org_id, d.person_id, &d.post, i64::from(d.first_responsible), ctx.at];
    let id = match &before {
        Some(_) => {
            let mut args = args.to_vec();
            args.push(d.id.into());
            c.execute(
                "UPDATE duties SET org_id = $1, person_id = $2, post = $3, first_responsible = $4, updated_at = $5
                 WHERE id = $6",
                &args,
            )
            .map_err(conflict)?;
            c.execute("DELETE FROM duty_areas WHERE duty_id = $1", params![d.id])?;
            d.id
        }
        None => c
            .query_one(
                "INSERT INTO duties (org_id, person_id, post, first_responsible, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                args,
            )
            .map_err(conflict)?
            .i64("id")?,
    };
    for area in &d.area_ids {
        c.execute("INSERT INTO duty_areas (duty_id, area_id) VALUES ($1, $2)", params![id, *area])?;
    }
    let after = duty_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "duty", id, after.org_id, before.as_ref(), Some(&after))?;
    Ok(after)
}

pub fn duty_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = duty_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM duty_areas WHERE duty_id = $1", params![id])?;
    c.execute("DELETE FROM duties WHERE id = $1", params![id])?;
    audit_change(c, ctx, "duty", id, before.org_id, Some(&before), None)
}

// --- pledges ---

const PLEDGE_COLUMNS: &str = "g.id, g.org_id, g.year, g.signer_id, p.name AS signer_name, g.counterpart, g.signed_on,
    g.duties, g.scan_id, g.created_at";

fn pledge_from_row(r: &Row) -> DbResult<Pledge> {
    Ok(Pledge {
        id: r.i64("id")?,
        org_id: r.i64("org_id")?,
        year: r.i64("year")? as i32,
        signer_id: r.i64("signer_id")?,
        signer_name: r.text("signer_name")?,
        counterpart: r.text("counterpart")?,
        signed_on: r.opt_date("signed_on")?.unwrap_or_default(),
        duties: r.text("duties")?,
        scan_id: r.opt_i64("scan_id")?,
        created_at: r.ts("created_at")?,
    })
}

pub fn pledges(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Pledge>> {
    let rows = c.query(
        &format!(
            "SELECT {PLEDGE_COLUMNS} FROM pledges g JOIN persons p ON p.id = g.signer_id JOIN orgs o ON o.id = g.org_id
             WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY o.path, g.year DESC, g.signed_on, g.id"
        ),
        &[scope(scope_path)],
    )?;
    Ok(rows.iter().map(pledge_from_row).collect::<DbResult<_>>()?)
}

pub fn pledge_get(c: &mut dyn Conn, id: Id) -> Result<Option<Pledge>> {
    let row = c.query_opt(
        &format!("SELECT {PLEDGE_COLUMNS} FROM pledges g JOIN persons p ON p.id = g.signer_id WHERE g.id = $1"),
        params![id],
    )?;
    Ok(row.as_ref().map(pledge_from_row).transpose()?)
}

pub fn pledge_create(c: &mut dyn Conn, g: &Pledge, scan: Option<&NewFile>, ctx: &AuditCtx) -> Result<Pledge> {
    let scan_id = scan.map(|f| attachment_add(c, f, ctx)).transpose()?;
    let id = c
        .query_one(
            "INSERT INTO pledges (org_id, year, signer_id, counterpart, signed_on, duties, scan_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            params![g.org_id, i64::from(g.year), g.signer_id, &g.counterpart, g.signed_on, &g.duties, scan_id, ctx.at],
        )?
        .i64("id")?;
    let after = pledge_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "pledge", id, after.org_id, None, Some(&after))?;
    Ok(after)
}

pub fn pledge_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = pledge_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM pledges WHERE id = $1", params![id])?;
    if let Some(scan) = before.scan_id {
        c.execute("DELETE FROM attachments WHERE id = $1", params![scan])?;
    }
    audit_change(c, ctx, "pledge", id, before.org_id, Some(&before), None)
}
