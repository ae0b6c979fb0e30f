use taizhang_core::id_number::{Gender, IdNumber};
use taizhang_core::mobile::Mobile;
use taizhang_core::model::*;
use taizhang_core::search_keys::name_keys;
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{Filter, contains, like_escape, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};

const COLUMNS: &str = "p.id, p.org_id, p.name, p.gender, p.birth_date, p.id_number, p.id_number_pending, p.mobile, p.party_member, p.notes, p.created_at, p.updated_at";

pub(super) fn from_row(row: &Row) -> DbResult<Person> {
    Ok(Person {
        id: row.i64("id")?,
        org_id: row.i64("org_id")?,
        name: row.text("name")?,
        gender: row.opt_text("gender")?.and_then(|g| Gender::parse(&g)),
        birth_date: row.opt_date("birth_date")?,
        id_number: row.opt_text("id_number")?.map(IdNumber::from_stored),
        id_number_pending: row.opt_text("id_number_pending")?.map(IdNumber::from_stored),
        mobile: row.opt_text("mobile")?.map(Mobile::from_stored),
        party_member: row.bool("party_member")?,
        notes: row.text("notes")?,
        created_at: row.ts("created_at")?,
        updated_at: row.ts("updated_at")?,
    })
}

/// Maps a broken uniqueness rule to the field the user can fix.
fn unique_to_conflict(e: DbError) -> Error {
    match e {
        DbError::Unique(msg) if msg.contains("id_number") => {
            Error::conflict("id_number", "该身份证号已登记，请勿重复录入")
        }
        other => other.into(),
    }
}

pub fn get(c: &mut dyn Conn, id: Id) -> Result<Option<Person>> {
    let row = c.query_opt(&format!("SELECT {COLUMNS} FROM persons p WHERE p.id = $1"), params![id])?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The person who holds an ID number, anywhere in the register.
pub fn by_id_number(c: &mut dyn Conn, number: &IdNumber) -> Result<Option<Person>> {
    let row =
        c.query_opt(&format!("SELECT {COLUMNS} FROM persons p WHERE p.id_number = $1"), params![number.as_str()])?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

pub fn search(c: &mut dyn Conn, q: &PersonQuery) -> Result<Page<Person>> {
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(org_id) = q.org_id {
        f.and("p.org_id = ?", org_id);
    }
    let text = q.text.trim();
    if !text.is_empty() {
        let esc = like_escape(text);
        if text.len() == 11 && text.chars().all(|ch| ch.is_ascii_digit()) {
            // A whole phone number.
            f.and("p.mobile = ?", text);
        } else if text.chars().all(|ch| ch.is_ascii_digit()) {
            // Digits: the tail of a phone number.
            f.and("p.mobile LIKE ? ESCAPE '\\'", format!("%{esc}"));
        } else {
            let (a, b) = (f.bind(contains(text)), f.bind(format!("{esc}%")));
            f.and_sql(format!(
                "(p.name LIKE {a} ESCAPE '\\' OR p.name_pinyin LIKE {a} ESCAPE '\\' OR p.name_initials LIKE {b} ESCAPE '\\')"
            ));
        }
    }
    let sql =
        format!("FROM persons p JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE $1 ESCAPE '\\'{}", f.and_clause());
    let total = c.query_one(&format!("SELECT COUNT(*) AS n {sql}"), &f.args)?.i64("n")?;
    let page = f.page(q.page, q.per_page);
    let rows = c.query(&format!("SELECT {COLUMNS} {sql} ORDER BY p.name_pinyin, p.id{page}"), &f.args)?;
    Ok(Page {
        items: rows.iter().map(from_row).collect::<DbResult<_>>()?,
        total: total as u64,
        page: q.page,
        per_page: q.per_page,
    })
}

fn field_params(f: &PersonFields, ctx: &AuditCtx) -> Vec<Value> {
    let (pinyin, initials) = name_keys(&f.name);
    params![
        f.org_id,
        &f.name,
        pinyin,
        initials,
        f.gender.map(|g| g.as_str()),
        f.birth_date,
        f.id_number.as_ref().map(|n| n.as_str().to_owned()),
        f.mobile.as_ref().map(|m| m.as_str().to_owned()),
        f.party_member,
        &f.notes,
        ctx.at,
        f.id_number_pending.as_ref().map(|n| n.as_str().to_owned()),
    ]
    .to_vec()
}

pub fn create(c: &mut dyn Conn, f: &PersonFields, ctx: &AuditCtx) -> Result<Person> {
    let id = c
        .query_one(
            "INSERT INTO persons (org_id, name, name_pinyin, name_initials, gender, birth_date, id_number, mobile,
                                  party_member, notes, created_at, updated_at, id_number_pending)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
            &field_params(f, ctx),
        )
        .map_err(unique_to_conflict)?
        .i64("id")?;
    let person = get(c, id)?.ok_or(Error::NotFound)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "person").entity_id(id).org(person.org_id).after(person.audit_json()),
    )?;
    Ok(person)
}

