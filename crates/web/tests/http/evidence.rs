use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// A valid 1×1 PNG.
pub fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
        .unwrap()
}

async fn upload(app: &TestApp, token: &str, activity: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/activities/{activity}/evidence?name={name}")))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn first_activity(app: &TestApp, token: &str, filter: &str) -> i64 {
    let list: Value = app.get(token, &format!("/api/v1/activities?{filter}")).await.json().await.unwrap();
    list["items"][0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn photos_are_checked_by_content_kept_through_edits_and_scoped() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let id = first_activity(&app, &token, "kind=central_group_study").await;
    let before: Value = app.get(&token, "/api/v1/dashboard?period=2020").await.json().await.unwrap();

    let r = upload(&app, &token, id, "会场.png", png()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["content_type"], "image/png");
    assert_eq!(e["has_thumbnail"], true);

    // Content decides: a script named .jpg is refused.
    let r = upload(&app, &token, id, "photo.jpg", b"<script>alert(1)</script>".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    assert_eq!(errors[0].0, "file");
    assert!(errors[0].1.contains("不是支持的文件类型"), "{}", errors[0].1);
    // Over the limit.
    let mut big = png();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let r = upload(&app, &token, id, "big.png", big).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_errors(&r.json().await.unwrap())[0].1.contains("超过10MB"));
    let r = upload(&app, &token, id, "huge.png", vec![0u8; 12 * 1024 * 1024]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["message"], "上传的文件过大");

    let file = app.get(&token, &format!("/api/v1/evidence/{}", e["id"])).await;
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.bytes().await.unwrap().to_vec(), png());
    let thumb = app.get(&token, &format!("/api/v1/evidence/{}/thumbnail", e["id"])).await;
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");

    // Editing the record keeps its evidence.
    let mut a: Value = app.get(&token, &format!("/api/v1/activities/{id}")).await.json().await.unwrap();
    a["title"] = json!("党委理论学习中心组集中学习（改）");
    a["reported_on"] = json!("");
    assert_eq!(app.send(&token, "PUT", &format!("/api/v1/activities/{id}"), a).await.status(), StatusCode::OK);
    let list: Vec<Value> = app.get(&token, &format!("/api/v1/activities/{id}/evidence")).await.json().await.unwrap();
    assert_eq!(list.len(), 1);

    let after: Value = app.get(&token, "/api/v1/dashboard?period=2020").await.json().await.unwrap();
    assert_eq!(after["without_evidence"].as_u64().unwrap() + 1, before["without_evidence"].as_u64().unwrap());

    // Another subtree sees nothing.
    let shequ = app.token("shequ1").await;
    assert_eq!(app.get(&shequ, &format!("/api/v1/evidence/{}", e["id"])).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(upload(&app, &shequ, id, "x.png", png()).await.status(), StatusCode::NOT_FOUND);

    // Deleting the record deletes its files.
    assert_eq!(
        app.send(&token, "DELETE", &format!("/api/v1/activities/{id}"), json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&token, &format!("/api/v1/evidence/{}", e["id"])).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn upload_through_the_page() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let id = first_activity(&app, &token, "kind=volunteer_activity").await;
    let b = app.browser("kuangqu").await;
    let send = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", b.csrf.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        b.client.post(format!("{}/activities/{id}/evidence", b.base)).multipart(form).send()
    };
    let r = send(b"MZ not a photo".to_vec(), "setup.exe").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"e-file\""));
    let r = send(png(), "活动照片.png").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get(&format!("/activities/{id}")).await;
    assert!(html.contains("/thumbnail\" alt=\"活动照片.png\""), "the page shows the thumbnail");
    let (_, list) = b.get("/activities?kind=volunteer_activity&period=2020").await;
    assert!(list.contains("class=\"thumb-small\""), "the list shows a thumbnail");
}
