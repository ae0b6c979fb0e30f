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

/// Matches counted in the text index before a plan is chosen. Past this
/// many, a search is "very common": it is answered in the list's order with
/// a check of each row (a page is full after a few hundred rows), and its
/// total is an estimate unless asked for exactly.
const MATCH_CAP: i64 = 5_000;

/// The order of the people list: org by org in path order (a grid's people
/// together, as a roster reads), by pinyin within each. Both engines read it
/// from the orgs' path index and `persons_org` (org, pinyin; id) without
/// sorting the subtree.
const ORDER: &str = "o.path, o.id, p.name_pinyin, p.id";

/// The people search: the rule of `search_keys::Query`, answered by the
/// engine's text index (SQLite FTS5, PostgreSQL GIN) or by reading the list
/// in order with a check of each row, whichever reads fewer rows; a page at
/// a time by offset or after a cursor (org path, org, pinyin, id).
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
    let plan = match c.engine() {
        Engine::Sqlite => plan_sqlite(c, query.as_ref(), &mut f, in_scope, everyone, skip + i64::from(per))?,
        Engine::Postgres => plan_postgres(c, query.as_ref(), &mut f, in_scope, everyone, skip + i64::from(per))?,
    };
    let count = |c: &mut dyn Conn, from: &str, f: &Filter, cap: Option<i64>| -> Result<i64> {
        let sql = match cap {
            Some(cap) => format!("SELECT COUNT(*) AS n FROM (SELECT 1 {from}{} LIMIT {}) x", f.and_clause(), cap + 1),
            None => format!("SELECT COUNT(*) AS n {from}{}", f.and_clause()),
        };
        Ok(c.query_one(&sql, &f.args)?.i64("n")?)
    };
    let (total, exact) = match plan.total {
        Total::Tally => (in_scope, true),
        Total::Estimate(n) if !q.exact_total => (n, false),
        Total::Capped if !q.exact_total => match count(c, &plan.count_from, &f, Some(MATCH_CAP))? {
            n if n <= MATCH_CAP => (n, true),
            n if c.engine() == Engine::Postgres => (estimate_postgres(c, &plan.count_from, &f)?.max(n), false),
            n => (n, false),
        },
        _ => (count(c, &plan.count_from, &f, None)?, true),
    };
    let rows = if plan.org_by_org {
        rows_org_by_org(c, q, query.as_ref(), i64::from(per) + 1, skip)?
    } else {
        if let Some(after) = &q.after {
            let (path, org) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
            let (pinyin, id) = (f.bind(after.text(2)?), f.bind(after.int(3)?));
            f.and_sql(format!(
                "((o.path, o.id) > ({path}, {org})
                  OR (o.path = {path} AND o.id = {org} AND (p.name_pinyin, p.id) > ({pinyin}, {id})))"
            ));
        }
        let (limit, skip) = (f.bind(i64::from(per) + 1), f.bind(skip));
        c.query(
            &format!(
                "SELECT {COLUMNS}, o.path AS org_path, p.name_pinyin {}{} ORDER BY {ORDER} LIMIT {limit} OFFSET {skip}",
                plan.from,
                f.and_clause()
            ),
            &f.args,
        )?
    };
    let more = rows.len() > per as usize;
    let rows = &rows[..rows.len().min(per as usize)];
    let next = match rows.last() {
        Some(r) if more => Some(
            Cursor(vec![
                r.text("org_path")?,
                r.i64("org_id")?.to_string(),
                r.text("name_pinyin")?,
                r.i64("id")?.to_string(),
            ])
            .encode(),
        ),
        _ => None,
    };
    let items = rows.iter().map(from_row).collect::<DbResult<Vec<Person>>>()?;
    Ok(Page { items, total: total.max(0) as u64, total_exact: exact, page: q.page, per_page: per, next })
}

