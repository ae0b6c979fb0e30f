//! The bulk import of a checked roster: new people and households in
//! multi-row statements, changed people updated, unchanged ones left.

use std::collections::HashMap;

use chrono::NaiveDate;
use taizhang_core::grid::*;
use taizhang_core::model::{AuditCtx, AuditRecord, Id};
use taizhang_core::search_keys::{name_keys, person_terms};
use taizhang_core::{Error, FieldError, Result};

use super::audit;
use super::households::sync_status_grids;
use super::sql::{CHUNK, id_values, insert_new, placeholders, upsert_rows};
use crate::conn::{Conn, DbError, Value, params};

/// The columns of a residence row (a person in a household of a grid).
const RESIDENT_COLUMNS: [&str; 4] = ["person_id", "household_id", "grid_id", "relation"];

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
        let args = id_values(chunk);
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
    let ids = insert_new(
        c,
        "households",
        &["org_id", "address", "address_key", "created_at", "updated_at"],
        missing.iter().map(|(grid, address)| {
            vec![
                Value::Int(*grid),
                Value::Text((*address).to_owned()),
                Value::Text(address_key(address)),
                ctx.at.into(),
                ctx.at.into(),
            ]
        }),
    )?;
    for ((grid, address), id) in missing.iter().zip(&ids) {
        households.insert((*grid, (*address).to_owned()), *id);
    }
    outcome.households_added += ids.len();
    lap("households");
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
        let terms = person_terms(&state.name, state.mobile.as_deref(), Some(e.id_number.as_str()));
        c.execute(
            "UPDATE persons SET org_id = $1, name = $2, name_pinyin = $3, name_initials = $4, gender = $5,
                 birth_date = $6, mobile = $7, notes = $8, updated_at = $9, search_terms = $11 WHERE id = $10",
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
                *person_id,
                terms
            ],
        )?;
        links.push((*person_id, household_id, e.grid_id, &e.relation));
        outcome.changed += 1;
    }
    lap("changed people");
    // In ID-number order, the unique index grows at its end rather than at random places.
    new.sort_unstable_by(|a, b| a.id_number.as_str().cmp(b.id_number.as_str()));
    let ids = insert_new(
        c,
        "persons",
        &[
            "org_id",
            "name",
            "name_pinyin",
            "name_initials",
            "gender",
            "birth_date",
            "id_number",
            "mobile",
            "party_member",
            "notes",
            "created_at",
            "updated_at",
            "search_terms",
        ],
        new.iter().map(|e| {
            let (pinyin, initials) = name_keys(&e.name);
            let mobile = e.mobile.as_ref().map(|m| m.as_str());
            let terms = person_terms(&e.name, mobile, Some(e.id_number.as_str()));
            vec![
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
                ctx.at.into(),
                ctx.at.into(),
                Value::Text(terms),
            ]
        }),
    )
    .map_err(|e| match e {
        DbError::Unique(_) => Error::conflict("id_number", "身份证号与已登记人员重复"),
        other => other.into(),
    })?;
    // New people's residence rows are new too; changed people's replace theirs.
    let mut new_links = Vec::with_capacity(new.len());
    for (e, id) in new.iter().zip(ids) {
        let household_id = households[&(e.grid_id, e.address.clone())];
        new_links.push((id, household_id, e.grid_id, e.relation.as_str()));
    }
    outcome.added += new.len();
    lap("new people");
    let resident = |(person, household, grid, relation): &(Id, Id, Id, &str)| {
        vec![Value::Int(*person), Value::Int(*household), Value::Int(*grid), Value::Text((*relation).to_owned())]
    };
    upsert_rows(
        c,
        "residents",
        &RESIDENT_COLUMNS,
        links.iter().map(resident).collect(),
        "ON CONFLICT (person_id) DO UPDATE SET household_id = excluded.household_id,
             grid_id = excluded.grid_id, relation = excluded.relation",
    )?;
    c.copy_rows("residents", &RESIDENT_COLUMNS, &mut new_links.iter().map(resident))?;
    links.extend(new_links);
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
        let args = id_values(chunk);
        for r in c.query(
            &format!(
                "SELECT household_id FROM residents WHERE relation = '{HEAD}' AND household_id IN ({})
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
