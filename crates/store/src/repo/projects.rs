//! Projects with their measures, milestones and dated progress, each list
//! read with a fixed number of queries whatever the number of projects.

use std::collections::HashMap;

use taizhang_core::evidence::NewFile;
use taizhang_core::model::{AuditCtx, Id};
use taizhang_core::project::{Measure, Milestone, ProgressUpdate, Project};
use taizhang_core::{Error, Result};

use super::attachments::attachment_add;
use super::sql::{audit_change, scope};
use crate::conn::{Conn, Value, params};

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
