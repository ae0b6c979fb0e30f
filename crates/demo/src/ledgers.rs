//! The demo district's 2020 ledgers, as the seed summary describes them:
//! central group study, the weekly Friday study outside the epidemic weeks,
//! publicity over the named channels and campaigns, volunteer activities
//! reported to the platform, sanitation work, and the year's targets.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::error::Result;
use taizhang_core::model::Id;
use taizhang_core::service::{
    ActivityInput, ExemptionInput, ParticipantInput, PlanItemInput, RectificationInput, RectificationProgress,
    TargetInput,
};

/// Work area ids of the default tree (migration 0002).
const AREA_CENTRAL_GROUP: Id = 3;
const AREA_FRIDAY_STUDY: Id = 4;
const AREA_OUTREACH: Id = 6;
const AREA_EPIDEMIC_PUBLICITY: Id = 7;
const AREA_ANTI_CRIME_PUBLICITY: Id = 8;
const AREA_HEALTH_PUBLICITY: Id = 9;
const AREA_SECURITY_PUBLICITY: Id = 10;
const AREA_VOLUNTEER: Id = 12;
const AREA_SANITATION: Id = 14;

/// The epidemic weeks in which the Friday study was suspended.
pub const EPIDEMIC_START: (i32, u32, u32) = (2020, 1, 20);
pub const EPIDEMIC_END: (i32, u32, u32) = (2020, 3, 22);

const STUDY_GROUP: [&str; 5] = ["韦建国", "覃志明", "蓝秀英", "黄海涛", "莫丽华"];

/// Central group sessions of H1: (date, title, topic, materials).
const CENTRAL_GROUP: &[(&str, &str, &str, &[&str])] = &[
    (
        "2020-01-10",
        "党委理论学习中心组1月集中学习",
        "学习***新时代中国特色社会主义思想的基本精神、基本内容、基本要求",
        &["《***新时代中国特色社会主义思想学习纲要》"],
    ),
    (
        "2020-04-17",
        "党委理论学习中心组4月集中学习",
        "学习***总书记关于脱贫攻坚的重要论述",
        &["***总书记关于脱贫攻坚的重要论述摘编"],
    ),
    (
        "2020-05-22",
        "党委理论学习中心组5月集中学习",
        "学习***总书记关于全面建成小康社会的重要论述",
        &["***总书记关于全面建成小康社会的重要论述摘编"],
    ),
    (
        "2020-06-19",
        "党委理论学习中心组6月集中学习",
        "学习党的十九届四中全会精神和《党委（党组）意识形态工作责任制实施方案》",
        &["党的十九届四中全会公报", "《党委（党组）意识形态工作责任制实施方案》"],
    ),
];

const FRIDAY_MATERIALS: &[&str] = &[
    "《***新时代中国特色社会主义思想三十讲》",
    "《***谈治国理政》",
    "习总书记、党中央、自治区党委重要讲话及会议精神",
    "《中国共产党宣传工作条例》",
    "2020年意识形态工作专题视频",
    "《大国重器》系列教育专题片",
];

/// Publicity of H1: (date, org, area, campaign id, title, channels, banners, boards, posts, reached, role models).
type Publicity = (
    &'static str,
    &'static str,
    Id,
    Option<Id>,
    &'static str,
    &'static [&'static str],
    u32,
    u32,
    u32,
    u32,
    &'static [&'static str],
);

