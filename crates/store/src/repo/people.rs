use taizhang_core::id_number::{Gender, IdNumber};
use taizhang_core::mobile::Mobile;
use taizhang_core::model::*;
use taizhang_core::search_keys::{Query, Term, name_keys, normalize_query, person_terms};
use taizhang_core::{Error, Result};

use super::audit;
use super::sql::{CHUNK, Filter, contains, like_escape, offset, scope};
use crate::conn::{Conn, DbError, DbResult, Row, Value, params};
use crate::migrate::Engine;

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

/// Matches counted in the text index before a plan is chosen; past this
/// many, a search is "very common" and its total an estimate or a bound.
const MATCH_CAP: i64 = 20_000;

/// The people search: the rule of `search_keys::Query`, answered by the
/// engine's text index (SQLite FTS5, PostgreSQL GIN) or by a scan of the
/// scope, whichever reads fewer rows; people in pinyin order, a page at a
/// time by offset or after a cursor (name pinyin, id).
pub fn search(c: &mut dyn Conn, q: &PersonQuery) -> Result<Page<Person>> {
    let query = Query::parse(&normalize_query(&q.text), q.id_numbers);
    let per = q.per_page.max(1);
    if matches!(&query, Some(Query::Tail { any }) if any.is_empty()) {
        return Ok(Page::new(Vec::new(), 0, q.page, per));
    }
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(org_id) = q.org_id {
        f.and("p.org_id = ?", org_id);
    }
    let skip = if q.after.is_some() { 0 } else { offset(q.page, per) };
    let (in_scope, everyone) = tallies(c, &q.scope_path, q.org_id)?;
    let Plan { from, count_from, total } = match c.engine() {
        Engine::Sqlite => plan_sqlite(c, query.as_ref(), &mut f, in_scope, everyone, skip + i64::from(per))?,
        Engine::Postgres => plan_postgres(query.as_ref(), &mut f),
    };
    let (total, exact) = match total {
        Total::Tally => (in_scope, true),
        Total::Estimate(n) if !q.exact_total => (n, false),
        Total::Capped if !q.exact_total => {
            let cap = MATCH_CAP + 1;
            let n = c
                .query_one(&format!("SELECT COUNT(*) AS n FROM (SELECT 1 {from}{} LIMIT {cap}) x", f.and_clause()), &f.args)?
                .i64("n")?;
            (n, n <= MATCH_CAP)
        }
        _ => (c.query_one(&format!("SELECT COUNT(*) AS n {count_from}{}", f.and_clause()), &f.args)?.i64("n")?, true),
    };
    if let Some(after) = &q.after {
        let (a, b) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
        f.and_sql(format!("(p.name_pinyin, p.id) > ({a}, {b})"));
    }
    let (limit, skip) = (f.bind(i64::from(per) + 1), f.bind(skip));
    let rows = c.query(
        &format!("SELECT {COLUMNS} {from}{} ORDER BY p.name_pinyin, p.id LIMIT {limit} OFFSET {skip}", f.and_clause()),
        &f.args,
    )?;
    let mut items = rows.iter().map(from_row).collect::<DbResult<Vec<Person>>>()?;
    let next = (items.len() > per as usize).then(|| {
        items.truncate(per as usize);
        let last = &items[items.len() - 1];
        Cursor(vec![name_keys(&last.name).0, last.id.to_string()]).encode()
    });
    Ok(Page { items, total: total.max(0) as u64, total_exact: exact, page: q.page, per_page: per, next })
}

/// A plan the tests choose for SQLite's people search (0: by cost; 1: the
/// index; 2: the scope; 3: pinyin order), to check each against a scan.
pub static FORCED_PLAN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// How a list's total is found.
enum Total {
    /// The per-org tallies of the scope (no search).
    Tally,
    /// Counted, up to `MATCH_CAP`; past it, a lower bound.
    Capped,
    /// An estimate of very many matches.
    Estimate(i64),
    /// Counted.
    Count,
}

