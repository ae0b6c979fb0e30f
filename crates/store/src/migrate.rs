//! Runs each engine's embedded migrations once, in order, each in its own
//! transaction, recording them in `schema_migrations`.

use taizhang_core::Result;

use crate::conn::{Conn, params};

pub fn run(conn: &mut dyn Conn, migrations: &[(i64, &str, &str)]) -> Result<()> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    for (version, name, sql) in migrations {
        crate::transaction(conn, |conn| {
            let done = conn.query_opt("SELECT version FROM schema_migrations WHERE version = $1", params![*version])?;
            if done.is_none() {
                tracing::info!(version, name, "applying migration");
                conn.batch(sql)?;
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    params![*version, *name, crate::conn::ts_text(&taizhang_core::auth::now())],
                )?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
