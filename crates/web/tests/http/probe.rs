//! Every route of the OpenAPI document that takes an id, called by another
//! district's administrator with this district's ids: each answers 404 or
//! 403, and nothing changes.

use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::auth::Actor;

use crate::helpers::{TestApp, second_district, spawn_app};

/// An id of each kind of record of the demo district, by the path segment
/// that names the kind.
async fn demo_ids(app: &TestApp, token: &str) -> Vec<(&'static str, i64)> {
    let get = |path: String| async move { app.get(token, &path).await.json::<Value>().await.unwrap() };
    let first = |v: &Value, key: &str| v[key][0]["id"].as_i64().or_else(|| v[0]["id"].as_i64()).expect(key);
    let store = &app.services.store;
    let district = app.org("X矿矿区党委").await;
    let path = district.path.clone();
    let activity = first(&get("/api/v1/activities?per_page=1".into()).await, "items");
    let r = app
        .http
        .post(app.url(&format!("/api/v1/activities/{activity}/evidence?name=a.png")))
        .bearer_auth(token)
        .body(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec())
        .send()
        .await
        .unwrap();
    let body = r.json::<Value>().await.unwrap();
    let evidence = body["id"].as_i64().or_else(|| body[0]["id"].as_i64()).unwrap_or_else(|| panic!("{body}"));
    let kept = app.send(token, "POST", "/api/v1/summaries", json!({ "period": "2020H1" })).await;
    let summary = kept.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let project = store.projects(&path).await.unwrap().into_iter().next().unwrap();
    let person = first(&get("/api/v1/people?per_page=1".into()).await, "items");
    let actor = Actor::system("probe");
    vec![
        ("activities", activity),
        (
            "campaigns",
            app.send(token, "POST", "/api/v1/campaigns", json!({ "org_id": district.id, "name": "探测专项" }))
                .await
                .json::<Value>()
                .await
                .unwrap()["id"]
                .as_i64()
                .unwrap_or(0),
        ),
        ("cases", first(&get("/api/v1/cases".into()).await, "items")),
        ("duties", store.duties(&path).await.unwrap()[0].id),
        ("evidence", evidence),
        ("households", first(&get("/api/v1/households?per_page=1".into()).await, "items")),
        (
            "indicators",
            app.send(token, "POST", "/api/v1/indicators", json!({ "name": "探测指标", "unit": "个" }))
                .await
                .json::<Value>()
                .await
                .unwrap()["id"]
                .as_i64()
                .unwrap_or(0),
        ),
        ("key-persons", first(&get("/api/v1/key-persons".into()).await, "")),
        ("memberships", store.memberships_of_org(district.id).await.unwrap()[0].id),
        ("orgs", district.id),
        ("people", person),
        ("pledges", store.pledges(&path).await.unwrap()[0].id),
        ("projects", project.id),
        ("update_id", project.updates.first().map(|u| u.id).unwrap_or(1)),
        ("rectifications", store.rectifications(&path).await.unwrap()[0].id),
        ("reviews", store.review_items(district.id, "2020H1").await.unwrap()[0].id),
        ("screenings", first(&get("/api/v1/screenings".into()).await, "")),
        ("study-plans", store.plan_items(&path, 2020).await.unwrap()[0].id),
        ("summaries", summary),
        ("targets", store.target_list(&path, 2020).await.unwrap()[0].id),
        ("users", app.services.store.user_by_username("kuangqu").await.unwrap().unwrap().id),
        (
            "work-areas",
            app.services.work_areas_for(&actor).await.unwrap().iter().find(|a| a.org_id.is_some()).map_or(1, |a| a.id),
        ),
    ]
}

#[tokio::test]
async fn every_route_with_an_id_refuses_another_districts_records() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let ids = demo_ids(&app, &token).await;
    assert!(ids.iter().all(|(_, id)| *id > 0), "{ids:?}");
    let (other, _) = second_district(&app).await;
    let admin = app.token("admin").await;
    let audit_before =
        app.get(&admin, "/api/v1/audit?per_page=1").await.json::<Value>().await.unwrap()["total"].clone();

    let doc: Value = app.get(&token, "/api/v1/openapi.json").await.json().await.unwrap();
    let (mut probed, mut owner_ok) = (0, 0);
    for (template, item) in doc["paths"].as_object().unwrap() {
        if !template.contains('{') {
            continue;
        }
        let kind = template.trim_start_matches("/api/v1/").split('/').next().unwrap();
        let id_of = |name: &str| {
            ids.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, id)| *id)
                .unwrap_or_else(|| panic!("no demo id for {template}"))
        };
        let path =
            template.replace("{id}", &id_of(kind).to_string()).replace("{update_id}", &id_of("update_id").to_string());
        for method in item.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app.http.request(m, app.url(&path)).bearer_auth(&other).json(&json!({})).send().await.unwrap();
            let status = r.status();
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{method} {path} answered {status}: {}",
                r.text().await.unwrap_or_default()
            );
            probed += 1;
            // The same call by the district's own administrator finds the record.
            if method == "get" && app.get(&token, &path).await.status() == StatusCode::OK {
                owner_ok += 1;
            }
        }
    }
    assert!(probed >= 50, "{probed} calls");
    assert!(owner_ok >= 15, "the ids are real: {owner_ok} of the GETs found their record for the owner");
    // Nothing changed: the only new audit entries are the other district's own.
    let after = app.get(&admin, "/api/v1/audit?per_page=200").await.json::<Value>().await.unwrap();
    let new = after["total"].as_u64().unwrap() - audit_before.as_u64().unwrap();
    let mine: Vec<&Value> = after["items"].as_array().unwrap().iter().take(new as usize).collect();
    assert!(
        mine.iter().all(|e| e["username"] != "y_admin" || ["login", "create"].contains(&e["action"].as_str().unwrap())),
        "{mine:?}"
    );
}
