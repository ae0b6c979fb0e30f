//! The ledgers benchmark: a county of N districts, many years of activities
//! loaded through the import path, then the dashboard of one district and of
//! the whole county, each timed against a trivial store call.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::ledger::{ActivityFields, ActivityQuery, Quantities};
use taizhang_core::model::{Id, Org};
use taizhang_core::service::{OrgInput, TargetInput};
use taizhang_core::store::Store;
use taizhang_docs::report;

use crate::Db;
use crate::report::{Samples, Table, count, ms, ratio, time_runs};

/// The last year of generated activities and the year measured.
const LAST_YEAR: i32 = 2025;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Districts (矿区党委) under the county.
    #[arg(long, default_value_t = 50)]
    pub districts: usize,
    /// Years of activities, ending 2025.
    #[arg(long, default_value_t = 10)]
    pub years: i32,
    /// Activities in all, spread over districts and years.
    #[arg(long, default_value_t = 500_000)]
    pub activities: usize,
    /// Timed runs of each measure (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Activities per import call (one transaction each).
    #[arg(long, default_value_t = 10_000)]
    pub batch: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args { districts: 50, years: 10, activities: 500_000, runs: 20, batch: 10_000 }
    }
}

/// The orgs of one district.
pub(crate) struct District {
    pub committee: Org,
    centre: Id,
    communities: [Id; 2],
    grids: [Id; 4],
}

