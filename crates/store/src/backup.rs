//! Backups: a consistent copy of a running database, and putting one back.
//! SQLite copies itself (`VACUUM INTO`, safe while the server writes);
//! PostgreSQL is dumped and restored by its own tools, `pg_dump` and
//! `pg_restore` (from the PostgreSQL client, installed by `scripts/setup.sh`),
//! limited to the schema named in the URL's `search_path` when there is one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a backup or a restore failed, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("不支持的数据库地址“{0}”：请使用 sqlite:路径 或 postgres://…")]
    UnknownScheme(String),
    #[error("备份文件“{0}”已存在，请换一个文件名")]
    Exists(String),
    #[error("目标数据库已有数据；确认要用备份覆盖时请加 --force（请先停止服务）")]
    NotEmpty,
    #[error("“{0}”不是有效的台账备份：{1}")]
    BadBackup(String, String),
    #[error("{0}")]
    Failed(String),
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite:").map(|p| PathBuf::from(p.trim_start_matches("//")))
}

/// The schema a PostgreSQL URL selects with `options=-c search_path=...`.
fn pg_schema(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let decoded = query.replace("%20", " ").replace("%3D", "=").replace("%3d", "=");
    let at = decoded.find("search_path=")? + "search_path=".len();
    let schema: String = decoded[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    (!schema.is_empty()).then_some(schema)
}

fn run(mut command: Command, what: &str) -> Result<(), BackupError> {
    let out = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            BackupError::Failed(format!("找不到 {what}（请运行 scripts/setup.sh 安装 PostgreSQL 客户端）"))
        }
        _ => BackupError::Failed(format!("无法运行 {what}：{e}")),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::Failed(format!("{what} 失败：{}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Writes a consistent copy of the database at `url` to `file` (which must not exist).
pub fn backup(url: &str, file: &Path) -> Result<(), BackupError> {
    if file.exists() {
        return Err(BackupError::Exists(file.display().to_string()));
    }
    if let Some(path) = sqlite_path(url) {
        // Read-only: a mistyped path must fail, not create an empty database.
        let conn = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| BackupError::Failed(format!("无法打开数据库 {}：{e}", path.display())))?;
        conn.query_row("SELECT COUNT(*) FROM orgs", [], |r| r.get::<_, i64>(0))
            .map_err(|_| BackupError::Failed(format!("{} 不是台账数据库", path.display())))?;
        conn.execute("VACUUM INTO ?1", [file.to_string_lossy()]).map_err(|e| BackupError::Failed(e.to_string()))?;
        return Ok(());
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut command = Command::new("pg_dump");
        command.args(["--format=custom", "--no-owner", "--no-password", "--file"]).arg(file);
        if let Some(schema) = pg_schema(url) {
            command.args(["--schema", &schema]);
        }
        command.arg(format!("--dbname={url}"));
        return run(command, "pg_dump");
    }
    Err(BackupError::UnknownScheme(url.to_owned()))
}

/// Puts a backup back. The database must be empty unless `force`; the
/// server must be stopped (SQLite) or idle (PostgreSQL).
pub fn restore(url: &str, file: &Path, force: bool) -> Result<(), BackupError> {
    let bad = |why: String| BackupError::BadBackup(file.display().to_string(), why);
    if let Some(path) = sqlite_path(url) {
        // Check the copy before anything is replaced.
        {
            let conn = rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| bad(e.to_string()))?;
            let check: String =
                conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| bad(e.to_string()))?;
            if check != "ok" {
                return Err(bad(check));
            }
            conn.query_row("SELECT COUNT(*) FROM orgs", [], |r| r.get::<_, i64>(0))
                .map_err(|_| bad("没有台账的数据表".to_owned()))?;
        }
        if path.exists() && std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false) && !force {
            return Err(BackupError::NotEmpty);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| BackupError::Failed(e.to_string()))?;
        }
        // Write next to the target, then move into place: never half a file.
        let mut staged = path.clone().into_os_string();
        staged.push(".restoring");
        std::fs::copy(file, &staged).map_err(|e| BackupError::Failed(e.to_string()))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
        std::fs::rename(&staged, &path).map_err(|e| BackupError::Failed(e.to_string()))?;
        return Ok(());
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        if !file.exists() {
            return Err(bad("文件不存在".to_owned()));
        }
        // The dump names its schema; restoring must go to the same one.
        let listing = Command::new("pg_restore").arg("--list").arg(file).output().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                BackupError::Failed("找不到 pg_restore（请运行 scripts/setup.sh）".to_owned())
            }
            _ => BackupError::Failed(e.to_string()),
        })?;
        if !listing.status.success() {
            return Err(bad(String::from_utf8_lossy(&listing.stderr).trim().to_owned()));
        }
        let want = pg_schema(url).unwrap_or_else(|| "public".to_owned());
        let listing = String::from_utf8_lossy(&listing.stdout);
        let schemas: std::collections::BTreeSet<&str> = listing
            .lines()
            .filter(|l| !l.starts_with(';'))
            .filter_map(|l| {
                // "TABLE schema name owner" or "TABLE DATA schema name owner".
                let (_, rest) = l.split_once(" TABLE ")?;
                let mut words = rest.split_whitespace();
                match words.next()? {
                    "DATA" => words.next(),
                    schema => Some(schema),
                }
            })
            .collect();
        if schemas.iter().any(|s| *s != want) {
            return Err(bad(format!(
                "备份属于模式 {}，而目标是 {want}",
                schemas.iter().copied().collect::<Vec<_>>().join("、")
            )));
        }
        let mut command = Command::new("pg_restore");
        command.args(["--no-owner", "--no-password", "--single-transaction", "--exit-on-error"]);
        if force {
            command.args(["--clean", "--if-exists"]);
        }
        command.arg(format!("--dbname={url}")).arg(file);
        return run(command, "pg_restore").map_err(|e| match e {
            BackupError::Failed(msg) if !force && msg.contains("already exists") => BackupError::NotEmpty,
            other => other,
        });
    }
    Err(BackupError::UnknownScheme(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_comes_from_the_search_path_option() {
        assert_eq!(
            pg_schema("postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dtz_test_1").as_deref(),
            Some("tz_test_1")
        );
        assert_eq!(pg_schema("postgres://postgres@127.0.0.1:5432/test"), None);
        assert_eq!(sqlite_path("sqlite:/tmp/a.db"), Some(PathBuf::from("/tmp/a.db")));
    }
}
