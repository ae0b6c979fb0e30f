//! /cases: ideology problems, petitions and disputes.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::cases::{CaseKind, CaseStatus, Outcome};
use taizhang_core::service::{CaseFilter, CaseInput, CaseStepInput, parse_date};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    ids: String,
}

impl CaseQuery {
    /// Unknown values in the address are ignored, not errors: it is a filter.
    fn filter(&self) -> CaseFilter {
        CaseFilter {
            org_id: self.org_id.parse().ok(),
            kind: CaseKind::parse(&self.kind),
            status: CaseStatus::parse(&self.status),
            from: parse_date(&self.from),
            to: parse_date(&self.to),
            ids: self.ids.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        }
    }
}

fn kinds() -> Vec<Value> {
    CaseKind::ALL.iter().map(|k| json!({ "value": k.as_str(), "label": k.label() })).collect()
}

async fn list_page(
    state: &AppState,
    page: &PageActor,
    q: &CaseQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let (views, counts) = state.services.case_list(&page.actor, &q.filter()).await?;
    let rows: Vec<Value> = views
        .iter()
        .map(|v| {
            json!({
                "case": v.case, "org_name": v.org_name, "kind_label": v.case.kind.label(),
                "status": v.status.as_str(), "status_label": v.status.label(),
                "outcome_label": v.case.outcome.map(|o| o.label()),
            })
        })
        .collect();
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "cases.html",
        &mut json!({
            "rows": rows, "counts": counts, "kinds": kinds(),
            "outcomes": Outcome::ALL.iter().map(|o| json!({ "value": o.as_str(), "label": o.label() })).collect::<Vec<_>>(),
            "filter": { "org_id": q.org_id, "kind": q.kind, "status": q.status, "from": q.from, "to": q.to, "ids": q.ids },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn list(State(state): State<AppState>, page: PageActor, Query(q): Query<CaseQuery>) -> PageResult {
    list_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn export(State(state): State<AppState>, page: PageActor, Query(q): Query<CaseQuery>) -> PageResult {
    let (name, bytes) = crate::sheets::cases_export(&state.services, &page.actor, &q.filter()).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

#[derive(Deserialize, Serialize, Default)]
pub struct CaseForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    parties: String,
    #[serde(default)]
    matter: String,
    #[serde(default)]
    reported_by: String,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    closed_on: String,
}

impl CaseForm {
    fn input(&self) -> CaseInput {
        CaseInput {
            org_id: self.org_id.parse().ok(),
            kind: self.kind.clone(),
            received_on: self.received_on.clone(),
            parties: self.parties.clone(),
            matter: self.matter.clone(),
            reported_by: self.reported_by.clone(),
            handler: self.handler.clone(),
            deadline: self.deadline.clone(),
            outcome: self.outcome.clone(),
            resolution: self.resolution.clone(),
            closed_on: self.closed_on.clone(),
        }
    }
}

pub async fn create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<CaseForm>) -> PageResult {
    match state.services.case_save(&page.actor, None, &form.input()).await {
        Ok(_) => Ok(flash::redirect(&page, "/cases", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            list_page(&state, &page, &CaseQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

async fn show_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let case = state.services.case_get(&page.actor, id).await?;
    let view = state.services.case_view(&page.actor, case.clone()).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let form = if values.is_null() {
        json!({
            "org_id": case.org_id.to_string(), "kind": case.kind.as_str(), "received_on": case.received_on.to_string(),
            "parties": case.parties, "matter": case.matter, "reported_by": case.reported_by, "handler": case.handler,
            "deadline": case.deadline.map(|d| d.to_string()), "outcome": case.outcome.map(|o| o.as_str()),
            "resolution": case.resolution, "closed_on": case.closed_on.map(|d| d.to_string()),
        })
    } else {
        values
    };
    render_status(
        page,
        status,
        "case.html",
        &mut json!({
            "case": case, "org_name": view.org_name, "kind_label": case.kind.label(),
            "status": view.status.as_str(), "status_label": view.status.label(),
            "outcome_label": case.outcome.map(|o| o.label()), "kinds": kinds(),
            "outcomes": Outcome::ALL.iter().map(|o| json!({ "value": o.as_str(), "label": o.label() })).collect::<Vec<_>>(),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "values": form, "errors": errors,
        }),
    )
}

pub async fn show(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    show_page(&state, &page, id, StatusCode::OK, BTreeMap::new(), Value::Null).await
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<CaseForm>,
) -> PageResult {
    match state.services.case_save(&page.actor, Some(id), &form.input()).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/cases/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    by: String,
}

pub async fn step_add(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<StepForm>,
) -> PageResult {
    let input = CaseStepInput { date: form.date, text: form.text, by: form.by };
    match state.services.case_step_add(&page.actor, id, &input).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/cases/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("step.{k}"), v)).collect();
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Value::Null).await
        }
    }
}
