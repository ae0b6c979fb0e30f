//! The responsibility system over JSON: the chain, duties, pledges and
//! their signed scans.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_core::auth::now;
use taizhang_core::responsibility::{ChainLink, Duty, Pledge};
use taizhang_core::service::{DutyInput, PledgeInput};
use utoipa::{IntoParams, ToSchema};

use super::dto::{AttachmentOut, FileQuery};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

#[derive(Serialize, ToSchema)]
pub struct DutyOut {
    pub id: i64,
    pub org_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub post: String,
    pub first_responsible: bool,
    /// Work areas assigned beside the post (一岗双责).
    pub area_ids: Vec<i64>,
}

impl From<Duty> for DutyOut {
    fn from(d: Duty) -> Self {
        DutyOut {
            id: d.id,
            org_id: d.org_id,
            person_id: d.person_id,
            person_name: d.person_name,
            post: d.post,
            first_responsible: d.first_responsible,
            area_ids: d.area_ids,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PledgeOut {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub signer_id: i64,
    pub signer_name: String,
    pub counterpart: String,
    pub signed_on: NaiveDate,
    pub duties: String,
    /// The signed scan, at /api/v1/pledges/{id}/scan.
    pub has_scan: bool,
}

impl From<Pledge> for PledgeOut {
    fn from(p: Pledge) -> Self {
        PledgeOut {
            id: p.id,
            org_id: p.org_id,
            year: p.year,
            signer_id: p.signer_id,
            signer_name: p.signer_name,
            counterpart: p.counterpart,
            signed_on: p.signed_on,
            duties: p.duties,
            has_scan: p.scan_id.is_some(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainLinkOut {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    /// Depth below the chain's root.
    pub depth: usize,
    pub first_responsible: Option<DutyOut>,
    pub others: Vec<DutyOut>,
    /// Pledges of the year.
    pub pledges: Vec<PledgeOut>,
    /// What the org lacks for the year (未明确第一责任人, 未签订责任状).
    pub gaps: Vec<String>,
}

impl From<ChainLink> for ChainLinkOut {
    fn from(l: ChainLink) -> Self {
        ChainLinkOut {
            org_id: l.org.id,
            org_name: l.org.name,
            org_kind: l.org.kind.as_str().to_owned(),
            depth: l.depth,
            first_responsible: l.first_responsible.map(DutyOut::from),
            others: l.others.into_iter().map(DutyOut::from).collect(),
            pledges: l.pledges.into_iter().map(PledgeOut::from).collect(),
            gaps: l.gaps,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ChainQuery {
    pub org_id: Option<i64>,
    /// Default: this year.
    pub year: Option<i32>,
}

/// The responsibility chain from an org down, with the gaps of the year.
#[utoipa::path(get, path = "/responsibility", tag = "responsibility", params(ChainQuery),
    responses((status = 200, body = [ChainLinkOut]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn chain(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ChainQuery>,
) -> Result<Json<Vec<ChainLinkOut>>, ApiError> {
    let year = q.year.unwrap_or(now().date_naive().year());
    let chain = state.services.responsibility_chain(&actor, q.org_id, year).await?;
    Ok(Json(chain.into_iter().map(ChainLinkOut::from).collect()))
}

/// The chain as an .xlsx ledger.
#[utoipa::path(get, path = "/responsibility/export.xlsx", tag = "responsibility", params(ChainQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 422, body = ErrorBody)))]
pub async fn chain_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ChainQuery>,
) -> Result<Response, ApiError> {
    let year = q.year.unwrap_or(now().date_naive().year());
    let (name, bytes) = crate::sheets::responsibility_export(&state.services, &actor, q.org_id, year).await?;
    Ok(xlsx_response(&name, bytes))
}

#[utoipa::path(post, path = "/duties", tag = "responsibility", request_body = DutyInput,
    responses((status = 201, body = DutyOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn duty_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<DutyInput>,
) -> Result<(StatusCode, Json<DutyOut>), ApiError> {
    let d = state.services.duty_save(&actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(put, path = "/duties/{id}", tag = "responsibility", params(("id" = i64, Path)), request_body = DutyInput,
    responses((status = 200, body = DutyOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn duty_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<DutyInput>,
) -> Result<Json<DutyOut>, ApiError> {
    Ok(Json(state.services.duty_save(&actor, Some(id), &b).await?.into()))
}

#[utoipa::path(delete, path = "/duties/{id}", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn duty_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.duty_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a pledge; its signed scan goes to PUT /api/v1/pledges/{id}/scan.
#[utoipa::path(post, path = "/pledges", tag = "responsibility", request_body = PledgeInput,
    responses((status = 201, body = PledgeOut), (status = 422, body = ErrorBody)))]
pub async fn pledge_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<PledgeInput>,
) -> Result<(StatusCode, Json<PledgeOut>), ApiError> {
    let p = state.services.pledge_create(&actor, &input, None).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[utoipa::path(delete, path = "/pledges/{id}", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn pledge_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.pledge_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stores the signed scan of a pledge (the raw bytes as the body), replacing any earlier one.
#[utoipa::path(put, path = "/pledges/{id}/scan", tag = "responsibility", params(("id" = i64, Path), FileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = AttachmentOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pledge_scan_set(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<FileQuery>,
    crate::auth::ApiBytes(bytes): crate::auth::ApiBytes,
) -> Result<Json<AttachmentOut>, ApiError> {
    Ok(Json(state.services.pledge_scan_set(&actor, id, &q.name, bytes).await?.into()))
}

/// The signed scan of a pledge.
#[utoipa::path(get, path = "/pledges/{id}/scan", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn pledge_scan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let (a, bytes) = state.services.pledge_scan(&actor, id).await?;
    Ok(crate::evidence::attachment_response(&a, bytes))
}
