//! The grid benchmark: a county whose grids hold a large population, a
//! roster of 100,000 residents imported end to end from an .xlsx file (read,
//! checked row by row, stored in one transaction), and the live coverage of a
//! screening campaign over every household of the county.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::grid::{HEAD, RosterEntry, RosterRow};
use taizhang_core::id_number::{IdNumber, check_char};
use taizhang_core::mobile::Mobile;
use taizhang_core::model::{Id, Org};
use taizhang_core::service::{OrgInput, ScreeningInput, VisitInput};
use taizhang_core::store::HouseholdQuery;

use crate::Db;
use crate::report::{Table, count, ms, ratio, time_runs};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Districts under the county; each has 2 communities of 3 grids.
    #[arg(long, default_value_t = 50)]
    pub districts: usize,
    /// Households of the county's population, spread over its grids.
    #[arg(long, default_value_t = 300_000)]
    pub households: usize,
    /// Residents of the county's population (at least one per household).
    #[arg(long, default_value_t = 1_000_000)]
    pub residents: usize,
    /// Rows of the roster imported end to end from an .xlsx file.
    #[arg(long, default_value_t = 100_000)]
    pub import_rows: usize,
    /// Percent of households visited in the screening campaign.
    #[arg(long, default_value_t = 90)]
    pub visited: u64,
    /// Timed runs of the coverage (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args { districts: 50, households: 300_000, residents: 1_000_000, import_rows: 100_000, visited: 90, runs: 20 }
    }
}

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb * 1024)
}

#[derive(Debug, Clone, clap::Args)]
pub struct ChildArgs {
    /// The org whose grids the roster names.
    #[arg(long)]
    org: Id,
    /// The roster file.
    file: std::path::PathBuf,
}

/// Imports one roster file as the command line does (read, check, store)
/// and prints the figures as one JSON line, peak memory included.
pub async fn child(args: &ChildArgs, url: &str) -> Result<()> {
    let t0 = Instant::now();
    let store = taizhang_store::open(url).await?;
    let services = Services::new(store);
    let actor = Actor::system("bench");
    let opened = t0.elapsed();
    let bytes = std::fs::read(&args.file)?;
    let rows = taizhang_docs::read_roster(&bytes, &[]).map_err(anyhow::Error::msg)?;
    let read = t0.elapsed();
    let entries = services.roster_check(&actor, Some(args.org), &rows).await?;
    let checked = t0.elapsed();
    let outcome = services.roster_store(&actor, entries, "bench.xlsx").await?;
    let stored = t0.elapsed();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{}",
        serde_json::json!({
            "added": outcome.added, "open_ms": ms(opened), "read_ms": ms(read - opened),
            "check_ms": ms(checked - read), "store_ms": ms(stored - checked), "total_ms": ms(stored - opened),
            "peak_rss": peak_rss(),
        })
    );
    Ok(())
}

/// A synthetic ID number, unique for each `n` (no real region code).
fn id_for(n: usize) -> String {
    let birth = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default() + chrono::Days::new((n % 25_000) as u64);
    let seq = n / 25_000;
    let first17 = format!("4590{:02}{}{:03}", 10 + seq / 1000, birth.format("%Y%m%d"), seq % 1000);
    format!("{first17}{}", check_char(&first17).unwrap_or('0'))
}

const SURNAMES: &[&str] = &["韦", "覃", "黄", "蓝", "莫", "李", "王", "陈", "刘", "杨", "梁", "陆", "罗", "潘"];
const GIVEN: &[&str] = &["丽", "芳", "军", "强", "敏", "静", "华", "勇", "秀", "兰", "明", "辉", "玲", "东", "平"];

/// A given-name character about one name in a thousand has (the first
/// generated person's among them), for a search that finds few.
const RARE: &str = "琰";

fn name_for(n: usize) -> String {
    let last = if n.is_multiple_of(1009) { RARE } else { GIVEN[(n / 101) % GIVEN.len()] };
    format!("{}{}{last}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / 7) % GIVEN.len()])
}

/// A mobile number for each `n` below 10⁸, unique, its tail spread (the
/// numbers of the imported roster start 139, these 158).
fn mobile_for(n: usize) -> String {
    format!("158{:08}", (n as u64 * 2_654_435_761 + 12_345_678) % 100_000_000)
}

async fn org(services: &Services, actor: &Actor, parent: Option<Id>, kind: &str, name: String) -> Result<Org> {
    services
        .org_create(
            actor,
            OrgInput { parent_id: parent, kind: kind.to_owned(), name: name.clone(), ..Default::default() },
        )
        .await
        .with_context(|| format!("creating the org “{name}” (does the database already hold the bench county?)"))
}

/// The county, its districts and their grids: (county, [(district, grids)]).
async fn build_county(services: &Services, actor: &Actor, n: usize) -> Result<(Org, Vec<(Org, Vec<Org>)>)> {
    let county = org(services, actor, None, "county", "基准测试自治县".to_owned()).await?;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let district = org(services, actor, Some(county.id), "party_committee", format!("第{i}矿区党委")).await?;
        let mut grids = Vec::new();
        for c in 1..=2 {
            let community = org(services, actor, Some(district.id), "community", format!("第{i}矿区第{c}社区")).await?;
            for g in 1..=3 {
                grids.push(
                    org(services, actor, Some(community.id), "grid", format!("第{i}矿区第{c}社区第{g}网格")).await?,
                );
            }
        }
        out.push((district, grids));
    }
    Ok((county, out))
}

