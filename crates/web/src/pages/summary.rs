//! /summary: the work summary of an org and period, previewed with every
//! figure linked to its records, and downloaded as DOCX, HTML or Markdown.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use taizhang_core::auth::now;

use super::{PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::PageActor;

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
    /// Default: the current half-year.
    fn period(&self) -> String {
        if self.period.trim().is_empty() {
            let today = now().date_naive();
            format!("{}H{}", today.year(), if today.month() <= 6 { 1 } else { 2 })
        } else {
            self.period.trim().to_owned()
        }
    }
}

pub async fn show(State(state): State<AppState>, page: PageActor, Query(q): Query<SummaryQuery>) -> PageResult {
    let orgs = state.services.org_tree(&page.actor).await?;
    let (preview, warnings, errors, status) =
        match crate::reports::summary(&state.services, &page.actor, q.org_id.parse().ok(), &q.period()).await {
            Ok((doc, warnings)) => (Some(taizhang_docs::report::html(&doc)), warnings, BTreeMap::new(), StatusCode::OK),
            Err(e) => (None, Vec::new(), form_errors(e)?, StatusCode::UNPROCESSABLE_ENTITY),
        };
    render_status(
        &page,
        status,
        "summary.html",
        &mut json!({
            "preview": preview, "warnings": warnings, "errors": errors, "filter": { "org_id": q.org_id, "period": q.period() },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
        }),
    )
}

pub async fn download(State(state): State<AppState>, page: PageActor, Query(q): Query<SummaryQuery>) -> PageResult {
    let format = crate::reports::format(&q.format)?;
    let (doc, _) = crate::reports::summary(&state.services, &page.actor, q.org_id.parse().ok(), &q.period()).await?;
    Ok(crate::reports::download(&doc, format)?)
}
