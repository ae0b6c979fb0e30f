//! The facts a work summary is written from (`SummaryData`), as JSON: every
//! figure with the records it counts, for templates, checks and other tools.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{ApiActor, ApiQuery};
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FactsQuery {
    /// Default: the signed-in account's org.
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q3, 2020-07
    pub period: String,
}

/// The facts of the summary of an org's subtree and a period: the figures
/// (`figures`: activities by kind, area, campaign, channel and sub-org;
/// projects by status and category with their measures; key persons per
/// key group; screening campaigns; team sizes), names and lists, each figure
/// with `n` and the records it counts (`cite`). The same facts templates use.
#[utoipa::path(get, path = "/summary/facts", tag = "summary", params(FactsQuery),
    responses((status = 200, body = Object), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn facts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<FactsQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let data = state.services.summary_data(&actor, q.org_id, &q.period).await?;
    Ok(Json(serde_json::to_value(&data).map_err(|e| taizhang_core::Error::Storage(e.to_string()))?))
}
