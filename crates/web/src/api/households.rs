//! Households and their residents over JSON, and the resident roster (import,
//! export, template). Personal data is masked unless revealed (and audited).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use taizhang_core::Error;
use taizhang_core::grid::*;
use taizhang_core::model::{ListArgs, Page};
use taizhang_core::service::{HouseholdInput, PersonView, ResidentInput};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiBytes, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

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
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl From<Page<Household>> for HouseholdPage {
    fn from(p: Page<Household>) -> Self {
        HouseholdPage {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            next: p.next,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct HouseholdListQuery {
    pub grid_id: Option<i64>,
    /// Part of the address, or a member as the people search finds them.
    pub q: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// The `next` of the page before: the page after it, found by seeking
    /// (fast at any depth); `page` is then ignored.
    pub after: Option<String>,
}

impl HouseholdListQuery {
    fn list_args(&self) -> ListArgs {
        ListArgs {
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
            after: self.after.clone(),
            exact_total: false,
        }
    }
}

/// Households of the caller's grids, by grid and address.
#[utoipa::path(get, path = "/households", tag = "grid", params(HouseholdListQuery),
    responses((status = 200, body = HouseholdPage)))]
pub async fn household_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<HouseholdListQuery>,
) -> Result<Json<HouseholdPage>, ApiError> {
    let page = state.services.households(&actor, q.grid_id, &q.q, &q.list_args()).await?;
    Ok(Json(page.into()))
}

#[utoipa::path(post, path = "/households", tag = "grid", request_body = HouseholdInput,
    responses((status = 201, body = HouseholdOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn household_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<HouseholdInput>,
) -> Result<(StatusCode, Json<HouseholdOut>), ApiError> {
    let h = state.services.household_save(&actor, None, &body).await?;
    Ok((StatusCode::CREATED, Json(h.into())))
}

#[utoipa::path(get, path = "/households/{id}", tag = "grid", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdOut), (status = 404, body = ErrorBody)))]
pub async fn household_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<HouseholdOut>, ApiError> {
    Ok(Json(state.services.household_get(&actor, id).await?.into()))
}

#[utoipa::path(put, path = "/households/{id}", tag = "grid", params(("id" = i64, Path)), request_body = HouseholdInput,
    responses((status = 200, body = HouseholdOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn household_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<HouseholdInput>,
) -> Result<Json<HouseholdOut>, ApiError> {
    Ok(Json(state.services.household_save(&actor, Some(id), &body).await?.into()))
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
#[utoipa::path(put, path = "/people/{id}/household", tag = "grid", params(("id" = i64, Path)), request_body = ResidentInput,
    responses((status = 200, body = Option<ResidentOut>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resident_set(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<ResidentInput>,
) -> Result<Json<Option<ResidentOut>>, ApiError> {
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
#[utoipa::path(post, path = "/roster/import", tag = "grid", params(RosterImportQuery),
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
#[utoipa::path(get, path = "/roster/export.xlsx", tag = "grid", params(RosterExportQuery),
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
#[utoipa::path(get, path = "/roster/template.xlsx", tag = "grid",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn roster_template(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Response, ApiError> {
    let bytes = crate::sheets::roster_template(&state.services, &actor).await?;
    Ok(xlsx_response("居民花名册导入模板.xlsx", bytes))
}
