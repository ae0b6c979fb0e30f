//! One parser per number field: a page form and the API refuse the same bad
//! number with the same field's error, never turning it into 0 or none.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{field_errors, spawn_app};

/// The API's message for a field, from a refused JSON body.
async fn api_error(r: reqwest::Response, field: &str) -> String {
    let body: Value = r.json().await.unwrap();
    let errors = field_errors(&body);
    errors.into_iter().find(|(f, _)| f == field).map(|(_, m)| m).unwrap_or_else(|| panic!("no {field} in {body}"))
}

#[tokio::test]
async fn pages_refuse_a_bad_number_with_the_fields_error_as_the_api_does() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;

    // Care plan: "every 七 days" was read as none on the page.
    let key =
        app.get(&token, "/api/v1/key-persons").await.json::<Value>().await.unwrap()[0]["person_id"].as_i64().unwrap();
    let path = format!("/api/v1/people/{key}/care-plan");
    let plan: Value = app.get(&token, &path).await.json().await.unwrap();
    let cadre = plan["cadre_id"].to_string();
    let starts_on = plan["starts_on"].as_str().unwrap();
    let r = b
        .post(
            &format!("/people/{key}/care-plan"),
            &[("cadre_id", &cadre), ("measures", "居家观察"), ("every_days", "七"), ("starts_on", starts_on)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let body =
        json!({ "cadre_id": plan["cadre_id"], "measures": "居家观察", "every_days": "七", "starts_on": starts_on });
    let r = app.send(&token, "PUT", &path, body).await;
    // A body that does not fit the shape is the API's 400, with the field.
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let message = api_error(r, "every_days").await;
    assert_eq!(message, "应为非负整数");
    assert!(html.contains(&message), "the page shows the field's error");
    let kept: Value = app.get(&token, &path).await.json().await.unwrap();
    assert_eq!(kept["every_days"], plan["every_days"], "nothing saved");

    // Targets: a bad count was 0, a bad year 0.
    let district = app.org("X矿矿区党委").await.id.to_string();
    let r = b
        .post(
            "/targets",
            &[("org_id", &district), ("year", "2020"), ("kind", "meeting"), ("frequency", "year"), ("min_count", "两")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let body = json!({ "org_id": district.parse::<i64>().unwrap(), "year": 2020, "kind": "meeting",
                       "frequency": "year", "min_count": "两" });
    let r = app.send(&token, "POST", "/api/v1/targets", body).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let message = api_error(r, "min_count").await;
    assert_eq!(message, "应为整数");
    assert!(html.contains(&message) && !html.contains("目标次数至少为1次"), "the field's error, not 0's");

    // Study plan: a bad year was 0.
    let r = b
        .post("/study-plans/items", &[("org_id", &district), ("year", "二〇二〇"), ("month", "3"), ("topic", "学习")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("应为整数") && !html.contains("2000年至2100年"), "the field's error, not 0's");
}
