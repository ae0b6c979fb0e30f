//! Upward reporting at county scale: a county of many districts, a monthly
//! task of theirs with many periods submitted (most approved), then the
//! county's matrix over HTTP (its API and its page) and the prefill of one
//! district's half-year report.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::model::Role;
use taizhang_core::reporting::Cadence;
use taizhang_core::service::{Decision, TaskInput, UserInput};
use taizhang_web::{AppState, WebConfig, serve};

use crate::Db;
use crate::http::{Auth, api_token, page_session};
use crate::ledgers::{Rng, build_county, generate};
use crate::report::{Samples, Table, count, ms, ratio, time_runs};

const PASSWORD: &str = "bench-password-1";

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Districts under the county, each reporting the task.
    #[arg(long, default_value_t = 50)]
    pub districts: usize,
    /// Periods (months) of the task, ending December 2025.
    #[arg(long, default_value_t = 20)]
    pub periods: usize,
    /// Activities of 2024 and 2025 the prefill counts.
    #[arg(long, default_value_t = 100_000)]
    pub activities: usize,
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args { districts: 50, periods: 20, activities: 100_000, runs: 20 }
    }
}

async fn get_timed(client: &reqwest::Client, url: &str, auth: &Auth, runs: usize) -> Result<(Samples, usize)> {
    let mut all = Vec::with_capacity(runs);
    let mut size = 0;
    for i in 0..=runs {
        let start = Instant::now();
        let resp = auth.apply(client.get(url)).send().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        anyhow::ensure!(status.is_success(), "{url}: {status}");
        size = body.len();
        if i > 0 {
            all.push(start.elapsed());
        }
    }
    Ok((Samples::from_vec(all), size))
}

pub async fn run(args: &Args, url: Option<&str>) -> Result<()> {
    anyhow::ensure!(args.districts >= 1 && args.periods >= 1 && args.runs >= 1, "counts must be ≥ 1");
    let db = Db::open(url).await?;
    let services = Services::new(db.store.clone());
    let actor = Actor::system("bench");
    let started = Instant::now();
    let (county, districts) = build_county(&services, &actor, args.districts).await?;
    let mut rng = Rng(0x5eb_2025);
    let mut left = args.activities;
    while left > 0 {
        let n = left.min(10_000);
        let batch = (0..n).map(|_| generate(&mut rng, &districts, 2024, 2)).collect();
        db.store.activity_import(batch, "bench.xlsx".into(), &actor.ctx()).await.context("activities")?;
        left -= n;
    }
    let setup = started.elapsed();

    // The task: monthly, from the county to its districts, ending 2025-12.
    let last = Cadence::Month.parse_period("2025-12").context("a period")?;
    let mut first = last;
    for _ in 1..args.periods {
        first = Cadence::Month.period_of(first.start - chrono::Duration::days(1));
    }
    let task = services
        .report_task_create(
            &actor,
            &TaskInput {
                org_id: Some(county.id),
                preset: "monthly_volunteer".into(),
                first_period: first.code(),
                last_period: last.code(),
                org_kinds: vec!["party_committee".into()],
                ..Default::default()
            },
        )
        .await?;
    let started = Instant::now();
    let mut period = first;
    let mut submitted = 0u64;
    let mut approved = 0u64;
    for p in 0..args.periods {
        for (i, d) in districts.iter().enumerate() {
            // Most report; a few are late or missing, as in life.
            if (i + p) % 10 == 9 {
                continue;
            }
            let late = (i + p) % 7 == 0;
            let sent = period.end + chrono::Duration::days(if late { 9 } else { 3 });
            let id = d.committee.id;
            services.submission_save_on(&actor, task.id, id, &period.code(), &[], true, Some(sent)).await?;
            submitted += 1;
            if (i + p) % 4 != 0 {
                services.submission_decide(&actor, task.id, id, &period.code(), Decision::Approve, "").await?;
                approved += 1;
            }
        }
        period = period.next();
    }
    let reporting = started.elapsed();

    // The half-year report of one district: its prefill.
    let half = services
        .report_task_create(
            &actor,
            &TaskInput {
                org_id: Some(county.id),
                preset: "half_year_summary".into(),
                first_period: "2025H1".into(),
                org_kinds: vec!["party_committee".into()],
                ..Default::default()
            },
        )
        .await?;
    let district = districts[0].committee.id;
    let prefill = {
        let (services, actor) = (services.clone(), actor.clone());
        time_runs(args.runs, move || {
            let (services, actor) = (services.clone(), actor.clone());
            async move { services.submission_view(&actor, half.id, district, "2025H1").await }
        })
        .await?
    };
    let matrix_service = {
        let (services, actor, id, periods) = (services.clone(), actor.clone(), task.id, args.periods);
        time_runs(args.runs, move || {
            let (services, actor) = (services.clone(), actor.clone());
            async move { services.report_matrix(&actor, id, periods).await }
        })
        .await?
    };

    let table = over_http(&services, &county, task.id, args, (prefill, matrix_service)).await?;
    let mut t = table;
    t.fact("engine", db.store.backend(), "");
    t.fact("districts reporting", count(args.districts as u64), "");
    t.fact("periods (months)", count(args.periods as u64), "");
    t.fact("activities", count(args.activities as u64), "");
    t.fact("setup: county and activities", format!("{:.1}", setup.as_secs_f64()), "s");
    t.fact("submissions (prefilled, submitted) / approved", format!("{} / {}", count(submitted), count(approved)), "");
    t.fact("submit + approve via services, per submission", ms(reporting / submitted.max(1) as u32), "ms");
    t.print();
    db.close();
    Ok(())
}

