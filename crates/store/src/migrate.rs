//! The migrations, listed once with both engines' files, and the runner
//! that applies each pending one in its own transaction, recording it in
//! `schema_migrations`.

use taizhang_core::{Error, Result};

use crate::conn::{Conn, params};

/// The engine a connection belongs to, which picks a migration's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// One numbered change of the schema, as each engine writes it.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
    /// A step in Rust that SQLite runs after its file, with foreign keys
    /// off (a table rebuild, which SQL alone cannot write generically).
    pub sqlite_step: Option<fn(&mut dyn Conn) -> Result<()>>,
}

/// `migration!(21, "0021", "name")`: `migrations/<engine>/0021_name.sql` of both engines.
macro_rules! migration {
    ($version:literal, $file:literal, $name:literal) => {
        migration!($version, $file, $name, None)
    };
    ($version:literal, $file:literal, $name:literal, $step:expr) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, "_", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, "_", $name, ".sql")),
            sqlite_step: $step,
        }
    };
}

/// Every migration, in order. A shipped one is never edited: a change is a new entry.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001", "register"),
    migration!(2, "0002", "ledgers"),
    migration!(3, "0003", "evidence"),
    migration!(4, "0004", "plans_rectifications"),
    migration!(5, "0005", "activity_kinds"),
    migration!(6, "0006", "dashboard_indexes"),
    migration!(7, "0007", "count_flags"),
    migration!(8, "0008", "governance"),
    migration!(9, "0009", "summaries"),
    migration!(10, "0010", "summary_templates"),
    migration!(11, "0011", "grid"),
    migration!(12, "0012", "drop_mobile_index"),
    migration!(13, "0013", "open_membership_unique"),
    migration!(14, "0014", "pending_id_number"),
    migration!(15, "0015", "indicators"),
    migration!(16, "0016", "purposes_project_measures"),
    migration!(17, "0017", "summary_compositions"),
    migration!(18, "0018", "grid_worker_day"),
    migration!(19, "0019", "activity_kinds_per_org"),
    migration!(20, "0020", "activity_recorded_by"),
    migration!(21, "0021", "ids_never_reused", Some(sqlite_autoincrement)),
    migration!(22, "0022", "search_and_tallies"),
    migration!(23, "0023", "reporting"),
    migration!(24, "0024", "household_members_index"),
];

impl Migration {
    fn sql(&self, engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        }
    }
}

pub fn run(conn: &mut dyn Conn, engine: Engine) -> Result<()> {
    run_list(conn, engine, MIGRATIONS)
}

fn run_list(conn: &mut dyn Conn, engine: Engine, migrations: &[Migration]) -> Result<()> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    for m in migrations {
        let step = m.sqlite_step.filter(|_| engine == Engine::Sqlite);
        let apply = |conn: &mut dyn Conn| {
            crate::transaction(conn, |conn| {
                let done =
                    conn.query_opt("SELECT version FROM schema_migrations WHERE version = $1", params![m.version])?;
                if done.is_none() {
                    tracing::info!(version = m.version, name = m.name, "applying migration");
                    conn.batch(m.sql(engine))?;
                    if let Some(step) = step {
                        step(conn)?;
                        let broken = conn.query("PRAGMA foreign_key_check", &[])?;
                        if !broken.is_empty() {
                            return Err(Error::Storage(format!(
                                "migration {}: {} broken references",
                                m.version,
                                broken.len()
                            )));
                        }
                    }
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                        params![m.version, m.name, crate::conn::ts_text(&taizhang_core::auth::now())],
                    )?;
                }
                Ok(())
            })
        };
        if step.is_some() {
            // SQLite ignores this pragma inside a transaction: set it around one.
            conn.batch("PRAGMA foreign_keys = OFF")?;
            let result = apply(conn);
            conn.batch("PRAGMA foreign_keys = ON")?;
            result?;
        } else {
            apply(conn)?;
        }
    }
    Ok(())
}

