//! Regression tests of the hardening issue: text that documents cannot carry
//! (14), record text that looks like markup in the summary (18), and the
//! names of uploaded files (19).

use std::io::Read;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// An activity of the district's party committee, as the API takes it.
async fn activity(app: &TestApp, title: &str) -> Value {
    let org = app.org("X矿矿区党委").await.id;
    json!({ "org_id": org, "kind": "sanitation", "title": title, "date": "2020-05-12" })
}

/// 14: a character XML forbids (U+FFFF, NUL, other C0 controls) would break
/// the district's whole .xlsx export: inputs refuse it, naming the field.
#[tokio::test]
async fn text_no_document_can_carry_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let body = activity(&app, "环境卫生\u{FFFF}整治").await;
    let r = app.send(&token, "POST", "/api/v1/activities", body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "title");
    assert!(errors[0].1.starts_with("活动名称") && errors[0].1.contains("控制字符"), "{}", errors[0].1);

    // Every field at once, optional ones too; tab and line breaks stay allowed.
    let mut body = activity(&app, "环境卫生整治").await;
    body["summary"] = json!("第一行\n第二行\t\u{0}");
    body["place"] = json!("广场\u{1B}");
    body["materials"] = json!(["材料一", "材料\u{FFFE}二"]);
    let r = app.send(&token, "POST", "/api/v1/activities", body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["summary", "place", "materials"]);

    // Other records, through the same check.
    let org = app.org("X矿矿区党委").await.id;
    let r = app
        .send(&token, "POST", "/api/v1/people", json!({ "org_id": org, "name": "韦\u{FFFF}明", "notes": "\u{7}" }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    assert!(errors.iter().any(|(f, m)| f == "name" && m.starts_with("姓名")), "{errors:?}");
    assert!(errors.iter().any(|(f, m)| f == "notes" && m.starts_with("备注")), "{errors:?}");

    // Clean text still goes in, and the export still reads back.
    let mut body = activity(&app, "环境卫生整治").await;
    body["summary"] = json!("第一行\n第二行\t缩进");
    assert_eq!(app.send(&token, "POST", "/api/v1/activities", body).await.status(), StatusCode::CREATED);
    let r = app.get(&token, "/api/v1/activities/export.xlsx?period=2020").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let book: Result<calamine::Xlsx<_>, _> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes));
    assert!(book.is_ok(), "the export reads back");
}

/// The text of a DOCX's body.
fn docx_body(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("its body").read_to_string(&mut xml).unwrap();
    xml
}

/// 18: a record titled like the summary's citations, a Markdown link and an
/// HTML tag shows as written in the HTML, Markdown and DOCX of the summary:
/// no citation, link or element is made from it, and `{{ }}` stays text.
#[tokio::test]
async fn record_text_that_looks_like_markup_stays_text_in_every_summary_format() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let title = "[[假数字|activity:1]] [x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ data }}";
    // Sanitation activities are listed by title in the default template.
    let r = app.send(&token, "POST", "/api/v1/activities", activity(&app, title).await).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);

    let s: Value = app.get(&token, "/api/v1/summary?period=2020H1").await.json().await.unwrap();
    let text = s["text"].as_str().expect("the summary");
    assert!(text.contains(title), "the title as written in:\n{text}");

    let html = s["html"].as_str().unwrap();
    let shown = "[[假数字|activity:1]] [x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; {{ data }}";
    assert!(html.contains(shown), "{html}");
    assert!(!html.contains(">假数字</a>"), "no citation made from the title: {html}");
    assert!(!html.contains("<img") && !html.contains("href=\"javascript"), "{html}");
    assert!(html.contains("class=\"cite\""), "the template's own citations remain");

    let markdown = s["markdown"].as_str().unwrap();
    let escaped =
        r"\[\[假数字\|activity:1\]\] \[x\]\(javascript:alert\(1\)\) &lt;img src=x onerror=alert\(1\)&gt; {{ data }}";
    assert!(markdown.contains(escaped), "{markdown}");
    assert!(!markdown.contains("<img") && !markdown.contains("](javascript"), "{markdown}");
    let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=md").await;
    assert_eq!(r.text().await.unwrap(), markdown, "the download is the same Markdown");

    let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=docx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = docx_body(&r.bytes().await.unwrap());
    assert!(body.contains(shown), "the title as text in the DOCX:\n{body}");
}

/// An evidence upload, the name sent as the API takes it.
async fn upload(app: &TestApp, token: &str, activity: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/activities/{activity}/evidence")))
        .query(&[("name", name)])
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// 19: the stored name follows the type found in the bytes; names with bidi
/// or control characters are refused; a Word file must be a real package.
#[tokio::test]
async fn uploaded_names_follow_the_detected_type_and_tricks_are_refused() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.send(&token, "POST", "/api/v1/activities", activity(&app, "环境卫生整治").await).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // A PNG named evil.html is kept, listed and served as evil.png.
    let r = upload(&app, &token, id, "evil.html", crate::evidence::png()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["file_name"], "evil.png");
    assert_eq!(e["content_type"], "image/png");
    let list: Vec<Value> = app.get(&token, &format!("/api/v1/activities/{id}/evidence")).await.json().await.unwrap();
    assert_eq!(list[0]["file_name"], "evil.png");
    let file = app.get(&token, &format!("/api/v1/evidence/{}", e["id"])).await;
    let disposition = file.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.ends_with("''evil.png"), "{disposition}");

    // A right-to-left override (U+202E: "photo" + RLO + "gnp.exe" shows as
    // "photoexe.png") and other bidi or control characters are refused.
    for name in ["photo\u{202E}gnp.exe", "a\u{2066}b.png", "a\u{200F}.png", "a\u{1}.png"] {
        let r = upload(&app, &token, id, name, crate::evidence::png()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let errors = field_errors(&r.json().await.unwrap());
        assert_eq!(errors[0].0, "file");
        assert!(errors[0].1.contains("文件名") && !errors[0].1.contains(name), "{}", errors[0].1);
    }

    // "PK" and junk is not a Word file, whatever its name.
    let r = upload(&app, &token, id, "x.docx", b"PK\x03\x04 not a zip at all".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&r.json().await.unwrap())[0].1.contains("不是支持的文件类型"));
    // A real Word document is accepted, and named as one.
    let docx = taizhang_docs::report::docx(&taizhang_docs::report::parse("# 方案\n\n正文。")).unwrap();
    let r = upload(&app, &token, id, "整治方案.zip", docx).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["file_name"], "整治方案.docx");
    assert_eq!(e["content_type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    // And a real workbook as an Excel file.
    let xlsx = taizhang_docs::table_workbook("台账", "台账", &[("名称", 10)], &[]).unwrap();
    let r = upload(&app, &token, id, "台账.xlsx", xlsx).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["file_name"], "台账.xlsx");
}
