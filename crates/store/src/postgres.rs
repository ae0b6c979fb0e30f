//! The engine for large deployments: PostgreSQL through the `postgres` crate.
//!
//! The synchronous client runs on blocking threads, like SQLite, so the
//! repositories are the same code for both engines. Each pooled connection
//! keeps the statements it has prepared, keyed by their SQL text, so a
//! statement is parsed and planned once per connection, not once per call.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Arc;

use bytes::BytesMut;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};

use crate::conn::{Conn, DbError, DbResult, Row, Value};

/// Prepared statements one connection keeps; past this the cache starts over.
/// Queries built per call (lists of ids, multi-row inserts) differ in their
/// text, so the bound keeps them from piling up on the server.
const MAX_STATEMENTS: usize = 500;

pub struct Manager {
    pub config: postgres::Config,
}

/// A pooled PostgreSQL connection: the client and its prepared statements.
pub struct PgClient {
    client: Client,
    statements: HashMap<String, Statement>,
    /// Inside a transaction begun by [`Conn::begin_write`]: a failed
    /// statement cannot be retried there.
    in_transaction: bool,
}

impl PgClient {
    pub fn new(client: Client) -> PgClient {
        PgClient { client, statements: HashMap::new(), in_transaction: false }
    }

    /// The statements prepared and kept.
    #[cfg(test)]
    fn cached_statements(&self) -> usize {
        self.statements.len()
    }

    /// The prepared statement of `sql`, prepared now if it is not kept yet.
    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client.prepare(sql)?;
        if self.statements.len() >= MAX_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Runs `run` with the kept statement of `sql`. A statement prepared
    /// before a schema change may fail with "cached plan must not change
    /// result type": the cache is then cleared and, outside a transaction
    /// (which the failure has aborted), the statement prepared anew and run
    /// once more.
    fn with_statement<T>(
        &mut self,
        sql: &str,
        mut run: impl FnMut(&mut Client, &Statement) -> Result<T, postgres::Error>,
    ) -> DbResult<T> {
        let stmt = self.statement(sql).map_err(db_error)?;
        match run(&mut self.client, &stmt) {
            Err(e) if is_stale_plan(&e) => {
                self.statements.clear();
                if self.in_transaction {
                    return Err(db_error(e));
                }
                let stmt = self.statement(sql).map_err(db_error)?;
                run(&mut self.client, &stmt).map_err(db_error)
            }
            other => other.map_err(db_error),
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgClient;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgClient, postgres::Error> {
        // Kept statements plan as PostgreSQL chooses: after five runs, a
        // generic plan when it costs no more than planning each run anew.
        // Searches plan each run for their terms (`plan_for_values`).
        Ok(PgClient::new(self.config.connect(NoTls)?))
    }

    fn is_valid(&self, conn: &mut PgClient) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgClient) -> bool {
        conn.client.is_closed()
    }
}

/// SQLSTATE 0A000 "cached plan must not change result type": a kept
/// statement whose tables changed shape since it was prepared.
fn is_stale_plan(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| *db.code() == SqlState::FEATURE_NOT_SUPPORTED && db.message().starts_with("cached plan"))
}

