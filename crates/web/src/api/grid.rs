//! Grid work over JSON: households and residents, the roster (import,
//! export, template), screening campaigns with visits and coverage, key
//! persons, care plans, follow-ups, health checks, disinfections and the
//! daily report. Personal data is masked unless revealed (and audited).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::auth::now;
use taizhang_core::grid::*;
use taizhang_core::service::{
    CarePlanInput, CoverageView, DisinfectionInput, FollowUpInput, FollowUpLine, HealthCheckInput, HealthCheckView,
    HouseholdInput, KeyPersonInput, LeaveInput, PersonView, ResidentInput, ScreeningInput, VisitInput, parse_date,
};
use taizhang_core::{Error, model::Page};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiBytes, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

fn day_param(field: &str, raw: &str) -> Result<NaiveDate, Error> {
    match raw.trim() {
        "" => Ok(now().date_naive()),
        s => parse_date(s).ok_or_else(|| Error::invalid(field, "日期格式应为“2020-02-03”")),
    }
}

// --- households and residents ---

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub person_id: i64,
    pub name: String,
    pub relation: String,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdOut {
    pub id: i64,
    pub grid_id: i64,
    pub address: String,
    pub head: String,
    pub members: Vec<MemberOut>,
}

impl From<Household> for HouseholdOut {
    fn from(h: Household) -> Self {
        HouseholdOut {
            id: h.id,
            grid_id: h.org_id,
            head: h.head().to_owned(),
            address: h.address,
            members: h
                .members
                .into_iter()
                .map(|m| MemberOut { person_id: m.person_id, name: m.name, relation: m.relation })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdOut>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl From<Page<Household>> for HouseholdPage {
    fn from(p: Page<Household>) -> Self {
        HouseholdPage {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HouseholdListQuery {
    pub grid_id: Option<i64>,
    /// Part of the address or of a member's name.
    pub q: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct HouseholdBody {
    pub grid_id: Option<i64>,
    pub address: String,
}

impl From<HouseholdBody> for HouseholdInput {
    fn from(b: HouseholdBody) -> Self {
        HouseholdInput { grid_id: b.grid_id, address: b.address }
    }
}

/// Households of the caller's grids, by grid and address.
#[utoipa::path(get, path = "/api/v1/households", tag = "grid", params(HouseholdListQuery),
    responses((status = 200, body = HouseholdPage)))]
pub async fn household_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<HouseholdListQuery>,
) -> Result<Json<HouseholdPage>, ApiError> {
    let page =
        state.services.households(&actor, q.grid_id, &q.q, q.page.unwrap_or(1), q.per_page.unwrap_or(50)).await?;
    Ok(Json(page.into()))
}

#[utoipa::path(post, path = "/api/v1/households", tag = "grid", request_body = HouseholdBody,
    responses((status = 201, body = HouseholdOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn household_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<HouseholdBody>,
) -> Result<(StatusCode, Json<HouseholdOut>), ApiError> {
    let h = state.services.household_save(&actor, None, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(h.into())))
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "grid", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdOut), (status = 404, body = ErrorBody)))]
pub async fn household_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<HouseholdOut>, ApiError> {
    Ok(Json(state.services.household_get(&actor, id).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/households/{id}", tag = "grid", params(("id" = i64, Path)), request_body = HouseholdBody,
    responses((status = 200, body = HouseholdOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn household_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<HouseholdBody>,
) -> Result<Json<HouseholdOut>, ApiError> {
    Ok(Json(state.services.household_save(&actor, Some(id), &body.into()).await?.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResidentBody {
    /// The household; none takes the person out of their household.
    pub household_id: Option<i64>,
    /// 与户主关系: 户主, 配偶, 子女 ...
    pub relation: String,
}

#[derive(Serialize, ToSchema)]
pub struct ResidentOut {
    pub person_id: i64,
    pub name: String,
    pub household_id: i64,
    pub address: String,
    pub grid_id: i64,
    pub relation: String,
    /// Masked.
    pub id_number: Option<String>,
}

impl From<Resident> for ResidentOut {
    fn from(r: Resident) -> Self {
        let view = PersonView::masked(r.person);
        ResidentOut {
            person_id: view.person.id,
            name: view.person.name,
            household_id: r.household_id,
            address: r.address,
            grid_id: r.grid_id,
            relation: r.relation,
            id_number: view.id_number,
        }
    }
}

/// Puts a person in a household, or takes them out.
#[utoipa::path(put, path = "/api/v1/people/{id}/household", tag = "grid", params(("id" = i64, Path)), request_body = ResidentBody,
    responses((status = 200, body = Option<ResidentOut>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resident_set(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ResidentBody>,
) -> Result<Json<Option<ResidentOut>>, ApiError> {
    let input = ResidentInput { household_id: body.household_id, relation: body.relation };
    Ok(Json(state.services.resident_set(&actor, id, &input).await?.map(Into::into)))
}

// --- the roster ---

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RosterImportQuery {
    /// The org whose grids the rows name (default: the caller's).
    pub org_id: Option<i64>,
    /// Name of the file, for the audit log.
    pub source: String,
    /// Headers the file uses instead of ours: `身份证号=证件号码;住址=家庭地址`.
    pub map: String,
    /// `xlsx` to receive the error report as a workbook instead of JSON.
    pub report: String,
}

#[derive(Serialize, ToSchema)]
pub struct RosterOutcomeOut {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub households_added: usize,
}

/// Imports a roster (.xlsx or .csv body), merged by ID number: every row
/// lands or none does; each bad row and column is named in the 422 answer.
#[utoipa::path(post, path = "/api/v1/roster/import", tag = "grid", params(RosterImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RosterOutcomeOut), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn roster_import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RosterImportQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let source = if q.source.trim().is_empty() { "接口上传".to_owned() } else { q.source.trim().to_owned() };
    match crate::sheets::roster_import(&state, &actor, q.org_id, &body, &q.map, &source).await {
        Ok(o) => Ok(Json(RosterOutcomeOut {
            added: o.added,
            changed: o.changed,
            unchanged: o.unchanged,
            households_added: o.households_added,
        })
        .into_response()),
        Err(Error::Invalid(errors)) if q.report == "xlsx" => {
            // The upload itself, its bad cells marked, with the list of errors.
            let bytes = crate::sheets::roster_error_report_in_turn(&state, errors, body, q.map).await?;
            let mut response = xlsx_response("居民花名册导入错误报告.xlsx", bytes);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RosterExportQuery {
    pub org_id: Option<i64>,
    /// Full ID numbers and phones (needs the personal-data permission; audited).
    pub reveal: bool,
}

/// The roster as .xlsx, masked unless revealed; every export is audited.
#[utoipa::path(get, path = "/api/v1/roster/export.xlsx", tag = "grid", params(RosterExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = ErrorBody)))]
pub async fn roster_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RosterExportQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::roster_export(&state.services, &actor, q.org_id, q.reveal).await?;
    Ok(xlsx_response(&name, bytes))
}

/// The roster import template: headers, a sample row and drop-down lists.
#[utoipa::path(get, path = "/api/v1/roster/template.xlsx", tag = "grid",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn roster_template(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Response, ApiError> {
    let bytes = crate::sheets::roster_template(&state.services, &actor).await?;
    Ok(xlsx_response("居民花名册导入模板.xlsx", bytes))
}

// --- screening campaigns ---

#[derive(Serialize, ToSchema)]
pub struct ScreeningOut {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub grid_ids: Vec<i64>,
}

impl From<Screening> for ScreeningOut {
    fn from(s: Screening) -> Self {
        ScreeningOut {
            id: s.id,
            org_id: s.org_id,
            name: s.name,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            grid_ids: s.grid_ids,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ScreeningBody {
    pub org_id: Option<i64>,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub grid_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct GridCoverageOut {
    pub grid_id: i64,
    pub grid_name: String,
    pub households: u64,
    pub visited: u64,
    /// Households not yet visited (漏户).
    pub missed_households: u64,
    pub household_percent: f64,
    pub residents: u64,
    pub with_status: u64,
    /// Residents without a status (漏人).
    pub missed_persons: u64,
    pub person_percent: f64,
}

impl From<&GridCoverage> for GridCoverageOut {
    fn from(g: &GridCoverage) -> Self {
        GridCoverageOut {
            grid_id: g.grid_id,
            grid_name: g.grid_name.clone(),
            households: g.households,
            visited: g.visited,
            missed_households: g.missed_households(),
            household_percent: g.household_percent(),
            residents: g.residents,
            with_status: g.with_status,
            missed_persons: g.missed_persons(),
            person_percent: g.person_percent(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CoverageOut {
    pub screening: ScreeningOut,
    pub grids: Vec<GridCoverageOut>,
    pub total: GridCoverageOut,
}

impl From<CoverageView> for CoverageOut {
    fn from(c: CoverageView) -> Self {
        CoverageOut {
            grids: c.grids.iter().map(Into::into).collect(),
            total: (&c.total).into(),
            screening: c.screening.into(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/screenings", tag = "grid", responses((status = 200, body = Vec<ScreeningOut>)))]
pub async fn screening_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ScreeningOut>>, ApiError> {
    Ok(Json(state.services.screenings(&actor).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/screenings", tag = "grid", request_body = ScreeningBody,
    responses((status = 201, body = ScreeningOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn screening_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ScreeningBody>,
) -> Result<(StatusCode, Json<ScreeningOut>), ApiError> {
    let input = ScreeningInput {
        org_id: b.org_id,
        name: b.name,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        grid_ids: b.grid_ids,
    };
    Ok((StatusCode::CREATED, Json(state.services.screening_create(&actor, &input).await?.into())))
}

/// A campaign with its live coverage over the caller's grids.
#[utoipa::path(get, path = "/api/v1/screenings/{id}", tag = "grid", params(("id" = i64, Path)),
    responses((status = 200, body = CoverageOut), (status = 404, body = ErrorBody)))]
pub async fn screening_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<CoverageOut>, ApiError> {
    Ok(Json(state.services.coverage(&actor, id).await?.into()))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MissedQuery {
    pub grid_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MissedOut {
    /// Households not yet visited (漏户), at most 500.
    pub households: Vec<HouseholdOut>,
    /// Residents without a status (漏人), at most 500.
    pub persons: Vec<ResidentOut>,
}

#[utoipa::path(get, path = "/api/v1/screenings/{id}/missed", tag = "grid", params(("id" = i64, Path), MissedQuery),
    responses((status = 200, body = MissedOut), (status = 404, body = ErrorBody)))]
pub async fn screening_missed(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<MissedQuery>,
) -> Result<Json<MissedOut>, ApiError> {
    let (households, persons) = state.services.missed(&actor, id, q.grid_id, 500).await?;
    Ok(Json(MissedOut {
        households: households.into_iter().map(Into::into).collect(),
        persons: persons.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonStatusBody {
    pub person_id: i64,
    /// seen, away, moved_out, unreachable (or 在家已见, 外出, 已迁出, 未联系上).
    pub status: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VisitBody {
    pub household_id: Option<i64>,
    pub visited_on: String,
    pub visitor: String,
    /// all_seen, some_away, vacant, refused (or 全部见面, 部分外出, 空户, 拒绝配合).
    pub result: String,
    pub note: String,
    /// Members' statuses; the others take the one the result implies: seen
    /// (all_seen, some_away), away (vacant) or unreachable (refused).
    pub statuses: Vec<PersonStatusBody>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonStatusOut {
    pub person_id: i64,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct VisitOut {
    pub id: i64,
    pub screening_id: i64,
    pub household_id: i64,
    pub grid_id: i64,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub result: String,
    pub note: String,
    pub statuses: Vec<PersonStatusOut>,
}

impl From<Visit> for VisitOut {
    fn from(v: Visit) -> Self {
        VisitOut {
            id: v.id,
            screening_id: v.screening_id,
            household_id: v.household_id,
            grid_id: v.grid_id,
            visited_on: v.visited_on,
            visitor: v.visitor,
            result: v.result.as_str().to_owned(),
            note: v.note,
            statuses: v
                .statuses
                .into_iter()
                .map(|(p, s)| PersonStatusOut { person_id: p, status: s.as_str().to_owned() })
                .collect(),
        }
    }
}

/// Records a household visit; a household outside the caller's grids or the campaign's is refused.
#[utoipa::path(post, path = "/api/v1/screenings/{id}/visits", tag = "grid", params(("id" = i64, Path)), request_body = VisitBody,
    responses((status = 201, body = VisitOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn visit_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<VisitBody>,
) -> Result<(StatusCode, Json<VisitOut>), ApiError> {
    let input = VisitInput {
        household_id: b.household_id,
        visited_on: b.visited_on,
        visitor: b.visitor,
        result: b.result,
        note: b.note,
        statuses: b.statuses.into_iter().map(|s| (s.person_id, s.status)).collect(),
    };
    Ok((StatusCode::CREATED, Json(state.services.visit_record(&actor, id, &input).await?.into())))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct VisitListQuery {
    pub household_id: Option<i64>,
}

/// The latest 500 visits of a campaign in the caller's grids (or of one household).
#[utoipa::path(get, path = "/api/v1/screenings/{id}/visits", tag = "grid", params(("id" = i64, Path), VisitListQuery),
    responses((status = 200, body = Vec<VisitOut>), (status = 404, body = ErrorBody)))]
pub async fn visit_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<VisitListQuery>,
) -> Result<Json<Vec<VisitOut>>, ApiError> {
    let visits = state.services.visits(&actor, id, q.household_id, 500).await?;
    Ok(Json(visits.into_iter().map(Into::into).collect()))
}

// --- key groups and key persons ---

#[derive(Serialize, ToSchema)]
pub struct KeyGroupOut {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct KeyGroupBody {
    pub org_id: Option<i64>,
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/key-groups", tag = "grid", responses((status = 200, body = Vec<KeyGroupOut>)))]
pub async fn key_group_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<KeyGroupOut>>, ApiError> {
    let groups = state.services.key_groups(&actor).await?;
    Ok(Json(groups.into_iter().map(|g| KeyGroupOut { id: g.id, org_id: g.org_id, name: g.name }).collect()))
}

#[utoipa::path(post, path = "/api/v1/key-groups", tag = "grid", request_body = KeyGroupBody,
    responses((status = 201, body = KeyGroupOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_group_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<KeyGroupBody>,
) -> Result<(StatusCode, Json<KeyGroupOut>), ApiError> {
    let g = state.services.key_group_create(&actor, b.org_id, &b.name).await?;
    Ok((StatusCode::CREATED, Json(KeyGroupOut { id: g.id, org_id: g.org_id, name: g.name })))
}

#[derive(Serialize, ToSchema)]
pub struct KeyPersonOut {
    pub id: i64,
    pub key_group_id: i64,
    pub group_name: String,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub entered_on: NaiveDate,
    pub enter_reason: String,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: String,
}

impl From<KeyPerson> for KeyPersonOut {
    fn from(k: KeyPerson) -> Self {
        KeyPersonOut {
            id: k.id,
            key_group_id: k.key_group_id,
            group_name: k.group_name,
            person_id: k.person_id,
            person_name: k.person_name,
            org_id: k.org_id,
            entered_on: k.entered_on,
            enter_reason: k.enter_reason,
            left_on: k.left_on,
            leave_reason: k.leave_reason,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct KeyPersonQuery {
    pub org_id: Option<i64>,
    /// Only those in a group on this day (YYYY-MM-DD); empty: the whole history.
    pub active_on: String,
}

#[utoipa::path(get, path = "/api/v1/key-persons", tag = "grid", params(KeyPersonQuery),
    responses((status = 200, body = Vec<KeyPersonOut>), (status = 422, body = ErrorBody)))]
pub async fn key_person_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<KeyPersonQuery>,
) -> Result<Json<Vec<KeyPersonOut>>, ApiError> {
    let active_on = match q.active_on.trim() {
        "" => None,
        s => Some(day_param("active_on", s)?),
    };
    let list = state.services.key_persons(&actor, q.org_id, active_on).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct KeyPersonBody {
    pub key_group_id: Option<i64>,
    pub person_id: Option<i64>,
    pub entered_on: String,
    pub reason: String,
}

/// A person enters a key group.
#[utoipa::path(post, path = "/api/v1/key-persons", tag = "grid", request_body = KeyPersonBody,
    responses((status = 201, body = KeyPersonOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_person_enter(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<KeyPersonBody>,
) -> Result<(StatusCode, Json<KeyPersonOut>), ApiError> {
    let input = KeyPersonInput {
        key_group_id: b.key_group_id,
        person_id: b.person_id,
        entered_on: b.entered_on,
        reason: b.reason,
    };
    Ok((StatusCode::CREATED, Json(state.services.key_person_enter(&actor, &input).await?.into())))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LeaveBody {
    pub left_on: String,
    pub reason: String,
}

/// A person leaves a key group; the stay is kept in the history.
#[utoipa::path(post, path = "/api/v1/key-persons/{id}/leave", tag = "grid", params(("id" = i64, Path)), request_body = LeaveBody,
    responses((status = 200, body = KeyPersonOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_person_leave(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<LeaveBody>,
) -> Result<Json<KeyPersonOut>, ApiError> {
    let input = LeaveInput { left_on: b.left_on, reason: b.reason };
    Ok(Json(state.services.key_person_leave(&actor, id, &input).await?.into()))
}

// --- care plans and follow-ups ---

#[derive(Serialize, ToSchema)]
pub struct CarePlanOut {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub cadre_id: i64,
    pub cadre_name: String,
    pub measures: String,
    pub every_days: u32,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl From<CarePlan> for CarePlanOut {
    fn from(p: CarePlan) -> Self {
        CarePlanOut {
            id: p.id,
            person_id: p.person_id,
            person_name: p.person_name,
            org_id: p.org_id,
            cadre_id: p.cadre_id,
            cadre_name: p.cadre_name,
            measures: p.measures,
            every_days: p.every_days,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CarePlanBody {
    pub cadre_id: Option<i64>,
    pub measures: String,
    /// A follow-up every so many days (1–90).
    pub every_days: Option<u32>,
    pub starts_on: String,
    pub ends_on: String,
}

#[utoipa::path(get, path = "/api/v1/people/{id}/care-plan", tag = "grid", params(("id" = i64, Path)),
    responses((status = 200, body = Option<CarePlanOut>), (status = 404, body = ErrorBody)))]
pub async fn care_plan_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Option<CarePlanOut>>, ApiError> {
    Ok(Json(state.services.care_plan_of(&actor, id).await?.map(Into::into)))
}

/// Creates or replaces the person's one plan (一人一策).
#[utoipa::path(put, path = "/api/v1/people/{id}/care-plan", tag = "grid", params(("id" = i64, Path)), request_body = CarePlanBody,
    responses((status = 200, body = CarePlanOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn care_plan_put(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CarePlanBody>,
) -> Result<Json<CarePlanOut>, ApiError> {
    let input = CarePlanInput {
        cadre_id: b.cadre_id,
        measures: b.measures,
        every_days: b.every_days,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
    };
    Ok(Json(state.services.care_plan_save(&actor, id, &input).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpLineOut {
    pub plan: CarePlanOut,
    pub last_done: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
    /// scheduled, due_today, overdue, finished.
    pub state: String,
    pub done_today: u32,
}

impl From<FollowUpLine> for FollowUpLineOut {
    fn from(l: FollowUpLine) -> Self {
        FollowUpLineOut {
            last_done: l.last_done,
            next_due: l.next_due,
            state: serde_json::to_value(l.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            done_today: l.done_today,
            plan: l.plan.into(),
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FollowUpQuery {
    pub org_id: Option<i64>,
    pub cadre_id: Option<i64>,
    /// The day (default today).
    pub day: String,
    /// due_today, overdue, scheduled or finished; empty: all.
    pub state: String,
}

/// Every plan with where its follow-ups stand on a day: due today, overdue, done.
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "grid", params(FollowUpQuery),
    responses((status = 200, body = Vec<FollowUpLineOut>), (status = 422, body = ErrorBody)))]
pub async fn follow_up_board(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<FollowUpQuery>,
) -> Result<Json<Vec<FollowUpLineOut>>, ApiError> {
    let day = day_param("day", &q.day)?;
    let wanted = match q.state.trim() {
        "" => None,
        s => Some(
            FollowUpState::parse(s)
                .ok_or_else(|| Error::invalid("state", "状态应为 due_today、overdue、scheduled 或 finished"))?,
        ),
    };
    let lines = state.services.follow_up_board(&actor, q.org_id, q.cadre_id, day).await?;
    Ok(Json(lines.into_iter().filter(|l| wanted.is_none_or(|w| l.state == w)).map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct FollowUpBody {
    pub done_on: String,
    pub by: String,
    pub findings: String,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpOut {
    pub id: i64,
    pub person_id: i64,
    pub done_on: NaiveDate,
    pub by: String,
    pub findings: String,
}

#[utoipa::path(post, path = "/api/v1/people/{id}/follow-ups", tag = "grid", params(("id" = i64, Path)), request_body = FollowUpBody,
    responses((status = 201, body = FollowUpOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<FollowUpBody>,
) -> Result<(StatusCode, Json<FollowUpOut>), ApiError> {
    let input = FollowUpInput { done_on: b.done_on, by: b.by, findings: b.findings };
    let f = state.services.follow_up_add(&actor, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(FollowUpOut { id: f.id, person_id: f.person_id, done_on: f.done_on, by: f.by, findings: f.findings }),
    ))
}

// --- health checks ---

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct HealthCheckBody {
    /// "2020-02-03 08:30"
    pub checked_at: String,
    /// °C, for example "36.5".
    pub temperature: String,
    pub symptoms: String,
    pub by: String,
}

#[derive(Serialize, ToSchema)]
pub struct HealthCheckOut {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub checked_at: String,
    /// Masked ("**.*") unless revealed.
    pub temperature: String,
    /// Masked unless revealed.
    pub symptoms: String,
    /// Only when revealed.
    pub abnormal: Option<bool>,
    pub by: String,
}

impl From<HealthCheckView> for HealthCheckOut {
    fn from(v: HealthCheckView) -> Self {
        HealthCheckOut {
            temperature: v.temperature(),
            symptoms: v.symptoms(),
            abnormal: v.abnormal(),
            id: v.check.id,
            person_id: v.check.person_id,
            person_name: v.check.person_name,
            checked_at: v.check.checked_at.format("%Y-%m-%d %H:%M").to_string(),
            by: v.check.by,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/people/{id}/health-checks", tag = "grid", params(("id" = i64, Path)), request_body = HealthCheckBody,
    responses((status = 201, body = HealthCheckOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn health_check_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<HealthCheckBody>,
) -> Result<(StatusCode, Json<HealthCheckOut>), ApiError> {
    let input =
        HealthCheckInput { checked_at: b.checked_at, temperature: b.temperature, symptoms: b.symptoms, by: b.by };
    let check = state.services.health_check_add(&actor, id, &input).await?;
    // The answer repeats what was sent, as the sender sees its own readings.
    Ok((StatusCode::CREATED, Json(HealthCheckView::for_actor(&actor, check, false).into())))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HealthCheckQuery {
    pub org_id: Option<i64>,
    pub person_id: Option<i64>,
    /// The day (default today).
    pub day: String,
    /// Only abnormal readings (reveals health data: needs the permission; audited).
    pub abnormal: bool,
    /// Unmask readings (needs the personal-data permission; audited).
    pub reveal: bool,
}

#[utoipa::path(get, path = "/api/v1/health-checks", tag = "grid", params(HealthCheckQuery),
    responses((status = 200, body = Vec<HealthCheckOut>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn health_check_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<HealthCheckQuery>,
) -> Result<Json<Vec<HealthCheckOut>>, ApiError> {
    let day = day_param("day", &q.day)?;
    let list = state.services.health_checks(&actor, q.org_id, q.person_id, (day, day), q.abnormal, q.reveal).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

// --- disinfections ---

#[derive(Serialize, ToSchema)]
pub struct DisinfectionOut {
    pub id: i64,
    pub org_id: i64,
    pub place: String,
    pub done_at: String,
    pub by: String,
    pub agent: String,
}

impl From<Disinfection> for DisinfectionOut {
    fn from(d: Disinfection) -> Self {
        DisinfectionOut {
            id: d.id,
            org_id: d.org_id,
            place: d.place,
            done_at: d.done_at.format("%Y-%m-%d %H:%M").to_string(),
            by: d.by,
            agent: d.agent,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DisinfectionBody {
    pub org_id: Option<i64>,
    pub place: String,
    /// "2020-02-03 16:00"
    pub done_at: String,
    pub by: String,
    pub agent: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RangeQuery {
    pub org_id: Option<i64>,
    /// First day (default today).
    pub from: String,
    /// Last day (default today).
    pub to: String,
}

#[utoipa::path(get, path = "/api/v1/disinfections", tag = "grid", params(RangeQuery),
    responses((status = 200, body = Vec<DisinfectionOut>), (status = 422, body = ErrorBody)))]
pub async fn disinfection_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Vec<DisinfectionOut>>, ApiError> {
    let (from, to) = (day_param("from", &q.from)?, day_param("to", &q.to)?);
    let list = state.services.disinfections(&actor, q.org_id, from, to).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/disinfections", tag = "grid", request_body = DisinfectionBody,
    responses((status = 201, body = DisinfectionOut), (status = 422, body = ErrorBody)))]
pub async fn disinfection_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<DisinfectionBody>,
) -> Result<(StatusCode, Json<DisinfectionOut>), ApiError> {
    let input = DisinfectionInput { org_id: b.org_id, place: b.place, done_at: b.done_at, by: b.by, agent: b.agent };
    Ok((StatusCode::CREATED, Json(state.services.disinfection_add(&actor, &input).await?.into())))
}

// --- daily report ---

#[derive(Serialize, ToSchema)]
pub struct ReportLineOut {
    pub org_id: i64,
    pub org_name: String,
    pub new_key_persons: u64,
    pub under_care: u64,
    pub released: u64,
    /// Health checks taken that day. `null` when the count is 1 or 2 and the
    /// account lacks the personal-data permission (shown as "<3", see
    /// `small_counts_hidden`).
    pub checks: Option<u64>,
    /// Abnormal readings that day; `null` like `checks` when 1 or 2 and hidden.
    pub abnormal_checks: Option<u64>,
    pub follow_ups_done: u64,
    pub follow_ups_overdue: u64,
    pub disinfections: u64,
    pub coverage: GridCoverageOut,
}

impl From<&ReportLine> for ReportLineOut {
    fn from(l: &ReportLine) -> Self {
        ReportLineOut {
            org_id: l.org_id,
            org_name: l.org_name.clone(),
            new_key_persons: l.new_key_persons,
            under_care: l.under_care,
            released: l.released,
            checks: l.checks.exact(),
            abnormal_checks: l.abnormal_checks.exact(),
            follow_ups_done: l.follow_ups_done,
            follow_ups_overdue: l.follow_ups_overdue,
            disinfections: l.disinfections,
            coverage: (&l.coverage).into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DailyReportOut {
    pub org_id: i64,
    pub org_name: String,
    pub day: NaiveDate,
    pub lines: Vec<ReportLineOut>,
    pub total: ReportLineOut,
    /// True when counts of health checks from 1 to 2 are given as `null`
    /// ("<3"): the account lacks the personal-data permission.
    pub small_counts_hidden: bool,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DailyReportQuery {
    pub org_id: Option<i64>,
    /// The day (default today).
    pub day: String,
}

/// The daily report (信息报送): the same figures as the page and the .xlsx.
#[utoipa::path(get, path = "/api/v1/daily-report", tag = "grid", params(DailyReportQuery),
    responses((status = 200, body = DailyReportOut), (status = 422, body = ErrorBody)))]
pub async fn daily_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DailyReportQuery>,
) -> Result<Json<DailyReportOut>, ApiError> {
    let r = state.services.daily_report(&actor, q.org_id, day_param("day", &q.day)?).await?;
    Ok(Json(DailyReportOut {
        org_id: r.org_id,
        org_name: r.org_name.clone(),
        day: r.day,
        lines: r.lines.iter().map(Into::into).collect(),
        total: (&r.total).into(),
        small_counts_hidden: r.small_counts_hidden,
    }))
}

#[utoipa::path(get, path = "/api/v1/daily-report/export.xlsx", tag = "grid", params(DailyReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn daily_report_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DailyReportQuery>,
) -> Result<Response, ApiError> {
    let r = state.services.daily_report(&actor, q.org_id, day_param("day", &q.day)?).await?;
    let (name, bytes) = crate::sheets::daily_report_workbook(&r)?;
    Ok(xlsx_response(&name, bytes))
}
