//! Households and their residents, listed by grid in address order.

use std::collections::HashMap;

use taizhang_core::grid::*;
use taizhang_core::model::{AuditCtx, Cursor, Id, Page};
use taizhang_core::search_keys::{Query, normalize_query};
use taizhang_core::store::HouseholdQuery;
use taizhang_core::{Error, Result};

use super::sql::{CHUNK, Filter, audit_action, contains, id_values, offset, placeholders, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};
use crate::migrate::Engine;

/// The members of households, head first. Each name is looked up by the
/// person's key: a join let PostgreSQL hash the whole register of a small
/// office for a page's 150 members (twice the time).
fn members_of(c: &mut dyn Conn, ids: &[Id]) -> Result<HashMap<Id, Vec<Member>>> {
    let mut out: HashMap<Id, Vec<Member>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let args = id_values(chunk);
        let rows = c.query(
            &format!(
                "SELECT r.household_id, r.person_id, (SELECT p.name FROM persons p WHERE p.id = r.person_id) AS name,
                     r.relation
                 FROM residents r WHERE r.household_id IN ({})
                 ORDER BY r.household_id, CASE WHEN r.relation = '{HEAD}' THEN 0 ELSE 1 END, r.person_id",
                placeholders(1, chunk.len())
            ),
            &args,
        )?;
        for r in &rows {
            out.entry(r.i64("household_id")?).or_default().push(Member {
                person_id: r.i64("person_id")?,
                name: r.text("name")?,
                relation: r.text("relation")?,
            });
        }
    }
    Ok(out)
}

pub(super) fn household_rows(c: &mut dyn Conn, sql: &str, args: &[Value]) -> Result<Vec<Household>> {
    let rows = c.query(sql, args)?;
    Ok(households_of_rows(c, &rows)?.into_iter().map(|(h, _)| h).collect())
}

/// The households of rows that hold `id`, `org_id` and `address`, with
/// their members, each beside its row.
pub(super) fn households_of_rows<'r>(c: &mut dyn Conn, rows: &'r [Row]) -> Result<Vec<(Household, &'r Row)>> {
    let ids: Vec<Id> = rows.iter().map(|r| r.i64("id")).collect::<DbResult<_>>()?;
    let mut members = members_of(c, &ids)?;
    rows.iter()
        .map(|r| {
            let id = r.i64("id")?;
            let household = Household {
                id,
                org_id: r.i64("org_id")?,
                address: r.text("address")?,
                members: members.remove(&id).unwrap_or_default(),
            };
            Ok((household, r))
        })
        .collect()
}

/// Households (`h`) whose address holds `text`, or with a member the
/// people search finds by it (name, pinyin, initials, phone tail): the
/// condition, its values appended to `args`.
pub(super) fn household_text_filter(text: &str, f: &mut Filter) {
    let Some(query) = Query::parse(&normalize_query(text), false) else {
        return;
    };
    let address = f.bind(contains(text.trim()));
    let member = super::people::row_condition(&query, f);
    f.and_sql(format!(
        "(h.address LIKE {address} ESCAPE '\\' OR EXISTS (SELECT 1 FROM residents r JOIN persons p ON p.id = r.person_id
              WHERE r.household_id = h.id AND {member}))"
    ));
}

/// Grid by grid, addresses in the order they read, on both engines: the
/// order of the orgs' path index and of `households_order` within each org,
/// so that a page is read from the indexes without sorting the subtree.
pub(super) const HOUSEHOLD_ORDER: &str = "o.path, o.id, h.address_key, h.address, h.id";