fn db_error(e: postgres::Error) -> DbError {
    if let Some(db) = e.as_db_error() {
        if *db.code() == SqlState::UNIQUE_VIOLATION {
            return DbError::Unique(format!("{} {}", db.constraint().unwrap_or_default(), db.message()));
        }
        return DbError::Other(format!("{}: {}", db.code().code(), db.message()));
    }
    DbError::Other(e.to_string())
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Real(v) => v.to_sql(ty, out),
            Value::Text(v) => v.to_sql(ty, out),
            Value::Bool(v) => v.to_sql(ty, out),
            Value::Ts(v) => v.to_sql(ty, out),
            Value::Date(v) => v.to_sql(ty, out),
            Value::Bytes(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn column_value(row: &postgres::Row, i: usize) -> DbResult<Value> {
    let ty = row.columns()[i].type_();
    let get_err = |e: postgres::Error| DbError::Other(e.to_string());
    Ok(match *ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(get_err)?.map_or(Value::Null, Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(get_err)?.map_or(Value::Null, |v| Value::Int(v.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(i).map_err(get_err)?.map_or(Value::Null, |v| Value::Int(v.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(i).map_err(get_err)?.map_or(Value::Null, Value::Bool),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map_err(get_err)?.map_or(Value::Null, Value::Real),
        Type::FLOAT4 => {
            row.try_get::<_, Option<f32>>(i).map_err(get_err)?.map_or(Value::Null, |v| Value::Real(v.into()))
        }
        Type::TIMESTAMPTZ => {
            row.try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(i).map_err(get_err)?.map_or(Value::Null, Value::Ts)
        }
        Type::DATE => row.try_get::<_, Option<chrono::NaiveDate>>(i).map_err(get_err)?.map_or(Value::Null, Value::Date),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i).map_err(get_err)?.map_or(Value::Null, Value::Bytes),
        _ => row.try_get::<_, Option<String>>(i).map_err(get_err)?.map_or(Value::Null, Value::Text),
    })
}

/// A pooled PostgreSQL connection seen through [`Conn`].
pub struct PgConn<'a>(pub &'a mut PgClient);

impl PgConn<'_> {
    fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
    }

    /// Runs statements without parameters, keeping the prepared ones
    /// (transaction control, statistics: nothing that changes a table's shape).
    fn control(&mut self, sql: &str) -> DbResult<()> {
        self.0.client.batch_execute(sql).map_err(db_error)
    }

    /// The column types of `table (columns)`, as a COPY of them needs: from
    /// the kept statement `SELECT columns FROM table LIMIT 0`.
    fn column_types(&mut self, table: &str, columns: &str) -> DbResult<Vec<Type>> {
        let stmt = self.0.statement(&format!("SELECT {columns} FROM {table} LIMIT 0")).map_err(db_error)?;
        Ok(stmt.columns().iter().map(|c| c.type_().clone()).collect())
    }
}

impl Conn for PgConn<'_> {
    fn engine(&self) -> crate::migrate::Engine {
        crate::migrate::Engine::Postgres
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let refs = Self::refs(params);
        let (columns, rows) = self.0.with_statement(sql, |client, stmt| {
            let rows = client.query(stmt, &refs)?;
            Ok((stmt.columns().iter().map(|c| c.name().to_owned()).collect::<Vec<_>>(), rows))
        })?;
        let columns = Arc::new(columns);
        rows.iter()
            .map(|row| {
                let values = (0..columns.len()).map(|i| column_value(row, i)).collect::<DbResult<Vec<_>>>()?;
                Ok(Row::new(columns.clone(), values))
            })
            .collect()
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        let refs = Self::refs(params);
        self.0.with_statement(sql, |client, stmt| client.execute(stmt, &refs))
    }

    fn copy_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value>>,
    ) -> DbResult<u64> {
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return Ok(0);
        }
        let columns = columns.join(", ");
        let types = self.column_types(table, &columns)?;
        let sink = self.0.client.copy_in(&format!("COPY {table} ({columns}) FROM STDIN BINARY")).map_err(db_error)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for row in rows {
            writer.write(&Self::refs(&row)).map_err(db_error)?;
        }
        writer.finish().map_err(db_error)
    }

    fn batch(&mut self, sql: &str) -> DbResult<()> {
        // Migrations run here: a table changed in shape would make kept
        // statements over it fail, so they are all dropped.
        self.0.statements.clear();
        self.control(sql)
    }

    fn begin_write(&mut self) -> DbResult<()> {
        self.control("BEGIN")?;
        self.0.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> DbResult<()> {
        self.0.in_transaction = false;
        self.control("COMMIT")
    }

    fn rollback(&mut self) -> DbResult<()> {
        self.0.in_transaction = false;
        self.control("ROLLBACK")
    }

    fn refresh_statistics(&mut self) -> DbResult<()> {
        // Autovacuum catches up in time; after a bulk import, do not wait for it.
        // VACUUM also marks the new pages all-visible, without which the
        // dashboards' index-only scans fall back to reading the heap (a county's
        // target query: 600 ms instead of 27 ms). It skips pages already marked,
        // so it costs what was written since. One statement each: VACUUM may
        // not run inside the implicit transaction of a multi-statement string.
        self.control("VACUUM (ANALYZE) activities")?;
        self.control("VACUUM (ANALYZE) activity_counts")?;
        self.control("ANALYZE orgs; ANALYZE evidence")
    }

    fn plan_for_values(&mut self, on: bool) -> DbResult<()> {
        // The setting applies to kept statements from their next run.
        self.control(if on { "SET plan_cache_mode = force_custom_plan" } else { "RESET plan_cache_mode" })
    }

    fn refresh_imported(&mut self, tables: &[&str], added: u64) -> DbResult<()> {
        // VACUUM costs what was written since (37 ms after 10,000 activities
        // in 300,000); ANALYZE samples the whole table (325 ms there), so it
        // runs when the import adds at least a tenth of the rows there were,
        // as autovacuum's own threshold would soon. The count is the one the
        // last VACUUM left in `pg_class`.
        let Some(first) = tables.first() else { return Ok(()) };
        let before = self
            .query_one(
                "SELECT CAST(GREATEST(reltuples, 0) AS BIGINT) AS n FROM pg_class WHERE oid = to_regclass($1)",
                &[Value::Text((*first).to_owned())],
            )?
            .i64("n")?;
        let analyze = added.saturating_mul(10) >= u64::try_from(before).unwrap_or(0);
        for table in tables {
            self.control(&format!("VACUUM {}{table}", if analyze { "(ANALYZE) " } else { "" }))?;
        }
        Ok(())
    }

    fn lock_audit_chain(&mut self) -> DbResult<()> {
        // One appender at a time, released at commit or rollback.
        self.execute("SELECT pg_advisory_xact_lock(7301)", &[]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client of the test server, or None when the tests run on SQLite.
    fn client() -> Option<PgClient> {
        let url = std::env::var(crate::testing::PG_URL_VAR).ok().filter(|u| !u.is_empty())?;
        Some(PgClient::new(Client::connect(&url, NoTls).expect("connect to PostgreSQL")))
    }

    #[test]
    fn statements_are_kept_until_a_batch_runs() {
        let Some(mut client) = client() else { return };
        let mut c = PgConn(&mut client);
        c.batch("CREATE TEMPORARY TABLE kept (a BIGINT)").unwrap();
        assert_eq!(c.0.cached_statements(), 0);
        c.begin_write().unwrap();
        assert_eq!(c.execute("INSERT INTO kept (a) VALUES ($1)", &[Value::Int(1)]).unwrap(), 1);
        assert_eq!(c.execute("INSERT INTO kept (a) VALUES ($1)", &[Value::Int(2)]).unwrap(), 1);
        c.commit().unwrap();
        let rows = c.query("SELECT a FROM kept ORDER BY a", &[]).unwrap();
        assert_eq!(rows.iter().map(|r| r.i64("a").unwrap()).collect::<Vec<_>>(), vec![1, 2]);
        // Transaction control keeps them; a batch (a migration, say) drops them all.
        assert_eq!(c.0.cached_statements(), 2);
        c.batch("ALTER TABLE kept ADD COLUMN b TEXT").unwrap();
        assert_eq!(c.0.cached_statements(), 0);
        assert_eq!(c.query("SELECT * FROM kept", &[]).unwrap()[0].columns.len(), 2);
    }

    #[test]
    fn a_statement_stale_after_a_schema_change_is_prepared_again() {
        let Some(mut client) = client() else { return };
        let mut c = PgConn(&mut client);
        c.batch("CREATE TEMPORARY TABLE shape (a BIGINT)").unwrap();
        c.execute("INSERT INTO shape (a) VALUES (1)", &[]).unwrap();
        assert_eq!(c.query("SELECT * FROM shape", &[]).unwrap()[0].columns.len(), 1);
        // Changed behind the cache's back (another connection's migration).
        c.0.client.batch_execute("ALTER TABLE shape ADD COLUMN b TEXT").unwrap();
        let rows = c.query("SELECT * FROM shape", &[]).unwrap();
        assert_eq!(rows[0].columns.len(), 2);
    }

    #[test]
    fn the_cache_is_bounded() {
        let Some(mut client) = client() else { return };
        let mut c = PgConn(&mut client);
        for i in 0..=MAX_STATEMENTS {
            c.query(&format!("SELECT {i} AS n"), &[]).unwrap();
        }
        assert!(c.0.cached_statements() <= MAX_STATEMENTS);
    }

    /// A search's statements are planned for their values; the setting is
    /// back to the server's choice afterwards, also when the search failed.
    #[test]
    fn searches_plan_for_their_values_and_leave_the_default_behind() {
        let Some(mut client) = client() else { return };
        let mut c = PgConn(&mut client);
        let mode =
            |c: &mut dyn Conn| c.query_one("SHOW plan_cache_mode", &[]).unwrap().text("plan_cache_mode").unwrap();
        assert_eq!(mode(&mut c), "auto");
        let inside = crate::repo::planned_for_values(&mut c, true, |c| Ok(mode(c))).unwrap();
        assert_eq!(inside, "force_custom_plan");
        assert_eq!(mode(&mut c), "auto");
        let failed = crate::repo::planned_for_values(&mut c, true, |c| -> taizhang_core::Result<()> {
            c.query("SELECT no_such_column FROM pg_class", &[])?;
            Ok(())
        });
        assert!(failed.is_err());
        assert_eq!(mode(&mut c), "auto");
        // A list without search text keeps the default.
        assert_eq!(crate::repo::planned_for_values(&mut c, false, |c| Ok(mode(c))).unwrap(), "auto");
    }

    #[test]
    fn copy_rows_writes_every_type() {
        let Some(mut client) = client() else { return };
        let mut c = PgConn(&mut client);
        c.batch(
            "CREATE TEMPORARY TABLE copied (i BIGINT, small INTEGER, f DOUBLE PRECISION, t TEXT, b BOOLEAN,
                 ts TIMESTAMPTZ, d DATE, bytes BYTEA, n TEXT)",
        )
        .unwrap();
        let at = chrono::DateTime::from_timestamp(1_600_000_000, 123_000).unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
        let row = vec![
            Value::Int(7),
            Value::Int(8),
            Value::Real(1.5),
            Value::Text("文本".into()),
            Value::Bool(true),
            Value::Ts(at),
            Value::Date(date),
            Value::Bytes(vec![0, 1]),
            Value::Null,
        ];
        let columns = ["i", "small", "f", "t", "b", "ts", "d", "bytes", "n"];
        assert_eq!(c.copy_rows("copied", &columns, &mut [row.clone(), row.clone()].into_iter()).unwrap(), 2);
        let got = c.query("SELECT * FROM copied", &[]).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].values, row);
    }
}