pub async fn run(args: &Args, url: Option<&str>) -> Result<()> {
    anyhow::ensure!(args.districts >= 2 && args.households >= 1 && args.residents >= args.households, "bad sizes");
    let db = Db::open(url).await?;
    let services = Services::new(db.store.clone());
    let actor = Actor::system("bench");
    let started = Instant::now();
    let (county, districts) = build_county(&services, &actor, args.districts).await?;

    // --- the population, loaded through the store's import in batches ---
    // The last district stays empty: the measured import goes there.
    let grids: Vec<&Org> = districts[..districts.len() - 1].iter().flat_map(|(_, g)| g.iter()).collect();
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    let mut batch = Vec::with_capacity(100_000);
    let mut person = 0usize;
    let mut load = Duration::ZERO;
    // An ID number ending in X in the first grid (the grid worker's), for
    // the search by an ID's tail.
    let mut x_tail = None;
    for h in 0..args.households {
        let grid = grids[h % grids.len()];
        // Spread the residents: every household gets one, the rest go round.
        let members = 1
            + (args.residents - args.households) / args.households
            + usize::from(h < (args.residents - args.households) % args.households);
        for m in 0..members {
            let id = IdNumber::parse(&id_for(person), today).context("generated ID")?;
            if x_tail.is_none() && h % grids.len() == 0 && id.as_str().ends_with('X') {
                x_tail = Some(id.as_str()[14..].to_owned());
            }
            batch.push(RosterEntry {
                row: person + 3,
                grid_id: grid.id,
                address: format!("{}栋{}单元{}室", 1 + h / 600, 1 + (h / 100) % 6, 101 + h % 100),
                name: name_for(person),
                gender: id.gender(),
                birth_date: id.birth_date(),
                id_number: id,
                mobile: Some(Mobile::parse(&mobile_for(person)).context("generated mobile")?),
                relation: if m == 0 { HEAD.to_owned() } else { "子女".to_owned() },
                notes: String::new(),
            });
            person += 1;
        }
        if batch.len() >= 100_000 || h + 1 == args.households {
            let start = Instant::now();
            let n = batch.len();
            services.roster_store(&actor, std::mem::take(&mut batch), "bench.xlsx").await?;
            load += start.elapsed();
            eprintln!(
                "loaded {} of {} residents ({} in this batch)",
                count(person as u64),
                count(args.residents as u64),
                n
            );
        }
    }
    let setup = started.elapsed();

    // --- the measured import: an .xlsx roster, end to end ---
    let (target, target_grids) = &districts[districts.len() - 1];
    let rows: Vec<RosterRow> = (0..args.import_rows)
        .map(|i| {
            let n = person + i;
            RosterRow {
                row: 0,
                name: name_for(n),
                gender: String::new(),
                id_number: id_for(n),
                birth_date: String::new(),
                mobile: format!("139{:08}", n % 100_000_000),
                address: format!("新区{}栋{}室", 1 + i / 300, 101 + (i / 3) % 100),
                head: String::new(),
                relation: if i % 3 == 0 { HEAD.to_owned() } else { "子女".to_owned() },
                grid: target_grids[(i / 3) % target_grids.len()].name.clone(),
                notes: String::new(),
            }
        })
        .collect();
    let file = taizhang_docs::roster_workbook("基准测试居民花名册", &rows).map_err(anyhow::Error::msg)?;
    let path = std::env::temp_dir().join(format!("taizhang-bench-roster-{}.xlsx", std::process::id()));
    std::fs::write(&path, &file)?;
    // In a process of its own, as `taizhang import roster` runs, so that its
    // peak memory is the import's alone.
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--database-url", &db.url, "roster-child", "--org", &target.id.to_string()])
        .arg(&path)
        .output()
        .context("running the import in a child process")?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    anyhow::ensure!(out.status.success(), "the import failed");
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).context("the child's figures")?;
    std::fs::remove_file(&path).ok();
    let millis = |key: &str| Duration::from_secs_f64(figures[key].as_f64().unwrap_or_default() / 1000.0);
    let (t_read, t_check, t_store, total) =
        (millis("read_ms"), millis("check_ms"), millis("store_ms"), millis("total_ms"));
    let peak = figures["peak_rss"].as_u64();
    anyhow::ensure!(figures["added"].as_u64() == Some(args.import_rows as u64), "imported {figures}");
    let read = taizhang_docs::read_roster(&file, &[]).map_err(anyhow::Error::msg)?;
    drop(rows);
    // The same file again: every row compared, none changed.
    let t1 = Instant::now();
    let again = services.roster_import(&actor, Some(target.id), &read, "bench-100k.xlsx").await?;
    let t_again = t1.elapsed();
    anyhow::ensure!(again.unchanged == args.import_rows, "re-imported {again:?}");

    // --- a screening over every household, most of them visited ---
    let all_grids: Vec<Id> = districts.iter().flat_map(|(_, g)| g.iter().map(|o| o.id)).collect();
    let screening = services
        .screening_create(
            &actor,
            &ScreeningInput {
                org_id: Some(county.id),
                name: "基准测试入户排查".into(),
                starts_on: "2025-01-01".into(),
                ends_on: "2025-01-31".into(),
                grid_ids: all_grids.clone(),
            },
        )
        .await?;
    let t_visits = Instant::now();
    let mut visits = 0usize;
    for grid in &all_grids {
        let page = db
            .store
            .households(&HouseholdQuery {
                scope_path: "/".into(),
                grid_id: Some(*grid),
                text: String::new(),
                page: 1,
                per_page: u32::MAX / 2,
                after: None,
            })
            .await?;
        let inputs: Vec<VisitInput> = page
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| (*i as u64 * 100 / page.items.len().max(1) as u64) < args.visited)
            .map(|(i, h)| VisitInput {
                household_id: Some(h.id),
                visited_on: format!("2025-01-{:02}", 1 + i % 28),
                visitor: "网格员".into(),
                result: "all_seen".into(),
                note: String::new(),
                statuses: Vec::new(),
            })
            .collect();
        visits += services.visits_import(&actor, screening.id, &inputs).await?;
    }
    let t_visits = t_visits.elapsed();
    let coverage = services.coverage(&actor, screening.id).await?;

    let load_before = crate::load_average();
    let store = db.store.clone();
    let ping = time_runs(args.runs, || store.ping()).await?;
    let cov = time_runs(args.runs, || {
        let (services, actor) = (services.clone(), actor.clone());
        async move { services.coverage(&actor, screening.id).await }
    })
    .await?;
    let base = ping.median();

    let mut t = Table::new(format!(
        "Grid work on {} ({} districts, {} households, {} residents)",
        db.store.backend(),
        args.districts,
        count(coverage.total.households),
        count(coverage.total.residents)
    ));
    t.fact("set-up: county and population", format!("{:.1}", setup.as_secs_f64()), "s");
    t.fact(
        "population load rate (store import, 100k batches)",
        count((person as f64 / load.as_secs_f64()) as u64),
        "rows/s",
    );
    t.fact(
        format!("roster import of {} rows from .xlsx, end to end (own process)", count(args.import_rows as u64)),
        ms(total),
        "ms",
    );
    t.fact("… read the .xlsx", ms(t_read), "ms");
    t.fact("… check every row", ms(t_check), "ms");
    t.fact("… store in one transaction", ms(t_store), "ms");
    t.fact("roster import rate, end to end", count((args.import_rows as f64 / total.as_secs_f64()) as u64), "rows/s");
    t.fact("file size", format!("{:.1}", file.len() as f64 / 1_048_576.0), "MB");
    t.fact(
        "peak resident memory of the importing process",
        peak.map_or_else(|| "n/a".to_owned(), |b| format!("{:.0}", b as f64 / 1_048_576.0)),
        "MB",
    );
    t.fact("the same file again (all unchanged)", ms(t_again), "ms");
    t.fact(
        format!("visits recorded ({}% of each grid, one transaction per grid)", args.visited),
        count(visits as u64),
        "",
    );
    t.fact("visits load time", format!("{:.1}", t_visits.as_secs_f64()), "s");
    t.row("baseline: store ping, median", ms(base), "ms", "1×");
    t.row(
        format!("coverage of the county's campaign: median of {}", cov.len()),
        ms(cov.median()),
        "ms",
        ratio(cov.median(), base),
    );
    t.row("coverage: p95", ms(cov.p95()), "ms", ratio(cov.p95(), base));
    t.fact(
        "coverage figures",
        format!(
            "{}/{} households, {}/{} residents",
            count(coverage.total.visited),
            count(coverage.total.households),
            count(coverage.total.with_status),
            count(coverage.total.residents)
        ),
        "",
    );
    t.fact("load average before / after", format!("{load_before} / {}", crate::load_average()), "");
    if let Some(bytes) = db.sqlite_bytes() {
        t.fact("SQLite file with WAL", format!("{:.0}", bytes as f64 / 1_048_576.0), "MB");
    }
    t.print();

    // --- the lists over HTTP, for a county admin and a grid worker ---
    let first = name_for(0);
    let (pinyin, initials) = taizhang_core::search_keys::name_keys(&first);
    let mobile = mobile_for(0);
    let picks = crate::grid_http::Picks {
        surname: first.chars().take(1).collect(),
        rare_given: RARE.to_owned(),
        pinyin,
        initials,
        phone_tail: mobile[7..].to_owned(),
        id_tail: x_tail.unwrap_or_else(|| id_for(0)[14..].to_owned()),
    };
    let lists = crate::grid_http::run(&services, &county, grids[0], &picks, args.runs, db.store.backend()).await?;
    lists.print();
    db.close();
    Ok(())
}
