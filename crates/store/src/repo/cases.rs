//! Matters (ideology problems, petitions, disputes) with their steps, read
//! with one query for the matters and one for all their steps.

use std::collections::HashMap;

use taizhang_core::cases::{Case, CaseKind, CaseStep, Outcome};
use taizhang_core::model::{AuditCtx, Id};
use taizhang_core::{Error, Result};

use super::sql::{audit_change, scope};
use crate::conn::{Conn, DbError, Value, params};

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
