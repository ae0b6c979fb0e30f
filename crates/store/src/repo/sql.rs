//! The helpers every repository shares, written once: the scope pattern of
//! an org subtree, placeholders and conditions, multi-row inserts, and the
//! audit entry of a change.

use serde::Serialize;
use taizhang_core::Result;
use taizhang_core::model::{AuditCtx, AuditRecord, Id};

use super::audit;
use crate::conn::{Conn, DbResult, Value};
use crate::migrate::Engine;

/// Rows per multi-row statement: well inside both engines' parameter limits.
pub const CHUNK: usize = 500;

/// Runs `f` with its statements planned for their values when `search`
/// (see [`Conn::plan_for_values`]): how many rows a search's terms match
/// decides its plan, from a few thousand to a million in one county. The
/// engine's own choice is back afterwards, also when `f` fails.
pub fn planned_for_values<T>(c: &mut dyn Conn, search: bool, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    if !search {
        return f(c);
    }
    c.plan_for_values(true)?;
    let result = f(c);
    let reset = c.plan_for_values(false);
    let value = result?;
    reset?;
    Ok(value)
}

/// Offset of a page in a result set.
pub fn offset(page: u32, per_page: u32) -> i64 {
    i64::from(page.saturating_sub(1)) * i64::from(per_page)
}

/// Escapes `%`, `_` and `\` for use inside a LIKE pattern (with ESCAPE '\').
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The pattern of an org subtree, for `o.path LIKE $n ESCAPE '\'`: every org
/// whose materialised path starts with `path`.
pub fn scope(path: &str) -> Value {
    format!("{}%", like_escape(path)).into()
}

/// The pattern of `text` anywhere in a column (`LIKE $n ESCAPE '\'`).
pub fn contains(text: &str) -> Value {
    format!("%{}%", like_escape(text)).into()
}

/// `$from, $from+1, ...` for `n` values.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The values of a list of ids, to bind after [`placeholders`].
pub fn id_values(ids: &[Id]) -> Vec<Value> {
    ids.iter().map(|id| Value::Int(*id)).collect()
}

/// Conditions joined with AND, their values bound in order after the
/// values the caller's own SQL already uses.
#[derive(Default)]
pub struct Filter {
    conditions: Vec<String>,
    pub args: Vec<Value>,
}

impl Filter {
    /// A filter whose SQL already binds `args` as `$1 ... $n`.
    pub fn new(args: Vec<Value>) -> Filter {
        Filter { conditions: Vec::new(), args }
    }

    /// Binds a value; returns its placeholder.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// Adds a condition whose `?` stands for `value`.
    pub fn and(&mut self, condition: &str, value: impl Into<Value>) {
        let at = self.bind(value);
        self.conditions.push(condition.replace('?', &at));
    }

