//! The permission matrix: each role, own subtree against another subtree,
//! read against write against personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

struct Case {
    username: &'static str,
    role: &'static str,
    personal: bool,
}

const CASES: &[Case] = &[
    Case { username: "c_admin", role: "org_admin", personal: true },
    Case { username: "c_recorder", role: "recorder", personal: false },
    Case { username: "c_recorder_p", role: "recorder", personal: true },
    Case { username: "c_viewer", role: "viewer", personal: false },
];

/// The first person of an org who holds a post there (a resident of the
/// demo roster holds none).
async fn first_person_in(app: &TestApp, admin: &str, org: &str) -> i64 {
    let org = app.org(org).await;
    let list: Value = app.get(admin, &format!("/api/v1/orgs/{}/memberships", org.id)).await.json().await.unwrap();
    list[0]["person_id"].as_i64().expect("a person")
}

#[tokio::test]
async fn each_role_sees_and_changes_only_its_subtree() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let own_person = first_person_in(&app, &admin, "第一社区第一网格").await;
    let other_person = first_person_in(&app, &admin, "第二社区第一网格").await;
    let own_org = app.org("第一社区第二网格").await;
    let other_org = app.org("第二社区第二网格").await;
    let other_membership: Vec<Value> =
        app.get(&admin, &format!("/api/v1/people/{other_person}/memberships")).await.json().await.unwrap();
    let other_membership = other_membership[0]["id"].as_i64().unwrap();

    for case in CASES {
        app.add_user(case.username, case.role, "第一社区", case.personal).await;
        let t = app.token(case.username).await;
        let who = case.username;
        let writer = case.role != "viewer";
        let admin_role = case.role == "org_admin";

        // Read: own subtree yes, another subtree never (404, not 403).
        assert_eq!(app.get(&t, &format!("/api/v1/people/{own_person}")).await.status(), StatusCode::OK, "{who}");
        assert_eq!(
            app.get(&t, &format!("/api/v1/people/{other_person}")).await.status(),
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            app.get(&t, &format!("/api/v1/orgs/{}", other_org.id)).await.status(),
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            app.get(&t, &format!("/api/v1/orgs/{}/memberships", other_org.id)).await.status(),
            StatusCode::NOT_FOUND,
            "{who}"
        );
        let orgs: Vec<Value> = app.get(&t, "/api/v1/orgs").await.json().await.unwrap();
        let scope = app.org("第一社区").await;
        for o in &orgs {
            let org = app.store.org_get(o["id"].as_i64().unwrap()).await.unwrap().unwrap();
            assert!(org.path.starts_with(&scope.path), "{who} sees {}", org.name);
        }
        let all: Value = app.get(&t, "/api/v1/people?per_page=200").await.json().await.unwrap();
        assert!(all["items"].as_array().unwrap().iter().all(|p| p["id"] != other_person), "{who}");
        let r = app.get(&t, &format!("/api/v1/people?org_id={}", other_org.id)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");

        // Write people: writers in their own subtree only.
        let body = json!({ "org_id": own_org.id, "name": format!("{who}登记") });
        let r = app.send(&t, "POST", "/api/v1/people", body).await;
        assert_eq!(r.status(), if writer { StatusCode::CREATED } else { StatusCode::FORBIDDEN }, "{who}");
        let r = app.send(&t, "POST", "/api/v1/people", json!({ "org_id": other_org.id, "name": "越权" })).await;
        assert!(matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY), "{who}");
        let r = app.send(&t, "PATCH", &format!("/api/v1/people/{other_person}"), json!({ "name": "改名" })).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        let r = app.send(&t, "DELETE", &format!("/api/v1/people/{other_person}"), json!({})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        let r = app.send(&t, "DELETE", &format!("/api/v1/memberships/{other_membership}"), json!({})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        let r = app.send(&t, "PATCH", &format!("/api/v1/people/{own_person}"), json!({ "name": "本人改名" })).await;
        assert_eq!(r.status(), if writer { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{who}");

        // Write orgs: administrators only, inside their subtree, never their own root.
        let r = app
            .send(
                &t,
                "POST",
                "/api/v1/orgs",
                json!({ "parent_id": own_org.id, "kind": "grid", "name": format!("{who}网格") }),
            )
            .await;
        assert_eq!(r.status(), if admin_role { StatusCode::CREATED } else { StatusCode::FORBIDDEN }, "{who}");
        let r = app.send(&t, "PATCH", &format!("/api/v1/orgs/{}", other_org.id), json!({ "name": "越权" })).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who}");
        let root = app.org("第一社区").await;
        let r = app.send(&t, "PATCH", &format!("/api/v1/orgs/{}", root.id), json!({ "name": "改根" })).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");

        // Accounts and the audit log: administrators, their subtree only.
        let r = app.get(&t, "/api/v1/users").await;
        assert_eq!(r.status(), if admin_role { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{who}");
        if admin_role {
            let users: Vec<Value> = r.json().await.unwrap();
            assert!(users.iter().all(|u| u["username"] != "admin" && u["username"] != "kuangqu"), "{who}");
            let log: Value = app.get(&t, "/api/v1/audit?per_page=200").await.json().await.unwrap();
            let other_ids = [other_person, other_org.id];
            assert!(
                log["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| !(e["entity"] == "person" && other_ids.contains(&e["entity_id"].as_i64().unwrap_or(0)))),
                "{who} sees another subtree's audit entries"
            );
            let r = app
                .send(&t, "POST", "/api/v1/users", json!({ "username": "escalate", "display_name": "x", "role": "system_admin", "org_id": own_org.id, "password": "long-enough-1" }))
                .await;
            assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "role", "{who} may not grant a higher role");
        } else {
            assert_eq!(app.get(&t, "/api/v1/audit").await.status(), StatusCode::FORBIDDEN, "{who}");
        }

        // Personal data: only with the permission.
        let r = app.get(&t, &format!("/api/v1/people/{own_person}?reveal=true")).await;
        assert_eq!(r.status(), if case.personal { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{who}");
        let masked: Value = app.get(&t, &format!("/api/v1/people/{own_person}")).await.json().await.unwrap();
        assert!(masked["id_number"].as_str().unwrap().contains('*'), "{who}: masked by default");
    }
}

#[tokio::test]
async fn pages_answer_404_for_another_subtree() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let other_person = first_person_in(&app, &admin, "第二社区第一网格").await;
    let other_org = app.org("第二社区").await;
    let browser = app.browser("shequ1").await;
    let (status, body) = browser.get(&format!("/people/{other_person}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("未找到该记录"));
    assert_eq!(browser.get(&format!("/orgs/{}", other_org.id)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(browser.get("/users").await.0, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/audit").await.0, StatusCode::FORBIDDEN);
}
