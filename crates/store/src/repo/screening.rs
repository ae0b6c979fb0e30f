//! Screening campaigns: their households, visits with each person's status,
//! and coverage per grid.

use std::collections::HashMap;

use taizhang_core::grid::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Id, Page};
use taizhang_core::store::ScreeningHouseholdQuery;
use taizhang_core::{Error, Result};

use super::audit;
use super::households::{
    HOUSEHOLD_ORDER, RESIDENT_SELECT, household_rows, household_text_filter, households_of_rows, resident_from_row,
};
use super::sql::{CHUNK, Filter, audit_action, id_values, insert_new, placeholders, scope, upsert_rows};
use crate::conn::{Conn, DbError, DbResult, Value, params};

/// A page of a campaign's households with the day of each one's latest
/// visit: filtered, counted and sorted in SQL over the whole set, then paged.
pub fn screening_households(c: &mut dyn Conn, q: &ScreeningHouseholdQuery) -> Result<Page<ScreeningHousehold>> {
    let empty = Page::new(Vec::new(), 0, q.page, q.per_page);
    if q.grid_ids.is_empty() {
        return Ok(empty);
    }
    // A campaign covers a handful of grids: their ids are bound one by one.
    let mut f = Filter::new(vec![q.screening_id.into()]);
    f.and_in("h.org_id", id_values(&q.grid_ids));
    household_text_filter(&q.text, &mut f);
    let visited = "EXISTS (SELECT 1 FROM visits v WHERE v.screening_id = $1 AND v.household_id = h.id)";
    match q.visited {
        Some(true) => f.and_sql(visited),
        Some(false) => f.and_sql(format!("NOT {visited}")),
        None => {}
    }
    let sql = format!(
        "FROM households h JOIN orgs o ON o.id = h.org_id
         WHERE h.org_id IN (SELECT grid_id FROM screening_grids WHERE screening_id = $1){}",
        f.and_clause()
    );
    let total = c.query_one(&format!("SELECT COUNT(*) AS n {sql}"), &f.args)?.i64("n")?;
    if total == 0 {
        return Ok(empty);
    }
    let page = f.page(q.page, q.per_page);
    let rows = c.query(
        &format!(
            "SELECT h.id, h.org_id, h.address,
                 (SELECT MAX(v.visited_on) FROM visits v WHERE v.screening_id = $1 AND v.household_id = h.id) AS visited_on
             {sql} ORDER BY {HOUSEHOLD_ORDER}{page}"
        ),
        &f.args,
    )?;
    let items = households_of_rows(c, &rows)?
        .into_iter()
        .map(|(household, r)| Ok(ScreeningHousehold { household, visited_on: r.opt_date("visited_on")? }))
        .collect::<Result<_>>()?;
    Ok(Page::new(items, total as u64, q.page, q.per_page))
}

