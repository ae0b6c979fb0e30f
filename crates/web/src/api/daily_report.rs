//! The daily report (信息报送) over JSON and as a ledger.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::grid::*;
use utoipa::{IntoParams, ToSchema};

use super::day_param;
use super::screening::GridCoverageOut;
use crate::AppState;
use crate::auth::{ApiActor, ApiQuery};
use crate::error::{ApiError, ErrorBody};
use crate::sheets::xlsx_response;

#[derive(Serialize, ToSchema)]
pub struct ReportLineOut {
    pub org_id: i64,
    pub org_name: String,
    pub new_key_persons: u64,
    pub under_care: u64,
    pub released: u64,
    /// Health checks taken that day. `null` when the count is 1 or 2 and the
    /// account lacks the personal-data permission (shown as "<3", see
    /// `small_counts_hidden`).
    pub checks: Option<u64>,
    /// Abnormal readings that day; `null` like `checks` when 1 or 2 and hidden.
    pub abnormal_checks: Option<u64>,
    pub follow_ups_done: u64,
    pub follow_ups_overdue: u64,
    pub disinfections: u64,
    pub coverage: GridCoverageOut,
}

impl From<&ReportLine> for ReportLineOut {
    fn from(l: &ReportLine) -> Self {
        ReportLineOut {
            org_id: l.org_id,
            org_name: l.org_name.clone(),
            new_key_persons: l.new_key_persons,
            under_care: l.under_care,
            released: l.released,
            checks: l.checks.exact(),
            abnormal_checks: l.abnormal_checks.exact(),
            follow_ups_done: l.follow_ups_done,
            follow_ups_overdue: l.follow_ups_overdue,
            disinfections: l.disinfections,
            coverage: (&l.coverage).into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DailyReportOut {
    pub org_id: i64,
    pub org_name: String,
    pub day: NaiveDate,
    pub lines: Vec<ReportLineOut>,
    pub total: ReportLineOut,
    /// True when counts of health checks from 1 to 2 are given as `null`
    /// ("<3"): the account lacks the personal-data permission.
    pub small_counts_hidden: bool,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DailyReportQuery {
    pub org_id: Option<i64>,
    /// The day (default today).
    pub day: String,
}

/// The daily report (信息报送): the same figures as the page and the .xlsx.
#[utoipa::path(get, path = "/daily-report", tag = "grid", params(DailyReportQuery),
    responses((status = 200, body = DailyReportOut), (status = 422, body = ErrorBody)))]
pub async fn daily_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DailyReportQuery>,
) -> Result<Json<DailyReportOut>, ApiError> {
    let r = state.services.daily_report(&actor, q.org_id, day_param("day", &q.day)?).await?;
    Ok(Json(DailyReportOut {
        org_id: r.org_id,
        org_name: r.org_name.clone(),
        day: r.day,
        lines: r.lines.iter().map(Into::into).collect(),
        total: (&r.total).into(),
        small_counts_hidden: r.small_counts_hidden,
    }))
}

#[utoipa::path(get, path = "/daily-report/export.xlsx", tag = "grid", params(DailyReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn daily_report_export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DailyReportQuery>,
) -> Result<Response, ApiError> {
    let r = state.services.daily_report(&actor, q.org_id, day_param("day", &q.day)?).await?;
    let (name, bytes) = crate::sheets::daily_report_workbook(&r)?;
    Ok(xlsx_response(&name, bytes))
}
