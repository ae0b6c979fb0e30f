//! `taizhang`: the command line. A thin shell over the services: each
//! subcommand opens the store, builds the services and calls them.

mod config;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use taizhang_core::Services;
use taizhang_core::auth::{Actor, generate_password};
use taizhang_core::service::UserInput;
use taizhang_web::{AppState, WebConfig};

use config::Config;

// mimalloc instead of the system allocator: serving a list allocates many
// small, short-lived strings and maps across the runtime's threads, and
// glibc's malloc spent about a quarter of the server's time on them; lists
// and pages serve 10-35% more requests with it (BENCHMARKS.md, "The
// allocator"). Built without transparent huge pages (`no_thp`), its memory
// stays that of glibc's: 2 MB pages made an idle server's RSS 40 MB, not 28.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "taizhang", version, about = "台账：基层工作台账与一键工作总结")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load the demo district "X矿矿区" and serve it.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load the demo and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve an existing database.
    Serve {
        #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Run the database migrations and exit.
    Migrate,
    /// User accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the database (SQLite: while the server
    /// runs; PostgreSQL: pg_dump, custom format).
    Backup {
        /// The backup file to write; it must not exist yet.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Put a backup back. Stop the server first; an existing database is
    /// replaced only with --force.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
        /// Replace the data of an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Import records from a spreadsheet.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the work summary (工作总结) of an org and period.
    Summary {
        /// The org, by name or id.
        #[arg(long)]
        org: String,
        /// 2020H1, 2020, 2020Q3, 2020-07 ...
        #[arg(long)]
        period: String,
        /// docx, pdf, html or md; default: from the output file's extension.
        #[arg(long)]
        format: Option<String>,
        /// The file to write.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account. The password comes from --password, else
    /// TAIZHANG_NEW_PASSWORD, else a generated one is printed.
    Add {
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// system_admin, org_admin, recorder or viewer.
        #[arg(long, default_value = "recorder")]
        role: String,
        /// Org of the account's subtree, by name or id.
        #[arg(long)]
        org: String,
        /// May unmask personal data (each view is audited).
        #[arg(long)]
        personal: bool,
        #[arg(long, env = "TAIZHANG_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Set a new password for an account.
    Password {
        #[arg(long)]
        username: String,
        #[arg(long, env = "TAIZHANG_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A resident roster (.xlsx or .csv), merged by ID number: prints the
    /// added, changed and unchanged counts, or every bad row and exits 1.
    Roster {
        /// The org whose grids the rows name, by name or id.
        #[arg(long)]
        org: String,
        /// Headers the file uses instead of the standard ones: "身份证号=证件号码;住址=家庭住址".
        #[arg(long, default_value = "")]
        map: String,
        /// Also write the error report (.xlsx) here when rows are bad.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
        /// The roster file.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the hash chain: detects an edited or deleted entry.
    Verify,
}

/// The argument that makes this program a template worker (see
/// `taizhang_docs::report::worker`): the server starts it to render a
/// template a user wrote, one per render, in a process of its own.
const TEMPLATE_WORKER: &str = "render-template";

/// Renders one template from standard input to standard output, within a
/// memory and CPU limit: a template that builds huge strings ends this
/// process, never the server.
fn template_worker() -> ExitCode {
    let memory = taizhang_reports::summary::TEMPLATE_MEMORY;
    if rlimit::Resource::AS.set(memory, memory).is_err() || rlimit::Resource::CPU.set(10, 10).is_err() {
        return ExitCode::FAILURE;
    }
    match taizhang_docs::report::worker(std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

fn main() -> ExitCode {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into());
    // TAIZHANG_LOG_FORMAT=json: one JSON object per line, for log collectors.
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("TAIZHANG_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        log.json().init();
    } else {
        log.init();
    }
    // The template worker: before anything else, and without a runtime.
    if std::env::args().nth(1).as_deref() == Some(TEMPLATE_WORKER) {
        return template_worker();
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("无法启动：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> Result<Arc<Services>> {
    let store = taizhang_store::open(&config.database_url())
        .await
        .with_context(|| format!("数据库 {}", config.redacted_database_url()))?;
    Ok(Services::new(store))
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let config = cli.config;
    match cli.command {
        Command::Demo { listen, no_serve } => {
            let password = std::env::var("TAIZHANG_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(generate_password);
            let report = taizhang_demo::load(open(&config).await?.as_ref(), &password).await?;
            if report.loaded {
                println!("已载入演示数据“X矿矿区”：{} 个组织，{} 名人员。", report.orgs, report.people);
            } else {
                println!("数据库中已有数据，未重复载入演示数据。");
            }
            println!("数据库：{}", config.redacted_database_url());
            let users: Vec<&str> = taizhang_demo::DEMO_USERS.iter().map(|u| u.0).collect();
            println!("登录：用户名 admin，密码 {password}（演示账号 {} 使用同一密码）", users.join("、"));
            if !no_serve {
                serve_afresh(&config, listen)?;
                serve(&config, open(&config).await?, listen).await?;
            }
        }
        Command::Serve { listen } => {
            let services = open(&config).await?;
            serve(&config, services, listen).await?;
        }
        Command::Migrate => {
            open(&config).await?;
            println!("数据库已是最新结构：{}", config.redacted_database_url());
        }
        Command::User(UserCommand::Add { username, name, role, org, personal, password }) => {
            let services = open(&config).await?;
            let actor = Actor::system("cli");
            let org = services.org_lookup(&actor, &org).await.context("--org")?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(generate_password);
            let input = UserInput {
                username,
                display_name: name,
                role,
                org_id: Some(org.id),
                can_view_personal: personal,
                password: password.clone(),
            };
            let user = services.user_create(&actor, &input).await?;
            println!("已创建用户 {}（{}，{}）", user.username, user.role.label(), org.name);
            if generated {
                println!("密码：{password}");
            }
        }
        Command::User(UserCommand::Password { username, password }) => {
            let services = open(&config).await?;
            let actor = Actor::system("cli");
            let user =
                services.user_by_username(&actor, &username).await?.with_context(|| format!("没有用户 {username}"))?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(generate_password);
            services.user_reset_password(&actor, user.id, &password).await?;
            println!("已重设 {username} 的密码{}", if generated { format!("：{password}") } else { String::new() });
        }
        Command::Summary { org, period, format, output } => {
            use taizhang_docs::report::{self, Format};
            let extension = output.extension().and_then(|e| e.to_str()).unwrap_or_default().to_owned();
            let wanted = format.unwrap_or(extension);
            let Some(format) = Format::parse(&wanted) else {
                anyhow::bail!("--format：不支持的格式“{wanted}”，可用 docx、pdf、html、md");
            };
            let services = open(&config).await?;
            let actor = Actor::system("cli");
            let org = services.org_lookup(&actor, &org).await.context("--org")?;
            let data = services.summary_data(&actor, Some(org.id), &period).await.context("--period")?;
            // The org's own template, an ancestor's, or the preset of its
            // kind; the operator's own database, so rendered in process.
            let summary = taizhang_reports::summary::InProcess;
            let markup = taizhang_reports::summary::markup(&services, &actor, &data, None, &summary).await?;
            let doc = report::parse(&markup);
            // An HTML file links its figures to the site's pages, as the site's own preview does.
            let bytes =
                report::write(&doc, format, &taizhang_web::cite_href, &config.pdf()).map_err(anyhow::Error::msg)?;
            std::fs::write(&output, bytes).with_context(|| format!("无法写入 {}", output.display()))?;
            println!("已生成“{}”：{}", doc.title, output.display());
        }
        Command::Backup { output } => {
            let url = config.database_url();
            let target = output.clone();
            tokio::task::spawn_blocking(move || taizhang_store::backup::backup(&url, &target)).await??;
            println!("已备份到 {}", output.display());
        }
        Command::Restore { file, force } => {
            let url = config.database_url();
            let source = file.clone();
            tokio::task::spawn_blocking(move || taizhang_store::backup::restore(&url, &source, force)).await??;
            // Opening runs any migrations a backup from an older version needs.
            let services = open(&config).await?;
            match services.audit_verify().await? {
                Ok(n) => println!("已从 {} 恢复：审计日志 {n} 条，哈希链完整。", file.display()),
                Err(broken) => anyhow::bail!("恢复后的审计日志不完整：{broken}"),
            }
        }
        Command::Import(ImportCommand::Roster { org, map, report, file }) => {
            return import_roster(&config, &org, &map, report.as_deref(), &file).await;
        }
        Command::Audit(AuditCommand::Verify) => {
            let services = open(&config).await?;
            match services.audit_verify().await? {
                Ok(n) => println!("审计日志完整：共 {n} 条，哈希链无断裂。"),
                Err(broken) => {
                    println!("审计日志被篡改：{broken}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A three-stage progress line on stderr: read, check, store.
struct Progress {
    started: std::time::Instant,
}

impl Progress {
    fn stage(&self, n: usize, what: &str) {
        use std::io::Write;
        let filled = n * 10;
        let bar = format!("{}{}", "█".repeat(filled), "░".repeat(30 - filled));
        eprint!("\r[{bar}] {n}/3 {what}（已用 {:.1} 秒）          ", self.started.elapsed().as_secs_f64());
        let _ = std::io::stderr().flush();
    }
}

async fn import_roster(
    config: &Config,
    org: &str,
    map: &str,
    report: Option<&std::path::Path>,
    file: &std::path::Path,
) -> Result<ExitCode> {
    let services = open(config).await?;
    let actor = Actor::system("cli");
    let org = services.org_lookup(&actor, org).await.context("--org")?;
    let progress = Progress { started: std::time::Instant::now() };
    progress.stage(0, "读取文件");
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let rows = taizhang_docs::read_roster(&bytes, &taizhang_reports::parse_mapping(map))
        .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
    progress.stage(1, &format!("逐行校验 {} 行", rows.len()));
    let source = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let entries = match services.roster_check(&actor, Some(org.id), &rows).await {
        Ok(entries) => entries,
        Err(taizhang_core::Error::Invalid(errors)) => {
            eprintln!();
            eprintln!("花名册有 {} 处错误，整个文件均未导入：", errors.len());
            for e in &errors {
                eprintln!("  {}", e.message);
            }
            if let Some(path) = report {
                // The file itself, its bad cells marked, with the list of errors.
                let bytes = taizhang_reports::roster_error_report(&errors, &bytes, map)?;
                std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
                eprintln!("错误报告：{}", path.display());
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    progress.stage(2, &format!("写入 {} 行", entries.len()));
    let outcome = services.roster_store(&actor, entries, &source).await?;
    progress.stage(3, "完成");
    eprintln!();
    println!(
        "已导入“{}”的居民花名册：新增 {} 人，变更 {} 人，未变 {} 人，新建 {} 户。",
        org.name, outcome.added, outcome.changed, outcome.unchanged, outcome.households_added
    );
    Ok(ExitCode::SUCCESS)
}

/// Loading the demo leaves the heap and the connections' page caches full;
/// the demo is served by a fresh `taizhang serve` on the loaded database,
/// this process replaced by it (on Unix; elsewhere it serves itself).
fn serve_afresh(config: &Config, listen: SocketAddr) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(std::env::current_exe()?);
        command.arg("serve").arg("--listen").arg(listen.to_string()).env("TAIZHANG_DATA_DIR", &config.data_dir);
        command.env("TAIZHANG_SECURE_COOKIES", config.secure_cookies.to_string());
        match &config.database_url {
            Some(url) => command.env("TAIZHANG_DATABASE_URL", url),
            None => command.env_remove("TAIZHANG_DATABASE_URL"),
        };
        match &config.soffice {
            Some(path) => command.env("TAIZHANG_SOFFICE", path),
            None => command.env_remove("TAIZHANG_SOFFICE"),
        };
        // Only returns if the program could not be started.
        let error = command.exec();
        eprintln!("无法重新启动服务（{error}），由当前进程继续提供服务。");
    }
    #[cfg(not(unix))]
    let _ = (config, listen);
    Ok(())
}

async fn serve(config: &Config, services: Arc<Services>, listen: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("无法监听 {listen}"))?;
    let address = listener.local_addr()?;
    println!("台账已启动：http://{address}/");
    let state = AppState::new(
        services,
        WebConfig {
            secure_cookies: config.secure_cookies,
            // User templates render in a child process of this same program.
            template_worker: std::env::current_exe().ok(),
            pdf: config.pdf(),
            ..WebConfig::default()
        },
    );
    taizhang_web::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