/// Rebuilds every SQLite table keyed by an `id INTEGER PRIMARY KEY` with
/// AUTOINCREMENT, so that the id of a deleted row is never given again
/// (without it SQLite reuses the largest id after its row is deleted). The
/// table's own SQL is kept, its rows copied, its indexes and triggers made
/// again; `sqlite_sequence` starts from the largest id there is.
fn sqlite_autoincrement(c: &mut dyn Conn) -> Result<()> {
    let tables = c.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
         ORDER BY name",
        &[],
    )?;
    for t in &tables {
        let (name, sql) = (t.text("name")?, t.text("sql")?);
        let columns = c.query(&format!("SELECT name, type, pk FROM pragma_table_info('{name}') ORDER BY cid"), &[])?;
        let keys: Vec<_> = columns.iter().filter(|col| col.i64("pk").is_ok_and(|pk| pk > 0)).collect();
        let id_keyed = match keys.as_slice() {
            [k] => k.text("name")? == "id" && k.text("type")?.eq_ignore_ascii_case("INTEGER"),
            _ => false,
        };
        let upper = sql.to_ascii_uppercase();
        if !id_keyed || upper.contains("AUTOINCREMENT") {
            continue;
        }
        let key_at = upper
            .find("INTEGER PRIMARY KEY")
            .ok_or_else(|| Error::Storage(format!("{name}: no INTEGER PRIMARY KEY in its SQL")))?
            + "INTEGER PRIMARY KEY".len();
        let body_at = sql.find('(').ok_or_else(|| Error::Storage(format!("{name}: unreadable SQL")))?;
        let rebuilt = format!("{name}_rebuilt");
        let new_sql = format!("CREATE TABLE {rebuilt} {} AUTOINCREMENT{}", &sql[body_at..key_at], &sql[key_at..]);
        let names: Vec<String> = columns.iter().map(|col| col.text("name")).collect::<Result<_, _>>()?;
        let list = names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        let extras = c.query(
            "SELECT sql FROM sqlite_master WHERE tbl_name = $1 AND type IN ('index', 'trigger') AND sql IS NOT NULL
             ORDER BY type, name",
            params![&name],
        )?;
        c.batch(&new_sql)?;
        c.batch(&format!("INSERT INTO {rebuilt} ({list}) SELECT {list} FROM {name}"))?;
        c.batch(&format!("DROP TABLE {name}"))?;
        c.batch(&format!("ALTER TABLE {rebuilt} RENAME TO {name}"))?;
        for extra in &extras {
            c.batch(&extra.text("sql")?)?;
        }
        c.execute("DELETE FROM sqlite_sequence WHERE name = $1", params![&name])?;
        c.execute(
            &format!("INSERT INTO sqlite_sequence (name, seq) SELECT $1, COALESCE(MAX(id), 0) FROM {name}"),
            params![&name],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteConn;

    /// A database written before migration 21 keeps its rows, indexes,
    /// triggers and references, and gives no deleted id again.
    #[test]
    fn tables_are_rebuilt_with_their_rows_and_sequences() {
        let mut db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        let before = MIGRATIONS.iter().position(|m| m.version == 21).unwrap();
        run_list(&mut SqliteConn(&mut db), Engine::Sqlite, &MIGRATIONS[..before]).unwrap();
        db.execute_batch(
            "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)
                 VALUES (1, NULL, 'county', '县', '/1/', 't', 't');
             INSERT INTO activities (id, org_id, kind, title, date, created_at, updated_at)
                 VALUES (1, 1, 'meeting', '一', '2020-01-01', 't', 't'), (2, 1, 'meeting', '二', '2020-01-02', 't', 't');
             INSERT INTO activity_channels (activity_id, channel) VALUES (1, 'wechat');
             INSERT INTO audit_log (at, username, action, entity, detail, prev_hash, hash)
                 VALUES ('t', 'u', 'create', 'org', '', 'g', 'h');
             DELETE FROM activities WHERE id = 2;",
        )
        .unwrap();
        run_list(&mut SqliteConn(&mut db), Engine::Sqlite, MIGRATIONS).unwrap();

        let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(one("SELECT COUNT(*) FROM activities"), 1);
        assert_eq!(one("SELECT COUNT(*) FROM activity_channels"), 1);
        assert_eq!(one("SELECT seq FROM sqlite_sequence WHERE name = 'activities'"), 1);
        assert_eq!(one("SELECT COUNT(*) FROM sqlite_master WHERE name = 'activities_org_kind_date'"), 1);
        assert_eq!(one("SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%_rebuilt%'"), 0);
        assert_eq!(one("PRAGMA foreign_keys"), 1);
        // Ids go on from the largest ever given out.
        db.execute("INSERT INTO activities (org_id, kind, title, date, created_at, updated_at) VALUES (1, 'm', '三', '2020-01-03', 't', 't')", []).unwrap();
        db.execute("DELETE FROM activities WHERE id = 2", []).unwrap();
        db.execute("INSERT INTO activities (org_id, kind, title, date, created_at, updated_at) VALUES (1, 'm', '四', '2020-01-04', 't', 't')", []).unwrap();
        assert_eq!(one("SELECT MAX(id) FROM activities"), 3);
        // The audit log is still append-only, and references still hold.
        assert!(db.execute("UPDATE audit_log SET username = 'x'", []).is_err());
        assert!(db.execute("INSERT INTO activity_channels (activity_id, channel) VALUES (99, 'x')", []).is_err());
    }
}
