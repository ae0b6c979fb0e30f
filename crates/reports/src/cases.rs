//! Petitions, disputes and ideology problems (信访矛盾纠纷台账) as a ledger.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

/// Petitions, disputes and ideology problems of a filter (信访矛盾纠纷台账).
pub async fn cases_export(
    services: &Services,
    actor: &Actor,
    filter: &taizhang_core::service::CaseFilter,
) -> Result<(String, Vec<u8>), Error> {
    let (views, _) = services.case_list(actor, filter).await?;
    let rows: Vec<Vec<Cell>> = views
        .iter()
        .map(|v| {
            let c = &v.case;
            vec![
                Cell::from(c.kind.label()),
                Cell::from(c.received_on.to_string()),
                Cell::from(v.org_name.as_str()),
                Cell::from(c.parties.as_str()),
                Cell::from(c.matter.as_str()),
                Cell::from(c.handler.as_str()),
                Cell::from(day(c.deadline)),
                Cell::from(c.steps.iter().map(|s| format!("{} {}", s.date, s.text)).collect::<Vec<_>>().join("\n")),
                Cell::from(c.outcome.map(|o| o.label()).unwrap_or_default()),
                Cell::from(c.resolution.as_str()),
                Cell::from(day(c.closed_on)),
                Cell::from(v.status.label()),
            ]
        })
        .collect();
    let what = filter.kind.map_or("信访、矛盾纠纷及意识形态问题", |k| k.label());
    let title = format!("{what}台账");
    let columns = [
        ("类别", 10),
        ("受理日期", 12),
        ("组织", 16),
        ("当事人/地点", 18),
        ("事项", 30),
        ("承办人", 10),
        ("办理期限", 12),
        ("办理过程", 36),
        ("结果", 10),
        ("处理情况", 30),
        ("办结日期", 12),
        ("状态", 8),
    ];
    let bytes = table_workbook(&title, "台账", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// Text of an optional date for a ledger cell.
fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}
