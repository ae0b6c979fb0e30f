//! Grid work over HTTP: the demo's screened population, roster imports
//! (good, bad, merged, round-tripped), visits and coverage, key persons with
//! plans, follow-ups and health data, the daily report, scope and pages.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::grid::RosterRow;
use taizhang_core::id_number::check_char;

use crate::helpers::{TestApp, field_errors, second_district, spawn_app};

/// A valid synthetic ID number (no real region) for a birth date and sequence.
fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("459003{}{seq:03}", birth.replace('-', ""));
    format!("{first17}{}", check_char(&first17).unwrap())
}

fn row(name: &str, id: &str, address: &str, grid: &str, relation: &str) -> RosterRow {
    RosterRow {
        name: name.into(),
        id_number: id.into(),
        address: address.into(),
        grid: grid.into(),
        relation: relation.into(),
        ..Default::default()
    }
}

fn workbook(rows: &[RosterRow]) -> Vec<u8> {
    taizhang_docs::roster_workbook("测试花名册", rows).unwrap()
}

async fn import(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = app
        .http
        .post(app.url(&format!("/api/v1/roster/import?{query}")))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn json_of(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn demo_screening(app: &TestApp, token: &str) -> i64 {
    let list = json_of(app, token, "/api/v1/screenings").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == taizhang_demo::grid::SCREENING)
        .expect("the demo screening")["id"]
        .as_i64()
        .unwrap()
}

/// Households of a grid through the API (first page).
async fn households(app: &TestApp, token: &str, grid_id: i64) -> Value {
    json_of(app, token, &format!("/api/v1/households?grid_id={grid_id}&per_page=200")).await
}

#[tokio::test]
async fn the_demo_population_was_screened_door_to_door() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let id = demo_screening(&app, &token).await;
    let c = json_of(&app, &token, &format!("/api/v1/screenings/{id}")).await;
    let total = &c["total"];
    assert!(total["households"].as_u64().unwrap() >= 1000, "{total}");
    assert!(total["residents"].as_u64().unwrap() >= 3000, "{total}");
    assert_eq!(total["visited"], total["households"], "every household visited");
    assert_eq!(total["with_status"], total["residents"], "every person accounted for");
    assert_eq!((total["household_percent"].as_f64(), total["person_percent"].as_f64()), (Some(100.0), Some(100.0)));
    assert_eq!(c["grids"].as_array().unwrap().len(), 5);
    let missed = json_of(&app, &token, &format!("/api/v1/screenings/{id}/missed")).await;
    assert_eq!((missed["households"].as_array().unwrap().len(), missed["persons"].as_array().unwrap().len()), (0, 0));

    // The grid worker sees their own grid only.
    let worker = app.token("wangge1").await;
    let own = app.org("第一社区第一网格").await;
    let c = json_of(&app, &worker, &format!("/api/v1/screenings/{id}")).await;
    let grids = c["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0]["grid_id"], own.id);
    let list = json_of(&app, &worker, "/api/v1/households?per_page=200").await;
    assert_eq!(list["total"], grids[0]["households"]);
    assert!(list["items"].as_array().unwrap().iter().all(|h| h["grid_id"] == own.id));

    // Key persons with one plan each, all released by March.
    let all = json_of(&app, &token, "/api/v1/key-persons").await;
    assert_eq!(all.as_array().unwrap().len(), 12);
    let under_care = json_of(&app, &token, "/api/v1/key-persons?active_on=2020-02-01").await;
    assert!(!under_care.as_array().unwrap().is_empty());
    assert!(json_of(&app, &token, "/api/v1/key-persons?active_on=2020-03-15").await.as_array().unwrap().is_empty());
    for k in all.as_array().unwrap() {
        let plan = json_of(&app, &token, &format!("/api/v1/people/{}/care-plan", k["person_id"])).await;
        assert_eq!(plan["every_days"], 2, "{k}");
    }
}

#[tokio::test]
async fn the_daily_report_is_the_same_in_the_api_and_the_workbook() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let report = json_of(&app, &token, "/api/v1/daily-report?day=2020-02-01").await;
    let lines = report["lines"].as_array().unwrap();
    assert_eq!(lines.iter().map(|l| l["org_name"].as_str().unwrap()).collect::<Vec<_>>(), ["第一社区", "第二社区"]);
    let total = &report["total"];
    assert!(total["under_care"].as_u64().unwrap() > 0);
    assert_eq!(total["checks"], total["under_care"], "one reading a day for everyone under care");
    assert_eq!(total["follow_ups_overdue"], 0);
    assert_eq!(total["coverage"]["household_percent"], 100.0);
    assert_eq!(total["disinfections"], 4, "four places every other day from 26 January");
    // A day with a fever on record.
    let fever = json_of(&app, &token, "/api/v1/daily-report?day=2020-02-01").await["total"]["abnormal_checks"].clone();
    let mut abnormal = fever.as_u64().unwrap();
    for d in 26..=31 {
        abnormal +=
            json_of(&app, &token, &format!("/api/v1/daily-report?day=2020-01-{d}")).await["total"]["abnormal_checks"]
                .as_u64()
                .unwrap();
    }
    assert_eq!(abnormal, 1, "the demo has one abnormal reading in its first week");

    let r = app.get(&token, "/api/v1/daily-report/export.xlsx?day=2020-02-01").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let number = |r: &[Data], c: usize| match &r[c] {
        Data::Float(f) => *f as u64,
        other => panic!("not a number: {other:?}"),
    };
    let last = rows.last().unwrap();
    assert_eq!(last[1].to_string(), "合计");
    for (col, key) in [(3, "under_care"), (5, "checks"), (7, "follow_ups_done"), (9, "disinfections")] {
        assert_eq!(number(last, col), total[key].as_u64().unwrap(), "{key}");
    }
    assert_eq!(number(last, 10), total["coverage"]["households"].as_u64().unwrap());
}