const PUBLICITY: &[Publicity] = &[
    (
        "2020-01-08",
        crate::DISTRICT,
        AREA_OUTREACH,
        None,
        "宣传党的十九届四中全会精神和上级指示精神",
        &["电子屏", "广场显示屏", "微信群", "学习强国"],
        0,
        0,
        12,
        3000,
        &[],
    ),
    (
        "2020-02-03",
        "X矿矿区管委中心",
        AREA_EPIDEMIC_PUBLICITY,
        Some(7),
        "新冠肺炎疫情防控知识宣传",
        &["入户走访", "音视频", "横幅", "微信群", "微信公众号"],
        15,
        0,
        20,
        2600,
        &[],
    ),
    (
        "2020-03-05",
        "X矿矿区管委中心",
        AREA_OUTREACH,
        Some(6),
        "新时代文明实践和学雷锋主题宣传",
        &["微信群", "展板"],
        0,
        4,
        3,
        800,
        &[],
    ),
    (
        "2020-03-30",
        crate::DISTRICT,
        AREA_OUTREACH,
        Some(4),
        "脱贫攻坚政策和成效宣传",
        &["广场显示屏", "学习强国"],
        0,
        0,
        6,
        1500,
        &[],
    ),
    (
        "2020-04-10",
        crate::DISTRICT,
        AREA_ANTI_CRIME_PUBLICITY,
        Some(2),
        "扫黑除恶专项斗争成效宣传",
        &["标语", "横幅", "展板", "微信群"],
        10,
        6,
        8,
        2000,
        &[],
    ),
    (
        "2020-04-22",
        crate::DISTRICT,
        AREA_OUTREACH,
        Some(5),
        "乡村振兴战略宣传",
        &["电子屏", "微信群"],
        0,
        0,
        5,
        1200,
        &[],
    ),
    (
        "2020-04-28",
        "X矿矿区管委中心",
        AREA_HEALTH_PUBLICITY,
        Some(9),
        "卫生计生政策宣传",
        &["展板", "微信群"],
        0,
        3,
        4,
        900,
        &[],
    ),
    (
        "2020-05-15",
        crate::DISTRICT,
        AREA_OUTREACH,
        Some(1),
        "自治县成立30周年辉煌成就和宝贵经验宣传",
        &["电子屏", "广场显示屏", "微信群"],
        6,
        4,
        10,
        3500,
        &[],
    ),
    (
        "2020-05-20",
        crate::DISTRICT,
        AREA_OUTREACH,
        Some(3),
        "中央环保督查“回头看”宣传",
        &["电子屏", "微信群"],
        2,
        0,
        4,
        1000,
        &[],
    ),
    (
        "2020-06-05",
        crate::DISTRICT,
        AREA_OUTREACH,
        Some(8),
        "“县庆县礼我在一线”活动",
        &["微信群", "微信公众号"],
        0,
        0,
        6,
        1800,
        &[],
    ),
    (
        "2020-06-12",
        crate::DISTRICT,
        AREA_OUTREACH,
        None,
        "“时代楷模”黄文秀先进事迹宣传",
        &["广场显示屏", "微信群", "学习强国"],
        0,
        2,
        5,
        2200,
        &["黄文秀"],
    ),
    (
        "2020-06-16",
        "X矿矿区管委中心",
        AREA_SECURITY_PUBLICITY,
        Some(10),
        "社会治安综合治理和矛盾纠纷调处宣传",
        &["横幅", "展板"],
        4,
        2,
        0,
        700,
        &[],
    ),
];

/// Volunteer activities of H1: (date, title, summary). All reported to the platform.
const VOLUNTEER: &[(&str, &str, &str)] = &[
    ("2020-01-15", "春节前走访慰问困难群众", "为辖区困难群众送去慰问品，帮助打扫卫生"),
    ("2020-02-10", "疫情防控卡点值守志愿服务", "在小区出入口协助测温、登记"),
    ("2020-03-05", "学雷锋纪念日志愿服务", "清理公共区域卫生，为居民义务理发"),
    ("2020-04-03", "清明节文明祭扫宣传志愿服务", "发放文明祭扫倡议书，劝导文明祭扫"),
    ("2020-05-12", "防灾减灾日宣传志愿服务", "宣传防灾减灾知识，排查安全隐患"),
    ("2020-06-05", "世界环境日环境保护志愿服务", "清理河道和绿化带垃圾"),
    ("2020-06-20", "端午节关爱空巢老人志愿服务", "为空巢老人送粽子、陪聊天"),
];