/// A plan the tests choose for the people search (0: by cost; 1: the
/// index; 2: the list's order), to check each against a scan.
pub static FORCED_PLAN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The plan a test forced: whether to read the index (when the query has
/// terms for it).
fn forced_plan(found: Option<i64>) -> Option<bool> {
    match FORCED_PLAN.load(std::sync::atomic::Ordering::Relaxed) {
        1 => Some(found.is_some()),
        2 => Some(false),
        _ => None,
    }
}

/// Where a search reads its rows and its total.
struct Plan {
    from: String,
    count_from: String,
    total: Total,
    /// Read the list in order one org at a time (PostgreSQL; see
    /// [`rows_org_by_org`]) rather than with `from`.
    org_by_org: bool,
}

/// The list in order, one org at a time: PostgreSQL's planner would rather
/// join and sort the whole subtree than follow the orgs' order (0.4 s for a
/// deep page of 430,000 people). The orgs come in path order from the
/// cursor's on; each org's people from `persons_org`, as many as the page
/// still needs. A page by number skips whole orgs by their tallies (or, in
/// a search, by their matches).
fn rows_org_by_org(
    c: &mut dyn Conn,
    q: &PersonQuery,
    query: Option<&Query>,
    wanted: i64,
    mut skip: i64,
) -> Result<Vec<Row>> {
    if skip == 0 && query.is_none() {
        return rows_in_org_order(c, q, wanted);
    }
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(org_id) = q.org_id {
        f.and("o.id = ?", org_id);
    }
    if let Some(after) = &q.after {
        let (path, org) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
        f.and_sql(format!("(o.path, o.id) >= ({path}, {org})"));
    }
    let orgs = c.query(
        &format!(
            "SELECT o.id, o.path, t.persons FROM orgs o JOIN org_tallies t ON t.org_id = o.id
             WHERE o.path LIKE $1 ESCAPE '\\' AND t.persons > 0{} ORDER BY o.path, o.id",
            f.and_clause()
        ),
        &f.args,
    )?;
    let mut rows = Vec::new();
    for org in &orgs {
        let (id, path) = (org.i64("id")?, org.text("path")?);
        let mut g = Filter::new(vec![Value::Int(id), Value::Text(path)]);
        if let Some(query) = query {
            let condition = row_condition(query, &mut g);
            g.and_sql(condition);
        }
        if let Some(after) = q.after.as_ref().filter(|a| a.int(1).is_ok_and(|o| o == id)) {
            let (pinyin, person) = (g.bind(after.text(2)?), g.bind(after.int(3)?));
            g.and_sql(format!("(p.name_pinyin, p.id) > ({pinyin}, {person})"));
        }
        if skip > 0 {
            let here = match query {
                None => org.i64("persons")?,
                Some(_) => c
                    .query_one(
                        &format!(
                            "SELECT COUNT(*) AS n FROM persons p WHERE p.org_id = $1 AND $2 <> ''{}",
                            g.and_clause()
                        ),
                        &g.args,
                    )?
                    .i64("n")?,
            };
            if here <= skip {
                skip -= here;
                continue;
            }
        }
        let (limit, offset) = (g.bind(wanted - rows.len() as i64), g.bind(skip));
        skip = 0;
        rows.extend(c.query(
            &format!(
                "SELECT {COLUMNS}, CAST($2 AS TEXT) AS org_path, p.name_pinyin FROM persons p WHERE p.org_id = $1{}
                 ORDER BY p.name_pinyin, p.id LIMIT {limit} OFFSET {offset}",
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

/// [`rows_org_by_org`] in one statement, for a list page that skips no
/// rows and searches nothing: only the orgs the page can reach (in path
/// order from the cursor's on, while the people of the orgs before them,
/// by their tallies, do not fill the page), each org's people from
/// `persons_org` (as many as the page holds), sorted together. The orgs
/// are cut by their tallies so that the sort stays small under any plan:
/// PostgreSQL's generic plan expects one org in a scope and sorts whatever
/// the join yields. The tallies are exact (kept by triggers in the writing
/// transaction), so no org that the page needs is cut.
fn rows_in_org_order(c: &mut dyn Conn, q: &PersonQuery, wanted: i64) -> Result<Vec<Row>> {
    let mut f = Filter::new(vec![scope(&q.scope_path)]);
    if let Some(org_id) = q.org_id {
        f.and("o.id = ?", org_id);
    }
    // The people of the cursor's org are not counted: the page may need
    // none of them or all.
    let (mut counted, mut of_org) = ("t.persons".to_owned(), String::new());
    if let Some(after) = &q.after {
        let (path, org) = (f.bind(after.text(0)?), f.bind(after.int(1)?));
        f.and_sql(format!("(o.path, o.id) >= ({path}, {org})"));
        counted = format!("CASE WHEN o.id = {org} THEN 0 ELSE t.persons END");
        let (pinyin, person) = (f.bind(after.text(2)?), f.bind(after.int(3)?));
        of_org = format!(" AND (p.org_id <> {org} OR (p.name_pinyin, p.id) > ({pinyin}, {person}))");
    }
    let (limit, orgs) = (f.bind(wanted), f.bind(wanted + 1));
    Ok(c.query(
        &format!(
            "SELECT {COLUMNS}, o.path AS org_path, p.name_pinyin
             FROM (SELECT o.id, o.path, SUM({counted}) OVER (ORDER BY o.path, o.id ROWS UNBOUNDED PRECEDING)
                          - {counted} AS before
                   FROM orgs o JOIN org_tallies t ON t.org_id = o.id
                   WHERE o.path LIKE $1 ESCAPE '\\' AND t.persons > 0{}
                   ORDER BY o.path, o.id LIMIT {orgs}) o
             CROSS JOIN LATERAL (SELECT p.* FROM persons p WHERE p.org_id = o.id{of_org}
                                 ORDER BY p.name_pinyin, p.id LIMIT {limit}) p
             WHERE o.before < {limit}
             ORDER BY {ORDER} LIMIT {limit}",
            f.and_clause()
        ),
        &f.args,
    )?)
}

/// How a list's total is found.
enum Total {
    /// The per-org tallies of the scope (no search).
    Tally,
    /// Counted up to `MATCH_CAP`; past it, an estimate.
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

/// The people of a subtree, org by org in the list's order.
const IN_ORDER: &str = "FROM orgs o CROSS JOIN persons p INDEXED BY persons_org ON p.org_id = o.id
     WHERE o.path LIKE $1 ESCAPE '\\'";

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

/// The terms an index answers a query with, and whether all of them must
/// be found (a name's characters) or any (the tails). None when no term can
/// be used (a query of punctuation alone).
fn index_terms(query: &Query) -> Option<(&[Term], bool)> {
    match query {
        Query::Name { all, .. } if !all.is_empty() => Some((all, true)),
        Query::Name { .. } => None,
        Query::Pinyin(t) => Some((std::slice::from_ref(t), true)),
        Query::Tail { any } => Some((any, false)),
    }
}

/// The query's terms joined for an engine's index: each term as `term`
/// writes it, joined by `and` or `or`.
fn index_query(query: &Query, term: impl Fn(&Term) -> String, and: &str, or: &str) -> Option<String> {
    let (terms, all) = index_terms(query)?;
    Some(terms.iter().map(term).collect::<Vec<_>>().join(if all { and } else { or }))
}

/// SQLite: the matches in the FTS index are counted (up to `MATCH_CAP`);
/// few are read and sorted, many are found by reading the list in order and
/// checking each row, which fills a page after a few hundred rows.
fn plan_sqlite(
    c: &mut dyn Conn,
    query: Option<&Query>,
    f: &mut Filter,
    in_scope: i64,
    everyone: i64,
    wanted: i64,
) -> Result<Plan> {
    let Some(query) = query else {
        return Ok(Plan {
            from: IN_ORDER.to_owned(),
            count_from: IN_ORDER.to_owned(),
            total: Total::Tally,
            org_by_org: false,
        });
    };
    let index = Index {
        expr: index_query(query, |t| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" }), " AND ", " OR "),
        count: "SELECT COUNT(*) AS n FROM (SELECT rowid FROM person_search WHERE person_search MATCH $1 LIMIT $2)",
        from: |m| {
            format!(
                "FROM (SELECT rowid AS id FROM person_search WHERE person_search MATCH {m}) m
                 CROSS JOIN persons p ON p.id = m.id JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE $1 ESCAPE '\\'"
            )
        },
        in_order: IN_ORDER,
    };
    let (mut plan, found) = plan_with(c, query, f, in_scope, everyone, wanted, &index)?;
    // SQLite's list in order is one query (it follows the orgs' order).
    plan.org_by_org = false;
    if matches!(plan.total, Total::Capped) && found.is_some() {
        // Very common in a large scope: the matches in the index, in the scope's share.
        let share = in_scope as f64 / everyone.max(1) as f64;
        plan.total = Total::Estimate(((estimate_sqlite(c, query)? as f64 * share).round() as i64).max(MATCH_CAP));
    }
    Ok(plan)
}

/// What an engine's text index brings to a search's plan.
struct Index {
    /// The query in the index's own syntax; none when it has no terms.
    expr: Option<String>,
    /// Counts the index's matches of `$1`, up to `$2` rows.
    count: &'static str,
    /// The FROM of the index's matches, given the placeholder of `expr`.
    from: fn(&str) -> String,
    /// The FROM of the list in its order.
    in_order: &'static str,
}

/// The plan of a search on either engine. The matches are counted in the
/// index (up to `MATCH_CAP`); the index's matches are read and sorted when
/// that reads fewer rows than the list in order until `wanted` rows are
/// found (matches spread over the register). A total is counted the same
/// cheaper way, or is left `Capped` when both would read many rows.
fn plan_with(
    c: &mut dyn Conn,
    query: &Query,
    f: &mut Filter,
    in_scope: i64,
    everyone: i64,
    wanted: i64,
    index: &Index,
) -> Result<(Plan, Option<i64>)> {
    let found = match &index.expr {
        Some(expr) => Some(c.query_one(index.count, params![expr.clone(), MATCH_CAP + 1])?.i64("n")?),
        None => None,
    };
    let everyone = everyone.max(1);
    let by_index = found.filter(|n| *n <= MATCH_CAP).map_or(f64::INFINITY, |n| n as f64);
    let by_order = (in_scope as f64).min(wanted as f64 * everyone as f64 / found.unwrap_or(1).max(1) as f64);
    let use_index = forced_plan(found).unwrap_or(by_index <= by_order);
    let at = index.expr.clone().map(|expr| f.bind(expr));
    // A plan that does not read the index still names its bound expression,
    // so that every plan takes the same parameters.
    let in_order = match &at {
        Some(at) => format!("{} AND {at} <> ''", index.in_order),
        None => index.in_order.to_owned(),
    };
    let from = match &at {
        Some(at) if use_index => (index.from)(at),
        _ => in_order.clone(),
    };
    let condition = row_condition(query, f);
    f.and_sql(condition);
    let (count_from, total) = match (&at, found) {
        (Some(at), Some(n)) if n <= MATCH_CAP => ((index.from)(at), Total::Count),
        _ if in_scope <= MATCH_CAP => (in_order, Total::Count),
        _ => (in_order, Total::Capped),
    };
    Ok((Plan { from, count_from, total, org_by_org: !(use_index && at.is_some()) }, found))
}

/// The people with a query's terms in the whole register, from the FTS
/// index's term counts: the rarest of a name's characters, or the sum over
/// the terms a prefix or a tail stands for.
fn estimate_sqlite(c: &mut dyn Conn, query: &Query) -> Result<i64> {
    let Some((terms, all)) = index_terms(query) else {
        return Ok(0);
    };
    let mut counts = Vec::new();
    for t in terms {
        let row = if t.prefix {
            // Terms are letters, digits, `#` and `!`: `~` sorts after every one.
            c.query_one(
                "SELECT CAST(COALESCE(SUM(doc), 0) AS BIGINT) AS n FROM person_search_terms WHERE term >= $1 AND term < $2",
                params![t.text.clone(), format!("{}~", t.text)],
            )?
        } else {
            c.query_one(
                "SELECT CAST(COALESCE(SUM(doc), 0) AS BIGINT) AS n FROM person_search_terms WHERE term = $1",
                params![t.text.clone()],
            )?
        };
        counts.push(row.i64("n")?);
    }
    Ok(if all { counts.into_iter().min().unwrap_or(0) } else { counts.into_iter().sum() })
}

/// PostgreSQL's estimate of the rows a query returns (its plan's first line:
/// `... rows=N ...`).
fn estimate_postgres(c: &mut dyn Conn, from: &str, f: &Filter) -> Result<i64> {
    let rows = c.query(&format!("EXPLAIN SELECT 1 {from}{}", f.and_clause()), &f.args)?;
    let line = rows.first().map(|r| r.text("QUERY PLAN")).transpose()?.unwrap_or_default();
    Ok(line
        .split("rows=")
        .nth(1)
        .and_then(|rest| rest.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0))
}

/// PostgreSQL, as on SQLite: the matches in the GIN index are counted (up
/// to `MATCH_CAP`, by the index: connections plan each statement with its
/// values); few are read and sorted, many are found by reading the list in
/// order and checking each row.
fn plan_postgres(
    c: &mut dyn Conn,
    query: Option<&Query>,
    f: &mut Filter,
    in_scope: i64,
    everyone: i64,
    wanted: i64,
) -> Result<Plan> {
    const ORDERED: &str = "FROM orgs o JOIN persons p ON p.org_id = o.id WHERE o.path LIKE $1 ESCAPE '\\'";
    let Some(query) = query else {
        return Ok(Plan {
            from: ORDERED.to_owned(),
            count_from: ORDERED.to_owned(),
            total: Total::Tally,
            org_by_org: true,
        });
    };
    let index = Index {
        expr: index_query(query, |t| format!("'{}'{}", t.text, if t.prefix { ":*" } else { "" }), " & ", " | "),
        count: "SELECT COUNT(*) AS n FROM (SELECT 1 FROM persons
                WHERE array_to_tsvector(string_to_array(search_terms, ' ')) @@ CAST($1 AS TEXT)::tsquery LIMIT $2) x",
        from: |at| {
            format!(
                "FROM (SELECT id FROM persons
                       WHERE array_to_tsvector(string_to_array(search_terms, ' ')) @@ CAST({at} AS TEXT)::tsquery
                       OFFSET 0) m
                 JOIN persons p ON p.id = m.id JOIN orgs o ON o.id = p.org_id WHERE o.path LIKE $1 ESCAPE '\\'"
            )
        },
        in_order: ORDERED,
    };
    Ok(plan_with(c, query, f, in_scope, everyone, wanted, &index)?.0)
}

/// Fills the search terms of people written before they existed, in chunks.
pub fn fill_search_terms(c: &mut dyn Conn) -> Result<()> {
    loop {
        let rows = c.query(
            &format!(
                "SELECT id, name, mobile, id_number FROM persons WHERE search_terms IS NULL ORDER BY id LIMIT {CHUNK}"
            ),
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