#[tokio::test]
async fn a_roster_imports_whole_merges_by_id_number_and_round_trips() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let grid = "第一社区第一网格";
    let mut rows = vec![
        row("覃新民", &id_number("1970-03-04", 11), "新村8栋101室", grid, "户主"),
        row("陆小梅", &id_number("1972-05-06", 22), "新村8栋101室", grid, "配偶"),
        row("覃乐乐", &id_number("2005-07-08", 31), "新村8栋101室", grid, "子女"),
    ];
    let (status, body) = import(&app, &token, "source=新村.xlsx", workbook(&rows)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "added": 3, "changed": 0, "unchanged": 0, "households_added": 1 }));

    // The same roster with one new phone number: one change, no duplicates.
    rows[1].mobile = "13900001111".into();
    let (status, body) = import(&app, &token, "", workbook(&rows)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "added": 0, "changed": 1, "unchanged": 2, "households_added": 0 }));
    let found = json_of(&app, &token, "/api/v1/households?q=新村8栋").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["head"], "覃新民");
    assert_eq!(found["items"][0]["members"].as_array().unwrap().len(), 3);

    // A masked export cannot be imported back; a revealed one round-trips.
    let masked = app.get(&token, "/api/v1/roster/export.xlsx").await.bytes().await.unwrap().to_vec();
    let masked = taizhang_docs::read_roster(&masked, &[]).unwrap();
    assert!(masked.iter().all(|r| r.id_number.contains('*')));
    let viewer = app.token("chakan").await;
    assert_eq!(app.get(&viewer, "/api/v1/roster/export.xlsx?reveal=true").await.status(), StatusCode::FORBIDDEN);
    let full = app.get(&token, "/api/v1/roster/export.xlsx?reveal=true").await.bytes().await.unwrap().to_vec();
    let back = taizhang_docs::read_roster(&full, &[]).unwrap();
    assert!(back.len() >= 3003);
    assert!(back.iter().any(|r| r.name == "陆小梅" && r.mobile == "13900001111"));
    let (status, body) = import(&app, &token, "", full).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["added"].as_u64(), body["changed"].as_u64()), (Some(0), Some(0)));
    assert_eq!(body["unchanged"].as_u64(), Some(back.len() as u64));
    // Every export is audited, the unmasked one as a view of personal data.
    let audit = json_of(&app, &app.token("admin").await, "/api/v1/audit?per_page=100").await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"view_personal") && actions.contains(&"export") && actions.contains(&"import"),
        "{actions:?}"
    );

    // A CSV saved by Excel in GBK, with other headers and a mapping.
    let id = id_number("1980-01-02", 41);
    let text = format!("新村花名册\n名字,证件号,家庭住址,网格\n黄大明,{id},新村9栋202室,{grid}\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (status, body) =
        import(&app, &token, "map=%E8%BA%AB%E4%BB%BD%E8%AF%81%E5%8F%B7%3D%E8%AF%81%E4%BB%B6%E5%8F%B7", gbk.to_vec())
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["added"], 1);
}

