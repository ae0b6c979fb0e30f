//! The summary's figures beyond activity counts, and how sections find their
//! records: by the purpose code of a campaign, work area or leading group,
//! never by its name; projects by category and status with their measures;
//! key persons per key group; screening households and persons; team sizes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn json_of(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn patched(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.send(token, "PATCH", path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "{path} {body}");
    r.json().await.unwrap()
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.send(token, "POST", path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path} {body}");
    r.json().await.unwrap()
}

/// A refused input: 422 naming `field` in Chinese.
async fn refused(app: &TestApp, token: &str, method: &str, path: &str, body: Value, field: &str) -> String {
    let r = app.send(token, method, path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{method} {path} {body}");
    let errors = field_errors(&r.json().await.unwrap());
    let message = errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone());
    let message = message.unwrap_or_else(|| panic!("no error on {field}: {errors:?}"));
    assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{message}");
    message
}

/// Every campaign, work area and leading group renamed to a name sharing no
/// word with the old one: the district's figures, sections and text are the
/// same but for the names themselves. Clearing a purpose then drops what it
/// chose, whatever the name says.
#[tokio::test]
async fn renaming_every_campaign_area_and_leading_group_changes_no_figure() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let token = app.token("kuangqu").await;
    let facts_path = "/api/v1/summary/facts?period=2020H1";
    let before = json_of(&app, &token, facts_path).await;
    let before_text = json_of(&app, &token, "/api/v1/summary?period=2020H1").await["text"].as_str().unwrap().to_owned();
    // The sections chosen by purpose have records to lose.
    for section in ["epidemic_publicity", "anti_crime", "health_publicity", "security_publicity"] {
        assert!(before[section]["actions"]["n"].as_u64().unwrap() > 0, "{section}: {}", before[section]);
    }
    assert_eq!(before["central_group"]["leading_group"], "党委理论学习中心组学习领导小组");
    assert_eq!(before["epidemic"]["leading_group"], "疫情防控工作领导小组");

    let mut renamed: Vec<(String, String)> = Vec::new();
    for c in json_of(&app, &admin, "/api/v1/campaigns").await.as_array().unwrap() {
        let name = format!("〔专项{}〕", c["id"]);
        let out = patched(&app, &admin, &format!("/api/v1/campaigns/{}", c["id"]), json!({ "name": name })).await;
        assert_eq!((&out["name"], &out["purpose"]), (&json!(name), &c["purpose"]), "the purpose stays");
        renamed.push((name, c["name"].as_str().unwrap().to_owned()));
    }
    for a in json_of(&app, &admin, "/api/v1/work-areas").await.as_array().unwrap() {
        let name = format!("〔条线{}〕", a["id"]);
        patched(&app, &admin, &format!("/api/v1/work-areas/{}", a["id"]), json!({ "name": name })).await;
        renamed.push((name, a["name"].as_str().unwrap().to_owned()));
    }
    // The district's leading groups (other offices may have their own).
    let groups: Vec<Value> = json_of(&app, &token, "/api/v1/orgs")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "leading_group")
        .cloned()
        .collect();
    assert_eq!(groups.len(), 3);
    for g in &groups {
        let name = format!("〔小组{}〕", g["id"]);
        let out = patched(&app, &admin, &format!("/api/v1/orgs/{}", g["id"]), json!({ "name": name })).await;
        assert_eq!(out["purpose"], g["purpose"]);
        renamed.push((name, g["name"].as_str().unwrap().to_owned()));
    }
    assert!(renamed.len() > 25, "{renamed:?}");

    let after = json_of(&app, &token, facts_path).await;
    let after_text = json_of(&app, &token, "/api/v1/summary?period=2020H1").await["text"].as_str().unwrap().to_owned();
    assert_ne!(after_text, before_text, "the new names are printed");
    assert!(after_text.contains("〔小组") && after_text.contains("〔专项"), "{after_text}");
    let back = |s: &str| renamed.iter().fold(s.to_owned(), |s, (new, old)| s.replace(new.as_str(), old));
    let after_back: Value = serde_json::from_str(&back(&after.to_string())).unwrap();
    assert_eq!(after_back, before, "the same facts under other names");
    assert_eq!(back(&after_text), before_text);
    // The seed's sentences still stand on the same records.
    assert!(after_text.contains("成立〔小组"), "{after_text}");

    // It is the purpose that chooses: the anti-crime campaign and area
    // without theirs leave the section empty, though their names are as before.
    let anti_crime_area = json_of(&app, &admin, "/api/v1/work-areas")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["purpose"] == "anti_crime")
        .map(|a| a["id"].clone())
        .collect::<Vec<_>>();
    let anti_crime_campaign = json_of(&app, &admin, "/api/v1/campaigns")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["purpose"] == "anti_crime")
        .map(|c| c["id"].clone())
        .collect::<Vec<_>>();
    assert!(!anti_crime_area.is_empty() && !anti_crime_campaign.is_empty());
    for id in anti_crime_area {
        patched(&app, &admin, &format!("/api/v1/work-areas/{id}"), json!({ "purpose": "" })).await;
    }
    for id in anti_crime_campaign {
        patched(&app, &admin, &format!("/api/v1/campaigns/{id}"), json!({ "purpose": "" })).await;
    }
    let cleared = json_of(&app, &token, facts_path).await;
    assert_eq!(cleared["anti_crime"]["actions"]["n"], 0);
    assert_eq!(cleared["epidemic_publicity"], after["epidemic_publicity"]);
}

