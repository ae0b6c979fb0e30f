//! The responsibility system (duties, pledges), matters (ideology problems,
//! petitions, disputes), projects with progress, problems and plans, and the
//! files attached to pledges and progress updates. Each list is read with a
//! fixed number of queries, its child rows (areas, steps, milestones, updates)
//! in one query each, whatever the number of records.

use std::collections::HashMap;

use taizhang_core::cases::{Case, CaseKind, CaseStep, Outcome};
use taizhang_core::evidence::{Attachment, AttachmentOwner, NewFile};
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::project::{Measure, Milestone, ProgressUpdate, Project};
use taizhang_core::responsibility::{Duty, Pledge};
use taizhang_core::review::{ReviewItem, Section};
use taizhang_core::summary::SavedSummary;
use taizhang_core::{Error, Result};

use super::{audit, like_escape};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

fn scope(path: &str) -> Value {
    format!("{}%", like_escape(path)).into()
}

/// Appends the audit entry of a create (no `before`), update or delete (no `after`).
fn audit_change<T: serde::Serialize>(
    c: &mut dyn Conn,
    ctx: &AuditCtx,
    entity: &str,
    id: Id,
    org_id: Id,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let action = match (before, after) {
        (None, _) => "create",
        (Some(_), Some(_)) => "update",
        (Some(_), None) => "delete",
    };
    let mut record = AuditRecord::new(ctx, action, entity).entity_id(id).org(org_id);
    if let Some(b) = before {
        record = record.before(serde_json::to_value(b).unwrap_or_default());
    }
    if let Some(a) = after {
        record = record.after(serde_json::to_value(a).unwrap_or_default());
    }
    audit::append(c, &record)
}

// --- attachments ---

