//! The responsibility system, matters, projects, and problems and plans,
//! through the API.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

fn link<'a>(chain: &'a Value, org: &str) -> &'a Value {
    chain.as_array().unwrap().iter().find(|l| l["org_name"] == org).unwrap_or_else(|| panic!("{org} in the chain"))
}

#[tokio::test]
async fn the_demo_carries_the_seeds_responsibility_project_and_plans() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let chain = json_of(app.get(&token, "/api/v1/responsibility?year=2020").await).await;
    let district = link(&chain, "X矿矿区党委");
    assert_eq!(district["first_responsible"]["person_name"], "韦建国");
    assert_eq!(district["first_responsible"]["post"], "党委书记");
    assert!(district["others"].as_array().unwrap().iter().any(|d| !d["area_ids"].as_array().unwrap().is_empty()));
    for branch in ["矿区机关党支部", "第一社区党支部", "第二社区党支部", "离退休职工党支部"]
    {
        let l = link(&chain, branch);
        assert_eq!(l["first_responsible"]["post"], "支部书记", "{branch}");
        assert_eq!(l["pledges"].as_array().unwrap().len(), 1, "{branch} signed for 2020");
        assert_eq!(l["gaps"], json!([]), "{branch}");
    }
    // The next year has no pledges yet: every party organisation shows the gap.
    let next = json_of(app.get(&token, "/api/v1/responsibility?year=2021").await).await;
    assert_eq!(link(&next, "第一社区党支部")["gaps"], json!(["2021年度未签订责任状"]));
    assert_eq!(link(&next, "第一社区")["gaps"], json!([]), "communities answer through their branch");

    let projects = json_of(app.get(&token, "/api/v1/projects?on=2020-06-30").await).await;
    let p = &projects[0];
    assert!(p["name"].as_str().unwrap().contains("三供一业"));
    assert_eq!(p["percent"], 70);
    let names: Vec<&str> = p["milestones"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    for work in ["支路给水管网", "供电管网管线下地", "箱式变压器安装", "主干道回填及水稳层", "支线道路硬化"]
    {
        assert!(names.iter().any(|n| n.contains(work)), "{work} in {names:?}");
    }
    let earlier = json_of(app.get(&token, &format!("/api/v1/projects/{}?on=2020-04-30", p["id"])).await).await;
    assert_eq!(earlier["percent"], 40);

    let review = json_of(app.get(&token, "/api/v1/reviews?period=2020H1").await).await;
    let texts = |section: &str| -> Vec<String> {
        review["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["section"] == section)
            .map(|i| i["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(texts("problem").len(), 2);
    assert!(texts("problem")[0].starts_with("理论学习不够深入"));
    assert!(texts("problem")[1].contains("网络意识形态"));
    assert_eq!(texts("plan").len(), 3);
    assert!(texts("plan")[1].contains("全年集中学习不少于10次"));
    let suggestions: Vec<&str> =
        review["suggestions"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(
        suggestions.iter().any(|s| s.contains("全年目标10次，上半年已开展4次，下半年需开展6次")),
        "{suggestions:?}"
    );

    let cases = json_of(app.get(&token, "/api/v1/cases?from=2020-01-01&to=2020-06-30").await).await;
    assert_eq!(cases["counts"]["received"], 3);
    assert_eq!(cases["counts"]["closed"], 3);
    assert!(cases["items"].as_array().unwrap().iter().all(|c| !c["steps"].as_array().unwrap().is_empty()));
}

#[tokio::test]
async fn duties_and_pledges_belong_to_the_org() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let district = app.org("X矿矿区党委").await;
    let branch = json_of(
        app.send(
            &token,
            "POST",
            "/api/v1/orgs",
            json!({ "parent_id": district.id, "kind": "party_branch", "name": "新建党支部" }),
        )
        .await,
    )
    .await;
    let chain = json_of(app.get(&token, "/api/v1/responsibility?year=2020").await).await;
    assert_eq!(link(&chain, "新建党支部")["gaps"], json!(["未明确第一责任人", "2020年度未签订责任状"]));

    // A resident of a grid is not a person of the new branch.
    let outsider = app_person(&app, &token, "韦建国").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/duties",
            json!({ "org_id": branch["id"], "person_id": outsider, "post": "支部书记", "first_responsible": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&json_of(r).await);
    assert_eq!(errors[0].0, "person_id");
    assert!(errors[0].1.contains("不是“新建党支部”的人员"), "{}", errors[0].1);
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/pledges",
            json!({ "org_id": branch["id"], "year": 2020, "signer_id": outsider, "counterpart": "矿区党委",
                    "signed_on": "2020-03-01" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "signer_id");

    // A second first-responsible person of the district is a conflict.
    let deputy = app_person(&app, &token, "蓝秀英").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/duties",
            json!({ "org_id": district.id, "person_id": deputy, "post": "副书记", "first_responsible": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "person_id", "蓝秀英 already has a post there");
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/duties",
            json!({ "org_id": district.id, "person_id": app_person(&app, &token, "黄海涛").await, "post": "委员",
                    "first_responsible": true }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "first_responsible");

    // Signed with a date outside the year, and no duties recorded for a recorder.
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/pledges",
            json!({ "org_id": district.id, "year": 2020, "signer_id": deputy, "counterpart": "县委",
                    "signed_on": "2018-12-01" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "signed_on");
    let recorder = app.token("shequ1").await;
    let r = app
        .send(&recorder, "POST", "/api/v1/duties", json!({ "org_id": app.org("第一社区").await.id, "post": "x" }))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn app_person(app: &TestApp, token: &str, name: &str) -> Value {
    json_of(app.get(token, &format!("/api/v1/people?q={name}")).await).await["items"][0]["id"].clone()
}

#[tokio::test]
async fn progress_goes_forward_and_reads_on_any_day() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let centre = app.org("X矿矿区管委中心").await;
    let p = json_of(
        app.send(
            &token,
            "POST",
            "/api/v1/projects",
            json!({ "org_id": centre.id, "name": "老旧小区改造", "started_on": "2021-03-01",
                    "milestones": [{ "name": "屋面防水" }, { "name": "外墙保温", "done_on": "" }, { "name": "" }] }),
        )
        .await,
    )
    .await;
    assert_eq!(p["milestones"].as_array().unwrap().len(), 2, "an empty row is no milestone");
    let path = format!("/api/v1/projects/{}/progress", p["id"]);
    let add = |date: &str, percent: &str, reason: &str| {
        app.send(&token, "POST", &path, json!({ "date": date, "percent": percent, "note": "", "reason": reason }))
    };
    assert_eq!(add("2021-04-01", "30", "").await.status(), StatusCode::CREATED);
    assert_eq!(add("2021-06-01", "60%", "").await.status(), StatusCode::CREATED);
    let r = add("2021-07-01", "120", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0], ("percent".to_owned(), "完成进度不能超过100%".to_owned()));
    let r = add("2021-07-01", "50", "").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "reason");
    let r = add("2021-02-01", "10", "").await;
    assert_eq!(field_errors(&json_of(r).await)[0].0, "date", "before the start");
    let r = add("2021-05-01", "70", "").await;
    assert_eq!(field_errors(&json_of(r).await)[0].0, "reason", "a late entry above the next figure");
    assert_eq!(add("2021-07-01", "50", "复核工程量后调整").await.status(), StatusCode::CREATED);
    let on = |day: &str| {
        let url = format!("/api/v1/projects/{}?on={day}", p["id"]);
        let app = &app;
        let token = &token;
        async move { json_of(app.get(token, &url).await).await["percent"].clone() }
    };
    assert_eq!(on("2021-03-31").await, 0);
    assert_eq!(on("2021-05-15").await, 30);
    assert_eq!(on("2021-06-30").await, 60);
    assert_eq!(on("2021-08-01").await, 50);
    // Milestones are replaced as a list and keep their ids.
    let kept = &p["milestones"][0];
    let updated = json_of(
        app.send(
            &token,
            "PUT",
            &format!("/api/v1/projects/{}", p["id"]),
            json!({ "org_id": centre.id, "name": "老旧小区改造", "started_on": "2021-03-01",
                    "milestones": [{ "id": kept["id"], "name": "屋面防水", "done_on": "2021-05-20" }] }),
        )
        .await,
    )
    .await;
    assert_eq!(updated["milestones"], json!([{ "id": kept["id"], "name": "屋面防水", "done_on": "2021-05-20" }]));
    assert_eq!(updated["updates"].as_array().unwrap().len(), 3, "updates are kept");
}

#[tokio::test]
async fn matters_are_checked_counted_and_exported() {
    let app = spawn_app().await;
    let token = app.token("shequ1").await;
    let community = app.org("第一社区").await;
    let body = |closed_on: &str, outcome: &str| {
        json!({ "org_id": community.id, "kind": "petition", "received_on": "2021-03-10", "parties": "居民甲",
                "matter": "反映小区路灯不亮", "handler": "陆春燕", "deadline": "2021-03-20",
                "outcome": outcome, "closed_on": closed_on })
    };
    let r = app.send(&token, "POST", "/api/v1/cases", body("2021-03-01", "resolved")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0], ("closed_on".to_owned(), "办结日期不能早于受理日期".to_owned()));
    let r = app.send(&token, "POST", "/api/v1/cases", body("2021-03-15", "")).await;
    assert_eq!(field_errors(&json_of(r).await)[0].0, "outcome");
    let r = app.send(&token, "POST", "/api/v1/cases", json!({ "org_id": community.id, "kind": "x" })).await;
    let fields: Vec<String> = field_errors(&json_of(r).await).into_iter().map(|e| e.0).collect();
    assert_eq!(fields, ["kind", "received_on", "matter"]);

    let case = json_of(app.send(&token, "POST", "/api/v1/cases", body("", "")).await).await;
    assert_eq!(case["status"], "overdue", "the deadline has passed");
    let r = app
        .send(
            &token,
            "POST",
            &format!("/api/v1/cases/{}/steps", case["id"]),
            json!({ "date": "2021-03-01", "text": "x" }),
        )
        .await;
    assert_eq!(field_errors(&json_of(r).await)[0].0, "date");
    let with_step = json_of(
        app.send(
            &token,
            "POST",
            &format!("/api/v1/cases/{}/steps", case["id"]),
            json!({ "date": "2021-03-12", "text": "联系供电所检修", "by": "陆春燕" }),
        )
        .await,
    )
    .await;
    assert_eq!(with_step["steps"][0]["text"], "联系供电所检修");
    let q = "/api/v1/cases?from=2021-01-01&to=2021-03-31";
    assert_eq!(json_of(app.get(&token, q).await).await["counts"]["overdue"], 1);
    let closed = json_of(
        app.send(&token, "PUT", &format!("/api/v1/cases/{}", case["id"]), body("2021-03-25", "resolved")).await,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["steps"].as_array().unwrap().len(), 1, "an edit keeps the history");
    let counts = json_of(app.get(&token, q).await).await["counts"].clone();
    assert_eq!((counts["received"].as_u64(), counts["closed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(json_of(app.get(&token, &format!("{q}&status=overdue")).await).await["items"], json!([]));
    let r = app.get(&token, "/api/v1/cases?kind=nonsense").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    for path in [
        "/api/v1/cases/export.xlsx?kind=petition",
        "/api/v1/projects/export.xlsx",
        "/api/v1/responsibility/export.xlsx?year=2020",
        "/api/v1/reviews/export.xlsx?period=2020H1",
    ] {
        let admin = app.token("kuangqu").await;
        let r = app.get(&admin, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{path} is a workbook");
    }
}

#[tokio::test]
async fn suggestions_are_accepted_once_or_dropped() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let review = json_of(app.get(&token, "/api/v1/reviews?period=2020H1").await).await;
    let suggestions = review["suggestions"].as_array().unwrap().clone();
    assert!(suggestions.len() >= 2, "{suggestions:?}");
    let first = &suggestions[0];
    let accept = json!({ "period": "2020H1", "key": first["key"], "text": "改写后的内容" });
    let r = app.send(&token, "POST", "/api/v1/reviews/accept", accept.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json_of(r).await["text"], "改写后的内容");
    let r = app.send(&token, "POST", "/api/v1/reviews/accept", accept).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(field_errors(&json_of(r).await)[0], ("key".to_owned(), "该建议已采纳，请勿重复采纳".to_owned()));
    let second = &suggestions[1];
    let r =
        app.send(&token, "POST", "/api/v1/reviews/dismiss", json!({ "period": "2020H1", "key": second["key"] })).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let after = json_of(app.get(&token, "/api/v1/reviews?period=2020H1").await).await;
    let keys: Vec<&Value> = after["suggestions"].as_array().unwrap().iter().map(|s| &s["key"]).collect();
    assert!(!keys.contains(&&first["key"]) && !keys.contains(&&second["key"]));
    assert_eq!(after["items"].as_array().unwrap().len(), 6);
    let r = app.get(&token, "/api/v1/reviews?period=2020H3").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "period");
}

#[tokio::test]
async fn another_subtree_sees_none_of_it() {
    let app = spawn_app().await;
    let (other, _) = second_district(&app).await;
    let token = app.token("kuangqu").await;
    let cases = json_of(app.get(&token, "/api/v1/cases").await).await;
    let case_id = &cases["items"][0]["id"];
    let project_id = &json_of(app.get(&token, "/api/v1/projects").await).await[0]["id"];
    let chain = json_of(app.get(&token, "/api/v1/responsibility?year=2020").await).await;
    let duty_id = &link(&chain, "X矿矿区党委")["first_responsible"]["id"];
    let review_id = &json_of(app.get(&token, "/api/v1/reviews?period=2020H1").await).await["items"][0]["id"];
    for path in [format!("/api/v1/cases/{case_id}"), format!("/api/v1/projects/{project_id}")] {
        assert_eq!(app.get(&other, &path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for (method, path) in [
        ("DELETE", format!("/api/v1/duties/{duty_id}")),
        ("DELETE", format!("/api/v1/reviews/items/{review_id}")),
        ("POST", format!("/api/v1/cases/{case_id}/steps")),
        ("POST", format!("/api/v1/projects/{project_id}/progress")),
    ] {
        assert_eq!(app.send(&other, method, &path, json!({})).await.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    assert_eq!(json_of(app.get(&other, "/api/v1/cases").await).await["items"], json!([]));
    assert_eq!(json_of(app.get(&other, "/api/v1/projects").await).await, json!([]));
    let x = app.org("X矿矿区党委").await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/reviews?period=2020H1&org_id={}", x.id)).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_pages_record_and_show_errors_beside_their_fields() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let community = app.org("第一社区").await.id.to_string();

    // A matter closed before it was received: the page shows the error beside the field.
    let r = b
        .post(
            "/cases",
            &[
                ("org_id", &community),
                ("kind", "dispute"),
                ("received_on", "2021-05-10"),
                ("matter", "邻里噪音"),
                ("outcome", "mediated"),
                ("closed_on", "2021-05-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-closed_on\">办结日期不能早于受理日期"), "{html}");
    assert!(html.contains("value=\"邻里噪音\"") || html.contains(">邻里噪音<"), "what was typed is kept");
    let r = b
        .post(
            "/cases",
            &[("org_id", &community), ("kind", "dispute"), ("received_on", "2021-05-10"), ("matter", "邻里噪音")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = b.get("/cases?kind=dispute").await;
    assert!(list.contains("邻里噪音"));

    // A progress photo that is not an image.
    let projects = json_of(app.get(&app.token("kuangqu").await, "/api/v1/projects").await).await;
    let id = projects[0]["id"].clone();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .text("date", "2020-07-10")
        .text("percent", "72")
        .part("photo", reqwest::multipart::Part::bytes(b"%PDF-1.4 ...".to_vec()).file_name("进度.pdf"));
    let r = b.client.post(format!("{}/projects/{id}/progress", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("“进度.pdf”不是照片"));
    let (status, html) = b.get(&format!("/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<polyline points="), "the progress chart");
    assert!(html.contains("当前进度 <strong>70%</strong>"));
    let (_, html) = b.get(&format!("/projects/{id}?on=2020-04-30")).await;
    assert!(html.contains("截至2020-04-30，完成工程总量的40%"));

    // A pledge with a scan, then the scan opens.
    let branch = app.org("第一社区党支部").await.id.to_string();
    let signer = app_person(&app, &app.token("kuangqu").await, "陆春燕").await.to_string();
    let png = crate::evidence::png();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .text("org_id", branch)
        .text("year", "2021")
        .text("signer_id", signer)
        .text("counterpart", "矿区党委书记韦建国")
        .text("signed_on", "2021-01-12")
        .part("scan", reqwest::multipart::Part::bytes(png.clone()).file_name("责任状.png"));
    let r = b.client.post(format!("{}/pledges", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get("/responsibility?year=2021").await;
    let at = html.find("/scan\">扫描件").expect("a scan link");
    let start = html[..at].rfind("/pledges/").unwrap();
    let (status, _) = b.get(&html[start..at + 5]).await;
    assert_eq!(status, StatusCode::OK);

    // Accepting a suggestion through the page, twice.
    let (_, html) = b.get("/reviews?period=2020H1").await;
    let key_at = html.find("name=\"key\" value=\"").expect("a suggestion") + "name=\"key\" value=\"".len();
    let key = &html[key_at..key_at + html[key_at..].find('"').unwrap()];
    let fields = [("period", "2020H1"), ("org_id", ""), ("key", key), ("text", "")];
    assert_eq!(b.post("/reviews/accept", &fields).await.status(), StatusCode::SEE_OTHER);
    let r = b.post("/reviews/accept", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("该建议已采纳，请勿重复采纳"));
}

#[tokio::test]
async fn scans_and_photos_go_through_the_api_checked_by_content() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let chain = json_of(app.get(&token, "/api/v1/responsibility?year=2020").await).await;
    let pledge = &link(&chain, "X矿矿区党委")["pledges"][0];
    assert_eq!(pledge["has_scan"], false);
    let put = |path: String, name: &str, bytes: Vec<u8>| {
        app.http.put(app.url(&format!("{path}?name={name}"))).bearer_auth(&token).body(bytes).send()
    };
    let scan = format!("/api/v1/pledges/{}/scan", pledge["id"]);
    let r = put(scan.clone(), "scan.pdf", b"<script>".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&json_of(r).await)[0].0, "file");
    let r = put(scan.clone(), "scan.pdf", b"%PDF-1.4 signed".to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["content_type"], "application/pdf");
    let r = app.get(&token, &scan).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 signed");
    let chain = json_of(app.get(&token, "/api/v1/responsibility?year=2020").await).await;
    assert_eq!(link(&chain, "X矿矿区党委")["pledges"][0]["has_scan"], true);

    let project = &json_of(app.get(&token, "/api/v1/projects").await).await[0];
    let update = &project["updates"][0];
    let photo = format!("/api/v1/projects/{}/progress/{}/photo", project["id"], update["id"]);
    assert_eq!(app.get(&token, &photo).await.status(), StatusCode::NOT_FOUND, "no photo yet");
    let r = put(photo.clone(), "a.pdf", b"%PDF-1.4".to_vec()).await.unwrap();
    assert_eq!(field_errors(&json_of(r).await)[0].1, "“a.pdf”不是照片");
    assert_eq!(put(photo.clone(), "现场.png", crate::evidence::png()).await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.get(&token, &photo).await.bytes().await.unwrap().to_vec(), crate::evidence::png());
    let (other, _) = second_district(&app).await;
    assert_eq!(app.get(&other, &photo).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&other, &scan).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_person_named_in_the_records_is_not_deleted() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let secretary = app_person(&app, &token, "韦建国").await;
    let r = app.send(&token, "DELETE", &format!("/api/v1/people/{secretary}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let message = &field_errors(&json_of(r).await)[0].1;
    assert!(message.contains("职责分工") && message.contains("责任状") && message.contains("不能删除"), "{message}");
    assert_eq!(app.get(&token, &format!("/api/v1/people/{secretary}")).await.status(), StatusCode::OK, "still there");
}