/// Purposes are set by code or label in the API and the pages; anything
/// else is refused by field, in Chinese; shared campaigns are the system
/// administrator's.
#[tokio::test]
async fn purposes_are_checked_and_kept() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let district = app.org("X矿矿区党委").await;

    let area = created(&app, &token, "/api/v1/work-areas", json!({ "name": "防汛宣传", "purpose": "卫生健康" })).await;
    assert_eq!(area["purpose"], "health", "a label is read as its code");
    let m =
        refused(&app, &token, "POST", "/api/v1/work-areas", json!({ "name": "防汛", "purpose": "flood" }), "purpose")
            .await;
    assert!(m.contains("“flood”不存在") && m.contains("疫情防控"), "{m}");
    let area_path = format!("/api/v1/work-areas/{}", area["id"]);
    refused(&app, &token, "PATCH", &area_path, json!({ "purpose": "epidemics" }), "purpose").await;
    let cleared = patched(&app, &token, &area_path, json!({ "purpose": "" })).await;
    assert_eq!((cleared["purpose"].clone(), cleared["name"].clone()), (Value::Null, json!("防汛宣传")));

    let campaign = created(
        &app,
        &token,
        "/api/v1/campaigns",
        json!({ "org_id": district.id, "name": "禁毒宣传月", "purpose": "public_security" }),
    )
    .await;
    assert_eq!(campaign["purpose"], "public_security");
    let body = json!({ "org_id": district.id, "name": "禁毒", "purpose": "drugs" });
    refused(&app, &token, "POST", "/api/v1/campaigns", body, "purpose").await;
    let path = format!("/api/v1/campaigns/{}", campaign["id"]);
    refused(&app, &token, "PATCH", &path, json!({ "purpose": "x" }), "purpose").await;
    let out = patched(&app, &token, &path, json!({ "name": "禁毒宣传", "purpose": "anti_crime" })).await;
    assert_eq!((&out["name"], &out["purpose"]), (&json!("禁毒宣传"), &json!("anti_crime")));
    // A shared campaign is the system administrator's; an unknown one is not found.
    assert_eq!(
        app.send(&token, "PATCH", "/api/v1/campaigns/2", json!({ "name": "扫黑" })).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.send(&token, "PATCH", "/api/v1/campaigns/99999", json!({})).await.status(), StatusCode::NOT_FOUND);
    let shared = json_of(&app, &token, "/api/v1/campaigns").await;
    let epidemic = shared.as_array().unwrap().iter().find(|c| c["id"] == 7).unwrap();
    assert_eq!(epidemic["purpose"], "epidemic", "the seed's campaigns carry their purpose");

    let body =
        json!({ "parent_id": district.id, "kind": "leading_group", "name": "平安建设领导小组", "purpose": "安全" });
    refused(&app, &token, "POST", "/api/v1/orgs", body, "purpose").await;
    let body =
        json!({ "parent_id": district.id, "kind": "leading_group", "name": "平安建设领导小组", "purpose": "综合治理" });
    let group = created(&app, &token, "/api/v1/orgs", body).await;
    assert_eq!(group["purpose"], "public_security");
    let path = format!("/api/v1/orgs/{}", group["id"]);
    refused(&app, &token, "PATCH", &path, json!({ "purpose": "peace" }), "purpose").await;
    assert_eq!(patched(&app, &token, &path, json!({ "purpose": "" })).await["purpose"], Value::Null);

    // The pages: the select on the categories page sets a campaign's purpose,
    // the org page an org's.
    let b = app.browser("kuangqu").await;
    let (status, page) = b.get("/work-areas").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("用于总结的专题") && page.contains("<option value=\"theory_study\""),
        "the select is offered"
    );
    let r = b.post(&format!("/campaigns/{}", campaign["id"]), &[("name", "禁毒宣传"), ("purpose", "epidemic")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = json_of(&app, &token, "/api/v1/campaigns").await;
    assert_eq!(list.as_array().unwrap().iter().find(|c| c["id"] == campaign["id"]).unwrap()["purpose"], "epidemic");
    let r = b.post(&format!("/campaigns/{}", campaign["id"]), &[("name", "禁毒宣传"), ("purpose", "nope")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不存在"));
    let r = b.post("/campaigns", &[("name", ""), ("purpose", "epidemic")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("<option value=\"epidemic\" selected>"), "the choice is kept");
    let r = b.post("/work-areas", &[("name", "禁毒工作"), ("purpose", "anti_crime")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let areas = json_of(&app, &token, "/api/v1/work-areas").await;
    assert!(areas.as_array().unwrap().iter().any(|a| a["name"] == "禁毒工作" && a["purpose"] == "anti_crime"));
    let r = b.post(&format!("/orgs/{}", group["id"]), &[("action", "purpose"), ("purpose", "theory_study")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = b.get(&format!("/orgs/{}", group["id"])).await;
    assert!(page.contains("用于总结的专题：理论学习"), "{page}");
}

/// Projects with a category and measures: counted by status at the period's
/// end (完成 / 在建 / 未开工), by category, with their measures summed, each
/// figure citing its projects; the generic summary states them.
#[tokio::test]
async fn projects_are_counted_by_status_and_category_with_their_measures() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let centre = app.org("X矿矿区管委中心").await;
    let project = |name: &str, category: &str, started_on: &str, measures: Value| json!({ "org_id": centre.id, "name": name, "category": category, "started_on": started_on, "measures": measures });
    let parking = created(
        &app,
        &token,
        "/api/v1/projects",
        project(
            "矿区停车场",
            "基础设施",
            "2020-03-01",
            json!([{ "name": "新建面积", "value": 5200, "unit": "平方米" }, { "name": "泊位", "value": "120", "unit": "个" }]),
        ),
    )
    .await;
    assert_eq!(parking["measures"][1], json!({ "name": "泊位", "value": 120.0, "unit": "个" }));
    assert_eq!((&parking["category"], &parking["status_label"]), (&json!("基础设施"), &json!("在建")));
    let r = app
        .send(
            &token,
            "POST",
            &format!("/api/v1/projects/{}/progress", parking["id"]),
            json!({ "date": "2020-06-20", "percent": "100" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let housing = created(
        &app,
        &token,
        "/api/v1/projects",
        project("老旧小区改造", "民生工程", "2020-05-10", json!([{ "name": "金额", "value": 350, "unit": "万元" }])),
    )
    .await;
    let plaza = created(
        &app,
        &token,
        "/api/v1/projects",
        project("文化广场", "民生工程", "", json!([{ "name": "金额", "value": "150.5", "unit": "万元" }, {}])),
    )
    .await;
    assert_eq!(plaza["measures"].as_array().unwrap().len(), 1, "an empty row is no measure");
    let seed = json_of(&app, &token, "/api/v1/projects").await;
    let seed = seed.as_array().unwrap().iter().find(|p| p["name"] == "“三供一业”改造工程").unwrap().clone();

    let facts = json_of(&app, &token, &format!("/api/v1/summary/facts?org_id={}&period=2020H1", centre.id)).await;
    let p = &facts["figures"]["projects"];
    let cite =
        |ids: &[&Value]| format!("project:{}", ids.iter().map(|v| v["id"].to_string()).collect::<Vec<_>>().join(","));
    assert_eq!(p["total"]["n"], 4, "{p}");
    assert_eq!(p["done"]["cite"], cite(&[&parking]));
    assert_eq!(p["in_progress"]["cite"], cite(&[&seed, &housing]), "started, or with progress");
    assert_eq!(p["not_started"]["cite"], cite(&[&plaza]));
    let categories: Vec<&str> =
        p["by_category"].as_array().unwrap().iter().map(|c| c["category"].as_str().unwrap()).collect();
    assert_eq!(categories, ["基础设施", "民生工程"]);
    let livelihood = &p["by_category"][1];
    assert_eq!(livelihood["total"]["cite"], cite(&[&housing, &plaza]));
    assert_eq!(
        livelihood["measures"],
        json!([{ "name": "金额", "unit": "万元", "total": { "n": 500.5, "cite": cite(&[&housing, &plaza]) } }])
    );
    assert_eq!(p["by_category"][0]["measures"][0]["total"], json!({ "n": 5200.0, "cite": cite(&[&parking]) }));
    // Read at the end of Q1, the car park is still being built and the housing not begun.
    let q1 = json_of(&app, &token, &format!("/api/v1/summary/facts?org_id={}&period=2020Q1", centre.id)).await;
    let q1 = &q1["figures"]["projects"];
    assert_eq!(
        (q1["done"]["n"].as_u64(), q1["in_progress"]["n"].as_u64(), q1["not_started"]["n"].as_u64()),
        (Some(0), Some(2), Some(2))
    );
    // A project finished before a period is not one of its projects.
    let h2 = json_of(&app, &token, &format!("/api/v1/summary/facts?org_id={}&period=2020H2", centre.id)).await;
    assert!(!h2["figures"]["projects"]["total"]["cite"].as_str().unwrap().contains(&parking["id"].to_string()));

    let summary = json_of(&app, &token, &format!("/api/v1/summary?org_id={}&period=2020H1", centre.id)).await;
    let text = summary["text"].as_str().unwrap();
    for fact in [
        "共实施项目4个，其中已完工1个、在建2个、未开工1个",
        "基础设施类项目2个，新建面积5200平方米、泊位120个",
        "民生工程类项目2个，金额500.5万元",
    ] {
        assert!(text.contains(fact), "“{fact}” in:\n{text}");
    }
    let html = summary["html"].as_str().unwrap();
    assert!(html.contains(&format!("data-cite=\"{}\">1个</a>", cite(&[&parking]))), "the finished project is cited");

    // Bad input, by field, in Chinese.
    let bad = project("停车场二期", "基础设施", "", json!([{ "name": "面积", "value": "五千", "unit": "平方米" }]));
    let m = refused(&app, &token, "POST", "/api/v1/projects", bad, "measures[0].value").await;
    assert!(m.contains("五千") && m.contains("不是数字"), "{m}");
    let bad = project("停车场二期", "基础设施", "", json!([{ "name": "面积", "value": true }]));
    refused(&app, &token, "POST", "/api/v1/projects", bad, "measures[0].value").await;
    let bad = project("停车场二期", "基础设施", "", json!([{ "name": "", "value": 3 }]));
    refused(&app, &token, "POST", "/api/v1/projects", bad, "measures[0].name").await;
    let bad = project("停车场二期", &"很长的类别".repeat(5), "", json!([]));
    refused(&app, &token, "POST", "/api/v1/projects", bad, "category").await;
    let path = format!("/api/v1/projects/{}", housing["id"]);
    let bad =
        project("老旧小区改造", "民生工程", "2020-05-10", json!([{ "name": "金额", "value": "-3", "unit": "万元" }]));
    refused(&app, &token, "PUT", &path, bad, "measures[0].value").await;

    // The project page takes a category and measure rows.
    let b = app.browser("kuangqu").await;
    let fields = [
        ("org_id", centre.id.to_string()),
        ("name", "老旧小区改造".into()),
        ("category", "人居环境".into()),
        ("started_on", "2020-05-10".into()),
        ("measure_name", "改造户数".into()),
        ("measure_value", "80".into()),
        ("measure_unit", "户".into()),
        ("measure_name", "".into()),
        ("measure_value", "".into()),
        ("measure_unit", "".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post(&format!("/projects/{}", housing["id"]), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = json_of(&app, &token, &path).await;
    assert_eq!(
        (&saved["category"], &saved["measures"]),
        (&json!("人居环境"), &json!([{ "name": "改造户数", "value": 80.0, "unit": "户" }]))
    );
    let (_, page) = b.get(&format!("/projects/{}", housing["id"])).await;
    assert!(page.contains("项目类别：人居环境") && page.contains("改造户数80户"), "{page}");
    let mut bad = fields.clone();
    bad[5] = ("measure_value", "八十");
    let r = b.post(&format!("/projects/{}", housing["id"]), &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("“八十”不是数字"));
}

/// Key persons per key group (people, not stays), the screening's households
/// and persons, and the members of leading groups and teams by role, for the
/// management centre's half-year: figures and sentences.
#[tokio::test]
async fn key_groups_screening_and_team_sizes_are_stated() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let centre = app.org("X矿矿区管委中心").await;
    let facts = json_of(&app, &token, &format!("/api/v1/summary/facts?org_id={}&period=2020H1", centre.id)).await;
    let f = &facts["figures"];

    let kp = &f["key_persons"];
    assert_eq!(kp["total"]["n"], 12, "{kp}");
    let groups: Vec<(&str, u64)> = kp["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["count"]["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(groups, [("湖北返乡人员", 6), ("居家隔离观察人员", 6)]);
    assert!(kp["total"]["cite"].as_str().unwrap().starts_with("key_person:"));

    let screenings = f["screenings"].as_array().unwrap();
    assert_eq!(screenings.len(), 1);
    let s = &screenings[0];
    assert_eq!(
        (s["households"].as_u64(), s["visited"]["n"].as_u64(), s["open"].as_bool()),
        (Some(1060), Some(1060), Some(false))
    );
    assert_eq!(s["persons"], facts["epidemic"]["residents"], "the same count as the epidemic facts");
    assert!(s["persons"].as_u64().unwrap() > 3000 && s["with_status"]["n"] == s["persons"], "{s}");
    assert_eq!(s["visited"]["cite"], format!("screening:{}", s["id"]));

    let team = |name: &str| f["teams"].as_array().unwrap().iter().find(|t| t["name"] == name).cloned().unwrap();
    let roles = |t: &Value| -> Vec<(String, u64)> {
        t["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["role"].as_str().unwrap().to_owned(), r["count"]["n"].as_u64().unwrap()))
            .collect()
    };
    let group = team("疫情防控工作领导小组");
    assert_eq!(
        (group["kind"].as_str(), group["total"]["n"].as_u64(), group["purpose"].as_str()),
        (Some("leading_group"), Some(4), Some("epidemic"))
    );
    assert_eq!(roles(&group), [("组长".to_owned(), 1), ("副组长".to_owned(), 1), ("成员".to_owned(), 2)]);
    let volunteers = team("新时代文明实践X矿矿区管理中心志愿服务分队");
    assert_eq!(roles(&volunteers), [("队长".to_owned(), 1), ("志愿者".to_owned(), 10)]);
    assert_eq!(f["teams"].as_array().unwrap().len(), 2, "only the centre's own subtree");

    // The district counts its three leading groups, five members in the study group.
    let district = json_of(&app, &token, "/api/v1/summary/facts?period=2020H1").await;
    let names: Vec<&str> =
        district["figures"]["teams"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let study =
        district["figures"]["teams"].as_array().unwrap().iter().find(|t| t["purpose"] == "theory_study").unwrap();
    assert_eq!(study["total"]["n"], 5);

    // A member removed from the group no longer counts.
    let members = json_of(&app, &token, &format!("/api/v1/orgs/{}/memberships", group["id"])).await;
    let member = members.as_array().unwrap().iter().find(|m| m["role"] == "成员").unwrap()["id"].clone();
    let r = app.send(&token, "DELETE", &format!("/api/v1/memberships/{member}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let after = json_of(&app, &token, &format!("/api/v1/summary/facts?org_id={}&period=2020H1", centre.id)).await;
    let group = after["figures"]["teams"].as_array().unwrap().iter().find(|t| t["id"] == group["id"]).unwrap().clone();
    assert_eq!(group["total"]["n"], 3);

    let summary = json_of(&app, &token, &format!("/api/v1/summary?org_id={}&period=2020H1", centre.id)).await;
    let text = summary["text"].as_str().unwrap();
    for fact in [
        "开展“",
        "走访1060户、",
        "户、人覆盖率分别达到100%和100%",
        "排查重点人员12人，其中湖北返乡人员6人、居家隔离观察人员6人",
        "疫情防控工作领导小组现有成员3人，其中组长1人、副组长1人、成员1人",
        "志愿服务分队现有成员11人，其中队长1人、志愿者10人",
    ] {
        assert!(text.contains(fact), "“{fact}” in:\n{text}");
    }
    let html = summary["html"].as_str().unwrap();
    assert!(html.contains(">12人</a>") && html.contains(">1060户</a>"), "the figures link to their records");
}
