use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn health_answers_without_sign_in() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn login_gives_a_token_that_identifies_the_account() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let me: Value = app.get(&token, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["username"], "kuangqu");
    assert_eq!(me["role"], "org_admin");

    let r = app.get("not-a-token", "/api/v1/me").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.http.get(app.url("/api/v1/orgs")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Signing out revokes the token.
    let r = app.send(&token, "POST", "/api/v1/auth/logout", json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_slowed_then_refused_and_audited() {
    let app = spawn_app().await;
    let attempt = |password: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "username": "chakan", "password": password }))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        let r = attempt("wrong-password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["message"], "用户名或密码错误，或登录已过期");
    }
    // Locked now, even with the right password.
    let r = attempt(PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("登录失败次数过多"));
    // Other accounts are unaffected.
    app.token("kuangqu").await;

    let admin = app.token("admin").await;
    let log: Value = app.get(&admin, "/api/v1/audit?action=login_failed").await.json().await.unwrap();
    assert_eq!(log["total"], 5);
}

#[tokio::test]
async fn malformed_and_oversized_bodies_are_answered_in_chinese() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["message"], "请求内容不是有效的 JSON");

    let token = app.token("admin").await;
    let huge = "x".repeat(100 * 1024);
    let r = app.send(&token, "POST", "/api/v1/people", json!({ "name": huge })).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let r = app.get(&token, "/api/v1/people/abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("编号"));

    let r = app.get(&token, "/api/v1/no-such-thing").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Routes and their OpenAPI entries are registered together, so the document
/// and the router cannot disagree; this checks it from outside. Every
/// operation the document lists is called (without a token, so nothing
/// changes), and the metrics, which count only requests that matched a route,
/// must show each one under its own template and method, answered by its
/// handler (not 405).
#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = Vec::new();
    for (template, item) in paths {
        assert!(template.starts_with("/api/v1/"), "{template}");
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), template.clone()));
        }
    }
    // The API's areas, each by one of its paths: a route left out of the
    // table would be missing here and unreachable.
    for path in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/orgs/{id}/memberships",
        "/api/v1/people/{id}",
        "/api/v1/memberships/{id}",
        "/api/v1/users/{id}",
        "/api/v1/audit",
        "/api/v1/activities/{id}/evidence",
        "/api/v1/targets/{id}",
        "/api/v1/study-plans/items/{id}/session",
        "/api/v1/rectifications/{id}/progress",
        "/api/v1/pledges/{id}/scan",
        "/api/v1/cases/{id}/steps",
        "/api/v1/projects/{id}/progress/{update_id}/photo",
        "/api/v1/reviews/items/{id}",
        "/api/v1/roster/import",
        "/api/v1/screenings/{id}/visits",
        "/api/v1/people/{id}/care-plan",
        "/api/v1/daily-report/export.xlsx",
        "/api/v1/summaries/{id}/download",
        "/api/v1/indicator-values/import",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    for (method, template) in &operations {
        let path = template.replace("{id}", "0").replace("{update_id}", "0");
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        app.http.request(m, app.url(&path)).json(&json!({})).send().await.unwrap();
    }
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let served: Vec<(String, String, String)> = text
        .lines()
        .filter(|l| l.starts_with("taizhang_http_requests_total{"))
        .map(|l| {
            let label = |name: &str| {
                let start = l.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).unwrap_or(l.len());
                l[start..].split('"').next().unwrap_or_default().to_string()
            };
            (label("method"), label("route"), label("status"))
        })
        .collect();
    let mut missing = Vec::new();
    for (method, template) in &operations {
        if !served.iter().any(|(m, r, status)| m == method && r == template && status != "405") {
            missing.push(format!("{method} {template}"));
        }
    }
    assert!(missing.is_empty(), "listed in the OpenAPI document but not routed:\n{}", missing.join("\n"));
    assert!(operations.len() > 130, "{} operations", operations.len());
}
