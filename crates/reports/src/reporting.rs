//! Upward reporting: one submission in its task's column layout (for the
//! platforms above that Taizhang does not talk to), and a task's matrix of
//! orgs × periods with states, due days and on-time rates.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

fn number(text: &str) -> Cell {
    match text.parse::<f64>() {
        Ok(n) => Cell::Number(n),
        Err(_) => Cell::from(text),
    }
}

/// One submission as a workbook: a row of the org and period, then one
/// column per figure of the task, in its order.
pub async fn submission_export(
    services: &Services,
    actor: &Actor,
    task_id: i64,
    org_id: i64,
    period: &str,
) -> Result<(String, Vec<u8>), Error> {
    let v = services.submission_view(actor, task_id, org_id, period).await?;
    let headers: Vec<String> = std::iter::once("单位".to_owned())
        .chain(std::iter::once("期间".to_owned()))
        .chain(
            v.task
                .fields
                .iter()
                .map(|f| if f.unit.is_empty() { f.label.clone() } else { format!("{}（{}）", f.label, f.unit) }),
        )
        .chain(["状态".to_owned(), "说明".to_owned()])
        .collect();
    let columns: Vec<(&str, u16)> =
        headers.iter().enumerate().map(|(i, h)| (h.as_str(), if i == 0 { 24 } else { 14 })).collect();
    let reasons: Vec<String> =
        v.lines.iter().filter(|l| l.corrected).map(|l| format!("{}：{}", l.field.label, l.value.reason)).collect();
    let mut row = vec![Cell::from(v.org.name.as_str()), Cell::from(v.period_label.as_str())];
    row.extend(v.lines.iter().map(|l| number(&l.value.value)));
    row.push(Cell::from(v.submission.state.label()));
    row.push(Cell::from(reasons.join("；")));
    let title = format!("{}{}{}", v.org.name, v.period_label, v.task.name);
    let bytes = table_workbook(&title, "报送", &columns, &[row]).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// A task's matrix as a workbook: one row per org, one column per period
/// (its state, and days overdue), then the on-time rate.
pub async fn matrix_export(services: &Services, actor: &Actor, task_id: i64) -> Result<(String, Vec<u8>), Error> {
    let m = services.report_matrix(actor, task_id, taizhang_core::service::MATRIX_PERIODS).await?;
    let headers: Vec<String> = std::iter::once("单位".to_owned())
        .chain(m.periods.iter().map(|(_, label)| label.clone()))
        .chain(["按时报送率".to_owned()])
        .collect();
    let columns: Vec<(&str, u16)> =
        headers.iter().enumerate().map(|(i, h)| (h.as_str(), if i == 0 { 24 } else { 12 })).collect();
    let rows: Vec<Vec<Cell>> = m
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![Cell::from(r.org.as_str())];
            row.extend(r.cells.iter().map(|c| {
                Cell::from(if c.days_overdue > 0 {
                    format!("{}（逾期{}天）", c.state_label, c.days_overdue)
                } else {
                    c.state_label.to_owned()
                })
            }));
            row.push(Cell::from(r.on_time_rate.map(|p| format!("{p}%")).unwrap_or_default()));
            row
        })
        .collect();
    let title = format!("{}报送情况", m.task.name);
    let bytes = table_workbook(&title, "报送情况", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}
