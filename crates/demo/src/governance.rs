//! The demo district's responsibility system, matters, the 三供一业 project,
//! and the problems and plans of 2020 H1, as the seed summary states them.

use std::collections::HashMap;

use taizhang_core::auth::Actor;
use taizhang_core::error::Result;
use taizhang_core::model::Id;
use taizhang_core::service::{
    CaseInput, CaseStepInput, DutyInput, MilestoneInput, PledgeInput, ProgressInput, ProjectInput, Services,
};

use crate::DISTRICT;

const CENTRE: &str = "X矿矿区管委中心";
/// Work areas of the default tree (see the ledger migration).
const AREA_IDEOLOGY: Id = 1;
const AREA_STUDY: Id = 2;
const AREA_PUBLICITY: Id = 5;
const AREA_CIVILITY: Id = 11;
const AREA_EPIDEMIC: Id = 15;

/// (org, person, post, first-responsible, assigned areas)
const DUTIES: &[(&str, &str, &str, bool, &[Id])] = &[
    (DISTRICT, "韦建国", "党委书记", true, &[AREA_IDEOLOGY, AREA_STUDY]),
    (DISTRICT, "覃志明", "党委副书记", false, &[AREA_EPIDEMIC, AREA_CIVILITY]),
    (DISTRICT, "蓝秀英", "党委委员（分管宣传思想工作）", false, &[AREA_PUBLICITY, AREA_IDEOLOGY]),
    (CENTRE, "覃志明", "管委中心主任", true, &[AREA_EPIDEMIC]),
    (CENTRE, "黄海涛", "管委中心副主任", false, &[AREA_CIVILITY]),
    ("矿区机关党支部", "梁文斌", "支部书记", true, &[]),
    ("第一社区党支部", "陆春燕", "支部书记", true, &[]),
    ("第二社区党支部", "潘国庆", "支部书记", true, &[]),
    ("离退休职工党支部", "罗德明", "支部书记", true, &[]),
];

/// (org, signer, counterpart, signed on)
const PLEDGES: &[(&str, &str, &str, &str)] = &[
    (DISTRICT, "韦建国", "中共X自治县委员会", "2020-01-08"),
    (CENTRE, "覃志明", "矿区党委书记韦建国", "2020-01-10"),
    ("矿区机关党支部", "梁文斌", "矿区党委书记韦建国", "2020-01-10"),
    ("第一社区党支部", "陆春燕", "矿区党委书记韦建国", "2020-01-10"),
    ("第二社区党支部", "潘国庆", "矿区党委书记韦建国", "2020-01-10"),
    ("离退休职工党支部", "罗德明", "矿区党委书记韦建国", "2020-01-10"),
];

const PLEDGE_DUTIES: &str = "履行意识形态工作主体责任，把意识形态工作纳入重要议事日程\n\
重要工作亲自部署、重要问题亲自过问、重大事件亲自处置\n\
落实“一岗双责”，及时发现和解决意识形态工作中存在的问题";

/// The works of 三供一业 the seed names, all done by mid-2020, and what is left.
const MILESTONES: &[(&str, &str)] = &[
    ("支路给水管网铺设", "2020-03-20"),
    ("供电管网管线下地", "2020-04-25"),
    ("箱式变压器安装", "2020-05-15"),
    ("主干道回填及水稳层", "2020-06-10"),
    ("支线道路硬化", "2020-06-25"),
    ("主干道沥青路面铺设", ""),
    ("绿化及附属设施", ""),
];

/// (date, percent, note)
const PROGRESS: &[(&str, &str, &str)] = &[
    ("2019-12-20", "25", "完成施工图设计和管材进场，开始支路开挖"),
    ("2020-03-31", "40", "支路给水管网铺设完成"),
    ("2020-05-20", "55", "供电管网管线下地、箱式变压器安装完成"),
    ("2020-06-28", "70", "完成主干道回填及水稳层和支线道路硬化，已完成工程总量的70%左右"),
];

/// The seed's problems and second-half plans. (section, text)
const REVIEW: &[(&str, &str)] = &[
    (
        "problem",
        "理论学习不够深入。学习新时代中国特色社会主义思想不够全面深入，集中学习多，研讨交流少，\
入心入脑、学深学透、弄懂弄通方面有待进一步加强",
    ),
    (
        "problem",
        "思想认识还有差距。对网络意识形态的影响力、传播力认识不足、重视不够，\
充分发挥各类平台和媒介作用开展常态化、大众化学习宣传有待进一步提升创新",
    ),
    (
        "plan",
        "继续抓好自治县成立30周年县庆社会氛围营造工作，深入开展“县庆县礼我在一线”活动，\
以优异成绩向自治县成立30周年献礼",
    ),
    (
        "plan",
        "加强理论学习引导，坚持每周开展“党旗领航·周五学习”制度，结合矿区实际丰富学习内容，\
中心理论组做到全年集中学习不少于10次",
    ),
    (
        "plan",
        "抓好宣传舆论引导，进一步利用电子屏、广场显示屏、微信群、“学习强国”等平台加大主题宣传和典型宣传力度，\
拓宽对外宣传渠道",
    ),
];