pub fn households(c: &mut dyn Conn, q: &HouseholdQuery) -> Result<Page<Household>> {
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(grid) = q.grid_id {
        f.and("h.org_id = ?", grid);
    }
    household_text_filter(&q.text, &mut f);
    // SQLite reads the orgs first (in path order) when told so by CROSS JOIN.
    let join = if c.engine() == Engine::Sqlite { "CROSS JOIN" } else { "JOIN" };
    let sql = format!(
        "FROM orgs o {join} households h ON h.org_id = o.id WHERE o.path LIKE $1 ESCAPE '\\'{}",
        f.and_clause()
    );
    let total = if q.text.trim().is_empty() {
        // No search: the tallies of the subtree's orgs (or the one grid's).
        let one_grid = if q.grid_id.is_some() { " AND o.id = $2" } else { "" };
        let mut args = vec![scope(&q.scope_path)];
        args.extend(q.grid_id.map(Value::Int));
        c.query_one(
            &format!(
                "SELECT CAST(COALESCE(SUM(t.households), 0) AS BIGINT) AS n FROM org_tallies t JOIN orgs o ON o.id = t.org_id
                 WHERE o.path LIKE $1 ESCAPE '\\'{one_grid}"
            ),
            &args,
        )?
        .i64("n")?
    } else {
        c.query_one(&format!("SELECT COUNT(*) AS n {sql}"), &f.args)?.i64("n")?
    };
    let per = q.per_page.max(1);
    let rows = if c.engine() == Engine::Postgres && q.text.trim().is_empty() {
        rows_org_by_org(c, q, i64::from(per) + 1)?
    } else {
        let mut keyset = String::new();
        if let Some(after) = &q.after {
            let (path, org) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
            let (key, address, id) = (f.bind(after.text(2)?), f.bind(after.text(3)?), f.bind(after.int(4)?));
            keyset = format!(
                " AND ((o.path, o.id) > ({path}, {org})
                   OR (o.path = {path} AND o.id = {org} AND (h.address_key, h.address, h.id) > ({key}, {address}, {id})))"
            );
        }
        let (limit, skip) =
            (f.bind(i64::from(per) + 1), f.bind(if q.after.is_some() { 0 } else { offset(q.page, per) }));
        c.query(
            &format!(
                "SELECT h.id, h.org_id, h.address, h.address_key, o.path {sql}{keyset}
                 ORDER BY {HOUSEHOLD_ORDER} LIMIT {limit} OFFSET {skip}"
            ),
            &f.args,
        )?
    };
    let more = rows.len() > per as usize;
    let rows = &rows[..rows.len().min(per as usize)];
    let next = match rows.last() {
        Some(r) if more => Some(
            Cursor(vec![
                r.text("path")?,
                r.i64("org_id")?.to_string(),
                r.opt_text("address_key")?.unwrap_or_default(),
                r.text("address")?,
                r.i64("id")?.to_string(),
            ])
            .encode(),
        ),
        _ => None,
    };
    let items = households_of_rows(c, rows)?.into_iter().map(|(h, _)| h).collect();
    Ok(Page { next, ..Page::new(items, total as u64, q.page, per) })
}

/// A page of a subtree's households without a search on PostgreSQL, read
/// org by org: its planner would rather join and sort the whole subtree
/// than follow the orgs' order (as for the people list). The orgs come in
/// path order from the cursor's on, each org's households from
/// `households_order`, as many as the page still needs; a page by number
/// skips whole orgs by their tallies.
fn rows_org_by_org(c: &mut dyn Conn, q: &HouseholdQuery, wanted: i64) -> Result<Vec<Row>> {
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(grid) = q.grid_id {
        f.and("o.id = ?", grid);
    }
    if let Some(after) = &q.after {
        let (path, org) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
        f.and_sql(format!("(o.path, o.id) >= ({path}, {org})"));
    }
    let orgs = c.query(
        &format!(
            "SELECT o.id, o.path, t.households FROM orgs o JOIN org_tallies t ON t.org_id = o.id
             WHERE o.path LIKE $1 ESCAPE '\\' AND t.households > 0{} ORDER BY o.path, o.id",
            f.and_clause()
        ),
        &f.args,
    )?;
    let mut skip = if q.after.is_some() { 0 } else { offset(q.page, q.per_page.max(1)) };
    let mut rows = Vec::new();
    for org in &orgs {
        let (id, path, here) = (org.i64("id")?, org.text("path")?, org.i64("households")?);
        if skip >= here {
            skip -= here;
            continue;
        }
        let mut g = Filter::new(vec![Value::Int(id), Value::Text(path)]);
        if let Some(after) = q.after.as_ref().filter(|a| a.int(1).is_ok_and(|o| o == id)) {
            let (key, address, household) = (g.bind(after.text(2)?), g.bind(after.text(3)?), g.bind(after.int(4)?));
            g.and_sql(format!("(h.address_key, h.address, h.id) > ({key}, {address}, {household})"));
        }
        let (limit, offset) = (g.bind(wanted - rows.len() as i64), g.bind(skip));
        skip = 0;
        rows.extend(c.query(
            &format!(
                "SELECT h.id, h.org_id, h.address, h.address_key, CAST($2 AS TEXT) AS path FROM households h
                 WHERE h.org_id = $1{} ORDER BY h.address_key, h.address, h.id LIMIT {limit} OFFSET {offset}",
                g.and_clause()
            ),
            &g.args,
        )?);
        if rows.len() as i64 >= wanted {
            break;
        }
    }
    Ok(rows)
}

