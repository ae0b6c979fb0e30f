//! Projects with their progress (工程项目进度台账) as a ledger.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

/// Projects with their milestones and progress (工程项目进度台账).
pub async fn projects_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
) -> Result<(String, Vec<u8>), Error> {
    let projects = services.project_list(actor, org_id).await?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for p in &projects {
        for u in &p.updates {
            rows.push(vec![
                Cell::from(p.name.as_str()),
                Cell::from(u.date.to_string()),
                Cell::from(u32::from(u.percent)),
                Cell::from(u.note.as_str()),
                Cell::from(u.reason.as_str()),
                Cell::from(p.milestones_done(u.date).iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")),
            ]);
        }
    }
    let title = "工程项目进度台账".to_owned();
    let columns =
        [("项目", 24), ("日期", 12), ("完成进度（%）", 12), ("进展情况", 40), ("进度调整原因", 20), ("已完成节点", 40)];
    let bytes = table_workbook(&title, "项目进度", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}
