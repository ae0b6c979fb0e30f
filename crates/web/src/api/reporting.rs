//! /api/v1/report-tasks (报送任务), /api/v1/submissions (each org's
//! submission of a period: figures prefilled from the ledgers, submit,
//! approve, return, reopen, comments, reminders) and /api/v1/todo.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use taizhang_core::Error;
use taizhang_core::reporting::Source;
use taizhang_core::service::{Decision, FieldInput, FigureInput, TaskInput};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, ApiError> {
    serde_json::to_value(v).map(Json).map_err(|e| Error::Storage(e.to_string()).into())
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct FieldBody {
    /// 1 to 40 characters.
    pub label: String,
    pub unit: String,
    /// Where the figure comes from: `{"from": "activities", "measure": "count|people|hours|reached|platform_reported",
    /// "kind": "volunteer_activity", "area_id": 1, "campaign_id": 2}`, `{"from": "indicator", "id": 3}`,
    /// `{"from": "key_persons"}`, `follow_ups`, `health_checks`, `disinfections`, `households_visited`, `manual`.
    #[schema(value_type = Object)]
    pub source: Value,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TaskBody {
    /// The org that sets the task (default: the account's); the orgs below it report.
    pub org_id: Option<i64>,
    pub name: String,
    /// `daily_epidemic`, `monthly_volunteer` or `half_year_summary`: the cadence, due days and figures left empty.
    pub preset: String,
    /// `day`, `week`, `month`, `quarter`, `half` or `year`.
    pub cadence: String,
    /// The first period: 2020-03-05, 2020W10, 2020-03, 2020Q1, 2020H1 or 2020 by cadence; default: the current one.
    pub first_period: String,
    /// The last period; empty: until closed.
    pub last_period: String,
    /// Days after a period's end it is due.
    pub due_days: Option<i64>,
    /// Org kinds that report (`community`, `village` …); empty: every org below.
    pub org_kinds: Vec<String>,
    pub fields: Vec<FieldBody>,
    /// A submission carries the org's kept work summary of the period.
    pub attach_summary: Option<bool>,
    pub note: String,
}

impl TaskBody {
    fn input(self) -> Result<TaskInput, Error> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for (i, f) in self.fields.into_iter().enumerate() {
            let source: Source = serde_json::from_value(f.source)
                .map_err(|_| Error::invalid(format!("fields[{i}].source"), format!("第{}项的数据来源无效", i + 1)))?;
            fields.push(FieldInput { label: f.label, unit: f.unit, source });
        }
        Ok(TaskInput {
            org_id: self.org_id,
            name: self.name,
            preset: self.preset,
            cadence: self.cadence,
            first_period: self.first_period,
            last_period: self.last_period,
            due_days: self.due_days,
            org_kinds: self.org_kinds,
            fields,
            attach_summary: self.attach_summary,
            note: self.note,
        })
    }
}

/// The tasks the account sees: set by its org or below, or by the orgs above it.
#[utoipa::path(get, path = "/report-tasks", tag = "reporting", responses((status = 200, body = [Object])))]
pub async fn task_list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, ApiError> {
    json(&state.services.report_tasks(&actor).await?)
}

/// Sets a task for the orgs below (org administrators).
#[utoipa::path(post, path = "/report-tasks", tag = "reporting", request_body = TaskBody,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn task_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<TaskBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let task = state.services.report_task_create(&actor, &b.input()?).await?;
    Ok((StatusCode::CREATED, json(&task)?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MatrixQuery {
    /// How many of the latest periods (1 to 24, default 12).
    pub periods: Option<u32>,
}

/// The task's matrix: each reporting org × its latest periods, with states,
/// due days, overdue days, counts and on-time rates.
#[utoipa::path(get, path = "/report-tasks/{id}/matrix", tag = "reporting", params(("id" = i64, Path), MatrixQuery),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn matrix(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<MatrixQuery>,
) -> Result<Json<Value>, ApiError> {
    let periods = q.periods.unwrap_or(12) as usize;
    json(&state.services.report_matrix(&actor, id, periods).await?)
}

/// The matrix as an Excel workbook.
#[utoipa::path(get, path = "/report-tasks/{id}/matrix/export", tag = "reporting", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub async fn matrix_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let (name, bytes) = taizhang_reports::matrix_export(&state.services, &actor, id).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

#[derive(Deserialize, IntoParams, ToSchema, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SubmissionKey {
    pub task_id: i64,
    pub org_id: i64,
    /// The period's code, by the task's cadence (2020-03, 2020H1 …).
    pub period: String,
}

/// One org's submission of one period: its figures (prefilled from the
/// records while it is open, the snapshot once sent), each with the link to
/// its records, the children's states, the thread and the last round's changes.
#[utoipa::path(get, path = "/submissions", tag = "reporting", params(SubmissionKey),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(k): ApiQuery<SubmissionKey>,
) -> Result<Json<Value>, ApiError> {
    json(&state.services.submission_view(&actor, k.task_id, k.org_id, &k.period).await?)
}

