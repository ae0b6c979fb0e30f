//! Storage for Taizhang: one implementation of [`taizhang_core::store::Store`]
//! over two engines, SQLite (embedded default) and PostgreSQL (large
//! deployments). The engine is chosen once, from the URL's scheme.
//!
//! The SQL lives in `repo`, written once against the [`conn::Conn`] seam;
//! each engine keeps its own migrations under `migrations/<engine>/`,
//! embedded in the binary and run at start. A shipped migration is never
//! edited; a change is a new file.

pub mod backup;
mod conn;
mod memo;
mod migrate;
mod postgres;
mod repo;
mod sqlite;
pub mod testing;

use std::path::PathBuf;
use std::sync::Arc;

use taizhang_core::model::AuditCtx;
use taizhang_core::store::Store;
use taizhang_core::{Error, Result};

use conn::{Conn, DbError};

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("不支持的数据库地址“{0}”：请使用 sqlite:路径 或 postgres://…")]
    UnknownScheme(String),
    #[error("无法打开数据库：{0}")]
    Connect(String),
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
}

enum Pool {
    Sqlite(r2d2::Pool<sqlite::Manager>),
    Postgres(r2d2::Pool<postgres::Manager>),
}

/// The store over either engine.
pub struct SqlStore {
    pool: Option<Arc<Pool>>,
    memos: memo::Memos,
}

impl Drop for SqlStore {
    fn drop(&mut self) {
        // A PostgreSQL client owns a small runtime of its own, which must not
        // be dropped on an async worker thread: close the pool elsewhere.
        if let Some(pool) = self.pool.take()
            && matches!(*pool, Pool::Postgres(_))
        {
            std::thread::spawn(move || drop(pool));
        }
    }
}

/// Opens the database at `url` (`sqlite:PATH` or `postgres://...`), runs
/// the pending migrations and returns the store.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, OpenError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || open_blocking(&url)).await.map_err(|e| OpenError::Connect(e.to_string()))?
}

fn open_blocking(url: &str) -> Result<Arc<dyn Store>, OpenError> {
    let pool = if let Some(path) = url.strip_prefix("sqlite:") {
        let path = PathBuf::from(path.trim_start_matches("//"));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::Connect(format!("{}: {e}", dir.display())))?;
        }
        // No test query on each checkout: a connection that broke shows it by
        // its error (and PostgreSQL's by `has_broken`), not by a round trip
        // added to every request.
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .build(sqlite::Manager { path })
            .map_err(|e| OpenError::Connect(e.to_string()))?;
        Pool::Sqlite(pool)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let config: ::postgres::Config =
            url.parse().map_err(|e: ::postgres::Error| OpenError::Connect(e.to_string()))?;
        let pool = r2d2::Pool::builder()
            .max_size(10)
            .min_idle(Some(1))
            .test_on_check_out(false)
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(postgres::Manager { config })
            .map_err(|e| OpenError::Connect(e.to_string()))?;
        Pool::Postgres(pool)
    } else {
        return Err(OpenError::UnknownScheme(url.to_owned()));
    };
    let engine = match &pool {
        Pool::Sqlite(_) => migrate::Engine::Sqlite,
        Pool::Postgres(_) => migrate::Engine::Postgres,
    };
    let store = SqlStore { pool: Some(Arc::new(pool)), memos: Default::default() };
    store.with_conn_blocking(|conn| migrate::run(conn, engine)).map_err(|e| OpenError::Migrate(e.to_string()))?;
    // Sort keys computed in Rust, for rows written before their column existed.
    store.with_conn_blocking(repo::fill_address_keys).map_err(|e| OpenError::Migrate(e.to_string()))?;
    store.with_conn_blocking(repo::fill_search_terms).map_err(|e| OpenError::Migrate(e.to_string()))?;
    store.with_conn_blocking(|conn| Ok(conn.refresh_statistics()?)).map_err(|e| OpenError::Migrate(e.to_string()))?;
    Ok(Arc::new(store))
}

impl SqlStore {
    fn pool(&self) -> Arc<Pool> {
        self.pool.clone().expect("pool is present until drop")
    }

    fn engine(&self) -> &'static str {
        match *self.pool() {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Connections open, idle, and the most the pool keeps.
    fn pool_state(&self) -> (u32, u32, u32) {
        match &*self.pool() {
            Pool::Sqlite(p) => (p.state().connections, p.state().idle_connections, p.max_size()),
            Pool::Postgres(p) => (p.state().connections, p.state().idle_connections, p.max_size()),
        }
    }

    fn with_conn_blocking<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        run_on(&self.pool(), f)
    }

    /// Runs `f` on a pooled connection on a blocking thread.
    async fn read<T: Send + 'static>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static) -> Result<T> {
        let pool = self.pool();
        tokio::task::spawn_blocking(move || run_on(&pool, f)).await.map_err(|e| Error::Storage(e.to_string()))?
    }

    /// Runs `f` in a write transaction: committed when it returns Ok,
    /// rolled back otherwise. Every read remembered before it ends is read
    /// again.
    async fn write<T: Send + 'static>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static) -> Result<T> {
        let written = self.read(|conn| transaction(conn, f)).await;
        self.memos.writes.ended();
        written
    }

    /// [`Self::write`], handing `f` its own copy of the audit context.
    async fn write_as<T: Send + 'static>(
        &self,
        ctx: &AuditCtx,
        f: impl FnOnce(&mut dyn Conn, &AuditCtx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let ctx = ctx.clone();
        self.write(move |conn| f(conn, &ctx)).await
    }

    /// [`Self::read`] through the memo `memo` picks, under `key`: a value
    /// remembered there (and `usable`) is answered without the store.
    async fn memoized<V: Clone + Send + 'static>(
        &self,
        memo: impl Fn(&memo::Memos) -> &memo::Memo<V>,
        key: &str,
        usable: impl Fn(&V) -> bool,
        f: impl FnOnce(&mut dyn Conn) -> Result<V> + Send + 'static,
    ) -> Result<V> {
        let miss = match memo(&self.memos).get(&self.memos.writes, key, usable) {
            Ok(value) => return Ok(value),
            Err(miss) => miss,
        };
        let value = self.read(f).await?;
        memo(&self.memos).keep(miss, key, &value);
        Ok(value)
    }

    /// [`Self::read`] within an org subtree, handing `f` its own copy of the path.
    async fn read_in<T: Send + 'static>(
        &self,
        scope_path: &str,
        f: impl FnOnce(&mut dyn Conn, &str) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let scope_path = scope_path.to_owned();
        self.read(move |conn| f(conn, &scope_path)).await
    }
}

fn run_on<T>(pool: &Pool, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    match pool {
        Pool::Sqlite(pool) => {
            let mut conn = pool.get().map_err(|e| Error::Storage(e.to_string()))?;
            f(&mut sqlite::SqliteConn(&mut conn))
        }
        Pool::Postgres(pool) => {
            let mut conn = pool.get().map_err(|e| Error::Storage(e.to_string()))?;
            f(&mut postgres::PgConn(&mut conn))
        }
    }
}

pub(crate) fn transaction<T>(conn: &mut dyn Conn, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    conn.begin_write().map_err(Error::from)?;
    match f(conn) {
        Ok(value) => {
            conn.commit().map_err(Error::from)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = conn.rollback() {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

impl From<DbError> for OpenError {
    fn from(e: DbError) -> Self {
        OpenError::Migrate(e.to_string())
    }
}
