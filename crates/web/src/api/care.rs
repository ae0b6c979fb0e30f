//! Care of key persons over JSON: key groups, key persons entering and
//! leaving them, care plans (一人一策), follow-ups, health checks (masked unless
//! revealed) and disinfections.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::Error;
use taizhang_core::grid::*;
use taizhang_core::service::{
    CarePlanInput, DisinfectionInput, FollowUpInput, FollowUpLine, HealthCheckInput, HealthCheckView, KeyPersonInput,
    LeaveInput,
};
use utoipa::{IntoParams, ToSchema};

use super::day_param;
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

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

#[utoipa::path(get, path = "/key-groups", tag = "grid", responses((status = 200, body = Vec<KeyGroupOut>)))]
pub async fn key_group_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<KeyGroupOut>>, ApiError> {
    let groups = state.services.key_groups(&actor).await?;
    Ok(Json(groups.into_iter().map(|g| KeyGroupOut { id: g.id, org_id: g.org_id, name: g.name }).collect()))
}

#[utoipa::path(post, path = "/key-groups", tag = "grid", request_body = KeyGroupBody,
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

#[utoipa::path(get, path = "/key-persons", tag = "grid", params(KeyPersonQuery),
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

/// A person enters a key group.
#[utoipa::path(post, path = "/key-persons", tag = "grid", request_body = KeyPersonInput,
    responses((status = 201, body = KeyPersonOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_person_enter(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<KeyPersonInput>,
) -> Result<(StatusCode, Json<KeyPersonOut>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.key_person_enter(&actor, &input).await?.into())))
}

/// A person leaves a key group; the stay is kept in the history.
#[utoipa::path(post, path = "/key-persons/{id}/leave", tag = "grid", params(("id" = i64, Path)), request_body = LeaveInput,
    responses((status = 200, body = KeyPersonOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn key_person_leave(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<LeaveInput>,
) -> Result<Json<KeyPersonOut>, ApiError> {
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

#[utoipa::path(get, path = "/people/{id}/care-plan", tag = "grid", params(("id" = i64, Path)),
    responses((status = 200, body = Option<CarePlanOut>), (status = 404, body = ErrorBody)))]
pub async fn care_plan_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Option<CarePlanOut>>, ApiError> {
    Ok(Json(state.services.care_plan_of(&actor, id).await?.map(Into::into)))
}

/// Creates or replaces the person's one plan (一人一策).
#[utoipa::path(put, path = "/people/{id}/care-plan", tag = "grid", params(("id" = i64, Path)), request_body = CarePlanInput,
    responses((status = 200, body = CarePlanOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn care_plan_put(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<CarePlanInput>,
) -> Result<Json<CarePlanOut>, ApiError> {
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
#[utoipa::path(get, path = "/follow-ups", tag = "grid", params(FollowUpQuery),
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

#[derive(Serialize, ToSchema)]
pub struct FollowUpOut {
    pub id: i64,
    pub person_id: i64,
    pub done_on: NaiveDate,
    pub by: String,
    pub findings: String,
}

#[utoipa::path(post, path = "/people/{id}/follow-ups", tag = "grid", params(("id" = i64, Path)), request_body = FollowUpInput,
    responses((status = 201, body = FollowUpOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<(StatusCode, Json<FollowUpOut>), ApiError> {
    let f = state.services.follow_up_add(&actor, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(FollowUpOut { id: f.id, person_id: f.person_id, done_on: f.done_on, by: f.by, findings: f.findings }),
    ))
}

// --- health checks ---

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

#[utoipa::path(post, path = "/people/{id}/health-checks", tag = "grid", params(("id" = i64, Path)), request_body = HealthCheckInput,
    responses((status = 201, body = HealthCheckOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn health_check_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<HealthCheckInput>,
) -> Result<(StatusCode, Json<HealthCheckOut>), ApiError> {
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

#[utoipa::path(get, path = "/health-checks", tag = "grid", params(HealthCheckQuery),
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

#[utoipa::path(get, path = "/disinfections", tag = "grid", params(RangeQuery),
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

#[utoipa::path(post, path = "/disinfections", tag = "grid", request_body = DisinfectionInput,
    responses((status = 201, body = DisinfectionOut), (status = 422, body = ErrorBody)))]
pub async fn disinfection_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<DisinfectionInput>,
) -> Result<(StatusCode, Json<DisinfectionOut>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.disinfection_add(&actor, &input).await?.into())))
}
