//! /api/v1/indicators (统计指标 definitions) and /api/v1/indicator-values
//! (values per org and period: the grid, a batch save, import and export).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use taizhang_core::service::{IndicatorInput, IndicatorSheet, IndicatorValueInput, IndicatorView};
use taizhang_core::summary::IndicatorFigure;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{ApiActor, ApiBytes, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct IndicatorQuery {
    /// The indicators that can have values in this org (defined by it, above
    /// it or below it); default: the account's org.
    pub org_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    pub id: i64,
    /// The defining org: the indicator applies to it and its subtree.
    pub org_id: i64,
    pub org_name: String,
    /// Only orgs of this kind carry values (village, community …), when set.
    pub org_kind: Option<String>,
    pub name: String,
    pub unit: String,
    pub decimals: u8,
    /// `sum` (values of sub-orgs add up the tree) or `none`.
    pub aggregate: String,
    pub sort: i64,
    /// The account may change or delete it.
    pub editable: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
}

impl From<IndicatorView> for IndicatorOut {
    fn from(v: IndicatorView) -> Self {
        let i = v.indicator;
        IndicatorOut {
            id: i.id,
            org_id: i.org_id,
            org_name: v.org_name,
            org_kind: i.org_kind.map(|k| k.as_str().to_owned()),
            name: i.name,
            unit: i.unit,
            decimals: i.decimals,
            aggregate: i.aggregate.as_str().to_owned(),
            sort: i.sort,
            editable: v.editable,
            created_at: i.created_at,
            created_by: i.created_by,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct IndicatorBody {
    /// The defining org (default: the account's); fixed once defined.
    pub org_id: Option<i64>,
    /// An org kind (`village`, `community` …) when only orgs of that kind carry values; empty for all.
    pub org_kind: String,
    /// 1 to 40 characters, unique along a branch of the org tree.
    pub name: String,
    /// "%", "个", "平方米", "万元", "人" …; at most 10 characters.
    pub unit: String,
    /// Decimals of the values, 0 to 4 (default 0).
    pub decimals: Option<i64>,
    /// `sum` or `none` (default).
    pub aggregate: String,
    pub sort: Option<i64>,
}

impl From<IndicatorBody> for IndicatorInput {
    fn from(b: IndicatorBody) -> Self {
        IndicatorInput {
            org_id: b.org_id,
            org_kind: b.org_kind,
            name: b.name,
            unit: b.unit,
            decimals: b.decimals,
            aggregate: b.aggregate,
            sort: b.sort,
        }
    }
}

/// The definition as stored, with the names a client shows.
async fn out(state: &AppState, actor: &taizhang_core::auth::Actor, id: i64) -> Result<IndicatorOut, ApiError> {
    let i = state.services.indicator_get(actor, id).await?;
    let list = state.services.indicator_list(actor, Some(i.org_id)).await?;
    let view = list.into_iter().find(|v| v.indicator.id == id).ok_or(taizhang_core::Error::NotFound)?;
    Ok(view.into())
}

/// The indicators that can have values in an org: defined by it, by an org
/// above it or by one below it.
#[utoipa::path(get, path = "/indicators", tag = "indicators", params(IndicatorQuery),
    responses((status = 200, body = [IndicatorOut]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> Result<Json<Vec<IndicatorOut>>, ApiError> {
    let list = state.services.indicator_list(&actor, q.org_id).await?;
    Ok(Json(list.into_iter().map(IndicatorOut::from).collect()))
}

/// Defines an indicator for an org (org administrators).
#[utoipa::path(post, path = "/indicators", tag = "indicators", request_body = IndicatorBody,
    responses((status = 201, body = IndicatorOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<IndicatorBody>,
) -> Result<(StatusCode, Json<IndicatorOut>), ApiError> {
    let i = state.services.indicator_define(&actor, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(out(&state, &actor, i.id).await?)))
}

/// Changes a definition (its org stays); decimals may not drop below those
/// of a value already entered.
#[utoipa::path(put, path = "/indicators/{id}", tag = "indicators", params(("id" = i64, Path)),
    request_body = IndicatorBody,
    responses((status = 200, body = IndicatorOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<IndicatorBody>,
) -> Result<Json<IndicatorOut>, ApiError> {
    let i = state.services.indicator_update(&actor, id, &b.into()).await?;
    Ok(Json(out(&state, &actor, i.id).await?))
}

/// Deletes a definition and every value entered for it.
#[utoipa::path(delete, path = "/indicators/{id}", tag = "indicators", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.indicator_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ValuesQuery {
    /// Default: the account's org.
    pub org_id: Option<i64>,
    /// 2021, 2021H1, 2021Q3, 2021-07; default: the current half-year.
    pub period: String,
}

#[derive(Serialize, ToSchema)]
pub struct ValueLineOut {
    /// The line's number (named in the errors of a save of the same lines).
    pub row: usize,
    pub indicator_id: i64,
    pub indicator: String,
    pub unit: String,
    pub decimals: u8,
    pub org_id: i64,
    pub org_name: String,
    /// The stored value's id; null when none is entered.
    pub value_id: Option<i64>,
    /// Empty when none is entered.
    pub value: String,
    pub target: String,
    pub last_year: String,
    pub note: String,
    /// For an indicator that sums up: what the org's sub-orgs add up to.
    pub sub_total: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FigureOut {
    pub indicator_id: i64,
    pub name: String,
    pub unit: String,
    pub value: String,
    pub target: Option<String>,
    /// 完成年度目标的 x%.
    pub percent_of_target: Option<String>,
    pub last_year: Option<String>,
    /// In the unit, sign explicit ("+1.2"); for % the change in 百分点.
    pub change: Option<String>,
    /// Relative to last year, in percent, sign explicit ("+12.3").
    pub change_percent: Option<String>,
    /// The value is the sum of sub-orgs' values.
    pub summed: bool,
    pub note: String,
    /// The values it comes from ("indicator_value:1,2").
    pub cite: String,
}

impl From<IndicatorFigure> for FigureOut {
    fn from(f: IndicatorFigure) -> Self {
        FigureOut {
            indicator_id: f.id,
            name: f.name,
            unit: f.unit,
            value: f.value,
            target: f.target,
            percent_of_target: f.percent_of_target,
            last_year: f.last_year,
            change: f.change,
            change_percent: f.change_percent,
            summed: f.summed,
            note: f.note,
            cite: f.cite,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ValuesOut {
    pub org_id: i64,
    pub org_name: String,
    pub period: String,
    pub period_label: String,
    pub indicators: Vec<IndicatorOut>,
    /// Each indicator's value for the org and each of its direct sub-orgs.
    pub lines: Vec<ValueLineOut>,
    /// The org's figures as the work summary states them.
    pub figures: Vec<FigureOut>,
}

impl From<IndicatorSheet> for ValuesOut {
    fn from(s: IndicatorSheet) -> Self {
        ValuesOut {
            org_id: s.org.id,
            org_name: s.org.name,
            period: s.period,
            period_label: s.period_label,
            indicators: s.indicators.into_iter().map(IndicatorOut::from).collect(),
            lines: s
                .lines
                .into_iter()
                .map(|l| ValueLineOut {
                    row: l.row,
                    indicator_id: l.indicator_id,
                    indicator: l.indicator,
                    unit: l.unit,
                    decimals: l.decimals,
                    org_id: l.org_id,
                    org_name: l.org_name,
                    value_id: l.value_id,
                    value: l.value,
                    target: l.target,
                    last_year: l.last_year,
                    note: l.note,
                    sub_total: l.sub_total,
                })
                .collect(),
            figures: s.figures.into_iter().map(FigureOut::from).collect(),
        }
    }
}

/// A period asked for, or the default working period.
async fn period_or_default(
    state: &AppState,
    actor: &taizhang_core::auth::Actor,
    period: &str,
) -> Result<String, ApiError> {
    Ok(match period.trim() {
        "" => state.services.default_period(actor).await?.code(),
        p => p.to_owned(),
    })
}

/// The values of an org and its direct sub-orgs for a period, and the org's figures.
#[utoipa::path(get, path = "/indicator-values", tag = "indicators", params(ValuesQuery),
    responses((status = 200, body = ValuesOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ValuesQuery>,
) -> Result<Json<ValuesOut>, ApiError> {
    let period = period_or_default(&state, &actor, &q.period).await?;
    Ok(Json(state.services.indicator_sheet(&actor, q.org_id, &period).await?.into()))
}

/// A number as typed: JSON text or a JSON number; null or absent for none.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("应为数字或文本")),
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ValueRowBody {
    pub indicator_id: Option<i64>,
    /// The org the value is of: the batch's org (default) or one below it.
    pub org_id: Option<i64>,
    /// "96.5" or 96.5, with at most the indicator's decimals; empty (with
    /// the other fields empty) clears the value.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = String)]
    pub value: String,
    /// The year's target.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = String)]
    pub target: String,
    /// The value of the same period a year earlier, when not entered for that period.
    #[serde(deserialize_with = "text_or_number")]
    #[schema(value_type = String)]
    pub last_year: String,
    /// Source note (数据来源), at most 200 characters.
    pub note: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ValuesBody {
    /// Default: the account's org.
    pub org_id: Option<i64>,
    pub period: String,
    /// Rows are numbered from 1 in errors: `rows[2].value`.
    pub rows: Vec<ValueRowBody>,
}

#[derive(Serialize, ToSchema)]
pub struct SavedOut {
    /// Values that changed (new, changed or cleared).
    pub saved: usize,
}

/// Saves values of an org and its subtree for one period: every row lands
/// or none does, and every wrong field is named with its row.
#[utoipa::path(put, path = "/indicator-values", tag = "indicators", request_body = ValuesBody,
    responses((status = 200, body = SavedOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ValuesBody>,
) -> Result<Json<SavedOut>, ApiError> {
    let rows = b
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| IndicatorValueInput {
            row: i + 1,
            indicator_id: r.indicator_id,
            org_id: r.org_id,
            value: r.value,
            target: r.target,
            last_year: r.last_year,
            note: r.note,
            ..Default::default()
        })
        .collect();
    let saved = state.services.indicator_values_save(&actor, b.org_id, &b.period, rows, None).await?;
    Ok(Json(SavedOut { saved }))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ExportQuery {
    pub org_id: Option<i64>,
    pub period: String,
    /// true: the import template (the same rows, figures left empty).
    pub blank: bool,
}

/// The values of an org and its direct sub-orgs for a period as a workbook
/// (单位/组织, 指标, 计量单位, 数值, 目标, 去年同期, 备注), which imports again.
#[utoipa::path(get, path = "/indicator-values/export.xlsx", tag = "indicators", params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let period = period_or_default(&state, &actor, &q.period).await?;
    let (name, bytes) = crate::sheets::indicator_export(&state.services, &actor, q.org_id, &period, q.blank).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// The org whose subtree the rows name (default: the account's org).
    pub org_id: Option<i64>,
    pub period: String,
    /// Name of the file, for the audit log.
    pub source: String,
    /// `xlsx` to receive the error report as a workbook instead of JSON.
    pub report: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    /// Values that changed.
    pub imported: usize,
}

/// Imports values for one period from an .xlsx body (columns 单位/组织, 指标,
/// 数值, 目标, 去年同期, 备注): all rows or none; every bad row and column is
/// named in the 422 answer (or its workbook with `report=xlsx`).
#[utoipa::path(post, path = "/indicator-values/import", tag = "indicators", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = ImportOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ImportQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    let source = if q.source.trim().is_empty() { "接口上传".to_owned() } else { q.source.trim().to_owned() };
    match crate::sheets::indicator_import(&state, &actor, q.org_id, &q.period, &body, &source).await {
        Ok(imported) => Ok(Json(ImportOut { imported }).into_response()),
        Err(taizhang_core::Error::Invalid(errors)) if q.report == "xlsx" => {
            let bytes = crate::sheets::indicator_error_report_in_turn(&state, errors, body).await?;
            let mut response = crate::sheets::xlsx_response("统计指标导入错误报告.xlsx", bytes);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