#[tokio::test]
async fn a_bad_roster_lands_nothing_and_names_every_row_and_column() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let grid = "第一社区第一网格";
    let good = id_number("1980-01-01", 51);
    let mut wrong_check = id_number("1980-01-01", 61);
    wrong_check.replace_range(17.., if wrong_check.ends_with('0') { "1" } else { "0" });
    let dup = id_number("1990-02-02", 71);
    let mut birth = row("蓝二", &id_number("1985-05-05", 81), "新村1号", grid, "");
    birth.birth_date = "1985-06-05".into();
    let rows = vec![
        row("韦一", &good, "新村1号", grid, "户主"),
        row("韦二", &wrong_check, "新村1号", grid, ""),
        birth,
        row("韦三", &dup, "新村1号", grid, ""),
        row("韦四", &dup, "新村1号", grid, ""),
        row("韦五", &id_number("1991-03-03", 91), "新村1号", "不存在的网格", ""),
        row("", &id_number("1992-04-04", 11), "新村1号", grid, ""),
        row("韦七", "4.59003E+17", "新村1号", grid, ""),
    ];
    let before = json_of(&app, &token, "/api/v1/households?per_page=1").await["total"].clone();
    let (status, body) = import(&app, &token, "", workbook(&rows)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = field_errors(&body);
    let expect = [
        ("rows[4].id_number", "校验位"),
        ("rows[5].birth_date", "不符"),
        ("rows[7].id_number", "与第6行"),
        ("rows[8].grid", "不存在的网格"),
        ("rows[9].name", "不能为空"),
        ("rows[10].id_number", "Excel"),
    ];
    for (field, text) in expect {
        assert!(fields.iter().any(|(f, m)| f == field && m.contains(text)), "{field} {text}: {fields:?}");
    }
    assert_eq!(fields.len(), expect.len(), "{fields:?}");
    assert!(fields.iter().all(|(f, m)| m.starts_with(&format!("第{}行", &f[5..f.find(']').unwrap()]))), "{fields:?}");
    // Nothing landed: not the good row, not its household.
    assert_eq!(json_of(&app, &token, "/api/v1/households?per_page=1").await["total"], before);
    assert_eq!(json_of(&app, &token, "/api/v1/people?q=韦一").await["total"], 0);

    // The report as a workbook names row and column (on its list sheet).
    let r = app
        .http
        .post(app.url("/api/v1/roster/import?report=xlsx"))
        .bearer_auth(&token)
        .body(workbook(&rows))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let range = book.worksheet_range("错误清单").unwrap();
    let lines: Vec<String> =
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(lines.iter().any(|l| l.starts_with("4|身份证号|")), "{lines:?}");

    // Not a spreadsheet; too large.
    let (status, body) = import(&app, &token, "", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&body)[0].1.contains("不是 Excel（.xlsx）或 CSV"), "{body}");
    let (status, body) = import(&app, &token, "", vec![b'a'; 65 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("过大"));
}