/// People of the scope (or of one org in it) and of the whole register,
/// from the per-org tallies.
fn tallies(c: &mut dyn Conn, scope_path: &str, org_id: Option<Id>) -> Result<(i64, i64)> {
    let one_org = if org_id.is_some() { " AND o.id = $2" } else { "" };
    let mut args = vec![scope(scope_path)];
    args.extend(org_id.map(Value::Int));
    let row = c.query_one(
        &format!(
            "SELECT CAST(COALESCE(SUM(CASE WHEN o.path LIKE $1 ESCAPE '\\'{one_org} THEN t.persons END), 0) AS BIGINT)
                        AS scope,
                    CAST(COALESCE(SUM(t.persons), 0) AS BIGINT) AS everyone
             FROM org_tallies t JOIN orgs o ON o.id = t.org_id"
        ),
        &args,
    )?;
    Ok((row.i64("scope")?, row.i64("everyone")?))
}

const IN_SCOPE: &str = "p.org_id IN (SELECT id FROM orgs WHERE path LIKE $1 ESCAPE '\\')";

/// A term as a LIKE pattern over `' ' || search_terms || ' '`.
fn term_pattern(t: &Term) -> String {
    if t.prefix { format!("% {}%", like_escape(&t.text)) } else { format!("% {} %", like_escape(&t.text)) }
}

/// The query's rule as a condition on each row (`p`), without the index.
pub(super) fn row_condition(query: &Query, f: &mut Filter) -> String {
    const TERMS: &str = "(' ' || p.search_terms || ' ')";
    match query {
        Query::Name { text, .. } => format!("lower(p.name) LIKE {} ESCAPE '\\'", f.bind(contains(text))),
        Query::Pinyin(t) => format!("{TERMS} LIKE {} ESCAPE '\\'", f.bind(term_pattern(t))),
        Query::Tail { any } if any.is_empty() => "1 = 0".to_owned(),
        Query::Tail { any } => {
            let any: Vec<String> =
                any.iter().map(|t| format!("{TERMS} LIKE {} ESCAPE '\\'", f.bind(term_pattern(t)))).collect();
            format!("({})", any.join(" OR "))
        }
    }
}

/// The query's terms joined for an engine's index: each term as `term`
/// writes it, joined by `and` (a name's pairs) or `or` (the tails). None
/// when no term can be used.
fn index_query(query: &Query, term: impl Fn(&Term) -> String, and: &str, or: &str) -> Option<String> {
    let join = |terms: &[Term], by: &str| terms.iter().map(&term).collect::<Vec<_>>().join(by);
    match query {
        Query::Name { all, .. } if !all.is_empty() => Some(join(all, and)),
        Query::Name { .. } => None,
        Query::Pinyin(t) => Some(term(t)),
        Query::Tail { any } => Some(join(any, or)),
    }
}

