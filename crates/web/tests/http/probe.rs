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
    let store = &app.store;
    let district = app.org("X矿矿区党委").await;
    let path = district.path.clone();
    let activity = first(&get("/api/v1/activities?per_page=1".into()).await, "items");
    let r = app
        .http
        .post(app.url(&format!("/api/v1/activities/{activity}/evidence?name=a.png")))
        .bearer_auth(token)
        .body(crate::evidence::png())
        .send()
        .await
        .unwrap();
    let body = r.json::<Value>().await.unwrap();
    let evidence = body["id"].as_i64().or_else(|| body[0]["id"].as_i64()).unwrap_or_else(|| panic!("{body}"));
    let kept = app.send(token, "POST", "/api/v1/summaries", json!({ "period": "2020H1" })).await;
    let summary = kept.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let project = store.projects(&path).await.unwrap().into_iter().next().unwrap();
    let update = project.updates.first().expect("the demo project has a progress update").id;
    let pledge = store.pledges(&path).await.unwrap()[0].id;
    // A scan of the pledge and a photo of the update, so that their routes find a file.
    for file in
        [format!("/api/v1/pledges/{pledge}/scan"), format!("/api/v1/projects/{}/progress/{update}/photo", project.id)]
    {
        let r =
            app.http.put(app.url(&format!("{file}?name=a.png"))).bearer_auth(token).body(crate::evidence::png()).send();
        assert_eq!(r.await.unwrap().status(), StatusCode::OK, "{file}");
    }
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
                .expect("a new campaign"),
        ),
        ("cases", first(&get("/api/v1/cases".into()).await, "items")),
        (
            "report-tasks",
            // The district's own task (the county's is the county's to show below it).
            get("/api/v1/report-tasks".into())
                .await
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["org_id"] == district.id)
                .and_then(|t| t["id"].as_i64())
                .expect("the district's monthly task"),
        ),
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
                .expect("a new indicator"),
        ),
        ("key-persons", first(&get("/api/v1/key-persons".into()).await, "")),
        ("memberships", store.memberships_of_org(district.id).await.unwrap()[0].id),
        ("orgs", district.id),
        ("people", person),
        ("pledges", pledge),
        ("projects", project.id),
        ("update_id", update),
        ("rectifications", store.rectifications(&path).await.unwrap()[0].id),
        ("reviews", store.review_items(district.id, "2020H1").await.unwrap()[0].id),
        ("screenings", first(&get("/api/v1/screenings".into()).await, "")),
        ("study-plans", store.plan_items(&path, 2020).await.unwrap()[0].id),
        ("summaries", summary),
        ("targets", store.target_list(&path, 2020).await.unwrap()[0].id),
        ("users", app.store.user_by_username("kuangqu").await.unwrap().unwrap().id),
        (
            "work-areas",
            app.services
                .work_areas_for(&actor)
                .await
                .unwrap()
                .iter()
                .find(|a| a.org_id.is_some())
                .expect("an org's own work area")
                .id,
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
    // Per route: the other district's answer, and for a GET whether the
    // owner's same call finds the record (so the id probed is real).
    let mut leaked = Vec::new();
    let mut unfound = Vec::new();
    let mut probed = 0;
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
            if status != StatusCode::NOT_FOUND && status != StatusCode::FORBIDDEN {
                leaked.push(format!("{method} {path} answered {status}: {}", r.text().await.unwrap_or_default()));
            }
            probed += 1;
            if method == "get" {
                let status = app.get(&token, &path).await.status();
                if status != StatusCode::OK {
                    unfound.push(format!("GET {path} answered the owner {status}"));
                }
            }
        }
    }
    assert!(probed > 0, "the OpenAPI document lists routes with ids");
    assert!(leaked.is_empty(), "another district reached these records:\n{}", leaked.join("\n"));
    assert!(unfound.is_empty(), "the probed ids must be real records of the owner:\n{}", unfound.join("\n"));
    // Nothing changed: the only new audit entries are the other district's own.
    let after = app.get(&admin, "/api/v1/audit?per_page=200").await.json::<Value>().await.unwrap();
    let new = after["total"].as_u64().unwrap() - audit_before.as_u64().unwrap();
    let mine: Vec<&Value> = after["items"].as_array().unwrap().iter().take(new as usize).collect();
    assert!(
        mine.iter().all(|e| e["username"] != "y_admin" || ["login", "create"].contains(&e["action"].as_str().unwrap())),
        "{mine:?}"
    );
}
