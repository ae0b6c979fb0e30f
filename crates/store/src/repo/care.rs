//! Care of key persons: key groups and stays in them, care plans (one per
//! person), follow-ups, health checks and disinfections.

use chrono::{NaiveDate, NaiveDateTime};
use taizhang_core::grid::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{audit_action, audit_change, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

fn ts(d: NaiveDateTime) -> Value {
    Value::Ts(d.and_utc())
}

fn naive(r: &Row, name: &str) -> DbResult<NaiveDateTime> {
    Ok(r.ts(name)?.naive_utc())
}

pub fn key_groups(c: &mut dyn Conn) -> Result<Vec<KeyGroup>> {
    let rows = c.query("SELECT id, org_id, name FROM key_groups ORDER BY id", &[])?;
    Ok(rows
        .iter()
        .map(|r| Ok(KeyGroup { id: r.i64("id")?, org_id: r.i64("org_id")?, name: r.text("name")? }))
        .collect::<DbResult<_>>()?)
}

pub fn key_group_create(c: &mut dyn Conn, org_id: Id, name: &str, ctx: &AuditCtx) -> Result<KeyGroup> {
    let id = c
        .query_one(
            "INSERT INTO key_groups (org_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            params![org_id, name, ctx.at],
        )
        .map_err(|e| match e {
            DbError::Unique(_) => Error::conflict("name", "已有同名的重点人群类别"),
            other => other.into(),
        })?
        .i64("id")?;
    let group = KeyGroup { id, org_id, name: name.to_owned() };
    audit_action(c, ctx, "create", "key_group", id, org_id, &group)?;
    Ok(group)
}

const KEY_PERSON_SELECT: &str = "SELECT k.id, k.key_group_id, g.name AS group_name, k.person_id, p.name AS person_name,
        p.org_id, k.entered_on, k.enter_reason, k.left_on, k.leave_reason
     FROM key_persons k JOIN key_groups g ON g.id = k.key_group_id JOIN persons p ON p.id = k.person_id
     JOIN orgs o ON o.id = p.org_id";

fn key_person_from_row(r: &Row) -> DbResult<KeyPerson> {
    Ok(KeyPerson {
        id: r.i64("id")?,
        key_group_id: r.i64("key_group_id")?,
        group_name: r.text("group_name")?,
        person_id: r.i64("person_id")?,
        person_name: r.text("person_name")?,
        org_id: r.i64("org_id")?,
        entered_on: r.opt_date("entered_on")?.unwrap_or_default(),
        enter_reason: r.text("enter_reason")?,
        left_on: r.opt_date("left_on")?,
        leave_reason: r.text("leave_reason")?,
    })
}

/// Every stay in a key group of the people of a subtree (of one person when given).
pub fn key_persons(c: &mut dyn Conn, scope_path: &str, person_id: Option<Id>) -> Result<Vec<KeyPerson>> {
    let mut args = vec![scope(scope_path)];
    let mut sql = format!("{KEY_PERSON_SELECT} WHERE o.path LIKE $1 ESCAPE '\\'");
    if let Some(p) = person_id {
        args.push(p.into());
        sql.push_str(" AND k.person_id = $2");
    }
    sql.push_str(" ORDER BY k.entered_on DESC, k.id DESC");
    Ok(c.query(&sql, &args)?.iter().map(key_person_from_row).collect::<DbResult<_>>()?)
}

pub fn key_person_get(c: &mut dyn Conn, id: Id) -> Result<Option<KeyPerson>> {
    let row = c.query_opt(&format!("{KEY_PERSON_SELECT} WHERE k.id = $1"), params![id])?;
    Ok(row.as_ref().map(key_person_from_row).transpose()?)
}

pub fn key_person_enter(c: &mut dyn Conn, k: &KeyPerson, ctx: &AuditCtx) -> Result<KeyPerson> {
    let id = c
        .query_one(
            "INSERT INTO key_persons (key_group_id, person_id, entered_on, enter_reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            params![k.key_group_id, k.person_id, k.entered_on, &k.enter_reason, ctx.at],
        )
        .map_err(|e| match e {
            DbError::Unique(_) => Error::conflict("person_id", "此人已在该重点人群中，请先办理退出"),
            other => other.into(),
        })?
        .i64("id")?;
    let after = key_person_get(c, id)?.ok_or(Error::NotFound)?;
    audit_action(c, ctx, "create", "key_person", id, after.org_id, &after)?;
    Ok(after)
}

pub fn key_person_leave(
    c: &mut dyn Conn,
    id: Id,
    left_on: NaiveDate,
    reason: &str,
    ctx: &AuditCtx,
) -> Result<KeyPerson> {
    let before = key_person_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute(
        "UPDATE key_persons SET left_on = $1, leave_reason = $2, updated_at = $3 WHERE id = $4",
        params![left_on, reason, ctx.at, id],
    )?;
    let after = key_person_get(c, id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "key_person", id, after.org_id, Some(&before), Some(&after))?;
    Ok(after)
}

// --- care plans, follow-ups, health checks, disinfections ---

const PLAN_SELECT: &str = "SELECT c.id, c.person_id, p.name AS person_name, p.org_id, c.cadre_id, q.name AS cadre_name,
        c.measures, c.every_days, c.starts_on, c.ends_on
     FROM care_plans c JOIN persons p ON p.id = c.person_id JOIN persons q ON q.id = c.cadre_id
     JOIN orgs o ON o.id = p.org_id";

fn plan_from_row(r: &Row) -> DbResult<CarePlan> {
    Ok(CarePlan {
        id: r.i64("id")?,
        person_id: r.i64("person_id")?,
        person_name: r.text("person_name")?,
        org_id: r.i64("org_id")?,
        cadre_id: r.i64("cadre_id")?,
        cadre_name: r.text("cadre_name")?,
        measures: r.text("measures")?,
        every_days: r.i64("every_days")? as u32,
        starts_on: r.opt_date("starts_on")?.unwrap_or_default(),
        ends_on: r.opt_date("ends_on")?,
    })
}

pub fn care_plans(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<CarePlan>> {
    let rows = c.query(
        &format!("{PLAN_SELECT} WHERE o.path LIKE $1 ESCAPE '\\' ORDER BY o.path, p.name_pinyin"),
        &[scope(scope_path)],
    )?;
    Ok(rows.iter().map(plan_from_row).collect::<DbResult<_>>()?)
}

pub fn care_plan_of(c: &mut dyn Conn, person_id: Id) -> Result<Option<CarePlan>> {
    let row = c.query_opt(&format!("{PLAN_SELECT} WHERE c.person_id = $1"), params![person_id])?;
    Ok(row.as_ref().map(plan_from_row).transpose()?)
}

/// Creates the person's plan or replaces its fields (one plan per person).
pub fn care_plan_save(c: &mut dyn Conn, plan: &CarePlan, ctx: &AuditCtx) -> Result<CarePlan> {
    let before = care_plan_of(c, plan.person_id)?;
    c.execute(
        "INSERT INTO care_plans (person_id, cadre_id, measures, every_days, starts_on, ends_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (person_id) DO UPDATE SET cadre_id = $2, measures = $3, every_days = $4, starts_on = $5,
             ends_on = $6, updated_at = $7",
        params![plan.person_id, plan.cadre_id, &plan.measures, plan.every_days, plan.starts_on, plan.ends_on, ctx.at],
    )?;
    let after = care_plan_of(c, plan.person_id)?.ok_or(Error::NotFound)?;
    audit_change(c, ctx, "care_plan", after.id, after.org_id, before.as_ref(), Some(&after))?;
    Ok(after)
}

fn follow_up_from_row(r: &Row) -> DbResult<FollowUp> {
    Ok(FollowUp {
        id: r.i64("id")?,
        person_id: r.i64("person_id")?,
        done_on: r.opt_date("done_on")?.unwrap_or_default(),
        by: r.text("by_name")?,
        findings: r.text("findings")?,
    })
}

/// Follow-ups of the people of a subtree done between two days (inclusive), newest first.
pub fn follow_ups(c: &mut dyn Conn, scope_path: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<FollowUp>> {
    let rows = c.query(
        "SELECT f.id, f.person_id, f.done_on, f.by_name, f.findings FROM follow_ups f
         JOIN persons p ON p.id = f.person_id JOIN orgs o ON o.id = p.org_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND f.done_on >= $2 AND f.done_on <= $3 ORDER BY f.done_on DESC, f.id DESC",
        &[scope(scope_path), from.into(), to.into()],
    )?;
    Ok(rows.iter().map(follow_up_from_row).collect::<DbResult<_>>()?)
}

pub fn follow_up_add(c: &mut dyn Conn, f: &FollowUp, org_id: Id, ctx: &AuditCtx) -> Result<FollowUp> {
    let id = c
        .query_one(
            "INSERT INTO follow_ups (person_id, done_on, by_name, findings, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            params![f.person_id, f.done_on, &f.by, &f.findings, ctx.at],
        )?
        .i64("id")?;
    let after = FollowUp { id, ..f.clone() };
    audit_action(c, ctx, "create", "follow_up", id, org_id, &after)?;
    Ok(after)
}

fn check_from_row(r: &Row) -> DbResult<HealthCheck> {
    Ok(HealthCheck {
        id: r.i64("id")?,
        person_id: r.i64("person_id")?,
        person_name: r.text("person_name")?,
        org_id: r.i64("org_id")?,
        checked_at: naive(r, "checked_at")?,
        temperature: r.opt_f64("temperature")?.unwrap_or_default(),
        symptoms: r.text("symptoms")?,
        by: r.text("by_name")?,
        recorded_by: r.opt_i64("recorded_by")?,
    })
}

/// Readings of the people of a subtree (of one person when given) in a time range, newest first.
pub fn health_checks(
    c: &mut dyn Conn,
    scope_path: &str,
    person_id: Option<Id>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<HealthCheck>> {
    let mut args = vec![scope(scope_path), ts(from), ts(to)];
    let mut sql = String::from(
        "SELECT h.id, h.person_id, p.name AS person_name, p.org_id, h.checked_at, h.temperature, h.symptoms, h.by_name,
             h.recorded_by
         FROM health_checks h JOIN persons p ON p.id = h.person_id JOIN orgs o ON o.id = p.org_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND h.checked_at >= $2 AND h.checked_at < $3",
    );
    if let Some(p) = person_id {
        args.push(p.into());
        sql.push_str(" AND h.person_id = $4");
    }
    sql.push_str(" ORDER BY h.checked_at DESC, h.id DESC");
    Ok(c.query(&sql, &args)?.iter().map(check_from_row).collect::<DbResult<_>>()?)
}

pub fn health_check_add(c: &mut dyn Conn, h: &HealthCheck, ctx: &AuditCtx) -> Result<HealthCheck> {
    let id = c
        .query_one(
            "INSERT INTO health_checks (person_id, checked_at, temperature, symptoms, by_name, created_at, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                h.person_id.into(),
                ts(h.checked_at),
                Value::Real(h.temperature),
                (&h.symptoms).into(),
                (&h.by).into(),
                ctx.at.into(),
                h.recorded_by.into(),
            ],
        )?
        .i64("id")?;
    // The audit log keeps that a reading was taken, not the reading itself.
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "health_check")
            .entity_id(id)
            .org(h.org_id)
            .after(serde_json::json!({ "person_id": h.person_id, "checked_at": h.checked_at })),
    )?;
    Ok(HealthCheck { id, ..h.clone() })
}

pub fn disinfections(
    c: &mut dyn Conn,
    scope_path: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Disinfection>> {
    let rows = c.query(
        "SELECT d.id, d.org_id, d.place, d.done_at, d.by_name, d.agent FROM disinfections d JOIN orgs o ON o.id = d.org_id
         WHERE o.path LIKE $1 ESCAPE '\\' AND d.done_at >= $2 AND d.done_at < $3 ORDER BY d.done_at DESC, d.id DESC",
        &[scope(scope_path), ts(from), ts(to)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Disinfection {
                id: r.i64("id")?,
                org_id: r.i64("org_id")?,
                place: r.text("place")?,
                done_at: naive(r, "done_at")?,
                by: r.text("by_name")?,
                agent: r.text("agent")?,
            })
        })
        .collect()
}

pub fn disinfection_add(c: &mut dyn Conn, d: &Disinfection, ctx: &AuditCtx) -> Result<Disinfection> {
    let id = c
        .query_one(
            "INSERT INTO disinfections (org_id, place, done_at, by_name, agent, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id",
            &[d.org_id.into(), (&d.place).into(), ts(d.done_at), (&d.by).into(), (&d.agent).into(), ctx.at.into()],
        )?
        .i64("id")?;
    let after = Disinfection { id, ..d.clone() };
    audit_action(c, ctx, "create", "disinfection", id, d.org_id, &after)?;
    Ok(after)
}
