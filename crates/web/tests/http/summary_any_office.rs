//! The work summary of an office that is not the demo district: built from
//! nothing through the API (org, work areas, a kind of its own, a campaign,
//! a year of records), its summary states its own figures under its own
//! headings, and nothing of the seed's district.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.send(token, "POST", path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path} {body}");
    r.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_village_gets_its_summary_from_its_own_records() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let county = app.org("X自治县").await;
    let village =
        created(&app, &admin, "/api/v1/orgs", json!({ "parent_id": county.id, "kind": "village", "name": "青山村" }))
            .await;
    let village_id = village["id"].as_i64().unwrap();
    for name in ["青山村第一村民小组", "青山村第二村民小组"] {
        created(&app, &admin, "/api/v1/orgs", json!({ "parent_id": village_id, "kind": "community", "name": name }))
            .await;
    }
    app.add_user("qingshan", "org_admin", "青山村", false).await;
    let t = app.token("qingshan").await;
    let area = |name: &'static str, parent: Option<i64>| {
        let (app, t) = (&app, &t);
        async move {
            created(app, t, "/api/v1/work-areas", json!({ "name": name, "parent_id": parent })).await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let industry = area("产业发展", None).await;
    let governance = area("乡村治理", None).await;
    let mediation = area("矛盾调解", Some(governance)).await;
    let r = app.send(&t, "POST", "/api/v1/kinds", json!({ "name": "村民议事" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let campaign = created(&app, &t, "/api/v1/campaigns", json!({ "org_id": village_id, "name": "人居环境整治月" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let first = app.org("青山村第一村民小组").await.id;
    let second = app.org("青山村第二村民小组").await.id;
    let records = [
        (first, "meeting", industry, "茶叶种植技术培训", "2021-03-12", 20, 0, None),
        (first, "meeting", industry, "电商销售座谈会", "2021-05-20", 35, 0, None),
        (second, "meeting", industry, "合作社分红大会", "2021-11-08", 45, 0, None),
        (second, "村民议事", mediation, "宅基地纠纷调解会", "2021-07-02", 8, 0, None),
        (second, "村民议事", mediation, "灌溉用水协商会", "2021-08-15", 12, 0, None),
        (village_id, "publicity", governance, "人居环境整治宣传", "2021-04-06", 0, 1200, Some(campaign)),
    ];
    for (org, kind, area, title, date, others, reached, campaign) in records {
        created(
            &app,
            &t,
            "/api/v1/activities",
            json!({ "org_id": org, "kind": kind, "work_area_id": area, "title": title, "date": date,
                    "others_count": others, "reached": reached, "banners": if reached > 0 { 5 } else { 0 },
                    "campaign_id": campaign, "channels": if reached > 0 { json!(["banner"]) } else { json!([]) } }),
        )
        .await;
    }
    let summary: Value =
        app.get(&t, &format!("/api/v1/summary?org_id={village_id}&period=2021")).await.json().await.unwrap();
    let text = summary["text"].as_str().unwrap_or_else(|| panic!("{summary}"));
    for fact in [
        "青山村2021年工作总结",
        "全年共开展各类工作6项",
        "全年，产业发展方面共开展3次会议",
        "产业发展方面共开展3次",
        "参与100人次",
        "乡村治理方面共开展3次",
        "村民议事2次",
        "矛盾调解2次",
        "覆盖1200人次",
        "悬挂横幅5条",
        "茶叶种植技术培训、电商销售座谈会和合作社分红大会",
        "围绕“人居环境整治月”开展活动1次",
        "青山村第一村民小组开展2次",
        "青山村第二村民小组开展3次",
    ] {
        assert!(text.contains(fact), "the summary states “{fact}”:\n{text}");
    }
    for seed in ["矿区", "宣传思想", "疫情"] {
        assert!(!text.contains(seed), "nothing of the seed's district (“{seed}”):\n{text}");
    }
    // Every figure links to the records it counts.
    let html = summary["html"].as_str().unwrap();
    assert!(html.contains("<a"), "figures are links");
}