    /// Adds a condition without a value of its own.
    pub fn and_sql(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// Adds `column IN (...)` over `values`, each bound.
    pub fn and_in(&mut self, column: &str, values: impl IntoIterator<Item = Value>) {
        let at: Vec<String> = values.into_iter().map(|v| self.bind(v)).collect();
        self.conditions.push(format!("{column} IN ({})", at.join(", ")));
    }

    /// ` AND a AND b`, to follow a WHERE of the caller's own ("" without conditions).
    pub fn and_clause(&self) -> String {
        self.conditions.iter().map(|c| format!(" AND {c}")).collect()
    }

    /// `WHERE a AND b` ("" without conditions).
    pub fn where_clause(&self) -> String {
        if self.conditions.is_empty() { String::new() } else { format!("WHERE {}", self.conditions.join(" AND ")) }
    }

    /// ` LIMIT $n OFFSET $m` of a page, bound after the conditions' values.
    pub fn page(&mut self, page: u32, per_page: u32) -> String {
        let limit = self.bind(i64::from(per_page));
        let offset = self.bind(offset(page, per_page));
        format!(" LIMIT {limit} OFFSET {offset}")
    }
}

/// `head VALUES (...), (...) suffix`, [`CHUNK`] rows per statement (`suffix`:
/// an ON CONFLICT clause or nothing); the rows the statements changed.
pub fn insert_rows(
    c: &mut dyn Conn,
    head: &str,
    suffix: &str,
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> DbResult<u64> {
    let mut rows = rows.into_iter().peekable();
    let mut changed = 0;
    while rows.peek().is_some() {
        let mut args: Vec<Value> = Vec::new();
        let mut tuples = Vec::new();
        for row in rows.by_ref().take(CHUNK) {
            tuples.push(format!("({})", placeholders(args.len() + 1, row.len())));
            args.extend(row);
        }
        changed += c.execute(&format!("{head} VALUES {} {suffix}", tuples.join(", ")), &args)?;
    }
    Ok(changed)
}

/// Writes new rows into `table` (in the caller's write transaction) and
/// gives back their ids, in the rows' order: the ids are taken first, then
/// the rows written with them by [`Conn::copy_rows`] (one binary COPY on
/// PostgreSQL, multi-row INSERTs on SQLite).
pub fn insert_new(
    c: &mut dyn Conn,
    table: &str,
    columns: &[&str],
    rows: impl ExactSizeIterator<Item = Vec<Value>>,
) -> DbResult<Vec<Id>> {
    if rows.len() == 0 {
        return Ok(Vec::new());
    }
    let n = rows.len() as i64;
    let ids: Vec<Id> = match c.engine() {
        // Drawn from the table's identity sequence.
        Engine::Postgres => c
            .query(&format!("SELECT nextval('{table}_id_seq') AS id FROM generate_series(1, $1)"), &[Value::Int(n)])?
            .iter()
            .map(|r| r.i64("id"))
            .collect::<DbResult<_>>()?,
        // After the largest id the table has had (AUTOINCREMENT keeps it in
        // `sqlite_sequence`, and moves it on as these rows are written); the
        // write transaction keeps every other writer out meanwhile.
        Engine::Sqlite => {
            let top = c
                .query_one(
                    &format!(
                        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0),
                                    COALESCE((SELECT MAX(id) FROM {table}), 0)) AS top"
                    ),
                    &[Value::Text(table.to_owned())],
                )?
                .i64("top")?;
            (top + 1..=top + n).collect()
        }
    };
    let with_id: Vec<&str> = std::iter::once("id").chain(columns.iter().copied()).collect();
    let mut rows = rows.zip(&ids).map(|(mut row, id)| {
        row.insert(0, Value::Int(*id));
        row
    });
    c.copy_rows(table, &with_id, &mut rows)?;
    Ok(ids)
}

/// Writes rows into `table`, a row that conflicts with one already there
/// handled by `on_conflict` (`ON CONFLICT (...) DO UPDATE SET ... excluded...`).
/// SQLite: multi-row INSERTs. PostgreSQL: a COPY into a temporary table
/// (dropped at commit), then one `INSERT ... SELECT` from it.
pub fn upsert_rows(
    c: &mut dyn Conn,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    on_conflict: &str,
) -> DbResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let list = columns.join(", ");
    match c.engine() {
        Engine::Sqlite => {
            insert_rows(c, &format!("INSERT INTO {table} ({list})"), on_conflict, rows)?;
        }
        Engine::Postgres => {
            let staging = format!("{table}_incoming");
            c.execute(
                &format!("CREATE TEMPORARY TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"),
                &[],
            )?;
            c.copy_rows(&staging, columns, &mut rows.into_iter())?;
            c.execute(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM {staging} {on_conflict}"), &[])?;
            c.execute(&format!("DROP TABLE {staging}"), &[])?;
        }
    }
    Ok(())
}

