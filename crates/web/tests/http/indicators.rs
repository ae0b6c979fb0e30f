//! Indicators (统计指标) over HTTP: an office defines its indicators, fills
//! them for a period (grid, API, spreadsheet), reads them back, and its work
//! summary states them with the target's completion and the change on the
//! year before; viewers only read; bad numbers are refused by row and field;
//! an import lands whole or not at all; sums add up the sub-orgs.

use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_docs::{Cell, table_workbook};

use crate::helpers::*;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Office {
    town: i64,
    upper: i64,
    lower: i64,
    /// Tokens of the town's org admin, recorder and viewer.
    admin: String,
    recorder: String,
    viewer: String,
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.send(token, "POST", path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path} {body}");
    r.json().await.unwrap()
}

/// A township with two villages, built through the API, and its accounts.
async fn township(app: &TestApp) -> Office {
    let admin = app.token("admin").await;
    let county = app.org("X自治县").await;
    let town =
        created(app, &admin, "/api/v1/orgs", json!({ "parent_id": county.id, "kind": "township", "name": "河口镇" }))
            .await["id"]
            .as_i64()
            .unwrap();
    let mut villages = Vec::new();
    for name in ["上坪村", "下坪村"] {
        let v =
            created(app, &admin, "/api/v1/orgs", json!({ "parent_id": town, "kind": "village", "name": name })).await;
        villages.push(v["id"].as_i64().unwrap());
    }
    app.add_user("hekou", "org_admin", "河口镇", false).await;
    app.add_user("hekou_lu", "recorder", "河口镇", false).await;
    app.add_user("hekou_kan", "viewer", "河口镇", false).await;
    Office {
        town,
        upper: villages[0],
        lower: villages[1],
        admin: app.token("hekou").await,
        recorder: app.token("hekou_lu").await,
        viewer: app.token("hekou_kan").await,
    }
}

/// Defines the town's indicators: (书屋, 覆盖率, 收入, 面积, 就业) ids.
async fn define(app: &TestApp, o: &Office) -> [i64; 5] {
    let mut ids = [0; 5];
    let defs = [
        json!({ "name": "农家书屋", "unit": "个", "aggregate": "sum", "org_kind": "village" }),
        json!({ "name": "覆盖率", "unit": "%", "decimals": 1, "sort": 1 }),
        json!({ "name": "村集体收入", "unit": "万元", "decimals": 1, "aggregate": "sum", "org_kind": "village", "sort": 2 }),
        json!({ "name": "新建面积", "unit": "平方米", "sort": 3 }),
        json!({ "name": "新增就业", "unit": "人", "aggregate": "sum", "sort": 4 }),
    ];
    for (i, body) in defs.into_iter().enumerate() {
        let out = created(app, &o.admin, "/api/v1/indicators", body).await;
        assert_eq!(out["org_id"], o.town);
        ids[i] = out["id"].as_i64().unwrap();
    }
    ids
}

async fn put_values(app: &TestApp, token: &str, org: i64, period: &str, rows: Value) -> reqwest::Response {
    app.send(token, "PUT", "/api/v1/indicator-values", json!({ "org_id": org, "period": period, "rows": rows })).await
}

