//! `taizhang-bench`: a harness that builds a synthetic county at scale and
//! prints figures as Markdown tables. It measures; it asserts nothing, and it
//! is not part of `cargo test`.
//!
//! Each run uses a fresh database: a new SQLite file, or a new PostgreSQL
//! schema when `TAIZHANG_PG_URL` is set (both removed afterwards), unless
//! `--database-url` names one to use as it is.

mod grid;
mod grid_http;
mod http;
mod ledgers;
mod report;
mod reporting;

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use taizhang_core::store::Store;
use taizhang_store::testing::TestDb;

// The allocator the server runs with (`taizhang`'s main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "taizhang-bench", about = "Benchmarks of Taizhang on a synthetic county")]
struct Cli {
    /// Bench against this database (sqlite:PATH or postgres://...) instead of
    /// a fresh one; it should hold no orgs yet. Default: a fresh SQLite file,
    /// or a fresh schema in TAIZHANG_PG_URL when that is set.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load activities into a county of many districts, then time dashboards.
    Ledgers(ledgers::Args),
    /// A county's population in grids: a 100,000-row roster imported end to
    /// end, and the coverage of a screening over every household.
    Grid(grid::Args),
    /// Serve the demo district in-process and time API calls over loopback.
    Http(http::Args),
    /// A county's upward reporting: a task's matrix over HTTP and a district's prefill.
    Reporting(reporting::Args),
    /// (Internal) import one roster file in this process and print its
    /// figures as JSON: how `grid` measures an import with its own memory.
    #[command(hide = true)]
    RosterChild(grid::ChildArgs),
    /// Each of the above, with their defaults, each on a fresh database.
    All(AllArgs),
}

/// What `all` may scale down: the grid's population (loading a million
/// residents into PostgreSQL takes far longer than into SQLite).
#[derive(Debug, clap::Args)]
struct AllArgs {
    /// Households of the grid bench's county.
    #[arg(long, default_value_t = grid::Args::default().households)]
    households: usize,
    /// Residents of the grid bench's county.
    #[arg(long, default_value_t = grid::Args::default().residents)]
    residents: usize,
    /// Requests per endpoint of the HTTP bench.
    #[arg(long, default_value_t = http::Args::default().requests)]
    requests: usize,
}

/// A database for one run; a fresh one is removed when this is dropped.
pub struct Db {
    pub store: Arc<dyn Store>,
    /// The database's address, for child processes.
    pub url: String,
    pub url_kind: &'static str,
    sqlite_path: Option<std::path::PathBuf>,
    fresh: Option<TestDb>,
}

impl Db {
    pub async fn open(given: Option<&str>) -> Result<Db> {
        let fresh = match given {
            Some(_) => None,
            None => Some(TestDb::new()),
        };
        let url = given.map(str::to_owned).or_else(|| fresh.as_ref().map(|t| t.url.clone())).unwrap_or_default();
        let store = taizhang_store::open(&url).await.with_context(|| "opening the bench database".to_owned())?;
        let sqlite_path = url.strip_prefix("sqlite:").map(|p| std::path::PathBuf::from(p.trim_start_matches("//")));
        Ok(Db { url_kind: if fresh.is_some() { "fresh" } else { "given" }, store, url, sqlite_path, fresh })
    }

    /// Size of the SQLite database with its write-ahead log, in bytes.
    pub fn sqlite_bytes(&self) -> Option<u64> {
        let path = self.sqlite_path.as_ref()?;
        let main = std::fs::metadata(path).ok()?.len();
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        Some(main + std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0))
    }

    /// Closes the store, then removes a fresh database.
    pub fn close(self) {
        let Db { store, fresh, .. } = self;
        drop(store);
        drop(fresh);
    }
}

/// The 1-minute load average (Linux), to tell a busy machine from a slow program.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Logical processors of this machine.
pub fn nproc() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let url = cli.database_url.as_deref();
    match cli.command {
        Command::Ledgers(args) => ledgers::run(&args, url).await,
        Command::Grid(args) => grid::run(&args, url).await,
        Command::RosterChild(args) => grid::child(&args, url.unwrap_or_default()).await,
        Command::Http(args) => http::run(&args, url).await,
        Command::Reporting(args) => reporting::run(&args, url).await,
        Command::All(all) => {
            if url.is_some() {
                bail!("`all` needs fresh databases: drop --database-url (set TAIZHANG_PG_URL for PostgreSQL)");
            }
            ledgers::run(&ledgers::Args::default(), None).await?;
            let grid = grid::Args { households: all.households, residents: all.residents, ..grid::Args::default() };
            grid::run(&grid, None).await?;
            http::run(&http::Args { requests: all.requests, ..http::Args::default() }, None).await?;
            reporting::run(&reporting::Args::default(), None).await
        }
    }
}
