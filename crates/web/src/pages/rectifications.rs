//! Rectification orders (`/rectifications`): the list with each order's
//! status as of today, new orders, and their rectification and re-inspection.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::service::{RectificationInput, RectificationProgress};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct RectQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    status: String,
}

async fn rect_page(
    state: &AppState,
    page: &PageActor,
    q: &RectQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let list = state.services.rectification_list(&page.actor, q.org_id.parse().ok(), now().date_naive()).await?;
    let rows: Vec<Value> = list
        .iter()
        .filter(|v| {
            q.status.is_empty()
                || serde_json::to_value(v.status).ok().and_then(|s| s.as_str().map(|s| s == q.status)).unwrap_or(false)
        })
        .map(|v| {
            json!({
                "order": v.order, "org_name": v.org_name, "status": serde_json::to_value(v.status).unwrap_or_default(),
                "status_label": v.status.label(),
            })
        })
        .collect();
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "rectifications.html",
        &mut json!({
            "rows": rows, "filter": { "org_id": q.org_id, "status": q.status },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn rectifications(State(state): State<AppState>, page: PageActor, Query(q): Query<RectQuery>) -> PageResult {
    rect_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

#[derive(Deserialize, Serialize)]
pub struct RectForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    found_on: String,
    #[serde(default)]
    deadline: String,
}

pub async fn rectification_create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<RectForm>,
) -> PageResult {
    let input = RectificationInput {
        org_id: form.org_id.parse().ok(),
        activity_id: None,
        subject: form.subject.clone(),
        problem: form.problem.clone(),
        requirement: form.requirement.clone(),
        found_on: form.found_on.clone(),
        deadline: form.deadline.clone(),
    };
    match state.services.rectification_create(&page.actor, &input).await {
        Ok(_) => Ok(flash::redirect(&page, "/rectifications", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            rect_page(&state, &page, &RectQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    rectified_on: String,
    #[serde(default)]
    reinspected_on: String,
    #[serde(default)]
    reinspected_by: String,
    #[serde(default)]
    passed: String,
    #[serde(default)]
    note: String,
}

pub async fn rectification_progress(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<ProgressForm>,
) -> PageResult {
    let progress = RectificationProgress {
        rectified_on: form.rectified_on,
        reinspected_on: form.reinspected_on,
        reinspected_by: form.reinspected_by,
        passed: match form.passed.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        note: form.note,
    };
    match state.services.rectification_progress(&page.actor, id, &progress).await {
        Ok(_) => Ok(flash::redirect(&page, "/rectifications", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("{id}.{k}"), v)).collect();
            rect_page(&state, &page, &RectQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}
