//! The `grid` bench's lists over HTTP: the county's register served
//! in-process, read by a county system admin and by the grid worker of one
//! grid through the API with bearer tokens, one request at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::model::{Org, Role};
use taizhang_core::service::UserInput;
use taizhang_web::{AppState, WebConfig, serve};

use crate::http::{Auth, api_token};
use crate::report::{Samples, Table, count, ms, ratio};

const PASSWORD: &str = "bench-password-1";

/// Pages walked by cursor, and the page `page=` jumps to.
const DEEP: u32 = 1000;
const PEOPLE: &str = "/api/v1/people";
const HOUSEHOLDS: &str = "/api/v1/households";
const PER_PAGE: (&str, &str) = ("per_page", "50");

/// Search texts that find something in the grid worker's grid (and so in
/// the county): picked from the generated residents.
pub struct Picks {
    pub surname: String,
    pub rare_given: String,
    pub pinyin: String,
    pub initials: String,
    pub phone_tail: String,
    pub id_tail: String,
}

/// One account's view.
struct Account {
    label: &'static str,
    auth: Auth,
    county: bool,
}

/// A GET answered with JSON.
async fn get(
    client: &reqwest::Client,
    base: &str,
    auth: &Auth,
    path: &str,
    query: &[(&str, &str)],
) -> Result<serde_json::Value> {
    let resp = auth.apply(client.get(format!("{base}{path}")).query(query)).send().await?;
    let status = resp.status();
    let body = resp.bytes().await?;
    if !status.is_success() {
        bail!("{path} {query:?}: {status} {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
    }
    Ok(serde_json::from_slice(&body)?)
}

/// One warm-up request, then `runs` timed ones; the last answer is returned.
async fn timed(
    client: &reqwest::Client,
    base: &str,
    auth: &Auth,
    path: &str,
    query: &[(&str, &str)],
    runs: usize,
) -> Result<(Samples, serde_json::Value)> {
    let mut last = get(client, base, auth, path, query).await?;
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        last = get(client, base, auth, path, query).await?;
        all.push(start.elapsed());
    }
    Ok((Samples::from_vec(all), last))
}

fn found(answer: &serde_json::Value) -> String {
    let total = answer.get("total").and_then(|t| t.as_u64());
    let items = answer.get("items").and_then(|i| i.as_array()).map_or(0, Vec::len);
    let exact = match answer.get("total_exact").and_then(|e| e.as_bool()) {
        Some(true) => ", exact",
        Some(false) => ", estimate",
        None => "",
    };
    format!("total {}{exact}; {items} on the page", total.map_or_else(|| "n/a".to_owned(), count))
}

fn next_of(answer: &serde_json::Value) -> Option<String> {
    answer.get("next").and_then(|n| n.as_str()).map(str::to_owned)
}

fn timing_rows(t: &mut Table, label: &str, s: &Samples, base: Duration) {
    t.row(format!("{label}: p50"), ms(s.median()), "ms", ratio(s.median(), base));
    t.row(format!("{label}: p95"), ms(s.p95()), "ms", ratio(s.p95(), base));
}

