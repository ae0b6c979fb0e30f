//! The daily report (`/daily-report`): the figures sent upward for a day, on
//! the page and as a workbook.

use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::json;

use super::fields::day_or_today;
use super::{PageResult, org_json, render};
use crate::AppState;
use crate::auth::PageActor;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    org_id: String,
    day: String,
}

pub async fn daily_report(State(state): State<AppState>, page: PageActor, Query(q): Query<ReportQuery>) -> PageResult {
    let day = day_or_today(&q.day);
    let report = state.services.daily_report(&page.actor, q.org_id.parse().ok(), day).await?;
    let line = |l: &taizhang_core::grid::ReportLine| json!({ "l": l, "household_percent": l.coverage.household_percent(), "person_percent": l.coverage.person_percent() });
    let orgs = state.services.org_tree(&page.actor).await?;
    render(
        &page,
        "daily_report.html",
        json!({
            "report": report, "lines": report.lines.iter().map(line).collect::<Vec<_>>(), "total": line(&report.total),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(), "org_id": q.org_id,
        }),
    )
}

pub async fn daily_report_export(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let report = state.services.daily_report(&page.actor, q.org_id.parse().ok(), day_or_today(&q.day)).await?;
    let (name, bytes) = crate::sheets::daily_report_workbook(&report)?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}
