use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn register_a_person_with_checked_id_and_mobile() {
    let app = spawn_app().await;
    let token = app.token("shequ1").await;
    let grid = app.org("第一社区第二网格").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "王小明", "id_number": "11010519491231002x", "mobile": "+86 138-1234-5678" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.unwrap();
    // Gender and birth date come from the ID number; personal data is masked,
    // the birth date with it (it is digits 7–14 of the number).
    assert_eq!(p["gender"], "female");
    assert_eq!(p["birth_date"], Value::Null);
    let admin = app.token("admin").await;
    let shown: Value = app.get(&admin, &format!("/api/v1/people/{}?reveal=true", p["id"])).await.json().await.unwrap();
    assert_eq!(shown["birth_date"], "1949-12-31");
    assert_eq!(p["id_number"], "1101**********002X");
    assert_eq!(p["mobile"], "138****5678");
    assert_eq!(p["revealed"], false);

    let found: Value = app.get(&token, "/api/v1/people?q=wangxiaoming").await.json().await.unwrap();
    assert_eq!(found["total"], 1);
    let found: Value = app.get(&token, "/api/v1/people?q=wxm").await.json().await.unwrap();
    assert!(found["items"].as_array().unwrap().iter().any(|p| p["name"] == "王小明"), "initials find the person too");
    let found: Value = app.get(&token, "/api/v1/people?q=5678").await.json().await.unwrap();
    assert_eq!(found["items"][0]["name"], "王小明");

    // The same ID number twice is refused to an account that may see the
    // holder in full; one that may not is told nothing (see the hardening tests).
    let r = app
        .send(
            &admin,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "王二", "id_number": "11010519491231002X" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "id_number");
}

#[tokio::test]
async fn bad_person_input_names_every_wrong_field_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let grid = app.org("第一社区第二网格").await;
    let before: Value = app.get(&token, "/api/v1/people").await.json().await.unwrap();
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "", "id_number": "110105194912310021", "mobile": "12345", "birth_date": "2020-02-30" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let errors = field_errors(&body);
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["name", "id_number", "birth_date", "mobile"]);
    assert!(errors[1].1.contains("校验位"), "{}", errors[1].1);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("输入有误"));

    // A birth date that disagrees with the ID number.
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "李四", "id_number": "11010519491231002X", "birth_date": "1950-01-01" }),
        )
        .await;
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "birth_date");

    // A type error in the JSON is a 400 naming the field.
    let r = app.send(&token, "POST", "/api/v1/people", json!({ "org_id": "abc", "name": "x" })).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("org_id"));

    let after: Value = app.get(&token, "/api/v1/people").await.json().await.unwrap();
    assert_eq!(before["total"], after["total"]);
}

#[tokio::test]
async fn revealing_personal_data_needs_the_permission_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let list: Value = app.get(&admin, "/api/v1/people?q=zw").await.json().await.unwrap();
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert!(list["items"][0]["id_number"].as_str().unwrap().contains("**********"));

    let full: Value = app.get(&admin, &format!("/api/v1/people/{id}?reveal=true")).await.json().await.unwrap();
    assert_eq!(full["revealed"], true);
    assert_eq!(full["id_number"].as_str().unwrap().len(), 18);
    assert!(!full["id_number"].as_str().unwrap().contains('*'));

    let log: Value = app.get(&admin, "/api/v1/audit?action=view_personal").await.json().await.unwrap();
    assert_eq!(log["total"], 1);
    assert_eq!(log["items"][0]["entity_id"], id);
    assert_eq!(log["items"][0]["username"], "admin");

    // The viewer account has no such permission.
    let viewer = app.token("chakan").await;
    let r = app.get(&viewer, &format!("/api/v1/people/{id}?reveal=true")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let masked: Value = app.get(&viewer, &format!("/api/v1/people/{id}")).await.json().await.unwrap();
    assert!(masked["mobile"].as_str().unwrap().contains("****"));
}

#[tokio::test]
async fn memberships_tie_people_to_orgs() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let team = app.org("新时代文明实践X矿矿区管理中心志愿服务分队").await;
    let grid = app.org("第二社区第一网格").await;
    let p: Value = app
        .send(&token, "POST", "/api/v1/people", json!({ "org_id": grid.id, "name": "志愿者甲" }))
        .await
        .json()
        .await
        .unwrap();
    let body = json!({ "person_id": p["id"], "org_id": team.id, "role": "志愿者", "started_on": "2020-03-05" });
    let r = app.send(&token, "POST", "/api/v1/memberships", body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["org_name"], team.name);
    assert_eq!(app.send(&token, "POST", "/api/v1/memberships", body).await.status(), StatusCode::CONFLICT);

    let list: Vec<Value> =
        app.get(&token, &format!("/api/v1/people/{}/memberships", p["id"])).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    let r = app.send(&token, "DELETE", &format!("/api/v1/memberships/{}", m["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/memberships",
            json!({ "person_id": p["id"], "org_id": team.id, "role": "", "started_on": "昨天" }),
        )
        .await;
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["role", "started_on"]);

    let r = app.send(&token, "DELETE", &format!("/api/v1/people/{}", p["id"]), json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&token, &format!("/api/v1/people/{}", p["id"])).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn people_list_pages_through_the_register() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let first: Value = app.get(&token, "/api/v1/people?per_page=50").await.json().await.unwrap();
    let total = first["total"].as_u64().unwrap();
    assert!(total > 50, "the demo has more than one page of people");
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    let second: Value = app.get(&token, "/api/v1/people?per_page=50&page=2").await.json().await.unwrap();
    assert_eq!(second["items"].as_array().unwrap().len() as u64, (total - 50).min(50));
    let last_page = total.div_ceil(50);
    let last: Value =
        app.get(&token, &format!("/api/v1/people?per_page=50&page={last_page}")).await.json().await.unwrap();
    assert_eq!(last["items"].as_array().unwrap().len() as u64, total - 50 * (last_page - 1));
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    let r = app.get(&token, "/api/v1/people?page=abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_patch_changes_only_the_fields_given() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let grid = app.org("第一社区第二网格").await;
    let p: Value = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": grid.id, "name": "钱七", "id_number": "11010519491231002X", "mobile": "13812345678" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/people/{}", p["id"]);
    let r = app.send(&token, "PATCH", &path, json!({ "name": "钱七七", "party_member": true })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let full: Value = app.get(&token, &format!("{path}?reveal=true")).await.json().await.unwrap();
    assert_eq!(full["name"], "钱七七");
    assert_eq!(full["party_member"], true);
    assert_eq!(full["id_number"], "11010519491231002X");
    assert_eq!(full["mobile"], "13812345678");

    // A new ID number brings its own gender and birth date.
    let r = app.send(&token, "PATCH", &path, json!({ "id_number": "440524188001010014" })).await;
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["gender"], "male");
    let changed: Value = app.get(&token, &format!("{path}?reveal=true")).await.json().await.unwrap();
    assert_eq!(changed["birth_date"], "1880-01-01");
}