pub async fn run(args: &Args, url: Option<&str>) -> Result<()> {
    anyhow::ensure!(args.districts >= 1 && args.years >= 1 && args.runs >= 1 && args.batch >= 1, "counts must be ≥ 1");
    let db = Db::open(url).await?;
    let services = Services::new(db.store.clone());
    let actor = Actor::system("bench");

    // --- the county ---
    let started = Instant::now();
    let (county, districts) = build_county(&services, &actor, args.districts).await?;
    for d in &districts {
        create_targets(&services, &actor, d).await?;
    }
    let setup = started.elapsed();

    // --- the activities, batch by batch ---
    let mut rng = Rng(0x7a1_2025);
    let first_year = LAST_YEAR - args.years + 1;
    let mut load = Duration::ZERO;
    let mut batch_rates = Vec::new();
    let mut left = args.activities;
    let mut batch_no = 0;
    while left > 0 {
        let n = left.min(args.batch);
        let batch: Vec<ActivityFields> =
            (0..n).map(|_| generate(&mut rng, &districts, first_year, args.years)).collect();
        let start = Instant::now();
        let stored = db
            .store
            .activity_import(batch, format!("bench-{batch_no}.xlsx"), &actor.ctx())
            .await
            .context("importing a batch")?;
        let took = start.elapsed();
        load += took;
        batch_rates.push(stored as f64 / took.as_secs_f64());
        left -= n;
        batch_no += 1;
        if batch_no % 10 == 0 {
            eprintln!(
                "loaded {} of {} activities",
                count((args.activities - left) as u64),
                count(args.activities as u64)
            );
        }
    }

    // --- the measures ---
    let runs = args.runs;
    let load_before = crate::load_average();
    let store = db.store.clone();
    let ping = time_runs(runs, || store.ping()).await?;
    let district = &districts[0].committee;
    let dash = |org: Id, period: &'static str| {
        let (services, actor) = (services.clone(), actor.clone());
        move || {
            let (services, actor) = (services.clone(), actor.clone());
            async move { services.dashboard(&actor, Some(org), period).await }
        }
    };
    // The year, with what the dashboard is made of: each run times the
    // whole dashboard, then each of its parts on its own, so that slow
    // drifts of the machine hit all of them alike.
    let mut parts = Vec::new();
    for (label, org) in [("district", district), ("county", &county)] {
        parts.push((label, measure_parts(&services, &db.store, &actor, org, runs).await?));
    }
    let (d_year, c_year) = (parts[0].1.dashboard.clone(), parts[1].1.dashboard.clone());
    let d_half = time_runs(runs, dash(district.id, "2025H1")).await?;
    let c_half = time_runs(runs, dash(county.id, "2025H1")).await?;
    // The work summary as DOCX: facts gathered, default template, GB/T 9704 writer.
    let summary = |org: Id| {
        let (services, actor) = (services.clone(), actor.clone());
        move || {
            let (services, actor) = (services.clone(), actor.clone());
            async move {
                let data = services.summary_data(&actor, Some(org), "2025").await?;
                let markup = report::render(report::DEFAULT_SUMMARY, &data).map_err(anyhow::Error::msg)?;
                report::docx(&report::parse(&markup)).map_err(anyhow::Error::msg)
            }
        }
    };
    let summary_runs = runs.min(5);
    let d_summary = time_runs(summary_runs, summary(district.id)).await?;
    let c_summary = time_runs(summary_runs, summary(county.id)).await?;
    // The same with the composed preset over a composition of many
    // sections (every area, every kind, two month ranges, chips in text),
    // kept for the county: what any office's summary costs.
    let composed = |org: Id| {
        let (services, actor) = (services.clone(), actor.clone());
        move || {
            let (services, actor) = (services.clone(), actor.clone());
            async move {
                let data = services.summary_data(&actor, Some(org), "2025").await?;
                let markup = report::render(report::GENERIC_SUMMARY, &data).map_err(anyhow::Error::msg)?;
                report::docx(&report::parse(&markup)).map_err(anyhow::Error::msg)
            }
        }
    };
    let composition = bench_composition(&services, &actor, county.id).await?;
    services.summary_composition_set(&actor, Some(county.id), Some(&composition)).await?;
    let c_composed = time_runs(summary_runs, composed(county.id)).await?;

    let load_after = crate::load_average();

    // Sanity figures from the last dashboard, so a wrong load shows.
    let d = services.dashboard(&actor, Some(county.id), "2025").await?;
    let dd = services.dashboard(&actor, Some(district.id), "2025").await?;

    // --- the tables ---
    let base = ping.median();
    let mut t = Table::new(format!(
        "Ledgers: {} districts, {} activities over {} years ({}–{}), engine {}",
        args.districts,
        count(args.activities as u64),
        args.years,
        first_year,
        LAST_YEAR,
        db.store.backend()
    ));
    t.fact("engine", db.store.backend(), "");
    t.fact("database", db.url_kind, "");
    t.fact("nproc", crate::nproc().to_string(), "cores");
    t.fact("load average (1 min) before / after the timed runs", format!("{load_before} / {load_after}"), "");
    t.fact("orgs", count(1 + 8 * args.districts as u64), "orgs");
    t.fact("setup: orgs and targets via services", format!("{:.1}", setup.as_secs_f64()), "s");
    t.fact("load: activities imported", count(args.activities as u64), "rows");
    t.fact("load: batch size (one transaction each)", count(args.batch as u64), "rows");
    t.fact("load: total import time", format!("{:.1}", load.as_secs_f64()), "s");
    t.fact("load: rate", count((args.activities as f64 / load.as_secs_f64()) as u64), "rows/s");
    if let (Some(first), Some(last)) = (batch_rates.first(), batch_rates.last()) {
        t.fact("load: rate of the first batch", count(*first as u64), "rows/s");
        t.fact("load: rate of the last batch", count(*last as u64), "rows/s");
    }
    let per_row = load / args.activities.max(1) as u32;
    t.row("load: time per row", ms(per_row), "ms", ratio(per_row, base));
    if let Some(bytes) = db.sqlite_bytes() {
        t.fact("database file with WAL", format!("{:.0}", bytes as f64 / 1_048_576.0), "MiB");
    }
    timed(&mut t, &format!("baseline: store ping ({runs} runs)"), &ping, base);
    timed(&mut t, "dashboard, one district, 2025", &d_year, base);
    timed(&mut t, "dashboard, county, 2025", &c_year, base);
    timed(&mut t, "dashboard, one district, 2025H1", &d_half, base);
    timed(&mut t, "dashboard, county, 2025H1", &c_half, base);
    timed(&mut t, "summary DOCX, one district, 2025", &d_summary, base);
    timed(&mut t, "summary DOCX, county, 2025", &c_summary, base);
    timed(
        &mut t,
        &format!("summary DOCX composed ({} sections), county, 2025", composition.sections.len()),
        &c_composed,
        base,
    );
    t.fact("check: county activities in 2025", count(d.counts.total), "rows");
    t.fact("check: county targets evaluated", d.targets.len().to_string(), "targets");
    t.fact("check: county unreported volunteer activities 2025", count(d.unreported), "rows");
    t.fact("check: district activities in 2025", count(dd.counts.total), "rows");
    t.print();

    let mut b =
        Table::new("Dashboard parts, 2025 (medians over the same runs; the dashboard calls the parts in sequence)");
    for (label, p) in &parts {
        let rows = [
            ("whole dashboard", &p.dashboard),
            ("counts from the monthly aggregate", &p.counts),
            ("target evaluation (every target in the subtree)", &p.targets),
            ("remainder: dashboard minus the two parts above, per run", &p.remainder),
            ("activity list, all years, first page of 50 (not on the dashboard)", &p.list),
            ("unreported volunteer activities of the year, first page of 50 (not on the dashboard)", &p.unreported),
        ];
        for (what, s) in rows {
            b.row(format!("{label}: {what}"), ms(s.median()), "ms", ratio(s.median(), base));
        }
    }
    b.print();

    drop(services);
    db.close();
    Ok(())
}

