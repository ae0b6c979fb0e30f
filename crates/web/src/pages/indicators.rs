//! /indicators: the indicators (统计指标) of an org, their values for the
//! working period in a grid (the org and its direct sub-orgs, one save),
//! import and export, and the definitions with a form to add one.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::model::OrgKind;
use taizhang_core::service::{IndicatorInput, IndicatorValueInput, MAX_VALUE_ROWS};

use super::{PageId, PageResult, error_map, form_errors, form_org_id, local_url, org_json, render_status, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfMultipart, PageActor, file_field, text_field};

#[derive(Deserialize, Default, Clone)]
pub struct IndicatorQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    /// Values just saved, for the notice.
    #[serde(default)]
    saved: String,
    #[serde(default)]
    imported: String,
    /// "1": the export is the blank template.
    #[serde(default)]
    blank: String,
}

fn back(org_id: &str, period: &str) -> String {
    local_url("/indicators", &[("org_id", org_id), ("period", period)])
}

/// What a page shows beyond the grid: errors, the rows as posted, an
/// import's problems, the add form's values.
#[derive(Default)]
struct Shown {
    errors: BTreeMap<String, String>,
    /// Cells as posted (by indicator and org), shown again beside their errors.
    posted: Vec<IndicatorValueInput>,
    problems: Vec<Value>,
    report: Option<String>,
    notice: Option<String>,
    /// The add form's values and errors.
    values: BTreeMap<String, String>,
    new_errors: BTreeMap<String, String>,
}

async fn show_page(
    state: &AppState,
    page: &PageActor,
    q: &IndicatorQuery,
    status: StatusCode,
    shown: Shown,
) -> PageResult {
    let orgs = state.services.org_tree(&page.actor).await?;
    let org_id = q.org_id.trim().parse().ok();
    let Shown { mut errors, posted, problems, report, notice, mut values, new_errors } = shown;
    let sheet = match state.services.indicator_sheet(&page.actor, org_id, &q.period).await {
        Ok(sheet) => Some(sheet),
        Err(e) => {
            errors.extend(form_errors(e)?);
            None
        }
    };
    let status = if sheet.is_none() { StatusCode::UNPROCESSABLE_ENTITY } else { status };
    let mut sheet = serde_json::to_value(&sheet).unwrap_or(Value::Null);
    // Cells as they were typed, where a save was refused.
    if let Some(lines) = sheet["lines"].as_array_mut() {
        for line in lines {
            let key = (line["indicator_id"].as_i64(), line["org_id"].as_i64());
            if let Some(p) = posted.iter().find(|p| (p.indicator_id, p.org_id) == key) {
                for (k, v) in
                    [("value", &p.value), ("target", &p.target), ("last_year", &p.last_year), ("note", &p.note)]
                {
                    line[k] = json!(v);
                }
            }
        }
    }
    for key in ["org_id", "name", "unit", "decimals", "aggregate", "org_kind", "sort"] {
        values.entry(key.to_owned()).or_default();
    }
    let filter_org = sheet["org"]["id"].as_i64().map(|id| id.to_string()).unwrap_or_else(|| q.org_id.clone());
    render_status(
        page,
        status,
        "indicators.html",
        &mut json!({
            "sheet": sheet,
            "filter": { "org_id": filter_org, "period": q.period },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "kinds": OrgKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect::<Vec<_>>(),
            "aggregates": taizhang_core::indicator::Aggregate::ALL.iter().map(|a| (a.as_str(), a.label())).collect::<Vec<_>>(),
            "errors": errors,
            "new_errors": new_errors,
            "values": values,
            "problems": problems,
            "report": report,
            "notice": notice,
        }),
    )
}

pub async fn show(State(state): State<AppState>, page: PageActor, Query(mut q): Query<IndicatorQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    let notice = match (q.saved.parse::<usize>(), q.imported.parse::<usize>()) {
        (Ok(n), _) => Some(format!("已保存，{n}个指标值有变化。")),
        (_, Ok(n)) => Some(format!("已导入，{n}个指标值有变化。")),
        _ => None,
    };
    show_page(&state, &page, &q, StatusCode::OK, Shown { notice, ..Default::default() }).await
}