/// SQLite: the plan that reads the fewest rows, by the tallies and the
/// number of matches in the FTS index (counted up to `MATCH_CAP`):
/// - the index's matches, then sorted (about `matches` rows);
/// - the scope's people, then sorted (`in_scope` rows);
/// - the register in pinyin order until `wanted` rows are found (`wanted`
///   divided by the share of the register in scope that matches).
fn plan_sqlite(
    c: &mut dyn Conn,
    query: Option<&Query>,
    f: &mut Filter,
    in_scope: i64,
    everyone: i64,
    wanted: i64,
) -> Result<Plan> {
    let everyone = everyone.max(1);
    let index = query.and_then(|q| {
        index_query(q, |t| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" }), " AND ", " OR ")
    });
    let found = match &index {
        Some(m) => Some(
            c.query_one(
                "SELECT COUNT(*) AS n FROM (SELECT rowid FROM person_search WHERE person_search MATCH $1 LIMIT $2)",
                params![m.clone(), MATCH_CAP + 1],
            )?
            .i64("n")?,
        ),
        None => None,
    };
    let matches = found.unwrap_or(everyone).max(1);
    let share = (matches as f64 / everyone as f64) * (in_scope.max(1) as f64 / everyone as f64);
    let by_pinyin = wanted as f64 / share.max(1e-9);
    let by_scope = in_scope as f64;
    let by_index = found.map_or(f64::INFINITY, |_| matches as f64);
    let index_from = |m: &str| {
        format!(
            "FROM (SELECT rowid AS id FROM person_search WHERE person_search MATCH {m}) m
             CROSS JOIN persons p ON p.id = m.id WHERE {IN_SCOPE}"
        )
    };
    let scope_from = "FROM orgs o CROSS JOIN persons p INDEXED BY persons_org ON p.org_id = o.id
             WHERE o.path LIKE $1 ESCAPE '\\'";
    let (by_index, by_scope, by_pinyin) = match FORCED_PLAN.load(std::sync::atomic::Ordering::Relaxed) {
        1 => (0.0, 1.0, 1.0),
        2 => (f64::INFINITY, 0.0, 1.0),
        3 => (f64::INFINITY, 1.0, 0.0),
        _ => (by_index, by_scope, by_pinyin),
    };
    let m = index.map(|m| f.bind(m));
    // A plan that does not read the index still names its bound match, so
    // that every plan takes the same parameters.
    let unread = m.as_ref().map(|m| format!(" AND {m} <> ''")).unwrap_or_default();
    let from = match &m {
        Some(m) if by_index <= by_scope && by_index <= by_pinyin => index_from(m),
        _ if by_scope <= by_pinyin => format!("{scope_from}{unread}"),
        _ => format!("FROM persons p INDEXED BY persons_pinyin WHERE {IN_SCOPE}{unread}"),
    };
    // A total is counted the cheaper way: over the index's matches or the scope.
    let count_from = match &m {
        Some(m) if by_index <= by_scope => index_from(m),
        _ => format!("{scope_from}{unread}"),
    };
    if let Some(query) = query {
        let condition = row_condition(query, f);
        f.and_sql(condition);
    }
    let total = match (query, found) {
        (None, _) => Total::Tally,
        // Very common in a large scope: the matches in the index, in the scope's share.
        (Some(_), Some(found)) if found.min(in_scope) > MATCH_CAP => {
            Total::Estimate(((found as f64 * in_scope as f64 / everyone as f64).round() as i64).max(1))
        }
        _ => Total::Count,
    };
    Ok(Plan { from, count_from, total })
}

/// Where a search reads its rows and its total.
struct Plan {
    from: String,
    count_from: String,
    total: Total,
}

/// PostgreSQL: one query; its planner weighs the GIN index against the
/// pinyin order and the scope with the statistics it keeps.
fn plan_postgres(query: Option<&Query>, f: &mut Filter) -> Plan {
    let Some(query) = query else {
        let from = format!("FROM persons p WHERE {IN_SCOPE}");
        return Plan { count_from: from.clone(), from, total: Total::Tally };
    };
    if let Some(ts) = index_query(query, |t| format!("'{}'{}", t.text, if t.prefix { ":*" } else { "" }), " & ", " | ") {
        let at = f.bind(ts);
        f.and_sql(format!("array_to_tsvector(string_to_array(p.search_terms, ' ')) @@ CAST({at} AS TEXT)::tsquery"));
    }
    if matches!(query, Query::Name { .. }) {
        let condition = row_condition(query, f);
        f.and_sql(condition);
    }
    let from = format!("FROM persons p WHERE {IN_SCOPE}");
    Plan { count_from: from.clone(), from, total: Total::Capped }
}

/// Fills the search terms of people written before they existed, in chunks.
pub fn fill_search_terms(c: &mut dyn Conn) -> Result<()> {
    loop {
        let rows = c.query(
            &format!("SELECT id, name, mobile, id_number FROM persons WHERE search_terms IS NULL ORDER BY id LIMIT {CHUNK}"),
            &[],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        crate::transaction(c, |c| {
            for r in &rows {
                let terms = person_terms(
                    &r.text("name")?,
                    r.opt_text("mobile")?.as_deref(),
                    r.opt_text("id_number")?.as_deref(),
                );
                c.execute("UPDATE persons SET search_terms = $1 WHERE id = $2", params![terms, r.i64("id")?])?;
            }
            Ok(())
        })?;
    }
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
        person_terms(&f.name, f.mobile.as_ref().map(|m| m.as_str()), f.id_number.as_ref().map(|n| n.as_str())),
    ]
    .to_vec()
}

pub fn create(c: &mut dyn Conn, f: &PersonFields, ctx: &AuditCtx) -> Result<Person> {
    let id = c
        .query_one(
            "INSERT INTO persons (org_id, name, name_pinyin, name_initials, gender, birth_date, id_number, mobile,
                                  party_member, notes, created_at, updated_at, id_number_pending, search_terms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13) RETURNING id",
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
                id_number_pending = $12, search_terms = $13
         WHERE id = $14",
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
