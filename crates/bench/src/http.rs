//! The HTTP benchmark: the demo district served in-process on loopback,
//! called by a pool of tokio tasks through reqwest: the API with a bearer
//! token, the same lists' HTML pages with the cookie of a sign-in on the
//! login page.

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
    /// Time only the endpoints whose label holds this text (and the bare
    /// handler they are compared with), e.g. to profile one of them.
    #[arg(long)]
    pub only: Option<String>,
}

impl Default for Args {
    fn default() -> Self {
        Args { requests: 2000, concurrency: 50, only: None }
    }
}

/// How a request says who is asking.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    /// `Authorization: Bearer …`, as API clients do.
    Bearer(String),
    /// The `Cookie` header a browser sends after signing in on the login page.
    Cookie(String),
}

impl Auth {
    pub fn apply(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::None => r,
            Auth::Bearer(token) => r.bearer_auth(token),
            Auth::Cookie(cookie) => r.header(reqwest::header::COOKIE, cookie),
        }
    }
}

/// One timed endpoint.
struct Endpoint {
    label: &'static str,
    url: String,
    auth: Auth,
}

impl Endpoint {
    fn new(label: &'static str, host: &str, path: &str, auth: Auth) -> Endpoint {
        Endpoint { label, url: format!("{host}{path}"), auth }
    }
}

/// Fails unless the endpoint answers 200, and with HTML when it is a page.
async fn check(client: &reqwest::Client, e: &Endpoint) -> Result<()> {
    let resp = e.auth.apply(client.get(&e.url)).send().await.with_context(|| format!("{}: no answer", e.label))?;
    let status = resp.status();
    let location = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let kind = resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = resp.text().await.unwrap_or_default();
    if status != reqwest::StatusCode::OK {
        bail!(
            "{}: answered {status}{} instead of 200: {}",
            e.label,
            location.map(|l| format!(" to {l}")).unwrap_or_default(),
            body.chars().take(300).collect::<String>()
        );
    }
    if matches!(e.auth, Auth::Cookie(_)) {
        anyhow::ensure!(
            kind.starts_with("text/html") && body.contains("<html") && !body.contains("name=\"password\""),
            "{}: the answer is not the page ({kind}, {} bytes)",
            e.label,
            body.len()
        );
    }
    Ok(())
}

/// Signs in through `POST /api/v1/auth/login` and returns the bearer token.
pub async fn api_token(client: &reqwest::Client, base: &str, username: &str, password: &str) -> Result<String> {
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("signing in as {username}"))?
        .json()
        .await?;
    match login.get("token").and_then(|t| t.as_str()) {
        Some(token) => Ok(token.to_owned()),
        None => bail!("the sign-in answer holds no token"),
    }
}

/// The `name=value` part of each `Set-Cookie` of an answer.
fn set_cookies(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(|v| v.trim().to_owned())
        .collect()
}

/// Signs in on the login page as a browser does: GET the form (its CSRF
/// token and cookie), POST it, keep the session cookie. Returns the value of
/// the `Cookie` header the pages are then requested with.
pub async fn page_session(base: &str, username: &str, password: &str) -> Result<String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let form = client.get(format!("{base}/login")).send().await?.error_for_status().context("the login page")?;
    let csrf_cookie = set_cookies(&form).join("; ");
    let html = form.text().await?;
    let Some(csrf) = html
        .split("name=\"_csrf\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
    else {
        bail!("the login page holds no CSRF token");
    };
    let resp = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, csrf_cookie)
        .form(&[("username", username), ("password", password), ("next", "/"), ("_csrf", csrf)])
        .send()
        .await?;
    anyhow::ensure!(resp.status().is_redirection(), "signing in on the login page answered {}", resp.status());
    let session: Vec<String> =
        set_cookies(&resp).into_iter().filter(|c| c.split_once('=').is_some_and(|(_, v)| !v.is_empty())).collect();
    anyhow::ensure!(!session.is_empty(), "signing in on the login page set no cookie");
    Ok(session.join("; "))
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
    // No redirects followed: a page that sends the client to the sign-in page
    // counts as an error, not as the sign-in page's time.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    let token = api_token(&client, &base, "admin", PASSWORD).await?;
    let session = page_session(&base, "admin", PASSWORD).await?;

    let bare_base = format!("http://{bare_addr}");
    let bearer = Auth::Bearer(token);
    let cookie = Auth::Cookie(session);
    // Each page follows the API list it shows, and is compared with it.
    let endpoints = [
        Endpoint::new("GET / of a bare axum handler (baseline)", &bare_base, "/", Auth::None),
        Endpoint::new("GET /healthz (routing and a store ping)", &base, "/healthz", Auth::None),
        Endpoint::new("GET /api/v1/people?per_page=50", &base, "/api/v1/people?per_page=50", bearer.clone()),
        Endpoint::new("page GET /people", &base, "/people", cookie.clone()),
        Endpoint::new("GET /api/v1/dashboard?period=2020H1", &base, "/api/v1/dashboard?period=2020H1", bearer.clone()),
        Endpoint::new("page GET /dashboard?period=2020H1", &base, "/dashboard?period=2020H1", cookie.clone()),
        Endpoint::new("GET /api/v1/activities?per_page=50", &base, "/api/v1/activities?per_page=50", bearer.clone()),
        Endpoint::new("page GET /activities", &base, "/activities", cookie.clone()),
        Endpoint::new("GET /api/v1/households?per_page=50", &base, "/api/v1/households?per_page=50", bearer.clone()),
        Endpoint::new("page GET /households", &base, "/households", cookie.clone()),
        Endpoint::new("GET /api/v1/cases", &base, "/api/v1/cases", bearer.clone()),
        Endpoint::new("page GET /cases", &base, "/cases", cookie.clone()),
    ];
    // Every endpoint must answer before it is timed: a page that sends the
    // client to the sign-in page would otherwise be timed as a fast redirect.
    for e in &endpoints {
        check(&client, e).await?;
    }
    let load_before = crate::load_average();
    let mut results = Vec::new();
    let chosen =
        |(i, e): &(usize, &Endpoint)| *i == 0 || args.only.as_ref().is_none_or(|o| e.label.contains(o.as_str()));
    for (i, e) in endpoints.iter().enumerate().filter(chosen) {
        results.push((i, e, hammer(&client, &e.url, &e.auth, args).await));
    }

    let load_after = crate::load_average();
    drop(client);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    bare.abort();

    let mut t = Table::new(format!(
        "HTTP API and pages over loopback: demo district, {} requests per endpoint at concurrency {}, engine {}",
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
    let (_, _, baseline) = &results[0];
    for (n, (i, e, f)) in results.iter().enumerate() {
        let label = e.label;
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
        // A page's throughput as a fraction of its API's (the one before it).
        if matches!(e.auth, Auth::Cookie(_))
            && let Some((_, api, api_f)) = n.checked_sub(1).and_then(|m| results.get(m)).filter(|(j, ..)| *j + 1 == *i)
        {
            t.row(
                format!("{label}: throughput ÷ that of {} (goal ≥ 0.5)", api.label),
                times(f.per_second(), api_f.per_second()),
                "",
                "—",
            );
        }
    }
    t.print();

    drop(services);
    db.close();
    Ok(())
}

/// Sends `requests` GETs with `concurrency` in flight, after one warm-up
/// request per task. Every answer is read to the end; a transport error
/// or a status other than 2xx counts as an error (its time still counts).
async fn hammer(client: &reqwest::Client, url: &str, auth: &Auth, args: &Args) -> Figures {
    let request = |client: &reqwest::Client| auth.apply(client.get(url));
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
