//! The seam between the SQL written once in `repo` and the two engines.
//!
//! SQL uses `$1, $2 ...` placeholders (PostgreSQL's form); the SQLite
//! connection rewrites them to `?1, ?2 ...`. Values travel as [`Value`] and
//! come back as [`Row`]s whose getters accept either engine's representation
//! (SQLite keeps timestamps and dates as text, PostgreSQL natively).

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// A bound parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Ts(DateTime<Utc>),
    Date(NaiveDate),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Ts(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a parameter list: `params![a, b, c]`.
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::conn::Value::from($v)),*][..] };
}
pub(crate) use params;

/// Timestamps as SQLite keeps them: fixed width, so text order is time order.
pub fn ts_text(ts: &DateTime<Utc>) -> String {
    // Field by field: chrono's `format` parses its pattern on every call,
    // 3.5 % of a roster import (two timestamps a row).
    let (d, t) = (ts.date_naive(), ts.time());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        d.year(),
        d.month(),
        d.day(),
        t.hour(),
        t.minute(),
        // A leap second is held as a second's nanoseconds past 10^9.
        t.second() + t.nanosecond() / 1_000_000_000,
        t.nanosecond() % 1_000_000_000 / 1_000
    )
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint was broken; the text names the table or index.
    #[error("unique violation: {0}")]
    Unique(String),
    #[error("{0}")]
    Other(String),
}

impl From<DbError> for taizhang_core::Error {
    fn from(e: DbError) -> Self {
        taizhang_core::Error::Storage(e.to_string())
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// One result row, with access by column name.
#[derive(Debug, Clone)]
pub struct Row {
    pub(crate) columns: Arc<Vec<String>>,
    pub(crate) values: Vec<Value>,
    /// The column after the one last read.
    pub(crate) next: std::cell::Cell<usize>,
}

impl Row {
    pub(crate) fn new(columns: Arc<Vec<String>>, values: Vec<Value>) -> Row {
        Row { columns, values, next: std::cell::Cell::new(0) }
    }

    fn value(&self, name: &str) -> DbResult<&Value> {
        // Rows are mostly read column after column: look where the last
        // lookup ended first, then search.
        let next = self.next.get();
        let i = match self.columns.get(next) {
            Some(c) if c == name => next,
            _ => self
                .columns
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| DbError::Other(format!("no column {name}")))?,
        };
        self.next.set(i + 1);
        Ok(&self.values[i])
    }

    fn bad(name: &str, v: &Value) -> DbError {
        DbError::Other(format!("column {name}: unexpected value {v:?}"))
    }

    pub fn opt_i64(&self, name: &str) -> DbResult<Option<i64>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            v => Err(Self::bad(name, v)),
        }
    }

    pub fn i64(&self, name: &str) -> DbResult<i64> {
        self.opt_i64(name)?.ok_or_else(|| DbError::Other(format!("column {name} is null")))
    }

    pub fn opt_text(&self, name: &str) -> DbResult<Option<String>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            v => Err(Self::bad(name, v)),
        }
    }

    /// A text column that holds a value; NULL is an error, not "" (read a
    /// column that may be NULL with [`Row::opt_text`]).
    pub fn text(&self, name: &str) -> DbResult<String> {
        self.opt_text(name)?.ok_or_else(|| DbError::Other(format!("column {name} is null")))
    }

    pub fn bool(&self, name: &str) -> DbResult<bool> {
        match self.value(name)? {
            Value::Bool(v) => Ok(*v),
            Value::Int(v) => Ok(*v != 0),
            v => Err(Self::bad(name, v)),
        }
    }

    pub fn opt_f64(&self, name: &str) -> DbResult<Option<f64>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Real(v) => Ok(Some(*v)),
            Value::Int(v) => Ok(Some(*v as f64)),
            v => Err(Self::bad(name, v)),
        }
    }

    pub fn bytes(&self, name: &str) -> DbResult<Option<Vec<u8>>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Bytes(v) => Ok(Some(v.clone())),
            v => Err(Self::bad(name, v)),
        }
    }

    pub fn opt_ts(&self, name: &str) -> DbResult<Option<DateTime<Utc>>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Ts(v) => Ok(Some(*v)),
            Value::Text(s) => DateTime::parse_from_rfc3339(s)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| DbError::Other(format!("column {name}: {e}"))),
            v => Err(Self::bad(name, v)),
        }
    }

    pub fn ts(&self, name: &str) -> DbResult<DateTime<Utc>> {
        self.opt_ts(name)?.ok_or_else(|| DbError::Other(format!("column {name} is null")))
    }

    pub fn opt_date(&self, name: &str) -> DbResult<Option<NaiveDate>> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Date(v) => Ok(Some(*v)),
            Value::Text(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|e| DbError::Other(format!("column {name}: {e}"))),
            v => Err(Self::bad(name, v)),
        }
    }
}

