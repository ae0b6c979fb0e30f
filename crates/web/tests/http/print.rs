//! Print views: a session's sign-in sheet (签到表) and minutes (会议记录),
//! an org's month ledger (台账登记表). Standalone A4 pages without the site's
//! navigation, readable by whoever may read the records, in the same scope,
//! with names but no personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::evidence::png;
use crate::helpers::*;

/// A demo person of the community by name: (id, the person as the API shows it).
async fn person(app: &TestApp, token: &str, name: &str) -> Value {
    let found: Value = app.get(token, &format!("/api/v1/people?q={name}")).await.json().await.unwrap();
    found["items"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name}")).clone()
}

/// A page is a print view: the print stylesheet and button, no navigation,
/// no inline script.
fn assert_print_view(html: &str, what: &str) {
    assert!(html.contains("/static/print.css"), "{what}: the print stylesheet");
    assert!(html.contains("data-print"), "{what}: a print button");
    for nav in ["<nav", "main-nav", "tabbar", "/static/app.css", "/logout"] {
        assert!(!html.contains(nav), "{what}: no site navigation ({nav})");
    }
    for script in html.split("<script").skip(1) {
        assert!(script.trim_start().starts_with("src="), "{what}: no inline script");
    }
}

/// A session of the community recorded by its recorder: three registered
/// participants (one on leave), two more not in the register, notes in two
/// paragraphs, no host, one photo. Returns (activity id, evidence id).
async fn community_session(app: &TestApp, recorder: &str) -> (i64, i64) {
    let community = app.org("第一社区").await;
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        for name in ["谢美玲", "周晓东", "杨丽萍"] {
            ids.push(person(app, recorder, name).await["id"].as_i64().unwrap());
        }
        ids
    };
    let r = app
        .send(
            recorder,
            "POST",
            "/api/v1/activities",
            json!({
                "org_id": community.id, "kind": "meeting", "title": "网格员工作例会",
                "summary": "传达疫情防控工作要求。\n\n逐户核对排查台账，明确分工。",
                "place": "社区会议室", "date": "2020-03-12", "start_time": "14:30",
                "participants": [
                    { "person_id": ids[0] },
                    { "person_id": ids[1], "attendance": "leave", "leave_reason": "入户排查" },
                    { "person_id": ids[2] },
                ],
                "others_count": 2,
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let photo = app
        .http
        .post(app.url(&format!("/api/v1/activities/{id}/evidence?name=例会.png")))
        .bearer_auth(recorder)
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::CREATED);
    (id, photo.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
}

#[tokio::test]
async fn a_session_prints_its_sign_in_sheet_and_minutes() {
    let app = spawn_app().await;
    let recorder = app.token("shequ1").await;
    let (id, photo) = community_session(&app, &recorder).await;
    let people = [
        person(&app, &recorder, "谢美玲").await,
        person(&app, &recorder, "周晓东").await,
        person(&app, &recorder, "杨丽萍").await,
    ];

    for user in ["shequ1", "chakan"] {
        let b = app.browser(user).await;
        // The activity page links to both.
        let (_, page) = b.get(&format!("/activities/{id}")).await;
        for link in [format!("/activities/{id}/print/sign-in"), format!("/activities/{id}/print/minutes")] {
            assert!(page.contains(&format!("href=\"{link}\" hx-boost=\"false\"")), "{user}: a link to {link}");
        }

        let (status, sheet) = b.get(&format!("/activities/{id}/print/sign-in")).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_print_view(&sheet, "sign-in sheet");
        for text in
            ["签到表", "网格员工作例会", "第一社区", "2020年3月12日 14:30", "社区会议室", "序号", "职务/单位", "签名"]
        {
            assert!(sheet.contains(text), "{user}: the sign-in sheet shows {text}");
        }
        for p in &people {
            assert!(sheet.contains(&format!("<td class=\"name\">{}</td>", p["name"].as_str().unwrap())), "{user}: {p}");
        }
        // Posts from the people's memberships; the one on leave says so.
        assert!(sheet.contains("第一社区第一网格网格员"), "{user}: the post of 谢美玲");
        assert!(sheet.contains("请假（入户排查）"));
        assert!(sheet.contains("应到 <b>3</b> 人"), "{user}");
        assert!(sheet.contains("实到 <b>2</b> 人"), "{user}");
        assert!(sheet.contains("请假 <b>1</b> 人"), "{user}");
        assert!(sheet.contains("名册外另到 <b>2</b> 人"), "{user}");
        // Blank numbered rows fill the page for those who come unregistered.
        let blank = sheet.matches("<tr class=\"blank\">").count();
        assert_eq!(blank + 3, 12, "{user}: one page of rows");
        assert!(sheet.contains("<td class=\"no\">12</td>") && !sheet.contains("<td class=\"no\">13</td>"));
        // Names only: no ID numbers or phones, masked or not.
        for p in &people {
            for field in ["id_number", "mobile"] {
                if let Some(v) = p[field].as_str().filter(|v| !v.is_empty()) {
                    assert!(!sheet.contains(v), "{user}: the sheet shows no {field}");
                }
            }
        }

        let (status, minutes) = b.get(&format!("/activities/{id}/print/minutes")).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_print_view(&minutes, "minutes");
        for text in
            ["会议记录", "时间", "地点", "主持人", "记录人", "参加人员", "缺席人员", "主题", "内容", "记录人签字"]
        {
            assert!(minutes.contains(text), "{user}: the minutes show {text}");
        }
        assert!(minutes.contains("谢美玲、杨丽萍"), "{user}: those present, by name");
        assert!(minutes.contains("周晓东（请假：入户排查）"), "{user}: those missing, and why");
        assert!(minutes.contains("应到3人，实到2人，请假1人，名册外另到2人"), "{user}");
        // The notes keep their paragraphs; no host recorded leaves a line to write on.
        assert!(minutes.contains("<p>传达疫情防控工作要求。</p><p>逐户核对排查台账，明确分工。</p>"), "{user}");
        assert!(minutes.contains("<th>主持人</th><td><span class=\"line\"></span></td>"), "{user}");
        // The photo, through the evidence route, which this account may read.
        let src = format!("<img src=\"/evidence/{photo}\"");
        assert!(minutes.contains(&src), "{user}: the photo");
        let image = b.client.get(format!("{}/evidence/{photo}", b.base)).send().await.unwrap();
        assert_eq!(image.status(), StatusCode::OK);
        assert_eq!(image.headers()["content-type"], "image/png");
        for p in &people {
            if let Some(v) = p["mobile"].as_str().filter(|v| !v.is_empty()) {
                assert!(!minutes.contains(v), "{user}: the minutes show no phone");
            }
        }
    }
}

#[tokio::test]
async fn print_views_keep_the_scope_of_the_records() {
    let app = spawn_app().await;
    let admin = app.token("kuangqu").await;
    let list: Value =
        app.get(&admin, "/api/v1/activities?kind=central_group_study&per_page=1").await.json().await.unwrap();
    let district_session = list["items"][0]["id"].as_i64().unwrap();
    let district = app.org("X矿矿区党委").await;

    // The district's session is out of the community recorder's scope:
    // the print views answer as the activity page does.
    let b = app.browser("shequ1").await;
    let (normal, _) = b.get(&format!("/activities/{district_session}")).await;
    assert_eq!(normal, StatusCode::NOT_FOUND);
    for view in ["sign-in", "minutes"] {
        let (status, html) = b.get(&format!("/activities/{district_session}/print/{view}")).await;
        assert_eq!(status, normal, "{view}");
        assert!(!html.contains("理论学习中心组"), "{view}: nothing of the record");
    }
    let (normal, _) = b.get(&format!("/activities?org_id={}", district.id)).await;
    for path in ["/activities/print", "/activities/print/sign-in", "/activities/print/minutes"] {
        let (status, _) = b.get(&format!("{path}?org_id={}&month=2020-03", district.id)).await;
        assert_eq!(status, normal, "{path}");
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Not a number: the not-found page, as for any page.
    let (status, _) = b.get("/activities/abc/print/minutes").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A viewer of the district reads them.
    let viewer = app.browser("chakan").await;
    let (status, minutes) = viewer.get(&format!("/activities/{district_session}/print/minutes")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(minutes.contains("韦建国"), "the host");
    assert!(minutes.contains("矿区党委会议室"));
}

/// The ledger's rows: (date, title) of each, in order.
fn ledger_rows(html: &str) -> Vec<(String, String)> {
    html.split("<td class=\"no\">")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).take(2).map(|c| &c[c.find('>').unwrap() + 1..]).collect();
            let text = |c: &str| {
                c[..c.find("</td>").unwrap()]
                    .replace("&#x2f;", "/")
                    .replace("&quot;", "\"")
                    .replace("&#x27;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            };
            (text(cells[0]), text(cells[1]))
        })
        .collect()
}

/// The API's activities of an org's subtree in a month, by title.
async fn api_titles(app: &TestApp, token: &str, org_id: i64, from: &str, to: &str) -> Vec<String> {
    let list: Value = app
        .get(token, &format!("/api/v1/activities?org_id={org_id}&from={from}&to={to}&per_page=200"))
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(list["total"].as_u64().unwrap() as usize, items.len(), "one page holds the month");
    let mut titles: Vec<String> = items.iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn the_month_ledger_lists_the_month_of_the_subtree() {
    let app = spawn_app().await;
    let recorder = app.token("shequ1").await;
    let (id, _) = community_session(&app, &recorder).await;
    // Just outside March, on both sides.
    let community = app.org("第一社区").await;
    for date in ["2020-02-29", "2020-04-01"] {
        let r = app
            .send(
                &recorder,
                "POST",
                "/api/v1/activities",
                json!({ "org_id": community.id, "kind": "visit", "title": format!("走访{date}"), "date": date }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let district = app.org("X矿矿区党委").await;
    let viewer = app.token("chakan").await;

    for (user, org) in [("chakan", &district), ("shequ1", &community), ("chakan", &community)] {
        let token = if user == "chakan" { viewer.clone() } else { recorder.clone() };
        let b = app.browser(user).await;
        let (status, html) = b.get(&format!("/activities/print?org_id={}&month=2020-03", org.id)).await;
        assert_eq!(status, StatusCode::OK, "{user} {}", org.name);
        assert_print_view(&html, "ledger");
        assert!(html.contains(&format!("{}2020年3月工作台账登记表", org.name)), "{user}: org and month in the title");
        for th in ["序号", "日期", "活动名称", "类别", "工作条线", "参与人次", "备注"] {
            assert!(html.contains(&format!("<th>{th}</th>")), "{user}: the column {th}");
        }
        assert!(html.contains("<thead>"), "a header row to repeat on each page");
        let rows = ledger_rows(&html);
        let expected = api_titles(&app, &token, org.id, "2020-03-01", "2020-03-31").await;
        assert!(!expected.is_empty(), "{}: March has records", org.name);
        let mut titles: Vec<String> = rows.iter().map(|(_, t)| t.clone()).collect();
        titles.sort();
        assert_eq!(titles, expected, "{user} {}: exactly the month's activities of the subtree", org.name);
        assert!(html.contains(&format!("共{}项", rows.len())), "{user}: the count at the foot");
        assert!(rows.iter().all(|(d, _)| d.starts_with("3月")), "{rows:?}");
        assert!(!html.contains("走访2020-02-29") && !html.contains("走访2020-04-01"));
        // The community's session is in both ledgers, with its head count
        // (two registered present, two more); in the district's it names its org.
        assert!(html.contains("网格员工作例会"), "{user} {}", org.name);
        if org.id == district.id {
            assert!(html.contains("<td class=\"num\">4</td><td>第一社区</td>"), "{user}: the sub-org noted");
        }
        // The month's sessions print together, one per page.
        let (status, bound) = b.get(&format!("/activities/print/minutes?org_id={}&month=2020-03", org.id)).await;
        assert_eq!(status, StatusCode::OK);
        assert_print_view(&bound, "bound minutes");
        let sheets = bound.matches("<article class=\"sheet minutes\">").count();
        assert!(
            html.contains(&format!("本月会议记录（{sheets}份）")),
            "{user}: the ledger offers the {sheets} minutes"
        );
        assert!(bound.contains("网格员工作例会"));
        let (status, bound) = b.get(&format!("/activities/print/sign-in?org_id={}&month=2020-03", org.id)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bound.matches("<article class=\"sheet sign-in\">").count(), sheets);
    }

    // The list links to the month's ledger of its org and period.
    let b = app.browser("shequ1").await;
    let (_, list) = b.get(&format!("/activities?period=2020-03&org_id={}", community.id)).await;
    let link =
        format!("href=\"/activities/print?org_id={}&period=2020-03\" hx-boost=\"false\">打印本月台账", community.id);
    assert!(list.contains(&link), "the list links to the ledger print");
    let (status, html) = b.get(&format!("/activities/print?org_id={}&period=2020-03", community.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("第一社区2020年3月工作台账登记表"), "the list's month");
    // A half-year opens on its latest month with records of the org's subtree.
    let latest: Value = app
        .get(&recorder, &format!("/api/v1/activities?org_id={}&period=2020H1&per_page=1", community.id))
        .await
        .json()
        .await
        .unwrap();
    let date = latest["items"][0]["date"].as_str().unwrap();
    let month: u32 = date[5..7].parse().unwrap();
    assert!(month >= 4, "the visit of 2020-04-01 is in the half-year: {date}");
    let (status, html) = b.get(&format!("/activities/print?org_id={}&period=2020H1", community.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("第一社区2020年{month}月工作台账登记表")),
        "the latest month of 2020年上半年 with records"
    );
    // Without an org: the account's own.
    let (status, html) = b.get("/activities/print?month=2020-03").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("第一社区2020年3月工作台账登记表"));
    let _ = id;
}

#[tokio::test]
async fn a_bad_month_or_org_is_told_in_chinese() {
    let app = spawn_app().await;
    let b = app.browser("shequ1").await;
    for (query, word) in [
        ("month=2020-13", "月份"),
        ("month=2020H1", "月份"),
        ("month=%E4%B8%89%E6%9C%88", "月份"),
        ("month=<b>x</b>", "月份"),
        ("org_id=abc", "组织"),
        ("period=2020Q9", "期间"),
    ] {
        for path in ["/activities/print", "/activities/print/sign-in", "/activities/print/minutes"] {
            let (status, html) = b.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}");
            assert!(html.contains(word), "{path}?{query}: {html}");
            assert!(!html.contains("<b>x</b>"), "input is escaped");
        }
    }
    // The stylesheet: A4 with the official margins, a header row on every
    // page, a page break between records, the bar not printed.
    let css = app.http.get(app.url("/static/print.css")).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let css = css.text().await.unwrap();
    for rule in
        ["size: A4", "margin: 37mm 26mm 35mm 28mm", "display: table-header-group", "break-after: page", "仿宋", "宋体"]
    {
        assert!(css.contains(rule), "print.css: {rule}");
    }
    let print_media = &css[css.find("@media print").unwrap()..];
    assert!(print_media.contains(".print-bar { display: none; }"), "the bar is not printed");
}
