//! The demo district's grid work in 2020: a synthetic population (over
//! 1,000 households and 3,000 residents; generated names and ID numbers of
//! no real region, never real ones), the door-to-door screening in which
//! every household was visited and every person seen or accounted for, key
//! persons with one plan each, their follow-ups and health checks, and the
//! disinfection log.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use crate::Lcg;
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::error::Result;
use taizhang_core::grid::Household;
use taizhang_core::grid::{HEAD, RosterRow};
use taizhang_core::id_number::check_char;
use taizhang_core::model::{Id, ListArgs};
use taizhang_core::service::{
    CarePlanInput, DisinfectionInput, FollowUpInput, HealthCheckInput, KeyPersonInput, LeaveInput, ScreeningInput,
    VisitInput,
};

/// Grids, their worker, and how many households each holds.
pub const GRIDS: &[(&str, &str, u32)] = &[
    ("第一社区第一网格", "谢美玲", 230),
    ("第一社区第二网格", "周晓东", 210),
    ("第一社区第三网格", "杨丽萍", 200),
    ("第二社区第一网格", "吴建华", 220),
    ("第二社区第二网格", "刘芳", 200),
];

pub const SCREENING: &str = "新冠肺炎疫情防控入户排查";

const SURNAMES: &[&str] = &[
    "韦", "覃", "黄", "蓝", "莫", "李", "王", "陈", "刘", "杨", "梁", "陆", "罗", "潘", "谢", "周", "吴", "赵", "农",
    "卢",
];
const GIVEN: &[&str] = &[
    "丽", "芳", "军", "强", "敏", "静", "华", "勇", "秀", "兰", "明", "辉", "玲", "东", "平", "红", "燕", "峰", "林",
    "春", "建", "国", "志", "海", "云", "霞", "桂", "英", "宁", "松",
];

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, m, d).unwrap_or_default()
}

/// A synthetic roster of one grid: households of one to five members.
/// Names already in the register are not reused, so that a name in a ledger
/// (a participant) still finds one person.
fn roster(
    rng: &mut Lcg,
    grid: &str,
    households: u32,
    (used, taken): (&mut HashSet<String>, &HashSet<String>),
    row: &mut usize,
) -> Vec<RosterRow> {
    let mut rows = Vec::new();
    for n in 0..households {
        let address = format!("{grid}{}栋{}单元{}室", 1 + n / 24, 1 + (n / 8) % 3, 101 + (n % 8) / 2 * 100 + n % 2);
        let size = [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.next(9) as usize];
        let surname = rng.pick(SURNAMES);
        let head_birth = 1940 + rng.next(50) as i32;
        let mut head_name = String::new();
        for m in 0..size {
            let (relation, birth_year, male) = match m {
                0 => (HEAD, head_birth, rng.next(2) == 0),
                1 => ("配偶", head_birth + rng.next(5) as i32 - 2, rng.next(2) == 0),
                _ => ("子女", (head_birth + 22 + rng.next(12) as i32).min(2019), rng.next(2) == 0),
            };
            let family = if relation == "配偶" { rng.pick(SURNAMES) } else { surname };
            let name = loop {
                let name = format!("{family}{}{}", rng.pick(GIVEN), rng.pick(GIVEN));
                if !taken.contains(&name) {
                    break name;
                }
            };
            let birth = NaiveDate::from_ymd_opt(birth_year, 1 + rng.next(12) as u32, 1 + rng.next(28) as u32)
                .unwrap_or_default();
            let id_number = loop {
                let seq = rng.next(499) * 2 + if male { 1 } else { 2 };
                let first17 = format!("459002{}{seq:03}", birth.format("%Y%m%d"));
                let id = format!("{first17}{}", check_char(&first17).unwrap_or('0'));
                if used.insert(id.clone()) {
                    break id;
                }
            };
            if m == 0 {
                head_name.clone_from(&name);
            }
            let mobile = if birth_year < 2005 {
                let prefix = ["138", "139", "150", "151", "158", "177", "186", "189"][rng.next(8) as usize];
                format!("{prefix}{:08}", rng.next(100_000_000))
            } else {
                String::new()
            };
            *row += 1;
            rows.push(RosterRow {
                row: *row,
                name,
                gender: String::new(),
                id_number,
                birth_date: String::new(),
                mobile,
                address: address.clone(),
                head: head_name.clone(),
                relation: relation.to_owned(),
                grid: grid.to_owned(),
                notes: String::new(),
            });
        }
    }
    rows
}

