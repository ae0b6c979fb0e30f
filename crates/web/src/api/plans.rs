use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_core::auth::now;
use taizhang_core::service::{PlanItemInput, RectificationInput, RectificationProgress, RectificationView};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PlanQuery {
    pub org_id: Option<i64>,
    pub year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanItemOut {
    pub id: i64,
    pub month: u32,
    pub topic: String,
    pub materials: String,
    /// The session that carried the item out.
    pub activity_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    pub date: NaiveDate,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanMonthOut {
    pub month: u32,
    pub items: Vec<PlanItemOut>,
    pub sessions: Vec<SessionOut>,
}

/// An org's work plan for a year beside what it did, month by month (theory-study
/// sessions; volunteer activities for a volunteer team).
#[utoipa::path(get, path = "/study-plans", tag = "ledgers", params(PlanQuery),
    responses((status = 200, body = [PlanMonthOut]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<Vec<PlanMonthOut>>, ApiError> {
    let org_id = q.org_id.or(actor.org_id).ok_or(taizhang_core::Error::NotFound)?;
    let year = q.year.unwrap_or(now().date_naive().year());
    let months = state.services.study_plan(&actor, org_id, year).await?;
    Ok(Json(
        months
            .into_iter()
            .map(|m| PlanMonthOut {
                month: m.month,
                items: m
                    .items
                    .into_iter()
                    .map(|i| PlanItemOut {
                        id: i.id,
                        month: i.month,
                        topic: i.topic,
                        materials: i.materials,
                        activity_id: i.activity_id,
                    })
                    .collect(),
                sessions: m
                    .sessions
                    .into_iter()
                    .map(|s| SessionOut { id: s.id, date: s.date, title: s.title })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PlanItemBody {
    pub org_id: Option<i64>,
    pub year: i32,
    pub month: u32,
    pub topic: String,
    pub materials: String,
}

#[utoipa::path(post, path = "/study-plans/items", tag = "ledgers", request_body = PlanItemBody,
    responses((status = 201, body = PlanItemOut), (status = 422, body = ErrorBody)))]
pub async fn item_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<PlanItemBody>,
) -> Result<(StatusCode, Json<PlanItemOut>), ApiError> {
    let input =
        PlanItemInput { org_id: b.org_id, year: b.year, month: b.month, topic: b.topic, materials: b.materials };
    let i = state.services.plan_item_add(&actor, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(PlanItemOut {
            id: i.id,
            month: i.month,
            topic: i.topic,
            materials: i.materials,
            activity_id: i.activity_id,
        }),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LinkBody {
    /// The session that carried the item out; null to unlink.
    pub activity_id: Option<i64>,
}

#[utoipa::path(put, path = "/study-plans/items/{id}/session", tag = "ledgers", params(("id" = i64, Path)), request_body = LinkBody,
    responses((status = 200, body = PlanItemOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn item_link(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<LinkBody>,
) -> Result<Json<PlanItemOut>, ApiError> {
    let i = state.services.plan_item_link(&actor, id, b.activity_id).await?;
    Ok(Json(PlanItemOut {
        id: i.id,
        month: i.month,
        topic: i.topic,
        materials: i.materials,
        activity_id: i.activity_id,
    }))
}

#[utoipa::path(delete, path = "/study-plans/items/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn item_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.plan_item_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct RectificationOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub activity_id: Option<i64>,
    pub subject: String,
    pub problem: String,
    pub requirement: String,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
    pub reinspected_on: Option<NaiveDate>,
    pub reinspected_by: String,
    pub reinspection_passed: Option<bool>,
    pub reinspection_note: String,
    /// open, overdue, awaiting_reinspection, closed
    pub status: String,
    pub status_label: String,
}

impl From<RectificationView> for RectificationOut {
    fn from(v: RectificationView) -> Self {
        let r = v.order;
        RectificationOut {
            id: r.id,
            org_id: r.org_id,
            org_name: v.org_name,
            activity_id: r.activity_id,
            subject: r.subject,
            problem: r.problem,
            requirement: r.requirement,
            found_on: r.found_on,
            deadline: r.deadline,
            rectified_on: r.rectified_on,
            reinspected_on: r.reinspected_on,
            reinspected_by: r.reinspected_by,
            reinspection_passed: r.reinspection_passed,
            reinspection_note: r.reinspection_note,
            status: serde_json::to_value(v.status).ok().and_then(|s| s.as_str().map(str::to_owned)).unwrap_or_default(),
            status_label: v.status.label().to_owned(),
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RectificationQuery {
    pub org_id: Option<i64>,
    /// open, overdue, awaiting_reinspection or closed
    pub status: Option<String>,
}

/// Rectification orders, judged today.
#[utoipa::path(get, path = "/rectifications", tag = "ledgers", params(RectificationQuery),
    responses((status = 200, body = [RectificationOut])))]
pub async fn rectifications(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RectificationQuery>,
) -> Result<Json<Vec<RectificationOut>>, ApiError> {
    let list = state.services.rectification_list(&actor, q.org_id, now().date_naive()).await?;
    Ok(Json(
        list.into_iter()
            .map(RectificationOut::from)
            .filter(|r| q.status.as_ref().is_none_or(|s| s.is_empty() || *s == r.status))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RectificationBody {
    pub org_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub subject: String,
    pub problem: String,
    pub requirement: String,
    /// YYYY-MM-DD
    pub found_on: String,
    /// YYYY-MM-DD
    pub deadline: String,
}

#[utoipa::path(post, path = "/rectifications", tag = "ledgers", request_body = RectificationBody,
    responses((status = 201), (status = 422, body = ErrorBody)))]
pub async fn rectification_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<RectificationBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let input = RectificationInput {
        org_id: b.org_id,
        activity_id: b.activity_id,
        subject: b.subject,
        problem: b.problem,
        requirement: b.requirement,
        found_on: b.found_on,
        deadline: b.deadline,
    };
    let r = state.services.rectification_create(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": r.id }))))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProgressBody {
    /// YYYY-MM-DD
    pub rectified_on: String,
    /// YYYY-MM-DD
    pub reinspected_on: String,
    pub reinspected_by: String,
    /// Re-inspection passed.
    pub passed: Option<bool>,
    pub note: String,
}

/// Records rectification and re-inspection.
#[utoipa::path(post, path = "/rectifications/{id}/progress", tag = "ledgers", params(("id" = i64, Path)), request_body = ProgressBody,
    responses((status = 200), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rectification_progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ProgressBody>,
) -> Result<StatusCode, ApiError> {
    let p = RectificationProgress {
        rectified_on: b.rectified_on,
        reinspected_on: b.reinspected_on,
        reinspected_by: b.reinspected_by,
        passed: b.passed,
        note: b.note,
    };
    state.services.rectification_progress(&actor, id, &p).await?;
    Ok(StatusCode::OK)
}
