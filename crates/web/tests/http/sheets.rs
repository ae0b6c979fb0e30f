use reqwest::StatusCode;
use serde_json::Value;
use taizhang_core::ledger::SheetActivity;
use taizhang_docs::{ActivityExport, activities_workbook, read_activities};

use crate::helpers::*;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn workbook(rows: Vec<SheetActivity>) -> Vec<u8> {
    let rows: Vec<ActivityExport> = rows.into_iter().map(|sheet| ActivityExport { sheet, present: 0 }).collect();
    activities_workbook("测试台账", &rows).unwrap()
}

fn good(title: &str) -> SheetActivity {
    SheetActivity {
        org: "X矿矿区党委".into(),
        date: "2020-07-03".into(),
        kind: "宣传".into(),
        work_area: "扫黑除恶专项斗争宣传".into(),
        title: title.into(),
        campaign: "扫黑除恶专项斗争".into(),
        channels: "标语、横幅".into(),
        banners: "4".into(),
        participants: "韦建国、蓝秀英".into(),
        ..Default::default()
    }
}

async fn import(app: &TestApp, token: &str, bytes: Vec<u8>, report: bool) -> reqwest::Response {
    let path = if report { "/api/v1/activities/import?report=xlsx" } else { "/api/v1/activities/import" };
    app.http.post(app.url(path)).bearer_auth(token).header("content-type", XLSX).body(bytes).send().await.unwrap()
}

async fn total(app: &TestApp, token: &str) -> u64 {
    let list: Value = app.get(token, "/api/v1/activities").await.json().await.unwrap();
    list["total"].as_u64().unwrap()
}

#[tokio::test]
async fn export_then_import_round_trips_and_refuses_duplicates() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.get(&token, "/api/v1/activities/export.xlsx?period=2020H1").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], XLSX);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap().to_vec();
    let rows = read_activities(&bytes).unwrap();
    let d: Value = app.get(&token, "/api/v1/dashboard?period=2020H1").await.json().await.unwrap();
    assert_eq!(rows.len() as u64, d["total"].as_u64().unwrap());
    let volunteer = rows.iter().find(|r| r.kind == "志愿服务").unwrap();
    assert!(!volunteer.reported_on.is_empty() && !volunteer.participants.is_empty());

    // The same rows again are all duplicates: nothing lands.
    let before = total(&app, &token).await;
    let r = import(&app, &token, bytes.clone(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let distinct: std::collections::BTreeSet<String> =
        errors.iter().map(|e| e.1.split("：").nth(1).unwrap_or("").to_owned()).collect();
    assert_eq!(errors.len(), rows.len(), "{distinct:?}");
    assert!(errors[0].1.contains("与已有记录重复"), "{}", errors[0].1);
    assert_eq!(total(&app, &token).await, before);

    // Into a fresh database the export imports whole, with the same figures.
    let other = spawn_app().await;
    let admin = other.token("admin").await;
    other.db_clear_activities().await;
    let r = import(&other, &admin, bytes, false).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let again: Value = other.get(&admin, "/api/v1/dashboard?period=2020H1&org_id=2").await.json().await.unwrap();
    assert_eq!(again["by_kind"], d["by_kind"]);
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_with_every_row_and_column_named() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let before = total(&app, &token).await;
    let bad_org = SheetActivity { org: "火星矿区".into(), ..good("第二行") };
    let bad_date = SheetActivity { date: "2020-02-30".into(), kind: "跳舞".into(), ..good("第三行") };
    let bad_people = SheetActivity {
        participants: "无名氏".into(),
        channels: "飞鸽传书".into(),
        banners: "许多".into(),
        ..good("第四行")
    };
    let bytes = workbook(vec![good("第一行"), bad_org, bad_date, bad_people, good("第一行")]);
    let r = import(&app, &token, bytes.clone(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    // Data starts on sheet row 3 (title, header).
    for f in [
        "rows[4].org",
        "rows[5].kind",
        "rows[5].date",
        "rows[6].participants",
        "rows[6].channels",
        "rows[6].banners",
        "rows[7].title",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let message = &errors.iter().find(|(f, _)| f == "rows[4].org").unwrap().1;
    assert_eq!(message, "第4行“组织”：“火星矿区”不存在或不在您的管辖范围内");
    assert_eq!(total(&app, &token).await, before, "nothing landed");

    // The same report as a workbook.
    let r = import(&app, &token, bytes, true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], XLSX);

    // Fixed, it lands whole.
    let r = import(&app, &token, workbook(vec![good("七月宣传一"), good("七月宣传二")]), false).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["imported"], 2);
    assert_eq!(total(&app, &token).await, before + 2);
    let admin = app.token("admin").await;
    let log: Value = app.get(&admin, "/api/v1/audit?action=import&entity=activity").await.json().await.unwrap();
    assert_eq!(log["total"], 1);
}

#[tokio::test]
async fn not_a_spreadsheet_and_missing_columns_are_explained() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = import(&app, &token, b"PK\x03\x04 not really".to_vec(), false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].1, "文件不是有效的 Excel（.xlsx）文件");
    let report = taizhang_docs::error_report("x", &[]).unwrap();
    let r = import(&app, &token, report, false).await;
    assert!(field_errors(&r.json().await.unwrap())[0].1.contains("找不到表头"));
    let r = import(&app, &token, workbook(vec![]), false).await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].1, "文件中没有数据行");
}

#[tokio::test]
async fn the_template_has_a_sample_and_drop_down_lists() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.get(&token, "/api/v1/activities/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let rows = read_activities(&bytes).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].org, "X矿矿区党委");
    // The sample row imports as it is.
    let r = import(&app, &token, bytes, false).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
}

#[tokio::test]
async fn import_through_the_page() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let (status, html) = b.get("/activities/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("下载导入模板"));
    let upload = |bytes: Vec<u8>, csrf: String| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("台账.xlsx"));
        b.client.post(format!("{}/activities/import", b.base)).multipart(form).send()
    };
    let r = upload(workbook(vec![SheetActivity { org: "不存在".into(), ..good("甲") }]), b.csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("第3行“组织”：“不存在”不存在或不在您的管辖范围内"));
    assert!(html.contains("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"));
    let r = upload(workbook(vec![good("甲")]), "0".repeat(64)).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = upload(workbook(vec![good("甲")]), b.csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("已导入 1 条工作记录"));
    let (status, _) = b.get("/activities/export.xlsx?period=2020").await;
    assert_eq!(status, StatusCode::OK);
}
