use axum::extract::State;
use serde_json::{Value, json};
use taizhang_core::audit_labels;

use super::{PageResult, render};
use crate::api::audit_filter;
use axum::extract::Query;

use crate::AppState;
use crate::auth::PageActor;

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<crate::api::AuditListQuery>,
) -> PageResult {
    let filter = json!({
        "username": q.username, "action": q.action, "entity": q.entity, "from": q.from, "to": q.to,
    });
    let query = audit_filter(q)?;
    let current = query.page;
    let result = state.services.audit_list(&page.actor, query).await?;
    // Orgs and work areas the account sees are told by name; any other id stays a number.
    let orgs: std::collections::HashMap<i64, String> =
        state.services.org_tree(&page.actor).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let areas: std::collections::HashMap<i64, String> =
        state.services.work_areas_for(&page.actor).await?.into_iter().map(|a| (a.id, a.name)).collect();
    let names = |entity: &str, key: &str, id: i64| match (entity, key) {
        (_, "org_id" | "grid_id" | "grid_ids") | ("org", "parent_id") => orgs.get(&id).cloned(),
        (_, "work_area_id" | "area_ids") | ("work_area", "parent_id") => areas.get(&id).cloned(),
        _ => None,
    };
    let entries: Vec<Value> = result
        .items
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": e.record.at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M:%S").to_string(),
                "username": e.record.username, "ip": e.record.ip,
                // "修改 人员 #45" and the change in words, never codes or JSON.
                "headline": audit_labels::headline(&e.record.action, &e.record.entity, e.record.entity_id),
                "detail": e.record.detail,
                "changes": audit_labels::change_lines_named(
                    &e.record.entity, e.record.before.as_ref(), e.record.after.as_ref(), &names),
            })
        })
        .collect();
    render(
        &page,
        "audit.html",
        json!({ "entries": entries, "total": result.total, "page": current, "pages": result.pages(), "filter": filter,
            "actions": audit_labels::ACTIONS, "entities": audit_labels::ENTITIES }),
    )
}