/// Handling steps of a matter: (date, text).
type Steps = &'static [(&'static str, &'static str)];

pub async fn load(
    services: &Services,
    actor: &Actor,
    org_id: &dyn Fn(&str) -> Option<Id>,
    cadres: &HashMap<&str, Id>,
) -> Result<()> {
    for (org, person, post, first, areas) in DUTIES {
        let input = DutyInput {
            org_id: org_id(org),
            person_id: cadres.get(person).copied(),
            post: (*post).into(),
            first_responsible: *first,
            area_ids: areas.to_vec(),
        };
        services.duty_save(actor, None, &input).await?;
    }
    for (org, signer, counterpart, signed_on) in PLEDGES {
        let input = PledgeInput {
            org_id: org_id(org),
            year: Some(2020),
            signer_id: cadres.get(signer).copied(),
            counterpart: (*counterpart).into(),
            signed_on: (*signed_on).into(),
            duties: PLEDGE_DUTIES.into(),
        };
        services.pledge_create(actor, &input, None).await?;
    }

    let project = ProjectInput {
        org_id: org_id(CENTRE),
        name: "“三供一业”改造工程".into(),
        category: "基础设施".into(),
        description: "职工家属区供水、供电、供热（气）和物业管理分离移交改造，含管网、变压器和道路工程".into(),
        started_on: "2019-10-15".into(),
        milestones: MILESTONES
            .iter()
            .map(|(name, done_on)| MilestoneInput { id: None, name: (*name).into(), done_on: (*done_on).into() })
            .collect(),
        ..Default::default()
    };
    let project = services.project_save(actor, None, &project).await?;
    for (date, percent, note) in PROGRESS {
        let input = ProgressInput {
            date: (*date).into(),
            percent: (*percent).into(),
            note: (*note).into(),
            reason: String::new(),
        };
        services.progress_add(actor, project.id, &input, None).await?;
    }

    let cases: &[(&str, CaseInput, Steps)] = &[
        (
            "第一社区",
            CaseInput {
                kind: "dispute".into(),
                received_on: "2020-03-12".into(),
                parties: "第一社区居民王某与李某".into(),
                matter: "楼上住户装修漏水，双方就维修费用发生争执".into(),
                reported_by: "谢美玲".into(),
                handler: "陆春燕".into(),
                deadline: "2020-03-31".into(),
                outcome: "mediated".into(),
                resolution: "社区组织双方调解，按责任分担维修费用，签订调解协议".into(),
                closed_on: "2020-03-20".into(),
                ..Default::default()
            },
            &[("2020-03-13", "网格员入户了解情况，查看漏水部位"), ("2020-03-20", "社区组织双方调解，达成协议")],
        ),
        (
            CENTRE,
            CaseInput {
                kind: "petition".into(),
                received_on: "2020-05-08".into(),
                parties: "第二社区部分居民".into(),
                matter: "反映“三供一业”施工期间主干道开挖影响出行，要求加快施工进度并设置安全警示".into(),
                reported_by: "潘国庆".into(),
                handler: "黄海涛".into(),
                deadline: "2020-05-22".into(),
                outcome: "resolved".into(),
                resolution: "督促施工单位增设警示标志和临时便道，调整施工时段，已向居民反馈".into(),
                closed_on: "2020-05-18".into(),
                ..Default::default()
            },
            &[("2020-05-11", "会同施工单位现场查看，制定整改措施"), ("2020-05-18", "整改完成，电话回访居民")],
        ),
        (
            DISTRICT,
            CaseInput {
                kind: "ideology_problem".into(),
                received_on: "2020-02-06".into(),
                parties: "第二社区居民微信群".into(),
                matter: "群内转发未经证实的疫情谣言".into(),
                reported_by: "吴建华".into(),
                handler: "蓝秀英".into(),
                deadline: "2020-02-07".into(),
                outcome: "resolved".into(),
                resolution: "及时删除谣言信息，发布官方权威信息，提醒群成员不信谣、不传谣".into(),
                closed_on: "2020-02-06".into(),
                ..Default::default()
            },
            &[("2020-02-06", "网格员发现后报告，群主删除信息并发布权威通报")],
        ),
    ];
    for (org, input, steps) in cases {
        let input = CaseInput { org_id: org_id(org), ..input.clone() };
        let case = services.case_save(actor, None, &input).await?;
        for (date, text) in *steps {
            let step = CaseStepInput { date: (*date).into(), text: (*text).into(), by: input.handler.clone() };
            services.case_step_add(actor, case.id, &step).await?;
        }
    }

    for (section, text) in REVIEW {
        services.review_item_add(actor, org_id(DISTRICT), "2020H1", section, text).await?;
    }
    Ok(())
}
