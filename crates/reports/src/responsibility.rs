//! The responsibility chain (责任体系台账) as a ledger.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, Services};
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

/// The responsibility chain of an org for a year (责任体系台账).
pub async fn responsibility_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    year: i32,
) -> Result<(String, Vec<u8>), Error> {
    let chain = services.responsibility_chain(actor, org_id, year).await?;
    let areas = services.work_areas_for(actor).await?;
    let area_names = |ids: &[i64]| -> String {
        ids.iter()
            .filter_map(|id| areas.iter().find(|a| a.id == *id))
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows: Vec<Vec<Cell>> = chain
        .iter()
        .map(|link| {
            let first = link.first_responsible.as_ref();
            vec![
                Cell::from(format!("{}{}", "　".repeat(link.depth), link.org.name)),
                Cell::from(first.map(|d| format!("{}（{}）", d.person_name, d.post)).unwrap_or_default()),
                Cell::from(
                    link.others
                        .iter()
                        .map(|d| format!("{}（{}）：{}", d.person_name, d.post, area_names(&d.area_ids)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Cell::from(
                    link.pledges
                        .iter()
                        .map(|p| format!("{} {}与{}签订", p.signed_on, p.signer_name, p.counterpart))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Cell::from(link.gaps.join("；")),
            ]
        })
        .collect();
    let root = chain.first().map(|l| l.org.name.clone()).unwrap_or_default();
    let title = format!("{root}{year}年意识形态工作责任体系台账");
    let columns = [("组织", 24), ("第一责任人", 16), ("班子成员分工（一岗双责）", 40), ("责任状", 36), ("缺项", 24)];
    let bytes = table_workbook(&title, "责任体系", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}
