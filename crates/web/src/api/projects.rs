//! Projects over JSON: milestones, measures, dated progress and its photos.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::auth::now;
use taizhang_core::project::Project;
use taizhang_core::service::{ProgressInput, ProjectInput, parse_date};
use utoipa::{IntoParams, ToSchema};

use super::dto::{AttachmentOut, FileQuery};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

#[derive(Serialize, ToSchema)]
pub struct MilestoneOut {
    pub id: i64,
    pub name: String,
    pub done_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgressOut {
    pub id: i64,
    pub date: NaiveDate,
    pub percent: u8,
    pub note: String,
    pub reason: String,
    /// The photo, at /api/v1/projects/{project}/progress/{id}/photo.
    pub has_photo: bool,
    pub created_by: String,
}

/// A numeric measure of a project: 面积 5200 平方米.
#[derive(Serialize, ToSchema)]
pub struct MeasureOut {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectOut {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    /// 项目类别 (基础设施, 民生工程 ...); empty for none.
    pub category: String,
    pub description: String,
    pub started_on: Option<NaiveDate>,
    pub measures: Vec<MeasureOut>,
    pub milestones: Vec<MilestoneOut>,
    pub updates: Vec<ProgressOut>,
    /// The day `percent` and `status` are read for (the query's `on`, default today).
    pub on: NaiveDate,
    /// The latest figure on or before `on`.
    pub percent: u8,
    /// done (100%), in_progress (some progress, or started) or not_started, on `on`.
    pub status: String,
    /// 完成, 在建 or 未开工.
    pub status_label: String,
}

fn project_out(p: Project, on: NaiveDate) -> ProjectOut {
    let status = p.status_at(on);
    ProjectOut {
        id: p.id,
        org_id: p.org_id,
        percent: p.progress_at(on),
        status: status.as_str().to_owned(),
        status_label: status.label().to_owned(),
        on,
        name: p.name,
        category: p.category,
        description: p.description,
        started_on: p.started_on,
        measures: p.measures.into_iter().map(|m| MeasureOut { name: m.name, value: m.value, unit: m.unit }).collect(),
        milestones: p
            .milestones
            .into_iter()
            .map(|m| MilestoneOut { id: m.id, name: m.name, done_on: m.done_on })
            .collect(),
        updates: p
            .updates
            .into_iter()
            .map(|u| ProgressOut {
                id: u.id,
                date: u.date,
                percent: u.percent,
                note: u.note,
                reason: u.reason,
                has_photo: u.photo_id.is_some(),
                created_by: u.created_by,
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProjectQuery {
    pub org_id: Option<i64>,
    /// Read each project's progress on this day (YYYY-MM-DD; default today).
    pub on: String,
}

impl ProjectQuery {
    fn on(&self) -> Result<NaiveDate, taizhang_core::Error> {
        match self.on.trim() {
            "" => Ok(now().date_naive()),
            s => parse_date(s).ok_or_else(|| taizhang_core::Error::invalid("on", "日期格式应为“2020-07-10”")),
        }
    }
}

#[utoipa::path(get, path = "/projects", tag = "projects", params(ProjectQuery),
    responses((status = 200, body = [ProjectOut]), (status = 422, body = ErrorBody)))]
pub async fn project_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> Result<Json<Vec<ProjectOut>>, ApiError> {
    let on = q.on()?;
    let list = state.services.project_list(&actor, q.org_id).await?;
    Ok(Json(list.into_iter().map(|p| project_out(p, on)).collect()))
}

/// Every progress update of the subtree's projects as an .xlsx ledger.
#[utoipa::path(get, path = "/projects/export.xlsx", tag = "projects", params(ProjectQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn project_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::projects_export(&state.services, &actor, q.org_id).await?;
    Ok(xlsx_response(&name, bytes))
}

#[utoipa::path(get, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path), ProjectQuery),
    responses((status = 200, body = ProjectOut), (status = 404, body = ErrorBody)))]
pub async fn project_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> Result<Json<ProjectOut>, ApiError> {
    let on = q.on()?;
    Ok(Json(project_out(state.services.project_get(&actor, id).await?, on)))
}

#[utoipa::path(post, path = "/projects", tag = "projects", request_body = ProjectInput,
    responses((status = 201, body = ProjectOut), (status = 422, body = ErrorBody)))]
pub async fn project_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<ProjectOut>), ApiError> {
    let p = state.services.project_save(&actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(project_out(p, now().date_naive()))))
}

#[utoipa::path(put, path = "/projects/{id}", tag = "projects", params(("id" = i64, Path)), request_body = ProjectInput,
    responses((status = 200, body = ProjectOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn project_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ProjectInput>,
) -> Result<Json<ProjectOut>, ApiError> {
    let p = state.services.project_save(&actor, Some(id), &b).await?;
    Ok(Json(project_out(p, now().date_naive())))
}

/// Records progress; its photo goes to PUT /api/v1/projects/{id}/progress/{update_id}/photo.
#[utoipa::path(post, path = "/projects/{id}/progress", tag = "projects", params(("id" = i64, Path)), request_body = ProgressInput,
    responses((status = 201, body = ProjectOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn progress_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<ProgressInput>,
) -> Result<(StatusCode, Json<ProjectOut>), ApiError> {
    let p = state.services.progress_add(&actor, id, &input, None).await?;
    Ok((StatusCode::CREATED, Json(project_out(p, now().date_naive()))))
}

/// Stores the photo of a progress update (the raw bytes as the body), replacing any earlier one.
#[utoipa::path(put, path = "/projects/{id}/progress/{update_id}/photo", tag = "projects",
    params(("id" = i64, Path), ("update_id" = i64, Path), FileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = AttachmentOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn progress_photo_set(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((id, update_id)): axum::extract::Path<(String, String)>,
    ApiQuery(q): ApiQuery<FileQuery>,
    crate::auth::ApiBytes(bytes): crate::auth::ApiBytes,
) -> Result<Json<AttachmentOut>, ApiError> {
    let (id, update_id) = two_ids(&id, &update_id)?;
    Ok(Json(state.services.progress_photo_set(&actor, id, update_id, &q.name, bytes).await?.into()))
}

/// Two numeric ids of a path; anything else is not found.
fn two_ids(a: &str, b: &str) -> Result<(i64, i64), ApiError> {
    match (a.parse(), b.parse()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        _ => Err(taizhang_core::Error::NotFound.into()),
    }
}

#[utoipa::path(get, path = "/projects/{id}/progress/{update_id}/photo", tag = "projects",
    params(("id" = i64, Path), ("update_id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn progress_photo(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((id, update_id)): axum::extract::Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, update_id) = two_ids(&id, &update_id)?;
    let (a, bytes) = state.services.progress_photo(&actor, id, update_id).await?;
    Ok(crate::evidence::attachment_response(&a, bytes))
}