#[tokio::test]
async fn visits_count_toward_coverage_only_in_the_workers_own_grid() {
    let app = spawn_app().await;
    let admin = app.token("kuangqu").await;
    let (one, two) = (app.org("第一社区第一网格").await, app.org("第一社区第二网格").await);
    let today = now().date_naive();
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/screenings",
            json!({ "org_id": app.org("第一社区").await.id, "name": "冬季入户走访", "starts_on": today.to_string(),
                "ends_on": (today + Duration::days(7)).to_string(), "grid_ids": [one.id, two.id] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let c = json_of(&app, &admin, &format!("/api/v1/screenings/{id}")).await;
    assert_eq!(c["total"]["visited"], 0);
    let households_before = c["total"]["households"].as_u64().unwrap();

    let worker = app.token("wangge1").await;
    let mine = households(&app, &worker, one.id).await["items"][0].clone();
    let members = mine["members"].as_array().unwrap().len() as u64;
    let visit = |household: &Value| json!({ "household_id": household["id"], "visited_on": today.to_string(), "visitor": "谢美玲", "result": "all_seen" });
    let r = app.send(&worker, "POST", &format!("/api/v1/screenings/{id}/visits"), visit(&mine)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c = json_of(&app, &worker, &format!("/api/v1/screenings/{id}")).await;
    assert_eq!((c["total"]["visited"].as_u64(), c["total"]["with_status"].as_u64()), (Some(1), Some(members)));
    assert_eq!(c["grids"].as_array().unwrap().len(), 1, "the worker's own grid only");
    let missed = json_of(&app, &worker, &format!("/api/v1/screenings/{id}/missed")).await;
    assert!(missed["households"].as_array().unwrap().iter().all(|h| h["grid_id"] == one.id));
    assert!(!missed["households"].as_array().unwrap().iter().any(|h| h["id"] == mine["id"]));

    // A household of the next grid is refused, and so is a day outside the campaign.
    let theirs = households(&app, &admin, two.id).await["items"][0].clone();
    let r = app.send(&worker, "POST", &format!("/api/v1/screenings/{id}/visits"), visit(&theirs)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&r.json().await.unwrap()).iter().any(|(f, m)| f == "household_id" && m.contains("网格")));
    let mut early = visit(&mine);
    early["visited_on"] = json!((today - Duration::days(3)).to_string());
    let r = app.send(&worker, "POST", &format!("/api/v1/screenings/{id}/visits"), early).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Some members away: each has a status; a new household is counted at once.
    let second = households(&app, &admin, two.id).await["items"][1].clone();
    // One member named as away; the others count as seen.
    let statuses = vec![json!({ "person_id": second["members"][0]["person_id"], "status": "外出" })];
    let mut away = visit(&second);
    away["result"] = json!("部分外出");
    away["statuses"] = json!(statuses);
    assert_eq!(
        app.send(&admin, "POST", &format!("/api/v1/screenings/{id}/visits"), away).await.status(),
        StatusCode::CREATED
    );
    let r = app.send(&admin, "POST", "/api/v1/households", json!({ "grid_id": two.id, "address": "新建8栋" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.send(&admin, "POST", "/api/v1/households", json!({ "grid_id": two.id, "address": "新建8栋" })).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let c = json_of(&app, &admin, &format!("/api/v1/screenings/{id}")).await;
    assert_eq!(c["total"]["households"].as_u64(), Some(households_before + 1));
    assert_eq!(c["total"]["visited"], 2);
    let second_members = second["members"].as_array().unwrap().len() as u64;
    assert_eq!(c["total"]["with_status"].as_u64(), Some(members + second_members), "every member accounted for");
    // A summary of the year may not claim that no household was missed.
    let summary = json_of(&app, &admin, &format!("/api/v1/summary?period={}", today.format("%Y"))).await;
    let warnings = summary["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("户未走访")), "{warnings:?}");
}

/// A person's line on the follow-up board.
async fn board_line(app: &TestApp, token: &str, path: &str, person: i64) -> Value {
    let all = json_of(app, token, path).await;
    all.as_array().unwrap().iter().find(|l| l["plan"]["person_id"] == person).unwrap().clone()
}

#[tokio::test]
async fn key_persons_get_one_plan_a_follow_up_schedule_and_masked_readings() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let grid = app.org("第一社区第一网格").await;
    let person = households(&app, &token, grid.id).await["items"][5]["members"][0]["person_id"].as_i64().unwrap();
    let group = json_of(&app, &token, "/api/v1/key-groups").await[0]["id"].as_i64().unwrap();
    let today = now().date_naive();
    let day = |n: i64| (today + Duration::days(n)).to_string();

    // No plan before the person is a key person.
    let cadre = app
        .store
        .person_search(&taizhang_core::model::PersonQuery {
            per_page: 5,
            ..taizhang_core::model::PersonQuery::new("/", "谢美玲")
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let plan = json!({ "cadre_id": cadre, "measures": "居家观察，每两天随访", "every_days": 2, "starts_on": day(-4) });
    let r = app.send(&token, "PUT", &format!("/api/v1/people/{person}/care-plan"), plan.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let enter = json!({ "key_group_id": group, "person_id": person, "entered_on": day(-4), "reason": "外省返乡" });
    let r = app.send(&token, "POST", "/api/v1/key-persons", enter.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stay = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(app.send(&token, "POST", "/api/v1/key-persons", enter).await.status(), StatusCode::CONFLICT);
    let r = app.send(&token, "PUT", &format!("/api/v1/people/{person}/care-plan"), plan).await;
    assert_eq!(r.status(), StatusCode::OK);

    let board_path = format!("/api/v1/follow-ups?org_id={}&day={}", grid.id, today);
    let line = board_line(&app, &token, &board_path, person).await;
    assert_eq!((line["state"].as_str(), line["next_due"].as_str()), (Some("overdue"), Some(day(-4).as_str())));
    let follow = |d: String| json!({ "done_on": d, "by": "谢美玲", "findings": "情况正常" });
    let r = app.send(&token, "POST", &format!("/api/v1/people/{person}/follow-ups"), follow(day(-2))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let line = board_line(&app, &token, &board_path, person).await;
    assert_eq!((line["state"].as_str(), line["next_due"].as_str()), (Some("due_today"), Some(day(0).as_str())));
    let due = json_of(&app, &token, &format!("/api/v1/follow-ups?day={today}&state=due_today")).await;
    assert!(due.as_array().unwrap().iter().any(|l| l["plan"]["person_id"] == person));
    app.send(&token, "POST", &format!("/api/v1/people/{person}/follow-ups"), follow(day(0))).await;
    let line = board_line(&app, &token, &board_path, person).await;
    assert_eq!(
        (line["state"].as_str(), line["next_due"].as_str(), line["done_today"].as_u64()),
        (Some("scheduled"), Some(day(2).as_str()), Some(1))
    );

    // Health data: masked by default, revealed only with the permission, audited.
    let check =
        json!({ "checked_at": format!("{today} 08:00"), "temperature": "38.2", "symptoms": "发热", "by": "谢美玲" });
    let r = app.send(&token, "POST", &format!("/api/v1/people/{person}/health-checks"), check).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let bad = json!({ "checked_at": "昨天", "temperature": "98", "by": "" });
    let r = app.send(&token, "POST", &format!("/api/v1/people/{person}/health-checks"), bad).await;
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, ["checked_at", "temperature", "by"]);
    let path = format!("/api/v1/health-checks?person_id={person}&day={today}");
    // The account that entered the reading sees it; another one, even with
    // the permission, sees it masked until it asks (grid_worker.rs has more).
    let own = json_of(&app, &token, &path).await;
    assert_eq!((own[0]["temperature"].as_str(), own[0]["abnormal"].as_bool()), (Some("38.2"), Some(true)));
    app.add_user("kuangqu2", "org_admin", "X矿矿区党委", true).await;
    let other = app.token("kuangqu2").await;
    let masked = json_of(&app, &other, &path).await;
    assert_eq!((masked[0]["temperature"].as_str(), masked[0]["abnormal"].is_null()), (Some("**.*"), true));
    let viewer = app.token("chakan").await;
    assert_eq!(app.get(&viewer, &format!("{path}&reveal=true")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&viewer, &format!("/api/v1/health-checks?day={today}&abnormal=true")).await.status(),
        StatusCode::FORBIDDEN
    );
    let shown = json_of(&app, &other, &format!("{path}&reveal=true")).await;
    assert_eq!((shown[0]["temperature"].as_str(), shown[0]["abnormal"].as_bool()), (Some("38.2"), Some(true)));
    let audit = json_of(&app, &app.token("admin").await, "/api/v1/audit?per_page=20").await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "view_personal" && e["entity"] == "health_check")
    );
    let report = json_of(&app, &token, &format!("/api/v1/daily-report?day={today}")).await;
    assert_eq!(report["total"]["abnormal_checks"], 1);
    assert_eq!(report["total"]["under_care"], 1);

    // Leaving: not before entering; then off the list of the day, history kept.
    let r = app
        .send(
            &token,
            "POST",
            &format!("/api/v1/key-persons/{stay}/leave"),
            json!({ "left_on": day(-9), "reason": "期满" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .send(
            &token,
            "POST",
            &format!("/api/v1/key-persons/{stay}/leave"),
            json!({ "left_on": day(0), "reason": "观察期满" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let active = json_of(&app, &token, &format!("/api/v1/key-persons?active_on={today}")).await;
    assert!(!active.as_array().unwrap().iter().any(|k| k["person_id"] == person));
    let history = json_of(&app, &token, "/api/v1/key-persons").await;
    assert!(history.as_array().unwrap().iter().any(|k| k["id"] == stay && k["leave_reason"] == "观察期满"));
}

#[tokio::test]
async fn grid_records_of_another_district_are_not_found() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let grid = app.org("第一社区第一网格").await;
    let household = households(&app, &token, grid.id).await["items"][0].clone();
    let person = household["members"][0]["person_id"].as_i64().unwrap();
    let screening = demo_screening(&app, &token).await;
    let (other, y) = second_district(&app).await;
    for path in [
        format!("/api/v1/households/{}", household["id"]),
        format!("/api/v1/screenings/{screening}"),
        format!("/api/v1/screenings/{screening}/missed"),
        format!("/api/v1/screenings/{screening}/visits"),
        format!("/api/v1/people/{person}/care-plan"),
        format!("/api/v1/households?grid_id={}", grid.id),
    ] {
        assert_eq!(app.get(&other, &path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let visit =
        json!({ "household_id": household["id"], "visited_on": "2020-01-30", "visitor": "x", "result": "all_seen" });
    let r = app.send(&other, "POST", &format!("/api/v1/screenings/{screening}/visits"), visit).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.send(&other, "POST", &format!("/api/v1/people/{person}/follow-ups"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Their roster cannot name our grid, nor take over our residents' ID numbers.
    let rows = vec![row("外人", &id_number("1980-08-08", 11), "外村1号", "第一社区第一网格", "")];
    let (status, body) = import(&app, &other, "", workbook(&rows)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&body)[0].1.contains("不是您管辖范围内的网格"), "{body}");
    let body = json!({ "parent_id": y["id"], "kind": "grid", "name": "Y矿第一网格" });
    assert_eq!(app.send(&other, "POST", "/api/v1/orgs", body).await.status(), StatusCode::CREATED);
    let ours = app.store.person_get(person).await.unwrap().unwrap().id_number.unwrap();
    let rows = vec![row("冒名", ours.as_str(), "外村1号", "Y矿第一网格", "")];
    let (status, body) = import(&app, &other, "", workbook(&rows)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&body)[0].1.contains("管辖范围以外"), "{body}");
    assert_eq!(app.store.person_get(person).await.unwrap().unwrap().name, household["members"][0]["name"]);
    assert!(json_of(&app, &other, "/api/v1/screenings").await.as_array().unwrap().is_empty());
    assert!(json_of(&app, &other, "/api/v1/key-persons").await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn grid_pages_show_the_records_and_errors_beside_the_field() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let grid = app.org("第一社区第一网格").await;
    let household = households(&app, &token, grid.id).await["items"][0]["id"].as_i64().unwrap();
    let screening = demo_screening(&app, &token).await;
    let key = json_of(&app, &token, "/api/v1/key-persons").await[0]["person_id"].as_i64().unwrap();
    for (path, text) in [
        ("/households".to_owned(), "网格户籍与居民"),
        (format!("/households/{household}"), "家庭成员"),
        ("/screenings".to_owned(), taizhang_demo::grid::SCREENING),
        (format!("/screenings/{screening}"), "所有户均已走访"),
        ("/key-persons?all=1".to_owned(), "湖北返乡人员"),
        (format!("/people/{key}/care-plan"), "体温和症状已隐藏"),
        ("/follow-ups?day=2020-02-01".to_owned(), "今日应随访"),
        ("/disinfections?from=2020-01-26&to=2020-02-29".to_owned(), "含氯消毒液"),
        ("/daily-report?day=2020-02-01".to_owned(), "第一社区"),
        ("/roster/import".to_owned(), "列名对照"),
    ] {
        let (status, html) = b.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(text), "{path} should show {text}");
    }
    let (_, html) = b.get(&format!("/people/{key}/care-plan?reveal=1")).await;
    assert!(html.contains("36.") && !html.contains("体温和症状已隐藏"));

    let r = b.post("/households", &[("grid_id", &grid.id.to_string()), ("address", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("住址不能为空"));
    let r = b
        .post(
            &format!("/people/{key}/health-checks"),
            &[("checked_at", "2020-02-01T08:00"), ("temperature", "abc"), ("by", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写体温"));

    // The roster page: a bad file is reported row by row, nothing lands.
    let rows = vec![row("韦一", "123", "新村1号", "第一社区第一网格", "")];
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .text("org_id", app.org("X矿矿区党委").await.id.to_string())
        .part("file", reqwest::multipart::Part::bytes(workbook(&rows)).file_name("花名册.xlsx"));
    let r = b.client.post(format!("{}/roster/import", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("整个文件均未导入") && html.contains("第3行"), "{html}");
    let rows = vec![row("韦一", &id_number("1980-01-01", 51), "新村1号", "第一社区第一网格", "户主")];
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .part("file", reqwest::multipart::Part::bytes(workbook(&rows)).file_name("花名册.xlsx"));
    let r = b.client.post(format!("{}/roster/import", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("新增 1 人"));
}

#[tokio::test]
async fn households_are_found_by_a_members_pinyin_or_initials() {
    let app = spawn_app().await;
    let token = app.token("wangge1").await;
    let grid = app.org("第一社区第一网格").await.id;
    let list = households(&app, &token, grid).await;
    let first = &list["items"][0];
    let id = first["id"].as_i64().unwrap();
    let detail = json_of(&app, &token, &format!("/api/v1/households/{id}")).await;
    let name = detail["members"][0]["name"].as_str().unwrap_or_else(|| panic!("{detail}")).to_owned();
    let (pinyin, initials) = taizhang_core::search_keys::name_keys(&name);
    for q in [initials.to_uppercase(), pinyin.clone(), name.clone()] {
        let found = json_of(&app, &token, &format!("/api/v1/households?grid_id={grid}&per_page=200&q={q}")).await;
        assert!(found["items"].as_array().unwrap().iter().any(|h| h["id"] == id), "q={q} finds {name}'s household");
    }
}

#[tokio::test]
async fn visits_imported_together_are_checked_as_one_recorded_alone() {
    use taizhang_core::auth::Actor;
    use taizhang_core::service::{ScreeningInput, VisitInput};
    let app = spawn_app().await;
    let system = Actor::system("test");
    let grid = app.org("第一社区第一网格").await;
    let today = now().date_naive();
    let screening = app
        .services
        .screening_create(
            &system,
            &ScreeningInput {
                org_id: Some(app.org("第一社区").await.id),
                name: "批量走访".into(),
                starts_on: (today - Duration::days(3)).to_string(),
                ends_on: (today + Duration::days(7)).to_string(),
                grid_ids: vec![grid.id],
            },
        )
        .await
        .unwrap();
    let admin = app.token("kuangqu").await;
    let items = households(&app, &admin, grid.id).await["items"].clone();
    let visit = |i: usize, day: chrono::NaiveDate, visitor: &str| VisitInput {
        household_id: items[i]["id"].as_i64(),
        visited_on: day.to_string(),
        visitor: visitor.into(),
        result: "all_seen".into(),
        note: String::new(),
        // A blank status is left to the result, as a form leaves it.
        statuses: vec![(items[i]["members"][0]["person_id"].as_i64().unwrap(), " ".into())],
    };
    // A future day and a visitor name too long are refused in a batch as
    // they are alone, each named by its row and field; nothing lands.
    let long = "走".repeat(51);
    let batch = [visit(0, today, "谢美玲"), visit(1, today + Duration::days(1), "谢美玲"), visit(2, today, &long)];
    let err = app.services.visits_import(&system, screening.id, &batch).await.unwrap_err();
    let fields: Vec<String> = err.field_errors().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["visits[2].visited_on", "visits[3].visitor"], "{err:?}");
    assert!(err.field_errors()[0].message.starts_with("第2条："), "{err:?}");
    let c = json_of(&app, &admin, &format!("/api/v1/screenings/{}", screening.id)).await;
    assert_eq!(c["total"]["visited"], 0, "nothing lands");

    let alone = app.services.visit_record(&system, screening.id, &batch[1]).await.unwrap_err();
    assert_eq!(alone.field_errors()[0].field, "visited_on");
    let alone = app.services.visit_record(&system, screening.id, &batch[2]).await.unwrap_err();
    assert_eq!(alone.field_errors()[0].field, "visitor");

    let n = app.services.visits_import(&system, screening.id, &[visit(0, today, "谢美玲")]).await.unwrap();
    assert_eq!(n, 1);
    let c = json_of(&app, &admin, &format!("/api/v1/screenings/{}", screening.id)).await;
    assert_eq!(c["total"]["visited"], 1);
}