/// (days after 24 Jan the person entered, reason, group).
const KEY_PERSONS: &[(i64, &str, &str)] = &[
    (2, "1月24日自武汉返乡", "湖北返乡人员"),
    (2, "1月25日自武汉返乡", "湖北返乡人员"),
    (3, "1月26日自孝感返乡", "湖北返乡人员"),
    (3, "与湖北返乡人员同住", "居家隔离观察人员"),
    (4, "1月27日自外省返乡，途经武汉", "湖北返乡人员"),
    (5, "与确诊病例同乘一趟列车", "居家隔离观察人员"),
    (6, "1月29日自黄冈返乡", "湖北返乡人员"),
    (7, "与湖北返乡人员有接触", "居家隔离观察人员"),
    (8, "2月1日自广州返乡", "居家隔离观察人员"),
    (9, "2月2日自随州返乡", "湖北返乡人员"),
    (10, "与湖北返乡人员同住", "居家隔离观察人员"),
    (12, "2月5日自深圳返乡", "居家隔离观察人员"),
];

/// Loads the grid records; returns how many residents the roster added.
pub async fn load(
    services: &Services,
    actor: &Actor,
    org_id: &dyn Fn(&str) -> Option<Id>,
    cadres: &HashMap<&str, Id>,
) -> Result<usize> {
    let mut rng = Lcg(1990);
    let mut used = HashSet::new();
    let mut row = 2;
    let mut rows = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for page in 1.. {
        let found = services.person_search(actor, "", None, page, 200).await?;
        taken.extend(found.items.into_iter().map(|p| p.person.name));
        if u64::from(page) * 200 >= found.total {
            break;
        }
    }
    for (grid, _, households) in GRIDS {
        rows.extend(roster(&mut rng, grid, *households, (&mut used, &taken), &mut row));
    }
    let residents_added =
        services.roster_import(actor, org_id(crate::DISTRICT), &rows, "2020年居民花名册.xlsx").await?.added;

    let centre = org_id("X矿矿区管委中心");
    let screening = services
        .screening_create(
            actor,
            &ScreeningInput {
                org_id: centre,
                name: SCREENING.into(),
                starts_on: "2020-01-26".into(),
                ends_on: "2020-02-10".into(),
                grid_ids: GRIDS.iter().filter_map(|(g, _, _)| org_id(g)).collect(),
            },
        )
        .await?;
    // Every household visited; some members away, a few households empty.
    let mut visits = Vec::new();
    for (grid, worker, _) in GRIDS {
        let households = all_households(services, actor, org_id(grid)).await?;
        for (n, h) in households.iter().enumerate() {
            let roll = rng.next(100);
            let (result, statuses): (&str, Vec<(Id, String)>) = match roll {
                0..=2 => ("vacant", h.members.iter().map(|m| (m.person_id, "away".to_owned())).collect()),
                3..=14 if h.members.len() > 1 => (
                    "some_away",
                    h.members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (m.person_id, if i == 0 { "seen" } else { "away" }.to_owned()))
                        .collect(),
                ),
                _ => ("all_seen", Vec::new()),
            };
            visits.push(VisitInput {
                household_id: Some(h.id),
                visited_on: (day(1, 26) + Duration::days((n % 11) as i64)).to_string(),
                visitor: (*worker).to_owned(),
                result: result.into(),
                note: String::new(),
                statuses,
            });
        }
    }
    services.visits_import(actor, screening.id, &visits).await?;

    // Key groups, key persons with one plan each, follow-ups, readings, release.
    let mut groups = HashMap::new();
    for name in ["湖北返乡人员", "居家隔离观察人员"] {
        groups.insert(name, services.key_group_create(actor, centre, name).await?.id);
    }
    let mut heads: HashMap<Id, Vec<Id>> = HashMap::new();
    for (grid, _, _) in GRIDS {
        let Some(grid_id) = org_id(grid) else { continue };
        let list = heads.entry(grid_id).or_default();
        for h in all_households(services, actor, Some(grid_id)).await? {
            list.extend(h.members.iter().filter(|m| m.relation == HEAD).map(|m| m.person_id));
        }
        // In the order they were entered, as the roster listed them.
        list.sort_unstable();
    }
    for (i, (offset, reason, group)) in KEY_PERSONS.iter().enumerate() {
        let grid = GRIDS[i % GRIDS.len()];
        let person = org_id(grid.0)
            .and_then(|g| heads.get(&g))
            .and_then(|list| list.get(3 + i * 7).copied())
            .unwrap_or_default();
        let entered = day(1, 24) + Duration::days(*offset);
        let key = services
            .key_person_enter(
                actor,
                &KeyPersonInput {
                    key_group_id: groups.get(group).copied(),
                    person_id: Some(person),
                    entered_on: entered.to_string(),
                    reason: (*reason).to_owned(),
                },
            )
            .await?;
        let ends = entered + Duration::days(13);
        services
            .care_plan_save(
                actor,
                person,
                &CarePlanInput {
                    cadre_id: cadres.get(grid.1).copied(),
                    measures: "居家隔离观察14天；每日早晚两次测量体温并上报；网格员每两天上门随访一次，\
                               社区医生跟踪健康状况；生活物资由社区志愿者代购配送"
                        .into(),
                    every_days: Some(2),
                    starts_on: entered.to_string(),
                    ends_on: ends.to_string(),
                },
            )
            .await?;
        let mut d = entered;
        while d <= ends {
            if (d - entered).num_days() % 2 == 0 {
                services
                    .follow_up_add(
                        actor,
                        person,
                        &FollowUpInput {
                            done_on: d.to_string(),
                            by: grid.1.to_owned(),
                            findings: "上门随访，居家隔离措施落实，本人及家属身体状况良好".into(),
                        },
                    )
                    .await?;
            }
            let fever = i == 4 && (d - entered).num_days() == 3;
            services
                .health_check_add(
                    actor,
                    person,
                    &HealthCheckInput {
                        checked_at: format!("{d} 08:30"),
                        temperature: if fever {
                            "37.6"
                        } else {
                            ["36.4", "36.5", "36.6", "36.7"][rng.next(4) as usize]
                        }
                        .into(),
                        symptoms: if fever { "轻微咳嗽".into() } else { String::new() },
                        by: grid.1.to_owned(),
                    },
                )
                .await?;
            d += Duration::days(1);
        }
        services
            .key_person_leave(
                actor,
                key.id,
                &LeaveInput {
                    left_on: (ends + Duration::days(1)).to_string(),
                    reason: "居家隔离观察期满，无异常，解除观察".into(),
                },
            )
            .await?;
    }

    // Public places disinfected every other day during the screening.
    let places = [
        ("第一社区", "第一社区农贸市场"),
        ("第一社区", "第一社区活动中心"),
        ("第二社区", "第二社区文化广场"),
        ("第二社区", "矿区职工医院门诊楼"),
    ];
    let mut d = day(1, 26);
    while d <= day(2, 29) {
        for (community, place) in places {
            services
                .disinfection_add(
                    actor,
                    &DisinfectionInput {
                        org_id: org_id(community),
                        place: place.into(),
                        done_at: format!("{d} 16:00"),
                        by: format!("{community}志愿者消杀小组"),
                        agent: "含氯消毒液".into(),
                    },
                )
                .await?;
        }
        d += Duration::days(2);
    }
    Ok(residents_added)
}

/// Every household of a grid, page by page, in the list's order (by address).
async fn all_households(services: &Services, actor: &Actor, grid_id: Option<Id>) -> Result<Vec<Household>> {
    let mut out = Vec::new();
    let mut args = ListArgs { page: 1, per_page: 200, ..ListArgs::default() };
    loop {
        let found = services.households(actor, grid_id, "", &args).await?;
        out.extend(found.items);
        match found.next {
            Some(next) => args.after = Some(next),
            None => break,
        }
    }
    Ok(out)
}