/// A connection of either engine. Repositories are written once against this.
pub trait Conn {
    /// The engine behind this connection, for the few queries written per engine.
    fn engine(&self) -> crate::migrate::Engine;
    fn query(&mut self, sql: &str, params: &[Value]) -> DbResult<Vec<Row>>;
    fn execute(&mut self, sql: &str, params: &[Value]) -> DbResult<u64>;
    /// Writes many rows of `columns` (each row's values in that order) into
    /// `table`; returns the rows written. PostgreSQL: one binary COPY;
    /// SQLite: multi-row INSERTs. Plain inserts only: no RETURNING, no ON
    /// CONFLICT (a row that breaks a constraint fails the whole call).
    fn copy_rows(&mut self, table: &str, columns: &[&str], rows: &mut dyn Iterator<Item = Vec<Value>>)
    -> DbResult<u64>;
    /// Runs several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> DbResult<()>;
    /// Starts a transaction that will write.
    fn begin_write(&mut self) -> DbResult<()>;
    /// Serialises appends to the audit log's hash chain until commit.
    fn lock_audit_chain(&mut self) -> DbResult<()>;
    /// Refreshes the planner's statistics (after start).
    fn refresh_statistics(&mut self) -> DbResult<()>;
    /// Plans each statement for the values it runs with (`true`), or lets
    /// the engine keep a generic plan of a kept statement (`false`, the
    /// default). For statements whose best plan depends on their values, a
    /// search's terms above all. SQLite always plans with the values.
    fn plan_for_values(&mut self, on: bool) -> DbResult<()> {
        let _ = on;
        Ok(())
    }
    /// Refreshes `tables` after an import added `added` rows to the first.
    /// On PostgreSQL this also merges the search index's pending entries
    /// into the index (VACUUM), as a GIN index with many pending entries is
    /// slower than a scan of the table.
    fn refresh_imported(&mut self, tables: &[&str], added: u64) -> DbResult<()> {
        let _ = (tables, added);
        self.refresh_statistics()
    }

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn query_one(&mut self, sql: &str, params: &[Value]) -> DbResult<Row> {
        self.query_opt(sql, params)?.ok_or_else(|| DbError::Other("query returned no row".into()))
    }

    fn commit(&mut self) -> DbResult<()> {
        self.batch("COMMIT")
    }

    fn rollback(&mut self) -> DbResult<()> {
        self.batch("ROLLBACK")
    }
}

/// Rewrites `$n` placeholders to SQLite's `?n`, leaving quoted text alone.
pub fn to_sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_display_as_the_sqlite_text_form() {
        for (y, m, d) in [(2026, 12, 2), (1, 1, 1), (999, 2, 28), (9999, 12, 31), (2020, 2, 29)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date.to_string(), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn timestamps_are_written_as_chrono_would() {
        let stamps = [
            "2026-12-02T04:37:09.123456789Z",
            "2020-01-01T00:00:00Z",
            "1999-12-31T23:59:59.000001Z",
            "0900-02-28T09:05:07.5Z",
            "2016-12-31T23:59:60.999999Z",
        ];
        for text in stamps {
            let ts = DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
            assert_eq!(ts_text(&ts), ts.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(), "{text}");
        }
        assert_eq!(
            ts_text(&DateTime::parse_from_rfc3339("2026-12-02T04:37:09.123456789Z").unwrap().with_timezone(&Utc)),
            "2026-12-02T04:37:09.123456Z"
        );
    }

    #[test]
    fn null_text_is_not_empty_text() {
        let row = Row::new(Arc::new(vec!["a".into(), "b".into()]), vec![Value::Null, "x".into()]);
        assert!(row.text("a").is_err());
        assert_eq!(row.opt_text("a").unwrap(), None);
        assert_eq!(row.text("b").unwrap(), "x");
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            to_sqlite_placeholders("SELECT '$1', a FROM t WHERE b = $1 AND c = $12"),
            "SELECT '$1', a FROM t WHERE b = ?1 AND c = ?12"
        );
    }
}