/// A value as the audit log keeps it.
pub fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// The audit entry of a change to one record: a create (no `before`), an
/// update (both) or a delete (no `after`). Add a detail before appending.
pub fn change<T: Serialize>(
    ctx: &AuditCtx,
    entity: &str,
    id: Id,
    org_id: Option<Id>,
    before: Option<&T>,
    after: Option<&T>,
) -> AuditRecord {
    let action = match (before, after) {
        (None, _) => "create",
        (Some(_), Some(_)) => "update",
        (Some(_), None) => "delete",
    };
    let mut record = AuditRecord::new(ctx, action, entity).entity_id(id);
    if let Some(org) = org_id {
        record = record.org(org);
    }
    if let Some(b) = before {
        record = record.before(json(b));
    }
    if let Some(a) = after {
        record = record.after(json(a));
    }
    record
}

/// Appends the audit entry of a change (see [`change`]) to one record of an org.
pub fn audit_change<T: Serialize>(
    c: &mut dyn Conn,
    ctx: &AuditCtx,
    entity: &str,
    id: Id,
    org_id: Id,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    audit::append(c, &change(ctx, entity, id, Some(org_id), before, after))
}

/// Appends an entry of another action on one record of an org, with the
/// record as it stands after.
pub fn audit_action<T: Serialize>(
    c: &mut dyn Conn,
    ctx: &AuditCtx,
    action: &str,
    entity: &str,
    id: Id,
    org_id: Id,
    after: &T,
) -> Result<()> {
    audit::append(c, &AuditRecord::new(ctx, action, entity).entity_id(id).org(org_id).after(json(after)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_placeholders() {
        assert_eq!(like_escape("a_b%c\\"), "a\\_b\\%c\\\\");
        assert_eq!(scope("/1/4_/"), Value::Text("/1/4\\_/%".into()));
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        let mut f = Filter::new(vec![scope("/1/")]);
        f.and("a.kind = ?", "x");
        f.and_in("a.id", id_values(&[7, 8]));
        f.and_sql("a.reported_on IS NULL");
        assert_eq!(f.and_clause(), " AND a.kind = $2 AND a.id IN ($3, $4) AND a.reported_on IS NULL");
        assert_eq!(f.page(2, 10), " LIMIT $5 OFFSET $6");
        assert_eq!(f.args.last(), Some(&Value::Int(10)));
        assert_eq!(Filter::default().where_clause(), "");
    }

    /// New rows get the ids given back, in order, after the largest id the
    /// table ever had, and the next row written the usual way comes after them.
    #[test]
    fn new_rows_are_written_with_the_ids_given_back() {
        let mut db = rusqlite::Connection::open_in_memory().unwrap();
        let c = &mut crate::sqlite::SqliteConn(&mut db);
        crate::migrate::run(c, Engine::Sqlite).unwrap();
        c.batch(
            "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)
                 VALUES (1, NULL, 'grid', '网格', '/1/', 't', 't');
             INSERT INTO households (org_id, address, created_at, updated_at) VALUES (1, '甲', 't', 't'), (1, '乙', 't', 't');
             DELETE FROM households WHERE address = '乙';",
        )
        .unwrap();
        let columns = ["org_id", "address", "created_at", "updated_at"];
        let row = |address: &str| vec![Value::Int(1), address.into(), "t".into(), "t".into()];
        assert_eq!(insert_new(c, "households", &columns, ["丙", "丁"].into_iter().map(row)).unwrap(), [3, 4]);
        assert_eq!(insert_new(c, "households", &columns, std::iter::empty()).unwrap(), Vec::<Id>::new());
        let mut address = |id: Id| {
            c.query_one("SELECT address FROM households WHERE id = $1", &[id.into()]).unwrap().text("address").unwrap()
        };
        assert_eq!((address(3), address(4)), ("丙".to_owned(), "丁".to_owned()));
        let next = c
            .query_one("INSERT INTO households (org_id, address, created_at, updated_at) VALUES (1, '戊', 't', 't') RETURNING id", &[])
            .unwrap();
        assert_eq!(next.i64("id").unwrap(), 5);
    }
}
