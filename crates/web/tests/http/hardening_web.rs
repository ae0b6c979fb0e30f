//! Regression tests of the hardening issue: sign-in redirects, security
//! headers, redirects built from form input, metrics labels, and the API's
//! OpenAPI document and JSON errors.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, hidden_csrf, spawn_app};

/// Signs in through the form with `next` and answers the status and `Location`.
async fn sign_in_with_next(app: &TestApp, next: &str) -> (StatusCode, String) {
    let client = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_csrf(&form);
    let r = client
        .post(app.url("/login"))
        .form(&[("username", "kuangqu"), ("password", PASSWORD), ("next", next), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status(), location)
}

/// How many entries the audit log holds.
async fn audit_total(app: &TestApp, admin: &str) -> i64 {
    app.get(admin, "/api/v1/audit?per_page=1").await.json::<Value>().await.unwrap()["total"].as_i64().unwrap()
}

// Item 11: an open redirect after sign-in.
#[tokio::test]
async fn hardening_web_sign_in_redirects_only_to_local_paths() {
    let app = spawn_app().await;
    for evil in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        "\t//evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t\\evil.example/",
        "https://evil.example/",
        "evil.example",
        "",
    ] {
        let (status, location) = sign_in_with_next(&app, evil).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{evil:?}");
        assert_eq!(location, "/", "{evil:?}");
    }
    let (status, location) = sign_in_with_next(&app, "/activities?kind=meeting&page=2").await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/activities?kind=meeting&page=2"));
    // A local path with other characters still works, encoded.
    let (status, location) = sign_in_with_next(&app, "/people?q=张").await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/people?q=%E5%BC%A0"));
    // The sign-in form does not carry such a `next` either.
    let html = app.http.get(app.url("/login?next=/%09/evil.example/")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("evil.example"), "{html}");
}

// Item 12: security headers on every answer, no-store on pages and exports.
#[tokio::test]
async fn hardening_web_security_headers_on_pages_api_and_static_files() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let page = b.client.get(app.url("/dashboard")).send().await.unwrap();
    let api = app.http.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    let css = app.http.get(app.url("/static/app.css")).send().await.unwrap();
    let login = app.http.get(app.url("/login")).send().await.unwrap();
    let missing = app.http.get(app.url("/no-such-page")).send().await.unwrap();
    let export = b.client.get(app.url("/activities/export.xlsx")).send().await.unwrap();
    let api_export = app.http.get(app.url("/api/v1/activities/export.xlsx")).bearer_auth(&token).send().await.unwrap();
    for (what, r) in [
        ("page", &page),
        ("api", &api),
        ("static", &css),
        ("login", &login),
        ("404", &missing),
        ("export", &export),
        ("api export", &api_export),
    ] {
        let h = r.headers();
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap()).unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe"), "{what}: {csp}");
        assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{what}");
        assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{what}");
        assert_eq!(h.get("referrer-policy").map(|v| v.to_str().unwrap()), Some("same-origin"), "{what}");
    }
    let cache = |r: &reqwest::Response| r.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(api_export.status(), StatusCode::OK);
    for (what, r) in [("page", &page), ("export", &export), ("api export", &api_export), ("api", &api)] {
        assert_eq!(cache(r).as_deref(), Some("no-store"), "{what}");
    }
    // Static files stay cacheable.
    assert!(cache(&css).unwrap().contains("max-age"), "{:?}", cache(&css));
}

