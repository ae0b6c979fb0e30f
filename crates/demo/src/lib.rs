//! The demo district: 自治县 > X矿矿区党委 and its management centre,
//! branches, communities with grids, the volunteer team and the leading
//! groups of the seed summary (2020). Every person is synthetic: generated
//! names, generated ID numbers that pass the check digit, never real ones.
//!
//! Demo data, kept out of the domain crate: it enters everything through the
//! services, as the district's own staff would. `ledgers` (activities, study
//! plans, rectifications), `governance` (duties, pledges, projects, cases,
//! reviews), `grid` (the synthetic population, its screening, key persons)
//! and `offices` (two offices of other kinds, as data).

mod governance;
pub mod grid;
mod ledgers;
pub mod offices;
mod reporting;

use std::collections::HashMap;

use chrono::NaiveDate;

use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::error::Result;
use taizhang_core::id_number::check_char;
use taizhang_core::model::{Id, Org, Role};
use taizhang_core::service::{OrgInput, PersonInput, UserInput};

/// Name of the demo district's root below the county.
pub const DISTRICT: &str = "X矿矿区党委";
pub const COUNTY: &str = "X自治县";

/// The accounts the demo creates, all sharing the admin's password.
pub const DEMO_USERS: &[(&str, &str, Role, &str, bool)] = &[
    ("admin", "系统管理员", Role::SystemAdmin, COUNTY, true),
    ("kuangqu", "矿区办公室", Role::OrgAdmin, DISTRICT, true),
    ("shequ1", "第一社区录入员", Role::Recorder, "第一社区", false),
    ("wangge1", "第一社区第一网格网格员", Role::Recorder, "第一社区第一网格", false),
    ("chakan", "矿区查看", Role::Viewer, DISTRICT, false),
    (
        crate::offices::STATION.admin.0,
        crate::offices::STATION.admin.1,
        Role::OrgAdmin,
        crate::offices::STATION_NAME,
        crate::offices::STATION.admin.2,
    ),
    (
        crate::offices::VILLAGE.admin.0,
        crate::offices::VILLAGE.admin.1,
        Role::OrgAdmin,
        crate::offices::VILLAGE_NAME,
        crate::offices::VILLAGE.admin.2,
    ),
];

/// (parent name, kind, name); parents precede children.
const ORGS: &[(&str, &str, &str)] = &[
    ("", "county", COUNTY),
    (COUNTY, "party_committee", DISTRICT),
    (DISTRICT, "admin_centre", "X矿矿区管委中心"),
    (DISTRICT, "party_branch", "矿区机关党支部"),
    (DISTRICT, "party_branch", "第一社区党支部"),
    (DISTRICT, "party_branch", "第二社区党支部"),
    (DISTRICT, "party_branch", "离退休职工党支部"),
    (DISTRICT, "leading_group", "党委理论学习中心组学习领导小组"),
    (DISTRICT, "leading_group", "意识形态工作领导小组"),
    ("X矿矿区管委中心", "leading_group", "疫情防控工作领导小组"),
    ("X矿矿区管委中心", "community", "第一社区"),
    ("X矿矿区管委中心", "community", "第二社区"),
    ("第一社区", "grid", "第一社区第一网格"),
    ("第一社区", "grid", "第一社区第二网格"),
    ("第一社区", "grid", "第一社区第三网格"),
    ("第二社区", "grid", "第二社区第一网格"),
    ("第二社区", "grid", "第二社区第二网格"),
    ("X矿矿区管委中心", "volunteer_team", "新时代文明实践X矿矿区管理中心志愿服务分队"),
];

/// The summary topics the demo's leading groups serve: (org name, purpose).
const PURPOSES: &[(&str, &str)] = &[
    ("党委理论学习中心组学习领导小组", taizhang_core::purpose::THEORY_STUDY),
    ("疫情防控工作领导小组", taizhang_core::purpose::EPIDEMIC),
];

/// (org name, role) pairs of one person.
type Roles = &'static [(&'static str, &'static str)];

