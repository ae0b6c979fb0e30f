//! Screening campaigns over JSON: campaigns, coverage per grid, missed
//! households and visits.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::grid::*;
use taizhang_core::service::{CoverageView, ScreeningInput, VisitInput};
use utoipa::{IntoParams, ToSchema};

use super::households::{HouseholdOut, ResidentOut};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

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

#[utoipa::path(get, path = "/screenings", tag = "grid", responses((status = 200, body = Vec<ScreeningOut>)))]
pub async fn screening_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ScreeningOut>>, ApiError> {
    Ok(Json(state.services.screenings(&actor).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/screenings", tag = "grid", request_body = ScreeningInput,
    responses((status = 201, body = ScreeningOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn screening_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<ScreeningInput>,
) -> Result<(StatusCode, Json<ScreeningOut>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.services.screening_create(&actor, &input).await?.into())))
}

/// A campaign with its live coverage over the caller's grids.
#[utoipa::path(get, path = "/screenings/{id}", tag = "grid", params(("id" = i64, Path)),
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

#[utoipa::path(get, path = "/screenings/{id}/missed", tag = "grid", params(("id" = i64, Path), MissedQuery),
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

/// A visit as the API receives it. Kept beside `VisitInput` because its
/// statuses are objects (`{"person_id", "status"}`) on the wire, where the
/// core takes pairs; forms post the same visit as flat fields.
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
#[utoipa::path(post, path = "/screenings/{id}/visits", tag = "grid", params(("id" = i64, Path)), request_body = VisitBody,
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
#[utoipa::path(get, path = "/screenings/{id}/visits", tag = "grid", params(("id" = i64, Path), VisitListQuery),
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
