//! Indicator values (统计指标): the sheet of an org and period, its blank
//! template, the error report of a bad import.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, FieldError, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::{Import, sheet_error};

/// The indicator values of an org (and its direct sub-orgs) for a period as
/// a workbook, one row per indicator and org; `blank` leaves the figures
/// empty (the import template). Imports again as it is.
pub async fn indicator_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    blank: bool,
) -> Result<(String, Vec<u8>), Error> {
    let sheet = services.indicator_sheet(actor, org_id, period).await?;
    let number = |text: &str| match text.parse::<f64>() {
        _ if blank || text.is_empty() => Cell::from(""),
        Ok(n) => Cell::Number(n),
        Err(_) => Cell::from(text),
    };
    let rows: Vec<Vec<Cell>> = sheet
        .lines
        .iter()
        .map(|l| {
            vec![
                Cell::from(l.org_name.as_str()),
                Cell::from(l.indicator.as_str()),
                Cell::from(l.unit.as_str()),
                number(&l.value),
                number(&l.target),
                number(&l.last_year),
                Cell::from(if blank { "" } else { l.note.as_str() }),
            ]
        })
        .collect();
    let what = if blank { "统计指标填报模板" } else { "统计指标" };
    let title = format!("{}{}{what}", sheet.org.name, sheet.period_label);
    let header = taizhang_core::indicator::sheet_header;
    let columns = [
        (header("org"), 20),
        (header("indicator"), 20),
        (taizhang_docs::UNIT_HEADER, 10),
        (header("value"), 12),
        (header("target"), 12),
        (header("last_year"), 12),
        (header("note"), 30),
    ];
    let bytes = table_workbook(&title, "统计指标", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Field errors of an indicator import as (row, column, message) lines.
pub fn indicator_problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    Import::Indicators.lines(errors)
}

/// The error report of an indicator import: the upload with its bad cells
/// marked, and the list.
pub fn indicator_error_report(errors: &[FieldError], bytes: &[u8]) -> Result<Vec<u8>, Error> {
    Import::Indicators.report(errors, |title, problems| taizhang_docs::indicator_error_workbook(bytes, title, problems))
}
