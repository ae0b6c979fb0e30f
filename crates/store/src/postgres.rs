//! The engine for large deployments: PostgreSQL through the `postgres` crate.
//!
//! The synchronous client runs on blocking threads, like SQLite, so the
//! repositories are the same code for both engines.

use std::error::Error as StdError;
use std::sync::Arc;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls};

use crate::conn::{Conn, DbError, DbResult, Row, Value};

pub struct Manager {
    pub config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Client;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Client, postgres::Error> {
        self.config.connect(NoTls)
    }

    fn is_valid(&self, conn: &mut Client) -> Result<(), postgres::Error> {
        conn.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Client) -> bool {
        conn.is_closed()
    }
}

fn db_error(e: postgres::Error) -> DbError {
    if let Some(db) = e.as_db_error() {
        if *db.code() == postgres::error::SqlState::UNIQUE_VIOLATION {
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
pub struct PgConn<'a>(pub &'a mut Client);

impl PgConn<'_> {
    fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
    }
}

impl Conn for PgConn<'_> {
    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>> {
        let stmt = self.0.prepare(sql).map_err(db_error)?;
        let columns: Arc<Vec<String>> = Arc::new(stmt.columns().iter().map(|c| c.name().to_owned()).collect());
        let rows = self.0.query(&stmt, &Self::refs(params)).map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let values = (0..columns.len()).map(|i| column_value(row, i)).collect::<DbResult<Vec<_>>>()?;
                Ok(Row { columns: columns.clone(), values })
            })
            .collect()
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64> {
        self.0.execute(sql, &Self::refs(params)).map_err(db_error)
    }

    fn batch(&mut self, sql: &str) -> DbResult<()> {
        self.0.batch_execute(sql).map_err(db_error)
    }

    fn begin_write(&mut self) -> DbResult<()> {
        self.batch("BEGIN")
    }

    fn refresh_statistics(&mut self) -> DbResult<()> {
        // Autovacuum catches up in time; after a bulk import, do not wait for it.
        // VACUUM also marks the new pages all-visible, without which the
        // dashboards' index-only scans fall back to reading the heap (a county's
        // target query: 600 ms instead of 27 ms). It skips pages already marked,
        // so it costs what was written since. One statement each: VACUUM may
        // not run inside the implicit transaction of a multi-statement string.
        self.batch("VACUUM (ANALYZE) activities")?;
        self.batch("VACUUM (ANALYZE) activity_counts")?;
        self.batch("ANALYZE orgs; ANALYZE evidence")
    }

    fn lock_audit_chain(&mut self) -> DbResult<()> {
        // One appender at a time, released at commit or rollback.
        self.0.execute("SELECT pg_advisory_xact_lock(7301)", &[]).map(|_| ()).map_err(db_error)
    }
}