/// Sanitation and inspections: (date, kind, title, summary, host).
const SANITATION: &[(&str, &str, &str, &str, &str)] = &[
    (
        "2020-04-15",
        "sanitation",
        "公租房小区环境卫生整治",
        "组织管理中心全体干部职工清理绿化带和草坪中的垃圾、卫生死角，拔除杂草、清运垃圾、修剪植被",
        "覃志明",
    ),
    (
        "2020-05-09",
        "sanitation",
        "宿舍区房前屋后杂草和排水沟污物清除",
        "发挥社区党员模范带头作用，清除宿舍区房前屋后空地杂草、排水沟内污物",
        "陆春燕",
    ),
    (
        "2020-05-30",
        "sanitation",
        "主干道清扫和乱张贴广告清除",
        "环卫队对矿区主干道每天进行一次彻底清扫，清除围墙和电线杆上乱张贴的广告、主干道两侧垃圾杂物",
        "黄海涛",
    ),
    (
        "2020-06-10",
        "inspection",
        "临街商户违规遮阳棚检查",
        "检查临街商户侵占路面、棚架朽坏、棚面破损、存在安全隐患的遮阳棚，责成拆除；主干道两侧门面不得张挂棚布",
        "黄海涛",
    ),
];

/// The 2020 plan of the theory study group: one topic a month.
const STUDY_PLAN: [&str; 12] = [
    "***新时代中国特色社会主义思想的基本精神、基本内容、基本要求",
    "党的十九届四中全会精神",
    "疫情防控工作重要讲话精神",
    "***总书记关于脱贫攻坚的重要论述",
    "***总书记关于全面建成小康社会的重要论述",
    "意识形态工作责任制",
    "庆祝中国共产党成立99周年，党章党规",
    "***总书记关于民族团结进步的重要论述",
    "《中国共产党宣传工作条例》",
    "党的十九届五中全会精神",
    "乡村振兴战略",
    "全年学习总结与交流研讨",
];

/// The volunteer team's 2020 plan: one activity a month at least.
const VOLUNTEER_PLAN: [&str; 12] = [
    "春节走访慰问困难群众",
    "疫情防控志愿服务",
    "学雷锋志愿服务月活动",
    "清明文明祭扫宣传",
    "防灾减灾宣传",
    "环境保护和端午关爱活动",
    "七一走访慰问老党员",
    "防溺水安全宣传",
    "重阳节敬老志愿服务",
    "县庆氛围营造志愿服务",
    "冬季消防安全宣传",
    "年终志愿服务总结表彰",
];

/// Awning orders from the June inspection: (subject, problem, deadline, rectified on, re-inspected on).
const RECTIFICATIONS: &[(&str, &str, &str, &str, &str)] = &[
    ("矿区主干道第一副食店", "遮阳棚棚架朽坏、存在安全隐患", "2020-06-20", "2020-06-15", "2020-06-18"),
    ("矿区主干道五金店", "遮阳棚侵占路面", "2020-06-20", "2020-06-19", "2020-06-22"),
    ("矿区主干道小吃店", "门面张挂棚布、棚面破损", "2020-06-25", "", ""),
];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// The Friday study days of H1 outside the epidemic weeks; a Friday that
/// was a holiday moves to a working day of the same week.
pub fn friday_study_dates() -> Vec<NaiveDate> {
    let (ys, ms, ds) = EPIDEMIC_START;
    let (ye, me, de) = EPIDEMIC_END;
    let (start, end) = (
        NaiveDate::from_ymd_opt(ys, ms, ds).unwrap_or_default(),
        NaiveDate::from_ymd_opt(ye, me, de).unwrap_or_default(),
    );
    let holidays = [(d("2020-05-01"), d("2020-04-30")), (d("2020-06-26"), d("2020-06-24"))];
    let mut dates = Vec::new();
    let mut day = NaiveDate::from_isoywd_opt(2020, 1, Weekday::Fri).unwrap_or_default();
    while day <= d("2020-06-30") {
        if day.year() == 2020 && !(start <= day && day <= end) {
            let moved = holidays.iter().find(|(h, _)| *h == day).map_or(day, |(_, m)| *m);
            dates.push(moved);
        }
        day += Duration::days(7);
    }
    dates
}

