//! The responsibility system, matters, projects, problems and plans.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_core::auth::now;
use taizhang_core::cases::{Case, CaseCounts, CaseKind, CaseStatus};
use taizhang_core::project::Project;
use taizhang_core::responsibility::{ChainLink, Duty, Pledge};
use taizhang_core::review::{ReviewItem, Suggestion};
use taizhang_core::service::{
    CaseFilter, CaseInput, CaseStepInput, CaseView, DutyInput, MeasureInput, MilestoneInput, PledgeInput,
    ProgressInput, ProjectInput, parse_date,
};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

// --- responsibility system ---

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
#[utoipa::path(get, path = "/api/v1/responsibility", tag = "responsibility", params(ChainQuery),
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
#[utoipa::path(get, path = "/api/v1/responsibility/export.xlsx", tag = "responsibility", params(ChainQuery),
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

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DutyBody {
    pub org_id: Option<i64>,
    pub person_id: Option<i64>,
    pub post: String,
    pub first_responsible: bool,
    pub area_ids: Vec<i64>,
}

impl From<DutyBody> for DutyInput {
    fn from(b: DutyBody) -> Self {
        DutyInput {
            org_id: b.org_id,
            person_id: b.person_id,
            post: b.post,
            first_responsible: b.first_responsible,
            area_ids: b.area_ids,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/duties", tag = "responsibility", request_body = DutyBody,
    responses((status = 201, body = DutyOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn duty_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<DutyBody>,
) -> Result<(StatusCode, Json<DutyOut>), ApiError> {
    let d = state.services.duty_save(&actor, None, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(put, path = "/api/v1/duties/{id}", tag = "responsibility", params(("id" = i64, Path)), request_body = DutyBody,
    responses((status = 200, body = DutyOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn duty_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<DutyBody>,
) -> Result<Json<DutyOut>, ApiError> {
    Ok(Json(state.services.duty_save(&actor, Some(id), &b.into()).await?.into()))
}

#[utoipa::path(delete, path = "/api/v1/duties/{id}", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn duty_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.duty_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PledgeBody {
    pub org_id: Option<i64>,
    pub year: Option<i32>,
    /// A person of the org.
    pub signer_id: Option<i64>,
    /// With whom it was signed.
    pub counterpart: String,
    /// YYYY-MM-DD
    pub signed_on: String,
    pub duties: String,
}

/// Records a pledge; its signed scan goes to PUT /api/v1/pledges/{id}/scan.
#[utoipa::path(post, path = "/api/v1/pledges", tag = "responsibility", request_body = PledgeBody,
    responses((status = 201, body = PledgeOut), (status = 422, body = ErrorBody)))]
pub async fn pledge_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<PledgeBody>,
) -> Result<(StatusCode, Json<PledgeOut>), ApiError> {
    let input = PledgeInput {
        org_id: b.org_id,
        year: b.year,
        signer_id: b.signer_id,
        counterpart: b.counterpart,
        signed_on: b.signed_on,
        duties: b.duties,
    };
    let p = state.services.pledge_create(&actor, &input, None).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[utoipa::path(delete, path = "/api/v1/pledges/{id}", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn pledge_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.pledge_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FileQuery {
    /// The file's name.
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
}

impl From<taizhang_core::evidence::Attachment> for AttachmentOut {
    fn from(a: taizhang_core::evidence::Attachment) -> Self {
        AttachmentOut { id: a.id, file_name: a.file_name, content_type: a.content_type, size: a.size, sha256: a.sha256 }
    }
}

/// Stores the signed scan of a pledge (the raw bytes as the body), replacing any earlier one.
#[utoipa::path(put, path = "/api/v1/pledges/{id}/scan", tag = "responsibility", params(("id" = i64, Path), FileQuery),
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
#[utoipa::path(get, path = "/api/v1/pledges/{id}/scan", tag = "responsibility", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn pledge_scan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let (a, bytes) = state.services.pledge_scan(&actor, id).await?;
    Ok(crate::evidence::attachment_response(&a, bytes))
}

// --- matters ---

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
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
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
#[utoipa::path(get, path = "/api/v1/cases/export.xlsx", tag = "cases", params(CaseQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn case_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::cases_export(&state.services, &actor, &q.filter()?).await?;
    Ok(xlsx_response(&name, bytes))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CaseBody {
    pub org_id: Option<i64>,
    /// ideology_problem, petition or dispute
    pub kind: String,
    /// YYYY-MM-DD
    pub received_on: String,
    pub parties: String,
    pub matter: String,
    pub reported_by: String,
    pub handler: String,
    /// YYYY-MM-DD
    pub deadline: String,
    /// resolved, mediated or referred
    pub outcome: String,
    pub resolution: String,
    /// YYYY-MM-DD
    pub closed_on: String,
}

impl From<CaseBody> for CaseInput {
    fn from(b: CaseBody) -> Self {
        CaseInput {
            org_id: b.org_id,
            kind: b.kind,
            received_on: b.received_on,
            parties: b.parties,
            matter: b.matter,
            reported_by: b.reported_by,
            handler: b.handler,
            deadline: b.deadline,
            outcome: b.outcome,
            resolution: b.resolution,
            closed_on: b.closed_on,
        }
    }
}

async fn case_view(state: &AppState, actor: &taizhang_core::auth::Actor, c: Case) -> Result<CaseOut, ApiError> {
    let org = state.services.visible_org(actor, c.org_id).await?;
    let status = c.status(now().date_naive());
    Ok(case_out(c, status, org.name))
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseBody,
    responses((status = 201, body = CaseOut), (status = 422, body = ErrorBody)))]
pub async fn case_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<CaseBody>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let c = state.services.case_save(&actor, None, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &actor, c).await?)))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody)))]
pub async fn case_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<CaseOut>, ApiError> {
    let c = state.services.case_get(&actor, id).await?;
    Ok(Json(case_view(&state, &actor, c).await?))
}