/// Cadres: (name, home org, party member, roles).
const CADRES: &[(&str, &str, bool, Roles)] = &[
    (
        "韦建国",
        DISTRICT,
        true,
        &[
            (DISTRICT, "书记"),
            (DISTRICT, "第一责任人"),
            ("党委理论学习中心组学习领导小组", "组长"),
            ("意识形态工作领导小组", "组长"),
        ],
    ),
    (
        "覃志明",
        DISTRICT,
        true,
        &[
            (DISTRICT, "副书记"),
            ("X矿矿区管委中心", "主任"),
            ("疫情防控工作领导小组", "组长"),
            ("党委理论学习中心组学习领导小组", "副组长"),
        ],
    ),
    (
        "蓝秀英",
        DISTRICT,
        true,
        &[
            (DISTRICT, "委员"),
            (DISTRICT, "分管领导"),
            ("意识形态工作领导小组", "副组长"),
            ("党委理论学习中心组学习领导小组", "成员"),
        ],
    ),
    (
        "黄海涛",
        "X矿矿区管委中心",
        true,
        &[
            ("X矿矿区管委中心", "副主任"),
            ("疫情防控工作领导小组", "副组长"),
            ("党委理论学习中心组学习领导小组", "成员"),
        ],
    ),
    (
        "莫丽华",
        "X矿矿区管委中心",
        true,
        &[
            ("X矿矿区管委中心", "工作人员"),
            ("意识形态工作领导小组", "成员"),
            ("党委理论学习中心组学习领导小组", "成员"),
        ],
    ),
    ("梁文斌", "矿区机关党支部", true, &[("矿区机关党支部", "书记"), ("矿区机关党支部", "第一责任人")]),
    (
        "陆春燕",
        "第一社区党支部",
        true,
        &[("第一社区党支部", "书记"), ("第一社区党支部", "第一责任人"), ("第一社区", "主任")],
    ),
    (
        "潘国庆",
        "第二社区党支部",
        true,
        &[("第二社区党支部", "书记"), ("第二社区党支部", "第一责任人"), ("第二社区", "主任")],
    ),
    ("罗德明", "离退休职工党支部", true, &[("离退休职工党支部", "书记"), ("离退休职工党支部", "第一责任人")]),
    ("谢美玲", "第一社区", true, &[("第一社区第一网格", "网格员"), ("疫情防控工作领导小组", "成员")]),
    ("周晓东", "第一社区", false, &[("第一社区第二网格", "网格员")]),
    ("杨丽萍", "第一社区", true, &[("第一社区第三网格", "网格员")]),
    ("吴建华", "第二社区", true, &[("第二社区第一网格", "网格员"), ("疫情防控工作领导小组", "成员")]),
    ("刘芳", "第二社区", false, &[("第二社区第二网格", "网格员")]),
    ("张伟", "X矿矿区管委中心", true, &[("新时代文明实践X矿矿区管理中心志愿服务分队", "队长")]),
];

const SURNAMES: &[&str] = &["韦", "覃", "黄", "蓝", "莫", "李", "王", "陈", "刘", "杨", "梁", "陆", "罗", "潘", "谢"];
const GIVEN: &[&str] = &[
    "丽", "芳", "军", "强", "敏", "静", "华", "勇", "秀", "兰", "明", "辉", "玲", "东", "平", "红", "燕", "峰", "林",
    "春",
];

/// A small deterministic generator, so the demo is the same every time.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }

    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len() as u64) as usize]
    }
}

