//! Upward reporting over HTTP, as each side uses it: a county task for the
//! district and its communities, prefilled from the records, submitted,
//! returned with a reason, corrected and re-submitted (with the diff),
//! approved bottom-up, locking the month's records, reopened (audited),
//! and the county's matrix with states and on-time rates.

use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::reporting::Cadence;

use crate::helpers::{field_errors, spawn_app};

fn months() -> (String, String, String) {
    let today = taizhang_core::auth::now().date_naive();
    let current = Cadence::Month.period_of(today);
    let previous = Cadence::Month.period_of(current.start - chrono::Duration::days(1));
    (previous.code(), current.code(), current.start.format("%Y-%m-%d").to_string())
}

fn figure<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["lines"].as_array().unwrap().iter().find(|l| l["field"]["key"] == key).expect(key)
}

#[tokio::test]
async fn a_monthly_task_goes_up_the_tree_and_locks_the_approved_month() {
    let app = spawn_app().await;
    let (previous, current, first_day) = months();
    let admin = app.token("admin").await;
    let kuangqu = app.token("kuangqu").await;
    let shequ1 = app.token("shequ1").await;
    app.add_user("shequ2", "recorder", "第二社区", false).await;
    let shequ2 = app.token("shequ2").await;
    let county = app.org(taizhang_demo::COUNTY).await;
    let district = app.org(taizhang_demo::DISTRICT).await;
    let (c1, c2) = (app.org("第一社区").await, app.org("第二社区").await);

    // Refused: a recorder sets no task; a due day before the period starts; a bad source.
    let task = json!({
        "org_id": county.id, "name": "社区工作月报", "cadence": "month", "first_period": previous, "due_days": 0,
        "org_kinds": ["community", "party_committee"],
        "fields": [
            { "label": "开展活动", "unit": "次", "source": { "from": "activities" } },
            { "label": "参与人次", "unit": "人次", "source": { "from": "activities", "measure": "people" } },
            { "label": "其他事项", "unit": "件", "source": { "from": "manual" } }
        ]
    });
    let r = app.send(&shequ1, "POST", "/api/v1/report-tasks", task.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut early = task.clone();
    early["due_days"] = json!(-40);
    let r = app.send(&admin, "POST", "/api/v1/report-tasks", early).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(field_errors(&body).iter().any(|(f, m)| f == "due_days" && m.contains("截止")), "{body}");
    let mut bad = task.clone();
    bad["fields"][0]["source"] = json!({ "from": "rumours" });
    let r = app.send(&admin, "POST", "/api/v1/report-tasks", bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = app.send(&admin, "POST", "/api/v1/report-tasks", task).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let task: Value = r.json().await.unwrap();
    let id = task["id"].as_i64().unwrap();

    // The records of the month: two in the first community, one in the second.
    for (org, others) in [(c1.id, 10), (c1.id, 5), (c2.id, 7)] {
        let r = app
            .send(
                &admin,
                "POST",
                "/api/v1/activities",
                json!({ "org_id": org, "kind": "publicity", "title": "月报测试活动", "date": first_day,
                        "others_count": others }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    let key = |org: i64| format!("/api/v1/submissions?task_id={id}&org_id={org}&period={current}");

    // Prefilled: each community finds its own figures, linked to its records.
    let view: Value = app.get(&shequ1, &key(c1.id)).await.json().await.unwrap();
    assert_eq!(view["submission"]["state"], "missing");
    assert_eq!(figure(&view, "f1")["value"]["computed"], "2");
    assert_eq!(figure(&view, "f2")["value"]["computed"], "15");
    assert!(figure(&view, "f1")["link"].as_str().unwrap().contains(&format!("org_id={}", c1.id)));
    assert_eq!(view["prefilled_percent"], 66);
    let view2: Value = app.get(&shequ2, &key(c2.id)).await.json().await.unwrap();
    assert_eq!(figure(&view2, "f1")["value"]["computed"], "1");
    // Another community's submission is not the first community's to see.
    assert_eq!(app.get(&shequ1, &key(c2.id)).await.status(), StatusCode::NOT_FOUND);

    let put = |token: &str, org: i64, figures: Value, submit: bool| {
        let body = json!({ "task_id": id, "org_id": org, "period": current, "figures": figures, "submit": submit });
        let token = token.to_owned();
        let app = &app;
        async move { app.send(&token, "PUT", "/api/v1/submissions", body).await }
    };
    // A changed figure needs a reason; a manual one a value; nothing is written.
    let r = put(&shequ1, c1.id, json!([{ "key": "f1", "value": "3" }]), true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json::<Value>().await.unwrap());
    assert!(errors.iter().any(|(f, m)| f == "figures.f1.reason" && m.contains("修改原因")), "{errors:?}");
    assert!(errors.iter().any(|(f, _)| f == "figures.f3"), "{errors:?}");
    let view: Value = app.get(&shequ1, &key(c1.id)).await.json().await.unwrap();
    assert_eq!(view["submission"]["state"], "missing");

    let r = put(&shequ1, c1.id, json!([{ "key": "f3", "value": "5" }]), true).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = put(&shequ2, c2.id, json!([{ "key": "f3", "value": "1" }]), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Sent is frozen until returned.
    let r = put(&shequ1, c1.id, json!([{ "key": "f3", "value": "9" }]), false).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The district sees both waiting for it.
    let todo: Value = app.get(&kuangqu, "/api/v1/todo").await.json().await.unwrap();
    let waiting = todo.as_array().unwrap().iter().filter(|t| t["kind"] == "approve").count();
    assert_eq!(waiting, 2, "{todo}");

    let decide = |token: &str, org: i64, decision: &str, reason: &str| {
        let body = json!({ "task_id": id, "org_id": org, "period": current, "decision": decision, "reason": reason });
        let token = token.to_owned();
        let app = &app;
        async move { app.send(&token, "POST", "/api/v1/submissions/decision", body).await }
    };
    // A return needs a reason; a community cannot decide on itself.
    let r = decide(&kuangqu, c1.id, "return", " ").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&r.json::<Value>().await.unwrap()).iter().any(|(f, _)| f == "reason"));
    assert_eq!(decide(&shequ1, c1.id, "approve", "").await.status(), StatusCode::FORBIDDEN);
    let r = decide(&kuangqu, c1.id, "return", "其他事项应为6件").await;
    assert_eq!(r.status(), StatusCode::OK);
    let todo: Value = app.get(&shequ1, "/api/v1/todo").await.json().await.unwrap();
    assert!(todo.as_array().unwrap().iter().any(|t| t["kind"] == "returned"), "{todo}");

    // Corrected and re-submitted: the diff against the first round.
    let r = put(
        &shequ1,
        c1.id,
        json!([{ "key": "f3", "value": "6" }, { "key": "f1", "value": "3", "reason": "一次活动漏记" }]),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let view: Value = app.get(&kuangqu, &key(c1.id)).await.json().await.unwrap();
    assert_eq!(view["submission"]["round"], 2);
    let changes: Vec<(String, String, String)> = view["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label"].as_str().unwrap().into(),
                c["before"].as_str().unwrap().into(),
                c["after"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(changes, vec![("开展活动".into(), "2".into(), "3".into()), ("其他事项".into(), "5".into(), "6".into())]);
    assert_eq!(figure(&view, "f1")["value"]["reason"], "一次活动漏记");
    let kinds: Vec<&str> = view["comments"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submit", "return", "submit"]);

    // The district's own report waits for both communities.
    let r = put(&kuangqu, district.id, json!([{ "key": "f3", "value": "7" }]), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = decide(&admin, district.id, "approve", "").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    assert!(field_errors(&body).iter().any(|(f, m)| f == "children" && m.contains("第一社区")), "{body}");
    assert_eq!(decide(&kuangqu, c1.id, "approve", "").await.status(), StatusCode::OK);
    assert_eq!(decide(&kuangqu, c2.id, "approve", "").await.status(), StatusCode::OK);
    // Nobody approves their own org's report.
    assert_eq!(decide(&kuangqu, district.id, "approve", "").await.status(), StatusCode::FORBIDDEN);
    let view: Value = app.get(&admin, &key(district.id)).await.json().await.unwrap();
    assert_eq!(figure(&view, "f1")["children_sum"], "4", "the approved children's snapshots, summed");
    assert_eq!(decide(&admin, district.id, "approve", "").await.status(), StatusCode::OK);

    // The county's matrix: states and on-time rates.
    let m: Value = app.get(&admin, &format!("/api/v1/report-tasks/{id}/matrix")).await.json().await.unwrap();
    let row = |org: i64| m["rows"].as_array().unwrap().iter().find(|r| r["org_id"] == org).cloned().unwrap();
    let cell = |org: i64, period: &str| {
        row(org)["cells"].as_array().unwrap().iter().find(|c| c["period"] == period).cloned().unwrap()
    };
    assert_eq!(cell(district.id, &current)["state"], "approved");
    assert_eq!(cell(c1.id, &current)["state"], "locked");
    assert_eq!(cell(c2.id, &current)["state"], "locked");
    assert_eq!(cell(c2.id, &previous)["state"], "missing");
    assert!(cell(c2.id, &previous)["days_overdue"].as_i64().unwrap() > 0);
    assert_eq!(row(c1.id)["on_time_rate"], 50);
    assert!(m["overdue"].as_array().unwrap().iter().any(|o| o[0] == c2.id && o[2] == previous.as_str()));
    let r = app.get(&admin, &format!("/api/v1/report-tasks/{id}/matrix/export")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // The approved month's records are locked; other months are not.
    let list: Value =
        app.get(&shequ1, &format!("/api/v1/activities?org_id={}&period={current}", c1.id)).await.json().await.unwrap();
    let activity = list["items"][0]["id"].as_i64().unwrap();
    let r = app
        .send(
            &shequ1,
            "PUT",
            &format!("/api/v1/activities/{activity}"),
            json!({ "org_id": c1.id, "kind": "publicity",
            "title": "改名", "date": first_day }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    assert!(field_errors(&body).iter().any(|(f, m)| f == "date" && m.contains("社区工作月报")), "{body}");
    let r = app.send(&shequ1, "DELETE", &format!("/api/v1/activities/{activity}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Reopening goes top-down, needs a reason, and is audited.
    assert_eq!(decide(&kuangqu, c1.id, "reopen", "数字有误").await.status(), StatusCode::CONFLICT);
    assert_eq!(decide(&admin, district.id, "reopen", "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(decide(&admin, district.id, "reopen", "第一社区数字需更正").await.status(), StatusCode::OK);
    assert_eq!(decide(&kuangqu, c1.id, "reopen", "数字有误").await.status(), StatusCode::OK);
    let audit: Value = app.get(&admin, "/api/v1/audit?action=reopen").await.json().await.unwrap();
    assert_eq!(audit["total"], 2, "{audit}");
    let r = app
        .send(
            &shequ1,
            "PUT",
            &format!("/api/v1/activities/{activity}"),
            json!({ "org_id": c1.id, "kind": "publicity",
            "title": "改名", "date": first_day }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // 催报: the district reminds the second community of the month it missed.
    let r = app
        .send(
            &kuangqu,
            "POST",
            "/api/v1/submissions/reminders",
            json!({ "task_id": id, "org_id": c2.id, "period": previous }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let todo: Value = app.get(&shequ2, "/api/v1/todo").await.json().await.unwrap();
    assert!(todo.as_array().unwrap().iter().any(|t| t["kind"] == "remind"), "{todo}");
    let r =
        app.get(&shequ1, &format!("/api/v1/submissions/export?task_id={id}&org_id={}&period={current}", c1.id)).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_community_reports_from_its_home_page_in_the_browser() {
    let app = spawn_app().await;
    let (_, current, first_day) = months();
    let admin = app.token("admin").await;
    let county = app.org(taizhang_demo::COUNTY).await;
    let c1 = app.org("第一社区").await;
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/report-tasks",
            json!({ "org_id": county.id, "preset": "monthly_volunteer", "first_period": current,
                    "org_kinds": ["community"] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/activities",
            json!({ "org_id": c1.id, "kind": "volunteer_activity",
            "title": "志愿服务", "date": first_day, "others_count": 3 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let browser = app.browser("shequ1").await;
    let (status, home) = browser.get("/").await;
    assert_eq!(status, StatusCode::OK);
    let link = format!("/report-tasks/{id}/submissions/{}/{current}", c1.id);
    assert!(home.contains("待办") && home.contains(&link), "the to-do list links the report");
    let (status, page) = browser.get(&link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("台账计算") && page.contains("志愿服务活动"));
    let r = browser.post(&link, &[("action", "submit"), ("value.f1", "2"), ("reason.f1", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写修改原因"));
    let r = browser.post(&link, &[("action", "submit"), ("value.f1", "2"), ("reason.f1", "另有一次未录入")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = browser.get(&link).await;
    assert!(page.contains("已报") && page.contains("另有一次未录入"));
    let (status, _) = browser.get("/report-tasks").await;
    assert_eq!(status, StatusCode::OK);
    let (status, matrix) = browser.get(&format!("/report-tasks/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(matrix.contains("已报"));

    // The district sets a task of its own on the page; a bad period is named.
    let district = app.org(taizhang_demo::DISTRICT).await;
    let office = app.browser("kuangqu").await;
    let (_, list) = office.get("/report-tasks").await;
    assert!(list.contains("布置报送任务"));
    let org = district.id.to_string();
    let form = [
        ("org_id", org.as_str()),
        ("preset", "monthly_volunteer"),
        ("name", "社区志愿服务月报"),
        ("first_period", "2020年13月"),
        ("org_kinds", "community"),
    ];
    let r = office.post("/report-tasks", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("起始期间“2020年13月”无效") && html.contains("社区志愿服务月报"), "typed values stay");
    let mut form = form;
    form[3].1 = current.as_str();
    let r = office.post("/report-tasks", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, matrix) = office.get(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(matrix.contains("社区志愿服务月报") && matrix.contains("第一社区") && matrix.contains("未填"));
    // A viewer sets nothing.
    let viewer = app.browser("chakan").await;
    let (_, list) = viewer.get("/report-tasks").await;
    assert!(!list.contains("布置报送任务"));
    let r = viewer.post("/report-tasks", &form).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_burst_of_submissions_lands_once() {
    let app = spawn_app().await;
    let (_, current, _) = months();
    let admin = app.token("admin").await;
    let shequ1 = app.token("shequ1").await;
    let county = app.org(taizhang_demo::COUNTY).await;
    let c1 = app.org("第一社区").await;
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/report-tasks",
            json!({ "org_id": county.id, "preset": "monthly_volunteer",
            "first_period": current, "org_kinds": ["community"] }),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let body = json!({ "task_id": id, "org_id": c1.id, "period": current, "figures": [], "submit": true });
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, url, token, body) =
            (app.http.clone(), app.url("/api/v1/submissions"), shequ1.clone(), body.clone());
        burst.spawn(async move { client.put(url).bearer_auth(token).json(&body).send().await.unwrap().status() });
    }
    let statuses: Vec<StatusCode> = burst.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    let view: Value = app
        .get(&shequ1, &format!("/api/v1/submissions?task_id={id}&org_id={}&period={current}", c1.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["submission"]["round"], 1);
    assert_eq!(view["snapshots"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_demo_reported_h1_upward() {
    let app = spawn_app().await;
    let kuangqu = app.token("kuangqu").await;
    let tasks: Value = app.get(&kuangqu, "/api/v1/report-tasks").await.json().await.unwrap();
    let monthly = tasks.as_array().unwrap().iter().find(|t| t["cadence"] == "month").expect("the monthly task");
    let m: Value =
        app.get(&kuangqu, &format!("/api/v1/report-tasks/{}/matrix", monthly["id"])).await.json().await.unwrap();
    let cells = m["rows"][0]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 6);
    assert!(cells.iter().all(|c| c["state"] == "approved" && c["on_time"] == true), "{cells:?}");
    let team = app.org("新时代文明实践X矿矿区管理中心志愿服务分队").await;
    let view: Value = app
        .get(&kuangqu, &format!("/api/v1/submissions?task_id={}&org_id={}&period=2020-03", monthly["id"], team.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(figure(&view, "f1")["value"]["value"], "1");
    let half = tasks.as_array().unwrap().iter().find(|t| t["cadence"] == "half").expect("the half-year task");
    let district = app.org(taizhang_demo::DISTRICT).await;
    let view: Value = app
        .get(&kuangqu, &format!("/api/v1/submissions?task_id={}&org_id={}&period=2020H1", half["id"], district.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["submission"]["state"], "submitted");
    assert!(view["submission"]["summary_id"].as_i64().is_some());
}