#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct FigureBody {
    /// The figure's key in the task ("f1" …).
    pub key: String,
    pub value: String,
    /// Required when the value differs from the one computed from the records.
    pub reason: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SubmissionBody {
    pub task_id: i64,
    pub org_id: i64,
    pub period: String,
    /// Figures to set; those left out keep their value (or the computed one).
    pub figures: Vec<FigureBody>,
    /// Submit (freeze a snapshot for the level above) rather than save a draft.
    pub submit: bool,
}

/// Saves a draft or submits.
#[utoipa::path(put, path = "/submissions", tag = "reporting", request_body = SubmissionBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_put(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<SubmissionBody>,
) -> Result<Json<Value>, ApiError> {
    let figures: Vec<FigureInput> =
        b.figures.into_iter().map(|f| FigureInput { key: f.key, value: f.value, reason: f.reason }).collect();
    json(&state.services.submission_save(&actor, b.task_id, b.org_id, &b.period, &figures, b.submit).await?)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DecisionBody {
    pub task_id: i64,
    pub org_id: i64,
    pub period: String,
    /// `approve`, `return` or `reopen`.
    pub decision: String,
    /// Required to return or reopen.
    pub reason: String,
}

/// The level above approves, returns (with a reason) or reopens (with a reason) a submission.
#[utoipa::path(post, path = "/submissions/decision", tag = "reporting", request_body = DecisionBody,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<Value>, ApiError> {
    let decision = match b.decision.as_str() {
        "approve" => Decision::Approve,
        "return" => Decision::Return,
        "reopen" => Decision::Reopen,
        _ => {
            return Err(Error::invalid(
                "decision",
                "审核意见应为 approve（通过）、return（退回）或 reopen（重新打开）",
            )
            .into());
        }
    };
    json(&state.services.submission_decide(&actor, b.task_id, b.org_id, &b.period, decision, &b.reason).await?)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CommentBody {
    pub task_id: i64,
    pub org_id: i64,
    pub period: String,
    pub text: String,
}

/// Adds a comment to a submission's thread.
#[utoipa::path(post, path = "/submissions/comments", tag = "reporting", request_body = CommentBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_comment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<CommentBody>,
) -> Result<StatusCode, ApiError> {
    state.services.submission_comment(&actor, b.task_id, b.org_id, &b.period, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reminds an org of a submission not yet sent (催报); it shows in the org's to-do list.
#[utoipa::path(post, path = "/submissions/reminders", tag = "reporting", request_body = SubmissionKey,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_remind(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(k): ApiJson<SubmissionKey>,
) -> Result<StatusCode, ApiError> {
    state.services.report_remind(&actor, k.task_id, k.org_id, &k.period).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The submission in its task's column layout, as an Excel workbook.
#[utoipa::path(get, path = "/submissions/export", tag = "reporting", params(SubmissionKey),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submission_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(k): ApiQuery<SubmissionKey>,
) -> Result<Response, ApiError> {
    let (name, bytes) =
        taizhang_reports::submission_export(&state.services, &actor, k.task_id, k.org_id, &k.period).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// The account's to-do list: submissions due or returned, reminders, and
/// submissions waiting for its decision.
#[utoipa::path(get, path = "/todo", tag = "reporting", responses((status = 200, body = [Object])))]
pub async fn todo(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Value>, ApiError> {
    json(&state.services.todo(&actor).await?)
}