async fn fill(app: &TestApp, o: &Office, ids: [i64; 5]) {
    let [books, rate, income, area, jobs] = ids;
    let r = put_values(
        app,
        &o.recorder,
        o.town,
        "2021",
        json!([
            { "indicator_id": books, "org_id": o.upper, "value": "7" },
            { "indicator_id": books, "org_id": o.lower, "value": 5 },
            { "indicator_id": rate, "value": "96.5", "target": "95", "last_year": "95.3", "note": "镇统计站年报" },
            { "indicator_id": income, "org_id": o.upper, "value": "20.5", "target": "20" },
            { "indicator_id": income, "org_id": o.lower, "value": 15.1, "target": 20 },
            { "indicator_id": area, "value": "5200" },
            { "indicator_id": jobs, "value": "310" },
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // Last year's income recorded as its own rows.
    let r = put_values(
        app,
        &o.recorder,
        o.town,
        "2020",
        json!([
            { "indicator_id": income, "org_id": o.upper, "value": "18" },
            { "indicator_id": income, "org_id": o.lower, "value": "12" },
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["saved"], 2);
}

async fn sheet(app: &TestApp, token: &str, org: i64, period: &str) -> Value {
    let r = app.get(token, &format!("/api/v1/indicator-values?org_id={org}&period={period}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn line(sheet: &Value, indicator: i64, org: i64) -> &Value {
    sheet["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["indicator_id"] == indicator && l["org_id"] == org)
        .unwrap_or_else(|| panic!("no line {indicator}/{org}: {sheet}"))
}

fn figure<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["figures"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("{name}: {sheet}"))
}

#[tokio::test]
async fn indicators_are_defined_filled_read_back_and_stated_in_the_summary() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let ids = define(&app, &o).await;
    fill(&app, &o, ids).await;
    let [books, rate, income, _, _] = ids;

    // Read back exactly as entered, with the indicator's decimals.
    let s = sheet(&app, &o.viewer, o.town, "2021").await;
    assert_eq!(line(&s, rate, o.town)["value"], "96.5");
    assert_eq!(line(&s, rate, o.town)["note"], "镇统计站年报");
    assert_eq!(line(&s, income, o.lower)["value"], "15.1");
    assert_eq!(line(&s, books, o.upper)["value"], "7");
    // The village-only indicators have no line for the town itself.
    assert!(s["lines"].as_array().unwrap().iter().all(|l| !(l["indicator_id"] == books && l["org_id"] == o.town)));
    let list: Value = app.get(&o.viewer, "/api/v1/indicators").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
    assert_eq!(list[1]["name"], "覆盖率");
    assert_eq!(list[1]["editable"], false, "a viewer edits nothing");

    // The figures as the summary states them.
    let f = figure(&s, "覆盖率");
    assert_eq!((f["value"].as_str(), f["change"].as_str()), (Some("96.5"), Some("+1.2")));
    assert_eq!(f["percent_of_target"], "101.6");
    let f = figure(&s, "村集体收入");
    assert_eq!((f["value"].as_str(), f["summed"].as_bool()), (Some("35.6"), Some(true)));
    assert_eq!((f["last_year"].as_str(), f["change_percent"].as_str()), (Some("30.0"), Some("+18.7")));
    assert_eq!(f["percent_of_target"], "89");

    let summary: Value =
        app.get(&o.admin, &format!("/api/v1/summary?org_id={}&period=2021", o.town)).await.json().await.unwrap();
    let text = summary["text"].as_str().unwrap_or_else(|| panic!("{summary}"));
    for fact in [
        "农家书屋12个",
        "覆盖率96.5%，同比增长1.2个百分点，完成年度目标的101.6%",
        "村集体收入35.6万元，同比增长18.7%，完成年度目标的89%",
        "新建面积5200平方米",
        "新增就业310人",
    ] {
        assert!(text.contains(fact), "the summary states “{fact}”:\n{text}");
    }
    // Each figure links to its values.
    let html = summary["html"].as_str().unwrap();
    assert!(html.contains("data-cite=\"indicator_value:"), "{html}");

    // A fall is said as one: the rate below last year's.
    let r = put_values(
        &app,
        &o.recorder,
        o.town,
        "2021",
        json!([{ "indicator_id": rate, "value": "94", "last_year": "95.3" }]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let summary: Value =
        app.get(&o.admin, &format!("/api/v1/summary?org_id={}&period=2021", o.town)).await.json().await.unwrap();
    let text = summary["text"].as_str().unwrap();
    assert!(text.contains("覆盖率94.0%，同比下降1.3个百分点"), "{text}");
    assert!(!text.contains("完成年度目标的101.6%"), "the target went with the row: {text}");

    // Clearing a row removes the value; the summary no longer states it.
    let area = ids[3];
    let r = put_values(&app, &o.recorder, o.town, "2021", json!([{ "indicator_id": area, "value": "" }])).await;
    assert_eq!(r.json::<Value>().await.unwrap()["saved"], 1);
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    assert_eq!(line(&s, area, o.town)["value"], "");
    assert!(s["figures"].as_array().unwrap().iter().all(|f| f["name"] != "新建面积"));

    // Every change is in the audit log, in words.
    let admin = app.token("admin").await;
    let log: Value = app.get(&admin, "/api/v1/audit?entity=indicator_value&per_page=50").await.json().await.unwrap();
    assert!(log["total"].as_u64().unwrap() >= 9, "{log}");
}

#[tokio::test]
async fn a_sum_adds_the_sub_orgs_unless_the_org_has_its_own_value() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let [books, _, _, _, jobs] = define(&app, &o).await;
    let r = put_values(
        &app,
        &o.recorder,
        o.town,
        "2021H1",
        json!([
            { "indicator_id": books, "org_id": o.upper, "value": "3" },
            { "indicator_id": books, "org_id": o.lower, "value": "4" },
            { "indicator_id": jobs, "org_id": o.upper, "value": "120" },
            { "indicator_id": jobs, "org_id": o.lower, "value": "80" },
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = sheet(&app, &o.admin, o.town, "2021H1").await;
    let f = figure(&s, "农家书屋");
    assert_eq!((f["value"].as_str(), f["summed"].as_bool()), (Some("7"), Some(true)));
    assert_eq!(f["cite"].as_str().unwrap().split(',').count(), 2, "both villages cited: {f}");
    assert_eq!(figure(&s, "新增就业")["value"], "200");
    assert_eq!(line(&s, jobs, o.town)["sub_total"], "200");
    // A village's own figure is its own value.
    let village = sheet(&app, &o.admin, o.upper, "2021H1").await;
    assert_eq!(figure(&village, "农家书屋")["value"], "3");

    // The town's own value of a summing indicator stands for the town.
    let r = put_values(&app, &o.recorder, o.town, "2021H1", json!([{ "indicator_id": jobs, "value": "250" }])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = sheet(&app, &o.admin, o.town, "2021H1").await;
    let f = figure(&s, "新增就业");
    assert_eq!((f["value"].as_str(), f["summed"].as_bool()), (Some("250"), Some(false)));
    let summary: Value =
        app.get(&o.admin, &format!("/api/v1/summary?org_id={}&period=2021H1", o.town)).await.json().await.unwrap();
    let text = summary["text"].as_str().unwrap();
    assert!(text.contains("农家书屋7个") && text.contains("新增就业250人"), "{text}");
    // The county above sums the town's villages too.
    let county = app.org("X自治县").await;
    let admin = app.token("admin").await;
    let s = sheet(&app, &admin, county.id, "2021H1").await;
    assert_eq!(figure(&s, "农家书屋")["value"], "7");
}

#[tokio::test]
async fn writes_are_for_recorders_and_definitions_for_org_admins() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let [books, rate, _, _, _] = define(&app, &o).await;
    let row = json!([{ "indicator_id": rate, "value": "90" }]);
    // A viewer reads and writes nothing.
    assert_eq!(app.get(&o.viewer, "/api/v1/indicators").await.status(), StatusCode::OK);
    let writes = [
        ("POST", "/api/v1/indicators".to_owned(), json!({ "name": "新指标" })),
        ("PUT", format!("/api/v1/indicators/{books}"), json!({ "name": "书屋" })),
        ("DELETE", format!("/api/v1/indicators/{books}"), json!({})),
        ("PUT", "/api/v1/indicator-values".to_owned(), json!({ "org_id": o.town, "period": "2021", "rows": row })),
    ];
    for (method, path, body) in &writes {
        let r = app.send(&o.viewer, method, path, body.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "viewer {method} {path}");
    }
    let r = app
        .http
        .post(app.url(&format!("/api/v1/indicator-values/import?org_id={}&period=2021", o.town)))
        .bearer_auth(&o.viewer)
        .header("content-type", XLSX)
        .body(b"PK\x03\x04 not read".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "refused before the file is read");
    // A recorder fills values but defines nothing.
    for (method, path, body) in &writes[..3] {
        let r = app.send(&o.recorder, method, path, body.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "recorder {method} {path}");
    }
    let r = app.send(&o.recorder, "PUT", &writes[3].1, writes[3].2.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Another district's admin sees none of it.
    let (other, _) = second_district(&app).await;
    let r = app.send(&other, "PUT", &format!("/api/v1/indicators/{books}"), json!({ "name": "x" })).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.get(&other, &format!("/api/v1/indicator-values?org_id={}&period=2021", o.town)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A village's admin uses the town's indicators and may not change them.
    app.add_user("shangping", "org_admin", "上坪村", false).await;
    let village = app.token("shangping").await;
    let r = app.send(&village, "PUT", &format!("/api/v1/indicators/{books}"), json!({ "name": "书屋" })).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = put_values(&app, &village, o.upper, "2021", json!([{ "indicator_id": books, "value": "6" }])).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A name is used once along a branch.
    let r = app.send(&village, "POST", "/api/v1/indicators", json!({ "name": "农家书屋", "unit": "个" })).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(field_errors(&r.json().await.unwrap())[0].1.contains("河口镇"));
}

#[tokio::test]
async fn bad_numbers_are_refused_by_row_and_field_and_nothing_lands() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let [books, rate, income, _, _] = define(&app, &o).await;
    let r = put_values(
        &app,
        &o.recorder,
        o.town,
        "2021",
        json!([
            { "indicator_id": books, "org_id": o.upper, "value": "7" },
            { "indicator_id": rate, "value": "96.55" },
            { "indicator_id": income, "org_id": o.lower, "value": "很多", "target": "1.5.2" },
            { "indicator_id": books, "org_id": o.town, "value": "1" },
            { "indicator_id": books, "org_id": o.lower, "value": "2.5" },
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let message = |field: &str| {
        errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()).unwrap_or_else(|| panic!("{field}: {errors:?}"))
    };
    assert_eq!(message("rows[2].value"), "第2行“数值”：“96.55”最多保留1位小数");
    assert_eq!(message("rows[3].value"), "第3行“数值”：“很多”不是数字");
    assert_eq!(message("rows[3].target"), "第3行“目标”：“1.5.2”不是数字");
    assert!(message("rows[4].indicator").contains("只适用于村"), "{errors:?}");
    assert_eq!(message("rows[5].value"), "第5行“数值”：“2.5”应为整数（该指标不保留小数）");
    assert!(errors.iter().all(|(f, _)| !f.starts_with("rows[1]")), "{errors:?}");
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    assert_eq!(line(&s, books, o.upper)["value"], "", "nothing landed");

    // A bad period and a foreign indicator are named too.
    let r =
        put_values(&app, &o.recorder, o.town, "2021年第五季度", json!([{ "indicator_id": books, "value": "1" }])).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "period");
    let r = put_values(&app, &o.recorder, o.town, "2021", json!([{ "indicator_id": 999_999, "value": "1" }])).await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "rows[1].indicator");

    // Definitions are checked field by field.
    let r = app
        .send(
            &o.admin,
            "POST",
            "/api/v1/indicators",
            json!({ "name": "", "unit": "平方米平方米平方米平方米", "decimals": 5, "aggregate": "avg" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["name", "unit", "decimals", "aggregate"]);
    // Decimals may not drop below a value already entered.
    let r = put_values(&app, &o.recorder, o.town, "2021", json!([{ "indicator_id": rate, "value": "96.5" }])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .send(&o.admin, "PUT", &format!("/api/v1/indicators/{rate}"), json!({ "name": "覆盖率", "unit": "%" }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "decimals");
}

fn values_workbook(rows: &[[&str; 6]]) -> Vec<u8> {
    let columns = [("单位/组织", 16), ("指标", 16), ("数值", 10), ("目标", 10), ("去年同期", 10), ("备注", 20)];
    let rows: Vec<Vec<Cell>> = rows.iter().map(|r| r.iter().map(|c| Cell::from(*c)).collect()).collect();
    table_workbook("统计指标", "统计指标", &columns, &rows).unwrap()
}

async fn import(app: &TestApp, token: &str, org: i64, bytes: Vec<u8>, report: bool) -> reqwest::Response {
    let report = if report { "&report=xlsx" } else { "" };
    app.http
        .post(app.url(&format!("/api/v1/indicator-values/import?org_id={org}&period=2021{report}")))
        .bearer_auth(token)
        .header("content-type", XLSX)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_with_a_bad_row_lands_nothing_and_names_the_row() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let [books, rate, income, _, _] = define(&app, &o).await;
    // Data starts on sheet row 3 (title, header).
    let bad = values_workbook(&[
        ["上坪村", "农家书屋", "7", "", "", "村委会台账"],
        ["下坪村", "农家书屋", "五", "", "", ""],
        ["河口镇", "覆盖率", "96.55", "", "", ""],
        ["火星村", "村集体收入", "1", "", "", ""],
        ["下坪村", "文化礼堂", "1", "", "", ""],
    ]);
    let r = import(&app, &o.recorder, o.town, bad.clone(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["rows[4].value", "rows[5].value", "rows[6].org", "rows[7].indicator"], "{errors:?}");
    assert_eq!(errors[0].1, "第4行“数值”：“五”不是数字");
    assert!(errors[2].1.starts_with("第6行“单位/组织”：“火星村”"), "{errors:?}");
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    assert_eq!(line(&s, books, o.upper)["value"], "", "nothing landed");
    // The same report as the upload with its bad cells marked.
    let r = import(&app, &o.recorder, o.town, bad, true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], XLSX);

    // The export of the period is the template; filled in, it lands whole.
    let r = app
        .get(&o.recorder, &format!("/api/v1/indicator-values/export.xlsx?org_id={}&period=2021&blank=true", o.town))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let template = r.bytes().await.unwrap().to_vec();
    let rows = taizhang_docs::read_indicator_values(&template).unwrap();
    assert!(rows.iter().any(|r| r.org == "上坪村" && r.indicator == "农家书屋" && r.value.is_empty()), "{rows:?}");
    let good = values_workbook(&[
        ["上坪村", "农家书屋", "7", "", "", "村委会台账"],
        ["下坪村", "农家书屋", "5", "", "", ""],
        ["", "覆盖率", "96.5%", "95", "", ""],
        ["下坪村", "村集体收入", "15.1", "", "12", ""],
        ["上坪村", "村集体收入", "", "", "", ""],
    ]);
    let r = import(&app, &o.recorder, o.town, good, false).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["imported"], 4);
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    assert_eq!(line(&s, books, o.upper)["note"], "村委会台账");
    assert_eq!(line(&s, rate, o.town)["value"], "96.5");
    assert_eq!(line(&s, income, o.lower)["last_year"], "12.0");
    assert_eq!(figure(&s, "农家书屋")["value"], "12");
    // One audit entry for the import.
    let admin = app.token("admin").await;
    let log: Value = app.get(&admin, "/api/v1/audit?action=import&entity=indicator_value").await.json().await.unwrap();
    assert_eq!(log["total"], 1);
    // The export carries the values and reads back.
    let r = app.get(&o.admin, &format!("/api/v1/indicator-values/export.xlsx?org_id={}&period=2021", o.town)).await;
    let rows = taizhang_docs::read_indicator_values(&r.bytes().await.unwrap()).unwrap();
    assert!(rows.iter().any(|r| r.org == "河口镇" && r.indicator == "覆盖率" && r.value == "96.5"), "{rows:?}");
}

#[tokio::test]
async fn the_page_shows_the_grid_and_saves_it_in_one_go() {
    let app = spawn_app().await;
    let o = township(&app).await;
    let [books, rate, _, _, _] = define(&app, &o).await;
    let b = app.browser("hekou").await;
    let (status, home) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("href=\"/indicators\""), "the menu links the page");
    let page = format!("/indicators?org_id={}&period=2021", o.town);
    let (status, html) = b.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("inputmode=\"decimal\""), "{html}");
    assert!(html.contains("hx-boost=\"false\""), "downloads leave boosted navigation");
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    let row = |indicator: i64, org: i64| line(&s, indicator, org)["row"].as_u64().unwrap().to_string();
    let (upper, rate_row) = (row(books, o.upper), row(rate, o.town));
    let town = o.town.to_string();
    let field = |row: &str, key: &str| format!("rows[{row}].{key}");
    let (u_ind, u_org, u_val) = (field(&upper, "indicator_id"), field(&upper, "org_id"), field(&upper, "value"));
    let (r_ind, r_org, r_val) =
        (field(&rate_row, "indicator_id"), field(&rate_row, "org_id"), field(&rate_row, "value"));
    let (books_s, rate_s, upper_s) = (books.to_string(), rate.to_string(), o.upper.to_string());
    let post = |rate_value: &'static str| {
        vec![
            ("org_id", town.clone()),
            ("period", "2021".to_owned()),
            (u_ind.as_str(), books_s.clone()),
            (u_org.as_str(), upper_s.clone()),
            (u_val.as_str(), "9".to_owned()),
            (r_ind.as_str(), rate_s.clone()),
            (r_org.as_str(), town.clone()),
            (r_val.as_str(), rate_value.to_owned()),
        ]
    };
    // A bad cell: nothing saved, the grid again as typed with the error beside it.
    let fields = post("九十");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post("/indicator-values", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("第{rate_row}行“数值”：“九十”不是数字")), "{html}");
    assert!(html.contains("value=\"九十\""), "the typed text stays");
    assert_eq!(line(&sheet(&app, &o.admin, o.town, "2021").await, books, o.upper)["value"], "");
    // Fixed, the whole grid lands.
    let fields = post("96.5");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post("/indicator-values", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = sheet(&app, &o.admin, o.town, "2021").await;
    assert_eq!(
        (line(&s, books, o.upper)["value"].as_str(), line(&s, rate, o.town)["value"].as_str()),
        (Some("9"), Some("96.5"))
    );
    // A definition added from the page.
    let r = b
        .post(
            "/indicators",
            &[
                ("org_id", &town),
                ("name", "文化广场"),
                ("unit", "个"),
                ("decimals", "0"),
                ("aggregate", "sum"),
                ("org_kind", ""),
                ("sort", ""),
                ("back_org", &town),
                ("back_period", "2021"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post(
            "/indicators",
            &[("org_id", &town), ("name", "文化广场"), ("decimals", "x"), ("back_org", &town), ("back_period", "2021")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("小数位数应为0至4之间的整数"), "{html}");
    // A viewer sees the values and no way to change them.
    let viewer = app.browser("hekou_kan").await;
    let (status, html) = viewer.get(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("96.5") && !html.contains("method=\"post\" action=\"/indicators"), "{html}");
}