fn screening_rows(c: &mut dyn Conn, filter: &str, args: &[Value]) -> Result<Vec<Screening>> {
    let rows = c.query(
        &format!(
            "SELECT s.id, s.org_id, s.name, s.starts_on, s.ends_on FROM screenings s JOIN orgs o ON o.id = s.org_id
             WHERE {filter} ORDER BY s.starts_on DESC, s.id DESC"
        ),
        args,
    )?;
    let mut grids: HashMap<Id, Vec<Id>> = HashMap::new();
    for r in c.query(
        &format!(
            "SELECT g.screening_id, g.grid_id FROM screening_grids g JOIN orgs go ON go.id = g.grid_id
             WHERE g.screening_id IN (SELECT s.id FROM screenings s JOIN orgs o ON o.id = s.org_id WHERE {filter})
             ORDER BY g.screening_id, go.path"
        ),
        args,
    )? {
        grids.entry(r.i64("screening_id")?).or_default().push(r.i64("grid_id")?);
    }
    rows.iter()
        .map(|r| {
            let id = r.i64("id")?;
            Ok(Screening {
                id,
                org_id: r.i64("org_id")?,
                name: r.text("name")?,
                starts_on: r.opt_date("starts_on")?.unwrap_or_default(),
                ends_on: r.opt_date("ends_on")?.unwrap_or_default(),
                grid_ids: grids.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

pub fn screenings(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Screening>> {
    screening_rows(c, "o.path LIKE $1 ESCAPE '\\'", &[scope(scope_path)])
}

/// Campaigns that cover at least one grid of the subtree.
pub fn screenings_covering(c: &mut dyn Conn, scope_path: &str) -> Result<Vec<Screening>> {
    screening_rows(
        c,
        "s.id IN (SELECT g.screening_id FROM screening_grids g JOIN orgs x ON x.id = g.grid_id WHERE x.path LIKE $1 ESCAPE '\\')",
        &[scope(scope_path)],
    )
}

pub fn screening_get(c: &mut dyn Conn, id: Id) -> Result<Option<Screening>> {
    Ok(screening_rows(c, "s.id = $1", params![id])?.pop())
}

pub fn screening_create(c: &mut dyn Conn, s: &Screening, ctx: &AuditCtx) -> Result<Screening> {
    let id = c
        .query_one(
            "INSERT INTO screenings (org_id, name, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            params![s.org_id, &s.name, s.starts_on, s.ends_on, ctx.at],
        )?
        .i64("id")?;
    for grid in &s.grid_ids {
        c.execute("INSERT INTO screening_grids (screening_id, grid_id) VALUES ($1, $2)", params![id, *grid])?;
    }
    let after = screening_get(c, id)?.ok_or(Error::NotFound)?;
    audit_action(c, ctx, "create", "screening", id, after.org_id, &after)?;
    Ok(after)
}

fn visit_rows(c: &mut dyn Conn, filter: &str, args: &[Value], limit: u32) -> Result<Vec<Visit>> {
    let rows = c.query(
        &format!(
            "SELECT v.id, v.screening_id, v.household_id, v.grid_id, v.visited_on, v.visitor, v.result, v.note
             FROM visits v WHERE {filter} ORDER BY v.visited_on DESC, v.id DESC LIMIT {limit}"
        ),
        args,
    )?;
    let ids: Vec<Id> = rows.iter().map(|r| r.i64("id")).collect::<DbResult<_>>()?;
    let mut statuses: HashMap<Id, Vec<(Id, PersonStatus)>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let args = id_values(chunk);
        for r in c.query(
            &format!(
                "SELECT visit_id, person_id, status FROM person_statuses WHERE visit_id IN ({}) ORDER BY person_id",
                placeholders(1, chunk.len())
            ),
            &args,
        )? {
            if let Some(s) = PersonStatus::parse(&r.text("status")?) {
                statuses.entry(r.i64("visit_id")?).or_default().push((r.i64("person_id")?, s));
            }
        }
    }
    rows.iter()
        .map(|r| {
            let id = r.i64("id")?;
            let result = r.text("result")?;
            Ok(Visit {
                id,
                screening_id: r.i64("screening_id")?,
                household_id: r.i64("household_id")?,
                grid_id: r.i64("grid_id")?,
                visited_on: r.opt_date("visited_on")?.unwrap_or_default(),
                visitor: r.text("visitor")?,
                result: VisitResult::parse(&result)
                    .ok_or_else(|| DbError::Other(format!("unknown visit result {result}")))?,
                note: r.text("note")?,
                statuses: statuses.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The latest visits of a campaign (of one household, or one grid, when given).
pub fn visits(
    c: &mut dyn Conn,
    screening_id: Id,
    household_id: Option<Id>,
    grid_id: Option<Id>,
    limit: u32,
) -> Result<Vec<Visit>> {
    match (household_id, grid_id) {
        (Some(h), _) => visit_rows(c, "v.screening_id = $1 AND v.household_id = $2", params![screening_id, h], limit),
        (None, Some(g)) => visit_rows(c, "v.screening_id = $1 AND v.grid_id = $2", params![screening_id, g], limit),
        (None, None) => visit_rows(c, "v.screening_id = $1", params![screening_id], limit),
    }
}

pub fn visit_record(c: &mut dyn Conn, v: &Visit, ctx: &AuditCtx) -> Result<Visit> {
    let id = c
        .query_one(
            "INSERT INTO visits (screening_id, household_id, grid_id, visited_on, visitor, result, note, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            params![
                v.screening_id,
                v.household_id,
                v.grid_id,
                v.visited_on,
                &v.visitor,
                v.result.as_str(),
                &v.note,
                ctx.at
            ],
        )?
        .i64("id")?;
    for (person, status) in &v.statuses {
        c.execute(
            "INSERT INTO person_statuses (screening_id, person_id, grid_id, status, visit_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (screening_id, person_id) DO UPDATE SET grid_id = $3, status = $4, visit_id = $5",
            params![v.screening_id, *person, v.grid_id, status.as_str(), id],
        )?;
    }
    let after = visit_rows(c, "v.id = $1", params![id], 1)?.pop().ok_or(Error::NotFound)?;
    audit_action(c, ctx, "create", "visit", id, v.grid_id, &after)?;
    Ok(after)
}

/// Stores many visits of one campaign (at most one per household) in one
/// transaction with one audit entry: the visits as [`insert_new`] writes
/// them (one COPY on PostgreSQL), the statuses as [`upsert_rows`] does.
pub fn visits_import(c: &mut dyn Conn, screening_id: Id, visits: &[Visit], ctx: &AuditCtx) -> Result<usize> {
    let rows = visits.iter().map(|v| {
        vec![
            Value::Int(screening_id),
            Value::Int(v.household_id),
            Value::Int(v.grid_id),
            v.visited_on.into(),
            Value::Text(v.visitor.clone()),
            Value::Text(v.result.as_str().to_owned()),
            Value::Text(v.note.clone()),
            ctx.at.into(),
        ]
    });
    // The id of each visit, in the order of `visits`.
    let ids = insert_new(
        c,
        "visits",
        &["screening_id", "household_id", "grid_id", "visited_on", "visitor", "result", "note", "created_at"],
        rows,
    )?;
    let statuses: Vec<Vec<Value>> = visits
        .iter()
        .zip(&ids)
        .flat_map(|(v, visit)| {
            v.statuses.iter().map(move |(person, status)| {
                vec![
                    Value::Int(screening_id),
                    Value::Int(*person),
                    Value::Int(v.grid_id),
                    Value::Text(status.as_str().to_owned()),
                    Value::Int(*visit),
                ]
            })
        })
        .collect();
    upsert_rows(
        c,
        "person_statuses",
        &["screening_id", "person_id", "grid_id", "status", "visit_id"],
        statuses,
        "ON CONFLICT (screening_id, person_id) DO UPDATE SET grid_id = excluded.grid_id,
             status = excluded.status, visit_id = excluded.visit_id",
    )?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "import", "visit")
            .entity_id(screening_id)
            .detail(format!("批量录入走访记录{}条", visits.len())),
    )?;
    Ok(visits.len())
}

/// Coverage of a campaign per grid: four grouped counts over indexes.
pub fn coverage(c: &mut dyn Conn, screening_id: Id) -> Result<Vec<GridCoverage>> {
    let mut by_grid: Vec<GridCoverage> = Vec::new();
    for r in c.query(
        "SELECT g.grid_id, o.name FROM screening_grids g JOIN orgs o ON o.id = g.grid_id WHERE g.screening_id = $1
         ORDER BY o.path",
        params![screening_id],
    )? {
        by_grid.push(GridCoverage { grid_id: r.i64("grid_id")?, grid_name: r.text("name")?, ..Default::default() });
    }
    let grids = "(SELECT grid_id FROM screening_grids WHERE screening_id = $1)";
    type Count = (&'static str, fn(&mut GridCoverage, u64));
    let counts: [Count; 4] = [
        ("SELECT org_id AS grid_id, COUNT(*) AS n FROM households WHERE org_id IN {grids} GROUP BY org_id", |g, n| {
            g.households = n
        }),
        (
            "SELECT grid_id, COUNT(DISTINCT household_id) AS n FROM visits WHERE screening_id = $1 GROUP BY grid_id",
            |g, n| g.visited = n,
        ),
        ("SELECT grid_id, COUNT(*) AS n FROM residents WHERE grid_id IN {grids} GROUP BY grid_id", |g, n| {
            g.residents = n
        }),
        // Statuses count in the grid of their visit (an index-only count); a
        // person who has since moved is capped by the grid's residents below.
        ("SELECT grid_id, COUNT(*) AS n FROM person_statuses WHERE screening_id = $1 GROUP BY grid_id", |g, n| {
            g.with_status = n
        }),
    ];
    for (sql, set) in counts {
        for r in c.query(&sql.replace("{grids}", grids), params![screening_id])? {
            let grid = r.i64("grid_id")?;
            if let Some(g) = by_grid.iter_mut().find(|g| g.grid_id == grid) {
                set(g, r.i64("n")? as u64);
            }
        }
    }
    for g in &mut by_grid {
        g.visited = g.visited.min(g.households);
        g.with_status = g.with_status.min(g.residents);
    }
    Ok(by_grid)
}

/// Households of the campaign's grids (or of one) not yet visited.
pub fn missed_households(
    c: &mut dyn Conn,
    screening_id: Id,
    grid_id: Option<Id>,
    limit: u32,
) -> Result<Vec<Household>> {
    let grid_filter = if grid_id.is_some() { " AND h.org_id = $2" } else { "" };
    let mut args = params![screening_id].to_vec();
    args.extend(grid_id.map(Value::Int));
    household_rows(
        c,
        &format!(
            "SELECT h.id, h.org_id, h.address FROM households h JOIN orgs o ON o.id = h.org_id
             WHERE h.org_id IN (SELECT grid_id FROM screening_grids WHERE screening_id = $1){grid_filter}
               AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.screening_id = $1 AND v.household_id = h.id)
             ORDER BY {HOUSEHOLD_ORDER} LIMIT {limit}"
        ),
        &args,
    )
}

/// Residents of the campaign's grids (or of one) without a status.
pub fn missed_persons(c: &mut dyn Conn, screening_id: Id, grid_id: Option<Id>, limit: u32) -> Result<Vec<Resident>> {
    let grid_filter = if grid_id.is_some() { " AND r.grid_id = $2" } else { "" };
    let mut args = params![screening_id].to_vec();
    args.extend(grid_id.map(Value::Int));
    let rows = c.query(
        &format!(
            "{RESIDENT_SELECT}
             WHERE r.grid_id IN (SELECT grid_id FROM screening_grids WHERE screening_id = $1){grid_filter}
               AND NOT EXISTS (SELECT 1 FROM person_statuses s WHERE s.screening_id = $1 AND s.person_id = r.person_id)
             ORDER BY o.path, h.address, p.id LIMIT {limit}"
        ),
        &args,
    )?;
    Ok(rows.iter().map(resident_from_row).collect::<DbResult<_>>()?)
}