/// Creates the two accounts, serves the database over loopback and times
/// the lists; returns the table to print.
pub async fn run(
    services: &Arc<Services>,
    county: &Org,
    grid: &Org,
    picks: &Picks,
    runs: usize,
    backend: &str,
) -> Result<Table> {
    let actor = Actor::system("bench");
    for (username, display_name, role, org) in
        [("bench-county", "县级系统管理员", Role::SystemAdmin, county), ("bench-grid", "网格员", Role::Recorder, grid)]
    {
        services
            .user_create(
                &actor,
                &UserInput {
                    username: username.to_owned(),
                    display_name: display_name.to_owned(),
                    role: role.as_str().to_owned(),
                    org_id: Some(org.id),
                    can_view_personal: true,
                    password: PASSWORD.to_owned(),
                },
            )
            .await
            .with_context(|| format!("creating the account {username}"))?;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, AppState::new(services.clone(), WebConfig::default()), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let accounts = [
        Account {
            label: "county admin",
            auth: Auth::Bearer(api_token(&client, &base, "bench-county", PASSWORD).await?),
            county: true,
        },
        Account {
            label: "grid worker",
            auth: Auth::Bearer(api_token(&client, &base, "bench-grid", PASSWORD).await?),
            county: false,
        },
    ];

    let mut t = Table::new(format!(
        "Grid lists over HTTP on {backend}: the county's register, one request at a time, {runs} runs after one warm-up"
    ));
    t.fact("grid worker's grid", grid.name.clone(), "");
    let load_before = crate::load_average();
    let health = timed_plain(&client, &format!("{base}/healthz"), runs).await?;
    let baseline = health.median();
    t.row("baseline: GET /healthz, p50", ms(baseline), "ms", "1×");

    let searches: [(&str, &str); 6] = [
        ("common surname", picks.surname.as_str()),
        ("rare given-name character", picks.rare_given.as_str()),
        ("full pinyin", picks.pinyin.as_str()),
        ("pinyin initials", picks.initials.as_str()),
        ("phone tail", picks.phone_tail.as_str()),
        ("ID tail", picks.id_tail.as_str()),
    ];
    let deep = DEEP.to_string();
    for a in &accounts {
        let who = a.label;

        let (s, answer) = timed(&client, &base, &a.auth, PEOPLE, &[PER_PAGE], runs).await?;
        timing_rows(&mut t, &format!("{who}: GET /api/v1/people?per_page=50"), &s, baseline);
        t.fact(format!("{who}: … found"), found(&answer), "");

        for (what, q) in searches {
            let (s, answer) = timed(&client, &base, &a.auth, PEOPLE, &[PER_PAGE, ("q", q)], runs).await?;
            timing_rows(&mut t, &format!("{who}: search {what} q={q}"), &s, baseline);
            t.fact(format!("{who}: … found"), found(&answer), "");
        }

        if a.county {
            let (s, answer) = timed(&client, &base, &a.auth, PEOPLE, &[PER_PAGE, ("page", &deep)], runs).await?;
            timing_rows(&mut t, &format!("{who}: people page={DEEP}"), &s, baseline);
            t.fact(format!("{who}: … found"), found(&answer), "");
        }
        walk(&mut t, &client, &base, a, runs, baseline).await?;

        let (s, answer) = timed(&client, &base, &a.auth, HOUSEHOLDS, &[PER_PAGE], runs).await?;
        timing_rows(&mut t, &format!("{who}: GET /api/v1/households?per_page=50"), &s, baseline);
        t.fact(format!("{who}: … found"), found(&answer), "");
        if a.county {
            let (s, answer) = timed(&client, &base, &a.auth, HOUSEHOLDS, &[PER_PAGE, ("page", &deep)], runs).await?;
            timing_rows(&mut t, &format!("{who}: households page={DEEP}"), &s, baseline);
            t.fact(format!("{who}: … found"), found(&answer), "");
        }
    }
    t.fact("load average before / after", format!("{load_before} / {}", crate::load_average()), "");

    drop(client);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    Ok(t)
}

/// Times `runs` GETs of a URL without sign-in, after one warm-up.
async fn timed_plain(client: &reqwest::Client, url: &str, runs: usize) -> Result<Samples> {
    client.get(url).send().await?.error_for_status()?.bytes().await?;
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        client.get(url).send().await?.error_for_status()?.bytes().await?;
        all.push(start.elapsed());
    }
    Ok(Samples::from_vec(all))
}

/// Follows `next` from the first page of people to page `DEEP` (or the last
/// page), timing each step, then times that last page again `runs` times.
async fn walk(
    t: &mut Table,
    client: &reqwest::Client,
    base: &str,
    a: &Account,
    runs: usize,
    baseline: Duration,
) -> Result<()> {
    let who = a.label;
    let label = format!("{who}: people by cursor, page {DEEP} following `next`");
    let first = get(client, base, &a.auth, PEOPLE, &[PER_PAGE]).await?;
    let Some(mut cursor) = next_of(&first) else {
        let more = first.get("total").and_then(|n| n.as_u64()).is_some_and(|n| n > 50);
        let why = if more { "n/a (no `next` in the answer)" } else { "n/a (one page only)" };
        t.fact(label, why, "");
        return Ok(());
    };
    // `cursor` is the `after` of page `page + 1`.
    let mut page = 1u32;
    let mut steps = Vec::new();
    let started = Instant::now();
    let (cursor, reached) = loop {
        if page + 1 == DEEP {
            break (cursor, DEEP);
        }
        let start = Instant::now();
        let answer = get(client, base, &a.auth, PEOPLE, &[PER_PAGE, ("after", &cursor)]).await?;
        steps.push(start.elapsed());
        page += 1;
        match next_of(&answer) {
            Some(next) => cursor = next,
            // The last page: `cursor` is still its `after`.
            None => break (cursor, page),
        }
    };
    let walked = started.elapsed();
    let steps = Samples::from_vec(steps);
    let (s, answer) = timed(client, base, &a.auth, PEOPLE, &[PER_PAGE, ("after", &cursor)], runs).await?;
    let label = if reached == DEEP { label } else { format!("{who}: people by cursor, last page ({reached})") };
    timing_rows(t, &label, &s, baseline);
    t.fact(format!("{who}: … found"), found(&answer), "");
    t.fact(
        format!("{who}: … the walk: {} requests following `next`", count(steps.len() as u64)),
        format!("{:.1} s in all, p95 {} ms", walked.as_secs_f64(), ms(steps.p95())),
        "",
    );
    Ok(())
}