async fn over_http(
    services: &Arc<Services>,
    county: &taizhang_core::model::Org,
    task: i64,
    args: &Args,
    (prefill, matrix_service): (Samples, Samples),
) -> Result<Table> {
    let actor = Actor::system("bench");
    services
        .user_create(
            &actor,
            &UserInput {
                username: "bench-county".into(),
                display_name: "县级管理员".into(),
                role: Role::SystemAdmin.as_str().into(),
                org_id: Some(county.id),
                can_view_personal: false,
                password: PASSWORD.into(),
            },
        )
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, AppState::new(services.clone(), WebConfig::default()), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let bearer = Auth::Bearer(api_token(&client, &base, "bench-county", PASSWORD).await?);
    let cookie = Auth::Cookie(page_session(&base, "bench-county", PASSWORD).await?);
    let runs = args.runs;
    let (health, _) = get_timed(&client, &format!("{base}/healthz"), &Auth::None, runs).await?;
    let api = format!("{base}/api/v1/report-tasks/{task}/matrix?periods={}", args.periods.min(24));
    let (api_s, api_bytes) = get_timed(&client, &api, &bearer, runs).await?;
    let (page_s, page_bytes) = get_timed(&client, &format!("{base}/report-tasks/{task}"), &cookie, runs).await?;
    let (todo_s, _) = get_timed(&client, &format!("{base}/api/v1/todo"), &bearer, runs).await?;

    let base_time = health.median();
    let mut t = Table::new(format!(
        "Upward reporting: {} districts × {} monthly periods, {runs} runs after one warm-up",
        args.districts, args.periods
    ));
    let row = |t: &mut Table, label: &str, s: &Samples| {
        t.row(format!("{label}: p50"), ms(s.median()), "ms", ratio(s.median(), base_time));
        t.row(format!("{label}: p95"), ms(s.p95()), "ms", ratio(s.p95(), base_time));
    };
    t.row("baseline: GET /healthz, p50", ms(base_time), "ms", "1×");
    row(&mut t, "matrix via services", &matrix_service);
    row(&mut t, "GET /api/v1/report-tasks/{id}/matrix (all periods)", &api_s);
    t.fact("… answer size", count(api_bytes as u64), "bytes");
    row(&mut t, "GET /report-tasks/{id} (page, 12 periods)", &page_s);
    t.fact("… page size", count(page_bytes as u64), "bytes");
    row(&mut t, "GET /api/v1/todo (county admin)", &todo_s);
    row(&mut t, "prefill: one district's 2025H1 report (services)", &prefill);
    drop(client);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    Ok(t)
}
