//! Fresh, isolated databases for tests: a new SQLite file, or, when
//! `TAIZHANG_PG_URL` is set, a new schema in that PostgreSQL database.
//! Dropped when the handle goes out of scope. A template filled once (the
//! demo, say) gives each test a copy of its own: a file copy, or a
//! PostgreSQL database made with `CREATE DATABASE … TEMPLATE`.

use std::path::{Path, PathBuf};

/// The environment variable that switches the test suites to PostgreSQL.
pub const PG_URL_VAR: &str = "TAIZHANG_PG_URL";

pub struct TestDb {
    /// URL to pass to [`crate::open`].
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(PathBuf),
    Postgres {
        base: String,
        schema: String,
    },
    /// A database of its own on the server of `base`: a template or a copy of one.
    PostgresDatabase {
        base: String,
        name: String,
    },
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn pg_base() -> Option<String> {
    std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty())
}

/// Runs SQL on the server of `url`, on a thread of its own (the synchronous
/// client must not run inside an async runtime).
fn pg_run(url: &str, sql: String) -> Result<(), String> {
    let url = url.to_owned();
    std::thread::spawn(move || -> Result<(), String> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        client.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "thread panicked".to_owned())?
}

/// `base` with its database replaced by `name` (its query kept).
fn database_url(base: &str, name: &str) -> String {
    let (url, query) = base.split_once('?').map_or((base, None), |(u, q)| (u, Some(q)));
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let host_end = url[scheme_end..].find('/').map_or(url.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &url[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Whether the process that made a name with [`unique_suffix`] has ended
/// (known only where `/proc` lists processes).
fn maker_ended(suffix: &str) -> bool {
    let pid = suffix.split('_').next().unwrap_or_default();
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid).exists()
}

impl TestDb {
    /// SQLite unless `TAIZHANG_PG_URL` is set.
    pub fn new() -> TestDb {
        match pg_base() {
            Some(base) => TestDb::postgres(&base),
            None => TestDb::sqlite(),
        }
    }

    /// A fresh database to fill once and then [`copy`](TestDb::copy) for
    /// each test: a SQLite file, or, when `TAIZHANG_PG_URL` is set, a
    /// PostgreSQL database of its own on that server. Templates and copies
    /// left behind by test runs that have ended are removed first (a
    /// template lives as long as its process, usually in a `static`).
    pub fn template() -> TestDb {
        match pg_base() {
            Some(base) => {
                let (b, pattern) = (base.clone(), r"tz\_t%");
                let stale = std::thread::spawn(move || -> Result<Vec<String>, postgres::Error> {
                    let mut client = postgres::Client::connect(&b, postgres::NoTls)?;
                    let rows = client.query("SELECT datname FROM pg_database WHERE datname LIKE $1", &[&pattern])?;
                    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
                })
                .join()
                .expect("database list thread")
                .unwrap_or_else(|e| panic!("cannot list databases in {PG_URL_VAR}: {e}"));
                for name in stale {
                    let suffix = name.trim_start_matches("tz_tmpl_").trim_start_matches("tz_test_");
                    if maker_ended(suffix) {
                        let _ = pg_run(&base, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    }
                }
                let name = format!("tz_tmpl_{}", unique_suffix());
                pg_run(&base, format!("CREATE DATABASE {name}"))
                    .unwrap_or_else(|e| panic!("cannot create a template database in {PG_URL_VAR}: {e}"));
                TestDb { url: database_url(&base, &name), kind: Kind::PostgresDatabase { base, name } }
            }
            None => {
                if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name.strip_prefix("taizhang-test-").is_some_and(maker_ended) {
                            let _ = std::fs::remove_dir_all(entry.path());
                        }
                    }
                }
                TestDb::sqlite()
            }
        }
    }

    /// A copy of this database, for one test. Only once nothing writes to
    /// this one any more: on PostgreSQL nothing may even be connected to it.
    pub fn copy(&self) -> TestDb {
        match &self.kind {
            Kind::Sqlite(dir) => {
                let copy = TestDb::sqlite();
                let Kind::Sqlite(to) = &copy.kind else { unreachable!("a SQLite copy") };
                std::fs::create_dir_all(to).expect("the copy's folder");
                // The log too, should the last connection not have folded it in.
                for file in ["test.db", "test.db-wal"] {
                    if dir.join(file).exists() {
                        std::fs::copy(dir.join(file), to.join(file)).expect("copy of the template");
                    }
                }
                copy
            }
            Kind::PostgresDatabase { base, name } => {
                let copy = format!("tz_test_{}", unique_suffix());
                let mut tries = 0;
                // The template's last connections may still be closing.
                while let Err(e) = pg_run(base, format!("CREATE DATABASE {copy} TEMPLATE {name}")) {
                    tries += 1;
                    assert!(tries < 20 && e.contains("accessed by other users"), "cannot copy {name}: {e}");
                    std::thread::sleep(std::time::Duration::from_millis(250));
                }
                TestDb {
                    url: database_url(base, &copy),
                    kind: Kind::PostgresDatabase { base: base.clone(), name: copy },
                }
            }
            Kind::Postgres { .. } => panic!("a schema is not copied; make the template with TestDb::template"),
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

    /// The SQLite file, when this is one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.kind {
            Kind::Sqlite(dir) => Some(dir.join("test.db")),
            _ => None,
        }
    }

    /// The PostgreSQL schema this database lives in, when it is one.
    pub fn pg_schema(&self) -> Option<&str> {
        match &self.kind {
            Kind::Postgres { schema, .. } => Some(schema),
            _ => None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.kind, Kind::Postgres { .. } | Kind::PostgresDatabase { .. })
    }

    /// Runs raw SQL outside the application (to simulate tampering).
    pub fn execute_raw(&self, sql: &str) -> Result<(), String> {
        let sql = sql.to_owned();
        match &self.kind {
            Kind::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.join("test.db")).map_err(|e| e.to_string())?;
                conn.execute_batch(&sql).map_err(|e| e.to_string())
            }
            Kind::Postgres { .. } | Kind::PostgresDatabase { .. } => pg_run(&self.url, sql),
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
            Kind::PostgresDatabase { base, name } => {
                let _ = pg_run(base, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The plans of the people search, which a test may force to check each
/// against a plain scan (every plan must find the same people in the same
/// order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchPlan {
    /// Chosen by cost, as in production.
    ByCost,
    /// The text index's matches, sorted.
    Index,
    /// The list in its order, each row checked, until a page is full.
    InOrder,
}

/// Forces a plan on every people search of this process until set back to
/// [`SearchPlan::ByCost`].
pub fn force_search_plan(plan: SearchPlan) {
    let code = match plan {
        SearchPlan::ByCost => 0,
        SearchPlan::Index => 1,
        SearchPlan::InOrder => 2,
    };
    crate::repo::FORCED_PLAN.store(code, std::sync::atomic::Ordering::Relaxed);
}