pub async fn export(State(state): State<AppState>, page: PageActor, Query(mut q): Query<IndicatorQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    let org_id = q.org_id.trim().parse().ok();
    let blank = q.blank == "1";
    let (name, bytes) = crate::sheets::indicator_export(&state.services, &page.actor, org_id, &q.period, blank).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// The grid's fields (`rows[3].value` …) as rows, by their number.
fn grid_rows(fields: &[(String, String)]) -> Vec<IndicatorValueInput> {
    let mut rows: BTreeMap<usize, IndicatorValueInput> = BTreeMap::new();
    for (name, text) in fields {
        let Some((n, key)) = name.strip_prefix("rows[").and_then(|rest| rest.split_once("].")) else { continue };
        let Some(n) = n.parse::<usize>().ok().filter(|n| (1..=MAX_VALUE_ROWS).contains(n)) else { continue };
        let row = rows.entry(n).or_insert_with(|| IndicatorValueInput { row: n, ..Default::default() });
        match key {
            "indicator_id" => row.indicator_id = text.trim().parse().ok(),
            "org_id" => row.org_id = text.trim().parse().ok(),
            "value" => row.value.clone_from(text),
            "target" => row.target.clone_from(text),
            "last_year" => row.last_year.clone_from(text),
            "note" => row.note.clone_from(text),
            _ => {}
        }
    }
    rows.into_values().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Saves the grid: every cell lands or none does; refused, the grid shows
/// again as typed, each error beside its cell.
pub async fn values_save(
    State(state): State<AppState>,
    CsrfForm(page, fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let q = IndicatorQuery {
        org_id: field(&fields, "org_id").to_owned(),
        period: field(&fields, "period").to_owned(),
        ..Default::default()
    };
    let org_id = match form_org_id(&q.org_id) {
        Ok(id) => id,
        Err(e) => {
            let shown = Shown { errors: error_map(&e.field_errors()), ..Default::default() };
            return show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await;
        }
    };
    let rows = grid_rows(&fields);
    match state.services.indicator_values_save(&page.actor, org_id, &q.period, rows.clone(), None).await {
        Ok(n) => Ok(see_other(&local_url(
            "/indicators",
            &[("org_id", &q.org_id), ("period", &q.period), ("saved", &n.to_string())],
        ))),
        Err(e) => {
            let shown = Shown { errors: form_errors(e)?, posted: rows, ..Default::default() };
            show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}

/// Imports a values sheet for the page's org and period.
pub async fn import(State(state): State<AppState>, CsrfMultipart(page, parts): CsrfMultipart) -> PageResult {
    use base64::Engine;
    let q = IndicatorQuery {
        org_id: text_field(&parts, "org_id"),
        period: text_field(&parts, "period"),
        ..Default::default()
    };
    let org_id = match form_org_id(&q.org_id) {
        Ok(id) => id,
        Err(e) => {
            let shown = Shown { errors: error_map(&e.field_errors()), ..Default::default() };
            return show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await;
        }
    };
    let Some((name, bytes)) = file_field(&parts, "file") else {
        let errors = BTreeMap::from([("file".to_owned(), "请选择要导入的 Excel 文件".to_owned())]);
        return show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, Shown { errors, ..Default::default() })
            .await;
    };
    let source = if name.trim().is_empty() { "上传文件".to_owned() } else { name };
    match crate::sheets::indicator_import(&state, &page.actor, org_id, &q.period, &bytes, &source).await {
        Ok(n) => Ok(see_other(&local_url(
            "/indicators",
            &[("org_id", &q.org_id), ("period", &q.period), ("imported", &n.to_string())],
        ))),
        Err(taizhang_core::Error::Invalid(errors)) => {
            let rows_named = errors.iter().any(|e| e.field.starts_with("rows["));
            if !rows_named {
                // The file as a whole (not a spreadsheet, no header, no rows).
                let shown = Shown { errors: error_map(&errors), ..Default::default() };
                return show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await;
            }
            let problems = crate::sheets::indicator_problems(&errors)
                .into_iter()
                .map(|(row, column, message)| json!({ "row": row, "column": column, "message": message }))
                .collect();
            let report = crate::sheets::indicator_error_report_in_turn(&state, errors, bytes).await?;
            let shown = Shown {
                problems,
                report: Some(base64::engine::general_purpose::STANDARD.encode(report)),
                ..Default::default()
            };
            show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct DefinitionForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    org_kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    decimals: String,
    #[serde(default)]
    aggregate: String,
    #[serde(default)]
    sort: String,
    /// The page to go back to.
    #[serde(default)]
    back_org: String,
    #[serde(default)]
    back_period: String,
}

impl DefinitionForm {
    fn query(&self) -> IndicatorQuery {
        IndicatorQuery { org_id: self.back_org.clone(), period: self.back_period.clone(), ..Default::default() }
    }

    /// The input; a number field that is not a number is out of range, and
    /// so refused with the field's message.
    fn input(&self) -> Result<IndicatorInput, taizhang_core::Error> {
        let number = |s: &str| match s.trim() {
            "" => None,
            t => Some(t.parse::<i64>().unwrap_or(i64::MAX)),
        };
        Ok(IndicatorInput {
            org_id: form_org_id(&self.org_id)?,
            org_kind: self.org_kind.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            decimals: number(&self.decimals),
            aggregate: self.aggregate.clone(),
            sort: number(&self.sort),
        })
    }

    fn values(&self) -> BTreeMap<String, String> {
        [
            ("org_id", &self.org_id),
            ("org_kind", &self.org_kind),
            ("name", &self.name),
            ("unit", &self.unit),
            ("decimals", &self.decimals),
            ("aggregate", &self.aggregate),
            ("sort", &self.sort),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

pub async fn definition_create(
    State(state): State<AppState>,
    CsrfForm(page, f): CsrfForm<DefinitionForm>,
) -> PageResult {
    let q = f.query();
    let result = match f.input() {
        Ok(input) => state.services.indicator_define(&page.actor, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(super::flash::redirect(&page, &back(&q.org_id, &q.period), super::flash::Flash::Added)),
        Err(e) => {
            let shown = Shown { new_errors: form_errors(e)?, values: f.values(), ..Default::default() };
            show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
    }
}

pub async fn definition_update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<DefinitionForm>,
) -> PageResult {
    let q = f.query();
    let result = match f.input() {
        Ok(input) => state.services.indicator_update(&page.actor, id, &input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(super::flash::redirect(&page, &back(&q.org_id, &q.period), super::flash::Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("def{id}.{k}"), v)).collect();
            show_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, Shown { errors, ..Default::default() }).await
        }
    }
}

pub async fn definition_delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<DefinitionForm>,
) -> PageResult {
    state.services.indicator_delete(&page.actor, id).await?;
    let q = f.query();
    Ok(super::flash::redirect(&page, &back(&q.org_id, &q.period), super::flash::Flash::Deleted))
}
