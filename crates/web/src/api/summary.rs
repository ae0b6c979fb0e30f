//! The work summary (工作总结), generated from the ledgers.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery};
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
#[utoipa::path(get, path = "/summary", tag = "summary", params(SummaryQuery),
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
        html: crate::reports::html(&doc),
    }))
}

/// The work summary as a file: DOCX in the GB/T 9704 layout, HTML or Markdown.
#[utoipa::path(get, path = "/summary/download", tag = "summary", params(SummaryQuery),
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
#[utoipa::path(post, path = "/summaries", tag = "summary", request_body = KeepBody,
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
#[utoipa::path(get, path = "/summaries", tag = "summary", params(SummaryQuery),
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
#[utoipa::path(get, path = "/summaries/{id}/download", tag = "summary", params(("id" = i64, Path), SummaryQuery),
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

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CompositionQuery {
    /// Default: the signed-in account's org.
    pub org_id: Option<i64>,
}

/// An org's summary composition (总结构成).
#[derive(Serialize, ToSchema)]
pub struct CompositionOut {
    /// The org whose composition applies (the org itself or an ancestor); null for the default.
    pub owner_org_id: Option<i64>,
    pub is_default: bool,
    /// `{ "title": "", "sections": [{ "heading", "level" (1-3), "parts" (activities, sub_areas, campaigns,
    /// sub_orgs, indicators, projects, key_persons, teams, matters, problems, plans), "binding": { "areas",
    /// "no_area", "kinds", "campaigns", "orgs", "indicators", "project_categories", "months" }, "text" }] }`;
    /// "「期间」" in a heading stands for the period, 「」 chips in a text for the section's figures.
    #[schema(value_type = Object)]
    pub composition: serde_json::Value,
}

/// The composition of an org's summaries: its own, an ancestor's, or the default built from its work areas.
#[utoipa::path(get, path = "/summary/composition", tag = "summary", params(CompositionQuery),
    responses((status = 200, body = CompositionOut), (status = 404, body = ErrorBody)))]
pub async fn composition_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CompositionQuery>,
) -> Result<Json<CompositionOut>, ApiError> {
    let found = state.services.summary_composition(&actor, q.org_id).await?;
    Ok(Json(CompositionOut {
        owner_org_id: found.owner_id,
        is_default: found.owner_id.is_none(),
        composition: serde_json::to_value(&found.composition).unwrap_or_default(),
    }))
}

/// Keeps an org's own composition (an org admin's work); each wrong field is named (`sections[2].heading`).
#[utoipa::path(put, path = "/summary/composition", tag = "summary", params(CompositionQuery),
    request_body(content = Object, description = "the composition, as `CompositionOut.composition`"),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn composition_put(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CompositionQuery>,
    ApiJson(body): ApiJson<taizhang_core::composition::Composition>,
) -> Result<axum::http::StatusCode, ApiError> {
    state.services.summary_composition_set(&actor, q.org_id, Some(&body)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Drops an org's own composition: back to the inherited one or the default.
#[utoipa::path(delete, path = "/summary/composition", tag = "summary", params(CompositionQuery),
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn composition_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<CompositionQuery>,
) -> Result<axum::http::StatusCode, ApiError> {
    state.services.summary_composition_set(&actor, q.org_id, None).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DraftQuery {
    /// Default: the signed-in account's org.
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q3, 2020-07
    pub period: String,
}

#[derive(Deserialize, ToSchema)]
pub struct DraftBody {
    /// The edited summary markup (# title, ## headings, [[figure|records]] citations).
    pub markup: String,
}

#[derive(Serialize, ToSchema)]
pub struct DraftOut {
    pub markup: String,
    /// The markup as generated when the draft was first saved.
    pub generated: String,
    /// Edited figures and records changed since: to check before export.
    pub warnings: Vec<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: String,
}

async fn draft_out(
    state: &AppState,
    actor: &taizhang_core::auth::Actor,
    q: &DraftQuery,
) -> Result<Json<DraftOut>, ApiError> {
    let (data, now) = crate::reports::generate(state, actor, q.org_id, &q.period).await?;
    let d = state
        .services
        .summary_draft(actor, Some(data.org_id), &q.period)
        .await?
        .ok_or(taizhang_core::Error::NotFound)?;
    Ok(Json(DraftOut {
        warnings: taizhang_docs::report::draft_warnings(&d.markup, &d.generated, &now),
        markup: d.markup,
        generated: d.generated,
        updated_at: d.updated_at,
        updated_by: d.updated_by,
    }))
}

/// The draft of an org's summary of a period, with what to check before export.
#[utoipa::path(get, path = "/summary/draft", tag = "summary", params(DraftQuery),
    responses((status = 200, body = DraftOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draft_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> Result<Json<DraftOut>, ApiError> {
    draft_out(&state, &actor, &q).await
}

/// Saves the edited draft of an org's summary of a period.
#[utoipa::path(put, path = "/summary/draft", tag = "summary", params(DraftQuery), request_body = DraftBody,
    responses((status = 200, body = DraftOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draft_put(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DraftQuery>,
    ApiJson(body): ApiJson<DraftBody>,
) -> Result<Json<DraftOut>, ApiError> {
    let (data, generated) = crate::reports::generate(&state, &actor, q.org_id, &q.period).await?;
    state.services.summary_draft_save(&actor, Some(data.org_id), &q.period, &body.markup, &generated, &data).await?;
    draft_out(&state, &actor, &q).await
}

/// Drops the draft: the next starts from the records as they are.
#[utoipa::path(delete, path = "/summary/draft", tag = "summary", params(DraftQuery),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draft_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> Result<axum::http::StatusCode, ApiError> {
    state.services.summary_draft_drop(&actor, q.org_id, &q.period).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
