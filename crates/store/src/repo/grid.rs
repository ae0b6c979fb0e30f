//! Grid work: households and residents (with the bulk roster import),
//! screening campaigns, visits and coverage, key groups, care plans,
//! follow-ups, health checks and disinfections.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use taizhang_core::grid::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Id, Page};
use taizhang_core::search_keys::name_keys;
use taizhang_core::store::{HouseholdQuery, ScreeningHouseholdQuery};
use taizhang_core::{Error, FieldError, Result};

use super::{audit, like_escape, offset};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

fn scope(path: &str) -> Value {
    format!("{}%", like_escape(path)).into()
}

/// `$from, $from+1, ...` for `n` values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `($a, $b, $c), ($d, ...)` for `rows` rows of `width` values.
fn value_rows(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(r * width + 1, width))).collect::<Vec<_>>().join(", ")
}

/// Like [`value_rows`], each row ending with `$shared` repeated `repeat`
/// times (one bound value, such as the import's timestamp, for every row).
fn value_rows_shared(rows: usize, width: usize, repeat: usize) -> String {
    let shared = rows * width + 1;
    (0..rows)
        .map(|r| {
            let own = placeholders(r * width + 1, width);
            format!("({own}{})", format!(", ${shared}").repeat(repeat))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows per multi-row statement: well inside both engines' parameter limits.
const CHUNK: usize = 500;

fn ts(d: NaiveDateTime) -> Value {
    Value::Ts(d.and_utc())
}

fn naive(r: &Row, name: &str) -> DbResult<NaiveDateTime> {
    Ok(r.ts(name)?.naive_utc())
}

fn audit_entry<T: serde::Serialize>(
    c: &mut dyn Conn,
    ctx: &AuditCtx,
    action: &str,
    entity: &str,
    id: Id,
    org_id: Id,
    after: &T,
) -> Result<()> {
    audit::append(
        c,
        &AuditRecord::new(ctx, action, entity)
            .entity_id(id)
            .org(org_id)
            .after(serde_json::to_value(after).unwrap_or_default()),
    )
}

// --- households and residents ---

fn members_of(c: &mut dyn Conn, ids: &[Id]) -> Result<HashMap<Id, Vec<Member>>> {
    let mut out: HashMap<Id, Vec<Member>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
        let rows = c.query(
            &format!(
                "SELECT r.household_id, r.person_id, p.name, r.relation FROM residents r JOIN persons p ON p.id = r.person_id
                 WHERE r.household_id IN ({}) ORDER BY r.household_id, CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, p.id",
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

fn household_rows(c: &mut dyn Conn, sql: &str, args: &[Value]) -> Result<Vec<Household>> {
    let rows = c.query(sql, args)?;
    let ids: Vec<Id> = rows.iter().map(|r| r.i64("id")).collect::<DbResult<_>>()?;
    let mut members = members_of(c, &ids)?;
    rows.iter()
        .map(|r| {
            let id = r.i64("id")?;
            Ok(Household {
                id,
                org_id: r.i64("org_id")?,
                address: r.text("address")?,
                members: members.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Households (`h`) whose address or a member's name holds `text`, or whose
/// member's name has it as pinyin or initials ("wxm"), as the people search
/// takes it: the condition, its values appended to `args`.
fn household_text_filter(text: &str, args: &mut Vec<Value>) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let keys: String = text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    args.push(format!("%{}%", like_escape(text)).into());
    args.push(format!("%{}%", like_escape(&keys)).into());
    args.push(format!("{}%", like_escape(&keys)).into());
    let (n, pinyin, initials) = (args.len() - 2, args.len() - 1, args.len());
    format!(
        " AND (h.address LIKE ${n} ESCAPE '\\' OR EXISTS (SELECT 1 FROM residents r JOIN persons p ON p.id = r.person_id
              WHERE r.household_id = h.id AND (p.name LIKE ${n} ESCAPE '\\' OR p.name_pinyin LIKE ${pinyin} ESCAPE '\\'
              OR p.name_initials LIKE ${initials} ESCAPE '\\')))"
    )
}

/// Grid by grid, addresses in the order they read, on both engines.
const HOUSEHOLD_ORDER: &str = "o.path, h.address_key, h.address, h.id";

pub fn households(c: &mut dyn Conn, q: &HouseholdQuery) -> Result<Page<Household>> {
    let mut args = vec![scope(&q.scope_path)];
    let mut sql = String::from("FROM households h JOIN orgs o ON o.id = h.org_id WHERE o.path LIKE $1 ESCAPE '\\'");
    if let Some(grid) = q.grid_id {
        args.push(grid.into());
        sql.push_str(&format!(" AND h.org_id = ${}", args.len()));
    }
    sql.push_str(&household_text_filter(&q.text, &mut args));
    let total = c.query_one(&format!("SELECT COUNT(*) AS n {sql}"), &args)?.i64("n")?;
    let n = args.len();
    args.push(i64::from(q.per_page).into());
    args.push(offset(q.page, q.per_page).into());
    let items = household_rows(
        c,
        &format!(
            "SELECT h.id, h.org_id, h.address {sql} ORDER BY {HOUSEHOLD_ORDER} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        &args,
    )?;
    Ok(Page { items, total: total as u64, page: q.page, per_page: q.per_page })
}

/// A page of a campaign's households with the day of each one's latest
/// visit: filtered, counted and sorted in SQL over the whole set, then paged.
pub fn screening_households(c: &mut dyn Conn, q: &ScreeningHouseholdQuery) -> Result<Page<ScreeningHousehold>> {
    let empty = Page { items: Vec::new(), total: 0, page: q.page, per_page: q.per_page };
    if q.grid_ids.is_empty() {
        return Ok(empty);
    }
    // A campaign covers a handful of grids: their ids are bound one by one.
    let mut args: Vec<Value> = vec![q.screening_id.into()];
    args.extend(q.grid_ids.iter().map(|g| Value::Int(*g)));
    let mut sql = format!(
        "FROM households h JOIN orgs o ON o.id = h.org_id WHERE h.org_id IN ({})
           AND h.org_id IN (SELECT grid_id FROM screening_grids WHERE screening_id = $1)",
        placeholders(2, q.grid_ids.len())
    );
    sql.push_str(&household_text_filter(&q.text, &mut args));
    let visited = "EXISTS (SELECT 1 FROM visits v WHERE v.screening_id = $1 AND v.household_id = h.id)";
    match q.visited {
        Some(true) => sql.push_str(&format!(" AND {visited}")),
        Some(false) => sql.push_str(&format!(" AND NOT {visited}")),
        None => {}
    }
    let total = c.query_one(&format!("SELECT COUNT(*) AS n {sql}"), &args)?.i64("n")?;
    if total == 0 {
        return Ok(empty);
    }
    let n = args.len();
    args.push(i64::from(q.per_page).into());
    args.push(offset(q.page, q.per_page).into());
    let rows = c.query(
        &format!(
            "SELECT h.id, h.org_id, h.address,
                 (SELECT MAX(v.visited_on) FROM visits v WHERE v.screening_id = $1 AND v.household_id = h.id) AS visited_on
             {sql} ORDER BY {HOUSEHOLD_ORDER} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        &args,
    )?;
    let ids: Vec<Id> = rows.iter().map(|r| r.i64("id")).collect::<DbResult<_>>()?;
    let mut members = members_of(c, &ids)?;
    let items = rows
        .iter()
        .map(|r| {
            let id = r.i64("id")?;
            Ok(ScreeningHousehold {
                household: Household {
                    id,
                    org_id: r.i64("org_id")?,
                    address: r.text("address")?,
                    members: members.remove(&id).unwrap_or_default(),
                },
                visited_on: r.opt_date("visited_on")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page { items, total: total as u64, page: q.page, per_page: q.per_page })
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
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
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
    audit_entry(c, ctx, if before.is_some() { "update" } else { "create" }, "household", id, after.org_id, &after)?;
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
    audit_entry(c, ctx, "update", "resident", person_id, org_id, &after)
}

/// Statuses of these people count in the grid they live in now (after a move).
fn sync_status_grids(c: &mut dyn Conn, people: &[Id]) -> Result<()> {
    for chunk in people.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
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

const RESIDENT_SELECT: &str =
    "SELECT p.id, p.org_id, p.name, p.gender, p.birth_date, p.id_number, p.id_number_pending, p.mobile,
        p.party_member, p.notes, p.created_at, p.updated_at, r.household_id, r.grid_id, r.relation, h.address
     FROM residents r JOIN persons p ON p.id = r.person_id JOIN households h ON h.id = r.household_id
     JOIN orgs o ON o.id = r.grid_id";

fn resident_from_row(r: &Row) -> DbResult<Resident> {
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
    sql.push_str(" ORDER BY o.path, h.address, CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, p.id");
    let rows = c.query(&sql, &args)?;
    Ok(rows.iter().map(resident_from_row).collect::<DbResult<_>>()?)
}

pub fn resident_get(c: &mut dyn Conn, person_id: Id) -> Result<Option<Resident>> {
    let row = c.query_opt(&format!("{RESIDENT_SELECT} WHERE r.person_id = $1"), params![person_id])?;
    Ok(row.as_ref().map(resident_from_row).transpose()?)
}

/// A person as the roster holds them, for comparison on re-import.
#[derive(PartialEq)]
struct RosterState {
    org_id: Id,
    name: String,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    mobile: Option<String>,
    notes: String,
    household: Option<(Id, String)>,
}

/// Imports a checked roster in one transaction: new people and households
/// in multi-row statements, changed people updated, unchanged ones left.
pub fn roster_import(
    c: &mut dyn Conn,
    entries: &[RosterEntry],
    scope_path: &str,
    source: &str,
    ctx: &AuditCtx,
) -> Result<RosterOutcome> {
    let started = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!(phase = what, ms = started.elapsed().as_millis() as u64, "roster import");
    let mut outcome = RosterOutcome::default();
    // People already registered, with their household.
    // (person id, the grid they live in now, their state)
    let mut existing: HashMap<String, (Id, Option<Id>, RosterState)> = HashMap::new();
    let mut outside: Vec<String> = Vec::new();
    let numbers: Vec<String> = entries.iter().map(|e| e.id_number.as_str().to_owned()).collect();
    for chunk in numbers.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|n| Value::Text(n.clone())).collect();
        for r in c.query(
            &format!(
                "SELECT p.id, p.org_id, p.name, p.gender, p.birth_date, p.id_number, p.mobile, p.notes, r.household_id,
                     r.relation, r.grid_id, o.path
                 FROM persons p JOIN orgs o ON o.id = p.org_id LEFT JOIN residents r ON r.person_id = p.id
                 WHERE p.id_number IN ({})",
                placeholders(1, chunk.len())
            ),
            &args,
        )? {
            if !r.text("path")?.starts_with(scope_path) {
                outside.push(r.text("id_number")?);
                continue;
            }
            let household = match r.opt_i64("household_id")? {
                Some(h) => Some((h, r.text("relation")?)),
                None => None,
            };
            let old_grid = r.opt_i64("grid_id")?;
            existing.insert(
                r.text("id_number")?,
                (
                    r.i64("id")?,
                    old_grid,
                    RosterState {
                        org_id: r.i64("org_id")?,
                        name: r.text("name")?,
                        gender: r.opt_text("gender")?,
                        birth_date: r.opt_date("birth_date")?,
                        mobile: r.opt_text("mobile")?,
                        notes: r.text("notes")?,
                        household,
                    },
                ),
            );
        }
    }
    // A number registered outside the importer's subtree is never merged.
    if !outside.is_empty() {
        let header = roster_header("id_number");
        let errors = entries
            .iter()
            .filter(|e| outside.iter().any(|n| n == e.id_number.as_str()))
            .map(|e| {
                FieldError::new(
                    format!("rows[{}].id_number", e.row),
                    format!("第{}行“{header}”：该身份证号已登记在您管辖范围以外的单位，请联系上级核实", e.row),
                )
            })
            .collect();
        return Err(Error::Invalid(errors));
    }
    lap("existing people");
    // Households: the existing ones of the grids named, then the missing ones.
    let mut grids: Vec<Id> = entries.iter().map(|e| e.grid_id).collect();
    grids.sort_unstable();
    grids.dedup();
    let mut households: HashMap<(Id, String), Id> = HashMap::new();
    for chunk in grids.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
        for r in c.query(
            &format!("SELECT id, org_id, address FROM households WHERE org_id IN ({})", placeholders(1, chunk.len())),
            &args,
        )? {
            households.insert((r.i64("org_id")?, r.text("address")?), r.i64("id")?);
        }
    }
    let mut missing: Vec<(Id, &str)> = Vec::new();
    for e in entries {
        // A placeholder marks an address already queued, so each is added once.
        if let std::collections::hash_map::Entry::Vacant(slot) = households.entry((e.grid_id, e.address.clone())) {
            slot.insert(0);
            missing.push((e.grid_id, &e.address));
        }
    }
    for chunk in missing.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 3 + 1);
        for (grid, address) in chunk {
            args.extend([Value::Int(*grid), Value::Text((*address).to_owned()), Value::Text(address_key(address))]);
        }
        args.push(ctx.at.into());
        let rows = c.query(
            &format!(
                "INSERT INTO households (org_id, address, address_key, created_at, updated_at) VALUES {}
                 RETURNING id, org_id, address",
                value_rows_shared(chunk.len(), 3, 2)
            ),
            &args,
        )?;
        for r in &rows {
            households.insert((r.i64("org_id")?, r.text("address")?), r.i64("id")?);
        }
        outcome.households_added += rows.len();
    }
    lap("households");
    lap("existing people");
    let mut new: Vec<&RosterEntry> = Vec::new();
    let mut links: Vec<(Id, Id, Id, &str)> = Vec::new();
    let mut moved: Vec<Id> = Vec::new();
    for e in entries {
        let household_id = households[&(e.grid_id, e.address.clone())];
        let Some((person_id, old_grid, old)) = existing.get(e.id_number.as_str()) else {
            new.push(e);
            continue;
        };
        // A resident's record follows them to their new grid; a cadre's stays with their org.
        let org_id = if old_grid.is_some_and(|g| g == old.org_id) { e.grid_id } else { old.org_id };
        if old_grid.is_some_and(|g| g != e.grid_id) {
            moved.push(*person_id);
        }
        let state = RosterState {
            org_id,
            name: e.name.clone(),
            gender: Some(e.gender.as_str().to_owned()),
            birth_date: Some(e.birth_date),
            mobile: e.mobile.as_ref().map(|m| m.as_str().to_owned()).or(old.mobile.clone()),
            notes: if e.notes.is_empty() { old.notes.clone() } else { e.notes.clone() },
            household: Some((household_id, e.relation.clone())),
        };
        if state == *old {
            outcome.unchanged += 1;
            continue;
        }
        let (pinyin, initials) = name_keys(&state.name);
        c.execute(
            "UPDATE persons SET org_id = $1, name = $2, name_pinyin = $3, name_initials = $4, gender = $5,
                 birth_date = $6, mobile = $7, notes = $8, updated_at = $9 WHERE id = $10",
            params![
                org_id,
                &state.name,
                pinyin,
                initials,
                state.gender.clone(),
                state.birth_date,
                state.mobile.clone(),
                &state.notes,
                ctx.at,
                *person_id
            ],
        )?;
        links.push((*person_id, household_id, e.grid_id, &e.relation));
        outcome.changed += 1;
    }
    lap("changed people");
    // In ID-number order, the unique index grows at its end rather than at random places.
    new.sort_unstable_by(|a, b| a.id_number.as_str().cmp(b.id_number.as_str()));
    for chunk in new.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 10 + 1);
        for e in chunk {
            let (pinyin, initials) = name_keys(&e.name);
            args.extend([
                Value::Int(e.grid_id),
                Value::Text(e.name.clone()),
                Value::Text(pinyin),
                Value::Text(initials),
                Value::Text(e.gender.as_str().to_owned()),
                e.birth_date.into(),
                Value::Text(e.id_number.as_str().to_owned()),
                e.mobile.as_ref().map(|m| m.as_str().to_owned()).into(),
                Value::Bool(false),
                Value::Text(e.notes.clone()),
            ]);
        }
        args.push(ctx.at.into());
        let rows = c
            .query(
                &format!(
                    "INSERT INTO persons (org_id, name, name_pinyin, name_initials, gender, birth_date, id_number, mobile,
                         party_member, notes, created_at, updated_at)
                     VALUES {} RETURNING id, id_number",
                    value_rows_shared(chunk.len(), 10, 2)
                ),
                &args,
            )
            .map_err(|e| match e {
                DbError::Unique(_) => Error::conflict("id_number", "身份证号与已登记人员重复"),
                other => other.into(),
            })?;
        let ids: HashMap<String, Id> =
            rows.iter().map(|r| Ok((r.text("id_number")?, r.i64("id")?))).collect::<DbResult<_>>()?;
        for e in chunk {
            let household_id = households[&(e.grid_id, e.address.clone())];
            links.push((ids[e.id_number.as_str()], household_id, e.grid_id, &e.relation));
        }
        outcome.added += chunk.len();
    }
    lap("new people");
    for chunk in links.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 4);
        for (person, household, grid, relation) in chunk {
            args.extend([
                Value::Int(*person),
                Value::Int(*household),
                Value::Int(*grid),
                Value::Text((*relation).to_owned()),
            ]);
        }
        c.execute(
            &format!(
                "INSERT INTO residents (person_id, household_id, grid_id, relation) VALUES {}
                 ON CONFLICT (person_id) DO UPDATE SET household_id = excluded.household_id,
                     grid_id = excluded.grid_id, relation = excluded.relation",
                value_rows(chunk.len(), 4)
            ),
            &args,
        )?;
    }
    sync_status_grids(c, &moved)?;
    // One head per household, counting the members already registered.
    let touched: Vec<Id> = {
        let mut t: Vec<Id> = links.iter().filter(|l| l.3 == HEAD).map(|l| l.1).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let mut two_heads = Vec::new();
    for chunk in touched.chunks(CHUNK) {
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
        for r in c.query(
            &format!(
                "SELECT household_id FROM residents WHERE relation = '户主' AND household_id IN ({})
                 GROUP BY household_id HAVING COUNT(*) > 1",
                placeholders(1, chunk.len())
            ),
            &args,
        )? {
            two_heads.push(r.i64("household_id")?);
        }
    }
    if !two_heads.is_empty() {
        let header = roster_header("relation");
        let errors = entries
            .iter()
            .filter(|e| e.relation == HEAD && two_heads.contains(&households[&(e.grid_id, e.address.clone())]))
            .map(|e| {
                FieldError::new(
                    format!("rows[{}].relation", e.row),
                    format!("第{}行“{header}”：该户已登记了另一位户主，请先核对", e.row),
                )
            })
            .collect();
        return Err(Error::Invalid(errors));
    }
    lap("residents");
    let record = AuditRecord::new(ctx, "import", "resident")
        .detail(format!(
            "从“{source}”导入居民花名册：新增{}人，变更{}人，未变{}人，新建{}户",
            outcome.added, outcome.changed, outcome.unchanged, outcome.households_added
        ))
        .after(serde_json::to_value(outcome).unwrap_or_default());
    let record = match grids.as_slice() {
        [only] => record.org(*only),
        _ => record,
    };
    audit::append(c, &record)?;
    Ok(outcome)
}

// --- screening campaigns ---

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
    audit_entry(c, ctx, "create", "screening", id, after.org_id, &after)?;
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
        let args: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
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
    audit_entry(c, ctx, "create", "visit", id, v.grid_id, &after)?;
    Ok(after)
}

/// Stores many visits of one campaign (at most one per household) in one
/// transaction with one audit entry.
pub fn visits_import(c: &mut dyn Conn, screening_id: Id, visits: &[Visit], ctx: &AuditCtx) -> Result<usize> {
    for chunk in visits.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() * 8);
        for v in chunk {
            args.extend([
                Value::Int(screening_id),
                Value::Int(v.household_id),
                Value::Int(v.grid_id),
                v.visited_on.into(),
                Value::Text(v.visitor.clone()),
                Value::Text(v.result.as_str().to_owned()),
                Value::Text(v.note.clone()),
                ctx.at.into(),
            ]);
        }
        let rows = c.query(
            &format!(
                "INSERT INTO visits (screening_id, household_id, grid_id, visited_on, visitor, result, note, created_at)
                 VALUES {} RETURNING id, household_id",
                value_rows(chunk.len(), 8)
            ),
            &args,
        )?;
        let ids: HashMap<Id, Id> =
            rows.iter().map(|r| Ok((r.i64("household_id")?, r.i64("id")?))).collect::<DbResult<_>>()?;
        let ids = &ids;
        let statuses: Vec<(Id, Id, PersonStatus, Id)> = chunk
            .iter()
            .flat_map(|v| {
                let visit = ids.get(&v.household_id).copied().unwrap_or(0);
                v.statuses.iter().map(move |(p, s)| (*p, v.grid_id, *s, visit))
            })
            .collect();
        for part in statuses.chunks(CHUNK) {
            let mut args = Vec::with_capacity(part.len() * 5);
            for (person, grid, status, visit) in part {
                args.extend([
                    Value::Int(screening_id),
                    Value::Int(*person),
                    Value::Int(*grid),
                    Value::Text(status.as_str().to_owned()),
                    Value::Int(*visit),
                ]);
            }
            c.execute(
                &format!(
                    "INSERT INTO person_statuses (screening_id, person_id, grid_id, status, visit_id) VALUES {}
                     ON CONFLICT (screening_id, person_id) DO UPDATE SET grid_id = excluded.grid_id,
                         status = excluded.status, visit_id = excluded.visit_id",
                    value_rows(part.len(), 5)
                ),
                &args,
            )?;
        }
    }
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

// --- key groups and key persons ---

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
    audit_entry(c, ctx, "create", "key_group", id, org_id, &group)?;
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
    audit_entry(c, ctx, "create", "key_person", id, after.org_id, &after)?;
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
    audit::append(
        c,
        &AuditRecord::new(ctx, "update", "key_person")
            .entity_id(id)
            .org(after.org_id)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&after).unwrap_or_default()),
    )?;
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
    let mut record = AuditRecord::new(ctx, if before.is_some() { "update" } else { "create" }, "care_plan")
        .entity_id(after.id)
        .org(after.org_id)
        .after(serde_json::to_value(&after).unwrap_or_default());
    if let Some(b) = &before {
        record = record.before(serde_json::to_value(b).unwrap_or_default());
    }
    audit::append(c, &record)?;
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
    audit_entry(c, ctx, "create", "follow_up", id, org_id, &after)?;
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
    audit_entry(c, ctx, "create", "disinfection", id, d.org_id, &after)?;
    Ok(after)
}