/// A synthetic ID number with a valid check digit (region code of no real county).
pub(crate) fn synthetic_id(rng: &mut Lcg, birth: NaiveDate, male: bool) -> String {
    // The sequence number is odd for men and even for women.
    let seq = rng.next(499) * 2 + if male { 1 } else { 2 };
    let first17 = format!("459001{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

pub(crate) fn synthetic_mobile(rng: &mut Lcg) -> String {
    let prefix = ["138", "139", "150", "151", "158", "177", "186", "189"][rng.next(8) as usize];
    format!("{prefix}{:08}", rng.next(100_000_000))
}

fn synthetic_person(rng: &mut Lcg, name: String, org_id: Id, party_member: bool, notes: &str) -> PersonInput {
    let male = rng.next(2) == 0;
    let birth = NaiveDate::from_ymd_opt(1955 + rng.next(45) as i32, 1 + rng.next(12) as u32, 1 + rng.next(28) as u32)
        .unwrap_or_default();
    PersonInput {
        org_id: Some(org_id),
        name,
        gender: String::new(),
        birth_date: String::new(),
        id_number: synthetic_id(rng, birth, male),
        mobile: synthetic_mobile(rng),
        party_member,
        notes: notes.to_owned(),
    }
}

/// What loading the demo did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub loaded: bool,
    pub orgs: usize,
    pub people: usize,
}

/// Loads the demo district unless the database already holds orgs, and
/// sets every demo account's password to `password`.
pub async fn load(services: &Services, password: &str) -> Result<DemoReport> {
    // Shown where records say who entered them: a name, not an account label.
    let actor = Actor::system("演示数据");
    let existing = services.org_tree(&actor).await?;
    let mut report = DemoReport { loaded: false, orgs: existing.len(), people: 0 };
    if existing.is_empty() {
        report = load_district(services, &actor).await?;
    }
    set_demo_users(services, &actor, password).await?;
    Ok(report)
}

async fn load_district(services: &Services, actor: &Actor) -> Result<DemoReport> {
    let mut orgs: HashMap<&str, Org> = HashMap::new();
    for (parent, kind, name) in ORGS {
        let org = services
            .org_create(
                actor,
                OrgInput {
                    parent_id: orgs.get(parent).map(|p| p.id),
                    kind: (*kind).to_owned(),
                    name: (*name).to_owned(),
                    purpose: PURPOSES.iter().find(|(n, _)| n == name).map(|(_, p)| (*p).to_owned()).unwrap_or_default(),
                },
            )
            .await?;
        orgs.insert(name, org);
    }
    let org_id = |name: &str| orgs.get(name).map(|o| o.id);
    let mut rng = Lcg(2020);
    let mut people = 0;
    let mut cadres: HashMap<&str, Id> = HashMap::new();
    let mut volunteers: Vec<Id> = Vec::new();
    for (name, home, member, roles) in CADRES {
        let input = synthetic_person(&mut rng, (*name).to_owned(), org_id(home).unwrap_or_default(), *member, "");
        let person = services.person_create(actor, &input).await?;
        cadres.insert(name, person.id);
        people += 1;
        for (org, role) in *roles {
            services.membership_create(actor, Some(person.id), org_id(org), role, "2020-01-01", "").await?;
        }
    }
    // Party members of the branches, volunteers and residents of each grid.
    for branch in ["矿区机关党支部", "第一社区党支部", "第二社区党支部", "离退休职工党支部"]
    {
        for _ in 0..4 {
            let name = format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN), rng.pick(GIVEN));
            let input = synthetic_person(&mut rng, name, org_id(branch).unwrap_or_default(), true, "");
            let person = services.person_create(actor, &input).await?;
            services.membership_create(actor, Some(person.id), org_id(branch), "党员", "", "").await?;
            people += 1;
        }
    }
    let team = "新时代文明实践X矿矿区管理中心志愿服务分队";
    for _ in 0..10 {
        let name = format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN), rng.pick(GIVEN));
        let member = rng.next(2) == 0;
        let input = synthetic_person(&mut rng, name, org_id("X矿矿区管委中心").unwrap_or_default(), member, "");
        let person = services.person_create(actor, &input).await?;
        services.membership_create(actor, Some(person.id), org_id(team), "志愿者", "2020-01-01", "").await?;
        volunteers.push(person.id);
        people += 1;
    }
    let grids = ["第一社区第一网格", "第一社区第二网格", "第一社区第三网格", "第二社区第一网格", "第二社区第二网格"];
    for grid in grids {
        for _ in 0..8 {
            let name = format!("{}{}{}", rng.pick(SURNAMES), rng.pick(GIVEN), rng.pick(GIVEN));
            let input = synthetic_person(&mut rng, name, org_id(grid).unwrap_or_default(), false, "");
            let person = services.person_create(actor, &input).await?;
            services.membership_create(actor, Some(person.id), org_id(grid), "居民", "", "").await?;
            people += 1;
        }
    }
    crate::ledgers::load(services, actor, &|name| org_id(name), &cadres, &volunteers).await?;
    crate::governance::load(services, actor, &|name| org_id(name), &cadres).await?;
    people += crate::grid::load(services, actor, &|name| org_id(name), &cadres).await?;
    let team = org_id("新时代文明实践X矿矿区管理中心志愿服务分队").unwrap_or_default();
    let (county, district) = (org_id(COUNTY).unwrap_or_default(), org_id(DISTRICT).unwrap_or_default());
    crate::reporting::load(services, actor, county, district, team).await?;
    // Two offices of other kinds beside the district, under the same county.
    let (office_orgs, office_people) =
        crate::offices::load(services, actor, org_id(COUNTY).unwrap_or_default()).await?;
    Ok(DemoReport { loaded: true, orgs: orgs.len() + office_orgs, people: people + office_people })
}

async fn set_demo_users(services: &Services, actor: &Actor, password: &str) -> Result<()> {
    for (username, display_name, role, org, personal) in DEMO_USERS {
        let org = match services.org_lookup(actor, org).await {
            Ok(org) => org,
            // A demo loaded before the offices were added has no account for them.
            Err(taizhang_core::error::Error::NotFound) => continue,
            Err(e) => return Err(e),
        };
        match services.user_by_username(actor, username).await? {
            Some(user) => services.user_reset_password(actor, user.id, password).await?,
            None => {
                services
                    .user_create(
                        actor,
                        &UserInput {
                            username: (*username).to_owned(),
                            display_name: (*display_name).to_owned(),
                            role: role.as_str().to_owned(),
                            org_id: Some(org.id),
                            can_view_personal: *personal,
                            password: password.to_owned(),
                        },
                    )
                    .await?;
            }
        }
    }
    Ok(())
}
