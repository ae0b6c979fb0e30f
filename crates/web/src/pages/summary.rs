//! /summary: the work summary of an org and period, previewed with every
//! figure linked to its records, and downloaded as DOCX, HTML or Markdown.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    format: String,
}

impl SummaryQuery {
    /// The period asked for, once [`super::working_period`] filled it in.
    fn period(&self) -> String {
        self.period.trim().to_owned()
    }
}

pub async fn show(State(state): State<AppState>, page: PageActor, Query(mut q): Query<SummaryQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let (preview, warnings, errors, status) =
        match crate::reports::summary(&state, &page.actor, q.org_id.parse().ok(), &q.period()).await {
            Ok((doc, warnings)) => (Some(crate::reports::html(&doc)), warnings, BTreeMap::new(), StatusCode::OK),
            Err(e) => (None, Vec::new(), form_errors(e)?, StatusCode::UNPROCESSABLE_ENTITY),
        };
    let versions = state
        .services
        .summary_versions(&page.actor, q.org_id.parse().ok(), &q.period())
        .await
        .unwrap_or_default()
        .iter()
        .map(version_json)
        .collect::<Vec<_>>();
    render_status(
        &page,
        status,
        "summary.html",
        &mut json!({
            "preview": preview, "warnings": warnings, "errors": errors, "versions": versions, "filter": { "org_id": q.org_id, "period": q.period() },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
        }),
    )
}

pub async fn download(State(state): State<AppState>, page: PageActor, Query(mut q): Query<SummaryQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    let format = crate::reports::format(&q.format)?;
    let (doc, _) = crate::reports::summary(&state, &page.actor, q.org_id.parse().ok(), &q.period()).await?;
    Ok(crate::reports::download(&state, doc, format).await?)
}

fn version_json(v: &taizhang_core::summary::SavedSummary) -> serde_json::Value {
    json!({
        "id": v.id, "title": v.title, "period": v.period, "created_by": v.created_by,
        "created_at": v.created_at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M").to_string(),
    })
}

#[derive(Deserialize, Default)]
pub struct KeepForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

/// Keeps the summary as generated now, as a version.
pub async fn keep(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<KeepForm>) -> PageResult {
    let saved = crate::reports::keep(&state, &page.actor, f.org_id.parse().ok(), &f.period).await?;
    Ok(flash::redirect(&page, &format!("/summaries/{}", saved.id), Flash::VersionKept))
}

pub async fn version(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let saved = state.services.summary_version(&page.actor, id).await?;
    let doc = taizhang_docs::report::parse(&saved.markup);
    render_status(
        &page,
        StatusCode::OK,
        "summary_version.html",
        &mut json!({ "version": version_json(&saved), "preview": crate::reports::html(&doc) }),
    )
}

pub async fn version_download(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<SummaryQuery>,
) -> PageResult {
    let format = crate::reports::format(&q.format)?;
    let saved = state.services.summary_version(&page.actor, id).await?;
    Ok(crate::reports::download(&state, taizhang_docs::report::parse(&saved.markup), format).await?)
}
