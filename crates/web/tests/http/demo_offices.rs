//! The demo's two offices of other kinds (a civilisation practice station
//! and a village): each is built again from nothing through the HTTP API
//! only (org, account, areas, kinds, campaigns, people, records, indicators,
//! projects, matters, roster, screening, key persons, review items), and its
//! 2020 summary with the default composition states every fact the records
//! support with its figure, and nothing of the seed's district. The demo's
//! own copies, read by their own accounts, say the same.

use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_demo::offices::{Office, PERIOD, STATION, VILLAGE};

use crate::helpers::*;

/// Words of the seed's district that no other office's summary may carry.
const SEED_WORDS: &[&str] = &["矿区", "宣传思想", "疫情", "扫黑除恶", "三供一业", "周五学习", "黄文秀"];

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.send(token, "POST", path, body.clone()).await;
    let status = r.status();
    let out: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::CREATED, "{path} {body}: {out}");
    out
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"))
}

/// Builds `office` as `name` under the county through the API, with its
/// administrator `username`; answers (the office's id, the admin's token).
async fn build(app: &TestApp, office: &Office, name: &str, username: &str) -> (i64, String) {
    let admin = app.token("admin").await;
    let orgs: Value = app.get(&admin, "/api/v1/orgs").await.json().await.unwrap();
    let county = orgs.as_array().unwrap().iter().find(|o| o["name"] == "X自治县").map(id).unwrap();
    let root =
        id(&created(app, &admin, "/api/v1/orgs", json!({ "parent_id": county, "kind": office.kind, "name": name }))
            .await);
    let (_, display_name, personal) = office.admin;
    created(
        app,
        &admin,
        "/api/v1/users",
        json!({ "username": username, "display_name": display_name, "role": "org_admin", "org_id": root,
                "can_view_personal": personal, "password": PASSWORD }),
    )
    .await;
    let t = app.token(username).await;
    let t = t.as_str();

    let mut orgs: Vec<(&str, i64)> = vec![("", root)];
    for (up, kind, sub) in office.orgs {
        let parent = orgs.iter().find(|(n, _)| n == up).unwrap().1;
        let org = created(app, t, "/api/v1/orgs", json!({ "parent_id": parent, "kind": kind, "name": sub })).await;
        orgs.push((sub, id(&org)));
    }
    let org = |n: &str| orgs.iter().find(|(o, _)| *o == n).unwrap_or_else(|| panic!("org {n}")).1;

    let adopted = created(app, t, &format!("/api/v1/work-areas/defaults?org_id={root}"), json!(null)).await;
    let mut areas: Vec<(String, i64)> =
        adopted.as_array().unwrap().iter().map(|a| (a["name"].as_str().unwrap().to_owned(), id(a))).collect();
    let area = |areas: &[(String, i64)], n: &str| areas.iter().find(|(a, _)| a == n).map(|(_, i)| *i);
    for (up, sub) in office.areas {
        let parent = area(&areas, up).unwrap();
        let a =
            created(app, t, "/api/v1/work-areas", json!({ "org_id": root, "parent_id": parent, "name": sub })).await;
        areas.push(((*sub).to_owned(), id(&a)));
    }
    for kind in office.kinds {
        created(app, t, "/api/v1/kinds", json!({ "name": kind })).await;
    }
    let mut campaigns = Vec::new();
    for c in office.campaigns {
        campaigns.push((*c, id(&created(app, t, "/api/v1/campaigns", json!({ "org_id": root, "name": c })).await)));
    }

    let mut people: Vec<(&str, i64)> = Vec::new();
    let mut members: Vec<(&str, i64)> = Vec::new();
    for m in office.members {
        let p = id(&created(app, t, "/api/v1/people", json!({ "org_id": org(m.org), "name": m.name })).await);
        people.push((m.name, p));
        for (o, role) in m.roles {
            let body = json!({ "person_id": p, "org_id": org(o), "role": role, "started_on": "2020-01-01" });
            created(app, t, "/api/v1/memberships", body).await;
            members.push((o, p));
        }
    }

    for r in office.records {
        let takers: Vec<i64> =
            members.iter().filter(|(o, _)| *o == r.org).map(|(_, p)| *p).take(r.volunteers).collect();
        let reporter = people.iter().find(|(_, p)| takers.first() == Some(p)).map(|(n, _)| *n);
        let reported = r.kind == "volunteer_activity" && reporter.is_some();
        let body = json!({
            "org_id": org(r.org),
            "kind": r.kind,
            "work_area_id": if r.area.is_empty() { None } else { Some(area(&areas, r.area).unwrap()) },
            "campaign_id": campaigns.iter().find(|(c, _)| *c == r.campaign).map(|(_, i)| *i),
            "title": r.title,
            "place": r.place,
            "date": r.date,
            "participants": takers.iter().map(|p| json!({ "person_id": p, "hours": r.hours })).collect::<Vec<_>>(),
            "others_count": r.others,
            "channels": r.channels,
            "banners": r.banners,
            "boards": r.boards,
            "posts": r.posts,
            "reached": r.reached,
            "reported_on": if reported { r.date } else { "" },
            "reported_by": if reported { reporter.unwrap_or_default() } else { "" },
        });
        created(app, t, "/api/v1/activities", body).await;
    }

    let mut rows = Vec::new();
    for (n, i) in office.indicators.iter().enumerate() {
        let def = created(
            app,
            t,
            "/api/v1/indicators",
            json!({ "org_id": root, "name": i.name, "unit": i.unit, "decimals": i.decimals, "sort": n }),
        )
        .await;
        rows.push(json!({ "indicator_id": id(&def), "value": i.value, "target": i.target, "last_year": i.last_year,
                          "note": i.note }));
    }
    if !rows.is_empty() {
        let r = app
            .send(t, "PUT", "/api/v1/indicator-values", json!({ "org_id": root, "period": PERIOD, "rows": rows }))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }

    for p in office.projects {
        let body = json!({
            "org_id": root,
            "name": p.name,
            "category": p.category,
            "description": p.description,
            "started_on": p.started_on,
            "measures": p.measures.iter().map(|(n, v, u)| json!({ "name": n, "value": v, "unit": u })).collect::<Vec<_>>(),
            "milestones": p.milestones.iter().map(|(n, d)| json!({ "name": n, "done_on": d })).collect::<Vec<_>>(),
        });
        let project = id(&created(app, t, "/api/v1/projects", body).await);
        for (date, percent, note) in p.progress {
            let body = json!({ "date": date, "percent": percent.to_string(), "note": note });
            created(app, t, &format!("/api/v1/projects/{project}/progress"), body).await;
        }
    }

    for c in office.cases {
        let body = json!({ "org_id": root, "kind": c.kind, "received_on": c.received_on, "parties": c.parties,
                           "matter": c.matter, "handler": c.handler, "deadline": c.deadline, "outcome": c.outcome,
                           "resolution": c.resolution, "closed_on": c.closed_on });
        created(app, t, "/api/v1/cases", body).await;
    }

    let mut households = Vec::new();
    for h in office.households {
        let household =
            id(&created(app, t, "/api/v1/households", json!({ "grid_id": org(h.grid), "address": h.address })).await);
        for (name, relation, gender, birth) in h.members {
            let body = json!({ "org_id": org(h.grid), "name": name, "gender": gender, "birth_date": birth });
            let p = id(&created(app, t, "/api/v1/people", body).await);
            let r = app
                .send(
                    t,
                    "PUT",
                    &format!("/api/v1/people/{p}/household"),
                    json!({ "household_id": household, "relation": relation }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
            people.push((name, p));
        }
        households.push((household, h));
    }
    if let Some((name, starts_on, ends_on)) = office.screening {
        let grids: Vec<i64> = office.orgs.iter().filter(|(_, k, _)| *k == "grid").map(|(_, _, g)| org(g)).collect();
        let body =
            json!({ "org_id": root, "name": name, "starts_on": starts_on, "ends_on": ends_on, "grid_ids": grids });
        let screening = id(&created(app, t, "/api/v1/screenings", body).await);
        for (household, h) in &households {
            let (day, visitor, result, away) = h.visit;
            let statuses: Vec<Value> = away
                .iter()
                .map(|n| json!({ "person_id": people.iter().find(|(p, _)| p == n).unwrap().1, "status": "away" }))
                .collect();
            let body = json!({ "household_id": household, "visited_on": day, "visitor": visitor, "result": result,
                               "statuses": statuses });
            created(app, t, &format!("/api/v1/screenings/{screening}/visits"), body).await;
        }
    }
    let mut groups = Vec::new();
    for g in office.key_groups {
        groups.push((*g, id(&created(app, t, "/api/v1/key-groups", json!({ "org_id": root, "name": g })).await)));
    }
    for k in office.key_persons {
        let body = json!({
            "key_group_id": groups.iter().find(|(g, _)| *g == k.group).unwrap().1,
            "person_id": people.iter().find(|(p, _)| *p == k.name).unwrap().1,
            "entered_on": k.entered_on,
            "reason": k.reason,
        });
        let stay = id(&created(app, t, "/api/v1/key-persons", body).await);
        if let Some((left_on, reason)) = k.left {
            let r = app
                .send(
                    t,
                    "POST",
                    &format!("/api/v1/key-persons/{stay}/leave"),
                    json!({ "left_on": left_on, "reason": reason }),
                )
                .await;
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        }
    }

    for (section, items) in [("problem", office.problems), ("plan", office.plans)] {
        for text in items {
            let body = json!({ "org_id": root, "period": PERIOD, "section": section, "text": text });
            created(app, t, "/api/v1/reviews/items", body).await;
        }
    }
    (root, t.to_owned())
}

/// The year's summary of an org as its account reads it, with the default composition.
async fn summary_text(app: &TestApp, token: &str, org: i64) -> String {
    let r = app.get(token, &format!("/api/v1/summary/composition?org_id={org}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["is_default"], true, "the default composition");
    let r = app.get(token, &format!("/api/v1/summary?org_id={org}&period={PERIOD}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let summary: Value = r.json().await.unwrap();
    summary["text"].as_str().unwrap_or_else(|| panic!("{summary}")).to_owned()
}

/// Every fact in `facts` is stated; nothing of the seed's district is.
fn assert_states(text: &str, facts: &[String]) {
    let missing: Vec<&String> = facts.iter().filter(|f| !text.contains(f.as_str())).collect();
    assert!(missing.is_empty(), "the summary does not state {missing:#?}:\n{text}");
    for seed in SEED_WORDS {
        assert!(!text.contains(seed), "nothing of the seed's district (“{seed}”):\n{text}");
    }
}

/// What the practice station's records support, with the office named `name`.
fn station_facts(name: &str) -> Vec<String> {
    let mut facts: Vec<String> = [
        // The lead: every activity by kind, people counted, volunteer hours.
        "2020年工作总结",
        "在X自治县的正确领导下",
        "全年共开展各类工作25项，其中会议2次、宣传5次、志愿服务8次、宣讲6次、文艺演出4次，参与1828人次，志愿服务时长173小时",
        // One section per area of its own, sub-areas rolled up and alone.
        "理论宣讲方面共开展6次宣讲，参与359人次",
        "志愿服务方面共开展5次志愿服务，参与115人次，服务时长126小时",
        "文化惠民方面共开展5次，其中志愿服务1次、文艺演出4次，参与1245人次，服务时长10小时",
        "群众文艺4次，参与1210人次",
        "移风易俗方面共开展3次宣传，覆盖3300人次，悬挂横幅9条，设置展板5块，发布信息9条",
        "文明创建方面共开展4次，其中宣传2次、志愿服务2次，参与51人次，服务时长37小时，覆盖3800人次，悬挂横幅4条，设置展板7块，发布信息7条",
        "另开展2次会议，参与58人次",
        // Its campaigns.
        "围绕“我们的节日”开展活动6次，参与1119人次，服务时长80小时",
        "围绕“移风易俗进万家”开展活动3次，覆盖3300人次，悬挂横幅9条，设置展板5块，发布信息9条",
        // Its practice points and team.
        "青石村新时代文明实践站开展4次，参与444人次，覆盖900人次，悬挂横幅4条，设置展板2块，发布信息3条",
        "河湾村新时代文明实践站开展3次，参与358人次",
        "青石社区新时代文明实践站开展3次，参与180人次，覆盖1800人次，悬挂横幅4条，设置展板5块，发布信息4条",
        "青石镇新时代文明实践志愿服务队开展8次，参与201人次，服务时长173小时",
        // Indicators, with last year's value and the target.
        "注册志愿者1260人，同比增长16.7%",
        "文明实践站点覆盖率100%，同比增长25个百分点，完成年度目标的100%",
        "评选文明家庭36户，完成年度目标的120%",
        // The team's size by role.
        "青石镇新时代文明实践志愿服务队现有成员14人，其中队长1人、副队长1人、志愿者12人",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    facts[0] = format!("{name}2020年工作总结");
    facts.extend(STATION.problems.iter().chain(STATION.plans).map(|s| (*s).to_owned()));
    facts
}

/// What the village's records support, with the office named `name`.
fn village_facts(name: &str) -> Vec<String> {
    let mut facts: Vec<String> = [
        "2020年工作总结",
        "在X自治县的正确领导下",
        "全年共开展各类工作16项，其中会议8次、宣传3次、环境卫生整治3次、走访2次，参与480人次",
        "党建引领方面共开展2次会议，参与41人次",
        "产业发展方面共开展3次会议，参与192人次",
        "乡村治理方面共开展4次，其中会议3次、宣传1次，参与94人次，覆盖800人次，悬挂横幅2条，发布信息3条",
        "村民自治2次，参与85人次；矛盾调解1次，参与9人次",
        "人居环境方面共开展4次，其中宣传1次、环境卫生整治3次，参与123人次，覆盖650人次，悬挂横幅3条，设置展板2块",
        "民生保障方面共开展3次，其中宣传1次、走访2次，参与30人次，覆盖1100人次，悬挂横幅2条，设置展板1块，发布信息2条",
        "围绕“人居环境整治提升行动”开展活动3次，参与103人次",
        "上寨村民小组开展2次，参与72人次",
        "中寨村民小组开展2次，参与52人次",
        "下寨村民小组开展3次，参与55人次",
        // Indicators.
        "村集体收入35.6万元，同比增长25.4%",
        "新增就业310人，完成年度目标的103.3%",
        "医保参保率98.6%，同比增长1.4个百分点，完成年度目标的100.6%",
        // Projects by status and category, with their measures and progress.
        "共实施项目4个，其中已完工2个、在建1个、未开工1个",
        "基础设施类项目2个，硬化道路3.2公里、投资156万元、铺设管道4.5公里",
        "产业发展类项目1个，面积150亩、投资45万元",
        "公共服务类项目1个，面积800平方米、投资25万元",
        "山下村通组道路硬化工程已全部完工，全年完成了路基平整、水泥路面浇筑以及竣工验收",
        "山下村饮水安全巩固提升工程已完成工程总量的65%，全年完成了蓄水池主体施工",
        "山下村百香果产业示范基地已全部完工",
        // The screening (households as households, persons as persons) and key persons per group.
        "开展“山下村2020年入户大走访”，走访12户、34人，户、人覆盖率分别达到100%和100%",
        "排查重点人员6人，其中独居老人3人、留守儿童2人、社区矫正人员1人，目前在管5人",
        // The leading group by role, petitions and disputes.
        "山下村人居环境整治工作领导小组现有成员5人，其中组长1人、副组长1人、成员3人",
        "全年受理信访2件、调处矛盾纠纷3件，已办结4件",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    facts[0] = format!("{name}2020年工作总结");
    facts.extend(VILLAGE.problems.iter().chain(VILLAGE.plans).map(|s| (*s).to_owned()));
    facts
}

/// The demo's own copy of an office, read by its own account.
async fn demo_copy(app: &TestApp, office: &Office) -> (i64, String) {
    let t = app.token(office.admin.0).await;
    let me: Value = app.get(&t, "/api/v1/me").await.json().await.unwrap();
    (me["org_id"].as_i64().unwrap(), t)
}

#[tokio::test]
async fn a_practice_station_built_through_the_api_states_every_fact_of_its_records() {
    let app = spawn_app().await;
    let name = format!("{}（测试）", STATION.name);
    let (org, t) = build(&app, &STATION, &name, "qingshi_test").await;
    let text = summary_text(&app, &t, org).await;
    assert_states(&text, &station_facts(&name));
    // The sections follow the office's own areas, in its order.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}:\n{text}"));
    assert!(at("理论宣讲方面") < at("志愿服务方面") && at("志愿服务方面") < at("文化惠民方面"), "{text}");
    assert!(at("、存在问题\n") < at("、下一步打算\n"), "{text}");

    // The demo's copy says the same of its own records.
    let (demo, demo_token) = demo_copy(&app, &STATION).await;
    assert_eq!(summary_text(&app, &demo_token, demo).await, text.replace(&name, STATION.name));

    // Both offices added a kind “宣讲”: the county counts it once, over both.
    let admin = app.token("admin").await;
    let me: Value = app.get(&admin, "/api/v1/me").await.json().await.unwrap();
    let county = me["org_id"].as_i64().unwrap();
    let r = app.get(&admin, &format!("/api/v1/summary?org_id={county}&period={PERIOD}")).await;
    let county_text = r.json::<Value>().await.unwrap()["text"].as_str().unwrap().to_owned();
    assert_eq!(county_text.matches("宣讲12次").count(), 1, "{county_text}");
}

#[tokio::test]
async fn a_village_built_through_the_api_states_every_fact_of_its_records() {
    let app = spawn_app().await;
    let name = format!("{}（测试）", VILLAGE.name);
    let (org, t) = build(&app, &VILLAGE, &name, "shanxia_test").await;
    let text = summary_text(&app, &t, org).await;
    assert_states(&text, &village_facts(&name));
    // An area without records this year gets no section; no activity lacks an area.
    assert!(!text.contains("其他工作"), "{text}");

    let (demo, demo_token) = demo_copy(&app, &VILLAGE).await;
    assert_eq!(summary_text(&app, &demo_token, demo).await, text.replace(&name, VILLAGE.name));
}

#[tokio::test]
async fn the_demo_offices_get_their_summaries_with_their_own_accounts() {
    let app = spawn_app().await;
    let (station, t) = demo_copy(&app, &STATION).await;
    let text = summary_text(&app, &t, station).await;
    assert_states(
        &text,
        &[
            "青石镇新时代文明实践所2020年工作总结".into(),
            "全年共开展各类工作25项".into(),
            "参与1828人次，志愿服务时长173小时".into(),
            "注册志愿者1260人".into(),
        ],
    );
    let (village, t) = demo_copy(&app, &VILLAGE).await;
    let text = summary_text(&app, &t, village).await;
    assert_states(
        &text,
        &[
            "山下村2020年工作总结".into(),
            "全年共开展各类工作16项".into(),
            "共实施项目4个".into(),
            "排查重点人员6人".into(),
            "受理信访2件".into(),
            "村集体收入35.6万元".into(),
        ],
    );
    // Each account sees its own office only.
    let r = app.get(&t, &format!("/api/v1/summary?org_id={station}&period={PERIOD}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
