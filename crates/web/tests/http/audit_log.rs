//! The audit log in Chinese: actions, record types and fields by their
//! labels, a change as "字段 由 旧值 改为 新值", never codes or JSON.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_audit_page_tells_a_change_in_words() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let grid = app.org("第一社区第二网格").await;
    let p: Value = app
        .send(&admin, "POST", "/api/v1/people", json!({ "org_id": grid.id, "name": "钱七", "mobile": "13812345678" }))
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    let r = app
        .send(&admin, "PATCH", &format!("/api/v1/people/{id}"), json!({ "name": "钱七七", "party_member": true }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let b = app.browser("admin").await;
    let (status, html) = b.get("/audit?entity=person").await;
    assert_eq!(status, StatusCode::OK);
    let table = &html[html.find("<table class=\"audit\">").unwrap()..html.find("</table>").unwrap()];
    assert!(table.contains(&format!("修改 人员 #{id}")), "{table}");
    assert!(table.contains("姓名 由 钱七 改为 钱七七"), "{table}");
    assert!(table.contains("党员 由 否 改为 是"), "{table}");
    assert!(table.contains(&format!("新增 人员 #{id}")) && table.contains("姓名：钱七"), "{table}");
    // Orgs by name, not by number.
    assert!(table.contains("所属组织：第一社区第二网格"), "{table}");
    // No codes, keys or JSON.
    for raw in ["{", "}", "&quot;", "party_member", "\"name\"", ">update<", ">person<"] {
        assert!(!table.contains(raw), "{raw} in {table}");
    }
    // The filters offer every record type by its label.
    assert!(html.contains("<option value=\"key_person\">重点人员</option>"), "{html}");

    // Sign-ins and accounts read the same way.
    let (_, html) = b.get("/audit?action=login").await;
    assert!(html.contains("登录 登录会话"));
    let (_, html) = b.get("/audit?entity=user").await;
    assert!(html.contains("新增 账号") && html.contains("查看个人信息权限："), "{html}");
}
