//! Fresh, isolated databases for tests: a new SQLite file, or, when
//! `TAIZHANG_PG_URL` is set, a new schema in that PostgreSQL database.
//! Dropped when the handle goes out of scope.

use std::path::PathBuf;

/// The environment variable that switches the test suites to PostgreSQL.
pub const PG_URL_VAR: &str = "TAIZHANG_PG_URL";

pub struct TestDb {
    /// URL to pass to [`crate::open`].
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(PathBuf),
    Postgres { base: String, schema: String },
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

impl TestDb {
    /// SQLite unless `TAIZHANG_PG_URL` is set.
    pub fn new() -> TestDb {
        match std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty()) {
            Some(base) => TestDb::postgres(&base),
            None => TestDb::sqlite(),
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("taizhang-test-{}", unique_suffix()));
        let path = dir.join("test.db");
        TestDb { url: format!("sqlite:{}", path.display()), kind: Kind::Sqlite(dir) }
    }

    pub fn postgres(base: &str) -> TestDb {
        let schema = format!("tz_test_{}", unique_suffix());
        // Runs on its own thread: the synchronous client must not run
        // inside an async runtime.
        let (b, s) = (base.to_owned(), schema.clone());
        std::thread::spawn(move || -> Result<(), postgres::Error> {
            let mut client = postgres::Client::connect(&b, postgres::NoTls)?;
            client.batch_execute(&format!("CREATE SCHEMA {s}"))
        })
        .join()
        .expect("schema thread")
        .unwrap_or_else(|e| panic!("cannot create a test schema in {PG_URL_VAR}: {e}"));
        let separator = if base.contains('?') { '&' } else { '?' };
        TestDb {
            url: format!("{base}{separator}options=-c%20search_path%3D{schema}"),
            kind: Kind::Postgres { base: base.to_owned(), schema },
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. })
    }

    /// Runs raw SQL outside the application (to simulate tampering).
    pub fn execute_raw(&self, sql: &str) -> Result<(), String> {
        let sql = sql.to_owned();
        match &self.kind {
            Kind::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.join("test.db")).map_err(|e| e.to_string())?;
                conn.execute_batch(&sql).map_err(|e| e.to_string())
            }
            Kind::Postgres { .. } => {
                let url = self.url.clone();
                std::thread::spawn(move || -> Result<(), String> {
                    let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
                    client.batch_execute(&sql).map_err(|e| e.to_string())
                })
                .join()
                .map_err(|_| "thread panicked".to_owned())?
            }
        }
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.kind {
            Kind::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Kind::Postgres { base, schema } => {
                let (base, schema) = (base.clone(), schema.clone());
                let _ = std::thread::spawn(move || {
                    if let Ok(mut client) = postgres::Client::connect(&base, postgres::NoTls) {
                        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                    }
                })
                .join();
            }
        }
    }
}
