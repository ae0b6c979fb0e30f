use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn the_demo_tree_is_the_seed_district() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let orgs: Vec<Value> = app.get(&token, "/api/v1/orgs").await.json().await.unwrap();
    let find = |name: &str| orgs.iter().find(|o| o["name"] == name).unwrap_or_else(|| panic!("{name}")).clone();
    let county = find("X自治县");
    assert_eq!(county["kind"], "county");
    let committee = find("X矿矿区党委");
    assert_eq!(committee["parent_id"], county["id"]);
    assert_eq!(find("X矿矿区管委中心")["kind"], "admin_centre");
    assert_eq!(find("第一社区第一网格")["kind"], "grid");
    assert_eq!(find("新时代文明实践X矿矿区管理中心志愿服务分队")["kind"], "volunteer_team");
    assert_eq!(find("党委理论学习中心组学习领导小组")["kind"], "leading_group");
    assert_eq!(find("疫情防控工作领导小组")["kind"], "leading_group");
    let branches = orgs.iter().filter(|o| o["kind"] == "party_branch").count();
    assert!(branches >= 3, "several party branches");

    // The secretary is first-responsible for the committee and leads the study group.
    let members: Vec<Value> =
        app.get(&token, &format!("/api/v1/orgs/{}/memberships", committee["id"])).await.json().await.unwrap();
    let secretary: Vec<_> = members.iter().filter(|m| m["role"] == "书记" || m["role"] == "第一责任人").collect();
    assert_eq!(secretary.len(), 2);
    assert_eq!(secretary[0]["person_id"], secretary[1]["person_id"]);
}

#[tokio::test]
async fn add_rename_move_and_close_an_org() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let community = app.org("第二社区").await;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/orgs",
            json!({ "parent_id": community.id, "kind": "grid", "name": "第二社区第三网格" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let grid: Value = r.json().await.unwrap();
    assert_eq!(grid["depth"], 4);

    let r =
        app.send(&token, "PATCH", &format!("/api/v1/orgs/{}", grid["id"]), json!({ "name": "第二社区三网格" })).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["name"], "第二社区三网格");

    let first = app.org("第一社区").await;
    let r = app.send(&token, "PATCH", &format!("/api/v1/orgs/{}", grid["id"]), json!({ "parent_id": first.id })).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["parent_id"], first.id);

    let r = app.send(&token, "PATCH", &format!("/api/v1/orgs/{}", grid["id"]), json!({ "closed": true })).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["closed"], true);

    let admin = app.token("admin").await;
    let log: Value = app.get(&admin, "/api/v1/audit?entity=org&username=kuangqu").await.json().await.unwrap();
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["close", "move", "update", "create"]);
}

#[tokio::test]
async fn bad_org_changes_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let centre = app.org("X矿矿区管委中心").await;
    let grid = app.org("第一社区第一网格").await;
    let before = app.services.audit_verify().await.unwrap().unwrap();

    // Under its own descendant.
    let r = app.send(&token, "PATCH", &format!("/api/v1/orgs/{}", centre.id), json!({ "parent_id": grid.id })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(field_errors(&body), vec![("parent_id".into(), "不能把组织移到它自己或它的下级组织之下".into())]);

    // Empty name and unknown kind, both reported.
    let r = app
        .send(&token, "POST", "/api/v1/orgs", json!({ "parent_id": centre.id, "kind": "castle", "name": "  " }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = field_errors(&r.json().await.unwrap()).into_iter().map(|f| f.0).collect();
    assert_eq!(fields, vec!["name", "kind"]);

    // A sibling with the same name.
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/orgs",
            json!({ "parent_id": centre.id, "kind": "community", "name": "第一社区" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Closing an org that still has open children.
    let r = app.send(&token, "PATCH", &format!("/api/v1/orgs/{}", centre.id), json!({ "closed": true })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "closed");

    // Unknown ids.
    let r = app.send(&token, "PATCH", "/api/v1/orgs/999999", json!({ "name": "新名" })).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    assert_eq!(app.services.audit_verify().await.unwrap().unwrap(), before, "nothing was written");
}
