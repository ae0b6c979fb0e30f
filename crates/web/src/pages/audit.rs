use axum::extract::State;
use serde_json::{Value, json};

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
    let entries: Vec<Value> = result
        .items
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": e.record.at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M:%S").to_string(),
                "username": e.record.username, "ip": e.record.ip, "action": e.record.action,
                "entity": e.record.entity, "entity_id": e.record.entity_id, "detail": e.record.detail,
                "before": e.record.before.as_ref().map(|v| v.to_string()),
                "after": e.record.after.as_ref().map(|v| v.to_string()),
            })
        })
        .collect();
    render(
        &page,
        "audit.html",
        json!({ "entries": entries, "total": result.total, "page": current, "pages": result.pages(), "filter": filter }),
    )
}
