use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::ledger_dto::*;
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

/// The work-area tree (工作条线).
#[utoipa::path(get, path = "/work-areas", tag = "ledgers", responses((status = 200, body = [WorkAreaOut])))]
pub async fn work_areas(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<WorkAreaOut>>, ApiError> {
    Ok(Json(state.services.work_areas_for(&actor).await?.into_iter().map(Into::into).collect()))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct WorkAreaBody {
    /// The org that owns the new area (default: the caller's).
    pub org_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub name: String,
    /// The summary topic it serves: epidemic, anti_crime, health,
    /// public_security or theory_study (or its Chinese label); empty for none.
    pub purpose: String,
}

/// Adds a work area (org administrators).
#[utoipa::path(post, path = "/work-areas", tag = "ledgers", request_body = WorkAreaBody,
    responses((status = 201, body = WorkAreaOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn work_area_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<WorkAreaBody>,
) -> Result<(StatusCode, Json<WorkAreaOut>), ApiError> {
    let a = state.services.work_area_add(&actor, b.org_id, b.parent_id, &b.name, &b.purpose).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AdoptQuery {
    /// Default: the caller's org.
    pub org_id: Option<i64>,
}

/// Adds the work areas an office of the org's kind usually keeps (乡镇, 街道, 村,
/// 社区, 文化站, 文明实践所, 单位), skipping those it has; answers the org's own areas.
#[utoipa::path(post, path = "/work-areas/defaults", tag = "ledgers", params(AdoptQuery),
    responses((status = 201, body = [WorkAreaOut]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn work_areas_adopt(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AdoptQuery>,
) -> Result<(StatusCode, Json<Vec<WorkAreaOut>>), ApiError> {
    let areas = state.services.work_areas_adopt(&actor, q.org_id).await?;
    Ok((StatusCode::CREATED, Json(areas.into_iter().map(Into::into).collect())))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct RenameBody {
    pub name: String,
}

/// A change to a work area or a campaign; absent fields stay as they are.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct PurposePatchBody {
    pub name: Option<String>,
    /// The summary topic (see `purpose` of a new area); empty clears it.
    pub purpose: Option<String>,
}

/// Renames a work area or sets its summary topic: an org's own by its
/// administrators, shared ones by system administrators.
#[utoipa::path(patch, path = "/work-areas/{id}", tag = "ledgers", params(("id" = i64, Path)), request_body = PurposePatchBody,
    responses((status = 200, body = WorkAreaOut), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn work_area_rename(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<PurposePatchBody>,
) -> Result<Json<WorkAreaOut>, ApiError> {
    let area = state.services.work_area_update(&actor, id, b.name.as_deref(), b.purpose.as_deref()).await?;
    Ok(Json(area.into()))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VolunteerHoursOut {
    pub person_id: i64,
    pub name: String,
    pub activities: u64,
    pub hours: f64,
}

/// Service hours per volunteer over an org's subtree and a period.
#[utoipa::path(get, path = "/volunteer-hours", tag = "ledgers", params(DashboardQuery),
    responses((status = 200, body = [VolunteerHoursOut]), (status = 422, body = ErrorBody)))]
pub async fn volunteer_hours(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<Vec<VolunteerHoursOut>>, ApiError> {
    let rows = state.services.volunteer_hours(&actor, q.org_id, &q.period).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(person_id, name, activities, hours)| VolunteerHoursOut { person_id, name, activities, hours })
            .collect(),
    ))
}

/// Campaigns (专项) the caller may use.
#[utoipa::path(get, path = "/campaigns", tag = "ledgers", responses((status = 200, body = [CampaignOut])))]
pub async fn campaigns(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CampaignOut>>, ApiError> {
    Ok(Json(state.services.campaigns(&actor).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/campaigns", tag = "ledgers", request_body = CampaignBody,
    responses((status = 201, body = CampaignOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn campaign_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CampaignBody>,
) -> Result<(StatusCode, Json<CampaignOut>), ApiError> {
    let c = state.services.campaign_add(&actor, body.org_id, &body.name, &body.purpose).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Renames a campaign or sets its summary topic: an org's own by its
/// administrators, shared ones by system administrators.
#[utoipa::path(patch, path = "/campaigns/{id}", tag = "ledgers", params(("id" = i64, Path)), request_body = PurposePatchBody,
    responses((status = 200, body = CampaignOut), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn campaign_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<PurposePatchBody>,
) -> Result<Json<CampaignOut>, ApiError> {
    let c = state.services.campaign_update(&actor, id, b.name.as_deref(), b.purpose.as_deref()).await?;
    Ok(Json(c.into()))
}

/// Activities of the caller's subtree, newest first.
#[utoipa::path(get, path = "/activities", tag = "ledgers", params(ActivityListQuery),
    responses((status = 200, body = ActivityPage), (status = 422, body = ErrorBody)))]
pub async fn activity_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ActivityListQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    let page = state.services.activity_list(&actor, &q.into()).await?;
    Ok(Json(ActivityPage {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        next: page.next,
    }))
}

/// Records an activity.
#[utoipa::path(post, path = "/activities", tag = "ledgers", request_body = ActivityBody,
    responses((status = 201, body = ActivityOut), (status = 422, body = ErrorBody)))]
pub async fn activity_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ActivityBody>,
) -> Result<(StatusCode, Json<ActivityOut>), ApiError> {
    let a = state.services.activity_create(&actor, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[utoipa::path(get, path = "/activities/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 200, body = ActivityOut), (status = 404, body = ErrorBody)))]
pub async fn activity_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<ActivityOut>, ApiError> {
    Ok(Json(state.services.activity_get(&actor, id).await?.into()))
}

/// Replaces an activity's content.
#[utoipa::path(put, path = "/activities/{id}", tag = "ledgers", params(("id" = i64, Path)), request_body = ActivityBody,
    responses((status = 200, body = ActivityOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn activity_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ActivityBody>,
) -> Result<Json<ActivityOut>, ApiError> {
    Ok(Json(state.services.activity_update(&actor, id, &body.into()).await?.into()))
}

#[utoipa::path(delete, path = "/activities/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn activity_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.activity_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records that the activity was reported to the civilization-practice platform.
#[utoipa::path(post, path = "/activities/{id}/report", tag = "ledgers", params(("id" = i64, Path)), request_body = ReportBody,
    responses((status = 200, body = ActivityOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn activity_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<Json<ActivityOut>, ApiError> {
    Ok(Json(state.services.activity_report(&actor, id, &body.reported_on, &body.reported_by).await?.into()))
}

/// Targets of an org's subtree for a year, judged today (or at the year's end).
#[utoipa::path(get, path = "/targets", tag = "ledgers", params(TargetListQuery),
    responses((status = 200, body = [TargetOut]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn target_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TargetListQuery>,
) -> Result<Json<Vec<TargetOut>>, ApiError> {
    let statuses = state.services.target_statuses(&actor, q.org_id, q.year).await?;
    Ok(Json(statuses.into_iter().map(Into::into).collect()))
}

/// Sets a target (目标) for an org and year.
#[utoipa::path(post, path = "/targets", tag = "ledgers", request_body = TargetBody,
    responses((status = 201), (status = 422, body = ErrorBody)))]
pub async fn target_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<TargetBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let t = state.services.target_create(&actor, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": t.id }))))
}

#[utoipa::path(delete, path = "/targets/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn target_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.target_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Counts by kind, work area and month, targets, and what is unreported, for an org's subtree and period.
#[utoipa::path(get, path = "/dashboard", tag = "ledgers", params(DashboardQuery),
    responses((status = 200, body = DashboardOut), (status = 422, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<DashboardOut>, ApiError> {
    let d = state.services.dashboard(&actor, q.org_id, &q.period).await?;
    let areas = state.services.work_areas_for(&actor).await?;
    Ok(Json(DashboardOut::new(d, &areas)))
}

/// The ledger of the filter as an .xlsx workbook in the office layout.
#[utoipa::path(get, path = "/activities/export.xlsx", tag = "ledgers", params(ActivityListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn activity_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ActivityListQuery>,
) -> Result<axum::response::Response, ApiError> {
    let (name, bytes) = crate::sheets::export(&state.services, &actor, &q.into()).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// The import template: Chinese headers, a sample row, drop-down lists.
#[utoipa::path(get, path = "/activities/template.xlsx", tag = "ledgers",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn activity_template(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::response::Response, ApiError> {
    let bytes = crate::sheets::template(&state.services, &actor).await?;
    Ok(crate::sheets::xlsx_response("工作台账导入模板.xlsx", bytes))
}

#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// Name of the file, for the audit log.
    pub source: String,
    /// `xlsx` to receive the error report as a workbook instead of JSON.
    pub report: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportOut {
    pub imported: usize,
}

/// Imports activities from an .xlsx body: all rows or none; every bad row
/// and column is named in the 422 answer (or its workbook with `report=xlsx`).
#[utoipa::path(post, path = "/activities/import", tag = "ledgers", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportOut), (status = 422, body = ErrorBody)))]
pub async fn activity_import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ImportQuery>,
    crate::auth::ApiBytes(body): crate::auth::ApiBytes,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let source = if q.source.trim().is_empty() { "接口上传".to_owned() } else { q.source.trim().to_owned() };
    match crate::sheets::import(&state, &actor, &body, &source).await {
        Ok(imported) => Ok(Json(ImportOut { imported }).into_response()),
        Err(taizhang_core::Error::Invalid(errors)) if q.report == "xlsx" => {
            // The upload itself, its bad cells marked, with the list of errors.
            let bytes = crate::sheets::error_report_in_turn(&state, errors, body).await?;
            let mut response = crate::sheets::xlsx_response("导入错误报告.xlsx", bytes);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EvidenceOut {
    pub id: i64,
    pub activity_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub has_thumbnail: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
}

impl From<taizhang_core::evidence::Evidence> for EvidenceOut {
    fn from(e: taizhang_core::evidence::Evidence) -> Self {
        EvidenceOut {
            id: e.id,
            activity_id: e.activity_id,
            file_name: e.file_name,
            content_type: e.content_type,
            size: e.size,
            sha256: e.sha256,
            has_thumbnail: e.has_thumbnail,
            created_at: e.created_at,
            created_by: e.created_by,
        }
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct EvidenceQuery {
    /// The file's name, e.g. 活动照片.jpg.
    pub name: String,
}

/// Attaches a photo or file (the raw bytes as the body); the type is judged by the content.
#[utoipa::path(post, path = "/activities/{id}/evidence", tag = "ledgers", params(("id" = i64, Path), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceOut), (status = 422, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn evidence_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    crate::auth::ApiBytes(bytes): crate::auth::ApiBytes,
) -> Result<(StatusCode, Json<EvidenceOut>), ApiError> {
    let e = crate::evidence::attach(&state, &actor, id, &q.name, bytes).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

#[utoipa::path(get, path = "/activities/{id}/evidence", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 200, body = [EvidenceOut]), (status = 404, body = ErrorBody)))]
pub async fn evidence_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Vec<EvidenceOut>>, ApiError> {
    Ok(Json(state.services.evidence_list(&actor, id).await?.into_iter().map(Into::into).collect()))
}

/// The file itself.
#[utoipa::path(get, path = "/evidence/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn evidence_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<axum::response::Response, ApiError> {
    let (e, bytes) = state.services.evidence_file(&actor, id, false).await?;
    Ok(crate::evidence::file_response(&e, bytes, false))
}

/// A JPEG preview of a photo.
#[utoipa::path(get, path = "/evidence/{id}/thumbnail", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn evidence_thumbnail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<axum::response::Response, ApiError> {
    let (e, bytes) = state.services.evidence_file(&actor, id, true).await?;
    Ok(crate::evidence::file_response(&e, bytes, true))
}

#[utoipa::path(delete, path = "/evidence/{id}", tag = "ledgers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn evidence_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.evidence_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KindOut {
    pub code: String,
    pub label: String,
}

/// Activity kinds the caller may use: built-in ones and those administrators added.
#[utoipa::path(get, path = "/kinds", tag = "ledgers", responses((status = 200, body = [KindOut])))]
pub async fn kinds(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Vec<KindOut>>, ApiError> {
    let kinds = state.services.kinds_for(&actor).await?;
    Ok(Json(kinds.into_iter().map(|(code, label)| KindOut { code, label }).collect()))
}

/// Adds an activity kind for the administrator's org and the orgs below; its name is its code.
#[utoipa::path(post, path = "/kinds", tag = "ledgers", request_body = RenameBody,
    responses((status = 201, body = KindOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn kind_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<RenameBody>,
) -> Result<(StatusCode, Json<KindOut>), ApiError> {
    state.services.kind_create(&actor, &b.name).await?;
    // The service stores the trimmed name as both code and label.
    let name = b.name.trim().to_owned();
    Ok((StatusCode::CREATED, Json(KindOut { code: name.clone(), label: name })))
}