/// Fills the sort key of households written before it existed, in chunks.
pub fn fill_address_keys(c: &mut dyn Conn) -> Result<()> {
    loop {
        let rows = c.query(
            &format!("SELECT id, address FROM households WHERE address_key IS NULL ORDER BY id LIMIT {CHUNK}"),
            &[],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        crate::transaction(c, |c| {
            for r in &rows {
                c.execute(
                    "UPDATE households SET address_key = $1 WHERE id = $2",
                    params![address_key(&r.text("address")?), r.i64("id")?],
                )?;
            }
            Ok(())
        })?;
    }
}

pub fn household_get(c: &mut dyn Conn, id: Id) -> Result<Option<Household>> {
    Ok(household_rows(c, "SELECT h.id, h.org_id, h.address FROM households h WHERE h.id = $1", params![id])?.pop())
}

pub fn households_by_ids(c: &mut dyn Conn, ids: &[Id]) -> Result<Vec<Household>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let args = id_values(chunk);
        out.extend(household_rows(
            c,
            &format!(
                "SELECT h.id, h.org_id, h.address FROM households h WHERE h.id IN ({})",
                placeholders(1, chunk.len())
            ),
            &args,
        )?);
    }
    Ok(out)
}

fn unique_household(e: DbError) -> Error {
    match e {
        DbError::Unique(_) => Error::conflict("address", "该网格已有这个住址的户，请勿重复登记"),
        other => other.into(),
    }
}

pub fn household_save(c: &mut dyn Conn, h: &Household, ctx: &AuditCtx) -> Result<Household> {
    let before = if h.id > 0 { Some(household_get(c, h.id)?.ok_or(Error::NotFound)?) } else { None };
    let id = match &before {
        Some(_) => {
            c.execute(
                "UPDATE households SET org_id = $1, address = $2, address_key = $3, updated_at = $4 WHERE id = $5",
                params![h.org_id, &h.address, address_key(&h.address), ctx.at, h.id],
            )
            .map_err(unique_household)?;
            let old_grid = before.as_ref().map_or(h.org_id, |b| b.org_id);
            if old_grid != h.org_id {
                // Members' records follow the household to its new grid, and so
                // do its visits and their statuses, so coverage counts them there.
                c.execute(
                    "UPDATE persons SET org_id = $1 WHERE org_id = $2
                         AND id IN (SELECT person_id FROM residents WHERE household_id = $3)",
                    params![h.org_id, old_grid, h.id],
                )?;
                c.execute("UPDATE visits SET grid_id = $1 WHERE household_id = $2", params![h.org_id, h.id])?;
            }
            c.execute("UPDATE residents SET grid_id = $1 WHERE household_id = $2", params![h.org_id, h.id])?;
            let members: Vec<Id> = c
                .query("SELECT person_id FROM residents WHERE household_id = $1", params![h.id])?
                .iter()
                .map(|r| r.i64("person_id"))
                .collect::<DbResult<_>>()?;
            sync_status_grids(c, &members)?;
            h.id
        }
        None => c
            .query_one(
                "INSERT INTO households (org_id, address, address_key, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
                params![h.org_id, &h.address, address_key(&h.address), ctx.at],
            )
            .map_err(unique_household)?
            .i64("id")?,
    };
    let after = household_get(c, id)?.ok_or(Error::NotFound)?;
    audit_action(c, ctx, if before.is_some() { "update" } else { "create" }, "household", id, after.org_id, &after)?;
    Ok(after)
}