pub async fn load(
    services: &Services,
    actor: &Actor,
    org_id: &dyn Fn(&str) -> Option<Id>,
    cadres: &HashMap<&str, Id>,
    volunteers: &[Id],
) -> Result<()> {
    let district = org_id(crate::DISTRICT);
    let person = |name: &str| ParticipantInput { person_id: cadres.get(name).copied(), ..Default::default() };

    let mut sessions = Vec::new();
    for (date, title, topic, materials) in CENTRAL_GROUP {
        let input = ActivityInput {
            org_id: district,
            kind: "central_group_study".into(),
            work_area_id: Some(AREA_CENTRAL_GROUP),
            title: (*title).into(),
            summary: (*topic).into(),
            place: "矿区党委会议室".into(),
            date: (*date).into(),
            start_time: "09:00".into(),
            host: "韦建国".into(),
            participants: STUDY_GROUP.iter().map(|n| person(n)).collect(),
            materials: materials.iter().map(|m| (*m).to_owned()).collect(),
            ..Default::default()
        };
        sessions.push(services.activity_create(actor, &input).await?);
    }
    for (month, topic) in STUDY_PLAN.iter().enumerate() {
        let month = month as u32 + 1;
        let input =
            PlanItemInput { org_id: district, year: 2020, month, topic: (*topic).into(), materials: String::new() };
        let item = services.plan_item_add(actor, &input).await?;
        if let Some(session) = sessions.iter().find(|s| s.fields.date.month() == month) {
            services.plan_item_link(actor, item.id, Some(session.id)).await?;
        }
    }

    let all_cadres: Vec<&str> = {
        let mut names: Vec<&str> = cadres.keys().copied().collect();
        names.sort();
        names
    };
    for (i, date) in friday_study_dates().into_iter().enumerate() {
        let material = FRIDAY_MATERIALS[i % FRIDAY_MATERIALS.len()];
        let participants = all_cadres
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let mut p = person(name);
                if (i + j) % 11 == 0 {
                    p.attendance = "leave".into();
                    p.leave_reason = "下村入户开展工作".into();
                }
                p
            })
            .collect();
        let input = ActivityInput {
            org_id: district,
            kind: "study_day".into(),
            work_area_id: Some(AREA_FRIDAY_STUDY),
            title: format!("“党旗领航·周五学习”（{}）", date.format("%-m月%-d日")),
            summary: format!("组织党员干部职工学习{material}"),
            place: "矿区党员活动室".into(),
            date: date.to_string(),
            start_time: "15:00".into(),
            host: "蓝秀英".into(),
            participants,
            materials: vec![material.to_owned()],
            ..Default::default()
        };
        services.activity_create(actor, &input).await?;
    }

    for (date, org, area, campaign, title, channels, banners, boards, posts, reached, models) in PUBLICITY {
        let input = ActivityInput {
            org_id: org_id(org),
            kind: "publicity".into(),
            work_area_id: Some(*area),
            title: (*title).into(),
            summary: format!("通过{}开展宣传", channels.join("、")),
            date: (*date).into(),
            host: "蓝秀英".into(),
            campaign_id: *campaign,
            channels: channels.iter().map(|c| (*c).to_owned()).collect(),
            banners: *banners,
            boards: *boards,
            posts: *posts,
            reached: *reached,
            role_models: models.iter().map(|m| (*m).to_owned()).collect(),
            ..Default::default()
        };
        services.activity_create(actor, &input).await?;
    }

    let team = org_id("新时代文明实践X矿矿区管理中心志愿服务分队");
    let mut volunteer_activities = Vec::new();
    for (i, (date, title, summary)) in VOLUNTEER.iter().enumerate() {
        let day = d(date);
        let participants = volunteers
            .iter()
            .enumerate()
            .filter(|(j, _)| (i + j) % 3 != 0)
            .map(|(j, id)| ParticipantInput {
                person_id: Some(*id),
                hours: Some(2.0 + ((i + j) % 3) as f64),
                ..Default::default()
            })
            .chain(std::iter::once(ParticipantInput { hours: Some(3.0), ..person("张伟") }))
            .collect();
        let input = ActivityInput {
            org_id: team,
            kind: "volunteer_activity".into(),
            work_area_id: Some(AREA_VOLUNTEER),
            title: (*title).into(),
            summary: (*summary).into(),
            date: (*date).into(),
            host: "张伟".into(),
            participants,
            campaign_id: Some(6),
            reported_on: (day + Duration::days(1 + (i % 3) as i64)).to_string(),
            reported_by: "莫丽华".into(),
            ..Default::default()
        };
        volunteer_activities.push(services.activity_create(actor, &input).await?);
    }
    // The team's 2020 work plan: at least one activity a month.
    for (month, topic) in VOLUNTEER_PLAN.iter().enumerate() {
        let month = month as u32 + 1;
        let input = PlanItemInput { org_id: team, year: 2020, month, topic: (*topic).into(), materials: String::new() };
        let item = services.plan_item_add(actor, &input).await?;
        if let Some(a) = volunteer_activities.iter().find(|a| a.fields.date.month() == month) {
            services.plan_item_link(actor, item.id, Some(a.id)).await?;
        }
    }

    let mut inspection = None;
    for (date, kind, title, summary, host) in SANITATION {
        let input = ActivityInput {
            org_id: org_id("X矿矿区管委中心"),
            kind: (*kind).into(),
            work_area_id: Some(AREA_SANITATION),
            title: (*title).into(),
            summary: (*summary).into(),
            date: (*date).into(),
            host: (*host).into(),
            participants: vec![person(host)],
            ..Default::default()
        };
        let a = services.activity_create(actor, &input).await?;
        if *kind == "inspection" {
            inspection = Some(a.id);
        }
    }
    for (subject, problem, deadline, rectified, reinspected) in RECTIFICATIONS {
        let order = services
            .rectification_create(
                actor,
                &RectificationInput {
                    org_id: org_id("X矿矿区管委中心"),
                    activity_id: inspection,
                    subject: (*subject).into(),
                    problem: (*problem).into(),
                    requirement: "限期拆除违规遮阳棚，主干道两侧门面不得张挂棚布".into(),
                    found_on: "2020-06-10".into(),
                    deadline: (*deadline).into(),
                },
            )
            .await?;
        if !rectified.is_empty() {
            let progress = RectificationProgress {
                rectified_on: (*rectified).into(),
                reinspected_on: (*reinspected).into(),
                reinspected_by: "黄海涛".into(),
                passed: (!reinspected.is_empty()).then_some(true),
                note: if reinspected.is_empty() { String::new() } else { "已拆除，复查合格".into() },
            };
            services.rectification_progress(actor, order.id, &progress).await?;
        }
    }

    let target =
        |org: Option<Id>, kind: &str, frequency: &str, min_count: i64, exemptions: Vec<ExemptionInput>| TargetInput {
            org_id: org,
            year: 2020,
            kind: kind.into(),
            frequency: frequency.into(),
            min_count,
            include_subtree: false,
            title: String::new(),
            exemptions,
        };
    let epidemic =
        ExemptionInput { start: "2020-01-20".into(), end: "2020-03-22".into(), reason: "疫情期间".into() };
    services.target_create(actor, &target(district, "central_group_study", "year", 10, vec![])).await?;
    services.target_create(actor, &target(district, "study_day", "week", 1, vec![epidemic])).await?;
    services.target_create(actor, &target(team, "volunteer_activity", "month", 1, vec![])).await?;
    Ok(())
}
