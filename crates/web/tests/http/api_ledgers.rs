use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn count(d: &Value, list: &str, key: &str) -> u64 {
    d[list].as_array().unwrap().iter().find(|c| c["key"] == key).map_or(0, |c| c["count"].as_u64().unwrap())
}

fn target<'a>(d: &'a Value, kind: &str) -> &'a Value {
    d["targets"].as_array().unwrap().iter().find(|t| t["kind"] == kind).unwrap_or_else(|| panic!("target {kind}"))
}

#[tokio::test]
async fn the_demo_dashboard_states_the_seed_figures_for_2020_h1() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020H1").await.json().await.unwrap();
    assert_eq!(d["org_name"], "X矿矿区党委");
    assert_eq!(d["period_label"], "2020年上半年");
    assert_eq!(count(&d, "by_kind", "central_group_study"), 4);
    assert_eq!(count(&d, "by_kind", "volunteer_activity"), 7);
    assert_eq!(d["unreported"], 0, "every volunteer activity was reported");
    assert!(count(&d, "by_kind", "publicity") >= 10);
    assert!(count(&d, "by_kind", "sanitation") >= 3);

    let central = target(&d, "central_group_study");
    assert_eq!(central["min_count"], 10);
    assert_eq!(central["done"], 4);
    assert_eq!(central["still_needed"], 6);
    assert!(central["sentence"].as_str().unwrap().contains("全年目标10次"), "{}", central["sentence"]);

    // Friday study: every week of H1 but the epidemic weeks.
    let friday = target(&d, "study_day");
    assert_eq!(friday["attained_so_far"], true, "missed {}", friday["missed"]);
    let buckets = friday["buckets"].as_array().unwrap();
    let exempt = buckets.iter().filter(|b| b["state"] == "exempt").count();
    let met_h1 = buckets.iter().filter(|b| b["state"] == "met" && b["end"].as_str().unwrap() <= "2020-06-30").count();
    assert_eq!(exempt, 9);
    assert_eq!(count(&d, "by_kind", "study_day") as usize, met_h1);

    let volunteer = target(&d, "volunteer_activity");
    assert_eq!(volunteer["attained_so_far"], true);
    let months: Vec<&str> = d["by_month"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "volunteer_activity")
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, vec!["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]);

    // The campaigns and channels of the seed are on record.
    let anti_crime: Value =
        app.get(&token, "/api/v1/activities?campaign_id=2&period=2020H1").await.json().await.unwrap();
    let id = anti_crime["items"][0]["id"].as_i64().unwrap();
    let a: Value = app.get(&token, &format!("/api/v1/activities/{id}")).await.json().await.unwrap();
    let channels: Vec<&str> = a["channel_labels"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for c in ["标语", "横幅", "展板", "微信群"] {
        assert!(channels.contains(&c), "{c} in {channels:?}");
    }
    let model: Value = app.get(&token, "/api/v1/activities?q=黄文秀").await.json().await.unwrap();
    let id = model["items"][0]["id"].as_i64().unwrap();
    let a: Value = app.get(&token, &format!("/api/v1/activities/{id}")).await.json().await.unwrap();
    assert_eq!(a["role_models"], json!(["黄文秀"]));

    // A county-level account sees the same figures aggregated from below,
    // with those of the demo's other offices under the county.
    let admin = app.token("admin").await;
    let county = app.org("X自治县").await;
    let c: Value =
        app.get(&admin, &format!("/api/v1/dashboard?period=2020H1&org_id={}", county.id)).await.json().await.unwrap();
    let offices = taizhang_demo::offices::OFFICES.iter().flat_map(|o| o.records).filter(|r| r.date < "2020-07");
    assert_eq!(c["total"].as_u64().unwrap(), d["total"].as_u64().unwrap() + offices.count() as u64);
    assert_eq!(count(&c, "by_kind", "central_group_study"), 4);
}

#[tokio::test]
async fn bad_activity_input_names_fields_and_rows_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let team = app.org("新时代文明实践X矿矿区管理中心志愿服务分队").await;
    let before: Value = app.get(&token, "/api/v1/activities").await.json().await.unwrap();
    let outsider: Value = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": app.org("第二社区第一网格").await.id, "name": "外人" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/activities",
            json!({
                "org_id": team.id, "kind": "party", "title": "", "date": "2999-01-01", "start_time": "25:00",
                "participants": [
                    { "person_id": outsider["id"] },
                    { "person_id": outsider["id"], "attendance": "leave" },
                    { "attendance": "present", "hours": 30 }
                ],
                "channels": ["电子屏", "飞鸽传书"], "campaign_id": 9999,
                "reported_on": "2020-01-01"
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    for f in [
        "kind",
        "title",
        "date",
        "start_time",
        "participants[0].person_id",
        "participants[1].leave_reason",
        "participants[1].person_id",
        "participants[2].hours",
        "participants[2].person_id",
        "campaign_id",
        "channels",
        "reported_by",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let outsider_error = &errors.iter().find(|(f, _)| f == "participants[0].person_id").unwrap().1;
    assert!(outsider_error.contains("第1名参加人员不是"), "{outsider_error}");
    let after: Value = app.get(&token, "/api/v1/activities").await.json().await.unwrap();
    assert_eq!(before["total"], after["total"]);
}

#[tokio::test]
async fn volunteer_activities_are_tracked_until_reported() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let team = app.org("新时代文明实践X矿矿区管理中心志愿服务分队").await;
    let members: Vec<Value> =
        app.get(&token, &format!("/api/v1/orgs/{}/memberships", team.id)).await.json().await.unwrap();
    let volunteers: Vec<Value> =
        members.iter().take(3).map(|m| json!({ "person_id": m["person_id"], "hours": 2.5 })).collect();
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": team.id, "kind": "volunteer_activity", "work_area_id": 12, "title": "七一慰问老党员",
                    "date": "2020-07-01", "participants": volunteers, "others_count": 2 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["service_hours"], 7.5);
    assert_eq!(a["present"], 5);

    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020").await.json().await.unwrap();
    assert_eq!(d["unreported"], 1);
    let list: Value = app.get(&token, "/api/v1/activities?unreported=true").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "七一慰问老党员");

    let path = format!("/api/v1/activities/{}/report", a["id"]);
    let r = app.send(&token, "POST", &path, json!({ "reported_on": "2020-06-30", "reported_by": "莫丽华" })).await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "reported_on");
    let r = app.send(&token, "POST", &path, json!({ "reported_on": "2020-07-02", "reported_by": "莫丽华" })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020").await.json().await.unwrap();
    assert_eq!(d["unreported"], 0);
}