/// Puts a person in a household (or takes them out with `None`).
pub fn resident_set(c: &mut dyn Conn, person_id: Id, household: Option<(Id, String)>, ctx: &AuditCtx) -> Result<()> {
    let org_id = c.query_one("SELECT org_id FROM persons WHERE id = $1", params![person_id])?.i64("org_id")?;
    match &household {
        Some((household_id, relation)) => {
            let grid = household_get(c, *household_id)?.ok_or(Error::NotFound)?.org_id;
            // A resident's record follows them to the new grid; a cadre's stays.
            c.execute(
                "UPDATE persons SET org_id = $1 WHERE id = $2
                     AND org_id = (SELECT grid_id FROM residents WHERE person_id = $2)",
                params![grid, person_id],
            )?;
            c.execute(
                "INSERT INTO residents (person_id, household_id, grid_id, relation) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (person_id) DO UPDATE SET household_id = $2, grid_id = $3, relation = $4",
                params![person_id, *household_id, grid, relation],
            )?;
        }
        None => {
            c.execute("DELETE FROM residents WHERE person_id = $1", params![person_id])?;
        }
    }
    sync_status_grids(c, &[person_id])?;
    let after = household.map(|(h, r)| serde_json::json!({ "household_id": h, "relation": r }));
    audit_action(c, ctx, "update", "resident", person_id, org_id, &after)
}

/// Statuses of these people count in the grid they live in now (after a move).
pub(super) fn sync_status_grids(c: &mut dyn Conn, people: &[Id]) -> Result<()> {
    for chunk in people.chunks(CHUNK) {
        let args = id_values(chunk);
        c.execute(
            &format!(
                "UPDATE person_statuses SET grid_id = (SELECT r.grid_id FROM residents r WHERE r.person_id = person_statuses.person_id)
                 WHERE person_id IN ({}) AND EXISTS (SELECT 1 FROM residents r WHERE r.person_id = person_statuses.person_id)",
                placeholders(1, chunk.len())
            ),
            &args,
        )?;
    }
    Ok(())
}

pub(super) const RESIDENT_SELECT: &str =
    "SELECT p.id, p.org_id, p.name, p.gender, p.birth_date, p.id_number, p.id_number_pending, p.mobile,
        p.party_member, p.notes, p.created_at, p.updated_at, r.household_id, r.grid_id, r.relation, h.address
     FROM residents r JOIN persons p ON p.id = r.person_id JOIN households h ON h.id = r.household_id
     JOIN orgs o ON o.id = r.grid_id";

pub(super) fn resident_from_row(r: &Row) -> DbResult<Resident> {
    Ok(Resident {
        person: super::people::from_row(r)?,
        household_id: r.i64("household_id")?,
        address: r.text("address")?,
        grid_id: r.i64("grid_id")?,
        relation: r.text("relation")?,
    })
}

/// Residents of the grids in a subtree (or of one grid), by grid, address and head first.
pub fn residents(c: &mut dyn Conn, scope_path: &str, grid_id: Option<Id>) -> Result<Vec<Resident>> {
    let mut args = vec![scope(scope_path)];
    let mut sql = format!("{RESIDENT_SELECT} WHERE o.path LIKE $1 ESCAPE '\\'");
    if let Some(g) = grid_id {
        args.push(g.into());
        sql.push_str(" AND r.grid_id = $2");
    }
    sql.push_str(&format!(" ORDER BY o.path, h.address, CASE WHEN r.relation = '{HEAD}' THEN 0 ELSE 1 END, p.id"));
    let rows = c.query(&sql, &args)?;
    Ok(rows.iter().map(resident_from_row).collect::<DbResult<_>>()?)
}

pub fn resident_get(c: &mut dyn Conn, person_id: Id) -> Result<Option<Resident>> {
    let row = c.query_opt(&format!("{RESIDENT_SELECT} WHERE r.person_id = $1"), params![person_id])?;
    Ok(row.as_ref().map(resident_from_row).transpose()?)
}
