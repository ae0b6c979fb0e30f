//! The embedded engine: SQLite through rusqlite, WAL mode.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};

use crate::conn::{Conn, DbError, DbResult, Row, Value, to_sqlite_placeholders, ts_text};

pub struct Manager {
    pub path: PathBuf,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        create_private(&self.path);
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // Every statement is prepared once per connection and kept (the
        // default keeps 16, fewer than one page's queries).
        conn.set_prepared_statement_cache_capacity(256);
        // A `LIKE $1` over a text column otherwise marks its statement to be
        // compiled again whenever `$1` is bound (the LIKE optimisation might
        // depend on the value), so every scoped query (`path LIKE $1`) was
        // parsed and planned afresh on each run. Plans do not depend on bound
        // values here: `orgs.path` has no NOCASE collation, so that
        // optimisation never applies.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -32768;",
        )?;
        keep_private(&self.path);
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Connection) -> bool {
        false
    }
}

/// The database holds personal data: its file is created readable by the
/// owner only (0600), before SQLite would create it with the umask's mode.
#[cfg(unix)]
fn create_private(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    if !path.exists()
        && let Err(e) = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
        && e.kind() != std::io::ErrorKind::AlreadyExists
    {
        tracing::warn!(path = %path.display(), error = %e, "cannot create the database file");
    }
}

#[cfg(not(unix))]
fn create_private(_path: &Path) {}

/// Takes group and other access away from the database and its `-wal` and
/// `-shm` files (SQLite gives those the database's mode; a file restored or
/// created by an older version may be 0644).
#[cfg(unix)]
fn keep_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut paths = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        paths.push(PathBuf::from(name));
    }
    for p in paths {
        if let Ok(meta) = std::fs::metadata(&p)
            && meta.permissions().mode() & 0o077 != 0
            && let Err(e) = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(path = %p.display(), error = %e, "cannot make the database file private");
        }
    }
}

#[cfg(not(unix))]
fn keep_private(_path: &Path) {}

fn db_error(e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(err, msg)
            if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            DbError::Unique(msg.clone().unwrap_or_default())
        }
        _ => DbError::Other(e.to_string()),
    }
}

struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(v) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Bool(v) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*v))),
            Value::Ts(v) => ToSqlOutput::Owned(rusqlite::types::Value::Text(ts_text(v))),
            // `YYYY-MM-DD`, as `%Y-%m-%d` (checked in `conn`'s tests) without parsing a pattern.
            Value::Date(v) => ToSqlOutput::Owned(rusqlite::types::Value::Text(v.to_string())),
            Value::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

/// A pooled SQLite connection seen through [`Conn`].
pub struct SqliteConn<'a>(pub &'a mut Connection);

impl Conn for SqliteConn<'_> {
    fn engine(&self) -> crate::migrate::Engine {
        crate::migrate::Engine::Sqlite
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let sql = to_sqlite_placeholders(sql);
        let mut stmt = self.0.prepare_cached(&sql).map_err(db_error)?;
        let columns: Arc<Vec<String>> = Arc::new(stmt.column_names().iter().map(|c| c.to_string()).collect());
        let n = columns.len();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(Param))).map_err(db_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db_error)? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match row.get_ref(i).map_err(db_error)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(v) => Value::Text(String::from_utf8_lossy(v).into_owned()),
                    ValueRef::Blob(v) => Value::Bytes(v.to_vec()),
                });
            }
            out.push(Row::new(columns.clone(), values));
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let sql = to_sqlite_placeholders(sql);
        let mut stmt = self.0.prepare_cached(&sql).map_err(db_error)?;
        stmt.execute(rusqlite::params_from_iter(params.iter().map(Param))).map(|n| n as u64).map_err(db_error)
    }

    fn copy_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> DbResult<u64> {
        let head = format!("INSERT INTO {table} ({})", columns.join(", "));
        crate::repo::insert_rows(self, &head, "", rows)
    }

    fn batch(&mut self, sql: &str) -> DbResult<()> {
        self.0.execute_batch(sql).map_err(db_error)
    }

    fn begin_write(&mut self) -> DbResult<()> {
        // IMMEDIATE takes the write lock now, so two writers never deadlock
        // upgrading read locks.
        self.batch("BEGIN IMMEDIATE")
    }

    fn lock_audit_chain(&mut self) -> DbResult<()> {
        // The IMMEDIATE transaction already excludes other writers.
        Ok(())
    }

    fn refresh_statistics(&mut self) -> DbResult<()> {
        // Analyses the tables whose statistics are missing or stale.
        // Bounded: an import must not turn into a full scan of a large table.
        self.batch("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
    }
}

#[cfg(test)]
mod tests {
    use r2d2::ManageConnection;
    use rusqlite::StatementStatus;

    use super::Manager;

    /// A scoped query (`path LIKE $1`) run with one value after another is
    /// compiled once, not again on each run.
    #[test]
    fn a_like_pattern_bound_anew_keeps_the_compiled_statement() {
        let path = std::env::temp_dir().join(format!("taizhang-qpsg-{}.db", std::process::id()));
        let conn = Manager { path: path.clone() }.connect().unwrap();
        conn.execute_batch(
            "CREATE TABLE orgs (path TEXT NOT NULL); CREATE INDEX orgs_path ON orgs(path);
             INSERT INTO orgs VALUES ('/1/'), ('/1/2/'), ('/3/');",
        )
        .unwrap();
        let sql = "SELECT COUNT(*) FROM orgs WHERE path LIKE ?1 ESCAPE '\\'";
        for (pattern, n) in [("/1/%", 2), ("/3/%", 1), ("/1/2/%", 1), ("/%", 3)] {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            assert_eq!(stmt.query_row([pattern], |r| r.get::<_, i64>(0)).unwrap(), n);
            assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0, "compiled again for {pattern}");
        }
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
