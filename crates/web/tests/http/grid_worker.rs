//! The grid worker's day over the pages: 登记走访 from a household's page, a
//! campaign's household list (searched by address, name or pinyin, in the
//! order addresses read, paged with no household out of reach), the readings
//! a worker entered shown to that worker unmasked (and to no one else without
//! asking), and the home page's work of the day.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::grid::address_key;

use crate::helpers::{TestApp, spawn_app};

async fn json_of(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// A campaign over these grids open from today for a week, started by the
/// district's administrator: its id.
async fn open_screening(app: &TestApp, name: &str, grids: &[i64]) -> i64 {
    let admin = app.token("kuangqu").await;
    let today = now().date_naive();
    let body = json!({ "org_id": app.org("第一社区").await.id, "name": name, "starts_on": today.to_string(),
        "ends_on": (today + Duration::days(7)).to_string(), "grid_ids": grids });
    let r = app.send(&admin, "POST", "/api/v1/screenings", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The screening page's household list, up to the next section.
fn household_list(html: &str) -> &str {
    let start = html.find("id=\"households\"").expect("the household list");
    let rest = &html[start..];
    &rest[..rest.find("未登记状态的人员").unwrap_or(rest.len())]
}

/// The households a part of a page links to, in order: (id, address).
fn household_links(part: &str) -> Vec<(i64, String)> {
    part.split("<a href=\"/households/")
        .skip(1)
        .filter_map(|rest| {
            let id: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let text = rest[id.len()..].strip_prefix("\">")?;
            Some((id.parse().ok()?, text[..text.find("</a>")?].to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn a_visit_is_recorded_from_the_households_own_page() {
    let app = spawn_app().await;
    let one = app.org("第一社区第一网格").await.id;
    let token = app.token("wangge1").await;
    let worker = app.browser("wangge1").await;
    let household =
        json_of(&app, &token, &format!("/api/v1/households?grid_id={one}&per_page=1")).await["items"][0].clone();
    let id = household["id"].as_i64().unwrap();
    let members = household["members"].as_array().unwrap().len() as u64;
    let path = format!("/households/{id}");
    let today = now().date_naive().to_string();

    // No campaign open (the demo's ended in 2020): said so; a post is refused in the same words.
    let (status, html) = worker.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("目前没有进行中的入户排查") && !html.contains(&format!("action=\"{path}/visits\"")));
    let r = worker
        .post(&format!("{path}/visits"), &[("visited_on", &today), ("visitor", "谢美玲"), ("result", "all_seen")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("目前没有进行中的入户排查，无法登记走访"));

    // One campaign open: it is the one, without asking.
    let first = open_screening(&app, "冬季入户走访", &[one]).await;
    let (_, html) = worker.get(&path).await;
    assert!(html.contains(&format!("name=\"screening_id\" value=\"{first}\"")), "{html}");
    assert!(html.contains(&format!("action=\"{path}/visits\"")) && html.contains(">登记走访</button>"));
    assert!(!html.contains("目前没有进行中的入户排查"));
    // A wrong field: the page again with the message, nothing recorded.
    let first_id = first.to_string();
    let r = worker
        .post(
            &format!("{path}/visits"),
            &[("screening_id", &first_id), ("visited_on", &today), ("visitor", "谢美玲"), ("result", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请选择走访结果"));
    assert_eq!(json_of(&app, &token, &format!("/api/v1/screenings/{first}")).await["total"]["visited"], 0);

    // Recorded: back on the household's page, the visit listed and confirmed.
    let r = worker
        .post(
            &format!("{path}/visits"),
            &[
                ("screening_id", &first_id),
                ("visited_on", &today),
                ("visitor", "谢美玲"),
                ("result", "all_seen"),
                ("note", "已发放防疫告知书"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with(&format!("{path}?visited=")), "{to}");
    let (status, html) = worker.get(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已登记走访"), "the confirmation");
    let visits = &html[html.find("id=\"visits\"").unwrap()..];
    assert!(visits.contains("已发放防疫告知书") && visits.contains("冬季入户走访"), "the visit is listed");
    let (_, plain) = worker.get(&path).await;
    assert!(plain.contains("已发放防疫告知书") && !plain.contains("已登记走访"), "confirmed once, after the post");
    let next =
        json_of(&app, &token, &format!("/api/v1/households?grid_id={one}&per_page=2")).await["items"][1]["id"].clone();
    let visit = json!({ "household_id": next, "visited_on": today, "visitor": "谢美玲", "result": "all_seen" });
    let r = app.send(&token, "POST", &format!("/api/v1/screenings/{first}/visits"), visit).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let next_visit = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (_, other) = worker.get(&format!("{path}?visited={next_visit}")).await;
    assert!(!other.contains("已登记走访"), "only a visit of this household is confirmed");
    let c = json_of(&app, &token, &format!("/api/v1/screenings/{first}")).await;
    let next_members =
        json_of(&app, &token, &format!("/api/v1/households/{next}")).await["members"].as_array().unwrap().len() as u64;
    assert_eq!(
        (c["total"]["visited"].as_u64(), c["total"]["with_status"].as_u64()),
        (Some(2), Some(members + next_members))
    );

    // The worker's home page counts what is left, linking to that list.
    let left = c["total"]["households"].as_u64().unwrap() - 2;
    let (_, home) = worker.get("/").await;
    let tile =
        format!("<a class=\"tile\" href=\"/screenings/{first}?state=unvisited#households\"><strong>{left}</strong>");
    assert!(home.contains(&tile), "{home}");

    // Two campaigns open: the worker chooses; not choosing is named.
    let second = open_screening(&app, "春节前安全走访", &[one]).await;
    let (_, html) = worker.get(&path).await;
    assert!(html.contains("id=\"f-screening_id\"") && html.contains("春节前安全走访"), "a choice of campaigns");
    let r = worker
        .post(
            &format!("{path}/visits"),
            &[("screening_id", ""), ("visited_on", &today), ("visitor", "谢美玲"), ("result", "all_seen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请选择本次走访所属的排查"));
    let r = worker
        .post(
            &format!("{path}/visits"),
            &[
                ("screening_id", &second.to_string()),
                ("visited_on", &today),
                ("visitor", "谢美玲"),
                ("result", "vacant"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(json_of(&app, &token, &format!("/api/v1/screenings/{second}")).await["total"]["visited"], 1);

    // Another grid's household is not the worker's; a viewer records nothing.
    let admin = app.token("kuangqu").await;
    let two = app.org("第一社区第二网格").await.id;
    let theirs = json_of(&app, &admin, &format!("/api/v1/households?grid_id={two}&per_page=1")).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r =
        worker.post(&format!("/households/{theirs}/visits"), &[("visited_on", &today), ("result", "all_seen")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let viewer = app.browser("chakan").await;
    let (_, html) = viewer.get(&path).await;
    assert!(!html.contains(&format!("action=\"{path}/visits\"")));
    let r = viewer
        .post(&format!("{path}/visits"), &[("visited_on", &today), ("visitor", "x"), ("result", "all_seen")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_campaigns_households_are_searched_sorted_as_addresses_read_and_all_reachable() {
    let app = spawn_app().await;
    let admin = app.token("kuangqu").await;
    let (one, two) = (app.org("第一社区第一网格").await.id, app.org("第一社区第二网格").await.id);
    for address in ["自然序10栋1室", "自然序2栋1室", "自然序1栋1室"] {
        let r = app.send(&admin, "POST", "/api/v1/households", json!({ "grid_id": one, "address": address })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let natural = ["自然序1栋1室", "自然序2栋1室", "自然序10栋1室"];
    // The households list reads the same way.
    let found = json_of(&app, &admin, &format!("/api/v1/households?grid_id={one}&q=自然序")).await;
    let addresses: Vec<&str> =
        found["items"].as_array().unwrap().iter().map(|h| h["address"].as_str().unwrap()).collect();
    assert_eq!(addresses, natural);

    let id = open_screening(&app, "冬季入户走访", &[one, two]).await;
    let token = app.token("wangge1").await;
    let worker = app.browser("wangge1").await;
    let total =
        json_of(&app, &token, &format!("/api/v1/screenings/{id}")).await["total"]["households"].as_u64().unwrap();
    assert!(total > 200, "more than the old cap of 200: {total}");

    // Page by page, every household of the worker's grid and no other, in the order addresses read.
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut page = 1;
    loop {
        let (status, html) = worker.get(&format!("/screenings/{id}?state=all&page={page}")).await;
        assert_eq!(status, StatusCode::OK);
        let list = household_list(&html);
        let rows = household_links(list);
        assert!(rows.len() <= 50 && !rows.is_empty(), "page {page}: {} rows", rows.len());
        seen.extend(rows);
        if page == 1 {
            assert!(list.contains("下一页") && !list.contains("上一页"));
        }
        if !list.contains("下一页") {
            assert!(list.contains("上一页"));
            break;
        }
        page += 1;
        assert!(page < 20, "the pager never ends");
    }
    assert_eq!(page as u64, total.div_ceil(50));
    assert_eq!(seen.len() as u64, total, "every household reached");
    let mut ids: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "none twice");
    let theirs = json_of(&app, &admin, &format!("/api/v1/households?grid_id={two}&per_page=200")).await;
    assert!(theirs["items"].as_array().unwrap().iter().all(|h| !ids.contains(&h["id"].as_i64().unwrap())));
    assert!(seen.is_sorted_by_key(|(_, a)| address_key(a)), "in the order addresses read");
    // The demo's grid has ten buildings: the tenth comes after the ninth, not after the first.
    let building = |a: &str| seen.iter().position(|(_, x)| x.contains(a)).unwrap();
    assert!(building("网格9栋") < building("网格10栋") && building("网格2栋") < building("网格9栋"));

    // Searched by address, by a member's name, its pinyin or initials.
    let (_, html) = worker.get(&format!("/screenings/{id}?state=all&q=自然序")).await;
    let rows = household_links(household_list(&html));
    assert_eq!(rows.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>(), natural);
    let (target, address) = seen[60].clone();
    let detail = json_of(&app, &token, &format!("/api/v1/households/{target}")).await;
    let name = detail["members"][0]["name"].as_str().unwrap().to_owned();
    let (pinyin, initials) = taizhang_core::search_keys::name_keys(&name);
    for q in [name.clone(), pinyin, initials.to_uppercase()] {
        let (_, html) = worker.get(&format!("/screenings/{id}?state=all&q={q}")).await;
        let rows = household_links(household_list(&html));
        assert!(rows.iter().any(|(h, _)| *h == target), "q={q} finds {name} of {address}");
    }

    // Visited or not: the list the worker asked for (the default: not yet visited).
    let visit = json!({ "household_id": target, "visited_on": now().date_naive().to_string(), "visitor": "谢美玲",
        "result": "all_seen" });
    let r = app.send(&token, "POST", &format!("/api/v1/screenings/{id}/visits"), visit).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, html) = worker.get(&format!("/screenings/{id}?state=visited")).await;
    let visited = household_list(&html);
    assert_eq!(household_links(visited).iter().map(|(h, _)| *h).collect::<Vec<_>>(), [target]);
    assert!(visited.contains("已走访"));
    for path in [format!("/screenings/{id}"), format!("/screenings/{id}?state=unvisited")] {
        let (_, html) = worker.get(&path).await;
        let list = household_list(&html);
        assert!(list.contains(&format!("未走访 {} 户", total - 1)), "{path}");
        assert!(!household_links(list).iter().any(|(h, _)| *h == target), "{path}");
    }
    // A page past the end is empty, not an error.
    let (status, html) = worker.get(&format!("/screenings/{id}?state=all&page=99")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(household_links(household_list(&html)).is_empty());
}

#[tokio::test]
async fn a_worker_sees_the_readings_they_entered_and_no_one_else_does_unasked() {
    let app = spawn_app().await;
    let admin = app.token("kuangqu").await;
    let one = app.org("第一社区第一网格").await.id;
    let today = now().date_naive();
    let households = json_of(&app, &admin, &format!("/api/v1/households?grid_id={one}&per_page=20")).await;
    let person = households["items"][11]["members"][0]["person_id"].as_i64().unwrap();
    let group = json_of(&app, &admin, "/api/v1/key-groups").await[0]["id"].as_i64().unwrap();
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/key-persons",
            json!({ "key_group_id": group, "person_id": person, "entered_on": today.to_string(), "reason": "外省返乡" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let cadre = json_of(&app, &admin, "/api/v1/people?q=谢美玲").await["items"][0]["id"].as_i64().unwrap();
    let plan =
        json!({ "cadre_id": cadre, "measures": "居家观察，每日随访", "every_days": 1, "starts_on": today.to_string() });
    let r = app.send(&admin, "PUT", &format!("/api/v1/people/{person}/care-plan"), plan).await;
    assert_eq!(r.status(), StatusCode::OK);

    // The worker's home page: the follow-up due today, no open campaign.
    let worker = app.browser("wangge1").await;
    let (_, home) = worker.get("/").await;
    let due = &home[home.find("待随访").expect("the follow-ups due")..];
    assert!(due.contains(&format!("href=\"/people/{person}/care-plan\"")) && due.contains("今日应随访"), "{home}");
    assert!(home.contains("目前没有进行中的入户排查"));

    // A follow-up with a reading, through the care page's forms.
    let care = format!("/people/{person}/care-plan");
    let r = worker
        .post(
            &format!("/people/{person}/follow-ups"),
            &[("done_on", &today.to_string()), ("by", "谢美玲"), ("findings", "自述乏力，已通知社区医生")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = format!("{today}T08:30");
    let r = worker
        .post(
            &format!("/people/{person}/health-checks"),
            &[("checked_at", &at), ("temperature", "38.4"), ("symptoms", ""), ("by", "谢美玲")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The worker sees it, with its flag, unasked.
    let (_, html) = worker.get(&care).await;
    let checks = &html[html.find("健康监测").unwrap()..];
    assert!(checks.contains("38.4") && checks.contains("发热"), "{checks}");
    assert!(!checks.contains("体温和症状已隐藏"));
    assert!(html.contains("自述乏力，已通知社区医生"));
    let token = app.token("wangge1").await;
    let path = format!("/api/v1/health-checks?person_id={person}&day={today}");
    let own = json_of(&app, &token, &path).await;
    assert_eq!((own[0]["temperature"].as_str(), own[0]["abnormal"].as_bool()), (Some("38.4"), Some(true)));
    let (_, home) = worker.get("/").await;
    let abnormal = &home[home.find("id=\"abnormal\"").expect("the abnormal readings")..];
    assert!(
        abnormal.contains(&format!("href=\"/people/{person}/care-plan\"")) && abnormal.contains("38.4"),
        "{abnormal}"
    );

    // Another account without the permission: masked, on the page and in the API.
    let other = app.browser("shequ1").await;
    let (status, html) = other.get(&care).await;
    assert_eq!(status, StatusCode::OK);
    let checks = &html[html.find("健康监测").unwrap()..];
    assert!(checks.contains("体温和症状已隐藏") && !checks.contains("38.4") && !checks.contains("发热"));
    let masked = json_of(&app, &app.token("shequ1").await, &path).await;
    assert_eq!((masked[0]["temperature"].as_str(), masked[0]["abnormal"].is_null()), (Some("**.*"), true));
    let (_, home) = app.browser("shequ1").await.get("/").await;
    assert!(!home.contains("38.4"));
    // The permission alone does not unmask it: only asking does (and that is audited).
    let unasked = json_of(&app, &admin, &path).await;
    assert_eq!(unasked[0]["temperature"], "**.*");

    // The worker's own view is not an audited reveal.
    let audit = json_of(&app, &app.token("admin").await, "/api/v1/audit?per_page=100").await;
    let reveals: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "view_personal" && e["entity"] == "health_check")
        .collect();
    assert!(reveals.is_empty(), "{reveals:?}");
}