#[tokio::test]
async fn a_missed_week_shows_in_the_weekly_target_and_counts_follow_edits() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let list: Value =
        app.get(&token, "/api/v1/activities?kind=study_day&from=2020-04-06&to=2020-04-12").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_i64().unwrap();

    // Re-filed as a meeting: the study-day count drops, the meeting count rises.
    let mut a: Value = app.get(&token, &format!("/api/v1/activities/{id}")).await.json().await.unwrap();
    a["kind"] = json!("meeting");
    a["reported_on"] = json!("");
    let r = app.send(&token, "PUT", &format!("/api/v1/activities/{id}"), a).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020-04").await.json().await.unwrap();
    assert_eq!(count(&d, "by_kind", "meeting"), 1);
    let friday = target(&d, "study_day");
    assert_eq!(friday["missed"], json!(["第15周（4月6日—4月12日）"]));
    assert_eq!(friday["attained_so_far"], false);

    let r = app.send(&token, "DELETE", &format!("/api/v1/activities/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020-04").await.json().await.unwrap();
    assert_eq!(count(&d, "by_kind", "meeting"), 0);
}

#[tokio::test]
async fn targets_are_checked_and_scoped() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let district = app.org("X矿矿区党委").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/targets",
            json!({ "org_id": district.id, "year": 2020, "kind": "meeting", "frequency": "fortnight", "min_count": 0,
                    "exemptions": [{ "start": "2020-03-01", "end": "2020-02-01" }] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["frequency", "min_count", "exemptions[0].end"]);

    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/targets",
            json!({ "org_id": district.id, "year": 2020, "kind": "publicity", "frequency": "quarter", "min_count": 2, "include_subtree": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let targets: Vec<Value> = app.get(&token, "/api/v1/targets?year=2020").await.json().await.unwrap();
    let publicity = targets.iter().find(|t| t["id"] == id).unwrap();
    // Judged at the year's end: the demo's publicity (of the whole subtree) fills Q1 and Q2 only.
    let states: Vec<&str> =
        publicity["buckets"].as_array().unwrap().iter().map(|b| b["state"].as_str().unwrap()).collect();
    assert_eq!(states, vec!["met", "met", "missed", "missed"], "{}", publicity["sentence"]);
    assert_eq!(publicity["missed"], json!(["第三季度", "第四季度"]));

    // A grid recorder: no target admin, no district records, no writes outside the grid's community.
    let shequ = app.token("shequ1").await;
    let r = app.send(&shequ, "DELETE", &format!("/api/v1/targets/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list: Value = app.get(&shequ, "/api/v1/activities?period=2020").await.json().await.unwrap();
    assert_eq!(list["total"], 0);
    let any: Value = app.get(&token, "/api/v1/activities").await.json().await.unwrap();
    let district_activity = any["items"][0]["id"].as_i64().unwrap();
    let r = app.get(&shequ, &format!("/api/v1/activities/{district_activity}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .send(
            &shequ,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": district.id, "kind": "meeting", "title": "越权", "date": "2020-05-01" }),
        )
        .await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "org_id");
    let own = app.org("第一社区").await;
    let r = app
        .send(
            &shequ,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": own.id, "kind": "visit", "title": "入户走访", "date": "2020-05-01" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.send(&token, "DELETE", &format!("/api/v1/targets/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_study_plan_sits_beside_the_sessions_held() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let district = app.org("X矿矿区党委").await;
    let months: Vec<Value> =
        app.get(&token, &format!("/api/v1/study-plans?org_id={}&year=2020", district.id)).await.json().await.unwrap();
    assert_eq!(months.len(), 12);
    assert!(months.iter().all(|m| m["items"].as_array().unwrap().len() == 1), "a plan for every month");
    let held: Vec<u64> = months
        .iter()
        .filter(|m| !m["sessions"].as_array().unwrap().is_empty())
        .map(|m| m["month"].as_u64().unwrap())
        .collect();
    assert_eq!(held, vec![1, 4, 5, 6]);
    let january = &months[0];
    assert_eq!(january["items"][0]["activity_id"], january["sessions"][0]["id"]);
    assert!(january["items"][0]["topic"].as_str().unwrap().contains("基本精神、基本内容、基本要求"));

    // A session of another month cannot carry out February's item.
    let february_item = months[1]["items"][0]["id"].as_i64().unwrap();
    let r = app
        .send(
            &token,
            "PUT",
            &format!("/api/v1/study-plans/items/{february_item}/session"),
            json!({ "activity_id": january["sessions"][0]["id"] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&r.json().await.unwrap())[0].1.contains("2020年2月"));
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/study-plans/items",
            json!({ "org_id": district.id, "year": 2020, "month": 13, "topic": "" }),
        )
        .await;
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["month", "topic"]);
}

#[tokio::test]
async fn rectifications_run_from_order_to_reinspection() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020H1").await.json().await.unwrap();
    assert_eq!(d["overdue_rectifications"], 1, "the awning left in place after its deadline");
    let list: Vec<Value> = app.get(&token, "/api/v1/rectifications").await.json().await.unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|r| r["status"] == "closed").count(), 2);

    let centre = app.org("X矿矿区管委中心").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/rectifications",
            json!({ "org_id": centre.id, "subject": "", "problem": "乱张贴", "found_on": "2020-07-10", "deadline": "2020-07-01" }),
        )
        .await;
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["subject", "deadline"]);
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/rectifications",
            json!({ "org_id": centre.id, "subject": "矿区主干道某商铺", "problem": "乱张贴广告", "found_on": "2020-07-10", "deadline": "2020-07-20" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/rectifications/{id}/progress");
    let r = app.send(&token, "POST", &path, json!({ "reinspected_on": "2020-07-21" })).await;
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["passed", "reinspected_by"]);
    let r = app
        .send(&token, "POST", &path, json!({ "rectified_on": "2020-07-15", "reinspected_on": "2020-07-18", "reinspected_by": "黄海涛", "passed": true }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let closed: Vec<Value> = app.get(&token, "/api/v1/rectifications?status=closed").await.json().await.unwrap();
    assert!(closed.iter().any(|r| r["id"] == id));
}

#[tokio::test]
async fn org_admins_add_their_own_work_areas() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.send(&token, "POST", "/api/v1/work-areas", json!({ "parent_id": 5, "name": "网络意识形态" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let area: Value = r.json().await.unwrap();
    assert_eq!(
        app.send(&token, "POST", "/api/v1/work-areas", json!({ "parent_id": 5, "name": "网络意识形态" }))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let r = app
        .send(&token, "PATCH", &format!("/api/v1/work-areas/{}", area["id"]), json!({ "name": "网络意识形态工作" }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // The shared defaults belong to the system administrators.
    assert_eq!(
        app.send(&token, "PATCH", "/api/v1/work-areas/5", json!({ "name": "宣传" })).await.status(),
        StatusCode::FORBIDDEN
    );
    // Another district does not see this org's area.
    let (other, y) = second_district(&app).await;
    let areas: Vec<Value> = app.get(&other, "/api/v1/work-areas").await.json().await.unwrap();
    assert!(!areas.iter().any(|a| a["id"] == area["id"]));
    let r = app
        .send(&other, "POST", "/api/v1/activities", json!({ "org_id": y["id"], "kind": "meeting", "title": "会议", "date": "2020-05-01", "work_area_id": area["id"] }))
        .await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "work_area_id");
}

#[tokio::test]
async fn volunteer_hours_add_up_per_person() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let rows: Vec<Value> = app.get(&token, "/api/v1/volunteer-hours?period=2020H1").await.json().await.unwrap();
    assert!(rows.len() >= 10);
    let leader = rows.iter().find(|r| r["name"] == "张伟").unwrap();
    assert_eq!(leader["activities"], 7);
    assert_eq!(leader["hours"], 21.0);
    let r = app.get(&token, "/api/v1/volunteer-hours?period=2020H3").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_volunteer_team_plans_every_month() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let team = app.org("新时代文明实践X矿矿区管理中心志愿服务分队").await;
    let months: Vec<Value> =
        app.get(&token, &format!("/api/v1/study-plans?org_id={}&year=2020", team.id)).await.json().await.unwrap();
    let done: Vec<bool> = months[..6].iter().map(|m| m["items"][0]["activity_id"].is_i64()).collect();
    assert_eq!(done, vec![true; 6], "January to June each carried out by an activity");
    assert_eq!(months[5]["sessions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn administrators_add_kinds_that_records_and_targets_use() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    assert_eq!(
        app.send(&token, "POST", "/api/v1/kinds", json!({ "name": "党员冬训" })).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.send(&token, "POST", "/api/v1/kinds", json!({ "name": "党员冬训" })).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.send(&token, "POST", "/api/v1/kinds", json!({ "name": "宣传" })).await.status(),
        StatusCode::CONFLICT
    );
    let recorder = app.token("shequ1").await;
    assert_eq!(
        app.send(&recorder, "POST", "/api/v1/kinds", json!({ "name": "入户" })).await.status(),
        StatusCode::FORBIDDEN
    );
    let kinds: Vec<Value> = app.get(&recorder, "/api/v1/kinds").await.json().await.unwrap();
    assert!(kinds.iter().any(|k| k["code"] == "党员冬训"), "a kind of the district reaches its communities");

    let district = app.org("X矿矿区党委").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": district.id, "kind": "党员冬训", "title": "2020年党员冬训", "date": "2020-01-06" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["kind_label"], "党员冬训");
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/targets",
            json!({ "org_id": district.id, "year": 2020, "kind": "党员冬训", "frequency": "year", "min_count": 1 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020").await.json().await.unwrap();
    let winter = d["targets"].as_array().unwrap().iter().find(|t| t["kind"] == "党员冬训").unwrap();
    assert_eq!(winter["attained"], true);
    // Another district does not have it.
    let (other, y) = second_district(&app).await;
    let r = app
        .send(
            &other,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": y["id"], "kind": "党员冬训", "title": "冬训", "date": "2020-01-06" }),
        )
        .await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "kind");
}
