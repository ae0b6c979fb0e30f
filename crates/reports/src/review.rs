//! Problems and plans (存在问题和下一步打算) of an org and period as a ledger.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

/// The problems and plans of an org and period.
pub async fn review_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
) -> Result<(String, Vec<u8>), Error> {
    let review = services.review(actor, org_id, period).await?;
    let rows: Vec<Vec<Cell>> = review
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::from(i.section.label()),
                Cell::from(i.text.as_str()),
                Cell::from(if i.source.is_empty() { "人工填写" } else { "台账建议" }),
            ]
        })
        .collect();
    let title = format!("{}{}存在问题和下一步打算", review.org.name, review.period_label);
    let bytes = table_workbook(&title, "问题与打算", &[("类别", 12), ("内容", 80), ("来源", 10)], &rows)
        .map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}
