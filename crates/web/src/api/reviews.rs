//! Problems and plans (存在问题, 下一步打算) over JSON, with the suggestions
//! computed from targets and records.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use taizhang_core::review::{ReviewItem, Suggestion};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

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
#[utoipa::path(get, path = "/reviews", tag = "reviews", params(ReviewQuery),
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

#[utoipa::path(get, path = "/reviews/export.xlsx", tag = "reviews", params(ReviewQuery),
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
#[utoipa::path(post, path = "/reviews/accept", tag = "reviews", request_body = SuggestionBody,
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
#[utoipa::path(post, path = "/reviews/dismiss", tag = "reviews", request_body = SuggestionBody,
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

#[utoipa::path(post, path = "/reviews/items", tag = "reviews", request_body = ReviewItemBody,
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

#[utoipa::path(put, path = "/reviews/items/{id}", tag = "reviews", params(("id" = i64, Path)), request_body = ReviewTextBody,
    responses((status = 200, body = ReviewItemOut), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review_item_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ReviewTextBody>,
) -> Result<Json<ReviewItemOut>, ApiError> {
    Ok(Json(state.services.review_item_update(&actor, id, &b.text).await?.into()))
}

#[utoipa::path(delete, path = "/reviews/items/{id}", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn review_item_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.review_item_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
