//! Matters over JSON: ideology problems, petitions and disputes, with their
//! steps and counts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::cases::{Case, CaseCounts, CaseKind, CaseStatus};
use taizhang_core::service::{CaseFilter, CaseInput, CaseStepInput, CaseView, parse_date};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

#[derive(Serialize, ToSchema)]
pub struct CaseStepOut {
    pub id: i64,
    pub date: NaiveDate,
    pub text: String,
    pub by: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// ideology_problem, petition or dispute
    pub kind: String,
    pub kind_label: String,
    pub received_on: NaiveDate,
    pub parties: String,
    pub matter: String,
    pub reported_by: String,
    pub handler: String,
    pub deadline: Option<NaiveDate>,
    /// resolved, mediated or referred
    pub outcome: Option<String>,
    pub resolution: String,
    pub closed_on: Option<NaiveDate>,
    pub steps: Vec<CaseStepOut>,
    /// open, overdue or closed
    pub status: String,
    pub status_label: String,
}

fn case_out(c: Case, status: CaseStatus, org_name: String) -> CaseOut {
    CaseOut {
        id: c.id,
        org_id: c.org_id,
        org_name,
        kind: c.kind.as_str().to_owned(),
        kind_label: c.kind.label().to_owned(),
        received_on: c.received_on,
        parties: c.parties,
        matter: c.matter,
        reported_by: c.reported_by,
        handler: c.handler,
        deadline: c.deadline,
        outcome: c.outcome.map(|o| o.as_str().to_owned()),
        resolution: c.resolution,
        closed_on: c.closed_on,
        steps: c.steps.into_iter().map(|s| CaseStepOut { id: s.id, date: s.date, text: s.text, by: s.by }).collect(),
        status: status.as_str().to_owned(),
        status_label: status.label().to_owned(),
    }
}

impl From<CaseView> for CaseOut {
    fn from(v: CaseView) -> Self {
        case_out(v.case, v.status, v.org_name)
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseCountsOut {
    /// Received in the range.
    pub received: u32,
    /// Closed in the range.
    pub closed: u32,
    /// Still open at its end, within the deadline.
    pub open: u32,
    /// Still open at its end, past the deadline.
    pub overdue: u32,
}

impl From<CaseCounts> for CaseCountsOut {
    fn from(c: CaseCounts) -> Self {
        CaseCountsOut { received: c.received, closed: c.closed, open: c.open, overdue: c.overdue }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseListOut {
    pub counts: CaseCountsOut,
    pub items: Vec<CaseOut>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CaseQuery {
    pub org_id: Option<i64>,
    /// ideology_problem, petition or dispute
    pub kind: String,
    /// open, overdue or closed
    pub status: String,
    /// Received on or after (YYYY-MM-DD).
    pub from: String,
    /// Received on or before, and the day the state is judged (default today).
    pub to: String,
}

impl CaseQuery {
    pub fn filter(&self) -> Result<CaseFilter, taizhang_core::Error> {
        use taizhang_core::Error;
        let kind = match self.kind.trim() {
            "" => None,
            k => Some(
                CaseKind::parse(k)
                    .ok_or_else(|| Error::invalid("kind", "类别应为 ideology_problem、petition 或 dispute"))?,
            ),
        };
        let status = match self.status.trim() {
            "" => None,
            s => {
                Some(CaseStatus::parse(s).ok_or_else(|| Error::invalid("status", "状态应为 open、overdue 或 closed"))?)
            }
        };
        let date = |field: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            s => parse_date(s).map(Some).ok_or_else(|| Error::invalid(field, "日期格式应为“2020-07-10”")),
        };
        Ok(CaseFilter {
            org_id: self.org_id,
            kind,
            status,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            ids: Vec::new(),
        })
    }
}

/// Matters of the subtree, newest first, with the counts of the range.
#[utoipa::path(get, path = "/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = CaseListOut), (status = 422, body = ErrorBody)))]
pub async fn case_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Json<CaseListOut>, ApiError> {
    let (views, counts) = state.services.case_list(&actor, &q.filter()?).await?;
    Ok(Json(CaseListOut { counts: counts.into(), items: views.into_iter().map(CaseOut::from).collect() }))
}

/// The same list as an .xlsx ledger.
#[utoipa::path(get, path = "/cases/export.xlsx", tag = "cases", params(CaseQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn case_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::cases_export(&state.services, &actor, &q.filter()?).await?;
    Ok(xlsx_response(&name, bytes))
}

async fn case_view(state: &AppState, actor: &taizhang_core::auth::Actor, c: Case) -> Result<CaseOut, ApiError> {
    let v = state.services.case_view(actor, c).await?;
    Ok(case_out(v.case, v.status, v.org_name))
}

#[utoipa::path(post, path = "/cases", tag = "cases", request_body = CaseInput,
    responses((status = 201, body = CaseOut), (status = 422, body = ErrorBody)))]
pub async fn case_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<CaseInput>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let c = state.services.case_save(&actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &actor, c).await?)))
}

#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody)))]
pub async fn case_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<CaseOut>, ApiError> {
    let c = state.services.case_get(&actor, id).await?;
    Ok(Json(case_view(&state, &actor, c).await?))
}

#[utoipa::path(put, path = "/cases/{id}", tag = "cases", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 200, body = CaseOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CaseInput>,
) -> Result<Json<CaseOut>, ApiError> {
    let c = state.services.case_save(&actor, Some(id), &b).await?;
    Ok(Json(case_view(&state, &actor, c).await?))
}

/// Adds a dated handling step.
#[utoipa::path(post, path = "/cases/{id}/steps", tag = "cases", params(("id" = i64, Path)), request_body = CaseStepInput,
    responses((status = 201, body = CaseOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case_step_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<CaseStepInput>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let c = state.services.case_step_add(&actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &actor, c).await?)))
}
