use axum::Json;
use axum::extract::State;
use taizhang_core::Error;
use taizhang_core::model::AuditQuery;
use taizhang_core::service::parse_date;

use super::dto::{AuditListQuery, AuditPage};
use crate::AppState;
use crate::auth::{ApiActor, ApiQuery};
use crate::error::{ApiError, ErrorBody};

/// Parses the shared filter of the audit page and API.
pub fn audit_query(q: AuditListQuery) -> Result<AuditQuery, Error> {
    let date = |field: &str, raw: Option<String>| -> Result<_, Error> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => {
                parse_date(s).map(Some).ok_or_else(|| Error::invalid(field, format!("日期“{s}”格式应为“2020-07-10”")))
            }
        }
    };
    Ok(AuditQuery {
        scope_path: None,
        username: q.username,
        action: q.action,
        entity: q.entity,
        from: date("from", q.from)?,
        to: date("to", q.to)?,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    })
}

/// The audit log, newest first (administrators only).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditListQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditListQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let page = state.services.audit_list(&actor, audit_query(q)?).await?;
    Ok(Json(AuditPage {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
