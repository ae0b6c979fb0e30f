//! Regression tests of the hardening issue: personal-data oracles (phone
//! tails, ID numbers confirmed by a duplicate check or read off the audit
//! log) and who may run a template.

use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::auth::Actor;

use crate::helpers::*;

/// The latest audit entries of an action, newest first.
async fn recent_audit(app: &TestApp, action: &str) -> Vec<taizhang_core::model::AuditEntry> {
    let query = taizhang_core::model::AuditQuery { action: Some(action.into()), per_page: 200, ..Default::default() };
    app.services.audit_list(&Actor::system("test"), query).await.unwrap().items
}

#[tokio::test]
async fn a_masked_phone_cannot_be_read_by_searching_its_tail() {
    let app = spawn_app().await;
    let viewer = app.token("chakan").await;
    // Growing a tail one digit at a time would read the hidden digits.
    for q in ["4", "04", "678", "45678", "2345678", "1234567890"] {
        let r = app.get(&viewer, &format!("/api/v1/people?q={q}")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "q={q}");
        assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "q");
    }
    // The four digits the mask shows, or the whole number, are fine.
    let shequ = app.token("shequ1").await;
    let grid = app.org("第一社区第二网格").await;
    let r = app
        .send(&shequ, "POST", "/api/v1/people", json!({ "org_id": grid.id, "name": "尾号人", "mobile": "13912345678" }))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    for q in ["5678", "13912345678"] {
        let found: Value = app.get(&viewer, &format!("/api/v1/people?q={q}")).await.json().await.unwrap();
        assert!(found["items"].as_array().unwrap().iter().any(|p| p["name"] == "尾号人"), "q={q}");
    }
    let found: Value = app.get(&viewer, "/api/v1/people?q=13912345670").await.json().await.unwrap();
    assert!(!found["items"].as_array().unwrap().iter().any(|p| p["name"] == "尾号人"));
    // With the permission a longer tail works, and is audited.
    let admin = app.token("kuangqu").await;
    let found: Value = app.get(&admin, "/api/v1/people?q=45678").await.json().await.unwrap();
    assert!(found["items"].as_array().unwrap().iter().any(|p| p["name"] == "尾号人"));
    let log = recent_audit(&app, "view_personal").await;
    assert!(log.iter().any(|e| e.record.detail.contains("尾号（5位）")));
}

#[tokio::test]
async fn the_audit_log_hides_the_birth_date_of_a_masked_id_number() {
    let app = spawn_app().await;
    let shequ = app.token("shequ1").await;
    let grid = app.org("第一社区第二网格").await;
    let r = app
        .send(
            &shequ,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "审计人", "id_number": "11010519491231002X" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let log = recent_audit(&app, "create").await;
    let entry = log.iter().find(|e| e.record.entity == "person").expect("the create");
    let text = entry.record.after.as_ref().map(|v| v.to_string()).unwrap_or_default();
    assert!(text.contains("1101**********002X"), "{text}");
    assert!(!text.contains("1949"), "the birth date gives the number away: {text}");
}

#[tokio::test]
async fn a_duplicate_id_number_confirms_nothing_to_an_account_that_may_not_see_its_holder() {
    let app = spawn_app().await;
    let system = Actor::system("test");
    // A resident of the demo, with the ID number the roster gave them.
    let page = app.services.person_search(&system, "", None, 1, 200).await.unwrap();
    let holder = page.items.iter().find_map(|v| v.person.id_number.clone()).expect("a resident with an ID number");
    let grid = app.org("第一社区第二网格").await;
    app.add_user("nopriv", "org_admin", "X矿矿区党委", false).await;
    let nopriv = app.token("nopriv").await;
    let create = |token: String, name: &'static str, number: String| {
        let app = &app;
        async move {
            let r = app
                .send(&token, "POST", "/api/v1/people", json!({ "org_id": grid.id, "name": name, "id_number": number }))
                .await;
            let status = r.status();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    // A registered number and a fresh one get the same kind of answer.
    let (taken, taken_body) = create(nopriv.clone(), "猜号人", holder.as_str().to_owned()).await;
    let (fresh, fresh_body) = create(nopriv.clone(), "新号人", "11010519491231002X".to_owned()).await;
    assert_eq!(taken, StatusCode::CREATED);
    assert_eq!(fresh, StatusCode::CREATED);
    assert_eq!(taken_body["id_number"], holder.masked());
    assert_eq!(taken_body["birth_date"], Value::Null);
    assert_eq!(fresh_body["birth_date"], Value::Null);
    // The holder keeps the number; the guess waits for someone who may see both.
    let guessed = app.services.person_get(&system, taken_body["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(guessed.id_number, None);
    assert_eq!(guessed.id_number_pending.as_ref(), Some(&holder));
    // An account with the permission that sees the holder is told.
    let kuangqu = app.token("kuangqu").await;
    let (status, body) = create(kuangqu, "重复人", holder.as_str().to_owned()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(field_errors(&body)[0].0, "id_number");
    // Another district's administrator, even with the permission, is not.
    let (y_token, y_org) = second_district(&app).await;
    let _ = y_token;
    app.add_user("y_priv", "org_admin", "Y矿矿区党委", true).await;
    let y_priv = app.token("y_priv").await;
    let r = app
        .send(
            &y_priv,
            "POST",
            "/api/v1/people",
            json!({ "org_id": y_org["id"], "name": "外区人", "id_number": holder.as_str() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn only_accounts_that_may_save_a_template_may_preview_one() {
    let app = spawn_app().await;
    for user in ["chakan", "shequ1"] {
        let browser = app.browser(user).await;
        let r = browser.post("/summary/template/preview", &[("source", "{{ 1 }}"), ("period", "2020H1")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user}");
    }
    let browser = app.browser("kuangqu").await;
    let r = browser
        .post(
            "/summary/template/preview",
            &[("source", "{{ 'x' * 1000000 }}{{ 'x' * 1000000 }}"), ("period", "2020H1")],
        )
        .await;
    let body = r.text().await.unwrap();
    assert!(body.contains("上限"), "the output cap stops the preview: {body}");
}