/// Timings of the dashboard of one org for the year, and of its parts.
struct Parts {
    dashboard: Samples,
    counts: Samples,
    targets: Samples,
    remainder: Samples,
    list: Samples,
    unreported: Samples,
}

async fn measure_parts(
    services: &Services,
    store: &Arc<dyn Store>,
    actor: &Actor,
    org: &Org,
    runs: usize,
) -> Result<Parts> {
    let year_start = NaiveDate::from_ymd_opt(LAST_YEAR, 1, 1).unwrap_or_default();
    let year_end = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or_default();
    let unreported_query = ActivityQuery {
        scope_path: org.path.clone(),
        from: Some(year_start),
        to: Some(year_end),
        unreported: true,
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    let list_query = ActivityQuery { scope_path: org.path.clone(), page: 1, per_page: 50, ..Default::default() };
    let mut all: [Vec<Duration>; 6] = Default::default();
    // Run 0 warms up and is not kept.
    for run in 0..=runs {
        let mut t = [Duration::ZERO; 6];
        let start = Instant::now();
        black_box(services.dashboard(actor, Some(org.id), "2025").await?);
        t[0] = start.elapsed();
        let start = Instant::now();
        black_box(store.activity_counts(&org.path, "2025-01", "2025-12").await?);
        t[1] = start.elapsed();
        let start = Instant::now();
        black_box(services.target_statuses_at(org, LAST_YEAR, year_end).await?);
        t[2] = start.elapsed();
        t[3] = t[0].saturating_sub(t[1] + t[2]);
        let start = Instant::now();
        black_box(store.activity_list(&list_query).await?);
        t[4] = start.elapsed();
        let start = Instant::now();
        black_box(store.activity_list(&unreported_query).await?);
        t[5] = start.elapsed();
        if run > 0 {
            all.iter_mut().zip(t).for_each(|(v, d)| v.push(d));
        }
    }
    let [dashboard, counts, targets, remainder, list, unreported] = all.map(Samples::from_vec);
    Ok(Parts { dashboard, counts, targets, unreported, remainder, list })
}

/// Median and p95 rows for one measure.
fn timed(t: &mut Table, label: &str, s: &Samples, base: Duration) {
    t.row(format!("{label}: median"), ms(s.median()), "ms", ratio(s.median(), base));
    t.row(format!("{label}: p95 of {}", s.len()), ms(s.p95()), "ms", ratio(s.p95(), base));
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

pub(crate) async fn build_county(services: &Services, actor: &Actor, n: usize) -> Result<(Org, Vec<District>)> {
    let county = org(services, actor, None, "county", "基准测试自治县".to_owned()).await?;
    let mut districts = Vec::with_capacity(n);
    for i in 1..=n {
        let committee = org(services, actor, Some(county.id), "party_committee", format!("第{i}矿区党委")).await?;
        let centre = org(services, actor, Some(committee.id), "admin_centre", format!("第{i}矿区管委中心")).await?.id;
        let mut communities = [0; 2];
        let mut grids = [0; 4];
        for (c, cname) in ["第一社区", "第二社区"].into_iter().enumerate() {
            communities[c] = org(services, actor, Some(centre), "community", cname.to_owned()).await?.id;
            for (g, gname) in ["第一网格", "第二网格"].into_iter().enumerate() {
                grids[c * 2 + g] = org(services, actor, Some(communities[c]), "grid", gname.to_owned()).await?.id;
            }
        }
        districts.push(District { committee, centre, communities, grids });
    }
    Ok((county, districts))
}

/// Three targets per district for the measured year: one on the committee's
/// own activities, two over its subtree.
async fn create_targets(services: &Services, actor: &Actor, d: &District) -> Result<()> {
    for (kind, frequency, min_count, include_subtree) in [
        ("central_group_study", "month", 1, false),
        ("study_day", "week", 1, true),
        ("volunteer_activity", "quarter", 20, true),
    ] {
        services
            .target_create(
                actor,
                &TargetInput {
                    org_id: Some(d.committee.id),
                    year: LAST_YEAR,
                    kind: kind.to_owned(),
                    frequency: frequency.to_owned(),
                    min_count,
                    include_subtree,
                    title: String::new(),
                    exemptions: vec![],
                },
            )
            .await
            .context("creating a target")?;
    }
    Ok(())
}

/// SplitMix64: small, fast, deterministic.
pub(crate) struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// (kind, weight in percent).
const KIND_WEIGHTS: &[(&str, u64)] = &[
    ("central_group_study", 4),
    ("study_day", 20),
    ("meeting", 16),
    ("publicity", 20),
    ("volunteer_activity", 15),
    ("sanitation", 10),
    ("inspection", 7),
    ("visit", 8),
];

const PLACES: &[&str] =
    &["矿区党委会议室", "管委中心三楼会议室", "社区活动室", "新时代文明实践站", "文化广场", "居民小区"];
const HOSTS: &[&str] = &["韦建国", "覃志明", "蓝秀英", "黄丽萍", "莫海军", "潘春燕"];
const TOPICS: &[&str] =
    &["学习贯彻党的二十大精神", "党史学习教育", "意识形态工作", "创建全国文明城市", "防汛安全", "禁毒宣传"];
const CHANNELS: &[&str] = &["led_screen", "wechat_group", "banner", "board", "slogan", "xuexi_qiangguo"];
const MATERIALS: &[&str] =
    &["《习近平谈治国理政》第四卷", "《论党的宣传思想工作》", "党的二十大报告", "《中国共产党纪律处分条例》"];

fn label(kind: &str) -> &'static str {
    taizhang_core::ledger::kind_label(kind).unwrap_or("其他")
}

/// One plausible activity in a random district, year and working day.
pub(crate) fn generate(rng: &mut Rng, districts: &[District], first_year: i32, years: i32) -> ActivityFields {
    let d = rng.pick(districts);
    let mut roll = rng.below(100);
    let kind = KIND_WEIGHTS
        .iter()
        .find(|(_, w)| {
            let hit = roll < *w;
            roll = roll.saturating_sub(*w);
            hit
        })
        .map_or("meeting", |(k, _)| k);
    let year = first_year + rng.below(years as u64) as i32;
    let mut date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Days::new(rng.below(365));
    let weekday = date.weekday();
    if kind == "study_day" {
        // Fridays: back to the Friday of the week (or the one before).
        let back = (weekday.num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
        date = date - Days::new(u64::from(back));
    } else if matches!(weekday, Weekday::Sat | Weekday::Sun) && !matches!(kind, "volunteer_activity" | "sanitation") {
        date = date - Days::new(u64::from(weekday.num_days_from_monday() - Weekday::Fri.num_days_from_monday()));
    }
    let (org_id, work_area_id) = match kind {
        "central_group_study" => (d.committee.id, Some(3)),
        "study_day" => (if rng.chance(70) { d.committee.id } else { d.centre }, Some(4)),
        "meeting" => {
            (*rng.pick(&[d.committee.id, d.centre, d.communities[0], d.communities[1]]), Some(1 + rng.below(2) as Id))
        }
        "publicity" => {
            (*rng.pick(&[d.centre, d.communities[0], d.communities[1], d.grids[0]]), Some(6 + rng.below(5) as Id))
        }
        "volunteer_activity" => (*rng.pick(&[d.communities[0], d.communities[1], d.grids[1], d.grids[2]]), Some(12)),
        "sanitation" => (*rng.pick(&d.grids), Some(13 + rng.below(2) as Id)),
        "inspection" => (*rng.pick(&[d.centre, d.communities[0], d.communities[1]]), Some(15)),
        _ => (*rng.pick(&d.grids), Some(15)),
    };
    let work_area_id = work_area_id.filter(|_| !rng.chance(10));
    let campaign_id =
        matches!(kind, "publicity" | "volunteer_activity").then(|| 1 + rng.below(10) as Id).filter(|_| rng.chance(40));
    let mut channels: Vec<String> = Vec::new();
    let mut quantities = Quantities::default();
    if kind == "publicity" {
        for _ in 0..1 + rng.below(3) {
            let c = (*rng.pick(CHANNELS)).to_owned();
            if !channels.contains(&c) {
                channels.push(c);
            }
        }
        quantities = Quantities {
            banners: rng.below(4) as u32,
            boards: rng.below(3) as u32,
            posts: rng.below(20) as u32,
            reached: 50 + rng.below(950) as u32,
        };
    }
    let materials = if matches!(kind, "central_group_study" | "study_day") {
        vec![(*rng.pick(MATERIALS)).to_owned()]
    } else {
        vec![]
    };
    let reported_on = (kind == "volunteer_activity" && rng.chance(70)).then(|| date + Days::new(1 + rng.below(7)));
    let topic = rng.pick(TOPICS);
    ActivityFields {
        org_id,
        kind: kind.to_owned(),
        work_area_id,
        title: format!("{topic}{}", label(kind)),
        summary: format!(
            "{}组织开展{topic}{}，参加人员认真学习有关精神，结合工作实际交流发言，明确下一步工作措施。",
            d.committee.name,
            label(kind)
        ),
        place: (*rng.pick(PLACES)).to_owned(),
        date,
        start_time: format!("{:02}:{}", 8 + rng.below(9), if rng.chance(50) { "00" } else { "30" }),
        host: (*rng.pick(HOSTS)).to_owned(),
        participants: vec![],
        others_count: 5 + rng.below(36) as u32,
        campaign_id,
        channels,
        quantities,
        role_models: vec![],
        materials,
        reported_by: if reported_on.is_some() { "黄丽萍".to_owned() } else { String::new() },
        reported_on,
    }
}

/// A composition as a busy office might keep: a section per work area, per
/// activity kind and per sub-org, and two month ranges with chips in the
/// staff's text, then the standard parts.
async fn bench_composition(
    services: &Services,
    actor: &taizhang_core::auth::Actor,
    county: Id,
) -> Result<taizhang_core::composition::Composition> {
    use taizhang_core::composition::{Binding, Composition, Part, Section};
    let choices = services.summary_composition_choices(actor, Some(county)).await?;
    let section = |heading: String, parts: Vec<Part>, binding: Binding, text: &str| Section {
        heading,
        level: 2,
        parts,
        binding,
        text: text.to_owned(),
    };
    let mut sections = Vec::new();
    for a in choices.areas.iter().filter(|a| a.parent_id.is_none()) {
        sections.push(section(
            a.name.clone(),
            vec![Part::Activities, Part::SubAreas],
            Binding { areas: vec![a.id], ..Default::default() },
            "",
        ));
    }
    for (code, label) in &choices.kinds {
        sections.push(section(
            label.clone(),
            vec![Part::Activities],
            Binding { kinds: vec![code.clone()], ..Default::default() },
            "",
        ));
    }
    for o in choices.orgs.iter().take(10) {
        sections.push(section(
            o.name.clone(),
            vec![Part::Activities],
            Binding { orgs: vec![o.id], ..Default::default() },
            "",
        ));
    }
    for months in [vec![1, 2, 3], vec![7, 8]] {
        sections.push(section(
            format!("{}至{}月", months[0], months[months.len() - 1]),
            vec![Part::Activities],
            Binding { months, ..Default::default() },
            "「期间」这几个月开展「次数」，参与「参与人次」，主要有「活动名称」。",
        ));
    }
    for part in
        [Part::Campaigns, Part::SubOrgs, Part::Indicators, Part::Projects, Part::Matters, Part::Problems, Part::Plans]
    {
        sections.push(section(part.label().to_owned(), vec![part], Binding::default(), ""));
    }
    Ok(Composition { title: String::new(), sections })
}