pub fn update(c: &mut dyn Conn, id: Id, f: &PersonFields, ctx: &AuditCtx) -> Result<Person> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let mut args = field_params(f, ctx);
    args.push(id.into());
    c.execute(
        "UPDATE persons SET org_id = $1, name = $2, name_pinyin = $3, name_initials = $4, gender = $5,
                birth_date = $6, id_number = $7, mobile = $8, party_member = $9, notes = $10, updated_at = $11,
                id_number_pending = $12
         WHERE id = $13",
        &args,
    )
    .map_err(unique_to_conflict)?;
    let after = get(c, id)?.ok_or(Error::NotFound)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "update", "person")
            .entity_id(id)
            .org(after.org_id)
            .before(before.audit_json())
            .after(after.audit_json()),
    )?;
    Ok(after)
}

/// Records that name a person and keep them from being deleted: (table, column, what).
const REFERENCES: &[(&str, &str, &str)] = &[
    ("activity_participants", "person_id", "工作台账的参加人员"),
    ("duties", "person_id", "职责分工"),
    ("pledges", "signer_id", "责任状"),
    ("person_statuses", "person_id", "排查记录"),
    ("key_persons", "person_id", "重点人群"),
    ("care_plans", "person_id", "一人一策"),
    ("care_plans", "cadre_id", "一人一策的责任人"),
    ("follow_ups", "person_id", "随访记录"),
    ("health_checks", "person_id", "健康监测"),
];

pub fn delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let before = get(c, id)?.ok_or(Error::NotFound)?;
    let mut used = Vec::new();
    for (table, column, what) in REFERENCES {
        let n =
            c.query_one(&format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1"), params![id])?.i64("n")?;
        if n > 0 {
            used.push(format!("{what}（{n}条）"));
        }
    }
    if !used.is_empty() {
        return Err(Error::conflict(
            "id",
            format!("{}已记入{}，不能删除；如已离开，请结束其任职", before.name, used.join("、")),
        ));
    }
    c.execute("DELETE FROM memberships WHERE person_id = $1", params![id])?;
    c.execute("DELETE FROM residents WHERE person_id = $1", params![id])?;
    c.execute("DELETE FROM persons WHERE id = $1", params![id])?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "person").entity_id(id).org(before.org_id).before(before.audit_json()),
    )
}

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.person_id, p.name AS person_name, m.org_id, o.name AS org_name, m.role,
        m.started_on, m.ended_on, m.note
     FROM memberships m JOIN persons p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id";

fn membership_from_row(row: &Row) -> DbResult<Membership> {
    Ok(Membership {
        id: row.i64("id")?,
        person_id: row.i64("person_id")?,
        person_name: row.text("person_name")?,
        org_id: row.i64("org_id")?,
        org_name: row.text("org_name")?,
        role: row.text("role")?,
        started_on: row.opt_date("started_on")?,
        ended_on: row.opt_date("ended_on")?,
        note: row.text("note")?,
    })
}

pub fn membership_get(c: &mut dyn Conn, id: Id) -> Result<Option<Membership>> {
    let row = c.query_opt(&format!("{MEMBERSHIP_SELECT} WHERE m.id = $1"), params![id])?;
    Ok(row.as_ref().map(membership_from_row).transpose()?)
}

pub fn memberships_where(c: &mut dyn Conn, condition: &str, id: Id) -> Result<Vec<Membership>> {
    let rows = c.query(&format!("{MEMBERSHIP_SELECT} WHERE {condition} ORDER BY o.path, m.id"), params![id])?;
    Ok(rows.iter().map(membership_from_row).collect::<DbResult<_>>()?)
}

pub fn membership_create(c: &mut dyn Conn, new: &NewMembership, ctx: &AuditCtx) -> Result<Membership> {
    let id = c
        .query_one(
            "INSERT INTO memberships (person_id, org_id, role, started_on, note, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            params![new.person_id, new.org_id, &new.role, new.started_on, &new.note, ctx.at],
        )
        .map_err(|e| match e {
            // memberships_open_unique: the same open role twice.
            DbError::Unique(_) => Error::conflict("role", format!("该人员已在该组织担任{}", new.role)),
            other => other.into(),
        })?
        .i64("id")?;
    let m = membership_get(c, id)?.ok_or(Error::NotFound)?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "create", "membership")
            .entity_id(id)
            .org(m.org_id)
            .after(serde_json::to_value(&m).unwrap_or_default()),
    )?;
    Ok(m)
}

pub fn membership_delete(c: &mut dyn Conn, id: Id, ctx: &AuditCtx) -> Result<()> {
    let m = membership_get(c, id)?.ok_or(Error::NotFound)?;
    c.execute("DELETE FROM memberships WHERE id = $1", params![id])?;
    audit::append(
        c,
        &AuditRecord::new(ctx, "delete", "membership")
            .entity_id(id)
            .org(m.org_id)
            .before(serde_json::to_value(&m).unwrap_or_default()),
    )
}