fn attachment_add(c: &mut dyn Conn, f: &NewFile, ctx: &AuditCtx) -> Result<Id> {
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

// --- cases ---

const CASE_COLUMNS: &str = "k.id, k.org_id, k.kind, k.received_on, k.parties, k.matter, k.reported_by, k.handler,
    k.deadline, k.outcome, k.resolution, k.closed_on, k.created_at, k.updated_at";

fn case_rows(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Case>> {
    let rows = c.query(
        &format!(
            "SELECT {CASE_COLUMNS} FROM cases k JOIN orgs o ON o.id = k.org_id
             WHERE {filter} ORDER BY k.received_on DESC, k.id DESC"
        ),
        args,
    )?;
    let mut steps: HashMap<Id, Vec<CaseStep>> = HashMap::new();
    for st in &c.query(
        &format!(
            "SELECT case_id, id, date, text, by_name FROM case_steps WHERE case_id IN
                 (SELECT k.id FROM cases k JOIN orgs o ON o.id = k.org_id WHERE {filter})
             ORDER BY case_id, date, id"
        ),
        args,
    )? {
        steps.entry(st.i64("case_id")?).or_default().push(CaseStep {
            id: st.i64("id")?,
            date: st.opt_date("date")?.unwrap_or_default(),
            text: st.text("text")?,
            by: st.text("by_name")?,
        });
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.i64("id")?;
        let steps = steps.remove(&id).unwrap_or_default();
        let kind = r.text("kind")?;
        out.push(Case {
            id,
            org_id: r.i64("org_id")?,
            kind: CaseKind::parse(&kind).ok_or_else(|| DbError::Other(format!("unknown case kind {kind}")))?,
            received_on: r.opt_date("received_on")?.unwrap_or_default(),
            parties: r.text("parties")?,
            matter: r.text("matter")?,
            reported_by: r.text("reported_by")?,
            handler: r.text("handler")?,
            deadline: r.opt_date("deadline")?,
            outcome: r.opt_text("outcome")?.as_deref().and_then(Outcome::parse),
            resolution: r.text("resolution")?,
            closed_on: r.opt_date("closed_on")?,
            steps,
            created_at: r.ts("created_at")?,
            updated_at: r.ts("updated_at")?,
        });
    }
    Ok(out)
}

pub fn cases(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Case>> {
    case_rows(c, "o.path LIKE $1 ESCAPE '\\'", &[scope(scope_path)])
}

pub fn case_get(c: &mut dyn Conn, id: Id) -> Result<Option<Case>> {
    Ok(case_rows(c, "k.id = $1", params![id])?.pop())
}

pub fn case_save(c: &mut dyn Conn, k: &Case, ctx: &AuditCtx) -> Result<Case> {
    let before = if k.id > 0 { Some(case_get(c, k.id)?.ok_or(Error::NotFound)?) } else { None };
    let mut args = params![
        k.org_id,
        k.kind.as_str(),
        k.received_on,
        &k.parties,
        &k.matter,
        &k.reported_by,
        &k.handler,
        k.deadline,
        k.outcome.map(|o| o.as_str()),
        &k.resolution,
        k.closed_on,
        ctx.at
    ]
    .to_vec();
    let id = match &before {
        Some(_) => {
            args.push(k.id.into());
            c.execute(
                "UPDATE cases SET org_id = $1, kind = $2, received_on = $3, parties = $4, matter = $5,
                     reported_by = $6, handler = $7, deadline = $8, outcome = $9, resolution = $10, closed_on = $11,
                     updated_at = $12
                 WHERE id = $13",
                &args,
            )?;
            k.id
        }
        None => c
            .query_one(
                "INSERT INTO cases (org_id, kind, received_on, parties, matter, reported_by, handler, deadline,
                     outcome, resolution, closed_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
                &args,
            )?
            .i64("id")?,
    };
    let after = case_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "case", id, after.org_id, before.as_ref(), Some(&after))?;
    Ok(after)
}

pub fn case_step_add(c: &mut dyn Conn, case_id: Id, s: &CaseStep, ctx: &AuditCtx) -> Result<Case> {
    let before = case_get(c, case_id)?.ok_or(Error::NotFound)?;
    c.execute(
        "INSERT INTO case_steps (case_id, date, text, by_name, created_at) VALUES ($1, $2, $3, $4, $5)",
        params![case_id, s.date, &s.text, &s.by, ctx.at],
    )?;
    c.execute("UPDATE cases SET updated_at = $1 WHERE id = $2", params![ctx.at, case_id])?;
    let after = case_get(c, case_id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "case", case_id, after.org_id, Some(&before), Some(&after))?;
    Ok(after)
}

// --- projects ---

fn project_rows(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Project>> {
    let rows = c.query(
        &format!(
            "SELECT j.id, j.org_id, j.name, j.category, j.description, j.started_on
             FROM projects j JOIN orgs o ON o.id = j.org_id
             WHERE {filter} ORDER BY o.path, j.id"
        ),
        args,
    )?;
    let ids = format!("(SELECT j.id FROM projects j JOIN orgs o ON o.id = j.org_id WHERE {filter})");
    let mut milestones: HashMap<Id, Vec<Milestone>> = HashMap::new();
    for m in &c.query(
        &format!(
            "SELECT project_id, id, name, done_on FROM project_milestones WHERE project_id IN {ids}
             ORDER BY project_id, position, id"
        ),
        args,
    )? {
        milestones.entry(m.i64("project_id")?).or_default().push(Milestone {
            id: m.i64("id")?,
            name: m.text("name")?,
            done_on: m.opt_date("done_on")?,
        });
    }
    let mut measures: HashMap<Id, Vec<Measure>> = HashMap::new();
    for m in &c.query(
        &format!(
            "SELECT project_id, name, value, unit FROM project_measures WHERE project_id IN {ids}
             ORDER BY project_id, position, id"
        ),
        args,
    )? {
        measures.entry(m.i64("project_id")?).or_default().push(Measure {
            name: m.text("name")?,
            value: m.opt_f64("value")?.unwrap_or(0.0),
            unit: m.text("unit")?,
        });
    }
    let mut updates: HashMap<Id, Vec<ProgressUpdate>> = HashMap::new();
    for u in &c.query(
        &format!(
            "SELECT project_id, id, date, percent, note, reason, photo_id, created_by, created_at FROM project_progress
             WHERE project_id IN {ids} ORDER BY project_id, date, id"
        ),
        args,
    )? {
        updates.entry(u.i64("project_id")?).or_default().push(ProgressUpdate {
            id: u.i64("id")?,
            date: u.opt_date("date")?.unwrap_or_default(),
            percent: u.i64("percent")?.clamp(0, 100) as u8,
            note: u.text("note")?,
            reason: u.text("reason")?,
            photo_id: u.opt_i64("photo_id")?,
            created_by: u.text("created_by")?,
            created_at: u.ts("created_at")?,
        });
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.i64("id")?;
        let milestones = milestones.remove(&id).unwrap_or_default();
        let updates = updates.remove(&id).unwrap_or_default();
        out.push(Project {
            id,
            org_id: r.i64("org_id")?,
            name: r.text("name")?,
            category: r.text("category")?,
            description: r.text("description")?,
            started_on: r.opt_date("started_on")?,
            measures: measures.remove(&id).unwrap_or_default(),
            milestones,
            updates,
        });
    }
    Ok(out)
}

pub fn projects(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Project>> {
    project_rows(c, "o.path LIKE $1 ESCAPE '\\'", &[scope(scope_path)])
}

pub fn project_get(c: &mut dyn Conn, id: Id) -> Result<Option<Project>> {
    Ok(project_rows(c, "j.id = $1", params![id])?.pop())
}

pub fn project_save(c: &mut dyn Conn, p: &Project, ctx: &AuditCtx) -> Result<Project> {
    let before = if p.id > 0 { Some(project_get(c, p.id)?.ok_or(Error::NotFound)?) } else { None };
    let id = match &before {
        Some(_) => {
            c.execute(
                "UPDATE projects SET org_id = $1, name = $2, description = $3, started_on = $4, updated_at = $5,
                 category = $6 WHERE id = $7",
                params![p.org_id, &p.name, &p.description, p.started_on, ctx.at, &p.category, p.id],
            )?;
            p.id
        }
        None => c
            .query_one(
                "INSERT INTO projects (org_id, name, description, started_on, created_at, updated_at, category)
                 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
                params![p.org_id, &p.name, &p.description, p.started_on, ctx.at, &p.category],
            )?
            .i64("id")?,
    };
    // Measures carry no identity of their own: the list is replaced.
    c.execute("DELETE FROM project_measures WHERE project_id = $1", params![id])?;
    for (position, m) in p.measures.iter().enumerate() {
        c.execute(
            "INSERT INTO project_measures (project_id, position, name, value, unit) VALUES ($1, $2, $3, $4, $5)",
            &[
                id.into(),
                (position as i64).into(),
                m.name.as_str().into(),
                Value::Real(m.value),
                m.unit.as_str().into(),
            ],
        )?;
    }
    let kept: Vec<Id> = p.milestones.iter().map(|m| m.id).filter(|id| *id > 0).collect();
    for old in before.iter().flat_map(|b| &b.milestones).filter(|m| !kept.contains(&m.id)) {
        c.execute("DELETE FROM project_milestones WHERE id = $1", params![old.id])?;
    }
    for (position, m) in p.milestones.iter().enumerate() {
        let args = params![id, position as i64, &m.name, m.done_on];
        if m.id > 0 {
            let mut args = args.to_vec();
            args.push(m.id.into());
            c.execute(
                "UPDATE project_milestones SET project_id = $1, position = $2, name = $3, done_on = $4
                 WHERE id = $5 AND project_id = $1",
                &args,
            )?;
        } else {
            c.execute(
                "INSERT INTO project_milestones (project_id, position, name, done_on) VALUES ($1, $2, $3, $4)",
                args,
            )?;
        }
    }
    let after = project_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "project", id, after.org_id, before.as_ref(), Some(&after))?;
    Ok(after)
}

pub fn progress_add(
    c: &mut dyn Conn,
    project_id: Id,
    u: &ProgressUpdate,
    photo: Option<&NewFile>,
    ctx: &AuditCtx,
) -> Result<Project> {
    let before = project_get(c, project_id)?.ok_or(Error::NotFound)?;
    let photo_id = photo.map(|f| attachment_add(c, f, ctx)).transpose()?;
    c.execute(
        "INSERT INTO project_progress (project_id, date, percent, note, reason, photo_id, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![project_id, u.date, i64::from(u.percent), &u.note, &u.reason, photo_id, ctx.at, &ctx.username],
    )?;
    let after = project_get(c, project_id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "project", project_id, after.org_id, Some(&before), Some(&after))?;
    Ok(after)
}

// --- problems and plans ---

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

// --- summaries ---

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
    let placeholders: Vec<String> = (1..=org_ids.len()).map(|i| format!("${i}")).collect();
    let args: Vec<Value> = org_ids.iter().map(|id| (*id).into()).collect();
    let rows = c.query(
        &format!("SELECT org_id, source FROM summary_templates WHERE org_id IN ({})", placeholders.join(", ")),
        &args,
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