#[utoipa::path(put, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path)), request_body = CaseBody,
    responses((status = 200, body = CaseOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CaseBody>,
) -> Result<Json<CaseOut>, ApiError> {
    let c = state.services.case_save(&actor, Some(id), &b.into()).await?;
    Ok(Json(case_view(&state, &actor, c).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CaseStepBody {
    /// YYYY-MM-DD
    pub date: String,
    pub text: String,
    pub by: String,
}

/// Adds a dated handling step.
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", params(("id" = i64, Path)), request_body = CaseStepBody,
    responses((status = 201, body = CaseOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case_step_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CaseStepBody>,
) -> Result<(StatusCode, Json<CaseOut>), ApiError> {
    let input = CaseStepInput { date: b.date, text: b.text, by: b.by };
    let c = state.services.case_step_add(&actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(case_view(&state, &actor, c).await?)))
}

// --- projects ---

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

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectQuery),
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
#[utoipa::path(get, path = "/api/v1/projects/export.xlsx", tag = "projects", params(ProjectQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn project_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::projects_export(&state.services, &actor, q.org_id).await?;
    Ok(xlsx_response(&name, bytes))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path), ProjectQuery),
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

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct MilestoneBody {
    /// Absent for a new milestone.
    pub id: Option<i64>,
    pub name: String,
    /// YYYY-MM-DD, empty while not done.
    pub done_on: String,
}

/// A number sent as a JSON number or as text ("5200", "3.5"); checked by
/// the service, so that text that is not a number is refused by field.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
pub enum NumberText {
    Number(f64),
    Text(String),
    /// Anything else (null, true, a list): refused by the service as not a number.
    Other(serde_json::Value),
}

impl Default for NumberText {
    fn default() -> Self {
        NumberText::Other(serde_json::Value::Null)
    }
}

impl NumberText {
    fn into_text(self) -> String {
        match self {
            NumberText::Number(n) => n.to_string(),
            NumberText::Text(t) => t,
            NumberText::Other(serde_json::Value::Null) => String::new(),
            NumberText::Other(v) => v.to_string(),
        }
    }
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct MeasureBody {
    /// 面积, 泊位, 金额 ...
    pub name: String,
    /// A number (5200 or "5200").
    #[schema(value_type = f64)]
    pub value: NumberText,
    /// 平方米, 个, 万元 ...
    pub unit: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProjectBody {
    pub org_id: Option<i64>,
    pub name: String,
    /// 项目类别 (基础设施, 民生工程, 人居环境 ...; at most 20 characters); empty for none.
    pub category: String,
    pub description: String,
    /// YYYY-MM-DD
    pub started_on: String,
    /// The whole list: measures left out are removed.
    pub measures: Vec<MeasureBody>,
    /// The whole list: milestones left out are removed.
    pub milestones: Vec<MilestoneBody>,
}

impl From<ProjectBody> for ProjectInput {
    fn from(b: ProjectBody) -> Self {
        ProjectInput {
            org_id: b.org_id,
            name: b.name,
            category: b.category,
            description: b.description,
            started_on: b.started_on,
            measures: b
                .measures
                .into_iter()
                .map(|m| MeasureInput { name: m.name, value: m.value.into_text(), unit: m.unit })
                .collect(),
            milestones: b
                .milestones
                .into_iter()
                .map(|m| MilestoneInput { id: m.id, name: m.name, done_on: m.done_on })
                .collect(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectBody,
    responses((status = 201, body = ProjectOut), (status = 422, body = ErrorBody)))]
pub async fn project_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ProjectBody>,
) -> Result<(StatusCode, Json<ProjectOut>), ApiError> {
    let p = state.services.project_save(&actor, None, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(project_out(p, now().date_naive()))))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path)), request_body = ProjectBody,
    responses((status = 200, body = ProjectOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn project_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ProjectBody>,
) -> Result<Json<ProjectOut>, ApiError> {
    let p = state.services.project_save(&actor, Some(id), &b.into()).await?;
    Ok(Json(project_out(p, now().date_naive())))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProgressBody {
    /// YYYY-MM-DD
    pub date: String,
    /// 0 to 100
    pub percent: String,
    pub note: String,
    /// Required when the figure goes back.
    pub reason: String,
}

/// Records progress; its photo goes to PUT /api/v1/projects/{id}/progress/{update_id}/photo.
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress", tag = "projects", params(("id" = i64, Path)), request_body = ProgressBody,
    responses((status = 201, body = ProjectOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn progress_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ProgressBody>,
) -> Result<(StatusCode, Json<ProjectOut>), ApiError> {
    let input = ProgressInput { date: b.date, percent: b.percent, note: b.note, reason: b.reason };
    let p = state.services.progress_add(&actor, id, &input, None).await?;
    Ok((StatusCode::CREATED, Json(project_out(p, now().date_naive()))))
}

/// Stores the photo of a progress update (the raw bytes as the body), replacing any earlier one.
#[utoipa::path(put, path = "/api/v1/projects/{id}/progress/{update_id}/photo", tag = "projects",
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

#[utoipa::path(get, path = "/api/v1/projects/{id}/progress/{update_id}/photo", tag = "projects",
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

// --- problems and plans ---

#[derive(Serialize, ToSchema)]
pub struct ReviewItemOut {
    pub id: i64,
    /// problem (存在问题) or plan (下一步打算)
    pub section: String,
    pub position: i64,
    pub text: String,
    /// The suggestion it came from; empty when staff wrote it.
    pub source: String,
}

impl From<ReviewItem> for ReviewItemOut {
    fn from(i: ReviewItem) -> Self {
        ReviewItemOut {
            id: i.id,
            section: i.section.as_str().to_owned(),
            position: i.position,
            text: i.text,
            source: i.source,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub key: String,
    pub section: String,
    pub text: String,
}

impl From<Suggestion> for SuggestionOut {
    fn from(s: Suggestion) -> Self {
        SuggestionOut { key: s.key, section: s.section.as_str().to_owned(), text: s.text }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub org_id: i64,
    pub org_name: String,
    pub period: String,
    pub period_label: String,
    pub items: Vec<ReviewItemOut>,
    /// What the ledgers suggest, not yet accepted or dropped.
    pub suggestions: Vec<SuggestionOut>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReviewQuery {
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q3, 2020-07
    pub period: String,
}

/// The problems and plans of an org and period, with the suggestions.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews", params(ReviewQuery),
    responses((status = 200, body = ReviewOut), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> Result<Json<ReviewOut>, ApiError> {
    let r = state.services.review(&actor, q.org_id, &q.period).await?;
    Ok(Json(ReviewOut {
        org_id: r.org.id,
        org_name: r.org.name,
        period: r.period,
        period_label: r.period_label,
        items: r.items.into_iter().map(ReviewItemOut::from).collect(),
        suggestions: r.suggestions.into_iter().map(SuggestionOut::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/reviews/export.xlsx", tag = "reviews", params(ReviewQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn review_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::sheets::review_export(&state.services, &actor, q.org_id, &q.period).await?;
    Ok(xlsx_response(&name, bytes))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SuggestionBody {
    pub org_id: Option<i64>,
    pub period: String,
    pub key: String,
    /// Staff's wording; the suggestion's own when absent.
    pub text: Option<String>,
}

/// Accepts a suggestion as an item.
#[utoipa::path(post, path = "/api/v1/reviews/accept", tag = "reviews", request_body = SuggestionBody,
    responses((status = 201, body = ReviewItemOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_accept(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<SuggestionBody>,
) -> Result<(StatusCode, Json<ReviewItemOut>), ApiError> {
    let item = state.services.review_accept(&actor, b.org_id, &b.period, &b.key, b.text.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// Drops a suggestion for the org and period.
#[utoipa::path(post, path = "/api/v1/reviews/dismiss", tag = "reviews", request_body = SuggestionBody,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn review_dismiss(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<SuggestionBody>,
) -> Result<StatusCode, ApiError> {
    state.services.review_dismiss(&actor, b.org_id, &b.period, &b.key).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReviewItemBody {
    pub org_id: Option<i64>,
    pub period: String,
    /// problem or plan
    pub section: String,
    pub text: String,
}

#[utoipa::path(post, path = "/api/v1/reviews/items", tag = "reviews", request_body = ReviewItemBody,
    responses((status = 201, body = ReviewItemOut), (status = 422, body = ErrorBody)))]
pub async fn review_item_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ReviewItemBody>,
) -> Result<(StatusCode, Json<ReviewItemOut>), ApiError> {
    let item = state.services.review_item_add(&actor, b.org_id, &b.period, &b.section, &b.text).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReviewTextBody {
    pub text: String,
}

#[utoipa::path(put, path = "/api/v1/reviews/items/{id}", tag = "reviews", params(("id" = i64, Path)), request_body = ReviewTextBody,
    responses((status = 200, body = ReviewItemOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review_item_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ReviewTextBody>,
) -> Result<Json<ReviewItemOut>, ApiError> {
    Ok(Json(state.services.review_item_update(&actor, id, &b.text).await?.into()))
}

#[utoipa::path(delete, path = "/api/v1/reviews/items/{id}", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn review_item_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.review_item_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
