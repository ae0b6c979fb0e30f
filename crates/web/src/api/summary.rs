//! The work summary (工作总结), generated from the ledgers.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiQuery};
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SummaryQuery {
    /// Default: the signed-in account's org.
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q3, 2020-07
    pub period: String,
    /// docx, pdf, html or md (downloads only; default docx; pdf needs LibreOffice, see scripts/setup.sh)
    pub format: String,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    pub title: String,
    /// The whole text, headings numbered.
    pub text: String,
    pub markdown: String,
    /// The preview: every figure a link to the records it counts.
    pub html: String,
    /// What the records do not support (a week without the Friday study while
    /// the text says "every week"): to check before the document is sent.
    pub warnings: Vec<String>,
}

/// The work summary (工作总结) of an org and period, generated from the ledgers.
#[utoipa::path(get, path = "/api/v1/summary", tag = "summary", params(SummaryQuery),
    responses((status = 200, body = SummaryOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Json<SummaryOut>, ApiError> {
    let (doc, warnings) = crate::reports::summary(&state, &actor, q.org_id, &q.period).await?;
    Ok(Json(SummaryOut {
        warnings,
        title: doc.title.clone(),
        text: doc.plain_text(),
        markdown: taizhang_docs::report::markdown(&doc),
        html: taizhang_docs::report::html(&doc),
    }))
}

/// The work summary as a file: DOCX in the GB/T 9704 layout, HTML or Markdown.
#[utoipa::path(get, path = "/api/v1/summary/download", tag = "summary", params(SummaryQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn summary_download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Response, ApiError> {
    let format = crate::reports::format(&q.format)?;
    let (doc, _) = crate::reports::summary(&state, &actor, q.org_id, &q.period).await?;
    Ok(crate::reports::download(&state, doc, format).await?)
}

#[derive(Serialize, ToSchema)]
pub struct SummaryVersionOut {
    pub id: i64,
    pub org_id: i64,
    pub period: String,
    pub title: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
}

impl From<taizhang_core::summary::SavedSummary> for SummaryVersionOut {
    fn from(s: taizhang_core::summary::SavedSummary) -> Self {
        SummaryVersionOut {
            id: s.id,
            org_id: s.org_id,
            period: s.period,
            title: s.title,
            created_at: s.created_at,
            created_by: s.created_by,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct KeepBody {
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q3, 2020-07
    pub period: String,
}

/// Generates the summary and keeps it as a version: later changes in the
/// ledgers do not change it.
#[utoipa::path(post, path = "/api/v1/summaries", tag = "summary", request_body = KeepBody,
    responses((status = 201, body = SummaryVersionOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn keep(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    crate::auth::ApiJson(b): crate::auth::ApiJson<KeepBody>,
) -> Result<(axum::http::StatusCode, Json<SummaryVersionOut>), ApiError> {
    let saved = crate::reports::keep(&state, &actor, b.org_id, &b.period).await?;
    Ok((axum::http::StatusCode::CREATED, Json(saved.into())))
}

/// The versions kept for an org, newest first.
#[utoipa::path(get, path = "/api/v1/summaries", tag = "summary", params(SummaryQuery),
    responses((status = 200, body = [SummaryVersionOut]), (status = 422, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Json<Vec<SummaryVersionOut>>, ApiError> {
    let list = state.services.summary_versions(&actor, q.org_id, &q.period).await?;
    Ok(Json(list.into_iter().map(SummaryVersionOut::from).collect()))
}

/// A kept version as a file, exactly as it was generated.
#[utoipa::path(get, path = "/api/v1/summaries/{id}/download", tag = "summary", params(("id" = i64, Path), SummaryQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody)))]
pub async fn version_download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    crate::auth::IdPath(id): crate::auth::IdPath,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Response, ApiError> {
    let format = crate::reports::format(&q.format)?;
    let saved = state.services.summary_version(&actor, id).await?;
    Ok(crate::reports::download(&state, taizhang_docs::report::parse(&saved.markup), format).await?)
}
