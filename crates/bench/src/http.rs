//! The HTTP benchmark: the demo district served in-process on loopback,
//! called by a pool of tokio tasks through reqwest with a bearer token.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use taizhang_core::Services;
use taizhang_web::{AppState, WebConfig, serve};

use crate::Db;
use crate::report::{Samples, Table, count, ms, ratio, times};

/// Password the demo accounts ("admin" ...) get.
const PASSWORD: &str = "bench-password-1";

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Requests per endpoint (after a warm-up of one per task).
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args { requests: 2000, concurrency: 50 }
    }
}

/// What one endpoint did under load.
struct Figures {
    wall: Duration,
    latencies: Samples,
    errors: usize,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

pub async fn run(args: &Args, url: Option<&str>) -> Result<()> {
    anyhow::ensure!(args.requests >= 1 && args.concurrency >= 1, "counts must be ≥ 1");
    let db = Db::open(url).await?;
    let services = Services::new(db.store.clone());
    let started = Instant::now();
    let demo = taizhang_demo::load(&services, PASSWORD).await.context("loading the demo district")?;
    let setup = started.elapsed();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(services.clone(), WebConfig::default());
    let server = tokio::spawn(serve(listener, state, async {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    // The baseline: a bare axum handler in the same process, on its own port.
    let bare_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bare_addr = bare_listener.local_addr()?;
    let bare = tokio::spawn(async move {
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
        axum::serve(bare_listener, app).await
    });
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;

    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": PASSWORD }))
        .send()
        .await?
        .error_for_status()
        .context("signing in as admin")?
        .json()
        .await?;
    let Some(token) = login.get("token").and_then(|t| t.as_str()).map(str::to_owned) else {
        bail!("the sign-in answer holds no token");
    };

    let bare_base = format!("http://{bare_addr}");
    let endpoints = [
        ("GET / of a bare axum handler (baseline)", bare_base.as_str(), "/", false),
        ("GET /healthz (routing and a store ping)", base.as_str(), "/healthz", false),
        ("GET /api/v1/people?per_page=50", base.as_str(), "/api/v1/people?per_page=50", true),
        ("GET /api/v1/dashboard?period=2020H1", base.as_str(), "/api/v1/dashboard?period=2020H1", true),
        ("GET /api/v1/activities?per_page=50", base.as_str(), "/api/v1/activities?per_page=50", true),
        ("GET /api/v1/households?per_page=50", base.as_str(), "/api/v1/households?per_page=50", true),
        ("GET /api/v1/cases", base.as_str(), "/api/v1/cases", true),
    ];
    let load_before = crate::load_average();
    let mut results = Vec::new();
    for (label, host, path, auth) in endpoints {
        let url = format!("{host}{path}");
        let token = auth.then(|| token.clone());
        results.push((label, hammer(&client, &url, token.as_deref(), args).await));
    }

    let load_after = crate::load_average();
    drop(client);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    bare.abort();

    let mut t = Table::new(format!(
        "HTTP API over loopback: demo district, {} requests per endpoint at concurrency {}, engine {}",
        count(args.requests as u64),
        args.concurrency,
        db.store.backend()
    ));
    t.fact("engine", db.store.backend(), "");
    t.fact("database", db.url_kind, "");
    t.fact("nproc (server and client share them)", crate::nproc().to_string(), "cores");
    t.fact("load average (1 min) before / after the timed runs", format!("{load_before} / {load_after}"), "");
    t.fact(
        if demo.loaded { "setup: demo district loaded" } else { "setup: demo already present, passwords reset" },
        format!("{:.1}", setup.as_secs_f64()),
        "s",
    );
    let (_, baseline) = &results[0];
    for (label, f) in &results {
        t.row(
            format!("{label}: throughput"),
            format!("{:.0}", f.per_second()),
            "requests/s",
            times(f.per_second(), baseline.per_second()),
        );
        t.row(
            format!("{label}: p50"),
            ms(f.latencies.median()),
            "ms",
            ratio(f.latencies.median(), baseline.latencies.median()),
        );
        t.row(
            format!("{label}: p99"),
            ms(f.latencies.percentile(99.0)),
            "ms",
            ratio(f.latencies.percentile(99.0), baseline.latencies.percentile(99.0)),
        );
        t.fact(format!("{label}: errors"), f.errors.to_string(), "requests");
    }
    t.print();

    drop(services);
    db.close();
    Ok(())
}

/// Sends `requests` GETs with `concurrency` in flight, after one warm-up
/// request per task. Every answer is read to the end; a transport error
/// or a status other than 2xx counts as an error (its time still counts).
async fn hammer(client: &reqwest::Client, url: &str, token: Option<&str>, args: &Args) -> Figures {
    let request = |client: &reqwest::Client| {
        let mut r = client.get(url);
        if let Some(token) = token {
            r = r.bearer_auth(token);
        }
        r
    };
    async fn once(r: reqwest::RequestBuilder) -> bool {
        match r.send().await {
            Ok(resp) => {
                let ok = resp.status().is_success();
                resp.bytes().await.is_ok() && ok
            }
            Err(_) => false,
        }
    }
    let warm: Vec<_> = (0..args.concurrency).map(|_| tokio::spawn(once(request(client)))).collect();
    for w in warm {
        let _ = w.await;
    }

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let (next, total) = (next.clone(), args.requests);
        let builder = request(client);
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0;
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let Some(r) = builder.try_clone() else { break };
                let start = Instant::now();
                if !once(r).await {
                    errors += 1;
                }
                times.push(start.elapsed());
            }
            (times, errors)
        }));
    }
    let mut all = Vec::with_capacity(args.requests);
    let mut errors = 0;
    for task in tasks {
        match task.await {
            Ok((times, e)) => {
                all.extend(times);
                errors += e;
            }
            Err(_) => errors += 1,
        }
    }
    Figures { wall: started.elapsed(), latencies: Samples::from_vec(all), errors }
}