/// The pages' markup needs no inline script, so the policy can forbid it.
#[tokio::test]
async fn hardening_web_pages_carry_no_inline_script() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    for path in ["/", "/dashboard", "/study-plans?year=2020", "/activities", "/roster/import", "/summary/template"] {
        let (status, html) = b.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let lower = html.to_lowercase();
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            assert!(tag.contains(" src="), "{path}: inline script {tag}");
        }
        for attr in [" onchange=", " onclick=", " onsubmit=", " oninput=", " onload=", "javascript:"] {
            assert!(!lower.contains(attr), "{path}: {attr}");
        }
    }
    // The script that submits the plan's session choice is served.
    let r = app.http.get(app.url("/static/app.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
}

// Item 15: a newline in a form field answered 500 after the change was saved.
#[tokio::test]
async fn hardening_web_control_characters_in_form_fields_are_refused_before_writing() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let b = app.browser("kuangqu").await;
    let district = app.org("X矿矿区党委").await.id.to_string();

    // Sign-in with such a `next`: signed in, sent home.
    let (status, location) = sign_in_with_next(&app, "/\n/x").await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/"));

    let before = audit_total(&app, &admin).await;
    let r = b
        .post(
            "/reviews/items",
            &[("org_id", "x\n"), ("period", "2020H1"), ("section", "problem"), ("text", "不应保存的问题")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("组织无效"), "{html}");
    assert_eq!(audit_total(&app, &admin).await, before, "nothing is written");
    let (_, review) = b.get(&format!("/reviews?org_id={district}&period=2020H1")).await;
    assert!(!review.contains("不应保存的问题"));

    // The same with a good org: saved, and the redirect carries the period encoded.
    let r = b
        .post(
            "/reviews/items",
            &[("org_id", &district), ("period", "2020H1\n"), ("section", "problem"), ("text", "应保存的问题")],
        )
        .await;
    assert_ne!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    if r.status() == StatusCode::SEE_OTHER {
        let location = r.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/reviews?") && !location.contains('\n'), "{location}");
    }

    // Resetting (or saving) the summary template with such an org id.
    let own = "# 自己的模板\n\n{{ data.org }}\n";
    let saved = b.post("/summary/template", &[("org_id", &district), ("period", "2020H1"), ("source", own)]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let before = audit_total(&app, &admin).await;
    for (path, fields) in [
        ("/summary/template/reset", vec![("org_id", "x\n"), ("period", "2020H1")]),
        ("/summary/template", vec![("org_id", "x\n"), ("period", "2020H1"), ("source", "# 新模板\n")]),
    ] {
        let r = b.post(path, &fields).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(r.text().await.unwrap().contains("组织无效"), "{path}");
    }
    assert_eq!(audit_total(&app, &admin).await, before, "nothing is written");
    let (_, editor) = b.get(&format!("/summary/template?org_id={district}")).await;
    assert!(editor.contains("自己的模板"), "the org's template is kept");

    // A newline in the period: reset, and sent back with the period encoded.
    let r = b.post("/summary/template/reset", &[("org_id", &district), ("period", "2020\nH1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("/summary/template?org_id={district}&period=2020%0AH1"));
}

// Item 17: made-up method names do not become metric series.
#[tokio::test]
async fn hardening_web_metrics_label_unknown_methods_as_other() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    for method in ["FOOBAR123", "BREW", "GET"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        app.http.request(method, app.url("/api/v1/people")).bearer_auth(&token).send().await.unwrap();
    }
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains("FOOBAR123") && !text.contains("BREW"), "{text}");
    assert!(text.contains(r#"taizhang_http_requests_total{method="other",route="/api/v1/people""#), "{text}");
    assert!(text.contains(r#"taizhang_http_requests_total{method="GET",route="/api/v1/people",status="200"}"#));
}

// Item 21: the OpenAPI document's parameters, the created kind, JSON errors.
#[tokio::test]
async fn hardening_web_openapi_path_parameters_are_in_the_path() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let doc: Value = app.get(&token, "/api/v1/openapi.json").await.json().await.unwrap();
    let mut wrong = Vec::new();
    let mut queries = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" if !template.contains(&format!("{{{name}}}")) => {
                        wrong.push(format!("{method} {template}: {name}"));
                    }
                    "path" => assert_eq!(p["required"], json!(true), "{method} {template}: {name}"),
                    "query" => queries += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(wrong.is_empty(), "declared in the path but not in it: {wrong:#?}");
    assert!(queries > 20, "query parameters are declared as such");
    // Optional query parameters are optional.
    let people = doc["paths"]["/api/v1/people"]["get"]["parameters"].as_array().unwrap();
    let per_page = people.iter().find(|p| p["name"] == "per_page").expect("per_page");
    assert_eq!(per_page["in"], "query");
    assert_ne!(per_page["required"], json!(true));
}

#[tokio::test]
async fn hardening_web_created_kind_is_answered() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.send(&token, "POST", "/api/v1/kinds", json!({ "name": " 读书会 " })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({ "code": "读书会", "label": "读书会" }));
    let doc: Value = app.get(&token, "/api/v1/openapi.json").await.json().await.unwrap();
    let created = &doc["paths"]["/api/v1/kinds"]["post"]["responses"]["201"];
    assert!(created["content"]["application/json"]["schema"].is_object(), "{created}");
}

#[tokio::test]
async fn hardening_web_json_body_errors_are_chinese_and_name_the_field() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let cases = [
        (json!({ "title": "t", "others_count": -1 }), "others_count", "非负整数"),
        (json!({ "title": "t", "others_count": "3" }), "others_count", "整数"),
        (json!({ "title": "t", "participants": [{ "person_id": "x" }] }), "participants[0].person_id", "整数"),
        (json!({ "title": 5 }), "title", "文本"),
        (json!({ "title": "t", "banners": 1.5 }), "banners", "整数"),
    ];
    for (body, field, expected) in cases {
        let r = app.send(&token, "POST", "/api/v1/activities", body.clone()).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = r.json().await.unwrap();
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("请求内容格式不对：字段 "), "{message}");
        assert!(message.contains(field) && message.contains(expected), "{body}: {message}");
        assert!(!message.contains("invalid") && !message.contains("expected"), "{message}");
        assert_eq!(error["error"]["fields"][0]["field"], field, "{error}");
    }
    // A field missing from a body that requires it.
    let r = app.send(&token, "POST", "/api/v1/auth/login", json!({ "username": "kuangqu" })).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let message = r.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("password") && message.contains("缺少"), "{message}");
}
